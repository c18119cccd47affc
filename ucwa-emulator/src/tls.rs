//! HTTPS for the emulator: a self-signed certificate made at start for the names the tests
//! map to it, and its acceptor. Each connection's handshake runs in the connection's own task,
//! within `header_read_timeout` ([`crate::serve`]), so that a client that stalls (or speaks
//! plain HTTP) holds up no one else.

use std::sync::Arc;

use tokio_rustls::TlsAcceptor;
use tokio_rustls::rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer};
use tokio_rustls::rustls::{self, ServerConfig};

/// The certificate and what serves with it.
pub(crate) struct Tls {
    pub pem: String,
    acceptor: TlsAcceptor,
}

impl Tls {
    /// A certificate for `names` (and `localhost`, `127.0.0.1`).
    pub(crate) fn new(names: &[String]) -> std::io::Result<Tls> {
        let mut all: Vec<String> = vec!["localhost".into(), "127.0.0.1".into()];
        all.extend(names.iter().cloned());
        let certified = rcgen::generate_simple_self_signed(all).map_err(std::io::Error::other)?;
        let key = PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(
            certified.signing_key.serialize_der(),
        ));
        let chain: Vec<CertificateDer<'static>> = vec![certified.cert.der().clone()];
        // The provider is named rather than taken from the process default, which is unset
        // when more than one provider is compiled in.
        let provider = Arc::new(rustls::crypto::aws_lc_rs::default_provider());
        let config = ServerConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()
            .map_err(std::io::Error::other)?
            .with_no_client_auth()
            .with_single_cert(chain, key)
            .map_err(std::io::Error::other)?;
        Ok(Tls {
            pem: certified.cert.pem(),
            acceptor: TlsAcceptor::from(Arc::new(config)),
        })
    }

    /// What performs the handshake of each connection ([`crate::serve`] bounds its time).
    pub(crate) fn acceptor(&self) -> TlsAcceptor {
        self.acceptor.clone()
    }
}
