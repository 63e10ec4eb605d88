//! i.ua (Ukrainian webmail, MX `*.email.ua`): refusals point to a numbered help page,
//! `See http://mail.i.ua/err/3/`; the number is the cause.

use bouncekit_core::Reason;

use super::Provider;
use crate::Evidence;

pub(super) static PROVIDER: Provider = Provider {
    name: "iua",
    hosts: &["email.ua", "i.ua"],
    domains: &["i.ua", "email.ua"],
    rule,
};

/// The help page prefix before the error number.
const ERR_PAGE: &str = "i.ua/err/";

/// Error numbers and their meaning.
const ERRORS: &[(u32, Reason)] = &[
    // SMTP relaying through i.ua is forbidden.
    (1, Reason::NoRelaying),
    // No such user.
    (2, Reason::UserUnknown),
    // Mailbox frozen: unused for more than three months.
    (3, Reason::Suspend),
    (4, Reason::MailboxFull),
    // Sending limit exceeded.
    (5, Reason::TooManyConn),
    // Use your own provider's SMTP server.
    (6, Reason::NoRelaying),
    // Bad HELO/EHLO argument.
    (7, Reason::Blocked),
    // The sender address could not be verified.
    (8, Reason::Rejected),
    // The sending network is blocked.
    (9, Reason::Blocked),
    (10, Reason::NoRelaying),
];

fn rule(ev: &Evidence<'_>) -> Option<Reason> {
    let p = ev.text.find(ERR_PAGE)? + ERR_PAGE.len();
    let digits: String = ev.text[p..].chars().take_while(char::is_ascii_digit).collect();
    let n: u32 = digits.parse().ok()?;
    ERRORS.iter().find(|(e, _)| *e == n).map(|(_, r)| *r)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn error_page_number() {
        let ev = Evidence { text: "550 Mailbox is frozen. See http://mail.i.ua/err/3/", ..Evidence::default() };
        assert_eq!(rule(&ev), Some(Reason::Suspend));
        assert_eq!(rule(&Evidence { text: "550 see http://mail.i.ua/err/x/", ..Evidence::default() }), None);
    }
}
