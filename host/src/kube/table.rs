//! Printing the apiserver's server-side tables as kubectl does (`kubectl get`'s human-readable
//! printer), for the RESOURCES section of `whelm status`.
//!
//! Helm 4 hands every object it read to one kubectl table printer, each object printed (and
//! its columns aligned) on its own: a column is as wide as the cells *of that object*, so
//! rows of one kind do not line up with each other, and a header is left out when the previous
//! table had the same column definitions, even across kinds. [`TablePrinter`] keeps that
//! state; [`TabWriter`] is Go's `text/tabwriter` with kubectl's settings.

use serde_json::Value;

use crate::storage::release::GoTime;

/// One column definition of a `meta.k8s.io` Table; headers are left out when two tables'
/// definitions are equal field by field.
#[derive(Debug, Clone, PartialEq)]
struct Column {
    name: String,
    kind: String,
    format: String,
    description: String,
    priority: i64,
}

impl Column {
    fn from_json(v: &Value) -> Column {
        let s = |k: &str| v[k].as_str().unwrap_or_default().to_string();
        Column {
            name: s("name"),
            kind: s("type"),
            format: s("format"),
            description: s("description"),
            priority: v["priority"].as_i64().unwrap_or(0),
        }
    }
}

/// Whether `obj` is a Table kubectl decodes (`meta.k8s.io/v1` or `v1beta1`).
pub fn is_table(obj: &Value) -> bool {
    obj["kind"] == "Table"
        && matches!(
            obj["apiVersion"].as_str(),
            Some("meta.k8s.io/v1" | "meta.k8s.io/v1beta1")
        )
}

/// kubectl's printer for `get` without flags (no namespace, kind or label columns, not wide):
/// prints server-side tables, and objects that are not tables as NAME and AGE.
#[derive(Debug, Default)]
pub struct TablePrinter {
    /// The column definitions of the last table printed.
    last_columns: Option<Vec<Column>>,
    /// Whether a table with these columns and at least one row was printed.
    printed_headers: bool,
    /// Whether the last object that was not a table was printed (its header then is not
    /// repeated).
    printed_plain: bool,
}

impl TablePrinter {
    pub fn new() -> TablePrinter {
        TablePrinter::default()
    }

    /// Appends `obj` (a Table, or any object or list when the server sent no table) to `out`.
    /// `now` is the Unix time ages of non-table objects are counted to.
    pub fn print(&mut self, obj: &Value, now: i64, out: &mut String) {
        let mut w = TabWriter::new();
        if is_table(obj) {
            self.print_table(obj, &mut w);
        } else {
            self.print_plain(obj, now, &mut w);
        }
        out.push_str(&w.finish());
    }

    fn print_table(&mut self, table: &Value, w: &mut TabWriter) {
        let mut columns: Vec<Column> = table["columnDefinitions"]
            .as_array()
            .map(|a| a.iter().map(Column::from_json).collect())
            .unwrap_or_default();
        let rows: &[Value] = table["rows"].as_array().map_or(&[], Vec::as_slice);
        let no_headers = self.printed_headers
            && (columns.is_empty() || self.last_columns.as_ref() == Some(&columns));
        if columns.is_empty() {
            // A table without definitions is laid out with the last ones (watch events).
            columns = self.last_columns.clone().unwrap_or_default();
        } else if self.last_columns.as_ref() != Some(&columns) {
            self.last_columns = Some(columns.clone());
            self.printed_headers = false;
        }
        if !rows.is_empty() {
            self.printed_headers = true;
        }
        if !no_headers {
            // No header over no rows.
            if rows.is_empty() {
                return;
            }
            let names: Vec<String> = columns
                .iter()
                .filter(|c| c.priority == 0)
                .map(|c| go_upper(&c.name))
                .collect();
            w.write(&names.join("\t"));
            w.write("\n");
        }
        for row in rows {
            let cells: &[Value] = row["cells"].as_array().map_or(&[], Vec::as_slice);
            let mut first = true;
            // More cells than columns (a server bug) are cut off.
            for (cell, column) in cells.iter().zip(&columns) {
                if column.priority != 0 {
                    continue;
                }
                if !first {
                    w.write("\t");
                }
                first = false;
                w.write(&escape_terminal(&cell_text(cell)));
            }
            w.write("\n");
        }
    }

