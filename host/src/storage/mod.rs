//! Release storage, compatible with Helm 4's: `helm list`/`helm history` see whelm's releases,
//! and whelm reads and upgrades Helm's.
//!
//! - [`release`]: the release record with Helm's exact JSON; [`codec`]: `base64(gzip(json))`.
//! - [`Driver`]: Helm's `driver.Driver` (get/list/query/create/update/delete by key
//!   `sh.helm.release.v1.<name>.v<revision>`), implemented by [`memory::Memory`],
//!   [`sql::Sql`] (Helm's PostgreSQL schema) and [`kube::KubeDriver`] (Secrets or ConfigMaps
//!   over the small [`kube::KubeObjects`] trait the cluster layer implements).
//! - [`Storage`]: Helm's storage layer (history, last, deployed, `--history-max` pruning).
//! - [`lock`]: whelm's additions — a lease on the pending revision that expires or is taken
//!   over, the crash-safe write order of an operation, and [`lock::recover`].
//!
//! Selecting a driver: `HELM_DRIVER` = `secret`/`secrets`/unset (default), `configmap`/
//! `configmaps`, `memory`, or `sql` with `HELM_DRIVER_SQL_CONNECTION_STRING` (see
//! [`DriverKind`]).
//!
//! # Beyond Helm
//!
//! **Chunking** (Secret/ConfigMap drivers only; see [`kube`]): an encoded release above
//! [`kube::CHUNK_THRESHOLD`] (Kubernetes caps an object's data at 1 MiB) is stored as a helm-
//! readable *stub* under the normal name and labels plus chunk objects holding the real record.
//! `helm list`/`helm history`/`helm status` work on the stub; `helm get manifest|values` show
//! empty results. Details in [`kube`].
//!
//! **Lease** ([`lock`]): the pending revision of an install/upgrade/rollback carries the labels
//! `whelm.sh/lock-owner` and `whelm.sh/lock-expires` (Unix seconds), renewed while whelm works.
//! A later command that finds an expired lease (or a Helm-written pending revision older than
//! [`lock::HELM_PENDING_GRACE`]) marks it `failed` and proceeds; a live lease gives Helm's
//! "another operation (install/upgrade/rollback) is in progress" with who holds it and until
//! when. Two concurrent operations race on *creating* the next revision, which only one can do.
//!
//! **Write order** ([`lock`]): create revision N+1 as `pending-*` (pruning first, as Helm) →
//! apply → mark N+1 `deployed` → mark older `deployed` revisions `superseded`. A crash after any
//! step leaves a history Helm and whelm can read; [`lock::recover`] finishes or fails the
//! interrupted operation.

pub mod codec;
pub mod kube;
pub mod lock;
pub mod memory;
pub mod release;
pub mod sql;

use std::collections::BTreeMap;
use std::sync::Arc;

use async_trait::async_trait;
use thiserror::Error;

pub use codec::CodecError;
pub use release::{Release, Status};

/// The prefix of every release object's key/name.
pub const HELM_STORAGE_TYPE: &str = "sh.helm.release.v1";

/// A label set (`name`, `owner`, `status`, `version`, … or custom labels).
pub type Labels = BTreeMap<String, String>;

/// A predicate over releases for [`Driver::list`].
pub type Filter = dyn Fn(&Release) -> bool + Send + Sync;

/// The labels Helm manages itself on every release object.
pub const SYSTEM_LABELS: [&str; 6] = [
    "name",
    "owner",
    "status",
    "version",
    "createdAt",
    "modifiedAt",
];

