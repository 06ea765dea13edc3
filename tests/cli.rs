//! The `whelm` binary as a user drives it: plugin install/list/inspect/
//! verify/uninstall/run, digests, the operator policy, the compiled cache,
//! and Helm's conventions (`Error: …` on stderr, exit code 1).

mod common;

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

use common::*;

struct Env {
    tmp: tempfile::TempDir,
    policy: Option<PathBuf>,
    cache: PathBuf,
}

impl Env {
    fn new() -> Env {
        Env {
            tmp: tempfile::tempdir().unwrap(),
            policy: None,
            cache: shared_cache(),
        }
    }
    fn path(&self) -> &Path {
        self.tmp.path()
    }
    fn with_policy(mut self, yaml: &str) -> Env {
        let p = self.path().join("policy.yaml");
        std::fs::write(&p, yaml).unwrap();
        self.policy = Some(p);
        self
    }
    fn with_private_cache(mut self) -> Env {
        self.cache = self.path().join("cache");
        self
    }
    fn cmd(&self, args: &[&str]) -> Command {
        let mut c = Command::new(env!("CARGO_BIN_EXE_whelm"));
        c.args(args)
            .env("WHELM_DATA_HOME", self.path().join("data"))
            .env("WHELM_CACHE_HOME", &self.cache)
            .env_remove("WHELM_PLUGINS")
            .env_remove("HELM_DEBUG");
        match &self.policy {
            Some(p) => c.env("WHELM_POLICY", p),
            None => c.env_remove("WHELM_POLICY"),
        };
        c
    }
    fn run(&self, args: &[&str]) -> Output {
        self.cmd(args).stdin(Stdio::null()).output().unwrap()
    }
    fn run_with_stdin(&self, args: &[&str], input: &str) -> Output {
        use std::io::Write;
        let mut child = self
            .cmd(args)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        child
            .stdin
            .take()
            .unwrap()
            .write_all(input.as_bytes())
            .unwrap();
        child.wait_with_output().unwrap()
    }
    fn package(&self, extra: &str) -> PathBuf {
        let dir = self.path().join("pkg");
        write_hostile_package(&dir, &format!("capabilities:\n  host: [log]\n{extra}"));
        dir
    }
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}
fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

#[track_caller]
fn ok(o: Output) -> String {
    assert!(
        o.status.success(),
        "expected success, got {:?}\nstdout: {}\nstderr: {}",
        o.status,
        stdout(&o),
        stderr(&o)
    );
    stdout(&o)
}

/// Fails like helm: exit code 1 and `Error: …` on stderr. Returns stderr.
#[track_caller]
fn fails(o: Output) -> String {
    assert_eq!(
        o.status.code(),
        Some(1),
        "stdout: {}\nstderr: {}",
        stdout(&o),
        stderr(&o)
    );
    let e = stderr(&o);
    assert!(e.starts_with("Error: "), "{e}");
    e
}

#[test]
fn version_prints_build_info() {
    let env = Env::new();
    assert!(ok(env.run(&["version"])).starts_with("version.BuildInfo{Version:\"v0.1.0\""));
    assert_eq!(ok(env.run(&["version", "--short"])), "v0.1.0\n");
}

#[test]
fn unknown_flags_and_commands_exit_1() {
    let env = Env::new();
    let o = env.run(&["plugin", "frobnicate"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("frobnicate"));
}

#[test]
fn builtin_labels_plugin_is_listed_and_runs() {
    let env = Env::new();
    let list = ok(env.run(&["plugin", "list"]));
    let line = list
        .lines()
        .find(|l| l.starts_with("labels "))
        .expect("labels is listed");
    assert!(
        line.contains("post-renderer") && line.contains("builtin"),
        "{line}"
    );
    let json: serde_json::Value =
        serde_json::from_str(&ok(env.run(&["plugin", "list", "-o", "json"]))).unwrap();
    let names: Vec<&str> = json
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["gotemplate", "labels"]);
    assert!(json[1]["digest"].as_str().unwrap().starts_with("sha256:"));
    assert_eq!(json[0]["roles"][0], "renderer");
    let out = ok(env.run_with_stdin(
        &["plugin", "run", "labels", "--arg", "team=core"],
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\n",
    ));
    assert!(out.contains("labels:\n    team: core"), "{out}");
}

