//! Template functions: Sprig's string family (Sprig v3.3.0 with goutils
//! v1.1.1 and xstrings v1.5.0, as Helm 4.3.1 links them).
//!
//! Several goutils helpers work on bytes, not runes (`nospace`, `initials`,
//! `abbrev`, `wrap`), and `substr`/`trunc` slice bytes. Go keeps whatever bytes
//! result; our strings must be UTF-8, so a cut through a multi-byte character
//! becomes U+FFFD (see [`text::lossy`]). Byte-wise rune conversions reproduce
//! Go's Latin-1 mojibake exactly.

use std::rc::Rc;

use super::text::{
    self, arg, arg_int, arg_str, is_letter, is_lower, is_space, is_title, is_upper, lossy, strval,
    to_lower, to_title, to_upper,
};
use crate::func::{FuncError, FuncSpec, Param};
use crate::value::{MapInner, Value};

use Param::{Any, Int, String as Str};

type R = Result<Value, FuncError>;

pub fn funcs() -> Vec<FuncSpec> {
    vec![
        FuncSpec::new("trim", &[Str], |a| Ok(arg_str(a, 0)?.trim().into())),
        FuncSpec::new("trimAll", &[Str, Str], trim_all),
        FuncSpec::new("trimall", &[Str, Str], trim_all),
        FuncSpec::new("trimPrefix", &[Str, Str], |a| {
            let (p, s) = (arg_str(a, 0)?, arg_str(a, 1)?);
            Ok(s.strip_prefix(p).unwrap_or(s).into())
        }),
        FuncSpec::new("trimSuffix", &[Str, Str], |a| {
            let (p, s) = (arg_str(a, 0)?, arg_str(a, 1)?);
            Ok(s.strip_suffix(p).unwrap_or(s).into())
        }),
        FuncSpec::new("upper", &[Str], |a| Ok(text::upper(arg_str(a, 0)?).into())),
        FuncSpec::new("lower", &[Str], |a| Ok(text::lower(arg_str(a, 0)?).into())),
        FuncSpec::new("title", &[Str], |a| Ok(title(arg_str(a, 0)?).into())),
        FuncSpec::new("untitle", &[Str], |a| Ok(untitle(arg_str(a, 0)?).into())),
        FuncSpec::new("repeat", &[Int, Str], |a| {
            repeat(arg_str(a, 1)?, arg_int(a, 0)?)
        }),
        FuncSpec::new("substr", &[Int, Int, Str], substr),
        FuncSpec::new("nospace", &[Str], |a| Ok(nospace(arg_str(a, 0)?).into())),
        FuncSpec::new("trunc", &[Int, Str], trunc),
        FuncSpec::new("abbrev", &[Int, Str], |a| {
            let (w, s) = (arg_int(a, 0)?, arg_str(a, 1)?);
            if w < 4 {
                return Ok(s.into());
            }
            Ok(lossy(&abbreviate_full(s.as_bytes(), 0, w).unwrap_or_default()).into())
        }),
        FuncSpec::new("abbrevboth", &[Int, Int, Str], |a| {
            let (l, r, s) = (arg_int(a, 0)?, arg_int(a, 1)?, arg_str(a, 2)?);
            if r < 4 || l > 0 && r < 7 {
                return Ok(s.into());
            }
            Ok(lossy(&abbreviate_full(s.as_bytes(), l, r).unwrap_or_default()).into())
        }),
        FuncSpec::new("initials", &[Str], |a| Ok(initials(arg_str(a, 0)?).into())),
        FuncSpec::new("wrap", &[Int, Str], |a| {
            Ok(wrap_custom(arg_str(a, 1)?, arg_int(a, 0)?, "", false).into())
        }),
        FuncSpec::new("wrapWith", &[Int, Str, Str], |a| {
            Ok(wrap_custom(arg_str(a, 2)?, arg_int(a, 0)?, arg_str(a, 1)?, true).into())
        }),
        FuncSpec::new("contains", &[Str, Str], |a| {
            Ok(arg_str(a, 1)?.contains(arg_str(a, 0)?).into())
        }),
        FuncSpec::new("hasPrefix", &[Str, Str], |a| {
            Ok(arg_str(a, 1)?.starts_with(arg_str(a, 0)?).into())
        }),
        FuncSpec::new("hasSuffix", &[Str, Str], |a| {
            Ok(arg_str(a, 1)?.ends_with(arg_str(a, 0)?).into())
        }),
        FuncSpec::variadic("quote", &[], Any, |a| {
            let parts: Vec<String> = a
                .iter()
                .filter(|v| !v.is_nil())
                .map(|v| text::go_quote(&strval(v)))
                .collect();
            Ok(parts.join(" ").into())
        }),
        FuncSpec::variadic("squote", &[], Any, |a| {
            let parts: Vec<String> = a
                .iter()
                .filter(|v| !v.is_nil())
                .map(|v| format!("'{}'", text::sprint(v)))
                .collect();
            Ok(parts.join(" ").into())
        }),
        FuncSpec::variadic("cat", &[], Any, |a| {
            let parts: Vec<String> = a.iter().filter(|v| !v.is_nil()).map(text::sprint).collect();
            Ok(parts.join(" ").into())
        }),
        FuncSpec::new("indent", &[Int, Str], |a| {
            indent(arg_int(a, 0)?, arg_str(a, 1)?)
        }),
        FuncSpec::new("nindent", &[Int, Str], |a| {
            let s = indent(arg_int(a, 0)?, arg_str(a, 1)?)?;
            Ok(format!("\n{}", s.as_str().unwrap_or_default()).into())
        }),
        FuncSpec::new("replace", &[Str, Str, Str], |a| {
            let (old, new, src) = (arg_str(a, 0)?, arg_str(a, 1)?, arg_str(a, 2)?);
            Ok(src.replace(old, new).into())
        }),
        FuncSpec::new("plural", &[Str, Str, Int], |a| {
            let (one, many) = (arg_str(a, 0)?, arg_str(a, 1)?);
            Ok(if arg_int(a, 2)? == 1 { one } else { many }.into())
        }),
        FuncSpec::new("snakecase", &[Str], |a| {
            Ok(to_lower_case(arg_str(a, 0)?, '_').into())
        }),
        FuncSpec::new("kebabcase", &[Str], |a| {
            Ok(to_lower_case(arg_str(a, 0)?, '-').into())
        }),
        FuncSpec::new("camelcase", &[Str], |a| {
            Ok(pascal_case(arg_str(a, 0)?).into())
        }),
        FuncSpec::new("swapcase", &[Str], |a| Ok(swap_case(arg_str(a, 0)?).into())),
        FuncSpec::new("join", &[Str, Any], |a| {
            Ok(strslice(arg(a, 1)).join(arg_str(a, 0)?).into())
        }),
        FuncSpec::new("split", &[Str, Str], |a| {
            Ok(indexed(go_split(arg_str(a, 1)?, arg_str(a, 0)?, -1)))
        }),
        FuncSpec::new("splitList", &[Str, Str], |a| {
            Ok(strings(go_split(arg_str(a, 1)?, arg_str(a, 0)?, -1)))
        }),
        FuncSpec::new("splitn", &[Str, Int, Str], |a| {
            Ok(indexed(go_split(
                arg_str(a, 2)?,
                arg_str(a, 0)?,
                arg_int(a, 1)?,
            )))
        }),
        FuncSpec::new("toStrings", &[Any], |a| {
            Ok(strings(
                strslice(arg(a, 0)).into_iter().map(Rc::from).collect(),
            ))
        }),
    ]
}

