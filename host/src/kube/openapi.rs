//! Patch metadata from the apiserver's OpenAPI v3 documents, for client-side apply's strategic
//! merge patches.
//!
//! Helm builds a strategic merge patch from the Go struct tags (`patchStrategy`,
//! `patchMergeKey`) of client-go's typed objects. The apiserver publishes the same metadata: the
//! OpenAPI generator turns the `+patchStrategy` / `+patchMergeKey` markers next to those tags
//! into `x-kubernetes-patch-strategy` and `x-kubernetes-patch-merge-key` on each field of
//! `GET /openapi/v3/apis/<group>/<version>` (`/openapi/v3/api/v1` for core). Only these two
//! extensions matter: strategic merge never reads `x-kubernetes-list-type` or
//! `x-kubernetes-list-map-keys` (server-side apply's), which differ from them in places —
//! `Container.ports` merges on `containerPort` alone though its list-map keys are
//! `containerPort` and `protocol`; `tolerations` is an atomic list with no patch strategy.
//!
//! A [`Schema`] is a position in one document; [`Schema::field`] and [`Schema::items`] step to a
//! field (or a list field's elements) the way apimachinery's `PatchMetaFromStruct` steps through
//! Go types, with the same outcomes: a field the type does not have, or a step into a map's
//! values, is an error (the strategic diff raises it only where the two sides differ).

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use http::Method;
use serde_json::{Map, Value};
use tokio::sync::OnceCell;

use super::client::{ApiError, Cluster};

/// The patch metadata of one field: its strategies (`merge`, `replace`, `retainKeys`, or
/// `merge,retainKeys`) and the merge key of a list of maps.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FieldMeta {
    pub strategies: Vec<String>,
    pub merge_key: String,
}

/// A schema in an OpenAPI v3 document (`components.schemas`), with the document to resolve
/// `$ref`s in.
#[derive(Debug, Clone, Copy)]
pub struct Schema<'a> {
    schemas: &'a Map<String, Value>,
    node: &'a Value,
    /// The component the node came from (`io.k8s.api.apps.v1.DeploymentSpec`), for messages.
    name: &'a str,
}

/// The component schemas of a document.
fn components(doc: &Value) -> Option<&Map<String, Value>> {
    doc.pointer("/components/schemas")
        .and_then(Value::as_object)
}

impl<'a> Schema<'a> {
    /// The schema of `kind` in `group`/`version` (core is group ""), found by its
    /// `x-kubernetes-group-version-kind`; `None` when the document has none.
    pub fn for_kind(doc: &'a Value, group: &str, version: &str, kind: &str) -> Option<Schema<'a>> {
        let schemas = components(doc)?;
        schemas.iter().find_map(|(name, node)| {
            let gvks = node.get("x-kubernetes-group-version-kind")?.as_array()?;
            gvks.iter()
                .any(|g| {
                    g["group"].as_str().unwrap_or("") == group
                        && g["version"].as_str() == Some(version)
                        && g["kind"].as_str() == Some(kind)
                })
                .then_some(Schema {
                    schemas,
                    node,
                    name,
                })
        })
    }

    /// The short type name (`DeploymentSpec`), as Go's messages name struct types.
    pub fn type_name(&self) -> &str {
        self.name.rsplit('.').next().unwrap_or(self.name)
    }

    /// Follows `allOf: [{$ref}]` wrappers and `$ref`s to the schema they name.
    fn resolve(mut self) -> Result<Schema<'a>, String> {
        for _ in 0..32 {
            if let Some(first) = self.node.get("allOf").and_then(|a| a.get(0)) {
                self.node = first;
                continue;
            }
            let Some(r) = self.node.get("$ref").and_then(Value::as_str) else {
                return Ok(self);
            };
            let target = r.strip_prefix("#/components/schemas/").unwrap_or(r);
            let Some((name, node)) = self.schemas.get_key_value(target) else {
                return Err(format!("unable to resolve {r} in OpenAPI V3"));
            };
            self.name = name;
            self.node = node;
        }
        Err(format!(
            "unable to resolve {} in OpenAPI V3: too deep",
            self.name
        ))
    }

    /// The field `key` of this (object) schema: its schema and patch metadata.
    fn property(&self, key: &str) -> Result<(Schema<'a>, FieldMeta), String> {
        let props = self.node.get("properties").and_then(Value::as_object);
        let Some(prop) = props.and_then(|p| p.get(key)) else {
            let ty = self.node.get("type").and_then(Value::as_str);
            if props.is_none() && self.node.get("additionalProperties").is_some() {
                // A Go map: its values are not looked up by field.
                return Err(
                    "merging an object in json but data type is not struct, instead is: map"
                        .to_string(),
                );
            }
            if let Some(t) = ty.filter(|t| props.is_none() && *t != "object") {
                return Err(format!(
                    "merging an object in json but data type is not struct, instead is: {t}"
                ));
            }
            return Err(format!(
                "unable to find api field in struct {} for the json field {key:?}",
                self.type_name()
            ));
        };
        let text = |k: &str| prop.get(k).and_then(Value::as_str).unwrap_or("");
        let strategies = text("x-kubernetes-patch-strategy");
        let meta = FieldMeta {
            strategies: if strategies.is_empty() {
                Vec::new()
            } else {
                strategies.split(',').map(str::to_string).collect()
            },
            merge_key: text("x-kubernetes-patch-merge-key").to_string(),
        };
        let sub = Schema {
            node: prop,
            ..*self
        };
        Ok((sub, meta))
    }

