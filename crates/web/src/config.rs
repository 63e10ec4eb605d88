//! The server configuration: a TOML file read into [`RawConfig`], validated into
//! [`ServerConfig`].
//!
//! ```toml
//! listen = "127.0.0.1:8025"          # --listen wins
//! smtp = "127.0.0.1:2525"            # --smtp wins
//! lmtp = "127.0.0.1:2424"            # --lmtp wins
//! policy = "/etc/bouncekit/policy.toml"
//!
//! [[tokens]]
//! name = "mta"                       # shown in the audit log
//! token = "long-random-secret"
//! scope = "write"                    # read, write or admin
//!
//! [limits]
//! max_body = 10485760                # bytes per request
//! request_timeout = 30               # seconds
//! concurrency = 256                  # requests in flight
//! max_check = 10000                  # addresses per bulk check
//!
//! [bounce]
//! domains = ["bounce.example.net"]   # accepted by the SMTP/LMTP listener
//!
//! [webhooks.ses]
//! topic_arns = ["arn:aws:sns:eu-west-1:123456789012:ses-bounces"]
//! [webhooks.sendgrid]
//! public_key = "MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAE…"
//! [webhooks.mailgun]
//! signing_key = "key-…"
//! [webhooks.postmark]
//! user = "postmark"
//! password = "…"
//! [webhooks.sparkpost]
//! header = "X-MessageSystems-Webhook-Token"
//! token = "…"
//! ```

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::time::Duration;

use serde::Deserialize;

use crate::auth::{Access, Token};

/// Why a configuration cannot be used.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ConfigError {
    /// The file could not be read.
    #[error("cannot read {path}: {source}")]
    Io {
        /// The file.
        path: PathBuf,
        /// The error.
        source: std::io::Error,
    },
    /// Not valid TOML or an unknown key.
    #[error("{path}: {source}")]
    Toml {
        /// The file.
        path: PathBuf,
        /// The error.
        source: Box<toml::de::Error>,
    },
    /// An address that does not parse.
    #[error("{what}: `{value}` is not an address such as 127.0.0.1:8025")]
    Address {
        /// The setting.
        what: &'static str,
        /// The value.
        value: String,
    },
    /// A token that is too short or duplicated, or an unknown scope.
    #[error("tokens: {0}")]
    Token(String),
    /// A limit of zero or out of range.
    #[error("limits: {0}")]
    Limit(String),
    /// A webhook section that cannot be used.
    #[error("webhooks: {0}")]
    Webhooks(#[from] bouncekit_webhooks::ConfigError),
    /// A webhook section that names neither basic auth nor a token, or half of one.
    #[error("webhooks.{0}: give `user` and `password`, or `header` and `token`")]
    WebhookAuth(&'static str),
    /// The listen address is not loopback and no token is configured: the API would be
    /// open to the network.
    #[error("refusing to listen on {0} without tokens: configure [[tokens]] or listen on a loopback address")]
    OpenToNetwork(SocketAddr),
    /// A bounce domain that is not a domain.
    #[error("bounce.domains: `{0}` is not a domain")]
    BounceDomain(String),
}

/// The file as written. Every key is optional.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawConfig {
    /// The HTTP listen address.
    pub listen: Option<String>,
    /// The SMTP listener address.
    pub smtp: Option<String>,
    /// The LMTP listener address.
    pub lmtp: Option<String>,
    /// A policy file merged over the default policy.
    pub policy: Option<PathBuf>,
    /// Bearer tokens.
    #[serde(default)]
    pub tokens: Vec<RawToken>,
    /// Limits.
    #[serde(default)]
    pub limits: RawLimits,
    /// The bounce address domains.
    #[serde(default)]
    pub bounce: RawBounce,
    /// Webhook secrets.
    #[serde(default)]
    pub webhooks: RawWebhooks,
}

/// One `[[tokens]]` entry.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawToken {
    /// A name for logs and the audit trail (default `token-N`).
    pub name: Option<String>,
    /// The secret.
    pub token: String,
    /// `read`, `write` or `admin`.
    pub scope: String,
}

/// `[limits]`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawLimits {
    /// Largest request body in bytes.
    pub max_body: Option<usize>,
    /// Seconds a request may take.
    pub request_timeout: Option<u64>,
    /// Requests in flight at once.
    pub concurrency: Option<usize>,
    /// Addresses per bulk check.
    pub max_check: Option<usize>,
    /// Largest message the SMTP/LMTP listener accepts, in bytes.
    pub max_message: Option<usize>,
}

/// `[bounce]`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawBounce {
    /// Domains of the bounce address (VERP `bounces+alice=example.com@DOMAIN`).
    #[serde(default)]
    pub domains: Vec<String>,
}

/// `[webhooks]`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawWebhooks {
    /// Largest webhook body in bytes.
    pub max_body: Option<usize>,
    /// Amazon SES via SNS.
    pub ses: Option<RawSes>,
    /// SendGrid.
    pub sendgrid: Option<RawSendGrid>,
    /// Mailgun.
    pub mailgun: Option<RawMailgun>,
    /// Postmark.
    pub postmark: Option<RawSecret>,
    /// SparkPost.
    pub sparkpost: Option<RawSecret>,
}

