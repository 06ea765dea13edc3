//! The plugin host: packages and their manifests, the operator policy, the
//! sandbox, the compiled-component cache and the wasmtime runtime.
//!
//! - `manifest`: `plugin.yaml`.
//! - `store`: installed plugins on disk; `builtin`: plugins embedded in the binary.
//! - `policy`: what an operator allows.
//! - `sandbox`: what a plugin is granted, one module per capability.
//! - `cache`: precompiled components on disk.
//! - `runtime`: the engine, limits and calls into each world.

pub mod bindings;
pub mod builtin;
pub mod cache;
pub mod error;
pub mod manifest;
pub mod policy;
pub mod runtime;
pub mod sandbox;
pub mod store;
pub mod units;

use std::borrow::Cow;
use std::path::PathBuf;

use sha2::{Digest, Sha256};

pub use error::PluginError;
use manifest::{Limits, Manifest, Role};
use policy::Policy;
use runtime::{Prepared, Runtime};
use sandbox::{DirGrant, Grants};

/// Where a plugin comes from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Source {
    /// Embedded in the whelm binary.
    Builtin,
    /// Installed under this directory.
    Installed(PathBuf),
}

impl std::fmt::Display for Source {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Source::Builtin => f.write_str("builtin"),
            Source::Installed(p) => write!(f, "{}", p.display()),
        }
    }
}

/// A plugin package: its manifest and component bytes.
#[derive(Clone, Debug)]
pub struct Plugin {
    pub manifest: Manifest,
    pub source: Source,
    pub component: Cow<'static, [u8]>,
    /// `sha256:<hex>` of the component.
    pub digest: String,
}

/// `sha256:<hex>` of some bytes.
pub fn digest_of(bytes: &[u8]) -> String {
    format!("sha256:{}", hex::encode(Sha256::digest(bytes)))
}

impl Plugin {
    pub fn role(&self) -> Result<Role, PluginError> {
        self.manifest
            .world_ref()
            .map(|w| w.role)
            .map_err(PluginError::Invalid)
    }

    pub fn limits(&self) -> Limits {
        self.manifest.limits.resolve()
    }

    /// The grants its manifest asks for, with relative paths resolved
    /// against the plugin's directory.
    pub fn requested_grants(&self) -> Grants {
        let caps = &self.manifest.capabilities;
        let base = match &self.source {
            Source::Installed(dir) => dir.clone(),
            Source::Builtin => PathBuf::from("/"),
        };
        Grants {
            dirs: caps
                .filesystem
                .iter()
                .map(|g| {
                    let host = if g.path.is_absolute() {
                        g.path.clone()
                    } else {
                        base.join(&g.path)
                    };
                    let guest = g
                        .guest_path
                        .clone()
                        .unwrap_or_else(|| host.display().to_string());
                    DirGrant {
                        host,
                        guest,
                        access: g.access,
                    }
                })
                .collect(),
            env: caps.env.clone(),
            network: caps.network.clone(),
            clocks: caps.clocks,
            random: caps.random,
            host: caps.host.clone(),
        }
    }

    /// Checks the plugin against the policy: may it run, with what it asks for?
    pub fn check_policy(&self, policy: &Policy) -> Result<(), PluginError> {
        let name = &self.manifest.name;
        let deny = |message: String| PluginError::Policy {
            plugin: name.clone(),
            message,
        };
        policy
            .check_allowed(name, &self.digest, self.source == Source::Builtin)
            .map_err(deny)?;
        let grants = self.requested_grants();
        let paths: Vec<PathBuf> = grants.dirs.iter().map(|d| d.host.clone()).collect();
        policy
            .check_capabilities(name, &self.manifest.capabilities, &paths)
            .map_err(deny)?;
        policy.check_limits(name, &self.limits()).map_err(deny)?;
        Ok(())
    }
}

/// Plugins as a command sees them: built-ins, installed plugins, the policy
/// and the runtime.
pub struct PluginHost {
    pub policy: Policy,
    pub store: store::PluginStore,
    runtime: Runtime,
}

impl PluginHost {
    pub fn new(
        policy: Policy,
        plugins_dir: PathBuf,
        cache_dir: Option<PathBuf>,
    ) -> anyhow::Result<Self> {
        Ok(PluginHost {
            policy,
            store: store::PluginStore::new(plugins_dir),
            runtime: Runtime::new(cache_dir)?,
        })
    }

    pub fn runtime(&self) -> &Runtime {
        &self.runtime
    }

    /// All plugins: installed ones shadow built-ins of the same name.
    pub fn list(&self) -> Result<Vec<Plugin>, PluginError> {
        let mut all = self.store.list()?;
        for b in builtin::all()? {
            if !all.iter().any(|p| p.manifest.name == b.manifest.name) {
                all.push(b);
            }
        }
        all.sort_by(|a, b| a.manifest.name.cmp(&b.manifest.name));
        Ok(all)
    }

    pub fn find(&self, name: &str) -> Result<Plugin, PluginError> {
        if let Some(p) = self.store.get(name)? {
            return Ok(p);
        }
        builtin::all()?
            .into_iter()
            .find(|p| p.manifest.name == name)
            .ok_or_else(|| PluginError::NotFound(name.to_string()))
    }

    /// Finds, policy-checks, verifies and prepares a plugin for `role`.
    pub fn prepare(&self, name: &str, role: Role) -> Result<Prepared, PluginError> {
        let plugin = self.find(name)?;
        let actual = plugin.role()?;
        if actual != role {
            return Err(PluginError::WrongRole {
                plugin: name.into(),
                wanted: role.as_str(),
                actual: actual.to_string(),
            });
        }
        plugin.check_policy(&self.policy)?;
        self.runtime.prepare(&plugin, plugin.requested_grants())
    }
}
