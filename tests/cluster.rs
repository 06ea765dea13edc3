//! The release lifecycle against a real Kubernetes API server: runs when `WHELM_TEST_KUBECONFIG`
//! names a kubeconfig, and skips (saying so) otherwise. Interop tests also need `HELM_BIN`
//! (helm 4.3.1).
//!
//! Every test works in its own namespace (`whelm-t-<test>-<pid>`), created with
//! `--create-namespace` and deleted at the end. The charts need no kubelet: ConfigMaps,
//! Services, ServiceAccounts and a Deployment of zero replicas, so the suite means the same on
//! a bare apiserver and on a full cluster. Release history is read back through the storage
//! layer, objects through the cluster client.

mod common;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::time::Duration;

use common::{decode_release, succeeded};
use serde_json::Value;
use whelm::kube::client::Cluster;
use whelm::settings::KubeSettings;

fn kubeconfig() -> Option<PathBuf> {
    match std::env::var_os("WHELM_TEST_KUBECONFIG") {
        Some(p) if !p.is_empty() => Some(PathBuf::from(p)),
        _ => {
            eprintln!(
                "skipping: set WHELM_TEST_KUBECONFIG to a kubeconfig to run the real-cluster suite"
            );
            None
        }
    }
}

fn helm_bin() -> Option<PathBuf> {
    match std::env::var_os("HELM_BIN") {
        Some(p) if !p.is_empty() => Some(PathBuf::from(p)),
        _ => {
            eprintln!("skipping interop: set HELM_BIN to helm 4.3.1");
            None
        }
    }
}

fn chart() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/charts/lifecycle")
}

struct Ns {
    kubeconfig: PathBuf,
    name: String,
    tmp: tempfile::TempDir,
}

impl Ns {
    fn new(kubeconfig: PathBuf, test: &str) -> Ns {
        let name = format!("whelm-t-{test}-{}", std::process::id());
        Ns {
            kubeconfig,
            name,
            tmp: tempfile::tempdir().unwrap(),
        }
    }

    fn whelm(&self, args: &[&str]) -> Command {
        let mut c = Command::new(env!("CARGO_BIN_EXE_whelm"));
        c.args(args)
            .arg("--kubeconfig")
            .arg(&self.kubeconfig)
            .arg("-n")
            .arg(&self.name)
            .env("WHELM_DATA_HOME", self.tmp.path().join("data"))
            .env(
                "WHELM_CACHE_HOME",
                std::env::temp_dir().join("whelm-cluster-test-cache"),
            )
            .env("WHELM_POLL_INTERVAL_MS", "200")
            .env_remove("HELM_DRIVER")
            .env_remove("WHELM_POLICY");
        c
    }

    fn run(&self, args: &[&str]) -> Output {
        self.whelm(args).output().unwrap()
    }

    fn ok(&self, args: &[&str]) -> String {
        succeeded(self.whelm(args))
    }

    fn helm_command(&self, helm: &Path, args: &[&str]) -> Command {
        let mut c = Command::new(helm);
        c.args(args)
            .arg("--kubeconfig")
            .arg(&self.kubeconfig)
            .arg("-n")
            .arg(&self.name)
            .env_remove("HELM_DRIVER");
        c
    }

    fn helm_ok(&self, helm: &Path, args: &[&str]) -> String {
        succeeded(self.helm_command(helm, args))
    }

    async fn cluster(&self) -> Cluster {
        Cluster::connect(&KubeSettings {
            kubeconfig: Some(self.kubeconfig.clone()),
            namespace: Some(self.name.clone()),
            burst_limit: 100,
            ..Default::default()
        })
        .await
        .unwrap()
    }

    fn block<T>(&self, f: impl std::future::Future<Output = T>) -> T {
        tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap()
            .block_on(f)
    }

    fn get(&self, path: &str) -> Option<Value> {
        self.block(async {
            match self.cluster().await.get(path).await {
                Ok(v) => Some(v),
                Err(e) if e.is_not_found() => None,
                Err(e) => panic!("GET {path}: {e}"),
            }
        })
    }

    fn configmap(&self, name: &str) -> Option<Value> {
        self.get(&format!(
            "/api/v1/namespaces/{}/configmaps/{name}",
            self.name
        ))
    }

