//! Connections: TCP, TLS through rustls with the ring provider, and a timeout around
//! every network step.

use std::fmt;
use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use rustls::pki_types::ServerName;
use tokio::io::{AsyncRead, AsyncWrite};
use tokio::net::TcpStream;
use tokio_rustls::TlsConnector;

use crate::{Config, Error};

/// A byte stream the protocols run over: plain TCP or TLS over it.
pub(crate) trait Io: AsyncRead + AsyncWrite + Unpin + Send + fmt::Debug {}
impl<T: AsyncRead + AsyncWrite + Unpin + Send + fmt::Debug> Io for T {}

/// A connection, plain or upgraded.
pub(crate) type Stream = Box<dyn Io>;

/// Builds the rustls client configuration: the web PKI roots plus the configured extra
/// roots, ring as the only crypto provider, TLS 1.2 and 1.3.
pub(crate) fn tls_config(config: &Config) -> Result<Arc<rustls::ClientConfig>, Error> {
    let mut roots = rustls::RootCertStore { roots: webpki_roots::TLS_SERVER_ROOTS.to_vec() };
    for cert in &config.extra_roots {
        roots.add(cert.clone()).map_err(|e| Error::Config(format!("extra root certificate: {e}")))?;
    }
    let tls = rustls::ClientConfig::builder_with_provider(Arc::new(rustls::crypto::ring::default_provider()))
        .with_safe_default_protocol_versions()
        .map_err(|e| Error::Config(format!("TLS: {e}")))?
        .with_root_certificates(roots)
        .with_no_client_auth();
    Ok(Arc::new(tls))
}

/// Where to connect and how long each step may take.
pub(crate) struct Net {
    /// `host:port`, for messages.
    pub host: String,
    host_name: String,
    port: u16,
    timeout: Duration,
    tls: Arc<rustls::ClientConfig>,
}

impl Net {
    pub(crate) fn new(config: &Config, tls: Arc<rustls::ClientConfig>) -> Self {
        Self { host: config.url.authority(), host_name: config.url.host.clone(), port: config.url.port, timeout: config.timeout, tls }
    }

    /// Runs one network step under the timeout.
    pub(crate) async fn within<T>(&self, fut: impl Future<Output = T>) -> Result<T, Error> {
        tokio::time::timeout(self.timeout, fut).await.map_err(|_| Error::Timeout { host: self.host.clone(), secs: self.timeout.as_secs() })
    }

    /// An IO error of this connection.
    pub(crate) fn io(&self, source: std::io::Error) -> Error {
        Error::Io { host: self.host.clone(), source }
    }

    /// A protocol error of this connection.
    pub(crate) fn protocol(&self, command: &str, message: impl Into<String>) -> Error {
        Error::Protocol { host: self.host.clone(), command: command.to_string(), message: message.into() }
    }

    /// Opens the TCP connection.
    pub(crate) async fn connect(&self) -> Result<Stream, Error> {
        let tcp = self.within(TcpStream::connect((self.host_name.as_str(), self.port))).await?.map_err(|e| self.io(e))?;
        tcp.set_nodelay(true).ok();
        Ok(Box::new(tcp))
    }

    /// Runs the TLS handshake over `stream`, checking the certificate against the host name.
    pub(crate) async fn tls(&self, stream: Stream) -> Result<Stream, Error> {
        let name = ServerName::try_from(self.host_name.clone()).map_err(|e| Error::Config(format!("{}: not a valid TLS server name: {e}", self.host_name)))?;
        let tls = self
            .within(TlsConnector::from(self.tls.clone()).connect(name, stream))
            .await?
            .map_err(|source| Error::Tls { host: self.host.clone(), source })?;
        Ok(Box::new(tls))
    }
}
