//! What install, upgrade, rollback and uninstall share: rendering a chart into a release
//! record, turning manifests into cluster objects, applying and deleting them, running hooks and
//! waiting. Helm keeps these on its `action.Configuration`; here they are free functions over
//! [`Configuration`].

use std::collections::BTreeMap;
use std::time::Duration;

use serde_json::Value as Json;
use whelm_template::Value;
use whelm_template::value::Map;

use super::config::Configuration;
use super::template::{self, Prepared};
use crate::chart::Chart;
use crate::kube::client::Cluster;
use crate::kube::ready::WaitStrategy;
use crate::kube::resource::{self, ApplyOptions, BuildError, Propagation, Resource};
use crate::kube::wait::{self, WaitOptions};
use crate::plugin::PluginHost;
use crate::plugin::runtime::CallOptions;
use crate::render::assemble;
use crate::storage::release::{self as rel, GoTime, Release};

/// `--dry-run`: none, `client` (no cluster at all) or `server` (reads the cluster, changes
/// nothing; whelm also sends every apply with `dryRun=All` so the server validates them).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum DryRun {
    #[default]
    None,
    Client,
    Server,
}

impl DryRun {
    /// Helm 4's values: `client`, `server`, `none`, and `true`/`false` (deprecated).
    pub fn parse(s: Option<&str>) -> Result<DryRun, String> {
        match s {
            None | Some("none") | Some("false") => Ok(DryRun::None),
            Some("client") | Some("true") | Some("unset") | Some("") => Ok(DryRun::Client),
            Some("server") => Ok(DryRun::Server),
            Some(other) => Err(format!(
                "invalid dry-run value ({other}). Must be \"none\", \"server\", or \"client\""
            )),
        }
    }
    pub fn is_dry(self) -> bool {
        self != DryRun::None
    }
    /// Whether the cluster is contacted.
    pub fn interacts(self) -> bool {
        self != DryRun::Client
    }
}

/// `--server-side true|false|auto`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ServerSide {
    True,
    False,
    #[default]
    Auto,
}

impl ServerSide {
    pub fn parse(s: &str) -> Result<ServerSide, String> {
        match s {
            "true" => Ok(ServerSide::True),
            "false" => Ok(ServerSide::False),
            "auto" => Ok(ServerSide::Auto),
            _ => Err(format!(
                "invalid server-side value ({s}). Must be \"true\", \"false\" or \"auto\""
            )),
        }
    }
}

/// Flags install and upgrade share.
#[derive(Debug, Clone, Default)]
pub struct DeployOptions {
    pub values: crate::values::Options,
    pub post_renderer: Option<String>,
    pub post_renderer_args: Vec<String>,
    pub server_side: ServerSide,
    pub force_conflicts: bool,
    /// `--force-replace`: client-side apply replaces existing objects (PUT) instead of patching.
    pub force_replace: bool,
    pub dry_run: DryRun,
    pub wait: WaitStrategy,
    pub wait_for_jobs: bool,
    pub timeout: Duration,
    pub rollback_on_failure: bool,
    pub cleanup_on_fail: bool,
    pub take_ownership: bool,
    pub create_namespace: bool,
    pub history_max: usize,
    pub description: Option<String>,
    pub labels: BTreeMap<String, String>,
    pub skip_crds: bool,
    pub no_hooks: bool,
    pub skip_schema_validation: bool,
    pub render_subchart_notes: bool,
    pub debug: bool,
}

impl DeployOptions {
    pub fn wait_options(&self) -> WaitOptions {
        WaitOptions::new(self.wait, self.wait_for_jobs, self.timeout)
    }
}

/// With `--debug`, prints how long each phase of a command took (stderr).
pub struct PhaseClock {
    on: bool,
    start: std::time::Instant,
    last: std::sync::Mutex<std::time::Instant>,
}

impl PhaseClock {
    pub fn new(on: bool) -> PhaseClock {
        let now = std::time::Instant::now();
        PhaseClock {
            on,
            start: now,
            last: std::sync::Mutex::new(now),
        }
    }

