//! Helm's `--set` grammar (`pkg/strvals`): `a.b=c,l[0]=x,m.l[1].k=v`,
//! `{a,b}` lists, `\` escapes; with the typing of `--set` (int64, bool,
//! null), `--set-string` (strings), `--set-file` (file contents),
//! `--set-json` (JSON values) and `--set-literal` (the rest of the argument
//! as one string). Error messages are Helm's.

use whelm_template::Value;
use whelm_template::value::Map;

/// Largest list index accepted.
pub const MAX_INDEX: i64 = 65536;
/// Deepest `a.b.c…` nesting accepted.
pub const MAX_NESTED_NAME_LEVEL: usize = 30;

enum PErr {
    Eof,
    NotList,
    Msg(String),
}

impl From<String> for PErr {
    fn from(s: String) -> Self {
        PErr::Msg(s)
    }
}

type FileReader<'a> = &'a dyn Fn(&str) -> Result<Value, String>;

enum Mode<'a> {
    Typed { strings: bool },
    File(FileReader<'a>),
    Json,
    Literal,
}

struct Parser<'a> {
    s: Vec<char>,
    pos: usize,
    mode: Mode<'a>,
}

/// What Go prints for `x.(T)` failing on a value of `v`'s type.
fn conversion_panic(v: &Value, want: &str) -> PErr {
    let have = match v {
        Value::Nil => "nil".to_string(),
        v => v.type_name(),
    };
    PErr::Msg(format!(
        "unable to parse key: interface conversion: interface {{}} is {have}, not {want}"
    ))
}

const LIST_T: &str = "[]interface {}";
const MAP_T: &str = "map[string]interface {}";

fn set(data: &Map, key: &str, v: Value) {
    if !key.is_empty() {
        data.insert(key, v);
    }
}

fn set_index(mut list: Vec<Value>, index: i64, v: Value) -> Result<Vec<Value>, PErr> {
    if index < 0 {
        return Err(PErr::Msg(format!("negative {index} index not allowed")));
    }
    if index > MAX_INDEX {
        return Err(PErr::Msg(format!(
            "index of {index} is greater than maximum supported index of {MAX_INDEX}"
        )));
    }
    let i = index as usize;
    if list.len() <= i {
        list.resize(i + 1, Value::Nil);
    }
    list[i] = v;
    Ok(list)
}

/// Go's `typedVal`.
fn typed_val(v: &str, strings: bool) -> Value {
    if strings {
        return Value::str(v);
    }
    if v.eq_ignore_ascii_case("true") {
        return Value::Bool(true);
    }
    if v.eq_ignore_ascii_case("false") {
        return Value::Bool(false);
    }
    if v.eq_ignore_ascii_case("null") {
        return Value::Nil;
    }
    if v == "0" {
        return Value::Int64(0);
    }
    if !v.is_empty() && !v.starts_with('0') {
        let digits = v.strip_prefix(['+', '-']).unwrap_or(v);
        if !digits.is_empty()
            && digits.bytes().all(|b| b.is_ascii_digit())
            && let Ok(i) = v.parse::<i64>()
        {
            return Value::Int64(i);
        }
    }
    Value::str(v)
}

/// Go's `strconv.Atoi` error text.
fn atoi(s: &str) -> Result<i64, String> {
    let digits = s.strip_prefix(['+', '-']).unwrap_or(s);
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return Err(format!("strconv.Atoi: parsing {s:?}: invalid syntax"));
    }
    s.parse::<i64>()
        .map_err(|_| format!("strconv.Atoi: parsing {s:?}: value out of range"))
}

