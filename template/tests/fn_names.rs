//! Every function the corpus charts use is defined (Helm 4.3.1's function set).

#[test]
fn corpus_functions_are_all_defined() {
    // Names from ../shared/corpus/functions.txt (function usage across the corpus).
    let used = include_str!("data/corpus_functions.txt");
    let mut engine = whelm_template::Engine::new();
    let missing: Vec<&str> = used
        .lines()
        .filter(|n| !n.is_empty())
        .filter(|n| {
            engine
                .add_template(
                    "t",
                    &format!("{{{{ if false }}}}{{{{ {n} }}}}{{{{ end }}}}"),
                )
                .is_err()
        })
        .collect();
    assert!(missing.is_empty(), "functions not defined: {missing:?}");
}
