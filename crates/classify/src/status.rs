//! What an enhanced status code says about the reason on its own.
//!
//! The mapping follows the registry meanings. It is the fallback when the diagnostic text
//! names no reason, and the tie-breaker when the text only names a generic one.

use bouncekit_core::{Reason, StatusCode};

/// The reason a status code implies, or `None` when the code is too broad to tell
/// (X.0.0, X.1.0, X.5.0 carry every kind of failure).
///
/// X.7.0 and X.7.1 ("security or policy status", "delivery not authorized") carry every
/// kind of refusal too, but at least say it was one: they map to `securityerror`, a
/// meaning [`crate::decision`] only uses when no phrase names a sharper reason.
pub fn reason_of(code: StatusCode) -> Option<Reason> {
    use Reason::*;
    if code.class() == 2 {
        return Some(Delivered);
    }
    let r = match (code.subject(), code.detail()) {
        (1, 1) | (1, 3) | (1, 4) => UserUnknown,
        (1, 2) => HostUnknown,
        (1, 6) => HasMoved,
        (1, 7) | (1, 8) => Rejected,
        (1, 10) => NotAccept,
        (2, 0) => Filtered,
        (2, 1) => Filtered,
        (2, 2) => MailboxFull,
        (2, 3) => ExceedLimit,
        (2, 4) => SystemError,
        (3, 0) | (3, 3) | (3, 5) => SystemError,
        (3, 1) => SystemFull,
        // X.3.2 "system not accepting network messages": for good (5) or for now (4).
        (3, 2) if code.class() == 5 => NotAccept,
        (3, 2) => SystemError,
        (3, 4) => MesgTooBig,
        // 4.4.1 "no answer from host" is what MTAs write when they give up on a host that
        // never answered: the message expired in the queue.
        (4, 1) if code.class() == 4 => Expired,
        (4, 0) | (4, 1) | (4, 2) | (4, 6) => NetworkError,
        (4, 3) => SystemError,
        (4, 4) => HostUnknown,
        (4, 5) => SystemFull,
        (4, 7) => Expired,
        (5, 3) => ExceedLimit,
        (5, 1) | (5, 2) | (5, 4) | (5, 5) | (5, 6) => SyntaxError,
        (6, _) => ContentError,
        (7, 0) | (7, 1) => SecurityError,
        (7, 2) | (7, 15) => PolicyViolation,
        // Transient X.7.29 / X.7.30 are Gmail's own (no TLS, DKIM failed, both rate
        // limits); the registry's meanings (ARC failure, REQUIRETLS) are permanent refusals.
        (7, 29) if code.class() == 4 => SecurityError,
        (7, 30) if code.class() == 4 => AuthFailure,
        (7, 3..=12) | (7, 14) | (7, 30) => SecurityError,
        (7, 13) => Suspend,
        (7, 16) => MesgTooBig,
        (7, 17) | (7, 18) => HasMoved,
        (7, 20..=24) | (7, 26) | (7, 29) => AuthFailure,
        (7, 25) => RequirePtr,
        (7, 27) => NotAccept,
        (7, 28) => SpamDetected,
        _ => return None,
    };
    Some(r)
}
