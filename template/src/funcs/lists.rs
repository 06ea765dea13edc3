//! Template functions: Sprig's list functions (`list`, `append`, `first`,
//! `uniq`, `slice`, `concat`, `sortAlpha`, `chunk`, …) and their `must*`
//! variants.
//!
//! Sprig takes the list as `interface{}` and inspects it with reflection: any
//! slice works, anything else fails with `Cannot … on type KIND`, and nil makes
//! `reflect.TypeOf(nil).Kind()` dereference a nil pointer. The plain variants
//! panic with the same message the `must*` variants return, so through a
//! template both read `error calling NAME: MESSAGE`. Sprig's `slice` shadows
//! Go's builtin `slice` in Helm (checked against helm 4.3.1).

use crate::func::{FuncError, FuncSpec, Param};
use crate::funcs::math::to_int;
use crate::value::Value;

/// Go's `%v` (shared with every family: `text::sprint`).
pub(crate) fn fmt_v(v: &Value) -> String {
    super::text::sprint(v)
}

/// Sprig's `strval`: strings as they are, Stringers via `String()`, the rest
/// with `%v`.
pub(crate) fn strval(v: &Value) -> String {
    match v {
        Value::String(s) => s.to_string(),
        other => fmt_v(other),
    }
}

/// Sprig's `empty` (used by `compact`).
pub(crate) fn is_empty(v: &Value) -> bool {
    !v.truthy()
}

/// The message Go's runtime panics with when Sprig reflects on nil.
const NIL_DEREF: &str = "runtime error: invalid memory address or nil pointer dereference";

/// The elements of a Go slice seen through reflection, or the reflect kind
/// name of a non-slice (`Err(None)` for nil).
fn elems(v: &Value) -> Result<Vec<Value>, Option<&'static str>> {
    match v {
        Value::List(l) => Ok(l.to_vec()),
        Value::Nil => Err(None),
        Value::Object(o) => match o.as_data() {
            Some(Value::List(l)) => Ok(l.to_vec()),
            _ => Err(Some(v.kind_name())),
        },
        other => Err(Some(other.kind_name())),
    }
}

/// `elems`, turning a non-slice into `PREFIX KIND SUFFIX`.
fn slice_of(v: &Value, prefix: &str, suffix: &str) -> Result<Vec<Value>, FuncError> {
    elems(v).map_err(|k| match k {
        None => FuncError::new(NIL_DEREF),
        Some(kind) => FuncError::new(format!("{prefix}{kind}{suffix}")),
    })
}

fn list(a: &[Value]) -> Result<Value, FuncError> {
    Ok(Value::list(a.to_vec()))
}

fn push(a: &[Value]) -> Result<Value, FuncError> {
    let mut l = slice_of(&a[0], "Cannot push on type ", "")?;
    l.push(a[1].clone());
    Ok(Value::list(l))
}

fn prepend(a: &[Value]) -> Result<Value, FuncError> {
    let l = slice_of(&a[0], "Cannot prepend on type ", "")?;
    let mut out = Vec::with_capacity(l.len() + 1);
    out.push(a[1].clone());
    out.extend(l);
    Ok(Value::list(out))
}

/// Go's float64 → int conversion as `mustChunk` does it.
fn f2i(f: f64) -> i64 {
    crate::funcs::math::go_f64_to_i64(f)
}

