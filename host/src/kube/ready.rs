//! Readiness of Kubernetes objects for `--wait`, as Helm 4 judges it.
//!
//! Everything here is pure: it looks at objects in their API (JSON) form, as a
//! `GET` returns them, and never talks to a cluster. The wait loop fetches the
//! objects, asks [`is_ready`] (or [`is_ready_with`]) about each, prints a
//! [`Progress`] line and stops when [`Progress::is_settled`].
//!
//! Three sets of rules, chosen by [`WaitStrategy`]:
//!
//! - **watcher** (`--wait`, `--wait=watcher`): kstatus, as Helm 4 wires it in
//!   `pkg/kube/statuswait.go`. [`compute`] is kstatus's `status.Compute`
//!   (`pkg/kstatus/status/{status,generic,core}.go` of fluxcd/cli-utils, the fork
//!   Helm 4 uses); on top of it Helm skips paused Deployments, uses its own Job
//!   rule under `--wait-for-jobs` (Current only once complete), and the
//!   ReplicaSet/StatefulSet readers turn InProgress into Failed when one of their
//!   Pods has failed.
//! - **legacy** (`--wait=legacy`): Helm 3's `pkg/kube/ready.go` checks.
//! - **hookOnly** (the default when `--wait` is not given): nothing but hooks is
//!   waited for; [`hook_ready`] holds the rules for hooks under every strategy.

use std::fmt;
use std::str::FromStr;
use std::time::{SystemTime, UNIX_EPOCH};

use serde_json::Value;

mod kstatus;
mod legacy;
#[cfg(test)]
mod tests;

pub use legacy::find_new_replica_set;

/// kstatus's statuses.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Status {
    /// The object is fully reconciled: what `--wait` waits for.
    Current,
    /// Still being reconciled.
    InProgress,
    /// Reconciliation failed and will not succeed without intervention.
    Failed,
    /// `metadata.deletionTimestamp` is set.
    Terminating,
    /// The object does not exist (set by the wait loop, never by [`compute`]).
    NotFound,
    /// The status could not be determined (malformed object).
    Unknown,
}

impl Status {
    /// The name kstatus prints (`Current`, `InProgress`, …).
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Current => "Current",
            Status::InProgress => "InProgress",
            Status::Failed => "Failed",
            Status::Terminating => "Terminating",
            Status::NotFound => "NotFound",
            Status::Unknown => "Unknown",
        }
    }
}

impl fmt::Display for Status {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A status and the human-readable reason for it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Assessment {
    pub status: Status,
    pub message: String,
}

impl Assessment {
    pub fn new(status: Status, message: impl Into<String>) -> Assessment {
        Assessment {
            status,
            message: message.into(),
        }
    }

    pub fn current(message: impl Into<String>) -> Assessment {
        Assessment::new(Status::Current, message)
    }

    pub fn in_progress(message: impl Into<String>) -> Assessment {
        Assessment::new(Status::InProgress, message)
    }

    pub fn failed(message: impl Into<String>) -> Assessment {
        Assessment::new(Status::Failed, message)
    }

    /// What kstatus reports for an object the API server says does not exist.
    pub fn not_found() -> Assessment {
        Assessment::new(Status::NotFound, "Resource not found")
    }

    pub fn is_current(&self) -> bool {
        self.status == Status::Current
    }
}

/// kstatus's `status.Compute` at the current time.
pub fn compute(obj: &Value) -> Assessment {
    compute_at(obj, now_unix())
}

/// kstatus's `status.Compute`, with `now` (Unix seconds) for the one rule that
/// depends on the clock: an unschedulable Pod is InProgress for 15 s after its
/// creation, Failed afterwards. A malformed object is [`Status::Unknown`].
pub fn compute_at(obj: &Value, now: i64) -> Assessment {
    kstatus::compute(obj, now).unwrap_or_else(|e| Assessment::new(Status::Unknown, e))
}

fn now_unix() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or_default()
}

