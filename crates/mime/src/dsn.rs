//! RFC 3464 delivery-status fields (and the same `Name: value` layout of RFC 5965
//! feedback reports).
//!
//! A delivery-status part is one block of per-message fields followed by one block per
//! recipient, blocks separated by empty lines. Real reports break every rule: fields of
//! several recipients run together without empty lines, continuation lines are not
//! indented, values are split over lines. [`parse`] starts a new recipient block at every
//! `Final-Recipient` / `Original-Recipient` that would repeat a field.

/// `Name: value` fields in order; names lowercase, continuation lines joined.
pub type Fields = Vec<(String, String)>;

/// A parsed delivery-status part.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Report {
    /// Per-message fields (`Reporting-MTA`, `Arrival-Date`…).
    pub message: Fields,
    /// One entry per recipient.
    pub recipients: Vec<Fields>,
}

/// Field names that belong to a recipient block (RFC 3464 section 2.3).
const PER_RECIPIENT: &[&str] = &[
    "original-recipient",
    "final-recipient",
    "action",
    "status",
    "remote-mta",
    "diagnostic-code",
    "last-attempt-date",
    "final-log-id",
    "will-retry-until",
    "x-actual-recipient",
    "x-supplementary-info",
    "x-display-name",
];

/// Per-message field names (RFC 3464 section 2.2) that may open an embedded report.
const PER_MESSAGE: &[&str] = &["reporting-mta", "dsn-gateway", "received-from-mta", "arrival-date", "original-envelope-id"];

/// Finds a delivery-status block written inline in a text body, as MTAs do when the
/// `multipart/report` boundaries are missing or broken: from the first `Reporting-MTA:`
/// (or recipient field) to the first paragraph that holds no delivery-status field.
/// Returns `None` unless the block names a recipient and its `Action` or `Status`.
pub fn find_embedded(body: &str) -> Option<&str> {
    // A block counts only with a recipient field (`Final-Recipient:`, `Original-Recipient:`):
    // without one anywhere, no line needs to be looked at.
    let b = body.as_bytes();
    if !memchr::memchr_iter(b':', b).any(|i| i >= 9 && b[i - 9..i].eq_ignore_ascii_case(b"recipient")) {
        return None;
    }
    let mut start = None;
    let mut end = 0;
    let mut offset = 0;
    let mut paragraph_ok = false;
    let mut at_paragraph_start = true;
    for line in body.split_inclusive('\n') {
        let here = offset;
        offset += line.len();
        let t = line.trim_end();
        if t.trim().is_empty() {
            at_paragraph_start = true;
            continue;
        }
        let known = field_name(t).is_some_and(|n| PER_MESSAGE.iter().chain(PER_RECIPIENT).any(|f| f.eq_ignore_ascii_case(n)));
        match start {
            None if known => {
                start = Some(here);
                end = offset;
                paragraph_ok = true;
                at_paragraph_start = false;
            }
            None => {}
            Some(_) => {
                if at_paragraph_start {
                    // A new paragraph continues the report only if it opens with a field.
                    paragraph_ok = known;
                    at_paragraph_start = false;
                }
                if !paragraph_ok {
                    break;
                }
                end = offset;
            }
        }
    }
    let block = &body[start?..end];
    let report = parse(block);
    let complete = report.recipients.iter().any(|r| field(r, "action").is_some() || field(r, "status").is_some());
    complete.then_some(block)
}

/// Returns the value of `name` in `fields`.
pub fn field<'a>(fields: &'a Fields, name: &str) -> Option<&'a str> {
    fields.iter().find(|(n, _)| n == name).map(|(_, v)| v.as_str())
}

/// Most fields kept of one block (real ones have a dozen). Every field is compared with
/// the block's fields so far, so without a bound a status part of one block with tens of
/// thousands of fields took quadratic time (found by the bad-input catalogue).
const MAX_BLOCK_FIELDS: usize = 256;

