//! A release's objects as the cluster has them now, for `whelm status` (Helm's `Client.Get`
//! with related Pods): each object of the manifest read back, grouped by `version/Kind`
//! (`v1/Deployment` for `apps/v1`), and for workloads the Pods their selector picks, as one
//! list per distinct selector under `v1/Pod(related)`.
//!
//! Objects that cannot be read (gone, forbidden) are left out, as Helm leaves them out. With
//! `table`, every request asks for the apiserver's server-side table ([`TABLE_ACCEPT`] and
//! `includeObject=Object`, as kubectl does); related Pods come as a table when their owner's
//! answer was one.

use futures::stream::{self, StreamExt};
use http::Method;
use serde_json::{Map, Value};

use super::client::{ApiError, Cluster, TABLE_ACCEPT, query_escape};
use super::objects::selector;
use super::resource::{MAX_IN_FLIGHT, Resource, rest_path};
use super::table::is_table;
use crate::storage::Labels;

/// The group related Pods are listed under.
pub const RELATED_PODS: &str = "v1/Pod(related)";

/// Groups of live objects, in the order Helm first filled them: manifest order, related Pods
/// after the first workload. Each is (`version/Kind`, objects); a group may hold lists.
pub type Groups = Vec<(String, Vec<Value>)>;

/// Helm's key for an object's group: the version of its `apiVersion` and its kind.
pub fn group_key(r: &Resource) -> String {
    let version = r.api_version.rsplit('/').next().unwrap_or_default();
    format!("{version}/{}", r.kind)
}

/// The labels a workload's Pods carry, from its manifest: `spec.selector.matchLabels` of a
/// ReplicaSet, Deployment, StatefulSet, DaemonSet or Job, `spec.selector` of a
/// ReplicationController. `None` for other kinds and for selectors that are not a map of
/// strings.
pub fn pod_selector(object: &Value) -> Option<Labels> {
    let selector = match object["kind"].as_str()? {
        "ReplicaSet" | "Deployment" | "StatefulSet" | "DaemonSet" | "Job" => {
            object.pointer("/spec/selector/matchLabels")?
        }
        "ReplicationController" => object.pointer("/spec/selector")?,
        _ => return None,
    };
    selector
        .as_object()?
        .iter()
        .map(|(k, v)| Some((k.clone(), v.as_str()?.to_string())))
        .collect()
}

/// Reads `items` back (see the module docs). Fails only when the cluster cannot be reached;
/// other errors drop the object (or its related Pods).
pub async fn gather(
    cluster: &Cluster,
    items: &[Resource],
    table: bool,
) -> Result<Groups, ApiError> {
    let read = |r: &Resource| {
        let path = if table {
            format!("{}?includeObject=Object", r.path())
        } else {
            r.path()
        };
        async move { cluster_get(cluster, &path, table).await }
    };
    let objects: Vec<Result<Value, ApiError>> = stream::iter(items.iter().map(read))
        .buffered(MAX_IN_FLIGHT)
        .collect()
        .await;

    // Related Pods: one list per distinct selector, asked for by the first object that was
    // read and carries it.
    let mut selectors: Vec<Labels> = Vec::new();
    let mut lists: Vec<Option<(String, bool)>> = vec![None; items.len()];
    for ((r, obj), list) in items.iter().zip(&objects).zip(&mut lists) {
        let (Ok(obj), Some(labels)) = (obj, pod_selector(&r.object)) else {
            continue;
        };
        if selectors.contains(&labels) {
            continue;
        }
        let as_table = table && is_table(obj);
        *list = Some((pods_path(&r.namespace, &labels, as_table), as_table));
        selectors.push(labels);
    }
    let pods: Vec<Option<Result<Value, ApiError>>> = stream::iter(lists.iter().map(|path| async {
        match path {
            Some((p, as_table)) => Some(cluster_get(cluster, p, *as_table).await),
            None => None,
        }
    }))
    .buffered(MAX_IN_FLIGHT)
    .collect()
    .await;

    let mut groups: Groups = Vec::new();
    let mut add = |key: &str, obj: Value| match groups.iter_mut().find(|(k, _)| k == key) {
        Some((_, objs)) => objs.push(obj),
        None => groups.push((key.to_string(), vec![obj])),
    };
    for ((r, obj), pods) in items.iter().zip(objects).zip(pods) {
        for (key, answer) in [(group_key(r), Some(obj)), (RELATED_PODS.to_string(), pods)] {
            match answer {
                Some(Ok(v)) => add(&key, v),
                Some(Err(e @ ApiError::Unreachable(_))) => return Err(e),
                Some(Err(_)) | None => {}
            }
        }
    }
    Ok(groups)
}