    /// apimachinery's `LookupPatchMetadataForStruct`: the schema and metadata of a field whose
    /// value is a map.
    pub fn field(&self, key: &str) -> Result<(Schema<'a>, FieldMeta), String> {
        let (sub, meta) = self.property(key)?;
        Ok((sub.resolve()?, meta))
    }

    /// `LookupPatchMetadataForSlice`: the schema of a list field's elements, and the field's
    /// metadata. (A field without `items` stands for its elements, as upstream's OpenAPI v3
    /// lookup has it.)
    pub fn items(&self, key: &str) -> Result<(Schema<'a>, FieldMeta), String> {
        let (sub, meta) = self.property(key)?;
        let node = sub.node.get("items").unwrap_or(sub.node);
        Ok((Schema { node, ..sub }.resolve()?, meta))
    }
}

/// The group-versions of client-go's scheme (k8s.io/client-go v0.36 `kubernetes/scheme`) plus
/// apiextensions.k8s.io, which Helm adds to it — the very list Helm reports as its default
/// `.Capabilities.APIVersions`, so [`crate::render::DEFAULT_API_VERSIONS`] serves — are the
/// objects Helm converts to typed Go structs and patches with a strategic merge patch. Everything else — custom resources, aggregated
/// APIs, versions client-go does not know — stays unstructured and gets a JSON merge patch.
///
/// Why a list and not a property of the cluster: nothing the apiserver serves says whether a
/// group-version is client-go's. A CRD's OpenAPI document carries patch extensions too (on
/// the `ObjectMeta` it embeds: `finalizers`, `ownerReferences`), and built-in kinds such as
/// ConfigMap have none outside their metadata, so "has patch extensions" cannot tell them apart.
/// The list is short and changes only when Kubernetes adds an API group.
///
/// Whether Helm patches objects of this `apiVersion`/`kind` with a strategic merge patch
/// (typed in client-go's scheme) rather than a JSON merge patch. Helm also sends a JSON merge
/// patch for a v1beta1 CustomResourceDefinition (its `isCRD` check).
pub fn is_strategic(api_version: &str, kind: &str) -> bool {
    if api_version == "apiextensions.k8s.io/v1beta1" && kind == "CustomResourceDefinition" {
        return false;
    }
    crate::render::DEFAULT_API_VERSIONS.contains(&api_version)
}

/// The path of the OpenAPI v3 document of a group-version.
pub fn document_path(api_version: &str) -> String {
    if api_version.contains('/') {
        format!("/openapi/v3/apis/{api_version}")
    } else {
        format!("/openapi/v3/api/{api_version}")
    }
}

/// The OpenAPI v3 documents a run has read, by group-version: each is fetched once, when the
/// first client-side patch of a typed object in it needs it (concurrent applies wait for the
/// one request).
#[derive(Default)]
pub struct Documents(Mutex<HashMap<String, Arc<DocumentCell>>>);

/// One group-version's document, or why it could not be read.
type DocumentCell = OnceCell<Result<Arc<Value>, ApiError>>;

