//! Addresses, scopes, spans, times and providers.

use bouncekit_policy::address::{normalise, normalise_domain};
use bouncekit_policy::dns::on_verdict;
use bouncekit_policy::time::{format_rfc3339, parse_instant};
use bouncekit_policy::{IncidentState, Scope, Span, Verdict, provider};

#[test]
fn addresses_normalise() {
    for (i, o) in [
        ("User@Example.COM", Some("user@example.com")),
        ("<a@b.c>", Some("a@b.c")),
        ("mailto:A@B.C", Some("a@b.c")),
        ("a@b.c.", Some("a@b.c")),
        ("\"quoted@local\"@example.com", Some("\"quoted@local\"@example.com")),
        ("a@", None),
        ("@b", None),
        ("a b@c", None),
        ("a@b..c", None),
        ("", None),
    ] {
        assert_eq!(normalise(i).as_deref(), o, "{i}");
    }
    assert_eq!(normalise_domain(" @Example.COM. "), "example.com");
}

#[test]
fn scopes_round_trip() {
    for s in ["global", "tenant:acme", "list:news"] {
        assert_eq!(s.parse::<Scope>().expect(s).to_string(), s);
    }
    assert_eq!("".parse::<Scope>(), Ok(Scope::Global));
    assert_eq!("acme".parse::<Scope>(), Ok(Scope::Tenant("acme".into())));
    assert!("list:".parse::<Scope>().is_err());
    assert!("other:x".parse::<Scope>().is_err());
}

#[test]
fn spans_and_instants() {
    assert_eq!("14d".parse::<Span>(), Ok(Span::days(14)));
    assert_eq!("2w".parse::<Span>(), Ok(Span::days(14)));
    assert_eq!(Span::days(14).to_string(), "2w");
    assert_eq!(Span::hours(36).to_string(), "36h");
    assert!("d".parse::<Span>().is_err() && "5y".parse::<Span>().is_err());
    assert_eq!(format_rfc3339(1_700_000_000), "2023-11-14T22:13:20Z");
    assert_eq!(parse_instant("2023-11-14T22:13:20Z"), Ok(1_700_000_000));
    assert_eq!(parse_instant("2023-11-14T23:13:20+01:00"), Ok(1_700_000_000));
    assert_eq!(parse_instant("2023-11-14 22:13:20.123Z"), Ok(1_700_000_000));
    assert_eq!(parse_instant("1700000000"), Ok(1_700_000_000));
    assert_eq!(parse_instant("1970-01-02"), Ok(86_400));
    assert_eq!(format_rfc3339(-1), "1969-12-31T23:59:59Z");
    assert!(parse_instant("2023-13-01").is_err() && parse_instant("yesterday").is_err());
    for t in [0i64, 951_782_400, 4_102_444_800, 1_700_000_000] {
        assert_eq!(parse_instant(&format_rfc3339(t)), Ok(t));
    }
}

#[test]
fn providers() {
    assert_eq!(provider::known("gmail-smtp-in.l.google.com"), Some("google"));
    assert_eq!(provider::known("notgmail.com"), None);
    assert_eq!(provider::known("mta7.am0.yahoodns.net."), Some("yahoo"));
}

#[test]
fn dns_verdicts_move_incidents() {
    let mx = Verdict::Mx { hosts: vec!["mx.example.com".into()] };
    assert_eq!(on_verdict(IncidentState::Open, &Verdict::NullMx), Some(IncidentState::Dead));
    assert_eq!(on_verdict(IncidentState::Open, &Verdict::NxDomain), Some(IncidentState::Dead));
    assert_eq!(on_verdict(IncidentState::Open, &mx), None, "hosts exist but fail: stay held");
    assert_eq!(on_verdict(IncidentState::Dead, &mx), Some(IncidentState::Closed));
    assert_eq!(on_verdict(IncidentState::Dead, &Verdict::ImplicitMx), Some(IncidentState::Closed));
    assert_eq!(on_verdict(IncidentState::Dead, &Verdict::Unknown { error: "timeout".into() }), None);
    assert_eq!(on_verdict(IncidentState::Closed, &Verdict::NxDomain), None);
}
