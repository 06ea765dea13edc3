//! The template set and its executor (Go's `text/template` `exec.go`, with
//! Helm's options and functions: `missingkey=zero`, `include`, `tpl`,
//! `required`, `fail`, `lookup`).

use std::cell::RefCell;
use std::collections::HashMap;
use std::rc::Rc;

use crate::func::{FuncSpec, Param};
use crate::funcs;
use crate::funcs::text::{go_quote, sprint};
use crate::gofmt;
use crate::parse::{self, Arg, Command, Fields, Node, OneOrMany, Operand, Pipe, Span, Tree};

/// The text of a node in an error (`at <…>`), built only when one is.
#[derive(Clone, Copy)]
struct NodeText {
    prefix: &'static str,
    span: Span,
}

impl NodeText {
    fn span(span: Span) -> NodeText {
        NodeText { prefix: "", span }
    }
}
use crate::value::Value;

/// Go builtins handled by the executor (they see unevaluated or reflect-level values).
const BUILTINS: &[&str] = &[
    "and", "or", "not", "len", "index", "slice", "print", "printf", "println", "eq", "ne", "lt",
    "le", "gt", "ge", "html", "js", "urlquery", "call",
];

/// Helm's engine functions handled by the executor.
const HELM: &[&str] = &["include", "tpl", "required", "fail", "lookup"];

/// Helm's limit on nested `include`s of one name (`recursionMaxNums`).
const INCLUDE_MAX: usize = 1000;
/// Go's `maxExecDepth`, lowered to what the guest stack holds comfortably.
const MAX_DEPTH: usize = 3000;

/// A template failure, printed as Go and Helm print it.
#[derive(Debug, Clone, PartialEq)]
pub enum Error {
    /// `template: NAME:LINE: MESSAGE`.
    Parse(parse::ParseError),
    /// `template: FILE:LINE:COL: executing "NAME" at <NODE>: MESSAGE`, or a
    /// plain message when no node applies.
    Exec {
        location: String,
        name: String,
        node: String,
        message: String,
        /// The error inside an `include` (Helm 4 prints the chain nested).
        cause: Option<Box<Error>>,
    },
    Plain(String),
}

/// Helm's name for the template set (seen in `include` and `tpl` errors).
pub const SET_NAME: &str = "gotpl";

impl Error {
    /// The message `helm template` 4.3.1 prints after `Error: `.
    pub fn helm_message(&self) -> String {
        match self {
            // Helm keeps the location and the text after the last ": ".
            Error::Parse(p) => {
                let full = p.to_string();
                let mut parts = full.split(": ");
                let location = parts.nth(1).unwrap_or_default();
                let last = full.rsplit(": ").next().unwrap_or_default();
                format!("parse error at ({location}): {last}")
            }
            Error::Exec { location, .. } => {
                let flat = self.to_string();
                if let (Some(a), Some(b)) = (flat.find(ERR_START), flat.find(ERR_END))
                    && a < b
                {
                    return format!(
                        "execution error at ({location}): {}",
                        &flat[a + ERR_START.len()..b]
                    );
                }
                // Helm 4 only unfolds chains it can parse; a message that
                // embeds another template error (as `tpl`'s does) stays flat.
                if self.embeds_template_error() {
                    return flat;
                }
                self.nested()
            }
            Error::Plain(m) => m.clone(),
        }
    }

    /// Helm 4 unfolds a chain of template errors, but prints the whole error
    /// flat when a function failed with an error of its own (`error calling
    /// len: …`, `error calling tpl: …`); `include`'s inner template errors
    /// unfold.
    fn embeds_template_error(&self) -> bool {
        match self {
            Error::Exec { message, cause, .. } => match cause {
                Some(c) => c.embeds_template_error(),
                None => message.starts_with("error calling "),
            },
            _ => false,
        }
    }

    fn nested(&self) -> String {
        match self {
            Error::Exec {
                location,
                name,
                node,
                message,
                cause,
            } => {
                let mut s = if node.is_empty() {
                    format!("{location}\n  executing {name:?}:\n    {message}")
                } else {
                    format!("{location}\n  executing {name:?} at <{node}>:\n    {message}")
                };
                if let Some(c) = cause {
                    s.push_str(":\n");
                    s.push_str(&c.nested());
                }
                s
            }
            other => other.to_string(),
        }
    }
}

impl std::fmt::Display for Error {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Error::Parse(p) => p.fmt(f),
            Error::Exec {
                location,
                name,
                node,
                message,
                cause,
            } => {
                let message = match cause {
                    Some(c) => format!("{message}: {c}"),
                    None => message.clone(),
                };
                if node.is_empty() {
                    write!(f, "template: {location}: executing {name:?}: {message}")
                } else {
                    write!(
                        f,
                        "template: {location}: executing {name:?} at <{node}>: {message}"
                    )
                }
            }
            Error::Plain(m) => f.write_str(m),
        }
    }
}

impl std::error::Error for Error {}

/// Answers `lookup apiVersion kind namespace name`.
pub type LookupFn = Box<dyn Fn(&str, &str, &str, &str) -> Result<Value, String>>;

/// A `tpl` string, parsed: its body and the templates it defines.
struct TplTrees {
    main: Rc<Tree>,
    defines: Vec<Rc<Tree>>,
}

/// One template set (Helm uses one for the whole chart tree).
pub struct Engine {
    trees: HashMap<Rc<str>, Rc<Tree>>,
    funcs: Rc<HashMap<&'static str, FuncSpec>>,
    lookup: Option<LookupFn>,
    /// Helm's `LintMode`: `required` and `fail` yield "" instead of failing.
    lint_mode: bool,
    include_counts: RefCell<HashMap<String, usize>>,
    tpl_cache: RefCell<HashMap<Rc<str>, Rc<TplTrees>>>,
}

impl Default for Engine {
    fn default() -> Self {
        Engine::new()
    }
}

fn is_func(funcs: &HashMap<&'static str, FuncSpec>, name: &str) -> bool {
    funcs.contains_key(name) || BUILTINS.contains(&name) || HELM.contains(&name)
}

/// Control flow out of a list.
enum Flow {
    Normal,
    Break,
    Continue,
}

type R<T> = Result<T, Error>;

impl Engine {
    /// An empty set with Helm's function table.
    pub fn new() -> Engine {
        Engine {
            trees: HashMap::new(),
            funcs: Rc::new(funcs::table()),
            lookup: None,
            lint_mode: false,
            include_counts: RefCell::new(HashMap::new()),
            tpl_cache: RefCell::new(HashMap::new()),
        }
    }

    /// Parses one file into the set. Its `define`s join the shared namespace;
    /// a later definition replaces an earlier one unless it is empty (Go's
    /// `associate`).
    pub fn add_template(&mut self, name: &str, text: &str) -> Result<(), Error> {
        let funcs = self.funcs.clone();
        let parsed = parse::parse(name, text, &|n| is_func(&funcs, n)).map_err(Error::Parse)?;
        self.associate(parsed.main);
        for d in parsed.defines {
            self.associate(d);
        }
        Ok(())
    }

    fn associate(&mut self, tree: Tree) {
        if let Some(old) = self.trees.get(&tree.name)
            && tree.is_empty()
            && !old.is_empty()
        {
            return;
        }
        self.trees.insert(tree.name.clone(), Rc::new(tree));
    }

