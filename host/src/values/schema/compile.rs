//! Compiling schema documents into [`Schema`]s, as jsonschema v6 does for
//! Helm: drafts chosen by `$schema` (2020-12 without one), resources
//! (`$id`), anchors, `$ref`/`$dynamicRef`/`$recursiveRef` resolved up front
//! (so a dangling reference fails before any value is validated), and each
//! document first validated against its draft's metaschema.

use std::collections::{BTreeMap, BTreeSet, HashMap, VecDeque};
use std::rc::Rc;

use whelm_template::funcs::regex::{GoRegex, compile_go};

use super::json::{self, Json};
use super::meta;
use super::num::Num;
use super::url::{encode_pointer, resolve, split_fragment};
use super::validate::{self, ValidationError};

/// A JSON Schema draft.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Draft {
    D4 = 4,
    D6 = 6,
    D7 = 7,
    D2019 = 2019,
    D2020 = 2020,
}

impl Draft {
    pub fn from_url(url: &str) -> Option<Draft> {
        let (u, frag) = url.split_once('#').unwrap_or((url, ""));
        if !frag.is_empty() {
            return None;
        }
        let u = u
            .strip_prefix("http://")
            .or_else(|| u.strip_prefix("https://"))
            .unwrap_or(u);
        Some(match u {
            "json-schema.org/schema" | "json-schema.org/draft/2020-12/schema" => Draft::D2020,
            "json-schema.org/draft/2019-09/schema" => Draft::D2019,
            "json-schema.org/draft-07/schema" => Draft::D7,
            "json-schema.org/draft-06/schema" => Draft::D6,
            "json-schema.org/draft-04/schema" => Draft::D4,
            _ => return None,
        })
    }

    /// The metaschema's URL (what its errors are reported against).
    pub fn url(self) -> &'static str {
        match self {
            Draft::D4 => "http://json-schema.org/draft-04/schema",
            Draft::D6 => "http://json-schema.org/draft-06/schema",
            Draft::D7 => "http://json-schema.org/draft-07/schema",
            Draft::D2019 => "https://json-schema.org/draft/2019-09/schema",
            Draft::D2020 => "https://json-schema.org/draft/2020-12/schema",
        }
    }

    fn id_keyword(self) -> &'static str {
        if self == Draft::D4 { "id" } else { "$id" }
    }

    /// Where subschemas sit in a schema object: `(keyword, shape)`, shape
    /// `'s'` a schema, `'m'` a map of schemas, `'a'` an array of schemas,
    /// `'i'` a schema or an array of them.
    fn subschema_paths(self) -> Vec<(&'static str, char)> {
        let mut p = vec![
            ("definitions", 'm'),
            ("not", 's'),
            ("allOf", 'a'),
            ("anyOf", 'a'),
            ("oneOf", 'a'),
            ("properties", 'm'),
            ("additionalProperties", 's'),
            ("patternProperties", 'm'),
            ("items", 'i'),
            ("additionalItems", 's'),
            ("dependencies", 'm'),
        ];
        if self >= Draft::D6 {
            p.extend([("propertyNames", 's'), ("contains", 's')]);
        }
        if self >= Draft::D7 {
            p.extend([("if", 's'), ("then", 's'), ("else", 's')]);
        }
        if self >= Draft::D2019 {
            p.extend([
                ("$defs", 'm'),
                ("dependentSchemas", 'm'),
                ("unevaluatedProperties", 's'),
                ("unevaluatedItems", 's'),
                ("contentSchema", 's'),
            ]);
        }
        if self >= Draft::D2020 {
            p.push(("prefixItems", 'a'));
        }
        p
    }
}

/// `additionalProperties` / `additionalItems`.
#[derive(Clone, Copy, Debug)]
pub enum Additional {
    Bool(bool),
    Schema(usize),
}

#[derive(Clone, Debug)]
pub enum Dependency {
    Props(Vec<String>),
    Schema(usize),
}

