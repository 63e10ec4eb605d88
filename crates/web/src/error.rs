//! [`ApiError`]: every error the API answers with, as `application/problem+json`
//! (RFC 9457).
//!
//! The public message is chosen here; internal causes (database errors, panics of a
//! blocking task) never reach the client. They travel in a response extension
//! ([`InternalCause`]) to the logging middleware, which logs server errors at `error`
//! and client errors at `debug` only.

use axum::Json;
use axum::extract::rejection::{JsonRejection, PathRejection, QueryRejection};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use bouncekit_store::StoreError;
use serde::Serialize;
use serde_json::{Map, Value};
use utoipa::ToSchema;

/// The media type of error bodies.
pub const PROBLEM_JSON: &str = "application/problem+json";

/// An error answered to the client.
#[derive(Debug)]
pub struct ApiError {
    status: StatusCode,
    detail: String,
    /// Extension members (`nearest`, `limit`…).
    extra: Map<String, Value>,
    /// Extra headers (`WWW-Authenticate`).
    www_authenticate: bool,
    /// What really happened, for the log only.
    internal: Option<String>,
}

/// The body of an error response.
#[derive(Debug, Serialize, ToSchema)]
pub struct Problem {
    /// A URI naming the problem type; `about:blank` means the status says it all.
    #[serde(rename = "type")]
    pub kind: String,
    /// The status's reason phrase.
    pub title: String,
    /// The HTTP status.
    pub status: u16,
    /// What went wrong with this request, for people.
    pub detail: String,
    /// For an unknown code: the valid codes nearest to it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub nearest: Option<Vec<String>>,
}

/// The internal cause of a server error, attached to the response for the logging
/// middleware and removed before the response is sent… in spirit: it is an extension,
/// which never goes on the wire.
#[derive(Debug, Clone)]
pub struct InternalCause(pub String);

impl ApiError {
    /// An error with `status` and a public `detail`.
    pub fn new(status: StatusCode, detail: impl Into<String>) -> Self {
        ApiError { status, detail: detail.into(), extra: Map::new(), www_authenticate: false, internal: None }
    }

    /// 400: the request is malformed.
    pub fn bad_request(detail: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, detail)
    }

    /// 401: no valid credentials.
    pub fn unauthorized(detail: impl Into<String>) -> Self {
        let mut e = Self::new(StatusCode::UNAUTHORIZED, detail);
        e.www_authenticate = true;
        e
    }

    /// 403: valid credentials, not enough access (or a webhook that fails verification).
    pub fn forbidden(detail: impl Into<String>) -> Self {
        Self::new(StatusCode::FORBIDDEN, detail)
    }

    /// 404.
    pub fn not_found(detail: impl Into<String>) -> Self {
        Self::new(StatusCode::NOT_FOUND, detail)
    }

    /// 413.
    pub fn too_large(detail: impl Into<String>) -> Self {
        Self::new(StatusCode::PAYLOAD_TOO_LARGE, detail)
    }

    /// 500 with a generic public message; `cause` is logged, never sent.
    pub fn internal(cause: impl std::fmt::Display) -> Self {
        let mut e = Self::new(StatusCode::INTERNAL_SERVER_ERROR, "the server could not complete the request");
        e.internal = Some(cause.to_string());
        e
    }

    /// 503 with a public message; `cause` is logged.
    pub fn unavailable(detail: impl Into<String>, cause: impl std::fmt::Display) -> Self {
        let mut e = Self::new(StatusCode::SERVICE_UNAVAILABLE, detail);
        e.internal = Some(cause.to_string());
        e
    }

    /// Adds an extension member.
    pub fn with(mut self, key: &str, value: impl Into<Value>) -> Self {
        self.extra.insert(key.to_string(), value.into());
        self
    }

    /// Attaches an internal cause: logged, never sent.
    pub fn with_internal(mut self, cause: impl std::fmt::Display) -> Self {
        self.internal = Some(cause.to_string());
        self
    }

    /// The status.
    pub fn status(&self) -> StatusCode {
        self.status
    }

    /// The public detail.
    pub fn detail(&self) -> &str {
        &self.detail
    }
}

/// For logs outside a request (the server's jobs, the CLI): the detail and the internal
/// cause.
impl std::fmt::Display for ApiError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match &self.internal {
            Some(c) => write!(f, "{}: {c}", self.detail),
            None => f.write_str(&self.detail),
        }
    }
}

