//! JSON as jsonschema's `UnmarshalJSON` reads a schema: a `json.Decoder`
//! with `UseNumber` (numbers keep their text), one value, nothing after it.
//! Errors are worded as Go's decoder words them (`unexpected EOF`, `invalid
//! character 'x' looking for beginning of value`, …).

use std::collections::BTreeMap;

use whelm_template::Value;

use super::num::Num;

/// A JSON value. Objects are sorted by key: Go iterates its maps in random
/// order, and a fixed order keeps whelm's output stable.
#[derive(Clone, Debug, PartialEq)]
pub enum Json {
    Null,
    Bool(bool),
    Num(Num),
    Str(String),
    Arr(Vec<Json>),
    Obj(BTreeMap<String, Json>),
}

impl Json {
    pub fn as_obj(&self) -> Option<&BTreeMap<String, Json>> {
        match self {
            Json::Obj(m) => Some(m),
            _ => None,
        }
    }

    pub fn as_str(&self) -> Option<&str> {
        match self {
            Json::Str(s) => Some(s),
            _ => None,
        }
    }

    /// The instance form of chart values.
    pub fn from_value(v: &Value) -> Json {
        match v {
            Value::Nil => Json::Null,
            Value::Bool(b) => Json::Bool(*b),
            Value::String(s) => Json::Str(s.to_string()),
            Value::Int(i) | Value::Int64(i) => Json::Num(Num::from_i64(*i)),
            Value::Float(f) => Json::Num(Num::from_f64(*f)),
            Value::List(l) => Json::Arr(l.iter().map(Json::from_value).collect()),
            Value::Map(m) => Json::Obj(
                m.entries()
                    .into_iter()
                    .map(|(k, v)| (k, Json::from_value(&v)))
                    .collect(),
            ),
            // Anything else does not come out of values files or flags;
            // validate its string form.
            other => Json::Str(whelm_template::gofmt::sprintf(
                "%v",
                std::slice::from_ref(other),
            )),
        }
    }
}

/// Nesting whelm accepts in a schema document. Go's decoder allows 10000
/// levels, but compiling and meta-validating such a document costs time and
/// memory quadratic in its depth (helm takes minutes); no real schema comes
/// near this.
const MAX_DEPTH: usize = 1000;

/// Parses a schema document as jsonschema's `UnmarshalJSON` does.
pub fn parse(text: &[u8]) -> Result<Json, String> {
    let text = String::from_utf8_lossy(text);
    let mut p = Parser {
        s: &text,
        b: text.as_bytes(),
        i: 0,
        depth: 0,
    };
    p.ws();
    if p.i == p.b.len() {
        return Err("EOF".into());
    }
    let v = p.value()?;
    p.ws();
    if p.i < p.b.len() {
        return Err("invalid character after top-level value".into());
    }
    Ok(v)
}

struct Parser<'a> {
    s: &'a str,
    b: &'a [u8],
    i: usize,
    depth: usize,
}

/// Go's `quoteChar`: the offending byte, as a rune, quoted.
fn quote_char(b: u8) -> String {
    match b {
        b'\'' => r"'\''".into(),
        b'"' => r#"'"'"#.into(),
        b'\\' => r"'\\'".into(),
        b'\n' => r"'\n'".into(),
        b'\r' => r"'\r'".into(),
        b'\t' => r"'\t'".into(),
        0x07 => r"'\a'".into(),
        0x08 => r"'\b'".into(),
        0x0b => r"'\v'".into(),
        0x0c => r"'\f'".into(),
        c if c < 0x20 || c == 0x7f => format!("'\\x{c:02x}'"),
        c if (0x80..0xa0).contains(&c) => format!("'\\u{c:04x}'"),
        c => format!("'{}'", c as char),
    }
}

