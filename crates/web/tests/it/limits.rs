//! Body size limit, check size limit, graceful shutdown.

use bouncekit_web::{Limits, ServerConfig};

use crate::common::{Server, call};

#[test]
fn oversize_body_is_413_problem() {
    let config = ServerConfig { limits: Limits { max_body: 1024, ..Limits::default() }, ..ServerConfig::default() };
    let s = Server::with(config, |b| b);
    let big = vec![b'x'; 4096];
    s.call("POST", "/v1/messages", &[], Some(big.clone())).assert_problem(413);
    s.call("POST", "/v1/classify", &[("content-type", "application/json")], Some(big.clone())).assert_problem(413);
    s.call("POST", "/v1/webhooks/postmark", &[("content-type", "application/json")], Some(big)).assert_problem(413);
    // Under the limit still works.
    assert_eq!(s.call("POST", "/v1/classify", &[("content-type", "application/json")], Some(b"{\"lines\":[]}".to_vec())).status, 200);
}

#[test]
fn configured_check_limit_is_413() {
    let config = ServerConfig { limits: Limits { max_check: 2, ..Limits::default() }, ..ServerConfig::default() };
    let s = Server::with(config, |b| b);
    let body = br#"{"addresses": ["a@example.com", "b@example.com", "c@example.com"]}"#.to_vec();
    let v = s.call("POST", "/v1/suppressions/check", &[("content-type", "application/json")], Some(body)).assert_problem(413);
    assert_eq!(v["limit"], 2);
}

#[test]
fn shutdown_stops_accepting() {
    let mut s = Server::start();
    let url = s.url("/healthz");
    assert_eq!(call(&url, "GET", &[], None).status, 200);
    s.shutdown();
    let agent: ureq::Agent = ureq::Agent::config_builder().http_status_as_error(false).build().into();
    assert!(agent.get(&url).call().is_err(), "still serving after shutdown");
}

#[test]
fn shutdown_finishes_a_request_in_flight() {
    use std::io::{Read, Write};
    let mut s = Server::start();
    let body = br#"{"lines": ["550 5.1.1 <a@example.com>: User unknown"]}"#;
    let mut c = std::net::TcpStream::connect(s.addr).expect("connect");
    let head = format!("POST /v1/classify HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n", body.len());
    c.write_all(head.as_bytes()).expect("head");
    c.write_all(&body[..10]).expect("part");
    c.flush().expect("flush");
    std::thread::sleep(std::time::Duration::from_millis(200));
    // Shut down while the request is half received; it must still be answered.
    let stopper = std::thread::spawn(move || {
        s.shutdown();
        s
    });
    std::thread::sleep(std::time::Duration::from_millis(200));
    c.write_all(&body[10..]).expect("rest");
    let mut out = String::new();
    c.read_to_string(&mut out).expect("read");
    assert!(out.starts_with("HTTP/1.1 200"), "{out}");
    assert!(out.contains("userunknown"), "{out}");
    drop(stopper.join().expect("stopper"));
}
