//! Numbers as jsonschema handles them: exact decimals (it compares
//! `big.Rat`s made from each number's text), and the way its messages print
//! them through golang.org/x/text's English printer (`123,456`,
//! `1.5×10⁻⁰⁵`).

use std::cmp::Ordering;

/// A finite decimal: `±digits × 10^exp`, with the text it was read from.
#[derive(Clone, Debug)]
pub struct Num {
    /// The literal as written (Go's `json.Number`), shown by `enum`/`const`.
    pub lit: String,
    neg: bool,
    /// Significant digits, no leading or trailing zeros; empty for zero.
    digits: Vec<u8>,
    exp: i64,
}

impl PartialEq for Num {
    fn eq(&self, other: &Num) -> bool {
        self.cmp_value(other) == Ordering::Equal
    }
}

impl Num {
    /// Reads a JSON number (or the `%v` text of a Go number).
    pub fn parse(text: &str) -> Option<Num> {
        let (neg, rest) = match text.strip_prefix('-') {
            Some(r) => (true, r),
            None => (false, text.strip_prefix('+').unwrap_or(text)),
        };
        let (mantissa, e) = match rest.find(['e', 'E']) {
            Some(i) => (&rest[..i], rest[i + 1..].parse::<i64>().ok()?),
            None => (rest, 0),
        };
        let (int, frac) = mantissa.split_once('.').unwrap_or((mantissa, ""));
        if int.is_empty() && frac.is_empty() {
            return None;
        }
        if !int.bytes().chain(frac.bytes()).all(|b| b.is_ascii_digit()) {
            return None;
        }
        let mut digits: Vec<u8> = int.bytes().chain(frac.bytes()).map(|b| b - b'0').collect();
        let mut exp = e.checked_sub(frac.len() as i64)?;
        let lead = digits.iter().take_while(|d| **d == 0).count();
        digits.drain(..lead);
        while digits.last() == Some(&0) {
            digits.pop();
            exp += 1;
        }
        if digits.is_empty() {
            exp = 0;
        }
        Some(Num {
            lit: text.to_string(),
            neg: neg && !digits.is_empty(),
            digits,
            exp,
        })
    }

    pub fn from_i64(i: i64) -> Num {
        Num::parse(&i.to_string()).expect("integer text")
    }

    /// A float64 value, read from its `%v` text as jsonschema does.
    pub fn from_f64(f: f64) -> Num {
        let text = whelm_template::num::format_float(f, 'g', -1);
        Num::parse(&text).unwrap_or_else(|| Num {
            lit: text,
            neg: false,
            digits: Vec::new(),
            exp: 0,
        })
    }

    pub fn is_zero(&self) -> bool {
        self.digits.is_empty()
    }

    pub fn is_negative(&self) -> bool {
        self.neg
    }

    pub fn is_integer(&self) -> bool {
        self.exp >= 0
    }

    /// The value as an `int`, when it is one (`intVal` of the compiler).
    pub fn as_int(&self) -> Option<i64> {
        if !self.is_integer() {
            return None;
        }
        let mut n: i64 = 0;
        for d in &self.digits {
            n = n.checked_mul(10)?.checked_add(*d as i64)?;
        }
        for _ in 0..self.exp {
            n = n.checked_mul(10)?;
        }
        Some(if self.neg { -n } else { n })
    }

    /// `big.Rat.Float64`: the nearest float64.
    pub fn to_f64(&self) -> f64 {
        if self.digits.is_empty() {
            return 0.0;
        }
        let digits: String = self.digits.iter().map(|d| (b'0' + d) as char).collect();
        let f: f64 = format!("{digits}e{}", self.exp)
            .parse()
            .unwrap_or(f64::INFINITY);
        if self.neg { -f } else { f }
    }

    /// Compares the exact values.
    pub fn cmp_value(&self, other: &Num) -> Ordering {
        match (self.neg, other.neg) {
            (false, true) => return Ordering::Greater,
            (true, false) => return Ordering::Less,
            _ => {}
        }
        let mag = self.cmp_magnitude(other);
        if self.neg { mag.reverse() } else { mag }
    }

    fn cmp_magnitude(&self, other: &Num) -> Ordering {
        match (self.digits.is_empty(), other.digits.is_empty()) {
            (true, true) => return Ordering::Equal,
            (true, false) => return Ordering::Less,
            (false, true) => return Ordering::Greater,
            _ => {}
        }
        // The power of ten of the leading digit decides first.
        let lead_a = self.digits.len() as i64 + self.exp;
        let lead_b = other.digits.len() as i64 + other.exp;
        lead_a
            .cmp(&lead_b)
            .then_with(|| self.digits.cmp(&other.digits))
    }

    /// Whether `self / by` is an integer (`by` is not zero).
    pub fn is_multiple_of(&self, by: &Num) -> bool {
        if self.digits.is_empty() {
            return true;
        }
        if by.digits.is_empty() {
            return false;
        }
        // self = A·10^p, by = B·10^q, A and B without trailing zeros. When
        // q > p, B·10^(q-p) is a multiple of 10 and A is not.
        if by.exp > self.exp {
            return false;
        }
        let k = (self.exp - by.exp) as u64;
        if by.digits.len() > 36 {
            let q = self.to_f64() / by.to_f64();
            return q.is_finite() && q == q.trunc();
        }
        let b: u128 = by.digits.iter().fold(0u128, |acc, d| acc * 10 + *d as u128);
        let mut r = self
            .digits
            .iter()
            .fold(0u128, |acc, d| (acc * 10 + *d as u128) % b);
        for _ in 0..k.min(1_000_000) {
            if r == 0 {
                break;
            }
            r = r * 10 % b;
        }
        r == 0
    }
}

