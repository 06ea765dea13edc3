//! Go's `strconv.FormatFloat` for 64-bit floats, which `%v`, `toString`,
//! yaml.v2 and friends build on.

/// Decimal digits of `|f|` and the position of the decimal point: the value is
/// `0.d1d2d3… × 10^dp`. Trailing zeros are trimmed (Go's `decimal.trim`).
fn digits(f: f64, sig: Option<usize>) -> (Vec<u8>, i32) {
    if f == 0.0 {
        return (Vec::new(), 0);
    }
    let s = match sig {
        None => format!("{:e}", f.abs()),
        Some(n) => format!("{:.*e}", n.saturating_sub(1), f.abs()),
    };
    let (mant, exp) = s.split_once('e').expect("rust exponent format");
    let exp: i32 = exp.parse().expect("rust exponent");
    let mut d: Vec<u8> = mant.bytes().filter(u8::is_ascii_digit).collect();
    while d.last() == Some(&b'0') {
        d.pop();
    }
    (d, exp + 1)
}

fn push_exp(out: &mut String, exp: i32) {
    out.push('e');
    out.push(if exp < 0 { '-' } else { '+' });
    let e = exp.unsigned_abs();
    if e < 10 {
        out.push('0');
    }
    out.push_str(&e.to_string());
}

fn fmt_e(neg: bool, d: &[u8], dp: i32, prec: usize) -> String {
    let mut out = String::new();
    if neg {
        out.push('-');
    }
    out.push(if d.is_empty() { '0' } else { d[0] as char });
    if prec > 0 {
        out.push('.');
        for i in 1..=prec {
            out.push(d.get(i).map(|&c| c as char).unwrap_or('0'));
        }
    }
    let exp = if d.is_empty() { 0 } else { dp - 1 };
    push_exp(&mut out, exp);
    out
}

fn fmt_f(neg: bool, d: &[u8], dp: i32, prec: usize) -> String {
    let mut out = String::new();
    if neg {
        out.push('-');
    }
    if dp > 0 {
        for i in 0..dp as usize {
            out.push(d.get(i).map(|&c| c as char).unwrap_or('0'));
        }
    } else {
        out.push('0');
    }
    if prec > 0 {
        out.push('.');
        for i in 0..prec as i32 {
            let j = dp + i;
            let c = if j < 0 {
                b'0'
            } else {
                *d.get(j as usize).unwrap_or(&b'0')
            };
            out.push(c as char);
        }
    }
    out
}

/// `strconv.FormatFloat(f, fmt, prec, 64)` for `fmt` in `b`, `e`, `E`, `f`, `g`,
/// `G`, `x`, `X`; `prec < 0` means the shortest representation that round-trips.
pub fn format_float(f: f64, fmt: char, prec: i32) -> String {
    if f.is_nan() {
        return "NaN".into();
    }
    if f.is_infinite() {
        return if f > 0.0 {
            "+Inf".into()
        } else {
            "-Inf".into()
        };
    }
    let neg = f.is_sign_negative();
    if matches!(fmt, 'b' | 'x' | 'X') {
        return fmt_binary(f, fmt, prec);
    }
    let shortest = prec < 0;
    let upper = fmt.is_ascii_uppercase();
    let out = match fmt.to_ascii_lowercase() {
        'e' => {
            let (d, dp) = digits(
                f,
                if shortest {
                    None
                } else {
                    Some(prec as usize + 1)
                },
            );
            let p = if shortest {
                d.len().saturating_sub(1)
            } else {
                prec as usize
            };
            fmt_e(neg, &d, dp, p)
        }
        'f' => {
            if shortest {
                let (d, dp) = digits(f, None);
                fmt_f(neg, &d, dp, (d.len() as i32 - dp).max(0) as usize)
            } else {
                let s = format!("{:.*}", prec as usize, f.abs());
                if neg { format!("-{s}") } else { s }
            }
        }
        _ => {
            // 'g'
            let p = if shortest {
                None
            } else if prec == 0 {
                Some(1)
            } else {
                Some(prec as usize)
            };
            let (d, dp) = digits(f, p);
            let mut eprec = p.unwrap_or(6) as i32;
            if eprec > d.len() as i32 && d.len() as i32 >= dp {
                eprec = d.len() as i32;
            }
            if shortest {
                eprec = 6;
            }
            let exp = dp - 1;
            if !d.is_empty() && (exp < -4 || exp >= eprec) {
                let ep = if shortest {
                    d.len().saturating_sub(1)
                } else {
                    p.unwrap() - 1
                };
                // %e drops trailing zeros for %g
                let ep = ep.min(d.len().saturating_sub(1));
                fmt_e(neg, &d, dp, ep)
            } else {
                let fp = (d.len() as i32 - dp).max(0);
                fmt_f(neg, &d, dp, fp as usize)
            }
        }
    };
    if upper { out.to_uppercase() } else { out }
}

