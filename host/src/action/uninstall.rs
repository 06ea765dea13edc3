//! `whelm uninstall` (Helm's `action.Uninstall`): mark the release uninstalling, run
//! pre-delete hooks, delete its objects in Helm's uninstall order (objects annotated
//! `helm.sh/resource-policy: keep` and objects another owner took stay), wait if asked, run
//! post-delete hooks, then purge the history or keep it as `uninstalled`.

use std::time::Duration;

use super::config::Configuration;
use super::deploy::{self, DeployOptions, Ownership};
use crate::kube::ready::WaitStrategy;
use crate::kube::resource::{Propagation, Resource};
use crate::kube::wait::{self, WaitOptions};
use crate::storage::release::{GoTime, Release, Status};

/// Helm's `UninstallOrder`: objects of earlier kinds are deleted first; other kinds last,
/// alphabetically.
pub const UNINSTALL_ORDER: [&str; 38] = [
    "ValidatingWebhookConfiguration",
    "MutatingWebhookConfiguration",
    "APIService",
    "Ingress",
    "IngressClass",
    "Service",
    "CronJob",
    "Job",
    "StatefulSet",
    "HorizontalPodAutoscaler",
    "Deployment",
    "ReplicaSet",
    "ReplicationController",
    "Pod",
    "DaemonSet",
    "RoleBindingList",
    "RoleBinding",
    "RoleList",
    "Role",
    "ClusterRoleBindingList",
    "ClusterRoleBinding",
    "ClusterRoleList",
    "ClusterRole",
    "CustomResourceDefinition",
    "PersistentVolumeClaim",
    "PersistentVolume",
    "StorageClass",
    "ConfigMap",
    "SecretList",
    "Secret",
    "ServiceAccount",
    "PodDisruptionBudget",
    "PodSecurityPolicy",
    "LimitRange",
    "ResourceQuota",
    "NetworkPolicy",
    "Namespace",
    "PriorityClass",
];

/// `helm uninstall NAME` and its flags.
#[derive(Debug, Clone)]
pub struct UninstallOptions {
    pub name: String,
    pub no_hooks: bool,
    pub keep_history: bool,
    pub cascade: Propagation,
    pub wait: WaitStrategy,
    pub timeout: Duration,
    pub description: Option<String>,
    pub dry_run: bool,
    pub ignore_not_found: bool,
    pub debug: bool,
}

impl Default for UninstallOptions {
    fn default() -> Self {
        UninstallOptions {
            name: String::new(),
            no_hooks: false,
            keep_history: false,
            cascade: Propagation::Background,
            wait: WaitStrategy::HookOnly,
            timeout: Duration::from_secs(300),
            description: None,
            dry_run: false,
            ignore_not_found: false,
            debug: false,
        }
    }
}

/// What uninstall did.
#[derive(Debug, Default)]
pub struct Uninstalled {
    pub release: Option<Release>,
    /// Objects left in place (resource policy `keep`, or owned by someone else).
    pub kept: Vec<String>,
    /// `--ignore-not-found` swallowed a missing release.
    pub not_found: bool,
}

/// Sorts objects into Helm's uninstall order (stable).
pub fn uninstall_order(items: &mut [Resource]) {
    items.sort_by(|a, b| {
        let key = |k: &str| match UNINSTALL_ORDER.iter().position(|x| *x == k) {
            Some(i) => (i, String::new()),
            None => (UNINSTALL_ORDER.len(), k.to_string()),
        };
        key(&a.kind).cmp(&key(&b.kind))
    });
}

fn deploy_options(o: &UninstallOptions) -> DeployOptions {
    DeployOptions {
        wait: o.wait,
        timeout: o.timeout,
        debug: o.debug,
        ..Default::default()
    }
}

