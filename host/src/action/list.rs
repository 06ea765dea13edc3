//! `whelm list`: the newest revision of every release, filtered, sorted and paged as
//! `helm list` 4.3.1 does, printed as its table, JSON or YAML.
//!
//! Helm's steps, in its order: releases whose name matches `--filter` (a Go regexp) → the newest
//! revision per namespace/name (skipped when only `--superseded` is asked for, so superseded
//! revisions can show) → the status flags (none means every status but `unknown`) →
//! `--selector` on the release's labels → sort (name; `--date`: oldest deployment first;
//! `--reverse` flips either) → `--offset`/`--max`.

use serde::Serialize;
use whelm_template::funcs::regex::GoPattern;

use super::selector::Selector;
use super::timefmt::ReleaseTime;
use super::{OutputFormat, app_version, chart_name, encode_json, encode_yaml, uitable};
use crate::storage::{Release, Status, Storage};

/// `helm list`'s flags.
#[derive(Clone, Debug, PartialEq)]
pub struct ListOptions {
    /// `-A`: the storage was opened for every namespace.
    pub all_namespaces: bool,
    /// `-d`: sort by deployment time.
    pub by_date: bool,
    /// `-r`.
    pub reverse: bool,
    pub deployed: bool,
    pub failed: bool,
    /// Any of `pending-install`, `pending-upgrade`, `pending-rollback`.
    pub pending: bool,
    pub superseded: bool,
    pub uninstalled: bool,
    pub uninstalling: bool,
    /// `-m`: at most this many releases; 0 for all.
    pub max: i64,
    pub offset: i64,
    /// `-f`: a Go regular expression on the release name.
    pub filter: String,
    /// `-l`: a Kubernetes label selector on the release's labels.
    pub selector: String,
    /// `-q`: names only.
    pub short: bool,
    pub no_headers: bool,
    /// A Go time layout for the UPDATED column (default: Go's `Time.String()`).
    pub time_format: String,
    pub output: OutputFormat,
}

impl Default for ListOptions {
    fn default() -> Self {
        ListOptions {
            all_namespaces: false,
            by_date: false,
            reverse: false,
            deployed: false,
            failed: false,
            pending: false,
            superseded: false,
            uninstalled: false,
            uninstalling: false,
            max: 256,
            offset: 0,
            filter: String::new(),
            selector: String::new(),
            short: false,
            no_headers: false,
            time_format: String::new(),
            output: OutputFormat::Table,
        }
    }
}

// Helm's `ListStates` bits.
const DEPLOYED: u32 = 1;
const UNINSTALLED: u32 = 1 << 1;
const UNINSTALLING: u32 = 1 << 2;
const PENDING_INSTALL: u32 = 1 << 3;
const PENDING_UPGRADE: u32 = 1 << 4;
const PENDING_ROLLBACK: u32 = 1 << 5;
const SUPERSEDED: u32 = 1 << 6;
const FAILED: u32 = 1 << 7;
/// Any other status; no flag selects it, so such releases are never listed.
const UNKNOWN: u32 = 1 << 8;
const ALL: u32 = DEPLOYED
    | UNINSTALLED
    | UNINSTALLING
    | PENDING_INSTALL
    | PENDING_ROLLBACK
    | PENDING_UPGRADE
    | SUPERSEDED
    | FAILED;

fn state_bit(s: &Status) -> u32 {
    match s {
        Status::Deployed => DEPLOYED,
        Status::Uninstalled => UNINSTALLED,
        Status::Superseded => SUPERSEDED,
        Status::Failed => FAILED,
        Status::Uninstalling => UNINSTALLING,
        Status::PendingInstall => PENDING_INSTALL,
        Status::PendingUpgrade => PENDING_UPGRADE,
        Status::PendingRollback => PENDING_ROLLBACK,
        _ => UNKNOWN,
    }
}

