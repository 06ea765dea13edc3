//! Helm 3's readiness checks (`pkg/kube/ready.go`, used by `--wait=legacy`)
//! and its hook watch (`pkg/kube/wait.go`'s `watchUntilReady`).
//!
//! Helm converts the object to its typed Go struct, so a check applies only to
//! the exact group/version it names (apps/v1 Deployment, not
//! extensions/v1beta1), and absent fields read as Go zero values. Every other
//! kind is ready.

use serde_json::Value;

use super::{Assessment, Gvk, Related, at, bool_at, conditions, int_at, str_at};
use crate::storage::release::GoTime;

/// The label Deployments add to their ReplicaSets' pod templates.
const POD_TEMPLATE_HASH: &str = "pod-template-hash";

/// The API server's default `spec.backoffLimit` for Jobs.
const DEFAULT_BACKOFF_LIMIT: i64 = 6;

pub(super) fn is_ready(obj: &Value, wait_for_jobs: bool, related: &Related<'_>) -> Assessment {
    let gvk = Gvk::of(obj);
    match (gvk.group, gvk.version, gvk.kind) {
        ("", "v1", "Pod") => pod(obj),
        ("batch", "v1", "Job") if wait_for_jobs => job(obj),
        ("apps", "v1", "Deployment") => deployment(obj, related.replica_sets),
        ("", "v1", "PersistentVolumeClaim") => pvc(obj),
        ("", "v1", "Service") => service(obj),
        ("apps", "v1", "DaemonSet") => daemon_set(obj),
        ("apiextensions.k8s.io", "v1" | "v1beta1", "CustomResourceDefinition") => crd(obj),
        ("apps", "v1", "StatefulSet") => stateful_set(obj),
        ("", "v1", "ReplicationController") | ("apps", "v1", "ReplicaSet") => {
            generation_lag(obj).unwrap_or_else(|| pods_ready(obj, related.pods))
        }
        _ => Assessment::current("Resource is ready"),
    }
}

/// `observedGeneration != generation` (both zero when absent).
fn generation_lag(obj: &Value) -> Option<Assessment> {
    let generation = int_at(obj, &["metadata", "generation"], 0);
    let observed = int_at(obj, &["status", "observedGeneration"], 0);
    (generation != observed).then(|| {
        Assessment::in_progress(format!(
            "{} generation is {generation}, but latest observed generation is {observed}",
            str_at(obj, &["kind"], "")
        ))
    })
}

fn pod_is_ready(pod: &Value) -> bool {
    conditions(pod).is_ok_and(|cs| cs.iter().any(|c| c.type_ == "Ready" && c.status == "True"))
}

/// `isPodReady`: the Ready condition, whatever the phase.
fn pod(obj: &Value) -> Assessment {
    if pod_is_ready(obj) {
        Assessment::current("Pod is Ready")
    } else {
        Assessment::in_progress("Pod is not Ready")
    }
}

/// `podsReadyForObject`: every Pod matching the selector is Ready.
fn pods_ready(obj: &Value, pods: &[Value]) -> Assessment {
    let ready = pods.iter().filter(|p| pod_is_ready(p)).count();
    let kind = str_at(obj, &["kind"], "");
    if ready < pods.len() {
        Assessment::in_progress(format!("Ready pods: {ready}/{}", pods.len()))
    } else {
        Assessment::current(format!("{kind} is ready. Ready pods: {ready}"))
    }
}

/// `jobReady` (only with `--wait-for-jobs`): failed beyond the backoff limit is
/// an error; otherwise ready once `completions` Pods succeeded, or at once when
/// `completions` is unset.
fn job(obj: &Value) -> Assessment {
    let failed = int_at(obj, &["status", "failed"], 0);
    let backoff_limit = int_at(obj, &["spec", "backoffLimit"], DEFAULT_BACKOFF_LIMIT);
    if failed > backoff_limit {
        return Assessment::failed(format!(
            "job is failed: {}/{}",
            str_at(obj, &["metadata", "namespace"], ""),
            str_at(obj, &["metadata", "name"], "")
        ));
    }
    let succeeded = int_at(obj, &["status", "succeeded"], 0);
    match at(obj, &["spec", "completions"]).and_then(Value::as_i64) {
        Some(completions) if succeeded < completions => Assessment::in_progress(format!(
            "Job not completed. succeeded: {succeeded}/{completions}"
        )),
        Some(completions) => Assessment::current(format!(
            "Job Completed. succeeded: {succeeded}/{completions}"
        )),
        None => Assessment::current("Job has not failed and sets no completions"),
    }
}