    /// The release revisions as stored (Secrets), newest last: (version, status, description).
    fn history(&self, release: &str) -> Vec<(i64, String, String)> {
        let out = self.block(async {
            self.cluster()
                .await
                .get(&format!(
                    "/api/v1/namespaces/{}/secrets?labelSelector=owner%3Dhelm%2Cname%3D{release}",
                    self.name
                ))
                .await
                .unwrap()
        });
        let mut revs: Vec<(i64, String, String)> = out["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|s| {
                let rel = decode_release(s);
                (
                    rel["version"].as_i64().unwrap(),
                    rel["info"]["status"].as_str().unwrap_or("").to_string(),
                    rel["info"]["description"]
                        .as_str()
                        .unwrap_or("")
                        .to_string(),
                )
            })
            .collect();
        revs.sort();
        revs
    }
}

impl Drop for Ns {
    fn drop(&mut self) {
        let path = format!("/api/v1/namespaces/{}", self.name);
        let _ = self.block(async {
            self.cluster()
                .await
                .call(http::Method::DELETE, &path, None, None)
                .await
        });
    }
}

/// An RFC 3339 UTC time (Go trims trailing zeros of the fraction) as a string that sorts in
/// time order: the fraction padded to nanoseconds.
fn sortable_time(t: &str) -> String {
    let t = t.trim_end_matches('Z');
    let (secs, frac) = t.split_once('.').unwrap_or((t, ""));
    format!("{secs}.{frac:0<9}")
}

fn data(cm: &Value, key: &str) -> String {
    cm["data"][key].as_str().unwrap_or("").to_string()
}

#[test]
fn install_upgrade_rollback_uninstall() {
    let Some(kc) = kubeconfig() else { return };
    let ns = Ns::new(kc, "life");
    let chart = chart();
    let chart = chart.to_str().unwrap();
    let out = ns.ok(&["install", "life", chart, "--create-namespace"]);
    assert!(out.contains("STATUS: deployed"), "{out}");
    assert!(out.contains("Release life is revision 1."), "{out}");
    let cm = ns.configmap("life-config").expect("configmap applied");
    assert_eq!(data(&cm, "message"), "hello");
    assert_eq!(
        cm["metadata"]["labels"]["app.kubernetes.io/managed-by"],
        "Helm"
    );
    assert_eq!(
        cm["metadata"]["annotations"]["meta.helm.sh/release-name"],
        "life"
    );
    assert_eq!(
        cm["metadata"]["annotations"]["meta.helm.sh/release-namespace"],
        ns.name.as_str()
    );
    let managers: Vec<&str> = cm["metadata"]["managedFields"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["manager"].as_str().unwrap())
        .collect();
    assert_eq!(managers, ["helm"], "applied with Helm 4's field manager");
    // Hooks: the early one is deleted after success, the others stay.
    assert!(ns.configmap("life-pre-early").is_none());
    assert!(ns.configmap("life-pre-late").is_some());
    assert_eq!(data(&ns.configmap("life-post").unwrap(), "revision"), "1");
    assert!(
        ns.configmap("life-test").is_none(),
        "test hooks only run on `test`"
    );
    assert_eq!(
        ns.history("life"),
        [(1, "deployed".into(), "Install complete".into())]
    );
    let out = ns.ok(&["test", "life"]);
    assert!(out.contains("TEST SUITE:     life-test\n"), "{out}");
    assert!(out.contains("Phase:          Succeeded\n"), "{out}");
    assert_eq!(data(&ns.configmap("life-test").unwrap(), "tested"), "true");

    ns.ok(&[
        "upgrade",
        "life",
        chart,
        "--set",
        "message=bye,extra.enabled=true",
        "--wait",
        "--timeout",
        "2m",
    ]);
    assert_eq!(
        data(&ns.configmap("life-config").unwrap(), "message"),
        "bye"
    );
    assert!(ns.configmap("life-extra").is_some());
    assert_eq!(data(&ns.configmap("life-post").unwrap(), "revision"), "2");
    assert_eq!(
        ns.history("life"),
        [
            (1, "superseded".into(), "Install complete".into()),
            (2, "deployed".into(), "Upgrade complete".into())
        ]
    );

    // Values are reused when none are given; an object the chart drops is deleted.
    ns.ok(&[
        "upgrade",
        "life",
        chart,
        "--reuse-values",
        "--set",
        "extra.enabled=false",
        // Helm 3's checks: the Deployment (0 replicas) is judged by its new ReplicaSet.
        "--wait=legacy",
        "--timeout",
        "2m",
    ]);
    assert!(
        ns.configmap("life-extra").is_none(),
        "removed from the chart → deleted"
    );
    assert_eq!(
        data(&ns.configmap("life-config").unwrap(), "message"),
        "bye"
    );

    // A server dry run validates on the server and changes nothing.
    let out = ns.ok(&[
        "upgrade",
        "life",
        chart,
        "--dry-run=server",
        "--set",
        "message=dry",
    ]);
    assert!(out.contains("MANIFEST:"), "{out}");
    assert_eq!(
        data(&ns.configmap("life-config").unwrap(), "message"),
        "bye"
    );
    assert_eq!(ns.history("life").len(), 3);

    let out = ns.ok(&["rollback", "life", "2"]);
    assert!(out.contains("Rollback was a success"), "{out}");
    assert!(
        ns.configmap("life-extra").is_some(),
        "rollback re-creates it"
    );
    let h = ns.history("life");
    assert_eq!(
        h.last().unwrap(),
        &(4, "deployed".into(), "Rollback to 2".into())
    );

    let out = ns.ok(&["uninstall", "life"]);
    assert_eq!(out, "release \"life\" uninstalled\n");
    assert!(ns.configmap("life-config").is_none());
    assert!(ns.configmap("life-extra").is_none());
    assert!(ns.history("life").is_empty());
}

