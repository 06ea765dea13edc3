//! The command line: clap definitions that turn flags into calls of the
//! action layer, and Helm's conventions for errors (`Error: …` on stderr,
//! exit code 1).

use std::io::Read;
use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

pub mod release;

use crate::action::{self, OutputFormat};
use crate::plugin::PluginHost;
use crate::plugin::policy::Policy;
use crate::settings::{Dirs, KubeSettings, Settings};

#[derive(Parser, Debug)]
#[command(
    name = "whelm",
    about = "A Helm-4-compatible release engine with sandboxed WebAssembly plugins",
    disable_version_flag = true
)]
pub struct Cli {
    #[command(flatten)]
    pub global: GlobalFlags,
    #[command(subcommand)]
    pub command: Command,
}

/// Helm's global flags, with the same environment variables.
#[derive(Args, Debug)]
pub struct GlobalFlags {
    /// Enable verbose output
    #[arg(long, global = true, env = "HELM_DEBUG")]
    pub debug: bool,
    /// Path to the kubeconfig file
    #[arg(long, global = true, env = "KUBECONFIG", value_name = "PATH")]
    pub kubeconfig: Option<PathBuf>,
    /// Name of the kubeconfig context to use
    #[arg(long = "kube-context", global = true, env = "HELM_KUBECONTEXT")]
    pub kube_context: Option<String>,
    /// Namespace scope for this request
    #[arg(short = 'n', long, global = true, env = "HELM_NAMESPACE")]
    pub namespace: Option<String>,
    /// Bearer token used for authentication
    #[arg(long = "kube-token", global = true, env = "HELM_KUBETOKEN")]
    pub kube_token: Option<String>,
    /// Username to impersonate for the operation
    #[arg(long = "kube-as-user", global = true, env = "HELM_KUBEASUSER")]
    pub kube_as_user: Option<String>,
    /// Group to impersonate for the operation, this flag can be repeated to specify multiple groups
    #[arg(
        long = "kube-as-group",
        global = true,
        env = "HELM_KUBEASGROUPS",
        value_delimiter = ','
    )]
    pub kube_as_group: Vec<String>,
    /// The address and the port for the Kubernetes API server
    #[arg(long = "kube-apiserver", global = true, env = "HELM_KUBEAPISERVER")]
    pub kube_apiserver: Option<String>,
    /// The certificate authority file for the Kubernetes API server connection
    #[arg(long = "kube-ca-file", global = true, env = "HELM_KUBECAFILE")]
    pub kube_ca_file: Option<PathBuf>,
    /// If true, the Kubernetes API server's certificate will not be checked for validity
    #[arg(
        long = "kube-insecure-skip-tls-verify",
        global = true,
        env = "HELM_KUBEINSECURE_SKIP_TLS_VERIFY"
    )]
    pub kube_insecure_skip_tls_verify: bool,
    /// Server name to use for Kubernetes API server certificate validation
    #[arg(
        long = "kube-tls-server-name",
        global = true,
        env = "HELM_KUBETLS_SERVER_NAME"
    )]
    pub kube_tls_server_name: Option<String>,
    /// Client-side default throttling limit
    #[arg(
        long = "burst-limit",
        global = true,
        env = "HELM_BURST_LIMIT",
        default_value_t = 100
    )]
    pub burst_limit: u32,
    /// Queries per second used when communicating with the Kubernetes API, not including bursting
    #[arg(long, global = true, env = "HELM_QPS", default_value_t = 0.0)]
    pub qps: f32,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Print the version information
    Version {
        /// Print the version number only
        #[arg(long)]
        short: bool,
    },
    /// Show information of a chart (chart, values, readme, crds, all)
    Show {
        /// What to show: chart, values, readme, crds or all
        what: ShowWhat,
        /// The chart directory or archive
        chart: PathBuf,
    },
    /// Install, list, inspect, verify and run plugins
    #[command(subcommand)]
    Plugin(PluginCommand),
    /// Locally render templates
    Template(Box<TemplateArgs>),
    /// list releases
    #[command(visible_alias = "ls", long_about = LIST_HELP)]
    List(ListArgs),
    /// fetch release history
    #[command(visible_alias = "hist", long_about = HISTORY_HELP)]
    History(HistoryArgs),
    /// display the status of the named release
    #[command(long_about = STATUS_HELP)]
    Status(StatusArgs),
    /// download extended information of a named release
    #[command(subcommand, long_about = GET_HELP)]
    Get(GetCommand),
    #[command(flatten)]
    Release(release::ReleaseCommand),
    /// Examine a chart for possible issues
    Lint(Box<LintArgs>),
}

