//! A fake Kubernetes API server for whelm's tests (CI has no real cluster).
//!
//! It speaks plain HTTP/1.1 + JSON on 127.0.0.1, so the real `whelm` binary
//! (kube-rs over hyper) can be pointed at it through the kubeconfig that
//! [`FakeApiServer::write_kubeconfig`] writes, and it records every request so
//! a test can assert exactly what whelm sent.
//!
//! ```ignore
//! #[path = "support/fake_apiserver.rs"]
//! mod fake_apiserver;
//! use fake_apiserver::{Behaviour, FakeApiServer};
//!
//! let api = FakeApiServer::start();
//! let kubeconfig = api.write_kubeconfig(tmp.path());
//! api.set_behaviour("Deployment", Behaviour::Unready);
//! // ... run `whelm install --kubeconfig <kubeconfig> ...` ...
//! let applies: Vec<_> = api.requests().into_iter().filter(|r| r.method == "PATCH").collect();
//! assert_eq!(applies[0].query["fieldManager"], "helm");
//! ```
//!
//! What the apiserver does that this one does too:
//! - `/version`, legacy discovery (`/api`, `/apis`, `/api/v1`, `/apis/<g>/<v>`)
//!   for the usual built-in kinds plus whatever applied CRDs declare;
//! - get / list (`labelSelector`, `fieldSelector` on metadata.name/namespace) /
//!   create / update / delete / deletecollection / patch on namespaced and
//!   cluster-scoped resources, and the `status` subresource, with the real
//!   apiserver's Status errors (NotFound, AlreadyExists, Conflict, Invalid...);
//! - server-side tables (`Accept: …;as=Table;g=meta.k8s.io;v=v1`, `includeObject`) with a
//!   few columns per kind (see `as_table`), and metadata-only answers;
//! - server-side apply with per-manager field ownership, conflicts (409 with the
//!   real message), `force`, removal of fields a manager stops sending,
//!   `dryRun=All`; merge / strategic-merge / JSON patches and PUT/POST record
//!   their field manager as an `Update` manager;
//! - `/openapi/v3` and the OpenAPI v3 documents of core v1 and apps/v1 (a
//!   hand-written subset: tests/fixtures/openapi-v3), whose patch metadata
//!   strategic merge patches of the kinds they describe are applied with
//!   (whelm's `kube::patch::apply`, checked against apimachinery's cases);
//!   other kinds take a strategic merge patch as a JSON merge patch;
//! - namespaces must exist (unless [`Options::auto_namespaces`]);
//! - a stand-in for controllers: see [`Behaviour`].
//!
//! What it simplifies: field ownership is tracked per leaf (every scalar, every
//! list as a whole, every empty map), not per list item; there are no schemas
//! (no defaulting, no validation, no unknown-field checks: `fieldValidation` is
//! only recorded); no watch (answered 405), no pagination, no aggregated
//! discovery (the legacy documents are served whatever the Accept header);
//! deletion is immediate (no finalizers, no garbage collection except that a
//! Namespace takes its objects and a CRD its custom resources with it); a GET
//! through another version of a group only rewrites `apiVersion`.
#![allow(dead_code)]

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::convert::Infallible;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, MutexGuard};
use std::thread::JoinHandle;
use std::time::{SystemTime, UNIX_EPOCH};

use http_body_util::{BodyExt, Full};
use hyper::body::{Bytes, Incoming};
use hyper::{Request, Response};
use serde_json::{Map, Value, json};

/// The bearer token the written kubeconfig carries and the server expects.
pub const TOKEN: &str = "fake-token";

/// How the server starts.
#[derive(Clone, Debug)]
pub struct Options {
    /// Accept objects in namespaces that do not exist. Off by default: only
    /// `default`, `kube-system`, `kube-public`, `kube-node-lease` and the
    /// namespaces created through the API exist.
    pub auto_namespaces: bool,
    /// The `gitVersion` served at `/version`; major and minor derive from it.
    pub git_version: String,
    /// Answer 401 to API calls without `Authorization: Bearer fake-token`
    /// (`/version` and the health endpoints are public, as in a real cluster).
    pub require_token: bool,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            auto_namespaces: false,
            git_version: "v1.33.0".to_string(),
            require_token: true,
        }
    }
}

/// What the server plays controller for, per kind (or per kind and name).
///
/// Defaults: Deployment, StatefulSet, DaemonSet, ReplicaSet, Service,
/// PersistentVolumeClaim, Namespace, CustomResourceDefinition: [`Ready`];
/// Job, Pod: [`Finish { after_gets: 1 }`]; everything else: [`Inert`].
///
/// [`Ready`]: Behaviour::Ready
/// [`Finish { after_gets: 1 }`]: Behaviour::Finish
/// [`Inert`]: Behaviour::Inert
#[derive(Clone)]
pub enum Behaviour {
    /// The status is left as written (nothing reconciles the object).
    Inert,
    /// Every write leaves the status ready: workloads get observedGeneration =
    /// generation, all replica counts = spec.replicas (default 1) and
    /// Available=True; Jobs complete; Pods run Ready; PVCs are Bound;
    /// LoadBalancer Services get an ingress IP; Namespaces are Active; CRDs are
    /// Established and NamesAccepted.
    Ready,
    /// Every write leaves the status observed but not ready (no ready
    /// replicas, Available=False; Jobs stay active; Pods stay Pending; PVCs
    /// Pending; CRDs not Established).
    Unready,
    /// Jobs and Pods run; the read (GET, or a LIST that contains the object)
    /// after the first `after_gets` reads finishes them: Jobs with
    /// Complete=True and succeeded=1, Pods with phase Succeeded. A name ending
    /// in `-fail` fails instead (Job condition Failed=True, Pod phase Failed).
    /// Other kinds behave as [`Behaviour::Ready`].
    Finish { after_gets: u32 },
    /// Jobs and Pods fail at once; other kinds behave as [`Behaviour::Unready`].
    Fail,
    /// Called with the whole object after every write through the API.
    Custom(Arc<dyn Fn(&mut Value) + Send + Sync>),
}

/// One request as the server received it.
#[derive(Clone, Debug, PartialEq)]
pub struct Recorded {
    pub method: String,
    /// The path without the query string.
    pub path: String,
    /// Decoded query parameters (the last value wins for a repeated key).
    pub query: BTreeMap<String, String>,
    pub content_type: Option<String>,
    pub accept: Option<String>,
    pub authorization: Option<String>,
    /// The body parsed as JSON (or YAML), if there was one and it parsed.
    pub body: Option<Value>,
    /// The body as sent.
    pub raw_body: String,
}

/// A running fake API server; stops when dropped.
pub struct FakeApiServer {
    addr: SocketAddr,
    state: Arc<Mutex<State>>,
    shutdown: Option<tokio::sync::oneshot::Sender<()>>,
    thread: Option<JoinHandle<()>>,
}

impl FakeApiServer {
    /// Starts a server with the default [`Options`] on 127.0.0.1 and a free port.
    pub fn start() -> FakeApiServer {
        FakeApiServer::start_with(Options::default())
    }

    pub fn start_with(options: Options) -> FakeApiServer {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind 127.0.0.1:0");
        listener
            .set_nonblocking(true)
            .expect("non-blocking listener");
        let addr = listener.local_addr().expect("local address");
        let state = Arc::new(Mutex::new(State::new(options, addr)));
        let (tx, rx) = tokio::sync::oneshot::channel();
        let served = state.clone();
        let thread = std::thread::Builder::new()
            .name("fake-apiserver".into())
            .spawn(move || {
                let runtime = tokio::runtime::Builder::new_current_thread()
                    .enable_all()
                    .build()
                    .expect("fake apiserver runtime");
                runtime.block_on(serve(listener, served, rx));
            })
            .expect("spawn the fake apiserver thread");
        FakeApiServer {
            addr,
            state,
            shutdown: Some(tx),
            thread: Some(thread),
        }
    }

    /// `http://127.0.0.1:<port>`.
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// Writes `<dir>/kubeconfig`: cluster, user (token [`TOKEN`]) and context
    /// all named `fake`, the context's namespace `default`, and current-context
    /// set to it.
    pub fn write_kubeconfig(&self, dir: &Path) -> PathBuf {
        let path = dir.join("kubeconfig");
        let text = format!(
            "apiVersion: v1\n\
             kind: Config\n\
             clusters:\n\
             - name: fake\n  cluster:\n    server: {url}\n\
             users:\n\
             - name: fake\n  user:\n    token: {TOKEN}\n\
             contexts:\n\
             - name: fake\n  context:\n    cluster: fake\n    user: fake\n    namespace: default\n\
             current-context: fake\n\
             preferences: {{}}\n",
            url = self.url()
        );
        std::fs::write(&path, text).expect("write the kubeconfig");
        path
    }

    /// Every request received so far, oldest first.
    pub fn requests(&self) -> Vec<Recorded> {
        self.state().requests.clone()
    }

    pub fn clear_requests(&self) {
        self.state().requests.clear();
    }

    /// The stored object at an API path such as
    /// `/api/v1/namespaces/default/configmaps/x` or `/apis/apps/v1/namespaces/default/deployments/web`.
    pub fn object(&self, path: &str) -> Option<Value> {
        let state = self.state();
        let key = state.key_for_path(path)?;
        state.objects.get(&key).map(|s| s.object.clone())
    }

    /// Stores an object as given (its path derives from apiVersion, kind,
    /// metadata.namespace and metadata.name), filling uid, resourceVersion and
    /// creationTimestamp. No behaviour runs and no manager owns its fields.
    /// A CustomResourceDefinition serves its kind at once. Returns what was stored.
    pub fn put_object(&self, object: Value) -> Value {
        self.state().seed(object)
    }

    /// Removes a stored object; true if there was one.
    pub fn remove_object(&self, path: &str) -> bool {
        let mut state = self.state();
        match state.key_for_path(path) {
            Some(key) => state.objects.remove(&key).is_some(),
            None => false,
        }
    }

    /// Every stored object of a resource (its plural, e.g. `secrets`), in any
    /// group and namespace, ordered by namespace and name.
    pub fn objects_of(&self, plural: &str) -> Vec<Value> {
        self.state()
            .objects
            .iter()
            .filter(|(k, _)| k.plural == plural)
            .map(|(_, s)| s.object.clone())
            .collect()
    }

    /// Sets the behaviour of every object of `kind` (e.g. `"Deployment"`).
    pub fn set_behaviour(&self, kind: &str, behaviour: Behaviour) {
        self.state()
            .behaviours
            .insert((kind.to_string(), None), behaviour);
    }

    /// Sets the behaviour of the objects of `kind` named `name` (any namespace);
    /// it wins over [`FakeApiServer::set_behaviour`].
    pub fn set_behaviour_for(&self, kind: &str, name: &str, behaviour: Behaviour) {
        self.state()
            .behaviours
            .insert((kind.to_string(), Some(name.to_string())), behaviour);
    }

    /// Answers the next request whose method is `method` (or `*`) and whose
    /// path starts with `path_prefix` with a Status error instead of serving it.
    /// Injections queue up and are consumed in order.
    pub fn fail_next(
        &self,
        method: &str,
        path_prefix: &str,
        code: u16,
        reason: &str,
        message: &str,
    ) {
        self.state().failures.push(Failure {
            method: method.to_string(),
            path_prefix: path_prefix.to_string(),
            error: ApiError::new(code, reason, message),
        });
    }

    pub fn set_auto_namespaces(&self, on: bool) {
        self.state().options.auto_namespaces = on;
    }

    fn state(&self) -> MutexGuard<'_, State> {
        lock(&self.state)
    }
}

