//! `HELM_DRIVER=memory`: releases in process memory, per namespace, as Helm's memory driver.
//!
//! As in Helm, the store can be preloaded from files named by `HELM_MEMORY_DRIVER_DATA`
//! (paths separated by `:`), each a YAML list of releases written with the release JSON's field
//! names (see [`releases_from_yaml`]), so `HELM_DRIVER=memory` runs the read-only verbs of both
//! tools over the same fixture releases without a cluster.

use std::collections::BTreeMap;
use std::sync::Mutex;

use async_trait::async_trait;

use super::{Driver, Filter, Labels, StorageError, parse_key, system_labels};
use crate::storage::release::Release;

/// Helm's default namespace for a release without one.
const DEFAULT_NAMESPACE: &str = "default";

/// revision → (key, release)
type Revisions = BTreeMap<i64, (String, Release)>;

#[derive(Default)]
struct State {
    namespace: String,
    /// namespace → release name → revision → (key, release)
    cache: BTreeMap<String, BTreeMap<String, Revisions>>,
}

/// An in-memory driver. `namespace` scopes reads; `""` reads every namespace.
pub struct Memory {
    state: Mutex<State>,
}

impl Memory {
    pub fn new(namespace: &str) -> Memory {
        Memory {
            state: Mutex::new(State {
                namespace: namespace.to_string(),
                ..State::default()
            }),
        }
    }

    pub fn set_namespace(&self, ns: &str) {
        self.state.lock().unwrap().namespace = ns.to_string();
    }

    /// Loads `HELM_MEMORY_DRIVER_DATA`: every release of every `:`-separated file is stored as
    /// Helm's loader stores it (a release that already exists is an error). Leaves the
    /// namespace of the last release stored; callers set theirs afterwards, as Helm does.
    pub async fn load_data(&self, paths: &str) -> Result<(), String> {
        for path in paths.split(':') {
            let text = std::fs::read_to_string(path)
                .map_err(|e| format!("unable to read memory driver data {path:?}: {e}"))?;
            let releases = releases_from_yaml(&text)
                .map_err(|e| format!("unable to unmarshal memory driver data {path:?}: {e}"))?;
            for rel in releases {
                self.create(&super::make_key(&rel.name, rel.version), &rel)
                    .await
                    .map_err(|e| {
                        format!(
                            "memory driver data {path:?}: {}.v{}: {e}",
                            rel.name, rel.version
                        )
                    })?;
            }
        }
        Ok(())
    }

    fn each<F: FnMut(&Release)>(state: &State, mut f: F) {
        for (ns, rels) in &state.cache {
            if !state.namespace.is_empty() && *ns != state.namespace {
                continue;
            }
            for revs in rels.values() {
                for (_, rel) in revs.values() {
                    f(rel);
                }
            }
        }
    }
}

impl Default for Memory {
    fn default() -> Self {
        Memory::new(DEFAULT_NAMESPACE)
    }
}

/// Releases from a `HELM_MEMORY_DRIVER_DATA` file, read as Helm reads one
/// (`sigs.k8s.io/yaml.Unmarshal` into `[]*release.Release`): YAML 1.1 converted to JSON, then
/// decoded with Go's field matching, which also accepts a field name in another case
/// (`appversion` for `appVersion`, as Helm's own `testdata/releases.yaml` writes it).
pub fn releases_from_yaml(text: &str) -> Result<Vec<Release>, String> {
    let value = whelm_template::yaml::load(text).map_err(|e| e.to_string())?;
    if value.is_nil() {
        return Ok(Vec::new());
    }
    let json = whelm_template::json::marshal(&value)?;
    let mut json: serde_json::Value = serde_json::from_str(&json).map_err(|e| e.to_string())?;
    fold_field_names(&mut json, &Shape::List(&RELEASE));
    serde_json::from_value(json).map_err(|e| e.to_string())
}

/// The JSON shape of Helm's release structs, for Go's case-insensitive field matching.
enum Shape {
    /// A struct: its JSON field names and their shapes.
    Struct(&'static [(&'static str, Shape)]),
    List(&'static Shape),
    /// A map or scalar whose keys are data, never folded.
    Data,
}

use Shape::Data;

