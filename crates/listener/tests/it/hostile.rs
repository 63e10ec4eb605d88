//! Hostile clients: slowloris sessions that trickle a command line a byte at a time,
//! and whole sessions served over an in-memory stream (`serve_stream`, what the fuzz
//! target drives), including inputs found by fuzzing.

use std::sync::Arc;
use std::time::{Duration, Instant};

use bouncekit_listener::{Config, ParseSink, serve_stream};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

use crate::support::{ALICE, bounce, config, start, stuffed};

/// Clients that send one byte of a command line every 100 ms never let the idle timeout
/// (300 ms) expire between two reads. Each line must still be complete within the idle
/// timeout, so they are cut off with 421 4.4.2, and the session slots they held serve
/// real clients again. (Before, they held every slot for as long as they liked.)
#[tokio::test]
async fn slowloris_clients_time_out_and_others_are_served() {
    let idle = Duration::from_millis(300);
    let server = start(Config { idle_timeout: idle, max_connections: 4, ..config() }).await;
    let mut slow = Vec::new();
    for _ in 0..4 {
        let c = server.connect().await;
        let started = Instant::now();
        slow.push(tokio::spawn(async move {
            let (mut read, mut write) = c.into_inner().into_split();
            let trickle = tokio::spawn(async move {
                for b in b"EHLO mx.example.org but never the end of the line".iter().cycle().take(100) {
                    if write.write_all(&[*b]).await.is_err() {
                        break;
                    }
                    tokio::time::sleep(Duration::from_millis(100)).await;
                }
            });
            let mut reply = String::new();
            let _ = tokio::time::timeout(Duration::from_secs(5), read.read_to_string(&mut reply)).await;
            trickle.abort();
            (reply, started.elapsed())
        }));
    }
    for s in slow {
        let (reply, elapsed) = s.await.expect("client task");
        assert!(reply.starts_with("421 4.4.2"), "{reply:?}");
        assert!(elapsed < Duration::from_secs(2), "cut off after {elapsed:?}, the idle timeout is {idle:?}");
    }
    assert_eq!(server.stats.snapshot().timeouts, 4);
    // The slots are free again: a real client is served.
    let mut c = server.connect().await;
    let reply = c.deliver(ALICE, &bounce("alice@example.com")).await;
    assert!(reply.starts_with("250 2.0.0 Ok"), "{reply}");
}

/// A whole session over `tokio::io::duplex`: what `bouncekit serve` does per socket, and
/// what the fuzz target feeds arbitrary bytes.
async fn session(config: Config, input: &[u8]) -> (String, Arc<ParseSink>) {
    let sink = Arc::new(ParseSink::new());
    let (mut client, server) = tokio::io::duplex(1 << 20);
    let peer = "192.0.2.1:25".parse().expect("address");
    let task = tokio::spawn(serve_stream(server, peer, config, Arc::clone(&sink)));
    client.write_all(input).await.expect("write");
    client.shutdown().await.expect("shutdown");
    let mut replies = String::new();
    client.read_to_string(&mut replies).await.expect("read");
    task.await.expect("session task").expect("valid configuration");
    (replies, sink)
}

#[tokio::test]
async fn a_session_over_an_in_memory_stream() {
    let input = format!("EHLO mx.example.org\r\nMAIL FROM:<>\r\nRCPT TO:<{ALICE}>\r\nDATA\r\n{}QUIT\r\n", stuffed(&bounce("alice@example.com")));
    let (replies, sink) = session(config(), input.as_bytes()).await;
    assert!(replies.starts_with("220 "), "{replies}");
    assert!(replies.contains("250 2.0.0 Ok"), "{replies}");
    assert!(replies.ends_with("221 2.0.0 Bye\r\n") || replies.contains("221 "), "{replies}");
    let d = sink.take();
    assert_eq!(d.len(), 1);
    assert_eq!(d[0].parsed.records[0].recipient, "alice@example.com");
}

#[tokio::test]
async fn an_invalid_configuration_is_refused_by_serve_stream() {
    let (_client, server) = tokio::io::duplex(64);
    let peer = "192.0.2.1:25".parse().expect("address");
    let r = serve_stream(server, peer, Config::default(), Arc::new(ParseSink::new())).await;
    assert!(r.is_err(), "no bounce domain configured");
}