const LIST_HELP: &str = "This command lists all of the releases for a specified namespace (uses current namespace context if namespace not specified).

By default, it lists all releases in any status. Individual status filters like '--deployed', '--failed', '--pending', '--uninstalled', '--superseded', and '--uninstalling' can be used to show only releases in specific states. Such flags can be combined: '--deployed --failed'.

By default, items are sorted alphabetically. Use the '-d' flag to sort by release date.

If the --filter flag is provided, it will be treated as a filter. Filters are regular expressions (Perl compatible) that are applied to the list of releases. Only items that match the filter will be returned.

If no results are found, 'whelm list' will exit 0, but with no output (or in the case of no '-q' flag, only headers).

By default, up to 256 items may be returned. To limit this, use the '--max' flag. Setting '--max' to 0 will return all results. Pairing the '--max' flag with the '--offset' flag allows you to page through results.";

const HISTORY_HELP: &str = "History prints historical revisions for a given release.

A default maximum of 256 revisions will be returned. Setting '--max' configures the maximum length of the revision list returned.

Use '--show-rollback-revision' to include a column showing the revision that was rolled back to.";

const STATUS_HELP: &str = "This command shows the status of a named release.
The status consists of:
- last deployment time
- k8s namespace in which the release lives
- state of the release (can be: unknown, deployed, uninstalled, superseded, failed, uninstalling, pending-install, pending-upgrade or pending-rollback)
- revision of the release
- description of the release (can be completion message or error message)
- details on last test suite run, if applicable
- additional notes provided by the chart";

const GET_HELP: &str = "This command consists of multiple subcommands which can be used to get extended information about the release, including:

- The values used to generate the release
- The generated manifest file
- The notes provided by the chart of the release
- The hooks associated with the release
- The metadata of the release";

/// `helm list`'s flags.
#[derive(Args, Debug)]
pub struct ListArgs {
    #[arg(hide = true)]
    pub args: Vec<String>,
    /// list releases across all namespaces
    #[arg(short = 'A', long = "all-namespaces")]
    pub all_namespaces: bool,
    /// sort by release date
    #[arg(short = 'd', long)]
    pub date: bool,
    /// show deployed releases
    #[arg(long)]
    pub deployed: bool,
    /// show failed releases
    #[arg(long)]
    pub failed: bool,
    /// a regular expression (Perl compatible). Any releases that match the expression will be included in the results
    #[arg(short = 'f', long, default_value = "", hide_default_value = true)]
    pub filter: String,
    /// maximum number of releases to fetch
    #[arg(
        short = 'm',
        long,
        default_value_t = 256,
        allow_negative_numbers = true
    )]
    pub max: i64,
    /// don't print headers when using the default output format
    #[arg(long = "no-headers")]
    pub no_headers: bool,
    /// next release index in the list, used to offset from start value
    #[arg(long, default_value_t = 0, allow_negative_numbers = true)]
    pub offset: i64,
    /// prints the output in the specified format. Allowed values: table, json, yaml
    #[arg(short = 'o', long, value_name = "FORMAT", default_value = "table")]
    pub output: String,
    /// show pending releases
    #[arg(long)]
    pub pending: bool,
    /// reverse the sort order
    #[arg(short = 'r', long)]
    pub reverse: bool,
    /// Selector (label query) to filter on, supports '=', '==', and '!='.(e.g. -l key1=value1,key2=value2). Works only for secret(default) and configmap storage backends.
    #[arg(short = 'l', long, default_value = "", hide_default_value = true)]
    pub selector: String,
    /// output short (quiet) listing format
    #[arg(short = 'q', long)]
    pub short: bool,
    /// show superseded releases
    #[arg(long)]
    pub superseded: bool,
    /// format time using golang time formatter. Example: --time-format "2006-01-02 15:04:05Z0700"
    #[arg(long = "time-format", default_value = "", hide_default_value = true)]
    pub time_format: String,
    /// show uninstalled releases (if 'helm uninstall --keep-history' was used)
    #[arg(long)]
    pub uninstalled: bool,
    /// show releases that are currently being uninstalled
    #[arg(long)]
    pub uninstalling: bool,
}