    /// Helm's lint mode (`helm lint`): a missing `required` value and `fail`
    /// render as an empty string instead of failing the render.
    pub fn set_lint_mode(&mut self, on: bool) {
        self.lint_mode = on;
    }

    /// Host hook for `lookup` (default: an empty map, as `helm template` does).
    pub fn set_lookup(&mut self, f: LookupFn) {
        self.lookup = Some(f);
    }

    /// Whether a template of this name exists.
    pub fn has(&self, name: &str) -> bool {
        self.trees.contains_key(name)
    }

    /// Executes the named template with `data` as dot.
    pub fn render(&self, name: &str, data: &Value) -> Result<String, Error> {
        let tree = self.trees.get(name).cloned().ok_or_else(|| {
            Error::Plain(format!(
                "template: no template {name:?} associated with template {name:?}"
            ))
        })?;
        let mut out = String::new();
        let mut st = State {
            engine: self,
            overlay: None,
            tree: tree.clone(),
            vars: vec![(Rc::from("$"), data.clone(), NilKind::Silent)],
            depth: 0,
            dot_kind: NilKind::Silent,
        };
        st.walk_list(&mut out, data, &tree.root)?;
        Ok(out)
    }
}

struct State<'e> {
    engine: &'e Engine,
    /// Templates defined by a `tpl` string, visible only inside it.
    overlay: Option<Rc<HashMap<Rc<str>, Rc<Tree>>>>,
    tree: Rc<Tree>,
    /// Variables in scope: name, value and how the value is held (see
    /// `dot_kind`).
    vars: Vec<(Rc<str>, Value, NilKind)>,
    depth: usize,
    /// How dot holds its value: a range element of a list or map is an
    /// interface (`Error`), anything else a plain value (`Silent`).
    dot_kind: NilKind,
}

/// How an operand reached a field access: Go errors on a field of a nil
/// interface (a map value, a range element) but yields nothing for an
/// invalid value (a variable or a parenthesised pipeline that produced nil).
#[derive(Clone, Copy, PartialEq)]
enum NilKind {
    Error,
    Silent,
}

impl<'e> State<'e> {
    fn find_tree(&self, name: &str) -> Option<Rc<Tree>> {
        if let Some(o) = &self.overlay
            && let Some(t) = o.get(name)
        {
            return Some(t.clone());
        }
        self.engine.trees.get(name).cloned()
    }

    /// The source text of a span of the tree being executed.
    fn text(&self, span: Span) -> &str {
        span.text(&self.tree.source)
    }

    /// A pipeline's source text, from its first declaration or command to
    /// the end of its last command.
    fn pipe_text(&self, pipe: &Pipe) -> &str {
        let end = pipe.cmds.last().map_or(pipe.pos, |c| c.span.end as usize);
        self.text(Span::new(pipe.pos, end))
    }

    fn node_text(&self, node: NodeText) -> String {
        format!("{}{}", node.prefix, self.text(node.span))
    }

    /// Where Go positions a field chain `.a.b.c`: at its second field when it
    /// has one (the parser builds the node from the chain that starts there).
    fn field_pos(&self, fields: Fields, fallback: usize) -> usize {
        field_pos(&self.tree.source, fields, fallback)
    }

    fn error(&self, pos: usize, node: &str, message: impl Into<String>) -> Error {
        Error::Exec {
            location: parse::location(&self.tree, pos),
            name: self.tree.name.to_string(),
            node: normalize(node),
            message: message.into(),
            cause: None,
        }
    }

    /// Go's `expected <kind>; found <operand>` for a literal of the wrong kind.
    fn expected(&self, pos: usize, span: Span, kind: &str) -> Error {
        let text = self.text(span);
        self.error(pos, text, format!("expected {kind}; found {text}"))
    }

    fn walk_list(&mut self, out: &mut String, dot: &Value, list: &[Node]) -> R<Flow> {
        for n in list {
            match self.walk(out, dot, n)? {
                Flow::Normal => {}
                f => return Ok(f),
            }
        }
        Ok(Flow::Normal)
    }

    fn walk(&mut self, out: &mut String, dot: &Value, node: &Node) -> R<Flow> {
        match node {
            Node::Text(t) => out.push_str(self.text(*t)),
            Node::Action { pipe, .. } => {
                let v = self.eval_pipeline(dot, pipe)?;
                if pipe.decl.is_empty() {
                    Self::print_value(out, &v);
                }
            }
            Node::If {
                pipe,
                list,
                else_list,
                ..
            }
            | Node::With {
                pipe,
                list,
                else_list,
                ..
            } => {
                let mark = self.vars.len();
                let v = self.eval_pipeline(dot, pipe)?;
                let is_with = matches!(node, Node::With { .. });
                let flow = if v.truthy() {
                    if is_with {
                        let kind = std::mem::replace(&mut self.dot_kind, NilKind::Silent);
                        let r = self.walk_list(out, &v, list);
                        self.dot_kind = kind;
                        r?
                    } else {
                        self.walk_list(out, dot, list)?
                    }
                } else if let Some(e) = else_list {
                    self.walk_list(out, dot, e)?
                } else {
                    Flow::Normal
                };
                self.vars.truncate(mark);
                return Ok(flow);
            }
            Node::Range {
                pipe,
                list,
                else_list,
                pos,
            } => {
                let mark = self.vars.len();
                let flow = self.walk_range(out, dot, *pos, pipe, list, else_list.as_deref())?;
                self.vars.truncate(mark);
                return Ok(flow);
            }
            Node::Template { pos, name, pipe } => {
                let tree = self.find_tree(name).ok_or_else(|| {
                    let name = go_quote(name);
                    let node = match pipe {
                        Some(p) => format!("{{{{template {name} {}}}}}", self.pipe_text(p)),
                        None => format!("{{{{template {name}}}}}"),
                    };
                    self.error(*pos, &node, format!("template {name} not defined"))
                })?;
                let data = match pipe {
                    Some(p) => self.eval_pipeline(dot, p)?,
                    None => Value::Nil,
                };
                self.exec_tree(out, tree, &data, *pos)?;
            }
            Node::Break { .. } => return Ok(Flow::Break),
            Node::Continue { .. } => return Ok(Flow::Continue),
        }
        Ok(Flow::Normal)
    }

    fn exec_tree(&mut self, out: &mut String, tree: Rc<Tree>, data: &Value, pos: usize) -> R<()> {
        if self.depth >= MAX_DEPTH {
            return Err(self.error(
                pos,
                "",
                format!("exceeded maximum template depth ({MAX_DEPTH})"),
            ));
        }
        let saved_tree = std::mem::replace(&mut self.tree, tree.clone());
        let saved_vars = std::mem::replace(
            &mut self.vars,
            vec![(Rc::from("$"), data.clone(), NilKind::Silent)],
        );
        self.depth += 1;
        let kind = std::mem::replace(&mut self.dot_kind, NilKind::Silent);
        let r = self.walk_list(out, data, &tree.root);
        self.dot_kind = kind;
        self.depth -= 1;
        self.vars = saved_vars;
        self.tree = saved_tree;
        r.map(|_| ())
    }

