//! One module per reason: the phrases that point to it, compiled into one automaton, and
//! the precedence that decides between reasons when several match.
//!
//! A diagnostic text is scanned once by a case-insensitive Aho-Corasick automaton built
//! from every module's `PHRASES`. Each hit names a reason; the reason that stands first in
//! [`PRECEDENCE`] wins. The precedence is data and is tested as data: a specific reason
//! (hasmoved, requireptr) beats a generic one (systemerror) because the generic phrases
//! ("service unavailable") often surround the specific ones.
//!
//! Two kinds of entries are not plain phrases. A reason's `NOT` phrases show that its
//! own phrases speak of something else (a "blacklisted URL" is a list of links in the
//! message, not of sending hosts): when one occurs, the reason is not found. A reason's
//! `AFTER_DOMAIN` phrases count only right after a domain name ("example.com does not
//! exist" names a domain; "user@example.com does not exist" and "mailbox does not exist"
//! do not).

use std::sync::LazyLock;

use aho_corasick::{AhoCorasick, AhoCorasickBuilder, MatchKind};
use bouncekit_core::Reason;

mod authfailure;
mod badreputation;
mod blocked;
mod contenterror;
mod exceedlimit;
mod expired;
mod filtered;
mod hasmoved;
mod hostunknown;
mod mailboxfull;
mod mailererror;
mod mesgtoobig;
mod networkerror;
mod norelaying;
mod notaccept;
mod notcompliantrfc;
mod onhold;
mod policyviolation;
mod rejected;
mod requireptr;
mod securityerror;
mod spamdetected;
mod speeding;
mod suspend;
mod syntaxerror;
mod systemerror;
mod systemfull;
mod toomanyconn;
mod userunknown;
mod virusdetected;

/// Reasons found by phrase, most specific first. A reason missing here is never produced
/// from text alone (delivered, feedback, vacation and undefined come from the format).
pub const PRECEDENCE: &[Reason] = &[
    Reason::HasMoved,
    Reason::RequirePtr,
    Reason::AuthFailure,
    Reason::BadReputation,
    Reason::VirusDetected,
    Reason::NoRelaying,
    Reason::SecurityError,
    Reason::Speeding,
    Reason::TooManyConn,
    Reason::MesgTooBig,
    Reason::MailboxFull,
    Reason::ExceedLimit,
    Reason::Suspend,
    Reason::Rejected,
    Reason::HostUnknown,
    Reason::UserUnknown,
    Reason::NotAccept,
    Reason::Blocked,
    Reason::SpamDetected,
    Reason::PolicyViolation,
    Reason::Filtered,
    Reason::NotCompliantRfc,
    Reason::ContentError,
    Reason::SystemFull,
    Reason::MailerError,
    Reason::Expired,
    Reason::NetworkError,
    Reason::SystemError,
    Reason::SyntaxError,
    Reason::OnHold,
];

/// The phrase table of each reason.
pub(crate) fn phrases(reason: Reason) -> &'static [&'static str] {
    match reason {
        Reason::AuthFailure => authfailure::PHRASES,
        Reason::BadReputation => badreputation::PHRASES,
        Reason::Blocked => blocked::PHRASES,
        Reason::ContentError => contenterror::PHRASES,
        Reason::ExceedLimit => exceedlimit::PHRASES,
        Reason::Expired => expired::PHRASES,
        Reason::Filtered => filtered::PHRASES,
        Reason::HasMoved => hasmoved::PHRASES,
        Reason::HostUnknown => hostunknown::PHRASES,
        Reason::MailboxFull => mailboxfull::PHRASES,
        Reason::MailerError => mailererror::PHRASES,
        Reason::MesgTooBig => mesgtoobig::PHRASES,
        Reason::NetworkError => networkerror::PHRASES,
        Reason::NoRelaying => norelaying::PHRASES,
        Reason::NotAccept => notaccept::PHRASES,
        Reason::NotCompliantRfc => notcompliantrfc::PHRASES,
        Reason::OnHold => onhold::PHRASES,
        Reason::PolicyViolation => policyviolation::PHRASES,
        Reason::Rejected => rejected::PHRASES,
        Reason::RequirePtr => requireptr::PHRASES,
        Reason::SecurityError => securityerror::PHRASES,
        Reason::SpamDetected => spamdetected::PHRASES,
        Reason::Speeding => speeding::PHRASES,
        Reason::Suspend => suspend::PHRASES,
        Reason::SyntaxError => syntaxerror::PHRASES,
        Reason::SystemError => systemerror::PHRASES,
        Reason::SystemFull => systemfull::PHRASES,
        Reason::TooManyConn => toomanyconn::PHRASES,
        Reason::UserUnknown => userunknown::PHRASES,
        Reason::VirusDetected => virusdetected::PHRASES,
        _ => &[],
    }
}

/// Phrases that show a reason's own phrases speak of something else (see the module
/// documentation).
pub(crate) fn not_phrases(reason: Reason) -> &'static [&'static str] {
    match reason {
        Reason::Blocked => blocked::NOT,
        _ => &[],
    }
}

/// Phrases of a reason that count only right after a domain name.
pub(crate) fn after_domain(reason: Reason) -> &'static [&'static str] {
    match reason {
        Reason::HostUnknown => hostunknown::AFTER_DOMAIN,
        _ => &[],
    }
}

