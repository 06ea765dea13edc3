//! The release verbs that change a cluster: `install`, `upgrade`, `rollback`, `uninstall`.
//! Flags as Helm 4.3.1 spells them; each turns into an options value of the action layer.

use std::collections::BTreeMap;
use std::path::PathBuf;

use clap::{Args, Subcommand};

use super::{Failure, plugin_host};
use crate::action::config::Configuration;
use crate::action::deploy::{DeployOptions, DryRun, ServerSide};
use crate::action::install::{InstallOptions, Outcome};
use crate::action::uninstall::UninstallOptions;
use crate::action::upgrade::{RollbackOptions, UpgradeOptions};
use crate::action::{self, OutputFormat};
use crate::kube::ready::WaitStrategy;
use crate::kube::resource::Propagation;
use crate::plugin::units::Dur;
use crate::settings::Settings;

#[derive(Subcommand, Debug)]
pub enum ReleaseCommand {
    /// Install a chart
    Install(Box<InstallArgs>),
    /// Upgrade a release
    Upgrade(Box<UpgradeArgs>),
    /// Roll back a release to a previous revision
    Rollback(Box<RollbackArgs>),
    /// Uninstall a release
    #[command(alias = "un", alias = "delete", alias = "del")]
    Uninstall(Box<UninstallArgs>),
    /// Run tests for a release
    Test(TestArgs),
}

/// `helm test [RELEASE]`.
#[derive(Args, Debug)]
pub struct TestArgs {
    pub name: String,
    /// Time to wait for any individual Kubernetes operation (like Jobs for hooks)
    #[arg(long, default_value = "5m0s")]
    pub timeout: String,
    /// Specify tests by attribute (currently "name") using attribute=value syntax or '!attribute=value' to exclude a test (can specify multiple or separate values with commas: name=test1,name=test2)
    #[arg(long, value_delimiter = ',')]
    pub filter: Vec<String>,
    /// Hide notes from the output
    #[arg(long = "hide-notes")]
    pub hide_notes: bool,
}

/// Values flags (`-f`, `--set`…), as `helm template` has them.
#[derive(Args, Debug, Clone, Default)]
pub struct ValuesArgs {
    /// Specify values in a YAML file (can specify multiple)
    #[arg(short = 'f', long = "values", value_delimiter = ',')]
    pub values: Vec<String>,
    /// Set values on the command line (can specify multiple or separate values with commas: key1=val1,key2=val2)
    #[arg(long = "set")]
    pub set: Vec<String>,
    /// Set STRING values on the command line
    #[arg(long = "set-string")]
    pub set_string: Vec<String>,
    /// Set values from respective files specified via the command line
    #[arg(long = "set-file")]
    pub set_file: Vec<String>,
    /// Set JSON values on the command line
    #[arg(long = "set-json")]
    pub set_json: Vec<String>,
    /// Set a literal STRING value on the command line
    #[arg(long = "set-literal")]
    pub set_literal: Vec<String>,
}

impl ValuesArgs {
    pub fn options(&self) -> crate::values::Options {
        crate::values::Options {
            value_files: self.values.clone(),
            values: self.set.clone(),
            string_values: self.set_string.clone(),
            file_values: self.set_file.clone(),
            json_values: self.set_json.clone(),
            literal_values: self.set_literal.clone(),
        }
    }
}

