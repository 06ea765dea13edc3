//! What the cluster serves: its version and API groups, for `.Capabilities` and for mapping a
//! manifest's `apiVersion`/`kind` to a REST path.
//!
//! Aggregated discovery (`apidiscovery.k8s.io/v2`, two requests) is asked for first, as client-go
//! does; a server that answers with the legacy `APIGroupList` is walked group-version by
//! group-version, concurrently.

use std::collections::{BTreeMap, BTreeSet};

use futures::future::join_all;
use http::Method;
use serde_json::Value;

use super::client::{ApiError, Cluster};

const AGGREGATED_ACCEPT: &str = "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList,application/json";

/// How to reach one kind.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ResourceInfo {
    /// `deployments`.
    pub plural: String,
    pub namespaced: bool,
}

/// The server's version and served kinds.
#[derive(Debug, Clone, Default)]
pub struct ServerInfo {
    /// `gitVersion`, e.g. `v1.33.1`.
    pub git_version: String,
    /// Helm's version set: every `group/version` and `group/version/Kind` (core as `v1`).
    pub api_versions: BTreeSet<String>,
    /// (`apiVersion`, `kind`) → resource.
    pub resources: BTreeMap<(String, String), ResourceInfo>,
}

impl ServerInfo {
    pub fn resource(&self, api_version: &str, kind: &str) -> Option<&ResourceInfo> {
        self.resources
            .get(&(api_version.to_string(), kind.to_string()))
    }

    fn add(&mut self, gv: &str, kind: &str, name: &str, namespaced: bool) {
        self.api_versions.insert(gv.to_string());
        if kind.is_empty() {
            return;
        }
        self.api_versions.insert(format!("{gv}/{kind}"));
        if !name.contains('/') {
            self.resources
                .entry((gv.to_string(), kind.to_string()))
                .or_insert(ResourceInfo {
                    plural: name.to_string(),
                    namespaced,
                });
        }
    }
}

fn group_version(group: &str, version: &str) -> String {
    if group.is_empty() {
        version.to_string()
    } else {
        format!("{group}/{version}")
    }
}

fn s<'a>(v: &'a Value, ptr: &str) -> &'a str {
    v.pointer(ptr).and_then(Value::as_str).unwrap_or("")
}

fn items(v: &Value, key: &str) -> Vec<Value> {
    v.get(key)
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default()
}

/// Reads an `APIGroupDiscoveryList` into `info`; false when `list` is not one.
fn read_aggregated(list: &Value, info: &mut ServerInfo) -> bool {
    if s(list, "/kind") != "APIGroupDiscoveryList" {
        return false;
    }
    for group in items(list, "items") {
        let gname = s(&group, "/metadata/name");
        for version in items(&group, "versions") {
            let gv = group_version(gname, s(&version, "/version"));
            info.api_versions.insert(gv.clone());
            for r in items(&version, "resources") {
                let namespaced = s(&r, "/scope") == "Namespaced";
                let name = s(&r, "/resource");
                info.add(&gv, s(&r, "/responseKind/kind"), name, namespaced);
                for sub in items(&r, "subresources") {
                    let sub_name = format!("{name}/{}", s(&sub, "/subresource"));
                    info.add(&gv, s(&sub, "/responseKind/kind"), &sub_name, namespaced);
                }
            }
        }
    }
    true
}

/// Reads an `APIResourceList` (legacy discovery of one group-version).
fn read_resource_list(gv: &str, list: &Value, info: &mut ServerInfo) {
    info.api_versions.insert(gv.to_string());
    for r in items(list, "resources") {
        let namespaced = r
            .get("namespaced")
            .and_then(Value::as_bool)
            .unwrap_or(false);
        info.add(gv, s(&r, "/kind"), s(&r, "/name"), namespaced);
    }
}

impl Cluster {
    /// `GET /version`: the server's `gitVersion`.
    pub async fn server_version(&self) -> Result<String, ApiError> {
        let v = self.get("/version").await?;
        let git = s(&v, "/gitVersion");
        if git.is_empty() {
            return Err(ApiError::Decode {
                what: "GET /version".into(),
                detail: "no gitVersion".into(),
            });
        }
        Ok(git.to_string())
    }

