//! The differential corpus (`../shared/corpus`): real charts with the real
//! helm 4.3.1's output as goldens. Every case listed in
//! `tests/corpus-passing.txt` must match byte for byte (masked lines only need
//! to exist) and exit as helm did; the list only grows. The full report,
//! including cases not yet listed, comes from
//! `python3 ../shared/corpus/tools/verify.py --renderer target/release/whelm`.

mod common;

use common::shell_words;

use std::path::{Path, PathBuf};
use std::process::Command;

fn corpus() -> PathBuf {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/corpus");
    assert!(
        root.join("cases").is_dir(),
        "the corpus is expected at {} (shared/ beside the repository)",
        root.display()
    );
    root
}

/// Runs one case; returns why it fails, if it does.
fn check(root: &Path, case: &str) -> Option<String> {
    let dir = root.join("cases").join(case);
    let cmd = std::fs::read_to_string(dir.join("cmd.txt")).ok()?;
    let argv = shell_words(&cmd);
    let tmp = tempfile::tempdir().unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_whelm"))
        .args(&argv[1..])
        .current_dir(root)
        .env("WHELM_DATA_HOME", tmp.path())
        .env(
            "WHELM_CACHE_HOME",
            std::env::temp_dir().join("whelm-corpus-cache"),
        )
        .env_remove("WHELM_POLICY")
        .output()
        .unwrap();
    let want_rc: i32 = std::fs::read_to_string(dir.join("expected.rc"))
        .map(|s| s.trim().parse().unwrap())
        .unwrap_or(0);
    let stderr = String::from_utf8_lossy(&out.stderr);
    if out.status.success() != (want_rc == 0) {
        return Some(format!(
            "exit {:?}, expected {want_rc}: {}",
            out.status.code(),
            &stderr[..stderr.len().min(400)]
        ));
    }
    if want_rc != 0 {
        return None;
    }
    let expected = std::fs::read(dir.join("expected.yaml")).unwrap();
    let mask: Vec<usize> = std::fs::read_to_string(dir.join("expected.mask"))
        .map(|m| {
            m.lines()
                .filter(|l| !l.trim().is_empty() && !l.starts_with('#'))
                .map(|l| l.trim().parse().unwrap())
                .collect()
        })
        .unwrap_or_default();
    let exp: Vec<&[u8]> = expected.split(|&b| b == b'\n').collect();
    let got: Vec<&[u8]> = out.stdout.split(|&b| b == b'\n').collect();
    if exp.len() != got.len() {
        return Some(format!("{} lines, expected {}", got.len(), exp.len()));
    }
    for (i, (e, g)) in exp.iter().zip(&got).enumerate() {
        if !mask.contains(&(i + 1)) && e != g {
            return Some(format!(
                "line {}: got {:?} expected {:?}",
                i + 1,
                String::from_utf8_lossy(g),
                String::from_utf8_lossy(e)
            ));
        }
    }
    None
}

#[test]
fn listed_corpus_cases_match_helm() {
    let root = corpus();
    let listed: Vec<&str> = include_str!("corpus-passing.txt")
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .collect();
    let failures: Vec<String> = listed
        .iter()
        .filter_map(|c| check(&root, c).map(|why| format!("{c}: {why}")))
        .collect();
    assert!(
        failures.is_empty(),
        "{} of {} listed cases fail:\n{}",
        failures.len(),
        listed.len(),
        failures.join("\n")
    );
}

#[test]
fn shell_words_handles_the_corpus_quoting() {
    assert_eq!(
        shell_words(
            "helm template rel ./c --set-json 'resources={\"limits\":{\"cpu\":\"1\"}}' --set a=b"
        ),
        [
            "helm",
            "template",
            "rel",
            "./c",
            "--set-json",
            "resources={\"limits\":{\"cpu\":\"1\"}}",
            "--set",
            "a=b"
        ]
    );
}