#[derive(Clone, Debug)]
pub enum Items {
    One(usize),
    Tuple(Vec<usize>),
}

/// A compiled schema; other schemas are referred to by index.
#[derive(Debug, Default)]
pub struct Schema {
    /// `url#pointer`.
    pub location: String,
    pub draft: Option<Draft>,
    /// The schema at the root of this schema's resource.
    pub resource: usize,
    pub boolean: Option<bool>,
    pub r#ref: Option<usize>,
    pub recursive_ref: Option<usize>,
    pub recursive_anchor: bool,
    pub dynamic_ref: Option<(usize, String)>,
    pub dynamic_anchor: String,
    /// For resource roots (2020-12): dynamic anchors by name.
    pub dynamic_anchors: HashMap<String, usize>,
    pub types: u8,
    pub r#const: Option<Json>,
    pub r#enum: Option<(Vec<Json>, u8)>,
    pub format: Option<String>,
    pub all_of: Vec<usize>,
    pub any_of: Vec<usize>,
    pub one_of: Vec<usize>,
    pub not: Option<usize>,
    pub r#if: Option<usize>,
    pub then: Option<usize>,
    pub r#else: Option<usize>,
    pub properties: BTreeMap<String, usize>,
    pub pattern_properties: Vec<(GoRegex, usize)>,
    pub additional_properties: Option<Additional>,
    pub dependencies: BTreeMap<String, Dependency>,
    pub dependent_required: BTreeMap<String, Vec<String>>,
    pub dependent_schemas: BTreeMap<String, usize>,
    pub property_names: Option<usize>,
    pub min_properties: Option<i64>,
    pub max_properties: Option<i64>,
    pub required: Vec<String>,
    pub items: Option<Items>,
    pub additional_items: Option<Additional>,
    pub prefix_items: Vec<usize>,
    pub items2020: Option<usize>,
    pub contains: Option<usize>,
    pub min_contains: Option<i64>,
    pub max_contains: Option<i64>,
    pub min_items: Option<i64>,
    pub max_items: Option<i64>,
    pub unique_items: bool,
    pub min_length: Option<i64>,
    pub max_length: Option<i64>,
    pub pattern: Option<(GoRegex, String)>,
    pub minimum: Option<Num>,
    pub maximum: Option<Num>,
    pub exclusive_minimum: Option<Num>,
    pub exclusive_maximum: Option<Num>,
    pub multiple_of: Option<Num>,
    pub unevaluated_properties: Option<usize>,
    pub unevaluated_items: Option<usize>,
    pub all_props_evaluated: bool,
    pub all_items_evaluated: bool,
    pub num_items_evaluated: usize,
}

/// Type bits, in the order jsonschema lists them in messages.
pub const TYPE_NAMES: [&str; 7] = [
    "null", "boolean", "number", "integer", "string", "array", "object",
];

pub fn type_bit(name: &str) -> u8 {
    TYPE_NAMES
        .iter()
        .position(|n| *n == name)
        .map(|i| 1 << i)
        .unwrap_or(0)
}

pub fn type_of(v: &Json) -> u8 {
    type_bit(match v {
        Json::Null => "null",
        Json::Bool(_) => "boolean",
        Json::Num(_) => "number",
        Json::Str(_) => "string",
        Json::Arr(_) => "array",
        Json::Obj(_) => "object",
    })
}

struct Resource {
    ptr: String,
    id: String,
    anchors: BTreeMap<String, String>,
    dynamic_anchors: Vec<String>,
}

struct Doc {
    url: String,
    /// Shared, so subtrees are walked by reference while the compiler changes.
    json: Rc<Json>,
    draft: Draft,
    /// Metaschemas assert `format`; user schemas only before 2019-09.
    meta: bool,
    resources: Vec<Resource>,
    /// Subschema pointers seen while collecting resources.
    subschemas: BTreeSet<String>,
}

