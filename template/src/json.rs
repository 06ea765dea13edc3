//! Go's `encoding/json` as templates observe it: `json.Marshal` /
//! `MarshalIndent` / an `Encoder` without HTML escaping, and `json.Unmarshal`
//! into `interface{}` (every number a float64) with Go's error messages.

use crate::num::format_float as go_format_float;
use crate::value::{MapInner, Value};

/// Nesting beyond which encoding gives up, reported as Go reports a cyclic
/// value (Go only gives up on real cycles; see [`crate::yaml::MAX_DEPTH`]).
use crate::yaml::MAX_DEPTH;

/// How `encoding/json` writes a float64 (`'f'` format unless the exponent is
/// below -6 or at least 21, then `'e'` with a two-digit minimum exponent
/// shortened: `1e-07` becomes `1e-7`).
pub fn format_float(f: f64) -> String {
    let abs = f.abs();
    let exp_form = abs != 0.0 && !(1e-6..1e21).contains(&abs);
    if !exp_form {
        return go_format_float(f, 'f', -1);
    }
    let mut s = go_format_float(f, 'e', -1);
    let n = s.len();
    if n >= 4 && &s[n - 4..n - 2] == "e-" && s.as_bytes()[n - 2] == b'0' {
        s.remove(n - 2);
    }
    s
}

fn write_string(out: &mut String, s: &str, escape_html: bool) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '<' | '>' | '&' if escape_html => {
                out.push_str(&format!("\\u{:04x}", c as u32));
            }
            c if (c as u32) < 0x20 => out.push_str(&format!("\\u{:04x}", c as u32)),
            '\u{2028}' => out.push_str("\\u2028"),
            '\u{2029}' => out.push_str("\\u2029"),
            c => out.push(c),
        }
    }
    out.push('"');
}

struct Enc {
    out: String,
    escape_html: bool,
    /// `Some(indent)` for `MarshalIndent(v, "", indent)`.
    indent: Option<&'static str>,
    /// Integral floats get a `.0` (see [`marshal_typed`]).
    typed: bool,
}

impl Enc {
    fn newline(&mut self, depth: usize) {
        if let Some(ind) = self.indent {
            self.out.push('\n');
            for _ in 0..depth {
                self.out.push_str(ind);
            }
        }
    }

    fn value(&mut self, v: &Value, depth: usize) -> Result<(), String> {
        if depth > MAX_DEPTH {
            return Err(
                "json: unsupported value: encountered a cycle via map[string]interface {}".into(),
            );
        }
        match v {
            Value::Nil => self.out.push_str("null"),
            Value::Bool(b) => self.out.push_str(if *b { "true" } else { "false" }),
            Value::Int(i) | Value::Int64(i) => self.out.push_str(&i.to_string()),
            Value::Float(f) => {
                if !f.is_finite() {
                    return Err(format!(
                        "json: unsupported value: {}",
                        go_format_float(*f, 'g', -1)
                    ));
                }
                let start = self.out.len();
                self.out.push_str(&format_float(*f));
                if self.typed && !self.out[start..].contains(['.', 'e', 'E']) {
                    self.out.push_str(".0");
                }
            }
            Value::String(s) => write_string(&mut self.out, s, self.escape_html),
            Value::List(l) => {
                self.out.push('[');
                if !l.is_empty() {
                    for (i, e) in l.iter().enumerate() {
                        if i > 0 {
                            self.out.push(',');
                        }
                        self.newline(depth + 1);
                        self.value(e, depth + 1)?;
                    }
                    self.newline(depth);
                }
                self.out.push(']');
            }
            Value::Map(m) => {
                self.out.push('{');
                let entries = m.entries();
                if !entries.is_empty() {
                    for (i, (k, e)) in entries.iter().enumerate() {
                        if i > 0 {
                            self.out.push(',');
                        }
                        self.newline(depth + 1);
                        write_string(&mut self.out, k, self.escape_html);
                        self.out.push(':');
                        if self.indent.is_some() {
                            self.out.push(' ');
                        }
                        self.value(e, depth + 1)?;
                    }
                    self.newline(depth);
                }
                self.out.push('}');
            }
            Value::Object(o) => match o.as_data() {
                Some(d) => self.value(&d, depth + 1)?,
                None => self.out.push_str("{}"),
            },
        }
        Ok(())
    }
}

fn encode(v: &Value, escape_html: bool, indent: Option<&'static str>) -> Result<String, String> {
    let mut e = Enc {
        out: String::new(),
        escape_html,
        indent,
        typed: false,
    };
    e.value(v, 0)?;
    Ok(e.out)
}

