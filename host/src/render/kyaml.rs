//! Helm 4's post-render round trip: every rendered document goes through
//! `sigs.k8s.io/kustomize/kyaml` (`kio.ParseAll`, annotation edits,
//! `kio.StringAll`), which decodes into yaml.v3 nodes and encodes them again
//! with indent 2 and compact sequences. So what a post-renderer receives, and
//! what whelm makes of its output, is the documents re-serialised: key order,
//! scalar styles, flow collections, anchors, tags and comments survive;
//! indentation, blank lines, spacing and `---` lines do not.
//!
//! [`parse_all`] is `kio.ParseAll` (document splitting, decoding with comments,
//! `List` unwrapping, the reader's index annotations); [`string_all`] is
//! `kio.StringAll` (clearing those annotations and empty `annotations` /
//! `metadata`, then yaml.v3's encoder). The parser is libyaml's (as yaml.v3's
//! is); comments are found in the text around its events and attached where
//! yaml.v3 would print them: above the next entry, after a value on its line,
//! under the last entry of a more deeply indented block, around the document.

use libyaml_safer::{ErrorKind, EventData, MappingStyle, Parser, ScalarStyle, SequenceStyle};

/// The annotation kyaml's reader sets on every document (and its legacy twin).
const INDEX: &str = "internal.config.kubernetes.io/index";
const LEGACY_INDEX: &str = "config.kubernetes.io/index";
/// Pairs `CopyLegacyAnnotations` keeps in step: (legacy, current).
const LEGACY_PAIRS: [(&str, &str); 3] = [
    (
        "config.kubernetes.io/path",
        "internal.config.kubernetes.io/path",
    ),
    (LEGACY_INDEX, INDEX),
    ("config.k8s.io/id", "internal.config.kubernetes.io/id"),
];
const SEQ_INDENT: &str = "internal.config.kubernetes.io/seqindent";

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    Map,
    Seq,
    Scalar,
    Alias,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Style {
    Plain,
    Single,
    Double,
    Literal,
    Folded,
}

/// A yaml.v3 node as kyaml keeps it.
#[derive(Clone, Debug)]
pub struct Node {
    pub kind: Kind,
    pub style: Style,
    /// A flow collection (`{…}` / `[…]`).
    pub flow: bool,
    /// The tag as written (`!!str`, `!foo`); `None` when implicit.
    pub tag: Option<String>,
    pub anchor: Option<String>,
    /// A scalar's value, or an alias's anchor name.
    pub value: String,
    /// A mapping's keys and values alternately, or a sequence's items.
    pub children: Vec<Node>,
    /// Comment lines printed above the node (mapping keys, sequence items).
    pub head: Vec<String>,
    /// A comment printed at the end of the node's line.
    pub line: Option<String>,
    /// Comment lines printed after a block collection's last entry.
    pub foot: Vec<String>,
    start: (usize, usize),
    end: (usize, usize),
}

impl Node {
    fn new(kind: Kind) -> Node {
        Node {
            kind,
            style: Style::Plain,
            flow: false,
            tag: None,
            anchor: None,
            value: String::new(),
            children: Vec::new(),
            head: Vec::new(),
            line: None,
            foot: Vec::new(),
            start: (0, 0),
            end: (0, 0),
        }
    }

    fn string(value: &str, style: Style) -> Node {
        let mut n = Node::new(Kind::Scalar);
        n.value = value.to_string();
        n.style = style;
        n
    }

    /// yaml.v3's `!!null`: an implicit plain null or an explicit `!!null` tag.
    fn is_null(&self) -> bool {
        if self.kind != Kind::Scalar {
            return false;
        }
        match &self.tag {
            Some(t) => t == "!!null",
            None => {
                self.style == Style::Plain
                    && matches!(self.value.as_str(), "" | "~" | "null" | "Null" | "NULL")
            }
        }
    }

    /// The index of the value of field `name` in a mapping.
    fn field(&self, name: &str) -> Option<usize> {
        if self.kind != Kind::Map {
            return None;
        }
        (0..self.children.len() / 2)
            .map(|i| 2 * i)
            .find(|&i| self.children[i].value == name)
            .map(|i| i + 1)
    }

    fn field_value(&self, name: &str) -> Option<&Node> {
        self.field(name).map(|i| &self.children[i])
    }