impl Drop for FakeApiServer {
    fn drop(&mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

fn lock(state: &Mutex<State>) -> MutexGuard<'_, State> {
    // A panicking Custom behaviour must not take every later request with it.
    state
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

// ---------------------------------------------------------------------------
// HTTP

async fn serve(
    listener: std::net::TcpListener,
    state: Arc<Mutex<State>>,
    mut shutdown: tokio::sync::oneshot::Receiver<()>,
) {
    let listener = tokio::net::TcpListener::from_std(listener).expect("tokio listener");
    loop {
        tokio::select! {
            _ = &mut shutdown => break,
            accepted = listener.accept() => {
                let Ok((stream, _)) = accepted else { continue };
                let state = state.clone();
                tokio::spawn(async move {
                    let service = hyper::service::service_fn(move |req| handle(state.clone(), req));
                    let _ = hyper::server::conn::http1::Builder::new()
                        .serve_connection(hyper_util::rt::TokioIo::new(stream), service)
                        .await;
                });
            }
        }
    }
    // Dropping the runtime after this returns ends the open connections.
}

async fn handle(
    state: Arc<Mutex<State>>,
    req: Request<Incoming>,
) -> Result<Response<Full<Bytes>>, Infallible> {
    let (parts, body) = req.into_parts();
    let bytes = body
        .collect()
        .await
        .map(|b| b.to_bytes())
        .unwrap_or_default();
    let header = |name: &str| {
        parts
            .headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(str::to_string)
    };
    let raw_body = String::from_utf8_lossy(&bytes).into_owned();
    let protobuf = header("content-type").as_deref() == Some(PROTOBUF);
    let body = if protobuf {
        // A body that does not decode is recorded as none: the handler then refuses it.
        decode_protobuf(&bytes).ok()
    } else {
        parse_body(&raw_body)
    };
    let recorded = Recorded {
        method: parts.method.as_str().to_string(),
        path: parts.uri.path().to_string(),
        query: parse_query(parts.uri.query().unwrap_or("")),
        content_type: header("content-type"),
        accept: header("accept"),
        authorization: header("authorization"),
        body,
        raw_body,
    };
    let user_agent = header("user-agent");
    let accept = recorded.accept.clone();
    let include_object = recorded.query.get("includeObject").cloned();
    let reply = lock(&state).handle(recorded, user_agent.as_deref());
    let (code, content_type, body) = match reply {
        Reply::Json(code, value) => {
            let value = if !(200..300).contains(&code) {
                value
            } else if wants_as(accept.as_deref(), "Table") {
                as_table(value, include_object.as_deref())
            } else {
                as_partial_metadata(accept.as_deref(), value)
            };
            (code, "application/json", value.to_string())
        }
        Reply::Text(code, text) => (code, "text/plain; charset=utf-8", text),
    };
    let response = Response::builder()
        .status(code)
        .header("content-type", content_type)
        .header("cache-control", "no-cache, private")
        .body(Full::new(Bytes::from(body)))
        .expect("a valid response");
    Ok(response)
}

/// Whether `accept` offers `application/json;as=<kind>;g=meta.k8s.io;v=v1` (in any order of
/// parameters).
fn wants_as(accept: Option<&str>, kind: &str) -> bool {
    accept.is_some_and(|a| {
        a.split(',').any(|t| {
            let params: Vec<&str> = t.split(';').map(str::trim).collect();
            params.contains(&format!("as={kind}").as_str())
                && params.contains(&"g=meta.k8s.io")
                && params.contains(&"v=v1")
        })
    })
}

/// The apiserver's answer to `Accept: application/json;as=Table;g=meta.k8s.io;v=v1`: the
/// object (one row) or the list (a row an item) as a server-side table. The real apiserver
/// has a printer per kind; this one prints Name and Created At (as the apiserver does for
/// kinds without a printer) for every kind, with Data (integer) for ConfigMaps, and Status
/// (the phase) and Node (priority 1, only in `-o wide`) for Pods. Each row carries the object
/// as `includeObject` asks (`Object`, `None`, else its metadata).
fn as_table(value: Value, include_object: Option<&str>) -> Value {
    let column = |name: &str, kind: &str, format: &str, priority: i64| {
        json!({"name": name, "type": kind, "format": format,
               "description": format!("The {name} column."), "priority": priority})
    };
    let (items, kind) = match value.get("items").and_then(Value::as_array) {
        Some(items) => (
            items.clone(),
            value["kind"]
                .as_str()
                .unwrap_or_default()
                .trim_end_matches("List")
                .to_string(),
        ),
        None => (
            vec![value.clone()],
            value["kind"].as_str().unwrap_or_default().to_string(),
        ),
    };
    let mut columns = vec![column("Name", "string", "name", 0)];
    match kind.as_str() {
        "ConfigMap" => columns.push(column("Data", "integer", "", 0)),
        "Pod" => {
            columns.push(column("Status", "string", "", 0));
            columns.push(column("Node", "string", "", 1));
        }
        _ => {}
    }
    columns.push(column("Created At", "date", "", 0));
    let rows: Vec<Value> = items
        .iter()
        .map(|item| {
            let meta = &item["metadata"];
            let mut cells = vec![meta["name"].clone()];
            match kind.as_str() {
                "ConfigMap" => {
                    let count = |k: &str| item[k].as_object().map_or(0, Map::len);
                    cells.push(json!(count("data") + count("binaryData")));
                }
                "Pod" => {
                    cells.push(json!(item["status"]["phase"].as_str().unwrap_or("Pending")));
                    cells.push(json!(item["spec"]["nodeName"].as_str().unwrap_or("<none>")));
                }
                _ => {}
            }
            cells.push(meta["creationTimestamp"].clone());
            let object = match include_object {
                Some("None") => Value::Null,
                Some("Object") => item.clone(),
                _ => json!({"kind": "PartialObjectMetadata",
                            "apiVersion": "meta.k8s.io/v1", "metadata": meta}),
            };
            json!({"cells": cells, "object": object})
        })
        .collect();
    json!({
        "kind": "Table",
        "apiVersion": "meta.k8s.io/v1",
        "metadata": {"resourceVersion": value["metadata"]["resourceVersion"]},
        "columnDefinitions": columns,
        "rows": rows,
    })
}

/// The apiserver's answer to `Accept: application/json;as=PartialObjectMetadata[List];
/// g=meta.k8s.io;v=v1`: the object (or each item of the list) cut down to its metadata.
fn as_partial_metadata(accept: Option<&str>, value: Value) -> Value {
    let wants = |kind: &str| wants_as(accept, kind);
    let partial = |v: &Value| {
        serde_json::json!({
            "apiVersion": "meta.k8s.io/v1",
            "kind": "PartialObjectMetadata",
            "metadata": v["metadata"],
        })
    };
    if value.get("items").is_some() && wants("PartialObjectMetadataList") {
        let items: Vec<Value> = value["items"]
            .as_array()
            .map(|a| a.iter().map(partial).collect())
            .unwrap_or_default();
        serde_json::json!({
            "apiVersion": "meta.k8s.io/v1",
            "kind": "PartialObjectMetadataList",
            "metadata": value["metadata"],
            "items": items,
        })
    } else if value.get("metadata").is_some()
        && value.get("items").is_none()
        && value["kind"] != "Status"
        && wants("PartialObjectMetadata")
    {
        partial(&value)
    } else {
        value
    }
}

/// Kubernetes' protobuf encoding (`k8s\0` + `runtime.Unknown`).
pub const PROTOBUF: &str = "application/vnd.kubernetes.protobuf";

/// The JSON form of a protobuf-encoded core/v1 Secret or ConfigMap, decoded field by field
/// from `k8s.io/api/core/v1/generated.proto`'s numbering. Any other kind, or any field not
/// listed here, is an error: whelm sends nothing else as protobuf.
pub fn decode_protobuf(bytes: &[u8]) -> Result<Value, String> {
    let unknown = bytes.strip_prefix(b"k8s\0").ok_or("no k8s\\0 magic")?;
    let (mut api_version, mut kind, mut raw) = (String::new(), String::new(), &[][..]);
    for (field, value) in pb_fields(unknown)? {
        match field {
            1 => {
                for (f, v) in pb_fields(v_bytes(value)?)? {
                    match f {
                        1 => api_version = pb_string(v)?,
                        2 => kind = pb_string(v)?,
                        _ => return Err(format!("TypeMeta field {f}")),
                    }
                }
            }
            2 => raw = v_bytes(value)?,
            f => return Err(format!("Unknown field {f}")),
        }
    }
    let mut object = serde_json::Map::new();
    object.insert("apiVersion".into(), Value::String(api_version.clone()));
    object.insert("kind".into(), Value::String(kind.clone()));
    let base64 = |b: &[u8]| {
        use base64::Engine;
        Value::String(base64::engine::general_purpose::STANDARD.encode(b))
    };
    let mut put_entry =
        |name: &str, entry: &[u8], value_as: &dyn Fn(&[u8]) -> Result<Value, String>| {
            let (mut k, mut v) = (String::new(), Value::Null);
            for (f, x) in pb_fields(entry)? {
                match f {
                    1 => k = pb_string(x)?,
                    2 => v = value_as(v_bytes(x)?)?,
                    _ => return Err(format!("map entry field {f}")),
                }
            }
            object
                .entry(name)
                .or_insert_with(|| json!({}))
                .as_object_mut()
                .unwrap()
                .insert(k, v);
            Ok::<(), String>(())
        };
    let mut metadata = None;
    let mut type_ = None;
    let text = |b: &[u8]| {
        String::from_utf8(b.to_vec())
            .map(Value::String)
            .map_err(|e| e.to_string())
    };
    let bytes_b64 = |b: &[u8]| Ok(base64(b));
    for (field, value) in pb_fields(raw)? {
        match (api_version.as_str(), kind.as_str(), field) {
            ("v1", "Secret" | "ConfigMap", 1) => metadata = Some(pb_object_meta(v_bytes(value)?)?),
            ("v1", "Secret", 2) => put_entry("data", v_bytes(value)?, &bytes_b64)?,
            ("v1", "Secret", 3) => type_ = Some(pb_string(value)?),
            ("v1", "ConfigMap", 2) => put_entry("data", v_bytes(value)?, &text)?,
            ("v1", "ConfigMap", 3) => put_entry("binaryData", v_bytes(value)?, &bytes_b64)?,
            (a, k, f) => return Err(format!("{a} {k}: field {f}")),
        }
    }
    if let Some(m) = metadata {
        object.insert("metadata".into(), m);
    }
    if let Some(t) = type_ {
        object.insert("type".into(), Value::String(t));
    }
    Ok(Value::Object(object))
}

/// `ObjectMeta`: name (1), namespace (3), resourceVersion (6), labels (11), annotations (12).
fn pb_object_meta(bytes: &[u8]) -> Result<Value, String> {
    let mut meta = serde_json::Map::new();
    for (field, value) in pb_fields(bytes)? {
        let key = match field {
            1 => "name",
            3 => "namespace",
            6 => "resourceVersion",
            11 | 12 => {
                let map = if field == 11 { "labels" } else { "annotations" };
                let (mut k, mut v) = (String::new(), String::new());
                for (f, x) in pb_fields(v_bytes(value)?)? {
                    match f {
                        1 => k = pb_string(x)?,
                        2 => v = pb_string(x)?,
                        _ => return Err(format!("{map} entry field {f}")),
                    }
                }
                meta.entry(map)
                    .or_insert_with(|| json!({}))
                    .as_object_mut()
                    .unwrap()
                    .insert(k, Value::String(v));
                continue;
            }
            f => return Err(format!("ObjectMeta field {f}")),
        };
        meta.insert(key.into(), Value::String(pb_string(value)?));
    }
    Ok(Value::Object(meta))
}

/// A protobuf field's value: a varint or a length-delimited run of bytes.
enum PbValue<'a> {
    Varint(u64),
    Bytes(&'a [u8]),
}

fn v_bytes(v: PbValue<'_>) -> Result<&[u8], String> {
    match v {
        PbValue::Bytes(b) => Ok(b),
        PbValue::Varint(_) => Err("a varint where bytes were expected".into()),
    }
}

fn pb_string(v: PbValue<'_>) -> Result<String, String> {
    String::from_utf8(v_bytes(v)?.to_vec()).map_err(|e| e.to_string())
}

/// The fields of one message, in order.
fn pb_fields(mut b: &[u8]) -> Result<Vec<(u32, PbValue<'_>)>, String> {
    fn varint(b: &mut &[u8]) -> Result<u64, String> {
        let mut n = 0u64;
        for shift in (0..64).step_by(7) {
            let (&byte, rest) = b.split_first().ok_or("truncated varint")?;
            *b = rest;
            n |= u64::from(byte & 0x7f) << shift;
            if byte < 0x80 {
                return Ok(n);
            }
        }
        Err("varint too long".into())
    }
    let mut out = Vec::new();
    while !b.is_empty() {
        let key = varint(&mut b)?;
        let field = (key >> 3) as u32;
        match key & 7 {
            0 => out.push((field, PbValue::Varint(varint(&mut b)?))),
            2 => {
                let len = varint(&mut b)? as usize;
                if len > b.len() {
                    return Err(format!(
                        "field {field}: {len} bytes announced, {} left",
                        b.len()
                    ));
                }
                let (value, rest) = b.split_at(len);
                out.push((field, PbValue::Bytes(value)));
                b = rest;
            }
            w => return Err(format!("field {field}: wire type {w}")),
        }
    }
    Ok(out)
}

fn parse_body(raw: &str) -> Option<Value> {
    if raw.trim().is_empty() {
        return None;
    }
    serde_json::from_str(raw)
        .ok()
        .or_else(|| serde_norway::from_str::<Value>(raw).ok())
}

fn parse_query(query: &str) -> BTreeMap<String, String> {
    query
        .split('&')
        .filter(|pair| !pair.is_empty())
        .map(|pair| match pair.split_once('=') {
            Some((k, v)) => (percent_decode(k), percent_decode(v)),
            None => (percent_decode(pair), String::new()),
        })
        .collect()
}

fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'+' => out.push(b' '),
            b'%' if i + 2 < bytes.len() => {
                let hex = std::str::from_utf8(&bytes[i + 1..i + 3]).ok();
                match hex.and_then(|h| u8::from_str_radix(h, 16).ok()) {
                    Some(b) => {
                        out.push(b);
                        i += 3;
                        continue;
                    }
                    None => out.push(b'%'),
                }
            }
            b => out.push(b),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

enum Reply {
    Json(u16, Value),
    Text(u16, String),
}

// ---------------------------------------------------------------------------
// Errors, worded as the apiserver words them

#[derive(Clone, Debug)]
struct ApiError {
    code: u16,
    reason: String,
    message: String,
    details: Option<Value>,
}

impl ApiError {
    fn new(code: u16, reason: &str, message: impl Into<String>) -> ApiError {
        ApiError {
            code,
            reason: reason.to_string(),
            message: message.into(),
            details: None,
        }
    }

    fn details(mut self, details: Value) -> ApiError {
        self.details = Some(details);
        self
    }

    fn status(&self) -> Value {
        let mut status = json!({
            "kind": "Status",
            "apiVersion": "v1",
            "metadata": {},
            "status": "Failure",
            "message": self.message,
            "reason": self.reason,
            "code": self.code,
        });
        if let Some(details) = &self.details {
            status["details"] = details.clone();
        }
        status
    }
}

/// `deployments.apps`, or `secrets` for the core group.
fn group_resource(group: &str, plural: &str) -> String {
    if group.is_empty() {
        plural.to_string()
    } else {
        format!("{plural}.{group}")
    }
}

fn resource_details(group: &str, plural: &str, name: &str) -> Value {
    let mut details = json!({ "name": name, "kind": plural });
    if !group.is_empty() {
        details["group"] = json!(group);
    }
    details
}

fn not_found(group: &str, plural: &str, name: &str) -> ApiError {
    ApiError::new(
        404,
        "NotFound",
        format!("{} \"{name}\" not found", group_resource(group, plural)),
    )
    .details(resource_details(group, plural, name))
}

fn already_exists(group: &str, plural: &str, name: &str) -> ApiError {
    ApiError::new(
        409,
        "AlreadyExists",
        format!(
            "{} \"{name}\" already exists",
            group_resource(group, plural)
        ),
    )
    .details(resource_details(group, plural, name))
}

fn conflict(group: &str, plural: &str, name: &str, why: &str) -> ApiError {
    ApiError::new(
        409,
        "Conflict",
        format!(
            "Operation cannot be fulfilled on {} \"{name}\": {why}",
            group_resource(group, plural)
        ),
    )
    .details(resource_details(group, plural, name))
}

const MODIFIED: &str =
    "the object has been modified; please apply your changes to the latest version and try again";

fn path_not_found() -> ApiError {
    ApiError::new(
        404,
        "NotFound",
        "the server could not find the requested resource",
    )
    .details(json!({}))
}

fn bad_request(message: impl Into<String>) -> ApiError {
    ApiError::new(400, "BadRequest", message)
}

fn invalid_patch_options(field: &str, cause_reason: &str, detail: &str) -> ApiError {
    ApiError::new(
        422,
        "Invalid",
        format!("PatchOptions.meta.k8s.io \"\" is invalid: {field}: {detail}"),
    )
    .details(json!({
        "group": "meta.k8s.io",
        "kind": "PatchOptions",
        "causes": [{ "reason": cause_reason, "message": detail, "field": field }],
    }))
}

// ---------------------------------------------------------------------------
// Resource types

#[derive(Clone, Debug)]
struct ResourceType {
    group: String,
    version: String,
    kind: String,
    plural: String,
    singular: String,
    namespaced: bool,
    short_names: Vec<String>,
    /// Has a status subresource: writes to the main resource keep the stored status.
    status: bool,
    /// The CRD that serves it, if any.
    crd: Option<String>,
}

impl ResourceType {
    fn group_version(&self) -> String {
        if self.group.is_empty() {
            self.version.clone()
        } else {
            format!("{}/{}", self.group, self.version)
        }
    }
}

/// (group, version, kind, plural, namespaced, has status subresource, short names)
type Builtin = (
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    bool,
    bool,
    &'static str,
);

#[rustfmt::skip]
const BUILTINS: &[Builtin] = &[
    ("", "v1", "Namespace", "namespaces", false, true, "ns"),
    ("", "v1", "ConfigMap", "configmaps", true, false, "cm"),
    ("", "v1", "Secret", "secrets", true, false, ""),
    ("", "v1", "Service", "services", true, true, "svc"),
    ("", "v1", "ServiceAccount", "serviceaccounts", true, false, "sa"),
    ("", "v1", "Pod", "pods", true, true, "po"),
    ("", "v1", "PersistentVolumeClaim", "persistentvolumeclaims", true, true, "pvc"),
    ("", "v1", "PersistentVolume", "persistentvolumes", false, true, "pv"),
    ("", "v1", "Endpoints", "endpoints", true, false, "ep"),
    ("", "v1", "Event", "events", true, false, "ev"),
    ("", "v1", "LimitRange", "limitranges", true, false, "limits"),
    ("", "v1", "ResourceQuota", "resourcequotas", true, true, "quota"),
    ("", "v1", "ReplicationController", "replicationcontrollers", true, true, "rc"),
    ("", "v1", "PodTemplate", "podtemplates", true, false, ""),
    ("", "v1", "Node", "nodes", false, true, "no"),
    ("apps", "v1", "Deployment", "deployments", true, true, "deploy"),
    ("apps", "v1", "StatefulSet", "statefulsets", true, true, "sts"),
    ("apps", "v1", "DaemonSet", "daemonsets", true, true, "ds"),
    ("apps", "v1", "ReplicaSet", "replicasets", true, true, "rs"),
    ("apps", "v1", "ControllerRevision", "controllerrevisions", true, false, ""),
    ("autoscaling", "v2", "HorizontalPodAutoscaler", "horizontalpodautoscalers", true, true, "hpa"),
    ("autoscaling", "v1", "HorizontalPodAutoscaler", "horizontalpodautoscalers", true, true, "hpa"),
    ("batch", "v1", "Job", "jobs", true, true, ""),
    ("batch", "v1", "CronJob", "cronjobs", true, true, "cj"),
    ("networking.k8s.io", "v1", "Ingress", "ingresses", true, true, "ing"),
    ("networking.k8s.io", "v1", "IngressClass", "ingressclasses", false, false, ""),
    ("networking.k8s.io", "v1", "NetworkPolicy", "networkpolicies", true, false, "netpol"),
    ("policy", "v1", "PodDisruptionBudget", "poddisruptionbudgets", true, true, "pdb"),
    ("rbac.authorization.k8s.io", "v1", "Role", "roles", true, false, ""),
    ("rbac.authorization.k8s.io", "v1", "RoleBinding", "rolebindings", true, false, ""),
    ("rbac.authorization.k8s.io", "v1", "ClusterRole", "clusterroles", false, false, ""),
    ("rbac.authorization.k8s.io", "v1", "ClusterRoleBinding", "clusterrolebindings", false, false, ""),
    ("storage.k8s.io", "v1", "StorageClass", "storageclasses", false, false, "sc"),
    ("admissionregistration.k8s.io", "v1", "MutatingWebhookConfiguration", "mutatingwebhookconfigurations", false, false, ""),
    ("admissionregistration.k8s.io", "v1", "ValidatingWebhookConfiguration", "validatingwebhookconfigurations", false, false, ""),
    ("apiextensions.k8s.io", "v1", "CustomResourceDefinition", "customresourcedefinitions", false, true, "crd, crds"),
    ("scheduling.k8s.io", "v1", "PriorityClass", "priorityclasses", false, false, "pc"),
    ("coordination.k8s.io", "v1", "Lease", "leases", true, false, ""),
    ("discovery.k8s.io", "v1", "EndpointSlice", "endpointslices", true, false, ""),
];

const VERBS: &[&str] = &[
    "create",
    "delete",
    "deletecollection",
    "get",
    "list",
    "patch",
    "update",
    "watch",
];

fn builtin_types() -> Vec<ResourceType> {
    BUILTINS
        .iter()
        .map(
            |&(group, version, kind, plural, namespaced, status, short)| ResourceType {
                group: group.to_string(),
                version: version.to_string(),
                kind: kind.to_string(),
                plural: plural.to_string(),
                singular: kind.to_lowercase(),
                namespaced,
                short_names: short
                    .split(',')
                    .filter(|s| !s.is_empty())
                    .map(str::to_string)
                    .collect(),
                status,
                crd: None,
            },
        )
        .collect()
}

fn split_api_version(api_version: &str) -> (&str, &str) {
    api_version.split_once('/').unwrap_or(("", api_version))
}

// ---------------------------------------------------------------------------
// Field ownership

/// A path of map keys from the object's root to an owned leaf.
type FieldPath = Vec<String>;

#[derive(Clone, Debug, PartialEq, Eq)]
struct ManagerId {
    manager: String,
    apply: bool,
    /// Only part of an Update manager's identity (an applier is one manager
    /// whatever version it applies through), but always shown in managedFields.
    api_version: String,
}

impl ManagerId {
    fn same(&self, other: &ManagerId) -> bool {
        self.manager == other.manager
            && self.apply == other.apply
            && (self.apply || self.api_version == other.api_version)
    }

    /// As the apiserver names a manager in conflict messages.
    fn describe(&self) -> String {
        if self.apply {
            format!("{:?}", self.manager)
        } else {
            format!("{:?} using {}", self.manager, self.api_version)
        }
    }
}

#[derive(Clone, Debug, PartialEq)]
struct ManagerEntry {
    id: ManagerId,
    time: String,
    fields: BTreeSet<FieldPath>,
}

/// Fields no manager owns: identity and server-maintained metadata, and the
/// status of kinds whose status is a subresource.
fn untracked(path: &[String], status_subresource: bool) -> bool {
    match path {
        [k] => k == "apiVersion" || k == "kind" || (status_subresource && k == "status"),
        [m, f] if m == "metadata" => matches!(
            f.as_str(),
            "name"
                | "namespace"
                | "uid"
                | "resourceVersion"
                | "generation"
                | "creationTimestamp"
                | "managedFields"
                | "selfLink"
                | "deletionTimestamp"
                | "deletionGracePeriodSeconds"
        ),
        _ => false,
    }
}

/// Every owned leaf of an object: scalars, lists, and empty maps.
fn leaves(object: &Value, status_subresource: bool) -> BTreeSet<FieldPath> {
    fn walk(v: &Value, prefix: &mut FieldPath, ss: bool, out: &mut BTreeSet<FieldPath>) {
        let Value::Object(map) = v else { return };
        for (k, child) in map {
            prefix.push(k.clone());
            if !child.is_null() && !untracked(prefix, ss) {
                match child {
                    Value::Object(m) if !m.is_empty() => walk(child, prefix, ss, out),
                    _ => {
                        out.insert(prefix.clone());
                    }
                }
            }
            prefix.pop();
        }
    }
    let mut out = BTreeSet::new();
    walk(object, &mut Vec::new(), status_subresource, &mut out);
    out
}

fn get_path<'a>(v: &'a Value, path: &[String]) -> Option<&'a Value> {
    path.iter().try_fold(v, |cur, k| cur.as_object()?.get(k))
}

