//! The server configuration: a TOML file read into [`RawConfig`], validated into
//! [`ServerConfig`].
//!
//! ```toml
//! listen = "127.0.0.1:8025"          # --listen wins
//! smtp = "127.0.0.1:2525"            # --smtp wins
//! lmtp = "127.0.0.1:2424"            # --lmtp wins
//! policy = "/etc/bouncekit/policy.toml"
//! state_dir = "/var/lib/bouncekit"   # log checkpoints and mailbox states of the jobs
//!                                    # [default: the database's directory]
//!
//! [[tokens]]
//! name = "mta"                       # shown in the audit log
//! token = "long-random-secret"
//! scope = "write"                    # read, write or admin
//!
//! [limits]
//! max_body = 10485760                # bytes per request
//! request_timeout = 30               # seconds a request may take, and its headers may take to arrive
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
//!
//! [dashboard]                        # the web pages under /ui/
//! secure_cookie = true               # behind an HTTPS proxy
//! session_ttl = 43200                # seconds a login lasts
//!
//! [dns]                              # DNS checks of current domain incidents
//! check_every = 900                  # seconds between the server's checks; 0 = off [default 900]
//! nameservers = ["127.0.0.1:53"]     # IP or IP:PORT [default: the system's resolver];
//!                                    # also asked by the dashboard's "Check DNS now"
//!
//! # Jobs: MTA logs followed and bounce mailboxes polled by the server (see `state_dir`
//! # above for where their positions are kept by default).
//! [[logs]]
//! path = "/var/log/mail.log"         # followed across rotation; a gzip file is read whole
//! mta = "postfix"                    # postfix, exim, sendmail, powermta, kumomta [default: detected]
//! checkpoint = "/var/lib/bouncekit/mail.log.checkpoint.json"  # [default: in state_dir]
//! utc_offset = "+01:00"              # zone of timestamps written without one [default: UTC]
//!
//! [[mailboxes]]
//! url = "imaps://bounces@mail.example.net/INBOX"   # or pop3s://…; imap://, pop3:// use STARTTLS off loopback
//! password_file = "/etc/bouncekit/mail-password"   # its first line; or:
//! # password_env = "BOUNCEKIT_MAIL_PASSWORD"       # (the default when neither is given)
//! interval = 60                      # seconds between polls
//! after = "move:Processed"           # move:FOLDER, flag, flag:KEYWORD, delete, keep (POP3)
//!                                    # [default: flag (\Seen) on IMAP, keep on POP3]
//! state = "/var/lib/bouncekit/bounces.state.json"  # resume point [default: in state_dir]
//! ca_file = "/etc/bouncekit/private-ca.pem"        # extra trusted CA certificates
//! starttls = false                   # STARTTLS/STLS on a plain URL to a loopback host too
//! timeout = 60                       # seconds one network step may take
//! ```
//!
//! Jobs ingest through the same store writer as the API, retry failures with a bounded
//! backoff, keep their reading position in the checkpoint or state file (a restart
//! resumes, it does not ingest again) and stop with the server. A password is read from
//! its file or variable, never written in this file.
//!
//! The DNS job (`[dns] check_every`) asks DNS about every current incident (open, that
//! is held, or dead) each round and records the verdict: null MX, NXDOMAIN or no mail
//! host make an open incident dead, a working MX closes a dead one. Several nodes sharing
//! one PostgreSQL database may all run it: recording a verdict is idempotent and locks
//! the domain, so two nodes checking the same incident leave the state one node would
//! have left. `[dashboard] nameservers`, the older place of the name servers, is still
//! read when `[dns]` names none.

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
    /// Not valid TOML or an unknown key. Shown without the TOML parser's excerpt of the
    /// file: the line it quotes may hold a token or a webhook secret, and this message
    /// ends up in logs.
    #[error("{}: {message}", .path.display())]
    Toml {
        /// The file.
        path: PathBuf,
        /// What is wrong and where (line and column).
        message: String,
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
    /// A `[[logs]]` or `[[mailboxes]]` entry that cannot be used.
    #[error("{0}")]
    Job(String),
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
    /// The web dashboard.
    #[serde(default)]
    pub dashboard: RawDashboard,
    /// DNS checks of current incidents.
    #[serde(default)]
    pub dns: RawDns,
    /// The default directory of job state (log checkpoints, mailbox resume points).
    pub state_dir: Option<PathBuf>,
    /// MTA logs the server follows.
    #[serde(default)]
    pub logs: Vec<RawLogJob>,
    /// Bounce mailboxes the server polls.
    #[serde(default)]
    pub mailboxes: Vec<RawMailboxJob>,
}