    /// kyaml's `FieldClearer` (`if_empty`: only when the value has no content).
    fn clear_field(&mut self, name: &str, if_empty: bool) {
        if let Some(i) = self.field(name) {
            if if_empty && !self.children[i].children.is_empty() {
                return;
            }
            self.children.drain(i - 1..=i);
        }
    }

    /// kyaml's `ErrorIfInvalid(node, MappingNode)`.
    fn require_map(&self) -> Result<(), String> {
        if self.is_null() || self.kind == Kind::Map {
            return Ok(());
        }
        let kind = match self.kind {
            Kind::Seq => "SequenceNode",
            Kind::Scalar => "ScalarNode",
            Kind::Alias => "AliasNode",
            Kind::Map => "MappingNode",
        };
        Err(format!(
            "wrong node kind: expected MappingNode but got {kind}: node contents:\n{}",
            encode_node(self)
        ))
    }
}

/// One decoded document.
#[derive(Clone, Debug)]
pub struct Doc {
    pub root: Node,
    /// Comment lines above the first entry, set apart by a blank line.
    pub head: Vec<String>,
    /// Comment lines after the last entry, set apart by a blank line.
    pub foot: Vec<String>,
}

impl Doc {
    /// kyaml's `ClearEmptyAnnotations`.
    fn clear_empty_annotations(&mut self) -> Result<(), String> {
        if let Some(i) = self.root.field("metadata") {
            let meta = &mut self.root.children[i];
            meta.require_map()?;
            meta.clear_field("annotations", true);
        }
        self.root.clear_field("metadata", true);
        Ok(())
    }

    /// kyaml's `SetAnnotation`: a single-quoted value appended to
    /// `metadata.annotations`, both created (at the end) when missing.
    pub fn set_annotation(&mut self, key: &str, value: &str) -> Result<(), String> {
        self.root.require_map()?;
        self.clear_empty_annotations()?;
        let meta = child_map(&mut self.root, "metadata")?;
        let ann = child_map(meta, "annotations")?;
        let v = Node::string(value, Style::Single);
        match ann.field(key) {
            Some(i) => ann.children[i] = v,
            None => {
                ann.children.push(Node::string(key, Style::Plain));
                ann.children.push(v);
            }
        }
        Ok(())
    }

    /// kyaml's `ClearAnnotation`.
    pub fn clear_annotation(&mut self, key: &str) {
        if let Some(i) = self.root.field("metadata")
            && let Some(j) = self.root.children[i].field("annotations")
        {
            let ann = &mut self.root.children[i].children[j];
            if ann.kind == Kind::Map {
                ann.clear_field(key, false);
            }
        }
    }

    /// An annotation's value as kyaml's `GetMeta` reads it ("" when absent).
    pub fn annotation(&self, key: &str) -> String {
        self.root
            .field_value("metadata")
            .and_then(|m| m.field_value("annotations"))
            .and_then(|a| a.field_value(key))
            .filter(|v| !v.is_null())
            .map(|v| v.value.clone())
            .unwrap_or_default()
    }

    fn kind(&self) -> String {
        match self.root.field_value("kind") {
            Some(v) if !v.is_null() && v.kind != Kind::Map && v.kind != Kind::Seq => {
                v.value.clone()
            }
            _ => String::new(),
        }
    }
}

/// The mapping under `name` in `parent`, appended when missing (kyaml's
/// `PathGetter` with `Create: MappingNode`).
fn child_map<'a>(parent: &'a mut Node, name: &str) -> Result<&'a mut Node, String> {
    let i = match parent.field(name) {
        Some(i) => i,
        None => {
            parent.children.push(Node::string(name, Style::Plain));
            parent.children.push(Node::new(Kind::Map));
            parent.children.len() - 1
        }
    };
    let n = &mut parent.children[i];
    if n.is_null() {
        *n = Node::new(Kind::Map);
    }
    n.require_map()?;
    Ok(n)
}

