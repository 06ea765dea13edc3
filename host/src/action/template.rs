//! `whelm template`: Helm's `helm template` (an install in client-only
//! dry-run mode). Values and the chart are loaded and checked, dependencies
//! processed, values coalesced; the `gotemplate` renderer plugin renders;
//! an optional post-renderer plugin runs; then the output is assembled.

use std::collections::BTreeMap;
use std::path::PathBuf;

use crate::chart::{self, Chart};
use crate::plugin::PluginHost;
use crate::plugin::error::PluginError;
use crate::plugin::manifest::Role;
use crate::plugin::runtime::CallOptions;
use crate::render::{self, ReleaseOptions, RenderRequest, assemble, kyaml};
use crate::values::{self, coalesce};

/// The renderer plugin `whelm template` uses.
pub const RENDERER: &str = "gotemplate";

/// Everything `helm template` takes (no clap types).
#[derive(Clone, Debug, Default)]
pub struct TemplateOptions {
    /// `[NAME] CHART`.
    pub args: Vec<String>,
    pub values: values::Options,
    pub namespace: Option<String>,
    pub kube_version: Option<String>,
    pub api_versions: Vec<String>,
    pub include_crds: bool,
    pub skip_tests: bool,
    pub is_upgrade: bool,
    pub show_only: Vec<String>,
    pub output_dir: Option<PathBuf>,
    pub use_release_name: bool,
    pub no_hooks: bool,
    pub generate_name: bool,
    pub name_template: Option<String>,
    pub post_renderer: Option<String>,
    pub post_renderer_args: Vec<String>,
    /// `--skip-schema-validation`: do not check values against `values.schema.json`.
    pub skip_schema_validation: bool,
    pub debug: bool,
    /// `.Capabilities` discovered from a cluster (install/upgrade); `None` uses
    /// `--kube-version`/`--api-versions` over Helm's defaults.
    pub capabilities: Option<render::Capabilities>,
    /// `.Release.Revision` (0 means 1).
    pub revision: i64,
    /// Values that replace `-f`/`--set` (upgrade's `--reuse-values`, rollback).
    pub user_values: Option<whelm_template::value::Map>,
}

/// A failure, with what `helm template` still prints on stdout (`--debug`).
#[derive(Debug)]
pub struct TemplateError {
    pub message: String,
    pub stdout: String,
}

impl From<String> for TemplateError {
    fn from(message: String) -> Self {
        TemplateError {
            message,
            stdout: String::new(),
        }
    }
}

const DEBUG_HINT: &str = "\n\nUse --debug flag to render out invalid YAML";

/// A chart ready to render: processed tree, request and output options.
pub struct Prepared {
    pub chart: Chart,
    pub request: RenderRequest,
    pub assemble: assemble::Options,
    pub kube_version: String,
    /// The user-supplied values (`-f`, `--set`…), as stored in the release.
    pub user_values: whelm_template::value::Map,
    pub release: ReleaseOptions,
}

/// Helm's `Install.NameAndChart` as `helm template` uses it (its release
/// name defaults to `release-name`).
pub fn name_and_chart(o: &TemplateOptions) -> Result<(String, String), String> {
    match o.args.len() {
        0 => Err("\"whelm template\" requires at least 1 argument".into()),
        1 => {
            if o.name_template.is_some() {
                return Err("--name-template is not supported by whelm yet".into());
            }
            Ok(("release-name".into(), o.args[0].clone()))
        }
        2 => {
            if o.generate_name {
                return Err("cannot set --generate-name and also specify a name".into());
            }
            if o.name_template.is_some() {
                return Err("cannot set --name-template and also specify a name".into());
            }
            Ok((o.args[0].clone(), o.args[1].clone()))
        }
        _ => Err(format!(
            "expected at most two arguments, unexpected arguments: {}",
            o.args[2..].join(", ")
        )),
    }
}

/// Helm's `ValidateReleaseName`.
pub fn validate_release_name(name: &str) -> Result<(), String> {
    const RE: &str = r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$";
    if name.is_empty() {
        return Err("no name provided".into());
    }
    let label_ok = |l: &str| {
        let b = l.as_bytes();
        !b.is_empty()
            && b.iter()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || *c == b'-')
            && b[0] != b'-'
            && b[b.len() - 1] != b'-'
    };
    if name.len() > 53 || !name.split('.').all(label_ok) {
        return Err(format!(
            "invalid release name, must match regex {RE} and the length must not be longer than 53"
        ));
    }
    Ok(())
}

