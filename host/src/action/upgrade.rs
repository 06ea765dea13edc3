//! `whelm upgrade` (Helm's `action.Upgrade`) and `whelm rollback` (`action.Rollback`): both
//! move a release to a new revision whose objects are applied with server-side apply, while
//! objects of the current revision that the new one no longer has are deleted.

use super::config::{Configuration, finished};
use super::deploy::{self, DeployOptions, DryRun, ServerSide};
use super::install::{self, InstallOptions, Outcome};
use super::template::{self, TemplateOptions};
use crate::kube::resource::{self, ApplyOptions, Resource};
use crate::plugin::PluginHost;
use crate::storage::lock::{self, Operation};
use crate::storage::release::{GoTime, Release, Status};
use crate::storage::{Head, Storage, StorageError};

/// `helm upgrade NAME CHART` and its flags.
#[derive(Debug, Clone, Default)]
pub struct UpgradeOptions {
    pub name: String,
    pub chart: String,
    pub deploy: DeployOptions,
    /// `--install`.
    pub install: bool,
    pub reuse_values: bool,
    pub reset_values: bool,
    pub reset_then_reuse_values: bool,
}

/// `helm rollback NAME [REVISION]` and its flags.
#[derive(Debug, Clone, Default)]
pub struct RollbackOptions {
    pub name: String,
    /// 0 = the previous revision.
    pub revision: i64,
    pub deploy: DeployOptions,
}

/// The release an upgrade or rollback starts from (Helm's `prepareUpgrade`): the newest
/// revision if it is deployed, else the newest deployed one, else a failed, superseded or
/// pending newest one. Chosen by the heads (labels); only that revision is read and decoded.
async fn current_release(storage: &Storage, name: &str, heads: &[Head]) -> Result<Release, String> {
    let none = || format!("{name:?} has no deployed releases");
    let last = heads.last().ok_or_else(none)?;
    let version = if last.status == Status::Deployed {
        last.version
    } else if let Some(d) = heads.iter().rev().find(|h| h.status == Status::Deployed) {
        d.version
    } else if matches!(last.status, Status::Failed | Status::Superseded) || last.status.is_pending()
    {
        last.version
    } else {
        return Err(none());
    };
    storage.get(name, version).await.map_err(|e| e.to_string())
}

/// Repairs what an interrupted command left (see `storage::lock`); a live operation on the
/// release is an error naming who holds it until when. Returns what was repaired, for the user.
async fn recover(storage: &Storage, name: &str) -> Result<lock::Recovery, String> {
    let recovery = lock::recover(storage, name)
        .await
        .map_err(|e| e.to_string())?;
    if let Some((revision, status, holder)) = recovery.locked.clone() {
        return Err(StorageError::Locked {
            name: name.to_string(),
            revision,
            status,
            holder,
        }
        .to_string());
    }
    Ok(recovery)
}

/// Helm 4's `--server-side auto` (`getUpgradeServerSideValue`): keep the method `basis` was
/// applied with — server-side only if it says `ssa`, so a release Helm 3 wrote (no apply
/// method) stays client-side, as Helm 4 keeps it.
fn use_ssa(s: ServerSide, basis: &Release) -> bool {
    match s {
        ServerSide::True => true,
        ServerSide::False => false,
        ServerSide::Auto => basis.apply_method == "ssa",
    }
}

/// Helm's `reuseValues`: which user values the new revision gets.
fn user_values(
    o: &UpgradeOptions,
    current: &Release,
) -> Result<Option<whelm_template::value::Map>, String> {
    let new = o.deploy.values.merge(&crate::values::LocalFiles)?;
    let old = deploy::json_to_values(&current.config);
    if o.reset_values {
        return Ok(Some(new));
    }
    if o.reuse_values || (o.reset_then_reuse_values && !o.reset_values) {
        return Ok(Some(crate::values::merge_maps(&old, &new)));
    }
    if new.is_empty() {
        return Ok(Some(old));
    }
    Ok(Some(new))
}

