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

/// Normalising an address twice gives the result of normalising it once. A Unicode
/// white-space character (U+0085) between the domain and a trailing comma survived the
/// first pass and made the second one refuse the address.
#[test]
fn address_normalisation_is_idempotent() {
    use bouncekit_classify::address::normalize;
    for raw in ["5\u{fffd}a@4.\u{85},", "<a@example.com\u{a0}>,", "\u{2003}\"b@example.org\u{85}\".", " c@example.net ; "] {
        let once = normalize(raw);
        if let Some(a) = &once {
            assert_eq!(normalize(a).as_ref(), Some(a), "{raw:?}");
            assert!(!a.contains(char::is_whitespace), "{a:?}");
        }
    }
    assert_eq!(normalize("5\u{fffd}a@4.\u{85},"), None);
    assert_eq!(normalize("<a@example.com\u{a0}>,").as_deref(), Some("a@example.com"));
    assert_eq!(normalize(" c@example.net ; ").as_deref(), Some("c@example.net"));
}
