//! HTTPS through a proxy that asks for NTLM ([`NtlmProxy`], `windows-auth`). reqwest answers a
//! proxy's 407 only with Basic, and its connector cannot be replaced by one of ours, so the
//! client runs a small tunnel of its own on loopback, which reqwest uses as its proxy:
//!
//! - reqwest sends it its `CONNECT host:port`, with a Basic `Proxy-Authorization` carrying a
//!   random secret made for this client (another process on the machine cannot use the tunnel
//!   and the account behind it);
//! - the tunnel connects to the real proxy and sends the `CONNECT` there, answering its 407
//!   `Proxy-Authenticate: NTLM` with the NTLM handshake (Negotiate, the proxy's Challenge,
//!   Authenticate) on that one connection, with `sspi` as the Windows grant does;
//! - once the proxy answers 200 it answers reqwest 200 and copies bytes both ways: the TLS
//!   session runs from reqwest to the server, through both, and neither tunnel sees inside it.
//!
//! A proxy that refuses the account answers 407 to the Authenticate message; the tunnel gives
//! reqwest a 407, which is what [`TransportError::is_proxy_auth`](crate::TransportError::is_proxy_auth)
//! recognises. A proxy that cannot be reached, or drops the connection, makes the tunnel drop
//! reqwest's too: a connect error. The tunnel stops when the last clone of the
//! `reqwest::Client` holding it is dropped. Only `https` goes through it; `NO_PROXY` from the
//! environment names the hosts reached directly.

use std::sync::Arc;
use std::time::Duration;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::Semaphore;
use ucwa::RequestError;

use crate::auth::token::Password;
use crate::auth::windows::Handshake;

/// The most tunnels open at once; more wait for one to close.
const MAX_TUNNELS: usize = 1024;
/// The most bytes of a request or answer head.
const MAX_HEAD: usize = 16 * 1024;
/// The most bytes of a 407's body (read and dropped, so that the connection can go on).
const MAX_BODY: usize = 64 * 1024;
/// How long reqwest's `CONNECT` head may take to arrive.
const HEAD_WAIT: Duration = Duration::from_secs(30);

/// An HTTP proxy asking for NTLM, and the account to authenticate as
/// ([`Settings::ntlm_proxy`](crate::Settings::ntlm_proxy)): the credentials are named here
/// only, and never leave the machine (NTLM proves the password is known).
#[derive(Clone, Debug)]
pub struct NtlmProxy {
    proxy: url::Url,
    username: String,
    password: Password,
}

impl NtlmProxy {
    /// The proxy at `proxy` (`http://proxy.contoso.com:8080`), as `user` of the Windows
    /// `domain` (`CONTOSO`; `None` for a user principal name, `svc@contoso.com`).
    pub fn new(
        proxy: url::Url,
        user: &str,
        domain: Option<&str>,
        password: impl Into<String>,
    ) -> Self {
        let username = match domain {
            Some(domain) => format!("{domain}\\{user}"),
            None => user.to_owned(),
        };
        NtlmProxy {
            proxy,
            username,
            password: Password::new(password),
        }
    }

    /// The proxy's URL.
    pub fn url(&self) -> &url::Url {
        &self.proxy
    }