/// kyaml's `splitDocuments`: documents split at `\n---…\n`; text after the
/// dashes must be a comment.
fn split_documents(s: &str) -> Result<Vec<String>, String> {
    let mut docs = Vec::new();
    if s.is_empty() {
        return Ok(docs);
    }
    let mut prev = 0;
    let mut from = 0;
    while let Some(off) = s[from..].find("\n---") {
        let at = from + off;
        let Some(nl) = s[at + 4..].find('\n') else {
            break;
        };
        let end = at + 4 + nl + 1;
        let after = s[at + 4..end].trim();
        if !after.is_empty() && !after.starts_with('#') {
            return Err(format!("invalid document separator: {}", s[at..end].trim()));
        }
        docs.push(s[prev..at].to_string());
        prev = end;
        // Matches do not overlap: the next separator needs a line break of its own.
        from = end;
    }
    docs.push(s[prev..].to_string());
    Ok(docs)
}

/// `kio.ParseAll`: the documents of a stream, each with the reader's index
/// annotations set (cleared again by [`string_all`]).
pub fn parse_all(text: &str) -> Result<Vec<Doc>, String> {
    let values = split_documents(&text.replace("\r\n", "\n"))?;
    let single = values.len() == 1;
    let mut out = Vec::new();
    let mut index = 0;
    let last = values.len().saturating_sub(1);
    for (i, v) in values.into_iter().enumerate() {
        let v = if i != last { v + "\n" } else { v };
        let Some(mut doc) = decode_first(&v)? else {
            continue;
        };
        if doc.root.is_null() {
            continue;
        }
        // CopyLegacyAnnotations, then the index annotations, sorted by key.
        if doc.root.kind == Kind::Map {
            for (legacy, current) in LEGACY_PAIRS {
                let (l, c) = (doc.annotation(legacy), doc.annotation(current));
                if !c.is_empty() && l.is_empty() {
                    doc.set_annotation(legacy, &c)?;
                } else if c.is_empty() && !l.is_empty() {
                    doc.set_annotation(current, &l)?;
                }
            }
        }
        doc.set_annotation(LEGACY_INDEX, &index.to_string())?;
        doc.set_annotation(INDEX, &index.to_string())?;
        let kind = doc.kind();
        if single && (kind == "List" || kind == "ResourceList") {
            let items = doc.root.field_value("items").cloned();
            if items.is_some() || doc.root.field("functionConfig").is_some() {
                for item in items.map(|n| n.children).unwrap_or_default() {
                    out.push(Doc {
                        root: item,
                        head: Vec::new(),
                        foot: Vec::new(),
                    });
                }
                continue;
            }
        }
        out.push(doc);
        index += 1;
    }
    Ok(out)
}

/// `kio.StringAll`: the reader's annotations and empty `annotations` /
/// `metadata` cleared, then every document encoded, `---` between them.
pub fn string_all(docs: &[Doc]) -> Result<String, String> {
    let mut out = String::new();
    for (i, d) in docs.iter().enumerate() {
        let mut d = d.clone();
        d.clear_annotation(INDEX);
        d.clear_annotation(LEGACY_INDEX);
        d.clear_annotation(SEQ_INDENT);
        d.clear_empty_annotations()?;
        if i > 0 {
            out.push_str("---\n");
        }
        encode_doc(&d, &mut out);
    }
    Ok(out)
}

// ---------------------------------------------------------------- decoding

/// yaml.v3's `parser.fail` wording.
fn parse_error(e: &libyaml_safer::Error) -> String {
    let scanner = e.kind() == ErrorKind::Scanner;
    let cm = e.context_mark().map(|m| m.line).unwrap_or(0);
    let pm = e.problem_mark().map(|m| m.line).unwrap_or(0);
    let mut line = if cm != 0 { cm } else { pm };
    if line != 0 && scanner {
        line += 1;
    }
    let problem = match e.problem() {
        "" => "unknown problem parsing YAML content",
        p => p,
    };
    if line != 0 {
        format!("MalformedYAMLError: yaml: line {line}: {problem}")
    } else {
        format!("MalformedYAMLError: yaml: {problem}")
    }
}

fn short_tag(tag: &str) -> String {
    match tag.strip_prefix("tag:yaml.org,2002:") {
        Some(rest) => format!("!!{rest}"),
        None => tag.to_string(),
    }
}

fn explicit_tag(tag: Option<String>) -> Option<String> {
    tag.filter(|t| t != "!").map(|t| short_tag(&t))
}