#[test]
fn conflicts_need_force() {
    let Some(kc) = kubeconfig() else { return };
    let ns = Ns::new(kc, "ssa");
    let chart = chart();
    let chart = chart.to_str().unwrap();
    ns.ok(&["install", "ssa", chart, "--create-namespace"]);
    // Another field manager takes `data.message`.
    let path = format!(
        "/api/v1/namespaces/{}/configmaps/ssa-config?fieldManager=kubectl-edit&force=true",
        ns.name
    );
    let body = serde_json::json!({"apiVersion": "v1", "kind": "ConfigMap",
        "metadata": {"name": "ssa-config"}, "data": {"message": "theirs"}});
    ns.block(async {
        ns.cluster()
            .await
            .call(
                http::Method::PATCH,
                &path,
                Some("application/apply-patch+yaml"),
                Some(body.to_string().into_bytes()),
            )
            .await
            .unwrap()
    });
    let out = ns.run(&["upgrade", "ssa", chart, "--set", "message=ours"]);
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.starts_with("Error: UPGRADE FAILED: "), "{err}");
    assert!(err.contains("conflict"), "{err}");
    assert!(
        err.contains("kubectl-edit"),
        "the apiserver's conflict names the manager: {err}"
    );
    assert_eq!(
        data(&ns.configmap("ssa-config").unwrap(), "message"),
        "theirs"
    );
    assert_eq!(ns.history("ssa").last().unwrap().1, "failed");

    ns.ok(&[
        "upgrade",
        "ssa",
        chart,
        "--set",
        "message=ours",
        "--force-conflicts",
    ]);
    assert_eq!(
        data(&ns.configmap("ssa-config").unwrap(), "message"),
        "ours"
    );
}

#[test]
fn hook_weights_and_rollback_on_failure() {
    let Some(kc) = kubeconfig() else { return };
    let ns = Ns::new(kc, "hooks");
    let chart = chart();
    let chart = chart.to_str().unwrap();
    ns.ok(&["install", "hooks", chart, "--create-namespace"]);
    let rel = ns.block(async {
        ns.cluster()
            .await
            .get(&format!(
                "/api/v1/namespaces/{}/secrets/sh.helm.release.v1.hooks.v1",
                ns.name
            ))
            .await
            .unwrap()
    });
    let rel = decode_release(&rel);
    let started = |name: &str| {
        rel["hooks"]
            .as_array()
            .unwrap()
            .iter()
            .find(|h| h["name"] == name)
            .map(|h| {
                (
                    sortable_time(h["last_run"]["started_at"].as_str().unwrap_or("")),
                    h["last_run"]["phase"].clone(),
                )
            })
            .unwrap()
    };
    let (early, p1) = started("hooks-pre-early");
    let (late, p2) = started("hooks-pre-late");
    let (post, p3) = started("hooks-post");
    assert_eq!(
        (p1.as_str(), p2.as_str(), p3.as_str()),
        (Some("Succeeded"), Some("Succeeded"), Some("Succeeded"))
    );
    assert!(
        early < late && late < post,
        "weight -5, then 5, then post-install: {early} {late} {post}"
    );

    // A post-upgrade hook the apiserver rejects fails the upgrade; the release rolls back.
    let out = ns.run(&[
        "upgrade",
        "hooks",
        chart,
        "--set",
        "hooks.fail=true,message=broken",
        "--rollback-on-failure",
        "--timeout",
        "60s",
    ]);
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("has been rolled back due to rollback-on-failure"),
        "{err}"
    );
    let h = ns.history("hooks");
    assert_eq!(h[1].1, "failed");
    assert_eq!(
        h.last().unwrap(),
        &(3, "deployed".into(), "Rollback to 1".into())
    );
    assert_eq!(
        data(&ns.configmap("hooks-config").unwrap(), "message"),
        "hello"
    );
}