/// An `int` as the x/text English printer writes `%d`: `1,234`.
pub fn fmt_int(i: i64) -> String {
    let s = i.unsigned_abs().to_string();
    let grouped = group(&s);
    if i < 0 {
        format!("-{grouped}")
    } else {
        grouped
    }
}

fn group(int: &str) -> String {
    let mut out = String::with_capacity(int.len() + int.len() / 3);
    for (i, c) in int.chars().enumerate() {
        if i > 0 && (int.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

fn superscript(exp: i64) -> String {
    const SUP: [char; 10] = ['⁰', '¹', '²', '³', '⁴', '⁵', '⁶', '⁷', '⁸', '⁹'];
    let mut out = String::new();
    if exp < 0 {
        out.push('⁻');
    }
    let digits = format!("{:02}", exp.unsigned_abs());
    out.extend(digits.bytes().map(|b| SUP[(b - b'0') as usize]));
    out
}

/// A float64 as the x/text English printer writes `%v`: Go's shortest
/// digits, in scientific form (`1.5×10⁻⁰⁵`) where `%v` would use an
/// exponent, else with the integer part grouped (`1,234.5`).
pub fn fmt_float(f: f64) -> String {
    if f.is_nan() {
        return "NaN".into();
    }
    if f.is_infinite() {
        return if f > 0.0 { "∞".into() } else { "-∞".into() };
    }
    let sign = if f.is_sign_negative() && f != 0.0 {
        "-"
    } else {
        ""
    };
    // Rust's `{:e}` gives the shortest round-tripping digits, as Go's.
    let e = format!("{:e}", f.abs());
    let (mant, exp) = e.split_once('e').expect("exponent form");
    let exp: i64 = exp.parse().expect("exponent");
    let digits: String = mant.chars().filter(|c| *c != '.').collect();
    if !(-4..6).contains(&exp) {
        return format!("{sign}{mant}×10{}", superscript(exp));
    }
    let (int, frac) = if exp < 0 {
        (
            "0".to_string(),
            format!("{}{digits}", "0".repeat((-exp - 1) as usize)),
        )
    } else {
        let point = exp as usize + 1;
        if digits.len() <= point {
            (
                format!("{digits}{}", "0".repeat(point - digits.len())),
                String::new(),
            )
        } else {
            (digits[..point].to_string(), digits[point..].to_string())
        }
    };
    if frac.is_empty() {
        format!("{sign}{}", group(&int))
    } else {
        format!("{sign}{}.{frac}", group(&int))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn n(s: &str) -> Num {
        Num::parse(s).unwrap()
    }

    #[test]
    fn printer_formatting() {
        // Recorded from helm 4.3.1's schema messages (minimum: got …).
        for (f, want) in [
            (123456.0, "123,456"),
            (1234567.0, "1.234567×10⁰⁶"),
            (1234.5678, "1,234.5678"),
            (0.30000000000000004, "0.30000000000000004"),
            (-1234567.5, "-1.2345675×10⁰⁶"),
            (-0.001, "-0.001"),
            (999999.9, "999,999.9"),
            (0.000123456, "0.000123456"),
            (100.0, "100"),
            (-5.0, "-5"),
            (1e5, "100,000"),
            (-123456.25, "-123,456.25"),
            (1.5e-5, "1.5×10⁻⁰⁵"),
            (1e30, "1×10³⁰"),
            (1.25e100, "1.25×10¹⁰⁰"),
            (12345678901234567890.0, "1.2345678901234567×10¹⁹"),
        ] {
            assert_eq!(fmt_float(f), want, "{f}");
        }
        assert_eq!(fmt_int(20000), "20,000");
        assert_eq!(fmt_int(-1234567), "-1,234,567");
        assert_eq!(fmt_int(999), "999");
    }

    #[test]
    fn exact_arithmetic() {
        assert!(n("0.3").is_multiple_of(&n("0.1")));
        assert!(!n("0.35").is_multiple_of(&n("0.1")));
        assert!(!n("1e30").is_multiple_of(&n("7e2")));
        assert!(n("1e30").is_multiple_of(&n("2.5e2")));
        assert!(!n("123456").is_multiple_of(&n("7")));
        assert!(n("123459").is_multiple_of(&n("7")));
        assert!(n("10").is_multiple_of(&n("2.5")));
        assert!(n("0").is_multiple_of(&n("3")));
        assert_eq!(n("1.50").cmp_value(&n("1.5")), Ordering::Equal);
        assert_eq!(n("-2").cmp_value(&n("-10")), Ordering::Greater);
        assert_eq!(n("0.001").cmp_value(&n("1e-3")), Ordering::Equal);
        assert_eq!(n("99").cmp_value(&n("100")), Ordering::Less);
        assert!(n("1.0").is_integer() && !n("1.5").is_integer());
        assert_eq!(n("2e3").as_int(), Some(2000));
        assert_eq!(n("1e22").to_f64(), 1e22);
    }
}
