//! Loading YAML the way Helm does (sigs.k8s.io/yaml over yaml.v2): libyaml
//! events are composed into a node tree, decoded with yaml.v2's rules
//! (YAML 1.1 resolution, merge keys, alias limits), then converted as if
//! through JSON: every number becomes a float64 and map keys become strings.

use std::collections::{HashMap, HashSet};

use libyaml_safer::{ErrorKind, EventData, Parser};

use super::resolve::{Resolved, TAG_PREFIX, resolve_hinted, short_tag, tag_of};
use super::{MAX_DEPTH, YamlError};
use crate::num::format_float;
use crate::value::{MapInner, Value};

/// A decoded yaml.v2 value (`interface{}` as yaml.v2 fills it).
#[derive(Clone, Debug)]
pub(crate) enum Y {
    Null,
    Bool(bool),
    Int(i64),
    Uint(u64),
    Float(f64),
    Str(String),
    Seq(Vec<Y>),
    Map(YMap),
}

/// A Go `map[interface{}]interface{}`: entries in insertion order, with
/// Go's key equality.
#[derive(Clone, Debug, Default)]
pub(crate) struct YMap {
    entries: Vec<(Y, Y)>,
    index: HashMap<KeyRepr, usize>,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq)]
enum KeyRepr {
    Null,
    Bool(bool),
    Int(i64),
    Uint(u64),
    Float(u64),
    Str(String),
    Unique(usize),
}

/// Go's map-key identity; `unique` for keys never equal to another.
fn key_repr(k: &Y, unique: usize) -> KeyRepr {
    match k {
        Y::Null => KeyRepr::Null,
        Y::Bool(b) => KeyRepr::Bool(*b),
        Y::Int(i) => KeyRepr::Int(*i),
        Y::Uint(u) => KeyRepr::Uint(*u),
        // NaN never equals itself; 0.0 == -0.0.
        Y::Float(f) if f.is_nan() => KeyRepr::Unique(unique),
        Y::Float(f) => KeyRepr::Float(if *f == 0.0 { 0 } else { f.to_bits() }),
        Y::Str(s) => KeyRepr::Str(s.clone()),
        Y::Seq(_) | Y::Map(_) => KeyRepr::Unique(unique),
    }
}

impl YMap {
    fn contains(&self, k: &Y) -> bool {
        match key_repr(k, usize::MAX) {
            KeyRepr::Unique(_) => false,
            repr => self.index.contains_key(&repr),
        }
    }

    fn insert(&mut self, k: Y, v: Y) {
        let repr = key_repr(&k, self.entries.len());
        match self.index.get(&repr) {
            Some(&i) => self.entries[i].1 = v,
            None => {
                self.index.insert(repr, self.entries.len());
                self.entries.push((k, v));
            }
        }
    }
}

enum Kind {
    Scalar {
        value: String,
        tag: Option<String>,
        plain: bool,
    },
    Seq(Vec<usize>),
    /// Keys and values interleaved.
    Map(Vec<usize>),
    Alias {
        name: String,
        target: usize,
    },
}

struct PNode {
    kind: Kind,
    /// 1-based line where the node starts.
    line: usize,
}

/// How a failure surfaces (which layer of sigs.k8s.io/yaml reports it).
enum Fail {
    /// yaml.v2 failure: message after `yaml: `.
    Yaml(String, usize, usize),
    /// convertToJSONableObject / json.Marshal failure (full message).
    Convert(String),
}

impl Fail {
    fn into_error(self) -> YamlError {
        match self {
            Fail::Yaml(m, line, column) => YamlError {
                line,
                column,
                message: format!("error converting YAML to JSON: yaml: {m}"),
            },
            Fail::Convert(m) => YamlError {
                line: 0,
                column: 0,
                message: format!("error converting YAML to JSON: {m}"),
            },
        }
    }
}

fn yaml_fail(msg: impl Into<String>) -> Fail {
    Fail::Yaml(msg.into(), 0, 0)
}

/// yaml.v2's `parser.fail()` wording for a libyaml error.
fn parser_fail(e: &libyaml_safer::Error) -> Fail {
    let pm = e.problem_mark().map(|m| m.line).unwrap_or(0);
    let cm = e.context_mark().map(|m| m.line).unwrap_or(0);
    let mut line = 0;
    if pm != 0 {
        line = pm;
        if e.kind() == ErrorKind::Scanner {
            line += 1;
        }
    } else if cm != 0 {
        line = cm;
    }
    let problem = e.problem();
    let problem = if problem.is_empty() {
        "unknown problem parsing YAML content"
    } else {
        problem
    };
    let msg = if line != 0 {
        format!("line {line}: {problem}")
    } else {
        problem.to_string()
    };
    let (real_line, col) = match e.problem_mark() {
        Some(m) => (m.line as usize + 1, m.column as usize + 1),
        None => (0, 0),
    };
    Fail::Yaml(msg, real_line, col)
}

