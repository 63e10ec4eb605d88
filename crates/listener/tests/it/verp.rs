//! Which recipients are ours and what VERP decodes to, as data; configuration checks.

use std::time::SystemTime;

use bouncekit_core::{Kind, OriginKind};
use bouncekit_listener::{Config, ConfigError, Envelope, Protocol, Recipient, VERP_FORMAT, Verp, parse_delivery};

use crate::support::config;

/// `Some(None)`: accepted without an original recipient; `Some(Some(x))`: accepted, VERP
/// names `x`; `None`: refused.
fn check(config: &Config, address: &str, expected: Option<Option<&str>>) {
    let got = config.recipient(address).map(|r| r.original);
    assert_eq!(got.as_ref().map(|o| o.as_deref()), expected, "{address}");
}

#[test]
fn default_verp_addresses() {
    let c = config().validate().expect("valid");
    let cases: &[(&str, Option<Option<&str>>)] = &[
        ("bounces+alice=example.com@bounce.example.net", Some(Some("alice@example.com"))),
        ("BOUNCES+Alice=Example.COM@Bounce.Example.NET.", Some(Some("Alice@example.com"))),
        ("bounces+first.last+tag=sub.example.co.uk@bounce.example.net", Some(Some("first.last+tag@sub.example.co.uk"))),
        ("bounces+a=b=example.com@bounce.example.net", Some(Some("a=b@example.com"))),
        ("bounces@bounce.example.net", Some(None)),
        ("bounces+campaign42@bounce.example.net", Some(None)),
        ("bounces+alice=localhost@bounce.example.net", Some(None)),
        ("bounces+=example.com@bounce.example.net", Some(None)),
        ("postmaster@bounce.example.net", Some(None)),
        ("Postmaster", Some(None)),
        ("alice@bounce.example.net", None),
        ("bouncesalice=example.com@bounce.example.net", None),
        ("bounces-alice=example.com@bounce.example.net", None),
        ("bounces+alice=example.com@example.com", None),
        ("bounces+alice=example.com@sub.bounce.example.net", None),
        ("alice", None),
        ("", None),
    ];
    for (address, expected) in cases {
        check(&c, address, *expected);
    }
}

#[test]
fn configured_prefix_and_separators() {
    let c = Config { verp: Verp { prefix: "rt".into(), separator: '-', at: '#' }, ..config() }.validate().expect("valid");
    check(&c, "rt-alice#example.com@bounce.example.net", Some(Some("alice@example.com")));
    check(&c, "rt@bounce.example.net", Some(None));
    check(&c, "bounces+alice=example.com@bounce.example.net", None);

    let bare = Config { verp: Verp { prefix: String::new(), ..Verp::default() }, ..config() }.validate().expect("valid");
    check(&bare, "alice=example.com@bounce.example.net", Some(Some("alice@example.com")));
    check(&bare, "postmaster@bounce.example.net", Some(None));
    check(&bare, "alice@bounce.example.net", None);

    let any = Config { accept_any_local_part: true, ..config() }.validate().expect("valid");
    check(&any, "anything@bounce.example.net", Some(None));
    check(&any, "anything@example.com", None);
}

#[test]
fn invalid_configurations_are_refused() {
    let cases: Vec<(Config, ConfigError)> = vec![
        (Config { domains: vec![], ..config() }, ConfigError::NoDomains),
        (Config { domains: vec!["not a domain".into()], ..config() }, ConfigError::InvalidDomain("not a domain".into())),
        (Config { hostname: String::new(), ..config() }, ConfigError::InvalidHostname(String::new())),
        (Config { max_recipients: 0, ..config() }, ConfigError::Zero("max_recipients")),
        (Config { idle_timeout: std::time::Duration::ZERO, ..config() }, ConfigError::Zero("idle_timeout")),
    ];
    for (c, expected) in cases {
        assert_eq!(c.validate().expect_err("refused"), expected);
    }
    let at = Config { verp: Verp { at: '@', ..Verp::default() }, ..config() };
    assert!(matches!(at.validate(), Err(ConfigError::Verp(_))));
    let same = Config { verp: Verp { separator: '=', ..Verp::default() }, ..config() };
    assert!(matches!(same.validate(), Err(ConfigError::Verp(_))));
    let normalised = Config { domains: vec!["Bounce.Example.NET.".into()], ..config() }.validate().expect("valid");
    assert_eq!(normalised.domains, ["bounce.example.net"]);
}

fn envelope(recipients: &[(&str, Option<&str>)]) -> Envelope {
    Envelope {
        id: "test1".into(),
        protocol: Protocol::Smtp,
        peer: "192.0.2.7:25".parse().expect("addr"),
        helo: "mx.example.org".into(),
        tls: false,
        mail_from: String::new(),
        recipients: recipients
            .iter()
            .map(|(a, o)| Recipient { address: (*a).into(), original: o.map(str::to_string) })
            .collect(),
        received_at: SystemTime::now(),
    }
}

#[test]
fn parse_delivery_names_the_verp_recipient_when_the_bounce_names_none() {
    let vacation = b"From: alice@example.com\r\nSubject: Thanks for your mail\r\n\r\nI will read it later.\r\n";
    let parsed = parse_delivery(&envelope(&[(crate::support::ALICE, Some("alice@example.com"))]), vacation);
    assert_eq!(parsed.records.len(), 1, "{parsed:?}");
    let r = &parsed.records[0];
    assert_eq!(r.recipient, "alice@example.com");
    assert_eq!(r.format, VERP_FORMAT);
    assert_eq!(r.kind, Kind::Undetermined);
    assert_eq!(r.origin.kind, OriginKind::Listener);
    assert_eq!(r.origin.name, "smtp://192.0.2.7:25/test1");
    assert!(parsed.diagnostics.iter().any(|d| d.message.contains("VERP")));

    // Without a VERP recipient nothing is made up; with two, nothing is guessed.
    assert!(parse_delivery(&envelope(&[("bounces@bounce.example.net", None)]), vacation).records.is_empty());
    let two = envelope(&[
        ("bounces+alice=example.com@bounce.example.net", Some("alice@example.com")),
        ("bounces+bob=example.com@bounce.example.net", Some("bob@example.com")),
    ]);
    assert!(parse_delivery(&two, vacation).records.is_empty());
}

#[test]
fn parse_delivery_keeps_the_recipient_the_bounce_names() {
    let raw = crate::support::bounce("carol@example.org");
    let parsed = parse_delivery(&envelope(&[(crate::support::ALICE, Some("alice@example.com"))]), raw.as_bytes());
    assert_eq!(parsed.records.len(), 1);
    assert_eq!(parsed.records[0].recipient, "carol@example.org");
    assert_eq!(parsed.records[0].origin.kind, OriginKind::Listener);
}
