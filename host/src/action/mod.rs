//! One module per verb, as Helm's `pkg/action`: each takes plain values
//! (no clap types) and returns what the CLI prints or an error to report.

pub mod config;
pub mod deploy;
pub mod get;
pub mod history;
pub mod install;
pub mod lint;
pub mod list;
pub mod plugin;
pub mod selector;
pub mod show;
pub mod status;
pub mod template;
pub mod test;
pub mod timefmt;
pub mod uninstall;
pub mod upgrade;
pub mod version;

use crate::storage::{Release, Storage, StorageError};

/// Output format for listing verbs (`-o table|json|yaml`), as Helm's.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum OutputFormat {
    #[default]
    Table,
    Json,
    Yaml,
}

impl std::str::FromStr for OutputFormat {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        match s {
            "table" => Ok(OutputFormat::Table),
            "json" => Ok(OutputFormat::Json),
            "yaml" => Ok(OutputFormat::Yaml),
            _ => Err(format!(
                "invalid format type {s:?}: use table, json or yaml"
            )),
        }
    }
}

impl OutputFormat {
    /// Parses `-o`/`--output` as Helm's flag does, with its error text.
    pub fn parse_flag(s: &str) -> Result<OutputFormat, String> {
        match s {
            "table" => Ok(OutputFormat::Table),
            "json" => Ok(OutputFormat::Json),
            "yaml" => Ok(OutputFormat::Yaml),
            _ => Err(format!(
                "invalid argument {s:?} for \"-o, --output\" flag: invalid format type"
            )),
        }
    }
}

/// Helm's `output.EncodeJSON` of a value whose serde shape follows Helm's Go struct: compact,
/// HTML-safe, one line.
pub(crate) fn encode_json<T: serde::Serialize + ?Sized>(v: &T) -> String {
    let mut s =
        String::from_utf8(crate::storage::codec::to_go_json(v)).expect("serde_json writes UTF-8");
    s.push('\n');
    s
}

/// Helm's `output.EncodeYAML` (`sigs.k8s.io/yaml.Marshal`) of a value given as its Go JSON:
/// the JSON re-read with every number a float64, printed by yaml.v2 with sorted keys.
pub(crate) fn encode_yaml(json: &str) -> String {
    let v = whelm_template::json::unmarshal(json).expect("JSON written by whelm parses");
    let mut s = whelm_template::yaml::to_yaml(&v).expect("JSON numbers are finite");
    s.push('\n');
    s
}

/// A JSON value as Helm holds a decoded `map[string]any` (every number a float64).
pub(crate) fn go_value(v: &serde_json::Value) -> whelm_template::Value {
    whelm_template::json::unmarshal(&v.to_string()).expect("serde_json writes valid JSON")
}

/// Helm's `cfg.releaseContent`: revision `version` of release `name`, or its newest revision
/// when `version <= 0`.
pub async fn release_content(
    storage: &Storage,
    name: &str,
    version: i64,
) -> Result<Release, String> {
    if template::validate_release_name(name).is_err() {
        return Err(format!("releaseContent: Release name is invalid: {name}"));
    }
    if version > 0 {
        return storage.get(name, version).await.map_err(|e| e.to_string());
    }
    // Helm's `Storage.Last`: the query's "release: not found" when there is no revision.
    let mut history = storage.history(name).await.map_err(|e| e.to_string())?;
    history
        .pop()
        .ok_or_else(|| StorageError::NoRevision(name.to_string()).to_string())
}

/// The CHART column: `name-version`, or `MISSING` for a release without chart metadata.
pub(crate) fn chart_name(rel: &Release) -> String {
    match rel.chart.as_ref().and_then(|c| c.metadata.as_ref()) {
        Some(m) => format!("{}-{}", m.name, m.version),
        None => "MISSING".to_string(),
    }
}

/// The APP VERSION column, or `MISSING` for a release without chart metadata.
pub(crate) fn app_version(rel: &Release) -> String {
    match rel.chart.as_ref().and_then(|c| c.metadata.as_ref()) {
        Some(m) => m.app_version.clone(),
        None => "MISSING".to_string(),
    }
}

