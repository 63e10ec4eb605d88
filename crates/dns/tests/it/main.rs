//! Verdicts against a real DNS server on loopback (hickory-server with test zones).

use bouncekit_dns::testing::{Rr, ZoneServer, standard_zone};
use bouncekit_dns::{BlockingChecker, Nameservers, Verdict};

#[test]
fn verdicts_from_a_loopback_dns_server() {
    let server = ZoneServer::start("test.", standard_zone()).expect("server starts");
    let dns = BlockingChecker::new(&Nameservers::Explicit(vec![server.addr()])).expect("checker");
    assert_eq!(dns.check("good.test"), Verdict::Mx { hosts: vec!["mx.good.test".into()] });
    assert_eq!(dns.check("nullmx.test"), Verdict::NullMx);
    assert_eq!(dns.check("implicit.test"), Verdict::ImplicitMx);
    assert_eq!(dns.check("nomail.test"), Verdict::NoMailHost);
    assert_eq!(dns.check("dangling.test"), Verdict::NoMailHost);
    assert_eq!(dns.check("missing.test"), Verdict::NxDomain);
    assert_eq!(dns.check("GOOD.test."), Verdict::Mx { hosts: vec!["mx.good.test".into()] }, "case and trailing dot do not matter");
}

#[test]
fn mx_hosts_are_ordered_by_preference_and_one_resolving_is_enough() {
    let lo = std::net::Ipv4Addr::new(127, 0, 0, 9);
    let server = ZoneServer::start(
        "pref.",
        vec![Rr::Mx("d.pref.", 20, "b.pref."), Rr::Mx("d.pref.", 10, "a.pref."), Rr::A("b.pref.", lo)],
    )
    .expect("server starts");
    let dns = BlockingChecker::new(&Nameservers::Explicit(vec![server.addr()])).expect("checker");
    assert_eq!(dns.check("d.pref"), Verdict::Mx { hosts: vec!["a.pref".into(), "b.pref".into()] });
}

#[test]
fn a_dead_server_is_unknown_not_dead() {
    let server = ZoneServer::start("test.", standard_zone()).expect("server starts");
    let addr = server.addr();
    drop(server);
    let dns = BlockingChecker::with_timeout(&Nameservers::Explicit(vec![addr]), std::time::Duration::from_millis(300)).expect("checker");
    assert!(matches!(dns.check("good.test"), Verdict::Unknown { .. }));
}