/// Where the first JSON value of `s` ends (after leading spaces), as
/// `json.Decoder.Decode` would consume it.
fn json_value_end(s: &str) -> usize {
    let b = s.as_bytes();
    let mut i = 0;
    while i < b.len() && matches!(b[i], b' ' | b'\t' | b'\n' | b'\r') {
        i += 1;
    }
    if i >= b.len() {
        return i;
    }
    match b[i] {
        b'{' | b'[' => {
            let mut depth = 0usize;
            let mut in_str = false;
            while i < b.len() {
                let c = b[i];
                if in_str {
                    if c == b'\\' {
                        i += 1;
                    } else if c == b'"' {
                        in_str = false;
                    }
                } else {
                    match c {
                        b'"' => in_str = true,
                        b'{' | b'[' => depth += 1,
                        b'}' | b']' => {
                            depth -= 1;
                            if depth == 0 {
                                return i + 1;
                            }
                        }
                        _ => {}
                    }
                }
                i += 1;
            }
            b.len()
        }
        b'"' => {
            i += 1;
            while i < b.len() {
                match b[i] {
                    b'\\' => i += 1,
                    b'"' => return i + 1,
                    _ => {}
                }
                i += 1;
            }
            b.len()
        }
        _ => {
            while i < b.len() && !matches!(b[i], b' ' | b'\t' | b'\n' | b'\r' | b',' | b']' | b'}')
            {
                i += 1;
            }
            i
        }
    }
}

