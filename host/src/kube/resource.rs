//! Objects of a release manifest, and the requests that apply, read and delete them.
//!
//! Applying is server-side apply as Helm 4 does it: `PATCH` with
//! `Content-Type: application/apply-patch+yaml`, the whole object as the body, and the query
//! `fieldManager=helm&fieldValidation=Strict&force=<bool>` (plus `dryRun=All` for
//! `--dry-run=server`). The field manager is `helm` — the name Helm 4 derives from its binary —
//! so that whelm and Helm own the same fields and a user can switch between them without
//! conflicts (`WHELM_FIELD_MANAGER` overrides it).
//!
//! With `--server-side=false` (and for releases installed that way) it is Helm's client-side
//! apply instead: create, or patch with the strategic merge or JSON merge patch Helm computes
//! ([`Cluster::apply_client_side`], [`super::patch`]), or replace with `--force-replace`.

use std::collections::BTreeMap;
use std::time::Duration;

use http::Method;
use serde_json::{Value, json};

use super::client::{ApiError, Cluster, query_escape};
use super::discovery::{ResourceInfo, ServerInfo};
use super::{openapi, patch};
use crate::render::assemble::split_manifests;

/// The REST path of `plural` in `api_version` (core `v1` under `/api`, groups under `/apis`),
/// in `namespace` when not empty, of the object `name` when not empty (else the collection).
pub fn rest_path(api_version: &str, plural: &str, namespace: &str, name: &str) -> String {
    let mut path = if api_version.contains('/') {
        format!("/apis/{api_version}")
    } else {
        format!("/api/{api_version}")
    };
    if !namespace.is_empty() {
        path.push_str("/namespaces/");
        path.push_str(namespace);
    }
    path.push('/');
    path.push_str(plural);
    if !name.is_empty() {
        path.push('/');
        path.push_str(name);
    }
    path
}

/// Helm's ownership metadata.
pub const RELEASE_NAME_ANNOTATION: &str = "meta.helm.sh/release-name";
pub const RELEASE_NAMESPACE_ANNOTATION: &str = "meta.helm.sh/release-namespace";
pub const MANAGED_BY_LABEL: &str = "app.kubernetes.io/managed-by";

/// The field manager whelm applies with.
pub fn field_manager() -> String {
    std::env::var("WHELM_FIELD_MANAGER")
        .ok()
        .filter(|s| !s.is_empty())
        .unwrap_or_else(|| "helm".to_string())
}

/// One object of a manifest, mapped to its REST resource.
#[derive(Debug, Clone, PartialEq)]
pub struct Resource {
    pub api_version: String,
    pub kind: String,
    pub name: String,
    /// Empty for cluster-scoped kinds.
    pub namespace: String,
    pub plural: String,
    /// The object as rendered (namespace filled in for namespaced kinds).
    pub object: Value,
}

impl Resource {
    /// `Kind/name` (as kubectl prints it).
    pub fn id(&self) -> String {
        format!("{}/{}", self.kind, self.name)
    }

    /// Helm's `resourceString`: `Kind "name" in namespace "ns"`.
    pub fn describe(&self) -> String {
        format!(
            "{} {:?} in namespace {:?}",
            self.kind, self.name, self.namespace
        )
    }

    /// The API group of `apiVersion` (empty for the core group).
    pub fn group(&self) -> &str {
        self.api_version.rsplit_once('/').map_or("", |(g, _)| g)
    }

    /// Identity across releases: apiVersion's group, kind, namespace, name (Helm compares
    /// objects by group/kind/namespace/name, so a version bump is the same object).
    pub fn key(&self) -> (String, String, String, String) {
        (
            self.group().to_string(),
            self.kind.clone(),
            self.namespace.clone(),
            self.name.clone(),
        )
    }

    /// The REST path of the object's collection.
    pub fn collection_path(&self) -> String {
        rest_path(&self.api_version, &self.plural, &self.namespace, "")
    }

    /// The object's REST path.
    pub fn path(&self) -> String {
        rest_path(&self.api_version, &self.plural, &self.namespace, &self.name)
    }

    /// Annotated `helm.sh/resource-policy: keep`: never deleted by an upgrade or uninstall.
    pub fn keeps(&self) -> bool {
        self.object
            .pointer("/metadata/annotations/helm.sh~1resource-policy")
            .and_then(Value::as_str)
            == Some("keep")
    }

    /// Adds Helm's ownership label and annotations.
    pub fn set_owner(&mut self, release: &str, namespace: &str) {
        let meta = &mut self.object["metadata"];
        if !meta["labels"].is_object() {
            meta["labels"] = json!({});
        }
        meta["labels"][MANAGED_BY_LABEL] = json!("Helm");
        if !meta["annotations"].is_object() {
            meta["annotations"] = json!({});
        }
        meta["annotations"][RELEASE_NAME_ANNOTATION] = json!(release);
        meta["annotations"][RELEASE_NAMESPACE_ANNOTATION] = json!(namespace);
    }
}

/// An object whose kind the cluster does not serve.
#[derive(Debug, Clone, PartialEq)]
pub struct Unmapped {
    pub api_version: String,
    pub kind: String,
    pub name: String,
    pub namespace: String,
}

impl std::fmt::Display for Unmapped {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "resource mapping not found for name: {:?} namespace: {:?} from \"\": no matches for kind {:?} in version {:?}\nensure CRDs are installed first",
            self.name, self.namespace, self.kind, self.api_version
        )
    }
}

/// Why a manifest cannot be turned into objects.
#[derive(Debug, Clone, PartialEq)]
pub enum BuildError {
    /// A document that is not a Kubernetes object (the message names the source file).
    Invalid(String),
    Unmapped(Unmapped),
}

impl std::fmt::Display for BuildError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            BuildError::Invalid(m) => f.write_str(m),
            BuildError::Unmapped(u) => u.fmt(f),
        }
    }
}