impl ListOptions {
    /// Helm's `SetStateMask`.
    fn state_mask(&self) -> u32 {
        let mut m = 0;
        for (on, bits) in [
            (self.deployed, DEPLOYED),
            (self.uninstalled, UNINSTALLED),
            (self.uninstalling, UNINSTALLING),
            (
                self.pending,
                PENDING_INSTALL | PENDING_ROLLBACK | PENDING_UPGRADE,
            ),
            (self.failed, FAILED),
            (self.superseded, SUPERSEDED),
        ] {
            if on {
                m |= bits;
            }
        }
        if m == 0 { ALL } else { m }
    }
}

/// Helm's `List.Run`: the releases to print, in order.
pub async fn list_releases(storage: &Storage, opts: &ListOptions) -> Result<Vec<Release>, String> {
    let mut results = storage
        .driver()
        .list(&|_| true)
        .await
        .map_err(|e| e.to_string())?;
    if !opts.filter.is_empty() {
        let filter = GoPattern::compile(&opts.filter)?;
        results.retain(|r| filter.is_match(&r.name));
    }
    if results.is_empty() {
        return Ok(Vec::new());
    }
    let total = results.len();
    let mask = opts.state_mask();
    let mut rels = if mask == SUPERSEDED {
        results
    } else {
        latest(results)
    };
    rels.retain(|r| mask & state_bit(&r.status()) != 0);
    let selector = Selector::parse(&opts.selector)?;
    rels.retain(|r| selector.matches(&r.labels));
    sort(&mut rels, opts);
    if opts.offset < 0 {
        return Err(format!(
            "invalid offset {}: it must not be negative",
            opts.offset
        ));
    }
    let offset = opts.offset as usize;
    if offset >= rels.len() {
        return Ok(Vec::new());
    }
    let mut limit = total;
    if opts.max > 0 && (opts.max as usize) < limit {
        limit = opts.max as usize;
    }
    let last = (offset + limit).min(rels.len());
    Ok(rels.drain(offset..last).collect())
}

/// Helm's `filterLatestReleases`: the highest revision per namespace/name.
fn latest(results: Vec<Release>) -> Vec<Release> {
    let mut by_key: std::collections::BTreeMap<(String, String), Release> = Default::default();
    for r in results {
        let key = (r.namespace.clone(), r.name.clone());
        match by_key.get(&key) {
            Some(kept) if kept.version > r.version => {}
            _ => {
                by_key.insert(key, r);
            }
        }
    }
    by_key.into_values().collect()
}

/// Helm's sorters: by name, or by deployment second then name; `reverse` flips the result.
/// (Helm's sort is not stable; equal names in different namespaces are ordered by namespace.)
fn sort(rels: &mut [Release], opts: &ListOptions) {
    if opts.by_date {
        rels.sort_by_cached_key(|r| {
            (
                ReleaseTime::of(r.info.as_ref().and_then(|i| i.last_deployed.as_ref())).unix(),
                r.name.clone(),
                r.namespace.clone(),
            )
        });
    } else {
        rels.sort_by(|a, b| (&a.name, &a.namespace).cmp(&(&b.name, &b.namespace)));
    }
    if opts.reverse {
        rels.reverse();
    }
}

/// One row of `helm list -o json|yaml` (Helm's `releaseElement`).
#[derive(Serialize)]
struct Element {
    name: String,
    namespace: String,
    revision: String,
    updated: String,
    status: String,
    chart: String,
    app_version: String,
}

fn element(r: &Release, time_format: &str) -> Element {
    let t = ReleaseTime::of(r.info.as_ref().and_then(|i| i.last_deployed.as_ref()));
    let updated = if t.is_zero() {
        "-".to_string()
    } else if time_format.is_empty() {
        t.go_string()
    } else {
        t.format(time_format)
    };
    Element {
        name: r.name.clone(),
        namespace: r.namespace.clone(),
        revision: r.version.to_string(),
        updated,
        status: r.status().to_string(),
        chart: chart_name(r),
        app_version: app_version(r),
    }
}