/// Storage errors. The first four carry Helm's own messages, which scripts match on.
#[derive(Debug, Error)]
pub enum StorageError {
    #[error("release: not found")]
    NotFound,
    #[error("release: already exists")]
    Exists,
    #[error("release: invalid key {0:?}")]
    InvalidKey(String),
    #[error("{0:?} has no deployed releases")]
    NoDeployedReleases(String),
    #[error("no revision for release {0:?}")]
    NoRevision(String),
    #[error(transparent)]
    Codec(#[from] CodecError),
    #[error("{driver} storage: {op} failed: {message}")]
    Backend {
        driver: &'static str,
        op: &'static str,
        message: String,
    },
    #[error(
        "unknown driver {0:?}: set HELM_DRIVER to secret (the default), configmap, memory or sql"
    )]
    UnknownDriver(String),
    #[error(
        "unable to instantiate SQL driver: {0} (HELM_DRIVER=sql reads the PostgreSQL connection string from HELM_DRIVER_SQL_CONNECTION_STRING)"
    )]
    Sql(String),
    #[error("invalid label value: {0:?}: {1}")]
    InvalidLabelValue(String, String),
    #[error("unknown label {0}")]
    UnknownLabel(String),
    #[error(
        "another operation (install/upgrade/rollback) is in progress on release {name:?}: revision {revision} is {status}, {holder}"
    )]
    Locked {
        name: String,
        revision: i64,
        status: Status,
        holder: String,
    },
    #[error(
        "lost the lock on release {name:?} revision {revision}: {detail}; the release was taken over by another command, check `helm history {name}` before retrying"
    )]
    LockLost {
        name: String,
        revision: i64,
        detail: String,
    },
    #[error(
        "release object {object:?} is stored in chunks that are missing or inconsistent ({detail}); restore them from a backup, or delete this revision"
    )]
    Chunks { object: String, detail: String },
    #[error(
        "cannot recover release {name:?}: revision {revision} is {status} and must be {repair}, \
         but its stored record, {object}, does not decode ({detail}); delete that object (the \
         revision is then gone from the history) or restore it from a backup, and run the \
         command again (`whelm rollback {name}` returns to an earlier revision)"
    )]
    Unrecoverable {
        name: String,
        revision: i64,
        status: Status,
        /// What recovery had to do: `marked failed`, `marked superseded`.
        repair: &'static str,
        /// Where it is stored ([`Driver::describe`]).
        object: String,
        /// Why it does not decode.
        detail: String,
    },
}

/// A stored revision as its labels describe it, read without decoding the release: enough
/// for locks, recovery and pruning, which need a revision's body only to rewrite it.
#[derive(Debug, Clone, PartialEq)]
pub struct Head {
    pub version: i64,
    pub status: Status,
    /// The custom labels (system labels removed), where whelm's lease lives.
    pub labels: Labels,
}

impl Head {
    pub fn of(rel: &Release) -> Head {
        Head {
            version: rel.version,
            status: rel.status(),
            labels: rel.labels.clone(),
        }
    }
}

/// Helm's `driver.Driver`: a key-value store of releases with label queries.
#[async_trait]
pub trait Driver: Send + Sync {
    /// `Secret`, `ConfigMap`, `Memory` or `SQL`, as Helm names them.
    fn name(&self) -> &'static str;
    /// The release stored under `key`, or [`StorageError::NotFound`].
    async fn get(&self, key: &str) -> Result<Release, StorageError>;
    /// Every release (of the driver's namespace) for which `filter` holds.
    async fn list(&self, filter: &Filter) -> Result<Vec<Release>, StorageError>;
    /// Releases whose labels match all of `labels`; [`StorageError::NotFound`] when none.
    async fn query(&self, labels: &Labels) -> Result<Vec<Release>, StorageError>;
    /// Stores a new release, or [`StorageError::Exists`]. This is the one atomic step that
    /// concurrent operations race on.
    async fn create(&self, key: &str, rel: &Release) -> Result<(), StorageError>;
    /// Replaces a stored release.
    async fn update(&self, key: &str, rel: &Release) -> Result<(), StorageError>;
    /// Deletes and returns a stored release, or [`StorageError::NotFound`].
    async fn delete(&self, key: &str) -> Result<Release, StorageError>;
    /// The head of the revision stored under `key` (by default by decoding it; drivers that
    /// keep the labels beside the body read only those).
    async fn head(&self, key: &str) -> Result<Head, StorageError> {
        Ok(Head::of(&self.get(key).await?))
    }
    /// Heads of the revisions whose labels match all of `labels`; [`StorageError::NotFound`]
    /// when none.
    async fn heads(&self, labels: &Labels) -> Result<Vec<Head>, StorageError> {
        Ok(self.query(labels).await?.iter().map(Head::of).collect())
    }
    /// Removes storage debris of release `name` (e.g. orphaned chunks); returns what it removed.
    async fn collect_garbage(&self, _name: &str) -> Result<Vec<String>, StorageError> {
        Ok(Vec::new())
    }
    /// Where the revision under `key` is stored, for messages that ask the user to act on it
    /// (`Secret "sh.helm.release.v1.web.v3" in namespace "prod"`).
    fn describe(&self, key: &str) -> String {
        format!("the {} driver's record {key:?}", self.name())
    }
}