/// The `--wait` strategies Helm 4 accepts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum WaitStrategy {
    /// kstatus-based (`watcher`).
    Watcher,
    /// Helm 3's polling checks (`legacy`).
    Legacy,
    /// Wait for hooks only (`hookOnly`).
    #[default]
    HookOnly,
}

/// A `--wait` value Helm would reject.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("invalid wait input {}. Valid inputs are watcher, hookOnly, and legacy", go_quote(.input))]
pub struct InvalidWaitStrategy {
    pub input: String,
}

impl WaitStrategy {
    /// The strategy when `--wait` is not given.
    pub const WHEN_OMITTED: WaitStrategy = WaitStrategy::HookOnly;
    /// The strategy for a bare `--wait` (pflag's `NoOptDefVal`).
    pub const WHEN_BARE: WaitStrategy = WaitStrategy::Watcher;

    /// The flag value naming this strategy.
    pub fn as_str(self) -> &'static str {
        match self {
            WaitStrategy::Watcher => "watcher",
            WaitStrategy::Legacy => "legacy",
            WaitStrategy::HookOnly => "hookOnly",
        }
    }

    /// Parses a `--wait=VALUE` as Helm 4's `waitValue.Set`: the three names
    /// (case-sensitive) and the deprecated booleans `true` (→ watcher) and
    /// `false` (→ hookOnly).
    pub fn parse(input: &str) -> Result<WaitStrategy, InvalidWaitStrategy> {
        match input {
            "watcher" | "true" => Ok(WaitStrategy::Watcher),
            "legacy" => Ok(WaitStrategy::Legacy),
            "hookOnly" | "false" => Ok(WaitStrategy::HookOnly),
            _ => Err(InvalidWaitStrategy {
                input: input.to_string(),
            }),
        }
    }

    /// The warning Helm logs for a deprecated boolean value, if `input` is one.
    pub fn deprecation_warning(input: &str) -> Option<&'static str> {
        match input {
            "true" => Some(
                "--wait=true is deprecated (boolean value) and can be replaced with --wait=watcher",
            ),
            "false" => Some(
                "--wait=false is deprecated (boolean value) and can be replaced with --wait=hookOnly",
            ),
            _ => None,
        }
    }
}

impl FromStr for WaitStrategy {
    type Err = InvalidWaitStrategy;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        WaitStrategy::parse(s)
    }
}

impl fmt::Display for WaitStrategy {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

use whelm_template::gofmt::go_quote;

/// Objects a check needs besides the one being judged, listed by the wait loop
/// in the object's namespace.
#[derive(Debug, Clone, Copy, Default)]
pub struct Related<'a> {
    /// Pods matching the object's `spec.selector`: watcher ReplicaSets and
    /// StatefulSets fail when one of them has failed; legacy ReplicaSets and
    /// ReplicationControllers wait for all of them to be Ready.
    pub pods: &'a [Value],
    /// ReplicaSets matching a Deployment's `spec.selector`: legacy waits on the
    /// Deployment's new one (see [`find_new_replica_set`]). Without it a legacy
    /// Deployment never becomes ready, as in Helm.
    pub replica_sets: &'a [Value],
}

/// Whether `obj` is ready for `--wait` under `strategy`, without related objects
/// (see [`is_ready_with`]).
pub fn is_ready(obj: &Value, strategy: WaitStrategy, wait_for_jobs: bool) -> Assessment {
    is_ready_with(obj, strategy, wait_for_jobs, &Related::default())
}

/// Whether `obj` is ready for `--wait` under `strategy`; `wait_for_jobs` is
/// `--wait-for-jobs`. Current means ready.
pub fn is_ready_with(
    obj: &Value,
    strategy: WaitStrategy,
    wait_for_jobs: bool,
    related: &Related<'_>,
) -> Assessment {
    match strategy {
        WaitStrategy::HookOnly => {
            Assessment::current("Not waiting: --wait=hookOnly waits for hooks only")
        }
        WaitStrategy::Legacy => legacy::is_ready(obj, wait_for_jobs, related),
        WaitStrategy::Watcher => watcher_ready(obj, wait_for_jobs, related, now_unix()),
    }
}