/// The list of Pods in `namespace` that `labels` select (all of them for no labels).
fn pods_path(namespace: &str, labels: &Labels, table: bool) -> String {
    let mut query = Vec::new();
    if table {
        query.push("includeObject=Object".to_string());
    }
    if !labels.is_empty() {
        query.push(format!("labelSelector={}", query_escape(&selector(labels))));
    }
    let path = rest_path("v1", "pods", namespace, "");
    if query.is_empty() {
        path
    } else {
        format!("{path}?{}", query.join("&"))
    }
}

/// GET `path`, as a table when `table`. A list's items get the kind and apiVersion its
/// answer leaves out of them (as client-go's unstructured decoding fills them in).
async fn cluster_get(cluster: &Cluster, path: &str, table: bool) -> Result<Value, ApiError> {
    let accept = table.then_some(TABLE_ACCEPT);
    let mut v = cluster
        .call_accept(Method::GET, path, None, None, accept)
        .await?;
    fill_item_kinds(&mut v);
    Ok(v)
}

fn fill_item_kinds(list: &mut Value) {
    let Some(list) = list.as_object_mut() else {
        return;
    };
    let kind = list.get("kind").and_then(Value::as_str).unwrap_or_default();
    let item_kind = kind.strip_suffix("List").unwrap_or(kind).to_string();
    let api_version = list.get("apiVersion").cloned().unwrap_or(Value::Null);
    let Some(Value::Array(items)) = list.get_mut("items") else {
        return;
    };
    for item in items.iter_mut().filter_map(Value::as_object_mut) {
        let missing = |m: &Map<String, Value>, k: &str| {
            m.get(k).and_then(Value::as_str).is_none_or(str::is_empty)
        };
        if missing(item, "kind") && missing(item, "apiVersion") {
            item.insert("kind".into(), Value::String(item_kind.clone()));
            item.insert("apiVersion".into(), api_version.clone());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn groups_are_keyed_by_version_and_kind() {
        let r = |api_version: &str, kind: &str| Resource {
            api_version: api_version.into(),
            kind: kind.into(),
            name: "x".into(),
            namespace: String::new(),
            plural: String::new(),
            object: Value::Null,
        };
        assert_eq!(group_key(&r("apps/v1", "Deployment")), "v1/Deployment");
        assert_eq!(group_key(&r("v1", "Service")), "v1/Service");
        assert_eq!(
            group_key(&r("rbac.authorization.k8s.io/v1", "Role")),
            "v1/Role"
        );
    }

    #[test]
    fn workloads_select_their_pods_by_match_labels() {
        let labels = |pairs: &[(&str, &str)]| -> Labels {
            pairs
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect()
        };
        let with =
            |kind: &str, selector: Value| json!({"kind": kind, "spec": {"selector": selector}});
        let ml = json!({"matchLabels": {"app": "web", "tier": "x"}});
        for kind in [
            "Deployment",
            "ReplicaSet",
            "StatefulSet",
            "DaemonSet",
            "Job",
        ] {
            assert_eq!(
                pod_selector(&with(kind, ml.clone())),
                Some(labels(&[("app", "web"), ("tier", "x")])),
                "{kind}"
            );
        }
        assert_eq!(
            pod_selector(&with("ReplicationController", json!({"app": "rc"}))),
            Some(labels(&[("app", "rc")]))
        );
        // No matchLabels (a Job's generated selector, matchExpressions only), other kinds,
        // values that are not strings: no related Pods.
        assert_eq!(pod_selector(&json!({"kind": "Job", "spec": {}})), None);
        assert_eq!(pod_selector(&with("Service", json!({"app": "web"}))), None);
        assert_eq!(
            pod_selector(&with("Deployment", json!({"matchLabels": {"n": 1}}))),
            None
        );
        assert_eq!(
            pods_path("ns", &labels(&[("b", "2"), ("a/x", "1")]), true),
            "/api/v1/namespaces/ns/pods?includeObject=Object&labelSelector=a%2Fx%3D1%2Cb%3D2"
        );
        assert_eq!(
            pods_path("ns", &Labels::new(), false),
            "/api/v1/namespaces/ns/pods"
        );
    }

    #[test]
    fn list_items_get_the_kind_their_list_implies() {
        let mut list = json!({
            "kind": "PodList",
            "apiVersion": "v1",
            "metadata": {"resourceVersion": "7"},
            "items": [{"metadata": {"name": "a"}}, {"kind": "Other", "metadata": {"name": "b"}}],
        });
        fill_item_kinds(&mut list);
        assert_eq!(list["items"][0]["kind"], "Pod");
        assert_eq!(list["items"][0]["apiVersion"], "v1");
        assert_eq!(list["items"][1]["kind"], "Other");
        assert_eq!(list["items"][1].get("apiVersion"), None);
    }
}
