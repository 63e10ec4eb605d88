//! What a listener accepts and how long it waits: [`Config`], checked by
//! [`Config::validate`] before a [`Listener`](crate::Listener) binds.

use std::sync::Arc;
use std::time::Duration;

use crate::address::{self, Recipient};

/// The protocol a listener speaks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Protocol {
    /// SMTP (RFC 5321): one reply to the message after DATA.
    #[default]
    Smtp,
    /// LMTP (RFC 2033): `LHLO` instead of `EHLO`, one reply per recipient after DATA.
    Lmtp,
}

impl Protocol {
    /// `smtp` or `lmtp`.
    pub fn as_str(self) -> &'static str {
        match self {
            Protocol::Smtp => "smtp",
            Protocol::Lmtp => "lmtp",
        }
    }
}

/// How a bounce address carries the original recipient (VERP):
/// `bounces+alice=example.com@bounce.example.net` names `alice@example.com`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Verp {
    /// The fixed start of the local part, `bounces`. Empty: the whole local part is the
    /// encoded recipient (`alice=example.com@bounce.example.net`).
    pub prefix: String,
    /// Between the prefix and the encoded recipient: `+` (qmail-style setups use `-`).
    pub separator: char,
    /// Stands for `@` in the encoded recipient: `=`. The last one counts, so local parts
    /// that contain it themselves still decode.
    pub at: char,
}

impl Default for Verp {
    fn default() -> Self {
        Self { prefix: "bounces".into(), separator: '+', at: '=' }
    }
}

/// The settings of one listener. Build it with struct update syntax over
/// [`Config::default`]; [`Config::validate`] (called by
/// [`Listener::bind`](crate::Listener::bind)) checks and normalises it.
#[derive(Debug, Clone)]
pub struct Config {
    /// The name the server gives in its greeting and EHLO reply.
    pub hostname: String,
    /// SMTP or LMTP.
    pub protocol: Protocol,
    /// The bounce domains: mail is accepted only for addresses in these domains
    /// (`bounce.example.net`). At least one is required.
    pub domains: Vec<String>,
    /// How bounce addresses encode the original recipient.
    pub verp: Verp,
    /// Accept every local part of a bounce domain, not only the VERP prefix and
    /// `postmaster`. Off by default: mail for any other local part gets 550 5.1.1.
    pub accept_any_local_part: bool,
    /// The largest message accepted, in bytes (after dot-unstuffing); advertised with
    /// the SIZE extension, and larger messages get 552 5.3.4. Bounces carry the
    /// returned message, so the default is generous: 25 MiB.
    pub max_message_size: usize,
    /// Recipients per transaction; one more gets 452 4.5.3. Default 100, the minimum
    /// RFC 5321 §4.5.3.1.8 asks servers to accept.
    pub max_recipients: usize,
    /// Sessions served at once; a connection beyond that gets 421 and is closed.
    pub max_connections: usize,
    /// How long the server waits for the next bytes from the client before it
    /// answers 421 4.4.2 and closes. Default 5 minutes (RFC 5321 §4.5.3.2.7).
    pub idle_timeout: Duration,
    /// How long the whole transfer of one message (DATA to the final dot, or all BDAT
    /// chunks) may take, so a client trickling bytes cannot hold a session forever.
    /// Default 10 minutes (RFC 5321 §4.5.3.2.6).
    pub data_timeout: Duration,
    /// After shutdown is signalled, how long sessions may take to finish the message
    /// they are receiving or delivering before they are cut off. Default 30 s.
    pub shutdown_grace: Duration,
    /// STARTTLS: the server configuration from [`tls::load`](crate::tls::load).
    /// `None`: STARTTLS is neither advertised nor accepted.
    pub tls: Option<Arc<rustls::ServerConfig>>,
}

