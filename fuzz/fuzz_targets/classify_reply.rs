//! SMTP replies: any text, multi-line or not. Classification must not panic, the codes
//! it finds must be valid and print back to themselves, and the record must survive a
//! JSON round trip.
#![no_main]

use bouncekit_classify::{address, classify_reply, smtp};
use bouncekit_core::{Record, ReplyCode, StatusCode};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let record = classify_reply(&text);
    if let Some(status) = record.status {
        assert_eq!(status.to_string().parse::<StatusCode>().ok(), Some(status));
    }
    if let Some(reply) = record.reply_code {
        assert!((200..600).contains(&reply.get()), "reply code {reply:?}");
        assert_eq!(reply.get().to_string().parse::<ReplyCode>().ok(), Some(reply));
    }
    let json = serde_json::to_string(&record).expect("a record serialises");
    let back: Record = serde_json::from_str(&json).expect("a serialised record reads back");
    assert_eq!(back, record, "JSON round trip of {json}");

    // The pieces on their own, as the bounce formats call them.
    let _ = smtp::find_codes(&text);
    let _ = smtp::codes_in(&text);
    let _ = smtp::find_command(&text);
    let _ = smtp::find_remote_host(&text);
    let _ = smtp::find_recipient(&text);
    let _ = address::addresses(&text);
    if let Some(a) = address::normalize(&text) {
        assert_eq!(address::normalize(&a).as_deref(), Some(a.as_str()), "normalisation is idempotent");
    }
    if let Ok(code) = text.parse::<StatusCode>() {
        assert_eq!(code.to_string().parse::<StatusCode>().ok(), Some(code));
    }
});
