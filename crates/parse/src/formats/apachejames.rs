//! Apache James bounces (the `Bounce` / `NotifySender` mailets): a text part
//!
//! ```text
//! Error: Invalid user address
//!
//! Error message below:
//! 550 - Requested action not taken: no such user here
//!
//! Message details:
//!   Subject: Hello
//!   MAIL FROM: sender@example.org
//!   RCPT TO: alice@example.com
//! ```
//!
//! or, from newer releases, `Failed recipient(s):` followed by the addresses and
//! `Error message:` followed by the reason. The recipients are the `RCPT TO:` lines of
//! the message details (or the failed-recipient list); the error message explains them.

use bouncekit_classify::address;
use bouncekit_mime::Mail;

use super::Format;
use crate::Fragment;

/// The format.
pub static FORMAT: Format = Format { name: "apachejames", parse };

/// What the line being read belongs to.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Section {
    Other,
    Error,
    Details,
    Failed,
}

fn parse(mail: &Mail) -> Option<Vec<Fragment>> {
    let body = &mail.body;
    let james = body.contains("This is the James mail server") || (body.contains("Error message below:") && body.contains("Message details:"));
    if !james {
        return None;
    }
    let mut section = Section::Other;
    let mut error = String::new();
    let mut rcpts: Vec<String> = Vec::new();
    for line in body.lines().map(str::trim) {
        if line.starts_with("Content-Type: message/") {
            break;
        }
        match line {
            "Error message below:" | "Error message:" => section = Section::Error,
            "Message details:" => section = Section::Details,
            "Failed recipient(s):" => section = Section::Failed,
            "" if section != Section::Details => section = Section::Other,
            _ => match section {
                Section::Error => {
                    if !error.is_empty() {
                        error.push(' ');
                    }
                    error.push_str(line);
                }
                Section::Details => {
                    if let Some(v) = line.strip_prefix("RCPT TO:") {
                        rcpts.extend(address::addresses(v));
                    }
                }
                Section::Failed => rcpts.extend(address::first_address(line)),
                Section::Other => {}
            },
        }
    }
    rcpts.dedup();
    Some(rcpts.into_iter().map(|r| Fragment { diagnostic: error.clone(), ..Fragment::new(r) }).collect())
}
