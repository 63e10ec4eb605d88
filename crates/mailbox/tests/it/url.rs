//! URL, after-action and configuration checks (no server needed).

use bouncekit_mailbox::{After, Config, Error, MailboxUrl, Password, Poller, Protocol, Security};

fn url(s: &str) -> MailboxUrl {
    s.parse().unwrap_or_else(|e| panic!("{s}: {e}"))
}

fn url_err(s: &str) -> String {
    match s.parse::<MailboxUrl>() {
        Ok(u) => panic!("{s} parsed as {u:?}"),
        Err(e) => e.to_string(),
    }
}

#[test]
fn imaps_defaults() {
    let u = url("imaps://bounces@mail.example.com");
    assert_eq!((u.protocol, u.security, u.port, u.mailbox.as_str()), (Protocol::Imap, Security::Tls, 993, "INBOX"));
    assert_eq!(u.to_string(), "imaps://bounces@mail.example.com:993/INBOX");
}

#[test]
fn ports_folders_and_percent_encoding() {
    let u = url("imaps://bounce%40example.com@mail.example.com:1993/Bounces%2FNew");
    assert_eq!((u.user.as_str(), u.port, u.mailbox.as_str()), ("bounce@example.com", 1993, "Bounces/New"));
    assert_eq!(u.to_string(), "imaps://bounce%40example.com@mail.example.com:1993/Bounces/New");
    let u = url("pop3s://b@[::1]:2995");
    assert_eq!((u.protocol, u.host.as_str(), u.port, u.authority().as_str()), (Protocol::Pop3, "::1", 2995, "[::1]:2995"));
}

#[test]
fn plain_text_only_to_loopback() {
    assert_eq!(url("imap://b@127.0.0.1:1143/INBOX").security, Security::Plain);
    assert_eq!(url("pop3://b@localhost").security, Security::Plain);
    // A remote host gets STARTTLS: the password never crosses the network in clear.
    assert_eq!(url("imap://b@mail.example.com").security, Security::StartTls);
    assert_eq!(url("pop3://b@192.0.2.1").security, Security::StartTls);
    assert_eq!(url("imap://b@127.0.0.1").with_starttls().security, Security::StartTls);
}

#[test]
fn password_in_url_is_refused() {
    assert!(url_err("imaps://b:hunter2@mail.example.com/INBOX").contains("must not contain a password"));
}

#[test]
fn malformed_urls() {
    for (s, want) in [
        ("mail.example.com", "no scheme"),
        ("http://b@x", "unknown scheme"),
        ("imaps://mail.example.com", "no user name"),
        ("imaps://b@x:0", "bad port"),
        ("imaps://b@x:99999", "bad port"),
        ("imaps://b@/INBOX", "empty host"),
        ("pop3s://b@x/INBOX", "POP3 has no folders"),
        ("imaps://b@x/INBOX?x=1", "query"),
        ("imaps://b@x/IN%0D%0ABOX", "control characters"),
    ] {
        let e = url_err(s);
        assert!(e.contains(want), "{s}: {e}");
    }
}

#[test]
fn after_actions() {
    assert_eq!("move:Processed".parse::<After>().ok(), Some(After::Move("Processed".into())));
    assert_eq!("flag".parse::<After>().ok(), Some(After::Flag("\\Seen".into())));
    assert_eq!("flag:$Bounced".parse::<After>().ok(), Some(After::Flag("$Bounced".into())));
    assert_eq!("flag:\\Flagged".parse::<After>().ok(), Some(After::Flag("\\Flagged".into())));
    assert_eq!("delete".parse::<After>().ok(), Some(After::Delete));
    assert_eq!("keep".parse::<After>().ok(), Some(After::Keep));
    for bad in ["move:", "flag:a b", "flag:(x)", "flag:\\Deleted", "remove", ""] {
        assert!(bad.parse::<After>().is_err(), "{bad}");
    }
}

fn validate(u: &str, after: After, state: bool) -> Result<(), Error> {
    let mut c = Config::new(url(u), Password::new("x"));
    c.after = after;
    c.state = state.then(|| "/tmp/state.json".into());
    Poller::new(c).map(drop)
}

#[test]
fn after_actions_must_fit_the_protocol() {
    assert!(validate("pop3s://b@x", After::Move("Done".into()), true).is_err());
    assert!(validate("pop3s://b@x", After::Flag("\\Seen".into()), true).is_err());
    assert!(validate("pop3s://b@x", After::Keep, false).is_err(), "keep without a state file would re-handle everything");
    assert!(validate("pop3s://b@x", After::Keep, true).is_ok());
    assert!(validate("pop3s://b@x", After::Delete, false).is_ok());
    assert!(validate("imaps://b@x", After::Keep, true).is_err());
    assert!(validate("imaps://b@x", After::Delete, false).is_ok());
}

#[test]
fn password_never_shows_in_debug_output() {
    let c = Config::new(url("imaps://b@x"), Password::new("hunter2"));
    let shown = format!("{c:?}");
    assert!(!shown.contains("hunter2"), "{shown}");
}

#[test]
fn password_from_file_takes_the_first_line() {
    let p = std::env::temp_dir().join(format!("bouncekit-mailbox-pw-{}", std::process::id()));
    std::fs::write(&p, "s3cret\n").expect("write");
    assert!(format!("{:?}", Password::from_file(&p)).contains("***"));
    std::fs::write(&p, "\n").expect("write");
    assert!(Password::from_file(&p).is_err());
    std::fs::remove_file(&p).ok();
    assert!(Password::from_env("BOUNCEKIT_TEST_SURELY_UNSET_VARIABLE").is_err());
}