/// `helm history`'s flags.
#[derive(Args, Debug)]
pub struct HistoryArgs {
    #[arg(value_name = "RELEASE_NAME")]
    pub args: Vec<String>,
    /// maximum number of revision to include in history
    #[arg(long, default_value_t = 256, allow_negative_numbers = true)]
    pub max: i64,
    /// prints the output in the specified format. Allowed values: table, json, yaml
    #[arg(short = 'o', long, value_name = "FORMAT", default_value = "table")]
    pub output: String,
    /// show the rollback revision column in table output
    #[arg(long = "show-rollback-revision")]
    pub show_rollback_revision: bool,
}

/// `helm status`'s flags.
#[derive(Args, Debug)]
pub struct StatusArgs {
    #[arg(value_name = "RELEASE_NAME")]
    pub args: Vec<String>,
    /// prints the output in the specified format. Allowed values: table, json, yaml
    #[arg(short = 'o', long, value_name = "FORMAT", default_value = "table")]
    pub output: String,
    /// if set, display the status of the named release with revision
    #[arg(long, default_value_t = 0, allow_negative_numbers = true)]
    pub revision: i64,
}

/// The release and revision every `get` subcommand takes.
#[derive(Args, Debug)]
pub struct GetArgs {
    #[arg(value_name = "RELEASE_NAME")]
    pub args: Vec<String>,
    /// get the named release with revision
    #[arg(long, default_value_t = 0, allow_negative_numbers = true)]
    pub revision: i64,
}

#[derive(Subcommand, Debug)]
pub enum GetCommand {
    /// download all information for a named release
    #[command(
        long_about = "This command prints a human readable collection of information about the notes, hooks, supplied values, and generated manifest file of the given release."
    )]
    All {
        #[command(flatten)]
        get: GetArgs,
        /// go template for formatting the output, eg: {{.Release.Name}}
        #[arg(long, default_value = "", hide_default_value = true)]
        template: String,
    },
    /// download all hooks for a named release
    #[command(
        long_about = "This command downloads hooks for a given release.\n\nHooks are formatted in YAML and separated by the YAML '---\\n' separator."
    )]
    Hooks(GetArgs),
    /// download the manifest for a named release
    #[command(
        long_about = "This command fetches the generated manifest for a given release.\n\nA manifest is a YAML-encoded representation of the Kubernetes resources that were generated from this release's chart(s). If a chart is dependent on other charts, those resources will also be included in the manifest."
    )]
    Manifest(GetArgs),
    /// This command fetches metadata for a given release
    Metadata {
        #[arg(value_name = "RELEASE_NAME")]
        args: Vec<String>,
        /// specify release revision
        #[arg(long, default_value_t = 0, allow_negative_numbers = true)]
        revision: i64,
        /// prints the output in the specified format. Allowed values: table, json, yaml
        #[arg(short = 'o', long, value_name = "FORMAT", default_value = "table")]
        output: String,
    },
    /// download the notes for a named release
    #[command(long_about = "This command shows notes provided by the chart of a named release.")]
    Notes(GetArgs),
    /// download the values file for a named release
    #[command(long_about = "This command downloads a values file for a given release.")]
    Values {
        #[command(flatten)]
        get: GetArgs,
        /// dump all (computed) values
        #[arg(short = 'a', long)]
        all: bool,
        /// prints the output in the specified format. Allowed values: table, json, yaml
        #[arg(short = 'o', long, value_name = "FORMAT", default_value = "table")]
        output: String,
    },
}

