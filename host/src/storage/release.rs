//! The release record, shaped exactly as Helm 4 serialises `release/v1.Release` to JSON.
//!
//! Field order follows Helm's Go structs (Go's encoder writes fields in declaration order and
//! map keys sorted, as `serde_json`'s default `Map` does). Each struct keeps the fields it does
//! not know in `extra`, so a record written by a newer Helm survives whelm's decode → encode.
//!
//! Go's rules, as mapped here:
//! - `omitempty` on a string, number, bool, slice or map: omitted when empty/zero.
//! - `omitzero` on a `time.Time` (Helm 4's `Info`, `HookExecution`, `File.modtime`): omitted
//!   when it is Go's zero time; Helm also reads `""` there as "unset". Modelled as
//!   `Option<GoTime>`.
//! - no tag option: always written, `null` for a nil slice/map/pointer (`Chart.templates`,
//!   `Chart.values`, `Chart.lock`, …). Modelled as `Option<…>` without skipping.
//! - `[]byte`: base64 (standard alphabet, padded), `null` when nil.
//! - `Release.Labels` is `json:"-"`: it lives in the storage object's labels, not the JSON.

use std::collections::BTreeMap;
use std::fmt;
use std::time::{SystemTime, UNIX_EPOCH};

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use serde_json::{Map, Value};

/// A release: one revision of an installed chart.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Release {
    #[serde(
        default,
        skip_serializing_if = "String::is_empty",
        deserialize_with = "null_default"
    )]
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub info: Option<Info>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub chart: Option<std::sync::Arc<Chart>>,
    /// The user-supplied values (`--set`, `-f`) of this revision.
    #[serde(
        default,
        skip_serializing_if = "Map::is_empty",
        deserialize_with = "null_default"
    )]
    pub config: Map<String, Value>,
    #[serde(
        default,
        skip_serializing_if = "String::is_empty",
        deserialize_with = "null_default"
    )]
    pub manifest: String,
    #[serde(
        default,
        skip_serializing_if = "Vec::is_empty",
        deserialize_with = "null_default"
    )]
    pub hooks: Vec<Hook>,
    #[serde(
        default,
        skip_serializing_if = "is_zero",
        deserialize_with = "null_default"
    )]
    pub version: i64,
    #[serde(
        default,
        skip_serializing_if = "String::is_empty",
        deserialize_with = "null_default"
    )]
    pub namespace: String,
    /// `"ssa"` or `"csa"` (Helm 4).
    #[serde(
        default,
        skip_serializing_if = "String::is_empty",
        deserialize_with = "null_default"
    )]
    pub apply_method: String,
    /// Custom labels; stored as the storage object's labels, never in the JSON.
    #[serde(skip)]
    pub labels: BTreeMap<String, String>,
    /// Fields this version of whelm does not know, kept verbatim.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

impl Release {
    /// Whether both encode to the same stored payload: everything but the labels, which live
    /// in the storage object's labels (and carry, e.g., a lock's expiry time).
    pub fn same_payload(&self, o: &Release) -> bool {
        let Release {
            name,
            info,
            chart,
            config,
            manifest,
            hooks,
            version,
            namespace,
            apply_method,
            labels: _,
            extra,
        } = self;
        *version == o.version
            && *name == o.name
            && *namespace == o.namespace
            && *apply_method == o.apply_method
            && *info == o.info
            && *hooks == o.hooks
            && *config == o.config
            && *extra == o.extra
            && *manifest == o.manifest
            && *chart == o.chart
    }

    /// The status, or `unknown` when the release has no info.
    pub fn status(&self) -> Status {
        self.info
            .as_ref()
            .map(|i| i.status.clone())
            .unwrap_or(Status::Unknown)
    }

    /// Sets status and description, creating `info` if needed (Helm's `SetStatus`).
    pub fn set_status(&mut self, status: Status, description: impl Into<String>) {
        let info = self.info.get_or_insert_with(Info::default);
        info.status = status;
        info.description = description.into();
    }

    /// The chart's `name-version`, as `helm list` shows it.
    pub fn chart_label(&self) -> String {
        match self.chart.as_ref().and_then(|c| c.metadata.as_ref()) {
            Some(m) => format!("{}-{}", m.name, m.version),
            None => String::new(),
        }
    }
}

