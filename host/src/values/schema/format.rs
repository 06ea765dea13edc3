//! `format` assertions (draft-04/06/07 schemas, and the metaschemas), with
//! the reasons jsonschema gives (`'x' is not valid email: missing @`).
//! Unknown formats assert nothing.

/// Checks a string against a known format; `None` when the format is not
/// one jsonschema knows (then nothing is asserted).
pub fn check(name: &str, s: &str) -> Option<Result<(), String>> {
    Some(match name {
        "regex" => whelm_template::funcs::regex::compile_go(s).map(|_| ()),
        "ipv4" => ipv4(s),
        "ipv6" => ipv6(s),
        "hostname" => hostname(s),
        "email" => email(s),
        "date" => date(s),
        "time" => time(s),
        "date-time" => date_time(s),
        "uuid" => uuid(s),
        "json-pointer" => json_pointer(s),
        "relative-json-pointer" => relative_json_pointer(s),
        "uri" | "iri" => uri(s),
        "uri-reference" | "iri-reference" => uri_reference(s),
        "duration" => duration(s),
        _ => return None,
    })
}

fn go_char(c: char) -> String {
    whelm_template::gofmt::sprintf("%q", &[whelm_template::Value::Int(c as i64)])
}

fn ipv4(s: &str) -> Result<(), String> {
    let groups: Vec<&str> = s.split('.').collect();
    if groups.len() != 4 {
        return Err("expected four decimals".into());
    }
    for g in groups {
        if g.len() > 1 && g.starts_with('0') {
            return Err("leading zeros".into());
        }
        let n: i64 = atoi(g)?;
        if !(0..=255).contains(&n) {
            return Err("decimal must be between 0 and 255".into());
        }
    }
    Ok(())
}

/// Go's `strconv.Atoi`, with its error text.
fn atoi(s: &str) -> Result<i64, String> {
    let digits = s.strip_prefix(['+', '-']).unwrap_or(s);
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return Err(format!(
            "strconv.Atoi: parsing {}: invalid syntax",
            whelm_template::gofmt::sprintf("%q", &[whelm_template::Value::str(s)])
        ));
    }
    s.parse::<i64>().map_err(|_| {
        format!(
            "strconv.Atoi: parsing {}: value out of range",
            whelm_template::gofmt::sprintf("%q", &[whelm_template::Value::str(s)])
        )
    })
}

fn ipv6(s: &str) -> Result<(), String> {
    if !s.contains(':') {
        return Err("missing colon".into());
    }
    if s.contains('%') {
        return Err("zone id is not a part of ipv6 address".into());
    }
    s.parse::<std::net::Ipv6Addr>().map(|_| ()).map_err(|_| {
        format!(
            "ParseAddr({}): invalid IPv6 address",
            whelm_template::gofmt::sprintf("%q", &[whelm_template::Value::str(s)])
        )
    })
}

fn hostname(s: &str) -> Result<(), String> {
    let s = s.strip_suffix('.').unwrap_or(s);
    if s.len() > 253 {
        return Err("more than 253 characters long".into());
    }
    for label in s.split('.') {
        if label.is_empty() || label.len() > 63 {
            return Err("label must be 1 to 63 characters long".into());
        }
        if label.starts_with('-') {
            return Err("label starts with hyphen".into());
        }
        if label.ends_with('-') {
            return Err("label ends with hyphen".into());
        }
        if let Some(c) = label
            .chars()
            .find(|c| !(c.is_ascii_alphanumeric() || *c == '-'))
        {
            return Err(format!("invalid character {}", go_char(c)));
        }
    }
    Ok(())
}

