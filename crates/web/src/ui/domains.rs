//! Receiving domains: statistics, the incident timeline and what DNS said.

use std::fmt::Write as _;

use std::time::Duration;

use axum::Extension;
use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::{Path, State};
use axum::http::{StatusCode, Uri};
use axum::response::Response;
use bouncekit_policy::address::normalise_domain;
use bouncekit_store::{DomainStat, EventFilter, Incident, StoredEvent, Suppression, SuppressionFilter, SuppressionStatus};

use super::chart::{self, Stacked};
use super::html::{Nav, Query, esc, notice, num, percent, state_badge, time, time_el};
use super::overview::{KIND_ORDER, PERIODS, buckets, domain_table, incident_table, labels, rows_from_events};
use super::session::Viewer;
use super::{Params, csrf_failed, error_page, forbidden, now, page, store_error};
use crate::AppState;

const DAY: i64 = 86_400;

/// The periods of the domain list.
const SINCE: &[(&str, &str, i64)] = &[("7d", "7 days", 7), ("30d", "30 days", 30), ("90d", "90 days", 90), ("365d", "a year", 365)];

/// What a DNS verdict means, for people.
fn verdict_text(v: &str) -> &'static str {
    match v {
        "mx" => "MX records name mail hosts: the domain can receive mail. The failures are on its servers, not in DNS.",
        "implicit_mx" => "No MX record, but the domain has an address (the implicit MX): it can receive mail.",
        "null_mx" => "The domain publishes a null MX (RFC 7505): it accepts no mail at all.",
        "nxdomain" => "The domain does not exist (NXDOMAIN).",
        "no_mail_host" => "The domain exists but names no usable mail host.",
        "unknown" => "The lookup failed (timeout or server failure); it says nothing either way.",
        _ => "",
    }
}

/// The DNS cell of an incident row: verdict, time and detail.
pub(crate) fn dns_cell(i: &Incident) -> String {
    match &i.dns_verdict {
        None => "<span class=\"muted\">not checked</span>".into(),
        Some(v) => {
            let class = match v.as_str() {
                "mx" | "implicit_mx" => "dns-ok",
                "null_mx" | "nxdomain" | "no_mail_host" => "dns-dead",
                _ => "dns-unknown",
            };
            format!(
                "<span class=\"badge {class}\" title=\"{}\">{}</span>{}",
                esc(verdict_text(v)),
                esc(&v.replace('_', " ")),
                i.dns_checked_at.map(|t| format!(" <span class=\"muted small\">{}</span>", esc(&time(Some(t))))).unwrap_or_default()
            )
        }
    }
}