/// A failure to load or compile a schema: the text Helm prints.
#[derive(Debug)]
pub enum CompileError {
    Message(String),
    /// The document does not validate against its metaschema.
    Meta {
        url: String,
        error: Box<ValidationError>,
    },
}

impl std::fmt::Display for CompileError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            CompileError::Message(m) => f.write_str(m),
            CompileError::Meta { url, error } => write!(
                f,
                "{} is not valid against metaschema: {}",
                go_quote(url),
                error.display()
            ),
        }
    }
}

use whelm_template::gofmt::go_quote;

fn msg(s: String) -> CompileError {
    CompileError::Message(s)
}

/// The schemas of one validation: the user's document, the metaschemas and
/// anything they refer to, in one arena.
#[derive(Default)]
pub struct Compiler {
    docs: Vec<Doc>,
    pub schemas: Vec<Schema>,
    index: HashMap<(usize, String), usize>,
    queue: VecDeque<(usize, String)>,
}

impl Compiler {
    /// Adds the user's schema document at `url`.
    pub fn add_root(&mut self, url: &str, doc: Json) -> Result<usize, CompileError> {
        self.add_doc(url, doc, false)
    }

    fn find_doc(&self, url: &str) -> Option<usize> {
        self.docs.iter().position(|d| d.url == url)
    }

    fn add_doc(&mut self, url: &str, doc: Json, meta: bool) -> Result<usize, CompileError> {
        let draft = match doc.as_obj().and_then(|o| o.get("$schema")) {
            Some(Json::Str(s)) => match Draft::from_url(s) {
                Some(d) => d,
                None => {
                    let (u, _) = split_fragment(s).map_err(msg)?;
                    return Err(msg(load_error(&resolve(url, &u))));
                }
            },
            _ => Draft::D2020,
        };
        let di = self.docs.len();
        self.docs.push(Doc {
            url: url.to_string(),
            json: Rc::new(doc),
            draft,
            meta,
            resources: Vec::new(),
            subschemas: BTreeSet::new(),
        });
        let json = self.docs[di].json.clone();
        self.collect_resources(di, &json, url.to_string(), String::new())?;
        if !meta {
            self.validate_against_meta(di, "")?;
        }
        Ok(di)
    }

    fn validate_against_meta(&mut self, di: usize, ptr: &str) -> Result<(), CompileError> {
        let draft = self.docs[di].draft;
        let meta_url = draft.url();
        let mdi = match self.find_doc(meta_url) {
            Some(i) => i,
            None => self.load_meta(meta_url)?,
        };
        let root = self.compile(mdi, String::new())?;
        let json = self.docs[di].json.clone();
        let instance = lookup(&json, ptr).unwrap_or(&Json::Null);
        if let Err(error) = validate::validate(self, root, instance) {
            return Err(CompileError::Meta {
                url: format!("{}#{}", self.docs[di].url, encode_pointer(ptr)),
                error: Box::new(error),
            });
        }
        Ok(())
    }

    fn load_meta(&mut self, url: &str) -> Result<usize, CompileError> {
        let text = meta::document(url).ok_or_else(|| msg(load_error(url)))?;
        let doc = json::parse(text.as_bytes()).map_err(msg)?;
        self.add_doc(url, doc, true)
    }

    /// Loads a document referred to by URL: a metaschema, a local file
    /// (as Helm's `file` loader), or for `urn:` a permissive `true`.
    fn load(&mut self, url: &str) -> Result<usize, CompileError> {
        if let Some(i) = self.find_doc(url) {
            return Ok(i);
        }
        let canonical = if meta::is_latest_alias(url) {
            Draft::D2020.url()
        } else {
            url
        };
        if meta::document(canonical).is_some() {
            return match self.find_doc(canonical) {
                Some(i) => Ok(i),
                None => self.load_meta(canonical),
            };
        }
        if url.starts_with("urn:") {
            return self.add_doc(url, Json::Bool(true), false);
        }
        if let Some(path) = url.strip_prefix("file://") {
            let data = std::fs::read(path).map_err(|e| {
                let reason = match e.kind() {
                    std::io::ErrorKind::NotFound => "no such file or directory".to_string(),
                    std::io::ErrorKind::PermissionDenied => "permission denied".to_string(),
                    _ => e.to_string(),
                };
                msg(format!(
                    "failing loading {}: open {path}: {reason}",
                    go_quote(url)
                ))
            })?;
            let doc = json::parse(&data)
                .map_err(|e| msg(format!("failing loading {}: {e}", go_quote(url))))?;
            return self.add_doc(url, doc, false);
        }
        Err(msg(load_error(url)))
    }

