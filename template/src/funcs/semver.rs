//! Template functions: `semver` and `semverCompare`, with the semantics of
//! Masterminds/semver v3.5.0 (what helm 4.3.1 links).
//!
//! Versions parse leniently (`NewVersion` with `CoerceNewVersion`): an
//! optional `v`, one to three numeric parts (leading zeros allowed), then an
//! optional prerelease and build metadata. Constraints support the operators
//! `= != > < >= => <= =< ~ ~> ^`, wildcards (`x`, `X`, `*`, missing parts),
//! hyphen ranges (`1.2 - 1.4.5`), `,`/space for AND and `||` for OR. A
//! prerelease version only satisfies an OR group one of whose constraints
//! carries a prerelease itself (`>=1.21-0`).
//!
//! The library's regular expressions are matched here by small hand-written
//! scanners; for these patterns Go's leftmost-first semantics reduce to greedy
//! matching (each part is followed by a character it cannot contain).

use std::cmp::Ordering;
use std::rc::Rc;

use crate::func::{FuncError, FuncSpec, Param};
use crate::value::{Object, Value};

/// A parsed version (`*semver.Version`, or `semver.Version` for the values
/// the `Inc*`/`Set*` methods return).
#[derive(Clone, Debug, PartialEq)]
pub struct Version {
    pub major: u64,
    pub minor: u64,
    pub patch: u64,
    pub pre: String,
    pub metadata: String,
    pub original: String,
    /// Whether this is a pointer (methods with pointer receivers callable).
    ptr: bool,
}

const NUM_ERR_PREFIX: &str = "error parsing version segment: ";

fn is_ident(c: u8) -> bool {
    c.is_ascii_alphanumeric() || c == b'-'
}

fn digits_end(b: &[u8], mut i: usize) -> usize {
    while i < b.len() && b[i].is_ascii_digit() {
        i += 1;
    }
    i
}

/// `[0-9A-Za-z-]+(\.[0-9A-Za-z-]+)*` starting at `i` (which must hold an
/// identifier character); returns the end.
fn dotted_end(b: &[u8], mut i: usize) -> usize {
    loop {
        while i < b.len() && is_ident(b[i]) {
            i += 1;
        }
        if i + 1 < b.len() && b[i] == b'.' && is_ident(b[i + 1]) {
            i += 1;
        } else {
            return i;
        }
    }
}

/// Go's `strconv.ParseUint(s, 10, 64)` error text for a string of digits.
fn parse_u64(s: &str) -> Result<u64, String> {
    s.parse::<u64>().map_err(|_| {
        format!(
            "{NUM_ERR_PREFIX}strconv.ParseUint: parsing {}: value out of range",
            go_quote(s)
        )
    })
}

fn validate_prerelease(p: &str) -> Result<(), String> {
    for part in p.split('.') {
        if part.is_empty() || !part.bytes().all(is_ident) {
            return Err("invalid prerelease string".into());
        }
        if part.bytes().all(|c| c.is_ascii_digit()) && part.len() > 1 && part.starts_with('0') {
            return Err("version segment starts with 0".into());
        }
    }
    Ok(())
}

impl Version {
    /// `semver.NewVersion`.
    pub fn parse(v: &str) -> Result<Version, String> {
        let invalid = || "invalid semantic version".to_string();
        let b = v.as_bytes();
        let mut i = usize::from(b.first() == Some(&b'v'));
        let major_start = i;
        i = digits_end(b, i);
        if i == major_start {
            return Err(invalid());
        }
        let major = &v[major_start..i];
        let mut parts: [Option<&str>; 2] = [None, None];
        for slot in &mut parts {
            if i + 1 < b.len() && b[i] == b'.' && b[i + 1].is_ascii_digit() {
                let end = digits_end(b, i + 1);
                *slot = Some(&v[i + 1..end]);
                i = end;
            }
        }
        let mut pre = "";
        if i + 1 < b.len() && b[i] == b'-' && is_ident(b[i + 1]) {
            let end = dotted_end(b, i + 1);
            pre = &v[i + 1..end];
            i = end;
        }
        let mut metadata = "";
        if i + 1 < b.len() && b[i] == b'+' && is_ident(b[i + 1]) {
            let end = dotted_end(b, i + 1);
            metadata = &v[i + 1..end];
            i = end;
        }
        if i != b.len() {
            return Err(invalid());
        }
        let version = Version {
            major: parse_u64(major)?,
            minor: parts[0].map(parse_u64).transpose()?.unwrap_or(0),
            patch: parts[1].map(parse_u64).transpose()?.unwrap_or(0),
            pre: pre.into(),
            metadata: metadata.into(),
            original: v.into(),
            ptr: true,
        };
        if !version.pre.is_empty() {
            validate_prerelease(&version.pre)?;
        }
        Ok(version)
    }