/// `release/v1.Info`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Info {
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "omitzero_time"
    )]
    pub first_deployed: Option<GoTime>,
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "omitzero_time"
    )]
    pub last_deployed: Option<GoTime>,
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "omitzero_time"
    )]
    pub deleted: Option<GoTime>,
    #[serde(
        default,
        skip_serializing_if = "String::is_empty",
        deserialize_with = "null_default"
    )]
    pub description: String,
    #[serde(
        default,
        skip_serializing_if = "Status::is_empty",
        deserialize_with = "null_default"
    )]
    pub status: Status,
    #[serde(
        default,
        skip_serializing_if = "is_zero",
        deserialize_with = "null_default"
    )]
    pub rollback_revision: i64,
    #[serde(
        default,
        skip_serializing_if = "String::is_empty",
        deserialize_with = "null_default"
    )]
    pub notes: String,
    /// Live resources (`map[string][]runtime.Object`); Helm fills it for `status`, rarely stored.
    #[serde(
        default,
        skip_serializing_if = "Map::is_empty",
        deserialize_with = "null_default"
    )]
    pub resources: Map<String, Value>,
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// A release status, as Helm spells it. A status this whelm does not know is kept as `Other`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
pub enum Status {
    #[default]
    Unset,
    Unknown,
    Deployed,
    Uninstalled,
    Superseded,
    Failed,
    Uninstalling,
    PendingInstall,
    PendingUpgrade,
    PendingRollback,
    Other(String),
}

impl Status {
    pub fn as_str(&self) -> &str {
        match self {
            Status::Unset => "",
            Status::Unknown => "unknown",
            Status::Deployed => "deployed",
            Status::Uninstalled => "uninstalled",
            Status::Superseded => "superseded",
            Status::Failed => "failed",
            Status::Uninstalling => "uninstalling",
            Status::PendingInstall => "pending-install",
            Status::PendingUpgrade => "pending-upgrade",
            Status::PendingRollback => "pending-rollback",
            Status::Other(s) => s,
        }
    }

    pub fn parse(s: &str) -> Status {
        match s {
            "" => Status::Unset,
            "unknown" => Status::Unknown,
            "deployed" => Status::Deployed,
            "uninstalled" => Status::Uninstalled,
            "superseded" => Status::Superseded,
            "failed" => Status::Failed,
            "uninstalling" => Status::Uninstalling,
            "pending-install" => Status::PendingInstall,
            "pending-upgrade" => Status::PendingUpgrade,
            "pending-rollback" => Status::PendingRollback,
            other => Status::Other(other.to_string()),
        }
    }

    /// Helm's `IsPending`: an install, upgrade or rollback is (or was, if interrupted) under way.
    pub fn is_pending(&self) -> bool {
        matches!(
            self,
            Status::PendingInstall | Status::PendingUpgrade | Status::PendingRollback
        )
    }

    fn is_empty(&self) -> bool {
        self.as_str().is_empty()
    }
}

