//! Template functions: Sprig's dates and durations, on a model of Go's
//! `time.Time` (layout-based formatting and parsing, `Duration.String`,
//! `time.ParseDuration`).
//!
//! `Local` is UTC (named "UTC"), which is what helm prints on a machine
//! without a local zone and what a WebAssembly guest can know. IANA zone
//! names are resolved from an embedded copy of the tz database.

use std::rc::Rc;
use std::sync::OnceLock;
use std::time::Instant;

use crate::func::{FuncError, FuncSpec, Param};
use crate::value::{Object, Value};

mod tz;

pub fn funcs() -> Vec<FuncSpec> {
    use Param::*;
    vec![
        FuncSpec::new("now", &[], now),
        FuncSpec::new("date", &[String, Any], date),
        FuncSpec::new("dateInZone", &[String, Any, String], date_in_zone),
        FuncSpec::new("date_in_zone", &[String, Any, String], date_in_zone),
        FuncSpec::new("htmlDate", &[Any], html_date),
        FuncSpec::new("htmlDateInZone", &[Any, String], html_date_in_zone),
        // Go: dateModify(string, time.Time) time.Time; the time is checked here.
        FuncSpec::new("dateModify", &[String, Any], date_modify),
        FuncSpec::new("date_modify", &[String, Any], date_modify),
        FuncSpec::new("mustDateModify", &[String, Any], must_date_modify),
        FuncSpec::new("must_date_modify", &[String, Any], must_date_modify),
        FuncSpec::new("ago", &[Any], ago),
        FuncSpec::new("duration", &[Any], duration),
        FuncSpec::new("durationRound", &[Any], duration_round),
        FuncSpec::new("toDate", &[String, String], to_date),
        FuncSpec::new("mustToDate", &[String, String], must_to_date),
        FuncSpec::new("unixEpoch", &[Any], unix_epoch),
    ]
}

// ---------------------------------------------------------------------------
// Calendar arithmetic

/// Proleptic Gregorian date of a day count from 1970-01-01.
pub(crate) fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    (if m <= 2 { y + 1 } else { y }, m, d)
}

/// Days from 1970-01-01 to a proleptic Gregorian date.
pub(crate) fn days_from_civil(y: i64, m: u32, d: u32) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y.rem_euclid(400);
    let mp = i64::from((m + 9) % 12);
    let doy = (153 * mp + 2) / 5 + i64::from(d) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// Year, month, day, hour, minute, second of a Unix time in UTC.
pub(crate) fn civil_from_unix(t: i64) -> (i64, u32, u32, u32, u32, u32) {
    let (days, secs) = (t.div_euclid(86_400), t.rem_euclid(86_400));
    let (y, m, d) = civil_from_days(days);
    (
        y,
        m,
        d,
        (secs / 3600) as u32,
        (secs / 60 % 60) as u32,
        (secs % 60) as u32,
    )
}

fn is_leap(y: i64) -> bool {
    y % 4 == 0 && (y % 100 != 0 || y % 400 == 0)
}