/// The first document of `text` (yaml.v3 `Decoder.Decode` into a node), or
/// `None` when there is none.
fn decode_first(text: &str) -> Result<Option<Doc>, String> {
    // libyaml-safer panics on a block scalar running into the end of input:
    // parse with a final line break, and take it off such a scalar again.
    let owned;
    let unterminated = !text.is_empty() && !text.ends_with('\n');
    let text = if unterminated {
        owned = format!("{text}\n");
        &owned
    } else {
        text
    };
    let last_line = text.matches('\n').count();
    let mut bytes = text.as_bytes();
    let mut parser = Parser::new();
    parser.set_input_string(&mut bytes);
    let mut next = || {
        match std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        parser.parse()
    })) {
        Ok(r) => r.map_err(|e| parse_error(&e)),
        Err(_) => Err(
            "MalformedYAMLError: yaml: while scanning a tag: did not find expected whitespace or line break"
                .to_string(),
        ),
    }
    };
    let mut stack: Vec<(Node, Option<Node>)> = Vec::new();
    let mut root: Option<Node> = None;
    let mut scalars: Vec<Span> = Vec::new();
    loop {
        let ev = next()?;
        let start = (ev.start_mark.line as usize, ev.start_mark.column as usize);
        let end = (ev.end_mark.line as usize, ev.end_mark.column as usize);
        let node = match ev.data {
            EventData::StreamStart { .. } => continue,
            EventData::StreamEnd => return Ok(None),
            EventData::DocumentStart { .. } => continue,
            EventData::DocumentEnd { .. } => break,
            EventData::Alias { anchor } => {
                let mut n = Node::new(Kind::Alias);
                n.value = anchor;
                n.start = start;
                n.end = end;
                n
            }
            EventData::Scalar {
                anchor,
                tag,
                value,
                style,
                ..
            } => {
                let mut n = Node::new(Kind::Scalar);
                n.style = match style {
                    ScalarStyle::SingleQuoted => Style::Single,
                    ScalarStyle::DoubleQuoted => Style::Double,
                    ScalarStyle::Literal => Style::Literal,
                    ScalarStyle::Folded => Style::Folded,
                    _ => Style::Plain,
                };
                n.tag = explicit_tag(tag);
                n.anchor = anchor;
                n.value = value;
                if unterminated
                    && matches!(n.style, Style::Literal | Style::Folded)
                    && end.0 >= last_line
                    && n.value.ends_with('\n')
                {
                    n.value.pop();
                }
                n.start = start;
                n.end = end;
                scalars.push((start, end));
                n
            }
            EventData::SequenceStart {
                anchor, tag, style, ..
            } => {
                let mut n = Node::new(Kind::Seq);
                n.flow = style == SequenceStyle::Flow;
                n.tag = explicit_tag(tag);
                n.anchor = anchor;
                n.start = start;
                stack.push((n, None));
                continue;
            }
            EventData::MappingStart {
                anchor, tag, style, ..
            } => {
                let mut n = Node::new(Kind::Map);
                n.flow = style == MappingStyle::Flow;
                n.tag = explicit_tag(tag);
                n.anchor = anchor;
                n.start = start;
                stack.push((n, None));
                continue;
            }
            EventData::SequenceEnd | EventData::MappingEnd => {
                let (mut n, _) = stack.pop().expect("balanced events");
                n.end = end;
                n
            }
        };
        match stack.last_mut() {
            Some((parent, _)) => parent.children.push(node),
            None => root = Some(node),
        }
    }
    let mut root = root.unwrap_or_else(|| Node::new(Kind::Scalar));
    let mut doc = Doc {
        root: Node::new(Kind::Scalar),
        head: Vec::new(),
        foot: Vec::new(),
    };
    attach_comments(text, &scalars, &mut root, &mut doc);
    doc.root = root;
    Ok(Some(doc))
}

// ---------------------------------------------------------------- comments

/// Where a scalar lies in the text: (line, column) of its start and end.
type Span = ((usize, usize), (usize, usize));

struct Comment {
    line: usize,
    col: usize,
    text: String,
    trailing: bool,
    /// A blank line comes right before it.
    blank_before: bool,
    /// A blank line comes right after it.
    blank_after: bool,
}