const HOOK_EXECUTION: Shape = Shape::Struct(&[
    ("started_at", Data),
    ("completed_at", Data),
    ("phase", Data),
]);
const HOOK: Shape = Shape::Struct(&[
    ("name", Data),
    ("kind", Data),
    ("path", Data),
    ("manifest", Data),
    ("events", Data),
    ("last_run", HOOK_EXECUTION),
    ("weight", Data),
    ("delete_policies", Data),
    ("output_log_policies", Data),
]);
const INFO: Shape = Shape::Struct(&[
    ("first_deployed", Data),
    ("last_deployed", Data),
    ("deleted", Data),
    ("description", Data),
    ("status", Data),
    ("rollback_revision", Data),
    ("notes", Data),
    ("resources", Data),
]);
const FILE: Shape = Shape::Struct(&[("name", Data), ("data", Data), ("modtime", Data)]);
const DEPENDENCY: Shape = Shape::Struct(&[
    ("name", Data),
    ("version", Data),
    ("repository", Data),
    ("condition", Data),
    ("tags", Data),
    ("enabled", Data),
    ("import-values", Data),
    ("alias", Data),
]);
const METADATA: Shape = Shape::Struct(&[
    ("name", Data),
    ("home", Data),
    ("sources", Data),
    ("version", Data),
    ("description", Data),
    ("keywords", Data),
    (
        "maintainers",
        Shape::List(&Shape::Struct(&[
            ("name", Data),
            ("email", Data),
            ("url", Data),
        ])),
    ),
    ("icon", Data),
    ("apiVersion", Data),
    ("condition", Data),
    ("tags", Data),
    ("appVersion", Data),
    ("deprecated", Data),
    ("annotations", Data),
    ("kubeVersion", Data),
    ("dependencies", Shape::List(&DEPENDENCY)),
    ("type", Data),
]);
const CHART: Shape = Shape::Struct(&[
    ("metadata", METADATA),
    (
        "lock",
        Shape::Struct(&[
            ("generated", Data),
            ("digest", Data),
            ("dependencies", Shape::List(&DEPENDENCY)),
        ]),
    ),
    ("templates", Shape::List(&FILE)),
    ("values", Data),
    ("schema", Data),
    ("schemamodtime", Data),
    ("files", Shape::List(&FILE)),
    ("modtime", Data),
]);
const RELEASE: Shape = Shape::Struct(&[
    ("name", Data),
    ("info", INFO),
    ("chart", CHART),
    ("config", Data),
    ("manifest", Data),
    ("hooks", Shape::List(&HOOK)),
    ("version", Data),
    ("namespace", Data),
    ("apply_method", Data),
]);

/// Renames object keys that match a struct field only case-insensitively to the field's name
/// (an exact match wins, as in Go).
fn fold_field_names(v: &mut serde_json::Value, shape: &Shape) {
    match (shape, v) {
        (Shape::List(item), serde_json::Value::Array(items)) => {
            for i in items {
                fold_field_names(i, item);
            }
        }
        (Shape::Struct(fields), serde_json::Value::Object(obj)) => {
            let keys: Vec<String> = obj.keys().cloned().collect();
            for key in keys {
                let Some((name, _)) = fields.iter().find(|(f, _)| f.eq_ignore_ascii_case(&key))
                else {
                    continue;
                };
                if *name != key {
                    let val = obj.remove(&key).expect("key listed above");
                    obj.entry(name.to_string()).or_insert(val);
                }
            }
            for (name, sub) in fields.iter() {
                if let Some(child) = obj.get_mut(*name) {
                    fold_field_names(child, sub);
                }
            }
        }
        _ => {}
    }
}

fn namespace_of(rel: &Release) -> String {
    if rel.namespace.is_empty() {
        DEFAULT_NAMESPACE.to_string()
    } else {
        rel.namespace.clone()
    }
}