fn days_in_month(y: i64, m: u32) -> u32 {
    match m {
        2 if is_leap(y) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

const MONTHS: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];
const DAYS: [&str; 7] = [
    "Sunday",
    "Monday",
    "Tuesday",
    "Wednesday",
    "Thursday",
    "Friday",
    "Saturday",
];

// ---------------------------------------------------------------------------
// Locations and times

/// A Go `*time.Location`.
#[derive(Clone, Debug)]
pub enum Location {
    Utc,
    /// `time.Local`; UTC here.
    Local,
    /// `time.FixedZone(name, offset)`.
    Fixed(Rc<str>, i32),
    /// A zone from the tz database.
    Zone(Rc<tz::Zone>),
}

impl Location {
    /// The zone abbreviation and UTC offset in effect at Unix time `t`.
    pub fn lookup(&self, t: i64) -> (Rc<str>, i32) {
        match self {
            Location::Utc | Location::Local => (Rc::from("UTC"), 0),
            Location::Fixed(name, off) => (name.clone(), *off),
            Location::Zone(z) => z.lookup(t),
        }
    }

    /// Go's `Location.String()`.
    fn name(&self) -> std::string::String {
        match self {
            Location::Utc => "UTC".into(),
            Location::Local => "Local".into(),
            Location::Fixed(name, _) => name.to_string(),
            Location::Zone(z) => z.name.clone(),
        }
    }
}

/// Go's `time.LoadLocation`: "" and "UTC" are UTC, "Local" is local, other
/// names come from the tz database.
pub fn load_location(name: &str) -> Option<Location> {
    match name {
        "" | "UTC" => Some(Location::Utc),
        "Local" => Some(Location::Local),
        _ => tz::load(name).map(|z| Location::Zone(Rc::new(z))),
    }
}

/// A Go `time.Time`.
#[derive(Clone, Debug)]
pub struct Time {
    /// Seconds since the Unix epoch.
    pub secs: i64,
    /// Nanoseconds within the second, `0..1e9`.
    pub nsec: u32,
    pub loc: Location,
    /// Go's monotonic clock reading (nanoseconds), present on `now`.
    pub mono: Option<i64>,
}

/// Go's zero time, January 1, year 1, 00:00:00 UTC.
const ZERO_TIME_UNIX: i64 = -62_135_596_800;

fn process_start() -> Instant {
    static START: OnceLock<Instant> = OnceLock::new();
    *START.get_or_init(Instant::now)
}

impl Time {
    pub fn now() -> Time {
        let start = process_start();
        let d = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap_or_default();
        let mono = i64::try_from(start.elapsed().as_nanos()).unwrap_or(i64::MAX);
        Time {
            secs: d.as_secs() as i64,
            nsec: d.subsec_nanos(),
            loc: Location::Local,
            mono: Some(mono),
        }
    }

    pub fn unix(secs: i64, loc: Location) -> Time {
        Time {
            secs,
            nsec: 0,
            loc,
            mono: None,
        }
    }

    fn zero() -> Time {
        Time::unix(ZERO_TIME_UNIX, Location::Utc)
    }

    fn in_loc(&self, loc: Location) -> Time {
        Time {
            loc,
            ..self.clone()
        }
    }

    /// `t.Add(d)` for a duration in nanoseconds (keeps the monotonic reading).
    fn add(&self, d: i64) -> Time {
        let total = i128::from(self.nsec) + i128::from(d);
        let secs = self
            .secs
            .saturating_add(total.div_euclid(1_000_000_000) as i64);
        Time {
            secs,
            nsec: total.rem_euclid(1_000_000_000) as u32,
            loc: self.loc.clone(),
            mono: self.mono.map(|m| m.wrapping_add(d)),
        }
    }

    /// Nanoseconds from `other` to `self`, saturating like Go's `Sub`.
    fn sub(&self, other: &Time) -> i64 {
        let d = (i128::from(self.secs) - i128::from(other.secs)) * 1_000_000_000
            + i128::from(self.nsec)
            - i128::from(other.nsec);
        d.clamp(i128::from(i64::MIN), i128::from(i64::MAX)) as i64
    }

    fn fields(&self) -> Fields {
        let (zone, offset) = self.loc.lookup(self.secs);
        let local = self.secs + i64::from(offset);
        let days = local.div_euclid(86_400);
        let (year, month, day) = civil_from_days(days);
        let secs = local.rem_euclid(86_400) as u32;
        Fields {
            year,
            month,
            day,
            yday: (days - days_from_civil(year, 1, 1) + 1) as u32,
            weekday: (days + 4).rem_euclid(7) as usize,
            hour: secs / 3600,
            min: secs / 60 % 60,
            sec: secs % 60,
            nsec: self.nsec,
            zone,
            offset,
        }
    }

    /// Go's `Time.Format`.
    pub fn format(&self, layout: &str) -> std::string::String {
        format_time(&self.fields(), layout)
    }

    /// Go's `Time.String`: the default layout plus the monotonic reading.
    pub fn go_string(&self) -> std::string::String {
        let mut s = self.format("2006-01-02 15:04:05.999999999 -0700 MST");
        if let Some(m) = self.mono {
            let sign = if m < 0 { '-' } else { '+' };
            let m = m.unsigned_abs();
            s.push_str(&format!(
                " m={sign}{}.{:09}",
                m / 1_000_000_000,
                m % 1_000_000_000
            ));
        }
        s
    }

    fn same_instant(&self, other: &Time) -> bool {
        self.secs == other.secs && self.nsec == other.nsec
    }
}

struct Fields {
    year: i64,
    month: u32,
    day: u32,
    yday: u32,
    weekday: usize,
    hour: u32,
    min: u32,
    sec: u32,
    nsec: u32,
    zone: Rc<str>,
    offset: i32,
}

impl Object for Time {
    fn type_name(&self) -> &str {
        "time.Time"
    }

    fn field(&self, name: &str) -> Option<Result<Value, std::string::String>> {
        let f = || self.fields();
        let v = match name {
            "Unix" => Value::Int64(self.secs),
            "UnixMilli" => {
                Value::Int64(self.secs.wrapping_mul(1000) + i64::from(self.nsec / 1_000_000))
            }
            "UnixMicro" => {
                Value::Int64(self.secs.wrapping_mul(1_000_000) + i64::from(self.nsec / 1000))
            }
            "UnixNano" => {
                Value::Int64(self.secs.wrapping_mul(1_000_000_000) + i64::from(self.nsec))
            }
            "Year" => Value::Int(f().year),
            "Month" => Value::str(MONTHS[f().month as usize - 1]),
            "Day" => Value::Int(i64::from(f().day)),
            "Hour" => Value::Int(i64::from(f().hour)),
            "Minute" => Value::Int(i64::from(f().min)),
            "Second" => Value::Int(i64::from(f().sec)),
            "Nanosecond" => Value::Int(i64::from(self.nsec)),
            "YearDay" => Value::Int(i64::from(f().yday)),
            "Weekday" => Value::str(DAYS[f().weekday]),
            "IsZero" => Value::Bool(self.secs == ZERO_TIME_UNIX && self.nsec == 0),
            "String" => Value::from(self.go_string()),
            "Location" => Value::from(self.loc.name()),
            "UTC" => time_value(Time {
                mono: None,
                ..self.in_loc(Location::Utc)
            }),
            "Local" => time_value(Time {
                mono: None,
                ..self.in_loc(Location::Local)
            }),
            _ => return None,
        };
        Some(Ok(v))
    }

    fn call(&self, name: &str, args: &[Value]) -> Option<Result<Value, std::string::String>> {
        let int = |i: usize| match args.get(i) {
            Some(Value::Int(n) | Value::Int64(n)) => Ok(*n),
            Some(v) => Err(format!(
                "wrong type for value; expected int; got {}",
                v.type_name()
            )),
            None => Err("wrong number of args".into()),
        };
        let other = |i: usize| {
            args.get(i).and_then(as_time).ok_or_else(|| {
                format!(
                    "wrong type for value; expected time.Time; got {}",
                    args.get(i)
                        .map(Value::type_name)
                        .unwrap_or_else(|| "<nil>".into())
                )
            })
        };
        Some(match name {
            "Format" => match args.first() {
                Some(Value::String(l)) => Ok(Value::from(self.format(l))),
                _ => Err("wrong type for value; expected string".into()),
            },
            "Add" => int(0).map(|d| time_value(self.add(d))),
            "AddDate" => (|| {
                let (y, m, d) = (int(0)?, int(1)?, int(2)?);
                Ok(time_value(self.add_date(y, m, d)))
            })(),
            "Sub" => other(0).map(|o| Value::from(duration_string(self.sub(&o)))),
            "Before" => other(0).map(|o| Value::Bool(self.sub(&o) < 0)),
            "After" => other(0).map(|o| Value::Bool(self.sub(&o) > 0)),
            "Equal" => other(0).map(|o| Value::Bool(self.same_instant(&o))),
            _ => return None,
        })
    }

    fn display(&self) -> std::string::String {
        self.go_string()
    }

    fn as_any(&self) -> Option<&dyn std::any::Any> {
        Some(self)
    }

    /// `encoding/json` (and so `toJson`/`toYaml`) write RFC 3339 with nanoseconds.
    fn as_data(&self) -> Option<Value> {
        Some(Value::from(
            self.format("2006-01-02T15:04:05.999999999Z07:00"),
        ))
    }
}

impl Time {
    /// Go's `AddDate`: normalise year/month/day overflow like `time.Date`.
    fn add_date(&self, years: i64, months: i64, days: i64) -> Time {
        let f = self.fields();
        let (mut y, mut m) = (
            f.year.saturating_add(years),
            i64::from(f.month) - 1 + months,
        );
        y = y.saturating_add(m.div_euclid(12));
        m = m.rem_euclid(12);
        let day_count = days_from_civil(y, m as u32 + 1, 1) + i64::from(f.day) - 1 + days;
        let local = day_count * 86_400 + i64::from(f.hour * 3600 + f.min * 60 + f.sec);
        Time {
            secs: local - i64::from(f.offset),
            nsec: self.nsec,
            loc: self.loc.clone(),
            mono: None,
        }
    }
}

pub fn time_value(t: Time) -> Value {
    Value::Object(Rc::new(t))
}

/// The `Time` behind a template value, when it is one.
fn as_time(v: &Value) -> Option<Time> {
    let Value::Object(o) = v else { return None };
    o.as_any()?.downcast_ref::<Time>().cloned()
}

// ---------------------------------------------------------------------------
// Go layouts

#[derive(Clone, Copy, Debug, PartialEq)]
enum Std {
    LongMonth,
    Month,
    NumMonth,
    ZeroMonth,
    LongWeekDay,
    WeekDay,
    Day,
    UnderDay,
    ZeroDay,
    UnderYearDay,
    ZeroYearDay,
    Hour,
    Hour12,
    ZeroHour12,
    Minute,
    ZeroMinute,
    Second,
    ZeroSecond,
    LongYear,
    Year,
    PM,
    Pm,
    Tz,
    Iso8601Tz,
    Iso8601SecondsTz,
    Iso8601ShortTz,
    Iso8601ColonTz,
    Iso8601ColonSecondsTz,
    NumTz,
    NumSecondsTz,
    NumShortTz,
    NumColonTz,
    NumColonSecondsTz,
    /// Fractional seconds: separator, digit count, and whether trailing
    /// zeros are trimmed ('9') or kept ('0').
    Frac(u8, usize, bool),
}

fn lower_start(s: &[u8]) -> bool {
    s.first().is_some_and(u8::is_ascii_lowercase)
}

/// Go's `nextStdChunk`: the literal prefix, the element, and the rest.
fn next_chunk(layout: &str) -> (&str, Option<Std>, &str) {
    let b = layout.as_bytes();
    let at = |i: usize, s: &str| b.get(i..i + s.len()) == Some(s.as_bytes());
    for i in 0..b.len() {
        let found: Option<(Std, usize)> = match b[i] {
            b'J' if at(i, "Jan") => {
                if at(i, "January") {
                    Some((Std::LongMonth, 7))
                } else if !lower_start(&b[i + 3..]) {
                    Some((Std::Month, 3))
                } else {
                    None
                }
            }
            b'M' if at(i, "Mon") => {
                if at(i, "Monday") {
                    Some((Std::LongWeekDay, 6))
                } else if !lower_start(&b[i + 3..]) {
                    Some((Std::WeekDay, 3))
                } else {
                    None
                }
            }
            b'M' if at(i, "MST") => Some((Std::Tz, 3)),
            b'0' => match b.get(i + 1) {
                Some(b'1') => Some((Std::ZeroMonth, 2)),
                Some(b'2') => Some((Std::ZeroDay, 2)),
                Some(b'3') => Some((Std::ZeroHour12, 2)),
                Some(b'4') => Some((Std::ZeroMinute, 2)),
                Some(b'5') => Some((Std::ZeroSecond, 2)),
                Some(b'6') => Some((Std::Year, 2)),
                Some(b'0') if b.get(i + 2) == Some(&b'2') => Some((Std::ZeroYearDay, 3)),
                _ => None,
            },
            b'1' => {
                if b.get(i + 1) == Some(&b'5') {
                    Some((Std::Hour, 2))
                } else {
                    Some((Std::NumMonth, 1))
                }
            }
            b'2' => {
                if at(i, "2006") {
                    Some((Std::LongYear, 4))
                } else {
                    Some((Std::Day, 1))
                }
            }
            b'_' => {
                if b.get(i + 1) == Some(&b'2') {
                    if at(i + 1, "2006") {
                        // "_2006" is a literal '_' then the long year.
                        return (&layout[..i + 1], Some(Std::LongYear), &layout[i + 5..]);
                    }
                    Some((Std::UnderDay, 2))
                } else if at(i, "__2") {
                    Some((Std::UnderYearDay, 3))
                } else {
                    None
                }
            }
            b'3' => Some((Std::Hour12, 1)),
            b'4' => Some((Std::Minute, 1)),
            b'5' => Some((Std::Second, 1)),
            b'P' if b.get(i + 1) == Some(&b'M') => Some((Std::PM, 2)),
            b'p' if b.get(i + 1) == Some(&b'm') => Some((Std::Pm, 2)),
            b'-' => [
                ("-07:00:00", Std::NumColonSecondsTz),
                ("-070000", Std::NumSecondsTz),
                ("-07:00", Std::NumColonTz),
                ("-0700", Std::NumTz),
                ("-07", Std::NumShortTz),
            ]
            .into_iter()
            .find(|(p, _)| at(i, p))
            .map(|(p, s)| (s, p.len())),
            b'Z' => [
                ("Z07:00:00", Std::Iso8601ColonSecondsTz),
                ("Z070000", Std::Iso8601SecondsTz),
                ("Z07:00", Std::Iso8601ColonTz),
                ("Z0700", Std::Iso8601Tz),
                ("Z07", Std::Iso8601ShortTz),
            ]
            .into_iter()
            .find(|(p, _)| at(i, p))
            .map(|(p, s)| (s, p.len())),
            c @ (b'.' | b',') if matches!(b.get(i + 1), Some(b'0' | b'9')) => {
                let ch = b[i + 1];
                let mut j = i + 1;
                while j < b.len() && b[j] == ch {
                    j += 1;
                }
                if b.get(j).is_some_and(u8::is_ascii_digit) {
                    None
                } else {
                    Some((Std::Frac(c, j - i - 1, ch == b'9'), j - i))
                }
            }
            _ => None,
        };
        if let Some((std, len)) = found {
            return (&layout[..i], Some(std), &layout[i + len..]);
        }
    }
    (layout, None, "")
}

/// Go's `appendInt` with zero padding to `width` digits.
fn pad(out: &mut std::string::String, v: i64, width: usize) {
    if v < 0 {
        out.push('-');
    }
    out.push_str(&format!("{:0width$}", v.unsigned_abs()));
}

fn format_time(f: &Fields, layout: &str) -> std::string::String {
    let mut out = std::string::String::new();
    let mut rest = layout;
    while !rest.is_empty() {
        let (prefix, std, tail) = next_chunk(rest);
        out.push_str(prefix);
        rest = tail;
        let Some(std) = std else { break };
        match std {
            Std::Year => pad(&mut out, (f.year % 100).abs(), 2),
            Std::LongYear => pad(&mut out, f.year, 4),
            Std::Month => out.push_str(&MONTHS[f.month as usize - 1][..3]),
            Std::LongMonth => out.push_str(MONTHS[f.month as usize - 1]),
            Std::NumMonth => pad(&mut out, i64::from(f.month), 0),
            Std::ZeroMonth => pad(&mut out, i64::from(f.month), 2),
            Std::WeekDay => out.push_str(&DAYS[f.weekday][..3]),
            Std::LongWeekDay => out.push_str(DAYS[f.weekday]),
            Std::Day => pad(&mut out, i64::from(f.day), 0),
            Std::UnderDay => {
                if f.day < 10 {
                    out.push(' ');
                }
                pad(&mut out, i64::from(f.day), 0);
            }
            Std::ZeroDay => pad(&mut out, i64::from(f.day), 2),
            Std::UnderYearDay => out.push_str(&format!("{:>3}", f.yday)),
            Std::ZeroYearDay => pad(&mut out, i64::from(f.yday), 3),
            Std::Hour => pad(&mut out, i64::from(f.hour), 2),
            Std::Hour12 | Std::ZeroHour12 => {
                let h = if f.hour.is_multiple_of(12) {
                    12
                } else {
                    f.hour % 12
                };
                pad(
                    &mut out,
                    i64::from(h),
                    if std == Std::Hour12 { 0 } else { 2 },
                );
            }
            Std::Minute => pad(&mut out, i64::from(f.min), 0),
            Std::ZeroMinute => pad(&mut out, i64::from(f.min), 2),
            Std::Second => pad(&mut out, i64::from(f.sec), 0),
            Std::ZeroSecond => pad(&mut out, i64::from(f.sec), 2),
            Std::PM => out.push_str(if f.hour >= 12 { "PM" } else { "AM" }),
            Std::Pm => out.push_str(if f.hour >= 12 { "pm" } else { "am" }),
            Std::Tz => {
                if f.zone.is_empty() {
                    let m = f.offset / 60;
                    out.push(if m < 0 { '-' } else { '+' });
                    pad(&mut out, i64::from(m.abs() / 60), 2);
                    pad(&mut out, i64::from(m.abs() % 60), 2);
                } else {
                    out.push_str(&f.zone);
                }
            }
            Std::Frac(sep, digits, trim) => {
                let digits = digits.min(9);
                let s = format!("{:09}", f.nsec);
                let mut d = &s[..digits];
                if trim {
                    d = d.trim_end_matches('0');
                    if d.is_empty() {
                        continue;
                    }
                }
                out.push(sep as char);
                out.push_str(d);
            }
            tz => {
                let iso = matches!(
                    tz,
                    Std::Iso8601Tz
                        | Std::Iso8601SecondsTz
                        | Std::Iso8601ShortTz
                        | Std::Iso8601ColonTz
                        | Std::Iso8601ColonSecondsTz
                );
                if iso && f.offset == 0 {
                    out.push('Z');
                    continue;
                }
                let colon = matches!(
                    tz,
                    Std::Iso8601ColonTz
                        | Std::Iso8601ColonSecondsTz
                        | Std::NumColonTz
                        | Std::NumColonSecondsTz
                );
                let short = matches!(tz, Std::Iso8601ShortTz | Std::NumShortTz);
                let seconds = matches!(
                    tz,
                    Std::Iso8601SecondsTz
                        | Std::Iso8601ColonSecondsTz
                        | Std::NumSecondsTz
                        | Std::NumColonSecondsTz
                );
                let abs = f.offset.abs();
                out.push(if f.offset < 0 { '-' } else { '+' });
                pad(&mut out, i64::from(abs / 3600), 2);
                if !short {
                    if colon {
                        out.push(':');
                    }
                    pad(&mut out, i64::from(abs / 60 % 60), 2);
                }
                if seconds {
                    if colon {
                        out.push(':');
                    }
                    pad(&mut out, i64::from(abs % 60), 2);
                }
            }
        }
    }
    out
}

// ---------------------------------------------------------------------------
// Durations

/// Go's `time.Duration.String`.
pub fn duration_string(d: i64) -> std::string::String {
    if d == 0 {
        return "0s".into();
    }
    let neg = d < 0;
    let u = d.unsigned_abs();
    let frac = |v: u64, prec: u32| {
        let p = 10u64.pow(prec);
        let f = format!("{:0w$}", v % p, w = prec as usize);
        let f = f.trim_end_matches('0');
        if f.is_empty() {
            format!("{}", v / p)
        } else {
            format!("{}.{f}", v / p)
        }
    };
    let body = if u < 1_000_000_000 {
        if u < 1000 {
            format!("{u}ns")
        } else if u < 1_000_000 {
            format!("{}µs", frac(u, 3))
        } else {
            format!("{}ms", frac(u, 6))
        }
    } else {
        let secs = frac(u % 60_000_000_000, 9);
        let mins = u / 60_000_000_000;
        if mins == 0 {
            format!("{secs}s")
        } else if mins < 60 {
            format!("{mins}m{secs}s")
        } else {
            format!("{}h{}m{secs}s", mins / 60, mins % 60)
        }
    };
    if neg { format!("-{body}") } else { body }
}

/// Go's `time.quote` (used in duration and parse errors).
fn go_quote(s: &str) -> std::string::String {
    let mut out = std::string::String::from("\"");
    for c in s.chars() {
        if (c as u32) < 0x20 || !c.is_ascii() {
            let mut buf = [0u8; 4];
            for b in c.encode_utf8(&mut buf).bytes() {
                out.push_str(&format!("\\x{b:02x}"));
            }
        } else {
            if c == '"' || c == '\\' {
                out.push('\\');
            }
            out.push(c);
        }
    }
    out.push('"');
    out
}

/// Go's `time.ParseDuration`.
pub fn parse_duration(orig: &str) -> Result<i64, std::string::String> {
    const LIMIT: u64 = 1 << 63;
    let invalid = || format!("time: invalid duration {}", go_quote(orig));
    let mut s = orig;
    let mut neg = false;
    if let Some(r) = s.strip_prefix('-') {
        neg = true;
        s = r;
    } else if let Some(r) = s.strip_prefix('+') {
        s = r;
    }
    if s == "0" {
        return Ok(0);
    }
    if s.is_empty() {
        return Err(invalid());
    }
    let mut total: u64 = 0;
    while !s.is_empty() {
        let b = s.as_bytes();
        if !(b[0] == b'.' || b[0].is_ascii_digit()) {
            return Err(invalid());
        }
        // Integer part.
        let n = b.iter().take_while(|c| c.is_ascii_digit()).count();
        let mut v: u64 = 0;
        for &c in &b[..n] {
            if v > LIMIT / 10 {
                return Err(invalid());
            }
            v = v * 10 + u64::from(c - b'0');
            if v > LIMIT {
                return Err(invalid());
            }
        }
        s = &s[n..];
        let pre = n > 0;
        // Fraction.
        let (mut f, mut scale, mut post) = (0u64, 1f64, false);
        if let Some(r) = s.strip_prefix('.') {
            s = r;
            let m = s.bytes().take_while(u8::is_ascii_digit).count();
            let mut overflow = false;
            for c in s[..m].bytes() {
                if overflow {
                    continue;
                }
                if f > (LIMIT - 1) / 10 {
                    overflow = true;
                    continue;
                }
                let y = f * 10 + u64::from(c - b'0');
                if y > LIMIT {
                    overflow = true;
                    continue;
                }
                f = y;
                scale *= 10.0;
            }
            s = &s[m..];
            post = m > 0;
        }
        if !pre && !post {
            return Err(invalid());
        }
        // Unit.
        let u = s
            .bytes()
            .take_while(|&c| c != b'.' && !c.is_ascii_digit())
            .count();
        if u == 0 {
            return Err(format!("time: missing unit in duration {}", go_quote(orig)));
        }
        let unit_str = &s[..u];
        s = &s[u..];
        let unit: u64 = match unit_str {
            "ns" => 1,
            "us" | "µs" | "μs" => 1_000,
            "ms" => 1_000_000,
            "s" => 1_000_000_000,
            "m" => 60_000_000_000,
            "h" => 3_600_000_000_000,
            _ => {
                return Err(format!(
                    "time: unknown unit {} in duration {}",
                    go_quote(unit_str),
                    go_quote(orig)
                ));
            }
        };
        if v > LIMIT / unit {
            return Err(invalid());
        }
        v *= unit;
        if f > 0 {
            v += (f as f64 * (unit as f64 / scale)) as u64;
            if v > LIMIT {
                return Err(invalid());
            }
        }
        total += v;
        if total > LIMIT {
            return Err(invalid());
        }
    }
    if neg {
        return Ok((total as i64).wrapping_neg());
    }
    if total > LIMIT - 1 {
        return Err(invalid());
    }
    Ok(total as i64)
}

// ---------------------------------------------------------------------------
// Parsing (Go's time.Parse)

fn parse_error(
    value: &str,
    layout: &str,
    value_elem: &str,
    layout_elem: &str,
) -> std::string::String {
    format!(
        "parsing time {} as {}: cannot parse {} as {}",
        go_quote(value),
        go_quote(layout),
        go_quote(value_elem),
        go_quote(layout_elem)
    )
}

/// Up to two digits (exactly two when `fixed`), as Go's `getnum`.
fn getnum(s: &str, fixed: bool) -> Option<(u32, &str)> {
    let b = s.as_bytes();
    if !b.first()?.is_ascii_digit() {
        return None;
    }
    if !b.get(1).is_some_and(u8::is_ascii_digit) {
        if fixed {
            return None;
        }
        return Some((u32::from(b[0] - b'0'), &s[1..]));
    }
    Some((
        u32::from(b[0] - b'0') * 10 + u32::from(b[1] - b'0'),
        &s[2..],
    ))
}

fn lookup_name<'a>(names: &[&str], s: &'a str, len: Option<usize>) -> Option<(usize, &'a str)> {
    for (i, n) in names.iter().enumerate() {
        let n = match len {
            Some(l) => &n[..l],
            None => n,
        };
        if let Some(head) = s.get(..n.len())
            && head.eq_ignore_ascii_case(n)
        {
            return Some((i, &s[n.len()..]));
        }
    }
    None
}