    fn string(&self) -> String {
        let mut s = format!("{}.{}.{}", self.major, self.minor, self.patch);
        if !self.pre.is_empty() {
            s.push('-');
            s.push_str(&self.pre);
        }
        if !self.metadata.is_empty() {
            s.push('+');
            s.push_str(&self.metadata);
        }
        s
    }

    /// `Compare`: -1, 0 or 1; build metadata is ignored.
    pub fn compare(&self, o: &Version) -> Ordering {
        self.major
            .cmp(&o.major)
            .then(self.minor.cmp(&o.minor))
            .then(self.patch.cmp(&o.patch))
            .then_with(|| match (self.pre.is_empty(), o.pre.is_empty()) {
                (true, true) => Ordering::Equal,
                (true, false) => Ordering::Greater,
                (false, true) => Ordering::Less,
                (false, false) => compare_prerelease(&self.pre, &o.pre),
            })
    }

    fn v_prefix(&self) -> &str {
        if self.original.starts_with('v') {
            "v"
        } else {
            ""
        }
    }

    /// A `semver.Version` value derived from this one.
    fn derived(&self, f: impl FnOnce(&mut Version)) -> Version {
        let mut n = self.clone();
        f(&mut n);
        n.original = format!("{}{}", self.v_prefix(), n.string());
        n.ptr = false;
        n
    }

    fn inc(&self, which: &str) -> Result<Version, String> {
        let overflow = |part: &str| format!("{part} version increment would overflow uint64");
        match which {
            "patch" if !self.pre.is_empty() => Ok(self.derived(|n| {
                n.pre.clear();
                n.metadata.clear();
            })),
            "patch" => {
                let p = self.patch.checked_add(1).ok_or_else(|| overflow("patch"))?;
                Ok(self.derived(|n| {
                    n.pre.clear();
                    n.metadata.clear();
                    n.patch = p;
                }))
            }
            "minor" => {
                let m = self.minor.checked_add(1).ok_or_else(|| overflow("minor"))?;
                Ok(self.derived(|n| {
                    n.pre.clear();
                    n.metadata.clear();
                    n.patch = 0;
                    n.minor = m;
                }))
            }
            _ => {
                let m = self.major.checked_add(1).ok_or_else(|| overflow("major"))?;
                Ok(self.derived(|n| {
                    n.pre.clear();
                    n.metadata.clear();
                    n.patch = 0;
                    n.minor = 0;
                    n.major = m;
                }))
            }
        }
    }

    fn into_value(self) -> Value {
        Value::Object(Rc::new(self))
    }
}

fn compare_prerelease(a: &str, b: &str) -> Ordering {
    let sa: Vec<&str> = a.split('.').collect();
    let sb: Vec<&str> = b.split('.').collect();
    for i in 0..sa.len().max(sb.len()) {
        let d = compare_pre_part(
            sa.get(i).copied().unwrap_or(""),
            sb.get(i).copied().unwrap_or(""),
        );
        if d != Ordering::Equal {
            return d;
        }
    }
    Ordering::Equal
}

fn compare_pre_part(s: &str, o: &str) -> Ordering {
    if s == o {
        return Ordering::Equal;
    }
    if s.is_empty() {
        return Ordering::Less;
    }
    if o.is_empty() {
        return Ordering::Greater;
    }
    let num = |x: &str| -> Option<u64> {
        if x.bytes().all(|c| c.is_ascii_digit()) {
            x.parse().ok()
        } else {
            None
        }
    };
    match (num(s), num(o)) {
        (None, None) => {
            if s > o {
                Ordering::Greater
            } else {
                Ordering::Less
            }
        }
        (Some(_), None) => Ordering::Less,
        (None, Some(_)) => Ordering::Greater,
        (Some(si), Some(oi)) => {
            if si > oi {
                Ordering::Greater
            } else {
                Ordering::Less
            }
        }
    }
}

