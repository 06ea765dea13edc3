//! Lexer and parser for Go's `text/template` syntax, producing a tree whose
//! nodes carry byte offsets (for `name:line:col` in errors).
//!
//! Mirrors Go's `text/template/parse`: text and actions; `if`/`else if`/
//! `with`/`else with`/`range`/`define`/`template`/`block`/`break`/`continue`;
//! pipelines with declarations (`$x :=`) and assignments (`$x =`); commands
//! whose operands are fields, chains, variables, literals, identifiers
//! (functions) and parenthesised pipelines; trim markers and comments.

use std::rc::Rc;

use crate::funcs::text::{go_quote, is_go_print};

/// A number literal, kept as Go's untyped constant: which forms it can take.
/// (Its text, for errors, is the source text of its operand.)
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Number {
    // The int and float forms without `Option`s keep operands small.
    int: i64,
    float: f64,
    has_int: bool,
    has_float: bool,
    /// A uint64 too large for an int (Go's `IsUint` without `IsInt`).
    uint_only: bool,
    is_char: bool,
    looks_float: bool,
}

impl Number {
    fn new(
        int: Option<i64>,
        uint_only: bool,
        float: Option<f64>,
        is_char: bool,
        looks_float: bool,
    ) -> Number {
        Number {
            int: int.unwrap_or(0),
            float: float.unwrap_or(0.0),
            has_int: int.is_some(),
            has_float: float.is_some(),
            uint_only: uint_only && int.is_none(),
            is_char,
            looks_float,
        }
    }