#[test]
fn concurrent_upgrades_one_wins() {
    let Some(kc) = kubeconfig() else { return };
    let ns = Ns::new(kc, "race");
    let chart = chart();
    let chart = chart.to_str().unwrap();
    ns.ok(&["install", "race", chart, "--create-namespace"]);
    let spawn = |m: &str| {
        ns.whelm(&["upgrade", "race", chart, "--set", m])
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap()
    };
    let (a, b) = (spawn("message=a"), spawn("message=b"));
    let (a, b) = (a.wait_with_output().unwrap(), b.wait_with_output().unwrap());
    let wins = [&a, &b].iter().filter(|o| o.status.success()).count();
    // Either they ran one after the other (both win) or they overlapped (exactly one wins and
    // the other names the operation in progress).
    for o in [&a, &b] {
        if !o.status.success() {
            let err = String::from_utf8_lossy(&o.stderr);
            assert!(err.contains("in progress"), "{err}");
        }
    }
    assert!(wins >= 1);
    let h = ns.history("race");
    assert_eq!(h.iter().filter(|r| r.1 == "deployed").count(), 1, "{h:?}");
    assert!(h.iter().all(|r| !r.1.starts_with("pending")), "{h:?}");
}

#[test]
fn kill_mid_upgrade_then_recover() {
    let Some(kc) = kubeconfig() else { return };
    let ns = Ns::new(kc, "kill");
    let chart = chart();
    let chart = chart.to_str().unwrap();
    ns.ok(&["install", "kill", chart, "--create-namespace"]);
    // `--wait` on a Deployment that can never be ready keeps the upgrade busy.
    let mut child = ns
        .whelm(&[
            "upgrade",
            "kill",
            chart,
            "--set",
            "replicas=1",
            "--wait",
            "--timeout",
            "10m",
        ])
        .env("WHELM_LOCK_LEASE_SECS", "4")
        .spawn()
        .unwrap();
    let mut pending = false;
    for _ in 0..100 {
        std::thread::sleep(Duration::from_millis(200));
        if ns
            .history("kill")
            .last()
            .is_some_and(|r| r.1 == "pending-upgrade")
        {
            pending = true;
            break;
        }
        if let Some(status) = child.try_wait().unwrap() {
            // A cluster that ran the pod at once leaves nothing to interrupt.
            assert!(
                status.success(),
                "the upgrade failed before it could be killed"
            );
            eprintln!("the upgrade finished before it could be killed; nothing to recover");
            return;
        }
    }
    assert!(pending, "the upgrade got to pending-upgrade");
    // A full cluster might make the pod ready; only kill a process that is still waiting.
    if child.try_wait().unwrap().is_none() {
        child.kill().unwrap(); // SIGKILL
        child.wait().unwrap();
        let out = ns.run(&["upgrade", "kill", chart]);
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(
            !out.status.success() && err.contains("in progress"),
            "the lease is still live: {err}"
        );
        std::thread::sleep(Duration::from_secs(5));
        ns.ok(&["upgrade", "kill", chart, "--set", "message=recovered"]);
        let h = ns.history("kill");
        assert_eq!(
            h[1].1, "failed",
            "the killed revision was taken over: {h:?}"
        );
        assert_eq!(h.last().unwrap().1, "deployed");
        assert_eq!(
            data(&ns.configmap("kill-config").unwrap(), "message"),
            "recovered"
        );
    }
}

