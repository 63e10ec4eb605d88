//! Sendmail (`sendmail`, `sm-mta`, `sm-msp-queue` in syslog).
//!
//! ```text
//! … sm-mta[1234]: 4ATB53xx001234: from=<sender@example.org>, size=1234, class=0, nrcpts=1,
//!     msgid=<m1@example.org>, proto=ESMTP, daemon=MTA, relay=client.example.org [198.51.100.7]
//! … sm-mta[1236]: 4ATB53xx001234: to=<bad@example.com>, delay=00:00:01, xdelay=00:00:01,
//!     mailer=esmtp, pri=121234, relay=mx.example.com. [192.0.2.1], dsn=5.1.1, stat=User unknown
//! … sm-mta[1236]: 4ATB53xx001234: to=<slow@example.net>, …, dsn=4.0.0, stat=Deferred: 451 4.7.1 Greylisted
//! ```
//!
//! `to=` lines with `stat=` become one record per recipient (a line may name several,
//! `to=<a@x>,<b@x>`); `dsn=` is the status, `relay=` the remote MTA (for SMTP mailers),
//! `stat=` the diagnostic, read for a quoted remote reply (and a `reply=` field, when the
//! version logs one). The action follows the `dsn=` class, else `stat=` (`Sent`,
//! `Deferred`). The sender and Message-ID come from the `from=` line of the queue id.
//! Sendmail logs no end of a message, so the queue-id map relies on eviction alone.
//! `stat=queued` (not yet tried) and every other line are noise.

use crate::event::Event;
use crate::fields::{self, Fields};
use crate::qmap::QueueMap;
use crate::{Cx, Outcome, syslog};

/// What the `from=` line said about a message.
#[derive(Debug, Default)]
struct Msg {
    sender: Option<String>,
    message_id: Option<String>,
}

/// The Sendmail line parser.
#[derive(Debug)]
pub struct Parser {
    queue: QueueMap<Msg>,
}

/// The queue id at the start of a message (`4ATB53xx001234: …`) and the text after it.
fn queue_id(msg: &str) -> Option<(&str, &str)> {
    let (id, rest) = msg.split_once(": ")?;
    ((6..=24).contains(&id.len()) && id.bytes().all(|c| c.is_ascii_alphanumeric()) && id.bytes().any(|c| c.is_ascii_digit())).then_some((id, rest))
}

impl Parser {
    /// A parser remembering at most `capacity` messages.
    pub fn new(capacity: usize) -> Self {
        Self { queue: QueueMap::new(capacity) }
    }

    /// Messages evicted from the queue-id map for lack of room.
    pub fn evicted(&self) -> u64 {
        self.queue.evicted()
    }

    /// Messages in the queue-id map now.
    pub fn queued(&self) -> usize {
        self.queue.len()
    }

    /// Reads one line.
    pub fn line(&mut self, line: &str, cx: &Cx, out: &mut Vec<Event>) -> Outcome {
        let Some(h) = syslog::parse(line) else { return Outcome::Noise };
        if !matches!(h.program, "sendmail" | "sm-mta" | "sm-msp-queue") {
            return Outcome::Noise;
        }
        let Some((qid, rest)) = queue_id(h.message) else { return Outcome::Noise };
        if rest.starts_with("from=") {
            let (mut sender, mut message_id) = (None, None);
            for (k, v) in Fields::new(rest, &[]) {
                match k {
                    "from" => sender = fields::sender(v),
                    "msgid" => message_id = Some(fields::unbracket(v).to_string()),
                    _ => {}
                }
            }
            let msg = self.queue.get_or_insert_with(qid, Msg::default);
            msg.sender = sender;
            msg.message_id = message_id;
            return Outcome::Pending;
        }
        if !rest.starts_with("to=") {
            return Outcome::Noise;
        }
        let (mut to, mut relay, mut mailer, mut dsn, mut stat, mut reply) = (None, None, None, None, None, None);
        for (k, v) in Fields::new(rest, &["stat"]) {
            match k {
                "to" => to = Some(v),
                "relay" => relay = Some(v),
                "mailer" => mailer = Some(v),
                "dsn" => dsn = Some(v),
                "reply" => reply = Some(v),
                "stat" => stat = Some(v),
                _ => {}
            }
        }
        let (Some(to), Some(stat)) = (to, stat) else { return Outcome::Malformed("sendmail: to= line without stat=") };
        let status = dsn.and_then(|d| d.trim().parse::<bouncekit_core::StatusCode>().ok());
        let action = match status.map(|s| s.class()) {
            Some(2) => "delivered",
            Some(4) => "delayed",
            Some(_) => "failed",
            None if stat.starts_with("Sent") => "delivered",
            None if stat.starts_with("Deferred") => "delayed",
            None if stat.eq_ignore_ascii_case("queued") => return Outcome::Noise,
            None => "failed",
        };
        let smtp_mailer = mailer.is_none_or(|m| matches!(m, "esmtp" | "smtp" | "relay" | "dsmtp" | "smtp8"));
        let remote = relay.filter(|_| smtp_mailer).and_then(fields::host);
        let diagnostic = match reply {
            Some(r) if !r.is_empty() => format!("{stat}: {r}"),
            _ => stat.to_string(),
        };
        let (sender, message_id) = self.queue.get(qid).map(|m| (m.sender.clone(), m.message_id.clone())).unwrap_or_default();
        let timestamp = h.time(cx.reference, cx.utc_offset);
        let mut template = Event {
            sender,
            message_id,
            status,
            diagnostic,
            diagnostic_type: Some(if smtp_mailer { "SMTP" } else { "X-Unix" }.to_string()),
            remote_mta: remote,
            reporting_mta: Some(h.host.to_ascii_lowercase()),
            dsn_action: action,
            timestamp,
            standalone: true,
            ..Event::default()
        };
        template.complete_from_text();
        let before = out.len();
        for addr in to.split(',').map(str::trim).filter(|a| !a.is_empty()).take(crate::MAX_RECIPIENTS_PER_LINE) {
            out.push(Event { recipient: fields::recipient(addr), ..template.clone() });
        }
        if out.len() == before {
            return Outcome::Malformed("sendmail: empty to=");
        }
        Outcome::Events
    }
}