impl Parser<'_> {
    fn read(&mut self) -> Option<char> {
        let c = self.s.get(self.pos).copied();
        if c.is_some() {
            self.pos += 1;
        }
        c
    }

    fn unread(&mut self) {
        self.pos -= 1;
    }

    /// Go's `runesUntil` (`runesUntilLiteral` without escapes): the runes
    /// before a stop rune, and that rune (`None` at the end of input).
    fn until(&mut self, stop: &[char]) -> (String, Option<char>) {
        let escapes = !matches!(self.mode, Mode::Literal);
        let mut v = String::new();
        loop {
            match self.read() {
                None => return (v, None),
                Some(c) if stop.contains(&c) => return (v, Some(c)),
                Some('\\') if escapes => match self.read() {
                    None => return (v, None),
                    Some(n) => v.push(n),
                },
                Some(c) => v.push(c),
            }
        }
    }

    fn parse(&mut self, data: &Map) -> Result<(), String> {
        loop {
            match self.key(data, 0) {
                Ok(()) => {}
                Err(PErr::Eof) => return Ok(()),
                Err(PErr::NotList) => return Err("not a list".into()),
                Err(PErr::Msg(m)) => return Err(m),
            }
        }
    }

    fn reader(&self, rs: &str) -> Result<Value, PErr> {
        match &self.mode {
            Mode::Typed { strings } => Ok(typed_val(rs, *strings)),
            Mode::File(f) => f(rs).map_err(PErr::Msg),
            Mode::Json | Mode::Literal => Ok(Value::str(rs)),
        }
    }

    fn key(&mut self, data: &Map, mut level: usize) -> Result<(), PErr> {
        let literal = matches!(self.mode, Mode::Literal);
        let stop: &[char] = if literal {
            &['=', '[', '.']
        } else {
            &['=', '[', ',', '.']
        };
        let (k, last) = self.until(stop);
        match last {
            None => {
                if k.is_empty() {
                    Err(PErr::Eof)
                } else {
                    Err(PErr::Msg(format!("key {k:?} has no value")))
                }
            }
            Some('[') => {
                let i = self
                    .key_index()
                    .map_err(|e| PErr::Msg(format!("error parsing index: {e}")))?;
                let list = match data.get(&k) {
                    None => Vec::new(),
                    Some(Value::List(l)) => l.as_ref().clone(),
                    Some(v) => return Err(conversion_panic(&v, LIST_T)),
                };
                let (list, err) = match self.list_item(list.clone(), i, level) {
                    Ok(l) => (l, None),
                    Err((l, e)) => (l, Some(e)),
                };
                set(data, &k, Value::list(list));
                err.map_or(Ok(()), Err)
            }
            Some('=') => {
                if literal {
                    let (v, _) = self.until(&[]);
                    set(data, &k, Value::str(v));
                    return Ok(());
                }
                if matches!(self.mode, Mode::Json) {
                    if self.empty_val() {
                        set(data, &k, Value::Nil);
                        return Ok(());
                    }
                    let v = self.json_value()?;
                    set(data, &k, v);
                    self.empty_val();
                    return Ok(());
                }
                match self.val_list() {
                    Ok(vl) => {
                        set(data, &k, Value::list(vl));
                        Ok(())
                    }
                    Err(PErr::Eof) => {
                        set(data, &k, Value::str(""));
                        Err(PErr::Eof)
                    }
                    Err(PErr::NotList) => {
                        let (rs, _) = self.until(&[',']);
                        let v = self.reader(&rs)?;
                        set(data, &k, v);
                        Ok(())
                    }
                    Err(e) => Err(e),
                }
            }
            Some(',') => {
                set(data, &k, Value::str(""));
                Err(PErr::Msg(format!(
                    "key {k:?} has no value (cannot end with ,)"
                )))
            }
            Some(_) => {
                // '.'
                level += 1;
                if level > MAX_NESTED_NAME_LEVEL {
                    return Err(PErr::Msg(format!(
                        "value name nested level is greater than maximum supported nested level of {MAX_NESTED_NAME_LEVEL}"
                    )));
                }
                let inner = match data.get(&k) {
                    None => Map::new(),
                    Some(Value::Map(m)) => m,
                    Some(v) => return Err(conversion_panic(&v, MAP_T)),
                };
                let e = self.key(&inner, level);
                if e.is_ok() && inner.is_empty() {
                    return Err(PErr::Msg(format!("key map {k:?} has no value")));
                }
                if !inner.is_empty() {
                    set(data, &k, Value::Map(inner));
                }
                e
            }
        }
    }

    fn key_index(&mut self) -> Result<i64, String> {
        let escapes_off = matches!(self.mode, Mode::Literal);
        let _ = escapes_off;
        let (v, last) = self.until(&[']']);
        if last.is_none() {
            return Err("EOF".into());
        }
        atoi(&v)
    }

    fn empty_val(&mut self) -> bool {
        loop {
            match self.read() {
                None | Some(',') => return true,
                Some(c) if c.is_whitespace() => {}
                Some(_) => {
                    self.unread();
                    return false;
                }
            }
        }
    }

    fn json_value(&mut self) -> Result<Value, PErr> {
        let rest: String = self.s[self.pos..].iter().collect();
        let end = json_value_end(&rest);
        let v = whelm_template::json::unmarshal(&rest[..end]).map_err(PErr::Msg)?;
        self.pos += rest[..end].chars().count();
        Ok(v)
    }

    fn val_list(&mut self) -> Result<Vec<Value>, PErr> {
        match self.read() {
            None => return Err(PErr::Eof),
            Some('{') => {}
            Some(_) => {
                self.unread();
                return Err(PErr::NotList);
            }
        }
        let mut list = Vec::new();
        loop {
            let (rs, last) = self.until(&[',', '}']);
            match last {
                None => return Err(PErr::Msg("list must terminate with '}'".into())),
                Some('}') => {
                    match self.read() {
                        Some(',') | None => {}
                        Some(_) => self.unread(),
                    }
                    list.push(self.reader(&rs)?);
                    return Ok(list);
                }
                Some(_) => list.push(self.reader(&rs)?),
            }
        }
    }

    fn list_item(
        &mut self,
        list: Vec<Value>,
        i: i64,
        level: usize,
    ) -> Result<Vec<Value>, (Vec<Value>, PErr)> {
        if i < 0 {
            return Err((list, PErr::Msg(format!("negative {i} index not allowed"))));
        }
        let (k, last) = self.until(&['[', '.', '=']);
        if !k.is_empty() {
            return Err((
                list,
                PErr::Msg(format!("unexpected data at end of array index: {k:?}")),
            ));
        }
        let wrap = |list: Vec<Value>| move |e: PErr| (list, e);
        match last {
            None => Err((list, PErr::Eof)),
            Some('=') => {
                if matches!(self.mode, Mode::Literal) {
                    let (v, _) = self.until(&[]);
                    return set_index(list.clone(), i, Value::str(v)).map_err(wrap(list));
                }
                if matches!(self.mode, Mode::Json) {
                    if self.empty_val() {
                        return set_index(list.clone(), i, Value::Nil).map_err(wrap(list));
                    }
                    let v = self.json_value().map_err(wrap(list.clone()))?;
                    let out = set_index(list.clone(), i, v).map_err(wrap(list))?;
                    self.empty_val();
                    return Ok(out);
                }
                match self.val_list() {
                    Ok(vl) => set_index(list.clone(), i, Value::list(vl)).map_err(wrap(list)),
                    Err(PErr::Eof) => {
                        set_index(list.clone(), i, Value::str("")).map_err(wrap(list))
                    }
                    Err(PErr::NotList) => {
                        let (rs, _) = self.until(&[',']);
                        let v = self.reader(&rs).map_err(wrap(list.clone()))?;
                        set_index(list.clone(), i, v).map_err(wrap(list))
                    }
                    Err(e) => Err((list, e)),
                }
            }
            Some('[') => {
                let next = match self.key_index() {
                    Ok(n) => n,
                    Err(e) => {
                        return Err((list, PErr::Msg(format!("error parsing index: {e}"))));
                    }
                };
                let cur = match list.get(i as usize) {
                    None | Some(Value::Nil) => Vec::new(),
                    Some(Value::List(l)) => l.as_ref().clone(),
                    Some(v) => {
                        let e = conversion_panic(v, LIST_T);
                        return Err((list, e));
                    }
                };
                let inner = self
                    .list_item(cur, next, level)
                    .map_err(|(_, e)| (list.clone(), e))?;
                set_index(list.clone(), i, Value::list(inner)).map_err(wrap(list))
            }
            Some(_) => {
                // '.'
                let inner = match list.get(i as usize) {
                    Some(Value::Map(m)) => m.clone(),
                    _ => Map::new(),
                };
                if let Err(e) = self.key(&inner, level) {
                    return Err((list, e));
                }
                set_index(list.clone(), i, Value::Map(inner)).map_err(wrap(list))
            }
        }
    }
}

