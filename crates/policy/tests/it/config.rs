//! Policy files: merging, validation, errors that say what is wrong.

use bouncekit_core::{Kind, Reason};
use bouncekit_policy::config::DEFAULT_TOML;
use bouncekit_policy::{Policy, PolicyError, Span, Target, Treatment};

#[test]
fn the_default_policy_is_the_brief_table() {
    let p = Policy::default();
    let (hard, _) = p.rule(Kind::Hard, Reason::UserUnknown);
    assert_eq!((hard.action, hard.expiry), (Treatment::Suppress, None));
    let (soft, _) = p.rule(Kind::Soft, Reason::MailboxFull);
    assert_eq!((soft.action, soft.threshold, soft.window, soft.expiry), (Treatment::Count, 3, Span::days(14), Some(Span::days(7))));
    assert_eq!(p.rule(Kind::Block, Reason::Blocked).0.action, Treatment::Alert);
    assert_eq!(p.rule(Kind::Complaint, Reason::Feedback).0.action, Treatment::Suppress);
    assert_eq!(p.rule(Kind::Delivered, Reason::Delivered).0.action, Treatment::Clear);
    assert_eq!(p.rule(Kind::AutoReply, Reason::Vacation).0.action, Treatment::Ignore);
    assert_eq!(p.incident.min_recipients, 5);
    assert_eq!(p.retention.events, Span::days(365));
    assert_eq!(hard.scope, Target::Record);
    assert!(DEFAULT_TOML.contains("[kind.soft]"));
}

#[test]
fn a_file_overrides_only_what_it_says() {
    let p = Policy::from_toml("[kind.soft]\nthreshold = 5\n[incident]\nwindow = \"2h\"").expect("valid");
    let (soft, _) = p.rule(Kind::Soft, Reason::Expired);
    assert_eq!((soft.threshold, soft.window, soft.expiry), (5, Span::days(14), Some(Span::days(7))));
    assert_eq!((p.incident.window, p.incident.min_recipients), (Span::hours(2), 5));
    assert_eq!(p.longest_window(), Span::days(14));
}

#[test]
fn invalid_policies_are_refused_with_the_table_named() {
    let err = |t: &str| Policy::from_toml(t).expect_err(t).to_string();
    assert!(err("[kind.block]\naction = \"suppress\"").contains("[kind.block]: sender-side blocks never suppress"));
    assert!(err("[reason.blocked]\naction = \"count\"").contains("[reason.blocked]"));
    assert!(err("[kind.bogus]\naction = \"ignore\"").contains("unknown kind"));
    assert!(err("[reason.bogus]\naction = \"ignore\"").contains("unknown reason"));
    assert!(err("[kind.hard]\nexpiry = \"soon\"").contains("not a duration"));
    assert!(err("[kind.hard]\nthreshold = 3").contains("acts at once"));
    assert!(err("[kind.hard]\nsuppress = true").contains("unknown field"));
    assert!(err("[kind.soft]\nwindow = \"0d\"").contains("needs a window"));
    assert!(err("[incident]\nmin_recipients = 1").contains("at least 2"));
    assert!(err("[incident]\nreasons = [\"nope\"]").contains("unknown reason"));
    assert!(matches!(Policy::from_file(std::path::Path::new("/nonexistent/policy.toml")), Err(PolicyError::Io { .. })));
    // toomanyconn is soft in the BRIEF: a reason rule may count it.
    Policy::from_toml("[reason.toomanyconn]\nthreshold = 10").expect("toomanyconn may be counted");
}
