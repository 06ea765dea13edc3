//! `Chart.yaml` (and `requirements.yaml`) decoded as Go's `encoding/json`
//! decodes them into Helm's `chart.Metadata` after sigs.k8s.io/yaml's YAML →
//! JSON step: unknown keys ignored, keys matched case-insensitively, `null`
//! leaves a field unset, and a wrong type is an error naming the field.

use std::collections::BTreeMap;

use whelm_template::Value;
use whelm_template::value::Map;

/// A chart maintainer.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Maintainer {
    pub name: String,
    pub email: String,
    pub url: String,
}

/// An entry of `dependencies` in `Chart.yaml` (or `requirements.yaml`).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Dependency {
    pub name: String,
    pub version: String,
    pub repository: String,
    pub condition: String,
    pub tags: Vec<String>,
    pub enabled: bool,
    /// Strings or `{child, parent}` maps.
    pub import_values: Vec<Value>,
    pub alias: String,
}

/// `Chart.yaml`.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Metadata {
    pub name: String,
    pub home: String,
    pub sources: Vec<String>,
    pub version: String,
    pub description: String,
    pub keywords: Vec<String>,
    pub maintainers: Vec<Maintainer>,
    pub icon: String,
    pub api_version: String,
    pub condition: String,
    pub tags: String,
    pub app_version: String,
    pub deprecated: bool,
    pub annotations: Option<BTreeMap<String, String>>,
    pub kube_version: String,
    pub dependencies: Vec<Dependency>,
    /// `type`: `application`, `library` or empty.
    pub chart_type: String,
}

fn json_kind(v: &Value) -> &'static str {
    match v {
        Value::Bool(_) => "bool",
        Value::String(_) => "string",
        Value::List(_) => "array",
        Value::Map(_) => "object",
        Value::Nil => "null",
        _ => "number",
    }
}

/// encoding/json's error for a struct field (go1.27 names the field by its
/// JSON path: `.maintainers.0.name`).
fn type_error(v: &Value, path: &str, ty: &str) -> String {
    format!(
        "error unmarshaling JSON: while decoding JSON: json: cannot unmarshal {} into Go struct field {path} of type {ty}",
        json_kind(v)
    )
}

/// encoding/json's error for an element of a slice (`.keywords.0`).
fn elem_error(v: &Value, path: &str, ty: &str) -> String {
    format!(
        "error unmarshaling JSON: while decoding JSON: json: cannot unmarshal {} into {path} of type {ty}",
        json_kind(v)
    )
}

/// Looks a struct field up as encoding/json does: exact key first, then a
/// case-insensitive match.
fn field(m: &Map, key: &str) -> Option<Value> {
    m.get(key).or_else(|| {
        m.entries()
            .into_iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(key))
            .map(|(_, v)| v)
    })
}

