//! The host side of Helm's engine: the [`RenderRequest`] sent to the
//! renderer plugin (charts, scoped values, `.Release`, `.Capabilities`),
//! and [`assemble`]: turning the renderer's files into `helm template`'s
//! output (hooks, kind ordering, CRDs, `--show-only`, `--output-dir`).

pub mod assemble;
pub mod kyaml;

use whelm_template::Value;
use whelm_template::value::Map;

use crate::chart::Chart;
use crate::plugin::bindings::v0_1_0::renderer::exports::whelm::plugin::render as wit;
use crate::plugin::bindings::v0_1_0::types::File as WitFile;
use crate::values::coalesce::table;

pub use wit::{Capabilities, RenderRequest, Rendered};

/// Kubernetes version `helm template` assumes (helm 4.3.1).
pub const DEFAULT_KUBE_VERSION: &str = "v1.37.0";

/// `.Capabilities.HelmVersion` of helm 4.3.1, as JSON.
pub const HELM_VERSION_JSON: &str = r#"{"version":"v4.3.1","git_commit":"c0d08d0d6d9424d4a14febb5e8a3e51b0dd00dff","git_tree_state":"clean","go_version":"go1.27.2","kube_client_version":"v1.37"}"#;

/// The API versions helm 4.3.1 reports without a cluster, in its order.
pub const DEFAULT_API_VERSIONS: [&str; 57] = [
    "v1",
    "admissionregistration.k8s.io/v1",
    "admissionregistration.k8s.io/v1alpha1",
    "admissionregistration.k8s.io/v1beta1",
    "internal.apiserver.k8s.io/v1alpha1",
    "apps/v1",
    "apps/v1beta1",
    "apps/v1beta2",
    "authentication.k8s.io/v1",
    "authentication.k8s.io/v1alpha1",
    "authentication.k8s.io/v1beta1",
    "authorization.k8s.io/v1",
    "authorization.k8s.io/v1beta1",
    "autoscaling/v1",
    "autoscaling/v2",
    "batch/v1",
    "batch/v1beta1",
    "certificates.k8s.io/v1",
    "certificates.k8s.io/v1beta1",
    "certificates.k8s.io/v1alpha1",
    "coordination.k8s.io/v1alpha2",
    "coordination.k8s.io/v1beta1",
    "coordination.k8s.io/v1",
    "discovery.k8s.io/v1",
    "discovery.k8s.io/v1beta1",
    "events.k8s.io/v1",
    "events.k8s.io/v1beta1",
    "extensions/v1beta1",
    "flowcontrol.apiserver.k8s.io/v1",
    "flowcontrol.apiserver.k8s.io/v1beta1",
    "flowcontrol.apiserver.k8s.io/v1beta2",
    "flowcontrol.apiserver.k8s.io/v1beta3",
    "lifecycle.k8s.io/v1alpha1",
    "networking.k8s.io/v1",
    "networking.k8s.io/v1beta1",
    "node.k8s.io/v1",
    "node.k8s.io/v1alpha1",
    "node.k8s.io/v1beta1",
    "policy/v1",
    "policy/v1beta1",
    "rbac.authorization.k8s.io/v1",
    "rbac.authorization.k8s.io/v1beta1",
    "rbac.authorization.k8s.io/v1alpha1",
    "resource.k8s.io/v1",
    "resource.k8s.io/v1beta2",
    "resource.k8s.io/v1beta1",
    "resource.k8s.io/v1alpha3",
    "scheduling.k8s.io/v1alpha3",
    "scheduling.k8s.io/v1beta1",
    "scheduling.k8s.io/v1",
    "storage.k8s.io/v1beta1",
    "storage.k8s.io/v1",
    "storage.k8s.io/v1alpha1",
    "storagemigration.k8s.io/v1",
    "storagemigration.k8s.io/v1beta1",
    "apiextensions.k8s.io/v1beta1",
    "apiextensions.k8s.io/v1",
];

/// `.Release` for a render.
#[derive(Clone, Debug)]
pub struct ReleaseOptions {
    pub name: String,
    pub namespace: String,
    pub revision: i64,
    pub is_install: bool,
    pub is_upgrade: bool,
}

impl ReleaseOptions {
    /// `.Release` as JSON, keys in Go's (sorted) map order.
    pub fn to_json(&self) -> String {
        let mut m = std::collections::BTreeMap::new();
        m.insert("IsInstall".to_string(), Value::Bool(self.is_install));
        m.insert("IsUpgrade".to_string(), Value::Bool(self.is_upgrade));
        m.insert("Name".to_string(), Value::str(&self.name));
        m.insert("Namespace".to_string(), Value::str(&self.namespace));
        m.insert("Revision".to_string(), Value::Int(self.revision));
        m.insert("Service".to_string(), Value::str("Helm"));
        typed_json(&Value::map(m)).expect("plain data")
    }
}

