//! Zoho Mail: the bounce sent by `mailer-daemon@mail.zoho.com` with `X-Mailer: Zoho Mail`.
//!
//! No delivery-status part; one line per failed recipient, the remote reply split into
//! `ERROR_CODE` fields, followed by the headers of the returned message:
//!
//! ```text
//! This message was created automatically by mail delivery software.
//! A message that you sent could not be delivered to one or more of its recipients. This is a permanent error.
//!
//! alice@example.org Invalid Address, ERROR_CODE :550, ERROR_CODE :5.1.1 <alice@example.org>... User Unknown
//!
//! Received:from mail.zoho.com by mx.zohomail.com
//! ```

use bouncekit_classify::address;
use bouncekit_mime::Mail;

use super::Format;
use crate::Fragment;
use crate::fragment::parse_status;

/// The format.
pub static FORMAT: Format = Format { name: "zoho", parse };

/// Label before each part of the remote reply.
const CODE_MARK: &str = "ERROR_CODE :";

fn parse(mail: &Mail) -> Option<Vec<Fragment>> {
    let mailer = mail.headers.get("x-mailer").unwrap_or("");
    let from = mail.headers.get("from").unwrap_or("").to_ascii_lowercase();
    if !(mailer.contains("Zoho Mail") || from.contains("mailer-daemon@mail.zoho.com")) {
        return None;
    }
    let out: Vec<Fragment> = mail.body.lines().take_while(|l| !l.starts_with("Received:")).filter_map(recipient_line).collect();
    Some(out)
}

/// `alice@example.org Invalid Address, ERROR_CODE :550, ERROR_CODE :5.1.1 … User Unknown`.
fn recipient_line(line: &str) -> Option<Fragment> {
    let (head, _) = line.split_once(CODE_MARK)?;
    let (rcpt, label) = head.trim().split_once(' ')?;
    let mut f = Fragment::new(address::first_address(rcpt)?);
    let mut text = vec![label.trim().trim_end_matches(',').to_string()];
    for field in line.split(CODE_MARK).skip(1) {
        let field = field.trim().trim_end_matches(',').trim();
        let first = field.split_whitespace().next().unwrap_or("");
        if f.reply_code.is_none() && first.len() == 3 && first.bytes().all(|b| b.is_ascii_digit()) {
            f.reply_code = first.parse().ok();
        } else if f.status.is_none() && parse_status(first).is_some() {
            f.status = parse_status(first);
            text.push(field[first.len()..].trim().to_string());
        } else {
            text.push(field.to_string());
        }
    }
    f.diagnostic = text.into_iter().filter(|t| !t.is_empty()).collect::<Vec<_>>().join(": ");
    Some(f)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn error_code_fields() {
        let f = recipient_line("a@example.org Invalid Address, ERROR_CODE :550, ERROR_CODE :5.2.2 <a@example.org>... Mailbox Full")
            .unwrap_or_else(|| panic!("not read"));
        assert_eq!(f.recipient, "a@example.org");
        assert_eq!(f.reply_code.map(|c| c.to_string()).as_deref(), Some("550"));
        assert_eq!(f.status.map(|s| s.to_string()).as_deref(), Some("5.2.2"));
        assert_eq!(f.diagnostic, "Invalid Address: <a@example.org>... Mailbox Full");
    }

    #[test]
    fn reply_text_without_status() {
        let f = recipient_line("a@example.org Invalid Address, ERROR_CODE :550, ERROR_CODE :Requested action not taken: mailbox unavailable")
            .unwrap_or_else(|| panic!("not read"));
        assert_eq!(f.status, None);
        assert!(f.diagnostic.ends_with("mailbox unavailable"));
    }
}
