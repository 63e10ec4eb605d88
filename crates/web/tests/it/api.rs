//! Every API endpoint and its error paths, in open mode (loopback, no tokens).

use serde_json::json;

use crate::common::{Server, postfix_bounce};

#[test]
fn health_ready_metrics_and_openapi() {
    let s = Server::start();
    assert_eq!(s.get("/healthz").json()["status"], "ok");
    assert_eq!(s.get("/readyz").json()["status"], "ok");
    let m = s.get("/metrics");
    assert_eq!(m.status, 200);
    assert!(m.header("content-type").unwrap_or("").starts_with("text/plain; version=0.0.4"));
    assert!(m.body.contains("# TYPE bouncekit_check_duration_seconds histogram"), "{}", m.body);
    let doc = s.get("/openapi.json").json();
    assert_eq!(doc["openapi"], "3.1.0");
    for path in [
        "/v1/messages",
        "/v1/classify",
        "/v1/codes/{code}",
        "/v1/suppressions",
        "/v1/suppressions/{address}",
        "/v1/suppressions/check",
        "/v1/suppressions/import",
        "/v1/suppressions/export",
        "/v1/events",
        "/v1/domains",
        "/v1/domains/{domain}",
        "/v1/alerts",
        "/v1/forget",
        "/v1/stats",
        "/v1/webhooks/{provider}",
        "/healthz",
        "/readyz",
        "/metrics",
    ] {
        assert!(doc["paths"][path].is_object(), "{path} missing from the OpenAPI document");
    }
    for m in ["get", "put", "delete"] {
        assert!(doc["paths"]["/v1/suppressions/{address}"][m].is_object(), "{m}");
    }
    assert!(doc["components"]["schemas"]["Record"].is_object());
    assert!(doc["components"]["securitySchemes"]["bearer"].is_object());
}

#[test]
fn posting_a_bounce_stores_records_once_and_suppresses() {
    let s = Server::start();
    let raw = postfix_bounce("gone@example.com", "5.1.1", "Recipient address rejected: User unknown");
    let r = s.call("POST", "/v1/messages", &[("content-type", "message/rfc822")], Some(raw.clone().into_bytes()));
    assert_eq!(r.status, 200, "{}", r.body);
    let v = r.json();
    assert_eq!(v["messages"], 1);
    assert_eq!(v["records"][0]["recipient"], "gone@example.com");
    assert_eq!(v["records"][0]["reason"], "userunknown");
    assert_eq!(v["records"][0]["origin"]["kind"], "api");
    assert_eq!(v["actions"]["new_events"], 1);
    assert_eq!(v["actions"]["suppressed"], 1);
    // The same bytes again: a duplicate, nothing changes.
    let again = s.call("POST", "/v1/messages", &[], Some(raw.into_bytes())).json();
    assert_eq!(again["actions"]["new_events"], 0);
    assert_eq!(again["actions"]["duplicates"], 1);
    let one = s.get("/v1/suppressions/gone@example.com").json();
    assert_eq!(one["check"]["verdict"], "suppressed");
    assert_eq!(one["suppressions"][0]["reason"], "userunknown");
    assert!(s.get("/metrics").body.contains("bouncekit_events_total{source=\"api\",kind=\"hard\"} 1"));
}

#[test]
fn a_message_that_is_not_a_bounce_gives_diagnostics_and_no_records() {
    let s = Server::start();
    let v = s.call("POST", "/v1/messages", &[], Some(b"Subject: hello\n\njust a note\n".to_vec())).json();
    assert_eq!(v["records"].as_array().map(Vec::len), Some(0));
    assert!(!v["diagnostics"].as_array().expect("diagnostics").is_empty());
}

#[test]
fn bad_scope_is_400() {
    let s = Server::start();
    s.call("POST", "/v1/messages?scope=tenant:", &[], Some(b"x".to_vec())).assert_problem(400);
}

