use serde_json::{Value, json};

use super::*;

// ---- helpers ----

/// RFC 7386 merge patch: objects merge, `null` removes, anything else replaces.
fn merge(mut base: Value, patch: Value) -> Value {
    merge_into(&mut base, patch);
    base
}

fn merge_into(target: &mut Value, patch: Value) {
    let Value::Object(patch) = patch else {
        *target = patch;
        return;
    };
    if !target.is_object() {
        *target = json!({});
    }
    let map = target.as_object_mut().expect("object");
    for (k, v) in patch {
        if v.is_null() {
            map.remove(&k);
        } else {
            merge_into(map.entry(k).or_insert(Value::Null), v);
        }
    }
}

#[track_caller]
fn check(got: Assessment, status: Status, message: &str) {
    assert_eq!(got, Assessment::new(status, message));
}

fn cond(type_: &str, status: &str, reason: &str, message: &str) -> Value {
    json!({
        "type": type_,
        "status": status,
        "reason": reason,
        "message": message,
        "lastTransitionTime": "2024-05-01T10:00:05Z",
    })
}

/// 2024-05-01T10:00:00Z.
const CREATED: i64 = 1_714_557_600;

fn pod_template(image: &str) -> Value {
    json!({
        "metadata": {"labels": {"app": "web"}},
        "spec": {
            "containers": [{
                "name": "web",
                "image": image,
                "ports": [{"containerPort": 80, "protocol": "TCP"}],
                "resources": {},
                "imagePullPolicy": "IfNotPresent",
                "terminationMessagePath": "/dev/termination-log",
                "terminationMessagePolicy": "File",
            }],
            "restartPolicy": "Always",
            "terminationGracePeriodSeconds": 30,
            "dnsPolicy": "ClusterFirst",
            "securityContext": {},
            "schedulerName": "default-scheduler",
        },
    })
}

/// A rolled-out 3-replica Deployment, as `kubectl get -o json` shows it.
fn deployment() -> Value {
    json!({
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "metadata": {
            "name": "web",
            "namespace": "default",
            "uid": "5d0f6c1e-8d7a-4c3e-9a43-2f1f3c0b9e11",
            "generation": 1,
            "creationTimestamp": "2024-05-01T10:00:00Z",
            "labels": {"app.kubernetes.io/managed-by": "Helm"},
        },
        "spec": {
            "replicas": 3,
            "selector": {"matchLabels": {"app": "web"}},
            "template": pod_template("nginx:1.27"),
            "strategy": {
                "type": "RollingUpdate",
                "rollingUpdate": {"maxUnavailable": "25%", "maxSurge": "25%"},
            },
            "revisionHistoryLimit": 10,
            "progressDeadlineSeconds": 600,
        },
        "status": {
            "observedGeneration": 1,
            "replicas": 3,
            "updatedReplicas": 3,
            "readyReplicas": 3,
            "availableReplicas": 3,
            "conditions": [
                cond("Available", "True", "MinimumReplicasAvailable", "Deployment has minimum availability."),
                cond("Progressing", "True", "NewReplicaSetAvailable", "ReplicaSet \"web-6b7f9d8c4\" has successfully progressed."),
            ],
        },
    })
}

/// A ReplicaSet of [`deployment`] (new when `image` matches its template).
fn replica_set(name: &str, image: &str, created: &str) -> Value {
    let mut template = pod_template(image);
    template["metadata"]["labels"]["pod-template-hash"] = json!(name.rsplit('-').next());
    json!({
        "apiVersion": "apps/v1",
        "kind": "ReplicaSet",
        "metadata": {
            "name": name,
            "namespace": "default",
            "generation": 1,
            "creationTimestamp": created,
            "ownerReferences": [{
                "apiVersion": "apps/v1",
                "kind": "Deployment",
                "name": "web",
                "uid": "5d0f6c1e-8d7a-4c3e-9a43-2f1f3c0b9e11",
                "controller": true,
                "blockOwnerDeletion": true,
            }],
        },
        "spec": {
            "replicas": 3,
            "selector": {"matchLabels": {"app": "web", "pod-template-hash": name.rsplit('-').next()}},
            "template": template,
        },
        "status": {
            "replicas": 3,
            "fullyLabeledReplicas": 3,
            "readyReplicas": 3,
            "availableReplicas": 3,
            "observedGeneration": 1,
        },
    })
}

fn stateful_set() -> Value {
    json!({
        "apiVersion": "apps/v1",
        "kind": "StatefulSet",
        "metadata": {"name": "db", "namespace": "default", "generation": 2},
        "spec": {
            "replicas": 3,
            "serviceName": "db",
            "selector": {"matchLabels": {"app": "db"}},
            "podManagementPolicy": "OrderedReady",
            "updateStrategy": {"type": "RollingUpdate", "rollingUpdate": {"partition": 0}},
            "template": {"metadata": {"labels": {"app": "db"}}, "spec": {"containers": [{"name": "db", "image": "postgres:16"}]}},
        },
        "status": {
            "observedGeneration": 2,
            "replicas": 3,
            "readyReplicas": 3,
            "currentReplicas": 3,
            "updatedReplicas": 3,
            "availableReplicas": 3,
            "currentRevision": "db-5c8d7b9f6",
            "updateRevision": "db-5c8d7b9f6",
            "collisionCount": 0,
        },
    })
}

fn daemon_set() -> Value {
    json!({
        "apiVersion": "apps/v1",
        "kind": "DaemonSet",
        "metadata": {"name": "agent", "namespace": "kube-system", "generation": 1},
        "spec": {
            "selector": {"matchLabels": {"app": "agent"}},
            "updateStrategy": {"type": "RollingUpdate", "rollingUpdate": {"maxUnavailable": 1, "maxSurge": 0}},
            "template": {"metadata": {"labels": {"app": "agent"}}, "spec": {"containers": [{"name": "agent", "image": "agent:2"}]}},
        },
        "status": {
            "observedGeneration": 1,
            "desiredNumberScheduled": 3,
            "currentNumberScheduled": 3,
            "updatedNumberScheduled": 3,
            "numberAvailable": 3,
            "numberReady": 3,
            "numberMisscheduled": 0,
        },
    })
}

fn pod(phase: &str) -> Value {
    json!({
        "apiVersion": "v1",
        "kind": "Pod",
        "metadata": {"name": "web-6b7f9d8c4-x2x9q", "namespace": "default", "creationTimestamp": "2024-05-01T10:00:00Z"},
        "spec": {"containers": [{"name": "web", "image": "nginx:1.27"}], "restartPolicy": "Always"},
        "status": {
            "phase": phase,
            "conditions": [
                cond("PodScheduled", "True", "", ""),
                cond("Initialized", "True", "", ""),
            ],
        },
    })
}

fn running_pod(ready: bool) -> Value {
    let r = if ready { "True" } else { "False" };
    merge(
        pod("Running"),
        json!({"status": {
            "conditions": [
                cond("PodScheduled", "True", "", ""),
                cond("ContainersReady", r, "", ""),
                cond("Ready", r, "", ""),
            ],
            "containerStatuses": [{
                "name": "web",
                "ready": ready,
                "restartCount": 0,
                "state": {"running": {"startedAt": "2024-05-01T10:00:03Z"}},
            }],
        }}),
    )
}

