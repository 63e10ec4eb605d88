//! IBM (Lotus) Domino bounces: subject `DELIVERY FAILURE: …` (or `DELIVERY_FAILURE:`), a
//! first part written from Domino's template
//!
//! ```text
//! Your message
//!
//!   Subject: Hello
//!
//! was not delivered to:
//!
//!   alice@example.com
//!
//! because:
//!
//!   User alice (alice@example.com) not listed in Domino Directory
//! ```
//!
//! and, from Domino 6 on, a delivery-status part whose `X-Notes;` diagnostic repeats the
//! reason in the server's language and charset. The template text is read for the
//! recipients and the reason; the DSN, when present, adds the status code. Domino's own
//! "not listed" sentences (in the languages Domino ships) mean an unknown user.

use bouncekit_classify::address;
use bouncekit_core::Reason;
use bouncekit_mime::Mail;

use super::{Format, rfc3464};
use crate::Fragment;

/// The format.
pub static FORMAT: Format = Format { name: "domino", parse };

/// Domino's sentences for an unknown recipient (lowercase substrings).
const NOT_LISTED: &[&str] = &[
    "not listed in domino directory",
    "not listed in public name & address book",
    "domino ディレクトリには見つかりません",
    "ist nicht im domino-verzeichnis",
];

fn parse(mail: &Mail) -> Option<Vec<Fragment>> {
    let (rcpts, because) = template(&mail.body)?;
    let from_dsn = match (mail.status_part.as_deref(), mail.status_type.as_deref()) {
        (Some(part), Some(t)) if t != "message/feedback-report" => rfc3464::read(mail, part),
        _ => Vec::new(),
    };
    let mut frags: Vec<Fragment> = if from_dsn.is_empty() { rcpts.into_iter().map(Fragment::new).collect() } else { from_dsn };
    let lower = because.to_lowercase();
    let reason = NOT_LISTED.iter().any(|p| lower.contains(p)).then_some(Reason::UserUnknown);
    for f in &mut frags {
        if !because.is_empty() {
            // The template is decoded; the DSN's `X-Notes` text often is not.
            f.diagnostic = because.clone();
        }
        f.reason = f.reason.or(reason);
    }
    Some(frags)
}

/// The recipients between `was not delivered to:` and `because:`, and the text after
/// `because:` up to the next part. `None` when the body is not Domino's template.
fn template(body: &str) -> Option<(Vec<String>, String)> {
    if !super::contains_ignore_ascii_case!(body, "was not delivered to:") {
        return None;
    }
    let mut lines = body.lines().map(str::trim);
    lines.by_ref().find(|l| l.eq_ignore_ascii_case("was not delivered to:"))?;
    let mut rcpts = Vec::new();
    for l in lines.by_ref() {
        if l.eq_ignore_ascii_case("because:") {
            break;
        }
        rcpts.extend(address::first_address(l));
    }
    let mut because = String::new();
    for l in lines {
        if l.starts_with("Content-Type:") {
            break;
        }
        if !l.is_empty() {
            if !because.is_empty() {
                because.push(' ');
            }
            because.push_str(l);
        }
    }
    (!rcpts.is_empty()).then_some((rcpts, because))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_template() {
        let t = "Your message\n\n  Subject: Hi\n\nwas not delivered to:\n\n  alice@example.com\n\nbecause:\n\n  User alice (alice@example.com) not listed in Domino Directory\n\nContent-Type: message/delivery-status\n";
        let (r, why) = template(t).unwrap_or_default();
        assert_eq!(r, vec!["alice@example.com".to_string()]);
        assert_eq!(why, "User alice (alice@example.com) not listed in Domino Directory");
    }
}