/// Waiting and apply flags shared by install, upgrade and rollback.
#[derive(Args, Debug, Clone)]
pub struct ApplyArgs {
    /// Wait until resources are ready: "watcher" (the default for a bare --wait), "legacy", or "hookOnly"
    #[arg(long, num_args = 0..=1, default_missing_value = "watcher", require_equals = true)]
    pub wait: Option<String>,
    /// If set and --wait enabled, will wait until all Jobs have been completed before marking the release as successful
    #[arg(long = "wait-for-jobs")]
    pub wait_for_jobs: bool,
    /// Time to wait for any individual Kubernetes operation (like Jobs for hooks)
    #[arg(long, default_value = "5m0s")]
    pub timeout: String,
    /// Prevent hooks from running
    #[arg(long = "no-hooks")]
    pub no_hooks: bool,
    /// Object updates run in the API server using server-side apply (true, false or auto)
    #[arg(long = "server-side", default_value = "auto")]
    pub server_side: String,
    /// If set server-side apply will force changes against conflicts
    #[arg(long = "force-conflicts")]
    pub force_conflicts: bool,
    /// Force resource updates by replacement
    #[arg(long = "force-replace")]
    pub force_replace: bool,
    /// Deprecated: use --force-replace instead
    #[arg(long = "force", hide = true)]
    pub force: bool,
    /// Simulate the operation: "client" (no cluster) or "server" (reads and validates against the cluster, changes nothing)
    #[arg(long = "dry-run", num_args = 0..=1, default_missing_value = "client", require_equals = true)]
    pub dry_run: Option<String>,
    /// Limit the maximum number of revisions saved per release. Use 0 for no limit
    #[arg(long = "history-max", default_value_t = 10)]
    pub history_max: usize,
    /// Allow deletion of new resources created in this operation when it fails
    #[arg(long = "cleanup-on-fail")]
    pub cleanup_on_fail: bool,
}

impl ApplyArgs {
    fn deploy(&self, debug: bool) -> Result<DeployOptions, Failure> {
        let wait = match &self.wait {
            None => WaitStrategy::HookOnly,
            Some(v) => {
                if let Some(w) = WaitStrategy::deprecation_warning(v) {
                    eprintln!("WARNING: {w}");
                }
                WaitStrategy::parse(v).map_err(|e| Failure(e.to_string()))?
            }
        };
        if self.force {
            eprintln!("Flag --force has been deprecated, use --force-replace instead");
        }
        // cobra's MarkFlagsMutuallyExclusive, as Helm words it.
        for (flag, set) in [("force-replace", self.force_replace), ("force", self.force)] {
            if set && self.force_conflicts {
                let mut both = [flag, "force-conflicts"];
                both.sort_unstable();
                return Err(Failure(format!(
                    "if any flags in the group [{flag} force-conflicts] are set none of the others can be; [{}] were all set",
                    both.join(" ")
                )));
            }
        }
        Ok(DeployOptions {
            wait,
            wait_for_jobs: self.wait_for_jobs,
            timeout: Dur::parse(&self.timeout).map_err(Failure)?.0,
            no_hooks: self.no_hooks,
            server_side: ServerSide::parse(&self.server_side).map_err(Failure)?,
            force_conflicts: self.force_conflicts,
            force_replace: self.force_replace || self.force,
            dry_run: DryRun::parse(self.dry_run.as_deref()).map_err(Failure)?,
            history_max: self.history_max,
            cleanup_on_fail: self.cleanup_on_fail,
            debug,
            ..Default::default()
        })
    }
}

/// Flags install and upgrade share.
#[derive(Args, Debug, Clone)]
pub struct ChartArgs {
    #[command(flatten)]
    pub values: ValuesArgs,
    #[command(flatten)]
    pub apply: ApplyArgs,
    /// If set, the installation process deletes the installation on failure
    #[arg(long = "rollback-on-failure", alias = "atomic")]
    pub rollback_on_failure: bool,
    /// Create the release namespace if not present
    #[arg(long = "create-namespace")]
    pub create_namespace: bool,
    /// Ignore the check for helm annotations and take ownership of the existing resources
    #[arg(long = "take-ownership")]
    pub take_ownership: bool,
    /// Add a custom description
    #[arg(long)]
    pub description: Option<String>,
    /// Labels that would be added to release metadata. Should be divided by comma
    #[arg(short = 'l', long = "labels", value_delimiter = ',')]
    pub labels: Vec<String>,
    /// If set, no CRDs will be installed
    #[arg(long = "skip-crds")]
    pub skip_crds: bool,
    /// If set, no JSON schema validation will be performed
    #[arg(long = "skip-schema-validation")]
    pub skip_schema_validation: bool,
    /// Render subchart notes along with the parent
    #[arg(long = "render-subchart-notes")]
    pub render_subchart_notes: bool,
    /// The name of a post-renderer plugin
    #[arg(long = "post-renderer")]
    pub post_renderer: Option<String>,
    /// An argument to the post-renderer (can specify multiple)
    #[arg(long = "post-renderer-args")]
    pub post_renderer_args: Vec<String>,
    /// If set, do not show notes in install output. Does not affect presence in chart metadata
    #[arg(long = "hide-notes")]
    pub hide_notes: bool,
    /// Prints the output in the specified format. Allowed values: table, json, yaml
    #[arg(short = 'o', long, default_value = "table")]
    pub output: OutputFormat,
    /// Chart version constraint (accepted; charts are local)
    #[arg(long)]
    pub version: Option<String>,
}

