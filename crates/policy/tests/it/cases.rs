//! The policy table: one `Case` per line of behaviour — windows, expiry, resets, scopes,
//! complaints, blocks, incidents. Each names the policy (TOML over the default), the
//! record, the stored history, and the expected rule and effects.

use bouncekit_core::{Blame, Kind, Reason, Record, StatusCode};
use bouncekit_policy::{Effect, FixedClock, History, IncidentState, Policy, Scope, Span};

const NOW: i64 = 1_700_000_000;
const DAY: i64 = 86_400;
const HOUR: i64 = 3_600;

fn rec(kind: Kind, reason: Reason, status: &str) -> Record {
    let mut r = Record::new("User@Example.COM");
    r.kind = kind;
    r.reason = reason;
    r.blame = match kind {
        Kind::Complaint => Blame::Recipient,
        _ => reason.blame(),
    };
    r.status = (!status.is_empty()).then(|| status.parse::<StatusCode>().expect("valid status in case table"));
    r.timestamp = Some(NOW);
    r
}

fn to(addr: &str, mut r: Record) -> Record {
    r.recipient = addr.to_string();
    r
}

fn scoped(scope: &str, mut r: Record) -> Record {
    r.scope = Some(scope.to_string());
    r
}

fn at(t: i64, mut r: Record) -> Record {
    r.timestamp = Some(t);
    r
}

fn rhost(h: &str, mut r: Record) -> Record {
    r.remote_mta = Some(h.to_string());
    r
}

fn soft(ts: &[i64]) -> History {
    History { soft: ts.to_vec(), ..History::default() }
}

fn failures(n: usize, t: i64) -> History {
    History { domain_failures: (0..n).map(|i| (format!("other{i}@example.com"), t)).collect(), ..History::default() }
}

fn incident(state: IncidentState) -> History {
    History { incident: Some(state), ..History::default() }
}

fn sup(scope: Scope, expires_at: Option<i64>) -> Effect {
    Effect::Suppress { scope, expires_at }
}

fn count(scope: Scope, n: u32) -> Effect {
    Effect::CountSoft { scope, count: n }
}

fn alert(p: &str) -> Effect {
    Effect::Alert { provider: p.to_string() }
}

fn tenant(t: &str) -> Scope {
    Scope::Tenant(t.to_string())
}

const G: Scope = Scope::Global;

struct Case {
    name: &'static str,
    policy: &'static str,
    record: Record,
    history: History,
    rule: &'static str,
    effects: Vec<Effect>,
}

fn c(name: &'static str, policy: &'static str, record: Record, history: History, rule: &'static str, effects: Vec<Effect>) -> Case {
    Case { name, policy, record, history, rule, effects }
}

