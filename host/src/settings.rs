//! Settings from the environment and global flags, as Helm's `cli.EnvSettings`.
//!
//! Honoured Helm variables (same meaning as in Helm): `HELM_NAMESPACE`,
//! `HELM_KUBECONTEXT`, `KUBECONFIG`, `HELM_KUBETOKEN`, `HELM_KUBEASUSER`,
//! `HELM_KUBEASGROUPS`, `HELM_KUBEAPISERVER`, `HELM_KUBECAFILE`,
//! `HELM_KUBEINSECURE_SKIP_TLS_VERIFY`, `HELM_KUBETLS_SERVER_NAME`,
//! `HELM_BURST_LIMIT`, `HELM_QPS`, `HELM_DEBUG`, `HELM_DRIVER`,
//! `HELM_DRIVER_SQL_CONNECTION_STRING`. whelm's own: `WHELM_DATA_HOME`,
//! `WHELM_CACHE_HOME`, `WHELM_PLUGINS`, `WHELM_POLICY`, `WHELM_NO_CACHE`.
//! Helm's plugin variables (`HELM_PLUGINS`) are not used: whelm plugins are
//! WebAssembly components with their own format.

use std::path::PathBuf;

/// Directories whelm keeps its own state in.
#[derive(Clone, Debug)]
pub struct Dirs {
    pub data: PathBuf,
    pub cache: PathBuf,
    pub plugins: PathBuf,
}

fn env_path(name: &str) -> Option<PathBuf> {
    std::env::var_os(name)
        .filter(|v| !v.is_empty())
        .map(PathBuf::from)
}

fn home() -> PathBuf {
    env_path("HOME").unwrap_or_else(std::env::temp_dir)
}

impl Dirs {
    /// `$WHELM_DATA_HOME` or `$XDG_DATA_HOME/whelm` or `~/.local/share/whelm`;
    /// `$WHELM_CACHE_HOME` or `$XDG_CACHE_HOME/whelm` or `~/.cache/whelm`;
    /// plugins in `$WHELM_PLUGINS` or `<data>/plugins`.
    pub fn from_env() -> Dirs {
        let data = env_path("WHELM_DATA_HOME")
            .or_else(|| env_path("XDG_DATA_HOME").map(|p| p.join("whelm")))
            .unwrap_or_else(|| home().join(".local/share/whelm"));
        let cache = env_path("WHELM_CACHE_HOME")
            .or_else(|| env_path("XDG_CACHE_HOME").map(|p| p.join("whelm")))
            .unwrap_or_else(|| home().join(".cache/whelm"));
        let plugins = env_path("WHELM_PLUGINS").unwrap_or_else(|| data.join("plugins"));
        Dirs {
            data,
            cache,
            plugins,
        }
    }
}

/// Cluster connection settings (used by the release verbs).
#[derive(Clone, Debug, Default)]
pub struct KubeSettings {
    pub kubeconfig: Option<PathBuf>,
    pub context: Option<String>,
    pub namespace: Option<String>,
    pub token: Option<String>,
    pub as_user: Option<String>,
    pub as_groups: Vec<String>,
    pub apiserver: Option<String>,
    pub ca_file: Option<PathBuf>,
    pub insecure_skip_tls_verify: bool,
    pub tls_server_name: Option<String>,
    pub burst_limit: u32,
    pub qps: f32,
}

impl KubeSettings {
    /// The namespace commands act in: `-n`, else `default`.
    pub fn namespace(&self) -> &str {
        self.namespace.as_deref().unwrap_or("default")
    }
}

/// Everything a command needs to know about its environment.
#[derive(Clone, Debug)]
pub struct Settings {
    pub debug: bool,
    pub kube: KubeSettings,
    pub dirs: Dirs,
    pub policy: Option<PathBuf>,
    pub no_cache: bool,
}