fn crash_looping_pod() -> Value {
    merge(
        running_pod(false),
        json!({"status": {"containerStatuses": [
            {"name": "web", "ready": false, "restartCount": 5,
             "state": {"waiting": {"reason": "CrashLoopBackOff", "message": "back-off 2m40s restarting failed container"}}},
            {"name": "sidecar", "ready": true, "restartCount": 0,
             "state": {"running": {"startedAt": "2024-05-01T10:00:03Z"}}},
        ]}}),
    )
}

fn unschedulable_pod() -> Value {
    merge(
        pod("Pending"),
        json!({"status": {"conditions": [cond(
            "PodScheduled",
            "False",
            "Unschedulable",
            "0/3 nodes are available: 3 Insufficient cpu.",
        )]}}),
    )
}

fn job() -> Value {
    json!({
        "apiVersion": "batch/v1",
        "kind": "Job",
        "metadata": {"name": "migrate", "namespace": "default", "generation": 1},
        "spec": {
            "parallelism": 1,
            "completions": 1,
            "backoffLimit": 6,
            "completionMode": "NonIndexed",
            "suspend": false,
            "template": {"spec": {"containers": [{"name": "migrate", "image": "migrate:1"}], "restartPolicy": "Never"}},
        },
        "status": {"startTime": "2024-05-01T10:00:01Z", "active": 1, "ready": 0, "terminating": 0},
    })
}

fn job_complete() -> Value {
    merge(
        job(),
        json!({"status": {
            "active": null,
            "succeeded": 1,
            "completionTime": "2024-05-01T10:00:30Z",
            "conditions": [
                cond("SuccessCriteriaMet", "True", "CompletionsReached", "Reached expected number of succeeded pods"),
                cond("Complete", "True", "CompletionsReached", "Reached expected number of succeeded pods"),
            ],
        }}),
    )
}

fn job_failed() -> Value {
    merge(
        job(),
        json!({"status": {
            "active": null,
            "failed": 7,
            "conditions": [
                cond("FailureTarget", "True", "BackoffLimitExceeded", "Job has reached the specified backoff limit"),
                cond("Failed", "True", "BackoffLimitExceeded", "Job has reached the specified backoff limit"),
            ],
        }}),
    )
}

fn service(type_: &str) -> Value {
    json!({
        "apiVersion": "v1",
        "kind": "Service",
        "metadata": {"name": "web", "namespace": "default"},
        "spec": {
            "type": type_,
            "selector": {"app": "web"},
            "ports": [{"port": 80, "targetPort": 80, "protocol": "TCP"}],
            "clusterIP": "10.96.12.34",
            "clusterIPs": ["10.96.12.34"],
        },
        "status": {"loadBalancer": {}},
    })
}

fn pvc(phase: &str) -> Value {
    json!({
        "apiVersion": "v1",
        "kind": "PersistentVolumeClaim",
        "metadata": {"name": "data", "namespace": "default"},
        "spec": {"accessModes": ["ReadWriteOnce"], "resources": {"requests": {"storage": "1Gi"}}, "storageClassName": "standard"},
        "status": {"phase": phase},
    })
}

fn crd(conditions: Vec<Value>) -> Value {
    json!({
        "apiVersion": "apiextensions.k8s.io/v1",
        "kind": "CustomResourceDefinition",
        "metadata": {"name": "widgets.example.com", "generation": 1},
        "spec": {
            "group": "example.com",
            "names": {"kind": "Widget", "plural": "widgets", "singular": "widget", "listKind": "WidgetList"},
            "scope": "Namespaced",
            "versions": [{"name": "v1", "served": true, "storage": true}],
        },
        "status": {
            "acceptedNames": {"kind": "Widget", "plural": "widgets"},
            "storedVersions": ["v1"],
            "conditions": conditions,
        },
    })
}

fn widget(status: Value) -> Value {
    json!({
        "apiVersion": "example.com/v1",
        "kind": "Widget",
        "metadata": {"name": "w", "namespace": "default", "generation": 3},
        "spec": {"size": 2},
        "status": status,
    })
}

// ---- kstatus: generic rules ----

#[test]
fn deletion_timestamp_is_terminating() {
    let obj = merge(
        deployment(),
        json!({"metadata": {"deletionTimestamp": "2024-05-01T11:00:00Z", "finalizers": ["example.com/cleanup"]}}),
    );
    check(
        compute(&obj),
        Status::Terminating,
        "Resource scheduled for deletion",
    );
    // Before everything else, even a failed Job.
    let obj = merge(
        job_failed(),
        json!({"metadata": {"deletionTimestamp": "2024-05-01T11:00:00Z"}}),
    );
    check(
        compute(&obj),
        Status::Terminating,
        "Resource scheduled for deletion",
    );
}

#[test]
fn malformed_generic_fields_are_unknown() {
    let obj = merge(deployment(), json!({"metadata": {"deletionTimestamp": 5}}));
    check(
        compute(&obj),
        Status::Unknown,
        ".metadata.deletionTimestamp is not a string",
    );
    let obj = merge(deployment(), json!({"metadata": {"generation": "2"}}));
    check(
        compute(&obj),
        Status::Unknown,
        ".metadata.generation is not an integer",
    );
    let obj = merge(
        deployment(),
        json!({"status": {"conditions": {"type": "Ready"}}}),
    );
    check(
        compute(&obj),
        Status::Unknown,
        ".status.conditions is not a list",
    );
    let obj = widget(json!({"conditions": [{"type": "Ready", "status": true}]}));
    check(
        compute(&obj),
        Status::Unknown,
        ".status.conditions[].status is not a string",
    );
}

#[test]
fn observed_generation_lag_is_in_progress() {
    let obj = merge(deployment(), json!({"metadata": {"generation": 2}}));
    check(
        compute(&obj),
        Status::InProgress,
        "Deployment generation is 2, but latest observed generation is 1",
    );
    let obj =
        widget(json!({"observedGeneration": 2, "conditions": [cond("Ready", "True", "Ok", "")]}));
    check(
        compute(&obj),
        Status::InProgress,
        "Widget generation is 3, but latest observed generation is 2",
    );
    // No observedGeneration: nothing to compare.
    let obj = widget(json!({"conditions": [cond("Ready", "True", "Ok", "")]}));
    check(compute(&obj), Status::Current, "Resource is Ready");
}

#[test]
fn reconciling_and_stalled_conditions_decide() {
    let obj = widget(json!({
        "observedGeneration": 3,
        "conditions": [
            cond("Ready", "True", "Ok", ""),
            cond("Reconciling", "True", "Progressing", "Scaling to 2 replicas"),
        ],
    }));
    check(compute(&obj), Status::InProgress, "Scaling to 2 replicas");
    let obj = widget(json!({
        "conditions": [cond("Stalled", "True", "InvalidSpec", "size must be even")],
    }));
    check(compute(&obj), Status::Failed, "size must be even");
    // They win over a built-in kind's own rules too.
    let obj = merge(
        service("ClusterIP"),
        json!({"status": {"conditions": [cond("Stalled", "True", "X", "blocked by policy")]}}),
    );
    check(compute(&obj), Status::Failed, "blocked by policy");
    // False means normal.
    let obj = widget(json!({"conditions": [cond("Reconciling", "False", "Done", "")]}));
    check(compute(&obj), Status::Current, "Resource is current");
}

