//! Golden samples: every `testdata/logs/NAME.{log,csv,jsonl}` is read with format
//! detection and compared with `NAME.expected.json`: the detected format, the counters
//! and the records in order. Fields missing from an expected record are not compared. On
//! mismatch the produced result is written to `NAME.failed.json` beside it.

use bouncekit_logs::{LogOptions, LogReader};
use serde_json::{Value, json};

/// Fields written to a `.failed.json` (and so to new expected files).
const FIELDS: &[&str] = &[
    "origin",
    "recipient",
    "sender",
    "status",
    "reply_code",
    "reason",
    "kind",
    "dsn_action",
    "remote_mta",
    "reporting_mta",
    "smtp_command",
    "timestamp",
    "message_id",
    "format",
    "diagnostic",
    "headers",
    "feedback_type",
];

/// A record as the samples compare it.
fn view(r: &bouncekit_core::Record) -> Value {
    let full = serde_json::to_value(r).expect("record serialises");
    let mut out = serde_json::Map::new();
    for f in FIELDS {
        let v = if *f == "origin" { full["origin"]["name"].clone() } else { full.get(*f).cloned().unwrap_or(Value::Null) };
        if v.is_null() || v.as_object().is_some_and(|o| o.is_empty()) {
            continue;
        }
        out.insert((*f).to_string(), v);
    }
    Value::Object(out)
}

#[test]
fn golden_samples() {
    let dir = super::root().join("testdata/logs");
    let mut names: Vec<_> = std::fs::read_dir(&dir)
        .expect("testdata/logs exists")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|e| e == "log" || e == "csv" || e == "jsonl"))
        .collect();
    names.sort();
    assert!(names.len() >= 5, "samples missing in {}", dir.display());
    let mut failures = Vec::new();
    for path in &names {
        let file_name = path.file_name().unwrap_or_default().to_string_lossy().into_owned();
        let bytes = std::fs::read(path).expect("sample readable");
        let options = LogOptions { reference_time: Some(super::REFERENCE), ..LogOptions::named(file_name.clone()) };
        let mut reader = LogReader::new(&bytes[..], options);
        let records: Vec<Value> = reader.by_ref().map(|r| view(&r.expect("no IO error"))).collect();
        let s = reader.stats();
        let produced = json!({
            "mta": reader.mta().map(|m| m.name()),
            "stats": {"lines": s.lines, "records": s.records, "pending": s.pending, "noise": s.noise, "malformed": s.malformed},
            "records": records,
        });
        let expected_path = path.with_extension("expected.json");
        let failed_path = path.with_extension("failed.json");
        let expected: Value = match std::fs::read(&expected_path) {
            Ok(b) => serde_json::from_slice(&b).unwrap_or_else(|e| panic!("{}: {e}", expected_path.display())),
            Err(_) => Value::Null,
        };
        let mut problems = Vec::new();
        if expected.is_null() {
            problems.push("no expected file".to_string());
        } else {
            for key in ["mta", "stats"] {
                if expected[key] != produced[key] {
                    problems.push(format!("{key}: got {}, expected {}", produced[key], expected[key]));
                }
            }
            let exp = expected["records"].as_array().cloned().unwrap_or_default();
            let got = produced["records"].as_array().cloned().unwrap_or_default();
            if exp.len() != got.len() {
                problems.push(format!("{} records, expected {}", got.len(), exp.len()));
            }
            for (i, (e, p)) in exp.iter().zip(&got).enumerate() {
                for (f, ev) in e.as_object().into_iter().flatten() {
                    let pv = p.get(f).cloned().unwrap_or(Value::Null);
                    if *ev != pv {
                        problems.push(format!("record {i} {f}: got {pv}, expected {ev}"));
                    }
                }
            }
        }
        if problems.is_empty() {
            let _ = std::fs::remove_file(&failed_path);
        } else {
            let _ = std::fs::write(&failed_path, serde_json::to_string_pretty(&produced).unwrap_or_default() + "\n");
            failures.push(format!("{file_name}:\n    {}", problems.join("\n    ")));
        }
    }
    assert!(failures.is_empty(), "{} of {} samples differ:\n{}", failures.len(), names.len(), failures.join("\n"));
}

/// Every sample fed in pieces of every size from 1 to 7 bytes through a reader reads the
/// same as whole: line splitting does not depend on buffer boundaries.
#[test]
fn samples_read_the_same_through_tiny_buffers() {
    let dir = super::root().join("testdata/logs");
    for name in ["postfix.log", "powermta.csv", "kumomta.jsonl"] {
        let bytes = std::fs::read(dir.join(name)).expect("sample readable");
        let options = || LogOptions { reference_time: Some(super::REFERENCE), ..LogOptions::named(name) };
        let whole: Vec<_> = LogReader::new(&bytes[..], options()).map(|r| r.expect("read")).collect();
        for cap in 1..8 {
            let r = std::io::BufReader::with_capacity(cap, &bytes[..]);
            let pieces: Vec<_> = LogReader::new(r, options()).map(|r| r.expect("read")).collect();
            assert_eq!(pieces, whole, "{name} with a {cap}-byte buffer");
        }
    }
}
