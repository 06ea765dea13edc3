//! The command line: clap definitions that turn flags into calls of the
//! action layer, and Helm's conventions for errors (`Error: …` on stderr,
//! exit code 1).

use std::io::Read;
use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

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
    /// Examine a chart for possible issues
    Lint(Box<LintArgs>),
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

/// `helm template`'s flags.
#[derive(Args, Debug)]
pub struct TemplateArgs {
    /// [NAME] [CHART]
    #[arg(value_name = "NAME_OR_CHART", num_args = 1..)]
    pub args: Vec<String>,
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

/// Runs a parsed command; returns what to print on stdout.
pub fn execute(cli: Cli) -> Result<String, Failure> {
    let settings = cli.global.settings();
    match cli.command {
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
                values: crate::values::Options {
                    value_files: t.values,
                    values: t.set,
                    string_values: t.set_string,
                    file_values: t.set_file,
                    json_values: t.set_json,
                    literal_values: t.set_literal,
                },
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
        Command::Lint(l) => {
            let opts = action::lint::LintOptions {
                paths: l.paths,
                values: crate::values::Options {
                    value_files: l.values,
                    values: l.set,
                    string_values: l.set_string,
                    file_values: l.set_file,
                    json_values: l.set_json,
                    literal_values: l.set_literal,
                },
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

/// The process entry point: parse, run, print; returns the exit code.
pub fn main() -> i32 {
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
