//! Release times as Helm prints them.
//!
//! Helm keeps a release's times as Go `time.Time` values decoded from the stored JSON, and Go's
//! decoding decides the zone they print in: a `Z` suffix gives UTC; an offset gives the local
//! zone (`$TZ`, else `/etc/localtime`) when that zone has this offset at that instant, and
//! otherwise a nameless zone that prints as the offset (`+0100`). Helm then formats with Go
//! layouts: `Time.String()` in `helm list`, `ANSIC` in `helm history`/`status`, `RFC3339` in
//! `helm get metadata`, any layout with `helm list --time-format`.

use std::rc::Rc;

use whelm_template::funcs::dates::{Location, Time, load_location};

use crate::storage::release::GoTime;

/// Go's `time.ANSIC`.
pub const ANSIC: &str = "Mon Jan _2 15:04:05 2006";
/// Go's `time.RFC3339`.
pub const RFC3339: &str = "2006-01-02T15:04:05Z07:00";
/// Go's `time.RFC3339Nano` (how `encoding/json` writes a `time.Time`).
pub const RFC3339_NANO: &str = "2006-01-02T15:04:05.999999999Z07:00";
/// The layout of Go's `Time.String()`.
const STRING: &str = "2006-01-02 15:04:05.999999999 -0700 MST";

/// Unix seconds of Go's zero time (January 1, year 1, UTC).
const ZERO_UNIX: i64 = -62_135_596_800;

/// A release time as Go holds it after decoding.
#[derive(Clone, Debug)]
pub struct ReleaseTime(Time);

impl ReleaseTime {
    /// Go's zero `time.Time`.
    pub fn zero() -> ReleaseTime {
        ReleaseTime(Time::unix(ZERO_UNIX, Location::Utc))
    }

    /// The time an optional stored field stands for: zero when unset or unreadable.
    pub fn of(t: Option<&GoTime>) -> ReleaseTime {
        t.and_then(|t| ReleaseTime::parse(&t.0))
            .unwrap_or_else(ReleaseTime::zero)
    }

    /// Decodes RFC 3339 text as Go's `time.Time.UnmarshalJSON` does, zone included.
    pub fn parse(s: &str) -> Option<ReleaseTime> {
        let (secs, nsec, offset) = parse_rfc3339(s)?;
        let loc = match offset {
            None => Location::Utc,
            Some(off) => {
                let (name, local_off) = LOCAL.with(|l| {
                    l.borrow_mut()
                        .get_or_insert_with(local_location)
                        .lookup(secs)
                });
                if local_off == off {
                    Location::Fixed(name, off)
                } else {
                    Location::Fixed(Rc::from(""), off)
                }
            }
        };
        let mut t = Time::unix(secs, loc);
        t.nsec = nsec;
        Some(ReleaseTime(t))
    }

    pub fn is_zero(&self) -> bool {
        self.0.secs == ZERO_UNIX && self.0.nsec == 0
    }

    /// Seconds since the Unix epoch (Go's `Time.Unix`).
    pub fn unix(&self) -> i64 {
        self.0.secs
    }

    /// Go's `Time.Format(layout)`.
    pub fn format(&self, layout: &str) -> String {
        self.0.format(layout)
    }

    /// The Go `time.Time` a template sees.
    pub fn into_time(self) -> Time {
        self.0
    }

    /// Go's `Time.String()` (no monotonic reading: decoded times have none).
    pub fn go_string(&self) -> String {
        self.0.format(STRING)
    }
}

thread_local! {
    /// `time.Local`, resolved on first use.
    static LOCAL: std::cell::RefCell<Option<Location>> = const { std::cell::RefCell::new(None) };
}

/// Makes this thread's local zone UTC, as the captures in `tests/releases` were taken (TZ=UTC),
/// whatever zone the test process runs in.
#[cfg(test)]
pub(crate) fn use_utc_as_local() {
    LOCAL.with(|l| *l.borrow_mut() = Some(Location::Utc));
}

/// Go's `time.Local`: `$TZ` (empty means UTC, a leading `:` is dropped), else the zone
/// `/etc/localtime` links to; UTC when neither names a known zone.
fn local_location() -> Location {
    let name = match std::env::var("TZ") {
        Ok(tz) => tz.strip_prefix(':').unwrap_or(&tz).to_string(),
        Err(_) => std::fs::read_link("/etc/localtime")
            .ok()
            .and_then(|p| {
                let p = p.to_string_lossy().into_owned();
                p.split_once("zoneinfo/").map(|(_, z)| z.to_string())
            })
            .unwrap_or_default(),
    };
    match name.as_str() {
        "" | "UTC" => Location::Utc,
        n => load_location(n).unwrap_or(Location::Utc),
    }
}