fn email(s: &str) -> Result<(), String> {
    if s.len() > 254 {
        return Err("more than 255 characters long".into());
    }
    let Some(at) = s.rfind('@') else {
        return Err("missing @".into());
    };
    let (local, domain) = (&s[..at], &s[at + 1..]);
    if local.len() > 64 {
        return Err("local part more than 64 characters long".into());
    }
    if local.len() > 1 && local.starts_with('"') {
        let inner = &local[1..local.len() - 1];
        if inner.contains(['\\', '"']) {
            return Err("backslash and quote are not allowed within quoted local part".into());
        }
    } else {
        if local.starts_with('.') {
            return Err("starts with dot".into());
        }
        if local.ends_with('.') {
            return Err("ends with dot".into());
        }
        if local.contains("..") {
            return Err("consecutive dots".into());
        }
        if let Some(c) = local
            .chars()
            .find(|c| !(c.is_ascii_alphanumeric() || ".!#$%&'*+-/=?^_`{|}~".contains(*c)))
        {
            return Err(format!("invalid character {}", go_char(c)));
        }
    }
    if let Some(inner) = domain.strip_prefix('[').and_then(|d| d.strip_suffix(']')) {
        if let Some(v6) = inner.strip_prefix("IPv6:") {
            return ipv6(v6).map_err(|e| format!("invalid ipv6 address: {e}"));
        }
        return ipv4(inner).map_err(|e| format!("invalid ipv4 address: {e}"));
    }
    hostname(domain).map_err(|e| format!("invalid domain: {e}"))
}

