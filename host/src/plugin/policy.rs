//! The operator policy: what plugins may run, and the most any plugin may be
//! granted. Regulated environments point `$WHELM_POLICY` (or
//! `/etc/whelm/policy.yaml`) at a file like:
//!
//! ```yaml
//! # Refuse `whelm plugin install` without --digest.
//! allowUndigested: false
//! # Built-in plugins run unless this is false (they are still capped below).
//! allowBuiltins: true
//! # When present, only plugins whose component digest is listed may run.
//! allowedPlugins:
//!   - { name: vault, digest: "sha256:4f1c…" }
//! # When present, no plugin may be granted more than this. Omitted lists and
//! # flags inside it grant nothing.
//! maxCapabilities:
//!   filesystem: [{ path: /srv/charts, access: read-only }]   # grants must lie inside these
//!   env: [VAULT_ADDR, VAULT_TOKEN]
//!   network: ["127.0.0.1:8200"]
//!   clocks: true
//!   random: true
//!   host: [log]
//! # Each limit present is a ceiling; a plugin asking for more is refused.
//! maxLimits: { memory: 512Mi, fuel: 50000000000, wallTime: 2m, output: 4Mi, result: 256Mi }
//! ```
//!
//! Without a policy file every plugin gets exactly what its manifest asks.
//! A plugin asking for more than the policy allows is refused, never silently
//! trimmed: the message names the capability and the policy file.

use serde::Deserialize;
use std::path::{Path, PathBuf};

use super::manifest::{Access, Capabilities, Limits, LimitsSpec};

#[derive(Clone, Debug, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct AllowedPlugin {
    #[serde(default)]
    pub name: Option<String>,
    pub digest: String,
}

#[derive(Clone, Debug, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct PolicyFile {
    #[serde(default = "yes")]
    allow_undigested: bool,
    #[serde(default = "yes")]
    allow_builtins: bool,
    #[serde(default)]
    allowed_plugins: Option<Vec<AllowedPlugin>>,
    #[serde(default)]
    max_capabilities: Option<Capabilities>,
    #[serde(default)]
    max_limits: LimitsSpec,
}

fn yes() -> bool {
    true
}

/// The policy in force (possibly the permissive default).
#[derive(Clone, Debug)]
pub struct Policy {
    /// The file it came from, for messages; `None` for the default.
    pub source: Option<PathBuf>,
    pub allow_undigested: bool,
    pub allow_builtins: bool,
    pub allowed_plugins: Option<Vec<AllowedPlugin>>,
    pub max_capabilities: Option<Capabilities>,
    pub max_limits: LimitsSpec,
}

impl Default for Policy {
    fn default() -> Self {
        Policy {
            source: None,
            allow_undigested: true,
            allow_builtins: true,
            allowed_plugins: None,
            max_capabilities: None,
            max_limits: LimitsSpec::default(),
        }
    }
}

/// Where the system-wide policy lives when `$WHELM_POLICY` is unset.
pub const SYSTEM_POLICY: &str = "/etc/whelm/policy.yaml";

impl Policy {
    /// Loads `$WHELM_POLICY` (which must exist when set) or the system file
    /// (used when present), else the permissive default.
    pub fn load(env_path: Option<&Path>) -> Result<Policy, String> {
        match env_path {
            Some(p) => Policy::from_file(p),
            None if Path::new(SYSTEM_POLICY).exists() => {
                Policy::from_file(Path::new(SYSTEM_POLICY))
            }
            None => Ok(Policy::default()),
        }
    }

    pub fn from_file(path: &Path) -> Result<Policy, String> {
        let text = std::fs::read_to_string(path).map_err(|e| {
            format!(
                "cannot read the plugin policy {}: {e} (set WHELM_POLICY to a readable file)",
                path.display()
            )
        })?;
        Policy::parse(&text, path)
    }

    pub fn parse(text: &str, path: &Path) -> Result<Policy, String> {
        let f: PolicyFile = serde_norway::from_str(text).map_err(|e| {
            let at = e
                .location()
                .map(|l| format!(":{}:{}", l.line(), l.column()))
                .unwrap_or_default();
            format!("plugin policy {}{at}: {e}", path.display())
        })?;
        Ok(Policy {
            source: Some(path.to_path_buf()),
            allow_undigested: f.allow_undigested,
            allow_builtins: f.allow_builtins,
            allowed_plugins: f.allowed_plugins,
            max_capabilities: f.max_capabilities,
            max_limits: f.max_limits,
        })
    }

