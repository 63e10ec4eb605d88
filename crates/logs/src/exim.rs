//! Exim's main log, in its own file or through syslog.
//!
//! ```text
//! 2024-11-29 02:05:01 1tGxyz-000abc-12 <= sender@example.org H=client [198.51.100.7] P=esmtps S=2345 id=m1@example.org
//! 2024-11-29 02:05:03 1tGxyz-000abc-12 ** bad@example.com R=dnslookup T=remote_smtp H=mx.example.com [192.0.2.1]:
//!     SMTP error from remote mail server after RCPT TO:<bad@example.com>: 550 5.1.1 User unknown
//! 2024-11-29 02:05:03 1tGxyz-000abc-12 == slow@example.net R=dnslookup T=remote_smtp defer (-44) H=mx.example.net
//!     [192.0.2.2]: SMTP error from remote mail server after RCPT TO:<slow@example.net>: 451 4.7.1 Greylisted
//! 2024-11-29 02:05:04 1tGxyz-000abc-12 => ok@example.com R=dnslookup T=remote_smtp H=mx.example.com [192.0.2.1]
//!     X=TLS1.3:TLS_AES_256_GCM_SHA384:256 CV=yes C="250 2.0.0 OK id=1"
//! 2024-11-29 02:05:04 1tGxyz-000abc-12 Completed
//! ```
//!
//! `**` (failed), `==` (deferred) and `=>`/`->`/`>>` (delivered) lines become records;
//! `R=` (router) and `T=` (transport) are read past, `H=` gives the remote MTA, `F=` the
//! sender (selector `+sender_on_delivery`), `C=` the remote's confirmation and the text
//! after the fields the error. The sender and Message-ID of `<=` lines are joined by
//! message id; `Completed` forgets the message. Deferrals that made no attempt ("retry time
//! not reached") are noise: they repeat on every queue run and say nothing new. Time stamps
//! may carry milliseconds and a zone (`+millisec`, `log_timezone`), and a `[pid]` may
//! follow them (`+pid`).

use crate::event::Event;
use crate::fields;
use crate::qmap::QueueMap;
use crate::{Cx, Outcome, syslog, time};

/// What the `<=` line said about a message.
#[derive(Debug, Default)]
struct Msg {
    sender: Option<String>,
    message_id: Option<String>,
}

/// The Exim line parser.
#[derive(Debug)]
pub struct Parser {
    queue: QueueMap<Msg>,
}

/// True for an Exim message id: `1tGxyz-000abc-12` (before 4.97) or
/// `1tGxyz-00000003Dk-4dLe` (4.97 and later).
fn is_message_id(s: &str) -> bool {
    let mut parts = s.split('-');
    let ok = |p: Option<&str>, lo: usize, hi: usize| p.is_some_and(|p| (lo..=hi).contains(&p.len()) && p.bytes().all(|c| c.is_ascii_alphanumeric()));
    ok(parts.next(), 6, 6) && ok(parts.next(), 6, 11) && ok(parts.next(), 2, 4) && parts.next().is_none()
}

/// A line in Exim's own format: the length of its timestamp and the text from the message
/// id on (after an optional `[pid]`). `None` unless a message id follows the timestamp.
pub fn own_line(line: &str) -> Option<(usize, &str)> {
    let b = line.as_bytes();
    if b.len() < 20 || b[10] != b' ' {
        return None;
    }
    let (_, n) = time::iso(b, 0)?;
    let mut rest = line[n..].trim_start();
    if rest.starts_with('[') {
        let end = rest.find("] ")?;
        rest = &rest[end + 2..];
    }
    let id = rest.split(' ').next()?;
    is_message_id(id).then_some((n, rest))
}

/// Splits the text after the address into the fields and the error text, at the first
/// `: ` outside double quotes.
fn split_text(s: &str) -> (&str, &str) {
    let b = s.as_bytes();
    let mut quoted = false;
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b'\\' if quoted => i += 1,
            b'"' => quoted = !quoted,
            b':' if !quoted && (i + 1 == b.len() || b[i + 1] == b' ') => return (&s[..i], s.get(i + 2..).unwrap_or("")),
            _ => {}
        }
        i += 1;
    }
    (s, "")
}

