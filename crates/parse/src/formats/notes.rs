//! Lotus Notes SMTP MTA bounces (the pre-Domino gateway): subject `Undeliverable
//! message`, a plain-text body
//!
//! ```text
//! ------- Failure Reasons  --------
//!
//! User not listed in public Name & Address Book
//! alice@example.com
//!
//! ------- Returned Message --------
//! ```
//!
//! Each address line is one recipient, explained by the lines written since the
//! previous one. A reason the gateway words in a way no phrase table knows leaves the
//! bounce on hold, as the gateway gives no code to go by.

use bouncekit_classify::{address, reasons};
use bouncekit_core::Reason;
use bouncekit_mime::Mail;

use super::Format;
use crate::Fragment;

/// The format.
pub static FORMAT: Format = Format { name: "notes", parse };

/// The line that opens the report.
const START: &str = "------- Failure Reasons";

/// The line that opens the returned message.
const END: &str = "------- Returned Message";

/// The gateway's sentences (lowercase) and their reasons.
const OWN_TEXTS: &[(&str, Reason)] = &[("not listed in public name & address book", Reason::UserUnknown)];

fn parse(mail: &Mail) -> Option<Vec<Fragment>> {
    if !super::contains!(&mail.body, START) {
        return None;
    }
    let mut lines = mail.body.lines().map(str::trim);
    lines.by_ref().find(|l| l.starts_with(START))?;
    let mut out = Vec::new();
    let mut text = String::new();
    for l in lines {
        if l.starts_with(END) {
            break;
        }
        match address::first_address(l).filter(|a| a.len() + 2 >= l.len()) {
            Some(rcpt) => out.push(fragment(rcpt, std::mem::take(&mut text))),
            None if !l.is_empty() => {
                if !text.is_empty() {
                    text.push(' ');
                }
                text.push_str(l);
            }
            None => {}
        }
    }
    Some(out)
}

/// One recipient and its explanation.
fn fragment(rcpt: String, text: String) -> Fragment {
    let lower = text.to_lowercase();
    let own = OWN_TEXTS.iter().find(|(p, _)| lower.contains(p)).map(|(_, r)| *r);
    let reason = own.or_else(|| (reasons::best(&text).is_none() && !text.is_empty()).then_some(Reason::OnHold));
    Fragment { diagnostic: text, reason, ..Fragment::new(rcpt) }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unknown_wording_is_on_hold() {
        assert_eq!(fragment("a@example.com".into(), "Something odd".into()).reason, Some(Reason::OnHold));
        assert_eq!(fragment("a@example.com".into(), "User not listed in public Name & Address Book".into()).reason, Some(Reason::UserUnknown));
    }
}