/// The comments of `text` outside scalars.
fn find_comments(text: &str, scalars: &[Span]) -> Vec<Comment> {
    let inside = |p: (usize, usize)| scalars.iter().any(|&(s, e)| s <= p && p < e);
    let mut out: Vec<Comment> = Vec::new();
    let mut blank = false;
    for (ln, line) in text.lines().enumerate() {
        let chars: Vec<char> = line.chars().collect();
        if line.trim().is_empty() {
            blank = true;
            if let Some(last) = out.last_mut()
                && last.line + 1 == ln
            {
                last.blank_after = true;
            }
            continue;
        }
        let mut found = None;
        for (c, &ch) in chars.iter().enumerate() {
            if ch == '#'
                && (c == 0 || chars[c - 1] == ' ' || chars[c - 1] == '\t')
                && !inside((ln, c))
            {
                found = Some(c);
                break;
            }
        }
        if let Some(c) = found {
            let before: String = chars[..c].iter().collect();
            let trailing = !before.trim().is_empty();
            // A `---` line's comment belongs to no node.
            if !(trailing && before.trim() == "---") {
                out.push(Comment {
                    line: ln,
                    col: c,
                    text: chars[c..].iter().collect::<String>().trim_end().to_string(),
                    trailing,
                    blank_before: blank,
                    blank_after: false,
                });
            }
        }
        blank = false;
    }
    out
}

/// A block collection's entry: where it starts, its column, and the path
/// (child indices from the root) of the node a head comment belongs to.
struct Entry {
    line: usize,
    col: usize,
    path: Vec<usize>,
    /// Paths of the block collections enclosing this entry, outermost first,
    /// with their entry columns.
    open: Vec<(Vec<usize>, usize)>,
}

fn collect_entries(
    n: &Node,
    path: &mut Vec<usize>,
    open: &mut Vec<(Vec<usize>, usize)>,
    out: &mut Vec<Entry>,
) {
    if n.flow {
        return;
    }
    match n.kind {
        Kind::Map => {
            let col = n.start.1;
            open.push((path.clone(), col));
            for i in 0..n.children.len() {
                path.push(i);
                if i % 2 == 0 {
                    let k = &n.children[i];
                    out.push(Entry {
                        line: k.start.0,
                        col: k.start.1,
                        path: path.clone(),
                        open: open.clone(),
                    });
                } else {
                    collect_entries(&n.children[i], path, open, out);
                }
                path.pop();
            }
            open.pop();
        }
        Kind::Seq => {
            let col = n.start.1;
            open.push((path.clone(), col));
            for i in 0..n.children.len() {
                path.push(i);
                let item = &n.children[i];
                out.push(Entry {
                    line: item.start.0,
                    col,
                    path: path.clone(),
                    open: open.clone(),
                });
                collect_entries(item, path, open, out);
                path.pop();
            }
            open.pop();
        }
        _ => {}
    }
}

fn at_path<'a>(mut n: &'a mut Node, path: &[usize]) -> &'a mut Node {
    for &i in path {
        n = &mut n.children[i];
    }
    n
}

/// The last node, in document order, on `line` that is a scalar, an alias or
/// a flow collection (a key counts, so `key: # c` gets the comment).
fn last_on_line(n: &Node, path: &mut Vec<usize>, line: usize, best: &mut Option<Vec<usize>>) {
    let leaf = n.flow || n.children.is_empty();
    if leaf {
        if n.start.0 == line || n.end.0 == line {
            *best = Some(path.clone());
        }
        return;
    }
    for i in 0..n.children.len() {
        path.push(i);
        last_on_line(&n.children[i], path, line, best);
        path.pop();
    }
}

