//! TOML as Helm's `toToml` / `fromToml` see it (BurntSushi/toml v1.6.0):
//! the encoder's layout (plain keys first, then tables; a blank line before
//! each top-level table and each `[[array]]` entry; two-space indentation
//! per nesting level; inline tables inside arrays) and a decoder for the
//! TOML that charts use.

use crate::num::format_float;
use crate::value::{Map, MapInner, Value};

use crate::yaml::MAX_DEPTH;

fn quote(s: &str) -> String {
    let mut out = String::from("\"");
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\u{8}' => out.push_str("\\b"),
            '\t' => out.push_str("\\t"),
            '\n' => out.push_str("\\n"),
            '\u{c}' => out.push_str("\\f"),
            '\r' => out.push_str("\\r"),
            c if (c as u32) < 0x20 || c as u32 == 0x7f => {
                out.push_str(&format!("\\u{:04x}", c as u32));
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

fn key_piece(k: &str) -> String {
    if !k.is_empty()
        && k.chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
    {
        k.to_string()
    } else {
        quote(k)
    }
}

fn key_path(key: &[String]) -> String {
    key.iter()
        .map(|k| key_piece(k))
        .collect::<Vec<_>>()
        .join(".")
}

const NIL_ELEMENT: &str = "toml: cannot encode array with nil element";

fn data(v: &Value) -> Value {
    match v {
        Value::Object(_) => v.to_data(),
        v => v.clone(),
    }
}

fn is_table(v: &Value) -> Result<bool, String> {
    Ok(match v {
        Value::Map(_) => true,
        Value::List(l) => is_table_array(l)?,
        _ => false,
    })
}

fn is_table_array(l: &[Value]) -> Result<bool, String> {
    if l.is_empty() {
        return Ok(false);
    }
    let mut all = true;
    for e in l {
        match data(e) {
            Value::Nil => return Err(NIL_ELEMENT.into()),
            Value::Map(_) => {}
            _ => all = false,
        }
    }
    Ok(all)
}

struct Enc {
    out: String,
}

impl Enc {
    fn newline(&mut self) {
        if !self.out.is_empty() {
            self.out.push('\n');
        }
    }
    fn indent(&mut self, key: &[String]) {
        for _ in 1..key.len() {
            self.out.push_str("  ");
        }
    }

    fn element(&mut self, v: &Value, depth: usize) -> Result<(), String> {
        if depth > MAX_DEPTH {
            return Err("toml: value nested too deeply".into());
        }
        match data(v) {
            Value::Nil => return Err(NIL_ELEMENT.into()),
            Value::Bool(b) => self.out.push_str(if b { "true" } else { "false" }),
            Value::Int(i) | Value::Int64(i) => self.out.push_str(&i.to_string()),
            Value::Float(f) => {
                if f.is_nan() {
                    if f.is_sign_negative() {
                        self.out.push('-');
                    }
                    self.out.push_str("nan");
                } else if f.is_infinite() {
                    self.out.push_str(if f < 0.0 { "-inf" } else { "inf" });
                } else {
                    let s = format_float(f, 'g', -1);
                    let add = !s.contains(['e', '.']);
                    self.out.push_str(&s);
                    if add {
                        self.out.push_str(".0");
                    }
                }
            }
            Value::String(s) => self.out.push_str(&quote(&s)),
            Value::List(l) => {
                self.out.push('[');
                for (i, e) in l.iter().enumerate() {
                    if i > 0 {
                        self.out.push_str(", ");
                    }
                    self.element(e, depth + 1)?;
                }
                self.out.push(']');
            }
            Value::Map(m) => {
                let (direct, sub) = split(&m.entries())?;
                self.out.push('{');
                let trail = !sub.is_empty();
                for (i, (k, e)) in direct.iter().enumerate() {
                    self.out.push_str(&key_piece(k));
                    self.out.push_str(" = ");
                    self.element(e, depth + 1)?;
                    if trail || i + 1 != direct.len() {
                        self.out.push_str(", ");
                    }
                }
                for (i, (k, e)) in sub.iter().enumerate() {
                    self.out.push_str(&key_piece(k));
                    self.out.push_str(" = ");
                    self.element(e, depth + 1)?;
                    if i + 1 != sub.len() {
                        self.out.push_str(", ");
                    }
                }
                self.out.push('}');
            }
            Value::Object(_) => self.out.push_str("{}"),
        }
        Ok(())
    }

    fn key_value(&mut self, key: &[String], v: &Value, depth: usize) -> Result<(), String> {
        if let Some(last) = key.last() {
            self.indent(key);
            self.out.push_str(&key_piece(last));
            self.out.push_str(" = ");
            self.element(v, depth)?;
            self.newline();
        } else {
            self.element(v, depth)?;
        }
        Ok(())
    }

    fn encode(&mut self, key: &[String], v: &Value, depth: usize) -> Result<(), String> {
        if depth > MAX_DEPTH {
            return Err("toml: value nested too deeply".into());
        }
        match data(v) {
            Value::Nil => Ok(()),
            Value::Map(m) => {
                if key.len() == 1 {
                    self.newline();
                }
                if !key.is_empty() {
                    self.indent(key);
                    self.out.push_str(&format!("[{}]", key_path(key)));
                    self.newline();
                }
                self.map(key, &m.entries(), depth)
            }
            Value::List(l) if is_table_array(&l)? => {
                if key.is_empty() {
                    return Err("toml: top-level values must be Go maps or structs".into());
                }
                for e in l.iter() {
                    self.newline();
                    self.indent(key);
                    self.out.push_str(&format!("[[{}]]", key_path(key)));
                    self.newline();
                    if let Value::Map(m) = data(e) {
                        self.map(key, &m.entries(), depth + 1)?;
                    }
                }
                Ok(())
            }
            other => self.key_value(key, &other, depth),
        }
    }

    fn map(
        &mut self,
        key: &[String],
        entries: &[(String, Value)],
        depth: usize,
    ) -> Result<(), String> {
        let (direct, sub) = split(entries)?;
        for (k, e) in direct.iter().chain(sub.iter()) {
            let mut kk = key.to_vec();
            kk.push(k.clone());
            self.encode(&kk, e, depth + 1)?;
        }
        Ok(())
    }
}

type Entries = Vec<(String, Value)>;

/// Plain keys and table keys, each sorted, nil values dropped.
fn split(entries: &[(String, Value)]) -> Result<(Entries, Entries), String> {
    let mut direct = Vec::new();
    let mut sub = Vec::new();
    for (k, v) in entries {
        let v = data(v);
        if is_table(&v)? {
            sub.push((k.clone(), v));
        } else if !v.is_nil() {
            direct.push((k.clone(), v));
        }
    }
    Ok((direct, sub))
}

/// BurntSushi/toml `NewEncoder(b).Encode(v)`: the text, or the encoder's
/// error message.
pub fn encode(v: &Value) -> Result<String, String> {
    let v = data(v);
    if v.is_nil() {
        return Err("reflect: call of reflect.Value.Type on zero Value".into());
    }
    let mut e = Enc { out: String::new() };
    e.encode(&[], &v, 0)?;
    Ok(e.out)
}

// ---------------------------------------------------------------------------
// Decoding

struct Dec<'a> {
    s: &'a str,
    i: usize,
    line: usize,
    /// The key being defined, for error messages (BurntSushi's "last key").
    last_key: String,
}

type R<T> = Result<T, String>;

impl Dec<'_> {
    fn err<T>(&self, msg: impl AsRef<str>) -> R<T> {
        if self.last_key.is_empty() {
            Err(format!("toml: line {}: {}", self.line, msg.as_ref()))
        } else {
            Err(format!(
                "toml: line {} (last key {:?}): {}",
                self.line,
                self.last_key,
                msg.as_ref()
            ))
        }
    }
    fn peek(&self) -> Option<char> {
        self.s[self.i..].chars().next()
    }
    fn bump(&mut self) -> Option<char> {
        let c = self.peek()?;
        self.i += c.len_utf8();
        if c == '\n' {
            self.line += 1;
        }
        Some(c)
    }
    fn eat(&mut self, c: char) -> bool {
        if self.peek() == Some(c) {
            self.bump();
            true
        } else {
            false
        }
    }
    fn ws(&mut self) {
        while matches!(self.peek(), Some(' ' | '\t')) {
            self.bump();
        }
    }
    fn comment(&mut self) {
        if self.peek() == Some('#') {
            while !matches!(self.peek(), None | Some('\n')) {
                self.bump();
            }
        }
    }
    /// Whitespace, comments and newlines.
    fn blank(&mut self) {
        loop {
            self.ws();
            self.comment();
            match self.peek() {
                Some('\n') => {
                    self.bump();
                }
                Some('\r') if self.s[self.i..].starts_with("\r\n") => {
                    self.bump();
                }
                _ => return,
            }
        }
    }
    fn end_of_line(&mut self) -> R<()> {
        self.ws();
        self.comment();
        match self.peek() {
            None => Ok(()),
            Some('\n') => {
                self.bump();
                Ok(())
            }
            Some('\r') if self.s[self.i..].starts_with("\r\n") => {
                self.bump();
                self.bump();
                Ok(())
            }
            Some(c) => self.err(format!("expected a top-level item to end with a newline, comment, or EOF, but got {c:?} instead")),
        }
    }

    fn key(&mut self) -> R<Vec<String>> {
        let mut parts = Vec::new();
        loop {
            self.ws();
            let part = match self.peek() {
                Some('"') => {
                    self.bump();
                    self.basic_string()?
                }
                Some('\'') => {
                    self.bump();
                    self.literal_string()?
                }
                _ => {
                    let st = self.i;
                    while matches!(self.peek(), Some(c) if c.is_ascii_alphanumeric() || c == '_' || c == '-')
                    {
                        self.bump();
                    }
                    if st == self.i {
                        return match self.peek() {
                            Some(c) => self.err(format!("bare keys cannot contain {c:?}")),
                            None => self.err("unexpected EOF; expected key"),
                        };
                    }
                    self.s[st..self.i].to_string()
                }
            };
            parts.push(part);
            self.ws();
            if !self.eat('.') {
                return Ok(parts);
            }
        }
    }

    fn basic_string(&mut self) -> R<String> {
        let mut out = String::new();
        loop {
            if self.peek() == Some('\n') {
                return self.err("strings cannot contain newlines");
            }
            match self.bump() {
                None => return self.err("unexpected EOF; expected '\"'"),
                Some('"') => return Ok(out),
                Some('\\') => out.push(self.escape()?),
                Some(c) => out.push(c),
            }
        }
    }

    fn escape(&mut self) -> R<char> {
        let c = self.bump();
        Ok(match c {
            Some('b') => '\u{8}',
            Some('t') => '\t',
            Some('n') => '\n',
            Some('f') => '\u{c}',
            Some('r') => '\r',
            Some('e') => '\u{1b}',
            Some('"') => '"',
            Some('\\') => '\\',
            Some(u @ ('u' | 'U' | 'x')) => {
                let n = match u {
                    'x' => 2,
                    'u' => 4,
                    _ => 8,
                };
                let st = self.i;
                for _ in 0..n {
                    if !matches!(self.peek(), Some(c) if c.is_ascii_hexdigit()) {
                        return self.err("invalid escape sequence");
                    }
                    self.bump();
                }
                let cp = u32::from_str_radix(&self.s[st..self.i], 16).unwrap_or(0xFFFD);
                match char::from_u32(cp) {
                    Some(c) => c,
                    None => return self.err(format!("invalid unicode escape: \\{u}{}", &self.s[st..self.i])),
                }
            }
            Some(c) => return self.err(format!("invalid escape character {c:?}; only the following escape characters are allowed: \\b, \\t, \\n, \\f, \\r, \\\", \\\\, \\x, \\uXXXX, and \\UXXXXXXXX")),
            None => return self.err("unexpected EOF"),
        })
    }

    fn literal_string(&mut self) -> R<String> {
        let st = self.i;
        loop {
            match self.peek() {
                Some('\n') => return self.err("strings cannot contain newlines"),
                None => return self.err("unexpected EOF; expected \"'\""),
                Some('\'') => {
                    let s = self.s[st..self.i].to_string();
                    self.bump();
                    return Ok(s);
                }
                Some(_) => {
                    self.bump();
                }
            }
        }
    }

    fn ml_string(&mut self, literal: bool) -> R<String> {
        let delim = if literal { "'''" } else { "\"\"\"" };
        // A newline right after the opening delimiter is trimmed.
        if self.s[self.i..].starts_with("\r\n") {
            self.bump();
            self.bump();
        } else if self.peek() == Some('\n') {
            self.bump();
        }
        let mut out = String::new();
        loop {
            if self.s[self.i..].starts_with(delim) {
                // Up to two extra quotes may precede the closing delimiter.
                let mut n = 3;
                while n < 5 && self.s[self.i + n..].starts_with(&delim[..1]) {
                    n += 1;
                }
                for _ in 0..n - 3 {
                    out.push(delim.as_bytes()[0] as char);
                }
                for _ in 0..n {
                    self.bump();
                }
                return Ok(out);
            }
            match self.bump() {
                None => return self.err(format!("unexpected EOF; expected {delim}")),
                Some('\\') if !literal => {
                    // Line-ending backslash: trim the break and following whitespace.
                    let rest = &self.s[self.i..];
                    let trimmed = rest.trim_start_matches([' ', '\t']);
                    if trimmed.starts_with('\n') || trimmed.starts_with("\r\n") {
                        while matches!(self.peek(), Some(' ' | '\t' | '\n' | '\r')) {
                            self.bump();
                        }
                    } else {
                        out.push(self.escape()?);
                    }
                }
                Some(c) => out.push(c),
            }
        }
    }

    fn value(&mut self, depth: usize) -> R<Value> {
        if depth > MAX_DEPTH {
            return self.err("nested too deeply");
        }
        self.ws();
        let rest = &self.s[self.i..];
        if rest.starts_with("\"\"\"") {
            self.i += 3;
            return Ok(Value::from(self.ml_string(false)?));
        }
        if rest.starts_with("'''") {
            self.i += 3;
            return Ok(Value::from(self.ml_string(true)?));
        }
        match self.peek() {
            Some('"') => {
                self.bump();
                Ok(Value::from(self.basic_string()?))
            }
            Some('\'') => {
                self.bump();
                Ok(Value::from(self.literal_string()?))
            }
            Some('[') => {
                self.bump();
                let mut items = Vec::new();
                loop {
                    self.blank();
                    if self.eat(']') {
                        return Ok(Value::list(items));
                    }
                    items.push(self.value(depth + 1)?);
                    self.blank();
                    if self.eat(',') {
                        continue;
                    }
                    self.blank();
                    if self.eat(']') {
                        return Ok(Value::list(items));
                    }
                    return match self.peek() {
                        Some(c) => self.err(format!(
                            "expected a comma (',') or array terminator (']'), but got {c:?}"
                        )),
                        None => self.err("unexpected EOF; expected ']'"),
                    };
                }
            }
            Some('{') => {
                self.bump();
                let t = Map::new();
                self.ws();
                if self.eat('}') {
                    return Ok(Value::Map(t));
                }
                loop {
                    let k = self.key()?;
                    if !self.eat('=') {
                        return self.err("expected '=' after key");
                    }
                    let v = self.value(depth + 1)?;
                    insert_dotted(&t, &[], &k, v).or_else(|m| self.err(m))?;
                    self.ws();
                    if self.eat(',') {
                        continue;
                    }
                    if self.eat('}') {
                        return Ok(Value::Map(t));
                    }
                    return self.err("expected a comma (',') or inline table terminator ('}')");
                }
            }
            Some(_) => self.scalar(),
            None => self.err("unexpected EOF; expected value"),
        }
    }

    fn scalar(&mut self) -> R<Value> {
        let st = self.i;
        while matches!(self.peek(), Some(c) if !matches!(c, ',' | ']' | '}' | '\n' | '\r' | '#' | ' ' | '\t'))
        {
            self.bump();
        }
        // Local date-times may contain one space between date and time.
        if self.peek() == Some(' ')
            && self.s[st..self.i].len() == 10
            && self.s[self.i + 1..].starts_with(|c: char| c.is_ascii_digit())
        {
            self.bump();
            while matches!(self.peek(), Some(c) if !matches!(c, ',' | ']' | '}' | '\n' | '\r' | '#' | ' ' | '\t'))
            {
                self.bump();
            }
        }
        let tok = &self.s[st..self.i];
        match tok {
            "true" => return Ok(Value::Bool(true)),
            "false" => return Ok(Value::Bool(false)),
            "inf" | "+inf" => return Ok(Value::Float(f64::INFINITY)),
            "-inf" => return Ok(Value::Float(f64::NEG_INFINITY)),
            "nan" | "+nan" | "-nan" => return Ok(Value::Float(f64::NAN)),
            _ => {}
        }
        if let Some(v) = parse_int(tok) {
            return Ok(Value::Int64(v));
        }
        if let Some(f) = parse_float(tok) {
            return Ok(Value::Float(f));
        }
        if let Some(dt) = datetime_json(tok) {
            return Ok(Value::from(dt));
        }
        if tok.is_empty() {
            return match self.peek() {
                Some(c) => self.err(format!("expected value but found {c:?} instead")),
                None => self.err("unexpected EOF; expected value"),
            };
        }
        self.err(format!("expected value but found {tok:?} instead"))
    }
}

