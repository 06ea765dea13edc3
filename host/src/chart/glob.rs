//! Go's `path.Match` / `filepath.Match` (with `/` as the separator), used by
//! `.helmignore` rules and `--show-only`.

/// The error Go reports for a malformed pattern.
pub const BAD_PATTERN: &str = "syntax error in pattern";

#[derive(Debug, Clone)]
enum Tok {
    Lit(char),
    Any,
    Star,
    Class {
        negate: bool,
        ranges: Vec<(char, char)>,
    },
}

fn compile(pattern: &str) -> Result<Vec<Tok>, &'static str> {
    let cs: Vec<char> = pattern.chars().collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < cs.len() {
        match cs[i] {
            '*' => {
                out.push(Tok::Star);
                i += 1;
            }
            '?' => {
                out.push(Tok::Any);
                i += 1;
            }
            '\\' => {
                let c = *cs.get(i + 1).ok_or(BAD_PATTERN)?;
                out.push(Tok::Lit(c));
                i += 2;
            }
            '[' => {
                i += 1;
                let negate = cs.get(i) == Some(&'^');
                if negate {
                    i += 1;
                }
                let mut ranges = Vec::new();
                let mut first = true;
                loop {
                    let c = *cs.get(i).ok_or(BAD_PATTERN)?;
                    if c == ']' && !first {
                        i += 1;
                        break;
                    }
                    first = false;
                    let lo = class_char(&cs, &mut i)?;
                    let mut hi = lo;
                    if cs.get(i) == Some(&'-') {
                        i += 1;
                        hi = class_char(&cs, &mut i)?;
                        if hi < lo {
                            return Err(BAD_PATTERN);
                        }
                    }
                    ranges.push((lo, hi));
                }
                out.push(Tok::Class { negate, ranges });
            }
            c => {
                out.push(Tok::Lit(c));
                i += 1;
            }
        }
    }
    Ok(out)
}

fn class_char(cs: &[char], i: &mut usize) -> Result<char, &'static str> {
    let c = *cs.get(*i).ok_or(BAD_PATTERN)?;
    match c {
        '-' | ']' => Err(BAD_PATTERN),
        '\\' => {
            let c = *cs.get(*i + 1).ok_or(BAD_PATTERN)?;
            *i += 2;
            Ok(c)
        }
        c => {
            *i += 1;
            Ok(c)
        }
    }
}

fn matches(toks: &[Tok], name: &str) -> bool {
    match toks.first() {
        None => name.is_empty(),
        Some(Tok::Star) => {
            let rest = &toks[1..];
            for (k, c) in name.char_indices() {
                if matches(rest, &name[k..]) {
                    return true;
                }
                if c == '/' {
                    return false;
                }
            }
            matches(rest, "")
        }
        Some(t) => {
            let mut chars = name.chars();
            let Some(c) = chars.next() else {
                return false;
            };
            let ok = match t {
                Tok::Lit(l) => *l == c,
                Tok::Any => c != '/',
                Tok::Class { negate, ranges } => {
                    c != '/' && ranges.iter().any(|&(lo, hi)| lo <= c && c <= hi) != *negate
                }
                Tok::Star => unreachable!(),
            };
            ok && matches(&toks[1..], chars.as_str())
        }
    }
}

/// A pattern compiled once, for matching many names.
#[derive(Debug, Clone)]
pub struct Glob(Vec<Tok>);

impl Glob {
    pub fn new(pattern: &str) -> Result<Glob, &'static str> {
        compile(pattern).map(Glob)
    }

    /// `path.Match` of this pattern and `name`.
    pub fn is_match(&self, name: &str) -> bool {
        matches(&self.0, name)
    }
}

/// `path.Match(pattern, name)`: `*` and `?` never match `/`.
pub fn glob_match(pattern: &str, name: &str) -> Result<bool, &'static str> {
    Ok(Glob::new(pattern)?.is_match(name))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn go_match_cases() {
        assert_eq!(glob_match("abc", "abc"), Ok(true));
        assert_eq!(glob_match("*", "abc"), Ok(true));
        assert_eq!(glob_match("*c", "abc"), Ok(true));
        assert_eq!(glob_match("a*/b", "abc/b"), Ok(true));
        assert_eq!(glob_match("a*", "ab/c"), Ok(false));
        assert_eq!(glob_match("a*b*c*d*e*/f", "axbxcxdxe/f"), Ok(true));
        assert_eq!(glob_match("ab[c]", "abc"), Ok(true));
        assert_eq!(glob_match("ab[b-d]", "abc"), Ok(true));
        assert_eq!(glob_match("ab[^c]", "abc"), Ok(false));
        assert_eq!(glob_match("a\\*b", "a*b"), Ok(true));
        assert_eq!(glob_match("a?b", "a/b"), Ok(false));
        assert_eq!(glob_match("[", "a"), Err(BAD_PATTERN));
        assert_eq!(glob_match("a[", "a"), Err(BAD_PATTERN));
        assert_eq!(glob_match("[a-]", "a"), Err(BAD_PATTERN));
        assert_eq!(glob_match("templates/.?*", "templates/.x"), Ok(true));
        assert_eq!(glob_match("templates/.?*", "templates/."), Ok(false));
    }
}
