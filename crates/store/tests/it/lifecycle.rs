//! Ingest, dedupe, checks, soft counting, incidents, alerts, forget, cleanup, migrations.

use bouncekit_core::{Kind, Reason};
use bouncekit_policy::{IncidentState, Scope, Span, Verdict};
use bouncekit_store::{Bucket, CheckVerdict, NewSuppression, ReportBy, SqliteStore, Store, SuppressionFilter, SuppressionStatus, Options};

use crate::support::*;

fn reingesting_the_same_message_changes_nothing(db: Db) {
    let (mut s, _) = store(db);
    let recs = vec![rec("a@example.com", Kind::Hard, Reason::UserUnknown, "5.1.1"), rec("b@example.com", Kind::Soft, Reason::MailboxFull, "4.2.2")];
    let first = s.ingest(Some("msg-1"), &recs).expect("ingest");
    assert_eq!((first.new_events, first.suppressed, first.counted), (2, 1, 1));
    let before = s.counts().expect("counts");
    let again = s.ingest(Some("msg-1"), &recs).expect("ingest");
    assert_eq!((again.new_events, again.duplicates, again.suppressed, again.counted), (0, 2, 0, 0));
    assert_eq!(s.counts().expect("counts"), before);
    // Without a source id, identical records dedupe on their fields.
    let r = rec("c@example.com", Kind::Hard, Reason::UserUnknown, "5.1.1");
    assert_eq!(s.ingest(None, std::slice::from_ref(&r)).expect("ingest").new_events, 1);
    assert_eq!(s.ingest(None, std::slice::from_ref(&r)).expect("ingest").duplicates, 1);
    // The same recipient twice in one message is two events.
    let two = s.ingest(Some("msg-2"), &[r.clone(), r]).expect("ingest");
    assert_eq!(two.new_events, 2);
}

fn checks_answer_from_global_and_the_asked_scope(db: Db) {
    let (mut s, _) = store(db);
    let mut r = rec("Tenant@Example.com", Kind::Complaint, Reason::Feedback, "");
    r.scope = Some("tenant:acme".into());
    s.ingest(Some("m1"), &[r, rec("global@example.com", Kind::Hard, Reason::UserUnknown, "5.1.1")]).expect("ingest");
    let acme = Scope::Tenant("acme".into());
    let other = Scope::Tenant("other".into());
    let c = s.check_many(&["tenant@example.com", "global@example.com", "fine@example.com", "nope"], &acme).expect("check");
    let v: Vec<_> = c.iter().map(|c| c.verdict).collect();
    assert_eq!(v, [CheckVerdict::Suppressed, CheckVerdict::Suppressed, CheckVerdict::Allowed, CheckVerdict::Invalid]);
    assert_eq!(c[0].scope, Some(acme.clone()));
    assert_eq!(c[0].reason.as_deref(), Some("feedback"));
    assert!(c[1].detail.contains("userunknown (global)"), "{}", c[1].detail);
    assert!(s.check("tenant@example.com", &other).expect("check").is_allowed(), "a tenant's complaint does not suppress for another tenant");
    assert!(s.check("tenant@example.com", &Scope::Global).expect("check").is_allowed());
}

