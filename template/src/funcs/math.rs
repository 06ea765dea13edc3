//! Template functions: Sprig's arithmetic (`add`, `mul`, `addf`, `round`, …),
//! `until`/`untilStep`/`seq` and `toDecimal`.
//!
//! Sprig converts every operand with spf13/cast (`cast.ToInt64`,
//! `cast.ToFloat64`), silently turning anything unconvertible into 0; the
//! integer functions return Go `int64`, the float ones `float64`. The float
//! functions `addf`, `subf`, `mulf`, `divf`, `add1f` go through
//! shopspring/decimal: each operand becomes the exact decimal of its shortest
//! representation, the operation is exact (division rounds to 16 decimal
//! places, half away from zero), and the result is rounded back to float64.
//!
//! The cast helpers here (`to_int64`, `to_float64`) are `pub(crate)`: the lead
//! will unify them with the ones behind `int`/`int64`/`float64` in conv.rs.

use crate::func::{FuncError, FuncSpec, Param};
use crate::value::Value;

/// Longest list `until`/`untilStep`/`seq` will build. Go would try to allocate
/// whatever is asked and die; we report an error instead.
const MAX_SEQ_LEN: usize = 1_000_000;

// ---------------------------------------------------------------------------
// spf13/cast v1.7.0 conversions

/// Go's `int64(f)` on amd64 (CVTTSD2SQ): truncation, with NaN and
/// out-of-range values all giving the "integer indefinite" value i64::MIN.
pub(crate) fn go_f64_to_i64(f: f64) -> i64 {
    const TWO_63: f64 = 9_223_372_036_854_775_808.0;
    if !(-TWO_63..TWO_63).contains(&f) {
        i64::MIN
    } else {
        f as i64
    }
}

fn lower(b: u8) -> u8 {
    b.to_ascii_lowercase()
}

/// Go strconv's `underscoreOK`: underscores only between digits (a base
/// prefix counts as a digit).
fn underscore_ok(s: &[u8]) -> bool {
    let mut s = s;
    if let Some((&c, rest)) = s.split_first()
        && (c == b'-' || c == b'+')
    {
        s = rest;
    }
    let mut saw = b'^';
    let mut i = 0;
    let mut hex = false;
    if s.len() >= 2 && s[0] == b'0' && matches!(lower(s[1]), b'b' | b'o' | b'x') {
        i = 2;
        saw = b'0';
        hex = lower(s[1]) == b'x';
    }
    while i < s.len() {
        let c = s[i];
        i += 1;
        if c.is_ascii_digit() || hex && (b'a'..=b'f').contains(&lower(c)) {
            saw = b'0';
            continue;
        }
        if c == b'_' {
            if saw != b'0' {
                return false;
            }
            saw = b'_';
            continue;
        }
        if saw == b'_' {
            return false;
        }
        saw = b'!';
    }
    saw != b'_'
}

/// Go's `strconv.ParseInt(s, 0, 64)`; `None` on any error.
pub(crate) fn go_parse_int_base0(s: &str) -> Option<i64> {
    let b = s.as_bytes();
    if b.is_empty() {
        return None;
    }
    let (neg, body) = match b[0] {
        b'+' => (false, &b[1..]),
        b'-' => (true, &b[1..]),
        _ => (false, b),
    };
    if body.is_empty() {
        return None;
    }
    let (base, digits, prefixed): (u64, &[u8], bool) = if body[0] == b'0' {
        if body.len() >= 3 && lower(body[1]) == b'b' {
            (2, &body[2..], true)
        } else if body.len() >= 3 && lower(body[1]) == b'o' {
            (8, &body[2..], true)
        } else if body.len() >= 3 && lower(body[1]) == b'x' {
            (16, &body[2..], true)
        } else {
            (8, &body[1..], true)
        }
    } else {
        (10, body, false)
    };
    let _ = prefixed;
    let mut n: u64 = 0;
    let mut underscores = false;
    for &c in digits {
        let d = match c {
            b'_' => {
                underscores = true;
                continue;
            }
            b'0'..=b'9' => (c - b'0') as u64,
            b'a'..=b'z' => (c - b'a' + 10) as u64,
            b'A'..=b'Z' => (c - b'A' + 10) as u64,
            _ => return None,
        };
        if d >= base {
            return None;
        }
        n = n.checked_mul(base)?.checked_add(d)?;
    }
    if underscores && !underscore_ok(b) {
        return None;
    }
    if neg {
        if n > 1u64 << 63 {
            return None;
        }
        Some((n as i64).wrapping_neg())
    } else {
        if n >= 1u64 << 63 {
            return None;
        }
        Some(n as i64)
    }
}

/// cast's `trimZeroDecimal`: "12.000" → "12" (only an all-zero fraction).
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