/// `sh.helm.release.v1.<name>.v<revision>`.
pub fn make_key(name: &str, revision: i64) -> String {
    format!("{HELM_STORAGE_TYPE}.{name}.v{revision}")
}

/// The release name and revision of a key (Helm's memory driver's parsing).
pub fn parse_key(key: &str) -> Result<(String, i64), StorageError> {
    let rest = key.strip_prefix("sh.helm.release.v1.").unwrap_or(key);
    let mut parts = rest.split(".v");
    match (parts.next(), parts.next(), parts.next()) {
        (Some(name), Some(rev), None) => rev
            .parse()
            .map(|r| (name.to_string(), r))
            .map_err(|_| StorageError::InvalidKey(key.to_string())),
        _ => Err(StorageError::InvalidKey(key.to_string())),
    }
}

/// The system labels Helm derives from a release (`name`, `owner`, `status`, `version`).
pub fn system_labels(rel: &Release) -> Labels {
    Labels::from([
        ("name".to_string(), rel.name.clone()),
        ("owner".to_string(), "helm".to_string()),
        ("status".to_string(), rel.status().as_str().to_string()),
        ("version".to_string(), rel.version.to_string()),
    ])
}

/// The labels that select release `name`'s revisions (of one `status`, if given).
pub fn release_query(name: &str, status: Option<&str>) -> Labels {
    let mut q = Labels::from([
        ("name".to_string(), name.to_string()),
        ("owner".to_string(), "helm".to_string()),
    ]);
    if let Some(s) = status {
        q.insert("status".to_string(), s.to_string());
    }
    q
}

/// Removes Helm's system labels, leaving the release's custom labels.
pub fn custom_labels(labels: &Labels) -> Labels {
    labels
        .iter()
        .filter(|(k, _)| !SYSTEM_LABELS.contains(&k.as_str()))
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect()
}

/// Which driver `HELM_DRIVER` selects.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DriverKind {
    Secret,
    ConfigMap,
    Memory,
    Sql,
}

impl DriverKind {
    /// Parses `HELM_DRIVER` as Helm does (unset or empty means `secret`).
    pub fn parse(value: Option<&str>) -> Result<DriverKind, StorageError> {
        match value.unwrap_or("") {
            "" | "secret" | "secrets" => Ok(DriverKind::Secret),
            "configmap" | "configmaps" => Ok(DriverKind::ConfigMap),
            "memory" => Ok(DriverKind::Memory),
            "sql" => Ok(DriverKind::Sql),
            other => Err(StorageError::UnknownDriver(other.to_string())),
        }
    }

    /// Reads `HELM_DRIVER` from the environment.
    pub fn from_env() -> Result<DriverKind, StorageError> {
        DriverKind::parse(std::env::var("HELM_DRIVER").ok().as_deref())
    }
}

/// Opens the driver `kind` for `namespace`. `kube` gives the cluster's Secrets/ConfigMaps of
/// that namespace (needed by `secret` and `configmap` only); `sql_connection` is
/// `HELM_DRIVER_SQL_CONNECTION_STRING`.
pub async fn open(
    kind: &DriverKind,
    namespace: &str,
    kube: Option<Arc<dyn kube::KubeObjects>>,
    sql_connection: Option<&str>,
) -> Result<Box<dyn Driver>, StorageError> {
    let need_kube = |driver: &'static str| {
        kube.clone().ok_or(StorageError::Backend {
            driver,
            op: "open",
            message: "no Kubernetes cluster is configured (check --kubeconfig / KUBECONFIG)"
                .to_string(),
        })
    };
    Ok(match kind {
        DriverKind::Secret => Box::new(kube::KubeDriver::secrets(need_kube("Secret")?)),
        DriverKind::ConfigMap => Box::new(kube::KubeDriver::config_maps(need_kube("ConfigMap")?)),
        DriverKind::Memory => Box::new(memory::Memory::new(namespace)),
        DriverKind::Sql => {
            Box::new(sql::Sql::connect(sql_connection.unwrap_or(""), namespace).await?)
        }
    })
}

/// Seconds since the Unix epoch; injectable so tests can move time.
pub type Clock = Arc<dyn Fn() -> i64 + Send + Sync>;

/// The system clock.
pub fn system_clock() -> Clock {
    Arc::new(|| {
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_secs() as i64)
            .unwrap_or(0)
    })
}

