//! The server side of NTLM for the Windows grant, with `sspi` (Devolutions' SSPI in Rust): the
//! token endpoint's integrated authentication, as IIS in front of a Skype for Business Server
//! runs it. The handshake is bound to the connection it started on: the Negotiate message gets
//! a challenge, and the Authenticate message must come on the same connection (the client keeps
//! it alive), where it is checked against the password of the account it names.

use std::collections::HashMap;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use sspi::{
    AuthIdentity, AuthIdentityBuffers, BufferType, DataRepresentation, Ntlm, Secret,
    SecurityBuffer, ServerRequestFlags, Sspi, SspiEx,
};

use crate::serve::Peer;

/// The most handshakes waiting for their Authenticate message at once: a client that opens
/// handshakes and never finishes them cannot grow the table.
const MAX_PENDING: usize = 256;

/// The handshakes that sent a challenge and wait for the Authenticate message, by connection.
#[derive(Default)]
pub(crate) struct Handshakes(HashMap<Peer, Ntlm>);

/// What one leg of the handshake gives.
pub(crate) enum Step {
    /// The challenge to send back in a 401's `WWW-Authenticate`, base64-encoded.
    Challenge(String),
    /// The account the client proved it holds the password of: `user@domain` or `DOMAIN\user`,
    /// as the client named it.
    Authenticated(String),
    /// The message is not NTLM, is out of order, or names an account whose password does not
    /// match: the endpoint answers with a fresh challenge, as IIS does.
    Refused,
}

impl Handshakes {
    /// Takes `token` (the base64 of an `Authorization: NTLM` or `Negotiate` value) from the
    /// connection `peer`. `password_of` gives the password of the account the Authenticate
    /// message names, when it is one of the emulator's.
    pub(crate) fn step(
        &mut self,
        peer: Peer,
        token: &str,
        password_of: impl Fn(&str) -> Option<String>,
    ) -> Step {
        let Ok(token) = STANDARD.decode(token.trim()) else {
            return Step::Refused;
        };
        match self.0.remove(&peer) {
            // The second message on this connection: the Authenticate message.
            Some(mut server) => authenticate(&mut server, token, password_of),
            None => {
                let mut server = Ntlm::new();
                match accept(&mut server, token) {
                    Some(challenge) if !challenge.is_empty() => {
                        if self.0.len() >= MAX_PENDING {
                            self.0.clear();
                        }
                        self.0.insert(peer, server);
                        Step::Challenge(STANDARD.encode(challenge))
                    }
                    _ => Step::Refused,
                }
            }
        }
    }
}

fn authenticate(
    server: &mut Ntlm,
    token: Vec<u8>,
    password_of: impl Fn(&str) -> Option<String>,
) -> Step {
    if accept(server, token).is_none() {
        return Step::Refused;
    }
    let Ok(names) = server.query_context_names() else {
        return Step::Refused;
    };
    let account = names.username.inner().to_owned();
    let Some(password) = password_of(&account) else {
        return Step::Refused;
    };
    let identity = AuthIdentity {
        username: names.username,
        password: Secret::from(password),
    };
    // sspi checks the client's proof (its message integrity code, made with a key derived from
    // the password) against the password of the account named on the wire.
    if server.custom_set_auth_identity(identity).is_err() {
        return Step::Refused;
    }
    match server.complete_auth_token(&mut []) {
        Ok(sspi::SecurityStatus::Ok) => Step::Authenticated(account),
        _ => Step::Refused,
    }
}

/// One `AcceptSecurityContext`: the answer's token, or `None` when the message is refused.
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