    /// Whether the URL can be used: `http://host[:port]`, what `Settings::check` refuses
    /// otherwise.
    pub(crate) fn check(&self) -> Result<(), &'static str> {
        let url = &self.proxy;
        if url.scheme() != "http"
            || url.host_str().is_none()
            || url.port_or_known_default().is_none()
        {
            return Err("an http:// URL with a host (the proxy is spoken to in plain HTTP)");
        }
        if !url.username().is_empty() || url.password().is_some() {
            return Err("a URL without credentials (they are given once, to NtlmProxy::new)");
        }
        Ok(())
    }

    /// Starts the tunnel on loopback and gives the `reqwest::Proxy` that leads to it.
    pub(crate) fn start(&self, connect_timeout: Duration) -> Result<reqwest::Proxy, RequestError> {
        let failed = |why: String| RequestError::Http(format!("the NTLM proxy tunnel: {why}"));
        let runtime = tokio::runtime::Handle::try_current()
            .map_err(|_| failed("it needs a tokio runtime to run in".to_owned()))?;
        let listener =
            std::net::TcpListener::bind("127.0.0.1:0").map_err(|e| failed(e.to_string()))?;
        listener
            .set_nonblocking(true)
            .map_err(|e| failed(e.to_string()))?;
        let addr = listener.local_addr().map_err(|e| failed(e.to_string()))?;
        let secret = format!(
            "{:016x}{:016x}",
            crate::retry::random(),
            crate::retry::random()
        );
        let upstream = Arc::new(Upstream {
            proxy: self.clone(),
            secret: secret.clone(),
            connect_timeout,
        });
        let task = runtime.spawn(accept(listener, upstream));
        let guard = Arc::new(AbortOnDrop(task.abort_handle()));
        let target = format!("http://ucwa:{secret}@{addr}");
        let proxy = reqwest::Proxy::custom(move |url| {
            // The closure lives in the client: the tunnel lives as long as the client does.
            let _tunnel = &guard;
            (url.scheme() == "https").then(|| target.clone())
        });
        Ok(proxy.no_proxy(reqwest::NoProxy::from_env()))
    }
}

struct AbortOnDrop(tokio::task::AbortHandle);

impl Drop for AbortOnDrop {
    fn drop(&mut self) {
        self.0.abort();
    }
}

struct Upstream {
    proxy: NtlmProxy,
    secret: String,
    connect_timeout: Duration,
}

async fn accept(listener: std::net::TcpListener, upstream: Arc<Upstream>) {
    let Ok(listener) = TcpListener::from_std(listener) else {
        return;
    };
    let permits = Arc::new(Semaphore::new(MAX_TUNNELS));
    loop {
        let Ok(permit) = permits.clone().acquire_owned().await else {
            return;
        };
        let Ok((client, _)) = listener.accept().await else {
            continue;
        };
        let upstream = upstream.clone();
        tokio::spawn(async move {
            let _permit = permit;
            if let Err(error) = tunnel(client, &upstream).await {
                tracing::debug!(%error, "NTLM proxy tunnel");
            }
        });
    }
}

/// What the real proxy made of the `CONNECT`.
enum Connected {
    /// 200: the tunnel to the server is open.
    Open(TcpStream),
    /// It refused the account (407 to the Authenticate message, or NTLM not offered).
    Refused,
    /// Another answer (403, 502, …), passed on.
    Status(u16),
}