fn set_path(v: &mut Value, path: &[String], new: Value) {
    let Some((last, parents)) = path.split_last() else {
        return;
    };
    let mut cur = v;
    for k in parents {
        if !cur.is_object() {
            *cur = json!({});
        }
        cur = cur
            .as_object_mut()
            .expect("an object")
            .entry(k.clone())
            .or_insert_with(|| json!({}));
    }
    if !cur.is_object() {
        *cur = json!({});
    }
    let map = cur.as_object_mut().expect("an object");
    // An empty map in an apply owns the map, not what is in it.
    if new.as_object().is_some_and(Map::is_empty) && map.get(last).is_some_and(Value::is_object) {
        return;
    }
    map.insert(last.clone(), new);
}

/// Removes the field at `path`, and the maps that removal leaves empty.
fn remove_path(v: &mut Value, path: &[String]) -> bool {
    let Some(map) = v.as_object_mut() else {
        return false;
    };
    match path {
        [] => false,
        [k] => map.remove(k).is_some(),
        [k, rest @ ..] => {
            let Some(child) = map.get_mut(k) else {
                return false;
            };
            let removed = remove_path(child, rest);
            if removed && child.as_object().is_some_and(Map::is_empty) {
                map.remove(k);
            }
            removed
        }
    }
}

