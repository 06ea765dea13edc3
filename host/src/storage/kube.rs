//! The `secret` and `configmap` drivers, over a minimal [`KubeObjects`] trait that the cluster
//! layer implements for one namespace.
//!
//! # Objects, as Helm writes them
//!
//! Name `sh.helm.release.v1.<name>.v<rev>`; labels `name`, `owner=helm`, `status`, `version`,
//! `createdAt` (set on create) or `modifiedAt` (set on update) in Unix seconds, plus the
//! release's custom labels. A Secret has `type: helm.sh/release.v1` and `data.release` =
//! the codec string as bytes — so on the wire (base64 of `[]byte`) it is base64 twice; a
//! ConfigMap has `data.release` = the codec string.
//!
//! # Chunking (whelm only)
//!
//! Kubernetes caps an object's data at 1 MiB, which a big chart's release can exceed (Helm then
//! fails the install). When the encoded release is longer than [`CHUNK_THRESHOLD`]:
//!
//! - the *body* — the release with `info.status`, `info.description` and `info.deleted`
//!   cleared — is encoded and split into pieces of at most [`CHUNK_SIZE`] bytes, stored as
//!   objects `<key>.c<N>.<digest>` (N = 1…count, digest = 16 hex digits of the SHA-256 of the
//!   encoded body), with labels `whelm.sh/chunk-of=<name>`, `whelm.sh/chunk-version=<rev>`,
//!   `whelm.sh/chunk-digest`, `whelm.sh/chunk-written` and **no `owner` label**, so Helm's
//!   `owner=helm` queries never see them;
//! - the object `<key>` keeps Helm's name, type and labels and holds a *stub* release: name,
//!   namespace, version, labels, `info` (times, status, the description followed by
//!   [`STUB_NOTE`]) and the chart's metadata with the annotation `whelm.sh/chunks:
//!   "<count>:<digest>"`, but no manifest, values, hooks or templates.
//!
//! What Helm sees: `helm list`, `helm history`, `helm status` show the revision normally (the
//! description says it is stored in chunks); `helm get manifest|values|hooks` show nothing;
//! `helm rollback` to such a revision would apply an empty manifest, and `helm uninstall`
//! deletes the stub but leaves the chunks, which whelm's [`KubeDriver::collect_garbage`]
//! removes later. When Helm rewrites the stub (e.g. marks it `superseded`) it keeps the chart
//! metadata, so whelm still finds the chunks and takes status, description and deletion time
//! from the stub.
//!
//! Writes are ordered so that a crash never leaves a stub pointing at missing chunks: chunks
//! first, then the stub, then the removal of chunks with another digest. A status change does
//! not change the body, so it rewrites only the stub.

use std::collections::BTreeMap;
use std::sync::Arc;

use async_trait::async_trait;
use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use serde_json::{Value, json};
use sha2::{Digest, Sha256};

use super::release::{Chart, Info, Release, Status};
use super::{Driver, Filter, Head, Labels, StorageError, codec, custom_labels};

/// Encoded releases longer than this are chunked (Kubernetes' limit is 1 MiB of data).
pub const CHUNK_THRESHOLD: usize = 1_000_000;
/// The largest piece of an encoded body in one chunk object.
pub const CHUNK_SIZE: usize = 1_000_000;
/// Chart annotation on a stub: `"<count>:<digest>"`.
pub const CHUNKS_ANNOTATION: &str = "whelm.sh/chunks";
/// Appended to a stub's description (what `helm history` shows).
pub const STUB_NOTE: &str =
    " [stored by whelm in chunks: use whelm to read this revision's manifest and values]";
const CHUNK_OF: &str = "whelm.sh/chunk-of";
const CHUNK_VERSION: &str = "whelm.sh/chunk-version";
const CHUNK_DIGEST: &str = "whelm.sh/chunk-digest";
const CHUNK_WRITTEN: &str = "whelm.sh/chunk-written";
/// Orphaned chunks younger than this are left alone: they may belong to a write under way.
pub const CHUNK_GC_AGE_SECS: i64 = 600;

/// Which kind of object holds releases.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Kind {
    Secret,
    ConfigMap,
}

/// An error from the cluster.
#[derive(Debug, Clone, PartialEq)]
pub enum KubeError {
    NotFound,
    AlreadyExists,
    Other(String),
}

/// Secrets or ConfigMaps of one namespace, as JSON objects in their API form. The cluster
/// layer implements this; [`fake::FakeKube`] is an in-memory one for tests.
#[async_trait]
pub trait KubeObjects: Send + Sync {
    async fn get(&self, kind: Kind, name: &str) -> Result<Value, KubeError>;
    /// Objects whose labels include every pair of `selector`.
    async fn list(&self, kind: Kind, selector: &Labels) -> Result<Vec<Value>, KubeError>;
    async fn create(&self, kind: Kind, object: Value) -> Result<(), KubeError>;
    async fn update(&self, kind: Kind, object: Value) -> Result<(), KubeError>;
    async fn delete(&self, kind: Kind, name: &str) -> Result<(), KubeError>;
    /// As [`KubeObjects::get`], but the answer need carry only `metadata` (the heads of
    /// revisions are in their labels: no need to move a release's payload to read them).
    async fn get_meta(&self, kind: Kind, name: &str) -> Result<Value, KubeError> {
        self.get(kind, name).await
    }
    /// As [`KubeObjects::list`], metadata only.
    async fn list_meta(&self, kind: Kind, selector: &Labels) -> Result<Vec<Value>, KubeError> {
        self.list(kind, selector).await
    }
    /// The namespace the objects are in (empty: all namespaces, or not known).
    fn namespace(&self) -> &str {
        ""
    }
}

