//! The errors of webhook intake, and the HTTP status each one suggests.

use crate::Provider;

/// Why a webhook request was refused.
///
/// The variants fall into the groups of [`WebhookError::status`]: the request is not
/// authenticated (401), authenticated wrongly or not acceptable from this sender (403),
/// malformed (400), too large (413), or could not be checked because a signing
/// certificate was unavailable (503, the provider retries).
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum WebhookError {
    /// No configuration for this provider: its endpoint is off.
    #[error("webhooks from {0} are not configured")]
    NotConfigured(Provider),
    /// The body is larger than the configured limit.
    #[error("body of {size} bytes exceeds the limit of {limit} bytes")]
    BodyTooLarge {
        /// The body's size.
        size: usize,
        /// The limit.
        limit: usize,
    },
    /// A header or field the provider always sends is missing (signature, timestamp,
    /// credentials): the request is not authenticated.
    #[error("missing {0}")]
    MissingCredentials(&'static str),
    /// Credentials (basic auth or token) were given but do not match.
    #[error("credentials do not match")]
    BadCredentials,
    /// The signature does not verify: forged, tampered with, or signed with another key.
    #[error("signature does not verify")]
    BadSignature,
    /// The signed timestamp is outside the accepted window.
    #[error("timestamp {timestamp} is outside the accepted window of {window} s around {now}")]
    Stale {
        /// The signed timestamp (seconds since the epoch).
        timestamp: i64,
        /// The time of the check.
        now: i64,
        /// The accepted window in seconds.
        window: u64,
    },
    /// The signed token has been seen before within its window.
    #[error("token was already used")]
    Replayed,
    /// The SNS `SigningCertURL` is not an `https://sns.<region>.amazonaws.com/….pem` URL.
    #[error("untrusted signing certificate URL `{0}`")]
    UntrustedCertUrl(String),
    /// The SNS `SubscribeURL` is not an `https://sns.<region>.amazonaws.com/` URL.
    #[error("untrusted subscribe URL `{0}`")]
    UntrustedSubscribeUrl(String),
    /// The SNS topic is not one of the configured topics.
    #[error("SNS topic `{0}` is not allowed")]
    TopicNotAllowed(String),
    /// The signing certificate could not be obtained or read.
    #[error("signing certificate: {0}")]
    Certificate(#[from] CertificateError),
    /// The SNS `SignatureVersion` is neither 1 nor 2.
    #[error("unsupported SNS signature version `{0}`")]
    UnsupportedSignatureVersion(String),
    /// The body is not what the provider sends: invalid JSON, wrong shape, missing
    /// fields.
    #[error("malformed {provider} payload: {detail}")]
    Malformed {
        /// The provider whose format was expected.
        provider: Provider,
        /// What is wrong.
        detail: String,
    },
}

impl WebhookError {
    /// The HTTP status a server should answer with.
    ///
    /// | status | variants |
    /// |---|---|
    /// | 400 | `Malformed`, `UnsupportedSignatureVersion` |
    /// | 401 | `MissingCredentials` |
    /// | 403 | `BadCredentials`, `BadSignature`, `Stale`, `Replayed`, `UntrustedCertUrl`, `UntrustedSubscribeUrl`, `TopicNotAllowed` |
    /// | 404 | `NotConfigured` |
    /// | 413 | `BodyTooLarge` |
    /// | 503 | `Certificate` (the provider retries later) |
    pub fn status(&self) -> u16 {
        match self {
            WebhookError::Malformed { .. } | WebhookError::UnsupportedSignatureVersion(_) => 400,
            WebhookError::MissingCredentials(_) => 401,
            WebhookError::BadCredentials
            | WebhookError::BadSignature
            | WebhookError::Stale { .. }
            | WebhookError::Replayed
            | WebhookError::UntrustedCertUrl(_)
            | WebhookError::UntrustedSubscribeUrl(_)
            | WebhookError::TopicNotAllowed(_) => 403,
            WebhookError::NotConfigured(_) => 404,
            WebhookError::BodyTooLarge { .. } => 413,
            WebhookError::Certificate(_) => 503,
        }
    }

    /// True when the request failed authentication (a verification failure to count in
    /// metrics), as opposed to a malformed or oversized request.
    pub fn is_auth_failure(&self) -> bool {
        matches!(self.status(), 401 | 403)
    }

    pub(crate) fn malformed(provider: Provider, detail: impl Into<String>) -> Self {
        WebhookError::Malformed { provider, detail: detail.into() }
    }
}

/// Why a signing certificate could not be used.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum CertificateError {
    /// The certificate source failed (network, HTTP status, size).
    #[error("fetching `{url}` failed: {detail}")]
    Fetch {
        /// The certificate URL.
        url: String,
        /// What went wrong.
        detail: String,
    },
    /// The bytes are not a PEM or DER X.509 certificate with an RSA key.
    #[error("not a usable certificate: {0}")]
    Invalid(String),
}