fn three_soft_bounces_suppress_for_a_week_and_a_delivery_resets(db: Db) {
    let (mut s, clock) = store(db);
    let soft = |n: &str| (n.to_string(), rec("full@example.com", Kind::Soft, Reason::MailboxFull, "4.2.2"));
    for (i, (id, r)) in [soft("1"), soft("2")].into_iter().enumerate() {
        s.ingest(Some(&id), &[r]).expect("ingest");
        clock.advance(Span::days(1));
        assert!(s.check("full@example.com", &Scope::Global).expect("check").is_allowed(), "after {}", i + 1);
    }
    // A delivery clears the counts: two more soft bounces do not suppress.
    s.ingest(Some("d"), &[rec("full@example.com", Kind::Delivered, Reason::Delivered, "2.0.0")]).expect("ingest");
    assert_eq!(s.counts().expect("counts").soft_bounces, 0);
    for id in ["3", "4"] {
        s.ingest(Some(id), &[soft(id).1]).expect("ingest");
    }
    assert!(s.check("full@example.com", &Scope::Global).expect("check").is_allowed());
    s.ingest(Some("5"), &[soft("5").1]).expect("ingest");
    let c = s.check("full@example.com", &Scope::Global).expect("check");
    assert_eq!(c.verdict, CheckVerdict::Suppressed);
    assert_eq!(c.expires_at, Some(clock.now_for_test() + 7 * DAY));
    clock.advance(Span::days(8));
    assert!(s.check("full@example.com", &Scope::Global).expect("check").is_allowed(), "the suppression expired");
    let cleaned = s.cleanup(false).expect("cleanup");
    assert_eq!(cleaned.expired_suppressions, 1);
    let listed = s.suppressions(&SuppressionFilter { status: Some(SuppressionStatus::Expired), ..Default::default() }).expect("list");
    assert_eq!(listed.len(), 1);
}

trait NowForTest {
    fn now_for_test(&self) -> i64;
}

impl NowForTest for bouncekit_policy::FixedClock {
    fn now_for_test(&self) -> i64 {
        use bouncekit_policy::Clock;
        self.now()
    }
}

fn blocks_alert_per_provider_and_never_suppress(db: Db) {
    let (mut s, _) = store(db);
    let mut r1 = rec("a@gmail.com", Kind::Block, Reason::Blocked, "5.7.1");
    r1.diagnostic = "550 5.7.1 blocked".into();
    let r2 = rec("b@googlemail.com", Kind::Block, Reason::Blocked, "5.7.1");
    let r3 = rec("c@outlook.com", Kind::Block, Reason::SpamDetected, "5.7.1");
    let o = s.ingest(Some("m"), &[r1, r2, r3]).expect("ingest");
    assert_eq!((o.alerts, o.suppressed), (3, 0));
    let alerts = s.alerts(false).expect("alerts");
    let mut got: Vec<_> = alerts.iter().map(|a| (a.provider.as_str(), a.reason.as_str(), a.count)).collect();
    got.sort();
    assert_eq!(got, [("google", "blocked", 2), ("microsoft", "spamdetected", 1)]);
    assert!(s.check("a@gmail.com", &Scope::Global).expect("check").is_allowed());
}

fn a_domain_incident_holds_releases_and_closes(db: Db) {
    let (mut s, clock) = store(db);
    // Four recipients fail with 5.3.0: each is suppressed (below the threshold).
    for i in 0..4 {
        s.ingest(Some(&format!("m{i}")), &[rec(&format!("u{i}@broken.example"), Kind::Hard, Reason::SystemError, "5.3.0")]).expect("ingest");
        clock.advance(Span::seconds(60));
    }
    assert_eq!(s.check("u0@broken.example", &Scope::Global).expect("check").verdict, CheckVerdict::Suppressed);
    // The fifth opens the incident and releases the four.
    let o = s.ingest(Some("m4"), &[rec("u4@broken.example", Kind::Hard, Reason::SystemError, "5.3.0")]).expect("ingest");
    assert_eq!((o.incidents_opened, o.released, o.suppressed), (1, 4, 0));
    for a in ["u0@broken.example", "u4@broken.example", "new@broken.example"] {
        let c = s.check(a, &Scope::Global).expect("check");
        assert_eq!((c.verdict, c.detail.as_str()), (CheckVerdict::Held, "held: domain incident"), "{a}");
    }
    // More failures are held, not suppressed; a user-unknown still suppresses.
    let o = s.ingest(Some("m5"), &[rec("u5@broken.example", Kind::Soft, Reason::NetworkError, "4.4.1"), rec("gone@broken.example", Kind::Hard, Reason::UserUnknown, "5.1.1")]).expect("ingest");
    assert_eq!((o.held, o.suppressed), (1, 1));
    let inc = s.incidents(false).expect("incidents");
    assert_eq!(inc.len(), 1);
    assert_eq!((inc[0].domain.as_str(), inc[0].state, inc[0].recipients, inc[0].failures, inc[0].released), ("broken.example", IncidentState::Open, 5, 6, 4));
    // Working MX hosts do not close it; null MX makes it dead; recovery closes it.
    assert_eq!(s.record_dns("broken.example", &Verdict::Mx { hosts: vec!["mx.broken.example".into()] }).expect("dns"), None);
    assert_eq!(s.record_dns("broken.example", &Verdict::NullMx).expect("dns"), Some(IncidentState::Dead));
    let c = s.check("anyone@broken.example", &Scope::Global).expect("check");
    assert_eq!((c.verdict, c.kind.as_deref()), (CheckVerdict::Suppressed, Some("domain")));
    assert_eq!(s.record_dns("broken.example", &Verdict::ImplicitMx).expect("dns"), Some(IncidentState::Closed));
    assert!(s.check("anyone@broken.example", &Scope::Global).expect("check").is_allowed());
    let d = s.domains(0, 10).expect("domains");
    assert_eq!((d[0].domain.as_str(), d[0].total, d[0].hard, d[0].soft), ("broken.example", 7, 6, 1));
}

