//! Full SMTP sessions: delivery, pipelining, sequence and syntax errors, BDAT.

use bouncekit_core::{OriginKind, Reason};

use crate::support::{ALICE, DOMAIN, bounce, config, start, start_recorder, stuffed};

#[tokio::test]
async fn smtp_session_delivers_a_verp_bounce_with_its_records() {
    let server = start(config()).await;
    let mut c = server.connect_raw().await;
    // No enhanced status codes in the greeting, EHLO and 354 replies (RFC 2034 §3).
    assert_eq!(c.reply().await, "220 mx.test ESMTP bouncekit ready");
    let ehlo = c.cmd("EHLO mx.example.org", "250 ").await;
    assert!(ehlo.starts_with("250-mx.test Hello mx.example.org\n"), "{ehlo}");
    for extension in ["PIPELINING", "SIZE 26214400", "8BITMIME", "ENHANCEDSTATUSCODES", "CHUNKING"] {
        assert!(ehlo.lines().any(|l| l[4..] == *extension), "{extension} missing from {ehlo}");
    }
    assert!(!ehlo.contains("STARTTLS"), "STARTTLS offered without TLS: {ehlo}");
    c.cmd("MAIL FROM:<> SIZE=2000 BODY=8BITMIME", "250 2.1.0").await;
    c.cmd(&format!("RCPT TO:<{ALICE}>"), "250 2.1.5").await;
    assert_eq!(c.cmd("DATA", "354 ").await, "354 End data with <CR><LF>.<CR><LF>");
    c.send(&stuffed(&bounce("alice@example.com"))).await;
    let done = c.expect("250 2.0.0 Ok: ").await;
    assert!(done.ends_with("accepted, 1 record"), "{done}");
    c.cmd("QUIT", "221 2.0.0").await;
    assert!(c.closed().await);

    let deliveries = server.sink.take();
    assert_eq!(deliveries.len(), 1);
    let d = &deliveries[0];
    assert_eq!(d.envelope.mail_from, "");
    assert_eq!(d.envelope.helo, "mx.example.org");
    assert!(!d.envelope.tls);
    assert_eq!(d.envelope.recipients[0].address, ALICE);
    assert_eq!(d.envelope.recipients[0].original.as_deref(), Some("alice@example.com"));
    assert!(done.contains(&d.envelope.id), "the reply names the id: {done}");
    let r = &d.parsed.records[0];
    assert_eq!(r.recipient, "alice@example.com");
    assert_eq!(r.reason, Reason::UserUnknown);
    assert_eq!(r.origin.kind, OriginKind::Listener);
    assert!(r.origin.name.starts_with("smtp://127.0.0.1:"), "{}", r.origin.name);
    assert_eq!(server.stats.snapshot().messages, 1);
}

#[tokio::test]
async fn pipelined_commands_get_their_replies_in_order() {
    let server = start_recorder(config()).await;
    let mut c = server.connect().await;
    c.cmd("EHLO mx.example.org", "250 ").await;
    c.send(&format!(
        "MAIL FROM:<>\r\nRCPT TO:<{ALICE}>\r\nRCPT TO:<someone@elsewhere.example>\r\nRCPT TO:<postmaster@{DOMAIN}>\r\nDATA\r\n"
    ))
    .await;
    c.expect("250 2.1.0").await;
    c.expect("250 2.1.5").await;
    c.expect("550 5.1.1").await;
    c.expect("250 2.1.5").await;
    c.expect("354 ").await;
    // The message, and a whole second transaction that is reset, in one write.
    let message = bounce("alice@example.com");
    c.send(&format!("{}MAIL FROM:<>\r\nRCPT TO:<{ALICE}>\r\nRSET\r\nNOOP\r\nQUIT\r\n", stuffed(&message))).await;
    c.expect("250 2.0.0 Ok: ").await;
    c.expect("250 2.1.0").await;
    c.expect("250 2.1.5").await;
    c.expect("250 2.0.0 Reset").await;
    c.expect("250 2.0.0 Ok").await;
    c.expect("221 ").await;

    let got = server.sink.deliveries();
    assert_eq!(got.len(), 1, "the reset transaction is not delivered");
    let (envelope, raw) = &got[0];
    assert_eq!(envelope.recipients.len(), 2);
    assert_eq!(envelope.recipients[1].address, format!("postmaster@{DOMAIN}"));
    assert_eq!(envelope.recipients[1].original, None);
    assert_eq!(String::from_utf8_lossy(raw), message, "dot-unstuffed, byte for byte");
    assert_eq!(server.stats.snapshot().recipients_rejected, 1);
}