    fn name(&self) -> String {
        match &self.source {
            Some(p) => format!("the plugin policy {}", p.display()),
            None => "the plugin policy".into(),
        }
    }

    /// May a plugin with this digest run at all?
    pub fn check_allowed(&self, plugin: &str, digest: &str, builtin: bool) -> Result<(), String> {
        if builtin && !self.allow_builtins {
            return Err(format!(
                "plugin {plugin:?} is built in, and {} sets allowBuiltins: false",
                self.name()
            ));
        }
        if let Some(list) = &self.allowed_plugins {
            let listed = list.iter().any(|a| a.digest == digest);
            // Built-ins are governed by allowBuiltins, not by the list.
            if !(listed || builtin && self.allow_builtins) {
                return Err(format!(
                    "plugin {plugin:?} ({digest}) is not in allowedPlugins of {}",
                    self.name()
                ));
            }
        }
        Ok(())
    }

    /// May a plugin be installed without a digest to check against?
    pub fn check_install(&self, plugin: &str, digest_given: bool) -> Result<(), String> {
        if !digest_given && !self.allow_undigested {
            return Err(format!(
                "installing plugin {plugin:?} needs --digest sha256:…, because {} sets allowUndigested: false",
                self.name()
            ));
        }
        Ok(())
    }

    /// Refuses capabilities beyond `maxCapabilities`, naming the first one.
    /// `fs_paths` are the grants' host paths after resolving relative paths.
    pub fn check_capabilities(
        &self,
        plugin: &str,
        caps: &Capabilities,
        fs_paths: &[PathBuf],
    ) -> Result<(), String> {
        let Some(max) = &self.max_capabilities else {
            return Ok(());
        };
        let deny = |what: String| {
            Err(format!(
                "plugin {plugin:?} asks for {what}, which {} does not allow (see maxCapabilities)",
                self.name()
            ))
        };
        for (g, path) in caps.filesystem.iter().zip(fs_paths) {
            let ok = max.filesystem.iter().any(|m| {
                path.starts_with(&m.path)
                    && (m.access == Access::ReadWrite || g.access == Access::ReadOnly)
            });
            if !ok {
                let access = match g.access {
                    Access::ReadOnly => "read-only",
                    Access::ReadWrite => "read-write",
                };
                return deny(format!("{access} filesystem access to {}", path.display()));
            }
        }
        for e in &caps.env {
            if !max.env.contains(e) {
                return deny(format!("the environment variable {e}"));
            }
        }
        for n in &caps.network {
            if !max.network.contains(n) {
                return deny(format!("network access to {n}"));
            }
        }
        if caps.clocks && !max.clocks {
            return deny("the real clocks (clocks: true)".into());
        }
        if caps.random && !max.random {
            return deny("real randomness (random: true)".into());
        }
        for h in &caps.host {
            if !max.host.contains(h) {
                return deny(format!("the host interface {}", h.interface()));
            }
        }
        Ok(())
    }

