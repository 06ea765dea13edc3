//! Lexer and parser for Go's `text/template` syntax, producing a tree whose
//! nodes carry byte offsets (for `name:line:col` in errors).
//!
//! Mirrors Go's `text/template/parse`: text and actions; `if`/`else if`/
//! `with`/`else with`/`range`/`define`/`template`/`block`/`break`/`continue`;
//! pipelines with declarations (`$x :=`) and assignments (`$x =`); commands
//! whose operands are fields, chains, variables, literals, identifiers
//! (functions) and parenthesised pipelines; trim markers and comments.

use std::rc::Rc;

/// A number literal, kept as Go's untyped constant: which forms it can take.
/// (Its text, for errors, is the source text of its operand.)
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Number {
    // The int and float forms without `Option`s keep operands small.
    int: i64,
    float: f64,
    has_int: bool,
    has_float: bool,
    is_char: bool,
    looks_float: bool,
}

impl Number {
    fn new(int: Option<i64>, float: Option<f64>, is_char: bool, looks_float: bool) -> Number {
        Number {
            int: int.unwrap_or(0),
            float: float.unwrap_or(0.0),
            has_int: int.is_some(),
            has_float: float.is_some(),
            is_char,
            looks_float,
        }
    }

    /// The value as an integer, when it is one.
    pub fn int(&self) -> Option<i64> {
        self.has_int.then_some(self.int)
    }

    /// The value as a float, when it can be one.
    pub fn float(&self) -> Option<f64> {
        self.has_float.then_some(self.float)
    }

    /// A character constant like `'a'`.
    pub fn is_char(&self) -> bool {
        self.is_char
    }

    /// Written as a float (with a `.` or an exponent, and not in hex).
    pub fn looks_float(&self) -> bool {
        self.looks_float
    }
}

/// A field chain `.A.B.C`, as the span of its source text: the fields of a
/// chain are adjacent, so the names are the text split at the dots.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Fields(pub Span);

impl Fields {
    pub fn is_empty(self) -> bool {
        self.0.start >= self.0.end
    }

    /// Each field's name and the byte offset of its `.name` token.
    pub fn iter(self, src: &str) -> impl Iterator<Item = (&str, usize)> {
        let mut rest = self.0.text(src);
        let mut at = self.0.pos();
        std::iter::from_fn(move || {
            let (name, tail) = split_field(rest)?;
            let item = (name, at);
            rest = tail;
            at += 1 + name.len();
            Some(item)
        })
    }

    /// Byte offset of the second field's `.name` token, else the first's.
    pub fn second_pos(self, src: &str) -> Option<usize> {
        let text = self.0.text(src).as_bytes();
        let first = text.first()?;
        debug_assert_eq!(*first, b'.');
        let at = text[1..]
            .iter()
            .position(|&b| b == b'.')
            .map_or(0, |i| i + 1);
        Some(self.0.pos() + at)
    }
}

/// The first name of a field chain's text (`.a.b` gives `a`) and the text
/// after it (`.b`).
pub fn split_field(chain: &str) -> Option<(&str, &str)> {
    let body = chain.strip_prefix('.')?;
    // Names are short: a plain scan beats `find`.
    let len = body.bytes().position(|b| b == b'.').unwrap_or(body.len());
    Some(body.split_at(len))
}

#[derive(Clone, Debug)]
pub enum Operand {
    /// `.` itself.
    Dot,
    /// `.A.B` (a field chain on dot).
    Field(Fields),
    /// `$x.A.B`: the span of the name (with its `$`) and the fields.
    Variable(Span, Fields),
    /// A function, by the span of its name (Go reports errors in a function
    /// used as an argument or chain base at the function).
    Ident(Span),
    /// `(pipeline).A.B` or `ident.A`? (Go allows a chain on a parenthesised pipeline).
    Chain(Box<Operand>, Fields),
    Pipe(Rc<Pipe>),
    String(Rc<str>),
    Number(Number),
    Bool(bool),
    Nil,
}

/// A byte range in the source of the tree a node belongs to. Nodes keep
/// spans instead of copies of their text: the text is only needed for error
/// messages (`at <…>`), and is sliced from [`Tree::source`] then.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Span {
    pub start: u32,
    pub end: u32,
}

impl Span {
    /// Sources are limited to `u32::MAX` bytes (checked by [`parse`]).
    pub fn new(start: usize, end: usize) -> Span {
        Span {
            start: start as u32,
            end: end as u32,
        }
    }

    /// Byte offset of the start (for `name:line:col`).
    pub fn pos(self) -> usize {
        self.start as usize
    }

    /// The text of the span in `src`, the source it was parsed from.
    pub fn text(self, src: &str) -> &str {
        src.get(self.start as usize..self.end as usize)
            .unwrap_or_default()
    }
}

/// A list that usually holds one item (most pipelines are one command,
/// half the commands one operand): that item inline, else a boxed slice.
/// It derefs to a slice either way.
#[derive(Clone, Debug)]
pub enum OneOrMany<T> {
    One(T),
    Many(Box<[T]>),
}

impl<T> OneOrMany<T> {
    /// Moves the items of `stack` from `base` on into a list.
    fn take(stack: &mut Vec<T>, base: usize) -> OneOrMany<T> {
        if stack.len() == base + 1
            && let Some(item) = stack.pop()
        {
            return OneOrMany::One(item);
        }
        OneOrMany::Many(stack.drain(base..).collect())
    }
}

