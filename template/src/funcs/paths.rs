//! Sprig's path functions: `base`, `dir`, `clean`, `ext`, `isAbs` (Go's
//! slash-separated `path` package) and their `os*` twins (`path/filepath`,
//! which on Linux behaves the same).

use super::text::arg_str;
use crate::func::{FuncSpec, Param};
use crate::value::Value;

/// Go's `path.Clean`.
pub fn clean(p: &str) -> String {
    if p.is_empty() {
        return ".".into();
    }
    let rooted = p.starts_with('/');
    let mut out: Vec<&str> = Vec::new();
    for part in p.split('/') {
        match part {
            "" | "." => {}
            ".." => {
                if out.last().is_some_and(|l| *l != "..") {
                    out.pop();
                } else if !rooted {
                    out.push("..");
                }
            }
            x => out.push(x),
        }
    }
    let joined = out.join("/");
    match (rooted, joined.is_empty()) {
        (true, _) => format!("/{joined}"),
        (false, true) => ".".into(),
        (false, false) => joined,
    }
}

/// Go's `path.Base`.
pub fn base(p: &str) -> String {
    if p.is_empty() {
        return ".".into();
    }
    let trimmed = p.trim_end_matches('/');
    if trimmed.is_empty() {
        return "/".into();
    }
    trimmed.rsplit('/').next().unwrap_or(trimmed).to_string()
}

/// Go's `path.Dir`.
pub fn dir(p: &str) -> String {
    match p.rfind('/') {
        Some(i) => clean(&p[..=i]),
        None => ".".into(),
    }
}

/// Go's `path.Ext`.
pub fn ext(p: &str) -> String {
    let last = p.rsplit('/').next().unwrap_or(p);
    match last.rfind('.') {
        Some(i) => last[i..].to_string(),
        None => String::new(),
    }
}

pub fn funcs() -> Vec<FuncSpec> {
    use Param::String as S;
    vec![
        FuncSpec::new("base", &[S], |a| Ok(Value::from(base(arg_str(a, 0)?)))),
        FuncSpec::new("dir", &[S], |a| Ok(Value::from(dir(arg_str(a, 0)?)))),
        FuncSpec::new("clean", &[S], |a| Ok(Value::from(clean(arg_str(a, 0)?)))),
        FuncSpec::new("ext", &[S], |a| Ok(Value::from(ext(arg_str(a, 0)?)))),
        FuncSpec::new("isAbs", &[S], |a| {
            Ok(Value::Bool(arg_str(a, 0)?.starts_with('/')))
        }),
        FuncSpec::new("osBase", &[S], |a| Ok(Value::from(base(arg_str(a, 0)?)))),
        FuncSpec::new("osDir", &[S], |a| Ok(Value::from(dir(arg_str(a, 0)?)))),
        FuncSpec::new("osClean", &[S], |a| Ok(Value::from(clean(arg_str(a, 0)?)))),
        FuncSpec::new("osExt", &[S], |a| Ok(Value::from(ext(arg_str(a, 0)?)))),
        FuncSpec::new("osIsAbs", &[S], |a| {
            Ok(Value::Bool(arg_str(a, 0)?.starts_with('/')))
        }),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    // Expected values printed by helm 4.3.1 for the same calls.
    #[test]
    fn like_go_path() {
        let cases = [
            ("a/b/c.tar.gz", "c.tar.gz", "a/b", "a/b/c.tar.gz", ".gz"),
            ("/a//b/../c/", "c", "/a/c", "/a/c", ""),
            ("", ".", ".", ".", ""),
            ("///", "/", "/", "/", ""),
            ("x", "x", ".", "x", ""),
            ("../../x/./y", "y", "../../x", "../../x/y", ""),
        ];
        for (p, b, d, c, e) in cases {
            assert_eq!(
                (
                    base(p).as_str(),
                    dir(p).as_str(),
                    clean(p).as_str(),
                    ext(p).as_str()
                ),
                (b, d, c, e),
                "{p}"
            );
        }
    }
}
