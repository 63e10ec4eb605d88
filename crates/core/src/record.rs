//! The per-recipient record every input becomes.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::{Action, Blame, Kind, Reason, ReplyCode, StatusCode};

/// Where a record came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum OriginKind {
    /// A file or directory given on the command line.
    #[default]
    File,
    /// Standard input.
    Stdin,
    /// A single SMTP reply line given to `classify`.
    Reply,
    /// An MTA log line.
    Log,
    /// An ESP webhook event.
    Webhook,
    /// The SMTP/LMTP bounce listener.
    Listener,
    /// A polled mailbox (IMAP/POP3).
    Mailbox,
    /// The HTTP API.
    Api,
}

impl OriginKind {
    /// Every kind, in declaration order.
    pub const ALL: [OriginKind; 8] = [
        OriginKind::File,
        OriginKind::Stdin,
        OriginKind::Reply,
        OriginKind::Log,
        OriginKind::Webhook,
        OriginKind::Listener,
        OriginKind::Mailbox,
        OriginKind::Api,
    ];

    /// The serialised name (`file`, `stdin`, `reply`, `log`, `webhook`, `listener`,
    /// `mailbox`, `api`).
    pub fn as_str(self) -> &'static str {
        match self {
            OriginKind::File => "file",
            OriginKind::Stdin => "stdin",
            OriginKind::Reply => "reply",
            OriginKind::Log => "log",
            OriginKind::Webhook => "webhook",
            OriginKind::Listener => "listener",
            OriginKind::Mailbox => "mailbox",
            OriginKind::Api => "api",
        }
    }
}

/// The origin of a record: what kind of input and its name (path, URL, event id).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Origin {
    /// What kind of input.
    pub kind: OriginKind,
    /// Its name: a path, `-`, a mailbox URL, a webhook provider and event id.
    pub name: String,
}

impl Origin {
    /// A file origin.
    pub fn file(path: impl Into<String>) -> Self {
        Self { kind: OriginKind::File, name: path.into() }
    }
}

/// One recipient of one bounce (or one log line, one webhook event): the unit of every
/// decision bouncekit makes.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Record {
    /// The address the message could not be delivered to (lowercase domain).
    pub recipient: String,
    /// The envelope or header sender of the original message, when known.
    pub sender: Option<String>,
    /// The scope (tenant or list) the record belongs to; `None` is global.
    pub scope: Option<String>,
    /// The enhanced status code, when the bounce carries or implies one.
    pub status: Option<StatusCode>,
    /// The basic SMTP reply code, when the bounce carries one.
    pub reply_code: Option<ReplyCode>,
    /// True when reply code and status code disagree in class (`550 4.4.7`).
    pub code_mismatch: bool,
    /// The diagnostic text: the remote server's reply or the MTA's explanation.
    pub diagnostic: String,
    /// What kind of text `diagnostic` is: `SMTP`, `X-Unix`, `X-Postfix`…
    pub diagnostic_type: Option<String>,
    /// Why delivery failed.
    pub reason: Reason,
    /// How the record is treated.
    pub kind: Kind,
    /// True when the address should be suppressed permanently (Sisimai's `hardbounce`).
    pub hard_bounce: bool,
    /// Who is to blame.
    pub blame: Blame,
    /// What to do.
    pub action: Action,
    /// The remote MTA that refused the message (`rhost`).
    pub remote_mta: Option<String>,
    /// The MTA that wrote the report (`lhost`).
    pub reporting_mta: Option<String>,
    /// The SMTP command the failure answered (`RCPT`, `DATA`…).
    pub smtp_command: Option<String>,
    /// DSN `Action:` field (`failed`, `delayed`, `delivered`…), when present.
    pub dsn_action: Option<String>,
    /// When the failure happened, seconds since the Unix epoch (UTC).
    pub timestamp: Option<i64>,
    /// Message-ID of the original message.
    pub message_id: Option<String>,
    /// Subject of the original message.
    pub subject: Option<String>,
    /// The format that produced the record (`postfix`, `rfc3464`, `smtp-reply`…).
    pub format: String,
    /// ARF feedback type (`abuse`, `opt-out`…), for complaints.
    pub feedback_type: Option<String>,
    /// Where the record came from.
    pub origin: Origin,
    /// Selected headers of the original message (campaign and list ids).
    pub headers: BTreeMap<String, String>,
}

impl Record {
    /// An empty record for `recipient`, undetermined until classified.
    pub fn new(recipient: impl Into<String>) -> Self {
        Self {
            recipient: recipient.into(),
            sender: None,
            scope: None,
            status: None,
            reply_code: None,
            code_mismatch: false,
            diagnostic: String::new(),
            diagnostic_type: None,
            reason: Reason::Undefined,
            kind: Kind::Undetermined,
            hard_bounce: false,
            blame: Blame::Unknown,
            action: Action::None,
            remote_mta: None,
            reporting_mta: None,
            smtp_command: None,
            dsn_action: None,
            timestamp: None,
            message_id: None,
            subject: None,
            format: String::new(),
            feedback_type: None,
            origin: Origin::default(),
            headers: BTreeMap::new(),
        }
    }

    /// The recipient's domain (after the last `@`), lowercase.
    pub fn recipient_domain(&self) -> Option<&str> {
        self.recipient.rsplit_once('@').map(|(_, d)| d)
    }
}
