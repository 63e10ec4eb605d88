//! The order in which the evidence decides a reason when neither the format nor a
//! provider rule did.
//!
//! Text and status code are weighed in passes, the way Sisimai weighs them (its answers are
//! the reference users migrate from):
//!
//! 0. A diagnostic of type `X-Unix` (the output or exit status of a local delivery
//!    program) is a mailer error, unless it says the mailbox is full.
//! 1. The reasons of [`FIRST`], in [`PRECEDENCE`] order: each holds when the enhanced
//!    code's registry meaning or a phrase proves it, under its own guard ([`holds`]).
//!    "User unknown" is an unknown address only when the status says so or the reply
//!    answered `RCPT TO`; after the message was sent (end of `DATA`), or with neither clue
//!    and nothing else named, the same words mean a filter refused the message.
//! 2. The registry meaning of the status code, unless it is one of the generic meanings
//!    ([`RECHECKED`]) that text usually sharpens.
//! 3. Any phrase, in [`PRECEDENCE`] order; a generic one ("try again later") yields to
//!    the status code's meaning.
//! 4. The generic status meaning, then the DSN action, the SMTP command and the bare
//!    presence of a failure code.

use bouncekit_core::Reason;

use crate::reasons::PRECEDENCE;
use crate::{Evidence, reasons, status};

/// Reasons of the first pass (tried in [`PRECEDENCE`] order): those a specific status
/// code or phrase proves outright.
pub const FIRST: &[Reason] = &[
    Reason::MailboxFull,
    Reason::MesgTooBig,
    Reason::ExceedLimit,
    Reason::Suspend,
    Reason::HasMoved,
    Reason::NoRelaying,
    Reason::AuthFailure,
    Reason::SecurityError,
    Reason::UserUnknown,
    Reason::Filtered,
    Reason::RequirePtr,
    Reason::NotCompliantRfc,
    Reason::BadReputation,
    Reason::Rejected,
    Reason::HostUnknown,
    Reason::SpamDetected,
    Reason::Speeding,
    Reason::TooManyConn,
    Reason::Blocked,
];

/// Status meanings too generic to stand against a phrase: the second pass skips them and
/// they only decide when no phrase matched.
pub const RECHECKED: &[Reason] = &[
    Reason::SystemError,
    Reason::SecurityError,
    Reason::Expired,
    Reason::Suspend,
    Reason::NetworkError,
    Reason::HostUnknown,
    Reason::UserUnknown,
    Reason::OnHold,
];

/// Reasons whose phrases, next to a status that says "user unknown", show that the
/// address exists and something else went wrong.
const NOT_UNKNOWN: &[Reason] =
    &[Reason::NoRelaying, Reason::Blocked, Reason::MailboxFull, Reason::HasMoved, Reason::Rejected, Reason::NotAccept];

/// What the passes look at, computed once.
struct Facts {
    /// Registry meaning of the enhanced code.
    by_status: Option<Reason>,
    /// Every reason whose phrases occur in the text.
    by_text: Vec<Reason>,
    /// SMTP command, uppercase.
    command: Option<String>,
    /// The evidence is a lone reply (see [`Evidence::standalone`]).
    standalone: bool,
}

impl Facts {
    fn text_says(&self, r: Reason) -> bool {
        self.by_text.contains(&r)
    }

    /// The reply came before the message was sent: at connection, greeting, `MAIL FROM`
    /// or `RCPT TO`.
    fn before_data(&self) -> bool {
        matches!(self.command.as_deref(), Some("CONN" | "EHLO" | "HELO" | "MAIL" | "RCPT"))
    }

    /// The reply answered the connection or the greeting: nothing about the message,
    /// its sender or its recipients was known yet.
    fn at_greeting(&self) -> bool {
        matches!(self.command.as_deref(), Some("CONN" | "EHLO" | "HELO"))
    }
}

