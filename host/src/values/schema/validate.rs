//! Validating a value against a compiled schema, building the same tree of
//! errors jsonschema v6 builds (a failing `$ref` or property with several
//! errors becomes a `validation failed` node, `allOf`/`anyOf`/`oneOf` nest
//! the failures of their subschemas), and printing it as Helm shows it.
//!
//! Go walks objects in random order; whelm walks them by key, so where
//! Helm's order of sibling errors varies between runs, whelm's is sorted.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use super::compile::{
    Additional, Compiler, Dependency, Draft, Items, Schema, TYPE_NAMES, escape, type_bit, type_of,
};
use super::format;
use super::json::Json;
use super::num::{Num, fmt_float, fmt_int};

/// What went wrong at one place.
#[derive(Clone, Debug)]
pub enum Kind {
    /// The root of a validation: `jsonschema validation failed with …`.
    Schema(String),
    Group,
    Reference,
    Not,
    AllOf,
    AnyOf,
    OneOf(Option<(usize, usize)>),
    FalseSchema,
    RefCycle {
        url: String,
        kw1: String,
        kw2: String,
    },
    Type {
        got: &'static str,
        want: Vec<&'static str>,
    },
    Enum(Vec<Json>),
    Const(Json),
    Format {
        got: Json,
        want: String,
        err: String,
    },
    MinProperties(usize, i64),
    MaxProperties(usize, i64),
    MinItems(usize, i64),
    MaxItems(usize, i64),
    AdditionalItems(usize),
    Required(Vec<String>),
    Dependency {
        prop: String,
        missing: Vec<String>,
    },
    AdditionalProperties(Vec<String>),
    PropertyNames(String),
    UniqueItems(usize, usize),
    Contains,
    MinContains(Vec<usize>, i64),
    MaxContains(Vec<usize>, i64),
    MinLength(usize, i64),
    MaxLength(usize, i64),
    Pattern(String, String),
    Minimum(Num, Num),
    Maximum(Num, Num),
    ExclusiveMinimum(Num, Num),
    ExclusiveMaximum(Num, Num),
    MultipleOf(Num, Num),
}

/// A node of the error tree.
#[derive(Clone, Debug)]
pub struct ValidationError {
    /// Where in the instance, as JSON pointer tokens.
    pub location: Vec<String>,
    pub kind: Box<Kind>,
    pub causes: Vec<ValidationError>,
}

/// jsonschema's `quote`: Go's `%q`, single-quoted.
pub fn quote(s: &str) -> String {
    let q = whelm_template::gofmt::sprintf("%q", &[whelm_template::Value::str(s)]);
    let inner = &q[1..q.len() - 1];
    format!("'{}'", inner.replace("\\\"", "\"").replace('\'', "\\'"))
}

fn join_quoted(v: &[String]) -> String {
    v.iter().map(|s| quote(s)).collect::<Vec<_>>().join(", ")
}

/// jsonschema's `display` of a primitive.
fn display(v: &Json) -> String {
    match v {
        Json::Str(s) => quote(s),
        Json::Null => "<nil>".into(),
        Json::Bool(b) => b.to_string(),
        Json::Num(n) => n.lit.clone(),
        Json::Arr(_) | Json::Obj(_) => "value".into(),
    }
}

fn is_primitive(v: &Json) -> bool {
    !matches!(v, Json::Arr(_) | Json::Obj(_))
}

fn ints(v: &[usize]) -> String {
    v.iter().map(usize::to_string).collect::<Vec<_>>().join(" ")
}