fn chunk(a: &[Value]) -> Result<Value, FuncError> {
    let size = match &a[0] {
        Value::Int(i) | Value::Int64(i) => *i,
        other => to_int(other),
    };
    let l = slice_of(&a[1], "Cannot chunk type ", "")?;
    let n = l.len() as i64;
    let makeslice = || FuncError::new("runtime error: makeslice: len out of range");
    let cs = f2i(((n - 1) as f64 / size as f64).floor()).wrapping_add(1);
    if cs < 0 {
        return Err(makeslice());
    }
    // Every chunk but the last holds `size` items, so `cs` is bounded by the
    // list length unless Go itself would fail.
    if cs > n.max(1) {
        return Err(makeslice());
    }
    let mut out = Vec::with_capacity(cs as usize);
    for i in 0..cs {
        let mut clen = size;
        if i == cs - 1 {
            clen = f2i((n as f64 % size as f64).floor());
            if clen == 0 {
                clen = size;
            }
        }
        if clen < 0 {
            return Err(makeslice());
        }
        let mut c = Vec::new();
        for j in 0..clen {
            let ix = i.wrapping_mul(size).wrapping_add(j);
            match usize::try_from(ix).ok().and_then(|x| l.get(x)) {
                Some(v) => c.push(v.clone()),
                None => {
                    return Err(FuncError::new(format!(
                        "runtime error: index out of range [{ix}] with length {n}"
                    )));
                }
            }
        }
        out.push(Value::list(c));
    }
    Ok(Value::list(out))
}

fn last(a: &[Value]) -> Result<Value, FuncError> {
    let l = slice_of(&a[0], "Cannot find last on type ", "")?;
    Ok(l.last().cloned().unwrap_or(Value::Nil))
}

fn first(a: &[Value]) -> Result<Value, FuncError> {
    let l = slice_of(&a[0], "Cannot find first on type ", "")?;
    Ok(l.first().cloned().unwrap_or(Value::Nil))
}

fn rest(a: &[Value]) -> Result<Value, FuncError> {
    let l = slice_of(&a[0], "Cannot find rest on type ", "")?;
    Ok(Value::list(
        l.get(1..).map(<[Value]>::to_vec).unwrap_or_default(),
    ))
}

fn initial(a: &[Value]) -> Result<Value, FuncError> {
    let mut l = slice_of(&a[0], "Cannot find initial on type ", "")?;
    l.pop();
    Ok(Value::list(l))
}

fn sort_alpha(a: &[Value]) -> Result<Value, FuncError> {
    let mut out: Vec<String> = match elems(&a[0]) {
        // strslice skips nil elements.
        Ok(l) => l.iter().filter(|v| !v.is_nil()).map(strval).collect(),
        Err(_) => vec![strval(&a[0])],
    };
    out.sort();
    Ok(Value::list(out.into_iter().map(Value::from).collect()))
}

fn reverse(a: &[Value]) -> Result<Value, FuncError> {
    let mut l = slice_of(&a[0], "Cannot find reverse on type ", "")?;
    l.reverse();
    Ok(Value::list(l))
}

fn compact(a: &[Value]) -> Result<Value, FuncError> {
    let l = slice_of(&a[0], "Cannot compact on type ", "")?;
    Ok(Value::list(
        l.into_iter().filter(|v| !is_empty(v)).collect(),
    ))
}

fn uniq(a: &[Value]) -> Result<Value, FuncError> {
    let l = slice_of(&a[0], "Cannot find uniq on type ", "")?;
    let mut dest: Vec<Value> = Vec::new();
    for v in l {
        if !dest.contains(&v) {
            dest.push(v);
        }
    }
    Ok(Value::list(dest))
}

fn without(a: &[Value]) -> Result<Value, FuncError> {
    let l = slice_of(&a[0], "Cannot find without on type ", "")?;
    let omit = &a[1..];
    Ok(Value::list(
        l.into_iter().filter(|v| !omit.contains(v)).collect(),
    ))
}

fn has(a: &[Value]) -> Result<Value, FuncError> {
    if a[1].is_nil() {
        return Ok(Value::Bool(false));
    }
    let l = slice_of(&a[1], "Cannot find has on type ", "")?;
    Ok(Value::Bool(l.contains(&a[0])))
}

fn slice(a: &[Value]) -> Result<Value, FuncError> {
    let l = slice_of(&a[0], "list should be type of slice or array but ", "")?;
    if l.is_empty() {
        return Ok(Value::Nil);
    }
    let len = l.len() as i64;
    let start = a.get(1).map(to_int).unwrap_or(0);
    let end = if a.len() < 3 { len } else { to_int(&a[2]) };
    if start < 0 || end < start || end > len {
        return Err(FuncError::new(
            "reflect.Value.Slice: slice index out of bounds",
        ));
    }
    Ok(Value::list(l[start as usize..end as usize].to_vec()))
}