fn related(a: &[String], b: &[String]) -> bool {
    a.starts_with(b) || b.starts_with(a)
}

/// `.data.key`, as structured-merge-diff prints a field path.
fn dotted(path: &[String]) -> String {
    path.iter().map(|k| format!(".{k}")).collect()
}

fn fields_v1(fields: &BTreeSet<FieldPath>) -> Value {
    let mut root = Map::new();
    for path in fields {
        let mut cur = &mut root;
        for k in path {
            cur = cur
                .entry(format!("f:{k}"))
                .or_insert_with(|| json!({}))
                .as_object_mut()
                .expect("an object");
        }
    }
    Value::Object(root)
}

/// The ownership a client wrote into `metadata.managedFields` (fields as this server tracks
/// them: `f:` keys down to leaves; `.` markers carry nothing more).
fn parse_managed_fields(entries: &Value) -> Vec<ManagerEntry> {
    fn walk(v: &Value, prefix: &mut FieldPath, out: &mut BTreeSet<FieldPath>) {
        let Value::Object(map) = v else { return };
        for (k, child) in map {
            let Some(name) = k.strip_prefix("f:") else {
                continue;
            };
            prefix.push(name.to_string());
            let inner = child
                .as_object()
                .is_some_and(|m| m.keys().any(|k| k != "."));
            if inner {
                walk(child, prefix, out);
            } else {
                out.insert(prefix.clone());
            }
            prefix.pop();
        }
    }
    let str_of = |e: &Value, f: &str| e[f].as_str().unwrap_or("").to_string();
    let entries = entries.as_array().cloned().unwrap_or_default();
    entries
        .iter()
        .map(|e| {
            let mut fields = BTreeSet::new();
            walk(&e["fieldsV1"], &mut Vec::new(), &mut fields);
            ManagerEntry {
                id: ManagerId {
                    manager: str_of(e, "manager"),
                    apply: e["operation"] == "Apply",
                    api_version: str_of(e, "apiVersion"),
                },
                time: str_of(e, "time"),
                fields,
            }
        })
        .collect()
}

fn managed_fields(managers: &[ManagerEntry]) -> Value {
    managers
        .iter()
        .map(|m| {
            json!({
                "manager": m.id.manager,
                "operation": if m.id.apply { "Apply" } else { "Update" },
                "apiVersion": m.id.api_version,
                "time": m.time,
                "fieldsType": "FieldsV1",
                "fieldsV1": fields_v1(&m.fields),
            })
        })
        .collect()
}

/// What a non-apply write does to ownership: the writer takes every field
/// whose value it changed (from whoever had it), and fields that are gone
/// leave every manager.
fn record_update(
    managers: &mut Vec<ManagerEntry>,
    id: ManagerId,
    old: Option<&Value>,
    new: &Value,
    status_subresource: bool,
    now: &str,
) {
    let new_leaves = leaves(new, status_subresource);
    let old_leaves = old
        .map(|o| leaves(o, status_subresource))
        .unwrap_or_default();
    let changed: BTreeSet<FieldPath> = new_leaves
        .iter()
        .filter(|p| old.and_then(|o| get_path(o, p)) != get_path(new, p))
        .cloned()
        .collect();
    let gone: BTreeSet<&FieldPath> = old_leaves.difference(&new_leaves).collect();
    for m in managers.iter_mut() {
        m.fields
            .retain(|q| !changed.contains(q) && !gone.contains(q));
    }
    if !changed.is_empty() {
        match managers.iter_mut().find(|m| m.id.same(&id)) {
            Some(entry) => {
                entry.fields.extend(changed);
                entry.time = now.to_string();
                entry.id.api_version = id.api_version;
            }
            None => managers.push(ManagerEntry {
                id,
                time: now.to_string(),
                fields: changed,
            }),
        }
    }
    managers.retain(|m| !m.fields.is_empty());
}

/// A field another manager owns with another value, as an apply finds it.
type Conflict = (ManagerId, FieldPath);

/// Server-side apply of `config` by `id` onto `live`: returns the new object
/// and managers, or the conflicts (manager, path) when not forced.
fn server_side_apply(
    live: &Value,
    managers: &[ManagerEntry],
    config: &Value,
    id: &ManagerId,
    force: bool,
    status_subresource: bool,
    now: &str,
) -> Result<(Value, Vec<ManagerEntry>), Vec<Conflict>> {
    let applied = leaves(config, status_subresource);
    let mut managers = managers.to_vec();
    let mut conflicts = Vec::new();
    for m in managers.iter().filter(|m| !m.id.same(id)) {
        for q in &m.fields {
            let touches = applied.iter().any(|p| {
                if p.starts_with(q) {
                    true
                } else if q.starts_with(p) {
                    // Sending `x: {}` claims the map, not what others set in it.
                    !get_path(config, p).is_some_and(|v| v.as_object().is_some_and(Map::is_empty))
                } else {
                    false
                }
            });
            if touches && get_path(live, q) != get_path(config, q) {
                conflicts.push((m.id.clone(), q.clone()));
            }
        }
    }
    if !conflicts.is_empty() {
        if !force {
            return Err(conflicts);
        }
        for (owner, q) in &conflicts {
            for m in managers.iter_mut().filter(|m| m.id.same(owner)) {
                m.fields.remove(q);
            }
        }
    }

    let mut object = live.clone();
    for p in &applied {
        let value = get_path(config, p).expect("an applied leaf").clone();
        set_path(&mut object, p, value);
    }
    let previously: BTreeSet<FieldPath> = managers
        .iter()
        .find(|m| m.id.same(id))
        .map(|m| m.fields.clone())
        .unwrap_or_default();
    for dropped in previously.difference(&applied) {
        let kept_by_other = managers
            .iter()
            .filter(|m| !m.id.same(id))
            .any(|m| m.fields.iter().any(|q| related(q, dropped)));
        let resent = applied.iter().any(|p| related(p, dropped));
        if !kept_by_other && !resent {
            remove_path(&mut object, dropped);
        }
    }
    match managers.iter_mut().find(|m| m.id.same(id)) {
        Some(entry) => {
            if entry.fields != applied {
                entry.time = now.to_string();
            }
            entry.fields = applied;
            entry.id.api_version = id.api_version.clone();
        }
        None => managers.push(ManagerEntry {
            id: id.clone(),
            time: now.to_string(),
            fields: applied,
        }),
    }
    managers.retain(|m| !m.fields.is_empty());
    Ok((object, managers))
}

fn conflict_error(conflicts: &[Conflict]) -> ApiError {
    let message = if let [(who, path)] = conflicts {
        format!(
            "Apply failed with 1 conflict: conflict with {}: {}",
            who.describe(),
            dotted(path)
        )
    } else {
        let mut by_manager: BTreeMap<String, Vec<String>> = BTreeMap::new();
        for (who, path) in conflicts {
            by_manager
                .entry(who.describe())
                .or_default()
                .push(format!("- {}", dotted(path)));
        }
        let lines: Vec<String> = by_manager
            .into_iter()
            .flat_map(|(who, paths)| std::iter::once(format!("conflicts with {who}:")).chain(paths))
            .collect();
        format!(
            "Apply failed with {} conflicts: {}",
            conflicts.len(),
            lines.join("\n")
        )
    };
    let causes: Vec<Value> = conflicts
        .iter()
        .map(|(who, path)| {
            json!({
                "reason": "FieldManagerConflict",
                "message": format!("conflict with {}", who.describe()),
                "field": dotted(path),
            })
        })
        .collect();
    ApiError::new(409, "Conflict", message).details(json!({ "causes": causes }))
}

// ---------------------------------------------------------------------------
// OpenAPI v3

/// The OpenAPI v3 documents served: hand-written subsets for core v1 and apps/v1
/// (tests/fixtures/openapi-v3) carrying the patch extensions client-side apply reads.
fn openapi_document(group: &str, version: &str) -> Option<Value> {
    let text = match (group, version) {
        ("", "v1") => include_str!("../fixtures/openapi-v3/api__v1.json"),
        ("apps", "v1") => include_str!("../fixtures/openapi-v3/apis__apps__v1.json"),
        _ => return None,
    };
    Some(serde_json::from_str(text).expect("the OpenAPI fixtures are JSON"))
}

/// `GET /openapi/v3`: the documents served, by path.
fn openapi_index() -> Value {
    json!({"paths": {
        "api/v1": {"serverRelativeURL": "/openapi/v3/api/v1?hash=fixture"},
        "apis/apps/v1": {"serverRelativeURL": "/openapi/v3/apis/apps/v1?hash=fixture"},
    }})
}

// ---------------------------------------------------------------------------
// Patches

/// RFC 7386 JSON merge patch. Strategic-merge directives (`$patch`,
/// `$setElementOrder/...`, ...) are dropped and lists are replaced whole.
fn merge_patch(target: &mut Value, patch: &Value) {
    let Value::Object(patch) = patch else {
        *target = patch.clone();
        return;
    };
    if !target.is_object() {
        *target = json!({});
    }
    let map = target.as_object_mut().expect("an object");
    for (k, v) in patch {
        if k.starts_with('$') {
            continue;
        }
        if v.is_null() {
            map.remove(k);
        } else {
            merge_patch(map.entry(k.clone()).or_insert(Value::Null), v);
        }
    }
}

fn pointer_tokens(pointer: &str) -> Vec<String> {
    pointer
        .split('/')
        .skip(1)
        .map(|t| t.replace("~1", "/").replace("~0", "~"))
        .collect()
}

/// RFC 6902 JSON patch: add, remove, replace, test.
fn json_patch(target: &mut Value, ops: &Value) -> Result<(), String> {
    let ops = ops
        .as_array()
        .ok_or("a JSON patch is a list of operations")?;
    for op in ops {
        let path = op["path"].as_str().ok_or("operation without a path")?;
        let tokens = pointer_tokens(path);
        let Some((last, parents)) = tokens.split_last() else {
            return Err("operations on the root are not supported".into());
        };
        let parent = parents
            .iter()
            .try_fold(&mut *target, |cur, t| match cur {
                Value::Object(m) => m.get_mut(t),
                Value::Array(a) => t.parse::<usize>().ok().and_then(|i| a.get_mut(i)),
                _ => None,
            })
            .ok_or_else(|| format!("doc is missing path: {path:?}"))?;
        match op["op"].as_str().unwrap_or("") {
            "add" | "replace" => {
                let value = op["value"].clone();
                match parent {
                    Value::Object(m) => {
                        if op["op"] == "replace" && !m.contains_key(last) {
                            return Err(format!(
                                "replace operation does not apply: doc is missing key: {path}"
                            ));
                        }
                        m.insert(last.clone(), value);
                    }
                    Value::Array(a) if last == "-" => a.push(value),
                    Value::Array(a) => {
                        let i: usize = last.parse().map_err(|_| format!("bad index in {path}"))?;
                        if op["op"] == "replace" && i < a.len() {
                            a[i] = value;
                        } else if i <= a.len() {
                            a.insert(i, value);
                        } else {
                            return Err(format!("index out of bounds in {path}"));
                        }
                    }
                    _ => return Err(format!("doc is missing path: {path:?}")),
                }
            }
            "remove" => {
                let removed = match parent {
                    Value::Object(m) => m.remove(last).is_some(),
                    Value::Array(a) => match last.parse::<usize>() {
                        Ok(i) if i < a.len() => {
                            a.remove(i);
                            true
                        }
                        _ => false,
                    },
                    _ => false,
                };
                if !removed {
                    return Err(format!(
                        "remove operation does not apply: doc is missing path: {path:?}"
                    ));
                }
            }
            "test" => {
                let actual = match parent {
                    Value::Object(m) => m.get(last),
                    Value::Array(a) => last.parse::<usize>().ok().and_then(|i| a.get(i)),
                    _ => None,
                };
                if actual != Some(&op["value"]) {
                    return Err(format!("testing value {path} failed"));
                }
            }
            other => return Err(format!("Unexpected kind: {other}")),
        }
    }
    Ok(())
}

/// Gives `to` the status of `from`, or none if `from` has none.
fn copy_status(from: &Value, to: &mut Value) {
    let Some(map) = to.as_object_mut() else {
        return;
    };
    match from.get("status") {
        Some(status) => map.insert("status".into(), status.clone()),
        None => map.remove("status"),
    };
}