impl<T> std::ops::Deref for OneOrMany<T> {
    type Target = [T];

    fn deref(&self) -> &[T] {
        match self {
            OneOrMany::One(item) => std::slice::from_ref(item),
            OneOrMany::Many(items) => items,
        }
    }
}

/// One operand of a command and where it is in the source.
#[derive(Clone, Debug)]
pub struct Arg {
    pub op: Operand,
    pub span: Span,
}

#[derive(Clone, Debug)]
pub struct Command {
    /// The command's source text (for `at <…>` in errors); it starts at the
    /// command's position.
    pub span: Span,
    pub args: OneOrMany<Arg>,
}

impl Command {
    /// Byte offset of the command.
    pub fn pos(&self) -> usize {
        self.span.pos()
    }
}

#[derive(Clone, Debug)]
pub struct Pipe {
    pub pos: usize,
    pub decl: Box<[Rc<str>]>,
    pub is_assign: bool,
    pub cmds: OneOrMany<Command>,
}

#[derive(Clone, Debug)]
pub enum Node {
    /// Text to copy out, as a span of the source.
    Text(Span),
    Action {
        pos: usize,
        pipe: Pipe,
    },
    If {
        pos: usize,
        pipe: Pipe,
        list: Box<[Node]>,
        else_list: Option<Box<[Node]>>,
    },
    With {
        pos: usize,
        pipe: Pipe,
        list: Box<[Node]>,
        else_list: Option<Box<[Node]>>,
    },
    Range {
        pos: usize,
        pipe: Pipe,
        list: Box<[Node]>,
        else_list: Option<Box<[Node]>>,
    },
    Template {
        pos: usize,
        name: Rc<str>,
        pipe: Option<Pipe>,
    },
    Break {
        pos: usize,
    },
    Continue {
        pos: usize,
    },
}

/// A parsed template body and the source it came from.
#[derive(Debug)]
pub struct Tree {
    /// Name of the template (a file name or a `define`d name).
    pub name: Rc<str>,
    /// Name of the file it was parsed from (for error locations).
    pub parse_name: Rc<str>,
    pub source: Rc<str>,
    pub root: Box<[Node]>,
}

impl Tree {
    /// Go's `IsEmptyTree`: only whitespace text (and comments/defines, which leave nothing).
    pub fn is_empty(&self) -> bool {
        self.root
            .iter()
            .all(|n| matches!(n, Node::Text(t) if t.text(&self.source).trim().is_empty()))
    }
}

/// `name:line` of a byte offset.
pub fn line_of(src: &str, pos: usize) -> usize {
    1 + src.as_bytes()[..pos.min(src.len())]
        .iter()
        .filter(|&&b| b == b'\n')
        .count()
}

/// `(line, col)` of a byte offset, as Go's `ErrorContext` counts them: the
/// column is the byte offset within the line (0-based), which is what helm
/// prints (`t.yaml:1:3` for an action starting at `{{ ` on line 1).
pub fn line_col(src: &str, pos: usize) -> (usize, usize) {
    let pos = pos.min(src.len());
    let before = &src.as_bytes()[..pos];
    let line = 1 + before.iter().filter(|&&b| b == b'\n').count();
    let line_start = before
        .iter()
        .rposition(|&b| b == b'\n')
        .map(|i| i + 1)
        .unwrap_or(0);
    (line, pos - line_start)
}

/// A parse failure: `template: NAME:LINE: MESSAGE`.
#[derive(Debug, Clone, PartialEq)]
pub struct ParseError {
    pub name: String,
    pub line: usize,
    pub message: String,
}

impl std::fmt::Display for ParseError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "template: {}:{}: {}", self.name, self.line, self.message)
    }
}

#[derive(Clone, Debug, PartialEq)]
enum Tok {
    Dot,
    // Fields, variables and identifiers are their token's text.
    Field,
    Var,
    Ident,
    Str(Rc<str>),
    Num(Number),
    Bool(bool),
    Nil,
    Pipe,
    LParen,
    RParen,
    Declare,
    Assign,
    Comma,
    Keyword(&'static str),
}

const KEYWORDS: &[&str] = &[
    "if", "else", "end", "range", "with", "define", "template", "block", "break", "continue",
];

/// Characters Go's lexer treats as space inside actions.
fn is_space(c: u8) -> bool {
    matches!(c, b' ' | b'\t' | b'\r' | b'\n')
}

fn is_alnum(c: char) -> bool {
    c == '_' || c.is_alphanumeric()
}

/// The ASCII bytes [`is_alnum`] accepts.
static ASCII_ALNUM: [bool; 256] = {
    let mut t = [false; 256];
    let mut c = 0;
    while c < 128 {
        t[c] = (c as u8).is_ascii_alphanumeric() || c as u8 == b'_';
        c += 1;
    }
    t
};

/// Length in bytes of the run of [`is_alnum`] characters starting `s`.
fn alnum_len(s: &str) -> usize {
    let b = s.as_bytes();
    let i = b
        .iter()
        .position(|&c| !ASCII_ALNUM[c as usize])
        .unwrap_or(b.len());
    if b.get(i).is_some_and(|&c| c >= 0x80) {
        // Beyond ASCII: decode the rest of the run.
        let rest = s[i..].chars().take_while(|&ch| is_alnum(ch));
        return i + rest.map(char::len_utf8).sum::<usize>();
    }
    i
}

/// Offset of the first `{{` in `s`.
fn find_open(s: &str) -> Option<usize> {
    let b = s.as_bytes();
    let mut from = 0;
    while let Some(i) = s[from..].find('{') {
        let i = from + i;
        if b.get(i + 1) == Some(&b'{') {
            return Some(i);
        }
        from = i + 1;
    }
    None
}

struct Parser<'a> {
    src: &'a str,
    /// `src`, shared with the trees.
    source: Rc<str>,
    name: Rc<str>,
    funcs: &'a dyn Fn(&str) -> bool,
    defines: Vec<Tree>,
    /// Variables in scope, for Go's "undefined variable" check.
    vars: Vec<&'a str>,
    // Current action tokens.
    toks: Vec<(Tok, usize, usize)>,
    // Lists under construction, innermost last: each is moved out into a
    // boxed slice of its exact length when it is complete, so the trees
    // hold no spare capacity and building them does not regrow vectors.
    node_stack: Vec<Node>,
    cmd_stack: Vec<Command>,
    arg_stack: Vec<Arg>,
    ti: usize,
    /// Where to continue scanning text after the current action.
    cursor: usize,
    /// Trim whitespace at the start of the next text.
    trim_next: bool,
    range_depth: usize,
}