fn concat(a: &[Value]) -> Result<Value, FuncError> {
    let mut res = Vec::new();
    for v in a {
        res.extend(slice_of(v, "Cannot concat type ", " as list")?);
    }
    Ok(Value::list(res))
}

pub fn funcs() -> Vec<FuncSpec> {
    use Param::*;
    vec![
        FuncSpec::variadic("list", &[], Any, list),
        FuncSpec::variadic("tuple", &[], Any, list),
        FuncSpec::new("append", &[Any, Any], push),
        FuncSpec::new("push", &[Any, Any], push),
        FuncSpec::new("mustAppend", &[Any, Any], push),
        FuncSpec::new("mustPush", &[Any, Any], push),
        FuncSpec::new("prepend", &[Any, Any], prepend),
        FuncSpec::new("mustPrepend", &[Any, Any], prepend),
        FuncSpec::new("first", &[Any], first),
        FuncSpec::new("mustFirst", &[Any], first),
        FuncSpec::new("rest", &[Any], rest),
        FuncSpec::new("mustRest", &[Any], rest),
        FuncSpec::new("last", &[Any], last),
        FuncSpec::new("mustLast", &[Any], last),
        FuncSpec::new("initial", &[Any], initial),
        FuncSpec::new("mustInitial", &[Any], initial),
        FuncSpec::new("reverse", &[Any], reverse),
        FuncSpec::new("mustReverse", &[Any], reverse),
        FuncSpec::new("uniq", &[Any], uniq),
        FuncSpec::new("mustUniq", &[Any], uniq),
        FuncSpec::variadic("without", &[Any], Any, without),
        FuncSpec::variadic("mustWithout", &[Any], Any, without),
        FuncSpec::new("has", &[Any, Any], has),
        FuncSpec::new("mustHas", &[Any, Any], has),
        FuncSpec::new("compact", &[Any], compact),
        FuncSpec::new("mustCompact", &[Any], compact),
        FuncSpec::variadic("slice", &[Any], Any, slice),
        FuncSpec::variadic("mustSlice", &[Any], Any, slice),
        FuncSpec::variadic("concat", &[], Any, concat),
        FuncSpec::new("sortAlpha", &[Any], sort_alpha),
        FuncSpec::new("chunk", &[Int, Any], chunk),
        FuncSpec::new("mustChunk", &[Int, Any], chunk),
    ]
}

#[cfg(test)]
pub(crate) mod tests {
    //! Expected strings are `helm template` 4.3.1 output for the template in
    //! each comment (helm prints a nil result as an empty string).

    use super::*;
    use crate::value::MapInner;

    pub(crate) fn i(n: i64) -> Value {
        Value::Int(n)
    }
    pub(crate) fn s(x: &str) -> Value {
        Value::str(x)
    }
    pub(crate) fn f(x: f64) -> Value {
        Value::Float(x)
    }
    pub(crate) fn l(v: Vec<Value>) -> Value {
        Value::list(v)
    }
    pub(crate) fn d(pairs: &[(&str, Value)]) -> Value {
        Value::map(
            pairs
                .iter()
                .map(|(k, v)| (k.to_string(), v.clone()))
                .collect::<MapInner>(),
        )
    }
    /// How `{{ v }}` prints in helm.
    pub(crate) fn show(v: &Value) -> String {
        if v.is_nil() { String::new() } else { fmt_v(v) }
    }
    pub(crate) fn call_in(specs: &[FuncSpec], name: &str, args: &[Value]) -> Result<Value, String> {
        let spec = specs
            .iter()
            .find(|s| s.name == name)
            .expect("function exists");
        let min = spec.params.len();
        assert!(args.len() >= min, "{name}: too few args");
        assert!(
            spec.variadic.is_some() || args.len() == min,
            "{name}: too many args"
        );
        (spec.call)(args).map_err(|e| e.0)
    }
    fn call(name: &str, args: &[Value]) -> Result<Value, String> {
        call_in(&funcs(), name, args)
    }
    fn ok(name: &str, args: &[Value]) -> String {
        show(&call(name, args).unwrap())
    }
    fn err(name: &str, args: &[Value]) -> String {
        call(name, args).unwrap_err()
    }

