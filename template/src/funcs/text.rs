//! Go text helpers shared by the string, conversion, regex and encoding
//! families: `%v` printing, Sprig's `strval`, `strconv.Quote`, Go's simple
//! Unicode case mapping, and `strconv.ParseInt`/`ParseFloat`.
//!
//! `sprint` is a private `%v` for this family; the lead will unify it with the
//! engine's `gofmt.rs` printer.

use crate::num::format_float;
use crate::value::Value;

use crate::func::FuncError;

/// Argument `i`, or nil when the executor passed fewer (it checks arity).
pub(crate) fn arg(args: &[Value], i: usize) -> &Value {
    const NIL: &Value = &Value::Nil;
    args.get(i).unwrap_or(NIL)
}

/// A `string` parameter (already converted by the executor).
pub(crate) fn arg_str(args: &[Value], i: usize) -> Result<&str, FuncError> {
    match arg(args, i) {
        Value::String(s) => Ok(s),
        v => Err(FuncError::new(format!(
            "wrong type for value; expected string; got {}",
            v.type_name()
        ))),
    }
}

/// An `int` parameter (already converted by the executor).
pub(crate) fn arg_int(args: &[Value], i: usize) -> Result<i64, FuncError> {
    match arg(args, i) {
        Value::Int(n) | Value::Int64(n) => Ok(*n),
        v => Err(FuncError::new(format!(
            "wrong type for value; expected int; got {}",
            v.type_name()
        ))),
    }
}

/// A `bool` parameter (already converted by the executor).
pub(crate) fn arg_bool(args: &[Value], i: usize) -> Result<bool, FuncError> {
    match arg(args, i) {
        Value::Bool(b) => Ok(*b),
        v => Err(FuncError::new(format!(
            "wrong type for value; expected bool; got {}",
            v.type_name()
        ))),
    }
}

/// Go's `fmt.Sprint(v)` / `%v` for one value.
// TODO(lead): unify with gofmt.rs.
pub(crate) fn sprint(v: &Value) -> String {
    let mut out = String::new();
    write_v(&mut out, v, 0);
    out
}

/// Nesting guard: deeper structures print as `...` instead of overflowing the stack.
const MAX_DEPTH: usize = 200;

fn write_v(out: &mut String, v: &Value, depth: usize) {
    if depth > MAX_DEPTH {
        out.push_str("...");
        return;
    }
    match v {
        Value::Nil => out.push_str("<nil>"),
        Value::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Value::Int(i) | Value::Int64(i) => out.push_str(&i.to_string()),
        Value::Float(f) => out.push_str(&format_float(*f, 'g', -1)),
        Value::String(s) => out.push_str(s),
        Value::List(l) => {
            out.push('[');
            for (i, e) in l.iter().enumerate() {
                if i > 0 {
                    out.push(' ');
                }
                write_v(out, e, depth + 1);
            }
            out.push(']');
        }
        Value::Map(m) => {
            out.push_str("map[");
            for (i, (k, e)) in m.entries().iter().enumerate() {
                if i > 0 {
                    out.push(' ');
                }
                out.push_str(k);
                out.push(':');
                write_v(out, e, depth + 1);
            }
            out.push(']');
        }
        Value::Object(o) => out.push_str(&o.display()),
    }
}

/// Sprig's `strval`: strings as they are, `Stringer`s through `String()`,
/// everything else through `%v` (so nil is `<nil>`).
pub(crate) fn strval(v: &Value) -> String {
    match v {
        Value::String(s) => s.to_string(),
        Value::Object(o) => o.display(),
        v => sprint(v),
    }
}

pub(crate) use crate::gofmt::go_quote;

