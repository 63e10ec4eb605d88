//! The bounded cache of used tokens that turns a replayed Mailgun request away.

use std::collections::{BTreeSet, HashMap};
use std::sync::{Mutex, PoisonError};

/// A token recorded by [`ReplayCache`], returned in
/// [`Intake::replay_token`](crate::Intake::replay_token) so that a request whose events
/// could not be stored can be [released](ReplayCache::release).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct ReplayToken(pub(crate) String);

/// Tokens seen within their freshness window.
///
/// A token is remembered until its signed timestamp leaves the window (after that the
/// timestamp check refuses it anyway). The cache holds at most `capacity` tokens; when it
/// is full the token expiring first is dropped, which only opens a replay window for a
/// token that was about to go stale. Tokens are recorded only after the signature
/// verified, so unauthenticated requests cannot fill it.
///
/// One cache serves one process; several nodes need a shared store of tokens (or accept
/// that a replay across nodes is stored once anyway, by event id).
#[derive(Debug)]
pub struct ReplayCache {
    /// Guards the two indexes, which always hold the same tokens; held only for a lookup
    /// and an insert.
    inner: Mutex<Inner>,
    capacity: usize,
}

#[derive(Debug, Default)]
struct Inner {
    /// Token → expiry (seconds since the epoch).
    by_token: HashMap<String, i64>,
    /// (expiry, token), oldest first: what to evict.
    by_expiry: BTreeSet<(i64, String)>,
}

impl Default for ReplayCache {
    fn default() -> Self {
        ReplayCache::new(Self::DEFAULT_CAPACITY)
    }
}

impl ReplayCache {
    /// Default capacity: 100 000 tokens (a few MiB), more than five minutes of Mailgun
    /// traffic at 300 requests a second.
    pub const DEFAULT_CAPACITY: usize = 100_000;

    /// An empty cache holding at most `capacity` tokens (at least one).
    pub fn new(capacity: usize) -> Self {
        ReplayCache { inner: Mutex::new(Inner::default()), capacity: capacity.max(1) }
    }

    /// Records `token` until `expires`; false when it is already recorded and not yet
    /// expired at `now` (a replay).
    pub fn check_and_insert(&self, token: &str, expires: i64, now: i64) -> bool {
        let mut g = self.inner.lock().unwrap_or_else(PoisonError::into_inner);
        let inner = &mut *g;
        // Drop what has expired.
        while let Some(first) = inner.by_expiry.first() {
            if first.0 > now {
                break;
            }
            if let Some((_, t)) = inner.by_expiry.pop_first() {
                inner.by_token.remove(&t);
            }
        }
        if inner.by_token.contains_key(token) {
            return false;
        }
        while inner.by_token.len() >= self.capacity {
            match inner.by_expiry.pop_first() {
                Some((_, t)) => {
                    inner.by_token.remove(&t);
                }
                None => break,
            }
        }
        inner.by_token.insert(token.to_string(), expires);
        inner.by_expiry.insert((expires, token.to_string()));
        true
    }

    /// Forgets a token, so that the same request is accepted again (after the server
    /// failed to store its events).
    pub fn release(&self, token: &ReplayToken) {
        let mut g = self.inner.lock().unwrap_or_else(PoisonError::into_inner);
        if let Some(exp) = g.by_token.remove(&token.0) {
            g.by_expiry.remove(&(exp, token.0.clone()));
        }
    }

    /// How many tokens are remembered.
    pub fn len(&self) -> usize {
        self.inner.lock().unwrap_or_else(PoisonError::into_inner).by_token.len()
    }

    /// True when no token is remembered.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn second_use_is_a_replay_until_expiry() {
        let c = ReplayCache::new(10);
        assert!(c.check_and_insert("a", 100, 0));
        assert!(!c.check_and_insert("a", 100, 50));
        assert!(c.check_and_insert("a", 200, 100));
    }

    #[test]
    fn capacity_evicts_the_first_to_expire() {
        let c = ReplayCache::new(2);
        assert!(c.check_and_insert("late", 300, 0));
        assert!(c.check_and_insert("early", 100, 0));
        assert!(c.check_and_insert("third", 200, 0));
        assert_eq!(c.len(), 2);
        assert!(c.check_and_insert("early", 100, 0), "evicted");
        assert!(!c.check_and_insert("late", 300, 0));
    }

    #[test]
    fn release_forgets() {
        let c = ReplayCache::default();
        assert!(c.check_and_insert("t", 100, 0));
        c.release(&ReplayToken("t".into()));
        assert!(c.is_empty());
        assert!(c.check_and_insert("t", 100, 0));
    }
}