    fn walk_range(
        &mut self,
        out: &mut String,
        dot: &Value,
        pos: usize,
        pipe: &Pipe,
        list: &[Node],
        else_list: Option<&[Node]>,
    ) -> R<Flow> {
        // The pipeline itself, without its declarations (they are per element).
        let val = self.eval_cmds(dot, &pipe.cmds)?;
        let val = match &val {
            Value::Object(o) => o.as_data().unwrap_or(Value::Nil),
            v => v.clone(),
        };
        let items: Vec<(Value, Value)> = match &val {
            Value::List(l) => l
                .iter()
                .enumerate()
                .map(|(i, v)| (Value::Int(i as i64), v.clone()))
                .collect(),
            Value::Map(m) => m
                .entries()
                .into_iter()
                .map(|(k, v)| (Value::from(k), v))
                .collect(),
            Value::Int(n) | Value::Int64(n) => {
                if pipe.decl.len() > 1 {
                    let (at, text) = range_node(&self.tree.source, pipe, pos);
                    return Err(self.error(
                        at,
                        &text,
                        format!("can't use {n} to iterate over more than one variable"),
                    ));
                }
                if *n < 0 {
                    return Ok(Flow::Normal);
                }
                (0..*n).map(|i| (Value::Int(i), Value::Int(i))).collect()
            }
            Value::Nil => Vec::new(),
            Value::Bool(_) | Value::Float(_) | Value::String(_) | Value::Object(_) => {
                let (at, text) = range_node(&self.tree.source, pipe, pos);
                return Err(self.error(
                    at,
                    &text,
                    format!("range can't iterate over {}", sprint(&val)),
                ));
            }
        };
        if items.is_empty() {
            if let Some(e) = else_list {
                return self.walk_list(out, dot, e);
            }
            return Ok(Flow::Normal);
        }
        // Elements of a list or map are interfaces; the ints of `range 3` are not.
        let kind = if matches!(val, Value::List(_) | Value::Map(_)) {
            NilKind::Error
        } else {
            NilKind::Silent
        };
        let saved_kind = std::mem::replace(&mut self.dot_kind, kind);
        let r = self.range_items(out, pipe, list, items);
        self.dot_kind = saved_kind;
        r
    }

    fn range_items(
        &mut self,
        out: &mut String,
        pipe: &Pipe,
        list: &[Node],
        items: Vec<(Value, Value)>,
    ) -> R<Flow> {
        let mark = self.vars.len();
        for (k, v) in items {
            self.vars.truncate(mark);
            // The element variable holds what dot holds.
            let kind = self.dot_kind;
            match pipe.decl.len() {
                0 => {}
                1 => self.declare(pipe, 0, v.clone(), kind)?,
                _ => {
                    self.declare(pipe, 0, k, NilKind::Silent)?;
                    self.declare(pipe, 1, v.clone(), kind)?;
                }
            }
            match self.walk_list(out, &v, list)? {
                Flow::Break => break,
                Flow::Continue | Flow::Normal => {}
            }
        }
        self.vars.truncate(mark);
        Ok(Flow::Normal)
    }

    /// [`ideal`], failing for an integer constant beyond the int range.
    fn ideal(&self, n: &parse::Number, span: Span) -> R<Value> {
        if n.overflows_int() {
            let text = self.text(span);
            return Err(self.error(span.pos(), text, format!("{text} overflows int")));
        }
        Ok(ideal(n))
    }

    fn declare(&mut self, pipe: &Pipe, i: usize, v: Value, kind: NilKind) -> R<()> {
        let name = &pipe.decl[i];
        if !pipe.is_assign {
            self.vars.push((name.clone(), v, kind));
            return Ok(());
        }
        if let Some(slot) = self.vars.iter_mut().rev().find(|(n, ..)| n == name) {
            slot.1 = v;
            slot.2 = kind;
            return Ok(());
        }
        // Go reports it at the node it evaluated last.
        let (at, span) = last_operand(&self.tree.source, pipe);
        Err(self.error(at, self.text(span), format!("undefined variable: {name}")))
    }

    /// A variable's value and how it is held.
    fn var(&self, name: &str, pos: usize) -> R<(Value, NilKind)> {
        self.vars
            .iter()
            .rev()
            .find(|(n, ..)| &**n == name)
            .map(|(_, v, k)| (v.clone(), *k))
            .ok_or_else(|| self.error(pos, name, format!("undefined variable: {name}")))
    }

    /// Go's `printValue`: a missing value prints `<no value>`.
    fn print_value(out: &mut String, v: &Value) {
        match v {
            Value::Nil => out.push_str("<no value>"),
            Value::String(s) => out.push_str(s),
            Value::Object(o) => out.push_str(&o.display()),
            v => out.push_str(&sprint(v)),
        }
    }

    fn eval_cmds(&mut self, dot: &Value, cmds: &[Command]) -> R<Value> {
        let mut value: Option<Value> = None;
        for cmd in cmds {
            value = Some(self.eval_command(dot, cmd, value)?);
        }
        Ok(value.unwrap_or(Value::Nil))
    }

    fn eval_pipeline(&mut self, dot: &Value, pipe: &Pipe) -> R<Value> {
        let v = self.eval_cmds(dot, &pipe.cmds)?;
        for i in 0..pipe.decl.len() {
            self.declare(pipe, i, v.clone(), NilKind::Silent)?;
        }
        Ok(v)
    }

    fn not_a_function(&self, cmd: &Command, final_: &Option<Value>) -> R<()> {
        if cmd.args.len() > 1 || final_.is_some() {
            let text = self.text(cmd.args[0].span);
            return Err(self.error(
                cmd.pos(),
                text,
                format!("can't give argument to non-function {text}"),
            ));
        }
        Ok(())
    }

    fn eval_command(&mut self, dot: &Value, cmd: &Command, final_: Option<Value>) -> R<Value> {
        let first = &cmd.args[0];
        let node = NodeText::span(first.span);
        match &first.op {
            &Operand::Field(fs) => self.eval_field_chain(
                dot,
                dot.clone(),
                self.dot_kind,
                fs,
                &cmd.args[1..],
                final_,
                self.field_pos(fs, cmd.pos()),
                node,
            ),
            Operand::Chain(base, fs) => {
                let v = self.eval_operand_value(dot, base, cmd.pos())?;
                self.eval_field_chain(
                    dot,
                    v,
                    NilKind::Silent,
                    *fs,
                    &cmd.args[1..],
                    final_,
                    chain_pos(*fs, cmd.pos()),
                    node,
                )
            }
            &Operand::Variable(name, fs) => {
                let (v, kind) = self.var(self.text(name), cmd.pos())?;
                if fs.is_empty() {
                    self.not_a_function(cmd, &final_)?;
                    return Ok(v);
                }
                self.eval_field_chain(
                    dot,
                    v,
                    kind,
                    fs,
                    &cmd.args[1..],
                    final_,
                    chain_pos(fs, cmd.pos()),
                    node,
                )
            }
            &Operand::Ident(name) => self.eval_function(dot, name, cmd, final_),
            Operand::Pipe(p) => {
                self.not_a_function(cmd, &final_)?;
                self.eval_pipeline(dot, p)
            }
            Operand::Dot => {
                self.not_a_function(cmd, &final_)?;
                Ok(dot.clone())
            }
            Operand::Nil => Err(self.error(cmd.pos(), self.text(cmd.span), "nil is not a command")),
            Operand::Bool(b) => {
                self.not_a_function(cmd, &final_)?;
                Ok(Value::Bool(*b))
            }
            Operand::String(s) => {
                self.not_a_function(cmd, &final_)?;
                Ok(Value::String(s.clone()))
            }
            Operand::Number(n) => {
                self.not_a_function(cmd, &final_)?;
                self.ideal(n, cmd.args[0].span)
            }
        }
    }

