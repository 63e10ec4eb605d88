//! The dashboard: pages and their content, escaping of hostile input, CSRF, the login
//! cookie and scopes.

use bouncekit_web::{Access, ServerConfig, Token};

use crate::common::{Resp, Server, call, postfix_bounce};

const READ: &str = "read-token-0123456789abcdef";
const WRITE: &str = "write-token-0123456789abcdef";

/// A browser: keeps the session cookie between requests.
struct Browser<'a> {
    server: &'a Server,
    cookie: Option<String>,
    extra: Vec<(String, String)>,
}

impl<'a> Browser<'a> {
    fn new(server: &'a Server) -> Self {
        Browser { server, cookie: None, extra: Vec::new() }
    }

    fn request(&mut self, method: &str, path: &str, content_type: Option<&str>, body: Option<Vec<u8>>) -> Resp {
        let mut headers: Vec<(String, String)> = self.extra.clone();
        if let Some(c) = &self.cookie {
            headers.push(("cookie".into(), format!("bouncekit_session={c}")));
        }
        if let Some(ct) = content_type {
            headers.push(("content-type".into(), ct.into()));
        }
        let h: Vec<(&str, &str)> = headers.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
        let r = call(&self.server.url(path), method, &h, body);
        for (k, v) in &r.headers {
            if k.eq_ignore_ascii_case("set-cookie")
                && let Some(rest) = v.strip_prefix("bouncekit_session=")
            {
                let value = rest.split(';').next().unwrap_or("").to_string();
                self.cookie = if value.is_empty() || v.contains("Max-Age=0") { None } else { Some(value) };
            }
        }
        r
    }

    fn get(&mut self, path: &str) -> Resp {
        self.request("GET", path, None, None)
    }

    fn post_form(&mut self, path: &str, pairs: &[(&str, &str)]) -> Resp {
        let body = pairs.iter().map(|(k, v)| format!("{}={}", enc(k), enc(v))).collect::<Vec<_>>().join("&");
        self.request("POST", path, Some("application/x-www-form-urlencoded"), Some(body.into_bytes()))
    }

    fn post_multipart(&mut self, path: &str, fields: &[(&str, Option<&str>, &str)]) -> Resp {
        let b = "----bouncekitTestBoundary7MA4YWxk";
        let mut body = String::new();
        for (name, filename, data) in fields {
            body.push_str(&format!("--{b}\r\nContent-Disposition: form-data; name=\"{name}\""));
            if let Some(f) = filename {
                body.push_str(&format!("; filename=\"{f}\"\r\nContent-Type: text/csv"));
            }
            body.push_str(&format!("\r\n\r\n{data}\r\n"));
        }
        body.push_str(&format!("--{b}--\r\n"));
        self.request("POST", path, Some(&format!("multipart/form-data; boundary={b}")), Some(body.into_bytes()))
    }

    /// The CSRF token of the last page that had a form.
    fn csrf(&mut self) -> String {
        let page = self.get("/ui/suppressions");
        csrf_of(&page.body)
    }

    fn login(&mut self, token: &str) -> Resp {
        let form = self.get("/ui/login");
        assert_eq!(form.status, 200, "{}", form.body);
        let csrf = csrf_of(&form.body);
        self.post_form("/ui/login", &[("csrf", &csrf), ("token", token), ("next", "/ui/suppressions")])
    }
}

