//! The release verbs at the HTTP level: the real `whelm` binary against the fake API server
//! (tests/support/fake_apiserver.rs), asserting the exact requests it sends — server-side apply
//! (content type, fieldManager, force, fieldValidation, dryRun), order (hooks by weight,
//! InstallOrder, uninstall order), deletes and their propagation policy, ownership metadata,
//! and the release Secrets Helm would read.

mod common;
#[path = "support/fake_apiserver.rs"]
mod fake_apiserver;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use common::{decode_release, succeeded};
use fake_apiserver::{Behaviour, FakeApiServer, Recorded};
use serde_json::{Value, json};

struct Env {
    api: FakeApiServer,
    tmp: tempfile::TempDir,
    kubeconfig: PathBuf,
}

fn chart(name: &str) -> String {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../tests/charts")
        .join(name)
        .to_string_lossy()
        .into_owned()
}

impl Env {
    fn new() -> Env {
        let api = FakeApiServer::start();
        let tmp = tempfile::tempdir().unwrap();
        let kubeconfig = api.write_kubeconfig(tmp.path());
        Env {
            api,
            tmp,
            kubeconfig,
        }
    }

    fn run(&self, args: &[&str]) -> Output {
        self.command(args).output().unwrap()
    }

    fn command(&self, args: &[&str]) -> Command {
        let mut c = Command::new(env!("CARGO_BIN_EXE_whelm"));
        c.args(args)
            .env("KUBECONFIG", &self.kubeconfig)
            .env("WHELM_DATA_HOME", self.tmp.path().join("data"))
            .env(
                "WHELM_CACHE_HOME",
                std::env::temp_dir().join("whelm-kube-http-test-cache"),
            )
            .env("WHELM_POLL_INTERVAL_MS", "20")
            .env_remove("HELM_DRIVER")
            .env_remove("HELM_NAMESPACE")
            .env_remove("WHELM_POLICY");
        c
    }

    fn ok(&self, args: &[&str]) -> String {
        succeeded(self.command(args))
    }

    fn err(&self, args: &[&str]) -> String {
        let out = self.run(args);
        assert!(!out.status.success(), "whelm {args:?} should fail");
        String::from_utf8_lossy(&out.stderr).into_owned()
    }

    /// Mutating requests (what whelm changed), as `METHOD path`.
    fn writes(&self) -> Vec<Recorded> {
        self.api
            .requests()
            .into_iter()
            .filter(|r| r.method != "GET")
            .collect()
    }

    fn release(&self, name: &str, version: i64) -> Option<Value> {
        let s = self.api.object(&format!(
            "/api/v1/namespaces/default/secrets/sh.helm.release.v1.{name}.v{version}"
        ))?;
        Some(decode_release(&s))
    }
}

fn line(r: &Recorded) -> String {
    format!("{} {}", r.method, r.path)
}

const CM: &str = "/api/v1/namespaces/default/configmaps";
const SECRETS: &str = "/api/v1/namespaces/default/secrets";
const META: &str = "application/json;as=PartialObjectMetadata;g=meta.k8s.io;v=v1,application/json";
const META_LIST: &str =
    "application/json;as=PartialObjectMetadataList;g=meta.k8s.io;v=v1,application/json";

#[test]
fn install_applies_server_side_in_helms_order() {
    let env = Env::new();
    let out = env.ok(&["install", "r", &chart("lifecycle")]);
    assert!(out.contains("STATUS: deployed"), "{out}");
    let writes = env.writes();
    let mut lines: Vec<String> = writes.iter().map(line).collect();
    // The chart's objects form one wave (no barrier kind among them): applied concurrently,
    // so their relative order is free; sort that block before comparing.
    lines[5..9].sort();
    let expected = [
        // The pending revision first: the lock.
        format!("POST {SECRETS}"),
        // pre-install hooks by weight: -5 (own policy: no delete first), then 5 (default
        // policy before-hook-creation: delete first).
        format!("PATCH {CM}/r-pre-early"),
        format!("DELETE {CM}/r-pre-late"),
        format!("PATCH {CM}/r-pre-late"),
        // hook-succeeded deletes once all hooks of the event succeeded.
        format!("DELETE {CM}/r-pre-early"),
        // The chart's objects, after the pre-install hooks and before the post-install ones.
        format!("PATCH {CM}/r-config"),
        "PATCH /api/v1/namespaces/default/serviceaccounts/r-sa".to_string(),
        "PATCH /api/v1/namespaces/default/services/r-svc".to_string(),
        "PATCH /apis/apps/v1/namespaces/default/deployments/r-web".to_string(),
        format!("DELETE {CM}/r-post"),
        format!("PATCH {CM}/r-post"),
        format!("PUT {SECRETS}/sh.helm.release.v1.r.v1"),
    ];
    assert_eq!(lines, expected);
    for r in writes.iter().filter(|r| r.method == "PATCH") {
        assert_eq!(
            r.content_type.as_deref(),
            Some("application/apply-patch+yaml")
        );
        assert_eq!(
            r.query.get("fieldManager").map(String::as_str),
            Some("helm")
        );
        assert_eq!(r.query.get("force").map(String::as_str), Some("false"));
        assert_eq!(
            r.query.get("fieldValidation").map(String::as_str),
            Some("Strict")
        );
        assert!(!r.query.contains_key("dryRun"));
        assert_eq!(r.authorization.as_deref(), Some("Bearer fake-token"));
        let body = r.body.as_ref().unwrap();
        assert_eq!(body["metadata"]["namespace"], "default");
        let hook = body["metadata"]["annotations"]["helm.sh/hook"].is_string();
        if hook {
            assert!(
                body["metadata"]["labels"]["app.kubernetes.io/managed-by"].is_null(),
                "hooks are not owned by the release"
            );
        } else {
            assert_eq!(
                body["metadata"]["labels"]["app.kubernetes.io/managed-by"],
                "Helm"
            );
            assert_eq!(
                body["metadata"]["annotations"]["meta.helm.sh/release-name"],
                "r"
            );
            assert_eq!(
                body["metadata"]["annotations"]["meta.helm.sh/release-namespace"],
                "default"
            );
        }
    }
    for d in writes.iter().filter(|r| r.method == "DELETE") {
        assert_eq!(d.body.as_ref().unwrap()["propagationPolicy"], "Background");
    }
    // The release Secret's writes go as protobuf: the payload is not base64-encoded a second
    // time, and the apiserver copies it instead of decoding a JSON string. The fake decodes
    // them field by field (its own decoder); the deployed revision is what the store holds.
    let store_writes: Vec<&Recorded> = writes
        .iter()
        .filter(|r| r.path.starts_with(SECRETS))
        .collect();
    assert_eq!(store_writes.len(), 2);
    for r in &store_writes {
        assert_eq!(
            r.content_type.as_deref(),
            Some(fake_apiserver::PROTOBUF),
            "{}",
            line(r)
        );
        assert!(r.raw_body.as_bytes().starts_with(b"k8s\0"));
        let body = r.body.as_ref().expect("the protobuf body decodes");
        assert_eq!(body["kind"], "Secret");
        assert_eq!(body["type"], "helm.sh/release.v1");
        assert_eq!(body["metadata"]["name"], "sh.helm.release.v1.r.v1");
        assert_eq!(body["metadata"]["labels"]["owner"], "helm");
    }
    assert_eq!(
        store_writes[0].body.as_ref().unwrap()["metadata"]["labels"]["status"],
        "pending-install"
    );
    let stored = env
        .api
        .object(&format!("{SECRETS}/sh.helm.release.v1.r.v1"))
        .unwrap();
    assert_eq!(
        store_writes[1].body.as_ref().unwrap()["data"],
        stored["data"]
    );
    assert_eq!(decode_release(&stored)["info"]["status"], "deployed");
    // Answers whelm discards or reads only the metadata of are asked for as metadata: applies,
    // the release Secret's writes, and every read of the release store (heads are labels).
    for r in writes.iter().filter(|r| r.method != "DELETE") {
        assert_eq!(r.accept.as_deref(), Some(META), "{}", line(r));
    }
    let store_reads: Vec<Recorded> = env
        .api
        .requests()
        .into_iter()
        .filter(|r| r.method == "GET" && r.path.starts_with(SECRETS))
        .collect();
    for r in &store_reads {
        assert_eq!(r.path, SECRETS, "only label-selected lists: {}", line(r));
        assert_eq!(r.accept.as_deref(), Some(META_LIST), "{:?}", r.query);
    }
    // Three reads: the name's history (none), which also stands for the history limit of
    // the new revision; the heads before marking it deployed (the lease is still ours); and,
    // while it is marked deployed, the revision's chunks to remove.
    let queries: Vec<String> = store_reads
        .iter()
        .map(|r| r.query.get("labelSelector").cloned().unwrap_or_default())
        .collect();
    assert_eq!(
        queries,
        [
            "name=r,owner=helm",
            "name=r,owner=helm",
            "whelm.sh/chunk-of=r,whelm.sh/chunk-version=1"
        ],
        "{store_reads:#?}"
    );
    // The pending revision as Helm writes it, then deployed.
    let post = &writes[0];
    let secret = post.body.as_ref().unwrap();
    assert_eq!(secret["metadata"]["name"], "sh.helm.release.v1.r.v1");
    assert_eq!(secret["type"], "helm.sh/release.v1");
    let labels = &secret["metadata"]["labels"];
    assert_eq!(
        (
            &labels["owner"],
            &labels["name"],
            &labels["status"],
            &labels["version"]
        ),
        (
            &Value::from("helm"),
            &Value::from("r"),
            &Value::from("pending-install"),
            &Value::from("1")
        )
    );
    let rel = env.release("r", 1).unwrap();
    assert_eq!(rel["info"]["status"], "deployed");
    assert_eq!(rel["info"]["description"], "Install complete");
    assert_eq!(rel["apply_method"], "ssa");
    assert_eq!(rel["info"]["notes"], "Release r is revision 1.\n");
    let manifest = rel["manifest"].as_str().unwrap();
    assert!(manifest.starts_with("---\n# Source: lifecycle/templates/serviceaccount.yaml\n"));
    let phases: Vec<(&str, &str)> = rel["hooks"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| {
            (
                h["name"].as_str().unwrap(),
                h["last_run"]["phase"].as_str().unwrap(),
            )
        })
        .collect();
    assert!(phases.contains(&("r-pre-early", "Succeeded")), "{phases:?}");
    assert!(phases.contains(&("r-test", "")), "{phases:?}");
}