/// Helm's `Secret`/`ConfigMap` drivers, with whelm's chunking for big releases.
pub struct KubeDriver {
    kind: Kind,
    api: Arc<dyn KubeObjects>,
    clock: super::Clock,
}

impl KubeDriver {
    pub fn secrets(api: Arc<dyn KubeObjects>) -> KubeDriver {
        KubeDriver {
            kind: Kind::Secret,
            api,
            clock: super::system_clock(),
        }
    }

    pub fn config_maps(api: Arc<dyn KubeObjects>) -> KubeDriver {
        KubeDriver {
            kind: Kind::ConfigMap,
            ..KubeDriver::secrets(api)
        }
    }

    /// Replaces the time source (tests).
    pub fn with_clock(mut self, clock: super::Clock) -> KubeDriver {
        self.clock = clock;
        self
    }

    fn driver_name(&self) -> &'static str {
        match self.kind {
            Kind::Secret => "Secret",
            Kind::ConfigMap => "ConfigMap",
        }
    }

    fn backend(&self, op: &'static str, e: KubeError) -> StorageError {
        match e {
            KubeError::NotFound => StorageError::NotFound,
            KubeError::AlreadyExists => StorageError::Exists,
            KubeError::Other(message) => StorageError::Backend {
                driver: self.driver_name(),
                op,
                message,
            },
        }
    }

    /// The codec string held by an object.
    fn payload(&self, obj: &Value) -> Result<String, StorageError> {
        let name = object_name(obj);
        let raw = obj["data"]["release"].as_str().unwrap_or("");
        match self.kind {
            Kind::ConfigMap => Ok(raw.to_string()),
            Kind::Secret => {
                let bytes = STANDARD.decode(raw).map_err(|e| {
                    StorageError::Codec(codec::CodecError::Base64 {
                        object: name.clone(),
                        source: e,
                    })
                })?;
                String::from_utf8(bytes).map_err(|_| StorageError::Backend {
                    driver: "Secret",
                    op: "get",
                    message: format!("Secret {name:?} holds a release that is not text"),
                })
            }
        }
    }

    fn object(&self, name: &str, labels: &Labels, payload: &str) -> Value {
        match self.kind {
            Kind::Secret => json!({
                "apiVersion": "v1",
                "kind": "Secret",
                "metadata": {"name": name, "labels": labels},
                "type": "helm.sh/release.v1",
                "data": {"release": STANDARD.encode(payload)},
            }),
            Kind::ConfigMap => json!({
                "apiVersion": "v1",
                "kind": "ConfigMap",
                "metadata": {"name": name, "labels": labels},
                "data": {"release": payload},
            }),
        }
    }

    /// Decodes a release object, following its chunks if it is a stub.
    async fn decode(&self, obj: &Value) -> Result<Release, StorageError> {
        let name = object_name(obj);
        let stub = codec::decode(&self.payload(obj)?, &name)?;
        let Some((count, digest)) = chunk_marker(&stub) else {
            return Ok(stub);
        };
        let mut body = String::new();
        for i in 1..=count {
            let cname = chunk_name(&name, i, &digest);
            let chunk = self.api.get(self.kind, &cname).await.map_err(|e| match e {
                KubeError::NotFound => StorageError::Chunks {
                    object: name.clone(),
                    detail: format!("chunk {cname:?} is missing"),
                },
                e => self.backend("get", e),
            })?;
            body.push_str(&self.payload(&chunk)?);
        }
        if short_digest(&body) != digest {
            return Err(StorageError::Chunks {
                object: name,
                detail: "the chunks' digest does not match the stub".to_string(),
            });
        }
        let mut full = codec::decode(&body, &name)?;
        let sinfo = stub.info.unwrap_or_default();
        let info = full.info.get_or_insert_with(Info::default);
        info.status = sinfo.status;
        info.deleted = sinfo.deleted;
        info.description = match sinfo.description.strip_suffix(STUB_NOTE) {
            Some(d) => d.to_string(),
            None => sinfo.description,
        };
        Ok(full)
    }

    /// Writes `rel` under `key`: as Helm does, or as chunks + stub when it is too big.
    async fn write(
        &self,
        key: &str,
        rel: &Release,
        labels: &Labels,
        create: bool,
    ) -> Result<(), StorageError> {
        let op = if create { "create" } else { "update" };
        let encoded = codec::encode_async(rel).await?;
        if encoded.len() <= CHUNK_THRESHOLD {
            let object = self.object(key, labels, &encoded);
            if create {
                return self.put(op, object, create).await;
            }
            // An update replaces what may have been a stub: its chunks go. They are listed
            // while the object is written (nothing else writes this revision's chunks
            // meanwhile: its writer holds the lease), and deleted once it is.
            let (put, chunks) = tokio::join!(
                self.put(op, object, create),
                self.chunks_of(&rel.name, rel.version)
            );
            put?;
            return self.delete_chunks(chunks?, None).await;
        }
        let body = codec::encode_async(&chunk_body(rel)).await?;
        let digest = short_digest(&body);
        let pieces = split(&body, CHUNK_SIZE);
        let now = (self.clock)().to_string();
        for (i, piece) in pieces.iter().enumerate() {
            let cname = chunk_name(key, i + 1, &digest);
            let clabels = Labels::from([
                (CHUNK_OF.to_string(), rel.name.clone()),
                (CHUNK_VERSION.to_string(), rel.version.to_string()),
                (CHUNK_DIGEST.to_string(), digest.clone()),
                (CHUNK_WRITTEN.to_string(), now.clone()),
            ]);
            // Same name ⇒ same digest ⇒ same content: an existing chunk is already right.
            match self
                .api
                .create(self.kind, self.object(&cname, &clabels, piece))
                .await
            {
                Ok(()) | Err(KubeError::AlreadyExists) => {}
                Err(e) => return Err(self.backend(op, e)),
            }
        }
        let stub = stub_of(rel, pieces.len(), &digest);
        let stub_obj = self.object(key, labels, &codec::encode(&stub)?);
        match self.put(op, stub_obj, create).await {
            Ok(()) => {
                self.remove_chunks(&rel.name, rel.version, Some(&digest))
                    .await
            }
            Err(StorageError::Exists) => {
                // Lost a create race: drop our chunks unless the winner wrote the same ones.
                let winner = self.api.get(self.kind, key).await.ok();
                let theirs = winner
                    .and_then(|o| codec::decode(&self.payload(&o).ok()?, key).ok())
                    .and_then(|r| chunk_marker(&r));
                if theirs.map(|(_, d)| d) != Some(digest.clone()) {
                    for i in 1..=pieces.len() {
                        let _ = self
                            .api
                            .delete(self.kind, &chunk_name(key, i, &digest))
                            .await;
                    }
                }
                Err(StorageError::Exists)
            }
            Err(e) => Err(e),
        }
    }

    async fn put(&self, op: &'static str, obj: Value, create: bool) -> Result<(), StorageError> {
        let r = if create {
            self.api.create(self.kind, obj).await
        } else {
            self.api.update(self.kind, obj).await
        };
        r.map_err(|e| self.backend(op, e))
    }

    /// Deletes the chunks of revision `version` of `name`, except those of digest `keep`.
    async fn remove_chunks(
        &self,
        name: &str,
        version: i64,
        keep: Option<&str>,
    ) -> Result<(), StorageError> {
        let chunks = self.chunks_of(name, version).await?;
        self.delete_chunks(chunks, keep).await
    }

    /// The chunks of revision `version` of `name` (their metadata: names and labels are all
    /// that is needed).
    async fn chunks_of(&self, name: &str, version: i64) -> Result<Vec<Value>, StorageError> {
        let sel = Labels::from([
            (CHUNK_OF.to_string(), name.to_string()),
            (CHUNK_VERSION.to_string(), version.to_string()),
        ]);
        self.api
            .list_meta(self.kind, &sel)
            .await
            .map_err(|e| self.backend("list", e))
    }

    /// Deletes `chunks`, except those of digest `keep`.
    async fn delete_chunks(
        &self,
        chunks: Vec<Value>,
        keep: Option<&str>,
    ) -> Result<(), StorageError> {
        for c in chunks {
            if keep.is_some() && label(&c, CHUNK_DIGEST) == keep {
                continue;
            }
            match self.api.delete(self.kind, &object_name(&c)).await {
                Ok(()) | Err(KubeError::NotFound) => {}
                Err(e) => return Err(self.backend("delete", e)),
            }
        }
        Ok(())
    }

    /// The objects whose labels match all of `labels` (only their metadata if `meta`);
    /// [`StorageError::NotFound`] when none.
    async fn matching(&self, labels: &Labels, meta: bool) -> Result<Vec<Value>, StorageError> {
        for v in labels.values() {
            validate_label_value(v)?;
        }
        let items = if meta {
            self.api.list_meta(self.kind, labels).await
        } else {
            self.api.list(self.kind, labels).await
        }
        .map_err(|e| self.backend("query", e))?;
        if items.is_empty() {
            return Err(StorageError::NotFound);
        }
        Ok(items)
    }

    async fn decode_all(&self, items: Vec<Value>, filter: Option<&Filter>) -> Vec<Release> {
        let mut out = Vec::new();
        for item in items {
            // As Helm: an object that does not decode is skipped.
            let Ok(mut rel) = self.decode(&item).await else {
                continue;
            };
            rel.labels = labels_of(&item);
            if filter.is_none_or(|f| f(&rel)) {
                out.push(rel);
            }
        }
        out
    }
}

