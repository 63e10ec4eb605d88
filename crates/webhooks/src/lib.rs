//! ESP webhook intake: authenticates a webhook request from Amazon SES (via SNS),
//! SendGrid, Mailgun, Postmark or SparkPost and maps its bounce, complaint and delivery
//! events into bouncekit [`Record`]s, classified by `bouncekit-classify` like every other
//! input.
//!
//! The API is framework-free, so the HTTP server (or a test) drives it with plain values:
//!
//! - [`Verifier`] holds the validated [`Config`] (keys and shared secrets per provider)
//!   and the SNS signing-certificate cache with its [`CertificateSource`];
//! - [`ReplayCache`] remembers Mailgun tokens until their timestamp goes stale;
//! - [`handle`] takes the provider, the request headers, the exact raw body and the
//!   current time, and returns an [`Intake`] — the [`WebhookEvent`]s (a record, a stable
//!   event id for idempotency and the provider's own classification) plus what the
//!   server must act on (an SNS subscription URL to confirm, a SparkPost batch id) — or
//!   a [`WebhookError`] whose [`status`](WebhookError::status) is the HTTP answer.
//!
//! Nothing here does network IO except the optional HTTPS certificate source
//! ([`HttpsSource`], feature `fetch`, on by default), which [`handle`] calls only for an
//! SNS signing certificate that is not cached yet, and only for URLs on the AWS SNS
//! host allow-list. Call [`handle`] from a blocking context (`spawn_blocking`).
//!
//! ```
//! use bouncekit_webhooks::{handle, Config, MailgunConfig, Provider, ReplayCache, Verifier};
//! use bouncekit_core::{Kind, Reason};
//!
//! let config = Config { mailgun: Some(MailgunConfig::new("key-3ax6xnjp29jd6fds4gc373sgvjxteol0")), ..Config::default() };
//! let verifier = Verifier::new(config).unwrap();
//! let replay = ReplayCache::default();
//!
//! let now = 1_700_000_000;
//! let token = "4bb1c1a9a9a4cc2d1b1ed18b5ec0d18b3f4c1bd0e7c27e1c8b";
//! let signature = bouncekit_webhooks::mailgun::sign("key-3ax6xnjp29jd6fds4gc373sgvjxteol0", &now.to_string(), token);
//! let body = format!(r#"{{"signature": {{"timestamp": "{now}", "token": "{token}", "signature": "{signature}"}},
//!   "event-data": {{"event": "failed", "id": "Ase7i2zsRYeDXztHGENqRA", "timestamp": {now}.5,
//!     "severity": "permanent", "reason": "bounce", "recipient": "gone@example.com",
//!     "delivery-status": {{"code": 550, "message": "5.1.1 The email account that you tried to reach does not exist"}}}}}}"#);
//!
//! let intake = handle(Provider::Mailgun, &[("Content-Type", "application/json")], body.as_bytes(), now, &verifier, &replay).unwrap();
//! let event = &intake.events[0];
//! assert_eq!(event.record.recipient, "gone@example.com");
//! assert_eq!(event.record.reason, Reason::UserUnknown);
//! assert_eq!(event.record.kind, Kind::Hard);
//! assert_eq!(event.event_id, "mailgun:Ase7i2zsRYeDXztHGENqRA");
//!
//! // The same request again is a replay.
//! let again = handle(Provider::Mailgun, &[], body.as_bytes(), now, &verifier, &replay);
//! assert_eq!(again.unwrap_err().status(), 403);
//! ```

mod auth;
mod config;
mod error;
mod json;
mod map;
mod replay;
mod time;

pub mod mailgun;
pub mod postmark;
pub mod sendgrid;
pub mod ses;
pub mod sparkpost;

use std::fmt;
use std::str::FromStr;

pub use bouncekit_core::Record;
pub use config::{
    BasicAuth, Config, ConfigError, HeaderToken, MailgunConfig, SecretAuth, SendGridConfig, SesConfig, Verifier,
    DEFAULT_MAX_BODY,
};
pub use error::{CertificateError, WebhookError};
pub use replay::{ReplayCache, ReplayToken};
#[cfg(feature = "fetch")]
pub use ses::HttpsSource;
pub use ses::{CertificateSource, SnsControl, StaticSource};

/// The webhook providers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Provider {
    /// Amazon SES notifications and event publishing, delivered by SNS.
    Ses,
    /// SendGrid Event Webhook.
    SendGrid,
    /// Mailgun webhooks (JSON, API v3).
    Mailgun,
    /// Postmark bounce, spam complaint and delivery webhooks.
    Postmark,
    /// SparkPost event webhooks.
    SparkPost,
}

impl Provider {
    /// Every provider.
    pub const ALL: &'static [Provider] =
        &[Provider::Ses, Provider::SendGrid, Provider::Mailgun, Provider::Postmark, Provider::SparkPost];

