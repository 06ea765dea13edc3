//! Helm's `lookup` for the renderer, behind the `cluster` host import: read-only GETs of live
//! objects, only while installing, upgrading or `--dry-run=server`.
//!
//! The renderer calls the import synchronously from inside the sandbox, while the command's
//! own runtime is busy driving that call. So lookups are served by a thread with its own
//! runtime and its own connection, fed through a channel.

use std::sync::Arc;
use std::sync::Mutex;
use std::sync::mpsc;

use super::client::Cluster;
use super::discovery::ServerInfo;
use super::resource::rest_path;
use crate::plugin::runtime::LookupFn;
use crate::settings::KubeSettings;

type Reply = mpsc::Sender<Result<Option<String>, String>>;
type Ask = (String, String, String, String, Reply);

/// The REST path `lookup(apiVersion, kind, namespace, name)` reads: one object, or a list
/// (empty name) in a namespace or across all of them (empty namespace).
pub fn lookup_path(
    info: &ServerInfo,
    api_version: &str,
    kind: &str,
    namespace: &str,
    name: &str,
) -> Result<String, String> {
    let Some(r) = info.resource(api_version, kind) else {
        let (group, version) = api_version.rsplit_once('/').unwrap_or(("", api_version));
        return Err(format!(
            "unable to get apiresource from unstructured: {group}/{version}, Kind={kind}"
        ));
    };
    let namespace = if r.namespaced { namespace } else { "" };
    Ok(rest_path(api_version, &r.plural, namespace, name))
}

/// A `lookup` answering from the cluster `settings` name, with kinds mapped by `info`.
pub fn lookup_fn(settings: KubeSettings, info: ServerInfo) -> LookupFn {
    let (tx, rx) = mpsc::channel::<Ask>();
    std::thread::spawn(move || {
        let rt = match tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
        {
            Ok(rt) => rt,
            Err(e) => {
                for (.., reply) in rx {
                    let _ = reply.send(Err(format!("lookup: {e}")));
                }
                return;
            }
        };
        let cluster = rt.block_on(Cluster::connect(&settings));
        for (api_version, kind, namespace, name, reply) in rx {
            let answer = match (
                &cluster,
                lookup_path(&info, &api_version, &kind, &namespace, &name),
            ) {
                (Err(e), _) => Err(e.clone()),
                (_, Err(e)) => Err(e),
                (Ok(c), Ok(path)) => match rt.block_on(c.get(&path)) {
                    Ok(v) => Ok(Some(v.to_string())),
                    Err(e) if e.is_not_found() => Ok(None),
                    Err(e) => Err(e.to_string()),
                },
            };
            let _ = reply.send(answer);
        }
    });
    let tx = Arc::new(Mutex::new(tx));
    Arc::new(
        move |api_version: &str, kind: &str, namespace: &str, name: &str| {
            let (reply, answer) = mpsc::channel();
            tx.lock()
                .map_err(|_| "lookup: the lookup thread is gone".to_string())?
                .send((
                    api_version.to_string(),
                    kind.to_string(),
                    namespace.to_string(),
                    name.to_string(),
                    reply,
                ))
                .map_err(|_| "lookup: the lookup thread is gone".to_string())?;
            answer
                .recv()
                .map_err(|_| "lookup: the lookup thread is gone".to_string())?
        },
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kube::discovery::ResourceInfo;

    #[test]
    fn paths() {
        let mut info = ServerInfo::default();
        info.resources.insert(
            ("v1".into(), "Secret".into()),
            ResourceInfo {
                plural: "secrets".into(),
                namespaced: true,
            },
        );
        info.resources.insert(
            ("v1".into(), "Namespace".into()),
            ResourceInfo {
                plural: "namespaces".into(),
                namespaced: false,
            },
        );
        assert_eq!(
            lookup_path(&info, "v1", "Secret", "ns", "s").unwrap(),
            "/api/v1/namespaces/ns/secrets/s"
        );
        assert_eq!(
            lookup_path(&info, "v1", "Secret", "", "").unwrap(),
            "/api/v1/secrets"
        );
        assert_eq!(
            lookup_path(&info, "v1", "Namespace", "ignored", "kube-system").unwrap(),
            "/api/v1/namespaces/kube-system"
        );
        assert_eq!(
            lookup_path(&info, "example.com/v1", "Foo", "", "").unwrap_err(),
            "unable to get apiresource from unstructured: example.com/v1, Kind=Foo"
        );
    }
}
