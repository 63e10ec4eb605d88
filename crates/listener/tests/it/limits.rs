//! Size, recipient and connection limits.

use std::time::Duration;

use bouncekit_listener::Config;

use crate::support::{ALICE, DOMAIN, bounce, config, start_recorder};

fn small() -> Config {
    Config { max_message_size: 1024, ..config() }
}

#[tokio::test]
async fn size_declared_in_mail_over_the_limit_gets_552() {
    let server = start_recorder(small()).await;
    let mut c = server.connect().await;
    let ehlo = c.cmd("EHLO mx.example.org", "250 ").await;
    assert!(ehlo.contains("250-SIZE 1024"), "{ehlo}");
    c.cmd("MAIL FROM:<> SIZE=5000", "552 5.3.4").await;
    c.cmd("MAIL FROM:<> SIZE=1000", "250 ").await;
}

#[tokio::test]
async fn oversize_data_gets_552_after_the_final_dot_and_nothing_is_delivered() {
    let server = start_recorder(small()).await;
    let mut c = server.connect().await;
    // Well past the limit, in several writes, so that the server streams and discards.
    let line = format!("{}\r\n", "x".repeat(998));
    c.cmd("EHLO mx.example.org", "250 ").await;
    c.cmd("MAIL FROM:<>", "250 ").await;
    c.cmd(&format!("RCPT TO:<{ALICE}>"), "250 ").await;
    c.cmd("DATA", "354 ").await;
    for _ in 0..200 {
        c.send(&line).await;
    }
    c.send(".\r\n").await;
    c.expect("552 5.3.4").await;
    // The session goes on, and a message within the limit is taken.
    let reply = c.deliver(ALICE, "Subject: small\r\n\r\nsmall\r\n").await;
    assert!(reply.starts_with("250 2.0.0 Ok"), "{reply}");
    let got = server.sink.deliveries();
    assert_eq!(got.len(), 1);
    assert_eq!(got[0].1, b"Subject: small\r\n\r\nsmall\r\n");
    assert_eq!(server.stats.snapshot().oversize, 1);

    // BDAT announces its size: refused up front, the chunk thrown away.
    c.cmd("MAIL FROM:<>", "250 ").await;
    c.cmd(&format!("RCPT TO:<{ALICE}>"), "250 ").await;
    let chunk = bounce("alice@example.com").repeat(4);
    assert!(chunk.len() > 1024);
    c.send(&format!("BDAT {} LAST\r\n{chunk}", chunk.len())).await;
    c.expect("552 5.3.4").await;
    c.cmd("NOOP", "250 ").await;
    assert_eq!(server.sink.deliveries().len(), 1);
}

#[tokio::test]
async fn too_many_recipients_get_452() {
    let server = start_recorder(Config { max_recipients: 2, ..config() }).await;
    let mut c = server.connect().await;
    c.cmd("EHLO mx.example.org", "250 ").await;
    c.cmd("MAIL FROM:<>", "250 ").await;
    c.cmd(&format!("RCPT TO:<{ALICE}>"), "250 ").await;
    c.cmd(&format!("RCPT TO:<bounces+bob=example.com@{DOMAIN}>"), "250 ").await;
    c.cmd(&format!("RCPT TO:<bounces+carol=example.com@{DOMAIN}>"), "452 4.5.3").await;
    c.cmd("DATA", "354 ").await;
    c.send("Subject: x\r\n\r\nx\r\n.\r\n").await;
    c.expect("250 ").await;
    assert_eq!(server.sink.deliveries()[0].0.recipients.len(), 2);
}

#[tokio::test]
async fn connections_beyond_the_limit_get_421() {
    let server = start_recorder(Config { max_connections: 1, ..config() }).await;
    let mut first = server.connect().await;
    let mut second = server.connect_raw().await;
    second.expect("421 4.3.2").await;
    assert!(second.closed().await);
    assert_eq!(server.stats.snapshot().refused, 1);
    first.cmd("QUIT", "221 ").await;
    assert!(first.closed().await);
    // The slot is freed when the session task ends, just after the close.
    for attempt in 0.. {
        let mut third = server.connect_raw().await;
        let greeting = third.reply().await;
        if greeting.starts_with("220 ") {
            break;
        }
        assert!(attempt < 50, "the slot was never freed: {greeting}");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}
