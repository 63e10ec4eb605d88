//! Per-provider configuration and the [`Verifier`] built from it.

use std::fmt;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use ring::hmac;

use crate::ses::{CertCache, CertificateSource};

/// The default body limit: 5 MiB, room for SendGrid's and SparkPost's largest batches
/// (SNS messages are at most 256 KiB).
pub const DEFAULT_MAX_BODY: usize = 5 * 1024 * 1024;

/// Webhook configuration: one optional section per provider. A provider without a
/// section is refused with [`WebhookError::NotConfigured`](crate::WebhookError::NotConfigured).
#[derive(Clone)]
pub struct Config {
    /// Largest body accepted, in bytes.
    pub max_body: usize,
    /// Amazon SES via SNS.
    pub ses: Option<SesConfig>,
    /// SendGrid.
    pub sendgrid: Option<SendGridConfig>,
    /// Mailgun.
    pub mailgun: Option<MailgunConfig>,
    /// Postmark: basic auth and/or a header token.
    pub postmark: Option<SecretAuth>,
    /// SparkPost: basic auth and/or a header token.
    pub sparkpost: Option<SecretAuth>,
}

impl Default for Config {
    fn default() -> Self {
        Config { max_body: DEFAULT_MAX_BODY, ses: None, sendgrid: None, mailgun: None, postmark: None, sparkpost: None }
    }
}

impl fmt::Debug for Config {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Secrets are never printed.
        f.debug_struct("Config")
            .field("max_body", &self.max_body)
            .field("ses", &self.ses)
            .field("sendgrid", &self.sendgrid.is_some())
            .field("mailgun", &self.mailgun.is_some())
            .field("postmark", &self.postmark.is_some())
            .field("sparkpost", &self.sparkpost.is_some())
            .finish()
    }
}

/// Amazon SES via SNS.
#[derive(Debug, Clone, Default)]
pub struct SesConfig {
    /// The SNS topic ARNs accepted. Any AWS account can create a topic and subscribe this
    /// endpoint, and SNS signs its messages too, so production configurations should
    /// list their topics; empty accepts every topic.
    pub topic_arns: Vec<String>,
    /// Refuse messages whose signed `Timestamp` is older than this many seconds. `None`
    /// (the default) accepts any age: SNS retries a message with its original timestamp
    /// for as long as its delivery policy says, and replays are harmless because events
    /// are idempotent by id.
    pub max_age: Option<u64>,
}

/// SendGrid's signed Event Webhook.
#[derive(Clone)]
pub struct SendGridConfig {
    /// The verification key SendGrid shows: base64 of the DER SubjectPublicKeyInfo of an
    /// ECDSA P-256 key.
    pub public_key: String,
    /// Refuse requests whose signed timestamp is further than this many seconds from
    /// now. `None` (the default) accepts any.
    pub max_age: Option<u64>,
}

impl SendGridConfig {
    /// A configuration with `public_key` and no age limit.
    pub fn new(public_key: impl Into<String>) -> Self {
        SendGridConfig { public_key: public_key.into(), max_age: None }
    }
}

/// Mailgun's signed webhooks.
#[derive(Clone)]
pub struct MailgunConfig {
    /// The HTTP webhook signing key.
    pub signing_key: String,
    /// Largest distance in seconds between the signed timestamp and now; also how long a
    /// token is remembered. Default 300.
    pub max_age: u64,
}

impl MailgunConfig {
    /// The default window: five minutes.
    pub const DEFAULT_MAX_AGE: u64 = 300;

    /// A configuration with `signing_key` and the default window.
    pub fn new(signing_key: impl Into<String>) -> Self {
        MailgunConfig { signing_key: signing_key.into(), max_age: Self::DEFAULT_MAX_AGE }
    }
}

/// Shared-secret authentication (Postmark, SparkPost): basic auth, a header token, or
/// both (then a request may present either).
#[derive(Clone, Default)]
pub struct SecretAuth {
    /// User and password of `Authorization: Basic`.
    pub basic: Option<BasicAuth>,
    /// A header carrying a token.
    pub token: Option<HeaderToken>,
}

/// User and password for basic auth.
#[derive(Clone)]
pub struct BasicAuth {
    /// The user name.
    pub user: String,
    /// The password.
    pub password: String,
}

/// A header that carries a secret token.
#[derive(Clone)]
pub struct HeaderToken {
    /// The header name (any case), such as `X-MessageSystems-Webhook-Token`.
    pub header: String,
    /// The token.
    pub token: String,
}

