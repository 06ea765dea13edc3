//! `whelm status NAME` and the status block `install`, `upgrade`, `rollback` and `get all`
//! print ([`print_status`]), as helm 4.3.1's `statusPrinter` writes them.
//!
//! `status` also shows the release's objects as the cluster has them (Helm 4 always does;
//! Helm 3 needed `--show-resources`): as the apiserver's tables in a RESOURCES section, or as
//! the objects themselves under `info.resources` in JSON and YAML. See [`crate::kube::live`].

use serde_json::Value;

use super::config::Configuration;
use super::timefmt::{ANSIC, ReleaseTime};
use super::{OutputFormat, encode_yaml, release_content};
use crate::kube::live::{self, Groups};
use crate::kube::resource;
use crate::kube::table::TablePrinter;
use crate::render::assemble::split_manifests;
use crate::storage::release::{GoTime, Hook};
use crate::storage::{Release, codec};

/// `helm status`'s flags.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct StatusOptions {
    /// `--revision`: this revision instead of the newest.
    pub revision: i64,
    pub output: OutputFormat,
}

/// How [`print_status`] prints (Helm's `statusPrinter` fields).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct PrintOptions {
    pub output: OutputFormat,
    /// Also USER-SUPPLIED VALUES, COMPUTED VALUES, HOOKS and MANIFEST (`--debug`, `get all`).
    pub debug: bool,
    /// Also CHART, VERSION, APP_VERSION (`get all`).
    pub show_metadata: bool,
    /// Leave out NOTES (`install`/`upgrade --hide-notes`).
    pub hide_notes: bool,
    /// The RESOURCES section: live objects (server-side tables) by group, in print order.
    pub resources: Groups,
}

/// The status of a release: the text block (table), or the release object itself as JSON or
/// YAML. Callers decide what the object includes (`helm status` drops the chart).
pub fn print_status(rel: &Release, opts: &PrintOptions) -> String {
    match opts.output {
        OutputFormat::Json => {
            let mut s = String::from_utf8(codec::to_json(rel)).expect("JSON is UTF-8");
            s.push('\n');
            s
        }
        OutputFormat::Yaml => {
            encode_yaml(std::str::from_utf8(&codec::to_json(rel)).expect("JSON is UTF-8"))
        }
        OutputFormat::Table => status_table(rel, opts),
    }
}

fn status_table(rel: &Release, opts: &PrintOptions) -> String {
    let info = rel.info.clone().unwrap_or_default();
    let mut out = String::new();
    out.push_str(&format!("NAME: {}\n", rel.name));
    let last = ReleaseTime::of(info.last_deployed.as_ref());
    if !last.is_zero() {
        out.push_str(&format!("LAST DEPLOYED: {}\n", last.format(ANSIC)));
    }
    out.push_str(&format!("NAMESPACE: {}\n", rel.namespace));
    out.push_str(&format!("STATUS: {}\n", info.status));
    out.push_str(&format!("REVISION: {}\n", rel.version));
    if opts.show_metadata {
        let meta = rel
            .chart
            .as_ref()
            .and_then(|c| c.metadata.clone())
            .unwrap_or_default();
        out.push_str(&format!("CHART: {}\n", meta.name));
        out.push_str(&format!("VERSION: {}\n", meta.version));
        out.push_str(&format!("APP_VERSION: {}\n", meta.app_version));
    }
    out.push_str(&format!("DESCRIPTION: {}\n", info.description));
    out.push_str(&resources_section(&opts.resources));

    let tests: Vec<&Hook> = rel
        .hooks
        .iter()
        .filter(|h| h.events.iter().any(|e| e == "test"))
        .collect();
    if tests.is_empty() {
        out.push_str("TEST SUITE: None\n");
    }
    for h in tests {
        let started = ReleaseTime::of(h.last_run.started_at.as_ref());
        // A test that never started is not listed.
        if started.is_zero() {
            continue;
        }
        let completed = ReleaseTime::of(h.last_run.completed_at.as_ref());
        out.push_str(&format!(
            "TEST SUITE:     {}\nLast Started:   {}\nLast Completed: {}\nPhase:          {}\n",
            h.name,
            started.format(ANSIC),
            completed.format(ANSIC),
            h.last_run.phase
        ));
    }

    if opts.debug {
        out.push_str("USER-SUPPLIED VALUES:\n");
        out.push_str(&super::get::user_values_yaml(rel));
        out.push('\n');
        out.push_str("COMPUTED VALUES:\n");
        out.push_str(&super::get::computed_values_yaml(rel));
        out.push('\n');
    }

    if opts.debug || info.description.eq_ignore_ascii_case("Dry run complete") {
        out.push_str("HOOKS:\n");
        for h in &rel.hooks {
            out.push_str(&format!("---\n# Source: {}\n{}\n", h.path, h.manifest));
        }
        out.push_str(&format!("MANIFEST:\n{}\n", rel.manifest));
    }

    if !opts.hide_notes && !info.notes.is_empty() {
        out.push_str(&format!("NOTES:\n{}\n", info.notes.trim()));
    }
    out
}

/// RESOURCES: each group under `==> version/Kind`, its objects through one kubectl printer
/// (which leaves out a header the previous table already printed), a blank line after each.
fn resources_section(groups: &Groups) -> String {
    if groups.is_empty() {
        return String::new();
    }
    let now = GoTime::now().unix().unwrap_or_default();
    let mut printer = TablePrinter::new();
    let mut out = String::from("RESOURCES:\n");
    for (key, objects) in groups {
        out.push_str(&format!("==> {key}\n"));
        for obj in objects {
            printer.print(obj, now, &mut out);
        }
        out.push('\n');
    }
    out.push('\n');
    out
}

