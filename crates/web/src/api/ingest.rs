//! `POST /v1/messages`, `POST /v1/classify`, `GET /v1/codes/{code}`.

use axum::Json;
use axum::extract::State;
use bouncekit_codes::{Code, ExplainError, Lang, explain_reply, explain_status, parse_code};
use bouncekit_core::{Origin, OriginKind, Record};
use bouncekit_policy::Scope;
use bouncekit_store::{IngestOutcome, hash};
use bytes::Bytes;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::AppState;
use crate::auth::{Access, Caller};
use crate::db::blocking;
use crate::error::{ApiError, ApiJson, ApiPath, ApiQuery, ApiResult, Problem};

/// Largest number of reply lines per classify request.
pub const MAX_CLASSIFY_LINES: usize = 10_000;

/// Query of `POST /v1/messages`.
#[derive(Debug, Deserialize, IntoParams)]
pub struct MessageQuery {
    /// The scope the records belong to: `global` (default), `tenant:NAME` or `list:NAME`.
    pub scope: Option<String>,
}

/// What an ingested message produced.
#[derive(Debug, Serialize, ToSchema)]
pub struct MessageResponse {
    /// Messages read (an mbox holds several).
    pub messages: usize,
    /// One record per recipient.
    #[schema(value_type = Vec<crate::schema::RecordDoc>)]
    pub records: Vec<Record>,
    /// What the store did: events stored, suppressions made, alerts raised…
    #[schema(value_type = crate::schema::IngestOutcomeDoc)]
    pub actions: IngestOutcome,
    /// What the parser could not understand.
    pub diagnostics: Vec<String>,
}

pub(crate) fn parse_scope(s: Option<&str>) -> Result<Scope, ApiError> {
    match s {
        None => Ok(Scope::Global),
        Some(s) => s.parse().map_err(|e: bouncekit_policy::scope::ScopeError| ApiError::bad_request(e.to_string())),
    }
}

/// Parses raw bounce bytes into (source id, records) per message, plus diagnostics.
pub(crate) fn parse_raw(body: &[u8], origin: Origin, scope: &Scope) -> (Vec<(String, Vec<Record>)>, Vec<String>) {
    let id = hash::content_id(body);
    let parsed = bouncekit_parse::parse_bytes(body, &origin);
    let many = parsed.len() > 1;
    let mut messages = Vec::with_capacity(parsed.len());
    let mut diagnostics = Vec::new();
    for (i, mut p) in parsed.into_iter().enumerate() {
        if !scope.is_global() {
            for r in &mut p.records {
                r.scope = Some(scope.to_string());
            }
        }
        diagnostics.extend(p.diagnostics.into_iter().map(|d| d.message));
        let sid = if many { format!("{id}#{}", i + 1) } else { id.clone() };
        messages.push((sid, p.records));
    }
    (messages, diagnostics)
}

