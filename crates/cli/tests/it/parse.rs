//! `bouncekit parse` over files, directories, mbox and stdin.

use super::{bouncekit, text};

const POSTFIX: &str = "From: MAILER-DAEMON@mx.example.org (Mail Delivery System)\nTo: sender@example.net\nSubject: Undelivered Mail Returned to Sender\nMIME-Version: 1.0\nContent-Type: multipart/report; report-type=delivery-status; boundary=\"B1\"\n\n--B1\nContent-Type: text/plain\n\nThis is the mail system at host mx.example.org.\n\n<alice@example.com>: host mx.example.com[192.0.2.1] said: 550 5.1.1\n    <alice@example.com>: Recipient address rejected: User unknown (in reply to RCPT TO command)\n\n--B1\nContent-Type: message/delivery-status\n\nReporting-MTA: dns; mx.example.org\n\nFinal-Recipient: rfc822; alice@example.com\nAction: failed\nStatus: 5.1.1\nRemote-MTA: dns; mx.example.com\nDiagnostic-Code: smtp; 550 5.1.1 <alice@example.com>: Recipient address rejected: User unknown\n\n--B1\nContent-Type: text/rfc822-headers\n\nFrom: sender@example.net\nTo: alice@example.com\nSubject: Spring sale\nMessage-ID: <abc@example.net>\n\n--B1--\n";

fn tmpdir(name: &str) -> std::path::PathBuf {
    let d = std::env::temp_dir().join(format!("bouncekit-cli-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).expect("temp dir");
    d
}

#[test]
fn sisimai_json_has_sisimai_fields() {
    let o = bouncekit(&["parse", "--format", "sisimai-json", "-"], Some(POSTFIX.as_bytes()));
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).expect("JSON array");
    let r = &v[0];
    assert_eq!(r["recipient"], "alice@example.com");
    assert_eq!(r["deliverystatus"], "5.1.1");
    assert_eq!(r["replycode"], "550");
    assert_eq!(r["reason"], "userunknown");
    assert_eq!(r["hardbounce"], 1);
    assert_eq!(r["messageid"], "abc@example.net");
    assert_eq!(r["subject"], "Spring sale");
    assert_eq!(r["origin"], "-");
    for key in ["addresser", "action", "diagnosticcode", "diagnostictype", "rhost", "lhost", "smtpcommand", "smtpagent", "timestamp", "feedbacktype"] {
        assert!(r.get(key).is_some(), "{key} missing");
    }
}

#[test]
fn directories_mbox_and_every_output_format() {
    let d = tmpdir("dir");
    std::fs::write(d.join("a.eml"), POSTFIX).expect("write");
    std::fs::create_dir_all(d.join("sub")).expect("mkdir");
    let mbox = format!("From MAILER-DAEMON Mon Jan  1 00:00:00 2024\n{POSTFIX}\nFrom MAILER-DAEMON Mon Jan  1 00:00:01 2024\n{}", POSTFIX.replace("alice", "bob"));
    std::fs::write(d.join("sub/bounces.mbox"), mbox).expect("write");
    let dir = d.to_string_lossy().to_string();
    let o = bouncekit(&["parse", "--format", "jsonl", &dir], None);
    assert!(o.status.success());
    let rows: Vec<serde_json::Value> = text(&o).lines().map(|l| serde_json::from_str(l).expect("JSON line")).collect();
    let rcpts: Vec<&str> = rows.iter().filter_map(|r| r["recipient"].as_str()).collect();
    assert_eq!(rcpts, ["alice@example.com", "alice@example.com", "bob@example.com"], "input order kept");
    let csv = text(&bouncekit(&["parse", "--format", "csv", &dir], None));
    assert!(csv.starts_with("origin,recipient,status,reply,reason,kind,blame,action,format,diagnostic"));
    assert_eq!(csv.lines().count(), 4);
    let table = text(&bouncekit(&["parse", "--format", "table", &dir], None));
    assert!(table.starts_with("RECIPIENT"));
    let json: serde_json::Value = serde_json::from_slice(&bouncekit(&["parse", "--format", "json", &dir], None).stdout).expect("array");
    assert_eq!(json.as_array().map(Vec::len), Some(3));
    let _ = std::fs::remove_dir_all(&d);
}

#[test]
fn bad_inputs_are_named_and_the_batch_goes_on() {
    let d = tmpdir("bad");
    std::fs::write(d.join("1-good.eml"), POSTFIX).expect("write");
    std::fs::write(d.join("2-note.eml"), "From: friend@example.org\nSubject: lunch?\n\nsee you\n").expect("write");
    std::fs::write(d.join("3-empty.eml"), "").expect("write");
    let missing = d.join("nope.eml");
    let o = bouncekit(&["parse", "--format", "jsonl", &d.to_string_lossy(), &missing.to_string_lossy()], None);
    assert_eq!(o.status.code(), Some(1), "something failed");
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("2-note.eml") && err.contains("not a bounce"), "{err}");
    assert!(err.contains("3-empty.eml") && err.contains("empty"), "{err}");
    assert!(err.contains("nope.eml") && err.contains("cannot open"), "{err}");
    assert_eq!(text(&o).lines().count(), 1, "the good file still parsed");
    let _ = std::fs::remove_dir_all(&d);
}