fn drop_nulls(v: &mut Value) {
    if let Value::Object(map) = v {
        map.retain(|_, child| !child.is_null());
        map.values_mut().for_each(drop_nulls);
    }
}

// ---------------------------------------------------------------------------
// Label and field selectors

enum Requirement {
    Equals(String, String),
    NotEquals(String, String),
    In(String, Vec<String>),
    NotIn(String, Vec<String>),
    Exists(String),
    NotExists(String),
}

fn split_selector(selector: &str) -> Vec<String> {
    let mut parts = Vec::new();
    let mut depth = 0;
    let mut current = String::new();
    for c in selector.chars() {
        match c {
            '(' => depth += 1,
            ')' => depth -= 1,
            ',' if depth == 0 => {
                parts.push(std::mem::take(&mut current));
                continue;
            }
            _ => {}
        }
        current.push(c);
    }
    parts.push(current);
    parts
        .into_iter()
        .map(|p| p.trim().to_string())
        .filter(|p| !p.is_empty())
        .collect()
}

fn parse_selector(selector: &str) -> Result<Vec<Requirement>, ApiError> {
    let mut out = Vec::new();
    for part in split_selector(selector) {
        let set = |rest: &str| -> Option<Vec<String>> {
            let inner = rest.trim().strip_prefix('(')?.strip_suffix(')')?;
            Some(inner.split(',').map(|v| v.trim().to_string()).collect())
        };
        let req = if let Some((k, v)) = part.split_once("!=") {
            Requirement::NotEquals(k.trim().into(), v.trim().into())
        } else if let Some((k, v)) = part.split_once("==") {
            Requirement::Equals(k.trim().into(), v.trim().into())
        } else if let Some((k, v)) = part.split_once('=') {
            Requirement::Equals(k.trim().into(), v.trim().into())
        } else if let Some((k, rest)) = part.split_once(" notin ") {
            Requirement::NotIn(
                k.trim().into(),
                set(rest).ok_or_else(|| bad_selector(&part))?,
            )
        } else if let Some((k, rest)) = part.split_once(" in ") {
            Requirement::In(
                k.trim().into(),
                set(rest).ok_or_else(|| bad_selector(&part))?,
            )
        } else if let Some(k) = part.strip_prefix('!') {
            Requirement::NotExists(k.trim().into())
        } else if part.contains(char::is_whitespace) {
            return Err(bad_selector(&part));
        } else {
            Requirement::Exists(part.clone())
        };
        out.push(req);
    }
    Ok(out)
}

fn bad_selector(part: &str) -> ApiError {
    bad_request(format!("unable to parse requirement: {part:?}"))
}

fn selector_matches(requirements: &[Requirement], labels: Option<&Map<String, Value>>) -> bool {
    let get = |k: &str| labels.and_then(|l| l.get(k)).and_then(Value::as_str);
    requirements.iter().all(|r| match r {
        Requirement::Equals(k, v) => get(k) == Some(v.as_str()),
        Requirement::NotEquals(k, v) => get(k) != Some(v.as_str()),
        Requirement::In(k, vs) => get(k).is_some_and(|x| vs.iter().any(|v| v == x)),
        Requirement::NotIn(k, vs) => !get(k).is_some_and(|x| vs.iter().any(|v| v == x)),
        Requirement::Exists(k) => get(k).is_some(),
        Requirement::NotExists(k) => get(k).is_none(),
    })
}

/// Field selectors on metadata.name and metadata.namespace (`=`, `==`, `!=`).
fn field_selector_matches(selector: &str, object: &Value) -> Result<bool, ApiError> {
    for part in split_selector(selector) {
        let (field, want, equal) = if let Some((f, v)) = part.split_once("!=") {
            (f, v, false)
        } else if let Some((f, v)) = part.split_once("==") {
            (f, v, true)
        } else if let Some((f, v)) = part.split_once('=') {
            (f, v, true)
        } else {
            return Err(bad_request(format!(
                "invalid selector: '{part}'; can't understand '{part}'"
            )));
        };
        let actual = match field.trim() {
            "metadata.name" => object["metadata"]["name"].as_str(),
            "metadata.namespace" => object["metadata"]["namespace"].as_str(),
            other => {
                return Err(bad_request(format!("field label not supported: {other}")));
            }
        };
        if (actual == Some(want.trim())) != equal {
            return Ok(false);
        }
    }
    Ok(true)
}

// ---------------------------------------------------------------------------
// Controllers' stand-ins

fn default_behaviour(kind: &str) -> Behaviour {
    match kind {
        "Job" | "Pod" => Behaviour::Finish { after_gets: 1 },
        "Deployment"
        | "StatefulSet"
        | "DaemonSet"
        | "ReplicaSet"
        | "Service"
        | "PersistentVolumeClaim"
        | "Namespace"
        | "CustomResourceDefinition" => Behaviour::Ready,
        _ => Behaviour::Inert,
    }
}

fn condition(kind: &str, status: bool, reason: &str, message: &str, now: &str) -> Value {
    json!({
        "type": kind,
        "status": if status { "True" } else { "False" },
        "lastTransitionTime": now,
        "reason": reason,
        "message": message,
    })
}

/// The status a reconciled object has, ready or not.
fn settle(object: &mut Value, ready: bool) {
    let now = now_rfc3339();
    let kind = object["kind"].as_str().unwrap_or("").to_string();
    let name = object["metadata"]["name"]
        .as_str()
        .unwrap_or("")
        .to_string();
    let generation = object["metadata"]["generation"].as_i64().unwrap_or(1);
    let replicas = object["spec"]["replicas"].as_i64().unwrap_or(1);
    let ready_count = if ready { replicas } else { 0 };
    let status = match kind.as_str() {
        "Deployment" => {
            let mut s = json!({
                "observedGeneration": generation,
                "replicas": replicas,
                "updatedReplicas": replicas,
                "readyReplicas": ready_count,
                "availableReplicas": ready_count,
            });
            if ready {
                s["conditions"] = json!([
                    condition(
                        "Available",
                        true,
                        "MinimumReplicasAvailable",
                        "Deployment has minimum availability.",
                        &now
                    ),
                    condition(
                        "Progressing",
                        true,
                        "NewReplicaSetAvailable",
                        &format!("ReplicaSet \"{name}-fake\" has successfully progressed."),
                        &now
                    ),
                ]);
            } else {
                s["unavailableReplicas"] = json!(replicas);
                s["conditions"] = json!([
                    condition(
                        "Available",
                        false,
                        "MinimumReplicasUnavailable",
                        "Deployment does not have minimum availability.",
                        &now
                    ),
                    condition(
                        "Progressing",
                        true,
                        "ReplicaSetUpdated",
                        &format!("ReplicaSet \"{name}-fake\" is progressing."),
                        &now
                    ),
                ]);
            }
            s
        }
        "StatefulSet" => json!({
            "observedGeneration": generation,
            "replicas": replicas,
            "readyReplicas": ready_count,
            "availableReplicas": ready_count,
            "currentReplicas": replicas,
            "updatedReplicas": replicas,
            "currentRevision": format!("{name}-fake"),
            "updateRevision": format!("{name}-fake"),
        }),
        "DaemonSet" => json!({
            "observedGeneration": generation,
            "desiredNumberScheduled": 1,
            "currentNumberScheduled": 1,
            "updatedNumberScheduled": 1,
            "numberMisscheduled": 0,
            "numberReady": if ready { 1 } else { 0 },
            "numberAvailable": if ready { 1 } else { 0 },
        }),
        "ReplicaSet" => json!({
            "observedGeneration": generation,
            "replicas": replicas,
            "fullyLabeledReplicas": replicas,
            "readyReplicas": ready_count,
            "availableReplicas": ready_count,
        }),
        "Job" => {
            if ready {
                return finish(object, true);
            }
            json!({ "active": 1, "ready": 0, "startTime": now })
        }
        "Pod" => {
            if ready {
                json!({
                    "phase": "Running",
                    "startTime": now,
                    "conditions": [
                        { "type": "Ready", "status": "True", "lastTransitionTime": now },
                        { "type": "ContainersReady", "status": "True", "lastTransitionTime": now },
                    ],
                })
            } else {
                json!({ "phase": "Pending" })
            }
        }
        "PersistentVolumeClaim" => json!({ "phase": if ready { "Bound" } else { "Pending" } }),
        "Service" => {
            if ready && object["spec"]["type"] == "LoadBalancer" {
                json!({ "loadBalancer": { "ingress": [{ "ip": "127.0.0.1", "ipMode": "VIP" }] } })
            } else {
                json!({ "loadBalancer": {} })
            }
        }
        "Namespace" => json!({ "phase": "Active" }),
        "CustomResourceDefinition" => {
            let names = object["spec"]["names"].clone();
            let stored: Vec<Value> = object["spec"]["versions"]
                .as_array()
                .into_iter()
                .flatten()
                .filter(|v| v["storage"] == true)
                .map(|v| v["name"].clone())
                .collect();
            json!({
                "conditions": [
                    condition("NamesAccepted", true, "NoConflicts", "no conflicts found", &now),
                    if ready {
                        condition("Established", true, "InitialNamesAccepted", "the initial names have been accepted", &now)
                    } else {
                        condition("Established", false, "Installing", "the initial names have been accepted", &now)
                    },
                ],
                "acceptedNames": names,
                "storedVersions": stored,
            })
        }
        _ => return,
    };
    object["status"] = status;
}

/// A Job or Pod that has started and not ended: the Job active, the Pod
/// Running and Ready.
fn start_running(object: &mut Value) {
    let is_job = object["kind"] == "Job";
    settle(object, !is_job);
}

/// A Job or Pod as it ends (other kinds: settled ready or not).
fn finish(object: &mut Value, success: bool) {
    let now = now_rfc3339();
    let start = object["status"]["startTime"]
        .as_str()
        .unwrap_or(&now)
        .to_string();
    let status = match object["kind"].as_str() {
        Some("Job") if success => json!({
            "startTime": start,
            "completionTime": now,
            "succeeded": 1,
            "ready": 0,
            "conditions": [
                condition("SuccessCriteriaMet", true, "CompletionsReached", "Reached expected number of succeeded pods", &now),
                condition("Complete", true, "CompletionsReached", "Reached expected number of succeeded pods", &now),
            ],
        }),
        Some("Job") => json!({
            "startTime": start,
            "failed": 1,
            "ready": 0,
            "conditions": [
                condition("FailureTarget", true, "BackoffLimitExceeded", "Job has reached the specified backoff limit", &now),
                condition("Failed", true, "BackoffLimitExceeded", "Job has reached the specified backoff limit", &now),
            ],
        }),
        Some("Pod") => json!({
            "phase": if success { "Succeeded" } else { "Failed" },
            "startTime": start,
            "conditions": [{ "type": "Ready", "status": "False", "reason": "PodCompleted", "lastTransitionTime": now }],
        }),
        _ => return settle(object, success),
    };
    object["status"] = status;
}

/// A rewritten status keeps the times of what did not change, so that a
/// write that changes nothing else leaves the resourceVersion alone.
fn keep_transition_times(old: &Value, new: &mut Value) {
    if let (Some(t), true) = (old.get("startTime"), new.get("startTime").is_some()) {
        new["startTime"] = t.clone();
    }
    let Some(old_conditions) = old["conditions"].as_array() else {
        return;
    };
    for c in new
        .get_mut("conditions")
        .and_then(Value::as_array_mut)
        .into_iter()
        .flatten()
    {
        if let Some(prev) = old_conditions
            .iter()
            .find(|p| p["type"] == c["type"] && p["status"] == c["status"])
        {
            for field in ["lastTransitionTime", "lastUpdateTime", "lastProbeTime"] {
                if let Some(t) = prev.get(field) {
                    c[field] = t.clone();
                }
            }
        }
    }
}

fn finished(object: &Value) -> bool {
    match object["kind"].as_str() {
        Some("Pod") => matches!(
            object["status"]["phase"].as_str(),
            Some("Succeeded" | "Failed")
        ),
        Some("Job") => object["status"]["conditions"]
            .as_array()
            .into_iter()
            .flatten()
            .any(|c| (c["type"] == "Complete" || c["type"] == "Failed") && c["status"] == "True"),
        _ => true,
    }
}

// ---------------------------------------------------------------------------
// The server's state

#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
struct ObjKey {
    group: String,
    plural: String,
    /// Empty for cluster-scoped objects.
    namespace: String,
    name: String,
}

#[derive(Clone)]
struct Stored {
    object: Value,
    managers: Vec<ManagerEntry>,
    reads: u32,
}

struct Failure {
    method: String,
    path_prefix: String,
    error: ApiError,
}