    fn l123() -> Value {
        l(vec![i(1), i(2), i(3)])
    }

    #[test]
    fn fmt_v_matches_go() {
        // {{ list nil 1 "a" 1.5 true (dict "a" 1) (list 2) }}
        let v = l(vec![
            Value::Nil,
            i(1),
            s("a"),
            f(1.5),
            Value::Bool(true),
            d(&[("a", i(1))]),
            l(vec![i(2)]),
        ]);
        assert_eq!(fmt_v(&v), "[<nil> 1 a 1.5 true map[a:1] [2]]");
        assert_eq!(fmt_v(&f(123456789.0)), "1.23456789e+08");
        assert_eq!(fmt_v(&f(1e20)), "1e+20");
    }

    #[test]
    fn list_and_tuple() {
        assert_eq!(ok("list", &[]), "[]"); // {{ list }}
        assert_eq!(ok("tuple", &[i(1), i(2)]), "[1 2]"); // {{ tuple 1 2 }}
        assert!(matches!(call("list", &[]).unwrap(), Value::List(_)));
    }

    #[test]
    fn append_prepend() {
        assert_eq!(ok("append", &[l(vec![i(1)]), i(2)]), "[1 2]");
        assert_eq!(ok("push", &[l(vec![]), Value::Nil]), "[<nil>]");
        assert_eq!(ok("prepend", &[l(vec![i(1), i(2)]), i(0)]), "[0 1 2]");
        assert_eq!(ok("mustAppend", &[l(vec![i(1)]), l(vec![i(2)])]), "[1 [2]]");
        // the input is not modified
        let orig = l123();
        call("append", &[orig.clone(), i(4)]).unwrap();
        assert_eq!(fmt_v(&orig), "[1 2 3]");
        assert_eq!(err("append", &[s("x"), i(1)]), "Cannot push on type string");
        assert_eq!(
            err("prepend", &[f(2.5), i(1)]),
            "Cannot prepend on type float64"
        );
        assert_eq!(
            err("mustPrepend", &[Value::Bool(true), i(1)]),
            "Cannot prepend on type bool"
        );
        assert_eq!(
            err("mustPush", &[Value::Nil, i(1)]),
            "runtime error: invalid memory address or nil pointer dereference"
        );
    }

    #[test]
    fn first_rest_last_initial() {
        let l12 = l(vec![i(1), i(2)]);
        assert_eq!(ok("first", std::slice::from_ref(&l12)), "1");
        assert!(call("first", &[l(vec![])]).unwrap().is_nil());
        assert_eq!(ok("last", std::slice::from_ref(&l12)), "2");
        assert!(call("last", &[l(vec![])]).unwrap().is_nil());
        assert_eq!(ok("rest", &[l123()]), "[2 3]");
        assert_eq!(ok("rest", &[l(vec![])]), "[]");
        assert_eq!(ok("rest", &[l(vec![i(1)])]), "[]");
        assert_eq!(ok("initial", &[l123()]), "[1 2]");
        assert_eq!(ok("initial", &[l(vec![])]), "[]");
        assert_eq!(ok("initial", &[l(vec![i(1)])]), "[]");
        assert_eq!(
            err("first", &[s("abc")]),
            "Cannot find first on type string"
        );
        assert_eq!(
            err("first", &[Value::Nil]),
            "runtime error: invalid memory address or nil pointer dereference"
        );
        assert_eq!(err("mustFirst", &[i(1)]), "Cannot find first on type int");
        assert_eq!(err("first", &[d(&[])]), "Cannot find first on type map");
        assert_eq!(
            err("first", &[Value::Int64(3)]),
            "Cannot find first on type int64"
        );
        assert_eq!(err("last", &[i(1)]), "Cannot find last on type int");
        assert_eq!(err("rest", &[i(1)]), "Cannot find rest on type int");
        assert_eq!(err("initial", &[i(1)]), "Cannot find initial on type int");
    }

