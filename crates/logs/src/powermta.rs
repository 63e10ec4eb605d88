//! PowerMTA accounting files: CSV, one record per row, named by a header row.
//!
//! ```text
//! type,timeLogged,timeQueued,orig,rcpt,orcpt,dsnAction,dsnStatus,dsnDiag,dsnMta,bounceCat,…
//! b,2024-11-29 02:05:03-0500,2024-11-29 02:05:01-0500,sender@example.org,bad@example.com,,failed,
//!     5.0.0 (undefined status),smtp;550 5.1.1 <bad@example.com>: User unknown,mx.example.com (192.0.2.1),bad-mailbox,…
//! ```
//!
//! Row types: `d` (delivered), `b` and `rb` (bounced, remote bounce), `t` (transient
//! failure), `rs` (remote status, by its `dsnAction`), `f` (feedback-loop complaint);
//! others (`tq` queue-level errors, receptions) are noise. The columns are found by name
//! in the latest header row (a row whose first field is `type`); before any header, the
//! default field order of PowerMTA's `<acct-file>` is assumed. `bounceCat` is PowerMTA's own
//! classification and decides the reason where it has a counterpart (as in the PowerMTA
//! bounce-mail format); `dsnDiag` (`smtp;550 …`) is the diagnostic, `dsnMta` the remote
//! MTA, `jobId` is kept as `x-job`, `header_Message-Id` and `header_Subject` when
//! configured. A field may be quoted (`"a,b"`, `""` for a quote) but may not span lines.

use std::borrow::Cow;

use bouncekit_core::Reason;

use crate::event::{Event, powermta_category};
use crate::fields;
use crate::{Cx, Outcome, time};

/// The field order of an accounting file written without a header row.
const DEFAULT_HEADER: &str = "type,timeLogged,timeQueued,orig,rcpt,orcpt,dsnAction,dsnStatus,dsnDiag,dsnMta,bounceCat,srcType,srcMta,dlvType,dlvSourceIp,dlvDestinationIp,dlvEsmtpAvailable,dlvSize,vmta,jobId,envId,queue,vmtaPool";

/// Row types that describe a recipient.
const TYPES: &[&str] = &["d", "b", "t", "rb", "rs", "f", "tq"];

/// Column positions of the fields read.
#[derive(Debug, Clone, Default)]
struct Columns {
    typ: usize,
    time: Option<usize>,
    orig: Option<usize>,
    rcpt: Option<usize>,
    orcpt: Option<usize>,
    action: Option<usize>,
    status: Option<usize>,
    diag: Option<usize>,
    mta: Option<usize>,
    category: Option<usize>,
    job: Option<usize>,
    message_id: Option<usize>,
    subject: Option<usize>,
    feedback_type: Option<usize>,
}

