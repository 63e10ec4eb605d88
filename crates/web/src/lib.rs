//! The HTTP edge of bouncekit: the JSON API v1, signed ESP webhooks, metrics and
//! health checks, and the store-backed sink of the SMTP/LMTP listener.
//!
//! - [`app`] builds the axum [`Router`] from an [`AppState`] (a factory: tests call it
//!   with their own state);
//! - [`AppState`] holds the [`Db`] store pool, the bearer [`auth`] tokens, the webhook
//!   verifier, the [`Metrics`] and the [`Limits`];
//! - [`ServerConfig`] is the validated TOML configuration ([`RawConfig`]);
//! - [`serve`] runs the router on a listener until a shutdown signal, finishing the
//!   requests in flight.
//! - [`ui`] is the web dashboard under `/ui/` (server-rendered pages, login, CSRF).
//! - [`dns`] checks the current domain incidents in DNS and records the verdicts, for
//!   the dashboard, the server's DNS job and the CLI.
//!
//! Errors are `application/problem+json` ([`ApiError`]); the OpenAPI document at
//! `/openapi.json` is generated from the handlers' `#[utoipa::path]` attributes.
//!
//! ```
//! use bouncekit_store::{Options, SqliteStore};
//! use bouncekit_web::{AppState, Db, ServerConfig, app};
//!
//! let store = SqliteStore::open_in_memory(Options::default()).unwrap();
//! let state = AppState::builder(ServerConfig::default(), Db::from_store(Box::new(store))).build().unwrap();
//! let router: axum::Router = app(state);
//! # drop(router);
//! ```
//!
//! **Architecture Invariant:** handlers never block an async worker: every store call
//! and every webhook verification (which may fetch an SNS certificate) runs on the
//! blocking pool. The crate writes no SQL except the read-only events listing adapter
//! in [`db`], which stands in until the store offers an event listing.

pub mod api;
pub mod auth;
pub mod config;
pub mod db;
pub mod dns;
pub mod error;
pub mod metrics;
mod schema;
pub mod sink;
pub mod sns;
mod state;
pub mod ui;

use std::future::Future;
use std::time::Duration;

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use bytes::Bytes;
use tower::limit::GlobalConcurrencyLimitLayer;
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::limit::RequestBodyLimitLayer;
use tower_http::timeout::TimeoutLayer;
use tower_http::trace::TraceLayer;

pub use auth::{Access, Caller, Token};
pub use config::{ConfigError, DnsConfig, Limits, LogJob, MailboxJob, PasswordSource, RawConfig, ServerConfig};
pub use db::Db;
pub use error::{ApiError, PROBLEM_JSON};
pub use metrics::{JobKind, JobStats, Metrics};
pub use sns::{HttpsConfirmer, SubscriptionConfirmer};
pub use state::{AppState, StateBuilder};

/// The OpenAPI document as JSON.
pub fn openapi_json() -> String {
    let (_, doc) = api::router().split_for_parts();
    doc.to_pretty_json().unwrap_or_default()
}

/// The router: API v1, webhooks, `/openapi.json`, `/healthz`, `/readyz`, `/metrics`, the
/// dashboard under `/ui/` (see [`ui`]), with
/// the limits of the state (body size, request timeout, concurrency), request tracing
/// and problem+json for every error.
pub fn app(state: AppState) -> Router {
    let limits = *state.limits();
    let (router, doc) = api::router().split_for_parts();
    let doc = Bytes::from(doc.to_json().unwrap_or_default());
    router
        .route(
            "/openapi.json",
            get(move || {
                let doc = doc.clone();
                async move { ([(header::CONTENT_TYPE, HeaderValue::from_static("application/json"))], doc) }
            }),
        )
        .fallback(|| async { ApiError::not_found("no such endpoint") })
        .with_state(state.clone())
        // The dashboard (HTML, not in the OpenAPI document).
        .merge(ui::router(state))
        // Layers run bottom-up for requests: the body limit first, then the concurrency
        // slot, then the timeout (which covers the wait for a slot), then problem+json
        // conversion and logging, then tracing.
        .layer(DefaultBodyLimit::max(limits.max_body))
        .layer(RequestBodyLimitLayer::new(limits.max_body))
        .layer(GlobalConcurrencyLimitLayer::new(limits.concurrency))
        .layer(CatchPanicLayer::custom(|_| ApiError::internal("handler panicked").into_response()))
        .layer(TimeoutLayer::with_status_code(StatusCode::SERVICE_UNAVAILABLE, limits.request_timeout))
        .layer(axum::middleware::map_response(problem_and_log))
        .layer(TraceLayer::new_for_http())
}