struct Target {
    rt: ResourceType,
    namespace: Option<String>,
    name: Option<String>,
    subresource: Option<String>,
}

impl Target {
    fn key(&self, name: &str) -> ObjKey {
        ObjKey {
            group: self.rt.group.clone(),
            plural: self.rt.plural.clone(),
            namespace: self.namespace.clone().unwrap_or_default(),
            name: name.to_string(),
        }
    }
}

type ApiResult = Result<(u16, Value), ApiError>;

struct State {
    options: Options,
    addr: SocketAddr,
    resources: Vec<ResourceType>,
    objects: BTreeMap<ObjKey, Stored>,
    requests: Vec<Recorded>,
    failures: Vec<Failure>,
    behaviours: HashMap<(String, Option<String>), Behaviour>,
    resource_version: u64,
    serial: u64,
}

impl State {
    fn new(options: Options, addr: SocketAddr) -> State {
        let mut state = State {
            options,
            addr,
            resources: builtin_types(),
            objects: BTreeMap::new(),
            requests: Vec::new(),
            failures: Vec::new(),
            behaviours: HashMap::new(),
            resource_version: 100,
            serial: 0,
        };
        for ns in ["default", "kube-system", "kube-public", "kube-node-lease"] {
            state.seed(json!({
                "apiVersion": "v1",
                "kind": "Namespace",
                "metadata": { "name": ns, "labels": { "kubernetes.io/metadata.name": ns } },
                "spec": { "finalizers": ["kubernetes"] },
                "status": { "phase": "Active" },
            }));
        }
        state
    }

    fn next_serial(&mut self) -> u64 {
        self.serial += 1;
        self.serial
    }

    fn new_uid(&mut self) -> String {
        format!("00000000-0000-4000-8000-{:012x}", self.next_serial())
    }

    fn lookup(&self, group: &str, version: &str, plural: &str) -> Option<ResourceType> {
        self.resources
            .iter()
            .find(|r| r.group == group && r.version == version && r.plural == plural)
            .cloned()
    }

    fn lookup_kind(&self, api_version: &str, kind: &str) -> Option<ResourceType> {
        let (group, version) = split_api_version(api_version);
        self.resources
            .iter()
            .find(|r| r.group == group && r.version == version && r.kind == kind)
            .cloned()
    }

    fn namespace_exists(&self, ns: &str) -> bool {
        self.options.auto_namespaces
            || self.objects.contains_key(&ObjKey {
                group: String::new(),
                plural: "namespaces".into(),
                namespace: String::new(),
                name: ns.to_string(),
            })
    }

    fn behaviour(&self, kind: &str, name: &str) -> Behaviour {
        self.behaviours
            .get(&(kind.to_string(), Some(name.to_string())))
            .or_else(|| self.behaviours.get(&(kind.to_string(), None)))
            .cloned()
            .unwrap_or_else(|| default_behaviour(kind))
    }

    fn seed(&mut self, mut object: Value) -> Value {
        let api_version = object["apiVersion"].as_str().unwrap_or("").to_string();
        let kind = object["kind"].as_str().unwrap_or("").to_string();
        let rt = self.lookup_kind(&api_version, &kind).unwrap_or_else(|| {
            panic!("put_object: the fake apiserver serves no {api_version} {kind}")
        });
        let name = object["metadata"]["name"]
            .as_str()
            .expect("put_object: metadata.name")
            .to_string();
        let namespace = if rt.namespaced {
            let ns = object["metadata"]["namespace"]
                .as_str()
                .unwrap_or("default")
                .to_string();
            object["metadata"]["namespace"] = json!(ns);
            ns
        } else {
            String::new()
        };
        let uid = self.new_uid();
        self.resource_version += 1;
        let meta = object["metadata"]
            .as_object_mut()
            .expect("metadata is a map");
        meta.entry("uid").or_insert_with(|| json!(uid));
        meta.entry("creationTimestamp")
            .or_insert_with(|| json!(now_rfc3339()));
        meta.insert(
            "resourceVersion".into(),
            json!(self.resource_version.to_string()),
        );
        if rt.status || rt.crd.is_some() {
            meta.entry("generation").or_insert(json!(1));
        }
        if rt.kind == "CustomResourceDefinition" && rt.group == "apiextensions.k8s.io" {
            self.register_crd(&object);
        }
        let key = ObjKey {
            group: rt.group,
            plural: rt.plural,
            namespace,
            name,
        };
        self.objects.insert(
            key,
            Stored {
                object: object.clone(),
                managers: Vec::new(),
                reads: 0,
            },
        );
        object
    }

    fn key_for_path(&self, path: &str) -> Option<ObjKey> {
        let segments: Vec<&str> = path.split('/').filter(|s| !s.is_empty()).collect();
        let (group, version, rest) = match segments.as_slice() {
            ["api", v, rest @ ..] => ("", *v, rest),
            ["apis", g, v, rest @ ..] => (*g, *v, rest),
            _ => return None,
        };
        let target = self.parse_target(group, version, rest).ok()?;
        let name = target.name.clone()?;
        Some(target.key(&name))
    }

    // -- request dispatch ---------------------------------------------------

    fn handle(&mut self, req: Recorded, user_agent: Option<&str>) -> Reply {
        self.requests.push(req.clone());
        if let Some(i) = self.failures.iter().position(|f| {
            (f.method == "*" || f.method.eq_ignore_ascii_case(&req.method))
                && req.path.starts_with(&f.path_prefix)
        }) {
            let failure = self.failures.remove(i);
            return Reply::Json(failure.error.code, failure.error.status());
        }
        let segments: Vec<&str> = req.path.split('/').filter(|s| !s.is_empty()).collect();
        match segments.as_slice() {
            ["version"] => return Reply::Json(200, self.version()),
            ["healthz" | "livez" | "readyz"] => return Reply::Text(200, "ok".into()),
            _ => {}
        }
        if self.options.require_token
            && req.authorization.as_deref() != Some(format!("Bearer {TOKEN}").as_str())
        {
            let error = ApiError::new(401, "Unauthorized", "Unauthorized");
            return Reply::Json(401, error.status());
        }
        let result = match segments.as_slice() {
            ["openapi", "v3"] => Ok((200, openapi_index())),
            ["openapi", "v3", "api", v] => openapi_document("", v)
                .ok_or_else(path_not_found)
                .map(|d| (200, d)),
            ["openapi", "v3", "apis", g, v] => openapi_document(g, v)
                .ok_or_else(path_not_found)
                .map(|d| (200, d)),
            ["api"] => Ok((200, self.api_versions())),
            ["apis"] => Ok((200, self.group_list())),
            ["apis", group] => self.group(group),
            ["api", "v1", rest @ ..] => self.serve_group_version("", "v1", rest, &req, user_agent),
            ["apis", group, version, rest @ ..] => {
                self.serve_group_version(group, version, rest, &req, user_agent)
            }
            _ => Err(path_not_found()),
        };
        match result {
            Ok((code, value)) => Reply::Json(code, value),
            Err(error) => Reply::Json(error.code, error.status()),
        }
    }

    fn version(&self) -> Value {
        let v = self.options.git_version.trim_start_matches('v');
        let mut parts = v.split(['.', '-', '+']);
        let major = parts.next().unwrap_or("1");
        let minor = parts.next().unwrap_or("0");
        json!({
            "major": major,
            "minor": minor,
            "emulationMajor": major,
            "emulationMinor": minor,
            "gitVersion": self.options.git_version,
            "gitCommit": "0000000000000000000000000000000000000000",
            "gitTreeState": "clean",
            "buildDate": "2025-01-01T00:00:00Z",
            "goVersion": "go1.24.0",
            "compiler": "gc",
            "platform": "linux/amd64",
        })
    }

    fn api_versions(&self) -> Value {
        json!({
            "kind": "APIVersions",
            "versions": ["v1"],
            "serverAddressByClientCIDRs": [
                { "clientCIDR": "0.0.0.0/0", "serverAddress": self.addr.to_string() }
            ],
        })
    }

    /// Groups and their versions in the order their types were registered.
    fn groups(&self) -> Vec<(String, Vec<String>)> {
        let mut groups: Vec<(String, Vec<String>)> = Vec::new();
        for r in self.resources.iter().filter(|r| !r.group.is_empty()) {
            match groups.iter_mut().find(|(g, _)| *g == r.group) {
                Some((_, versions)) => {
                    if !versions.contains(&r.version) {
                        versions.push(r.version.clone());
                    }
                }
                None => groups.push((r.group.clone(), vec![r.version.clone()])),
            }
        }
        groups
    }

    fn group_json(group: &str, versions: &[String]) -> Value {
        let gv = |v: &String| json!({ "groupVersion": format!("{group}/{v}"), "version": v });
        json!({
            "name": group,
            "versions": versions.iter().map(gv).collect::<Vec<_>>(),
            "preferredVersion": gv(&versions[0]),
        })
    }

    fn group_list(&self) -> Value {
        let groups: Vec<Value> = self
            .groups()
            .iter()
            .map(|(g, vs)| State::group_json(g, vs))
            .collect();
        json!({ "kind": "APIGroupList", "apiVersion": "v1", "groups": groups })
    }

    fn group(&self, group: &str) -> ApiResult {
        let groups = self.groups();
        let (g, versions) = groups
            .iter()
            .find(|(g, _)| g == group)
            .ok_or_else(path_not_found)?;
        let mut doc = State::group_json(g, versions);
        doc["kind"] = json!("APIGroup");
        doc["apiVersion"] = json!("v1");
        Ok((200, doc))
    }

    fn resource_list(&self, group: &str, version: &str) -> Value {
        let mut resources = Vec::new();
        for r in self
            .resources
            .iter()
            .filter(|r| r.group == group && r.version == version)
        {
            let mut entry = json!({
                "name": r.plural,
                "singularName": r.singular,
                "namespaced": r.namespaced,
                "kind": r.kind,
                "verbs": VERBS,
            });
            if !r.short_names.is_empty() {
                entry["shortNames"] = json!(r.short_names);
            }
            resources.push(entry);
            if r.status {
                resources.push(json!({
                    "name": format!("{}/status", r.plural),
                    "singularName": "",
                    "namespaced": r.namespaced,
                    "kind": r.kind,
                    "verbs": ["get", "patch", "update"],
                }));
            }
        }
        let group_version = if group.is_empty() {
            version.to_string()
        } else {
            format!("{group}/{version}")
        };
        json!({
            "kind": "APIResourceList",
            "apiVersion": "v1",
            "groupVersion": group_version,
            "resources": resources,
        })
    }

    fn parse_target(&self, group: &str, version: &str, rest: &[&str]) -> Result<Target, ApiError> {
        let owned = |s: Option<&&str>| s.map(|s| s.to_string());
        // `/api/v1/namespaces/<name>/status` is the namespace's own subresource.
        if group.is_empty()
            && let ["namespaces", name, sub @ ("status" | "finalize")] = rest
        {
            return Ok(Target {
                rt: self
                    .lookup("", version, "namespaces")
                    .ok_or_else(path_not_found)?,
                namespace: None,
                name: Some(name.to_string()),
                subresource: Some(sub.to_string()),
            });
        }
        let (namespace, rest) = match rest {
            ["namespaces", ns, rest @ ..] if !rest.is_empty() => (Some(ns.to_string()), rest),
            _ => (None, rest),
        };
        if rest.is_empty() || rest.len() > 3 {
            return Err(path_not_found());
        }
        let rt = self
            .lookup(group, version, rest[0])
            .ok_or_else(path_not_found)?;
        let name = owned(rest.get(1));
        let subresource = owned(rest.get(2));
        if namespace.is_some() && !rt.namespaced {
            return Err(path_not_found());
        }
        if namespace.is_none() && rt.namespaced && name.is_some() {
            return Err(path_not_found());
        }
        if let Some(sub) = &subresource
            && (sub != "status" || !rt.status)
        {
            return Err(path_not_found());
        }
        Ok(Target {
            rt,
            namespace,
            name,
            subresource,
        })
    }

    fn serve_group_version(
        &mut self,
        group: &str,
        version: &str,
        rest: &[&str],
        req: &Recorded,
        user_agent: Option<&str>,
    ) -> ApiResult {
        if !self
            .resources
            .iter()
            .any(|r| r.group == group && r.version == version)
        {
            return Err(path_not_found());
        }
        if rest.is_empty() {
            return Ok((200, self.resource_list(group, version)));
        }
        let target = self.parse_target(group, version, rest)?;
        let is_named = target.name.is_some();
        match (req.method.as_str(), is_named) {
            ("GET", false) => self.list(&target, req),
            ("GET", true) => self.get(&target),
            ("POST", false) if target.rt.namespaced == target.namespace.is_some() => {
                self.create(&target, req, user_agent)
            }
            ("PUT", true) => self.update(&target, req, user_agent),
            ("PATCH", true) => self.patch(&target, req, user_agent),
            ("DELETE", true) => self.delete(&target, req),
            ("DELETE", false) => self.delete_collection(&target, req),
            _ => Err(ApiError::new(
                405,
                "MethodNotAllowed",
                format!(
                    "the server does not allow this method on the requested resource ({} {})",
                    req.method, req.path
                ),
            )),
        }
    }