/// `deploymentReady` on the Deployment's new ReplicaSet: the ReplicaSet has
/// observed its generation, the Deployment too, and the ReplicaSet has at least
/// `replicas - maxUnavailable` ready Pods. Paused Deployments are ready.
fn deployment(obj: &Value, replica_sets: &[Value]) -> Assessment {
    if bool_at(obj, &["spec", "paused"], false) {
        return Assessment::current("Deployment is paused");
    }
    let Some(rs) = find_new_replica_set(obj, replica_sets) else {
        return Assessment::in_progress("Waiting for the Deployment's new ReplicaSet");
    };
    if let Some(lag) = generation_lag(rs) {
        return lag;
    }
    if let Some(lag) = generation_lag(obj) {
        return lag;
    }
    let replicas = int_at(obj, &["spec", "replicas"], 1);
    let max_unavailable = deployment_max_unavailable(obj, replicas);
    let expected = replicas - max_unavailable;
    let ready = int_at(rs, &["status", "readyReplicas"], 0);
    if ready < expected {
        return Assessment::in_progress(format!(
            "Ready: {ready}/{expected} (replicas: {replicas}, maxUnavailable: {max_unavailable})"
        ));
    }
    Assessment::current(format!(
        "Deployment is ready. Ready: {ready}, required: {expected}"
    ))
}

/// `deploymentutil.MaxUnavailable`: 0 unless rolling update with replicas; the
/// resolved `maxUnavailable` (rounded down; 1 when it and `maxSurge` both
/// resolve to 0; 0 when either is invalid), at most `replicas`.
fn deployment_max_unavailable(obj: &Value, replicas: i64) -> i64 {
    if str_at(obj, &["spec", "strategy", "type"], "") != "RollingUpdate" || replicas == 0 {
        return 0;
    }
    // `intstr.ValueOrDefault(nil, 0)` for an unset value.
    let resolve =
        |name: &str, round_up: bool| match at(obj, &["spec", "strategy", "rollingUpdate", name]) {
            None | Some(Value::Null) => Some(0),
            Some(v) => scaled_int_or_percent(v, replicas, round_up),
        };
    let unavailable = match (resolve("maxSurge", true), resolve("maxUnavailable", false)) {
        (Some(0), Some(0)) => 1,
        (Some(_), Some(u)) => u,
        _ => 0,
    };
    unavailable.min(replicas)
}

/// `intstr.GetScaledValueFromIntOrPercent` for `total`: an integer as is, a
/// `N%` string as `N * total / 100` rounded up or down; anything else invalid.
fn scaled_int_or_percent(v: &Value, total: i64, round_up: bool) -> Option<i64> {
    match v {
        Value::Number(n) => n.as_i64(),
        Value::String(s) => {
            let scaled = s.strip_suffix('%')?.parse::<i64>().ok()? * total;
            let floor = scaled.div_euclid(100);
            Some(if round_up && scaled.rem_euclid(100) != 0 {
                floor + 1
            } else {
                floor
            })
        }
        _ => None,
    }
}

