//! Go's builtin functions that have plain Go signatures (`print`, `printf`,
//! `println`), so the executor checks and converts their arguments as Go
//! does (`printf 1` is "expected string; found 1"). Builtins that see
//! reflect-level values (`and`, `or`, `len`, `index`, `eq`, …) live in the
//! executor.

use crate::func::{FuncSpec, Param};
use crate::gofmt;
use crate::value::Value;

pub fn funcs() -> Vec<FuncSpec> {
    vec![
        FuncSpec::variadic("print", &[], Param::Any, |a| {
            Ok(Value::from(gofmt::sprint_all(a)))
        }),
        FuncSpec::variadic("println", &[], Param::Any, |a| {
            Ok(Value::from(gofmt::sprintln(a)))
        }),
        FuncSpec::variadic("printf", &[Param::String], Param::Any, |a| {
            let format = a.first().and_then(Value::as_str).unwrap_or_default();
            Ok(Value::from(gofmt::sprintf(format, &a[1..])))
        }),
    ]
}