/// Runs `uninstall`.
pub async fn run(cfg: &mut Configuration, o: &UninstallOptions) -> Result<Uninstalled, String> {
    let mut rels = match cfg.storage.history(&o.name).await {
        Ok(h) if !h.is_empty() => h,
        Ok(_) | Err(_) if o.ignore_not_found => {
            return Ok(Uninstalled {
                not_found: true,
                ..Default::default()
            });
        }
        Ok(_) => {
            return Err(format!(
                "uninstall: Release not loaded: {}: release: not found",
                o.name
            ));
        }
        Err(e) => return Err(format!("uninstall: Release not loaded: {}: {e}", o.name)),
    };
    rels.sort_by_key(|r| r.version);
    let Some(mut rel) = rels.last().cloned() else {
        return Err(format!(
            "uninstall: Release not loaded: {}: release: not found",
            o.name
        ));
    };
    if o.dry_run {
        return Ok(Uninstalled {
            release: Some(rel),
            ..Default::default()
        });
    }
    if rel.status() == Status::Uninstalled {
        if !o.keep_history {
            purge(cfg, &rels).await?;
            return Ok(Uninstalled {
                release: Some(rel),
                ..Default::default()
            });
        }
        return Err(format!("the release named {:?} is already deleted", o.name));
    }
    rel.set_status(
        Status::Uninstalling,
        "Deletion in progress (or silently failed)",
    );
    if let Some(info) = rel.info.as_mut() {
        info.deleted = Some(GoTime::now());
    }
    cfg.storage.update(&rel).await.map_err(|e| e.to_string())?;
    let d = deploy_options(o);
    if !o.no_hooks {
        deploy::run_hooks(cfg, &mut rel, "pre-delete", &d)
            .await
            .map_err(|e| format!("failed pre-delete: {e}"))?;
    }
    let mut items = deploy::build_lenient(cfg, &rel.manifest).await?;
    uninstall_order(&mut items);
    let mut kept = Vec::new();
    let mut doomed = Vec::new();
    for r in items {
        if r.keeps() {
            kept.push(format!("[{}] {}", r.kind, r.name));
            continue;
        }
        match deploy::ownership(cfg, &r, &rel.name).await? {
            Ownership::Owned => doomed.push(r),
            Ownership::Foreign => eprintln!(
                "WARNING: not deleting {}: it exists but is not owned by release {:?}",
                r.describe(),
                rel.name
            ),
            Ownership::Absent => {}
        }
    }
    let errs = deploy::delete_all(cfg, &doomed, o.cascade).await;
    if !errs.is_empty() {
        return Err(format!(
            "failed to delete release: {}: {}",
            o.name,
            errs.join("; ")
        ));
    }
    if o.wait != WaitStrategy::HookOnly {
        let wo = WaitOptions::new(o.wait, false, o.timeout);
        let mut report = |l: &str| eprintln!("{l}");
        wait::wait_deleted(cfg.cluster()?, &doomed, &wo, &mut report).await?;
    }
    if !o.no_hooks {
        deploy::run_hooks(cfg, &mut rel, "post-delete", &d)
            .await
            .map_err(|e| format!("failed post-delete: {e}"))?;
    }
    rel.set_status(
        Status::Uninstalled,
        o.description
            .clone()
            .unwrap_or_else(|| "Uninstallation complete".into()),
    );
    if !o.keep_history {
        purge(cfg, &rels).await?;
    } else {
        cfg.storage.update(&rel).await.map_err(|e| e.to_string())?;
    }
    Ok(Uninstalled {
        release: Some(rel),
        kept,
        not_found: false,
    })
}

async fn purge(cfg: &Configuration, rels: &[Release]) -> Result<(), String> {
    let mut errs = Vec::new();
    for r in rels {
        if let Err(e) = cfg.storage.delete(&r.name, r.version).await {
            errs.push(format!("revision {}: {e}", r.version));
        }
    }
    if errs.is_empty() {
        Ok(())
    } else {
        Err(format!(
            "uninstall: Failed to purge the release: {}",
            errs.join("; ")
        ))
    }
}