fn cases() -> Vec<Case> {
    use Kind::*;
    use Reason::*;
    let none = History::default;
    let open = || incident(IncidentState::Open);
    let week = Some(NOW + 7 * DAY);
    vec![
        // Hard bounces: suppress at once, no expiry.
        c("hard userunknown suppresses forever", "", rec(Hard, UserUnknown, "5.1.1"), none(), "kind.hard", vec![sup(G, None)]),
        c("hard hasmoved suppresses", "", rec(Hard, HasMoved, "5.1.6"), none(), "kind.hard", vec![sup(G, None)]),
        c("hard suspend suppresses", "", rec(Hard, Suspend, "5.2.1"), none(), "kind.hard", vec![sup(G, None)]),
        c("hard notaccept suppresses below the incident threshold", "", rec(Hard, NotAccept, "5.1.10"), none(), "kind.hard", vec![sup(G, None)]),
        c("hard hostunknown suppresses below the incident threshold", "", rec(Hard, HostUnknown, "5.1.2"), failures(3, NOW - 60), "kind.hard", vec![sup(G, None)]),
        c("permanent systemerror 5.3.0 suppresses", "", rec(Hard, SystemError, "5.3.0"), none(), "kind.hard", vec![sup(G, None)]),
        c("hard bounce without a timestamp counts from now", "", { let mut r = rec(Hard, UserUnknown, "5.1.1"); r.timestamp = None; r }, none(), "kind.hard", vec![sup(G, None)]),
        c("hard expiry is configurable", "[kind.hard]\nexpiry = \"30d\"", rec(Hard, UserUnknown, "5.1.1"), none(), "kind.hard", vec![sup(G, Some(NOW + 30 * DAY))]),
        c("a future timestamp is clamped to now", "[kind.hard]\nexpiry = \"1d\"", at(NOW + 10 * DAY, rec(Hard, UserUnknown, "5.1.1")), none(), "kind.hard", vec![sup(G, Some(NOW + DAY))]),
        c("expiry counts from the record's time", "[kind.hard]\nexpiry = \"1d\"", at(NOW - 3 * HOUR, rec(Hard, UserUnknown, "5.1.1")), none(), "kind.hard", vec![sup(G, Some(NOW - 3 * HOUR + DAY))]),
        // Soft bounces: count; 3 within 14 days suppress for 7 days.
        c("first soft bounce is counted", "", rec(Soft, MailboxFull, "4.2.2"), none(), "kind.soft", vec![count(G, 1)]),
        c("second soft bounce is counted", "", rec(Soft, MailboxFull, "4.2.2"), soft(&[NOW - DAY]), "kind.soft", vec![count(G, 2)]),
        c("third soft bounce within 14 days suppresses for 7 days", "", rec(Soft, MailboxFull, "4.2.2"), soft(&[NOW - 13 * DAY, NOW - DAY]), "kind.soft", vec![count(G, 3), sup(G, week)]),
        c("a fourth soft bounce suppresses again", "", rec(Soft, Expired, "4.4.7"), soft(&[NOW - 3 * DAY, NOW - 2 * DAY, NOW - DAY]), "kind.soft", vec![count(G, 4), sup(G, week)]),
        c("soft bounces older than the window do not count", "", rec(Soft, MailboxFull, "4.2.2"), soft(&[NOW - 15 * DAY, NOW - DAY]), "kind.soft", vec![count(G, 2)]),
        c("a bounce exactly 14 days old is outside the window", "", rec(Soft, MailboxFull, "4.2.2"), soft(&[NOW - 14 * DAY, NOW - DAY]), "kind.soft", vec![count(G, 2)]),
        c("history after the record's time does not count", "", rec(Soft, MailboxFull, "4.2.2"), soft(&[NOW + DAY, NOW - DAY]), "kind.soft", vec![count(G, 2)]),
        c("expired counts as soft", "", rec(Soft, Expired, "4.4.7"), none(), "kind.soft", vec![count(G, 1)]),
        c("toomanyconn counts as soft, not as a block", "", rec(Soft, TooManyConn, "4.7.0"), none(), "kind.soft", vec![count(G, 1)]),
        c("systemfull counts as soft", "", rec(Soft, SystemFull, "4.3.1"), soft(&[NOW - HOUR, NOW - 2 * HOUR]), "kind.soft", vec![count(G, 3), sup(G, week)]),
        c("soft threshold is configurable", "[kind.soft]\nthreshold = 5", rec(Soft, MailboxFull, "4.2.2"), soft(&[NOW - 4 * DAY, NOW - 3 * DAY, NOW - DAY]), "kind.soft", vec![count(G, 4)]),
        c("soft window is configurable", "[kind.soft]\nwindow = \"2d\"", rec(Soft, MailboxFull, "4.2.2"), soft(&[NOW - 3 * DAY, NOW - DAY]), "kind.soft", vec![count(G, 2)]),
        c("soft expiry is configurable", "[kind.soft]\nexpiry = \"1d\"", rec(Soft, MailboxFull, "4.2.2"), soft(&[NOW - 2 * DAY, NOW - DAY]), "kind.soft", vec![count(G, 3), sup(G, Some(NOW + DAY))]),
        c("threshold 0 counts and never suppresses", "[kind.soft]\nthreshold = 0", rec(Soft, MailboxFull, "4.2.2"), soft(&[NOW - 2 * DAY, NOW - DAY, NOW - HOUR]), "kind.soft", vec![count(G, 4)]),
        c("a reason rule overrides the kind rule", "[reason.mailboxfull]\nthreshold = 2\nexpiry = \"3d\"", rec(Soft, MailboxFull, "4.2.2"), soft(&[NOW - DAY]), "reason.mailboxfull", vec![count(G, 2), sup(G, Some(NOW + 3 * DAY))]),
        c("a reason rule can suppress a soft reason at once", "[reason.mailboxfull]\naction = \"suppress\"", rec(Soft, MailboxFull, "4.2.2"), none(), "reason.mailboxfull", vec![sup(G, week)]),
        c("a reason rule can ignore a hard reason", "[reason.hasmoved]\naction = \"ignore\"", rec(Hard, HasMoved, "5.1.6"), none(), "reason.hasmoved", vec![]),
        // Deliveries reset.
        c("a delivery clears soft counts", "", rec(Kind::Delivered, Reason::Delivered, "2.0.0"), soft(&[NOW - DAY, NOW - HOUR]), "kind.delivered", vec![Effect::ClearSoft]),
        c("a delivery closes the domain's open incident", "", rec(Kind::Delivered, Reason::Delivered, "2.0.0"), open(), "kind.delivered", vec![Effect::ClearSoft, Effect::CloseIncident { domain: "example.com".into() }]),
        c("a delivery closes a dead incident: mail flows", "", rec(Kind::Delivered, Reason::Delivered, "2.0.0"), incident(IncidentState::Dead), "kind.delivered", vec![Effect::ClearSoft, Effect::CloseIncident { domain: "example.com".into() }]),
        c("an auto-reply does nothing", "", rec(AutoReply, Vacation, ""), soft(&[NOW - DAY]), "kind.auto_reply", vec![]),
        c("undetermined does nothing", "", rec(Undetermined, Undefined, ""), none(), "kind.undetermined", vec![]),
        // Complaints suppress.
        c("a complaint suppresses forever", "", rec(Complaint, Feedback, ""), none(), "kind.complaint", vec![sup(G, None)]),
        c("a complaint suppresses in the record's tenant", "", scoped("tenant:acme", rec(Complaint, Feedback, "")), none(), "kind.complaint", vec![sup(tenant("acme"), None)]),
        c("a complaint can be made global", "[kind.complaint]\nscope = \"global\"", scoped("list:news", rec(Complaint, Feedback, "")), none(), "kind.complaint", vec![sup(G, None)]),
        c("a complaint is never mistaken for a block", "", { let mut r = rec(Complaint, Feedback, ""); r.blame = Blame::Sender; r }, none(), "kind.complaint", vec![sup(G, None)]),
        // Scopes.
        c("a hard bounce suppresses in the record's list", "", scoped("list:news", rec(Hard, UserUnknown, "5.1.1")), none(), "kind.hard", vec![sup(Scope::List("news".into()), None)]),
        c("a bare scope name is a tenant", "", scoped("acme", rec(Hard, UserUnknown, "5.1.1")), none(), "kind.hard", vec![sup(tenant("acme"), None)]),
        c("hard bounces can be made global", "[kind.hard]\nscope = \"global\"", scoped("tenant:acme", rec(Hard, UserUnknown, "5.1.1")), none(), "kind.hard", vec![sup(G, None)]),
        c("soft counts live in the record's scope", "", scoped("tenant:acme", rec(Soft, MailboxFull, "4.2.2")), soft(&[NOW - DAY, NOW - HOUR]), "kind.soft", vec![count(tenant("acme"), 3), sup(tenant("acme"), week)]),
        c("an unreadable scope is global", "", scoped("a b", rec(Hard, UserUnknown, "5.1.1")), none(), "kind.hard", vec![sup(G, None)]),
        // Sender-side blocks never suppress.
        c("blocked alerts the sender, keeps the recipient", "", rec(Block, Blocked, "5.7.1"), none(), "kind.block", vec![alert("example.com")]),
        c("spam at gmail alerts google", "", to("x@gmail.com", rec(Block, SpamDetected, "5.7.1")), none(), "kind.block", vec![alert("google")]),
        c("a block via an outlook host alerts microsoft", "", rhost("mx1.example.mail.protection.outlook.com", rec(Block, BadReputation, "5.7.1")), none(), "kind.block", vec![alert("microsoft")]),
        c("requireptr alerts", "", to("a@yahoo.co.jp", rec(Block, RequirePtr, "5.7.25")), none(), "kind.block", vec![alert("yahoo")]),
        c("authfailure alerts", "", rec(Block, AuthFailure, "5.7.26"), none(), "kind.block", vec![alert("example.com")]),
        c("a hard record with a block reason still only alerts", "", rec(Hard, PolicyViolation, "5.7.1"), none(), "sender-side", vec![alert("example.com")]),
        c("a soft record with a block reason is not counted", "", rec(Soft, Speeding, "4.7.0"), soft(&[NOW - DAY, NOW - HOUR]), "sender-side", vec![alert("example.com")]),
        c("a mistaken reason rule cannot make a block suppress", "[kind.hard]\naction = \"suppress\"", rec(Hard, SpamDetected, "5.7.1"), none(), "sender-side", vec![alert("example.com")]),
        c("blocks can be ignored", "[kind.block]\naction = \"ignore\"", rec(Block, Blocked, "5.7.1"), none(), "kind.block", vec![]),
        c("a 5.3.4 size refusal is a block, not an incident", "", rec(Block, MesgTooBig, "5.3.4"), failures(10, NOW - 60), "kind.block", vec![alert("example.com")]),
        // Domain incidents.
        c("the fifth failing recipient opens an incident", "", rec(Hard, SystemError, "5.3.0"), failures(4, NOW - 60), "incident.open", vec![Effect::OpenIncident { domain: "example.com".into(), since: NOW - HOUR, recipients: 5 }]),
        c("5.4.x soft failures open an incident", "", rec(Soft, NetworkError, "4.4.1"), failures(6, NOW - 600), "incident.open", vec![Effect::OpenIncident { domain: "example.com".into(), since: NOW - HOUR, recipients: 7 }]),
        c("a status subject alone makes a failure incident-class", "", rec(Soft, Expired, "4.4.7"), failures(4, NOW - 60), "incident.open", vec![Effect::OpenIncident { domain: "example.com".into(), since: NOW - HOUR, recipients: 5 }]),
        c("the same recipient failing twice counts once", "", rec(Hard, HostUnknown, "5.1.2"), History { domain_failures: vec![("user@example.com".into(), NOW - 60), ("a@example.com".into(), NOW - 60), ("a@example.com".into(), NOW - 50), ("b@example.com".into(), NOW - 40), ("c@example.com".into(), NOW - 30)], ..History::default() }, "kind.hard", vec![sup(G, None)]),
        c("failures outside the incident window do not count", "", rec(Hard, SystemError, "5.3.0"), failures(4, NOW - 2 * HOUR), "kind.hard", vec![sup(G, None)]),
        c("the incident threshold is configurable", "[incident]\nmin_recipients = 3", rec(Hard, HostUnknown, "5.1.2"), failures(2, NOW - 60), "incident.open", vec![Effect::OpenIncident { domain: "example.com".into(), since: NOW - HOUR, recipients: 3 }]),
        c("an open incident holds the domain instead of suppressing", "", rec(Hard, HostUnknown, "5.1.2"), open(), "incident.hold", vec![Effect::HoldForIncident { domain: "example.com".into() }]),
        c("a dead incident holds too", "", rec(Soft, NetworkError, "4.4.1"), incident(IncidentState::Dead), "incident.hold", vec![Effect::HoldForIncident { domain: "example.com".into() }]),
        c("userunknown at a held domain still suppresses", "", rec(Hard, UserUnknown, "5.1.1"), open(), "kind.hard", vec![sup(G, None)]),
        c("a block at a held domain still alerts", "", rec(Block, Blocked, "5.7.1"), open(), "kind.block", vec![alert("example.com")]),
        c("a closed incident holds nothing", "", rec(Hard, HostUnknown, "5.1.2"), incident(IncidentState::Closed), "kind.hard", vec![sup(G, None)]),
        // Addresses.
        c("an address that is no address decides nothing", "", to("not-an-address", rec(Hard, UserUnknown, "5.1.1")), none(), "invalid-address", vec![]),
    ]
}

