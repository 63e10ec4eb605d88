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
/// headers (to walk the parts) and the subject (RFC 2047 decoding). Every other header is
/// skipped, not even copied out raw: [`Headers::parse_block`] reads the header blocks
/// bouncekit needs. (The default would tokenise every `Received:` line of every message and
/// its returned original, which was a fifth of the parse time; raw copies were a tenth.)
static PARSER: std::sync::LazyLock<MessageParser> = std::sync::LazyLock::new(|| {
    MessageParser::new().with_mime_headers().header_text(mail_parser::HeaderName::Subject).default_header_ignore()
});

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

/// The bytes as text, invalid UTF-8 replaced by U+FFFD. Borrows when the bytes are valid,
/// which is checked with the fast validator first (the standard `from_utf8_lossy` walks
/// every byte through its chunk iterator even when there is nothing to replace).
pub fn utf8_lossy(bytes: &[u8]) -> Cow<'_, str> {
    match std::str::from_utf8(bytes) {
        Ok(s) => Cow::Borrowed(s),
        Err(_) => String::from_utf8_lossy(bytes),
    }
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
        let input = parser_input(raw);
        let Some(msg) = PARSER.parse(&input[..]) else {
            mail.problems.push("the MIME parser could not read the message".into());
            mail.body = utf8_lossy(body_of(raw)).into_owned();
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
        // Room for the text of a typical message at once (attachments are not copied).
        let mut body = String::with_capacity(raw.len().min(64 * 1024));
        walk(&msg, 0, 0, &mut body, &mut mail);
        if body.lines().all(|l| l.trim().is_empty() || l.starts_with("Content-Type: ")) {
            // Unparseable structure (a multipart whose boundary could not be read leaves
            // only part markers): fall back to the raw body as text.
            body = utf8_lossy(body_of(raw)).into_owned();
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

/// Header fields that [`PARSER`] reads (every other one it skips), lowercase.
const PARSED_FIELDS: &[&[u8]] =
    &[b"content-type", b"content-disposition", b"content-id", b"content-description", b"content-location", b"content-transfer-encoding", b"subject"];

/// The input that [`PARSER`] reads exactly as it reads `raw`, but without the top-level
/// header fields it would only step over, byte by byte (`Received:`, `DKIM-Signature:`…:
/// most of the block): the fields it parses, each copied whole (to the end of its folded
/// line, where each of its field parsers stops), then the blank line and the body as they
/// are. This replays the parser's own rules for the header block (white space before a
/// name, the name up to the first colon after a non-blank byte, a line without one, the
/// end of a skipped field at a line break not followed by a space or tab). The parser's
/// offsets are relative to the input it is given, and bouncekit reads none of the fields
/// left out through it. `raw` itself when the block is unusual (not ended by an empty
/// line, or without any field the parser reads).
fn parser_input(raw: &[u8]) -> Cow<'_, [u8]> {
    let mut kept: Vec<std::ops::Range<usize>> = Vec::new();
    let mut pos = 0;
    let body = loop {
        // White space before a field name is stepped over; an empty line ends the block.
        while raw.get(pos).is_some_and(|b| *b != b'\n' && b.is_ascii_whitespace()) {
            pos += 1;
        }
        match raw.get(pos) {
            None => return Cow::Borrowed(raw),
            Some(b'\n') => break pos + 1,
            Some(_) => {}
        }
        let field = pos;
        // The name: its non-blank bytes up to the first colon that follows one of them, at
        // most 34 kept; a line break first means a line without a field, stepped over.
        let mut name = [0u8; 34];
        let mut len = 0;
        let named = loop {
            let Some(&c) = raw.get(pos) else { return Cow::Borrowed(raw) };
            pos += 1;
            match c {
                b':' if len > 0 => break true,
                b'\n' => break false,
                c if !c.is_ascii_whitespace() && c != b':' => {
                    if let Some(slot) = name.get_mut(len) {
                        *slot = c.to_ascii_lowercase();
                    }
                    len += 1;
                }
                _ => {}
            }
        };
        if !named {
            continue;
        }
        // A field ends at a line break not followed by a space or tab.
        loop {
            let Some(nl) = memchr::memchr(b'\n', &raw[pos..]) else { return Cow::Borrowed(raw) };
            pos += nl + 1;
            match raw.get(pos) {
                Some(b' ' | b'\t') => pos += 1,
                _ => break,
            }
        }
        if name.get(..len).is_some_and(|n| PARSED_FIELDS.contains(&n)) {
            kept.push(field..pos);
        }
    };
    if kept.is_empty() {
        return Cow::Borrowed(raw);
    }
    let mut input = Vec::with_capacity(kept.iter().map(|r| r.len()).sum::<usize>() + 1 + raw.len() - body);
    for r in kept {
        input.extend_from_slice(&raw[r]);
    }
    input.push(b'\n');
    input.extend_from_slice(&raw[body..]);
    Cow::Owned(input)
}

/// The bytes after the first blank line.
fn body_of(raw: &[u8]) -> &[u8] {
    memchr::memmem::find(raw, b"\n\n").map_or(&[][..], |p| &raw[p + 2..])
}

fn full_type(t: &str, sub: Option<&str>) -> String {
    let sub = sub.unwrap_or("plain");
    let mut s = String::with_capacity(t.len() + 1 + sub.len());
    s.push_str(t);
    s.push('/');
    s.push_str(sub);
    s.make_ascii_lowercase();
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
            if t.len() > MAX_PART_TEXT {
                mail.problems.push(cut_problem(part_id, &ctype, t.len()));
            }
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
                let t = utf8_lossy(&b[..b.len().min(MAX_PART_TEXT)]);
                let t = normalize_newlines(t.as_bytes());
                let mut t = utf8_lossy(&t).into_owned();
                if b.len() > MAX_PART_TEXT {
                    // Cut where a whole field (a whole recipient block of a status
                    // part) ends, so the cut leaves no half-read record, and say so.
                    let end = if is_status_type(&ctype) { t.rfind("\n\n").map(|i| i + 2) } else { None };
                    t.truncate(end.or_else(|| t.rfind('\n').map(|i| i + 1)).unwrap_or(t.len()));
                    mail.problems.push(cut_problem(part_id, &ctype, b.len()));
                }
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
            push_text(body, &utf8_lossy(&head));
            body.push('\n');
            if depth < 3 {
                walk(inner, 0, depth + 1, body, mail);
            }
        }
    }
}

