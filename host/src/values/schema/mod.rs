//! `values.schema.json` validation as helm 4.3.1 does it (its
//! `ValidateAgainstSchema` over santhosh-tekuri/jsonschema v6), with Helm's
//! messages byte for byte:
//!
//! - the draft comes from `$schema` (2020-12 when absent), and the schema is
//!   first checked against that draft's metaschema;
//! - `$ref`s resolve within the document, to the metaschemas, and to local
//!   files (`file:` URLs, as Helm's loader); whelm fetches nothing over the
//!   network, so an `http(s)` reference to anything but a metaschema fails;
//! - `format` is asserted for drafts 4, 6 and 7 only, as in Helm;
//! - errors form the library's tree (`- at '/image/tag': …`); where Go's
//!   random map order makes Helm's order of sibling errors vary, whelm's
//!   follows the keys' order.
//!
//! [`validate_chart`] walks the chart and its enabled subcharts (each with
//! its own scoped values); [`check_values`] adds the sentence `helm
//! template`/`install`/`upgrade` put in front; [`validate_single`] is one
//! schema against one set of values (what `helm lint` checks `values.yaml`
//! with).

mod compile;
mod format;
pub mod json;
mod meta;
mod num;
mod url;
mod validate;

use whelm_template::Value;
use whelm_template::value::Map;

use crate::chart::Chart;
use json::Json;

/// Where Helm places every chart's schema (relative references resolve
/// against it).
pub const SCHEMA_URL: &str = "file:///values.schema.json";

/// Helm's `ValidateAgainstSingleSchema`: `values` against one schema
/// document. The error is Helm's text: a validation failure is the error
/// tree plus a newline; a broken schema is the loader's or compiler's
/// message.
pub fn validate_single(values: &Map, schema: &[u8]) -> Result<(), String> {
    validate_json(&Json::from_value(&Value::Map(values.clone())), schema)
}

/// Validation recurses with the nesting of the schema and of the values;
/// a thread with a deep stack keeps pathological documents from
/// overflowing the caller's.
fn validate_json(instance: &Json, schema: &[u8]) -> Result<(), String> {
    std::thread::scope(|s| {
        std::thread::Builder::new()
            .name("values-schema".into())
            .stack_size(256 << 20)
            .spawn_scoped(s, || validate_json_here(instance, schema))
            .map_err(|e| format!("values schema validation: {e}"))?
            .join()
            .unwrap_or_else(|_| Err("values schema validation failed unexpectedly".into()))
    })
}

fn validate_json_here(instance: &Json, schema: &[u8]) -> Result<(), String> {
    let doc = json::parse(schema)?;
    let mut c = compile::Compiler::default();
    let di = c.add_root(SCHEMA_URL, doc).map_err(|e| e.to_string())?;
    let root = c.compile(di, String::new()).map_err(|e| e.to_string())?;
    validate::validate(&c, root, instance).map_err(|e| {
        let text = e.display();
        let prefix = format!(
            "jsonschema validation failed with {}\n",
            validate::quote(&format!("{SCHEMA_URL}#"))
        );
        format!("{}\n", text.strip_prefix(&prefix).unwrap_or(&text))
    })
}

/// Go's `%T` of a value Helm might find where a subchart's map belongs.
fn go_type(v: &Value) -> &'static str {
    match v {
        Value::String(_) => "string",
        Value::Int64(_) => "int64",
        Value::Int(_) => "int",
        Value::Float(_) => "float64",
        Value::Bool(_) => "bool",
        Value::List(_) => "[]interface {}",
        Value::Map(_) => "map[string]interface {}",
        Value::Nil => "<nil>",
        _ => "interface {}",
    }
}

/// Helm's `ValidateAgainstSchema`: the chart's values against its schema,
/// then each subchart's values (the map under its name) against its own,
/// recursively. Every failure is reported, each under its chart's name.
pub fn validate_chart(chart: &Chart, values: &Map) -> Result<(), String> {
    let mut out = String::new();
    if let Some(schema) = &chart.schema
        && let Err(e) = validate_single(values, schema)
    {
        out.push_str(&format!("{}:\n{e}", chart.name()));
    }
    for sub in &chart.dependencies {
        let raw = match values.get(sub.name()) {
            None | Some(Value::Nil) => continue,
            Some(v) => v,
        };
        let Value::Map(sv) = &raw else {
            out.push_str(&format!(
                "{}:\ninvalid type for values: expected object (map), got {}\n",
                sub.name(),
                go_type(&raw)
            ));
            continue;
        };
        if let Err(e) = validate_chart(sub, sv) {
            out.push_str(&e);
        }
    }
    if out.is_empty() { Ok(()) } else { Err(out) }
}

