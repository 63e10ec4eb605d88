//! The error type of the crate.

use std::io;
use std::path::PathBuf;

/// Why a poll (or setting one up) failed.
///
/// `Display` shows the error itself; its cause (an IO or TLS error) is its `source()`.
///
/// A handler that fails is *not* an error of the poll: the message stays in the mailbox
/// and the failure is reported in [`Summary::failures`](crate::Summary::failures).
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The mailbox URL is malformed or names an unsupported scheme.
    #[error("mailbox URL: {0}")]
    Url(String),
    /// The configuration is inconsistent (an after-action the protocol cannot do, a bad
    /// keyword, plain text to a remote host…).
    #[error("configuration: {0}")]
    Config(String),
    /// The password could not be read from its environment variable or file.
    #[error("password: {0}")]
    Password(String),
    /// A CA certificate file could not be read.
    #[error("CA file {path}: {message}")]
    CaFile {
        /// The file.
        path: PathBuf,
        /// What was wrong.
        message: String,
    },
    /// Connecting, reading or writing failed.
    #[error("{host}: connection failed")]
    Io {
        /// `host:port`.
        host: String,
        /// The cause.
        #[source]
        source: io::Error,
    },
    /// The server did not answer within the timeout.
    #[error("{host}: timed out after {secs} s")]
    Timeout {
        /// `host:port`.
        host: String,
        /// The timeout in seconds.
        secs: u64,
    },
    /// The TLS handshake failed (certificate not trusted, wrong name, no common protocol).
    #[error("{host}: TLS handshake failed")]
    Tls {
        /// `host:port`.
        host: String,
        /// The cause.
        #[source]
        source: io::Error,
    },
    /// The server refused the user name or password.
    #[error("{host}: login refused for {user}: {message}")]
    Auth {
        /// `host:port`.
        host: String,
        /// The user name (never the password).
        user: String,
        /// The server's words.
        message: String,
    },
    /// The server answered a command with an error, or with something unexpected.
    #[error("{host}: {command}: {message}")]
    Protocol {
        /// `host:port`.
        host: String,
        /// The command (never one carrying the password).
        command: String,
        /// The server's words or what was unexpected.
        message: String,
    },
    /// The state file could not be read or written.
    #[error("state file {path}: {message}")]
    State {
        /// The file.
        path: PathBuf,
        /// What went wrong.
        message: String,
    },
}
