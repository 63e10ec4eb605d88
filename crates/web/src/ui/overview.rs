//! The overview: what bounced, why, where, and what needs attention.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use axum::Extension;
use axum::extract::State;
use axum::http::Uri;
use axum::response::Response;
use bouncekit_store::{Bucket, Counts, DomainStat, EventFilter, Incident, ReportBy, ReportRow, SenderAlert, StoredEvent};

use super::chart::{self, Rate, Series, Stacked};
use super::html::{Nav, Query, esc, num, path_seg, percent, state_badge, time_el};
use super::session::Viewer;
use super::{Params, now, page, store_error};
use crate::AppState;

const HOUR: i64 = 3600;
const DAY: i64 = 86_400;
const WEEK: i64 = 7 * DAY;

/// Sender alerts listed before "show all".
const ALERTS_SHOWN: usize = 8;

/// Most events read for the hourly view (the store reports days and longer itself).
const HOURLY_CAP: usize = 20_000;

/// Kinds that are not bounces: left out of the bounce charts and counts.
const NOT_BOUNCES: &[&str] = &["delivered", "auto_reply"];
/// Reasons of those kinds.
const NOT_BOUNCE_REASONS: &[&str] = &["delivered", "vacation"];
/// Order of the kinds, bottom-up in the stacks.
pub(crate) const KIND_ORDER: &[&str] = &["hard", "soft", "block", "complaint", "undetermined", "auto_reply", "delivered"];

/// A period the overview can show.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Period {
    /// Query value.
    pub key: &'static str,
    /// Label of the switch.
    pub label: &'static str,
    /// Bucket width in seconds.
    pub width: i64,
    /// Number of buckets.
    pub n: usize,
}

pub(crate) const PERIODS: &[Period] = &[
    Period { key: "48h", label: "48 hours", width: HOUR, n: 48 },
    Period { key: "7d", label: "7 days", width: DAY, n: 7 },
    Period { key: "30d", label: "30 days", width: DAY, n: 30 },
    Period { key: "90d", label: "13 weeks", width: WEEK, n: 13 },
];

/// The buckets of a period ending now: their starts, the start and the end.
pub(crate) fn buckets(p: &Period, now: i64) -> (Vec<i64>, i64, i64) {
    let end = match p.width {
        HOUR => now.div_euclid(HOUR) * HOUR + HOUR,
        DAY => now.div_euclid(DAY) * DAY + DAY,
        // Weeks start on Monday; 1970-01-01 was a Thursday.
        _ => {
            let d = now.div_euclid(DAY);
            ((d + 3).div_euclid(7) * 7 - 3) * DAY + WEEK
        }
    };
    let since = end - p.width * p.n as i64;
    ((0..p.n).map(|i| since + p.width * i as i64).collect(), since, end)
}

/// Short and long labels of bucket starts.
pub(crate) fn labels(p: &Period, starts: &[i64]) -> (Vec<String>, Vec<String>) {
    let fmt = |t: i64| bouncekit_policy::time::format_rfc3339(t);
    let mut short = Vec::new();
    let mut long = Vec::new();
    for &t in starts {
        let s = fmt(t);
        match p.width {
            HOUR => {
                short.push(s.get(11..16).unwrap_or("").to_string());
                long.push(format!("{} {} UTC", s.get(..10).unwrap_or(""), s.get(11..16).unwrap_or("")));
            }
            DAY => {
                short.push(s.get(5..10).unwrap_or("").to_string());
                long.push(s.get(..10).unwrap_or("").to_string());
            }
            _ => {
                short.push(s.get(5..10).unwrap_or("").to_string());
                long.push(format!("week of {}", s.get(..10).unwrap_or("")));
            }
        }
    }
    (short, long)
}

/// `(bucket index, key, count)` rows from events, by kind or reason.
pub(crate) fn rows_from_events(events: &[StoredEvent], since: i64, width: i64, n: usize, by_reason: bool) -> Vec<(usize, String, i64)> {
    let mut m: BTreeMap<(usize, String), i64> = BTreeMap::new();
    for e in events {
        if e.at < since {
            continue;
        }
        let i = ((e.at - since) / width) as usize;
        if i >= n {
            continue;
        }
        let k = if by_reason { e.reason.clone() } else { e.kind.clone() };
        *m.entry((i, k)).or_insert(0) += 1;
    }
    m.into_iter().map(|((i, k), c)| (i, k, c)).collect()
}