struct Composer<'a, 'b> {
    parser: Parser<&'b mut &'a [u8]>,
    peeked: Option<libyaml_safer::Event>,
}

impl<'a, 'b> Composer<'a, 'b> {
    fn next(&mut self) -> Result<libyaml_safer::Event, Fail> {
        if let Some(ev) = self.peeked.take() {
            return Ok(ev);
        }
        self.parse()
    }
    fn parse(&mut self) -> Result<libyaml_safer::Event, Fail> {
        // libyaml-safer 0.3 panics ("TODO: What is expected here?") where
        // libyaml accepts a tag ended by `,` in a flow collection (`[!a, b]`);
        // turn any such panic into a parse error instead of aborting.
        let parser = &mut self.parser;
        match std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| parser.parse())) {
            Ok(r) => r.map_err(|e| parser_fail(&e)),
            Err(_) => Err(yaml_fail(
                "while scanning a tag: did not find expected whitespace or line break",
            )),
        }
    }
    /// What the next event is: `Some(true)` a document start, `Some(false)`
    /// the stream end, `None` anything else.
    fn peek_doc(&mut self) -> Result<Option<bool>, Fail> {
        if self.peeked.is_none() {
            let ev = self.parse()?;
            self.peeked = Some(ev);
        }
        Ok(match self.peeked.as_ref().map(|e| &e.data) {
            Some(EventData::DocumentStart { .. }) => Some(true),
            Some(EventData::StreamEnd) | None => Some(false),
            Some(_) => None,
        })
    }

    /// After DOCUMENT-START: compose the document's node tree (iteratively),
    /// consuming DOCUMENT-END. Returns the arena and the root.
    fn document(&mut self) -> Result<(Vec<PNode>, usize), Fail> {
        let mut nodes: Vec<PNode> = Vec::new();
        let mut anchors: HashMap<String, usize> = HashMap::new();
        let mut stack: Vec<usize> = Vec::new();
        let mut root = None;
        loop {
            let ev = self.next()?;
            let line = ev.start_mark.line as usize + 1;
            let column = ev.start_mark.column as usize + 1;
            let is_seq = matches!(ev.data, EventData::SequenceStart { .. });
            let (id, opens) = match ev.data {
                EventData::Scalar {
                    anchor,
                    tag,
                    value,
                    plain_implicit,
                    ..
                } => {
                    let id = nodes.len();
                    nodes.push(PNode {
                        kind: Kind::Scalar {
                            value,
                            tag,
                            plain: plain_implicit,
                        },
                        line,
                    });
                    if let Some(a) = anchor {
                        anchors.insert(a, id);
                    }
                    (id, false)
                }
                EventData::Alias { anchor } => {
                    let Some(&target) = anchors.get(&anchor) else {
                        return Err(Fail::Yaml(
                            format!("unknown anchor '{anchor}' referenced"),
                            line,
                            column,
                        ));
                    };
                    let id = nodes.len();
                    nodes.push(PNode {
                        kind: Kind::Alias {
                            name: anchor,
                            target,
                        },
                        line,
                    });
                    (id, false)
                }
                EventData::SequenceStart { anchor, .. }
                | EventData::MappingStart { anchor, .. } => {
                    if stack.len() >= MAX_DEPTH {
                        // Worded like yaml.v2's scanner limit (line shown
                        // from the second line on).
                        let msg = if line > 1 {
                            format!("line {line}: exceeded max depth of {MAX_DEPTH}")
                        } else {
                            format!("exceeded max depth of {MAX_DEPTH}")
                        };
                        return Err(Fail::Yaml(msg, line, column));
                    }
                    let id = nodes.len();
                    let kind = if is_seq {
                        Kind::Seq(Vec::new())
                    } else {
                        Kind::Map(Vec::new())
                    };
                    nodes.push(PNode { kind, line });
                    if let Some(a) = anchor {
                        anchors.insert(a, id);
                    }
                    (id, true)
                }
                EventData::SequenceEnd | EventData::MappingEnd => {
                    stack.pop();
                    continue;
                }
                EventData::DocumentEnd { .. } => {
                    return match root {
                        Some(r) => Ok((nodes, r)),
                        None => Err(yaml_fail(
                            "attempted to go past the end of stream; corrupted value?",
                        )),
                    };
                }
                _ => {
                    return Err(yaml_fail(
                        "attempted to go past the end of stream; corrupted value?",
                    ));
                }
            };
            match stack.last() {
                Some(&parent) => match &mut nodes[parent].kind {
                    Kind::Seq(c) | Kind::Map(c) => c.push(id),
                    _ => {}
                },
                None => root = Some(id),
            }
            if opens {
                stack.push(id);
            }
        }
    }
}

