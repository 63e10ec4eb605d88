//! The MIME adapter of bouncekit: the only crate that touches the MIME library.
//!
//! - [`normalize_newlines`] turns CRLF and bare CR into LF (CR-only bounces exist);
//! - [`Mail::parse`] reads one message into top-level [`Headers`] and a *linearised body*:
//!   every part decoded to text in document order, each introduced by a
//!   `Content-Type: type/subtype` marker line, delivery-status and header parts kept
//!   verbatim, binary parts reduced to their marker;
//! - [`split_mbox`] and [`MboxReader`] cut an mbox into messages;
//! - [`dsn`] reads RFC 3464 / RFC 6522 delivery-status fields.
//!
//! Format parsers downstream work on that text the way the reports are written: as lines
//! with markers. A malformed message is never an error: what could be read is returned,
//! and [`Mail::problems`] says what could not.
//!
//! ```
//! use bouncekit_mime::Mail;
//! let raw = b"From: MAILER-DAEMON@example.org\r\nSubject: Undelivered Mail\r\n\r\nhello\r\n";
//! let mail = Mail::parse(raw);
//! assert_eq!(mail.headers.get("subject"), Some("Undelivered Mail"));
//! assert!(mail.body.contains("hello"));
//! ```

pub mod date;
pub mod dsn;
mod headers;
mod mbox;

use std::borrow::Cow;

use mail_parser::{MessageParser, MimeHeaders, PartType};

pub use headers::Headers;
pub use mbox::{MboxReader, is_mbox, split_mbox};

/// Longest text kept from one part; longer parts are cut (attachments returned with a
/// bounce can be megabytes and carry nothing a bounce parser needs).
pub const MAX_PART_TEXT: usize = 256 * 1024;

/// Deepest MIME nesting followed; deeper parts are skipped and reported.
pub const MAX_DEPTH: usize = 16;

/// The MIME parser, configured to parse only what bouncekit reads through it: the MIME
/// headers (to walk the parts) and the subject (RFC 2047 decoding). Every other header
/// stays raw; the default would tokenise every `Received:` line of every message and its
/// returned original, which was a fifth of the parse time.
static PARSER: std::sync::LazyLock<MessageParser> =
    std::sync::LazyLock::new(|| MessageParser::new().with_mime_headers().header_text(mail_parser::HeaderName::Subject));

/// One parsed message.
#[derive(Debug, Clone, Default)]
pub struct Mail {
    /// Top-level header fields, unfolded.
    pub headers: Headers,
    /// Every part as text in document order, with `Content-Type:` marker lines.
    pub body: String,
    /// Headers of the returned original message (from `message/rfc822`,
    /// `text/rfc822-headers` or `message/global-headers`), when present.
    pub original: Option<Headers>,
    /// The delivery-status (or feedback-report) part text, when present.
    pub status_part: Option<String>,
    /// The content type of the status part (`message/delivery-status`,
    /// `message/feedback-report`…).
    pub status_type: Option<String>,
    /// Top-level content type, lowercase (`multipart/report`).
    pub content_type: String,
    /// The `report-type` parameter of a multipart/report.
    pub report_type: Option<String>,
    /// What could not be read, for diagnostics.
    pub problems: Vec<String>,
    /// Cache of [`Mail::status_report`]: most formats read the delivery-status part,
    /// and parsing it once per message instead of once per format halves their cost.
    status_report: std::sync::OnceLock<Option<dsn::Report>>,
    /// Cache slot for the end of the report section (where the returned message starts),
    /// filled by the format layer; the markers that define it live there.
    pub report_end: std::sync::OnceLock<usize>,
}

/// Replaces CRLF and lone CR with LF. Borrows when there is nothing to change.
pub fn normalize_newlines(input: &[u8]) -> Cow<'_, [u8]> {
    if memchr::memchr(b'\r', input).is_none() {
        return Cow::Borrowed(input);
    }
    let mut out = Vec::with_capacity(input.len());
    let mut i = 0;
    while i < input.len() {
        let c = input[i];
        if c == b'\r' {
            out.push(b'\n');
            if input.get(i + 1) == Some(&b'\n') {
                i += 1;
            }
        } else {
            out.push(c);
        }
        i += 1;
    }
    Cow::Owned(out)
}

