//! Every registered code × every class the registry documents × {en, de} has every
//! section, and no two entries share their summary, causes or fixes.

use std::collections::BTreeMap;

use bouncekit_codes::{KnowledgeBase, Lang, explain_reply, explain_status};
use bouncekit_core::registry::ENTRIES;

#[test]
fn every_registered_code_and_class_in_both_languages() {
    let kb = KnowledgeBase::get();
    let mut problems = Vec::new();
    let mut pages = 0;
    for lang in Lang::ALL {
        let data = kb.lang(lang);
        assert_eq!(data.codes.len(), ENTRIES.len(), "{lang}: every registry code has an entry");
        for e in ENTRIES {
            let generic = e.generic();
            let Some(entry) = data.codes.get(&generic) else {
                problems.push(format!("{lang} {generic}: missing"));
                continue;
            };
            let mut classes: Vec<u8> = entry.class.keys().filter_map(|k| k.parse().ok()).collect();
            classes.sort();
            if classes != e.classes {
                problems.push(format!("{lang} {generic}: classes {classes:?}, registry {:?}", e.classes));
            }
            for (name, v) in [("title", &entry.title), ("detail", &entry.detail), ("category", &entry.category), ("technical", &entry.technical)] {
                if v.trim().is_empty() {
                    problems.push(format!("{lang} {generic}: {name} empty"));
                }
            }
            if entry.best_practices.len() < 2 || entry.investigate.len() < 3 || entry.provider_notes.is_empty() || entry.related.is_empty() {
                problems.push(format!("{lang} {generic}: best practices, investigation, provider notes or related codes missing"));
            }
            for r in &entry.related {
                if !data.codes.contains_key(r) {
                    problems.push(format!("{lang} {generic}: related code {r} does not exist"));
                }
            }
            for &class in e.classes {
                let code = bouncekit_core::StatusCode::new(class, e.subject, e.detail).expect("registry code is valid");
                let page = explain_status(code, lang).expect("registered code explains");
                pages += 1;
                let texts = [
                    ("summary", &page.summary),
                    ("type_explained", &page.type_explained),
                    ("action", &page.action),
                    ("counterpart_difference", &page.counterpart_difference),
                    ("class meaning", &page.class.meaning),
                    ("subject meaning", &page.subject.meaning),
                    ("detail meaning", &page.detail.meaning),
                ];
                for (name, v) in texts {
                    if v.trim().is_empty() {
                        problems.push(format!("{lang} {code}: {name} empty"));
                    }
                }
                if !["hard", "soft", "block", "success"].contains(&page.bounce_type.as_str()) {
                    problems.push(format!("{lang} {code}: bounce type {:?}", page.bounce_type));
                }
                if page.causes.len() < 4 || page.marketer_fixes.len() < 3 || page.developer_fixes.len() < 3 || page.examples.len() < 2 {
                    problems.push(format!("{lang} {code}: too few causes, fixes or examples"));
                }
                if let Some(c) = &page.counterpart {
                    if c.parse::<bouncekit_core::StatusCode>().map(|s| s.is_registered()) != Ok(true) {
                        problems.push(format!("{lang} {code}: counterpart {c} is not a registered code"));
                    }
                }
                if class == 2 && page.bounce_type != "success" || class != 2 && page.bounce_type == "success" {
                    problems.push(format!("{lang} {code}: bounce type {} does not fit class {class}", page.bounce_type));
                }
            }
        }
    }
    assert!(problems.is_empty(), "{} problems:\n{}", problems.len(), problems.join("\n"));
    assert!(pages >= 2 * 120, "{pages} pages");
}

#[test]
fn no_two_entries_share_summary_causes_or_fixes() {
    let kb = KnowledgeBase::get();
    let mut dupes = Vec::new();
    for lang in Lang::ALL {
        for field in ["summary", "causes", "marketer_fixes", "developer_fixes"] {
            let mut seen: BTreeMap<String, String> = BTreeMap::new();
            for (code, entry) in &kb.lang(lang).codes {
                for (class, e) in &entry.class {
                    let v = match field {
                        "summary" => e.summary.clone(),
                        "causes" => e.causes.join("\n"),
                        "marketer_fixes" => e.marketer_fixes.join("\n"),
                        _ => e.developer_fixes.join("\n"),
                    };
                    let key = format!("{class}{}", &code[1..]);
                    if let Some(prev) = seen.insert(v, key.clone()) {
                        dupes.push(format!("{lang} {field}: {prev} and {key}"));
                    }
                }
            }
        }
    }
    assert!(dupes.is_empty(), "identical content:\n{}", dupes.join("\n"));
}

#[test]
fn every_reply_code_in_both_languages() {
    let kb = KnowledgeBase::get();
    let en: Vec<u16> = kb.lang(Lang::En).replies.keys().copied().collect();
    let de: Vec<u16> = kb.lang(Lang::De).replies.keys().copied().collect();
    assert_eq!(en, de, "en and de list the same reply codes");
    assert!(en.len() >= 40, "{} reply codes", en.len());
    for lang in Lang::ALL {
        for code in &en {
            let page = explain_reply(bouncekit_core::ReplyCode::new(*code).expect("valid"), lang).expect("explains");
            assert!(!page.meaning.is_empty() && page.when_sent.len() >= 2 && page.what_to_do.len() >= 2, "{lang} {code}");
            for e in &page.enhanced {
                let s: bouncekit_core::StatusCode = e.parse().unwrap_or_else(|_| panic!("{lang} {code}: paired code {e} malformed"));
                assert!(s.is_registered(), "{lang} {code}: paired code {e} not registered");
            }
        }
    }
}

#[test]
fn german_is_german() {
    // Real German text has umlauts or ß in nearly every paragraph; an untranslated
    // English entry has none.
    let kb = KnowledgeBase::get();
    let mut english_like = Vec::new();
    for (code, entry) in &kb.lang(Lang::De).codes {
        for (class, e) in &entry.class {
            let text = format!("{} {}", e.summary, e.causes.join(" "));
            let has_german = text.chars().any(|c| "äöüÄÖÜß".contains(c)) || [" der ", " die ", " das ", " und ", " nicht "].iter().any(|w| text.contains(w));
            if !has_german {
                english_like.push(format!("{class}{}", &code[1..]));
            }
        }
    }
    assert!(english_like.is_empty(), "German entries that read like English: {english_like:?}");
}
