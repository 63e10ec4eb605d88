//! Tests of the MIME adapter: line endings, charsets, part linearisation, mbox, DSN
//! fields.

use bouncekit_mime::{Mail, dsn, normalize_newlines, split_mbox};

const DSN: &str = "From: MAILER-DAEMON@mx.example.org\nSubject: Undelivered Mail Returned to Sender\nMIME-Version: 1.0\nContent-Type: multipart/report; report-type=delivery-status; boundary=\"B\"\n\n--B\nContent-Type: text/plain\n\nThe mail system\n\n--B\nContent-Type: message/delivery-status\n\nReporting-MTA: dns; mx.example.org\n\nFinal-Recipient: rfc822; a@example.com\nAction: failed\nStatus: 5.1.1\nDiagnostic-Code: smtp; 550 5.1.1 user unknown\n\n--B\nContent-Type: message/rfc822\n\nFrom: sender@example.net\nTo: a@example.com\nSubject: hello\nMessage-ID: <m1@example.net>\n\nbody\n--B--\n";

#[test]
fn every_line_ending_reads_the_same() {
    let lf = Mail::parse(DSN.as_bytes());
    let crlf = Mail::parse(DSN.replace('\n', "\r\n").as_bytes());
    let cr = Mail::parse(DSN.replace('\n', "\r").as_bytes());
    for m in [&lf, &crlf, &cr] {
        assert_eq!(m.headers.get("subject"), Some("Undelivered Mail Returned to Sender"));
        assert_eq!(m.report_type.as_deref(), Some("delivery-status"));
        let status = m.status_part.as_deref().expect("delivery-status part found");
        assert!(status.contains("Final-Recipient: rfc822; a@example.com"));
        assert_eq!(m.original.as_ref().and_then(|h| h.get("message-id")), Some("<m1@example.net>"));
    }
    assert_eq!(lf.body, crlf.body);
    assert_eq!(lf.body, cr.body);
}

#[test]
fn newline_normalisation_borrows_when_clean() {
    assert!(matches!(normalize_newlines(b"a\nb"), std::borrow::Cow::Borrowed(_)));
    assert_eq!(&*normalize_newlines(b"a\r\nb\rc\n"), b"a\nb\nc\n");
}

#[test]
fn charsets_are_decoded() {
    // ISO-2022-JP (Japanese carriers), quoted-printable Latin-1 and an RFC 2047 subject.
    let jis = b"From: a@example.jp\nSubject: =?ISO-2022-JP?B?GyRCJUYlOSVIGyhC?=\nContent-Type: text/plain; charset=ISO-2022-JP\n\n\x1b$B%F%9%H\x1b(B\n";
    let m = Mail::parse(jis);
    assert_eq!(m.headers.get("subject"), Some("テスト"));
    assert!(m.body.contains("テスト"), "body: {:?}", m.body);
    let latin = b"Subject: x\nContent-Type: text/plain; charset=iso-8859-1\nContent-Transfer-Encoding: quoted-printable\n\nBo=EEte pleine\n";
    assert!(Mail::parse(latin).body.contains("Boîte pleine"));
    let unknown = b"Subject: x\nContent-Type: text/plain; charset=x-no-such-charset\n\nplain words\n";
    assert!(Mail::parse(unknown).body.contains("plain words"), "unknown charsets fall back to the raw text");
}

#[test]
fn html_parts_become_text() {
    let m = Mail::parse(b"Subject: x\nContent-Type: text/html\n\n<p>User <b>unknown</b></p><style>p{}</style>");
    assert!(m.body.contains("User unknown"));
    assert!(!m.body.contains("p{}"));
}

#[test]
fn binary_attachments_do_not_enter_the_body() {
    let big = "A".repeat(300_000);
    let raw = format!("Subject: x\nContent-Type: multipart/mixed; boundary=Z\n\n--Z\nContent-Type: text/plain\n\nerror text\n--Z\nContent-Type: application/octet-stream\nContent-Transfer-Encoding: base64\n\n{big}\n--Z--\n");
    let m = Mail::parse(raw.as_bytes());
    assert!(m.body.contains("error text"));
    assert!(m.body.len() < 10_000, "attachment kept out: {} bytes", m.body.len());
}

#[test]
fn garbage_never_fails() {
    for raw in [&b""[..], b"\x00\x01\x02", b"no headers at all", b"Content-Type: multipart/mixed; boundary=\n\n--\n--\n", &[0xff; 1000][..]] {
        let _ = Mail::parse(raw);
    }
}

#[test]
fn mbox_split() {
    let mbox = format!("From MAILER-DAEMON Mon Jan  1 00:00:00 2024\n{DSN}\nFrom MAILER-DAEMON Mon Jan  1 00:00:01 2024\n{DSN}");
    assert!(bouncekit_mime::is_mbox(mbox.as_bytes()));
    assert_eq!(split_mbox(mbox.as_bytes()).len(), 2);
    assert!(!bouncekit_mime::is_mbox(b"From: someone@example.org\n\nx"));
}

#[test]
fn dsn_fields_and_continuations() {
    let r = dsn::parse("Reporting-MTA: dns; mx\n\nFinal-Recipient: RFC822; a@example.com\nStatus: 4.4.1\nDiagnostic-Code: X-Postfix; connect to\n    mx.example.com: Connection timed out\n");
    assert_eq!(r.recipients.len(), 1);
    let d = dsn::field(&r.recipients[0], "diagnostic-code").expect("present");
    assert_eq!(dsn::strip_type(d), (Some("X-Postfix"), "connect to mx.example.com: Connection timed out"));
    assert_eq!(dsn::strip_type("rfc822;a@b.org"), (Some("rfc822"), "a@b.org"));
    assert_eq!(dsn::strip_type("no type here"), (None, "no type here"));
}

#[test]
fn dates() {
    use bouncekit_mime::date::parse;
    assert_eq!(parse("Thu, 01 Jan 1970 00:00:00 +0000"), Some(0));
    assert_eq!(parse("1 Jan 1970 01:00:00 +0100"), Some(0));
    assert_eq!(parse("Fri, 1 Oct 2010 19:15:19 +0900"), Some(1_285_928_119));
    assert_eq!(parse("rfc822; Thu, 01 Jan 1970 00:00:10 GMT"), Some(10));
    assert_eq!(parse("not a date"), None);
}
mod fuzzed;
