//! The rules of `helm lint`, each as Helm's `lint/rules` runs it.

use std::path::Path;

use whelm_template::Value;
use whelm_template::value::Map;

use super::k8s;
use super::{Linter, Options, Severity};
use crate::chart::{self, Metadata, semver};
use crate::plugin::PluginHost;
use crate::plugin::error::PluginError;
use crate::plugin::manifest::Role;
use crate::plugin::runtime::CallOptions;
use crate::render::{self, ReleaseOptions};
use crate::values::{coalesce, schema};

use Severity::{Error, Info, Warning};

/// How Go's `os` functions word an I/O failure (`open …: no such file or
/// directory`).
fn io_error(op: &str, path: &Path, e: &std::io::Error) -> String {
    let reason = match e.kind() {
        std::io::ErrorKind::NotFound => "no such file or directory".to_string(),
        std::io::ErrorKind::PermissionDenied => "permission denied".to_string(),
        std::io::ErrorKind::IsADirectory => "is a directory".to_string(),
        std::io::ErrorKind::NotADirectory => "not a directory".to_string(),
        _ => e.to_string(),
    };
    format!("{op} {}: {reason}", path.display())
}

/// `os.ReadFile`.
fn read_file(path: &Path) -> Result<Vec<u8>, String> {
    let md = std::fs::metadata(path).map_err(|e| io_error("open", path, &e))?;
    if md.is_dir() {
        return Err(format!("read {}: is a directory", path.display()));
    }
    std::fs::read(path).map_err(|e| io_error("read", path, &e))
}

use whelm_template::gofmt::go_quote;

/// Go's `%T` of a value decoded from YAML through JSON.
fn go_type(v: &Value) -> &'static str {
    match v {
        Value::String(_) => "string",
        Value::Bool(_) => "bool",
        Value::List(_) => "[]interface {}",
        Value::Map(_) => "map[string]interface {}",
        Value::Nil => "<nil>",
        _ => "float64",
    }
}

/// `Chart.yaml` as `chartutil.LoadChartfile` reads it: the metadata (no
/// validation), and which maintainers were null entries.
struct Chartfile {
    md: Metadata,
    null_maintainers: Vec<bool>,
}

fn load_chartfile(text: &str) -> Result<Chartfile, String> {
    let doc = whelm_template::yaml::load(text).map_err(|e| e.to_string())?;
    let mut null_maintainers = Vec::new();
    if let Value::Map(m) = &doc {
        // Null list entries are kept (as nil pointers) by a plain decode;
        // the loader's "must not contain empty or null nodes" comes later.
        for key in ["maintainers", "dependencies"] {
            if let Some(Value::List(l)) = m.get(key) {
                let fixed: Vec<Value> = l
                    .iter()
                    .map(|e| {
                        if key == "maintainers" {
                            null_maintainers.push(e.is_nil());
                        }
                        if e.is_nil() {
                            Value::Map(Map::new())
                        } else {
                            e.clone()
                        }
                    })
                    .collect();
                m.insert(key, Value::list(fixed));
            }
        }
    }
    let mut md = Metadata::default();
    md.decode_into(&doc).map_err(|e| {
        e.replace(
            "Go value of type loader.chartBase",
            "Go value of type v2.Metadata",
        )
    })?;
    Ok(Chartfile {
        md,
        null_maintainers,
    })
}

const METADATA_FIELDS: &[&str] = &[
    "name",
    "home",
    "sources",
    "version",
    "description",
    "keywords",
    "maintainers",
    "icon",
    "apiVersion",
    "condition",
    "tags",
    "appVersion",
    "deprecated",
    "annotations",
    "kubeVersion",
    "dependencies",
    "type",
];
const MAINTAINER_FIELDS: &[&str] = &["name", "email", "url"];
const DEPENDENCY_FIELDS: &[&str] = &[
    "name",
    "version",
    "repository",
    "condition",
    "tags",
    "enabled",
    "import-values",
    "alias",
];

/// The first field encoding/json's `DisallowUnknownFields` rejects (keys
/// are decoded in the sorted order the YAML→JSON step writes them).
fn unknown_field(m: &Map, known: &[&str]) -> Option<String> {
    let mut keys = m.keys();
    keys.sort();
    for k in keys {
        let Some(f) = known.iter().find(|f| f.eq_ignore_ascii_case(&k)) else {
            return Some(k);
        };
        let nested = match *f {
            "maintainers" => MAINTAINER_FIELDS,
            "dependencies" => DEPENDENCY_FIELDS,
            _ => continue,
        };
        if let Some(Value::List(l)) = m.get(&k) {
            for e in l.iter() {
                if let Value::Map(em) = e
                    && let Some(u) = unknown_field(em, nested)
                {
                    return Some(u);
                }
            }
        }
    }
    None
}

