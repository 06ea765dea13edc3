//! whelm's release lock, crash-safe write order, and recovery.
//!
//! # The lock
//!
//! Helm's only lock is the newest revision's status: while it is `pending-*`, Helm refuses
//! another install/upgrade/rollback ("another operation … is in progress"), forever if the
//! process that wrote it died (helm#11863). whelm keeps that signal — so Helm still refuses to
//! run concurrently with whelm — and adds a lease to the pending revision, as two custom labels
//! (stored on the Secret/ConfigMap, or in `custom_labels_v1` for SQL):
//!
//! - [`LOCK_OWNER`]: an id unique to the whelm process holding it;
//! - [`LOCK_EXPIRES`]: Unix seconds when the lease ends; the holder renews it ([`renew`],
//!   [`Renewer`]) well before then.
//!
//! **Acquire** = create the next revision `pending-*`: the storage backends create atomically,
//! so of two concurrent operations exactly one succeeds, the other gets
//! [`StorageError::Locked`] naming the holder. **Take over**: [`recover`] marks a pending
//! revision whose lease has expired `failed` (description says who held it and when it
//! expired); a pending revision Helm wrote (no lease) is treated as Helm's live operation for
//! [`HELM_PENDING_GRACE`] after its `last_deployed` time, then taken over the same way. Two
//! commands taking over at once both mark it failed (idempotent) and then race on creating the
//! next revision, so again one wins. A holder that was paused past its lease finds out at its
//! next [`renew`] or at [`commit`]/[`fail`], which re-read the revision and stop with
//! [`StorageError::LockLost`]. (A write that lands between that re-read and the takeover is
//! the remaining window; backends have no compare-and-swap behind Helm's driver interface. The
//! lease being many renewal periods long makes it require a stall of a whole lease.)
//!
//! # Write order (crash safety)
//!
//! 1. [`begin`]: [`recover`]; prune to `--history-max` (as Helm, never the deployed revision);
//!    create revision N+1 `pending-*` with the lease.
//! 2. the caller applies resources, renewing the lease.
//! 3. [`commit`]: N+1 → `deployed` (lease labels removed).
//! 4. [`commit`]: every older `deployed` revision → `superseded`.
//!
//! An install whose ownership check fails after step 1 deletes its pending revision
//! ([`abandon`]); a crash before that leaves it pending, to be taken over as above.
//!
//! (Helm supersedes the old revision before deploying the new one, leaving a moment with no
//! deployed revision; whelm's order always has one.) A crash (kill -9) after any write leaves a
//! history both tools can read: after 1 or 2, N+1 is pending with a lease that will expire and
//! N is still deployed; after 3, two revisions are deployed (Helm and whelm both take the
//! newest). [`recover`], which every mutating command runs first, fails expired pending
//! revisions and supersedes all but the newest deployed one, and has the driver collect
//! garbage (orphaned chunks). Heads come from labels (or the SQL driver's columns), so a
//! revision whose record no longer decodes is still seen; if recovery must rewrite one, it
//! stops with [`StorageError::Unrecoverable`], naming the stored object and what to do.

use std::sync::Arc;
use std::time::Duration;

use super::release::{GoTime, Release, Status};
use super::{Head, Storage, StorageError};

/// Label naming the whelm process that holds a pending revision.
pub const LOCK_OWNER: &str = "whelm.sh/lock-owner";
/// Label with the Unix second at which the lease ends.
pub const LOCK_EXPIRES: &str = "whelm.sh/lock-expires";
/// Default lease length; the [`Renewer`] renews every third of it.
pub const DEFAULT_LEASE_SECS: i64 = 120;
/// The lease length: `WHELM_LOCK_LEASE_SECS` (tests shorten it), else [`DEFAULT_LEASE_SECS`].
pub fn lease_secs() -> i64 {
    std::env::var("WHELM_LOCK_LEASE_SECS")
        .ok()
        .and_then(|s| s.parse().ok())
        .filter(|s| *s > 0)
        .unwrap_or(DEFAULT_LEASE_SECS)
}

/// How long a pending revision written by Helm (which has no lease) is considered live,
/// counted from its `last_deployed` time. Helm's default `--timeout` is 5 minutes.
pub const HELM_PENDING_GRACE: i64 = 1800;

/// Which operation a pending revision is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Operation {
    Install,
    Upgrade,
    Rollback,
}

impl Operation {
    /// The description of the pending revision that starts the operation.
    fn pending_description(self) -> &'static str {
        match self {
            Operation::Install => "Initial install underway",
            Operation::Upgrade => "Preparing upgrade",
            Operation::Rollback => "Preparing rollback",
        }
    }

    fn pending(self) -> Status {
        match self {
            Operation::Install => Status::PendingInstall,
            Operation::Upgrade => Status::PendingUpgrade,
            Operation::Rollback => Status::PendingRollback,
        }
    }
}

/// A new id for this process's locks: `whelm-<pid>-<time-hex>` (a valid label value).
pub fn new_owner_id() -> String {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_nanos())
        .unwrap_or(0);
    format!("whelm-{}-{:x}", std::process::id(), nanos)
}

/// The lease on a pending revision.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Lease {
    pub owner: String,
    pub expires: i64,
}

/// The lease a revision carries, if whelm wrote it.
pub fn lease_of(rel: &Release) -> Option<Lease> {
    lease_in(&rel.labels)
}

