//! `helm template`'s output from rendered files: Helm's `SortManifests`
//! (documents split on `---`, hooks told apart by their annotation, kinds
//! in install order), CRDs, hooks after the manifests, `--show-only` and
//! `--output-dir`.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use whelm_template::Value;

use crate::chart::Chart;
use crate::chart::glob::glob_match;

/// Helm's `InstallOrder`.
pub const INSTALL_ORDER: [&str; 38] = [
    "PriorityClass",
    "Namespace",
    "NetworkPolicy",
    "ResourceQuota",
    "LimitRange",
    "PodSecurityPolicy",
    "PodDisruptionBudget",
    "ServiceAccount",
    "Secret",
    "SecretList",
    "ConfigMap",
    "StorageClass",
    "PersistentVolume",
    "PersistentVolumeClaim",
    "CustomResourceDefinition",
    "ClusterRole",
    "ClusterRoleList",
    "ClusterRoleBinding",
    "ClusterRoleBindingList",
    "Role",
    "RoleList",
    "RoleBinding",
    "RoleBindingList",
    "Service",
    "DaemonSet",
    "Pod",
    "ReplicationController",
    "ReplicaSet",
    "Deployment",
    "HorizontalPodAutoscaler",
    "StatefulSet",
    "Job",
    "CronJob",
    "IngressClass",
    "Ingress",
    "APIService",
    "MutatingWebhookConfiguration",
    "ValidatingWebhookConfiguration",
];

const HOOK_EVENTS: [(&str, &str); 10] = [
    ("pre-install", "pre-install"),
    ("post-install", "post-install"),
    ("pre-delete", "pre-delete"),
    ("post-delete", "post-delete"),
    ("pre-upgrade", "pre-upgrade"),
    ("post-upgrade", "post-upgrade"),
    ("pre-rollback", "pre-rollback"),
    ("post-rollback", "post-rollback"),
    ("test", "test"),
    ("test-success", "test"),
];

/// One document of a rendered file.
#[derive(Clone, Debug, PartialEq)]
pub struct Manifest {
    /// The template path, e.g. `mychart/templates/a.yaml`.
    pub path: String,
    pub content: String,
    pub kind: String,
    /// `content` parsed (sorting needs it; building the objects reuses it).
    pub object: Value,
}

/// A hook document.
#[derive(Clone, Debug, PartialEq)]
pub struct Hook {
    pub path: String,
    pub manifest: String,
    pub kind: String,
    pub events: Vec<String>,
}

/// Helm's `SplitManifests`: documents of a file, in order, each with
/// leading whitespace removed; blank documents dropped. The separator is
/// `(?m)^---[ \t]*`.
pub fn split_manifests(big: &str) -> Vec<String> {
    let s = big.trim_start();
    let mut docs = Vec::new();
    let mut start = 0;
    let mut i = 0;
    let b = s.as_bytes();
    while i < b.len() {
        let at_line_start = i == 0 || b[i - 1] == b'\n';
        if at_line_start && s[i..].starts_with("---") {
            docs.push(&s[start..i]);
            let mut j = i + 3;
            while j < b.len() && (b[j] == b' ' || b[j] == b'\t') {
                j += 1;
            }
            start = j;
            i = j;
            continue;
        }
        i += 1;
    }
    docs.push(&s[start..]);
    docs.into_iter()
        .filter(|d| !d.trim().is_empty())
        .map(|d| d.trim_start().to_string())
        .collect()
}

fn kind_key(kind: &str) -> (usize, &str) {
    match INSTALL_ORDER.iter().position(|k| *k == kind) {
        Some(i) => (i, ""),
        None => (INSTALL_ORDER.len(), kind),
    }
}

fn json_kind(v: &Value) -> &'static str {
    match v {
        Value::Bool(_) => "bool",
        Value::String(_) => "string",
        Value::List(_) => "array",
        Value::Map(_) => "object",
        Value::Nil => "null",
        _ => "number",
    }
}

struct Head {
    kind: String,
    annotations: BTreeMap<String, String>,
}

const DECODE: &str = "error unmarshaling JSON: while decoding JSON: json: cannot unmarshal";