#[async_trait]
impl Driver for KubeDriver {
    fn name(&self) -> &'static str {
        self.driver_name()
    }

    async fn get(&self, key: &str) -> Result<Release, StorageError> {
        let obj = self
            .api
            .get(self.kind, key)
            .await
            .map_err(|e| self.backend("get", e))?;
        let mut rel = self.decode(&obj).await?;
        rel.labels = custom_labels(&labels_of(&obj));
        Ok(rel)
    }

    async fn list(&self, filter: &Filter) -> Result<Vec<Release>, StorageError> {
        let sel = Labels::from([("owner".to_string(), "helm".to_string())]);
        let items = self
            .api
            .list(self.kind, &sel)
            .await
            .map_err(|e| self.backend("list", e))?;
        Ok(self.decode_all(items, Some(filter)).await)
    }

    async fn query(&self, labels: &Labels) -> Result<Vec<Release>, StorageError> {
        let items = self.matching(labels, false).await?;
        Ok(self.decode_all(items, None).await)
    }

    async fn head(&self, key: &str) -> Result<Head, StorageError> {
        let obj = self
            .api
            .get_meta(self.kind, key)
            .await
            .map_err(|e| self.backend("get", e))?;
        match head_of(&obj) {
            Some(h) => Ok(h),
            // Labels that do not say: read the whole object and decode it.
            None => Ok(Head::of(&self.get(key).await?)),
        }
    }

    async fn heads(&self, labels: &Labels) -> Result<Vec<Head>, StorageError> {
        let items = self.matching(labels, true).await?;
        let mut out = Vec::with_capacity(items.len());
        for item in &items {
            match head_of(item) {
                Some(h) => out.push(h),
                // Labels that do not say: read and decode, and skip what does not decode
                // (as `query`).
                None => {
                    if let Ok(rel) = self.get(&object_name(item)).await {
                        out.push(Head::of(&rel));
                    }
                }
            }
        }
        Ok(out)
    }

    async fn create(&self, key: &str, rel: &Release) -> Result<(), StorageError> {
        let mut labels = rel.labels.clone();
        labels.insert("createdAt".into(), (self.clock)().to_string());
        self.write(key, rel, &helm_labels(labels, rel), true).await
    }

    async fn update(&self, key: &str, rel: &Release) -> Result<(), StorageError> {
        let mut labels = rel.labels.clone();
        labels.insert("modifiedAt".into(), (self.clock)().to_string());
        self.write(key, rel, &helm_labels(labels, rel), false).await
    }

    async fn delete(&self, key: &str) -> Result<Release, StorageError> {
        let rel = self.get(key).await?;
        self.api
            .delete(self.kind, key)
            .await
            .map_err(|e| self.backend("delete", e))?;
        self.remove_chunks(&rel.name, rel.version, None).await?;
        Ok(rel)
    }

    fn describe(&self, key: &str) -> String {
        match self.api.namespace() {
            "" => format!("{} {key:?}", self.driver_name()),
            ns => format!("{} {key:?} in namespace {ns:?}", self.driver_name()),
        }
    }

    async fn collect_garbage(&self, name: &str) -> Result<Vec<String>, StorageError> {
        let sel = Labels::from([(CHUNK_OF.to_string(), name.to_string())]);
        let chunks = self
            .api
            .list_meta(self.kind, &sel)
            .await
            .map_err(|e| self.backend("list", e))?;
        let now = (self.clock)();
        let mut live: BTreeMap<i64, Option<String>> = BTreeMap::new();
        let mut removed = Vec::new();
        for c in chunks {
            let written: i64 = label(&c, CHUNK_WRITTEN)
                .and_then(|s| s.parse().ok())
                .unwrap_or(0);
            if now - written < CHUNK_GC_AGE_SECS {
                continue;
            }
            let Some(version) = label(&c, CHUNK_VERSION).and_then(|s| s.parse::<i64>().ok()) else {
                continue;
            };
            let digest = match live.get(&version) {
                Some(d) => d.clone(),
                None => {
                    let key = super::make_key(name, version);
                    let d = match self.api.get(self.kind, &key).await {
                        Ok(o) => codec::decode(&self.payload(&o)?, &key)
                            .ok()
                            .and_then(|r| chunk_marker(&r))
                            .map(|(_, d)| d),
                        Err(KubeError::NotFound) => None,
                        Err(e) => return Err(self.backend("get", e)),
                    };
                    live.insert(version, d.clone());
                    d
                }
            };
            if digest.as_deref() != label(&c, CHUNK_DIGEST) {
                let cname = object_name(&c);
                match self.api.delete(self.kind, &cname).await {
                    Ok(()) | Err(KubeError::NotFound) => removed.push(cname),
                    Err(e) => return Err(self.backend("delete", e)),
                }
            }
        }
        Ok(removed)
    }
}

