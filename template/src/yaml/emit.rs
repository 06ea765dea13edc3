//! A block-style YAML emitter reproducing the output of yaml.v2 (`toYaml`)
//! and yaml.v3 with `SetIndent(2)` (`toYamlPretty`) for plain data: the
//! libyaml scalar analysis and style choice, its line folding at 80 columns
//! (v2 only), indentless sequences under mapping keys (v2 only), `? ` keys,
//! and its escapes.

use super::resolve::{Resolved, is_base60_float, resolve_plain};

/// A document to emit; mapping entries are already in output order.
#[derive(Clone, Debug)]
pub enum Node {
    /// A scalar: its text, and whether it is a Go string (strings get the
    /// encoder's quoting rules; numbers, bools and null are emitted plain).
    Scalar(String, bool),
    Seq(Vec<Node>),
    Map(Vec<(Node, Node)>),
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Style {
    Plain,
    Single,
    Double,
    Literal,
}

#[derive(Clone, Copy, Default)]
struct Ctx {
    mapping: bool,
    simple_key: bool,
}

/// The styles libyaml's emitter may write a scalar in (`yaml_emitter_analyze_scalar`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Analysis {
    /// It holds a line break.
    pub multiline: bool,
    /// Plain style is allowed inside a flow collection.
    pub flow_plain: bool,
    /// Plain style is allowed in block context.
    pub block_plain: bool,
    /// Single-quoted style is allowed.
    pub single_allowed: bool,
    /// Literal and folded (block scalar) styles are allowed.
    pub block_allowed: bool,
}

/// Which encoder's rules to follow.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Flavor {
    /// gopkg.in/yaml.v2 `Marshal` (Helm's `toYaml`).
    V2,
    /// yaml.v3 `Encoder` with indent 2 (Helm's `toYamlPretty`).
    V3,
}

struct Emitter {
    out: String,
    column: usize,
    indent: i32,
    indents: Vec<i32>,
    whitespace: bool,
    indention: bool,
    best_width: usize,
    flavor: Flavor,
    ctx: Ctx,
}

/// Emit one document; the result ends with a line break, as Go's does.
pub fn emit(node: &Node, flavor: Flavor) -> String {
    let mut e = Emitter {
        out: String::new(),
        column: 0,
        indent: -1,
        indents: Vec::new(),
        whitespace: true,
        indention: true,
        best_width: if flavor == Flavor::V2 { 80 } else { usize::MAX },
        flavor,
        ctx: Ctx::default(),
    };
    e.node(node, Ctx::default());
    e.write_indent();
    e.out
}

/// libyaml's escape of `c` in a double-quoted scalar, backslash first: `\n`, `\xNN`, `\uNNNN`…
pub fn write_escape(c: char, mut put: impl FnMut(char)) {
    put('\\');
    let u = c as u32;
    let simple = match u {
        0x00 => Some('0'),
        0x07 => Some('a'),
        0x08 => Some('b'),
        0x09 => Some('t'),
        0x0A => Some('n'),
        0x0B => Some('v'),
        0x0C => Some('f'),
        0x0D => Some('r'),
        0x1B => Some('e'),
        0x22 => Some('"'),
        0x5C => Some('\\'),
        0x85 => Some('N'),
        0xA0 => Some('_'),
        0x2028 => Some('L'),
        0x2029 => Some('P'),
        _ => None,
    };
    match simple {
        Some(e) => put(e),
        None => {
            let (p, w) = if u <= 0xFF {
                ('x', 2)
            } else if u <= 0xFFFF {
                ('u', 4)
            } else {
                ('U', 8)
            };
            put(p);
            for k in (0..w).rev() {
                let d = (u >> (k * 4)) & 0xF;
                put(char::from_digit(d, 16).unwrap_or('0').to_ascii_uppercase());
            }
        }
    }
}

/// A YAML line break (libyaml's `IS_BREAK`).
pub fn is_break(c: char) -> bool {
    matches!(c, '\r' | '\n' | '\u{85}' | '\u{2028}' | '\u{2029}')
}

/// Whether libyaml's emitter writes `c` as is in a double-quoted scalar (`IS_PRINTABLE`).
pub fn is_printable(c: char) -> bool {
    let u = c as u32;
    u == 0x0A
        || (0x20..=0x7E).contains(&u)
        || (0xA0..=0xD7FF).contains(&u)
        || ((0xE000..=0xFFFD).contains(&u) && u != 0xFEFF)
}

