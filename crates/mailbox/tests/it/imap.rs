//! IMAP against a real Dovecot: records, after-actions, resume from UID, failing
//! handlers, UIDVALIDITY changes.

use bouncekit_mailbox::{After, Error, MessageId, Poller, State};

use super::{Dovecot, config, dsn, poll, recipients, state_path};

fn imap_url(d: &Dovecot, user: &str) -> String {
    format!("imap://{user}@127.0.0.1:{}/INBOX", d.imap)
}

#[test]
fn flag_resume_and_failing_handler() {
    let d = Dovecot::start();
    d.deliver("flag", &dsn("a@example.org", "5.1.1", "550 5.1.1 <a@example.org>: Recipient address rejected: User unknown"));
    d.deliver("flag", &dsn("b@example.org", "4.2.2", "452 4.2.2 <b@example.org>: Mailbox full"));
    d.deliver("flag", &dsn("c@example.org", "5.1.1", "550 5.1.1 <c@example.org>: User unknown"));
    let state = state_path(&d, "flag");
    let cfg = config(&d, &imap_url(&d, "flag"), After::Flag("\\Seen".into()), Some(&state));

    // The handler refuses b: the poll stops there, a is acknowledged, b and c stay.
    let (summary, seen) = poll(&cfg, &["b@example.org"]);
    assert_eq!(recipients(&seen), ["a@example.org"], "{}", d.logs());
    assert_eq!(summary.handled, 1);
    assert!(summary.stopped);
    assert_eq!(summary.failures.len(), 1);
    assert!(summary.failures[0].error.contains("b@example.org"), "{:?}", summary.failures);
    let s = State::load(&state, &cfg.url.to_string()).expect("state");
    assert!(s.uid_validity.is_some());
    assert_eq!(s.last_uid, 1);
    let flagged = |d: &Dovecot| d.files("flag", "").iter().filter(|f| f.contains(":2,") && f.ends_with('S')).count();
    assert_eq!(flagged(&d), 1, "{:?}", d.files("flag", ""));

    // The next poll starts again from b.
    let (summary, seen) = poll(&cfg, &[]);
    assert_eq!(recipients(&seen), ["b@example.org", "c@example.org"]);
    assert_eq!((summary.handled, summary.failures.len(), summary.stopped), (2, 0, false));
    assert_eq!(State::load(&state, &cfg.url.to_string()).expect("state").last_uid, 3);
    assert_eq!(flagged(&d), 3);

    // A state that lags behind (a crash between flagging and saving) is harmless: the
    // flag keeps handled messages out, and the resume point catches up to UIDNEXT.
    let mut lagging = State::load(&state, &cfg.url.to_string()).expect("state");
    lagging.last_uid = 1;
    lagging.save(&state).expect("save");
    let (summary, seen) = poll(&cfg, &[]);
    assert!(seen.is_empty(), "{seen:?}");
    assert_eq!(summary.handled, 0);
    assert_eq!(State::load(&state, &cfg.url.to_string()).expect("state").last_uid, 3);

    // A new message: only it is handed over, with the next UID.
    d.deliver("flag", &dsn("d@example.org", "5.1.1", "550 5.1.1 User unknown"));
    let (summary, seen) = poll(&cfg, &[]);
    assert_eq!(recipients(&seen), ["d@example.org"]);
    assert!(matches!(seen[0].0, MessageId::Imap { uid: 4, .. }), "{:?}", seen[0].0);
    assert_eq!(summary.handled, 1);

    // Nothing new: nothing handed over.
    let (summary, seen) = poll(&cfg, &[]);
    assert!(seen.is_empty());
    assert_eq!(summary.handled, 0);
    assert_eq!(State::load(&state, &cfg.url.to_string()).expect("state").last_uid, 4);
}

#[test]
fn records_come_out_of_the_fetched_message() {
    let d = Dovecot::start();
    d.deliver("rec", &dsn("gone@example.org", "5.1.1", "550 5.1.1 <gone@example.org>: Recipient address rejected: User unknown in virtual mailbox table"));
    let cfg = config(&d, &imap_url(&d, "rec"), After::Flag("$Bounced".into()), None);
    let mut records = Vec::new();
    let summary = Poller::new(cfg.clone())
        .expect("poller")
        .poll_blocking(|raw: &[u8], id: &MessageId| {
            let origin = bouncekit_core::Origin { kind: bouncekit_core::OriginKind::Mailbox, name: format!("{}#{id}", cfg.url) };
            records.extend(bouncekit_parse::parse_message(raw, &origin).records);
            Ok::<(), String>(())
        })
        .expect("poll");
    assert_eq!(summary.handled, 1);
    assert_eq!(records.len(), 1);
    let r = &records[0];
    assert_eq!(r.recipient, "gone@example.org");
    assert_eq!(r.status.as_ref().map(ToString::to_string).as_deref(), Some("5.1.1"));
    assert_eq!(r.reason.as_str(), "userunknown");
    assert!(r.origin.name.starts_with(&format!("imap://rec@127.0.0.1:{}/INBOX#uid:", d.imap)), "{}", r.origin.name);
    // Without a state file the custom keyword alone keeps it from coming back.
    let (summary, seen) = poll(&cfg, &[]);
    assert!(seen.is_empty(), "{seen:?}");
    assert_eq!(summary.handled, 0);
}

