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
    Ok(map_arg(&a[0])
        .and_then(|m| m.get(&key))
        .unwrap_or_else(|| Value::str("")))
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
    Ok(Value::Bool(
        map_arg(&a[0]).is_some_and(|m| m.contains_key(&key)),
    ))
}

fn pluck(a: &[Value]) -> Result<Value, FuncError> {
    let key = str_arg(&a[0]);
    Ok(Value::list(
        a[1..]
            .iter()
            .filter_map(|d| map_arg(d)?.get(&key))
            .collect(),
    ))
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
        return Err(FuncError::new(
            "reflect: call of reflect.Value.Type on zero Value",
        ));
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
        FuncSpec::variadic(
            "mustMergeOverwrite",
            &[Param::Map],
            Param::Map,
            merge_overwrite,
        ),
        FuncSpec::new("deepCopy", &[Param::Any], deep_copy),
        FuncSpec::new("mustDeepCopy", &[Param::Any], deep_copy),
        FuncSpec::variadic("dig", &[], Param::Any, dig),
    ]
}

#[cfg(test)]
mod tests {
    //! Expected strings are `helm template` 4.3.1 output for the template in
    //! each comment.

    use super::*;
    use crate::funcs::lists::tests::{call_in, d, f, i, l, s, show};

    fn call(name: &str, args: &[Value]) -> Result<Value, String> {
        call_in(&funcs(), name, args)
    }
    fn ok(name: &str, args: &[Value]) -> String {
        show(&call(name, args).unwrap())
    }
    fn err(name: &str, args: &[Value]) -> String {
        call(name, args).unwrap_err()
    }
    fn n() -> Value {
        Value::Nil
    }

    #[test]
    fn dict_builds_with_strval_keys() {
        assert_eq!(ok("dict", &[]), "map[]");
        assert_eq!(ok("dict", &[s("a")]), "map[a:]");
        assert_eq!(ok("dict", &[s("a"), i(1), s("b")]), "map[a:1 b:]");
        // {{ dict 1 2 2.5 3 true 4 nil 5 (list 1 2) 6 }}
        let args = [
            i(1),
            i(2),
            f(2.5),
            i(3),
            Value::Bool(true),
            i(4),
            n(),
            i(5),
            l(vec![i(1), i(2)]),
            i(6),
        ];
        assert_eq!(ok("dict", &args), "map[1:2 2.5:3 <nil>:5 [1 2]:6 true:4]");
        // {{ dict (dict "a" 1) 1 }}
        assert_eq!(ok("dict", &[d(&[("a", i(1))]), i(1)]), "map[map[a:1]:1]");
    }

    #[test]
    fn get_set_unset_alias() {
        // {{ $d := dict "a" 1 }}{{ get $d "a" }}|{{ get $d "b" }}|...
        let dd = d(&[("a", i(1))]);
        assert_eq!(ok("get", &[dd.clone(), s("a")]), "1");
        assert_eq!(call("get", &[dd.clone(), s("b")]).unwrap(), s(""));
        call("set", &[dd.clone(), s("b"), i(2)]).unwrap();
        assert_eq!(show(&dd), "map[a:1 b:2]");
        let r = call("set", &[dd.clone(), s("c"), i(3)]).unwrap();
        assert_eq!(show(&r), "map[a:1 b:2 c:3]");
        assert!(r.as_map().unwrap().ptr_eq(dd.as_map().unwrap()));
        assert_eq!(ok("unset", &[dd.clone(), s("a")]), "map[b:2 c:3]");
        assert_eq!(show(&dd), "map[b:2 c:3]");
        assert_eq!(ok("unset", &[dd.clone(), s("zz")]), "map[b:2 c:3]");
        // nil maps
        assert_eq!(ok("get", &[n(), s("a")]), "");
        assert_eq!(
            err("set", &[n(), s("a"), i(1)]),
            "assignment to entry in nil map"
        );
        assert_eq!(ok("unset", &[n(), s("a")]), "map[]");
    }

