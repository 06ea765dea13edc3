//! `whelm install` (Helm's `action.Install`): render, check ownership of existing objects,
//! store the pending revision under whelm's lease, run pre-install hooks, apply with
//! server-side apply, wait, run post-install hooks, mark deployed.

use super::config::{Configuration, finished};
use super::deploy::{self, DeployOptions, DryRun, ServerSide};
use super::template::{self, TemplateOptions, validate_release_name};
use crate::kube::resource::{ApplyOptions, Resource};
use crate::plugin::PluginHost;
use crate::render;
use crate::storage::lock::{self, Operation};
use crate::storage::release::{Release, Status};
use crate::storage::{Storage, StorageError};

/// `helm install NAME CHART` and its flags.
#[derive(Debug, Clone, Default)]
pub struct InstallOptions {
    pub name: String,
    pub chart: String,
    pub deploy: DeployOptions,
    /// `--replace`: reuse the name of an uninstalled or failed release.
    pub replace: bool,
    /// `--kube-version` / `--api-versions` (client dry-run only).
    pub kube_version: Option<String>,
    pub api_versions: Vec<String>,
    /// Set by `upgrade --install` (`.Release.IsUpgrade` stays false, as in Helm).
    pub from_upgrade: bool,
}

/// A finished command's release and anything to say first.
pub struct Outcome {
    pub release: Release,
    /// Notes for the user printed before the status (recoveries, warnings).
    pub messages: Vec<String>,
}

fn template_options(
    o: &InstallOptions,
    namespace: &str,
    caps: Option<render::Capabilities>,
) -> TemplateOptions {
    TemplateOptions {
        args: vec![o.name.clone(), o.chart.clone()],
        values: o.deploy.values.clone(),
        namespace: Some(namespace.to_string()),
        kube_version: o.kube_version.clone(),
        api_versions: o.api_versions.clone(),
        post_renderer: o.deploy.post_renderer.clone(),
        post_renderer_args: o.deploy.post_renderer_args.clone(),
        debug: o.deploy.debug,
        capabilities: caps,
        revision: 1,
        skip_schema_validation: o.deploy.skip_schema_validation,
        ..Default::default()
    }
}

/// Helm's `availableName`: the name is free, or (`--replace`) its last revision is
/// uninstalled or failed. `Ok(true)` when the name has no history at all.
async fn available_name(storage: &Storage, name: &str, replace: bool) -> Result<bool, String> {
    validate_release_name(name).map_err(|e| format!("release name {name:?}: {e}"))?;
    // The heads (labels) say the last revision's status; no release need be decoded.
    match storage.heads(name).await {
        Ok(heads) => {
            let st = heads.last().map(|h| &h.status);
            if st.is_none() || replace && matches!(st, Some(Status::Uninstalled | Status::Failed)) {
                Ok(st.is_none())
            } else {
                Err("cannot reuse a name that is still in use".into())
            }
        }
        Err(StorageError::NoRevision(_)) | Err(StorageError::NotFound) => Ok(true),
        Err(e) => Err(e.to_string()),
    }
}

/// Capabilities for rendering: the cluster's, or Helm's defaults for a client dry run.
pub async fn capabilities(
    cfg: &Configuration,
    dry_run: DryRun,
) -> Result<Option<render::Capabilities>, String> {
    if !dry_run.interacts() {
        return Ok(None);
    }
    let info = cfg
        .server()
        .await
        .map_err(|e| format!("cluster reachability check failed: {e}"))?;
    Ok(Some(render::cluster_capabilities(
        &info.git_version,
        info.api_versions.iter().cloned().collect(),
    )))
}

