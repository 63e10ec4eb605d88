//! Bounce mail in, per-recipient records out.
//!
//! - [`parse_bytes`] takes the bytes of a file (one message or an mbox) and returns one
//!   [`Parsed`] per message: its [`Record`]s and the [`Diagnostic`]s of what could not be
//!   understood;
//! - [`parse_message`] does the same for exactly one message;
//! - [`formats`] holds one module per reporting MTA or provider, tried in the documented
//!   [`formats::FORMATS`] order; each turns a [`bouncekit_mime::Mail`] into
//!   [`Fragment`]s (what the bounce says about each recipient), and the classifier turns
//!   fragments into records.
//!
//! Parsing never fails and never panics on content: a message that no format understands
//! yields a diagnostic and no records.
//!
//! ```
//! use bouncekit_parse::parse_message;
//! use bouncekit_core::{Origin, Reason};
//! let raw = b"From: MAILER-DAEMON@mx.example.org\nSubject: Undelivered Mail Returned to Sender\n\
//! Content-Type: text/plain\n\nThis is the mail system at host mx.example.org.\n\n\
//! <alice@example.com>: host mx.example.com[192.0.2.1] said: 550 5.1.1 <alice@example.com>:\n\
//!     Recipient address rejected: User unknown (in reply to RCPT TO command)\n";
//! let parsed = parse_message(raw, &Origin::file("bounce.eml"));
//! assert_eq!(parsed.records[0].recipient, "alice@example.com");
//! assert_eq!(parsed.records[0].reason, Reason::UserUnknown);
//! ```

pub mod formats;
mod fragment;
mod record;

use bouncekit_core::{Origin, Record};
use bouncekit_mime::{Mail, is_mbox, split_mbox};

pub use fragment::Fragment;

/// Something the parser could not understand, with the input it came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    /// The input (path and, for an mbox, the message number).
    pub origin: String,
    /// What went wrong.
    pub message: String,
}

/// The outcome of parsing one message.
#[derive(Debug, Clone, Default)]
pub struct Parsed {
    /// One record per recipient.
    pub records: Vec<Record>,
    /// What could not be understood. A message with no records always has one.
    pub diagnostics: Vec<Diagnostic>,
    /// The format that understood the message.
    pub format: Option<&'static str>,
}

/// Parses the bytes of one input: an mbox (split into messages) or one message.
pub fn parse_bytes(bytes: &[u8], origin: &Origin) -> Vec<Parsed> {
    if is_mbox(bytes) {
        let messages = split_mbox(bytes);
        let many = messages.len() > 1;
        messages
            .into_iter()
            .enumerate()
            .map(|(i, m)| {
                let o = if many { Origin { kind: origin.kind, name: format!("{}#{}", origin.name, i + 1) } } else { origin.clone() };
                let mut p = parse_message(m, &o);
                // Records keep the file name so that they group by input.
                for r in &mut p.records {
                    r.origin = origin.clone();
                }
                p
            })
            .collect()
    } else {
        vec![parse_message(bytes, origin)]
    }
}

/// Parses exactly one message.
pub fn parse_message(bytes: &[u8], origin: &Origin) -> Parsed {
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Parsed {
            diagnostics: vec![Diagnostic { origin: origin.name.clone(), message: "empty input".into() }],
            ..Parsed::default()
        };
    }
    let mail = Mail::parse(bytes);
    let mut parsed = Parsed::default();
    for p in &mail.problems {
        parsed.diagnostics.push(Diagnostic { origin: origin.name.clone(), message: p.clone() });
    }
    match formats::run(&mail) {
        Some((format, fragments)) => {
            parsed.format = Some(format);
            parsed.records = record::build(&mail, format, fragments, origin);
        }
        None => parsed.diagnostics.push(Diagnostic {
            origin: origin.name.clone(),
            message: "not a bounce: no format recognised a failed recipient in this message".into(),
        }),
    }
    parsed
}
