//! What `helm lint` checks in each rendered (or CRD) document: the decoded
//! head (`apiVersion`, `kind`, `metadata.name/namespace`), object names as
//! the API server would validate them, and deprecated API versions.

use whelm_template::Value;
use whelm_template::value::Map;

use super::deprecations::LIFECYCLE;

const DECODE: &str = "error unmarshaling JSON: while decoding JSON: json: cannot unmarshal";

/// Helm's `k8sYamlStruct`.
#[derive(Debug, Default)]
pub struct Head {
    pub api_version: String,
    pub kind: String,
    pub name: String,
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

/// encoding/json's field lookup: the exact key, else a case-insensitive one.
fn field(m: &Map, key: &str) -> Option<Value> {
    m.get(key).or_else(|| {
        m.entries()
            .into_iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(key))
            .map(|(_, v)| v)
    })
}

/// A scalar as sigs.k8s.io/yaml hands it to a `string` field.
fn string_field(m: &Map, key: &str, path: &str) -> Result<String, String> {
    match field(m, key) {
        None | Some(Value::Nil) => Ok(String::new()),
        Some(Value::String(s)) => Ok(s.to_string()),
        Some(Value::Bool(b)) => Ok(b.to_string()),
        Some(Value::Int(i) | Value::Int64(i)) => Ok(i.to_string()),
        Some(Value::Float(f)) if f.fract() == 0.0 && f.abs() < 1e18 => Ok((f as i64).to_string()),
        Some(Value::Float(f)) => {
            let x = f as f32;
            let shortest: f64 = format!("{x:e}").parse().unwrap_or(f);
            Ok(whelm_template::num::format_float(shortest, 'g', -1))
        }
        Some(v) => Err(format!(
            "{DECODE} {} into Go struct field {path} of type string",
            json_kind(&v)
        )),
    }
}

fn head_of(v: Value) -> Result<Option<Head>, String> {
    let m = match v {
        Value::Nil => return Ok(None),
        Value::Map(m) => m,
        v => {
            return Err(format!(
                "{DECODE} {} into Go value of type rules.k8sYamlStruct",
                json_kind(&v)
            ));
        }
    };
    let api_version = string_field(&m, "apiVersion", ".apiVersion")?;
    let kind = string_field(&m, "kind", ".kind")?;
    let name = match field(&m, "metadata") {
        None | Some(Value::Nil) => String::new(),
        Some(Value::Map(md)) => {
            string_field(&md, "namespace", ".metadata.namespace")?;
            string_field(&md, "name", ".metadata.name")?
        }
        Some(v) => {
            return Err(format!(
                "{DECODE} {} into Go struct field .metadata of type rules.k8sYamlMetadata",
                json_kind(&v)
            ));
        }
    };
    Ok(Some(Head {
        api_version,
        kind,
        name,
    }))
}