/// A chart loaded with its user values, dependencies processed (conditions,
/// tags, aliases): what Helm has before it installs `crds/` and asks the
/// cluster for capabilities.
pub struct Loaded {
    pub chart: Chart,
    /// The user-supplied values (`-f`, `--set`…), as stored in the release.
    pub user_values: whelm_template::value::Map,
    name: String,
    namespace: String,
    kube_version: Option<String>,
}

/// Loads, checks and prepares everything up to the renderer call.
pub fn prepare(
    o: &TemplateOptions,
    files: &dyn values::ReadFile,
) -> Result<Prepared, TemplateError> {
    load(o, files)?.finish(o)
}

/// Loads the chart and the user values and processes dependencies.
pub fn load(o: &TemplateOptions, files: &dyn values::ReadFile) -> Result<Loaded, TemplateError> {
    load_with(o, files, None)
}

/// Reads the chart `o` names (its files and their YAML), before any values are known: the
/// part of [`load`] a release verb can do while it waits on the cluster. Pass the result to
/// [`load_with`], which reports its error where [`load`] would have.
pub fn load_chart(o: &TemplateOptions) -> Result<Chart, TemplateError> {
    let (_, chart_ref) = name_and_chart(o)?;
    Ok(chart::load(std::path::Path::new(&chart_ref))?)
}

/// [`load`], over the chart [`load_chart`] read when `read` is given.
pub fn load_with(
    o: &TemplateOptions,
    files: &dyn values::ReadFile,
    read: Option<Result<Chart, TemplateError>>,
) -> Result<Loaded, TemplateError> {
    let kube_version = match &o.kube_version {
        Some(k) if !k.is_empty() => Some(render::parse_kube_version(k)?),
        _ => None,
    };
    let (name, chart_ref) = name_and_chart(o)?;
    let user = match &o.user_values {
        Some(v) => v.clone(),
        None => o.values.merge(files)?,
    };
    let mut chart = match read {
        Some(read) => read?,
        None => chart::load(std::path::Path::new(&chart_ref))?,
    };
    match chart.metadata.chart_type.as_str() {
        "" | "application" => {}
        t => return Err(format!("{t} charts are not installable").into()),
    }
    let missing: Vec<&str> = chart
        .metadata
        .dependencies
        .iter()
        .filter(|r| !chart.dependencies.iter().any(|d| d.name() == r.name))
        .map(|r| r.name.as_str())
        .collect();
    if !missing.is_empty() {
        return Err(format!(
            "an error occurred while checking for chart dependencies. You may need to run 'helm dependency build' to fetch missing dependencies: found in Chart.yaml, but missing in charts/ directory: {}",
            missing.join(", ")
        )
        .into());
    }
    let namespace = o
        .namespace
        .clone()
        .filter(|n| !n.is_empty())
        .unwrap_or_else(|| "default".into());
    validate_release_name(&name)
        .map_err(|e| format!("release name check failed: release name {name:?}: {e}"))?;
    coalesce::process_dependencies(&mut chart, &user)
        .map_err(|e| format!("chart dependencies processing failed: {e}"))?;
    Ok(Loaded {
        chart,
        user_values: user,
        name,
        namespace,
        kube_version,
    })
}