/// Helm 4's status waiter (`statuswait.go`): kstatus plus Helm's adjustments.
fn watcher_ready(obj: &Value, wait_for_jobs: bool, related: &Related<'_>, now: i64) -> Assessment {
    let gvk = Gvk::of(obj);
    // `wait` drops paused apps/v1 Deployments from the watched set.
    if gvk.is("apps", "v1", "Deployment") && bool_at(obj, &["spec", "paused"], false) {
        return Assessment::current("Deployment is paused; not waiting for it");
    }
    // `WaitWithJobs` puts Helm's own Job reader first; it skips kstatus's
    // generic checks.
    if wait_for_jobs && gvk.group_kind("batch", "Job") {
        return helm_job(obj);
    }
    let res = compute_at(obj, now);
    // cli-utils' ReplicaSet and StatefulSet readers (`pod_controller.go`).
    let pod_controller =
        gvk.group_kind("apps", "ReplicaSet") || gvk.group_kind("apps", "StatefulSet");
    if pod_controller && res.status == Status::InProgress {
        let failed = related
            .pods
            .iter()
            .filter(|pod| compute_at(pod, now).status == Status::Failed)
            .filter(|pod| !transient_pod_failure(pod))
            .count();
        if failed > 0 {
            return Assessment::failed(format!("{failed} pods have failed"));
        }
    }
    res
}

/// cli-utils' `isTransientPodFailure`: a Pod being deleted or waiting for a
/// node does not fail its controller.
fn transient_pod_failure(pod: &Value) -> bool {
    if at(pod, &["metadata", "deletionTimestamp"]).is_some_and(|v| !v.is_null()) {
        return true;
    }
    if !Gvk::of(pod).group_kind("", "Pod") {
        return false;
    }
    conditions(pod).is_ok_and(|cs| {
        cs.iter().any(|c| {
            c.type_ == "PodScheduled" && c.status == "False" && c.reason == "Unschedulable"
        })
    })
}

/// Whether a hook is done, as the strategy's `WatchUntilReady` judges it.
///
/// Under watcher and hookOnly (Helm's status waiter): Jobs are Current once
/// complete and Failed once failed, Pods Current once succeeded and Failed once
/// failed; every other kind is Current. Under legacy (Helm 3's watch): the same
/// for Jobs and Pods with Helm 3's messages; other kinds are done as soon as
/// they exist. A deleted hook counts as done under legacy (the loop's concern).
pub fn hook_ready(obj: &Value, strategy: WaitStrategy) -> Assessment {
    match strategy {
        WaitStrategy::Legacy => legacy::hook_ready(obj),
        WaitStrategy::Watcher | WaitStrategy::HookOnly => {
            let gvk = Gvk::of(obj);
            if gvk.group_kind("batch", "Job") {
                helm_job(obj)
            } else if gvk.group_kind("", "Pod") {
                helm_pod(obj)
            } else {
                Assessment::current("Resource is current")
            }
        }
    }
}

/// Helm's `internal/statusreaders` Job rule: Current only when complete.
fn helm_job(obj: &Value) -> Assessment {
    let cs = match conditions(obj) {
        Ok(cs) => cs,
        Err(e) => return Assessment::new(Status::Unknown, e),
    };
    let parallelism = int_at(obj, &["spec", "parallelism"], 1);
    let completions = int_at(obj, &["spec", "completions"], parallelism);
    let succeeded = int_at(obj, &["status", "succeeded"], 0);
    let failed = int_at(obj, &["status", "failed"], 0);
    for c in &cs {
        if c.status != "True" {
            continue;
        }
        match c.type_ {
            "Complete" => {
                return Assessment::current(format!(
                    "Job Completed. succeeded: {succeeded}/{completions}"
                ));
            }
            "Failed" => {
                return Assessment::failed(format!("Job Failed. failed: {failed}/{completions}"));
            }
            _ => {}
        }
    }
    Assessment::in_progress("Job in progress")
}

