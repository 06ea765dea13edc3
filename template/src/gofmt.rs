//! Go's `fmt` as templates reach it: `print`, `println`, `printf` (and
//! Sprig's `printf`-based helpers). `%v` of every value kind comes from
//! `funcs::text::sprint`; this module adds verbs, flags, width, precision,
//! argument indexes and Go's error markers (`%!d(string=x)`, `%!v(MISSING)`,
//! `%!(EXTRA …)`).

use crate::funcs::text::{go_quote, sprint};
use crate::num::format_float;
use crate::value::Value;

/// `fmt.Sprint`: operands are separated by a space when neither side is a string.
pub fn sprint_all(args: &[Value]) -> String {
    let mut out = String::new();
    for (i, a) in args.iter().enumerate() {
        if i > 0 && !matches!(a, Value::String(_)) && !matches!(args[i - 1], Value::String(_)) {
            out.push(' ');
        }
        out.push_str(&sprint(a));
    }
    out
}

/// `fmt.Sprintln`: always a space between operands, and a newline.
pub fn sprintln(args: &[Value]) -> String {
    let mut s = args.iter().map(sprint).collect::<Vec<_>>().join(" ");
    s.push('\n');
    s
}

#[derive(Default, Clone, Copy)]
struct Spec {
    minus: bool,
    plus: bool,
    sharp: bool,
    zero: bool,
    space: bool,
    width: Option<usize>,
    prec: Option<usize>,
}

fn pad(spec: &Spec, body: String, numeric: bool) -> String {
    let Some(w) = spec.width else { return body };
    let len = body.chars().count();
    if len >= w {
        return body;
    }
    let fill = w - len;
    if spec.minus {
        format!("{body}{}", " ".repeat(fill))
    } else if spec.zero && numeric {
        // Zero padding goes after the sign.
        let (sign, digits) = match body.strip_prefix(['-', '+', ' ']) {
            Some(rest) => (&body[..1], rest.to_string()),
            None => ("", body.clone()),
        };
        format!("{sign}{}{digits}", "0".repeat(fill))
    } else {
        format!("{}{body}", " ".repeat(fill))
    }
}

fn bad_verb(verb: char, v: &Value) -> String {
    match v {
        Value::Nil => format!("%!{verb}(<nil>)"),
        _ => format!("%!{verb}({}={})", v.type_name(), sprint(v)),
    }
}

fn int_of(v: &Value) -> Option<i64> {
    match v {
        Value::Int(i) | Value::Int64(i) => Some(*i),
        _ => None,
    }
}

fn fmt_int(spec: &Spec, verb: char, i: i64) -> String {
    let neg = i < 0;
    let u = i.unsigned_abs();
    let mut digits = match verb {
        'd' | 'v' => u.to_string(),
        'x' => format!("{u:x}"),
        'X' => format!("{u:X}"),
        'o' | 'O' => format!("{u:o}"),
        'b' => format!("{u:b}"),
        _ => u.to_string(),
    };
    if let Some(p) = spec.prec
        && digits.len() < p
    {
        digits = format!("{}{digits}", "0".repeat(p - digits.len()));
    }
    let prefix = match (verb, spec.sharp) {
        ('x', true) => "0x",
        ('X', true) => "0X",
        ('o', true) => "0",
        ('O', _) => "0o",
        ('b', true) => "0b",
        _ => "",
    };
    let sign = if neg {
        "-"
    } else if spec.plus {
        "+"
    } else if spec.space {
        " "
    } else {
        ""
    };
    pad(spec, format!("{sign}{prefix}{digits}"), spec.prec.is_none())
}

fn fmt_float(spec: &Spec, verb: char, f: f64) -> String {
    let body = match verb {
        'e' | 'E' | 'f' | 'F' => format_float(
            f,
            if verb == 'F' { 'f' } else { verb },
            spec.prec.unwrap_or(6) as i32,
        ),
        'g' | 'G' => format_float(f, verb, spec.prec.map(|p| p as i32).unwrap_or(-1)),
        _ => format_float(f, 'g', spec.prec.map(|p| p as i32).unwrap_or(-1)),
    };
    let body = if spec.plus && !body.starts_with('-') && !body.starts_with('+') {
        format!("+{body}")
    } else if spec.space && !body.starts_with('-') {
        format!(" {body}")
    } else {
        body
    };
    pad(spec, body, f.is_finite())
}

fn truncate(s: &str, prec: Option<usize>) -> String {
    match prec {
        Some(p) => s.chars().take(p).collect(),
        None => s.to_string(),
    }
}