/// libyaml's `yaml_emitter_analyze_scalar`, as yaml.v2 and yaml.v3 port it: they differ only
/// in tabs, which yaml.v3 tells apart from other special characters (a tab still allows a
/// block scalar there).
pub fn analyze(value: &str, flavor: Flavor) -> Analysis {
    if value.is_empty() {
        return Analysis {
            multiline: false,
            flow_plain: false,
            block_plain: true,
            single_allowed: true,
            block_allowed: false,
        };
    }
    // libyaml's IS_BLANKZ: a blank, a break, NUL, or the end of the value.
    let blankz =
        |c: Option<&char>| c.is_none_or(|&c| matches!(c, ' ' | '\t' | '\0') || is_break(c));
    let chars: Vec<char> = value.chars().collect();
    let n = chars.len();
    let document_marker = value.starts_with("---") || value.starts_with("...");
    let (mut flow_indicators, mut block_indicators) = (document_marker, document_marker);
    let (mut line_breaks, mut special, mut tabs) = (false, false, false);
    let (mut leading_space, mut leading_break, mut trailing_space, mut trailing_break) =
        (false, false, false, false);
    let (mut break_space, mut space_break) = (false, false);
    let (mut previous_space, mut previous_break) = (false, false);
    let mut preceded_by_ws = true;
    for (i, &c) in chars.iter().enumerate() {
        let followed_by_ws = blankz(chars.get(i + 1));
        if i == 0 {
            match c {
                '#' | ',' | '[' | ']' | '{' | '}' | '&' | '*' | '!' | '|' | '>' | '\'' | '"'
                | '%' | '@' | '`' => {
                    flow_indicators = true;
                    block_indicators = true;
                }
                '?' | ':' => {
                    flow_indicators = true;
                    block_indicators |= followed_by_ws;
                }
                '-' if followed_by_ws => {
                    flow_indicators = true;
                    block_indicators = true;
                }
                _ => {}
            }
        } else {
            match c {
                ',' | '?' | '[' | ']' | '{' | '}' => flow_indicators = true,
                ':' => {
                    flow_indicators = true;
                    block_indicators |= followed_by_ws;
                }
                '#' if preceded_by_ws => {
                    flow_indicators = true;
                    block_indicators = true;
                }
                _ => {}
            }
        }
        if flavor == Flavor::V3 && c == '\t' {
            tabs = true;
        } else if !is_printable(c) {
            special = true;
        }
        if c == ' ' {
            leading_space |= i == 0;
            trailing_space |= i + 1 == n;
            break_space |= previous_break;
            previous_space = true;
            previous_break = false;
        } else if is_break(c) {
            line_breaks = true;
            leading_break |= i == 0;
            trailing_break |= i + 1 == n;
            space_break |= previous_space;
            previous_space = false;
            previous_break = true;
        } else {
            previous_space = false;
            previous_break = false;
        }
        preceded_by_ws = blankz(Some(&c));
    }
    let mut a = Analysis {
        multiline: line_breaks,
        flow_plain: true,
        block_plain: true,
        single_allowed: true,
        block_allowed: true,
    };
    if leading_space || leading_break || trailing_space || trailing_break {
        a.flow_plain = false;
        a.block_plain = false;
    }
    if trailing_space {
        a.block_allowed = false;
    }
    if break_space {
        a.flow_plain = false;
        a.block_plain = false;
        a.single_allowed = false;
    }
    if space_break || tabs || special {
        a.flow_plain = false;
        a.block_plain = false;
        a.single_allowed = false;
    }
    if space_break || special {
        a.block_allowed = false;
    }
    if line_breaks {
        a.flow_plain = false;
        a.block_plain = false;
    }
    if flow_indicators {
        a.flow_plain = false;
    }
    if block_indicators {
        a.block_plain = false;
    }
    a
}

/// The style the encoders request for a Go string.
fn requested_style(s: &str) -> Style {
    if s.contains('\n') {
        return Style::Literal;
    }
    if resolve_plain(s) == Resolved::Str && !is_base60_float(s) {
        Style::Plain
    } else {
        Style::Double
    }
}