fn rows_from_report(rows: &[ReportRow], since: i64, width: i64, n: usize) -> Vec<(usize, String, i64)> {
    rows.iter()
        .filter(|r| r.bucket + width > since)
        .filter_map(|r| {
            let i = ((r.bucket.max(since) - since) / width) as usize;
            (i < n).then(|| (i, r.key.clone(), r.count))
        })
        .collect()
}

/// Everything the overview shows, read in one blocking call.
struct Data {
    kinds: Vec<(usize, String, i64)>,
    reasons: Vec<(usize, String, i64)>,
    capped: bool,
    counts: Counts,
    domains: Vec<DomainStat>,
    incidents: Vec<Incident>,
    alerts: Vec<SenderAlert>,
    latest: Vec<StoredEvent>,
}

/// `GET /ui/`.
pub async fn handler(State(st): State<AppState>, Extension(v): Extension<Viewer>, uri: Uri) -> Response {
    let p = Params::of(&uri);
    let period = *PERIODS.iter().find(|x| Some(x.key) == p.get("range")).unwrap_or(&PERIODS[2]);
    let (starts, since, until) = buckets(&period, now());
    let n = period.n;
    let data = st
        .db()
        .read(move |s| {
            let (kinds, reasons, capped) = if period.width == HOUR {
                let f = EventFilter { since: Some(since), until: Some(until), limit: HOURLY_CAP, ..EventFilter::default() };
                let ev = s.events(&f)?;
                (rows_from_events(&ev, since, period.width, n, false), rows_from_events(&ev, since, period.width, n, true), ev.len() >= HOURLY_CAP)
            } else {
                let b = if period.width == DAY { Bucket::Day } else { Bucket::Week };
                let k = s.report(ReportBy::Kind, b, since, until)?;
                let r = s.report(ReportBy::Reason, b, since, until)?;
                (rows_from_report(&k, since, period.width, n), rows_from_report(&r, since, period.width, n), false)
            };
            Ok(Data {
                kinds,
                reasons,
                capped,
                counts: s.counts()?,
                domains: s.domains(since, 10)?,
                incidents: s.incidents(false)?,
                alerts: s.alerts(false)?,
                latest: s.events(&EventFilter { limit: 10, ..EventFilter::default() })?,
            })
        })
        .await;
    let d = match data {
        Ok(d) => d,
        Err(e) => return store_error(&v, e),
    };
    let (short, long) = labels(&period, &starts);
    let mut h = String::new();
    h.push_str("<div class=\"head\"><h1>Overview</h1>");
    // Period switch.
    h.push_str("<nav class=\"seg\" aria-label=\"Period\"><ul>");
    for x in PERIODS {
        let cur = if x.key == period.key { " aria-current=\"true\"" } else { "" };
        let _ = write!(h, "<li><a href=\"{}\"{cur}>{}</a></li>", esc(&Query::new().add("range", x.key).url("/ui/")), x.label);
    }
    h.push_str("</ul></nav></div>");

    // Totals.
    let mut by_kind: BTreeMap<&str, i64> = BTreeMap::new();
    for (_, k, c) in &d.kinds {
        *by_kind.entry(k.as_str()).or_insert(0) += c;
    }
    let bounces: i64 = by_kind.iter().filter(|(k, _)| !NOT_BOUNCES.contains(k)).map(|(_, c)| c).sum();
    let delivered = by_kind.get("delivered").copied().unwrap_or(0);
    let g = |k: &str| by_kind.get(k).copied().unwrap_or(0);
    h.push_str("<section aria-labelledby=\"totals-h\"><h2 id=\"totals-h\" class=\"sr\">Totals</h2><ul class=\"cards\">");
    let card = |h: &mut String, label: &str, value: String, note: &str, class: &str, href: Option<String>| {
        let inner = format!("<span class=\"label\">{label}</span><span class=\"value\">{value}</span><span class=\"note\">{note}</span>");
        match href {
            Some(u) => {
                let _ = write!(h, "<li class=\"card {class}\"><a href=\"{}\">{inner}</a></li>", esc(&u));
            }
            None => {
                let _ = write!(h, "<li class=\"card {class}\">{inner}</li>");
            }
        }
    };
    card(&mut h, "Bounces", num(bounces), "in this period", "", Some("/ui/events".into()));
    card(&mut h, "Hard", num(g("hard")), "address is dead", "c-hard", Some("/ui/events?kind=hard".into()));
    card(&mut h, "Soft", num(g("soft")), "temporary", "c-soft", Some("/ui/events?kind=soft".into()));
    card(&mut h, "Blocks", num(g("block")), "the sender was refused", "c-block", Some("/ui/events?kind=block".into()));
    card(&mut h, "Complaints", num(g("complaint")), "marked as spam", "c-complaint", Some("/ui/events?kind=complaint".into()));
    let rate_text = if delivered > 0 { percent(bounces as f64 / (bounces + delivered) as f64) } else { "—".to_string() };
    let rate_note = if delivered > 0 { format!("{} deliveries known", num(delivered)) } else { "no deliveries recorded".to_string() };
    card(&mut h, "Bounce rate", rate_text, &rate_note, "", None);
    card(&mut h, "Suppressed", num(d.counts.suppressions_active), "active entries", "", Some("/ui/suppressions".into()));
    card(&mut h, "Incidents", num(d.counts.incidents_current), "domains held", if d.counts.incidents_current > 0 { "c-warn" } else { "" }, Some("/ui/domains".into()));
    card(&mut h, "Sender alerts", num(d.counts.alerts_open), "providers blocking us", if d.counts.alerts_open > 0 { "c-warn" } else { "" }, Some("#alerts-h".into()));
    h.push_str("</ul></section>");

    // Charts.
    let unit = match period.width {
        HOUR => "hour",
        DAY => "day",
        _ => "week",
    };
    let bounce_kinds: Vec<(usize, String, i64)> = d.kinds.iter().filter(|(_, k, _)| !NOT_BOUNCES.contains(&k.as_str())).cloned().collect();
    let bounce_reasons: Vec<(usize, String, i64)> = d.reasons.iter().filter(|(_, k, _)| !NOT_BOUNCE_REASONS.contains(&k.as_str())).cloned().collect();
    let kind_series: Vec<Series> = chart::series_from(n, &bounce_kinds, 10, Some(chart::kind_colour), Some(KIND_ORDER));
    let reason_series: Vec<Series> = chart::series_from(n, &bounce_reasons, 8, None, None);
    h.push_str("<section aria-labelledby=\"charts-h\"><h2 id=\"charts-h\">Bounces per ");
    h.push_str(unit);
    h.push_str("</h2>");
    if d.capped {
        let _ = write!(h, "{}", super::html::notice("info", &format!("The hourly view counts the latest {} events of the period only.", num(HOURLY_CAP as i64))));
    }
    h.push_str("<div class=\"charts\">");
    h.push_str(&chart::stacked(&Stacked {
        id: "chart-kind".into(),
        title: format!("By kind, per {unit}"),
        buckets: starts.clone(),
        labels: short.clone(),
        long_labels: long.clone(),
        series: kind_series,
    }));
    h.push_str(&chart::stacked(&Stacked {
        id: "chart-reason".into(),
        title: format!("By reason, per {unit}"),
        buckets: starts.clone(),
        labels: short.clone(),
        long_labels: long.clone(),
        series: reason_series,
    }));
    // Bounce rate where deliveries are known.
    let mut per_bucket = vec![(0i64, 0i64); n];
    for (i, k, c) in &d.kinds {
        if k == "delivered" {
            per_bucket[*i].1 += c;
        } else if !NOT_BOUNCES.contains(&k.as_str()) {
            per_bucket[*i].0 += c;
        }
    }
    let points = per_bucket.iter().map(|(b, dl)| (*dl > 0).then_some((*b, b + dl))).collect();
    h.push_str(&chart::rate(&Rate { id: "chart-rate".into(), title: format!("Bounce rate per {unit} (bounces ÷ bounces and deliveries)"), labels: short, long_labels: long, points }));
    h.push_str(&top_reasons(&bounce_reasons, bounces));
    h.push_str("</div><p class=\"muted small\">Deliveries and auto-replies are not bounces and are left out of the bars. Hover a bar for its numbers, or open the data table.</p></section>");

    // Attention: incidents and alerts.
    h.push_str("<section aria-labelledby=\"incidents-h\"><h2 id=\"incidents-h\">Open domain incidents</h2>");
    h.push_str(&incident_table(&d.incidents, false));
    h.push_str("</section>");
    h.push_str("<section aria-labelledby=\"alerts-h\"><h2 id=\"alerts-h\">Sender alerts</h2>");
    let all_alerts = p.get("alerts") == Some("all");
    let shown = if all_alerts { d.alerts.len() } else { d.alerts.len().min(ALERTS_SHOWN) };
    h.push_str(&alert_table(&d.alerts[..shown]));
    if shown < d.alerts.len() {
        let _ = write!(
            h,
            "<p><a href=\"{}#alerts-h\">Show all {} alerts</a></p>",
            esc(&Query::new().add("range", period.key).add("alerts", "all").url("/ui/")),
            d.alerts.len()
        );
    }
    h.push_str("</section>");

    // Domains.
    h.push_str("<section aria-labelledby=\"domains-h\"><h2 id=\"domains-h\">Top receiving domains</h2>");
    h.push_str(&domain_table(&d.domains));
    h.push_str("<p><a href=\"/ui/domains\">All domains →</a></p></section>");

    // Latest events.
    h.push_str("<section aria-labelledby=\"latest-h\"><h2 id=\"latest-h\">Latest events</h2>");
    h.push_str(&super::events::table(&d.latest, "Latest events"));
    h.push_str("<p><a href=\"/ui/events\">All events →</a></p></section>");
    page(&v, Nav::Overview, "Overview", h)
}