/// Length of a time zone abbreviation at the start of `s` (Go's
/// `parseTimeZone`), or `None`.
fn zone_name_len(s: &str) -> Option<usize> {
    let b = s.as_bytes();
    if b.len() < 3 {
        return None;
    }
    if b.len() >= 4 && (&s[..4] == "ChST" || &s[..4] == "MeST") {
        return Some(4);
    }
    if &s[..3] == "GMT" {
        // GMT, optionally followed by a signed hour offset.
        let rest = &b[3..];
        if rest.is_empty() || !matches!(rest[0], b'+' | b'-') {
            return Some(3);
        }
        let digits = rest[1..].iter().take_while(|c| c.is_ascii_digit()).count();
        if digits == 0 {
            return Some(3);
        }
        let n: i64 = s[4..4 + digits].parse().unwrap_or(99);
        if n == 0 || n > 24 || (rest[1] == b'0' && digits > 1) {
            return Some(3);
        }
        return Some(4 + digits);
    }
    if matches!(b[0], b'+' | b'-') {
        // "+hh" / "-hhmm" style numeric abbreviations.
        let digits = b[1..].iter().take_while(|c| c.is_ascii_digit()).count();
        return matches!(digits, 2 | 4).then_some(1 + digits);
    }
    let upper = b.iter().take_while(|c| c.is_ascii_uppercase()).count();
    match upper {
        0..=2 => None,
        3 => Some(3),
        4 => Some(if b[3] == b'T' || &s[..4] == "WITA" {
            4
        } else {
            3
        })
        .filter(|&n| n == 4 || upper >= 3),
        5 if b[4] == b'T' => Some(5),
        _ => None,
    }
}

