//! Go's value model as Helm templates observe it.
//!
//! Go distinguishes `int` (what `len`, `atoi` and integer literals give) from
//! `int64` (what `--set` and Sprig's arithmetic give) and from `float64` (every
//! number in a values file): templates can observe the difference through
//! function parameter types, `eq` and `typeOf`, so the model keeps all three.
//!
//! Maps are Go maps: reference types. `set $d "k" v` mutates every alias of
//! `$d`, and Helm charts depend on that (`merge`, `mergeOverwrite`, `set`), so
//! [`Map`] is shared and interior-mutable. Keys iterate in sorted order, which is
//! what `range`, `toYaml`, `toJson` and `keys | sortAlpha` observe in Go.
//! Lists are Go slices; they are treated as values (copy on write), which is
//! what Sprig's list functions (all of which return new slices) observe.

use std::cell::RefCell;
use std::collections::BTreeMap;
use std::fmt;
use std::rc::Rc;

/// The map type behind `map[string]interface{}` (and Helm's `chartutil.Values`).
pub type MapInner = BTreeMap<String, Value>;

/// A shared, mutable Go map.
#[derive(Clone, Default)]
pub struct Map(pub Rc<RefCell<MapInner>>);

impl Map {
    pub fn new() -> Self {
        Map::default()
    }
    pub fn from_inner(m: MapInner) -> Self {
        Map(Rc::new(RefCell::new(m)))
    }
    pub fn get(&self, k: &str) -> Option<Value> {
        self.0.borrow().get(k).cloned()
    }
    pub fn insert(&self, k: impl Into<String>, v: Value) {
        self.0.borrow_mut().insert(k.into(), v);
    }
    pub fn remove(&self, k: &str) -> Option<Value> {
        self.0.borrow_mut().remove(k)
    }
    pub fn contains_key(&self, k: &str) -> bool {
        self.0.borrow().contains_key(k)
    }
    pub fn len(&self) -> usize {
        self.0.borrow().len()
    }
    pub fn is_empty(&self) -> bool {
        self.0.borrow().is_empty()
    }
    /// Sorted keys (Go's template `range` order).
    pub fn keys(&self) -> Vec<String> {
        self.0.borrow().keys().cloned().collect()
    }
    /// A snapshot of the entries in sorted key order.
    pub fn entries(&self) -> Vec<(String, Value)> {
        self.0
            .borrow()
            .iter()
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect()
    }
    /// True when both handles alias the same Go map.
    pub fn ptr_eq(&self, other: &Map) -> bool {
        Rc::ptr_eq(&self.0, &other.0)
    }
    /// A new map with the same entries (Go's shallow copy).
    pub fn shallow_clone(&self) -> Map {
        Map::from_inner(self.0.borrow().clone())
    }
    /// A new map where nested maps are copied too (no aliasing left).
    pub fn deep_clone(&self) -> Map {
        Map::from_inner(
            self.0
                .borrow()
                .iter()
                .map(|(k, v)| (k.clone(), v.deep_clone()))
                .collect(),
        )
    }
}

impl fmt::Debug for Map {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_map().entries(self.0.borrow().iter()).finish()
    }
}

impl PartialEq for Map {
    fn eq(&self, other: &Self) -> bool {
        self.ptr_eq(other) || *self.0.borrow() == *other.0.borrow()
    }
}

/// A host object: a Go struct or named type with fields and methods, such as
/// `.Files`, `.Capabilities.APIVersions` or the result of `semver`.
pub trait Object: fmt::Debug {
    /// Go type name, as `printf "%T"` / `typeOf` print it (e.g. `*semver.Version`).
    fn type_name(&self) -> &str;
    /// A field, or a method called with no arguments (Go resolves `.X` to either).
    /// `None` means there is no such field or method.
    fn field(&self, name: &str) -> Option<Result<Value, String>>;
    /// A method called with arguments. `None` means there is no such method.
    fn call(&self, name: &str, args: &[Value]) -> Option<Result<Value, String>> {
        let _ = (name, args);
        None
    }
    /// How `{{ . }}` / `%v` prints it (Go calls `String()` when it exists).
    fn display(&self) -> String;
    /// The plain data this object stands for, when it has one (for `toYaml`,
    /// `toJson`, `eq`): e.g. `.Capabilities.APIVersions` is a list of strings.
    fn as_data(&self) -> Option<Value> {
        None
    }
    /// The concrete object, for functions that take a specific Go type
    /// (e.g. Sprig's date functions taking a `time.Time`).
    fn as_any(&self) -> Option<&dyn std::any::Any> {
        None
    }
}

/// A Go value seen by a template.
#[derive(Clone, Default)]
pub enum Value {
    /// Go's untyped nil / an invalid reflect.Value (a missing map key).
    #[default]
    Nil,
    Bool(bool),
    /// Go `int`.
    Int(i64),
    /// Go `int64`.
    Int64(i64),
    /// Go `float64`.
    Float(f64),
    String(Rc<str>),
    /// Go `[]interface{}` (also stands for `[]string`).
    List(Rc<Vec<Value>>),
    /// Go `map[string]interface{}`.
    Map(Map),
    Object(Rc<dyn Object>),
}