    /// The value of an operand used as the base of a chain or as an argument.
    fn eval_operand_value(&mut self, dot: &Value, op: &Operand, pos: usize) -> R<Value> {
        match op {
            Operand::Dot => Ok(dot.clone()),
            Operand::Pipe(p) => self.eval_pipeline(dot, p),
            &Operand::Ident(span) => {
                let cmd = Command {
                    span,
                    args: OneOrMany::One(Arg {
                        op: op.clone(),
                        span,
                    }),
                };
                self.eval_function(dot, span, &cmd, None)
            }
            &Operand::Field(fs) => self.eval_field_chain(
                dot,
                dot.clone(),
                self.dot_kind,
                fs,
                &[],
                None,
                self.field_pos(fs, pos),
                NodeText::span(fs.0),
            ),
            &Operand::Variable(name, fs) => {
                let (v, kind) = self.var(self.text(name), pos)?;
                if fs.is_empty() {
                    return Ok(v);
                }
                self.eval_field_chain(
                    dot,
                    v,
                    kind,
                    fs,
                    &[],
                    None,
                    chain_pos(fs, pos),
                    NodeText::span(Span {
                        start: name.start,
                        end: fs.0.end,
                    }),
                )
            }
            Operand::Chain(base, fs) => {
                let v = self.eval_operand_value(dot, base, pos)?;
                self.eval_field_chain(
                    dot,
                    v,
                    NilKind::Silent,
                    *fs,
                    &[],
                    None,
                    chain_pos(*fs, pos),
                    NodeText {
                        prefix: "(…)",
                        span: fs.0,
                    },
                )
            }
            Operand::String(s) => Ok(Value::String(s.clone())),
            Operand::Number(n) => self.ideal(n, Span::new(pos, pos)),
            Operand::Bool(b) => Ok(Value::Bool(*b)),
            Operand::Nil => Ok(Value::Nil),
        }
    }

    /// `.a.b.c` on `receiver`. The last field gets `call_args` plus
    /// `final_` (a method call).
    #[allow(clippy::too_many_arguments)]
    fn eval_field_chain(
        &mut self,
        dot: &Value,
        mut receiver: Value,
        mut nil_kind: NilKind,
        fields: Fields,
        call_args: &[Arg],
        final_: Option<Value>,
        pos: usize,
        node: NodeText,
    ) -> R<Value> {
        // The names are slices of the source; evaluating a method's
        // arguments may switch trees (`include`), so hold on to this one.
        let src = self.tree.source.clone();
        let mut rest = fields.0.text(&src);
        while let Some((f, tail)) = parse::split_field(rest) {
            rest = tail;
            let last = rest.is_empty();
            let args: &[Arg] = if last { call_args } else { &[] };
            let fin = if last { final_.clone() } else { None };
            receiver = self.eval_field(dot, f, receiver, nil_kind, args, fin, pos, node)?;
            nil_kind = NilKind::Error;
        }
        Ok(receiver)
    }

    #[allow(clippy::too_many_arguments)]
    fn eval_field(
        &mut self,
        dot: &Value,
        name: &str,
        receiver: Value,
        nil_kind: NilKind,
        args: &[Arg],
        final_: Option<Value>,
        pos: usize,
        node: NodeText,
    ) -> R<Value> {
        let has_args = !args.is_empty() || final_.is_some();
        match &receiver {
            Value::Nil => match nil_kind {
                NilKind::Silent => Ok(Value::Nil),
                NilKind::Error => Err(self.error(
                    pos,
                    &self.node_text(node),
                    format!("nil pointer evaluating interface {{}}.{name}"),
                )),
            },
            Value::Map(m) => {
                if has_args {
                    return Err(self.error(
                        pos,
                        &self.node_text(node),
                        format!("{name} is not a method but has arguments"),
                    ));
                }
                match m.get(name) {
                    Some(v) => Ok(v),
                    None if name == "AsMap" => Ok(receiver.clone()),
                    None => Ok(Value::Nil),
                }
            }
            Value::Object(o) => {
                if has_args {
                    let mut vals = Vec::new();
                    for a in args {
                        vals.push(match &a.op {
                            Operand::Number(n) => self.ideal(n, a.span)?,
                            op => self.eval_operand_value(dot, op, pos)?,
                        });
                    }
                    if let Some(f) = final_ {
                        vals.push(f);
                    }
                    match o.call(name, &vals) {
                        Some(Ok(v)) => Ok(v),
                        Some(Err(e)) => Err(self.error(
                            pos,
                            &self.node_text(node),
                            format!("error calling {name}: {e}"),
                        )),
                        None => Err(self.error(
                            pos,
                            &self.node_text(node),
                            format!("can't evaluate field {name} in type {}", o.type_name()),
                        )),
                    }
                } else {
                    match o.field(name) {
                        Some(Ok(v)) => Ok(v),
                        Some(Err(e)) => Err(self.error(pos, &self.node_text(node), e)),
                        None => Err(self.error(
                            pos,
                            &self.node_text(node),
                            format!("can't evaluate field {name} in type {}", o.type_name()),
                        )),
                    }
                }
            }
            other => {
                let ty = if nil_kind == NilKind::Error {
                    "interface {}".to_string()
                } else {
                    other.type_name()
                };
                Err(self.error(
                    pos,
                    &self.node_text(node),
                    format!("can't evaluate field {name} in type {ty}"),
                ))
            }
        }
    }

    /// Evaluates an argument for a parameter of type `param`, with Go's
    /// constant conversions and type checks.
    fn eval_arg(&mut self, dot: &Value, param: Param, op: &Operand, span: Span) -> R<Value> {
        let pos = span.pos();
        match op {
            Operand::Number(n) => match param {
                Param::Int | Param::Int64 => match n.int() {
                    Some(i) if n.float().is_none_or(|f| f.fract() == 0.0) => {
                        Ok(if param == Param::Int {
                            Value::Int(i)
                        } else {
                            Value::Int64(i)
                        })
                    }
                    _ => Err(self.expected(pos, span, "integer")),
                },
                Param::Float64 => match n.float() {
                    Some(f) => Ok(Value::Float(f)),
                    None => Err(self.expected(pos, span, "float")),
                },
                Param::Any => self.ideal(n, span),
                Param::String => Err(self.expected(pos, span, "string")),
                Param::Bool => Err(self.expected(pos, span, "bool")),
                _ => Err(self.error(
                    pos,
                    self.text(span),
                    format!(
                        "can't handle {} for arg of type {}",
                        self.text(span),
                        param.go_name()
                    ),
                )),
            },
            Operand::String(s) => match param {
                Param::String | Param::Any => Ok(Value::String(s.clone())),
                Param::Int | Param::Int64 => Err(self.expected(pos, span, "integer")),
                Param::Float64 => Err(self.expected(pos, span, "float")),
                Param::Bool => Err(self.expected(pos, span, "bool")),
                _ => Err(self.error(
                    pos,
                    self.text(span),
                    format!(
                        "can't handle {} for arg of type {}",
                        self.text(span),
                        param.go_name()
                    ),
                )),
            },
            Operand::Bool(b) => match param {
                Param::Bool | Param::Any => Ok(Value::Bool(*b)),
                _ => Err(self.error(
                    pos,
                    self.text(span),
                    format!("expected {}; found {b}", short_kind(param)),
                )),
            },
            Operand::Nil => match param {
                Param::Any | Param::List | Param::Map | Param::Strings => Ok(Value::Nil),
                _ => Err(self.error(
                    pos,
                    self.text(span),
                    format!("cannot assign nil to {}", param.go_name()),
                )),
            },
            _ => {
                let v = self.eval_operand_value(dot, op, pos)?;
                // Go reports a field chain at the node it builds for it, and
                // a chain on a parenthesised pipeline at what it evaluated last.
                let (at, span) = match op {
                    &Operand::Field(fs) => (self.field_pos(fs, pos), span),
                    Operand::Chain(base, fs) => match &**base {
                        Operand::Pipe(p) => last_operand(&self.tree.source, p),
                        _ => (chain_pos(*fs, pos), span),
                    },
                    &Operand::Variable(_, fs) => (chain_pos(fs, pos), span),
                    _ => (pos, span),
                };
                self.validate(v, param, span, at)
            }
        }
    }