/// One `[[logs]]` entry.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawLogJob {
    /// The log file.
    pub path: PathBuf,
    /// The format name (`postfix`…); detected when missing.
    pub mta: Option<String>,
    /// The checkpoint file.
    pub checkpoint: Option<PathBuf>,
    /// Zone of timestamps written without one (`+01:00`).
    pub utc_offset: Option<String>,
}

/// One `[[mailboxes]]` entry.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawMailboxJob {
    /// The mailbox URL (never with a password).
    pub url: String,
    /// A file whose first line is the password.
    pub password_file: Option<PathBuf>,
    /// An environment variable holding the password.
    pub password_env: Option<String>,
    /// Seconds between polls.
    pub interval: Option<u64>,
    /// The after-action (`move:FOLDER`, `flag`, `flag:KEYWORD`, `delete`, `keep`).
    pub after: Option<String>,
    /// The resume-point file.
    pub state: Option<PathBuf>,
    /// Extra trusted CA certificates (PEM).
    pub ca_file: Option<PathBuf>,
    /// STARTTLS/STLS on a plain URL to a loopback host.
    #[serde(default)]
    pub starttls: bool,
    /// Seconds one network step may take.
    pub timeout: Option<u64>,
}

/// `[dashboard]`: the web pages under `/ui/`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawDashboard {
    /// Serve the dashboard (default true).
    pub enabled: Option<bool>,
    /// Mark the login cookie `Secure`: set it when people reach bouncekit through HTTPS
    /// (a TLS-terminating proxy). A proxy sending `X-Forwarded-Proto: https` has the same
    /// effect per request.
    pub secure_cookie: Option<bool>,
    /// How long a dashboard login lasts, seconds (default 43200, 12 hours).
    pub session_ttl: Option<u64>,
    /// The older place of `[dns] nameservers`, still read when `[dns]` names none.
    #[serde(default)]
    pub nameservers: Vec<String>,
}

/// `[dns]`: DNS checks of current domain incidents.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawDns {
    /// Seconds between two checks of every current incident by the server; 0 turns the
    /// job off (default 900).
    pub check_every: Option<u64>,
    /// DNS servers (`IP` or `IP:PORT`) asked by the job, the dashboard's "Check DNS now"
    /// button (default: the system's resolver).
    #[serde(default)]
    pub nameservers: Vec<String>,
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
    /// How long a request may take; longer ones get 503. Also how long a client may take
    /// to send a request's headers before its connection is closed
    /// ([`serve_with`](crate::serve_with)).
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

/// A log the server follows (`[[logs]]`). The format name and the offset are checked by
/// the program that runs the job, which knows the log formats.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LogJob {
    /// The log file.
    pub path: PathBuf,
    /// The format name, or `None` to detect it.
    pub mta: Option<String>,
    /// The checkpoint file, or `None` for the default in the state directory.
    pub checkpoint: Option<PathBuf>,
    /// Zone of timestamps written without one, as written (`+01:00`).
    pub utc_offset: Option<String>,
}

/// Where a mailbox password comes from. Never the password itself.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PasswordSource {
    /// The first line of this file.
    File(PathBuf),
    /// This environment variable.
    Env(String),
}

/// A mailbox the server polls (`[[mailboxes]]`). The URL and the after-action are
/// checked by the program that runs the job, which knows the protocols.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MailboxJob {
    /// The mailbox URL.
    pub url: String,
    /// Where the password comes from.
    pub password: PasswordSource,
    /// Time from the end of one poll to the start of the next.
    pub interval: Duration,
    /// The after-action as written, or `None` for the protocol's default.
    pub after: Option<String>,
    /// The resume-point file, or `None` for the default in the state directory.
    pub state: Option<PathBuf>,
    /// Extra trusted CA certificates (PEM).
    pub ca_file: Option<PathBuf>,
    /// STARTTLS/STLS on a plain URL to a loopback host.
    pub starttls: bool,
    /// How long one network step may take.
    pub timeout: Duration,
}

impl MailboxJob {
    /// 60 s between polls: bounces are not urgent to the second, and a mail server should
    /// not see a login every few seconds.
    pub const DEFAULT_INTERVAL: Duration = Duration::from_secs(60);
    /// 60 s per network step, as `bouncekit poll`.
    pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(60);
    /// The password variable when the entry names neither a file nor a variable.
    pub const DEFAULT_PASSWORD_ENV: &str = "BOUNCEKIT_MAIL_PASSWORD";
}