impl Kind {
    fn message(&self) -> String {
        let f = |n: &Num| fmt_float(n.to_f64());
        let i = |n: usize| fmt_int(n as i64);
        match self {
            Kind::Schema(loc) => format!("jsonschema validation failed with {}", quote(loc)),
            Kind::Group | Kind::Reference => "validation failed".into(),
            Kind::Not => "'not' failed".into(),
            Kind::AllOf => "'allOf' failed".into(),
            Kind::AnyOf => "'anyOf' failed".into(),
            Kind::OneOf(None) => "'oneOf' failed, none matched".into(),
            Kind::OneOf(Some((a, b))) => {
                format!("'oneOf' failed, subschemas {}, {} matched", i(*a), i(*b))
            }
            Kind::FalseSchema => "false schema".into(),
            Kind::RefCycle { url, kw1, kw2 } => format!(
                "both {kw1} and {kw2} resolve to {} causing reference cycle",
                whelm_template::gofmt::sprintf("%q", &[whelm_template::Value::str(url)])
            ),
            Kind::Type { got, want } => format!("got {got}, want {}", want.join(" or ")),
            Kind::Enum(want) => {
                if want.iter().all(is_primitive) {
                    if want.len() == 1 {
                        format!("value must be {}", display(&want[0]))
                    } else {
                        let w: Vec<String> = want.iter().map(display).collect();
                        format!("value must be one of {}", w.join(", "))
                    }
                } else {
                    "'enum' failed".into()
                }
            }
            Kind::Const(want) => {
                if is_primitive(want) {
                    format!("value must be {}", display(want))
                } else {
                    "'const' failed".into()
                }
            }
            Kind::Format { got, want, err } => {
                format!("{} is not valid {want}: {err}", display(got))
            }
            Kind::MinProperties(g, w) => {
                format!("minProperties: got {}, want {}", i(*g), fmt_int(*w))
            }
            Kind::MaxProperties(g, w) => {
                format!("maxProperties: got {}, want {}", i(*g), fmt_int(*w))
            }
            Kind::MinItems(g, w) => format!("minItems: got {}, want {}", i(*g), fmt_int(*w)),
            Kind::MaxItems(g, w) => format!("maxItems: got {}, want {}", i(*g), fmt_int(*w)),
            Kind::AdditionalItems(n) => format!("last {} additionalItem(s) not allowed", i(*n)),
            Kind::Required(m) if m.len() == 1 => format!("missing property {}", quote(&m[0])),
            Kind::Required(m) => format!("missing properties {}", join_quoted(m)),
            Kind::Dependency { prop, missing } => format!(
                "properties {} required, if {} exists",
                join_quoted(missing),
                quote(prop)
            ),
            Kind::AdditionalProperties(p) => {
                format!("additional properties {} not allowed", join_quoted(p))
            }
            Kind::PropertyNames(p) => format!("invalid propertyName {}", quote(p)),
            Kind::UniqueItems(a, b) => format!("items at {} and {} are equal", i(*a), i(*b)),
            Kind::Contains => "no items match contains schema".into(),
            Kind::MinContains(got, want) if got.is_empty() => format!(
                "min {} items required to match contains schema, but none matched",
                fmt_int(*want)
            ),
            Kind::MinContains(got, want) => format!(
                "min {} items required to match contains schema, but matched {} items at {}",
                fmt_int(*want),
                i(got.len()),
                ints(got)
            ),
            Kind::MaxContains(got, want) => format!(
                "max {} items required to match contains schema, but matched {} items at {}",
                fmt_int(*want),
                i(got.len()),
                ints(got)
            ),
            Kind::MinLength(g, w) => format!("minLength: got {}, want {}", i(*g), fmt_int(*w)),
            Kind::MaxLength(g, w) => format!("maxLength: got {}, want {}", i(*g), fmt_int(*w)),
            Kind::Pattern(g, w) => format!("{} does not match pattern {}", quote(g), quote(w)),
            Kind::Minimum(g, w) => format!("minimum: got {}, want {}", f(g), f(w)),
            Kind::Maximum(g, w) => format!("maximum: got {}, want {}", f(g), f(w)),
            Kind::ExclusiveMinimum(g, w) => {
                format!("exclusiveMinimum: got {}, want {}", f(g), f(w))
            }
            Kind::ExclusiveMaximum(g, w) => {
                format!("exclusiveMaximum: got {}, want {}", f(g), f(w))
            }
            Kind::MultipleOf(g, w) => format!("multipleOf: got {}, want {}", f(g), f(w)),
        }
    }
}