fn a_delivery_closes_an_incident_and_cleanup_ages_one_out(db: Db) {
    let (mut s, clock) = store_with(db, "[incident]\nmin_recipients = 2");
    s.ingest(Some("a"), &[rec("a@down.example", Kind::Soft, Reason::NetworkError, "4.4.1"), rec("b@down.example", Kind::Soft, Reason::NetworkError, "4.4.1")]).expect("ingest");
    assert_eq!(s.incidents(false).expect("incidents").len(), 1);
    let o = s.ingest(Some("d"), &[rec("a@down.example", Kind::Delivered, Reason::Delivered, "2.0.0")]).expect("ingest");
    assert_eq!(o.incidents_closed, 1);
    let all = s.incidents(true).expect("incidents");
    assert_eq!((all[0].state, all[0].close_cause.as_deref()), (IncidentState::Closed, Some("delivery")));
    s.ingest(Some("b"), &[rec("c@down.example", Kind::Soft, Reason::NetworkError, "4.4.1"), rec("d@down.example", Kind::Soft, Reason::NetworkError, "4.4.1")]).expect("ingest");
    assert_eq!(s.incidents(false).expect("incidents").len(), 1, "a new incident opens after the old one closed");
    clock.advance(Span::hours(25));
    assert_eq!(s.cleanup(false).expect("cleanup").incidents_aged_out, 1);
    assert!(s.incidents(false).expect("incidents").is_empty());
}

fn manual_add_remove_and_the_audit_log(db: Db) {
    let (mut s, _) = store(db);
    let n = NewSuppression { address: "Manual@Example.com".into(), scope: Scope::List("news".into()), note: Some("asked us".into()), ..Default::default() };
    let row = s.add(&n, "alice").expect("add");
    assert_eq!((row.address.as_str(), row.kind.as_str(), row.source.as_str()), ("manual@example.com", "manual", "manual"));
    assert!(!s.check("manual@example.com", &Scope::List("news".into())).expect("check").is_allowed());
    assert!(s.remove("manual@example.com", &Scope::List("news".into()), "bob", Some("resubscribed")).expect("remove"));
    assert!(!s.remove("manual@example.com", &Scope::List("news".into()), "bob", None).expect("remove"), "nothing left to remove");
    assert!(s.check("manual@example.com", &Scope::List("news".into())).expect("check").is_allowed());
    let audit = s.audit(10).expect("audit");
    let actions: Vec<_> = audit.iter().map(|a| (a.actor.as_str(), a.action.as_str())).collect();
    assert_eq!(actions, [("bob", "remove"), ("alice", "add")]);
    assert!(s.add(&NewSuppression { address: "nope".into(), ..Default::default() }, "x").is_err());
    // Evidence after a manual removal suppresses again.
    s.ingest(Some("m"), &[{ let mut r = rec("manual@example.com", Kind::Hard, Reason::UserUnknown, "5.1.1"); r.scope = Some("list:news".into()); r }]).expect("ingest");
    assert!(!s.check("manual@example.com", &Scope::List("news".into())).expect("check").is_allowed());
}