/// `chartutil.StrictLoadChartfile`'s failure, if any.
fn strict_chartfile(text: &str) -> Result<(), String> {
    let doc = whelm_template::yaml::load_strict(text).map_err(|e| e.to_string())?;
    if let Value::Map(m) = &doc
        && let Some(u) = unknown_field(m, METADATA_FIELDS)
    {
        return Err(format!(
            "error unmarshaling JSON: while decoding JSON: json: unknown field {}",
            go_quote(&u)
        ));
    }
    Ok(())
}

/// govalidator's `IsRequestURL`: an absolute URL (`url.ParseRequestURI`
/// with a scheme).
fn is_request_url(s: &str) -> bool {
    let Some((scheme, rest)) = s.split_once(':') else {
        return false;
    };
    let scheme_ok = scheme
        .bytes()
        .next()
        .is_some_and(|b| b.is_ascii_alphabetic())
        && scheme
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'+' | b'-' | b'.'));
    if !scheme_ok || s.bytes().any(|b| b < 0x20 || b == 0x7f) {
        return false;
    }
    match rest.strip_prefix("//") {
        Some(r) => {
            let host = r.split(['/', '?', '#']).next().unwrap_or("");
            !host.contains(' ')
        }
        None => !rest.is_empty(),
    }
}

/// govalidator's `IsEmail` for the addresses charts use: a dot-atom local
/// part and a dotted domain whose labels are letters, digits and hyphens.
fn is_email(s: &str) -> bool {
    let Some((local, domain)) = s.rsplit_once('@') else {
        return false;
    };
    let atom = |p: &str| {
        !p.is_empty()
            && p.chars().all(|c| {
                c.is_alphanumeric() || "!#$%&'*+-/=?^_`{|}~".contains(c) || (c as u32) >= 0xA0
            })
    };
    let local_ok = (local.len() >= 2 && local.starts_with('"') && local.ends_with('"'))
        || local.split('.').all(atom);
    let domain = domain.strip_suffix('.').unwrap_or(domain);
    let labels: Vec<&str> = domain.split('.').collect();
    let label_ok = |l: &&str| {
        let c: Vec<char> = l.chars().collect();
        !c.is_empty()
            && c.iter()
                .all(|ch| ch.is_alphanumeric() || matches!(ch, '-' | '_' | '~'))
            && c[0].is_alphanumeric()
            && c[c.len() - 1].is_alphanumeric()
    };
    local_ok
        && labels.len() >= 2
        && labels.iter().all(label_ok)
        && labels
            .last()
            .is_some_and(|t| t.chars().next().is_some_and(char::is_alphabetic))
}

/// govalidator's `IsURL` for the URLs charts use.
fn is_url(s: &str) -> bool {
    if s.is_empty() || s.chars().count() >= 2083 || s.len() <= 3 || s.starts_with('.') {
        return false;
    }
    if s.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return false;
    }
    let rest = match s.split_once("://") {
        Some((scheme, rest)) => {
            if !matches!(
                scheme.to_ascii_lowercase().as_str(),
                "http" | "https" | "ftp" | "irc" | "git" | "ssh" | "rtmp" | "tcp" | "udp"
            ) && !scheme.chars().all(|c| c.is_ascii_alphanumeric())
            {
                return false;
            }
            rest
        }
        None if s.contains(':') && s.starts_with(':') => return false,
        None => s,
    };
    let host = rest.split(['/', '?', '#']).next().unwrap_or("");
    let host = host.rsplit('@').next().unwrap_or(host);
    let host = match host.rsplit_once(':') {
        Some((h, port)) if port.bytes().all(|b| b.is_ascii_digit()) => h,
        _ => host,
    };
    !host.is_empty()
        && !host.starts_with('.')
        && (host.contains('.') || host == "localhost" || host.starts_with('['))
        && host
            .chars()
            .all(|c| c.is_alphanumeric() || matches!(c, '.' | '-' | '_' | '[' | ']' | ':'))
}