/// Go's `strconv.ParseFloat(s, 64)`; `None` on any error (including range
/// errors, for which Go returns ±Inf together with an error).
pub(crate) fn go_parse_float(s: &str) -> Option<f64> {
    let t = s.strip_prefix(['+', '-']).unwrap_or(s);
    let special = t.eq_ignore_ascii_case("inf") || t.eq_ignore_ascii_case("infinity");
    if t.eq_ignore_ascii_case("nan") {
        return if t.len() == s.len() {
            Some(f64::NAN)
        } else {
            None
        };
    }
    if special {
        return s.parse::<f64>().ok();
    }
    // Rust accepts exactly Go's decimal syntax apart from the specials above.
    if !t
        .bytes()
        .all(|c| c.is_ascii_digit() || matches!(c, b'.' | b'e' | b'E' | b'+' | b'-'))
    {
        return None;
    }
    let f = s.parse::<f64>().ok()?;
    if f.is_infinite() { None } else { Some(f) }
}

/// `cast.ToInt64` (errors become 0, as Sprig ignores them).
pub(crate) fn to_int64(v: &Value) -> i64 {
    match v {
        Value::Nil => 0,
        Value::Bool(b) => *b as i64,
        Value::Int(i) | Value::Int64(i) => *i,
        Value::Float(f) => go_f64_to_i64(*f),
        Value::String(s) => go_parse_int_base0(trim_zero_decimal(s)).unwrap_or(0),
        Value::List(_) | Value::Map(_) | Value::Object(_) => 0,
    }
}

/// `cast.ToInt` (same as `ToInt64` on 64-bit platforms).
pub(crate) fn to_int(v: &Value) -> i64 {
    to_int64(v)
}

/// `cast.ToFloat64` (errors become 0).
pub(crate) fn to_float64(v: &Value) -> f64 {
    match v {
        Value::Nil => 0.0,
        Value::Bool(b) => *b as i64 as f64,
        Value::Int(i) | Value::Int64(i) => *i as f64,
        Value::Float(f) => *f,
        Value::String(s) => go_parse_float(s).unwrap_or(0.0),
        Value::List(_) | Value::Map(_) | Value::Object(_) => 0.0,
    }
}

// ---------------------------------------------------------------------------
// Go's math.Pow for an integral exponent (used by `round`).

fn frexp(x: f64) -> (f64, i32) {
    if x == 0.0 || x.is_nan() || x.is_infinite() {
        return (x, 0);
    }
    let (mut x, mut e) = (x, 0);
    if x.abs() < f64::MIN_POSITIVE {
        x *= (1u64 << 52) as f64;
        e = -52;
    }
    let bits = x.to_bits();
    e += ((bits >> 52) & 0x7ff) as i32 - 1022;
    let frac = f64::from_bits((bits & !(0x7ffu64 << 52)) | (1022u64 << 52));
    (frac, e)
}

fn ldexp(frac: f64, exp: i64) -> f64 {
    if frac == 0.0 || frac.is_nan() || frac.is_infinite() {
        return frac;
    }
    let mut x = frac;
    let mut e = exp.clamp(-10_000, 10_000);
    while e > 1000 {
        x *= 2f64.powi(1000);
        e -= 1000;
    }
    while e < -1000 {
        x *= 2f64.powi(-1000);
        e += 1000;
    }
    x * 2f64.powi(e as i32)
}

/// `math.Pow(x, y)` for integral `y`, following Go's algorithm (repeated
/// squaring on the mantissa), so results match bit for bit.
fn go_pow_int(x: f64, y: i64) -> f64 {
    if y == 0 || x == 1.0 {
        return 1.0;
    }
    if y == 1 {
        return x;
    }
    if x.is_nan() {
        return f64::NAN;
    }
    if x == 0.0 || x.is_infinite() {
        return x.powf(y as f64);
    }
    let mut a1 = 1.0f64;
    let mut ae: i64 = 0;
    let (mut x1, xe0) = frexp(x);
    let mut xe = xe0 as i64;
    let mut i = y.unsigned_abs();
    while i != 0 {
        if !(-(1 << 12)..=(1 << 12)).contains(&xe) {
            ae += xe;
            break;
        }
        if i & 1 == 1 {
            a1 *= x1;
            ae += xe;
        }
        x1 *= x1;
        xe <<= 1;
        if x1 < 0.5 {
            x1 += x1;
            xe -= 1;
        }
        i >>= 1;
    }
    if y < 0 {
        a1 = 1.0 / a1;
        ae = -ae;
    }
    ldexp(a1, ae)
}

// ---------------------------------------------------------------------------
// A minimal exact decimal (shopspring/decimal semantics for + - * /).

/// Unsigned big integer as little-endian decimal digits, without leading zeros.
#[derive(Clone, Debug, PartialEq, Eq)]
struct Big(Vec<u8>);

