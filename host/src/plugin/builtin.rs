//! Plugins compiled into the whelm binary (see `host/build.rs`). They run
//! through the same host, sandbox, policy and cache as installed plugins.

use std::borrow::Cow;

use super::manifest::Manifest;
use super::{Plugin, PluginError, Source};

struct Embedded {
    manifest: &'static str,
    component: &'static [u8],
    digest: &'static str,
}

include!(concat!(env!("OUT_DIR"), "/builtins.rs"));

/// Every built-in plugin.
pub fn all() -> Result<Vec<Plugin>, PluginError> {
    BUILTINS
        .iter()
        .map(|e| {
            let manifest = Manifest::parse(e.manifest, "built-in plugin.yaml")
                .map_err(PluginError::Invalid)?;
            Ok(Plugin {
                manifest,
                source: Source::Builtin,
                component: Cow::Borrowed(e.component),
                digest: e.digest.to_string(),
            })
        })
        .collect()
}