/// DNS checks of current incidents (`[dns]`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DnsConfig {
    /// Time between two rounds of the server's DNS job; zero: no job.
    pub check_every: Duration,
    /// The DNS servers to ask; empty: the system's resolver.
    pub nameservers: Vec<SocketAddr>,
}

impl DnsConfig {
    /// 15 minutes: an outage or its repair is noticed soon enough, and a handful of
    /// incidents cost a few queries an hour.
    pub const DEFAULT_CHECK_EVERY: Duration = Duration::from_secs(900);

    /// The name servers as the resolver takes them.
    pub fn servers(&self) -> bouncekit_dns::Nameservers {
        if self.nameservers.is_empty() { bouncekit_dns::Nameservers::System } else { bouncekit_dns::Nameservers::Explicit(self.nameservers.clone()) }
    }
}

impl Default for DnsConfig {
    fn default() -> Self {
        DnsConfig { check_every: Self::DEFAULT_CHECK_EVERY, nameservers: Vec::new() }
    }
}

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
    /// The dashboard's settings.
    pub dashboard: crate::ui::DashboardConfig,
    /// DNS checks of current incidents: the job's interval and the name servers (also
    /// the dashboard's).
    pub dns: DnsConfig,
    /// The default directory of job state, or `None` for the database's directory.
    pub state_dir: Option<PathBuf>,
    /// Logs to follow.
    pub logs: Vec<LogJob>,
    /// Mailboxes to poll.
    pub mailboxes: Vec<MailboxJob>,
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
            dashboard: crate::ui::DashboardConfig::default(),
            dns: DnsConfig::default(),
            state_dir: None,
            logs: Vec::new(),
            mailboxes: Vec::new(),
        }
    }
}

