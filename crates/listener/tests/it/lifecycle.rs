//! Timeouts, sink failures and graceful shutdown.

use std::sync::atomic::Ordering;
use std::time::Duration;

use bouncekit_listener::Config;
use tokio::io::AsyncWriteExt;
use tokio::net::TcpStream;

use crate::support::{ALICE, Client, Duplex, bounce, config, start_recorder, stuffed};

#[tokio::test]
async fn idle_client_times_out_with_421_4_4_2() {
    let server = start_recorder(Config { idle_timeout: Duration::from_millis(200), ..config() }).await;
    let mut c = server.connect().await;
    c.cmd("EHLO mx.example.org", "250 ").await;
    c.expect("421 4.4.2").await;
    assert!(c.closed().await);
    assert_eq!(server.stats.snapshot().timeouts, 1);
}

#[tokio::test]
async fn trickling_message_times_out_at_the_data_deadline() {
    let server = start_recorder(Config {
        idle_timeout: Duration::from_millis(300),
        data_timeout: Duration::from_millis(500),
        ..config()
    })
    .await;
    let mut c = server.connect().await;
    c.cmd("EHLO mx.example.org", "250 ").await;
    c.cmd("MAIL FROM:<>", "250 ").await;
    c.cmd(&format!("RCPT TO:<{ALICE}>"), "250 ").await;
    c.cmd("DATA", "354 ").await;
    // Each line comes well within the idle timeout, but the message never ends. The
    // writer stops at the first error: the server has closed by then.
    let (read, mut write) = c.into_inner().into_split();
    let trickle = tokio::spawn(async move {
        for _ in 0..20 {
            if write.write_all(b"still sending\r\n").await.is_err() {
                break;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    });
    let mut reader = Client::new(Duplex(read));
    let started = std::time::Instant::now();
    reader.expect("421 4.4.2").await;
    assert!(started.elapsed() < Duration::from_secs(1), "the data deadline, not the idle timeout");
    trickle.abort();
    assert!(server.sink.deliveries().is_empty());
}

#[tokio::test]
async fn sink_failure_answers_451_and_the_retry_is_recorded_once() {
    let server = start_recorder(config()).await;
    server.sink.fail_next.store(1, Ordering::SeqCst);
    let mut c = server.connect().await;
    let message = bounce("alice@example.com");
    let first = c.deliver(ALICE, &message).await;
    assert!(first.starts_with("451 4.3.0"), "{first}");
    assert!(!first.contains("store"), "internals stay inside: {first}");
    assert!(server.sink.deliveries().is_empty(), "nothing recorded on failure");
    // The sending MTA retries: now it is taken, once.
    c.cmd("RSET", "250 ").await;
    let second = c.deliver(ALICE, &message).await;
    assert!(second.starts_with("250 2.0.0 Ok"), "{second}");
    assert_eq!(server.sink.deliveries().len(), 1);
    let stats = server.stats.snapshot();
    assert_eq!((stats.sink_failures, stats.messages), (1, 1));
}

#[tokio::test]
async fn shutdown_closes_idle_sessions_and_stops_accepting() {
    let mut server = start_recorder(config()).await;
    let addr = server.addr;
    let mut idle = server.connect().await;
    idle.cmd("EHLO mx.example.org", "250 ").await;
    server.signal_stop();
    idle.expect("421 4.3.2").await;
    assert!(idle.closed().await);
    server.shutdown_within(Duration::from_secs(2)).await;
    assert!(TcpStream::connect(addr).await.is_err(), "no longer accepting");
}

#[tokio::test]
async fn shutdown_lets_a_message_in_transfer_finish() {
    let mut server = start_recorder(config()).await;
    let mut c = server.connect().await;
    c.cmd("EHLO mx.example.org", "250 ").await;
    c.cmd("MAIL FROM:<>", "250 ").await;
    c.cmd(&format!("RCPT TO:<{ALICE}>"), "250 ").await;
    c.cmd("DATA", "354 ").await;
    let message = stuffed(&bounce("alice@example.com"));
    let (head, tail) = message.split_at(50);
    c.send(head).await;
    server.signal_stop();
    tokio::time::sleep(Duration::from_millis(100)).await;
    c.send(tail).await;
    c.expect("250 2.0.0 Ok").await;
    c.expect("421 4.3.2").await;
    assert!(c.closed().await);
    assert_eq!(server.sink.deliveries().len(), 1);
    let sink = std::sync::Arc::clone(&server.sink);
    server.shutdown_within(Duration::from_secs(2)).await;
    assert_eq!(sink.deliveries().len(), 1);
}

#[tokio::test]
async fn shutdown_cuts_off_sessions_that_overrun_the_grace_period() {
    let mut server = start_recorder(Config { shutdown_grace: Duration::from_millis(200), ..config() }).await;
    let mut c = server.connect().await;
    c.cmd("EHLO mx.example.org", "250 ").await;
    c.cmd("MAIL FROM:<>", "250 ").await;
    c.cmd(&format!("RCPT TO:<{ALICE}>"), "250 ").await;
    c.cmd("DATA", "354 ").await;
    c.send("Subject: never ends\r\n").await;
    server.signal_stop();
    server.shutdown_within(Duration::from_secs(2)).await;
    assert!(c.closed().await);
}
