//! `plugin.yaml`: what a plugin is, which world it implements, what it asks
//! to be granted and the limits it runs under.
//!
//! ```yaml
//! name: vault
//! version: 1.2.0
//! description: Reads ref+vault:// references
//! roles: [value-source]
//! world: whelm:plugin/value-source@0.1.0
//! component: vault.wasm
//! capabilities:
//!   filesystem:
//!     - { path: /etc/ssl/certs, guestPath: /certs, access: read-only }
//!   env: [VAULT_ADDR, VAULT_TOKEN]
//!   network: ["127.0.0.1:8200"]
//!   clocks: true
//!   random: true
//!   host: [log]
//! limits: { memory: 128Mi, fuel: 2000000000, wallTime: 10s, output: 1Mi, result: 16Mi }
//! ```

use serde::{Deserialize, Serialize};
use std::fmt;
use std::path::PathBuf;
use std::time::Duration;

use super::units::{Bytes, Dur};

/// WIT package versions this host has bindings for.
pub const SUPPORTED_WIT_VERSIONS: &[&str] = &["0.1.0"];

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Role {
    Renderer,
    PostRenderer,
    ValueSource,
    Differ,
}

impl Role {
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Renderer => "renderer",
            Role::PostRenderer => "post-renderer",
            Role::ValueSource => "value-source",
            Role::Differ => "differ",
        }
    }
    fn from_world(w: &str) -> Option<Role> {
        [
            Role::Renderer,
            Role::PostRenderer,
            Role::ValueSource,
            Role::Differ,
        ]
        .into_iter()
        .find(|r| r.as_str() == w)
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A host interface a plugin may import.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, PartialOrd, Ord)]
#[serde(rename_all = "kebab-case")]
pub enum HostImport {
    /// `whelm:plugin/log`.
    Log,
    /// `whelm:plugin/cluster` (renderers only).
    Cluster,
}

impl HostImport {
    pub fn interface(self) -> &'static str {
        match self {
            HostImport::Log => "whelm:plugin/log",
            HostImport::Cluster => "whelm:plugin/cluster",
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Access {
    ReadOnly,
    ReadWrite,
}

/// A directory of the host made visible to the plugin.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct FsGrant {
    /// Host path (absolute, or relative to the plugin's directory).
    pub path: PathBuf,
    /// Where the plugin sees it; defaults to the same path.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub guest_path: Option<String>,
    #[serde(default = "read_only")]
    pub access: Access,
}

fn read_only() -> Access {
    Access::ReadOnly
}

/// What a plugin asks to be granted. Everything defaults to nothing.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Capabilities {
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub filesystem: Vec<FsGrant>,
    /// Environment variable names passed through from the host.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub env: Vec<String>,
    /// `host:port` pairs the plugin may connect to over TCP.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub network: Vec<String>,
    /// The real wall and monotonic clocks (otherwise both read as frozen at 0).
    #[serde(default, skip_serializing_if = "is_false")]
    pub clocks: bool,
    /// Real randomness (otherwise a fixed-seed sequence).
    #[serde(default, skip_serializing_if = "is_false")]
    pub random: bool,
    /// Host interfaces the plugin may import.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub host: Vec<HostImport>,
}

fn is_false(b: &bool) -> bool {
    !*b
}

/// Limits as written; unset fields take [`Limits::default`].
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct LimitsSpec {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub memory: Option<Bytes>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fuel: Option<u64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub wall_time: Option<Dur>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub output: Option<Bytes>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub result: Option<Bytes>,
}

/// The limits a plugin invocation runs under.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Limits {
    /// Linear memory, in bytes, across all of the plugin's memories.
    pub memory: u64,
    /// CPU budget in wasmtime fuel units (roughly one per wasm instruction).
    pub fuel: u64,
    /// Wall-clock time for one call.
    pub wall_time: Duration,
    /// Bytes the plugin may write to stdout, stderr and the host log, each.
    pub output: u64,
    /// Bytes of the value the plugin returns.
    pub result: u64,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            memory: 256 << 20,
            fuel: 20_000_000_000,
            wall_time: Duration::from_secs(60),
            output: 1 << 20,
            result: 256 << 20,
        }
    }
}