/// The binary formats of a finite float: `b` (`-123p-45`, decimal mantissa
/// times a power of two) and `x`/`X` (`-0x1.8p+01`, hexadecimal mantissa with
/// `prec` hex digits after the point, all significant ones when negative).
fn fmt_binary(f: f64, fmt: char, prec: i32) -> String {
    let bits = f.to_bits();
    let neg = bits >> 63 != 0;
    let biased = ((bits >> 52) & 0x7ff) as i32;
    let mut mant = bits & ((1 << 52) - 1);
    let mut exp = if biased == 0 {
        // Denormal: no implicit leading bit.
        1 - 1023
    } else {
        mant |= 1 << 52;
        biased - 1023
    };
    let mut out = String::new();
    if neg {
        out.push('-');
    }
    if fmt == 'b' {
        let e = exp - 52;
        out.push_str(&format!("{mant}p{}{e}", if e >= 0 { "+" } else { "" }));
        return out;
    }
    if mant == 0 {
        exp = 0;
    }
    // Put the leading 1 (if any) at bit 60.
    mant <<= 8;
    while mant != 0 && mant & (1 << 60) == 0 {
        mant <<= 1;
        exp -= 1;
    }
    if (0..15).contains(&prec) {
        // Round to nearest, ties to even, keeping `prec` hex digits.
        let shift = (prec * 4) as u32;
        let extra = (mant << shift) & ((1 << 60) - 1);
        mant >>= 60 - shift;
        if extra | (mant & 1) > 1 << 59 {
            mant += 1;
        }
        mant <<= 60 - shift;
        if mant & (1 << 61) != 0 {
            mant >>= 1;
            exp += 1;
        }
    }
    let upper = fmt == 'X';
    let hex = |d: u64| {
        let c = char::from_digit(d as u32, 16).unwrap_or('0');
        if upper { c.to_ascii_uppercase() } else { c }
    };
    out.push('0');
    out.push(fmt);
    out.push(if (mant >> 60) & 1 == 1 { '1' } else { '0' });
    mant <<= 4;
    if prec < 0 && mant != 0 {
        out.push('.');
        while mant != 0 {
            out.push(hex((mant >> 60) & 15));
            mant <<= 4;
        }
    } else if prec > 0 {
        out.push('.');
        for _ in 0..prec {
            out.push(hex((mant >> 60) & 15));
            mant <<= 4;
        }
    }
    out.push(if upper { 'P' } else { 'p' });
    out.push(if exp < 0 { '-' } else { '+' });
    out.push_str(&format!("{:02}", exp.unsigned_abs()));
    out
}

#[cfg(test)]
mod tests {
    use super::format_float as ff;

    #[test]
    fn shortest_g_matches_go() {
        assert_eq!(ff(1e6, 'g', -1), "1e+06");
        assert_eq!(ff(123456.0, 'g', -1), "123456");
        assert_eq!(ff(1234567.0, 'g', -1), "1.234567e+06");
        assert_eq!(ff(0.0001, 'g', -1), "0.0001");
        assert_eq!(ff(0.00001, 'g', -1), "1e-05");
        assert_eq!(ff(-0.5, 'g', -1), "-0.5");
        assert_eq!(ff(0.0, 'g', -1), "0");
        assert_eq!(ff(3.0, 'g', -1), "3");
        assert_eq!(ff(1.5e300, 'g', -1), "1.5e+300");
        assert_eq!(ff(f64::NAN, 'g', -1), "NaN");
        assert_eq!(ff(f64::NEG_INFINITY, 'g', -1), "-Inf");
    }

    #[test]
    fn fixed_and_exponent() {
        assert_eq!(ff(12.3456, 'f', 2), "12.35");
        assert_eq!(ff(2.5, 'f', 0), "2");
        assert_eq!(ff(1e6, 'f', -1), "1000000");
        assert_eq!(ff(0.000123, 'f', -1), "0.000123");
        assert_eq!(ff(1234.5678, 'e', 3), "1.235e+03");
        assert_eq!(ff(1234.5678, 'e', -1), "1.2345678e+03");
        assert_eq!(ff(1.0, 'e', -1), "1e+00");
        assert_eq!(ff(1234.5678, 'g', 3), "1.23e+03");
        assert_eq!(ff(1.5, 'g', 5), "1.5");
        assert_eq!(ff(100.0, 'g', 3), "100");
    }
}
