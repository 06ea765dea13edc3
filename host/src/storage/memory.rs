//! `HELM_DRIVER=memory`: releases in process memory, per namespace, as Helm's memory driver.

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