/// The busiest reasons of the period with their share of all bounces.
fn top_reasons(rows: &[(usize, String, i64)], bounces: i64) -> String {
    let mut totals: BTreeMap<&str, i64> = BTreeMap::new();
    for (_, k, c) in rows {
        *totals.entry(k.as_str()).or_insert(0) += c;
    }
    let mut v: Vec<(&str, i64)> = totals.into_iter().collect();
    v.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
    let mut h = String::from("<figure class=\"chart\" id=\"top-reasons\"><figcaption><h3>Top reasons</h3></figcaption>");
    if v.is_empty() || bounces == 0 {
        h.push_str("<p class=\"empty\">Nothing in this period.</p></figure>");
        return h;
    }
    h.push_str("<div class=\"scroll-x\"><table class=\"bars\"><thead><tr><th scope=\"col\">Reason</th><th scope=\"col\" class=\"n\">Bounces</th><th scope=\"col\">Share</th></tr></thead><tbody>");
    for (reason, count) in v.iter().take(8) {
        let share = *count as f64 / bounces as f64;
        let _ = write!(
            h,
            "<tr><th scope=\"row\"><a href=\"{}\">{}</a></th><td class=\"n\">{}</td><td class=\"share\"><svg width=\"100\" height=\"10\" aria-hidden=\"true\"><rect width=\"100\" height=\"10\" rx=\"2\" fill=\"#e6e9ee\"/><rect width=\"{:.1}\" height=\"10\" rx=\"2\" fill=\"#1f6fb2\"/></svg> {}</td></tr>",
            esc(&Query::new().add("reason", *reason).url("/ui/events")),
            esc(reason),
            num(*count),
            share * 100.0,
            percent(share)
        );
    }
    h.push_str("</tbody></table></div></figure>");
    h
}

