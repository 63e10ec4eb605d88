//! Enhanced status codes (RFC 3463) and basic reply codes (RFC 5321).

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// Why a string is not a valid status or reply code.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CodeError {
    /// The text does not have the `class.subject.detail` shape.
    #[error("`{0}` is not an enhanced status code: expected class.subject.detail such as 5.1.1")]
    Shape(String),
    /// The class digit is not 2, 4 or 5.
    #[error("`{0}` has class {1}; enhanced status codes have class 2, 4 or 5")]
    Class(String, u8),
    /// Subject or detail has more than three digits.
    #[error("`{0}` has a subject or detail longer than three digits")]
    TooLong(String),
    /// The text is not a three-digit reply code between 200 and 599.
    #[error("`{0}` is not an SMTP reply code: expected three digits from 200 to 599")]
    Reply(String),
}

/// An enhanced mail system status code, `class.subject.detail` (RFC 3463).
///
/// Subject and detail may each have up to three digits; the registry only uses subjects
/// 0–7, but private extensions (Microsoft's 4.7.500–699, Sisimai's 5.0.9xx) exist and must
/// round-trip unchanged, so any value up to 999 is accepted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct StatusCode {
    class: u8,
    subject: u16,
    detail: u16,
}

impl StatusCode {
    /// Builds a code from its parts; `None` when the class is not 2, 4 or 5 or a part
    /// exceeds three digits.
    pub fn new(class: u8, subject: u16, detail: u16) -> Option<Self> {
        if !matches!(class, 2 | 4 | 5) || subject > 999 || detail > 999 {
            return None;
        }
        Some(Self { class, subject, detail })
    }

    /// The class digit: 2 success, 4 persistent transient failure, 5 permanent failure.
    pub fn class(self) -> u8 {
        self.class
    }

    /// The subject: 0 other, 1 addressing, 2 mailbox, 3 mail system, 4 network and
    /// routing, 5 mail delivery protocol, 6 content, 7 security or policy.
    pub fn subject(self) -> u16 {
        self.subject
    }

    /// The detail number within the subject.
    pub fn detail(self) -> u16 {
        self.detail
    }

    /// The same subject and detail in another class (`5.3.0` → `4.3.0`).
    pub fn with_class(self, class: u8) -> Option<Self> {
        Self::new(class, self.subject, self.detail)
    }

    /// True for class 5.
    pub fn is_permanent(self) -> bool {
        self.class == 5
    }

    /// True for class 4.
    pub fn is_transient(self) -> bool {
        self.class == 4
    }

    /// True when `subject.detail` is an enumerated code of the IANA registry.
    pub fn is_registered(self) -> bool {
        registry_entry(self).is_some()
    }

    /// The registry's sample text for this subject and detail, if registered.
    pub fn registry_title(self) -> Option<&'static str> {
        registry_entry(self).map(|e| e.title)
    }

    /// True when `reply` is a failure of the other class (`550 4.4.7`): such pairs are
    /// kept and flagged, never silently corrected. Success codes never disagree.
    pub fn disagrees_with(self, reply: ReplyCode) -> bool {
        self.class != reply.class() && self.class != 2 && reply.class() != 2
    }

    /// The `X.s.d` form used by the registry for this code's subject and detail.
    pub fn generic(self) -> String {
        format!("X.{}.{}", self.subject, self.detail)
    }
}

fn registry_entry(code: StatusCode) -> Option<&'static crate::registry::Entry> {
    crate::registry::lookup(code.subject, code.detail)
}

impl fmt::Display for StatusCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}.{}.{}", self.class, self.subject, self.detail)
    }
}

impl FromStr for StatusCode {
    type Err = CodeError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let t = s.trim();
        let mut parts = t.split('.');
        let (Some(c), Some(sub), Some(det), None) =
            (parts.next(), parts.next(), parts.next(), parts.next())
        else {
            return Err(CodeError::Shape(t.to_string()));
        };
        let digits = |p: &str| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit());
        if c.len() != 1 || !digits(c) || !digits(sub) || !digits(det) {
            return Err(CodeError::Shape(t.to_string()));
        }
        if sub.len() > 3 || det.len() > 3 {
            return Err(CodeError::TooLong(t.to_string()));
        }
        let class = c.as_bytes()[0] - b'0';
        let subject: u16 = sub.parse().map_err(|_| CodeError::Shape(t.to_string()))?;
        let detail: u16 = det.parse().map_err(|_| CodeError::Shape(t.to_string()))?;
        StatusCode::new(class, subject, detail).ok_or(CodeError::Class(t.to_string(), class))
    }
}

impl Serialize for StatusCode {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for StatusCode {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        s.parse().map_err(serde::de::Error::custom)
    }
}

/// A basic SMTP reply code (RFC 5321 section 4.2), 200–599.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ReplyCode(u16);

impl ReplyCode {
    /// `None` unless `n` is a three-digit code whose first digit is 2–5 and whose second
    /// digit is 0–5 (RFC 5321 defines no others; anything else in a bounce is noise).
    pub fn new(n: u16) -> Option<Self> {
        let (a, b) = (n / 100, (n / 10) % 10);
        ((2..=5).contains(&a) && b <= 5).then_some(Self(n))
    }

    /// The numeric value.
    pub fn get(self) -> u16 {
        self.0
    }

    /// The first digit: 2 completion, 3 intermediate, 4 transient, 5 permanent.
    pub fn class(self) -> u8 {
        (self.0 / 100) as u8
    }

    /// True for 5yz.
    pub fn is_permanent(self) -> bool {
        self.class() == 5
    }

    /// True for 4yz.
    pub fn is_transient(self) -> bool {
        self.class() == 4
    }
}

impl fmt::Display for ReplyCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0)
    }
}

impl FromStr for ReplyCode {
    type Err = CodeError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let t = s.trim();
        if t.len() != 3 || !t.bytes().all(|b| b.is_ascii_digit()) {
            return Err(CodeError::Reply(t.to_string()));
        }
        let n: u16 = t.parse().map_err(|_| CodeError::Reply(t.to_string()))?;
        ReplyCode::new(n).ok_or_else(|| CodeError::Reply(t.to_string()))
    }
}

impl Serialize for ReplyCode {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for ReplyCode {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        s.parse().map_err(serde::de::Error::custom)
    }
}