/// A configuration that cannot be used.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ConfigError {
    /// The SendGrid verification key is not base64 of a P-256 SubjectPublicKeyInfo.
    #[error("sendgrid public key: {0}")]
    SendGridKey(String),
    /// A secret is empty (or shorter than 8 bytes), which would accept anyone.
    #[error("{0}: secret is empty or shorter than 8 bytes")]
    WeakSecret(&'static str),
    /// A shared-secret section names neither basic auth nor a header token.
    #[error("{0}: neither basic auth nor a header token is configured")]
    NoCredentials(&'static str),
    /// The body limit is zero.
    #[error("max_body must be positive")]
    ZeroBodyLimit,
}

/// Shortest secret accepted.
const MIN_SECRET: usize = 8;

/// The validated configuration plus the state verification needs: parsed keys and the
/// SNS signing-certificate cache. Share one per server (it is `Send + Sync`).
pub struct Verifier {
    config: Config,
    /// The SendGrid key as the uncompressed P-256 point ring verifies with.
    pub(crate) sendgrid_key: Option<Vec<u8>>,
    /// The Mailgun HMAC key.
    pub(crate) mailgun_key: Option<hmac::Key>,
    /// SNS signing certificates by URL; fetched through the configured source.
    pub(crate) certs: CertCache,
}

impl fmt::Debug for Verifier {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Verifier").field("config", &self.config).finish_non_exhaustive()
    }
}

impl Verifier {
    /// Validates `config`. SNS certificates come from the default source: HTTPS
    /// ([`HttpsSource`](crate::HttpsSource)) with feature `fetch`, none otherwise (then
    /// set one with [`with_certificate_source`](Self::with_certificate_source)).
    pub fn new(config: Config) -> Result<Self, ConfigError> {
        if config.max_body == 0 {
            return Err(ConfigError::ZeroBodyLimit);
        }
        let sendgrid_key = match &config.sendgrid {
            Some(c) => Some(p256_point(&c.public_key)?),
            None => None,
        };
        let mailgun_key = match &config.mailgun {
            Some(c) => {
                if c.signing_key.len() < MIN_SECRET {
                    return Err(ConfigError::WeakSecret("mailgun"));
                }
                Some(hmac::Key::new(hmac::HMAC_SHA256, c.signing_key.as_bytes()))
            }
            None => None,
        };
        for (name, auth) in [("postmark", &config.postmark), ("sparkpost", &config.sparkpost)] {
            if let Some(a) = auth {
                validate_secret_auth(name, a)?;
            }
        }
        Ok(Verifier { config, sendgrid_key, mailgun_key, certs: CertCache::new(crate::ses::default_source()) })
    }

    /// Uses `source` for SNS signing certificates (and empties the certificate cache).
    pub fn with_certificate_source(mut self, source: Box<dyn CertificateSource>) -> Self {
        self.certs = CertCache::new(source);
        self
    }

    /// The configuration.
    pub fn config(&self) -> &Config {
        &self.config
    }
}

fn validate_secret_auth(name: &'static str, a: &SecretAuth) -> Result<(), ConfigError> {
    if a.basic.is_none() && a.token.is_none() {
        return Err(ConfigError::NoCredentials(name));
    }
    if a.basic.as_ref().is_some_and(|b| b.password.len() < MIN_SECRET) {
        return Err(ConfigError::WeakSecret(name));
    }
    if a.token.as_ref().is_some_and(|t| t.token.len() < MIN_SECRET || t.header.trim().is_empty()) {
        return Err(ConfigError::WeakSecret(name));
    }
    Ok(())
}

/// The DER prefix of a SubjectPublicKeyInfo for an uncompressed P-256 point:
/// SEQUENCE { SEQUENCE { id-ecPublicKey, prime256v1 }, BIT STRING (0 unused bits) }.
const P256_SPKI_PREFIX: [u8; 26] = [
    0x30, 0x59, 0x30, 0x13, 0x06, 0x07, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x02, 0x01, 0x06, 0x08, 0x2a, 0x86, 0x48, 0xce,
    0x3d, 0x03, 0x01, 0x07, 0x03, 0x42, 0x00,
];

/// The uncompressed point of a base64 (or PEM) P-256 SubjectPublicKeyInfo.
fn p256_point(key: &str) -> Result<Vec<u8>, ConfigError> {
    let b64: String = key
        .lines()
        .filter(|l| !l.starts_with("-----"))
        .flat_map(|l| l.chars())
        .filter(|c| !c.is_ascii_whitespace())
        .collect();
    let der = STANDARD.decode(b64).map_err(|e| ConfigError::SendGridKey(format!("not base64: {e}")))?;
    match der.strip_prefix(&P256_SPKI_PREFIX[..]) {
        Some(point) if point.len() == 65 && point[0] == 4 => Ok(point.to_vec()),
        _ => Err(ConfigError::SendGridKey("not an uncompressed ECDSA P-256 SubjectPublicKeyInfo".into())),
    }
}