/// A manifest document as the JSON object Helm sends: its builder turns YAML into JSON
/// (sigs.k8s.io/yaml, where an integral number prints without a fraction) and decodes that with
/// int64s kept, so `port: 80` goes out as `80`, not `80.0` — which a typed field (`int32`)
/// would refuse in a create, replace or merge patch.
fn to_json(v: &whelm_template::value::Value) -> Result<Value, String> {
    to_json_at(v, 0)
}

/// [`to_json`] without the text in between: what `json.Marshal` and a decode with int64s
/// kept would make of `v`, built directly (a float that is integral and fits becomes an int).
fn to_json_at(v: &whelm_template::value::Value, depth: usize) -> Result<Value, String> {
    use whelm_template::value::Value as V;
    if depth > whelm_template::yaml::MAX_DEPTH {
        return Err(
            "json: unsupported value: encountered a cycle via map[string]interface {}".into(),
        );
    }
    Ok(match v {
        V::Nil => Value::Null,
        V::Bool(b) => Value::Bool(*b),
        V::Int(i) | V::Int64(i) => Value::from(*i),
        V::Float(f) if !f.is_finite() => {
            return Err(format!(
                "json: unsupported value: {}",
                whelm_template::num::format_float(*f, 'g', -1)
            ));
        }
        V::Float(f) if f.fract() == 0.0 && f.abs() < 9.2e18 => Value::from(*f as i64),
        V::Float(f) => Value::from(*f),
        V::String(s) => Value::String(s.to_string()),
        V::List(l) => Value::Array(
            l.iter()
                .map(|e| to_json_at(e, depth + 1))
                .collect::<Result<_, _>>()?,
        ),
        V::Map(m) => {
            let m = m.0.borrow();
            let mut out = serde_json::Map::new();
            for (k, e) in m.iter() {
                out.insert(k.clone(), to_json_at(e, depth + 1)?);
            }
            Value::Object(out)
        }
        V::Object(o) => match o.as_data() {
            Some(d) => to_json_at(&d, depth + 1)?,
            None => Value::Object(Default::default()),
        },
    })
}

/// The `# Source:` path a document of a release manifest carries, if any.
fn source_of(doc: &str) -> &str {
    doc.lines()
        .find_map(|l| l.strip_prefix("# Source: "))
        .unwrap_or("")
}

/// Parses a release manifest (`---`-separated documents) into objects, in order. `namespace`
/// is the release namespace, given to namespaced objects that name none.
pub fn build(
    manifest: &str,
    namespace: &str,
    info: &ServerInfo,
) -> Result<Vec<Resource>, BuildError> {
    let mut out = Vec::new();
    for doc in split_manifests(manifest) {
        let source = source_of(&doc);
        let loaded = whelm_template::yaml::load_manifest(&doc)
            .map_err(|e| BuildError::Invalid(format!("error parsing{}: {e}", from(source))))?;
        push_objects(&mut out, &loaded, source, namespace, info)?;
    }
    Ok(out)
}

/// As [`build`], from documents already parsed, each with its template path.
pub fn build_parsed<'a>(
    docs: impl IntoIterator<Item = (&'a str, &'a whelm_template::Value)>,
    namespace: &str,
    info: &ServerInfo,
) -> Result<Vec<Resource>, BuildError> {
    let mut out = Vec::new();
    for (source, loaded) in docs {
        push_objects(&mut out, loaded, source, namespace, info)?;
    }
    Ok(out)
}

/// ` (from <source>)` for messages, when the source is known.
fn from(source: &str) -> String {
    if source.is_empty() {
        String::new()
    } else {
        format!(" (from {source})")
    }
}

/// Maps one parsed document (an object, a `List` of them, or nothing) onto `out`.
fn push_objects(
    out: &mut Vec<Resource>,
    loaded: &whelm_template::Value,
    source: &str,
    namespace: &str,
    info: &ServerInfo,
) -> Result<(), BuildError> {
    let where_ = from(source);
    let object =
        to_json(loaded).map_err(|e| BuildError::Invalid(format!("error parsing{where_}: {e}")))?;
    let object = match object {
        Value::Null => return Ok(()),
        o @ Value::Object(_) => o,
        _ => {
            return Err(BuildError::Invalid(format!(
                "error parsing{where_}: a Kubernetes object must be a mapping"
            )));
        }
    };
    // A `List` kind holds objects in `items`, as kubectl accepts.
    if object["kind"].as_str().is_some_and(|k| k.ends_with("List")) && object["items"].is_array() {
        for item in object["items"].as_array().cloned().unwrap_or_default() {
            out.push(map_object(item, namespace, info, &where_)?);
        }
        return Ok(());
    }
    out.push(map_object(object, namespace, info, &where_)?);
    Ok(())
}

fn map_object(
    mut object: Value,
    namespace: &str,
    info: &ServerInfo,
    where_: &str,
) -> Result<Resource, BuildError> {
    let api_version = object["apiVersion"].as_str().unwrap_or("").to_string();
    let kind = object["kind"].as_str().unwrap_or("").to_string();
    let name = object
        .pointer("/metadata/name")
        .and_then(Value::as_str)
        .unwrap_or("")
        .to_string();
    if api_version.is_empty() || kind.is_empty() {
        return Err(BuildError::Invalid(format!(
            "error validating data{where_}: apiVersion and kind must be set (got apiVersion {api_version:?}, kind {kind:?})"
        )));
    }
    if name.is_empty() {
        return Err(BuildError::Invalid(format!(
            "{kind}{where_} has no metadata.name: resource name may not be empty"
        )));
    }
    let given_ns = object
        .pointer("/metadata/namespace")
        .and_then(Value::as_str)
        .unwrap_or("")
        .to_string();
    let Some(ResourceInfo { plural, namespaced }) = info.resource(&api_version, &kind).cloned()
    else {
        return Err(BuildError::Unmapped(Unmapped {
            api_version,
            kind,
            name,
            namespace: given_ns,
        }));
    };
    let ns = if namespaced {
        let ns = if given_ns.is_empty() {
            namespace.to_string()
        } else {
            given_ns
        };
        object["metadata"]["namespace"] = json!(ns);
        ns
    } else {
        String::new()
    };
    Ok(Resource {
        api_version,
        kind,
        name,
        namespace: ns,
        plural,
        object,
    })
}