/// apimachinery's `YAMLReader`: documents split at `---` lines.
fn yaml_documents(text: &str) -> Result<Vec<String>, String> {
    let mut docs = Vec::new();
    let mut buf = String::new();
    for line in text.split_inclusive('\n') {
        if let Some(rest) = line.strip_prefix("---") {
            let trimmed = rest.trim();
            if !trimmed.is_empty() && !trimmed.starts_with('#') {
                return Err(format!("invalid Yaml document separator: {trimmed}"));
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

/// `yaml.NewYAMLOrJSONDecoder(…).Decode(&k8sYamlStruct)` over every
/// document: `None` for empty ones; the first failure ends the stream.
pub fn decode_heads(content: &str) -> Vec<Result<Option<Head>, String>> {
    let mut out = Vec::new();
    if content.trim_start().starts_with('{') {
        // JSON input: one value per document.
        out.push(
            whelm_template::json::unmarshal(content.trim())
                .map_err(|e| format!("json: {e}"))
                .and_then(head_of),
        );
        return out;
    }
    let docs = match yaml_documents(content) {
        Ok(d) => d,
        Err(e) => {
            out.push(Err(e));
            return out;
        }
    };
    for doc in docs {
        let r = whelm_template::yaml::load(&doc)
            .map_err(|e| e.to_string())
            .and_then(head_of);
        let stop = r.is_err();
        out.push(r);
        if stop {
            break;
        }
    }
    out
}

const DNS1123_LABEL: &str = "[a-z0-9]([-a-z0-9]*[a-z0-9])?";
const DNS1123_SUBDOMAIN: &str = "[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*";
const DNS1035_LABEL: &str = "[a-z]([-a-z0-9]*[a-z0-9])?";

fn is_label(s: &str) -> bool {
    let b = s.as_bytes();
    !b.is_empty()
        && b.iter()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || *c == b'-')
        && b[0] != b'-'
        && b[b.len() - 1] != b'-'
}

fn is_subdomain(s: &str) -> bool {
    s.split('.').all(is_label)
}

fn is_1035_label(s: &str) -> bool {
    is_label(s) && s.as_bytes()[0].is_ascii_lowercase()
}

/// apimachinery's `RegexError`.
fn regex_error(msg: &str, re: &str, examples: &[&str]) -> String {
    let mut m = format!("{msg} (e.g. ");
    for (i, e) in examples.iter().enumerate() {
        if i > 0 {
            m.push_str(" or ");
        }
        m.push_str(&format!("'{e}', "));
    }
    m.push_str(&format!("regex used for validation is '{re}')"));
    m
}

fn max_len(n: usize) -> String {
    format!("must be no more than {n} characters")
}

fn dns1123_subdomain(s: &str) -> Vec<String> {
    let mut errs = Vec::new();
    if s.len() > 253 {
        errs.push(max_len(253));
    }
    if !is_subdomain(s) {
        errs.push(regex_error(
            "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character",
            DNS1123_SUBDOMAIN,
            &["example.com"],
        ));
    }
    errs
}

fn dns1123_label(s: &str) -> Vec<String> {
    let mut errs = Vec::new();
    if s.len() > 63 {
        errs.push(max_len(63));
    }
    if !is_label(s) {
        if is_subdomain(s) {
            errs.push("must not contain dots".into());
        } else {
            errs.push(regex_error(
                "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character",
                DNS1123_LABEL,
                &["my-name", "123-abc"],
            ));
        }
    }
    errs
}

fn dns1035_label(s: &str) -> Vec<String> {
    let mut errs = Vec::new();
    if s.len() > 63 {
        errs.push(max_len(63));
    }
    if !is_1035_label(s) {
        errs.push(regex_error(
            "a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character",
            DNS1035_LABEL,
            &["my-name", "abc-123"],
        ));
    }
    errs
}

fn path_segment(s: &str) -> Vec<String> {
    for bad in [".", ".."] {
        if s == bad {
            return vec![format!("may not be '{bad}'")];
        }
    }
    ["/", "%"]
        .iter()
        .filter(|c| s.contains(**c))
        .map(|c| format!("may not contain '{c}'"))
        .collect()
}

/// Helm's `validateMetadataName`: the name checked as the API server checks
/// names of that kind.
pub fn validate_name(h: &Head) -> Result<(), String> {
    let errs = match h.kind.to_ascii_lowercase().as_str() {
        "service" => dns1035_label(&h.name),
        "namespace" => dns1123_label(&h.name),
        "certificatesigningrequest" => Vec::new(),
        "role" | "clusterrole" | "rolebinding" | "clusterrolebinding" => path_segment(&h.name),
        _ => dns1123_subdomain(&h.name),
    };
    if errs.is_empty() {
        return Ok(());
    }
    let quoted = whelm_template::gofmt::sprintf("%q", &[Value::str(&h.name)]);
    let each: Vec<String> = errs
        .iter()
        .map(|e| format!("metadata.name: Invalid value: {quoted}: {e}"))
        .collect();
    let agg = if each.len() == 1 {
        each[0].clone()
    } else {
        format!("[{}]", each.join(", "))
    };
    Err(format!(
        "object name does not conform to Kubernetes naming requirements: {quoted}: {agg}"
    ))
}

/// Helm's `validateNoDeprecations` for Kubernetes `major.minor`.
pub fn validate_no_deprecations(h: &Head, major: u32, minor: u32) -> Result<(), String> {
    if h.api_version.is_empty() || h.kind.is_empty() {
        return Ok(());
    }
    let Some((gv, kind, dep, rem, rep)) = LIFECYCLE
        .iter()
        .find(|(gv, kind, ..)| *gv == h.api_version && *kind == h.kind)
    else {
        return Ok(());
    };
    let at_least = |(ma, mi): (u32, u32)| major > ma || (major == ma && minor >= mi);
    let deprecated = (rem.0 != 0 && at_least(*rem)) || (dep.0 != 0 && at_least(*dep));
    if !deprecated {
        return Ok(());
    }
    let mut msg = format!("{gv} {kind} is deprecated");
    if dep.0 > 0 {
        msg.push_str(&format!(" in v{}.{}+", dep.0, dep.1));
    }
    if rem.0 > 0 {
        msg.push_str(&format!(", unavailable in v{}.{}+", rem.0, rem.1));
    }
    if let Some((rgv, rkind)) = rep {
        msg.push_str(&format!("; use {rgv} {rkind}"));
    }
    Err(msg)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn head(kind: &str, name: &str) -> Head {
        Head {
            api_version: "v1".into(),
            kind: kind.into(),
            name: name.into(),
        }
    }

    #[test]
    fn names() {
        // Wording from helm 4.3.1 (tests/helm-cli/lint-names).
        assert_eq!(
            validate_name(&head("Namespace", "ns.with.dots")).unwrap_err(),
            "object name does not conform to Kubernetes naming requirements: \"ns.with.dots\": metadata.name: Invalid value: \"ns.with.dots\": must not contain dots"
        );
        assert_eq!(
            validate_name(&head("Role", "..")).unwrap_err(),
            "object name does not conform to Kubernetes naming requirements: \"..\": metadata.name: Invalid value: \"..\": may not be '..'"
        );
        assert!(validate_name(&head("CertificateSigningRequest", "Any_Thing")).is_ok());
        assert!(validate_name(&head("ConfigMap", "a.b-c")).is_ok());
        assert!(validate_name(&head("Service", "1svc")).is_err());
    }

    #[test]
    fn deprecations() {
        let h = Head {
            api_version: "v1".into(),
            kind: "Endpoints".into(),
            name: "ep".into(),
        };
        assert_eq!(
            validate_no_deprecations(&h, 1, 37).unwrap_err(),
            "v1 Endpoints is deprecated in v1.33+; use discovery.k8s.io/v1 EndpointSlice"
        );
        assert!(validate_no_deprecations(&h, 1, 20).is_ok());
    }

    #[test]
    fn heads() {
        let r =
            decode_heads("kind: ConfigMap\nmetadata:\n  name: 5\n---\napiVersion: v1\nkind: [x]\n");
        assert_eq!(r[0].as_ref().unwrap().as_ref().unwrap().name, "5");
        assert_eq!(
            r[1].as_ref().unwrap_err(),
            "error unmarshaling JSON: while decoding JSON: json: cannot unmarshal array into Go struct field .kind of type string"
        );
    }
}