/// Helm's `ParseKubeVersion` (k8s `ParseGeneric`): `1.16`, `v1.16.0` → `v1.16.0`-style.
pub fn parse_kube_version(s: &str) -> Result<String, String> {
    let bad = || format!("invalid kube version '{s}': illegal version string {s:?}");
    let t = s.trim();
    let t = t.strip_prefix('v').unwrap_or(t);
    let end = t
        .find(|c: char| !(c.is_ascii_digit() || c == '.'))
        .unwrap_or(t.len());
    let (core, rest) = t.split_at(end);
    let parts: Vec<&str> = core.split('.').collect();
    if parts.len() < 2 || parts.iter().any(|p| p.is_empty()) {
        return Err(bad());
    }
    if !rest.is_empty() && !rest.starts_with(['-', '+']) {
        return Err(bad());
    }
    let nums: Vec<String> = parts
        .iter()
        .map(|p| p.parse::<u64>().map(|n| n.to_string()).map_err(|_| bad()))
        .collect::<Result<_, _>>()?;
    Ok(format!("v{}{rest}", nums.join(".")))
}

/// `.Capabilities` of a live cluster: its version and exactly the API versions it serves.
pub fn cluster_capabilities(git_version: &str, api_versions: Vec<String>) -> wit::Capabilities {
    wit::Capabilities {
        kube_version: git_version.to_string(),
        api_versions,
        helm_version: HELM_VERSION_JSON.to_string(),
    }
}

/// `.Capabilities` for `helm template`: the kube version (default
/// [`DEFAULT_KUBE_VERSION`]) and the default API versions plus `extra`.
pub fn capabilities(kube_version: Option<&str>, extra: &[String]) -> wit::Capabilities {
    let mut api_versions: Vec<String> =
        DEFAULT_API_VERSIONS.iter().map(|s| s.to_string()).collect();
    api_versions.extend(extra.iter().cloned());
    wit::Capabilities {
        kube_version: kube_version.unwrap_or(DEFAULT_KUBE_VERSION).to_string(),
        api_versions,
        helm_version: HELM_VERSION_JSON.to_string(),
    }
}

fn push_json_string(out: &mut String, s: &str) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if (c as u32) < 0x20 => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
}

fn write_typed(out: &mut String, v: &Value) -> Result<(), String> {
    match v {
        Value::Nil => out.push_str("null"),
        Value::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Value::Int(i) | Value::Int64(i) => out.push_str(&i.to_string()),
        Value::Float(f) => {
            if !f.is_finite() {
                return Err(format!("json: unsupported value: {f}"));
            }
            let s = whelm_template::json::format_float(*f);
            out.push_str(&s);
            if !s.contains(['.', 'e', 'E']) {
                out.push_str(".0");
            }
        }
        Value::String(s) => push_json_string(out, s),
        Value::List(l) => {
            out.push('[');
            for (i, e) in l.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_typed(out, e)?;
            }
            out.push(']');
        }
        Value::Map(m) => {
            out.push('{');
            for (i, (k, e)) in m.entries().iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                push_json_string(out, k);
                out.push(':');
                write_typed(out, e)?;
            }
            out.push('}');
        }
        Value::Object(_) => write_typed(out, &v.to_data())?,
    }
    Ok(())
}

/// JSON for the renderer: a float64 always carries a `.` or an exponent
/// (`1.0`), an integer never does, so the renderer can restore Go's types.
pub fn typed_json(v: &Value) -> Result<String, String> {
    let mut out = String::new();
    write_typed(&mut out, v)?;
    Ok(out)
}

fn wit_files(files: &[crate::chart::File], prefix: &str) -> Vec<WitFile> {
    files
        .iter()
        .map(|f| WitFile {
            path: format!("{prefix}{}", f.name),
            data: f.data.to_vec(),
        })
        .collect()
}

/// Serves the renderer's `chart-files` reads for a request built from `chart` by
/// [`build_request`]: chart number `i` is the `i`-th of the same depth-first walk.
pub fn chart_files(chart: &Chart) -> crate::plugin::runtime::ChartFilesFn {
    type Files = Vec<(String, std::sync::Arc<[u8]>)>;
    fn walk(c: &Chart, out: &mut Vec<Files>) {
        out.push(
            c.files
                .iter()
                .map(|f| (f.name.clone(), f.data.clone()))
                .collect(),
        );
        for d in &c.dependencies {
            walk(d, out);
        }
    }
    let mut charts = Vec::new();
    walk(chart, &mut charts);
    std::sync::Arc::new(move |index, path| {
        charts
            .get(index as usize)?
            .iter()
            .find(|(name, _)| name == path)
            .map(|(_, data)| data.to_vec())
    })
}

