//! Hostile bodies: oversized, malformed, deeply nested, random bytes. Errors, never panics.

use bouncekit_webhooks::sparkpost::TOKEN_HEADER;
use bouncekit_webhooks::{
    Config, HeaderToken, MailgunConfig, Provider, ReplayCache, SecretAuth, SesConfig, StaticSource, Verifier, WebhookError,
    handle,
};

use crate::common::{NOW, run};

const TOKEN: &str = "limits-token-0123456789";

fn token_auth() -> Option<SecretAuth> {
    Some(SecretAuth { basic: None, token: Some(HeaderToken { header: "X-Token".into(), token: TOKEN.into() }) })
}

fn verifier(max_body: usize) -> Verifier {
    let cfg = Config {
        max_body,
        ses: Some(SesConfig::default()),
        mailgun: Some(MailgunConfig::new("key-limits-0123456789abcdef")),
        postmark: token_auth(),
        sparkpost: token_auth(),
        ..Config::default()
    };
    Verifier::new(cfg).expect("config").with_certificate_source(Box::new(StaticSource::new()))
}

const HEADERS: &[(&str, &str)] = &[("X-Token", TOKEN)];

#[test]
fn oversized_body_is_refused_before_anything_else() {
    let v = verifier(1024);
    for p in Provider::ALL {
        let err = run(*p, &[], &[b' '; 1025], &v).expect_err("too large");
        assert!(matches!(err, WebhookError::BodyTooLarge { size: 1025, limit: 1024 }), "{p}: {err}");
        assert_eq!(err.status(), 413);
    }
}

#[test]
fn unconfigured_provider_is_refused() {
    let err = run(Provider::SendGrid, &[], b"[]", &verifier(1024)).expect_err("off");
    assert!(matches!(err, WebhookError::NotConfigured(Provider::SendGrid)));
    assert_eq!(err.status(), 404);
}

#[test]
fn malformed_json_is_a_clear_error() {
    let v = verifier(1 << 20);
    for (p, body) in [
        (Provider::Postmark, &b"{\"RecordType\": \"Bounce\""[..]),
        (Provider::SparkPost, &b"[{\"msys\": "[..]),
        (Provider::Ses, &b"<xml/>"[..]),
        (Provider::Mailgun, &b"signature=abc&token=def"[..]),
        (Provider::Postmark, &b"\xff\xfe{}"[..]),
        (Provider::Postmark, &b"42"[..]),
        (Provider::SparkPost, &b"{}"[..]),
    ] {
        let err = run(p, HEADERS, body, &v).expect_err("malformed");
        assert!(matches!(err, WebhookError::Malformed { provider, .. } if provider == p), "{p}: {err}");
        assert_eq!(err.status(), 400);
        assert!(err.to_string().contains(p.as_str()), "{err}");
    }
}

#[test]
fn deeply_nested_json_is_refused_without_overflowing_the_stack() {
    let v = verifier(1 << 20);
    let deep = format!("{}{}", "[".repeat(100_000), "]".repeat(100_000));
    for p in [Provider::Postmark, Provider::SparkPost, Provider::Ses, Provider::Mailgun] {
        let err = run(p, HEADERS, deep.as_bytes(), &v).expect_err("deep");
        assert!(matches!(err, WebhookError::Malformed { .. } | WebhookError::MissingCredentials(_)), "{p}: {err}");
    }
}

#[test]
fn wrong_shapes_inside_valid_json_are_malformed() {
    let v = verifier(1 << 20);
    for body in [
        &br#"{"RecordType": "Bounce"}"#[..],
        br#"{"RecordType": "Bounce", "Email": []}"#,
        br#"[1, 2, 3]"#,
        br#"{"RecordType": "Delivery", "Recipient": {"a": 1}}"#,
    ] {
        let err = run(Provider::Postmark, HEADERS, body, &v).expect_err("shape");
        assert!(matches!(err, WebhookError::Malformed { .. }), "{err}");
    }
    for body in [&br#"[{"msys": []}]"#[..], br#"[{"msys": {"message_event": 5}}]"#, br#"[{"msys": {"message_event": {"type": "bounce"}}}]"#] {
        let err = run(Provider::SparkPost, &[(TOKEN_HEADER, "x"), ("X-Token", TOKEN)], body, &v).expect_err("shape");
        assert!(matches!(err, WebhookError::Malformed { .. }), "{err}");
    }
}

#[test]
fn random_bytes_never_panic() {
    let v = verifier(1 << 16);
    let cache = ReplayCache::new(16);
    let mut seed: u64 = 0x9E37_79B9_7F4A_7C15;
    let mut next = || {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        seed
    };
    let pieces: &[&[u8]] = &[
        b"{", b"}", b"[", b"]", b"\"", b":", b",", b"null", b"1e999", b"-0", b"\"RecordType\"", b"\"Bounce\"", b"\"msys\"",
        b"\"message_event\"", b"\"type\"", b"\"Email\"", b"\"Details\"", b"\"smtp; 550 5.1.1\"", b"\xff", b"\\u0000",
        b"\"Type\"", b"\"Notification\"", b"\"signature\"", b"\"event-data\"",
    ];
    for _ in 0..3000 {
        let n = (next() % 40) as usize;
        let mut body = Vec::new();
        for _ in 0..n {
            body.extend_from_slice(pieces[(next() % pieces.len() as u64) as usize]);
        }
        for p in Provider::ALL {
            let _ = handle(*p, HEADERS, &body, NOW, &v, &cache);
        }
    }
}
