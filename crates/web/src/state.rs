//! [`AppState`]: what every handler shares.

use std::sync::Arc;
use std::time::Duration;

use bouncekit_webhooks::{CertificateSource, ReplayCache, Verifier};

use crate::auth::Auth;
use crate::config::{DnsConfig, Limits, ServerConfig};
use crate::db::Db;
use crate::metrics::Metrics;
use crate::sns::{HttpsConfirmer, SubscriptionConfirmer};

/// The state shared by all handlers. Cheap to clone (one `Arc`).
#[derive(Clone)]
pub struct AppState(Arc<Inner>);

struct Inner {
    /// The store pool (see [`Db`] for the concurrency model).
    db: Db,
    /// The bearer tokens.
    auth: Auth,
    /// Webhook keys and the SNS certificate cache; `Send + Sync`, used from blocking
    /// tasks.
    verifier: Verifier,
    /// Mailgun tokens seen, so a replayed request is refused.
    replay: ReplayCache,
    /// Confirms SNS subscriptions (HTTPS GET; a fake in tests).
    confirmer: Arc<dyn SubscriptionConfirmer>,
    /// Counters and histograms of `/metrics`.
    metrics: Metrics,
    /// Body size, timeout, concurrency and check-size limits.
    limits: Limits,
    /// Dashboard logins.
    sessions: crate::ui::Sessions,
    /// The name servers and interval of DNS checks of incidents.
    dns: DnsConfig,
}

impl std::fmt::Debug for AppState {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AppState").field("db", &self.0.db).field("limits", &self.0.limits).finish_non_exhaustive()
    }
}

/// Builds an [`AppState`]; the certificate source and the subscription confirmer can be
/// replaced (tests serve a test certificate and record confirmations instead of
/// reaching AWS).
pub struct StateBuilder {
    config: ServerConfig,
    db: Db,
    certs: Option<Box<dyn CertificateSource>>,
    confirmer: Option<Arc<dyn SubscriptionConfirmer>>,
}

impl StateBuilder {
    /// Uses `source` for SNS signing certificates.
    pub fn certificate_source(mut self, source: Box<dyn CertificateSource>) -> Self {
        self.certs = Some(source);
        self
    }

    /// Uses `c` to confirm SNS subscriptions.
    pub fn confirmer(mut self, c: Arc<dyn SubscriptionConfirmer>) -> Self {
        self.confirmer = Some(c);
        self
    }

    /// The state.
    pub fn build(self) -> Result<AppState, bouncekit_webhooks::ConfigError> {
        let mut verifier = Verifier::new(self.config.webhooks.clone())?;
        if let Some(src) = self.certs {
            verifier = verifier.with_certificate_source(src);
        }
        let confirmer = self.confirmer.unwrap_or_else(|| Arc::new(HttpsConfirmer::new(Duration::from_secs(10))));
        Ok(AppState(Arc::new(Inner {
            db: self.db,
            auth: Auth::new(self.config.tokens.clone()),
            verifier,
            replay: ReplayCache::default(),
            confirmer,
            metrics: Metrics::default(),
            limits: self.config.limits,
            sessions: crate::ui::Sessions::new(self.config.dashboard.clone()),
            dns: self.config.dns.clone(),
        })))
    }
}

impl AppState {
    /// A builder from a validated configuration and an open store.
    pub fn builder(config: ServerConfig, db: Db) -> StateBuilder {
        StateBuilder { config, db, certs: None, confirmer: None }
    }

    /// The store pool.
    pub fn db(&self) -> &Db {
        &self.0.db
    }

    /// The token table.
    pub fn auth(&self) -> &Auth {
        &self.0.auth
    }

    /// The webhook verifier.
    pub fn verifier(&self) -> &Verifier {
        &self.0.verifier
    }

    /// The Mailgun replay cache.
    pub fn replay(&self) -> &ReplayCache {
        &self.0.replay
    }

    /// The SNS subscription confirmer.
    pub fn confirmer(&self) -> &Arc<dyn SubscriptionConfirmer> {
        &self.0.confirmer
    }

    /// The metrics.
    pub fn metrics(&self) -> &Metrics {
        &self.0.metrics
    }

    /// The limits.
    pub fn limits(&self) -> &Limits {
        &self.0.limits
    }

    /// The dashboard's sessions.
    pub fn sessions(&self) -> &crate::ui::Sessions {
        &self.0.sessions
    }

    /// DNS checks of incidents (`[dns]`).
    pub fn dns(&self) -> &DnsConfig {
        &self.0.dns
    }
}