#[test]
fn interop_with_helm() {
    let Some(kc) = kubeconfig() else { return };
    let Some(helm) = helm_bin() else { return };
    let ns = Ns::new(kc, "interop");
    let chart = chart();
    let chart = chart.to_str().unwrap();
    // helm installs, whelm upgrades, helm sees it and upgrades, whelm rolls back, helm uninstalls.
    ns.helm_ok(&helm, &["install", "both", chart, "--create-namespace"]);
    ns.ok(&["upgrade", "both", chart, "--set", "message=from-whelm"]);
    let hist = ns.helm_ok(&helm, &["history", "both"]);
    assert!(hist.contains("Upgrade complete"), "{hist}");
    assert_eq!(
        data(&ns.configmap("both-config").unwrap(), "message"),
        "from-whelm"
    );
    ns.helm_ok(
        &helm,
        &["upgrade", "both", chart, "--set", "message=from-helm"],
    );
    assert_eq!(
        data(&ns.configmap("both-config").unwrap(), "message"),
        "from-helm"
    );
    ns.ok(&["rollback", "both", "2"]);
    assert_eq!(
        data(&ns.configmap("both-config").unwrap(), "message"),
        "from-whelm"
    );
    let list = ns.helm_ok(&helm, &["list"]);
    assert!(list.contains("both") && list.contains("deployed"), "{list}");
    ns.helm_ok(&helm, &["uninstall", "both"]);
    assert!(ns.configmap("both-config").is_none());

    // whelm installs, helm upgrades and lists, whelm uninstalls.
    ns.ok(&["install", "other", chart]);
    ns.helm_ok(&helm, &["upgrade", "other", chart, "--set", "message=helm"]);
    let status = ns.helm_ok(&helm, &["status", "other"]);
    assert!(status.contains("REVISION: 2"), "{status}");
    ns.ok(&["uninstall", "other"]);
    assert!(ns.history("other").is_empty());

    // The ConfigMap driver (whelm writes its ConfigMaps as protobuf): whelm installs and
    // upgrades, helm reads the history and the values and upgrades, whelm reads helm's.
    let cm_driver = |mut c: Command| {
        c.env("HELM_DRIVER", "configmap");
        succeeded(c)
    };
    let helm_cm = |args: &[&str]| cm_driver(ns.helm_command(&helm, args));
    cm_driver(ns.whelm(&["install", "cmd", chart]));
    cm_driver(ns.whelm(&["upgrade", "cmd", chart, "--set", "message=cm-whelm"]));
    let hist = helm_cm(&["history", "cmd"]);
    assert!(
        hist.contains("superseded") && hist.contains("Upgrade complete"),
        "{hist}"
    );
    let values = helm_cm(&["get", "values", "cmd"]);
    assert!(values.contains("message: cm-whelm"), "{values}");
    helm_cm(&["upgrade", "cmd", chart, "--set", "message=cm-helm"]);
    let history = cm_driver(ns.whelm(&["history", "cmd", "-o", "json"]));
    let history: Value = serde_json::from_str(&history).unwrap();
    assert_eq!(history.as_array().unwrap().len(), 3, "{history}");
    assert_eq!(history[2]["status"], "deployed");
    cm_driver(ns.whelm(&["uninstall", "cmd"]));
    assert!(ns.configmap("cmd-config").is_none());
}

#[test]
fn integers_reach_the_apiserver_with_every_digit() {
    let Some(kc) = kubeconfig() else { return };
    let ns = Ns::new(kc, "bigint");
    // Job.spec.activeDeadlineSeconds is an int64: as a float64 the largest one rounds up past
    // int64 and the apiserver refuses the Job (-9223372036854775808 must be >= 0).
    let chart = ns.tmp.path().join("bigint");
    std::fs::create_dir_all(chart.join("templates")).unwrap();
    std::fs::write(
        chart.join("Chart.yaml"),
        "apiVersion: v2\nname: bigint\nversion: 0.1.0\n",
    )
    .unwrap();
    std::fs::write(
        chart.join("templates/job.yaml"),
        "apiVersion: batch/v1\nkind: Job\nmetadata:\n  name: big\nspec:\n  \
         activeDeadlineSeconds: 9223372036854775807\n  template:\n    spec:\n      \
         restartPolicy: Never\n      containers:\n      - name: c\n        image: busybox\n",
    )
    .unwrap();
    ns.ok(&[
        "install",
        "bi",
        chart.to_str().unwrap(),
        "--create-namespace",
    ]);
    let job = ns
        .get(&format!("/apis/batch/v1/namespaces/{}/jobs/big", ns.name))
        .unwrap();
    assert_eq!(job["spec"]["activeDeadlineSeconds"], 9223372036854775807i64);
    ns.ok(&["uninstall", "bi"]);
}