/// `helm lint`'s flags.
#[derive(Args, Debug)]
pub struct LintArgs {
    /// Chart directories or archives
    #[arg(value_name = "PATH")]
    pub paths: Vec<String>,
    /// Fail on lint warnings
    #[arg(long)]
    pub strict: bool,
    /// Lint dependent charts
    #[arg(long = "with-subcharts")]
    pub with_subcharts: bool,
    /// Print only warnings and errors
    #[arg(long)]
    pub quiet: bool,
    /// If set, disables JSON schema validation
    #[arg(long = "skip-schema-validation")]
    pub skip_schema_validation: bool,
    /// Kubernetes version used for capabilities and deprecation checks
    #[arg(long = "kube-version")]
    pub kube_version: Option<String>,
    #[command(flatten)]
    pub values: release::ValuesArgs,
}

/// `helm template`'s flags.
#[derive(Args, Debug)]
pub struct TemplateArgs {
    /// [NAME] [CHART]
    #[arg(value_name = "NAME_OR_CHART", num_args = 1..)]
    pub args: Vec<String>,
    #[command(flatten)]
    pub values: release::ValuesArgs,
    /// Kubernetes version used for Capabilities.KubeVersion
    #[arg(long = "kube-version")]
    pub kube_version: Option<String>,
    /// Kubernetes api versions used for Capabilities.APIVersions (multiple can be specified)
    #[arg(short = 'a', long = "api-versions", value_delimiter = ',')]
    pub api_versions: Vec<String>,
    /// Include CRDs in the templated output
    #[arg(long = "include-crds")]
    pub include_crds: bool,
    /// If set, no CRDs will be installed
    #[arg(long = "skip-crds")]
    pub skip_crds: bool,
    /// Skip tests from templated output
    #[arg(long = "skip-tests")]
    pub skip_tests: bool,
    /// Set .Release.IsUpgrade instead of .Release.IsInstall
    #[arg(long = "is-upgrade")]
    pub is_upgrade: bool,
    /// Only show manifests rendered from the given templates
    #[arg(short = 's', long = "show-only")]
    pub show_only: Vec<String>,
    /// Writes the executed templates to files in output-dir instead of stdout
    #[arg(long = "output-dir")]
    pub output_dir: Option<PathBuf>,
    /// Use release name in the output-dir path
    #[arg(long = "release-name")]
    pub release_name: bool,
    /// Prevent hooks from running during install
    #[arg(long = "no-hooks")]
    pub no_hooks: bool,
    /// Generate the name (and omit the NAME parameter)
    #[arg(short = 'g', long = "generate-name")]
    pub generate_name: bool,
    /// Specify template used to name the release
    #[arg(long = "name-template")]
    pub name_template: Option<String>,
    /// The name of a post-renderer plugin
    #[arg(long = "post-renderer")]
    pub post_renderer: Option<String>,
    /// An argument to the post-renderer (can specify multiple)
    #[arg(long = "post-renderer-args")]
    pub post_renderer_args: Vec<String>,
    /// If set, no JSON schema validation will be performed
    #[arg(long = "skip-schema-validation")]
    pub skip_schema_validation: bool,
    /// Deprecated (accepted for compatibility)
    #[arg(long)]
    pub validate: bool,
    /// Create the release namespace if not present (accepted)
    #[arg(long = "create-namespace")]
    pub create_namespace: bool,
    /// Simulate the operation: "client" or "server" (accepted)
    #[arg(long = "dry-run", num_args = 0..=1, default_missing_value = "unset")]
    pub dry_run: Option<String>,
    /// Chart version constraint (accepted; charts are local)
    #[arg(long)]
    pub version: Option<String>,
    /// Add a custom description (accepted)
    #[arg(long)]
    pub description: Option<String>,
}

#[derive(clap::ValueEnum, Clone, Copy, Debug)]
pub enum ShowWhat {
    Chart,
    Values,
    Readme,
    Crds,
    All,
}

