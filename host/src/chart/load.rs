//! Helm's chart loader: directory walk with `.helmignore`, archive reading
//! with its path and size checks, and `LoadFiles` sorting files into the
//! chart's parts.

use std::io::Read;
use std::path::Path;

use whelm_template::value::Map;

use super::ignore::{HELM_IGNORE, Rules};
use super::{Chart, File, Metadata};
use crate::values::load_values;

/// Largest file Helm loads (5 MiB, `MaxDecompressedFileSize`).
pub const MAX_FILE_SIZE: u64 = 5 * 1024 * 1024;
/// Largest total decompressed archive (100 MiB, `MaxDecompressedChartSize`).
pub const MAX_CHART_SIZE: u64 = 100 * 1024 * 1024;

const BOM: &[u8] = b"\xEF\xBB\xBF";

fn strip_bom(mut d: Vec<u8>) -> Vec<u8> {
    if d.starts_with(BOM) {
        d.drain(..3);
    }
    d
}

/// Loads a chart from a directory or a `.tgz` archive.
pub fn load(path: &Path) -> Result<Chart, String> {
    let md = std::fs::metadata(path).map_err(|e| {
        if e.kind() == std::io::ErrorKind::NotFound {
            format!("path {:?} not found", path.display().to_string())
        } else {
            format!("stat {}: {e}", path.display())
        }
    })?;
    if md.is_dir() {
        load_dir(path)
    } else {
        let data = std::fs::read(path).map_err(|e| format!("open {}: {e}", path.display()))?;
        let name = path.display().to_string();
        if !data.starts_with(b"\x1f\x8b\x08") {
            if name.ends_with(".yml") || name.ends_with(".yaml") {
                return Err(format!(
                    "file '{name}' seems to be a YAML file, but expected a gzipped archive"
                ));
            }
            return Err(format!(
                "file '{name}' does not appear to be a gzipped archive; got '{}'",
                if data.is_empty() {
                    "text/plain; charset=utf-8"
                } else {
                    "application/octet-stream"
                }
            ));
        }
        load_archive(&data).map_err(|e| format!("{name}: {e}"))
    }
}

/// Loads a chart directory (Helm's `LoadDir`).
pub fn load_dir(dir: &Path) -> Result<Chart, String> {
    let mut rules = Rules::default();
    let ifile = dir.join(HELM_IGNORE);
    if ifile.is_file() {
        let text = std::fs::read_to_string(&ifile)
            .map_err(|e| format!("reading {}: {e}", ifile.display()))?;
        rules = Rules::parse(&text)
            .map_err(|(line, e)| format!("{} line {line}: {e}", ifile.display()))?;
    }
    rules.add_defaults();
    let mut files = Vec::new();
    walk(dir, "", &rules, &mut files)?;
    load_files(files)
}

fn walk(dir: &Path, rel: &str, rules: &Rules, out: &mut Vec<File>) -> Result<(), String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .map_err(|e| format!("reading directory {}: {e}", dir.display()))?
        .map(|e| {
            e.map(|e| e.file_name().to_string_lossy().into_owned())
                .map_err(|e| format!("reading directory {}: {e}", dir.display()))
        })
        .collect::<Result<_, _>>()?;
    names.sort();
    for name in names {
        let path = dir.join(&name);
        let n = if rel.is_empty() {
            name.clone()
        } else {
            format!("{rel}/{name}")
        };
        // Symbolic links are followed, as Helm's sympath.Walk does.
        let md = std::fs::metadata(&path).map_err(|e| format!("stat {}: {e}", path.display()))?;
        if md.is_dir() {
            if rules.ignore(&n, true) {
                continue;
            }
            walk(&path, &n, rules, out)?;
            continue;
        }
        if rules.ignore(&n, false) {
            continue;
        }
        if !md.is_file() {
            return Err(format!(
                "cannot load irregular file {} as it has file mode type bits set",
                path.display()
            ));
        }
        if md.len() > MAX_FILE_SIZE {
            return Err(format!(
                "chart file {name:?} is larger than the maximum file size {MAX_FILE_SIZE}"
            ));
        }
        let data = std::fs::read(&path).map_err(|e| format!("error reading {n}: {e}"))?;
        out.push(File {
            name: n,
            data: strip_bom(data).into(),
        });
    }
    Ok(())
}

