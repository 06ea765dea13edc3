//! Waiting for applied objects to become ready (`--wait`), for hooks to finish, and for
//! deleted objects to disappear. Objects are polled (one GET each per round, concurrently);
//! readiness is judged by [`super::ready`]. While waiting, one progress line is written to the
//! terminal whenever the picture changes.

use std::time::{Duration, Instant};

use futures::future::join_all;

use serde_json::Value;

use super::client::{ApiError, Cluster, query_escape};
use super::ready::{self, Assessment, Progress, Status, WaitStrategy};
use super::resource::Resource;

/// How long and how to wait.
#[derive(Debug, Clone)]
pub struct WaitOptions {
    pub strategy: WaitStrategy,
    pub wait_for_jobs: bool,
    pub timeout: Duration,
    /// Time between polls.
    pub interval: Duration,
}

impl WaitOptions {
    pub fn new(strategy: WaitStrategy, wait_for_jobs: bool, timeout: Duration) -> WaitOptions {
        WaitOptions {
            strategy,
            wait_for_jobs,
            timeout,
            interval: poll_interval(),
        }
    }
}

/// `WHELM_POLL_INTERVAL_MS` (tests shorten it), else one second.
fn poll_interval() -> Duration {
    std::env::var("WHELM_POLL_INTERVAL_MS")
        .ok()
        .and_then(|s| s.parse().ok())
        .map(Duration::from_millis)
        .unwrap_or(Duration::from_secs(1))
}

/// Where progress lines go.
pub type Reporter<'a> = &'a mut (dyn FnMut(&str) + Send);

/// An object as polled, with the objects its readiness depends on.
struct Polled {
    live: Option<Value>,
    pods: Vec<Value>,
    replica_sets: Vec<Value>,
}

/// `matchLabels` of `spec.selector` as a label selector query (`matchExpressions` are left
/// out, which can only widen the set).
fn selector_query(obj: &Value) -> Option<String> {
    let labels = obj.pointer("/spec/selector/matchLabels")?.as_object()?;
    if labels.is_empty() {
        return None;
    }
    let sel = labels
        .iter()
        .map(|(k, v)| format!("{k}={}", v.as_str().unwrap_or_default()))
        .collect::<Vec<_>>()
        .join(",");
    Some(query_escape(&sel))
}

async fn list(cluster: &Cluster, path: String) -> Result<Vec<Value>, ApiError> {
    Ok(cluster.get(&path).await?["items"]
        .as_array()
        .cloned()
        .unwrap_or_default())
}

/// Reads `r` and, when `related` says its kind needs them, the Pods or ReplicaSets its
/// selector picks: legacy Deployments are judged by their new ReplicaSet, legacy ReplicaSets
/// by their Pods, watcher ReplicaSets/StatefulSets fail when a Pod failed.
async fn fetch(cluster: &Cluster, r: &Resource, related: bool) -> Result<Polled, ApiError> {
    let live = cluster.get_live(r).await?;
    let mut p = Polled {
        live,
        pods: Vec::new(),
        replica_sets: Vec::new(),
    };
    let Some(obj) = p.live.as_ref() else {
        return Ok(p);
    };
    if !related || r.namespace.is_empty() {
        return Ok(p);
    }
    let Some(sel) = selector_query(obj) else {
        return Ok(p);
    };
    let ns = &r.namespace;
    match r.kind.as_str() {
        "Deployment" => {
            p.replica_sets = list(
                cluster,
                format!("/apis/apps/v1/namespaces/{ns}/replicasets?labelSelector={sel}"),
            )
            .await?
        }
        "ReplicaSet" | "StatefulSet" | "ReplicationController" => {
            p.pods = list(
                cluster,
                format!("/api/v1/namespaces/{ns}/pods?labelSelector={sel}"),
            )
            .await?
        }
        _ => {}
    }
    Ok(p)
}

async fn poll<F>(
    cluster: &Cluster,
    items: &[Resource],
    o: &WaitOptions,
    report: Reporter<'_>,
    related: bool,
    judge: F,
) -> Result<(), String>
where
    F: Fn(&Polled) -> Assessment,
{
    let start = Instant::now();
    let mut last_line = String::new();
    loop {
        let polled = join_all(items.iter().map(|r| fetch(cluster, r, related))).await;
        let mut progress = Progress::new();
        for (r, p) in items.iter().zip(polled) {
            let p = p.map_err(|e: ApiError| e.to_string())?;
            progress.record(&r.kind, &r.name, judge(&p));
        }
        if progress.all_current() {
            return Ok(());
        }
        let pending = progress.not_current();
        if let Some((id, a)) = pending.iter().find(|(_, a)| a.status == Status::Failed) {
            return Err(format!("resource {id} failed: {}", a.message));
        }
        let line = progress.line();
        if line != last_line {
            report(&line);
            last_line = line;
        }
        if start.elapsed() >= o.timeout {
            let not_ready: Vec<String> = pending
                .iter()
                .map(|(id, a)| {
                    format!(
                        "resource not ready, name: {id}, status: {}: {}",
                        a.status, a.message
                    )
                })
                .collect();
            return Err(format!(
                "{}\ncontext deadline exceeded",
                not_ready.join("\n")
            ));
        }
        tokio::time::sleep(o.interval.min(o.timeout.saturating_sub(start.elapsed()))).await;
    }
}

/// Waits until every object is ready (`--wait`).
pub async fn wait_ready(
    cluster: &Cluster,
    items: &[Resource],
    o: &WaitOptions,
    report: Reporter<'_>,
) -> Result<(), String> {
    if o.strategy == WaitStrategy::HookOnly || items.is_empty() {
        return Ok(());
    }
    poll(cluster, items, o, report, true, |p| match &p.live {
        Some(obj) => ready::is_ready_with(
            obj,
            o.strategy,
            o.wait_for_jobs,
            &ready::Related {
                pods: &p.pods,
                replica_sets: &p.replica_sets,
            },
        ),
        None => Assessment::not_found(),
    })
    .await
}

/// Waits until hook objects are done (Jobs complete, Pods succeeded).
pub async fn wait_hooks(
    cluster: &Cluster,
    items: &[Resource],
    o: &WaitOptions,
    report: Reporter<'_>,
) -> Result<(), String> {
    poll(cluster, items, o, report, false, |p| match &p.live {
        Some(obj) => ready::hook_ready(obj, o.strategy),
        // A hook that deleted itself (or was collected) is done.
        None if o.strategy == WaitStrategy::Legacy => Assessment::current("deleted"),
        None => Assessment::not_found(),
    })
    .await
}

/// Waits until every object is gone.
pub async fn wait_deleted(
    cluster: &Cluster,
    items: &[Resource],
    o: &WaitOptions,
    report: Reporter<'_>,
) -> Result<(), String> {
    poll(cluster, items, o, report, false, |p| match &p.live {
        Some(_) => Assessment::new(Status::Terminating, "being deleted"),
        None => Assessment::current("deleted"),
    })
    .await
}
