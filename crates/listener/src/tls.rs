//! STARTTLS set-up: a rustls server configuration (ring provider) from a PEM
//! certificate chain and key.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use rustls::ServerConfig;
use rustls_pki_types::pem::PemObject;
use rustls_pki_types::{CertificateDer, PrivateKeyDer};

/// Why the TLS set-up failed.
#[derive(Debug, thiserror::Error)]
pub enum TlsError {
    /// A PEM file could not be read or decoded.
    #[error("cannot read {path}: {source}")]
    Pem {
        /// The file.
        path: PathBuf,
        /// What went wrong.
        source: rustls_pki_types::pem::Error,
    },
    /// The certificate file holds no certificate.
    #[error("no certificate in {0}")]
    NoCertificate(PathBuf),
    /// rustls refused the certificate or key.
    #[error("invalid certificate or key: {0}")]
    Rustls(#[from] rustls::Error),
}

/// Reads a PEM certificate chain (leaf first) and a PEM private key (PKCS#8, PKCS#1 or
/// SEC1) and builds the server configuration for [`Config::tls`](crate::Config::tls).
pub fn load(cert_chain: &Path, key: &Path) -> Result<Arc<ServerConfig>, TlsError> {
    fn pem(path: &Path) -> impl FnOnce(rustls_pki_types::pem::Error) -> TlsError + '_ {
        move |source| TlsError::Pem { path: path.to_path_buf(), source }
    }
    let chain = CertificateDer::pem_file_iter(cert_chain)
        .map_err(pem(cert_chain))?
        .collect::<Result<Vec<_>, _>>()
        .map_err(pem(cert_chain))?;
    if chain.is_empty() {
        return Err(TlsError::NoCertificate(cert_chain.to_path_buf()));
    }
    let key = PrivateKeyDer::from_pem_file(key).map_err(pem(key))?;
    server_config(chain, key)
}

/// Builds the server configuration from a DER certificate chain and key: rustls with the
/// ring provider, its safe default protocol versions, no client authentication.
pub fn server_config(
    cert_chain: Vec<CertificateDer<'static>>,
    key: PrivateKeyDer<'static>,
) -> Result<Arc<ServerConfig>, TlsError> {
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let config = ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()?
        .with_no_client_auth()
        .with_single_cert(cert_chain, key)?;
    Ok(Arc::new(config))
}
