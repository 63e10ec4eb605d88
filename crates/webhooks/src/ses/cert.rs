//! SNS signing certificates: where they come from ([`CertificateSource`]) and the cache
//! in front of the source.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, PoisonError};

use rustls_pki_types::CertificateDer;
use rustls_pki_types::pem::PemObject as _;

use crate::error::CertificateError;

/// Where SNS signing certificates come from. [`handle`](crate::handle) asks only for URLs
/// that passed the host allow-list (`https://sns.<region>.amazonaws.com[.cn]/….pem`) and
/// only when the certificate is not cached.
///
/// Implement it to serve test certificates, or to fetch through the server's own HTTP
/// client. Calls may block; they happen on the thread that called `handle`.
pub trait CertificateSource: Send + Sync {
    /// The certificate at `url`, PEM or DER.
    fn fetch(&self, url: &str) -> Result<Vec<u8>, CertificateError>;
}

/// A fixed set of certificates by URL: for tests, and for hosts that must not reach
/// AWS at run time (certificates downloaded ahead).
#[derive(Debug, Clone, Default)]
pub struct StaticSource {
    certs: HashMap<String, Vec<u8>>,
}

impl StaticSource {
    /// An empty source.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds the certificate (PEM or DER) served at `url`.
    pub fn with(mut self, url: impl Into<String>, cert: impl Into<Vec<u8>>) -> Self {
        self.certs.insert(url.into(), cert.into());
        self
    }
}

impl CertificateSource for StaticSource {
    fn fetch(&self, url: &str) -> Result<Vec<u8>, CertificateError> {
        self.certs
            .get(url)
            .cloned()
            .ok_or_else(|| CertificateError::Fetch { url: url.to_string(), detail: "not in the static source".into() })
    }
}

/// The source used when none is configured and feature `fetch` is off: it has nothing.
#[cfg(not(feature = "fetch"))]
pub(crate) struct NoSource;

#[cfg(not(feature = "fetch"))]
impl CertificateSource for NoSource {
    fn fetch(&self, url: &str) -> Result<Vec<u8>, CertificateError> {
        Err(CertificateError::Fetch { url: url.to_string(), detail: "no certificate source configured".into() })
    }
}

/// The default source: HTTPS with feature `fetch`, none without.
pub(crate) fn default_source() -> Box<dyn CertificateSource> {
    #[cfg(feature = "fetch")]
    {
        Box::new(super::fetch::HttpsSource::default())
    }
    #[cfg(not(feature = "fetch"))]
    {
        Box::new(NoSource)
    }
}

/// Largest certificate file accepted from a source: SNS's are about 2 KiB.
pub(crate) const MAX_CERT_SIZE: usize = 64 * 1024;

/// Certificates cached at most: SNS signs with one certificate per region at a time,
/// rotated now and then.
const CACHE_CAPACITY: usize = 64;

/// How long a fetched certificate is trusted before it is fetched again: one day.
const CACHE_TTL: i64 = 24 * 3600;

/// A cached certificate: its DER and when it was fetched.
type Cached = (Arc<Vec<u8>>, i64);

/// The certificate cache: URL → DER, each entry fetched once per [`CACHE_TTL`].
pub(crate) struct CertCache {
    source: Box<dyn CertificateSource>,
    /// URL → (DER, fetched at). Held only for lookups and inserts, never during a fetch;
    /// two requests missing the same URL at once both fetch it.
    entries: Mutex<HashMap<String, Cached>>,
}

impl CertCache {
    pub(crate) fn new(source: Box<dyn CertificateSource>) -> Self {
        CertCache { source, entries: Mutex::new(HashMap::new()) }
    }

    /// The DER of the certificate at `url` (already allow-listed), from the cache or the
    /// source.
    pub(crate) fn get(&self, url: &str, now: i64) -> Result<Arc<Vec<u8>>, CertificateError> {
        {
            let entries = self.entries.lock().unwrap_or_else(PoisonError::into_inner);
            if let Some((der, at)) = entries.get(url)
                && *at <= now
                && now - *at < CACHE_TTL
            {
                return Ok(der.clone());
            }
        }
        let bytes = self.source.fetch(url)?;
        let der = Arc::new(to_der(&bytes)?);
        let mut entries = self.entries.lock().unwrap_or_else(PoisonError::into_inner);
        if entries.len() >= CACHE_CAPACITY && !entries.contains_key(url) {
            let oldest = entries.iter().min_by_key(|(_, (_, at))| *at).map(|(k, _)| k.clone());
            if let Some(k) = oldest {
                entries.remove(&k);
            }
        }
        entries.insert(url.to_string(), (der.clone(), now));
        Ok(der)
    }
}

/// The DER of a PEM or DER certificate, checked to parse as an X.509 end-entity
/// certificate.
pub(crate) fn to_der(bytes: &[u8]) -> Result<Vec<u8>, CertificateError> {
    if bytes.len() > MAX_CERT_SIZE {
        return Err(CertificateError::Invalid(format!("{} bytes is too large for a certificate", bytes.len())));
    }
    let der = if bytes.first() == Some(&0x30) {
        bytes.to_vec()
    } else {
        CertificateDer::from_pem_slice(bytes)
            .map_err(|e| CertificateError::Invalid(format!("no PEM certificate: {e:?}")))?
            .to_vec()
    };
    let cert = CertificateDer::from(der.as_slice());
    webpki::EndEntityCert::try_from(&cert).map_err(|e| CertificateError::Invalid(format!("{e}")))?;
    Ok(der)
}