#[cfg(test)]
mod tests {
    use crate::testutil::{feed, one};
    use crate::{LineKind, Mta};
    use bouncekit_core::{Kind, Reason};

    #[test]
    fn user_unknown() {
        let r = one(
            Mta::Sendmail,
            "Nov 29 02:05:03 mail sm-mta[1236]: 4ATB53xx001234: to=<bad@example.com>, delay=00:00:01, xdelay=00:00:01, mailer=esmtp, pri=121234, relay=mx.example.com. [192.0.2.1], dsn=5.1.1, stat=User unknown",
        );
        assert_eq!(r.recipient, "bad@example.com");
        assert_eq!(r.reason, Reason::UserUnknown);
        assert_eq!(r.remote_mta.as_deref(), Some("mx.example.com"));
        assert_eq!(r.dsn_action.as_deref(), Some("failed"));
        assert_eq!(r.format, "sendmail-log");
        assert_eq!(r.timestamp, Some(1_732_845_903));
    }

    #[test]
    fn deferred_with_reply_and_several_recipients() {
        let out = feed(
            Mta::Sendmail,
            &[
                "Nov 29 02:05:01 mail sm-mta[1234]: 4ATB53xx001235: from=<Sender@example.org>, size=1234, class=0, nrcpts=2, msgid=<m2@example.org>, proto=ESMTP, daemon=MTA, relay=client.example.org [198.51.100.7]",
                "Nov 29 02:05:05 mail sm-mta[1237]: 4ATB53xx001235: to=<a@example.net>,<b@example.net>, delay=00:00:05, xdelay=00:00:05, mailer=esmtp, pri=121234, relay=mx.example.net. [192.0.2.2], dsn=4.2.2, stat=Deferred: 452 4.2.2 Mailbox full, try again later",
            ],
        );
        assert_eq!(out[0].0, LineKind::Pending);
        assert_eq!(out[1].0, LineKind::Records(2));
        let r = &out[1].1[1];
        assert_eq!(r.recipient, "b@example.net");
        assert_eq!(r.sender.as_deref(), Some("Sender@example.org"));
        assert_eq!(r.message_id.as_deref(), Some("m2@example.org"));
        assert_eq!(r.reply_code.map(|c| c.get()), Some(452));
        assert_eq!(r.kind, Kind::Soft);
        assert_eq!(r.dsn_action.as_deref(), Some("delayed"));
    }

    #[test]
    fn sent_and_noise() {
        let out = feed(
            Mta::Sendmail,
            &[
                "Nov 29 02:05:06 mail sm-mta[1238]: 4ATB53xx001236: to=<ok@example.com>, delay=00:00:01, xdelay=00:00:01, mailer=esmtp, pri=120000, relay=mx.example.com. [192.0.2.1], dsn=2.0.0, stat=Sent (OK 1234 queued)",
                "Nov 29 02:05:06 mail sm-mta[1238]: 4ATB53xx001236: 4ATB54xx001236: DSN: User unknown",
                "Nov 29 02:05:06 mail sm-mta[1238]: STARTTLS=client, relay=mx.example.com., version=TLSv1.3",
                "Nov 29 02:05:06 mail sm-mta[1238]: 4ATB53xx001237: to=<q@example.com>, delay=00:00:00, mailer=esmtp, pri=30000, stat=queued",
                "Nov 29 02:05:06 mail sm-mta[1238]: 4ATB53xx001238: to=<q@example.com>, delay=00:00:00",
            ],
        );
        assert_eq!(out[0].1[0].reason, Reason::Delivered);
        let kinds: Vec<_> = out.iter().skip(1).map(|(k, _)| *k).collect();
        assert_eq!(kinds, [LineKind::Noise, LineKind::Noise, LineKind::Noise, LineKind::Malformed]);
    }

    #[test]
    fn local_mailer_has_no_remote() {
        let r = one(Mta::Sendmail, "Nov 29 02:05:06 mail sendmail[9]: 4ATB53xx001239: to=root, ctladdr=root (0/0), delay=00:00:00, xdelay=00:00:00, mailer=local, pri=30000, dsn=2.0.0, stat=Sent");
        assert_eq!(r.recipient, "root");
        assert_eq!(r.remote_mta, None);
        assert_eq!(r.diagnostic_type.as_deref(), Some("X-Unix"));
    }
}