#[test]
fn install_list_inspect_verify_uninstall() {
    let env = Env::new();
    let pkg = env.package("");
    let out = ok(env.run(&["plugin", "install", pkg.to_str().unwrap()]));
    assert!(
        out.starts_with("Installed plugin: hostile 0.0.1 (sha256:"),
        "{out}"
    );
    assert!(
        ok(env.run(&["plugin", "list"]))
            .lines()
            .any(|l| l.starts_with("hostile "))
    );
    let ins = ok(env.run(&["plugin", "inspect", "hostile"]));
    assert!(
        ins.contains("policy: allowed") && ins.contains("effectiveLimits:"),
        "{ins}"
    );
    let v = ok(env.run(&["plugin", "verify", "hostile"]));
    assert!(v.starts_with("hostile: OK sha256:"), "{v}");
    assert_eq!(
        ok(env.run_with_stdin(&["plugin", "run", "hostile", "--arg", "echo"], "kind: X\n")),
        "kind: X\n"
    );
    let again = fails(env.run(&["plugin", "install", pkg.to_str().unwrap()]));
    assert!(again.contains("already installed"), "{again}");
    assert_eq!(
        ok(env.run(&["plugin", "uninstall", "hostile"])),
        "Uninstalled plugin: hostile\n"
    );
    let gone = fails(env.run(&["plugin", "run", "hostile"]));
    assert!(gone.contains("\"hostile\" is not installed"), "{gone}");
}

#[test]
fn install_from_a_tgz_archive() {
    let env = Env::new();
    let pkg = env.package("");
    let tgz = env.path().join("hostile-0.0.1.tgz");
    let file = std::fs::File::create(&tgz).unwrap();
    let mut tar = tar::Builder::new(flate2::write::GzEncoder::new(
        file,
        flate2::Compression::default(),
    ));
    tar.append_dir_all("hostile", &pkg).unwrap();
    tar.into_inner().unwrap().finish().unwrap();
    ok(env.run(&["plugin", "install", tgz.to_str().unwrap()]));
    assert!(ok(env.run(&["plugin", "verify"])).contains("hostile: OK"));
}

#[test]
fn install_refuses_a_digest_mismatch_and_accepts_the_right_one() {
    let env = Env::new();
    let pkg = env.package("");
    let wrong = format!("sha256:{}", "0".repeat(64));
    let e = fails(env.run(&[
        "plugin",
        "install",
        pkg.to_str().unwrap(),
        "--digest",
        &wrong,
    ]));
    assert!(
        e.contains("digest mismatch") && e.contains("refusing to install"),
        "{e}"
    );
    assert!(!env.path().join("data/plugins/hostile").exists());
    let right = whelm::plugin::digest_of(hostile_wasm());
    ok(env.run(&[
        "plugin",
        "install",
        pkg.to_str().unwrap(),
        "--digest",
        &right,
    ]));
}

#[test]
fn a_tampered_component_fails_verification_and_refuses_to_run() {
    let env = Env::new();
    let pkg = env.package("");
    ok(env.run(&["plugin", "install", pkg.to_str().unwrap()]));
    let installed = env.path().join("data/plugins/hostile/hostile.wasm");
    let mut bytes = std::fs::read(&installed).unwrap();
    bytes.extend_from_slice(&[0, 0, 0, 0]);
    std::fs::write(&installed, bytes).unwrap();
    let e = fails(env.run(&["plugin", "verify", "hostile"]));
    assert!(e.contains("modified after installation"), "{e}");
    let e = fails(env.run(&["plugin", "run", "hostile", "--arg", "echo"]));
    assert!(e.contains("modified after installation"), "{e}");
}

