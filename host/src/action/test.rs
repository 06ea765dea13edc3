//! `whelm test` (Helm's `action.ReleaseTesting`): runs the newest revision's `test` hooks
//! (filtered by `--filter name=…` / `!name=…`), records how each ran in the stored release,
//! and prints the status with the test suite.

use std::time::Duration;

use super::config::Configuration;
use super::deploy::{self, DeployOptions};
use super::template::validate_release_name;
use crate::kube::ready::WaitStrategy;
use crate::storage::release::Release;

/// `helm test RELEASE` and its flags.
#[derive(Debug, Clone, Default)]
pub struct TestOptions {
    pub name: String,
    pub timeout: Duration,
    /// `--filter name=a,name=b` (run only these) / `--filter '!name=c'` (skip these).
    pub include: Vec<String>,
    pub exclude: Vec<String>,
    pub debug: bool,
}

impl TestOptions {
    /// Parses `--filter` values as Helm does.
    pub fn add_filter(&mut self, f: &str) {
        if let Some(n) = f.strip_prefix("name=") {
            self.include.push(n.to_string());
        } else if let Some(n) = f
            .strip_prefix('!')
            .map(str::trim_start)
            .and_then(|r| r.strip_prefix("name="))
        {
            self.exclude.push(n.to_string());
        }
    }
}

/// Runs the tests; returns the release (with the test runs recorded) and the first failure.
pub async fn run(
    cfg: &mut Configuration,
    o: &TestOptions,
) -> Result<(Release, Option<String>), String> {
    cfg.server().await?;
    validate_release_name(&o.name)
        .map_err(|_| format!("releaseTest: Release name is invalid: {}", o.name))?;
    let mut rel = cfg.storage.last(&o.name).await.map_err(|e| e.to_string())?;
    let all = std::mem::take(&mut rel.hooks);
    let (mut run, skipped): (Vec<_>, Vec<_>) = all.into_iter().partition(|h| {
        (o.include.is_empty() || o.include.contains(&h.name)) && !o.exclude.contains(&h.name)
    });
    std::mem::swap(&mut rel.hooks, &mut run);
    let d = DeployOptions {
        wait: WaitStrategy::Watcher,
        timeout: o.timeout,
        debug: o.debug,
        ..Default::default()
    };
    let result = deploy::run_hooks(cfg, &mut rel, "test", &d).await;
    let mut hooks = skipped;
    hooks.append(&mut rel.hooks);
    rel.hooks = hooks;
    cfg.storage.update(&rel).await.map_err(|e| e.to_string())?;
    Ok((rel, result.err()))
}
