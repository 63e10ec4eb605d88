//! The generic reader of bounce text: where the report ends and the returned message
//! begins, which lines name failed recipients, and which lines explain them.
//!
//! Formats with a fixed layout use these pieces with their own markers; the fallback
//! format uses them with the generic markers below. The scanner works line by line and
//! is linear in the input.

use bouncekit_classify::address;

/// The report section of a message, computed once per message and cached in it.
pub fn report_of(mail: &bouncekit_mime::Mail) -> &str {
    let end = *mail.report_end.get_or_init(|| report_section(&mail.body).len());
    &mail.body[..end]
}

/// Lines (lowercase, substring) after which the returned original message starts.
pub const ORIGINAL_MARKERS: &[&str] = &[
    "content-type: message/rfc822",
    "content-type: text/rfc822-headers",
    "content-type: message/global",
    "content-type: message/partial",
    "below this line is a copy of the message",
    "this is a copy of the message",
    "original message follows",
    "----- original message -----",
    "-----original message-----",
    "original message headers",
    "the header of the original message",
    "--- the header of the original message is following",
    "message header follows",
    "unsent message below",
    "------ this is a copy of your message",
    "returned message follows",
    "the original message was",
    "----- message text follows -----",
    "--- original message ---",
    "headers of the original message",
    "original message below",
];

/// The report part of a bounce body: everything before the returned message.
pub fn report_section(body: &str) -> &str {
    // One case-insensitive pass over the body for every marker at once: this runs for
    // most messages, several times, so it must not copy or rescan the body.
    static MARKERS: std::sync::LazyLock<aho_corasick::AhoCorasick> = std::sync::LazyLock::new(|| {
        aho_corasick::AhoCorasick::builder()
            .ascii_case_insensitive(true)
            .build(ORIGINAL_MARKERS)
            .unwrap_or_else(|e| panic!("original-message markers do not compile: {e}"))
    });
    let first = MARKERS.find_iter(body).find(|m| m.start() > 0);
    match first {
        // Cut at the start of the marker's line.
        Some(m) => &body[..body[..m.start()].rfind('\n').map_or(0, |i| i + 1)],
        None => body,
    }
}

/// Words that, starting a line, show it names the sender or the returned message's
/// headers, not a failed recipient.
const NOT_RECIPIENT: &[&str] = &[
    "from:", "return-path:", "sender:", "reply-to:", "mail from", "envelope-from", "message-id:", "received:", "x-", "subject:",
    "date:", "references:", "in-reply-to:", "content-", "dkim-signature", "arc-", "authentication-results", "list-", "errors-to",
    "reporting-mta", "received-from-mta", "original-envelope-id", "the sender", "sender address", "your address", "sent by", "by ",
];

/// Labels that introduce a recipient address (lowercase).
const LABELS: &[&str] = &[
    "rcpt to:", "recipient:", "recipient address:", "failed recipient:", "to:", "original-recipient:", "final-recipient:",
    "addressed to", "delivery to", "could not be delivered to", "your message to", "unknown user:", "failed:", "address:",
    "invalid recipient:", "recipient(s):", "the following recipient", "following address", "bad address:", "mailbox:",
    "user:", "for <", "<<< ", "destinataire", "adresse:", "destination:",
];

/// True when `text` (what precedes an address) is one of the recipient labels.
fn is_label(text: &str) -> bool {
    let lower = text.to_ascii_lowercase();
    LABELS.iter().any(|l| lower == *l || lower.ends_with(l))
}