#[derive(Subcommand, Debug)]
pub enum PluginCommand {
    /// Install a plugin from a directory or a .tgz archive
    Install {
        path: PathBuf,
        /// Refuse to install unless the component's digest is this (sha256:…)
        #[arg(long)]
        digest: Option<String>,
    },
    /// List built-in and installed plugins
    #[command(alias = "ls")]
    List {
        /// Output format: table, json or yaml
        #[arg(short = 'o', long, default_value = "table")]
        output: OutputFormat,
    },
    /// Show a plugin's manifest, digest, effective limits and policy verdict
    Inspect {
        name: String,
        /// Output format: yaml or json
        #[arg(short = 'o', long, default_value = "yaml")]
        output: OutputFormat,
    },
    /// Uninstall plugins
    #[command(alias = "rm", alias = "remove")]
    Uninstall {
        #[arg(required = true)]
        names: Vec<String>,
    },
    /// Check installed plugins: digest, manifest, policy and that they load
    Verify { names: Vec<String> },
    /// Run a post-renderer on manifests read from standard input
    Run {
        name: String,
        /// Arguments passed to the plugin (as --post-renderer-args)
        #[arg(long = "arg", value_name = "ARG")]
        args: Vec<String>,
    },
}

impl GlobalFlags {
    fn settings(&self) -> Settings {
        Settings {
            debug: self.debug,
            kube: KubeSettings {
                kubeconfig: self.kubeconfig.clone(),
                context: self.kube_context.clone(),
                namespace: self.namespace.clone(),
                token: self.kube_token.clone(),
                as_user: self.kube_as_user.clone(),
                as_groups: self.kube_as_group.clone(),
                apiserver: self.kube_apiserver.clone(),
                ca_file: self.kube_ca_file.clone(),
                insecure_skip_tls_verify: self.kube_insecure_skip_tls_verify,
                tls_server_name: self.kube_tls_server_name.clone(),
                burst_limit: self.burst_limit,
                qps: self.qps,
            },
            dirs: Dirs::from_env(),
            policy: std::env::var_os("WHELM_POLICY")
                .filter(|v| !v.is_empty())
                .map(PathBuf::from),
            no_cache: std::env::var_os("WHELM_NO_CACHE").is_some_and(|v| !v.is_empty() && v != "0"),
        }
    }
}

/// A failed command: the message to print after `Error: `.
pub struct Failure(pub String);

impl<E: std::fmt::Display> From<E> for Failure {
    fn from(e: E) -> Self {
        Failure(e.to_string())
    }
}

fn plugin_host(s: &Settings) -> Result<PluginHost, Failure> {
    let policy = Policy::load(s.policy.as_deref()).map_err(Failure)?;
    let cache = (!s.no_cache).then(|| s.dirs.cache.clone());
    Ok(PluginHost::new(policy, s.dirs.plugins.clone(), cache)?)
}

fn runtime() -> Result<tokio::runtime::Runtime, Failure> {
    Ok(tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?)
}

/// Helm's (cobra's) argument-count errors, with this command's usage line.
fn exactly_one(args: Vec<String>, command: &str) -> Result<String, Failure> {
    match <[String; 1]>::try_from(args) {
        Ok([name]) => Ok(name),
        Err(_) => Err(Failure(format!(
            "\"whelm {command}\" requires 1 argument\n\nUsage:  whelm {command} RELEASE_NAME [flags]"
        ))),
    }
}

/// Runs a release verb against the storage `HELM_DRIVER` selects for `namespace`.
fn with_storage<F>(settings: &Settings, namespace: &str, verb: F) -> Result<String, Failure>
where
    F: AsyncFnOnce(&crate::storage::Storage) -> Result<String, String>,
{
    let rt = runtime()?;
    rt.block_on(async {
        let storage = action::config::open_storage(settings, namespace).await?;
        verb(&storage).await
    })
    .map_err(Failure)
}

