//! Inputs found by fuzzing (fuzz/, docs/fuzzing.md), kept as regression tests.

use bouncekit_classify::classify_reply;

/// A multi-byte character right before " does not exist" (a phrase that counts only
/// after a domain name) made the domain scan slice inside the character and panic.
#[test]
fn multibyte_character_before_an_after_domain_phrase() {
    for text in [
        "553 5.1.8 <sender@example.invalid>... Domain of sender address sender@exam\u{fffd}\u{fffd} does not exist",
        "553 ü does not exist",
        "553 mx.example.日本 does not exist",
        "553 日本.example.com does not exist",
    ] {
        let record = classify_reply(text);
        assert_eq!(record.reply_code.map(|c| c.get()), Some(553), "{text}");
    }
}