/// Runs `install`.
pub async fn run(
    host: &PluginHost,
    cfg: &mut Configuration,
    o: &InstallOptions,
) -> Result<Outcome, String> {
    let d = &o.deploy;
    // An install has no earlier apply method to keep: `auto` is server-side.
    let ssa = d.server_side != ServerSide::False;
    let clock = deploy::PhaseClock::new(d.debug);
    // Discovery, the name check and whether `--create-namespace` has a namespace to create
    // wait on the cluster: start them, then read the chart.
    let mut namespace_check = None;
    let checks = if d.dry_run.interacts() {
        let discovery = cfg.discover_in_background()?;
        let storage = cfg.storage_arc();
        let (name, replace) = (o.name.clone(), o.replace);
        let name_check =
            tokio::spawn(async move { available_name(&storage, &name, replace).await });
        if d.create_namespace && !d.dry_run.is_dry() {
            let (cluster, ns) = (cfg.cluster()?.clone(), cfg.namespace.clone());
            namespace_check = Some(tokio::spawn(async move {
                deploy::namespace_absent(&cluster, &ns).await
            }));
        }
        Some((discovery, name_check))
    } else {
        validate_release_name(&o.name)
            .map_err(|e| format!("release name check failed: release name {:?}: {e}", o.name))?;
        None
    };
    let mut t = template_options(o, &cfg.namespace, None);
    let chart = template::load_chart(&t);
    clock.mark("chart read");
    let mut fresh = false;
    if let Some((discovery, name_check)) = checks {
        let (server, name) = tokio::join!(discovery, name_check);
        let server =
            finished(server).map_err(|e| format!("cluster reachability check failed: {e}"))?;
        cfg.discovered(server);
        fresh = finished(name).map_err(|e| format!("release name check failed: {e}"))?;
    }
    clock.mark("discovery");
    for k in o.deploy.labels.keys() {
        if system_labels_names().contains(&k.as_str()) {
            return Err(format!(
                "user supplied labels contains system reserved label name. System labels: {:?}",
                system_labels_names()
            ));
        }
    }
    let loaded =
        template::load_with(&t, &crate::values::LocalFiles, Some(chart)).map_err(|e| e.message)?;
    // CRDs first, so that discovery (and `.Capabilities`) sees them; only the
    // CRDs of the charts left after conditions and tags, as Helm.
    if d.dry_run.interacts() && !d.skip_crds {
        let chart = &loaded.chart;
        if d.dry_run.is_dry() {
            if !chart.crd_objects(chart.name()).is_empty() {
                eprintln!(
                    "WARNING: This chart or one of its subcharts contains CRDs. Rendering may fail or contain inaccuracies."
                );
            }
        } else {
            deploy::install_crds(cfg, chart, ssa, d.force_conflicts).await?;
        }
    }
    t.capabilities = capabilities(cfg, d.dry_run).await?;
    let prepared = loaded.finish(&t).map_err(|e| e.message)?;
    clock.mark("values");
    let rendered = deploy::render(host, cfg, prepared, d).await?;
    clock.mark("render");
    let mut release = deploy::new_release(&rendered, d, 1, ssa);
    if !d.dry_run.interacts() {
        release.set_status(Status::PendingInstall, "Dry run complete");
        return Ok(Outcome {
            release,
            messages: Vec::new(),
        });
    }
    let description = d
        .description
        .clone()
        .unwrap_or_else(|| "Install complete".to_string());
    if !d.dry_run.is_dry() {
        // Compress the pending revision (and, when no hook can change it, the deployed one)
        // while the objects are built and their ownership checked.
        let unchanged = d.no_hooks || release.hooks.is_empty();
        lock::encode_ahead(
            &release,
            Operation::Install,
            unchanged.then_some(description.as_str()),
            None,
        );
    }
    // The pending revision (after the namespace, with `--create-namespace`) is written while
    // the objects are built and their ownership checked: it waits on the apiserver, they
    // mostly on the CPU. If the check fails, the revision is deleted again, so the history is
    // left as Helm leaves it (Helm checks before it writes).
    let (pending, absent) = if d.dry_run.is_dry() {
        (None, None)
    } else {
        let (task, absent) = store_pending(cfg, &release, fresh, ssa, d, namespace_check).await?;
        (Some(task), absent)
    };
    let checked = build_and_check(cfg, &rendered, &release, d, absent, &clock).await;
    let (items, existing) = match checked {
        Ok(v) => v,
        Err(e) => {
            if let Some(task) = pending
                && let Ok(Ok(held)) = task.await
                && let Err(ae) = lock::abandon(&cfg.storage, held).await
            {
                return Err(format!(
                    "{e} (and removing the pending revision failed: {ae})"
                ));
            }
            return Err(e);
        }
    };
    let apply = ApplyOptions {
        force_conflicts: d.force_conflicts,
        dry_run: d.dry_run == DryRun::Server,
        client_side: !ssa,
        // Helm only updates (and so replaces, or refuses --force-replace with server-side
        // apply) when it adopts existing objects; otherwise it creates.
        force_replace: d.force_replace && existing > 0,
        three_way_unstructured: d.take_ownership,
        // Helm moves client-side-applied fields to server-side apply on the objects it adopts.
        upgrade_client_side_manager: ssa && existing > 0,
    };
    let Some(pending) = pending else {
        deploy::apply_over(cfg, &items, &items, &apply).await?;
        release.set_status(Status::PendingInstall, "Dry run complete");
        return Ok(Outcome {
            release,
            messages: Vec::new(),
        });
    };
    let held = finished(pending.await)?;
    release = held.release.clone();
    clock.mark("pending revision stored");
    let renewer = lock::Renewer::start(cfg.storage_arc(), held);
    let result = perform(cfg, &mut release, &items, o, &apply).await;
    clock.mark("hooks, apply and wait");
    let held = renewer.finish().await.map_err(|e| e.to_string())?;
    match result {
        Ok(()) => {
            let hooks = release.hooks.clone();
            let done = lock::commit(&cfg.storage, held, &description, |r| r.hooks = hooks)
                .await
                .map_err(|e| e.to_string())?;
            clock.mark("release deployed");
            Ok(Outcome {
                release: done,
                messages: Vec::new(),
            })
        }
        Err(e) => {
            let failed = lock::fail(
                &cfg.storage,
                held,
                &format!("Release {:?} failed: {e}", o.name),
            )
            .await;
            if let Err(fe) = failed {
                return Err(format!("{e} (and recording the failure failed: {fe})"));
            }
            if d.rollback_on_failure {
                let u = super::uninstall::UninstallOptions {
                    name: o.name.clone(),
                    no_hooks: d.no_hooks,
                    keep_history: false,
                    wait: d.wait,
                    timeout: d.timeout,
                    ..Default::default()
                };
                if let Err(ue) = super::uninstall::run(cfg, &u).await {
                    return Err(format!(
                        "an error occurred while uninstalling the release. original install error: {e}: {ue}"
                    ));
                }
                return Err(format!(
                    "release {} failed, and has been uninstalled due to rollback-on-failure being set: {e}",
                    o.name
                ));
            }
            Err(e)
        }
    }
}

