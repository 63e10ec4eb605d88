//! What a bounce format says about one recipient, before classification.

use bouncekit_classify::smtp::{self, Code};
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
    /// the format did not state them, and reconciles the codes (see [`codes_in_text`] and
    /// [`prefer_status`]).
    pub fn complete_from_text(&mut self) {
        let (code, status) = codes_in_text(&self.diagnostic, self.status);
        if self.reply_code.is_none() {
            self.reply_code = code;
        }
        self.status = prefer_status(self.status, status);
        // A reply code of another class than the status belongs to another reply (an
        // earlier attempt, a quoted banner): it says nothing about this failure.
        if let (Some(s), Some(c)) = (self.status, self.reply_code)
            && s.class() != c.class()
        {
            self.reply_code = None;
        }
        // What `smtp::parse_reply` would say about command and host, read only when missing.
        if self.command.is_none() {
            self.command = smtp::find_command(&self.diagnostic);
        }
        if self.remote_mta.is_none() {
            self.remote_mta = smtp::find_remote_host(&self.diagnostic);
        }
    }
}

/// The reply code and enhanced status code a diagnostic text gives, knowing the status
/// the report states (if any).
///
/// The reply code is the first known one of the stated status's class (or, without a
/// stated status, of the class of the first enhanced code in the text). The enhanced
/// code is the one that follows that reply code (`421 4.4.2`), otherwise the first of
/// the same class: a text that quotes several replies (`554 4.4.7 expired <421 4.4.2
/// timed out>`) is explained by the one whose reply code stands for the failure.
pub fn codes_in_text(text: &str, stated: Option<StatusCode>) -> (Option<ReplyCode>, Option<StatusCode>) {
    let codes = smtp::codes_in(text);
    let first_status = codes.iter().find_map(|(_, c)| match c {
        Code::Status(s) => Some(*s),
        Code::Reply(_) => None,
    });
    let class = stated.or(first_status).map(StatusCode::class);
    let reply = codes.iter().enumerate().find_map(|(i, (at, c))| match c {
        Code::Reply(r) if class.is_none_or(|k| k == r.class()) => Some((i, *at, *r)),
        _ => None,
    });
    let following = reply.and_then(|(i, at, _)| match codes.get(i + 1) {
        // Only a separator between them: `550 5.1.1`, `550-5.1.1`, `550 #5.1.1`, `550-'5.7.1`.
        Some((next, Code::Status(s))) if text.get(at + 3..*next).is_some_and(is_separator) => Some(*s),
        _ => None,
    });
    let status = following.or_else(|| {
        codes.iter().find_map(|(_, c)| match c {
            Code::Status(s) if class.is_none_or(|k| k == s.class()) => Some(*s),
            _ => None,
        })
    });
    (reply.map(|(_, _, r)| r), status)
}

/// True for the few bytes that stand between a reply code and its enhanced code.
fn is_separator(gap: &str) -> bool {
    gap.len() <= 3 && gap.bytes().all(|b| matches!(b, b' ' | b'-' | b'#' | b':' | b'\'' | b'"' | b'('))
}

/// Chooses between the status a report states and the one its diagnostic text gives.
///
/// The text is the remote server's own word and usually more precise (`Status: 5.0.0`
/// with `550 5.7.1 Access denied`, `Status: 5.1.1` with `552 5.2.2 Over quota`), so it
/// wins unless it is of another class or only says the class (`X.0.0`).
pub fn prefer_status(stated: Option<StatusCode>, text: Option<StatusCode>) -> Option<StatusCode> {
    match (stated, text) {
        (Some(s), Some(t)) if t.class() != s.class() || (t.subject() == 0 && t.detail() == 0) => Some(s),
        (_, Some(t)) => Some(t),
        (s, None) => s,
    }
}

/// Reads the `Status:` value: `5.1.1`, `5.1.1 (user unknown)`, `5.1.1/…`.
pub fn parse_status(v: &str) -> Option<StatusCode> {
    let t = v.trim();
    let end = t.find(|c: char| !(c.is_ascii_digit() || c == '.')).unwrap_or(t.len());
    t[..end].trim_end_matches('.').parse().ok()
}