    pub fn mark(&self, phase: &str) {
        if !self.on {
            return;
        }
        let now = std::time::Instant::now();
        if let Ok(mut last) = self.last.lock() {
            eprintln!(
                "whelm: {phase}: {} ms (at {} ms)",
                now.duration_since(*last).as_millis(),
                now.duration_since(self.start).as_millis()
            );
            *last = now;
        }
    }
}

/// Converts template values to JSON (as Go's `json.Marshal` would write them).
pub fn values_to_json(m: &Map) -> serde_json::Map<String, Json> {
    let text = whelm_template::json::marshal(&Value::Map(m.clone())).unwrap_or_default();
    match serde_json::from_str(&text) {
        Ok(Json::Object(o)) => o,
        _ => serde_json::Map::new(),
    }
}

/// Converts stored JSON values back to template values (numbers become float64, as in Helm).
pub fn json_to_values(m: &serde_json::Map<String, Json>) -> Map {
    let text = serde_json::to_string(m).unwrap_or_else(|_| "{}".into());
    whelm_template::json::unmarshal_map(&text)
        .map(Map::from_inner)
        .unwrap_or_default()
}

fn release_file(f: &crate::chart::File) -> rel::File {
    rel::File {
        name: f.name.clone(),
        data: Some(f.data.to_vec()),
        ..Default::default()
    }
}

/// The chart as a release stores it (metadata, templates, values, schema, files; no
/// subcharts, as Helm).
pub fn release_chart(c: &Chart) -> rel::Chart {
    let m = &c.metadata;
    let metadata = rel::Metadata {
        name: m.name.clone(),
        home: m.home.clone(),
        sources: m.sources.clone(),
        version: m.version.clone(),
        description: m.description.clone(),
        keywords: m.keywords.clone(),
        maintainers: m
            .maintainers
            .iter()
            .map(|x| rel::Maintainer {
                name: x.name.clone(),
                email: x.email.clone(),
                url: x.url.clone(),
                ..Default::default()
            })
            .collect(),
        icon: m.icon.clone(),
        api_version: m.api_version.clone(),
        condition: m.condition.clone(),
        tags: m.tags.clone(),
        app_version: m.app_version.clone(),
        deprecated: m.deprecated,
        annotations: m.annotations.clone().unwrap_or_default(),
        kube_version: m.kube_version.clone(),
        dependencies: m
            .dependencies
            .iter()
            .map(|d| rel::Dependency {
                name: d.name.clone(),
                version: d.version.clone(),
                repository: d.repository.clone(),
                condition: d.condition.clone(),
                tags: d.tags.clone(),
                enabled: d.enabled,
                import_values: d
                    .import_values
                    .iter()
                    .map(|v| {
                        serde_json::from_str(
                            &whelm_template::json::marshal(v).unwrap_or_else(|_| "null".into()),
                        )
                        .unwrap_or(Json::Null)
                    })
                    .collect(),
                alias: d.alias.clone(),
                ..Default::default()
            })
            .collect(),
        chart_type: m.chart_type.clone(),
        ..Default::default()
    };
    rel::Chart {
        metadata: Some(metadata),
        templates: Some(c.templates.iter().map(release_file).collect()),
        values: Some(values_to_json(&c.values)),
        schema: c.schema.clone(),
        files: Some(c.files.iter().map(release_file).collect()),
        ..Default::default()
    }
}

/// A chart rendered for a release.
pub struct Rendered {
    pub prepared: Prepared,
    pub manifest: String,
    /// The manifest's documents as parsed for sorting, in its order, with their template
    /// paths: the objects are built from these rather than parsed again.
    pub documents: Vec<(String, Value)>,
    pub hooks: Vec<rel::Hook>,
    pub notes: String,
    /// The chart as the release stores it, built once and shared by every revision written.
    pub chart: std::sync::Arc<rel::Chart>,
}

