//! Read-mostly views: events, domains, alerts, stats; and GDPR forget.

use axum::Json;
use axum::extract::State;
use bouncekit_policy::address::normalise_domain;

use bouncekit_policy::address::normalise;
use bouncekit_policy::time::{DAY, parse_instant};
use bouncekit_store::{Bucket, Counts, DomainStat, ForgetOutcome, Incident, ReportBy, ReportRow, SenderAlert};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::AppState;
use crate::auth::{Access, Caller};
use bouncekit_store::EventFilter;

use crate::db::EventRow;
use crate::error::{ApiError, ApiJson, ApiPath, ApiQuery, ApiResult, Problem};

fn now() -> i64 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_secs() as i64)
}

fn instant(what: &str, v: Option<&str>) -> Result<Option<i64>, ApiError> {
    v.map(|s| parse_instant(s).map_err(|e| ApiError::bad_request(format!("{what}: {e}")))).transpose()
}

/// Filters of `GET /v1/events`.
#[derive(Debug, Deserialize, IntoParams)]
pub struct EventQuery {
    /// Only this recipient.
    pub address: Option<String>,
    /// Only this receiving domain.
    pub domain: Option<String>,
    /// Only this kind.
    pub kind: Option<String>,
    /// Only this reason.
    pub reason: Option<String>,
    /// Only events from this kind of input: `file`, `stdin`, `reply`, `log`, `webhook`,
    /// `listener`, `mailbox` or `api`.
    pub source: Option<String>,
    /// Only events at or after this instant (RFC 3339, date or Unix seconds).
    pub since: Option<String>,
    /// Only events before this instant.
    pub until: Option<String>,
    /// Page size, 1–1000 (default 100).
    pub limit: Option<usize>,
    /// The `next_cursor` of the previous page.
    pub cursor: Option<String>,
}

/// A page of events.
#[derive(Debug, Serialize, ToSchema)]
pub struct EventPage {
    /// Events, newest first.
    pub items: Vec<EventRow>,
    /// Pass as `cursor` for the next page; null on the last page.
    pub next_cursor: Option<String>,
}