/// Go's `unicode.IsPrint`: letters, marks, numbers, punctuation, symbols and
/// the ASCII space. Approximation: Rust has no general-category table, so
/// controls, non-ASCII spaces, the common format characters and private-use
/// code points are treated as unprintable; unassigned code points are not.
pub(crate) fn is_go_print(c: char) -> bool {
    if c == ' ' {
        return true;
    }
    if c.is_control() || c.is_whitespace() {
        return false;
    }
    let u = c as u32;
    let format = matches!(u,
        0xAD | 0x600..=0x605 | 0x61C | 0x6DD | 0x70F | 0x890..=0x891 | 0x8E2 | 0x180E
        | 0x200B..=0x200F | 0x202A..=0x202E | 0x2060..=0x2064 | 0x2066..=0x206F | 0xFEFF
        | 0xFFF9..=0xFFFB | 0x110BD | 0x110CD | 0x13430..=0x1343F | 0x1BCA0..=0x1BCA3
        | 0x1D173..=0x1D17A | 0xE0001 | 0xE0020..=0xE007F);
    let private = matches!(u, 0xE000..=0xF8FF | 0xF0000..=0xFFFFD | 0x100000..=0x10FFFD);
    let nonchar = (u & 0xFFFE) == 0xFFFE || (0xFDD0..=0xFDEF).contains(&u);
    !(format || private || nonchar)
}

/// Go's `unicode.IsSpace`: Rust's White_Space property is the same set.
pub(crate) fn is_space(c: char) -> bool {
    c.is_whitespace()
}

/// Go's `unicode.IsUpper` (category Lu).
pub(crate) fn is_upper(c: char) -> bool {
    let u = c as u32;
    // Other_Uppercase code points that are not Lu.
    let other = matches!(u, 0x2160..=0x216F | 0x24B6..=0x24CF | 0x1F130..=0x1F149
        | 0x1F150..=0x1F169 | 0x1F170..=0x1F189);
    c.is_uppercase() && !other
}

/// Go's `unicode.IsLower` (category Ll).
pub(crate) fn is_lower(c: char) -> bool {
    let u = c as u32;
    // Other_Lowercase code points that are not Ll (modifier letters, ordinals,
    // Roman numerals, circled letters, the iota subscript).
    let other = matches!(u, 0xAA | 0xBA | 0x2B0..=0x2B8 | 0x2C0..=0x2C1 | 0x2E0..=0x2E4
        | 0x345 | 0x37A | 0x10FC | 0x1D2C..=0x1D6A | 0x1D78 | 0x1D9B..=0x1DBF | 0x2071
        | 0x207F | 0x2090..=0x209C | 0x2170..=0x217F | 0x24D0..=0x24E9 | 0x2C7C..=0x2C7D
        | 0xA69C..=0xA69D | 0xA770 | 0xA7F8..=0xA7F9 | 0xAB5C..=0xAB5F | 0xAB69);
    c.is_lowercase() && !other
}

/// Go's `unicode.IsTitle` (category Lt).
pub(crate) fn is_title(c: char) -> bool {
    matches!(c as u32, 0x1C5 | 0x1C8 | 0x1CB | 0x1F2 | 0x1F88..=0x1F8F | 0x1F98..=0x1F9F
        | 0x1FA8..=0x1FAF | 0x1FBC | 0x1FCC | 0x1FFC)
}

/// Go's `unicode.IsLetter`, approximated by Rust's Alphabetic property minus
/// the numeric letters (Nl).
pub(crate) fn is_letter(c: char) -> bool {
    c.is_alphabetic() && !c.is_numeric()
}

/// Greek letters with ypogegrammeni whose simple uppercase and titlecase is the
/// prosgegrammeni (titlecase) form.
fn greek_iota_title(c: char) -> Option<char> {
    let u = c as u32;
    let t = match u {
        0x1F80..=0x1F87 | 0x1F90..=0x1F97 | 0x1FA0..=0x1FA7 => u + 8,
        0x1FB3 => 0x1FBC,
        0x1FC3 => 0x1FCC,
        0x1FF3 => 0x1FFC,
        _ => return None,
    };
    char::from_u32(t)
}

fn single(mut it: impl Iterator<Item = char>) -> Option<char> {
    let first = it.next()?;
    if it.next().is_some() {
        None
    } else {
        Some(first)
    }
}

/// Go's `unicode.ToUpper` (simple case mapping).
pub(crate) fn to_upper(c: char) -> char {
    if c.is_ascii() {
        return c.to_ascii_uppercase();
    }
    if let Some(t) = greek_iota_title(c) {
        return t;
    }
    single(c.to_uppercase()).unwrap_or(c)
}

/// Go's `unicode.ToLower` (simple case mapping).
pub(crate) fn to_lower(c: char) -> char {
    if c.is_ascii() {
        return c.to_ascii_lowercase();
    }
    if c == '\u{130}' {
        return 'i';
    }
    single(c.to_lowercase()).unwrap_or(c)
}

