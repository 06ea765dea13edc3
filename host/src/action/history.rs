//! `whelm history NAME`: the revisions of a release, as `helm history` 4.3.1 prints them.

use serde::Serialize;

use super::timefmt::{ANSIC, RFC3339_NANO, ReleaseTime};
use super::{OutputFormat, app_version, chart_name, encode_json, encode_yaml, table};
use crate::storage::{Release, Storage};

/// `helm history`'s flags.
#[derive(Clone, Debug, PartialEq)]
pub struct HistoryOptions {
    /// `--max`: the newest this many revisions (none when 0 or less).
    pub max: i64,
    /// `--show-rollback-revision`: a ROLLBACK column in the table.
    pub show_rollback_revision: bool,
    pub output: OutputFormat,
}

impl Default for HistoryOptions {
    fn default() -> Self {
        HistoryOptions {
            max: 256,
            show_rollback_revision: false,
            output: OutputFormat::Table,
        }
    }
}

/// One revision (Helm's `releaseInfo`; JSON field order as Helm's).
#[derive(Clone, Debug, Serialize)]
pub struct Revision {
    pub revision: i64,
    /// RFC 3339 with nanoseconds, omitted when the revision was never deployed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub updated: Option<String>,
    pub status: String,
    pub chart: String,
    pub app_version: String,
    #[serde(skip_serializing_if = "is_zero")]
    pub rollback_revision: i64,
    pub description: String,
    /// The UPDATED column (Go's `ANSIC`; the zero time when never deployed).
    #[serde(skip)]
    updated_ansic: String,
}

fn is_zero(n: &i64) -> bool {
    *n == 0
}

fn revision(r: &Release) -> Revision {
    let t = ReleaseTime::of(r.info.as_ref().and_then(|i| i.last_deployed.as_ref()));
    Revision {
        revision: r.version,
        updated: (!t.is_zero()).then(|| t.format(RFC3339_NANO)),
        status: r.status().to_string(),
        chart: chart_name(r),
        app_version: app_version(r),
        rollback_revision: r.info.as_ref().map_or(0, |i| i.rollback_revision),
        description: r
            .info
            .as_ref()
            .map(|i| i.description.clone())
            .unwrap_or_default(),
        updated_ansic: t.format(ANSIC),
    }
}

/// Helm's `History.Run` + `getHistory`: the newest `max` revisions of `name`, oldest first.
pub async fn history(storage: &Storage, name: &str, max: i64) -> Result<Vec<Revision>, String> {
    if super::template::validate_release_name(name).is_err() {
        return Err(format!("release name is invalid: {name}"));
    }
    let mut rels = storage.history(name).await.map_err(|e| e.to_string())?;
    rels.sort_by_key(|r| std::cmp::Reverse(r.version));
    rels.truncate(max.max(0) as usize);
    rels.reverse();
    Ok(rels.iter().map(revision).collect())
}

/// Prints revisions as `helm history` does.
pub fn render(revisions: &[Revision], opts: &HistoryOptions) -> String {
    match opts.output {
        OutputFormat::Json => encode_json(revisions),
        OutputFormat::Yaml => encode_yaml(&encode_json(revisions)),
        OutputFormat::Table => {
            let rows: Vec<Vec<String>> = revisions
                .iter()
                .map(|r| {
                    let mut row = vec![
                        r.revision.to_string(),
                        r.updated_ansic.clone(),
                        r.status.clone(),
                        r.chart.clone(),
                        r.app_version.clone(),
                    ];
                    if opts.show_rollback_revision {
                        row.push(if r.rollback_revision > 0 {
                            r.rollback_revision.to_string()
                        } else {
                            String::new()
                        });
                    }
                    row.push(r.description.clone());
                    row
                })
                .collect();
            if opts.show_rollback_revision {
                table(
                    &[
                        "REVISION",
                        "UPDATED",
                        "STATUS",
                        "CHART",
                        "APP VERSION",
                        "ROLLBACK",
                        "DESCRIPTION",
                    ],
                    &rows,
                )
            } else {
                table(
                    &[
                        "REVISION",
                        "UPDATED",
                        "STATUS",
                        "CHART",
                        "APP VERSION",
                        "DESCRIPTION",
                    ],
                    &rows,
                )
            }
        }
    }
}

/// `helm history NAME`.
pub async fn run(storage: &Storage, name: &str, opts: &HistoryOptions) -> Result<String, String> {
    Ok(render(&history(storage, name, opts.max).await?, opts))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::action::fixtures::{error, stdout, storage};

    fn opts(f: impl FnOnce(&mut HistoryOptions)) -> HistoryOptions {
        let mut o = HistoryOptions::default();
        f(&mut o);
        o
    }

    #[tokio::test]
    async fn prints_what_helm_printed() {
        let default = storage("default").await;
        let (ops, data, old) = (
            storage("ops").await,
            storage("data").await,
            storage("old").await,
        );
        for (id, s, name, o) in [
            ("history", &default, "web", HistoryOptions::default()),
            (
                "history-rollback-column",
                &default,
                "web",
                opts(|o| o.show_rollback_revision = true),
            ),
            ("history-max", &default, "web", opts(|o| o.max = 2)),
            ("history-max-zero", &default, "web", opts(|o| o.max = 0)),
            (
                "history-max-zero-json",
                &default,
                "web",
                opts(|o| (o.max, o.output) = (0, OutputFormat::Json)),
            ),
            (
                "history-json",
                &default,
                "web",
                opts(|o| o.output = OutputFormat::Json),
            ),
            (
                "history-yaml",
                &default,
                "web",
                opts(|o| o.output = OutputFormat::Yaml),
            ),
            (
                "history-rollback-json",
                &default,
                "web",
                opts(|o| (o.show_rollback_revision, o.output) = (true, OutputFormat::Json)),
            ),
            (
                "history-multiline",
                &default,
                "roll",
                HistoryOptions::default(),
            ),
            ("history-wide", &default, "odd", HistoryOptions::default()),
            (
                "history-missing-chart",
                &default,
                "nochart",
                HistoryOptions::default(),
            ),
            (
                "history-offset-json",
                &ops,
                "cache",
                opts(|o| o.output = OutputFormat::Json),
            ),
            (
                "history-offset-yaml",
                &data,
                "db",
                opts(|o| o.output = OutputFormat::Yaml),
            ),
            (
                "history-folded-fields",
                &old,
                "legacy",
                HistoryOptions::default(),
            ),
        ] {
            assert_eq!(run(s, name, &o).await.unwrap(), stdout(id), "case {id}");
        }
    }

    #[tokio::test]
    async fn fails_as_helm_did() {
        let s = storage("default").await;
        let o = HistoryOptions::default();
        assert_eq!(
            run(&s, "nope", &o).await.unwrap_err(),
            error("history-not-found")
        );
        assert_eq!(
            run(&s, "Bad_Name", &o).await.unwrap_err(),
            error("history-invalid-name")
        );
    }
}
