//! The SMTP/LMTP listener with the store-backed sink: 250 only after the commit, and
//! the records are then visible through the API.

use std::io::{Read, Write};
use std::sync::Arc;

use bouncekit_listener::{Config, Listener, Protocol};
use bouncekit_web::sink::StoreSink;

use crate::common::{Server, postfix_bounce};

fn start_listener(s: &Server, protocol: Protocol) -> (std::net::SocketAddr, tokio::sync::oneshot::Sender<()>, tokio::task::JoinHandle<()>) {
    let sink = Arc::new(StoreSink::new(s.state.clone()));
    let config = Config { protocol, domains: vec!["bounce.example.net".into()], ..Config::default() };
    let l = s.rt.block_on(Listener::bind("127.0.0.1:0", config, sink)).expect("bind");
    let addr = l.local_addr().expect("addr");
    s.state.metrics().register_listener(protocol.as_str(), l.stats());
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let task = s.rt.spawn(l.run(async {
        let _ = stopped.await;
    }));
    (addr, stop, task)
}

fn session(addr: std::net::SocketAddr, hello: &str, rcpt: &str, message: &str) -> String {
    let mut c = std::net::TcpStream::connect(addr).expect("connect");
    let data = message.replace('\n', "\r\n");
    let script = format!("{hello} mx.example.org\r\nMAIL FROM:<>\r\nRCPT TO:<{rcpt}>\r\nDATA\r\n{data}.\r\nQUIT\r\n");
    c.write_all(script.as_bytes()).expect("write");
    let mut out = String::new();
    c.read_to_string(&mut out).expect("read");
    out
}

#[test]
fn smtp_bounce_is_committed_before_250_and_stored_once() {
    let s = Server::start();
    let (addr, stop, task) = start_listener(&s, Protocol::Smtp);
    let msg = postfix_bounce("alice@example.com", "5.1.1", "Recipient address rejected: User unknown");
    let replies = session(addr, "EHLO", "bounces+alice=example.com@bounce.example.net", &msg);
    assert!(replies.contains("\r\n250 2.0.0 Ok: "), "{replies}");
    // Once 250 was seen, the event is in the store.
    let v = s.get("/v1/suppressions/alice@example.com").json();
    assert_eq!(v["check"]["verdict"], "suppressed", "{v}");
    // The MTA retries the same message (a lost 250): stored once.
    let again = session(addr, "EHLO", "bounces+alice=example.com@bounce.example.net", &msg);
    assert!(again.contains("250 2.0.0 Ok: "), "{again}");
    let events = s.get("/v1/events").json();
    assert_eq!(events["items"].as_array().map(Vec::len), Some(1), "{events}");
    assert_eq!(events["items"][0]["origin"].as_str().map(|o| o.starts_with("smtp://")), Some(true));
    // Not one of our addresses: 550.
    let other = session(addr, "EHLO", "alice@example.com", &msg);
    assert!(other.contains("550 5.1.1"), "{other}");
    let m = s.get("/metrics").body;
    assert!(m.contains("bouncekit_smtp_sessions_total{protocol=\"smtp\"} 3"), "{m}");
    assert!(m.contains("bouncekit_events_total{source=\"smtp\",kind=\"hard\"} 1"), "{m}");
    let _ = stop.send(());
    s.rt.block_on(task).expect("listener");
}

#[test]
fn lmtp_bounce_is_stored() {
    let s = Server::start();
    let (addr, stop, task) = start_listener(&s, Protocol::Lmtp);
    let msg = postfix_bounce("bob@example.com", "5.1.1", "User unknown");
    let replies = session(addr, "LHLO", "bounces+bob=example.com@bounce.example.net", &msg);
    assert!(replies.contains("250 2.1.5 <bounces+bob=example.com@bounce.example.net> Ok: "), "{replies}");
    assert_eq!(s.get("/v1/suppressions/bob@example.com").json()["check"]["verdict"], "suppressed");
    let _ = stop.send(());
    s.rt.block_on(task).expect("listener");
}