fn run(s: &str, data: &Map, mode: Mode<'_>) -> Result<(), String> {
    Parser {
        s: s.chars().collect(),
        pos: 0,
        mode,
    }
    .parse(data)
}

/// `strvals.ParseInto` (`--set`) or `ParseIntoString` (`--set-string`).
pub fn parse_into(s: &str, dest: &Map, strings: bool) -> Result<(), String> {
    run(s, dest, Mode::Typed { strings })
}

/// `strvals.Parse`: a new map.
pub fn parse(s: &str) -> Result<Map, String> {
    let m = Map::new();
    parse_into(s, &m, false)?;
    Ok(m)
}

/// `strvals.ParseIntoFile` (`--set-file`): values are paths given to `reader`.
pub fn parse_file_into(
    s: &str,
    dest: &Map,
    reader: &dyn Fn(&str) -> Result<Value, String>,
) -> Result<(), String> {
    run(s, dest, Mode::File(reader))
}

/// `strvals.ParseJSON` (`--set-json` in `key=json` form).
pub fn parse_json_into(s: &str, dest: &Map) -> Result<(), String> {
    run(s, dest, Mode::Json)
}

/// `strvals.ParseLiteralInto` (`--set-literal`).
pub fn parse_literal_into(s: &str, dest: &Map) -> Result<(), String> {
    run(s, dest, Mode::Literal)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn j(m: &Map) -> String {
        whelm_template::json::marshal(&Value::Map(m.clone())).unwrap()
    }

    fn ok(s: &str) -> String {
        j(&parse(s).unwrap_or_else(|e| panic!("{s}: {e}")))
    }

    fn err(s: &str) -> String {
        parse(s).unwrap_err()
    }

    #[test]
    fn grammar() {
        assert_eq!(ok("a=b"), r#"{"a":"b"}"#);
        assert_eq!(ok("a.b=c,d=1"), r#"{"a":{"b":"c"},"d":1}"#);
        assert_eq!(
            ok("a=1,b=true,c=null,d=0,e=010,f=-3,g=1.5,h=TRUE"),
            r#"{"a":1,"b":true,"c":null,"d":0,"e":"010","f":-3,"g":"1.5","h":true}"#
        );
        assert_eq!(ok("a={x,y,z}"), r#"{"a":["x","y","z"]}"#);
        assert_eq!(ok("a[0]=x,a[2]=z"), r#"{"a":["x",null,"z"]}"#);
        assert_eq!(ok("a[0].b=1,a[0].c=2"), r#"{"a":[{"b":1,"c":2}]}"#);
        assert_eq!(ok("a[0][1]=x"), r#"{"a":[[null,"x"]]}"#);
        assert_eq!(ok(r"a\.b=c\,d"), r#"{"a.b":"c,d"}"#);
        assert_eq!(ok("a="), r#"{"a":""}"#);
        assert_eq!(ok("a=x=y"), r#"{"a":"x=y"}"#);
        assert_eq!(
            ok("name=9223372036854775808"),
            r#"{"name":"9223372036854775808"}"#
        );
        assert_eq!(ok(""), "{}");
    }

    #[test]
    fn typing_is_int64() {
        let m = parse("a=5").unwrap();
        assert!(matches!(m.get("a"), Some(Value::Int64(5))));
    }

    #[test]
    fn errors() {
        assert_eq!(err("a"), r#"key "a" has no value"#);
        assert_eq!(err("a,b=c"), r#"key "a" has no value (cannot end with ,)"#);
        assert_eq!(err("a.=c"), r#"key map "a" has no value"#);
        assert_eq!(
            err("a[x]=c"),
            r#"error parsing index: strconv.Atoi: parsing "x": invalid syntax"#
        );
        assert_eq!(err("a[-1]=c"), "negative -1 index not allowed");
        assert_eq!(
            err("a[70000]=c"),
            "index of 70000 is greater than maximum supported index of 65536"
        );
        assert_eq!(
            err("a[0]x=c"),
            r#"unexpected data at end of array index: "x""#
        );
        assert_eq!(err("a={x,y"), "list must terminate with '}'");
        assert_eq!(
            err("a=1,a[0]=2"),
            "unable to parse key: interface conversion: interface {} is int64, not []interface {}"
        );
        assert_eq!(
            err("a=1,a.b=2"),
            "unable to parse key: interface conversion: interface {} is int64, not map[string]interface {}"
        );
        let deep = (0..32)
            .map(|i| format!("k{i}"))
            .collect::<Vec<_>>()
            .join(".")
            + "=1";
        assert_eq!(
            err(&deep),
            "value name nested level is greater than maximum supported nested level of 30"
        );
    }

    #[test]
    fn string_json_literal_file() {
        let m = Map::new();
        parse_into("a=1,b=true", &m, true).unwrap();
        assert_eq!(j(&m), r#"{"a":"1","b":"true"}"#);
        let m = Map::new();
        parse_json_into(r#"a={"b":[1,"x"]},c=null,d=,e="s""#, &m).unwrap();
        assert_eq!(j(&m), r#"{"a":{"b":[1,"x"]},"c":null,"d":null,"e":"s"}"#);
        assert!(parse_json_into("a={bad", &Map::new()).is_err());
        let m = Map::new();
        parse_literal_into(r"a.b=x,y\z=w", &m).unwrap();
        assert_eq!(j(&m), r#"{"a":{"b":"x,y\\z=w"}}"#);
        let m = Map::new();
        let reader = |p: &str| Ok(Value::str(format!("<{p}>")));
        parse_file_into("a=f1,b[0]=f2", &m, &reader).unwrap();
        assert_eq!(j(&m), r#"{"a":"\u003cf1\u003e","b":["\u003cf2\u003e"]}"#);
    }
}
