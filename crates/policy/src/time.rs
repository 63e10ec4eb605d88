//! Time for the engine: an injectable [`Clock`], [`Span`]s written as `14d` or `24h`, and
//! conversions between Unix seconds and RFC 3339 / calendar dates.
//!
//! Every instant in bouncekit is whole seconds since the Unix epoch, UTC (`i64`), so the
//! engine and the store compare integers and tests can pin time with [`FixedClock`].

use std::fmt;
use std::str::FromStr;
use std::sync::atomic::{AtomicI64, Ordering};

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// Seconds in a day.
pub const DAY: i64 = 86_400;

/// Where "now" comes from. Injected so that windows and expiry are testable.
pub trait Clock: Send + Sync {
    /// The current instant, seconds since the Unix epoch.
    fn now(&self) -> i64;
}

/// The system clock.
#[derive(Debug, Clone, Copy, Default)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> i64 {
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_secs() as i64)
            .unwrap_or(0)
    }
}

/// A clock that says what it is told; shared between threads, advanced by tests.
#[derive(Debug, Default)]
pub struct FixedClock(AtomicI64);

impl FixedClock {
    /// A clock standing at `now`.
    pub fn new(now: i64) -> Self {
        Self(AtomicI64::new(now))
    }

    /// Moves the clock to `now`.
    pub fn set(&self, now: i64) {
        self.0.store(now, Ordering::SeqCst);
    }

    /// Moves the clock forward by `span`.
    pub fn advance(&self, span: Span) {
        self.0.fetch_add(span.secs(), Ordering::SeqCst);
    }
}

impl Clock for FixedClock {
    fn now(&self) -> i64 {
        self.0.load(Ordering::SeqCst)
    }
}

/// A length of time, written `90s`, `30m`, `24h`, `14d` or `2w` in configuration.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Span(i64);

/// Why a span or a time could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TimeError {
    /// Not `<number><unit>` with unit s, m, h, d or w.
    #[error("`{0}` is not a duration: expected a number and a unit (s, m, h, d, w) such as 14d")]
    Span(String),
    /// Not an RFC 3339 time, a `YYYY-MM-DD` date or Unix seconds.
    #[error("`{0}` is not a time: expected RFC 3339 (2024-05-01T12:00:00Z), a date (2024-05-01) or Unix seconds")]
    Instant(String),
}

impl Span {
    /// A span of `secs` seconds (negative values are clamped to zero).
    pub const fn seconds(secs: i64) -> Self {
        Self(if secs < 0 { 0 } else { secs })
    }

    /// A span of `n` days.
    pub const fn days(n: i64) -> Self {
        Self::seconds(n * DAY)
    }

    /// A span of `n` hours.
    pub const fn hours(n: i64) -> Self {
        Self::seconds(n * 3600)
    }

    /// The length in seconds.
    pub const fn secs(self) -> i64 {
        self.0
    }
}

impl FromStr for Span {
    type Err = TimeError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let t = s.trim();
        let err = || TimeError::Span(t.to_string());
        let split = t.find(|c: char| !c.is_ascii_digit()).unwrap_or(t.len());
        let (num, unit) = t.split_at(split);
        let n: i64 = num.parse().map_err(|_| err())?;
        let mult = match unit.trim() {
            "s" | "sec" | "secs" => 1,
            "m" | "min" | "mins" => 60,
            "h" | "hour" | "hours" => 3600,
            "d" | "day" | "days" => DAY,
            "w" | "week" | "weeks" => 7 * DAY,
            _ => return Err(err()),
        };
        n.checked_mul(mult).map(Span).ok_or_else(err)
    }
}

impl fmt::Display for Span {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let s = self.0;
        for (unit, len) in [("w", 7 * DAY), ("d", DAY), ("h", 3600), ("m", 60)] {
            if s != 0 && s % len == 0 {
                return write!(f, "{}{unit}", s / len);
            }
        }
        write!(f, "{s}s")
    }
}

impl Serialize for Span {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Span {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        s.parse().map_err(serde::de::Error::custom)
    }
}

/// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm).
pub fn days_from_civil(y: i64, m: u32, d: u32) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let m = i64::from(m);
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + i64::from(d) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// The date `(year, month, day)` of a day number since 1970-01-01.
pub fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    (if m <= 2 { y + 1 } else { y }, m, d)
}

/// `2024-05-01T12:00:00Z` for an instant.
pub fn format_rfc3339(t: i64) -> String {
    let (y, m, d) = civil_from_days(t.div_euclid(DAY));
    let s = t.rem_euclid(DAY);
    format!("{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}Z", s / 3600, s / 60 % 60, s % 60)
}

/// `2024-05-01` for an instant.
pub fn format_date(t: i64) -> String {
    let (y, m, d) = civil_from_days(t.div_euclid(DAY));
    format!("{y:04}-{m:02}-{d:02}")
}

/// Reads an RFC 3339 time (`2024-05-01T12:00:00Z`, `2024-05-01 12:00:00+02:00`), a date
/// (`2024-05-01`, midnight UTC) or Unix seconds.
pub fn parse_instant(s: &str) -> Result<i64, TimeError> {
    let t = s.trim();
    let err = || TimeError::Instant(t.to_string());
    if !t.is_empty() && t.bytes().all(|b| b.is_ascii_digit()) {
        return t.parse().map_err(|_| err());
    }
    let b = t.as_bytes();
    let num = |r: std::ops::Range<usize>| -> Result<i64, TimeError> {
        let part = t.get(r).ok_or_else(err)?;
        if part.bytes().all(|c| c.is_ascii_digit()) { part.parse().map_err(|_| err()) } else { Err(err()) }
    };
    if b.len() < 10 || b[4] != b'-' || b[7] != b'-' {
        return Err(err());
    }
    let (y, mo, d) = (num(0..4)?, num(5..7)?, num(8..10)?);
    if !(1..=12).contains(&mo) || !(1..=31).contains(&d) {
        return Err(err());
    }
    let day = days_from_civil(y, mo as u32, d as u32);
    if b.len() == 10 {
        return Ok(day * DAY);
    }
    if !matches!(b[10], b'T' | b't' | b' ') || b.len() < 19 || b[13] != b':' || b[16] != b':' {
        return Err(err());
    }
    let (h, mi, se) = (num(11..13)?, num(14..16)?, num(17..19)?);
    if h > 23 || mi > 59 || se > 60 {
        return Err(err());
    }
    let mut rest = &t[19..];
    if let Some(frac) = rest.strip_prefix('.') {
        let n = frac.find(|c: char| !c.is_ascii_digit()).unwrap_or(frac.len());
        rest = &frac[n..];
    }
    let offset = match rest {
        "" | "Z" | "z" => 0,
        o if o.len() == 6 && (o.starts_with('+') || o.starts_with('-')) && &o[3..4] == ":" => {
            let oh: i64 = o[1..3].parse().map_err(|_| err())?;
            let om: i64 = o[4..6].parse().map_err(|_| err())?;
            let v = oh * 3600 + om * 60;
            if o.starts_with('-') { -v } else { v }
        }
        _ => return Err(err()),
    };
    Ok(day * DAY + h * 3600 + mi * 60 + se - offset)
}