/// True when the line, once its address is removed, reads as a line that names a
/// recipient: the address alone, followed by `:` / `...`, or after a recipient label.
pub fn is_recipient_line(line: &str, addr: &str) -> bool {
    let t = line.trim();
    let lower = t.to_ascii_lowercase();
    if NOT_RECIPIENT.iter().any(|p| lower.starts_with(p)) {
        return false;
    }

    if LABELS.iter().any(|p| lower.starts_with(p) || followed_by_space(&lower, p)) && lower.contains(&addr.to_ascii_lowercase()) {
        return true;
    }
    // Remove the address (with or without brackets) and see what is left.
    let la = addr.to_ascii_lowercase();
    let Some(p) = lower.find(&la) else {
        // Address normalised (domain lowercased) differently: compare case-insensitively.
        return false;
    };
    let before = lower[..p].trim().trim_end_matches(['<', '"', '\'', '(', '[']).trim_end();
    let after = lower[p + la.len()..].trim_start_matches(['>', '"', '\'', ')', ']']).trim();
    let before_ok = before.is_empty() || before.ends_with(':') && before.len() < 40 || before == "-" || before == "*" || before.starts_with('<') && before.len() < 5;
    let after_ok = after.is_empty()
        || after.starts_with(':')
        || after.starts_with("...")
        || after.starts_with("(")
        || after.starts_with("- ")
        || after.starts_with(';')
        || after.starts_with(',')
        || after.starts_with("<")
        || after.starts_with("failed")
        || after.starts_with("was not")
        || after.starts_with("could not")
        || after.starts_with("unknown")
        || after.starts_with("user unknown");
    before_ok && after_ok
}

/// True when `text` contains `label` followed by a space (`text.contains("{label} ")`,
/// without building that string). Labels are ASCII.
fn followed_by_space(text: &str, label: &str) -> bool {
    let mut from = 0;
    while let Some(i) = text[from..].find(label) {
        let at = from + i;
        if text.as_bytes().get(at + label.len()) == Some(&b' ') {
            return true;
        }
        from = at + 1;
    }
    false
}

/// One failed recipient as the text names it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Found {
    /// The recipient.
    pub recipient: String,
    /// The explanation: the rest of its line and the lines that follow it.
    pub diagnostic: String,
}

/// Most lines of explanation taken for one recipient.
const MAX_DIAG_LINES: usize = 8;

/// Finds failed recipients and their explanations in a report section.
///
/// `skip` lists addresses that are never recipients (the bounce's sender, the original
/// sender, postmaster addresses).
pub fn recipients(section: &str, skip: &[String]) -> Vec<Found> {
    let lines: Vec<&str> = section.lines().collect();
    let mut out: Vec<Found> = Vec::new();
    let mut i = 0;
    while i < lines.len() {
        let line = lines[i];
        let addrs: Vec<String> = address::addresses(line).into_iter().filter(|a| !is_skipped(a, skip)).collect();
        let rcpt = addrs.iter().find(|a| is_recipient_line(line, a)).cloned();
        let Some(rcpt) = rcpt else {
            i += 1;
            continue;
        };
        let la = rcpt.to_ascii_lowercase();
        let lower = line.to_ascii_lowercase();
        let mut diag = String::new();
        if let Some(p) = lower.find(&la) {
            let rest = line[p + la.len()..].trim_start_matches(['>', '"', ')', ']', ':', '.', ' ', ';', ',']).trim();
            // `User's mailbox is full: <alice@example.com>`: the explanation comes first.
            let before = line[..p].trim().trim_end_matches(['<', '"', '\'', '(', '[']).trim_end();
            if before.ends_with(':') && before.contains(' ') && !is_label(before) {
                diag.push_str(before.trim_end_matches(':'));
                if !rest.is_empty() {
                    diag.push(' ');
                }
            }
            diag.push_str(rest);
        }
        let mut j = i + 1;
        let mut taken = 0;
        // An empty line ends the explanation only once it has started (qmail and Exim put
        // the explanation on the following lines, some MTAs after one empty line).
        while j < lines.len() && taken < MAX_DIAG_LINES {
            let l = lines[j].trim();
            if l.is_empty() {
                if !diag.is_empty() || j > i + 2 {
                    break;
                }
                j += 1;
                continue;
            }
            let next_addrs = address::addresses(l);
            if next_addrs.iter().any(|a| !is_skipped(a, skip) && is_recipient_line(l, a) && *a != rcpt) {
                break;
            }
            if l.starts_with("Content-Type:") || l.starts_with("--") {
                break;
            }
            if let Some(field) = dsn_field(l) {
                // Delivery-status fields written as text: only the diagnostic explains.
                if let Some(d) = field.strip_prefix("diagnostic-code:").and_then(|_| l.split_once(':')) {
                    let text = bouncekit_mime::dsn::strip_type(d.1.trim()).1;
                    if !diag.is_empty() {
                        diag.push(' ');
                    }
                    diag.push_str(text);
                    taken += 1;
                }
                j += 1;
                continue;
            }
            if !diag.is_empty() {
                diag.push(' ');
            }
            diag.push_str(l);
            taken += 1;
            j += 1;
        }
        if let Some(prev) = out.iter_mut().find(|f| f.recipient == rcpt) {
            if prev.diagnostic.is_empty() {
                prev.diagnostic = diag;
            }
        } else {
            out.push(Found { recipient: rcpt, diagnostic: diag });
        }
        i = j.max(i + 1);
    }
    out
}