fn attach_comments(text: &str, scalars: &[Span], root: &mut Node, doc: &mut Doc) {
    let comments = find_comments(text, scalars);
    if comments.is_empty() {
        return;
    }
    let mut entries = Vec::new();
    collect_entries(root, &mut Vec::new(), &mut Vec::new(), &mut entries);
    let first_line = entries.first().map(|e| e.line).unwrap_or(root.start.0);
    // Standalone comments before the first entry: those up to the last one
    // followed by a blank line are the document's head comment.
    let leading: Vec<&Comment> = comments
        .iter()
        .filter(|c| !c.trailing && c.line < first_line)
        .collect();
    let split = leading
        .iter()
        .rposition(|c| c.blank_after)
        .map(|i| i + 1)
        .unwrap_or(0);
    let mut pending_head: Vec<String> = Vec::new();
    for (i, c) in leading.iter().enumerate() {
        if i < split {
            doc.head.push(c.text.clone());
        } else {
            pending_head.push(c.text.clone());
        }
    }
    let mut trailer: Vec<&Comment> = Vec::new();
    for c in &comments {
        if c.trailing {
            let mut best = None;
            last_on_line(root, &mut Vec::new(), c.line, &mut best);
            if let Some(p) = best {
                let n = at_path(root, &p);
                if n.line.is_none() {
                    n.line = Some(c.text.clone());
                }
            }
            continue;
        }
        if c.line < first_line {
            continue;
        }
        let next = entries.iter().find(|e| e.line > c.line);
        match next {
            Some(e) if c.col <= e.col => {
                at_path(root, &e.path).head.push(c.text.clone());
            }
            _ => {
                // A foot comment: of the deepest open block collection (around
                // the last entry before it) whose entries are not deeper than it.
                let prev = entries.iter().rev().find(|e| e.line < c.line);
                let target = prev.and_then(|p| p.open.iter().rev().find(|(_, col)| *col <= c.col));
                match target {
                    Some((path, _)) if !path.is_empty() => {
                        at_path(root, path).foot.push(c.text.clone())
                    }
                    _ => trailer.push(c),
                }
            }
        }
    }
    if let Some(e) = entries.first() {
        let n = at_path(root, &e.path);
        pending_head.append(&mut n.head);
        n.head = pending_head;
    } else {
        doc.head.append(&mut pending_head);
    }
    // Comments after the document's last entry: set apart by a blank line
    // they are its foot comment; otherwise they follow the last entry.
    let split = trailer.iter().position(|c| c.blank_before);
    for (i, c) in trailer.iter().enumerate() {
        if split.is_some_and(|s| i >= s) {
            doc.foot.push(c.text.clone());
        } else {
            root.foot.push(c.text.clone());
        }
    }
}

// ---------------------------------------------------------------- encoding

// kyaml encodes with yaml.v3: its scalar analysis is `analyze(_, Flavor::V3)`.
use whelm_template::yaml::emit::{Flavor, analyze, is_break, is_printable, write_escape};

struct Enc<'a> {
    out: &'a mut String,
}

fn pad(out: &mut String, n: usize) {
    out.extend(std::iter::repeat_n(' ', n));
}

fn encode_node(n: &Node) -> String {
    let mut out = String::new();
    let d = Doc {
        root: n.clone(),
        head: Vec::new(),
        foot: Vec::new(),
    };
    encode_doc(&d, &mut out);
    out
}

/// yaml.v3's encoder (indent 2, compact sequences, no line wrapping) for one
/// document; the text ends with a line break.
pub fn encode_doc(d: &Doc, out: &mut String) {
    let mut e = Enc { out };
    for c in &d.head {
        e.out.push_str(c);
        e.out.push('\n');
    }
    if !d.head.is_empty() {
        e.out.push('\n');
    }
    e.block(&d.root, 0, true);
    if !d.foot.is_empty() {
        e.out.push('\n');
        for c in &d.foot {
            e.out.push_str(c);
            e.out.push('\n');
        }
    }
}

