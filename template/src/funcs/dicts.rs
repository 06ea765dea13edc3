//! Template functions: Sprig's dictionaries (`dict`, `get`, `set`, `unset`,
//! `hasKey`, `pluck`, `keys`, `values`, `pick`, `omit`, `dig`, `deepCopy`) and
//! the mergo-based `merge`/`mergeOverwrite` family.
//!
//! Go maps are references: `set`, `unset`, `merge` and `mergeOverwrite`
//! mutate their first argument in place and return that same map, so every
//! alias sees the change. A nil map argument (Go's zero value for a
//! `map[string]interface{}` parameter) reads as empty; writing to it fails as
//! in Go.

use crate::func::{FuncError, FuncSpec, Param};
use crate::funcs::lists::strval;
use crate::value::{Map, Value};

/// The map behind a `map[string]interface{}` argument; `None` for a nil map.
fn map_arg(v: &Value) -> Option<Map> {
    match v {
        Value::Map(m) => Some(m.clone()),
        Value::Object(o) => match o.as_data() {
            Some(Value::Map(m)) => Some(m),
            _ => None,
        },
        _ => None,
    }
}

fn str_arg(v: &Value) -> String {
    match v {
        Value::String(s) => s.to_string(),
        other => strval(other),
    }
}

/// What a function returns for a nil map: Go prints it as `map[]`.
fn nil_map() -> Value {
    Value::empty_map()
}

fn dict(a: &[Value]) -> Result<Value, FuncError> {
    let d = Map::new();
    for pair in a.chunks(2) {
        let key = strval(&pair[0]);
        d.insert(key, pair.get(1).cloned().unwrap_or_else(|| Value::str("")));
    }
    Ok(Value::Map(d))
}

fn get(a: &[Value]) -> Result<Value, FuncError> {
    let key = str_arg(&a[1]);
    Ok(map_arg(&a[0]).and_then(|m| m.get(&key)).unwrap_or_else(|| Value::str("")))
}

fn set(a: &[Value]) -> Result<Value, FuncError> {
    let m = map_arg(&a[0]).ok_or_else(|| FuncError::new("assignment to entry in nil map"))?;
    m.insert(str_arg(&a[1]), a[2].clone());
    Ok(Value::Map(m))
}

fn unset(a: &[Value]) -> Result<Value, FuncError> {
    match map_arg(&a[0]) {
        Some(m) => {
            m.remove(&str_arg(&a[1]));
            Ok(Value::Map(m))
        }
        None => Ok(nil_map()),
    }
}

fn has_key(a: &[Value]) -> Result<Value, FuncError> {
    let key = str_arg(&a[1]);
    Ok(Value::Bool(map_arg(&a[0]).is_some_and(|m| m.contains_key(&key))))
}

fn pluck(a: &[Value]) -> Result<Value, FuncError> {
    let key = str_arg(&a[0]);
    Ok(Value::list(a[1..].iter().filter_map(|d| map_arg(d)?.get(&key)).collect()))
}

fn keys(a: &[Value]) -> Result<Value, FuncError> {
    let mut out = Vec::new();
    for d in a {
        if let Some(m) = map_arg(d) {
            out.extend(m.keys().into_iter().map(Value::from));
        }
    }
    Ok(Value::list(out))
}

fn values(a: &[Value]) -> Result<Value, FuncError> {
    let out = map_arg(&a[0]).map(|m| m.entries().into_iter().map(|(_, v)| v).collect());
    Ok(Value::list(out.unwrap_or_default()))
}

fn pick(a: &[Value]) -> Result<Value, FuncError> {
    let res = Map::new();
    if let Some(m) = map_arg(&a[0]) {
        for k in &a[1..] {
            let k = str_arg(k);
            if let Some(v) = m.get(&k) {
                res.insert(k, v);
            }
        }
    }
    Ok(Value::Map(res))
}

fn omit(a: &[Value]) -> Result<Value, FuncError> {
    let res = Map::new();
    if let Some(m) = map_arg(&a[0]) {
        let omit: Vec<String> = a[1..].iter().map(str_arg).collect();
        for (k, v) in m.entries() {
            if !omit.contains(&k) {
                res.insert(k, v);
            }
        }
    }
    Ok(Value::Map(res))
}

/// Type name as a Go `interface conversion` panic prints it.
fn iface_type(v: &Value) -> String {
    match v {
        Value::Nil => "nil".into(),
        other => other.type_name(),
    }
}

fn not_a(v: &Value, want: &str) -> FuncError {
    FuncError::new(format!(
        "interface conversion: interface {{}} is {}, not {want}",
        iface_type(v)
    ))
}

/// `v.(map[string]interface{})`: only a plain map passes (not `.Values`,
/// whose Go type is `common.Values`).
fn assert_map(v: &Value) -> Result<Map, FuncError> {
    match v {
        Value::Map(m) => Ok(m.clone()),
        other => Err(not_a(other, "map[string]interface {}")),
    }
}