type PResult<T> = Result<T, ParseError>;

enum Stop {
    End,
    Else(usize), // position of the else action's tokens (parser state holds the rest)
    Eof,
}

impl<'a> Parser<'a> {
    fn err<T>(&self, pos: usize, msg: impl Into<String>) -> PResult<T> {
        Err(ParseError {
            name: self.name.to_string(),
            line: line_of(self.src, pos),
            message: msg.into(),
        })
    }

    /// Lexes one action starting at `start` (just after `{{` and any trim
    /// marker) into `self.toks` and sets `cursor` after `}}`.
    fn lex_action(&mut self, start: usize) -> PResult<()> {
        let b = self.src.as_bytes();
        let mut i = start;
        // One buffer serves every action.
        let mut toks = std::mem::take(&mut self.toks);
        toks.clear();
        let mut paren = 0i32;
        loop {
            if i >= b.len() {
                // Only computed on failure: counting lines per action is quadratic.
                if !self.src[start..].contains('\n') {
                    return self.err(i, "unclosed action");
                }
                let opened = line_of(self.src, start);
                return self.err(
                    i,
                    format!("unclosed action started at {}:{opened}", self.name),
                );
            }
            // Right delimiter (with optional trim marker).
            if is_space(b[i]) && b[i + 1..].starts_with(b"-}}") {
                if paren > 0 {
                    return self.err(i, "unclosed left paren");
                }
                self.cursor = i + 4;
                self.trim_next = true;
                break;
            }
            if b[i..].starts_with(b"}}") {
                if paren > 0 {
                    return self.err(i, "unclosed left paren");
                }
                self.cursor = i + 2;
                self.trim_next = false;
                break;
            }
            let c = b[i];
            if is_space(c) {
                i += 1;
                continue;
            }
            let st = i;
            let tok = match c {
                b'|' => {
                    i += 1;
                    Tok::Pipe
                }
                b'(' => {
                    i += 1;
                    paren += 1;
                    Tok::LParen
                }
                b')' => {
                    i += 1;
                    paren -= 1;
                    if paren < 0 {
                        return self.err(st, "unexpected right paren");
                    }
                    Tok::RParen
                }
                b',' => {
                    i += 1;
                    Tok::Comma
                }
                b':' => {
                    if b.get(i + 1) == Some(&b'=') {
                        i += 2;
                        Tok::Declare
                    } else {
                        return self.err(st, "expected :=");
                    }
                }
                b'=' => {
                    i += 1;
                    Tok::Assign
                }
                b'"' => {
                    let (s, end) = self.lex_quote(st)?;
                    i = end;
                    Tok::Str(s)
                }
                b'`' => {
                    let end = match self.src[st + 1..].find('`') {
                        Some(e) => st + 1 + e,
                        None => return self.err(st, "unterminated raw quoted string"),
                    };
                    i = end + 1;
                    Tok::Str(Rc::from(&self.src[st + 1..end]))
                }
                b'\'' => {
                    let (n, end) = self.lex_char(st)?;
                    i = end;
                    Tok::Num(n)
                }
                b'.' if !b.get(i + 1).is_some_and(|d| d.is_ascii_digit()) => {
                    // Field or dot.
                    let len = alnum_len(&self.src[i + 1..]);
                    i += 1 + len;
                    if len == 0 { Tok::Dot } else { Tok::Field }
                }
                b'$' => {
                    i += 1 + alnum_len(&self.src[i + 1..]);
                    Tok::Var
                }
                b'0'..=b'9' | b'-' | b'+' | b'.' => {
                    let end = self.scan_number(i);
                    if end == i {
                        return self.err(st, format!("bad character {:?}", c as char));
                    }
                    let text = &self.src[st..end];
                    i = end;
                    Tok::Num(parse_number(text).ok_or_else(|| ParseError {
                        name: self.name.to_string(),
                        line: line_of(self.src, st),
                        message: format!("bad number syntax: {text:?}"),
                    })?)
                }
                _ => {
                    let rest = &self.src[i..];
                    let len = alnum_len(rest);
                    if len == 0 {
                        let ch = rest.chars().next().unwrap_or('?');
                        return self.err(st, format!("unexpected {ch:?} in command"));
                    }
                    let word = &rest[..len];
                    i += len;
                    match word {
                        "true" => Tok::Bool(true),
                        "false" => Tok::Bool(false),
                        "nil" => Tok::Nil,
                        w => match KEYWORDS.iter().find(|k| **k == w) {
                            Some(k) => Tok::Keyword(k),
                            None => Tok::Ident,
                        },
                    }
                }
            };
            // Go requires a field/var/ident be followed by space or a delimiter-ish char.
            toks.push((tok, st, i));
        }
        self.toks = toks;
        Ok(())
    }