impl Enc<'_> {
    fn comments(&mut self, lines: &[String], indent: usize) {
        for c in lines {
            pad(self.out, indent);
            self.out.push_str(c);
            self.out.push('\n');
        }
    }

    fn line_comment(&mut self, c: &Option<String>) {
        if let Some(c) = c {
            self.out.push(' ');
            self.out.push_str(c);
        }
    }

    fn props(&self, n: &Node) -> String {
        let mut s = String::new();
        if let Some(a) = &n.anchor {
            s.push('&');
            s.push_str(a);
        }
        if let Some(t) = &n.tag {
            if !s.is_empty() {
                s.push(' ');
            }
            s.push_str(t);
        } else if n.kind == Kind::Scalar && n.style == Style::Plain && n.value == "<<" {
            // yaml.v3 prints a merge key's implicit tag.
            if !s.is_empty() {
                s.push(' ');
            }
            s.push_str("!!merge");
        }
        s
    }

    fn is_block(n: &Node) -> bool {
        matches!(n.kind, Kind::Map | Kind::Seq) && !n.flow && !n.children.is_empty()
    }

    /// A node at the start of a line (document root) or after `- ` / `key:`
    /// handled by the callers; `indent` is the column of its entries.
    fn block(&mut self, n: &Node, indent: usize, at_line_start: bool) {
        if Self::is_block(n) {
            let props = self.props(n);
            if !props.is_empty() {
                if !at_line_start {
                    self.out.push(' ');
                }
                self.out.push_str(&props);
                self.line_comment(&n.line);
                self.out.push('\n');
            } else if !at_line_start {
                self.line_comment(&n.line);
                self.out.push('\n');
            }
            match n.kind {
                Kind::Map => self.block_map(n, indent, false),
                _ => self.block_seq(n, indent, false),
            }
            return;
        }
        if !at_line_start {
            self.out.push(' ');
        }
        let inline = self.inline(n, indent, 0, false);
        self.out.push_str(&inline);
        self.line_comment(&n.line);
        self.out.push('\n');
    }

    /// `inline_first`: the first entry follows `- ` on the current line.
    fn block_map(&mut self, n: &Node, indent: usize, inline_first: bool) {
        for (i, pair) in n.children.chunks(2).enumerate() {
            let (k, v) = (&pair[0], &pair[1]);
            if !(i == 0 && inline_first) {
                self.comments(&k.head, indent);
                pad(self.out, indent);
            }
            let simple = match k.kind {
                Kind::Scalar => {
                    k.value.chars().count() <= 128 && !analyze(&k.value, Flavor::V3).multiline
                }
                Kind::Alias => true,
                _ => k.children.is_empty(),
            };
            if simple {
                let key = self.inline(k, indent, 0, true);
                self.out.push_str(&key);
                self.out.push(':');
            } else {
                self.out.push_str("? ");
                let key = self.inline(k, indent + 2, 0, false);
                self.out.push_str(&key);
                self.out.push('\n');
                pad(self.out, indent);
                self.out.push(':');
            }
            if Self::is_block(v) {
                let props = self.props(v);
                if !props.is_empty() {
                    self.out.push(' ');
                    self.out.push_str(&props);
                }
                self.line_comment(&k.line);
                self.line_comment(&v.line);
                self.out.push('\n');
                match v.kind {
                    Kind::Map => self.block_map(v, indent + 2, false),
                    _ => self.block_seq(v, indent, false),
                }
            } else {
                let val = self.inline(v, indent + 2, 0, false);
                if !val.is_empty() {
                    self.out.push(' ');
                    self.out.push_str(&val);
                }
                self.line_comment(&k.line);
                self.line_comment(&v.line);
                self.out.push('\n');
            }
        }
        self.comments(&n.foot, indent);
    }

    fn block_seq(&mut self, n: &Node, indent: usize, inline_first: bool) {
        for (i, item) in n.children.iter().enumerate() {
            if !(i == 0 && inline_first) {
                self.comments(&item.head, indent);
                pad(self.out, indent);
            }
            self.out.push('-');
            if Self::is_block(item) {
                let props = self.props(item);
                if !props.is_empty() {
                    self.out.push(' ');
                    self.out.push_str(&props);
                    self.line_comment(&item.line);
                    self.out.push('\n');
                    match item.kind {
                        Kind::Map => self.block_map(item, indent + 2, false),
                        _ => self.block_seq(item, indent + 2, false),
                    }
                } else if item.line.is_some() {
                    self.line_comment(&item.line);
                    self.out.push('\n');
                    match item.kind {
                        Kind::Map => self.block_map(item, indent + 2, false),
                        _ => self.block_seq(item, indent + 2, false),
                    }
                } else {
                    self.out.push(' ');
                    match item.kind {
                        Kind::Map => self.block_map(item, indent + 2, true),
                        _ => self.block_seq(item, indent + 2, true),
                    }
                }
            } else {
                let val = self.inline(item, indent + 2, 0, false);
                if !val.is_empty() {
                    self.out.push(' ');
                    self.out.push_str(&val);
                }
                self.line_comment(&item.line);
                self.out.push('\n');
            }
        }
        self.comments(&n.foot, indent);
    }

    /// A node written on the current line: scalar, alias, flow or empty
    /// collection. `indent` is where a block scalar's lines go.
    fn inline(&self, n: &Node, indent: usize, flow: usize, simple_key: bool) -> String {
        let mut s = self.props(n);
        let body = match n.kind {
            Kind::Alias => format!("*{}", n.value),
            Kind::Scalar => scalar(n, indent, flow, simple_key),
            Kind::Map => {
                let mut b = String::from("{");
                for (i, pair) in n.children.chunks(2).enumerate() {
                    if i > 0 {
                        b.push_str(", ");
                    }
                    b.push_str(&self.inline(&pair[0], indent, flow + 1, true));
                    b.push(':');
                    let v = self.inline(&pair[1], indent, flow + 1, false);
                    if !v.is_empty() {
                        b.push(' ');
                        b.push_str(&v);
                    }
                }
                b.push('}');
                b
            }
            Kind::Seq => {
                let mut b = String::from("[");
                for (i, item) in n.children.iter().enumerate() {
                    if i > 0 {
                        b.push_str(", ");
                    }
                    b.push_str(&self.inline(item, indent, flow + 1, false));
                }
                b.push(']');
                b
            }
        };
        if !s.is_empty() && !body.is_empty() {
            s.push(' ');
        }
        s.push_str(&body);
        s
    }
}

