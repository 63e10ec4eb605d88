//! The knowledge-base data as compiled in: one set of TOML files per language.

use std::collections::BTreeMap;
use std::sync::LazyLock;

use serde::{Deserialize, Serialize};

use crate::Lang;

/// A provider's own response and meaning for a code.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProviderNote {
    /// Who sends it.
    pub provider: String,
    /// The full code as that provider sends it (may be empty).
    #[serde(default)]
    pub code: String,
    /// The line as sent (may be empty when only the meaning is known).
    #[serde(default)]
    pub response: String,
    /// What it means at this provider.
    pub meaning: String,
}

/// The class-specific part of a code's explanation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ClassEntry {
    /// One paragraph, specific to code and class.
    pub summary: String,
    /// hard, soft, block or success.
    pub bounce_type: String,
    /// Why it is of that type.
    pub type_explained: String,
    /// The required action.
    pub action: String,
    /// Common causes.
    pub causes: Vec<String>,
    /// Fixes for an email marketer.
    pub marketer_fixes: Vec<String>,
    /// How a developer should handle it.
    pub developer_fixes: Vec<String>,
    /// The transient/permanent counterpart, "" when none is registered.
    #[serde(default)]
    pub counterpart: String,
    /// How this class differs from the counterpart.
    pub counterpart_difference: String,
    /// Example bounce lines.
    pub examples: Vec<String>,
}

/// One registered code (`X.s.d`) with its class-independent sections.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CodeEntry {
    /// `X.s.d` as the registry writes it.
    pub code: String,
    /// Readable title in this language.
    pub title: String,
    /// What the detail digit means.
    pub detail: String,
    /// Short category label.
    pub category: String,
    /// Defining RFCs, associated reply codes, protocol notes.
    pub technical: String,
    /// Related registered codes (`X.s.d`).
    #[serde(default)]
    pub related: Vec<String>,
    /// Best practices.
    #[serde(default)]
    pub best_practices: Vec<String>,
    /// What to look at when many of them arrive.
    #[serde(default)]
    pub investigate: Vec<String>,
    /// Typical provider responses and provider-specific meanings.
    #[serde(default)]
    pub provider_notes: Vec<ProviderNote>,
    /// Class-specific sections, keyed by class digit ("2", "4", "5").
    #[serde(default)]
    pub class: BTreeMap<String, ClassEntry>,
}

/// One basic reply code.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReplyEntry {
    /// The three-digit code.
    pub code: u16,
    /// Title.
    pub title: String,
    /// One paragraph.
    pub meaning: String,
    /// Situations in which servers send it.
    pub when_sent: Vec<String>,
    /// hard, soft, block, success or intermediate.
    pub bounce_type: String,
    /// What to do.
    pub what_to_do: Vec<String>,
    /// Enhanced codes typically paired with it.
    #[serde(default)]
    pub enhanced: Vec<String>,
}

/// A class or subject digit.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Digit {
    /// The digit.
    pub digit: u16,
    /// Title.
    pub title: String,
    /// What it means.
    pub meaning: String,
}

#[derive(Deserialize)]
struct SubjectFile {
    #[serde(default)]
    code: Vec<CodeEntry>,
}

#[derive(Deserialize)]
struct ReplyFile {
    reply: Vec<ReplyEntry>,
}

#[derive(Deserialize)]
struct CommonFile {
    class: Vec<Digit>,
    subject: Vec<Digit>,
}

/// Everything in one language.
#[derive(Debug, Clone, Default)]
pub struct LangData {
    /// Registered codes by `X.s.d`.
    pub codes: BTreeMap<String, CodeEntry>,
    /// Reply codes.
    pub replies: BTreeMap<u16, ReplyEntry>,
    /// Class digits 2, 4, 5.
    pub classes: BTreeMap<u16, Digit>,
    /// Subject digits 0–7.
    pub subjects: BTreeMap<u16, Digit>,
}

/// Both languages.
#[derive(Debug, Clone)]
pub struct KnowledgeBase {
    en: LangData,
    de: LangData,
}

macro_rules! kb_files {
    ($lang:literal) => {
        [
            (concat!($lang, "/x0.toml"), include_str!(concat!("../kb/", $lang, "/x0.toml"))),
            (concat!($lang, "/x1.toml"), include_str!(concat!("../kb/", $lang, "/x1.toml"))),
            (concat!($lang, "/x2.toml"), include_str!(concat!("../kb/", $lang, "/x2.toml"))),
            (concat!($lang, "/x3.toml"), include_str!(concat!("../kb/", $lang, "/x3.toml"))),
            (concat!($lang, "/x4.toml"), include_str!(concat!("../kb/", $lang, "/x4.toml"))),
            (concat!($lang, "/x5.toml"), include_str!(concat!("../kb/", $lang, "/x5.toml"))),
            (concat!($lang, "/x6.toml"), include_str!(concat!("../kb/", $lang, "/x6.toml"))),
            (concat!($lang, "/x7a.toml"), include_str!(concat!("../kb/", $lang, "/x7a.toml"))),
            (concat!($lang, "/x7b.toml"), include_str!(concat!("../kb/", $lang, "/x7b.toml"))),
        ]
    };
}

/// A data file that does not parse. The files are validated by the crate's tests, so this
/// only happens to a build whose data was edited without running them.
#[derive(Debug, thiserror::Error)]
#[error("knowledge base file {file}: {message}")]
pub struct DataError {
    file: String,
    message: String,
}

fn load(subjects: &[(&str, &str)], reply: (&str, &str), common: (&str, &str)) -> Result<LangData, DataError> {
    let err = |file: &str, e: toml::de::Error| DataError { file: file.to_string(), message: e.to_string() };
    let mut data = LangData::default();
    for (name, text) in subjects {
        let f: SubjectFile = toml::from_str(text).map_err(|e| err(name, e))?;
        for c in f.code {
            data.codes.insert(c.code.clone(), c);
        }
    }
    let r: ReplyFile = toml::from_str(reply.1).map_err(|e| err(reply.0, e))?;
    data.replies = r.reply.into_iter().map(|e| (e.code, e)).collect();
    let c: CommonFile = toml::from_str(common.1).map_err(|e| err(common.0, e))?;
    data.classes = c.class.into_iter().map(|d| (d.digit, d)).collect();
    data.subjects = c.subject.into_iter().map(|d| (d.digit, d)).collect();
    Ok(data)
}

/// Parses the compiled-in data of both languages.
pub fn load_all() -> Result<KnowledgeBase, DataError> {
    Ok(KnowledgeBase {
        en: load(&kb_files!("en"), ("en/reply.toml", include_str!("../kb/en/reply.toml")), ("en/common.toml", include_str!("../kb/en/common.toml")))?,
        de: load(&kb_files!("de"), ("de/reply.toml", include_str!("../kb/de/reply.toml")), ("de/common.toml", include_str!("../kb/de/common.toml")))?,
    })
}

static KB: LazyLock<KnowledgeBase> = LazyLock::new(|| match load_all() {
    Ok(kb) => kb,
    // The data is compiled in and checked by the tests; a failure here is a build defect.
    Err(e) => panic!("{e}"),
});

impl KnowledgeBase {
    /// The knowledge base, parsed on first use.
    pub fn get() -> &'static KnowledgeBase {
        &KB
    }

    /// One language's data.
    pub fn lang(&self, lang: Lang) -> &LangData {
        match lang {
            Lang::En => &self.en,
            Lang::De => &self.de,
        }
    }
}