/// The lease recorded in a revision's custom labels.
pub fn lease_in(labels: &super::Labels) -> Option<Lease> {
    Some(Lease {
        owner: labels.get(LOCK_OWNER)?.clone(),
        expires: labels.get(LOCK_EXPIRES)?.parse().ok()?,
    })
}

fn set_lease(rel: &mut Release, lease: &Lease) {
    rel.labels.insert(LOCK_OWNER.into(), lease.owner.clone());
    rel.labels
        .insert(LOCK_EXPIRES.into(), lease.expires.to_string());
}

fn clear_lease(rel: &mut Release) {
    rel.labels.remove(LOCK_OWNER);
    rel.labels.remove(LOCK_EXPIRES);
}

/// A pending revision this process holds.
#[derive(Debug, Clone)]
pub struct Held {
    /// The pending revision as stored.
    pub release: Release,
    pub lease: Lease,
    pub lease_secs: i64,
}

/// What [`recover`] found and did.
#[derive(Debug, Default, Clone)]
pub struct Recovery {
    /// One sentence per change, for the user.
    pub actions: Vec<String>,
    /// A live operation holds the release: (revision, status, who and until when).
    pub locked: Option<(i64, Status, String)>,
    /// The newest revision in the history (0 when there is none).
    pub newest: i64,
    /// Every revision's head, oldest first, with the statuses recovery gave them.
    pub heads: Vec<Head>,
}

/// Repairs what an interrupted operation left in `name`'s history; see the module docs.
pub async fn recover(storage: &Storage, name: &str) -> Result<Recovery, StorageError> {
    let mut out = Recovery::default();
    // Labels say which revisions need repair; only those are decoded (to be rewritten).
    // Each head repaired is updated in place, so `heads` ends as recovery left the history.
    let mut heads = match storage.heads(name).await {
        Ok(h) => h,
        Err(StorageError::NotFound) => return Ok(out),
        Err(e) => return Err(e),
    };
    let now = (storage.clock)();
    let newest = heads.last().map(|r| r.version).unwrap_or(0);
    out.newest = newest;
    for head in &mut heads {
        if !head.status.is_pending() {
            continue;
        }
        let mut rel = None;
        let why = if head.version != newest {
            format!("a later revision ({newest}) exists")
        } else {
            match lease_in(&head.labels) {
                Some(l) if l.expires > now => {
                    let holder = format!(
                        "held by {} until {} (in {}s)",
                        l.owner,
                        GoTime::from_unix(l.expires, 0),
                        l.expires - now
                    );
                    out.locked = Some((head.version, head.status.clone(), holder));
                    continue;
                }
                Some(l) => format!(
                    "{} stopped before finishing; its lock expired {}s ago",
                    l.owner,
                    now - l.expires
                ),
                None => {
                    let full = read_for_repair(storage, name, head, FAILED).await?;
                    let started = full
                        .info
                        .as_ref()
                        .and_then(|i| i.last_deployed.as_ref().or(i.first_deployed.as_ref()))
                        .and_then(GoTime::unix);
                    match started {
                        Some(t) if now - t < HELM_PENDING_GRACE => {
                            let holder = format!(
                                "written by helm {}s ago without a lock; whelm takes it over {}s after it started (or run `helm rollback {name}` if that helm was killed)",
                                now - t,
                                HELM_PENDING_GRACE
                            );
                            out.locked = Some((head.version, head.status.clone(), holder));
                            continue;
                        }
                        _ => {
                            rel = Some(full);
                            "the helm operation that wrote it did not finish".to_string()
                        }
                    }
                }
            }
        };
        let mut failed = match rel {
            Some(r) => r,
            None => read_for_repair(storage, name, head, FAILED).await?,
        };
        clear_lease(&mut failed);
        let description = format!(
            "{} interrupted: {why}; marked failed by whelm",
            match head.status {
                Status::PendingInstall => "Install",
                Status::PendingRollback => "Rollback",
                _ => "Upgrade",
            }
        );
        failed.set_status(Status::Failed, description.clone());
        storage.update(&failed).await?;
        out.actions
            .push(format!("revision {}: {description}", head.version));
        head.status = Status::Failed;
    }
    // Every deployed revision but the newest (heads are in version order).
    let deployed = |h: &Head| h.status == Status::Deployed;
    if let Some(top) = heads.iter().rfind(|h| deployed(h)).map(|h| h.version) {
        for head in heads.iter_mut().filter(|h| deployed(h) && h.version != top) {
            let version = head.version;
            let mut sup = read_for_repair(storage, name, head, "marked superseded").await?;
            sup.set_status(Status::Superseded, format!("Superseded by revision {top}"));
            storage.update(&sup).await?;
            out.actions.push(format!(
                "revision {version}: marked superseded (an interrupted operation had deployed revision {top})"
            ));
            head.status = Status::Superseded;
        }
    }
    for object in storage.driver().collect_garbage(name).await? {
        out.actions
            .push(format!("removed orphaned object {object}"));
    }
    out.heads = heads;
    Ok(out)
}

const FAILED: &str = "marked failed";

/// Reads a revision [`recover`] must rewrite (to `repair` it). One whose record does not
/// decode stops recovery with where it is stored and what the user can do: skipping it would
/// leave the release locked by it (or with two deployed revisions) for good.
async fn read_for_repair(
    storage: &Storage,
    name: &str,
    head: &Head,
    repair: &'static str,
) -> Result<Release, StorageError> {
    storage.get(name, head.version).await.map_err(|e| {
        let detail = match &e {
            StorageError::Codec(c) => c.cause(),
            StorageError::Chunks { detail, .. } => {
                format!("its chunks are missing or inconsistent: {detail}")
            }
            _ => return e,
        };
        StorageError::Unrecoverable {
            name: name.to_string(),
            revision: head.version,
            status: head.status.clone(),
            repair,
            object: storage.describe(name, head.version),
            detail,
        }
    })
}

