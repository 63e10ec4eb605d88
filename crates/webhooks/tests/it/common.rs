//! Fixtures, the clock and small helpers shared by the provider tests.

use std::path::PathBuf;

use bouncekit_webhooks::{Intake, ReplayCache, Verifier, WebhookError, WebhookEvent};

/// "Now" in every test: 2024-03-11T10:00:00Z.
pub const NOW: i64 = 1_710_151_200;

/// The text of `testdata/webhooks/<provider>/<name>`.
pub fn fixture(provider: &str, name: &str) -> String {
    let path: PathBuf = [env!("CARGO_MANIFEST_DIR"), "..", "..", "testdata", "webhooks", provider, name].iter().collect();
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// Calls `handle` with a fresh replay cache.
pub fn run(
    provider: bouncekit_webhooks::Provider,
    headers: &[(&str, &str)],
    body: &[u8],
    verifier: &Verifier,
) -> Result<Intake, WebhookError> {
    bouncekit_webhooks::handle(provider, headers, body, NOW, verifier, &ReplayCache::default())
}

/// The event for `recipient`.
pub fn event<'a>(intake: &'a Intake, recipient: &str) -> &'a WebhookEvent {
    intake
        .events
        .iter()
        .find(|e| e.record.recipient == recipient)
        .unwrap_or_else(|| panic!("no event for {recipient} in {:?}", intake.events.iter().map(|e| &e.record.recipient).collect::<Vec<_>>()))
}

/// The event ids of an intake.
pub fn ids(intake: &Intake) -> Vec<String> {
    intake.events.iter().map(|e| e.event_id.clone()).collect()
}
