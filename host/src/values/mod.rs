//! Helm's values pipeline.
//!
//! - [`load_values`] / [`merge_maps`]: values files (every YAML document of a
//!   file, deep-merged), as Helm's `loader.LoadValues`.
//! - [`Options`]: `-f`, `--set-json`, `--set`, `--set-string`, `--set-file`,
//!   `--set-literal`, merged in Helm's order ([`strvals`] parses the flags).
//! - [`coalesce`]: the user's values against the chart tree: dependency
//!   conditions and tags, import-values, globals, defaults, `null` deletion.

pub mod coalesce;
pub mod schema;
pub mod strvals;

use whelm_template::Value;
use whelm_template::value::Map;

/// Splits a YAML stream as apimachinery's `YAMLReader` does: a line starting
/// with `---` ends a document when only spaces or a comment follow; empty
/// documents are skipped.
fn split_documents(text: &str) -> Result<Vec<String>, String> {
    let mut docs = Vec::new();
    let mut buf = String::new();
    for line in text.split_inclusive('\n') {
        if let Some(rest) = line.strip_prefix("---") {
            let trimmed = rest.trim();
            if !trimmed.is_empty() && !trimmed.starts_with('#') {
                return Err(format!(
                    "error reading yaml document: invalid Yaml document separator: {trimmed}"
                ));
            }
            if !buf.is_empty() {
                docs.push(std::mem::take(&mut buf));
            }
            continue;
        }
        buf.push_str(line);
    }
    if !buf.is_empty() {
        docs.push(buf);
    }
    Ok(docs)
}

/// Helm's `loader.LoadValues`: every document of `text` read as a map and
/// deep-merged over the previous ones. Errors are worded as Helm's
/// (`cannot unmarshal yaml document: …` with the line in the document).
pub fn load_values(text: &str) -> Result<Map, String> {
    let owned;
    let text = if !text.is_empty() && !text.ends_with('\n') {
        owned = format!("{text}\n");
        owned.as_str()
    } else {
        text
    };
    let mut values = Map::new();
    for doc in split_documents(text)? {
        let m = whelm_template::yaml::load_map(&doc)
            .map_err(|e| format!("cannot unmarshal yaml document: {e}"))?;
        values = merge_maps(&values, &m);
    }
    Ok(values)
}

/// Helm's `loader.MergeMaps`: a new map with `b` merged over `a`; maps merge
/// recursively, anything else from `b` replaces.
pub fn merge_maps(a: &Map, b: &Map) -> Map {
    let out = a.shallow_clone();
    for (k, v) in b.entries() {
        if let Value::Map(vm) = &v
            && let Some(Value::Map(am)) = out.get(&k)
        {
            out.insert(k, Value::Map(merge_maps(&am, vm)));
            continue;
        }
        out.insert(k, v);
    }
    out
}

/// Where `-f` and `--set-file` read from (`-` is standard input).
pub trait ReadFile {
    fn read(&self, path: &str) -> Result<Vec<u8>, String>;
}

/// Reads local files and standard input; URLs are not fetched.
pub struct LocalFiles;

impl ReadFile for LocalFiles {
    fn read(&self, path: &str) -> Result<Vec<u8>, String> {
        if path.trim() == "-" {
            let mut b = Vec::new();
            std::io::Read::read_to_end(&mut std::io::stdin(), &mut b)
                .map_err(|e| format!("read -: {e}"))?;
            return Ok(b);
        }
        std::fs::read(path).map_err(|e| {
            let msg = match e.kind() {
                std::io::ErrorKind::NotFound => "no such file or directory".to_string(),
                std::io::ErrorKind::PermissionDenied => "permission denied".to_string(),
                _ => e.to_string(),
            };
            format!("open {path}: {msg}")
        })
    }
}

/// The user's values flags (Helm's `values.Options`).
#[derive(Clone, Debug, Default)]
pub struct Options {
    pub value_files: Vec<String>,
    pub values: Vec<String>,
    pub string_values: Vec<String>,
    pub file_values: Vec<String>,
    pub json_values: Vec<String>,
    pub literal_values: Vec<String>,
}

