//! Reply parsing: codes, recipient, command and host out of wrapped text.

use bouncekit_classify::smtp::parse_reply;

fn check(input: &str, reply: Option<u16>, status: Option<&str>) -> bouncekit_classify::smtp::Reply {
    let r = parse_reply(input);
    assert_eq!(r.reply_code.map(|c| c.get()), reply, "reply code of {input:?}");
    assert_eq!(r.status.map(|s| s.to_string()).as_deref(), status, "status of {input:?}");
    r
}

#[test]
fn single_line() {
    check("550 5.1.1 <a@example.com>: Recipient address rejected", Some(550), Some("5.1.1"));
    check("550 Unrouteable address", Some(550), None);
    check("5.1.1 user unknown", None, Some("5.1.1"));
    check("no codes at all", None, None);
}

#[test]
fn multi_line_joins_text() {
    let r = check("550-5.7.1 Service unavailable\n550-5.7.1 client blocked\n550 5.7.1 see https://example.org", Some(550), Some("5.7.1"));
    assert_eq!(r.text, "Service unavailable client blocked see https://example.org");
}

#[test]
fn embedded_in_postfix_text() {
    let r = check(
        "host mx.example.com[192.0.2.1] said: 550 5.3.0 <a@example.com>: Mail system error (in reply to RCPT TO command)",
        Some(550),
        Some("5.3.0"),
    );
    assert_eq!(r.recipient.as_deref(), Some("a@example.com"));
    assert_eq!(r.command.as_deref(), Some("RCPT"));
    assert_eq!(r.remote_host.as_deref(), Some("mx.example.com"));
}

#[test]
fn mismatched_classes_are_kept_and_flagged() {
    let r = check("550 4.4.7 QUEUE.Expired; message expired", Some(550), Some("4.4.7"));
    assert!(r.mismatch);
    assert!(!check("550 5.1.1 x", Some(550), Some("5.1.1")).mismatch);
}

#[test]
fn addresses_and_versions_are_not_codes() {
    check("connect to 192.0.2.1 port 25", None, None);
    check("Exim 4.92.3 said", None, None);
    check("qmail (#5.1.1)", None, Some("5.1.1"));
    check("smtp; 550 #5.1.0 Address rejected", Some(550), Some("5.1.0"));
    check("queue id 550123 at 2024-01-02", None, None);
}

#[test]
fn commands() {
    for (text, cmd) in [
        ("(in reply to end of DATA command)", "DATA"),
        ("SMTP error from remote mail server after RCPT TO:<a@b.org>:", "RCPT"),
        ("SMTP error from remote mail server after MAIL FROM:<a@b.org> SIZE=1", "MAIL"),
        ("(in reply to MAIL FROM command)", "MAIL"),
    ] {
        assert_eq!(parse_reply(text).command.as_deref(), Some(cmd), "{text}");
    }
}