/// A timeline of incidents: one bar per incident from opening to closing (or now).
fn timeline(incidents: &[Incident], now: i64) -> String {
    let shown: Vec<&Incident> = incidents.iter().take(25).collect();
    if shown.is_empty() {
        return "<p class=\"empty ok\">No incidents recorded.</p>".into();
    }
    let start = shown.iter().map(|i| i.opened_at).min().unwrap_or(now).min(now - 7 * DAY);
    let end = now;
    let span = (end - start).max(1) as f64;
    let (left, right, row_h, top) = (190.0, 16.0, 26.0, 8.0);
    let w = 960.0;
    let h = top + row_h * shown.len() as f64 + 30.0;
    let x = |t: i64| left + (w - left - right) * ((t - start) as f64 / span);
    let mut s = format!(
        "<figure class=\"chart\" id=\"timeline\"><figcaption><h3>Incident timeline</h3></figcaption><svg class=\"plot timeline\" viewBox=\"0 0 {w} {h}\" role=\"img\" aria-labelledby=\"timeline-t\"><title id=\"timeline-t\">Domain incidents from {} to {}: {} shown</title>",
        esc(&time(Some(start))),
        esc(&time(Some(end))),
        shown.len()
    );
    // Time ticks: five evenly spaced dates.
    for k in 0..=4 {
        let t = start + (end - start) * k / 4;
        let tx = x(t);
        let _ = write!(
            s,
            "<line class=\"grid\" x1=\"{tx:.1}\" x2=\"{tx:.1}\" y1=\"{top}\" y2=\"{:.1}\"/><text class=\"xlab\" x=\"{tx:.1}\" y=\"{:.1}\" text-anchor=\"{}\">{}</text>",
            h - 24.0,
            h - 8.0,
            if k == 0 { "start" } else if k == 4 { "end" } else { "middle" },
            esc(time(Some(t)).get(..10).unwrap_or(""))
        );
    }
    for (n, i) in shown.iter().enumerate() {
        let y = top + row_h * n as f64;
        let x0 = x(i.opened_at.max(start));
        let x1 = x(i.closed_at.unwrap_or(end).min(end)).max(x0 + 3.0);
        let label: String = i.domain.chars().take(26).collect();
        let _ = write!(
            s,
            "<text class=\"ylab\" x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"end\">{}</text><rect class=\"inc-{}\" x=\"{x0:.2}\" y=\"{:.1}\" width=\"{:.2}\" height=\"{:.1}\" rx=\"3\" data-domain=\"{}\" data-state=\"{}\"><title>{}: {} from {} to {} · {} recipients, {} failures</title></rect>",
            left - 8.0,
            y + row_h * 0.65,
            esc(&label),
            i.state.as_str(),
            y + 4.0,
            x1 - x0,
            row_h - 8.0,
            esc(&i.domain),
            i.state.as_str(),
            esc(&i.domain),
            i.state.as_str(),
            esc(&time(Some(i.opened_at))),
            esc(&i.closed_at.map_or_else(|| "now".to_string(), |t| time(Some(t)))),
            i.recipients,
            i.failures
        );
    }
    s.push_str("</svg><ul class=\"legend\"><li><svg class=\"swatch\" width=\"12\" height=\"12\" aria-hidden=\"true\"><rect class=\"inc-open\" width=\"12\" height=\"12\" rx=\"2\"/></svg>open: held, nobody suppressed for it</li><li><svg class=\"swatch\" width=\"12\" height=\"12\" aria-hidden=\"true\"><rect class=\"inc-dead\" width=\"12\" height=\"12\" rx=\"2\"/></svg>dead: DNS proved it cannot receive mail</li><li><svg class=\"swatch\" width=\"12\" height=\"12\" aria-hidden=\"true\"><rect class=\"inc-closed\" width=\"12\" height=\"12\" rx=\"2\"/></svg>closed: mail flows again</li></ul></figure>");
    s
}

/// `GET /ui/domains`.
pub async fn list(State(st): State<AppState>, Extension(v): Extension<Viewer>, uri: Uri) -> Response {
    let p = Params::of(&uri);
    let (key, label, days) = *SINCE.iter().find(|x| Some(x.0) == p.get("since")).unwrap_or(&SINCE[1]);
    let since = now() - days * DAY;
    let res = st.db().read(move |s| Ok((s.domains(since, 200)?, s.incidents(true)?))).await;
    let (domains, incidents) = match res {
        Ok(x) => x,
        Err(e) => return store_error(&v, e),
    };
    let mut h = String::from("<div class=\"head\"><h1>Domains</h1><nav class=\"seg\" aria-label=\"Period\"><ul>");
    for (k, l, _) in SINCE {
        let cur = if *k == key { " aria-current=\"true\"" } else { "" };
        let _ = write!(h, "<li><a href=\"{}\"{cur}>{l}</a></li>", esc(&Query::new().add("since", *k).url("/ui/domains")));
    }
    h.push_str("</ul></nav></div><p class=\"lead\">Where your mail goes and how it fares there. When many recipients of one domain fail with system or host errors, bouncekit opens an <strong>incident</strong>: the domain is held instead of each address being suppressed, DNS is checked, and the incident closes when mail flows again.</p>");
    if let Some(n) = p.get("checked") {
        h.push_str(&notice("ok", &format!("DNS checked for {} current incident{}; the results are in the DNS column.", esc(n), if n == "1" { "" } else { "s" })));
    }
    let current: Vec<Incident> = incidents.iter().filter(|i| i.closed_at.is_none()).cloned().collect();
    if !current.is_empty() {
        h.push_str(&notice("warn", &format!("{} domain{} held by an incident right now.", current.len(), if current.len() == 1 { " is" } else { "s are" })));
    }
    h.push_str("<section aria-labelledby=\"tl-h\"><h2 id=\"tl-h\">Incidents</h2>");
    h.push_str(&timeline(&incidents, now()));
    h.push_str(&incident_table(&incidents, true));
    if !current.is_empty() {
        h.push_str(&dns_form(&v, None));
    }
    h.push_str("</section>");
    let _ = write!(h, "<section aria-labelledby=\"stats-h\"><h2 id=\"stats-h\">Receiving domains, last {label}</h2>");
    h.push_str(&domain_table(&domains));
    h.push_str("</section>");
    page(&v, Nav::Domains, "Domains", h)
}