/// Go's `%q` of a string (strconv.Quote).
pub(crate) fn go_quote(s: &str) -> String {
    super::text::go_quote(s)
}

// ---------------------------------------------------------------------------
// Constraints

/// Go regexp's `\s`.
fn is_ws(c: u8) -> bool {
    matches!(c, b' ' | b'\t' | b'\n' | b'\x0c' | b'\r')
}

fn skip_ws(b: &[u8], mut i: usize) -> usize {
    while i < b.len() && is_ws(b[i]) {
        i += 1;
    }
    i
}

/// The character class `[0-9|x|X|\*]` of the constraint version pattern.
fn is_cv(c: u8) -> bool {
    c.is_ascii_digit() || matches!(c, b'|' | b'x' | b'X' | b'*')
}

/// A match of the constraint-version pattern (`cvRegex`); ranges are byte
/// offsets, optional groups empty when absent.
#[derive(Clone, Copy, Debug)]
struct Cv {
    start: usize,
    end: usize,
    major: (usize, usize),
    /// With its leading `.`.
    minor: (usize, usize),
    /// With its leading `.`.
    patch: (usize, usize),
    /// With its leading `-`.
    pre: (usize, usize),
}

fn match_cv(b: &[u8], start: usize) -> Option<Cv> {
    let mut i = start;
    if b.get(i) == Some(&b'v') {
        i += 1;
    }
    let ms = i;
    while i < b.len() && is_cv(b[i]) {
        i += 1;
    }
    if i == ms {
        return None;
    }
    let major = (ms, i);
    let mut dotted = [(i, i); 2];
    for slot in &mut dotted {
        *slot = (i, i);
        if i + 1 < b.len() && b[i] == b'.' && is_cv(b[i + 1]) {
            let s = i;
            i += 1;
            while i < b.len() && is_cv(b[i]) {
                i += 1;
            }
            *slot = (s, i);
        }
    }
    let mut pre = (i, i);
    if i + 1 < b.len() && b[i] == b'-' && is_ident(b[i + 1]) {
        let s = i;
        i = dotted_end(b, i + 1);
        pre = (s, i);
    }
    if i + 1 < b.len() && b[i] == b'+' && is_ident(b[i + 1]) {
        i = dotted_end(b, i + 1);
    }
    Some(Cv {
        start,
        end: i,
        major,
        minor: dotted[0],
        patch: dotted[1],
        pre,
    })
}

const OPS: [&str; 12] = [
    "=", "", "!=", ">", "<", ">=", "=>", "<=", "=<", "~", "~>", "^",
];

fn is_op_char(c: u8) -> bool {
    matches!(c, b'=' | b'!' | b'<' | b'>' | b'~' | b'^')
}

/// The operator at `i`: the whole run of operator characters, which must be
/// one of [`OPS`] (a version cannot start with one of them).
fn match_op(b: &[u8], i: usize) -> Option<usize> {
    let mut j = i;
    while j < b.len() && is_op_char(b[j]) {
        j += 1;
    }
    let op = std::str::from_utf8(&b[i..j]).ok()?;
    OPS.contains(&op).then_some(j)
}

/// `rewriteRange`: `A - B` becomes `>= A, <= B `.
fn rewrite_range(c: &str) -> String {
    let b = c.as_bytes();
    let mut found = Vec::new();
    let mut p = 0;
    while p < b.len() {
        let try_at = |p: usize| -> Option<(usize, Cv, Cv)> {
            let v1 = match_cv(b, skip_ws(b, p))?;
            let j = skip_ws(b, v1.end);
            if j == v1.end || b.get(j) != Some(&b'-') {
                return None;
            }
            let k = skip_ws(b, j + 1);
            if k == j + 1 {
                return None;
            }
            let v2 = match_cv(b, k)?;
            Some((skip_ws(b, v2.end), v1, v2))
        };
        match try_at(p) {
            Some((end, v1, v2)) => {
                found.push((&c[p..end], &c[v1.start..v1.end], &c[v2.start..v2.end]));
                p = end.max(p + 1);
            }
            None => p += 1,
        }
    }
    let mut o = c.to_string();
    for (whole, v1, v2) in found {
        o = o.replacen(whole, &format!(">= {v1}, <= {v2} "), 1);
    }
    o
}