    /// An integer constant beyond the int range (`18446744073709551615`):
    /// Go's executor rejects it where an int or any value is wanted.
    pub fn overflows_int(&self) -> bool {
        self.uint_only && !self.looks_float
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

    /// Written as a float (with a `.` or an exponent, and not a hex integer).
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
    /// Another printable ASCII character (`#`, `}`, …): Go's `itemChar`.
    Char,
    Keyword(&'static str),
    /// A string, character or number literal that is not valid, with the
    /// error Go reports where it is used.
    Invalid(Rc<str>),
    /// A lexical error, always the last token of its action.
    Error(Rc<str>),
}

/// Tokens that can start an operand (Go's `term`).
fn starts_operand(t: &Tok) -> bool {
    matches!(
        t,
        Tok::Dot
            | Tok::Field
            | Tok::Var
            | Tok::Ident
            | Tok::Str(_)
            | Tok::Num(_)
            | Tok::Bool(_)
            | Tok::Nil
            | Tok::LParen
            | Tok::Invalid(_)
    )
}

/// Go's `%#U` of a character: `U+0023 '#'`.
fn sharp_u(c: char) -> String {
    if is_go_print(c) {
        format!("U+{:04X} '{c}'", c as u32)
    } else {
        format!("U+{:04X}", c as u32)
    }
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
    /// Offset of the current action's `{{`.
    action_start: usize,
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
    /// marker) into `self.toks` and sets `cursor` after `}}`. A lexical
    /// error becomes the last token, a `Tok::Error`: Go's parser reports it
    /// only when it gets there, so a syntax error before it wins.
    fn lex_action(&mut self, start: usize) {
        let b = self.src.as_bytes();
        let mut i = start;
        // One buffer serves every action.
        let mut toks = std::mem::take(&mut self.toks);
        toks.clear();
        let mut paren = 0i32;
        let error: Option<(usize, String)> = loop {
            if i >= b.len() {
                break Some((i, "unclosed action".into()));
            }
            // Right delimiter (with optional trim marker).
            let trim = is_space(b[i]) && b[i + 1..].starts_with(b"-}}");
            if trim || b[i..].starts_with(b"}}") {
                if paren > 0 {
                    break Some((i, "unclosed left paren".into()));
                }
                self.cursor = i + if trim { 4 } else { 2 };
                self.trim_next = trim;
                break None;
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
                    paren -= 1;
                    if paren < 0 {
                        break Some((st, "unexpected right paren".into()));
                    }
                    i += 1;
                    Tok::RParen
                }
                b',' => {
                    i += 1;
                    Tok::Comma
                }
                b':' => {
                    if b.get(i + 1) != Some(&b'=') {
                        break Some((st, "expected :=".into()));
                    }
                    i += 2;
                    Tok::Declare
                }
                b'=' => {
                    i += 1;
                    Tok::Assign
                }
                b'"' => match self.lex_quote(st) {
                    Ok((tok, end)) => {
                        i = end;
                        tok
                    }
                    Err(msg) => break Some((st, msg.into())),
                },
                b'`' => {
                    let Some(len) = self.src[st + 1..].find('`') else {
                        break Some((st, "unterminated raw quoted string".into()));
                    };
                    i = st + 1 + len + 1;
                    // Go's unquoting drops carriage returns from raw strings.
                    let raw = &self.src[st + 1..i - 1];
                    Tok::Str(if raw.contains('\r') {
                        Rc::from(raw.replace('\r', ""))
                    } else {
                        Rc::from(raw)
                    })
                }
                b'\'' => match self.lex_char(st) {
                    Ok((tok, end)) => {
                        i = end;
                        tok
                    }
                    Err(msg) => break Some((st, msg.into())),
                },
                b'.' if !b.get(i + 1).is_some_and(|d| d.is_ascii_digit()) => {
                    // Field or dot.
                    let len = alnum_len(&self.src[i + 1..]);
                    i += 1 + len;
                    if let Some(e) = self.bad_character(i) {
                        break Some((st, e));
                    }
                    if len == 0 { Tok::Dot } else { Tok::Field }
                }
                b'$' => {
                    i += 1 + alnum_len(&self.src[i + 1..]);
                    if let Some(e) = self.bad_character(i) {
                        break Some((st, e));
                    }
                    Tok::Var
                }
                b'0'..=b'9' | b'-' | b'+' | b'.' => {
                    let (mut end, mut ok) = self.scan_number(i);
                    if ok && matches!(b.get(end), Some(b'+' | b'-')) {
                        // A complex constant like 1+2i: no spaces, ending in i.
                        (end, ok) = self.scan_number(end);
                        ok &= b[end - 1] == b'i';
                    }
                    let text = &self.src[st..end];
                    if !ok {
                        break Some((st, format!("bad number syntax: {}", go_quote(text))));
                    }
                    i = end;
                    match parse_number(text) {
                        Ok(n) => Tok::Num(n),
                        Err(e) => Tok::Invalid(Rc::from(e)),
                    }
                }
                _ => {
                    let rest = &self.src[i..];
                    let len = alnum_len(rest);
                    if len == 0 {
                        let ch = rest.chars().next().unwrap_or('\u{fffd}');
                        if ch.is_ascii_graphic() {
                            i += 1;
                            toks.push((Tok::Char, st, i));
                            continue;
                        }
                        break Some((
                            st,
                            format!("unrecognized character in action: {}", sharp_u(ch)),
                        ));
                    }
                    let word = &rest[..len];
                    i += len;
                    if let Some(e) = self.bad_character(i) {
                        break Some((st, e));
                    }
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
            toks.push((tok, st, i));
        };
        if let Some((at, msg)) = error {
            toks.push((Tok::Error(Rc::from(msg)), at, at));
            self.cursor = b.len();
        }
        self.toks = toks;
    }

    /// Go's `atTerminator` check after a field, variable or word: it must be
    /// followed by space, one of `.,|:()`, the right delimiter or the end.
    #[inline]
    fn bad_character(&self, i: usize) -> Option<String> {
        let b = self.src.as_bytes();
        let c = *b.get(i)?;
        if is_space(c)
            || matches!(c, b'.' | b',' | b'|' | b':' | b')' | b'(')
            || (c == b'}' && b.get(i + 1) == Some(&b'}'))
        {
            return None;
        }
        let ch = self.src[i..].chars().next()?;
        Some(format!("bad character {}", sharp_u(ch)))
    }

    /// Go's `scanNumber`: the end of the number at `start`, and false when an
    /// alphanumeric follows it (the end then includes that character).
    fn scan_number(&self, start: usize) -> (usize, bool) {
        let b = self.src.as_bytes();
        let mut i = start;
        let accept = |i: &mut usize, set: &[u8]| {
            let ok = b.get(*i).is_some_and(|c| set.contains(c));
            if ok {
                *i += 1;
            }
            ok
        };
        let run = |i: &mut usize, set: &[u8]| {
            while b.get(*i).is_some_and(|c| set.contains(c)) {
                *i += 1;
            }
        };
        accept(&mut i, b"+-");
        let mut digits: &[u8] = b"0123456789_";
        if accept(&mut i, b"0") {
            // A leading 0 alone does not mean octal in floats.
            if accept(&mut i, b"xX") {
                digits = b"0123456789abcdefABCDEF_";
            } else if accept(&mut i, b"oO") {
                digits = b"01234567_";
            } else if accept(&mut i, b"bB") {
                digits = b"01_";
            }
        }
        run(&mut i, digits);
        if accept(&mut i, b".") {
            run(&mut i, digits);
        }
        if digits.len() == 11 && accept(&mut i, b"eE") {
            accept(&mut i, b"+-");
            run(&mut i, b"0123456789_");
        }
        if digits.len() == 23 && accept(&mut i, b"pP") {
            accept(&mut i, b"+-");
            run(&mut i, b"0123456789_");
        }
        accept(&mut i, b"i");
        // The next thing must not be alphanumeric.
        match self.src[i..].chars().next() {
            Some(c) if is_alnum(c) => (i + c.len_utf8(), false),
            _ => (i, true),
        }
    }

    /// A double-quoted string: `Str`, or `Invalid` when an escape is
    /// malformed (Go reports that only where the string is used).
    fn lex_quote(&self, st: usize) -> Result<(Tok, usize), &'static str> {
        let b = self.src.as_bytes();
        let mut i = st + 1;
        loop {
            match b.get(i) {
                None | Some(b'\n') => return Err("unterminated quoted string"),
                Some(b'\\') => {
                    if matches!(b.get(i + 1), None | Some(b'\n')) {
                        return Err("unterminated quoted string");
                    }
                    i += 2;
                }
                Some(b'"') => break,
                _ => i += 1,
            }
        }
        let raw = &self.src[st + 1..i];
        if !raw.contains('\\') {
            return Ok((Tok::Str(Rc::from(raw)), i + 1));
        }
        let tok = match unquote(raw) {
            Some(s) => Tok::Str(Rc::from(s.as_str())),
            None => Tok::Invalid(Rc::from("invalid syntax")),
        };
        Ok((tok, i + 1))
    }

    /// A character constant: a `Num`, or `Invalid` when it is not exactly one
    /// (possibly escaped) character.
    fn lex_char(&self, st: usize) -> Result<(Tok, usize), &'static str> {
        let b = self.src.as_bytes();
        let mut i = st + 1;
        loop {
            match b.get(i) {
                None | Some(b'\n') => return Err("unterminated character constant"),
                Some(b'\\') => {
                    if matches!(b.get(i + 1), None | Some(b'\n')) {
                        return Err("unterminated character constant");
                    }
                    i += 2;
                }
                Some(b'\'') => break,
                _ => i += 1,
            }
        }
        let text = &self.src[st..=i];
        let mut it = text[1..].chars().peekable();
        let tok = match unquote_char(&mut it, '\'') {
            None => Tok::Invalid(Rc::from("invalid syntax")),
            Some(c) if it.eq("'".chars()) => {
                let c = c as i64;
                Tok::Num(Number::new(Some(c), false, Some(c as f64), true, false))
            }
            Some(_) => Tok::Invalid(Rc::from(format!("malformed character constant: {text}"))),
        };
        Ok((tok, i + 1))
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
            self.action_start = open;
            self.lex_action(inner);
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
                            // `else if`/`else with` leave their keyword for the caller.
                            if !matches!(self.peek(), Some(Tok::Keyword("if" | "with"))) {
                                self.expect_end("else")?;
                            }
                            let list = self.node_stack.drain(base..).collect();
                            return Ok((list, Stop::Else(action_pos)));
                        }
                        "if" | "with" | "range" => {
                            let node = self.parse_control(k, action_pos)?;
                            self.node_stack.push(node);
                        }
                        "define" if top => self.parse_define()?,
                        "template" | "block" => {
                            let node = self.parse_template(k)?;
                            self.node_stack.push(node);
                        }
                        "break" | "continue" => {
                            self.expect_end(if k == "break" {
                                "{{break}}"
                            } else {
                                "{{continue}}"
                            })?;
                            if self.range_depth == 0 {
                                return self
                                    .err(action_pos, format!("{{{{{k}}}}} outside {{{{range}}}}"));
                            }
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

    /// The rest of the action must be empty.
    fn expect_end(&mut self, ctx: &str) -> PResult<()> {
        match self.toks.get(self.ti) {
            Some(t) => {
                let t = t.clone();
                self.unexpected(Some(&t), ctx)
            }
            None => Ok(()),
        }
    }

    /// Go's `unexpected`: a lexical error as it is (saying where the action
    /// started when that was on another line), else `unexpected <token> in <ctx>`.
    /// `None` stands for the right delimiter.
    fn unexpected<T>(&self, tok: Option<&(Tok, usize, usize)>, ctx: &str) -> PResult<T> {
        let Some(t) = tok else {
            return self.err(self.pos_here(), format!("unexpected \"}}}}\" in {ctx}"));
        };
        if let Tok::Error(msg) = &t.0 {
            let opened = line_of(self.src, self.action_start);
            if line_of(self.src, t.1) == opened {
                return self.err(t.1, msg.to_string());
            }
            let joint = if msg.ends_with(" action") {
                ""
            } else {
                " in action"
            };
            return self.err(
                t.1,
                format!("{msg}{joint} started at {}:{opened}", self.name),
            );
        }
        self.err(t.1, format!("unexpected {} in {ctx}", self.desc(t)))
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
                    Some(Tok::Keyword(k2)) if k2 == kind => {
                        self.ti += 1;
                        let nested = self.parse_control(k2, epos)?;
                        Some(Box::new([nested]) as Box<[Node]>)
                    }
                    // `else if` in a `with` or `range` (and `else with` in an
                    // `if` or `range`): Go reads the keyword as the next input.
                    Some(Tok::Keyword(k2)) => {
                        return self.err(epos, format!("unexpected <{k2}> in input"));
                    }
                    _ => {
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

    /// The name of a `define`, `template` or `block` (a string literal) and
    /// its position.
    fn template_name(&mut self, ctx: &str) -> PResult<(Rc<str>, usize)> {
        match self.next() {
            Some((Tok::Str(s), p, _)) => Ok((s, p)),
            Some((Tok::Invalid(e), p, _)) => self.err(p, e.to_string()),
            t => self.unexpected(t.as_ref(), ctx),
        }
    }

    fn parse_define(&mut self) -> PResult<()> {
        let (name, _) = self.template_name("define clause")?;
        self.expect_end("define clause")?;
        self.parse_body(name, "define clause")
    }

    /// The body of a `define` or `block` up to its `{{end}}`, added to the
    /// defines as Go's `Tree.add` does.
    fn parse_body(&mut self, name: Rc<str>, ctx: &str) -> PResult<()> {
        let saved_vars = std::mem::replace(&mut self.vars, vec!["$"]);
        let (list, stop) = self.parse_list(false)?;
        self.vars = saved_vars;
        match stop {
            Stop::End => {}
            Stop::Else(p) => return self.err(p, format!("unexpected {{{{else}}}} in {ctx}")),
            Stop::Eof => return self.err(self.src.len(), "unexpected EOF"),
        }
        let tree = Tree {
            name,
            parse_name: self.name.clone(),
            source: self.source.clone(),
            root: list,
        };
        // A template defined twice in one file is an error unless one of
        // the definitions is empty; an empty one never replaces another.
        match self.defines.iter().position(|d| d.name == tree.name) {
            None => self.defines.push(tree),
            Some(i) if self.defines[i].is_empty() => self.defines[i] = tree,
            Some(_) if tree.is_empty() => {}
            Some(_) => {
                return self.err(
                    self.cursor.saturating_sub(1),
                    format!(
                        "template: multiple definition of template {}",
                        go_quote(&tree.name)
                    ),
                );
            }
        }
        Ok(())
    }

    /// `template` or `block`; Go places the node at its name.
    fn parse_template(&mut self, kind: &str) -> PResult<Node> {
        let ctx = if kind == "block" {
            "block clause"
        } else {
            "template clause"
        };
        let (name, pos) = self.template_name(ctx)?;
        let pipe = if kind == "block" || self.peek().is_some() {
            Some(self.parse_pipe(ctx)?)
        } else {
            None
        };
        if kind == "block" {
            self.parse_body(name.clone(), ctx)?;
        }
        Ok(Node::Template { pos, name, pipe })
    }

    /// Parses a pipeline from the remaining tokens of the action.
    fn parse_pipe(&mut self, ctx: &str) -> PResult<Pipe> {
        let pos = self.pos_here();
        let mut is_assign = false;
        // Declarations: `$x :=`, `$x =`, `$i, $v :=` (range only).
        let mut names = [""; 2];
        let mut n = 0;
        while let Some((Tok::Var, st, end)) = self.toks.get(self.ti) {
            let name = &self.src[*st..*end];
            match self.toks.get(self.ti + 1).map(|t| &t.0) {
                Some(Tok::Declare | Tok::Assign) => {
                    is_assign = matches!(self.toks[self.ti + 1].0, Tok::Assign);
                    self.ti += 2;
                    names[n] = name;
                    n += 1;
                    break;
                }
                Some(Tok::Comma) => {
                    self.ti += 2;
                    if n == 1 {
                        return self.err(pos, format!("too many declarations in {ctx}"));
                    }
                    names[n] = name;
                    n += 1;
                    if ctx != "range" {
                        return self.err(pos, format!("too many declarations in {ctx}"));
                    }
                    match self.peek() {
                        Some(Tok::Var | Tok::RParen) | None => {}
                        _ => return self.err(pos, "range can only initialize variables"),
                    }
                }
                // A variable used as an operand.
                _ => break,
            }
        }
        let names = &names[..n];
        // Go declares the names even for an assignment; assigning to an
        // undeclared one fails when it runs.
        self.vars.extend(names.iter().copied());
        let decl = names.iter().map(|n| Rc::from(*n)).collect();
        let base = self.cmd_stack.len();
        loop {
            match self.toks.get(self.ti) {
                None | Some((Tok::RParen, ..)) => break,
                Some((t, ..)) if starts_operand(t) => {
                    let cmd = self.parse_command()?;
                    self.cmd_stack.push(cmd);
                }
                Some(t) => {
                    let t = t.clone();
                    return self.unexpected(Some(&t), ctx);
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

    /// A command: operands separated by space, up to a `|` (consumed), a
    /// `)` or the end of the action.
    fn parse_command(&mut self) -> PResult<Command> {
        let pos = self.pos_here();
        let base = self.arg_stack.len();
        loop {
            let st = self.pos_here();
            let op = self.parse_operand()?;
            let end = self.toks[self.ti - 1].2;
            self.arg_stack.push(Arg {
                op,
                span: Span::new(st, end),
            });
            match self.toks.get(self.ti) {
                None | Some((Tok::RParen, ..)) => break,
                Some((Tok::Pipe, ..)) => {
                    self.ti += 1;
                    break;
                }
                // The next operand, after a space.
                Some((t, next, _)) if *next != end && starts_operand(t) => {}
                Some(t) => {
                    let t = t.clone();
                    return self.unexpected(Some(&t), "operand");
                }
            }
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
            return self.unexpected(None, "operand");
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
            Tok::Invalid(e) => return self.err(p, e.to_string()),
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
            t => return self.unexpected(Some(&(t, p, p_end)), "operand"),
        };
        let fs = self.fields_after();
        if fs.is_empty() {
            return Ok(base);
        }
        match base {
            Operand::Pipe(_) | Operand::Ident(_) => Ok(Operand::Chain(Box::new(base), fs)),
            // Go prints the literal as written.
            _ => self.err(
                p,
                format!("unexpected . after term {}", go_quote(&self.src[p..p_end])),
            ),
        }
    }

    /// How Go prints a token in a syntax error (`item.String()`): keywords
    /// in angle brackets, anything else quoted, cut after 10 characters.
    fn desc(&self, (t, st, end): &(Tok, usize, usize)) -> String {
        match t {
            Tok::Error(msg) => msg.to_string(),
            Tok::Keyword(k) => format!("<{k}>"),
            Tok::Dot => "<.>".into(),
            Tok::Nil => "<nil>".into(),
            _ => {
                let text = &self.src[*st..*end];
                if text.len() <= 10 {
                    return go_quote(text);
                }
                let cut = text.char_indices().nth(10).map_or(text.len(), |(i, _)| i);
                format!("{}...", go_quote(&text[..cut]))
            }
        }
    }
}

/// Go's `strconv.Unquote` for the body of a double-quoted string.
fn unquote(raw: &str) -> Option<String> {
    let mut out = String::with_capacity(raw.len());
    let mut it = raw.chars().peekable();
    while it.peek().is_some() {
        out.push(unquote_char(&mut it, '"')?);
    }
    Some(out)
}

/// Go's `strconv.UnquoteChar`: one character or escape of a literal quoted
/// with `quote`; `None` is Go's "invalid syntax".
fn unquote_char(it: &mut std::iter::Peekable<std::str::Chars>, quote: char) -> Option<char> {
    let c = it.next()?;
    if c == quote {
        return None;
    }
    if c != '\\' {
        return Some(c);
    }
    let e = it.next()?;
    Some(match e {
        'a' => '\x07',
        'b' => '\x08',
        'f' => '\x0c',
        'n' => '\n',
        'r' => '\r',
        't' => '\t',
        'v' => '\x0b',
        '\\' => '\\',
        '\'' | '"' if e == quote => e,
        'x' | 'u' | 'U' => {
            let n = match e {
                'x' => 2,
                'u' => 4,
                _ => 8,
            };
            let mut v = 0u32;
            for _ in 0..n {
                v = v * 16 + it.next()?.to_digit(16)?;
            }
            // `\x` is a byte; only ASCII ones can be represented in a Rust
            // string, the others stand for the code point of the same value.
            char::from_u32(v)?
        }
        '0'..='7' => {
            let mut v = e.to_digit(8)?;
            for _ in 0..2 {
                v = v * 8 + it.next()?.to_digit(8)?;
            }
            if v > 255 {
                return None;
            }
            char::from_u32(v)?
        }
        _ => return None,
    })
}

/// Go's `isHexInt` in `text/template`'s constants: `0x…` without a `p` exponent.
fn is_hex_int(text: &str) -> bool {
    text.len() > 2
        && (text.starts_with("0x") || text.starts_with("0X"))
        && !text.contains(['p', 'P'])
}

/// Go's number-constant rules for a template literal (`parse.newNumber`):
/// the error is Go's message for a literal that is no number.
pub fn parse_number(text: &str) -> Result<Number, String> {
    let plain_decimal =
        text.bytes().all(|c| c.is_ascii_digit()) && (text.len() == 1 || !text.starts_with('0'));
    let (int, uint, float) = if plain_decimal && !text.is_empty() {
        // The common case, without the copies below.
        if let Ok(i) = text.parse::<i64>() {
            return Ok(Number::new(Some(i), false, Some(i as f64), false, false));
        }
        (None, text.parse::<u64>().is_ok(), text.parse::<f64>().ok())
    } else {
        number_forms(text).unwrap_or((None, false, None))
    };
    let exponent_or_point = text.contains(['.', 'e', 'E', 'p', 'P']);
    if int.is_none() && !uint {
        match float {
            // Integer syntax, but too large for 64 bits.
            Some(_) if !exponent_or_point => {
                return Err(format!("integer overflow: {}", go_quote(text)));
            }
            None => return Err(format!("illegal number syntax: {}", go_quote(text))),
            Some(_) => {}
        }
    }
    // A float literal that is integral also counts as an int ("1e3" is an int constant in Go).
    let int = int.or_else(|| {
        float
            .filter(|f| f.fract() == 0.0 && f.abs() < 9.2e18)
            .map(|f| f as i64)
    });
    let looks_float = exponent_or_point && !is_hex_int(text);
    Ok(Number::new(int, uint, float, false, looks_float))
}

/// The int form, whether it is a uint64 beyond the int range, and the float
/// form of a number literal with a sign, base prefix or underscores.
fn number_forms(text: &str) -> Option<(Option<i64>, bool, Option<f64>)> {
    let clean: String = text.chars().filter(|&c| c != '_').collect();
    let (neg, body) = match clean.strip_prefix('-') {
        Some(r) => (true, r.to_string()),
        None => (false, clean.strip_prefix('+').unwrap_or(&clean).to_string()),
    };
    if body.ends_with('i') {
        return None; // complex constants are not supported by Helm charts
    }
    let lower = body.to_ascii_lowercase();
    let (digits, radix) = if let Some(h) = lower.strip_prefix("0x") {
        (h, 16)
    } else if let Some(o) = lower.strip_prefix("0o") {
        (o, 8)
    } else if let Some(b) = lower.strip_prefix("0b") {
        (b, 2)
    } else if lower.len() > 1 && lower.starts_with('0') && lower.bytes().all(|c| c.is_ascii_digit())
    {
        (&lower[1..], 8)
    } else {
        (lower.as_str(), 10)
    };
    let magnitude = u64::from_str_radix(digits, radix).ok();
    let int = magnitude.and_then(|m| {
        if neg {
            0i64.checked_sub_unsigned(m)
        } else {
            i64::try_from(m).ok()
        }
    });
    let uint = !neg && int.is_none() && magnitude.is_some();
    // An integer converts; otherwise the text must be a decimal or
    // hexadecimal float (where a leading 0 is no octal prefix).
    let float = match magnitude {
        Some(m) => Some(m as f64),
        None if radix == 16 => digits.contains('p').then(|| hex_float(digits)).flatten(),
        None if radix == 10 || radix == 8 && !lower.starts_with("0o") => lower.parse::<f64>().ok(),
        None => None,
    };
    let float = float.map(|f| if neg { -f } else { f });
    Some((int, uint, float))
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
        action_start: 0,
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
        assert!(parse_number("12abc").is_err());
        assert_eq!(
            parse_number("99999999999999999999"),
            Err("integer overflow: \"99999999999999999999\"".into())
        );
        assert!(
            parse_number("18446744073709551615")
                .unwrap()
                .overflows_int()
        );
        assert_eq!(parse_number("08"), Err("integer overflow: \"08\"".into()));
    }
}
