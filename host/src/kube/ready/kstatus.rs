//! kstatus's `status.Compute` (cli-utils `pkg/kstatus/status`): generic rules
//! first (deletion, observed generation, `Reconciling`/`Stalled` conditions),
//! then the built-in kind's rules, then a `Ready` condition, else Current.

use serde_json::Value;

use super::{Assessment, Gvk, Status, bool_at, conditions, int_at, str_at};
use crate::storage::release::GoTime;

/// How long a Pod may stay unschedulable before it is Failed (kstatus's
/// `ScheduleWindow`).
const SCHEDULE_WINDOW_SECS: i64 = 15;

/// Go's `math.MaxInt32`, kstatus's "no progress deadline" marker.
const MAX_INT32: i64 = i32::MAX as i64;

pub(super) fn compute(obj: &Value, now: i64) -> Result<Assessment, String> {
    if let Some(a) = generic(obj)? {
        return Ok(a);
    }
    let gvk = Gvk::of(obj);
    let built_in = match (gvk.group, gvk.kind) {
        ("", "Service") => Some(service(obj)),
        ("", "Pod") => Some(pod(obj, now)?),
        ("", "Secret" | "ConfigMap") | ("batch", "CronJob") => Some(always_ready()),
        ("", "PersistentVolumeClaim") => Some(pvc(obj)),
        ("apps", "StatefulSet") => Some(stateful_set(obj)),
        ("apps" | "extensions", "DaemonSet") => Some(daemon_set(obj)?),
        ("apps" | "extensions", "Deployment") => Some(deployment(obj)?),
        ("apps" | "extensions", "ReplicaSet") => Some(replica_set(obj)?),
        ("policy", "PodDisruptionBudget") => {
            Some(Assessment::current("AllowedDisruptions has been computed."))
        }
        ("batch", "Job") => Some(job(obj)?),
        ("apiextensions.k8s.io", "CustomResourceDefinition") => Some(crd(obj)?),
        _ => None,
    };
    if let Some(a) = built_in {
        return Ok(a);
    }
    if let Some(a) = ready_condition(obj)? {
        return Ok(a);
    }
    Ok(Assessment::current("Resource is current"))
}

/// `checkGenericProperties`.
fn generic(obj: &Value) -> Result<Option<Assessment>, String> {
    match obj.pointer("/metadata/deletionTimestamp") {
        None => {}
        Some(Value::String(s)) if s.is_empty() => {}
        Some(Value::String(_)) => {
            return Ok(Some(Assessment::new(
                Status::Terminating,
                "Resource scheduled for deletion",
            )));
        }
        Some(_) => return Err(".metadata.deletionTimestamp is not a string".to_string()),
    }
    if let Some(a) = generation_lag(obj)? {
        return Ok(Some(a));
    }
    for c in conditions(obj)? {
        if c.status != "True" {
            continue;
        }
        match c.type_ {
            "Reconciling" => return Ok(Some(Assessment::in_progress(c.message))),
            "Stalled" => return Ok(Some(Assessment::failed(c.message))),
            _ => {}
        }
    }
    Ok(None)
}

/// An integer field as `unstructured.NestedInt64` reads it: absent is `None`,
/// present but not an integer is an error.
fn nested_int(obj: &Value, path: &str) -> Result<Option<i64>, String> {
    match obj.pointer(path) {
        None => Ok(None),
        Some(v) => v
            .as_i64()
            .map(Some)
            .ok_or_else(|| format!("{} is not an integer", path.replace('/', "."))),
    }
}

/// `checkGeneration`: both generations present and different.
fn generation_lag(obj: &Value) -> Result<Option<Assessment>, String> {
    let Some(generation) = nested_int(obj, "/metadata/generation")? else {
        return Ok(None);
    };
    let Some(observed) = nested_int(obj, "/status/observedGeneration")? else {
        return Ok(None);
    };
    if observed == generation {
        return Ok(None);
    }
    let kind = str_at(obj, &["kind"], "");
    Ok(Some(Assessment::in_progress(format!(
        "{kind} generation is {generation}, but latest observed generation is {observed}"
    ))))
}