#[test]
fn upgrade_applies_and_deletes_dropped_objects() {
    let env = Env::new();
    env.ok(&[
        "install",
        "r",
        &chart("lifecycle"),
        "--set",
        "extra.enabled=true,hooks.enabled=false",
    ]);
    assert!(env.api.object(&format!("{CM}/r-extra")).is_some());
    env.api.clear_requests();
    let out = env.ok(&[
        "upgrade",
        "r",
        &chart("lifecycle"),
        "--set",
        "hooks.enabled=false",
        "--force-conflicts",
    ]);
    assert!(
        out.starts_with("Release \"r\" has been upgraded. Happy Helming!\n"),
        "{out}"
    );
    let writes = env.writes();
    let deletes: Vec<String> = writes
        .iter()
        .filter(|r| r.method == "DELETE")
        .map(line)
        .collect();
    assert_eq!(deletes, [format!("DELETE {CM}/r-extra")]);
    assert!(env.api.object(&format!("{CM}/r-extra")).is_none());
    for p in writes.iter().filter(|r| r.method == "PATCH") {
        assert_eq!(
            p.query.get("force").map(String::as_str),
            Some("true"),
            "--force-conflicts"
        );
    }
    assert_eq!(env.release("r", 1).unwrap()["info"]["status"], "superseded");
    assert_eq!(
        env.release("r", 1).unwrap()["info"]["description"],
        "Install complete"
    );
    let v2 = env.release("r", 2).unwrap();
    assert_eq!(v2["info"]["status"], "deployed");
    assert_eq!(v2["info"]["description"], "Upgrade complete");
    // Values: none given → the previous revision's are reused (Helm's default).
    assert_eq!(
        v2["config"],
        serde_json::json!({"hooks": {"enabled": false}})
    );
}

#[test]
fn dry_run_server_sends_dry_run_applies_and_stores_nothing() {
    let env = Env::new();
    let out = env.ok(&["install", "r", &chart("lifecycle"), "--dry-run=server"]);
    assert!(out.contains("STATUS: pending-install"), "{out}");
    assert!(
        out.contains("HOOKS:\n"),
        "a dry run prints hooks and manifest: {out}"
    );
    let writes = env.writes();
    assert!(!writes.is_empty());
    for w in &writes {
        assert_eq!(w.method, "PATCH", "{}", line(w));
        assert_eq!(w.query.get("dryRun").map(String::as_str), Some("All"));
    }
    assert!(env.api.objects_of("secrets").is_empty());
    assert!(env.api.object(&format!("{CM}/r-config")).is_none());

    // A client dry run never talks to the cluster.
    env.api.clear_requests();
    env.ok(&["install", "r", &chart("lifecycle"), "--dry-run"]);
    assert!(env.api.requests().is_empty());
}

#[test]
fn apply_conflict_fails_the_release_with_the_apiservers_words() {
    let env = Env::new();
    env.ok(&[
        "install",
        "r",
        &chart("lifecycle"),
        "--set",
        "hooks.enabled=false",
    ]);
    env.api.fail_next(
        "PATCH",
        &format!("{CM}/r-config"),
        409,
        "Conflict",
        "Apply failed with 1 conflict: conflict with \"kubectl-edit\" using v1: .data.message",
    );
    let err = env.err(&["upgrade", "r", &chart("lifecycle"), "--set", "message=x"]);
    assert_eq!(
        err,
        "Error: UPGRADE FAILED: conflict occurred while applying object default/r-config /v1, Kind=ConfigMap: Apply failed with 1 conflict: conflict with \"kubectl-edit\" using v1: .data.message\n"
    );
    let v2 = env.release("r", 2).unwrap();
    assert_eq!(v2["info"]["status"], "failed");
    assert!(
        v2["info"]["description"]
            .as_str()
            .unwrap()
            .starts_with("Upgrade \"r\" failed: conflict occurred")
    );
    assert_eq!(env.release("r", 1).unwrap()["info"]["status"], "deployed");
    // The next upgrade goes ahead from the failed one.
    env.ok(&["upgrade", "r", &chart("lifecycle"), "--set", "message=y"]);
    assert_eq!(env.release("r", 3).unwrap()["info"]["status"], "deployed");
}

#[test]
fn existing_objects_need_ownership_or_take_ownership() {
    let env = Env::new();
    env.api
        .put_object(serde_json::json!({"apiVersion": "v1", "kind": "ConfigMap",
        "metadata": {"name": "r-config", "namespace": "default"}, "data": {"a": "b"}}));
    let err = env.err(&[
        "install",
        "r",
        &chart("lifecycle"),
        "--set",
        "hooks.enabled=false",
    ]);
    assert_eq!(
        err,
        "Error: INSTALLATION FAILED: unable to continue with install: ConfigMap \"r-config\" in namespace \"default\" exists and cannot be imported into the current release: invalid ownership metadata; label validation error: missing key \"app.kubernetes.io/managed-by\": must be set to \"Helm\"; annotation validation error: missing key \"meta.helm.sh/release-name\": must be set to \"r\"; annotation validation error: missing key \"meta.helm.sh/release-namespace\": must be set to \"default\"\n"
    );
    // The pending revision is written while ownership is checked, then taken back: the
    // history is left as Helm (which checks first) leaves it, and nothing was applied.
    let writes: Vec<String> = env.writes().iter().map(line).collect();
    assert_eq!(
        writes,
        [
            format!("POST {SECRETS}"),
            format!("DELETE {SECRETS}/sh.helm.release.v1.r.v1")
        ]
    );
    assert!(env.api.objects_of("secrets").is_empty(), "nothing stored");
    env.ok(&[
        "install",
        "r",
        &chart("lifecycle"),
        "--set",
        "hooks.enabled=false",
        "--take-ownership",
    ]);
    let cm = env.api.object(&format!("{CM}/r-config")).unwrap();
    assert_eq!(
        cm["metadata"]["annotations"]["meta.helm.sh/release-name"],
        "r"
    );
}