/// Go's `time.ParseInLocation(layout, value, Local)`.
fn parse_time(layout: &str, value: &str) -> Result<Time, std::string::String> {
    let (alayout, avalue) = (layout, value);
    let mut layout = layout;
    let mut value = value;
    let (mut year, mut month, mut day, mut yday) = (0i64, -1i64, -1i64, -1i64);
    let (mut hour, mut min, mut sec, mut nsec) = (0u32, 0u32, 0u32, 0u32);
    let mut pm_set = false;
    let mut am_set = false;
    let mut zone_offset: Option<i32> = None;
    let mut zone_name: Option<std::string::String> = None;
    let mut utc = false;
    let range_err = |what: &str| format!("parsing time {}: {what} out of range", go_quote(avalue));
    loop {
        let (prefix, std, suffix) = next_chunk(layout);
        let std_str = &layout[prefix.len()..layout.len() - suffix.len()];
        // The literal prefix must match (Go skips matching spaces loosely).
        match skip_prefix(value, prefix) {
            Ok(v) => value = v,
            Err(at) => return Err(parse_error(avalue, alayout, at, prefix)),
        }
        let Some(std) = std else {
            if !value.is_empty() {
                return Err(format!(
                    "parsing time {}: extra text: {}",
                    go_quote(avalue),
                    go_quote(value)
                ));
            }
            break;
        };
        layout = suffix;
        let hold = value;
        let bad = || parse_error(avalue, alayout, hold, std_str);
        match std {
            Std::Year => {
                let (n, r) = getnum(value, true).ok_or_else(bad)?;
                year = i64::from(n) + if n >= 69 { 1900 } else { 2000 };
                value = r;
            }
            Std::LongYear => {
                let b = value.as_bytes();
                if b.len() < 4 || !b[..4].iter().all(u8::is_ascii_digit) {
                    return Err(bad());
                }
                year = value[..4].parse().map_err(|_| bad())?;
                value = &value[4..];
            }
            Std::Month | Std::LongMonth => {
                let (i, r) = lookup_name(&MONTHS, value, (std == Std::Month).then_some(3))
                    .ok_or_else(bad)?;
                month = i as i64 + 1;
                value = r;
            }
            Std::NumMonth | Std::ZeroMonth => {
                let (n, r) = getnum(value, std == Std::ZeroMonth).ok_or_else(bad)?;
                if !(1..=12).contains(&n) {
                    return Err(range_err("month"));
                }
                month = i64::from(n);
                value = r;
            }
            Std::WeekDay | Std::LongWeekDay => {
                let (_, r) = lookup_name(&DAYS, value, (std == Std::WeekDay).then_some(3))
                    .ok_or_else(bad)?;
                value = r;
            }
            Std::Day | Std::UnderDay | Std::ZeroDay => {
                if std == Std::UnderDay && value.starts_with(' ') {
                    value = &value[1..];
                }
                let (n, r) = getnum(value, std == Std::ZeroDay).ok_or_else(bad)?;
                day = i64::from(n);
                value = r;
            }
            Std::UnderYearDay | Std::ZeroYearDay => {
                for _ in 0..2 {
                    if std == Std::UnderYearDay && value.starts_with(' ') {
                        value = &value[1..];
                    }
                }
                let n = value.bytes().take(3).take_while(u8::is_ascii_digit).count();
                if n == 0 || (std == Std::ZeroYearDay && n < 3) {
                    return Err(bad());
                }
                yday = value[..n].parse().map_err(|_| bad())?;
                value = &value[n..];
            }
            Std::Hour => {
                let (n, r) = getnum(value, false).ok_or_else(bad)?;
                if n >= 24 {
                    return Err(range_err("hour"));
                }
                hour = n;
                value = r;
            }
            Std::Hour12 | Std::ZeroHour12 => {
                let (n, r) = getnum(value, std == Std::ZeroHour12).ok_or_else(bad)?;
                if n > 12 {
                    return Err(range_err("hour"));
                }
                hour = n;
                value = r;
            }
            Std::Minute | Std::ZeroMinute => {
                let (n, r) = getnum(value, std == Std::ZeroMinute).ok_or_else(bad)?;
                if n >= 60 {
                    return Err(range_err("minute"));
                }
                min = n;
                value = r;
            }
            Std::Second | Std::ZeroSecond => {
                let (n, r) = getnum(value, std == Std::ZeroSecond).ok_or_else(bad)?;
                if n >= 60 {
                    return Err(range_err("second"));
                }
                sec = n;
                value = r;
                // A fractional second in the value that the layout lacks.
                let b = value.as_bytes();
                let next_is_frac = matches!(next_chunk(layout).1, Some(Std::Frac(..)));
                if b.len() >= 2
                    && matches!(b[0], b'.' | b',')
                    && b[1].is_ascii_digit()
                    && !next_is_frac
                {
                    let n = 1 + b[1..].iter().take_while(|c| c.is_ascii_digit()).count();
                    nsec = frac_nanos(&value[1..n]);
                    value = &value[n..];
                }
            }
            Std::PM | Std::Pm => {
                let head = value.get(..2).ok_or_else(bad)?;
                let (p, a) = if std == Std::PM {
                    ("PM", "AM")
                } else {
                    ("pm", "am")
                };
                if head == p {
                    pm_set = true;
                } else if head == a {
                    am_set = true;
                } else {
                    return Err(bad());
                }
                value = &value[2..];
            }
            Std::Tz => {
                if value.starts_with("UTC") {
                    utc = true;
                    value = &value[3..];
                    continue;
                }
                let n = zone_name_len(value).ok_or_else(bad)?;
                zone_name = Some(value[..n].to_string());
                value = &value[n..];
            }
            Std::Frac(_, digits, trim) => {
                let b = value.as_bytes();
                if trim {
                    // Optional: a separator and any digits.
                    if b.len() >= 2 && matches!(b[0], b'.' | b',') && b[1].is_ascii_digit() {
                        let n = 1 + b[1..].iter().take_while(|c| c.is_ascii_digit()).count();
                        nsec = frac_nanos(&value[1..n]);
                        value = &value[n..];
                    }
                } else {
                    let n = 1 + digits;
                    if b.len() < n
                        || !matches!(b[0], b'.' | b',')
                        || !b[1..n].iter().all(u8::is_ascii_digit)
                    {
                        return Err(bad());
                    }
                    nsec = frac_nanos(&value[1..n]);
                    value = &value[n..];
                }
            }
            tz => {
                let iso = matches!(
                    tz,
                    Std::Iso8601Tz
                        | Std::Iso8601SecondsTz
                        | Std::Iso8601ShortTz
                        | Std::Iso8601ColonTz
                        | Std::Iso8601ColonSecondsTz
                );
                if iso && value.starts_with('Z') {
                    value = &value[1..];
                    utc = true;
                    continue;
                }
                let colon = matches!(
                    tz,
                    Std::Iso8601ColonTz
                        | Std::Iso8601ColonSecondsTz
                        | Std::NumColonTz
                        | Std::NumColonSecondsTz
                );
                let short = matches!(tz, Std::Iso8601ShortTz | Std::NumShortTz);
                let seconds = matches!(
                    tz,
                    Std::Iso8601SecondsTz
                        | Std::Iso8601ColonSecondsTz
                        | Std::NumSecondsTz
                        | Std::NumColonSecondsTz
                );
                let b = value.as_bytes();
                let mut pattern = std::string::String::from("s99");
                if !short {
                    pattern.push_str(if colon { ":99" } else { "99" });
                }
                if seconds {
                    pattern.push_str(if colon { ":99" } else { "99" });
                }
                let p = pattern.as_bytes();
                if b.len() < p.len() {
                    return Err(bad());
                }
                for (i, &pc) in p.iter().enumerate() {
                    let ok = match pc {
                        b's' => matches!(b[i], b'+' | b'-'),
                        b'9' => b[i].is_ascii_digit(),
                        c => b[i] == c,
                    };
                    if !ok {
                        return Err(bad());
                    }
                }
                let digits: Vec<i32> = b[..p.len()]
                    .iter()
                    .filter(|c| c.is_ascii_digit())
                    .map(|c| i32::from(c - b'0'))
                    .collect();
                let hh = digits[0] * 10 + digits[1];
                let mm = digits.get(2..4).map_or(0, |d| d[0] * 10 + d[1]);
                let ss = digits.get(4..6).map_or(0, |d| d[0] * 10 + d[1]);
                for (v, what) in [(hh, "hour"), (mm, "minute"), (ss, "second")] {
                    if v > if what == "hour" { 24 } else { 60 } {
                        return Err(range_err(&format!("time zone offset {what}")));
                    }
                }
                let off = hh * 3600 + mm * 60 + ss;
                zone_offset = Some(if b[0] == b'-' { -off } else { off });
                value = &value[p.len()..];
            }
        }
    }
    if pm_set && hour < 12 {
        hour += 12;
    } else if am_set && hour == 12 {
        hour = 0;
    }
    // Day of year fills in month and day.
    if yday >= 0 {
        let (mut d, mut m) = (0i64, 0i64);
        if is_leap(year) {
            if yday == 31 + 29 {
                m = 2;
                d = 29;
            } else if yday > 31 + 29 {
                d = yday - 1;
            }
        }
        if m == 0 {
            d = if d == 0 { yday } else { d };
            if !(1..=365).contains(&d) {
                return Err(range_err("day-of-year"));
            }
            m = 1;
            let mut left = d;
            while m <= 12 && left > i64::from(days_in_month(2001, m as u32)) {
                left -= i64::from(days_in_month(2001, m as u32));
                m += 1;
            }
            d = left;
        }
        if (month >= 0 && month != m) || (day >= 0 && day != d) {
            return Err(range_err("day-of-year"));
        }
        month = m;
        day = d;
    } else {
        if month < 0 {
            month = 1;
        }
        if day < 0 {
            day = 1;
        }
    }
    if day < 1 || day > i64::from(days_in_month(year, month as u32)) {
        return Err(range_err("day"));
    }
    let local = days_from_civil(year, month as u32, day as u32) * 86_400
        + i64::from(hour * 3600 + min * 60 + sec);
    let mut t = Time {
        secs: local,
        nsec,
        loc: Location::Utc,
        mono: None,
    };
    if utc {
        return Ok(t);
    }
    if let Some(off) = zone_offset {
        t.secs -= i64::from(off);
        // Local (UTC) is used when its offset matches.
        t.loc = if off == 0 {
            Location::Local
        } else {
            Location::Fixed(Rc::from(""), off)
        };
        return Ok(t);
    }
    if let Some(name) = zone_name {
        if name == "UTC" {
            t.loc = Location::Local;
            return Ok(t);
        }
        let mut off = 0;
        if name.len() > 3 && name.starts_with("GMT") {
            off = name[3..].parse::<i32>().unwrap_or(0) * 3600;
        }
        // Go keeps the wall clock as UTC here (no adjustment by the offset).
        t.loc = Location::Fixed(Rc::from(name.as_str()), off);
        return Ok(t);
    }
    t.loc = Location::Local;
    Ok(t)
}