/// Prints `releases` as `helm list` does with these flags.
pub fn render(releases: &[Release], opts: &ListOptions) -> String {
    if opts.short {
        let names: Vec<&str> = releases.iter().map(|r| r.name.as_str()).collect();
        return match opts.output {
            OutputFormat::Json => encode_json(&names),
            OutputFormat::Yaml => encode_yaml(&encode_json(&names)),
            OutputFormat::Table => names.iter().map(|n| format!("{n}\n")).collect(),
        };
    }
    let elements: Vec<Element> = releases
        .iter()
        .map(|r| element(r, &opts.time_format))
        .collect();
    match opts.output {
        OutputFormat::Json => encode_json(&elements),
        OutputFormat::Yaml => encode_yaml(&encode_json(&elements)),
        OutputFormat::Table => {
            let mut rows = Vec::with_capacity(elements.len() + 1);
            if !opts.no_headers {
                rows.push(
                    [
                        "NAME",
                        "NAMESPACE",
                        "REVISION",
                        "UPDATED",
                        "STATUS",
                        "CHART",
                        "APP VERSION",
                    ]
                    .map(String::from)
                    .to_vec(),
                );
            }
            for e in elements {
                rows.push(vec![
                    e.name,
                    e.namespace,
                    e.revision,
                    e.updated,
                    e.status,
                    e.chart,
                    e.app_version,
                ]);
            }
            uitable(&rows)
        }
    }
}