impl LimitsSpec {
    pub fn resolve(&self) -> Limits {
        let d = Limits::default();
        Limits {
            memory: self.memory.map_or(d.memory, |b| b.0),
            fuel: self.fuel.unwrap_or(d.fuel),
            wall_time: self.wall_time.map_or(d.wall_time, |w| w.0),
            output: self.output.map_or(d.output, |b| b.0),
            result: self.result.map_or(d.result, |b| b.0),
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Manifest {
    pub name: String,
    pub version: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    pub roles: Vec<Role>,
    /// `whelm:plugin/<world>@<version>`.
    pub world: String,
    /// The component file, relative to the manifest.
    pub component: String,
    #[serde(default)]
    pub capabilities: Capabilities,
    #[serde(default)]
    pub limits: LimitsSpec,
}

/// A parsed `world:` field.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct WorldRef {
    pub role: Role,
    pub version: String,
}

impl fmt::Display for WorldRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "whelm:plugin/{}@{}", self.role, self.version)
    }
}

impl Manifest {
    /// Parses and validates a manifest; `origin` names the file in errors.
    pub fn parse(text: &str, origin: &str) -> Result<Manifest, String> {
        let m: Manifest = serde_norway::from_str(text).map_err(|e| {
            let at = e
                .location()
                .map(|l| format!(":{}:{}", l.line(), l.column()))
                .unwrap_or_default();
            format!("{origin}{at}: {e}")
        })?;
        m.validate().map_err(|e| format!("{origin}: {e}"))?;
        Ok(m)
    }

    fn validate(&self) -> Result<(), String> {
        let n = &self.name;
        let name_ok = !n.is_empty()
            && n.len() <= 64
            && n.bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
            && !n.starts_with('-');
        if !name_ok {
            return Err(format!(
                "name {n:?} must be 1-64 characters of a-z, 0-9 and '-', not starting with '-'"
            ));
        }
        if self.version.trim().is_empty() {
            return Err("version must not be empty".into());
        }
        let world = self.world_ref()?;
        if !self.roles.contains(&world.role) {
            return Err(format!(
                "roles {:?} do not include {}, the role of world {}",
                self.roles.iter().map(|r| r.as_str()).collect::<Vec<_>>(),
                world.role,
                self.world
            ));
        }
        if self.component.is_empty()
            || self.component.contains("..")
            || self.component.starts_with('/')
        {
            return Err(format!(
                "component {:?} must be a file name inside the plugin directory",
                self.component
            ));
        }
        if self.capabilities.host.contains(&HostImport::Cluster) && world.role != Role::Renderer {
            return Err("host: [cluster] is only available to renderers".into());
        }
        for a in &self.capabilities.network {
            split_host_port(a)?;
        }
        for e in &self.capabilities.env {
            if e.is_empty() || e.contains('=') {
                return Err(format!("env entry {e:?} must be a variable name"));
            }
        }
        for g in &self.capabilities.filesystem {
            if let Some(gp) = &g.guest_path
                && !gp.starts_with('/')
            {
                return Err(format!("guestPath {gp:?} must be absolute"));
            }
        }
        Ok(())
    }

    pub fn world_ref(&self) -> Result<WorldRef, String> {
        parse_world(&self.world)
    }
}

pub fn parse_world(w: &str) -> Result<WorldRef, String> {
    let bad = || {
        format!(
            "world {w:?} must look like whelm:plugin/<renderer|post-renderer|value-source|differ>@<version>"
        )
    };
    let rest = w.strip_prefix("whelm:plugin/").ok_or_else(bad)?;
    let (name, version) = rest.split_once('@').ok_or_else(bad)?;
    let role = Role::from_world(name).ok_or_else(bad)?;
    if !SUPPORTED_WIT_VERSIONS.contains(&version) {
        return Err(format!(
            "world {w:?} uses WIT version {version}, but this whelm supports {}; upgrade whelm or rebuild the plugin",
            SUPPORTED_WIT_VERSIONS.join(", ")
        ));
    }
    Ok(WorldRef {
        role,
        version: version.to_string(),
    })
}