async fn tunnel(mut client: TcpStream, upstream: &Upstream) -> std::io::Result<()> {
    let head = tokio::time::timeout(HEAD_WAIT, read_head(&mut client))
        .await
        .map_err(|_| std::io::Error::from(std::io::ErrorKind::TimedOut))??;
    let head = String::from_utf8_lossy(&head).into_owned();
    let mut lines = head.lines();
    let target = lines.next().and_then(|line| {
        let mut parts = line.split(' ');
        match (parts.next(), parts.next()) {
            (Some("CONNECT"), Some(target)) if !target.is_empty() => Some(target.to_owned()),
            _ => None,
        }
    });
    let expected = format!("ucwa:{}", upstream.secret);
    let authorized = lines.any(|line| {
        let Some((name, value)) = line.split_once(':') else {
            return false;
        };
        let value = value.trim();
        name.eq_ignore_ascii_case("proxy-authorization")
            && value
                .get(..6)
                .is_some_and(|s| s.eq_ignore_ascii_case("basic "))
            && STANDARD
                .decode(value[6..].trim())
                .is_ok_and(|decoded| decoded == expected.as_bytes())
    });
    if !authorized {
        client
            .write_all(b"HTTP/1.1 407 Proxy Authentication Required\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
            .await?;
        return Ok(());
    }
    let Some(target) = target else {
        client
            .write_all(b"HTTP/1.1 405 Method Not Allowed\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
            .await?;
        return Ok(());
    };
    // The whole exchange with the proxy within the connect timeout (three round trips).
    let connected = tokio::time::timeout(
        upstream.connect_timeout.saturating_mul(3),
        connect(upstream, &target),
    )
    .await
    .map_err(|_| std::io::Error::from(std::io::ErrorKind::TimedOut))??;
    match connected {
        Connected::Open(mut server) => {
            client
                .write_all(b"HTTP/1.1 200 Connection established\r\n\r\n")
                .await?;
            tokio::io::copy_bidirectional(&mut client, &mut server).await?;
        }
        Connected::Refused => {
            tracing::warn!(proxy = %upstream.proxy.proxy, "the proxy refused the NTLM account");
            client
                .write_all(b"HTTP/1.1 407 Proxy Authentication Required\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
                .await?;
        }
        Connected::Status(status) => {
            client
                .write_all(
                    format!("HTTP/1.1 {status} Proxy Answer\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
                        .as_bytes(),
                )
                .await?;
        }
    }
    Ok(())
}

/// The `CONNECT` to `target` through the real proxy, with the NTLM handshake it asks for.
async fn connect(upstream: &Upstream, target: &str) -> std::io::Result<Connected> {
    let proxy = &upstream.proxy;
    let (Some(host), Some(port)) = (proxy.proxy.host_str(), proxy.proxy.port_or_known_default())
    else {
        return Err(std::io::Error::other("the proxy URL has no host"));
    };
    let open = || async {
        tokio::time::timeout(upstream.connect_timeout, TcpStream::connect((host, port)))
            .await
            .map_err(|_| std::io::Error::from(std::io::ErrorKind::TimedOut))?
    };
    let mut server = open().await?;
    // First without credentials: the proxy says which schemes it takes.
    let answer = exchange(&mut server, target, None).await?;
    match answer.status {
        200 => return Ok(Connected::Open(server)),
        407 => {}
        other => return Ok(Connected::Status(other)),
    }
    if !answer.offers_ntlm() {
        return Ok(Connected::Refused);
    }
    if !answer.keep_alive {
        server = open().await?;
    }
    let other = |e: crate::auth::AuthError| std::io::Error::other(e.to_string());
    let mut ntlm = Handshake::start(&proxy.username, &proxy.password, &format!("http://{host}"))
        .map_err(other)?;
    let negotiate = ntlm.step(None).map_err(other)?;
    let answer = exchange(&mut server, target, Some(&negotiate)).await?;
    match answer.status {
        200 => return Ok(Connected::Open(server)),
        407 => {}
        other => return Ok(Connected::Status(other)),
    }
    // NTLM authenticates the connection: the Authenticate message must go on this one.
    let Some(challenge) = answer.ntlm_challenge().filter(|_| answer.keep_alive) else {
        return Ok(Connected::Refused);
    };
    let authenticate = ntlm.step(Some(challenge)).map_err(other)?;
    let answer = exchange(&mut server, target, Some(&authenticate)).await?;
    Ok(match answer.status {
        200 => Connected::Open(server),
        407 => Connected::Refused,
        other => Connected::Status(other),
    })
}

/// A proxy's answer to a `CONNECT`, its body read and dropped.
struct Answer {
    status: u16,
    /// The `Proxy-Authenticate` values.
    authenticate: Vec<String>,
    keep_alive: bool,
}

impl Answer {
    fn offers_ntlm(&self) -> bool {
        self.authenticate.iter().any(|value| {
            value
                .split(' ')
                .next()
                .is_some_and(|scheme| scheme.eq_ignore_ascii_case("NTLM"))
        })
    }

    fn ntlm_challenge(&self) -> Option<Vec<u8>> {
        self.authenticate.iter().find_map(|value| {
            let (scheme, data) = value.split_once(' ')?;
            if !scheme.eq_ignore_ascii_case("NTLM") {
                return None;
            }
            STANDARD.decode(data.trim()).ok()
        })
    }
}

/// Sends one `CONNECT` (with an NTLM message when given) and reads the answer's head, and its
/// body unless it is a 200 (after which the bytes are the tunnel's).
async fn exchange(
    server: &mut TcpStream,
    target: &str,
    message: Option<&[u8]>,
) -> std::io::Result<Answer> {
    let mut request =
        format!("CONNECT {target} HTTP/1.1\r\nHost: {target}\r\nProxy-Connection: keep-alive\r\n");
    if let Some(message) = message {
        request.push_str(&format!(
            "Proxy-Authorization: NTLM {}\r\n",
            STANDARD.encode(message)
        ));
    }
    request.push_str("\r\n");
    server.write_all(request.as_bytes()).await?;
    let head = read_head(server).await?;
    let head = String::from_utf8_lossy(&head).into_owned();
    let mut lines = head.lines();
    let status = lines
        .next()
        .filter(|line| line.starts_with("HTTP/1."))
        .and_then(|line| line.split(' ').nth(1))
        .and_then(|code| code.parse::<u16>().ok())
        .ok_or_else(|| std::io::Error::other("the proxy's answer is not HTTP"))?;
    let mut answer = Answer {
        status,
        authenticate: Vec::new(),
        keep_alive: true,
    };
    let mut length = 0usize;
    for line in lines {
        let Some((name, value)) = line.split_once(':') else {
            continue;
        };
        let value = value.trim();
        if name.eq_ignore_ascii_case("proxy-authenticate") {
            answer
                .authenticate
                .extend(value.split(',').map(|v| v.trim().to_owned()));
        } else if name.eq_ignore_ascii_case("content-length") {
            length = value
                .parse()
                .map_err(|_| std::io::Error::other("the proxy's Content-Length is not a number"))?;
        } else if (name.eq_ignore_ascii_case("connection")
            || name.eq_ignore_ascii_case("proxy-connection"))
            && value.eq_ignore_ascii_case("close")
        {
            answer.keep_alive = false;
        } else if name.eq_ignore_ascii_case("transfer-encoding") {
            // A chunked body cannot be skipped here: this connection ends with it.
            answer.keep_alive = false;
        }
    }
    if status != 200 {
        if length > MAX_BODY {
            return Err(std::io::Error::other("the proxy's answer is too long"));
        }
        let mut body = vec![0u8; length];
        server.read_exact(&mut body).await?;
    }
    Ok(answer)
}

/// Bytes up to the blank line that ends a head, read one by one so that nothing after it is
/// taken from the stream; at most [`MAX_HEAD`].
async fn read_head(stream: &mut TcpStream) -> std::io::Result<Vec<u8>> {
    let mut head = Vec::new();
    let mut byte = [0u8; 1];
    while !head.ends_with(b"\r\n\r\n") {
        if head.len() >= MAX_HEAD {
            return Err(std::io::Error::other("a head longer than 16 KiB"));
        }
        if stream.read(&mut byte).await? == 0 {
            return Err(std::io::Error::from(std::io::ErrorKind::UnexpectedEof));
        }
        head.push(byte[0]);
    }
    Ok(head)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_plain_http_proxy_urls_without_credentials_are_taken() {
        let proxy = |url: &str| {
            NtlmProxy::new(url.parse().unwrap(), "svc", Some("CONTOSO"), "s3cret-Proxy")
        };
        assert!(proxy("http://proxy.contoso.com:8080").check().is_ok());
        assert!(proxy("http://proxy.contoso.com").check().is_ok());
        assert!(proxy("https://proxy.contoso.com").check().is_err());
        assert!(proxy("http://u:p@proxy.contoso.com").check().is_err());
        let debug = format!("{:?}", proxy("http://proxy.contoso.com"));
        assert!(!debug.contains("s3cret"), "{debug}");
    }
}
