//! MTA logs: the first byte picks the format (postfix, exim, sendmail, powermta,
//! kumomta, or detection from the lines); the rest is the log. Reading must not panic,
//! must account for every line, and must keep its memory bounds.
#![no_main]

use bouncekit_logs::{LogOptions, LogReader, MAX_RECIPIENTS_PER_LINE, Mta};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Some((&selector, log)) = data.split_first() else { return };
    let mta = match selector % 6 {
        5 => None,
        i => Some(Mta::ALL[usize::from(i)]),
    };
    let options = LogOptions {
        mta,
        origin: "fuzz.log".into(),
        // A fixed reference time keeps runs reproducible.
        reference_time: Some(1_710_151_200),
        utc_offset: i32::from(selector >> 4) * 3600 - 8 * 3600,
        // Small, so that eviction is exercised.
        queue_capacity: 4,
    };
    let mut reader = LogReader::new(log, options);
    let mut records = 0u64;
    for record in reader.by_ref() {
        let record = record.expect("reading from memory cannot fail");
        records += 1;
        assert!(record.origin.name.starts_with("fuzz.log:"), "origin {}", record.origin.name);
    }
    let stats = reader.stats();
    assert_eq!(stats.records, records);
    assert_eq!(stats.bytes, log.len() as u64, "every byte is accounted for");
    let lines = stats.lines.max(1);
    assert!(records <= lines * MAX_RECIPIENTS_PER_LINE as u64, "{records} records from {lines} lines");
    assert!(stats.queued <= 4, "the join map keeps its capacity");
});