impl ValidationError {
    /// The tree as jsonschema's `Error()` prints it.
    pub fn display(&self) -> String {
        let mut out = String::new();
        self.write(&mut out, 0);
        out
    }

    fn write(&self, out: &mut String, mut indent: usize) {
        let skip = matches!(*self.kind, Kind::Reference) && self.causes.len() == 1;
        if !skip {
            if indent > 0 {
                out.push('\n');
                for _ in 1..indent {
                    out.push_str("  ");
                }
                out.push_str("- ");
            }
            indent += 1;
            match &*self.kind {
                Kind::Schema(_) => out.push_str(&self.kind.message()),
                k => {
                    let ptr: String = self
                        .location
                        .iter()
                        .map(|t| format!("/{}", escape(t)))
                        .collect();
                    out.push_str(&format!("at {}: {}", quote(&ptr), k.message()));
                }
            }
        }
        for c in &self.causes {
            c.write(out, indent);
        }
    }
}

/// Validates `v` against schema `root` of the compiler's arena.
pub fn validate(c: &Compiler, root: usize, v: &Json) -> Result<(), ValidationError> {
    let scope = Scope {
        sch: root,
        ref_kw: "",
        vid: 0,
        parent: None,
    };
    let vd = Validator {
        c,
        v,
        vloc: Vec::new(),
        sch: root,
        scope: &scope,
        uneval: Uneval::from(v, &c.schemas[root], false),
        errors: Vec::new(),
        bool_result: false,
    };
    match vd.run() {
        Ok(_) => Ok(()),
        Err(e) => {
            let causes = match *e.kind {
                Kind::Group => e.causes,
                _ => vec![e],
            };
            Err(ValidationError {
                location: Vec::new(),
                kind: Box::new(Kind::Schema(c.schemas[root].location.clone())),
                causes,
            })
        }
    }
}

struct Scope<'a> {
    sch: usize,
    ref_kw: &'static str,
    vid: usize,
    parent: Option<&'a Scope<'a>>,
}

impl Scope<'_> {
    fn check_cycle(&self) -> Option<&Scope<'_>> {
        let mut p = self.parent;
        while let Some(s) = p {
            if s.vid != self.vid {
                break;
            }
            if s.sch == self.sch {
                return Some(s);
            }
            p = s.parent;
        }
        None
    }

    fn kw_loc(&self, c: &Compiler) -> String {
        let mut loc = String::new();
        let mut sc = self;
        while let Some(parent) = sc.parent {
            if !sc.ref_kw.is_empty() {
                loc = format!("/{}{loc}", escape(sc.ref_kw));
            } else {
                let cur = &c.schemas[sc.sch].location;
                let par = &c.schemas[parent.sch].location;
                loc = format!("{}{loc}", cur.get(par.len()..).unwrap_or(""));
            }
            sc = parent;
        }
        loc
    }
}

/// Properties and items not yet evaluated (for `unevaluated*`).
#[derive(Clone, Debug, Default)]
struct Uneval {
    props: BTreeSet<String>,
    items: BTreeSet<usize>,
}

impl Uneval {
    fn from(v: &Json, s: &Schema, caller_needs: bool) -> Uneval {
        let mut u = Uneval::default();
        match v {
            Json::Obj(m)
                if !s.all_props_evaluated
                    && (caller_needs || s.unevaluated_properties.is_some()) =>
            {
                u.props = m.keys().cloned().collect();
            }
            Json::Arr(a)
                if !s.all_items_evaluated
                    && (caller_needs || s.unevaluated_items.is_some())
                    && s.num_items_evaluated < a.len() =>
            {
                u.items = (s.num_items_evaluated..a.len()).collect();
            }
            _ => {}
        }
        u
    }

    fn merge(&mut self, other: &Uneval) {
        self.props.retain(|k| other.props.contains(k));
        self.items.retain(|i| other.items.contains(i));
    }