/// JSON for [`unmarshal_typed`]: like `json.Marshal`, but a float64 always
/// has a fraction or exponent (`1.0`, `1e+21`), so it reads back as a float.
pub fn marshal_typed(v: &Value) -> Result<String, String> {
    let mut e = Enc {
        out: String::new(),
        escape_html: false,
        indent: None,
        typed: true,
    };
    e.value(v, 0)?;
    Ok(e.out)
}

/// `json.Marshal(v)`.
pub fn marshal(v: &Value) -> Result<String, String> {
    encode(v, true, None)
}

/// `json.MarshalIndent(v, "", "  ")`.
pub fn marshal_indent(v: &Value) -> Result<String, String> {
    encode(v, true, Some("  "))
}

/// A `json.Encoder` with `SetEscapeHTML(false)`, trailing newline removed.
pub fn marshal_raw(v: &Value) -> Result<String, String> {
    encode(v, false, None)
}

/// Go's `quoteChar` for scanner errors.
fn quote_char(c: char) -> String {
    match c {
        '\'' => "'\\''".into(),
        '"' => "'\"'".into(),
        c => {
            let q = go_quote_rune(c);
            format!("'{q}'")
        }
    }
}

/// `strconv.Quote(string(c))` without the surrounding quotes.
fn go_quote_rune(c: char) -> String {
    match c {
        '\u{7}' => "\\a".into(),
        '\u{8}' => "\\b".into(),
        '\u{c}' => "\\f".into(),
        '\n' => "\\n".into(),
        '\r' => "\\r".into(),
        '\t' => "\\t".into(),
        '\u{b}' => "\\v".into(),
        '\\' => "\\\\".into(),
        c if (c as u32) < 0x20 || c as u32 == 0x7f => format!("\\x{:02x}", c as u32),
        c if c.is_control() => {
            if (c as u32) < 0x10000 {
                format!("\\u{:04x}", c as u32)
            } else {
                format!("\\U{:08x}", c as u32)
            }
        }
        c => c.to_string(),
    }
}

struct Dec<'a> {
    s: &'a str,
    b: &'a [u8],
    i: usize,
    depth: usize,
    /// Integers without fraction or exponent become `int64` (see [`unmarshal_typed`]).
    typed: bool,
}

type DResult<T> = Result<T, String>;