/// Go's `stdFracSecond` parse: the digits as nanoseconds (at most 9 used).
fn frac_nanos(digits: &str) -> u32 {
    let mut ns = 0u32;
    for (i, c) in digits.bytes().enumerate().take(9) {
        ns += u32::from(c - b'0') * 10u32.pow(8 - i as u32);
    }
    ns
}

/// Match a layout literal against the value; runs of spaces in both are
/// compared loosely as Go does. On a mismatch, the value from that point.
fn skip_prefix<'a>(value: &'a str, prefix: &str) -> Result<&'a str, &'a str> {
    let mut v = value;
    let mut p = prefix;
    while !p.is_empty() {
        if p.starts_with(' ') {
            if !v.is_empty() && !v.starts_with(' ') {
                return Err(v);
            }
            p = p.trim_start_matches(' ');
            v = v.trim_start_matches(' ');
            continue;
        }
        let Some(c) = p.chars().next() else { break };
        match v.strip_prefix(c) {
            Some(rest) => v = rest,
            None => return Err(v),
        }
        p = &p[c.len_utf8()..];
    }
    Ok(v)
}

// ---------------------------------------------------------------------------
// The template functions

fn str_arg(args: &[Value], i: usize) -> &str {
    args.get(i).and_then(Value::as_str).unwrap_or("")
}