/// Helm's storage layer over a driver.
pub struct Storage {
    driver: Box<dyn Driver>,
    /// `--history-max`: revisions kept per release (0 = unlimited).
    pub max_history: usize,
    /// Time source for leases.
    pub clock: Clock,
}

impl Storage {
    pub fn new(driver: Box<dyn Driver>) -> Storage {
        Storage {
            driver,
            max_history: 0,
            clock: system_clock(),
        }
    }

    pub fn driver(&self) -> &dyn Driver {
        &*self.driver
    }

    pub async fn get(&self, name: &str, revision: i64) -> Result<Release, StorageError> {
        self.driver.get(&make_key(name, revision)).await
    }

    /// Where revision `revision` of `name` is stored (see [`Driver::describe`]).
    pub fn describe(&self, name: &str, revision: i64) -> String {
        self.driver.describe(&make_key(name, revision))
    }

    /// Stores a new revision, first pruning history to `max_history - 1` as Helm does.
    pub async fn create(&self, rel: &Release) -> Result<(), StorageError> {
        let heads = if self.max_history > 0 {
            self.heads_or_none(&rel.name).await?
        } else {
            Vec::new()
        };
        self.create_after(rel, &heads).await
    }

    /// As [`Storage::create`], when the caller has just read the name's history (`heads`,
    /// oldest first): the history limit is applied to those, without reading them again.
    pub async fn create_after(&self, rel: &Release, heads: &[Head]) -> Result<(), StorageError> {
        if self.max_history > 0 {
            self.remove_least_recent(&rel.name, heads, self.max_history - 1)
                .await?;
        }
        self.driver
            .create(&make_key(&rel.name, rel.version), rel)
            .await
    }

    pub async fn update(&self, rel: &Release) -> Result<(), StorageError> {
        self.driver
            .update(&make_key(&rel.name, rel.version), rel)
            .await
    }

    pub async fn delete(&self, name: &str, revision: i64) -> Result<Release, StorageError> {
        self.driver.delete(&make_key(name, revision)).await
    }

    pub async fn list_releases(&self) -> Result<Vec<Release>, StorageError> {
        self.driver.list(&|_| true).await
    }

    pub async fn list_deployed(&self) -> Result<Vec<Release>, StorageError> {
        self.driver.list(&|r| r.status() == Status::Deployed).await
    }

    pub async fn list_uninstalled(&self) -> Result<Vec<Release>, StorageError> {
        self.driver
            .list(&|r| r.status() == Status::Uninstalled)
            .await
    }

    pub async fn head(&self, name: &str, revision: i64) -> Result<Head, StorageError> {
        self.driver.head(&make_key(name, revision)).await
    }

    /// Heads of every revision of `name`, oldest first; [`StorageError::NotFound`] when none.
    pub async fn heads(&self, name: &str) -> Result<Vec<Head>, StorageError> {
        let mut h = self.driver.heads(&release_query(name, None)).await?;
        h.sort_by_key(|r| r.version);
        Ok(h)
    }

    /// As [`Storage::heads`], with no revisions an empty history instead of `NotFound`.
    pub async fn heads_or_none(&self, name: &str) -> Result<Vec<Head>, StorageError> {
        match self.heads(name).await {
            Err(StorageError::NotFound) => Ok(Vec::new()),
            other => other,
        }
    }

    /// Every `deployed` revision of `name`.
    pub async fn deployed_all(&self, name: &str) -> Result<Vec<Release>, StorageError> {
        match self
            .driver
            .query(&release_query(name, Some("deployed")))
            .await
        {
            Ok(v) => Ok(v),
            Err(StorageError::NotFound) => Err(StorageError::NoDeployedReleases(name.to_string())),
            Err(e) => Err(e),
        }
    }

    /// The newest `deployed` revision of `name`.
    pub async fn deployed(&self, name: &str) -> Result<Release, StorageError> {
        let mut all = self.deployed_all(name).await?;
        all.sort_by_key(|r| r.version);
        all.pop()
            .ok_or_else(|| StorageError::NoDeployedReleases(name.to_string()))
    }

    /// Every revision of `name`, oldest first; [`StorageError::NotFound`] when none.
    pub async fn history(&self, name: &str) -> Result<Vec<Release>, StorageError> {
        let mut h = self.driver.query(&release_query(name, None)).await?;
        h.sort_by_key(|r| r.version);
        Ok(h)
    }

