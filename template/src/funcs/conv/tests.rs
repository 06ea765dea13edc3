//! Expected values come from helm 4.3.1 (`helm template` with a values file
//! holding `f: 1.5`, `fi: 3.0`, `big: 1e20`, `l: []`, `m: {}`, …); values-file
//! numbers are float64, template literals are int or float64 constants.

use super::funcs;
use crate::funcs::text::call;
use crate::funcs::text::t::*;
use crate::value::Value;

fn c(name: &str, args: &[Value]) -> String {
    call(&funcs(), name, args)
}

#[test]
fn default_and_empty() {
    let d = s("d");
    assert_eq!(c("default", &[d.clone(), s("")]), "d");
    assert_eq!(c("default", &[d.clone(), s("x")]), "x");
    assert_eq!(c("default", &[d.clone(), i(0)]), "d");
    assert_eq!(c("default", &[d.clone(), b(false)]), "d");
    assert_eq!(c("default", &[d.clone(), nil()]), "d");
    assert_eq!(c("default", &[d.clone(), l(vec![])]), "d");
    assert_eq!(c("default", &[d.clone(), m(vec![])]), "d");
    assert_eq!(c("default", std::slice::from_ref(&d)), "d");
    assert_eq!(c("default", &[d.clone(), f(0.0)]), "d");
    assert_eq!(c("default", &[d, l(vec![i(0)])]), "[0]");

    assert_eq!(c("empty", &[s("")]), "true");
    assert_eq!(c("empty", &[i(0)]), "true");
    assert_eq!(c("empty", &[f(1.5)]), "false");
    assert_eq!(c("empty", &[nil()]), "true");
    assert_eq!(c("empty", &[l(vec![])]), "true");
    assert_eq!(c("empty", &[l(vec![i(1), nil()])]), "false");
    assert_eq!(c("empty", &[b(false)]), "true");
    assert_eq!(c("empty", &[b(true)]), "false");
    assert_eq!(c("empty", &[m(vec![])]), "true");
    assert_eq!(c("empty", &[m(vec![("z", nil())])]), "false");
    assert_eq!(c("empty", &[i64(0)]), "true");
}

#[test]
fn coalesce_all_any_ternary() {
    assert_eq!(c("coalesce", &[s(""), i(0), nil(), s("x"), s("y")]), "x");
    assert_eq!(c("coalesce", &[]), "<nil>");
    assert_eq!(c("coalesce", &[i(0), b(false), f(2.5)]), "2.5");
    assert_eq!(c("all", &[]), "true");
    assert_eq!(c("all", &[i(1), s("a")]), "true");
    assert_eq!(c("all", &[i(1), s("")]), "false");
    assert_eq!(c("any", &[]), "false");
    assert_eq!(c("any", &[i(0), s("")]), "false");
    assert_eq!(c("any", &[i(0), s("a")]), "true");
    assert_eq!(c("ternary", &[s("a"), s("b"), b(true)]), "a");
    assert_eq!(c("ternary", &[s("a"), s("b"), b(false)]), "b");
    assert_eq!(c("ternary", &[i(1), nil(), b(false)]), "<nil>");
}

#[test]
fn to_string() {
    assert_eq!(c("toString", &[i(1)]), "1");
    assert_eq!(c("toString", &[f(2.5)]), "2.5");
    assert_eq!(c("toString", &[nil()]), "<nil>");
    assert_eq!(c("toString", &[b(true)]), "true");
    assert_eq!(
        c(
            "toString",
            &[l(vec![f(1.0), s("a"), nil(), f(2.5), b(true)])]
        ),
        "[1 a <nil> 2.5 true]"
    );
    assert_eq!(c("toString", &[f(1e20)]), "1e+20");
    assert_eq!(c("toString", &[f(1e6)]), "1e+06");
    assert_eq!(c("toString", &[f(100000.0)]), "100000");
    assert_eq!(c("toString", &[f(3.0)]), "3");
    assert_eq!(c("toString", &[f(1e-5)]), "1e-05");
    assert_eq!(c("toString", &[l(vec![nil()])]), "[<nil>]");
    assert_eq!(c("toString", &[m(vec![])]), "map[]");
}

#[test]
fn atoi_ignores_errors() {
    let cases = [
        ("12", 12),
        (" 12", 0),
        ("1.5", 0),
        ("-7", -7),
        ("+7", 7),
        ("0x10", 0),
        ("012", 12),
        ("", 0),
        ("1_000", 0),
        ("99999999999999999999", i64::MAX),
    ];
    for (input, want) in cases {
        assert_eq!(c("atoi", &[s(input)]), want.to_string(), "atoi {input:?}");
    }
    let r = (funcs().iter().find(|f| f.name == "atoi").map(|f| f.call)).map(|f| f(&[s("1")]));
    assert!(matches!(r, Some(Ok(Value::Int(1)))));
}

