//! `whelm get all|hooks|manifest|metadata|notes|values NAME`, as helm 4.3.1 prints them.

use std::collections::BTreeMap;

use serde::Serialize;

use super::status::{PrintOptions, print_status};
use super::timefmt::{RFC3339, ReleaseTime};
use super::{OutputFormat, encode_json, encode_yaml, go_value, release_content};
use crate::storage::release::Dependency;
use crate::storage::{Release, Storage};

/// `helm get all`: the status block with chart metadata, values, hooks and manifest.
pub async fn all(storage: &Storage, name: &str, revision: i64) -> Result<String, String> {
    let rel = release_content(storage, name, revision).await?;
    Ok(print_status(
        &rel,
        &PrintOptions {
            output: OutputFormat::Table,
            debug: true,
            show_metadata: true,
            ..PrintOptions::default()
        },
    ))
}

/// `helm get all --template`: `template` executed with `.Release`, the release as Helm's Go
/// structs (`.Release.Name`, `.Release.Info.Status`, `.Release.Chart.Metadata.Version`,
/// `.Release.Config.key`, `.Release.Info.LastDeployed` as a `time.Time`, …).
///
/// whelm's engine offers the Sprig/Helm functions here too, where helm's plain `text/template`
/// knows only Go's builtins.
pub async fn all_template(
    storage: &Storage,
    name: &str,
    revision: i64,
    template: &str,
) -> Result<String, String> {
    let rel = release_content(storage, name, revision).await?;
    let mut engine = whelm_template::Engine::new();
    engine
        .add_template("_", template)
        .map_err(|e| e.to_string())?;
    let data = whelm_template::value::MapInner::from([("Release".to_string(), go_release(&rel))]);
    engine
        .render("_", &whelm_template::Value::map(data))
        .map_err(|e| e.to_string())
}

/// A Go struct as a template sees it: fields by Go name; `.Missing` is Go's error.
#[derive(Debug)]
struct GoStruct {
    type_name: &'static str,
    fields: Vec<(&'static str, whelm_template::Value)>,
}

impl whelm_template::Object for GoStruct {
    fn type_name(&self) -> &str {
        self.type_name
    }

    fn field(&self, name: &str) -> Option<Result<whelm_template::Value, String>> {
        self.fields
            .iter()
            .find(|(f, _)| *f == name)
            .map(|(_, v)| Ok(v.clone()))
    }