impl fmt::Display for Status {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Serialize for Status {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

impl<'de> Deserialize<'de> for Status {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        Ok(Status::parse(&String::deserialize(d)?))
    }
}

/// `release/v1.Hook`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Hook {
    #[serde(
        default,
        skip_serializing_if = "String::is_empty",
        deserialize_with = "null_default"
    )]
    pub name: String,
    #[serde(
        default,
        skip_serializing_if = "String::is_empty",
        deserialize_with = "null_default"
    )]
    pub kind: String,
    #[serde(
        default,
        skip_serializing_if = "String::is_empty",
        deserialize_with = "null_default"
    )]
    pub path: String,
    #[serde(
        default,
        skip_serializing_if = "String::is_empty",
        deserialize_with = "null_default"
    )]
    pub manifest: String,
    /// `pre-install`, `post-upgrade`, `test`, …
    #[serde(
        default,
        skip_serializing_if = "Vec::is_empty",
        deserialize_with = "null_default"
    )]
    pub events: Vec<String>,
    /// Always written (no `omitempty` in Helm).
    #[serde(default, deserialize_with = "null_default")]
    pub last_run: HookExecution,
    #[serde(
        default,
        skip_serializing_if = "is_zero",
        deserialize_with = "null_default"
    )]
    pub weight: i64,
    #[serde(
        default,
        skip_serializing_if = "Vec::is_empty",
        deserialize_with = "null_default"
    )]
    pub delete_policies: Vec<String>,
    #[serde(
        default,
        skip_serializing_if = "Vec::is_empty",
        deserialize_with = "null_default"
    )]
    pub output_log_policies: Vec<String>,
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// `release/v1.HookExecution`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct HookExecution {
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "omitzero_time"
    )]
    pub started_at: Option<GoTime>,
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "omitzero_time"
    )]
    pub completed_at: Option<GoTime>,
    /// `Unknown|Running|Succeeded|Failed`, or `""` for a hook that never ran; always written.
    #[serde(default, deserialize_with = "null_default")]
    pub phase: String,
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// `chart/v2.Chart` as stored in a release: subcharts are not serialised (Helm's
/// `dependencies` field is unexported), their templates are already rendered into `manifest`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Chart {
    #[serde(default)]
    pub metadata: Option<Metadata>,
    #[serde(default)]
    pub lock: Option<Lock>,
    #[serde(default)]
    pub templates: Option<Vec<File>>,
    #[serde(default)]
    pub values: Option<Map<String, Value>>,
    #[serde(default, with = "base64_opt")]
    pub schema: Option<Vec<u8>>,
    /// No `omitzero` in Helm: the zero time is written as `0001-01-01T00:00:00Z`.
    #[serde(default, deserialize_with = "null_default")]
    pub schemamodtime: GoTime,
    #[serde(default)]
    pub files: Option<Vec<File>>,
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "omitzero_time"
    )]
    pub modtime: Option<GoTime>,
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// `chart/common.File`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct File {
    #[serde(default, deserialize_with = "null_default")]
    pub name: String,
    #[serde(default, with = "base64_opt")]
    pub data: Option<Vec<u8>>,
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "omitzero_time"
    )]
    pub modtime: Option<GoTime>,
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// `chart/v2.Metadata` (Chart.yaml).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Metadata {
    #[serde(
        default,
        skip_serializing_if = "String::is_empty",
        deserialize_with = "null_default"
    )]
    pub name: String,
    #[serde(
        default,
        skip_serializing_if = "String::is_empty",
        deserialize_with = "null_default"
    )]
    pub home: String,
    #[serde(
        default,
        skip_serializing_if = "Vec::is_empty",
        deserialize_with = "null_default"
    )]
    pub sources: Vec<String>,
    #[serde(
        default,
        skip_serializing_if = "String::is_empty",
        deserialize_with = "null_default"
    )]
    pub version: String,
    #[serde(
        default,
        skip_serializing_if = "String::is_empty",
        deserialize_with = "null_default"
    )]
    pub description: String,
    #[serde(
        default,
        skip_serializing_if = "Vec::is_empty",
        deserialize_with = "null_default"
    )]
    pub keywords: Vec<String>,
    #[serde(
        default,
        skip_serializing_if = "Vec::is_empty",
        deserialize_with = "null_default"
    )]
    pub maintainers: Vec<Maintainer>,
    #[serde(
        default,
        skip_serializing_if = "String::is_empty",
        deserialize_with = "null_default"
    )]
    pub icon: String,
    #[serde(
        rename = "apiVersion",
        default,
        skip_serializing_if = "String::is_empty",
        deserialize_with = "null_default"
    )]
    pub api_version: String,
    #[serde(
        default,
        skip_serializing_if = "String::is_empty",
        deserialize_with = "null_default"
    )]
    pub condition: String,
    #[serde(
        default,
        skip_serializing_if = "String::is_empty",
        deserialize_with = "null_default"
    )]
    pub tags: String,
    #[serde(
        rename = "appVersion",
        default,
        skip_serializing_if = "String::is_empty",
        deserialize_with = "null_default"
    )]
    pub app_version: String,
    #[serde(
        default,
        skip_serializing_if = "is_false",
        deserialize_with = "null_default"
    )]
    pub deprecated: bool,
    #[serde(
        default,
        skip_serializing_if = "BTreeMap::is_empty",
        deserialize_with = "null_default"
    )]
    pub annotations: BTreeMap<String, String>,
    #[serde(
        rename = "kubeVersion",
        default,
        skip_serializing_if = "String::is_empty",
        deserialize_with = "null_default"
    )]
    pub kube_version: String,
    #[serde(
        default,
        skip_serializing_if = "Vec::is_empty",
        deserialize_with = "null_default"
    )]
    pub dependencies: Vec<Dependency>,
    #[serde(
        rename = "type",
        default,
        skip_serializing_if = "String::is_empty",
        deserialize_with = "null_default"
    )]
    pub chart_type: String,
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// `chart/v2.Maintainer`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Maintainer {
    #[serde(
        default,
        skip_serializing_if = "String::is_empty",
        deserialize_with = "null_default"
    )]
    pub name: String,
    #[serde(
        default,
        skip_serializing_if = "String::is_empty",
        deserialize_with = "null_default"
    )]
    pub email: String,
    #[serde(
        default,
        skip_serializing_if = "String::is_empty",
        deserialize_with = "null_default"
    )]
    pub url: String,
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// `chart/v2.Dependency`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Dependency {
    #[serde(default, deserialize_with = "null_default")]
    pub name: String,
    #[serde(
        default,
        skip_serializing_if = "String::is_empty",
        deserialize_with = "null_default"
    )]
    pub version: String,
    #[serde(default, deserialize_with = "null_default")]
    pub repository: String,
    #[serde(
        default,
        skip_serializing_if = "String::is_empty",
        deserialize_with = "null_default"
    )]
    pub condition: String,
    #[serde(
        default,
        skip_serializing_if = "Vec::is_empty",
        deserialize_with = "null_default"
    )]
    pub tags: Vec<String>,
    #[serde(
        default,
        skip_serializing_if = "is_false",
        deserialize_with = "null_default"
    )]
    pub enabled: bool,
    #[serde(
        rename = "import-values",
        default,
        skip_serializing_if = "Vec::is_empty",
        deserialize_with = "null_default"
    )]
    pub import_values: Vec<Value>,
    #[serde(
        default,
        skip_serializing_if = "String::is_empty",
        deserialize_with = "null_default"
    )]
    pub alias: String,
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// `chart/v2.Lock` (Chart.lock); all fields always written.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Lock {
    #[serde(default, deserialize_with = "null_default")]
    pub generated: GoTime,
    #[serde(default, deserialize_with = "null_default")]
    pub digest: String,
    #[serde(default)]
    pub dependencies: Option<Vec<Dependency>>,
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// A Go `time.Time` in its JSON form (RFC 3339 with up to nanosecond precision), kept as the
/// text Helm wrote so a decode → encode round trip is exact.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct GoTime(pub String);