fn enc(s: &str) -> String {
    let mut out = String::new();
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

fn csrf_of(html: &str) -> String {
    let marker = "name=\"csrf\" value=\"";
    let i = html.find(marker).unwrap_or_else(|| panic!("no CSRF field in {html}")) + marker.len();
    html[i..].split('"').next().unwrap_or("").to_string()
}

fn ingest(s: &Server, rcpt: &str, status: &str, text: &str) {
    let r = s.call("POST", "/v1/messages", &[("content-type", "message/rfc822")], Some(postfix_bounce(rcpt, status, text).into_bytes()));
    assert_eq!(r.status, 200, "{}", r.body);
}

fn tokens() -> ServerConfig {
    ServerConfig { tokens: vec![Token::new("reader", READ, Access::Read), Token::new("writer", WRITE, Access::Write)], ..ServerConfig::default() }
}

fn suppressed(s: &Server, addr: &str) -> bool {
    let r = s.get(&format!("/v1/suppressions/{addr}"));
    r.json()["check"]["verdict"] == "suppressed"
}

#[test]
fn root_leads_to_the_overview_and_pages_are_html() {
    let s = Server::start();
    let r = s.get("/");
    assert_eq!(r.status, 303);
    assert_eq!(r.header("location"), Some("/ui/"));
    let mut b = Browser::new(&s);
    for path in ["/ui/", "/ui/events", "/ui/suppressions", "/ui/domains", "/ui/codes", "/ui/codes/5.3.0", "/ui/suppressions/import"] {
        let r = b.get(path);
        assert_eq!(r.status, 200, "{path}: {}", r.body);
        assert_eq!(r.header("content-type"), Some("text/html; charset=utf-8"), "{path}");
        let csp = r.header("content-security-policy").unwrap_or("");
        assert!(csp.contains("default-src 'none'") && !csp.contains("script-src"), "{path}: {csp}");
        assert!(r.body.contains("<main id=\"main\""), "{path}: landmark");
        assert!(r.body.contains("<nav aria-label=\"Main\">"), "{path}: navigation");
    }
    let css = s.get("/ui/assets/style.css");
    assert_eq!(css.status, 200);
    assert!(css.header("content-type").unwrap_or("").starts_with("text/css"));
    // Unknown dashboard pages are HTML 404s, not API problems.
    let r = b.get("/ui/nothing-here");
    assert_eq!(r.status, 404);
    assert!(r.header("content-type").unwrap_or("").starts_with("text/html"), "{:?}", r.headers);
}

#[test]
fn the_dashboard_is_not_in_the_openapi_document() {
    let s = Server::start();
    let doc = s.get("/openapi.json").json();
    let paths = doc["paths"].as_object().expect("paths");
    assert!(paths.keys().all(|p| !p.starts_with("/ui") && p != "/"), "{:?}", paths.keys().collect::<Vec<_>>());
    assert!(paths.contains_key("/v1/suppressions"));
}

#[test]
fn overview_charts_are_drawn_from_the_data() {
    let s = Server::start();
    for (i, d) in ["a.example", "b.example", "a.example"].iter().enumerate() {
        ingest(&s, &format!("gone{i}@{d}"), "5.1.1", "User unknown");
    }
    ingest(&s, "full@b.example", "4.2.2", "Mailbox full");
    let mut b = Browser::new(&s);
    let r = b.get("/ui/?range=48h");
    assert_eq!(r.status, 200);
    let body = &r.body;
    // One bar per hour; this hour has 3 hard and 1 soft bounce.
    assert!(body.contains("data-key=\"hard\" data-count=\"3\""), "{body}");
    assert!(body.contains("data-key=\"soft\" data-count=\"1\""), "{body}");
    assert!(body.contains("data-key=\"userunknown\" data-count=\"3\""), "{body}");
    assert_eq!(body.matches("<g class=\"bar\"").count(), 2 * 48);
    // Cards and tables.
    assert!(body.contains("a.example") && body.contains("b.example"));
    assert!(body.contains("gone0@a.example"));
    assert!(body.contains("No deliveries recorded"));
    // The daily view reads the store's report.
    let r = b.get("/ui/");
    assert!(r.body.contains("data-key=\"hard\" data-count=\"3\""), "{}", r.body);
    assert!(r.body.contains("aria-current=\"true\">30 days"));
}

#[test]
fn events_filter_and_detail() {
    let s = Server::start();
    ingest(&s, "gone@a.example", "5.1.1", "User unknown");
    ingest(&s, "full@b.example", "4.2.2", "Mailbox full");
    let mut b = Browser::new(&s);
    let r = b.get("/ui/events?kind=hard");
    assert!(r.body.contains("gone@a.example") && !r.body.contains("full@b.example"), "{}", r.body);
    let r = b.get("/ui/events?domain=B.EXAMPLE");
    assert!(r.body.contains("full@b.example") && !r.body.contains("gone@a.example"));
    let r = b.get("/ui/events?address=gone%40a.example&source=api");
    assert!(r.body.contains("gone@a.example"), "{}", r.body);
    let r = b.get("/ui/events?source=webhook");
    assert!(r.body.contains("No events match"));
    let r = b.get("/ui/events?since=not-a-date");
    assert!(r.body.contains("is not a date"));
    // Detail: diagnostic, fields, link to the code.
    let id = s.get("/v1/events?kind=hard").json()["items"][0]["id"].as_i64().expect("id");
    let r = b.get(&format!("/ui/events/{id}"));
    assert_eq!(r.status, 200);
    assert!(r.body.contains("<pre class=\"diagnostic\">"), "{}", r.body);
    assert!(r.body.contains("User unknown"));
    assert!(r.body.contains("href=\"/ui/codes/5.1.1\""));
    assert!(r.body.contains("Remote MTA") && r.body.contains("userunknown"));
    assert_eq!(b.get("/ui/events/999999").status, 404);
    assert_eq!(b.get("/ui/events/abc").status, 404);
}

#[test]
fn hostile_input_is_escaped_everywhere() {
    let s = Server::start();
    let x = "<script>alert(1)</script>";
    ingest(&s, "victim@evil.example", "5.1.1", &format!("User unknown {x} \"quoted\""));
    let r = s.call("PUT", "/v1/suppressions/noted@evil.example", &[("content-type", "application/json")], Some(format!("{{\"note\":\"{x}\"}}").into_bytes()));
    assert_eq!(r.status, 200, "{}", r.body);
    let mut b = Browser::new(&s);
    let id = s.get("/v1/events").json()["items"][0]["id"].as_i64().expect("id");
    let pages = [
        format!("/ui/events/{id}"),
        "/ui/events".to_string(),
        "/ui/suppressions?status=any".to_string(),
        "/ui/suppressions?q=%3Cscript%3Ealert(1)%3C%2Fscript%3E".to_string(),
        "/ui/events?address=%3Cscript%3E".to_string(),
        "/ui/codes?q=%3Cscript%3Ealert(1)%3C%2Fscript%3E".to_string(),
        "/ui/codes/%3Cscript%3E".to_string(),
        "/ui/domains/%3Cscript%3Ealert(1)%3C%2Fscript%3E".to_string(),
    ];
    for p in &pages {
        let r = b.get(p);
        assert!(!r.body.contains("<script"), "{p}: raw markup in {}", r.body);
    }
    let detail = b.get(&format!("/ui/events/{id}"));
    assert!(detail.body.contains("&lt;script&gt;alert(1)&lt;/script&gt;"), "{}", detail.body);
    assert!(b.get("/ui/suppressions?status=any").body.contains("&lt;script&gt;alert(1)&lt;/script&gt;"));
    // An import row naming a hostile "address" comes back escaped in the row errors.
    let csrf = b.csrf();
    let r = b.post_multipart("/ui/suppressions/import", &[("csrf", None, &csrf), ("file", Some("x.csv"), &format!("address\n{x}\nok@example.com\n"))]);
    assert_eq!(r.status, 200, "{}", r.body);
    assert!(!r.body.contains("<script"), "{}", r.body);
    assert!(r.body.contains("&lt;script&gt;"), "{}", r.body);
}

#[test]
fn every_form_needs_the_session_csrf_token() {
    let s = Server::start();
    let mut b = Browser::new(&s);
    let csrf = b.csrf();
    assert!(csrf.len() >= 40, "{csrf}");
    // Missing or wrong token: refused, nothing changes.
    for token in [None, Some("forged-token")] {
        let mut pairs = vec![("address", "x@example.com")];
        if let Some(t) = token {
            pairs.push(("csrf", t));
        }
        let r = b.post_form("/ui/suppressions", &pairs);
        assert_eq!(r.status, 403, "{}", r.body);
        assert!(!suppressed(&s, "x@example.com"));
    }
    // The right token works (Post/Redirect/Get).
    let r = b.post_form("/ui/suppressions", &[("csrf", &csrf), ("address", "X@Example.com"), ("note", "asked us")]);
    assert_eq!(r.status, 303, "{}", r.body);
    assert!(suppressed(&s, "x@example.com"));
    let r = b.get(r.header("location").expect("location"));
    assert!(r.body.contains("is now suppressed"), "{}", r.body);
    // Removal: confirmation page, then a POST with the token.
    let confirm = b.get("/ui/suppressions/remove?address=x%40example.com&scope=global");
    assert!(confirm.body.contains("Yes, remove the suppression"), "{}", confirm.body);
    assert_eq!(b.post_form("/ui/suppressions/remove", &[("csrf", "nope"), ("address", "x@example.com")]).status, 403);
    assert!(suppressed(&s, "x@example.com"));
    let r = b.post_form("/ui/suppressions/remove", &[("csrf", &csrf_of(&confirm.body)), ("address", "x@example.com"), ("scope", "global")]);
    assert_eq!(r.status, 303, "{}", r.body);
    assert!(!suppressed(&s, "x@example.com"));
    // Import and logout too.
    let r = b.post_multipart("/ui/suppressions/import", &[("csrf", None, "wrong"), ("file", Some("a.csv"), "address\ny@example.com\n")]);
    assert_eq!(r.status, 403);
    assert!(!suppressed(&s, "y@example.com"));
    assert_eq!(b.post_form("/ui/logout", &[("csrf", "wrong")]).status, 403);
    // Another browser's token does not work in this session.
    let mut other = Browser::new(&s);
    let theirs = other.csrf();
    assert_ne!(theirs, csrf);
    assert_eq!(b.post_form("/ui/suppressions", &[("csrf", &theirs), ("address", "z@example.com")]).status, 403);
}

#[test]
fn csv_upload_imports_good_rows_and_lists_bad_ones() {
    let s = Server::start();
    let mut b = Browser::new(&s);
    let csrf = b.csrf();
    let csv = "address,scope,note\nalice@example.com,global,first\nnot-an-address,global,x\nbob@example.com,list:news,second\ncarol@example.com,nonsense:scope,y\n";
    let r = b.post_multipart("/ui/suppressions/import", &[("csrf", None, &csrf), ("file", Some("list.csv"), csv)]);
    assert_eq!(r.status, 200, "{}", r.body);
    assert!(r.body.contains("<strong>2</strong> added"), "{}", r.body);
    assert!(r.body.contains("<strong>2</strong> refused"), "{}", r.body);
    assert!(r.body.contains("<td class=\"n\">2</td><td class=\"n\">3</td>"), "row 2 = line 3: {}", r.body);
    assert!(r.body.contains("<td class=\"n\">4</td><td class=\"n\">5</td>"), "{}", r.body);
    assert!(suppressed(&s, "alice@example.com"));
    // Again: nothing changes.
    let r = b.post_multipart("/ui/suppressions/import", &[("csrf", None, &csrf), ("file", Some("list.csv"), csv)]);
    assert!(r.body.contains("<strong>2</strong> unchanged"), "{}", r.body);
    // Pasted text, and a file without an address column.
    let r = b.post_multipart("/ui/suppressions/import", &[("csrf", None, &csrf), ("file", Some(""), ""), ("text", None, "address\ndave@example.com\n")]);
    assert!(r.body.contains("<strong>1</strong> added"), "{}", r.body);
    let r = b.post_multipart("/ui/suppressions/import", &[("csrf", None, &csrf), ("file", Some("bad.csv"), "name,phone\nx,y\n")]);
    assert_eq!(r.status, 400);
    assert!(r.body.contains("Nothing was imported") && r.body.contains("address"), "{}", r.body);
    // Export: the same entries as CSV.
    let r = b.get("/ui/suppressions/export.csv?status=any");
    assert_eq!(r.status, 200);
    assert!(r.header("content-type").unwrap_or("").starts_with("text/csv"));
    assert!(r.body.starts_with("address,") && r.body.contains("alice@example.com") && r.body.contains("bob@example.com"), "{}", r.body);
    let r = b.get("/ui/suppressions/export.csv?q=bob");
    assert!(r.body.contains("bob@example.com") && !r.body.contains("alice@example.com"));
}

#[test]
fn search_and_add_errors() {
    let s = Server::start();
    let mut b = Browser::new(&s);
    let csrf = b.csrf();
    for a in ["one@example.com", "two@example.org"] {
        assert_eq!(b.post_form("/ui/suppressions", &[("csrf", &csrf), ("address", a)]).status, 303);
    }
    let r = b.get("/ui/suppressions?q=example.org");
    assert!(r.body.contains("two@example.org") && !r.body.contains("one@example.com"));
    let r = b.post_form("/ui/suppressions", &[("csrf", &csrf), ("address", "no address"), ("note", "kept")]);
    assert_eq!(r.status, 400);
    assert!(r.body.contains("is not an email address") && r.body.contains("value=\"kept\""), "{}", r.body);
    let r = b.post_form("/ui/suppressions", &[("csrf", &csrf), ("address", "a@example.com"), ("scope", "nonsense:scope")]);
    assert_eq!(r.status, 400);
    let r = b.post_form("/ui/suppressions", &[("csrf", &csrf), ("address", "a@example.com"), ("expires", "2001-01-01")]);
    assert!(r.body.contains("in the past"), "{}", r.body);
}

#[test]
fn login_sets_a_strict_http_only_cookie() {
    let s = Server::with(tokens(), |b| b);
    let mut b = Browser::new(&s);
    let r = b.get("/ui/events?kind=hard");
    assert_eq!(r.status, 303);
    assert_eq!(r.header("location"), Some("/ui/login?next=%2Fui%2Fevents%3Fkind%3Dhard"));
    assert!(s.get("/ui/").status == 303);
    // The form sets a pending session; a wrong token is refused.
    let form = b.get("/ui/login");
    let pending = b.cookie.clone().expect("pending cookie");
    let csrf = csrf_of(&form.body);
    let r = b.post_form("/ui/login", &[("csrf", &csrf), ("token", "wrong-token-0000000000000")]);
    assert_eq!(r.status, 401);
    assert!(r.body.contains("not valid"));
    // Without the form's CSRF token the login is refused even with a good token.
    assert_eq!(b.post_form("/ui/login", &[("csrf", "x"), ("token", READ)]).status, 403);
    // Signing in replaces the session id and follows `next` (local paths only).
    let r = b.post_form("/ui/login", &[("csrf", &csrf), ("token", READ), ("next", "https://evil.example/")]);
    assert_eq!(r.status, 303, "{}", r.body);
    assert_eq!(r.header("location"), Some("/ui/"));
    let set = r.header("set-cookie").expect("cookie").to_string();
    assert!(set.contains("HttpOnly") && set.contains("SameSite=Strict") && set.contains("Path=/ui") && set.contains("Max-Age="), "{set}");
    assert!(!set.contains("Secure"), "plain HTTP on loopback: {set}");
    assert_ne!(b.cookie.as_deref(), Some(pending.as_str()));
    let r = b.get("/ui/");
    assert_eq!(r.status, 200);
    assert!(r.body.contains("Signed in as <strong>reader</strong> (read)"), "{}", r.body);
    // Sign out: the session is gone on the server too.
    let old = b.cookie.clone();
    let csrf = csrf_of(&r.body);
    let out = b.post_form("/ui/logout", &[("csrf", &csrf)]);
    assert_eq!(out.status, 303);
    assert!(out.header("set-cookie").unwrap_or("").contains("Max-Age=0"));
    b.cookie = old;
    assert_eq!(b.get("/ui/").status, 303);
    // Behind an HTTPS proxy the cookie is Secure.
    let mut tls = Browser::new(&s);
    tls.extra.push(("x-forwarded-proto".into(), "https".into()));
    tls.login(WRITE);
    let r = tls.get("/ui/login");
    assert_eq!(r.status, 303, "signed in already");
    let mut tls2 = Browser::new(&s);
    tls2.extra.push(("x-forwarded-proto".into(), "https".into()));
    let form = tls2.get("/ui/login");
    assert!(form.header("set-cookie").unwrap_or("").ends_with("; Secure"), "{:?}", form.headers);
}

#[test]
fn a_read_token_cannot_change_the_list() {
    let s = Server::with(tokens(), |b| b);
    let mut reader = Browser::new(&s);
    assert_eq!(reader.login(READ).status, 303);
    let page = reader.get("/ui/suppressions");
    assert!(page.body.contains("Your token has <strong>read</strong> access"), "{}", page.body);
    assert!(!page.body.contains("Suppress address") && !page.body.contains("Import CSV"), "no forms to change the list");
    let csrf = csrf_of(&page.body);
    let r = reader.post_form("/ui/suppressions", &[("csrf", &csrf), ("address", "x@example.com")]);
    assert_eq!(r.status, 403);
    assert!(r.body.contains("needs a token with <strong>write</strong> access"));
    assert_eq!(reader.post_form("/ui/suppressions/remove", &[("csrf", &csrf), ("address", "x@example.com")]).status, 403);
    assert_eq!(reader.get("/ui/suppressions/remove?address=x%40example.com").status, 403);
    assert_eq!(reader.post_multipart("/ui/suppressions/import", &[("csrf", None, &csrf), ("file", Some("a.csv"), "address\nx@example.com\n")]).status, 403);
    // Reading and exporting work.
    assert_eq!(reader.get("/ui/suppressions/export.csv").status, 200);
    assert_eq!(reader.get("/ui/codes/550").status, 200);
    // A write token may.
    let mut writer = Browser::new(&s);
    writer.login(WRITE);
    let csrf = writer.csrf();
    assert_eq!(writer.post_form("/ui/suppressions", &[("csrf", &csrf), ("address", "x@example.com")]).status, 303);
    let auth = format!("Bearer {READ}");
    let check = s.call("GET", "/v1/suppressions/x@example.com", &[("authorization", auth.as_str())], None).json();
    assert_eq!(check["check"]["verdict"], "suppressed");
    assert_eq!(check["suppressions"][0]["created_by"], "writer");
}

#[test]
fn code_pages_in_english_and_german() {
    let s = Server::start();
    let mut b = Browser::new(&s);
    let en = b.get("/ui/codes/5.3.0");
    assert!(en.body.contains("<html lang=\"en\">"));
    assert!(en.body.contains("What the digits mean") && en.body.contains("How to fix it as an email marketer"));
    assert!(en.body.contains("href=\"/ui/codes/5.3.0?lang=de\" hreflang=\"de\""));
    let de = b.get("/ui/codes/5.3.0?lang=de");
    assert!(de.body.contains("<html lang=\"de\">"));
    assert!(de.body.contains("Bedeutung der Ziffern") && de.body.contains("Lösungen für E-Mail-Marketer"));
    assert!(de.body.contains("aria-current=\"true\">Deutsch"));
    // The browser's preference picks the language when the link does not.
    b.extra.push(("accept-language".into(), "de-DE,de;q=0.9,en;q=0.5".into()));
    assert!(b.get("/ui/codes/550").body.contains("<html lang=\"de\">"));
    b.extra.clear();
    // Index, search, a code typed in, a bounce line pasted, unknown codes.
    let idx = b.get("/ui/codes");
    assert!(idx.body.contains("href=\"/ui/codes/5.1.1?lang=en\"") && idx.body.contains("href=\"/ui/codes/421?lang=en\""));
    let r = b.get("/ui/codes?q=5.1.1");
    assert_eq!(r.status, 303);
    assert_eq!(r.header("location"), Some("/ui/codes/5.1.1?lang=en"));
    let r = b.get("/ui/codes?q=550+5.7.1+Service+unavailable%3B+client+host+blocked");
    assert!(r.body.contains("This bounce line carries") && r.body.contains("/ui/codes/5.7.1?lang=en"), "{}", r.body);
    let r = b.get("/ui/codes/5.9.1");
    assert_eq!(r.status, 404);
    assert!(r.body.contains("/ui/codes/5.7.1"), "{}", r.body);
}

#[test]
fn domains_show_incidents() {
    let s = Server::start();
    for i in 0..6 {
        ingest(&s, &format!("user{i}@outage.example"), "5.3.0", "Mail system error");
    }
    ingest(&s, "gone@fine.example", "5.1.1", "User unknown");
    let mut b = Browser::new(&s);
    let r = b.get("/ui/domains");
    assert_eq!(r.status, 200);
    assert!(r.body.contains("held by an incident"), "{}", r.body);
    assert!(r.body.contains("data-domain=\"outage.example\" data-state=\"open\""), "{}", r.body);
    assert!(r.body.contains("fine.example"));
    let r = b.get("/ui/domains/outage.example");
    assert!(r.body.contains("is <strong>held</strong>"), "{}", r.body);
    assert!(r.body.contains("data-key=\"hard\"") || r.body.contains("data-key=\"soft\"") || r.body.contains("data-key=\"undetermined\""), "{}", r.body);
    assert!(r.body.contains("not checked"));
    let overview = b.get("/ui/");
    assert!(overview.body.contains("outage.example") && overview.body.contains("s-open"), "{}", overview.body);
}

#[test]
fn the_dashboard_can_be_turned_off() {
    let raw = bouncekit_web::RawConfig::from_toml("[dashboard]\nenabled = false\n").expect("toml");
    let s = Server::with(raw.validate().expect("valid"), |b| b);
    let r = s.get("/ui/");
    assert_eq!(r.status, 404);
    assert_eq!(r.header("content-type"), Some("application/problem+json"));
    assert!(bouncekit_web::RawConfig::from_toml("[dashboard]\nsession_ttl = 0\n").expect("toml").validate().is_err());
}

#[test]
fn check_dns_records_the_verdict_of_current_incidents() {
    let zone = bouncekit_dns::testing::ZoneServer::start("test.", bouncekit_dns::testing::standard_zone()).expect("dns");
    let dns = bouncekit_web::DnsConfig { nameservers: vec![zone.addr()], ..Default::default() };
    let s = Server::with(ServerConfig { dns, ..ServerConfig::default() }, |b| b);
    for i in 0..6 {
        ingest(&s, &format!("user{i}@nullmx.test"), "5.3.0", "Mail system error");
    }
    let mut b = Browser::new(&s);
    let page = b.get("/ui/domains/nullmx.test");
    assert!(page.body.contains("Check DNS now") && page.body.contains("not checked"), "{}", page.body);
    let csrf = csrf_of(&page.body);
    assert_eq!(b.post_form("/ui/domains/check-dns", &[("csrf", "forged"), ("domain", "nullmx.test")]).status, 403);
    let r = b.post_form("/ui/domains/check-dns", &[("csrf", &csrf), ("domain", "nullmx.test")]);
    assert_eq!(r.status, 303, "{}", r.body);
    assert_eq!(r.header("location"), Some("/ui/domains/nullmx.test?checked=1"));
    let page = b.get("/ui/domains/nullmx.test?checked=1");
    assert!(page.body.contains("null mx") && page.body.contains("accepts no mail at all"), "{}", page.body);
    assert!(page.body.contains("s-dead"), "{}", page.body);
    // The list page checks every current incident.
    let r = b.post_form("/ui/domains/check-dns", &[("csrf", &csrf)]);
    assert_eq!(r.header("location"), Some("/ui/domains?checked=1"));
    assert!(b.get("/ui/domains?checked=1").body.contains("DNS checked for 1 current incident;"));
}
