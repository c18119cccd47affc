//! Serving one listener: the accept loop with a bound on open connections, the TLS handshake
//! and the request headers each within `header_read_timeout`, HTTP/1.1 by hyper (which also
//! bounds a request head: 100 headers, about 400 KB), and a graceful stop that lets answers in
//! flight finish, for a few seconds at most.
//!
//! `axum::serve` offers none of these bounds; this is its loop with them.

use std::convert::Infallible;
use std::pin::Pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::task::{Context, Poll};
use std::time::Duration;

use axum::Router;
use axum::body::{Body, Bytes, HttpBody};
use hyper::body::Incoming;
use hyper::body::{Frame, SizeHint};
use hyper::server::conn::http1;
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::service::TowerToHyperService;
use tokio::io::{AsyncRead, AsyncWrite};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{Notify, OwnedSemaphorePermit, Semaphore, watch};
use tokio::task::{JoinHandle, JoinSet};
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
/// (a pending GET is released by closing the state first), at most [`STOP_GRACE`].
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

/// How long a stop waits for the connections to finish before it drops them (a client stalled
/// in the middle of its headers would otherwise hold the stop for `header_read_timeout`).
const STOP_GRACE: Duration = Duration::from_secs(5);

async fn accept(listener: TcpListener, shared: Shared, max_connections: usize) {
    let permits = Arc::new(Semaphore::new(max_connections));
    let mut connections = JoinSet::new();
    let mut stop = shared.stop.clone();
    loop {
        // Forget the connections that ended: the set holds at most the open ones and those
        // that ended since the last accept.
        while connections.try_join_next().is_some() {}
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
        connections.spawn(connection(stream, shared.clone(), permit));
    }
    drop(listener);
    // Each connection was told to stop: answers in flight are sent, idle connections close.
    let finished = tokio::time::timeout(STOP_GRACE, async {
        while connections.join_next().await.is_some() {}
    })
    .await;
    if finished.is_err() {
        tracing::debug!(
            left = connections.len(),
            "connections still open after the grace period; dropped"
        );
    }
    connections.abort_all();
}

/// Resolves when serving is to stop (or the emulator is gone).
async fn stopped(stop: &mut watch::Receiver<bool>) {
    let _ = stop.wait_for(|stopped| *stopped).await;
}

/// The client end of the connection a request came on: the Windows grant's NTLM handshake
/// belongs to one connection, as with IIS.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub(crate) struct Peer(pub std::net::SocketAddr);

async fn connection(stream: TcpStream, shared: Shared, _permit: OwnedSemaphorePermit) {
    let peer = stream.peer_addr().ok().map(Peer);
    match shared.tls.clone() {
        None => http(stream, shared, peer).await,
        Some(acceptor) => {
            let handshake =
                tokio::time::timeout(shared.header_read_timeout, acceptor.accept(stream)).await;
            if let Ok(Ok(stream)) = handshake {
                http(stream, shared, peer).await;
            }
        }
    }
}

async fn http<S>(stream: S, shared: Shared, peer: Option<Peer>)
where
    S: AsyncRead + AsyncWrite + Unpin + Send + 'static,
{
    let hangup = Hangup(Arc::new(Notify::new()));
    // Requests whose answer is not sent yet: a connection with none is dropped at once when
    // serving stops, even in the middle of a request's headers.
    let in_flight = Arc::new(AtomicUsize::new(0));
    let service = {
        let hangup = hangup.clone();
        let in_flight = in_flight.clone();
        let router = TowerToHyperService::new(shared.router);
        hyper::service::service_fn(move |mut request: hyper::Request<Incoming>| {
            request.extensions_mut().insert(hangup.clone());
            if let Some(peer) = peer {
                request.extensions_mut().insert(peer);
            }
            let answering = InFlight::new(&in_flight);
            let response = hyper::service::Service::call(&router, request);
            async move {
                let response = response.await?;
                Ok::<_, Infallible>(response.map(|body| {
                    Body::new(Answering {
                        body,
                        _in_flight: answering,
                    })
                }))
            }
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
            if in_flight.load(Ordering::SeqCst) == 0 {
                return;
            }
            served.as_mut().graceful_shutdown();
            tokio::select! {
                _ = served.as_mut() => {}
                _ = hangup.0.notified() => {}
            }
        }
    }
}

/// Counts a request as in flight until its answer's body is sent (or dropped).
struct InFlight(Arc<AtomicUsize>);

impl InFlight {
    fn new(count: &Arc<AtomicUsize>) -> Self {
        count.fetch_add(1, Ordering::SeqCst);
        InFlight(count.clone())
    }
}

impl Drop for InFlight {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::SeqCst);
    }
}

/// An answer's body, which keeps its request counted in flight.
struct Answering {
    body: Body,
    _in_flight: InFlight,
}

impl HttpBody for Answering {
    type Data = Bytes;
    type Error = axum::Error;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, axum::Error>>> {
        Pin::new(&mut self.body).poll_frame(cx)
    }

    fn is_end_stream(&self) -> bool {
        self.body.is_end_stream()
    }

    fn size_hint(&self) -> SizeHint {
        self.body.size_hint()
    }
}