    // -- reads --------------------------------------------------------------

    /// A read of a stored object; Jobs and Pods may finish on it.
    fn note_read(&mut self, key: &ObjKey) {
        let Some(stored) = self.objects.get(key) else {
            return;
        };
        let kind = stored.object["kind"].as_str().unwrap_or("").to_string();
        let name = key.name.clone();
        let reads = stored.reads;
        let behaviour = self.behaviour(&kind, &name);
        let stored = self.objects.get_mut(key).expect("still stored");
        stored.reads += 1;
        if let Behaviour::Finish { after_gets } = behaviour
            && matches!(kind.as_str(), "Job" | "Pod")
            && reads >= after_gets
            && !finished(&stored.object)
        {
            finish(&mut stored.object, !name.ends_with("-fail"));
            self.resource_version += 1;
            stored.object["metadata"]["resourceVersion"] = json!(self.resource_version.to_string());
        }
    }

    fn get(&mut self, t: &Target) -> ApiResult {
        let name = t.name.as_deref().expect("a named target");
        let key = t.key(name);
        if !self.objects.contains_key(&key) {
            return Err(not_found(&t.rt.group, &t.rt.plural, name));
        }
        self.note_read(&key);
        let mut object = self.objects[&key].object.clone();
        object["apiVersion"] = json!(t.rt.group_version());
        Ok((200, object))
    }

    fn list(&mut self, t: &Target, req: &Recorded) -> ApiResult {
        if matches!(
            req.query.get("watch").map(String::as_str),
            Some("true" | "1")
        ) {
            return Err(ApiError::new(
                405,
                "MethodNotAllowed",
                "the fake apiserver does not implement watch",
            ));
        }
        let selector = parse_selector(req.query.get("labelSelector").map_or("", String::as_str))?;
        let field_selector = req.query.get("fieldSelector").cloned().unwrap_or_default();
        let keys: Vec<ObjKey> = self
            .objects
            .keys()
            .filter(|k| {
                k.group == t.rt.group
                    && k.plural == t.rt.plural
                    && t.namespace.as_ref().is_none_or(|ns| *ns == k.namespace)
            })
            .cloned()
            .collect();
        let mut items = Vec::new();
        for key in keys {
            let object = &self.objects[&key].object;
            if !selector_matches(&selector, object["metadata"]["labels"].as_object())
                || !field_selector_matches(&field_selector, object)?
            {
                continue;
            }
            self.note_read(&key);
            let mut item = self.objects[&key].object.clone();
            if t.rt.crd.is_some() {
                item["apiVersion"] = json!(t.rt.group_version());
            } else if let Some(map) = item.as_object_mut() {
                // The apiserver leaves apiVersion and kind out of built-in list items.
                map.remove("apiVersion");
                map.remove("kind");
            }
            items.push(item);
        }
        Ok((
            200,
            json!({
                "kind": format!("{}List", t.rt.kind),
                "apiVersion": t.rt.group_version(),
                "metadata": { "resourceVersion": self.resource_version.to_string() },
                "items": items,
            }),
        ))
    }

    // -- writes -------------------------------------------------------------

    fn dry_run(req: &Recorded) -> Result<bool, ApiError> {
        match req.query.get("dryRun").map(String::as_str) {
            None | Some("") => Ok(false),
            Some("All") => Ok(true),
            Some(other) => Err(ApiError::new(
                422,
                "Invalid",
                format!("dryRun: Unsupported value: \"{other}\": supported values: \"All\""),
            )),
        }
    }

    /// The field manager of a non-apply write: `fieldManager`, else the
    /// User-Agent up to its first `/`, as the apiserver derives it.
    fn update_manager(t: &Target, req: &Recorded, user_agent: Option<&str>) -> ManagerId {
        let manager = req
            .query
            .get("fieldManager")
            .filter(|m| !m.is_empty())
            .cloned()
            .or_else(|| user_agent.map(|ua| ua.split('/').next().unwrap_or(ua).to_string()))
            .unwrap_or_else(|| "unknown".to_string());
        ManagerId {
            manager,
            apply: false,
            api_version: t.rt.group_version(),
        }
    }

    fn body_object(t: &Target, req: &Recorded) -> Result<Value, ApiError> {
        let body = req
            .body
            .clone()
            .filter(Value::is_object)
            .ok_or_else(|| bad_request("the body of the request was in an unknown format"))?;
        if let Some(kind) = body["kind"].as_str()
            && !kind.is_empty()
            && kind != t.rt.kind
        {
            return Err(bad_request(format!(
                "the kind in the data ({kind}) does not match the kind of the request ({})",
                t.rt.kind
            )));
        }
        Ok(body)
    }

    fn check_namespace(&self, t: &Target, body: &Value) -> Result<(), ApiError> {
        if let (Some(url_ns), Some(body_ns)) =
            (&t.namespace, body["metadata"]["namespace"].as_str())
            && !body_ns.is_empty()
            && body_ns != url_ns
        {
            return Err(bad_request(
                "the namespace of the provided object does not match the namespace sent on the request",
            ));
        }
        if let Some(ns) = &t.namespace
            && !self.namespace_exists(ns)
        {
            return Err(not_found("", "namespaces", ns));
        }
        Ok(())
    }

    /// Fills what the server maintains, runs the behaviour, bumps the
    /// resourceVersion if anything changed, and stores (unless dry-run).
    #[allow(clippy::too_many_arguments)]
    fn commit(
        &mut self,
        rt: &ResourceType,
        key: ObjKey,
        mut object: Value,
        managers: Vec<ManagerEntry>,
        dry_run: bool,
        run_behaviour: bool,
    ) -> Value {
        let old = self.objects.get(&key).cloned();
        let old_object = old.as_ref().map(|s| &s.object);
        let now = now_rfc3339();
        if !object["metadata"].is_object() {
            object["metadata"] = json!({});
        }
        object["apiVersion"] = json!(rt.group_version());
        object["kind"] = json!(rt.kind);
        let uid = match old_object {
            Some(o) => o["metadata"]["uid"].clone(),
            None => json!(self.new_uid()),
        };
        let created = old_object
            .map(|o| o["metadata"]["creationTimestamp"].clone())
            .unwrap_or_else(|| json!(now));
        let generation = if rt.status || rt.crd.is_some() {
            let spec_of = |v: &Value| {
                let mut v = v.clone();
                if let Some(m) = v.as_object_mut() {
                    m.remove("metadata");
                    m.remove("status");
                    m.remove("apiVersion");
                    m.remove("kind");
                }
                v
            };
            Some(match old_object {
                None => 1,
                Some(o) => {
                    let g = o["metadata"]["generation"].as_i64().unwrap_or(1);
                    if spec_of(o) != spec_of(&object) {
                        g + 1
                    } else {
                        g
                    }
                }
            })
        } else {
            None
        };
        {
            let meta = object["metadata"].as_object_mut().expect("metadata map");
            meta.insert("name".into(), json!(key.name));
            if rt.namespaced {
                meta.insert("namespace".into(), json!(key.namespace));
            } else {
                meta.remove("namespace");
            }
            meta.insert("uid".into(), uid);
            meta.insert("creationTimestamp".into(), created);
            meta.remove("resourceVersion");
            meta.remove("managedFields");
            meta.remove("selfLink");
            if let Some(g) = generation {
                meta.insert("generation".into(), json!(g));
            }
        }
        if old.is_none() {
            self.defaults_on_create(&mut object);
        }
        if run_behaviour {
            let name = key.name.clone();
            match self.behaviour(&rt.kind, &name) {
                Behaviour::Inert => {}
                Behaviour::Ready => settle(&mut object, true),
                Behaviour::Unready => settle(&mut object, false),
                Behaviour::Finish { .. } => {
                    if !matches!(rt.kind.as_str(), "Job" | "Pod") {
                        settle(&mut object, true);
                    } else if old_object.is_none_or(|o| !o["status"].is_object()) {
                        start_running(&mut object);
                    }
                }
                Behaviour::Fail => finish(&mut object, false),
                Behaviour::Custom(f) => f(&mut object),
            }
        }
        if let (Some(o), Some(status)) = (old_object, object.get_mut("status")) {
            keep_transition_times(&o["status"], status);
        }
        if !managers.is_empty() {
            object["metadata"]["managedFields"] = managed_fields(&managers);
        }
        let unchanged = old_object.and_then(|o| {
            let mut before = o.clone();
            let rv = before["metadata"]
                .as_object_mut()?
                .remove("resourceVersion")?;
            (before == object).then_some(rv)
        });
        let changed = unchanged.is_none();
        object["metadata"]["resourceVersion"] =
            unchanged.unwrap_or_else(|| json!((self.resource_version + 1).to_string()));
        if !dry_run {
            if changed {
                self.resource_version += 1;
            }
            if rt.kind == "CustomResourceDefinition" && rt.group == "apiextensions.k8s.io" {
                self.register_crd(&object);
            }
            let reads = old.map_or(0, |s| s.reads);
            self.objects.insert(
                key,
                Stored {
                    object: object.clone(),
                    managers,
                    reads,
                },
            );
        }
        object
    }

    /// What admission and registry strategies add to a new object.
    fn defaults_on_create(&mut self, object: &mut Value) {
        match object["kind"].as_str() {
            Some("Namespace") => {
                let name = object["metadata"]["name"].clone();
                object["metadata"]["labels"]["kubernetes.io/metadata.name"] = name;
            }
            Some("Service") => {
                let spec = &object["spec"];
                let external = spec["type"] == "ExternalName";
                let unset = spec["clusterIP"].as_str().is_none_or(str::is_empty);
                if !external && unset {
                    let n = self.next_serial();
                    let ip = format!("10.96.{}.{}", n / 250, n % 250 + 2);
                    object["spec"]["clusterIP"] = json!(ip);
                    object["spec"]["clusterIPs"] = json!([ip]);
                }
            }
            _ => {}
        }
    }

