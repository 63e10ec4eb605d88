//! Sendmail bounces (`Returned mail: see transcript for details`, `Warning: could not send
//! message for past 4 hours`, `Postmaster notify: …`): the notification part lists the
//! failed addresses and a transcript of the SMTP session,
//!
//! ```text
//!    ----- The following addresses had permanent fatal errors -----
//! <alice@example.com>
//!     (reason: 550 5.1.1 <alice@example.com>... User unknown)
//!
//!    ----- Transcript of session follows -----
//! ... while talking to mx.example.com.:
//! >>> RCPT To:<alice@example.com>
//! <<< 550 5.1.1 <alice@example.com>... User unknown
//! 550 5.1.1 <alice@example.com>... User unknown
//! ```
//!
//! Sendmail 8 adds a `message/delivery-status` part, read with [`rfc3464::read`]; the
//! transcript then supplies the SMTP command (the last `>>>` line) and replaces
//! diagnostics that are only a mailer exit status (`X-Unix; 77`) or shorter than the
//! remote replies (`<<<` lines). Sendmail 5 and other pre-DSN releases send the
//! transcript alone (`While talking to host:`); each `NNN <address>... text` line of it is
//! one failed recipient, explained by the remote reply of its session.
//!
//! The transcript shows only the exchange that failed: a session whose `<<<` reply comes
//! before any `>>>` command was refused at the greeting, and a `>>> QUIT` after it only
//! closes the session. Outside a remote session, lines such as `mail.local: unknown user:
//! alice` or `maildrop: maildir over quota.` are the output of the local delivery
//! program, and the reply line that follows (`554 <alice@…>... Service unavailable`) is
//! only Sendmail's translation of its exit status: the program's words are the verdict.

use bouncekit_classify::{address, reasons, smtp, status};
use bouncekit_core::Reason;
use bouncekit_mime::{Headers, Mail};

use super::{Format, rfc3464};
use crate::Fragment;

/// The format.
pub static FORMAT: Format = Format { name: "sendmail", parse };

/// Section headers of the notification part (lowercase).
const MARKERS: &[&str] = &[
    "----- transcript of session follows -----",
    "----- the following addresses had permanent fatal errors -----",
    "----- the following addresses had transient non-fatal errors -----",
];

fn parse(mail: &Mail) -> Option<Vec<Fragment>> {
    // Not `scan::report_section`: Sendmail's "The original message was received at"
    // opens the notification, it does not introduce the returned message.
    let section = notification(&mail.body);
    if !super::contains_any_ignore_ascii_case!(section, MARKERS) {
        return None;
    }
    let transcript = Transcript::read(section);
    let frags = match (mail.status_part.as_deref(), mail.status_type.as_deref()) {
        (Some(part), Some(t)) if t != "message/feedback-report" => rfc3464::read(mail, part),
        _ => Vec::new(),
    };
    if frags.is_empty() {
        return Some(transcript.without_dsn(mail));
    }
    Some(frags.into_iter().map(|f| transcript.complete(f)).collect())
}

/// What the transcript says.
#[derive(Debug, Default)]
struct Transcript {
    /// The last command sent (`>>> DATA`).
    command: Option<String>,
    /// The remote replies (`<<<` lines), without repeats.
    replies: Vec<String>,
    /// Sendmail's own result lines (`550 5.0.0 <a@b>... Insufficient permission`,
    /// `Warning: message still undelivered after 4 hours`), joined.
    own: String,
    /// One entry per `NNN <address>... text` line: its explanation is the session's
    /// remote reply (if not yet used), then the line.
    failed: Vec<Failure>,
    /// The addresses of the `----- The following addresses had … errors -----` list,
    /// explained by the `(reason: …)` line that follows each.
    listed: Vec<Failure>,
}

/// The SMTP command of a session that failed before any command was sent.
const GREETING: &str = "CONN";

/// One failed recipient the notification names.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Failure {
    recipient: String,
    diagnostic: String,
    /// The last command sent before the line, in the transcript.
    command: Option<String>,
    /// What the local delivery program wrote before the line.
    local: String,
}