#[test]
fn a_manifest_error_names_the_file_and_line() {
    let env = Env::new();
    let pkg = env.package("");
    let m = pkg.join("plugin.yaml");
    let text = std::fs::read_to_string(&m).unwrap() + "limits: {memory: lots}\n";
    std::fs::write(&m, text).unwrap();
    let e = fails(env.run(&["plugin", "install", pkg.to_str().unwrap()]));
    assert!(
        e.contains(&format!("{}:", m.display())) && e.contains("not a size"),
        "{e}"
    );
}

#[test]
fn policy_requires_digests_when_it_says_so() {
    let env = Env::new().with_policy("allowUndigested: false\n");
    let pkg = env.package("");
    let e = fails(env.run(&["plugin", "install", pkg.to_str().unwrap()]));
    assert!(e.contains("--digest") && e.contains("policy.yaml"), "{e}");
    let right = whelm::plugin::digest_of(hostile_wasm());
    ok(env.run(&[
        "plugin",
        "install",
        pkg.to_str().unwrap(),
        "--digest",
        &right,
    ]));
}

#[test]
fn policy_refuses_capabilities_beyond_its_maximum_naming_them() {
    let env = Env::new().with_policy("maxCapabilities:\n  env: [VAULT_ADDR]\n  host: [log]\n");
    let pkg = env.package("  env: [AWS_SECRET_ACCESS_KEY]\n");
    let e = fails(env.run(&["plugin", "install", pkg.to_str().unwrap()]));
    assert!(e.contains("AWS_SECRET_ACCESS_KEY"), "{e}");
    assert!(
        e.contains(&env.path().join("policy.yaml").display().to_string()),
        "{e}"
    );
    assert!(!env.path().join("data/plugins/hostile").exists());
}

#[test]
fn policy_applies_at_run_time_too() {
    // Installed under a permissive regime, then the operator tightens the policy.
    let env = Env::new();
    let pkg = env.package("  network: ['127.0.0.1:8200']\n");
    ok(env.run(&["plugin", "install", pkg.to_str().unwrap()]));
    let env = Env {
        policy: None,
        ..env
    }
    .with_policy("maxCapabilities: {host: [log]}\n");
    let e = fails(env.run(&["plugin", "run", "hostile", "--arg", "echo"]));
    assert!(
        e.contains("network access to 127.0.0.1:8200") && e.contains("policy.yaml"),
        "{e}"
    );
    let ins = ok(env.run(&["plugin", "inspect", "hostile"]));
    assert!(
        ins.contains("policy: 'refused:")
            || ins.contains("policy: \"refused:")
            || ins.contains("policy: refused:"),
        "{ins}"
    );
}

#[test]
fn policy_limits_and_allow_lists() {
    let env = Env::new().with_policy("maxLimits: {memory: 32Mi}\n");
    let pkg = env.package("limits: {memory: 64Mi}\n");
    let e = fails(env.run(&["plugin", "install", pkg.to_str().unwrap()]));
    assert!(e.contains("memory 64Mi") && e.contains("32Mi"), "{e}");

    let env = Env::new().with_policy(
        "allowedPlugins: [{name: other, digest: 'sha256:00'}]\nallowBuiltins: false\n",
    );
    let pkg = env.package("");
    let e = fails(env.run(&["plugin", "install", pkg.to_str().unwrap()]));
    assert!(e.contains("not in allowedPlugins"), "{e}");
    let e = fails(env.run_with_stdin(&["plugin", "run", "labels"], "kind: A\n"));
    assert!(e.contains("allowBuiltins: false"), "{e}");

    let digest = whelm::plugin::digest_of(hostile_wasm());
    let env = Env::new().with_policy(&format!(
        "allowedPlugins: [{{name: hostile, digest: '{digest}'}}]\n"
    ));
    let pkg = env.package("");
    ok(env.run(&["plugin", "install", pkg.to_str().unwrap()]));
    ok(env.run_with_stdin(&["plugin", "run", "hostile", "--arg", "echo"], "kind: A\n"));
}

#[test]
fn a_missing_policy_file_named_by_whelm_policy_is_an_error() {
    let mut env = Env::new();
    env.policy = Some(env.path().join("nope.yaml"));
    let e = fails(env.run(&["plugin", "list"]));
    assert!(e.contains("nope.yaml") && e.contains("WHELM_POLICY"), "{e}");
}