    #[test]
    fn has_key_pluck_keys_values() {
        let dd = d(&[("a", i(1)), ("b", n())]);
        assert_eq!(ok("hasKey", &[dd.clone(), s("a")]), "true");
        assert_eq!(ok("hasKey", &[dd.clone(), s("b")]), "true");
        assert_eq!(ok("hasKey", &[dd.clone(), s("c")]), "false");
        assert!(call("get", &[dd, s("b")]).unwrap().is_nil());
        assert_eq!(ok("hasKey", &[n(), s("a")]), "false");
        let (a1, b2, a3) = (d(&[("a", i(1))]), d(&[("b", i(2))]), d(&[("a", i(3))]));
        assert_eq!(ok("pluck", &[s("a"), a1.clone(), b2.clone(), a3]), "[1 3]");
        assert_eq!(ok("pluck", &[s("a")]), "[]");
        assert_eq!(ok("pluck", &[s("a"), n(), a1]), "[1]");
        assert_eq!(ok("keys", &[d(&[("b", i(1)), ("a", i(2))])]), "[a b]");
        assert_eq!(ok("keys", &[]), "[]");
        assert_eq!(ok("keys", &[n()]), "[]");
        // {{ keys (dict "b" 1) (dict "a" 2) (dict "b" 3) | sortAlpha }} -> [a b b]
        let k = call(
            "keys",
            &[d(&[("b", i(1))]), d(&[("a", i(2))]), d(&[("b", i(3))])],
        )
        .unwrap();
        let mut ks: Vec<String> = k.as_list().unwrap().iter().map(show).collect();
        ks.sort();
        assert_eq!(ks.join(" "), "a b b");
        assert_eq!(ok("values", &[d(&[("a", i(1))])]), "[1]");
        assert_eq!(ok("values", &[d(&[])]), "[]");
        assert_eq!(ok("values", &[n()]), "[]");
    }

    #[test]
    fn pick_omit_share_nested_maps() {
        let abc = || d(&[("a", i(1)), ("b", i(2)), ("c", i(3))]);
        assert_eq!(ok("pick", &[abc(), s("a"), s("c"), s("z")]), "map[a:1 c:3]");
        assert_eq!(ok("pick", &[d(&[("a", i(1))])]), "map[]");
        assert_eq!(ok("omit", &[abc(), s("a"), s("z")]), "map[b:2 c:3]");
        assert_eq!(ok("omit", &[d(&[("a", i(1))])]), "map[a:1]");
        assert_eq!(ok("pick", &[n(), s("a")]), "map[]");
        assert_eq!(ok("omit", &[n(), s("a")]), "map[]");
        // {{ $a := dict "x" (dict "y" 1) }}{{ $b := pick $a "x" }}{{ $_ := set $b.x "z" 2 }}{{ $a }}
        let a = d(&[("x", d(&[("y", i(1))]))]);
        let b = call("pick", &[a.clone(), s("x")]).unwrap();
        call(
            "set",
            &[b.as_map().unwrap().get("x").unwrap(), s("z"), i(2)],
        )
        .unwrap();
        assert_eq!(show(&a), "map[x:map[y:1 z:2]]");
        // {{ $c := deepCopy $a }}{{ $_ := set $c.x "w" 3 }}{{ $a }}|{{ $c }}
        let c = call("deepCopy", std::slice::from_ref(&a)).unwrap();
        call(
            "set",
            &[c.as_map().unwrap().get("x").unwrap(), s("w"), i(3)],
        )
        .unwrap();
        assert_eq!(show(&a), "map[x:map[y:1 z:2]]");
        assert_eq!(show(&c), "map[x:map[w:3 y:1 z:2]]");
    }

