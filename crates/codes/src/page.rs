//! Pages: the sections of an explanation in one language, ready to render or serialise.

use bouncekit_core::StatusCode;
use bouncekit_core::registry;
use serde::Serialize;

use crate::data::{ClassEntry, CodeEntry, LangData, ProviderNote, ReplyEntry};
use crate::{KnowledgeBase, Lang};

/// One digit of a code and what it means here.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DigitExplained {
    /// The digit (or number, for details).
    pub digit: u16,
    /// Its title.
    pub title: String,
    /// What it means.
    pub meaning: String,
}

/// A related code with its title.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RelatedCode {
    /// The code, in the class of the page where the registry allows it (`5.3.4`), else
    /// `X.s.d`.
    pub code: String,
    /// Its title.
    pub title: String,
}

/// The explanation of one enhanced status code in one class and language.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct StatusPage {
    /// The code as asked (`5.3.0`).
    pub code: String,
    /// Language of the text.
    pub lang: Lang,
    /// True when subject and detail are an enumerated registry code.
    pub registered: bool,
    /// True when the registry documents the code for this class.
    pub class_documented: bool,
    /// The class whose text is shown (differs from the code's class when the registry
    /// does not document the code for it).
    pub shown_class: u8,
    /// Title in this language.
    pub title: String,
    /// The registry's own title, when registered.
    pub registry_title: Option<String>,
    /// Category label.
    pub category: String,
    /// One paragraph.
    pub summary: String,
    /// The class digit.
    pub class: DigitExplained,
    /// The subject digit.
    pub subject: DigitExplained,
    /// The detail number.
    pub detail: DigitExplained,
    /// hard, soft, block or success.
    pub bounce_type: String,
    /// Why.
    pub type_explained: String,
    /// The required action.
    pub action: String,
    /// Common causes.
    pub causes: Vec<String>,
    /// Fixes for marketers.
    pub marketer_fixes: Vec<String>,
    /// Handling for developers.
    pub developer_fixes: Vec<String>,
    /// The transient/permanent counterpart, if registered.
    pub counterpart: Option<String>,
    /// How it differs.
    pub counterpart_difference: String,
    /// Related codes.
    pub related: Vec<RelatedCode>,
    /// Example bounce lines.
    pub examples: Vec<String>,
    /// Typical provider responses and provider meanings.
    pub provider_notes: Vec<ProviderNote>,
    /// Best practices.
    pub best_practices: Vec<String>,
    /// Technical details.
    pub technical: String,
    /// What to investigate when many arrive.
    pub investigate: Vec<String>,
    /// Classes the registry documents the code for.
    pub valid_classes: Vec<u8>,
    /// Associated basic reply codes as the registry lists them.
    pub basic_reply_codes: String,
}

/// The explanation of one reply code in one language.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ReplyPage {
    /// The code.
    pub code: u16,
    /// Language.
    pub lang: Lang,
    /// Title.
    pub title: String,
    /// What the first digit means.
    pub first_digit: String,
    /// Meaning.
    pub meaning: String,
    /// When servers send it.
    pub when_sent: Vec<String>,
    /// hard, soft, block, success or intermediate.
    pub bounce_type: String,
    /// What to do.
    pub what_to_do: Vec<String>,
    /// Enhanced codes typically paired with it.
    pub enhanced: Vec<String>,
}

fn digit(data: &LangData, class_or_subject: bool, d: u16) -> DigitExplained {
    let map = if class_or_subject { &data.classes } else { &data.subjects };
    match map.get(&d) {
        Some(x) => DigitExplained { digit: d, title: x.title.clone(), meaning: x.meaning.clone() },
        None => DigitExplained { digit: d, title: String::new(), meaning: String::new() },
    }
}

/// The class entry to show for `class`: its own, else the nearest documented one
/// (5 before 4 before 2 for failures, 2 for success).
fn class_entry(entry: &CodeEntry, class: u8) -> Option<(u8, &ClassEntry)> {
    let order: &[u8] = match class {
        2 => &[2, 5, 4],
        4 => &[4, 5, 2],
        _ => &[5, 4, 2],
    };
    order.iter().find_map(|c| entry.class.get(&c.to_string()).map(|e| (*c, e)))
}