#[test]
fn classify_lines() {
    let s = Server::start();
    let v = s.post_json("/v1/classify", &json!({"lines": ["550 5.1.1 <a@example.com>: User unknown", "452 4.2.2 Mailbox full"]})).json();
    assert_eq!(v["records"][0]["reason"], "userunknown");
    assert_eq!(v["records"][0]["kind"], "hard");
    assert_eq!(v["records"][1]["kind"], "soft");
}

#[test]
fn bad_json_is_400_problem() {
    let s = Server::start();
    let r = s.call("POST", "/v1/classify", &[("content-type", "application/json")], Some(b"{\"lines\": [".to_vec()));
    r.assert_problem(400);
    let r = s.call("POST", "/v1/suppressions/check", &[("content-type", "application/json")], Some(b"{\"addresses\": 5}".to_vec()));
    r.assert_problem(400);
    let r = s.call("POST", "/v1/forget", &[("content-type", "application/json")], Some(b"[]".to_vec()));
    r.assert_problem(400);
}

#[test]
fn json_without_content_type_is_415() {
    let s = Server::start();
    s.call("POST", "/v1/classify", &[], Some(b"{\"lines\": []}".to_vec())).assert_problem(415);
}

#[test]
fn codes_are_explained_in_english_and_german() {
    let s = Server::start();
    let en = s.get("/v1/codes/5.3.0").json();
    assert_eq!(en["code"], "5.3.0");
    assert_eq!(en["lang"], "en");
    assert!(en["registered"].as_bool().unwrap_or(false));
    let de = s.get("/v1/codes/5.3.0?lang=de").json();
    assert_eq!(de["lang"], "de");
    assert_ne!(en["summary"], de["summary"]);
    let reply = s.get("/v1/codes/550").json();
    assert!(reply.is_object());
}

#[test]
fn unknown_code_is_404_with_nearest_codes() {
    let s = Server::start();
    let v = s.get("/v1/codes/5.9.1").assert_problem(404);
    assert!(!v["nearest"].as_array().expect("nearest").is_empty(), "{v}");
    let v = s.get("/v1/codes/599").assert_problem(404);
    assert!(v["nearest"].is_array());
    let v = s.get("/v1/codes/banana").assert_problem(404);
    assert!(v["nearest"].is_array());
    s.get("/v1/codes/5.1.1?lang=fr").assert_problem(400);
}

#[test]
fn suppression_put_get_delete() {
    let s = Server::start();
    let put = s.call(
        "PUT",
        "/v1/suppressions/Alice@Example.com",
        &[("content-type", "application/json")],
        Some(json!({"reason": "userunknown", "kind": "hard", "note": "by hand", "scope": "list:news"}).to_string().into_bytes()),
    );
    assert_eq!(put.status, 200, "{}", put.body);
    let v = put.json();
    assert_eq!(v["address"], "alice@example.com");
    assert_eq!(v["scope"], "list:news");
    let got = s.get("/v1/suppressions/alice@example.com?scope=list:news").json();
    assert_eq!(got["check"]["verdict"], "suppressed");
    let global = s.get("/v1/suppressions/alice@example.com").json();
    assert_eq!(global["check"]["verdict"], "allowed");
    assert_eq!(s.call("DELETE", "/v1/suppressions/alice@example.com?scope=list:news", &[], None).status, 204);
    s.call("DELETE", "/v1/suppressions/alice@example.com?scope=list:news", &[], None).assert_problem(404);
    let after = s.get("/v1/suppressions/alice@example.com?scope=list:news").json();
    assert_eq!(after["check"]["verdict"], "allowed");
    assert_eq!(after["suppressions"][0]["status"], "removed");
    // An empty body is a manual global suppression.
    let manual = s.call("PUT", "/v1/suppressions/bob@example.com", &[], None).json();
    assert_eq!(manual["kind"], "manual");
}