/// `daemonSetReady`: observed generation; then, for rolling updates, every Pod
/// updated and at least `desired - maxUnavailable` ready (`maxUnavailable`
/// rounded up; `desired` when unset or invalid).
fn daemon_set(obj: &Value) -> Assessment {
    if let Some(lag) = generation_lag(obj) {
        return lag;
    }
    let strategy = str_at(obj, &["spec", "updateStrategy", "type"], "");
    if strategy != "RollingUpdate" {
        return Assessment::current(format!(
            "DaemonSet update strategy is {strategy:?}; not waiting for Pods"
        ));
    }
    let desired = int_at(obj, &["status", "desiredNumberScheduled"], 0);
    let updated = int_at(obj, &["status", "updatedNumberScheduled"], 0);
    if updated != desired {
        return Assessment::in_progress(format!("Updated: {updated}/{desired}"));
    }
    let max_unavailable = at(
        obj,
        &["spec", "updateStrategy", "rollingUpdate", "maxUnavailable"],
    )
    .and_then(|v| scaled_int_or_percent(v, desired, true))
    .unwrap_or(desired);
    let expected = desired - max_unavailable;
    let ready = int_at(obj, &["status", "numberReady"], 0);
    if ready < expected {
        return Assessment::in_progress(format!(
            "Ready: {ready}/{expected} (desired: {desired}, maxUnavailable: {max_unavailable})"
        ));
    }
    Assessment::current(format!(
        "DaemonSet is ready. Ready: {ready}, required: {expected}"
    ))
}

/// `statefulSetReady`: observed generation; then, for rolling updates, the Pods
/// above the partition updated, all replicas ready, and (without a partition)
/// the current revision caught up with the update revision.
fn stateful_set(obj: &Value) -> Assessment {
    if let Some(lag) = generation_lag(obj) {
        return lag;
    }
    let strategy = str_at(obj, &["spec", "updateStrategy", "type"], "");
    if strategy != "RollingUpdate" {
        return Assessment::current(format!(
            "StatefulSet update strategy is {strategy:?}; not waiting for Pods"
        ));
    }
    let partition = int_at(
        obj,
        &["spec", "updateStrategy", "rollingUpdate", "partition"],
        0,
    );
    let replicas = int_at(obj, &["spec", "replicas"], 1);
    let expected = replicas - partition;
    let updated = int_at(obj, &["status", "updatedReplicas"], 0);
    if updated < expected {
        return Assessment::in_progress(format!("Updated: {updated}/{expected}"));
    }
    let ready = int_at(obj, &["status", "readyReplicas"], 0);
    if ready != replicas {
        return Assessment::in_progress(format!("Ready: {ready}/{replicas}"));
    }
    if partition == 0
        && str_at(obj, &["status", "currentRevision"], "")
            != str_at(obj, &["status", "updateRevision"], "")
    {
        return Assessment::in_progress("Waiting for updated revision to match current");
    }
    Assessment::current(format!("StatefulSet is ready. Replicas: {replicas}"))
}

/// `volumeReady`.
fn pvc(obj: &Value) -> Assessment {
    match str_at(obj, &["status", "phase"], "") {
        "Bound" => Assessment::current("PVC is Bound"),
        phase => Assessment::in_progress(format!("PVC is not Bound. phase: {phase}")),
    }
}

/// `serviceReady`: ExternalName is ready; others need a cluster IP; a
/// LoadBalancer also needs external IPs or a load-balancer ingress.
fn service(obj: &Value) -> Assessment {
    let type_ = str_at(obj, &["spec", "type"], "");
    if type_ == "ExternalName" {
        return Assessment::current("Service is ready (ExternalName)");
    }
    if str_at(obj, &["spec", "clusterIP"], "").is_empty() {
        return Assessment::in_progress("ClusterIP not set");
    }
    if type_ == "LoadBalancer" {
        let external_ips = at(obj, &["spec", "externalIPs"])
            .and_then(Value::as_array)
            .is_some_and(|ips| !ips.is_empty());
        // Go checks `Ingress == nil`: an empty list counts as set.
        let ingress = at(obj, &["status", "loadBalancer", "ingress"]).is_some_and(Value::is_array);
        if !external_ips && !ingress {
            return Assessment::in_progress("LoadBalancer ingress not set");
        }
    }
    Assessment::current("Service is ready")
}

/// `crdReady`/`crdBetaReady`: Established, or names not accepted (a conflict
/// that is not this check's to fail on).
fn crd(obj: &Value) -> Assessment {
    for c in conditions(obj).unwrap_or_default() {
        match (c.type_, c.status) {
            ("Established", "True") => return Assessment::current("CRD is established"),
            ("NamesAccepted", "False") => {
                return Assessment::current("CRD names not accepted; not waiting for it");
            }
            _ => {}
        }
    }
    Assessment::in_progress("CRD is not established")
}

