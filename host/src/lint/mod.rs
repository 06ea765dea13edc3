//! Helm's chart linter (`pkg/chart/v2/lint`): the rules `helm lint` runs
//! on a chart directory, in Helm's order and with Helm's severities and
//! wording — `Chart.yaml`, `values.yaml` (and its schema), `templates/`
//! (rendered in lint mode through the renderer plugin, then each manifest
//! checked), dependencies and `crds/`.
//!
//! [`run_all`] lints one directory; `action::lint` handles paths, archives,
//! `--with-subcharts` and the report.

mod deprecations;
pub mod k8s;
mod rules;

use std::path::{Path, PathBuf};

use whelm_template::value::Map;

use crate::plugin::PluginHost;

/// A message's severity (Helm's `support` constants).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Severity {
    Info = 1,
    Warning = 2,
    Error = 3,
}

impl Severity {
    fn name(self) -> &'static str {
        match self {
            Severity::Info => "INFO",
            Severity::Warning => "WARNING",
            Severity::Error => "ERROR",
        }
    }
}

/// One finding: `[SEVERITY] path: message`.
#[derive(Clone, Debug, PartialEq)]
pub struct Message {
    pub severity: Severity,
    pub path: String,
    pub err: String,
}

impl std::fmt::Display for Message {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "[{}] {}: {}", self.severity.name(), self.path, self.err)
    }
}

/// The findings for one chart directory.
#[derive(Debug, Default)]
pub struct Linter {
    pub messages: Vec<Message>,
    /// The chart directory, absolute (some messages name it).
    pub chart_dir: PathBuf,
}

impl Linter {
    /// Helm's `RunLinterRule`: records a failure; returns whether it passed.
    fn rule(&mut self, severity: Severity, path: &str, result: Result<(), String>) -> bool {
        match result {
            Ok(()) => true,
            Err(err) => {
                self.messages.push(Message {
                    severity,
                    path: path.to_string(),
                    err,
                });
                false
            }
        }
    }
}

/// What the rules need besides the directory.
#[derive(Clone, Debug, Default)]
pub struct Options {
    /// The user's merged values (`-f`, `--set`…).
    pub values: Map,
    pub namespace: String,
    /// `--kube-version`, already parsed (`v1.29.0`).
    pub kube_version: Option<String>,
    pub skip_schema_validation: bool,
    pub debug: bool,
}

/// Go's `filepath.Abs`: joined to the working directory, then cleaned.
pub fn absolute(p: &Path) -> PathBuf {
    let joined = if p.is_absolute() {
        p.to_path_buf()
    } else {
        std::env::current_dir().unwrap_or_default().join(p)
    };
    let mut out: Vec<String> = Vec::new();
    for c in joined.components() {
        match c {
            std::path::Component::RootDir | std::path::Component::CurDir => {}
            std::path::Component::ParentDir => {
                out.pop();
            }
            c => out.push(c.as_os_str().to_string_lossy().into_owned()),
        }
    }
    PathBuf::from(format!("/{}", out.join("/")))
}

/// Helm's `lint.RunAll` on one chart directory.
pub async fn run_all(host: &PluginHost, dir: &Path, o: &Options) -> Linter {
    let mut l = Linter {
        messages: Vec::new(),
        chart_dir: absolute(dir),
    };
    rules::chartfile(&mut l);
    rules::values(&mut l, o);
    rules::templates(&mut l, host, o).await;
    rules::dependencies(&mut l);
    rules::crds(&mut l);
    l
}