#[test]
fn ready_condition_for_other_kinds() {
    let obj = widget(
        json!({"observedGeneration": 3, "conditions": [cond("Ready", "True", "Ok", "all good")]}),
    );
    check(compute(&obj), Status::Current, "Resource is Ready");
    let obj = widget(
        json!({"conditions": [cond("Ready", "False", "Provisioning", "waiting for volume")]}),
    );
    check(compute(&obj), Status::InProgress, "waiting for volume");
    let obj = widget(json!({"conditions": [cond("Ready", "Unknown", "", "controller starting")]}));
    check(compute(&obj), Status::InProgress, "controller starting");
    // Built-in kinds do not look at Ready.
    let obj = merge(
        service("ClusterIP"),
        json!({"status": {"conditions": [cond("Ready", "False", "X", "ignored")]}}),
    );
    check(compute(&obj), Status::Current, "Service is ready");
}

#[test]
fn objects_without_status_are_current() {
    let obj = json!({"apiVersion": "example.com/v1", "kind": "Widget", "metadata": {"name": "w", "generation": 1}, "spec": {}});
    check(compute(&obj), Status::Current, "Resource is current");
    let obj = json!({"apiVersion": "rbac.authorization.k8s.io/v1", "kind": "Role", "metadata": {"name": "r"}, "rules": []});
    check(compute(&obj), Status::Current, "Resource is current");
}

#[test]
fn always_ready_kinds() {
    for obj in [
        json!({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "c"}, "data": {"a": "b"}}),
        json!({"apiVersion": "v1", "kind": "Secret", "metadata": {"name": "s"}, "type": "Opaque"}),
        json!({"apiVersion": "batch/v1", "kind": "CronJob", "metadata": {"name": "nightly", "generation": 1},
               "spec": {"schedule": "0 3 * * *", "suspend": false},
               "status": {"lastScheduleTime": "2024-05-01T03:00:00Z", "active": []}}),
    ] {
        check(compute(&obj), Status::Current, "Resource is always ready");
    }
}

#[test]
fn kind_rules_are_keyed_by_group() {
    // extensions/v1beta1 Deployments use the Deployment rules…
    let obj = merge(
        deployment(),
        json!({"apiVersion": "extensions/v1beta1", "status": {"availableReplicas": 1}}),
    );
    check(compute(&obj), Status::InProgress, "Available: 1/3");
    // …a Deployment kind of another group does not.
    let obj = merge(
        deployment(),
        json!({"apiVersion": "example.com/v1", "status": {"availableReplicas": 1}}),
    );
    check(compute(&obj), Status::Current, "Resource is current");
}

// ---- kstatus: Deployment ----

#[test]
fn deployment_available() {
    check(
        compute(&deployment()),
        Status::Current,
        "Deployment is available. Replicas: 3",
    );
    // spec.replicas defaults to 1.
    let obj = merge(
        deployment(),
        json!({"spec": {"replicas": null}, "status": {"replicas": 1, "updatedReplicas": 1, "readyReplicas": 1, "availableReplicas": 1}}),
    );
    check(
        compute(&obj),
        Status::Current,
        "Deployment is available. Replicas: 1",
    );
}

#[test]
fn deployment_replica_counts() {
    let cases = [
        (json!({"replicas": 1}), "Replicas: 1/3"),
        (json!({"updatedReplicas": 1}), "Updated: 1/3"),
        (json!({"replicas": 4}), "Pending termination: 1"),
        (json!({"availableReplicas": 1}), "Available: 1/3"),
        (json!({"readyReplicas": 2}), "Ready: 2/3"),
        (
            json!({"replicas": null, "updatedReplicas": null, "readyReplicas": null, "availableReplicas": null}),
            "Replicas: 0/3",
        ),
    ];
    for (status, message) in cases {
        let obj = merge(deployment(), json!({ "status": status }));
        check(compute(&obj), Status::InProgress, message);
    }
}

#[test]
fn deployment_conditions() {
    let obj = merge(
        deployment(),
        json!({"status": {"conditions": [
            cond("Available", "True", "MinimumReplicasAvailable", ""),
            cond("Progressing", "True", "ReplicaSetUpdated", "ReplicaSet \"web-6b7f9d8c4\" is progressing."),
        ]}}),
    );
    check(
        compute(&obj),
        Status::InProgress,
        "ReplicaSet not Available",
    );
    let obj = merge(
        deployment(),
        json!({"status": {"conditions": [
            cond("Available", "False", "MinimumReplicasUnavailable", "Deployment does not have minimum availability."),
            cond("Progressing", "True", "NewReplicaSetAvailable", ""),
        ]}}),
    );
    check(
        compute(&obj),
        Status::InProgress,
        "Deployment not Available",
    );
    // Without a progress deadline the controller never sets Progressing.
    let obj = merge(
        deployment(),
        json!({"spec": {"progressDeadlineSeconds": 2_147_483_647},
               "status": {"conditions": [cond("Available", "True", "MinimumReplicasAvailable", "")]}}),
    );
    check(
        compute(&obj),
        Status::Current,
        "Deployment is available. Replicas: 3",
    );
}

#[test]
fn deployment_progress_deadline_exceeded_fails() {
    let obj = merge(
        deployment(),
        json!({"status": {"updatedReplicas": 1, "availableReplicas": 2, "conditions": [
            cond("Available", "True", "MinimumReplicasAvailable", ""),
            cond("Progressing", "False", "ProgressDeadlineExceeded", "ReplicaSet \"web-85f7c4d9b\" has timed out progressing."),
        ]}}),
    );
    check(compute(&obj), Status::Failed, "Progress deadline exceeded");
}

// ---- kstatus: StatefulSet ----

#[test]
fn stateful_set_partition_rollout() {
    // The API server defaults partition to 0, so this is the usual path.
    check(
        compute(&stateful_set()),
        Status::Current,
        "Partition rollout complete. updated: 3",
    );
    let obj = merge(stateful_set(), json!({"status": {"updatedReplicas": 1}}));
    check(compute(&obj), Status::InProgress, "updated: 1/3");
    let obj = merge(
        stateful_set(),
        json!({"spec": {"updateStrategy": {"rollingUpdate": {"partition": 2}}},
               "status": {"updatedReplicas": 0, "updateRevision": "db-7f9c6d5b8"}}),
    );
    check(compute(&obj), Status::InProgress, "updated: 0/1");
    let obj = merge(obj, json!({"status": {"updatedReplicas": 1}}));
    check(
        compute(&obj),
        Status::Current,
        "Partition rollout complete. updated: 1",
    );
}

#[test]
fn stateful_set_without_partition() {
    let base = merge(
        stateful_set(),
        json!({"spec": {"updateStrategy": {"rollingUpdate": null}}}),
    );
    check(
        compute(&base),
        Status::Current,
        "All replicas scheduled as expected. Replicas: 3",
    );
    let obj = merge(base.clone(), json!({"status": {"currentReplicas": 2}}));
    check(compute(&obj), Status::InProgress, "current: 2/3");
    let obj = merge(base, json!({"status": {"updateRevision": "db-7f9c6d5b8"}}));
    check(
        compute(&obj),
        Status::InProgress,
        "Waiting for updated revision to match current",
    );
}

#[test]
fn stateful_set_replica_counts() {
    let cases = [
        (json!({"replicas": 1}), "Replicas: 1/3"),
        (json!({"readyReplicas": 2}), "Ready: 2/3"),
        (json!({"replicas": 4}), "Pending termination: 1"),
    ];
    for (status, message) in cases {
        let obj = merge(stateful_set(), json!({ "status": status }));
        check(compute(&obj), Status::InProgress, message);
    }
}

