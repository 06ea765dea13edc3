//! `whelm lint`: Helm's `helm lint` — each path (a chart directory or a
//! `.tgz`) linted by [`crate::lint::run_all`], reported as helm reports it
//! (`==> Linting <path>`, `[SEVERITY] file: message`, the summary), failing
//! when any chart has an error (or, with `--strict`, a warning).

use std::path::{Path, PathBuf};

use crate::lint::{self, Severity};
use crate::plugin::PluginHost;
use crate::render;
use crate::values;

/// Everything `helm lint` takes (no clap types).
#[derive(Clone, Debug, Default)]
pub struct LintOptions {
    pub paths: Vec<String>,
    pub values: values::Options,
    /// The global `--namespace`; `default` when unset.
    pub namespace: Option<String>,
    pub kube_version: Option<String>,
    pub strict: bool,
    pub with_subcharts: bool,
    pub quiet: bool,
    pub skip_schema_validation: bool,
    pub debug: bool,
}

/// A failed lint: what helm still prints on stdout, and the error.
#[derive(Debug)]
pub struct LintFailure {
    pub stdout: String,
    pub message: String,
}

impl From<String> for LintFailure {
    fn from(message: String) -> Self {
        LintFailure {
            stdout: String::new(),
            message,
        }
    }
}

/// Go's `filepath.Join(p, "charts")` (cleaned).
fn join_clean(p: &str, name: &str) -> String {
    let joined = format!("{p}/{name}");
    let rooted = joined.starts_with('/');
    let mut out: Vec<&str> = Vec::new();
    for seg in joined.split('/') {
        match seg {
            "" | "." => {}
            ".." => {
                if out.last().is_some_and(|s| *s != "..") {
                    out.pop();
                } else if !rooted {
                    out.push("..");
                }
            }
            s => out.push(s),
        }
    }
    let s = out.join("/");
    match (rooted, s.is_empty()) {
        (true, _) => format!("/{s}"),
        (false, true) => ".".into(),
        (false, false) => s,
    }
}

/// `filepath.Walk` of `root`, in lexical order: chart directories (those
/// holding a `Chart.yaml`) and archives, as `--with-subcharts` collects them.
fn walk_subcharts(root: &str, out: &mut Vec<String>) {
    let Ok(rd) = std::fs::read_dir(root) else {
        return;
    };
    let mut names: Vec<String> = rd
        .filter_map(|e| e.ok())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    for name in names {
        let path = format!("{root}/{name}");
        let md = std::fs::symlink_metadata(&path);
        if name == "Chart.yaml" {
            out.push(root.to_string());
        } else if path.ends_with(".tgz") || path.ends_with(".tar.gz") {
            out.push(path.clone());
        }
        if md.is_ok_and(|m| m.is_dir()) {
            walk_subcharts(&path, out);
        }
    }
}

fn go_stat_error(path: &str, e: &std::io::Error) -> String {
    let reason = match e.kind() {
        std::io::ErrorKind::NotFound => "no such file or directory".to_string(),
        std::io::ErrorKind::NotADirectory => "not a directory".to_string(),
        std::io::ErrorKind::PermissionDenied => "permission denied".to_string(),
        _ => e.to_string(),
    };
    format!("stat {path}: {reason}")
}

/// Unpacks a chart archive into `tmp` (Helm's `chartutil.Expand`);
/// returns the chart's directory.
fn expand(archive: &str, tmp: &Path) -> Result<PathBuf, String> {
    let data = std::fs::read(archive).map_err(|e| {
        let reason = match e.kind() {
            std::io::ErrorKind::NotFound => "no such file or directory".to_string(),
            _ => e.to_string(),
        };
        format!("unable to open tarball: open {archive}: {reason}")
    })?;
    let files = crate::chart::archive_files(&data)
        .map_err(|e| format!("unable to extract tarball: {e}"))?;
    let name = files
        .iter()
        .find(|f| f.name == "Chart.yaml")
        .and_then(|f| whelm_template::yaml::load(&String::from_utf8_lossy(&f.data)).ok())
        .and_then(|v| {
            v.as_map()
                .and_then(|m| m.get("name"))
                .and_then(|n| n.as_str().map(str::to_string))
        })
        .filter(|n| !n.is_empty() && !n.contains('/') && n != "." && n != "..")
        .ok_or_else(|| "unable to extract tarball: Chart.yaml file is missing".to_string())?;
    let dir = tmp.join(&name);
    for f in files {
        let p = dir.join(&f.name);
        if let Some(parent) = p.parent() {
            std::fs::create_dir_all(parent)
                .map_err(|e| format!("unable to extract tarball: {e}"))?;
        }
        std::fs::write(&p, &f.data).map_err(|e| format!("unable to extract tarball: {e}"))?;
    }
    Ok(dir)
}