fn trim_all(a: &[Value]) -> R {
    let (cut, s) = (arg_str(a, 0)?, arg_str(a, 1)?);
    Ok(s.trim_matches(|c| cut.contains(c)).into())
}

fn strings(parts: Vec<Rc<str>>) -> Value {
    Value::list(parts.into_iter().map(Value::String).collect())
}

/// Sprig's `split`/`splitn` result: `map[string]string{"_0": …}`.
fn indexed(parts: Vec<Rc<str>>) -> Value {
    let m: MapInner = parts
        .into_iter()
        .enumerate()
        .map(|(i, p)| (format!("_{i}"), Value::String(p)))
        .collect();
    Value::map(m)
}

/// Go's `strings.SplitN(s, sep, n)` (`n < 0`: no limit).
fn go_split(s: &str, sep: &str, n: i64) -> Vec<Rc<str>> {
    if n == 0 {
        return Vec::new();
    }
    if sep.is_empty() {
        // Explode into UTF-8 sequences; the last one holds the rest.
        let mut out = Vec::new();
        let mut rest = s;
        while let Some(c) = rest.chars().next() {
            if n > 0 && out.len() as i64 == n - 1 {
                break;
            }
            out.push(Rc::from(&rest[..c.len_utf8()]));
            rest = &rest[c.len_utf8()..];
        }
        if !rest.is_empty() {
            out.push(Rc::from(rest));
        }
        return out;
    }
    if n < 0 {
        s.split(sep).map(Rc::from).collect()
    } else {
        s.splitn(usize::try_from(n).unwrap_or(usize::MAX), sep)
            .map(Rc::from)
            .collect()
    }
}

