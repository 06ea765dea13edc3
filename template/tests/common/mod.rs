//! Shared harness for the oracle tests: the same chart data the generator
//! (tests/oracle/gen.py) gave the real helm.

#![allow(dead_code)]

use std::collections::BTreeMap;

use whelm_template::{Engine, Value};

pub const FILE: &str = "c/templates/t.yaml";

fn map(entries: Vec<(&str, Value)>) -> Value {
    Value::map(
        entries
            .into_iter()
            .map(|(k, v)| (k.to_string(), v))
            .collect::<BTreeMap<_, _>>(),
    )
}

fn s(x: &str) -> Value {
    Value::str(x)
}

/// The values of tests/oracle/gen.py's VALUES, as sigs.k8s.io/yaml loads them
/// (every number is a float64; helm drops `nul: null` while coalescing).
pub fn values() -> Value {
    map(vec![
        ("s", s("str")),
        ("num", Value::Float(3.0)),
        ("f", Value::Float(1.5)),
        ("big", Value::Float(12345678.0)),
        ("b", Value::Bool(true)),
        ("z", Value::Float(0.0)),
        ("e", s("")),
        ("l", Value::list(vec![s("a"), s("b"), s("c")])),
        (
            "nl",
            Value::list(vec![Value::Float(1.0), Value::Float(2.0)]),
        ),
        (
            "m",
            map(vec![
                ("a", Value::Float(1.0)),
                ("b", Value::list(vec![s("x"), s("w")])),
                ("c", map(vec![("d", s("e"))])),
            ]),
        ),
        ("em", map(vec![])),
        ("el", Value::list(vec![])),
    ])
}

/// Top-level dot for c/templates/t.yaml.
pub fn dot() -> Value {
    map(vec![
        ("Values", values()),
        (
            "Release",
            map(vec![
                ("Name", s("x")),
                ("Namespace", s("default")),
                ("Service", s("Helm")),
                ("IsInstall", Value::Bool(true)),
                ("IsUpgrade", Value::Bool(false)),
                ("Revision", Value::Int(1)),
            ]),
        ),
        (
            "Chart",
            map(vec![("Name", s("c")), ("Version", s("0.1.0"))]),
        ),
        (
            "Template",
            map(vec![("Name", s(FILE)), ("BasePath", s("c/templates"))]),
        ),
    ])
}

/// Render `tpl` as helm renders c/templates/t.yaml.
pub fn render(tpl: &str) -> Result<String, String> {
    let mut e = Engine::new();
    e.add_template(FILE, tpl).map_err(|e| e.helm_message())?;
    e.render(FILE, &dot())
        .map(|s| s.replace("<no value>", ""))
        .map_err(|e| e.helm_message())
}

/// Check every generated case; report all mismatches at once.
/// Cases whose output or error text still differs from helm's, by name. Each
/// must still differ (so the list shrinks as they are fixed); every other
/// case must match helm exactly.
fn known_differences() -> Vec<&'static str> {
    include_str!("../cases/known_differences.txt")
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .collect()
}

pub fn check(cases: &[(&str, &str, Result<&str, &str>)]) {
    let known = known_differences();
    let mut bad = Vec::new();
    for (name, tpl, want) in cases {
        let got = render(tpl);
        let want = want.map(str::to_string).map_err(str::to_string);
        let listed = known.contains(name);
        if got != want && !listed {
            bad.push(format!(
                "case {name}: {tpl}\n   want {want:?}\n    got {got:?}"
            ));
        } else if got == want && listed {
            bad.push(format!(
                "case {name} now matches helm: remove it from tests/cases/known_differences.txt"
            ));
        }
    }
    assert!(
        bad.is_empty(),
        "{} of {} cases:\n{}",
        bad.len(),
        cases.len(),
        bad.join("\n")
    );
}