/// The labels Helm puts on a release object: custom labels, then the system ones.
fn helm_labels(mut labels: Labels, rel: &Release) -> Labels {
    labels.extend(super::system_labels(rel));
    labels
}

fn object_name(obj: &Value) -> String {
    obj["metadata"]["name"].as_str().unwrap_or("").to_string()
}

fn label<'a>(obj: &'a Value, key: &str) -> Option<&'a str> {
    obj["metadata"]["labels"][key].as_str()
}

/// What an object's labels say about the revision it stores (`None` when they lack the
/// version or status, e.g. objects written by hand).
fn head_of(obj: &Value) -> Option<Head> {
    let labels = labels_of(obj);
    Some(Head {
        version: labels.get("version")?.parse().ok()?,
        status: Status::parse(labels.get("status")?),
        labels: custom_labels(&labels),
    })
}

fn labels_of(obj: &Value) -> Labels {
    obj["metadata"]["labels"]
        .as_object()
        .map(|m| {
            m.iter()
                .filter_map(|(k, v)| Some((k.clone(), v.as_str()?.to_string())))
                .collect()
        })
        .unwrap_or_default()
}

fn chunk_name(key: &str, index: usize, digest: &str) -> String {
    format!("{key}.c{index}.{digest}")
}

fn short_digest(body: &str) -> String {
    hex::encode(&Sha256::digest(body.as_bytes())[..8])
}

