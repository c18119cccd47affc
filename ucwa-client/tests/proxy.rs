//! HTTPS through an HTTP proxy set in [`Settings`], with the emulator's certificate as an extra
//! root (an on-premises PKI), without a hand-built `reqwest::Client`: a small CONNECT proxy on
//! loopback, started by the test, that asks for Basic authentication, refuses a wrong
//! password (407), or drops the connection.

use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use base64::Engine as _;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use ucwa::Format;
use ucwa_client::settings::Settings;
use ucwa_client::{SessionError, SignIn};
use ucwa_emulator::{Config, Emulator};

const ADDRESS: &str = "lene@contoso.test";
const INTERNAL: &str = "lyncdiscoverinternal.contoso.test";

/// What the proxy does with each CONNECT.
#[derive(Clone, Copy)]
enum Behaviour {
    /// Tunnels to the emulator when `Proxy-Authorization` is Basic `proxy:proxy-pass`.
    Basic,
    /// Closes the connection once the request is read.
    Drop,
}

struct Proxy {
    addr: SocketAddr,
    /// How many CONNECTs it read.
    connects: Arc<AtomicUsize>,
    /// How many it tunnelled.
    tunnels: Arc<AtomicUsize>,
}

/// Starts the proxy: each tunnel goes to `target` (the emulator's one HTTPS port), whatever
/// host and port the CONNECT names, as a proxy that resolves the names would; it never
/// connects anywhere else. Ends with the test's runtime.
async fn proxy(behaviour: Behaviour, target: SocketAddr) -> Proxy {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let connects = Arc::new(AtomicUsize::new(0));
    let tunnels = Arc::new(AtomicUsize::new(0));
    let (c, t) = (connects.clone(), tunnels.clone());
    tokio::spawn(async move {
        while let Ok((client, _)) = listener.accept().await {
            let (c, t) = (c.clone(), t.clone());
            tokio::spawn(async move {
                let _ = serve(client, behaviour, target, &c, &t).await;
            });
        }
    });
    Proxy {
        addr,
        connects,
        tunnels,
    }
}

async fn serve(
    mut client: TcpStream,
    behaviour: Behaviour,
    target: SocketAddr,
    connects: &AtomicUsize,
    tunnels: &AtomicUsize,
) -> std::io::Result<()> {
    // The request head, up to its blank line (a CONNECT has no body).
    let mut head = Vec::new();
    let mut byte = [0u8; 1];
    while !head.ends_with(b"\r\n\r\n") {
        if client.read(&mut byte).await? == 0 || head.len() > 8192 {
            return Ok(());
        }
        head.push(byte[0]);
    }
    let head = String::from_utf8_lossy(&head).into_owned();
    assert!(head.starts_with("CONNECT "), "{head}");
    connects.fetch_add(1, Ordering::SeqCst);
    if let Behaviour::Drop = behaviour {
        return Ok(());
    }
    let expected = format!(
        "basic {}",
        base64::engine::general_purpose::STANDARD.encode("proxy:proxy-pass")
    );
    let authorized = head.lines().any(|line| {
        line.split_once(':').is_some_and(|(name, value)| {
            name.eq_ignore_ascii_case("proxy-authorization")
                && value.trim().eq_ignore_ascii_case(&expected)
        })
    });
    if !authorized {
        client
            .write_all(
                b"HTTP/1.1 407 Proxy Authentication Required\r\nProxy-Authenticate: Basic realm=\"test\"\r\nContent-Length: 0\r\n\r\n",
            )
            .await?;
        return Ok(());
    }
    let mut server = TcpStream::connect(target).await?;
    client
        .write_all(b"HTTP/1.1 200 Connection established\r\n\r\n")
        .await?;
    tunnels.fetch_add(1, Ordering::SeqCst);
    tokio::io::copy_bidirectional(&mut client, &mut server).await?;
    Ok(())
}

async fn emulator() -> Emulator {
    Emulator::start(Config {
        user: ADDRESS.to_owned(),
        tls_names: Some(vec![INTERNAL.to_owned()]),
        ..Config::default()
    })
    .await
    .unwrap()
}