/// `[webhooks.ses]`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawSes {
    /// Accepted topics (empty: any).
    #[serde(default)]
    pub topic_arns: Vec<String>,
    /// Oldest signed timestamp accepted, seconds.
    pub max_age: Option<u64>,
}

/// `[webhooks.sendgrid]`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawSendGrid {
    /// The verification key (base64 SubjectPublicKeyInfo).
    pub public_key: String,
    /// Largest clock distance accepted, seconds.
    pub max_age: Option<u64>,
}

/// `[webhooks.mailgun]`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawMailgun {
    /// The HTTP webhook signing key.
    pub signing_key: String,
    /// Freshness window, seconds (default 300).
    pub max_age: Option<u64>,
}

/// `[webhooks.postmark]`, `[webhooks.sparkpost]`: basic auth and/or a header token.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawSecret {
    /// Basic-auth user.
    pub user: Option<String>,
    /// Basic-auth password.
    pub password: Option<String>,
    /// Header carrying the token.
    pub header: Option<String>,
    /// The token.
    pub token: Option<String>,
}

/// The limits in force.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Largest request body in bytes; larger ones get 413.
    pub max_body: usize,
    /// How long a request may take; longer ones get 503.
    pub request_timeout: Duration,
    /// Requests handled at once; more wait for a slot (within the timeout).
    pub concurrency: usize,
    /// Addresses per bulk check; more get 413.
    pub max_check: usize,
    /// Largest message the SMTP/LMTP listener accepts (552 above it).
    pub max_message: usize,
}

impl Limits {
    /// 10 MiB: a bounce with its returned original message rarely exceeds a few MiB,
    /// and a 10 000-address check is about 400 KiB.
    pub const DEFAULT_MAX_BODY: usize = 10 * 1024 * 1024;
    /// 30 s: imports and exports of large lists take seconds, not minutes.
    pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(30);
    /// 1 024 requests in flight: far above what two cores serve at 10 ms p99, low enough
    /// that a flood queues instead of exhausting memory.
    pub const DEFAULT_CONCURRENCY: usize = 1024;
    /// The API's promise: up to 10 000 addresses per bulk check.
    pub const DEFAULT_MAX_CHECK: usize = 10_000;
    /// 25 MiB, the common MTA message size limit.
    pub const DEFAULT_MAX_MESSAGE: usize = 25 * 1024 * 1024;
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_body: Self::DEFAULT_MAX_BODY,
            request_timeout: Self::DEFAULT_TIMEOUT,
            concurrency: Self::DEFAULT_CONCURRENCY,
            max_check: Self::DEFAULT_MAX_CHECK,
            max_message: Self::DEFAULT_MAX_MESSAGE,
        }
    }
}

/// The default HTTP listen address: loopback only.
pub const DEFAULT_LISTEN: &str = "127.0.0.1:8025";

/// The validated configuration.
#[derive(Debug, Clone)]
pub struct ServerConfig {
    /// The HTTP listen address.
    pub listen: SocketAddr,
    /// The SMTP listener, if any.
    pub smtp: Option<SocketAddr>,
    /// The LMTP listener, if any.
    pub lmtp: Option<SocketAddr>,
    /// A policy file, if any.
    pub policy: Option<PathBuf>,
    /// Bearer tokens. Empty means open — allowed on loopback addresses only.
    pub tokens: Vec<Token>,
    /// Limits.
    pub limits: Limits,
    /// The bounce address domains (lowercase).
    pub bounce_domains: Vec<String>,
    /// Webhook verification settings.
    pub webhooks: bouncekit_webhooks::Config,
}

impl Default for ServerConfig {
    fn default() -> Self {
        ServerConfig {
            listen: ([127, 0, 0, 1], 8025).into(),
            smtp: None,
            lmtp: None,
            policy: None,
            tokens: Vec::new(),
            limits: Limits::default(),
            bounce_domains: Vec::new(),
            webhooks: bouncekit_webhooks::Config::default(),
        }
    }
}

/// Shortest bearer token accepted: 16 bytes, so guessing is hopeless.
const MIN_TOKEN: usize = 16;

fn addr(what: &'static str, v: &str) -> Result<SocketAddr, ConfigError> {
    v.trim().parse().map_err(|_| ConfigError::Address { what, value: v.to_string() })
}

impl RawConfig {
    /// Reads a TOML file.
    pub fn from_file(path: &Path) -> Result<Self, ConfigError> {
        let text = std::fs::read_to_string(path).map_err(|source| ConfigError::Io { path: path.to_path_buf(), source })?;
        Self::from_toml(&text).map_err(|e| match e {
            ConfigError::Toml { source, .. } => ConfigError::Toml { path: path.to_path_buf(), source },
            other => other,
        })
    }

    /// Reads TOML text.
    pub fn from_toml(text: &str) -> Result<Self, ConfigError> {
        toml::from_str(text).map_err(|e| ConfigError::Toml { path: PathBuf::from("config"), source: Box::new(e) })
    }

