//! One module per reason: the phrases that point to it, compiled into one automaton, and
//! the precedence that decides between reasons when several match.
//!
//! A diagnostic text is scanned once by a case-insensitive Aho-Corasick automaton built
//! from every module's `PHRASES`. Each hit names a reason; the reason that stands first in
//! [`PRECEDENCE`] wins. The precedence is data and is tested as data: a specific reason
//! (hasmoved, requireptr) beats a generic one (systemerror) because the generic phrases
//! ("service unavailable") often surround the specific ones.

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

/// The compiled automaton and, per pattern, the reason it indicates.
struct Table {
    automaton: AhoCorasick,
    reasons: Vec<Reason>,
}

static TABLE: LazyLock<Table> = LazyLock::new(|| {
    let mut patterns = Vec::new();
    let mut reasons = Vec::new();
    for &reason in PRECEDENCE {
        for p in phrases(reason) {
            patterns.push(*p);
            reasons.push(reason);
        }
    }
    let automaton = AhoCorasickBuilder::new()
        .ascii_case_insensitive(true)
        .match_kind(MatchKind::Standard)
        .build(&patterns)
        .unwrap_or_else(|e| panic!("reason phrase table does not compile: {e}"));
    Table { automaton, reasons }
});

/// Every reason whose phrases occur in `text` (at a word start), as a bit set over
/// [`PRECEDENCE`] positions.
pub fn matches(text: &str) -> Vec<Reason> {
    let t = &*TABLE;
    let bytes = text.as_bytes();
    let mut found = [false; 64];
    for m in t.automaton.find_overlapping_iter(text) {
        let s = m.start();
        if s > 0 && bytes[s - 1].is_ascii_alphanumeric() && bytes[s].is_ascii_alphanumeric() {
            continue;
        }
        let r = t.reasons[m.pattern().as_usize()];
        if let Some(i) = PRECEDENCE.iter().position(|&p| p == r) {
            found[i] = true;
        }
    }
    PRECEDENCE.iter().enumerate().filter(|(i, _)| found[*i]).map(|(_, r)| *r).collect()
}

/// The highest-precedence reason whose phrases occur in `text`.
pub fn best(text: &str) -> Option<Reason> {
    matches(text).into_iter().next()
}