/// Builds the render request for a processed chart tree (after
/// `process_dependencies`) and its coalesced values: the root first, then
/// each subchart depth first, each with the values its templates see.
pub fn build_request(
    chart: &Chart,
    values: &Map,
    release: &ReleaseOptions,
    capabilities: wit::Capabilities,
) -> Result<RenderRequest, String> {
    let mut charts = Vec::new();
    fn walk(
        c: &Chart,
        path: String,
        vals: Map,
        is_root: bool,
        out: &mut Vec<wit::Chart>,
    ) -> Result<(), String> {
        out.push(wit::Chart {
            path: path.clone(),
            metadata: typed_json(&c.metadata_value(is_root))?,
            templates: wit_files(&c.templates, &format!("{path}/")),
            files: c.files.iter().map(|f| f.name.clone()).collect(),
            values: typed_json(&Value::Map(vals.clone()))
                .map_err(|e| format!("values of {path}: {e}"))?,
        });
        for d in &c.dependencies {
            // Helm's engine: `.Values.<name>` of the parent when it is a table.
            let sub = table(&vals, d.name()).unwrap_or_default();
            walk(d, format!("{path}/charts/{}", d.name()), sub, false, out)?;
        }
        Ok(())
    }
    walk(
        chart,
        chart.name().to_string(),
        values.clone(),
        true,
        &mut charts,
    )?;
    Ok(RenderRequest {
        charts,
        release: release.to_json(),
        capabilities,
        strict: false,
        lint: false,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn typed_numbers() {
        let v = whelm_template::yaml::load("a: 1\nb: 1.5\nc: 1e30\nd: [x, true, null]\n").unwrap();
        let m = v.as_map().unwrap().clone();
        m.insert("e", Value::Int64(7));
        assert_eq!(
            typed_json(&Value::Map(m)).unwrap(),
            r#"{"a":1.0,"b":1.5,"c":1e+30,"d":["x",true,null],"e":7}"#
        );
    }

    #[test]
    fn release_and_caps() {
        let r = ReleaseOptions {
            name: "rel".into(),
            namespace: "ns".into(),
            revision: 1,
            is_install: true,
            is_upgrade: false,
        };
        assert_eq!(
            r.to_json(),
            r#"{"IsInstall":true,"IsUpgrade":false,"Name":"rel","Namespace":"ns","Revision":1,"Service":"Helm"}"#
        );
        assert_eq!(DEFAULT_API_VERSIONS.len(), 57);
        let caps = capabilities(None, &["a/v1".into()]);
        assert_eq!(caps.api_versions.len(), 58);
        assert_eq!(parse_kube_version("1.16.0").unwrap(), "v1.16.0");
        assert_eq!(parse_kube_version("v1.16").unwrap(), "v1.16");
        // Recorded with helm 4.3.1 (`.Capabilities.KubeVersion.Version`).
        assert_eq!(parse_kube_version("1.16.0-rc.1").unwrap(), "v1.16.0-rc.1");
        assert_eq!(
            parse_kube_version("1.x").unwrap_err(),
            "invalid kube version '1.x': illegal version string \"1.x\""
        );
        assert!(parse_kube_version("1").is_err());
    }

    #[test]
    fn request_for_subchart() {
        let p = std::path::Path::new("/work/shared/corpus/charts/helm-subchart");
        if !p.exists() {
            return;
        }
        let mut c = crate::chart::load(p).unwrap();
        let user = Map::new();
        crate::values::coalesce::process_dependencies(&mut c, &user).unwrap();
        let vals = crate::values::coalesce::coalesce_values(&c, &user).unwrap();
        let r = ReleaseOptions {
            name: "rel".into(),
            namespace: "ns".into(),
            revision: 1,
            is_install: true,
            is_upgrade: false,
        };
        let req = build_request(&c, &vals, &r, capabilities(None, &[])).unwrap();
        let paths: Vec<_> = req.charts.iter().map(|c| c.path.as_str()).collect();
        assert_eq!(
            paths,
            [
                "subchart",
                "subchart/charts/subcharta",
                "subchart/charts/subchartb"
            ]
        );
        assert!(
            req.charts[0]
                .templates
                .iter()
                .any(|t| t.path == "subchart/templates/service.yaml")
        );
        assert!(req.charts[1].metadata.contains(r#""IsRoot":false"#));
        assert!(req.charts[0].files.iter().any(|f| f == "crds/crdA.yaml"));
        assert!(req.charts[1].values.contains(r#""SCAfloat":3.1,"#));
        assert!(req.charts[1].values.contains(r#""externalPort":80.0"#));
    }
}