    #[test]
    fn reverse_uniq_without_has() {
        assert_eq!(ok("reverse", &[l123()]), "[3 2 1]");
        assert_eq!(ok("reverse", &[l(vec![])]), "[]");
        assert_eq!(err("reverse", &[i(1)]), "Cannot find reverse on type int");
        // {{ uniq (list 1 2 1 "1" 1.0 (list 1) (list 1) (dict "a" 1) (dict "a" 1) nil nil) }}
        let u = l(vec![
            i(1),
            i(2),
            i(1),
            s("1"),
            f(1.0),
            l(vec![i(1)]),
            l(vec![i(1)]),
            d(&[("a", i(1))]),
            d(&[("a", i(1))]),
            Value::Nil,
            Value::Nil,
        ]);
        assert_eq!(ok("uniq", &[u]), "[1 2 1 1 [1] map[a:1] <nil>]");
        assert_eq!(ok("uniq", &[l(vec![])]), "[]");
        assert_eq!(err("uniq", &[i(1)]), "Cannot find uniq on type int");
        assert_eq!(
            ok("without", &[l(vec![i(1), i(2), i(3), i(1)]), i(1)]),
            "[2 3]"
        );
        assert_eq!(ok("without", &[l123()]), "[1 2 3]");
        assert_eq!(ok("without", &[l123(), i(1), i(2), i(3)]), "[]");
        assert_eq!(
            err("without", &[i(1), i(1)]),
            "Cannot find without on type int"
        );
        assert_eq!(ok("has", &[i(1), l(vec![i(1), i(2)])]), "true");
        assert_eq!(ok("has", &[s("1"), l(vec![i(1), i(2)])]), "false");
        assert_eq!(ok("has", &[i(1), Value::Nil]), "false");
        assert_eq!(ok("has", &[Value::Nil, l(vec![Value::Nil])]), "true");
        assert_eq!(ok("has", &[l(vec![i(1)]), l(vec![l(vec![i(1)])])]), "true");
        assert_eq!(err("has", &[i(1), i(1)]), "Cannot find has on type int");
        assert_eq!(
            err("mustHas", &[i(1), s("a")]),
            "Cannot find has on type string"
        );
        assert_eq!(err("has", &[i(1), d(&[])]), "Cannot find has on type map");
    }

    #[test]
    fn compact_concat() {
        // {{ compact (list 0 1 "" "a" nil false true (list) (dict) (list 0) 0.0 ) }}
        let c = l(vec![
            i(0),
            i(1),
            s(""),
            s("a"),
            Value::Nil,
            Value::Bool(false),
            Value::Bool(true),
            l(vec![]),
            d(&[]),
            l(vec![i(0)]),
            f(0.0),
        ]);
        assert_eq!(ok("compact", &[c]), "[1 a true [0]]");
        assert_eq!(ok("compact", &[l(vec![])]), "[]");
        assert_eq!(err("compact", &[i(1)]), "Cannot compact on type int");
        assert_eq!(
            ok("concat", &[l(vec![i(1)]), l(vec![i(2), i(3)]), l(vec![])]),
            "[1 2 3]"
        );
        assert_eq!(ok("concat", &[]), "[]");
        assert_eq!(
            ok("concat", &[l(vec![s("a"), s("b")]), l(vec![i(1)])]),
            "[a b 1]"
        );
        assert_eq!(err("concat", &[i(1)]), "Cannot concat type int as list");
        assert_eq!(
            err("concat", &[l(vec![i(1)]), s("a")]),
            "Cannot concat type string as list"
        );
        assert_eq!(
            err("concat", &[Value::Nil]),
            "runtime error: invalid memory address or nil pointer dereference"
        );
    }