/// Lists stored events (one per record), newest first, with cursor paging.
#[utoipa::path(
    get, path = "/v1/events", tag = "reports",
    params(EventQuery),
    responses(
        (status = 200, body = EventPage),
        (status = 400, body = Problem, content_type = "application/problem+json"),
        (status = 401, body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
pub async fn events(State(st): State<AppState>, caller: Caller, ApiQuery(q): ApiQuery<EventQuery>) -> ApiResult<Json<EventPage>> {
    caller.require(Access::Read)?;
    let limit = q.limit.unwrap_or(100).clamp(1, 1000);
    let before_id = match q.cursor.as_deref() {
        None => None,
        Some(c) => Some(c.trim().parse::<i64>().map_err(|_| ApiError::bad_request("invalid cursor"))?),
    };
    let address = match q.address.as_deref() {
        None => None,
        Some(a) => Some(normalise(a).ok_or_else(|| ApiError::bad_request(format!("`{a}` is not an email address")))?),
    };
    let f = EventFilter {
        address,
        domain: q.domain.as_deref().map(normalise_domain),
        kind: q.kind,
        reason: q.reason,
        source: q.source,
        since: instant("since", q.since.as_deref())?,
        until: instant("until", q.until.as_deref())?,
        before_id,
        id: None,
        limit: limit + 1,
    };
    let mut items: Vec<EventRow> = st.db().read(move |s| s.events(&f)).await?.into_iter().map(EventRow::from).collect();
    let next_cursor = if items.len() > limit {
        items.truncate(limit);
        items.last().map(|e| e.id.to_string())
    } else {
        None
    };
    Ok(Json(EventPage { items, next_cursor }))
}

/// Query of the domain views.
#[derive(Debug, Deserialize, IntoParams)]
pub struct DomainQuery {
    /// Statistics since this instant (default: 30 days ago).
    pub since: Option<String>,
    /// At most this many domains, busiest first (default 100, at most 10 000).
    pub limit: Option<usize>,
}

/// Receiving domains, busiest first.
#[derive(Debug, Serialize, ToSchema)]
pub struct DomainList {
    /// Per-domain statistics with the current incident state.
    #[schema(value_type = Vec<crate::schema::DomainStatDoc>)]
    pub items: Vec<DomainStat>,
}

/// Per-domain statistics since an instant, busiest first.
#[utoipa::path(
    get, path = "/v1/domains", tag = "reports",
    params(DomainQuery),
    responses(
        (status = 200, body = DomainList),
        (status = 400, body = Problem, content_type = "application/problem+json"),
        (status = 401, body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
pub async fn domains(State(st): State<AppState>, caller: Caller, ApiQuery(q): ApiQuery<DomainQuery>) -> ApiResult<Json<DomainList>> {
    caller.require(Access::Read)?;
    let since = instant("since", q.since.as_deref())?.unwrap_or_else(|| now() - 30 * DAY);
    let limit = q.limit.unwrap_or(100).clamp(1, 10_000);
    let items = st.db().read(move |s| s.domains(since, limit)).await?;
    Ok(Json(DomainList { items }))
}

/// One receiving domain.
#[derive(Debug, Serialize, ToSchema)]
pub struct DomainView {
    /// The domain.
    pub domain: String,
    /// Its statistics since the asked instant (null without events).
    #[schema(value_type = Option<crate::schema::DomainStatDoc>)]
    pub stats: Option<DomainStat>,
    /// Its incidents, newest first, closed ones included.
    #[schema(value_type = Vec<crate::schema::IncidentDoc>)]
    pub incidents: Vec<Incident>,
}

/// Statistics and incidents of one receiving domain.
#[utoipa::path(
    get, path = "/v1/domains/{domain}", tag = "reports",
    params(("domain" = String, Path, description = "A domain name"), DomainQuery),
    responses(
        (status = 200, body = DomainView),
        (status = 400, body = Problem, content_type = "application/problem+json"),
        (status = 401, body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "Nothing known about the domain", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
pub async fn domain(State(st): State<AppState>, caller: Caller, ApiPath(d): ApiPath<String>, ApiQuery(q): ApiQuery<DomainQuery>) -> ApiResult<Json<DomainView>> {
    caller.require(Access::Read)?;
    let domain = normalise_domain(&d);
    let since = instant("since", q.since.as_deref())?.unwrap_or_else(|| now() - 30 * DAY);
    let d2 = domain.clone();
    let (stats, incidents) = st
        .db()
        .read(move |s| {
            let stats = s.domains(since, 0)?.into_iter().find(|x| x.domain == d2);
            let incidents = s.incidents(true)?.into_iter().filter(|i| i.domain == d2).collect::<Vec<_>>();
            Ok((stats, incidents))
        })
        .await?;
    if stats.is_none() && incidents.is_empty() {
        return Err(ApiError::not_found(format!("no events or incidents for {domain} in the period")));
    }
    Ok(Json(DomainView { domain, stats, incidents }))
}

/// Query of `GET /v1/alerts`.
#[derive(Debug, Deserialize, IntoParams)]
pub struct AlertQuery {
    /// Include resolved alerts (default false).
    pub include_resolved: Option<bool>,
}

/// Sender alerts.
#[derive(Debug, Serialize, ToSchema)]
pub struct AlertList {
    /// Alerts, most recent first.
    #[schema(value_type = Vec<crate::schema::SenderAlertDoc>)]
    pub items: Vec<SenderAlert>,
}

/// Sender alerts: receiving providers that block us, by reason.
#[utoipa::path(
    get, path = "/v1/alerts", tag = "reports",
    params(AlertQuery),
    responses(
        (status = 200, body = AlertList),
        (status = 400, body = Problem, content_type = "application/problem+json"),
        (status = 401, body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
pub async fn alerts(State(st): State<AppState>, caller: Caller, ApiQuery(q): ApiQuery<AlertQuery>) -> ApiResult<Json<AlertList>> {
    caller.require(Access::Read)?;
    let all = q.include_resolved.unwrap_or(false);
    let items = st.db().read(move |s| s.alerts(all)).await?;
    Ok(Json(AlertList { items }))
}

/// A GDPR forget request.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ForgetRequest {
    /// The address to forget.
    pub address: String,
    /// Keep a salted hash that still suppresses the address (default false).
    #[serde(default)]
    pub keep_tombstone: bool,
}

/// Forgets an address (GDPR): deletes its events, suppressions and soft counts and
/// clears it from the audit log; optionally keeps a hashed tombstone that still
/// suppresses it. Needs admin scope.
#[utoipa::path(
    post, path = "/v1/forget", tag = "suppressions",
    request_body = ForgetRequest,
    responses(
        (status = 200, body = crate::schema::ForgetOutcomeDoc),
        (status = 400, body = Problem, content_type = "application/problem+json"),
        (status = 401, body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Token lacks admin scope", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
pub async fn forget(State(st): State<AppState>, caller: Caller, ApiJson(req): ApiJson<ForgetRequest>) -> ApiResult<Json<ForgetOutcome>> {
    caller.require(Access::Admin)?;
    let actor = caller.name.clone();
    let out = st.db().write(move |s| s.forget(&req.address, req.keep_tombstone, &actor)).await?;
    Ok(Json(out))
}

/// Query of `GET /v1/stats`.
#[derive(Debug, Deserialize, IntoParams)]
pub struct StatsQuery {
    /// Group by `kind` (default), `reason` or `domain`.
    pub by: Option<String>,
    /// Period: `day` (default), `week` or `month`.
    pub bucket: Option<String>,
    /// Start (default: 30 days ago).
    pub since: Option<String>,
    /// End, exclusive (default: now).
    pub until: Option<String>,
}

/// A time series of events.
#[derive(Debug, Serialize, ToSchema)]
pub struct Stats {
    /// What the series is grouped by.
    pub by: String,
    /// The period.
    pub bucket: String,
    /// Start (Unix seconds).
    pub since: i64,
    /// End (Unix seconds).
    pub until: i64,
    /// Events per period and key, oldest period first.
    #[schema(value_type = Vec<crate::schema::ReportRowDoc>)]
    pub series: Vec<ReportRow>,
    /// Sizes of the store now.
    #[schema(value_type = Object)]
    pub counts: Counts,
}

/// Events per period grouped by kind, reason or domain, plus the store's sizes.
#[utoipa::path(
    get, path = "/v1/stats", tag = "reports",
    params(StatsQuery),
    responses(
        (status = 200, body = Stats),
        (status = 400, body = Problem, content_type = "application/problem+json"),
        (status = 401, body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
pub async fn stats(State(st): State<AppState>, caller: Caller, ApiQuery(q): ApiQuery<StatsQuery>) -> ApiResult<Json<Stats>> {
    caller.require(Access::Read)?;
    let by = match q.by.as_deref().unwrap_or("kind") {
        "kind" => ReportBy::Kind,
        "reason" => ReportBy::Reason,
        "domain" => ReportBy::Domain,
        other => return Err(ApiError::bad_request(format!("by `{other}`: expected kind, reason or domain"))),
    };
    let bucket = match q.bucket.as_deref().unwrap_or("day") {
        "day" => Bucket::Day,
        "week" => Bucket::Week,
        "month" => Bucket::Month,
        other => return Err(ApiError::bad_request(format!("bucket `{other}`: expected day, week or month"))),
    };
    let until = instant("until", q.until.as_deref())?.unwrap_or_else(|| now() + 1);
    let since = instant("since", q.since.as_deref())?.unwrap_or(until - 30 * DAY);
    if since > until {
        return Err(ApiError::bad_request("since is after until"));
    }
    let (series, counts) = st.db().read(move |s| Ok((s.report(by, bucket, since, until)?, s.counts()?))).await?;
    Ok(Json(Stats {
        by: q.by.unwrap_or_else(|| "kind".into()),
        bucket: q.bucket.unwrap_or_else(|| "day".into()),
        since,
        until,
        series,
        counts,
    }))
}