    /// Go's `validateType`: assignability, nil for nilable types.
    /// Checks a value against a parameter type; errors name the operand
    /// `span` at position `at`.
    fn validate(&self, v: Value, param: Param, span: Span, at: usize) -> R<Value> {
        let ok = match (&v, param) {
            (_, Param::Any) => true,
            (Value::Nil, Param::List | Param::Map | Param::Strings) => true,
            (Value::Nil, p) => {
                return Err(self.error(
                    at,
                    self.text(span),
                    format!("invalid value; expected {}", p.go_name()),
                ));
            }
            (Value::String(_), Param::String) => true,
            (Value::Int(_), Param::Int) => true,
            (Value::Int64(_), Param::Int64) => true,
            (Value::Float(_), Param::Float64) => true,
            (Value::Bool(_), Param::Bool) => true,
            (Value::List(_), Param::List | Param::Strings) => true,
            (Value::Map(_), Param::Map) => true,
            (Value::Object(o), Param::List | Param::Strings) => {
                if let Some(d @ Value::List(_)) = o.as_data() {
                    return Ok(d);
                }
                false
            }
            _ => false,
        };
        if ok {
            Ok(v)
        } else {
            Err(self.error(
                at,
                self.text(span),
                format!(
                    "wrong type for value; expected {}; got {}",
                    param.go_name(),
                    v.type_name()
                ),
            ))
        }
    }

    fn eval_args_any(
        &mut self,
        dot: &Value,
        cmd: &Command,
        final_: Option<Value>,
    ) -> R<Vec<Value>> {
        let mut out = Vec::with_capacity(cmd.args.len());
        for a in cmd.args.iter().skip(1) {
            out.push(self.eval_arg(dot, Param::Any, &a.op, a.span)?);
        }
        if let Some(f) = final_ {
            out.push(f);
        }
        Ok(out)
    }

    /// Whether the nil first argument of a builtin is Go's invalid Value (what
    /// a pipeline yields for nil: a piped value, a parenthesised pipeline, a
    /// variable it declared, `nil`) rather than a nil interface (a map value,
    /// a range element).
    fn holds_no_value(&self, cmd: &Command) -> bool {
        let Some(arg) = cmd.args.get(1) else {
            return true;
        };
        match &arg.op {
            Operand::Pipe(_) | Operand::Nil => true,
            Operand::Dot => self.dot_kind == NilKind::Silent,
            &Operand::Variable(name, fs) => {
                fs.is_empty()
                    && self
                        .var(self.text(name), arg.span.pos())
                        .is_ok_and(|(_, k)| k == NilKind::Silent)
            }
            _ => false,
        }
    }

    fn call_error(&self, cmd: &Command, name: &str, msg: impl std::fmt::Display) -> Error {
        self.error(
            cmd.pos(),
            self.text(cmd.span),
            format!("error calling {name}: {msg}"),
        )
    }

    fn eval_function(
        &mut self,
        dot: &Value,
        name: Span,
        cmd: &Command,
        final_: Option<Value>,
    ) -> R<Value> {
        // The name is a slice of this tree's source; running the function
        // may switch trees (`include`), so hold on to this one.
        let src = self.tree.source.clone();
        let name = name.text(&src);
        // User (Sprig/Helm) functions override Go's builtins, as in Go.
        if let Some(spec) = self.engine.funcs.get(name).copied() {
            return self.call_native(dot, &spec, cmd, final_);
        }
        match name {
            "and" | "or" => self.eval_and_or(dot, name, cmd, final_),
            _ => {
                let args = self.eval_args_any(dot, cmd, final_)?;
                self.builtin(name, cmd, &args)
            }
        }
    }

    fn call_native(
        &mut self,
        dot: &Value,
        spec: &FuncSpec,
        cmd: &Command,
        final_: Option<Value>,
    ) -> R<Value> {
        let given = cmd.args.len() - 1 + usize::from(final_.is_some());
        let fixed = spec.params.len();
        if spec.variadic.is_some() {
            if given < fixed {
                return Err(self.error(
                    cmd.pos(),
                    self.text(cmd.args[0].span),
                    format!(
                        "wrong number of args for {}: want at least {fixed} got {given}",
                        spec.name
                    ),
                ));
            }
        } else if given != fixed {
            return Err(self.error(
                cmd.pos(),
                self.text(cmd.args[0].span),
                format!(
                    "wrong number of args for {}: want {fixed} got {given}",
                    spec.name
                ),
            ));
        }
        let param_at = |i: usize| {
            spec.params
                .get(i)
                .copied()
                .or(spec.variadic)
                .unwrap_or(Param::Any)
        };
        let mut args = Vec::with_capacity(given);
        for (i, a) in cmd.args.iter().enumerate().skip(1) {
            args.push(self.eval_arg(dot, param_at(i - 1), &a.op, a.span)?);
        }
        if let Some(f) = final_ {
            let p = param_at(given - 1);
            // Go reports a bad piped value at the command's last argument.
            let last = cmd.args.len() - 1;
            let at = if last > 0 {
                cmd.args[last].span
            } else {
                cmd.span
            };
            args.push(self.validate(f, p, at, at.pos())?);
        }
        (spec.call)(&args).map_err(|e| self.call_error(cmd, spec.name, e))
    }

    fn eval_and_or(
        &mut self,
        dot: &Value,
        name: &str,
        cmd: &Command,
        final_: Option<Value>,
    ) -> R<Value> {
        let n = cmd.args.len() - 1 + usize::from(final_.is_some());
        if n == 0 {
            return Err(self.error(
                cmd.pos(),
                self.text(cmd.span),
                format!("wrong number of args for {name}: want at least 1 got 0"),
            ));
        }
        let mut last = Value::Nil;
        for a in cmd.args.iter().skip(1) {
            last = self.eval_arg(dot, Param::Any, &a.op, a.span)?;
            if (name == "and") != last.truthy() {
                return Ok(last);
            }
        }
        if let Some(f) = final_ {
            last = f;
        }
        Ok(last)
    }