fn forget_deletes_everything_and_a_tombstone_keeps_suppressing(db: Db) {
    let (mut s, _) = store(db);
    s.ingest(Some("m"), &[rec("who@example.com", Kind::Hard, Reason::UserUnknown, "5.1.1"), rec("keep@example.com", Kind::Hard, Reason::UserUnknown, "5.1.1")]).expect("ingest");
    s.add(&NewSuppression { address: "who@example.com".into(), scope: Scope::List("x".into()), ..Default::default() }, "alice").expect("add");
    let o = s.forget("WHO@example.com", true, "dpo").expect("forget");
    assert_eq!((o.events, o.suppressions, o.tombstone), (1, 2, true));
    assert_eq!(o.audit_redacted, 1);
    let c = s.check("who@example.com", &Scope::Global).expect("check");
    assert_eq!((c.verdict, c.kind.as_deref()), (CheckVerdict::Suppressed, Some("forgotten")));
    assert!(s.audit(0).expect("audit").iter().all(|a| a.address.as_deref() != Some("who@example.com")));
    let o = s.forget("keep@example.com", false, "dpo").expect("forget");
    assert!(!o.tombstone);
    assert!(s.check("keep@example.com", &Scope::Global).expect("check").is_allowed());
    assert_eq!(s.counts().expect("counts").events, 0);
}

fn report_groups_by_period_and_key(db: Db) {
    let (mut s, _) = store(db);
    let mut recs = Vec::new();
    for (i, (k, r)) in [(Kind::Hard, Reason::UserUnknown), (Kind::Hard, Reason::UserUnknown), (Kind::Soft, Reason::MailboxFull), (Kind::Block, Reason::Blocked)].into_iter().enumerate() {
        let mut x = rec(&format!("r{i}@example.com"), k, r, "");
        x.timestamp = Some(NOW - (i as i64) * 20 * DAY);
        recs.push(x);
    }
    s.ingest(Some("m"), &recs).expect("ingest");
    let rows = s.report(ReportBy::Kind, Bucket::Month, 0, NOW + 1).expect("report");
    assert_eq!(rows.iter().map(|r| r.count).sum::<i64>(), 4);
    assert!(rows.iter().all(|r| r.share > 0.0 && r.share <= 1.0));
    let days = s.report(ReportBy::Reason, Bucket::Day, NOW - DAY, NOW + 1).expect("report");
    assert_eq!(days.len(), 1);
    assert_eq!((days[0].key.as_str(), days[0].count, days[0].share), ("userunknown", 1, 1.0));
    let weeks = s.report(ReportBy::Domain, Bucket::Week, 0, NOW + 1).expect("report");
    assert!(weeks.iter().all(|r| r.key == "example.com"));
    // Weeks start on Monday: 2023-11-13 for 2023-11-14.
    assert!(weeks.iter().any(|r| r.bucket == bouncekit_policy::time::parse_instant("2023-11-13").expect("date")));
}