    fn scan_number(&self, start: usize) -> usize {
        let b = self.src.as_bytes();
        let mut i = start;
        if matches!(b.get(i), Some(b'+' | b'-')) {
            i += 1;
        }
        let mut digits = "0123456789_";
        if b.get(i) == Some(&b'0')
            && matches!(b.get(i + 1), Some(b'x' | b'X' | b'o' | b'O' | b'b' | b'B'))
        {
            digits = match b[i + 1] {
                b'x' | b'X' => "0123456789abcdefABCDEF_",
                b'o' | b'O' => "01234567_",
                _ => "01_",
            };
            i += 2;
        }
        while i < b.len() && digits.as_bytes().contains(&b[i]) {
            i += 1;
        }
        if b.get(i) == Some(&b'.') {
            i += 1;
            while i < b.len() && digits.as_bytes().contains(&b[i]) {
                i += 1;
            }
        }
        let exp: &[u8] = if digits.len() > 16 { b"pP" } else { b"eEpP" };
        if i < b.len() && exp.contains(&b[i]) {
            i += 1;
            if matches!(b.get(i), Some(b'+' | b'-')) {
                i += 1;
            }
            while i < b.len() && b[i].is_ascii_digit() {
                i += 1;
            }
        }
        if b.get(i) == Some(&b'i') {
            i += 1;
        }
        // Go: an alphanumeric right after a number is a syntax error.
        while i < b.len() && (b[i].is_ascii_alphanumeric() || b[i] == b'.') {
            i += 1;
        }
        i
    }

    fn lex_quote(&self, st: usize) -> PResult<(Rc<str>, usize)> {
        let b = self.src.as_bytes();
        let mut i = st + 1;
        loop {
            match b.get(i) {
                None | Some(b'\n') => return self.err(st, "unterminated quoted string"),
                Some(b'\\') => i += 2,
                Some(b'"') => break,
                _ => i += 1,
            }
        }
        let raw = &self.src[st + 1..i];
        if !raw.contains('\\') {
            return Ok((Rc::from(raw), i + 1));
        }
        match unquote(raw) {
            Some(s) => Ok((Rc::from(s.as_str()), i + 1)),
            None => self.err(st, format!("invalid syntax: {:?}", &self.src[st..=i])),
        }
    }

    fn lex_char(&self, st: usize) -> PResult<(Number, usize)> {
        let b = self.src.as_bytes();
        let mut i = st + 1;
        loop {
            match b.get(i) {
                None | Some(b'\n') => return self.err(st, "unterminated character constant"),
                Some(b'\\') => i += 2,
                Some(b'\'') => break,
                _ => i += 1,
            }
        }
        let raw = &self.src[st + 1..i];
        let s = unquote(raw).filter(|s| s.chars().count() == 1);
        match s {
            Some(s) => {
                let c = s.chars().next().unwrap_or('\0') as i64;
                Ok((Number::new(Some(c), Some(c as f64), true, false), i + 1))
            }
            None => self.err(
                st,
                format!("malformed character constant: {}", &self.src[st..=i]),
            ),
        }
    }

    // ---- token cursor ----

    fn peek(&self) -> Option<&Tok> {
        self.toks.get(self.ti).map(|t| &t.0)
    }
    fn pos_here(&self) -> usize {
        self.toks
            .get(self.ti)
            .map(|t| t.1)
            .unwrap_or(self.cursor.saturating_sub(2))
    }
    fn next(&mut self) -> Option<(Tok, usize, usize)> {
        let t = self.toks.get(self.ti).cloned();
        self.ti += 1;
        t
    }

    /// Parses the whole source into the main tree; defines go to `self.defines`.
    fn parse_top(&mut self) -> PResult<Box<[Node]>> {
        let (list, stop) = self.parse_list(true)?;
        match stop {
            Stop::Eof => Ok(list),
            Stop::End => self.err(self.pos_here(), "unexpected {{end}}"),
            Stop::Else(p) => self.err(p, "unexpected {{else}}"),
        }
    }