/// Parse the documents of `text` (only the first when `all` is false, like
/// yaml.v2's `Unmarshal`) and decode them.
pub(crate) fn decode_docs(text: &str, all: bool) -> Result<Vec<Y>, YamlError> {
    decode_docs_mode(text, all, false)
}

/// As [`decode_docs`], with yaml.v2's `UnmarshalStrict` check for keys set
/// twice in a mapping (all such keys are reported, as yaml.v2 does).
pub(crate) fn decode_docs_mode(text: &str, all: bool, strict: bool) -> Result<Vec<Y>, YamlError> {
    // libyaml-safer 0.3 panics on a block scalar that runs into the end of
    // input without a line break (`a: |-\n  x` with no final newline);
    // yaml.v2 reads that the same as with one, so add it — and keep error
    // lines pointing into the text as given.
    if text.is_empty() || text.ends_with('\n') {
        return decode_docs_terminated(text, all, strict);
    }
    let last_line = text.matches('\n').count() + 1;
    decode_docs_terminated(&format!("{text}\n"), all, strict).map_err(|mut e| {
        let past = format!("line {}:", last_line + 1);
        if e.line == last_line + 1 || e.message.contains(&format!("yaml: {past}")) {
            e.line = last_line;
            e.message = e.message.replacen(
                &format!("yaml: {past}"),
                &format!("yaml: line {last_line}:"),
                1,
            );
        }
        e
    })
}

fn decode_docs_terminated(text: &str, all: bool, strict: bool) -> Result<Vec<Y>, YamlError> {
    let mut bytes = text.as_bytes();
    let mut parser = Parser::new();
    parser.set_input_string(&mut bytes);
    let mut c = Composer {
        parser,
        peeked: None,
    };
    let mut out = Vec::new();
    let run = |c: &mut Composer, out: &mut Vec<Y>| -> Result<(), Fail> {
        match c.next()?.data {
            EventData::StreamStart { .. } => {}
            _ => return Err(yaml_fail("expected STREAM-START")),
        }
        loop {
            match c.peek_doc()? {
                Some(false) => return Ok(()),
                Some(true) => {
                    c.next()?;
                }
                None => return Err(yaml_fail("expected DOCUMENT-START")),
            }
            let (nodes, root) = c.document()?;
            let mut d = Decoder {
                nodes: &nodes,
                decode_count: 0,
                alias_count: 0,
                alias_depth: 0,
                active: HashSet::new(),
                depth: 0,
                strict,
                terrors: Vec::new(),
            };
            d.decode_count += 1; // the document node
            let y = d.unmarshal(root)?;
            if !d.terrors.is_empty() {
                return Err(yaml_fail(format!(
                    "unmarshal errors:\n  {}",
                    d.terrors.join("\n  ")
                )));
            }
            out.push(y);
            if !all {
                return Ok(());
            }
        }
    };
    run(&mut c, &mut out).map_err(Fail::into_error)?;
    Ok(out)
}

struct Decoder<'n> {
    nodes: &'n [PNode],
    decode_count: usize,
    alias_count: usize,
    alias_depth: usize,
    active: HashSet<usize>,
    depth: usize,
    /// yaml.v2 `UnmarshalStrict`: a key set twice is an error.
    strict: bool,
    terrors: Vec<String>,
}

fn allowed_alias_ratio(decode_count: usize) -> f64 {
    const LOW: usize = 400_000;
    const HIGH: usize = 4_000_000;
    if decode_count <= LOW {
        0.99
    } else if decode_count >= HIGH {
        0.10
    } else {
        0.99 - 0.89 * ((decode_count - LOW) as f64 / (HIGH - LOW) as f64)
    }
}

const BINARY_TAG: &str = "tag:yaml.org,2002:binary";

fn fail_want_map() -> Fail {
    yaml_fail("map merge requires map or sequence of maps as the value")
}

