//! Every fixed reply the server sends, in one table, written with `smtp-proto`.

use std::fmt::Display;

use smtp_proto::Response;

/// A reply: basic code, enhanced status code (RFC 3463) and text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Reply {
    /// The basic reply code.
    pub code: u16,
    /// The enhanced status code; `[0, 0, 0]` for none.
    pub esc: [u8; 3],
    /// The text.
    pub text: &'static str,
}

const fn r(code: u16, esc: [u8; 3], text: &'static str) -> Reply {
    Reply { code, esc, text }
}

/// Appends one reply line with any text to `out`.
pub(crate) fn write(out: &mut Vec<u8>, code: u16, esc: [u8; 3], text: impl Display) {
    // Writing into a Vec cannot fail.
    let _ = Response::new(code, esc[0], esc[1], esc[2], text).write(out);
}

/// Appends a reply line without an enhanced status code: the greeting, the HELO/EHLO
/// replies (RFC 2034 §3 leaves them out) and 354.
pub(crate) fn write_plain(out: &mut Vec<u8>, code: u16, text: impl Display) {
    use std::io::Write;
    let _ = write!(out, "{code} {text}\r\n");
}

impl Reply {
    /// Appends the reply to `out`.
    pub(crate) fn write(&self, out: &mut Vec<u8>) {
        if self.esc == [0, 0, 0] {
            write_plain(out, self.code, self.text);
        } else {
            write(out, self.code, self.esc, self.text);
        }
    }
}

pub(crate) const OK: Reply = r(250, [2, 0, 0], "Ok");
pub(crate) const RESET: Reply = r(250, [2, 0, 0], "Reset");
pub(crate) const SENDER_OK: Reply = r(250, [2, 1, 0], "Sender ok");
pub(crate) const BYE: Reply = r(221, [2, 0, 0], "Bye");
pub(crate) const HELP: Reply = r(214, [2, 0, 0], "bouncekit bounce receiver: RFC 5321 (SMTP), RFC 2033 (LMTP)");
pub(crate) const VRFY: Reply = r(252, [2, 5, 2], "Cannot VRFY user, but will accept mail for bounce addresses");
pub(crate) const START_DATA: Reply = r(354, [0, 0, 0], "End data with <CR><LF>.<CR><LF>");
pub(crate) const START_TLS: Reply = r(220, [2, 0, 0], "Ready to start TLS");

pub(crate) const NOT_IMPLEMENTED: Reply = r(502, [5, 5, 1], "Command not implemented");
pub(crate) const NO_TLS: Reply = r(502, [5, 5, 1], "STARTTLS not available");
pub(crate) const ALREADY_TLS: Reply = r(503, [5, 5, 1], "Already in TLS");
pub(crate) const NEED_HELLO_SMTP: Reply = r(503, [5, 5, 1], "Send EHLO or HELO first");
pub(crate) const NEED_HELLO_LMTP: Reply = r(503, [5, 5, 1], "Send LHLO first");
pub(crate) const NESTED_MAIL: Reply = r(503, [5, 5, 1], "Sender already given");
pub(crate) const NEED_MAIL: Reply = r(503, [5, 5, 1], "Send MAIL first");
pub(crate) const NEED_RCPT: Reply = r(503, [5, 5, 1], "Send RCPT first");
pub(crate) const MIXED_DATA_BDAT: Reply = r(503, [5, 5, 1], "DATA cannot follow BDAT in one transaction");
pub(crate) const TLS_IN_TRANSACTION: Reply = r(503, [5, 5, 1], "STARTTLS not allowed during a mail transaction");
pub(crate) const USE_LHLO: Reply = r(500, [5, 5, 1], "This is an LMTP server: use LHLO");
pub(crate) const USE_EHLO: Reply = r(500, [5, 5, 1], "This is an SMTP server: use EHLO");
pub(crate) const UNKNOWN_COMMAND: Reply = r(500, [5, 5, 2], "Command unrecognized");
pub(crate) const LINE_TOO_LONG: Reply = r(500, [5, 5, 6], "Line too long");
pub(crate) const BAD_SENDER: Reply = r(501, [5, 1, 7], "Bad sender address syntax");
pub(crate) const BAD_RECIPIENT: Reply = r(501, [5, 1, 3], "Bad recipient address syntax");
pub(crate) const NO_SUCH_USER: Reply = r(550, [5, 1, 1], "Mailbox unavailable: not a bounce address of this server");
pub(crate) const TOO_MANY_RECIPIENTS: Reply = r(452, [4, 5, 3], "Too many recipients");
pub(crate) const TOO_BIG: Reply = r(552, [5, 3, 4], "Message size exceeds fixed maximum message size");
pub(crate) const TEMPORARY_FAILURE: Reply = r(451, [4, 3, 0], "Temporary failure, please try again later");

pub(crate) const TIMEOUT: Reply = r(421, [4, 4, 2], "Timeout, closing connection");
pub(crate) const SHUTTING_DOWN: Reply = r(421, [4, 3, 2], "Service shutting down, try again later");
pub(crate) const TOO_MANY_ERRORS: Reply = r(421, [4, 7, 0], "Too many errors, closing connection");

/// Sent, without reading anything, to a connection that finds every session slot taken.
pub(crate) const BUSY_LINE: &[u8] = b"421 4.3.2 Too many connections, try again later\r\n";