pub(crate) fn status_page(data: &LangData, code: StatusCode, lang: Lang) -> StatusPage {
    let class = code.class();
    let generic = format!("X.{}.{}", code.subject(), code.detail());
    let reg = registry::lookup(code.subject(), code.detail());
    let (entry, registered) = match data.codes.get(&generic) {
        Some(e) => (Some(e), true),
        // Unregistered detail: explain at subject level through X.s.0.
        None => (data.codes.get(&format!("X.{}.0", code.subject())), false),
    };
    let class_d = digit(data, true, u16::from(class));
    let subject_d = digit(data, false, code.subject());
    let valid_classes = reg.map(|r| r.classes.to_vec()).unwrap_or_default();
    let Some(entry) = entry else {
        // Only X.6.10-like oddities without any entry end up here: class and subject only.
        return bare_page(code, lang, class_d, subject_d, valid_classes);
    };
    let shown = class_entry(entry, class);
    let (shown_class, ce) = match shown {
        Some((c, e)) => (c, Some(e)),
        None => (class, None),
    };
    let with_class = |x: &str| -> String {
        // `X.3.4` → `5.3.4` when the registry documents it for the page's class.
        let parts: Vec<&str> = x.split('.').collect();
        if let (Some(s), Some(d)) = (parts.get(1).and_then(|s| s.parse().ok()), parts.get(2).and_then(|d| d.parse().ok())) {
            if registry::lookup(s, d).is_some_and(|e| e.valid_in(class)) {
                return format!("{class}.{s}.{d}");
            }
        }
        x.to_string()
    };
    let related = entry
        .related
        .iter()
        .map(|r| RelatedCode { code: with_class(r), title: data.codes.get(r).map(|e| e.title.clone()).unwrap_or_default() })
        .collect();
    let detail_meaning = if registered {
        entry.detail.clone()
    } else {
        match lang {
            Lang::En => format!(
                "Detail {} is not in the IANA registry for subject {}: it is a private extension of the server that sent it. Read it as a {}.{}.x code of this subject; the provider's text decides the rest.",
                code.detail(),
                code.subject(),
                class,
                code.subject()
            ),
            Lang::De => format!(
                "Detail {} ist für Subjekt {} nicht im IANA-Register verzeichnet: Es ist eine eigene Erweiterung des Servers, der ihn gesendet hat. Lesen Sie ihn als {}.{}.x-Code dieses Subjekts; alles Weitere ergibt sich aus dem Text des Anbieters.",
                code.detail(),
                code.subject(),
                class,
                code.subject()
            ),
        }
    };
    let ce_or = |f: fn(&ClassEntry) -> String| ce.map(f).unwrap_or_default();
    let list_or = |f: fn(&ClassEntry) -> Vec<String>| ce.map(f).unwrap_or_default();
    StatusPage {
        code: code.to_string(),
        lang,
        registered,
        class_documented: valid_classes.contains(&class),
        shown_class,
        title: if registered { entry.title.clone() } else { subject_d.title.clone() },
        registry_title: reg.map(|r| r.title.to_string()).filter(|t| !t.is_empty()),
        category: entry.category.clone(),
        summary: ce_or(|e| e.summary.clone()),
        class: class_d,
        subject: subject_d,
        detail: DigitExplained { digit: code.detail(), title: if registered { entry.title.clone() } else { String::new() }, meaning: detail_meaning },
        bounce_type: ce_or(|e| e.bounce_type.clone()),
        type_explained: ce_or(|e| e.type_explained.clone()),
        action: ce_or(|e| e.action.clone()),
        causes: list_or(|e| e.causes.clone()),
        marketer_fixes: list_or(|e| e.marketer_fixes.clone()),
        developer_fixes: list_or(|e| e.developer_fixes.clone()),
        counterpart: ce.map(|e| e.counterpart.clone()).filter(|c| !c.is_empty()),
        counterpart_difference: ce_or(|e| e.counterpart_difference.clone()),
        related,
        examples: list_or(|e| e.examples.clone()),
        provider_notes: entry.provider_notes.clone(),
        best_practices: entry.best_practices.clone(),
        technical: entry.technical.clone(),
        investigate: entry.investigate.clone(),
        valid_classes,
        basic_reply_codes: reg.map(|r| r.basic.to_string()).unwrap_or_default(),
    }
}