/// Reads the files of a gzipped tar archive (Helm's `LoadArchiveFiles`):
/// the first path component is the chart directory and is dropped.
pub fn archive_files(data: &[u8]) -> Result<Vec<File>, String> {
    let gz = flate2::read::MultiGzDecoder::new(data);
    let mut ar = tar::Archive::new(gz);
    let mut files = Vec::new();
    let mut remaining = MAX_CHART_SIZE;
    let entries = ar.entries().map_err(|e| e.to_string())?;
    for entry in entries {
        let mut entry = entry.map_err(|e| e.to_string())?;
        let header = entry.header();
        let kind = header.entry_type();
        if kind.is_dir() || kind.is_pax_global_extensions() || kind.is_pax_local_extensions() {
            continue;
        }
        let raw = String::from_utf8_lossy(&entry.path_bytes()).into_owned();
        let delim = if raw.contains('\\') { '\\' } else { '/' };
        let parts: Vec<&str> = raw.split(delim).collect();
        let n = parts[1..].join("/");
        if n.starts_with('/') {
            return Err("chart illegally contains absolute paths".into());
        }
        let n = clean_path(&n);
        if n == "." {
            return Err(format!(
                "chart illegally contains content outside the base directory: {raw:?}"
            ));
        }
        if n.starts_with("..") {
            return Err("chart illegally references parent directory".into());
        }
        let b = n.as_bytes();
        if b.len() >= 3 && b[0].is_ascii_alphabetic() && b[1] == b':' && b[2] == b'/' {
            return Err("chart contains illegally named files".into());
        }
        if parts[0] == "Chart.yaml" {
            return Err("chart yaml not in base directory".into());
        }
        let size = entry.size();
        if size > remaining {
            return Err(format!(
                "decompressed chart is larger than the maximum size {MAX_CHART_SIZE}"
            ));
        }
        if size > MAX_FILE_SIZE {
            return Err(format!(
                "decompressed chart file {raw:?} is larger than the maximum file size {MAX_FILE_SIZE}"
            ));
        }
        let mut buf = Vec::with_capacity(size as usize);
        (&mut entry)
            .take(remaining)
            .read_to_end(&mut buf)
            .map_err(|e| e.to_string())?;
        remaining -= buf.len() as u64;
        if (buf.len() as u64) < size || remaining == 0 {
            return Err(format!(
                "decompressed chart is larger than the maximum size {MAX_CHART_SIZE}"
            ));
        }
        files.push(File {
            name: n,
            data: strip_bom(buf).into(),
        });
    }
    if files.is_empty() {
        return Err("no files in chart archive".into());
    }
    Ok(files)
}