impl Big {
    fn trim(mut self) -> Self {
        while self.0.last() == Some(&0) {
            self.0.pop();
        }
        self
    }
    fn is_zero(&self) -> bool {
        self.0.is_empty()
    }
    fn shl10(&self, k: usize) -> Big {
        if self.is_zero() {
            return Big(Vec::new());
        }
        let mut v = vec![0u8; k];
        v.extend_from_slice(&self.0);
        Big(v)
    }
    fn cmp(&self, o: &Big) -> std::cmp::Ordering {
        self.0
            .len()
            .cmp(&o.0.len())
            .then_with(|| self.0.iter().rev().cmp(o.0.iter().rev()))
    }
    fn add(&self, o: &Big) -> Big {
        let n = self.0.len().max(o.0.len());
        let mut out = Vec::with_capacity(n + 1);
        let mut carry = 0u8;
        for i in 0..n {
            let s = self.0.get(i).copied().unwrap_or(0) + o.0.get(i).copied().unwrap_or(0) + carry;
            out.push(s % 10);
            carry = s / 10;
        }
        if carry > 0 {
            out.push(carry);
        }
        Big(out).trim()
    }
    /// `self - o`, requires `self >= o`.
    fn sub(&self, o: &Big) -> Big {
        let mut out = Vec::with_capacity(self.0.len());
        let mut borrow = 0i8;
        for i in 0..self.0.len() {
            let mut d = self.0[i] as i8 - o.0.get(i).copied().unwrap_or(0) as i8 - borrow;
            borrow = 0;
            if d < 0 {
                d += 10;
                borrow = 1;
            }
            out.push(d as u8);
        }
        Big(out).trim()
    }
    fn mul(&self, o: &Big) -> Big {
        if self.is_zero() || o.is_zero() {
            return Big(Vec::new());
        }
        let mut acc = vec![0u32; self.0.len() + o.0.len() + 1];
        for (i, &a) in self.0.iter().enumerate() {
            for (j, &b) in o.0.iter().enumerate() {
                acc[i + j] += a as u32 * b as u32;
            }
            // keep the accumulators small
            let mut carry = 0;
            for slot in acc.iter_mut() {
                let s = *slot + carry;
                *slot = s % 10;
                carry = s / 10;
            }
        }
        Big(acc.into_iter().map(|d| d as u8).collect()).trim()
    }
    /// Truncating division with remainder (`o` non-zero).
    fn divmod(&self, o: &Big) -> (Big, Big) {
        let mut q = vec![0u8; self.0.len()];
        let mut r = Big(Vec::new());
        for i in (0..self.0.len()).rev() {
            r = r.shl10(1).add(&Big(vec![self.0[i]]));
            let mut d = 0;
            while r.cmp(o) != std::cmp::Ordering::Less {
                r = r.sub(o);
                d += 1;
            }
            q[i] = d;
        }
        (Big(q).trim(), r)
    }
    fn to_digits(&self) -> String {
        if self.is_zero() {
            return "0".into();
        }
        self.0.iter().rev().map(|d| (b'0' + d) as char).collect()
    }
}

/// `(-1)^neg × mag × 10^exp`.
#[derive(Clone, Debug)]
struct Decimal {
    neg: bool,
    mag: Big,
    exp: i64,
}

impl Decimal {
    /// `decimal.NewFromFloat`: the exact value of the shortest decimal that
    /// round-trips to `f`.
    fn from_f64(f: f64) -> Result<Decimal, FuncError> {
        if f.is_nan() || f.is_infinite() {
            return Err(FuncError::new(format!(
                "Cannot create a Decimal from {}",
                crate::num::format_float(f, 'g', -1)
            )));
        }
        let s = format!("{:e}", f.abs());
        let (mant, exp) = s.split_once('e').unwrap_or((&s, "0"));
        let exp: i64 = exp.parse().unwrap_or(0);
        let digits: Vec<u8> = mant
            .bytes()
            .filter(u8::is_ascii_digit)
            .map(|c| c - b'0')
            .collect();
        let frac_len = mant.split_once('.').map(|(_, fr)| fr.len()).unwrap_or(0) as i64;
        let mag = Big(digits.into_iter().rev().collect()).trim();
        Ok(Decimal {
            neg: f < 0.0 && !mag.is_zero(),
            mag,
            exp: exp - frac_len,
        })
    }

    fn align(&self, o: &Decimal) -> (Big, Big, i64) {
        let e = self.exp.min(o.exp);
        (
            self.mag.shl10((self.exp - e) as usize),
            o.mag.shl10((o.exp - e) as usize),
            e,
        )
    }

    fn add(&self, o: &Decimal) -> Decimal {
        let (a, b, exp) = self.align(o);
        let (neg, mag) = if self.neg == o.neg {
            (self.neg, a.add(&b))
        } else if a.cmp(&b) != std::cmp::Ordering::Less {
            (self.neg, a.sub(&b))
        } else {
            (o.neg, b.sub(&a))
        };
        Decimal {
            neg: neg && !mag.is_zero(),
            mag,
            exp,
        }
    }

    fn neg(&self) -> Decimal {
        Decimal {
            neg: !self.neg && !self.mag.is_zero(),
            ..self.clone()
        }
    }