#[test]
fn stateful_set_on_delete_is_current() {
    let obj = merge(
        stateful_set(),
        json!({"spec": {"updateStrategy": {"type": "OnDelete", "rollingUpdate": null}},
               "status": {"readyReplicas": 0}}),
    );
    check(
        compute(&obj),
        Status::Current,
        "StatefulSet is using the ondelete update strategy",
    );
}

// ---- kstatus: DaemonSet ----

#[test]
fn daemon_set_scheduled() {
    check(
        compute(&daemon_set()),
        Status::Current,
        "All replicas scheduled as expected. Replicas: 3",
    );
    let cases = [
        (json!({"currentNumberScheduled": 2}), "Current: 2/3"),
        (json!({"updatedNumberScheduled": 1}), "Updated: 1/3"),
        (json!({"numberAvailable": 2}), "Available: 2/3"),
        (json!({"numberReady": 0}), "Ready: 0/3"),
        (
            json!({"desiredNumberScheduled": null}),
            "Missing .status.desiredNumberScheduled",
        ),
    ];
    for (status, message) in cases {
        let obj = merge(daemon_set(), json!({ "status": status }));
        check(compute(&obj), Status::InProgress, message);
    }
}

#[test]
fn daemon_set_needs_both_generations() {
    let obj = merge(
        daemon_set(),
        json!({"status": {"observedGeneration": null}}),
    );
    check(
        compute(&obj),
        Status::InProgress,
        "DaemonSet status.observedGeneration not found",
    );
    let obj = merge(daemon_set(), json!({"metadata": {"generation": null}}));
    check(
        compute(&obj),
        Status::InProgress,
        "DaemonSet metadata.generation not found",
    );
}

// ---- kstatus: ReplicaSet ----

#[test]
fn replica_set_counts() {
    let rs = replica_set("web-6b7f9d8c4", "nginx:1.27", "2024-05-01T10:00:00Z");
    check(
        compute(&rs),
        Status::Current,
        "ReplicaSet is available. Replicas: 3",
    );
    let cases = [
        (json!({"fullyLabeledReplicas": 2}), "Labelled: 2/3"),
        (json!({"availableReplicas": 1}), "Available: 1/3"),
        (json!({"readyReplicas": 2}), "Ready: 2/3"),
        (json!({"replicas": 5}), "Pending termination: 2"),
    ];
    for (status, message) in cases {
        let obj = merge(rs.clone(), json!({ "status": status }));
        check(compute(&obj), Status::InProgress, message);
    }
    let obj = merge(
        rs,
        json!({"status": {"conditions": [cond("ReplicaFailure", "True", "FailedCreate", "pods \"web-6b7f9d8c4-\" is forbidden: exceeded quota")]}}),
    );
    check(
        compute(&obj),
        Status::InProgress,
        "Replica Failure condition. Check Pods",
    );
}

// ---- kstatus: Pod ----

#[test]
fn pod_phases() {
    check(
        compute(&pod("Succeeded")),
        Status::Current,
        "Pod has completed successfully",
    );
    check(
        compute(&pod("Failed")),
        Status::Current,
        "Pod has completed, but not successfully",
    );
    check(compute(&running_pod(true)), Status::Current, "Pod is Ready");
    check(
        compute(&running_pod(false)),
        Status::InProgress,
        "Pod is running but is not Ready",
    );
    check(
        compute(&pod("Pending")),
        Status::InProgress,
        "Pod is in the Pending phase",
    );
    let obj = merge(pod("Pending"), json!({"status": {"phase": null}}));
    check(compute(&obj), Status::InProgress, "Pod phase not available");
    check(
        compute(&pod("Unknown")),
        Status::Unknown,
        "unknown phase Unknown",
    );
}

#[test]
fn crash_looping_pod_fails() {
    check(
        compute(&crash_looping_pod()),
        Status::Failed,
        "Containers in CrashLoop state: web",
    );
    // A Ready condition wins over a looping container.
    let obj = merge(
        crash_looping_pod(),
        json!({"status": {"conditions": [cond("Ready", "True", "", "")]}}),
    );
    check(compute(&obj), Status::Current, "Pod is Ready");
}

#[test]
fn unschedulable_pod_fails_after_the_schedule_window() {
    let obj = unschedulable_pod();
    check(
        compute_at(&obj, CREATED + 14),
        Status::InProgress,
        "Pod has not been scheduled",
    );
    check(
        compute_at(&obj, CREATED + 15),
        Status::Failed,
        "Pod could not be scheduled",
    );
    let obj = merge(obj, json!({"metadata": {"creationTimestamp": null}}));
    check(
        compute_at(&obj, CREATED),
        Status::Failed,
        "Pod could not be scheduled",
    );
}

// ---- kstatus: Job, CronJob ----

#[test]
fn job_lifecycle() {
    let obj = merge(
        job(),
        json!({"status": {"startTime": null, "active": null}}),
    );
    check(compute(&obj), Status::InProgress, "Job not started");
    check(
        compute(&job()),
        Status::Current,
        "Job in progress. success:0, active: 1, failed: 0",
    );
    check(
        compute(&job_complete()),
        Status::Current,
        "Job Completed. succeeded: 1/1",
    );
}

#[test]
fn job_backoff_limit_failure() {
    check(
        compute(&job_failed()),
        Status::Failed,
        "Job Failed. failed: 7/1",
    );
    // completions defaults to parallelism.
    let obj = merge(
        job_failed(),
        json!({"spec": {"completions": null, "parallelism": 3}}),
    );
    check(compute(&obj), Status::Failed, "Job Failed. failed: 7/3");
}

#[test]
fn suspended_job_is_current() {
    let obj = merge(
        job(),
        json!({"spec": {"suspend": true}, "status": {"startTime": null, "active": null,
            "conditions": [cond("Suspended", "True", "JobSuspended", "Job suspended")]}}),
    );
    check(compute(&obj), Status::Current, "Job is suspended");
    // Only while spec.suspend says so.
    let obj = merge(obj, json!({"spec": {"suspend": false}}));
    check(compute(&obj), Status::InProgress, "Job not started");
}

// ---- kstatus: PVC, Service, PDB, CRD ----

#[test]
fn pvc_bound() {
    check(compute(&pvc("Bound")), Status::Current, "PVC is Bound");
    check(
        compute(&pvc("Pending")),
        Status::InProgress,
        "PVC is not Bound. phase: Pending",
    );
    let obj = merge(pvc("Pending"), json!({"status": null}));
    check(
        compute(&obj),
        Status::InProgress,
        "PVC is not Bound. phase: unknown",
    );
}

#[test]
fn service_kinds() {
    check(
        compute(&service("ClusterIP")),
        Status::Current,
        "Service is ready",
    );
    check(
        compute(&service("NodePort")),
        Status::Current,
        "Service is ready",
    );
    // kstatus waits only for the cluster IP of a LoadBalancer, not its ingress.
    check(
        compute(&service("LoadBalancer")),
        Status::Current,
        "Service is ready",
    );
    let obj = merge(
        service("LoadBalancer"),
        json!({"spec": {"clusterIP": null, "clusterIPs": null}}),
    );
    check(
        compute(&obj),
        Status::InProgress,
        "ClusterIP not set. Service type: LoadBalancer",
    );
}

