//! KDDI au one net (the `dion.ne.jp` / `auone-net.jp` mail service): the error notice its
//! mail servers (`nmomta.auone-net.jp`) send from `no-reply@….dion.ne.jp`.
//!
//! A `multipart/mixed` message with no delivery-status part; the subject varies
//! (`メールエラー通知`, `Mail`). After a Japanese paragraph the English text reads:
//!
//! ```text
//! Your mail sent on: Thu, 29 Apr 2013 23:45:22 +0900
//!      Could not be delivered to: <alice@example.dion.ne.jp>
//!      As their mailbox is full.
//! ```
//!
//! The sentences after the address are the diagnostic.

use bouncekit_classify::address;
use bouncekit_mime::Mail;

use super::{Format, scan};
use crate::Fragment;

/// The format.
pub static FORMAT: Format = Format { name: "kddi", parse };

/// Label before each failed recipient.
const RECIPIENT_MARK: &str = "Could not be delivered to:";

fn parse(mail: &Mail) -> Option<Vec<Fragment>> {
    let from = mail.headers.get("from").unwrap_or("").to_ascii_lowercase();
    let by_auone = mail.headers.get_all("received").any(|r| r.contains("auone-net.jp"));
    if !(from.contains("no-reply@") && from.contains(".dion.ne.jp") || by_auone) {
        return None;
    }
    let section = scan::report_of(mail);
    if !section.contains(RECIPIENT_MARK) {
        return None;
    }
    let mut out: Vec<Fragment> = Vec::new();
    for line in section.lines().map(str::trim) {
        if let Some(rest) = line.strip_prefix(RECIPIENT_MARK) {
            if let Some(rcpt) = address::first_address(rest) {
                out.push(Fragment::new(rcpt));
            }
        } else if line.is_empty() || line.starts_with("Content-Type:") || line.starts_with("--") {
            continue;
        } else if let Some(f) = out.last_mut() {
            if !f.diagnostic.is_empty() {
                f.diagnostic.push(' ');
            }
            f.diagnostic.push_str(line);
        }
    }
    Some(out)
}