/// The problem document for `status` with `detail` and extension members.
pub(crate) fn problem_body(status: StatusCode, detail: &str, extra: &Map<String, Value>) -> Vec<u8> {
    let mut m = Map::new();
    m.insert("type".into(), Value::from("about:blank"));
    m.insert("title".into(), Value::from(status.canonical_reason().unwrap_or("Error")));
    m.insert("status".into(), Value::from(status.as_u16()));
    m.insert("detail".into(), Value::from(detail));
    for (k, v) in extra {
        m.insert(k.clone(), v.clone());
    }
    serde_json::to_vec(&Value::Object(m)).unwrap_or_default()
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let body = problem_body(self.status, &self.detail, &self.extra);
        let mut res = (self.status, [(header::CONTENT_TYPE, HeaderValue::from_static(PROBLEM_JSON))], body).into_response();
        if self.www_authenticate {
            res.headers_mut().insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer realm=\"bouncekit\""));
        }
        if let Some(c) = self.internal {
            res.extensions_mut().insert(InternalCause(c));
        }
        res
    }
}

impl From<StoreError> for ApiError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::InvalidAddress(a) => ApiError::bad_request(format!("`{a}` is not an email address")),
            // Busy or locked beyond the busy timeout (SQLite), unreachable after the
            // store's bounded retries (PostgreSQL down or restarting): nothing was
            // stored, the client may retry.
            e if e.is_transient() => ApiError::unavailable("the database is busy or unavailable; retry shortly", e),
            other => ApiError::internal(other),
        }
    }
}

impl From<JsonRejection> for ApiError {
    fn from(r: JsonRejection) -> Self {
        match r {
            JsonRejection::BytesRejection(b) if b.status() == StatusCode::PAYLOAD_TOO_LARGE => {
                ApiError::too_large("the request body exceeds the size limit")
            }
            JsonRejection::MissingJsonContentType(_) => {
                Self::new(StatusCode::UNSUPPORTED_MEDIA_TYPE, "expected `Content-Type: application/json`")
            }
            other => ApiError::bad_request(format!("invalid JSON body: {}", other.body_text())),
        }
    }
}

impl From<QueryRejection> for ApiError {
    fn from(r: QueryRejection) -> Self {
        ApiError::bad_request(format!("invalid query: {}", r.body_text()))
    }
}

impl From<PathRejection> for ApiError {
    fn from(r: PathRejection) -> Self {
        ApiError::bad_request(format!("invalid path: {}", r.body_text()))
    }
}

impl From<axum::extract::rejection::BytesRejection> for ApiError {
    fn from(r: axum::extract::rejection::BytesRejection) -> Self {
        if r.status() == StatusCode::PAYLOAD_TOO_LARGE {
            ApiError::too_large("the request body exceeds the size limit")
        } else {
            ApiError::bad_request(format!("unreadable body: {}", r.body_text()))
        }
    }
}

/// Defines an extractor that wraps an axum extractor and rejects with [`ApiError`].
macro_rules! wrap_extractor {
    ($(#[$m:meta])* $name:ident, $inner:ident, $trait:ident, $fn:ident, $arg:ty) => {
        $(#[$m])*
        #[derive(Debug, Clone, Copy, Default)]
        pub struct $name<T>(pub T);

        impl<T, S> axum::extract::$trait<S> for $name<T>
        where
            axum::extract::$inner<T>: axum::extract::$trait<S>,
            ApiError: From<<axum::extract::$inner<T> as axum::extract::$trait<S>>::Rejection>,
            S: Send + Sync,
        {
            type Rejection = ApiError;

            async fn $fn(req: $arg, state: &S) -> Result<Self, Self::Rejection> {
                let axum::extract::$inner(v) = axum::extract::$inner::<T>::$fn(req, state).await?;
                Ok($name(v))
            }
        }
    };
}

wrap_extractor!(
    /// `axum::Json` whose rejection is an [`ApiError`] (400, 413, 415).
    ApiJson, Json, FromRequest, from_request, axum::extract::Request
);
wrap_extractor!(
    /// `axum::extract::Query` whose rejection is an [`ApiError`] (400).
    ApiQuery, Query, FromRequestParts, from_request_parts, &mut axum::http::request::Parts
);
wrap_extractor!(
    /// `axum::extract::Path` whose rejection is an [`ApiError`] (400).
    ApiPath, Path, FromRequestParts, from_request_parts, &mut axum::http::request::Parts
);

/// Shorthand for handler results.
pub type ApiResult<T> = Result<T, ApiError>;

/// Serialises `v` as a JSON response.
pub fn json<T: Serialize>(v: T) -> Response {
    Json(v).into_response()
}