/// Go's `path.Clean`.
fn clean_path(p: &str) -> String {
    let rooted = p.starts_with('/');
    let mut out: Vec<&str> = Vec::new();
    for seg in p.split('/') {
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

/// Loads a chart from a gzipped tar archive's bytes.
pub fn load_archive(data: &[u8]) -> Result<Chart, String> {
    load_files(archive_files(data)?)
}

/// Decoding failures are wrapped with the file name; null list entries are
/// Helm's validation errors, reported bare.
fn decode_error(what: &str, e: String) -> String {
    if e.starts_with("validation: ") {
        e
    } else {
        format!("cannot load {what}: {e}")
    }
}

fn yaml_err(what: &str, e: whelm_template::yaml::YamlError) -> String {
    format!("cannot load {what}: {e}")
}

/// Sorts files into a chart (Helm's `LoadFiles`), loading subcharts found
/// under `charts/` (directories and `.tgz` archives; names starting with
/// `_` or `.` are skipped).
pub fn load_files(files: Vec<File>) -> Result<Chart, String> {
    let mut metadata: Option<Metadata> = None;
    for f in &files {
        if f.name == "Chart.yaml" {
            let md = metadata.get_or_insert_with(Metadata::default);
            let doc = whelm_template::yaml::load(&String::from_utf8_lossy(&f.data))
                .map_err(|e| yaml_err("Chart.yaml", e))?;
            md.decode_into(&doc)
                .map_err(|e| decode_error("Chart.yaml", e))?;
            if md.api_version.is_empty() {
                md.api_version = "v1".into();
            }
        }
    }
    let mut c = Chart {
        metadata: Metadata::default(),
        templates: Vec::new(),
        values: Map::new(),
        schema: None,
        files: Vec::new(),
        raw: files.clone(),
        dependencies: Vec::new(),
    };
    // Subcharts by directory (or archive) name, in first-seen order.
    let mut subcharts: Vec<(String, Vec<File>)> = Vec::new();
    for f in files {
        let name = f.name.as_str();
        match name {
            "Chart.yaml" => {}
            "Chart.lock" | "requirements.lock" => {
                whelm_template::yaml::load(&String::from_utf8_lossy(&f.data))
                    .map_err(|e| yaml_err(name, e))?;
                let md = metadata.get_or_insert_with(Metadata::default);
                if name == "requirements.lock" && md.api_version == "v1" {
                    c.files.push(f);
                }
            }
            "values.yaml" => {
                c.values = load_values(&String::from_utf8_lossy(&f.data))
                    .map_err(|e| format!("cannot load values.yaml: {e}"))?;
            }
            "values.schema.json" => c.schema = Some(f.data.to_vec()),
            "requirements.yaml" => {
                let md = metadata.get_or_insert_with(Metadata::default);
                if md.api_version != "v1" {
                    eprintln!(
                        "Warning: Dependencies are handled in Chart.yaml since apiVersion \"v2\". We recommend migrating dependencies to Chart.yaml."
                    );
                }
                let doc = whelm_template::yaml::load(&String::from_utf8_lossy(&f.data))
                    .map_err(|e| yaml_err("requirements.yaml", e))?;
                md.decode_into(&doc)
                    .map_err(|e| decode_error("requirements.yaml", e))?;
                if md.api_version == "v1" {
                    c.files.push(f);
                }
            }
            _ if name.starts_with("templates/") => c.templates.push(f),
            _ if name.starts_with("charts/") => {
                if name.ends_with(".prov") {
                    c.files.push(f);
                    continue;
                }
                let fname = &name["charts/".len()..];
                let cname = fname.split('/').next().unwrap_or("").to_string();
                let sub = File {
                    name: fname.to_string(),
                    data: f.data,
                };
                match subcharts.iter_mut().find(|(n, _)| *n == cname) {
                    Some((_, v)) => v.push(sub),
                    None => subcharts.push((cname, vec![sub])),
                }
            }
            _ => c.files.push(f),
        }
    }
    let Some(mut md) = metadata else {
        return Err("Chart.yaml file is missing".into());
    };
    md.validate()?;
    c.metadata = md;
    // Go iterates a map here (random order); sorting by name keeps us stable.
    subcharts.sort_by(|a, b| a.0.cmp(&b.0));
    for (n, files) in subcharts {
        if n.starts_with('_') || n.starts_with('.') {
            continue;
        }
        let sc = if n.ends_with(".tgz") {
            let file = &files[0];
            if file.name != n {
                return Err(format!(
                    "error unpacking subchart tar in {}: expected {n}, got {}",
                    c.name(),
                    file.name
                ));
            }
            load_archive(&file.data)
        } else {
            let buff = files
                .into_iter()
                .filter_map(|f| {
                    f.name.split_once('/').map(|(_, rest)| File {
                        name: rest.to_string(),
                        data: f.data,
                    })
                })
                .collect();
            load_files(buff)
        };
        let sc = sc.map_err(|e| format!("error unpacking subchart {n} in {}: {e}", c.name()))?;
        c.dependencies.push(sc);
    }
    Ok(c)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::PathBuf;

    fn corpus(name: &str) -> PathBuf {
        PathBuf::from("/work/shared/corpus/charts").join(name)
    }

    #[test]
    fn clean() {
        assert_eq!(clean_path("a/./b/../c"), "a/c");
        assert_eq!(clean_path(""), ".");
        assert_eq!(clean_path("../x"), "../x");
    }

    #[test]
    fn loads_v1_chart_with_dependencies() {
        let p = corpus("helm-subchart");
        if !p.exists() {
            return;
        }
        let c = load(&p).unwrap();
        assert_eq!(c.name(), "subchart");
        assert_eq!(c.metadata.api_version, "v1");
        assert_eq!(c.metadata.dependencies.len(), 2);
        let names: Vec<_> = c
            .dependencies
            .iter()
            .map(|d| d.name().to_string())
            .collect();
        assert_eq!(names, ["subcharta", "subchartb"]);
        assert!(
            c.templates
                .iter()
                .any(|t| t.name == "templates/service.yaml")
        );
        assert!(c.files.iter().any(|f| f.name.starts_with("crds/")));
        assert!(!c.files.iter().any(|f| f.name == "values.yaml"));
        let crds: Vec<_> = c
            .crd_objects("subchart")
            .into_iter()
            .map(|c| c.filename)
            .collect();
        assert!(
            crds.contains(&"subchart/crds/crdA.yaml".to_string()),
            "{crds:?}"
        );
    }

    fn tgz(entries: &[(&str, &[u8])]) -> Vec<u8> {
        let mut b = tar::Builder::new(flate2::write::GzEncoder::new(
            Vec::new(),
            flate2::Compression::fast(),
        ));
        for (name, data) in entries {
            let mut h = tar::Header::new_gnu();
            h.set_size(data.len() as u64);
            h.set_mode(0o644);
            h.set_entry_type(tar::EntryType::Regular);
            // Raw names, so hostile paths can be written too.
            let raw = &mut h.as_old_mut().name;
            raw.fill(0);
            raw[..name.len()].copy_from_slice(name.as_bytes());
            h.set_cksum();
            b.append(&h, *data).unwrap();
        }
        b.into_inner().unwrap().finish().unwrap()
    }

    #[test]
    fn archive_with_nested_archive() {
        let sub = tgz(&[(
            "sub/Chart.yaml",
            b"apiVersion: v2\nname: sub\nversion: 0.2.0\n",
        )]);
        let top = tgz(&[
            (
                "top/Chart.yaml",
                b"apiVersion: v2\nname: top\nversion: 1.0.0\n",
            ),
            ("top/values.yaml", b"\xEF\xBB\xBFa: 1\n---\nb: 2\n"),
            ("top/templates/x.yaml", b"x"),
            ("top/charts/sub-0.2.0.tgz", &sub),
            ("top/charts/_skip/Chart.yaml", b"bad"),
        ]);
        let c = load_archive(&top).unwrap();
        assert_eq!(c.dependencies[0].name(), "sub");
        assert_eq!(c.values.keys(), ["a", "b"]);
    }

    #[test]
    fn archive_errors() {
        let bad = tgz(&[("top/../../etc/passwd", b"x")]);
        assert_eq!(
            load_archive(&bad).unwrap_err(),
            "chart illegally references parent directory"
        );
        let no_chart = tgz(&[("top/values.yaml", b"a: 1")]);
        assert_eq!(
            load_archive(&no_chart).unwrap_err(),
            "Chart.yaml file is missing"
        );
        let bad_values = tgz(&[
            (
                "top/Chart.yaml",
                b"apiVersion: v2\nname: top\nversion: 1.0.0\n",
            ),
            ("top/values.yaml", b"a: 1\n b: 2\n"),
        ]);
        let e = load_archive(&bad_values).unwrap_err();
        assert!(
            e.starts_with("cannot load values.yaml: cannot unmarshal yaml document: "),
            "{e}"
        );
        assert!(e.contains("line 2"), "{e}");
    }
}
