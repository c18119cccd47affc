//! HTTPS for the emulator: a self-signed certificate made at start for the names the tests
//! map to it, and a listener that hands axum connections once their TLS handshake is done.
//! Handshakes run in their own tasks, each with a time limit, so that a client that stalls
//! (or speaks plain HTTP) holds up no one else.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use tokio::net::{TcpListener, TcpStream};
use tokio::sync::mpsc;
use tokio::task::JoinHandle;
use tokio_rustls::TlsAcceptor;
use tokio_rustls::rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer};
use tokio_rustls::rustls::{self, ServerConfig};
use tokio_rustls::server::TlsStream;

/// How long a client may take over its handshake.
const HANDSHAKE_LIMIT: Duration = Duration::from_secs(10);
/// Connections whose handshake is done and that axum has not taken yet.
const READY_QUEUE: usize = 64;

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

    /// Serves TLS on `listener`: the returned listener yields connections after their
    /// handshake; the task accepts and must be aborted when serving stops.
    pub(crate) fn listen(
        &self,
        listener: TcpListener,
    ) -> std::io::Result<(TlsListener, JoinHandle<()>)> {
        let local = listener.local_addr()?;
        let (ready, incoming) = mpsc::channel(READY_QUEUE);
        let acceptor = self.acceptor.clone();
        let task = tokio::spawn(async move {
            loop {
                let Ok((stream, peer)) = listener.accept().await else {
                    // Out of file descriptors and the like: wait instead of spinning.
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    continue;
                };
                let acceptor = acceptor.clone();
                let ready = ready.clone();
                tokio::spawn(async move {
                    let handshake =
                        tokio::time::timeout(HANDSHAKE_LIMIT, acceptor.accept(stream)).await;
                    if let Ok(Ok(stream)) = handshake {
                        let _ = ready.send((stream, peer)).await;
                    }
                });
            }
        });
        Ok((TlsListener { incoming, local }, task))
    }
}

pub(crate) struct TlsListener {
    incoming: mpsc::Receiver<(TlsStream<TcpStream>, SocketAddr)>,
    local: SocketAddr,
}

impl axum::serve::Listener for TlsListener {
    type Io = TlsStream<TcpStream>;
    type Addr = SocketAddr;

    async fn accept(&mut self) -> (Self::Io, Self::Addr) {
        match self.incoming.recv().await {
            Some(connection) => connection,
            // The accepting task is gone (serving is stopping): nothing more will come.
            None => std::future::pending().await,
        }
    }

    fn local_addr(&self) -> std::io::Result<Self::Addr> {
        Ok(self.local)
    }
}