/// Masterminds' `StrictNewVersion`: exactly `X.Y.Z`, no leading zeros, no
/// `v`, with well-formed pre-release and build parts.
fn is_strict_semver(v: &str) -> bool {
    let (rest, build) = match v.split_once('+') {
        Some((a, b)) => (a, Some(b)),
        None => (v, None),
    };
    let (core, pre) = match rest.split_once('-') {
        Some((a, b)) => (a, Some(b)),
        None => (rest, None),
    };
    let ident =
        |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-');
    let numeric = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    let parts: Vec<&str> = core.split('.').collect();
    if parts.len() != 3
        || !parts
            .iter()
            .all(|p| numeric(p) && (p.len() == 1 || !p.starts_with('0')))
    {
        return false;
    }
    if let Some(pre) = pre
        && !pre
            .split('.')
            .all(|p| ident(p) && !(numeric(p) && p.len() > 1 && p.starts_with('0')))
    {
        return false;
    }
    build.is_none_or(|b| b.split('.').all(ident))
}

/// Helm's `rules.Chartfile`.
pub fn chartfile(l: &mut Linter) {
    let file = "Chart.yaml";
    let path = l.chart_dir.join(file);
    let is_dir = std::fs::metadata(&path).is_ok_and(|m| m.is_dir());
    l.rule(
        Error,
        file,
        if is_dir {
            Err("should be a file, not a directory".into())
        } else {
            Ok(())
        },
    );
    let text = read_file(&path).map(|b| String::from_utf8_lossy(&b).into_owned());
    let cf = text.clone().and_then(|t| load_chartfile(&t));
    let cf = match cf {
        Ok(cf) => cf,
        Err(e) => {
            l.rule(Error, file, Err(format!("unable to parse YAML\n\t{e}")));
            return;
        }
    };
    let text = text.unwrap_or_default();
    l.rule(
        Warning,
        file,
        strict_chartfile(&text)
            .map_err(|e| format!("failed to strictly parse chart metadata file\n\t{e}")),
    );
    let raw = match whelm_template::yaml::load(&text) {
        Ok(Value::Map(m)) => m,
        _ => Map::new(),
    };
    let md = &cf.md;
    let type_check = |key: &str| -> Result<(), String> {
        match raw.get(key) {
            None | Some(Value::String(_)) => Ok(()),
            Some(v) => Err(format!(
                "{key} should be of type string but it's of type {}",
                go_type(&v)
            )),
        }
    };

    let name_check = if md.name.is_empty() {
        Err("name is required".to_string())
    } else if md.name.rsplit('/').next() != Some(md.name.as_str()) || md.name.ends_with('/') {
        Err(format!("chart name {} is invalid", go_quote(&md.name)))
    } else {
        Ok(())
    };
    l.rule(Error, file, name_check);

    let api = match md.api_version.as_str() {
        "" => Err("apiVersion is required. The value must be either \"v1\" or \"v2\"".to_string()),
        "v1" | "v2" => Ok(()),
        v => Err(format!(
            "apiVersion '{v}' is not valid. The value must be either \"v1\" or \"v2\""
        )),
    };
    l.rule(Error, file, api);

    l.rule(Error, file, type_check("version"));
    let version = if md.version.is_empty() {
        Err("version is required".to_string())
    } else {
        match semver::Version::parse(&md.version) {
            None => Err(format!("version '{}' is not a valid SemVer", md.version)),
            // `>0.0.0-0` fails only for 0.0.0 with a pre-release ≤ 0.
            Some(v)
                if v.major == 0
                    && v.minor == 0
                    && v.patch == 0
                    && !v.pre.is_empty()
                    && semver::Version::parse("0.0.0-0").is_some_and(|z| v.cmp(&z).is_le()) =>
            {
                Err(format!(
                    "version {} is less than or equal to 0.0.0-0",
                    md.version.trim_start_matches('v')
                ))
            }
            Some(_) => Ok(()),
        }
    };
    l.rule(Error, file, version);
    l.rule(Error, file, type_check("appVersion"));

    let mut maintainers = Ok(());
    for (i, m) in md.maintainers.iter().enumerate() {
        let r = if cf.null_maintainers.get(i).copied().unwrap_or(false) {
            Err("a maintainer entry is empty".to_string())
        } else if m.name.is_empty() {
            Err("each maintainer requires a name".to_string())
        } else if !m.email.is_empty() && !is_email(&m.email) {
            Err(format!(
                "invalid email '{}' for maintainer '{}'",
                m.email, m.name
            ))
        } else if !m.url.is_empty() && !is_url(&m.url) {
            Err(format!(
                "invalid url '{}' for maintainer '{}'",
                m.url, m.name
            ))
        } else {
            Ok(())
        };
        if r.is_err() {
            maintainers = r;
            break;
        }
    }
    l.rule(Error, file, maintainers);

    let sources = md
        .sources
        .iter()
        .find(|s| s.is_empty() || !is_request_url(s))
        .map_or(Ok(()), |s| Err(format!("invalid source URL '{s}'")));
    l.rule(Error, file, sources);
    l.rule(
        Info,
        file,
        if md.icon.is_empty() {
            Err("icon is recommended".into())
        } else {
            Ok(())
        },
    );
    l.rule(
        Error,
        file,
        if !md.icon.is_empty() && !is_request_url(&md.icon) {
            Err(format!("invalid icon URL '{}'", md.icon))
        } else {
            Ok(())
        },
    );
    l.rule(
        Error,
        file,
        if !md.chart_type.is_empty() && md.api_version != "v2" {
            Err(format!(
                "chart type is not valid in apiVersion '{}'. It is valid in apiVersion 'v2'",
                md.api_version
            ))
        } else {
            Ok(())
        },
    );
    l.rule(
        Error,
        file,
        if !md.dependencies.is_empty() && md.api_version != "v2" {
            Err(format!(
                "dependencies are not valid in the Chart file with apiVersion '{}'. They are valid in apiVersion 'v2'",
                md.api_version
            ))
        } else {
            Ok(())
        },
    );
    l.rule(
        Warning,
        file,
        if is_strict_semver(&md.version) {
            Ok(())
        } else {
            Err(format!("version '{}' is not a valid SemVerV2", md.version))
        },
    );
}

