//! The facts one log line states about one recipient, and their classification into a
//! [`Record`].

use bouncekit_classify::{Evidence, apply, classify, smtp};
use bouncekit_core::{Origin, OriginKind, Reason, Record, ReplyCode, StatusCode};

/// What a log line says about one recipient, before classification.
#[derive(Debug, Clone, Default)]
pub struct Event {
    /// The recipient (normalised).
    pub recipient: String,
    /// The envelope sender, when the line or a joined line names it.
    pub sender: Option<String>,
    /// Enhanced status code (`dsn=`, `dsnStatus`, `enhanced_code`).
    pub status: Option<StatusCode>,
    /// Basic reply code.
    pub reply_code: Option<ReplyCode>,
    /// The diagnostic text: the remote reply or the MTA's explanation.
    pub diagnostic: String,
    /// What kind of text the diagnostic is (`SMTP`, `X-Postfix`…).
    pub diagnostic_type: Option<String>,
    /// The remote MTA.
    pub remote_mta: Option<String>,
    /// The host that wrote the log line.
    pub reporting_mta: Option<String>,
    /// The SMTP command the reply answered.
    pub command: Option<String>,
    /// `failed`, `delayed` or `delivered`; empty when the line states none (complaints).
    pub dsn_action: &'static str,
    /// When the line was logged.
    pub timestamp: Option<i64>,
    /// Message-ID of the message, from a joined line.
    pub message_id: Option<String>,
    /// Subject, where the log has it.
    pub subject: Option<String>,
    /// A reason the log states outright (PowerMTA/KumoMTA bounce category, `expired`).
    pub format_reason: Option<Reason>,
    /// True when the log never names the SMTP command (Sendmail, PowerMTA), so a missing
    /// command says nothing about the stage that failed (see `Evidence::standalone`).
    pub standalone: bool,
    /// ARF feedback type of a complaint.
    pub feedback_type: Option<String>,
    /// Extra values kept with the record (`original-recipient`, `x-job`).
    pub headers: Vec<(&'static str, String)>,
}

impl Event {
    /// Fills reply code, status, command and remote host from the diagnostic text where
    /// the line's own fields did not give them.
    pub fn complete_from_text(&mut self) {
        if self.diagnostic.is_empty() {
            return;
        }
        let reply = smtp::parse_reply(&self.diagnostic);
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

    /// Classifies the event into a record of `format` from `origin` (a `file:line` name).
    pub fn into_record(self, format: &str, origin: String) -> Record {
        // `..Evidence::default()` keeps this compiling as classify learns new evidence.
        #[allow(clippy::needless_update)]
        let ev = Evidence {
            status: self.status,
            reply_code: self.reply_code,
            text: &self.diagnostic,
            remote_host: self.remote_mta.as_deref(),
            recipient: Some(&self.recipient),
            command: self.command.as_deref(),
            dsn_action: (!self.dsn_action.is_empty()).then_some(self.dsn_action),
            format_reason: self.format_reason,
            standalone: self.standalone,
            ..Evidence::default()
        };
        let c = classify(&ev);
        let mut r = Record::new(self.recipient);
        apply(&mut r, &c);
        r.code_mismatch = matches!((self.status, self.reply_code), (Some(s), Some(c)) if s.disagrees_with(c));
        r.status = self.status;
        r.reply_code = self.reply_code;
        r.diagnostic = self.diagnostic;
        r.diagnostic_type = self.diagnostic_type;
        r.remote_mta = self.remote_mta;
        r.reporting_mta = self.reporting_mta;
        r.smtp_command = self.command;
        r.dsn_action = (!self.dsn_action.is_empty()).then(|| self.dsn_action.to_string());
        r.timestamp = self.timestamp;
        r.message_id = self.message_id;
        r.subject = self.subject;
        r.sender = self.sender;
        r.format = format.to_string();
        r.origin = Origin { kind: OriginKind::Log, name: origin };
        r.headers = self.headers.into_iter().map(|(k, v)| (k.to_string(), v)).collect();
        r.feedback_type = self.feedback_type;
        if c.reason == Reason::Feedback {
            r.feedback_type.get_or_insert_with(|| "abuse".to_string());
        }
        r
    }
}

/// PowerMTA bounce categories (`bounceCat`) and their reasons: the same table as the
/// PowerMTA bounce-mail format of `bouncekit-parse`, so a bounce reads the same from mail
/// and from the accounting log. Categories without a clear counterpart (`other`,
/// `bad-configuration`, `protocol-errors`…) leave the decision to the text.
const POWERMTA_CATEGORIES: &[(&str, Reason)] = &[
    ("baddomain", Reason::HostUnknown),
    ("badmailbox", Reason::UserUnknown),
    ("inactivemailbox", Reason::Suspend),
    ("messageexpired", Reason::Expired),
    ("noanswerfromhost", Reason::NetworkError),
    ("policyrelated", Reason::PolicyViolation),
    ("quotaissues", Reason::MailboxFull),
    ("routingerrors", Reason::SystemError),
    ("spamrelated", Reason::SpamDetected),
    ("virusrelated", Reason::VirusDetected),
    ("relayingissues", Reason::NoRelaying),
];

/// KumoMTA bounce classes (`bounce_classification`, after the Momentum bounce codes) and
/// their reasons. `Uncategorized`, `TransientFailure`, `DNSFailure` (may be temporary),
/// `AdminFailure`, `GenericBounce` and the list-management classes leave the decision to
/// the text.
const KUMOMTA_CLASSES: &[(&str, Reason)] = &[
    ("invalidrecipient", Reason::UserUnknown),
    ("mailboxfull", Reason::MailboxFull),
    ("messagetoolarge", Reason::MesgTooBig),
    ("timeout", Reason::Expired),
    ("mailblock", Reason::Blocked),
    ("spamblock", Reason::Blocked),
    ("spamcontent", Reason::SpamDetected),
    ("prohibitedattachment", Reason::ContentError),
    ("relayingdenied", Reason::NoRelaying),
    ("autoreply", Reason::Vacation),
];

/// Compares category names without case, `-`, `_` and spaces.
fn lookup(table: &[(&str, Reason)], category: &str) -> Option<Reason> {
    let key: String = category.trim().chars().filter(|c| !matches!(c, '-' | '_' | ' ')).map(|c| c.to_ascii_lowercase()).collect();
    table.iter().find(|(name, _)| *name == key).map(|(_, r)| *r)
}

/// The reason of a PowerMTA bounce category, if it has one.
pub fn powermta_category(category: &str) -> Option<Reason> {
    lookup(POWERMTA_CATEGORIES, category)
}

/// The reason of a KumoMTA bounce class, if it has one.
pub fn kumomta_class(class: &str) -> Option<Reason> {
    lookup(KUMOMTA_CLASSES, class)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn categories_of_both_mtas() {
        assert_eq!(powermta_category("bad-mailbox"), Some(Reason::UserUnknown));
        assert_eq!(powermta_category(" quota-issues "), Some(Reason::MailboxFull));
        assert_eq!(powermta_category("other"), None);
        assert_eq!(kumomta_class("InvalidRecipient"), Some(Reason::UserUnknown));
        assert_eq!(kumomta_class("Uncategorized"), None);
    }

    #[test]
    fn delivered_event_classifies_as_delivered() {
        let ev = Event { recipient: "a@b.c".into(), dsn_action: "delivered", status: "2.0.0".parse().ok(), ..Event::default() };
        let r = ev.into_record("postfix-log", "f:1".into());
        assert_eq!(r.reason, Reason::Delivered);
        assert_eq!(r.origin.kind, OriginKind::Log);
    }
}