    fn collect_resources(
        &mut self,
        di: usize,
        sch: &Json,
        base: String,
        ptr: String,
    ) -> Result<(), CompileError> {
        if !self.docs[di].subschemas.insert(ptr.clone()) {
            return Ok(());
        }
        let draft = self.docs[di].draft;
        let obj = match sch {
            Json::Obj(o) => o,
            _ => {
                if ptr.is_empty() {
                    self.docs[di].resources.push(Resource {
                        ptr,
                        id: base,
                        anchors: BTreeMap::new(),
                        dynamic_anchors: Vec::new(),
                    });
                }
                return Ok(());
            }
        };
        let mut base = base;
        let id = get_id(draft, obj);
        if !id.is_empty() || ptr.is_empty() {
            if !id.is_empty() {
                base = resolve(&base, &id);
            }
            let doc = &mut self.docs[di];
            match doc.resources.iter().find(|r| r.id == base) {
                Some(r) if r.ptr != ptr => {
                    return Err(msg(format!(
                        "duplicate id {} in {} at {} and {}",
                        go_quote(&base),
                        go_quote(&doc.url),
                        go_quote(&ptr),
                        go_quote(&r.ptr)
                    )));
                }
                Some(_) => {}
                None => doc.resources.push(Resource {
                    ptr: ptr.clone(),
                    id: base.clone(),
                    anchors: BTreeMap::new(),
                    dynamic_anchors: Vec::new(),
                }),
            }
        }
        let ri = self.docs[di]
            .resources
            .iter()
            .position(|r| r.id == base)
            .expect("base resource");
        self.collect_anchors(di, ri, obj, &ptr)?;
        let mut subs: Vec<(String, &Json)> = Vec::new();
        for (kw, shape) in draft.subschema_paths() {
            let Some(v) = obj.get(kw) else { continue };
            let p = format!("{ptr}/{}", escape(kw));
            match (shape, v) {
                ('s', v) | ('i', v @ (Json::Obj(_) | Json::Bool(_))) => subs.push((p, v)),
                ('m', Json::Obj(m)) => {
                    for (k, v) in m {
                        subs.push((format!("{p}/{}", escape(k)), v));
                    }
                }
                ('a' | 'i', Json::Arr(a)) => {
                    for (i, v) in a.iter().enumerate() {
                        subs.push((format!("{p}/{i}"), v));
                    }
                }
                _ => {}
            }
        }
        for (p, v) in subs {
            self.collect_resources(di, v, base.clone(), p)?;
        }
        Ok(())
    }