/// `validConstraintRegex`: one or more `OP VERSION` items separated by
/// whitespace or commas.
fn valid_constraint(s: &str) -> bool {
    let b = s.as_bytes();
    let mut i = skip_ws(b, 0);
    loop {
        let Some(op_end) = match_op(b, i) else {
            return false;
        };
        let Some(cv) = match_cv(b, skip_ws(b, op_end)) else {
            return false;
        };
        i = cv.end;
        let ws_end = skip_ws(b, i);
        if ws_end == b.len() {
            return true;
        }
        if b[ws_end] == b',' {
            i = skip_ws(b, ws_end + 1);
        } else if ws_end > i {
            i = ws_end;
        } else {
            return false;
        }
    }
}

/// `findConstraintRegex.FindAllString`.
fn find_constraints(s: &str) -> Vec<&str> {
    let b = s.as_bytes();
    let mut out = Vec::new();
    let mut p = 0;
    while p < b.len() {
        let hit = OPS.iter().find_map(|op| {
            if !b[p..].starts_with(op.as_bytes()) {
                return None;
            }
            match_cv(b, skip_ws(b, p + op.len())).map(|cv| cv.end)
        });
        match hit {
            Some(end) => {
                out.push(&s[p..end]);
                p = end.max(p + 1);
            }
            None => p += 1,
        }
    }
    out
}

#[derive(Clone, Debug)]
struct Constraint {
    con: Version,
    op: String,
    minor_dirty: bool,
    patch_dirty: bool,
    dirty: bool,
}

fn is_x(s: &str) -> bool {
    matches!(s, "x" | "X" | "*")
}

fn parse_constraint(c: &str) -> Result<Constraint, String> {
    let improper = || format!("improper constraint: {}", go_quote(c));
    let b = c.as_bytes();
    let i = skip_ws(b, 0);
    let op_end = match_op(b, i).ok_or_else(improper)?;
    let cv = match_cv(b, skip_ws(b, op_end)).ok_or_else(improper)?;
    if skip_ws(b, cv.end) != b.len() {
        return Err(improper());
    }
    let part = |r: (usize, usize)| &c[r.0..r.1];
    let (m3, m4, m5, m6) = (part(cv.major), part(cv.minor), part(cv.patch), part(cv.pre));
    let (mut dirty, mut minor_dirty, mut patch_dirty) = (false, false, false);
    let ver = if is_x(m3) || m3.is_empty() {
        dirty = true;
        format!("0.0.0{m6}")
    } else if m4.is_empty() || is_x(&m4[1..]) {
        minor_dirty = true;
        dirty = true;
        format!("{m3}.0.0{m6}")
    } else if m5.is_empty() || is_x(&m5[1..]) {
        dirty = true;
        patch_dirty = true;
        format!("{m3}{m4}.0{m6}")
    } else {
        c[cv.start..cv.end].to_string()
    };
    let con = Version::parse(&ver).map_err(|_| "constraint parser error".to_string())?;
    Ok(Constraint {
        con,
        op: c[i..op_end].to_string(),
        minor_dirty,
        patch_dirty,
        dirty,
    })
}

impl Constraint {
    fn check(&self, v: &Version, include_pre: bool) -> bool {
        if !v.pre.is_empty() && !include_pre {
            return false;
        }
        let c = &self.con;
        match self.op.as_str() {
            "" | "=" => {
                if self.dirty {
                    self.tilde(v)
                } else {
                    v.compare(c) == Ordering::Equal
                }
            }
            "!=" => {
                if self.dirty {
                    if c.major != v.major {
                        return true;
                    }
                    if c.minor != v.minor && !self.minor_dirty {
                        return true;
                    } else if self.minor_dirty {
                        return false;
                    } else if c.patch != v.patch && !self.patch_dirty {
                        return true;
                    } else if self.patch_dirty {
                        if !v.pre.is_empty() || !c.pre.is_empty() {
                            return compare_prerelease(&v.pre, &c.pre) != Ordering::Equal;
                        }
                        return false;
                    }
                }
                v.compare(c) != Ordering::Equal
            }
            ">" => {
                if !self.dirty {
                    return v.compare(c) == Ordering::Greater;
                }
                if v.major > c.major {
                    true
                } else if v.major < c.major || self.minor_dirty {
                    false
                } else if self.patch_dirty {
                    v.minor > c.minor
                } else {
                    v.compare(c) == Ordering::Greater
                }
            }
            "<" => v.compare(c) == Ordering::Less,
            ">=" | "=>" => v.compare(c) != Ordering::Less,
            "<=" | "=<" => {
                if !self.dirty {
                    return v.compare(c) != Ordering::Greater;
                }
                !(v.major > c.major || v.major == c.major && v.minor > c.minor && !self.minor_dirty)
            }
            "~" | "~>" => self.tilde(v),
            _ => {
                // "^"
                if v.compare(c) == Ordering::Less {
                    return false;
                }
                if c.major > 0 || self.minor_dirty {
                    return v.major == c.major;
                }
                if v.major > 0 {
                    return false;
                }
                if c.minor > 0 || self.patch_dirty {
                    return v.minor == c.minor;
                }
                if v.minor > 0 {
                    return false;
                }
                c.patch == v.patch
            }
        }
    }