    fn register_crd(&mut self, crd: &Value) {
        let Some(crd_name) = crd["metadata"]["name"].as_str() else {
            return;
        };
        let spec = &crd["spec"];
        let names = &spec["names"];
        let (Some(group), Some(kind), Some(plural)) = (
            spec["group"].as_str(),
            names["kind"].as_str(),
            names["plural"].as_str(),
        ) else {
            return;
        };
        self.resources
            .retain(|r| r.crd.as_deref() != Some(crd_name));
        for version in spec["versions"].as_array().into_iter().flatten() {
            if version["served"] == false {
                continue;
            }
            let Some(v) = version["name"].as_str() else {
                continue;
            };
            self.resources.push(ResourceType {
                group: group.to_string(),
                version: v.to_string(),
                kind: kind.to_string(),
                plural: plural.to_string(),
                singular: names["singular"]
                    .as_str()
                    .map_or_else(|| kind.to_lowercase(), str::to_string),
                namespaced: spec["scope"] != "Cluster",
                short_names: names["shortNames"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .filter_map(|s| s.as_str().map(str::to_string))
                    .collect(),
                status: version["subresources"]["status"].is_object(),
                crd: Some(crd_name.to_string()),
            });
        }
    }

    fn create(&mut self, t: &Target, req: &Recorded, user_agent: Option<&str>) -> ApiResult {
        let dry_run = State::dry_run(req)?;
        let mut body = State::body_object(t, req)?;
        let name = match body["metadata"]["name"].as_str().filter(|n| !n.is_empty()) {
            Some(name) => name.to_string(),
            None => match body["metadata"]["generateName"].as_str() {
                Some(prefix) => format!("{prefix}{:05x}", self.next_serial()),
                None => {
                    return Err(ApiError::new(
                        422,
                        "Invalid",
                        format!(
                            "{} \"\" is invalid: metadata.name: Required value: name or generateName is required",
                            t.rt.kind
                        ),
                    ));
                }
            },
        };
        self.check_namespace(t, &body)?;
        let key = t.key(&name);
        if self.objects.contains_key(&key) {
            return Err(already_exists(&t.rt.group, &t.rt.plural, &name));
        }
        if t.rt.status
            && let Some(map) = body.as_object_mut()
        {
            map.remove("status");
        }
        let mut managers = Vec::new();
        record_update(
            &mut managers,
            State::update_manager(t, req, user_agent),
            None,
            &body,
            t.rt.status,
            &now_rfc3339(),
        );
        let object = self.commit(&t.rt, key, body, managers, dry_run, true);
        Ok((201, object))
    }

    fn update(&mut self, t: &Target, req: &Recorded, user_agent: Option<&str>) -> ApiResult {
        let dry_run = State::dry_run(req)?;
        let body = State::body_object(t, req)?;
        let name = t.name.clone().expect("a named target");
        if let Some(body_name) = body["metadata"]["name"].as_str()
            && body_name != name
        {
            return Err(bad_request(format!(
                "the name of the object ({body_name}) does not match the name on the URL ({name})"
            )));
        }
        let key = t.key(&name);
        let Some(old) = self.objects.get(&key).cloned() else {
            return Err(not_found(&t.rt.group, &t.rt.plural, &name));
        };
        if let Some(rv) = body["metadata"]["resourceVersion"].as_str()
            && !rv.is_empty()
            && Some(rv) != old.object["metadata"]["resourceVersion"].as_str()
        {
            return Err(conflict(&t.rt.group, &t.rt.plural, &name, MODIFIED));
        }
        let status_only = t.subresource.as_deref() == Some("status");
        let mut new = if status_only {
            let mut o = old.object.clone();
            copy_status(&body, &mut o);
            o
        } else {
            body
        };
        if t.rt.status && !status_only {
            copy_status(&old.object, &mut new);
        }
        let mut managers = old.managers.clone();
        if !status_only {
            record_update(
                &mut managers,
                State::update_manager(t, req, user_agent),
                Some(&old.object),
                &new,
                t.rt.status,
                &now_rfc3339(),
            );
        }
        let object = self.commit(&t.rt, key, new, managers, dry_run, !status_only);
        Ok((200, object))
    }

    fn patch(&mut self, t: &Target, req: &Recorded, user_agent: Option<&str>) -> ApiResult {
        let content_type = req
            .content_type
            .as_deref()
            .unwrap_or("")
            .split(';')
            .next()
            .unwrap_or("")
            .trim()
            .to_string();
        let apply = content_type == "application/apply-patch+yaml";
        let manager = req.query.get("fieldManager").cloned().unwrap_or_default();
        if apply && manager.is_empty() {
            return Err(invalid_patch_options(
                "fieldManager",
                "FieldValueRequired",
                "Required value: is required for apply patch",
            ));
        }
        if !apply && req.query.contains_key("force") {
            return Err(invalid_patch_options(
                "force",
                "FieldValueForbidden",
                "Forbidden: may not be specified for non-apply patch",
            ));
        }
        let dry_run = State::dry_run(req)?;
        let Some(patch) = req.body.clone() else {
            return Err(bad_request(
                "the body of the request was in an unknown format",
            ));
        };
        match content_type.as_str() {
            "application/apply-patch+yaml" => {
                let force = req.query.get("force").is_some_and(|f| f == "true");
                self.apply(t, patch, manager, force, dry_run)
            }
            "application/merge-patch+json"
            | "application/strategic-merge-patch+json"
            | "application/json-patch+json" => {
                let name = t.name.clone().expect("a named target");
                let key = t.key(&name);
                let Some(old) = self.objects.get(&key).cloned() else {
                    return Err(not_found(&t.rt.group, &t.rt.plural, &name));
                };
                let mut new = old.object.clone();
                // A patch that sets managedFields sets ownership as given (csaupgrade's).
                let mut replaced = None;
                if content_type == "application/json-patch+json" {
                    json_patch(&mut new, &patch).map_err(|e| ApiError::new(422, "Invalid", e))?;
                    let meta = |o: &Value, f: &str| o["metadata"][f].clone();
                    if meta(&new, "resourceVersion") != meta(&old.object, "resourceVersion") {
                        return Err(conflict(&t.rt.group, &t.rt.plural, &name, MODIFIED));
                    }
                    if meta(&new, "managedFields") != meta(&old.object, "managedFields") {
                        replaced = Some(parse_managed_fields(&meta(&new, "managedFields")));
                    }
                } else {
                    if let Some(rv) = patch["metadata"]["resourceVersion"].as_str()
                        && Some(rv) != old.object["metadata"]["resourceVersion"].as_str()
                    {
                        return Err(conflict(&t.rt.group, &t.rt.plural, &name, MODIFIED));
                    }
                    if content_type == "application/strategic-merge-patch+json"
                        && let Some(doc) = openapi_document(&t.rt.group, &t.rt.version)
                        && let Some(schema) = whelm::kube::openapi::Schema::for_kind(
                            &doc,
                            &t.rt.group,
                            &t.rt.version,
                            &t.rt.kind,
                        )
                    {
                        new = whelm::kube::patch::apply(&new, &patch, schema)
                            .map_err(|e| ApiError::new(400, "BadRequest", e))?;
                    } else {
                        merge_patch(&mut new, &patch);
                    }
                }
                let status_only = t.subresource.as_deref() == Some("status");
                if status_only {
                    let patched = new;
                    new = old.object.clone();
                    copy_status(&patched, &mut new);
                } else if t.rt.status {
                    copy_status(&old.object, &mut new);
                }
                let mut managers = replaced.clone().unwrap_or_else(|| old.managers.clone());
                if !status_only && replaced.is_none() {
                    record_update(
                        &mut managers,
                        State::update_manager(t, req, user_agent),
                        Some(&old.object),
                        &new,
                        t.rt.status,
                        &now_rfc3339(),
                    );
                }
                let object = self.commit(&t.rt, key, new, managers, dry_run, !status_only);
                Ok((200, object))
            }
            _ => Err(ApiError::new(
                415,
                "UnsupportedMediaType",
                format!(
                    "the body of the request was in an unknown format - accepted media types include: \
                     application/json-patch+json, application/merge-patch+json, \
                     application/apply-patch+yaml{}",
                    if t.rt.crd.is_none() {
                        ", application/strategic-merge-patch+json"
                    } else {
                        ""
                    }
                ),
            )),
        }
    }

    fn apply(
        &mut self,
        t: &Target,
        mut config: Value,
        manager: String,
        force: bool,
        dry_run: bool,
    ) -> ApiResult {
        let name = t.name.clone().expect("a named target");
        if !config.is_object() {
            return Err(bad_request(
                "the body of the request was in an unknown format",
            ));
        }
        for (field, want) in [
            ("apiVersion", t.rt.group_version()),
            ("kind", t.rt.kind.clone()),
        ] {
            match config[field].as_str() {
                None | Some("") => {
                    return Err(bad_request(format!(
                        "invalid object type: /, Kind={}",
                        config["kind"].as_str().unwrap_or("")
                    )));
                }
                Some(got) if got != want => {
                    return Err(bad_request(format!(
                        "the {} in the data ({got}) does not match the expected {} ({want})",
                        if field == "kind" {
                            "kind"
                        } else {
                            "API version"
                        },
                        if field == "kind" {
                            "kind"
                        } else {
                            "API version"
                        },
                    )));
                }
                _ => {}
            }
        }
        if let Some(body_name) = config["metadata"]["name"].as_str()
            && body_name != name
        {
            return Err(bad_request(format!(
                "the name of the object ({body_name}) does not match the name on the URL ({name})"
            )));
        }
        let status_only = t.subresource.as_deref() == Some("status");
        if t.rt.status
            && !status_only
            && let Some(map) = config.as_object_mut()
        {
            map.remove("status");
        }
        drop_nulls(&mut config);
        let id = ManagerId {
            manager,
            apply: true,
            api_version: t.rt.group_version(),
        };
        let now = now_rfc3339();
        let key = t.key(&name);
        match self.objects.get(&key).cloned() {
            None => {
                self.check_namespace(t, &config)?;
                if status_only {
                    return Err(not_found(&t.rt.group, &t.rt.plural, &name));
                }
                let (object, managers) =
                    server_side_apply(&json!({}), &[], &config, &id, force, t.rt.status, &now)
                        .expect("no conflicts on an empty object");
                let object = self.commit(&t.rt, key, object, managers, dry_run, true);
                Ok((201, object))
            }
            Some(stored) => {
                if let Some(rv) = config["metadata"]["resourceVersion"].as_str()
                    && !rv.is_empty()
                    && Some(rv) != stored.object["metadata"]["resourceVersion"].as_str()
                {
                    return Err(conflict(&t.rt.group, &t.rt.plural, &name, MODIFIED));
                }
                let (object, managers) = server_side_apply(
                    &stored.object,
                    &stored.managers,
                    &config,
                    &id,
                    force,
                    t.rt.status && !status_only,
                    &now,
                )
                .map_err(|conflicts| conflict_error(&conflicts))?;
                let object = self.commit(&t.rt, key, object, managers, dry_run, !status_only);
                Ok((200, object))
            }
        }
    }

    fn delete(&mut self, t: &Target, req: &Recorded) -> ApiResult {
        let dry_run = State::dry_run(req)?;
        let name = t.name.clone().expect("a named target");
        let key = t.key(&name);
        let Some(stored) = self.objects.get(&key).cloned() else {
            return Err(not_found(&t.rt.group, &t.rt.plural, &name));
        };
        let meta = &stored.object["metadata"];
        if let Some(pre) = req.body.as_ref().map(|b| &b["preconditions"]) {
            for (field, label) in [("uid", "UID"), ("resourceVersion", "ResourceVersion")] {
                if let Some(want) = pre[field].as_str()
                    && Some(want) != meta[field].as_str()
                {
                    return Err(conflict(
                        &t.rt.group,
                        &t.rt.plural,
                        &name,
                        &format!(
                            "Precondition failed: {label} in precondition: {want}, {label} in object meta: {}",
                            meta[field].as_str().unwrap_or("")
                        ),
                    ));
                }
            }
        }
        if !dry_run {
            self.remove(&key);
        }
        if t.rt.kind == "Pod" {
            return Ok((200, stored.object));
        }
        let mut details = resource_details(&t.rt.group, &t.rt.plural, &name);
        details["uid"] = meta["uid"].clone();
        Ok((
            200,
            json!({
                "kind": "Status",
                "apiVersion": "v1",
                "metadata": {},
                "status": "Success",
                "details": details,
            }),
        ))
    }

    /// Removes an object and what goes with it: a Namespace's objects, a
    /// CRD's kind and custom resources.
    fn remove(&mut self, key: &ObjKey) {
        let Some(stored) = self.objects.remove(key) else {
            return;
        };
        if key.group.is_empty() && key.plural == "namespaces" {
            self.objects.retain(|k, _| k.namespace != key.name);
        }
        if key.group == "apiextensions.k8s.io" && key.plural == "customresourcedefinitions" {
            let spec = &stored.object["spec"];
            let (group, plural) = (
                spec["group"].as_str().unwrap_or(""),
                spec["names"]["plural"].as_str().unwrap_or(""),
            );
            self.objects
                .retain(|k, _| !(k.group == group && k.plural == plural));
            self.resources
                .retain(|r| r.crd.as_deref() != Some(key.name.as_str()));
        }
        self.resource_version += 1;
    }

    fn delete_collection(&mut self, t: &Target, req: &Recorded) -> ApiResult {
        let dry_run = State::dry_run(req)?;
        let selector = parse_selector(req.query.get("labelSelector").map_or("", String::as_str))?;
        let keys: Vec<ObjKey> = self
            .objects
            .iter()
            .filter(|(k, s)| {
                k.group == t.rt.group
                    && k.plural == t.rt.plural
                    && t.namespace.as_ref().is_none_or(|ns| *ns == k.namespace)
                    && selector_matches(&selector, s.object["metadata"]["labels"].as_object())
            })
            .map(|(k, _)| k.clone())
            .collect();
        let mut items = Vec::new();
        for key in keys {
            items.push(self.objects[&key].object.clone());
            if !dry_run {
                self.remove(&key);
            }
        }
        Ok((
            200,
            json!({
                "kind": format!("{}List", t.rt.kind),
                "apiVersion": t.rt.group_version(),
                "metadata": { "resourceVersion": self.resource_version.to_string() },
                "items": items,
            }),
        ))
    }
}

// ---------------------------------------------------------------------------
// Time

fn now_rfc3339() -> String {
    let secs = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs()) as i64;
    let (days, rem) = (secs.div_euclid(86_400), secs.rem_euclid(86_400));
    // Civil date from days since 1970-01-01 (Howard Hinnant's algorithm).
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!(
        "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}Z",
        rem / 3600,
        rem % 3600 / 60,
        rem % 60
    )
}