    fn collect_anchors(
        &mut self,
        di: usize,
        ri: usize,
        obj: &BTreeMap<String, Json>,
        ptr: &str,
    ) -> Result<(), CompileError> {
        let doc = &mut self.docs[di];
        let draft = doc.draft;
        let add = |doc: &mut Doc, anchor: String| -> Result<(), CompileError> {
            let res = &mut doc.resources[ri];
            match res.anchors.get(&anchor) {
                Some(p) if p == ptr => Ok(()),
                Some(p) => Err(msg(format!(
                    "duplicate anchor {} in {} at {} and {}",
                    go_quote(&anchor),
                    go_quote(&doc.url),
                    go_quote(p),
                    go_quote(ptr)
                ))),
                None => {
                    res.anchors.insert(anchor, ptr.to_string());
                    Ok(())
                }
            }
        };
        if draft < Draft::D2019 {
            if obj.contains_key("$ref") {
                return Ok(());
            }
            if let Some(Json::Str(id)) = obj.get(draft.id_keyword())
                && let Some((_, frag)) = id.split_once('#')
                && !frag.is_empty()
                && !frag.starts_with('/')
            {
                add(doc, frag.to_string())?;
            }
        } else if let Some(Json::Str(a)) = obj.get("$anchor") {
            add(doc, a.clone())?;
        }
        if draft >= Draft::D2020
            && let Some(Json::Str(a)) = obj.get("$dynamicAnchor")
        {
            add(doc, a.clone())?;
            doc.resources[ri].dynamic_anchors.push(a.clone());
        }
        Ok(())
    }

    /// The resource a pointer lies in (the nearest enclosing one).
    fn resource_of(&self, di: usize, ptr: &str) -> usize {
        let doc = &self.docs[di];
        let mut p = ptr;
        loop {
            if let Some(i) = doc.resources.iter().position(|r| r.ptr == p) {
                return i;
            }
            match p.rfind('/') {
                Some(i) => p = &p[..i],
                None => break,
            }
        }
        doc.resources
            .iter()
            .position(|r| r.ptr.is_empty())
            .unwrap_or(0)
    }

    fn location(&self, di: usize, ptr: &str) -> String {
        format!("{}#{}", self.docs[di].url, encode_pointer(ptr))
    }

    /// Resolves a fragment within a resource to a pointer.
    fn resolve_fragment(&self, di: usize, ri: usize, frag: &str) -> Result<String, CompileError> {
        let res = &self.docs[di].resources[ri];
        if frag.is_empty() || frag.starts_with('/') {
            return Ok(format!("{}{frag}", res.ptr));
        }
        res.anchors.get(frag).cloned().ok_or_else(|| {
            msg(format!(
                "anchor in {} not found in schema {}",
                go_quote(&format!("{}#{}", res.id, encode_pointer(frag))),
                go_quote(&self.docs[di].url)
            ))
        })
    }

    /// A reference in a schema of `di` at `ptr`: the schema it names.
    fn enqueue_ref(&mut self, di: usize, ptr: &str, r: &str) -> Result<usize, CompileError> {
        let ri = self.resource_of(di, ptr);
        let base = self.docs[di].resources[ri].id.clone();
        let (u, frag) = split_fragment(r).map_err(msg)?;
        let url = resolve(&base, &u);
        // A resource of this document?
        let local = if url == self.docs[di].url {
            self.docs[di]
                .resources
                .iter()
                .position(|r| r.ptr.is_empty())
        } else {
            self.docs[di].resources.iter().position(|r| r.id == url)
        };
        if let Some(ri) = local {
            let p = self.resolve_fragment(di, ri, &frag)?;
            return Ok(self.enqueue(di, p));
        }
        let odi = self.load(&url)?;
        let root = self.docs[odi]
            .resources
            .iter()
            .position(|r| r.ptr.is_empty())
            .unwrap_or(0);
        let p = self.resolve_fragment(odi, root, &frag)?;
        Ok(self.enqueue(odi, p))
    }

    fn enqueue(&mut self, di: usize, ptr: String) -> usize {
        if let Some(i) = self.index.get(&(di, ptr.clone())) {
            return *i;
        }
        let i = self.schemas.len();
        self.schemas.push(Schema {
            location: self.location(di, &ptr),
            ..Default::default()
        });
        self.index.insert((di, ptr.clone()), i);
        self.queue.push_back((di, ptr));
        i
    }

    /// Compiles the schema at `ptr` of document `di` and everything it
    /// refers to.
    pub fn compile(&mut self, di: usize, ptr: String) -> Result<usize, CompileError> {
        let first = self.enqueue(di, ptr);
        while let Some((d, p)) = self.queue.pop_front() {
            let i = self.index[&(d, p.clone())];
            if self.schemas[i].draft.is_some() {
                continue;
            }
            self.compile_one(d, &p, i)?;
        }
        Ok(first)
    }