    fn mul(&self, o: &Decimal) -> Decimal {
        let mag = self.mag.mul(&o.mag);
        Decimal {
            neg: (self.neg != o.neg) && !mag.is_zero(),
            mag,
            exp: self.exp + o.exp,
        }
    }

    /// `Div`: `DivRound(o, 16)`, rounding half away from zero.
    fn div(&self, o: &Decimal) -> Result<Decimal, FuncError> {
        if o.mag.is_zero() {
            return Err(FuncError::new("decimal division by 0"));
        }
        const PREC: i64 = 16;
        let e = self.exp - o.exp + PREC;
        if e.unsigned_abs() > 100_000 {
            return Err(FuncError::new("overflow in decimal QuoRem"));
        }
        let (num, den) = if e >= 0 {
            (self.mag.shl10(e as usize), o.mag.clone())
        } else {
            (self.mag.clone(), o.mag.shl10((-e) as usize))
        };
        let (mut q, r) = num.divmod(&den);
        if r.add(&r).cmp(&den) != std::cmp::Ordering::Less {
            q = q.add(&Big(vec![1]));
        }
        Ok(Decimal {
            neg: (self.neg != o.neg) && !q.is_zero(),
            mag: q,
            exp: -PREC,
        })
    }

    /// `Float64()`: the nearest float64 (big.Rat rounding).
    fn to_f64(&self) -> f64 {
        if self.mag.is_zero() {
            return 0.0;
        }
        let s = format!(
            "{}{}e{}",
            if self.neg { "-" } else { "" },
            self.mag.to_digits(),
            self.exp
        );
        s.parse::<f64>().unwrap_or(0.0)
    }
}

/// Sprig's `execDecimalOp`.
fn decimal_op(
    first: &Value,
    rest: &[Value],
    op: fn(&Decimal, &Decimal) -> Result<Decimal, FuncError>,
) -> Result<Value, FuncError> {
    let mut acc = Decimal::from_f64(to_float64(first))?;
    for x in rest {
        let d = Decimal::from_f64(to_float64(x))?;
        acc = op(&acc, &d)?;
    }
    Ok(Value::Float(acc.to_f64()))
}

// ---------------------------------------------------------------------------
// The functions

fn add(a: &[Value]) -> Result<Value, FuncError> {
    Ok(Value::Int64(
        a.iter().fold(0i64, |s, v| s.wrapping_add(to_int64(v))),
    ))
}

fn add1(a: &[Value]) -> Result<Value, FuncError> {
    Ok(Value::Int64(to_int64(&a[0]).wrapping_add(1)))
}

fn sub(a: &[Value]) -> Result<Value, FuncError> {
    Ok(Value::Int64(to_int64(&a[0]).wrapping_sub(to_int64(&a[1]))))
}

fn div(a: &[Value]) -> Result<Value, FuncError> {
    let d = to_int64(&a[1]);
    if d == 0 {
        return Err(FuncError::new("runtime error: integer divide by zero"));
    }
    Ok(Value::Int64(to_int64(&a[0]).wrapping_div(d)))
}

fn modulo(a: &[Value]) -> Result<Value, FuncError> {
    let d = to_int64(&a[1]);
    if d == 0 {
        return Err(FuncError::new("runtime error: integer divide by zero"));
    }
    Ok(Value::Int64(to_int64(&a[0]).wrapping_rem(d)))
}

fn mul(a: &[Value]) -> Result<Value, FuncError> {
    let first = to_int64(&a[0]);
    Ok(Value::Int64(
        a[1..]
            .iter()
            .fold(first, |s, v| s.wrapping_mul(to_int64(v))),
    ))
}

fn max(a: &[Value]) -> Result<Value, FuncError> {
    Ok(Value::Int64(
        a[1..].iter().map(to_int64).fold(to_int64(&a[0]), i64::max),
    ))
}

fn min(a: &[Value]) -> Result<Value, FuncError> {
    Ok(Value::Int64(
        a[1..].iter().map(to_int64).fold(to_int64(&a[0]), i64::min),
    ))
}

/// Go's `math.Max`: NaN wins, and +0 beats -0.
fn go_max(x: f64, y: f64) -> f64 {
    if x.is_infinite() && x > 0.0 || y.is_infinite() && y > 0.0 {
        return f64::INFINITY;
    }
    if x.is_nan() || y.is_nan() {
        return f64::NAN;
    }
    if x == 0.0 && x == y {
        return if x.is_sign_negative() { y } else { x };
    }
    if x > y { x } else { y }
}

/// Go's `math.Min`: NaN wins, and -0 beats +0.
fn go_min(x: f64, y: f64) -> f64 {
    if x.is_infinite() && x < 0.0 || y.is_infinite() && y < 0.0 {
        return f64::NEG_INFINITY;
    }
    if x.is_nan() || y.is_nan() {
        return f64::NAN;
    }
    if x == 0.0 && x == y {
        return if x.is_sign_negative() { x } else { y };
    }
    if x < y { x } else { y }
}