    /// Discovers the server's version and everything it serves.
    pub async fn discover(&self) -> Result<ServerInfo, ApiError> {
        // The three requests go together: one round trip, not two.
        let (version, core, groups) = futures::join!(
            self.server_version(),
            self.call_accept(Method::GET, "/api", None, None, Some(AGGREGATED_ACCEPT)),
            self.call_accept(Method::GET, "/apis", None, None, Some(AGGREGATED_ACCEPT)),
        );
        let mut info = ServerInfo {
            git_version: version?,
            ..ServerInfo::default()
        };
        let (core, groups) = (core?, groups?);
        if read_aggregated(&core, &mut info) && read_aggregated(&groups, &mut info) {
            return Ok(info);
        }
        // Legacy discovery: `/api` lists core versions, `/apis` the groups.
        let mut gvs: Vec<String> = items(&core, "versions")
            .iter()
            .filter_map(|v| v.as_str().map(str::to_string))
            .collect();
        if gvs.is_empty() && s(&core, "/kind") == "APIGroupDiscoveryList" {
            read_aggregated(&core, &mut info);
        }
        for g in items(&groups, "groups") {
            for v in items(&g, "versions") {
                gvs.push(s(&v, "/groupVersion").to_string());
            }
        }
        let lists = join_all(gvs.iter().map(|gv| {
            let path = if gv.contains('/') {
                format!("/apis/{gv}")
            } else {
                format!("/api/{gv}")
            };
            async move { (gv.clone(), self.get(&path).await) }
        }))
        .await;
        for (gv, list) in lists {
            match list {
                Ok(list) => read_resource_list(&gv, &list, &mut info),
                // An unavailable aggregated API (a metrics server down) is skipped, as Helm
                // does with a partial discovery failure.
                Err(ApiError::Status { code, .. }) if code == 503 || code == 404 => {}
                Err(e) => return Err(e),
            }
        }
        Ok(info)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn aggregated_discovery_gives_helms_version_set() {
        let list = json!({"kind": "APIGroupDiscoveryList", "apiVersion": "apidiscovery.k8s.io/v2",
            "items": [{"metadata": {"name": "apps"}, "versions": [{"version": "v1", "resources": [
                {"resource": "deployments", "scope": "Namespaced",
                 "responseKind": {"group": "", "version": "", "kind": "Deployment"},
                 "subresources": [{"subresource": "scale",
                    "responseKind": {"group": "autoscaling", "version": "v1", "kind": "Scale"}}]}]}]}]});
        let mut info = ServerInfo::default();
        assert!(read_aggregated(&list, &mut info));
        let set: Vec<&str> = info.api_versions.iter().map(String::as_str).collect();
        assert_eq!(set, ["apps/v1", "apps/v1/Deployment", "apps/v1/Scale"]);
        assert_eq!(
            info.resource("apps/v1", "Deployment"),
            Some(&ResourceInfo {
                plural: "deployments".into(),
                namespaced: true
            })
        );
        assert_eq!(info.resource("apps/v1", "Scale"), None);
    }

    #[test]
    fn legacy_resource_list() {
        let list = json!({"kind": "APIResourceList", "groupVersion": "v1", "resources": [
            {"name": "namespaces", "namespaced": false, "kind": "Namespace"},
            {"name": "pods", "namespaced": true, "kind": "Pod"},
            {"name": "pods/log", "namespaced": true, "kind": "Pod"}]});
        let mut info = ServerInfo::default();
        read_resource_list("v1", &list, &mut info);
        assert!(!info.resource("v1", "Namespace").unwrap().namespaced);
        assert_eq!(info.resource("v1", "Pod").unwrap().plural, "pods");
        assert!(info.api_versions.contains("v1/Pod"));
        assert!(!read_aggregated(&list, &mut info));
    }
}
