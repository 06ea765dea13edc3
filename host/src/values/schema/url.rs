//! The URL handling schema references need, with Go's `net/url` results:
//! splitting off fragments, resolving a reference against a base
//! (`ResolveReference`), and the path escaping of schema locations.

/// Splits `url#fragment`; the fragment is percent-decoded.
pub fn split_fragment(s: &str) -> Result<(String, String), String> {
    let (u, f) = s.split_once('#').unwrap_or((s, ""));
    let f = percent_decode(f).ok_or_else(|| {
        format!(
            "error in parsing {}: invalid URL escape",
            whelm_template::gofmt::sprintf("%q", &[whelm_template::Value::str(s)])
        )
    })?;
    Ok((u.to_string(), f))
}

fn percent_decode(s: &str) -> Option<String> {
    if !s.contains('%') {
        return Some(s.to_string());
    }
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%' {
            let hex = s.get(i + 1..i + 3)?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(b[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

/// Go's `url.PathEscape` of one segment (what locations print).
pub fn path_escape(seg: &str) -> String {
    let mut out = String::with_capacity(seg.len());
    for b in seg.bytes() {
        let keep = b.is_ascii_alphanumeric()
            || matches!(
                b,
                b'-' | b'_' | b'.' | b'~' | b'$' | b'&' | b'+' | b'=' | b':' | b'@'
            );
        if keep {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// A JSON pointer as a location fragment: each token path-escaped.
pub fn encode_pointer(ptr: &str) -> String {
    ptr.split('/')
        .map(path_escape)
        .collect::<Vec<_>>()
        .join("/")
}

struct Parts<'a> {
    scheme: &'a str,
    /// `Some` when the URL has `//authority`.
    authority: Option<&'a str>,
    path: &'a str,
    query: Option<&'a str>,
}

fn parse(s: &str) -> Parts<'_> {
    let (s, query) = match s.split_once('?') {
        Some((a, q)) => (a, Some(q)),
        None => (s, None),
    };
    let mut scheme = "";
    let mut rest = s;
    if let Some(i) = s.find(':') {
        let cand = &s[..i];
        if !cand.is_empty()
            && cand.as_bytes()[0].is_ascii_alphabetic()
            && cand
                .bytes()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, b'+' | b'-' | b'.'))
        {
            scheme = cand;
            rest = &s[i + 1..];
        }
    }
    let (authority, path) = match rest.strip_prefix("//") {
        Some(r) => {
            let end = r.find('/').unwrap_or(r.len());
            (Some(&r[..end]), &r[end..])
        }
        None => (None, rest),
    };
    Parts {
        scheme,
        authority,
        path,
        query,
    }
}

/// Whether the URL has a scheme (Go's `URL.IsAbs`).
pub fn is_absolute(s: &str) -> bool {
    !parse(s).scheme.is_empty()
}

/// Go's `resolvePath`: merge, then remove dot segments.
fn resolve_path(base: &str, r: &str) -> String {
    let full = if r.is_empty() {
        base.to_string()
    } else if !r.starts_with('/') {
        let i = base.rfind('/').map(|i| i + 1).unwrap_or(0);
        format!("{}{r}", &base[..i])
    } else {
        r.to_string()
    };
    if full.is_empty() {
        return String::new();
    }
    let mut out: Vec<&str> = Vec::new();
    let segs: Vec<&str> = full.split('/').collect();
    let last = segs.len() - 1;
    let mut trailing = false;
    for (i, seg) in segs.iter().enumerate() {
        match *seg {
            "." => trailing = i == last,
            ".." => {
                if out.len() > 1 || (out.len() == 1 && !out[0].is_empty()) {
                    out.pop();
                }
                trailing = i == last;
            }
            s => {
                out.push(s);
                trailing = false;
            }
        }
    }
    let mut joined = out.join("/");
    if trailing {
        joined.push('/');
    }
    format!("/{}", joined.trim_start_matches('/'))
}

/// `base.ResolveReference(ref)` for a reference without fragment.
pub fn resolve(base: &str, r: &str) -> String {
    let rp = parse(r);
    let bp = parse(base);
    let query = |q: Option<&str>| q.map(|q| format!("?{q}")).unwrap_or_default();
    if !rp.scheme.is_empty() || rp.authority.is_some() {
        let scheme = if rp.scheme.is_empty() {
            bp.scheme
        } else {
            rp.scheme
        };
        return match rp.authority {
            Some(a) => format!(
                "{scheme}://{a}{}{}",
                resolve_path(rp.path, ""),
                query(rp.query)
            ),
            None if rp.path.starts_with('/') => {
                format!("{scheme}:{}{}", resolve_path(rp.path, ""), query(rp.query))
            }
            // Opaque (`urn:x:y`).
            None => r.to_string(),
        };
    }
    let q = if rp.path.is_empty() && rp.query.is_none() {
        bp.query
    } else {
        rp.query
    };
    if bp.authority.is_none() && !bp.path.starts_with('/') && !bp.scheme.is_empty() {
        // Opaque base: a relative reference replaces the opaque part.
        return format!("{}:{}{}", bp.scheme, rp.path, query(q));
    }
    let path = resolve_path(bp.path, rp.path);
    let scheme = if bp.scheme.is_empty() {
        String::new()
    } else {
        format!("{}:", bp.scheme)
    };
    let auth = bp.authority.map(|a| format!("//{a}")).unwrap_or_default();
    format!("{scheme}{auth}{path}{}", query(q))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn resolves_like_go() {
        let b = "file:///values.schema.json";
        assert_eq!(resolve(b, "other.json"), "file:///other.json");
        assert_eq!(resolve(b, ""), b);
        assert_eq!(
            resolve("https://json-schema.org/draft/2020-12/schema", "meta/core"),
            "https://json-schema.org/draft/2020-12/meta/core"
        );
        assert_eq!(
            resolve("http://x.y/a/b.json", "../c.json"),
            "http://x.y/c.json"
        );
        assert_eq!(resolve(b, "http://x.y/s.json"), "http://x.y/s.json");
        assert_eq!(resolve(b, "urn:foo:bar"), "urn:foo:bar");
        assert_eq!(resolve("http://x.y", "q.json"), "http://x.y/q.json");
        assert_eq!(encode_pointer("/$defs/a b"), "/$defs/a%20b");
        assert_eq!(
            split_fragment("#/$defs/a%20b").unwrap(),
            ("".into(), "/$defs/a b".into())
        );
    }
}