/// Space-separated tokens, a double-quoted value counting as part of its token.
fn tokens(s: &str) -> impl Iterator<Item = &str> {
    let b = s.as_bytes();
    let mut i = 0;
    std::iter::from_fn(move || {
        while i < b.len() && b[i] == b' ' {
            i += 1;
        }
        if i >= b.len() {
            return None;
        }
        let start = i;
        let mut quoted = false;
        while i < b.len() && (quoted || b[i] != b' ') {
            match b[i] {
                b'\\' if quoted => i += 1,
                b'"' => quoted = !quoted,
                _ => {}
            }
            i += 1;
        }
        s.get(start..i.min(b.len()))
    })
}

/// A field value without its quotes and escapes.
fn unquote(v: &str) -> String {
    match v.strip_prefix('"').and_then(|v| v.strip_suffix('"')) {
        Some(inner) => inner.replace("\\\"", "\"").replace("\\\\", "\\"),
        None => v.to_string(),
    }
}

/// The SMTP command of Exim's `after pipelined RCPT TO:` wording, which the generic
/// reader does not know.
fn pipelined_command(text: &str) -> Option<String> {
    let at = text.find("after pipelined ")? + "after pipelined ".len();
    let next = text[at..].trim_start().to_ascii_uppercase();
    ["RCPT", "MAIL", "DATA", "BDAT"].iter().find(|c| next.starts_with(*c)).map(|c| (*c).to_string()).or_else(|| next.starts_with("END OF DATA").then(|| "DATA".to_string()))
}

impl Parser {
    /// A parser remembering at most `capacity` messages.
    pub fn new(capacity: usize) -> Self {
        Self { queue: QueueMap::new(capacity) }
    }

    /// Messages evicted from the message-id map for lack of room.
    pub fn evicted(&self) -> u64 {
        self.queue.evicted()
    }

    /// Messages in the queue-id map now.
    pub fn queued(&self) -> usize {
        self.queue.len()
    }

    /// Reads one line.
    pub fn line(&mut self, line: &str, cx: &Cx, out: &mut Vec<Event>) -> Outcome {
        let (timestamp, host, body) = if let Some((_, body)) = own_line(line) {
            (time::iso(line.as_bytes(), cx.utc_offset).map(|(t, _)| t), None, body)
        } else if let Some(h) = syslog::parse(line).filter(|h| h.program.starts_with("exim")) {
            // With `syslog_timestamp` (the default) Exim repeats its own timestamp.
            match own_line(h.message) {
                Some((_, body)) => (time::iso(h.message.as_bytes(), cx.utc_offset).map(|(t, _)| t), Some(h.host), body),
                None => (h.time(cx.reference, cx.utc_offset), Some(h.host), h.message),
            }
        } else {
            return Outcome::Noise;
        };
        let (id, rest) = body.split_once(' ').unwrap_or((body, ""));
        if !is_message_id(id) {
            return Outcome::Noise;
        }
        let (flag, rest) = rest.split_once(' ').unwrap_or((rest, ""));
        let action = match flag {
            "**" => "failed",
            "==" => "delayed",
            "=>" | "->" | ">>" => "delivered",
            "<=" => {
                self.arrival(id, rest);
                return Outcome::Pending;
            }
            "Completed" => {
                self.queue.remove(id);
                return Outcome::Pending;
            }
            _ => return Outcome::Noise,
        };
        let (fields_part, text) = split_text(rest);
        let mut toks = tokens(fields_part);
        let Some(address) = toks.next() else { return Outcome::Malformed("exim: delivery line without an address") };
        let (mut parent, mut remote, mut sender, mut confirmation) = (None, None, None, None);
        for t in toks {
            if t.starts_with('<') && t.ends_with('>') && parent.is_none() {
                parent = Some(t);
            } else if let Some(v) = t.strip_prefix("H=") {
                remote = fields::host(v);
            } else if let Some(v) = t.strip_prefix("F=") {
                sender = Some(fields::sender(v));
            } else if let Some(v) = t.strip_prefix("C=") {
                confirmation = Some(unquote(v));
            }
        }
        if action == "delayed" && text.contains("retry time not reached") {
            return Outcome::Noise;
        }
        // Local deliveries name a file or a local part first and the address in `<…>`.
        let recipient = match (bouncekit_classify::address::normalize(address), parent) {
            (Some(a), _) => a,
            (None, Some(p)) => fields::recipient(p),
            (None, None) => fields::recipient(address),
        };
        if recipient.is_empty() {
            return Outcome::Malformed("exim: empty address");
        }
        let diagnostic = if action == "delivered" { confirmation.unwrap_or_default() } else { text.trim().to_string() };
        let mut ev = Event {
            recipient,
            diagnostic_type: (diagnostic.contains("SMTP error") || action == "delivered" && !diagnostic.is_empty()).then(|| "SMTP".to_string()),
            command: pipelined_command(&diagnostic),
            diagnostic,
            remote_mta: remote,
            reporting_mta: host.map(str::to_ascii_lowercase),
            dsn_action: action,
            timestamp,
            ..Event::default()
        };
        if let Some(p) = parent.map(fields::recipient).filter(|p| *p != ev.recipient) {
            ev.headers.push(("original-recipient", p));
        }
        ev.complete_from_text();
        let msg = self.queue.get(id);
        ev.sender = sender.unwrap_or_else(|| msg.and_then(|m| m.sender.clone()));
        ev.message_id = msg.and_then(|m| m.message_id.clone());
        out.push(ev);
        Outcome::Events
    }

