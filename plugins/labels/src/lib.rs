//! `labels`: a post-renderer that adds common labels and annotations.
//!
//! Arguments (`--post-renderer-args`), each `key=value`:
//! - `team=core` or `label:team=core` adds the label `team: core`;
//! - `annotation:owner=ops` adds the annotation `owner: ops`.
//!
//! Labels go on every object's `metadata.labels` and on pod templates
//! (`spec.template.metadata.labels`, and `spec.jobTemplate.spec.template` for
//! CronJobs) so that pods carry them too; selectors are never touched, since
//! changing a selector breaks upgrades of Deployments. Existing keys are
//! overwritten, as `kubectl label --overwrite` does.

use serde_norway::{Mapping, Value};
use whelm_plugin_sdk::manifests::{join_documents, split_documents};
#[cfg(target_arch = "wasm32")]
use whelm_plugin_sdk::post_renderer::export;
use whelm_plugin_sdk::post_renderer::{Guest, PluginError};

/// What to add.
#[derive(Debug, Default, PartialEq)]
pub struct Additions {
    pub labels: Vec<(String, String)>,
    pub annotations: Vec<(String, String)>,
}

/// Parses the plugin's arguments.
pub fn parse_args(args: &[String]) -> Result<Additions, String> {
    let mut add = Additions::default();
    for arg in args {
        let (target, kv) = if let Some(rest) = arg.strip_prefix("annotation:") {
            (&mut add.annotations, rest)
        } else {
            (&mut add.labels, arg.strip_prefix("label:").unwrap_or(arg))
        };
        let Some((k, v)) = kv.split_once('=') else {
            return Err(format!(
                "argument {arg:?} is not key=value (use `team=core` for a label or \
                 `annotation:owner=ops` for an annotation)"
            ));
        };
        if k.is_empty() {
            return Err(format!("argument {arg:?} has an empty key"));
        }
        target.push((k.to_string(), v.to_string()));
    }
    Ok(add)
}

fn merge_into(meta: &mut Mapping, field: &str, pairs: &[(String, String)]) {
    if pairs.is_empty() {
        return;
    }
    let entry = meta
        .entry(Value::String(field.into()))
        .or_insert_with(|| Value::Mapping(Mapping::new()));
    if !entry.is_mapping() {
        *entry = Value::Mapping(Mapping::new());
    }
    if let Value::Mapping(m) = entry {
        for (k, v) in pairs {
            m.insert(Value::String(k.clone()), Value::String(v.clone()));
        }
    }
}

fn metadata_of(obj: &mut Value) -> Option<&mut Mapping> {
    let map = obj.as_mapping_mut()?;
    let meta = map
        .entry(Value::String("metadata".into()))
        .or_insert_with(|| Value::Mapping(Mapping::new()));
    meta.as_mapping_mut()
}

fn get_path_mut<'a>(obj: &'a mut Value, path: &[&str]) -> Option<&'a mut Value> {
    let mut cur = obj;
    for key in path {
        cur = cur.as_mapping_mut()?.get_mut(*key)?;
    }
    Some(cur)
}

/// Adds the labels/annotations to one object.
pub fn label_object(obj: &mut Value, add: &Additions) {
    if let Some(meta) = metadata_of(obj) {
        merge_into(meta, "labels", &add.labels);
        merge_into(meta, "annotations", &add.annotations);
    }
    for path in [
        &["spec", "template"][..],
        &["spec", "jobTemplate", "spec", "template"][..],
    ] {
        if let Some(meta) = get_path_mut(obj, path).and_then(metadata_of) {
            merge_into(meta, "labels", &add.labels);
        }
    }
}

/// Rewrites a manifest stream. Comment lines before a document (such as
/// `# Source:`) are kept; the document itself is re-serialised.
pub fn rewrite(stream: &str, add: &Additions) -> Result<String, String> {
    let mut out = Vec::new();
    for (i, doc) in split_documents(stream).into_iter().enumerate() {
        let header: String = doc
            .lines()
            .take_while(|l| l.starts_with('#'))
            .map(|l| format!("{l}\n"))
            .collect();
        let mut value: Value = serde_norway::from_str(doc)
            .map_err(|e| format!("document {} is not valid YAML: {e}", i + 1))?;
        if value.is_null() {
            continue;
        }
        label_object(&mut value, add);
        let body = serde_norway::to_string(&value)
            .map_err(|e| format!("document {}: cannot serialise: {e}", i + 1))?;
        out.push(format!("{header}{body}"));
    }
    Ok(join_documents(&out))
}

#[cfg_attr(not(target_arch = "wasm32"), allow(dead_code))]
struct Labels;

impl Guest for Labels {
    fn post_render(manifests: String, args: Vec<String>) -> Result<String, PluginError> {
        let add = parse_args(&args).map_err(PluginError::msg)?;
        rewrite(&manifests, &add).map_err(PluginError::msg)
    }
}

// The component export only exists in the wasm32 build; natively this crate is
// a library so its logic can be unit-tested.
#[cfg(target_arch = "wasm32")]
export!(Labels);

#[cfg(test)]
mod tests {
    use super::*;

    fn args(a: &[&str]) -> Vec<String> {
        a.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn parses_labels_and_annotations() {
        let add = parse_args(&args(&[
            "team=core",
            "label:tier=web",
            "annotation:owner=ops",
        ]))
        .unwrap();
        assert_eq!(
            add.labels,
            vec![
                ("team".into(), "core".into()),
                ("tier".into(), "web".into())
            ]
        );
        assert_eq!(add.annotations, vec![("owner".into(), "ops".into())]);
        assert!(
            parse_args(&args(&["nokey"]))
                .unwrap_err()
                .contains("not key=value")
        );
        assert!(
            parse_args(&args(&["=v"]))
                .unwrap_err()
                .contains("empty key")
        );
    }

    #[test]
    fn labels_objects_and_pod_templates_but_not_selectors() {
        let input = "---\n# Source: c/templates/d.yaml\napiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: d\nspec:\n  selector:\n    matchLabels:\n      app: d\n  template:\n    metadata:\n      labels:\n        app: d\n---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\n  labels:\n    team: old\n";
        let add = parse_args(&args(&["team=core", "annotation:owner=ops"])).unwrap();
        let out = rewrite(input, &add).unwrap();
        let docs = split_documents(&out);
        assert_eq!(docs.len(), 2);
        assert!(docs[0].starts_with("# Source: c/templates/d.yaml\n"));
        let d: Value = serde_norway::from_str(docs[0]).unwrap();
        assert_eq!(d["metadata"]["labels"]["team"], Value::from("core"));
        assert_eq!(d["metadata"]["annotations"]["owner"], Value::from("ops"));
        assert_eq!(
            d["spec"]["template"]["metadata"]["labels"]["team"],
            Value::from("core")
        );
        assert_eq!(
            d["spec"]["template"]["metadata"]["labels"]["app"],
            Value::from("d")
        );
        assert!(d["spec"]["selector"]["matchLabels"].get("team").is_none());
        let c: Value = serde_norway::from_str(docs[1]).unwrap();
        assert_eq!(c["metadata"]["labels"]["team"], Value::from("core"));
    }

    #[test]
    fn invalid_yaml_is_reported_with_its_document_number() {
        let err = rewrite("---\nkind: A\n---\nkind: [\n", &Additions::default()).unwrap_err();
        assert!(err.starts_with("document 2 is not valid YAML"), "{err}");
    }
}