/// How to apply.
#[derive(Debug, Clone, Default)]
pub struct ApplyOptions {
    pub force_conflicts: bool,
    pub dry_run: bool,
    /// `--server-side=false`: client-side apply as Helm 4 does it (see
    /// [`Cluster::apply_client_side`]), for releases Helm 3 or `--server-side=false` manage.
    pub client_side: bool,
    /// `--force-replace`: client-side apply replaces (PUT) existing objects instead of patching.
    pub force_replace: bool,
    /// Before a server-side apply, move the fields the field manager owns through client-side
    /// apply to its apply entry (Helm's `upgradeClientSideFieldManager`; see
    /// [`Cluster::upgrade_client_side_manager`]).
    pub upgrade_client_side_manager: bool,
    /// Patch untyped objects (custom resources) with a three-way JSON merge patch against the
    /// live object rather than a two-way one from the original: Helm does for
    /// `install --take-ownership --server-side=false` only.
    pub three_way_unstructured: bool,
}

/// Helm's error for `--force-replace` on a server-side apply.
pub const FORCE_REPLACE_WITH_SSA: &str =
    "invalid operation: cannot use server-side apply and force replace together";

/// `DeleteOptions.propagationPolicy`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Propagation {
    Background,
    Foreground,
    Orphan,
}

impl Propagation {
    pub fn parse(s: &str) -> Result<Propagation, String> {
        match s {
            "background" => Ok(Propagation::Background),
            "foreground" => Ok(Propagation::Foreground),
            "orphan" => Ok(Propagation::Orphan),
            _ => Err(format!(
                "invalid cascade value ({s}). Must be \"background\", \"foreground\", or \"orphan\""
            )),
        }
    }
    fn as_str(self) -> &'static str {
        match self {
            Propagation::Background => "Background",
            Propagation::Foreground => "Foreground",
            Propagation::Orphan => "Orphan",
        }
    }
}

fn absent_as_none(got: Result<Value, ApiError>) -> Result<Option<Value>, ApiError> {
    match got {
        Ok(v) => Ok(Some(v)),
        Err(e) if e.is_not_found() => Ok(None),
        Err(e) => Err(e),
    }
}

/// The query of a write: whelm's field manager, `extra` parameters, and `dryRun=All` for a
/// server dry run.
fn write_query(extra: &str, dry_run: bool) -> String {
    let dry = if dry_run { "&dryRun=All" } else { "" };
    format!(
        "fieldManager={}{extra}{dry}",
        query_escape(&field_manager())
    )
}

/// An object as a request body.
fn body_of(r: &Resource) -> Result<Vec<u8>, ApiError> {
    serde_json::to_vec(&r.object).map_err(|e| ApiError::Decode {
        what: r.id(),
        detail: e.to_string(),
    })
}

/// Go's `GroupVersionKind.String()`: `apps/v1, Kind=Deployment`.
pub fn gvk_string(r: &Resource) -> String {
    let (group, version) = r
        .api_version
        .rsplit_once('/')
        .unwrap_or(("", &r.api_version));
    format!("{group}/{version}, Kind={}", r.kind)
}

/// Client-go's `csaupgrade.UpgradeManagedFieldsPatch` for manager `manager`, given an object's
/// metadata: the JSON patch that makes `manager`'s client-side-apply (`Update`) fields part of
/// its `Apply` entry (turning its newest `Update` entry into one if it has none) and drops its
/// `Update` entries, guarded by the object's `resourceVersion`. `None` when nothing changes.
/// Entries of subresources are left alone.
pub fn client_side_manager_patch(meta: &Value, manager: &str) -> Option<Value> {
    let entries = meta.pointer("/metadata/managedFields")?.as_array()?;
    let is = |e: &Value, operation: &str| {
        e["manager"] == manager
            && e["operation"] == operation
            && e.get("subresource")
                .and_then(Value::as_str)
                .unwrap_or("")
                .is_empty()
    };
    let mut fields = entries.clone();
    let target = match fields.iter().position(|e| is(e, "Apply")) {
        Some(i) => i,
        None => {
            let i = fields.iter().position(|e| is(e, "Update"))?;
            fields[i]["operation"] = "Apply".into();
            i
        }
    };
    let api_version = fields[target]["apiVersion"].clone();
    if let Some(csa) = fields
        .iter()
        .find(|e| is(e, "Update") && e["apiVersion"] == api_version)
        .map(|e| e["fieldsV1"].clone())
    {
        union_fields(&mut fields[target]["fieldsV1"], &csa);
    }
    fields.retain(|e| !is(e, "Update"));
    if fields == *entries {
        return None;
    }
    Some(serde_json::json!([
        {"op": "replace", "path": "/metadata/managedFields", "value": fields},
        // "replace" rather than "test": a changed object is refused with 409 Conflict.
        {"op": "replace", "path": "/metadata/resourceVersion",
         "value": meta["metadata"]["resourceVersion"]},
    ]))
}

/// Adds the fields of `other` (a `FieldsV1` trie) to `into`.
fn union_fields(into: &mut Value, other: &Value) {
    match (into, other) {
        (Value::Object(a), Value::Object(b)) => {
            for (k, v) in b {
                union_fields(a.entry(k.clone()).or_insert(Value::Null), v);
            }
        }
        (into @ Value::Null, other) => *into = other.clone(),
        _ => {}
    }
}

