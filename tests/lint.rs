//! `whelm lint` and `values.schema.json` validation against the real helm.
//!
//! - Every case under `tests/helm-cli` (a command and the charts it reads,
//!   with helm 4.3.1's stdout, stderr and exit code recorded by
//!   `tests/helm-cli/regen.py`) must give the same output from whelm.
//! - `whelm lint` on the corpus charts must print what helm printed there
//!   (`lint_cmd.txt` / `lint.out` of each corpus case).
//!
//! Two things are normalised, both for reasons outside whelm's control:
//! Helm's `log/slog` lines (`level=WARN msg=…`, which helm prints for
//! `required`/`fail` in lint mode) are not part of whelm's output and are
//! dropped from helm's stderr; and where helm's own output varied between
//! runs (Go's random map order; the case has an `unordered` file) lines are
//! compared as multisets.

mod common;

use common::shell_words;

use std::path::{Path, PathBuf};
use std::process::Command;

fn cases_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/helm-cli")
}

fn whelm(args: &[String], cwd: &Path) -> std::process::Output {
    let mut c = Command::new(env!("CARGO_BIN_EXE_whelm"));
    for (k, _) in std::env::vars() {
        if k.starts_with("HELM_") {
            c.env_remove(k);
        }
    }
    c.args(args)
        .current_dir(cwd)
        .env("KUBECONFIG", "/nonexistent/kubeconfig")
        .env(
            "WHELM_CACHE_HOME",
            std::env::temp_dir().join("whelm-corpus-cache"),
        )
        .env(
            "WHELM_DATA_HOME",
            std::env::temp_dir().join("whelm-lint-data"),
        )
        .env_remove("WHELM_POLICY")
        .env_remove("WHELM_PLUGINS")
        .output()
        .unwrap()
}

fn without_slog(s: &str) -> String {
    s.split_inclusive('\n')
        .filter(|l| !l.starts_with("level="))
        .collect()
}

fn sorted_lines(s: &str) -> Vec<&str> {
    let mut v: Vec<&str> = s.lines().collect();
    v.sort_unstable();
    v
}

fn same(got: &str, want: &str, unordered: bool) -> bool {
    if unordered {
        sorted_lines(got) == sorted_lines(want)
    } else {
        got == want
    }
}

/// Runs one recorded case; returns why it fails, if it does.
fn check_case(dir: &Path) -> Option<String> {
    let cmd = std::fs::read_to_string(dir.join("cmd")).unwrap();
    let args: Vec<String> = cmd
        .lines()
        .filter(|l| !l.is_empty())
        .map(str::to_string)
        .collect();
    let read = |f: &str| std::fs::read_to_string(dir.join(f)).unwrap();
    let want_out = read("expected.stdout");
    let want_err = without_slog(&read("expected.stderr"));
    let want_rc: i32 = read("expected.rc").trim().parse().unwrap();
    let unordered = dir.join("unordered").exists();
    let out = whelm(&args, dir);
    let here = dir.canonicalize().unwrap().display().to_string();
    let got_out = String::from_utf8_lossy(&out.stdout).replace(&here, "<CASE>");
    let got_err = String::from_utf8_lossy(&out.stderr).replace(&here, "<CASE>");
    let mut why = Vec::new();
    if out.status.code() != Some(want_rc) {
        why.push(format!("exit {:?}, helm {want_rc}", out.status.code()));
    }
    if !same(&got_out, &want_out, unordered) {
        why.push(format!("stdout:\n{got_out}\n--- helm:\n{want_out}"));
    }
    if !same(&got_err, &want_err, unordered) {
        why.push(format!("stderr:\n{got_err}\n--- helm:\n{want_err}"));
    }
    (!why.is_empty()).then(|| why.join("\n"))
}

#[test]
fn recorded_helm_cases_match() {
    let root = cases_dir();
    let mut cases: Vec<PathBuf> = std::fs::read_dir(&root)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.join("cmd").is_file())
        .collect();
    cases.sort();
    assert!(cases.len() > 50, "cases missing under {}", root.display());
    let failures: Vec<String> = cases
        .iter()
        .filter_map(|c| {
            check_case(c)
                .map(|why| format!("== {}: {why}", c.file_name().unwrap().to_string_lossy()))
        })
        .collect();
    assert!(
        failures.is_empty(),
        "{} of {} cases differ from helm:\n{}",
        failures.len(),
        cases.len(),
        failures.join("\n")
    );
}

#[test]
fn corpus_lint_matches_helm() {
    // Beside the repository, as for tests/corpus.rs; `WHELM_CORPUS` points
    // elsewhere (a worktree not beside it).
    let root = std::env::var_os("WHELM_CORPUS")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/corpus"));
    assert!(
        root.join("cases").is_dir(),
        "the corpus is expected at {}",
        root.display()
    );
    let root = root.canonicalize().unwrap();
    let mut cases: Vec<PathBuf> = std::fs::read_dir(root.join("cases"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.join("lint_cmd.txt").is_file())
        .collect();
    cases.sort();
    let mut failures = Vec::new();
    for case in &cases {
        let argv = shell_words(&std::fs::read_to_string(case.join("lint_cmd.txt")).unwrap());
        let out = whelm(&argv[1..], &root);
        // The corpus recorded stdout then stderr, with the corpus root's
        // absolute path written as `.`.
        let got = format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        )
        .replace(&format!("{}/", root.display()), "./");
        let want = std::fs::read_to_string(case.join("lint.out")).unwrap();
        if got != want {
            failures.push(format!(
                "== {}:\n{got}--- helm:\n{want}",
                case.file_name().unwrap().to_string_lossy()
            ));
        }
    }
    assert!(cases.len() >= 41, "corpus lint cases missing");
    assert!(
        failures.is_empty(),
        "{} of {} corpus lint cases differ:\n{}",
        failures.len(),
        cases.len(),
        failures.join("\n")
    );
}