/// The settings a user writes: the proxy, its credentials, the PKI's root.
fn settings(emulator: &Emulator, proxy: &Proxy, password: &str, format: Format) -> Settings {
    let root =
        reqwest::Certificate::from_pem(emulator.certificate_pem().unwrap().as_bytes()).unwrap();
    Settings::default()
        .proxy(
            reqwest::Proxy::https(format!("http://{}", proxy.addr))
                .unwrap()
                .basic_auth("proxy", password),
        )
        .root_certificate(root)
        .format(format)
        .connect_timeout(Duration::from_secs(5))
        .request_timeout(Duration::from_secs(5))
}

async fn sign_in(settings: Settings) -> Result<ucwa_client::Session, SessionError> {
    SignIn::new(ADDRESS)
        .unwrap()
        .password("pass@word1")
        .settings(settings)
        .retry_delay(Duration::from_millis(20))
        .start()
        .await
}

#[tokio::test]
async fn https_through_a_proxy_with_basic_authentication_in_json_and_xml() {
    let emulator = emulator().await;
    let proxy = proxy(Behaviour::Basic, emulator.addr()).await;
    for format in [Format::Json, Format::Xml] {
        let session = sign_in(settings(&emulator, &proxy, "proxy-pass", format))
            .await
            .unwrap();
        let me = session.me().get().await.unwrap();
        assert_eq!(
            me.uri.as_ref().map(|u| u.as_str()),
            Some("sip:lene@contoso.test")
        );
        session.shutdown().await;
    }
    assert!(proxy.tunnels.load(Ordering::SeqCst) >= 2);
    assert_eq!(emulator.observed().password_grants(), 2);
}

#[tokio::test]
async fn a_refused_proxy_password_is_a_proxy_error() {
    let emulator = emulator().await;
    let proxy = proxy(Behaviour::Basic, emulator.addr()).await;
    for format in [Format::Json, Format::Xml] {
        let error = sign_in(settings(&emulator, &proxy, "wrong", format))
            .await
            .unwrap_err();
        assert!(error.is_proxy_auth(), "{error:?}");
        assert!(!format!("{error:?}").contains("wrong\""), "{error:?}");
    }
    assert!(proxy.connects.load(Ordering::SeqCst) >= 2);
    assert_eq!(proxy.tunnels.load(Ordering::SeqCst), 0);
    // Nothing reached the server.
    assert_eq!(emulator.observed().password_grants(), 0);
}

#[tokio::test]
async fn a_proxy_that_drops_the_connection_is_a_connect_error() {
    let emulator = emulator().await;
    let proxy = proxy(Behaviour::Drop, emulator.addr()).await;
    for format in [Format::Json, Format::Xml] {
        let error = sign_in(settings(&emulator, &proxy, "proxy-pass", format))
            .await
            .unwrap_err();
        assert!(error.is_connect(), "{error:?}");
        assert!(!error.is_proxy_auth(), "{error:?}");
    }
    assert!(proxy.connects.load(Ordering::SeqCst) >= 2);
}

/// A proxy asking for NTLM (`windows-auth`), which checks the handshake with sspi's server
/// side for one account, `CONTOSO\proxy` with `proxy-pass`, on the connection it started on.
#[cfg(feature = "windows-auth")]
mod ntlm {
    use super::*;
    use sspi::{
        AuthIdentity, AuthIdentityBuffers, BufferType, DataRepresentation, Ntlm, Secret,
        SecurityBuffer, ServerRequestFlags, Sspi, SspiEx,
    };
    use ucwa_client::auth::NtlmProxy;

    const CHALLENGE: &[u8] = b"HTTP/1.1 407 Proxy Authentication Required\r\nProxy-Authenticate: NTLM\r\nProxy-Authenticate: Basic realm=\"test\"\r\nContent-Length: 14\r\n\r\nauthenticate!\n";