/// Helm's hook record for a rendered hook document.
fn hook_record(h: &assemble::Hook) -> rel::Hook {
    let doc = whelm_template::yaml::load(&h.manifest).unwrap_or(Value::Nil);
    let meta = |k: &str| match &doc {
        Value::Map(m) => match m.get("metadata") {
            Some(Value::Map(md)) => md.get(k),
            _ => None,
        },
        _ => None,
    };
    let name = match meta("name") {
        Some(Value::String(s)) => s.to_string(),
        _ => String::new(),
    };
    let annotation = |k: &str| match meta("annotations") {
        Some(Value::Map(a)) => match a.get(k) {
            Some(Value::String(s)) => Some(s.to_string()),
            _ => None,
        },
        _ => None,
    };
    let list = |k: &str| {
        annotation(k)
            .map(|s| {
                s.split(',')
                    .map(|p| p.trim().to_string())
                    .filter(|p| !p.is_empty())
                    .collect::<Vec<_>>()
            })
            .unwrap_or_default()
    };
    rel::Hook {
        name,
        kind: h.kind.clone(),
        path: h.path.clone(),
        manifest: h.manifest.clone(),
        events: h.events.clone(),
        weight: annotation("helm.sh/hook-weight")
            .and_then(|w| w.trim().parse().ok())
            .unwrap_or(0),
        delete_policies: list("helm.sh/hook-delete-policy"),
        output_log_policies: list("helm.sh/hook-output-log-policy"),
        ..Default::default()
    }
}

/// Renders `chart_ref` for release `name` (Helm's `renderResources`): values, the sandboxed
/// renderer, notes, the post-renderer, manifest sorting.
pub async fn render(
    host: &PluginHost,
    cfg: &Configuration,
    prepared: template::Prepared,
    o: &DeployOptions,
) -> Result<Rendered, String> {
    let chart = std::sync::Arc::new(release_chart(&prepared.chart));
    if !o.dry_run.is_dry() {
        // The release's chart is compressed on the other core while the renderer runs.
        crate::storage::codec::compress_chart_ahead(chart.clone());
    }
    // `lookup` reads the cluster only when the command talks to it (not `--dry-run=client`).
    let lookup = if o.dry_run.interacts() {
        let info = cfg.server().await?.clone();
        Some(crate::kube::lookup::lookup_fn(
            cfg.settings.kube.clone(),
            info,
        ))
    } else {
        None
    };
    let call = CallOptions {
        verbose: o.debug,
        lookup,
        ..Default::default()
    };
    let mut files = template::render_files(host, &prepared, &call)
        .await
        .map_err(|e| e.message)?;
    let top_notes = format!("{}/templates/NOTES.txt", prepared.chart.name());
    let mut notes = String::new();
    for (path, content) in files.iter() {
        if path.ends_with("NOTES.txt") && (path == &top_notes || o.render_subchart_notes) {
            if !notes.is_empty() {
                notes.push('\n');
            }
            notes.push_str(content);
        }
    }
    assemble::drop_notes(&mut files);
    if let Some(name) = &o.post_renderer {
        files = template::post_render(host, &call, &files, name, &o.post_renderer_args).await?;
    }
    let (hooks, manifests) = assemble::sort_manifests(&files)?;
    let mut manifest = String::new();
    let mut documents = Vec::with_capacity(manifests.len());
    for m in manifests {
        manifest.push_str(&format!("---\n# Source: {}\n{}\n", m.path, m.content));
        documents.push((m.path, m.object));
    }
    Ok(Rendered {
        manifest,
        documents,
        hooks: hooks.iter().map(hook_record).collect(),
        notes,
        prepared,
        chart,
    })
}

/// A new release record for a render.
pub fn new_release(r: &Rendered, o: &DeployOptions, revision: i64, ssa: bool) -> Release {
    let now = GoTime::now();
    Release {
        name: r.prepared.release.name.clone(),
        namespace: r.prepared.release.namespace.clone(),
        version: revision,
        chart: Some(r.chart.clone()),
        config: values_to_json(&r.prepared.user_values),
        manifest: r.manifest.clone(),
        hooks: r.hooks.clone(),
        info: Some(rel::Info {
            first_deployed: Some(now.clone()),
            last_deployed: Some(now),
            notes: r.notes.clone(),
            ..Default::default()
        }),
        apply_method: if ssa { "ssa" } else { "csa" }.to_string(),
        labels: o.labels.clone(),
        ..Default::default()
    }
}

/// Builds a manifest's objects, rediscovering once if a kind is unknown (CRDs just created).
pub async fn build(cfg: &mut Configuration, manifest: &str) -> Result<Vec<Resource>, String> {
    let ns = cfg.namespace.clone();
    rediscovering(cfg, |info| resource::build(manifest, &ns, info)).await
}

