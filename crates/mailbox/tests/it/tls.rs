//! TLS through rustls: implicit TLS and STARTTLS/STLS against Dovecot with a throwaway
//! CA, and a refused untrusted certificate.

use bouncekit_mailbox::{After, Config, Error, MailboxUrl, MessageId, Password, Poller};

use super::{Dovecot, config, dsn, poll, recipients};

#[test]
fn imaps_pop3s_and_starttls() {
    let d = Dovecot::start();
    d.deliver("tls", &dsn("a@example.org", "5.1.1", "550 5.1.1 User unknown"));
    d.deliver("tls", &dsn("b@example.org", "5.1.1", "550 5.1.1 User unknown"));
    d.deliver("tls", &dsn("c@example.org", "5.1.1", "550 5.1.1 User unknown"));
    d.deliver("tls", &dsn("d@example.org", "5.1.1", "550 5.1.1 User unknown"));

    // IMAPS to a name, STARTTLS to an address: each takes one message (refusing the rest).
    let imaps = config(&d, &format!("imaps://tls@localhost:{}/INBOX", d.imaps), After::Delete, None);
    let (s, seen) = poll(&imaps, &["b@example.org", "c@example.org", "d@example.org"]);
    assert_eq!((recipients(&seen), s.handled), (vec!["a@example.org".to_string()], 1), "{}", d.logs());

    let mut starttls = config(&d, &format!("imap://tls@127.0.0.1:{}/INBOX", d.imap), After::Delete, None);
    starttls.url = starttls.url.clone().with_starttls();
    let (s, seen) = poll(&starttls, &["c@example.org", "d@example.org"]);
    assert_eq!((recipients(&seen), s.handled), (vec!["b@example.org".to_string()], 1), "{}", d.logs());

    let pop3s = config(&d, &format!("pop3s://tls@localhost:{}", d.pop3s), After::Delete, None);
    let (s, seen) = poll(&pop3s, &["d@example.org"]);
    assert_eq!((recipients(&seen), s.handled), (vec!["c@example.org".to_string()], 1), "{}", d.logs());

    let mut stls = config(&d, &format!("pop3://tls@127.0.0.1:{}", d.pop3), After::Delete, None);
    stls.url = stls.url.clone().with_starttls();
    let (s, seen) = poll(&stls, &[]);
    assert_eq!((recipients(&seen), s.handled), (vec!["d@example.org".to_string()], 1), "{}", d.logs());
    assert!(d.files("tls", "").is_empty());
}

#[test]
fn an_untrusted_certificate_is_refused() {
    let d = Dovecot::start();
    let url: MailboxUrl = format!("imaps://x@localhost:{}/INBOX", d.imaps).parse().expect("url");
    let mut cfg = Config::new(url, Password::new(super::dovecot::PASSWORD));
    cfg.after = After::Delete;
    cfg.timeout = std::time::Duration::from_secs(10);
    let err = Poller::new(cfg).expect("poller").poll_blocking(|_: &[u8], _: &MessageId| Ok::<(), String>(())).expect_err("must fail");
    assert!(matches!(err, Error::Tls { .. }), "{err}");
}