struct Detail {
    stats: Option<DomainStat>,
    incidents: Vec<Incident>,
    events: Vec<StoredEvent>,
    suppressed: Vec<Suppression>,
}

/// `GET /ui/domains/{domain}`.
pub async fn detail(State(st): State<AppState>, Extension(v): Extension<Viewer>, Path(d): Path<String>, uri: Uri) -> Response {
    let p = Params::of(&uri);
    let domain = normalise_domain(&d);
    if domain.is_empty() || domain.len() > 253 {
        return error_page(Some(&v), StatusCode::NOT_FOUND, "That is not a domain name.");
    }
    let period = PERIODS[2];
    let (starts, since, until) = buckets(&period, now());
    let d2 = domain.clone();
    let res = st
        .db()
        .read(move |s| {
            let stats = s.domains(since, 0)?.into_iter().find(|x| x.domain == d2);
            let incidents = s.incidents(true)?.into_iter().filter(|i| i.domain == d2).collect();
            let events = s.events(&EventFilter { domain: Some(d2.clone()), since: Some(since), until: Some(until), limit: 20_000, ..EventFilter::default() })?;
            let suppressed = s.suppressions(&SuppressionFilter { domain: Some(d2.clone()), status: Some(SuppressionStatus::Active), limit: 11, ..SuppressionFilter::default() })?;
            Ok(Detail { stats, incidents, events, suppressed })
        })
        .await;
    let d = match res {
        Ok(x) => x,
        Err(e) => return store_error(&v, e),
    };
    let mut h = format!("<nav class=\"crumbs\" aria-label=\"Breadcrumb\"><a href=\"/ui/domains\">Domains</a> › {}</nav><div class=\"head\"><h1>{}</h1></div>", esc(&domain), esc(&domain));
    if d.stats.is_none() && d.incidents.is_empty() && d.suppressed.is_empty() {
        h.push_str(&notice("info", "Nothing is known about this domain in the last 30 days."));
    }
    if p.get("checked").is_some() {
        h.push_str(&notice("ok", "DNS checked: the result is under “Incidents and DNS”."));
    }
    if let Some(cur) = d.incidents.iter().find(|i| i.closed_at.is_none()) {
        let msg = match cur.state.as_str() {
            "dead" => "DNS shows this domain cannot receive mail: the whole domain is suppressed until DNS recovers.",
            _ => "Many recipients here fail with system or host errors: the domain is <strong>held</strong>. Checks answer “held” and no address is suppressed for it; a delivery or a DNS recovery closes the incident.",
        };
        h.push_str(&notice("warn", &format!("{} {msg}", state_badge(cur.state.as_str()))));
    }
    // Statistics.
    if let Some(s) = &d.stats {
        let bounces = s.hard + s.soft + s.block;
        let rate = if s.delivered > 0 { percent(bounces as f64 / (bounces + s.delivered) as f64) } else { "—".into() };
        let _ = write!(
            h,
            "<section aria-labelledby=\"st-h\"><h2 id=\"st-h\">Last 30 days</h2><ul class=\"cards\"><li class=\"card\"><span class=\"label\">Events</span><span class=\"value\">{}</span></li><li class=\"card c-hard\"><span class=\"label\">Hard</span><span class=\"value\">{}</span></li><li class=\"card c-soft\"><span class=\"label\">Soft</span><span class=\"value\">{}</span></li><li class=\"card c-block\"><span class=\"label\">Blocks</span><span class=\"value\">{}</span></li><li class=\"card c-complaint\"><span class=\"label\">Complaints</span><span class=\"value\">{}</span></li><li class=\"card\"><span class=\"label\">Delivered</span><span class=\"value\">{}</span></li><li class=\"card\"><span class=\"label\">Bounce rate</span><span class=\"value\">{}</span></li></ul>",
            num(s.total),
            num(s.hard),
            num(s.soft),
            num(s.block),
            num(s.complaint),
            num(s.delivered),
            rate
        );
        let (short, long) = labels(&period, &starts);
        let kinds = rows_from_events(&d.events, since, period.width, period.n, false);
        let reasons = rows_from_events(&d.events, since, period.width, period.n, true);
        h.push_str("<div class=\"charts\">");
        h.push_str(&chart::stacked(&Stacked {
            id: "chart-domain".into(),
            title: "Events per day, by kind".into(),
            buckets: starts.clone(),
            labels: short.clone(),
            long_labels: long.clone(),
            series: chart::series_from(period.n, &kinds, 10, Some(chart::kind_colour), Some(KIND_ORDER)),
        }));
        h.push_str(&chart::stacked(&Stacked {
            id: "chart-domain-reason".into(),
            title: "Events per day, by reason".into(),
            buckets: starts.clone(),
            labels: short,
            long_labels: long,
            series: chart::series_from(period.n, &reasons, 8, None, None),
        }));
        h.push_str("</div></section>");
    }
    // Incidents and DNS.
    h.push_str("<section aria-labelledby=\"inc-h\"><h2 id=\"inc-h\">Incidents and DNS</h2>");
    if d.incidents.is_empty() {
        h.push_str("<p class=\"empty ok\">No incident recorded for this domain.</p>");
    } else {
        h.push_str(&timeline(&d.incidents, now()));
        h.push_str("<ol class=\"incidents\">");
        for i in &d.incidents {
            let _ = write!(
                h,
                "<li><h3>{} Incident {} <span class=\"muted small\">opened {}</span></h3><dl class=\"kv\"><dt>Last failure</dt><dd>{}</dd><dt>Recipients failing</dt><dd>{}</dd><dt>Failures counted</dt><dd>{}</dd><dt>Suppressions released</dt><dd>{}</dd>",
                state_badge(i.state.as_str()),
                i.id,
                time_el(i.opened_at),
                time_el(i.last_failure_at),
                num(i.recipients),
                num(i.failures),
                num(i.released)
            );
            if let Some(c) = i.closed_at {
                let _ = write!(h, "<dt>Closed</dt><dd>{} ({})</dd>", time_el(c), esc(i.close_cause.as_deref().unwrap_or("")));
            }
            let _ = write!(h, "<dt>DNS</dt><dd>{}", dns_cell(i));
            if let Some(vd) = &i.dns_verdict {
                let _ = write!(h, "<p class=\"small\">{}</p>", esc(verdict_text(vd)));
            }
            if let Some(det) = i.dns_detail.as_deref().filter(|x| !x.is_empty()) {
                let _ = write!(h, "<p class=\"small\"><code>{}</code></p>", esc(det));
            }
            h.push_str("</dd></dl></li>");
        }
        h.push_str("</ol>");
        if d.incidents.iter().any(|i| i.closed_at.is_none()) {
            h.push_str(&dns_form(&v, Some(&domain)));
        }
    }
    h.push_str("</section>");
    // Suppressed addresses.
    let _ = write!(h, "<section aria-labelledby=\"sup-h\"><h2 id=\"sup-h\">Suppressed addresses at {}</h2>", esc(&domain));
    if d.suppressed.is_empty() {
        h.push_str("<p class=\"empty\">None.</p>");
    } else {
        h.push_str("<ul class=\"plain cols\">");
        for s in d.suppressed.iter().take(10) {
            let _ = write!(h, "<li><a href=\"{}\">{}</a> <span class=\"muted small\">{}</span></li>", esc(&Query::new().add("address", &s.address).url("/ui/events")), esc(&s.address), esc(&s.reason));
        }
        h.push_str("</ul>");
        let _ = write!(h, "<p><a href=\"{}\">All suppressed addresses of this domain →</a></p>", esc(&Query::new().add("q", format!("@{domain}")).url("/ui/suppressions")));
    }
    h.push_str("</section>");
    // Latest events.
    let latest: Vec<StoredEvent> = d.events.iter().take(10).cloned().collect();
    let _ = write!(h, "<section aria-labelledby=\"ev-h\"><h2 id=\"ev-h\">Latest events</h2>{}<p><a href=\"{}\">All events of this domain →</a></p></section>", super::events::table(&latest, "Latest events of the domain"), esc(&Query::new().add("domain", &domain).url("/ui/events")));
    page(&v, Nav::Domains, domain.clone(), h)
}

