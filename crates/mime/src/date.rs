//! RFC 5322 dates (`Thu, 29 Nov 2026 01:46:29 +0900`) to Unix seconds, tolerantly: the
//! weekday is optional, seconds are optional, zones may be numeric or the obsolete names.

/// Parses a date as written in `Date:`, `Arrival-Date:` or `Last-Attempt-Date:`.
pub fn parse(s: &str) -> Option<i64> {
    let s = s.split(';').next_back()?.trim();
    let s = match s.find(',') {
        Some(p) => &s[p + 1..],
        None => s,
    };
    let mut it = s.split_whitespace();
    let day: i64 = it.next()?.parse().ok()?;
    let mon = it.next()?.as_bytes();
    let month = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"]
        .iter()
        .position(|m| mon.get(..3).is_some_and(|p| p.eq_ignore_ascii_case(m.as_bytes())))? as i64
        + 1;
    let mut year: i64 = it.next()?.parse().ok()?;
    if year < 50 {
        year += 2000;
    } else if year < 1000 {
        year += 1900;
    }
    let time = it.next()?;
    let mut hms = time.split(':').map(|p| p.parse::<i64>().ok());
    let h = hms.next()??;
    let m = hms.next()??;
    let sec = hms.next().flatten().unwrap_or(0);
    let zone = it.next().unwrap_or("+0000");
    let offset = match zone.as_bytes().first() {
        Some(b'+') | Some(b'-') if zone.len() >= 5 => {
            let sign = if zone.starts_with('-') { -1 } else { 1 };
            let hh: i64 = zone.get(1..3)?.parse().ok()?;
            let mm: i64 = zone.get(3..5)?.parse().ok()?;
            sign * (hh * 3600 + mm * 60)
        }
        _ => [("EST", -5), ("EDT", -4), ("CST", -6), ("CDT", -5), ("MST", -7), ("MDT", -6), ("PST", -8), ("PDT", -7), ("JST", 9)]
            .iter()
            .find(|(name, _)| zone.eq_ignore_ascii_case(name))
            .map_or(0, |(_, hours)| hours * 3600),
    };
    if !(1..=31).contains(&day) || !(0..=23).contains(&h) || !(0..=59).contains(&m) || !(0..=60).contains(&sec) {
        return None;
    }
    Some(days_from_civil(year, month, day) * 86400 + h * 3600 + m * 60 + sec - offset)
}

/// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm).
fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = if y >= 0 { y } else { y - 399 } / 400;
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146097 + doe - 719468
}

#[cfg(test)]
mod tests {
    #[test]
    fn parses_common_forms() {
        assert_eq!(super::parse("Thu, 1 Jan 1970 00:00:00 +0000"), Some(0));

        assert_eq!(super::parse("garbage"), None);
    }
}