/// A scalar in the style yaml.v3 settles on (`yaml_emitter_select_scalar_style`).
fn scalar(n: &Node, indent: usize, flow: usize, simple_key: bool) -> String {
    let value = n.value.as_str();
    let a = analyze(value, Flavor::V3);
    let mut style = n.style;
    if style == Style::Plain && value.contains('\n') {
        style = Style::Literal;
    }
    if simple_key && a.multiline {
        style = Style::Double;
    }
    if style == Style::Plain {
        let allowed = if flow > 0 {
            a.flow_plain
        } else {
            a.block_plain
        };
        if !allowed || (value.is_empty() && (flow > 0 || simple_key)) {
            style = Style::Single;
        }
    }
    if style == Style::Single && !a.single_allowed {
        style = Style::Double;
    }
    if matches!(style, Style::Literal | Style::Folded)
        && (!a.block_allowed || flow > 0 || simple_key)
    {
        style = Style::Double;
    }
    match style {
        Style::Plain => value.to_string(),
        Style::Single => single(value, indent),
        Style::Double => double(value),
        Style::Literal | Style::Folded => block_scalar(value, style == Style::Folded, indent),
    }
}

fn single(value: &str, indent: usize) -> String {
    let mut s = String::from("'");
    let mut breaks = false;
    for c in value.chars() {
        if is_break(c) {
            if !breaks && c == '\n' {
                s.push('\n');
            }
            s.push(c);
            breaks = true;
        } else {
            if breaks {
                pad(&mut s, indent);
            }
            if c == '\'' {
                s.push('\'');
            }
            s.push(c);
            breaks = false;
        }
    }
    s.push('\'');
    s
}

fn double(value: &str) -> String {
    let bom = value.starts_with('\u{FEFF}');
    let mut s = String::from("\"");
    for c in value.chars() {
        if !is_printable(c) || bom || is_break(c) || c == '"' || c == '\\' {
            write_escape(c, |ch| s.push(ch));
        } else {
            s.push(c);
        }
    }
    s.push('"');
    s
}

/// `|` or `>` with libyaml's indentation and chomping indicators; the
/// content lines are indented to `indent`. No trailing line break.
fn block_scalar(value: &str, folded: bool, indent: usize) -> String {
    let chars: Vec<char> = value.chars().collect();
    let mut s = String::from(if folded { ">" } else { "|" });
    if let Some(&c0) = chars.first()
        && (c0 == ' ' || is_break(c0))
    {
        s.push('2');
    }
    let n = chars.len();
    if n == 0 || !is_break(chars[n - 1]) {
        s.push('-');
    } else if n == 1 || is_break(chars[n - 2]) {
        s.push('+');
    }
    s.push('\n');
    let mut breaks = true;
    let mut leading_spaces = true;
    let mut i = 0;
    while i < n {
        let c = chars[i];
        if is_break(c) {
            if folded && !breaks && !leading_spaces && c == '\n' {
                let mut k = 0;
                while i + k < n && is_break(chars[i + k]) {
                    k += 1;
                }
                if i + k < n && !matches!(chars[i + k], ' ' | '\t') {
                    s.push('\n');
                }
            }
            s.push(c);
            breaks = true;
        } else {
            if breaks {
                pad(&mut s, indent);
                leading_spaces = matches!(c, ' ' | '\t');
            }
            s.push(c);
            breaks = false;
        }
        i += 1;
    }
    // The caller ends the line.
    if s.ends_with('\n') {
        s.pop();
    }
    s
}
