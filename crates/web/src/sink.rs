//! [`StoreSink`]: the SMTP/LMTP listener's sink that commits to the store.
//!
//! Each accepted message is parsed (`bouncekit_listener::parse_delivery`: the VERP
//! recipient fills in what the bounce does not say) and ingested in one transaction
//! under the message's content id, all on the blocking pool. Only when the commit
//! returns does the sink return `Ok`, and only then does the listener answer 250; a
//! failed commit answers 451 4.3.0 and the sending MTA retries. A message delivered
//! twice (a retry after a lost 250) is stored once.

use bouncekit_listener::{Envelope, Sink, SinkError, Summary, parse_delivery};
use bouncekit_store::hash;

use crate::AppState;

/// The store-backed sink. Share one between the SMTP and the LMTP listener.
#[derive(Debug, Clone)]
pub struct StoreSink {
    state: AppState,
}

impl StoreSink {
    /// A sink writing through `state`'s store and counting in its metrics.
    pub fn new(state: AppState) -> Self {
        StoreSink { state }
    }
}

impl Sink for StoreSink {
    async fn deliver(&self, envelope: Envelope, raw: Vec<u8>) -> Result<Summary, SinkError> {
        let db = self.state.db().clone();
        let source = envelope.protocol.as_str();
        let (records, outcome) = tokio::task::spawn_blocking(move || {
            let parsed = parse_delivery(&envelope, &raw);
            let id = hash::content_id(&raw);
            let outcome = db.write_blocking(|s| s.ingest(Some(&id), &parsed.records))?;
            Ok::<_, bouncekit_store::StoreError>((parsed.records, outcome))
        })
        .await
        .map_err(SinkError::temporary)?
        .map_err(|e| {
            tracing::error!(error = %e, "listener: cannot store a message; answering 451");
            SinkError::temporary(e)
        })?;
        let messages = [(String::new(), records)];
        crate::api::ingest::count_events(&self.state, source, &messages, &[outcome]);
        let [(_, records)] = messages;
        Ok(Summary { records })
    }
}
