//! Inputs found by fuzzing (fuzz/, docs/fuzzing.md), kept as regression tests.

use bouncekit_mime::Mail;

/// A message/rfc822 part whose body is itself only a Content-Type line for another
/// message/rfc822, inside a multipart that then closes. mail-parser 0.11 recovers from it
/// in release builds but trips a `debug_assert!` ("Invalid part ID, could not find
/// multipart") in debug builds, so test builds (and the fuzz build) used to panic where
/// the shipped binary did not. The workspace profiles now build mail-parser without debug
/// assertions; this keeps both behaviours the same.
#[test]
fn nested_rfc822_parts_closing_a_multipart() {
    let raw = b"-Veion: 10\nContent-Type: multipart/mixed;\n\tboundary=\"FFFF000020.0000110000/e4.example.com\"\n\n\n\
--FFFF000020.0000110000/e4.example.com\nContdelg\nContent-Type: message/rfc822\n\nRee\nContent-Type: message/rfc822\n\n\
Nya\n\n--FFFF000020.0000110000/e4.example.com--\n";
    let mail = Mail::parse(raw);
    assert_eq!(mail.content_type, "multipart/mixed");
    for crlf in [false, true] {
        let input = if crlf { String::from_utf8_lossy(raw).replace('\n', "\r\n").into_bytes() } else { raw.to_vec() };
        let mail = Mail::parse(&input);
        assert!(mail.body.contains("Nya") || mail.body.contains("Ree"), "{:?}", mail.body);
    }
}

/// A delivery-status part longer than the part limit (a report naming 100 000
/// recipients) used to be cut in the middle of a recipient block, silently: the last
/// recipient became a record with a half-read status, and the rest vanished without a
/// word. The cut now falls between blocks and is reported.
#[test]
fn an_oversized_status_part_is_cut_between_recipients_and_reported() {
    let mut raw = String::from(
        "From: MAILER-DAEMON@mx.example.org\nSubject: Delivery Status Notification (Failure)\nMIME-Version: 1.0\n\
Content-Type: multipart/report; report-type=delivery-status; boundary=\"B\"\n\n--B\nContent-Type: text/plain\n\nfailed\n\n\
--B\nContent-Type: message/delivery-status\n\nReporting-MTA: dns; mx.example.org\n",
    );
    for i in 0..20_000 {
        raw.push_str(&format!("\nFinal-Recipient: rfc822; user{i}@example.com\nAction: failed\nStatus: 5.1.1\nDiagnostic-Code: smtp; 550 5.1.1 user unknown\n"));
    }
    raw.push_str("\n--B--\n");
    let mail = Mail::parse(raw.as_bytes());
    let status = mail.status_part.as_deref().expect("status part");
    assert!(status.len() <= bouncekit_mime::MAX_PART_TEXT, "{}", status.len());
    assert!(status.ends_with("user unknown\n\n"), "cut inside a block: {:?}", &status[status.len() - 80..]);
    assert!(
        mail.problems.iter().any(|p| p.contains("message/delivery-status") && p.contains("only its first 256 KiB")),
        "{:?}",
        mail.problems
    );
}

/// One status block of 40 000 fields (what fits in the part limit) used to take
/// quadratic time: every field was compared with all before it. Blocks now keep at most
/// 256 fields; the recipient blocks after such a block still count.
#[test]
fn a_status_block_with_tens_of_thousands_of_fields_is_linear() {
    let mut text = String::from("Reporting-MTA: dns; mx.example.org\n");
    for i in 0..40_000 {
        text.push_str(&format!("X-Field-{i}: {i}\n"));
    }
    text.push_str("\nFinal-Recipient: rfc822; a@example.com\nAction: failed\nStatus: 5.1.1\n");
    let started = std::time::Instant::now();
    let report = bouncekit_mime::dsn::parse(&text);
    assert!(started.elapsed() < std::time::Duration::from_secs(2), "{:?}", started.elapsed());
    assert_eq!(report.recipients.len(), 1);
    assert_eq!(bouncekit_mime::dsn::field(&report.recipients[0], "status"), Some("5.1.1"));
}

/// An mbox message with one endless line used to be read whole into memory, line and
/// all, before the message size bound applied. Lines are now read in pieces, the
/// message is cut at `max_message`, and separators are still only found at line starts.
#[test]
fn an_endless_mbox_line_is_read_in_pieces() {
    let mut mbox = b"From a@example.org Thu Nov 14 22:13:20 2024\nSubject: 1\n\n".to_vec();
    mbox.extend(std::iter::repeat_n(b'x', 5 << 20));
    mbox.extend_from_slice(b"From not-a-separator\n\nFrom b@example.org Thu Nov 14 22:13:21 2024\nSubject: 2\n\nbody\n");
    let mut reader = bouncekit_mime::MboxReader::new(&mbox[..]);
    reader.max_message = 1 << 20;
    let messages: Vec<Vec<u8>> = reader.map(|m| m.expect("read")).collect();
    assert_eq!(messages.len(), 2);
    assert!(messages[0].len() <= (1 << 20) + (1 << 20), "{}", messages[0].len());
    assert!(messages[1].starts_with(b"Subject: 2"));
}