/// Step 1: recovers, then creates the next revision of `rel.name` as `pending-*` under a
/// lease held by `owner`. `rel` is the new revision's content; its version and status are set
/// here.
pub async fn begin(
    storage: &Storage,
    rel: Release,
    op: Operation,
    owner: &str,
    lease_secs: i64,
) -> Result<Held, StorageError> {
    let recovery = recover(storage, &rel.name).await?;
    if let Some((revision, status, holder)) = recovery.locked {
        return Err(StorageError::Locked {
            name: rel.name,
            revision,
            status,
            holder,
        });
    }
    // Recovery changes statuses, never revision numbers: its view of the history gives the next.
    acquire(storage, rel, &recovery.heads, op, owner, lease_secs).await
}

/// As [`begin`], for a release the caller has just seen to have no history at all: there is
/// nothing to recover, and the revision is 1. If another command created revision 1 since,
/// the create fails and this returns [`StorageError::Locked`], as [`begin`] does.
pub async fn begin_first(
    storage: &Storage,
    rel: Release,
    op: Operation,
    owner: &str,
    lease_secs: i64,
) -> Result<Held, StorageError> {
    acquire(storage, rel, &[], op, owner, lease_secs).await
}

/// Creates the revision after `history` (the name's heads, oldest first, as just read) as
/// `op`'s pending revision of `rel` under `owner`'s lease.
async fn acquire(
    storage: &Storage,
    mut rel: Release,
    history: &[Head],
    op: Operation,
    owner: &str,
    lease_secs: i64,
) -> Result<Held, StorageError> {
    let version = history.last().map_or(1, |h| h.version + 1);
    rel.version = version;
    rel.set_status(op.pending(), op.pending_description());
    let lease = Lease {
        owner: owner.to_string(),
        expires: (storage.clock)() + lease_secs,
    };
    set_lease(&mut rel, &lease);
    match storage.create_after(&rel, history).await {
        Ok(()) => Ok(Held {
            release: rel,
            lease,
            lease_secs,
        }),
        Err(StorageError::Exists) => {
            let holder = match storage
                .get(&rel.name, version)
                .await
                .ok()
                .and_then(|r| lease_of(&r))
            {
                Some(l) => format!("just started by {}", l.owner),
                None => "just started by another command".to_string(),
            };
            Err(StorageError::Locked {
                name: rel.name,
                revision: version,
                status: op.pending(),
                holder,
            })
        }
        Err(e) => Err(e),
    }
}

/// Takes back step 1 when the operation stops before changing anything in the cluster (an
/// install whose ownership check fails): deletes the held pending revision, so the history is
/// as if the operation never started, as Helm leaves it when it checks before writing.
pub async fn abandon(storage: &Storage, held: Held) -> Result<(), StorageError> {
    verify(storage, &held).await?;
    storage
        .delete(&held.release.name, held.release.version)
        .await
        .map(drop)
}

/// Re-reads the held revision's labels and checks it is still ours.
async fn verify(storage: &Storage, held: &Held) -> Result<(), StorageError> {
    let rel = &held.release;
    still_held(held, storage.head(&rel.name, rel.version).await)
}

/// Whether `current` (the stored head of the held revision) still carries the holder's lease.
fn still_held(held: &Held, current: Result<Head, StorageError>) -> Result<(), StorageError> {
    let rel = &held.release;
    let lost = |detail: String| StorageError::LockLost {
        name: rel.name.clone(),
        revision: rel.version,
        detail,
    };
    let current = match current {
        Ok(r) => r,
        Err(StorageError::NotFound) => return Err(lost("the revision was deleted".into())),
        Err(e) => return Err(e),
    };
    if !current.status.is_pending() {
        return Err(lost(format!("it is now {}", current.status)));
    }
    match lease_in(&current.labels) {
        Some(l) if l.owner == held.lease.owner => Ok(()),
        Some(l) => Err(lost(format!("it is now held by {}", l.owner))),
        None => Err(lost("its lock was removed".into())),
    }
}

/// Extends the lease by its full length. Only its holder writes a held revision, so the
/// copy in `held` is what is stored.
pub async fn renew(storage: &Storage, held: &mut Held) -> Result<(), StorageError> {
    verify(storage, held).await?;
    let mut lease = held.lease.clone();
    lease.expires = (storage.clock)() + held.lease_secs;
    let mut rel = held.release.clone();
    set_lease(&mut rel, &lease);
    storage.update(&rel).await?;
    held.release = rel;
    held.lease = lease;
    Ok(())
}

/// Encodes, on another thread, what the operation will write, in that order: the pending
/// revision [`begin`] stores for `rel` (if its version is the next one); when `deployed` gives
/// the description [`commit`] will set (no hooks change the release meanwhile), the deployed
/// revision; and `superseded` marked as [`commit_over`] marks it. Called right after
/// rendering: the thread compresses while whelm builds objects and waits on ownership checks,
/// so the apply that follows (bound by the apiserver's CPU) need not share the cores with it.
pub fn encode_ahead(
    rel: &Release,
    op: Operation,
    deployed: Option<&str>,
    superseded: Option<&Release>,
) {
    let mut pending = rel.clone();
    pending.set_status(op.pending(), op.pending_description());
    let mut guesses = vec![pending];
    if let Some(description) = deployed {
        let mut done = rel.clone();
        done.set_status(Status::Deployed, description);
        guesses.push(done);
    }
    if let Some(known) = superseded {
        let mut old = known.clone();
        mark_superseded(&mut old);
        guesses.push(old);
    }
    super::codec::encode_ahead(guesses);
}

