//! Glob patterns as `.Files.Glob` matches them (gobwas/glob with `/` as the
//! separator): `*` and `?` stop at `/`, `**` crosses it, `[abc]`, `[!a-z]`
//! and `{a,b}` alternatives.

#[derive(Debug, Clone, PartialEq)]
enum Tok {
    Lit(char),
    Any,   // ?
    Star,  // *
    Super, // **
    Class(bool, Vec<(char, char)>),
    Alt(Vec<Vec<Tok>>),
}

fn parse(p: &[char], i: &mut usize, in_alt: bool) -> Result<Vec<Tok>, String> {
    let mut out = Vec::new();
    while *i < p.len() {
        let c = p[*i];
        match c {
            ',' | '}' if in_alt => return Ok(out),
            '\\' => {
                *i += 1;
                let e = *p.get(*i).ok_or("unexpected end of pattern after '\\'")?;
                out.push(Tok::Lit(e));
                *i += 1;
            }
            '?' => {
                out.push(Tok::Any);
                *i += 1;
            }
            '*' => {
                if p.get(*i + 1) == Some(&'*') {
                    out.push(Tok::Super);
                    *i += 2;
                } else {
                    out.push(Tok::Star);
                    *i += 1;
                }
            }
            '[' => {
                *i += 1;
                let neg = p.get(*i) == Some(&'!');
                if neg {
                    *i += 1;
                }
                let mut ranges = Vec::new();
                loop {
                    let a = *p.get(*i).ok_or("unterminated [ in pattern")?;
                    if a == ']' {
                        *i += 1;
                        break;
                    }
                    *i += 1;
                    if p.get(*i) == Some(&'-') && p.get(*i + 1).is_some_and(|&b| b != ']') {
                        ranges.push((a, p[*i + 1]));
                        *i += 2;
                    } else {
                        ranges.push((a, a));
                    }
                }
                out.push(Tok::Class(neg, ranges));
            }
            '{' => {
                *i += 1;
                let mut alts = Vec::new();
                loop {
                    alts.push(parse(p, i, true)?);
                    match p.get(*i) {
                        Some(',') => *i += 1,
                        Some('}') => {
                            *i += 1;
                            break;
                        }
                        _ => return Err("unterminated { in pattern".into()),
                    }
                }
                out.push(Tok::Alt(alts));
            }
            _ => {
                out.push(Tok::Lit(c));
                *i += 1;
            }
        }
    }
    if in_alt {
        return Err("unterminated { in pattern".into());
    }
    Ok(out)
}

fn matches(toks: &[Tok], s: &[char]) -> bool {
    let Some((first, rest)) = toks.split_first() else {
        return s.is_empty();
    };
    match first {
        Tok::Lit(c) => s.first() == Some(c) && matches(rest, &s[1..]),
        Tok::Any => s.first().is_some_and(|&c| c != '/') && matches(rest, &s[1..]),
        Tok::Star => {
            for n in 0..=s.len() {
                if matches(rest, &s[n..]) {
                    return true;
                }
                if n < s.len() && s[n] == '/' {
                    return false;
                }
            }
            false
        }
        Tok::Super => (0..=s.len()).any(|n| matches(rest, &s[n..])),
        Tok::Class(neg, ranges) => match s.first() {
            Some(&c) if c != '/' => {
                let inside = ranges.iter().any(|&(a, b)| a <= c && c <= b);
                inside != *neg && matches(rest, &s[1..])
            }
            _ => false,
        },
        Tok::Alt(alts) => alts.iter().any(|a| {
            let mut joined = a.clone();
            joined.extend_from_slice(rest);
            matches(&joined, s)
        }),
    }
}

/// A compiled pattern.
pub struct Glob(Vec<Tok>);

impl Glob {
    pub fn new(pattern: &str) -> Result<Glob, String> {
        let chars: Vec<char> = pattern.chars().collect();
        let mut i = 0;
        parse(&chars, &mut i, false).map(Glob)
    }
    pub fn is_match(&self, path: &str) -> bool {
        let s: Vec<char> = path.chars().collect();
        matches(&self.0, &s)
    }
}

#[cfg(test)]
mod tests {
    use super::Glob;

    fn m(p: &str, s: &str) -> bool {
        Glob::new(p).unwrap().is_match(s)
    }

    #[test]
    fn stars_and_separators() {
        assert!(m("files/*.yaml", "files/a.yaml"));
        assert!(!m("files/*.yaml", "files/sub/a.yaml"));
        assert!(m("files/**.yaml", "files/sub/a.yaml"));
        assert!(m("files/**", "files/a/b/c"));
        assert!(m("*", "README.md"));
        assert!(!m("*", "a/b"));
        assert!(m("f?le", "file"));
        assert!(!m("f?le", "f/le"));
    }

    #[test]
    fn classes_and_alternatives() {
        assert!(m("conf/[ab].txt", "conf/a.txt"));
        assert!(!m("conf/[!ab].txt", "conf/a.txt"));
        assert!(m("conf/[a-c].txt", "conf/b.txt"));
        assert!(m("{dashboards,rules}/*.json", "rules/x.json"));
        assert!(!m("{dashboards,rules}/*.json", "other/x.json"));
        assert!(Glob::new("[abc").is_err());
        assert!(Glob::new("{a,b").is_err());
    }
}