    /// The lowercase name, as used in URL paths (`/v1/webhooks/ses`), event ids and the
    /// records' `format`.
    pub fn as_str(self) -> &'static str {
        match self {
            Provider::Ses => "ses",
            Provider::SendGrid => "sendgrid",
            Provider::Mailgun => "mailgun",
            Provider::Postmark => "postmark",
            Provider::SparkPost => "sparkpost",
        }
    }
}

impl fmt::Display for Provider {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A name that is not a provider.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown webhook provider `{0}`")]
pub struct UnknownProvider(pub String);

impl FromStr for Provider {
    type Err = UnknownProvider;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Provider::ALL
            .iter()
            .copied()
            .find(|p| p.as_str().eq_ignore_ascii_case(s.trim()))
            .ok_or_else(|| UnknownProvider(s.to_string()))
    }
}

/// What the provider itself said about an event, kept as evidence beside bouncekit's own
/// classification. Also copied into the record's `headers` as `provider-event`,
/// `provider-class`, `provider-subclass` and `provider-code`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ProviderVerdict {
    /// The provider's event type: `Bounce` (SES), `bounce`, `failed`, `HardBounce`…
    pub event: String,
    /// The provider's class: SES `bounceType`, SendGrid `type`, Mailgun `severity`,
    /// Postmark `Type`, SparkPost `bounce_class`.
    pub class: Option<String>,
    /// A finer class: SES `bounceSubType`, SendGrid `bounce_classification`, Mailgun
    /// `reason`, Postmark `TypeCode`, SparkPost's bounce class name.
    pub subclass: Option<String>,
    /// A provider-specific code that is not an SMTP code (Mailgun's 605, SparkPost's
    /// `error_code` when it is not a reply code).
    pub code: Option<String>,
}

/// One recipient of one provider event, classified.
#[derive(Debug, Clone, PartialEq)]
pub struct WebhookEvent {
    /// A stable id: `<provider>:<the provider's event id>`, with `:<recipient>` added when
    /// one provider event names several recipients. Events without an id get one from a
    /// hash of their canonical JSON, so the same event delivered twice has the same id.
    pub event_id: String,
    /// The provider's own classification.
    pub verdict: ProviderVerdict,
    /// The record, with `origin` = webhook `<event_id>` and `format` = the provider name.
    pub record: Record,
}

/// The result of one accepted webhook request.
#[derive(Debug, Clone, PartialEq)]
pub struct Intake {
    /// The provider that sent it.
    pub provider: Provider,
    /// The mapped events, in body order.
    pub events: Vec<WebhookEvent>,
    /// Events of types that carry no bounce, complaint or delivery (opens, clicks, sends),
    /// skipped.
    pub ignored: usize,
    /// SparkPost's `X-MessageSystems-Batch-ID`: a batch delivered again carries the same
    /// id, so the store can skip it whole.
    pub batch_id: Option<String>,
    /// An SNS control message: a subscription to confirm, or an unsubscription.
    pub sns: Option<SnsControl>,
    /// The Mailgun token this request used up in the [`ReplayCache`]. When the server
    /// cannot store the events and answers with an error (so Mailgun retries), it should
    /// [`release`](ReplayCache::release) it so the retry is not taken for a replay.
    pub replay_token: Option<ReplayToken>,
}

impl Intake {
    pub(crate) fn new(provider: Provider) -> Self {
        Intake { provider, events: Vec::new(), ignored: 0, batch_id: None, sns: None, replay_token: None }
    }
}

/// Authenticates and maps one webhook request.
///
/// `headers` are the request headers (names in any case; values that are not UTF-8 can
/// be left out), `body` is the exact raw body (signatures cover its bytes), `now` is the
/// current time in seconds since the Unix epoch.
///
/// Checks come first, mapping after: the body size, the provider's configuration, then
/// credentials or signature, then freshness and replay; only an authenticated body is
/// mapped. A malformed event inside an authenticated batch fails the whole request
/// ([`WebhookError::Malformed`]), so nothing of it is stored by halves.
pub fn handle(
    provider: Provider,
    headers: &[(&str, &str)],
    body: &[u8],
    now: i64,
    verifier: &Verifier,
    replay: &ReplayCache,
) -> Result<Intake, WebhookError> {
    let limit = verifier.config().max_body;
    if body.len() > limit {
        return Err(WebhookError::BodyTooLarge { size: body.len(), limit });
    }
    let headers = auth::Headers(headers);
    match provider {
        Provider::Ses => ses::handle(headers, body, now, verifier),
        Provider::SendGrid => sendgrid::handle(headers, body, now, verifier),
        Provider::Mailgun => mailgun::handle(headers, body, now, verifier, replay),
        Provider::Postmark => postmark::handle(headers, body, verifier),
        Provider::SparkPost => sparkpost::handle(headers, body, verifier),
    }
}