#[test]
fn pod_disruption_budget() {
    let pdb = json!({
        "apiVersion": "policy/v1",
        "kind": "PodDisruptionBudget",
        "metadata": {"name": "web", "namespace": "default", "generation": 2},
        "spec": {"minAvailable": 2, "selector": {"matchLabels": {"app": "web"}}},
        "status": {"observedGeneration": 2, "currentHealthy": 3, "desiredHealthy": 2,
                   "disruptionsAllowed": 1, "expectedPods": 3,
                   "conditions": [cond("DisruptionAllowed", "True", "SufficientPods", "")]},
    });
    check(
        compute(&pdb),
        Status::Current,
        "AllowedDisruptions has been computed.",
    );
    let lagging = merge(pdb, json!({"status": {"observedGeneration": 1}}));
    check(
        compute(&lagging),
        Status::InProgress,
        "PodDisruptionBudget generation is 2, but latest observed generation is 1",
    );
}

#[test]
fn crd_establishment() {
    let established = crd(vec![
        cond("NamesAccepted", "True", "NoConflicts", "no conflicts found"),
        cond(
            "Established",
            "True",
            "InitialNamesAccepted",
            "the initial names have been accepted",
        ),
    ]);
    check(compute(&established), Status::Current, "CRD is established");
    let installing = crd(vec![
        cond("NamesAccepted", "True", "NoConflicts", "no conflicts found"),
        cond(
            "Established",
            "False",
            "Installing",
            "the initial names have been accepted",
        ),
    ]);
    check(
        compute(&installing),
        Status::InProgress,
        "Install in progress",
    );
    check(
        compute(&crd(vec![])),
        Status::InProgress,
        "Install in progress",
    );
    let conflict = crd(vec![
        cond(
            "NamesAccepted",
            "False",
            "MultipleNamesNotAllowed",
            "\"widgets\" is already in use",
        ),
        cond(
            "Established",
            "False",
            "NotAccepted",
            "not all names are accepted",
        ),
    ]);
    check(
        compute(&conflict),
        Status::Failed,
        "\"widgets\" is already in use",
    );
    let broken = crd(vec![cond(
        "Established",
        "False",
        "NotAccepted",
        "not all names are accepted",
    )]);
    check(
        compute(&broken),
        Status::Failed,
        "not all names are accepted",
    );
}

// ---- is_ready: watcher ----

#[test]
fn watcher_uses_kstatus() {
    let obj = merge(deployment(), json!({"status": {"availableReplicas": 1}}));
    check(
        is_ready(&obj, WaitStrategy::Watcher, false),
        Status::InProgress,
        "Available: 1/3",
    );
    check(
        is_ready(&service("LoadBalancer"), WaitStrategy::Watcher, true),
        Status::Current,
        "Service is ready",
    );
}

#[test]
fn watcher_skips_paused_deployments() {
    let obj = merge(
        deployment(),
        json!({"spec": {"paused": true}, "status": {"updatedReplicas": 0}}),
    );
    check(
        is_ready(&obj, WaitStrategy::Watcher, false),
        Status::Current,
        "Deployment is paused; not waiting for it",
    );
    check(compute(&obj), Status::InProgress, "Updated: 0/3");
}

#[test]
fn watcher_jobs_need_wait_for_jobs_to_complete() {
    check(
        is_ready(&job(), WaitStrategy::Watcher, false),
        Status::Current,
        "Job in progress. success:0, active: 1, failed: 0",
    );
    check(
        is_ready(&job(), WaitStrategy::Watcher, true),
        Status::InProgress,
        "Job in progress",
    );
    check(
        is_ready(&job_complete(), WaitStrategy::Watcher, true),
        Status::Current,
        "Job Completed. succeeded: 1/1",
    );
    check(
        is_ready(&job_failed(), WaitStrategy::Watcher, true),
        Status::Failed,
        "Job Failed. failed: 7/1",
    );
}

#[test]
fn watcher_pod_controllers_fail_with_their_pods() {
    let pods = [running_pod(true), crash_looping_pod()];
    let related = Related {
        pods: &pods,
        replica_sets: &[],
    };
    let rs = merge(
        replica_set("web-6b7f9d8c4", "nginx:1.27", "2024-05-01T10:00:00Z"),
        json!({"status": {"readyReplicas": 1, "availableReplicas": 1}}),
    );
    check(
        is_ready_with(&rs, WaitStrategy::Watcher, false, &related),
        Status::Failed,
        "1 pods have failed",
    );
    let sts = merge(stateful_set(), json!({"status": {"readyReplicas": 1}}));
    check(
        is_ready_with(&sts, WaitStrategy::Watcher, false, &related),
        Status::Failed,
        "1 pods have failed",
    );
    // Deployments only report their own status.
    let dep = merge(deployment(), json!({"status": {"availableReplicas": 1}}));
    check(
        is_ready_with(&dep, WaitStrategy::Watcher, false, &related),
        Status::InProgress,
        "Available: 1/3",
    );
    // Unschedulable Pods may yet be scheduled (autoscaler): not a failure.
    let pods = [unschedulable_pod()];
    let related = Related {
        pods: &pods,
        replica_sets: &[],
    };
    check(
        is_ready_with(&rs, WaitStrategy::Watcher, false, &related),
        Status::InProgress,
        "Available: 1/3",
    );
}

#[test]
fn hook_only_waits_for_nothing() {
    let obj = merge(deployment(), json!({"status": {"availableReplicas": 0}}));
    check(
        is_ready(&obj, WaitStrategy::HookOnly, true),
        Status::Current,
        "Not waiting: --wait=hookOnly waits for hooks only",
    );
}

// ---- is_ready: legacy ----

#[test]
fn legacy_deployment_uses_its_new_replica_set() {
    let new_rs = replica_set("web-6b7f9d8c4", "nginx:1.27", "2024-05-01T10:00:00Z");
    let old_rs = replica_set("web-5f4d8b7c9", "nginx:1.26", "2024-04-01T10:00:00Z");
    let sets = [
        old_rs,
        merge(new_rs, json!({"status": {"readyReplicas": 2}})),
    ];
    let related = Related {
        pods: &[],
        replica_sets: &sets,
    };
    // maxUnavailable 25% of 3 rounds down to 0: all 3 must be ready.
    check(
        is_ready_with(&deployment(), WaitStrategy::Legacy, false, &related),
        Status::InProgress,
        "Ready: 2/3 (replicas: 3, maxUnavailable: 0)",
    );
    let dep = merge(
        deployment(),
        json!({"spec": {"strategy": {"rollingUpdate": {"maxUnavailable": 1}}}}),
    );
    check(
        is_ready_with(&dep, WaitStrategy::Legacy, false, &related),
        Status::Current,
        "Deployment is ready. Ready: 2, required: 2",
    );
    // Without the ReplicaSets Helm has nothing to go on.
    check(
        is_ready(&deployment(), WaitStrategy::Legacy, false),
        Status::InProgress,
        "Waiting for the Deployment's new ReplicaSet",
    );
}