#[test]
fn plugin_failures_are_clear_errors() {
    let env = Env::new();
    let pkg = env.package("limits: {memory: 32Mi}\n");
    ok(env.run(&["plugin", "install", pkg.to_str().unwrap()]));
    let e = fails(env.run_with_stdin(
        &[
            "plugin",
            "run",
            "hostile",
            "--arg",
            "alloc-mib",
            "--arg",
            "4096",
        ],
        "",
    ));
    assert!(
        e.contains("plugin \"hostile\" exceeded its memory limit of 32Mi"),
        "{e}"
    );
    let e = fails(env.run_with_stdin(&["plugin", "run", "labels", "--arg", "oops"], "kind: A\n"));
    assert!(
        e.contains("plugin \"labels\" failed:") && e.contains("not key=value"),
        "{e}"
    );
}

/// The compiled cache: a cold run compiles and writes one entry; a corrupt
/// entry is detected and replaced; concurrent cold runs all succeed and
/// leave one valid entry.
#[test]
fn compiled_cache_survives_corruption_and_concurrent_writers() {
    let env = Env::new().with_private_cache();
    let entries = |env: &Env| -> Vec<PathBuf> {
        std::fs::read_dir(env.path().join("cache/components"))
            .map(|d| d.filter_map(|e| e.ok().map(|e| e.path())).collect())
            .unwrap_or_default()
    };
    let run = |env: &Env| {
        ok(env.run_with_stdin(&["plugin", "run", "labels", "--arg", "a=b"], "kind: A\n"))
    };
    run(&env);
    let files = entries(&env);
    assert_eq!(files.len(), 1, "{files:?}");
    assert!(files[0].extension().is_some_and(|e| e == "cwasm"));
    // Truncate it: the next run must notice, recompile and rewrite it.
    let len = std::fs::metadata(&files[0]).unwrap().len();
    let f = std::fs::OpenOptions::new()
        .write(true)
        .open(&files[0])
        .unwrap();
    f.set_len(len / 2).unwrap();
    run(&env);
    assert_eq!(std::fs::metadata(&files[0]).unwrap().len(), len);
    // Garbage of the right length with a bad checksum.
    std::fs::write(&files[0], vec![0x5a; len as usize]).unwrap();
    run(&env);
    assert_eq!(std::fs::metadata(&files[0]).unwrap().len(), len);

    // Concurrent cold starts.
    std::fs::remove_dir_all(env.path().join("cache")).unwrap();
    let children: Vec<_> = (0..6)
        .map(|_| {
            let mut c = env.cmd(&["plugin", "run", "labels", "--arg", "a=b"]);
            c.stdin(Stdio::null())
                .stdout(Stdio::piped())
                .stderr(Stdio::piped())
                .spawn()
                .unwrap()
        })
        .collect();
    for c in children {
        ok(c.wait_with_output().unwrap());
    }
    let files = entries(&env);
    assert_eq!(files.len(), 1, "no temporary files left behind: {files:?}");
    assert_eq!(std::fs::metadata(&files[0]).unwrap().len(), len);
}

/// `tests/releases/cases.txt`: (id, arguments); single quotes group words, as capture.sh's
/// `eval "set -- …"` reads them.
fn release_cases(dir: &Path) -> Vec<(String, Vec<String>)> {
    let text = std::fs::read_to_string(dir.join("cases.txt")).unwrap();
    let mut cases = Vec::new();
    for line in text.lines() {
        if line.trim().is_empty() || line.starts_with('#') {
            continue;
        }
        let (id, rest) = line.split_once(':').unwrap();
        let mut args = Vec::new();
        let mut word: Option<String> = None;
        let mut quoted = false;
        for c in rest.chars() {
            match c {
                '\'' => {
                    quoted = !quoted;
                    word.get_or_insert_with(String::new);
                }
                ' ' if !quoted => args.extend(word.take()),
                c => word.get_or_insert_with(String::new).push(c),
            }
        }
        args.extend(word);
        cases.push((id.to_string(), args));
    }
    cases
}