    fn builtin(&mut self, name: &str, cmd: &Command, args: &[Value]) -> R<Value> {
        let want = |n: usize| -> R<()> {
            if args.len() != n {
                return Err(self.error(
                    cmd.pos(),
                    self.text(cmd.args[0].span),
                    format!(
                        "wrong number of args for {name}: want {n} got {}",
                        args.len()
                    ),
                ));
            }
            Ok(())
        };
        match name {
            "not" => {
                want(1)?;
                Ok(Value::Bool(!args[0].truthy()))
            }
            "len" => {
                want(1)?;
                let v = args[0].to_data();
                let n = match &v {
                    Value::String(s) => s.len(),
                    Value::List(l) => l.len(),
                    Value::Map(m) => m.len(),
                    Value::Nil => {
                        let msg = if self.holds_no_value(cmd) {
                            // reflect panics on an invalid Value.
                            "reflect: call of reflect.Value.Type on zero Value"
                        } else {
                            "len of nil pointer"
                        };
                        return Err(self.call_error(cmd, "len", msg));
                    }
                    other => {
                        return Err(self.call_error(
                            cmd,
                            "len",
                            format!("len of type {}", other.type_name()),
                        ));
                    }
                };
                Ok(Value::Int(n as i64))
            }
            "index" => {
                if args.is_empty() {
                    return Err(self.error(
                        cmd.pos(),
                        self.text(cmd.span),
                        "wrong number of args for index: want at least 1 got 0",
                    ));
                }
                let mut item = args[0].to_data();
                if item.is_nil() {
                    return Err(self.call_error(cmd, "index", "index of untyped nil"));
                }
                for key in &args[1..] {
                    item = match (&item, key) {
                        (Value::Map(m), Value::String(k)) => m.get(k).unwrap_or(Value::Nil),
                        (Value::Map(_), Value::Nil) => {
                            return Err(self.call_error(
                                cmd,
                                "index",
                                "value is nil; should be of type string",
                            ));
                        }
                        (Value::Map(_), k) => {
                            return Err(self.call_error(
                                cmd,
                                "index",
                                format!("value has type {}; should be string", k.type_name()),
                            ));
                        }
                        (Value::List(l), k) => {
                            let i = int_index(k).map_err(|e| self.call_error(cmd, "index", e))?;
                            // Go checks against the capacity, then reflect
                            // panics on the length.
                            if i < 0 || i as usize > l.len() {
                                return Err(self.call_error(
                                    cmd,
                                    "index",
                                    format!("index out of range: {i}"),
                                ));
                            }
                            match l.get(i as usize) {
                                Some(v) => v.clone(),
                                None => {
                                    return Err(self.call_error(
                                        cmd,
                                        "index",
                                        "reflect: slice index out of range",
                                    ));
                                }
                            }
                        }
                        (Value::String(s), k) => {
                            let i = int_index(k).map_err(|e| self.call_error(cmd, "index", e))?;
                            if i < 0 || i as usize > s.len() {
                                return Err(self.call_error(
                                    cmd,
                                    "index",
                                    format!("index out of range: {i}"),
                                ));
                            }
                            match s.as_bytes().get(i as usize) {
                                Some(b) => Value::Int(i64::from(*b)),
                                None => {
                                    return Err(self.call_error(
                                        cmd,
                                        "index",
                                        "reflect: string index out of range",
                                    ));
                                }
                            }
                        }
                        // A nil reached by indexing (a map's nil value).
                        (Value::Nil, _) => {
                            return Err(self.call_error(cmd, "index", "index of nil pointer"));
                        }
                        (other, _) => {
                            return Err(self.call_error(
                                cmd,
                                "index",
                                format!("can't index item of type {}", other.type_name()),
                            ));
                        }
                    };
                }
                Ok(item)
            }
            "slice" => {
                if args.is_empty() {
                    return Err(self.error(
                        cmd.pos(),
                        self.text(cmd.span),
                        "wrong number of args for slice: want at least 1 got 0",
                    ));
                }
                let idx: Vec<i64> = args[1..]
                    .iter()
                    .map(int_index)
                    .collect::<Result<_, _>>()
                    .map_err(|e| self.call_error(cmd, "slice", e))?;
                match &args[0] {
                    Value::String(s) => {
                        let (a, b) = (
                            *idx.first().unwrap_or(&0) as usize,
                            *idx.get(1).unwrap_or(&(s.len() as i64)) as usize,
                        );
                        match s.get(a..b) {
                            Some(sub) => Ok(Value::str(sub)),
                            None => Err(self.call_error(
                                cmd,
                                "slice",
                                format!("index out of range: {b}"),
                            )),
                        }
                    }
                    Value::List(l) => {
                        let (a, b) = (
                            *idx.first().unwrap_or(&0) as usize,
                            *idx.get(1).unwrap_or(&(l.len() as i64)) as usize,
                        );
                        match l.get(a..b) {
                            Some(sub) => Ok(Value::list(sub.to_vec())),
                            None => Err(self.call_error(
                                cmd,
                                "slice",
                                format!("index out of range: {b}"),
                            )),
                        }
                    }
                    other => Err(self.call_error(
                        cmd,
                        "slice",
                        format!("can't slice item of type {}", other.type_name()),
                    )),
                }
            }
            "print" => Ok(Value::from(gofmt::sprint_all(args))),
            "println" => Ok(Value::from(gofmt::sprintln(args))),
            "printf" => {
                if args.is_empty() {
                    return Err(self.error(
                        cmd.pos(),
                        self.text(cmd.span),
                        "wrong number of args for printf: want at least 1 got 0",
                    ));
                }
                match &args[0] {
                    Value::String(f) => Ok(Value::from(gofmt::sprintf(f, &args[1..]))),
                    other => Err(self.error(
                        cmd.pos(),
                        self.text(cmd.span),
                        format!(
                            "wrong type for value; expected string; got {}",
                            other.type_name()
                        ),
                    )),
                }
            }
            "eq" => {
                if args.len() < 2 {
                    return Err(self.call_error(cmd, "eq", "missing argument for comparison"));
                }
                for b in &args[1..] {
                    if compare_eq(&args[0], b).map_err(|e| self.call_error(cmd, "eq", e))? {
                        return Ok(Value::Bool(true));
                    }
                }
                Ok(Value::Bool(false))
            }
            "ne" => {
                want(2)?;
                Ok(Value::Bool(
                    !compare_eq(&args[0], &args[1]).map_err(|e| self.call_error(cmd, "ne", e))?,
                ))
            }
            "lt" | "le" | "gt" | "ge" => {
                want(2)?;
                let o =
                    compare_order(&args[0], &args[1]).map_err(|e| self.call_error(cmd, name, e))?;
                use std::cmp::Ordering::*;
                Ok(Value::Bool(match name {
                    "lt" => o == Less,
                    "le" => o != Greater,
                    "gt" => o == Greater,
                    _ => o != Less,
                }))
            }
            "html" => Ok(Value::from(html_escape(&escaper_text(args)))),
            "js" => Ok(Value::from(js_escape(&escaper_text(args)))),
            "urlquery" => Ok(Value::from(query_escape(&escaper_text(args)))),
            "call" => {
                let Some(f) = args.first() else {
                    return Err(self.error(
                        cmd.pos(),
                        self.text(cmd.args[0].span),
                        "wrong number of args for call: want at least 1 got 0",
                    ));
                };
                if f.is_nil() {
                    return Err(self.call_error(cmd, "call", "call of nil"));
                }
                // Templates hold no function values; Go names the callee by
                // its node, or a piped value by reflect.Value's String.
                let callee = match cmd.args.get(1) {
                    Some(Arg {
                        op: Operand::Pipe(p),
                        ..
                    }) => normalize(self.pipe_text(p)),
                    Some(a) => normalize(self.text(a.span)),
                    None => match f {
                        Value::String(s) => s.to_string(),
                        v => format!("<{} Value>", v.type_name()),
                    },
                };
                Err(self.call_error(
                    cmd,
                    "call",
                    format!("non-function {callee} of type {}", f.type_name()),
                ))
            }
            "include" => self.include(cmd, args),
            "tpl" => self.tpl(cmd, args),
            "required" => {
                want(2)?;
                let Value::String(msg) = &args[0] else {
                    return Err(self.error(
                        cmd.pos(),
                        self.text(cmd.span),
                        format!(
                            "wrong type for value; expected string; got {}",
                            args[0].type_name()
                        ),
                    ));
                };
                match &args[1] {
                    Value::Nil if self.engine.lint_mode => Ok(Value::from("")),
                    Value::String(s) if s.is_empty() && self.engine.lint_mode => {
                        Ok(Value::from(""))
                    }
                    Value::Nil => Err(self.call_error(cmd, "required", helm_err(msg))),
                    Value::String(s) if s.is_empty() => {
                        Err(self.call_error(cmd, "required", helm_err(msg)))
                    }
                    v => Ok(v.clone()),
                }
            }
            "fail" => {
                want(1)?;
                if self.engine.lint_mode {
                    return Ok(Value::from(""));
                }
                Err(self.call_error(cmd, "fail", helm_err(&sprint(&args[0]))))
            }
            "lookup" => {
                want(4)?;
                let s: Vec<String> = args.iter().map(sprint).collect();
                match &self.engine.lookup {
                    Some(f) => {
                        f(&s[0], &s[1], &s[2], &s[3]).map_err(|e| self.call_error(cmd, "lookup", e))
                    }
                    None => Ok(Value::empty_map()),
                }
            }
            _ => Err(self.error(
                cmd.pos(),
                self.text(cmd.span),
                format!("{name:?} is not a defined function"),
            )),
        }
    }

