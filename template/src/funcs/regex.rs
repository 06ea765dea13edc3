//! Template functions: Sprig's regex family over Go's `regexp` (RE2 syntax).
//!
//! Go patterns are parsed here with Go's rules (and Go's error messages) and
//! rewritten into the `regex` crate's syntax, which differs in places: Go's
//! `\d \s \w \b` are ASCII-only, `[` inside a class is literal, `&&`/`--`/`~~`
//! are not class operators, `\<` is a literal `<`, `{,5}` is literal text,
//! `\Q…\E` quotes, and `\1` is an error. Match iteration, `Split` and the
//! `$name` replacement expansion follow Go's algorithms rather than the crate's.

use std::cell::RefCell;
use std::collections::HashMap;
use std::rc::Rc;

use regex::{Regex, RegexBuilder};

use super::text::{arg_int, arg_str, go_quote, is_letter};
use crate::func::{FuncError, FuncSpec, Param};
use crate::value::Value;

use Param::{Int, String as Str};

type R = Result<Value, FuncError>;

pub fn funcs() -> Vec<FuncSpec> {
    vec![
        FuncSpec::new("regexMatch", &[Str, Str], |a| {
            let (p, s) = (arg_str(a, 0)?, arg_str(a, 1)?);
            Ok(compile(p).map(|re| re.is_match(s)).unwrap_or(false).into())
        }),
        FuncSpec::new("mustRegexMatch", &[Str, Str], |a| {
            let (p, s) = (arg_str(a, 0)?, arg_str(a, 1)?);
            Ok(must(p)?.is_match(s).into())
        }),
        FuncSpec::new("regexFindAll", &[Str, Str, Int], |a| {
            find_all(a, panicky(arg_str(a, 0)?)?)
        }),
        FuncSpec::new("mustRegexFindAll", &[Str, Str, Int], |a| {
            find_all(a, must(arg_str(a, 0)?)?)
        }),
        FuncSpec::new("regexFind", &[Str, Str], |a| {
            find(a, panicky(arg_str(a, 0)?)?)
        }),
        FuncSpec::new("mustRegexFind", &[Str, Str], |a| {
            find(a, must(arg_str(a, 0)?)?)
        }),
        FuncSpec::new("regexReplaceAll", &[Str, Str, Str], |a| {
            replace(a, panicky(arg_str(a, 0)?)?, false)
        }),
        FuncSpec::new("mustRegexReplaceAll", &[Str, Str, Str], |a| {
            replace(a, must(arg_str(a, 0)?)?, false)
        }),
        FuncSpec::new("regexReplaceAllLiteral", &[Str, Str, Str], |a| {
            replace(a, panicky(arg_str(a, 0)?)?, true)
        }),
        FuncSpec::new("mustRegexReplaceAllLiteral", &[Str, Str, Str], |a| {
            replace(a, must(arg_str(a, 0)?)?, true)
        }),
        FuncSpec::new("regexSplit", &[Str, Str, Int], |a| {
            split(a, panicky(arg_str(a, 0)?)?)
        }),
        FuncSpec::new("mustRegexSplit", &[Str, Str, Int], |a| {
            split(a, must(arg_str(a, 0)?)?)
        }),
        FuncSpec::new("regexQuoteMeta", &[Str], |a| {
            Ok(quote_meta(arg_str(a, 0)?).into())
        }),
    ]
}

/// A compiled Go pattern: the translated regex and whether the Go pattern
/// was empty (Go's `Split` looks at that).
#[derive(Debug)]
pub struct GoRegex {
    re: Regex,
    empty_expr: bool,
}

impl GoRegex {
    /// Go's `MatchString`: whether the pattern matches anywhere in `s`.
    pub fn is_match(&self, s: &str) -> bool {
        self.re.is_match(s)
    }
}

/// A Go `regexp/syntax` error: `error parsing regexp: CODE: `EXPR``.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct SyntaxError {
    code: &'static str,
    expr: String,
}