fn valid_underscores(s: &str, digit: impl Fn(char) -> bool) -> bool {
    let b: Vec<char> = s.chars().collect();
    if b.is_empty() || !b.iter().all(|&c| c == '_' || digit(c)) {
        return false;
    }
    for (i, &c) in b.iter().enumerate() {
        if c == '_' && (i == 0 || i + 1 == b.len() || b[i + 1] == '_') {
            return false;
        }
    }
    true
}

fn parse_int(tok: &str) -> Option<i64> {
    for (p, radix) in [("0x", 16), ("0o", 8), ("0b", 2)] {
        if let Some(rest) = tok.strip_prefix(p) {
            if !valid_underscores(rest, |c| c.is_digit(radix)) {
                return None;
            }
            return i64::from_str_radix(&rest.replace('_', ""), radix).ok();
        }
    }
    let digits = tok.strip_prefix(['+', '-']).unwrap_or(tok);
    if !valid_underscores(digits, |c| c.is_ascii_digit()) {
        return None;
    }
    if digits.len() > 1 && digits.starts_with('0') {
        return None;
    }
    tok.replace('_', "").parse().ok()
}

fn parse_float(tok: &str) -> Option<f64> {
    let body = tok.strip_prefix(['+', '-']).unwrap_or(tok);
    let (mant, exp) = match body.find(['e', 'E']) {
        Some(i) => (&body[..i], Some(&body[i + 1..])),
        None => (body, None),
    };
    let (int, frac) = match mant.split_once('.') {
        Some((a, b)) => (a, Some(b)),
        None => (mant, None),
    };
    if frac.is_none() && exp.is_none() {
        return None;
    }
    if !valid_underscores(int, |c| c.is_ascii_digit()) || (int.len() > 1 && int.starts_with('0')) {
        return None;
    }
    if let Some(f) = frac
        && !valid_underscores(f, |c| c.is_ascii_digit())
    {
        return None;
    }
    if let Some(e) = exp {
        let e = e.strip_prefix(['+', '-']).unwrap_or(e);
        if !valid_underscores(e, |c| c.is_ascii_digit()) {
            return None;
        }
    }
    tok.replace('_', "").parse().ok()
}

