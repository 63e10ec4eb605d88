//! A bounded map from queue id to what earlier lines said about the message.
//!
//! MTAs log a message's sender (and Message-ID) on one line and each recipient's outcome
//! on later lines, keyed by the queue id. Messages normally leave the map when the MTA
//! logs their removal (`removed`, `Completed`); messages whose end is never logged
//! (Sendmail logs none, a log read from the middle misses some) would grow it forever, so
//! once it holds `capacity` entries the oldest one is evicted. A recipient line whose
//! message was evicted still yields a record, only without the sender.

use std::collections::{HashMap, VecDeque};

/// Insertion-ordered map with a capacity; amortised O(1) per operation.
#[derive(Debug)]
pub struct QueueMap<V> {
    /// Entries with the generation they were inserted in.
    map: HashMap<Box<str>, (u64, V)>,
    /// Keys in insertion order; entries removed early stay here as stale
    /// (key, generation) pairs until eviction or compaction skips them.
    order: VecDeque<(Box<str>, u64)>,
    next_gen: u64,
    capacity: usize,
    evicted: u64,
}

impl<V> QueueMap<V> {
    /// An empty map holding at most `capacity` (at least 1) entries.
    pub fn new(capacity: usize) -> Self {
        Self { map: HashMap::new(), order: VecDeque::new(), next_gen: 0, capacity: capacity.max(1), evicted: 0 }
    }

    /// The entry for `key`.
    pub fn get(&self, key: &str) -> Option<&V> {
        self.map.get(key).map(|(_, v)| v)
    }

    /// The entry for `key`, mutable.
    pub fn get_mut(&mut self, key: &str) -> Option<&mut V> {
        self.map.get_mut(key).map(|(_, v)| v)
    }

    /// The entry for `key`, inserted with `make` when absent (which may evict the oldest).
    pub fn get_or_insert_with(&mut self, key: &str, make: impl FnOnce() -> V) -> &mut V {
        if !self.map.contains_key(key) {
            let g = self.next_gen;
            self.next_gen += 1;
            self.map.insert(key.into(), (g, make()));
            self.order.push_back((key.into(), g));
            self.evict();
        }
        // The key is present: it was just inserted or already there, and eviction removes
        // only older entries (the newest one is the last to go, and capacity >= 1).
        match self.map.get_mut(key) {
            Some((_, v)) => v,
            None => unreachable!("entry present after insertion"),
        }
    }

    /// Forgets `key`.
    pub fn remove(&mut self, key: &str) -> Option<V> {
        let v = self.map.remove(key).map(|(_, v)| v);
        if self.order.len() > 2 * self.capacity + 64 {
            let map = &self.map;
            self.order.retain(|(k, g)| map.get(k).is_some_and(|(g2, _)| g2 == g));
        }
        v
    }

    fn evict(&mut self) {
        while self.map.len() > self.capacity {
            let Some((k, g)) = self.order.pop_front() else { break };
            if self.map.get(&k).is_some_and(|(g2, _)| *g2 == g) {
                self.map.remove(&k);
                self.evicted += 1;
            }
        }
    }

    /// Number of entries.
    pub fn len(&self) -> usize {
        self.map.len()
    }

    /// Entries evicted for lack of room so far.
    pub fn evicted(&self) -> u64 {
        self.evicted
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn evicts_oldest_and_stays_bounded() {
        let mut m = QueueMap::new(3);
        for i in 0..10 {
            *m.get_or_insert_with(&format!("Q{i}"), || 0) = i;
        }
        assert_eq!(m.len(), 3);
        assert_eq!(m.evicted(), 7);
        assert_eq!(m.get("Q9"), Some(&9));
        assert_eq!(m.get("Q6"), None);
    }

    #[test]
    fn removed_entries_do_not_leak_order() {
        let mut m = QueueMap::new(4);
        for i in 0..10_000 {
            let k = format!("Q{i}");
            m.get_or_insert_with(&k, || i);
            m.remove(&k);
        }
        assert_eq!(m.len(), 0);
        assert_eq!(m.evicted(), 0);
        assert!(m.order.len() <= 2 * 4 + 65);
    }

    #[test]
    fn reinserted_key_is_not_evicted_by_its_stale_slot() {
        let mut m = QueueMap::new(2);
        m.get_or_insert_with("A", || 1);
        m.remove("A");
        m.get_or_insert_with("B", || 2);
        m.get_or_insert_with("A", || 3);
        m.get_or_insert_with("C", || 4);
        // B is the oldest live entry; A's stale slot must not evict the new A.
        assert_eq!(m.get("A"), Some(&3));
        assert_eq!(m.get("B"), None);
    }
}
