//! What the release verbs share, as Helm's `action.Configuration`: the release storage
//! `HELM_DRIVER` selects, opened for one namespace.

use crate::settings::Settings;
use crate::storage::{self, DriverKind, Storage, memory::Memory};

/// Opens the storage `HELM_DRIVER` selects for `namespace` (`""`: every namespace, for
/// `list --all-namespaces`).
///
/// - `memory`: an in-process store, preloaded from `HELM_MEMORY_DRIVER_DATA` as Helm does.
/// - `sql`: PostgreSQL at `HELM_DRIVER_SQL_CONNECTION_STRING`.
/// - `secret`/`configmap` (the default): need the cluster client, not wired in yet.
pub async fn open_storage(settings: &Settings, namespace: &str) -> Result<Storage, String> {
    let _ = settings; // the cluster branch will read the kube settings
    let kind = DriverKind::from_env().map_err(|e| e.to_string())?;
    let driver: Box<dyn storage::Driver> = match kind {
        DriverKind::Memory => {
            let mem = Memory::new(namespace);
            if let Some(data) = std::env::var("HELM_MEMORY_DRIVER_DATA")
                .ok()
                .filter(|d| !d.is_empty())
            {
                mem.load_data(&data).await?;
            }
            mem.set_namespace(namespace);
            Box::new(mem)
        }
        DriverKind::Sql => {
            let conn = std::env::var("HELM_DRIVER_SQL_CONNECTION_STRING").ok();
            storage::open(&kind, namespace, None, conn.as_deref())
                .await
                .map_err(|e| e.to_string())?
        }
        DriverKind::Secret | DriverKind::ConfigMap => {
            return Err(
                "the secret and configmap storage drivers need a Kubernetes cluster client, which this build of whelm does not have yet: set HELM_DRIVER=memory or HELM_DRIVER=sql"
                    .to_string(),
            );
        }
    };
    Ok(Storage::new(driver))
}