impl Transcript {
    fn read(section: &str) -> Transcript {
        let mut t = Transcript::default();
        let mut in_transcript = false;
        let mut in_list = false;
        // Remote replies of the current session not yet given to a recipient.
        let mut pending = String::new();
        // Local delivery program output not yet given to a recipient.
        let mut local = String::new();
        let mut remote = false;
        // The host of the current session (`... while talking to mx.example.com.:`).
        let mut session_host = String::new();
        // The command the current delivery attempt failed at (none for a host that was
        // never reached).
        let mut session_command: Option<String> = None;
        for line in section.lines() {
            let l = line.trim();
            let lower = l.to_ascii_lowercase();
            // A part boundary (the linearised body's marker) or another section ends it.
            if lower.starts_with("content-type:") || lower.starts_with("-----") {
                let header = lower.starts_with("-----");
                in_transcript = header && lower.contains("transcript of session");
                in_list = header && lower.contains("the following addresses had");
                continue;
            }
            if in_list {
                t.read_list_line(l);
                continue;
            }
            if !in_transcript || l.is_empty() {
                continue;
            }
            if lower.starts_with("... while talking to") || lower.starts_with("while talking to") {
                pending.clear();
                remote = true;
                session_command = None;
                session_host = lower.rsplit("talking to ").next().unwrap_or("").trim_end_matches([':', '.']).to_string();
            } else if let Some(cmd) = l.strip_prefix(">>> ") {
                let word = command_word(cmd);
                if word.as_deref() != Some("QUIT") {
                    t.command = word;
                    session_command = t.command.clone();
                }
            } else if let Some(reply) = l.strip_prefix("<<< ") {
                if remote && session_command.is_none() && !session_host.is_empty() {
                    // No command sent yet in this session: the greeting was refused.
                    t.command = Some(GREETING.to_string());
                    session_command = t.command.clone();
                }
                if !t.replies.iter().any(|r| r == reply) {
                    t.replies.push(reply.to_string());
                }
                push_words(&mut pending, reply);
            } else if let Some(host) = host_line(&lower)
                && host != session_host
            {
                // A delivery to another host that failed before any session with it
                // (`550 example.org (smtp)... 550 Host unknown`): no command was sent.
                pending.clear();
                session_host.clear();
                session_command = None;
                push_words(&mut t.own, l);
            } else if let Some((rcpt, text)) = failed_line(l) {
                let local = std::mem::take(&mut local);
                let mut diagnostic = std::mem::take(&mut pending);
                if !local.is_empty() {
                    push_words(&mut diagnostic, &local);
                }
                push_words(&mut diagnostic, text);
                t.failed.push(Failure { recipient: rcpt, diagnostic, command: session_command.clone(), local });
                push_words(&mut t.own, l);
            } else if !remote && is_program_line(l) {
                push_words(&mut local, l);
                push_words(&mut t.own, l);
            } else if is_own_line(l) {
                push_words(&mut t.own, l);
            }
        }
        t
    }

    /// One line of the address list: `<a@b>` (or a bare address, or a `"|program"`
    /// alias) starts an entry, `(reason: …)` explains the last one.
    fn read_list_line(&mut self, l: &str) {
        if let Some(reason) = l.strip_prefix("(reason:") {
            if let Some(last) = self.listed.last_mut() {
                push_words(&mut last.diagnostic, reason.trim_end_matches(')'));
            }
        } else if !l.starts_with('(')
            && let Some(a) = address::first_address(l)
        {
            self.listed.push(Failure { recipient: a, diagnostic: String::new(), command: None, local: String::new() });
        }
    }