impl Cluster {
    /// Helm's `upgradeClientSideFieldManager`: reads `r`'s metadata and, if whelm's field
    /// manager owns fields of it through client-side apply, patches them over to its
    /// server-side apply entry ([`client_side_manager_patch`]), so that the apply that follows
    /// neither conflicts with them nor leaves them behind when the chart drops them. Retried
    /// (up to 5 times) when the object changes in between. An object that does not exist has
    /// nothing to move.
    pub async fn upgrade_client_side_manager(
        &self,
        r: &Resource,
        dry_run: bool,
    ) -> Result<(), String> {
        let what = || format!("{}/{} {}", r.namespace, r.name, gvk_string(r));
        let manager = field_manager();
        let query = write_query("&fieldValidation=Strict", dry_run);
        let mut attempts = 0;
        loop {
            attempts += 1;
            let meta = match self.get_meta(&r.path()).await {
                Ok(m) => m,
                Err(e) if e.is_not_found() => return Ok(()),
                Err(e) => return Err(format!("failed to get object {}: {e}", what())),
            };
            let Some(patch) = client_side_manager_patch(&meta, &manager) else {
                return Ok(());
            };
            let body = serde_json::to_vec(&patch).expect("a JSON patch serialises");
            let sent = self
                .call_accept(
                    Method::PATCH,
                    &format!("{}?{query}", r.path()),
                    Some("application/json-patch+json"),
                    Some(body),
                    Some(super::client::META_ACCEPT),
                )
                .await;
            match sent {
                Ok(_) => return Ok(()),
                Err(e) if e.is_conflict() && attempts < 5 => {
                    tokio::time::sleep(Duration::from_millis(10)).await;
                }
                Err(e) => {
                    return Err(format!(
                        "failed to patch object to upgrade CSA field manager {}: {e}",
                        what()
                    ));
                }
            }
        }
    }

    /// Server-side apply of one object; returns the metadata of the object the server answers
    /// with (only metadata is asked for: the apiserver need not encode a big ConfigMap back).
    pub async fn apply(&self, r: &Resource, o: &ApplyOptions) -> Result<Value, ApiError> {
        let extra = format!("&fieldValidation=Strict&force={}", o.force_conflicts);
        let query = write_query(&extra, o.dry_run);
        self.call_accept(
            Method::PATCH,
            &format!("{}?{query}", r.path()),
            Some("application/apply-patch+yaml"),
            Some(body_of(r)?),
            Some(super::client::META_ACCEPT),
        )
        .await
    }

    /// A plain create (POST) under whelm's field manager, as client-side apply creates; an
    /// existing object is an error (409 AlreadyExists).
    pub async fn create(&self, r: &Resource, dry_run: bool) -> Result<Value, ApiError> {
        let query = write_query("", dry_run);
        self.call(
            Method::POST,
            &format!("{}?{query}", r.collection_path()),
            Some("application/json"),
            Some(body_of(r)?),
        )
        .await
    }

    /// Client-side apply as Helm 4's `Client.Update` does it (`--server-side=false`): creates `r`
    /// when it does not exist; else, with `--force-replace`, replaces it (PUT); else patches the
    /// live object with Helm's patch from `original` to `r` (the previous revision's object; when
    /// `None`, the object is new to the release and Helm takes the live object as the baseline):
    ///
    /// - typed kinds (client-go's, see [`openapi::is_strategic`]): a three-way strategic merge
    ///   patch against the live object, with patch metadata from the cluster's OpenAPI v3
    ///   document (read once per group-version);
    /// - others: a JSON merge patch, two-way from `original`, or three-way against the live
    ///   object when [`ApplyOptions::three_way_unstructured`].
    ///
    /// An empty patch is not sent. Returns the object the server answers with (the live one when
    /// nothing changed). Errors read as Helm's.
    pub async fn apply_client_side(
        &self,
        r: &Resource,
        original: Option<&Resource>,
        o: &ApplyOptions,
    ) -> Result<Value, String> {
        let query = write_query("", o.dry_run);
        let encode = |v: &Value| {
            serde_json::to_vec(v).map_err(|e| format!("encoding {}: {e}", r.describe()))
        };
        let live = self
            .get_live(r)
            .await
            .map_err(|e| format!("could not get information about the resource: {e}"))?;
        let Some(live) = live else {
            return self
                .create(r, o.dry_run)
                .await
                .map_err(|e| format!("failed to create resource: {e}"));
        };
        if o.force_replace {
            // cli-runtime's Replace: the live resourceVersion unless the object names one.
            let mut object = r.object.clone();
            let rv = |v: &Value| {
                v.pointer("/metadata/resourceVersion")
                    .and_then(Value::as_str)
                    .unwrap_or("")
                    .to_string()
            };
            if rv(&object).is_empty() && !rv(&live).is_empty() && object["metadata"].is_object() {
                object["metadata"]["resourceVersion"] = json!(rv(&live));
            }
            return self
                .call(
                    Method::PUT,
                    &format!("{}?{query}&fieldValidation=Strict", r.path()),
                    Some("application/json"),
                    Some(encode(&object)?),
                )
                .await
                .map_err(|e| format!("failed to replace object: {e}"));
        }
        let original = original.map(|o| &o.object).unwrap_or(&live);
        let (patch, content_type) = self
            .client_side_patch(r, original, &live, o)
            .await
            .map_err(|e| format!("failed to create patch: {e}"))?;
        if patch.as_object().is_some_and(|m| m.is_empty()) {
            // Helm: "no changes detected".
            return Ok(live);
        }
        self.call(
            Method::PATCH,
            &format!("{}?{query}", r.path()),
            Some(content_type),
            Some(encode(&patch)?),
        )
        .await
        .map_err(|e| format!("cannot patch {:?} with kind {}: {e}", r.name, r.kind))
    }