/// The problem reported for a part longer than [`MAX_PART_TEXT`].
fn cut_problem(part_id: u32, ctype: &str, len: usize) -> String {
    format!("part {part_id} ({ctype}) is {len} bytes long: {CUT} {} KiB are read", MAX_PART_TEXT / 1024)
}

/// What every problem about content left unread says.
const CUT: &str = "only its first";

/// True for a problem (see [`Mail::problems`]) saying that part of the message was not
/// read because of a size bound: even when the message yielded records, some may be
/// missing, so callers report it.
pub fn is_cut_problem(problem: &str) -> bool {
    problem.contains(CUT)
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
    let mut skip = false;
    let mut rest = html;
    // Text up to a `<`, then the tag up to its `>`; an unclosed tag runs to the end.
    while let Some(open) = memchr::memchr(b'<', rest.as_bytes()) {
        if !skip {
            out.push_str(&rest[..open]);
        }
        let after = &rest[open + 1..];
        let Some(close) = memchr::memchr(b'>', after.as_bytes()) else {
            rest = "";
            break;
        };
        let tag = &after[..close];
        let t = tag.trim_start_matches('/').split_whitespace().next().unwrap_or("");
        if ["br", "p", "div", "tr", "li", "table", "h1", "h2", "h3"].iter().any(|b| t.eq_ignore_ascii_case(b)) {
            out.push('\n');
        }
        if t.eq_ignore_ascii_case("style") || t.eq_ignore_ascii_case("script") {
            skip = !tag.starts_with('/');
        }
        rest = &after[close + 1..];
    }
    if !skip {
        out.push_str(rest);
    }
    decode_entities(out)
}

/// Decodes `&nbsp;`, `&lt;`, `&gt;`, `&quot;`, `&#39;` and `&amp;` in one pass (no
/// entity contains another's replacement, so this equals replacing them one by one).
fn decode_entities(text: String) -> String {
    const ENTITIES: &[(&str, char)] = &[("&nbsp;", ' '), ("&lt;", '<'), ("&gt;", '>'), ("&quot;", '"'), ("&#39;", '\''), ("&amp;", '&')];
    if memchr::memchr(b'&', text.as_bytes()).is_none() {
        return text;
    }
    let mut out = String::with_capacity(text.len());
    let mut rest = text.as_str();
    while let Some(at) = memchr::memchr(b'&', rest.as_bytes()) {
        out.push_str(&rest[..at]);
        rest = &rest[at..];
        match ENTITIES.iter().find(|(e, _)| rest.starts_with(e)) {
            Some((e, c)) => {
                out.push(*c);
                rest = &rest[e.len()..];
            }
            None => {
                out.push('&');
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
    out
}