    fn tilde(&self, v: &Version) -> bool {
        let c = &self.con;
        if v.compare(c) == Ordering::Less {
            return false;
        }
        if c.major == 0 && c.minor == 0 && c.patch == 0 && !self.minor_dirty && !self.patch_dirty {
            return true;
        }
        if v.major != c.major {
            return false;
        }
        v.minor == c.minor || self.minor_dirty
    }
}

/// `semver.Constraints`: OR groups of AND-ed constraints.
#[derive(Clone, Debug)]
pub struct Constraints {
    groups: Vec<(Vec<Constraint>, bool)>,
}

impl Constraints {
    /// `semver.NewConstraint`.
    pub fn parse(c: &str) -> Result<Constraints, String> {
        let c = rewrite_range(c);
        let mut groups = Vec::new();
        for v in c.split("||") {
            if !valid_constraint(v) {
                return Err(format!("improper constraint: {}", go_quote(v)));
            }
            let mut cs = find_constraints(v);
            if cs.is_empty() {
                cs.push(v);
            }
            let mut group = Vec::with_capacity(cs.len());
            let mut has_pre = false;
            for s in cs {
                let pc = parse_constraint(s)?;
                has_pre |= !pc.con.pre.is_empty();
                group.push(pc);
            }
            groups.push((group, has_pre));
        }
        Ok(Constraints { groups })
    }

    /// `Check`.
    pub fn check(&self, v: &Version) -> bool {
        self.groups
            .iter()
            .any(|(g, pre)| g.iter().all(|c| c.check(v, *pre)))
    }
}

// ---------------------------------------------------------------------------
// The template object

impl Object for Version {
    fn type_name(&self) -> &str {
        if self.ptr {
            "*semver.Version"
        } else {
            "semver.Version"
        }
    }

    fn field(&self, name: &str) -> Option<Result<Value, String>> {
        let v = match name {
            // uint64 in Go; the value model has no unsigned type.
            "Major" => Value::Int64(self.major as i64),
            "Minor" => Value::Int64(self.minor as i64),
            "Patch" => Value::Int64(self.patch as i64),
            "Prerelease" => Value::str(&self.pre),
            "Metadata" => Value::str(&self.metadata),
            "String" => Value::from(self.string()),
            "Original" if self.ptr => Value::str(&self.original),
            "IncPatch" => return Some(self.inc("patch").map(Version::into_value)),
            "IncMinor" => return Some(self.inc("minor").map(Version::into_value)),
            "IncMajor" => return Some(self.inc("major").map(Version::into_value)),
            "Compare" | "LessThan" | "LessThanEqual" | "GreaterThan" | "GreaterThanEqual"
            | "Equal" | "SetPrerelease" | "SetMetadata" => {
                return Some(Err(format!(
                    "wrong number of args for {name}: want 1 got 0"
                )));
            }
            _ => return None,
        };
        Some(Ok(v))
    }