/// Formats one operand with one verb.
fn fmt_one(spec: &Spec, verb: char, v: &Value) -> String {
    match verb {
        'v' => match v {
            Value::Int(i) | Value::Int64(i) => fmt_int(spec, 'd', *i),
            Value::Float(f) => fmt_float(spec, 'g', *f),
            Value::String(s) => pad(spec, truncate(s, spec.prec), true),
            _ => pad(spec, sprint(v), false),
        },
        's' => match v {
            // Go pads strings with zeros too when asked (`%05s`).
            Value::String(s) => pad(spec, truncate(s, spec.prec), true),
            Value::Bool(_) | Value::Int(_) | Value::Int64(_) | Value::Float(_) | Value::Nil => {
                bad_verb('s', v)
            }
            Value::List(l) => {
                let inner: Vec<String> = l
                    .iter()
                    .map(|e| fmt_one(&Spec::default(), 's', e))
                    .collect();
                pad(spec, format!("[{}]", inner.join(" ")), false)
            }
            Value::Map(m) => {
                let inner: Vec<String> = m
                    .entries()
                    .iter()
                    .map(|(k, e)| format!("{k}:{}", fmt_one(&Spec::default(), 's', e)))
                    .collect();
                pad(spec, format!("map[{}]", inner.join(" ")), false)
            }
            Value::Object(o) => pad(spec, o.display(), false),
        },
        'q' => match v {
            Value::String(s) => pad(spec, go_quote(&truncate(s, spec.prec)), false),
            Value::Int(i) | Value::Int64(i) => match char::from_u32(*i as u32) {
                Some(c) => pad(
                    spec,
                    format!("'{}'", go_quote(&c.to_string()).trim_matches('"')),
                    false,
                ),
                None => bad_verb('q', v),
            },
            Value::List(l) => {
                let inner: Vec<String> = l
                    .iter()
                    .map(|e| fmt_one(&Spec::default(), 'q', e))
                    .collect();
                pad(spec, format!("[{}]", inner.join(" ")), false)
            }
            _ => bad_verb('q', v),
        },
        'd' | 'b' | 'o' | 'O' => match v {
            Value::Int(i) | Value::Int64(i) => fmt_int(spec, verb, *i),
            Value::List(l) => {
                let inner: Vec<String> = l
                    .iter()
                    .map(|e| fmt_one(&Spec::default(), verb, e))
                    .collect();
                pad(spec, format!("[{}]", inner.join(" ")), false)
            }
            _ => bad_verb(verb, v),
        },
        'x' | 'X' => match v {
            Value::Int(i) | Value::Int64(i) => fmt_int(spec, verb, *i),
            Value::String(s) => {
                let h: String = s
                    .bytes()
                    .map(|b| {
                        if verb == 'x' {
                            format!("{b:02x}")
                        } else {
                            format!("{b:02X}")
                        }
                    })
                    .collect();
                pad(spec, h, false)
            }
            _ => bad_verb(verb, v),
        },
        'c' => match int_of(v).and_then(|i| char::from_u32(i as u32)) {
            Some(c) => pad(spec, c.to_string(), false),
            None => bad_verb('c', v),
        },
        'U' => match int_of(v) {
            Some(i) => pad(spec, format!("U+{i:04X}"), false),
            None => bad_verb('U', v),
        },
        'e' | 'E' | 'f' | 'F' | 'g' | 'G' => match v {
            Value::Float(f) => fmt_float(spec, verb, *f),
            _ => bad_verb(verb, v),
        },
        't' => match v {
            Value::Bool(b) => pad(spec, b.to_string(), false),
            _ => bad_verb('t', v),
        },
        'T' => pad(spec, v.type_name(), false),
        _ => bad_verb(verb, v),
    }
}