/// `checkReadyCondition`, for kinds without built-in rules.
fn ready_condition(obj: &Value) -> Result<Option<Assessment>, String> {
    for c in conditions(obj)? {
        if c.type_ != "Ready" {
            continue;
        }
        match c.status {
            "True" => return Ok(Some(Assessment::current("Resource is Ready"))),
            "False" | "Unknown" => return Ok(Some(Assessment::in_progress(c.message))),
            _ => {}
        }
    }
    Ok(None)
}

fn always_ready() -> Assessment {
    Assessment::current("Resource is always ready")
}

/// `stsConditions`. The controller sets no conditions, so only counts matter.
fn stateful_set(obj: &Value) -> Assessment {
    if str_at(obj, &["spec", "updateStrategy", "type"], "") == "OnDelete" {
        return Assessment::current("StatefulSet is using the ondelete update strategy");
    }
    let spec = int_at(obj, &["spec", "replicas"], 1);
    let ready = int_at(obj, &["status", "readyReplicas"], 0);
    let current = int_at(obj, &["status", "currentReplicas"], 0);
    let updated = int_at(obj, &["status", "updatedReplicas"], 0);
    let replicas = int_at(obj, &["status", "replicas"], 0);
    let partition = int_at(
        obj,
        &["spec", "updateStrategy", "rollingUpdate", "partition"],
        -1,
    );
    if spec > replicas {
        return Assessment::in_progress(format!("Replicas: {replicas}/{spec}"));
    }
    if spec > ready {
        return Assessment::in_progress(format!("Ready: {ready}/{spec}"));
    }
    if replicas > spec {
        return Assessment::in_progress(format!("Pending termination: {}", replicas - spec));
    }
    if partition != -1 {
        if updated < spec - partition {
            return Assessment::in_progress(format!("updated: {updated}/{}", spec - partition));
        }
        return Assessment::current(format!("Partition rollout complete. updated: {updated}"));
    }
    if spec > current {
        return Assessment::in_progress(format!("current: {current}/{spec}"));
    }
    if str_at(obj, &["status", "currentRevision"], "")
        != str_at(obj, &["status", "updateRevision"], "")
    {
        return Assessment::in_progress("Waiting for updated revision to match current");
    }
    Assessment::current(format!(
        "All replicas scheduled as expected. Replicas: {replicas}"
    ))
}

/// `deploymentConditions`: counts, then the Progressing/Available conditions;
/// Failed once the progress deadline is exceeded.
fn deployment(obj: &Value) -> Result<Assessment, String> {
    // Without a deadline the controller never sets Progressing.
    let mut progressing = int_at(obj, &["spec", "progressDeadlineSeconds"], MAX_INT32) == MAX_INT32;
    let mut available = false;
    for c in conditions(obj)? {
        match c.type_ {
            "Progressing" => {
                if c.reason == "ProgressDeadlineExceeded" {
                    return Ok(Assessment::failed("Progress deadline exceeded"));
                }
                if c.status == "True" && c.reason == "NewReplicaSetAvailable" {
                    progressing = true;
                }
            }
            "Available" => available |= c.status == "True",
            _ => {}
        }
    }
    let spec = int_at(obj, &["spec", "replicas"], 1);
    let replicas = int_at(obj, &["status", "replicas"], 0);
    let updated = int_at(obj, &["status", "updatedReplicas"], 0);
    let ready = int_at(obj, &["status", "readyReplicas"], 0);
    let avail = int_at(obj, &["status", "availableReplicas"], 0);
    Ok(if spec > replicas {
        Assessment::in_progress(format!("Replicas: {replicas}/{spec}"))
    } else if spec > updated {
        Assessment::in_progress(format!("Updated: {updated}/{spec}"))
    } else if replicas > spec {
        Assessment::in_progress(format!("Pending termination: {}", replicas - spec))
    } else if updated > avail {
        Assessment::in_progress(format!("Available: {avail}/{updated}"))
    } else if spec > ready {
        Assessment::in_progress(format!("Ready: {ready}/{spec}"))
    } else if !progressing {
        Assessment::in_progress("ReplicaSet not Available")
    } else if !available {
        Assessment::in_progress("Deployment not Available")
    } else {
        Assessment::current(format!("Deployment is available. Replicas: {replicas}"))
    })
}