    /// Completes a DSN fragment the way the transcript explains it.
    fn complete(&self, mut f: Fragment) -> Fragment {
        let local = self.failed.iter().find(|l| l.recipient.eq_ignore_ascii_case(&f.recipient)).map_or("", |l| l.local.as_str());
        let remote_reply = f.diagnostic_type.as_deref().is_some_and(|t| t != "X-UNIX");
        if !local.is_empty() && !remote_reply && f.reason.is_none() {
            f.reason = reasons::best(local);
        }
        let d = f.diagnostic.trim();
        if (d.is_empty() || d.bytes().all(|b| b.is_ascii_digit())) && !self.own.is_empty() {
            if f.diagnostic_type.as_deref() == Some("X-UNIX") && f.reason.is_none() {
                f.reason = local_mailer_reason(&self.own, f.status);
            }
            f.diagnostic = self.own.clone();
        }
        let replies = self.replies_for(&f.recipient);
        if replies.len() > f.diagnostic.trim().len() {
            f.diagnostic = replies;
        }
        if !local.is_empty() && !f.diagnostic.contains(local) {
            f.diagnostic = format!("{local} {}", f.diagnostic.trim());
        }
        if f.command.is_none() {
            f.command = self.command.clone();
        }
        f
    }

    /// The remote replies that explain `recipient`: those naming it, or all of them when
    /// none names an address (a session refused before any recipient was sent).
    fn replies_for(&self, recipient: &str) -> String {
        let lower = recipient.to_ascii_lowercase();
        let own: Vec<&str> = self.replies.iter().filter(|r| r.to_ascii_lowercase().contains(&lower)).map(String::as_str).collect();
        if !own.is_empty() {
            return join_reply(&own);
        }
        if self.replies.iter().any(|r| address::first_address(r).is_some()) {
            return String::new();
        }
        join_reply(&self.replies.iter().map(String::as_str).collect::<Vec<_>>())
    }

    /// Sendmail without a DSN part: one fragment per listed address (explained by its
    /// `(reason: …)`), else per failed transcript line (Sendmail 5), else the returned
    /// message's recipients with the whole transcript.
    fn without_dsn(&self, mail: &Mail) -> Vec<Fragment> {
        let mut out: Vec<Fragment> = Vec::new();
        // Sendmail's closing line (`554 5.0.0 Service unavailable`) carries the status
        // when the remote reply has none.
        let status = smtp::find_codes(&self.own).1;
        let listed = self.listed.iter().map(|f| (f, self.command.clone()));
        let failed = self.failed.iter().map(|f| (f, f.command.clone()));
        for (f, command) in listed.chain(failed) {
            if out.iter().any(|o| o.recipient.eq_ignore_ascii_case(&f.recipient)) {
                continue;
            }
            let reason = reasons::best(&f.local);
            out.push(Fragment { diagnostic: f.diagnostic.clone(), command, status, reason, ..Fragment::new(f.recipient.clone()) });
        }
        if out.is_empty() && !self.own.is_empty() {
            out = returned_recipients(mail).into_iter().map(|a| Fragment { diagnostic: self.own.clone(), ..Fragment::new(a) }).collect();
        }
        out
    }
}

/// The recipients of the returned message: its MIME part's `To:`, or, in pre-MIME
/// bounces, the `To:` of the headers after `----- Unsent message follows -----`.
fn returned_recipients(mail: &Mail) -> Vec<String> {
    if let Some(to) = mail.original.as_ref().and_then(|h| h.get("to")) {
        return address::addresses(to);
    }
    let rest = &mail.body[notification(&mail.body).len()..];
    let headers = rest.split_once('\n').map_or("", |(_, h)| h);
    Headers::parse_block(headers.trim_start().as_bytes()).get("to").map(address::addresses).unwrap_or_default()
}

/// The body up to the returned message (its MIME part or Sendmail's own
/// `----- Unsent message follows -----` / `----- Original message follows -----` line).
fn notification(body: &str) -> &str {
    let mut end = 0;
    for line in super::lines_inclusive(body) {
        let l = line.trim();
        // Only a line that starts with `c` or `-` can be one of the marks.
        if l.starts_with(['c', 'C', '-']) {
            let returned = super::starts_with_ignore_ascii_case(l, "content-type: message/rfc822")
                || super::starts_with_ignore_ascii_case(l, "content-type: text/rfc822-headers");
            let follows = l.starts_with("-----")
                && (super::contains_ignore_ascii_case!(l, "unsent message") || super::contains_ignore_ascii_case!(l, "original message"));
            if returned || follows {
                break;
            }
        }
        end += line.len();
    }
    &body[..end]
}