impl Cluster {
    /// The OpenAPI v3 document of `api_version` (`GET /openapi/v3/apis/<group>/<version>`).
    pub async fn openapi_document(&self, api_version: &str) -> Result<Arc<Value>, ApiError> {
        let cell = {
            let mut docs = self.openapi.0.lock().unwrap_or_else(|p| p.into_inner());
            docs.entry(api_version.to_string()).or_default().clone()
        };
        cell.get_or_init(|| async {
            let path = document_path(api_version);
            let doc = self
                .call_accept(Method::GET, &path, None, None, Some("application/json"))
                .await?;
            if components(&doc).is_none() {
                return Err(ApiError::Decode {
                    what: format!("GET {path}"),
                    detail: "not an OpenAPI v3 document (no components.schemas)".into(),
                });
            }
            Ok(Arc::new(doc))
        })
        .await
        .clone()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn doc() -> Value {
        json!({"components": {"schemas": {
            "io.k8s.api.apps.v1.Deployment": {
                "type": "object",
                "properties": {
                    "metadata": {"allOf": [{"$ref": "#/components/schemas/io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta"}], "default": {}},
                    "spec": {"allOf": [{"$ref": "#/components/schemas/io.k8s.api.apps.v1.DeploymentSpec"}]}
                },
                "x-kubernetes-group-version-kind": [{"group": "apps", "kind": "Deployment", "version": "v1"}]
            },
            "io.k8s.api.apps.v1.DeploymentSpec": {
                "type": "object",
                "properties": {
                    "strategy": {"allOf": [{"$ref": "#/components/schemas/io.k8s.api.apps.v1.DeploymentStrategy"}],
                                 "x-kubernetes-patch-strategy": "retainKeys"},
                    "volumes": {"type": "array", "items": {"allOf": [{"$ref": "#/components/schemas/io.k8s.api.core.v1.Volume"}]},
                                "x-kubernetes-patch-strategy": "merge,retainKeys", "x-kubernetes-patch-merge-key": "name",
                                "x-kubernetes-list-type": "map", "x-kubernetes-list-map-keys": ["name"]},
                    "tolerations": {"type": "array", "items": {"type": "string"}, "x-kubernetes-list-type": "atomic"},
                    "replicas": {"type": "integer"}
                }
            },
            "io.k8s.api.apps.v1.DeploymentStrategy": {"type": "object", "properties": {"type": {"type": "string"}}},
            "io.k8s.api.core.v1.Volume": {"type": "object", "properties": {"name": {"type": "string"}}},
            "io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta": {"type": "object", "properties": {
                "labels": {"type": "object", "additionalProperties": {"type": "string"}},
                "finalizers": {"type": "array", "items": {"type": "string", "default": ""},
                               "x-kubernetes-patch-strategy": "merge", "x-kubernetes-list-type": "set"}
            }}
        }}})
    }

    #[test]
    fn steps_through_refs_and_reads_only_the_patch_extensions() {
        let d = doc();
        let root = Schema::for_kind(&d, "apps", "v1", "Deployment").unwrap();
        assert!(Schema::for_kind(&d, "apps", "v1", "StatefulSet").is_none());
        assert!(Schema::for_kind(&d, "", "v1", "Deployment").is_none());
        let (spec, meta) = root.field("spec").unwrap();
        assert_eq!(meta, FieldMeta::default());
        assert_eq!(spec.type_name(), "DeploymentSpec");
        let (strategy, meta) = spec.field("strategy").unwrap();
        assert_eq!(meta.strategies, ["retainKeys"]);
        assert_eq!(strategy.type_name(), "DeploymentStrategy");
        let (vol, meta) = spec.items("volumes").unwrap();
        assert_eq!(meta.strategies, ["merge", "retainKeys"]);
        assert_eq!(meta.merge_key, "name");
        assert_eq!(vol.type_name(), "Volume");
        // list-type alone is no patch strategy.
        let (_, meta) = spec.items("tolerations").unwrap();
        assert_eq!(meta, FieldMeta::default());
        let (om, _) = root.field("metadata").unwrap();
        let (_, meta) = om.items("finalizers").unwrap();
        assert_eq!(meta.strategies, ["merge"]);
        assert_eq!(meta.merge_key, "");
    }

    #[test]
    fn missing_fields_and_maps_are_errors_as_in_go() {
        let d = doc();
        let root = Schema::for_kind(&d, "apps", "v1", "Deployment").unwrap();
        let (spec, _) = root.field("spec").unwrap();
        assert_eq!(
            spec.field("nope").unwrap_err(),
            "unable to find api field in struct DeploymentSpec for the json field \"nope\""
        );
        let (om, _) = root.field("metadata").unwrap();
        let (labels, _) = om.field("labels").unwrap();
        assert!(labels.field("app").unwrap_err().contains("instead is: map"));
        let broken = json!({"components": {"schemas": {
            "A": {"type": "object", "properties": {"b": {"$ref": "#/components/schemas/Gone"}},
                  "x-kubernetes-group-version-kind": [{"group": "", "kind": "A", "version": "v1"}]}}}});
        let a = Schema::for_kind(&broken, "", "v1", "A").unwrap();
        assert_eq!(
            a.field("b").unwrap_err(),
            "unable to resolve #/components/schemas/Gone in OpenAPI V3"
        );
    }

    #[test]
    fn strategic_kinds_are_client_gos() {
        assert!(is_strategic("v1", "ConfigMap"));
        assert!(is_strategic("apps/v1", "Deployment"));
        assert!(is_strategic(
            "apiextensions.k8s.io/v1",
            "CustomResourceDefinition"
        ));
        assert!(!is_strategic(
            "apiextensions.k8s.io/v1beta1",
            "CustomResourceDefinition"
        ));
        // CRD-served groups, even under k8s.io.
        assert!(!is_strategic("gateway.networking.k8s.io/v1", "Gateway"));
        assert!(!is_strategic(
            "snapshot.storage.k8s.io/v1",
            "VolumeSnapshot"
        ));
        assert!(!is_strategic("example.com/v1", "Widget"));
        assert_eq!(document_path("v1"), "/openapi/v3/api/v1");
        assert_eq!(document_path("apps/v1"), "/openapi/v3/apis/apps/v1");
    }
}