/// Helm's `internal/statusreaders` Pod rule (hooks): Current only when succeeded.
fn helm_pod(obj: &Value) -> Assessment {
    let name = str_at(obj, &["metadata", "name"], "");
    match str_at(obj, &["status", "phase"], "") {
        "Succeeded" => Assessment::current(format!("pod {name} succeeded")),
        "Failed" => Assessment::failed(format!("pod {name} failed")),
        _ => Assessment::in_progress("Pod in progress"),
    }
}

/// One line summarising a set of assessed objects, for the wait loop.
#[derive(Debug, Clone, Default)]
pub struct Progress {
    items: Vec<Item>,
}

#[derive(Debug, Clone)]
struct Item {
    kind: String,
    name: String,
    assessment: Assessment,
}

impl Progress {
    pub fn new() -> Progress {
        Progress::default()
    }

    /// Records (or replaces) the assessment of `kind`/`name`.
    pub fn record(&mut self, kind: &str, name: &str, assessment: Assessment) {
        match self
            .items
            .iter_mut()
            .find(|i| i.kind == kind && i.name == name)
        {
            Some(item) => item.assessment = assessment,
            None => self.items.push(Item {
                kind: kind.to_string(),
                name: name.to_string(),
                assessment,
            }),
        }
    }

    pub fn len(&self) -> usize {
        self.items.len()
    }

    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    /// Every object is Current.
    pub fn all_current(&self) -> bool {
        self.items.iter().all(|i| i.assessment.is_current())
    }

    /// Nothing is left to wait for: every object is Current or Failed. Helm's
    /// status waiter stops here (Failed is terminal) and then reports every
    /// object that is not Current as an error.
    pub fn is_settled(&self) -> bool {
        self.items
            .iter()
            .all(|i| matches!(i.assessment.status, Status::Current | Status::Failed))
    }

    /// `Kind/name` and assessment of every object that is not Current, sorted by
    /// kind then name.
    pub fn not_current(&self) -> Vec<(String, &Assessment)> {
        let mut v: Vec<&Item> = self
            .items
            .iter()
            .filter(|i| !i.assessment.is_current())
            .collect();
        v.sort_by(|a, b| (&a.kind, &a.name).cmp(&(&b.kind, &b.name)));
        v.into_iter()
            .map(|i| (format!("{}/{}", i.kind, i.name), &i.assessment))
            .collect()
    }

    /// E.g. `waiting for 2 resources: Deployment/web (Available: 1/3), Job/migrate
    /// (Job in progress)`; failed objects follow after `; failed: `, and a
    /// status other than InProgress prefixes its message (`NotFound: …`). When
    /// everything is Current: `all 3 resources ready`.
    pub fn line(&self) -> String {
        let (failed, waiting): (Vec<_>, Vec<_>) = self
            .not_current()
            .into_iter()
            .partition(|(_, a)| a.status == Status::Failed);
        if failed.is_empty() && waiting.is_empty() {
            return format!("all {} ready", resources(self.items.len()));
        }
        let mut parts = Vec::new();
        if !waiting.is_empty() {
            parts.push(format!(
                "waiting for {}: {}",
                resources(waiting.len()),
                describe(&waiting, Status::InProgress)
            ));
        }
        if !failed.is_empty() {
            parts.push(format!("failed: {}", describe(&failed, Status::Failed)));
        }
        parts.join("; ")
    }
}

/// `Kind/name (message)` joined by `, `; the status prefixes the message unless
/// it is `plain`, and stands alone when there is no message.
fn describe(items: &[(String, &Assessment)], plain: Status) -> String {
    items
        .iter()
        .map(|(id, a)| {
            let detail = if a.message.is_empty() {
                a.status.to_string()
            } else if a.status == plain {
                a.message.clone()
            } else {
                format!("{}: {}", a.status, a.message)
            };
            format!("{id} ({detail})")
        })
        .collect::<Vec<_>>()
        .join(", ")
}