#[test]
fn legacy_deployment_max_unavailable() {
    let new_rs = merge(
        replica_set("web-6b7f9d8c4", "nginx:1.27", "2024-05-01T10:00:00Z"),
        json!({"status": {"readyReplicas": 8}}),
    );
    let sets = [new_rs];
    let related = Related {
        pods: &[],
        replica_sets: &sets,
    };
    let cases = [
        // 25% of 10 rounds down to 2.
        (
            json!({"type": "RollingUpdate", "rollingUpdate": {"maxUnavailable": "25%", "maxSurge": "25%"}}),
            Status::Current,
            "Deployment is ready. Ready: 8, required: 8",
        ),
        // Both resolving to 0 makes maxUnavailable 1.
        (
            json!({"type": "RollingUpdate", "rollingUpdate": {"maxUnavailable": "5%", "maxSurge": 0}}),
            Status::InProgress,
            "Ready: 8/9 (replicas: 10, maxUnavailable: 1)",
        ),
        // Recreate: everything must be ready.
        (
            json!({"type": "Recreate", "rollingUpdate": null}),
            Status::InProgress,
            "Ready: 8/10 (replicas: 10, maxUnavailable: 0)",
        ),
        // An invalid value resolves to 0.
        (
            json!({"type": "RollingUpdate", "rollingUpdate": {"maxUnavailable": "two", "maxSurge": 1}}),
            Status::InProgress,
            "Ready: 8/10 (replicas: 10, maxUnavailable: 0)",
        ),
        // Capped at replicas.
        (
            json!({"type": "RollingUpdate", "rollingUpdate": {"maxUnavailable": 20, "maxSurge": 1}}),
            Status::Current,
            "Deployment is ready. Ready: 8, required: 0",
        ),
    ];
    for (strategy, status, message) in cases {
        let dep = merge(
            deployment(),
            json!({"spec": {"replicas": 10, "strategy": strategy}}),
        );
        check(
            is_ready_with(&dep, WaitStrategy::Legacy, false, &related),
            status,
            message,
        );
    }
}

#[test]
fn legacy_deployment_generations_and_pause() {
    let sets = [replica_set(
        "web-6b7f9d8c4",
        "nginx:1.27",
        "2024-05-01T10:00:00Z",
    )];
    let related = Related {
        pods: &[],
        replica_sets: &sets,
    };
    let dep = merge(deployment(), json!({"metadata": {"generation": 2}}));
    check(
        is_ready_with(&dep, WaitStrategy::Legacy, false, &related),
        Status::InProgress,
        "Deployment generation is 2, but latest observed generation is 1",
    );
    let sets = [merge(
        sets[0].clone(),
        json!({"metadata": {"generation": 4}, "status": {"observedGeneration": 3}}),
    )];
    let related = Related {
        pods: &[],
        replica_sets: &sets,
    };
    check(
        is_ready_with(&deployment(), WaitStrategy::Legacy, false, &related),
        Status::InProgress,
        "ReplicaSet generation is 4, but latest observed generation is 3",
    );
    let paused = merge(deployment(), json!({"spec": {"paused": true}}));
    check(
        is_ready(&paused, WaitStrategy::Legacy, false),
        Status::Current,
        "Deployment is paused",
    );
    // Only apps/v1 is checked.
    let old = merge(deployment(), json!({"apiVersion": "extensions/v1beta1"}));
    check(
        is_ready(&old, WaitStrategy::Legacy, false),
        Status::Current,
        "Resource is ready",
    );
}

#[test]
fn new_replica_set_selection() {
    let dep = deployment();
    let a = replica_set("web-6b7f9d8c4", "nginx:1.27", "2024-05-01T10:00:00Z");
    let b = replica_set("web-7c8d9e0f1", "nginx:1.27", "2024-04-20T10:00:00Z");
    let old = replica_set("web-5f4d8b7c9", "nginx:1.26", "2024-04-01T10:00:00Z");
    let foreign = merge(
        replica_set("web-0a1b2c3d4", "nginx:1.27", "2024-03-01T10:00:00Z"),
        json!({"metadata": {"ownerReferences": [{"apiVersion": "apps/v1", "kind": "Deployment",
            "name": "web", "uid": "00000000-0000-0000-0000-000000000000", "controller": true}]}}),
    );
    let name = |rs: Option<&Value>| rs.map(|r| r["metadata"]["name"].as_str().unwrap().to_string());
    // The oldest match among those the Deployment controls.
    let sets = [foreign.clone(), old.clone(), a.clone(), b];
    assert_eq!(
        name(find_new_replica_set(&dep, &sets)).as_deref(),
        Some("web-7c8d9e0f1")
    );
    let sets = [foreign, old.clone(), a.clone()];
    assert_eq!(
        name(find_new_replica_set(&dep, &sets)).as_deref(),
        Some("web-6b7f9d8c4")
    );
    assert_eq!(
        name(find_new_replica_set(&dep, std::slice::from_ref(&old))),
        None
    );
    // Empty maps and absent fields compare equal.
    let sparse = merge(
        a,
        json!({"spec": {"template": {"spec": {"securityContext": null, "nodeSelector": {}}}}}),
    );
    assert_eq!(
        name(find_new_replica_set(&dep, &[sparse])).as_deref(),
        Some("web-6b7f9d8c4")
    );
}

#[test]
fn legacy_service() {
    let lb = service("LoadBalancer");
    check(
        is_ready(&lb, WaitStrategy::Legacy, false),
        Status::InProgress,
        "LoadBalancer ingress not set",
    );
    let obj = merge(
        lb.clone(),
        json!({"status": {"loadBalancer": {"ingress": [{"ip": "203.0.113.10", "ipMode": "VIP"}]}}}),
    );
    check(
        is_ready(&obj, WaitStrategy::Legacy, false),
        Status::Current,
        "Service is ready",
    );
    let obj = merge(lb, json!({"spec": {"externalIPs": ["198.51.100.7"]}}));
    check(
        is_ready(&obj, WaitStrategy::Legacy, false),
        Status::Current,
        "Service is ready",
    );
    let headless = merge(
        service("ClusterIP"),
        json!({"spec": {"clusterIP": "None", "clusterIPs": ["None"]}}),
    );
    check(
        is_ready(&headless, WaitStrategy::Legacy, false),
        Status::Current,
        "Service is ready",
    );
    let no_ip = merge(service("ClusterIP"), json!({"spec": {"clusterIP": null}}));
    check(
        is_ready(&no_ip, WaitStrategy::Legacy, false),
        Status::InProgress,
        "ClusterIP not set",
    );
    let external = json!({"apiVersion": "v1", "kind": "Service", "metadata": {"name": "db"},
        "spec": {"type": "ExternalName", "externalName": "db.example.com"}});
    check(
        is_ready(&external, WaitStrategy::Legacy, false),
        Status::Current,
        "Service is ready (ExternalName)",
    );
}

#[test]
fn legacy_pods_pvcs_and_crds() {
    check(
        is_ready(&running_pod(true), WaitStrategy::Legacy, false),
        Status::Current,
        "Pod is Ready",
    );
    // Helm 3 only looks at the Ready condition: a completed Pod never is.
    check(
        is_ready(&pod("Succeeded"), WaitStrategy::Legacy, false),
        Status::InProgress,
        "Pod is not Ready",
    );
    check(
        is_ready(&pvc("Bound"), WaitStrategy::Legacy, false),
        Status::Current,
        "PVC is Bound",
    );
    check(
        is_ready(&pvc("Pending"), WaitStrategy::Legacy, false),
        Status::InProgress,
        "PVC is not Bound. phase: Pending",
    );
    let established = crd(vec![cond(
        "Established",
        "True",
        "InitialNamesAccepted",
        "",
    )]);
    check(
        is_ready(&established, WaitStrategy::Legacy, false),
        Status::Current,
        "CRD is established",
    );
    let beta = merge(
        crd(vec![cond("Established", "False", "Installing", "")]),
        json!({"apiVersion": "apiextensions.k8s.io/v1beta1"}),
    );
    check(
        is_ready(&beta, WaitStrategy::Legacy, false),
        Status::InProgress,
        "CRD is not established",
    );
    // A name conflict is not the wait's to fail on.
    let conflict = crd(vec![cond(
        "NamesAccepted",
        "False",
        "MultipleNamesNotAllowed",
        "",
    )]);
    check(
        is_ready(&conflict, WaitStrategy::Legacy, false),
        Status::Current,
        "CRD names not accepted; not waiting for it",
    );
}