fn days_in_month(y: i64, m: i64) -> i64 {
    match m {
        2 if (y % 4 == 0 && y % 100 != 0) || y % 400 == 0 => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// Go's `time.Parse("2006-01-02", s)`, with its errors.
fn date(s: &str) -> Result<(), String> {
    let q = |x: &str| whelm_template::gofmt::sprintf("%q", &[whelm_template::Value::str(x)]);
    let b = s.as_bytes();
    let num = |r: std::ops::Range<usize>| -> Option<i64> {
        s.get(r)
            .filter(|t| t.bytes().all(|c| c.is_ascii_digit()))
            .and_then(|t| t.parse().ok())
    };
    let cannot = |elem: &str, rest: &str| {
        Err(format!(
            "parsing time {} as \"2006-01-02\": cannot parse {} as {}",
            q(s),
            q(rest),
            q(elem)
        ))
    };
    let Some(y) = num(0..4) else {
        return cannot("2006", s);
    };
    if b.get(4) != Some(&b'-') {
        return cannot("-", &s[4.min(s.len())..]);
    }
    let Some(m) = num(5..7) else {
        return cannot("01", &s[5.min(s.len())..]);
    };
    if !(1..=12).contains(&m) {
        return Err(format!("parsing time {}: month out of range", q(s)));
    }
    if b.get(7) != Some(&b'-') {
        return cannot("-", &s[7.min(s.len())..]);
    }
    let Some(d) = num(8..10) else {
        return cannot("02", &s[8.min(s.len())..]);
    };
    if s.len() > 10 {
        return Err(format!(
            "parsing time {}: extra text: {}",
            q(s),
            q(&s[10..])
        ));
    }
    if d < 1 || d > days_in_month(y, m) {
        return Err(format!("parsing time {}: day out of range", q(s)));
    }
    Ok(())
}

fn leading_digits(s: &str) -> usize {
    s.bytes().take_while(u8::is_ascii_digit).count()
}

fn time(str: &str) -> Result<(), String> {
    if str.len() < 9 {
        return Err("less than 9 characters long".into());
    }
    let b = str.as_bytes();
    if b[2] != b':' || b[5] != b':' {
        return Err("missing colon in correct place".into());
    }
    let mut hms = Vec::new();
    for tok in str.get(..8).unwrap_or("").splitn(3, ':') {
        let i = atoi(tok).map_err(|_| "invalid hour/min/sec".to_string())?;
        if i < 0 {
            return Err("non-positive hour/min/sec".into());
        }
        hms.push(i);
    }
    if hms.len() != 3 {
        return Err("missing hour/min/sec".into());
    }
    let (mut h, mut m, s) = (hms[0], hms[1], hms[2]);
    if h > 23 || m > 59 || s > 60 {
        return Err("hour/min/sec out of range".into());
    }
    let mut rest = &str[8..];
    if let Some(r) = rest.strip_prefix('.') {
        let n = leading_digits(r);
        if n == 0 {
            return Err("no digits in second fraction".into());
        }
        rest = &r[n..];
    }
    if rest != "z" && rest != "Z" {
        if rest.len() != 6 {
            return Err("offset must be 6 characters long".into());
        }
        let sign = match rest.as_bytes()[0] {
            b'+' => -1,
            b'-' => 1,
            _ => return Err("offset must begin with plus/minus".into()),
        };
        let off = &rest[1..];
        if off.as_bytes()[2] != b':' {
            return Err("missing colon in offset in correct place".into());
        }
        let mut zhm = Vec::new();
        for tok in off.splitn(2, ':') {
            let i = atoi(tok).map_err(|_| "invalid hour/min in offset".to_string())?;
            if i < 0 {
                return Err("non-positive hour/min in offset".into());
            }
            zhm.push(i);
        }
        if zhm[0] > 23 || zhm[1] > 59 {
            return Err("hour/min in offset out of range".into());
        }
        let mut hm = h * 60 + m + sign * (zhm[0] * 60 + zhm[1]);
        if hm < 0 {
            hm += 24 * 60;
        }
        h = hm / 60;
        m = hm % 60;
    }
    if s >= 60 && (h != 23 || m != 59) {
        return Err("invalid leap second".into());
    }
    Ok(())
}

fn date_time(s: &str) -> Result<(), String> {
    if s.len() < 20 {
        return Err("less than 20 characters long".into());
    }
    if !matches!(s.as_bytes()[10], b't' | b'T') {
        return Err("11th character must be t or T".into());
    }
    date(&s[..10]).map_err(|e| format!("invalid date element: {e}"))?;
    time(&s[11..]).map_err(|e| format!("invalid time element: {e}"))
}

fn uuid(s: &str) -> Result<(), String> {
    const LENS: [usize; 5] = [8, 4, 4, 4, 12];
    let groups: Vec<&str> = s.split('-').collect();
    if groups.len() != LENS.len() {
        return Err(format!("must have {} elements", LENS.len()));
    }
    for (i, g) in groups.iter().enumerate() {
        if g.len() != LENS[i] {
            return Err(format!(
                "element {} must be {} characters long",
                i + 1,
                LENS[i]
            ));
        }
        if let Some(c) = g.chars().find(|c| !c.is_ascii_hexdigit()) {
            return Err(format!("non-hex character {}", go_char(c)));
        }
    }
    Ok(())
}

fn json_pointer(s: &str) -> Result<(), String> {
    if s.is_empty() {
        return Ok(());
    }
    if !s.starts_with('/') {
        return Err("not starting with /".into());
    }
    for tok in s.split('/').skip(1) {
        let mut escape = false;
        for c in tok.chars() {
            if escape {
                escape = false;
                if c != '0' && c != '1' {
                    return Err("~ must be followed by 0 or 1".into());
                }
                continue;
            }
            if c == '~' {
                escape = true;
            }
        }
        if escape {
            return Err("~ must be followed by 0 or 1".into());
        }
    }
    Ok(())
}

fn relative_json_pointer(s: &str) -> Result<(), String> {
    let n = leading_digits(s);
    if n == 0 {
        return Err("must start with non-negative integer".into());
    }
    if n > 1 && s.starts_with('0') {
        return Err("starts with zero".into());
    }
    let rest = &s[n..];
    if rest == "#" {
        return Ok(());
    }
    json_pointer(rest)
}

/// Go's `url.Parse` checks that commonly fail, worded as Go words them.
fn parse_url(s: &str) -> Result<(), String> {
    let q = |x: &str| whelm_template::gofmt::sprintf("%q", &[whelm_template::Value::str(x)]);
    if s.bytes().any(|b| b < 0x20 || b == 0x7f) {
        return Err(format!(
            "parse {}: net/url: invalid control character in URL",
            q(s)
        ));
    }
    let before_frag = s.split('#').next().unwrap_or("");
    let b = before_frag.as_bytes();
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%' {
            let ok = b.get(i + 1).is_some_and(u8::is_ascii_hexdigit)
                && b.get(i + 2).is_some_and(u8::is_ascii_hexdigit);
            if !ok {
                let esc: String = before_frag[i..].chars().take(3).collect();
                return Err(format!("parse {}: invalid URL escape {}", q(s), q(&esc)));
            }
            i += 3;
        } else {
            i += 1;
        }
    }
    if s.starts_with(':') {
        return Err(format!("parse {}: missing protocol scheme", q(s)));
    }
    if !super::url::is_absolute(before_frag) {
        let first = before_frag.split(['/', '?']).next().unwrap_or("");
        if first.contains(':') {
            return Err(format!(
                "parse {}: first path segment in URL cannot contain colon",
                q(s)
            ));
        }
    }
    Ok(())
}

