//! Reading an answer's body with a limit, so that a server (or something pretending to be one)
//! cannot make the client hold an unbounded amount of memory.

/// The most a UCWA answer may hold unless the client is told otherwise
/// ([`Settings::max_body_size`](crate::settings::Settings::max_body_size)): far above any resource or event batch the reference
/// shows, well below what would hurt.
pub const DEFAULT_LIMIT: usize = 8 * 1024 * 1024;
/// The most a token endpoint or discovery answer may hold: these are a few hundred bytes.
pub(crate) const SMALL_LIMIT: usize = 64 * 1024;

/// Why a body could not be read.
pub(crate) enum ReadError {
    /// Longer than the limit.
    TooLong(BodyTooLong),
    /// The connection failed.
    Failed(reqwest::Error),
}

/// An answer longer than the limit.
#[derive(Debug, thiserror::Error)]
#[error(
    "the answer is longer than {limit} bytes, the most this client reads (`max_body_size` sets it)"
)]
pub(crate) struct BodyTooLong {
    pub limit: usize,
}

/// The body, or why it could not be read (too long, or the connection failed).
pub(crate) async fn read(
    mut response: reqwest::Response,
    limit: usize,
) -> Result<Vec<u8>, ReadError> {
    if response
        .content_length()
        .is_some_and(|length| length > limit as u64)
    {
        return Err(ReadError::TooLong(BodyTooLong { limit }));
    }
    let mut body = Vec::new();
    while let Some(chunk) = response.chunk().await.map_err(ReadError::Failed)? {
        if body.len() + chunk.len() > limit {
            return Err(ReadError::TooLong(BodyTooLong { limit }));
        }
        body.extend_from_slice(&chunk);
    }
    Ok(body)
}
