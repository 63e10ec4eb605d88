//! Python's smtplib as a real client, for SMTP and LMTP.

use std::process::Command;

use bouncekit_listener::{Config, Protocol};

use crate::support::{ALICE, DOMAIN, bounce, config, start};

/// Sends one bounce with `smtplib.SMTP` and one with `smtplib.LMTP`; prints what
/// `sendmail` returned (the refused recipients: none).
const SCRIPT: &str = r#"
import smtplib, sys
host, smtp_port, lmtp_port, rcpt, message = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4], sys.argv[5]
with smtplib.SMTP(host, smtp_port, timeout=5) as s:
    s.ehlo("python.example.org")
    assert s.has_extn("size") and s.has_extn("pipelining"), s.esmtp_features
    refused = s.sendmail("", [rcpt, "postmaster@" + rcpt.split("@")[1]], message.encode())
    assert refused == {}, refused
    try:
        s.sendmail("", ["stranger@example.com"], message.encode())
        raise SystemExit("a foreign recipient was accepted")
    except smtplib.SMTPRecipientsRefused as e:
        assert e.recipients["stranger@example.com"][0] == 550, e.recipients
with smtplib.LMTP(host, lmtp_port, timeout=5) as s:
    refused = s.sendmail("", [rcpt], message.encode())
    assert refused == {}, refused
print("ok")
"#;

#[tokio::test]
async fn python_smtplib_delivers_over_smtp_and_lmtp() {
    let smtp = start(config()).await;
    let lmtp = start(Config { protocol: Protocol::Lmtp, ..config() }).await;
    // Python writes LF line ends in the message; smtplib turns them into CRLF.
    let message = bounce("alice@example.com").replace("\r\n", "\n");
    let args = [
        "127.0.0.1".to_string(),
        smtp.addr.port().to_string(),
        lmtp.addr.port().to_string(),
        ALICE.to_string(),
        message,
    ];
    let output = tokio::task::spawn_blocking(move || Command::new("python3").arg("-c").arg(SCRIPT).args(args).output())
        .await
        .expect("join")
        .expect("python3 runs");
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success() && stdout.trim() == "ok", "python failed:\n{stdout}\n{stderr}");

    let via_smtp = smtp.sink.take();
    assert_eq!(via_smtp.len(), 1);
    assert_eq!(via_smtp[0].envelope.helo, "python.example.org");
    assert_eq!(via_smtp[0].envelope.recipients[1].address, format!("postmaster@{DOMAIN}"));
    assert_eq!(via_smtp[0].parsed.records[0].recipient, "alice@example.com");
    let via_lmtp = lmtp.sink.take();
    assert_eq!(via_lmtp.len(), 1);
    assert_eq!(via_lmtp[0].parsed.records[0].recipient, "alice@example.com");
}
