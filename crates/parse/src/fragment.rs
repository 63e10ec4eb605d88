//! What a bounce format says about one recipient, before classification.

use bouncekit_core::{Reason, ReplyCode, StatusCode};
use bouncekit_mime::dsn;

/// One recipient as a format read it: the raw facts, no decisions.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Fragment {
    /// The failed recipient.
    pub recipient: String,
    /// Enhanced status code stated by the report.
    pub status: Option<StatusCode>,
    /// Reply code stated by the report.
    pub reply_code: Option<ReplyCode>,
    /// Diagnostic text.
    pub diagnostic: String,
    /// Type of the diagnostic (`SMTP`, `X-Unix`, `X-Postfix`).
    pub diagnostic_type: Option<String>,
    /// SMTP command that failed.
    pub command: Option<String>,
    /// Remote MTA.
    pub remote_mta: Option<String>,
    /// Reporting MTA.
    pub reporting_mta: Option<String>,
    /// DSN action (`failed`, `delayed`, `delivered`).
    pub action: Option<String>,
    /// A reason the format states outright (its own code table, vacation, feedback).
    pub reason: Option<Reason>,
    /// ARF feedback type.
    pub feedback_type: Option<String>,
    /// Failure date as written.
    pub date: Option<String>,
}

impl Fragment {
    /// A fragment for `recipient` with everything else unknown.
    pub fn new(recipient: impl Into<String>) -> Self {
        Self { recipient: recipient.into(), ..Self::default() }
    }

    /// Reads a fragment from one RFC 3464 per-recipient block.
    pub fn from_dsn(fields: &dsn::Fields, message: &dsn::Fields) -> Option<Self> {
        let rcpt = dsn::field(fields, "final-recipient")
            .or_else(|| dsn::field(fields, "x-actual-recipient"))
            .or_else(|| dsn::field(fields, "original-recipient"))?;
        let (_, addr) = dsn::strip_type(rcpt);
        let recipient = bouncekit_classify::address::first_address(addr)?;
        let mut f = Fragment::new(recipient);
        f.status = dsn::field(fields, "status").and_then(parse_status);
        if let Some(d) = dsn::field(fields, "diagnostic-code") {
            let (t, text) = dsn::strip_type(d);
            f.diagnostic_type = t.map(|t| t.to_ascii_uppercase());
            f.diagnostic = text.to_string();
        }
        f.action = dsn::field(fields, "action").map(|a| a.trim().to_ascii_lowercase());
        f.remote_mta = dsn::field(fields, "remote-mta").map(|v| dsn::strip_type(v).1.trim_end_matches('.').to_ascii_lowercase()).filter(|v| !v.is_empty());
        f.reporting_mta = dsn::field(message, "reporting-mta").map(|v| dsn::strip_type(v).1.to_ascii_lowercase());
        f.date = dsn::field(fields, "last-attempt-date").or_else(|| dsn::field(message, "arrival-date")).map(str::to_string);
        Some(f)
    }

    /// Fills reply code, status, command and remote host from the diagnostic text where
    /// the format did not state them.
    pub fn complete_from_text(&mut self) {
        let reply = bouncekit_classify::smtp::parse_reply(&self.diagnostic);
        if self.reply_code.is_none() {
            self.reply_code = reply.reply_code;
        }
        if self.status.is_none() {
            self.status = reply.status;
        }
        if self.command.is_none() {
            self.command = reply.command;
        }
        if self.remote_mta.is_none() {
            self.remote_mta = reply.remote_host;
        }
    }
}

/// Reads the `Status:` value: `5.1.1`, `5.1.1 (user unknown)`, `5.1.1/…`.
pub fn parse_status(v: &str) -> Option<StatusCode> {
    let t = v.trim();
    let end = t.find(|c: char| !(c.is_ascii_digit() || c == '.')).unwrap_or(t.len());
    t[..end].trim_end_matches('.').parse().ok()
}