impl Parser<'_> {
    fn peek_char(&self) -> Option<char> {
        self.s.get(self.i..).and_then(|r| r.chars().next())
    }

    /// A syntax error at the current position; the end of input mid-value
    /// is `unexpected EOF` for a decoder.
    fn err(&self, ctx: &str) -> String {
        match self.b.get(self.i) {
            None => "unexpected EOF".into(),
            Some(&c) => format!("invalid character {} {ctx}", quote_char(c)),
        }
    }

    fn ws(&mut self) {
        while self.i < self.b.len() && matches!(self.b[self.i], b' ' | b'\t' | b'\n' | b'\r') {
            self.i += 1;
        }
    }

    fn value(&mut self) -> Result<Json, String> {
        self.ws();
        let Some(&c) = self.b.get(self.i) else {
            return Err("unexpected EOF".into());
        };
        match c {
            b'{' => {
                self.enter()?;
                self.i += 1;
                let mut m = BTreeMap::new();
                self.ws();
                if self.b.get(self.i) == Some(&b'}') {
                    self.i += 1;
                    self.depth -= 1;
                    return Ok(Json::Obj(m));
                }
                loop {
                    self.ws();
                    if self.b.get(self.i) != Some(&b'"') {
                        return Err(self.err("looking for beginning of object key string"));
                    }
                    let k = self.string()?;
                    self.ws();
                    if self.b.get(self.i) != Some(&b':') {
                        return Err(self.err("after object key"));
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
                        _ => return Err(self.err("after object key:value pair")),
                    }
                }
                self.depth -= 1;
                Ok(Json::Obj(m))
            }
            b'[' => {
                self.enter()?;
                self.i += 1;
                let mut v = Vec::new();
                self.ws();
                if self.b.get(self.i) == Some(&b']') {
                    self.i += 1;
                    self.depth -= 1;
                    return Ok(Json::Arr(v));
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
                        _ => return Err(self.err("after array element")),
                    }
                }
                self.depth -= 1;
                Ok(Json::Arr(v))
            }
            b'"' => Ok(Json::Str(self.string()?)),
            b't' => self.literal("true", Json::Bool(true)),
            b'f' => self.literal("false", Json::Bool(false)),
            b'n' => self.literal("null", Json::Null),
            b'-' | b'0'..=b'9' => self.number(),
            _ => Err(self.err("looking for beginning of value")),
        }
    }

    fn enter(&mut self) -> Result<(), String> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return Err(format!("exceeded max depth of {MAX_DEPTH}"));
        }
        Ok(())
    }

    fn literal(&mut self, word: &str, v: Json) -> Result<Json, String> {
        let w = word.as_bytes();
        self.i += 1;
        for &expect in &w[1..] {
            match self.b.get(self.i) {
                Some(&c) if c == expect => self.i += 1,
                Some(_) => {
                    return Err(self.err(&format!(
                        "in literal {word} (expecting {})",
                        quote_char(expect)
                    )));
                }
                None => return Err("unexpected EOF".into()),
            }
        }
        Ok(v)
    }

    fn number(&mut self) -> Result<Json, String> {
        let start = self.i;
        let digits = |p: &mut Self| {
            let st = p.i;
            while p.i < p.b.len() && p.b[p.i].is_ascii_digit() {
                p.i += 1;
            }
            p.i - st
        };
        if self.b[self.i] == b'-' {
            self.i += 1;
        }
        match self.b.get(self.i) {
            Some(b'0') => self.i += 1,
            Some(b'1'..=b'9') => {
                digits(self);
            }
            _ => return Err(self.err("in numeric literal")),
        }
        if self.b.get(self.i) == Some(&b'.') {
            self.i += 1;
            if digits(self) == 0 {
                return Err(self.err("after decimal point in numeric literal"));
            }
        }
        if matches!(self.b.get(self.i), Some(b'e' | b'E')) {
            self.i += 1;
            if matches!(self.b.get(self.i), Some(b'+' | b'-')) {
                self.i += 1;
            }
            if digits(self) == 0 {
                return Err(self.err("in exponent of numeric literal"));
            }
        }
        let text = &self.s[start..self.i];
        Num::parse(text)
            .map(Json::Num)
            .ok_or_else(|| format!("invalid number {text}"))
    }

    fn hex4(&mut self) -> Result<u32, String> {
        let mut n = 0;
        for _ in 0..4 {
            match self.b.get(self.i).and_then(|&c| (c as char).to_digit(16)) {
                Some(d) => {
                    n = n * 16 + d;
                    self.i += 1;
                }
                None => return Err(self.err("in \\u hexadecimal character escape")),
            }
        }
        Ok(n)
    }

    fn string(&mut self) -> Result<String, String> {
        self.i += 1;
        let mut out = String::new();
        loop {
            let Some(c) = self.peek_char() else {
                return Err("unexpected EOF".into());
            };
            match c {
                '"' => {
                    self.i += 1;
                    return Ok(out);
                }
                '\\' => {
                    self.i += 1;
                    let Some(&e) = self.b.get(self.i) else {
                        return Err("unexpected EOF".into());
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
                        _ => return Err(self.err("in string escape code")),
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
                c if (c as u32) < 0x20 => return Err(self.err("in string literal")),
                c => {
                    out.push(c);
                    self.i += c.len_utf8();
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decoder_errors() {
        // Wording of Go's json.Decoder, as helm 4.3.1 prints it for a
        // broken values.schema.json (see tests/helm-cli).
        assert_eq!(parse(b"").unwrap_err(), "EOF");
        assert_eq!(parse(b" \n").unwrap_err(), "EOF");
        assert_eq!(parse(b"{\"type\":").unwrap_err(), "unexpected EOF");
        assert_eq!(
            parse(b"{\"type\": \"object\"} trailing").unwrap_err(),
            "invalid character after top-level value"
        );
        assert_eq!(
            parse(b"{type: 1}").unwrap_err(),
            "invalid character 't' looking for beginning of object key string"
        );
        // whelm's own limit (see MAX_DEPTH), below Go's 10000.
        let deep = format!("{}{}", "[".repeat(1001), "]".repeat(1001));
        assert_eq!(
            parse(deep.as_bytes()).unwrap_err(),
            "exceeded max depth of 1000"
        );
        let v = parse(br#"{"a":[1.50,true,null,"x\u00e9"]}"#).unwrap();
        let Json::Obj(m) = v else { panic!() };
        let Json::Arr(a) = &m["a"] else { panic!() };
        assert_eq!(a[0], Json::Num(Num::parse("1.50").unwrap()));
        assert_eq!(a[3], Json::Str("xé".into()));
    }
}