/// sigs.k8s.io/yaml converts a YAML scalar to the string a `string` field
/// wants before JSON decoding: `version: 1.0` is "1", `appVersion: 1.50` is
/// "1.5" (floats through `FormatFloat(f, 'g', -1, 32)`), `true` is "true".
/// Numbers reach us as float64 already; integral ones print as integers, as
/// the YAML integers they almost always were.
fn scalar_string(v: &Value) -> Option<String> {
    match v {
        Value::String(s) => Some(s.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        Value::Int(i) | Value::Int64(i) => Some(i.to_string()),
        Value::Float(f) if f.fract() == 0.0 && f.abs() < 1e18 => Some((*f as i64).to_string()),
        Value::Float(f) => {
            let x = *f as f32;
            let shortest: f64 = format!("{x:e}").parse().unwrap_or(*f);
            Some(whelm_template::num::format_float(shortest, 'g', -1))
        }
        _ => None,
    }
}

fn set_string(m: &Map, key: &str, path: &str, out: &mut String) -> Result<(), String> {
    match field(m, key) {
        None | Some(Value::Nil) => Ok(()),
        Some(v) => match scalar_string(&v) {
            Some(s) => {
                *out = s;
                Ok(())
            }
            None => Err(type_error(&v, &format!("{path}.{key}"), "string")),
        },
    }
}

fn set_bool(m: &Map, key: &str, path: &str, out: &mut bool) -> Result<(), String> {
    match field(m, key) {
        None | Some(Value::Nil) => Ok(()),
        Some(Value::Bool(b)) => {
            *out = b;
            Ok(())
        }
        Some(v) => Err(type_error(&v, &format!("{path}.{key}"), "bool")),
    }
}

fn set_strings(m: &Map, key: &str, path: &str, out: &mut Vec<String>) -> Result<(), String> {
    let full = format!("{path}.{key}");
    match field(m, key) {
        None => Ok(()),
        Some(Value::Nil) => {
            out.clear();
            Ok(())
        }
        Some(Value::List(l)) => {
            *out = l
                .iter()
                .enumerate()
                .map(|(i, e)| match e {
                    Value::Nil => Ok(String::new()),
                    v => scalar_string(v)
                        .ok_or_else(|| elem_error(v, &format!("{full}.{i}"), "string")),
                })
                .collect::<Result<_, _>>()?;
            Ok(())
        }
        Some(v) => Err(type_error(&v, &full, "[]string")),
    }
}

fn list_of_maps(
    m: &Map,
    key: &str,
    path: &str,
    ty: &str,
    null_msg: &str,
) -> Result<Option<Vec<Map>>, String> {
    match field(m, key) {
        None => Ok(None),
        Some(Value::Nil) => Ok(Some(Vec::new())),
        Some(Value::List(l)) => l
            .iter()
            .enumerate()
            .map(|(i, e)| match e {
                Value::Map(m) => Ok(m.clone()),
                Value::Nil => Err(null_msg.to_string()),
                v => Err(elem_error(v, &format!("{path}.{key}.{i}"), ty)),
            })
            .collect::<Result<Vec<_>, _>>()
            .map(Some),
        Some(v) => Err(type_error(
            &v,
            &format!("{path}.{key}"),
            &format!("[]*{ty}"),
        )),
    }
}

impl Dependency {
    fn decode(m: &Map, i: usize) -> Result<Dependency, String> {
        let p = &format!(".dependencies.{i}");
        let mut d = Dependency::default();
        set_string(m, "name", p, &mut d.name)?;
        set_string(m, "version", p, &mut d.version)?;
        set_string(m, "repository", p, &mut d.repository)?;
        set_string(m, "condition", p, &mut d.condition)?;
        set_strings(m, "tags", p, &mut d.tags)?;
        set_bool(m, "enabled", p, &mut d.enabled)?;
        set_string(m, "alias", p, &mut d.alias)?;
        match field(m, "import-values") {
            None | Some(Value::Nil) => {}
            Some(Value::List(l)) => d.import_values = l.as_ref().clone(),
            Some(v) => {
                return Err(type_error(
                    &v,
                    &format!("{p}.import-values"),
                    "[]interface {}",
                ));
            }
        }
        Ok(d)
    }

    /// The dependency as `.Chart.Dependencies` shows it (Go field names).
    pub fn as_go_map(&self) -> Value {
        let mut m = BTreeMap::new();
        m.insert("Name".into(), Value::str(&self.name));
        m.insert("Version".into(), Value::str(&self.version));
        m.insert("Repository".into(), Value::str(&self.repository));
        m.insert("Condition".into(), Value::str(&self.condition));
        m.insert("Tags".into(), strings(&self.tags));
        m.insert("Enabled".into(), Value::Bool(self.enabled));
        m.insert(
            "ImportValues".into(),
            Value::list(self.import_values.clone()),
        );
        m.insert("Alias".into(), Value::str(&self.alias));
        Value::map(m)
    }

    /// Name, or alias when set (the key of its values and its chart name).
    pub fn effective_name(&self) -> &str {
        if self.alias.is_empty() {
            &self.name
        } else {
            &self.alias
        }
    }
}

fn strings(v: &[String]) -> Value {
    Value::list(v.iter().map(Value::str).collect())
}

/// Go's `sanitizeString`: whitespace becomes a space, unprintable runes go.
fn sanitize(s: &mut String) {
    *s = s
        .chars()
        .filter_map(|c| {
            if c.is_whitespace() {
                Some(' ')
            } else if c.is_control() || matches!(c, '\u{200b}'..='\u{200f}' | '\u{feff}') {
                None
            } else {
                Some(c)
            }
        })
        .collect();
}

fn alias_ok(a: &str) -> bool {
    !a.is_empty()
        && a.chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
}

impl Metadata {
    /// Decodes a loaded YAML document into `self` (fields present replace
    /// what is there, as `yaml.Unmarshal` into an existing struct does).
    pub fn decode_into(&mut self, doc: &Value) -> Result<(), String> {
        let m = match doc {
            Value::Nil => return Ok(()),
            Value::Map(m) => m,
            v => {
                return Err(format!(
                    "error unmarshaling JSON: while decoding JSON: json: cannot unmarshal {} into Go value of type loader.chartBase",
                    json_kind(v)
                ));
            }
        };
        let p = "";
        set_string(m, "name", p, &mut self.name)?;
        set_string(m, "home", p, &mut self.home)?;
        set_strings(m, "sources", p, &mut self.sources)?;
        set_string(m, "version", p, &mut self.version)?;
        set_string(m, "description", p, &mut self.description)?;
        set_strings(m, "keywords", p, &mut self.keywords)?;
        if let Some(ms) = list_of_maps(
            m,
            "maintainers",
            p,
            "v2.Maintainer",
            "validation: maintainers must not contain empty or null nodes",
        )? {
            self.maintainers = ms
                .iter()
                .enumerate()
                .map(|(i, mm)| {
                    let mp = &format!(".maintainers.{i}");
                    let mut x = Maintainer::default();
                    set_string(mm, "name", mp, &mut x.name)?;
                    set_string(mm, "email", mp, &mut x.email)?;
                    set_string(mm, "url", mp, &mut x.url)?;
                    Ok(x)
                })
                .collect::<Result<_, String>>()?;
        }
        set_string(m, "icon", p, &mut self.icon)?;
        set_string(m, "apiVersion", p, &mut self.api_version)?;
        set_string(m, "condition", p, &mut self.condition)?;
        set_string(m, "tags", p, &mut self.tags)?;
        set_string(m, "appVersion", p, &mut self.app_version)?;
        set_bool(m, "deprecated", p, &mut self.deprecated)?;
        match field(m, "annotations") {
            None => {}
            Some(Value::Nil) => self.annotations = None,
            Some(Value::Map(a)) => {
                let mut out = BTreeMap::new();
                for (k, v) in a.entries() {
                    match (&v, scalar_string(&v)) {
                        (Value::Nil, _) => out.insert(k, String::new()),
                        (_, Some(s)) => out.insert(k, s),
                        (v, None) => {
                            return Err(type_error(v, &format!(".annotations.{k}"), "string"));
                        }
                    };
                }
                self.annotations = Some(out);
            }
            Some(v) => return Err(type_error(&v, ".annotations", "map[string]string")),
        }
        set_string(m, "kubeVersion", p, &mut self.kube_version)?;
        if let Some(ds) = list_of_maps(
            m,
            "dependencies",
            p,
            "v2.Dependency",
            "validation: dependencies must not contain empty or null nodes",
        )? {
            self.dependencies = ds
                .iter()
                .enumerate()
                .map(|(i, d)| Dependency::decode(d, i))
                .collect::<Result<_, _>>()?;
        }
        set_string(m, "type", p, &mut self.chart_type)?;
        Ok(())
    }

    /// Helm's `Metadata.Validate` (which also sanitises strings).
    pub fn validate(&mut self) -> Result<(), String> {
        for s in [
            &mut self.name,
            &mut self.description,
            &mut self.home,
            &mut self.icon,
            &mut self.condition,
            &mut self.tags,
            &mut self.app_version,
            &mut self.kube_version,
        ] {
            sanitize(s);
        }
        self.sources.iter_mut().for_each(sanitize);
        self.keywords.iter_mut().for_each(sanitize);
        if self.api_version.is_empty() {
            return Err("validation: chart.metadata.apiVersion is required".into());
        }
        if self.name.is_empty() {
            return Err("validation: chart.metadata.name is required".into());
        }
        if self.name == "." || self.name == ".." {
            return Err(format!(
                "validation: chart.metadata.name {:?} is not allowed",
                self.name
            ));
        }
        if self.name.contains('/') {
            return Err(format!(
                "validation: chart.metadata.name {:?} is invalid",
                self.name
            ));
        }
        if self.version.is_empty() {
            return Err("validation: chart.metadata.version is required".into());
        }
        if super::semver::Version::parse(&self.version).is_none() {
            return Err(format!(
                "validation: chart.metadata.version {:?} is invalid",
                self.version
            ));
        }
        if !matches!(self.chart_type.as_str(), "" | "application" | "library") {
            return Err("validation: chart.metadata.type must be application or library".into());
        }
        for m in &mut self.maintainers {
            sanitize(&mut m.name);
            sanitize(&mut m.email);
            sanitize(&mut m.url);
        }
        let mut seen = std::collections::BTreeSet::new();
        for d in &mut self.dependencies {
            sanitize(&mut d.name);
            sanitize(&mut d.version);
            sanitize(&mut d.repository);
            sanitize(&mut d.condition);
            d.tags.iter_mut().for_each(sanitize);
            if !d.alias.is_empty() && !alias_ok(&d.alias) {
                return Err(format!(
                    "validation: dependency {:?} has disallowed characters in the alias",
                    d.name
                ));
            }
            let key = d.effective_name().to_string();
            if !seen.insert(key.clone()) {
                return Err(format!(
                    "validation: more than one dependency with name or alias {key:?}"
                ));
            }
        }
        Ok(())
    }

    /// `.Chart` as Helm's `MetadataAsMap` builds it: Go field names, every
    /// slice present (empty rather than null), `Annotations` null when unset.
    pub fn as_go_map(&self) -> Value {
        let mut m = BTreeMap::new();
        m.insert("Name".into(), Value::str(&self.name));
        m.insert("Home".into(), Value::str(&self.home));
        m.insert("Sources".into(), strings(&self.sources));
        m.insert("Version".into(), Value::str(&self.version));
        m.insert("Description".into(), Value::str(&self.description));
        m.insert("Keywords".into(), strings(&self.keywords));
        m.insert(
            "Maintainers".into(),
            Value::list(
                self.maintainers
                    .iter()
                    .map(|x| {
                        let mut mm = BTreeMap::new();
                        mm.insert("Name".into(), Value::str(&x.name));
                        mm.insert("Email".into(), Value::str(&x.email));
                        mm.insert("URL".into(), Value::str(&x.url));
                        Value::map(mm)
                    })
                    .collect(),
            ),
        );
        m.insert("Icon".into(), Value::str(&self.icon));
        m.insert("APIVersion".into(), Value::str(&self.api_version));
        m.insert("Condition".into(), Value::str(&self.condition));
        m.insert("Tags".into(), Value::str(&self.tags));
        m.insert("AppVersion".into(), Value::str(&self.app_version));
        m.insert("Deprecated".into(), Value::Bool(self.deprecated));
        m.insert(
            "Annotations".into(),
            match &self.annotations {
                None => Value::Nil,
                Some(a) => Value::map(a.iter().map(|(k, v)| (k.clone(), Value::str(v))).collect()),
            },
        );
        m.insert("KubeVersion".into(), Value::str(&self.kube_version));
        m.insert(
            "Dependencies".into(),
            Value::list(
                self.dependencies
                    .iter()
                    .map(Dependency::as_go_map)
                    .collect(),
            ),
        );
        m.insert("Type".into(), Value::str(&self.chart_type));
        Value::map(m)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn meta(text: &str) -> Result<Metadata, String> {
        let mut m = Metadata::default();
        m.decode_into(&whelm_template::yaml::load(text).unwrap())?;
        Ok(m)
    }

    #[test]
    fn decodes_fields() {
        let m = meta(
            "apiVersion: v2\nname: x\nversion: 1.0.0\nappVersion: \"1.2\"\nmaintainers:\n- name: a\n  url: u\nannotations: {a: b}\ndependencies:\n- name: s\n  version: 0.1.x\n  alias: t\n  tags: [a]\n  import-values: [x, {child: a, parent: b}]\n",
        )
        .unwrap();
        assert_eq!(m.app_version, "1.2");
        assert_eq!(m.maintainers[0].url, "u");
        assert_eq!(m.dependencies[0].effective_name(), "t");
        assert_eq!(m.dependencies[0].import_values.len(), 2);
    }

    #[test]
    fn scalars_become_strings() {
        // helm 4.3.1 renders `{{ .Chart.Version }} {{ .Chart.AppVersion }} …`
        // of this Chart.yaml as `1 1.2345679 true [1 2.5 false 16] map[a:1.1] 1000`.
        let m = meta(
            "name: x\nversion: 1.0\nappVersion: 1.23456789\ndescription: true\nkeywords: [1, 2.5, false, 0x10]\nannotations:\n  a: 1.10\nhome: 1e3\n",
        )
        .unwrap();
        assert_eq!(m.version, "1");
        assert_eq!(m.app_version, "1.2345679");
        assert_eq!(m.description, "true");
        assert_eq!(m.keywords, ["1", "2.5", "false", "16"]);
        assert_eq!(m.annotations.unwrap()["a"], "1.1");
        assert_eq!(m.home, "1000");
    }

    #[test]
    fn type_errors_name_the_field() {
        assert_eq!(
            meta("name: x\nversion: [1]\n").unwrap_err(),
            "error unmarshaling JSON: while decoding JSON: json: cannot unmarshal array into Go struct field .version of type string"
        );
        // The rest as helm 4.3.1 words them (`helm template` of such charts).
        assert!(
            meta("- a\n")
                .unwrap_err()
                .ends_with("json: cannot unmarshal array into Go value of type loader.chartBase")
        );
        for (yaml, want) in [
            (
                "maintainers: [{name: [1]}]",
                "cannot unmarshal array into Go struct field .maintainers.0.name of type string",
            ),
            (
                "dependencies: [{name: d, tags: 5}]",
                "cannot unmarshal number into Go struct field .dependencies.0.tags of type []string",
            ),
            (
                "annotations: {a: [1]}",
                "cannot unmarshal array into Go struct field .annotations.a of type string",
            ),
            (
                "keywords: [[1]]",
                "cannot unmarshal array into .keywords.0 of type string",
            ),
            (
                "maintainers: 5",
                "cannot unmarshal number into Go struct field .maintainers of type []*v2.Maintainer",
            ),
            (
                "dependencies: [5]",
                "cannot unmarshal number into .dependencies.0 of type v2.Dependency",
            ),
            (
                "dependencies: [{name: d, import-values: 5}]",
                "cannot unmarshal number into Go struct field .dependencies.0.import-values of type []interface {}",
            ),
        ] {
            let e = meta(&format!("name: x\n{yaml}\n")).unwrap_err();
            assert!(e.ends_with(want), "{yaml}: {e}");
        }
    }

    #[test]
    fn validation() {
        let mut m = meta("apiVersion: v2\nname: x\nversion: abc\n").unwrap();
        assert_eq!(
            m.validate().unwrap_err(),
            "validation: chart.metadata.version \"abc\" is invalid"
        );
        let mut m = meta("apiVersion: v2\nversion: 1.0.0\n").unwrap();
        assert_eq!(
            m.validate().unwrap_err(),
            "validation: chart.metadata.name is required"
        );
    }
}
