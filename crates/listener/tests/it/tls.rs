//! STARTTLS with a throwaway certificate made at test time.

use std::path::PathBuf;
use std::sync::Arc;

use bouncekit_listener::{Config, tls};
use rustls::pki_types::ServerName;
use tokio_rustls::TlsConnector;

use crate::support::{ALICE, Client, bounce, config, start};

/// A directory of its own under the system temp dir, removed on drop.
struct TempDir(PathBuf);

impl TempDir {
    fn new(name: &str) -> Self {
        let nanos = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_nanos());
        let dir = std::env::temp_dir().join(format!("bouncekit-listener-{name}-{}-{nanos}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("temp dir");
        TempDir(dir)
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

#[tokio::test]
async fn starttls_upgrades_the_session_and_drops_injected_plaintext() {
    let certified = rcgen::generate_simple_self_signed(vec!["localhost".to_string()]).expect("certificate");
    let dir = TempDir::new("tls");
    let (cert_path, key_path) = (dir.0.join("cert.pem"), dir.0.join("key.pem"));
    std::fs::write(&cert_path, certified.cert.pem()).expect("write cert");
    std::fs::write(&key_path, certified.signing_key.serialize_pem()).expect("write key");
    let server_tls = tls::load(&cert_path, &key_path).expect("load");
    let server = start(Config { tls: Some(server_tls), ..config() }).await;

    let mut c = server.connect().await;
    let ehlo = c.cmd("EHLO mx.example.org", "250 ").await;
    assert!(ehlo.contains("250-STARTTLS") || ehlo.contains("250 STARTTLS"), "{ehlo}");
    // A command pipelined behind STARTTLS in plaintext must not reach the TLS session
    // (the STARTTLS command injection attack).
    c.send("STARTTLS\r\nMAIL FROM:<>\r\n").await;
    c.expect("220 2.0.0").await;

    let mut roots = rustls::RootCertStore::empty();
    roots.add(certified.cert.der().clone()).expect("root");
    let client_config = rustls::ClientConfig::builder_with_provider(Arc::new(rustls::crypto::ring::default_provider()))
        .with_safe_default_protocol_versions()
        .expect("versions")
        .with_root_certificates(roots)
        .with_no_client_auth();
    let stream = TlsConnector::from(Arc::new(client_config))
        .connect(ServerName::try_from("localhost").expect("name"), c.into_inner())
        .await
        .expect("handshake");
    let mut c = Client::new(stream);
    // No greeting after the handshake; the session starts over, so MAIL needs EHLO, and
    // the injected MAIL was thrown away (else this NOOP's reply would come second).
    c.cmd("NOOP", "250 2.0.0 Ok").await;
    c.cmd("MAIL FROM:<>", "503 5.5.1").await;
    let ehlo = c.cmd("EHLO mx.example.org", "250 ").await;
    assert!(!ehlo.contains("STARTTLS"), "STARTTLS offered twice: {ehlo}");
    c.cmd("STARTTLS", "503 5.5.1").await;
    c.cmd("MAIL FROM:<>", "250 ").await;
    c.cmd(&format!("RCPT TO:<{ALICE}>"), "250 ").await;
    c.cmd("DATA", "354 ").await;
    c.send(&crate::support::stuffed(&bounce("alice@example.com"))).await;
    c.expect("250 2.0.0 Ok").await;
    c.cmd("QUIT", "221 ").await;

    let deliveries = server.sink.take();
    assert_eq!(deliveries.len(), 1);
    assert!(deliveries[0].envelope.tls);
    assert_eq!(deliveries[0].envelope.helo, "mx.example.org");
    assert_eq!(server.stats.snapshot().tls_sessions, 1);
}

#[test]
fn tls_load_names_the_file_it_cannot_read() {
    let dir = TempDir::new("tls-missing");
    let missing = dir.0.join("missing.pem");
    let err = tls::load(&missing, &missing).expect_err("no file");
    assert!(err.to_string().contains("missing.pem"), "{err}");
    let empty = dir.0.join("empty.pem");
    std::fs::write(&empty, "").expect("write");
    assert!(matches!(tls::load(&empty, &empty), Err(tls::TlsError::NoCertificate(_))));
}