/// Decides the reason from status, text, command and DSN action.
pub fn by_evidence(ev: &Evidence<'_>) -> Reason {
    let mut by_text = reasons::matches(ev.text);
    if crate::is_permanent(ev) == Some(false) {
        // A lookup that failed for now ("DNS Error ... Domain name not found" with 4.0.0)
        // is a network problem, not a verdict on the domain.
        by_text.retain(|&r| r != Reason::HostUnknown);
    }
    if ev.command.is_some_and(|c| c.eq_ignore_ascii_case("MAIL")) && by_text.contains(&Reason::HostUnknown) {
        // Before any recipient was named, the domain that does not exist is the sender's:
        // the envelope sender was refused.
        by_text.retain(|&r| r != Reason::HostUnknown);
        if !by_text.contains(&Reason::Rejected) {
            by_text.push(Reason::Rejected);
            by_text.sort_by_key(|r| PRECEDENCE.iter().position(|p| p == r));
        }
    }
    let facts = Facts {
        by_status: ev.status.and_then(status::reason_of),
        by_text,
        command: ev.command.map(str::to_ascii_uppercase),
        standalone: ev.standalone,
    };
    if ev.diagnostic_type.is_some_and(|t| t.eq_ignore_ascii_case("x-unix")) {
        // A local delivery program failed: its output explains a full mailbox at most.
        return if facts.text_says(Reason::MailboxFull) { Reason::MailboxFull } else { Reason::MailerError };
    }
    if let Some(r) = PRECEDENCE.iter().copied().find(|&r| FIRST.contains(&r) && holds(r, &facts)) {
        return r;
    }
    if let Some(s) = facts.by_status.filter(|s| !RECHECKED.contains(s)) {
        return s;
    }
    match (facts.by_text.first(), facts.by_status) {
        // "Expired" is the vaguest status meaning (the queue gave up): any phrase beats it.
        (Some(&t), Some(s)) if weak(t) && s != Reason::Expired => s,
        // Refused at the greeting with only a generic complaint ("too many errors",
        // "service unavailable"): the server would not talk to this client at all. (A
        // network failure at that stage, "connection timed out", stays one.)
        (Some(&Reason::SystemError), None) if facts.at_greeting() => Reason::Blocked,
        (Some(&t), _) => t,
        // A report that is only a delay warning says the queue is still trying.
        (None, _) if is_delay(ev) => Reason::Expired,
        (None, Some(s)) => s,
        (None, None) => last_resort(ev, &facts),
    }
}

/// Reasons that text finds often as a side note ("try again later", "connection
/// closed", "queue too long"): the status code's meaning wins over them.
pub fn weak(reason: Reason) -> bool {
    matches!(
        reason,
        Reason::SystemError | Reason::NetworkError | Reason::Expired | Reason::SyntaxError | Reason::OnHold | Reason::ContentError
    )
}

/// True when the text names a reason other than an unknown user or a filter.
fn names_other(f: &Facts) -> bool {
    f.by_text.iter().any(|r| !matches!(r, Reason::UserUnknown | Reason::Filtered) && !weak(*r))
}