/// `replicasetConditions`.
fn replica_set(obj: &Value) -> Result<Assessment, String> {
    if conditions(obj)?
        .iter()
        .any(|c| c.type_ == "ReplicaFailure" && c.status == "True")
    {
        return Ok(Assessment::in_progress(
            "Replica Failure condition. Check Pods",
        ));
    }
    let spec = int_at(obj, &["spec", "replicas"], 1);
    let replicas = int_at(obj, &["status", "replicas"], 0);
    let ready = int_at(obj, &["status", "readyReplicas"], 0);
    let avail = int_at(obj, &["status", "availableReplicas"], 0);
    let labelled = int_at(obj, &["status", "fullyLabeledReplicas"], 0);
    Ok(if spec > labelled {
        Assessment::in_progress(format!("Labelled: {labelled}/{spec}"))
    } else if spec > avail {
        Assessment::in_progress(format!("Available: {avail}/{spec}"))
    } else if spec > ready {
        Assessment::in_progress(format!("Ready: {ready}/{spec}"))
    } else if replicas > spec {
        Assessment::in_progress(format!("Pending termination: {}", replicas - spec))
    } else {
        Assessment::current(format!("ReplicaSet is available. Replicas: {replicas}"))
    })
}

/// `daemonsetConditions`: both generations must be set (the controller always
/// sets them once it has seen the object), then the scheduled counts.
fn daemon_set(obj: &Value) -> Result<Assessment, String> {
    let kind = str_at(obj, &["kind"], "");
    if nested_int(obj, "/metadata/generation")?.is_none() {
        return Ok(Assessment::in_progress(format!(
            "{kind} metadata.generation not found"
        )));
    }
    if nested_int(obj, "/status/observedGeneration")?.is_none() {
        return Ok(Assessment::in_progress(format!(
            "{kind} status.observedGeneration not found"
        )));
    }
    let desired = int_at(obj, &["status", "desiredNumberScheduled"], -1);
    let current = int_at(obj, &["status", "currentNumberScheduled"], 0);
    let updated = int_at(obj, &["status", "updatedNumberScheduled"], 0);
    let avail = int_at(obj, &["status", "numberAvailable"], 0);
    let ready = int_at(obj, &["status", "numberReady"], 0);
    Ok(if desired == -1 {
        Assessment::in_progress("Missing .status.desiredNumberScheduled")
    } else if desired > current {
        Assessment::in_progress(format!("Current: {current}/{desired}"))
    } else if desired > updated {
        Assessment::in_progress(format!("Updated: {updated}/{desired}"))
    } else if desired > avail {
        Assessment::in_progress(format!("Available: {avail}/{desired}"))
    } else if desired > ready {
        Assessment::in_progress(format!("Ready: {ready}/{desired}"))
    } else {
        Assessment::current(format!(
            "All replicas scheduled as expected. Replicas: {desired}"
        ))
    })
}

/// `pvcConditions`.
fn pvc(obj: &Value) -> Assessment {
    match str_at(obj, &["status", "phase"], "unknown") {
        "Bound" => Assessment::current("PVC is Bound"),
        phase => Assessment::in_progress(format!("PVC is not Bound. phase: {phase}")),
    }
}