impl Value {
    pub fn str(s: impl AsRef<str>) -> Value {
        Value::String(Rc::from(s.as_ref()))
    }
    pub fn list(v: Vec<Value>) -> Value {
        Value::List(Rc::new(v))
    }
    pub fn map(m: MapInner) -> Value {
        Value::Map(Map::from_inner(m))
    }
    pub fn empty_map() -> Value {
        Value::Map(Map::new())
    }

    pub fn is_nil(&self) -> bool {
        matches!(self, Value::Nil)
    }
    pub fn as_str(&self) -> Option<&str> {
        match self {
            Value::String(s) => Some(s),
            _ => None,
        }
    }
    pub fn as_map(&self) -> Option<&Map> {
        match self {
            Value::Map(m) => Some(m),
            _ => None,
        }
    }
    pub fn as_list(&self) -> Option<&[Value]> {
        match self {
            Value::List(l) => Some(l),
            _ => None,
        }
    }

    /// Go's template truthiness (`if`, `with`, `and`, `or`, `not`): false,
    /// 0, empty string/list/map and nil are false; structs are true.
    pub fn truthy(&self) -> bool {
        match self {
            Value::Nil => false,
            Value::Bool(b) => *b,
            Value::Int(i) | Value::Int64(i) => *i != 0,
            Value::Float(f) => *f != 0.0,
            Value::String(s) => !s.is_empty(),
            Value::List(l) => !l.is_empty(),
            Value::Map(m) => !m.is_empty(),
            Value::Object(o) => match o.as_data() {
                Some(Value::List(l)) => !l.is_empty(),
                Some(Value::Map(m)) => !m.is_empty(),
                _ => true,
            },
        }
    }

    /// Go type name as `%T` and Sprig's `typeOf` print it.
    pub fn type_name(&self) -> String {
        match self {
            Value::Nil => "<nil>".into(),
            Value::Bool(_) => "bool".into(),
            Value::Int(_) => "int".into(),
            Value::Int64(_) => "int64".into(),
            Value::Float(_) => "float64".into(),
            Value::String(_) => "string".into(),
            Value::List(_) => "[]interface {}".into(),
            Value::Map(_) => "map[string]interface {}".into(),
            Value::Object(o) => o.type_name().into(),
        }
    }

    /// Go reflect kind name as Sprig's `kindOf` prints it.
    pub fn kind_name(&self) -> &'static str {
        match self {
            Value::Nil => "invalid",
            Value::Bool(_) => "bool",
            Value::Int(_) => "int",
            Value::Int64(_) => "int64",
            Value::Float(_) => "float64",
            Value::String(_) => "string",
            Value::List(_) => "slice",
            Value::Map(_) => "map",
            Value::Object(o) => match o.as_data() {
                Some(Value::List(_)) => "slice",
                Some(Value::Map(_)) => "map",
                _ => "ptr",
            },
        }
    }

    /// A copy with no map shared with `self`.
    pub fn deep_clone(&self) -> Value {
        match self {
            Value::Map(m) => Value::Map(m.deep_clone()),
            Value::List(l) => Value::list(l.iter().map(Value::deep_clone).collect()),
            v => v.clone(),
        }
    }

    /// Replace an object by its plain data, recursively (for serialisers).
    pub fn to_data(&self) -> Value {
        match self {
            Value::Object(o) => o.as_data().map(|d| d.to_data()).unwrap_or(Value::Nil),
            v => v.clone(),
        }
    }
}

impl fmt::Debug for Value {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Value::Nil => write!(f, "nil"),
            Value::Bool(b) => write!(f, "{b}"),
            Value::Int(i) => write!(f, "{i}"),
            Value::Int64(i) => write!(f, "int64({i})"),
            Value::Float(x) => write!(f, "float64({x})"),
            Value::String(s) => write!(f, "{s:?}"),
            Value::List(l) => f.debug_list().entries(l.iter()).finish(),
            Value::Map(m) => m.fmt(f),
            Value::Object(o) => o.fmt(f),
        }
    }
}

/// Structural equality (Go's `reflect.DeepEqual`-like; used by tests and
/// Sprig's `has`/`uniq`, not by the template `eq`, which has its own rules).
impl PartialEq for Value {
    fn eq(&self, other: &Self) -> bool {
        match (self, other) {
            (Value::Nil, Value::Nil) => true,
            (Value::Bool(a), Value::Bool(b)) => a == b,
            (Value::Int(a), Value::Int(b)) | (Value::Int64(a), Value::Int64(b)) => a == b,
            (Value::Float(a), Value::Float(b)) => a == b,
            (Value::String(a), Value::String(b)) => a == b,
            (Value::List(a), Value::List(b)) => a == b,
            (Value::Map(a), Value::Map(b)) => a == b,
            (Value::Object(a), Value::Object(b)) => Rc::ptr_eq(a, b),
            _ => false,
        }
    }
}

impl From<&str> for Value {
    fn from(s: &str) -> Self {
        Value::str(s)
    }
}
impl From<String> for Value {
    fn from(s: String) -> Self {
        Value::String(Rc::from(s))
    }
}
impl From<bool> for Value {
    fn from(b: bool) -> Self {
        Value::Bool(b)
    }
}
impl From<f64> for Value {
    fn from(f: f64) -> Self {
        Value::Float(f)
    }
}
impl From<Vec<Value>> for Value {
    fn from(v: Vec<Value>) -> Self {
        Value::list(v)
    }
}
impl From<Map> for Value {
    fn from(m: Map) -> Self {
        Value::Map(m)
    }
}