/// Runs `upgrade` (or, with `--install` and no release, `install`).
pub async fn run(
    host: &PluginHost,
    cfg: &mut Configuration,
    o: &UpgradeOptions,
) -> Result<Outcome, String> {
    let d = &o.deploy;
    if o.install {
        let none = match cfg.storage.heads(&o.name).await {
            Ok(h) => h.is_empty(),
            Err(StorageError::NotFound) | Err(StorageError::NoRevision(_)) => true,
            Err(e) => return Err(e.to_string()),
        };
        if none {
            let i = InstallOptions {
                name: o.name.clone(),
                chart: o.chart.clone(),
                deploy: o.deploy.clone(),
                from_upgrade: true,
                ..Default::default()
            };
            return install::run(host, cfg, &i).await;
        }
    }
    let clock = deploy::PhaseClock::new(d.debug);
    // The history and the cluster's capabilities are independent of each other and of the
    // chart: ask for both, and read the chart while they are answered.
    let storage = cfg.storage_arc();
    let name = o.name.clone();
    let history = tokio::spawn(async move {
        let recovery = recover(&storage, &name).await?;
        let current = current_release(&storage, &name, &recovery.heads).await?;
        Ok((recovery, current))
    });
    let discovery = d
        .dry_run
        .interacts()
        .then(|| cfg.discover_in_background())
        .transpose()?;
    let chart = template::load_chart(&TemplateOptions {
        args: vec![o.name.clone(), o.chart.clone()],
        ..Default::default()
    });
    clock.mark("chart read");
    let (recovery, current) = finished(history.await)?;
    if let Some(discovery) = discovery {
        let server = finished(discovery.await)
            .map_err(|e| format!("cluster reachability check failed: {e}"))?;
        cfg.discovered(server);
    }
    let caps = install::capabilities(cfg, d.dry_run).await?;
    let last_version = recovery.newest.max(current.version);
    clock.mark("history and discovery");
    let t = TemplateOptions {
        args: vec![o.name.clone(), o.chart.clone()],
        namespace: Some(cfg.namespace.clone()),
        values: d.values.clone(),
        post_renderer: d.post_renderer.clone(),
        post_renderer_args: d.post_renderer_args.clone(),
        debug: d.debug,
        is_upgrade: true,
        skip_schema_validation: d.skip_schema_validation,
        capabilities: caps,
        revision: last_version + 1,
        user_values: user_values(o, &current)?,
        ..Default::default()
    };
    let prepared = template::load_with(&t, &crate::values::LocalFiles, Some(chart))
        .and_then(|l| l.finish(&t))
        .map_err(|e| e.message)?;
    let rendered = deploy::render(host, cfg, prepared, d).await?;
    clock.mark("render");
    let ssa = use_ssa(d.server_side, &current);
    let mut release = deploy::new_release(&rendered, d, last_version + 1, ssa);
    // Helm 4: the previous revision's custom labels, merged with `--labels` (`key=null` unsets).
    let mut labels = crate::storage::custom_labels(&current.labels);
    for (k, v) in &d.labels {
        if v == "null" {
            labels.remove(k);
        } else {
            labels.insert(k.clone(), v.clone());
        }
    }
    labels.retain(|k, _| !k.starts_with("whelm.sh/"));
    release.labels = labels;
    if let (Some(info), Some(old)) = (release.info.as_mut(), current.info.as_ref()) {
        info.first_deployed = old.first_deployed.clone();
    }
    if !d.dry_run.interacts() {
        release.set_status(Status::PendingUpgrade, "Dry run complete");
        return Ok(Outcome {
            release,
            messages: recovery.actions,
        });
    }
    let messages = recovery.actions;
    let kind = Change::Upgrade;
    change(
        cfg,
        release,
        Some(&rendered),
        &current,
        d,
        kind,
        messages,
        &clock,
    )
    .await
}

/// Which verb a change is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Change {
    Upgrade,
    Rollback(i64),
}

impl Change {
    fn events(self) -> (&'static str, &'static str) {
        match self {
            Change::Upgrade => ("pre-upgrade", "post-upgrade"),
            Change::Rollback(_) => ("pre-rollback", "post-rollback"),
        }
    }
}

