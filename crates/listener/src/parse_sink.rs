//! The ready-made sink: parse with `bouncekit-parse`, keep the result in memory.

use std::sync::{Mutex, PoisonError};

use bouncekit_core::Record;
use bouncekit_parse::{Diagnostic, Parsed, parse_message};

use crate::sink::{Envelope, Sink, SinkError, Summary};

/// The `format` of a record made from the VERP-decoded recipient alone, for a message to
/// a VERP address that no bounce format understood.
pub const VERP_FORMAT: &str = "verp";

/// Parses a received message into records, using the envelope where the bounce is silent:
///
/// - every record gets the listener [`Origin`](bouncekit_core::Origin) of the envelope;
/// - when the envelope names exactly one VERP-decoded original recipient, a record whose
///   recipient is not an address gets that recipient, and a message that yields no
///   record at all yields one undetermined record for it (format [`VERP_FORMAT`], the
///   parser's diagnostics kept), so that what was sent to whom is never lost.
///
/// A store-backed sink calls this (inside `spawn_blocking`) and commits the records.
pub fn parse_delivery(envelope: &Envelope, raw: &[u8]) -> Parsed {
    let origin = envelope.origin();
    let mut parsed = parse_message(raw, &origin);
    if let [original] = envelope.original_recipients()[..] {
        for r in &mut parsed.records {
            if !r.recipient.contains('@') {
                r.recipient = original.to_string();
            }
        }
        if parsed.records.is_empty() {
            let mut r = Record::new(original);
            r.origin = origin.clone();
            r.format = VERP_FORMAT.into();
            r.timestamp = Some(envelope.received_unix());
            r.diagnostic = parsed.diagnostics.iter().map(|d| d.message.as_str()).collect::<Vec<_>>().join("; ");
            parsed.records.push(r);
            parsed.diagnostics.push(Diagnostic {
                origin: origin.name,
                message: format!("recipient {original} taken from the VERP address"),
            });
        }
    }
    parsed
}

/// One message a [`ParseSink`] took.
#[derive(Debug, Clone)]
pub struct Delivery {
    /// Its envelope.
    pub envelope: Envelope,
    /// Its size in bytes.
    pub size: usize,
    /// What [`parse_delivery`] made of it.
    pub parsed: Parsed,
}

/// A sink that parses each message with [`parse_delivery`], returns the records and
/// keeps every [`Delivery`] in memory until [`ParseSink::take`]n. For tests, demos and
/// `bouncekit serve` without a store; the store-backed sink replaces it in production.
#[derive(Debug, Default)]
pub struct ParseSink {
    /// The deliveries not yet taken. A std mutex: it is held only to push or swap.
    deliveries: Mutex<Vec<Delivery>>,
}

impl ParseSink {
    /// An empty sink.
    pub fn new() -> Self {
        Self::default()
    }

    /// Takes the deliveries received so far, oldest first.
    pub fn take(&self) -> Vec<Delivery> {
        std::mem::take(&mut *self.deliveries.lock().unwrap_or_else(PoisonError::into_inner))
    }

    /// The number of deliveries not yet taken.
    pub fn len(&self) -> usize {
        self.deliveries.lock().unwrap_or_else(PoisonError::into_inner).len()
    }

    /// True when no delivery is waiting.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

impl Sink for ParseSink {
    async fn deliver(&self, envelope: Envelope, raw: Vec<u8>) -> Result<Summary, SinkError> {
        let size = raw.len();
        // Parsing is CPU-bound and a bounce may be megabytes: keep it off the reactor.
        let (envelope, parsed) = tokio::task::spawn_blocking(move || {
            let parsed = parse_delivery(&envelope, &raw);
            (envelope, parsed)
        })
        .await
        .map_err(SinkError::temporary)?;
        let summary = Summary { records: parsed.records.clone() };
        self.deliveries.lock().unwrap_or_else(PoisonError::into_inner).push(Delivery { envelope, size, parsed });
        Ok(summary)
    }
}