    /// Parses nodes until `{{end}}`, `{{else…}}` or end of input.
    fn parse_list(&mut self, top: bool) -> PResult<(Box<[Node]>, Stop)> {
        let base = self.node_stack.len();
        loop {
            let src = self.src;
            let start = self.cursor;
            let Some(off) = find_open(&src[start..]) else {
                self.push_text(start, src.len(), false);
                self.cursor = src.len();
                return Ok((self.node_stack.drain(base..).collect(), Stop::Eof));
            };
            let open = start + off;
            let mut inner = open + 2;
            let trim_left = src.as_bytes()[inner..].starts_with(b"- ")
                || (src.as_bytes().get(inner) == Some(&b'-')
                    && src.as_bytes().get(inner + 1).is_some_and(|&c| is_space(c)));
            if trim_left {
                inner += 1;
            }
            self.push_text(start, open, trim_left);
            // Comment?
            let after_space = if trim_left { inner + 1 } else { inner };
            if src[after_space..].starts_with("/*") {
                let Some(close) = src[after_space + 2..].find("*/") else {
                    return self.err(open, "unclosed comment");
                };
                let mut j = after_space + 2 + close + 2;
                let b = src.as_bytes();
                let trim_right = if b[j..].starts_with(b" -}}") {
                    j += 4;
                    true
                } else if b[j..].starts_with(b"}}") {
                    j += 2;
                    false
                } else {
                    return self.err(open, "comment ends before closing delimiter");
                };
                self.cursor = j;
                self.trim_next = trim_right;
                continue;
            }
            self.lex_action(inner)?;
            self.ti = 0;
            let action_pos = self.toks.first().map(|t| t.1).unwrap_or(inner);
            match self.peek().cloned() {
                None => return self.err(open, "missing value for command"),
                Some(Tok::Keyword(k)) => {
                    self.ti += 1;
                    match k {
                        "end" => {
                            self.expect_end("end")?;
                            return Ok((self.node_stack.drain(base..).collect(), Stop::End));
                        }
                        "else" => {
                            let list = self.node_stack.drain(base..).collect();
                            return Ok((list, Stop::Else(action_pos)));
                        }
                        "if" | "with" | "range" => {
                            let node = self.parse_control(k, action_pos)?;
                            self.node_stack.push(node);
                        }
                        "define" => {
                            if !top {
                                return self.err(action_pos, "unexpected <define> in command");
                            }
                            self.parse_define(action_pos)?;
                        }
                        "template" | "block" => {
                            let node = self.parse_template(k, action_pos)?;
                            self.node_stack.push(node);
                        }
                        "break" | "continue" => {
                            if self.range_depth == 0 {
                                return self
                                    .err(action_pos, format!("{{{{{k}}}}} outside {{{{range}}}}"));
                            }
                            self.expect_end(k)?;
                            self.node_stack.push(if k == "break" {
                                Node::Break { pos: action_pos }
                            } else {
                                Node::Continue { pos: action_pos }
                            });
                        }
                        _ => return self.err(action_pos, format!("unexpected <{k}> in command")),
                    }
                }
                Some(_) => {
                    let pipe = self.parse_pipe("command")?;
                    self.node_stack.push(Node::Action {
                        pos: action_pos,
                        pipe,
                    });
                }
            }
        }
    }

    fn push_text(&mut self, from: usize, to: usize, trim_right: bool) {
        let mut t = &self.src[from..to];
        if self.trim_next {
            t = t.trim_start_matches([' ', '\t', '\r', '\n']);
            self.trim_next = false;
        }
        if trim_right {
            t = t.trim_end_matches([' ', '\t', '\r', '\n']);
        }
        if !t.is_empty() {
            // `t` is a slice of `self.src`: its offset is its span.
            let start = t.as_ptr() as usize - self.src.as_ptr() as usize;
            self.node_stack
                .push(Node::Text(Span::new(start, start + t.len())));
        }
    }

    fn expect_end(&mut self, ctx: &str) -> PResult<()> {
        if let Some(t) = self.next() {
            return self.err(t.1, format!("unexpected {} in {ctx}", self.desc(&t)));
        }
        Ok(())
    }

    fn parse_control(&mut self, kind: &'static str, pos: usize) -> PResult<Node> {
        let mark = self.vars.len();
        let pipe = self.parse_pipe(kind)?;
        if kind == "range" {
            self.range_depth += 1;
        }
        let (list, stop) = self.parse_list(false)?;
        if kind == "range" {
            self.range_depth -= 1;
        }
        let else_list = match stop {
            Stop::Eof => return self.err(self.src.len(), "unexpected EOF"),
            Stop::End => None,
            Stop::Else(epos) => {
                // `else if` / `else with` chain into a nested node sharing our {{end}}.
                match self.peek().cloned() {
                    Some(Tok::Keyword(k2))
                        if (k2 == "if" && kind == "if") || (k2 == "with" && kind == "with") =>
                    {
                        self.ti += 1;
                        let nested = self.parse_control(k2, epos)?;
                        Some(Box::new([nested]) as Box<[Node]>)
                    }
                    Some(_) => {
                        let t = self.toks[self.ti].clone();
                        return self.err(t.1, format!("unexpected {} in else", self.desc(&t)));
                    }
                    None => {
                        let (else_list, stop2) = self.parse_list(false)?;
                        match stop2 {
                            Stop::End => Some(else_list),
                            Stop::Else(p) => return self.err(p, "expected end; found {{else}}"),
                            Stop::Eof => return self.err(self.src.len(), "unexpected EOF"),
                        }
                    }
                }
            }
        };
        self.vars.truncate(mark);
        Ok(match kind {
            "if" => Node::If {
                pos,
                pipe,
                list,
                else_list,
            },
            "with" => Node::With {
                pos,
                pipe,
                list,
                else_list,
            },
            _ => Node::Range {
                pos,
                pipe,
                list,
                else_list,
            },
        })
    }

