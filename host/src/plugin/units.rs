//! Sizes (`256Mi`, `1G`, `1048576`) and durations (`30s`, `500ms`, `2m`) as
//! they are written in `plugin.yaml` and the operator policy.

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::fmt;
use std::time::Duration;

/// A byte size, written like a Kubernetes quantity (`Ki`, `Mi`, `Gi`, `k`, `M`, `G`) or a plain number.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Bytes(pub u64);

impl Bytes {
    pub fn parse(s: &str) -> Result<Bytes, String> {
        let s = s.trim();
        let split = s.find(|c: char| !c.is_ascii_digit()).unwrap_or(s.len());
        let (num, unit) = s.split_at(split);
        let n: u64 = num
            .parse()
            .map_err(|_| format!("{s:?} is not a size (examples: 256Mi, 1Gi, 1048576)"))?;
        let mult: u64 = match unit {
            "" => 1,
            "k" | "K" => 1000,
            "Ki" => 1 << 10,
            "M" => 1_000_000,
            "Mi" => 1 << 20,
            "G" => 1_000_000_000,
            "Gi" => 1 << 30,
            _ => {
                return Err(format!(
                    "{s:?} has an unknown unit {unit:?} (use Ki, Mi, Gi, k, M or G)"
                ));
            }
        };
        n.checked_mul(mult)
            .map(Bytes)
            .ok_or_else(|| format!("{s:?} is too large"))
    }
}

impl fmt::Display for Bytes {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let b = self.0;
        for (unit, size) in [("Gi", 1u64 << 30), ("Mi", 1 << 20), ("Ki", 1 << 10)] {
            if b >= size && b.is_multiple_of(size) {
                return write!(f, "{}{unit}", b / size);
            }
        }
        write!(f, "{b} bytes")
    }
}

impl<'de> Deserialize<'de> for Bytes {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        #[derive(Deserialize)]
        #[serde(untagged)]
        enum Raw {
            N(u64),
            S(String),
        }
        match Raw::deserialize(d)? {
            Raw::N(n) => Ok(Bytes(n)),
            Raw::S(s) => Bytes::parse(&s).map_err(serde::de::Error::custom),
        }
    }
}

impl Serialize for Bytes {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.to_string())
    }
}

/// A duration written as Go does (`30s`, `1m30s`, `500ms`, `2h`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Dur(pub Duration);

impl Dur {
    pub fn parse(s: &str) -> Result<Dur, String> {
        let bad = || format!("{s:?} is not a duration (examples: 30s, 1m30s, 500ms)");
        let mut rest = s.trim();
        if rest.is_empty() {
            return Err(bad());
        }
        let mut total = Duration::ZERO;
        while !rest.is_empty() {
            let n_end = rest.find(|c: char| !c.is_ascii_digit()).ok_or_else(bad)?;
            let n: u64 = rest[..n_end].parse().map_err(|_| bad())?;
            rest = &rest[n_end..];
            let u_end = rest
                .find(|c: char| c.is_ascii_digit())
                .unwrap_or(rest.len());
            let unit = match &rest[..u_end] {
                "ms" => Duration::from_millis(1),
                "s" => Duration::from_secs(1),
                "m" => Duration::from_secs(60),
                "h" => Duration::from_secs(3600),
                _ => return Err(bad()),
            };
            total += unit
                .checked_mul(u32::try_from(n).map_err(|_| bad())?)
                .ok_or_else(bad)?;
            rest = &rest[u_end..];
        }
        Ok(Dur(total))
    }
}

impl fmt::Display for Dur {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let ms = self.0.as_millis();
        if !ms.is_multiple_of(1000) {
            write!(f, "{ms}ms")
        } else {
            write!(f, "{}s", ms / 1000)
        }
    }
}

impl<'de> Deserialize<'de> for Dur {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        Dur::parse(&s).map_err(serde::de::Error::custom)
    }
}

impl Serialize for Dur {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.to_string())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes() {
        assert_eq!(Bytes::parse("256Mi").unwrap(), Bytes(256 << 20));
        assert_eq!(Bytes::parse("1G").unwrap(), Bytes(1_000_000_000));
        assert_eq!(Bytes::parse("4096").unwrap(), Bytes(4096));
        assert!(Bytes::parse("12XB").unwrap_err().contains("unknown unit"));
        assert!(Bytes::parse("lots").is_err());
        assert!(
            Bytes::parse("99999999999Gi")
                .unwrap_err()
                .contains("too large")
        );
        assert_eq!(Bytes(64 << 20).to_string(), "64Mi");
        assert_eq!(Bytes(1500).to_string(), "1500 bytes");
    }

    #[test]
    fn durations() {
        assert_eq!(Dur::parse("30s").unwrap().0, Duration::from_secs(30));
        assert_eq!(Dur::parse("1m30s").unwrap().0, Duration::from_secs(90));
        assert_eq!(Dur::parse("250ms").unwrap().0, Duration::from_millis(250));
        assert!(Dur::parse("soon").is_err());
        assert!(Dur::parse("10").is_err());
        assert!(Dur::parse("").is_err());
        assert_eq!(Dur(Duration::from_millis(1500)).to_string(), "1500ms");
    }
}