#[test]
fn lookup_and_upgrade_install() {
    let Some(kc) = kubeconfig() else { return };
    let ns = Ns::new(kc, "lookup");
    let lookup = Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/charts/lookup");
    let lookup = lookup.to_str().unwrap();
    // `upgrade --install` of a release that does not exist installs it.
    let out = ns.ok(&["upgrade", "--install", "lk", lookup, "--create-namespace"]);
    assert!(
        out.starts_with("Release \"lk\" does not exist. Installing it now.\n"),
        "{out}"
    );
    assert_eq!(data(&ns.configmap("lk-copy").unwrap(), "copied"), "absent");
    let seed = serde_json::json!({"apiVersion": "v1", "kind": "ConfigMap",
        "metadata": {"name": "seed"}, "data": {"value": "live"}});
    let path = format!("/api/v1/namespaces/{}/configmaps", ns.name);
    ns.block(async {
        ns.cluster()
            .await
            .call(
                http::Method::POST,
                &path,
                Some("application/json"),
                Some(seed.to_string().into_bytes()),
            )
            .await
            .unwrap()
    });
    let out = ns.ok(&["upgrade", "--install", "lk", lookup]);
    assert!(
        out.starts_with("Release \"lk\" has been upgraded."),
        "{out}"
    );
    let copy = ns.configmap("lk-copy").unwrap();
    assert_eq!(data(&copy, "copied"), "live", "lookup read the live object");
    // The namespace holds at least the seed, the copy and kube-root-ca.crt (on a full cluster).
    assert!(data(&copy, "listed").parse::<usize>().unwrap() >= 2);
}

/// `status`'s output with every age (`45s`, `3m20s`, `2d5h`: the last word of a RESOURCES
/// line) as `AGE`: whelm and helm read the objects a moment apart.
fn without_ages(status: &str) -> String {
    let is_age = |w: &str| {
        let mut units = 0;
        let mut digits = 0;
        for c in w.chars() {
            if c.is_ascii_digit() {
                digits += 1;
            } else if "smhdy".contains(c) && digits > 0 {
                units += 1;
                digits = 0;
            } else {
                return false;
            }
        }
        units > 0 && digits == 0
    };
    let mut out = String::new();
    let mut in_resources = false;
    for line in status.lines() {
        if line == "RESOURCES:" {
            in_resources = true;
        } else if line.starts_with("TEST SUITE:") || line == "NOTES:" {
            in_resources = false;
        }
        match line.rsplit_once("   ") {
            Some((head, last)) if in_resources && is_age(last.trim_start()) => {
                out.push_str(head);
                out.push_str("   AGE");
            }
            _ => out.push_str(line),
        }
        out.push('\n');
    }
    out
}

/// The `==> group` lines of a RESOURCES section, in order.
fn groups(status: &str) -> Vec<&str> {
    status.lines().filter(|l| l.starts_with("==> ")).collect()
}

/// whelm's `status` prints helm 4.3.1's RESOURCES section byte for byte (ages aside) and its
/// `-o json` byte for byte. Helm takes the groups from a Go map, so their order varies from
/// run to run; whelm prints them in the order Helm filled the map, the order Go's iteration
/// most often gives for a small map: helm is asked again until its order matches.
#[test]
fn status_resources_match_helm() {
    let Some(kc) = kubeconfig() else { return };
    let Some(helm) = helm_bin() else { return };
    let ns = Ns::new(kc, "status");
    let chart = chart();
    let chart = chart.to_str().unwrap();
    ns.ok(&[
        "install",
        "st",
        chart,
        "--create-namespace",
        "--set",
        "extra.enabled=true",
    ]);
    let compare = |what: &str| {
        let whelm = ns.ok(&["status", "st"]);
        assert!(whelm.contains("RESOURCES:\n==> v1/"), "{whelm}");
        let mut tries = 0;
        let helm_out = loop {
            let h = ns.helm_ok(&helm, &["status", "st"]);
            tries += 1;
            if groups(&h) == groups(&whelm) || tries == 64 {
                break h;
            }
        };
        assert_eq!(
            without_ages(&whelm),
            without_ages(&helm_out),
            "{what}: whelm's status differs from helm's"
        );
    };
    compare("installed");
    // An object that is gone is left out, by both.
    ns.block(async {
        let path = format!("/api/v1/namespaces/{}/configmaps/st-extra", ns.name);
        ns.cluster()
            .await
            .call(http::Method::DELETE, &path, None, None)
            .await
            .unwrap()
    });
    compare("an object deleted");

    // JSON carries the objects themselves: the same bytes, once nothing changes between the
    // two reads (a controller may still be writing a status).
    let mut same = false;
    for _ in 0..5 {
        let w = ns.ok(&["status", "st", "-o", "json"]);
        let h = ns.helm_ok(&helm, &["status", "st", "-o", "json"]);
        assert!(w.contains("\"resources\":{\"v1/ConfigMap\":["), "{w}");
        if w == h {
            same = true;
            break;
        }
        std::thread::sleep(Duration::from_millis(500));
    }
    assert!(same, "whelm's status -o json differs from helm's");
}

