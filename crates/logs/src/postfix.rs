//! Postfix (`postfix/*` programs in syslog).
//!
//! ```text
//! … postfix/cleanup[11]: 3F2A81234: message-id=<20241129.abc@example.org>
//! … postfix/qmgr[12]: 3F2A81234: from=<sender@example.org>, size=1234, nrcpt=2 (queue active)
//! … postfix/smtp[13]: 3F2A81234: to=<bad@example.com>, relay=mx.example.com[192.0.2.1]:25, delay=1.2,
//!     delays=0.1/0/0.5/0.6, dsn=5.1.1, status=bounced (host mx.example.com[192.0.2.1] said: 550 5.1.1
//!     <bad@example.com>: Recipient address rejected: User unknown (in reply to RCPT TO command))
//! … postfix/qmgr[12]: 3F2A81234: from=<sender@example.org>, status=expired, returned to sender
//! … postfix/qmgr[12]: 3F2A81234: removed
//! ```
//!
//! `status=bounced|deferred|sent|expired` lines become records (`SOFTBOUNCE` counts as
//! deferred). The sender and Message-ID come from the `from=` and `message-id=` lines of
//! the same queue id, which Postfix logs before any delivery; `removed` forgets the
//! message. `status=expired` names no recipient: it applies to every recipient deferred
//! so far, which the parser remembers (up to [`MAX_DEFERRED`] per message) to emit one
//! `expired` record each. Other lines (connections, `NOQUEUE` rejections of inbound mail,
//! warnings, address-verification probes) are noise.

use bouncekit_core::{Reason, StatusCode};

use crate::event::Event;
use crate::fields::{self, Fields};
use crate::qmap::QueueMap;
use crate::{Cx, Outcome, syslog};

/// Deferred recipients remembered per message for `status=expired`: bounds memory when a
/// mailing to thousands of recipients is stuck (the rest then expire unseen).
pub const MAX_DEFERRED: usize = 16;

/// What earlier lines said about one queued message.
#[derive(Debug, Default)]
struct Msg {
    sender: Option<String>,
    message_id: Option<String>,
    /// Recipients whose last outcome was a deferral, with its status.
    deferred: Vec<(String, Option<StatusCode>)>,
}

/// The Postfix line parser.
#[derive(Debug)]
pub struct Parser {
    queue: QueueMap<Msg>,
}