    /// Starts the NTLM proxy: each tunnel goes to `target`, as [`proxy`]'s do.
    async fn ntlm_proxy(target: SocketAddr) -> Proxy {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let connects = Arc::new(AtomicUsize::new(0));
        let tunnels = Arc::new(AtomicUsize::new(0));
        let (c, t) = (connects.clone(), tunnels.clone());
        tokio::spawn(async move {
            while let Ok((client, _)) = listener.accept().await {
                let (c, t) = (c.clone(), t.clone());
                tokio::spawn(async move {
                    let _ = serve_ntlm(client, target, &c, &t).await;
                });
            }
        });
        Proxy {
            addr,
            connects,
            tunnels,
        }
    }

    async fn read_head(client: &mut TcpStream) -> std::io::Result<Option<String>> {
        let mut head = Vec::new();
        let mut byte = [0u8; 1];
        while !head.ends_with(b"\r\n\r\n") {
            if client.read(&mut byte).await? == 0 || head.len() > 8192 {
                return Ok(None);
            }
            head.push(byte[0]);
        }
        Ok(Some(String::from_utf8_lossy(&head).into_owned()))
    }

    /// The NTLM message of a head's `Proxy-Authorization: NTLM <base64>`.
    fn message(head: &str) -> Option<Vec<u8>> {
        head.lines().find_map(|line| {
            let (name, value) = line.split_once(':')?;
            if !name.eq_ignore_ascii_case("proxy-authorization") {
                return None;
            }
            let data = value.trim().strip_prefix("NTLM ")?;
            base64::engine::general_purpose::STANDARD.decode(data).ok()
        })
    }

    async fn serve_ntlm(
        mut client: TcpStream,
        target: SocketAddr,
        connects: &AtomicUsize,
        tunnels: &AtomicUsize,
    ) -> std::io::Result<()> {
        let mut server = Ntlm::new();
        let mut challenged = false;
        // Every CONNECT on this connection: none, then Negotiate, then Authenticate.
        while let Some(head) = read_head(&mut client).await? {
            assert!(head.starts_with("CONNECT "), "{head}");
            connects.fetch_add(1, Ordering::SeqCst);
            let Some(token) = message(&head) else {
                client.write_all(CHALLENGE).await?;
                continue;
            };
            if !challenged {
                let Some(challenge) = accept(&mut server, token) else {
                    client.write_all(CHALLENGE).await?;
                    continue;
                };
                challenged = true;
                let value = base64::engine::general_purpose::STANDARD.encode(challenge);
                client
                    .write_all(
                        format!(
                            "HTTP/1.1 407 Proxy Authentication Required\r\nProxy-Authenticate: NTLM {value}\r\nContent-Length: 0\r\n\r\n"
                        )
                        .as_bytes(),
                    )
                    .await?;
                continue;
            }
            if !authenticated(&mut server, token) {
                client.write_all(CHALLENGE).await?;
                return Ok(());
            }
            let mut upstream = TcpStream::connect(target).await?;
            client
                .write_all(b"HTTP/1.1 200 Connection established\r\n\r\n")
                .await?;
            tunnels.fetch_add(1, Ordering::SeqCst);
            tokio::io::copy_bidirectional(&mut client, &mut upstream).await?;
            return Ok(());
        }
        Ok(())
    }

    fn accept(server: &mut Ntlm, token: Vec<u8>) -> Option<Vec<u8>> {
        let mut credentials: Option<AuthIdentityBuffers> = None;
        let mut input = vec![SecurityBuffer::new(token, BufferType::Token)];
        let mut output = vec![SecurityBuffer::new(Vec::new(), BufferType::Token)];
        server
            .accept_security_context()
            .with_credentials_handle(&mut credentials)
            .with_context_requirements(ServerRequestFlags::ALLOCATE_MEMORY)
            .with_target_data_representation(DataRepresentation::Native)
            .with_input(&mut input)
            .with_output(&mut output)
            .execute(server)
            .ok()?
            .resolve_to_result()
            .ok()?;
        output.pop().map(|buffer| buffer.buffer)
    }