    /// `<= sender … id=…`: remember the sender and Message-ID.
    fn arrival(&mut self, id: &str, rest: &str) {
        let mut toks = tokens(rest);
        let sender = toks.next().and_then(fields::sender);
        let message_id = toks.find_map(|t| t.strip_prefix("id=")).map(|v| fields::unbracket(v).to_string());
        let msg = self.queue.get_or_insert_with(id, Msg::default);
        msg.sender = sender;
        msg.message_id = message_id;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testutil::{feed, one};
    use crate::{LineKind, Mta};
    use bouncekit_core::{Kind, Reason};

    #[test]
    fn failure_with_remote_reply() {
        let r = one(
            Mta::Exim,
            "2024-11-29 02:05:03 1tGxyz-000abc-12 ** bad@example.com R=dnslookup T=remote_smtp H=mx.example.com [192.0.2.1]: SMTP error from remote mail server after RCPT TO:<bad@example.com>: 550 5.1.1 <bad@example.com>: Recipient address rejected: User unknown",
        );
        assert_eq!(r.recipient, "bad@example.com");
        assert_eq!(r.reason, Reason::UserUnknown);
        assert_eq!(r.reply_code.map(|c| c.get()), Some(550));
        assert_eq!(r.status.map(|s| s.to_string()).as_deref(), Some("5.1.1"));
        assert_eq!(r.smtp_command.as_deref(), Some("RCPT"));
        assert_eq!(r.remote_mta.as_deref(), Some("mx.example.com"));
        assert_eq!(r.timestamp, Some(1_732_845_903));
        assert_eq!(r.format, "exim-log");
        assert!(r.diagnostic.starts_with("SMTP error from remote mail server"));
    }

    #[test]
    fn deferral_pipelined_with_pid_millis_and_zone() {
        let r = one(
            Mta::Exim,
            "2024-11-29 03:05:03.250 +0100 [4242] 1tGxyz-00000003Dk-4dLe == slow@example.net R=dnslookup T=remote_smtp defer (-44) H=mx.example.net [2001:db8::25]: SMTP error from remote mail server after pipelined RCPT TO:<slow@example.net>: 452 4.2.2 <slow@example.net>: Mailbox full",
        );
        assert_eq!(r.dsn_action.as_deref(), Some("delayed"));
        assert_eq!(r.kind, Kind::Soft);
        assert_eq!(r.smtp_command.as_deref(), Some("RCPT"));
        assert_eq!(r.timestamp, Some(1_732_845_903));
        assert_eq!(r.remote_mta.as_deref(), Some("mx.example.net"));
    }

    #[test]
    fn joins_arrival_and_delivery_confirmation() {
        let out = feed(
            Mta::Exim,
            &[
                "2024-11-29 02:05:01 1tGxyz-000abc-12 <= Sender@Example.org H=client [198.51.100.7] P=esmtps S=2345 id=m1@example.org",
                "2024-11-29 02:05:04 1tGxyz-000abc-12 => ok@example.com R=dnslookup T=remote_smtp H=mx.example.com [192.0.2.1] X=TLS1.3:TLS_AES_256_GCM_SHA384:256 CV=yes DN=\"CN=mx: x\" C=\"250 2.0.0 OK: queued as 1\"",
                "2024-11-29 02:05:04 1tGxyz-000abc-12 -> bob <info@example.org> R=localuser T=local_delivery",
                "2024-11-29 02:05:04 1tGxyz-000abc-12 Completed",
            ],
        );
        assert_eq!(out[0].0, LineKind::Pending);
        let r = &out[1].1[0];
        assert_eq!(r.sender.as_deref(), Some("Sender@example.org"));
        assert_eq!(r.message_id.as_deref(), Some("m1@example.org"));
        assert_eq!(r.reason, Reason::Delivered);
        assert_eq!(r.diagnostic, "250 2.0.0 OK: queued as 1");
        assert_eq!(out[2].1[0].recipient, "info@example.org");
        assert_eq!(out[3].0, LineKind::Pending);
    }

    #[test]
    fn local_failure_and_sender_field() {
        let r = one(Mta::Exim, "2024-11-29 02:05:03 1tGxyz-000abc-13 ** nobody@nowhere.invalid F=<s@example.org>: Unrouteable address");
        assert_eq!(r.recipient, "nobody@nowhere.invalid");
        assert_eq!(r.sender.as_deref(), Some("s@example.org"));
        assert_eq!(r.diagnostic, "Unrouteable address");
        assert_eq!(r.dsn_action.as_deref(), Some("failed"));
    }

    #[test]
    fn syslog_exim_lines() {
        let r = one(Mta::Exim, "Nov 29 02:05:03 mx1 exim[99]: 2024-11-29 02:05:03 1tGxyz-000abc-14 ** a@example.com R=r T=t: retry timeout exceeded");
        assert_eq!(r.reporting_mta.as_deref(), Some("mx1"));
        assert_eq!(r.timestamp, Some(1_732_845_903));
        let r = one(Mta::Exim, "Nov 29 02:05:03 mx1 exim4[99]: 1tGxyz-000abc-15 ** a@example.com R=r T=t: retry timeout exceeded");
        assert_eq!(r.timestamp, Some(1_732_845_903));
    }

    #[test]
    fn noise() {
        let out = feed(
            Mta::Exim,
            &[
                "2024-11-29 02:05:01 Start queue run: pid=1234",
                "2024-11-29 02:05:01 H=client [198.51.100.7] F=<a@b.c> rejected RCPT <x@y.z>: relay not permitted",
                "2024-11-29 02:05:01 1tGxyz-000abc-12 == slow@example.net routing defer (-51): retry time not reached",
                "2024-11-29 02:05:01 1tGxyz-000abc-12 *> x@y.z R=r T=t",
                "2024-11-29 02:05:01 1tGxyz-000abc-12 Frozen (delivery error message)",
                "2024-11-29 02:05:01 1tGxyz-000abc-12 ** ",
            ],
        );
        let kinds: Vec<_> = out.iter().map(|(k, _)| *k).collect();
        assert_eq!(kinds, [LineKind::Noise, LineKind::Noise, LineKind::Noise, LineKind::Noise, LineKind::Noise, LineKind::Malformed]);
    }

    #[test]
    fn helpers() {
        assert!(is_message_id("1tGxyz-000abc-12"));
        assert!(is_message_id("1tGxyz-00000003Dk-4dLe"));
        assert!(!is_message_id("Start"));
        assert_eq!(split_text("a@b R=x C=\"1: 2\": err: more"), ("a@b R=x C=\"1: 2\"", "err: more"));
        assert_eq!(tokens("a C=\"x y\" b").collect::<Vec<_>>(), ["a", "C=\"x y\"", "b"]);
    }
}