impl Columns {
    fn from_header(fields: &[Cow<'_, str>]) -> Self {
        let find = |name: &str| fields.iter().position(|f| f.trim().eq_ignore_ascii_case(name));
        Self {
            typ: find("type").unwrap_or(0),
            time: find("timeLogged"),
            orig: find("orig"),
            rcpt: find("rcpt"),
            orcpt: find("orcpt"),
            action: find("dsnAction"),
            status: find("dsnStatus"),
            diag: find("dsnDiag"),
            mta: find("dsnMta"),
            category: find("bounceCat"),
            job: find("jobId"),
            message_id: find("header_Message-Id"),
            subject: find("header_Subject"),
            feedback_type: find("feedbackType"),
        }
    }
}

/// The PowerMTA accounting parser.
#[derive(Debug)]
pub struct Parser {
    columns: Columns,
}

impl Default for Parser {
    fn default() -> Self {
        let (fields, _) = split(DEFAULT_HEADER);
        Self { columns: Columns::from_header(&fields) }
    }
}

/// True for a header row.
pub fn is_header(line: &str) -> bool {
    line.starts_with("type,") && line.contains(",rcpt")
}

/// True for a data row: a known type, then a timestamp.
pub fn is_row(line: &str) -> bool {
    let Some((typ, rest)) = line.split_once(',') else { return false };
    TYPES.contains(&typ) && time::iso(rest.trim_start_matches('"').as_bytes(), 0).is_some()
}

/// Splits one CSV line into fields; the flag is false when a quote is left open.
fn split(line: &str) -> (Vec<Cow<'_, str>>, bool) {
    let b = line.as_bytes();
    let mut out = Vec::with_capacity(24);
    let mut i = 0;
    loop {
        if b.get(i) == Some(&b'"') {
            let mut s = String::new();
            let mut j = i + 1;
            let mut closed = false;
            while j < b.len() {
                if b[j] == b'"' {
                    if b.get(j + 1) == Some(&b'"') {
                        s.push('"');
                        j += 2;
                        continue;
                    }
                    closed = true;
                    j += 1;
                    break;
                }
                let next = line[j..].find('"').map_or(b.len(), |p| j + p);
                s.push_str(&line[j..next]);
                j = next;
            }
            out.push(Cow::Owned(s));
            if !closed {
                return (out, false);
            }
            // Skip to the separator (text after a closing quote is kept out).
            match line[j..].find(',') {
                Some(p) => i = j + p + 1,
                None => return (out, true),
            }
        } else {
            match line[i..].find(',') {
                Some(p) => {
                    out.push(Cow::Borrowed(&line[i..i + p]));
                    i += p + 1;
                }
                None => {
                    out.push(Cow::Borrowed(&line[i..]));
                    return (out, true);
                }
            }
        }
    }
}

impl Parser {
    /// Reads one line.
    pub fn line(&mut self, line: &str, cx: &Cx, out: &mut Vec<Event>) -> Outcome {
        let (f, balanced) = split(line);
        if f.first().is_some_and(|t| t.trim() == "type") {
            self.columns = Columns::from_header(&f);
            return Outcome::Pending;
        }
        let c = &self.columns;
        let get = |i: Option<usize>| i.and_then(|i| f.get(i)).map(|s| s.trim()).filter(|s| !s.is_empty());
        let Some(typ) = get(Some(c.typ)) else { return Outcome::Noise };
        let by_type = match typ {
            "d" => "delivered",
            "b" | "rb" => "failed",
            "t" => "delayed",
            "rs" => "",
            "f" => "",
            _ => return Outcome::Noise,
        };
        if !balanced {
            return Outcome::Malformed("powermta: unbalanced quote");
        }
        let Some(rcpt) = get(c.rcpt) else {
            return Outcome::Malformed(if c.rcpt.is_some_and(|i| i >= f.len()) { "powermta: fewer fields than the header names" } else { "powermta: row without rcpt" });
        };
        let complaint = typ == "f";
        let action = match get(c.action).map(str::to_ascii_lowercase).as_deref() {
            _ if complaint => "",
            Some("failed") => "failed",
            Some("delayed") => "delayed",
            Some("delivered") => "delivered",
            Some("relayed") => "relayed",
            Some("expanded") => "expanded",
            _ if by_type.is_empty() => return Outcome::Noise,
            _ => by_type,
        };
        let diag = get(c.diag).unwrap_or("");
        // `smtp;550 …`: the diagnostic type before the semicolon.
        let (dtype, text) = match diag.split_once(';') {
            Some((t, rest)) if !t.is_empty() && t.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-') => (Some(t.to_ascii_uppercase()), rest.trim()),
            _ => (None, diag),
        };
        let mut ev = Event {
            recipient: fields::recipient(rcpt),
            sender: get(c.orig).and_then(fields::sender),
            status: get(c.status).and_then(|s| s.split(' ').next()).and_then(|s| s.parse().ok()),
            diagnostic: text.to_string(),
            diagnostic_type: dtype.or_else(|| (!text.is_empty()).then(|| "SMTP".to_string())),
            remote_mta: get(c.mta).and_then(fields::host),
            dsn_action: action,
            timestamp: get(c.time).and_then(|t| time::iso(t.as_bytes(), cx.utc_offset)).map(|(t, _)| t),
            message_id: get(c.message_id).map(|m| fields::unbracket(m).to_string()),
            subject: get(c.subject).map(str::to_string),
            standalone: true,
            format_reason: if complaint { Some(Reason::Feedback) } else { get(c.category).and_then(powermta_category) },
            ..Event::default()
        };
        if let Some(o) = get(c.orcpt).map(|o| fields::recipient(o.rsplit(';').next().unwrap_or(o))).filter(|o| !o.is_empty() && *o != ev.recipient) {
            ev.headers.push(("original-recipient", o));
        }
        if let Some(j) = get(c.job) {
            ev.headers.push(("x-job", j.to_string()));
        }
        if complaint {
            ev.feedback_type = get(c.feedback_type).map(str::to_string);
        }
        ev.complete_from_text();
        out.push(ev);
        Outcome::Events
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testutil::feed;
    use crate::{LineKind, Mta};

    const HEADER: &str = "type,timeLogged,timeQueued,orig,rcpt,orcpt,dsnAction,dsnStatus,dsnDiag,dsnMta,bounceCat,srcType,srcMta,dlvType,dlvSourceIp,dlvDestinationIp,dlvEsmtpAvailable,dlvSize,vmta,jobId,envId,queue,vmtaPool,header_Message-Id";

    #[test]
    fn bounce_row_with_category() {
        let out = feed(
            Mta::PowerMta,
            &[
                HEADER,
                "b,2024-11-29 02:05:03-0500,2024-11-29 02:05:01-0500,sender@example.org,bad@example.com,rfc822;alias@example.com,failed,5.0.0 (undefined status),smtp;550 5.1.1 <bad@example.com>: Recipient address rejected: User unknown,mx.example.com (192.0.2.1),bad-mailbox,smtp,pmta.example.org (198.51.100.1),smtp,198.51.100.1,192.0.2.1,\"PIPELINING,8BITMIME\",1234,vmta1,job-42,,example.com/vmta1,pool1,<m3@example.org>",
            ],
        );
        assert_eq!(out[0].0, LineKind::Pending);
        let r = &out[1].1[0];
        assert_eq!(r.recipient, "bad@example.com");
        assert_eq!(r.sender.as_deref(), Some("sender@example.org"));
        assert_eq!(r.reason, Reason::UserUnknown);
        assert_eq!(r.status.map(|s| s.to_string()).as_deref(), Some("5.0.0"));
        assert_eq!(r.reply_code.map(|c| c.get()), Some(550));
        assert_eq!(r.remote_mta.as_deref(), Some("mx.example.com"));
        assert_eq!(r.timestamp, Some(1_732_845_903 + 5 * 3600));
        assert_eq!(r.diagnostic_type.as_deref(), Some("SMTP"));
        assert_eq!(r.message_id.as_deref(), Some("m3@example.org"));
        assert_eq!(r.headers.get("x-job").map(String::as_str), Some("job-42"));
        assert_eq!(r.headers.get("original-recipient").map(String::as_str), Some("alias@example.com"));
        assert_eq!(r.format, "powermta-log");
    }

    #[test]
    fn default_columns_without_header_and_other_types() {
        let out = feed(
            Mta::PowerMta,
            &[
                "d,2024-11-29 02:05:03+0000,2024-11-29 02:05:01+0000,s@example.org,ok@example.com,,relayed,2.0.0 (success),smtp;250 2.0.0 OK,mx.example.com (192.0.2.1),,smtp",
                "t,2024-11-29 02:05:03+0000,2024-11-29 02:05:01+0000,s@example.org,full@example.com,,delayed,4.2.2 (mailbox full),smtp;452 4.2.2 Mailbox full,mx.example.com (192.0.2.1),quota-issues,smtp",
                "tq,2024-11-29 02:05:03+0000,2024-11-29 02:05:01+0000,,,,,,,,",
                "b,2024-11-29 02:05:03+0000,2024-11-29 02:05:01+0000,s@example.org,,,failed",
                "b,2024-11-29 02:05:03+0000,2024-11-29 02:05:01+0000,s@example.org,x@example.com,,failed,5.0.0,\"smtp;550 open",
                "x,y,z",
            ],
        );
        assert_eq!(out[0].1[0].reason, Reason::Delivered);
        assert_eq!(out[1].1[0].reason, Reason::MailboxFull);
        assert_eq!(out[1].1[0].kind, bouncekit_core::Kind::Soft);
        let kinds: Vec<_> = out.iter().skip(2).map(|(k, _)| *k).collect();
        assert_eq!(kinds, [LineKind::Noise, LineKind::Malformed, LineKind::Malformed, LineKind::Noise]);
    }

    #[test]
    fn csv_splitting() {
        let (f, ok) = split("a,\"b,c\",\"d \"\"q\"\"\",,e");
        assert!(ok);
        assert_eq!(f, ["a", "b,c", "d \"q\"", "", "e"]);
        let (_, ok) = split("a,\"open");
        assert!(!ok);
        assert!(is_row("b,2024-11-29 02:05:03-0500,x"));
        assert!(!is_row("b,yesterday,x"));
    }
}