#[test]
fn suppression_errors() {
    let s = Server::start();
    s.get("/v1/suppressions/not-an-address").assert_problem(400);
    s.call("PUT", "/v1/suppressions/not-an-address", &[], None).assert_problem(400);
    s.call("PUT", "/v1/suppressions/a@example.com", &[], Some(br#"{"reason": "nonsense"}"#.to_vec())).assert_problem(400);
    s.call("PUT", "/v1/suppressions/a@example.com", &[], Some(br#"{"kind": "nonsense"}"#.to_vec())).assert_problem(400);
    s.call("PUT", "/v1/suppressions/a@example.com", &[], Some(br#"{"expires_at": "yesterday-ish"}"#.to_vec())).assert_problem(400);
    s.call("PUT", "/v1/suppressions/a@example.com", &[], Some(br#"{"unknown": 1}"#.to_vec())).assert_problem(400);
    s.call("DELETE", "/v1/suppressions/nobody@example.com", &[], None).assert_problem(404);
    s.get("/v1/suppressions?status=sleeping").assert_problem(400);
    s.get("/v1/suppressions?cursor=@@@").assert_problem(400);
    s.get("/v1/suppressions?limit=abc").assert_problem(400);
}

#[test]
fn listing_pages_with_a_cursor() {
    let s = Server::start();
    for i in 0..5 {
        assert_eq!(s.call("PUT", &format!("/v1/suppressions/user{i}@example.com"), &[], None).status, 200);
    }
    let mut seen = Vec::new();
    let mut cursor: Option<String> = None;
    loop {
        let path = match &cursor {
            Some(c) => format!("/v1/suppressions?limit=2&cursor={c}"),
            None => "/v1/suppressions?limit=2".to_string(),
        };
        let page = s.get(&path).json();
        for item in page["items"].as_array().expect("items") {
            seen.push(item["address"].as_str().unwrap_or("").to_string());
        }
        match page["next_cursor"].as_str() {
            Some(c) => cursor = Some(c.to_string()),
            None => break,
        }
    }
    seen.sort();
    assert_eq!(seen, (0..5).map(|i| format!("user{i}@example.com")).collect::<Vec<_>>());
    let filtered = s.get("/v1/suppressions?contains=user3").json();
    assert_eq!(filtered["items"].as_array().map(Vec::len), Some(1));
}

#[test]
fn bulk_check_answers_in_order() {
    let s = Server::start();
    s.call("PUT", "/v1/suppressions/blocked@example.com", &[], None);
    let v = s.post_json("/v1/suppressions/check", &json!({"addresses": ["fine@example.com", "BLOCKED@example.com", "nope"]})).json();
    let verdicts: Vec<&str> = v["results"].as_array().expect("results").iter().map(|r| r["verdict"].as_str().unwrap_or("")).collect();
    assert_eq!(verdicts, ["allowed", "suppressed", "invalid"]);
    let many: Vec<String> = (0..10_000).map(|i| format!("u{i}@example.com")).collect();
    let v = s.post_json("/v1/suppressions/check", &json!({ "addresses": many })).json();
    assert_eq!(v["results"].as_array().map(Vec::len), Some(10_000));
    assert!(s.get("/metrics").body.contains("bouncekit_check_duration_seconds_count 2"));
}

#[test]
fn bulk_check_over_the_limit_is_413() {
    let s = Server::start();
    let many: Vec<String> = (0..10_001).map(|i| format!("u{i}@example.com")).collect();
    let v = s.post_json("/v1/suppressions/check", &json!({ "addresses": many })).assert_problem(413);
    assert_eq!(v["limit"], 10_000);
}

#[test]
fn import_csv_and_json_then_export_both() {
    let s = Server::start();
    let csv = "address,reason,kind\nOne@Example.com,userunknown,hard\ntwo@example.com,,\nnot-an-address,,\n";
    let r = s.call("POST", "/v1/suppressions/import", &[("content-type", "text/csv")], Some(csv.as_bytes().to_vec()));
    assert_eq!(r.status, 200, "{}", r.body);
    let v = r.json();
    assert_eq!(v["rows"], 3);
    assert_eq!(v["inserted"], 2);
    assert_eq!(v["errors"][0]["row"], 3);
    // Again: idempotent.
    let again = s.call("POST", "/v1/suppressions/import", &[("content-type", "text/csv")], Some(csv.as_bytes().to_vec())).json();
    assert_eq!(again["unchanged"], 2);
    let json_rows = json!([{"address": "three@example.com", "reason": "mailboxfull", "kind": "soft"}]);
    let r = s.post_json("/v1/suppressions/import", &json_rows).json();
    assert_eq!(r["inserted"], 1);
    s.call("POST", "/v1/suppressions/import?format=json", &[], Some(b"not json".to_vec())).assert_problem(400);
    s.call("POST", "/v1/suppressions/import?format=xml", &[], Some(b"".to_vec())).assert_problem(400);

    let csv_out = s.get("/v1/suppressions/export");
    assert_eq!(csv_out.status, 200);
    assert!(csv_out.header("content-type").unwrap_or("").starts_with("text/csv"));
    let lines: Vec<&str> = csv_out.body.lines().collect();
    assert!(lines[0].starts_with("address,scope,"), "{}", csv_out.body);
    assert_eq!(lines.len(), 4, "{}", csv_out.body);
    let json_out = s.get("/v1/suppressions/export?format=json&kind=hard").json();
    assert_eq!(json_out.as_array().map(Vec::len), Some(1));
    assert_eq!(json_out[0]["address"], "one@example.com");
    s.get("/v1/suppressions/export?format=xml").assert_problem(400);
}

#[test]
fn export_streams_more_than_one_page() {
    let s = Server::start();
    let mut csv = String::from("address\n");
    for i in 0..2_500 {
        csv.push_str(&format!("bulk{i}@example.com\n"));
    }
    let r = s.call("POST", "/v1/suppressions/import", &[("content-type", "text/csv")], Some(csv.into_bytes())).json();
    assert_eq!(r["inserted"], 2_500);
    let out = s.get("/v1/suppressions/export?format=json").json();
    assert_eq!(out.as_array().map(Vec::len), Some(2_500));
    let csv_out = s.get("/v1/suppressions/export");
    assert_eq!(csv_out.body.lines().count(), 2_501);
}

#[test]
fn events_domains_alerts_and_stats() {
    let s = Server::start();
    for (rcpt, status, text) in [
        ("gone@example.com", "5.1.1", "Recipient address rejected: User unknown"),
        ("fine@example.net", "5.7.1", "Service unavailable; Client host [192.0.2.9] blocked using zen.spamhaus.org"),
    ] {
        let r = s.call("POST", "/v1/messages", &[], Some(postfix_bounce(rcpt, status, text).into_bytes()));
        assert_eq!(r.status, 200, "{}", r.body);
    }
    let events = s.get("/v1/events").json();
    assert_eq!(events["items"].as_array().map(Vec::len), Some(2), "{events}");
    let page = s.get("/v1/events?limit=1").json();
    let cursor = page["next_cursor"].as_str().expect("cursor").to_string();
    let next = s.get(&format!("/v1/events?limit=1&cursor={cursor}")).json();
    assert_eq!(next["items"].as_array().map(Vec::len), Some(1));
    assert_ne!(page["items"][0]["id"], next["items"][0]["id"]);
    assert!(next["next_cursor"].is_null());
    let by_addr = s.get("/v1/events?address=Gone@Example.com").json();
    assert_eq!(by_addr["items"][0]["reason"], "userunknown");
    assert_eq!(by_addr["items"][0]["record"]["recipient"], "gone@example.com");
    s.get("/v1/events?cursor=x").assert_problem(400);
    s.get("/v1/events?since=not-a-time").assert_problem(400);

    let domains = s.get("/v1/domains").json();
    assert_eq!(domains["items"].as_array().map(Vec::len), Some(2), "{domains}");
    let d = s.get("/v1/domains/Example.com").json();
    assert_eq!(d["domain"], "example.com");
    assert_eq!(d["stats"]["hard"], 1);
    s.get("/v1/domains/nothing-here.example").assert_problem(404);

    let alerts = s.get("/v1/alerts").json();
    assert_eq!(alerts["items"][0]["reason"], "blocked", "{alerts}");
    assert!(s.get("/v1/alerts?include_resolved=true").json()["items"].is_array());
    s.get("/v1/alerts?include_resolved=maybe").assert_problem(400);

    let stats = s.get("/v1/stats").json();
    assert_eq!(stats["by"], "kind");
    let total: i64 = stats["series"].as_array().expect("series").iter().map(|r| r["count"].as_i64().unwrap_or(0)).sum();
    assert_eq!(total, 2, "{stats}");
    assert_eq!(stats["counts"]["events"], 2);
    assert!(s.get("/v1/stats?by=reason&bucket=month").json()["series"].is_array());
    s.get("/v1/stats?by=colour").assert_problem(400);
    s.get("/v1/stats?bucket=year").assert_problem(400);
    s.get("/v1/stats?since=2030-01-01&until=2020-01-01").assert_problem(400);
}

#[test]
fn forget_removes_everything_and_a_tombstone_keeps_suppressing() {
    let s = Server::start();
    s.call("POST", "/v1/messages", &[], Some(postfix_bounce("private@example.com", "5.1.1", "User unknown").into_bytes()));
    let out = s.post_json("/v1/forget", &json!({"address": "private@example.com", "keep_tombstone": true})).json();
    assert_eq!(out["events"], 1);
    assert_eq!(out["suppressions"], 1);
    assert_eq!(out["tombstone"], true);
    assert_eq!(s.get("/v1/events?address=private@example.com").json()["items"].as_array().map(Vec::len), Some(0));
    let c = s.post_json("/v1/suppressions/check", &json!({"addresses": ["private@example.com"]})).json();
    assert_eq!(c["results"][0]["verdict"], "suppressed");
    assert_eq!(c["results"][0]["kind"], "forgotten");
    s.post_json("/v1/forget", &json!({"address": "nope"})).assert_problem(400);
}

#[test]
fn unknown_routes_and_methods_are_problems() {
    let s = Server::start();
    s.get("/v2/anything").assert_problem(404);
    s.call("PATCH", "/v1/suppressions/a@example.com", &[], None).assert_problem(405);
    s.call("DELETE", "/v1/stats", &[], None).assert_problem(405);
}

#[test]
fn multibyte_addresses_do_not_crash_the_store() {
    // byte 7 inside a multi-byte character (schemathesis found it)
    let s = Server::start();
    let a = "%F4%80%AB%82%40%F0%B1%94%B6s";
    assert_eq!(s.call("PUT", &format!("/v1/suppressions/{a}"), &[], None).status, 200);
    assert_eq!(s.get(&format!("/v1/suppressions/{a}")).json()["check"]["verdict"], "suppressed");
    assert_eq!(s.call("DELETE", &format!("/v1/suppressions/{a}"), &[], None).status, 204);
    let v = s.post_json("/v1/suppressions/check", &json!({"addresses": ["jürgenö@example.de", "\u{80}\u{80}\u{10000}"]})).json();
    assert_eq!(v["results"][0]["verdict"], "allowed");
    assert_eq!(v["results"][0]["input"], "jürgenö@example.de");
    assert_eq!(v["results"][1]["verdict"], "invalid");
    assert_eq!(s.post_json("/v1/forget", &json!({"address": "jürgenö@example.de"})).status, 200);
}