/// A TOML error as "line L, column C: message", without the parser's excerpt of `text`.
fn toml_message(text: &str, e: &toml::de::Error) -> String {
    let message = e.message().trim_end();
    match e.span() {
        Some(span) => {
            let before = text.get(..span.start).unwrap_or(text);
            let line = before.matches('\n').count() + 1;
            let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
            format!("TOML error at line {line}, column {column}: {message}")
        }
        None => format!("TOML error: {message}"),
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
            ConfigError::Toml { message, .. } => ConfigError::Toml { path: path.to_path_buf(), message },
            other => other,
        })
    }

    /// Reads TOML text.
    pub fn from_toml(text: &str) -> Result<Self, ConfigError> {
        toml::from_str(text).map_err(|e| ConfigError::Toml { path: PathBuf::from("config"), message: toml_message(text, &e) })
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
        let dashboard = crate::ui::DashboardConfig {
            enabled: self.dashboard.enabled.unwrap_or(true),
            secure_cookie: self.dashboard.secure_cookie.unwrap_or(false),
            session_ttl: match self.dashboard.session_ttl {
                Some(0) => return Err(ConfigError::Limit("dashboard.session_ttl must be positive".into())),
                Some(s) => Duration::from_secs(s),
                None => crate::ui::DashboardConfig::DEFAULT_TTL,
            },
        };
        let dns = self.dns()?;
        let webhooks = self.webhooks.build()?;
        // Verify the sections now so that a bad key fails at start, not at the first event.
        bouncekit_webhooks::Verifier::new(webhooks.clone())?;
        let (logs, mailboxes) = self.jobs()?;
        Ok(ServerConfig {
            listen,
            smtp,
            lmtp,
            policy: self.policy.clone(),
            tokens,
            limits,
            bounce_domains,
            webhooks,
            dashboard,
            dns,
            state_dir: self.state_dir.clone(),
            logs,
            mailboxes,
        })
    }

    /// `[dns]`, with the name servers of `[dashboard]` when `[dns]` names none; both
    /// naming some is refused (which would win is not obvious).
    fn dns(&self) -> Result<DnsConfig, ConfigError> {
        let (what, list) = match (self.dns.nameservers.is_empty(), self.dashboard.nameservers.is_empty()) {
            (false, false) => return Err(ConfigError::Job("dns.nameservers and dashboard.nameservers: give the name servers once, in [dns]".into())),
            (true, false) => ("dashboard.nameservers", &self.dashboard.nameservers),
            _ => ("dns.nameservers", &self.dns.nameservers),
        };
        let nameservers = list
            .iter()
            .map(|n| n.trim().parse::<SocketAddr>().or_else(|_| n.trim().parse::<std::net::IpAddr>().map(|ip| SocketAddr::new(ip, 53))).map_err(|_| ConfigError::Address { what, value: n.clone() }))
            .collect::<Result<_, _>>()?;
        Ok(DnsConfig { check_every: self.dns.check_every.map_or(DnsConfig::DEFAULT_CHECK_EVERY, Duration::from_secs), nameservers })
    }

    /// The `[[logs]]` and `[[mailboxes]]` entries: required keys, positive durations, no
    /// log or mailbox listed twice, no checkpoint or state file shared (two jobs writing
    /// one file would overwrite each other's position).
    fn jobs(&self) -> Result<(Vec<LogJob>, Vec<MailboxJob>), ConfigError> {
        let job = ConfigError::Job;
        let mut logs = Vec::new();
        for (i, l) in self.logs.iter().enumerate() {
            let what = format!("logs[{}]", i + 1);
            if l.path.as_os_str().is_empty() {
                return Err(job(format!("{what}: `path` is empty")));
            }
            if self.logs[..i].iter().any(|o| o.path == l.path) {
                return Err(job(format!("{what}: {} is listed twice", l.path.display())));
            }
            logs.push(LogJob { path: l.path.clone(), mta: l.mta.clone(), checkpoint: l.checkpoint.clone(), utc_offset: l.utc_offset.clone() });
        }
        let mut mailboxes = Vec::new();
        for (i, m) in self.mailboxes.iter().enumerate() {
            let what = format!("mailboxes[{}]", i + 1);
            let url = m.url.trim();
            if url.is_empty() {
                return Err(job(format!("{what}: `url` is empty")));
            }
            if self.mailboxes[..i].iter().any(|o| o.url.trim() == url) {
                return Err(job(format!("{what}: {url} is listed twice")));
            }
            let password = match (&m.password_file, &m.password_env) {
                (Some(_), Some(_)) => return Err(job(format!("{what}: give `password_file` or `password_env`, not both"))),
                (Some(f), None) => PasswordSource::File(f.clone()),
                (None, Some(v)) if v.trim().is_empty() => return Err(job(format!("{what}: `password_env` is empty"))),
                (None, Some(v)) => PasswordSource::Env(v.trim().to_string()),
                (None, None) => PasswordSource::Env(MailboxJob::DEFAULT_PASSWORD_ENV.into()),
            };
            let secs = |key: &str, v: Option<u64>, def: Duration| match v {
                Some(0) => Err(job(format!("{what}: `{key}` must be at least 1 second"))),
                Some(n) => Ok(Duration::from_secs(n)),
                None => Ok(def),
            };
            mailboxes.push(MailboxJob {
                url: url.to_string(),
                password,
                interval: secs("interval", m.interval, MailboxJob::DEFAULT_INTERVAL)?,
                after: m.after.clone(),
                state: m.state.clone(),
                ca_file: m.ca_file.clone(),
                starttls: m.starttls,
                timeout: secs("timeout", m.timeout, MailboxJob::DEFAULT_TIMEOUT)?,
            });
        }
        let files = logs.iter().enumerate().filter_map(|(i, l)| Some((format!("logs[{}].checkpoint", i + 1), l.checkpoint.as_deref()?)));
        let files: Vec<(String, &Path)> = files.chain(mailboxes.iter().enumerate().filter_map(|(i, m)| Some((format!("mailboxes[{}].state", i + 1), m.state.as_deref()?)))).collect();
        for (i, (what, f)) in files.iter().enumerate() {
            if files[..i].iter().any(|(_, o)| o == f) {
                return Err(job(format!("{what}: {} is used by another job; give each job its own file", f.display())));
            }
        }
        Ok((logs, mailboxes))
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

#[cfg(test)]
mod tests {
    use super::*;

    fn jobs(toml: &str) -> Result<ServerConfig, ConfigError> {
        RawConfig::from_toml(toml)?.validate()
    }

    #[test]
    fn dns_checks_every_15_minutes_by_default_and_reads_the_older_dashboard_servers() {
        let c = jobs("").expect("valid");
        assert_eq!(c.dns, DnsConfig { check_every: Duration::from_secs(900), nameservers: Vec::new() });
        assert_eq!(c.dns.servers(), bouncekit_dns::Nameservers::System);
        let c = jobs("[dns]\ncheck_every = 0\nnameservers = [\"127.0.0.1:5353\", \"192.0.2.53\"]\n").expect("valid");
        assert_eq!(c.dns.check_every, Duration::ZERO, "0 turns the job off");
        assert_eq!(c.dns.nameservers, vec![SocketAddr::from(([127, 0, 0, 1], 5353)), SocketAddr::from(([192, 0, 2, 53], 53))]);
        let c = jobs("[dashboard]\nnameservers = [\"127.0.0.1:5353\"]\n").expect("valid");
        assert_eq!(c.dns.nameservers, vec![SocketAddr::from(([127, 0, 0, 1], 5353))], "the older place still counts");
        let e = jobs("[dns]\nnameservers = [\"127.0.0.1\"]\n[dashboard]\nnameservers = [\"127.0.0.2\"]\n").expect_err("both");
        assert!(e.to_string().contains("once, in [dns]"), "{e}");
        let e = jobs("[dns]\nnameservers = [\"resolver.example\"]\n").expect_err("not an address");
        assert!(e.to_string().contains("dns.nameservers"), "{e}");
        assert!(jobs("[dns]\ninterval = 5\n").is_err(), "unknown keys are refused");
    }

    #[test]
    fn job_sections_with_their_defaults() {
        let c = jobs(
            "state_dir = \"/var/lib/bouncekit\"\n[[logs]]\npath = \"/var/log/mail.log\"\n[[logs]]\npath = \"/var/log/exim4/mainlog\"\nmta = \"exim\"\nutc_offset = \"+01:00\"\n\
             [[mailboxes]]\nurl = \"imaps://bounces@mail.example.net/INBOX\"\npassword_file = \"/etc/bouncekit/pw\"\nafter = \"move:Processed\"\n\
             [[mailboxes]]\nurl = \"pop3s://bounces@mail.example.net\"\npassword_env = \"POP_PASSWORD\"\ninterval = 300\nstate = \"/srv/pop.json\"\n",
        )
        .expect("valid");
        assert_eq!(c.state_dir.as_deref(), Some(Path::new("/var/lib/bouncekit")));
        assert_eq!(c.logs.len(), 2);
        assert_eq!((c.logs[0].mta.as_deref(), c.logs[0].checkpoint.as_deref()), (None, None));
        assert_eq!((c.logs[1].mta.as_deref(), c.logs[1].utc_offset.as_deref()), (Some("exim"), Some("+01:00")));
        let [imap, pop] = &c.mailboxes[..] else { panic!("two mailboxes") };
        assert_eq!(imap.password, PasswordSource::File("/etc/bouncekit/pw".into()));
        assert_eq!((imap.interval, imap.timeout, imap.after.as_deref()), (MailboxJob::DEFAULT_INTERVAL, MailboxJob::DEFAULT_TIMEOUT, Some("move:Processed")));
        assert_eq!(pop.password, PasswordSource::Env("POP_PASSWORD".into()));
        assert_eq!((pop.interval, pop.state.as_deref()), (Duration::from_secs(300), Some(Path::new("/srv/pop.json"))));
        // Neither a file nor a variable: the variable `bouncekit poll` reads.
        let c = jobs("[[mailboxes]]\nurl = \"imaps://b@mail.example.net\"\n").expect("valid");
        assert_eq!(c.mailboxes[0].password, PasswordSource::Env("BOUNCEKIT_MAIL_PASSWORD".into()));
    }

    #[test]
    fn bad_job_entries_are_named() {
        for (toml, expected) in [
            ("[[logs]]\npath = \"\"\n", "logs[1]: `path` is empty"),
            ("[[logs]]\npath = \"/a\"\n[[logs]]\npath = \"/a\"\n", "logs[2]: /a is listed twice"),
            ("[[mailboxes]]\nurl = \" \"\n", "mailboxes[1]: `url` is empty"),
            ("[[mailboxes]]\nurl = \"imaps://b@h\"\ninterval = 0\n", "mailboxes[1]: `interval` must be at least 1 second"),
            ("[[mailboxes]]\nurl = \"imaps://b@h\"\ntimeout = 0\n", "`timeout` must be at least 1 second"),
            ("[[mailboxes]]\nurl = \"imaps://b@h\"\npassword_env = \"\"\n", "`password_env` is empty"),
            ("[[mailboxes]]\nurl = \"imaps://b@h\"\npassword_env = \"A\"\npassword_file = \"/p\"\n", "not both"),
            ("[[mailboxes]]\nurl = \"imaps://b@h\"\n[[mailboxes]]\nurl = \"imaps://b@h\"\n", "mailboxes[2]: imaps://b@h is listed twice"),
            ("[[logs]]\npath = \"/a\"\ncheckpoint = \"/s.json\"\n[[mailboxes]]\nurl = \"imaps://b@h\"\nstate = \"/s.json\"\n", "mailboxes[1].state: /s.json is used by another job"),
        ] {
            let e = jobs(toml).expect_err(toml).to_string();
            assert!(e.contains(expected), "{toml}: {e}");
        }
        // A password in the file is not a key at all.
        assert!(RawConfig::from_toml("[[mailboxes]]\nurl = \"imaps://b@h\"\npassword = \"x\"\n").is_err());
    }
}