#[test]
fn legacy_jobs() {
    check(
        is_ready(&job(), WaitStrategy::Legacy, false),
        Status::Current,
        "Resource is ready",
    );
    check(
        is_ready(&job(), WaitStrategy::Legacy, true),
        Status::InProgress,
        "Job not completed. succeeded: 0/1",
    );
    check(
        is_ready(&job_complete(), WaitStrategy::Legacy, true),
        Status::Current,
        "Job Completed. succeeded: 1/1",
    );
    // failed > backoffLimit; the conditions are not consulted.
    check(
        is_ready(&job_failed(), WaitStrategy::Legacy, true),
        Status::Failed,
        "job is failed: default/migrate",
    );
    let obj = merge(
        job(),
        json!({"spec": {"backoffLimit": 0}, "status": {"failed": 1}}),
    );
    check(
        is_ready(&obj, WaitStrategy::Legacy, true),
        Status::Failed,
        "job is failed: default/migrate",
    );
    let obj = merge(
        job(),
        json!({"spec": {"backoffLimit": null}, "status": {"failed": 6}}),
    );
    check(
        is_ready(&obj, WaitStrategy::Legacy, true),
        Status::InProgress,
        "Job not completed. succeeded: 0/1",
    );
    // A work queue (no completions) is ready while not failed.
    let obj = merge(
        job(),
        json!({"spec": {"completions": null, "parallelism": 4}}),
    );
    check(
        is_ready(&obj, WaitStrategy::Legacy, true),
        Status::Current,
        "Job has not failed and sets no completions",
    );
}

#[test]
fn legacy_daemon_set() {
    check(
        is_ready(&daemon_set(), WaitStrategy::Legacy, false),
        Status::Current,
        "DaemonSet is ready. Ready: 3, required: 2",
    );
    // maxUnavailable 1 of 3.
    let obj = merge(daemon_set(), json!({"status": {"numberReady": 2}}));
    check(
        is_ready(&obj, WaitStrategy::Legacy, false),
        Status::Current,
        "DaemonSet is ready. Ready: 2, required: 2",
    );
    let obj = merge(daemon_set(), json!({"status": {"numberReady": 1}}));
    check(
        is_ready(&obj, WaitStrategy::Legacy, false),
        Status::InProgress,
        "Ready: 1/2 (desired: 3, maxUnavailable: 1)",
    );
    // Percentages round up.
    let obj = merge(
        daemon_set(),
        json!({"spec": {"updateStrategy": {"rollingUpdate": {"maxUnavailable": "10%"}}}, "status": {"numberReady": 2}}),
    );
    check(
        is_ready(&obj, WaitStrategy::Legacy, false),
        Status::Current,
        "DaemonSet is ready. Ready: 2, required: 2",
    );
    let obj = merge(
        daemon_set(),
        json!({"status": {"updatedNumberScheduled": 2}}),
    );
    check(
        is_ready(&obj, WaitStrategy::Legacy, false),
        Status::InProgress,
        "Updated: 2/3",
    );
    let obj = merge(daemon_set(), json!({"status": {"observedGeneration": 0}}));
    check(
        is_ready(&obj, WaitStrategy::Legacy, false),
        Status::InProgress,
        "DaemonSet generation is 1, but latest observed generation is 0",
    );
    let obj = merge(
        daemon_set(),
        json!({"spec": {"updateStrategy": {"type": "OnDelete", "rollingUpdate": null}}, "status": {"numberReady": 0}}),
    );
    check(
        is_ready(&obj, WaitStrategy::Legacy, false),
        Status::Current,
        "DaemonSet update strategy is \"OnDelete\"; not waiting for Pods",
    );
}

#[test]
fn legacy_stateful_set() {
    check(
        is_ready(&stateful_set(), WaitStrategy::Legacy, false),
        Status::Current,
        "StatefulSet is ready. Replicas: 3",
    );
    let obj = merge(
        stateful_set(),
        json!({"status": {"updateRevision": "db-7f9c6d5b8"}}),
    );
    check(
        is_ready(&obj, WaitStrategy::Legacy, false),
        Status::InProgress,
        "Waiting for updated revision to match current",
    );
    // With a partition, only the Pods above it must be updated and revisions may differ.
    let obj = merge(
        obj,
        json!({"spec": {"updateStrategy": {"rollingUpdate": {"partition": 2}}}, "status": {"updatedReplicas": 1}}),
    );
    check(
        is_ready(&obj, WaitStrategy::Legacy, false),
        Status::Current,
        "StatefulSet is ready. Replicas: 3",
    );
    let obj = merge(obj, json!({"status": {"updatedReplicas": 0}}));
    check(
        is_ready(&obj, WaitStrategy::Legacy, false),
        Status::InProgress,
        "Updated: 0/1",
    );
    let obj = merge(stateful_set(), json!({"status": {"readyReplicas": 2}}));
    check(
        is_ready(&obj, WaitStrategy::Legacy, false),
        Status::InProgress,
        "Ready: 2/3",
    );
    let obj = merge(
        stateful_set(),
        json!({"spec": {"updateStrategy": {"type": "OnDelete", "rollingUpdate": null}}, "status": {"readyReplicas": 0}}),
    );
    check(
        is_ready(&obj, WaitStrategy::Legacy, false),
        Status::Current,
        "StatefulSet update strategy is \"OnDelete\"; not waiting for Pods",
    );
}

#[test]
fn legacy_replica_sets_wait_for_their_pods() {
    let rs = replica_set("web-6b7f9d8c4", "nginx:1.27", "2024-05-01T10:00:00Z");
    let pods = [running_pod(true), running_pod(false)];
    let related = Related {
        pods: &pods,
        replica_sets: &[],
    };
    check(
        is_ready_with(&rs, WaitStrategy::Legacy, false, &related),
        Status::InProgress,
        "Ready pods: 1/2",
    );
    let pods = [running_pod(true)];
    let related = Related {
        pods: &pods,
        replica_sets: &[],
    };
    check(
        is_ready_with(&rs, WaitStrategy::Legacy, false, &related),
        Status::Current,
        "ReplicaSet is ready. Ready pods: 1",
    );
    let rc = json!({"apiVersion": "v1", "kind": "ReplicationController",
        "metadata": {"name": "legacy", "generation": 2},
        "spec": {"replicas": 1, "selector": {"app": "legacy"}},
        "status": {"replicas": 1, "observedGeneration": 1}});
    check(
        is_ready_with(&rc, WaitStrategy::Legacy, false, &related),
        Status::InProgress,
        "ReplicationController generation is 2, but latest observed generation is 1",
    );
}

#[test]
fn legacy_ignores_other_kinds() {
    let obj = widget(json!({"conditions": [cond("Ready", "False", "X", "not yet")]}));
    check(
        is_ready(&obj, WaitStrategy::Legacy, true),
        Status::Current,
        "Resource is ready",
    );
}

// ---- hooks ----