/// Starts writing the pending revision on the runtime's worker thread. With
/// `--create-namespace`, `namespace_check` is the look for the namespace started with the
/// command: the namespace is created first, and the answer says whether it was missing
/// before this command created it.
#[allow(clippy::type_complexity)]
async fn store_pending(
    cfg: &mut Configuration,
    release: &Release,
    fresh: bool,
    ssa: bool,
    d: &DeployOptions,
    namespace_check: Option<tokio::task::JoinHandle<bool>>,
) -> Result<
    (
        tokio::task::JoinHandle<Result<lock::Held, String>>,
        Option<tokio::sync::oneshot::Receiver<bool>>,
    ),
    String,
> {
    let (namespace, absent) = match namespace_check {
        Some(check) => {
            let object = deploy::namespace_object(cfg).await?;
            let (tell, absent) = tokio::sync::oneshot::channel();
            (
                Some((cfg.cluster()?.clone(), object, check, tell)),
                Some(absent),
            )
        }
        None => (None, None),
    };
    cfg.storage_mut()?.max_history = d.history_max;
    let storage = cfg.storage_arc();
    let release = release.clone();
    let task = tokio::spawn(async move {
        if let Some((cluster, ns, check, tell)) = namespace {
            let _ = tell.send(check.await.unwrap_or(false));
            deploy::create_namespace(&cluster, &ns, ssa).await?;
        }
        let owner = lock::new_owner_id();
        let (op, lease) = (Operation::Install, lock::lease_secs());
        let held = if fresh {
            lock::begin_first(&storage, release, op, &owner, lease).await
        } else {
            lock::begin(&storage, release, op, &owner, lease).await
        };
        held.map_err(|e| e.to_string())
    });
    Ok((task, absent))
}

/// Builds the release's objects and checks that none belongs to someone else (Helm's
/// `existingResourceConflict`). Returns them and how many exist already.
async fn build_and_check(
    cfg: &mut Configuration,
    rendered: &deploy::Rendered,
    release: &Release,
    d: &DeployOptions,
    absent: Option<tokio::sync::oneshot::Receiver<bool>>,
    clock: &deploy::PhaseClock,
) -> Result<(Vec<Resource>, usize), String> {
    let mut items = deploy::build_rendered(cfg, rendered)
        .await
        .map_err(|e| format!("unable to build kubernetes objects from release manifest: {e}"))?;
    deploy::set_owner(&mut items, &release.name, &release.namespace);
    clock.mark("objects built");
    // The check must not look for the namespace this command is creating meanwhile.
    let known_absent = match absent {
        Some(absent) => absent.await.unwrap_or(false).then(|| cfg.namespace.clone()),
        None => None,
    };
    let existing = deploy::check_existing(
        cfg,
        &items,
        &release.name,
        d.take_ownership,
        known_absent.as_deref(),
    )
    .await
    .map_err(|e| format!("unable to continue with install: {e}"))?;
    clock.mark("ownership check");
    Ok((items, existing))
}

async fn perform(
    cfg: &mut Configuration,
    release: &mut Release,
    items: &[Resource],
    o: &InstallOptions,
    apply: &ApplyOptions,
) -> Result<(), String> {
    let d = &o.deploy;
    if !d.no_hooks {
        deploy::run_hooks(cfg, release, "pre-install", d)
            .await
            .map_err(|e| format!("failed pre-install: {e}"))?;
    }
    // Helm adopts an existing object with the target itself as the original: the patch only
    // adds and changes.
    deploy::apply_over(cfg, items, items, apply).await?;
    deploy::wait_ready(cfg, items, d).await?;
    if !d.no_hooks {
        deploy::run_hooks(cfg, release, "post-install", d)
            .await
            .map_err(|e| format!("failed post-install: {e}"))?;
    }
    Ok(())
}

/// Label names the storage reserves (Helm's `GetSystemLabels`).
pub fn system_labels_names() -> Vec<&'static str> {
    vec![
        "name",
        "owner",
        "status",
        "version",
        "createdAt",
        "modifiedAt",
    ]
}
