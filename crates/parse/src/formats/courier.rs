//! Courier MTA bounces: a `multipart/report` whose first part begins
//!
//! ```text
//! This is a delivery status notification from mx.example.org,
//! running the Courier mail server, version 0.65.2.
//! ```
//!
//! and lists each recipient with the SMTP exchange that failed:
//!
//! ```text
//! <alice@example.com>:
//!     mx.example.com [192.0.2.1]:
//! >>> RCPT TO:<alice@example.com>
//! <<< 550 5.1.1 User unknown
//! ```
//!
//! The delivery-status part is read with [`rfc3464::read`]; the text adds the SMTP
//! command (the `>>>` line of the recipient's paragraph), which the DSN does not carry.

use bouncekit_classify::address;
use bouncekit_mime::Mail;

use super::{Format, rfc3464};
use crate::Fragment;

/// The format.
pub static FORMAT: Format = Format { name: "courier", parse };

/// The phrase of the first sentence that names the MTA.
const SIGNATURE: &str = "running the Courier mail server";

fn parse(mail: &Mail) -> Option<Vec<Fragment>> {
    if !super::contains!(&mail.body, SIGNATURE) || !mail.body.lines().take(30).any(|l| l.contains(SIGNATURE)) {
        return None;
    }
    let part = mail.status_part.as_deref()?;
    let commands = commands(&mail.body);
    let mut frags = rfc3464::read(mail, part);
    for f in &mut frags {
        if f.command.is_none() {
            f.command = commands.iter().find(|(r, _)| r.eq_ignore_ascii_case(&f.recipient)).map(|(_, c)| c.clone());
        }
    }
    Some(frags)
}

/// The command of each recipient paragraph: `<address>:` then, further down, `>>> CMD`.
fn commands(body: &str) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let mut current: Option<String> = None;
    for line in body.lines().map(str::trim) {
        if line.starts_with("Content-Type: message/") {
            break;
        }
        if let Some(rcpt) = line.strip_prefix('<').and_then(|l| l.strip_suffix(">:")).and_then(address::normalize) {
            current = Some(rcpt);
        } else if let (Some(rcpt), Some(cmd)) = (current.as_ref(), line.strip_prefix(">>> "))
            && let Some(word) = cmd.split([' ', ':']).next().filter(|w| !w.is_empty())
        {
            out.push((rcpt.clone(), word.to_ascii_uppercase()));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn command_per_recipient() {
        let t = "<a@example.com>:\n    mx.example.com [192.0.2.1]:\n>>> RCPT TO:<a@example.com>\n<<< 550 no\n";
        assert_eq!(commands(t), vec![("a@example.com".to_string(), "RCPT".to_string())]);
    }
}