/// Applies `release` over `current`: ownership checks, lease, hooks, apply, deletes, wait,
/// commit — or failure handling (`--cleanup-on-fail`, `--rollback-on-failure`).
#[allow(clippy::too_many_arguments)]
async fn change(
    cfg: &mut Configuration,
    mut release: Release,
    rendered: Option<&deploy::Rendered>,
    current: &Release,
    d: &DeployOptions,
    kind: Change,
    messages: Vec<String>,
    clock: &deploy::PhaseClock,
) -> Result<Outcome, String> {
    let op = match kind {
        Change::Upgrade => Operation::Upgrade,
        Change::Rollback(_) => Operation::Rollback,
    };
    let description = match kind {
        Change::Upgrade => d
            .description
            .clone()
            .unwrap_or_else(|| "Upgrade complete".to_string()),
        Change::Rollback(v) => format!("Rollback to {v}"),
    };
    if !d.dry_run.is_dry() {
        // Compress what the commit will write while the objects are built and checked: the
        // pending revision, the new revision deployed (when no hook can change it) and the
        // current revision superseded (if it is the deployed one).
        let unchanged = d.no_hooks || release.hooks.is_empty();
        lock::encode_ahead(
            &release,
            op,
            unchanged.then_some(description.as_str()),
            (current.status() == Status::Deployed).then_some(current),
        );
    }
    // As Helm builds them: without the ownership metadata (client-side apply's JSON merge
    // patches diff against these, so the metadata shows as added, as in Helm's).
    let current_items = deploy::build_lenient(cfg, &current.manifest).await?;
    // A render's documents are already parsed; a rollback's manifest is parsed here.
    let target = match rendered {
        Some(r) => deploy::build_rendered(cfg, r).await,
        None => deploy::build(cfg, &release.manifest).await,
    };
    let mut target = target.map_err(|e| {
        format!("unable to build kubernetes objects from new release manifest: {e}")
    })?;
    deploy::set_owner(&mut target, &release.name, &release.namespace);
    let existing: std::collections::BTreeSet<_> = current_items.iter().map(Resource::key).collect();
    let to_create: Vec<Resource> = target
        .iter()
        .filter(|r| !existing.contains(&r.key()))
        .cloned()
        .collect();
    deploy::check_existing(cfg, &to_create, &release.name, d.take_ownership, None)
        .await
        .map_err(|e| match kind {
            Change::Upgrade => format!("unable to continue with update: {e}"),
            Change::Rollback(_) => format!("unable to continue with rollback: {e}"),
        })?;
    clock.mark("ownership check");
    let apply = ApplyOptions {
        force_conflicts: d.force_conflicts,
        dry_run: d.dry_run == DryRun::Server,
        client_side: release.apply_method == "csa",
        force_replace: d.force_replace,
        three_way_unstructured: false,
        // Helm: a rollback always, an upgrade when the release was applied client-side (Helm
        // 3's releases have no apply method).
        upgrade_client_side_manager: release.apply_method != "csa"
            && (matches!(kind, Change::Rollback(_))
                || matches!(current.apply_method.as_str(), "" | "csa")),
    };
    if d.dry_run.is_dry() {
        deploy::apply_over(cfg, &target, &current_items, &apply).await?;
        release.set_status(Status::PendingUpgrade, "Dry run complete");
        return Ok(Outcome { release, messages });
    }
    cfg.storage_mut()?.max_history = d.history_max;
    let owner = lock::new_owner_id();
    let held = lock::begin(
        &cfg.storage,
        release.clone(),
        op,
        &owner,
        lock::lease_secs(),
    )
    .await
    .map_err(|e| e.to_string())?;
    release = held.release.clone();
    clock.mark("pending revision stored");
    let renewer = lock::Renewer::start(cfg.storage_arc(), held);
    let result = perform(cfg, &mut release, &current_items, &target, d, kind, &apply).await;
    clock.mark("hooks, apply, deletes and wait");
    let held = renewer.finish().await.map_err(|e| e.to_string())?;
    match result {
        Ok(()) => {
            let hooks = release.hooks.clone();
            let done = lock::commit_over(
                &cfg.storage,
                held,
                &description,
                |r| r.hooks = hooks,
                Some(current),
            )
            .await
            .map_err(|e| e.to_string())?;
            clock.mark("release deployed");
            Ok(Outcome {
                release: done,
                messages,
            })
        }
        Err(e) => {
            let what = match kind {
                Change::Upgrade => format!("Upgrade {:?} failed: {e}", release.name),
                Change::Rollback(_) => format!("Rollback {:?} failed: {e}", release.name),
            };
            lock::fail(&cfg.storage, held, &what)
                .await
                .map_err(|fe| format!("{e} (and recording the failure failed: {fe})"))?;
            if d.cleanup_on_fail {
                let mut created = to_create.clone();
                created.reverse();
                let errs =
                    deploy::delete_all(cfg, &created, resource::Propagation::Background).await;
                if !errs.is_empty() {
                    return Err(format!(
                        "an error occurred while cleaning up resources. original upgrade error: {e}: {}",
                        errs.join("; ")
                    ));
                }
            }
            if d.rollback_on_failure && kind == Change::Upgrade {
                let r = RollbackOptions {
                    name: release.name.clone(),
                    revision: current.version,
                    deploy: DeployOptions {
                        wait: d.wait,
                        wait_for_jobs: d.wait_for_jobs,
                        timeout: d.timeout,
                        no_hooks: d.no_hooks,
                        force_conflicts: d.force_conflicts,
                        force_replace: d.force_replace,
                        server_side: d.server_side,
                        history_max: d.history_max,
                        cleanup_on_fail: d.cleanup_on_fail,
                        debug: d.debug,
                        ..Default::default()
                    },
                };
                return match Box::pin(rollback(cfg, &r)).await {
                    Ok(_) => Err(format!(
                        "release {} failed, and has been rolled back due to rollback-on-failure being set: {e}",
                        release.name
                    )),
                    Err(re) => Err(format!(
                        "an error occurred while rolling back the release. original upgrade error: {e}: {re}"
                    )),
                };
            }
            Err(e)
        }
    }
}