fn chunk_marker(rel: &Release) -> Option<(usize, String)> {
    let v = rel
        .chart
        .as_ref()?
        .metadata
        .as_ref()?
        .annotations
        .get(CHUNKS_ANNOTATION)?;
    let (count, digest) = v.split_once(':')?;
    Some((count.parse().ok()?, digest.to_string()))
}

/// The release without the fields the stub carries (so status changes keep the same body).
fn chunk_body(rel: &Release) -> Release {
    let mut body = rel.clone();
    if let Some(info) = body.info.as_mut() {
        info.status = super::Status::Unset;
        info.description.clear();
        info.deleted = None;
    }
    body
}

fn stub_of(rel: &Release, count: usize, digest: &str) -> Release {
    let info = rel.info.clone().unwrap_or_default();
    let mut metadata = rel
        .chart
        .as_ref()
        .and_then(|c| c.metadata.clone())
        .unwrap_or_default();
    metadata
        .annotations
        .insert(CHUNKS_ANNOTATION.to_string(), format!("{count}:{digest}"));
    Release {
        name: rel.name.clone(),
        namespace: rel.namespace.clone(),
        version: rel.version,
        apply_method: rel.apply_method.clone(),
        labels: rel.labels.clone(),
        info: Some(Info {
            first_deployed: info.first_deployed,
            last_deployed: info.last_deployed,
            deleted: info.deleted,
            description: format!("{}{STUB_NOTE}", info.description),
            status: info.status,
            ..Info::default()
        }),
        chart: Some(Arc::new(Chart {
            metadata: Some(metadata),
            ..Chart::default()
        })),
        ..Release::default()
    }
}

/// Splits ASCII text (base64) into pieces of at most `size` bytes.
fn split(s: &str, size: usize) -> Vec<&str> {
    s.as_bytes()
        .chunks(size)
        .map(|c| std::str::from_utf8(c).expect("base64 is ASCII"))
        .collect()
}

/// Kubernetes' label-value rule, which Helm checks before a query.
fn validate_label_value(v: &str) -> Result<(), StorageError> {
    let ok_char = |c: char| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.');
    let ends_ok = v.chars().next().is_none_or(|c| c.is_ascii_alphanumeric())
        && v.chars().last().is_none_or(|c| c.is_ascii_alphanumeric());
    if v.len() > 63 || !v.chars().all(ok_char) || !ends_ok {
        return Err(StorageError::InvalidLabelValue(
            v.to_string(),
            "a valid label must be an empty string or consist of at most 63 alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character".to_string(),
        ));
    }
    Ok(())
}

pub mod fake {
    //! An in-memory [`KubeObjects`] for tests, enforcing Kubernetes' 1 MiB data limit and
    //! able to "crash" (fail every write) after a number of writes.

    use std::collections::BTreeMap;
    use std::sync::Mutex;

    use async_trait::async_trait;
    use base64::Engine as _;
    use serde_json::Value;

    use super::{Kind, KubeError, KubeObjects, Labels};

    /// Kubernetes' limit on a Secret's or ConfigMap's data.
    pub const MAX_DATA: usize = 1 << 20;

    #[derive(Default)]
    pub struct FakeKube {
        objects: Mutex<BTreeMap<(Kind, String), Value>>,
        writes_left: Mutex<Option<usize>>,
        namespace: String,
    }

    impl FakeKube {
        pub fn new() -> FakeKube {
            FakeKube::default()
        }