/// A scalar as sigs.k8s.io/yaml turns it into a Go string field: strings as
/// they are, booleans and numbers spelled out, null as empty. Lists and maps
/// cannot become strings.
fn scalar_string(v: &Value, field: &str) -> Result<String, String> {
    match v {
        Value::Nil => Ok(String::new()),
        Value::String(s) => Ok(s.to_string()),
        Value::Bool(b) => Ok(b.to_string()),
        Value::Int(i) | Value::Int64(i) => Ok(i.to_string()),
        Value::Float(f) => Ok(whelm_template::num::format_float(*f, 'g', -1)),
        v => Err(format!(
            "{DECODE} {} into Go struct field {field} of type string",
            json_kind(v)
        )),
    }
}

fn string_field(m: &whelm_template::value::Map, key: &str, field: &str) -> Result<String, String> {
    m.get(key)
        .map_or(Ok(String::new()), |v| scalar_string(&v, field))
}

/// Decodes a parsed document into Helm's `SimpleHead` (kind and annotations), with
/// the error texts helm 4.3.1 prints.
fn head(v: &Value) -> Result<Head, String> {
    let m = match v {
        Value::Nil => {
            return Ok(Head {
                kind: String::new(),
                annotations: BTreeMap::new(),
            });
        }
        Value::Map(m) => m,
        v => {
            return Err(format!(
                "{DECODE} {} into Go value of type util.SimpleHead",
                json_kind(v)
            ));
        }
    };
    string_field(m, "apiVersion", ".apiVersion")?;
    let kind = string_field(m, "kind", ".kind")?;
    let mut annotations = BTreeMap::new();
    match m.get("metadata") {
        None | Some(Value::Nil) => {}
        Some(Value::Map(md)) => {
            string_field(&md, "name", ".metadata.name")?;
            match md.get("annotations") {
                None | Some(Value::Nil) => {}
                Some(Value::Map(a)) => {
                    for (k, v) in a.entries() {
                        let s = scalar_string(&v, &format!(".metadata.annotations.{k}"))?;
                        annotations.insert(k, s);
                    }
                }
                Some(v) => {
                    return Err(format!(
                        "{DECODE} {} into Go struct field .metadata.annotations of type map[string]string",
                        json_kind(&v)
                    ));
                }
            }
        }
        Some(v) => {
            return Err(format!(
                "{DECODE} {} into Go struct field .metadata of type struct {{ Name string \"json:\\\"name\\\"\"; Annotations map[string]string \"json:\\\"annotations\\\"\" }}",
                json_kind(&v)
            ));
        }
    }
    Ok(Head { kind, annotations })
}

/// Helm's `SortManifests(files, InstallOrder)`: files by path, documents in
/// order, hooks (by `helm.sh/hook`; unknown hook types dropped) apart, each
/// group stably sorted by kind. Partials (`_*`) and blank files are skipped.
pub fn sort_manifests(
    files: &BTreeMap<String, String>,
) -> Result<(Vec<Hook>, Vec<Manifest>), String> {
    let mut hooks = Vec::new();
    let mut generic = Vec::new();
    for (path, content) in files {
        let base = path.rsplit('/').next().unwrap_or(path);
        if base.starts_with('_') || content.trim().is_empty() {
            continue;
        }
        for doc in split_manifests(content) {
            let parse_error = |e: String| format!("YAML parse error on {path}: {e}");
            let object = whelm_template::yaml::load_manifest(&doc)
                .map_err(|e| parse_error(e.to_string()))?;
            let h = head(&object).map_err(parse_error)?;
            let Some(hook_types) = h.annotations.get("helm.sh/hook") else {
                generic.push(Manifest {
                    path: path.clone(),
                    content: doc,
                    kind: h.kind,
                    object,
                });
                continue;
            };
            let mut events = Vec::new();
            let mut unknown = false;
            for t in hook_types.split(',') {
                let t = t.trim().to_lowercase();
                match HOOK_EVENTS.iter().find(|(n, _)| *n == t) {
                    Some((_, e)) => events.push(e.to_string()),
                    None => {
                        unknown = true;
                        break;
                    }
                }
            }
            if unknown {
                continue;
            }
            hooks.push(Hook {
                path: path.clone(),
                manifest: doc,
                kind: h.kind,
                events,
            });
        }
    }
    hooks.sort_by(|a, b| kind_key(&a.kind).cmp(&kind_key(&b.kind)));
    generic.sort_by(|a, b| kind_key(&a.kind).cmp(&kind_key(&b.kind)));
    Ok((hooks, generic))
}