/// Sprig's `strslice`: a list's non-nil elements through `strval`; nil is
/// empty; anything else is a one-element list.
pub(crate) fn strslice(v: &Value) -> Vec<String> {
    let list = match v {
        Value::Nil => return Vec::new(),
        Value::List(l) => Some(l.clone()),
        Value::Object(o) => match o.as_data() {
            Some(Value::List(l)) => Some(l),
            _ => None,
        },
        _ => None,
    };
    match list {
        Some(l) => l.iter().filter(|e| !e.is_nil()).map(strval).collect(),
        None => vec![strval(v)],
    }
}

/// Go's `strings.Title`: the first letter of each word to title case.
fn title(s: &str) -> String {
    let is_sep = |c: char| -> bool {
        if c.is_ascii() {
            return !(c.is_ascii_alphanumeric() || c == '_');
        }
        is_space(c)
    };
    let mut prev = ' ';
    s.chars()
        .map(|c| {
            let out = if is_sep(prev) { to_title(c) } else { c };
            prev = c;
            out
        })
        .collect()
}

/// goutils `Uncapitalize`: lower-case the first rune of each space-separated word.
fn untitle(s: &str) -> String {
    let mut next = true;
    s.chars()
        .map(|c| {
            if is_space(c) {
                next = true;
                c
            } else if next {
                next = false;
                to_lower(c)
            } else {
                c
            }
        })
        .collect()
}

/// goutils `SwapCase`.
fn swap_case(s: &str) -> String {
    let mut ws = true;
    s.chars()
        .map(|c| {
            if is_upper(c) || is_title(c) {
                ws = false;
                to_lower(c)
            } else if is_lower(c) {
                if ws {
                    ws = false;
                    to_title(c)
                } else {
                    to_upper(c)
                }
            } else {
                ws = is_space(c);
                c
            }
        })
        .collect()
}

/// Largest string `repeat`/`indent` will build; Go would try to allocate
/// more, a WebAssembly guest cannot.
const MAX_REPEAT_BYTES: usize = 1 << 28;

fn repeat(s: &str, count: i64) -> R {
    if count < 0 {
        return Err(FuncError::new("strings: negative Repeat count"));
    }
    let count = usize::try_from(count).unwrap_or(usize::MAX);
    match s.len().checked_mul(count) {
        None => Err(FuncError::new("strings: Repeat output length overflow")),
        Some(n) if n > MAX_REPEAT_BYTES => Err(FuncError::new(
            "strings: Repeat output too large for this engine",
        )),
        Some(_) => Ok(s.repeat(count).into()),
    }
}

fn indent(spaces: i64, s: &str) -> R {
    let pad = repeat(" ", spaces)?;
    let pad = pad.as_str().unwrap_or_default();
    let mut out = String::with_capacity(s.len() + pad.len());
    out.push_str(pad);
    for (i, line) in s.split('\n').enumerate() {
        if i > 0 {
            out.push('\n');
            out.push_str(pad);
        }
        out.push_str(line);
    }
    Ok(out.into())
}

fn slice_err(msg: String) -> FuncError {
    FuncError::new(format!("runtime error: slice bounds out of range {msg}"))
}

/// Sprig's `substring`: byte offsets, with Go's slice panics as errors.
fn substr(a: &[Value]) -> R {
    let (start, end, s) = (arg_int(a, 0)?, arg_int(a, 1)?, arg_str(a, 2)?);
    let b = s.as_bytes();
    let len = b.len() as i64;
    let out = if start < 0 {
        if end < 0 {
            return Err(slice_err(format!("[:{end}]")));
        }
        if end > len {
            return Err(slice_err(format!("[:{end}] with length {len}")));
        }
        &b[..end as usize]
    } else if end < 0 || end > len {
        if start > len {
            return Err(slice_err(format!("[{start}:{len}]")));
        }
        &b[start as usize..]
    } else {
        if start > end {
            return Err(slice_err(format!("[{start}:{end}]")));
        }
        &b[start as usize..end as usize]
    };
    Ok(lossy(out).into())
}