/// Turns every error response that is not problem+json yet (404 of an unknown route,
/// 405, 413 of the body limit, 503 of the timeout) into one, and logs errors: server
/// errors with their internal cause at `error`, client errors at `debug`.
async fn problem_and_log(res: Response) -> Response {
    let status = res.status();
    if !(status.is_client_error() || status.is_server_error()) {
        return res;
    }
    let cause = res.extensions().get::<error::InternalCause>().map(|c| c.0.clone());
    if status.is_server_error() {
        tracing::error!(status = status.as_u16(), cause = cause.as_deref().unwrap_or("-"), "request failed");
    } else {
        tracing::debug!(status = status.as_u16(), "client error");
    }
    let is_problem = res.headers().get(header::CONTENT_TYPE).is_some_and(|v| v.as_bytes().starts_with(PROBLEM_JSON.as_bytes()));
    // The dashboard's error pages are HTML for people.
    let is_html = res.headers().get(header::CONTENT_TYPE).is_some_and(|v| v.as_bytes().starts_with(b"text/html"));
    if is_problem || is_html {
        return res;
    }
    let detail = match status {
        StatusCode::PAYLOAD_TOO_LARGE => "the request body exceeds the size limit",
        StatusCode::SERVICE_UNAVAILABLE => "the request took too long or the server is overloaded; retry later",
        StatusCode::METHOD_NOT_ALLOWED => "this method is not allowed on this endpoint",
        StatusCode::NOT_FOUND => "no such endpoint",
        _ => status.canonical_reason().unwrap_or("error"),
    };
    let (mut parts, _) = res.into_parts();
    parts.headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(PROBLEM_JSON));
    parts.headers.remove(header::CONTENT_LENGTH);
    let body = error::problem_body(status, detail, &serde_json::Map::new());
    Response::from_parts(parts, axum::body::Body::from(body)).into_response()
}

/// How long [`serve`] waits for requests in flight after the shutdown signal.
pub const SHUTDOWN_GRACE: Duration = Duration::from_secs(30);

/// Serves `router` on `listener` until `shutdown` completes, then stops accepting,
/// finishes the requests in flight (open keep-alive connections are closed once idle)
/// and returns. Request headers must arrive within [`Limits::DEFAULT_TIMEOUT`]; see
/// [`serve_with`].
pub async fn serve(listener: tokio::net::TcpListener, router: Router, shutdown: impl Future<Output = ()> + Send + 'static) -> std::io::Result<()> {
    serve_with(listener, router, Limits::DEFAULT_TIMEOUT, shutdown).await
}

/// After a failed `accept` (out of file descriptors, say), wait this long before the
/// next: retrying at once would spin while the condition lasts.
const ACCEPT_BACKOFF: Duration = Duration::from_millis(50);

/// [`serve`] with the time a client gets to send the headers of each request
/// (`header_timeout`; `bouncekit serve` passes `[limits] request_timeout`). It runs from
/// the moment the server waits for a request, so a connection that sends nothing, or its
/// headers a byte at a time (slowloris), or stays idle between keep-alive requests, is
/// closed after that long and cannot hold a socket forever. The body and the handler are
/// bounded by the router's own request timeout.
pub async fn serve_with(
    listener: tokio::net::TcpListener,
    router: Router,
    header_timeout: Duration,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    use hyper_util::rt::{TokioIo, TokioTimer};
    use hyper_util::service::TowerToHyperService;

    // Flips to true when shutdown begins: each connection then finishes the request in
    // flight and closes.
    let (stop_tx, stop_rx) = tokio::sync::watch::channel(false);
    let mut connections = tokio::task::JoinSet::new();
    let mut shutdown = std::pin::pin!(shutdown);
    loop {
        let stream = tokio::select! {
            () = &mut shutdown => break,
            Some(_) = connections.join_next(), if !connections.is_empty() => continue,
            accepted = listener.accept() => match accepted {
                Ok((stream, _)) => stream,
                Err(e) if matches!(e.kind(), std::io::ErrorKind::ConnectionAborted | std::io::ErrorKind::ConnectionReset) => continue,
                Err(_) => {
                    tokio::time::sleep(ACCEPT_BACKOFF).await;
                    continue;
                }
            },
        };
        let _ = stream.set_nodelay(true);
        let service = TowerToHyperService::new(router.clone());
        let mut stop = stop_rx.clone();
        connections.spawn(async move {
            let mut builder = hyper::server::conn::http1::Builder::new();
            builder.timer(TokioTimer::new()).header_read_timeout(header_timeout);
            let mut conn = std::pin::pin!(builder.serve_connection(TokioIo::new(stream), service));
            tokio::select! {
                _ = conn.as_mut() => return,
                _ = stop.wait_for(|stop| *stop) => {}
            }
            conn.as_mut().graceful_shutdown();
            let _ = conn.await;
        });
    }
    drop(listener);
    let _ = stop_tx.send(true);
    while connections.join_next().await.is_some() {}
    Ok(())
}

/// Completes on SIGINT (Ctrl-C) or SIGTERM.
pub async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => {},
        _ = term => {},
    }
}