    /// Helm's `createPatch`: the patch from `original` to `r` given the live object, and its
    /// content type.
    async fn client_side_patch(
        &self,
        r: &Resource,
        original: &Value,
        live: &Value,
        o: &ApplyOptions,
    ) -> Result<(Value, &'static str), String> {
        if !openapi::is_strategic(&r.api_version, &r.kind) {
            let patch = if o.three_way_unstructured {
                patch::three_way_merge_patch(original, &r.object, live)?
            } else {
                patch::merge_patch(original, &r.object)
            };
            return Ok((patch, "application/merge-patch+json"));
        }
        let (group, version) = r
            .api_version
            .rsplit_once('/')
            .unwrap_or(("", &r.api_version));
        let advice = "client-side apply (--server-side=false) reads the patch metadata of built-in \
                      kinds from there; use --server-side=true to apply without it";
        let path = openapi::document_path(&r.api_version);
        let doc = self.openapi_document(&r.api_version).await.map_err(|e| {
            format!(
                "reading the OpenAPI v3 document of {} for {}: GET {path}: {e}; {advice}",
                r.api_version,
                r.describe()
            )
        })?;
        let schema = openapi::Schema::for_kind(&doc, group, version, &r.kind).ok_or_else(|| {
            format!(
                "the OpenAPI v3 document of {} (GET {path}) has no schema for kind {} ({}); {advice}",
                r.api_version,
                r.kind,
                r.describe()
            )
        })?;
        let patch = patch::three_way(original, &r.object, live, schema)?;
        Ok((patch, "application/strategic-merge-patch+json"))
    }

    /// The live object, or `None` when it does not exist.
    pub async fn get_live(&self, r: &Resource) -> Result<Option<Value>, ApiError> {
        absent_as_none(self.get(&r.path()).await)
    }

    /// The live object's metadata (labels, annotations, …), or `None` when it does not exist.
    pub async fn get_live_meta(&self, r: &Resource) -> Result<Option<Value>, ApiError> {
        absent_as_none(self.get_meta(&r.path()).await)
    }

    /// Deletes one object; `Ok(false)` when it was already gone.
    pub async fn delete_resource(&self, r: &Resource, p: Propagation) -> Result<bool, ApiError> {
        let body =
            json!({"kind": "DeleteOptions", "apiVersion": "v1", "propagationPolicy": p.as_str()});
        match self
            .call(
                Method::DELETE,
                &r.path(),
                Some("application/json"),
                Some(body.to_string().into_bytes()),
            )
            .await
        {
            Ok(_) => Ok(true),
            Err(e) if e.is_not_found() => Ok(false),
            Err(e) => Err(e),
        }
    }
}

/// Helm's error for an object that exists but belongs to no release or another one
/// (`--take-ownership` skips the check).
pub fn ownership_error(
    r: &Resource,
    live: &Value,
    release: &str,
    namespace: &str,
) -> Option<String> {
    let label = live
        .pointer("/metadata/labels")
        .and_then(|l| l.get(MANAGED_BY_LABEL))
        .and_then(Value::as_str);
    let ann = |k: &str| {
        live.pointer("/metadata/annotations")
            .and_then(|a| a.get(k))
            .and_then(Value::as_str)
    };
    let mut errs = Vec::new();
    match label {
        None => errs.push(format!(
            "label validation error: missing key {MANAGED_BY_LABEL:?}: must be set to \"Helm\""
        )),
        Some("Helm") => {}
        Some(v) => errs.push(format!(
            "label validation error: key {MANAGED_BY_LABEL:?} must equal \"Helm\": current value is {v:?}"
        )),
    }
    for (key, want) in [
        (RELEASE_NAME_ANNOTATION, release),
        (RELEASE_NAMESPACE_ANNOTATION, namespace),
    ] {
        match ann(key) {
            None => errs.push(format!(
                "annotation validation error: missing key {key:?}: must be set to {want:?}"
            )),
            Some(v) if v == want => {}
            Some(v) => errs.push(format!(
                "annotation validation error: key {key:?} must equal {want:?}: current value is {v:?}"
            )),
        }
    }
    if errs.is_empty() {
        return None;
    }
    Some(format!(
        "{} exists and cannot be imported into the current release: invalid ownership metadata; {}",
        r.describe(),
        errs.join("; ")
    ))
}

/// Kinds that later objects may need to exist before they are applied: the namespace they
/// live in, the definition of their kind, quotas and limits admission applies to them, and the
/// webhooks that would intercept them. Each run of one of these (of the two webhook kinds, see
/// [`waves`]) is applied (and finished) on its own.
pub const BARRIER_KINDS: [&str; 7] = [
    "PriorityClass",
    "Namespace",
    "ResourceQuota",
    "LimitRange",
    "CustomResourceDefinition",
    "MutatingWebhookConfiguration",
    "ValidatingWebhookConfiguration",
];

/// At most this many requests are in flight at once.
pub const MAX_IN_FLIGHT: usize = 32;

/// The barrier a kind belongs to, if any. The two webhook configuration kinds share one:
/// the apiserver never sends webhook configurations to admission webhooks, so neither can
/// change how the other is admitted, and they go in one wave.
fn barrier_of(kind: &str) -> Option<&'static str> {
    match kind {
        "MutatingWebhookConfiguration" | "ValidatingWebhookConfiguration" => Some("webhooks"),
        k => BARRIER_KINDS.iter().copied().find(|b| *b == k),
    }
}

/// Splits objects (in InstallOrder) into waves applied one after the other: each run of a
/// barrier is a wave of its own; everything between two barriers is one wave. Helm
/// applies kind by kind (its `batchPerform`); server-side apply does not need a Deployment's
/// ServiceAccount or ConfigMap to exist first, so whelm only keeps the order where the
/// apiserver would refuse or mis-admit an object.
///
/// Webhook configurations come after every built-in kind, so in Helm they never intercept
/// those. When none of their rules can match an object of the wave before them, they join
/// that wave: nothing there is admitted differently, and they are still in place before the
/// objects after them.
pub fn waves(items: &[Resource]) -> Vec<std::ops::Range<usize>> {
    let mut out: Vec<std::ops::Range<usize>> = Vec::new();
    for wave in barrier_runs(items) {
        if let Some(before) = out.last_mut()
            && barrier_of(&items[wave.start].kind) == Some("webhooks")
            && barrier_of(&items[before.start].kind).is_none()
            && items[wave.clone()]
                .iter()
                .all(|hook| !items[before.clone()].iter().any(|r| may_intercept(hook, r)))
        {
            before.end = wave.end;
            continue;
        }
        out.push(wave);
    }
    out
}