/// What a pattern of the automaton says when it occurs.
#[derive(Debug, Clone, Copy)]
enum Entry {
    /// The reason's phrase.
    Phrase(Reason),
    /// The reason's phrase, if a domain name stands right before it.
    AfterDomain(Reason),
    /// The reason is not meant here.
    Not(Reason),
}

/// The compiled automaton and, per pattern, what it indicates.
struct Table {
    automaton: AhoCorasick,
    entries: Vec<Entry>,
}

static TABLE: LazyLock<Table> = LazyLock::new(|| {
    let mut patterns = Vec::new();
    let mut entries = Vec::new();
    for &reason in PRECEDENCE {
        let kinds: [(&[&str], Entry); 3] = [
            (phrases(reason), Entry::Phrase(reason)),
            (after_domain(reason), Entry::AfterDomain(reason)),
            (not_phrases(reason), Entry::Not(reason)),
        ];
        for (list, entry) in kinds {
            for p in list {
                patterns.push(*p);
                entries.push(entry);
            }
        }
    }
    let automaton = AhoCorasickBuilder::new()
        .ascii_case_insensitive(true)
        .match_kind(MatchKind::Standard)
        .build(&patterns)
        .unwrap_or_else(|e| panic!("reason phrase table does not compile: {e}"));
    Table { automaton, entries }
});

/// Every reason whose phrases occur in `text` (at a word start) and that no `NOT` phrase
/// rules out, in [`PRECEDENCE`] order.
pub fn matches(text: &str) -> Vec<Reason> {
    let t = &*TABLE;
    let bytes = text.as_bytes();
    let mut found = [false; 64];
    let mut ruled_out = [false; 64];
    for m in t.automaton.find_overlapping_iter(text) {
        let s = m.start();
        if s > 0 && bytes[s - 1].is_ascii_alphanumeric() && bytes[s].is_ascii_alphanumeric() {
            continue;
        }
        let (r, set) = match t.entries[m.pattern().as_usize()] {
            Entry::Phrase(r) => (r, &mut found),
            Entry::AfterDomain(r) if domain_before(&text[..s]) => (r, &mut found),
            Entry::AfterDomain(_) => continue,
            Entry::Not(r) => (r, &mut ruled_out),
        };
        if let Some(i) = PRECEDENCE.iter().position(|&p| p == r) {
            set[i] = true;
        }
    }
    PRECEDENCE.iter().enumerate().filter(|(i, _)| found[*i] && !ruled_out[*i]).map(|(_, r)| *r).collect()
}

/// Words that, right before a dotted name, make it a mailbox name (`mailbox john.doe`).
const MAILBOX_WORDS: &[&str] = &["user", "mailbox", "account", "recipient", "address", "alias", "username", "login"];

/// True when `before` ends in a domain name and one blank: `… example.com `. A name that
/// is the domain of an address (`user@example.com `), a bare word (`mailbox `) or
/// introduced as a mailbox (`user john.doe `) is not.
fn domain_before(before: &str) -> bool {
    let Some(head) = before.strip_suffix(' ') else {
        return false;
    };
    // By bytes: every byte of a multi-byte character is outside the set, so the index
    // after the last one is always a character boundary (found by fuzzing).
    let start = head.bytes().rposition(|b| !(b.is_ascii_alphanumeric() || b == b'.' || b == b'-')).map_or(0, |i| i + 1);
    let name = &head[start..];
    if head[..start].ends_with('@') || name.starts_with(['.', '-']) || name.ends_with(['.', '-']) {
        return false;
    }
    let word = head[..start].trim_end().rsplit(|c: char| !c.is_ascii_alphabetic()).next().unwrap_or("");
    if MAILBOX_WORDS.iter().any(|w| w.eq_ignore_ascii_case(word)) {
        return false;
    }
    let labels: Vec<&str> = name.split('.').collect();
    let tld = labels.last().copied().unwrap_or("");
    labels.len() >= 2 && labels.iter().all(|l| !l.is_empty()) && tld.len() >= 2 && tld.bytes().all(|b| b.is_ascii_alphabetic())
}

/// The highest-precedence reason whose phrases occur in `text`.
pub fn best(text: &str) -> Option<Reason> {
    matches(text).into_iter().next()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_domain_that_does_not_exist_is_an_unknown_host() {
        assert_eq!(best("553 example.net does not exist"), Some(Reason::HostUnknown));
        assert_eq!(best("553 mx.example.co.jp does not exist"), Some(Reason::HostUnknown));
        assert_eq!(best("553 user@example.net does not exist"), None);
        assert_eq!(best("553 <user@example.net> does not exist"), None);
        assert_eq!(best("553 version 1.2 does not exist"), None);
        assert_eq!(best("550 mailbox john.doe does not exist"), None);
    }

    #[test]
    fn a_url_blocklist_is_not_a_host_blocklist() {
        assert_eq!(best("550 5.7.1 client 192.0.2.1 blacklisted"), Some(Reason::Blocked));
        assert_eq!(best("550 REJECTED - Blacklisted URL in message (example.com)"), Some(Reason::SpamDetected));
        assert_eq!(best("554 rejected: message contains a link listed in multi.surbl.org"), Some(Reason::SpamDetected));
    }
}