impl Decoder<'_> {
    /// yaml.v2 `decoder.unmarshal` bookkeeping: counts and the alias ratio.
    fn count(&mut self) -> Result<(), Fail> {
        self.decode_count += 1;
        if self.alias_depth > 0 {
            self.alias_count += 1;
        }
        if self.alias_count > 100
            && self.decode_count > 1000
            && self.alias_count as f64 / self.decode_count as f64
                > allowed_alias_ratio(self.decode_count)
        {
            return Err(yaml_fail("document contains excessive aliasing"));
        }
        Ok(())
    }

    fn enter(&mut self) -> Result<(), Fail> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return Err(yaml_fail(format!("exceeded max depth of {MAX_DEPTH}")));
        }
        Ok(())
    }

    fn unmarshal(&mut self, id: usize) -> Result<Y, Fail> {
        self.count()?;
        let nodes = self.nodes;
        match &nodes[id].kind {
            Kind::Alias { name, target } => {
                let target = *target;
                self.with_alias(id, name, |d| d.unmarshal(target))
            }
            Kind::Scalar { value, tag, plain } => scalar(value, tag.as_deref(), *plain),
            Kind::Seq(children) => {
                self.enter()?;
                let mut v = Vec::with_capacity(children.len());
                for &c in children {
                    v.push(self.unmarshal(c)?);
                }
                self.depth -= 1;
                Ok(Y::Seq(v))
            }
            Kind::Map(_) => {
                let mut m = YMap::default();
                self.mapping_into(id, &mut m)?;
                Ok(Y::Map(m))
            }
        }
    }

    fn with_alias<T>(
        &mut self,
        id: usize,
        name: &str,
        f: impl FnOnce(&mut Self) -> Result<T, Fail>,
    ) -> Result<T, Fail> {
        if !self.active.insert(id) {
            return Err(yaml_fail(format!("anchor '{name}' value contains itself")));
        }
        self.alias_depth += 1;
        let r = f(self);
        self.alias_depth -= 1;
        self.active.remove(&id);
        r
    }

    /// Decode a mapping node (or an alias to one) into an existing map.
    fn unmarshal_into(&mut self, id: usize, out: &mut YMap) -> Result<(), Fail> {
        self.count()?;
        let nodes = self.nodes;
        match &nodes[id].kind {
            Kind::Alias { name, target } => {
                let target = *target;
                self.with_alias(id, name, |d| d.unmarshal_into(target, out))
            }
            Kind::Map(_) => self.mapping_into(id, out),
            _ => Err(fail_want_map()),
        }
    }

    fn mapping_into(&mut self, id: usize, out: &mut YMap) -> Result<(), Fail> {
        let nodes = self.nodes;
        let Kind::Map(children) = &nodes[id].kind else {
            return Err(fail_want_map());
        };
        self.enter()?;
        for pair in children.chunks(2) {
            let (k, v) = (pair[0], pair.get(1).copied());
            if is_merge(&nodes[k].kind) {
                if let Some(v) = v {
                    self.merge(v, out)?;
                }
                continue;
            }
            let key = self.unmarshal(k)?;
            if matches!(key, Y::Seq(_) | Y::Map(_)) {
                return Err(yaml_fail(format!("invalid map key: {}", go_sharp_v(&key))));
            }
            let val = match v {
                Some(v) => self.unmarshal(v)?,
                None => Y::Null,
            };
            if self.strict && out.contains(&key) {
                let line = v.map(|v| nodes[v].line).unwrap_or(nodes[k].line);
                self.terrors.push(format!(
                    "line {line}: key {} already set in map",
                    go_sharp_v(&key)
                ));
                continue;
            }
            out.insert(key, val);
        }
        self.depth -= 1;
        Ok(())
    }

    fn merge(&mut self, id: usize, out: &mut YMap) -> Result<(), Fail> {
        let nodes = self.nodes;
        let is_map = |n: usize| match &nodes[n].kind {
            Kind::Map(_) => true,
            Kind::Alias { target, .. } => matches!(nodes[*target].kind, Kind::Map(_)),
            _ => false,
        };
        match &nodes[id].kind {
            Kind::Map(_) | Kind::Alias { .. } => {
                if !is_map(id) {
                    return Err(fail_want_map());
                }
                self.unmarshal_into(id, out)
            }
            Kind::Seq(children) => {
                for &c in children.iter().rev() {
                    if !is_map(c) {
                        return Err(fail_want_map());
                    }
                    self.unmarshal_into(c, out)?;
                }
                Ok(())
            }
            Kind::Scalar { .. } => Err(fail_want_map()),
        }
    }
}