#[test]
fn the_file_is_created_migrated_once_and_sound() {
    let dir = std::env::temp_dir().join(format!("bouncekit-store-test-{}", std::process::id()));
    let path = dir.join("nested/bouncekit.db");
    {
        let mut s = SqliteStore::open(&path, Options::default()).expect("open creates the file");
        assert_eq!(s.schema_version().expect("version"), 2);
        s.ingest(Some("m"), &[rec("a@example.com", Kind::Hard, Reason::UserUnknown, "5.1.1")]).expect("ingest");
    }
    let mut s = bouncekit_store::open(&format!("sqlite:{}", path.display()), Options::default()).expect("reopen");
    assert_eq!(s.schema_version().expect("version"), 2);
    assert_eq!(s.counts().expect("counts").events, 1);
    assert_eq!(s.integrity_check().expect("check"), "ok");
    let c = s.cleanup(true).expect("cleanup with vacuum");
    assert!(c.vacuumed);
    drop(s);
    assert!(matches!(bouncekit_store::open("mysql://localhost/x", Options::default()), Err(bouncekit_store::StoreError::Unsupported(_))));
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn placeholders_rewrite_for_postgres() {
    assert_eq!(bouncekit_store::numbered_dollar("SELECT ?1, '?2' FROM t WHERE a = ?12"), "SELECT $1, '?2' FROM t WHERE a = $12");
    assert!(bouncekit_store::MIGRATIONS.windows(2).all(|w| w[0].version < w[1].version));
}

fn events_list_newest_first_with_filters_and_a_cursor(db: Db) {
    let (mut s, _) = store(db);
    let mut hard = rec("Dead@Example.com", Kind::Hard, Reason::UserUnknown, "5.1.1");
    hard.origin = bouncekit_core::Origin { kind: bouncekit_core::OriginKind::Webhook, name: "evt-1".into() };
    s.ingest(Some("m1"), &[hard, rec("full@example.net", Kind::Soft, Reason::MailboxFull, "4.2.2")]).expect("ingest");
    s.ingest(Some("m2"), &[rec("x'); DROP TABLE events;--@example.com", Kind::Hard, Reason::UserUnknown, "5.1.1")]).expect("ingest");
    let all = s.events(&bouncekit_store::EventFilter::default()).expect("events");
    assert_eq!(all.len(), 3);
    assert!(all.windows(2).all(|w| w[0].id > w[1].id), "newest first");
    assert_eq!(all[0].address, "x'); drop table events;--@example.com", "stored literally");
    let mut f = |f: bouncekit_store::EventFilter| s_events(&mut s, f);
    fn s_events(s: &mut TestStore, f: bouncekit_store::EventFilter) -> Vec<String> {
        s.events(&f).expect("events").into_iter().map(|e| e.address).collect()
    }
    use bouncekit_store::EventFilter as F;
    assert_eq!(f(F { domain: Some("example.net".into()), ..F::default() }), ["full@example.net"]);
    assert_eq!(f(F { kind: Some("hard".into()), reason: Some("userunknown".into()), ..F::default() }).len(), 2);
    assert_eq!(f(F { source: Some("webhook".into()), ..F::default() }), ["dead@example.com"]);
    assert_eq!(f(F { address: Some("dead@example.com".into()), ..F::default() }), ["dead@example.com"]);
    let page1 = s.events(&F { limit: 2, ..F::default() }).expect("events");
    let page2 = s.events(&F { limit: 2, before_id: Some(page1[1].id), ..F::default() }).expect("events");
    assert_eq!((page1.len(), page2.len()), (2, 1));
    assert_eq!(page2[0].address, "dead@example.com");
    let one = s.events(&F { id: Some(page2[0].id), ..F::default() }).expect("events");
    assert_eq!(one[0].record["recipient"], "Dead@Example.com");
    assert_eq!(one[0].status_code.as_deref(), Some("5.1.1"));
}

crate::support::both!(reingesting_the_same_message_changes_nothing, checks_answer_from_global_and_the_asked_scope, three_soft_bounces_suppress_for_a_week_and_a_delivery_resets, blocks_alert_per_provider_and_never_suppress, a_domain_incident_holds_releases_and_closes, a_delivery_closes_an_incident_and_cleanup_ages_one_out, manual_add_remove_and_the_audit_log, forget_deletes_everything_and_a_tombstone_keeps_suppressing, report_groups_by_period_and_key, events_list_newest_first_with_filters_and_a_cursor);

#[test]
fn passwords_stay_out_of_logs() {
    use bouncekit_store::redact;
    assert_eq!(redact("postgres://bk:s3cret@db.internal:5432/bouncekit"), "postgres://bk:***@db.internal:5432/bouncekit");
    assert_eq!(redact("postgresql://bk@db/x?password=s3cret&sslmode=disable"), "postgresql://bk@db/x?password=***&sslmode=disable");
    assert_eq!(redact("postgres://db/x"), "postgres://db/x");
    assert_eq!(redact("/var/lib/bouncekit/bouncekit.db"), "/var/lib/bouncekit/bouncekit.db");
}
