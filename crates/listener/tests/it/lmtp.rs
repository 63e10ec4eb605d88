//! LMTP (RFC 2033): LHLO, and one reply per recipient after the message.

use std::sync::atomic::Ordering;

use bouncekit_listener::{Config, Protocol};

use crate::support::{ALICE, DOMAIN, bounce, config, start, start_recorder, stuffed};

fn lmtp() -> Config {
    Config { protocol: Protocol::Lmtp, ..config() }
}

#[tokio::test]
async fn lmtp_session_answers_once_per_recipient() {
    let server = start(lmtp()).await;
    let mut c = server.connect_raw().await;
    let greeting = c.expect("220 ").await;
    assert!(greeting.contains("LMTP"), "{greeting}");
    c.cmd("EHLO mx.example.org", "500 5.5.1").await;
    c.cmd("MAIL FROM:<>", "503 5.5.1").await;
    let lhlo = c.cmd("LHLO mx.example.org", "250 ").await;
    assert!(lhlo.contains("PIPELINING") && lhlo.contains("ENHANCEDSTATUSCODES"), "{lhlo}");
    let bob = format!("bounces+bob=example.com@{DOMAIN}");
    c.send(&format!("MAIL FROM:<>\r\nRCPT TO:<{ALICE}>\r\nRCPT TO:<{bob}>\r\nRCPT TO:<carol@example.com>\r\nDATA\r\n")).await;
    c.expect("250 ").await;
    c.expect("250 ").await;
    c.expect("250 ").await;
    c.expect("550 5.1.1").await;
    c.expect("354 ").await;
    c.send(&stuffed(&bounce("alice@example.com"))).await;
    let first = c.expect("250 2.1.5").await;
    let second = c.expect("250 2.1.5").await;
    assert!(first.contains(ALICE), "{first}");
    assert!(second.contains(&bob), "{second}");
    c.cmd("QUIT", "221 ").await;

    let deliveries = server.sink.take();
    assert_eq!(deliveries.len(), 1, "one message, however many recipients");
    let d = &deliveries[0];
    assert_eq!(d.envelope.original_recipients(), ["alice@example.com", "bob@example.com"]);
    assert_eq!(d.parsed.records[0].recipient, "alice@example.com");
    assert!(d.parsed.records[0].origin.name.starts_with("lmtp://"));
}

#[tokio::test]
async fn lmtp_sink_failure_answers_451_for_every_recipient() {
    let server = start_recorder(lmtp()).await;
    server.sink.fail_next.store(1, Ordering::SeqCst);
    let mut c = server.connect().await;
    c.cmd("LHLO mx.example.org", "250 ").await;
    c.cmd("MAIL FROM:<>", "250 ").await;
    c.cmd(&format!("RCPT TO:<{ALICE}>"), "250 ").await;
    c.cmd(&format!("RCPT TO:<postmaster@{DOMAIN}>"), "250 ").await;
    c.send("BDAT 12 LAST\r\nSubject: x\r\n").await;
    c.expect("451 4.3.0").await;
    c.expect("451 4.3.0").await;
    c.cmd("NOOP", "250 ").await;
    assert!(server.sink.deliveries().is_empty());
}