/// Whether webhook configuration `hook` may intercept writes of `r`: one of its rules names
/// `r`'s API group (or `*`) and resource (or `*`). Anything it cannot read counts as a match.
fn may_intercept(hook: &Resource, r: &Resource) -> bool {
    let group = r.group();
    let Some(webhooks) = hook.object["webhooks"].as_array() else {
        return !hook.object["webhooks"].is_null();
    };
    webhooks.iter().any(|w| {
        let Some(rules) = w["rules"].as_array() else {
            return !w["rules"].is_null();
        };
        rules.iter().any(|rule| {
            rule["apiGroups"].as_array().is_none_or(|gs| {
                gs.iter()
                    .any(|g| g.as_str().is_none_or(|g| g == "*" || g == group))
            }) && rule["resources"].as_array().is_none_or(|rs| {
                rs.iter().any(|x| {
                    x.as_str().is_none_or(|s| {
                        let base = s.split('/').next().unwrap_or(s);
                        base == "*" || base == r.plural || r.plural.is_empty()
                    })
                })
            })
        })
    })
}

/// [`waves`] before webhook configurations join the wave before them.
fn barrier_runs(items: &[Resource]) -> Vec<std::ops::Range<usize>> {
    let mut out = Vec::new();
    let mut start = 0;
    while start < items.len() {
        let first = barrier_of(&items[start].kind);
        let end = items[start..]
            .iter()
            .position(|r| {
                let b = barrier_of(&r.kind);
                if first.is_some() {
                    b != first
                } else {
                    b.is_some()
                }
            })
            .map(|i| start + i)
            .unwrap_or(items.len());
        out.push(start..end);
        start = end;
    }
    out
}

/// Runs `f` over `items` wave by wave (see [`waves`]), concurrently, at most
/// [`MAX_IN_FLIGHT`] at a time. Results come back in input order.
///
/// A wave starts once what it may need is done: a wave of barrier kinds waits for everything
/// before it; any other wave waits only for the barrier objects before it (the webhook
/// configurations that joined the wave before), so it starts while the slow objects of that
/// wave (Services, Deployments) are still being admitted. A wave's barrier objects are sent
/// first. A wave is not started once an error has come back; what is under way finishes.
pub async fn in_waves<'a, T, E, F, Fut>(items: &'a [Resource], f: F) -> Vec<Option<Result<T, E>>>
where
    F: Fn(&'a Resource) -> Fut,
    Fut: std::future::Future<Output = Result<T, E>>,
{
    use futures::stream::{FuturesUnordered, StreamExt};
    let mut out: Vec<Option<Result<T, E>>> = items.iter().map(|_| None).collect();
    let mut running = FuturesUnordered::new();
    let record = |out: &mut Vec<Option<Result<T, E>>>, (i, r): (usize, Result<T, E>)| {
        out[i] = Some(r);
    };
    let is_barrier = |r: &Resource| barrier_of(&r.kind).is_some();
    for wave in waves(items) {
        let all_before = is_barrier(&items[wave.start]);
        let needed = |out: &Vec<Option<Result<T, E>>>| {
            items[..wave.start]
                .iter()
                .zip(out)
                .any(|(r, done)| done.is_none() && (all_before || is_barrier(r)))
        };
        while needed(&out) {
            match running.next().await {
                Some(done) => record(&mut out, done),
                None => break,
            }
        }
        if out.iter().flatten().any(Result::is_err) {
            break;
        }
        let mut order: Vec<usize> = wave.clone().collect();
        order.sort_by_key(|&i| launch_rank(&items[i]));
        for i in order {
            if running.len() >= MAX_IN_FLIGHT
                && let Some(done) = running.next().await
            {
                record(&mut out, done);
            }
            let call = f(&items[i]);
            running.push(async move { (i, call.await) });
        }
    }
    while let Some(done) = running.next().await {
        record(&mut out, done);
    }
    out
}

/// Which objects of a wave are sent first (lowest first; the sort is stable): its barrier
/// objects, which the next wave waits for, then Services, whose ClusterIP allocation makes them
/// the slowest objects to create.
fn launch_rank(r: &Resource) -> u8 {
    match (barrier_of(&r.kind), r.kind.as_str()) {
        (Some(_), _) => 0,
        (None, "Service") => 1,
        _ => 2,
    }
}

/// Objects of `old` not in `new` (by group, kind, namespace, name), in reverse order: what an
/// upgrade deletes.
pub fn removed<'a>(old: &'a [Resource], new: &[Resource]) -> Vec<&'a Resource> {
    let keep: std::collections::BTreeSet<_> = new.iter().map(Resource::key).collect();
    let mut gone: Vec<&Resource> = old.iter().filter(|r| !keep.contains(&r.key())).collect();
    gone.reverse();
    gone
}