#[tokio::test]
async fn commands_out_of_sequence_get_503() {
    let server = start_recorder(config()).await;
    let mut c = server.connect().await;
    c.cmd("MAIL FROM:<>", "503 5.5.1").await;
    c.cmd("DATA", "503 5.5.1").await;
    c.cmd("EHLO mx.example.org", "250 ").await;
    c.cmd(&format!("RCPT TO:<{ALICE}>"), "503 5.5.1").await;
    c.cmd("DATA", "503 5.5.1").await;
    c.cmd("MAIL FROM:<>", "250 ").await;
    c.cmd("MAIL FROM:<>", "503 5.5.1").await;
    c.cmd("DATA", "503 5.5.1").await;
    c.cmd("RCPT TO:<nobody@elsewhere.example>", "550 5.1.1").await;
    c.cmd("DATA", "503 5.5.1").await;
    c.cmd("QUIT", "221 ").await;
    assert!(server.sink.deliveries().is_empty());
}

#[tokio::test]
async fn unknown_commands_and_bad_syntax_are_refused() {
    let server = start_recorder(config()).await;
    let mut c = server.connect().await;
    c.cmd("XYZZY", "500 5.5.2").await;
    c.cmd("GET / HTTP/1.1", "500 5.5.2").await;
    c.cmd("LHLO mx.example.org", "500 5.5.1").await;
    c.cmd("HELO mx.example.org", "250 mx.test Hello mx.example.org").await;
    c.cmd("MAIL FROM:alice", "501 ").await;
    c.cmd("MAIL FROM:<>", "250 ").await;
    c.cmd("RCPT TO:<", "501 ").await;
    c.cmd("VRFY alice", "252 ").await;
    c.cmd("EXPN staff", "502 5.5.1").await;
    c.cmd("STARTTLS", "502 5.5.1").await;
    c.cmd("NOOP", "250 ").await;
    c.cmd("QUIT", "221 ").await;
}

#[tokio::test]
async fn long_command_line_gets_500_5_5_6_and_the_session_goes_on() {
    let server = start_recorder(config()).await;
    let mut c = server.connect().await;
    c.send(&format!("NOOP {}\r\n", "a".repeat(10_000))).await;
    c.expect("500 5.5.6").await;
    c.cmd("NOOP", "250 2.0.0 Ok").await;
    c.cmd("EHLO mx.example.org", "250 ").await;
}

#[tokio::test]
async fn too_many_errors_close_the_session() {
    let server = start_recorder(config()).await;
    let mut c = server.connect().await;
    for _ in 0..10 {
        c.cmd("BOGUS", "500 5.5.2").await;
    }
    c.send("BOGUS\r\n").await;
    c.expect("500 5.5.2").await;
    c.expect("421 4.7.0").await;
    assert!(c.closed().await);
}

#[tokio::test]
async fn bdat_chunks_make_one_message() {
    let server = start_recorder(config()).await;
    let mut c = server.connect().await;
    c.cmd("EHLO mx.example.org", "250 ").await;
    c.cmd("MAIL FROM:<>", "250 ").await;
    c.cmd(&format!("RCPT TO:<{ALICE}>"), "250 ").await;
    let message = bounce("alice@example.com");
    let (first, second) = message.split_at(100);
    c.send(&format!("BDAT {}\r\n{first}", first.len())).await;
    c.expect("250 2.0.0 100 octets received").await;
    c.send(&format!("BDAT {} LAST\r\n{second}", second.len())).await;
    c.expect("250 2.0.0 Ok: ").await;
    // DATA after BDAT in one transaction, and BDAT without a transaction.
    c.cmd("MAIL FROM:<>", "250 ").await;
    c.cmd(&format!("RCPT TO:<{ALICE}>"), "250 ").await;
    c.send("BDAT 3\r\nabc").await;
    c.expect("250 2.0.0 3 octets received").await;
    c.cmd("DATA", "503 5.5.1").await;
    c.cmd("RSET", "250 ").await;
    c.send("BDAT 5 LAST\r\nNOOP\r").await;
    c.expect("503 5.5.1").await;
    c.cmd("BDAT 0 LAST", "503 5.5.1").await;
    c.cmd("QUIT", "221 ").await;

    let got = server.sink.deliveries();
    assert_eq!(got.len(), 1);
    assert_eq!(String::from_utf8_lossy(&got[0].1), message);
}