    fn call(&self, name: &str, args: &[Value]) -> Option<Result<Value, String>> {
        let wrong_args = |n: usize| format!("wrong number of args for {name}: want 1 got {n}");
        match name {
            "Compare" | "LessThan" | "LessThanEqual" | "GreaterThan" | "GreaterThanEqual"
            | "Equal"
                if self.ptr =>
            {
                if args.len() != 1 {
                    return Some(Err(wrong_args(args.len())));
                }
                let other = match &args[0] {
                    Value::Object(o) if o.type_name() == "*semver.Version" => {
                        Version::parse(&o.display()).ok()
                    }
                    _ => None,
                };
                let Some(other) = other else {
                    return Some(Err(format!(
                        "wrong type for value; expected *semver.Version; got {}",
                        args[0].type_name()
                    )));
                };
                let ord = self.compare(&other);
                Some(Ok(match name {
                    "Compare" => Value::Int(ord as i64),
                    "LessThan" => Value::Bool(ord == Ordering::Less),
                    "LessThanEqual" => Value::Bool(ord != Ordering::Greater),
                    "GreaterThan" => Value::Bool(ord == Ordering::Greater),
                    "GreaterThanEqual" => Value::Bool(ord != Ordering::Less),
                    _ => Value::Bool(ord == Ordering::Equal),
                }))
            }
            "SetPrerelease" | "SetMetadata" => {
                if args.len() != 1 {
                    return Some(Err(wrong_args(args.len())));
                }
                let Value::String(s) = &args[0] else {
                    return Some(Err(format!(
                        "wrong type for value; expected string; got {}",
                        args[0].type_name()
                    )));
                };
                let s = s.to_string();
                if name == "SetPrerelease" {
                    if !s.is_empty()
                        && let Err(e) = validate_prerelease(&s)
                    {
                        return Some(Err(e));
                    }
                    Some(Ok(self.derived(|n| n.pre = s).into_value()))
                } else {
                    if !s.is_empty()
                        && s.split('.')
                            .any(|p| p.is_empty() || !p.bytes().all(is_ident))
                    {
                        return Some(Err("invalid metadata string".into()));
                    }
                    Some(Ok(self.derived(|n| n.metadata = s).into_value()))
                }
            }
            _ => match self.field(name) {
                Some(r) if args.is_empty() => Some(r),
                Some(_) => Some(Err(format!(
                    "wrong number of args for {name}: want 0 got {}",
                    args.len()
                ))),
                None => None,
            },
        }
    }

    fn display(&self) -> String {
        self.string()
    }

    /// JSON and YAML serialise it through `MarshalJSON`/`MarshalText`: the
    /// `String()` form.
    fn as_data(&self) -> Option<Value> {
        Some(Value::from(self.string()))
    }
}

fn semver(a: &[Value]) -> Result<Value, FuncError> {
    let s = a[0].as_str().unwrap_or_default();
    Version::parse(s)
        .map(Version::into_value)
        .map_err(FuncError)
}

fn semver_compare(a: &[Value]) -> Result<Value, FuncError> {
    let c = Constraints::parse(a[0].as_str().unwrap_or_default()).map_err(FuncError)?;
    let v = Version::parse(a[1].as_str().unwrap_or_default()).map_err(FuncError)?;
    Ok(Value::Bool(c.check(&v)))
}

pub fn funcs() -> Vec<FuncSpec> {
    vec![
        FuncSpec::new("semver", &[Param::String], semver),
        FuncSpec::new(
            "semverCompare",
            &[Param::String, Param::String],
            semver_compare,
        ),
    ]
}

#[cfg(test)]
mod tests {
    //! Expected values are `helm template` 4.3.1 output for
    //! `{{ semverCompare CONSTRAINT VERSION }}` and friends.

    use super::*;
    use crate::funcs::lists::tests::{call_in, s, show};

    fn call(name: &str, args: &[Value]) -> Result<Value, String> {
        call_in(&funcs(), name, args)
    }
    fn cmp(c: &str, v: &str) -> Result<bool, String> {
        match call("semverCompare", &[s(c), s(v)])? {
            Value::Bool(b) => Ok(b),
            other => panic!("not a bool: {other:?}"),
        }
    }

