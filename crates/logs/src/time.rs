//! Timestamps of log lines, as seconds since the Unix epoch (UTC).
//!
//! Three shapes occur:
//!
//! - **Traditional syslog** (`Nov 29 02:05:03`): no year and no zone. The year is chosen
//!   against a *reference time* ([`crate::LogOptions::reference_time`], by default the
//!   time the reader was made; the CLI passes the file's modification time, which is at
//!   or after its last line): the reference's year, unless that puts the line more than
//!   [`FUTURE_SLACK`] after the reference, in which case the year before. A log that runs
//!   from December into January therefore dates both months right, as long as it is read
//!   within a year of being written. The clock time is read in the zone given by
//!   [`crate::LogOptions::utc_offset`] (UTC by default).
//! - **ISO 8601 / RFC 3339** (`2024-11-29T02:05:03.123456+01:00`, rsyslog's high-precision
//!   format, Exim's `2024-11-29 02:05:03 +0100`, PowerMTA's `2024-11-29 02:05:03-0500`): the
//!   zone is used when written, else `utc_offset`.
//! - **Epoch seconds** (KumoMTA).
//!
//! Fractions of seconds are dropped.

/// How far after the reference time a year-less timestamp may lie and still be read in
/// the reference's year: covers clock skew and zones east of UTC (at most +14 h) with
/// room to spare.
pub const FUTURE_SLACK: i64 = 7 * 86_400;

/// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm).
/// Days past the end of a month roll over (`Feb 29` of a common year is `Mar 1`).
pub fn days_from_civil(y: i64, m: u32, d: u32) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let m = i64::from(m);
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + i64::from(d) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// The year of an epoch time (UTC).
pub fn year_of(t: i64) -> i64 {
    let days = t.div_euclid(86_400);
    // Inverse of `days_from_civil`, year only.
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    yoe + era * 400 + i64::from(m <= 2)
}

/// Epoch seconds of a civil date and time in UTC.
fn epoch(y: i64, mo: u32, d: u32, h: u32, mi: u32, s: u32) -> i64 {
    days_from_civil(y, mo, d) * 86_400 + i64::from(h) * 3600 + i64::from(mi) * 60 + i64::from(s)
}

/// Two ASCII digits at `b[i..i + 2]`.
fn two(b: &[u8], i: usize) -> Option<u32> {
    let (x, y) = (*b.get(i)?, *b.get(i + 1)?);
    (x.is_ascii_digit() && y.is_ascii_digit()).then(|| u32::from(x - b'0') * 10 + u32::from(y - b'0'))
}

/// `hh:mm:ss` at `b[i..]`, validated.
fn clock(b: &[u8], i: usize) -> Option<(u32, u32, u32)> {
    let (h, m, s) = (two(b, i)?, two(b, i + 3)?, two(b, i + 6)?);
    (b[i + 2] == b':' && b[i + 5] == b':' && h < 24 && m < 60 && s <= 60).then_some((h, m, s))
}

/// The month number of a three-letter English month name.
pub fn month(name: &[u8]) -> Option<u32> {
    const MONTHS: [&[u8; 3]; 12] = [b"Jan", b"Feb", b"Mar", b"Apr", b"May", b"Jun", b"Jul", b"Aug", b"Sep", b"Oct", b"Nov", b"Dec"];
    MONTHS.iter().position(|m| m.as_slice() == name).map(|i| i as u32 + 1)
}

/// A traditional syslog timestamp `Mmm dd hh:mm:ss` (day space- or zero-padded) at the start
/// of `b`, with its length (15). The year comes from `reference` as the module explains.
pub fn syslog(b: &[u8], reference: i64, utc_offset: i32) -> Option<(i64, usize)> {
    if b.len() < 15 || b[3] != b' ' || b[6] != b' ' {
        return None;
    }
    let mo = month(&b[..3])?;
    let d = match (b[4], b[5]) {
        (b' ', x) if x.is_ascii_digit() => u32::from(x - b'0'),
        _ => two(b, 4)?,
    };
    if !(1..=31).contains(&d) {
        return None;
    }
    let (h, mi, s) = clock(b, 7)?;
    let y = year_of(reference);
    let mut t = epoch(y, mo, d, h, mi, s) - i64::from(utc_offset);
    if t > reference + FUTURE_SLACK {
        t = epoch(y - 1, mo, d, h, mi, s) - i64::from(utc_offset);
    }
    Some((t, 15))
}