impl Parser {
    /// A parser remembering at most `capacity` queued messages.
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
        if !h.program.starts_with("postfix") {
            return Outcome::Noise;
        }
        let Some((qid, rest)) = queue_id(h.message) else { return Outcome::Noise };
        if rest.starts_with("to=") {
            return self.status(qid, rest, &h, cx, out);
        }
        if let Some(v) = rest.strip_prefix("from=") {
            if rest.contains(", status=expired") {
                return self.expired(qid, &h, cx, out);
            }
            let end = v.find(", ").unwrap_or(v.len());
            let sender = fields::sender(&v[..end]);
            self.queue.get_or_insert_with(qid, Msg::default).sender = sender;
            return Outcome::Pending;
        }
        if let Some(v) = rest.strip_prefix("message-id=") {
            let id = fields::unbracket(v.split(' ').next().unwrap_or(""));
            if !id.is_empty() {
                self.queue.get_or_insert_with(qid, Msg::default).message_id = Some(id.to_string());
            }
            return Outcome::Pending;
        }
        if rest == "removed" {
            self.queue.remove(qid);
            return Outcome::Pending;
        }
        Outcome::Noise
    }

    /// A `to=…, status=…` line.
    fn status(&mut self, qid: &str, rest: &str, h: &syslog::Header<'_>, cx: &Cx, out: &mut Vec<Event>) -> Outcome {
        let (mut to, mut orig_to, mut relay, mut dsn, mut status) = (None, None, None, None, None);
        for (k, v) in Fields::new(rest, &["status"]) {
            match k {
                "to" => to = Some(v),
                "orig_to" => orig_to = Some(v),
                "relay" => relay = Some(v),
                "dsn" => dsn = Some(v),
                "status" => status = Some(v),
                _ => {}
            }
        }
        let (Some(to), Some(status)) = (to, status) else { return Outcome::Malformed("postfix: delivery line without status=") };
        let word_end = status.find([' ', ',']).unwrap_or(status.len());
        let action = match &status[..word_end] {
            "bounced" => "failed",
            "deferred" | "SOFTBOUNCE" => "delayed",
            "sent" => "delivered",
            // Address-verification probes (`deliverable`, `undeliverable`) deliver nothing.
            _ => return Outcome::Noise,
        };
        let text = status[word_end..].trim_start();
        let text = text.strip_prefix('(').map(|t| t.strip_suffix(')').unwrap_or(t)).unwrap_or(text);
        let recipient = fields::recipient(to);
        if recipient.is_empty() {
            return Outcome::Malformed("postfix: empty to=");
        }
        let mut ev = Event {
            recipient,
            status: dsn.and_then(|d| d.trim().parse().ok()),
            diagnostic: text.to_string(),
            // `host … said: 550 …` and `host … refused to talk to me: 421 …` quote the remote.
            diagnostic_type: (!text.is_empty()).then(|| if text.contains(" said: ") || text.contains(" refused to talk to me: ") { "SMTP" } else { "X-Postfix" }.to_string()),
            remote_mta: relay.and_then(|r| r.contains('[').then(|| fields::host(r)).flatten()),
            reporting_mta: Some(h.host.to_ascii_lowercase()),
            dsn_action: action,
            timestamp: h.time(cx.reference, cx.utc_offset),
            ..Event::default()
        };
        if let Some(o) = orig_to.map(fields::recipient).filter(|o| !o.is_empty() && *o != ev.recipient) {
            ev.headers.push(("original-recipient", o));
        }
        ev.complete_from_text();
        if let Some(msg) = self.queue.get(qid) {
            ev.sender.clone_from(&msg.sender);
            ev.message_id.clone_from(&msg.message_id);
        }
        // Remember deferrals for `status=expired`; any other outcome settles the recipient.
        let deferred = action == "delayed";
        if deferred || self.queue.get(qid).is_some_and(|m| !m.deferred.is_empty()) {
            let msg = self.queue.get_or_insert_with(qid, Msg::default);
            match msg.deferred.iter().position(|(r, _)| *r == ev.recipient) {
                Some(i) if deferred => msg.deferred[i].1 = ev.status,
                Some(i) => {
                    msg.deferred.swap_remove(i);
                }
                None if deferred && msg.deferred.len() < MAX_DEFERRED => msg.deferred.push((ev.recipient.clone(), ev.status)),
                None => {}
            }
        }
        out.push(ev);
        Outcome::Events
    }

    /// `from=<…>, status=expired, returned to sender`: one record per deferred recipient.
    fn expired(&mut self, qid: &str, h: &syslog::Header<'_>, cx: &Cx, out: &mut Vec<Event>) -> Outcome {
        let Some(msg) = self.queue.get_mut(qid).filter(|m| !m.deferred.is_empty()) else {
            // The deferrals were logged before this log begins (or were evicted).
            return Outcome::Pending;
        };
        let timestamp = h.time(cx.reference, cx.utc_offset);
        for (recipient, status) in msg.deferred.drain(..) {
            out.push(Event {
                recipient,
                sender: msg.sender.clone(),
                message_id: msg.message_id.clone(),
                // Postfix returns expired mail with the last deferral's status, or 4.4.7
                // (delivery time expired) when it had none.
                status: status.or_else(|| "4.4.7".parse().ok()),
                diagnostic: "status=expired, returned to sender".into(),
                diagnostic_type: Some("X-Postfix".into()),
                reporting_mta: Some(h.host.to_ascii_lowercase()),
                dsn_action: "failed",
                timestamp,
                format_reason: Some(Reason::Expired),
                ..Event::default()
            });
        }
        Outcome::Events
    }
}