impl Loaded {
    /// Coalesces values against the capabilities in `o` (the cluster's, or
    /// `--kube-version`/`--api-versions`), validates them and builds the request.
    pub fn finish(self, o: &TemplateOptions) -> Result<Prepared, TemplateError> {
        let Loaded {
            chart,
            user_values,
            name,
            namespace,
            kube_version,
        } = self;
        let caps = match &o.capabilities {
            Some(c) => c.clone(),
            None => render::capabilities(kube_version.as_deref(), &o.api_versions),
        };
        let release = ReleaseOptions {
            name: name.clone(),
            namespace,
            revision: o.revision.max(1),
            is_install: !o.is_upgrade,
            is_upgrade: o.is_upgrade,
        };
        let vals = coalesce::coalesce_values(&chart, &user_values)?;
        if !o.skip_schema_validation {
            values::schema::check_values(&chart, &vals)?;
        }
        let kube = caps.kube_version.clone();
        if !chart.metadata.kube_version.is_empty()
            && !chart::semver::is_compatible_range(&chart.metadata.kube_version, &kube)
        {
            return Err(format!(
                "chart requires kubeVersion: {} which is incompatible with Kubernetes {kube}{DEBUG_HINT}",
                chart.metadata.kube_version
            )
            .into());
        }
        let request = render::build_request(&chart, &vals, &release, caps)?;
        Ok(Prepared {
            chart,
            request,
            user_values,
            release,
            kube_version: kube,
            assemble: assemble::Options {
                include_crds: o.include_crds,
                skip_tests: o.skip_tests,
                disable_hooks: o.no_hooks,
                show_only: o.show_only.clone(),
                output_dir: o.output_dir.clone(),
                use_release_name: o.use_release_name,
                release_name: name,
                debug: o.debug,
            },
        })
    }
}

/// The annotation Helm 4 records each document's file in while it is post-rendered.
const FILENAME_ANNOTATION: &str = "postrenderer.helm.sh/postrender-filename";

/// Helm 4's `annotateAndMerge`: every document of every file (partials and
/// blank files skipped, in path order), re-serialised by kyaml with its file
/// name in an annotation, as one stream for the post-renderer.
pub fn merge_for_post_render(files: &BTreeMap<String, String>) -> Result<String, String> {
    let mut all = Vec::new();
    for (name, content) in files {
        let base = name.rsplit('/').next().unwrap_or(name);
        if base.starts_with('_') || content.trim().is_empty() {
            continue;
        }
        for doc in assemble::split_manifests(content) {
            if doc.trim().is_empty() {
                continue;
            }
            let mut docs = kyaml::parse_all(&doc).map_err(|e| format!("parsing {name}: {e}"))?;
            for d in &mut docs {
                d.set_annotation(FILENAME_ANNOTATION, name)
                    .map_err(|e| format!("annotating {name}: {e}"))?;
            }
            all.append(&mut docs);
        }
    }
    kyaml::string_all(&all).map_err(|e| format!("writing merged docs: {e}"))
}

/// Helm 4's `splitAndDeannotate`: the post-renderer's output parsed by kyaml
/// and regrouped into files by the filename annotation (removed); a document
/// without one becomes `generated-by-postrender-<i>.yaml`, `i` its position
/// in the output. Each file is its documents re-serialised.
pub fn split_post_rendered(text: &str) -> Result<BTreeMap<String, String>, String> {
    let docs = kyaml::parse_all(text).map_err(|e| format!("error parsing YAML: {e}"))?;
    let mut by_file: BTreeMap<String, Vec<kyaml::Doc>> = BTreeMap::new();
    for (i, mut d) in docs.into_iter().enumerate() {
        let mut name = d.annotation(FILENAME_ANNOTATION);
        if name.is_empty() {
            name = format!("generated-by-postrender-{i}.yaml");
        }
        d.clear_annotation(FILENAME_ANNOTATION);
        by_file.entry(name).or_default().push(d);
    }
    by_file
        .into_iter()
        .map(|(name, docs)| {
            kyaml::string_all(&docs)
                .map(|text| (name.clone(), text))
                .map_err(|e| format!("re-writing {name}: {e}"))
        })
        .collect()
}

/// Assembles the output from rendered files (notes dropped, post-rendered).
pub fn output(p: &Prepared, files: &BTreeMap<String, String>) -> Result<String, TemplateError> {
    assemble::assemble(&p.chart, files, &p.assemble).map_err(|e| match e.partial {
        Some(partial) => {
            if p.assemble.debug {
                TemplateError {
                    message: e.message,
                    stdout: partial,
                }
            } else {
                TemplateError {
                    message: format!("{}{DEBUG_HINT}", e.message),
                    stdout: String::new(),
                }
            }
        }
        None => e.message.into(),
    })
}

fn renderer_error(e: PluginError) -> String {
    match e {
        PluginError::NotFound(_) => format!(
            "renderer plugin {RENDERER} is not available: install it with `whelm plugin install` (see `whelm plugin list`)"
        ),
        e => e.to_string(),
    }
}