    fn include(&mut self, cmd: &Command, args: &[Value]) -> R<Value> {
        if args.len() != 2 {
            return Err(self.error(
                cmd.pos(),
                self.text(cmd.span),
                format!(
                    "wrong number of args for include: want 2 got {}",
                    args.len()
                ),
            ));
        }
        let Value::String(name) = &args[0] else {
            return Err(self.error(
                cmd.pos(),
                self.text(cmd.span),
                format!(
                    "wrong type for value; expected string; got {}",
                    args[0].type_name()
                ),
            ));
        };
        {
            let mut counts = self.engine.include_counts.borrow_mut();
            let c = counts.entry(name.to_string()).or_insert(0);
            if *c > INCLUDE_MAX {
                return Err(self.call_error(cmd, "include", format!("rendering template has a nested reference name: {name}: unable to execute template")));
            }
            *c += 1;
        }
        let r = match self.find_tree(name) {
            Some(tree) => {
                let mut out = String::new();
                self.exec_tree(&mut out, tree, &args[1], cmd.pos())
                    .map(|()| Value::from(out))
            }
            None => Err(Error::Plain(format!(
                "template: no template {name:?} associated with template {SET_NAME:?}"
            ))),
        };
        if let Some(c) = self.engine.include_counts.borrow_mut().get_mut(&**name) {
            *c -= 1;
        }
        r.map_err(|e| {
            let mut outer = self.error(cmd.pos(), self.text(cmd.span), "error calling include");
            if let Error::Exec { cause, .. } = &mut outer {
                *cause = Some(Box::new(e));
            }
            outer
        })
    }

    fn tpl(&mut self, cmd: &Command, args: &[Value]) -> R<Value> {
        if args.len() != 2 {
            return Err(self.error(
                cmd.pos(),
                self.text(cmd.span),
                format!("wrong number of args for tpl: want 2 got {}", args.len()),
            ));
        }
        let Value::String(text) = &args[0] else {
            return Err(self.error(
                cmd.pos(),
                self.text(cmd.span),
                format!(
                    "wrong type for value; expected string; got {}",
                    args[0].type_name()
                ),
            ));
        };
        let vals = &args[1];
        // Helm 4 parses the string as a template named after its template set.
        // Charts call tpl on the same strings for every object; parse each once.
        let cached = self.engine.tpl_cache.borrow().get(&**text).cloned();
        let parsed = match cached {
            Some(p) => p,
            None => {
                let funcs = self.engine.funcs.clone();
                let p = parse::parse_shared(SET_NAME, text.clone(), &|n| is_func(&funcs, n))
                    .map_err(|e| {
                        self.call_error(cmd, "tpl", format!("cannot parse template {text:?}: {e}"))
                    })?;
                let p = Rc::new(TplTrees {
                    main: Rc::new(p.main),
                    defines: p.defines.into_iter().map(Rc::new).collect(),
                });
                self.engine
                    .tpl_cache
                    .borrow_mut()
                    .insert(text.clone(), p.clone());
                p
            }
        };
        let saved_overlay = if parsed.defines.is_empty() {
            self.overlay.clone()
        } else {
            let mut overlay: HashMap<Rc<str>, Rc<Tree>> =
                self.overlay.as_deref().cloned().unwrap_or_default();
            for d in &parsed.defines {
                overlay.insert(d.name.clone(), d.clone());
            }
            self.overlay.replace(Rc::new(overlay))
        };
        let mut out = String::new();
        let r = self.exec_tree(&mut out, parsed.main.clone(), vals, cmd.pos());
        self.overlay = saved_overlay;
        r.map_err(|e| {
            self.call_error(
                cmd,
                "tpl",
                format!("error during tpl function execution for {text:?}: {e}"),
            )
        })?;
        Ok(Value::from(out.replace("<no value>", "")))
    }
}

/// Helm wraps `required`/`fail` messages so its error cleanup can find them.
pub const ERR_START: &str = "HELM_ERR_START";
pub const ERR_END: &str = "HELM_ERR_END";

fn helm_err(msg: &str) -> String {
    format!("{ERR_START}{msg}{ERR_END}")
}

/// A number constant where any value is wanted (Go's `idealConstant`).
fn ideal(n: &parse::Number) -> Value {
    if n.is_char() {
        return Value::Int(n.int().unwrap_or(0));
    }
    match (n.int(), n.float()) {
        (Some(i), _) if !n.looks_float() => Value::Int(i),
        (_, Some(f)) => Value::Float(f),
        (Some(i), None) => Value::Int(i),
        (None, None) => Value::Nil,
    }
}

fn int_index(v: &Value) -> Result<i64, String> {
    match v {
        Value::Int(i) | Value::Int64(i) => Ok(*i),
        Value::Nil => Err("cannot index slice/array with nil".into()),
        other => Err(format!(
            "cannot index slice/array with type {}",
            other.type_name()
        )),
    }
}

#[derive(PartialEq)]
enum Kind {
    Bool,
    Int,
    Float,
    String,
    Other,
    Invalid,
}