/// `YYYY-MM-DDTHH:MM:SS[.frac](Z|±HH:MM)` → (Unix seconds, nanoseconds, offset; `None` for `Z`).
fn parse_rfc3339(s: &str) -> Option<(i64, u32, Option<i32>)> {
    let b = s.as_bytes();
    if b.len() < 20 || b[4] != b'-' || b[7] != b'-' || b[10] != b'T' || b[13] != b':' {
        return None;
    }
    let num = |r: std::ops::Range<usize>| -> Option<i64> {
        let t = s.get(r)?;
        t.bytes()
            .all(|c| c.is_ascii_digit())
            .then(|| t.parse().ok())?
    };
    let (y, mo, d) = (num(0..4)?, num(5..7)?, num(8..10)?);
    let (h, mi, sec) = (num(11..13)?, num(14..16)?, num(17..19)?);
    if !(1..=12).contains(&mo) || !(1..=31).contains(&d) || h > 23 || mi > 59 || sec > 59 {
        return None;
    }
    let mut rest = &s[19..];
    let mut nsec = 0u32;
    if let Some(frac) = rest.strip_prefix('.') {
        let n = frac.bytes().take_while(u8::is_ascii_digit).count();
        if n == 0 {
            return None;
        }
        for (i, c) in frac.bytes().take(9).take(n).enumerate() {
            nsec += u32::from(c - b'0') * 10u32.pow(8 - i as u32);
        }
        rest = &frac[n..];
    }
    let offset = match rest {
        "Z" => None,
        _ => {
            let sign = match rest.as_bytes().first()? {
                b'+' => 1,
                b'-' => -1,
                _ => return None,
            };
            if rest.len() != 6 || rest.as_bytes()[3] != b':' {
                return None;
            }
            let oh: i32 = rest.get(1..3)?.parse().ok()?;
            let om: i32 = rest.get(4..6)?.parse().ok()?;
            Some(sign * (oh * 3600 + om * 60))
        }
    };
    let days = days_from_civil(y, mo, d);
    let local = days * 86_400 + h * 3600 + mi * 60 + sec;
    Some((local - i64::from(offset.unwrap_or(0)), nsec, offset))
}

fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y.rem_euclid(400);
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

#[cfg(test)]
mod tests {
    use super::*;

    // Expected strings are what helm 4.3.1 printed for these stored times (`helm list`,
    // `history`, `get metadata` over tests/releases), with TZ=UTC unless the test says otherwise.
    #[test]
    fn formats_as_helm_with_tz_utc() {
        use_utc_as_local();
        let t = ReleaseTime::parse("2025-11-13T08:30:00.123456789Z").unwrap();
        assert_eq!(t.go_string(), "2025-11-13 08:30:00.123456789 +0000 UTC");
        assert_eq!(t.format(ANSIC), "Thu Nov 13 08:30:00 2025");
        let t = ReleaseTime::parse("2025-11-14T01:02:03.5-07:00").unwrap();
        assert_eq!(t.go_string(), "2025-11-14 01:02:03.5 -0700 -0700");
        assert_eq!(t.format(RFC3339), "2025-11-14T01:02:03-07:00");
        assert_eq!(t.format(RFC3339_NANO), "2025-11-14T01:02:03.5-07:00");
        let t = ReleaseTime::parse("2025-11-14T09:00:00+01:00").unwrap();
        assert_eq!(t.go_string(), "2025-11-14 09:00:00 +0100 +0100");
        assert_eq!(t.unix(), 1_763_107_200);
    }

    #[test]
    fn an_offset_matching_the_local_zone_takes_its_name() {
        // helm 4.3.1 with TZ=Europe/Berlin printed both of these.
        LOCAL.with(|l| *l.borrow_mut() = load_location("Europe/Berlin"));
        let t = ReleaseTime::parse("2025-11-14T09:00:00+01:00").unwrap();
        assert_eq!(t.go_string(), "2025-11-14 09:00:00 +0100 CET");
        let t = ReleaseTime::parse("2025-07-14T09:00:00+01:00").unwrap();
        assert_eq!(t.go_string(), "2025-07-14 09:00:00 +0100 +0100");
    }

    #[test]
    fn zero_and_unset() {
        assert!(ReleaseTime::of(None).is_zero());
        assert!(
            ReleaseTime::parse("0001-01-01T00:00:00Z")
                .unwrap()
                .is_zero()
        );
        assert_eq!(ReleaseTime::zero().format(RFC3339), "0001-01-01T00:00:00Z");
        assert!(ReleaseTime::parse("2025-13-01T00:00:00Z").is_none());
        assert!(ReleaseTime::parse("yesterday").is_none());
    }
}