/// As [`build`], for a render's manifest, from the documents it already parsed.
pub async fn build_rendered(
    cfg: &mut Configuration,
    rendered: &Rendered,
) -> Result<Vec<Resource>, String> {
    let ns = cfg.namespace.clone();
    let docs = || rendered.documents.iter().map(|(p, v)| (p.as_str(), v));
    rediscovering(cfg, |info| resource::build_parsed(docs(), &ns, info)).await
}

/// Runs `build` with the cluster's API resources; if it meets a kind they lack, once more
/// after discovering them again.
async fn rediscovering(
    cfg: &mut Configuration,
    build: impl Fn(&crate::kube::discovery::ServerInfo) -> Result<Vec<Resource>, BuildError>,
) -> Result<Vec<Resource>, String> {
    match build(cfg.server().await?) {
        Err(BuildError::Unmapped(_)) => {
            cfg.forget_server();
            build(cfg.server().await?).map_err(|e| e.to_string())
        }
        r => r.map_err(|e| e.to_string()),
    }
}

/// Builds the objects of an old release's manifest, skipping kinds the cluster no longer
/// serves (there is nothing left to delete or compare for them).
pub async fn build_lenient(cfg: &Configuration, manifest: &str) -> Result<Vec<Resource>, String> {
    let info = cfg.server().await?;
    let mut out = Vec::new();
    for doc in assemble::split_manifests(manifest) {
        match resource::build(&doc, &cfg.namespace, info) {
            Ok(mut v) => out.append(&mut v),
            Err(BuildError::Unmapped(_)) => {}
            Err(e) => return Err(e.to_string()),
        }
    }
    Ok(out)
}

fn progress_printer(debug: bool) -> impl FnMut(&str) + Send {
    move |line: &str| {
        if debug || std::io::IsTerminal::is_terminal(&std::io::stderr()) {
            eprintln!("{line}");
        }
    }
}

/// Applies objects in waves (see [`resource::waves`]): concurrently where the apiserver does
/// not care about order. The first failure stops later waves; the error names it (and how many
/// more failed in its wave).
pub async fn apply_all(
    cfg: &Configuration,
    items: &[Resource],
    opts: &ApplyOptions,
) -> Result<(), String> {
    apply_over(cfg, items, &[], opts).await
}

/// As [`apply_all`], with the objects client-side apply patches from (Helm's `originals`: the
/// previous revision's objects on upgrade and rollback; on install, the targets themselves,
/// since Helm adopts an existing object with itself as the original). An object missing from
/// `originals` is patched against its live state.
pub async fn apply_over(
    cfg: &Configuration,
    items: &[Resource],
    originals: &[Resource],
    opts: &ApplyOptions,
) -> Result<(), String> {
    if opts.force_replace && !opts.client_side {
        return Err(resource::FORCE_REPLACE_WITH_SSA.to_string());
    }
    let cluster = cfg.cluster()?;
    let results = resource::in_waves(items, |r| async move {
        if opts.client_side {
            let original = originals.iter().find(|o| o.key() == r.key());
            return cluster.apply_client_side(r, original, opts).await.map(drop);
        }
        if opts.upgrade_client_side_manager {
            cluster.upgrade_client_side_manager(r, opts.dry_run).await?;
        }
        apply_one(cluster, r, opts).await
    })
    .await;
    let errs: Vec<String> = results
        .into_iter()
        .flatten()
        .filter_map(Result::err)
        .collect();
    match errs.len() {
        0 => Ok(()),
        1 => Err(errs[0].clone()),
        n => Err(format!("{} (and {} more objects failed)", errs[0], n - 1)),
    }
}

/// Helm's `Client.Create`: a server-side apply of each object (in waves), or with `ssa`
/// false a plain create, which fails on an existing object unless `keep_existing`. Returns
/// whether an object existed (and was kept).
pub async fn create_all(
    cfg: &Configuration,
    items: &[Resource],
    ssa: bool,
    force_conflicts: bool,
    keep_existing: bool,
) -> Result<bool, String> {
    if ssa {
        let opts = ApplyOptions {
            force_conflicts,
            ..Default::default()
        };
        return apply_all(cfg, items, &opts).await.map(|()| false);
    }
    let cluster = cfg.cluster()?;
    let results = resource::in_waves(items, |r| create_one(cluster, r, keep_existing)).await;
    let mut existed = false;
    for r in results.into_iter().flatten() {
        existed |= r?;
    }
    Ok(existed)
}

