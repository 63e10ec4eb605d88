//! Integration tests of bouncekit-mailbox: URL and configuration checks, and polls
//! against a real Dovecot started by each test (`bouncekit_mailbox::testing`).

mod imap;
mod pop3;
mod tls;
mod url;

use std::path::{Path, PathBuf};

use bouncekit_core::{Origin, OriginKind};
use bouncekit_mailbox::{After, Config, MailboxUrl, MessageId, Password, Poller, Summary};

pub use bouncekit_mailbox::testing::{self as dovecot, Dovecot};

/// An RFC 3464 delivery status notification for `recipient`.
pub fn dsn(recipient: &str, status: &str, diagnostic: &str) -> Vec<u8> {
    format!(
        "From: Mail Delivery System <MAILER-DAEMON@mx.example.net>\r
To: bounces@example.com\r
Subject: Undelivered Mail Returned to Sender\r
Message-ID: <dsn-{recipient}@mx.example.net>\r
Date: Tue, 14 Nov 2023 10:00:00 +0000\r
MIME-Version: 1.0\r
Content-Type: multipart/report; report-type=delivery-status; boundary=\"BOUNDARY\"\r
\r
--BOUNDARY\r
Content-Type: text/plain\r
\r
Your message could not be delivered to {recipient}.\r
\r
--BOUNDARY\r
Content-Type: message/delivery-status\r
\r
Reporting-MTA: dns; mx.example.net\r
\r
Final-Recipient: rfc822; {recipient}\r
Action: failed\r
Status: {status}\r
Remote-MTA: dns; mx.recipient.example\r
Diagnostic-Code: smtp; {diagnostic}\r
\r
--BOUNDARY\r
Content-Type: text/rfc822-headers\r
\r
From: news@example.com\r
To: {recipient}\r
Subject: Our newsletter\r
Message-ID: <orig-{recipient}@example.com>\r
\r
--BOUNDARY--\r
"
    )
    .into_bytes()
}

/// A temporary state file path (the file itself does not exist yet).
pub fn state_path(d: &Dovecot, name: &str) -> PathBuf {
    d.dir.join(format!("{name}.state.json"))
}

/// A configuration for `url` with the test password, trusting the test CA.
pub fn config(d: &Dovecot, url: &str, after: After, state: Option<&Path>) -> Config {
    let url: MailboxUrl = url.parse().expect("url");
    let mut c = Config::new(url, Password::new(dovecot::PASSWORD));
    c.after = after;
    c.state = state.map(Path::to_path_buf);
    c.timeout = std::time::Duration::from_secs(10);
    c.add_ca_file(&d.ca_pem).expect("CA file");
    c
}

/// Polls once; the handler parses each message and collects its recipients, failing
/// for messages whose recipient is in `fail_for`.
pub fn poll(config: &Config, fail_for: &[&str]) -> (Summary, Vec<(MessageId, Vec<String>)>) {
    let mut seen = Vec::new();
    let summary = Poller::new(config.clone())
        .expect("poller")
        .poll_blocking(|raw: &[u8], id: &MessageId| {
            let origin = Origin { kind: OriginKind::Mailbox, name: format!("{}#{id}", config.url) };
            let parsed = bouncekit_parse::parse_message(raw, &origin);
            let recipients: Vec<String> = parsed.records.iter().map(|r| r.recipient.clone()).collect();
            if recipients.iter().any(|r| fail_for.contains(&r.as_str())) {
                return Err(format!("refusing {recipients:?}"));
            }
            for r in &parsed.records {
                assert_eq!(r.origin.kind, OriginKind::Mailbox);
            }
            seen.push((id.clone(), recipients));
            Ok(())
        })
        .expect("poll");
    (summary, seen)
}

/// The recipients handed over, sorted.
pub fn recipients(seen: &[(MessageId, Vec<String>)]) -> Vec<String> {
    let mut r: Vec<String> = seen.iter().flat_map(|(_, r)| r.clone()).collect();
    r.sort();
    r
}
