//! `whelm plugin install|list|inspect|uninstall|verify|run`.

use std::path::Path;

use serde::Serialize;

use super::{OutputFormat, table};
use crate::plugin::manifest::Role;
use crate::plugin::runtime::CallOptions;
use crate::plugin::store::Package;
use crate::plugin::{Plugin, PluginError, PluginHost, Source};

/// Installs a package from a directory or `.tgz`; returns what to print.
pub fn install(
    host: &PluginHost,
    path: &Path,
    digest: Option<&str>,
) -> Result<String, PluginError> {
    let pkg = Package::read(path)?;
    let name = pkg.manifest.name.clone();
    host.policy
        .check_install(&name, digest.is_some())
        .map_err(|message| PluginError::Policy {
            plugin: name.clone(),
            message,
        })?;
    // Check it against the policy and compile it before anything is written,
    // so a plugin that could never run is never installed.
    let candidate = Plugin {
        manifest: pkg.manifest.clone(),
        source: Source::Installed(host.store.dir().join(&name)),
        component: std::borrow::Cow::Borrowed(&[]),
        digest: pkg.digest.clone(),
    };
    candidate.check_policy(&host.policy)?;
    if let Some(want) = digest {
        // Checked again by the store; done first here so a mismatch costs no compile.
        let want = if want.starts_with("sha256:") {
            want.to_string()
        } else {
            format!("sha256:{want}")
        };
        if want != pkg.digest {
            return Err(PluginError::Invalid(format!(
                "digest mismatch for plugin {name:?}: expected {want}, the component is {}; refusing to install",
                pkg.digest
            )));
        }
    }
    let full = Plugin {
        component: std::borrow::Cow::Owned(pkg.component.clone()),
        ..candidate
    };
    host.runtime().prepare(&full, full.requested_grants())?;
    let dir = host
        .store
        .install(&pkg, &path.display().to_string(), digest)?;
    Ok(format!(
        "Installed plugin: {name} {} ({}) in {}\n",
        pkg.manifest.version,
        pkg.digest,
        dir.display()
    ))
}

#[derive(Serialize)]
struct Row {
    name: String,
    version: String,
    roles: Vec<String>,
    world: String,
    source: String,
    digest: String,
}

fn row(p: &Plugin) -> Row {
    Row {
        name: p.manifest.name.clone(),
        version: p.manifest.version.clone(),
        roles: p.manifest.roles.iter().map(|r| r.to_string()).collect(),
        world: p.manifest.world.clone(),
        source: p.source.to_string(),
        digest: p.digest.clone(),
    }
}

pub fn list(host: &PluginHost, format: OutputFormat) -> Result<String, PluginError> {
    let rows: Vec<Row> = host.list()?.iter().map(row).collect();
    Ok(match format {
        OutputFormat::Json => serde_json::to_string(&rows).expect("rows serialise") + "\n",
        OutputFormat::Yaml => serde_norway::to_string(&rows).expect("rows serialise"),
        OutputFormat::Table => table(
            &["NAME", "VERSION", "ROLES", "WORLD", "SOURCE", "DIGEST"],
            &rows
                .iter()
                .map(|r| {
                    vec![
                        r.name.clone(),
                        r.version.clone(),
                        r.roles.join(","),
                        r.world.clone(),
                        r.source.clone(),
                        r.digest.chars().take(19).collect(),
                    ]
                })
                .collect::<Vec<_>>(),
        ),
    })
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Inspection<'a> {
    #[serde(flatten)]
    manifest: &'a crate::plugin::manifest::Manifest,
    source: String,
    digest: &'a str,
    effective_limits: EffectiveLimits,
    policy: String,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct EffectiveLimits {
    memory: String,
    fuel: u64,
    wall_time: String,
    output: String,
    result: String,
}

pub fn inspect(host: &PluginHost, name: &str, format: OutputFormat) -> Result<String, PluginError> {
    use crate::plugin::units::{Bytes, Dur};
    let p = host.find(name)?;
    let l = p.limits();
    let verdict = match p.check_policy(&host.policy) {
        Ok(()) => "allowed".to_string(),
        Err(e) => format!("refused: {e}"),
    };
    let ins = Inspection {
        manifest: &p.manifest,
        source: p.source.to_string(),
        digest: &p.digest,
        effective_limits: EffectiveLimits {
            memory: Bytes(l.memory).to_string(),
            fuel: l.fuel,
            wall_time: Dur(l.wall_time).to_string(),
            output: Bytes(l.output).to_string(),
            result: Bytes(l.result).to_string(),
        },
        policy: verdict,
    };
    Ok(match format {
        OutputFormat::Json => serde_json::to_string_pretty(&ins).expect("serialises") + "\n",
        _ => serde_norway::to_string(&ins).expect("serialises"),
    })
}

pub fn uninstall(host: &PluginHost, names: &[String]) -> Result<String, PluginError> {
    let mut out = String::new();
    for n in names {
        host.store.uninstall(n)?;
        out.push_str(&format!("Uninstalled plugin: {n}\n"));
    }
    Ok(out)
}

/// Verifies installed plugins (all when `names` is empty): manifest valid,
/// component unchanged since install, allowed by policy, and loadable.
pub fn verify(host: &PluginHost, names: &[String]) -> Result<String, PluginError> {
    let plugins = if names.is_empty() {
        host.list()?
    } else {
        names
            .iter()
            .map(|n| host.find(n))
            .collect::<Result<Vec<_>, _>>()?
    };
    let mut out = String::new();
    for p in &plugins {
        p.check_policy(&host.policy)?;
        host.runtime().prepare(p, p.requested_grants())?;
        out.push_str(&format!(
            "{}: OK {} ({})\n",
            p.manifest.name, p.digest, p.source
        ));
    }
    Ok(out)
}

/// Runs a post-renderer over `input` (what `--post-renderer` does after rendering).
pub async fn run_post_renderer(
    host: &PluginHost,
    name: &str,
    args: &[String],
    input: &str,
    verbose: bool,
) -> Result<String, PluginError> {
    let prepared = host.prepare(name, Role::PostRenderer)?;
    let opts = CallOptions {
        verbose,
        ..Default::default()
    };
    host.runtime()
        .post_render(&prepared, &opts, input, args)
        .await
}