/// Go's zero `time.Time`, as `encoding/json` writes it.
pub const GO_ZERO_TIME: &str = "0001-01-01T00:00:00Z";

impl Default for GoTime {
    fn default() -> Self {
        GoTime(GO_ZERO_TIME.to_string())
    }
}

impl GoTime {
    /// The current time, formatted as Go's `RFC3339Nano` in UTC.
    pub fn now() -> GoTime {
        let d = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .unwrap_or_default();
        GoTime::from_unix(d.as_secs() as i64, d.subsec_nanos())
    }

    /// Formats a Unix time as Go's `RFC3339Nano` in UTC (trailing zeros of the fraction
    /// trimmed, no fraction when it is zero).
    pub fn from_unix(secs: i64, nanos: u32) -> GoTime {
        let days = secs.div_euclid(86_400);
        let rem = secs.rem_euclid(86_400);
        let (y, m, d) = civil_from_days(days);
        let mut s = format!(
            "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}",
            rem / 3600,
            rem % 3600 / 60,
            rem % 60
        );
        if nanos != 0 {
            let frac = format!("{nanos:09}");
            s.push('.');
            s.push_str(frac.trim_end_matches('0'));
        }
        s.push('Z');
        GoTime(s)
    }

    /// Whether this is Go's zero time (which `omitzero` omits).
    pub fn is_zero(&self) -> bool {
        self.unix().map(|t| t == ZERO_UNIX).unwrap_or(false)
    }

    /// Seconds since the Unix epoch, or `None` if the text is not RFC 3339.
    pub fn unix(&self) -> Option<i64> {
        parse_rfc3339(&self.0)
    }
}

