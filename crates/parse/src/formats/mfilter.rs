//! m-FILTER (Digital Arts' mail filter for Japanese enterprises): a `failure notice` with
//! `X-Mailer: m-FILTER`, a Japanese explanation, the failed addresses one per line, and
//! sections introduced by dashes:
//!
//! ```text
//! 以下のメールアドレスへの送信に失敗しました。
//! alice@example.com
//!
//! -------server message
//! 550 5.1.1 <alice@example.com>: Recipient address rejected: User unknown
//!
//! -------SMTP command
//! DATA
//!
//! -------original message
//! ```

use bouncekit_classify::address;
use bouncekit_mime::Mail;

use super::Format;
use crate::Fragment;

/// The format.
pub static FORMAT: Format = Format { name: "mfilter", parse };

/// Section headings m-FILTER writes.
const SERVER_MESSAGE: &str = "-------server message";
const SMTP_COMMAND: &str = "-------SMTP command";

/// Headings that start the returned message.
const ORIGINAL: &[&str] = &["-------original message", "-------original mail info"];

fn parse(mail: &Mail) -> Option<Vec<Fragment>> {
    let by_mailer = mail.headers.get("x-mailer").is_some_and(|v| v.trim().eq_ignore_ascii_case("m-FILTER"));
    if !by_mailer && !mail.body.contains(SERVER_MESSAGE) {
        return None;
    }
    let mut recipients = Vec::new();
    let mut server: Vec<&str> = Vec::new();
    let mut command = None;
    let mut section = "recipients";
    for line in mail.body.lines().map(str::trim) {
        if ORIGINAL.contains(&line) {
            break;
        }
        match line {
            SERVER_MESSAGE => section = "server",
            SMTP_COMMAND => section = "command",
            "" => {}
            l if section == "recipients" => {
                // Only a line that is an address and nothing else names a recipient.
                if let Some(a) = address::first_address(l).filter(|a| l.trim_matches(['<', '>']) == a) {
                    recipients.push(a);
                }
            }
            l if section == "server" => server.push(l),
            l if section == "command" && command.is_none() => command = l.split_whitespace().next().map(str::to_ascii_uppercase),
            _ => {}
        }
    }
    let diagnostic = server.join(" ");
    Some(
        recipients
            .into_iter()
            .map(|r| Fragment { diagnostic: diagnostic.clone(), command: command.clone(), ..Fragment::new(r) })
            .collect(),
    )
}