fn maxf(a: &[Value]) -> Result<Value, FuncError> {
    Ok(Value::Float(
        a[1..]
            .iter()
            .map(to_float64)
            .fold(to_float64(&a[0]), go_max),
    ))
}

fn minf(a: &[Value]) -> Result<Value, FuncError> {
    Ok(Value::Float(
        a[1..]
            .iter()
            .map(to_float64)
            .fold(to_float64(&a[0]), go_min),
    ))
}

fn floor(a: &[Value]) -> Result<Value, FuncError> {
    Ok(Value::Float(to_float64(&a[0]).floor()))
}

fn ceil(a: &[Value]) -> Result<Value, FuncError> {
    Ok(Value::Float(to_float64(&a[0]).ceil()))
}

fn int_arg(v: &Value) -> i64 {
    match v {
        Value::Int(i) | Value::Int64(i) => *i,
        other => to_int64(other),
    }
}

fn round(a: &[Value]) -> Result<Value, FuncError> {
    let round_on = match a.get(2) {
        Some(v) => to_float64(v),
        None => 0.5,
    };
    let val = to_float64(&a[0]);
    let pow = go_pow_int(10.0, int_arg(&a[1]));
    let digit = pow * val;
    // math.Modf: the fraction keeps the sign; Modf(±Inf) has a NaN fraction.
    let frac = if digit.is_infinite() {
        f64::NAN
    } else {
        digit.fract()
    };
    let r = if frac >= round_on {
        digit.ceil()
    } else {
        digit.floor()
    };
    Ok(Value::Float(r / pow))
}

fn addf(a: &[Value]) -> Result<Value, FuncError> {
    decimal_op(&Value::Float(0.0), a, |x, y| Ok(x.add(y)))
}

fn add1f(a: &[Value]) -> Result<Value, FuncError> {
    decimal_op(&a[0], &[Value::Int(1)], |x, y| Ok(x.add(y)))
}

fn subf(a: &[Value]) -> Result<Value, FuncError> {
    decimal_op(&a[0], &a[1..], |x, y| Ok(x.add(&y.neg())))
}

fn mulf(a: &[Value]) -> Result<Value, FuncError> {
    decimal_op(&a[0], &a[1..], |x, y| Ok(x.mul(y)))
}

fn divf(a: &[Value]) -> Result<Value, FuncError> {
    decimal_op(&a[0], &a[1..], Decimal::div)
}

/// Sprig's `untilStep` on Go ints.
pub(crate) fn until_step(start: i64, stop: i64, step: i64) -> Result<Vec<i64>, FuncError> {
    let mut v = Vec::new();
    let too_long = || FuncError::new("runtime error: makeslice: len out of range");
    if stop < start {
        if step >= 0 {
            return Ok(v);
        }
        let mut i = start;
        while i > stop {
            if v.len() >= MAX_SEQ_LEN {
                return Err(too_long());
            }
            v.push(i);
            match i.checked_add(step) {
                Some(n) => i = n,
                None => break,
            }
        }
        return Ok(v);
    }
    if step <= 0 {
        return Ok(v);
    }
    let mut i = start;
    while i < stop {
        if v.len() >= MAX_SEQ_LEN {
            return Err(too_long());
        }
        v.push(i);
        match i.checked_add(step) {
            Some(n) => i = n,
            None => break,
        }
    }
    Ok(v)
}

fn ints(v: Vec<i64>) -> Value {
    Value::list(v.into_iter().map(Value::Int).collect())
}

fn until(a: &[Value]) -> Result<Value, FuncError> {
    let count = int_arg(&a[0]);
    let step = if count < 0 { -1 } else { 1 };
    Ok(ints(until_step(0, count, step)?))
}

fn until_step_fn(a: &[Value]) -> Result<Value, FuncError> {
    Ok(ints(until_step(
        int_arg(&a[0]),
        int_arg(&a[1]),
        int_arg(&a[2]),
    )?))
}

fn seq(a: &[Value]) -> Result<Value, FuncError> {
    let p: Vec<i64> = a.iter().map(int_arg).collect();
    let list = match p.len() {
        1 => {
            let (start, end) = (1, p[0]);
            let inc = if end < start { -1 } else { 1 };
            until_step(start, end.wrapping_add(inc), inc)?
        }
        2 => {
            let (start, end) = (p[0], p[1]);
            let step = if end < start { -1 } else { 1 };
            until_step(start, end.wrapping_add(step), step)?
        }
        3 => {
            let (start, step, end) = (p[0], p[1], p[2]);
            let mut inc = 1;
            if end < start {
                inc = -1;
                if step > 0 {
                    return Ok(Value::str(""));
                }
            }
            until_step(start, end.wrapping_add(inc), step)?
        }
        _ => return Ok(Value::str("")),
    };
    let s: Vec<String> = list.iter().map(i64::to_string).collect();
    Ok(Value::from(s.join(" ")))
}

fn to_decimal(a: &[Value]) -> Result<Value, FuncError> {
    let s = crate::funcs::lists::fmt_v(&a[0]);
    Ok(Value::Int64(go_parse_int_base8(&s).unwrap_or(0)))
}