fn not_time(v: Option<&Value>) -> FuncError {
    FuncError::new(format!(
        "wrong type for value; expected time.Time; got {}",
        v.map(Value::type_name).unwrap_or_else(|| "<nil>".into())
    ))
}

/// Sprig's date argument: a time, or Unix seconds as int/int64 (int32 too in
/// Go, which templates cannot make); anything else means now.
fn date_value(v: Option<&Value>) -> Time {
    match v {
        Some(Value::Int(n) | Value::Int64(n)) => Time::unix(*n, Location::Local),
        Some(v) => as_time(v).unwrap_or_else(Time::now),
        None => Time::now(),
    }
}

fn in_zone(layout: &str, t: Time, zone: &str) -> Value {
    let loc = load_location(zone).unwrap_or(Location::Utc);
    Value::from(t.in_loc(loc).format(layout))
}

fn now(_: &[Value]) -> Result<Value, FuncError> {
    Ok(time_value(Time::now()))
}

fn date(args: &[Value]) -> Result<Value, FuncError> {
    Ok(in_zone(str_arg(args, 0), date_value(args.get(1)), "Local"))
}

fn date_in_zone(args: &[Value]) -> Result<Value, FuncError> {
    Ok(in_zone(
        str_arg(args, 0),
        date_value(args.get(1)),
        str_arg(args, 2),
    ))
}