/// An ISO 8601 timestamp at the start of `b`: `YYYY-MM-DD`, `T` or one space, `hh:mm:ss`,
/// an optional fraction, an optional zone (`Z`, `+hh:mm`, `+hhmm`, optionally after one
/// space). Returns the time and the length read. Zone-less times are read in `utc_offset`.
pub fn iso(b: &[u8], utc_offset: i32) -> Option<(i64, usize)> {
    if b.len() < 19 || b[4] != b'-' || b[7] != b'-' || !matches!(b[10], b'T' | b' ') {
        return None;
    }
    let y = i64::from(two(b, 0)? * 100 + two(b, 2)?);
    let (mo, d) = (two(b, 5)?, two(b, 8)?);
    if !(1..=12).contains(&mo) || !(1..=31).contains(&d) {
        return None;
    }
    let (h, mi, s) = clock(b, 11)?;
    let mut i = 19;
    if b.get(i) == Some(&b'.') || b.get(i) == Some(&b',') {
        i += 1;
        while b.get(i).is_some_and(u8::is_ascii_digit) {
            i += 1;
        }
    }
    let t = epoch(y, mo, d, h, mi, s);
    // Zone: directly attached, or after one space (Exim's `+timezone` selector).
    let zone_at = |j: usize| -> Option<(i64, usize)> {
        match *b.get(j)? {
            b'Z' => Some((0, 1)),
            sign @ (b'+' | b'-') => {
                let zh = two(b, j + 1)?;
                let (zm, len) = if b.get(j + 3) == Some(&b':') { (two(b, j + 4)?, 6) } else { (two(b, j + 3)?, 5) };
                if zh > 14 || zm > 59 {
                    return None;
                }
                let off = i64::from(zh * 3600 + zm * 60);
                // The zone must end the token.
                if b.get(j + len).is_some_and(u8::is_ascii_alphanumeric) {
                    return None;
                }
                Some((if sign == b'-' { -off } else { off }, len))
            }
            _ => None,
        }
    };
    if let Some((off, len)) = zone_at(i) {
        return Some((t - off, i + len));
    }
    if b.get(i) == Some(&b' ')
        && let Some((off, len)) = zone_at(i + 1)
    {
        return Some((t - off, i + 1 + len));
    }
    Some((t - i64::from(utc_offset), i))
}

/// The current time, seconds since the epoch.
pub fn now() -> i64 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_secs() as i64).unwrap_or(0)
}

/// Parses a UTC offset written `+01:00`, `+0100`, `-5`, `Z` or `UTC` into seconds.
pub fn parse_offset(s: &str) -> Option<i32> {
    let s = s.trim();
    if s.eq_ignore_ascii_case("z") || s.eq_ignore_ascii_case("utc") {
        return Some(0);
    }
    let (sign, rest) = match s.as_bytes().first()? {
        b'+' => (1, &s[1..]),
        b'-' => (-1, &s[1..]),
        _ => (1, s),
    };
    let (h, m) = match rest.split_once(':') {
        Some((h, m)) => (h.parse::<i32>().ok()?, m.parse::<i32>().ok()?),
        None if rest.len() == 4 => (rest[..2].parse().ok()?, rest[2..].parse().ok()?),
        None => (rest.parse().ok()?, 0),
    };
    (h <= 14 && (0..60).contains(&m)).then_some(sign * (h * 3600 + m * 60))
}

#[cfg(test)]
mod tests {
    use super::*;

    const JAN_15_2025: i64 = 1_736_899_200;

    #[test]
    fn civil_dates() {
        assert_eq!(days_from_civil(1970, 1, 1), 0);
        assert_eq!(days_from_civil(2000, 3, 1), 11_017);
        assert_eq!(epoch(2024, 11, 29, 2, 5, 3), 1_732_845_903);
        assert_eq!(year_of(JAN_15_2025), 2025);
        assert_eq!(year_of(1_735_689_599), 2024); // 2024-12-31 23:59:59
        assert_eq!(year_of(0), 1970);
    }

    #[test]
    fn syslog_year_comes_from_reference() {
        // January line, January reference: same year.
        let (t, n) = syslog(b"Jan 14 10:00:00 host", JAN_15_2025, 0).expect("parses");
        assert_eq!((t, n), (epoch(2025, 1, 14, 10, 0, 0), 15));
        // December line read in January: previous year.
        let (t, _) = syslog(b"Dec 31 23:00:00 host", JAN_15_2025, 0).expect("parses");
        assert_eq!(t, epoch(2024, 12, 31, 23, 0, 0));
        // A few days ahead (clock skew) stays in the reference year.
        let (t, _) = syslog(b"Jan 17 00:00:00", JAN_15_2025, 0).expect("parses");
        assert_eq!(t, epoch(2025, 1, 17, 0, 0, 0));
        // Space-padded day and an offset.
        let (t, _) = syslog(b"Jan  9 01:00:00", JAN_15_2025, 3600).expect("parses");
        assert_eq!(t, epoch(2025, 1, 9, 0, 0, 0));
        assert!(syslog(b"Foo 14 10:00:00", JAN_15_2025, 0).is_none());
        assert!(syslog(b"Jan 14 25:00:00", JAN_15_2025, 0).is_none());
    }

    #[test]
    fn iso_forms() {
        let t = epoch(2024, 11, 29, 2, 5, 3);
        assert_eq!(iso(b"2024-11-29 02:05:03 x", 0), Some((t, 19)));
        assert_eq!(iso(b"2024-11-29T02:05:03.123456+01:00 host", 0), Some((t - 3600, 32)));
        assert_eq!(iso(b"2024-11-29 02:05:03-0500,", 0), Some((t + 5 * 3600, 24)));
        assert_eq!(iso(b"2024-11-29 02:05:03-0500", 0), Some((t + 5 * 3600, 24)));
        assert_eq!(iso(b"2024-11-29 02:05:03.250 +0100 1tG", 0), Some((t - 3600, 29)));
        assert_eq!(iso(b"2024-11-29T02:05:03Z", 0), Some((t, 20)));
        assert_eq!(iso(b"2024-11-29 02:05:03 1tGxyz", 7200), Some((t - 7200, 19)));
        assert!(iso(b"2024-13-29 02:05:03", 0).is_none());
    }

    #[test]
    fn offsets() {
        assert_eq!(parse_offset("+01:00"), Some(3600));
        assert_eq!(parse_offset("-0530"), Some(-(5 * 3600 + 1800)));
        assert_eq!(parse_offset("2"), Some(7200));
        assert_eq!(parse_offset("UTC"), Some(0));
        assert_eq!(parse_offset("+25"), None);
    }
}