/// Go's `strconv.ParseInt(s, 8, 64)`.
fn go_parse_int_base8(s: &str) -> Option<i64> {
    let b = s.as_bytes();
    let (neg, body) = match b.first() {
        Some(b'+') => (false, &b[1..]),
        Some(b'-') => (true, &b[1..]),
        _ => (false, b),
    };
    if body.is_empty() {
        return None;
    }
    let mut n: u64 = 0;
    for &c in body {
        if !(b'0'..=b'7').contains(&c) {
            return None;
        }
        n = n.checked_mul(8)?.checked_add((c - b'0') as u64)?;
    }
    if neg {
        if n > 1u64 << 63 {
            return None;
        }
        Some((n as i64).wrapping_neg())
    } else if n >= 1u64 << 63 {
        None
    } else {
        Some(n as i64)
    }
}

pub fn funcs() -> Vec<FuncSpec> {
    use Param::*;
    vec![
        FuncSpec::variadic("add", &[], Any, add),
        FuncSpec::new("add1", &[Any], add1),
        FuncSpec::new("sub", &[Any, Any], sub),
        FuncSpec::new("div", &[Any, Any], div),
        FuncSpec::new("mod", &[Any, Any], modulo),
        FuncSpec::variadic("mul", &[Any], Any, mul),
        FuncSpec::variadic("max", &[Any], Any, max),
        FuncSpec::variadic("biggest", &[Any], Any, max),
        FuncSpec::variadic("min", &[Any], Any, min),
        FuncSpec::variadic("maxf", &[Any], Any, maxf),
        FuncSpec::variadic("minf", &[Any], Any, minf),
        FuncSpec::new("floor", &[Any], floor),
        FuncSpec::new("ceil", &[Any], ceil),
        FuncSpec::variadic("round", &[Any, Int], Float64, round),
        FuncSpec::variadic("addf", &[], Any, addf),
        FuncSpec::new("add1f", &[Any], add1f),
        FuncSpec::variadic("subf", &[Any], Any, subf),
        FuncSpec::variadic("mulf", &[Any], Any, mulf),
        FuncSpec::variadic("divf", &[Any], Any, divf),
        FuncSpec::new("until", &[Int], until),
        FuncSpec::new("untilStep", &[Int, Int, Int], until_step_fn),
        FuncSpec::variadic("seq", &[], Int, seq),
        FuncSpec::new("toDecimal", &[Any], to_decimal),
    ]
}

#[cfg(test)]
mod tests {
    //! Expected strings are `helm template` 4.3.1 output for the template in
    //! each comment.

    use super::*;
    use crate::funcs::lists::tests::{call_in, f, i, l, s, show};

    fn call(name: &str, args: &[Value]) -> Result<Value, String> {
        call_in(&funcs(), name, args)
    }
    fn ok(name: &str, args: &[Value]) -> String {
        show(&call(name, args).unwrap())
    }
    fn err(name: &str, args: &[Value]) -> String {
        call(name, args).unwrap_err()
    }

    #[test]
    fn cast_to_int64() {
        // {{ add "3" 1.9 true nil "x" "0x10" "1.0" "1.5" "010" "0b11" "0o7" " 5" "1_000" "+4" "-2" }}
        let args: Vec<Value> = [
            s("3"),
            f(1.9),
            Value::Bool(true),
            Value::Nil,
            s("x"),
            s("0x10"),
            s("1.0"),
            s("1.5"),
            s("010"),
            s("0b11"),
            s("0o7"),
            s(" 5"),
            s("1_000"),
            s("+4"),
            s("-2"),
        ]
        .into();
        assert_eq!(ok("add", &args), "1042");
        assert_eq!(call("add", &[i(1), i(2)]).unwrap(), Value::Int64(3));
        assert_eq!(to_int64(&s("99999999999999999999")), 0);
        assert_eq!(to_int64(&s("12.000")), 12);
        assert_eq!(to_int64(&s("0.")), 0);
        assert_eq!(to_int64(&s("1__0")), 0);
        assert_eq!(to_int64(&s("-9223372036854775808")), i64::MIN);
        assert_eq!(to_float64(&s("1e400")), 0.0);
        assert!(to_float64(&s("nan")).is_nan());
        assert_eq!(to_float64(&s("-Inf")), f64::NEG_INFINITY);
        assert_eq!(to_float64(&s(".5")), 0.5);
    }

