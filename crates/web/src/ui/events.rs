//! Events: the filterable list and one event with every parsed field.

use std::fmt::Write as _;

use axum::Extension;
use axum::extract::{Path, State};
use axum::http::{StatusCode, Uri};
use axum::response::Response;
use bouncekit_core::{Kind, OriginKind, Reason};
use bouncekit_policy::address::{normalise, normalise_domain};
use bouncekit_store::{EventFilter, StoredEvent};
use serde_json::Value;

use super::html::{Nav, Query, esc, kind_badge, notice, options, path_seg, time_el};
use super::session::Viewer;
use super::{Params, error_page, form_time, page, store_error};
use crate::AppState;

/// Events per page.
const PAGE: usize = 50;

/// `(value, label)` pairs of the kinds, with "any" first.
pub(crate) fn kind_options() -> Vec<(String, String)> {
    let mut v = vec![(String::new(), "any kind".to_string())];
    v.extend(Kind::ALL.iter().map(|k| (k.as_str().to_string(), k.as_str().replace('_', " "))));
    v
}

/// `(value, label)` pairs of the reasons, with "any" first.
pub(crate) fn reason_options() -> Vec<(String, String)> {
    let mut v = vec![(String::new(), "any reason".to_string())];
    let mut r: Vec<&str> = Reason::ALL.iter().map(|r| r.as_str()).collect();
    r.sort_unstable();
    v.extend(r.into_iter().map(|r| (r.to_string(), r.to_string())));
    v
}

fn source_options() -> Vec<(String, String)> {
    let mut v = vec![(String::new(), "any source".to_string())];
    let label = |k: OriginKind| match k {
        OriginKind::File => "file (ingest)",
        OriginKind::Stdin => "standard input",
        OriginKind::Reply => "SMTP reply",
        OriginKind::Log => "MTA log",
        OriginKind::Webhook => "ESP webhook",
        OriginKind::Listener => "SMTP/LMTP listener",
        OriginKind::Mailbox => "mailbox polling",
        OriginKind::Api => "HTTP API",
    };
    v.extend(OriginKind::ALL.iter().map(|k| (k.as_str().to_string(), label(*k).to_string())));
    v
}

/// The address as the store keeps it: normalised when it is an address, else as typed
/// (lowercase) so that odd recipients can be found too.
fn stored_address(a: &str) -> String {
    normalise(a).unwrap_or_else(|| a.trim().to_lowercase())
}

/// `GET /ui/events`.
pub async fn list(State(st): State<AppState>, Extension(v): Extension<Viewer>, uri: Uri) -> Response {
    let p = Params::of(&uri);
    let mut errors = Vec::new();
    let mut time = |key: &str, end: bool| match p.get(key) {
        None => None,
        Some(t) => match form_time(t, end) {
            Ok(x) => Some(x),
            Err(e) => {
                errors.push(format!("{key}: {e}"));
                None
            }
        },
    };
    let since = time("since", false);
    let until = time("until", true);
    let before_id = p.get("before").and_then(|b| b.parse::<i64>().ok());
    let f = EventFilter {
        address: p.get("address").map(stored_address),
        domain: p.get("domain").map(normalise_domain),
        kind: p.get("kind").map(str::to_string),
        reason: p.get("reason").map(str::to_string),
        source: p.get("source").map(str::to_string),
        since,
        until,
        before_id,
        id: None,
        limit: PAGE + 1,
    };
    let mut rows = match st.db().read(move |s| s.events(&f)).await {
        Ok(r) => r,
        Err(e) => return store_error(&v, e),
    };
    let more = rows.len() > PAGE;
    rows.truncate(PAGE);

    let mut h = String::from("<div class=\"head\"><h1>Events</h1></div>");
    h.push_str("<p class=\"lead\">Every bounce, complaint, auto-reply and delivery bouncekit stored, newest first. Open one for its full diagnostic and every parsed field.</p>");
    // Filter form (GET: the URL can be bookmarked and shared).
    let _ = write!(
        h,
        "<form method=\"get\" action=\"/ui/events\" class=\"filters\" role=\"search\" aria-label=\"Filter events\">\
         <div class=\"field\"><label for=\"f-address\">Address</label><input id=\"f-address\" name=\"address\" type=\"text\" value=\"{address}\" placeholder=\"user@example.com\" autocomplete=\"off\" spellcheck=\"false\"></div>\
         <div class=\"field\"><label for=\"f-domain\">Receiving domain</label><input id=\"f-domain\" name=\"domain\" type=\"text\" value=\"{domain}\" placeholder=\"example.com\" spellcheck=\"false\"></div>\
         <div class=\"field\"><label for=\"f-kind\">Kind</label><select id=\"f-kind\" name=\"kind\">{kinds}</select></div>\
         <div class=\"field\"><label for=\"f-reason\">Reason</label><select id=\"f-reason\" name=\"reason\">{reasons}</select></div>\
         <div class=\"field\"><label for=\"f-source\">Source</label><select id=\"f-source\" name=\"source\">{sources}</select></div>\
         <div class=\"field\"><label for=\"f-since\">From</label><input id=\"f-since\" name=\"since\" type=\"date\" value=\"{since}\"></div>\
         <div class=\"field\"><label for=\"f-until\">To (inclusive)</label><input id=\"f-until\" name=\"until\" type=\"date\" value=\"{until}\"></div>\
         <div class=\"actions\"><button type=\"submit\" class=\"primary\">Filter</button> <a href=\"/ui/events\">Clear</a></div></form>",
        address = esc(p.str("address")),
        domain = esc(p.str("domain")),
        kinds = options(&kind_options(), p.get("kind")),
        reasons = options(&reason_options(), p.get("reason")),
        sources = options(&source_options(), p.get("source")),
        since = esc(p.str("since")),
        until = esc(p.str("until")),
    );
    for e in &errors {
        h.push_str(&notice("error", &esc(e)));
    }
    let n = rows.len();
    let _ = write!(h, "<p class=\"muted\" aria-live=\"polite\">{}</p>", if n == 0 { "No events match.".to_string() } else { format!("Showing {n} event{}{}.", if n == 1 { "" } else { "s" }, if before_id.is_some() { " (older page)" } else { "" }) });
    if n > 0 {
        h.push_str(&table(&rows, "Events"));
    }
    if more && let Some(last) = rows.last() {
        let mut q = Query::new();
        for k in ["address", "domain", "kind", "reason", "source", "since", "until"] {
            q = q.opt(k, p.get(k));
        }
        let _ = write!(h, "<nav class=\"pager\" aria-label=\"Pages\"><a href=\"{}\" rel=\"next\">Older events →</a></nav>", esc(&q.add("before", last.id.to_string()).url("/ui/events")));
    }
    page(&v, Nav::Events, "Events", h)
}