/// The queue id at the start of a message (`3F2A81234: …`, long ids `4Y2t1x0Yq2z9sQ: …`)
/// and the text after it.
fn queue_id(msg: &str) -> Option<(&str, &str)> {
    let b = msg.as_bytes();
    let n = b.iter().take_while(|c| c.is_ascii_alphanumeric()).count();
    if !(5..=24).contains(&n) || b.get(n) != Some(&b':') || b.get(n + 1) != Some(&b' ') {
        return None;
    }
    // `warning:`, `fatal:`, `NOQUEUE:` and friends are words, not ids.
    if b[..n].iter().all(u8::is_ascii_lowercase) || &b[..n] == b"NOQUEUE" {
        return None;
    }
    Some((&msg[..n], &msg[n + 2..]))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testutil::{feed, one};
    use crate::{LineKind, Mta};

    #[test]
    fn bounced_with_remote_reply() {
        let r = one(
            Mta::Postfix,
            "Nov 29 02:05:03 mail postfix/smtp[1234]: 3F2A81234: to=<Bad@Example.com>, relay=mx.example.com[192.0.2.1]:25, delay=1.2, delays=0.1/0/0.5/0.6, dsn=5.1.1, status=bounced (host mx.example.com[192.0.2.1] said: 550 5.1.1 <bad@example.com>: Recipient address rejected: User unknown (in reply to RCPT TO command))",
        );
        assert_eq!(r.recipient, "Bad@example.com");
        assert_eq!(r.status.map(|s| s.to_string()).as_deref(), Some("5.1.1"));
        assert_eq!(r.reply_code.map(|c| c.get()), Some(550));
        assert_eq!(r.reason, Reason::UserUnknown);
        assert_eq!(r.remote_mta.as_deref(), Some("mx.example.com"));
        assert_eq!(r.reporting_mta.as_deref(), Some("mail"));
        assert_eq!(r.smtp_command.as_deref(), Some("RCPT"));
        assert_eq!(r.dsn_action.as_deref(), Some("failed"));
        assert_eq!(r.diagnostic_type.as_deref(), Some("SMTP"));
        assert!(r.diagnostic.starts_with("host mx.example.com[192.0.2.1] said: 550"));
        assert!(r.diagnostic.ends_with("(in reply to RCPT TO command)"));
        assert_eq!(r.format, "postfix-log");
    }

    #[test]
    fn deferred_without_remote_reply() {
        let r = one(
            Mta::Postfix,
            "Nov 29 02:05:03 mail postfix/smtp[1234]: 3F2A81235: to=<a@slow.example>, relay=none, delay=30, delays=0/0/30/0, dsn=4.4.1, status=deferred (connect to mx.slow.example[192.0.2.9]:25: Connection timed out)",
        );
        assert_eq!(r.dsn_action.as_deref(), Some("delayed"));
        assert_eq!(r.remote_mta, None);
        assert_eq!(r.diagnostic_type.as_deref(), Some("X-Postfix"));
        assert_eq!(r.kind, bouncekit_core::Kind::Soft);
    }

    #[test]
    fn joins_sender_and_message_id_then_forgets() {
        let out = feed(
            Mta::Postfix,
            &[
                "Nov 29 02:05:01 mail postfix/cleanup[11]: 3F2A81236: message-id=<m1@example.org>",
                "Nov 29 02:05:01 mail postfix/qmgr[12]: 3F2A81236: from=<Sender@Example.org>, size=1234, nrcpt=1 (queue active)",
                "Nov 29 02:05:02 mail postfix/smtp[13]: 3F2A81236: to=<ok@example.net>, relay=mx.example.net[192.0.2.2]:25, delay=1, delays=0/0/0.5/0.5, dsn=2.0.0, status=sent (250 2.0.0 Ok: queued as 12345)",
                "Nov 29 02:05:02 mail postfix/qmgr[12]: 3F2A81236: removed",
                "Nov 29 02:05:03 mail postfix/smtp[13]: 3F2A81236: to=<late@example.net>, relay=mx.example.net[192.0.2.2]:25, delay=1, delays=0/0/0.5/0.5, dsn=2.0.0, status=sent (250 2.0.0 Ok)",
            ],
        );
        let kinds: Vec<_> = out.iter().map(|(k, _)| *k).collect();
        assert_eq!(kinds, [LineKind::Pending, LineKind::Pending, LineKind::Records(1), LineKind::Pending, LineKind::Records(1)]);
        let r = &out[2].1[0];
        assert_eq!(r.sender.as_deref(), Some("Sender@example.org"));
        assert_eq!(r.message_id.as_deref(), Some("m1@example.org"));
        assert_eq!(r.reason, Reason::Delivered);
        assert_eq!(out[4].1[0].sender, None);
    }

    #[test]
    fn expired_applies_to_deferred_recipients() {
        let out = feed(
            Mta::Postfix,
            &[
                "Nov 29 02:05:01 mail postfix/qmgr[12]: AB12C: from=<s@example.org>, size=1, nrcpt=2 (queue active)",
                "Nov 29 02:05:02 mail postfix/smtp[13]: AB12C: to=<a@x.example>, relay=none, delay=1, dsn=4.4.1, status=deferred (connect to x.example[192.0.2.3]:25: Connection refused)",
                "Nov 29 02:05:02 mail postfix/smtp[13]: AB12C: to=<b@x.example>, relay=none, delay=1, dsn=4.4.1, status=deferred (connect to x.example[192.0.2.3]:25: Connection refused)",
                "Dec  4 02:05:02 mail postfix/smtp[13]: AB12C: to=<b@x.example>, relay=x.example[192.0.2.3]:25, delay=1, dsn=2.0.0, status=sent (250 ok)",
                "Dec  4 02:05:03 mail postfix/qmgr[12]: AB12C: from=<s@example.org>, status=expired, returned to sender",
            ],
        );
        assert_eq!(out[4].0, LineKind::Records(1));
        let r = &out[4].1[0];
        assert_eq!(r.recipient, "a@x.example");
        assert_eq!(r.reason, Reason::Expired);
        assert_eq!(r.status.map(|s| s.to_string()).as_deref(), Some("4.4.1"));
        assert_eq!(r.sender.as_deref(), Some("s@example.org"));
        assert_eq!(r.dsn_action.as_deref(), Some("failed"));
    }

    #[test]
    fn noise_and_malformed() {
        let out = feed(
            Mta::Postfix,
            &[
                "Nov 29 02:05:01 mail postfix/smtpd[10]: connect from client.example[192.0.2.50]",
                "Nov 29 02:05:01 mail postfix/smtpd[10]: NOQUEUE: reject: RCPT from client.example[192.0.2.50]: 554 5.7.1 <x@y.z>: Relay access denied; from=<a@b.c> to=<x@y.z> proto=ESMTP helo=<c>",
                "Nov 29 02:05:01 mail postfix/smtpd[10]: warning: hostname does not resolve",
                "Nov 29 02:05:01 mail dovecot: imap-login: Login: user=<u>",
                "Nov 29 02:05:01 mail postfix/smtp[13]: 3F2A81237: to=<a@b.c>, relay=none, delay=1",
                "Nov 29 02:05:01 mail postfix/smtp[13]: 3F2A81237: to=<a@b.c>, relay=none, dsn=2.1.5, status=deliverable (delivers to mailbox)",
                "garbage ☃ \u{0}",
            ],
        );
        let kinds: Vec<_> = out.iter().map(|(k, _)| *k).collect();
        assert_eq!(
            kinds,
            [LineKind::Noise, LineKind::Noise, LineKind::Noise, LineKind::Noise, LineKind::Malformed, LineKind::Noise, LineKind::Noise]
        );
    }

    #[test]
    fn bounded_queue_map_evicts_the_oldest_message() {
        use crate::{LogOptions, LogParser};
        let mut p = LogParser::new(LogOptions { mta: Some(Mta::Postfix), queue_capacity: 2, reference_time: Some(crate::testutil::REFERENCE), ..LogOptions::default() });
        let mut out = Vec::new();
        for q in ["AAAA1", "BBBB2", "CCCC3"] {
            let line = format!("Nov 29 02:05:01 mail postfix/qmgr[12]: {q}: from=<{q}@example.org>, size=1, nrcpt=1 (queue active)");
            assert_eq!(p.push_line(line.as_bytes(), &mut out), LineKind::Pending);
        }
        for q in ["AAAA1", "CCCC3"] {
            let line = format!("Nov 29 02:05:02 mail postfix/smtp[13]: {q}: to=<x@example.com>, relay=none, dsn=4.4.1, status=deferred (connect to example.com[192.0.2.1]:25: Connection refused)");
            p.push_line(line.as_bytes(), &mut out);
        }
        assert_eq!(out[0].sender, None);
        assert_eq!(out[1].sender.as_deref(), Some("CCCC3@example.org"));
        assert_eq!(p.stats().evicted, 2);
        assert!(p.stats().queued <= 2);
    }

    #[test]
    fn rfc3339_syslog_timestamps() {
        let r = one(
            Mta::Postfix,
            "2024-11-29T03:05:03.123456+01:00 mail postfix-out/smtp[1234]: 3F2A81238: to=<a@example.com>, relay=mx.example.com[192.0.2.1]:25, delay=1, delays=0/0/0.5/0.5, dsn=2.0.0, status=sent (250 ok)",
        );
        assert_eq!(r.timestamp, Some(1_732_845_903));
        assert_eq!(r.reason, Reason::Delivered);
    }

    #[test]
    fn queue_ids() {
        assert_eq!(queue_id("3F2A81234: to=<a>"), Some(("3F2A81234", "to=<a>")));
        assert_eq!(queue_id("4Y2t1x0Yq2z9sQ: removed"), Some(("4Y2t1x0Yq2z9sQ", "removed")));
        assert_eq!(queue_id("NOQUEUE: reject"), None);
        assert_eq!(queue_id("warning: x"), None);
        assert_eq!(queue_id("connect from x"), None);
    }
}