/// A plain create of `r`; with `keep_existing`, an object that exists is kept (`Ok(true)`).
async fn create_one(cluster: &Cluster, r: &Resource, keep_existing: bool) -> Result<bool, String> {
    match cluster.create(r, false).await {
        Err(e) if keep_existing && e.is_already_exists() => Ok(true),
        other => other.map(|_| false).map_err(|e| e.to_string()),
    }
}

/// One server-side apply, its error worded as Helm's.
pub async fn apply_one(cluster: &Cluster, r: &Resource, opts: &ApplyOptions) -> Result<(), String> {
    cluster.apply(r, opts).await.map(drop).map_err(|e| {
        let what = if e.is_conflict() {
            "conflict occurred while applying"
        } else {
            "server-side apply failed for"
        };
        format!(
            "{what} object {}/{} {}: {e}",
            r.namespace,
            r.name,
            resource::gvk_string(r)
        )
    })
}

/// Deletes objects (already in the order wanted); missing ones are fine. Returns the errors.
pub async fn delete_all(cfg: &Configuration, items: &[Resource], p: Propagation) -> Vec<String> {
    let Ok(cluster) = cfg.cluster() else {
        return vec!["no cluster configured".into()];
    };
    let mut errs = Vec::new();
    for r in items {
        if let Err(e) = cluster.delete_resource(r, p).await {
            errs.push(format!("failed to delete {}: {e}", r.describe()));
        }
    }
    errs
}

/// Waits for objects per `--wait`.
pub async fn wait_ready(
    cfg: &Configuration,
    items: &[Resource],
    o: &DeployOptions,
) -> Result<(), String> {
    let mut report = progress_printer(o.debug);
    wait::wait_ready(cfg.cluster()?, items, &o.wait_options(), &mut report).await
}

/// Installs the chart tree's CRDs (`crds/` directories) and waits until they are established.
pub async fn install_crds(
    cfg: &mut Configuration,
    chart: &Chart,
    ssa: bool,
    force_conflicts: bool,
) -> Result<(), String> {
    let crds = chart.crd_objects(chart.name());
    if crds.is_empty() {
        return Ok(());
    }
    let mut all = Vec::new();
    for crd in crds {
        let text = String::from_utf8_lossy(&crd.file.data).to_string();
        let items = build(cfg, &text)
            .await
            .map_err(|e| format!("failed to install CRD {}: {e}", crd.filename))?;
        if items.is_empty() {
            return Err(format!(
                "failed to install CRD {}: resources are empty",
                crd.filename
            ));
        }
        // Helm's `Client.Create`: applied server-side, or created; an existing one is kept as
        // it is, and not waited for.
        let created = create_all(cfg, &items, ssa, force_conflicts, true).await;
        let existed =
            created.map_err(|e| format!("failed to install CRD {}: {e}", crd.filename))?;
        if !existed {
            all.extend(items);
        }
    }
    let o = WaitOptions::new(WaitStrategy::Watcher, false, Duration::from_secs(60));
    let mut report = progress_printer(false);
    wait::wait_ready(cfg.cluster()?, &all, &o, &mut report).await?;
    cfg.forget_server();
    Ok(())
}

fn hook_sort(hooks: &mut [&mut rel::Hook]) {
    hooks.sort_by(|a, b| a.weight.cmp(&b.weight).then_with(|| a.name.cmp(&b.name)));
}

