//! Bad input gets an error, never a panic: every template of the corpus charts
//! is parsed cut short at many points and with bytes flipped, and every
//! values.yaml is loaded the same way.

use std::path::{Path, PathBuf};

fn corpus_files(ext: &[&str]) -> Vec<PathBuf> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/corpus/charts");
    let mut out = Vec::new();
    let mut stack = vec![root];
    while let Some(d) = stack.pop() {
        let Ok(rd) = std::fs::read_dir(&d) else {
            continue;
        };
        for e in rd.flatten() {
            let p = e.path();
            if p.is_dir() {
                stack.push(p);
            } else if p
                .extension()
                .and_then(|x| x.to_str())
                .is_some_and(|x| ext.contains(&x))
            {
                out.push(p);
            }
        }
    }
    out.sort();
    assert!(
        !out.is_empty(),
        "the corpus charts are expected beside the repository"
    );
    out
}

/// Prefixes at `n` evenly spaced char boundaries, and copies with a byte
/// replaced by each of a few troublesome characters.
fn mutations(text: &str, n: usize) -> Vec<String> {
    let mut out = Vec::new();
    let step = (text.len() / n).max(1);
    for i in (0..text.len()).step_by(step) {
        if text.is_char_boundary(i) {
            out.push(text[..i].to_string());
            for c in ["{", "}", "\"", "|", "(", ")", "-", "\n", "é", "$", "."] {
                let j = text[i..].chars().next().map_or(i, |ch| i + ch.len_utf8());
                out.push(format!("{}{c}{}", &text[..i], &text[j..]));
            }
        }
    }
    out
}

#[test]
fn the_template_parser_never_panics() {
    let files = corpus_files(&["yaml", "tpl", "txt"]);
    let mut cases = 0;
    let data = whelm_template::yaml::load(
        "Values: {a: {b: [1, 2]}, s: x}\nRelease: {Name: r}\nChart: {Name: c}\n",
    )
    .unwrap();
    for f in files
        .iter()
        .filter(|p| p.components().any(|c| c.as_os_str() == "templates"))
        .take(150)
    {
        let text = std::fs::read_to_string(f).unwrap_or_default();
        for m in mutations(&text, 12) {
            let mut e = whelm_template::Engine::new();
            if e.add_template("t", &m).is_ok() {
                // Executing what parsed may fail, but must not panic either.
                let _ = e.render("t", &data);
            }
            cases += 1;
        }
    }
    assert!(cases > 1000, "{cases}");
}

#[test]
fn the_values_loader_never_panics() {
    let files = corpus_files(&["yaml"]);
    let mut cases = 0;
    for f in files
        .iter()
        .filter(|p| p.file_name().is_some_and(|n| n == "values.yaml"))
        .take(40)
    {
        let text = std::fs::read_to_string(f).unwrap_or_default();
        for m in mutations(&text, 8) {
            let _ = whelm_template::yaml::load(&m);
            cases += 1;
        }
    }
    assert!(cases > 500, "{cases}");
}