    #[test]
    fn semver_compare_matches_helm() {
        let cases: &[(&str, &str, bool)] = &[
            (">=1.21-0", "v1.29.3-gke.1093000", true),
            (">=1.21", "v1.29.3-gke.1093000", false),
            (">=1.21-0", "1.20.9", false),
            ("^1.2", "1.9.0", true),
            ("^1.2", "2.0.0", false),
            ("~1.2.3", "1.2.9", true),
            ("~1.2.3", "1.3.0", false),
            ("1.x", "1.5.0", true),
            ("1.x", "2.0.0", false),
            ("<1.0 || >=2.0", "1.5.0", false),
            ("<1.0 || >=2.0", "2.5.0", true),
            (">1.0, <2.0", "1.5.0", true),
            (">1.0 <2.0", "2.5.0", false),
            ("1.2 - 1.4.5", "1.4.5", true),
            ("1.2 - 1.4.5", "1.4.6", false),
            ("*", "1.0.0", true),
            ("*", "1.0.0-alpha", false),
            (">=0.0.0-0", "1.0.0-alpha", true),
            ("!=1.2.3", "1.2.3", false),
            ("=1.2.3", "v1.2.3", true),
            ("1.2.3", "1.2.3+meta", true),
            ("<=1.2", "1.2.9", true),
            (">1.2", "1.2.9", false),
            (">1.2", "1.3.0", true),
            ("^0.2.3", "0.2.9", true),
            ("^0.2.3", "0.3.0", false),
            ("^0.0.3", "0.0.4", false),
            ("~>1.2", "1.9", false),
            ("=>1.2", "1.2", true),
            ("=<1.2", "1.2", true),
            ("1.2.3-beta.2", "1.2.3-beta.10", false),
            (">1.2.3-beta.2", "1.2.3-beta.10", true),
            (">1.2.3-beta.2", "1.2.3-beta.b", true),
            (">= 1.19.0-0", "1.19.0-rc.1", true),
            ("  >=1.2  ,  <3  ", "2.0.0", true),
            ("01.2.3", "1.2.3", true),
            (">=1.2.x", "1.1.5", false),
            ("~0", "0.9.9", true),
            ("~1", "1.9.9", true),
            ("^0", "0.9.9", true),
            ("!=1.x", "1.5.0", false),
            ("!=1.2.x", "1.3.0", true),
            (">=1.2\t", "1.2.3", true),
            (">1.2\n", "1.3", true),
            ("1.2.3 - 2", "2.5.0", true),
            ("1.2.3 - 2", "2.0.0", true),
            ("x.1.2", "7.0.0", true),
            ("1.x.3", "1.7.0", true),
            ("1.2.3, 1.2.4", "1.2.3", false),
            (">=1.0.0-alpha <1.0.0", "1.0.0-beta", true),
            (">=1.0.0 || >=1.0.0-0", "1.0.0-beta", true),
            ("<1.2.3-0", "1.2.3-alpha", false),
            ("1.2.3-alpha", "1.2.3-alpha", true),
            (">=1.2.3+meta", "1.2.3", true),
            ("=1.2.*", "1.2.99", true),
            (">=v1.2", "1.2.0", true),
            ("~1.2.x", "1.2.5-0", false),
            ("^1.x", "1.9.0", true),
            ("^0.x", "0.9.0", true),
            ("^0.0.x", "0.0.9", true),
            ("^0.0", "0.1.0", false),
            ("<=1.x", "1.9.0", true),
            (">1.x", "2.0.0", true),
            (">1.x", "1.9.0", false),
            (">1.2.x", "1.3.0", true),
            (">1.2.x", "1.2.9", false),
        ];
        for (c, v, want) in cases {
            assert_eq!(cmp(c, v), Ok(*want), "semverCompare {c:?} {v:?}");
        }
    }

    #[test]
    fn semver_compare_errors() {
        let cases: &[(&str, &str, &str)] = &[
            (">=1.2", "abc", "invalid semantic version"),
            (">=1.2", "", "invalid semantic version"),
            (">=1.2", "1.2.3.4", "invalid semantic version"),
            (">=1.2", "1.2.3-01", "version segment starts with 0"),
            (">=1.2", "1.2.3-a..b", "invalid semantic version"),
            (
                ">=1.2",
                "99999999999999999999.0.0",
                "error parsing version segment: strconv.ParseUint: parsing \"99999999999999999999\": value out of range",
            ),
            (">=1.2", "v", "invalid semantic version"),
            (">=1.2", "1.2.3-é", "invalid semantic version"),
            ("", "1.2.3", "improper constraint: \"\""),
            ("abc", "1.2.3", "improper constraint: \"abc\""),
            (">=1.2 ||", "1.2.3", "improper constraint: \"\""),
            ("==1.2", "1.2.3", "improper constraint: \"==1.2\""),
            ("1|2", "1.2.3", "constraint parser error"),
            (">=1.2.3-01", "1.2.3", "constraint parser error"),
            ("1 - 2||3 - 4", "1.2.3", "improper constraint: \"3 - 4\""),
            (">=99999999999999999999", "1.2.3", "constraint parser error"),
            ("é", "1.2.3", "improper constraint: \"é\""),
        ];
        for (c, v, want) in cases {
            assert_eq!(
                cmp(c, v),
                Err(want.to_string()),
                "semverCompare {c:?} {v:?}"
            );
        }
    }