#[test]
fn move_to_a_folder_that_is_created() {
    let d = Dovecot::start();
    d.deliver("mv", &dsn("a@example.org", "5.1.1", "550 5.1.1 User unknown"));
    d.deliver("mv", &dsn("b@example.org", "5.1.1", "550 5.1.1 User unknown"));
    let state = state_path(&d, "mv");
    let cfg = config(&d, &imap_url(&d, "mv"), After::Move("Processed".into()), Some(&state));
    let (summary, seen) = poll(&cfg, &["b@example.org"]);
    assert_eq!(recipients(&seen), ["a@example.org"]);
    assert_eq!((summary.handled, summary.failures.len()), (1, 1));
    assert_eq!(d.files("mv", "Processed").len(), 1, "{}", d.logs());
    assert_eq!(d.files("mv", "").len(), 1, "the refused message stays in the INBOX");

    let (summary, seen) = poll(&cfg, &[]);
    assert_eq!(recipients(&seen), ["b@example.org"]);
    assert_eq!(summary.handled, 1);
    assert_eq!(d.files("mv", "Processed").len(), 2);
    assert!(d.files("mv", "").is_empty());
}

#[test]
fn delete_expunges_only_accepted_messages() {
    let d = Dovecot::start();
    d.deliver("del", &dsn("a@example.org", "5.1.1", "550 5.1.1 User unknown"));
    d.deliver("del", &dsn("b@example.org", "5.1.1", "550 5.1.1 User unknown"));
    let cfg = config(&d, &imap_url(&d, "del"), After::Delete, None);
    let (summary, seen) = poll(&cfg, &["a@example.org"]);
    assert!(seen.is_empty());
    assert_eq!((summary.handled, summary.failures.len(), summary.stopped), (0, 1, true));
    assert_eq!(d.files("del", "").len(), 2, "{}", d.logs());
    let (summary, seen) = poll(&cfg, &["b@example.org"]);
    assert_eq!(recipients(&seen), ["a@example.org"]);
    assert_eq!(summary.handled, 1);
    assert_eq!(d.files("del", "").len(), 1);
    let (summary, seen) = poll(&cfg, &[]);
    assert_eq!(recipients(&seen), ["b@example.org"]);
    assert_eq!(summary.handled, 1);
    assert!(d.files("del", "").is_empty());
}

#[test]
fn uidvalidity_change_starts_over_safely() {
    let d = Dovecot::start();
    d.deliver("uv", &dsn("a@example.org", "5.1.1", "550 5.1.1 User unknown"));
    d.deliver("uv", &dsn("b@example.org", "5.1.1", "550 5.1.1 User unknown"));
    let state = state_path(&d, "uv");
    let cfg = config(&d, &imap_url(&d, "uv"), After::Flag("\\Seen".into()), Some(&state));
    // A state from an earlier incarnation of the folder: its UIDs mean nothing now.
    let old = State { version: 1, mailbox: cfg.url.to_string(), uid_validity: Some(1), last_uid: 99, ..State::default() };
    old.save(&state).expect("save");
    let (summary, seen) = poll(&cfg, &[]);
    assert!(summary.uid_validity_reset);
    assert_eq!(recipients(&seen), ["a@example.org", "b@example.org"]);
    let s = State::load(&state, &cfg.url.to_string()).expect("state");
    assert_ne!(s.uid_validity, Some(1));
    assert_eq!(s.last_uid, 2);
}

#[test]
fn a_state_file_of_another_mailbox_is_refused() {
    let d = Dovecot::start();
    let state = state_path(&d, "other");
    let other = State { version: 1, mailbox: "imaps://someone@elsewhere:993/INBOX".into(), uid_validity: Some(1), last_uid: 5, ..State::default() };
    other.save(&state).expect("save");
    let cfg = config(&d, &imap_url(&d, "x"), After::Delete, Some(&state));
    let err = Poller::new(cfg).expect("poller").poll_blocking(|_: &[u8], _: &MessageId| Ok::<(), String>(())).expect_err("must refuse");
    assert!(matches!(err, Error::State { .. }), "{err}");
}

#[test]
fn wrong_password_is_an_auth_error() {
    let d = Dovecot::start();
    let mut cfg = config(&d, &imap_url(&d, "x"), After::Delete, None);
    cfg.password = bouncekit_mailbox::Password::new("wrong");
    let err = Poller::new(cfg).expect("poller").poll_blocking(|_: &[u8], _: &MessageId| Ok::<(), String>(())).expect_err("must fail");
    assert!(matches!(err, Error::Auth { .. }), "{err}");
    assert!(!err.to_string().contains("wrong"), "the password must not appear: {err}");
}