/// Per-domain statistics as a table.
pub(crate) fn domain_table(rows: &[DomainStat]) -> String {
    if rows.is_empty() {
        return "<p class=\"empty\">No events in this period.</p>".into();
    }
    let mut h = String::from(
        "<div class=\"scroll\"><table><thead><tr><th scope=\"col\">Domain</th><th scope=\"col\" class=\"n\">Events</th><th scope=\"col\" class=\"n\">Hard</th><th scope=\"col\" class=\"n\">Soft</th><th scope=\"col\" class=\"n\">Block</th><th scope=\"col\" class=\"n\">Complaints</th><th scope=\"col\" class=\"n\">Delivered</th><th scope=\"col\" class=\"n\">Bounce rate</th><th scope=\"col\">Incident</th></tr></thead><tbody>",
    );
    for d in rows {
        let bounces = d.hard + d.soft + d.block;
        let rate = if d.delivered > 0 { percent(bounces as f64 / (bounces + d.delivered) as f64) } else { "<span class=\"muted\" title=\"No deliveries recorded for this domain\">—</span>".into() };
        let inc = d.incident.map(|s| state_badge(s.as_str())).unwrap_or_default();
        let _ = write!(
            h,
            "<tr><th scope=\"row\"><a href=\"/ui/domains/{}\">{}</a></th><td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td><td>{}</td></tr>",
            esc(&path_seg(&d.domain)),
            esc(&d.domain),
            num(d.total),
            num(d.hard),
            num(d.soft),
            num(d.block),
            num(d.complaint),
            num(d.delivered),
            rate,
            inc
        );
    }
    h.push_str("</tbody></table></div>");
    h
}