    fn print_plain(&mut self, obj: &Value, now: i64, w: &mut TabWriter) {
        if !self.printed_plain {
            w.write("NAME\tAGE\n");
        }
        self.printed_plain = true;
        let one = std::slice::from_ref(obj);
        let objects = match obj["items"].as_array() {
            Some(items) => items.as_slice(),
            None => one,
        };
        for o in objects {
            let name = o["metadata"]["name"].as_str().unwrap_or_default();
            let created = o["metadata"]["creationTimestamp"]
                .as_str()
                .and_then(|t| GoTime(t.to_string()).unix());
            let age = match created {
                Some(t) => human_duration(now - t),
                None => "<unknown>".to_string(),
            };
            w.write(&format!("{name}\t{age}\n"));
        }
    }
}

/// A cell as kubectl prints it: strings up to their first line break (then `...`), anything
/// else as Go's `fmt.Sprint`; null prints nothing.
fn cell_text(cell: &Value) -> String {
    match cell {
        Value::Null => String::new(),
        Value::String(s) => match s.find(['\n', '\r', '\x0c']) {
            Some(i) => format!("{}...", &s[..i]),
            None => s.clone(),
        },
        v => go_sprint(v),
    }
}

/// Go's `fmt.Sprint` of a decoded JSON value (numbers as `int64`, or `float64` when not
/// integral).
fn go_sprint(v: &Value) -> String {
    match v {
        Value::Null => "<nil>".to_string(),
        Value::Bool(b) => b.to_string(),
        Value::Number(n) => match (n.as_i64(), n.as_u64(), n.as_f64()) {
            (Some(i), _, _) => i.to_string(),
            (_, Some(u), _) => u.to_string(),
            (_, _, Some(f)) => whelm_template::num::format_float(f, 'g', -1),
            _ => n.to_string(),
        },
        Value::String(s) => s.clone(),
        Value::Array(a) => {
            let items: Vec<String> = a.iter().map(go_sprint).collect();
            format!("[{}]", items.join(" "))
        }
        Value::Object(m) => {
            let items: Vec<String> = m
                .iter()
                .map(|(k, v)| format!("{k}:{}", go_sprint(v)))
                .collect();
            format!("map[{}]", items.join(" "))
        }
    }
}

/// kubectl's guard against terminal escape sequences in cells.
fn escape_terminal(s: &str) -> String {
    s.replace('\x1b', "^[").replace('\r', "\\r")
}

/// Go's `strings.ToUpper`: rune by rune, a rune without a single-rune upper case kept.
fn go_upper(s: &str) -> String {
    s.chars()
        .map(|c| {
            let mut up = c.to_uppercase();
            match (up.next(), up.next()) {
                (Some(u), None) => u,
                _ => c,
            }
        })
        .collect()
}

/// apimachinery's `duration.HumanDuration` of `secs` seconds: `45s`, `3m20s`, `5h10m`, `9d`.
pub fn human_duration(secs: i64) -> String {
    if secs < -1 {
        return "<invalid>".to_string();
    }
    if secs < 0 {
        return "0s".to_string();
    }
    if secs < 120 {
        return format!("{secs}s");
    }
    let with = |big: i64, unit: &str, small: i64, small_unit: &str| {
        if small == 0 {
            format!("{big}{unit}")
        } else {
            format!("{big}{unit}{small}{small_unit}")
        }
    };
    let minutes = secs / 60;
    if minutes < 10 {
        return with(minutes, "m", secs % 60, "s");
    }
    if minutes < 60 * 3 {
        return format!("{minutes}m");
    }
    let hours = secs / 3600;
    if hours < 8 {
        return with(hours, "h", minutes % 60, "m");
    }
    if hours < 48 {
        return format!("{hours}h");
    }
    if hours < 24 * 8 {
        return with(hours / 24, "d", hours % 24, "h");
    }
    if hours < 24 * 365 * 2 {
        return format!("{}d", hours / 24);
    }
    if hours < 24 * 365 * 8 {
        return with(hours / 24 / 365, "y", hours / 24 % 365, "d");
    }
    format!("{}y", hours / 24 / 365)
}

/// One cell: its text is `size` bytes of the buffer; `width` is its length in runes.
#[derive(Debug, Clone, Copy, Default)]
struct Cell {
    size: usize,
    width: usize,
}

/// Go's `text/tabwriter` as kubectl configures it (its fork with remembered widths): cells end
/// at a tab, lines at a newline; a column is as wide as its widest cell plus 3 spaces, at least
/// 6; the last cell of a line is not a column and is never padded. A block of lines is a run
/// of consecutive lines that have a cell in the column; a line of a single cell ends the
/// blocks (it is written out at once).
#[derive(Debug, Default)]
pub struct TabWriter {
    buf: String,
    lines: Vec<Vec<Cell>>,
    cell: Cell,
    /// Widths of the columns left of the one being formatted.
    widths: Vec<usize>,
    /// The widest each column has been, kept across flushes.
    max_widths: Vec<usize>,
    out: String,
}