/// Every release-verb case of `tests/releases/cases.txt` run by the whelm binary over the same
/// memory-driver fixture releases as capture.sh ran helm 4.3.1: stdout, stderr and exit code
/// must be helm's (in usage errors helm names itself `helm`, whelm `whelm`).
#[test]
fn release_verbs_print_what_helm_printed() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/releases");
    let captures = dir.join("captures");
    let codes = std::fs::read_to_string(captures.join("exit-codes.txt")).unwrap();
    let home = tempfile::tempdir().unwrap();
    let cases = release_cases(&dir);
    assert_eq!(
        cases.len(),
        codes.lines().count(),
        "capture.sh ran every case"
    );
    let mut failures = Vec::new();
    for ((id, args), code) in cases.iter().zip(codes.lines()) {
        let (code_id, code) = code.split_once(' ').unwrap();
        assert_eq!(code_id, id, "exit-codes.txt follows cases.txt");
        let want_out = std::fs::read_to_string(captures.join(format!("{id}.stdout"))).unwrap();
        let want_err = std::fs::read_to_string(captures.join(format!("{id}.stderr")))
            .unwrap_or_default()
            .replace("\"helm ", "\"whelm ")
            .replace("Usage:  helm ", "Usage:  whelm ");
        let o = Command::new(env!("CARGO_BIN_EXE_whelm"))
            .args(args)
            .current_dir(&dir)
            .env_clear()
            .env("PATH", std::env::var_os("PATH").unwrap_or_default())
            .env("HOME", home.path())
            .env("TZ", "UTC")
            .env("HELM_DRIVER", "memory")
            .env("HELM_MEMORY_DRIVER_DATA", "default.yaml:other.yaml")
            .stdin(Stdio::null())
            .output()
            .unwrap();
        let (out, err) = (stdout(&o), stderr(&o));
        if out != want_out || err != want_err || o.status.code() != code.parse().ok() {
            failures.push(format!(
                "{id} ({}): exit {:?}, want {code}\n--- stdout\n{out}--- want\n{want_out}--- stderr\n{err}--- want\n{want_err}",
                args.join(" "),
                o.status.code()
            ));
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} cases differ from helm:\n{}",
        failures.len(),
        cases.len(),
        failures.join("\n")
    );
}

/// `--post-renderer` as helm 4.3.1 does it (kyaml's re-serialising round trip), end to end:
/// the hostile guest passes the merged stream through (`echo`) or prints a case file
/// (`read-file`); the expected output is helm's (tests/fixtures/postrender/README.md).
#[test]
fn post_renderer_output_matches_helm() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let chart = root.join("../shared/corpus/charts/helm-create");
    if !chart.is_dir() {
        eprintln!("skipping: no corpus at {}", chart.display());
        return;
    }
    let fixtures = root.join("tests/fixtures/postrender");
    let read = |name: &str| std::fs::read_to_string(fixtures.join(name)).unwrap();
    let env = Env::new();
    let pkg = env.package(&format!(
        "  filesystem: [{{ path: {}, guestPath: /cases, access: read-only }}]\n",
        fixtures.display()
    ));
    ok(env.run(&["plugin", "install", pkg.to_str().unwrap()]));
    let chart = chart.to_str().unwrap();
    let template = |args: &[&str]| {
        let mut a = vec!["template", "x", chart, "--post-renderer", "hostile"];
        for arg in args {
            a.extend(["--post-renderer-args", arg]);
        }
        env.run(&a)
    };
    assert_eq!(
        ok(template(&["echo"])),
        read("helm-create.postrendered.out")
    );
    for case in ["styles", "comments", "regroup-hooks-scalars"] {
        let file = format!("/cases/{case}.in.yaml");
        assert_eq!(
            ok(template(&["read-file", &file])),
            read(&format!("{case}.helm.out")),
            "{case}"
        );
    }
    let e = fails(template(&["read-file", "/cases/err-scalar.in.yaml"]));
    assert_eq!(e, format!("Error: {}", read("err-scalar.helm.err")));
}