#[test]
fn uninstall_deletes_in_helms_order_and_purges_history() {
    let env = Env::new();
    env.ok(&[
        "install",
        "r",
        &chart("lifecycle"),
        "--set",
        "hooks.enabled=false,keep.enabled=true",
    ]);
    env.api.clear_requests();
    let out = env.ok(&["uninstall", "r"]);
    assert_eq!(
        out,
        "These resources were kept due to the resource policy:\n[ConfigMap] r-kept\n\nrelease \"r\" uninstalled\n"
    );
    let deletes: Vec<String> = env
        .writes()
        .iter()
        .filter(|r| r.method == "DELETE")
        .map(line)
        .collect();
    assert_eq!(
        deletes,
        [
            "DELETE /api/v1/namespaces/default/services/r-svc".to_string(),
            "DELETE /apis/apps/v1/namespaces/default/deployments/r-web".to_string(),
            format!("DELETE {CM}/r-config"),
            "DELETE /api/v1/namespaces/default/serviceaccounts/r-sa".to_string(),
            format!("DELETE {SECRETS}/sh.helm.release.v1.r.v1"),
        ]
    );
    assert!(env.api.object(&format!("{CM}/r-kept")).is_some());
    let err = env.err(&["uninstall", "r"]);
    assert_eq!(
        err,
        "Error: uninstall: Release not loaded: r: release: not found\n"
    );

    env.ok(&[
        "install",
        "k",
        &chart("lifecycle"),
        "--set",
        "hooks.enabled=false",
    ]);
    env.ok(&[
        "uninstall",
        "k",
        "--keep-history",
        "--cascade",
        "foreground",
    ]);
    let rel = env.release("k", 1).unwrap();
    assert_eq!(rel["info"]["status"], "uninstalled");
    assert_eq!(rel["info"]["description"], "Uninstallation complete");
    let cascades: Vec<Value> = env
        .writes()
        .iter()
        .filter(|r| r.method == "DELETE" && r.path.contains("/deployments/"))
        .map(|r| r.body.as_ref().unwrap()["propagationPolicy"].clone())
        .collect();
    assert_eq!(cascades.last().unwrap(), "Foreground");
}

#[test]
fn failed_hook_with_rollback_on_failure_uninstalls() {
    let env = Env::new();
    env.api.fail_next(
        "PATCH",
        &format!("{CM}/r-post"),
        422,
        "Invalid",
        "ConfigMap \"r-post\" is invalid: data: Invalid value",
    );
    let err = env.err(&["install", "r", &chart("lifecycle"), "--rollback-on-failure"]);
    assert!(
        err.starts_with("Error: INSTALLATION FAILED: release r failed, and has been uninstalled due to rollback-on-failure being set: failed post-install: warning: Hook post-install lifecycle/templates/hooks.yaml failed: "),
        "{err}"
    );
    assert!(env.api.objects_of("secrets").is_empty(), "history purged");
    assert!(
        env.api.object(&format!("{CM}/r-config")).is_none(),
        "objects removed"
    );
}

#[test]
fn wait_polls_until_ready_or_times_out() {
    let env = Env::new();
    env.api.set_behaviour("Deployment", Behaviour::Unready);
    let err = env.err(&[
        "install",
        "r",
        &chart("lifecycle"),
        "--set",
        "hooks.enabled=false,replicas=2",
        "--wait",
        "--timeout",
        "1s",
    ]);
    assert!(
        err.contains("resource not ready, name: Deployment/r-web"),
        "{err}"
    );
    assert!(err.contains("context deadline exceeded"), "{err}");
    assert_eq!(env.release("r", 1).unwrap()["info"]["status"], "failed");

    env.api.set_behaviour("Deployment", Behaviour::Ready);
    env.api.clear_requests();
    env.ok(&[
        "upgrade",
        "r",
        &chart("lifecycle"),
        "--set",
        "hooks.enabled=false,replicas=2",
        "--wait=watcher",
    ]);
    let polled = env.api.requests().iter().any(|r| {
        r.method == "GET" && r.path == "/apis/apps/v1/namespaces/default/deployments/r-web"
    });
    assert!(polled, "the wait reads the Deployment");
    let err = env.err(&["upgrade", "r", &chart("lifecycle"), "--wait=sometimes"]);
    assert_eq!(
        err,
        "Error: invalid wait input \"sometimes\". Valid inputs are watcher, hookOnly, and legacy\n"
    );
}

#[test]
fn lookup_reads_the_cluster_only_when_installing() {
    let env = Env::new();
    env.api
        .put_object(serde_json::json!({"apiVersion": "v1", "kind": "ConfigMap",
        "metadata": {"name": "seed", "namespace": "default"}, "data": {"value": "from-cluster"}}));
    env.ok(&["install", "r", &chart("lookup")]);
    let cm = env.api.object(&format!("{CM}/r-copy")).unwrap();
    assert_eq!(cm["data"]["copied"], "from-cluster");
    assert_eq!(cm["data"]["listed"], "1");
    assert_eq!(cm["data"]["kind"], "map");
    let gets: Vec<String> = env
        .api
        .requests()
        .iter()
        .filter(|r| r.method == "GET" && r.path.starts_with(CM))
        .map(line)
        .collect();
    assert!(gets.contains(&format!("GET {CM}/seed")), "{gets:?}");
    assert!(gets.contains(&format!("GET {CM}")), "{gets:?}");
    // `template` renders without the cluster: lookup gives an empty map.
    let out = env.ok(&["template", "r", &chart("lookup")]);
    assert!(out.contains("copied: \"absent\""), "{out}");
}

#[test]
fn history_max_prunes_and_rollback_reapplies() {
    let env = Env::new();
    let c = chart("lifecycle");
    env.ok(&[
        "install",
        "r",
        &c,
        "--set",
        "hooks.enabled=false,message=one",
    ]);
    env.ok(&["upgrade", "r", &c, "--set", "message=two"]);
    env.ok(&[
        "upgrade",
        "r",
        &c,
        "--set",
        "message=three",
        "--history-max",
        "2",
    ]);
    assert!(env.release("r", 1).is_none(), "pruned to 2 revisions");
    env.ok(&["rollback", "r", "2"]);
    let v4 = env.release("r", 4).unwrap();
    assert_eq!(v4["info"]["description"], "Rollback to 2");
    assert_eq!(v4["info"]["status"], "deployed");
    let cm = env.api.object(&format!("{CM}/r-config")).unwrap();
    assert_eq!(cm["data"]["message"], "two");
    let out = env.ok(&["history", "r"]);
    assert!(out.contains("Rollback to 2"), "{out}");
    let err = env.err(&["rollback", "r", "1"]);
    assert!(err.contains("release has no 1 version"), "{err}");
}

