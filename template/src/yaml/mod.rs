//! YAML as Helm sees it: values files are read with YAML 1.1 rules through
//! JSON (sigs.k8s.io/yaml over yaml.v2), and `toYaml` is yaml.v2's emitter.
//!
//! - [`load`] / [`load_all`] / [`load_map`] / [`load_list`]: yaml.v2 decoding
//!   followed by sigs.k8s.io/yaml's JSON round trip (numbers become float64,
//!   keys become strings), with Helm's error wording.
//! - [`to_yaml`]: `sigs.k8s.io/yaml.Marshal` (JSON first, then yaml.v2).
//! - [`to_yaml_pretty`]: yaml.v3's encoder with an indent of 2.

pub mod emit;
mod load;
pub mod resolve;

use std::fmt;

use crate::json;
use crate::num::format_float;
use crate::value::{Map, Value};
use emit::{Flavor, Node};
use resolve::key_cmp;

/// Deepest nesting of collections accepted when loading and serialising
/// (YAML, JSON, TOML). yaml.v2's own limit is 10000, but the passes over
/// the data are recursive and must stay well inside a 1 MiB WebAssembly
/// stack even in debug builds (about 2.5 KiB per level there); real charts
/// nest a few dozen levels at most.
pub const MAX_DEPTH: usize = 256;

/// A failure to load YAML, worded as Helm reports it (the text that follows
/// `cannot unmarshal yaml document: ` in `helm template` errors).
#[derive(Clone, Debug, PartialEq)]
pub struct YamlError {
    /// 1-based line of the problem, 0 when unknown.
    pub line: usize,
    /// 1-based column of the problem, 0 when unknown.
    pub column: usize,
    /// e.g. `error converting YAML to JSON: yaml: line 3: mapping values are
    /// not allowed in this context`.
    pub message: String,
}

impl fmt::Display for YamlError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for YamlError {}

fn json_decode_error(what: &str, into: &str) -> YamlError {
    YamlError {
        line: 0,
        column: 0,
        message: format!(
            "error unmarshaling JSON: while decoding JSON: json: cannot unmarshal {what} into Go value of type {into}"
        ),
    }
}

fn json_kind(v: &Value) -> &'static str {
    match v {
        Value::Bool(_) => "bool",
        Value::String(_) => "string",
        Value::List(_) => "array",
        Value::Map(_) => "object",
        _ => "number",
    }
}

/// The first document of `text` (yaml.v2 `Unmarshal` into `interface{}`
/// through sigs.k8s.io/yaml): any kind of value; `Nil` for an empty document.
/// Later documents are not looked at, as in Go.
pub fn load(text: &str) -> Result<Value, YamlError> {
    match load::decode_docs(text, false)?.pop() {
        Some(y) => load::to_value(y),
        None => Ok(Value::Nil),
    }
}

/// As [`load`], for a Kubernetes manifest's document: integers stay int64 where they fit (as
/// Helm's objects carry them to the apiserver), instead of float64, which would round
/// 9223372036854775807 to 9223372036854775808.
pub fn load_manifest(text: &str) -> Result<Value, YamlError> {
    match load::decode_docs(text, false)?.pop() {
        Some(y) => load::to_value_ints(y, load::Ints::AsInt64),
        None => Ok(Value::Nil),
    }
}

/// As [`load`] with yaml.v2's `UnmarshalStrict` (sigs.k8s.io/yaml's
/// `UnmarshalStrict`): a key set twice in a mapping is an error naming every
/// such line (`yaml: unmarshal errors:\n  line 5: key "name" already set in map`).
pub fn load_strict(text: &str) -> Result<Value, YamlError> {
    match load::decode_docs_mode(text, false, true)?.pop() {
        Some(y) => load::to_value(y),
        None => Ok(Value::Nil),
    }
}

/// Every document of a multi-document stream, each loaded like [`load`].
pub fn load_all(text: &str) -> Result<Vec<Value>, YamlError> {
    load::decode_docs(text, true)?
        .into_iter()
        .map(load::to_value)
        .collect()
}

/// `yaml.Unmarshal` into `map[string]interface{}`: how Helm reads values
/// files and what `fromYaml` does. An empty document gives an empty map.
pub fn load_map(text: &str) -> Result<Map, YamlError> {
    match load(text)? {
        Value::Nil => Ok(Map::new()),
        Value::Map(m) => Ok(m),
        v => Err(json_decode_error(json_kind(&v), "map[string]interface {}")),
    }
}

/// `yaml.Unmarshal` into `[]interface{}` (`fromYamlArray`).
pub fn load_list(text: &str) -> Result<Vec<Value>, YamlError> {
    match load(text)? {
        Value::Nil => Ok(Vec::new()),
        Value::List(l) => Ok(l.as_ref().clone()),
        v => Err(json_decode_error(json_kind(&v), "[]interface {}")),
    }
}

const CYCLE: &str = "json: unsupported value: encountered a cycle via map[string]interface {}";

/// `sigs.k8s.io/yaml.Marshal(v)` with Helm's trailing-newline trim: the
/// value goes through JSON first (so floats print as JSON numbers re-read by
/// yaml.v2), then yaml.v2 emits it. `Err` carries Go's error text.
pub fn to_yaml(v: &Value) -> Result<String, String> {
    let node = v2_node(v, 0).map_err(|e| format!("error marshaling into JSON: {e}"))?;
    let out = emit::emit(&node, Flavor::V2);
    Ok(out.strip_suffix('\n').unwrap_or(&out).to_string())
}