/// What `helm template` prints and writes.
#[derive(Clone, Debug, Default)]
pub struct Options {
    pub include_crds: bool,
    pub skip_tests: bool,
    /// `--no-hooks`.
    pub disable_hooks: bool,
    pub show_only: Vec<String>,
    pub output_dir: Option<PathBuf>,
    /// `--release-name`: put files under `<output-dir>/<release>`.
    pub use_release_name: bool,
    pub release_name: String,
    /// `--debug`: on a late failure, still print what was assembled.
    pub debug: bool,
}

/// A failure after rendering: the message, and the output Helm still
/// prints with `--debug`.
#[derive(Debug)]
pub struct AssembleError {
    pub message: String,
    /// Set when Helm has a release at that point (its error then ends with
    /// the `--debug` hint).
    pub partial: Option<String>,
}

fn write_to_file(
    dir: &Path,
    name: &str,
    data: &str,
    append: bool,
    out: &mut String,
) -> Result<(), String> {
    let path = PathBuf::from(format!("{}/{name}", dir.display()));
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent).map_err(|e| format!("mkdir {}: {e}", parent.display()))?;
    }
    let mut f = std::fs::OpenOptions::new()
        .write(true)
        .create(true)
        .append(append)
        .truncate(!append)
        .open(&path)
        .map_err(|e| format!("open {}: {e}", path.display()))?;
    std::io::Write::write_all(
        &mut f,
        format!("---\n# Source: {name}\n{data}\n").as_bytes(),
    )
    .map_err(|e| format!("write {}: {e}", path.display()))?;
    out.push_str(&format!("wrote {}\n", path.display()));
    Ok(())
}

/// Finds `# Source: <chart>/<path>` (Go's `# Source: [^/]+/(.+)`).
fn source_path(manifest: &str) -> Option<&str> {
    let mut from = 0;
    while let Some(i) = manifest[from..].find("# Source: ") {
        let start = from + i + "# Source: ".len();
        let rest = &manifest[start..];
        if let Some(slash) = rest.find('/')
            && slash > 0
        {
            let tail = &rest[slash + 1..];
            let end = tail.find('\n').unwrap_or(tail.len());
            if end > 0 {
                return Some(&tail[..end]);
            }
        }
        from = start;
    }
    None
}

/// Removes `NOTES.txt` files (Helm keeps them for the release notes only).
pub fn drop_notes(files: &mut BTreeMap<String, String>) {
    files.retain(|k, _| !k.ends_with("NOTES.txt"));
}

