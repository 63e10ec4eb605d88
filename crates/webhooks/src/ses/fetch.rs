//! The production certificate source: a small blocking HTTPS client (ureq on rustls with
//! the ring provider and the webpki root store — the project's one TLS stack).

use std::time::Duration;

use ureq::Agent;
use ureq::tls::{Certificate, RootCerts, TlsConfig};

use super::cert::{CertificateSource, MAX_CERT_SIZE};
use crate::error::CertificateError;

/// Fetches certificates over HTTPS: no redirects (a redirect could leave the
/// allow-listed host), a 10 s overall timeout, bodies up to 64 KiB.
///
/// [`handle`](crate::handle) only asks it for allow-listed SNS URLs; the source itself
/// refuses anything but `https://`.
#[derive(Debug, Clone)]
pub struct HttpsSource {
    agent: Agent,
}

/// The overall time one fetch may take.
const TIMEOUT: Duration = Duration::from_secs(10);

impl Default for HttpsSource {
    fn default() -> Self {
        HttpsSource::with_tls(TlsConfig::builder().build())
    }
}

impl HttpsSource {
    /// A source that trusts only `roots` (DER certificates) instead of the public web
    /// PKI: for tests against a local HTTPS server, and for TLS-inspecting proxies.
    pub fn with_roots(roots: &[Vec<u8>]) -> Self {
        let certs: Vec<Certificate<'static>> = roots.iter().map(|d| Certificate::from_der(d).to_owned()).collect();
        HttpsSource::with_tls(TlsConfig::builder().root_certs(RootCerts::new_with_certs(&certs)).build())
    }

    fn with_tls(tls: TlsConfig) -> Self {
        let config = Agent::config_builder()
            .https_only(true)
            .max_redirects(0)
            .timeout_global(Some(TIMEOUT))
            .tls_config(tls)
            .build();
        HttpsSource { agent: config.into() }
    }
}

impl CertificateSource for HttpsSource {
    fn fetch(&self, url: &str) -> Result<Vec<u8>, CertificateError> {
        let fail = |detail: String| CertificateError::Fetch { url: url.to_string(), detail };
        if !url.get(..8).is_some_and(|s| s.eq_ignore_ascii_case("https://")) {
            return Err(fail("not an https URL".into()));
        }
        let mut response = self.agent.get(url).call().map_err(|e| fail(e.to_string()))?;
        response
            .body_mut()
            .with_config()
            .limit(MAX_CERT_SIZE as u64)
            .read_to_vec()
            .map_err(|e| fail(e.to_string()))
    }
}