impl Mail {
    /// The delivery-status part, parsed (once).
    pub fn status_report(&self) -> Option<&dsn::Report> {
        self.status_report.get_or_init(|| self.status_part.as_deref().map(dsn::parse)).as_ref()
    }

    /// Parses one message. Never fails; see [`Mail::problems`].
    pub fn parse(raw: &[u8]) -> Mail {
        let raw = normalize_newlines(raw);
        let raw: &[u8] = &raw;
        let mut mail = Mail { headers: Headers::parse_block(raw), ..Mail::default() };
        let Some(msg) = PARSER.parse(raw) else {
            mail.problems.push("the MIME parser could not read the message".into());
            mail.body = String::from_utf8_lossy(body_of(raw)).into_owned();
            return mail;
        };
        if let Some(s) = msg.subject() {
            mail.headers.set_decoded("subject", s);
        }
        if let Some(ct) = msg.root_part().content_type() {
            mail.content_type = full_type(ct.ctype(), ct.subtype());
            mail.report_type = ct.attribute("report-type").map(str::to_ascii_lowercase);
        } else {
            mail.content_type = "text/plain".into();
        }
        let mut body = String::new();
        walk(&msg, 0, 0, &mut body, &mut mail);
        if body.lines().all(|l| l.trim().is_empty() || l.starts_with("Content-Type: ")) {
            // Unparseable structure (a multipart whose boundary could not be read leaves
            // only part markers): fall back to the raw body as text.
            body = String::from_utf8_lossy(body_of(raw)).into_owned();
        }
        mail.body = body;
        if mail.status_part.is_none() && matches!(mail.content_type.as_str(), "multipart/report" | "text/plain") {
            // Boundaries missing or broken, or a plain-text report (older Postfix): the
            // delivery-status fields may still be written inline.
            if let Some(block) = dsn::find_embedded(&mail.body) {
                mail.status_part = Some(block.to_string());
                mail.status_type = Some("message/delivery-status".into());
                mail.problems.push("delivery-status fields found inline, outside a MIME part".into());
            }
        }
        mail
    }
}

/// The bytes after the first blank line.
fn body_of(raw: &[u8]) -> &[u8] {
    memchr::memmem::find(raw, b"\n\n").map_or(&[][..], |p| &raw[p + 2..])
}

fn full_type(t: &str, sub: Option<&str>) -> String {
    let mut s = t.to_ascii_lowercase();
    s.push('/');
    s.push_str(&sub.unwrap_or("plain").to_ascii_lowercase());
    s
}

fn push_text(body: &mut String, text: &str) {
    let cut = if text.len() > MAX_PART_TEXT {
        let mut end = MAX_PART_TEXT;
        while !text.is_char_boundary(end) {
            end -= 1;
        }
        &text[..end]
    } else {
        text
    };
    body.push_str(cut);
    if !body.ends_with('\n') {
        body.push('\n');
    }
}