/// A release Secret written by helm 4.3.1 on a real apiserver (tests/fixtures): whelm reads it,
/// upgrades it, and re-encodes revision 1 (now superseded) without losing or changing anything
/// else Helm wrote.
#[test]
fn reads_and_upgrades_a_release_helm_wrote() {
    let env = Env::new();
    let fixture = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../tests/fixtures/helm-4.3.1-release-secret.json");
    let mut secret: Value =
        serde_json::from_str(&std::fs::read_to_string(fixture).unwrap()).unwrap();
    let original = decode_release(&secret);
    for k in [
        "resourceVersion",
        "uid",
        "creationTimestamp",
        "managedFields",
    ] {
        secret["metadata"].as_object_mut().unwrap().remove(k);
    }
    env.api.put_object(secret);
    let hist = env.ok(&["history", "interop"]);
    assert!(
        hist.contains("deployed") && hist.contains("Install complete"),
        "{hist}"
    );
    let notes = env.ok(&["get", "notes", "interop"]);
    // Helm prints the notes (which end in a newline) and then a newline.
    assert_eq!(notes, "NOTES:\nRelease interop is revision 1.\n\n");
    let manifest = env.ok(&["get", "manifest", "interop"]);
    assert_eq!(
        manifest,
        format!("{}\n", original["manifest"].as_str().unwrap())
    );

    env.ok(&[
        "upgrade",
        "interop",
        &chart("lifecycle"),
        "--set",
        "message=from-whelm",
    ]);
    let mut v1 = env.release("interop", 1).unwrap();
    assert_eq!(v1["info"]["status"], "superseded");
    v1["info"]["status"] = original["info"]["status"].clone();
    assert_eq!(
        v1, original,
        "everything else helm wrote survives whelm's re-encoding"
    );
    let v1_secret = env
        .api
        .object(&format!("{SECRETS}/sh.helm.release.v1.interop.v1"))
        .unwrap();
    let labels = &v1_secret["metadata"]["labels"];
    assert_eq!(labels["status"], "superseded");
    assert_eq!(labels["owner"], "helm");
    let v2 = env.release("interop", 2).unwrap();
    assert_eq!(v2["info"]["status"], "deployed");
    assert_eq!(
        v2["info"]["first_deployed"],
        original["info"]["first_deployed"]
    );
}

const DEPLOY: &str = "/apis/apps/v1/namespaces/default/deployments";
const SVC: &str = "/api/v1/namespaces/default/services";
const GIZMOS: &str = "/apis/csa.whelm.test/v1/namespaces/default/gizmos";
const SMP: &str = "application/strategic-merge-patch+json";
const MERGE: &str = "application/merge-patch+json";
const OWNER_META: &str = r#"{"annotations": {"meta.helm.sh/release-name": "r",
    "meta.helm.sh/release-namespace": "default"},
    "labels": {"app.kubernetes.io/managed-by": "Helm"}}"#;

impl Env {
    /// Client-side writes to the release's objects (not the release Secrets, not server-side
    /// applies such as hooks and CRDs), by path.
    fn object_writes(&self) -> BTreeMap<String, Recorded> {
        self.writes()
            .into_iter()
            .filter(|r| {
                !r.path.starts_with(SECRETS)
                    && r.content_type.as_deref() != Some("application/apply-patch+yaml")
            })
            .map(|r| (format!("{} {}", r.method, r.path), r))
            .collect()
    }

    /// The OpenAPI documents read.
    fn openapi_reads(&self) -> Vec<String> {
        let mut v: Vec<String> = self
            .api
            .requests()
            .into_iter()
            .filter(|r| r.path.starts_with("/openapi"))
            .map(|r| line(&r))
            .collect();
        v.sort();
        v
    }

    fn file(&self, name: &str, text: &str) -> String {
        let path = self.tmp.path().join(name);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, text).unwrap();
        path.to_string_lossy().into_owned()
    }

    /// Changes a stored object as someone else would (kubectl edit).
    fn edit(&self, path: &str, f: impl FnOnce(&mut Value)) {
        let mut o = self.api.object(path).unwrap();
        f(&mut o);
        self.api.put_object(o);
    }
}

fn json(text: &str) -> Value {
    serde_json::from_str(text).unwrap()
}

fn keys(m: &BTreeMap<String, Recorded>) -> Vec<String> {
    m.keys().cloned().collect()
}

/// `METHOD path` lines, sorted as [`keys`] gives them.
fn sorted<const N: usize>(lines: [String; N]) -> Vec<String> {
    let mut v = lines.to_vec();
    v.sort();
    v
}