    /// The newest revision of `name`, whatever its status.
    pub async fn last(&self, name: &str) -> Result<Release, StorageError> {
        match self.history(name).await {
            Ok(mut h) => h
                .pop()
                .ok_or_else(|| StorageError::NoRevision(name.to_string())),
            Err(StorageError::NotFound) => Err(StorageError::NoRevision(name.to_string())),
            Err(e) => Err(e),
        }
    }

    /// Helm's `removeLeastRecent`: deletes the oldest revisions until `max` remain, never the
    /// newest deployed one.
    async fn remove_least_recent(
        &self,
        name: &str,
        h: &[Head],
        max: usize,
    ) -> Result<(), StorageError> {
        if h.len() <= max {
            return Ok(());
        }
        let keep = h
            .iter()
            .filter(|r| r.status == Status::Deployed)
            .map(|r| r.version)
            .max();
        let mut remaining = h.len();
        let mut errors = Vec::new();
        for rel in h {
            if remaining == max {
                break;
            }
            if Some(rel.version) == keep {
                continue;
            }
            match self.delete(name, rel.version).await {
                Ok(_) => remaining -= 1,
                Err(e) => errors.push(e),
            }
        }
        match errors.len() {
            0 => Ok(()),
            _ => Err(errors.remove(0)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys() {
        assert_eq!(make_key("web", 3), "sh.helm.release.v1.web.v3");
        assert_eq!(
            parse_key("sh.helm.release.v1.web.v3").unwrap(),
            ("web".into(), 3)
        );
        assert!(parse_key("sh.helm.release.v1.web").is_err());
        assert!(parse_key("sh.helm.release.v1.web.vx").is_err());
    }

    #[test]
    fn driver_names_as_helm() {
        assert_eq!(DriverKind::parse(None).unwrap(), DriverKind::Secret);
        assert_eq!(
            DriverKind::parse(Some("secrets")).unwrap(),
            DriverKind::Secret
        );
        assert_eq!(
            DriverKind::parse(Some("configmaps")).unwrap(),
            DriverKind::ConfigMap
        );
        assert_eq!(
            DriverKind::parse(Some("memory")).unwrap(),
            DriverKind::Memory
        );
        assert_eq!(DriverKind::parse(Some("sql")).unwrap(), DriverKind::Sql);
        let e = DriverKind::parse(Some("etcd")).unwrap_err();
        assert!(e.to_string().starts_with("unknown driver \"etcd\""), "{e}");
    }

    fn rel(name: &str, version: i64, status: Status) -> Release {
        let mut r = Release {
            name: name.into(),
            version,
            namespace: "default".into(),
            ..Release::default()
        };
        r.set_status(status, "");
        r
    }

    #[tokio::test]
    async fn history_last_deployed_and_pruning() {
        let mut s = Storage::new(Box::new(memory::Memory::default()));
        s.max_history = 3;
        s.create(&rel("a", 1, Status::Superseded)).await.unwrap();
        s.create(&rel("a", 2, Status::Deployed)).await.unwrap();
        s.create(&rel("a", 3, Status::Failed)).await.unwrap();
        s.create(&rel("a", 4, Status::Failed)).await.unwrap();
        s.create(&rel("b", 1, Status::Deployed)).await.unwrap();
        let versions: Vec<i64> = s
            .history("a")
            .await
            .unwrap()
            .iter()
            .map(|r| r.version)
            .collect();
        assert_eq!(versions, [2, 3, 4]);
        s.create(&rel("a", 5, Status::Failed)).await.unwrap();
        let versions: Vec<i64> = s
            .history("a")
            .await
            .unwrap()
            .iter()
            .map(|r| r.version)
            .collect();
        assert_eq!(
            versions,
            [2, 4, 5],
            "the deployed revision survives pruning"
        );
        assert_eq!(s.deployed("a").await.unwrap().version, 2);
        assert_eq!(s.last("a").await.unwrap().version, 5);
        assert!(matches!(
            s.deployed("zz").await,
            Err(StorageError::NoDeployedReleases(_))
        ));
        assert_eq!(
            s.deployed("zz").await.unwrap_err().to_string(),
            "\"zz\" has no deployed releases"
        );
        assert!(matches!(
            s.last("zz").await,
            Err(StorageError::NoRevision(_))
        ));
        assert_eq!(s.list_deployed().await.unwrap().len(), 2);
        assert!(matches!(
            s.create(&rel("a", 5, Status::Failed)).await,
            Err(StorageError::Exists)
        ));
    }
}