fn is_merge(k: &Kind) -> bool {
    match k {
        Kind::Scalar { value, tag, plain } => {
            value == "<<"
                && (*plain && tag.is_none() || tag.as_deref() == Some("tag:yaml.org,2002:merge"))
        }
        _ => false,
    }
}

/// yaml.v2 `decoder.scalar` into an `interface{}`.
fn scalar(value: &str, tag: Option<&str>, plain: bool) -> Result<Y, Fail> {
    if tag.is_none() && !plain {
        return Ok(Y::Str(value.to_string()));
    }
    let tag = tag.unwrap_or("");
    let short = tag.strip_prefix(TAG_PREFIX);
    let resolvable = tag.is_empty()
        || matches!(
            short,
            Some("str" | "bool" | "int" | "float" | "null" | "timestamp")
        );
    if !resolvable {
        if tag == BINARY_TAG {
            return match base64_decode(value) {
                Some(bytes) => Ok(Y::Str(go_lossy_utf8(&bytes))),
                None => Err(yaml_fail("!!binary value contains invalid base64 data")),
            };
        }
        return Ok(Y::Str(value.to_string()));
    }
    let r = if short == Some("str") {
        Resolved::Str
    } else {
        resolve_hinted(value, tag.is_empty() || short == Some("timestamp"))
    };
    if let Some(want) = short
        && want != "str"
        && want != tag_of(&r)
    {
        if want == "float"
            && let Resolved::Int(i) = r
        {
            return Ok(Y::Float(i as f64));
        }
        return Err(yaml_fail(format!(
            "cannot decode {} `{}` as a {}",
            short_tag(&format!("{TAG_PREFIX}{}", tag_of(&r))),
            value,
            short_tag(tag)
        )));
    }
    Ok(match r {
        Resolved::Null => Y::Null,
        Resolved::Bool(b) => Y::Bool(b),
        Resolved::Int(i) => Y::Int(i),
        Resolved::Uint(u) => Y::Uint(u),
        Resolved::Float(f) => Y::Float(f),
        Resolved::Timestamp | Resolved::Merge | Resolved::Str => Y::Str(value.to_string()),
    })
}

/// Go's `base64.StdEncoding.DecodeString` (line breaks ignored).
fn base64_decode(s: &str) -> Option<Vec<u8>> {
    let clean: Vec<u8> = s.bytes().filter(|&b| b != b'\n' && b != b'\r').collect();
    if !clean.len().is_multiple_of(4) {
        return None;
    }
    let val = |c: u8| -> Option<u32> {
        Some(match c {
            b'A'..=b'Z' => (c - b'A') as u32,
            b'a'..=b'z' => (c - b'a' + 26) as u32,
            b'0'..=b'9' => (c - b'0' + 52) as u32,
            b'+' => 62,
            b'/' => 63,
            _ => return None,
        })
    };
    let mut out = Vec::with_capacity(clean.len() / 4 * 3);
    let chunks = clean.len() / 4;
    for (ci, ch) in clean.chunks(4).enumerate() {
        let pad = ch.iter().rev().take_while(|&&c| c == b'=').count();
        if pad > 2 || (pad > 0 && ci + 1 != chunks) {
            return None;
        }
        let mut n: u32 = 0;
        for &c in &ch[..4 - pad] {
            n = (n << 6) | val(c)?;
        }
        n <<= 6 * pad as u32;
        let bytes = [(n >> 16) as u8, (n >> 8) as u8, n as u8];
        out.extend_from_slice(&bytes[..3 - pad]);
    }
    Some(out)
}

/// Go's JSON encoder turns each invalid UTF-8 byte into U+FFFD.
fn go_lossy_utf8(mut b: &[u8]) -> String {
    let mut s = String::new();
    loop {
        match std::str::from_utf8(b) {
            Ok(v) => {
                s.push_str(v);
                return s;
            }
            Err(e) => {
                let (ok, rest) = b.split_at(e.valid_up_to());
                s.push_str(std::str::from_utf8(ok).unwrap_or_default());
                let bad = e.error_len().unwrap_or(rest.len()).max(1);
                for _ in 0..bad {
                    s.push('\u{FFFD}');
                }
                b = &rest[bad.min(rest.len())..];
            }
        }
    }
}

