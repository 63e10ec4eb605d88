//! `bouncekit classify`.

use super::{bouncekit, text};

#[test]
fn the_promised_examples() {
    let cases = [
        ("550 5.3.0 <u@example.com>: Mail system error", "systemerror", "hard", "recipient", "suppress"),
        ("452 4.3.1 Insufficient system storage", "systemfull", "soft", "recipient", "retry"),
        ("550 5.7.1 Service unavailable; client [192.0.2.1] blocked using zen.spamhaus.org", "blocked", "block", "sender", "alert_sender"),
        ("550-5.1.1 The email account that you tried to reach does not exist.", "userunknown", "hard", "recipient", "suppress"),
    ];
    for (line, reason, kind, blame, action) in cases {
        let o = bouncekit(&["classify", "--json", line], None);
        assert!(o.status.success(), "{line}");
        let v: serde_json::Value = serde_json::from_str(text(&o).trim()).expect("one JSON object");
        assert_eq!((v["reason"].as_str(), v["kind"].as_str(), v["blame"].as_str(), v["action"].as_str()), (Some(reason), Some(kind), Some(blame), Some(action)), "{line}");
    }
}

#[test]
fn reads_many_lines_from_stdin() {
    let o = bouncekit(&["classify", "--json"], Some(b"550 5.1.1 user unknown\n\n452 4.2.2 mailbox full\n"));
    assert!(o.status.success());
    let lines: Vec<&str> = std::str::from_utf8(&o.stdout).expect("utf-8").lines().collect();
    assert_eq!(lines.len(), 2, "empty lines are skipped");
    assert!(lines[1].contains("\"mailboxfull\""));
}

#[test]
fn human_output_and_exit_code_for_no_evidence() {
    let o = bouncekit(&["classify", "550 5.2.2 mailbox full"], None);
    let t = text(&o);
    assert!(t.contains("reason:  mailboxfull") && t.contains("action:  retry"), "{t}");
    let o = bouncekit(&["classify", "hello there"], None);
    assert_eq!(o.status.code(), Some(1), "undefined reason exits 1");
}