    #[test]
    fn deep_copy() {
        assert_eq!(
            ok("deepCopy", &[l(vec![i(1), d(&[("a", i(1))])])]),
            "[1 map[a:1]]"
        );
        assert_eq!(call("deepCopy", &[i(5)]).unwrap(), i(5));
        assert_eq!(ok("mustDeepCopy", &[s("s")]), "s");
        let msg = "reflect: call of reflect.Value.Type on zero Value";
        assert_eq!(err("deepCopy", &[n()]), msg);
        assert_eq!(err("mustDeepCopy", &[n()]), msg);
    }

    #[test]
    fn dig() {
        let ab1 = || d(&[("a", d(&[("b", i(1))]))]);
        assert_eq!(ok("dig", &[s("a"), s("b"), s("def"), ab1()]), "1");
        assert_eq!(ok("dig", &[s("a"), s("c"), s("def"), ab1()]), "def");
        assert_eq!(ok("dig", &[s("z"), s("def"), d(&[])]), "def");
        assert!(
            call("dig", &[s("a"), s("def"), d(&[("a", n())])])
                .unwrap()
                .is_nil()
        );
        let conv = |t: &str, want: &str| {
            format!("interface conversion: interface {{}} is {t}, not {want}")
        };
        let m = "map[string]interface {}";
        assert_eq!(
            err("dig", &[s("a"), s("b"), s("def"), d(&[("a", s("str"))])]),
            conv("string", m)
        );
        assert_eq!(
            err("dig", &[s("a"), s("b"), s("def"), d(&[("a", n())])]),
            conv("nil", m)
        );
        assert_eq!(
            err(
                "dig",
                &[s("a"), s("b"), s("def"), d(&[("a", l(vec![i(1)]))])]
            ),
            conv("[]interface {}", m)
        );
        assert_eq!(
            err("dig", &[s("a"), s("def"), s("notadict")]),
            conv("string", m)
        );
        assert_eq!(err("dig", &[s("a"), s("def"), n()]), conv("nil", m));
        assert_eq!(err("dig", &[i(1), s("def"), d(&[])]), conv("int", "string"));
        assert_eq!(
            err("dig", &[s("a"), s("def")]),
            "dig needs at least three arguments"
        );
    }

    fn merge_fixture() -> (Value, Value) {
        // $a := dict "a" 1 "b" (dict "x" 1) "l" (list 1) "e" "" "f" false "z" 0 "n" nil
        // $b := dict "a" 2 "b" (dict "x" 2 "y" 2) "l" (list 2) "e" "E" "f" true "z" 5 "n" "N" "new" "v"
        let a = d(&[
            ("a", i(1)),
            ("b", d(&[("x", i(1))])),
            ("l", l(vec![i(1)])),
            ("e", s("")),
            ("f", Value::Bool(false)),
            ("z", i(0)),
            ("n", n()),
        ]);
        let b = d(&[
            ("a", i(2)),
            ("b", d(&[("x", i(2)), ("y", i(2))])),
            ("l", l(vec![i(2)])),
            ("e", s("E")),
            ("f", Value::Bool(true)),
            ("z", i(5)),
            ("n", s("N")),
            ("new", s("v")),
        ]);
        (a, b)
    }

    #[test]
    fn merge_fills_empty_and_mutates_dst() {
        let (a, b) = merge_fixture();
        let r = call("merge", &[a.clone(), b]).unwrap();
        assert_eq!(
            show(&r),
            "map[a:1 b:map[x:1 y:2] e:E f:true l:[1] n:N new:v z:5]"
        );
        assert_eq!(show(&a), show(&r));
        assert!(r.as_map().unwrap().ptr_eq(a.as_map().unwrap()));

        let (a, b) = merge_fixture();
        let r = call("mergeOverwrite", &[a.clone(), b]).unwrap();
        assert_eq!(
            show(&r),
            "map[a:2 b:map[x:2 y:2] e:E f:true l:[2] n:N new:v z:5]"
        );
        assert_eq!(show(&a), show(&r));
    }