/// Helm changes only the status of the revision it supersedes.
fn mark_superseded(old: &mut Release) {
    if let Some(info) = old.info.as_mut() {
        info.status = Status::Superseded;
    }
}

/// Steps 3 and 4: marks the held revision `deployed` with `description` (after `finish` has
/// filled in what the operation produced: notes, hooks' last runs, …), then supersedes every
/// older deployed revision. Returns the deployed revision.
pub async fn commit(
    storage: &Storage,
    held: Held,
    description: &str,
    finish: impl FnOnce(&mut Release),
) -> Result<Release, StorageError> {
    commit_over(storage, held, description, finish, None).await
}

/// As [`commit`], given the revision the operation started from as read under this lock: if it
/// is the deployed one to supersede, it is not read and decoded again.
pub async fn commit_over(
    storage: &Storage,
    held: Held,
    description: &str,
    finish: impl FnOnce(&mut Release),
    known: Option<&Release>,
) -> Result<Release, StorageError> {
    // One read of every revision's head both proves the lease is still ours and names the
    // deployed revisions to supersede (while the lease is held, no one else changes them).
    let heads = storage.heads_or_none(&held.release.name).await?;
    let version = held.release.version;
    let current = heads
        .iter()
        .find(|h| h.version == version)
        .cloned()
        .ok_or(StorageError::NotFound);
    still_held(&held, current)?;
    let mut rel = held.release;
    finish(&mut rel);
    clear_lease(&mut rel);
    rel.set_status(Status::Deployed, description);
    storage.update(&rel).await?;
    for head in heads
        .iter()
        .filter(|h| h.version < version && h.status == Status::Deployed)
    {
        let mut old = match known {
            Some(k) if k.version == head.version && k.status() == Status::Deployed => k.clone(),
            _ => storage.get(&rel.name, head.version).await?,
        };
        mark_superseded(&mut old);
        storage.update(&old).await?;
    }
    Ok(rel)
}

/// Marks the held revision `failed` with `description` (Helm's wording: `Upgrade "x" failed: …`).
pub async fn fail(
    storage: &Storage,
    held: Held,
    description: &str,
) -> Result<Release, StorageError> {
    verify(storage, &held).await?;
    let mut rel = held.release;
    clear_lease(&mut rel);
    rel.set_status(Status::Failed, description);
    storage.update(&rel).await?;
    Ok(rel)
}

/// Renews a lease in the background every third of its length until dropped or stopped.
pub struct Renewer {
    task: Option<tokio::task::JoinHandle<Result<Held, StorageError>>>,
    stop: Arc<tokio::sync::Notify>,
}

impl Drop for Renewer {
    fn drop(&mut self) {
        if let Some(t) = self.task.take() {
            t.abort();
        }
    }
}

impl Renewer {
    pub fn start(storage: Arc<Storage>, mut held: Held) -> Renewer {
        let stop = Arc::new(tokio::sync::Notify::new());
        let stopped = stop.clone();
        let period = Duration::from_secs((held.lease_secs / 3).max(1) as u64);
        let task = tokio::spawn(async move {
            loop {
                tokio::select! {
                    _ = stopped.notified() => return Ok(held),
                    _ = tokio::time::sleep(period) => renew(&storage, &mut held).await?,
                }
            }
        });
        Renewer {
            task: Some(task),
            stop,
        }
    }

    /// Stops renewing and hands back the lease, or the error that stopped renewal (e.g.
    /// [`StorageError::LockLost`]).
    pub async fn finish(mut self) -> Result<Held, StorageError> {
        self.stop.notify_one();
        let task = self.task.take().expect("a running renewer has a task");
        match task.await {
            Ok(r) => r,
            Err(e) => Err(StorageError::Backend {
                driver: "lock",
                op: "renew",
                message: e.to_string(),
            }),
        }
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use std::sync::atomic::{AtomicI64, AtomicUsize, Ordering};

    use async_trait::async_trait;

    use super::*;
    use crate::storage::kube::{Kind, KubeDriver, fake::FakeKube};
    use crate::storage::make_key;
    use crate::storage::memory::Memory;
    use crate::storage::release::{Chart, Info, Metadata};
    use crate::storage::{Clock, Driver, Filter, Labels};

    /// A driver that fails every write after a budget: a kill -9 between two writes.
    struct Crashing {
        inner: Arc<dyn Driver>,
        writes_left: Arc<AtomicUsize>,
    }

    impl Crashing {
        fn write(&self) -> Result<(), StorageError> {
            self.writes_left
                .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |n| n.checked_sub(1))
                .map(|_| ())
                .map_err(|_| StorageError::Backend {
                    driver: "test",
                    op: "write",
                    message: "simulated crash".into(),
                })
        }
    }