/// `helm status NAME`: the status of the newest (or `--revision`) revision, with its live
/// objects when a cluster is configured. In JSON and YAML the release is printed without its
/// chart, as Helm does.
pub async fn run(cfg: &Configuration, name: &str, opts: &StatusOptions) -> Result<String, String> {
    let mut rel = release_content(&cfg.storage, name, opts.revision).await?;
    rel.chart = None;
    let table = opts.output == OutputFormat::Table;
    let groups = live_objects(cfg, &rel.manifest, table).await?;
    let mut print = PrintOptions {
        output: opts.output,
        ..PrintOptions::default()
    };
    if table {
        print.resources = groups;
    } else if !groups.is_empty() {
        rel.info.get_or_insert_default().resources = groups
            .into_iter()
            .map(|(key, objects)| (key, Value::Array(objects)))
            .collect();
    }
    Ok(print_status(&rel, &print))
}

/// The manifest's objects as the cluster has them ([`live::gather`]); none without a
/// configured cluster (the memory driver alone). Kinds the cluster does not serve fail, all
/// named, as Helm's build of the manifest does.
async fn live_objects(cfg: &Configuration, manifest: &str, table: bool) -> Result<Groups, String> {
    let Ok(cluster) = cfg.cluster() else {
        return Ok(Groups::new());
    };
    let server = cfg.server().await?;
    let mut items = Vec::new();
    let mut errors = Vec::new();
    for doc in split_manifests(manifest) {
        match resource::build(&doc, &cfg.namespace, server) {
            Ok(objects) => items.extend(objects),
            Err(e) => errors.push(e.to_string()),
        }
    }
    if !errors.is_empty() {
        return Err(go_aggregate(errors));
    }
    live::gather(cluster, &items, table)
        .await
        .map_err(|e| e.to_string())
}

/// Go's `utilerrors.NewAggregate(errs).Error()`: one message alone, several (duplicates
/// dropped) as `[a, b]`.
fn go_aggregate(errors: Vec<String>) -> String {
    let mut unique: Vec<String> = Vec::new();
    for e in errors {
        if !unique.contains(&e) {
            unique.push(e);
        }
    }
    if unique.len() == 1 {
        unique.remove(0)
    } else {
        format!("[{}]", unique.join(", "))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::action::fixtures::{error, stdout, storage};

    fn opts(revision: i64, output: OutputFormat) -> StatusOptions {
        StatusOptions { revision, output }
    }

    /// The fixture releases of `namespace` with no cluster configured (no RESOURCES).
    async fn config(namespace: &str) -> Configuration {
        let settings = crate::settings::Settings {
            debug: false,
            kube: Default::default(),
            dirs: crate::settings::Dirs::from_env(),
            policy: None,
            no_cache: false,
        };
        Configuration::from_parts(&settings, namespace, None, storage(namespace).await)
    }

    #[tokio::test]
    async fn prints_what_helm_printed() {
        let default = config("default").await;
        let (ops, data, old) = (
            config("ops").await,
            config("data").await,
            config("old").await,
        );
        let (table, json, yaml) = (OutputFormat::Table, OutputFormat::Json, OutputFormat::Yaml);
        for (id, s, name, o) in [
            ("status", &default, "web", opts(0, table)),
            ("status-json", &default, "web", opts(0, json)),
            ("status-yaml", &default, "web", opts(0, yaml)),
            ("status-revision", &default, "web", opts(1, table)),
            ("status-uninstalled", &default, "worker", opts(0, table)),
            ("status-pending", &default, "pend", opts(0, table)),
            ("status-failed", &default, "api", opts(0, table)),
            ("status-missing-chart", &default, "nochart", opts(0, table)),
            (
                "status-missing-chart-json",
                &default,
                "nochart",
                opts(0, json),
            ),
            ("status-offset", &ops, "cache", opts(0, table)),
            ("status-offset-yaml", &ops, "cache", opts(0, yaml)),
            ("status-data-json", &data, "db", opts(0, json)),
            ("status-folded-fields-json", &old, "legacy", opts(0, json)),
        ] {
            assert_eq!(run(s, name, &o).await.unwrap(), stdout(id), "case {id}");
        }
    }

    #[tokio::test]
    async fn fails_as_helm_did() {
        let s = config("default").await;
        for (id, name, revision) in [
            ("status-not-found", "nope", 0),
            ("status-revision-missing", "web", 9),
            ("status-invalid-name", "Bad_Name", 0),
        ] {
            let o = opts(revision, OutputFormat::Table);
            assert_eq!(run(&s, name, &o).await.unwrap_err(), error(id), "case {id}");
        }
    }

    #[tokio::test]
    async fn the_printer_is_get_alls_block_without_the_debug_parts() {
        // `helm get all` prints the same block with metadata and values; `print_status` with
        // those options gives it for any release install/upgrade/rollback hold.
        let s = storage("ops").await;
        let rel = s.get("cache", 7).await.unwrap();
        let all = print_status(
            &rel,
            &PrintOptions {
                debug: true,
                show_metadata: true,
                ..PrintOptions::default()
            },
        );
        assert_eq!(all, stdout("get-all-offset"));
    }
}