/// The "Check DNS now" form (write access), for one domain or every current incident.
fn dns_form(v: &Viewer, domain: Option<&str>) -> String {
    if !v.can_write() {
        return "<p class=\"help\">DNS is checked with <code>bouncekit domains --check-dns</code>, or here by a token with write access.</p>".into();
    }
    let what = if domain.is_some() { "this domain" } else { "every current incident" };
    format!(
        "<form method=\"post\" action=\"/ui/domains/check-dns\" class=\"inline-form\">{}{}<button type=\"submit\">Check DNS now</button> <span class=\"help\">Looks up MX, null MX and NXDOMAIN for {what} and records the answer, as <code>bouncekit domains --check-dns</code> does. A dead domain (NXDOMAIN, null MX, no mail host) is suppressed as a whole; a recovered one closes its incident.</span></form>",
        v.csrf_field(),
        domain.map(|d| format!("<input type=\"hidden\" name=\"domain\" value=\"{}\">", esc(d))).unwrap_or_default(),
    )
}

/// Incidents checked at most per request.
const MAX_DNS_CHECKS: usize = 50;

/// How long a request waits for DNS; incidents not answered by then are left unchecked.
const DNS_DEADLINE: Duration = Duration::from_secs(20);

/// `POST /ui/domains/check-dns`: asks DNS about current incidents (all, or `domain`'s)
/// and records the verdicts, which may mark a domain dead or close its incident.
pub async fn check_dns(State(st): State<AppState>, Extension(v): Extension<Viewer>, body: Result<Bytes, BytesRejection>) -> Response {
    let f = match body {
        Ok(b) => Params::parse(&b),
        Err(r) => return error_page(Some(&v), r.status(), "The form could not be read. Nothing was checked."),
    };
    if !v.csrf_ok(f.get("csrf")) {
        return csrf_failed(&v);
    }
    if !v.can_write() {
        return forbidden(&v, "Checking DNS (it can change an incident)");
    }
    let only = f.get("domain").map(normalise_domain);
    let back = |n: usize| match &only {
        Some(d) => Query::new().add("checked", n.to_string()).url(&format!("/ui/domains/{}", super::html::path_seg(d))),
        None => Query::new().add("checked", n.to_string()).url("/ui/domains"),
    };
    let checker = match crate::dns::checker(st.dns()) {
        Ok(c) => c,
        Err(e) => return error_page(Some(&v), StatusCode::SERVICE_UNAVAILABLE, &format!("DNS cannot be asked: {}", esc(&e.to_string()))),
    };
    let done = match crate::dns::check_incidents(st.db(), &checker, only.as_deref(), MAX_DNS_CHECKS, DNS_DEADLINE).await {
        Ok(d) => d,
        Err(e) => return store_error(&v, e),
    };
    if done.checks.is_empty() && !done.unchecked.is_empty() {
        return error_page(Some(&v), StatusCode::SERVICE_UNAVAILABLE, "DNS did not answer in time; nothing was recorded. Try again later.");
    }
    let n = done.checks.len();
    super::html::see_other(&back(n))
}
