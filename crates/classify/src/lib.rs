//! Bounce classification: from evidence (status code, reply code, diagnostic text, remote
//! host, SMTP command) to a reason, a kind, a blame and an action.
//!
//! - [`smtp::parse_reply`] reads an SMTP reply out of noisy text;
//! - [`classify`] decides a [`Classification`] from [`Evidence`];
//! - [`classify_reply`] does both for a single reply line and returns a [`Record`].
//!
//! Everything here is pure and synchronous and cannot fail: unknown evidence yields
//! `undefined` / `undetermined`, never an error.
//!
//! ```
//! use bouncekit_classify::classify_reply;
//! use bouncekit_core::{Reason, Kind, Action};
//! let r = classify_reply("550 5.3.0 <u@example.com>: Mail system error");
//! assert_eq!(r.reason, Reason::SystemError);
//! assert_eq!(r.kind, Kind::Hard);
//! assert_eq!(r.action, Action::Suppress);
//! ```

pub mod address;
pub mod decision;
pub mod reasons;
pub mod rhosts;
pub mod smtp;
pub mod status;

use bouncekit_core::{Action, Blame, Kind, Reason, Record, ReplyCode, StatusCode};

/// Everything known about one failed recipient that bears on the decision.
#[derive(Debug, Clone, Copy, Default)]
pub struct Evidence<'a> {
    /// Enhanced status code, from the DSN `Status:` field or the reply text.
    pub status: Option<StatusCode>,
    /// Basic reply code.
    pub reply_code: Option<ReplyCode>,
    /// Diagnostic text (remote reply or the MTA's explanation).
    pub text: &'a str,
    /// Remote MTA host name, when known.
    pub remote_host: Option<&'a str>,
    /// The recipient address, for provider detection by domain.
    pub recipient: Option<&'a str>,
    /// SMTP command the failure answered.
    pub command: Option<&'a str>,
    /// DSN `Action:` (`failed`, `delayed`, `delivered`, `relayed`, `expanded`).
    pub dsn_action: Option<&'a str>,
    /// A reason the bounce format states outright (vacation, feedback, a format's own
    /// code table); it wins over everything else.
    pub format_reason: Option<Reason>,
    /// True for a lone SMTP reply with no report around it. A bounce report names the
    /// command when the reply answered `RCPT TO`, so there a missing command hints that
    /// the message itself was refused; a lone reply says nothing about its stage.
    pub standalone: bool,
    /// Type of the diagnostic (`SMTP`, `X-Unix`, `X-Postfix`): `X-Unix` is the output or
    /// exit status of a local delivery program, not a remote server's reply.
    pub diagnostic_type: Option<&'a str>,
}

/// The decision for one recipient.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Classification {
    /// Why delivery failed.
    pub reason: Reason,
    /// How to treat the record.
    pub kind: Kind,
    /// Sisimai's `hardbounce`: true only for reasons that prove the address dead.
    pub hard_bounce: bool,
    /// Who is to blame.
    pub blame: Blame,
    /// What to do under the default policy.
    pub action: Action,
    /// The provider rule set that decided, if any.
    pub provider: Option<&'static str>,
}

/// Decides the reason for the evidence.
pub fn reason_of(ev: &Evidence<'_>) -> (Reason, Option<&'static str>) {
    if let Some(r) = ev.format_reason {
        return (r, None);
    }
    if ev.status.is_some_and(|s| s.class() == 2)
        || ev.dsn_action.is_some_and(|a| a.eq_ignore_ascii_case("delivered") || a.eq_ignore_ascii_case("relayed") || a.eq_ignore_ascii_case("expanded"))
    {
        return (Reason::Delivered, None);
    }
    if let Some((p, r)) = rhosts::reason(ev) {
        return (r, Some(p));
    }
    (decision::by_evidence(ev), None)
}