fn walk(msg: &mail_parser::Message<'_>, part_id: u32, depth: usize, body: &mut String, mail: &mut Mail) {
    if depth > MAX_DEPTH {
        mail.problems.push(format!("MIME nesting deeper than {MAX_DEPTH} levels skipped"));
        return;
    }
    let Some(part) = msg.part(part_id) else { return };
    let ctype = part
        .content_type()
        .map(|ct| full_type(ct.ctype(), ct.subtype()))
        .unwrap_or_else(|| "text/plain".into());
    if part.is_encoding_problem {
        mail.problems.push(format!("part {part_id} ({ctype}) has an encoding problem"));
    }
    match &part.body {
        PartType::Multipart(children) => {
            for &c in children {
                walk(msg, c, depth + 1, body, mail);
            }
        }
        PartType::Text(t) => {
            if part_id != 0 || depth > 0 {
                body.push_str("Content-Type: ");
                body.push_str(&ctype);
                body.push('\n');
            }
            note_status_part(&ctype, t, mail);
            if is_header_part(&ctype) && mail.original.is_none() {
                mail.original = Some(Headers::parse_block(t.as_bytes()));
            }
            push_text(body, t);
        }
        PartType::Html(h) => {
            body.push_str("Content-Type: text/html\n");
            push_text(body, &strip_html(h));
        }
        PartType::Binary(b) | PartType::InlineBinary(b) => {
            body.push_str("Content-Type: ");
            body.push_str(&ctype);
            body.push('\n');
            // Delivery-status and header parts arrive as "binary" when the MIME library
            // does not know the type; they are text.
            if is_status_type(&ctype) || is_header_part(&ctype) || ctype.starts_with("message/") || ctype.starts_with("text/") {
                let t = String::from_utf8_lossy(&b[..b.len().min(MAX_PART_TEXT)]);
                let t = normalize_newlines(t.as_bytes());
                let t = String::from_utf8_lossy(&t).into_owned();
                note_status_part(&ctype, &t, mail);
                if is_header_part(&ctype) && mail.original.is_none() {
                    mail.original = Some(Headers::parse_block(t.as_bytes()));
                }
                push_text(body, &t);
            }
        }
        PartType::Message(inner) => {
            body.push_str("Content-Type: ");
            body.push_str(&ctype);
            body.push('\n');
            let raw = inner.raw_message();
            let head_end = memchr::memmem::find(raw, b"\n\n").map_or(raw.len(), |p| p + 1);
            let head = normalize_newlines(&raw[..head_end]);
            if mail.original.is_none() {
                let mut h = Headers::parse_block(&head);
                if let Some(s) = inner.subject() {
                    h.set_decoded("subject", s);
                }
                mail.original = Some(h);
            }
            push_text(body, &String::from_utf8_lossy(&head));
            body.push('\n');
            if depth < 3 {
                walk(inner, 0, depth + 1, body, mail);
            }
        }
    }
}

fn note_status_part(ctype: &str, text: &str, mail: &mut Mail) {
    if is_status_type(ctype) && mail.status_part.is_none() {
        mail.status_part = Some(text.to_string());
        mail.status_type = Some(ctype.to_string());
    }
}

/// `message/delivery-status`, its global form, and ARF's `message/feedback-report`.
pub fn is_status_type(ctype: &str) -> bool {
    matches!(
        ctype,
        "message/delivery-status" | "message/global-delivery-status" | "message/feedback-report" | "message/disposition-notification"
    )
}

fn is_header_part(ctype: &str) -> bool {
    matches!(ctype, "text/rfc822-headers" | "message/rfc822-headers" | "message/global-headers")
}

/// Reduces HTML to its text: tags dropped, block tags become newlines, common entities
/// decoded. Enough for the error sentences providers put in HTML bounces.
pub fn strip_html(html: &str) -> String {
    let mut out = String::with_capacity(html.len() / 2);
    let mut in_tag = false;
    let mut tag = String::new();
    let mut skip = false;
    for c in html.chars() {
        if in_tag {
            if c == '>' {
                in_tag = false;
                let t = tag.trim_start_matches('/').split_whitespace().next().unwrap_or("").to_ascii_lowercase();
                if matches!(t.as_str(), "br" | "p" | "div" | "tr" | "li" | "table" | "h1" | "h2" | "h3") {
                    out.push('\n');
                }
                if t == "style" || t == "script" {
                    skip = !tag.starts_with('/');
                }
                tag.clear();
            } else {
                tag.push(c);
            }
        } else if c == '<' {
            in_tag = true;
        } else if !skip {
            out.push(c);
        }
    }
    out.replace("&nbsp;", " ").replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", "\"").replace("&#39;", "'").replace("&amp;", "&")
}