/// Sprig's `trunc`: the first `c` bytes, or for negative `c` the last `-c`.
fn trunc(a: &[Value]) -> R {
    let (c, s) = (arg_int(a, 0)?, arg_str(a, 1)?);
    let b = s.as_bytes();
    let len = b.len() as i64;
    if c < 0 && len + c > 0 {
        return Ok(lossy(&b[(len + c) as usize..]).into());
    }
    if c >= 0 && len > c {
        return Ok(lossy(&b[..c as usize]).into());
    }
    Ok(s.into())
}

/// goutils `DeleteWhiteSpace`: byte-wise, so multi-byte text comes back as
/// Latin-1 mojibake when anything was removed (as in Go).
fn nospace(s: &str) -> String {
    let b = s.as_bytes();
    let kept: Vec<u8> = b
        .iter()
        .copied()
        .filter(|&c| !is_space(c as char))
        .collect();
    if kept.len() == b.len() {
        s.to_string()
    } else {
        text::latin1(&kept)
    }
}

/// goutils `Initials`: byte-wise, like `nospace`.
fn initials(s: &str) -> String {
    let mut out = Vec::new();
    let mut gap = true;
    for &c in s.as_bytes() {
        if is_space(c as char) {
            gap = true;
        } else if gap {
            out.push(c);
            gap = false;
        }
    }
    text::latin1(&out)
}

/// goutils `AbbreviateFull` on bytes; `None` where it returns an error.
fn abbreviate_full(s: &[u8], offset: i64, max: i64) -> Option<Vec<u8>> {
    if s.is_empty() {
        return Some(Vec::new());
    }
    if max < 4 {
        return None;
    }
    let len = s.len() as i64;
    if len <= max {
        return Some(s.to_vec());
    }
    let mut offset = offset.min(len);
    if len - offset < max - 3 {
        offset = len - (max - 3);
    }
    let marker = b"...";
    if offset <= 4 {
        let mut out = s[..(max - 3) as usize].to_vec();
        out.extend_from_slice(marker);
        return Some(out);
    }
    if max < 7 {
        return None;
    }
    let mut out = marker.to_vec();
    if offset + max - 3 < len {
        out.extend(abbreviate_full(&s[offset as usize..], 0, max - 3).unwrap_or_default());
    } else {
        out.extend_from_slice(&s[(len - (max - 3)) as usize..]);
    }
    Some(out)
}

/// goutils `WrapCustom` (byte-based; a long word cut by `wrapWith` may split
/// a multi-byte character).
fn wrap_custom(s: &str, width: i64, newline: &str, wrap_long: bool) -> String {
    if s.is_empty() {
        return String::new();
    }
    let newline = if newline.is_empty() { "\n" } else { newline };
    let width = usize::try_from(width.max(1)).unwrap_or(usize::MAX);
    let b = s.as_bytes();
    let len = b.len();
    let mut offset = 0usize;
    let mut out: Vec<u8> = Vec::with_capacity(len);
    while len - offset > width {
        if b[offset] == b' ' {
            offset += 1;
            continue;
        }
        let end = width + offset + 1;
        let space = b[offset..end].iter().rposition(|&c| c == b' ');
        if let Some(i) = space {
            out.extend_from_slice(&b[offset..offset + i]);
            out.extend_from_slice(newline.as_bytes());
            offset += i + 1;
        } else if wrap_long {
            out.extend_from_slice(&b[offset..offset + width]);
            out.extend_from_slice(newline.as_bytes());
            offset += width;
        } else {
            let end = width + offset;
            match b[end..].iter().position(|&c| c == b' ') {
                None => {
                    out.extend_from_slice(&b[offset..]);
                    offset = len;
                }
                Some(i) => {
                    out.extend_from_slice(&b[offset..end + i]);
                    out.extend_from_slice(newline.as_bytes());
                    offset = end + i + 1;
                }
            }
        }
    }
    out.extend_from_slice(&b[offset..]);
    lossy(&out)
}

