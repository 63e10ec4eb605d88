//! `POST /v1/webhooks/{provider}`: signed ESP events, verified by `bouncekit-webhooks`,
//! stored idempotently by the provider's event id.

use axum::Json;
use axum::extract::State;
use axum::http::HeaderMap;
use bouncekit_core::Record;
use bouncekit_webhooks::{Provider, SnsControl, WebhookError};
use bytes::Bytes;
use serde::Serialize;
use utoipa::ToSchema;

use crate::AppState;
use crate::db::blocking;
use crate::error::{ApiError, ApiPath, ApiResult, Problem};
use crate::sns::is_sns_url;

/// What a webhook request did.
#[derive(Debug, Serialize, ToSchema)]
pub struct WebhookResponse {
    /// The provider.
    pub provider: String,
    /// Bounce, complaint and delivery events in the request.
    pub events: usize,
    /// Events stored now.
    pub stored: u64,
    /// Events stored before (a redelivery): nothing changed.
    pub duplicates: u64,
    /// Events of other types (opens, clicks, sends), skipped.
    pub ignored: usize,
    /// SNS only: `confirmed` when a subscription was confirmed, `unsubscribed` when SNS
    /// reported an unsubscription.
    pub subscription: Option<String>,
}

fn map_error(e: &WebhookError) -> ApiError {
    let status = axum::http::StatusCode::from_u16(e.status()).unwrap_or(axum::http::StatusCode::BAD_REQUEST);
    match e {
        // Not the client's problem: the certificate source failed; SNS retries.
        WebhookError::Certificate(_) => ApiError::unavailable("the signing certificate could not be obtained; retry later", e),
        WebhookError::NotConfigured(p) => ApiError::not_found(format!("webhooks from {p} are not configured")),
        // Verification failures say what failed (signature, stale, replayed) but never
        // anything about the expected secret.
        _ => ApiError::new(status, e.to_string()),
    }
}

/// Receives an ESP webhook: verifies it (signature, credentials, freshness, replay),
/// maps its bounce, complaint and delivery events to records and stores them once per
/// provider event id. Authenticated by the provider's own signature or secret, not by
/// a bearer token. For SES, an SNS subscription confirmation is confirmed (only for
/// `https://sns.<region>.amazonaws.com` URLs).
#[utoipa::path(
    post, path = "/v1/webhooks/{provider}", tag = "webhooks",
    params(("provider" = String, Path, description = "ses, sendgrid, mailgun, postmark or sparkpost")),
    request_body(content = Object, content_type = "application/json", description = "The provider's payload, exactly as sent (signatures cover the raw bytes)"),
    responses(
        (status = 200, body = WebhookResponse),
        (status = 400, description = "Malformed payload", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "Missing signature or credentials", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Forged, tampered, stale or replayed", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "Unknown or unconfigured provider", body = Problem, content_type = "application/problem+json"),
        (status = 413, body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn receive(State(st): State<AppState>, ApiPath(provider): ApiPath<String>, headers: HeaderMap, body: Bytes) -> ApiResult<Json<WebhookResponse>> {
    let provider: Provider = provider.parse().map_err(|_| ApiError::not_found(format!("unknown webhook provider `{provider}`")))?;
    let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_secs() as i64);
    let st2 = st.clone();
    // Verification may fetch an SNS certificate (blocking IO): off the async workers.
    let intake = blocking(move || {
        let hs: Vec<(&str, &str)> = headers.iter().filter_map(|(k, v)| v.to_str().ok().map(|v| (k.as_str(), v))).collect();
        Ok(bouncekit_webhooks::handle(provider, &hs, &body, now, st2.verifier(), st2.replay()))
    })
    .await?;
    let intake = match intake {
        Ok(i) => i,
        Err(e) => {
            if e.is_auth_failure() {
                st.metrics().webhook_failure(provider.as_str());
                tracing::info!(provider = provider.as_str(), error = %e, "webhook refused");
            }
            return Err(map_error(&e));
        }
    };
    let mut subscription = None;
    match &intake.sns {
        Some(SnsControl::Subscribe { url, topic_arn }) => {
            if !is_sns_url(url) {
                return Err(ApiError::forbidden("untrusted subscribe URL"));
            }
            let (c, u) = (st.confirmer().clone(), url.clone());
            match blocking(move || Ok(c.confirm(&u))).await? {
                Ok(()) => {
                    tracing::info!(topic = %topic_arn, "SNS subscription confirmed");
                    subscription = Some("confirmed".to_string());
                }
                Err(e) => return Err(ApiError::new(axum::http::StatusCode::BAD_GATEWAY, "the subscription could not be confirmed").with("retry", true).with_internal(e)),
            }
        }
        Some(SnsControl::Unsubscribed { topic_arn, .. }) => {
            tracing::warn!(topic = %topic_arn, "SNS reports this endpoint unsubscribed");
            subscription = Some("unsubscribed".to_string());
        }
        None => {}
    }
    let messages: Vec<(String, Vec<Record>)> = intake
        .events
        .iter()
        .map(|e| (e.event_id.clone(), vec![e.record.clone()]))
        .collect();
    let n = messages.len();
    let (stored, duplicates) = if messages.is_empty() {
        (0, 0)
    } else {
        let to_store = messages.clone();
        let res = st
            .db()
            .write(move |s| {
                let batch: Vec<(Option<&str>, &[Record])> = to_store.iter().map(|(id, r)| (Some(id.as_str()), r.as_slice())).collect();
                s.ingest_batch(&batch)
            })
            .await;
        let outcomes = match res {
            Ok(o) => o,
            Err(e) => {
                // Not stored: let the provider's retry through the replay check.
                if let Some(t) = &intake.replay_token {
                    st.replay().release(t);
                }
                return Err(e);
            }
        };
        super::ingest::count_events(&st, "webhook", &messages, &outcomes);
        outcomes.iter().fold((0, 0), |(a, b), o| (a + o.new_events, b + o.duplicates))
    };
    Ok(Json(WebhookResponse { provider: provider.as_str().to_string(), events: n, stored, duplicates, ignored: intake.ignored, subscription }))
}