    fn parse_define(&mut self, pos: usize) -> PResult<()> {
        let name = match self.next() {
            Some((Tok::Str(s), _, _)) => s,
            _ => return self.err(pos, "name of template in define clause must be a string"),
        };
        self.expect_end("define clause")?;
        let saved_vars = std::mem::replace(&mut self.vars, vec!["$"]);
        let (list, stop) = self.parse_list(false)?;
        self.vars = saved_vars;
        match stop {
            Stop::End => {}
            Stop::Else(p) => return self.err(p, "unexpected {{else}}"),
            Stop::Eof => return self.err(self.src.len(), "unexpected EOF"),
        }
        self.defines.push(Tree {
            name,
            parse_name: self.name.clone(),
            source: self.source.clone(),
            root: list,
        });
        Ok(())
    }

    fn parse_template(&mut self, kind: &str, pos: usize) -> PResult<Node> {
        let name = match self.next() {
            Some((Tok::Str(s), _, _)) => s,
            Some(t) => {
                return self.err(
                    t.1,
                    format!("unexpected {} in template clause", self.desc(&t)),
                );
            }
            None => return self.err(pos, "unexpected end in template clause"),
        };
        let pipe = if self.peek().is_some() {
            Some(self.parse_pipe("template clause")?)
        } else {
            None
        };
        if kind == "block" {
            let saved_vars = std::mem::replace(&mut self.vars, vec!["$"]);
            let (list, stop) = self.parse_list(false)?;
            self.vars = saved_vars;
            match stop {
                Stop::End => {}
                Stop::Else(p) => return self.err(p, "unexpected {{else}}"),
                Stop::Eof => return self.err(self.src.len(), "unexpected EOF"),
            }
            self.defines.push(Tree {
                name: name.clone(),
                parse_name: self.name.clone(),
                source: self.source.clone(),
                root: list,
            });
        }
        Ok(Node::Template { pos, name, pipe })
    }

    /// Parses a pipeline from the remaining tokens of the action.
    fn parse_pipe(&mut self, ctx: &str) -> PResult<Pipe> {
        let pos = self.pos_here();
        let mut decl = Box::default();
        let mut is_assign = false;
        // Declarations: `$x :=`, `$x =`, `$i, $v :=` (range only).
        if let Some(Tok::Var) = self.peek() {
            let save = self.ti;
            let mut names = [""; 2];
            let mut n = 0;
            loop {
                match self.next() {
                    Some((Tok::Var, st, end)) => {
                        names[n] = &self.src[st..end];
                        n += 1;
                    }
                    _ => {
                        n = 0;
                        break;
                    }
                }
                match self.peek() {
                    Some(Tok::Comma) if ctx == "range" && n < 2 => {
                        self.ti += 1;
                    }
                    Some(Tok::Declare) => {
                        self.ti += 1;
                        break;
                    }
                    Some(Tok::Assign) => {
                        self.ti += 1;
                        is_assign = true;
                        break;
                    }
                    _ => {
                        n = 0;
                        break;
                    }
                }
            }
            let names = &names[..n];
            if names.is_empty() {
                self.ti = save;
                is_assign = false;
            } else {
                if is_assign {
                    for n in names {
                        if !self.vars.contains(n) {
                            return self.err(pos, format!("undefined variable: {n}"));
                        }
                    }
                } else {
                    self.vars.extend(names.iter().copied());
                }
                decl = names.iter().map(|n| Rc::from(*n)).collect();
            }
        }
        let base = self.cmd_stack.len();
        loop {
            match self.peek() {
                None | Some(Tok::RParen) => break,
                _ => {}
            }
            let cmd = self.parse_command()?;
            self.cmd_stack.push(cmd);
            match self.peek() {
                Some(Tok::Pipe) => {
                    self.ti += 1;
                    if matches!(self.peek(), None | Some(Tok::RParen)) {
                        return self.err(pos, "missing command after |"); // Go: "missing pipeline" variants
                    }
                }
                None | Some(Tok::RParen) => break,
                Some(_) => {
                    let t = self.toks[self.ti].clone();
                    return self.err(t.1, format!("unexpected {} in {ctx}", self.desc(&t)));
                }
            }
        }
        let cmds = &self.cmd_stack[base..];
        if cmds.is_empty() {
            return self.err(pos, format!("missing value for {ctx}"));
        }
        // Go: non-executable command in pipeline stage 2+ (literals).
        for (i, c) in cmds.iter().enumerate().skip(1) {
            if let Some(first) = c.args.first()
                && matches!(
                    first.op,
                    Operand::Bool(_)
                        | Operand::Dot
                        | Operand::Nil
                        | Operand::Number(_)
                        | Operand::String(_)
                )
            {
                return self.err(
                    c.pos(),
                    format!("non executable command in pipeline stage {}", i + 1),
                );
            }
        }
        Ok(Pipe {
            pos,
            decl,
            is_assign,
            cmds: OneOrMany::take(&mut self.cmd_stack, base),
        })
    }

    fn parse_command(&mut self) -> PResult<Command> {
        let pos = self.pos_here();
        let base = self.arg_stack.len();
        loop {
            match self.peek() {
                None | Some(Tok::Pipe) | Some(Tok::RParen) => break,
                _ => {}
            }
            let st = self.pos_here();
            let op = self.parse_operand()?;
            let end = self
                .toks
                .get(self.ti.saturating_sub(1))
                .map(|t| t.2)
                .unwrap_or(st);
            self.arg_stack.push(Arg {
                op,
                span: Span::new(st, end),
            });
        }
        if self.arg_stack.len() == base {
            return self.err(pos, "empty command");
        }
        let end = self.arg_stack.last().map_or(pos, |a| a.span.end as usize);
        Ok(Command {
            span: Span::new(pos, end),
            args: OneOrMany::take(&mut self.arg_stack, base),
        })
    }