    /// Validates the file. Listener addresses given on the command line are applied by
    /// the caller before this, by setting `listen`, `smtp` and `lmtp`.
    pub fn validate(&self) -> Result<ServerConfig, ConfigError> {
        let listen = addr("listen", self.listen.as_deref().unwrap_or(DEFAULT_LISTEN))?;
        let smtp = self.smtp.as_deref().map(|v| addr("smtp", v)).transpose()?;
        let lmtp = self.lmtp.as_deref().map(|v| addr("lmtp", v)).transpose()?;
        let mut tokens = Vec::new();
        for (i, t) in self.tokens.iter().enumerate() {
            let access: Access = t.scope.parse().map_err(|_| ConfigError::Token(format!("scope `{}`: expected read, write or admin", t.scope)))?;
            if t.token.len() < MIN_TOKEN {
                return Err(ConfigError::Token(format!("token {} is shorter than {MIN_TOKEN} bytes", i + 1)));
            }
            if self.tokens[..i].iter().any(|o| o.token == t.token) {
                return Err(ConfigError::Token(format!("token {} is listed twice", i + 1)));
            }
            let name = t.name.clone().unwrap_or_else(|| format!("token-{}", i + 1));
            tokens.push(Token::new(name, &t.token, access));
        }
        let d = Limits::default();
        let l = &self.limits;
        let positive = |what: &str, v: Option<usize>, def: usize| -> Result<usize, ConfigError> {
            match v {
                Some(0) => Err(ConfigError::Limit(format!("{what} must be positive"))),
                Some(n) => Ok(n),
                None => Ok(def),
            }
        };
        let limits = Limits {
            max_body: positive("max_body", l.max_body, d.max_body)?,
            request_timeout: Duration::from_secs(positive("request_timeout", l.request_timeout.map(|s| s as usize), 30)? as u64),
            concurrency: positive("concurrency", l.concurrency, d.concurrency)?,
            max_check: positive("max_check", l.max_check, d.max_check)?,
            max_message: positive("max_message", l.max_message, d.max_message)?,
        };
        let mut bounce_domains = Vec::new();
        for dom in &self.bounce.domains {
            let n = bouncekit_policy::address::normalise_domain(dom);
            if n.is_empty() || !n.contains('.') || n.chars().any(|c| c.is_whitespace() || c == '@') {
                return Err(ConfigError::BounceDomain(dom.clone()));
            }
            bounce_domains.push(n);
        }
        let webhooks = self.webhooks.build()?;
        // Verify the sections now so that a bad key fails at start, not at the first event.
        bouncekit_webhooks::Verifier::new(webhooks.clone())?;
        Ok(ServerConfig { listen, smtp, lmtp, policy: self.policy.clone(), tokens, limits, bounce_domains, webhooks })
    }
}

impl RawWebhooks {
    fn build(&self) -> Result<bouncekit_webhooks::Config, ConfigError> {
        use bouncekit_webhooks as w;
        let secret = |name: &'static str, s: &RawSecret| -> Result<w::SecretAuth, ConfigError> {
            let basic = match (&s.user, &s.password) {
                (Some(user), Some(password)) => Some(w::BasicAuth { user: user.clone(), password: password.clone() }),
                (None, None) => None,
                _ => return Err(ConfigError::WebhookAuth(name)),
            };
            let token = match (&s.header, &s.token) {
                (Some(header), Some(token)) => Some(w::HeaderToken { header: header.clone(), token: token.clone() }),
                (None, None) => None,
                _ => return Err(ConfigError::WebhookAuth(name)),
            };
            if basic.is_none() && token.is_none() {
                return Err(ConfigError::WebhookAuth(name));
            }
            Ok(w::SecretAuth { basic, token })
        };
        Ok(w::Config {
            max_body: self.max_body.unwrap_or(w::DEFAULT_MAX_BODY),
            ses: self.ses.as_ref().map(|s| w::SesConfig { topic_arns: s.topic_arns.clone(), max_age: s.max_age }),
            sendgrid: self.sendgrid.as_ref().map(|s| w::SendGridConfig { public_key: s.public_key.clone(), max_age: s.max_age }),
            mailgun: self
                .mailgun
                .as_ref()
                .map(|m| w::MailgunConfig { signing_key: m.signing_key.clone(), max_age: m.max_age.unwrap_or(w::MailgunConfig::DEFAULT_MAX_AGE) }),
            postmark: self.postmark.as_ref().map(|s| secret("postmark", s)).transpose()?,
            sparkpost: self.sparkpost.as_ref().map(|s| secret("sparkpost", s)).transpose()?,
        })
    }
}

impl ServerConfig {
    /// True when the API needs no token: no tokens are configured and the server listens
    /// on a loopback address only (anyone who can connect is on this machine).
    pub fn is_open(&self) -> bool {
        self.tokens.is_empty()
    }

    /// Refuses a configuration that would open the API to the network: a non-loopback
    /// listen address without tokens.
    pub fn check_exposure(&self) -> Result<(), ConfigError> {
        if self.tokens.is_empty() && !self.listen.ip().is_loopback() {
            return Err(ConfigError::OpenToNetwork(self.listen));
        }
        Ok(())
    }
}