    #[async_trait]
    impl Driver for Crashing {
        fn name(&self) -> &'static str {
            "crashing"
        }
        async fn get(&self, key: &str) -> Result<Release, StorageError> {
            self.inner.get(key).await
        }
        async fn list(&self, filter: &Filter) -> Result<Vec<Release>, StorageError> {
            self.inner.list(filter).await
        }
        async fn query(&self, labels: &Labels) -> Result<Vec<Release>, StorageError> {
            self.inner.query(labels).await
        }
        async fn head(&self, key: &str) -> Result<Head, StorageError> {
            self.inner.head(key).await
        }
        async fn heads(&self, labels: &Labels) -> Result<Vec<Head>, StorageError> {
            self.inner.heads(labels).await
        }
        async fn create(&self, key: &str, rel: &Release) -> Result<(), StorageError> {
            self.write()?;
            self.inner.create(key, rel).await
        }
        async fn update(&self, key: &str, rel: &Release) -> Result<(), StorageError> {
            self.write()?;
            self.inner.update(key, rel).await
        }
        async fn delete(&self, key: &str) -> Result<Release, StorageError> {
            self.write()?;
            self.inner.delete(key).await
        }
        async fn collect_garbage(&self, name: &str) -> Result<Vec<String>, StorageError> {
            self.inner.collect_garbage(name).await
        }
        fn describe(&self, key: &str) -> String {
            self.inner.describe(key)
        }
    }

    struct World {
        backend: Arc<dyn Driver>,
        now: Arc<AtomicI64>,
    }

    impl World {
        fn new(backend: Arc<dyn Driver>) -> World {
            World {
                backend,
                now: Arc::new(AtomicI64::new(1_750_000_000)),
            }
        }

        fn clock(&self) -> Clock {
            let now = self.now.clone();
            Arc::new(move || now.load(Ordering::SeqCst))
        }

        /// A new command's storage view; writes fail after `budget`.
        fn storage(&self, budget: usize) -> Storage {
            let mut s = Storage::new(Box::new(Crashing {
                inner: self.backend.clone(),
                writes_left: Arc::new(AtomicUsize::new(budget)),
            }));
            s.clock = self.clock();
            s.max_history = 10;
            s
        }

        fn advance(&self, secs: i64) {
            self.now.fetch_add(secs, Ordering::SeqCst);
        }
    }

    fn content(manifest: &str) -> Release {
        Release {
            name: "web".into(),
            namespace: "prod".into(),
            manifest: manifest.into(),
            info: Some(Info {
                first_deployed: Some(GoTime::from_unix(1_750_000_000, 0)),
                last_deployed: Some(GoTime::from_unix(1_750_000_000, 0)),
                ..Info::default()
            }),
            chart: Some(std::sync::Arc::new(Chart {
                metadata: Some(Metadata {
                    name: "web".into(),
                    version: "1.0.0".into(),
                    ..Metadata::default()
                }),
                ..Chart::default()
            })),
            ..Release::default()
        }
    }

    async fn upgrade(s: &Storage, owner: &str, manifest: &str) -> Result<Release, StorageError> {
        let held = begin(
            s,
            content(manifest),
            Operation::Upgrade,
            owner,
            DEFAULT_LEASE_SECS,
        )
        .await?;
        let mut held = held;
        renew(s, &mut held).await?; // "apply", renewing the lease
        commit(s, held, "Upgrade complete", |r| {
            r.info.as_mut().unwrap().notes = "ok".into()
        })
        .await
    }

    /// Text that gzip barely compresses: a release holding it is chunked by the kube drivers.
    fn noise(len: usize) -> String {
        let mut x: u64 = 88_172_645_463_325_252;
        (0..len)
            .map(|_| {
                x ^= x << 13;
                x ^= x >> 7;
                x ^= x << 17;
                char::from(b'a' + (x % 26) as u8)
            })
            .collect()
    }

    fn statuses(h: &[Release]) -> Vec<(i64, String)> {
        h.iter()
            .map(|r| (r.version, r.status().to_string()))
            .collect()
    }

    /// Crash an upgrade after every number of writes; the next command must read the history,
    /// recover, and upgrade.
    pub(crate) async fn crash_at_every_step(make: impl AsyncFn() -> Arc<dyn Driver>, big: bool) {
        let manifest = |tag: &str| {
            if big {
                format!("# {tag}\n{}", noise(1_500_000))
            } else {
                format!("# {tag}\n")
            }
        };
        let mut steps_seen = 0;
        for budget in 0.. {
            let world = World::new(make().await);
            upgrade(&world.storage(usize::MAX), "first", &manifest("v1"))
                .await
                .unwrap();
            let crashed = upgrade(&world.storage(budget), "crasher", &manifest("v2")).await;
            if crashed.is_ok() {
                assert!(budget >= 3, "an upgrade takes at least 4 writes");
                break;
            }
            steps_seen += 1;

            // The next command, right away: history reads; a live lease blocks, clearly.
            let next = world.storage(usize::MAX);
            let h = next.history("web").await.unwrap();
            assert!(
                !h.is_empty(),
                "history readable after a crash at write {budget}"
            );
            assert!(
                next.deployed("web").await.is_ok(),
                "a deployed revision always exists: {:?}",
                statuses(&h)
            );
            match upgrade(&next, "next", &manifest("v3")).await {
                Err(StorageError::Locked { holder, .. }) => {
                    assert!(holder.contains("crasher"), "{holder}");
                    world.advance(DEFAULT_LEASE_SECS + 1);
                    let deployed = upgrade(&next, "next", &manifest("v3")).await.unwrap();
                    assert!(deployed.manifest.starts_with("# v3"));
                }
                Ok(deployed) => assert!(deployed.manifest.starts_with("# v3")),
                Err(e) => panic!("after a crash at write {budget}: {e}"),
            }
            let h = next.history("web").await.unwrap();
            let deployed: Vec<_> = h
                .iter()
                .filter(|r| r.status() == Status::Deployed)
                .collect();
            assert_eq!(deployed.len(), 1, "{:?}", statuses(&h));
            assert_eq!(deployed[0].version, h.last().unwrap().version);
            assert!(
                h.iter().all(|r| !r.status().is_pending()),
                "{:?}",
                statuses(&h)
            );
            assert!(h.iter().all(|r| lease_of(r).is_none()));
            assert_eq!(next.last("web").await.unwrap().info.unwrap().notes, "ok");
        }
        assert!(steps_seen >= 4, "crashed at {steps_seen} points");
    }

    #[tokio::test]
    async fn crash_at_every_step_memory() {
        crash_at_every_step(
            async || Arc::new(Memory::new("prod")) as Arc<dyn Driver>,
            false,
        )
        .await;
    }

    #[tokio::test]
    async fn crash_at_every_step_secrets() {
        crash_at_every_step(
            async || Arc::new(KubeDriver::secrets(Arc::new(FakeKube::new()))) as Arc<dyn Driver>,
            false,
        )
        .await;
    }

    #[tokio::test]
    async fn crash_at_every_step_chunked_configmaps() {
        crash_at_every_step(
            async || {
                Arc::new(KubeDriver::config_maps(Arc::new(FakeKube::new()))) as Arc<dyn Driver>
            },
            true,
        )
        .await;
    }

    #[tokio::test]
    async fn crash_inside_a_chunked_write() {
        // Crash the kube API itself after each write of a chunked upgrade.
        for writes in 0..12 {
            let api = Arc::new(FakeKube::new());
            let world = World::new(Arc::new(KubeDriver::secrets(api.clone())));
            let big = noise(1_500_000);
            upgrade(&world.storage(usize::MAX), "first", &big)
                .await
                .unwrap();
            api.crash_after(Some(writes));
            let r = upgrade(
                &world.storage(usize::MAX),
                "crasher",
                &format!("{big}\n# 2"),
            )
            .await;
            api.crash_after(None);
            world.advance(DEFAULT_LEASE_SECS + 1);
            let next = world.storage(usize::MAX);
            assert!(next.history("web").await.is_ok());
            let d = upgrade(&next, "next", &format!("{big}\n# 3"))
                .await
                .unwrap();
            assert!(
                d.manifest.ends_with("# 3"),
                "after {writes} writes ({:?})",
                r.map(|_| ())
            );
        }
    }

    #[tokio::test]
    async fn concurrent_upgrades_one_wins() {
        let world = World::new(Arc::new(Memory::new("prod")));
        let s = world.storage(usize::MAX);
        upgrade(&s, "first", "v1").await.unwrap();
        let a = begin(&s, content("a"), Operation::Upgrade, "alice", 60)
            .await
            .unwrap();
        let e = begin(&s, content("b"), Operation::Upgrade, "bob", 60)
            .await
            .unwrap_err();
        let msg = e.to_string();
        assert!(
            msg.starts_with(
                "another operation (install/upgrade/rollback) is in progress on release \"web\""
            ),
            "{msg}"
        );
        assert!(msg.contains("alice"), "{msg}");
        commit(&s, a, "Upgrade complete", |_| {}).await.unwrap();
        assert_eq!(s.deployed("web").await.unwrap().manifest, "a");
    }

    #[tokio::test]
    async fn racing_creates_one_wins() {
        // Both passed recovery; the create decides.
        let world = World::new(Arc::new(Memory::new("prod")));
        let s = world.storage(usize::MAX);
        let mut r = content("a");
        r.version = 1;
        r.set_status(Status::PendingInstall, "");
        set_lease(
            &mut r,
            &Lease {
                owner: "alice".into(),
                expires: i64::MAX,
            },
        );
        s.create(&r).await.unwrap();
        // bob computed the same next revision before alice's create landed:
        let mut b = content("b");
        b.version = 1;
        assert!(matches!(s.create(&b).await, Err(StorageError::Exists)));
    }

    #[tokio::test]
    async fn expired_lease_is_taken_over_and_the_old_holder_learns_it() {
        let world = World::new(Arc::new(Memory::new("prod")));
        let s = world.storage(usize::MAX);
        upgrade(&s, "first", "v1").await.unwrap();
        let mut stalled = begin(&s, content("a"), Operation::Upgrade, "alice", 60)
            .await
            .unwrap();
        world.advance(30);
        renew(&s, &mut stalled).await.unwrap();
        world.advance(61);
        let rec = recover(&s, "web").await.unwrap();
        assert!(rec.locked.is_none());
        assert!(
            rec.actions[0].contains("alice stopped before finishing"),
            "{:?}",
            rec.actions
        );
        let failed = s.get("web", 2).await.unwrap();
        assert_eq!(failed.status(), Status::Failed);
        assert!(
            failed
                .info
                .unwrap()
                .description
                .starts_with("Upgrade interrupted")
        );
        let bob = begin(&s, content("b"), Operation::Upgrade, "bob", 60)
            .await
            .unwrap();
        assert_eq!(bob.release.version, 3);
        let e = commit(&s, stalled, "Upgrade complete", |_| {})
            .await
            .unwrap_err();
        assert!(matches!(e, StorageError::LockLost { .. }), "{e}");
        assert!(
            e.to_string()
                .contains("lost the lock on release \"web\" revision 2"),
            "{e}"
        );
        commit(&s, bob, "Upgrade complete", |_| {}).await.unwrap();
        let h = s.history("web").await.unwrap();
        assert_eq!(
            statuses(&h),
            [
                (1, "superseded".into()),
                (2, "failed".into()),
                (3, "deployed".into())
            ]
        );
    }

    #[tokio::test]
    async fn commit_over_supersedes_the_known_revision_without_reading_it() {
        let world = World::new(Arc::new(Memory::new("prod")));
        let s = world.storage(usize::MAX);
        upgrade(&s, "first", "v1").await.unwrap();
        let current = s.get("web", 1).await.unwrap();
        let held = begin(&s, content("v2"), Operation::Upgrade, "me", 60)
            .await
            .unwrap();
        // A stale copy of a revision that is not the deployed one is not used...
        let mut stale = current.clone();
        stale.version = 7;
        stale.manifest = "not what is stored".into();
        commit_over(&s, held, "Upgrade complete", |_| {}, Some(&stale))
            .await
            .unwrap();
        assert_eq!(s.get("web", 1).await.unwrap().manifest, "v1");
        // ...the known deployed one is written back with only its status changed.
        let held = begin(&s, content("v3"), Operation::Upgrade, "me", 60)
            .await
            .unwrap();
        let mut known = s.get("web", 2).await.unwrap();
        known.manifest = "as read by this operation".into();
        commit_over(&s, held, "Upgrade complete", |_| {}, Some(&known))
            .await
            .unwrap();
        let old = s.get("web", 2).await.unwrap();
        assert_eq!(old.status(), Status::Superseded);
        assert_eq!(old.manifest, "as read by this operation");
        assert_eq!(
            old.info.unwrap().description,
            known.info.unwrap().description,
            "Helm changes only the status"
        );
        assert_eq!(s.get("web", 3).await.unwrap().status(), Status::Deployed);
    }

    #[tokio::test]
    async fn helm_written_pending_is_respected_then_taken_over() {
        let world = World::new(Arc::new(Memory::new("prod")));
        let s = world.storage(usize::MAX);
        upgrade(&s, "first", "v1").await.unwrap();
        let mut helm = content("helm");
        helm.version = 2;
        helm.info.as_mut().unwrap().last_deployed = Some(GoTime::from_unix((s.clock)(), 0));
        helm.set_status(Status::PendingUpgrade, "Preparing upgrade");
        s.create(&helm).await.unwrap();
        let e = begin(&s, content("w"), Operation::Upgrade, "w", 60)
            .await
            .unwrap_err();
        assert!(e.to_string().contains("written by helm"), "{e}");
        world.advance(HELM_PENDING_GRACE);
        let held = begin(&s, content("w"), Operation::Upgrade, "w", 60)
            .await
            .unwrap();
        assert_eq!(held.release.version, 3);
        assert_eq!(s.get("web", 2).await.unwrap().status(), Status::Failed);
    }

    #[tokio::test]
    async fn dropped_operation_future_leaves_a_lock_that_expires() {
        let world = World::new(Arc::new(Memory::new("prod")));
        let s = Arc::new(world.storage(usize::MAX));
        upgrade(&s, "first", "v1").await.unwrap();
        let s2 = s.clone();
        let task = tokio::spawn(async move {
            let held = begin(&s2, content("a"), Operation::Upgrade, "alice", 60)
                .await
                .unwrap();
            std::future::pending::<()>().await; // applying forever…
            commit(&s2, held, "never", |_| {}).await
        });
        while s.last("web").await.unwrap().version < 2 {
            tokio::task::yield_now().await;
        }
        task.abort(); // …until killed
        let _ = task.await;
        assert!(matches!(
            begin(&s, content("b"), Operation::Upgrade, "bob", 60).await,
            Err(StorageError::Locked { .. })
        ));
        world.advance(61);
        let held = begin(&s, content("b"), Operation::Upgrade, "bob", 60)
            .await
            .unwrap();
        commit(&s, held, "Upgrade complete", |_| {}).await.unwrap();
        assert_eq!(s.deployed("web").await.unwrap().version, 3);
    }

    #[tokio::test]
    async fn renewer_keeps_the_lease_and_reports_loss() {
        let world = World::new(Arc::new(Memory::new("prod")));
        let s = Arc::new(world.storage(usize::MAX));
        let held = begin(&s, content("a"), Operation::Install, "alice", 3)
            .await
            .unwrap();
        world.advance(2);
        let r = Renewer::start(s.clone(), held);
        tokio::time::sleep(Duration::from_millis(1100)).await;
        let held = r.finish().await.unwrap();
        assert!(
            held.lease.expires >= 1_750_000_000 + 2 + 3,
            "{:?}",
            held.lease
        );
        // Taken over behind its back: the renewer stops with LockLost.
        world.advance(10);
        recover(&s, "web").await.unwrap();
        let r = Renewer::start(s.clone(), held);
        tokio::time::sleep(Duration::from_millis(1100)).await;
        assert!(matches!(
            r.finish().await,
            Err(StorageError::LockLost { .. })
        ));
    }

    #[tokio::test]
    async fn fail_marks_failed_and_unlocks() {
        let world = World::new(Arc::new(Memory::new("prod")));
        let s = world.storage(usize::MAX);
        let held = begin(&s, content("a"), Operation::Install, "alice", 60)
            .await
            .unwrap();
        let rel = fail(&s, held, "Release \"web\" failed: boom")
            .await
            .unwrap();
        assert_eq!(rel.status(), Status::Failed);
        assert!(lease_of(&s.get("web", 1).await.unwrap()).is_none());
        let held = begin(&s, content("b"), Operation::Install, "bob", 60)
            .await
            .unwrap();
        assert_eq!(held.release.version, 2);
    }

    /// Replaces revision `version`'s payload in the fake cluster with `data`, keeping its
    /// labels (its head still says what it is).
    fn corrupt(kube: &FakeKube, version: i64, data: &str) {
        let key = make_key("web", version);
        let mut obj = kube.raw(Kind::Secret, &key).unwrap();
        obj["data"]["release"] = serde_json::json!(data);
        kube.put_raw(Kind::Secret, obj);
    }

    /// Secrets in namespace `prod` holding release `web` revision 1, deployed.
    async fn deployed_in_secrets() -> (Arc<FakeKube>, World, Storage) {
        let kube = Arc::new(FakeKube::in_namespace("prod"));
        let world = World::new(Arc::new(KubeDriver::secrets(kube.clone())));
        let s = world.storage(usize::MAX);
        upgrade(&s, "first", "# v1\n").await.unwrap();
        (kube, world, s)
    }

    #[tokio::test]
    async fn an_undecodable_revision_to_repair_stops_recovery_with_what_to_do() {
        let (kube, world, s) = deployed_in_secrets().await;
        // An upgrade killed after writing its pending revision, which then got damaged.
        begin(&s, content("# v2\n"), Operation::Upgrade, "crasher", 60)
            .await
            .unwrap();
        corrupt(&kube, 2, "!not base64!");
        world.advance(61);
        let e = recover(&s, "web").await.unwrap_err();
        assert_eq!(
            e.to_string(),
            "cannot recover release \"web\": revision 2 is pending-upgrade and must be marked \
             failed, but its stored record, Secret \"sh.helm.release.v1.web.v2\" in namespace \
             \"prod\", does not decode (not valid base64: Invalid symbol 33, offset 0.); delete \
             that object (the revision is then gone from the history) or restore it from a \
             backup, and run the command again (`whelm rollback web` returns to an earlier \
             revision)"
        );
        // Nothing was written, and the next operation stops the same way.
        assert!(matches!(
            upgrade(&s, "next", "# v3\n").await,
            Err(StorageError::Unrecoverable { revision: 2, .. })
        ));
        assert_eq!(s.heads("web").await.unwrap().len(), 2);
        // Deleting the object, as the message says, lets the next operation go ahead.
        use crate::storage::kube::KubeObjects;
        kube.delete(Kind::Secret, &make_key("web", 2))
            .await
            .unwrap();
        let v = upgrade(&s, "next", "# v3\n").await.unwrap();
        assert_eq!((v.version, v.status()), (2, Status::Deployed));
    }

    #[tokio::test]
    async fn an_undecodable_older_deployed_revision_stops_recovery_too() {
        let (kube, world, s) = deployed_in_secrets().await;
        // Killed between deploying revision 2 and superseding revision 1 (damaged since).
        let held = begin(&s, content("# v2\n"), Operation::Upgrade, "b", 60)
            .await
            .unwrap();
        commit_over(&world.storage(1), held, "Upgrade complete", |_| {}, None)
            .await
            .unwrap_err();
        assert_eq!(s.deployed_all("web").await.unwrap().len(), 2);
        use base64::Engine as _;
        corrupt(
            &kube,
            1,
            &base64::engine::general_purpose::STANDARD.encode("H4sI-garbage"),
        );
        let e = recover(&s, "web").await.unwrap_err();
        let StorageError::Unrecoverable {
            revision,
            status,
            repair,
            object,
            detail,
            ..
        } = &e
        else {
            panic!("{e}");
        };
        assert_eq!(
            (*revision, status, *repair),
            (1, &Status::Deployed, "marked superseded")
        );
        assert_eq!(
            object,
            "Secret \"sh.helm.release.v1.web.v1\" in namespace \"prod\""
        );
        assert!(detail.starts_with("not valid base64"), "{detail}");
    }

    #[tokio::test]
    async fn recovery_reports_the_heads_as_it_left_them() {
        let world = World::new(Arc::new(Memory::new("prod")));
        let s = world.storage(usize::MAX);
        // Killed before superseding 1, then an upgrade killed with its lease now expired.
        let expired = Lease {
            owner: "gone".into(),
            expires: (s.clock)() - 1,
        };
        for (version, status) in [
            (1, Status::Deployed),
            (2, Status::Deployed),
            (3, Status::PendingUpgrade),
        ] {
            let mut r = content("m");
            r.version = version;
            r.set_status(status.clone(), "");
            if status.is_pending() {
                set_lease(&mut r, &expired);
            }
            s.create(&r).await.unwrap();
        }
        let rec = recover(&s, "web").await.unwrap();
        let want = [
            (1, "superseded".to_string()),
            (2, "deployed".to_string()),
            (3, "failed".to_string()),
        ];
        let heads: Vec<(i64, String)> = rec
            .heads
            .iter()
            .map(|h| (h.version, h.status.to_string()))
            .collect();
        assert_eq!(heads, want);
        assert_eq!(statuses(&s.history("web").await.unwrap()), want);
        assert_eq!(rec.actions.len(), 2, "{:?}", rec.actions);
    }
}