/// What `helm template`, `install` and `upgrade` report when coalesced
/// values fail their charts' schemas.
pub fn check_values(chart: &Chart, values: &Map) -> Result<(), String> {
    validate_chart(chart, values).map_err(|e| {
        format!(
            "values don't meet the specifications of the schema(s) in the following chart(s):\n{e}"
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(schema: &str, values: &str) -> Result<(), String> {
        let v = crate::values::load_values(values).unwrap();
        validate_single(&v, schema.as_bytes())
    }

    // Expected texts below were printed by helm 4.3.1 (`helm template` on a
    // chart with this schema and values; tests/helm-cli has the full cases).
    #[test]
    fn messages() {
        let schema = r##"{"type":"object","required":["name","zzz"],"properties":{
            "name":{"type":"string","pattern":"^[a-z]+$"},
            "replicas":{"type":"integer","minimum":2,"maximum":10},
            "image":{"type":"object","additionalProperties":false,
                     "properties":{"tag":{"type":"string","enum":["a","b"]}}}}}"##;
        assert_eq!(
            check(schema, "name: x\nreplicas: 1\nimage:\n  tag: \"1\"\n").unwrap_err(),
            "- at '': missing property 'zzz'\n- at '/image/tag': value must be one of 'a', 'b'\n- at '/replicas': minimum: got 1, want 2\n"
        );
        assert_eq!(
            check(
                r##"{"properties":{"a":{"$ref":"#/$defs/s"}},"$defs":{"s":{"type":"integer","minimum":1e9,"multipleOf":7}}}"##,
                "a: 123456\n"
            )
            .unwrap_err(),
            "- at '/a': validation failed\n  - at '/a': minimum: got 123,456, want 1×10⁰⁹\n  - at '/a': multipleOf: got 123,456, want 7\n"
        );
        assert!(check(r#"{"properties":{"a":{"type":"integer"}}}"#, "a: 1.0\n").is_ok());
        assert_eq!(check("{\"type\":", "a: 1\n").unwrap_err(), "unexpected EOF");
    }

    #[test]
    fn metaschema() {
        assert_eq!(
            check(r#"{"type":"foo"}"#, "a: 1\n").unwrap_err(),
            "\"file:///values.schema.json#\" is not valid against metaschema: jsonschema validation failed with 'https://json-schema.org/draft/2020-12/schema#'\n- at '': 'allOf' failed\n  - at '/type': 'anyOf' failed\n    - at '/type': value must be one of 'array', 'boolean', 'integer', 'null', 'number', 'object', 'string'\n    - at '/type': got string, want array"
        );
        assert_eq!(
            check(
                r#"{"$schema":"http://json-schema.org/draft-07/schema#","type":"foo"}"#,
                "a: 1\n"
            )
            .unwrap_err(),
            "\"file:///values.schema.json#\" is not valid against metaschema: jsonschema validation failed with 'http://json-schema.org/draft-07/schema#'\n- at '/type': 'anyOf' failed\n  - at '/type': value must be one of 'array', 'boolean', 'integer', 'null', 'number', 'object', 'string'\n  - at '/type': got string, want array"
        );
        assert_eq!(
            check(r#"{"properties":{"a":{"pattern":"(["}}}"#, "a: 1\n").unwrap_err(),
            "\"file:///values.schema.json#\" is not valid against metaschema: jsonschema validation failed with 'https://json-schema.org/draft/2020-12/schema#'\n- at '': 'allOf' failed\n  - at '/properties/a': 'allOf' failed\n    - at '/properties/a/pattern': '([' is not valid regex: error parsing regexp: missing closing ]: `[`"
        );
    }

    #[test]
    fn references() {
        assert_eq!(
            check(
                r##"{"properties":{"a":{"$ref":"#/$defs/missing"}}}"##,
                "a: 1\n"
            )
            .unwrap_err(),
            "json-pointer in \"file:///values.schema.json#/$defs/missing\" not found"
        );
        assert_eq!(
            check(r##"{"properties":{"a":{"$ref":"#foo"}}}"##, "a: 1\n").unwrap_err(),
            "anchor in \"file:///values.schema.json#foo\" not found in schema \"file:///values.schema.json\""
        );
        assert_eq!(
            check(
                r##"{"$defs":{"x":{"$ref":"#/$defs/y"},"y":{"$ref":"#/$defs/x"}},"properties":{"a":{"$ref":"#/$defs/x"}}}"##,
                "a: 1\n"
            )
            .unwrap_err(),
            "- at '/a': both /properties/a/$ref/$ref/$ref and /properties/a/$ref resolve to \"file:///values.schema.json#/$defs/x\" causing reference cycle\n"
        );
        assert_eq!(
            check(
                r#"{"properties":{"a":{"$ref":"http://json-schema.org/draft-07/schema#"}}}"#,
                "a: 1\n"
            )
            .unwrap_err(),
            "- at '/a': got number, want boolean or object\n"
        );
    }
}