impl Emitter {
    fn put(&mut self, c: char) {
        self.out.push(c);
        self.column += 1;
    }
    fn put_break(&mut self) {
        self.out.push('\n');
        self.column = 0;
    }
    fn write_break(&mut self, c: char) {
        if c == '\n' {
            self.put_break();
        } else {
            self.out.push(c);
            self.column = 0;
        }
    }
    fn write_indent(&mut self) {
        let indent = self.indent.max(0) as usize;
        if !self.indention || self.column > indent || (self.column == indent && !self.whitespace) {
            self.put_break();
        }
        while self.column < indent {
            self.put(' ');
        }
        self.whitespace = true;
        self.indention = true;
    }
    fn write_indicator(&mut self, ind: &str, need_ws: bool, is_ws: bool, is_indention: bool) {
        if need_ws && !self.whitespace {
            self.put(' ');
        }
        for c in ind.chars() {
            self.put(c);
        }
        self.whitespace = is_ws;
        self.indention = self.indention && is_indention;
    }
    fn increase_indent(&mut self, flow: bool, indentless: bool) {
        self.indents.push(self.indent);
        if self.indent < 0 {
            self.indent = if flow { 2 } else { 0 };
        } else if !indentless {
            self.indent += 2;
        }
    }
    fn pop_indent(&mut self) {
        self.indent = self.indents.pop().unwrap_or(-1);
    }

    fn node(&mut self, node: &Node, ctx: Ctx) {
        self.ctx = ctx;
        match node {
            Node::Scalar(s, is_str) => {
                let style = if *is_str {
                    requested_style(s)
                } else {
                    Style::Plain
                };
                self.scalar(s, style);
            }
            Node::Seq(items) if items.is_empty() => self.empty_flow("[", "]"),
            Node::Map(items) if items.is_empty() => self.empty_flow("{", "}"),
            Node::Seq(items) => {
                let indentless = self.flavor == Flavor::V2 && self.ctx.mapping && !self.indention;
                self.increase_indent(false, indentless);
                for item in items {
                    self.write_indent();
                    self.write_indicator("-", true, false, true);
                    self.node(item, Ctx::default());
                }
                self.pop_indent();
            }
            Node::Map(entries) => {
                self.increase_indent(false, false);
                for (k, v) in entries {
                    self.write_indent();
                    let simple = match k {
                        Node::Scalar(s, _) => s.len() <= 128 && !s.chars().any(is_break),
                        _ => false,
                    };
                    if simple {
                        self.node(
                            k,
                            Ctx {
                                mapping: true,
                                simple_key: true,
                            },
                        );
                        self.write_indicator(":", false, false, false);
                    } else {
                        self.write_indicator("?", true, false, true);
                        self.node(
                            k,
                            Ctx {
                                mapping: true,
                                simple_key: false,
                            },
                        );
                        self.write_indent();
                        self.write_indicator(":", true, false, true);
                    }
                    self.node(
                        v,
                        Ctx {
                            mapping: true,
                            simple_key: false,
                        },
                    );
                }
                self.pop_indent();
            }
        }
    }

    fn empty_flow(&mut self, open: &str, close: &str) {
        self.write_indicator(open, true, true, false);
        self.increase_indent(true, false);
        self.pop_indent();
        self.write_indicator(close, false, false, false);
    }

    fn scalar(&mut self, value: &str, requested: Style) {
        let a = analyze(value, self.flavor);
        let simple_key = self.ctx.simple_key;
        let mut style = requested;
        if simple_key && a.multiline {
            style = Style::Double;
        }
        if style == Style::Plain && (!a.block_plain || (value.is_empty() && simple_key)) {
            style = Style::Single;
        }
        if style == Style::Single && !a.single_allowed {
            style = Style::Double;
        }
        if style == Style::Literal && (!a.block_allowed || simple_key) {
            style = Style::Double;
        }
        self.increase_indent(true, false);
        match style {
            Style::Plain => self.write_plain(value, !simple_key),
            Style::Single => self.write_single(value, !simple_key),
            Style::Double => self.write_double(value, !simple_key),
            Style::Literal => self.write_literal(value),
        }
        self.pop_indent();
    }

