//! The shared real-bounce corpus (`../shared/corpus`, read in place, never copied).
//!
//! Scores every field the way the corpus scorer does (rows matched by position per
//! email; Sisimai's own x.0.9xx status codes are not scored), prints every miss, and
//! fails when any figure falls below the floor recorded in `testdata/corpus-floor.json`.
//! The floor only ever rises: it records what the parser has reached, so a change that
//! loses accuracy fails. The product targets (reason ≥ 99 %, …) are printed beside it.

use std::collections::BTreeMap;

use bouncekit_core::Origin;
use bouncekit_parse::parse_bytes;
use serde_json::Value;

fn s(v: Option<&Value>) -> String {
    match v {
        Some(Value::String(s)) => s.clone(),
        Some(Value::Bool(b)) => if *b { "1".into() } else { "0".into() },
        Some(Value::Null) | None => String::new(),
        Some(v) => v.to_string(),
    }
}

#[test]
fn corpus_accuracy() {
    let corpus = super::root().join("../shared/corpus");
    let expected_path = corpus.join("expected.json");
    let bytes = std::fs::read(&expected_path).unwrap_or_else(|e| panic!("the shared corpus is required at {}: {e}", expected_path.display()));
    let expected: BTreeMap<String, Vec<Value>> = serde_json::from_slice(&bytes).expect("expected.json parses");
    let mut right: BTreeMap<&str, usize> = BTreeMap::new();
    let mut total_rcpts = 0usize;
    let mut status_scored = 0usize;
    let mut rows_ok = 0usize;
    let mut exact = 0usize;
    let mut misses = Vec::new();
    for (name, exp_rows) in &expected {
        let path = corpus.join("emails").join(name);
        let raw = std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        let produced: Vec<_> = parse_bytes(&raw, &Origin::file(name.clone())).into_iter().flat_map(|p| p.records).collect();
        if produced.len() == exp_rows.len() {
            rows_ok += 1;
        }
        let mut all_right = produced.len() == exp_rows.len();
        for (i, e) in exp_rows.iter().enumerate() {
            total_rcpts += 1;
            let p = produced.get(i);
            let got_reason = p.map(|r| r.reason.to_string()).unwrap_or_default();
            let got_status = p.and_then(|r| r.status).map(|c| c.to_string()).unwrap_or_default();
            let got_reply = p.and_then(|r| r.reply_code).map(|c| c.to_string()).unwrap_or_default();
            let got_hard = p.map(|r| if r.hard_bounce { "1" } else { "0" }).unwrap_or("").to_string();
            let exp_status = s(e.get("status"));
            let status_counts = !is_internal(&exp_status);
            let checks = [
                ("reason", s(e.get("reason")), got_reason, true),
                ("status", exp_status.clone(), got_status, status_counts),
                ("replycode", s(e.get("replycode")), got_reply, true),
                ("hardbounce", s(e.get("hardbounce")), got_hard, true),
            ];
            if status_counts {
                status_scored += 1;
            }
            for (field, want, got, counts) in checks {
                if !counts {
                    continue;
                }
                if want == got {
                    *right.entry(field).or_default() += 1;
                } else {
                    all_right = false;
                    misses.push(format!("{name}[{i}] {field}: got {got:?}, expected {want:?}"));
                }
            }
        }
        if all_right {
            exact += 1;
        }
    }
    let emails = expected.len();
    let pct = |n: usize, d: usize| if d == 0 { 100.0 } else { 100.0 * n as f64 / d as f64 };
    let figures: BTreeMap<&str, f64> = [
        ("reason", pct(right.get("reason").copied().unwrap_or(0), total_rcpts)),
        ("status", pct(right.get("status").copied().unwrap_or(0), status_scored)),
        ("replycode", pct(right.get("replycode").copied().unwrap_or(0), total_rcpts)),
        ("hardbounce", pct(right.get("hardbounce").copied().unwrap_or(0), total_rcpts)),
        ("rows", pct(rows_ok, emails)),
        ("exact", pct(exact, emails)),
    ]
    .into_iter()
    .collect();
    let targets: BTreeMap<&str, f64> =
        [("reason", 99.0), ("status", 99.0), ("replycode", 99.0), ("hardbounce", 99.5), ("rows", 99.0), ("exact", 97.0)].into_iter().collect();
    let floor_path = super::root().join("testdata/corpus-floor.json");
    let floor: BTreeMap<String, f64> = serde_json::from_slice(&std::fs::read(&floor_path).expect("corpus-floor.json")).expect("floor parses");
    println!("corpus: {emails} emails, {total_rcpts} recipients, {} misses", misses.len());
    for m in &misses {
        println!("  miss {m}");
    }
    let mut below = Vec::new();
    for (k, v) in &figures {
        let f = floor.get(*k).copied().unwrap_or(0.0);
        println!("  {k:<10} {v:6.2} %  (floor {f:6.2}, target {:6.2})", targets[k]);
        if *v + 1e-9 < f {
            below.push(format!("{k} {v:.2} < floor {f:.2}"));
        }
    }
    assert!(below.is_empty(), "corpus accuracy fell below the recorded floor: {}", below.join(", "));
}

/// Sisimai's made-up detail codes (x.0.9xx) are not scored.
fn is_internal(status: &str) -> bool {
    let parts: Vec<&str> = status.split('.').collect();
    parts.len() == 3 && parts[1] == "0" && parts[2].len() == 3 && parts[2].starts_with('9')
}
