//! The release store's view of the cluster: Secrets or ConfigMaps of one namespace
//! ([`KubeObjects`]), over plain REST calls. An empty namespace lists across all namespaces
//! (`whelm list -A`).

use std::sync::Arc;

use async_trait::async_trait;
use http::Method;
use serde_json::Value;

use super::client::{ApiError, Cluster, META_ACCEPT, META_LIST_ACCEPT, query_escape};
use super::proto;
use crate::storage::Labels;
use crate::storage::kube::{Kind, KubeError, KubeObjects};

/// Secrets/ConfigMaps of `namespace` (all namespaces when empty, for listing).
pub struct NamespacedObjects {
    cluster: Arc<Cluster>,
    namespace: String,
}

impl NamespacedObjects {
    pub fn new(cluster: Arc<Cluster>, namespace: &str) -> NamespacedObjects {
        NamespacedObjects {
            cluster,
            namespace: namespace.to_string(),
        }
    }

    fn collection(&self, kind: Kind) -> String {
        let plural = match kind {
            Kind::Secret => "secrets",
            Kind::ConfigMap => "configmaps",
        };
        if self.namespace.is_empty() {
            format!("/api/v1/{plural}")
        } else {
            format!("/api/v1/namespaces/{}/{plural}", self.namespace)
        }
    }

    fn object_path(&self, kind: Kind, name: &str) -> String {
        format!("{}/{}", self.collection(kind), name)
    }

    /// One request: `body` sent as JSON, the answer as `accept` asks, errors as the store
    /// sees them.
    async fn send(
        &self,
        method: Method,
        path: &str,
        body: Option<&Value>,
        accept: Option<&str>,
    ) -> Result<Value, KubeError> {
        let body = body
            .map(serde_json::to_vec)
            .transpose()
            .map_err(|e| KubeError::Other(e.to_string()))?;
        let content_type = body.is_some().then_some("application/json");
        self.cluster
            .call_accept(method, path, content_type, body, accept)
            .await
            .map_err(kube_error)
    }

    /// A write of `object`: as protobuf when [`proto::encode`] can (a release's payload then
    /// travels, and is decoded by the apiserver, as it is stored), else as JSON. Asks for
    /// metadata only in answer ([`META_ACCEPT`]): the store discards it.
    async fn write(
        &self,
        method: Method,
        path: &str,
        kind: Kind,
        object: &Value,
    ) -> Result<(), KubeError> {
        let Some(body) = proto::encode(kind, object) else {
            return self
                .send(method, path, Some(object), Some(META_ACCEPT))
                .await
                .map(drop);
        };
        let content_type = Some(proto::CONTENT_TYPE);
        self.cluster
            .call_accept(method, path, content_type, Some(body), Some(META_ACCEPT))
            .await
            .map(drop)
            .map_err(kube_error)
    }

    async fn list_accept(
        &self,
        kind: Kind,
        labels: &Labels,
        accept: Option<&str>,
    ) -> Result<Vec<Value>, KubeError> {
        let mut path = self.collection(kind);
        if !labels.is_empty() {
            path.push_str("?labelSelector=");
            path.push_str(&query_escape(&selector(labels)));
        }
        let list = self.send(Method::GET, &path, None, accept).await?;
        match list {
            Value::Object(mut m) => match m.remove("items") {
                Some(Value::Array(items)) => Ok(items),
                Some(Value::Null) | None => Ok(Vec::new()),
                Some(_) => Err(KubeError::Other(format!("GET {path}: items is not a list"))),
            },
            Value::Null => Ok(Vec::new()),
            _ => Err(KubeError::Other(format!("GET {path}: not a list"))),
        }
    }
}

fn kube_error(e: ApiError) -> KubeError {
    if e.is_not_found() {
        KubeError::NotFound
    } else if e.is_already_exists() {
        KubeError::AlreadyExists
    } else {
        KubeError::Other(e.to_string())
    }
}

/// `k1=v1,k2=v2` for a label selector.
pub fn selector(labels: &Labels) -> String {
    labels
        .iter()
        .map(|(k, v)| format!("{k}={v}"))
        .collect::<Vec<_>>()
        .join(",")
}

#[async_trait]
impl KubeObjects for NamespacedObjects {
    async fn get(&self, kind: Kind, name: &str) -> Result<Value, KubeError> {
        self.send(Method::GET, &self.object_path(kind, name), None, None)
            .await
    }

    async fn list(&self, kind: Kind, labels: &Labels) -> Result<Vec<Value>, KubeError> {
        self.list_accept(kind, labels, None).await
    }

    async fn get_meta(&self, kind: Kind, name: &str) -> Result<Value, KubeError> {
        let path = self.object_path(kind, name);
        self.send(Method::GET, &path, None, Some(META_ACCEPT)).await
    }

    async fn list_meta(&self, kind: Kind, labels: &Labels) -> Result<Vec<Value>, KubeError> {
        self.list_accept(kind, labels, Some(META_LIST_ACCEPT)).await
    }

    fn namespace(&self) -> &str {
        &self.namespace
    }

    async fn create(&self, kind: Kind, object: Value) -> Result<(), KubeError> {
        self.write(Method::POST, &self.collection(kind), kind, &object)
            .await
    }

    async fn update(&self, kind: Kind, object: Value) -> Result<(), KubeError> {
        let name = object
            .pointer("/metadata/name")
            .and_then(Value::as_str)
            .unwrap_or_default();
        self.write(Method::PUT, &self.object_path(kind, name), kind, &object)
            .await
    }

    async fn delete(&self, kind: Kind, name: &str) -> Result<(), KubeError> {
        self.send(Method::DELETE, &self.object_path(kind, name), None, None)
            .await
            .map(drop)
    }
}