impl Default for Config {
    fn default() -> Self {
        Self {
            hostname: "localhost".into(),
            protocol: Protocol::Smtp,
            domains: Vec::new(),
            verp: Verp::default(),
            accept_any_local_part: false,
            max_message_size: 25 * 1024 * 1024,
            max_recipients: 100,
            max_connections: 256,
            idle_timeout: Duration::from_secs(300),
            data_timeout: Duration::from_secs(600),
            shutdown_grace: Duration::from_secs(30),
            tls: None,
        }
    }
}

/// Why a [`Config`] was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ConfigError {
    /// No bounce domain was configured: the listener would refuse every recipient.
    #[error("no bounce domain configured")]
    NoDomains,
    /// A bounce domain is not a domain name.
    #[error("not a domain name: {0:?}")]
    InvalidDomain(String),
    /// The host name is empty or contains white space.
    #[error("invalid host name: {0:?}")]
    InvalidHostname(String),
    /// A limit that must be positive is zero.
    #[error("{0} must be greater than zero")]
    Zero(&'static str),
    /// The VERP prefix, separator or `@` stand-in cannot work.
    #[error("invalid VERP setting: {0}")]
    Verp(&'static str),
}

impl Config {
    /// Checks the configuration and normalises it (domains lowercase, no trailing dot).
    pub fn validate(mut self) -> Result<Config, ConfigError> {
        if self.hostname.is_empty() || self.hostname.chars().any(|c| c.is_whitespace() || c.is_control()) {
            return Err(ConfigError::InvalidHostname(self.hostname));
        }
        if self.domains.is_empty() {
            return Err(ConfigError::NoDomains);
        }
        for d in &mut self.domains {
            let norm = d.trim().trim_end_matches('.').to_ascii_lowercase();
            if !address::is_domain(&norm) {
                return Err(ConfigError::InvalidDomain(d.clone()));
            }
            *d = norm;
        }
        self.domains.sort();
        self.domains.dedup();
        for (value, name) in [
            (self.max_message_size, "max_message_size"),
            (self.max_recipients, "max_recipients"),
            (self.max_connections, "max_connections"),
        ] {
            if value == 0 {
                return Err(ConfigError::Zero(name));
            }
        }
        for (value, name) in [(self.idle_timeout, "idle_timeout"), (self.data_timeout, "data_timeout")] {
            if value.is_zero() {
                return Err(ConfigError::Zero(name));
            }
        }
        let Verp { prefix, separator, at } = &self.verp;
        if *at == '@' || *separator == '@' || prefix.contains('@') {
            return Err(ConfigError::Verp("'@' cannot be the prefix, the separator or the stand-in for '@'"));
        }
        if separator == at {
            return Err(ConfigError::Verp("the separator and the stand-in for '@' must differ"));
        }
        if prefix.chars().any(|c| c.is_whitespace() || c.is_control() || c == '<' || c == '>') {
            return Err(ConfigError::Verp("the prefix must be a plain local part"));
        }
        Ok(self)
    }

    /// Decides a `RCPT TO` address: `Some` with the VERP-decoded original recipient
    /// when the address is one of ours, `None` when it must be refused (550 5.1.1).
    ///
    /// Ours are, in a bounce domain: the VERP prefix alone, the prefix with an encoded
    /// recipient, `postmaster` (RFC 5321 §4.5.1), and any local part when
    /// [`Config::accept_any_local_part`] is set; and `postmaster` without a domain.
    ///
    /// ```
    /// use bouncekit_listener::Config;
    /// let config = Config { domains: vec!["bounce.example.net".into()], ..Config::default() }
    ///     .validate()
    ///     .unwrap();
    /// let r = config.recipient("bounces+alice=example.com@Bounce.Example.NET").unwrap();
    /// assert_eq!(r.original.as_deref(), Some("alice@example.com"));
    /// assert!(config.recipient("alice@example.com").is_none());
    /// ```
    pub fn recipient(&self, address: &str) -> Option<Recipient> {
        address::accept(self, address)
    }
}
