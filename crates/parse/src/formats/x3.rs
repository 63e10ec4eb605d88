//! An unidentified MTA ("X3" in Sisimai's naming): from `Mail Delivery System
//! <Mail.Delivery.System@…>`, subject `Delivery status notification`, and a text part
//! framed by lines of `=`:
//!
//! ```text
//! ============================================================================
//!       This is an automatically generated Delivery Status Notification.
//!
//! Delevery to the following recipients failed permanently:
//!
//!    * alice@example.com
//!
//! ============================================================================
//!                              Technical details:
//!
//! SMTP:RCPT host 192.0.2.1: 553 5.3.0 <alice@example.com>... No such user here
//! ============================================================================
//! ```
//!
//! (the misspelt `Delevery` is the MTA's own). Each `* address` line is a recipient;
//! the technical details explain them all and name the SMTP command (`SMTP:RCPT`).

use bouncekit_classify::address;
use bouncekit_mime::Mail;

use super::Format;
use crate::Fragment;

/// The format.
pub static FORMAT: Format = Format { name: "x3", parse };

fn parse(mail: &Mail) -> Option<Vec<Fragment>> {
    let body = &mail.body;
    let framed = || body.lines().any(|l| l.starts_with("=========="));
    if !body.contains("This is an automatically generated Delivery Status Notification.") || !body.contains("Technical details:") || !framed() {
        return None;
    }
    let mut rcpts = Vec::new();
    let mut details = String::new();
    let mut in_details = false;
    for l in body.lines().map(str::trim) {
        if l.starts_with("Content-Type: message/") {
            break;
        }
        if l == "Technical details:" {
            in_details = true;
        } else if l.starts_with("==========") {
            if in_details && !details.is_empty() {
                break;
            }
        } else if let Some(a) = l.strip_prefix("* ") {
            rcpts.extend(address::normalize(a));
        } else if in_details && !l.is_empty() {
            if !details.is_empty() {
                details.push(' ');
            }
            details.push_str(l);
        }
    }
    let command = details.strip_prefix("SMTP:").and_then(|d| d.split_whitespace().next()).map(str::to_ascii_uppercase);
    Some(rcpts.into_iter().map(|r| Fragment { diagnostic: details.clone(), command: command.clone(), ..Fragment::new(r) }).collect())
}