/// xstrings' connector: `-`, `_` or white space.
fn is_connector(c: char) -> bool {
    c == '-' || c == '_' || is_space(c)
}

/// Go's `unicode.IsPunct` (category P). Exact for ASCII; approximate beyond.
fn is_punct(c: char) -> bool {
    if c.is_ascii() {
        return c.is_ascii_punctuation() && !"$+<=>^`|~".contains(c);
    }
    matches!(c as u32,
        0xA1 | 0xA7 | 0xAB | 0xB6 | 0xB7 | 0xBB | 0xBF | 0x37E | 0x387
        | 0x55A..=0x55F | 0x589..=0x58A | 0x5BE | 0x5C0 | 0x5C3 | 0x5C6 | 0x5F3..=0x5F4
        | 0x609..=0x60A | 0x60C..=0x60D | 0x61B | 0x61D..=0x61F | 0x66A..=0x66D | 0x6D4
        | 0x964..=0x965 | 0x970 | 0xE4F | 0xE5A..=0xE5B | 0x10FB
        | 0x2010..=0x2027 | 0x2030..=0x2043 | 0x2045..=0x2051 | 0x2053..=0x205E
        | 0x207D..=0x207E | 0x208D..=0x208E | 0x2308..=0x230B | 0x2329..=0x232A
        | 0x2768..=0x2775 | 0x27C5..=0x27C6 | 0x27E6..=0x27EF | 0x2983..=0x2998
        | 0x29D8..=0x29DB | 0x29FC..=0x29FD | 0x2CF9..=0x2CFC | 0x2CFE..=0x2CFF
        | 0x2E00..=0x2E2E | 0x2E30..=0x2E4F | 0x2E52..=0x2E5D | 0x3001..=0x3003
        | 0x3008..=0x3011 | 0x3014..=0x301F | 0x3030 | 0x303D | 0x30A0 | 0x30FB
        | 0xFE10..=0xFE19 | 0xFE30..=0xFE52 | 0xFE54..=0xFE61 | 0xFE63 | 0xFE68
        | 0xFE6A..=0xFE6B | 0xFF01..=0xFF03 | 0xFF05..=0xFF0A | 0xFF0C..=0xFF0F
        | 0xFF1A..=0xFF1B | 0xFF1F..=0xFF20 | 0xFF3B..=0xFF3D | 0xFF3F | 0xFF5B
        | 0xFF5D | 0xFF5F..=0xFF65)
}

