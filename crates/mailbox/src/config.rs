//! What to poll and what to do with a message once it was handled.

use std::fmt;
use std::path::{Path, PathBuf};
use std::str::FromStr;
use std::time::Duration;

use rustls_pki_types::CertificateDer;
use rustls_pki_types::pem::PemObject;

use crate::{Error, MailboxUrl, Protocol};

/// What happens to a message after the handler returned `Ok` (never before).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum After {
    /// IMAP: move it to this folder (created when missing). `UID MOVE` where the server
    /// has it, else `UID COPY` + `\Deleted` + expunge.
    Move(String),
    /// IMAP: set this flag (`\Seen`, `\Flagged`, `\Answered`) or keyword. Messages that
    /// carry it are not fetched again.
    Flag(String),
    /// Delete it (IMAP: `\Deleted` + `UID EXPUNGE`; POP3: `DELE`, committed by `QUIT`).
    Delete,
    /// POP3: leave it on the server and remember its UIDL in the state file.
    Keep,
}

impl After {
    /// The default for a protocol: flag `\Seen` on IMAP, keep (with UIDL memory) on POP3.
    pub fn default_for(protocol: Protocol) -> Self {
        match protocol {
            Protocol::Imap => Self::Flag(SEEN.into()),
            Protocol::Pop3 => Self::Keep,
        }
    }
}

/// The `\Seen` system flag.
pub const SEEN: &str = "\\Seen";

impl FromStr for After {
    type Err = Error;

    /// `move:FOLDER`, `flag`, `flag:KEYWORD`, `delete` or `keep`.
    fn from_str(s: &str) -> Result<Self, Error> {
        let bad = || Error::Config(format!("after-action {s:?}: expected move:FOLDER, flag, flag:KEYWORD, delete or keep"));
        match s.split_once(':') {
            Some(("move", folder)) if !folder.is_empty() && !folder.contains(['\r', '\n', '\0']) => Ok(Self::Move(folder.to_string())),
            Some(("flag", kw)) => {
                check_flag(kw)?;
                Ok(Self::Flag(kw.to_string()))
            }
            None if s == "flag" => Ok(Self::Flag(SEEN.into())),
            None if s == "delete" => Ok(Self::Delete),
            None if s == "keep" => Ok(Self::Keep),
            _ => Err(bad()),
        }
    }
}

impl fmt::Display for After {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Move(folder) => write!(f, "move:{folder}"),
            Self::Flag(kw) => write!(f, "flag:{kw}"),
            Self::Delete => f.write_str("delete"),
            Self::Keep => f.write_str("keep"),
        }
    }
}

/// The system flags an after-action may set, with the search key that finds messages
/// without them.
pub(crate) const SYSTEM_FLAGS: &[(&str, &str)] = &[("\\Seen", "UNSEEN"), ("\\Flagged", "UNFLAGGED"), ("\\Answered", "UNANSWERED")];

/// Checks a flag or keyword: one of [`SYSTEM_FLAGS`] or an IMAP atom.
fn check_flag(kw: &str) -> Result<(), Error> {
    if SYSTEM_FLAGS.iter().any(|(f, _)| f.eq_ignore_ascii_case(kw)) {
        return Ok(());
    }
    let atom = !kw.is_empty() && kw.bytes().all(|c| c.is_ascii_graphic() && !b"(){%*\"\\]".contains(&c));
    if atom { Ok(()) } else { Err(Error::Config(format!("flag {kw:?}: expected \\Seen, \\Flagged, \\Answered or a keyword of letters, digits and $-_."))) }
}

/// A password. Its `Debug` output is redacted and it has no `Display`, so it cannot end
/// up in a log by accident.
#[derive(Clone)]
pub struct Password(String);

impl Password {
    /// A password given directly (from a configuration file or a test).
    pub fn new(p: impl Into<String>) -> Self {
        Self(p.into())
    }