/// `fmt.Sprintf`.
pub fn sprintf(format: &str, args: &[Value]) -> String {
    let mut out = String::new();
    let mut argi = 0usize;
    let mut reordered = false;
    let chars: Vec<char> = format.chars().collect();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if c != '%' {
            out.push(c);
            i += 1;
            continue;
        }
        i += 1;
        let mut spec = Spec::default();
        // Flags.
        while i < chars.len() {
            match chars[i] {
                '-' => spec.minus = true,
                '+' => spec.plus = true,
                '#' => spec.sharp = true,
                '0' => spec.zero = !spec.minus,
                ' ' => spec.space = true,
                _ => break,
            }
            i += 1;
        }
        // Argument index [n].
        let mut parse_index = |i: &mut usize, argi: &mut usize| {
            if *i < chars.len() && chars[*i] == '[' {
                let close = chars[*i..].iter().position(|&c| c == ']');
                if let Some(close) = close {
                    let n: String = chars[*i + 1..*i + close].iter().collect();
                    if let Ok(n) = n.parse::<usize>()
                        && n >= 1
                    {
                        *argi = n - 1;
                        reordered = true;
                    }
                    *i += close + 1;
                }
            }
        };
        parse_index(&mut i, &mut argi);
        // Width.
        if i < chars.len() && chars[i] == '*' {
            i += 1;
            if let Some(w) = args.get(argi).and_then(int_of) {
                if w < 0 {
                    spec.minus = true;
                }
                spec.width = Some(w.unsigned_abs() as usize);
            } else {
                out.push_str("%!(BADWIDTH)");
            }
            argi += 1;
        } else {
            let st = i;
            while i < chars.len() && chars[i].is_ascii_digit() {
                i += 1;
            }
            if i > st {
                spec.width = chars[st..i].iter().collect::<String>().parse().ok();
            }
        }
        // Precision.
        if i < chars.len() && chars[i] == '.' {
            i += 1;
            parse_index(&mut i, &mut argi);
            if i < chars.len() && chars[i] == '*' {
                i += 1;
                match args.get(argi).and_then(int_of) {
                    Some(p) if p >= 0 => spec.prec = Some(p as usize),
                    _ => out.push_str("%!(BADPREC)"),
                }
                argi += 1;
            } else {
                let st = i;
                while i < chars.len() && chars[i].is_ascii_digit() {
                    i += 1;
                }
                spec.prec = Some(chars[st..i].iter().collect::<String>().parse().unwrap_or(0));
            }
        }
        parse_index(&mut i, &mut argi);
        let Some(&verb) = chars.get(i) else {
            out.push_str("%!(NOVERB)");
            break;
        };
        i += 1;
        if verb == '%' {
            out.push('%');
            continue;
        }
        match args.get(argi) {
            Some(v) => out.push_str(&fmt_one(&spec, verb, v)),
            None => out.push_str(&format!("%!{verb}(MISSING)")),
        }
        argi += 1;
    }
    if !reordered && argi < args.len() {
        out.push_str("%!(EXTRA ");
        let extra: Vec<String> = args[argi..]
            .iter()
            .map(|v| match v {
                Value::Nil => "<nil>".to_string(),
                _ => format!("{}={}", v.type_name(), sprint(v)),
            })
            .collect();
        out.push_str(&extra.join(", "));
        out.push(')');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn s(x: &str) -> Value {
        Value::str(x)
    }

    // Expected strings are what helm 4.3.1 prints for the same printf calls.
    #[test]
    fn verbs_and_markers() {
        assert_eq!(sprintf("%s-%d", &[s("a"), Value::Int(3)]), "a-3");
        assert_eq!(sprintf("%d", &[s("x")]), "%!d(string=x)");
        assert_eq!(sprintf("%s", &[Value::Int(3)]), "%!s(int=3)");
        assert_eq!(sprintf("%v %v", &[Value::Float(1.5)]), "1.5 %!v(MISSING)");
        assert_eq!(
            sprintf("%v", &[Value::Int(1), s("x")]),
            "1%!(EXTRA string=x)"
        );
        assert_eq!(
            sprintf("%05d|%-4s|%4s", &[Value::Int(-42), s("ab"), s("ab")]),
            "-0042|ab  |  ab"
        );
        assert_eq!(
            sprintf(
                "%.2f %e %g",
                &[
                    Value::Float(12.3456),
                    Value::Float(1234.5),
                    Value::Float(1e6)
                ]
            ),
            "12.35 1.234500e+03 1e+06"
        );
        assert_eq!(
            sprintf(
                "%q %x %X %o %b",
                &[
                    s("a\"b"),
                    Value::Int(255),
                    s("hi"),
                    Value::Int(8),
                    Value::Int(5)
                ]
            ),
            "\"a\\\"b\" ff 6869 10 101"
        );
        assert_eq!(
            sprintf("%t %T %T", &[Value::Bool(true), Value::Float(1.0), s("")]),
            "true float64 string"
        );
        assert_eq!(sprintf("100%%", &[]), "100%");
        assert_eq!(sprintf("%[2]s %[1]s", &[s("a"), s("b")]), "b a");
        assert_eq!(sprintf("%s", &[Value::Nil]), "%!s(<nil>)");
        assert_eq!(sprintf("%v", &[Value::Nil]), "<nil>");
        assert_eq!(sprintf("%.3s", &[s("abcdef")]), "abc");
    }

    #[test]
    fn print_spacing() {
        assert_eq!(
            sprint_all(&[s("a"), Value::Int(1), Value::Int(2), s("b")]),
            "a1 2b"
        );
        assert_eq!(sprintln(&[s("a"), Value::Int(1)]), "a 1\n");
    }
}