        /// A fake whose objects say they are in `namespace`.
        pub fn in_namespace(namespace: &str) -> FakeKube {
            FakeKube {
                namespace: namespace.to_string(),
                ..FakeKube::default()
            }
        }

        /// Stores `object` as it is (e.g. a corrupt one), bypassing the API's checks.
        pub fn put_raw(&self, kind: Kind, object: Value) {
            let name = FakeKube::name_of(&object);
            self.objects.lock().unwrap().insert((kind, name), object);
        }

        /// After `n` more successful writes, every write fails (a simulated kill -9).
        pub fn crash_after(&self, n: Option<usize>) {
            *self.writes_left.lock().unwrap() = n;
        }

        pub fn names(&self, kind: Kind) -> Vec<String> {
            let objs = self.objects.lock().unwrap();
            objs.keys()
                .filter(|(k, _)| *k == kind)
                .map(|(_, n)| n.clone())
                .collect()
        }

        pub fn raw(&self, kind: Kind, name: &str) -> Option<Value> {
            self.objects
                .lock()
                .unwrap()
                .get(&(kind, name.to_string()))
                .cloned()
        }

        fn write_allowed(&self) -> Result<(), KubeError> {
            let mut left = self.writes_left.lock().unwrap();
            match left.as_mut() {
                Some(0) => Err(KubeError::Other("simulated crash".into())),
                Some(n) => {
                    *n -= 1;
                    Ok(())
                }
                None => Ok(()),
            }
        }

        fn check_size(kind: Kind, obj: &Value) -> Result<(), KubeError> {
            let mut size = 0;
            for v in obj["data"].as_object().into_iter().flat_map(|m| m.values()) {
                let s = v.as_str().unwrap_or("");
                size += match kind {
                    Kind::Secret => base64::engine::general_purpose::STANDARD
                        .decode(s)
                        .map_err(|e| KubeError::Other(format!("invalid secret data: {e}")))?
                        .len(),
                    Kind::ConfigMap => s.len(),
                };
            }
            if size > MAX_DATA {
                return Err(KubeError::Other(format!(
                    "data: Too long: may not be more than {MAX_DATA} bytes"
                )));
            }
            Ok(())
        }

        fn name_of(obj: &Value) -> String {
            obj["metadata"]["name"].as_str().unwrap_or("").to_string()
        }
    }

    #[async_trait]
    impl KubeObjects for FakeKube {
        async fn get(&self, kind: Kind, name: &str) -> Result<Value, KubeError> {
            self.raw(kind, name).ok_or(KubeError::NotFound)
        }

        fn namespace(&self) -> &str {
            &self.namespace
        }

        async fn list(&self, kind: Kind, selector: &Labels) -> Result<Vec<Value>, KubeError> {
            let objs = self.objects.lock().unwrap();
            Ok(objs
                .iter()
                .filter(|((k, _), o)| {
                    *k == kind
                        && selector
                            .iter()
                            .all(|(l, v)| o["metadata"]["labels"][l].as_str() == Some(v))
                })
                .map(|(_, o)| o.clone())
                .collect())
        }

        async fn create(&self, kind: Kind, object: Value) -> Result<(), KubeError> {
            FakeKube::check_size(kind, &object)?;
            let key = (kind, FakeKube::name_of(&object));
            if self.objects.lock().unwrap().contains_key(&key) {
                return Err(KubeError::AlreadyExists);
            }
            self.write_allowed()?;
            self.objects.lock().unwrap().insert(key, object);
            Ok(())
        }

        async fn update(&self, kind: Kind, object: Value) -> Result<(), KubeError> {
            FakeKube::check_size(kind, &object)?;
            let key = (kind, FakeKube::name_of(&object));
            if !self.objects.lock().unwrap().contains_key(&key) {
                return Err(KubeError::NotFound);
            }
            self.write_allowed()?;
            self.objects.lock().unwrap().insert(key, object);
            Ok(())
        }