/// Helm's `rules.ValuesWithOverrides`: `values.yaml` parses, and the user's
/// values over it pass the chart's own schema (subcharts are not looked at).
pub fn values(l: &mut Linter, o: &Options) {
    let file = "values.yaml";
    let path = l.chart_dir.join(file);
    let exists = l.rule(
        Info,
        file,
        if std::fs::metadata(&path).is_ok() {
            Ok(())
        } else {
            Err("file does not exist".into())
        },
    );
    if !exists {
        return;
    }
    let r = (|| -> Result<(), String> {
        let bytes = read_file(&path).map_err(|e| format!("unable to parse YAML: {e}"))?;
        let vals =
            whelm_template::yaml::load_map(&String::from_utf8_lossy(&bytes)).map_err(|e| {
                format!(
                    "unable to parse YAML: {}",
                    e.to_string()
                        .replace("map[string]interface {}", "common.Values")
                )
            })?;
        let merged = o.values.deep_clone();
        coalesce::coalesce_tables_into(&merged, &vals);
        let schema_path = l.chart_dir.join("values.schema.json");
        let schema = std::fs::read(schema_path).unwrap_or_default();
        if schema.is_empty() || o.skip_schema_validation {
            return Ok(());
        }
        schema::validate_single(&merged, &schema)
    })();
    l.rule(Error, file, r);
}

fn renderer_error(e: PluginError) -> String {
    match e {
        PluginError::Guest { message, .. } => message,
        e => e.to_string(),
    }
}