/// `helm list`: lists and prints.
pub async fn run(storage: &Storage, opts: &ListOptions) -> Result<String, String> {
    Ok(render(&list_releases(storage, opts).await?, opts))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::action::fixtures::{error, stdout, storage};

    fn opts(f: impl FnOnce(&mut ListOptions)) -> ListOptions {
        let mut o = ListOptions::default();
        f(&mut o);
        o
    }

    #[tokio::test]
    async fn prints_what_helm_printed() {
        let default = storage("default").await;
        let all = storage("").await;
        let nowhere = storage("nowhere").await;
        let data = storage("data").await;
        for (id, s, o) in [
            ("list-default", &default, ListOptions::default()),
            (
                "list-all-namespaces",
                &all,
                opts(|o| o.all_namespaces = true),
            ),
            ("list-namespace", &data, ListOptions::default()),
            ("list-namespace-empty", &nowhere, ListOptions::default()),
            ("list-no-headers", &default, opts(|o| o.no_headers = true)),
            (
                "list-no-headers-empty",
                &nowhere,
                opts(|o| o.no_headers = true),
            ),
            ("list-short", &default, opts(|o| o.short = true)),
            (
                "list-short-json",
                &default,
                opts(|o| (o.short, o.output) = (true, OutputFormat::Json)),
            ),
            (
                "list-short-yaml",
                &default,
                opts(|o| (o.short, o.output) = (true, OutputFormat::Yaml)),
            ),
            (
                "list-short-empty-json",
                &nowhere,
                opts(|o| (o.short, o.output) = (true, OutputFormat::Json)),
            ),
            (
                "list-short-empty-yaml",
                &nowhere,
                opts(|o| (o.short, o.output) = (true, OutputFormat::Yaml)),
            ),
            (
                "list-json",
                &default,
                opts(|o| o.output = OutputFormat::Json),
            ),
            ("list-yaml", &all, opts(|o| o.output = OutputFormat::Yaml)),
            (
                "list-json-empty",
                &nowhere,
                opts(|o| o.output = OutputFormat::Json),
            ),
            (
                "list-yaml-empty",
                &nowhere,
                opts(|o| o.output = OutputFormat::Yaml),
            ),
            ("list-date", &default, opts(|o| o.by_date = true)),
            (
                "list-date-reverse",
                &default,
                opts(|o| (o.by_date, o.reverse) = (true, true)),
            ),
            ("list-reverse", &all, opts(|o| o.reverse = true)),
            ("list-max", &default, opts(|o| o.max = 2)),
            (
                "list-max-offset",
                &default,
                opts(|o| (o.max, o.offset) = (2, 2)),
            ),
            ("list-offset-past-end", &default, opts(|o| o.offset = 50)),
            ("list-max-zero", &default, opts(|o| o.max = 0)),
            ("list-deployed", &all, opts(|o| o.deployed = true)),
            ("list-failed", &all, opts(|o| o.failed = true)),
            ("list-pending", &default, opts(|o| o.pending = true)),
            ("list-superseded", &default, opts(|o| o.superseded = true)),
            ("list-uninstalled", &default, opts(|o| o.uninstalled = true)),
            (
                "list-uninstalling",
                &default,
                opts(|o| o.uninstalling = true),
            ),
            (
                "list-deployed-failed",
                &all,
                opts(|o| (o.deployed, o.failed) = (true, true)),
            ),
            (
                "list-superseded-deployed",
                &default,
                opts(|o| (o.superseded, o.deployed) = (true, true)),
            ),
            ("list-filter", &default, opts(|o| o.filter = "^w".into())),
            (
                "list-filter-all-namespaces",
                &all,
                opts(|o| o.filter = "a".into()),
            ),
            (
                "list-filter-nomatch",
                &default,
                opts(|o| o.filter = "zzz".into()),
            ),
            (
                "list-filter-before-selector",
                &nowhere,
                opts(|o| o.selector = "a=b=c".into()),
            ),
            (
                "list-time-format",
                &all,
                opts(|o| o.time_format = "2006-01-02T15:04:05Z07:00 Mon Jan _2 MST .000 pm".into()),
            ),
            (
                "list-time-format-date",
                &default,
                opts(|o| o.time_format = "2006-01-02".into()),
            ),
            (
                "list-selector-not-equal",
                &default,
                opts(|o| o.selector = "x!=y".into()),
            ),
            (
                "list-selector-exists",
                &default,
                opts(|o| o.selector = "x".into()),
            ),
            (
                "list-selector-not-exists",
                &default,
                opts(|o| o.selector = "!x".into()),
            ),
        ] {
            assert_eq!(run(s, &o).await.unwrap(), stdout(id), "case {id}");
        }
    }

    #[tokio::test]
    async fn fails_as_helm_did() {
        let default = storage("default").await;
        for (id, o) in [
            ("list-filter-invalid", opts(|o| o.filter = "(".into())),
            (
                "list-filter-invalid-escape",
                opts(|o| o.filter = "a\\Kb".into()),
            ),
            ("list-selector-bad", opts(|o| o.selector = "a=b=c".into())),
            (
                "list-selector-bad-value",
                opts(|o| o.selector = "a=-x".into()),
            ),
            (
                "list-selector-bad-not",
                opts(|o| o.selector = "!a=b".into()),
            ),
        ] {
            assert_eq!(run(&default, &o).await.unwrap_err(), error(id), "case {id}");
        }
    }

    #[tokio::test]
    async fn selects_on_release_labels() {
        // Helm's memory driver keeps no labels from its data files, so the captures cannot
        // show a match; the Secret driver gives every label of the object (see kube.rs).
        let s = storage("default").await;
        let mut rel = s.get("pend", 1).await.unwrap();
        rel.labels = [("team".to_string(), "core".to_string())].into();
        s.update(&rel).await.unwrap();
        let o = opts(|o| (o.selector, o.short) = ("team=core".into(), true));
        assert_eq!(run(&s, &o).await.unwrap(), "pend\n");
        let o = opts(|o| (o.selector, o.short) = ("team!=core,!x".into(), true));
        assert_eq!(
            run(&s, &o).await.unwrap(),
            stdout("list-short").replace("pend\n", "")
        );
    }

    #[tokio::test]
    async fn a_negative_offset_is_an_error() {
        // helm 4.3.1 panics (slice bounds out of range).
        let s = storage("default").await;
        assert!(run(&s, &opts(|o| o.offset = -1)).await.is_err());
    }
}