    fn write_plain(&mut self, value: &str, allow_breaks: bool) {
        if !self.whitespace && (self.flavor == Flavor::V2 || !value.is_empty()) {
            self.put(' ');
        }
        let chars: Vec<char> = value.chars().collect();
        let (mut spaces, mut breaks) = (false, false);
        for (i, &c) in chars.iter().enumerate() {
            if c == ' ' {
                if allow_breaks
                    && !spaces
                    && self.column > self.best_width
                    && chars.get(i + 1) != Some(&' ')
                {
                    self.write_indent();
                } else {
                    self.put(c);
                }
                spaces = true;
            } else if is_break(c) {
                if !breaks && c == '\n' {
                    self.put_break();
                }
                self.write_break(c);
                self.indention = true;
                breaks = true;
            } else {
                if breaks {
                    self.write_indent();
                }
                self.put(c);
                self.indention = false;
                spaces = false;
                breaks = false;
            }
        }
        if self.flavor == Flavor::V2 || !value.is_empty() {
            self.whitespace = false;
        }
        self.indention = false;
    }

    fn write_single(&mut self, value: &str, allow_breaks: bool) {
        self.write_indicator("'", true, false, false);
        let (mut spaces, mut breaks) = (false, false);
        let last = value.len().saturating_sub(1);
        let mut iter = value.char_indices().peekable();
        while let Some((i, c)) = iter.next() {
            let next = iter.peek().map(|&(_, n)| n);
            if c == ' ' {
                if allow_breaks
                    && !spaces
                    && self.column > self.best_width
                    && i > 0
                    && i < last
                    && next != Some(' ')
                {
                    self.write_indent();
                } else {
                    self.put(c);
                }
                spaces = true;
            } else if is_break(c) {
                if !breaks && c == '\n' {
                    self.put_break();
                }
                self.write_break(c);
                self.indention = true;
                breaks = true;
            } else {
                if breaks {
                    self.write_indent();
                }
                if c == '\'' {
                    self.put('\'');
                }
                self.put(c);
                self.indention = false;
                spaces = false;
                breaks = false;
            }
        }
        self.write_indicator("'", false, false, false);
        self.whitespace = false;
        self.indention = false;
    }

    fn write_double(&mut self, value: &str, allow_breaks: bool) {
        // yaml.v2/v3 test for a byte-order mark at the start of the whole
        // string instead of at each character: a string that starts with
        // one gets every character escaped.
        let bom_quirk = value.starts_with('\u{FEFF}');
        self.write_indicator("\"", true, false, false);
        let mut spaces = false;
        let last = value.len().saturating_sub(1);
        let mut iter = value.char_indices().peekable();
        while let Some((i, c)) = iter.next() {
            let next = iter.peek().map(|&(_, n)| n);
            if !is_printable(c) || bom_quirk || is_break(c) || c == '"' || c == '\\' {
                write_escape(c, |ch| self.put(ch));
                spaces = false;
            } else if c == ' ' {
                if allow_breaks && !spaces && self.column > self.best_width && i > 0 && i < last {
                    self.write_indent();
                    if next == Some(' ') {
                        self.put('\\');
                    }
                } else {
                    self.put(c);
                }
                spaces = true;
            } else {
                self.put(c);
                spaces = false;
            }
        }
        self.write_indicator("\"", false, false, false);
        self.whitespace = false;
        self.indention = false;
    }

    fn write_literal(&mut self, value: &str) {
        self.write_indicator("|", true, false, false);
        let chars: Vec<char> = value.chars().collect();
        if let Some(&c0) = chars.first()
            && (c0 == ' ' || is_break(c0))
        {
            self.write_indicator("2", false, false, false);
        }
        let chomp = match chars.len() {
            0 => Some("-"),
            n if !is_break(chars[n - 1]) => Some("-"),
            1 => Some("+"),
            n if is_break(chars[n - 2]) => Some("+"),
            _ => None,
        };
        if let Some(h) = chomp {
            self.write_indicator(h, false, false, false);
        }
        self.put_break();
        self.indention = true;
        self.whitespace = true;
        let mut breaks = true;
        for &c in &chars {
            if is_break(c) {
                self.write_break(c);
                self.indention = true;
                breaks = true;
            } else {
                if breaks {
                    self.write_indent();
                }
                self.put(c);
                self.indention = false;
                breaks = false;
            }
        }
    }
}