#[test]
fn server_side_false_creates_then_patches_only_what_changed() {
    let env = Env::new();
    let c = chart("lifecycle");
    env.ok(&[
        "install",
        "r",
        &c,
        "--set",
        "hooks.enabled=false",
        "--server-side=false",
    ]);
    let created = env.object_writes();
    assert_eq!(
        keys(&created),
        sorted([
            format!("POST {CM}"),
            format!("POST {DEPLOY}"),
            format!("POST {SVC}"),
            "POST /api/v1/namespaces/default/serviceaccounts".to_string(),
        ])
    );
    for r in created.values() {
        assert_eq!(r.content_type.as_deref(), Some("application/json"));
        assert_eq!(
            r.query,
            BTreeMap::from([("fieldManager".to_string(), "helm".to_string())])
        );
    }
    // Nothing existed, nothing was patched: no patch metadata was needed.
    assert!(env.openapi_reads().is_empty());
    assert_eq!(env.release("r", 1).unwrap()["apply_method"], "csa");

    env.api.clear_requests();
    // `--server-side auto` keeps the release's method. Only the ConfigMap changes: the
    // unchanged objects get no request (Helm skips an empty patch).
    let patched = upgrade_changing_message(&env, &c);
    assert_eq!(keys(&patched), [format!("PATCH {CM}/r-config")]);
    let patch = &patched[&format!("PATCH {CM}/r-config")];
    assert_eq!(patch.content_type.as_deref(), Some(SMP));
    assert_eq!(
        patch.query,
        BTreeMap::from([("fieldManager".to_string(), "helm".to_string())])
    );
    assert_eq!(
        patch.body,
        Some(json(r#"{"data": {"message": "x", "revision": "2"}}"#))
    );
    assert_eq!(
        env.api.object(&format!("{CM}/r-config")).unwrap()["data"]["message"],
        "x"
    );
    // Each group-version's document once, for the typed objects that exist.
    assert_eq!(
        env.openapi_reads(),
        ["GET /openapi/v3/api/v1", "GET /openapi/v3/apis/apps/v1"]
    );
}

/// `upgrade r` of `chart` with hooks off and `message=x`; the object writes it made.
fn upgrade_changing_message(env: &Env, chart: &str) -> BTreeMap<String, Recorded> {
    env.ok(&[
        "upgrade",
        "r",
        chart,
        "--set",
        "hooks.enabled=false",
        "--set",
        "message=x",
    ]);
    env.object_writes()
}

/// A release Helm 3 wrote has no apply method: Helm 4's `--server-side auto` keeps it
/// client-side, and so does whelm.
#[test]
fn auto_keeps_a_helm_3_release_client_side() {
    let env = Env::new();
    let c = chart("lifecycle");
    env.ok(&["install", "r", &c, "--set", "hooks.enabled=false"]);
    let path = format!("{SECRETS}/sh.helm.release.v1.r.v1");
    let mut secret = env.api.object(&path).unwrap();
    let mut rel = decode_release(&secret);
    rel.as_object_mut().unwrap().remove("apply_method");
    common::encode_release(&mut secret, &rel);
    env.api.put_object(secret);
    env.api.clear_requests();
    let p = upgrade_changing_message(&env, &c);
    assert_eq!(keys(&p), [format!("PATCH {CM}/r-config")]);
    assert_eq!(
        p[&format!("PATCH {CM}/r-config")].content_type.as_deref(),
        Some(SMP)
    );
    assert_eq!(env.release("r", 2).unwrap()["apply_method"], "csa");
}

#[test]
fn client_side_upgrade_patches_as_helm_and_keeps_what_others_changed() {
    let env = Env::new();
    let c = chart("csa");
    env.ok(&["install", "r", &c, "--server-side=false"]);
    // Others change the live objects: a scale, an annotation, an injected sidecar, a key.
    env.edit(&format!("{DEPLOY}/r-web"), |d| {
        d["spec"]["replicas"] = json!(3);
        d["metadata"]["annotations"]["note"] = json!("by kubectl");
        d["spec"]["template"]["spec"]["containers"]
            .as_array_mut()
            .unwrap()
            .push(json!({"name": "sidecar", "image": "envoy"}));
    });
    env.edit(&format!("{CM}/r-config"), |cm| {
        cm["data"]["x"] = json!("live");
    });
    env.edit(&format!("{GIZMOS}/r-gizmo"), |g| {
        g["spec"]["owner"] = json!("ops");
    });
    env.api.clear_requests();
    // The chart drops an env var and adds one, adds a port, drops a key and a field.
    let values = env.file(
        "v2.yaml",
        "env:\n  - {name: MODE, value: blue}\n  - {name: COLOR, value: green}\n\
         ports:\n  - {name: http, port: 80, targetPort: 8080}\n  - {name: https, port: 443, targetPort: 8443}\n\
         data: {b: null}\n\
         gizmo: {size: null, color: green}\n",
    );
    env.ok(&["upgrade", "r", &c, "-f", &values]);
    let p = env.object_writes();
    assert_eq!(
        keys(&p),
        sorted([
            format!("PATCH {CM}/r-config"),
            format!("PATCH {DEPLOY}/r-web"),
            format!("PATCH {SVC}/r-svc"),
            format!("PATCH {GIZMOS}/r-gizmo"),
        ])
    );
    let body = |path: &str, content_type: &str| {
        let r = &p[&format!("PATCH {path}")];
        assert_eq!(r.content_type.as_deref(), Some(content_type), "{path}");
        assert_eq!(r.query["fieldManager"], "helm");
        r.body.clone().unwrap()
    };
    // Env by merge key: the new var, a delete directive for the dropped one, the chart's order.
    // The sidecar (live only) and the replicas (not in the chart) are not mentioned.
    assert_eq!(
        body(&format!("{DEPLOY}/r-web"), SMP),
        json(
            r#"{"spec": {"template": {"spec": {
                "$setElementOrder/containers": [{"name": "app"}],
                "containers": [{
                    "$setElementOrder/env": [{"name": "MODE"}, {"name": "COLOR"}],
                    "env": [{"name": "COLOR", "value": "green"}, {"$patch": "delete", "name": "LEVEL"}],
                    "name": "app"
                }]
            }}}}"#
        )
    );
    assert_eq!(
        body(&format!("{SVC}/r-svc"), SMP),
        json(
            r#"{"spec": {
                "$setElementOrder/ports": [{"port": 80}, {"port": 443}],
                "ports": [{"name": "https", "port": 443, "targetPort": 8443}]
            }}"#
        )
    );
    assert_eq!(
        body(&format!("{CM}/r-config"), SMP),
        json(r#"{"data": {"b": null}}"#)
    );
    // A custom resource: a two-way JSON merge patch from the previous manifest, which (as Helm
    // builds it) lacks the ownership metadata the target carries.
    let mut gizmo = json(r#"{"spec": {"color": "green", "size": null}}"#);
    gizmo["metadata"] = json(OWNER_META);
    assert_eq!(body(&format!("{GIZMOS}/r-gizmo"), MERGE), gizmo);

    // Where that leaves the live objects.
    let d = env.api.object(&format!("{DEPLOY}/r-web")).unwrap();
    assert_eq!(d["spec"]["replicas"], 3);
    assert_eq!(d["metadata"]["annotations"]["note"], "by kubectl");
    assert_eq!(
        d["spec"]["template"]["spec"]["containers"],
        json(
            r#"[{"name": "app", "image": "registry.k8s.io/pause:3.10",
                 "env": [{"name": "MODE", "value": "blue"}, {"name": "COLOR", "value": "green"}]},
                {"name": "sidecar", "image": "envoy"}]"#
        )
    );
    let svc = env.api.object(&format!("{SVC}/r-svc")).unwrap();
    let ports: Vec<&Value> = svc["spec"]["ports"].as_array().unwrap().iter().collect();
    assert_eq!(
        ports.iter().map(|p| p["port"].clone()).collect::<Vec<_>>(),
        [json!(80), json!(443)]
    );
    assert_eq!(
        env.api.object(&format!("{CM}/r-config")).unwrap()["data"],
        json(r#"{"a": "1", "x": "live"}"#)
    );
    assert_eq!(
        env.api.object(&format!("{GIZMOS}/r-gizmo")).unwrap()["spec"],
        json(r#"{"color": "green", "owner": "ops"}"#)
    );
    assert_eq!(
        env.openapi_reads(),
        ["GET /openapi/v3/api/v1", "GET /openapi/v3/apis/apps/v1"]
    );

    // The same chart again. The ConfigMap and Service are left alone; the Deployment still
    // gets the container order (its live list has the sidecar), the custom resource the
    // ownership metadata: both as Helm would send.
    env.api.clear_requests();
    env.ok(&["upgrade", "r", &c, "-f", &values]);
    let p = env.object_writes();
    assert_eq!(
        keys(&p),
        sorted([
            format!("PATCH {DEPLOY}/r-web"),
            format!("PATCH {GIZMOS}/r-gizmo")
        ])
    );
    assert_eq!(
        p[&format!("PATCH {DEPLOY}/r-web")].body,
        Some(json(
            r#"{"spec": {"template": {"spec": {"$setElementOrder/containers": [{"name": "app"}]}}}}"#
        ))
    );
    assert_eq!(
        p[&format!("PATCH {GIZMOS}/r-gizmo")].body,
        Some(json!({"metadata": json(OWNER_META)}))
    );
}

#[test]
fn client_side_adoption_patches_from_the_target_on_install_and_from_the_live_object_on_upgrade() {
    let env = Env::new();
    let c = chart("csa");
    // Someone else's objects, with fields of their own.
    env.api
        .put_object(serde_norway::from_str(include_str!("charts/csa/crds/gizmos.yaml")).unwrap());
    env.api.put_object(json(
        r#"{"apiVersion": "v1", "kind": "ConfigMap",
            "metadata": {"name": "r-config", "namespace": "default"},
            "data": {"a": "0", "foreign": "x"}}"#,
    ));
    env.api.put_object(json(
        r#"{"apiVersion": "csa.whelm.test/v1", "kind": "Gizmo",
            "metadata": {"name": "r-gizmo", "namespace": "default"},
            "spec": {"size": 5, "owner": "ops"}}"#,
    ));
    env.ok(&[
        "install",
        "r",
        &c,
        "--server-side=false",
        "--take-ownership",
    ]);
    let p = env.object_writes();
    assert_eq!(
        keys(&p),
        sorted([
            format!("PATCH {CM}/r-config"),
            format!("POST {DEPLOY}"),
            format!("POST {SVC}"),
            format!("PATCH {GIZMOS}/r-gizmo"),
            // crds/: created as Helm does without server-side apply; it exists, and is kept.
            "POST /apis/apiextensions.k8s.io/v1/customresourcedefinitions".to_string(),
        ])
    );
    // Helm adopts with the target itself as the original: changes and additions, no deletions.
    let mut cm = json(r#"{"data": {"a": "1", "b": "2"}}"#);
    cm["metadata"] = json(OWNER_META);
    assert_eq!(p[&format!("PATCH {CM}/r-config")].body, Some(cm));
    assert_eq!(
        p[&format!("PATCH {CM}/r-config")].content_type.as_deref(),
        Some(SMP)
    );
    // --take-ownership with client-side apply: a three-way JSON merge patch for the custom
    // resource (against the live object, so `owner` stays).
    let mut gizmo = json(r#"{"spec": {"color": "red", "size": 1}}"#);
    gizmo["metadata"] = json(OWNER_META);
    assert_eq!(p[&format!("PATCH {GIZMOS}/r-gizmo")].body, Some(gizmo));
    assert_eq!(
        p[&format!("PATCH {GIZMOS}/r-gizmo")]
            .content_type
            .as_deref(),
        Some(MERGE)
    );
    assert_eq!(
        env.api.object(&format!("{GIZMOS}/r-gizmo")).unwrap()["spec"],
        json(r#"{"color": "red", "owner": "ops", "size": 1}"#)
    );
    assert_eq!(
        env.api.object(&format!("{CM}/r-config")).unwrap()["data"],
        json(r#"{"a": "1", "b": "2", "foreign": "x"}"#)
    );

    // An upgrade brings an object that exists but was never the release's: Helm has no
    // original for it and diffs from the live object, so whatever the chart does not set —
    // server-filled metadata included — is sent as null.
    env.api.put_object(json(
        r#"{"apiVersion": "v1", "kind": "ConfigMap",
            "metadata": {"name": "r-adopted", "namespace": "default", "labels": {"team": "x"}},
            "data": {"owner": "someone", "extra": "y"}}"#,
    ));
    let live = env.api.object(&format!("{CM}/r-adopted")).unwrap();
    env.api.clear_requests();
    env.ok(&[
        "upgrade",
        "r",
        &c,
        "--set",
        "adopted.enabled=true",
        "--take-ownership",
    ]);
    let p = env.object_writes();
    // (The custom resource gets its ownership metadata again, as on every upgrade.)
    assert_eq!(
        keys(&p),
        sorted([
            format!("PATCH {CM}/r-adopted"),
            format!("PATCH {GIZMOS}/r-gizmo")
        ])
    );
    assert_eq!(
        p[&format!("PATCH {GIZMOS}/r-gizmo")].body,
        Some(json!({"metadata": json(OWNER_META)}))
    );
    let mut want = json(
        r#"{"data": {"extra": null, "owner": "chart"},
            "metadata": {"creationTimestamp": null, "resourceVersion": null, "uid": null,
                         "labels": {"app.kubernetes.io/managed-by": "Helm", "team": null}}}"#,
    );
    want["metadata"]["annotations"] = json(OWNER_META)["annotations"].clone();
    assert_eq!(
        live["metadata"]
            .as_object()
            .unwrap()
            .keys()
            .collect::<Vec<_>>(),
        [
            "creationTimestamp",
            "labels",
            "name",
            "namespace",
            "resourceVersion",
            "uid"
        ],
        "the live object the expected patch is worked out from"
    );
    assert_eq!(p[&format!("PATCH {CM}/r-adopted")].body, Some(want));
    let adopted = env.api.object(&format!("{CM}/r-adopted")).unwrap();
    assert_eq!(adopted["data"], json(r#"{"owner": "chart"}"#));
    assert_eq!(adopted["metadata"]["uid"], live["metadata"]["uid"]);
}

#[test]
fn client_side_patch_needs_the_openapi_document_and_says_so() {
    let env = Env::new();
    let c = chart("csa");
    env.ok(&["install", "r", &c, "--server-side=false"]);
    env.api.fail_next(
        "GET",
        "/openapi/v3/apis/apps/v1",
        503,
        "ServiceUnavailable",
        "the server is currently unable to handle the request",
    );
    let err = env.err(&["upgrade", "r", &c, "--set", "image=other"]);
    assert!(
        err.contains(
            "failed to create patch: reading the OpenAPI v3 document of apps/v1 for \
             Deployment \"r-web\" in namespace \"default\": GET /openapi/v3/apis/apps/v1: \
             the server is currently unable to handle the request; client-side apply \
             (--server-side=false) reads the patch metadata of built-in kinds from there; \
             use --server-side=true to apply without it"
        ),
        "{err}"
    );
    assert!(!err.contains("panicked"), "{err}");
    assert_eq!(env.release("r", 2).unwrap()["info"]["status"], "failed");
    assert!(
        env.object_writes()
            .keys()
            .all(|k| !k.starts_with(&format!("PATCH {DEPLOY}"))),
        "nothing sent for the Deployment"
    );

    // A kind the document does not describe (the fixture's apps/v1 has no DaemonSet).
    let ds = env.file(
        "ds/Chart.yaml",
        "apiVersion: v2\nname: ds\nversion: 0.1.0\n",
    );
    let ds = Path::new(&ds)
        .parent()
        .unwrap()
        .to_string_lossy()
        .into_owned();
    env.file(
        "ds/templates/ds.yaml",
        concat!(
            "apiVersion: apps/v1\nkind: DaemonSet\nmetadata:\n  name: agent\nspec:\n",
            "  selector: {matchLabels: {app: agent}}\n  template:\n",
            "    metadata: {labels: {app: agent}}\n",
            "    spec: {containers: [{name: a, image: '{{ .Values.image | default \"busybox\" }}'}]}\n",
        ),
    );
    env.ok(&["install", "d", &ds, "--server-side=false"]);
    let err = env.err(&["upgrade", "d", &ds, "--set", "image=other"]);
    assert!(
        err.contains(
            "failed to create patch: the OpenAPI v3 document of apps/v1 \
             (GET /openapi/v3/apis/apps/v1) has no schema for kind DaemonSet \
             (DaemonSet \"agent\" in namespace \"default\")"
        ),
        "{err}"
    );
}

#[test]
fn force_replace_puts_existing_objects_and_needs_client_side_apply() {
    let env = Env::new();
    let c = chart("csa");
    env.ok(&["install", "r", &c, "--server-side=false"]);
    let rv = |path: &str| env.api.object(path).unwrap()["metadata"]["resourceVersion"].clone();
    let deploy_rv = rv(&format!("{DEPLOY}/r-web"));
    env.api.clear_requests();
    env.ok(&[
        "upgrade",
        "r",
        &c,
        "--force-replace",
        "--set",
        "image=other",
    ]);
    let w = env.object_writes();
    assert_eq!(
        keys(&w),
        sorted([
            format!("PUT {CM}/r-config"),
            format!("PUT {DEPLOY}/r-web"),
            format!("PUT {SVC}/r-svc"),
            format!("PUT {GIZMOS}/r-gizmo"),
        ])
    );
    let put = &w[&format!("PUT {DEPLOY}/r-web")];
    assert_eq!(
        put.query,
        BTreeMap::from([
            ("fieldManager".to_string(), "helm".to_string()),
            ("fieldValidation".to_string(), "Strict".to_string())
        ])
    );
    let body = put.body.as_ref().unwrap();
    assert_eq!(body["metadata"]["resourceVersion"], deploy_rv);
    assert_eq!(
        body["spec"]["template"]["spec"]["containers"][0]["image"],
        "other"
    );
    assert!(env.openapi_reads().is_empty(), "replacing needs no patch");

    // The deprecated spelling, and the flags Helm keeps apart.
    let out = env.run(&["upgrade", "r", &c, "--force"]);
    assert!(out.status.success());
    assert!(
        String::from_utf8_lossy(&out.stderr)
            .contains("Flag --force has been deprecated, use --force-replace instead")
    );
    let err = env.err(&["upgrade", "r", &c, "--force-replace", "--force-conflicts"]);
    assert!(
        err.contains(
            "if any flags in the group [force-replace force-conflicts] are set none of the \
             others can be; [force-conflicts force-replace] were all set"
        ),
        "{err}"
    );

    // A server-side applied release: Helm refuses to replace.
    env.ok(&[
        "install",
        "s",
        &chart("lifecycle"),
        "--set",
        "hooks.enabled=false",
    ]);
    let err = env.err(&[
        "upgrade",
        "s",
        &chart("lifecycle"),
        "--set",
        "hooks.enabled=false",
        "--force-replace",
    ]);
    assert!(
        err.contains("invalid operation: cannot use server-side apply and force replace together"),
        "{err}"
    );
}

#[test]
fn release_labels_merge_on_upgrade() {
    let env = Env::new();
    let c = chart("lifecycle");
    env.ok(&[
        "install",
        "r",
        &c,
        "--set",
        "hooks.enabled=false",
        "--labels",
        "team=a,tier=web",
    ]);
    env.ok(&["upgrade", "r", &c, "--labels", "tier=null,env=prod"]);
    let s = env
        .api
        .object(&format!("{SECRETS}/sh.helm.release.v1.r.v2"))
        .unwrap();
    let labels = &s["metadata"]["labels"];
    assert_eq!(labels["team"], "a", "kept from the previous revision");
    assert_eq!(labels["env"], "prod");
    assert!(labels["tier"].is_null(), "`tier=null` unsets it: {labels}");
    assert!(
        labels
            .as_object()
            .unwrap()
            .keys()
            .all(|k| !k.starts_with("whelm.sh/")),
        "no lock labels once deployed: {labels}"
    );
    let err = env.err(&["install", "x", &c, "--labels", "owner=me"]);
    assert!(
        err.contains("user supplied labels contains system reserved label name"),
        "{err}"
    );
}

#[test]
fn crds_of_disabled_subcharts_are_not_installed() {
    const CRDS: &str = "/apis/apiextensions.k8s.io/v1/customresourcedefinitions";
    let crd_writes = |env: &Env| -> Vec<String> {
        let mut v: Vec<String> = env
            .writes()
            .iter()
            .filter(|r| r.path.starts_with(CRDS))
            .map(line)
            .collect();
        v.sort();
        v
    };
    // The subchart's condition is false by default: only the parent's CRD goes in, and
    // discovery after it shows the new API to the templates.
    let env = Env::new();
    env.ok(&["install", "r", &chart("crds")]);
    assert_eq!(
        crd_writes(&env),
        [format!("PATCH {CRDS}/widgets.whelm.test")]
    );
    let cm = env.api.object(&format!("{CM}/r-parent")).unwrap();
    assert_eq!(cm["data"]["widgets"], "true");
    assert!(env.api.object(&format!("{CM}/r-optional")).is_none());

    // Enabled by --set, the subchart brings its CRD along.
    let env = Env::new();
    env.ok(&[
        "install",
        "r",
        &chart("crds"),
        "--set",
        "optional.enabled=true",
    ]);
    assert_eq!(
        crd_writes(&env),
        [
            format!("PATCH {CRDS}/gadgets.whelm.test"),
            format!("PATCH {CRDS}/widgets.whelm.test")
        ]
    );
    assert!(env.api.object(&format!("{CM}/r-optional")).is_some());

    // --skip-crds: none, and the API is not there for the templates.
    let env = Env::new();
    env.ok(&["install", "r", &chart("crds"), "--skip-crds"]);
    assert!(crd_writes(&env).is_empty());
    let cm = env.api.object(&format!("{CM}/r-parent")).unwrap();
    assert_eq!(cm["data"]["widgets"], "false");
}

#[test]
fn ownership_checks_skip_a_namespace_that_does_not_exist() {
    let env = Env::new();
    let objects = [
        "/api/v1/namespaces/fresh/configmaps/r-config",
        "/api/v1/namespaces/fresh/serviceaccounts/r-sa",
        "/api/v1/namespaces/fresh/services/r-svc",
        "/apis/apps/v1/namespaces/fresh/deployments/r-web",
    ];
    let gets = |env: &Env| -> Vec<String> {
        env.api
            .requests()
            .iter()
            .filter(|r| r.method == "GET")
            .map(|r| r.path.clone())
            .collect()
    };
    let args = |name: &'static str| {
        [
            "install",
            name,
            &chart("lifecycle"),
            "-n",
            "fresh",
            "--create-namespace",
            "--set",
            "hooks.enabled=false",
        ]
        .map(String::from)
    };
    let a = args("r");
    env.ok(&a.iter().map(String::as_str).collect::<Vec<_>>());
    // The namespace did not exist: one GET of it stands for the four objects'.
    let seen = gets(&env);
    assert!(
        seen.contains(&"/api/v1/namespaces/fresh".to_string()),
        "{seen:?}"
    );
    for o in objects {
        assert!(!seen.contains(&o.to_string()), "{o} was read: {seen:?}");
    }
    for o in objects {
        assert!(env.api.object(o).is_some(), "{o} applied");
    }
    // Now it exists: a second release finds its ConfigMap taken (put there by someone else),
    // as it checks object by object.
    env.api
        .put_object(serde_json::json!({"apiVersion": "v1", "kind": "ConfigMap",
        "metadata": {"name": "other-config", "namespace": "fresh"}, "data": {"a": "b"}}));
    let b = args("other");
    let err = env.err(&b.iter().map(String::as_str).collect::<Vec<_>>());
    assert!(
        err.contains(
            "ConfigMap \"other-config\" in namespace \"fresh\" exists and cannot be imported"
        ),
        "{err}"
    );
}

/// Every RFC 3339 UTC time (`2026-01-02T03:04:05Z`) in `s` as `TIME`: the fake apiserver
/// stamps objects with the current time.
fn without_times(s: &str) -> String {
    let b = s.as_bytes();
    let shape = b"dddd-dd-ddTdd:dd:ddZ";
    let mut out = String::new();
    let mut i = 0;
    while i < s.len() {
        let is_time = b.len() >= i + shape.len()
            && shape.iter().zip(&b[i..]).all(|(&p, &c)| {
                if p == b'd' {
                    c.is_ascii_digit()
                } else {
                    c == p
                }
            });
        if is_time {
            out.push_str("TIME");
            i += shape.len();
        } else {
            let c = s[i..].chars().next().unwrap();
            out.push(c);
            i += c.len_utf8();
        }
    }
    out
}

const TABLE: &str = "application/json;as=Table;v=v1;g=meta.k8s.io,\
                     application/json;as=Table;v=v1beta1;g=meta.k8s.io,application/json";

/// `whelm status` reads the release's objects back as Helm 4 does: each as the apiserver's
/// table (`Accept` for a meta.k8s.io Table, `includeObject=Object`), the Pods a workload's
/// selector picks as one table, objects that are gone left out; printed as kubectl's printer
/// prints them (a column as wide as that object's cells; no header where the previous table
/// had the same columns, here the Deployment after the Service).
#[test]
fn status_prints_the_live_objects_as_server_side_tables() {
    let env = Env::new();
    env.ok(&[
        "install",
        "r",
        &chart("lifecycle"),
        "--set",
        "extra.enabled=true",
    ]);
    env.api.set_behaviour("Pod", Behaviour::Inert);
    // No controller makes the Deployment's Pods here; two match its selector, one does not.
    for (name, app, phase) in [
        ("r-web-b", "r", "Running"),
        ("r-web-a", "r", "Pending"),
        ("unrelated", "x", "Running"),
    ] {
        env.api.put_object(serde_json::json!({
            "apiVersion": "v1", "kind": "Pod",
            "metadata": {"name": name, "namespace": "default", "labels": {"app": app}},
            "spec": {"containers": [{"name": "c", "image": "i"}]},
            "status": {"phase": phase},
        }));
    }
    assert!(env.api.remove_object(&format!("{CM}/r-extra")));
    env.api.clear_requests();

    let out = env.ok(&["status", "r"]);
    let want = "\
RESOURCES:
==> v1/ServiceAccount
NAME   CREATED AT
r-sa   TIME

==> v1/ConfigMap
NAME       DATA   CREATED AT
r-config   2      TIME

==> v1/Service
NAME    CREATED AT
r-svc   TIME

==> v1/Deployment
r-web   TIME

==> v1/Pod(related)
NAME      STATUS    CREATED AT
r-web-a   Pending   TIME
r-web-b   Running   TIME


NOTES:
Release r is revision 1.
";
    let out = without_times(&out);
    let resources = &out[out.find("RESOURCES:").expect("a RESOURCES section")..];
    assert_eq!(resources, want, "{out}");
    assert!(out.starts_with("NAME: r\nLAST DEPLOYED: "), "{out}");

    let mut reads: Vec<String> = env
        .api
        .requests()
        .into_iter()
        .filter(|r| !r.path.starts_with(SECRETS) && r.path.contains("/namespaces/"))
        .map(|r| {
            assert_eq!(r.method, "GET");
            assert_eq!(r.accept.as_deref(), Some(TABLE), "{}", r.path);
            assert_eq!(
                r.query.get("includeObject").map(String::as_str),
                Some("Object")
            );
            match r.query.get("labelSelector") {
                Some(s) => format!("{}?labelSelector={s}", r.path),
                None => r.path,
            }
        })
        .collect();
    reads.sort();
    assert_eq!(
        reads,
        [
            "/api/v1/namespaces/default/configmaps/r-config",
            "/api/v1/namespaces/default/configmaps/r-extra",
            "/api/v1/namespaces/default/pods?labelSelector=app=r",
            "/api/v1/namespaces/default/serviceaccounts/r-sa",
            "/api/v1/namespaces/default/services/r-svc",
            "/apis/apps/v1/namespaces/default/deployments/r-web",
        ]
    );
}

/// In JSON (and YAML) `status` carries the objects themselves under `info.resources`, keyed
/// by group, related Pods as the list the apiserver answered (items with their kind filled
/// in); no tables are asked for.
#[test]
fn status_json_carries_the_live_objects() {
    let env = Env::new();
    env.ok(&["install", "r", &chart("lifecycle")]);
    env.api.put_object(serde_json::json!({
        "apiVersion": "v1", "kind": "Pod",
        "metadata": {"name": "r-web-a", "namespace": "default", "labels": {"app": "r"}},
        "spec": {"containers": [{"name": "c", "image": "i"}]},
    }));
    env.api.clear_requests();
    let out: Value = serde_json::from_str(&env.ok(&["status", "r", "-o", "json"])).unwrap();
    let resources = out["info"]["resources"].as_object().unwrap();
    let keys: Vec<&String> = resources.keys().collect();
    assert_eq!(
        keys,
        [
            "v1/ConfigMap",
            "v1/Deployment",
            "v1/Pod(related)",
            "v1/Service",
            "v1/ServiceAccount"
        ]
    );
    let cm = &resources["v1/ConfigMap"][0];
    assert_eq!(cm["kind"], "ConfigMap");
    assert_eq!(cm["data"]["message"], "hello");
    let pods = &resources["v1/Pod(related)"][0];
    assert_eq!(pods["kind"], "PodList");
    assert_eq!(pods["items"][0]["kind"], "Pod");
    assert_eq!(pods["items"][0]["apiVersion"], "v1");
    assert_eq!(pods["items"][0]["metadata"]["name"], "r-web-a");
    let reads: Vec<Recorded> = env
        .api
        .requests()
        .into_iter()
        .filter(|r| !r.path.starts_with(SECRETS) && r.path.contains("/namespaces/"))
        .collect();
    assert_eq!(reads.len(), 5, "4 objects and the Pods of the Deployment");
    for r in reads {
        assert_eq!(r.accept, None, "{}", r.path);
        assert!(!r.query.contains_key("includeObject"), "{}", r.path);
    }
    // YAML is the same release.
    let yaml = env.ok(&["status", "r", "-o", "yaml"]);
    assert!(
        yaml.contains("  resources:\n    v1/ConfigMap:\n    - apiVersion: v1\n"),
        "{yaml}"
    );
}

/// A release applied client-side, upgraded with `--server-side=true`: as Helm 4, whelm first
/// moves each object's client-side fields (`helm` `Update`) to `helm`'s `Apply` entry with a
/// JSON patch guarded by the resourceVersion, then applies. Without that, the apply would
/// conflict with whelm's own earlier writes.
#[test]
fn server_side_upgrade_of_a_client_side_release_moves_field_ownership_first() {
    let env = Env::new();
    let c = chart("lifecycle");
    let base = ["r", c.as_str(), "--set", "hooks.enabled=false"];
    env.ok(&[&["install"], &base[..], &["--server-side=false"]].concat());
    let objects = [
        format!("{CM}/r-config"),
        format!("{DEPLOY}/r-web"),
        format!("{SVC}/r-svc"),
        "/api/v1/namespaces/default/serviceaccounts/r-sa".to_string(),
    ];
    let versions: Vec<Value> = objects
        .iter()
        .map(|p| env.api.object(p).unwrap()["metadata"]["resourceVersion"].clone())
        .collect();
    env.api.clear_requests();
    env.ok(&[
        &["upgrade"],
        &base[..],
        &["--set", "message=x", "--server-side=true"],
    ]
    .concat());
    let requests = env.api.requests();
    for (path, version) in objects.iter().zip(versions) {
        let of: Vec<&Recorded> = requests.iter().filter(|r| r.path == *path).collect();
        let line: Vec<String> = of
            .iter()
            .map(|r| format!("{} {}", r.method, r.content_type.as_deref().unwrap_or("")))
            .collect();
        assert_eq!(
            line,
            [
                "GET ",
                "PATCH application/json-patch+json",
                "PATCH application/apply-patch+yaml"
            ],
            "{path}"
        );
        assert_eq!(of[0].accept.as_deref(), Some(META));
        let moved = of[1];
        assert_eq!(
            moved.query,
            BTreeMap::from([
                ("fieldManager".to_string(), "helm".to_string()),
                ("fieldValidation".to_string(), "Strict".to_string()),
            ])
        );
        let body = moved.body.as_ref().unwrap();
        assert_eq!(body[0]["path"], "/metadata/managedFields");
        assert_eq!(managers(&body[0]["value"]), [("helm", "Apply")], "{path}");
        assert_eq!(body[1]["path"], "/metadata/resourceVersion");
        assert_eq!(body[1]["value"], version);
    }
    let cm = env.api.object(&format!("{CM}/r-config")).unwrap();
    assert_eq!(cm["data"]["message"], "x");
    assert_eq!(
        managers(&cm["metadata"]["managedFields"]),
        [("helm", "Apply")]
    );
    assert_eq!(env.release("r", 2).unwrap()["apply_method"], "ssa");
}

/// (manager, operation) of each managedFields entry.
fn managers(entries: &Value) -> Vec<(&str, &str)> {
    let entries = entries.as_array().expect("managedFields entries");
    entries
        .iter()
        .map(|e| {
            let name = e["manager"].as_str().unwrap();
            (name, e["operation"].as_str().unwrap())
        })
        .collect()
}

/// With `--server-side=false`, Helm 4 creates hooks, `crds/` and the `--create-namespace`
/// namespace with a plain POST (its `Client.Create` without server-side apply): a CRD that
/// exists is kept as it is, a hook object that exists is an error.
#[test]
fn client_side_release_creates_hooks_and_crds_with_post() {
    const CRDS: &str = "/apis/apiextensions.k8s.io/v1/customresourcedefinitions";
    let env = Env::new();
    env.ok(&["install", "r", &chart("lifecycle"), "--server-side=false"]);
    let writes = env.writes();
    let hooks: Vec<&Recorded> = writes
        .iter()
        .filter(|r| {
            r.body
                .as_ref()
                .is_some_and(|b| b["metadata"]["annotations"]["helm.sh/hook"].is_string())
        })
        .collect();
    let names: Vec<String> = hooks
        .iter()
        .map(|r| {
            format!(
                "{} {}",
                line(r),
                r.body.as_ref().unwrap()["metadata"]["name"]
            )
        })
        .collect();
    assert_eq!(
        names,
        [
            format!("POST {CM} \"r-pre-early\""),
            format!("POST {CM} \"r-pre-late\""),
            format!("POST {CM} \"r-post\""),
        ]
    );
    for r in &hooks {
        assert_eq!(r.content_type.as_deref(), Some("application/json"));
        assert_eq!(
            r.query,
            BTreeMap::from([("fieldManager".to_string(), "helm".to_string())])
        );
    }

    // The CRD is created; a second release finds it and keeps it (no error, no write).
    env.ok(&["install", "a", &chart("crds"), "--server-side=false"]);
    env.api.clear_requests();
    env.ok(&["install", "b", &chart("crds"), "--server-side=false"]);
    let crd_writes: Vec<String> = env
        .writes()
        .iter()
        .filter(|r| r.path.starts_with(CRDS))
        .map(line)
        .collect();
    assert_eq!(crd_writes, [format!("POST {CRDS}")]);
}
