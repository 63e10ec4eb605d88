//! POP3 against a real Dovecot: keep + UIDL memory, delete, failing handlers.

use bouncekit_mailbox::{After, Error, MessageId, Poller, State};

use super::{Dovecot, config, dsn, poll, recipients, state_path};

fn pop3_url(d: &Dovecot, user: &str) -> String {
    format!("pop3://{user}@127.0.0.1:{}", d.pop3)
}

#[test]
fn keep_remembers_uidls() {
    let d = Dovecot::start();
    d.deliver("keep", &dsn("a@example.org", "5.1.1", "550 5.1.1 User unknown"));
    d.deliver("keep", &dsn("b@example.org", "4.2.2", "452 4.2.2 Mailbox full"));
    let state = state_path(&d, "keep");
    let cfg = config(&d, &pop3_url(&d, "keep"), After::Keep, Some(&state));

    let (summary, seen) = poll(&cfg, &["b@example.org"]);
    assert_eq!(recipients(&seen), ["a@example.org"], "{}", d.logs());
    assert_eq!((summary.handled, summary.failures.len()), (1, 1));
    assert!(matches!(&seen[0].0, MessageId::Pop3 { uidl } if !uidl.is_empty()));
    assert_eq!(State::load(&state, &cfg.url.to_string()).expect("state").uidls.len(), 1);
    assert_eq!(d.files("keep", "").len(), 2, "keep leaves everything on the server");

    // The refused message comes back; the accepted one does not.
    let (summary, seen) = poll(&cfg, &[]);
    assert_eq!(recipients(&seen), ["b@example.org"]);
    assert_eq!(summary.handled, 1);

    d.deliver("keep", &dsn("c@example.org", "5.1.1", "550 5.1.1 User unknown"));
    let (_, seen) = poll(&cfg, &[]);
    assert_eq!(recipients(&seen), ["c@example.org"]);
    let (_, seen) = poll(&cfg, &[]);
    assert!(seen.is_empty());
    assert_eq!(State::load(&state, &cfg.url.to_string()).expect("state").uidls.len(), 3);
}

#[test]
fn delete_removes_only_accepted_messages() {
    let d = Dovecot::start();
    d.deliver("pdel", &dsn("a@example.org", "5.1.1", "550 5.1.1 User unknown"));
    d.deliver("pdel", &dsn("b@example.org", "5.1.1", "550 5.1.1 User unknown"));
    let state = state_path(&d, "pdel");
    let cfg = config(&d, &pop3_url(&d, "pdel"), After::Delete, Some(&state));
    let (summary, seen) = poll(&cfg, &["b@example.org"]);
    assert_eq!(recipients(&seen), ["a@example.org"]);
    assert_eq!((summary.handled, summary.failures.len(), summary.stopped), (1, 1, true));
    assert_eq!(d.files("pdel", "").len(), 1, "{}", d.logs());

    let (summary, seen) = poll(&cfg, &[]);
    assert_eq!(recipients(&seen), ["b@example.org"]);
    assert_eq!(summary.handled, 1);
    assert!(d.files("pdel", "").is_empty());
    // Deleted messages are forgotten by the state too.
    assert!(State::load(&state, &cfg.url.to_string()).expect("state").uidls.len() <= 1);
    let _ = poll(&cfg, &[]);
    assert!(State::load(&state, &cfg.url.to_string()).expect("state").uidls.is_empty());
}

#[test]
fn handled_but_uncommitted_deletions_are_redone_without_handling_again() {
    let d = Dovecot::start();
    d.deliver("redo", &dsn("a@example.org", "5.1.1", "550 5.1.1 User unknown"));
    let state = state_path(&d, "redo");
    // First a keep poll records the UIDL, as a delete poll whose QUIT never arrived would.
    let keep = config(&d, &pop3_url(&d, "redo"), After::Keep, Some(&state));
    assert_eq!(poll(&keep, &[]).0.handled, 1);
    let del = config(&d, &pop3_url(&d, "redo"), After::Delete, Some(&state));
    let (summary, seen) = poll(&del, &[]);
    assert!(seen.is_empty(), "must not be handled twice");
    assert_eq!(summary.redeleted, 1);
    assert!(d.files("redo", "").is_empty(), "{}", d.logs());
}

#[test]
fn wrong_password_is_an_auth_error() {
    let d = Dovecot::start();
    let mut cfg = config(&d, &pop3_url(&d, "x"), After::Delete, None);
    cfg.password = bouncekit_mailbox::Password::new("wrong");
    let err = Poller::new(cfg).expect("poller").poll_blocking(|_: &[u8], _: &MessageId| Ok::<(), String>(())).expect_err("must fail");
    assert!(matches!(err, Error::Auth { .. }), "{err}");
}