/// Ingests a raw bounce: parses it into records and stores them (idempotently: the same
/// bytes again change nothing).
#[utoipa::path(
    post, path = "/v1/messages", tag = "ingest",
    params(MessageQuery),
    request_body(content = String, content_type = "text/plain", description = "A raw RFC 5322 bounce message (or an mbox), sent as it is; any Content-Type (message/rfc822, text/plain) is accepted."),
    responses(
        (status = 200, description = "Records and the actions taken", body = MessageResponse),
        (status = 400, description = "Bad scope", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "No valid token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Token lacks write scope", body = Problem, content_type = "application/problem+json"),
        (status = 413, description = "Body too large", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
pub async fn post_message(State(st): State<AppState>, caller: Caller, ApiQuery(q): ApiQuery<MessageQuery>, body: Bytes) -> ApiResult<Json<MessageResponse>> {
    caller.require(Access::Write)?;
    let scope = parse_scope(q.scope.as_deref())?;
    let origin = Origin { kind: OriginKind::Api, name: format!("api {}", caller.name) };
    let (messages, diagnostics) = blocking(move || Ok(parse_raw(&body, origin, &scope))).await?;
    let n = messages.len();
    let records: Vec<Record> = messages.iter().flat_map(|(_, r)| r.iter().cloned()).collect();
    let to_store = messages.clone();
    let outcomes = st
        .db()
        .write(move |s| {
            let batch: Vec<(Option<&str>, &[Record])> = to_store.iter().map(|(id, r)| (Some(id.as_str()), r.as_slice())).collect();
            s.ingest_batch(&batch)
        })
        .await?;
    let mut actions = IngestOutcome::default();
    for o in &outcomes {
        actions.add(o);
    }
    count_events(&st, "api", &messages, &outcomes);
    Ok(Json(MessageResponse { messages: n, records, actions, diagnostics }))
}

/// Counts stored events by kind in the metrics. Outcomes say how many of a message's
/// records were new, not which: when all are new (the common case) each record counts;
/// otherwise the new ones are counted under the message's first kind.
pub(crate) fn count_events(st: &AppState, source: &str, messages: &[(String, Vec<Record>)], outcomes: &[IngestOutcome]) {
    for ((_, records), o) in messages.iter().zip(outcomes) {
        if o.new_events == records.len() as u64 {
            for r in records {
                st.metrics().events(source, r.kind.as_str(), 1);
            }
        } else if let Some(r) = records.first() {
            st.metrics().events(source, r.kind.as_str(), o.new_events);
        }
    }
}

/// Reply lines to classify.
#[derive(Debug, Deserialize, ToSchema)]
pub struct ClassifyRequest {
    /// SMTP reply lines (multi-line replies joined with `\n`), at most 10 000.
    pub lines: Vec<String>,
}

/// One record per line.
#[derive(Debug, Serialize, ToSchema)]
pub struct ClassifyResponse {
    /// The records, in order.
    #[schema(value_type = Vec<crate::schema::RecordDoc>)]
    pub records: Vec<Record>,
}

/// Classifies SMTP reply lines: reason, kind, blame and action. Stores nothing.
#[utoipa::path(
    post, path = "/v1/classify", tag = "ingest",
    request_body = ClassifyRequest,
    responses(
        (status = 200, body = ClassifyResponse),
        (status = 400, description = "Bad JSON", body = Problem, content_type = "application/problem+json"),
        (status = 401, body = Problem, content_type = "application/problem+json"),
        (status = 413, description = "More than 10 000 lines", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
pub async fn classify(caller: Caller, ApiJson(req): ApiJson<ClassifyRequest>) -> ApiResult<Json<ClassifyResponse>> {
    caller.require(Access::Read)?;
    if req.lines.len() > MAX_CLASSIFY_LINES {
        return Err(ApiError::too_large(format!("at most {MAX_CLASSIFY_LINES} lines per request")).with("limit", MAX_CLASSIFY_LINES));
    }
    let records = blocking(move || {
        Ok(req
            .lines
            .iter()
            .map(|l| {
                let mut r = bouncekit_classify::classify_reply(l);
                r.origin = Origin { kind: OriginKind::Api, name: "classify".into() };
                r
            })
            .collect())
    })
    .await?;
    Ok(Json(ClassifyResponse { records }))
}

/// Query of `GET /v1/codes/{code}`.
#[derive(Debug, Deserialize, IntoParams)]
pub struct CodeQuery {
    /// `en` (default) or `de`.
    pub lang: Option<String>,
}

/// Explains an enhanced status code (`5.3.0`) or a reply code (`550`): the sections of
/// a support page, in English or German.
#[utoipa::path(
    get, path = "/v1/codes/{code}", tag = "codes",
    params(("code" = String, Path, description = "An enhanced status code such as 5.1.1 or a reply code such as 550"), CodeQuery),
    responses(
        (status = 200, description = "A status page (enhanced code) or a reply page (reply code)", body = Object),
        (status = 400, description = "Unknown language", body = Problem, content_type = "application/problem+json"),
        (status = 401, body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "Not a known code; `nearest` lists the nearest valid codes", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
pub async fn code(caller: Caller, ApiPath(code): ApiPath<String>, ApiQuery(q): ApiQuery<CodeQuery>) -> ApiResult<Json<serde_json::Value>> {
    caller.require(Access::Read)?;
    let lang: Lang = match q.lang.as_deref() {
        None => Lang::En,
        Some(l) => l.parse().map_err(|e: ExplainError| ApiError::bad_request(e.to_string()))?,
    };
    let page = parse_code(&code).and_then(|c| match c {
        Code::Status(s) => explain_status(s, lang).map(|p| serde_json::to_value(p).unwrap_or_default()),
        Code::Reply(r) => explain_reply(r, lang).map(|p| serde_json::to_value(p).unwrap_or_default()),
    });
    match page {
        Ok(v) => Ok(Json(v)),
        Err(e) => {
            let nearest = match &e {
                ExplainError::Malformed { nearest, .. } | ExplainError::UnknownReply { nearest, .. } | ExplainError::UnknownSubject { nearest, .. } => {
                    nearest.clone()
                }
                ExplainError::Language(_) => Vec::new(),
            };
            Err(ApiError::not_found(e.to_string()).with("nearest", nearest))
        }
    }
}