impl fmt::Display for GoTime {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// Unix seconds of 0001-01-01T00:00:00Z.
const ZERO_UNIX: i64 = -62_135_596_800;

fn civil_from_days(z: i64) -> (i64, u32, u32) {
    // Howard Hinnant's algorithm.
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

fn days_from_civil(y: i64, m: u32, d: u32) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y.rem_euclid(400);
    let m = m as i64;
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + d as i64 - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// Parses `YYYY-MM-DDTHH:MM:SS[.frac](Z|±HH:MM)` to Unix seconds.
fn parse_rfc3339(s: &str) -> Option<i64> {
    let b = s.as_bytes();
    if b.len() < 20 || b[4] != b'-' || b[7] != b'-' || !matches!(b[10], b'T' | b't') {
        return None;
    }
    let num = |r: std::ops::Range<usize>| -> Option<i64> { s.get(r)?.parse().ok() };
    let (y, mo, d) = (num(0..4)?, num(5..7)?, num(8..10)?);
    let (h, mi, sec) = (num(11..13)?, num(14..16)?, num(17..19)?);
    let mut rest = &s[19..];
    if let Some(frac) = rest.strip_prefix('.') {
        let n = frac.bytes().take_while(u8::is_ascii_digit).count();
        rest = &frac[n..];
    }
    let offset = match rest {
        "Z" | "z" => 0,
        _ => {
            let sign = match rest.as_bytes().first()? {
                b'+' => 1,
                b'-' => -1,
                _ => return None,
            };
            let oh: i64 = rest.get(1..3)?.parse().ok()?;
            let om: i64 = rest.get(4..6)?.parse().ok()?;
            sign * (oh * 3600 + om * 60)
        }
    };
    let days = days_from_civil(y, mo as u32, d as u32);
    Some(days * 86_400 + h * 3600 + mi * 60 + sec - offset)
}

fn is_zero(n: &i64) -> bool {
    *n == 0
}

fn is_false(b: &bool) -> bool {
    !*b
}

/// Reads `null` as the type's default (Go leaves the zero value for a JSON `null`).
fn null_default<'de, D, T>(d: D) -> Result<T, D::Error>
where
    D: Deserializer<'de>,
    T: Deserialize<'de> + Default,
{
    Ok(Option::<T>::deserialize(d)?.unwrap_or_default())
}

/// Helm 4's reading of an `omitzero` time: `null`, `""` and the zero time all mean unset.
fn omitzero_time<'de, D: Deserializer<'de>>(d: D) -> Result<Option<GoTime>, D::Error> {
    let t = Option::<String>::deserialize(d)?;
    Ok(t.map(GoTime).filter(|t| !t.0.is_empty() && !t.is_zero()))
}

mod base64_opt {
    use base64::Engine as _;
    use base64::engine::general_purpose::STANDARD;
    use serde::{Deserialize, Deserializer, Serializer, de::Error as _};

    pub fn serialize<S: Serializer>(v: &Option<Vec<u8>>, s: S) -> Result<S::Ok, S::Error> {
        match v {
            Some(b) => s.serialize_str(&STANDARD.encode(b)),
            None => s.serialize_none(),
        }
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Vec<u8>>, D::Error> {
        match Option::<String>::deserialize(d)? {
            Some(s) => STANDARD
                .decode(s.as_bytes())
                .map(Some)
                .map_err(D::Error::custom),
            None => Ok(None),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn go_time_formats_like_rfc3339nano() {
        assert_eq!(GoTime::from_unix(0, 0).0, "1970-01-01T00:00:00Z");
        assert_eq!(
            GoTime::from_unix(1_700_000_000, 120_000_000).0,
            "2023-11-14T22:13:20.12Z"
        );
        assert_eq!(GoTime::from_unix(ZERO_UNIX, 0).0, GO_ZERO_TIME);
        assert!(GoTime::default().is_zero());
        assert_eq!(
            GoTime("2023-11-14T23:13:20.5+01:00".into()).unix(),
            Some(1_700_000_000)
        );
    }

    #[test]
    fn statuses_round_trip() {
        for s in [
            "unknown",
            "deployed",
            "uninstalled",
            "superseded",
            "failed",
            "uninstalling",
            "pending-install",
            "pending-upgrade",
            "pending-rollback",
            "some-future-status",
        ] {
            assert_eq!(Status::parse(s).as_str(), s);
        }
        assert!(Status::PendingRollback.is_pending());
        assert!(!Status::Uninstalling.is_pending());
    }

    #[test]
    fn info_reads_empty_and_zero_times_as_unset() {
        let i: Info = serde_json::from_str(
            r#"{"first_deployed":"","last_deployed":"0001-01-01T00:00:00Z","deleted":null,"status":"deployed"}"#,
        )
        .unwrap();
        assert_eq!(i.first_deployed, None);
        assert_eq!(i.last_deployed, None);
        assert_eq!(
            serde_json::to_string(&i).unwrap(),
            r#"{"status":"deployed"}"#
        );
    }
}
