//! Tests against outputs recorded from helm v4.3.1.

use super::*;
use crate::value::{MapInner, Value};

mod helm_cases {
    include!("helm_cases.rs");
}

/// `fromYaml` as Helm defines it, rendered through `toJson`.
fn from_yaml_json(text: &str) -> String {
    let v = match load_map(text) {
        Ok(m) => Value::Map(m),
        Err(e) => {
            let mut m = MapInner::new();
            m.insert("Error".into(), Value::from(e.message));
            Value::map(m)
        }
    };
    json::marshal(&v).unwrap_or_default()
}

fn from_yaml_array_json(text: &str) -> String {
    let v = match load_list(text) {
        Ok(l) => Value::list(l),
        Err(e) => Value::list(vec![Value::from(e.message)]),
    };
    json::marshal(&v).unwrap_or_default()
}

fn from_yaml_value(text: &str) -> Value {
    match load_map(text) {
        Ok(m) => Value::Map(m),
        Err(e) => {
            let mut m = MapInner::new();
            m.insert("Error".into(), Value::from(e.message));
            Value::map(m)
        }
    }
}

#[test]
fn helm_recorded_cases() {
    let mut failures = Vec::new();
    for (i, (input, json_out, arr_out, yaml_out, pretty_out)) in
        helm_cases::CASES.iter().enumerate()
    {
        let got = from_yaml_json(input);
        if got != *json_out {
            failures.push(format!(
                "#{i} fromYaml {input:?}\n  want {json_out}\n  got  {got}"
            ));
        }
        let got = from_yaml_array_json(input);
        if got != *arr_out {
            failures.push(format!(
                "#{i} fromYamlArray {input:?}\n  want {arr_out}\n  got  {got}"
            ));
        }
        let v = from_yaml_value(input);
        let got = to_yaml(&v).unwrap_or_default();
        if got != *yaml_out {
            failures.push(format!(
                "#{i} toYaml {input:?}\n  want {yaml_out:?}\n  got  {got:?}"
            ));
        }
        let got = to_yaml_pretty(&v).unwrap_or_default();
        if got != *pretty_out {
            failures.push(format!(
                "#{i} toYamlPretty {input:?}\n  want {pretty_out:?}\n  got  {got:?}"
            ));
        }
    }
    assert!(
        failures.is_empty(),
        "{} failures:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

fn nested_lists(depth: usize) -> String {
    format!("{}1{}", "[".repeat(depth), "]".repeat(depth))
}

#[test]
fn hostile_nesting_is_an_error_not_a_crash() {
    let e = load(&"[".repeat(200_000)).unwrap_err();
    assert_eq!(
        e.message,
        format!("error converting YAML to JSON: yaml: exceeded max depth of {MAX_DEPTH}")
    );
    let e = load(&"- ".repeat(200_000)).unwrap_err();
    assert!(e.message.contains("exceeded max depth"), "{}", e.message);
    let e = load(&format!("x: {}", "{".repeat(200_000))).unwrap_err();
    assert!(e.message.contains("exceeded max depth"), "{}", e.message);
    // An alias chain whose expansion nests deeper than the limit.
    let mut doc = String::from("a0: &a0 [1]\n");
    for i in 1..=MAX_DEPTH + 5 {
        doc.push_str(&format!("a{i}: &a{i} [*a{}]\n", i - 1));
    }
    assert!(
        load(&doc)
            .unwrap_err()
            .message
            .contains("exceeded max depth")
    );
}

#[test]
fn deep_but_allowed_nesting_round_trips() {
    let depth = MAX_DEPTH - 1;
    let v = load(&nested_lists(depth)).unwrap();
    let y = to_yaml(&v).unwrap();
    assert!(y.starts_with("- - - "));
    let p = to_yaml_pretty(&v).unwrap();
    assert!(p.starts_with("- - - "));
    let j = json::marshal(&v).unwrap();
    assert_eq!(j, nested_lists(depth));
    assert_eq!(json::unmarshal(&j).unwrap(), v);
}

#[test]
fn billion_laughs_is_rejected() {
    let mut doc = String::from(
        "a: &a [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n",
    );
    let names = ["a", "b", "c", "d", "e", "f", "g", "h", "i"];
    for w in names.windows(2) {
        let refs = vec![format!("*{}", w[0]); 9].join(",");
        doc.push_str(&format!("{}: &{} [{refs}]\n", w[1], w[1]));
    }
    let e = load(&doc).unwrap_err();
    assert_eq!(
        e.message,
        "error converting YAML to JSON: yaml: document contains excessive aliasing"
    );
}

#[test]
fn numbers_load_as_float64_and_keys_as_strings() {
    let v = load("a: 1\nb: 0x10\nyes: on\n1: x\n1.5: z\n").unwrap();
    let m = v.as_map().unwrap();
    assert_eq!(m.get("a"), Some(Value::Float(1.0)));
    assert_eq!(m.get("b"), Some(Value::Float(16.0)));
    assert_eq!(m.get("true"), Some(Value::Bool(true)));
    assert_eq!(m.get("1"), Some(Value::from("x")));
    assert_eq!(m.get("1.5"), Some(Value::from("z")));
}

#[test]
fn load_variants() {
    assert_eq!(load("").unwrap(), Value::Nil);
    assert_eq!(
        load("- 1\n- x").unwrap(),
        Value::list(vec![Value::Float(1.0), Value::from("x")])
    );
    // Only the first document counts, and later ones are not even parsed.
    assert_eq!(load("a\n---\n]: bad").unwrap(), Value::from("a"));
    let all = load_all("a: 1\n---\n- 2\n---\n").unwrap();
    assert_eq!(all.len(), 3);
    assert_eq!(all[2], Value::Nil);
    assert!(load_all("a: 1\n---\na: b: c\n").is_err());
    // Errors carry the real position.
    let e = load("a: 1\nb: 2\n c: 3\n").unwrap_err();
    assert_eq!((e.line, e.column), (3, 3));
    assert_eq!(
        e.message,
        "error converting YAML to JSON: yaml: line 3: mapping values are not allowed in this context"
    );
    assert_eq!(e.to_string(), e.message);
}

#[test]
fn block_scalar_at_end_of_input_without_newline() {
    // helm reads this ConfigMap (metrics-server's nanny config) fine.
    let v = super::load("data:\n  conf: |-\n    a: 1\n    b: 2").unwrap();
    let data = v.as_map().unwrap().get("data").unwrap();
    assert_eq!(
        data.as_map().unwrap().get("conf").unwrap().as_str(),
        Some("a: 1\nb: 2")
    );
}

#[test]
fn strict_loading_reports_every_key_set_twice() {
    // helm 4.3.1 `helm lint` on this Chart.yaml (tests/helm-cli/lint-chart-yaml-duplicates).
    let text = "apiVersion: v2\nname: c\nversion: 0.1.0\nicon: https://example.com/i.png\nname: c\nversion: 2\nmaintainers:\n- name: a\n  name: b\n  foo: 1\nannotations: {a: 1, a: 2}\n";
    assert_eq!(
        load_strict(text).unwrap_err().message,
        "error converting YAML to JSON: yaml: unmarshal errors:\n  line 5: key \"name\" already set in map\n  line 6: key \"version\" already set in map\n  line 9: key \"name\" already set in map\n  line 11: key \"a\" already set in map"
    );
    // Without strictness the last value wins, as yaml.v2's Unmarshal.
    assert_eq!(
        load(text).unwrap().as_map().unwrap().get("version"),
        Some(Value::Float(2.0))
    );
    assert!(load_strict("a: 1\nb: {c: 1}\n").is_ok());
}

/// Found by fuzzing (fuzz/yaml_load): a tag ended by `,` inside a flow
/// collection made libyaml-safer panic; it must be an error, not an abort.
#[test]
fn flow_tag_before_comma_does_not_panic() {
    for text in [
        "[!a, b]",
        "{\"a\":[1,46?,51e-0,\"x\"!,\"b\":{}}",
        "{k: !t,}",
    ] {
        let _ = super::load(text);
    }
}