/// Counts by kind, for messages.
pub fn summary(items: &[Resource]) -> BTreeMap<String, usize> {
    let mut m = BTreeMap::new();
    for r in items {
        *m.entry(r.kind.clone()).or_insert(0) += 1;
    }
    m
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(manager: &str, operation: &str, api: &str, fields: Value) -> Value {
        json!({"manager": manager, "operation": operation, "apiVersion": api,
               "time": "2026-01-01T00:00:00Z", "fieldsType": "FieldsV1", "fieldsV1": fields})
    }

    fn meta(entries: Vec<Value>) -> Value {
        json!({"metadata": {"name": "x", "resourceVersion": "42", "managedFields": entries}})
    }

    #[test]
    fn client_side_fields_move_to_the_apply_entry() {
        let data = |k: &str| json!({"f:data": {".": {}, format!("f:{k}"): {}}});
        let kcm = entry("kube-controller-manager", "Update", "v1", data("z"));
        // Only an Update entry: it becomes the Apply entry, where it stands.
        let csa = entry("helm", "Update", "v1", data("a"));
        let patch = client_side_manager_patch(&meta(vec![kcm.clone(), csa]), "helm").unwrap();
        let mut applied = entry("helm", "Apply", "v1", data("a"));
        assert_eq!(
            patch,
            json!([
                {"op": "replace", "path": "/metadata/managedFields", "value": [kcm.clone(), applied.clone()]},
                {"op": "replace", "path": "/metadata/resourceVersion", "value": "42"},
            ])
        );
        // Both: the Update entry's fields join the Apply entry; the Update entry goes.
        let both = meta(vec![
            applied.clone(),
            entry("helm", "Update", "v1", data("b")),
            kcm.clone(),
        ]);
        let patch = client_side_manager_patch(&both, "helm").unwrap();
        applied["fieldsV1"] = json!({"f:data": {".": {}, "f:a": {}, "f:b": {}}});
        assert_eq!(patch[0]["value"], json!([applied, kcm]));
        // Nothing to move: no patch. Another manager's or a subresource's entries stay.
        let mut status = entry("helm", "Update", "v1", json!({"f:status": {}}));
        status["subresource"] = "status".into();
        let done = meta(vec![entry("helm", "Apply", "v1", data("a")), status]);
        assert_eq!(client_side_manager_patch(&done, "helm"), None);
        assert_eq!(client_side_manager_patch(&meta(vec![kcm]), "helm"), None);
        assert_eq!(
            client_side_manager_patch(&json!({"metadata": {}}), "helm"),
            None
        );
    }

    /// The direct conversion gives what Helm's path does: JSON text (floats keep a
    /// fraction), decoded, integral numbers as int64.
    #[test]
    fn objects_convert_as_through_json_text() {
        fn through_text(v: &whelm_template::Value) -> Value {
            fn ints(v: &mut Value) {
                match v {
                    Value::Number(n) if n.is_f64() => {
                        let f = n.as_f64().unwrap();
                        if f.fract() == 0.0 && f.abs() < 9.2e18 {
                            *v = json!(f as i64);
                        }
                    }
                    Value::Array(a) => a.iter_mut().for_each(ints),
                    Value::Object(m) => m.values_mut().for_each(ints),
                    _ => {}
                }
            }
            let text = whelm_template::json::marshal_typed(v).unwrap();
            let mut out: Value = serde_json::from_str(&text).unwrap();
            ints(&mut out);
            out
        }
        let doc = "a: 1\nb: 1.0\nc: 1.5\nd: -0.0\ne: 1e21\nf: 9223372036854775807\n\
                   g: -12.25e-3\nh: 0x1F\ni: ~\nj: [true, 'x\\\"y', \"\\u00e9\\t\", {}, []]\n\
                   k: {p: {m: [1, 2.5, {o: null}]}}\n";
        let v = whelm_template::yaml::load(doc).unwrap();
        let direct = to_json(&v).unwrap();
        assert_eq!(direct, through_text(&v));
        assert_eq!(direct["b"], json!(1));
        assert!(direct["b"].is_i64() && direct["c"].is_f64() && direct["e"].is_f64());
        assert_eq!(
            direct["k"]["p"]["m"],
            json!([1, 2.5, {"o": null}]),
            "{direct}"
        );
        // Infinity has no JSON: refused with Go's message.
        let inf = whelm_template::Value::list(vec![whelm_template::Value::Float(f64::INFINITY)]);
        assert_eq!(to_json(&inf).unwrap_err(), "json: unsupported value: +Inf");
    }

    fn r(kind: &str) -> Resource {
        Resource {
            api_version: "v1".into(),
            kind: kind.into(),
            name: kind.to_lowercase(),
            namespace: String::new(),
            plural: String::new(),
            object: Value::Null,
        }
    }

    #[test]
    fn manifest_numbers_go_out_as_helm_sends_them() {
        let mut info = ServerInfo::default();
        info.resources.insert(
            ("v1".into(), "Service".into()),
            ResourceInfo {
                plural: "services".into(),
                namespaced: true,
            },
        );
        let items = build(
            "apiVersion: v1\nkind: Service\nmetadata:\n  name: s\nspec:\n  ports:\n  - port: 80\n    x: 1.0\n    w: 1.5\n    z: 1e21\n    big: 9223372036854775807\n    neg: -9007199254740993\n    hex: 0x10\n    huge: 18446744073709551615\n",
            "default",
            &info,
        )
        .unwrap();
        let text = serde_json::to_string(&items[0].object["spec"]).unwrap();
        // Integers keep all their digits (int64, as Helm's unstructured objects); one past
        // int64 becomes a float64, as client-go's decoding makes it.
        assert_eq!(
            text,
            r#"{"ports":[{"big":9223372036854775807,"hex":16,"huge":1.8446744073709552e+19,"neg":-9007199254740993,"port":80,"w":1.5,"x":1,"z":1e+21}]}"#
        );
    }

    #[test]
    fn barrier_kinds_get_waves_of_their_own() {
        let items: Vec<Resource> = [
            "Namespace",
            "Namespace",
            "ServiceAccount",
            "ConfigMap",
            "CustomResourceDefinition",
            "Service",
            "Deployment",
            "Widget",
            "MutatingWebhookConfiguration",
            "ValidatingWebhookConfiguration",
            "Widget",
            "PriorityClass",
            "Namespace",
        ]
        .into_iter()
        .map(r)
        .collect();
        // (These webhook configurations have no webhooks: they join the wave before.)
        assert_eq!(
            waves(&items),
            [0..2, 2..4, 4..5, 5..10, 10..11, 11..12, 12..13]
        );
        assert_eq!(waves(&[]), Vec::<std::ops::Range<usize>>::new());
        assert_eq!(waves(&items[2..4]).len(), 1);
    }

    #[test]
    fn webhooks_join_the_wave_before_only_if_they_cannot_intercept_it() {
        let obj = |kind: &str, api: &str, plural: &str| Resource {
            api_version: api.into(),
            plural: plural.into(),
            ..r(kind)
        };
        let hook = |rules: Value| Resource {
            object: json!({"webhooks": [{"name": "a", "rules": []}, {"name": "b", "rules": rules}]}),
            ..obj(
                "ValidatingWebhookConfiguration",
                "admissionregistration.k8s.io/v1",
                "",
            )
        };
        let rule = |groups: Value, resources: Value| {
            json!([{"apiGroups": groups, "apiVersions": ["*"], "resources": resources,
                    "operations": ["CREATE", "UPDATE"]}])
        };
        let before = [
            obj("ConfigMap", "v1", "configmaps"),
            obj("Deployment", "apps/v1", "deployments"),
        ];
        let after = obj(
            "PrometheusRule",
            "monitoring.coreos.com/v1",
            "prometheusrules",
        );
        let plan = |h: Resource| {
            let mut items = before.to_vec();
            items.extend([h, after.clone()]);
            waves(&items)
        };
        let joined = vec![0..3, 3..4];
        let apart = vec![0..2, 2..3, 3..4];
        // kube-prometheus-stack's: its own kinds only.
        let own = rule(json!(["monitoring.coreos.com"]), json!(["prometheusrules"]));
        assert_eq!(plan(hook(own)), joined);
        // A rule that names a kind of the wave before, by name or wildcard, keeps it apart.
        assert_eq!(
            plan(hook(rule(json!(["apps"]), json!(["deployments"])))),
            apart
        );
        assert_eq!(plan(hook(rule(json!([""]), json!(["*"])))), apart);
        assert_eq!(
            plan(hook(rule(json!(["*"]), json!(["configmaps/*"])))),
            apart
        );
        // Another group's resource of the same name does not.
        assert_eq!(
            plan(hook(rule(json!(["x.io"]), json!(["configmaps"])))),
            joined
        );
        // What cannot be read counts as a match.
        assert_eq!(
            plan(hook(rule(json!("apps"), json!(["deployments"])))),
            apart
        );
        assert_eq!(
            plan(hook(rule(json!(["apps"]), json!("deployments")))),
            apart
        );
        assert_eq!(plan(hook(json!({"x": 1}))), apart);
        // Nothing before but a barrier: the webhooks stay a wave of their own.
        let items = [obj("Namespace", "v1", "namespaces"), hook(json!([])), after];
        assert_eq!(waves(&items), [0..1, 1..2, 2..3]);
    }

    #[test]
    fn a_failed_wave_stops_the_next() {
        let items: Vec<Resource> = ["ConfigMap", "Namespace", "Service"]
            .into_iter()
            .map(r)
            .collect();
        let rt = tokio::runtime::Builder::new_current_thread()
            .build()
            .unwrap();
        let out = rt.block_on(in_waves(&items, |r| async move {
            if r.kind == "Namespace" {
                Err(r.kind.clone())
            } else {
                Ok(r.kind.clone())
            }
        }));
        assert_eq!(
            out,
            [
                Some(Ok("ConfigMap".to_string())),
                Some(Err("Namespace".to_string())),
                None
            ]
        );
    }

    #[test]
    fn a_wave_starts_once_the_barrier_objects_before_it_are_done() {
        // Wave 1: a Secret, a Service and a webhook configuration that joined them; wave 2:
        // a custom resource. The Service's apply finishes only after the custom resource's
        // has started: a scheduler waiting for all of wave 1 would hang (and time out).
        let items: Vec<Resource> = [
            "Secret",
            "Service",
            "ValidatingWebhookConfiguration",
            "Widget",
        ]
        .into_iter()
        .map(r)
        .collect();
        assert_eq!(waves(&items), [0..3, 3..4]);
        let log = std::rc::Rc::new(std::cell::RefCell::new(Vec::new()));
        let widget_started = std::rc::Rc::new(tokio::sync::Notify::new());
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_time()
            .build()
            .unwrap();
        let run = in_waves(&items, |r| {
            let (log, widget_started) = (log.clone(), widget_started.clone());
            async move {
                log.borrow_mut().push(format!("start {}", r.kind));
                match r.kind.as_str() {
                    "Service" => widget_started.notified().await,
                    "Widget" => widget_started.notify_one(),
                    _ => tokio::task::yield_now().await,
                }
                log.borrow_mut().push(format!("end {}", r.kind));
                Ok::<_, ()>(())
            }
        });
        let out = rt
            .block_on(async { tokio::time::timeout(std::time::Duration::from_secs(5), run).await })
            .expect("the custom resource waited for the whole wave before it");
        assert!(out.iter().all(|o| o == &Some(Ok(()))));
        let log = log.borrow();
        let at = |e: &str| log.iter().position(|l| l == e).unwrap();
        // The barrier object goes first, then the Service (the slowest to create).
        assert_eq!(log[0], "start ValidatingWebhookConfiguration");
        assert_eq!(log[1], "start Service");
        assert_eq!(log[2], "start Secret");
        assert!(at("end ValidatingWebhookConfiguration") < at("start Widget"));
        assert!(at("start Widget") < at("end Service"));
    }

    #[test]
    fn a_barrier_wave_waits_for_everything_before_it() {
        // A ConfigMap still in flight holds back the Namespace after it.
        let items: Vec<Resource> = ["ConfigMap", "Namespace"].into_iter().map(r).collect();
        let log = std::rc::Rc::new(std::cell::RefCell::new(Vec::new()));
        let rt = tokio::runtime::Builder::new_current_thread()
            .build()
            .unwrap();
        rt.block_on(in_waves(&items, |r| {
            let log = log.clone();
            async move {
                log.borrow_mut().push(format!("start {}", r.kind));
                for _ in 0..3 {
                    tokio::task::yield_now().await;
                }
                log.borrow_mut().push(format!("end {}", r.kind));
                Ok::<_, ()>(())
            }
        }));
        assert_eq!(
            *log.borrow(),
            [
                "start ConfigMap",
                "end ConfigMap",
                "start Namespace",
                "end Namespace"
            ]
        );
    }
}