/// The first-pass test of one reason.
fn holds(r: Reason, f: &Facts) -> bool {
    match r {
        Reason::UserUnknown => {
            if f.by_status == Some(Reason::UserUnknown) {
                !NOT_UNKNOWN.iter().any(|&o| f.text_says(o))
            } else {
                let rcpt = f.command.as_deref() == Some("RCPT") || f.standalone && f.command.is_none();
                rcpt && f.text_says(r)
            }
        }
        Reason::Filtered => {
            if f.by_status == Some(Reason::Filtered) {
                f.text_says(r)
            } else {
                let unknown_user = f.text_says(Reason::UserUnknown) && !names_other(f) && !f.standalone;
                !f.before_data() && (f.text_says(r) || unknown_user)
            }
        }
        Reason::Rejected => {
            f.by_status == Some(r)
                || match f.command.as_deref() {
                    Some("MAIL") => f.text_says(r),
                    Some("DATA") => f.by_status != Some(Reason::UserUnknown) && f.text_says(r),
                    _ => f.by_status.is_none() && f.text_says(r),
                }
        }
        Reason::HostUnknown => {
            if f.by_status == Some(r) {
                !f.text_says(Reason::NetworkError)
            } else {
                f.text_says(r)
            }
        }
        Reason::MesgTooBig => f.by_status == Some(r) || (f.by_status != Some(Reason::ExceedLimit) && f.text_says(r)),
        // "Too many recipients" is a rate limit unless the status says a recipient limit (X.5.3).
        Reason::TooManyConn => f.by_status == Some(r) || (f.by_status != Some(Reason::ExceedLimit) && f.text_says(r)),
        Reason::SpamDetected => f.by_status == Some(r) || (!f.before_data() && f.text_says(r)),
        // Its status meaning (X.7.0, X.7.1) is a catch-all: only a phrase proves it here.
        Reason::SecurityError => f.text_says(r),
        Reason::NoRelaying => !matches!(f.command.as_deref(), Some("CONN" | "EHLO" | "HELO")) && f.text_says(r),
        _ => f.by_status == Some(r) || f.text_says(r),
    }
}

/// True when the DSN action says delivery is delayed or has expired.
fn is_delay(ev: &Evidence<'_>) -> bool {
    ev.dsn_action.is_some_and(|a| a.eq_ignore_ascii_case("delayed") || a.eq_ignore_ascii_case("expired"))
}

/// When neither status nor text names a reason.
fn last_resort(ev: &Evidence<'_>, f: &Facts) -> Reason {
    match f.command.as_deref() {
        Some("HELO" | "EHLO" | "CONN") => Reason::Blocked,
        Some("MAIL") => Reason::Rejected,
        // A failure code without a readable reason: held until more evidence arrives.
        _ if ev.status.is_some_and(|s| s.class() != 2) || ev.reply_code.is_some_and(|c| c.class() >= 4) => Reason::OnHold,
        _ => Reason::Undefined,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use bouncekit_core::StatusCode;

    fn reason(text: &str, status: Option<&str>, command: Option<&str>) -> Reason {
        let status: Option<StatusCode> = status.and_then(|s| s.parse().ok());
        by_evidence(&Evidence { text, status, command, ..Evidence::default() })
    }

    #[test]
    fn user_unknown_depends_on_the_command() {
        assert_eq!(reason("550 user unknown", None, Some("RCPT")), Reason::UserUnknown);
        assert_eq!(reason("550 user unknown", None, Some("DATA")), Reason::Filtered);
        assert_eq!(reason("550 user unknown", None, None), Reason::Filtered);
        assert_eq!(reason("550 5.1.1 user unknown", Some("5.1.1"), None), Reason::UserUnknown);
    }

    #[test]
    fn specific_status_beats_generic_text() {
        assert_eq!(reason("452 4.2.2 try again later", Some("4.2.2"), None), Reason::MailboxFull);
    }

    #[test]
    fn a_missing_domain_at_mail_from_is_the_senders() {
        assert_eq!(reason("553 5.1.0 example.com does not exist", Some("5.1.0"), Some("MAIL")), Reason::Rejected);
        assert_eq!(reason("553 example.com does not exist", None, Some("DATA")), Reason::HostUnknown);
    }

    #[test]
    fn generic_complaint_at_the_greeting_is_a_block() {
        assert_eq!(reason("421 mx.example.com Error: too many errors", None, Some("CONN")), Reason::Blocked);
        assert_eq!(reason("421 mx.example.com Error: too many errors", None, Some("DATA")), Reason::SystemError);
        assert_ne!(reason("421 mx.example.com: connection timed out", None, Some("CONN")), Reason::Blocked);
    }

    #[test]
    fn delayed_without_anything_else_expired() {
        let ev = Evidence { dsn_action: Some("delayed"), ..Evidence::default() };
        assert_eq!(by_evidence(&ev), Reason::Expired);
    }
}