    fn field(v: &Value, name: &str) -> Value {
        match v {
            Value::Object(o) => o.field(name).expect("field exists").expect("no error"),
            other => panic!("not an object: {other:?}"),
        }
    }

    #[test]
    fn semver_object() {
        // {{ $v := semver "v1.2.3-beta.1+build.5" }}{{ $v }}|{{ $v.Major }}|...
        let v = call("semver", &[s("v1.2.3-beta.1+build.5")]).unwrap();
        assert_eq!(show(&v), "1.2.3-beta.1+build.5");
        let got: Vec<String> = [
            "Major",
            "Minor",
            "Patch",
            "Prerelease",
            "Metadata",
            "Original",
            "String",
        ]
        .iter()
        .map(|n| show(&field(&v, n)))
        .collect();
        assert_eq!(
            got.join("|"),
            "1|2|3|beta.1|build.5|v1.2.3-beta.1+build.5|1.2.3-beta.1+build.5"
        );
        assert_eq!(v.type_name(), "*semver.Version");
        assert_eq!(v.kind_name(), "ptr");
        assert_eq!(show(&field(&v, "IncPatch")), "1.2.3");
        let minor = field(&v, "IncMinor");
        assert_eq!(show(&minor), "1.3.0");
        assert_eq!(show(&field(&minor, "Major")), "1");
        assert_eq!(field(&v, "IncMajor").type_name(), "semver.Version");
        // Original has a pointer receiver: not on the value IncMinor returns.
        let Value::Object(o) = &minor else {
            unreachable!()
        };
        assert!(o.field("Original").is_none());
        // {{ semver "1" }}|{{ semver "1.2" }}|{{ (semver "1.2.3-0").Prerelease }}
        assert_eq!(show(&call("semver", &[s("1")]).unwrap()), "1.0.0");
        assert_eq!(show(&call("semver", &[s("1.2")]).unwrap()), "1.2.0");
        assert_eq!(
            show(&field(
                &call("semver", &[s("1.2.3-0")]).unwrap(),
                "Prerelease"
            )),
            "0"
        );
        // toJson / toYaml see the String() form
        let Value::Object(o) = &call("semver", &[s("1.2.3")]).unwrap() else {
            unreachable!()
        };
        assert_eq!(o.as_data(), Some(s("1.2.3")));
        assert_eq!(
            call("semver", &[s("foo")]).unwrap_err(),
            "invalid semantic version"
        );
        assert_eq!(
            call("semver", &[s("1.2.3+a+b")]).unwrap_err(),
            "invalid semantic version"
        );
    }

    #[test]
    fn semver_methods() {
        let v = |x: &str| call("semver", &[s(x)]).unwrap();
        let m = |a: &Value, name: &str, b: &Value| match a {
            Value::Object(o) => o.call(name, std::slice::from_ref(b)).unwrap().unwrap(),
            _ => unreachable!(),
        };
        // {{ (semver "1.2.3").Compare (semver "1.3.0") }} ...
        assert_eq!(m(&v("1.2.3"), "Compare", &v("1.3.0")), Value::Int(-1));
        assert_eq!(m(&v("1.2.3"), "LessThan", &v("1.3.0")), Value::Bool(true));
        assert_eq!(
            m(&v("1.2.3"), "GreaterThan", &v("1.3.0")),
            Value::Bool(false)
        );
        assert_eq!(m(&v("1.2.3"), "Equal", &v("1.2.3+x")), Value::Bool(true));
    }

    #[test]
    fn go_quote_escapes() {
        assert_eq!(go_quote("a\"b\\c\n\u{1}é"), "\"a\\\"b\\\\c\\n\\x01é\"");
    }
}