/// `550 <alice@example.com>... User unknown` (Sendmail 8 adds the status code: `550 5.1.1
/// <alice@…>... User unknown`) → the address and the text after `... `.
fn failed_line(line: &str) -> Option<(String, &str)> {
    let b = line.as_bytes();
    if b.len() < 5 || !b[..3].iter().all(u8::is_ascii_digit) || b[3] != b' ' || !matches!(b[0], b'4' | b'5') {
        return None;
    }
    let rest = strip_status(line.get(4..)?.trim_start()).trim_start();
    let rest = rest.strip_prefix('<')?;
    let (addr, after) = rest.split_once(">...")?;
    let rcpt = address::normalize(addr)?;
    Some((rcpt, after.trim()))
}

/// The host of Sendmail's per-host result line `550 example.org (smtp)... 550 Host
/// unknown` (lowercase input).
fn host_line(lower: &str) -> Option<&str> {
    let b = lower.as_bytes();
    if b.len() < 5 || !b[..3].iter().all(u8::is_ascii_digit) || b[3] != b' ' {
        return None;
    }
    let (host, rest) = lower[4..].split_once(" (")?;
    let (mailer, _) = rest.split_once(")... ")?;
    let plain = |s: &str| !s.is_empty() && s.bytes().all(|c| c.is_ascii_alphanumeric() || matches!(c, b'.' | b'-' | b'[' | b']' | b':'));
    (plain(host) && plain(mailer)).then_some(host.trim_end_matches('.'))
}

/// Sendmail's own result lines: `NNN X.Y.Z text`, `<a@b>... Deferred: …`, and the
/// `Message …` / `Warning: …` notes of delayed and expired mail.
fn is_own_line(l: &str) -> bool {
    let b = l.as_bytes();
    let coded = b.len() > 4 && matches!(b[0], b'4' | b'5') && b[..3].iter().all(u8::is_ascii_digit) && b[3] == b' ';
    coded || (l.starts_with('<') && l.contains(">...")) || l.starts_with("Message ") || l.starts_with("Warning: ")
}

/// Output of a local delivery program: a lowercase program name or path, a colon and a
/// message (`mail.local: unknown user: alice`, `maildrop: maildir over quota.`).
fn is_program_line(l: &str) -> bool {
    let Some((name, rest)) = l.split_once(": ") else {
        return false;
    };
    !rest.trim().is_empty()
        && name.len() >= 2
        && name.starts_with(|c: char| c.is_ascii_lowercase() || c == '/')
        && name.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || matches!(b, b'.' | b'-' | b'_' | b'/'))
}

/// The command word of a `>>>` line (`RCPT To:<a@b>` → `RCPT`, `MAIL From:` → `MAIL`).
fn command_word(line: &str) -> Option<String> {
    let w = line.split_whitespace().next()?;
    let w = w.split(':').next()?.to_ascii_uppercase();
    matches!(w.as_str(), "HELO" | "EHLO" | "MAIL" | "RCPT" | "DATA" | "QUIT" | "STARTTLS" | "AUTH" | "RSET").then_some(w)
}

/// A local mailer (`X-Unix`) failed with an exit status and the transcript names no
/// reason the phrase tables or the status code know: the mailer program is at fault.
fn local_mailer_reason(text: &str, status: Option<bouncekit_core::StatusCode>) -> Option<Reason> {
    let known = reasons::best(text).is_some() || status.and_then(status::reason_of).is_some();
    (!known).then_some(Reason::MailerError)
}

/// Joins reply lines into one text, dropping the codes that the continuation lines of a
/// multi-line reply repeat (`552-5.7.0 This message … potential` / `552-5.7.0 security
/// issue`), so that the sentence reads as the server wrote it.
fn join_reply(lines: &[&str]) -> String {
    let mut out = String::new();
    let mut open: Option<&str> = None;
    for line in lines {
        let code = line.get(..3).filter(|c| c.bytes().all(|b| b.is_ascii_digit()));
        let continued = line.as_bytes().get(3) == Some(&b'-');
        let text = match (code, open) {
            (Some(c), Some(o)) if c == o => strip_status(line.get(4..).unwrap_or("")),
            _ => line,
        };
        push_words(&mut out, text);
        open = if continued { code } else { None };
    }
    out
}

