//! Waiting for applied objects to become ready (`--wait`), for hooks to finish, and for
//! deleted objects to disappear. Objects are polled (one GET each per round, concurrently);
//! readiness is judged by [`super::ready`]. While waiting, one progress line is written to the
//! terminal whenever the picture changes.

use std::time::{Duration, Instant};

use futures::future::join_all;

use super::client::{ApiError, Cluster};
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

async fn poll<F>(
    cluster: &Cluster,
    items: &[Resource],
    o: &WaitOptions,
    report: Reporter<'_>,
    judge: F,
) -> Result<(), String>
where
    F: Fn(Option<&serde_json::Value>) -> Assessment,
{
    let start = Instant::now();
    let mut last_line = String::new();
    loop {
        let lives = join_all(items.iter().map(|r| cluster.get_live(r))).await;
        let mut progress = Progress::new();
        for (r, live) in items.iter().zip(lives) {
            let live = live.map_err(|e: ApiError| e.to_string())?;
            progress.record(&r.kind, &r.name, judge(live.as_ref()));
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
    poll(cluster, items, o, report, |live| match live {
        Some(obj) => ready::is_ready(obj, o.strategy, o.wait_for_jobs),
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
    poll(cluster, items, o, report, |live| match live {
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
    poll(cluster, items, o, report, |live| match live {
        Some(_) => Assessment::new(Status::Terminating, "being deleted"),
        None => Assessment::current("deleted"),
    })
    .await
}
