//! Bounce mail: one message or an mbox, any bytes. Parsing must not panic, every message
//! without records must say why, and every record must survive a JSON round trip (what
//! `--format json` and the store rely on).
#![no_main]

use bouncekit_core::{Origin, Record};
use bouncekit_parse::parse_bytes;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let origin = Origin::file("fuzz.eml");
    for parsed in parse_bytes(data, &origin) {
        assert!(
            !parsed.records.is_empty() || !parsed.diagnostics.is_empty(),
            "a message without records must have a diagnostic"
        );
        for record in &parsed.records {
            let json = serde_json::to_string(record).expect("a record serialises");
            let back: Record = serde_json::from_str(&json).expect("a serialised record reads back");
            assert_eq!(&back, record, "JSON round trip of {json}");
        }
    }
});