/// A TOML date-time as Go's JSON encoding of the decoded `time.Time`
/// prints it (RFC 3339; local values are taken as UTC).
fn datetime_json(tok: &str) -> Option<String> {
    let b = tok.as_bytes();
    let digits =
        |r: std::ops::Range<usize>| b.get(r).is_some_and(|x| x.iter().all(u8::is_ascii_digit));
    let time = |t: &str| -> Option<(String, usize)> {
        let tb = t.as_bytes();
        if tb.len() < 8 || tb[2] != b':' || tb[5] != b':' {
            return None;
        }
        if !(tb[..2].iter().chain(&tb[3..5]).chain(&tb[6..8])).all(u8::is_ascii_digit) {
            return None;
        }
        let mut out = t[..8].to_string();
        let mut n = 8;
        if tb.get(8) == Some(&b'.') {
            let st = 9;
            n = st;
            while n < tb.len() && tb[n].is_ascii_digit() {
                n += 1;
            }
            if n == st {
                return None;
            }
            let frac = t[st..n.min(st + 9)].trim_end_matches('0');
            if !frac.is_empty() {
                out.push('.');
                out.push_str(frac);
            }
        }
        Some((out, n))
    };
    if b.len() >= 8 && b[2] == b':' {
        let (t, n) = time(tok)?;
        return (n == tok.len()).then(|| format!("0000-01-01T{t}Z"));
    }
    if b.len() < 10
        || !digits(0..4)
        || b[4] != b'-'
        || !digits(5..7)
        || b[7] != b'-'
        || !digits(8..10)
    {
        return None;
    }
    let date = &tok[..10];
    if b.len() == 10 {
        return Some(format!("{date}T00:00:00Z"));
    }
    if !matches!(b[10], b'T' | b't' | b' ') {
        return None;
    }
    let (t, n) = time(&tok[11..])?;
    let zone = &tok[11 + n..];
    let zone = match zone {
        "" | "Z" | "z" => "Z".to_string(),
        z if z.len() == 6 && matches!(z.as_bytes()[0], b'+' | b'-') && z.as_bytes()[3] == b':' => {
            if &z[1..] == "00:00" {
                "Z".to_string()
            } else {
                z.to_string()
            }
        }
        _ => return None,
    };
    Some(format!("{date}T{t}{zone}"))
}