    fn compile_one(&mut self, di: usize, ptr: &str, i: usize) -> Result<(), CompileError> {
        let json = self.docs[di].json.clone();
        let Some(v) = lookup(&json, ptr) else {
            return Err(msg(format!(
                "json-pointer in {} not found",
                go_quote(&self.location(di, ptr))
            )));
        };
        if !self.docs[di].subschemas.contains(ptr) {
            // A reference into a part of the document that is not a
            // subschema position: it must be a schema of its own.
            let ri = self.resource_of(di, ptr);
            let base = self.docs[di].resources[ri].id.clone();
            self.collect_resources(di, v, base, ptr.to_string())?;
            if !self.docs[di].meta {
                self.validate_against_meta(di, ptr)?;
            }
        }
        let draft = self.docs[di].draft;
        let ri = self.resource_of(di, ptr);
        let res_ptr = self.docs[di].resources[ri].ptr.clone();
        let resource = self.enqueue(di, res_ptr.clone());
        let mut s = Schema {
            location: self.location(di, ptr),
            draft: Some(draft),
            resource,
            ..Default::default()
        };
        if draft >= Draft::D2020 && ptr == res_ptr {
            let res = &self.docs[di].resources[ri];
            let dyn_anchors: Vec<(String, String)> = res
                .dynamic_anchors
                .iter()
                .filter_map(|a| res.anchors.get(a).map(|p| (a.clone(), p.clone())))
                .collect();
            for (a, p) in dyn_anchors {
                let t = self.enqueue(di, p);
                s.dynamic_anchors.insert(a, t);
            }
        }
        match v {
            Json::Bool(b) => s.boolean = Some(*b),
            Json::Obj(o) if o.is_empty() => s.boolean = Some(true),
            Json::Obj(o) => self.compile_object(di, ptr, draft, o, &mut s)?,
            _ => {}
        }
        s.all_props_evaluated = s.additional_properties.is_some();
        if draft < Draft::D2020 {
            s.all_items_evaluated = s.additional_items.is_some();
            match &s.items {
                Some(Items::One(_)) => s.all_items_evaluated = true,
                Some(Items::Tuple(t)) => s.num_items_evaluated = t.len(),
                None => {}
            }
        } else {
            s.all_items_evaluated = s.items2020.is_some();
            s.num_items_evaluated = s.prefix_items.len();
        }
        self.schemas[i] = s;
        Ok(())
    }