    fn is_empty(&self) -> bool {
        self.props.is_empty() && self.items.is_empty()
    }
}

struct Validator<'a> {
    c: &'a Compiler,
    v: &'a Json,
    vloc: Vec<String>,
    sch: usize,
    scope: &'a Scope<'a>,
    uneval: Uneval,
    errors: Vec<ValidationError>,
    bool_result: bool,
}

type VResult = Result<Uneval, ValidationError>;

/// Exact equality of JSON values (numbers by value).
fn equals(a: &Json, b: &Json) -> bool {
    match (a, b) {
        (Json::Obj(x), Json::Obj(y)) => {
            x.len() == y.len()
                && x.iter()
                    .all(|(k, v)| y.get(k).is_some_and(|w| equals(v, w)))
        }
        (Json::Arr(x), Json::Arr(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(v, w)| equals(v, w))
        }
        (Json::Num(x), Json::Num(y)) => x == y,
        (Json::Null, Json::Null) => true,
        (Json::Bool(x), Json::Bool(y)) => x == y,
        (Json::Str(x), Json::Str(y)) => x == y,
        _ => false,
    }
}

/// The first pair of equal items: the smallest `i` with an equal earlier
/// item, and the first such earlier item.
fn duplicates(arr: &[Json]) -> Option<(usize, usize)> {
    if arr.len() <= 20 {
        for i in 1..arr.len() {
            for j in 0..i {
                if equals(&arr[i], &arr[j]) {
                    return Some((j, i));
                }
            }
        }
        return None;
    }
    let mut seen: HashMap<String, Vec<usize>> = HashMap::new();
    for (i, item) in arr.iter().enumerate() {
        let key = canonical(item);
        let earlier = seen.entry(key).or_default();
        if let Some(j) = earlier.iter().find(|j| equals(item, &arr[**j])) {
            return Some((*j, i));
        }
        earlier.push(i);
    }
    None
}

fn canonical(v: &Json) -> String {
    match v {
        Json::Null => "n".into(),
        Json::Bool(b) => format!("b{b}"),
        Json::Num(n) => format!("#{}", n.to_f64()),
        Json::Str(s) => format!("s{s:?}"),
        Json::Arr(a) => format!(
            "[{}]",
            a.iter().map(canonical).collect::<Vec<_>>().join(",")
        ),
        Json::Obj(m) => format!(
            "{{{}}}",
            m.iter()
                .map(|(k, v)| format!("{k:?}:{}", canonical(v)))
                .collect::<Vec<_>>()
                .join(",")
        ),
    }
}

