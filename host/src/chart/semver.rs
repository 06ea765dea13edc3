//! The part of Masterminds semver v3 Helm relies on for charts:
//! `semver.NewVersion` (chart versions) and constraint checks
//! (`IsCompatibleRange`: dependency versions and `kubeVersion`).

use std::cmp::Ordering;

/// A parsed semantic version (leading `v`, and missing minor/patch, allowed).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Version {
    pub major: u64,
    pub minor: u64,
    pub patch: u64,
    pub pre: String,
}

fn ident_ok(s: &str) -> bool {
    !s.is_empty()
        && s.split('.')
            .all(|p| !p.is_empty() && p.chars().all(|c| c.is_ascii_alphanumeric() || c == '-'))
}

impl Version {
    /// `semver.NewVersion`.
    pub fn parse(s: &str) -> Option<Version> {
        let s = s.strip_prefix('v').unwrap_or(s);
        let (s, build) = match s.split_once('+') {
            Some((a, b)) => (a, Some(b)),
            None => (s, None),
        };
        if build.is_some_and(|b| !ident_ok(b)) {
            return None;
        }
        let (core, pre) = match s.split_once('-') {
            Some((a, b)) => (a, b),
            None => (s, ""),
        };
        if s.contains('-') && !ident_ok(pre) {
            return None;
        }
        let parts: Vec<&str> = core.split('.').collect();
        if parts.is_empty() || parts.len() > 3 {
            return None;
        }
        let mut nums = [0u64; 3];
        for (i, p) in parts.iter().enumerate() {
            if p.is_empty() || !p.bytes().all(|b| b.is_ascii_digit()) {
                return None;
            }
            nums[i] = p.parse().ok()?;
        }
        Some(Version {
            major: nums[0],
            minor: nums[1],
            patch: nums[2],
            pre: pre.to_string(),
        })
    }

    fn cmp_pre(a: &str, b: &str) -> Ordering {
        match (a.is_empty(), b.is_empty()) {
            (true, true) => return Ordering::Equal,
            (true, false) => return Ordering::Greater,
            (false, true) => return Ordering::Less,
            _ => {}
        }
        let (xs, ys): (Vec<&str>, Vec<&str>) = (a.split('.').collect(), b.split('.').collect());
        for (x, y) in xs.iter().zip(&ys) {
            let o = match (x.parse::<u64>(), y.parse::<u64>()) {
                (Ok(i), Ok(j)) => i.cmp(&j),
                (Ok(_), Err(_)) => Ordering::Less,
                (Err(_), Ok(_)) => Ordering::Greater,
                _ => x.cmp(y),
            };
            if o != Ordering::Equal {
                return o;
            }
        }
        xs.len().cmp(&ys.len())
    }
}

impl PartialOrd for Version {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Version {
    fn cmp(&self, o: &Self) -> Ordering {
        (self.major, self.minor, self.patch)
            .cmp(&(o.major, o.minor, o.patch))
            .then_with(|| Version::cmp_pre(&self.pre, &o.pre))
    }
}

#[derive(Debug, Clone)]
struct Constraint {
    op: String,
    v: Version,
    /// Which parts were wildcards or missing: 0 = major, 1 = minor, 2 = patch, 3 = none.
    wild_from: u8,
}

fn parse_constraint(op: &str, ver: &str) -> Option<Constraint> {
    let ver = ver.strip_prefix('v').unwrap_or(ver);
    let (core, rest) = match ver.find(['-', '+']) {
        Some(i) => (&ver[..i], &ver[i..]),
        None => (ver, ""),
    };
    let parts: Vec<&str> = core.split('.').collect();
    if parts.len() > 3 {
        return None;
    }
    let mut wild_from = parts.len() as u8;
    let mut nums = Vec::new();
    for (i, p) in parts.iter().enumerate() {
        if matches!(*p, "x" | "X" | "*") {
            wild_from = wild_from.min(i as u8);
            nums.push("0");
        } else if wild_from <= i as u8 {
            nums.push("0");
        } else {
            nums.push(p);
        }
    }
    while nums.len() < 3 {
        nums.push("0");
    }
    let v = Version::parse(&format!("{}.{}.{}{rest}", nums[0], nums[1], nums[2]))?;
    Some(Constraint {
        op: op.to_string(),
        v,
        wild_from,
    })
}

impl Constraint {
    fn check(&self, v: &Version) -> bool {
        let c = &self.v;
        if self.op != "!=" && c.pre.is_empty() && !v.pre.is_empty() {
            return false;
        }
        let dirty = self.wild_from < 3;
        match self.op.as_str() {
            "" | "=" => {
                if dirty {
                    self.tilde(v)
                } else {
                    v == c
                }
            }
            "!=" => {
                if dirty {
                    !self.tilde(v)
                } else {
                    v != c
                }
            }
            ">" => {
                if !dirty {
                    return v > c;
                }
                match self.wild_from {
                    0 => false,
                    1 => v.major > c.major,
                    _ => v.major > c.major || (v.major == c.major && v.minor > c.minor),
                }
            }
            ">=" | "=>" => v >= c,
            "<" => v < c,
            "<=" | "=<" => {
                if !dirty {
                    return v <= c;
                }
                match self.wild_from {
                    0 => true,
                    1 => v.major <= c.major,
                    _ => v.major < c.major || (v.major == c.major && v.minor <= c.minor),
                }
            }
            "~" | "~>" => self.tilde(v),
            "^" => {
                if v < c {
                    return false;
                }
                if self.wild_from == 0 {
                    return true;
                }
                if c.major > 0 || self.wild_from == 1 {
                    return v.major == c.major;
                }
                if c.minor > 0 || self.wild_from == 2 {
                    return v.major == 0 && v.minor == c.minor;
                }
                v.major == 0 && v.minor == 0 && v.patch == c.patch
            }
            _ => false,
        }
    }