impl std::fmt::Display for SyntaxError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "error parsing regexp: {}: `{}`", self.code, self.expr)
    }
}

const MISSING_PAREN: &str = "missing closing )";
const UNEXPECTED_PAREN: &str = "unexpected )";
const MISSING_BRACKET: &str = "missing closing ]";
const INVALID_ESCAPE: &str = "invalid escape sequence";
const INVALID_RANGE: &str = "invalid character class range";
const INVALID_NAMED: &str = "invalid named capture";
const INVALID_PERL: &str = "invalid or unsupported Perl syntax";
const NESTED_REPEAT: &str = "invalid nested repetition operator";
const REPEAT_SIZE: &str = "invalid repeat count";
const MISSING_REPEAT_ARG: &str = "missing argument to repetition operator";
const TRAILING_BACKSLASH: &str = "trailing backslash at end of expression";
const TOO_LARGE: &str = "expression too large";
const TOO_DEEP: &str = "expression nests too deeply";

/// Go's nesting limit for parse trees (`maxHeight`).
const MAX_DEPTH: usize = 1000;

thread_local! {
    static CACHE: RefCell<HashMap<String, Result<Rc<GoRegex>, SyntaxError>>> =
        RefCell::new(HashMap::new());
}

/// `regexp.Compile`, memoised (templates often run the same pattern in loops).
pub(crate) fn compile(pattern: &str) -> Result<Rc<GoRegex>, SyntaxError> {
    if let Some(hit) = CACHE.with(|c| c.borrow().get(pattern).cloned()) {
        return hit;
    }
    let result = compile_uncached(pattern).map(Rc::new);
    CACHE.with(|c| {
        let mut c = c.borrow_mut();
        if c.len() >= 256 {
            c.clear();
        }
        c.insert(pattern.to_string(), result.clone());
    });
    result
}

fn compile_uncached(pattern: &str) -> Result<GoRegex, SyntaxError> {
    let translated = Translator::new(pattern).run()?;
    let re = RegexBuilder::new(&translated)
        .nest_limit(MAX_DEPTH as u32 + 10)
        .size_limit(64 << 20)
        .build()
        .map_err(|e| SyntaxError {
            code: match e {
                regex::Error::CompiledTooBig(_) => TOO_LARGE,
                _ => TOO_DEEP,
            },
            expr: pattern.to_string(),
        })?;
    Ok(GoRegex {
        re,
        empty_expr: pattern.is_empty(),
    })
}

/// A Go `regexp.Regexp` for callers outside templates (e.g. `helm list --filter`).
#[derive(Clone)]
pub struct GoPattern(Rc<GoRegex>);

impl GoPattern {
    /// Go's `regexp.Compile`; the error is Go's text (`error parsing regexp: …`).
    pub fn compile(pattern: &str) -> Result<GoPattern, String> {
        compile(pattern).map(GoPattern).map_err(|e| e.to_string())
    }

    /// Go's `MatchString`.
    pub fn is_match(&self, s: &str) -> bool {
        self.0.is_match(s)
    }
}

/// Go's `regexp.Compile` for callers outside templates (JSON Schema
/// `pattern`s): the pattern as a `regex::Regex` with Go's semantics, or Go's
/// error text (``error parsing regexp: missing closing ]: `[` ``).
pub fn compile_go(pattern: &str) -> Result<GoRegex, String> {
    compile_uncached(pattern).map_err(|e| e.to_string())
}

/// The `must*` variants return Go's compile error.
fn must(pattern: &str) -> Result<Rc<GoRegex>, FuncError> {
    compile(pattern).map_err(|e| FuncError::new(e.to_string()))
}

/// The plain variants use `regexp.MustCompile`, whose panic text wraps the error.
fn panicky(pattern: &str) -> Result<Rc<GoRegex>, FuncError> {
    compile(pattern).map_err(|e| {
        FuncError::new(format!(
            "regexp: Compile({}): {e}",
            quote_for_compile(pattern)
        ))
    })
}