        async fn delete(&self, kind: Kind, name: &str) -> Result<(), KubeError> {
            let key = (kind, name.to_string());
            if !self.objects.lock().unwrap().contains_key(&key) {
                return Err(KubeError::NotFound);
            }
            self.write_allowed()?;
            self.objects.lock().unwrap().remove(&key);
            Ok(())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::fake::FakeKube;
    use super::*;
    use crate::storage::release::{File, Metadata, Status};
    use crate::storage::{Storage, codec::tests::HELM4_RELEASE_JSON, make_key};

    fn helm_release() -> Release {
        serde_json::from_str(HELM4_RELEASE_JSON).unwrap()
    }

    fn drivers() -> Vec<(Arc<FakeKube>, KubeDriver)> {
        let s = Arc::new(FakeKube::new());
        let c = Arc::new(FakeKube::new());
        vec![
            (s.clone(), KubeDriver::secrets(s)),
            (c.clone(), KubeDriver::config_maps(c)),
        ]
    }

    #[tokio::test]
    async fn objects_are_shaped_as_helm_writes_them() {
        for (api, d) in drivers() {
            let mut rel = helm_release();
            rel.labels.insert("team".into(), "core".into());
            d.create(&make_key("web", 4), &rel).await.unwrap();
            let kind = d.kind;
            let obj = api.raw(kind, "sh.helm.release.v1.web.v4").unwrap();
            let labels = labels_of(&obj);
            assert_eq!(labels["name"], "web");
            assert_eq!(labels["owner"], "helm");
            assert_eq!(labels["status"], "deployed");
            assert_eq!(labels["version"], "4");
            assert_eq!(labels["team"], "core");
            assert!(labels["createdAt"].parse::<i64>().is_ok());
            let data = obj["data"]["release"].as_str().unwrap();
            let codec_string = match kind {
                Kind::Secret => {
                    assert_eq!(obj["type"], "helm.sh/release.v1");
                    String::from_utf8(STANDARD.decode(data).unwrap()).unwrap()
                }
                Kind::ConfigMap => data.to_string(),
            };
            let mut without_labels = rel.clone();
            without_labels.labels.clear();
            assert_eq!(codec::decode(&codec_string, "x").unwrap(), without_labels);

            let got = d.get("sh.helm.release.v1.web.v4").await.unwrap();
            assert_eq!(got.labels, Labels::from([("team".into(), "core".into())]));
            assert_eq!(got.manifest, rel.manifest);
            let listed = d.list(&|_| true).await.unwrap();
            assert_eq!(listed.len(), 1);
            assert_eq!(
                listed[0].labels["owner"], "helm",
                "list keeps system labels, as helm"
            );

            let mut upd = got.clone();
            upd.set_status(Status::Superseded, "Superseded");
            d.update(&make_key("web", 4), &upd).await.unwrap();
            let obj = api.raw(kind, "sh.helm.release.v1.web.v4").unwrap();
            assert_eq!(labels_of(&obj)["status"], "superseded");
            assert!(labels_of(&obj).contains_key("modifiedAt"));
            let q = Labels::from([
                ("name".into(), "web".into()),
                ("status".into(), "deployed".into()),
            ]);
            assert!(matches!(d.query(&q).await, Err(StorageError::NotFound)));
            let bad = Labels::from([("name".into(), "a b".into())]);
            assert!(matches!(
                d.query(&bad).await,
                Err(StorageError::InvalidLabelValue(..))
            ));
            assert!(matches!(
                d.create(&make_key("web", 4), &rel).await,
                Err(StorageError::Exists)
            ));
            d.delete(&make_key("web", 4)).await.unwrap();
            assert!(matches!(
                d.get(&make_key("web", 4)).await,
                Err(StorageError::NotFound)
            ));
        }
    }

    #[tokio::test]
    async fn reads_a_secret_written_by_helm_legacy_uncompressed() {
        let api = Arc::new(FakeKube::new());
        let payload = STANDARD.encode(HELM4_RELEASE_JSON);
        let obj = json!({"metadata": {"name": "sh.helm.release.v1.web.v4",
            "labels": {"name": "web", "owner": "helm", "status": "deployed", "version": "4"}},
            "type": "helm.sh/release.v1", "data": {"release": STANDARD.encode(&payload)}});
        api.create(Kind::Secret, obj).await.unwrap();
        let s = Storage::new(Box::new(KubeDriver::secrets(api)));
        assert_eq!(s.deployed("web").await.unwrap().chart_label(), "web-1.2.3");
    }

    /// A release whose encoded form is ~2.5 MB: incompressible template data.
    pub(crate) fn huge_release(version: i64) -> Release {
        let mut rel = helm_release();
        rel.version = version;
        let mut x: u64 = 0x9E37_79B9_7F4A_7C15;
        let data: Vec<u8> = (0..1_800_000)
            .map(|_| {
                x ^= x << 13;
                x ^= x >> 7;
                x ^= x << 17;
                x as u8
            })
            .collect();
        let chart = Arc::make_mut(rel.chart.get_or_insert_with(Default::default));
        chart.files.get_or_insert_with(Vec::new).push(File {
            name: "big.bin".into(),
            data: Some(data),
            ..File::default()
        });
        rel
    }

    #[tokio::test]
    async fn big_releases_are_chunked_and_helm_sees_a_stub() {
        for (api, d) in drivers() {
            let kind = d.kind;
            let rel = huge_release(1);
            assert!(codec::encode(&rel).unwrap().len() > CHUNK_THRESHOLD);
            let key = make_key("web", 1);
            d.create(&key, &rel).await.unwrap();
            let names = api.names(kind);
            assert_eq!(names.len(), 4, "stub + 3 chunks: {names:?}");
            assert!(
                names[1].starts_with("sh.helm.release.v1.web.v1.c1."),
                "{names:?}"
            );

            // What helm sees: the primary decodes on its own to a small release with
            // helm's labels; the chunks have no owner=helm label.
            let obj = api.raw(kind, &key).unwrap();
            let stub_payload = d.payload(&obj).unwrap();
            assert!(stub_payload.len() < 10_000);
            let stub = codec::decode(&stub_payload, &key).unwrap();
            assert_eq!(stub.status(), Status::Deployed);
            assert_eq!(stub.chart_label(), "web-1.2.3");
            assert!(stub.info.as_ref().unwrap().description.ends_with(STUB_NOTE));
            assert!(stub.manifest.is_empty());
            let helm_view = api
                .list(kind, &Labels::from([("owner".into(), "helm".into())]))
                .await
                .unwrap();
            assert_eq!(helm_view.len(), 1);

            // whelm reads the whole release back.
            let got = d.get(&key).await.unwrap();
            assert_eq!(got, rel);

            // A status change rewrites only the stub.
            let mut sup = got.clone();
            sup.set_status(Status::Superseded, "Superseded");
            d.update(&key, &sup).await.unwrap();
            assert_eq!(api.names(kind), names);
            assert_eq!(d.get(&key).await.unwrap(), sup);

            // Helm rewriting the stub (say, marking it failed) is understood.
            let mut helm_stub = stub.clone();
            helm_stub.set_status(Status::Failed, "helm says failed");
            let labels = helm_labels(Labels::new(), &helm_stub);
            api.update(
                kind,
                d.object(&key, &labels, &codec::encode(&helm_stub).unwrap()),
            )
            .await
            .unwrap();
            let got = d.get(&key).await.unwrap();
            assert_eq!(got.status(), Status::Failed);
            assert_eq!(got.info.as_ref().unwrap().description, "helm says failed");
            assert_eq!(got.manifest, rel.manifest);

            // Shrinking back below the threshold removes the chunks.
            let mut small = helm_release();
            small.version = 1;
            d.update(&key, &small).await.unwrap();
            assert_eq!(api.names(kind), vec![key.clone()]);

            // Delete removes chunks too.
            d.update(&key, &rel).await.unwrap();
            d.delete(&key).await.unwrap();
            assert!(api.names(kind).is_empty());
        }
    }

    #[tokio::test]
    async fn unchunked_big_release_would_exceed_the_limit() {
        let api = Arc::new(FakeKube::new());
        let rel = huge_release(1);
        let enc = codec::encode(&rel).unwrap();
        let obj = json!({"metadata": {"name": "x"}, "data": {"release": STANDARD.encode(&enc)}});
        assert!(matches!(
            api.create(Kind::Secret, obj).await,
            Err(KubeError::Other(_))
        ));
    }

    #[tokio::test]
    async fn orphaned_chunks_are_collected_and_crashed_writes_never_break_reads() {
        let now = Arc::new(std::sync::atomic::AtomicI64::new(1_000_000));
        let n2 = now.clone();
        let clock: crate::storage::Clock =
            Arc::new(move || n2.load(std::sync::atomic::Ordering::SeqCst));
        // Crash a chunked create after each number of writes.
        for writes in 0..4 {
            let api = Arc::new(FakeKube::new());
            let d = KubeDriver::secrets(api.clone()).with_clock(clock.clone());
            let key = make_key("web", 1);
            api.crash_after(Some(writes));
            assert!(d.create(&key, &huge_release(1)).await.is_err());
            api.crash_after(None);
            assert!(matches!(d.get(&key).await, Err(StorageError::NotFound)));
            assert!(
                d.collect_garbage("web").await.unwrap().is_empty(),
                "young chunks are kept"
            );
            now.fetch_add(CHUNK_GC_AGE_SECS, std::sync::atomic::Ordering::SeqCst);
            let removed = d.collect_garbage("web").await.unwrap();
            assert_eq!(removed.len(), writes);
            assert!(api.names(Kind::Secret).is_empty());
        }
        // Crash a content-changing update of a chunked release after each number of writes:
        // the old revision stays readable.
        for writes in 0..7 {
            let api = Arc::new(FakeKube::new());
            let d = KubeDriver::secrets(api.clone()).with_clock(clock.clone());
            let key = make_key("web", 1);
            let old = huge_release(1);
            d.create(&key, &old).await.unwrap();
            let mut new = old.clone();
            new.manifest.push_str("# changed\n");
            api.crash_after(Some(writes));
            let r = d.update(&key, &new).await;
            api.crash_after(None);
            let got = d.get(&key).await.unwrap();
            assert!(got == old || got == new, "after {writes} writes ({r:?})");
            now.fetch_add(CHUNK_GC_AGE_SECS, std::sync::atomic::Ordering::SeqCst);
            d.collect_garbage("web").await.unwrap();
            assert_eq!(api.names(Kind::Secret).len(), 4);
            assert_eq!(d.get(&key).await.unwrap(), got);
        }
    }

    #[test]
    fn stub_marker_round_trips() {
        let mut rel = helm_release();
        Arc::make_mut(rel.chart.as_mut().unwrap()).metadata = Some(Metadata::default());
        let stub = stub_of(&rel, 3, "00ff");
        assert_eq!(chunk_marker(&stub), Some((3, "00ff".to_string())));
        assert_eq!(chunk_marker(&rel), None);
    }
}