fn html_date(args: &[Value]) -> Result<Value, FuncError> {
    Ok(in_zone("2006-01-02", date_value(args.first()), "Local"))
}

fn html_date_in_zone(args: &[Value]) -> Result<Value, FuncError> {
    Ok(in_zone(
        "2006-01-02",
        date_value(args.first()),
        str_arg(args, 1),
    ))
}

fn date_modify(args: &[Value]) -> Result<Value, FuncError> {
    let t = args
        .get(1)
        .and_then(as_time)
        .ok_or_else(|| not_time(args.get(1)))?;
    Ok(match parse_duration(str_arg(args, 0)) {
        Ok(d) => time_value(t.add(d)),
        Err(_) => time_value(t),
    })
}

fn must_date_modify(args: &[Value]) -> Result<Value, FuncError> {
    let t = args
        .get(1)
        .and_then(as_time)
        .ok_or_else(|| not_time(args.get(1)))?;
    let d = parse_duration(str_arg(args, 0)).map_err(FuncError::new)?;
    Ok(time_value(t.add(d)))
}

/// `time.Duration.Round(time.Second)`: half away from zero.
fn round_to_second(d: i64) -> i64 {
    const S: i64 = 1_000_000_000;
    let r = d % S;
    if d < 0 {
        let r = -r;
        if r + r < S {
            return d + r;
        }
        d.checked_sub(S - r).unwrap_or(i64::MIN)
    } else {
        if r + r < S {
            return d - r;
        }
        d.checked_add(S - r).unwrap_or(i64::MAX)
    }
}