async fn perform(
    cfg: &mut Configuration,
    release: &mut Release,
    current: &[Resource],
    target: &[Resource],
    d: &DeployOptions,
    kind: Change,
    apply: &ApplyOptions,
) -> Result<(), String> {
    let (pre, post) = kind.events();
    if !d.no_hooks {
        deploy::run_hooks(cfg, release, pre, d)
            .await
            .map_err(|e| format!("{pre} hooks failed: {e}"))?;
    }
    deploy::apply_over(cfg, target, current, apply).await?;
    let mut gone = Vec::new();
    for r in resource::removed(current, target) {
        if r.keeps() {
            continue;
        }
        // An object that cannot be read is left alone, as one owned by someone else.
        if deploy::ownership(cfg, r, &release.name).await == Ok(deploy::Ownership::Owned) {
            gone.push(r.clone());
        }
    }
    let errs = deploy::delete_all(cfg, &gone, resource::Propagation::Background).await;
    if !errs.is_empty() {
        return Err(format!("failed to delete resources: {}", errs.join("; ")));
    }
    deploy::wait_ready(cfg, target, d).await?;
    if !d.no_hooks {
        deploy::run_hooks(cfg, release, post, d)
            .await
            .map_err(|e| format!("{post} hooks failed: {e}"))?;
    }
    Ok(())
}

/// Runs `rollback`: the target revision's chart, values, manifest and hooks become a new
/// revision.
pub async fn rollback(cfg: &mut Configuration, o: &RollbackOptions) -> Result<Outcome, String> {
    let clock = deploy::PhaseClock::new(o.deploy.debug);
    let recovery = recover(&cfg.storage, &o.name).await?;
    if recovery.newest == 0 {
        return Err("release: not found".to_string());
    }
    let wanted = if o.revision > 0 {
        o.revision
    } else {
        recovery.newest - 1
    };
    if wanted < 1 {
        return Err("release has no previous version".into());
    }
    let target = cfg
        .storage
        .get(&o.name, wanted)
        .await
        .map_err(|_| format!("release has no {wanted} version"))?;
    let current = match current_release(&cfg.storage, &o.name, &recovery.heads).await {
        Ok(c) => c,
        Err(_) => cfg
            .storage
            .get(&o.name, recovery.newest)
            .await
            .map_err(|e| e.to_string())?,
    };
    let now = GoTime::now();
    // Helm decides by the revision rolled back to, not the current one.
    let ssa = use_ssa(o.deploy.server_side, &target);
    let mut info = target.info.clone().unwrap_or_default();
    info.first_deployed = current.info.as_ref().and_then(|i| i.first_deployed.clone());
    info.last_deployed = Some(now);
    info.deleted = None;
    info.rollback_revision = wanted;
    let release = Release {
        name: o.name.clone(),
        namespace: target.namespace.clone(),
        chart: target.chart.clone(),
        config: target.config.clone(),
        manifest: target.manifest.clone(),
        hooks: target.hooks.clone(),
        version: recovery.newest + 1,
        info: Some(info),
        apply_method: if ssa { "ssa" } else { "csa" }.to_string(),
        labels: target.labels.clone(),
        ..Default::default()
    };
    if o.deploy.dry_run.is_dry() {
        return Ok(Outcome {
            release,
            messages: recovery.actions,
        });
    }
    change(
        cfg,
        release,
        None,
        &current,
        &o.deploy,
        Change::Rollback(wanted),
        recovery.actions,
        &clock,
    )
    .await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn auto_keeps_the_apply_method_and_helm_3_releases_stay_client_side() {
        let with = |m: &str| Release {
            apply_method: m.into(),
            ..Default::default()
        };
        assert!(use_ssa(ServerSide::Auto, &with("ssa")));
        assert!(!use_ssa(ServerSide::Auto, &with("csa")));
        assert!(!use_ssa(ServerSide::Auto, &with("")), "written by Helm 3");
        assert!(use_ssa(ServerSide::True, &with("")));
        assert!(!use_ssa(ServerSide::False, &with("ssa")));
    }
}