impl ChartArgs {
    fn deploy(&self, debug: bool) -> Result<DeployOptions, Failure> {
        let mut d = self.apply.deploy(debug)?;
        d.values = self.values.options();
        d.rollback_on_failure = self.rollback_on_failure;
        d.create_namespace = self.create_namespace;
        d.take_ownership = self.take_ownership;
        d.description = self.description.clone();
        d.skip_crds = self.skip_crds;
        d.skip_schema_validation = self.skip_schema_validation;
        d.render_subchart_notes = self.render_subchart_notes;
        d.post_renderer = self.post_renderer.clone();
        d.post_renderer_args = self.post_renderer_args.clone();
        d.labels = parse_labels(&self.labels)?;
        if d.rollback_on_failure && d.wait == WaitStrategy::HookOnly {
            // Helm: --rollback-on-failure implies waiting.
            d.wait = WaitStrategy::Watcher;
        }
        Ok(d)
    }
}

fn parse_labels(raw: &[String]) -> Result<BTreeMap<String, String>, Failure> {
    let mut out = BTreeMap::new();
    for item in raw {
        let (k, v) = item
            .split_once('=')
            .ok_or_else(|| Failure(format!("{item} must be formatted as key=value")))?;
        out.insert(k.to_string(), v.to_string());
    }
    Ok(out)
}

/// `helm install [NAME] [CHART]`.
#[derive(Args, Debug)]
pub struct InstallArgs {
    /// [NAME] CHART
    #[arg(value_name = "NAME_OR_CHART", num_args = 1..)]
    pub args: Vec<String>,
    #[command(flatten)]
    pub chart: ChartArgs,
    /// Generate the name (and omit the NAME parameter)
    #[arg(short = 'g', long = "generate-name")]
    pub generate_name: bool,
    /// Reuse the given name, only if that name is a deleted release which remains in the history
    #[arg(long)]
    pub replace: bool,
    /// Kubernetes version used for Capabilities.KubeVersion (client dry run)
    #[arg(long = "kube-version")]
    pub kube_version: Option<String>,
    /// Kubernetes api versions used for Capabilities.APIVersions (client dry run)
    #[arg(short = 'a', long = "api-versions", value_delimiter = ',')]
    pub api_versions: Vec<String>,
}

/// `helm upgrade [RELEASE] [CHART]`.
#[derive(Args, Debug)]
pub struct UpgradeArgs {
    pub name: String,
    pub chart_ref: String,
    #[command(flatten)]
    pub chart: ChartArgs,
    /// If a release by this name doesn't already exist, run an install
    #[arg(short = 'i', long)]
    pub install: bool,
    /// When upgrading, reuse the last release's values and merge in any overrides from the command line
    #[arg(long = "reuse-values")]
    pub reuse_values: bool,
    /// When upgrading, reset the values to the ones built into the chart
    #[arg(long = "reset-values")]
    pub reset_values: bool,
    /// When upgrading, reset the values to the ones built into the chart, apply the last release's values and merge in any overrides
    #[arg(long = "reset-then-reuse-values")]
    pub reset_then_reuse_values: bool,
}

/// `helm rollback <RELEASE> [REVISION]`.
#[derive(Args, Debug)]
pub struct RollbackArgs {
    pub name: String,
    pub revision: Option<i64>,
    #[command(flatten)]
    pub apply: ApplyArgs,
}