/// True when the evidence is a permanent failure (5.x.x, or 5yz without an enhanced code).
pub fn is_permanent(ev: &Evidence<'_>) -> Option<bool> {
    match (ev.status, ev.reply_code) {
        (Some(s), _) if s.class() != 2 => Some(s.is_permanent()),
        (_, Some(c)) if c.class() >= 4 => Some(c.is_permanent()),
        _ => None,
    }
}

/// Classifies the evidence: reason, kind, blame and action under the default policy.
pub fn classify(ev: &Evidence<'_>) -> Classification {
    let (reason, provider) = reason_of(ev);
    let permanent = is_permanent(ev);
    let (kind, blame, action) = decide(reason, permanent);
    let hard_bounce = match reason {
        Reason::UserUnknown | Reason::HostUnknown | Reason::HasMoved => true,
        Reason::NotAccept => permanent.unwrap_or(true),
        _ => false,
    };
    Classification { reason, kind, hard_bounce, blame, action, provider }
}

/// The default policy table of the product brief, as a function of reason and
/// permanence.
pub fn decide(reason: Reason, permanent: Option<bool>) -> (Kind, Blame, Action) {
    use Reason::*;
    let transient = permanent == Some(false);
    match reason {
        Delivered => (Kind::Delivered, Blame::Unknown, Action::None),
        Vacation => (Kind::AutoReply, Blame::Unknown, Action::None),
        Feedback => (Kind::Complaint, Blame::Recipient, Action::Suppress),
        // Sender-side refusals: the recipient is fine, whatever the class.
        Blocked | SpamDetected | BadReputation | PolicyViolation | RequirePtr | AuthFailure | SecurityError
        | VirusDetected | ContentError | NoRelaying | Speeding | Rejected | MesgTooBig | ExceedLimit
        | NotCompliantRfc | SyntaxError => (Kind::Block, reason.blame(), Action::AlertSender),
        _ if transient => (Kind::Soft, reason.blame(), Action::Retry),
        UserUnknown | HostUnknown | HasMoved | NotAccept | Suspend => (Kind::Hard, Blame::Recipient, Action::Suppress),
        SystemError if permanent == Some(true) => (Kind::Hard, Blame::Recipient, Action::Suppress),
        MailboxFull | Expired | TooManyConn | NetworkError | SystemFull | SystemError | Filtered | MailerError => {
            (Kind::Soft, reason.blame(), Action::Retry)
        }
        OnHold | Undefined => (Kind::Undetermined, Blame::Unknown, Action::None),
    }
}

/// Parses and classifies a single SMTP reply (multi-line allowed) into a record.
///
/// The recipient is the first address in the text, or empty when there is none.
pub fn classify_reply(line: &str) -> Record {
    let reply = smtp::parse_reply(line);
    let ev = Evidence {
        status: reply.status,
        reply_code: reply.reply_code,
        text: line,
        remote_host: reply.remote_host.as_deref(),
        recipient: reply.recipient.as_deref(),
        command: reply.command.as_deref(),
        dsn_action: None,
        format_reason: None,
        standalone: true,
        diagnostic_type: Some("SMTP"),
    };
    let c = classify(&ev);
    let mut r = Record::new(reply.recipient.clone().unwrap_or_default());
    r.status = reply.status;
    r.reply_code = reply.reply_code;
    r.code_mismatch = reply.mismatch;
    r.diagnostic = reply.text.clone();
    r.diagnostic_type = Some("SMTP".into());
    r.remote_mta = reply.remote_host;
    r.smtp_command = reply.command;
    r.format = "smtp-reply".into();
    r.origin.kind = bouncekit_core::OriginKind::Reply;
    apply(&mut r, &c);
    r
}

/// Copies a classification into a record.
pub fn apply(record: &mut Record, c: &Classification) {
    record.reason = c.reason;
    record.kind = c.kind;
    record.hard_bounce = c.hard_bounce;
    record.blame = c.blame;
    record.action = c.action;
}