    fn compile_object(
        &mut self,
        di: usize,
        ptr: &str,
        draft: Draft,
        o: &BTreeMap<String, Json>,
        s: &mut Schema,
    ) -> Result<(), CompileError> {
        let sub = |this: &mut Self, kw: &str| -> Option<usize> {
            o.get(kw)
                .map(|_| this.enqueue(di, format!("{ptr}/{}", escape(kw))))
        };
        let arr = |this: &mut Self, kw: &str| -> Vec<usize> {
            match o.get(kw) {
                Some(Json::Arr(a)) => (0..a.len())
                    .map(|i| this.enqueue(di, format!("{ptr}/{}/{i}", escape(kw))))
                    .collect(),
                _ => Vec::new(),
            }
        };
        let map = |this: &mut Self, kw: &str| -> Option<BTreeMap<String, usize>> {
            match o.get(kw) {
                Some(Json::Obj(m)) => Some(
                    m.keys()
                        .map(|k| {
                            (
                                k.clone(),
                                this.enqueue(di, format!("{ptr}/{}/{}", escape(kw), escape(k))),
                            )
                        })
                        .collect(),
                ),
                _ => None,
            }
        };
        let additional = |this: &mut Self, kw: &str| -> Option<Additional> {
            match o.get(kw) {
                Some(Json::Bool(b)) => Some(Additional::Bool(*b)),
                Some(_) => sub(this, kw).map(Additional::Schema),
                None => None,
            }
        };
        let num = |kw: &str| match o.get(kw) {
            Some(Json::Num(n)) => Some(n.clone()),
            _ => None,
        };
        let int = |kw: &str| num(kw).and_then(|n| n.as_int());
        let boolean = |kw: &str| matches!(o.get(kw), Some(Json::Bool(true)));
        let string = |kw: &str| o.get(kw).and_then(Json::as_str).map(str::to_string);
        let strings = |v: &[Json]| -> Vec<String> {
            v.iter()
                .filter_map(|j| j.as_str().map(str::to_string))
                .collect()
        };
        let regex = |this: &Self, kw: &str, pat: &str| -> Result<GoRegex, CompileError> {
            compile_go(pat).map_err(|e| {
                msg(format!(
                    "invalid regex {} at {}: {e}",
                    go_quote(pat),
                    go_quote(&format!(
                        "{}/{}",
                        this.location(di, ptr),
                        super::url::path_escape(kw)
                    ))
                ))
            })
        };

        // $ref
        if let Some(r) = string("$ref") {
            s.r#ref = Some(self.enqueue_ref(di, ptr, &r)?);
            if draft < Draft::D2019 {
                return Ok(());
            }
        }
        s.all_of = arr(self, "allOf");
        s.any_of = arr(self, "anyOf");
        s.one_of = arr(self, "oneOf");
        s.not = sub(self, "not");
        if draft < Draft::D2020 {
            match o.get("items") {
                Some(Json::Arr(_)) => {
                    s.items = Some(Items::Tuple(arr(self, "items")));
                    s.additional_items = additional(self, "additionalItems");
                }
                Some(_) => s.items = sub(self, "items").map(Items::One),
                None => {}
            }
        }
        s.properties = map(self, "properties").unwrap_or_default();
        if let Some(m) = map(self, "patternProperties") {
            for (pat, i) in m {
                s.pattern_properties
                    .push((regex(self, "patternProperties", &pat)?, i));
            }
        }
        s.additional_properties = additional(self, "additionalProperties");
        if let Some(Json::Obj(deps)) = o.get("dependencies") {
            for (k, v) in deps {
                let d = match v {
                    Json::Arr(a) => Dependency::Props(strings(a)),
                    _ => Dependency::Schema(
                        self.enqueue(di, format!("{ptr}/dependencies/{}", escape(k))),
                    ),
                };
                s.dependencies.insert(k.clone(), d);
            }
        }
        if let Some(t) = o.get("type") {
            s.types = match t {
                Json::Str(n) => type_bit(n),
                Json::Arr(a) => a
                    .iter()
                    .filter_map(Json::as_str)
                    .fold(0, |acc, n| acc | type_bit(n)),
                _ => 0,
            };
        }
        if let Some(Json::Arr(e)) = o.get("enum") {
            let types = e.iter().fold(0, |acc, v| acc | type_of(v));
            s.r#enum = Some((e.clone(), types));
        }
        s.multiple_of = num("multipleOf");
        s.maximum = num("maximum");
        if boolean("exclusiveMaximum") {
            s.exclusive_maximum = s.maximum.take();
        } else {
            s.exclusive_maximum = num("exclusiveMaximum");
        }
        s.minimum = num("minimum");
        if boolean("exclusiveMinimum") {
            s.exclusive_minimum = s.minimum.take();
        } else {
            s.exclusive_minimum = num("exclusiveMinimum");
        }
        s.min_length = int("minLength");
        s.max_length = int("maxLength");
        if let Some(p) = string("pattern") {
            let re = regex(self, "pattern", &p)?;
            s.pattern = Some((re, p));
        }
        s.min_items = int("minItems");
        s.max_items = int("maxItems");
        s.unique_items = boolean("uniqueItems");
        s.max_properties = int("maxProperties");
        s.min_properties = int("minProperties");
        if let Some(Json::Arr(r)) = o.get("required") {
            s.required = strings(r);
        }
        if self.docs[di].meta || draft < Draft::D2019 {
            s.format = string("format");
        }
        if draft >= Draft::D6 {
            s.contains = sub(self, "contains");
            s.property_names = sub(self, "propertyNames");
            s.r#const = o.get("const").cloned();
        }
        if draft >= Draft::D7 {
            s.r#if = sub(self, "if");
            if s.r#if.is_some() {
                let b = match o.get("if") {
                    Some(Json::Bool(b)) => Some(*b),
                    _ => None,
                };
                if b != Some(false) {
                    s.then = sub(self, "then");
                }
                if b != Some(true) {
                    s.r#else = sub(self, "else");
                }
            }
        }
        if draft >= Draft::D2019 {
            if let Some(r) = string("$recursiveRef") {
                s.recursive_ref = Some(self.enqueue_ref(di, ptr, &r)?);
            }
            s.recursive_anchor = boolean("$recursiveAnchor");
            if s.contains.is_some() {
                s.min_contains = int("minContains");
                s.max_contains = int("maxContains");
            }
            if let Some(Json::Obj(m)) = o.get("dependentRequired") {
                for (k, v) in m {
                    if let Json::Arr(a) = v {
                        s.dependent_required.insert(k.clone(), strings(a));
                    }
                }
            }
            s.dependent_schemas = map(self, "dependentSchemas").unwrap_or_default();
            s.unevaluated_items = sub(self, "unevaluatedItems");
            s.unevaluated_properties = sub(self, "unevaluatedProperties");
        }
        if draft >= Draft::D2020 {
            if let Some(r) = string("$dynamicRef") {
                let target = self.enqueue_ref(di, ptr, &r)?;
                let (_, frag) = split_fragment(&r).map_err(msg)?;
                let anchor = if frag.is_empty() || frag.starts_with('/') {
                    String::new()
                } else {
                    frag
                };
                s.dynamic_ref = Some((target, anchor));
            }
            s.dynamic_anchor = string("$dynamicAnchor").unwrap_or_default();
            s.prefix_items = arr(self, "prefixItems");
            s.items2020 = sub(self, "items");
        }
        Ok(())
    }
}

