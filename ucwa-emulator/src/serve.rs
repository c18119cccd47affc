//! Serving one listener: the accept loop with a bound on open connections, the TLS handshake
//! and the request headers each within `header_read_timeout`, HTTP/1.1 by hyper, and a
//! graceful stop that lets answers in flight finish.
//!
//! `axum::serve` offers none of these bounds; this is its loop with them.

use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use hyper::body::Incoming;
use hyper::server::conn::http1;
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::service::TowerToHyperService;
use tokio::io::{AsyncRead, AsyncWrite};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{Notify, OwnedSemaphorePermit, Semaphore, watch};
use tokio::task::JoinHandle;
use tokio_rustls::TlsAcceptor;

use crate::limits::Limits;

/// In each request's extensions: closes its connection without an answer
/// ([`crate::Fault::hang_up`]).
#[derive(Clone)]
pub(crate) struct Hangup(Arc<Notify>);

impl Hangup {
    pub(crate) fn hang_up(&self) {
        self.0.notify_one();
    }
}

/// What every connection of a listener shares.
#[derive(Clone)]
struct Shared {
    router: Router,
    tls: Option<TlsAcceptor>,
    header_read_timeout: Duration,
    stop: watch::Receiver<bool>,
}

/// Serves `listener` until `stop` turns true, then waits for the open connections to finish
/// (a pending GET is released by closing the state first).
pub(crate) fn spawn(
    listener: TcpListener,
    router: Router,
    tls: Option<TlsAcceptor>,
    limits: &Limits,
    stop: watch::Receiver<bool>,
) -> JoinHandle<()> {
    let max_connections = limits.max_connections;
    let shared = Shared {
        router,
        tls,
        header_read_timeout: limits.header_read_timeout,
        stop,
    };
    tokio::spawn(accept(listener, shared, max_connections))
}

async fn accept(listener: TcpListener, shared: Shared, max_connections: usize) {
    let permits = Arc::new(Semaphore::new(max_connections));
    let mut stop = shared.stop.clone();
    loop {
        // A permit first: at the bound, connections wait in the listener's backlog.
        let permit = tokio::select! {
            biased;
            _ = stopped(&mut stop) => break,
            permit = permits.clone().acquire_owned() => match permit {
                Ok(permit) => permit,
                Err(_) => break,
            },
        };
        let stream = tokio::select! {
            biased;
            _ = stopped(&mut stop) => break,
            accepted = listener.accept() => match accepted {
                Ok((stream, _)) => stream,
                Err(error) => {
                    // Out of file descriptors and the like: wait instead of spinning.
                    tracing::warn!(%error, "accept failed");
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    continue;
                }
            },
        };
        let _ = stream.set_nodelay(true);
        tokio::spawn(connection(stream, shared.clone(), permit));
    }
    drop(listener);
    // Every connection holds a permit until it ends.
    let all = u32::try_from(max_connections).unwrap_or(u32::MAX);
    let _ = permits.acquire_many(all).await;
}

/// Resolves when serving is to stop (or the emulator is gone).
async fn stopped(stop: &mut watch::Receiver<bool>) {
    let _ = stop.wait_for(|stopped| *stopped).await;
}

async fn connection(stream: TcpStream, shared: Shared, _permit: OwnedSemaphorePermit) {
    match shared.tls.clone() {
        None => http(stream, shared).await,
        Some(acceptor) => {
            let handshake =
                tokio::time::timeout(shared.header_read_timeout, acceptor.accept(stream)).await;
            if let Ok(Ok(stream)) = handshake {
                http(stream, shared).await;
            }
        }
    }
}

async fn http<S>(stream: S, shared: Shared)
where
    S: AsyncRead + AsyncWrite + Unpin + Send + 'static,
{
    let hangup = Hangup(Arc::new(Notify::new()));
    let service = {
        let hangup = hangup.clone();
        let router = TowerToHyperService::new(shared.router);
        hyper::service::service_fn(move |mut request: hyper::Request<Incoming>| {
            request.extensions_mut().insert(hangup.clone());
            hyper::service::Service::call(&router, request)
        })
    };
    let mut builder = http1::Builder::new();
    builder
        .timer(TokioTimer::new())
        .header_read_timeout(shared.header_read_timeout);
    let served = builder.serve_connection(TokioIo::new(stream), service);
    tokio::pin!(served);
    let mut stop = shared.stop;
    tokio::select! {
        _ = served.as_mut() => {}
        // Dropping the connection closes it, the answer unsent.
        _ = hangup.0.notified() => {}
        _ = stopped(&mut stop) => {
            served.as_mut().graceful_shutdown();
            tokio::select! {
                _ = served.as_mut() => {}
                _ = hangup.0.notified() => {}
            }
        }
    }
}