/// Events as a table with links to their details.
pub(crate) fn table(rows: &[StoredEvent], caption: &str) -> String {
    if rows.is_empty() {
        return "<p class=\"empty\">No events yet.</p>".into();
    }
    let mut h = format!(
        "<div class=\"scroll\"><table class=\"events\"><caption class=\"sr\">{}</caption><thead><tr><th scope=\"col\">When</th><th scope=\"col\">Recipient</th><th scope=\"col\">Kind</th><th scope=\"col\">Reason</th><th scope=\"col\">Code</th><th scope=\"col\">Domain</th><th scope=\"col\">Source</th></tr></thead><tbody>",
        esc(caption)
    );
    for e in rows {
        let code = match (&e.status_code, &e.reply_code) {
            (Some(s), _) => format!("<a href=\"/ui/codes/{}\">{}</a>", esc(&path_seg(s)), esc(s)),
            (None, Some(r)) => format!("<a href=\"/ui/codes/{}\">{}</a>", esc(&path_seg(r)), esc(r)),
            _ => String::new(),
        };
        let _ = write!(
            h,
            "<tr><td class=\"nowrap\">{}</td><th scope=\"row\"><a href=\"/ui/events/{}\">{}</a></th><td>{}</td><td>{}</td><td>{}</td><td><a href=\"/ui/domains/{}\">{}</a></td><td>{}</td></tr>",
            time_el(e.at),
            e.id,
            esc(if e.address.is_empty() { "(no recipient)" } else { &e.address }),
            kind_badge(&e.kind),
            esc(&e.reason),
            code,
            esc(&path_seg(&e.domain)),
            esc(&e.domain),
            esc(&e.source),
        );
    }
    h.push_str("</tbody></table></div>");
    h
}

/// Plain-language meaning of a stored effect (`{"type":"suppress",…}`).
fn effect_text(e: &Value) -> String {
    match e {
        Value::String(s) => esc(s),
        Value::Object(m) => {
            let ty = m.get("type").or_else(|| m.get("effect")).and_then(Value::as_str).unwrap_or("");
            let rest: Vec<String> = m
                .iter()
                .filter(|(k, v)| k.as_str() != "type" && k.as_str() != "effect" && !v.is_null())
                .map(|(k, v)| format!("{}: {}", esc(k), esc(&value_text(v))))
                .collect();
            if ty.is_empty() { rest.join(", ") } else if rest.is_empty() { format!("<strong>{}</strong>", esc(ty)) } else { format!("<strong>{}</strong> — {}", esc(ty), rest.join(", ")) }
        }
        other => esc(&value_text(other)),
    }
}