    /// The field chain right after the token before the cursor (adjacent
    /// to it: no space between), possibly empty.
    fn fields_after(&mut self) -> Fields {
        let start = self.toks[self.ti - 1].2;
        let mut end = start;
        while let Some((Tok::Field, st, e)) = self.toks.get(self.ti) {
            // A field must be adjacent to what it follows (no space).
            if *st != end {
                break;
            }
            end = *e;
            self.ti += 1;
        }
        Fields(Span::new(start, end))
    }

    fn parse_operand(&mut self) -> PResult<Operand> {
        let Some((tok, p, p_end)) = self.next() else {
            return self.err(self.pos_here(), "missing operand");
        };
        let base = match tok {
            Tok::Dot => {
                // `.` followed directly by fields cannot happen (lexer makes fields).
                Operand::Dot
            }
            Tok::Field => {
                let fs = self.fields_after();
                return Ok(Operand::Field(Fields(Span::new(p, fs.0.end as usize))));
            }
            Tok::Var => {
                let v = &self.src[p..p_end];
                if !self.vars.contains(&v) {
                    return self.err(p, format!("undefined variable \"{v}\""));
                }
                let fs = self.fields_after();
                return Ok(Operand::Variable(Span::new(p, p_end), fs));
            }
            Tok::Ident => {
                let name = &self.src[p..p_end];
                if !(self.funcs)(name) {
                    return self.err(p, format!("function {name:?} not defined"));
                }
                Operand::Ident(Span::new(p, p_end))
            }
            Tok::Str(s) => Operand::String(s),
            Tok::Num(n) => Operand::Number(n),
            Tok::Bool(b) => Operand::Bool(b),
            Tok::Nil => Operand::Nil,
            Tok::LParen => {
                let pipe = self.parse_pipe("parenthesized pipeline")?;
                match self.next() {
                    Some((Tok::RParen, _, _)) => {}
                    _ => return self.err(p, "unclosed left paren"),
                }
                Operand::Pipe(Rc::new(pipe))
            }
            t => {
                let d = self.desc(&(t, p, p_end));
                return self.err(p, format!("unexpected {d} in operand"));
            }
        };
        let fs = self.fields_after();
        if fs.is_empty() {
            return Ok(base);
        }
        match base {
            Operand::Pipe(_) | Operand::Ident(_) => Ok(Operand::Chain(Box::new(base), fs)),
            Operand::Dot => self.err(p, "unexpected . after term \".\""),
            _ => self.err(
                p,
                format!(
                    "unexpected . after term {:?}",
                    self.src.get(p..p + 1).unwrap_or("")
                ),
            ),
        }
    }

    /// How Go prints a token in a syntax error.
    fn desc(&self, (t, st, end): &(Tok, usize, usize)) -> String {
        let text = &self.src[*st..*end];
        match t {
            Tok::Field | Tok::Var | Tok::Ident => format!("<{text}>"),
            Tok::Dot => "<.>".into(),
            Tok::Str(s) => format!("{s:?}"),
            Tok::Num(_) => text.to_string(),
            Tok::Bool(b) => b.to_string(),
            Tok::Nil => "<nil>".into(),
            Tok::Pipe => "\"|\"".into(),
            Tok::LParen => "\"(\"".into(),
            Tok::RParen => "\")\"".into(),
            Tok::Declare => "\":=\"".into(),
            Tok::Assign => "\"=\"".into(),
            Tok::Comma => "\",\"".into(),
            Tok::Keyword(k) => format!("<{k}>"),
        }
    }
}

/// Go's `strconv.Unquote` for the body of a double-quoted string.
fn unquote(raw: &str) -> Option<String> {
    let mut out = String::with_capacity(raw.len());
    let mut it = raw.chars().peekable();
    while let Some(c) = it.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        let e = it.next()?;
        match e {
            'a' => out.push('\x07'),
            'b' => out.push('\x08'),
            'f' => out.push('\x0c'),
            'n' => out.push('\n'),
            'r' => out.push('\r'),
            't' => out.push('\t'),
            'v' => out.push('\x0b'),
            '\\' => out.push('\\'),
            '"' => out.push('"'),
            '\'' => out.push('\''),
            'x' | 'u' | 'U' => {
                let n = match e {
                    'x' => 2,
                    'u' => 4,
                    _ => 8,
                };
                let hex: String = (0..n).filter_map(|_| it.next()).collect();
                if hex.len() != n {
                    return None;
                }
                let v = u32::from_str_radix(&hex, 16).ok()?;
                if e == 'x' {
                    // A byte; only ASCII can be represented in a Rust string.
                    out.push(char::from_u32(v)?);
                } else {
                    out.push(char::from_u32(v)?);
                }
            }
            '0'..='7' => {
                let mut v = e.to_digit(8)?;
                for _ in 0..2 {
                    v = v * 8 + it.next()?.to_digit(8)?;
                }
                out.push(char::from_u32(v)?);
            }
            _ => return None,
        }
    }
    Some(out)
}