/// Incidents as a table; `all` adds the closing columns.
pub(crate) fn incident_table(rows: &[Incident], all: bool) -> String {
    if rows.is_empty() {
        return "<p class=\"empty ok\">None: every receiving domain takes mail normally.</p>".into();
    }
    let mut h = String::from("<div class=\"scroll\"><table><thead><tr><th scope=\"col\">Domain</th><th scope=\"col\">State</th><th scope=\"col\">Opened</th><th scope=\"col\">Last failure</th><th scope=\"col\" class=\"n\">Recipients</th><th scope=\"col\" class=\"n\">Failures</th><th scope=\"col\">DNS</th>");
    if all {
        h.push_str("<th scope=\"col\">Closed</th><th scope=\"col\">Why</th>");
    }
    h.push_str("</tr></thead><tbody>");
    for i in rows {
        let _ = write!(
            h,
            "<tr><th scope=\"row\"><a href=\"/ui/domains/{}\">{}</a></th><td>{}</td><td class=\"nowrap\">{}</td><td class=\"nowrap\">{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td><td>{}</td>",
            esc(&path_seg(&i.domain)),
            esc(&i.domain),
            state_badge(i.state.as_str()),
            time_el(i.opened_at),
            time_el(i.last_failure_at),
            num(i.recipients),
            num(i.failures),
            super::domains::dns_cell(i),
        );
        if all {
            let _ = write!(h, "<td class=\"nowrap\">{}</td><td>{}</td>", i.closed_at.map(time_el).unwrap_or_default(), esc(i.close_cause.as_deref().unwrap_or("")));
        }
        h.push_str("</tr>");
    }
    h.push_str("</tbody></table></div>");
    h
}

/// Sender alerts as a table.
pub(crate) fn alert_table(rows: &[SenderAlert]) -> String {
    if rows.is_empty() {
        return "<p class=\"empty ok\">None: no provider is blocking your mail.</p>".into();
    }
    let mut h = String::from("<div class=\"scroll\"><table><thead><tr><th scope=\"col\">Provider</th><th scope=\"col\">Reason</th><th scope=\"col\" class=\"n\">Blocks</th><th scope=\"col\">Last seen</th><th scope=\"col\">Last reply</th></tr></thead><tbody>");
    for a in rows {
        let code = a.last_status.as_deref().map(|c| format!("<a href=\"/ui/codes/{}\">{}</a> ", esc(&path_seg(c)), esc(c))).unwrap_or_default();
        let diag = a.last_diagnostic.as_deref().unwrap_or("");
        let short: String = diag.chars().take(110).collect();
        let more = if diag.chars().count() > 110 { "…" } else { "" };
        let _ = write!(
            h,
            "<tr><th scope=\"row\">{}{}</th><td><a href=\"{}\">{}</a></td><td class=\"n\">{}</td><td class=\"nowrap\">{}</td><td class=\"diag\">{}<span title=\"{}\">{}{}</span></td></tr>",
            esc(&a.provider),
            a.sample_domain.as_deref().filter(|d| *d != a.provider).map(|d| format!(" <span class=\"muted small\">({})</span>", esc(d))).unwrap_or_default(),
            esc(&Query::new().add("reason", &a.reason).url("/ui/events")),
            esc(&a.reason),
            num(a.count),
            time_el(a.last_seen),
            code,
            esc(diag),
            esc(&short),
            more
        );
    }
    h.push_str("</tbody></table></div><p class=\"muted small\">A block means the receiving provider refused <em>your</em> mail (reputation, authentication, content). The recipients are fine and are not suppressed: fix the sending side.</p>");
    h
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn buckets_end_after_now() {
        let now = 1_742_097_600 + 1234; // 2025-03-16T04:20:34Z, a Sunday
        let (s, since, end) = buckets(&PERIODS[0], now);
        assert_eq!(s.len(), 48);
        assert_eq!(end - since, 48 * HOUR);
        assert!(end > now && end - now <= HOUR);
        let (s, _, end) = buckets(&PERIODS[3], now);
        assert_eq!(s.len(), 13);
        // The last week starts on Monday 2025-03-10.
        assert_eq!(bouncekit_policy::time::format_rfc3339(*s.last().expect("one")), "2025-03-10T00:00:00Z");
        assert!(end > now);
    }

    #[test]
    fn report_rows_land_in_their_buckets() {
        let rows = vec![
            ReportRow { bucket: 86_400 * 10, key: "hard".into(), count: 2, share: 1.0 },
            ReportRow { bucket: 86_400 * 12, key: "soft".into(), count: 1, share: 1.0 },
            ReportRow { bucket: 86_400 * 20, key: "soft".into(), count: 1, share: 1.0 },
        ];
        let r = rows_from_report(&rows, 86_400 * 10, DAY, 5);
        assert_eq!(r, vec![(0, "hard".to_string(), 2), (2, "soft".to_string(), 1)]);
    }
}