fn uri(s: &str) -> Result<(), String> {
    parse_url(s)?;
    if !super::url::is_absolute(s.split('#').next().unwrap_or("")) {
        return Err("relative url".into());
    }
    Ok(())
}

fn uri_reference(s: &str) -> Result<(), String> {
    if s.contains('\\') {
        return Err(r"contains \".into());
    }
    parse_url(s)
}

fn duration(s: &str) -> Result<(), String> {
    let Some(mut s) = s.strip_prefix('P') else {
        return Err("must start with P".into());
    };
    if s.is_empty() {
        return Err("nothing after P".into());
    }
    if let Some(w) = s.strip_suffix('W') {
        if w.is_empty() {
            return Err("no number in week".into());
        }
        if !w.bytes().all(|b| b.is_ascii_digit()) {
            return Err("invalid week".into());
        }
        return Ok(());
    }
    const ALL: &str = "YMDTHMS";
    let mut allowed = ALL;
    while !s.is_empty() {
        if let Some(r) = s.strip_prefix('T') {
            if !allowed.contains('T') {
                return Err("more than one T".into());
            }
            allowed = "HMS";
            s = r;
            if s.is_empty() {
                return Err("no time elements".into());
            }
            continue;
        }
        let n = leading_digits(s);
        if n == 0 {
            return Err("missing number".into());
        }
        s = &s[n..];
        let Some(unit) = s.chars().next() else {
            return Err("missing unit".into());
        };
        match allowed.find(unit) {
            Some(i) => allowed = &allowed[i + 1..],
            None if ALL.contains(unit) => {
                return Err(format!("unit {} out of order", go_char(unit)));
            }
            None => return Err(format!("invalid unit {}", go_char(unit))),
        }
        s = &s[unit.len_utf8()..];
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reasons() {
        assert_eq!(check("email", "notmail").unwrap().unwrap_err(), "missing @");
        assert!(check("email", "a.b@example.com").unwrap().is_ok());
        assert_eq!(
            check("ipv4", "1.2.3").unwrap().unwrap_err(),
            "expected four decimals"
        );
        assert!(check("date-time", "2024-02-29T10:00:00Z").unwrap().is_ok());
        assert_eq!(
            check("date", "2023-02-29").unwrap().unwrap_err(),
            r#"parsing time "2023-02-29": day out of range"#
        );
        assert_eq!(check("uri", "a/b").unwrap().unwrap_err(), "relative url");
        assert!(check("uri-reference", "#/$defs/x").unwrap().is_ok());
        assert_eq!(
            check("regex", "([").unwrap().unwrap_err(),
            "error parsing regexp: missing closing ]: `[`"
        );
        assert!(check("no-such-format", "x").is_none());
    }
}