/// Renders rows as Helm does (`gosuri/uitable` through `output.EncodeTable`): every cell padded
/// to its column's width, columns joined by a tab, a newline after the last row.
pub fn table(headers: &[&str], rows: &[Vec<String>]) -> String {
    let mut all = Vec::with_capacity(rows.len() + 1);
    all.push(headers.iter().map(|h| h.to_string()).collect());
    all.extend_from_slice(rows);
    uitable(&all)
}

/// `uitable.Table.String()` + `"\n"` over `rows` (the first row being the headers, if any).
///
/// uitable's details, kept because they show in output: a column's width is the widest line of
/// its cells in display columns (East Asian wide characters count two); a cell whose whole text
/// (line breaks counting zero) is wider than that is cut to about `width - 3` columns plus `...`
/// before it is split into lines; a row spans as many lines as its tallest cell, the others padded with
/// blanks; the last column is padded too. No rows print as a lone newline.
pub fn uitable(rows: &[Vec<String>]) -> String {
    let mut widths: Vec<usize> = Vec::new();
    for row in rows {
        for (i, cell) in row.iter().enumerate() {
            if widths.len() <= i {
                widths.push(0);
            }
            let w = cell.split('\n').map(display_width).max().unwrap_or(0);
            widths[i] = widths[i].max(w);
        }
    }
    let mut lines: Vec<String> = Vec::new();
    for row in rows {
        let cells: Vec<String> = row
            .iter()
            .enumerate()
            .map(|(i, c)| resize(c, widths[i]))
            .collect();
        let height = cells
            .iter()
            .map(|c| c.split('\n').count())
            .max()
            .unwrap_or(0);
        for l in 0..height {
            let parts: Vec<String> = cells
                .iter()
                .enumerate()
                .map(|(i, c)| match c.split('\n').nth(l) {
                    Some(line) => resize(line, widths[i]),
                    // uitable's empty cell: a blank padded on the left to the width.
                    None => " ".repeat(widths[i].max(1)),
                })
                .collect();
            lines.push(parts.join("\t"));
        }
    }
    lines.join("\n") + "\n"
}

/// uitable's `strutil.Resize`: pad to `width` display columns; when wider, keep characters up
/// to and including the one that reaches `width - 3` columns, then `...`. A zero width leaves
/// the text as it is.
fn resize(s: &str, width: usize) -> String {
    if width == 0 {
        return s.to_string();
    }
    let w = display_width(s);
    if w <= width {
        return format!("{s}{}", " ".repeat(width - w));
    }
    let budget = width as isize - 3;
    let mut out = String::new();
    let mut used = 0isize;
    for c in s.chars() {
        out.push(c);
        let cw = char_width(c) as isize;
        if used + cw >= budget {
            break;
        }
        used += cw;
    }
    out.push_str("...");
    out
}

/// Display columns of `s` as `go-runewidth` counts them (East Asian wide and fullwidth
/// characters two, combining marks and control characters zero).
pub fn display_width(s: &str) -> usize {
    s.chars().map(char_width).sum()
}

