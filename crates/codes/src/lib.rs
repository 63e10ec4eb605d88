//! The bouncekit knowledge base: every SMTP enhanced status code of the IANA registry, for
//! every class it is valid in, and every basic reply code, explained in English and German.
//!
//! - [`KnowledgeBase::get`] loads the compiled-in data (TOML files in `kb/`, see
//!   `kb/SCHEMA.md`);
//! - [`explain_status`] and [`explain_reply`] build a [`StatusPage`] or [`ReplyPage`]: the
//!   sections a support page has, in one language, serialisable to JSON;
//! - [`render`] turns pages into terminal text or Markdown; the web dashboard and the HTTP
//!   API render the same page structures.
//!
//! ```
//! use bouncekit_codes::{Lang, explain_status};
//! let page = explain_status("5.3.0".parse().unwrap(), Lang::De).unwrap();
//! assert!(page.registered);
//! assert!(!page.causes.is_empty());
//! ```

mod data;
mod page;
pub mod render;

use std::fmt;
use std::str::FromStr;

use bouncekit_core::{ReplyCode, StatusCode};

pub use data::{ClassEntry, CodeEntry, Digit, KnowledgeBase, LangData, ProviderNote, ReplyEntry};
pub use page::{DigitExplained, RelatedCode, ReplyPage, StatusPage};

/// A language of the knowledge base.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Lang {
    /// English.
    En,
    /// German.
    De,
}

impl Lang {
    /// Both languages.
    pub const ALL: [Lang; 2] = [Lang::En, Lang::De];

    /// The two-letter code.
    pub fn as_str(self) -> &'static str {
        match self {
            Lang::En => "en",
            Lang::De => "de",
        }
    }

    /// The language of a POSIX locale value (`de_DE.UTF-8` → German); English otherwise.
    pub fn from_locale(value: &str) -> Option<Lang> {
        let v = value.trim().to_ascii_lowercase();
        if v.is_empty() || v == "c" || v == "posix" {
            return None;
        }
        if v.starts_with("de") { Some(Lang::De) } else { Some(Lang::En) }
    }
}

impl fmt::Display for Lang {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Lang {
    type Err = ExplainError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim().to_ascii_lowercase().as_str() {
            "en" | "english" | "englisch" => Ok(Lang::En),
            "de" | "german" | "deutsch" => Ok(Lang::De),
            other => Err(ExplainError::Language(other.to_string())),
        }
    }
}

/// Why a code cannot be explained.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ExplainError {
    /// The text is neither an enhanced status code nor a reply code.
    #[error("`{input}` is not an SMTP code: expected an enhanced status code such as 5.1.1 or a reply code such as 550{}", suggest(.nearest))]
    Malformed {
        /// What was given.
        input: String,
        /// Valid codes that look like it.
        nearest: Vec<String>,
    },
    /// A well-formed reply code that no RFC defines.
    #[error("reply code {code} is not defined by RFC 5321 or its extensions{}", suggest(.nearest))]
    UnknownReply {
        /// The code.
        code: u16,
        /// The closest defined codes.
        nearest: Vec<String>,
    },
    /// A status code whose subject is outside the registry (0–7).
    #[error("`{input}` has subject {subject}, but the registry defines subjects 0 to 7 only{}", suggest(.nearest))]
    UnknownSubject {
        /// What was given.
        input: String,
        /// The subject digit.
        subject: u16,
        /// Valid codes that look like it.
        nearest: Vec<String>,
    },
    /// A language other than en and de.
    #[error("unknown language `{0}`: use en or de")]
    Language(String),
}

fn suggest(nearest: &[String]) -> String {
    if nearest.is_empty() { String::new() } else { format!("; did you mean {}?", nearest.join(", ")) }
}

/// Explains an enhanced status code. A registered code gets its own page; an unregistered
/// detail (5.7.600) is explained at class and subject level and marked unregistered; a
/// class the registry does not document the code for is explained with the nearest
/// documented class and says so.
pub fn explain_status(code: StatusCode, lang: Lang) -> Result<StatusPage, ExplainError> {
    if code.subject() > 7 {
        return Err(ExplainError::UnknownSubject {
            input: code.to_string(),
            subject: code.subject(),
            nearest: page::nearest_status(code),
        });
    }
    Ok(page::status_page(KnowledgeBase::get().lang(lang), code, lang))
}

/// Explains a basic reply code.
pub fn explain_reply(code: ReplyCode, lang: Lang) -> Result<ReplyPage, ExplainError> {
    let data = KnowledgeBase::get().lang(lang);
    match data.replies.get(&code.get()) {
        Some(entry) => Ok(page::reply_page(data, entry, lang)),
        None => Err(ExplainError::UnknownReply { code: code.get(), nearest: page::nearest_reply(data, code.get()) }),
    }
}

/// Reads a code as typed by a person: `5.3.0`, `550`, ` 5.1.1 `. Reply lines are the
/// caller's business (the classifier parses them).
pub fn parse_code(input: &str) -> Result<Code, ExplainError> {
    let t = input.trim();
    if let Ok(s) = t.parse::<StatusCode>() {
        return Ok(Code::Status(s));
    }
    if t.len() == 3 && t.bytes().all(|b| b.is_ascii_digit()) {
        let n: u16 = t.parse().unwrap_or(0);
        return match ReplyCode::new(n) {
            Some(c) => Ok(Code::Reply(c)),
            None => Err(ExplainError::UnknownReply { code: n, nearest: page::nearest_reply(KnowledgeBase::get().lang(Lang::En), n) }),
        };
    }
    Err(ExplainError::Malformed { input: t.to_string(), nearest: page::nearest_to_text(t) })
}

/// A code as a person typed it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Code {
    /// An enhanced status code.
    Status(StatusCode),
    /// A basic reply code.
    Reply(ReplyCode),
}
