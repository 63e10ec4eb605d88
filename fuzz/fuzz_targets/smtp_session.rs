//! The SMTP/LMTP bounce receiver: a whole client session over an in-memory stream.
//!
//! The first byte picks the configuration (bit 0: LMTP; bit 1: a 4 KiB message limit;
//! bit 2: at most 3 recipients; bit 3: any local part of the bounce domain); the rest is
//! what the client sends. Invariants: no panic, no hang; every reply line is
//! `NNN[ -]text\r\n` with a valid code; the first is the 220 greeting; the sink only
//! gets messages within the size limit, for our recipients, and the counters agree.
#![no_main]

use std::sync::{Arc, OnceLock};

use bouncekit_listener::{Config, ParseSink, Protocol, serve_stream};
use libfuzzer_sys::fuzz_target;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

fn runtime() -> &'static tokio::runtime::Runtime {
    static RT: OnceLock<tokio::runtime::Runtime> = OnceLock::new();
    RT.get_or_init(|| tokio::runtime::Builder::new_current_thread().enable_time().build().expect("runtime"))
}

fuzz_target!(|data: &[u8]| {
    let Some((&selector, input)) = data.split_first() else { return };
    let config = Config {
        hostname: "mx.bounce.example.net".into(),
        protocol: if selector & 1 == 0 { Protocol::Smtp } else { Protocol::Lmtp },
        domains: vec!["bounce.example.net".into()],
        max_message_size: if selector & 2 == 0 { 1 << 20 } else { 4096 },
        max_recipients: if selector & 4 == 0 { 100 } else { 3 },
        accept_any_local_part: selector & 8 != 0,
        ..Config::default()
    };
    let max_size = config.max_message_size;
    let max_rcpt = config.max_recipients;
    let sink = Arc::new(ParseSink::new());
    let (replies, stats) = runtime().block_on(async {
        let (mut client, server) = tokio::io::duplex(1 << 20);
        let peer = "192.0.2.1:25".parse().expect("address");
        let session = serve_stream(server, peer, config, Arc::clone(&sink));
        let talk = async {
            // The server may close first (QUIT, too many errors): write errors are fine.
            let (mut rd, mut wr) = tokio::io::split(&mut client);
            let write = async {
                let _ = wr.write_all(input).await;
                let _ = wr.shutdown().await;
            };
            let mut replies = Vec::new();
            let read = rd.read_to_end(&mut replies);
            let ((), read) = tokio::join!(write, read);
            let _ = read;
            replies
        };
        let (stats, replies) = tokio::join!(session, talk);
        (replies, stats.expect("valid configuration"))
    });

    let text = std::str::from_utf8(&replies).expect("replies are UTF-8");
    assert!(text.starts_with("220 "), "greeting: {text:?}");
    assert!(text.ends_with("\r\n"), "replies end with CRLF: {text:?}");
    for line in text.split_terminator("\r\n") {
        let b = line.as_bytes();
        assert!(b.len() >= 4 && b[..3].iter().all(u8::is_ascii_digit) && (b[3] == b' ' || b[3] == b'-'), "reply line {line:?}");
        let code: u16 = line[..3].parse().expect("digits");
        assert!((200..600).contains(&code), "reply code in {line:?}");
        assert!(!line.contains('\r') && !line.contains('\n'), "no bare line ends in {line:?}");
    }

    let deliveries = sink.take();
    assert_eq!(deliveries.len() as u64, stats.messages, "every message the sink took is counted");
    for d in &deliveries {
        assert!(d.size <= max_size, "{} bytes delivered with a limit of {max_size}", d.size);
        assert!(!d.envelope.recipients.is_empty() && d.envelope.recipients.len() <= max_rcpt);
        for r in &d.envelope.recipients {
            assert!(r.address.to_ascii_lowercase().ends_with("@bounce.example.net") || r.address.eq_ignore_ascii_case("postmaster"), "{r:?}");
        }
        if let [_] = d.envelope.original_recipients()[..] {
            assert!(!d.parsed.records.is_empty(), "a VERP message always yields a record");
        }
    }
});