/// `helm uninstall RELEASE_NAME [...]`.
#[derive(Args, Debug)]
pub struct UninstallArgs {
    #[arg(required = true)]
    pub names: Vec<String>,
    /// Must be "background", "orphan", or "foreground". Selects the deletion cascading strategy for the dependents
    #[arg(long, default_value = "background")]
    pub cascade: String,
    /// Add a custom description
    #[arg(long)]
    pub description: Option<String>,
    /// Simulate a uninstall
    #[arg(long = "dry-run")]
    pub dry_run: bool,
    /// Treat "release not found" as a successful uninstall
    #[arg(long = "ignore-not-found")]
    pub ignore_not_found: bool,
    /// Remove all associated resources and mark the release as deleted, but retain the release history
    #[arg(long = "keep-history")]
    pub keep_history: bool,
    /// Prevent hooks from running during uninstallation
    #[arg(long = "no-hooks")]
    pub no_hooks: bool,
    /// Time to wait for any individual Kubernetes operation (like Jobs for hooks)
    #[arg(long, default_value = "5m0s")]
    pub timeout: String,
    /// Wait until all the resources are deleted: "watcher", "legacy" or "hookOnly"
    #[arg(long, num_args = 0..=1, default_missing_value = "watcher", require_equals = true)]
    pub wait: Option<String>,
}

/// What install, upgrade and `--dry-run` print: Helm's status block (with hooks and
/// manifest for a dry run, as Helm), or the release as JSON/YAML.
fn print(
    outcome: &Outcome,
    format: OutputFormat,
    hide_notes: bool,
    debug: bool,
) -> Result<String, Failure> {
    for m in &outcome.messages {
        eprintln!("{m}");
    }
    Ok(action::status::print_status(
        &outcome.release,
        &action::status::PrintOptions {
            output: format,
            debug,
            hide_notes,
            ..Default::default()
        },
    ))
}

fn failed(prefix: &str) -> impl Fn(String) -> Failure + '_ {
    move |e| Failure(format!("{prefix}: {e}"))
}