#[async_trait]
impl Driver for Memory {
    fn name(&self) -> &'static str {
        "Memory"
    }

    async fn get(&self, key: &str) -> Result<Release, StorageError> {
        let (name, rev) = parse_key(key)?;
        let st = self.state.lock().unwrap();
        st.cache
            .get(&st.namespace)
            .and_then(|rels| rels.get(&name))
            .and_then(|revs| revs.get(&rev))
            .filter(|(k, _)| k == key)
            .map(|(_, rel)| rel.clone())
            .ok_or(StorageError::NotFound)
    }

    async fn list(&self, filter: &Filter) -> Result<Vec<Release>, StorageError> {
        let st = self.state.lock().unwrap();
        let mut out = Vec::new();
        Memory::each(&st, |rel| {
            if filter(rel) {
                out.push(rel.clone());
            }
        });
        Ok(out)
    }

    async fn query(&self, labels: &Labels) -> Result<Vec<Release>, StorageError> {
        let st = self.state.lock().unwrap();
        let mut out = Vec::new();
        Memory::each(&st, |rel| {
            let sys = system_labels(rel);
            if labels.iter().all(|(k, v)| sys.get(k) == Some(v)) {
                out.push(rel.clone());
            }
        });
        if out.is_empty() {
            return Err(StorageError::NotFound);
        }
        Ok(out)
    }

    async fn create(&self, key: &str, rel: &Release) -> Result<(), StorageError> {
        let mut st = self.state.lock().unwrap();
        let ns = namespace_of(rel);
        st.namespace = ns.clone();
        let revs = st
            .cache
            .entry(ns)
            .or_default()
            .entry(rel.name.clone())
            .or_default();
        if revs.contains_key(&rel.version) {
            return Err(StorageError::Exists);
        }
        revs.insert(rel.version, (key.to_string(), rel.clone()));
        Ok(())
    }

    async fn update(&self, key: &str, rel: &Release) -> Result<(), StorageError> {
        let mut st = self.state.lock().unwrap();
        let ns = namespace_of(rel);
        st.namespace = ns.clone();
        let slot = st
            .cache
            .get_mut(&ns)
            .and_then(|rels| rels.get_mut(&rel.name))
            .and_then(|revs| revs.get_mut(&rel.version))
            .filter(|(k, _)| k == key)
            .ok_or(StorageError::NotFound)?;
        slot.1 = rel.clone();
        Ok(())
    }

    async fn delete(&self, key: &str) -> Result<Release, StorageError> {
        let (name, rev) = parse_key(key)?;
        let mut st = self.state.lock().unwrap();
        let ns = st.namespace.clone();
        let revs = st
            .cache
            .get_mut(&ns)
            .and_then(|rels| rels.get_mut(&name))
            .ok_or(StorageError::NotFound)?;
        match revs.get(&rev) {
            Some((k, _)) if k == key => Ok(revs.remove(&rev).unwrap().1),
            _ => Err(StorageError::NotFound),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn data_files_read_as_helm_reads_them() {
        // YAML 1.1 through JSON (`y` is true), Go's case-insensitive field names, nothing for
        // an empty file.
        let rels = releases_from_yaml(
            "- Name: a\n  VERSION: 2\n  info: {Status: deployed}\n  chart: {metadata: {appversion: '1.0'}}\n  config: {Keep: y}\n",
        )
        .unwrap();
        assert_eq!(rels[0].name, "a");
        assert_eq!(rels[0].version, 2);
        assert_eq!(rels[0].status(), crate::storage::Status::Deployed);
        let meta = rels[0].chart.as_ref().unwrap().metadata.as_ref().unwrap();
        assert_eq!(meta.app_version, "1.0");
        assert_eq!(rels[0].config["Keep"], serde_json::json!(true));
        assert!(releases_from_yaml("# nothing\n").unwrap().is_empty());
        assert!(releases_from_yaml("name: not-a-list\n").is_err());
    }

    #[tokio::test]
    async fn loading_stores_each_release_once() {
        let dir = tempfile::tempdir().unwrap();
        let f = dir.path().join("r.yaml");
        std::fs::write(
            &f,
            "- {name: a, version: 1, namespace: ns, info: {status: deployed}}\n",
        )
        .unwrap();
        let mem = Memory::new("ns");
        let path = f.display().to_string();
        mem.load_data(&path).await.unwrap();
        mem.set_namespace("ns");
        assert_eq!(mem.get("sh.helm.release.v1.a.v1").await.unwrap().name, "a");
        let e = mem.load_data(&path).await.unwrap_err();
        assert!(e.ends_with("a.v1: release: already exists"), "{e}");
        let e = mem
            .load_data(&format!("{path}:/nonexistent"))
            .await
            .unwrap_err();
        assert!(e.contains("already exists"), "{e}");
        let e = Memory::default()
            .load_data("/nonexistent")
            .await
            .unwrap_err();
        assert!(
            e.starts_with("unable to read memory driver data \"/nonexistent\""),
            "{e}"
        );
    }
}
