//! Hashes: dedupe keys of events, content ids of messages, salted tombstones.

use bouncekit_core::Record;
use sha2::{Digest, Sha256};

fn hex(bytes: &[u8], n: usize) -> String {
    use std::fmt::Write;
    let mut s = String::with_capacity(n * 2);
    for b in &bytes[..n.min(bytes.len())] {
        let _ = write!(s, "{b:02x}");
    }
    s
}

/// An id for the bytes of one message (or one webhook event body): SHA-256, hex. Two
/// copies of the same bounce have the same id wherever they were read from.
pub fn content_id(bytes: &[u8]) -> String {
    hex(&Sha256::digest(bytes), 32)
}

/// The dedupe key of a record: with a source id (the message's content id, a webhook
/// event id) it is the source, the address and the record's ordinal among the message's
/// records for that address; without one, the record's identifying fields. 128 bits.
pub fn dedupe_key(source_id: Option<&str>, address: &str, ordinal: usize, r: &Record) -> String {
    let mut h = Sha256::new();
    match source_id {
        Some(src) => {
            h.update(b"src\0");
            h.update(src.as_bytes());
            h.update(b"\0");
            h.update(address.as_bytes());
            h.update(b"\0");
            h.update(ordinal.to_le_bytes());
        }
        None => {
            h.update(b"rec\0");
            let opt = |o: &Option<String>| o.clone().unwrap_or_default();
            for part in [
                address.to_string(),
                r.timestamp.map(|t| t.to_string()).unwrap_or_default(),
                r.status.map(|s| s.to_string()).unwrap_or_default(),
                r.reply_code.map(|s| s.to_string()).unwrap_or_default(),
                r.reason.to_string(),
                r.kind.to_string(),
                r.diagnostic.clone(),
                opt(&r.message_id),
                r.format.clone(),
                opt(&r.feedback_type),
                opt(&r.dsn_action),
                opt(&r.scope),
                ordinal.to_string(),
            ] {
                h.update(part.as_bytes());
                h.update(b"\0");
            }
        }
    }
    hex(&h.finalize(), 16)
}

/// The tombstone of an address under a database's salt.
pub fn tombstone(salt: &str, address: &str) -> String {
    let mut h = Sha256::new();
    h.update(salt.as_bytes());
    h.update(b"\0");
    h.update(address.as_bytes());
    hex(&h.finalize(), 32)
}

/// A new random salt: 32 bytes from the OS, hex. Falls back to hashing the time, the
/// process id and an address when no OS source is readable.
pub fn new_salt() -> String {
    use std::io::Read;
    let mut buf = [0u8; 32];
    if std::fs::File::open("/dev/urandom").and_then(|mut f| f.read_exact(&mut buf)).is_ok() {
        return hex(&buf, 32);
    }
    let mut h = Sha256::new();
    h.update(format!("{:?}", std::time::SystemTime::now()).as_bytes());
    h.update(std::process::id().to_le_bytes());
    h.update(format!("{:p}", &buf).as_bytes());
    hex(&h.finalize(), 32)
}