    #[test]
    fn integer_ops() {
        assert_eq!(ok("add", &[]), "0");
        assert_eq!(ok("add", &[i(1)]), "1");
        assert_eq!(ok("add", &[i(1), i(2), i(3)]), "6");
        assert_eq!(ok("add1", &[i(1)]), "2");
        assert_eq!(ok("add1", &[s("a")]), "1");
        assert_eq!(ok("add1", &[f(1.9)]), "2");
        assert_eq!(ok("add1", &[f(-1.9)]), "0");
        assert_eq!(ok("sub", &[i(5), i(3)]), "2");
        assert_eq!(ok("sub", &[i(3), f(5.5)]), "-2");
        assert_eq!(ok("mul", &[i(2), i(3), i(4)]), "24");
        assert_eq!(ok("mul", &[i(5)]), "5");
        assert_eq!(ok("div", &[i(7), i(2)]), "3");
        assert_eq!(ok("div", &[i(-7), i(2)]), "-3");
        assert_eq!(ok("mod", &[i(7), i(3)]), "1");
        assert_eq!(ok("mod", &[i(-7), i(3)]), "-1");
        assert_eq!(ok("add", &[i(1), f(2.5)]), "3");
        assert_eq!(ok("add", &[i(i64::MAX), i(1)]), "-9223372036854775808");
        assert_eq!(
            ok("mul", &[i(3037000500), i(3037000500)]),
            "-9223372036709301616"
        );
        assert_eq!(ok("add", &[f(1e30), i(0)]), "-9223372036854775808");
        assert_eq!(ok("add", &[f(-1e30), i(0)]), "-9223372036854775808");
        assert_eq!(ok("div", &[i(i64::MAX), i(-1)]), "-9223372036854775807");
        assert_eq!(ok("add", &[l(vec![i(1)]), i(2)]), "2");
        let zero = "runtime error: integer divide by zero";
        assert_eq!(err("div", &[i(1), i(0)]), zero);
        assert_eq!(err("mod", &[i(1), i(0)]), zero);
    }

    #[test]
    fn max_min() {
        assert_eq!(ok("max", &[i(1), i(5), i(3)]), "5");
        assert_eq!(ok("max", &[i(1)]), "1");
        assert_eq!(ok("biggest", &[i(2), i(9)]), "9");
        assert_eq!(ok("min", &[i(4), i(2), i(8)]), "2");
        assert_eq!(ok("min", &[s("3")]), "3");
        assert_eq!(ok("max", &[f(1.9), f(2.1)]), "2");
        assert_eq!(call("max", &[i(1)]).unwrap(), Value::Int64(1));
        assert_eq!(ok("maxf", &[i(1), f(2.5)]), "2.5");
        assert_eq!(ok("minf", &[i(1), f(2.5), f(-0.5)]), "-0.5");
        assert_eq!(ok("maxf", &[i(1)]), "1");
        assert_eq!(call("maxf", &[i(1)]).unwrap(), Value::Float(1.0));
        assert_eq!(ok("maxf", &[s("a")]), "0");
        assert_eq!(ok("minf", &[i(3), s("nan")]), "NaN");
        assert_eq!(ok("maxf", &[i(3), s("inf")]), "+Inf");
    }

    #[test]
    fn floor_ceil_round() {
        assert_eq!(ok("floor", &[f(1.7)]), "1");
        assert_eq!(ok("floor", &[f(-1.2)]), "-2");
        assert_eq!(ok("floor", &[f(-0.5)]), "-1");
        assert_eq!(ok("ceil", &[f(1.2)]), "2");
        assert_eq!(ok("ceil", &[s("2.1")]), "3");
        assert_eq!(call("ceil", &[i(1)]).unwrap(), Value::Float(1.0));
        assert_eq!(ok("floor", &[i(123456789)]), "1.23456789e+08");
        assert_eq!(ok("ceil", &[f(1e20)]), "1e+20");
        assert_eq!(ok("ceil", &[s("nan")]), "NaN");
        let cases: &[(&[Value], &str)] = &[
            (&[f(1.2345), i(2)], "1.23"),
            (&[f(1.235), i(2)], "1.24"),
            (&[f(1.5), i(0)], "2"),
            (&[f(2.5), i(0)], "3"),
            (&[f(-1.5), i(0)], "-2"),
            (&[f(1.24), i(1), f(0.3)], "1.3"),
            (&[f(1.22), i(1), f(0.3)], "1.2"),
            (&[s("3.14159"), i(3)], "3.142"),
            (&[f(1234.5), i(-2)], "1200"),
            (&[i(12), i(0)], "12"),
            (&[f(1.5), i(1), f(1.0), f(1.0)], "1.5"),
            (&[s("inf"), i(2)], "+Inf"),
            (&[f(1.005), i(2)], "1"),
            (&[f(-0.4), i(0)], "-1"),
            (&[f(2.675), i(2)], "2.68"),
        ];
        for (args, want) in cases {
            assert_eq!(ok("round", args), *want, "round {args:?}");
        }
    }

