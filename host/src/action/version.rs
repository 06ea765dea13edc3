//! `whelm version`.

/// The whelm version.
pub const VERSION: &str = env!("CARGO_PKG_VERSION");
/// The Helm release whose behaviour whelm reproduces.
pub const HELM_COMPAT: &str = "v4.3.1";
/// The plugin contract versions this binary supports.
pub const WIT: &str = "whelm:plugin@0.1.0";

/// `version.BuildInfo{…}` as Helm prints it, or `v0.1.0` with `--short`.
pub fn run(short: bool) -> String {
    if short {
        return format!("v{VERSION}");
    }
    format!(
        "version.BuildInfo{{Version:\"v{VERSION}\", HelmCompatibility:\"{HELM_COMPAT}\", PluginAPI:\"{WIT}\", Wasmtime:\"48.0.8\"}}"
    )
}

#[cfg(test)]
mod tests {
    #[test]
    fn short_and_long_forms() {
        assert_eq!(super::run(true), format!("v{}", super::VERSION));
        assert!(super::run(false).starts_with("version.BuildInfo{Version:\"v"));
    }
}