    #[test]
    fn merge_overwrite_with_empty_and_nil() {
        let a = || {
            d(&[
                ("a", i(1)),
                ("e", s("x")),
                ("f", Value::Bool(true)),
                ("l", l(vec![i(1)])),
                ("m", d(&[("k", i(1))])),
                ("s", s("str")),
            ])
        };
        let b = d(&[
            ("a", i(0)),
            ("e", s("")),
            ("f", Value::Bool(false)),
            ("l", l(vec![])),
            ("m", d(&[])),
            ("s", d(&[("q", i(1))])),
        ]);
        assert_eq!(
            ok("mergeOverwrite", &[a(), b]),
            "map[a:0 e: f:false l:[] m:map[k:1] s:map[q:1]]"
        );
        let b = d(&[("a", n()), ("e", n()), ("m", n())]);
        assert_eq!(
            ok("mergeOverwrite", &[a(), b]),
            "map[a:<nil> e:<nil> f:true l:[1] m:<nil> s:str]"
        );
        assert_eq!(
            ok("merge", &[d(&[("a", i(1))]), d(&[("a", n()), ("b", n())])]),
            "map[a:1]"
        );
        let r = call("merge", &[d(&[("a", i(1))]), d(&[("b", n())])]).unwrap();
        assert!(!r.as_map().unwrap().contains_key("b"));
    }

    #[test]
    fn merge_type_mismatches() {
        let a = d(&[("m", d(&[("k", i(1))])), ("s", s("str"))]);
        let b = d(&[("m", s("scalar")), ("s", d(&[("q", i(1))]))]);
        assert_eq!(ok("merge", &[a, b]), "map[m:map[k:1] s:str]");
        let one = || l(vec![i(1)]);
        assert_eq!(
            ok("merge", &[d(&[("l", l(vec![]))]), d(&[("l", one())])]),
            "map[l:[1]]"
        );
        assert_eq!(
            ok("merge", &[d(&[("l", s("x"))]), d(&[("l", one())])]),
            "map[l:x]"
        );
        assert_eq!(
            ok("mergeOverwrite", &[d(&[("l", s("x"))]), d(&[("l", one())])]),
            "map[l:[1]]"
        );
        assert_eq!(
            ok("mergeOverwrite", &[d(&[("l", one())]), d(&[("l", s("y"))])]),
            "map[l:y]"
        );
        assert_eq!(
            ok("merge", &[d(&[("l", s(""))]), d(&[("l", one())])]),
            "map[l:[1]]"
        );
        let x1 = d(&[("x", i(1))]);
        assert_eq!(ok("merge", &[x1.clone(), x1.clone()]), "map[x:1]");
        assert_eq!(
            ok("mergeOverwrite", &[x1, d(&[("x", d(&[]))])]),
            "map[x:map[]]"
        );
        let k1 = d(&[("x", d(&[("k", i(1))]))]);
        assert_eq!(ok("merge", &[d(&[("x", i(0))]), k1]), "map[x:map[k:1]]");
    }