fn basic_kind(v: &Value) -> Kind {
    match v {
        Value::Nil => Kind::Invalid,
        Value::Bool(_) => Kind::Bool,
        Value::Int(_) | Value::Int64(_) => Kind::Int,
        Value::Float(_) => Kind::Float,
        Value::String(_) => Kind::String,
        _ => Kind::Other,
    }
}

fn incompatible(a: &Value, b: &Value) -> String {
    format!(
        "incompatible types for comparison: {} and {}",
        a.type_name(),
        b.type_name()
    )
}

/// Go's template `eq` for two operands.
fn compare_eq(a: &Value, b: &Value) -> Result<bool, String> {
    let (ka, kb) = (basic_kind(a), basic_kind(b));
    if ka != kb {
        if ka != Kind::Invalid && kb != Kind::Invalid {
            return Err(incompatible(a, b));
        }
        return Ok(false);
    }
    Ok(match (a, b) {
        (Value::Bool(x), Value::Bool(y)) => x == y,
        (Value::Int(x) | Value::Int64(x), Value::Int(y) | Value::Int64(y)) => x == y,
        (Value::Float(x), Value::Float(y)) => x == y,
        (Value::String(x), Value::String(y)) => x == y,
        (Value::Nil, Value::Nil) => true,
        (Value::List(_), _) | (_, Value::List(_)) => {
            return Err(format!(
                "non-comparable type {}: {}",
                sprint(a),
                a.type_name()
            ));
        }
        (Value::Map(_), _) | (_, Value::Map(_)) => {
            return Err(format!(
                "non-comparable type {}: {}",
                sprint(a),
                a.type_name()
            ));
        }
        (Value::Object(x), Value::Object(y)) => x.display() == y.display(),
        _ => false,
    })
}

fn compare_order(a: &Value, b: &Value) -> Result<std::cmp::Ordering, String> {
    let (ka, kb) = (basic_kind(a), basic_kind(b));
    if ka == Kind::Invalid || kb == Kind::Invalid {
        return Err("invalid type for comparison".into());
    }
    if ka != kb {
        return Err(incompatible(a, b));
    }
    match (a, b) {
        (Value::Int(x) | Value::Int64(x), Value::Int(y) | Value::Int64(y)) => Ok(x.cmp(y)),
        (Value::Float(x), Value::Float(y)) => x
            .partial_cmp(y)
            .ok_or_else(|| "incompatible types for comparison".into()),
        (Value::String(x), Value::String(y)) => Ok(x.cmp(y)),
        _ => Err("invalid type for comparison".into()),
    }
}

/// Go's `evalArgs` for the escapers: a missing value prints as `<no value>`.
fn escaper_text(args: &[Value]) -> String {
    match args {
        [Value::Nil] => "<no value>".into(),
        _ => gofmt::sprint_all(args),
    }
}

fn html_escape(s: &str) -> String {
    let mut o = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '"' => o.push_str("&#34;"),
            '\'' => o.push_str("&#39;"),
            '&' => o.push_str("&amp;"),
            '<' => o.push_str("&lt;"),
            '>' => o.push_str("&gt;"),
            '\0' => o.push('\u{FFFD}'),
            c => o.push(c),
        }
    }
    o
}

fn js_escape(s: &str) -> String {
    let mut o = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '\\' => o.push_str("\\\\"),
            '\'' => o.push_str("\\'"),
            '"' => o.push_str("\\\""),
            '<' => o.push_str("\\u003C"),
            '>' => o.push_str("\\u003E"),
            '&' => o.push_str("\\u0026"),
            '=' => o.push_str("\\u003D"),
            '\n' => o.push_str("\\n"),
            '\r' => o.push_str("\\r"),
            '\t' => o.push_str("\\t"),
            c if (c as u32) < 0x20 => o.push_str(&format!("\\u{:04X}", c as u32)),
            c => o.push(c),
        }
    }
    o
}

fn query_escape(s: &str) -> String {
    let mut o = String::new();
    for b in s.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                o.push(b as char)
            }
            b' ' => o.push('+'),
            b => o.push_str(&format!("%{b:02X}")),
        }
    }
    o
}

fn short_kind(p: Param) -> &'static str {
    match p {
        Param::Int | Param::Int64 => "integer",
        Param::Float64 => "float",
        Param::String => "string",
        _ => p.go_name(),
    }
}

/// Where Go positions a field chain `.a.b.c`: at its second field when it
/// has one (the parser builds the node from the chain that starts there).
fn field_pos(src: &str, fields: Fields, fallback: usize) -> usize {
    fields.second_pos(src).unwrap_or(fallback)
}

/// Where Go positions `$x.a.b` or `(pipe).a.b`: at the first field.
fn chain_pos(fields: Fields, fallback: usize) -> usize {
    if fields.is_empty() {
        fallback
    } else {
        fields.0.pos()
    }
}

/// The operand Go evaluates last in a pipeline: the last argument of its
/// last command, inside parentheses if it is a parenthesized pipeline.
fn last_operand(src: &str, pipe: &Pipe) -> (usize, Span) {
    let Some(arg) = pipe.cmds.last().and_then(|c| c.args.last()) else {
        return (pipe.pos, Span::new(pipe.pos, pipe.pos));
    };
    match &arg.op {
        Operand::Pipe(p) => last_operand(src, p),
        &Operand::Field(fs) => (field_pos(src, fs, arg.span.pos()), arg.span),
        _ => (arg.span.pos(), arg.span),
    }
}

/// Where Go reports a range error: at the pipeline's last command's operand.
fn range_node(src: &str, pipe: &Pipe, fallback: usize) -> (usize, String) {
    match pipe.cmds.last() {
        Some(c) => {
            let at = match c.args.first().map(|a| &a.op) {
                Some(&Operand::Field(fs)) => field_pos(src, fs, c.pos()),
                Some(&Operand::Variable(_, fs) | &Operand::Chain(_, fs)) => chain_pos(fs, c.pos()),
                _ => c.args.first().map_or(c.pos(), |a| a.span.pos()),
            };
            (at, c.span.text(src).to_string())
        }
        None => (fallback, String::new()),
    }
}

/// Collapses runs of whitespace outside quotes (Go prints nodes re-formatted).
fn normalize(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut in_str = false;
    let mut prev_space = false;
    let mut escaped = false;
    for c in s.chars() {
        if in_str {
            out.push(c);
            if escaped {
                escaped = false;
            } else if c == '\\' {
                escaped = true;
            } else if c == '"' {
                in_str = false;
            }
            continue;
        }
        if c.is_whitespace() {
            if !prev_space {
                out.push(' ');
            }
            prev_space = true;
            continue;
        }
        prev_space = false;
        if c == '"' {
            in_str = true;
        }
        out.push(c);
    }
    out.trim().to_string()
}

#[cfg(test)]
mod lint_mode_tests {
    use super::*;

    #[test]
    fn required_and_fail_are_empty_in_lint_mode() {
        let tpl =
            r#"[{{ required "need it" .missing }}][{{ required "empty" "" }}][{{ fail "boom" }}]"#;
        let data = Value::Map(crate::value::Map::new());
        let mut e = Engine::new();
        e.add_template("t", tpl).unwrap();
        assert!(e.render("t", &data).is_err());
        e.set_lint_mode(true);
        assert_eq!(e.render("t", &data).unwrap(), "[][][]");
    }
}