/// Helm's `rules.Templates`: render the chart in lint mode, then check
/// each of its own templates' output.
pub async fn templates(l: &mut Linter, host: &PluginHost, o: &Options) {
    let dir = "templates/";
    let path = l.chart_dir.join("templates");
    let md = match std::fs::metadata(&path) {
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            l.rule(Warning, dir, Err("directory does not exist".into()));
            return;
        }
        r => r,
    };
    let is_dir = match md {
        Ok(m) => Ok(m.is_dir()),
        Err(e) => Err(io_error("stat", &path, &e)),
    };
    match is_dir {
        Ok(true) => {}
        Ok(false) => {
            l.rule(Error, dir, Err("not a directory".into()));
            return;
        }
        Err(e) => {
            l.rule(Error, dir, Err(e));
            return;
        }
    }
    let mut chart = match chart::load(&l.chart_dir) {
        Ok(c) => c,
        Err(e) => {
            l.rule(Error, dir, Err(e));
            return;
        }
    };
    // Helm ignores these failures here (other rules report them).
    if coalesce::process_dependencies(&mut chart, &o.values).is_err() {
        return;
    }
    let Ok(cvals) = coalesce::coalesce_values(&chart, &o.values) else {
        return;
    };
    let Ok(vals) = coalesce::coalesce_values(&chart, &cvals) else {
        return;
    };
    if !o.skip_schema_validation
        && let Err(e) = schema::check_values(&chart, &vals)
    {
        l.rule(Error, dir, Err(e));
        return;
    }
    let release = ReleaseOptions {
        name: "test-release".into(),
        namespace: o.namespace.clone(),
        revision: 0,
        is_install: false,
        is_upgrade: false,
    };
    let caps = render::capabilities(o.kube_version.as_deref(), &[]);
    let (major, minor) = kube_major_minor(&caps.kube_version);
    let rendered = async {
        let mut request = render::build_request(&chart, &vals, &release, caps)?;
        request.lint = true;
        let renderer = host
            .prepare(crate::action::template::RENDERER, Role::Renderer)
            .map_err(renderer_error)?;
        let opts = CallOptions {
            verbose: o.debug,
            lookup: None,
            chart_files: Some(render::chart_files(&chart)),
        };
        host.runtime()
            .render(&renderer, &opts, &request)
            .await
            .map_err(renderer_error)
    }
    .await;
    let rendered = match rendered {
        Ok(r) => r,
        Err(e) => {
            l.rule(Error, dir, Err(e));
            return;
        }
    };
    for t in &chart.templates {
        let name = t.name.as_str();
        let ext = name
            .rsplit('/')
            .next()
            .and_then(|b| b.rfind('.').map(|i| &b[i..]))
            .unwrap_or_default();
        l.rule(
            Error,
            name,
            if matches!(ext, ".yaml" | ".yml" | ".tpl" | ".txt") {
                Ok(())
            } else {
                Err(format!(
                    "file extension '{ext}' not valid. Valid extensions are .yaml, .yml, .tpl, or .txt"
                ))
            },
        );
        if !matches!(ext.to_ascii_lowercase().as_str(), ".yaml" | ".yml") {
            continue;
        }
        let full = format!("{}/{name}", chart.name());
        let Some(content) = rendered.iter().find(|r| r.path == full).map(|r| &r.content) else {
            continue;
        };
        if content.trim().is_empty() {
            continue;
        }
        l.rule(Warning, name, top_indent(content));
        for head in k8s::decode_heads(content) {
            let head = match head {
                Ok(h) => h,
                Err(e) => {
                    l.rule(Error, name, Err(format!("unable to parse YAML: {e}")));
                    return;
                }
            };
            let Some(h) = head else { continue };
            l.rule(Warning, name, k8s::validate_name(&h));
            l.rule(
                Warning,
                name,
                k8s::validate_no_deprecations(&h, major, minor),
            );
            l.rule(Error, name, match_selector(&h, content));
            l.rule(Error, name, list_annotations(&h, content));
        }
    }
}

/// Major and minor of a `v1.29.0`-style version (Helm's `KubeVersion`).
fn kube_major_minor(v: &str) -> (u32, u32) {
    let mut it = v.trim_start_matches('v').split(['.', '-', '+']);
    let major = it.next().and_then(|s| s.parse().ok()).unwrap_or(1);
    let minor = it.next().and_then(|s| s.parse().ok()).unwrap_or(0);
    (major, minor)
}

/// Helm's `validateTopIndentLevel`.
fn top_indent(content: &str) -> Result<(), String> {
    for line in content.lines() {
        if line.trim().is_empty() {
            continue;
        }
        if line.starts_with(' ') || line.starts_with('\t') {
            return Err(format!(
                "document starts with an illegal indent: {}, which may cause parsing problems",
                go_quote(line)
            ));
        }
        return Ok(());
    }
    Ok(())
}

/// Helm's `validateMatchSelector`.
fn match_selector(h: &k8s::Head, manifest: &str) -> Result<(), String> {
    match h.kind.as_str() {
        "Deployment" | "ReplicaSet" | "DaemonSet" | "StatefulSet"
            if !manifest.contains("matchLabels") && !manifest.contains("matchExpressions") =>
        {
            Err(format!(
                "a {} must contain matchLabels or matchExpressions, and {} does not",
                h.kind,
                go_quote(&h.name)
            ))
        }
        _ => Ok(()),
    }
}