    #[test]
    fn decimal_float_ops() {
        let cases: &[(&str, &[Value], &str)] = &[
            ("addf", &[f(1.1), f(2.2)], "3.3"),
            ("addf", &[], "0"),
            ("addf", &[f(0.1), f(0.2)], "0.3"),
            ("add1f", &[f(0.1)], "1.1"),
            ("add1f", &[s("x")], "1"),
            ("subf", &[i(1), f(0.9)], "0.1"),
            ("subf", &[i(5)], "5"),
            ("mulf", &[f(1.1), i(3)], "3.3"),
            ("mulf", &[f(0.1), f(0.1)], "0.01"),
            ("divf", &[i(1), i(3)], "0.3333333333333333"),
            ("divf", &[i(10), i(4)], "2.5"),
            ("divf", &[i(2), i(3)], "0.6666666666666667"),
            ("divf", &[i(1), i(3), i(3)], "0.1111111111111111"),
            ("divf", &[f(1e-20), i(1)], "0"),
            ("divf", &[i(1), f(7e-17)], "1.4285714285714286e+16"),
            ("addf", &[f(1e300), f(1e-300)], "1e+300"),
            ("mulf", &[f(1e200), f(1e200)], "+Inf"),
            ("mulf", &[f(1e-200), f(1e-200)], "0"),
            ("subf", &[i(0), f(0.1)], "-0.1"),
            ("divf", &[i(-1), i(3)], "-0.3333333333333333"),
            ("divf", &[i(-2), i(3)], "-0.6666666666666667"),
            ("mulf", &[s("2"), s("3.5")], "7"),
            ("divf", &[i(100), i(3)], "33.333333333333336"),
            ("mulf", &[f(0.07), i(100)], "7"),
            ("divf", &[i(1), f(3e20)], "0"),
            ("mulf", &[f(1.5), Value::Int64(3)], "4.5"),
        ];
        for (name, args, want) in cases {
            assert_eq!(ok(name, args), *want, "{name} {args:?}");
        }
        assert!(matches!(
            call("mulf", &[i(1), i(1)]).unwrap(),
            Value::Float(_)
        ));
        assert_eq!(err("divf", &[i(1), i(0)]), "decimal division by 0");
        assert_eq!(err("divf", &[i(0), i(0)]), "decimal division by 0");
        assert_eq!(err("divf", &[i(1), s("0")]), "decimal division by 0");
        assert_eq!(err("divf", &[i(1), Value::Nil]), "decimal division by 0");
        assert_eq!(
            err("mulf", &[i(1), s("inf")]),
            "Cannot create a Decimal from +Inf"
        );
        assert_eq!(
            err("addf", &[i(1), s("nan")]),
            "Cannot create a Decimal from NaN"
        );
    }

    #[test]
    fn until_and_seq() {
        assert_eq!(ok("until", &[i(5)]), "[0 1 2 3 4]");
        assert_eq!(ok("until", &[i(0)]), "[]");
        assert_eq!(ok("until", &[i(-3)]), "[0 -1 -2]");
        assert!(
            matches!(&call("until", &[i(2)]).unwrap(), Value::List(v) if v[1] == Value::Int(1))
        );
        assert_eq!(ok("untilStep", &[i(0), i(10), i(3)]), "[0 3 6 9]");
        assert_eq!(ok("untilStep", &[i(10), i(0), i(-3)]), "[10 7 4 1]");
        assert_eq!(ok("untilStep", &[i(0), i(10), i(0)]), "[]");
        assert_eq!(ok("untilStep", &[i(10), i(0), i(3)]), "[]");
        assert_eq!(ok("untilStep", &[i(0), i(-10), i(-4)]), "[0 -4 -8]");
        assert!(call("untilStep", &[i(0), i(i64::MAX), i(1)]).is_err());
        let cases: &[(&[Value], &str)] = &[
            (&[i(5)], "1 2 3 4 5"),
            (&[i(0)], "1 0"),
            (&[i(-3)], "1 0 -1 -2 -3"),
            (&[i(2), i(5)], "2 3 4 5"),
            (&[i(5), i(2)], "5 4 3 2"),
            (&[i(0), i(2), i(10)], "0 2 4 6 8 10"),
            (&[i(10), i(-3), i(0)], "10 7 4 1"),
            (&[i(10), i(3), i(0)], ""),
            (&[], ""),
            (&[i(1), i(2), i(3), i(4)], ""),
            (&[i(0), i(0), i(5)], ""),
        ];
        for (args, want) in cases {
            assert_eq!(ok("seq", args), *want, "seq {args:?}");
        }
    }

    #[test]
    fn to_decimal() {
        assert_eq!(ok("toDecimal", &[s("0777")]), "511");
        assert_eq!(ok("toDecimal", &[i(777)]), "511");
        assert_eq!(ok("toDecimal", &[s("89")]), "0");
        assert_eq!(ok("toDecimal", &[f(1.5)]), "0");
        assert_eq!(call("toDecimal", &[i(1)]).unwrap(), Value::Int64(1));
    }

    #[test]
    fn go_pow_is_exact_for_small_powers() {
        assert_eq!(go_pow_int(10.0, 2), 100.0);
        assert_eq!(go_pow_int(10.0, -2), 0.01);
        assert_eq!(go_pow_int(10.0, 22), 1e22);
        assert_eq!(go_pow_int(10.0, 0), 1.0);
    }
}