/// Parses the text of a delivery-status part.
pub fn parse(text: &str) -> Report {
    let mut report = Report::default();
    let mut current: Fields = Vec::new();
    let mut in_message = true;
    // Whether the last line was a field kept in `current` (continuations extend it).
    let mut in_field = false;
    for raw in text.lines() {
        let line = raw.trim_end();
        if line.trim().is_empty() {
            if !current.is_empty() {
                flush(&mut report, &mut current, &mut in_message);
            }
            in_field = false;
            continue;
        }
        let starts_ws = line.starts_with([' ', '\t']);
        let parsed = if starts_ws { None } else { split_field(line) };
        match parsed {
            Some((name, value)) => {
                let is_rcpt = PER_RECIPIENT.contains(&name.as_str());
                if in_message && is_rcpt && !current.is_empty() && current.iter().all(|(n, _)| !PER_RECIPIENT.contains(&n.as_str())) {
                    // Per-message block without the empty line.
                    report.message.append(&mut current);
                    in_message = false;
                }
                let repeats = current.iter().any(|(n, _)| *n == name);
                if repeats && is_rcpt {
                    flush(&mut report, &mut current, &mut in_message);
                }
                in_field = current.len() < MAX_BLOCK_FIELDS;
                if in_field {
                    current.push((name, value));
                }
            }
            None => {
                // Continuation (indented or not) of the previous field.
                if in_field
                    && let Some(last) = current.last_mut()
                    && last.1.len() < 16 * 1024
                {
                    last.1.push(' ');
                    last.1.push_str(line.trim());
                }
            }
        }
    }
    if !current.is_empty() {
        flush(&mut report, &mut current, &mut in_message);
    }
    report
}

fn flush(report: &mut Report, current: &mut Fields, in_message: &mut bool) {
    let has_rcpt = current.iter().any(|(n, _)| n == "final-recipient" || n == "original-recipient");
    if *in_message && !has_rcpt {
        report.message.append(current);
    } else if has_rcpt {
        report.recipients.push(std::mem::take(current));
    } else if let Some(last) = report.recipients.last_mut() {
        last.append(current);
    } else {
        report.message.append(current);
    }
    *in_message = false;
    current.clear();
}

/// `Name: value` with a plausible field name.
fn split_field(line: &str) -> Option<(String, String)> {
    let name = field_name(line)?;
    Some((name.to_ascii_lowercase(), line[name.len() + 1..].trim().to_string()))
}

/// The name of a `Name: value` line as written, when it is a plausible field name.
fn field_name(line: &str) -> Option<&str> {
    // A name is at most 40 bytes long: the colon is looked for no further.
    let colon = memchr::memchr(b':', &line.as_bytes()[..line.len().min(41)])?;
    let name = &line[..colon];
    if name.is_empty() || !name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-') {
        return None;
    }
    Some(name)
}

/// Strips an RFC 3464 type prefix: `rfc822; a@b` → `a@b`, `smtp; 550 …` → `550 …`.
pub fn strip_type(value: &str) -> (Option<&str>, &str) {
    match value.split_once(';') {
        Some((t, rest)) if !t.is_empty() && t.len() <= 12 && t.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-') => {
            (Some(t.trim()), rest.trim())
        }
        _ => (None, value.trim()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_message_and_recipients() {
        let t = "Reporting-MTA: dns; mx.example.org\nArrival-Date: x\n\nFinal-Recipient: rfc822; a@b.org\nAction: failed\nStatus: 5.1.1\nDiagnostic-Code: smtp; 550 5.1.1 no\n  such user\n\nFinal-Recipient: rfc822; c@d.org\nAction: failed\nStatus: 5.2.2\n";
        let r = parse(t);
        assert_eq!(field(&r.message, "reporting-mta"), Some("dns; mx.example.org"));
        assert_eq!(r.recipients.len(), 2);
        assert_eq!(field(&r.recipients[0], "diagnostic-code"), Some("smtp; 550 5.1.1 no such user"));
    }

    #[test]
    fn finds_a_report_written_inline() {
        let body = "The original message was received\n\n   ----- Transcript -----\n554 no\n\nReporting-MTA: dns; mx.example.org\n\nFinal-Recipient: RFC822; a@example.org\nAction: failed\nStatus: 5.5.0\n\nReturn-Path: <b@example.com>\nSubject: hi\n";
        let block = find_embedded(body).unwrap_or_default();
        assert!(block.starts_with("Reporting-MTA:"));
        assert!(block.contains("Status: 5.5.0") && !block.contains("Return-Path"));
        assert_eq!(find_embedded("Final-Recipient: rfc822; a@example.org\n"), None);
    }

    #[test]
    fn recipients_without_blank_lines() {
        let t = "Final-Recipient: rfc822; a@b.org\nStatus: 5.1.1\nFinal-Recipient: rfc822; c@d.org\nStatus: 5.1.1\n";
        assert_eq!(parse(t).recipients.len(), 2);
    }
}