fn release_verb(settings: &Settings, cmd: Command) -> Result<String, Failure> {
    let ns = settings.kube.namespace().to_string();
    match cmd {
        Command::List(l) => {
            if !l.args.is_empty() {
                return Err(Failure(
                    "\"whelm list\" accepts no arguments\n\nUsage:  whelm list [flags]".into(),
                ));
            }
            let opts = action::list::ListOptions {
                all_namespaces: l.all_namespaces,
                by_date: l.date,
                reverse: l.reverse,
                deployed: l.deployed,
                failed: l.failed,
                pending: l.pending,
                superseded: l.superseded,
                uninstalled: l.uninstalled,
                uninstalling: l.uninstalling,
                max: l.max,
                offset: l.offset,
                filter: l.filter,
                selector: l.selector,
                short: l.short,
                no_headers: l.no_headers,
                time_format: l.time_format,
                output: OutputFormat::parse_flag(&l.output)?,
            };
            let ns = if opts.all_namespaces { "" } else { &ns };
            with_storage(settings, ns, async |s| action::list::run(s, &opts).await)
        }
        Command::History(h) => {
            let opts = action::history::HistoryOptions {
                max: h.max,
                show_rollback_revision: h.show_rollback_revision,
                output: OutputFormat::parse_flag(&h.output)?,
            };
            let name = exactly_one(h.args, "history")?;
            with_storage(settings, &ns, async |s| {
                action::history::run(s, &name, &opts).await
            })
        }
        Command::Status(st) => {
            let opts = action::status::StatusOptions {
                revision: st.revision,
                output: OutputFormat::parse_flag(&st.output)?,
            };
            let name = exactly_one(st.args, "status")?;
            runtime()?
                .block_on(async {
                    let cfg = action::config::Configuration::new(settings, false).await?;
                    action::status::run(&cfg, &name, &opts).await
                })
                .map_err(Failure)
        }
        Command::Get(g) => match g {
            GetCommand::All { get, template } => {
                let name = exactly_one(get.args, "get all")?;
                with_storage(settings, &ns, async |s| {
                    if template.is_empty() {
                        action::get::all(s, &name, get.revision).await
                    } else {
                        action::get::all_template(s, &name, get.revision, &template).await
                    }
                })
            }
            GetCommand::Hooks(a) => {
                let name = exactly_one(a.args, "get hooks")?;
                with_storage(settings, &ns, async |s| {
                    action::get::hooks(s, &name, a.revision).await
                })
            }
            GetCommand::Manifest(a) => {
                let name = exactly_one(a.args, "get manifest")?;
                with_storage(settings, &ns, async |s| {
                    action::get::manifest(s, &name, a.revision).await
                })
            }
            GetCommand::Notes(a) => {
                let name = exactly_one(a.args, "get notes")?;
                with_storage(settings, &ns, async |s| {
                    action::get::notes(s, &name, a.revision).await
                })
            }
            GetCommand::Metadata {
                args,
                revision,
                output,
            } => {
                let output = OutputFormat::parse_flag(&output)?;
                let name = exactly_one(args, "get metadata")?;
                with_storage(settings, &ns, async |s| {
                    action::get::metadata(s, &name, revision, output).await
                })
            }
            GetCommand::Values { get, all, output } => {
                let opts = action::get::ValuesOptions {
                    revision: get.revision,
                    all,
                    output: OutputFormat::parse_flag(&output)?,
                };
                let name = exactly_one(get.args, "get values")?;
                with_storage(settings, &ns, async |s| {
                    action::get::values(s, &name, &opts).await
                })
            }
        },
        _ => unreachable!("release_verb is only called for release verbs"),
    }
}