fn char_width(c: char) -> usize {
    let u = c as u32;
    if u < 0x20 || (0x7f..0xa0).contains(&u) {
        return 0;
    }
    const ZERO: &[(u32, u32)] = &[
        (0x0300, 0x036f),
        (0x0483, 0x0489),
        (0x0591, 0x05bd),
        (0x0610, 0x061a),
        (0x064b, 0x065f),
        (0x0e31, 0x0e31),
        (0x0e34, 0x0e3a),
        (0x0e47, 0x0e4e),
        (0x1ab0, 0x1aff),
        (0x1dc0, 0x1dff),
        (0x200b, 0x200f),
        (0x20d0, 0x20ff),
        (0xfe00, 0xfe0f),
        (0xfe20, 0xfe2f),
    ];
    const WIDE: &[(u32, u32)] = &[
        (0x1100, 0x115f),
        (0x231a, 0x231b),
        (0x2329, 0x232a),
        (0x23e9, 0x23ec),
        (0x25fd, 0x25fe),
        (0x2614, 0x2615),
        (0x2648, 0x2653),
        (0x26a1, 0x26a1),
        (0x26aa, 0x26ab),
        (0x26bd, 0x26be),
        (0x26c4, 0x26c5),
        (0x26d4, 0x26d4),
        (0x26ea, 0x26ea),
        (0x26f5, 0x26f5),
        (0x26fa, 0x26fa),
        (0x26fd, 0x26fd),
        (0x2705, 0x2705),
        (0x270a, 0x270b),
        (0x2728, 0x2728),
        (0x274c, 0x274c),
        (0x2753, 0x2755),
        (0x2757, 0x2757),
        (0x2795, 0x2797),
        (0x27b0, 0x27b0),
        (0x27bf, 0x27bf),
        (0x2b1b, 0x2b1c),
        (0x2b50, 0x2b50),
        (0x2b55, 0x2b55),
        (0x2e80, 0x303e),
        (0x3041, 0x33ff),
        (0x3400, 0x4dbf),
        (0x4e00, 0x9fff),
        (0xa000, 0xa4cf),
        (0xa960, 0xa97f),
        (0xac00, 0xd7a3),
        (0xf900, 0xfaff),
        (0xfe10, 0xfe19),
        (0xfe30, 0xfe6f),
        (0xff00, 0xff60),
        (0xffe0, 0xffe6),
        (0x16fe0, 0x16fe4),
        (0x17000, 0x18cff),
        (0x1b000, 0x1b2ff),
        (0x1f004, 0x1f004),
        (0x1f0cf, 0x1f0cf),
        (0x1f18e, 0x1f18e),
        (0x1f191, 0x1f19a),
        (0x1f200, 0x1f251),
        (0x1f300, 0x1f64f),
        (0x1f680, 0x1f6ff),
        (0x1f7e0, 0x1f7eb),
        (0x1f90c, 0x1f9ff),
        (0x1fa70, 0x1faff),
        (0x20000, 0x2fffd),
        (0x30000, 0x3fffd),
    ];
    let within = |t: &[(u32, u32)]| t.iter().any(|&(a, b)| (a..=b).contains(&u));
    if within(ZERO) {
        0
    } else if within(WIDE) {
        2
    } else {
        1
    }
}

/// The fixture releases of `tests/releases` and what helm 4.3.1 printed for them
/// (`tests/releases/capture.sh`), for the release verbs' tests.
#[cfg(test)]
pub(crate) mod fixtures {
    use std::path::PathBuf;

    use crate::storage::Storage;
    use crate::storage::memory::Memory;

    fn dir() -> PathBuf {
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../tests/releases")
    }

    /// The fixture releases in a memory store opened for `namespace` (`""`: all), reading
    /// times as helm did for the captures (TZ=UTC).
    pub async fn storage(namespace: &str) -> Storage {
        super::timefmt::use_utc_as_local();
        let d = dir();
        let data = format!(
            "{}:{}",
            d.join("default.yaml").display(),
            d.join("other.yaml").display()
        );
        let mem = Memory::new(namespace);
        mem.load_data(&data).await.unwrap();
        mem.set_namespace(namespace);
        Storage::new(Box::new(mem))
    }

    /// What helm printed on stdout for case `id` of `tests/releases/cases.txt`.
    pub fn stdout(id: &str) -> String {
        std::fs::read_to_string(dir().join(format!("captures/{id}.stdout")))
            .unwrap_or_else(|e| panic!("capture {id}: {e}"))
    }

    /// The message helm printed after `Error: ` for case `id`.
    pub fn error(id: &str) -> String {
        let e = std::fs::read_to_string(dir().join(format!("captures/{id}.stderr")))
            .unwrap_or_else(|e| panic!("capture {id}: {e}"));
        e.strip_prefix("Error: ")
            .and_then(|e| e.strip_suffix('\n'))
            .unwrap_or_else(|| panic!("capture {id} is not an error: {e}"))
            .to_string()
    }
}