/// Assembles `helm template`'s standard output from the rendered files
/// (`NOTES.txt` already dropped, post-renderer already applied); writes
/// files instead when `--output-dir` is set.
pub fn assemble(
    chart: &Chart,
    files: &BTreeMap<String, String>,
    opts: &Options,
) -> Result<String, AssembleError> {
    let mut stdout = String::new();
    let mut b = String::new();
    let late = |message: String, partial: String| AssembleError {
        message,
        partial: Some(partial),
    };
    let (hooks, manifests) = match sort_manifests(files) {
        Ok(x) => x,
        Err(e) => {
            for (name, content) in files {
                if !content.trim().is_empty() {
                    b.push_str(&format!("---\n# Source: {name}\n{content}\n"));
                }
            }
            return Err(late(e, format!("{}\n", b.trim())));
        }
    };
    let mut written: BTreeMap<String, bool> = BTreeMap::new();
    if opts.include_crds {
        for crd in chart.crd_objects(chart.name()) {
            let data = String::from_utf8_lossy(&crd.file.data);
            match &opts.output_dir {
                None => b.push_str(&format!("---\n# Source: {}\n{data}\n", crd.filename)),
                Some(dir) => {
                    let append = written.get(&crd.filename).copied().unwrap_or(false);
                    write_to_file(dir, &crd.filename, &data, append, &mut stdout)
                        .map_err(|e| late(e, String::new()))?;
                    written.insert(crd.filename.clone(), true);
                }
            }
        }
    }
    let release_dir = |dir: &Path| {
        if opts.use_release_name {
            dir.join(&opts.release_name)
        } else {
            dir.to_path_buf()
        }
    };
    for m in &manifests {
        match &opts.output_dir {
            None => b.push_str(&format!("---\n# Source: {}\n{}\n", m.path, m.content)),
            Some(dir) => {
                let append = written.get(&m.path).copied().unwrap_or(false);
                write_to_file(&release_dir(dir), &m.path, &m.content, append, &mut stdout)
                    .map_err(|e| late(e, String::new()))?;
                written.insert(m.path.clone(), true);
            }
        }
    }
    let mut all = format!("{}\n", b.trim());
    if !opts.disable_hooks {
        let mut hook_written: BTreeMap<String, bool> = BTreeMap::new();
        for h in &hooks {
            if opts.skip_tests && h.events.iter().any(|e| e == "test") {
                continue;
            }
            match &opts.output_dir {
                None => all.push_str(&format!("---\n# Source: {}\n{}\n", h.path, h.manifest)),
                Some(dir) => {
                    let dir = release_dir(dir);
                    let exists = PathBuf::from(format!("{}/{}", dir.display(), h.path)).exists();
                    if exists {
                        hook_written.insert(h.path.clone(), true);
                    }
                    let append = hook_written.get(&h.path).copied().unwrap_or(false);
                    write_to_file(&dir, &h.path, &h.manifest, append, &mut stdout).map_err(
                        |message| AssembleError {
                            message,
                            partial: None,
                        },
                    )?;
                }
            }
        }
    }
    if opts.show_only.is_empty() {
        stdout.push_str(&all);
        return Ok(stdout);
    }
    let split = split_manifests(&all);
    let mut selected = Vec::new();
    for f in &opts.show_only {
        let f = f.replace(std::path::MAIN_SEPARATOR, "/");
        let mut missing = true;
        for m in &split {
            let Some(p) = source_path(m) else { continue };
            if glob_match(&f, p).unwrap_or(false) {
                selected.push(m.as_str());
                missing = false;
            }
        }
        if missing {
            return Err(AssembleError {
                message: format!("could not find template {f} in chart"),
                partial: None,
            });
        }
    }
    for m in selected {
        stdout.push_str(&format!("---\n{m}\n"));
    }
    Ok(stdout)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn files(v: &[(&str, &str)]) -> BTreeMap<String, String> {
        v.iter()
            .map(|(a, b)| (a.to_string(), b.to_string()))
            .collect()
    }

    fn chart() -> Chart {
        crate::chart::load_files(vec![crate::chart::File {
            name: "Chart.yaml".into(),
            data: b"apiVersion: v2\nname: c\nversion: 0.1.0\n".to_vec().into(),
        }])
        .unwrap()
    }

    #[test]
    fn split() {
        assert_eq!(
            split_manifests("\n---\na: 1\n---  \nb: 2\n--- \n\n---\nc: 3\n"),
            ["a: 1\n", "b: 2\n", "c: 3\n"]
        );
        assert_eq!(split_manifests("a: 1\n----x\n"), ["a: 1\n", "-x\n"]);
    }

    #[test]
    fn hooks_and_order() {
        let f = files(&[
            (
                "c/templates/b.yaml",
                "kind: Service\nmetadata: {name: s}\n---\nkind: Foo\n---\nkind: ConfigMap\n",
            ),
            ("c/templates/a.yaml", "kind: Deployment\n---\nkind: Bar\n"),
            ("c/templates/_h.tpl", "kind: Secret\n"),
            (
                "c/templates/hook.yaml",
                "kind: Job\nmetadata:\n  annotations:\n    helm.sh/hook: post-install\n---\nkind: Pod\nmetadata:\n  annotations:\n    helm.sh/hook: bogus\n---\nkind: Pod\nmetadata:\n  annotations:\n    helm.sh/hook: test-success\n",
            ),
        ]);
        let out = assemble(&chart(), &f, &Options::default()).unwrap();
        // Recorded with helm 4.3.1 on the same templates.
        assert_eq!(
            out,
            "---\n# Source: c/templates/b.yaml\nkind: ConfigMap\n\n---\n# Source: c/templates/b.yaml\nkind: Service\nmetadata: {name: s}\n\n---\n# Source: c/templates/a.yaml\nkind: Deployment\n\n---\n# Source: c/templates/a.yaml\nkind: Bar\n\n---\n# Source: c/templates/b.yaml\nkind: Foo\n---\n# Source: c/templates/hook.yaml\nkind: Pod\nmetadata:\n  annotations:\n    helm.sh/hook: test-success\n\n---\n# Source: c/templates/hook.yaml\nkind: Job\nmetadata:\n  annotations:\n    helm.sh/hook: post-install\n\n"
        );
        let skip = Options {
            skip_tests: true,
            ..Default::default()
        };
        assert!(
            !assemble(&chart(), &f, &skip)
                .unwrap()
                .contains("test-success")
        );
        let only = Options {
            show_only: vec!["templates/a.yaml".into()],
            ..Default::default()
        };
        assert_eq!(
            assemble(&chart(), &f, &only).unwrap(),
            "---\n# Source: c/templates/a.yaml\nkind: Deployment\n\n\n---\n# Source: c/templates/a.yaml\nkind: Bar\n\n\n"
        );
        let none = Options {
            show_only: vec!["templates/x.yaml".into()],
            ..Default::default()
        };
        assert_eq!(
            assemble(&chart(), &f, &none).unwrap_err().message,
            "could not find template templates/x.yaml in chart"
        );
    }

    #[test]
    fn errors_and_empty() {
        assert_eq!(
            assemble(&chart(), &files(&[]), &Options::default()).unwrap(),
            "\n"
        );
        let e = assemble(
            &chart(),
            &files(&[("c/templates/x.yaml", "a: [\n")]),
            &Options::default(),
        )
        .unwrap_err();
        assert!(
            e.message
                .starts_with("YAML parse error on c/templates/x.yaml: "),
            "{}",
            e.message
        );
        let e = assemble(
            &chart(),
            &files(&[("c/templates/x.yaml", "hello\n")]),
            &Options::default(),
        )
        .unwrap_err();
        assert_eq!(
            e.message,
            "YAML parse error on c/templates/x.yaml: error unmarshaling JSON: while decoding JSON: json: cannot unmarshal string into Go value of type util.SimpleHead"
        );
    }
}