impl Options {
    /// Merges the flags in Helm's order: files, `--set-json`, `--set`,
    /// `--set-string`, `--set-file`, `--set-literal`.
    pub fn merge(&self, files: &dyn ReadFile) -> Result<Map, String> {
        let mut base = Map::new();
        for path in &self.value_files {
            let raw = files.read(path)?;
            let current = load_values(&String::from_utf8_lossy(&raw))
                .map_err(|e| format!("failed to parse {path}: {e}"))?;
            base = merge_maps(&base, &current);
        }
        for value in &self.json_values {
            let trimmed = value.trim();
            if trimmed.starts_with('{') {
                let m = whelm_template::json::unmarshal_map(trimmed)
                    .map_err(|_| format!("failed parsing --set-json data JSON: {value}"))?;
                base = merge_maps(&base, &Map::from_inner(m));
            } else {
                strvals::parse_json_into(value, &base)
                    .map_err(|_| format!("failed parsing --set-json data {value}"))?;
            }
        }
        for value in &self.values {
            strvals::parse_into(value, &base, false)
                .map_err(|e| format!("failed parsing --set data: {e}"))?;
        }
        for value in &self.string_values {
            strvals::parse_into(value, &base, true)
                .map_err(|e| format!("failed parsing --set-string data: {e}"))?;
        }
        for value in &self.file_values {
            let reader = |rs: &str| -> Result<Value, String> {
                let b = files.read(rs)?;
                Ok(Value::str(String::from_utf8_lossy(&b)))
            };
            strvals::parse_file_into(value, &base, &reader)
                .map_err(|e| format!("failed parsing --set-file data: {e}"))?;
        }
        for value in &self.literal_values {
            strvals::parse_literal_into(value, &base)
                .map_err(|e| format!("failed parsing --set-literal data: {e}"))?;
        }
        Ok(base)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn json(m: &Map) -> String {
        whelm_template::json::marshal(&Value::Map(m.clone())).unwrap()
    }

    #[test]
    fn multi_document_values() {
        // Outputs recorded with helm 4.3.1 (`{{ toJson .Values }}`).
        assert_eq!(
            json(&load_values("a: 1\n--- # c\nb: 2\n").unwrap()),
            r#"{"a":1,"b":2}"#
        );
        assert_eq!(
            json(&load_values("a: 1\n---\n---\nc: [1]\n---\nc: [2]\n").unwrap()),
            r#"{"a":1,"c":[2]}"#
        );
        assert_eq!(
            json(&load_values("a:\n  b: 1\n  c: 2\n---\na:\n  b: null\nd: null\n").unwrap()),
            r#"{"a":{"b":null,"c":2},"d":null}"#
        );
        assert_eq!(
            load_values("a: 1\n--- b: 2\n").unwrap_err(),
            "error reading yaml document: invalid Yaml document separator: b: 2"
        );
        assert_eq!(
            load_values("a: 1\n---\n- x\n").unwrap_err(),
            "cannot unmarshal yaml document: error unmarshaling JSON: while decoding JSON: json: cannot unmarshal array into Go value of type map[string]interface {}"
        );
        assert!(load_values("").unwrap().is_empty());
    }

    struct Mem;
    impl ReadFile for Mem {
        fn read(&self, path: &str) -> Result<Vec<u8>, String> {
            match path {
                "a.yaml" => Ok(b"x: 1\nl: [1]\nm: {a: 1}\n".to_vec()),
                "b.yaml" => Ok(b"l: [2]\nm: {b: 2}\n".to_vec()),
                "f.txt" => Ok(b"file\n".to_vec()),
                _ => Err(format!("open {path}: no such file or directory")),
            }
        }
    }

    #[test]
    fn option_order() {
        let o = Options {
            value_files: vec!["a.yaml".into(), "b.yaml".into()],
            json_values: vec![r#"j={"k":[1,2]}"#.into(), r#"{"x":5}"#.into()],
            values: vec!["x=7,s=010".into()],
            string_values: vec!["t=true".into()],
            file_values: vec!["f=f.txt".into()],
            literal_values: vec!["lit=a,b".into()],
        };
        let m = o.merge(&Mem).unwrap();
        assert_eq!(
            json(&m),
            r#"{"f":"file\n","j":{"k":[1,2]},"l":[2],"lit":"a,b","m":{"a":1,"b":2},"s":"010","t":"true","x":7}"#
        );
        let bad = Options {
            value_files: vec!["nope.yaml".into()],
            ..Default::default()
        };
        assert_eq!(
            bad.merge(&Mem).unwrap_err(),
            "open nope.yaml: no such file or directory"
        );
    }
}