/// Runs the hooks of `event` (Helm's `execHook`): by weight then name; each one's old objects
/// deleted first (`before-hook-creation`, the default policy), applied, waited for (Jobs to
/// complete, Pods to succeed), and deleted afterwards per `hook-succeeded`/`hook-failed`.
pub async fn run_hooks(
    cfg: &mut Configuration,
    release: &mut Release,
    event: &str,
    o: &DeployOptions,
) -> Result<(), String> {
    let release_ssa = release.apply_method == "ssa";
    let mut hooks: Vec<&mut rel::Hook> = release
        .hooks
        .iter_mut()
        .filter(|h| h.events.iter().any(|e| e == event))
        .collect();
    if hooks.is_empty() {
        return Ok(());
    }
    hook_sort(&mut hooks);
    let mut wait_o = o.wait_options();
    if wait_o.strategy == WaitStrategy::HookOnly {
        wait_o.strategy = WaitStrategy::Watcher;
    }
    let mut report = progress_printer(o.debug);
    let mut done: Vec<Vec<Resource>> = Vec::new();
    for i in 0..hooks.len() {
        if hooks[i].delete_policies.is_empty() {
            hooks[i].delete_policies = vec!["before-hook-creation".into()];
        }
        let items = build(cfg, &hooks[i].manifest.clone()).await.map_err(|e| {
            format!(
                "unable to build kubernetes object for {event} hook {}: {e}",
                hooks[i].path
            )
        })?;
        let h = &mut hooks[i];
        if has_policy(h, "before-hook-creation") && h.kind != "CustomResourceDefinition" {
            delete_and_wait(cfg, &items, &wait_o).await?;
        }
        h.last_run = rel::HookExecution {
            started_at: Some(GoTime::now()),
            phase: "Running".into(),
            ..Default::default()
        };
        // Helm creates hooks server-side when the release is applied so (and always for
        // uninstall's), else with a plain create.
        let ssa = event.ends_with("-delete") || release_ssa;
        let applied = create_all(cfg, &items, ssa, false, false).await.map(drop);
        if let Err(e) = applied {
            h.last_run.completed_at = Some(GoTime::now());
            h.last_run.phase = "Failed".into();
            return Err(format!("warning: Hook {event} {} failed: {e}", h.path));
        }
        let waited = wait::wait_hooks(cfg.cluster()?, &items, &wait_o, &mut report).await;
        let h = &mut hooks[i];
        h.last_run.completed_at = Some(GoTime::now());
        if let Err(e) = waited {
            h.last_run.phase = "Failed".into();
            if has_policy(h, "hook-failed") && h.kind != "CustomResourceDefinition" {
                let _ = delete_and_wait(cfg, &items, &wait_o).await;
            }
            for (j, earlier) in done.iter().enumerate() {
                if has_policy(hooks[j], "hook-succeeded") {
                    delete_and_wait(cfg, earlier, &wait_o).await?;
                }
            }
            return Err(e);
        }
        hooks[i].last_run.phase = "Succeeded".into();
        done.push(items);
    }
    for (j, items) in done.iter().enumerate().rev() {
        if has_policy(hooks[j], "hook-succeeded") && hooks[j].kind != "CustomResourceDefinition" {
            delete_and_wait(cfg, items, &wait_o).await?;
        }
    }
    Ok(())
}

fn has_policy(h: &rel::Hook, p: &str) -> bool {
    h.delete_policies.iter().any(|x| x == p)
}

async fn delete_and_wait(
    cfg: &Configuration,
    items: &[Resource],
    o: &WaitOptions,
) -> Result<(), String> {
    let errs = delete_all(cfg, items, Propagation::Background).await;
    if !errs.is_empty() {
        return Err(errs.join("; "));
    }
    let mut report = progress_printer(false);
    wait::wait_deleted(cfg.cluster()?, items, o, &mut report).await
}

/// Adds Helm's ownership metadata to every object.
pub fn set_owner(items: &mut [Resource], release: &str, namespace: &str) {
    for r in items {
        r.set_owner(release, namespace);
    }
}