/// `regexp`'s `quote`: backquoted when `strconv.CanBackquote`, else `strconv.Quote`.
fn quote_for_compile(s: &str) -> String {
    let can_backquote = s
        .chars()
        .all(|c| c != '`' && c != '\u{FEFF}' && c != '\x7f' && (c >= ' ' || c == '\t'));
    if can_backquote {
        format!("`{s}`")
    } else {
        go_quote(s)
    }
}

/// Go's `regexp.QuoteMeta`.
pub(crate) fn quote_meta(s: &str) -> String {
    let mut out = String::with_capacity(s.len() * 2);
    for c in s.chars() {
        if r"\.+*?()|[]{}^$".contains(c) {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// Go's `allMatches` iteration: leftmost-first matches, at most `n` (`n < 0`:
/// all), skipping an empty match right after the previous match.
fn all_matches<'h>(re: &Regex, s: &'h str, n: i64, mut deliver: impl FnMut(regex::Captures<'h>)) {
    let n = if n < 0 { usize::MAX } else { n as usize };
    let mut pos = 0usize;
    let mut found = 0usize;
    let mut prev_end: Option<usize> = None;
    while found < n && pos <= s.len() {
        let Some(caps) = re.captures_at(s, pos) else {
            break;
        };
        let m = caps
            .get(0)
            .map(|m| (m.start(), m.end()))
            .unwrap_or((pos, pos));
        let mut accept = true;
        if m.1 == pos {
            if Some(m.0) == prev_end {
                accept = false;
            }
            pos += s[pos..].chars().next().map_or(1, char::len_utf8);
        } else {
            pos = m.1;
        }
        prev_end = Some(m.1);
        if accept {
            deliver(caps);
            found += 1;
        }
    }
}

fn strings(v: Vec<&str>) -> Value {
    Value::list(v.into_iter().map(Value::from).collect())
}

fn find_all(a: &[Value], re: Rc<GoRegex>) -> R {
    let (s, n) = (arg_str(a, 1)?, arg_int(a, 2)?);
    let mut out = Vec::new();
    if n != 0 {
        all_matches(&re.re, s, n, |c| {
            out.push(c.get(0).map_or("", |m| m.as_str()))
        });
    }
    Ok(strings(out))
}

fn find(a: &[Value], re: Rc<GoRegex>) -> R {
    let s = arg_str(a, 1)?;
    Ok(re.re.find(s).map_or("", |m| m.as_str()).into())
}

/// Go's `Regexp.Split`.
fn split(a: &[Value], re: Rc<GoRegex>) -> R {
    let (s, n) = (arg_str(a, 1)?, arg_int(a, 2)?);
    if n == 0 {
        return Ok(strings(Vec::new()));
    }
    if !re.empty_expr && s.is_empty() {
        return Ok(strings(vec![""]));
    }
    let mut matches = Vec::new();
    all_matches(&re.re, s, n, |c| {
        if let Some(m) = c.get(0) {
            matches.push((m.start(), m.end()));
        }
    });
    let mut out = Vec::new();
    let (mut beg, mut end) = (0usize, 0usize);
    for (start, stop) in matches {
        if n > 0 && out.len() as i64 == n - 1 {
            break;
        }
        end = start;
        if stop != 0 {
            out.push(&s[beg..end]);
        }
        beg = stop;
    }
    if end != s.len() {
        out.push(&s[beg..]);
    }
    Ok(strings(out))
}

/// Go's `ReplaceAllString` / `ReplaceAllLiteralString`.
fn replace(a: &[Value], re: Rc<GoRegex>, literal: bool) -> R {
    let (s, repl) = (arg_str(a, 1)?, arg_str(a, 2)?);
    let mut out = String::with_capacity(s.len());
    let mut last_end = 0usize;
    let mut pos = 0usize;
    while pos <= s.len() {
        let Some(caps) = re.re.captures_at(s, pos) else {
            break;
        };
        let Some(m) = caps.get(0) else { break };
        out.push_str(&s[last_end..m.start()]);
        if m.end() > last_end || m.start() == 0 {
            if literal {
                out.push_str(repl);
            } else {
                expand(&mut out, repl, &re.re, &caps);
            }
        }
        last_end = m.end();
        let width = s[pos..].chars().next().map_or(0, char::len_utf8);
        if pos + width > m.end() {
            pos += width;
        } else if pos + 1 > m.end() {
            pos += 1;
        } else {
            pos = m.end();
        }
    }
    out.push_str(&s[last_end..]);
    Ok(out.into())
}

/// Go's `Regexp.Expand`: `$name`/`${name}` where a name is the longest run of
/// letters, digits and `_` (so `$1x` names the group "1x"), `$$` is `$`, and a
/// malformed reference leaves the `$` as text.
fn expand(out: &mut String, template: &str, re: &Regex, caps: &regex::Captures<'_>) {
    let mut t = template;
    while let Some(i) = t.find('$') {
        out.push_str(&t[..i]);
        t = &t[i + 1..];
        if let Some(rest) = t.strip_prefix('$') {
            out.push('$');
            t = rest;
            continue;
        }
        let Some((name, rest)) = extract_name(t) else {
            out.push('$');
            continue;
        };
        t = rest;
        let num = if name.bytes().all(|b| b.is_ascii_digit())
            && name.len() <= 8
            && !(name.len() > 1 && name.starts_with('0'))
        {
            name.parse::<usize>().ok()
        } else {
            None
        };
        let group = match num {
            Some(n) => caps.get(n),
            None => re
                .capture_names()
                .position(|n| n == Some(name))
                .and_then(|i| caps.get(i)),
        };
        if let Some(g) = group {
            out.push_str(g.as_str());
        }
    }
    out.push_str(t);
}

fn extract_name(s: &str) -> Option<(&str, &str)> {
    let (brace, body) = match s.strip_prefix('{') {
        Some(b) => (true, b),
        None => (false, s),
    };
    let end = body
        .char_indices()
        .find(|&(_, c)| !(is_letter(c) || c.is_numeric() || c == '_'))
        .map_or(body.len(), |(i, _)| i);
    if end == 0 {
        return None;
    }
    let name = &body[..end];
    if brace {
        let rest = body[end..].strip_prefix('}')?;
        return Some((name, rest));
    }
    Some((name, &body[end..]))
}

/// What the previous item was, for Go's repetition checks.
#[derive(Clone, Copy, PartialEq)]
enum Last {
    /// Start of the pattern, of a group, or of an alternative.
    Nothing,
    /// Something repeatable; the number is the largest product of `{n,m}`
    /// counts inside it (Go's `repeatIsValid` budget of 1000).
    Atom(u64),
    /// A repetition operator starting at this byte offset.
    Repeat(usize, u64),
}

struct Translator<'a> {
    src: &'a str,
    pos: usize,
    out: String,
    last: Last,
    /// Per open group: largest repeat product seen inside it.
    groups: Vec<u64>,
    top: u64,
}

fn err(code: &'static str, expr: &str) -> SyntaxError {
    SyntaxError {
        code,
        expr: expr.to_string(),
    }
}

/// A character as an escape the `regex` crate reads literally everywhere.
fn push_char(out: &mut String, c: char) {
    if c.is_alphanumeric() {
        out.push(c);
    } else {
        out.push_str(&format!("\\x{{{:X}}}", c as u32));
    }
}

const PERL_CLASSES: [(char, &str, bool); 6] = [
    ('d', r"0-9", false),
    ('D', r"0-9", true),
    ('s', r"\t\n\x0C\r ", false),
    ('S', r"\t\n\x0C\r ", true),
    ('w', r"0-9A-Za-z_", false),
    ('W', r"0-9A-Za-z_", true),
];

const POSIX_NAMES: [&str; 14] = [
    "alnum", "alpha", "ascii", "blank", "cntrl", "digit", "graph", "lower", "print", "punct",
    "space", "upper", "word", "xdigit",
];

impl<'a> Translator<'a> {
    fn new(src: &'a str) -> Self {
        Translator {
            src,
            pos: 0,
            out: String::new(),
            last: Last::Nothing,
            groups: Vec::new(),
            top: 1,
        }
    }

    fn rest(&self) -> &'a str {
        &self.src[self.pos..]
    }

    fn peek(&self) -> Option<char> {
        self.rest().chars().next()
    }

    fn atom(&mut self, product: u64) {
        self.last = Last::Atom(product);
        let slot = self.groups.last_mut().unwrap_or(&mut self.top);
        *slot = (*slot).max(product);
    }

    fn run(mut self) -> Result<String, SyntaxError> {
        while let Some(c) = self.peek() {
            match c {
                '(' => self.open_group()?,
                ')' => {
                    let Some(inner) = self.groups.pop() else {
                        return Err(err(UNEXPECTED_PAREN, self.src));
                    };
                    self.pos += 1;
                    self.out.push(')');
                    self.atom(inner);
                }
                '|' => {
                    self.pos += 1;
                    self.out.push('|');
                    self.last = Last::Nothing;
                }
                '*' | '+' | '?' => {
                    let start = self.pos;
                    self.pos += 1;
                    self.repeat(start, None)?;
                }
                '{' => {
                    let start = self.pos;
                    match parse_repeat(self.rest()) {
                        Some((min, max, len)) => {
                            self.pos += len;
                            let too_big = |n: i64| !(0..=1000).contains(&n);
                            if too_big(min) || max > 1000 || (max >= 0 && min > max) {
                                return Err(err(REPEAT_SIZE, &self.src[start..self.pos]));
                            }
                            self.repeat(start, Some((min, max)))?;
                        }
                        None => {
                            self.pos += 1;
                            self.out.push_str(r"\{");
                            self.atom(1);
                        }
                    }
                }
                '[' => {
                    self.class()?;
                    self.atom(1);
                }
                '\\' => self.escape()?,
                '.' | '^' | '$' => {
                    self.pos += 1;
                    self.out.push(c);
                    self.atom(1);
                }
                c => {
                    self.pos += c.len_utf8();
                    push_char(&mut self.out, c);
                    self.atom(1);
                }
            }
        }
        if !self.groups.is_empty() {
            return Err(err(MISSING_PAREN, self.src));
        }
        Ok(self.out)
    }

    /// A repetition operator whose text began at `start` (`self.pos` is just
    /// past it); `counts` is `{min,max}` for the brace form.
    fn repeat(&mut self, start: usize, counts: Option<(i64, i64)>) -> Result<(), SyntaxError> {
        if self.peek() == Some('?') {
            self.pos += 1;
        }
        let text = &self.src[start..self.pos];
        let inner = match self.last {
            Last::Repeat(prev, _) => {
                return Err(err(NESTED_REPEAT, &self.src[prev..self.pos]));
            }
            Last::Nothing => return Err(err(MISSING_REPEAT_ARG, text)),
            Last::Atom(p) => p,
        };
        let mut product = inner;
        if let Some((min, max)) = counts
            && (min >= 2 || max >= 2)
        {
            let m = if max < 0 { min } else { max } as u64;
            if m > 0 {
                product = inner.saturating_mul(m);
                if product > 1000 {
                    return Err(err(REPEAT_SIZE, text));
                }
            }
        }
        self.out.push_str(text);
        let slot = self.groups.last_mut().unwrap_or(&mut self.top);
        *slot = (*slot).max(product);
        self.last = Last::Repeat(start, product);
        Ok(())
    }

    fn open_group(&mut self) -> Result<(), SyntaxError> {
        let rest = self.rest();
        if self.groups.len() >= MAX_DEPTH {
            return Err(err(TOO_DEEP, self.src));
        }
        if let Some(flags) = rest.strip_prefix("(?") {
            // Named capture: (?P<name>…) or (?<name>…).
            let name_start = if flags.starts_with("P<") {
                Some(4)
            } else if flags.starts_with('<') {
                Some(3)
            } else {
                None
            };
            if let Some(begin) = name_start {
                let Some(end) = rest.find('>') else {
                    return Err(err(INVALID_NAMED, rest));
                };
                let name = &rest[begin..end];
                if name.is_empty() || !name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_')
                {
                    return Err(err(INVALID_NAMED, &rest[..=end]));
                }
                self.out.push_str(&format!("(?P<{name}>"));
                self.pos += end + 1;
                self.groups.push(1);
                self.last = Last::Nothing;
                return Ok(());
            }
            // Flags: (?flags) or (?flags:…), flags from "imsU" with one '-'.
            let mut negated = false;
            let mut saw_flag = false;
            for (i, c) in flags.char_indices() {
                let bad = || err(INVALID_PERL, &rest[..2 + i + c.len_utf8()]);
                match c {
                    'i' | 'm' | 's' | 'U' => saw_flag = true,
                    '-' => {
                        if negated {
                            return Err(bad());
                        }
                        negated = true;
                        saw_flag = false;
                    }
                    ':' | ')' => {
                        if negated && !saw_flag {
                            return Err(bad());
                        }
                        let text = &rest[..2 + i + 1];
                        self.out.push_str(text);
                        self.pos += text.len();
                        if c == ':' {
                            self.groups.push(1);
                            self.last = Last::Nothing;
                        }
                        return Ok(());
                    }
                    _ => return Err(bad()),
                }
            }
            return Err(err(MISSING_PAREN, self.src));
        }
        self.pos += 1;
        self.out.push('(');
        self.groups.push(1);
        self.last = Last::Nothing;
        Ok(())
    }

    fn escape(&mut self) -> Result<(), SyntaxError> {
        let rest = self.rest();
        let Some(c) = rest[1..].chars().next() else {
            return Err(err(TRAILING_BACKSLASH, ""));
        };
        match c {
            'A' | 'z' => {
                self.pos += 2;
                self.out.push('\\');
                self.out.push(c);
                self.atom(1);
            }
            'b' | 'B' => {
                self.pos += 2;
                self.out
                    .push_str(if c == 'b' { r"(?-u:\b)" } else { r"(?-u:\B)" });
                self.atom(1);
            }
            'Q' => {
                let body = &rest[2..];
                let (lit, len) = match body.find(r"\E") {
                    Some(i) => (&body[..i], 2 + i + 2),
                    None => (body, rest.len()),
                };
                self.pos += len;
                for ch in lit.chars() {
                    push_char(&mut self.out, ch);
                    self.atom(1);
                }
            }
            _ => {
                if let Some(class) = self.perl_or_unicode_class(rest)? {
                    self.pos += class.1;
                    self.out.push('[');
                    self.out.push_str(&class.0);
                    self.out.push(']');
                    self.atom(1);
                    return Ok(());
                }
                let (ch, len) = parse_escape(rest)?;
                self.pos += len;
                push_char(&mut self.out, ch);
                self.atom(1);
            }
        }
        Ok(())
    }

    /// `\d`-style or `\p{…}` at the start of `s`: the class body (without the
    /// outer brackets) in the crate's syntax, and the length consumed.
    fn perl_or_unicode_class(&self, s: &str) -> Result<Option<(String, usize)>, SyntaxError> {
        let mut it = s.chars();
        if it.next() != Some('\\') {
            return Ok(None);
        }
        let Some(c) = it.next() else { return Ok(None) };
        if let Some(&(_, body, neg)) = PERL_CLASSES.iter().find(|p| p.0 == c) {
            let body = if neg {
                format!("[^{body}]")
            } else {
                body.to_string()
            };
            return Ok(Some((body, 2)));
        }
        if c != 'p' && c != 'P' {
            return Ok(None);
        }
        let after = &s[2..];
        let (mut name, len) = if let Some(braced) = after.strip_prefix('{') {
            match braced.find('}') {
                Some(end) => (&braced[..end], 2 + 1 + end + 1),
                None => return Err(err(INVALID_RANGE, s)),
            }
        } else {
            match after.chars().next() {
                Some(ch) => (&after[..ch.len_utf8()], 2 + ch.len_utf8()),
                None => return Err(err(INVALID_ESCAPE, s)),
            }
        };
        let mut negated = c == 'P';
        if let Some(n) = name.strip_prefix('^') {
            negated = !negated;
            name = n;
        }
        let seq = &s[..len];
        // Go knows the general categories and scripts by their exact names
        // (which start with a capital letter), plus "Any".
        let plausible = name.starts_with(|ch: char| ch.is_ascii_uppercase())
            && name.bytes().all(|b| b.is_ascii_alphabetic() || b == b'_');
        if !plausible {
            return Err(err(INVALID_RANGE, seq));
        }
        let prop = if name == "Any" {
            r"\x{0}-\x{10FFFF}".to_string()
        } else {
            let p = format!(r"\p{{{name}}}");
            if Regex::new(&p).is_err() {
                return Err(err(INVALID_RANGE, seq));
            }
            p
        };
        let body = if negated { format!("[^{prop}]") } else { prop };
        Ok(Some((body, len)))
    }

    /// A bracketed class starting at `self.pos`.
    fn class(&mut self) -> Result<(), SyntaxError> {
        let whole = self.rest();
        let mut t = &whole[1..];
        let mut out = String::from("[");
        if let Some(r) = t.strip_prefix('^') {
            out.push('^');
            t = r;
        }
        let mut first = true;
        loop {
            if !first && t.starts_with(']') {
                break;
            }
            first = false;
            if t.is_empty() {
                return Err(err(MISSING_BRACKET, whole));
            }
            // POSIX class [:name:] / [:^name:].
            if t.len() > 2
                && t.starts_with("[:")
                && let Some(i) = t[2..].find(":]")
            {
                let full = &t[..i + 4];
                let name = &t[2..i + 2];
                let bare = name.strip_prefix('^').unwrap_or(name);
                if !POSIX_NAMES.contains(&bare) {
                    return Err(err(INVALID_RANGE, full));
                }
                out.push_str(full);
                t = &t[full.len()..];
                continue;
            }
            if let Some((body, len)) = self.perl_or_unicode_class(t)? {
                if body.starts_with('[') {
                    out.push_str(&body);
                } else {
                    out.push('[');
                    out.push_str(&body);
                    out.push(']');
                }
                t = &t[len..];
                continue;
            }
            let range_start = t;
            let (lo, len) = class_char(t, whole)?;
            t = &t[len..];
            let mut hi = lo;
            if t.len() >= 2 && t.starts_with('-') && !t[1..].starts_with(']') {
                t = &t[1..];
                let (h, len) = class_char(t, whole)?;
                t = &t[len..];
                hi = h;
                if hi < lo {
                    let used = range_start.len() - t.len();
                    return Err(err(INVALID_RANGE, &range_start[..used]));
                }
            }
            push_char(&mut out, lo);
            if hi != lo {
                out.push('-');
                push_char(&mut out, hi);
            }
        }
        out.push(']');
        // `t` starts with the closing bracket.
        self.pos += whole.len() - t.len() + 1;
        self.out.push_str(&out);
        Ok(())
    }
}

/// One character inside a class: an escape or a literal.
fn class_char(t: &str, whole: &str) -> Result<(char, usize), SyntaxError> {
    match t.chars().next() {
        None => Err(err(MISSING_BRACKET, whole)),
        Some('\\') => parse_escape(t),
        Some(c) => Ok((c, c.len_utf8())),
    }
}

/// Go's `parseEscape` for a single-character escape at the start of `s`.
fn parse_escape(s: &str) -> Result<(char, usize), SyntaxError> {
    let mut it = s[1..].char_indices();
    let Some((_, c)) = it.next() else {
        return Err(err(TRAILING_BACKSLASH, ""));
    };
    let bad = |len: usize| {
        // Include the whole character the offending byte belongs to.
        let mut end = len.min(s.len());
        while !s.is_char_boundary(end) {
            end += 1;
        }
        err(INVALID_ESCAPE, &s[..end])
    };
    let clen = 1 + c.len_utf8();
    match c {
        '1'..='7' if !s[2..].starts_with(|d: char| ('0'..='7').contains(&d)) => Err(bad(clen)),
        '0'..='7' => {
            let digits: String = s[1..]
                .chars()
                .take(3)
                .take_while(|d| ('0'..='7').contains(d))
                .collect();
            let v = u32::from_str_radix(&digits, 8).unwrap_or(0);
            Ok((char::from_u32(v).unwrap_or('\0'), 1 + digits.len()))
        }
        'x' => {
            let body = &s[2..];
            if let Some(braced) = body.strip_prefix('{') {
                let end = braced
                    .find(|ch: char| !ch.is_ascii_hexdigit())
                    .unwrap_or(braced.len());
                let hex = &braced[..end];
                let closed = braced[end..].starts_with('}');
                let v = u32::from_str_radix(hex, 16).ok().filter(|&v| v <= 0x10FFFF);
                match (closed, v.and_then(char::from_u32)) {
                    (true, Some(ch)) if !hex.is_empty() => Ok((ch, 3 + end + 1)),
                    _ => Err(bad(3 + end + usize::from(closed))),
                }
            } else {
                let hex: String = body.chars().take(2).collect();
                if hex.len() == 2 && hex.chars().all(|h| h.is_ascii_hexdigit()) {
                    let v = u32::from_str_radix(&hex, 16).unwrap_or(0);
                    Ok((char::from_u32(v).unwrap_or('\0'), 4))
                } else {
                    Err(bad(2
                        + hex.chars().take_while(char::is_ascii_hexdigit).count()
                        + 1))
                }
            }
        }
        'a' => Ok(('\x07', 2)),
        'f' => Ok(('\x0C', 2)),
        'n' => Ok(('\n', 2)),
        'r' => Ok(('\r', 2)),
        't' => Ok(('\t', 2)),
        'v' => Ok(('\x0B', 2)),
        c if c.is_ascii() && !c.is_ascii_alphanumeric() => Ok((c, 2)),
        _ => Err(bad(clen)),
    }
}

/// Go's `parseRepeat`: `{n}`, `{n,}` or `{n,m}` at the start of `s`, as
/// (min, max (-1: none), length). Numbers with leading zeros do not parse;
/// very long ones give -1 (rejected later as too big).
fn parse_repeat(s: &str) -> Option<(i64, i64, usize)> {
    let b = s.as_bytes();
    let mut i = 1;
    let num = |i: &mut usize| -> Option<i64> {
        let start = *i;
        while *i < b.len() && b[*i].is_ascii_digit() {
            *i += 1;
        }
        let digits = &s[start..*i];
        if digits.is_empty() || (digits.len() >= 2 && digits.starts_with('0')) {
            return None;
        }
        if digits.len() >= 8 {
            return Some(-1);
        }
        digits.parse().ok()
    };
    let min = num(&mut i)?;
    let max;
    if b.get(i) == Some(&b',') {
        i += 1;
        if b.get(i) == Some(&b'}') {
            max = -1;
        } else {
            max = num(&mut i)?;
            if max < 0 {
                // Too long: reported as an invalid count with min.
                return Some((min, 1001, i + 1)).filter(|_| b.get(i) == Some(&b'}'));
            }
        }
    } else {
        max = min;
    }
    if b.get(i) != Some(&b'}') {
        return None;
    }
    Some((min, max, i + 1))
}

#[cfg(test)]
mod tests;