fn bare_page(code: StatusCode, lang: Lang, class: DigitExplained, subject: DigitExplained, valid_classes: Vec<u8>) -> StatusPage {
    StatusPage {
        code: code.to_string(),
        lang,
        registered: false,
        class_documented: false,
        shown_class: code.class(),
        title: subject.title.clone(),
        registry_title: None,
        category: subject.title.clone(),
        summary: format!("{} {}", class.meaning, subject.meaning),
        class,
        subject,
        detail: DigitExplained { digit: code.detail(), title: String::new(), meaning: String::new() },
        bounce_type: String::new(),
        type_explained: String::new(),
        action: String::new(),
        causes: vec![],
        marketer_fixes: vec![],
        developer_fixes: vec![],
        counterpart: None,
        counterpart_difference: String::new(),
        related: vec![],
        examples: vec![],
        provider_notes: vec![],
        best_practices: vec![],
        technical: String::new(),
        investigate: vec![],
        valid_classes,
        basic_reply_codes: String::new(),
    }
}

pub(crate) fn reply_page(data: &LangData, e: &ReplyEntry, lang: Lang) -> ReplyPage {
    let first = match (e.code / 100, lang) {
        (2, Lang::En) => "2yz: positive completion — the command succeeded.",
        (3, Lang::En) => "3yz: positive intermediate — the server waits for more (DATA content, AUTH response).",
        (4, Lang::En) => "4yz: transient negative completion — not now; the client should retry later.",
        (5, Lang::En) => "5yz: permanent negative completion — not like this; retrying the same request will fail again.",
        (2, Lang::De) => "2yz: positive Antwort — der Befehl wurde ausgeführt.",
        (3, Lang::De) => "3yz: positive Zwischenantwort — der Server wartet auf weitere Daten (Nachrichteninhalt, AUTH-Antwort).",
        (4, Lang::De) => "4yz: vorübergehender Fehler — jetzt nicht; der Client soll es später erneut versuchen.",
        (5, Lang::De) => "5yz: dauerhafter Fehler — so nicht; derselbe Versuch wird wieder scheitern.",
        _ => "",
    };
    let _ = data;
    ReplyPage {
        code: e.code,
        lang,
        title: e.title.clone(),
        first_digit: first.to_string(),
        meaning: e.meaning.clone(),
        when_sent: e.when_sent.clone(),
        bounce_type: e.bounce_type.clone(),
        what_to_do: e.what_to_do.clone(),
        enhanced: e.enhanced.clone(),
    }
}

/// Registered codes that look like `code`: same class, nearest subject and detail.
pub(crate) fn nearest_status(code: StatusCode) -> Vec<String> {
    let class = code.class();
    let mut cands: Vec<(u32, String)> = registry::ENTRIES
        .iter()
        .filter(|e| e.valid_in(class))
        .map(|e| {
            let ds = u32::from(e.subject.abs_diff(code.subject().min(7)));
            let dd = u32::from(e.detail.abs_diff(code.detail()));
            (ds * 100 + dd, format!("{class}.{}.{}", e.subject, e.detail))
        })
        .collect();
    cands.sort();
    cands.into_iter().take(3).map(|c| c.1).collect()
}

/// Defined reply codes closest in value to `n`.
pub(crate) fn nearest_reply(data: &LangData, n: u16) -> Vec<String> {
    let mut cands: Vec<(u16, u16)> = data.replies.keys().map(|k| (k.abs_diff(n), *k)).collect();
    cands.sort();
    cands.into_iter().take(3).map(|c| c.1.to_string()).collect()
}

/// Valid codes that share the digits of a malformed input (`5.1` → 5.1.0, 5.1.1…,
/// `5-3-0` → 5.3.0, `55` → 550, 551…).
pub(crate) fn nearest_to_text(t: &str) -> Vec<String> {
    let digits: Vec<u16> = t.split(|c: char| !c.is_ascii_digit()).filter(|p| !p.is_empty()).filter_map(|p| p.parse().ok()).collect();
    match digits.as_slice() {
        [c, s, d, ..] if matches!(c, 2 | 4 | 5) => StatusCode::new(*c as u8, (*s).min(7), *d).map(nearest_status).unwrap_or_default(),
        [c, s] if matches!(c, 2 | 4 | 5) => registry::ENTRIES
            .iter()
            .filter(|e| e.subject == (*s).min(7) && e.valid_in(*c as u8))
            .take(3)
            .map(|e| format!("{c}.{}.{}", e.subject, e.detail))
            .collect(),
        [n] if *n < 1000 => {
            let data = KnowledgeBase::get().lang(Lang::En);
            let scaled = if *n < 10 { n * 100 } else if *n < 100 { n * 10 } else { *n };
            nearest_reply(data, scaled)
        }
        _ => vec!["5.1.1".into(), "5.3.0".into(), "550".into()],
    }
}
