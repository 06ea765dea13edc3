//! `gotemplate`: the built-in renderer. Converts the WIT request into the
//! template crate's Helm data (values keep Go's int64/float64 distinction
//! through typed JSON) and renders with `whelm_template::helm::render`.

use whelm_plugin_sdk::renderer::{Guest, PluginError, RenderRequest, Rendered};
use whelm_template::helm::objects::{FileLoader, Files, KubeVersion, capabilities};
use whelm_template::helm::render::{ChartInput, RenderInput, render};
use whelm_template::json;
use whelm_template::value::Value;

fn parse_json(what: &str, text: &str, typed: bool) -> Result<Value, PluginError> {
    let r = if typed {
        json::unmarshal_typed(text)
    } else {
        json::unmarshal(text)
    };
    r.map_err(|e| PluginError::msg(format!("renderer received invalid {what}: {e}")))
}

/// `.Release.Revision` is a Go `int`; typed JSON gives int64.
fn release_value(text: &str) -> Result<Value, PluginError> {
    let v = parse_json(".Release", text, true)?;
    if let Some(m) = v.as_map()
        && let Some(Value::Int64(r)) = m.get("Revision")
    {
        m.insert("Revision", Value::Int(r));
    }
    Ok(v)
}

/// Reads file `path` of chart number `chart` of the request (the `chart-files` import in the
/// sandbox; natively, whatever the caller serves).
pub type ReadFile = std::rc::Rc<dyn Fn(u32, &str) -> Option<Vec<u8>>>;

/// Builds the template crate's input from the WIT request, consuming it so that each
/// template's bytes are moved rather than copied; `.Files` are read through `read` on demand.
pub fn build_input(req: RenderRequest, read: ReadFile) -> Result<RenderInput, PluginError> {
    let mut charts = Vec::with_capacity(req.charts.len());
    for (index, c) in req.charts.into_iter().enumerate() {
        let templates = c
            .templates
            .into_iter()
            .map(|f| {
                let text = String::from_utf8(f.data)
                    .unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned());
                (f.path, text)
            })
            .collect();
        let read = read.clone();
        let loader: FileLoader = std::rc::Rc::new(move |path: &str| read(index as u32, path));
        let files = Files::lazy(c.files, loader);
        charts.push(ChartInput {
            path: c.path.clone(),
            metadata: parse_json(".Chart", &c.metadata, false)?,
            templates,
            files,
            values: parse_json(".Values", &c.values, true)?,
        });
    }
    let caps = &req.capabilities;
    let kube = KubeVersion::parse(&caps.kube_version)
        .ok_or_else(|| PluginError::msg(format!("invalid kube version {:?}", caps.kube_version)))?;
    let helm_version = parse_json(".Capabilities.HelmVersion", &caps.helm_version, false)?;
    Ok(RenderInput {
        charts,
        release: release_value(&req.release)?,
        capabilities: capabilities(kube, caps.api_versions.clone(), helm_version),
    })
}

/// Renders a request (the component export calls this, reading files from the host).
pub fn render_request(req: RenderRequest, read: ReadFile) -> Result<Vec<Rendered>, PluginError> {
    let lint = req.lint;
    let input = build_input(req, read)?;
    let mut engine = whelm_template::Engine::new();
    #[cfg(target_arch = "wasm32")]
    engine.set_lookup(Box::new(host_lookup));
    engine.set_lint_mode(lint);
    let out = render(&input, &mut engine).map_err(|e| PluginError::msg(e.helm_message()))?;
    // In the sandbox the instance is thrown away after this call: freeing the parse trees
    // and values one allocation at a time would only cost time (a tenth of a large chart's
    // render). Natively (benches, tests) they are dropped as usual.
    #[cfg(target_arch = "wasm32")]
    {
        std::mem::forget(engine);
        std::mem::forget(input);
    }
    Ok(out
        .into_iter()
        .map(|(path, content)| Rendered { path, content })
        .collect())
}

/// Helm's `lookup` through the host's `cluster` import: the object (or list) as Kubernetes'
/// unstructured decoding gives it (integers int64, other numbers float64), an empty map when
/// it does not exist — and always an empty map under `whelm template`, where the host answers
/// nothing.
#[cfg(target_arch = "wasm32")]
fn host_lookup(
    api_version: &str,
    kind: &str,
    namespace: &str,
    name: &str,
) -> Result<whelm_template::Value, String> {
    match whelm_plugin_sdk::renderer::lookup(api_version, kind, namespace, name)? {
        None => Ok(whelm_template::Value::empty_map()),
        Some(json) => whelm_template::json::unmarshal_typed(&json),
    }
}

#[cfg_attr(not(target_arch = "wasm32"), allow(dead_code))]
struct GoTemplate;

impl Guest for GoTemplate {
    fn render(request: RenderRequest) -> Result<Vec<Rendered>, PluginError> {
        #[cfg(target_arch = "wasm32")]
        let read: ReadFile = std::rc::Rc::new(|chart, path| {
            whelm_plugin_sdk::renderer::read_chart_file(chart, path)
        });
        #[cfg(not(target_arch = "wasm32"))]
        let read: ReadFile = std::rc::Rc::new(|_, _| None);
        render_request(request, read)
    }
}

#[cfg(target_arch = "wasm32")]
whelm_plugin_sdk::renderer::export!(GoTemplate);