/// Go's `%#v` of a decoded value (for yaml.v2's "invalid map key").
fn go_sharp_v(y: &Y) -> String {
    match y {
        Y::Null => "interface {}(nil)".into(),
        Y::Bool(b) => b.to_string(),
        Y::Int(i) => i.to_string(),
        Y::Uint(u) => format!("0x{u:x}"),
        Y::Float(f) => format_float(*f, 'g', -1),
        Y::Str(s) => format!("{s:?}"),
        Y::Seq(v) => {
            let items: Vec<String> = v.iter().map(go_sharp_v).collect();
            format!("[]interface {{}}{{{}}}", items.join(", "))
        }
        Y::Map(m) => {
            let items: Vec<String> = m
                .entries
                .iter()
                .map(|(k, v)| format!("{}:{}", go_sharp_v(k), go_sharp_v(v)))
                .collect();
            format!("map[interface {{}}]interface {{}}{{{}}}", items.join(", "))
        }
    }
}

/// sigs.k8s.io/yaml's JSON round trip: keys to strings, numbers to float64,
/// NaN/Inf rejected.
pub(crate) fn to_value(y: Y) -> Result<Value, YamlError> {
    to_value_ints(y, Ints::AsFloat)
}

/// What integers become: float64, as `yaml.Unmarshal` into `interface{}` gives them, or
/// int64 where they fit, as the JSON of a manifest decoded with `UseNumber` (client-go's
/// unstructured decoding, which Helm builds objects with) keeps them.
#[derive(Clone, Copy, PartialEq)]
pub(crate) enum Ints {
    AsFloat,
    AsInt64,
}

pub(crate) fn to_value_ints(y: Y, ints: Ints) -> Result<Value, YamlError> {
    let mut json_err = None;
    let v = convert(y, ints, &mut json_err).map_err(|m| Fail::Convert(m).into_error())?;
    match json_err {
        Some(m) => Err(Fail::Convert(m).into_error()),
        None => Ok(v),
    }
}

fn convert(y: Y, ints: Ints, json_err: &mut Option<String>) -> Result<Value, String> {
    Ok(match y {
        Y::Null => Value::Nil,
        Y::Bool(b) => Value::Bool(b),
        Y::Int(i) if ints == Ints::AsInt64 => Value::Int64(i),
        Y::Uint(u) if ints == Ints::AsInt64 && i64::try_from(u).is_ok() => Value::Int64(u as i64),
        Y::Int(i) => Value::Float(i as f64),
        Y::Uint(u) => Value::Float(u as f64),
        Y::Float(f) => {
            if !f.is_finite() && json_err.is_none() {
                *json_err = Some(format!(
                    "json: unsupported value: {}",
                    format_float(f, 'g', -1)
                ));
            }
            Value::Float(f)
        }
        Y::Str(s) => Value::from(s),
        Y::Seq(v) => {
            let mut out = Vec::with_capacity(v.len());
            for e in v {
                out.push(convert(e, ints, json_err)?);
            }
            Value::list(out)
        }
        Y::Map(m) => {
            let mut out = MapInner::new();
            for (k, v) in m.entries {
                let key = match &k {
                    Y::Str(s) => s.clone(),
                    Y::Int(i) => i.to_string(),
                    Y::Float(f) => float32_key(*f),
                    Y::Bool(b) => b.to_string(),
                    other => {
                        let (ty, key) = match other {
                            Y::Uint(u) => ("uint64", format!("0x{u:x}")),
                            _ => ("%!s(<nil>)", "<nil>".to_string()),
                        };
                        return Err(format!(
                            "unsupported map key of type: {ty}, key: {key}, value: {}",
                            go_sharp_v(&v)
                        ));
                    }
                };
                let val = convert(v, ints, json_err)?;
                out.insert(key, val);
            }
            Value::map(out)
        }
    })
}

/// `strconv.FormatFloat(f, 'g', -1, 32)` with YAML's spellings of the
/// special values (sigs.k8s.io/yaml's key conversion).
fn float32_key(f: f64) -> String {
    if f.is_nan() {
        return ".nan".into();
    }
    if f.is_infinite() {
        return if f > 0.0 {
            ".inf".into()
        } else {
            "-.inf".into()
        };
    }
    let x = f as f32;
    if x.is_infinite() {
        return if x > 0.0 {
            ".inf".into()
        } else {
            "-.inf".into()
        };
    }
    let shortest: f64 = format!("{x:e}").parse().unwrap_or(f);
    format_float(shortest, 'g', -1)
}