/// Runs a parsed command; returns what to print on stdout.
pub fn execute(cli: Cli) -> Result<String, Failure> {
    let settings = cli.global.settings();
    match cli.command {
        cmd @ (Command::List(_) | Command::History(_) | Command::Status(_) | Command::Get(_)) => {
            release_verb(&settings, cmd)
        }
        Command::Version { short } => Ok(action::version::run(short) + "\n"),
        Command::Show { what, chart } => {
            let what = match what {
                ShowWhat::Chart => action::show::What::Chart,
                ShowWhat::Values => action::show::What::Values,
                ShowWhat::Readme => action::show::What::Readme,
                ShowWhat::Crds => action::show::What::Crds,
                ShowWhat::All => action::show::What::All,
            };
            Ok(action::show::run(what, &chart).map_err(Failure)?)
        }
        Command::Template(t) => {
            let opts = action::template::TemplateOptions {
                args: t.args,
                values: t.values.options(),
                namespace: settings.kube.namespace.clone(),
                kube_version: t.kube_version,
                api_versions: t.api_versions,
                include_crds: t.include_crds,
                skip_tests: t.skip_tests,
                is_upgrade: t.is_upgrade,
                show_only: t.show_only,
                output_dir: t.output_dir,
                use_release_name: t.release_name,
                no_hooks: t.no_hooks,
                generate_name: t.generate_name,
                name_template: t.name_template,
                post_renderer: t.post_renderer,
                post_renderer_args: t.post_renderer_args,
                skip_schema_validation: t.skip_schema_validation,
                debug: settings.debug,
                ..Default::default()
            };
            let host = plugin_host(&settings)?;
            let rt = runtime()?;
            rt.block_on(action::template::run(&host, &opts))
                .map_err(|e| {
                    if !e.stdout.is_empty() {
                        use std::io::Write;
                        let mut out = std::io::stdout().lock();
                        let _ = out.write_all(e.stdout.as_bytes());
                        let _ = out.flush();
                    }
                    Failure(e.message)
                })
        }
        Command::Release(cmd) => release::execute(cmd, &settings),
        Command::Lint(l) => {
            let opts = action::lint::LintOptions {
                paths: l.paths,
                values: l.values.options(),
                namespace: settings.kube.namespace.clone(),
                kube_version: l.kube_version,
                strict: l.strict,
                with_subcharts: l.with_subcharts,
                quiet: l.quiet,
                skip_schema_validation: l.skip_schema_validation,
                debug: settings.debug,
            };
            let host = plugin_host(&settings)?;
            let rt = runtime()?;
            rt.block_on(action::lint::run(&host, &opts)).map_err(|e| {
                if !e.stdout.is_empty() {
                    use std::io::Write;
                    let mut out = std::io::stdout().lock();
                    let _ = out.write_all(e.stdout.as_bytes());
                    let _ = out.flush();
                }
                Failure(e.message)
            })
        }
        Command::Plugin(cmd) => {
            let host = plugin_host(&settings)?;
            match cmd {
                PluginCommand::Install { path, digest } => {
                    Ok(action::plugin::install(&host, &path, digest.as_deref())?)
                }
                PluginCommand::List { output } => Ok(action::plugin::list(&host, output)?),
                PluginCommand::Inspect { name, output } => {
                    Ok(action::plugin::inspect(&host, &name, output)?)
                }
                PluginCommand::Uninstall { names } => Ok(action::plugin::uninstall(&host, &names)?),
                PluginCommand::Verify { names } => Ok(action::plugin::verify(&host, &names)?),
                PluginCommand::Run { name, args } => {
                    let mut input = String::new();
                    std::io::stdin().read_to_string(&mut input)?;
                    let rt = runtime()?;
                    Ok(rt.block_on(action::plugin::run_post_renderer(
                        &host,
                        &name,
                        &args,
                        &input,
                        settings.debug,
                    ))?)
                }
            }
        }
    }
}

/// Helm treats a variable set to the empty string as unset (`KUBECONFIG=` means the default
/// kubeconfig); clap would take it as an empty value. Forget such variables before parsing.
fn forget_empty_env() {
    let empty: Vec<std::ffi::OsString> = std::env::vars_os()
        .filter(|(k, v)| {
            let k = k.to_string_lossy();
            v.is_empty() && (k == "KUBECONFIG" || k.starts_with("HELM_"))
        })
        .map(|(k, _)| k)
        .collect();
    for k in empty {
        // SAFETY: called first thing in `main`, before any other thread exists.
        unsafe { std::env::remove_var(k) };
    }
}

/// The process entry point: parse, run, print; returns the exit code.
pub fn main() -> i32 {
    forget_empty_env();
    let cli = match Cli::try_parse() {
        Ok(c) => c,
        Err(e) => {
            let code = if e.use_stderr() { 1 } else { 0 };
            let _ = e.print();
            return code;
        }
    };
    match execute(cli) {
        Ok(out) => {
            use std::io::Write;
            let mut stdout = std::io::stdout().lock();
            if stdout
                .write_all(out.as_bytes())
                .and_then(|()| stdout.flush())
                .is_err()
            {
                return 1;
            }
            0
        }
        Err(Failure(msg)) => {
            eprintln!("Error: {msg}");
            1
        }
    }
}
