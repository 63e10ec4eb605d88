//! Table-driven classification of real-world replies (`replies.tsv`): every line must
//! get its reason and kind, and kind must imply the default policy's action.

use bouncekit_classify::classify_reply;
use bouncekit_core::{Action, Kind, Reason};

const TABLE: &str = include_str!("replies.tsv");

#[test]
fn every_reply_in_the_table() {
    let mut failures = Vec::new();
    let mut count = 0;
    let mut reasons = std::collections::BTreeSet::new();
    for (n, line) in TABLE.lines().enumerate() {
        if line.starts_with('#') || line.trim().is_empty() {
            continue;
        }
        let mut cols = line.splitn(3, '\t');
        let (Some(reason), Some(kind), Some(reply)) = (cols.next(), cols.next(), cols.next()) else {
            panic!("replies.tsv line {}: expected reason<TAB>kind<TAB>reply", n + 1);
        };
        let want_reason: Reason = reason.parse().unwrap_or_else(|e| panic!("line {}: {e}", n + 1));
        let want_kind: Kind = kind.parse().unwrap_or_else(|e| panic!("line {}: {e}", n + 1));
        reasons.insert(want_reason);
        count += 1;
        let r = classify_reply(reply);
        if r.reason != want_reason || r.kind != want_kind {
            failures.push(format!("line {}: {reply}\n    got {}/{}, expected {want_reason}/{want_kind}", n + 1, r.reason, r.kind));
        }
        let action_ok = match r.kind {
            Kind::Hard | Kind::Complaint => r.action == Action::Suppress,
            Kind::Soft => r.action == Action::Retry,
            Kind::Block => r.action == Action::AlertSender,
            Kind::AutoReply | Kind::Delivered | Kind::Undetermined => r.action == Action::None,
        };
        assert!(action_ok, "line {}: kind {} with action {}", n + 1, r.kind, r.action);
    }
    assert!(count >= 150, "the table must keep at least 150 replies, has {count}");
    assert!(reasons.len() >= 31, "the table covers {} reasons", reasons.len());
    assert!(failures.is_empty(), "{} of {count} replies misclassified:\n{}", failures.len(), failures.join("\n"));
}

/// The four examples the product promises, word for word.
#[test]
fn promised_examples() {
    let cases = [
        ("550 5.3.0 <u@example.com>: Mail system error", Reason::SystemError, Kind::Hard, Action::Suppress),
        ("452 4.3.1 Insufficient system storage", Reason::SystemFull, Kind::Soft, Action::Retry),
        ("550 5.7.1 Service unavailable; client [192.0.2.1] blocked using zen.spamhaus.org", Reason::Blocked, Kind::Block, Action::AlertSender),
        ("550-5.1.1 The email account that you tried to reach does not exist.", Reason::UserUnknown, Kind::Hard, Action::Suppress),
    ];
    for (line, reason, kind, action) in cases {
        let r = classify_reply(line);
        assert_eq!((r.reason, r.kind, r.action), (reason, kind, action), "{line}");
    }
    let blocked = classify_reply(cases[2].0);
    assert_eq!(blocked.blame, bouncekit_core::Blame::Sender);
}

/// Sender-side refusals never suppress the recipient, whatever their class.
#[test]
fn blocks_never_suppress() {
    for reason in [Reason::Blocked, Reason::SpamDetected, Reason::BadReputation, Reason::PolicyViolation, Reason::RequirePtr, Reason::AuthFailure, Reason::SecurityError, Reason::VirusDetected, Reason::ContentError, Reason::NoRelaying, Reason::Speeding] {
        for permanent in [Some(true), Some(false), None] {
            let (kind, _, action) = bouncekit_classify::decide(reason, permanent);
            assert_eq!(kind, Kind::Block, "{reason}");
            assert_ne!(action, Action::Suppress, "{reason}");
        }
    }
}

/// The precedence table lists every reason that phrases can produce exactly once.
#[test]
fn precedence_is_a_permutation() {
    let p = bouncekit_classify::reasons::PRECEDENCE;
    let set: std::collections::BTreeSet<_> = p.iter().collect();
    assert_eq!(set.len(), p.len(), "a reason appears twice in PRECEDENCE");
    for r in [Reason::Delivered, Reason::Feedback, Reason::Vacation, Reason::Undefined] {
        assert!(!p.contains(&r), "{r} must come from the format, not from text");
    }
}