/// Objects that already exist: for `--take-ownership` they are adopted; otherwise each must
/// carry this release's ownership metadata (Helm's `existingResourceConflict`). Returns how
/// many exist.
pub async fn check_existing(
    cfg: &Configuration,
    items: &[Resource],
    release: &str,
    take_ownership: bool,
    known_absent: Option<&str>,
) -> Result<usize, String> {
    let cluster = cfg.cluster()?;
    use futures::stream::{self, StreamExt};
    // Nothing can exist in a namespace that does not: one GET of a namespace that holds two
    // or more of the objects may spare their GETs (a fresh `--create-namespace` install).
    // Anything but a 404 (e.g. no right to read namespaces) means: ask object by object.
    // `known_absent` was seen missing before this command started creating it.
    let mut per_ns: std::collections::BTreeMap<&str, usize> = Default::default();
    for r in items.iter().filter(|r| !r.namespace.is_empty()) {
        *per_ns.entry(r.namespace.as_str()).or_default() += 1;
    }
    let candidates: Vec<&str> = per_ns
        .into_iter()
        .filter(|(ns, n)| *n >= 2 && Some(*ns) != known_absent)
        .map(|(ns, _)| ns)
        .collect();
    let found: Vec<_> = stream::iter(
        candidates
            .iter()
            .map(|ns| async move { cluster.get_meta(&format!("/api/v1/namespaces/{ns}")).await }),
    )
    .buffered(resource::MAX_IN_FLIGHT)
    .collect()
    .await;
    let absent: Vec<&str> = candidates
        .iter()
        .zip(found)
        .filter(|(_, r)| matches!(r, Err(e) if e.is_not_found()))
        .map(|(ns, _)| *ns)
        .chain(known_absent)
        .collect();
    let items: Vec<&Resource> = items
        .iter()
        .filter(|r| !absent.contains(&r.namespace.as_str()))
        .collect();
    let lives: Vec<_> = stream::iter(items.iter().map(|r| cluster.get_live_meta(r)))
        .buffered(resource::MAX_IN_FLIGHT)
        .collect()
        .await;
    let mut existing = 0;
    for (r, live) in items.into_iter().zip(lives) {
        let live = live.map_err(|e| {
            format!(
                "could not get information about the resource {}: {e}",
                r.describe()
            )
        })?;
        let Some(live) = live else {
            continue;
        };
        existing += 1;
        if !take_ownership
            && let Some(e) = resource::ownership_error(r, &live, release, &cfg.namespace)
        {
            return Err(e);
        }
    }
    Ok(existing)
}

/// Who owns the live counterpart of an object of the release.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ownership {
    /// Not on the cluster.
    Absent,
    /// Carries this release's ownership metadata: ours to delete.
    Owned,
    /// Exists but belongs to another release or to nobody.
    Foreign,
}

/// One GET: whether the live object is this release's (deletion skips others' objects).
pub async fn ownership(
    cfg: &Configuration,
    r: &Resource,
    release: &str,
) -> Result<Ownership, String> {
    let live = cfg
        .cluster()?
        .get_live_meta(r)
        .await
        .map_err(|e| e.to_string())?;
    Ok(match live {
        None => Ownership::Absent,
        Some(live) => match resource::ownership_error(r, &live, release, &cfg.namespace) {
            None => Ownership::Owned,
            Some(_) => Ownership::Foreign,
        },
    })
}

/// The release namespace as `--create-namespace` creates it.
pub async fn namespace_object(cfg: &mut Configuration) -> Result<Resource, String> {
    let ns = cfg.namespace.clone();
    let doc = format!(
        "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: {ns}\n  labels:\n    name: {ns}\n"
    );
    let mut items = build(cfg, &doc).await?;
    items
        .pop()
        .ok_or_else(|| "building the namespace object gave nothing".to_string())
}

/// Whether namespace `name` does not exist (`false` also when that cannot be told).
pub async fn namespace_absent(cluster: &Cluster, name: &str) -> bool {
    let found = cluster
        .get_meta(&format!("/api/v1/namespaces/{name}"))
        .await;
    matches!(found, Err(e) if e.is_not_found())
}

/// Creates the release namespace (`--create-namespace`) as Helm's `Client.Create` does:
/// applied server-side, or created with a plain POST; an existing one is fine.
pub async fn create_namespace(cluster: &Cluster, ns: &Resource, ssa: bool) -> Result<(), String> {
    if ssa {
        return apply_one(cluster, ns, &ApplyOptions::default()).await;
    }
    create_one(cluster, ns, true).await.map(drop)
}

/// Helm's time for `LAST DEPLOYED:` (`time.ANSIC` in local time).
pub fn ansic(t: &GoTime) -> String {
    t.to_string()
}