#[test]
fn hooks_under_the_status_watcher() {
    for strategy in [WaitStrategy::Watcher, WaitStrategy::HookOnly] {
        check(
            hook_ready(&job(), strategy),
            Status::InProgress,
            "Job in progress",
        );
        check(
            hook_ready(&job_complete(), strategy),
            Status::Current,
            "Job Completed. succeeded: 1/1",
        );
        check(
            hook_ready(&job_failed(), strategy),
            Status::Failed,
            "Job Failed. failed: 7/1",
        );
        let p = merge(
            pod("Succeeded"),
            json!({"metadata": {"name": "pre-install-check"}}),
        );
        check(
            hook_ready(&p, strategy),
            Status::Current,
            "pod pre-install-check succeeded",
        );
        let p = merge(
            pod("Failed"),
            json!({"metadata": {"name": "pre-install-check"}}),
        );
        check(
            hook_ready(&p, strategy),
            Status::Failed,
            "pod pre-install-check failed",
        );
        check(
            hook_ready(&running_pod(true), strategy),
            Status::InProgress,
            "Pod in progress",
        );
        let cm = json!({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "c"}});
        check(
            hook_ready(&cm, strategy),
            Status::Current,
            "Resource is current",
        );
    }
}

#[test]
fn hooks_under_legacy() {
    check(
        hook_ready(&job(), WaitStrategy::Legacy),
        Status::InProgress,
        "Job in progress. active: 1, failed: 0, succeeded: 0",
    );
    check(
        hook_ready(&job_complete(), WaitStrategy::Legacy),
        Status::Current,
        "Job completed",
    );
    check(
        hook_ready(&job_failed(), WaitStrategy::Legacy),
        Status::Failed,
        "job migrate failed: BackoffLimitExceeded",
    );
    check(
        hook_ready(&pod("Succeeded"), WaitStrategy::Legacy),
        Status::Current,
        "Pod succeeded",
    );
    check(
        hook_ready(&pod("Failed"), WaitStrategy::Legacy),
        Status::Failed,
        "pod web-6b7f9d8c4-x2x9q failed",
    );
    check(
        hook_ready(&running_pod(true), WaitStrategy::Legacy),
        Status::InProgress,
        "Pod phase: Running",
    );
    check(
        hook_ready(&service("ClusterIP"), WaitStrategy::Legacy),
        Status::Current,
        "Resource exists",
    );
}

// ---- --wait values ----

#[test]
fn wait_strategy_values() {
    assert_eq!(WaitStrategy::parse("watcher"), Ok(WaitStrategy::Watcher));
    assert_eq!(WaitStrategy::parse("legacy"), Ok(WaitStrategy::Legacy));
    assert_eq!(WaitStrategy::parse("hookOnly"), Ok(WaitStrategy::HookOnly));
    assert_eq!(WaitStrategy::parse("true"), Ok(WaitStrategy::Watcher));
    assert_eq!("false".parse(), Ok(WaitStrategy::HookOnly));
    assert_eq!(WaitStrategy::default(), WaitStrategy::WHEN_OMITTED);
    assert_eq!(WaitStrategy::WHEN_OMITTED, WaitStrategy::HookOnly);
    assert_eq!(WaitStrategy::WHEN_BARE, WaitStrategy::Watcher);
    for s in [
        WaitStrategy::Watcher,
        WaitStrategy::Legacy,
        WaitStrategy::HookOnly,
    ] {
        assert_eq!(WaitStrategy::parse(&s.to_string()), Ok(s));
    }
    assert_eq!(
        WaitStrategy::deprecation_warning("true"),
        Some("--wait=true is deprecated (boolean value) and can be replaced with --wait=watcher")
    );
    assert_eq!(
        WaitStrategy::deprecation_warning("false"),
        Some("--wait=false is deprecated (boolean value) and can be replaced with --wait=hookOnly")
    );
    assert_eq!(WaitStrategy::deprecation_warning("watcher"), None);
}

#[test]
fn wait_strategy_errors_like_helm() {
    let msg = |s: &str| WaitStrategy::parse(s).unwrap_err().to_string();
    // Case-sensitive, and no other boolean spellings.
    assert_eq!(
        msg("hookonly"),
        "invalid wait input \"hookonly\". Valid inputs are watcher, hookOnly, and legacy"
    );
    assert_eq!(
        msg("1"),
        "invalid wait input \"1\". Valid inputs are watcher, hookOnly, and legacy"
    );
    assert_eq!(
        msg(""),
        "invalid wait input \"\". Valid inputs are watcher, hookOnly, and legacy"
    );
    assert_eq!(
        msg("a\"b\t\u{1}é"),
        "invalid wait input \"a\\\"b\\t\\x01é\". Valid inputs are watcher, hookOnly, and legacy"
    );
}

// ---- progress ----

#[test]
fn progress_line_lists_what_is_pending_sorted() {
    let mut p = Progress::new();
    p.record("Service", "web", Assessment::current("Service is ready"));
    p.record("Job", "migrate", Assessment::in_progress("Job in progress"));
    p.record(
        "Deployment",
        "web",
        Assessment::in_progress("Available: 1/3"),
    );
    p.record("Deployment", "api", Assessment::not_found());
    assert_eq!(
        p.line(),
        "waiting for 3 resources: Deployment/api (NotFound: Resource not found), \
         Deployment/web (Available: 1/3), Job/migrate (Job in progress)"
    );
    assert!(!p.is_settled());
    assert!(!p.all_current());
    assert_eq!(p.len(), 4);

    // Re-recording replaces.
    p.record(
        "Deployment",
        "api",
        Assessment::current("Deployment is available. Replicas: 1"),
    );
    p.record(
        "Job",
        "migrate",
        Assessment::failed("Job Failed. failed: 7/1"),
    );
    assert_eq!(
        p.line(),
        "waiting for 1 resource: Deployment/web (Available: 1/3); \
         failed: Job/migrate (Job Failed. failed: 7/1)"
    );
    p.record("Deployment", "web", Assessment::new(Status::Unknown, ""));
    assert_eq!(
        p.line(),
        "waiting for 1 resource: Deployment/web (Unknown); failed: Job/migrate (Job Failed. failed: 7/1)"
    );
    p.record(
        "Deployment",
        "web",
        Assessment::current("Deployment is available. Replicas: 3"),
    );
    assert_eq!(p.line(), "failed: Job/migrate (Job Failed. failed: 7/1)");
    assert!(p.is_settled());
    assert!(!p.all_current());

    p.record(
        "Job",
        "migrate",
        Assessment::current("Job Completed. succeeded: 1/1"),
    );
    assert_eq!(p.line(), "all 4 resources ready");
    assert!(p.all_current());
    let mut one = Progress::new();
    one.record("Pod", "p", Assessment::current("Pod is Ready"));
    assert_eq!(one.line(), "all 1 resource ready");
    assert!(Progress::new().is_settled());
    assert_eq!(Progress::new().line(), "all 0 resources ready");
}

#[test]
fn progress_from_assessments() {
    let mut p = Progress::new();
    let dep = merge(deployment(), json!({"status": {"availableReplicas": 1}}));
    p.record(
        "Deployment",
        "web",
        is_ready(&dep, WaitStrategy::Watcher, true),
    );
    p.record(
        "Job",
        "migrate",
        is_ready(&job(), WaitStrategy::Watcher, true),
    );
    p.record(
        "Terminating",
        "x",
        Assessment::new(Status::Terminating, "Resource scheduled for deletion"),
    );
    assert_eq!(
        p.line(),
        "waiting for 3 resources: Deployment/web (Available: 1/3), Job/migrate (Job in progress), \
         Terminating/x (Terminating: Resource scheduled for deletion)"
    );
    let pending: Vec<String> = p.not_current().into_iter().map(|(id, _)| id).collect();
    assert_eq!(pending, ["Deployment/web", "Job/migrate", "Terminating/x"]);
}
