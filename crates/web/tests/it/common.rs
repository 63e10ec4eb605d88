//! The test server and a small blocking HTTP client.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use bouncekit_store::Options;
use bouncekit_web::{AppState, Db, ServerConfig, StateBuilder, SubscriptionConfirmer};
use serde_json::Value;

/// A unique temporary directory, removed on drop.
pub struct TempDir(pub PathBuf);

impl TempDir {
    pub fn new() -> Self {
        static N: AtomicUsize = AtomicUsize::new(0);
        let p = std::env::temp_dir().join(format!("bouncekit-web-it-{}-{}", std::process::id(), N.fetch_add(1, Ordering::SeqCst)));
        std::fs::create_dir_all(&p).expect("temp dir");
        TempDir(p)
    }
    pub fn path(&self) -> &Path {
        &self.0
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// Records the SNS subscription URLs it was asked to confirm.
#[derive(Default)]
pub struct FakeConfirmer(pub Mutex<Vec<String>>);

impl SubscriptionConfirmer for FakeConfirmer {
    fn confirm(&self, url: &str) -> Result<(), String> {
        self.0.lock().expect("lock").push(url.to_string());
        Ok(())
    }
}

/// A running server.
pub struct Server {
    pub addr: SocketAddr,
    pub state: AppState,
    pub confirmer: Arc<FakeConfirmer>,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    thread: Option<std::thread::JoinHandle<()>>,
    pub rt: Arc<tokio::runtime::Runtime>,
    _dir: TempDir,
}

impl Server {
    /// A server with the default configuration (open, loopback).
    pub fn start() -> Self {
        Self::with(ServerConfig::default(), |b| b)
    }

    /// A server with `config`; `customise` adjusts the state builder.
    pub fn with(config: ServerConfig, customise: impl FnOnce(StateBuilder) -> StateBuilder) -> Self {
        let dir = TempDir::new();
        let db = Db::open(&dir.path().join("bouncekit.db").to_string_lossy(), Options::default(), 2).expect("db");
        let confirmer = Arc::new(FakeConfirmer::default());
        let builder = AppState::builder(config, db).confirmer(confirmer.clone());
        let state = customise(builder).build().expect("state");
        let rt = Arc::new(tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().expect("runtime"));
        let listener = rt.block_on(tokio::net::TcpListener::bind("127.0.0.1:0")).expect("bind");
        let addr = listener.local_addr().expect("addr");
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        let router = bouncekit_web::app(state.clone());
        let rt2 = rt.clone();
        let thread = std::thread::spawn(move || {
            rt2.block_on(bouncekit_web::serve(listener, router, async {
                let _ = stopped.await;
            }))
            .expect("serve");
        });
        Server { addr, state, confirmer, stop: Some(stop), thread: Some(thread), rt, _dir: dir }
    }

    pub fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.addr)
    }

    /// Stops the server and waits until it has stopped.
    pub fn shutdown(&mut self) {
        if let Some(s) = self.stop.take() {
            let _ = s.send(());
        }
        if let Some(t) = self.thread.take() {
            t.join().expect("server thread");
        }
    }

    pub fn get(&self, path: &str) -> Resp {
        self.call("GET", path, &[], None)
    }

    pub fn post_json(&self, path: &str, body: &Value) -> Resp {
        self.call("POST", path, &[("content-type", "application/json")], Some(body.to_string().into_bytes()))
    }

    /// Any request.
    pub fn call(&self, method: &str, path: &str, headers: &[(&str, &str)], body: Option<Vec<u8>>) -> Resp {
        call(&self.url(path), method, headers, body)
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.shutdown();
    }
}

/// A response: status, headers (lowercase names), body.
#[derive(Debug)]
pub struct Resp {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: String,
}

impl Resp {
    pub fn json(&self) -> Value {
        serde_json::from_str(&self.body).unwrap_or_else(|e| panic!("not JSON ({e}): {}", self.body))
    }

    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(k, _)| k.eq_ignore_ascii_case(name)).map(|(_, v)| v.as_str())
    }

    /// Asserts an RFC 9457 problem document with `status`.
    #[track_caller]
    pub fn assert_problem(&self, status: u16) -> Value {
        assert_eq!(self.status, status, "{}", self.body);
        assert_eq!(self.header("content-type"), Some("application/problem+json"), "{}", self.body);
        let v = self.json();
        assert_eq!(v["status"], status);
        assert!(v["title"].is_string() && v["detail"].is_string() && v["type"].is_string(), "{v}");
        v
    }
}

fn agent() -> ureq::Agent {
    ureq::Agent::config_builder().http_status_as_error(false).max_redirects(0).build().into()
}

/// One HTTP request.
pub fn call(url: &str, method: &str, headers: &[(&str, &str)], body: Option<Vec<u8>>) -> Resp {
    let agent = agent();
    let mut req = ureq::http::Request::builder().method(method).uri(url);
    for (k, v) in headers {
        req = req.header(*k, *v);
    }
    let res = match body {
        Some(b) => agent.run(req.body(b).expect("request")),
        None => agent.run(req.body(()).expect("request")),
    };
    let mut res = res.unwrap_or_else(|e| panic!("{method} {url}: {e}"));
    let status = res.status().as_u16();
    let headers = res.headers().iter().map(|(k, v)| (k.as_str().to_string(), v.to_str().unwrap_or("").to_string())).collect();
    let body = res.body_mut().with_config().limit(64 * 1024 * 1024).read_to_string().unwrap_or_default();
    Resp { status, headers, body }
}

/// A Postfix bounce for `rcpt` with `status`.
pub fn postfix_bounce(rcpt: &str, status: &str, text: &str) -> String {
    format!(
        "From: MAILER-DAEMON@mx.example.org\nTo: sender@shop.example.org\nSubject: Undelivered Mail Returned to Sender\nMessage-ID: <bounce-{rcpt}-{status}@mx.example.org>\nContent-Type: text/plain\n\nThis is the mail system at host mx.example.org.\n\n<{rcpt}>: host mx.example.com[192.0.2.1] said: 550 {status} <{rcpt}>:\n    {text} (in reply to RCPT TO command)\n"
    )
}
