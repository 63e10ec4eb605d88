//! Tests of the domain types.

use bouncekit_core::{Action, Blame, CodeError, Kind, Reason, ReplyCode, StatusCode, registry};

#[test]
fn status_codes_parse_validate_and_display() {
    for ok in ["2.0.0", "4.4.7", "5.1.1", "5.7.606", "5.0.911", "4.999.999"] {
        let c: StatusCode = ok.parse().unwrap_or_else(|e| panic!("{ok}: {e}"));
        assert_eq!(c.to_string(), ok);
    }
    assert!(matches!("3.1.1".parse::<StatusCode>(), Err(CodeError::Class(_, 3))));
    assert!(matches!("5.1".parse::<StatusCode>(), Err(CodeError::Shape(_))));
    assert!(matches!("5.1.1000".parse::<StatusCode>(), Err(CodeError::TooLong(_))));
    assert!(matches!("5.a.1".parse::<StatusCode>(), Err(CodeError::Shape(_))));
    assert!(matches!("".parse::<StatusCode>(), Err(CodeError::Shape(_))));
    let c: StatusCode = " 5.3.0 ".parse().expect("trims");
    assert_eq!((c.class(), c.subject(), c.detail()), (5, 3, 0));
    assert_eq!(c.with_class(4).map(|c| c.to_string()).as_deref(), Some("4.3.0"));
    assert!(c.is_permanent() && !c.is_transient());
}

#[test]
fn registry_titles_come_from_the_iana_data() {
    let t = |s: &str| s.parse::<StatusCode>().expect("valid").registry_title();
    assert_eq!(t("5.1.1"), Some("Bad destination mailbox address"));
    assert_eq!(t("4.4.7"), Some("Delivery time expired"));
    assert_eq!(t("5.7.26"), Some("Multiple authentication checks failed"));
    assert_eq!(t("5.7.600"), None);
    assert_eq!(registry::ENTRIES.len(), 81, "the registry has 81 enumerated codes");
    assert_eq!(registry::SUBJECTS.len(), 8);
    assert_eq!(registry::CLASSES.len(), 3);
    let x128 = registry::lookup(7, 28).expect("X.7.28");
    assert_eq!(x128.basic, "", "X.7.28's basic-code field holds only '.' in the registry");
    assert!(registry::lookup(1, 5).expect("X.1.5").valid_in(2));
    assert!(!registry::lookup(1, 5).expect("X.1.5").valid_in(5));
}

#[test]
fn reply_codes() {
    assert_eq!("550".parse::<ReplyCode>().map(|c| c.get()), Ok(550));
    assert!("650".parse::<ReplyCode>().is_err());
    assert!("5500".parse::<ReplyCode>().is_err());
    assert!("570".parse::<ReplyCode>().is_err(), "second digit above 5 is not defined");
    let c = ReplyCode::new(421).expect("valid");
    assert!(c.is_transient() && c.class() == 4);
}

#[test]
fn exactly_the_34_reasons_serialised_lowercase() {
    let names = [
        "authfailure", "badreputation", "blocked", "contenterror", "delivered", "exceedlimit", "expired", "feedback", "filtered",
        "hasmoved", "hostunknown", "mailboxfull", "mailererror", "mesgtoobig", "networkerror", "norelaying", "notaccept",
        "notcompliantrfc", "onhold", "policyviolation", "rejected", "requireptr", "securityerror", "spamdetected", "speeding",
        "suspend", "syntaxerror", "systemerror", "systemfull", "toomanyconn", "undefined", "userunknown", "vacation", "virusdetected",
    ];
    assert_eq!(Reason::ALL.len(), 34);
    let mut got: Vec<&str> = Reason::ALL.iter().map(|r| r.as_str()).collect();
    got.sort();
    assert_eq!(got, names);
    for n in names {
        let r: Reason = n.parse().expect("parses");
        assert_eq!(serde_json::to_string(&r).expect("serialises"), format!("\"{n}\""));
    }
    assert!("UserUnknown".parse::<Reason>().is_ok(), "case-insensitive");
    assert!("nosuchreason".parse::<Reason>().is_err());
}

#[test]
fn kinds_blames_actions_serialise_as_documented() {
    assert_eq!(serde_json::to_string(&Kind::AutoReply).expect("ok"), "\"auto_reply\"");
    assert_eq!(serde_json::to_string(&Action::AlertSender).expect("ok"), "\"alert_sender\"");
    assert_eq!(Kind::ALL.len(), 7);
    assert_eq!(Blame::ALL.len(), 5);
    assert_eq!(Action::ALL.len(), 4);
    assert!(Reason::Blocked.is_sender_side());
    assert!(!Reason::UserUnknown.is_sender_side());
    assert!(!Reason::Feedback.is_sender_side());
}

#[test]
fn record_serialises_codes_as_strings() {
    let mut r = bouncekit_core::Record::new("a@example.org");
    r.status = "5.1.1".parse().ok();
    r.reply_code = "550".parse().ok();
    let v = serde_json::to_value(&r).expect("serialises");
    assert_eq!(v["status"], "5.1.1");
    assert_eq!(v["reply_code"], "550");
    assert_eq!(r.recipient_domain(), Some("example.org"));
    let back: bouncekit_core::Record = serde_json::from_value(v).expect("round-trips");
    assert_eq!(back, r);
}