fn v2_node(v: &Value, depth: usize) -> Result<Node, String> {
    if depth > MAX_DEPTH {
        return Err(CYCLE.into());
    }
    Ok(match v {
        Value::Nil => Node::Scalar("null".into(), false),
        Value::Bool(b) => Node::Scalar(b.to_string(), false),
        Value::Int(i) | Value::Int64(i) => Node::Scalar(i.to_string(), false),
        Value::Float(f) => {
            if !f.is_finite() {
                return Err(format!(
                    "json: unsupported value: {}",
                    format_float(*f, 'g', -1)
                ));
            }
            // yaml.v2 re-reads the JSON number text.
            let text = json::format_float(*f);
            let out = if let Some(i) = resolve::go_parse_int(&text) {
                i.to_string()
            } else if resolve::go_parse_uint(&text).is_some() {
                text
            } else {
                let g: f64 = text.parse().unwrap_or(*f);
                format_float(g, 'g', -1)
            };
            Node::Scalar(out, false)
        }
        Value::String(s) => Node::Scalar(json_reread(s), true),
        Value::List(l) => {
            let mut items = Vec::with_capacity(l.len());
            for e in l.iter() {
                items.push(v2_node(e, depth + 1)?);
            }
            Node::Seq(items)
        }
        Value::Map(m) => {
            let mut entries = Vec::with_capacity(m.len());
            for (k, e) in m.entries() {
                entries.push((json_reread(&k), v2_node(&e, depth + 1)?));
            }
            entries.sort_by(|a, b| key_cmp(&a.0, &b.0, false));
            Node::Map(
                entries
                    .into_iter()
                    .map(|(k, n)| (Node::Scalar(k, true), n))
                    .collect(),
            )
        }
        Value::Object(_) => v2_node(&v.to_data(), depth + 1)?,
    })
}

/// A string as yaml.v2 reads it back from the JSON text `toYaml` makes:
/// JSON leaves U+0085 (NEL) unescaped, and inside a double-quoted YAML
/// scalar it is a line break, so it folds like one (a single break becomes a
/// space, spaces around breaks are dropped, further breaks become `\n`).
fn json_reread(s: &str) -> String {
    if !s.contains('\u{85}') {
        return s.to_string();
    }
    let mut out = String::new();
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        if c != ' ' && c != '\u{85}' {
            out.push(c);
            continue;
        }
        // A run of blanks and breaks.
        let mut whitespace = String::new();
        let mut breaks = 0usize;
        let mut cur = Some(c);
        while let Some(ch) = cur {
            match ch {
                ' ' if breaks == 0 => whitespace.push(' '),
                ' ' => {}
                _ => breaks += 1,
            }
            cur = match chars.peek() {
                Some(&n) if n == ' ' || n == '\u{85}' => chars.next(),
                _ => None,
            };
        }
        match breaks {
            0 => out.push_str(&whitespace),
            1 => out.push(' '),
            n => out.extend(std::iter::repeat_n('\n', n - 1)),
        }
    }
    out
}

/// Helm's `toYamlPretty`: yaml.v3's encoder with indent 2 on the value
/// itself (no JSON round trip), trailing newline trimmed.
pub fn to_yaml_pretty(v: &Value) -> Result<String, String> {
    let node = v3_node(v, 0)?;
    let out = emit::emit(&node, Flavor::V3);
    Ok(out.strip_suffix('\n').unwrap_or(&out).to_string())
}

fn v3_node(v: &Value, depth: usize) -> Result<Node, String> {
    if depth > MAX_DEPTH {
        return Err("yaml: value nested too deeply".into());
    }
    Ok(match v {
        Value::Nil => Node::Scalar("null".into(), false),
        Value::Bool(b) => Node::Scalar(b.to_string(), false),
        Value::Int(i) | Value::Int64(i) => Node::Scalar(i.to_string(), false),
        Value::Float(f) => {
            let s = match format_float(*f, 'g', -1).as_str() {
                "+Inf" => ".inf".to_string(),
                "-Inf" => "-.inf".to_string(),
                "NaN" => ".nan".to_string(),
                s => s.to_string(),
            };
            Node::Scalar(s, false)
        }
        Value::String(s) => Node::Scalar(s.to_string(), true),
        Value::List(l) => {
            let mut items = Vec::with_capacity(l.len());
            for e in l.iter() {
                items.push(v3_node(e, depth + 1)?);
            }
            Node::Seq(items)
        }
        Value::Map(m) => {
            let mut entries = Vec::with_capacity(m.len());
            for (k, e) in m.entries() {
                entries.push((k, v3_node(&e, depth + 1)?));
            }
            entries.sort_by(|a, b| key_cmp(&a.0, &b.0, true));
            Node::Map(
                entries
                    .into_iter()
                    .map(|(k, n)| (Node::Scalar(k, true), n))
                    .collect(),
            )
        }
        Value::Object(_) => v3_node(&v.to_data(), depth + 1)?,
    })
}

#[cfg(test)]
mod tests;
