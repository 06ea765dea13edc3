//! What every release verb shares (Helm's `action.Configuration`): the cluster connection,
//! the release store of the namespace, and the namespace itself.

use std::sync::Arc;

use crate::kube::client::Cluster;
use crate::kube::discovery::ServerInfo;
use crate::kube::objects::NamespacedObjects;
use crate::settings::Settings;
use crate::storage::{self, DriverKind, Storage, memory::Memory};

/// Opens the store `HELM_DRIVER` selects, for the command's namespace (`namespace` empty:
/// every namespace, for `list --all-namespaces`).
pub async fn open_storage(settings: &Settings, namespace: &str) -> Result<Arc<Storage>, String> {
    Configuration::new(settings, namespace.is_empty())
        .await
        .map(|c| c.storage)
}

/// The answer of a task started with `tokio::spawn` (its panic, if it had one, as an error).
pub fn finished<T>(r: Result<Result<T, String>, tokio::task::JoinError>) -> Result<T, String> {
    r.map_err(|e| e.to_string())?
}

/// The cluster, the store and the namespace one command acts on.
pub struct Configuration {
    pub settings: Settings,
    /// The namespace commands act in (`-n`, else the kubeconfig context's, else `default`).
    pub namespace: String,
    cluster: Result<Arc<Cluster>, String>,
    pub storage: Arc<Storage>,
    server: tokio::sync::OnceCell<ServerInfo>,
}

impl Configuration {
    /// Connects (lazily: no request is made yet) and opens the store `HELM_DRIVER` selects.
    /// `all_namespaces` opens the store across namespaces (`list -A`).
    pub async fn new(settings: &Settings, all_namespaces: bool) -> Result<Configuration, String> {
        let cluster = Cluster::connect(&settings.kube).await.map(Arc::new);
        let namespace = match &cluster {
            Ok(c) => c.namespace.clone(),
            Err(_) => settings.kube.namespace().to_string(),
        };
        let store_ns = if all_namespaces { "" } else { &namespace };
        let kind = DriverKind::from_env().map_err(|e| e.to_string())?;
        let objects = cluster.as_ref().ok().map(|c| {
            Arc::new(NamespacedObjects::new(c.clone(), store_ns))
                as Arc<dyn storage::kube::KubeObjects>
        });
        if objects.is_none() && matches!(kind, DriverKind::Secret | DriverKind::ConfigMap) {
            return Err(cluster.err().unwrap_or_default());
        }
        let driver: Box<dyn storage::Driver> = match kind {
            DriverKind::Memory => {
                // Preloaded from `HELM_MEMORY_DRIVER_DATA` (`:`-separated files), as Helm does.
                let mem = Memory::new(store_ns);
                if let Some(data) = std::env::var("HELM_MEMORY_DRIVER_DATA")
                    .ok()
                    .filter(|d| !d.is_empty())
                {
                    mem.load_data(&data).await?;
                }
                mem.set_namespace(store_ns);
                Box::new(mem)
            }
            _ => {
                let sql = std::env::var("HELM_DRIVER_SQL_CONNECTION_STRING").ok();
                storage::open(&kind, store_ns, objects, sql.as_deref())
                    .await
                    .map_err(|e| e.to_string())?
            }
        };
        Ok(Configuration {
            settings: settings.clone(),
            namespace,
            cluster,
            storage: Arc::new(Storage::new(driver)),
            server: tokio::sync::OnceCell::new(),
        })
    }

    /// Builds a configuration over given parts (tests).
    pub fn from_parts(
        settings: &Settings,
        namespace: &str,
        cluster: Option<Arc<Cluster>>,
        storage: Storage,
    ) -> Configuration {
        Configuration {
            settings: settings.clone(),
            namespace: namespace.to_string(),
            cluster: cluster.ok_or_else(|| "no cluster configured".to_string()),
            storage: Arc::new(storage),
            server: tokio::sync::OnceCell::new(),
        }
    }

    /// The cluster, or why there is none.
    pub fn cluster(&self) -> Result<&Arc<Cluster>, String> {
        self.cluster.as_ref().map_err(Clone::clone)
    }

    /// The server's version and kinds, discovered once per command.
    pub async fn server(&self) -> Result<&ServerInfo, String> {
        let cluster = self.cluster()?;
        self.server
            .get_or_try_init(|| async { cluster.discover().await.map_err(|e| e.to_string()) })
            .await
    }

    /// Starts discovery as a task of its own, so that it runs while the caller reads the
    /// chart (the CLI's runtime has a worker thread for it); hand the answer to
    /// [`Configuration::discovered`].
    pub fn discover_in_background(
        &self,
    ) -> Result<tokio::task::JoinHandle<Result<ServerInfo, String>>, String> {
        let cluster = self.cluster()?.clone();
        Ok(tokio::spawn(async move {
            cluster.discover().await.map_err(|e| e.to_string())
        }))
    }

    /// Records what [`Configuration::discover_in_background`] found, as [`Configuration::server`]
    /// would have.
    pub fn discovered(&mut self, info: ServerInfo) {
        self.server = tokio::sync::OnceCell::new_with(Some(info));
    }

    /// Forgets what discovery found (after installing CRDs).
    pub fn forget_server(&mut self) {
        self.server = tokio::sync::OnceCell::new();
    }

    /// The store, shared with the lock renewer.
    pub fn storage_arc(&self) -> Arc<Storage> {
        self.storage.clone()
    }

    /// The store, for settings such as `--history-max` (before any operation shares it).
    pub fn storage_mut(&mut self) -> Result<&mut Storage, String> {
        Arc::get_mut(&mut self.storage)
            .ok_or_else(|| "the release store is still in use by a lock renewer".to_string())
    }
}