#[test]
fn policy_table() {
    let clock = FixedClock::new(NOW);
    let cases = cases();
    assert!(cases.len() >= 40, "the table has {} cases", cases.len());
    let mut failed = Vec::new();
    for case in &cases {
        let policy = Policy::from_toml(case.policy).unwrap_or_else(|e| panic!("{}: {e}", case.name));
        let d = policy.decide_now(&case.record, &case.history, &clock);
        if d.rule != case.rule || d.effects != case.effects {
            failed.push(format!("{}:\n  expected {} {:?}\n  got      {} {:?}", case.name, case.rule, case.effects, d.rule, d.effects));
        }
    }
    assert!(failed.is_empty(), "{} of {} cases failed:\n{}", failed.len(), cases.len(), failed.join("\n"));
}

#[test]
fn subject_names_the_history_to_load() {
    let clock = FixedClock::new(NOW);
    let p = Policy::default();
    let s = p.subject(&scoped("list:news", rec(Kind::Soft, Reason::MailboxFull, "4.2.2")), &clock).expect("an address");
    assert_eq!(s.address, "user@example.com");
    assert_eq!(s.domain, "example.com");
    assert_eq!(s.counter, Some((Scope::List("news".into()), NOW - 14 * DAY)));
    assert!(!s.incident_class);
    let s = p.subject(&rec(Kind::Hard, Reason::UserUnknown, "5.1.1"), &clock).expect("an address");
    assert_eq!(s.counter, None, "hard bounces load no soft history");
    let s = p.subject(&rec(Kind::Hard, Reason::SystemError, "5.3.0"), &clock).expect("an address");
    assert!(s.incident_class);
    assert_eq!(s.incident_since, NOW - HOUR);
    let s = p.subject(&rec(Kind::Block, Reason::Blocked, "5.7.1"), &clock).expect("an address");
    assert!(!s.incident_class && s.counter.is_none());
}

#[test]
fn the_clock_moves_windows_and_expiry() {
    let clock = FixedClock::new(NOW);
    let p = Policy::default();
    let mut r = rec(Kind::Soft, Reason::MailboxFull, "4.2.2");
    r.timestamp = None;
    let h = soft(&[NOW - 2 * DAY, NOW - DAY]);
    assert_eq!(p.decide_now(&r, &h, &clock).suppression(), Some((&Scope::Global, Some(NOW + 7 * DAY))));
    clock.advance(Span::days(12));
    let d = p.decide_now(&r, &h, &clock);
    assert_eq!(d.effects, vec![count(G, 2)], "twelve days on, the older count fell out of the window");
}
