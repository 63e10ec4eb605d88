//! `bouncekit explain`.

use super::{bouncekit, text};

#[test]
fn status_code_in_both_languages() {
    let en = text(&bouncekit(&["explain", "5.3.0"], None));
    assert!(en.starts_with("5.3.0 — ") && en.contains("Common causes") && en.contains("4.3.0"), "{en}");
    let de = bouncekit(&["explain", "5.3.0", "--lang", "de"], None);
    assert!(de.status.success());
    assert!(text(&de).contains("Häufige Ursachen"));
}

#[test]
fn language_from_the_locale() {
    let mut cmd = std::process::Command::new(env!("CARGO_BIN_EXE_bouncekit"));
    let o = cmd.args(["explain", "550"]).env("LANG", "de_DE.UTF-8").env_remove("LC_ALL").output().expect("runs");
    assert!(String::from_utf8_lossy(&o.stdout).contains("Bedeutung"));
}

#[test]
fn json_and_markdown() {
    let o = bouncekit(&["explain", "4.7.1", "--format", "json"], None);
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).expect("JSON");
    assert_eq!(v["code"], "4.7.1");
    assert_eq!(v["bounce_type"], "block");
    assert!(v["causes"].as_array().is_some_and(|c| c.len() >= 4));
    let md = text(&bouncekit(&["explain", "550", "--format", "markdown"], None));
    assert!(md.starts_with("# 550"));
}

#[test]
fn a_reply_line_is_classified_and_both_codes_explained() {
    let t = text(&bouncekit(&["explain", "550 5.1.1 <a@example.org>: user unknown"], None));
    assert!(t.contains("reason userunknown") && t.contains("5.1.1 — ") && t.contains("550 — "), "{t}");
}

#[test]
fn malformed_and_unknown_codes_get_clear_errors() {
    for (arg, needle) in [("5.9.1", "did you mean"), ("599", "did you mean"), ("5-1", "did you mean"), ("hello", "not an SMTP code")] {
        let o = bouncekit(&["explain", arg], None);
        assert_eq!(o.status.code(), Some(2), "{arg}");
        let err = String::from_utf8_lossy(&o.stderr);
        assert!(err.contains(needle), "{arg}: {err}");
    }
    let unregistered = text(&bouncekit(&["explain", "5.7.600"], None));
    assert!(unregistered.contains("Not in the IANA registry"));
}

#[test]
fn list_every_code() {
    let t = text(&bouncekit(&["explain", "--list"], None));
    assert!(t.lines().count() >= 120 + 40, "{} lines", t.lines().count());
    assert!(t.contains("5.3.0") && t.contains("554"));
}