fn resources(n: usize) -> String {
    if n == 1 {
        "1 resource".to_string()
    } else {
        format!("{n} resources")
    }
}

// ---- access to objects in API form ----

/// Group, version and kind from `apiVersion` and `kind`.
#[derive(Debug, Clone, Copy)]
struct Gvk<'a> {
    group: &'a str,
    version: &'a str,
    kind: &'a str,
}

impl<'a> Gvk<'a> {
    fn of(obj: &'a Value) -> Gvk<'a> {
        let api_version = str_at(obj, &["apiVersion"], "");
        let (group, version) = api_version.split_once('/').unwrap_or(("", api_version));
        Gvk {
            group,
            version,
            kind: str_at(obj, &["kind"], ""),
        }
    }

    fn group_kind(&self, group: &str, kind: &str) -> bool {
        self.group == group && self.kind == kind
    }

    fn is(&self, group: &str, version: &str, kind: &str) -> bool {
        self.group_kind(group, kind) && self.version == version
    }
}

/// The value at `path`, if every step is an object holding the next key.
fn at<'a>(obj: &'a Value, path: &[&str]) -> Option<&'a Value> {
    path.iter().try_fold(obj, |v, k| v.as_object()?.get(*k))
}

/// kstatus's `GetIntField`: the integer at `path`, else `default`.
fn int_at(obj: &Value, path: &[&str], default: i64) -> i64 {
    at(obj, path).and_then(Value::as_i64).unwrap_or(default)
}

/// kstatus's `GetStringField`: the string at `path`, else `default`.
fn str_at<'a>(obj: &'a Value, path: &[&str], default: &'a str) -> &'a str {
    at(obj, path).and_then(Value::as_str).unwrap_or(default)
}

/// kstatus's `GetBoolField`: the boolean at `path`, else `default`.
fn bool_at(obj: &Value, path: &[&str], default: bool) -> bool {
    at(obj, path).and_then(Value::as_bool).unwrap_or(default)
}

fn condition_field<'a>(
    c: &'a serde_json::Map<String, Value>,
    name: &str,
) -> Result<&'a str, String> {
    match c.get(name) {
        None | Some(Value::Null) => Ok(""),
        Some(Value::String(s)) => Ok(s.as_str()),
        Some(_) => Err(format!(".status.conditions[].{name} is not a string")),
    }
}

/// One entry of `status.conditions`; absent fields are empty.
#[derive(Debug, Clone, Copy)]
struct Condition<'a> {
    type_: &'a str,
    status: &'a str,
    reason: &'a str,
    message: &'a str,
}

/// `status.conditions`, failing where kstatus's `GetObjectWithConditions` fails
/// (a `status`, `conditions` or condition field of the wrong type).
fn conditions(obj: &Value) -> Result<Vec<Condition<'_>>, String> {
    let status = match obj.get("status") {
        None | Some(Value::Null) => return Ok(Vec::new()),
        Some(Value::Object(m)) => m,
        Some(_) => return Err(".status is not an object".to_string()),
    };
    let list = match status.get("conditions") {
        None | Some(Value::Null) => return Ok(Vec::new()),
        Some(Value::Array(list)) => list,
        Some(_) => return Err(".status.conditions is not a list".to_string()),
    };
    let mut out = Vec::with_capacity(list.len());
    for c in list {
        let c = match c {
            Value::Null => {
                out.push(Condition {
                    type_: "",
                    status: "",
                    reason: "",
                    message: "",
                });
                continue;
            }
            Value::Object(c) => c,
            _ => return Err(".status.conditions[] is not an object".to_string()),
        };
        let (type_, status, reason, message) = (
            condition_field(c, "type")?,
            condition_field(c, "status")?,
            condition_field(c, "reason")?,
            condition_field(c, "message")?,
        );
        out.push(Condition {
            type_,
            status,
            reason,
            message,
        });
    }
    Ok(out)
}
