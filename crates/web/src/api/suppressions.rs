//! The suppression list: single entries, listing with cursor paging, bulk checks,
//! import and streamed export.

use std::time::Instant;

use axum::Json;
use axum::body::Body;
use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use bouncekit_policy::address::domain_of;

use bouncekit_policy::address::normalise;
use bouncekit_policy::time::parse_instant;
use bouncekit_store::exchange;
use bouncekit_store::{Check, ImportOutcome, NewSuppression, Suppression, SuppressionFilter, SuppressionStatus};
use bytes::Bytes;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::ingest::parse_scope;
use crate::AppState;
use crate::auth::{Access, Caller};
use crate::error::{ApiError, ApiJson, ApiPath, ApiQuery, ApiResult, Problem};

/// Query of the single-address endpoints.
#[derive(Debug, Deserialize, IntoParams)]
pub struct ScopeQuery {
    /// `global` (default), `tenant:NAME` or `list:NAME`.
    pub scope: Option<String>,
    /// A note for the audit log (DELETE).
    pub note: Option<String>,
}

/// One address: the check answer and its suppressions in every scope.
#[derive(Debug, Serialize, ToSchema)]
pub struct AddressView {
    /// The normalised address.
    pub address: String,
    /// May I send to it in the asked scope?
    #[schema(value_type = crate::schema::CheckDoc)]
    pub check: Check,
    /// Its suppression entries (any status, any scope).
    #[schema(value_type = Vec<crate::schema::SuppressionDoc>)]
    pub suppressions: Vec<Suppression>,
}

fn address(a: &str) -> Result<String, ApiError> {
    normalise(a).ok_or_else(|| ApiError::bad_request(format!("`{a}` is not an email address")))
}