fn ago(args: &[Value]) -> Result<Value, FuncError> {
    let t = match args.first() {
        Some(Value::Int(n) | Value::Int64(n)) => Time::unix(*n, Location::Local),
        Some(v) => as_time(v).unwrap_or_else(Time::now),
        None => Time::now(),
    };
    let d = Time::now().sub(&t);
    Ok(Value::from(duration_string(round_to_second(d))))
}

fn duration(args: &[Value]) -> Result<Value, FuncError> {
    let n = match args.first() {
        Some(Value::String(s)) => s.parse::<i64>().unwrap_or(0),
        Some(Value::Int64(n)) => *n,
        _ => 0,
    };
    Ok(Value::from(duration_string(n.wrapping_mul(1_000_000_000))))
}

fn duration_round(args: &[Value]) -> Result<Value, FuncError> {
    let d: i64 = match args.first() {
        Some(Value::String(s)) => parse_duration(s).unwrap_or(0),
        Some(Value::Int64(n)) => *n,
        Some(v) => as_time(v).map_or(0, |t| Time::now().sub(&t)),
        None => 0,
    };
    let u = d.unsigned_abs();
    const SECOND: u64 = 1_000_000_000;
    const MINUTE: u64 = 60 * SECOND;
    const HOUR: u64 = 60 * MINUTE;
    const DAY: u64 = 24 * HOUR;
    const MONTH: u64 = 30 * DAY;
    const YEAR: u64 = 365 * DAY;
    let s = if u > YEAR {
        format!("{}y", u / YEAR)
    } else if u > MONTH {
        format!("{}mo", u / MONTH)
    } else if u > DAY {
        format!("{}d", u / DAY)
    } else if u > HOUR {
        format!("{}h", u / HOUR)
    } else if u > MINUTE {
        format!("{}m", u / MINUTE)
    } else if u > SECOND {
        format!("{}s", u / SECOND)
    } else {
        "0s".into()
    };
    Ok(Value::from(s))
}

fn to_date(args: &[Value]) -> Result<Value, FuncError> {
    Ok(time_value(
        parse_time(str_arg(args, 0), str_arg(args, 1)).unwrap_or_else(|_| Time::zero()),
    ))
}

fn must_to_date(args: &[Value]) -> Result<Value, FuncError> {
    parse_time(str_arg(args, 0), str_arg(args, 1))
        .map(time_value)
        .map_err(FuncError::new)
}

fn unix_epoch(args: &[Value]) -> Result<Value, FuncError> {
    let t = args
        .first()
        .and_then(as_time)
        .ok_or_else(|| not_time(args.first()))?;
    Ok(Value::from(t.secs.to_string()))
}

#[cfg(test)]
mod tests;