impl Dec<'_> {
    fn peek_char(&self) -> Option<char> {
        self.s.get(self.i..).and_then(|r| r.chars().next())
    }
    fn err_here(&self, ctx: &str) -> String {
        match self.peek_char() {
            None => "unexpected end of JSON input".into(),
            Some(c) => format!("invalid character {} {ctx}", quote_char(c)),
        }
    }
    fn ws(&mut self) {
        while self.i < self.b.len() && matches!(self.b[self.i], b' ' | b'\t' | b'\n' | b'\r') {
            self.i += 1;
        }
    }
    fn value(&mut self) -> DResult<Value> {
        self.ws();
        let Some(&c) = self.b.get(self.i) else {
            return Err("unexpected end of JSON input".into());
        };
        match c {
            b'{' => {
                self.depth += 1;
                if self.depth > MAX_DEPTH {
                    return Err(format!("exceeded max depth of {MAX_DEPTH}"));
                }
                self.i += 1;
                let mut m = MapInner::new();
                self.ws();
                if self.b.get(self.i) == Some(&b'}') {
                    self.i += 1;
                    self.depth -= 1;
                    return Ok(Value::map(m));
                }
                loop {
                    self.ws();
                    if self.b.get(self.i) != Some(&b'"') {
                        return Err(self.err_here("looking for beginning of object key string"));
                    }
                    let k = self.string()?;
                    self.ws();
                    if self.b.get(self.i) != Some(&b':') {
                        return Err(self.err_here("after object key"));
                    }
                    self.i += 1;
                    let v = self.value()?;
                    m.insert(k, v);
                    self.ws();
                    match self.b.get(self.i) {
                        Some(b',') => self.i += 1,
                        Some(b'}') => {
                            self.i += 1;
                            break;
                        }
                        _ => return Err(self.err_here("after object key:value pair")),
                    }
                }
                self.depth -= 1;
                Ok(Value::map(m))
            }
            b'[' => {
                self.depth += 1;
                if self.depth > MAX_DEPTH {
                    return Err(format!("exceeded max depth of {MAX_DEPTH}"));
                }
                self.i += 1;
                let mut v = Vec::new();
                self.ws();
                if self.b.get(self.i) == Some(&b']') {
                    self.i += 1;
                    self.depth -= 1;
                    return Ok(Value::list(v));
                }
                loop {
                    v.push(self.value()?);
                    self.ws();
                    match self.b.get(self.i) {
                        Some(b',') => self.i += 1,
                        Some(b']') => {
                            self.i += 1;
                            break;
                        }
                        _ => return Err(self.err_here("after array element")),
                    }
                }
                self.depth -= 1;
                Ok(Value::list(v))
            }
            b'"' => Ok(Value::from(self.string()?)),
            b't' => self.literal("true", Value::Bool(true)),
            b'f' => self.literal("false", Value::Bool(false)),
            b'n' => self.literal("null", Value::Nil),
            b'-' | b'0'..=b'9' => self.number(),
            _ => Err(self.err_here("looking for beginning of value")),
        }
    }

    fn literal(&mut self, word: &str, v: Value) -> DResult<Value> {
        let w = word.as_bytes();
        self.i += 1;
        for &expect in &w[1..] {
            match self.b.get(self.i) {
                Some(&c) if c == expect => self.i += 1,
                Some(_) => {
                    return Err(self.err_here(&format!(
                        "in literal {word} (expecting {})",
                        quote_char(expect as char)
                    )));
                }
                None => return Err("unexpected end of JSON input".into()),
            }
        }
        Ok(v)
    }

    fn number(&mut self) -> DResult<Value> {
        let start = self.i;
        let digits = |d: &mut Self| {
            let st = d.i;
            while d.i < d.b.len() && d.b[d.i].is_ascii_digit() {
                d.i += 1;
            }
            d.i - st
        };
        if self.b[self.i] == b'-' {
            self.i += 1;
        }
        match self.b.get(self.i) {
            Some(b'0') => self.i += 1,
            Some(b'1'..=b'9') => {
                digits(self);
            }
            _ => return Err(self.err_here("in numeric literal")),
        }
        if self.b.get(self.i) == Some(&b'.') {
            self.i += 1;
            if digits(self) == 0 {
                return Err(self.err_here("in numeric literal"));
            }
        }
        if matches!(self.b.get(self.i), Some(b'e' | b'E')) {
            self.i += 1;
            if matches!(self.b.get(self.i), Some(b'+' | b'-')) {
                self.i += 1;
            }
            if digits(self) == 0 {
                return Err(self.err_here("in numeric literal"));
            }
        }
        let text = &self.s[start..self.i];
        if self.typed
            && !text.contains(['.', 'e', 'E'])
            && let Ok(i) = text.parse::<i64>()
        {
            return Ok(Value::Int64(i));
        }
        match text.parse::<f64>() {
            Ok(f) if f.is_finite() => Ok(Value::Float(f)),
            _ => Err(format!(
                "json: cannot unmarshal number {text} into Go value of type float64"
            )),
        }
    }

    /// Go's "invalid escape sequence" error for the escape whose
    /// character (after the backslash) starts at `self.i`.
    fn bad_escape(&self) -> String {
        let start = self.i.saturating_sub(1);
        let rest = self.s.get(start..).unwrap_or("");
        let take = if rest[1..].starts_with('u') { 6 } else { 2 };
        let seq: String = rest.chars().take(take).collect();
        format!("invalid escape sequence `{seq}` in string")
    }

    fn hex4(&mut self) -> DResult<u32> {
        let start = self.i;
        let mut n = 0;
        for _ in 0..4 {
            match self.b.get(self.i).and_then(|&c| (c as char).to_digit(16)) {
                Some(d) => {
                    n = n * 16 + d;
                    self.i += 1;
                }
                None => {
                    self.i = start - 1;
                    return Err(self.bad_escape());
                }
            }
        }
        Ok(n)
    }

    fn string(&mut self) -> DResult<String> {
        self.i += 1; // opening quote
        let mut out = String::new();
        loop {
            let Some(c) = self.peek_char() else {
                return Err("unexpected end of JSON input".into());
            };
            match c {
                '"' => {
                    self.i += 1;
                    return Ok(out);
                }
                '\\' => {
                    self.i += 1;
                    let Some(&e) = self.b.get(self.i) else {
                        return Err("unexpected end of JSON input".into());
                    };
                    let simple = match e {
                        b'"' => Some('"'),
                        b'\\' => Some('\\'),
                        b'/' => Some('/'),
                        b'b' => Some('\u{8}'),
                        b'f' => Some('\u{c}'),
                        b'n' => Some('\n'),
                        b'r' => Some('\r'),
                        b't' => Some('\t'),
                        b'u' => None,
                        _ => return Err(self.bad_escape()),
                    };
                    self.i += 1;
                    match simple {
                        Some(ch) => out.push(ch),
                        None => {
                            let u = self.hex4()?;
                            if (0xD800..0xDC00).contains(&u)
                                && self.b.get(self.i) == Some(&b'\\')
                                && self.b.get(self.i + 1) == Some(&b'u')
                            {
                                let save = self.i;
                                self.i += 2;
                                let lo = self.hex4()?;
                                if (0xDC00..0xE000).contains(&lo) {
                                    let cp = 0x10000 + ((u - 0xD800) << 10) + (lo - 0xDC00);
                                    out.push(char::from_u32(cp).unwrap_or('\u{FFFD}'));
                                } else {
                                    out.push('\u{FFFD}');
                                    self.i = save;
                                }
                            } else {
                                out.push(char::from_u32(u).unwrap_or('\u{FFFD}'));
                            }
                        }
                    }
                }
                c if (c as u32) < 0x20 => return Err(self.err_here("in string")),
                c => {
                    out.push(c);
                    self.i += c.len_utf8();
                }
            }
        }
    }
}