    fn display(&self) -> String {
        let vals: Vec<String> = self
            .fields
            .iter()
            .map(|(_, v)| whelm_template::gofmt::sprint_all(std::slice::from_ref(v)))
            .collect();
        format!("&{{{}}}", vals.join(" "))
    }
}

fn go_struct(
    type_name: &'static str,
    fields: Vec<(&'static str, whelm_template::Value)>,
) -> whelm_template::Value {
    whelm_template::Value::Object(std::rc::Rc::new(GoStruct { type_name, fields }))
}

fn go_time(t: Option<&crate::storage::release::GoTime>) -> whelm_template::Value {
    whelm_template::funcs::dates::time_value(ReleaseTime::of(t).into_time())
}

fn go_strings(v: &[String]) -> whelm_template::Value {
    whelm_template::Value::list(v.iter().map(whelm_template::Value::str).collect())
}

fn go_string_map(m: &BTreeMap<String, String>) -> whelm_template::Value {
    whelm_template::Value::map(
        m.iter()
            .map(|(k, v)| (k.clone(), whelm_template::Value::str(v)))
            .collect(),
    )
}

fn go_bytes(b: &Option<Vec<u8>>) -> whelm_template::Value {
    whelm_template::Value::list(
        b.iter()
            .flatten()
            .map(|&x| whelm_template::Value::Int(i64::from(x)))
            .collect(),
    )
}

fn go_map(m: &serde_json::Map<String, serde_json::Value>) -> whelm_template::Value {
    go_value(&serde_json::Value::Object(m.clone()))
}

/// `*v1.Release` (typed `interface {}` where Helm's template data holds it).
fn go_release(rel: &Release) -> whelm_template::Value {
    use whelm_template::Value as V;
    let info = rel.info.as_ref().map_or(V::Nil, |i| {
        go_struct(
            "*v1.Info",
            vec![
                ("FirstDeployed", go_time(i.first_deployed.as_ref())),
                ("LastDeployed", go_time(i.last_deployed.as_ref())),
                ("Deleted", go_time(i.deleted.as_ref())),
                ("Description", V::str(&i.description)),
                ("Status", V::str(i.status.as_str())),
                ("RollbackRevision", V::Int(i.rollback_revision)),
                ("Notes", V::str(&i.notes)),
                ("Resources", go_map(&i.resources)),
            ],
        )
    });
    let chart = rel.chart.as_deref().map_or(V::Nil, go_chart);
    let hooks = rel
        .hooks
        .iter()
        .map(|h| {
            go_struct(
                "*v1.Hook",
                vec![
                    ("Name", V::str(&h.name)),
                    ("Kind", V::str(&h.kind)),
                    ("Path", V::str(&h.path)),
                    ("Manifest", V::str(&h.manifest)),
                    ("Events", go_strings(&h.events)),
                    (
                        "LastRun",
                        go_struct(
                            "v1.HookExecution",
                            vec![
                                ("StartedAt", go_time(h.last_run.started_at.as_ref())),
                                ("CompletedAt", go_time(h.last_run.completed_at.as_ref())),
                                ("Phase", V::str(&h.last_run.phase)),
                            ],
                        ),
                    ),
                    ("Weight", V::Int(h.weight)),
                    ("DeletePolicies", go_strings(&h.delete_policies)),
                    ("OutputLogPolicies", go_strings(&h.output_log_policies)),
                ],
            )
        })
        .collect();
    go_struct(
        "interface {}",
        vec![
            ("Name", V::str(&rel.name)),
            ("Info", info),
            ("Chart", chart),
            ("Config", go_map(&rel.config)),
            ("Manifest", V::str(&rel.manifest)),
            ("Hooks", V::list(hooks)),
            ("Version", V::Int(rel.version)),
            ("Namespace", V::str(&rel.namespace)),
            ("Labels", go_string_map(&rel.labels)),
            ("ApplyMethod", V::str(&rel.apply_method)),
        ],
    )
}

/// `*v2.Chart`, with its `Name` and `AppVersion` methods.
fn go_chart(c: &crate::storage::release::Chart) -> whelm_template::Value {
    use whelm_template::Value as V;
    let meta = c.metadata.clone().unwrap_or_default();
    let files = |fs: &Option<Vec<crate::storage::release::File>>| {
        V::list(
            fs.iter()
                .flatten()
                .map(|f| {
                    go_struct(
                        "*common.File",
                        vec![
                            ("Name", V::str(&f.name)),
                            ("ModTime", go_time(f.modtime.as_ref())),
                            ("Data", go_bytes(&f.data)),
                        ],
                    )
                })
                .collect(),
        )
    };
    let deps = |ds: &[Dependency]| {
        V::list(
            ds.iter()
                .map(|d| {
                    go_struct(
                        "*v2.Dependency",
                        vec![
                            ("Name", V::str(&d.name)),
                            ("Version", V::str(&d.version)),
                            ("Repository", V::str(&d.repository)),
                            ("Condition", V::str(&d.condition)),
                            ("Tags", go_strings(&d.tags)),
                            ("Enabled", V::Bool(d.enabled)),
                            (
                                "ImportValues",
                                go_value(&serde_json::Value::Array(d.import_values.clone())),
                            ),
                            ("Alias", V::str(&d.alias)),
                        ],
                    )
                })
                .collect(),
        )
    };
    let metadata = c.metadata.as_ref().map_or(V::Nil, |m| {
        go_struct(
            "*v2.Metadata",
            vec![
                ("Name", V::str(&m.name)),
                ("Home", V::str(&m.home)),
                ("Sources", go_strings(&m.sources)),
                ("Version", V::str(&m.version)),
                ("Description", V::str(&m.description)),
                ("Keywords", go_strings(&m.keywords)),
                (
                    "Maintainers",
                    V::list(
                        m.maintainers
                            .iter()
                            .map(|x| {
                                go_struct(
                                    "*v2.Maintainer",
                                    vec![
                                        ("Name", V::str(&x.name)),
                                        ("Email", V::str(&x.email)),
                                        ("URL", V::str(&x.url)),
                                    ],
                                )
                            })
                            .collect(),
                    ),
                ),
                ("Icon", V::str(&m.icon)),
                ("APIVersion", V::str(&m.api_version)),
                ("Condition", V::str(&m.condition)),
                ("Tags", V::str(&m.tags)),
                ("AppVersion", V::str(&m.app_version)),
                ("Deprecated", V::Bool(m.deprecated)),
                ("Annotations", go_string_map(&m.annotations)),
                ("KubeVersion", V::str(&m.kube_version)),
                ("Dependencies", deps(&m.dependencies)),
                ("Type", V::str(&m.chart_type)),
            ],
        )
    });
    let lock = c.lock.as_ref().map_or(V::Nil, |l| {
        go_struct(
            "*v2.Lock",
            vec![
                ("Generated", go_time(Some(&l.generated))),
                ("Digest", V::str(&l.digest)),
                (
                    "Dependencies",
                    deps(l.dependencies.as_deref().unwrap_or(&[])),
                ),
            ],
        )
    });
    go_struct(
        "*v2.Chart",
        vec![
            ("Metadata", metadata),
            ("Lock", lock),
            ("Templates", files(&c.templates)),
            ("Values", c.values.as_ref().map_or(V::Nil, go_map)),
            ("Schema", go_bytes(&c.schema)),
            ("SchemaModTime", go_time(Some(&c.schemamodtime))),
            ("Files", files(&c.files)),
            ("ModTime", go_time(c.modtime.as_ref())),
            // Methods `.Name` and `.AppVersion`.
            ("Name", V::str(&meta.name)),
            ("AppVersion", V::str(&meta.app_version)),
        ],
    )
}

/// `helm get manifest`.
pub async fn manifest(storage: &Storage, name: &str, revision: i64) -> Result<String, String> {
    let rel = release_content(storage, name, revision).await?;
    Ok(format!("{}\n", rel.manifest))
}

/// `helm get notes`: nothing when the release has no notes.
pub async fn notes(storage: &Storage, name: &str, revision: i64) -> Result<String, String> {
    let rel = release_content(storage, name, revision).await?;
    let notes = rel.info.map(|i| i.notes).unwrap_or_default();
    Ok(if notes.is_empty() {
        String::new()
    } else {
        format!("NOTES:\n{notes}\n")
    })
}

/// `helm get hooks`: each hook's manifest under a `# Source:` line.
pub async fn hooks(storage: &Storage, name: &str, revision: i64) -> Result<String, String> {
    let rel = release_content(storage, name, revision).await?;
    Ok(rel
        .hooks
        .iter()
        .map(|h| format!("---\n# Source: {}\n{}\n", h.path, h.manifest))
        .collect())
}

/// `helm get values`' flags.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ValuesOptions {
    pub revision: i64,
    /// `-a`: the computed values (chart defaults coalesced with the user's).
    pub all: bool,
    pub output: OutputFormat,
}

/// The user-supplied values as Helm holds them: `nil` when the release has none (the stored
/// JSON omits an empty map, so Helm reads it back as `nil`).
fn user_values(rel: &Release) -> whelm_template::Value {
    if rel.config.is_empty() {
        whelm_template::Value::Nil
    } else {
        go_value(&serde_json::Value::Object(rel.config.clone()))
    }
}

/// Helm's `CoalesceValues(rel.Chart, rel.Config)`: the stored chart's values under the user's,
/// `null` deleting defaults. (The stored chart has no subcharts.)
fn computed_values(rel: &Release) -> Result<whelm_template::Value, String> {
    let chart = rel.chart.as_deref();
    let defaults = match chart.and_then(|c| c.values.as_ref()) {
        Some(v) => go_map(v),
        None => whelm_template::Value::Nil,
    };
    let c = crate::chart::Chart {
        metadata: crate::chart::Metadata {
            name: chart
                .and_then(|c| c.metadata.as_ref())
                .map(|m| m.name.clone())
                .unwrap_or_default(),
            ..Default::default()
        },
        templates: Vec::new(),
        values: defaults.as_map().cloned().unwrap_or_default(),
        schema: None,
        files: Vec::new(),
        raw: Vec::new(),
        dependencies: Vec::new(),
    };
    let config = user_values(rel).as_map().cloned().unwrap_or_default();
    let merged = crate::values::coalesce::coalesce_values(&c, &config)?;
    Ok(whelm_template::Value::Map(merged))
}

fn yaml(v: &whelm_template::Value) -> String {
    let mut s = whelm_template::yaml::to_yaml(v).expect("values from JSON are finite");
    s.push('\n');
    s
}

fn json(v: &whelm_template::Value) -> String {
    let mut s = whelm_template::json::marshal(v).expect("values from JSON are finite");
    s.push('\n');
    s
}

/// The USER-SUPPLIED VALUES block's YAML (also in `get all`).
pub(crate) fn user_values_yaml(rel: &Release) -> String {
    yaml(&user_values(rel))
}

/// The COMPUTED VALUES block's YAML (also in `get all`).
pub(crate) fn computed_values_yaml(rel: &Release) -> String {
    computed_values(rel)
        .map(|v| yaml(&v))
        .unwrap_or_else(|e| format!("{e}\n"))
}

/// `helm get values`.
pub async fn values(storage: &Storage, name: &str, opts: &ValuesOptions) -> Result<String, String> {
    let rel = release_content(storage, name, opts.revision).await?;
    let vals = if opts.all {
        computed_values(&rel)?
    } else {
        user_values(&rel)
    };
    Ok(match opts.output {
        OutputFormat::Json => json(&vals),
        OutputFormat::Yaml => yaml(&vals),
        OutputFormat::Table => {
            let header = if opts.all {
                "COMPUTED VALUES:\n"
            } else {
                "USER-SUPPLIED VALUES:\n"
            };
            format!("{header}{}", yaml(&vals))
        }
    })
}

/// `helm get metadata`'s object (Helm's `action.Metadata`; JSON field order as Helm's).
#[derive(Clone, Debug, Serialize)]
pub struct Metadata {
    pub name: String,
    pub chart: String,
    pub version: String,
    #[serde(rename = "appVersion")]
    pub app_version: String,
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub annotations: BTreeMap<String, String>,
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub labels: BTreeMap<String, String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub dependencies: Vec<Dependency>,
    pub namespace: String,
    pub revision: i64,
    pub status: String,
    /// The last deployment, RFC 3339 (seconds).
    #[serde(rename = "deployedAt")]
    pub deployed_at: String,
    #[serde(rename = "applyMethod", skip_serializing_if = "String::is_empty")]
    pub apply_method: String,
}

/// Helm's `GetMetadata.Run`.
pub async fn metadata_of(storage: &Storage, name: &str, revision: i64) -> Result<Metadata, String> {
    let rel = release_content(storage, name, revision).await?;
    let meta = rel
        .chart
        .as_ref()
        .and_then(|c| c.metadata.clone())
        .unwrap_or_default();
    let deployed = ReleaseTime::of(rel.info.as_ref().and_then(|i| i.last_deployed.as_ref()));
    Ok(Metadata {
        name: rel.name.clone(),
        chart: meta.name,
        version: meta.version,
        app_version: meta.app_version,
        annotations: meta.annotations,
        labels: rel.labels.clone(),
        dependencies: meta.dependencies,
        namespace: rel.namespace.clone(),
        revision: rel.version,
        status: rel.status().to_string(),
        deployed_at: deployed.format(RFC3339),
        apply_method: rel.apply_method.clone(),
    })
}

/// `k8s.io/apimachinery/pkg/labels.Set.String()`: `k=v` sorted by key, comma-separated.
fn label_set(m: &BTreeMap<String, String>) -> String {
    m.iter()
        .map(|(k, v)| format!("{k}={v}"))
        .collect::<Vec<_>>()
        .join(",")
}

/// Prints `helm get metadata`'s table, JSON or YAML.
pub fn render_metadata(m: &Metadata, output: OutputFormat) -> String {
    match output {
        OutputFormat::Json => encode_json(m),
        OutputFormat::Yaml => encode_yaml(&encode_json(m)),
        OutputFormat::Table => {
            let apply = match m.apply_method.as_str() {
                "" => "client-side apply (defaulted)".to_string(),
                "csa" => "client-side apply".to_string(),
                "ssa" => "server-side apply".to_string(),
                other => format!("unknown ({other:?})"),
            };
            let mut deps: Vec<&str> = m.dependencies.iter().map(|d| d.name.as_str()).collect();
            deps.sort_unstable();
            format!(
                "NAME: {}\nCHART: {}\nVERSION: {}\nAPP_VERSION: {}\nANNOTATIONS: {}\nLABELS: {}\nDEPENDENCIES: {}\nNAMESPACE: {}\nREVISION: {}\nSTATUS: {}\nDEPLOYED_AT: {}\nAPPLY_METHOD: {}\n",
                m.name,
                m.chart,
                m.version,
                m.app_version,
                label_set(&m.annotations),
                label_set(&m.labels),
                deps.join(","),
                m.namespace,
                m.revision,
                m.status,
                m.deployed_at,
                apply
            )
        }
    }
}

/// `helm get metadata`.
pub async fn metadata(
    storage: &Storage,
    name: &str,
    revision: i64,
    output: OutputFormat,
) -> Result<String, String> {
    Ok(render_metadata(
        &metadata_of(storage, name, revision).await?,
        output,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::action::fixtures::{error, stdout, storage};

    #[tokio::test]
    async fn prints_what_helm_printed() {
        let s = storage("default").await;
        let (ops, data, old) = (
            storage("ops").await,
            storage("data").await,
            storage("old").await,
        );
        let cases = [
            ("get-all", all(&s, "web", 0).await),
            ("get-all-revision", all(&s, "web", 1).await),
            ("get-all-offset", all(&ops, "cache", 0).await),
            ("get-all-data", all(&data, "db", 0).await),
            ("get-all-uninstalled", all(&s, "worker", 0).await),
            ("get-manifest", manifest(&s, "web", 0).await),
            ("get-manifest-empty", manifest(&s, "api", 0).await),
            ("get-manifest-revision", manifest(&s, "web", 2).await),
            ("get-notes", notes(&s, "web", 0).await),
            ("get-notes-empty", notes(&s, "api", 0).await),
            ("get-notes-revision", notes(&s, "worker", 1).await),
            ("get-hooks", hooks(&s, "web", 0).await),
            ("get-hooks-empty", hooks(&s, "api", 0).await),
            (
                "get-metadata",
                metadata(&s, "web", 0, OutputFormat::Table).await,
            ),
            (
                "get-metadata-json",
                metadata(&s, "web", 0, OutputFormat::Json).await,
            ),
            (
                "get-metadata-yaml",
                metadata(&s, "web", 0, OutputFormat::Yaml).await,
            ),
            (
                "get-metadata-revision",
                metadata(&s, "web", 1, OutputFormat::Table).await,
            ),
            (
                "get-metadata-offset",
                metadata(&ops, "cache", 0, OutputFormat::Table).await,
            ),
            (
                "get-metadata-offset-json",
                metadata(&ops, "cache", 0, OutputFormat::Json).await,
            ),
            (
                "get-metadata-uninstalled",
                metadata(&s, "worker", 0, OutputFormat::Table).await,
            ),
            (
                "get-metadata-folded-fields",
                metadata(&old, "legacy", 0, OutputFormat::Table).await,
            ),
        ];
        for (id, got) in cases {
            assert_eq!(got.unwrap(), stdout(id), "case {id}");
        }
    }

    #[tokio::test]
    async fn templates_see_release_as_helm_structs() {
        let s = storage("default").await;
        for (id, revision, t) in [
            (
                "get-all-template",
                0,
                "{{.Release.Name}} {{.Release.Version}} {{.Release.Info.Status}} {{.Release.Namespace}}",
            ),
            (
                "get-all-template-times",
                0,
                "{{.Release.Info.LastDeployed}} {{.Release.Info.Deleted}} {{.Release.Info.LastDeployed.Year}}",
            ),
            (
                "get-all-template-hooks",
                0,
                "{{range .Release.Hooks}}{{.Name}}:{{.LastRun.Phase}}:{{.Weight}} {{end}}",
            ),
            (
                "get-all-template-values",
                0,
                "{{.Release.Config.replicas}} {{.Release.Config.image}} {{.Release.Config.tiny}} {{index .Release.Chart.Metadata.Annotations \"category\"}}",
            ),
            (
                "get-all-template-chart",
                1,
                "{{.Release.Chart.Name}}-{{.Release.Chart.Metadata.Version}} {{.Release.Chart.AppVersion}} {{.Release.Labels}}",
            ),
        ] {
            let got = all_template(&s, "web", revision, t).await.unwrap();
            assert_eq!(got, stdout(id), "case {id}");
        }
        for (id, t) in [
            ("get-all-template-missing-field", "{{.Release.Nope}}"),
            ("get-all-template-parse-error", "{{.Release.Info.Status"),
        ] {
            let got = all_template(&s, "web", 0, t).await.unwrap_err();
            assert_eq!(got, error(id), "case {id}");
        }
    }

    #[tokio::test]
    async fn values_as_helm_printed_them() {
        let s = storage("default").await;
        let (data, old) = (storage("data").await, storage("old").await);
        let v = |revision, all, output| ValuesOptions {
            revision,
            all,
            output,
        };
        let (table, json, yaml) = (OutputFormat::Table, OutputFormat::Json, OutputFormat::Yaml);
        for (id, st, name, o) in [
            ("get-values", &s, "web", v(0, false, table)),
            ("get-values-all", &s, "web", v(0, true, table)),
            ("get-values-json", &s, "web", v(0, false, json)),
            ("get-values-all-json", &s, "web", v(0, true, json)),
            ("get-values-yaml", &s, "web", v(0, false, yaml)),
            ("get-values-all-yaml", &s, "web", v(0, true, yaml)),
            ("get-values-none", &s, "worker", v(0, false, table)),
            ("get-values-none-json", &s, "worker", v(0, false, json)),
            ("get-values-none-yaml", &s, "worker", v(0, false, yaml)),
            ("get-values-none-all", &s, "worker", v(0, true, table)),
            ("get-values-revision", &s, "web", v(1, true, table)),
            (
                "get-values-missing-chart",
                &s,
                "nochart",
                v(0, false, table),
            ),
            ("get-values-data", &data, "db", v(0, true, table)),
            (
                "get-values-folded-fields",
                &old,
                "legacy",
                v(0, true, table),
            ),
        ] {
            assert_eq!(values(st, name, &o).await.unwrap(), stdout(id), "case {id}");
        }
    }

    #[tokio::test]
    async fn fails_as_helm_did() {
        let s = storage("default").await;
        let o = ValuesOptions::default();
        assert_eq!(
            values(&s, "nope", &o).await.unwrap_err(),
            error("get-not-found")
        );
        assert_eq!(
            manifest(&s, "web", 9).await.unwrap_err(),
            error("get-revision-not-found")
        );
        assert_eq!(
            notes(&s, "Bad_Name", 0).await.unwrap_err(),
            error("get-invalid-name")
        );
    }
}