/// Helm's `validateListAnnotations`.
fn list_annotations(h: &k8s::Head, manifest: &str) -> Result<(), String> {
    if h.kind != "List" {
        return Ok(());
    }
    let doc =
        whelm_template::yaml::load(manifest).map_err(|e| format!("unable to parse YAML: {e}"))?;
    let items = doc
        .as_map()
        .and_then(|m| m.get("items"))
        .and_then(|i| i.as_list().map(|l| l.to_vec()))
        .unwrap_or_default();
    for item in items {
        let has = item
            .as_map()
            .and_then(|m| m.get("metadata"))
            .and_then(|md| md.as_map().and_then(|m| m.get("annotations")))
            .and_then(|a| {
                a.as_map()
                    .map(|m| m.get("helm.sh/resource-policy").is_some())
            })
            .unwrap_or(false);
        if has {
            return Err(
                "annotation 'helm.sh/resource-policy' within List objects are ignored".into(),
            );
        }
    }
    Ok(())
}

/// Helm's `rules.Dependencies`.
pub fn dependencies(l: &mut Linter) {
    let c = match chart::load_dir(&l.chart_dir) {
        Ok(c) => c,
        Err(e) => {
            l.rule(Error, "", Err(format!("unable to load chart\n\t{e}")));
            return;
        }
    };
    let dir = l.chart_dir.display().to_string();
    let declared: Vec<&str> = c
        .metadata
        .dependencies
        .iter()
        .map(|d| d.name.as_str())
        .collect();
    let loaded: Vec<&str> = c.dependencies.iter().map(|d| d.name()).collect();
    let missing: Vec<&str> = loaded
        .iter()
        .filter(|n| !declared.contains(n))
        .copied()
        .collect();
    l.rule(
        Error,
        &dir,
        if missing.is_empty() {
            Ok(())
        } else {
            Err(format!(
                "chart metadata is missing these dependencies: {}",
                missing.join(",")
            ))
        },
    );
    let mut seen: Vec<&str> = Vec::new();
    let mut shadowing: Vec<&str> = Vec::new();
    for d in &c.metadata.dependencies {
        let key = d.effective_name();
        if seen.contains(&key) {
            shadowing.push(key);
        }
        seen.push(key);
    }
    l.rule(
        Error,
        &dir,
        if shadowing.is_empty() {
            Ok(())
        } else {
            Err(format!(
                "multiple dependencies with name or alias: {}",
                shadowing.join(",")
            ))
        },
    );
    let absent: Vec<&str> = declared
        .iter()
        .filter(|n| !loaded.contains(n))
        .copied()
        .collect();
    l.rule(
        Warning,
        &dir,
        if absent.is_empty() {
            Ok(())
        } else {
            Err(format!(
                "chart directory is missing these dependencies: {}",
                absent.join(",")
            ))
        },
    );
}

/// Helm's `rules.Crds`: files under `crds/` (the chart's and its
/// subcharts') hold only CustomResourceDefinitions.
pub fn crds(l: &mut Linter) {
    let dir = "crds/";
    let path = l.chart_dir.join("crds");
    let md = match std::fs::metadata(&path) {
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return,
        Err(e) => {
            l.rule(Error, dir, Err(io_error("stat", &path, &e)));
            return;
        }
        Ok(m) => m,
    };
    if !md.is_dir() {
        l.rule(Error, dir, Err("not a directory".into()));
        return;
    }
    let c = match chart::load(&l.chart_dir) {
        Ok(c) => c,
        Err(e) => {
            l.rule(Error, dir, Err(e));
            return;
        }
    };
    for crd in c.crd_objects(c.name()) {
        let name = crd.file.name.as_str();
        let content = String::from_utf8_lossy(&crd.file.data);
        for head in k8s::decode_heads(&content) {
            let h = match head {
                Ok(h) => h,
                Err(e) => {
                    l.rule(Error, name, Err(format!("unable to parse YAML: {e}")));
                    return;
                }
            };
            let Some(h) = h else { continue };
            l.rule(
                Error,
                name,
                if h.api_version.starts_with("apiextensions.k8s.io") {
                    Ok(())
                } else {
                    Err("apiVersion is not in 'apiextensions.k8s.io'".into())
                },
            );
            l.rule(
                Error,
                name,
                if h.kind == "CustomResourceDefinition" {
                    Ok(())
                } else {
                    Err("object kind is not 'CustomResourceDefinition'".into())
                },
            );
        }
    }
}