/// Delivery-status field names (lowercase, with the colon) that can follow a recipient
/// line when a report is written as text.
const DSN_FIELDS: &[&str] = &[
    "action:", "status:", "remote-mta:", "diagnostic-code:", "last-attempt-date:", "final-log-id:", "will-retry-until:",
    "x-actual-recipient:", "original-recipient:", "final-recipient:", "reporting-mta:", "received-from-mta:", "arrival-date:",
    "x-supplementary-info:", "x-display-name:",
];

/// The lowercase field name (with its colon) when `line` is a delivery-status field.
fn dsn_field(line: &str) -> Option<String> {
    let (name, _) = line.split_once(':')?;
    let field = format!("{}:", name.trim().to_ascii_lowercase());
    DSN_FIELDS.contains(&field.as_str()).then_some(field)
}

fn is_skipped(addr: &str, skip: &[String]) -> bool {
    let l = addr.to_ascii_lowercase();
    skip.iter().any(|s| s.eq_ignore_ascii_case(&l))
        || l.starts_with("mailer-daemon@")
        || l.starts_with("postmaster@")
        || l.starts_with("mail-daemon@")
}

/// The explanation the text gives for `recipient`, if the text names it.
pub fn diagnostic_for(body: &str, recipient: &str) -> Option<String> {
    let section = report_section(body);
    recipients(section, &[]).into_iter().find(|f| f.recipient.eq_ignore_ascii_case(recipient)).map(|f| f.diagnostic).filter(|d| !d.is_empty())
}

/// Addresses that are never failed recipients of this bounce: its own sender and the
/// original message's sender.
pub fn senders(mail: &bouncekit_mime::Mail) -> Vec<String> {
    let mut v = Vec::new();
    for (h, name) in [(Some(&mail.headers), "from"), (mail.original.as_ref(), "from"), (mail.original.as_ref(), "return-path"), (Some(&mail.headers), "to")] {
        if let Some(a) = h.and_then(|h| h.get(name)).and_then(address::first_address) {
            v.push(a.to_ascii_lowercase());
        }
    }
    v
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn qmail_layout() {
        let t = "I'm afraid I wasn't able to deliver your message to the following addresses.\n\n<kijitora@example.ne.jp>:\nremote host said: 550 Unknown user\n\n--- Below this line is a copy of the message.\n";
        let f = recipients(report_section(t), &[]);
        assert_eq!(f.len(), 1);
        assert_eq!(f[0].recipient, "kijitora@example.ne.jp");
        assert!(f[0].diagnostic.contains("550 Unknown user"));
    }

    #[test]
    fn dsn_fields_as_text() {
        let t = "Final-Recipient: rfc822; a@example.org\nAction: failed\nStatus: 5.1.1\nDiagnostic-Code: smtp; 550 5.1.1 no such user\n\nnext\n";
        let f = recipients(t, &[]);
        assert_eq!(f[0].diagnostic, "550 5.1.1 no such user");
    }

    #[test]
    fn exim_layout() {
        let t = "The following address(es) failed:\n\n  kijitora@example.ed.jp\n    SMTP error from remote mail server after RCPT TO:\n    host mx.example.jp [192.0.2.20]: 550 5.1.1 unknown\n";
        let f = recipients(t, &[]);
        assert_eq!(f.len(), 1);
        assert!(f[0].diagnostic.contains("550 5.1.1 unknown"));
    }
}
