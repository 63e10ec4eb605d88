//! Golden-file tests: every `testdata/bounces/NAME.eml` is parsed and compared with
//! `NAME.expected.json` (an array of expected records, by position). On mismatch the
//! produced records are written to `NAME.failed.json` beside it for an easy diff.

use bouncekit_core::Origin;
use bouncekit_parse::parse_bytes;
use serde_json::{Value, json};

/// Fields compared; a field missing from the expected object is not compared.
const FIELDS: &[&str] = &["recipient", "status", "reply_code", "reason", "kind", "hard_bounce", "format", "feedback_type", "remote_mta", "smtp_command"];

#[test]
fn golden_samples() {
    let dir = super::root().join("testdata/bounces");
    let mut names: Vec<_> = std::fs::read_dir(&dir)
        .expect("testdata/bounces exists")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|e| e == "eml"))
        .collect();
    names.sort();
    assert!(!names.is_empty(), "no samples in {}", dir.display());
    let mut failures = Vec::new();
    for eml in &names {
        let expected_path = eml.with_extension("expected.json");
        let expected: Value = match std::fs::read(&expected_path) {
            Ok(b) => serde_json::from_slice(&b).unwrap_or_else(|e| panic!("{}: {e}", expected_path.display())),
            Err(_) => {
                failures.push(format!("{}: no expected file", eml.display()));
                continue;
            }
        };
        let bytes = std::fs::read(eml).expect("sample readable");
        let produced: Vec<Value> = parse_bytes(&bytes, &Origin::file(eml.to_string_lossy()))
            .into_iter()
            .flat_map(|p| p.records)
            .map(|r| serde_json::to_value(&r).expect("record serialises"))
            .collect();
        let exp = expected.as_array().cloned().unwrap_or_default();
        let mut problems = Vec::new();
        if exp.len() != produced.len() {
            problems.push(format!("{} records, expected {}", produced.len(), exp.len()));
        }
        for (i, (e, p)) in exp.iter().zip(&produced).enumerate() {
            for f in FIELDS {
                if let Some(ev) = e.get(*f) {
                    let pv = p.get(*f).cloned().unwrap_or(Value::Null);
                    if *ev != pv {
                        problems.push(format!("record {i} {f}: got {pv}, expected {ev}"));
                    }
                }
            }
        }
        let failed_path = eml.with_extension("failed.json");
        if problems.is_empty() {
            let _ = std::fs::remove_file(&failed_path);
        } else {
            let _ = std::fs::write(&failed_path, serde_json::to_string_pretty(&json!(produced)).unwrap_or_default());
            failures.push(format!("{}:\n    {}", eml.file_name().unwrap_or_default().to_string_lossy(), problems.join("\n    ")));
        }
    }
    assert!(failures.is_empty(), "{} of {} samples differ:\n{}", failures.len(), names.len(), failures.join("\n"));
}