/// xstrings' "alphabet": a letter that is not a CJK ideograph.
fn is_alphabet(c: char) -> bool {
    if !is_letter(c) {
        return false;
    }
    let u = c as u32;
    !(u >= 0x3400
        && ((0x4E00..=0x9FCC).contains(&u)
            || (0x3400..=0x4D85).contains(&u)
            || (0x20000..=0x2B81D).contains(&u)))
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Word {
    Invalid,
    Number,
    Upper,
    Alphabet,
    Connector,
    Punct,
    Other,
}

/// xstrings `nextWord`: the type and text of the next word, and the rest.
fn next_word(s: &str) -> (Word, &str, &str) {
    let mut it = s.char_indices().peekable();
    let Some((_, first)) = it.next() else {
        return (Word::Invalid, "", "");
    };
    // Byte offset just past the word, grown as characters are accepted.
    let mut end = first.len_utf8();
    let take_while = |end: &mut usize, pred: &dyn Fn(char) -> bool| {
        for (i, c) in s[*end..].char_indices() {
            if !pred(c) {
                *end += i;
                return;
            }
        }
        *end = s.len();
    };
    let wt = if is_connector(first) {
        take_while(&mut end, &is_connector);
        Word::Connector
    } else if is_punct(first) {
        take_while(&mut end, &is_punct);
        Word::Punct
    } else if is_upper(first) {
        if let Some(second) = s[end..].chars().next() {
            if is_upper(second) {
                // A run of capitals; the last one starts the next word when a
                // lower-case letter follows it ("HTTPServer" -> "HTTP", "Server").
                let mut last_start = end;
                let mut pos = end;
                let mut next_char = None;
                for (i, c) in s[end..].char_indices() {
                    if !is_upper(c) {
                        next_char = Some(c);
                        break;
                    }
                    last_start = end + i;
                    pos = end + i + c.len_utf8();
                }
                end = pos;
                if let Some(c) = next_char
                    && is_alphabet(c)
                {
                    end = last_start;
                }
            } else if is_alphabet(second) {
                end += second.len_utf8();
                take_while(&mut end, &|c| is_alphabet(c) && !is_upper(c));
            }
        }
        Word::Upper
    } else if is_alphabet(first) {
        take_while(&mut end, &|c| is_alphabet(c) && !is_upper(c));
        Word::Alphabet
    } else if first.is_numeric() {
        take_while(&mut end, &|c: char| c.is_numeric());
        Word::Number
    } else {
        take_while(&mut end, &|c: char| {
            !(is_connector(c) || is_alphabet(c) || c.is_numeric() || is_punct(c))
        });
        Word::Other
    };
    (wt, &s[..end], &s[end..])
}

/// xstrings `toLower` for one word.
fn push_lower(out: &mut String, wt: Word, word: &str, connector: char) {
    if wt != Word::Upper && wt != Word::Connector {
        out.push_str(word);
        return;
    }
    for c in word.chars() {
        if is_connector(c) {
            out.push(connector);
        } else if is_upper(c) {
            out.push(to_lower(c));
        } else {
            out.push(c);
        }
    }
}

/// xstrings `camelCaseToLowerCase` (`snakecase`, `kebabcase`).
fn to_lower_case(s: &str, connector: char) -> String {
    if s.is_empty() {
        return String::new();
    }
    let mut out = String::with_capacity(s.len() + 8);
    let (mut wt, mut word, mut rest) = next_word(s);
    while !rest.is_empty() {
        if wt != Word::Connector {
            push_lower(&mut out, wt, word, connector);
        }
        let prev = wt;
        let last = word;
        (wt, word, rest) = next_word(rest);
        match prev {
            Word::Number => {
                while wt == Word::Alphabet || wt == Word::Number {
                    push_lower(&mut out, wt, word, connector);
                    (wt, word, rest) = next_word(rest);
                }
                if !matches!(wt, Word::Invalid | Word::Punct | Word::Connector) {
                    out.push(connector);
                }
            }
            Word::Connector => push_lower(&mut out, prev, last, connector),
            Word::Punct => {}
            _ => {
                if wt != Word::Number {
                    if wt != Word::Connector && wt != Word::Punct {
                        out.push(connector);
                    }
                    continue;
                }
                if rest.is_empty() {
                    continue;
                }
                let num = word;
                (wt, word, rest) = next_word(rest);
                if wt != Word::Alphabet {
                    push_lower(&mut out, Word::Number, num, connector);
                    if wt != Word::Connector && wt != Word::Punct {
                        out.push(connector);
                    }
                    continue;
                }
                out.push(connector);
                push_lower(&mut out, Word::Number, num, connector);
                while wt == Word::Alphabet || wt == Word::Number {
                    push_lower(&mut out, wt, word, connector);
                    (wt, word, rest) = next_word(rest);
                }
                if !matches!(wt, Word::Invalid | Word::Connector | Word::Punct) {
                    out.push(connector);
                }
            }
        }
    }
    push_lower(&mut out, wt, word, connector);
    out
}

/// xstrings `ToPascalCase` (Sprig's `camelcase`).
fn pascal_case(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars();
    let mut r0 = None;
    let mut first_upper = false;
    for c in chars.by_ref() {
        if !is_connector(c) {
            first_upper = is_upper(c);
            r0 = Some(to_upper(c));
            break;
        }
        out.push(c);
        r0 = Some(c);
    }
    let Some(mut r0) = r0 else {
        return out;
    };
    let rest = chars.as_str();
    if rest.is_empty() {
        // xstrings writes the last rune again here, so "_" becomes "__".
        out.push(r0);
        return out;
    }
    for c in rest.chars() {
        let r1 = r0;
        r0 = c;
        if is_connector(r0) && is_connector(r1) {
            out.push(r1);
            continue;
        }
        if is_connector(r1) {
            first_upper = is_upper(r0);
            r0 = to_upper(r0);
        } else {
            if first_upper {
                if is_upper(r0) {
                    r0 = to_lower(r0);
                } else {
                    first_upper = false;
                }
            }
            out.push(r1);
        }
    }
    out.push(r0);
    out
}

#[cfg(test)]
mod tests;