    /// Whether the Authenticate message proves `CONTOSO\proxy`'s password, `proxy-pass`.
    fn authenticated(server: &mut Ntlm, token: Vec<u8>) -> bool {
        if accept(server, token).is_none() {
            return false;
        }
        let Ok(names) = server.query_context_names() else {
            return false;
        };
        if !names
            .username
            .inner()
            .eq_ignore_ascii_case("CONTOSO\\proxy")
        {
            return false;
        }
        let identity = AuthIdentity {
            username: names.username,
            password: Secret::from("proxy-pass".to_owned()),
        };
        server.custom_set_auth_identity(identity).is_ok()
            && matches!(
                server.complete_auth_token(&mut []),
                Ok(sspi::SecurityStatus::Ok)
            )
    }

    fn settings(emulator: &Emulator, proxy: &Proxy, password: &str, format: Format) -> Settings {
        let root =
            reqwest::Certificate::from_pem(emulator.certificate_pem().unwrap().as_bytes()).unwrap();
        let url = format!("http://{}", proxy.addr).parse().unwrap();
        Settings::default()
            .ntlm_proxy(NtlmProxy::new(url, "proxy", Some("CONTOSO"), password))
            .root_certificate(root)
            .format(format)
            .connect_timeout(Duration::from_secs(5))
            .request_timeout(Duration::from_secs(5))
    }

    #[tokio::test]
    async fn https_through_a_proxy_with_ntlm_authentication_in_json_and_xml() {
        let emulator = emulator().await;
        let proxy = ntlm_proxy(emulator.addr()).await;
        for format in [Format::Json, Format::Xml] {
            let session = sign_in(settings(&emulator, &proxy, "proxy-pass", format))
                .await
                .unwrap();
            let me = session.me().get().await.unwrap();
            assert_eq!(
                me.uri.as_ref().map(|u| u.as_str()),
                Some("sip:lene@contoso.test")
            );
            session.shutdown().await;
        }
        let tunnels = proxy.tunnels.load(Ordering::SeqCst);
        assert!(tunnels >= 2, "{tunnels}");
        // Each tunnel took three CONNECTs: bare, Negotiate, Authenticate.
        assert_eq!(proxy.connects.load(Ordering::SeqCst), tunnels * 3);
        assert_eq!(emulator.observed().password_grants(), 2);
    }

    #[tokio::test]
    async fn a_refused_ntlm_proxy_password_is_a_proxy_error() {
        let emulator = emulator().await;
        let proxy = ntlm_proxy(emulator.addr()).await;
        for format in [Format::Json, Format::Xml] {
            let error = sign_in(settings(&emulator, &proxy, "wrong-pass", format))
                .await
                .unwrap_err();
            assert!(error.is_proxy_auth(), "{error:?}");
            assert!(!format!("{error:?}").contains("wrong-pass"), "{error:?}");
        }
        assert!(proxy.connects.load(Ordering::SeqCst) >= 6);
        assert_eq!(proxy.tunnels.load(Ordering::SeqCst), 0);
        assert_eq!(emulator.observed().password_grants(), 0);
    }

    #[tokio::test]
    async fn an_ntlm_proxy_that_drops_the_connection_is_a_connect_error() {
        let emulator = emulator().await;
        let dropping = proxy(Behaviour::Drop, emulator.addr()).await;
        for format in [Format::Json, Format::Xml] {
            let error = sign_in(settings(&emulator, &dropping, "proxy-pass", format))
                .await
                .unwrap_err();
            assert!(error.is_connect(), "{error:?}");
            assert!(!error.is_proxy_auth(), "{error:?}");
        }
        assert!(dropping.connects.load(Ordering::SeqCst) >= 2);
    }

    #[tokio::test]
    async fn a_proxy_url_that_cannot_be_used_is_a_setting_error() {
        let url = "https://proxy.contoso.test".parse().unwrap();
        let settings =
            Settings::default().ntlm_proxy(NtlmProxy::new(url, "proxy", None, "proxy-pass"));
        let error = SignIn::new(ADDRESS)
            .unwrap()
            .password("pass@word1")
            .settings(settings)
            .start()
            .await
            .unwrap_err();
        assert!(error.to_string().contains("ntlm_proxy"), "{error}");
    }
}