/// The check answer and suppression entries of one address.
#[utoipa::path(
    get, path = "/v1/suppressions/{address}", tag = "suppressions",
    params(("address" = String, Path, description = "An email address"), ScopeQuery),
    responses(
        (status = 200, body = AddressView),
        (status = 400, description = "Not an address or bad scope", body = Problem, content_type = "application/problem+json"),
        (status = 401, body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
pub async fn get_one(State(st): State<AppState>, caller: Caller, ApiPath(a): ApiPath<String>, ApiQuery(q): ApiQuery<ScopeQuery>) -> ApiResult<Json<AddressView>> {
    caller.require(Access::Read)?;
    let addr = address(&a)?;
    let scope = parse_scope(q.scope.as_deref())?;
    let a2 = addr.clone();
    let (check, suppressions) = st
        .db()
        .read(move |s| {
            let check = s.check(&a2, &scope)?;
            // The domain filter uses the (domain, status) index; `contains` then
            // narrows to the address, compared exactly below.
            let f = SuppressionFilter { domain: Some(domain_of(&a2).to_string()), contains: Some(a2.clone()), ..SuppressionFilter::default() };
            let rows = s.suppressions(&f)?.into_iter().filter(|r| r.address == a2).collect::<Vec<_>>();
            Ok((check, rows))
        })
        .await?;
    Ok(Json(AddressView { address: addr, check, suppressions }))
}

/// A suppression added by hand.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PutSuppression {
    /// `global` (default), `tenant:NAME` or `list:NAME`.
    pub scope: Option<String>,
    /// `manual` (default), or a kind such as `hard` or `complaint`.
    pub kind: Option<String>,
    /// `manual` (default), or a reason such as `userunknown`.
    pub reason: Option<String>,
    /// When it lapses: RFC 3339, a date or Unix seconds; absent is never.
    #[schema(value_type = Option<String>)]
    pub expires_at: Option<serde_json::Value>,
    /// A note.
    pub note: Option<String>,
}

const MANUAL_KINDS: &[&str] = &["manual", "domain", "forgotten"];

/// Suppresses an address by hand (replacing what is stored for it in that scope).
#[utoipa::path(
    put, path = "/v1/suppressions/{address}", tag = "suppressions",
    params(("address" = String, Path, description = "An email address")),
    request_body(content = Option<PutSuppression>, description = "Optional details; an empty body is a manual global suppression"),
    responses(
        (status = 200, body = crate::schema::SuppressionDoc),
        (status = 400, description = "Not an address, bad scope, kind, reason or expiry", body = Problem, content_type = "application/problem+json"),
        (status = 401, body = Problem, content_type = "application/problem+json"),
        (status = 403, body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
pub async fn put_one(State(st): State<AppState>, caller: Caller, ApiPath(a): ApiPath<String>, body: Bytes) -> ApiResult<Json<Suppression>> {
    caller.require(Access::Write)?;
    let addr = address(&a)?;
    let req: PutSuppression = if body.iter().all(u8::is_ascii_whitespace) {
        PutSuppression::default()
    } else {
        serde_json::from_slice(&body).map_err(|e| ApiError::bad_request(format!("invalid JSON body: {e}")))?
    };
    let scope = parse_scope(req.scope.as_deref())?;
    if let Some(k) = &req.kind
        && !MANUAL_KINDS.contains(&k.as_str())
        && k.parse::<bouncekit_core::Kind>().is_err()
    {
        return Err(ApiError::bad_request(format!("unknown kind `{k}`")));
    }
    if let Some(r) = &req.reason
        && r != "manual"
        && r.parse::<bouncekit_core::Reason>().is_err()
    {
        return Err(ApiError::bad_request(format!("unknown reason `{r}`")));
    }
    let expires_at = match &req.expires_at {
        None | Some(serde_json::Value::Null) => None,
        Some(serde_json::Value::Number(n)) => Some(n.as_i64().ok_or_else(|| ApiError::bad_request("expires_at: not a Unix time"))?),
        Some(serde_json::Value::String(s)) if s.trim().is_empty() || s.trim() == "never" => None,
        Some(serde_json::Value::String(s)) => Some(parse_instant(s).map_err(|e| ApiError::bad_request(format!("expires_at: {e}")))?),
        Some(_) => return Err(ApiError::bad_request("expires_at: expected RFC 3339 text or Unix seconds")),
    };
    let new = NewSuppression { address: addr.clone(), scope, kind: req.kind, reason: req.reason, expires_at, note: req.note };
    let actor = caller.name.clone();
    let row = st.db().write(move |s| s.add(&new, &actor)).await?;
    Ok(Json(row))
}

/// Removes a suppression by hand (it stays listed as removed) and clears the address's
/// soft counts in that scope.
#[utoipa::path(
    delete, path = "/v1/suppressions/{address}", tag = "suppressions",
    params(("address" = String, Path, description = "An email address"), ScopeQuery),
    responses(
        (status = 204, description = "Removed"),
        (status = 400, body = Problem, content_type = "application/problem+json"),
        (status = 401, body = Problem, content_type = "application/problem+json"),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "Not suppressed in that scope", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
pub async fn delete_one(State(st): State<AppState>, caller: Caller, ApiPath(a): ApiPath<String>, ApiQuery(q): ApiQuery<ScopeQuery>) -> ApiResult<StatusCode> {
    caller.require(Access::Write)?;
    let addr = address(&a)?;
    let scope = parse_scope(q.scope.as_deref())?;
    let actor = caller.name.clone();
    let a2 = addr.clone();
    let removed = st.db().write(move |s| s.remove(&a2, &scope, &actor, q.note.as_deref())).await?;
    if removed { Ok(StatusCode::NO_CONTENT) } else { Err(ApiError::not_found(format!("{addr} is not suppressed in that scope"))) }
}

/// Filters of the listing and the export.
#[derive(Debug, Default, Deserialize, IntoParams)]
pub struct ListQuery {
    /// Only this scope.
    pub scope: Option<String>,
    /// Only this status: active, expired or removed.
    pub status: Option<String>,
    /// Only this kind.
    pub kind: Option<String>,
    /// Only this reason.
    pub reason: Option<String>,
    /// Only this domain.
    pub domain: Option<String>,
    /// Only addresses containing this text.
    pub contains: Option<String>,
    /// Only entries seen at or after this instant (RFC 3339, date or Unix seconds).
    pub since: Option<String>,
    /// Page size, 1–1000 (default 100).
    pub limit: Option<usize>,
    /// The `next_cursor` of the previous page.
    pub cursor: Option<String>,
    /// Export format: `csv` (default) or `json`.
    pub format: Option<String>,
}

impl ListQuery {
    fn filter(&self) -> Result<SuppressionFilter, ApiError> {
        let status = match self.status.as_deref() {
            None => None,
            Some(s) => Some(SuppressionStatus::parse(s).ok_or_else(|| ApiError::bad_request(format!("status `{s}`: expected active, expired or removed")))?),
        };
        let since = match self.since.as_deref() {
            None => None,
            Some(s) => Some(parse_instant(s).map_err(|e| ApiError::bad_request(format!("since: {e}")))?),
        };
        Ok(SuppressionFilter {
            scope: self.scope.as_deref().map(|s| parse_scope(Some(s))).transpose()?,
            status,
            kind: self.kind.clone(),
            reason: self.reason.clone(),
            domain: self.domain.clone(),
            contains: self.contains.clone(),
            since,
            limit: 0,
            offset: 0,
        })
    }
}

/// A page of suppressions.
#[derive(Debug, Serialize, ToSchema)]
pub struct SuppressionPage {
    /// Entries, most recently seen first.
    #[schema(value_type = Vec<crate::schema::SuppressionDoc>)]
    pub items: Vec<Suppression>,
    /// Pass as `cursor` for the next page; null on the last page.
    pub next_cursor: Option<String>,
}

/// Largest page.
const MAX_PAGE: usize = 1000;

fn decode_cursor(c: &str) -> Result<usize, ApiError> {
    let bad = || ApiError::bad_request("invalid cursor");
    let raw = URL_SAFE_NO_PAD.decode(c.trim()).map_err(|_| bad())?;
    let text = std::str::from_utf8(&raw).map_err(|_| bad())?;
    text.strip_prefix("o:").and_then(|n| n.parse().ok()).ok_or_else(bad)
}

fn encode_cursor(offset: usize) -> String {
    URL_SAFE_NO_PAD.encode(format!("o:{offset}"))
}

/// Lists suppressions with filters and cursor paging.
#[utoipa::path(
    get, path = "/v1/suppressions", tag = "suppressions",
    params(ListQuery),
    responses(
        (status = 200, body = SuppressionPage),
        (status = 400, description = "Bad filter or cursor", body = Problem, content_type = "application/problem+json"),
        (status = 401, body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
pub async fn list(State(st): State<AppState>, caller: Caller, ApiQuery(q): ApiQuery<ListQuery>) -> ApiResult<Json<SuppressionPage>> {
    caller.require(Access::Read)?;
    let mut f = q.filter()?;
    let limit = q.limit.unwrap_or(100).clamp(1, MAX_PAGE);
    let offset = q.cursor.as_deref().map(decode_cursor).transpose()?.unwrap_or(0);
    f.limit = limit + 1;
    f.offset = offset;
    let mut items = st.db().read(move |s| s.suppressions(&f)).await?;
    let next_cursor = if items.len() > limit {
        items.truncate(limit);
        Some(encode_cursor(offset + limit))
    } else {
        None
    };
    Ok(Json(SuppressionPage { items, next_cursor }))
}

/// A bulk check.
#[derive(Debug, Deserialize, ToSchema)]
pub struct CheckRequest {
    /// Addresses to check, at most 10 000.
    pub addresses: Vec<String>,
    /// `global` (default), `tenant:NAME` or `list:NAME`.
    pub scope: Option<String>,
}

/// One answer per address, in order.
#[derive(Debug, Serialize, ToSchema)]
pub struct CheckResponse {
    /// The answers.
    #[schema(value_type = Vec<crate::schema::CheckDoc>)]
    pub results: Vec<Check>,
}

/// May I send to these addresses? One answer per address, in order, from one consistent
/// snapshot.
#[utoipa::path(
    post, path = "/v1/suppressions/check", tag = "suppressions",
    request_body = CheckRequest,
    responses(
        (status = 200, body = CheckResponse),
        (status = 400, description = "Bad JSON or scope", body = Problem, content_type = "application/problem+json"),
        (status = 401, body = Problem, content_type = "application/problem+json"),
        (status = 413, description = "More addresses than the limit", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
pub async fn check(State(st): State<AppState>, caller: Caller, ApiJson(req): ApiJson<CheckRequest>) -> ApiResult<Json<CheckResponse>> {
    caller.require(Access::Read)?;
    let max = st.limits().max_check;
    if req.addresses.len() > max {
        return Err(ApiError::too_large(format!("at most {max} addresses per check")).with("limit", max));
    }
    let scope = parse_scope(req.scope.as_deref())?;
    let started = Instant::now();
    let results = st
        .db()
        .read(move |s| {
            let refs: Vec<&str> = req.addresses.iter().map(String::as_str).collect();
            s.check_many(&refs, &scope)
        })
        .await?;
    st.metrics().check_latency(started.elapsed());
    Ok(Json(CheckResponse { results }))
}

/// Query of the import.
#[derive(Debug, Deserialize, IntoParams)]
pub struct ImportQuery {
    /// `csv` or `json`; default from `Content-Type` (`text/csv` → CSV, else JSON).
    pub format: Option<String>,
}

/// Imports suppressions (CSV with a header row, a JSON array or JSON lines) in one
/// transaction. Idempotent; bad rows are reported with their row number and the rest is
/// taken.
#[utoipa::path(
    post, path = "/v1/suppressions/import", tag = "suppressions",
    params(ImportQuery),
    request_body(content = String, content_type = "text/csv", description = "CSV with an `address` column, or (Content-Type: application/json) an array of suppressions"),
    responses(
        (status = 200, body = crate::schema::ImportOutcomeDoc),
        (status = 400, description = "Not CSV/JSON at all", body = Problem, content_type = "application/problem+json"),
        (status = 401, body = Problem, content_type = "application/problem+json"),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 413, body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
pub async fn import(State(st): State<AppState>, caller: Caller, ApiQuery(q): ApiQuery<ImportQuery>, headers: HeaderMap, body: Bytes) -> ApiResult<Json<ImportOutcome>> {
    caller.require(Access::Write)?;
    let csv = match q.format.as_deref() {
        Some("csv") => true,
        Some("json") => false,
        Some(other) => return Err(ApiError::bad_request(format!("format `{other}`: expected csv or json"))),
        None => headers.get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).is_some_and(|ct| ct.to_ascii_lowercase().contains("csv")),
    };
    let rows = crate::db::blocking(move || {
        let r = if csv { exchange::read_csv(&body[..]) } else { exchange::read_json(&body[..]) };
        r.map_err(|e| ApiError::bad_request(format!("cannot read the import: {e}")))
    })
    .await?;
    let mut good = Vec::new();
    let mut errors = Vec::new();
    for (n, r) in rows {
        match r {
            Ok(s) => good.push((n, s)),
            Err(e) => errors.push(e),
        }
    }
    let total = (good.len() + errors.len()) as u64;
    let actor = caller.name.clone();
    let mut out = st.db().write(move |s| s.import(&good, &actor)).await?;
    out.rows = total;
    out.errors.extend(errors);
    out.errors.sort_by_key(|e| e.row);
    Ok(Json(out))
}

/// Rows per page read from the store while exporting.
const EXPORT_PAGE: usize = 1000;

/// Exports suppressions as CSV (default) or a JSON array, streamed page by page.
#[utoipa::path(
    get, path = "/v1/suppressions/export", tag = "suppressions",
    params(ListQuery),
    responses(
        (status = 200, description = "CSV with a header row, or a JSON array", content(
            (String = "text/csv"),
            (Vec<crate::schema::SuppressionDoc> = "application/json"),
        )),
        (status = 400, body = Problem, content_type = "application/problem+json"),
        (status = 401, body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
pub async fn export(State(st): State<AppState>, caller: Caller, ApiQuery(q): ApiQuery<ListQuery>) -> ApiResult<Response> {
    caller.require(Access::Read)?;
    let json = match q.format.as_deref() {
        None | Some("csv") => false,
        Some("json") => true,
        Some(other) => return Err(ApiError::bad_request(format!("format `{other}`: expected csv or json"))),
    };
    let filter = q.filter()?;
    // Producer → channel → response body; a client that goes away closes the channel
    // and stops the producer at its next page.
    let (tx, rx) = tokio::sync::mpsc::channel::<Result<Bytes, std::io::Error>>(4);
    let db = st.db().clone();
    tokio::spawn(async move {
        let mut offset = 0;
        let mut first = true;
        if json && tx.send(Ok(Bytes::from_static(b"["))).await.is_err() {
            return;
        }
        loop {
            let mut f = filter.clone();
            f.limit = EXPORT_PAGE;
            f.offset = offset;
            let page = match db.read(move |s| s.suppressions(&f)).await {
                Ok(p) => p,
                Err(e) => {
                    tracing::error!(error = ?e, "export failed");
                    let _ = tx.send(Err(std::io::Error::other("export failed"))).await;
                    return;
                }
            };
            let n = page.len();
            let chunk = if json { json_chunk(&page, first) } else { csv_chunk(&page, first) };
            first = false;
            if tx.send(Ok(Bytes::from(chunk))).await.is_err() {
                return;
            }
            if n < EXPORT_PAGE {
                break;
            }
            offset += n;
        }
        if json {
            let _ = tx.send(Ok(Bytes::from_static(b"]\n"))).await;
        }
    });
    let stream = futures_util::stream::unfold(rx, |mut rx| async move { rx.recv().await.map(|c| (c, rx)) });
    let (ct, name) = if json { ("application/json", "suppressions.json") } else { ("text/csv; charset=utf-8", "suppressions.csv") };
    let mut res = Body::from_stream(stream).into_response();
    res.headers_mut().insert(header::CONTENT_TYPE, HeaderValue::from_static(ct));
    if let Ok(v) = HeaderValue::from_str(&format!("attachment; filename=\"{name}\"")) {
        res.headers_mut().insert(header::CONTENT_DISPOSITION, v);
    }
    Ok(res)
}

fn csv_chunk(rows: &[Suppression], with_header: bool) -> Vec<u8> {
    let mut buf = Vec::new();
    if exchange::write_csv(&mut buf, rows).is_err() {
        return Vec::new();
    }
    if with_header {
        return buf;
    }
    // write_csv always writes the header line (plain column names, no quoting).
    match buf.iter().position(|b| *b == b'\n') {
        Some(i) => buf.split_off(i + 1),
        None => Vec::new(),
    }
}

fn json_chunk(rows: &[Suppression], first: bool) -> Vec<u8> {
    let mut buf = Vec::new();
    for (i, r) in rows.iter().enumerate() {
        if !(first && i == 0) {
            buf.push(b',');
        }
        buf.push(b'\n');
        if serde_json::to_writer(&mut buf, r).is_err() {
            return Vec::new();
        }
    }
    buf
}