    fn tilde(&self, v: &Version) -> bool {
        let c = &self.v;
        if self.wild_from == 0 {
            return true;
        }
        if v < c {
            return false;
        }
        if self.wild_from == 1 {
            return v.major == c.major;
        }
        v.major == c.major && v.minor == c.minor
    }
}

const OPS: [&str; 12] = [
    "!=", ">=", "=>", "<=", "=<", "~>", "=", ">", "<", "~", "^", "",
];

/// `semver.NewConstraint`: `None` when the constraint is malformed.
fn parse_constraints(s: &str) -> Option<Vec<Vec<Constraint>>> {
    let mut ors = Vec::new();
    for group in s.split("||") {
        let toks: Vec<&str> = group
            .split([' ', ',', '\t'])
            .filter(|t| !t.is_empty())
            .collect();
        if toks.is_empty() {
            return None;
        }
        let mut ands = Vec::new();
        let mut i = 0;
        while i < toks.len() {
            // Hyphen range: `A - B`.
            if toks.get(i + 1) == Some(&"-") {
                let lo = parse_constraint(">=", toks[i])?;
                let hi = parse_constraint("<=", toks.get(i + 2)?)?;
                ands.push(lo);
                ands.push(hi);
                i += 3;
                continue;
            }
            let mut tok = toks[i];
            let op = OPS.iter().find(|o| tok.starts_with(**o)).copied()?;
            tok = &tok[op.len()..];
            if tok.is_empty() {
                // `>= 1.2`: operator and version separated by spaces.
                i += 1;
                tok = toks.get(i)?;
            }
            ands.push(parse_constraint(op, tok)?);
            i += 1;
        }
        ors.push(ands);
    }
    Some(ors)
}

/// Helm's `IsCompatibleRange(constraint, version)`.
pub fn is_compatible_range(constraint: &str, version: &str) -> bool {
    let (Some(cs), Some(v)) = (parse_constraints(constraint), Version::parse(version)) else {
        return false;
    };
    cs.iter().any(|ands| ands.iter().all(|c| c.check(&v)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn versions() {
        assert!(Version::parse("1.2.3").is_some());
        assert!(Version::parse("v1.2").is_some());
        assert!(Version::parse("1.2.3-rc.1+b").is_some());
        assert!(Version::parse("1.2.3.4").is_none());
        assert!(Version::parse("abc").is_none());
        assert!(Version::parse("").is_none());
        assert!(Version::parse("1.0.0-alpha").unwrap() < Version::parse("1.0.0").unwrap());
    }

    #[test]
    fn ranges() {
        assert!(is_compatible_range("0.1.0", "0.1.0"));
        assert!(!is_compatible_range("0.1.0", "0.2.0"));
        assert!(is_compatible_range("~2.31.0", "2.31.10"));
        assert!(is_compatible_range("2.x.x", "2.31.10"));
        assert!(is_compatible_range("22.x.x", "22.0.0"));
        assert!(is_compatible_range("^2.0.0", "2.5.1"));
        assert!(!is_compatible_range("^2.0.0", "3.0.0"));
        assert!(is_compatible_range(">=1.19.0-0", "v1.37.0"));
        assert!(!is_compatible_range(">=1.38.0-0", "v1.37.0"));
        assert!(is_compatible_range(">= 1.2, < 2 || 3.x", "3.1.0"));
        assert!(is_compatible_range("1.0 - 2.0", "1.5.0"));
        assert!(is_compatible_range("*", "1.5.0"));
        assert!(!is_compatible_range("*", "1.5.0-rc1"));
        assert!(!is_compatible_range("", "1.5.0"));
    }
}