/// Go's `unicode.ToTitle` (simple case mapping).
pub(crate) fn to_title(c: char) -> char {
    match c as u32 {
        0x1C4..=0x1C6 => '\u{1C5}',
        0x1C7..=0x1C9 => '\u{1C8}',
        0x1CA..=0x1CC => '\u{1CB}',
        0x1F1..=0x1F3 => '\u{1F2}',
        // Georgian Mkhedruli has an uppercase (Mtavruli) but is its own titlecase.
        0x10D0..=0x10FA | 0x10FD..=0x10FF => c,
        _ if is_title(c) => c,
        _ => to_upper(c),
    }
}

/// Go's `strings.ToUpper`.
pub(crate) fn upper(s: &str) -> String {
    s.chars().map(to_upper).collect()
}

/// Go's `strings.ToLower`.
pub(crate) fn lower(s: &str) -> String {
    s.chars().map(to_lower).collect()
}

/// Bytes that Go would hold in a `string` but that may not be UTF-8; we can
/// only keep valid UTF-8, so invalid sequences become U+FFFD (Go would keep the
/// raw bytes).
pub(crate) fn lossy(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

/// Go's `string(rune(b))` for each byte: the Latin-1 reading that goutils'
/// byte-wise functions (`nospace`, `initials`) produce for multi-byte text.
pub(crate) fn latin1(b: &[u8]) -> String {
    b.iter().map(|&c| c as char).collect()
}

/// Why `strconv.ParseInt` failed.
#[derive(Debug, PartialEq)]
pub(crate) enum IntError {
    /// Not a number; Go returns 0.
    Syntax,
    /// Out of range; Go returns the value clamped to the bit size.
    Range(i64),
}

/// Go's `underscoreOK`: underscores only between digits or after a base prefix.
fn underscore_ok(s: &str) -> bool {
    let b = s.as_bytes();
    let mut i = 0;
    if !b.is_empty() && (b[0] == b'-' || b[0] == b'+') {
        i = 1;
    }
    // `saw` is the class of the previous character: '^' start, '0' digit or
    // prefix, '_' underscore, '!' anything else.
    let mut saw = b'^';
    let mut hex = false;
    if b.len() - i >= 2 && b[i] == b'0' {
        let c = b[i + 1] | 0x20;
        if c == b'x' || c == b'o' || c == b'b' {
            hex = c == b'x';
            i += 2;
            saw = b'0';
        }
    }
    while i < b.len() {
        let c = b[i];
        if c.is_ascii_digit() || (hex && (c | 0x20).is_ascii_hexdigit()) {
            saw = b'0';
        } else if c == b'_' {
            if saw != b'0' {
                return false;
            }
            saw = b'_';
        } else {
            if saw == b'_' {
                return false;
            }
            saw = b'!';
        }
        i += 1;
    }
    saw != b'_'
}

/// Go's `strconv.ParseInt(s, base, 64)` for `base` 0 (prefixes `0x`, `0o`,
/// `0b`, `0` and underscores allowed) or 2..=36.
pub(crate) fn parse_int(s: &str, base: u32) -> Result<i64, IntError> {
    let (neg, body) = match s.as_bytes().first() {
        Some(b'-') => (true, &s[1..]),
        Some(b'+') => (false, &s[1..]),
        _ => (false, s),
    };
    let mag = parse_uint(body, base)?;
    let limit = 1u64 << 63;
    if !neg && mag >= limit {
        return Err(IntError::Range(i64::MAX));
    }
    if neg && mag > limit {
        return Err(IntError::Range(i64::MIN));
    }
    if neg {
        Ok((mag as i64).wrapping_neg())
    } else {
        Ok(mag as i64)
    }
}

fn parse_uint(s: &str, base: u32) -> Result<u64, IntError> {
    if s.is_empty() {
        return Err(IntError::Syntax);
    }
    let b = s.as_bytes();
    let (digits, base, base0) = if base == 0 {
        if b[0] == b'0' && b.len() >= 3 && matches!(b[1] | 0x20, b'x' | b'o' | b'b') {
            let base = match b[1] | 0x20 {
                b'x' => 16,
                b'o' => 8,
                _ => 2,
            };
            (&s[2..], base, true)
        } else if b[0] == b'0' {
            (&s[1..], 8, true)
        } else {
            (s, 10, true)
        }
    } else {
        (s, base, false)
    };
    let mut n: u64 = 0;
    let mut overflow = false;
    let mut underscores = false;
    for c in digits.chars() {
        if c == '_' && base0 {
            underscores = true;
            continue;
        }
        let d = match c.to_digit(36) {
            Some(d) if d < base => d as u64,
            _ => return Err(IntError::Syntax),
        };
        match n.checked_mul(base as u64).and_then(|x| x.checked_add(d)) {
            Some(x) => n = x,
            None => overflow = true,
        }
    }
    if underscores && !underscore_ok(s) {
        return Err(IntError::Syntax);
    }
    if overflow {
        return Err(IntError::Range(0));
    }
    Ok(n)
}

/// Go's `strconv.Atoi` result as Sprig's `atoi` sees it (errors ignored, so a
/// syntax error gives 0 and an out-of-range value gives the clamped bound).
pub(crate) fn atoi(s: &str) -> i64 {
    match parse_int(s, 10) {
        Ok(v) => v,
        Err(IntError::Syntax) => 0,
        Err(IntError::Range(v)) => {
            // parse_uint reports overflow as Range(0); recover the sign.
            if v != 0 {
                v
            } else if s.starts_with('-') {
                i64::MIN
            } else {
                i64::MAX
            }
        }
    }
}

/// Go's `strconv.ParseFloat(s, 64)`, `None` on a syntax or range error.
pub(crate) fn parse_float(s: &str) -> Option<f64> {
    let (neg, body) = match s.as_bytes().first() {
        Some(b'-') => (true, &s[1..]),
        Some(b'+') => (false, &s[1..]),
        _ => (false, s),
    };
    let lower = body.to_ascii_lowercase();
    let special = match lower.as_str() {
        "inf" | "infinity" => Some(f64::INFINITY),
        "nan" => Some(f64::NAN),
        _ => None,
    };
    if let Some(v) = special {
        return Some(if neg { -v } else { v });
    }
    if body.contains('_') && !underscore_ok(s) {
        return None;
    }
    let clean: String = body.chars().filter(|&c| c != '_').collect();
    let v = if clean.len() > 2 && clean[..2].eq_ignore_ascii_case("0x") {
        parse_hex_float(&clean[2..])?
    } else {
        if !clean
            .bytes()
            .all(|c| c.is_ascii_digit() || matches!(c, b'.' | b'e' | b'E' | b'+' | b'-'))
        {
            return None;
        }
        clean.parse::<f64>().ok()?
    };
    if v.is_infinite() {
        return None;
    }
    Some(if neg { -v } else { v })
}

/// Hex float mantissa and mandatory binary exponent (`1.8p3`). Precision past
/// 16 hex digits is truncated rather than rounded (Go rounds).
fn parse_hex_float(s: &str) -> Option<f64> {
    let (mant, exp) = s.split_once(['p', 'P'])?;
    let exp: i32 = exp.parse().ok()?;
    let (int, frac) = mant.split_once('.').unwrap_or((mant, ""));
    if int.is_empty() && frac.is_empty() {
        return None;
    }
    let mut m: u64 = 0;
    let mut shift: i32 = 0;
    let mut used = 0;
    for (i, c) in int.chars().chain(frac.chars()).enumerate() {
        let d = c.to_digit(16)? as u64;
        let in_frac = i >= int.len();
        if used < 16 {
            m = m * 16 + d;
            used += 1;
            if in_frac {
                shift -= 4;
            }
        } else if !in_frac {
            shift += 4;
        }
    }
    Some(m as f64 * 2f64.powi(exp.saturating_add(shift)))
}

/// Go's `int64(f)` on amd64: truncation, with NaN and out-of-range values
/// giving the "integer indefinite" value.
pub(crate) fn float_to_int(f: f64) -> i64 {
    const TWO_63: f64 = 9_223_372_036_854_775_808.0;
    if f.is_nan() || !(-TWO_63..TWO_63).contains(&f) {
        i64::MIN
    } else {
        f as i64
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parse_int_base0_like_go() {
        assert_eq!(parse_int("0x1F", 0), Ok(31));
        assert_eq!(parse_int("012", 0), Ok(10));
        assert_eq!(parse_int("0o17", 0), Ok(15));
        assert_eq!(parse_int("0b101", 0), Ok(5));
        assert_eq!(parse_int("1_000", 0), Ok(1000));
        assert_eq!(parse_int("-0x10", 0), Ok(-16));
        assert_eq!(parse_int("1__0", 0), Err(IntError::Syntax));
        assert_eq!(parse_int("_1", 0), Err(IntError::Syntax));
        assert_eq!(parse_int("1_000", 10), Err(IntError::Syntax));
        assert_eq!(parse_int(" 5", 0), Err(IntError::Syntax));
        assert_eq!(parse_int("", 0), Err(IntError::Syntax));
        assert_eq!(parse_int("0", 0), Ok(0));
        assert_eq!(parse_int("0x", 0), Err(IntError::Syntax));
        assert_eq!(parse_int("9223372036854775807", 0), Ok(i64::MAX));
        assert_eq!(parse_int("-9223372036854775808", 0), Ok(i64::MIN));
        assert!(matches!(
            parse_int("9223372036854775808", 0),
            Err(IntError::Range(_))
        ));
        assert_eq!(atoi("99999999999999999999"), i64::MAX);
        assert_eq!(atoi("-99999999999999999999"), i64::MIN);
    }

    #[test]
    fn parse_float_like_go() {
        assert_eq!(parse_float("1_000.5"), Some(1000.5));
        assert_eq!(parse_float("0x1p-2"), Some(0.25));
        assert_eq!(parse_float("0x1.8p1"), Some(3.0));
        assert_eq!(parse_float("0x10"), None);
        assert_eq!(parse_float("1e400"), None);
        assert_eq!(parse_float(" 1"), None);
        assert_eq!(parse_float("1e"), None);
        assert_eq!(parse_float("-Infinity"), Some(f64::NEG_INFINITY));
        assert_eq!(parse_float(".5"), Some(0.5));
        assert_eq!(parse_float("5."), Some(5.0));
    }

    #[test]
    fn simple_case_mapping() {
        assert_eq!(upper("héllo ß ǆ"), "HÉLLO ß Ǆ");
        assert_eq!(lower("HÉLLO İ"), "héllo i");
        assert_eq!(upper("ᾳ ŉ ﬀ"), "ᾼ ŉ ﬀ");
        assert_eq!(lower("ǅ Ω"), "ǆ ω");
        assert_eq!(to_title('ǆ'), 'ǅ');
    }
}

/// Test support: call `name` from a family with already-typed arguments and
/// print the result as `{{ }}` would (`%v`), or `ERR: message`.
#[cfg(test)]
pub(crate) fn call(specs: &[crate::func::FuncSpec], name: &str, args: &[Value]) -> String {
    let spec = specs
        .iter()
        .find(|s| s.name == name)
        .unwrap_or_else(|| panic!("no {name}"));
    let n = spec.params.len();
    assert!(
        args.len() == n || (spec.variadic.is_some() && args.len() >= n),
        "arity of {name}"
    );
    match (spec.call)(args) {
        Ok(v) => sprint(&v),
        Err(e) => format!("ERR: {e}"),
    }
}

/// Test support: shorthand constructors for typed arguments.
#[cfg(test)]
pub(crate) mod t {
    use crate::value::{MapInner, Value};
    pub fn s(x: &str) -> Value {
        Value::str(x)
    }
    pub fn i(x: i64) -> Value {
        Value::Int(x)
    }
    pub fn i64(x: i64) -> Value {
        Value::Int64(x)
    }
    pub fn f(x: f64) -> Value {
        Value::Float(x)
    }
    pub fn b(x: bool) -> Value {
        Value::Bool(x)
    }
    pub fn nil() -> Value {
        Value::Nil
    }
    pub fn l(v: Vec<Value>) -> Value {
        Value::list(v)
    }
    pub fn m(v: Vec<(&str, Value)>) -> Value {
        Value::map(
            v.into_iter()
                .map(|(k, x)| (k.to_string(), x))
                .collect::<MapInner>(),
        )
    }
}
