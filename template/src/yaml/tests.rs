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
            failures.push(format!("#{i} fromYaml {input:?}\n  want {json_out}\n  got  {got}"));
        }
        let got = from_yaml_array_json(input);
        if got != *arr_out {
            failures.push(format!("#{i} fromYamlArray {input:?}\n  want {arr_out}\n  got  {got}"));
        }
        let v = from_yaml_value(input);
        let got = to_yaml(&v).unwrap_or_default();
        if got != *yaml_out {
            failures.push(format!("#{i} toYaml {input:?}\n  want {yaml_out:?}\n  got  {got:?}"));
        }
        let got = to_yaml_pretty(&v).unwrap_or_default();
        if got != *pretty_out {
            failures
                .push(format!("#{i} toYamlPretty {input:?}\n  want {pretty_out:?}\n  got  {got:?}"));
        }
    }
    assert!(failures.is_empty(), "{} failures:\n{}", failures.len(), failures.join("\n"));
}