const MIN_WIDTH: usize = 6;
const PADDING: usize = 3;

impl TabWriter {
    pub fn new() -> TabWriter {
        TabWriter {
            lines: vec![Vec::new()],
            ..TabWriter::default()
        }
    }

    pub fn write(&mut self, text: &str) {
        for c in text.chars() {
            match c {
                '\t' | '\x0b' | '\n' | '\x0c' => {
                    let cells = self.terminate_cell();
                    if c == '\n' || c == '\x0c' {
                        self.lines.push(Vec::new());
                        if c == '\x0c' || cells == 1 {
                            self.flush();
                        }
                    }
                }
                c => {
                    self.buf.push(c);
                    self.cell.size += c.len_utf8();
                    self.cell.width += 1;
                }
            }
        }
    }

    /// Flushes and returns everything written.
    pub fn finish(mut self) -> String {
        self.flush();
        self.out
    }

    fn terminate_cell(&mut self) -> usize {
        let line = self.lines.last_mut().expect("there is always a line");
        line.push(std::mem::take(&mut self.cell));
        line.len()
    }

    fn flush(&mut self) {
        if self.cell.size > 0 {
            self.terminate_cell();
        }
        self.format(0, 0, self.lines.len());
        self.buf.clear();
        self.lines = vec![Vec::new()];
        self.widths.clear();
    }

    fn format(&mut self, mut pos: usize, mut line0: usize, line1: usize) -> usize {
        let column = self.widths.len();
        let mut this = line0;
        while this < line1 {
            if column + 1 >= self.lines[this].len() {
                this += 1;
                continue;
            }
            // A cell in this column: the block of lines that have one starts here.
            pos = self.write_lines(pos, line0, this);
            line0 = this;
            let mut width = MIN_WIDTH;
            while this < line1 && column + 1 < self.lines[this].len() {
                width = width.max(self.lines[this][column].width + PADDING);
                this += 1;
            }
            if self.max_widths.len() < column {
                let known = self.max_widths.len();
                self.max_widths.extend_from_slice(&self.widths[known..]);
            }
            if self.max_widths.len() == column {
                self.max_widths.push(width);
            } else {
                width = width.max(self.max_widths[column]);
                self.max_widths[column] = width;
            }
            self.widths.push(width);
            pos = self.format(pos, line0, this);
            self.widths.pop();
            line0 = this;
        }
        self.write_lines(pos, line0, line1)
    }