#[cfg(test)]
mod corpus_tests {
    use super::*;

    /// helm-object-order has no template actions, so its rendered files are
    /// its sources; the expected output is helm 4.3.1's golden.
    #[test]
    fn object_order_golden() {
        let root = Path::new("/work/shared/corpus");
        let dir = root.join("charts/helm-object-order");
        if !dir.exists() {
            return;
        }
        let c = crate::chart::load(&dir).unwrap();
        let files: BTreeMap<String, String> = c
            .templates
            .iter()
            .map(|t| {
                (
                    format!("{}/{}", c.name(), t.name),
                    String::from_utf8(t.data.to_vec()).unwrap(),
                )
            })
            .collect();
        let out = assemble(&c, &files, &Options::default()).unwrap();
        let want =
            std::fs::read_to_string(root.join("cases/helm-object-order-default/expected.yaml"))
                .unwrap();
        assert_eq!(out, want);
    }
}

#[cfg(test)]
mod head_tests {
    /// Parses, then decodes the head.
    fn head(doc: &str) -> Result<super::Head, String> {
        super::head(&whelm_template::yaml::load(doc).unwrap())
    }

    // What helm 4.3.1 accepts and rejects in a manifest's head (checked with
    // the real helm on the same documents).
    #[test]
    fn scalars_become_strings_and_collections_are_refused() {
        let h = head("apiVersion: v1\nkind: 5\nmetadata:\n  name: 7\n  annotations:\n    a: true\n    b: 12\n    c: 1.5\n    d: null\n").unwrap();
        assert_eq!(h.kind, "5");
        let got: Vec<(&str, &str)> = h
            .annotations
            .iter()
            .map(|(k, v)| (k.as_str(), v.as_str()))
            .collect();
        assert_eq!(got, [("a", "true"), ("b", "12"), ("c", "1.5"), ("d", "")]);
        let e = head("kind: A\nmetadata:\n  annotations:\n    a: [x]\n")
            .err()
            .unwrap();
        assert_eq!(
            e,
            "error unmarshaling JSON: while decoding JSON: json: cannot unmarshal array into Go struct field .metadata.annotations.a of type string"
        );
        let e = head("apiVersion: {a: b}\nkind: A\n").err().unwrap();
        assert!(
            e.ends_with("cannot unmarshal object into Go struct field .apiVersion of type string"),
            "{e}"
        );
    }
}
