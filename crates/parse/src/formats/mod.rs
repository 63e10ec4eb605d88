//! One module per bounce format, and the order in which they are tried.
//!
//! Each format is a [`Format`]: a name and a `parse` function that returns `None` when
//! the message is not of its kind, or the fragments it read. [`FORMATS`] is tried in
//! order and the first format that returns at least one fragment wins, so the order is:
//!
//! 1. **Complaints** (`arf`): a feedback report is never a bounce.
//! 2. **Private MTA and provider formats**, most specific signature first. Each checks
//!    its own signature (sender, subject, `X-Mailer`, body markers) before reading, so a
//!    format that does not recognise the message costs a few header lookups.
//! 3. **`rfc3464`**: any other message with a `message/delivery-status` part.
//! 4. **`rfc3834`**: auto-replies (vacation notices).
//! 5. **`fallback`**: bounce-looking mail (from a mailer daemon or postmaster, or with a
//!    bounce subject) read with the generic recipient/diagnostic scanner.
//!
//! A new format is one new file here plus one line in [`FORMATS`].

use bouncekit_mime::Mail;

use crate::Fragment;

pub mod activehunter;
pub mod amavis;
pub mod amazonses;
pub mod amazonworkmail;
pub mod apachejames;
pub mod arf;
pub mod biglobe;
pub mod courier;
pub mod domino;
pub mod dragonfly;
pub mod einsundeins;
pub mod exchange2003;
pub mod exim;
pub mod ezweb;
pub mod fallback;
pub mod fml;
pub mod gmail;
pub mod googlegroups;
pub mod googleworkspace;
pub mod imailserver;
pub mod kddi;
pub mod mailmarshal;
pub mod mcafee;
pub mod messagelabs;
pub mod mfilter;
pub mod mimecast;
pub mod mxlogic;
pub mod notes;
pub mod office365;
pub mod opensmtpd;
pub mod outlook;
pub mod postfix;
pub mod powermta;
pub mod qmail;
pub mod receivingses;
pub mod rfc3464;
pub mod rfc3834;
pub mod scan;
pub mod sendmail;
pub mod trendmicro;
pub mod verizon;
pub mod x1;
pub mod x3;
pub mod x6;
pub mod yahoo;
pub mod zoho;

/// A bounce format.
pub struct Format {
    /// Short lowercase name, used in records (`format`) and docs.
    pub name: &'static str,
    /// Reads the message, or returns `None` when it is not of this format.
    pub parse: fn(&Mail) -> Option<Vec<Fragment>>,
}

/// Every format, in detection order (see the module docs).
pub static FORMATS: &[&Format] = &[
    &arf::FORMAT,
    &receivingses::FORMAT,
    &amazonses::FORMAT,
    &amazonworkmail::FORMAT,
    &office365::FORMAT,
    &outlook::FORMAT,
    &yahoo::FORMAT,
    &googlegroups::FORMAT,
    &gmail::FORMAT,
    &googleworkspace::FORMAT,
    &kddi::FORMAT,
    &ezweb::FORMAT,
    &zoho::FORMAT,
    &verizon::FORMAT,
    &einsundeins::FORMAT,
    &messagelabs::FORMAT,
    &biglobe::FORMAT,
    &postfix::FORMAT,
    &powermta::FORMAT,
    &activehunter::FORMAT,
    &sendmail::FORMAT,
    &qmail::FORMAT,
    &exim::FORMAT,
    &domino::FORMAT,
    &notes::FORMAT,
    &exchange2003::FORMAT,
    &imailserver::FORMAT,
    &fml::FORMAT,
    &x1::FORMAT,
    &x3::FORMAT,
    &x6::FORMAT,
    &courier::FORMAT,
    &apachejames::FORMAT,
    &opensmtpd::FORMAT,
    &dragonfly::FORMAT,
    &amavis::FORMAT,
    &mailmarshal::FORMAT,
    &mfilter::FORMAT,
    &trendmicro::FORMAT,
    &mxlogic::FORMAT,
    &mcafee::FORMAT,
    &mimecast::FORMAT,
    &rfc3464::FORMAT,
    &rfc3834::FORMAT,
    &fallback::FORMAT,
];

/// Runs the formats in order; the first that reads at least one fragment wins.
pub fn run(mail: &Mail) -> Option<(&'static str, Vec<Fragment>)> {
    for f in FORMATS {
        if let Some(frags) = (f.parse)(mail)
            && !frags.is_empty()
        {
            return Some((f.name, frags));
        }
    }
    None
}