/// `5.7.0 security issue` → `security issue`.
fn strip_status(text: &str) -> &str {
    match text.split_once(' ') {
        Some((first, rest)) if first.split('.').count() == 3 && first.bytes().all(|b| b.is_ascii_digit() || b == b'.') => rest,
        _ => text,
    }
}

/// Appends `text` to `s`, separated by one space.
fn push_words(s: &mut String, text: &str) {
    if !s.is_empty() {
        s.push(' ');
    }
    s.push_str(text.trim());
}

#[cfg(test)]
mod tests {
    use super::*;

    const V5: &str = "   ----- Transcript of session follows -----\nWhile talking to mail.example.edu:\n>>> DATA\n<<< 550 Your mail is refused\n554 <a@example.edu>... Remote protocol error\n550 example.org (smtp)... 550 Host unknown\n554 <b@example.org>... 550 Host unknown (Authoritative answer from name server)\n";

    #[test]
    fn session_reply_goes_to_the_first_failed_line() {
        let t = Transcript::read(V5);
        assert_eq!(t.command.as_deref(), Some("DATA"));
        assert_eq!(t.failed.len(), 2);
        assert_eq!(t.failed[0].diagnostic, "550 Your mail is refused Remote protocol error");
        assert_eq!(t.failed[0].command.as_deref(), Some("DATA"));
        assert_eq!(t.failed[1].recipient, "b@example.org");
        assert!(t.failed[1].diagnostic.starts_with("550 Host unknown"));
    }

    #[test]
    fn a_host_never_reached_has_no_command() {
        let t = Transcript::read(V5);
        assert_eq!(t.failed[1].command, None);
    }

    #[test]
    fn a_reply_before_any_command_answered_the_greeting() {
        let t = Transcript::read("----- Transcript of session follows -----\n... while talking to mx.example.net.:\n<<< 554 mx.example.net ESMTP not accepting messages\n>>> QUIT\n<<< 421 4.7.0 mx.example.net Error: too many errors\n554 5.0.0 Service unavailable\n");
        assert_eq!(t.command.as_deref(), Some("CONN"));
    }

    #[test]
    fn local_delivery_program_output_explains_the_recipient() {
        let t = Transcript::read("----- Transcript of session follows -----\nmail.local: unknown user: alice\n554 <alice@example.net>... Service unavailable\n");
        assert_eq!(t.failed[0].local, "mail.local: unknown user: alice");
        let t8 = Transcript::read("----- Transcript of session follows -----\nmail.local: unknown user: bob\n554 5.0.0 <bob@example.net>... Service unavailable\n");
        assert_eq!(t8.failed[0].local, "mail.local: unknown user: bob");
        let f = t.complete(Fragment { diagnostic: "554 <alice@example.net>... Service unavailable".into(), ..Fragment::new("alice@example.net") });
        assert_eq!(f.reason, Some(Reason::UserUnknown));
        assert_eq!(f.diagnostic, "mail.local: unknown user: alice 554 <alice@example.net>... Service unavailable");
    }

    #[test]
    fn exit_status_is_replaced_by_the_transcript() {
        let t = Transcript::read("----- Transcript of session follows -----\n554 5.3.0 unknown mailer error 255\n");
        let f = Fragment { diagnostic: "255".into(), ..Fragment::new("a@example.com") };
        assert_eq!(t.complete(f).diagnostic, "554 5.3.0 unknown mailer error 255");
    }

    #[test]
    fn multi_line_replies_read_as_one_sentence() {
        assert_eq!(join_reply(&["552-5.7.0 blocked because its content presents a potential", "552-5.7.0 security issue.", "552 5.7.0 Visit the page"]), "552-5.7.0 blocked because its content presents a potential security issue. Visit the page");
    }

    #[test]
    fn command_words() {
        assert_eq!(command_word("RCPT To:<a@example.com>").as_deref(), Some("RCPT"));
        assert_eq!(command_word("hello"), None);
    }
}