/// Runs a release verb.
pub fn execute(cmd: ReleaseCommand, settings: &Settings) -> Result<String, Failure> {
    // One worker thread beside the command's own: requests (discovery, the name check, the
    // connections' I/O) progress there while the command reads and renders the chart.
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()?;
    rt.block_on(async {
        match cmd {
            ReleaseCommand::Install(a) => {
                let (name, chart) = match (a.args.len(), a.generate_name) {
                    (1, true) => (generated_name(&a.args[0]), a.args[0].clone()),
                    (2, false) => (a.args[0].clone(), a.args[1].clone()),
                    (2, true) => {
                        return Err(Failure(
                            "cannot set --generate-name and also specify a name".into(),
                        ));
                    }
                    (1, false) => {
                        return Err(Failure(
                            "must either provide a name or specify --generate-name".into(),
                        ));
                    }
                    _ => {
                        return Err(Failure(format!(
                            "expected at most two arguments, unexpected arguments: {}",
                            a.args[2..].join(", ")
                        )));
                    }
                };
                let o = InstallOptions {
                    name,
                    chart,
                    deploy: a.chart.deploy(settings.debug)?,
                    replace: a.replace,
                    kube_version: a.kube_version.clone(),
                    api_versions: a.api_versions.clone(),
                    from_upgrade: false,
                };
                let host = plugin_host(settings)?;
                let mut cfg = Configuration::new(settings, false)
                    .await
                    .map_err(failed("INSTALLATION FAILED"))?;
                let outcome = action::install::run(&host, &mut cfg, &o)
                    .await
                    .map_err(failed("INSTALLATION FAILED"))?;
                print(&outcome, a.chart.output, a.chart.hide_notes, settings.debug)
            }
            ReleaseCommand::Upgrade(a) => {
                let o = UpgradeOptions {
                    name: a.name.clone(),
                    chart: a.chart_ref.clone(),
                    deploy: a.chart.deploy(settings.debug)?,
                    install: a.install,
                    reuse_values: a.reuse_values,
                    reset_values: a.reset_values,
                    reset_then_reuse_values: a.reset_then_reuse_values,
                };
                let host = plugin_host(settings)?;
                let mut cfg = Configuration::new(settings, false)
                    .await
                    .map_err(failed("UPGRADE FAILED"))?;
                let outcome = action::upgrade::run(&host, &mut cfg, &o)
                    .await
                    .map_err(failed("UPGRADE FAILED"))?;
                let mut out = String::new();
                if a.install && outcome.release.version == 1 {
                    out.push_str(&format!(
                        "Release {:?} does not exist. Installing it now.\n",
                        a.name
                    ));
                } else {
                    out.push_str(&format!(
                        "Release {:?} has been upgraded. Happy Helming!\n",
                        a.name
                    ));
                }
                out.push_str(&print(
                    &outcome,
                    a.chart.output,
                    a.chart.hide_notes,
                    settings.debug,
                )?);
                Ok(out)
            }
            ReleaseCommand::Rollback(a) => {
                let o = RollbackOptions {
                    name: a.name.clone(),
                    revision: a.revision.unwrap_or(0),
                    deploy: a.apply.deploy(settings.debug)?,
                };
                let mut cfg = Configuration::new(settings, false).await.map_err(Failure)?;
                action::upgrade::rollback(&mut cfg, &o)
                    .await
                    .map_err(Failure)?;
                Ok("Rollback was a success! Happy Helming!\n".into())
            }
            ReleaseCommand::Test(a) => {
                let mut o = action::test::TestOptions {
                    name: a.name.clone(),
                    timeout: Dur::parse(&a.timeout).map_err(Failure)?.0,
                    debug: settings.debug,
                    ..Default::default()
                };
                for f in &a.filter {
                    o.add_filter(f);
                }
                let mut cfg = Configuration::new(settings, false).await.map_err(Failure)?;
                let (rel, failure) = action::test::run(&mut cfg, &o).await.map_err(Failure)?;
                let out = action::status::print_status(
                    &rel,
                    &action::status::PrintOptions {
                        output: OutputFormat::Table,
                        debug: false,
                        hide_notes: a.hide_notes,
                        ..Default::default()
                    },
                );
                match failure {
                    None => Ok(out),
                    Some(e) => {
                        print!("{out}");
                        Err(Failure(e))
                    }
                }
            }
            ReleaseCommand::Uninstall(a) => {
                let wait = match &a.wait {
                    None => WaitStrategy::HookOnly,
                    Some(v) => WaitStrategy::parse(v).map_err(|e| Failure(e.to_string()))?,
                };
                let mut cfg = Configuration::new(settings, false).await.map_err(Failure)?;
                let mut out = String::new();
                for name in &a.names {
                    let o = UninstallOptions {
                        name: name.clone(),
                        no_hooks: a.no_hooks,
                        keep_history: a.keep_history,
                        cascade: Propagation::parse(&a.cascade).map_err(Failure)?,
                        wait,
                        timeout: Dur::parse(&a.timeout).map_err(Failure)?.0,
                        description: a.description.clone(),
                        dry_run: a.dry_run,
                        ignore_not_found: a.ignore_not_found,
                        debug: settings.debug,
                    };
                    let done = action::uninstall::run(&mut cfg, &o)
                        .await
                        .map_err(Failure)?;
                    if done.not_found {
                        continue;
                    }
                    if !done.kept.is_empty() {
                        out.push_str("These resources were kept due to the resource policy:\n");
                        for k in &done.kept {
                            out.push_str(k);
                            out.push('\n');
                        }
                        out.push('\n');
                    }
                    out.push_str(&format!("release \"{name}\" uninstalled\n"));
                }
                Ok(out)
            }
        }
    })
}

/// `--generate-name`: `<chart base name>-<unix seconds>`, as Helm.
fn generated_name(chart: &str) -> String {
    let base = PathBuf::from(chart)
        .file_name()
        .map(|f| f.to_string_lossy().trim_end_matches(".tgz").to_string())
        .unwrap_or_else(|| "chart".into());
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0);
    format!("{base}-{secs}")
}