/// Splits `host:port` (IPv6 as `[::1]:80`).
pub fn split_host_port(s: &str) -> Result<(String, u16), String> {
    let bad = || {
        format!("network entry {s:?} must be host:port, e.g. 127.0.0.1:8200 or vault.internal:443")
    };
    let (host, port) = if let Some(rest) = s.strip_prefix('[') {
        let (h, p) = rest.split_once("]:").ok_or_else(bad)?;
        (h, p)
    } else {
        s.rsplit_once(':').ok_or_else(bad)?
    };
    if host.is_empty() {
        return Err(bad());
    }
    let port: u16 = port.parse().map_err(|_| bad())?;
    Ok((host.to_string(), port))
}

#[cfg(test)]
mod tests {
    use super::*;

    const GOOD: &str = "name: labels\nversion: 0.1.0\nroles: [post-renderer]\nworld: whelm:plugin/post-renderer@0.1.0\ncomponent: p.wasm\n";

    #[test]
    fn minimal_manifest_grants_nothing() {
        let m = Manifest::parse(GOOD, "plugin.yaml").unwrap();
        assert_eq!(m.capabilities, Capabilities::default());
        assert_eq!(m.limits.resolve(), Limits::default());
        assert_eq!(m.world_ref().unwrap().role, Role::PostRenderer);
    }

    #[test]
    fn errors_name_the_file_and_line() {
        let e = Manifest::parse(&format!("{GOOD}bogus: 1\n"), "x/plugin.yaml").unwrap_err();
        assert!(e.starts_with("x/plugin.yaml:"), "{e}");
        assert!(e.contains("bogus"), "{e}");
        let e = Manifest::parse(&GOOD.replace("0.1.0\ncomp", "9.9.9\ncomp"), "p.yaml").unwrap_err();
        assert!(e.contains("supports 0.1.0"), "{e}");
        let e =
            Manifest::parse(&GOOD.replace("[post-renderer]", "[differ]"), "p.yaml").unwrap_err();
        assert!(e.contains("do not include post-renderer"), "{e}");
        let e =
            Manifest::parse(&GOOD.replace("name: labels", "name: Bad_Name"), "p.yaml").unwrap_err();
        assert!(e.contains("must be 1-64 characters"), "{e}");
        let e = Manifest::parse(&GOOD.replace("p.wasm", "../p.wasm"), "p.yaml").unwrap_err();
        assert!(e.contains("inside the plugin directory"), "{e}");
    }

    #[test]
    fn capabilities_and_limits_parse() {
        let text = format!(
            "{GOOD}capabilities:\n  filesystem: [{{path: /data, guestPath: /d, access: read-write}}]\n  env: [HOME]\n  network: ['127.0.0.1:8200', '[::1]:80']\n  clocks: true\n  host: [log]\nlimits: {{memory: 64Mi, wallTime: 2s, fuel: 1000}}\n"
        );
        let m = Manifest::parse(&text, "p.yaml").unwrap();
        assert_eq!(m.capabilities.filesystem[0].access, Access::ReadWrite);
        assert_eq!(m.capabilities.host, vec![HostImport::Log]);
        let l = m.limits.resolve();
        assert_eq!(
            (l.memory, l.fuel, l.wall_time),
            (64 << 20, 1000, Duration::from_secs(2))
        );
        let e = Manifest::parse(
            &format!("{GOOD}capabilities: {{network: [nohost]}}\n"),
            "p.yaml",
        )
        .unwrap_err();
        assert!(e.contains("must be host:port"), "{e}");
        let e = Manifest::parse(
            &format!("{GOOD}capabilities: {{host: [cluster]}}\n"),
            "p.yaml",
        )
        .unwrap_err();
        assert!(e.contains("only available to renderers"), "{e}");
    }
}
