//! Helpers of the unit tests: feed lines to a parser of one format.

use bouncekit_core::Record;

use crate::{LineKind, LogOptions, LogParser, Mta};

/// 2025-01-15 00:00:00 UTC: the reference time of the tests (so `Dec` lines are 2024).
pub const REFERENCE: i64 = 1_736_899_200;

/// Each line's kind and records.
pub fn feed(mta: Mta, lines: &[&str]) -> Vec<(LineKind, Vec<Record>)> {
    let mut p = LogParser::new(LogOptions { mta: Some(mta), origin: "t".into(), reference_time: Some(REFERENCE), ..LogOptions::default() });
    lines
        .iter()
        .map(|l| {
            let mut out = Vec::new();
            let k = p.push_line(l.as_bytes(), &mut out);
            (k, out)
        })
        .collect()
}

/// The single record of a single line.
pub fn one(mta: Mta, line: &str) -> Record {
    let mut out = feed(mta, &[line]);
    let (kind, mut records) = out.remove(0);
    assert_eq!(kind, LineKind::Records(1), "{line}");
    records.remove(0)
}
