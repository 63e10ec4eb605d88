//! The explain API on odd input: unregistered details, undocumented classes, malformed
//! codes, languages.

use bouncekit_codes::{Code, ExplainError, Lang, explain_status, parse_code, render};

fn status(s: &str) -> bouncekit_core::StatusCode {
    s.parse().expect("valid code")
}

#[test]
fn unregistered_detail_is_explained_at_subject_level() {
    let page = explain_status(status("5.7.600"), Lang::En).expect("explains");
    assert!(!page.registered);
    assert_eq!(page.subject.digit, 7);
    assert!(!page.summary.is_empty(), "falls back to X.7.0 text");
    assert!(page.detail.meaning.contains("600"));
    let text = render::status(&page, render::Style::Text);
    assert!(text.contains("Not in the IANA registry"));
}

#[test]
fn undocumented_class_shows_nearest_and_says_so() {
    // X.1.2 is documented for class 5 only.
    let page = explain_status(status("4.1.2"), Lang::En).expect("explains");
    assert!(page.registered);
    assert!(!page.class_documented);
    assert_eq!(page.shown_class, 5);
}

#[test]
fn malformed_codes_suggest_valid_ones() {
    match parse_code("5.1") {
        Err(ExplainError::Malformed { nearest, .. }) => assert!(nearest.iter().any(|c| c.starts_with("5.1.")), "{nearest:?}"),
        other => panic!("{other:?}"),
    }
    match parse_code("599") {
        Err(ExplainError::UnknownReply { nearest, .. }) => assert!(!nearest.is_empty()),
        other => panic!("{other:?}"),
    }
    match parse_code("5.9.1").map(|c| match c {
        Code::Status(s) => explain_status(s, Lang::En).map(|_| ()),
        Code::Reply(_) => Ok(()),
    }) {
        Ok(Err(ExplainError::UnknownSubject { nearest, .. })) => assert!(!nearest.is_empty()),
        other => panic!("{other:?}"),
    }
    let e = parse_code("hello").unwrap_err().to_string();
    assert!(e.contains("hello") && e.contains("did you mean"), "{e}");
}

#[test]
fn languages() {
    assert_eq!("de".parse::<Lang>().ok(), Some(Lang::De));
    assert_eq!(Lang::from_locale("de_DE.UTF-8"), Some(Lang::De));
    assert_eq!(Lang::from_locale("en_US.UTF-8"), Some(Lang::En));
    assert_eq!(Lang::from_locale("C"), None);
    let de = render::status(&explain_status(status("5.3.0"), Lang::De).expect("explains"), render::Style::Markdown);
    assert!(de.contains("## Häufige Ursachen"), "{de}");
}