/// `json.Unmarshal(text, &v)` with `v interface{}`.
pub fn unmarshal(text: &str) -> Result<Value, String> {
    decode(text, false)
}

/// Decodes JSON written by [`marshal_typed`]: a number without fraction or
/// exponent is an `int64`, any other a `float64`. This is how values cross the
/// plugin boundary without losing the distinction Helm templates observe.
pub fn unmarshal_typed(text: &str) -> Result<Value, String> {
    decode(text, true)
}

fn decode(text: &str, typed: bool) -> Result<Value, String> {
    let mut d = Dec {
        s: text,
        b: text.as_bytes(),
        i: 0,
        depth: 0,
        typed,
    };
    let v = d.value()?;
    d.ws();
    if d.i < d.b.len() {
        return Err(d.err_here("after top-level value"));
    }
    Ok(v)
}

fn kind(v: &Value) -> &'static str {
    match v {
        Value::Bool(_) => "bool",
        Value::String(_) => "string",
        Value::List(_) => "array",
        Value::Map(_) => "object",
        _ => "number",
    }
}

/// `json.Unmarshal` into `map[string]interface{}` (`null` leaves it empty).
pub fn unmarshal_map(text: &str) -> Result<MapInner, String> {
    match unmarshal(text)? {
        Value::Nil => Ok(MapInner::new()),
        Value::Map(m) => Ok(m.0.borrow().clone()),
        v => Err(format!(
            "json: cannot unmarshal {} into Go value of type map[string]interface {{}}",
            kind(&v)
        )),
    }
}

/// `json.Unmarshal` into `[]interface{}` (`null` leaves it empty).
pub fn unmarshal_list(text: &str) -> Result<Vec<Value>, String> {
    match unmarshal(text)? {
        Value::Nil => Ok(Vec::new()),
        Value::List(l) => Ok(l.as_ref().clone()),
        v => Err(format!(
            "json: cannot unmarshal {} into Go value of type []interface {{}}",
            kind(&v)
        )),
    }
}

#[cfg(test)]
mod typed_tests {
    use super::*;

    #[test]
    fn typed_round_trip_keeps_int64_and_float64_apart() {
        let v = unmarshal_typed(
            r#"{"a":1,"b":1.0,"c":-3,"d":1e+21,"e":[2,2.5],"f":99999999999999999999}"#,
        )
        .unwrap();
        let m = v.as_map().unwrap();
        assert_eq!(m.get("a"), Some(Value::Int64(1)));
        assert_eq!(m.get("b"), Some(Value::Float(1.0)));
        assert_eq!(m.get("c"), Some(Value::Int64(-3)));
        assert_eq!(m.get("d"), Some(Value::Float(1e21)));
        assert_eq!(m.get("f"), Some(Value::Float(1e20)));
        let text = marshal_typed(&v).unwrap();
        assert_eq!(
            text,
            r#"{"a":1,"b":1.0,"c":-3,"d":1e+21,"e":[2,2.5],"f":100000000000000000000.0}"#
        );
        assert_eq!(unmarshal_typed(&text).unwrap(), v);
        // Plain decoding keeps Go's float64-for-everything.
        assert_eq!(unmarshal("1").unwrap(), Value::Float(1.0));
    }
}