/// Helm 3's hook watch: Jobs until complete or failed, Pods until succeeded
/// or failed; everything else is done once it exists.
pub(super) fn hook_ready(obj: &Value) -> Assessment {
    let name = str_at(obj, &["metadata", "name"], "");
    match str_at(obj, &["kind"], "") {
        "Job" => {
            for c in conditions(obj).unwrap_or_default() {
                match (c.type_, c.status) {
                    ("Complete", "True") => return Assessment::current("Job completed"),
                    ("Failed", "True") => {
                        return Assessment::failed(format!("job {name} failed: {}", c.reason));
                    }
                    _ => {}
                }
            }
            Assessment::in_progress(format!(
                "Job in progress. active: {}, failed: {}, succeeded: {}",
                int_at(obj, &["status", "active"], 0),
                int_at(obj, &["status", "failed"], 0),
                int_at(obj, &["status", "succeeded"], 0)
            ))
        }
        "Pod" => match str_at(obj, &["status", "phase"], "") {
            "Succeeded" => Assessment::current("Pod succeeded"),
            "Failed" => Assessment::failed(format!("pod {name} failed")),
            phase => Assessment::in_progress(format!("Pod phase: {phase}")),
        },
        _ => Assessment::current("Resource exists"),
    }
}

/// The Deployment's new ReplicaSet among `replica_sets`, as Helm's
/// `deploymentutil.GetNewReplicaSet`: of those controlled by the Deployment
/// (controller owner reference with its UID), the oldest (then by name) whose
/// pod template equals the Deployment's apart from the `pod-template-hash`
/// label. Templates compare as Kubernetes' semantic equality does for the
/// fields involved: absent, `null`, empty lists and empty maps are equal.
pub fn find_new_replica_set<'a>(
    deployment: &Value,
    replica_sets: &'a [Value],
) -> Option<&'a Value> {
    let uid = str_at(deployment, &["metadata", "uid"], "");
    let mut owned: Vec<&Value> = replica_sets
        .iter()
        .filter(|rs| controlled_by(rs, uid))
        .collect();
    owned.sort_by_key(|rs| (creation_time(rs), str_at(rs, &["metadata", "name"], "")));
    let template = without_hash(at(deployment, &["spec", "template"]));
    owned
        .into_iter()
        .find(|rs| semantic_eq(&without_hash(at(rs, &["spec", "template"])), &template))
}

fn controlled_by(obj: &Value, uid: &str) -> bool {
    at(obj, &["metadata", "ownerReferences"])
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .find(|r| r.get("controller").and_then(Value::as_bool) == Some(true))
        .is_some_and(|r| r.get("uid").and_then(Value::as_str).unwrap_or("") == uid)
}

/// Unix seconds of `metadata.creationTimestamp`; Go's zero time when absent.
fn creation_time(obj: &Value) -> i64 {
    const GO_ZERO: i64 = -62_135_596_800;
    at(obj, &["metadata", "creationTimestamp"])
        .and_then(Value::as_str)
        .and_then(|s| GoTime(s.to_string()).unix())
        .unwrap_or(GO_ZERO)
}

fn without_hash(template: Option<&Value>) -> Value {
    let mut t = template.cloned().unwrap_or(Value::Null);
    if let Some(labels) = t
        .pointer_mut("/metadata/labels")
        .and_then(Value::as_object_mut)
    {
        labels.remove(POD_TEMPLATE_HASH);
    }
    t
}

fn is_empty(v: &Value) -> bool {
    match v {
        Value::Null => true,
        Value::Array(a) => a.is_empty(),
        Value::Object(m) => m.is_empty(),
        _ => false,
    }
}

fn semantic_eq(a: &Value, b: &Value) -> bool {
    if is_empty(a) && is_empty(b) {
        return true;
    }
    match (a, b) {
        (Value::Object(x), Value::Object(y)) => x.keys().chain(y.keys()).all(|k| {
            let null = Value::Null;
            semantic_eq(x.get(k).unwrap_or(&null), y.get(k).unwrap_or(&null))
        }),
        (Value::Array(x), Value::Array(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(p, q)| semantic_eq(p, q))
        }
        _ => a == b,
    }
}