#[test]
fn int_follows_cast() {
    let strs = [
        ("12", "12"),
        ("1.5", "0"),
        ("12.00", "12"),
        ("12.", "0"),
        ("0x1F", "31"),
        ("012", "10"),
        ("0o17", "15"),
        ("0b101", "5"),
        ("1_000", "1000"),
        ("-0x10", "-16"),
        (" 5", "0"),
        ("", "0"),
        ("abc", "0"),
        ("0.0", "0"),
        (".0", "0"),
        ("100", "100"),
        ("1e3", "0"),
    ];
    for (input, want) in strs {
        assert_eq!(c("int", &[s(input)]), want, "int {input:?}");
    }
    assert_eq!(c("int", &[nil()]), "0");
    assert_eq!(c("int", &[b(true)]), "1");
    assert_eq!(c("int", &[f(1.9)]), "1");
    assert_eq!(c("int", &[f(-1.9)]), "-1");
    assert_eq!(c("int", &[f(1e20)]), "-9223372036854775808");
    assert_eq!(c("int", &[f(1.5)]), "1");
    assert_eq!(c("int", &[l(vec![i(1)])]), "0");
    assert_eq!(c("int64", &[s("12")]), "12");
    assert_eq!(c("int64", &[f(1.9)]), "1");
    assert_eq!(c("int64", &[s("0x10")]), "16");
    assert_eq!(c("int64", &[nil()]), "0");
    assert_eq!(
        c("int64", &[s("9223372036854775807")]),
        "9223372036854775807"
    );
    assert_eq!(c("int64", &[s("9223372036854775808")]), "0");
    let f0 = funcs();
    let get = |n: &str, v: Value| f0.iter().find(|f| f.name == n).map(|f| (f.call)(&[v]));
    assert!(matches!(get("int", i(5)), Some(Ok(Value::Int(5)))));
    assert!(matches!(get("int64", i(5)), Some(Ok(Value::Int64(5)))));
    assert!(matches!(get("float64", i(1)), Some(Ok(Value::Float(_)))));
    assert!(matches!(
        get("toDecimal", i(777)),
        Some(Ok(Value::Int64(511)))
    ));
}

#[test]
fn float64_follows_cast() {
    let strs = [
        ("1.5", "1.5"),
        ("1e3", "1000"),
        ("abc", "0"),
        ("inf", "+Inf"),
        ("-Infinity", "-Inf"),
        ("NaN", "NaN"),
        ("1e400", "0"),
        ("1_000.5", "1000.5"),
        ("0x1p-2", "0.25"),
        (" 1", "0"),
        (".5", "0.5"),
        ("5.", "5"),
        ("+5", "5"),
        ("0x10", "0"),
        ("1e", "0"),
    ];
    for (input, want) in strs {
        assert_eq!(c("float64", &[s(input)]), want, "float64 {input:?}");
    }
    assert_eq!(c("float64", &[nil()]), "0");
    assert_eq!(c("float64", &[b(true)]), "1");
    assert_eq!(c("float64", &[i(3)]), "3");
}

#[test]
fn to_decimal_parses_octal() {
    assert_eq!(c("toDecimal", &[s("0777")]), "511");
    assert_eq!(c("toDecimal", &[i(777)]), "511");
    assert_eq!(c("toDecimal", &[s("8")]), "0");
    assert_eq!(c("toDecimal", &[s("-17")]), "-15");
    assert_eq!(c("toDecimal", &[f(7.5)]), "0");
    assert_eq!(c("toDecimal", &[nil()]), "0");
    assert_eq!(c("toDecimal", &[s("0o7")]), "0");
    assert_eq!(c("toDecimal", &[s("+7")]), "7");
}

#[test]
fn reflection() {
    assert_eq!(c("typeOf", &[i(1)]), "int");
    assert_eq!(c("typeOf", &[f(1.5)]), "float64");
    assert_eq!(c("typeOf", &[s("")]), "string");
    assert_eq!(c("typeOf", &[nil()]), "<nil>");
    assert_eq!(c("typeOf", &[l(vec![])]), "[]interface {}");
    assert_eq!(c("typeOf", &[m(vec![])]), "map[string]interface {}");
    assert_eq!(c("typeOf", &[b(true)]), "bool");
    assert_eq!(c("typeOf", &[i64(1)]), "int64");
    assert_eq!(c("typeIs", &[s("int"), i(1)]), "true");
    assert_eq!(c("typeIs", &[s("string"), i(1)]), "false");
    assert_eq!(c("typeIs", &[s("<nil>"), nil()]), "true");
    assert_eq!(c("typeIsLike", &[s("int"), i(1)]), "true");
    assert_eq!(c("kindOf", &[i(1)]), "int");
    assert_eq!(c("kindOf", &[f(1.5)]), "float64");
    assert_eq!(c("kindOf", &[s("")]), "string");
    assert_eq!(c("kindOf", &[nil()]), "invalid");
    assert_eq!(c("kindOf", &[l(vec![])]), "slice");
    assert_eq!(c("kindOf", &[m(vec![])]), "map");
    assert_eq!(c("kindOf", &[b(true)]), "bool");
    assert_eq!(c("kindOf", &[i64(1)]), "int64");
    assert_eq!(c("kindIs", &[s("map"), m(vec![])]), "true");
    assert_eq!(c("kindIs", &[s("slice"), l(vec![])]), "true");
    assert_eq!(c("kindIs", &[s("invalid"), nil()]), "true");
}

#[test]
fn deep_equal() {
    assert_eq!(c("deepEqual", &[i(1), i(1)]), "true");
    assert_eq!(c("deepEqual", &[i(1), i64(1)]), "false");
    assert_eq!(c("deepEqual", &[f(1.0), i(1)]), "false");
    assert_eq!(
        c("deepEqual", &[l(vec![i(1), i(2)]), l(vec![i(1), i(2)])]),
        "true"
    );
    assert_eq!(
        c("deepEqual", &[m(vec![("a", i(1))]), m(vec![("a", i(1))])]),
        "true"
    );
    assert_eq!(c("deepEqual", &[nil(), nil()]), "true");
    assert_eq!(c("deepEqual", &[s("a"), s("a")]), "true");
    assert_eq!(c("deepEqual", &[l(vec![]), l(vec![])]), "true");
    assert_eq!(c("deepEqual", &[m(vec![]), m(vec![])]), "true");
    assert_eq!(c("deepEqual", &[f(1.0), f(3.0)]), "false");
}