/// Client-side apply (`--server-side=false`): whelm and helm install the same chart as two
/// releases, the same edits are made to both releases' live objects, both upgrade with the
/// same chart change; the live objects must end up alike, and where Helm's three-way patch
/// leaves them (the edits not in the chart kept, the chart's changes made).
#[test]
fn csa_upgrade_leaves_objects_where_helm_does() {
    let Some(kc) = kubeconfig() else { return };
    let Some(helm) = helm_bin() else { return };
    let ns = Ns::new(kc, "csa");
    let chart = Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/charts/csa");
    let chart = chart.to_str().unwrap();
    ns.ok(&[
        "install",
        "w",
        chart,
        "--server-side=false",
        "--create-namespace",
    ]);
    ns.helm_ok(&helm, &["install", "h", chart, "--server-side=false"]);
    let at = |kind: &str, name: &str| match kind {
        "deployments" => format!("/apis/apps/v1/namespaces/{}/deployments/{name}", ns.name),
        "gizmos" => format!(
            "/apis/csa.whelm.test/v1/namespaces/{}/gizmos/{name}",
            ns.name
        ),
        _ => format!("/api/v1/namespaces/{}/{kind}/{name}", ns.name),
    };
    // Someone else's edits, made the same way to both releases' objects.
    let edit = |path: String, ops: Value| {
        ns.block(async {
            ns.cluster()
                .await
                .call(
                    http::Method::PATCH,
                    &format!("{path}?fieldManager=kubectl-edit"),
                    Some("application/json-patch+json"),
                    Some(ops.to_string().into_bytes()),
                )
                .await
                .unwrap()
        });
    };
    for r in ["w", "h"] {
        edit(
            at("deployments", &format!("{r}-web")),
            serde_json::json!([
                {"op": "replace", "path": "/spec/replicas", "value": 3},
                {"op": "add", "path": "/metadata/annotations/note", "value": "by kubectl"},
                {"op": "add", "path": "/spec/template/spec/containers/-",
                 "value": {"name": "sidecar", "image": "registry.k8s.io/pause:3.10"}}
            ]),
        );
        edit(
            at("configmaps", &format!("{r}-config")),
            serde_json::json!([{"op": "add", "path": "/data/x", "value": "live"}]),
        );
        edit(
            at("gizmos", &format!("{r}-gizmo")),
            serde_json::json!([{"op": "add", "path": "/spec/owner", "value": "ops"}]),
        );
    }
    let values = ns.tmp.path().join("v2.yaml");
    std::fs::write(
        &values,
        "env:\n  - {name: MODE, value: blue}\n  - {name: COLOR, value: green}\n\
         ports:\n  - {name: http, port: 80, targetPort: 8080}\n  - {name: https, port: 443, targetPort: 8443}\n\
         data: {b: null}\n\
         gizmo: {size: null, color: green}\n",
    )
    .unwrap();
    let values = values.to_str().unwrap();
    let compare = |round: &str| {
        let get = |kind: &str, r: &str, suffix: &str| {
            ns.get(&at(kind, &format!("{r}-{suffix}")))
                .unwrap_or_else(|| panic!("{kind} {r}-{suffix}"))
        };
        let (wd, hd) = (
            get("deployments", "w", "web"),
            get("deployments", "h", "web"),
        );
        let annotations = |d: &Value| {
            let mut a = d["metadata"]["annotations"].clone();
            let m = a.as_object_mut().unwrap();
            m.remove("meta.helm.sh/release-name");
            m.remove("deployment.kubernetes.io/revision");
            a
        };
        for (what, w, h) in [
            ("replicas", &wd["spec"]["replicas"], &hd["spec"]["replicas"]),
            (
                "containers",
                &wd["spec"]["template"]["spec"]["containers"],
                &hd["spec"]["template"]["spec"]["containers"],
            ),
            ("strategy", &wd["spec"]["strategy"], &hd["spec"]["strategy"]),
        ] {
            assert_eq!(w, h, "{round}: Deployment {what}");
        }
        assert_eq!(annotations(&wd), annotations(&hd), "{round}");
        let (ws, hs) = (get("services", "w", "svc"), get("services", "h", "svc"));
        assert_eq!(ws["spec"]["ports"], hs["spec"]["ports"], "{round}: ports");
        let (wc, hc) = (
            get("configmaps", "w", "config"),
            get("configmaps", "h", "config"),
        );
        assert_eq!(wc["data"], hc["data"], "{round}: ConfigMap data");
        let (wg, hg) = (get("gizmos", "w", "gizmo"), get("gizmos", "h", "gizmo"));
        assert_eq!(wg["spec"], hg["spec"], "{round}: Gizmo spec");
        // Who owns which fields follows from what each update changed: the same (the
        // controllers' entries aside, which depend on timing).
        let owners = |o: &Value| {
            let mut v: Vec<(String, String, String)> = o["metadata"]["managedFields"]
                .as_array()
                .unwrap()
                .iter()
                .filter(|m| matches!(m["manager"].as_str(), Some("helm" | "kubectl-edit")))
                .map(|m| {
                    (
                        m["manager"].as_str().unwrap_or("").to_string(),
                        m["operation"].as_str().unwrap_or("").to_string(),
                        m["fieldsV1"].to_string(),
                    )
                })
                .collect();
            v.sort();
            v
        };
        for (kind, w, h) in [
            ("Deployment", &wd, &hd),
            ("Service", &ws, &hs),
            ("ConfigMap", &wc, &hc),
            ("Gizmo", &wg, &hg),
        ] {
            assert_eq!(owners(w), owners(h), "{round}: {kind} managedFields");
        }
        (wd, ws, wc, wg)
    };
    compare("after the edits");

    ns.ok(&["upgrade", "w", chart, "-f", values, "--server-side=false"]);
    ns.helm_ok(
        &helm,
        &["upgrade", "h", chart, "-f", values, "--server-side=false"],
    );
    let (d, s, c, g) = compare("after the upgrade");
    assert_eq!(d["spec"]["replicas"], 3, "the scale is not in the chart");
    assert_eq!(d["metadata"]["annotations"]["note"], "by kubectl");
    let containers = d["spec"]["template"]["spec"]["containers"]
        .as_array()
        .unwrap();
    let names: Vec<&str> = containers
        .iter()
        .map(|c| c["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["app", "sidecar"]);
    let env: Vec<&str> = containers[0]["env"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["name"].as_str().unwrap())
        .collect();
    assert_eq!(env, ["MODE", "COLOR"]);
    let ports: Vec<i64> = s["spec"]["ports"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["port"].as_i64().unwrap())
        .collect();
    assert_eq!(ports, [80, 443]);
    assert_eq!(c["data"], serde_json::json!({"a": "1", "x": "live"}));
    assert_eq!(
        g["spec"],
        serde_json::json!({"color": "green", "owner": "ops"})
    );

    // Again, unchanged: nothing moves.
    ns.ok(&["upgrade", "w", chart, "-f", values]);
    ns.helm_ok(&helm, &["upgrade", "h", chart, "-f", values]);
    compare("after a second upgrade");
    assert_eq!(ns.history("w").last().unwrap().1, "deployed");

    // Moving the release to server-side apply: Helm first hands its client-side fields to
    // its apply entry, object by object (whelm would otherwise conflict with itself).
    ns.ok(&["upgrade", "w", chart, "--server-side=true"]);
    ns.helm_ok(&helm, &["upgrade", "h", chart, "--server-side=true"]);
    let (d, _, c, _) = compare("after moving to server-side apply");
    for o in [&d, &c] {
        let helm_entries: Vec<&str> = o["metadata"]["managedFields"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|m| m["manager"] == "helm")
            .map(|m| m["operation"].as_str().unwrap())
            .collect();
        assert_eq!(helm_entries, ["Apply"], "{}", o["metadata"]["name"]);
    }
    // (Given no values, an upgrade reuses the last ones: `b` stays unset.)
    assert_eq!(c["data"], serde_json::json!({"a": "1", "x": "live"}));

    ns.ok(&["uninstall", "w"]);
    ns.helm_ok(&helm, &["uninstall", "h"]);
    // The chart's CRD is cluster-wide: remove it too.
    let _ = ns.block(async {
        ns.cluster()
            .await
            .call(
                http::Method::DELETE,
                "/apis/apiextensions.k8s.io/v1/customresourcedefinitions/gizmos.csa.whelm.test",
                None,
                None,
            )
            .await
    });
}