impl<'a> Validator<'a> {
    fn s(&self) -> &'a Schema {
        &self.c.schemas[self.sch]
    }

    fn draft(&self) -> Draft {
        self.s().draft.unwrap_or(Draft::D2020)
    }

    fn error(&self, kind: Kind) -> ValidationError {
        ValidationError {
            location: self.vloc.clone(),
            kind: Box::new(kind),
            causes: Vec::new(),
        }
    }

    fn add_err(&mut self, e: Result<(), ValidationError>) {
        if let Err(e) = e {
            self.errors.push(e);
        }
    }

    fn add_error(&mut self, kind: Kind) {
        let e = self.error(kind);
        self.errors.push(e);
    }

    fn add_errors(&mut self, causes: Vec<ValidationError>, kind: Kind) {
        let mut e = self.error(kind);
        e.causes = causes;
        self.errors.push(e);
    }

    fn run(mut self) -> VResult {
        let s = self.s();
        let v = self.v;
        if let Some(b) = s.boolean {
            return if b {
                Ok(self.uneval)
            } else {
                Err(self.error(Kind::FalseSchema))
            };
        }
        if let Some(other) = self.scope.check_cycle() {
            return Err(self.error(Kind::RefCycle {
                url: s.location.clone(),
                kw1: self.scope.kw_loc(self.c),
                kw2: other.kw_loc(self.c),
            }));
        }
        let t = type_of(v);
        if s.types != 0 {
            let is_int = matches!(v, Json::Num(n) if n.is_integer());
            let matched = s.types & t != 0
                || (s.types & type_bit("integer") != 0 && t == type_bit("number") && is_int);
            if !matched {
                let got = TYPE_NAMES[t.trailing_zeros() as usize];
                let want = (0..TYPE_NAMES.len())
                    .filter(|i| s.types & (1 << i) != 0)
                    .map(|i| TYPE_NAMES[i])
                    .collect();
                return Err(self.error(Kind::Type { got, want }));
            }
        }
        if let Some(c) = &s.r#const
            && !equals(v, c)
        {
            return Err(self.error(Kind::Const(c.clone())));
        }
        if let Some((values, types)) = &s.r#enum {
            let matched = types & t != 0 && values.iter().any(|e| equals(v, e));
            if !matched {
                return Err(self.error(Kind::Enum(values.clone())));
            }
        }
        if let (Some(name), Json::Str(text)) = (&s.format, v)
            && let Some(Err(err)) = format::check(name, text)
        {
            return Err(self.error(Kind::Format {
                got: v.clone(),
                want: name.clone(),
                err,
            }));
        }
        if let Some(r) = s.r#ref {
            let res = self.validate_ref(r, "$ref");
            if self.draft() < Draft::D2019 {
                return res.map(|()| self.uneval);
            }
            self.add_err(res);
        }
        match v {
            Json::Obj(m) => self.obj_validate(m),
            Json::Arr(a) => self.arr_validate(a),
            Json::Str(st) => self.str_validate(st),
            Json::Num(n) => self.num_validate(n),
            _ => {}
        }
        if self.errors.is_empty() || !self.bool_result {
            if self.draft() >= Draft::D2019 {
                self.validate_refs();
            }
            self.cond_validate();
            if self.draft() >= Draft::D2019 {
                self.uneval_validate();
            }
        }
        match self.errors.len() {
            0 => Ok(self.uneval),
            1 => Err(self.errors.pop().expect("one error")),
            _ => {
                let mut e = self.error(Kind::Group);
                e.causes = std::mem::take(&mut self.errors);
                Err(e)
            }
        }
    }

    fn find_missing(&self, obj: &BTreeMap<String, Json>, reqd: &[String]) -> Vec<String> {
        reqd.iter()
            .filter(|p| !obj.contains_key(*p))
            .cloned()
            .collect()
    }

    fn obj_validate(&mut self, obj: &BTreeMap<String, Json>) {
        let s = self.s();
        if let Some(min) = s.min_properties
            && (obj.len() as i64) < min
        {
            self.add_error(Kind::MinProperties(obj.len(), min));
        }
        if let Some(max) = s.max_properties
            && (obj.len() as i64) > max
        {
            self.add_error(Kind::MaxProperties(obj.len(), max));
        }
        if !s.required.is_empty() {
            let missing = self.find_missing(obj, &s.required);
            if !missing.is_empty() {
                self.add_error(Kind::Required(missing));
            }
        }
        if self.bool_result && !self.errors.is_empty() {
            return;
        }
        for (pname, dep) in &s.dependencies {
            if obj.contains_key(pname) {
                match dep {
                    Dependency::Props(req) => {
                        let missing = self.find_missing(obj, req);
                        if !missing.is_empty() {
                            self.add_error(Kind::Dependency {
                                prop: pname.clone(),
                                missing,
                            });
                        }
                    }
                    Dependency::Schema(d) => {
                        let r = self.validate_self(*d, "", false);
                        self.add_err(r);
                    }
                }
            }
        }
        let mut additional = Vec::new();
        for (pname, pvalue) in obj {
            if self.bool_result && !self.errors.is_empty() {
                return;
            }
            let mut evaluated = false;
            if let Some(p) = s.properties.get(pname) {
                evaluated = true;
                let r = self.validate_val(*p, pvalue, pname.clone());
                self.add_err(r);
            }
            for (re, p) in &s.pattern_properties {
                if re.is_match(pname) {
                    evaluated = true;
                    let r = self.validate_val(*p, pvalue, pname.clone());
                    self.add_err(r);
                }
            }
            if !evaluated && let Some(a) = s.additional_properties {
                evaluated = true;
                match a {
                    Additional::Bool(false) => additional.push(pname.clone()),
                    Additional::Bool(true) => {}
                    Additional::Schema(p) => {
                        let r = self.validate_val(p, pvalue, pname.clone());
                        self.add_err(r);
                    }
                }
            }
            if evaluated {
                self.uneval.props.remove(pname);
            }
        }
        if !additional.is_empty() {
            self.add_error(Kind::AdditionalProperties(additional));
        }
        if self.draft() == Draft::D4 {
            return;
        }
        if let Some(pn) = s.property_names {
            for pname in obj.keys() {
                let name = Json::Str(pname.clone());
                if let Err(e) = validate(self.c, pn, &name) {
                    let mut err = self.error(Kind::PropertyNames(pname.clone()));
                    err.causes = e.causes;
                    self.errors.push(err);
                }
            }
        }
        if self.draft() == Draft::D6 {
            return;
        }
        for (pname, d) in &s.dependent_schemas {
            if obj.contains_key(pname) {
                let r = self.validate_self(*d, "", false);
                self.add_err(r);
            }
        }
        for (pname, req) in &s.dependent_required {
            if obj.contains_key(pname) {
                let missing = self.find_missing(obj, req);
                if !missing.is_empty() {
                    self.add_error(Kind::Dependency {
                        prop: pname.clone(),
                        missing,
                    });
                }
            }
        }
    }

    fn arr_validate(&mut self, arr: &[Json]) {
        let s = self.s();
        if let Some(min) = s.min_items
            && (arr.len() as i64) < min
        {
            self.add_error(Kind::MinItems(arr.len(), min));
        }
        if let Some(max) = s.max_items
            && (arr.len() as i64) > max
        {
            self.add_error(Kind::MaxItems(arr.len(), max));
        }
        if s.unique_items
            && arr.len() > 1
            && let Some((i, j)) = duplicates(arr)
        {
            self.add_error(Kind::UniqueItems(i, j));
        }
        if self.draft() < Draft::D2020 {
            let mut evaluated = 0;
            match &s.items {
                Some(Items::One(p)) => {
                    for (i, item) in arr.iter().enumerate() {
                        let r = self.validate_val(*p, item, i.to_string());
                        self.add_err(r);
                    }
                    evaluated = arr.len();
                }
                Some(Items::Tuple(ps)) => {
                    let n = ps.len().min(arr.len());
                    for (i, item) in arr[..n].iter().enumerate() {
                        let r = self.validate_val(ps[i], item, i.to_string());
                        self.add_err(r);
                    }
                    evaluated = n;
                }
                None => {}
            }
            match s.additional_items {
                Some(Additional::Bool(false)) if evaluated != arr.len() => {
                    self.add_error(Kind::AdditionalItems(arr.len() - evaluated));
                }
                Some(Additional::Schema(p)) => {
                    for (i, item) in arr.iter().enumerate().skip(evaluated) {
                        let r = self.validate_val(p, item, i.to_string());
                        self.add_err(r);
                    }
                }
                _ => {}
            }
        } else {
            let evaluated = s.prefix_items.len().min(arr.len());
            for (i, item) in arr[..evaluated].iter().enumerate() {
                let r = self.validate_val(s.prefix_items[i], item, i.to_string());
                self.add_err(r);
            }
            if let Some(p) = s.items2020 {
                for (i, item) in arr.iter().enumerate().skip(evaluated) {
                    let r = self.validate_val(p, item, i.to_string());
                    self.add_err(r);
                }
            }
        }
        if let Some(cp) = s.contains {
            let mut errors = Vec::new();
            let mut matched = Vec::new();
            for (i, item) in arr.iter().enumerate() {
                match self.validate_val(cp, item, i.to_string()) {
                    Err(e) => errors.push(e),
                    Ok(()) => {
                        matched.push(i);
                        if self.draft() >= Draft::D2020 {
                            self.uneval.items.remove(&i);
                        }
                    }
                }
            }
            if let Some(min) = s.min_contains {
                if (matched.len() as i64) < min {
                    self.add_errors(errors, Kind::MinContains(matched.clone(), min));
                }
            } else if matched.is_empty() {
                self.add_errors(errors, Kind::Contains);
            }
            if let Some(max) = s.max_contains
                && (matched.len() as i64) > max
            {
                self.add_error(Kind::MaxContains(matched, max));
            }
        }
    }

    fn str_validate(&mut self, st: &str) {
        let s = self.s();
        let len = st.chars().count();
        if let Some(min) = s.min_length
            && (len as i64) < min
        {
            self.add_error(Kind::MinLength(len, min));
        }
        if let Some(max) = s.max_length
            && (len as i64) > max
        {
            self.add_error(Kind::MaxLength(len, max));
        }
        if let Some((re, pat)) = &s.pattern
            && !re.is_match(st)
        {
            self.add_error(Kind::Pattern(st.to_string(), pat.clone()));
        }
    }

    fn num_validate(&mut self, n: &Num) {
        use std::cmp::Ordering::*;
        let s = self.s();
        if let Some(m) = &s.minimum
            && n.cmp_value(m) == Less
        {
            self.add_error(Kind::Minimum(n.clone(), m.clone()));
        }
        if let Some(m) = &s.maximum
            && n.cmp_value(m) == Greater
        {
            self.add_error(Kind::Maximum(n.clone(), m.clone()));
        }
        if let Some(m) = &s.exclusive_minimum
            && n.cmp_value(m) != Greater
        {
            self.add_error(Kind::ExclusiveMinimum(n.clone(), m.clone()));
        }
        if let Some(m) = &s.exclusive_maximum
            && n.cmp_value(m) != Less
        {
            self.add_error(Kind::ExclusiveMaximum(n.clone(), m.clone()));
        }
        if let Some(m) = &s.multiple_of
            && !m.is_zero()
            && !n.is_multiple_of(m)
        {
            self.add_error(Kind::MultipleOf(n.clone(), m.clone()));
        }
    }

    fn cond_validate(&mut self) {
        let s = self.s();
        if let Some(not) = s.not
            && self.validate_self(not, "", true).is_ok()
        {
            self.add_error(Kind::Not);
        }
        if !s.all_of.is_empty() {
            let mut errors = Vec::new();
            for &sub in &s.all_of {
                if let Err(e) = self.validate_self(sub, "", false) {
                    errors.push(e);
                    if self.bool_result {
                        break;
                    }
                }
            }
            if !errors.is_empty() {
                self.add_errors(errors, Kind::AllOf);
            }
        }
        if !s.any_of.is_empty() {
            let mut matched = false;
            let mut errors = Vec::new();
            for &sub in &s.any_of {
                match self.validate_self(sub, "", false) {
                    Err(e) => errors.push(e),
                    Ok(()) => {
                        matched = true;
                        if self.uneval.is_empty() {
                            break;
                        }
                    }
                }
            }
            if !matched {
                self.add_errors(errors, Kind::AnyOf);
            }
        }
        if !s.one_of.is_empty() {
            let mut matched: Option<usize> = None;
            let mut errors = Vec::new();
            for (i, &sub) in s.one_of.iter().enumerate() {
                match self.validate_self(sub, "", matched.is_some()) {
                    Err(e) => {
                        if matched.is_none() {
                            errors.push(e);
                        }
                    }
                    Ok(()) => match matched {
                        None => matched = Some(i),
                        Some(first) => {
                            self.add_error(Kind::OneOf(Some((first, i))));
                            break;
                        }
                    },
                }
            }
            if matched.is_none() {
                self.add_errors(errors, Kind::OneOf(None));
            }
        }
        if let Some(i) = s.r#if {
            if self.validate_self(i, "", true).is_ok() {
                if let Some(t) = s.then {
                    let r = self.validate_self(t, "", false);
                    self.add_err(r);
                }
            } else if let Some(e) = s.r#else {
                let r = self.validate_self(e, "", false);
                self.add_err(r);
            }
        }
    }

    fn uneval_validate(&mut self) {
        let s = self.s();
        if let (Json::Obj(obj), Some(up)) = (self.v, s.unevaluated_properties) {
            let props = std::mem::take(&mut self.uneval.props);
            for pname in props {
                if let Some(pv) = obj.get(&pname) {
                    let r = self.validate_val(up, pv, pname.clone());
                    self.add_err(r);
                }
            }
        }
        if let (Json::Arr(arr), Some(ui)) = (self.v, s.unevaluated_items) {
            let items = std::mem::take(&mut self.uneval.items);
            for i in items {
                let r = self.validate_val(ui, &arr[i], i.to_string());
                self.add_err(r);
            }
        }
    }

    fn validate_self(
        &mut self,
        sch: usize,
        ref_kw: &'static str,
        bool_result: bool,
    ) -> Result<(), ValidationError> {
        let scope = Scope {
            sch,
            ref_kw,
            vid: self.scope.vid,
            parent: Some(self.scope),
        };
        let sub = Validator {
            c: self.c,
            v: self.v,
            vloc: self.vloc.clone(),
            sch,
            scope: &scope,
            uneval: Uneval::from(self.v, &self.c.schemas[sch], !self.uneval.is_empty()),
            errors: Vec::new(),
            bool_result: self.bool_result || bool_result,
        };
        let u = sub.run()?;
        self.uneval.merge(&u);
        Ok(())
    }

    fn validate_val(&self, sch: usize, v: &Json, tok: String) -> Result<(), ValidationError> {
        let scope = Scope {
            sch,
            ref_kw: "",
            vid: self.scope.vid + 1,
            parent: Some(self.scope),
        };
        let mut vloc = self.vloc.clone();
        vloc.push(tok);
        let sub = Validator {
            c: self.c,
            v,
            vloc,
            sch,
            scope: &scope,
            uneval: Uneval::from(v, &self.c.schemas[sch], false),
            errors: Vec::new(),
            bool_result: self.bool_result,
        };
        sub.run().map(|_| ())
    }

    fn validate_ref(&mut self, sch: usize, kw: &'static str) -> Result<(), ValidationError> {
        if let Err(e) = self.validate_self(sch, kw, false) {
            let mut r = self.error(Kind::Reference);
            r.causes = match *e.kind {
                Kind::Group => e.causes,
                _ => vec![e],
            };
            return Err(r);
        }
        Ok(())
    }

    fn validate_refs(&mut self) {
        let s = self.s();
        if let Some(mut r) = s.recursive_ref {
            if self.c.schemas[r].recursive_anchor {
                let mut sc = Some(self.scope);
                while let Some(scp) = sc {
                    let res = self.c.schemas[scp.sch].resource;
                    if self.c.schemas[res].recursive_anchor {
                        r = scp.sch;
                    }
                    sc = scp.parent;
                }
            }
            let res = self.validate_ref(r, "$recursiveRef");
            self.add_err(res);
        }
        if let Some((target, anchor)) = &s.dynamic_ref {
            let mut t = *target;
            if !anchor.is_empty() && self.c.schemas[t].dynamic_anchor == *anchor {
                let mut sc = Some(self.scope);
                while let Some(scp) = sc {
                    let res = self.c.schemas[scp.sch].resource;
                    if let Some(d) = self.c.schemas[res].dynamic_anchors.get(anchor) {
                        t = *d;
                    }
                    sc = scp.parent;
                }
            }
            let res = self.validate_ref(t, "$dynamicRef");
            self.add_err(res);
        }
    }
}