    #[test]
    fn slice_is_sprigs() {
        assert_eq!(ok("slice", &[l123(), i(1)]), "[2 3]");
        assert_eq!(ok("slice", &[l123(), i(1), i(2)]), "[2]");
        assert_eq!(ok("slice", &[l123()]), "[1 2 3]");
        assert!(call("slice", &[l(vec![])]).unwrap().is_nil());
        // {{ slice (list 1 2 3) "1" 2.9 }} (cast.ToInt)
        assert_eq!(ok("slice", &[l123(), s("1"), f(2.9)]), "[2]");
        assert_eq!(ok("slice", &[l123(), i(1), f(1.5)]), "[]");
        assert_eq!(ok("mustSlice", &[l(vec![i(1), i(2)]), i(0), i(0)]), "[]");
        assert_eq!(
            err("slice", &[i(1)]),
            "list should be type of slice or array but int"
        );
        assert_eq!(
            err("slice", &[s("abc"), i(1)]),
            "list should be type of slice or array but string"
        );
        for args in [
            vec![l(vec![i(1), i(2)]), i(3)],
            vec![l(vec![i(1), i(2)]), i(2), i(1)],
            vec![l(vec![i(1), i(2)]), i(-1)],
        ] {
            assert_eq!(
                err("slice", &args),
                "reflect.Value.Slice: slice index out of bounds"
            );
        }
    }

    #[test]
    fn sort_alpha() {
        // {{ sortAlpha (list "b" "a" "C" 3 1 2.5 true nil) }}
        let v = l(vec![
            s("b"),
            s("a"),
            s("C"),
            i(3),
            i(1),
            f(2.5),
            Value::Bool(true),
            Value::Nil,
        ]);
        assert_eq!(ok("sortAlpha", &[v]), "[1 2.5 3 C a b true]");
        assert_eq!(ok("sortAlpha", &[s("x")]), "[x]");
        assert_eq!(ok("sortAlpha", &[i(5)]), "[5]");
        assert_eq!(ok("sortAlpha", &[l(vec![])]), "[]");
        assert_eq!(ok("sortAlpha", &[Value::Nil]), "[<nil>]");
        assert_eq!(
            ok("sortAlpha", &[d(&[("b", i(1)), ("a", i(2))])]),
            "[map[a:2 b:1]]"
        );
        let nested = l(vec![l(vec![i(2), i(1)]), d(&[("a", i(1))])]);
        assert_eq!(ok("sortAlpha", &[nested]), "[[2 1] map[a:1]]");
    }

    #[test]
    fn chunk() {
        let l5 = l(vec![i(1), i(2), i(3), i(4), i(5)]);
        assert_eq!(ok("chunk", &[i(2), l5]), "[[1 2] [3 4] [5]]");
        assert_eq!(
            ok("chunk", &[i(2), l(vec![i(1), i(2), i(3), i(4)])]),
            "[[1 2] [3 4]]"
        );
        assert_eq!(ok("chunk", &[i(3), l(vec![])]), "[]");
        assert_eq!(ok("chunk", &[i(5), l(vec![i(1), i(2)])]), "[[1 2]]");
        assert_eq!(ok("mustChunk", &[i(1), l(vec![i(1), i(2)])]), "[[1] [2]]");
        assert_eq!(ok("chunk", &[i(-1), l(vec![i(1), i(2)])]), "[]");
        assert_eq!(err("chunk", &[i(2), i(1)]), "Cannot chunk type int");
        assert_eq!(
            err("mustChunk", &[i(2), s("x")]),
            "Cannot chunk type string"
        );
        let makeslice = "runtime error: makeslice: len out of range";
        assert_eq!(err("chunk", &[i(0), l(vec![i(1), i(2)])]), makeslice);
        assert_eq!(err("chunk", &[i(0), l(vec![])]), makeslice);
        // {{ chunk -1 (list 1) }}, {{ chunk -2 (list 1 2 3 4 5) }}, {{ chunk -1 list }}
        assert_eq!(err("chunk", &[i(-1), l(vec![i(1)])]), makeslice);
        assert_eq!(
            err("chunk", &[i(-2), l(vec![i(1), i(2), i(3), i(4), i(5)])]),
            makeslice
        );
        assert_eq!(err("chunk", &[i(-1), l(vec![])]), makeslice);
        assert_eq!(ok("chunk", &[i(-2), l123()]), "[]");
        assert_eq!(ok("chunk", &[i(2), l123()]), "[[1 2] [3]]");
    }
}