/// Renders a prepared chart in the sandboxed renderer: every file, `NOTES.txt` included.
pub async fn render_files(
    host: &PluginHost,
    p: &Prepared,
    opts: &CallOptions,
) -> Result<BTreeMap<String, String>, TemplateError> {
    let debug = opts.verbose;
    let renderer = host
        .prepare(RENDERER, Role::Renderer)
        .map_err(renderer_error)?;
    let opts = CallOptions {
        chart_files: Some(render::chart_files(&p.chart)),
        ..opts.clone()
    };
    let rendered = host
        .runtime()
        .render(&renderer, &opts, &p.request)
        .await
        .map_err(|e| {
            let msg = match e {
                PluginError::Guest { message, .. } => message,
                e => e.to_string(),
            };
            if debug {
                TemplateError {
                    message: msg,
                    stdout: "\n".into(),
                }
            } else {
                TemplateError::from(format!("{msg}{DEBUG_HINT}"))
            }
        })?;
    Ok(rendered.into_iter().map(|r| (r.path, r.content)).collect())
}

/// Runs the post-renderer plugin `name` over the rendered files (notes already dropped).
pub async fn post_render(
    host: &PluginHost,
    opts: &CallOptions,
    files: &BTreeMap<String, String>,
    name: &str,
    args: &[String],
) -> Result<BTreeMap<String, String>, String> {
    let merged =
        merge_for_post_render(files).map_err(|e| format!("error merging manifests: {e}"))?;
    let pr = host
        .prepare(name, Role::PostRenderer)
        .map_err(|e| e.to_string())?;
    let out = host
        .runtime()
        .post_render(&pr, opts, &merged, args)
        .await
        .map_err(|e| format!("error while running post render on files: {e}"))?;
    if out.trim().is_empty() {
        return Err(format!(
            "error while running post render on files: post-renderer {name:?} produced empty output"
        ));
    }
    split_post_rendered(&out).map_err(|e| format!("error while parsing post rendered output: {e}"))
}