    /// Refuses limits above `maxLimits`, naming the first one.
    pub fn check_limits(&self, plugin: &str, l: &Limits) -> Result<(), String> {
        let m = &self.max_limits;
        let over = |what: &str, asked: String, max: String| {
            Err(format!(
                "plugin {plugin:?} asks for {what} {asked}, above the {max} that {} allows (maxLimits.{what})",
                self.name()
            ))
        };
        if let Some(max) = m.memory
            && l.memory > max.0
        {
            return over(
                "memory",
                super::units::Bytes(l.memory).to_string(),
                max.to_string(),
            );
        }
        if let Some(max) = m.fuel
            && l.fuel > max
        {
            return over("fuel", l.fuel.to_string(), max.to_string());
        }
        if let Some(max) = m.wall_time
            && l.wall_time > max.0
        {
            return over(
                "wallTime",
                super::units::Dur(l.wall_time).to_string(),
                max.to_string(),
            );
        }
        if let Some(max) = m.output
            && l.output > max.0
        {
            return over(
                "output",
                super::units::Bytes(l.output).to_string(),
                max.to_string(),
            );
        }
        if let Some(max) = m.result
            && l.result > max.0
        {
            return over(
                "result",
                super::units::Bytes(l.result).to_string(),
                max.to_string(),
            );
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::plugin::manifest::{FsGrant, HostImport};

    fn pol(text: &str) -> Policy {
        Policy::parse(text, Path::new("/etc/whelm/policy.yaml")).unwrap()
    }

    #[test]
    fn default_policy_allows_what_manifests_ask() {
        let p = Policy::default();
        let caps = Capabilities {
            env: vec!["HOME".into()],
            clocks: true,
            ..Default::default()
        };
        assert!(p.check_capabilities("x", &caps, &[]).is_ok());
        assert!(p.check_allowed("x", "sha256:00", false).is_ok());
        assert!(p.check_install("x", false).is_ok());
    }

    #[test]
    fn capability_beyond_policy_is_refused_by_name() {
        let p = pol(
            "maxCapabilities:\n  env: [VAULT_ADDR]\n  filesystem: [{path: /srv, access: read-only}]\n  host: [log]\n",
        );
        let caps = Capabilities {
            env: vec!["AWS_SECRET_ACCESS_KEY".into()],
            ..Default::default()
        };
        let e = p.check_capabilities("vault", &caps, &[]).unwrap_err();
        assert!(
            e.contains("AWS_SECRET_ACCESS_KEY") && e.contains("/etc/whelm/policy.yaml"),
            "{e}"
        );

        let rw = FsGrant {
            path: "/srv/x".into(),
            guest_path: None,
            access: Access::ReadWrite,
        };
        let caps = Capabilities {
            filesystem: vec![rw.clone()],
            ..Default::default()
        };
        let e = p
            .check_capabilities("vault", &caps, std::slice::from_ref(&rw.path))
            .unwrap_err();
        assert!(e.contains("read-write filesystem access to /srv/x"), "{e}");
        let ro = FsGrant {
            access: Access::ReadOnly,
            ..rw
        };
        let caps = Capabilities {
            filesystem: vec![ro.clone()],
            host: vec![HostImport::Log],
            ..Default::default()
        };
        assert!(
            p.check_capabilities("vault", &caps, std::slice::from_ref(&ro.path))
                .is_ok()
        );
        let caps = Capabilities {
            clocks: true,
            ..Default::default()
        };
        assert!(
            p.check_capabilities("v", &caps, &[])
                .unwrap_err()
                .contains("clocks")
        );
        let caps = Capabilities {
            network: vec!["1.2.3.4:80".into()],
            ..Default::default()
        };
        assert!(
            p.check_capabilities("v", &caps, &[])
                .unwrap_err()
                .contains("network access to 1.2.3.4:80")
        );
    }

    #[test]
    fn limits_digests_and_installs() {
        let p = pol(
            "allowUndigested: false\nallowBuiltins: false\nallowedPlugins: [{digest: 'sha256:aa'}]\nmaxLimits: {memory: 64Mi}\n",
        );
        let l = Limits {
            memory: 128 << 20,
            ..Limits::default()
        };
        let e = p.check_limits("x", &l).unwrap_err();
        assert!(
            e.contains("memory 128Mi") && e.contains("64Mi") && e.contains("maxLimits.memory"),
            "{e}"
        );
        assert!(p.check_allowed("x", "sha256:aa", false).is_ok());
        assert!(
            p.check_allowed("x", "sha256:bb", false)
                .unwrap_err()
                .contains("allowedPlugins")
        );
        assert!(
            p.check_allowed("labels", "sha256:aa", true)
                .unwrap_err()
                .contains("allowBuiltins")
        );
        assert!(
            p.check_install("x", false)
                .unwrap_err()
                .contains("--digest")
        );
        assert!(p.check_install("x", true).is_ok());
    }

    #[test]
    fn bad_policy_names_file_and_line() {
        let e = Policy::parse(
            "allowUndigested: false\nsurprise: 1\n",
            Path::new("/p.yaml"),
        )
        .unwrap_err();
        assert!(e.starts_with("plugin policy /p.yaml:"), "{e}");
        assert!(e.contains("surprise"));
    }
}