/// `podConditions`. A finished Pod is Current whether it succeeded or not; a
/// running one is Failed when a container is in CrashLoopBackOff; a pending one
/// is Failed once unschedulable for longer than the schedule window.
fn pod(obj: &Value, now: i64) -> Result<Assessment, String> {
    let cs = conditions(obj)?;
    let phase = str_at(obj, &["status", "phase"], "");
    Ok(match phase {
        "Succeeded" => Assessment::current("Pod has completed successfully"),
        "Failed" => Assessment::current("Pod has completed, but not successfully"),
        "Running" => {
            if cs.iter().any(|c| c.type_ == "Ready" && c.status == "True") {
                return Ok(Assessment::current("Pod is Ready"));
            }
            let looping = crash_looping_containers(obj);
            if !looping.is_empty() {
                return Ok(Assessment::failed(format!(
                    "Containers in CrashLoop state: {}",
                    looping.join(",")
                )));
            }
            Assessment::in_progress("Pod is running but is not Ready")
        }
        "Pending" => {
            let unschedulable = cs.iter().any(|c| {
                c.type_ == "PodScheduled" && c.status == "False" && c.reason == "Unschedulable"
            });
            if !unschedulable {
                return Ok(Assessment::in_progress("Pod is in the Pending phase"));
            }
            // Go's zero time when the timestamp is absent or unreadable.
            let created = obj
                .pointer("/metadata/creationTimestamp")
                .and_then(Value::as_str)
                .and_then(|s| GoTime(s.to_string()).unix())
                .unwrap_or(i64::MIN);
            if now - SCHEDULE_WINDOW_SECS < created {
                Assessment::in_progress("Pod has not been scheduled")
            } else {
                Assessment::failed("Pod could not be scheduled")
            }
        }
        "" => Assessment::in_progress("Pod phase not available"),
        other => return Err(format!("unknown phase {other}")),
    })
}

/// Names of containers waiting with reason CrashLoopBackOff, in status order.
fn crash_looping_containers(obj: &Value) -> Vec<&str> {
    let Some(statuses) = obj
        .pointer("/status/containerStatuses")
        .and_then(Value::as_array)
    else {
        return Vec::new();
    };
    statuses
        .iter()
        .filter(|cs| {
            cs.pointer("/state/waiting/reason").and_then(Value::as_str) == Some("CrashLoopBackOff")
        })
        .filter_map(|cs| cs.get("name").and_then(Value::as_str))
        .collect()
}

/// `jobConditions`: InProgress until started, Current while running and once
/// complete (or suspended), Failed once failed.
fn job(obj: &Value) -> Result<Assessment, String> {
    let parallelism = int_at(obj, &["spec", "parallelism"], 1);
    let completions = int_at(obj, &["spec", "completions"], parallelism);
    let succeeded = int_at(obj, &["status", "succeeded"], 0);
    let active = int_at(obj, &["status", "active"], 0);
    let failed = int_at(obj, &["status", "failed"], 0);
    let suspended = bool_at(obj, &["spec", "suspend"], false);
    for c in conditions(obj)? {
        if c.status != "True" {
            continue;
        }
        match c.type_ {
            "Complete" => {
                return Ok(Assessment::current(format!(
                    "Job Completed. succeeded: {succeeded}/{completions}"
                )));
            }
            "Failed" => {
                return Ok(Assessment::failed(format!(
                    "Job Failed. failed: {failed}/{completions}"
                )));
            }
            "Suspended" if suspended => return Ok(Assessment::current("Job is suspended")),
            _ => {}
        }
    }
    if str_at(obj, &["status", "startTime"], "").is_empty() {
        return Ok(Assessment::in_progress("Job not started"));
    }
    Ok(Assessment::current(format!(
        "Job in progress. success:{succeeded}, active: {active}, failed: {failed}"
    )))
}

/// `serviceConditions`: only a LoadBalancer without a cluster IP is waited for.
fn service(obj: &Value) -> Assessment {
    let type_ = str_at(obj, &["spec", "type"], "ClusterIP");
    if type_ == "LoadBalancer" && str_at(obj, &["spec", "clusterIP"], "").is_empty() {
        return Assessment::in_progress("ClusterIP not set. Service type: LoadBalancer");
    }
    Assessment::current("Service is ready")
}

/// `CRDConditions`: Established, Failed when names are not accepted or
/// establishing failed for another reason than installing.
fn crd(obj: &Value) -> Result<Assessment, String> {
    for c in conditions(obj)? {
        if c.type_ == "NamesAccepted" && c.status == "False" {
            return Ok(Assessment::failed(c.message));
        }
        if c.type_ == "Established" {
            if c.status == "False" && c.reason != "Installing" {
                return Ok(Assessment::failed(c.message));
            }
            if c.status == "True" {
                return Ok(Assessment::current("CRD is established"));
            }
        }
    }
    Ok(Assessment::in_progress("Install in progress"))
}