fn insert_dotted(t: &Map, prefix: &[String], key: &[String], v: Value) -> Result<(), String> {
    let full: Vec<String> = prefix.iter().chain(key).cloned().collect();
    let Some((last, parents)) = key.split_last() else {
        return Ok(());
    };
    let mut m = t.clone();
    for p in parents {
        m = match m.get(p) {
            Some(Value::Map(x)) => x,
            Some(_) => {
                return Err(format!(
                    "Key '{}' has already been defined.",
                    key_path(&full)
                ));
            }
            None => {
                let x = Map::new();
                m.insert(p.clone(), Value::Map(x.clone()));
                x
            }
        };
    }
    if m.contains_key(last) {
        return Err(format!(
            "Key '{}' has already been defined.",
            key_path(&full)
        ));
    }
    m.insert(last.clone(), v);
    Ok(())
}

/// `toml.Unmarshal` into `map[string]interface{}` (integers are int64,
/// date-times are kept as their text).
pub fn decode(text: &str) -> Result<MapInner, String> {
    let mut d = Dec {
        s: text,
        i: 0,
        line: 1,
        last_key: String::new(),
    };
    let root = Map::new();
    let mut current = root.clone();
    let mut prefix: Vec<String> = Vec::new();
    let mut defined: std::collections::HashSet<Vec<String>> = std::collections::HashSet::new();
    loop {
        d.blank();
        match d.peek() {
            None => break,
            Some('[') => {
                d.bump();
                let array = d.eat('[');
                d.last_key.clear();
                let key = d.key()?;
                if !d.eat(']') || (array && !d.eat(']')) {
                    return d.err("expected ']' to close table header");
                }
                d.end_of_line()?;
                if !array && !defined.insert(key.clone()) {
                    d.line -= 1;
                    return d.err(format!(
                        "Key '{}' has already been defined.",
                        key_path(&key)
                    ));
                }
                prefix = key.clone();
                let (parents, last) = key.split_at(key.len() - 1);
                let mut m = root.clone();
                for p in parents {
                    m = match m.get(p) {
                        Some(Value::Map(x)) => x,
                        Some(Value::List(l)) => match l.last() {
                            Some(Value::Map(x)) => x.clone(),
                            _ => return d.err(format!("key {:?} is not a table", p)),
                        },
                        Some(_) => return d.err(format!("key {:?} is not a table", p)),
                        None => {
                            let x = Map::new();
                            m.insert(p.clone(), Value::Map(x.clone()));
                            x
                        }
                    };
                }
                let name = &last[0];
                if array {
                    let t = Map::new();
                    let mut list = match m.get(name) {
                        Some(Value::List(l)) => l.as_ref().clone(),
                        None => Vec::new(),
                        Some(_) => {
                            return d.err(format!("key {:?} is already defined", key_path(&key)));
                        }
                    };
                    list.push(Value::Map(t.clone()));
                    m.insert(name.clone(), Value::list(list));
                    current = t;
                } else {
                    current = match m.get(name) {
                        Some(Value::Map(x)) => x,
                        None => {
                            let x = Map::new();
                            m.insert(name.clone(), Value::Map(x.clone()));
                            x
                        }
                        Some(_) => {
                            return d.err(format!(
                                "Key '{}' has already been defined.",
                                key_path(&key)
                            ));
                        }
                    };
                }
            }
            Some(_) => {
                if d.peek() == Some('=') {
                    return d.err("unexpected '=': key name appears blank");
                }
                let key = d.key()?;
                if !d.eat('=') {
                    return match d.peek() {
                        Some(c) => d.err(format!("expected '.' or '=', but got {c:?} instead")),
                        None => d.err("unexpected EOF; expected '.' or '='"),
                    };
                }
                d.last_key = key_path(&prefix.iter().chain(&key).cloned().collect::<Vec<_>>());
                let v = d.value(0)?;
                insert_dotted(&current, &prefix, &key, v).or_else(|m| d.err(m))?;
                d.last_key.clear();
                d.end_of_line()?;
            }
        }
    }
    let out = root.0.borrow().clone();
    Ok(out)
}
