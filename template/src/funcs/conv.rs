//! Template functions: Sprig's defaults, conversions and reflection helpers
//! (`default`, `empty`, `coalesce`, `int` …, `typeOf`, `deepEqual`).
//!
//! `int`, `int64` and `float64` follow spf13/cast v1.7.0, which Sprig uses and
//! whose errors Sprig drops: anything cast cannot convert becomes 0.

use super::text::{self, arg, arg_bool, arg_str, float_to_int, strval};
use crate::func::{FuncError, FuncSpec, Param};
use crate::value::Value;

use Param::{Any, Bool, String as Str};

type R = Result<Value, FuncError>;

pub fn funcs() -> Vec<FuncSpec> {
    vec![
        FuncSpec::variadic("default", &[Any], Any, |a| {
            let given = a.get(1).unwrap_or(&Value::Nil);
            Ok(if empty(given) {
                arg(a, 0).clone()
            } else {
                given.clone()
            })
        }),
        FuncSpec::new("empty", &[Any], |a| Ok(empty(arg(a, 0)).into())),
        FuncSpec::variadic("coalesce", &[], Any, |a| {
            Ok(a.iter().find(|v| !empty(v)).cloned().unwrap_or(Value::Nil))
        }),
        FuncSpec::variadic("all", &[], Any, |a| Ok(a.iter().all(|v| !empty(v)).into())),
        FuncSpec::variadic("any", &[], Any, |a| Ok(a.iter().any(|v| !empty(v)).into())),
        FuncSpec::new("ternary", &[Any, Any, Bool], |a| {
            Ok(if arg_bool(a, 2)? {
                arg(a, 0)
            } else {
                arg(a, 1)
            }
            .clone())
        }),
        FuncSpec::new("toString", &[Any], |a| Ok(strval(arg(a, 0)).into())),
        FuncSpec::new("atoi", &[Str], |a| {
            Ok(Value::Int(text::atoi(arg_str(a, 0)?)))
        }),
        FuncSpec::new("int", &[Any], |a| Ok(Value::Int(to_int64(arg(a, 0))))),
        FuncSpec::new("int64", &[Any], |a| Ok(Value::Int64(to_int64(arg(a, 0))))),
        FuncSpec::new("float64", &[Any], |a| {
            Ok(Value::Float(to_float64(arg(a, 0))))
        }),
        FuncSpec::new("toDecimal", &[Any], |a| {
            Ok(Value::Int64(
                text::parse_int(&text::sprint(arg(a, 0)), 8).unwrap_or(0),
            ))
        }),
        FuncSpec::new("typeOf", &[Any], |a| Ok(arg(a, 0).type_name().into())),
        FuncSpec::new("typeIs", &[Str, Any], |a| {
            Ok((arg_str(a, 0)? == arg(a, 1).type_name()).into())
        }),
        FuncSpec::new("typeIsLike", &[Str, Any], type_is_like),
        FuncSpec::new("kindOf", &[Any], |a| Ok(arg(a, 0).kind_name().into())),
        FuncSpec::new("kindIs", &[Str, Any], |a| {
            Ok((arg_str(a, 0)? == arg(a, 1).kind_name()).into())
        }),
        FuncSpec::new("deepEqual", &[Any, Any], |a| {
            Ok((arg(a, 0) == arg(a, 1)).into())
        }),
    ]
}

fn type_is_like(a: &[Value]) -> R {
    let target = arg_str(a, 0)?;
    let t = arg(a, 1).type_name();
    Ok((t == target || t.strip_prefix('*') == Some(target)).into())
}

/// Sprig's `empty`: Go's zero value test through reflection. Pointers and
/// structs (host objects) are never empty unless they stand for a slice or map.
pub(crate) fn empty(v: &Value) -> bool {
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

/// spf13/cast `ToInt64` / `ToInt` with the error dropped.
pub(crate) fn to_int64(v: &Value) -> i64 {
    match v {
        Value::Nil => 0,
        Value::Bool(b) => *b as i64,
        Value::Int(i) | Value::Int64(i) => *i,
        Value::Float(f) => float_to_int(*f),
        Value::String(s) => text::parse_int(trim_zero_decimal(s), 0).unwrap_or(0),
        Value::List(_) | Value::Map(_) | Value::Object(_) => 0,
    }
}

/// spf13/cast `ToFloat64` with the error dropped.
pub(crate) fn to_float64(v: &Value) -> f64 {
    match v {
        Value::Nil => 0.0,
        Value::Bool(b) => *b as i64 as f64,
        Value::Int(i) | Value::Int64(i) => *i as f64,
        Value::Float(f) => *f,
        Value::String(s) => text::parse_float(s).unwrap_or(0.0),
        Value::List(_) | Value::Map(_) | Value::Object(_) => 0.0,
    }
}

/// cast's `trimZeroDecimal`: "12.00" -> "12", "12.50" stays.
fn trim_zero_decimal(s: &str) -> &str {
    let b = s.as_bytes();
    let mut found_zero = false;
    for i in (1..=b.len()).rev() {
        match b[i - 1] {
            b'.' => {
                if found_zero {
                    return &s[..i - 1];
                }
            }
            b'0' => found_zero = true,
            _ => return s,
        }
    }
    s
}

#[cfg(test)]
mod tests;