/// Runs `helm template`.
pub async fn run(host: &PluginHost, o: &TemplateOptions) -> Result<String, TemplateError> {
    let p = prepare(o, &values::LocalFiles)?;
    let opts = CallOptions {
        verbose: o.debug,
        ..Default::default()
    };
    let mut files = render_files(host, &p, &opts).await?;
    assemble::drop_notes(&mut files);
    if let Some(name) = &o.post_renderer {
        files = post_render(host, &opts, &files, name, &o.post_renderer_args)
            .await
            .map_err(|message| {
                // As a render error: `--debug` prints an empty manifest instead of the hint.
                if o.debug {
                    TemplateError {
                        message,
                        stdout: "\n".into(),
                    }
                } else {
                    TemplateError::from(format!("{message}{DEBUG_HINT}"))
                }
            })?;
    }
    output(&p, &files)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn opts(args: &[&str]) -> TemplateOptions {
        TemplateOptions {
            args: args.iter().map(|s| s.to_string()).collect(),
            namespace: Some("ns".into()),
            ..Default::default()
        }
    }

    #[test]
    fn release_name_too_long() {
        // Wording from the corpus case helm-create-release-name-too-long.
        let o = opts(&[
            "this-is-a-rather-long-release-name-that-overflows-the-63-char-limit",
            "/work/shared/corpus/charts/helm-create",
        ]);
        if !std::path::Path::new("/work/shared/corpus/charts/helm-create").exists() {
            return;
        }
        let e = prepare(&o, &values::LocalFiles).err().unwrap();
        assert_eq!(
            e.message,
            r#"release name check failed: release name "this-is-a-rather-long-release-name-that-overflows-the-63-char-limit": invalid release name, must match regex ^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$ and the length must not be longer than 53"#
        );
        assert!(validate_release_name("a.b-c").is_ok());
        assert!(validate_release_name("A").is_err());
        assert!(validate_release_name("a..b").is_err());
    }

    #[test]
    fn names() {
        assert_eq!(
            name_and_chart(&opts(&["./c"])).unwrap(),
            ("release-name".into(), "./c".into())
        );
        assert_eq!(
            name_and_chart(&opts(&["a", "b", "c", "d"])).unwrap_err(),
            "expected at most two arguments, unexpected arguments: c, d"
        );
        assert_eq!(
            prepare(&opts(&["r", "./nonexistent"]), &values::LocalFiles)
                .err()
                .unwrap()
                .message,
            "path \"./nonexistent\" not found"
        );
    }

    /// `tests/fixtures/postrender/<name>` (see its README for how helm 4.3.1's
    /// output there was captured).
    fn fixture(name: &str) -> Option<String> {
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../tests/fixtures/postrender/");
        std::fs::read_to_string(format!("{path}{name}")).ok()
    }

    /// What `helm template` prints for post-rendered files: the manifests
    /// (trimmed, one line break), then hooks, each under its `# Source:`.
    fn template_output(files: &BTreeMap<String, String>) -> String {
        let (hooks, manifests) = assemble::sort_manifests(files).unwrap();
        let mut out = String::new();
        for m in &manifests {
            out.push_str(&format!("---\n# Source: {}\n{}\n", m.path, m.content));
        }
        let mut out = format!("{}\n", out.trim());
        for h in &hooks {
            out.push_str(&format!("---\n# Source: {}\n{}\n", h.path, h.manifest));
        }
        out
    }

    /// helm template's output split back into its files.
    fn files_of(output: &str) -> BTreeMap<String, String> {
        output
            .split("---\n# Source: ")
            .filter(|c| !c.is_empty())
            .map(|c| {
                let (name, content) = c.split_once('\n').unwrap();
                (
                    name.to_string(),
                    content.strip_suffix('\n').unwrap().to_string(),
                )
            })
            .collect()
    }

    #[test]
    fn post_render_merge_matches_helm() {
        // helm-create as helm renders it, and the stream helm gave its post-renderer.
        let files = files_of(&fixture("helm-create.rendered.out").unwrap());
        let merged = merge_for_post_render(&files).unwrap();
        assert_eq!(merged, fixture("helm-create.merged.yaml").unwrap());
        // A passthrough post-renderer: what helm printed.
        let back = split_post_rendered(&merged).unwrap();
        assert_eq!(
            template_output(&back),
            fixture("helm-create.postrendered.out").unwrap()
        );
    }

    #[test]
    fn post_render_output_matches_helm() {
        let cases = [
            "styles",
            "comments",
            "comment-blank",
            "doc-comments-anchors-tags",
            "regroup-hooks-scalars",
            "empty-docs",
            "list-unwrapped",
            "annotations-scalar",
            "annotations-null",
            "err-scalar",
            "err-malformed",
            "err-separator",
            "err-sequence",
            "err-metadata-seq",
            "err-tab",
        ];
        for case in cases {
            let input = fixture(&format!("{case}.in.yaml")).unwrap();
            let got = split_post_rendered(&input)
                .map(|files| template_output(&files))
                .map_err(|e| format!("error while parsing post rendered output: {e}"));
            match fixture(&format!("{case}.helm.out")) {
                Some(want) => assert_eq!(got.as_deref(), Ok(want.as_str()), "{case}"),
                None => {
                    let err = fixture(&format!("{case}.helm.err")).unwrap();
                    let want = err.strip_suffix(&format!("{DEBUG_HINT}\n")).unwrap_or(&err);
                    assert_eq!(got, Err(want.to_string()), "{case}");
                }
            }
        }
    }

    #[test]
    fn subchart_request_and_missing_dependency() {
        let dir = std::path::Path::new("/work/shared/corpus/charts/helm-subchart");
        if !dir.exists() {
            return;
        }
        let mut o = opts(&["rel", dir.to_str().unwrap()]);
        o.values.values = vec!["subchartb.enabled=false".into()];
        o.kube_version = Some("1.16.0".into());
        let p = prepare(&o, &values::LocalFiles).unwrap();
        assert_eq!(p.kube_version, "v1.16.0");
        let paths: Vec<_> = p.request.charts.iter().map(|c| c.path.as_str()).collect();
        assert_eq!(paths, ["subchart", "subchart/charts/subcharta"]);
        assert!(
            p.request
                .release
                .contains(r#""Name":"rel","Namespace":"ns""#)
        );
    }
}