fn dig(a: &[Value]) -> Result<Value, FuncError> {
    if a.len() < 3 {
        return Err(FuncError::new("dig needs at least three arguments"));
    }
    let mut dict = assert_map(&a[a.len() - 1])?;
    let def = &a[a.len() - 2];
    let mut ks = Vec::with_capacity(a.len() - 2);
    for k in &a[..a.len() - 2] {
        match k {
            Value::String(s) => ks.push(s.to_string()),
            other => return Err(not_a(other, "string")),
        }
    }
    for (i, k) in ks.iter().enumerate() {
        let Some(step) = dict.get(k) else {
            return Ok(def.clone());
        };
        if i == ks.len() - 1 {
            return Ok(step);
        }
        dict = assert_map(&step)?;
    }
    Ok(def.clone())
}

fn deep_copy(a: &[Value]) -> Result<Value, FuncError> {
    if a[0].is_nil() {
        return Err(FuncError::new("reflect: call of reflect.Value.Type on zero Value"));
    }
    Ok(a[0].deep_clone())
}

/// Deepest nesting `merge` follows; Go would overflow its stack on a cyclic
/// map, we report an error instead.
const MAX_MERGE_DEPTH: usize = 1000;

/// mergo's emptiness test (`isEmptyValue` with dereferencing) on a map value.
fn mergo_empty(v: &Value) -> bool {
    match v {
        Value::Nil => true,
        Value::Bool(b) => !b,
        Value::Int(i) | Value::Int64(i) => *i == 0,
        Value::Float(f) => *f == 0.0,
        Value::String(s) => s.is_empty(),
        Value::List(l) => l.is_empty(),
        Value::Map(m) => m.is_empty(),
        Value::Object(o) => match o.as_data() {
            Some(Value::List(l)) => l.is_empty(),
            Some(Value::Map(m)) => m.is_empty(),
            _ => false,
        },
    }
}

/// mergo v1.0.1's `deepMerge` for two `map[string]interface{}`: copy `src`
/// entries into `dst` in place. Without `overwrite` only missing or empty
/// destination entries are filled; with it every non-nil source entry wins
/// (nil ones too). Nested maps present on both sides merge recursively into
/// the destination's map; a source map copied over is shared, not cloned.
fn merge_into(dst: &Map, src: &Map, overwrite: bool, depth: usize) -> Result<(), FuncError> {
    if depth > MAX_MERGE_DEPTH {
        return Err(FuncError::new(
            "runtime: goroutine stack exceeds 1000000000-byte limit",
        ));
    }
    for (k, sv) in src.entries() {
        let dv = dst.get(&k);
        if sv.is_nil() {
            if overwrite {
                dst.insert(k, Value::Nil);
            }
            continue;
        }
        match (&sv, &dv) {
            (Value::Map(sm), Some(Value::Map(dm))) => merge_into(dm, sm, overwrite, depth + 1)?,
            (Value::List(_), _) if overwrite || dst.is_empty() => dst.insert(k.clone(), sv.clone()),
            _ => {}
        }
        // Emptiness is judged after the recursive merge above, which may have
        // filled a previously empty destination map.
        if let Some(d) = &dv
            && !mergo_empty(d)
        {
            if matches!(sv, Value::List(_)) {
                continue;
            }
            if matches!(sv, Value::Map(_)) && matches!(d, Value::Map(_)) {
                continue;
            }
        }
        if overwrite || dv.as_ref().is_none_or(mergo_empty) {
            dst.insert(k, sv);
        }
    }
    Ok(())
}

fn merge_with(a: &[Value], overwrite: bool) -> Result<Value, FuncError> {
    let mut dst = map_arg(&a[0]);
    for src in &a[1..] {
        let Some(src) = map_arg(src) else { continue };
        let d = dst.get_or_insert_with(Map::new);
        merge_into(d, &src, overwrite, 0)?;
    }
    Ok(dst.map(Value::Map).unwrap_or_else(nil_map))
}

fn merge(a: &[Value]) -> Result<Value, FuncError> {
    merge_with(a, false)
}

fn merge_overwrite(a: &[Value]) -> Result<Value, FuncError> {
    merge_with(a, true)
}

pub fn funcs() -> Vec<FuncSpec> {
    vec![
        FuncSpec::variadic("dict", &[], Param::Any, dict),
        FuncSpec::new("get", &[Param::Map, Param::String], get),
        FuncSpec::new("set", &[Param::Map, Param::String, Param::Any], set),
        FuncSpec::new("unset", &[Param::Map, Param::String], unset),
        FuncSpec::new("hasKey", &[Param::Map, Param::String], has_key),
        FuncSpec::variadic("pluck", &[Param::String], Param::Map, pluck),
        FuncSpec::variadic("keys", &[], Param::Map, keys),
        FuncSpec::new("values", &[Param::Map], values),
        FuncSpec::variadic("pick", &[Param::Map], Param::String, pick),
        FuncSpec::variadic("omit", &[Param::Map], Param::String, omit),
        FuncSpec::variadic("merge", &[Param::Map], Param::Map, merge),
        FuncSpec::variadic("mustMerge", &[Param::Map], Param::Map, merge),
        FuncSpec::variadic("mergeOverwrite", &[Param::Map], Param::Map, merge_overwrite),
        FuncSpec::variadic("mustMergeOverwrite", &[Param::Map], Param::Map, merge_overwrite),
        FuncSpec::new("deepCopy", &[Param::Any], deep_copy),
        FuncSpec::new("mustDeepCopy", &[Param::Any], deep_copy),
        FuncSpec::variadic("dig", &[], Param::Any, dig),
    ]
}