    /// Reads the password from an environment variable.
    pub fn from_env(var: &str) -> Result<Self, Error> {
        match std::env::var(var) {
            Ok(p) if !p.is_empty() => Ok(Self(p)),
            Ok(_) => Err(Error::Password(format!("environment variable {var} is empty"))),
            Err(_) => Err(Error::Password(format!("environment variable {var} is not set (or not UTF-8)"))),
        }
    }

    /// Reads the password from a file: its first line, without the line ending.
    pub fn from_file(path: &Path) -> Result<Self, Error> {
        let text = std::fs::read_to_string(path).map_err(|e| Error::Password(format!("{}: {e}", path.display())))?;
        let line = text.lines().next().unwrap_or("");
        if line.is_empty() {
            return Err(Error::Password(format!("{}: the first line is empty", path.display())));
        }
        Ok(Self(line.to_string()))
    }

    pub(crate) fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Password {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Password(***)")
    }
}

/// Everything a [`Poller`](crate::Poller) needs.
#[derive(Debug, Clone)]
pub struct Config {
    /// The mailbox.
    pub url: MailboxUrl,
    /// The password of `url.user`.
    pub password: Password,
    /// What happens to a handled message.
    pub after: After,
    /// Where the resume point (IMAP: UIDVALIDITY + last UID; POP3: handled UIDLs) is
    /// kept between runs. Without it, only the after-action keeps a message from being
    /// handled twice.
    pub state: Option<PathBuf>,
    /// Certificates trusted besides the built-in web PKI roots (a private CA, a test
    /// server's certificate).
    pub extra_roots: Vec<CertificateDer<'static>>,
    /// How long one network step (connect, handshake, one command) may take.
    pub timeout: Duration,
    /// Messages larger than this are left in place and reported as failures.
    pub max_message_bytes: usize,
}

/// The default of [`Config::timeout`].
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(60);
/// The default of [`Config::max_message_bytes`]: far above any bounce (which carries at
/// most the returned message), low enough that one message cannot exhaust memory.
pub const DEFAULT_MAX_MESSAGE_BYTES: usize = 64 * 1024 * 1024;

impl Config {
    /// A configuration with the protocol's default after-action, no state file, the
    /// built-in roots and the default limits.
    pub fn new(url: MailboxUrl, password: Password) -> Self {
        Self {
            after: After::default_for(url.protocol),
            url,
            password,
            state: None,
            extra_roots: Vec::new(),
            timeout: DEFAULT_TIMEOUT,
            max_message_bytes: DEFAULT_MAX_MESSAGE_BYTES,
        }
    }

    /// Adds the certificates of a PEM file to the trusted roots.
    pub fn add_ca_file(&mut self, path: &Path) -> Result<(), Error> {
        let err = |m: String| Error::CaFile { path: path.to_path_buf(), message: m };
        let certs = CertificateDer::pem_file_iter(path)
            .map_err(|e| err(e.to_string()))?
            .collect::<Result<Vec<_>, _>>()
            .map_err(|e| err(e.to_string()))?;
        if certs.is_empty() {
            return Err(err("no certificate in the file".into()));
        }
        self.extra_roots.extend(certs);
        Ok(())
    }

    /// Checks that the pieces fit together.
    pub fn validate(&self) -> Result<(), Error> {
        match (&self.url.protocol, &self.after) {
            (Protocol::Pop3, After::Move(_) | After::Flag(_)) => {
                return Err(Error::Config(format!("POP3 has no folders or flags: use --after delete or keep, not {}", self.after)));
            }
            (Protocol::Imap, After::Keep) => {
                return Err(Error::Config("IMAP needs an after-action (move, flag or delete) so that a message is not handled again; keep is for POP3".into()));
            }
            (Protocol::Pop3, After::Keep) if self.state.is_none() => {
                return Err(Error::Config("POP3 keep needs a state file to remember the handled messages".into()));
            }
            _ => {}
        }
        if let After::Flag(kw) = &self.after {
            check_flag(kw)?;
        }
        if self.url.security == crate::Security::Plain && !self.url.is_loopback() {
            return Err(Error::Config(format!("{}: plain text is only allowed to loopback hosts", self.url.host)));
        }
        Ok(())
    }
}