fn load_error(url: &str) -> String {
    format!(
        "failing loading {}: whelm does not fetch schemas over the network",
        go_quote(url)
    )
}

fn get_id(draft: Draft, obj: &BTreeMap<String, Json>) -> String {
    if draft < Draft::D2019 && obj.contains_key("$ref") {
        return String::new();
    }
    match obj.get(draft.id_keyword()) {
        Some(Json::Str(id)) => id.split('#').next().unwrap_or("").to_string(),
        _ => String::new(),
    }
}

/// A JSON pointer token, escaped.
pub fn escape(tok: &str) -> String {
    tok.replace('~', "~0").replace('/', "~1")
}

fn unescape(tok: &str) -> Option<String> {
    let mut out = String::with_capacity(tok.len());
    let mut chars = tok.chars();
    while let Some(c) = chars.next() {
        if c == '~' {
            match chars.next() {
                Some('0') => out.push('~'),
                Some('1') => out.push('/'),
                _ => return None,
            }
        } else {
            out.push(c);
        }
    }
    Some(out)
}

/// Follows a JSON pointer into a document.
pub fn lookup<'a>(doc: &'a Json, ptr: &str) -> Option<&'a Json> {
    let mut v = doc;
    if ptr.is_empty() {
        return Some(v);
    }
    for tok in ptr.split('/').skip(1) {
        let tok = unescape(tok)?;
        v = match v {
            Json::Obj(m) => m.get(&tok)?,
            Json::Arr(a) => a.get(tok.parse::<usize>().ok()?)?,
            _ => return None,
        };
    }
    Some(v)
}