fn value_text(v: &Value) -> String {
    match v {
        Value::Null => String::new(),
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// A JSON value as HTML: objects as nested definition lists.
fn value_html(v: &Value) -> String {
    match v {
        Value::Null => "<span class=\"muted\">—</span>".into(),
        Value::Bool(b) => if *b { "yes" } else { "no" }.into(),
        Value::String(s) if s.is_empty() => "<span class=\"muted\">—</span>".into(),
        Value::String(s) => esc(s),
        Value::Number(n) => esc(&n.to_string()),
        Value::Array(a) if a.is_empty() => "<span class=\"muted\">—</span>".into(),
        Value::Array(a) => format!("<ul class=\"plain\">{}</ul>", a.iter().map(|x| format!("<li>{}</li>", value_html(x))).collect::<String>()),
        Value::Object(m) if m.is_empty() => "<span class=\"muted\">—</span>".into(),
        Value::Object(m) => {
            let mut h = String::from("<dl class=\"inner\">");
            for (k, x) in m {
                let _ = write!(h, "<dt>{}</dt><dd>{}</dd>", esc(k), value_html(x));
            }
            h.push_str("</dl>");
            h
        }
    }
}

/// Labels of the record's fields, in the order they are shown.
const FIELDS: &[(&str, &str)] = &[
    ("recipient", "Recipient"),
    ("sender", "Sender"),
    ("scope", "Scope"),
    ("status", "Enhanced status code"),
    ("reply_code", "Reply code"),
    ("code_mismatch", "Reply and status code disagree"),
    ("reason", "Reason"),
    ("kind", "Kind"),
    ("hard_bounce", "Hard bounce"),
    ("blame", "Blame"),
    ("action", "Recommended action"),
    ("diagnostic_type", "Diagnostic type"),
    ("remote_mta", "Remote MTA"),
    ("reporting_mta", "Reporting MTA"),
    ("smtp_command", "SMTP command"),
    ("dsn_action", "DSN action"),
    ("timestamp", "Timestamp"),
    ("message_id", "Original Message-ID"),
    ("subject", "Original subject"),
    ("format", "Format"),
    ("feedback_type", "Feedback type"),
    ("origin", "Origin"),
    ("headers", "Original headers"),
];

fn action_sentence(kind: &str) -> &'static str {
    match kind {
        "hard" => "The address is dead: it is suppressed and should not be mailed again.",
        "soft" => "A temporary failure: the address is kept; repeated soft bounces within the window suppress it for a while.",
        "block" => "The receiver refused the sender or the message. The recipient is fine and is not suppressed: fix reputation, authentication or content.",
        "complaint" => "The recipient marked the message as spam: the address is suppressed.",
        "auto_reply" => "An automatic reply (vacation, out of office): nothing to do.",
        "delivered" => "The message was delivered: soft-bounce counts of the address are cleared.",
        _ => "Not enough evidence to decide: the event is kept for later evidence.",
    }
}

/// `GET /ui/events/{id}`.
pub async fn detail(State(st): State<AppState>, Extension(v): Extension<Viewer>, Path(id): Path<String>) -> Response {
    let Ok(id) = id.trim().parse::<i64>() else {
        return error_page(Some(&v), StatusCode::NOT_FOUND, "There is no such event: event numbers are integers.");
    };
    let f = EventFilter { id: Some(id), limit: 1, ..EventFilter::default() };
    let ev = match st.db().read(move |s| s.events(&f)).await {
        Ok(mut r) => r.pop(),
        Err(e) => return store_error(&v, e),
    };
    let Some(e) = ev else {
        return error_page(Some(&v), StatusCode::NOT_FOUND, &format!("Event {id} does not exist (it may have been pruned or forgotten)."));
    };
    let rec = &e.record;
    let diag = rec.get("diagnostic").and_then(Value::as_str).unwrap_or("");
    let mut h = String::new();
    let _ = write!(
        h,
        "<nav class=\"crumbs\" aria-label=\"Breadcrumb\"><a href=\"/ui/events\">Events</a> › Event {id}</nav><h1 class=\"event-h\">{}</h1><p class=\"badges\">{} <span class=\"reason\">{}</span></p>",
        esc(if e.address.is_empty() { "(no recipient)" } else { &e.address }),
        kind_badge(&e.kind),
        esc(&e.reason),
    );
    let _ = write!(h, "<p class=\"lead\">{}</p>", esc(action_sentence(&e.kind)));

    // Diagnostic text.
    h.push_str("<section aria-labelledby=\"diag-h\"><h2 id=\"diag-h\">Diagnostic</h2>");
    if diag.is_empty() {
        h.push_str("<p class=\"empty\">The bounce carried no diagnostic text.</p>");
    } else {
        let _ = write!(h, "<pre class=\"diagnostic\">{}</pre>", esc(diag));
    }
    // Codes with their explanation.
    let mut codes = String::new();
    if let Some(s) = &e.status_code {
        let title = s.parse().ok().and_then(|c| bouncekit_codes::explain_status(c, bouncekit_codes::Lang::En).ok()).map(|p| p.title).unwrap_or_default();
        let _ = write!(codes, "<li><a href=\"/ui/codes/{}\"><strong>{}</strong> — {}</a> <span class=\"muted\">(what it means and what to do)</span></li>", esc(&path_seg(s)), esc(s), esc(&title));
    }
    if let Some(r) = &e.reply_code {
        let title = r.parse().ok().and_then(|c| bouncekit_codes::explain_reply(c, bouncekit_codes::Lang::En).ok()).map(|p| p.title).unwrap_or_default();
        let _ = write!(codes, "<li><a href=\"/ui/codes/{}\"><strong>{}</strong> — {}</a></li>", esc(&path_seg(r)), esc(r), esc(&title));
    }
    if !codes.is_empty() {
        let _ = write!(h, "<h3>Explain the codes</h3><ul class=\"codes\">{codes}</ul>");
    }
    h.push_str("</section>");

    // Decision.
    h.push_str("<section aria-labelledby=\"dec-h\"><h2 id=\"dec-h\">Decision</h2><dl class=\"kv\">");
    let _ = write!(h, "<dt>Policy rule</dt><dd><code>{}</code></dd>", esc(&e.rule));
    let effects: Vec<String> = e.effects.as_array().map(|a| a.iter().map(effect_text).collect()).unwrap_or_default();
    let _ = write!(h, "<dt>Effects</dt><dd>{}</dd>", if effects.is_empty() { "none (stored only)".to_string() } else { format!("<ul class=\"plain\">{}</ul>", effects.iter().map(|x| format!("<li>{x}</li>")).collect::<String>()) });
    h.push_str("</dl></section>");

    // Every parsed field.
    h.push_str("<section aria-labelledby=\"fields-h\"><h2 id=\"fields-h\">Parsed fields</h2><div class=\"scroll\"><table class=\"fields\"><tbody>");
    let mut shown = vec!["diagnostic"];
    let mut absent = Vec::new();
    let blank = |x: &Value| match x {
        Value::Null => true,
        Value::String(s) => s.is_empty(),
        Value::Array(a) => a.is_empty(),
        Value::Object(m) => m.is_empty(),
        _ => false,
    };
    if let Some(obj) = rec.as_object() {
        for (k, label) in FIELDS {
            if let Some(x) = obj.get(*k) {
                shown.push(k);
                if blank(x) {
                    absent.push(format!("{} (<code>{}</code>)", esc(label), esc(k)));
                    continue;
                }
                let val = if *k == "timestamp" { x.as_i64().map(time_el).unwrap_or_else(|| value_html(x)) } else { value_html(x) };
                let _ = write!(h, "<tr><th scope=\"row\">{} <code class=\"muted\">{}</code></th><td>{}</td></tr>", esc(label), esc(k), val);
            }
        }
        // Fields added later than this page.
        for (k, x) in obj {
            if !shown.contains(&k.as_str()) {
                let _ = write!(h, "<tr><th scope=\"row\"><code>{}</code></th><td>{}</td></tr>", esc(k), value_html(x));
            }
        }
    }
    h.push_str("</tbody></table></div>");
    if !absent.is_empty() {
        let _ = write!(h, "<p class=\"muted small\">Not in this bounce: {}.</p>", absent.join(", "));
    }
    h.push_str("</section>");

    // Storage.
    h.push_str("<section aria-labelledby=\"stored-h\"><h2 id=\"stored-h\">Stored event</h2><dl class=\"kv\">");
    let _ = write!(
        h,
        "<dt>Event</dt><dd>{}</dd><dt>Happened</dt><dd>{}</dd><dt>Stored</dt><dd>{}</dd><dt>Scope</dt><dd>{}</dd><dt>Source</dt><dd>{}</dd><dt>Input</dt><dd><code>{}</code></dd><dt>Format</dt><dd>{}</dd>",
        e.id,
        time_el(e.at),
        time_el(e.ingested_at),
        esc(&e.scope),
        esc(&e.source),
        esc(&e.origin),
        esc(&e.format)
    );
    h.push_str("</dl></section>");
    let _ = write!(
        h,
        "<p class=\"links\"><a href=\"{}\">All events of this address</a> · <a href=\"{}\">Its suppression status</a> · <a href=\"/ui/domains/{}\">Domain {}</a></p>",
        esc(&Query::new().add("address", &e.address).url("/ui/events")),
        esc(&Query::new().add("q", &e.address).add("status", "any").url("/ui/suppressions")),
        esc(&path_seg(&e.domain)),
        esc(&e.domain)
    );
    page(&v, Nav::Events, format!("Event {id}"), h)
}
