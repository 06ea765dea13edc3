//! Rendering a chart tree as Helm's `engine.Render` does: every template of
//! every chart in one template set, parsed deepest path first (so the
//! shallowest, lexically smallest `define` of a name wins), then each
//! non-partial template executed with its own chart's data, and every
//! `<no value>` removed from the output.

use std::rc::Rc;

use crate::engine::{Engine, Error};
use crate::value::{Map, Value};

use super::objects::Files;

/// One chart of the tree, as the host sends it.
pub struct ChartInput {
    /// Template path prefix, e.g. `mychart` or `mychart/charts/sub`.
    pub path: String,
    /// `.Chart`.
    pub metadata: Value,
    /// `(full template name, text)`, e.g. `mychart/templates/x.yaml`.
    pub templates: Vec<(String, String)>,
    /// `.Files`.
    pub files: Files,
    /// `.Values`, already coalesced and scoped to this chart.
    pub values: Value,
}

/// What Helm's `Render` receives.
pub struct RenderInput {
    pub charts: Vec<ChartInput>,
    /// `.Release`.
    pub release: Value,
    /// `.Capabilities`.
    pub capabilities: Value,
}

/// The data of each chart (Helm's `next` map in `recAllTpls`): `.Values`,
/// `.Chart`, `.Release`, `.Capabilities`, `.Files`, and `.Subcharts` — the
/// same data of each direct subchart, by name (the last path segment).
fn chart_data(input: &RenderInput) -> Vec<Map> {
    let data: Vec<Map> = input
        .charts
        .iter()
        .map(|c| {
            let d = Map::new();
            d.insert("Values", c.values.clone());
            d.insert("Chart", c.metadata.clone());
            d.insert("Release", input.release.clone());
            d.insert("Capabilities", input.capabilities.clone());
            d.insert("Files", Value::Object(Rc::new(c.files.clone())));
            d.insert("Subcharts", Value::Map(Map::new()));
            d
        })
        .collect();
    for (i, c) in input.charts.iter().enumerate() {
        let Some((parent_path, name)) = c.path.rsplit_once("/charts/") else {
            continue;
        };
        if let Some(pi) = input.charts.iter().position(|p| p.path == parent_path)
            && let Some(Value::Map(subs)) = data[pi].get("Subcharts")
        {
            subs.insert(name, Value::Map(data[i].clone()));
        }
    }
    data
}

/// Helm's template order: more path components first, then reverse
/// lexical order (`sort.Reverse(byPathLen)`).
fn parse_order(names: &mut [(String, usize)]) {
    names.sort_by(|(a, _), (b, _)| {
        let (ca, cb) = (a.matches('/').count(), b.matches('/').count());
        cb.cmp(&ca).then_with(|| b.cmp(a))
    });
}

/// Renders every non-partial template; returns `(name, output)` sorted by name.
pub fn render(input: &RenderInput, engine: &mut Engine) -> Result<Vec<(String, String)>, Error> {
    let mut names: Vec<(String, usize)> = Vec::new();
    for (ci, c) in input.charts.iter().enumerate() {
        // A library chart contributes only its partials (`_*.tpl`), as in Helm.
        let library = c
            .metadata
            .as_map()
            .and_then(|m| m.get("Type"))
            .is_some_and(|t| t.as_str() == Some("library"));
        for (name, _) in &c.templates {
            let base = name.rsplit('/').next().unwrap_or(name);
            if library && !base.starts_with('_') {
                continue;
            }
            names.push((name.clone(), ci));
        }
    }
    parse_order(&mut names);
    let text_of = |name: &str, ci: usize| -> &str {
        input.charts[ci]
            .templates
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, t)| t.as_str())
            .unwrap_or("")
    };
    for (name, ci) in &names {
        engine.add_template(name, text_of(name, *ci))?;
    }
    let data = chart_data(input);
    let mut out = Vec::new();
    for (name, ci) in &names {
        let base = name.rsplit('/').next().unwrap_or(name);
        if base.starts_with('_') {
            continue;
        }
        let chart = &input.charts[*ci];
        // Each template gets its chart's data plus its own `.Template`.
        let d = data[*ci].shallow_clone();
        let tmpl = Map::new();
        tmpl.insert("Name", Value::str(name));
        tmpl.insert("BasePath", Value::str(format!("{}/templates", chart.path)));
        d.insert("Template", Value::Map(tmpl));
        let rendered = engine.render(name, &Value::Map(d))?;
        out.push((name.clone(), rendered.replace("<no value>", "")));
    }
    out.sort_by(|a, b| a.0.cmp(&b.0));
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parse_order_is_deepest_first_then_reverse_lexical() {
        let mut v: Vec<(String, usize)> = [
            "c/templates/b.yaml",
            "c/charts/s/templates/_h.tpl",
            "c/templates/_a.tpl",
            "c/templates/z/x.yaml",
        ]
        .iter()
        .map(|s| (s.to_string(), 0))
        .collect();
        parse_order(&mut v);
        let names: Vec<&str> = v.iter().map(|(n, _)| n.as_str()).collect();
        assert_eq!(
            names,
            [
                "c/charts/s/templates/_h.tpl",
                "c/templates/z/x.yaml",
                "c/templates/b.yaml",
                "c/templates/_a.tpl"
            ]
        );
    }
}