/// Helm's `lintChart`: the messages for one path, or why it could not be
/// linted at all.
async fn lint_path(
    host: &PluginHost,
    path: &str,
    o: &lint::Options,
) -> Result<Vec<lint::Message>, String> {
    let tmp;
    let chart_dir = if path.ends_with(".tgz") || path.ends_with(".tar.gz") {
        tmp = tempdir()?;
        expand(path, tmp.path())?
    } else {
        PathBuf::from(path)
    };
    let chart_yaml = join_clean(&chart_dir.display().to_string(), "Chart.yaml");
    if let Err(e) = std::fs::metadata(&chart_yaml) {
        return Err(format!(
            "unable to check Chart.yaml file in chart: {}",
            go_stat_error(&chart_yaml, &e)
        ));
    }
    Ok(lint::run_all(host, &chart_dir, o).await.messages)
}

/// A temporary directory removed when dropped.
struct TempDir(PathBuf);

impl TempDir {
    fn path(&self) -> &Path {
        &self.0
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn tempdir() -> Result<TempDir, String> {
    let base = std::env::temp_dir();
    for i in 0..100u32 {
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.subsec_nanos())
            .unwrap_or(0);
        let p = base.join(format!(
            "helm-lint{}{}",
            std::process::id(),
            nanos.wrapping_add(i)
        ));
        if std::fs::create_dir(&p).is_ok() {
            return Ok(TempDir(p));
        }
    }
    Err("unable to create temp dir to extract tarball".into())
}

/// Runs `helm lint`; returns stdout, or stdout and the error helm reports.
pub async fn run(host: &PluginHost, o: &LintOptions) -> Result<String, LintFailure> {
    if o.paths.is_empty() {
        return Err("\"whelm lint\" requires at least 1 argument"
            .to_string()
            .into());
    }
    let kube_version = match &o.kube_version {
        Some(k) if !k.is_empty() => Some(render::parse_kube_version(k)?),
        _ => None,
    };
    let mut paths = o.paths.clone();
    if o.with_subcharts {
        for p in &o.paths {
            walk_subcharts(&join_clean(p, "charts"), &mut paths);
        }
    }
    let namespace = o
        .namespace
        .clone()
        .filter(|n| !n.is_empty())
        .unwrap_or_else(|| "default".into());
    let vals = o.values.merge(&values::LocalFiles)?;
    let opts = lint::Options {
        values: vals,
        namespace,
        kube_version,
        skip_schema_validation: o.skip_schema_validation,
        debug: o.debug,
    };
    let tolerance = if o.strict {
        Severity::Warning
    } else {
        Severity::Error
    };
    let mut out = String::new();
    let mut failed = 0;
    let mut with_findings = 0;
    for path in &paths {
        let (messages, errors): (Vec<lint::Message>, Vec<String>) =
            match lint_path(host, path, &opts).await {
                Ok(messages) => {
                    let errors = messages
                        .iter()
                        .filter(|m| m.severity >= tolerance)
                        .map(|m| m.err.clone())
                        .collect();
                    (messages, errors)
                }
                Err(e) => (Vec::new(), vec![e]),
            };
        let findings = messages.iter().any(|m| m.severity > Severity::Info) || !errors.is_empty();
        if findings {
            with_findings += 1;
        }
        if o.quiet && !findings {
            continue;
        }
        out.push_str(&format!("==> Linting {path}\n"));
        if messages.is_empty() {
            for e in &errors {
                out.push_str(&format!("Error {e}\n"));
            }
        }
        for m in &messages {
            if !o.quiet || m.severity > Severity::Info {
                out.push_str(&format!("{m}\n"));
            }
        }
        if !errors.is_empty() {
            failed += 1;
        }
        out.push('\n');
    }
    let summary = format!("{} chart(s) linted, {failed} chart(s) failed", paths.len());
    if failed > 0 {
        return Err(LintFailure {
            stdout: out,
            message: summary,
        });
    }
    if !o.quiet || with_findings > 0 {
        out.push_str(&summary);
        out.push('\n');
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_join_like_go() {
        assert_eq!(join_clean("./c/", "charts"), "c/charts");
        assert_eq!(join_clean("c", "Chart.yaml"), "c/Chart.yaml");
        assert_eq!(join_clean("/a/b/../c", "x"), "/a/c/x");
    }
}