    #[test]
    fn merge_many_and_nested() {
        let srcs = || {
            [
                d(&[("a", i(1))]),
                d(&[("b", i(2))]),
                d(&[("a", i(3)), ("c", i(4))]),
            ]
        };
        assert_eq!(ok("merge", &srcs()), "map[a:1 b:2 c:4]");
        assert_eq!(ok("mergeOverwrite", &srcs()), "map[a:3 b:2 c:4]");
        assert_eq!(ok("merge", &[d(&[])]), "map[]");
        assert_eq!(
            ok("mustMerge", &[d(&[("a", i(1))]), d(&[("a", i(2))])]),
            "map[a:1]"
        );
        assert_eq!(
            ok(
                "mustMergeOverwrite",
                &[d(&[("a", i(1))]), d(&[("a", i(2))])]
            ),
            "map[a:2]"
        );
        let deep = |c: Value, dd: Value, e: Option<Value>| {
            let mut inner = vec![("c", c), ("d", dd)];
            if let Some(e) = e {
                inner.push(("e", e));
            }
            d(&[("a", d(&[("b", d(&inner))]))])
        };
        let r = call(
            "merge",
            &[deep(i(1), s(""), None), deep(i(2), s("D"), Some(i(3)))],
        )
        .unwrap();
        assert_eq!(show(&r), "map[a:map[b:map[c:1 d:D e:3]]]");
        let r = call(
            "mergeOverwrite",
            &[deep(i(1), s(""), None), deep(i(2), s(""), Some(i(3)))],
        );
        assert_eq!(show(&r.unwrap()), "map[a:map[b:map[c:2 d: e:3]]]");
        // {{ merge nil (dict "a" 1) }}
        assert_eq!(ok("merge", &[n(), d(&[("a", i(1))])]), "map[a:1]");
    }

    #[test]
    fn merge_aliasing_matches_go() {
        // {{ $a := dict }}{{ $n := dict "x" 1 }}{{ $b := dict "m" $n }}{{ $_ := merge $a $b }}
        // {{ $_ := set $n "y" 2 }}{{ $a }} -> map[m:map[x:1 y:2]] (copied maps are shared)
        let a = d(&[]);
        let nn = d(&[("x", i(1))]);
        call("merge", &[a.clone(), d(&[("m", nn.clone())])]).unwrap();
        call("set", &[nn, s("y"), i(2)]).unwrap();
        assert_eq!(show(&a), "map[m:map[x:1 y:2]]");

        // {{ $e := dict }}{{ $a := dict "m" $e }}{{ $b := dict "m" (dict "x" 1) }}{{ $_ := merge $a $b }}
        // {{ $_ := set $a.m "y" 2 }}{{ $a }}|{{ $e }}|{{ $b }}
        let e = d(&[]);
        let a = d(&[("m", e.clone())]);
        let b = d(&[("m", d(&[("x", i(1))]))]);
        call("merge", &[a.clone(), b.clone()]).unwrap();
        call(
            "set",
            &[a.as_map().unwrap().get("m").unwrap(), s("y"), i(2)],
        )
        .unwrap();
        assert_eq!(show(&a), "map[m:map[x:1 y:2]]");
        assert_eq!(show(&e), "map[x:1 y:2]");
        assert_eq!(show(&b), "map[m:map[x:1]]");

        // nested maps on both sides merge into dst's map; src's stays separate
        let a = d(&[("m", d(&[("x", i(1))]))]);
        let b = d(&[("m", d(&[("y", i(2))]))]);
        call("merge", &[a.clone(), b.clone()]).unwrap();
        call(
            "set",
            &[b.as_map().unwrap().get("m").unwrap(), s("z"), i(3)],
        )
        .unwrap();
        assert_eq!(show(&a), "map[m:map[x:1 y:2]]");

        // {{ $s := dict "a" 1 }}{{ $d := dict }}{{ $_ := mergeOverwrite $d (dict "m" $s) }}
        // {{ $_ := set $s "b" 2 }}{{ $d }}
        let src = d(&[("a", i(1))]);
        let dst = d(&[]);
        call("mergeOverwrite", &[dst.clone(), d(&[("m", src.clone())])]).unwrap();
        call("set", &[src, s("b"), i(2)]).unwrap();
        assert_eq!(show(&dst), "map[m:map[a:1 b:2]]");
    }

    #[test]
    fn merge_cycle_does_not_hang() {
        let a = d(&[]);
        call("set", &[a.clone(), s("self"), a.clone()]).unwrap();
        let b = d(&[]);
        call("set", &[b.clone(), s("self"), b.clone()]).unwrap();
        assert!(call("merge", &[a, b]).is_err());
    }
}