/// Go's number-constant rules for a template literal.
pub fn parse_number(text: &str) -> Option<Number> {
    let plain_decimal =
        text.bytes().all(|c| c.is_ascii_digit()) && (text.len() == 1 || !text.starts_with('0'));
    let (int, float) = if plain_decimal && !text.is_empty() {
        // The common case, without the copies below.
        (text.parse::<i64>().ok(), text.parse::<f64>().ok())
    } else {
        number_forms(text)?
    };
    if int.is_none() && float.is_none() {
        return None;
    }
    // A float literal that is integral also counts as an int ("1e3" is an int constant in Go).
    let int = int.or_else(|| {
        float
            .filter(|f| f.fract() == 0.0 && f.abs() < 9.2e18)
            .map(|f| f as i64)
    });
    let looks_float =
        text.contains(['.', 'e', 'E']) && !text.starts_with("0x") && !text.starts_with("0X");
    Some(Number::new(int, float, false, looks_float))
}

/// The int and float forms of a number literal (`None` if it is not one).
fn number_forms(text: &str) -> Option<(Option<i64>, Option<f64>)> {
    let clean: String = text.chars().filter(|&c| c != '_').collect();
    let (neg, body) = match clean.strip_prefix('-') {
        Some(r) => (true, r.to_string()),
        None => (false, clean.strip_prefix('+').unwrap_or(&clean).to_string()),
    };
    if body.ends_with('i') {
        return None; // complex constants are not supported by Helm charts
    }
    let lower = body.to_ascii_lowercase();
    let int = if let Some(h) = lower.strip_prefix("0x") {
        i64::from_str_radix(h, 16).ok()
    } else if let Some(o) = lower.strip_prefix("0o") {
        i64::from_str_radix(o, 8).ok()
    } else if let Some(b) = lower.strip_prefix("0b") {
        i64::from_str_radix(b, 2).ok()
    } else if lower.len() > 1 && lower.starts_with('0') && lower.bytes().all(|c| c.is_ascii_digit())
    {
        i64::from_str_radix(&lower[1..], 8).ok()
    } else {
        lower.parse::<i64>().ok()
    };
    let int = int.map(|i| if neg { -i } else { i });
    let float = if let Some(h) = lower.strip_prefix("0x") {
        match int {
            Some(i) => Some(i as f64),
            None => hex_float(h).map(|f| if neg { -f } else { f }),
        }
    } else {
        lower.parse::<f64>().ok().map(|f| if neg { -f } else { f })
    };
    Some((int, float))
}

/// A hexadecimal float body like `1p60` or `1.8p-3` (after `0x`).
fn hex_float(h: &str) -> Option<f64> {
    let (mant, exp) = h.split_once('p')?;
    let exp: i32 = exp.parse().ok()?;
    let (int_part, frac_part) = mant.split_once('.').unwrap_or((mant, ""));
    let mut v = 0f64;
    for c in int_part.chars() {
        v = v * 16.0 + f64::from(c.to_digit(16)?);
    }
    let mut scale = 1.0 / 16.0;
    for c in frac_part.chars() {
        v += f64::from(c.to_digit(16)?) * scale;
        scale /= 16.0;
    }
    Some(v * 2f64.powi(exp))
}

/// The result of parsing one file: its main tree and its `define`s.
pub struct Parsed {
    pub main: Tree,
    pub defines: Vec<Tree>,
}

/// Parses `text` as template `name`. `is_func` tells which identifiers are functions.
pub fn parse(name: &str, text: &str, is_func: &dyn Fn(&str) -> bool) -> Result<Parsed, ParseError> {
    parse_shared(name, Rc::from(text), is_func)
}

/// [`parse`] for a source the caller already holds in an `Rc` (the trees
/// keep it rather than a copy).
pub fn parse_shared(
    name: &str,
    source: Rc<str>,
    is_func: &dyn Fn(&str) -> bool,
) -> Result<Parsed, ParseError> {
    let text = &*source;
    if u32::try_from(text.len()).is_err() {
        return Err(ParseError {
            name: name.to_string(),
            line: 1,
            message: "template source larger than 4 GiB".to_string(),
        });
    }
    let name: Rc<str> = Rc::from(name);
    let mut p = Parser {
        src: text,
        source: source.clone(),
        name: name.clone(),
        funcs: is_func,
        defines: Vec::new(),
        vars: vec!["$"],
        toks: Vec::new(),
        node_stack: Vec::new(),
        cmd_stack: Vec::new(),
        arg_stack: Vec::new(),
        ti: 0,
        cursor: 0,
        trim_next: false,
        range_depth: 0,
    };
    let root = p.parse_top()?;
    let defines = p.defines;
    Ok(Parsed {
        main: Tree {
            name: name.clone(),
            parse_name: name,
            source,
            root,
        },
        defines,
    })
}

/// `file:line:col` of a position in a tree, as Go's `Tree.ErrorContext`.
pub fn location(tree: &Tree, pos: usize) -> String {
    let (line, col) = line_col(&tree.source, pos);
    format!("{}:{line}:{col}", tree.parse_name)
}

#[cfg(test)]
mod tests {
    use super::parse_number;

    #[test]
    fn number_literals_follow_go_constants() {
        let n = parse_number("0x1p60").unwrap();
        assert_eq!(n.float(), Some(1152921504606846976.0));
        assert_eq!(parse_number("0x10").unwrap().int(), Some(16));
        assert_eq!(parse_number("0o17").unwrap().int(), Some(15));
        assert_eq!(parse_number("1_000").unwrap().int(), Some(1000));
        assert_eq!(parse_number("1.5").unwrap().int(), None);
        assert_eq!(parse_number("-0x1.8p1").unwrap().float(), Some(-3.0));
        assert!(parse_number("12abc").is_none());
    }
}