    fn write_lines(&mut self, mut pos: usize, line0: usize, line1: usize) -> usize {
        for i in line0..line1 {
            for (j, c) in self.lines[i].iter().enumerate() {
                self.out.push_str(&self.buf[pos..pos + c.size]);
                pos += c.size;
                if let Some(w) = self.widths.get(j) {
                    self.out.extend(std::iter::repeat_n(' ', w - c.width));
                }
            }
            if i + 1 == self.lines.len() {
                // The last line has no newline yet: what it holds so far.
                self.out.push_str(&self.buf[pos..pos + self.cell.size]);
                pos += self.cell.size;
            } else {
                self.out.push('\n');
            }
        }
        pos
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn tabbed(text: &str) -> String {
        let mut w = TabWriter::new();
        w.write(text);
        w.finish()
    }

    #[test]
    fn columns_are_as_wide_as_their_widest_cell_plus_three_at_least_six() {
        assert_eq!(
            tabbed("NAME\tAGE\nweb\t2s\nlonger-name\t10m\n"),
            "NAME          AGE\nweb           2s\nlonger-name   10m\n"
        );
        assert_eq!(tabbed("A\tB\tC\n"), "A     B     C\n");
        // Runes, not bytes.
        assert_eq!(tabbed("né\tx\nab\ty\n"), "né    x\nab    y\n");
    }

    #[test]
    fn a_line_without_tabs_ends_the_column_blocks() {
        assert_eq!(
            tabbed("a\tb\nlonger-than-six\n\ncccccccc\td\n"),
            "a     b\nlonger-than-six\n\ncccccccc   d\n"
        );
        // Lines with fewer cells split a column into blocks of their own.
        assert_eq!(
            tabbed("a\tb\tc\nlong-cell\tz\nx\ty\tz\n"),
            "a           b     c\nlong-cell   z\nx           y     z\n"
        );
    }

    fn column(name: &str) -> Value {
        json!({"name": name, "type": "string", "format": "", "description": "d", "priority": 0})
    }

    fn table(columns: &[Value], rows: &[&[Value]]) -> Value {
        json!({
            "kind": "Table",
            "apiVersion": "meta.k8s.io/v1",
            "columnDefinitions": columns,
            "rows": rows.iter().map(|cells| json!({"cells": cells})).collect::<Vec<_>>(),
        })
    }

    #[test]
    fn each_table_is_aligned_on_its_own_and_repeated_headers_are_left_out() {
        let cols = [column("Name"), column("Size"), column("Age")];
        let mut p = TablePrinter::new();
        let mut out = String::new();
        p.print(
            &table(&cols, &[&[json!("w1"), json!(3), json!("0s")]]),
            0,
            &mut out,
        );
        p.print(
            &table(
                &cols,
                &[&[json!("w2-longer-name"), json!(12345), json!("0s")]],
            ),
            0,
            &mut out,
        );
        assert_eq!(
            out,
            "NAME   SIZE   AGE\nw1     3      0s\nw2-longer-name   12345   0s\n"
        );
        // Other columns: a header again.
        let other = [column("Name"), column("Created At")];
        p.print(
            &table(&other, &[&[json!("r"), json!("2026-01-01T00:00:00Z")]]),
            0,
            &mut out,
        );
        assert!(
            out.ends_with("NAME   CREATED AT\nr      2026-01-01T00:00:00Z\n"),
            "{out}"
        );
    }

    #[test]
    fn a_table_without_rows_prints_nothing_and_does_not_count_as_a_header() {
        let cols = [column("Name"), column("Age")];
        let mut p = TablePrinter::new();
        let mut out = String::new();
        p.print(&table(&cols, &[]), 0, &mut out);
        assert_eq!(out, "");
        p.print(&table(&cols, &[&[json!("a"), json!("1s")]]), 0, &mut out);
        assert_eq!(out, "NAME   AGE\na      1s\n");
        // Once a header was printed, an empty table with the same columns prints nothing
        // either, and the next one still has no header.
        p.print(&table(&cols, &[]), 0, &mut out);
        p.print(&table(&cols, &[&[json!("b"), json!("2s")]]), 0, &mut out);
        assert_eq!(out, "NAME   AGE\na      1s\nb     2s\n");
    }

    #[test]
    fn cells_as_kubectl_prints_them() {
        let mut cols = vec![column("Name"), column("Color"), column("N"), column("F")];
        cols.push(json!({"name": "Wide", "type": "string", "priority": 1}));
        cols.push(column("Nil"));
        let mut p = TablePrinter::new();
        let mut out = String::new();
        let cells = [
            json!("x\x1by"),
            json!("red\nblue"),
            json!(7),
            json!(0.5),
            json!("hidden"),
            Value::Null,
            json!("beyond the columns"),
        ];
        p.print(&table(&cols, &[&cells]), 0, &mut out);
        assert_eq!(
            out,
            "NAME   COLOR    N     F     NIL\nx^[y   red...   7     0.5   \n"
        );
        assert_eq!(go_sprint(&json!(1e21)), "1e+21");
        assert_eq!(
            go_sprint(&json!([1, "a", {"k": true}])),
            "[1 a map[k:true]]"
        );
    }

    #[test]
    fn objects_that_are_not_tables_print_name_and_age() {
        let mut p = TablePrinter::new();
        let mut out = String::new();
        let created = |name: &str| json!({"metadata": {"name": name, "creationTimestamp": "1970-01-01T00:00:00Z"}});
        p.print(&created("a"), 200, &mut out);
        p.print(
            &json!({"kind": "PodList", "items": [created("pod-1"), {"metadata": {"name": "p2"}}]}),
            200,
            &mut out,
        );
        assert_eq!(
            out,
            "NAME   AGE\na      3m20s\npod-1   3m20s\np2      <unknown>\n"
        );
    }

    #[test]
    fn human_durations() {
        for (secs, want) in [
            (-5, "<invalid>"),
            (-1, "0s"),
            (119, "119s"),
            (120, "2m"),
            (200, "3m20s"),
            (600, "10m"),
            (3 * 3600, "3h"),
            (3 * 3600 + 60, "3h1m"),
            (47 * 3600, "47h"),
            (50 * 3600, "2d2h"),
            (10 * 86400, "10d"),
            (3 * 365 * 86400, "3y"),
            (3 * 365 * 86400 + 86400, "3y1d"),
            (9 * 365 * 86400, "9y"),
        ] {
            assert_eq!(human_duration(secs), want, "{secs}");
        }
    }
}
