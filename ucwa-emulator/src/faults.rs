//! Faults injected in front of the handlers ([`Fault`]): the answers of a server under load or
//! behind a failing proxy (503, 504, a connection closed without an answer), for any method
//! and path, a given number of times. The layer that answers them is `routes::inject_faults`.

use std::time::Duration;

use ucwa::ErrorBody;
use ucwa::http::{Method, StatusCode};

/// What the emulator does instead of serving a request that matches: answer an error, or close
/// the connection without answering.
#[derive(Clone, Debug, PartialEq)]
pub struct Fault {
    pub(crate) method: Method,
    pub(crate) path: String,
    pub(crate) times: u32,
    pub(crate) answer: Answer,
}

#[derive(Clone, Debug, PartialEq)]
pub(crate) enum Answer {
    Error {
        status: StatusCode,
        body: Box<ErrorBody>,
        retry_after: Option<Duration>,
    },
    HangUp,
}

impl Fault {
    /// Answers requests with `method` to `path` (the path alone, without the query) with
    /// `status` and `body`, in the format the client asked for, once (see [`Fault::times`]).
    pub fn error(
        method: Method,
        path: impl Into<String>,
        status: StatusCode,
        body: ErrorBody,
    ) -> Fault {
        Fault {
            method,
            path: path.into(),
            times: 1,
            answer: Answer::Error {
                status,
                body: Box::new(body),
                retry_after: None,
            },
        }
    }

    /// 503 `ServiceUnavailable` with the subcode `ServiceFailure`: a server too busy to answer,
    /// the answer a client may retry.
    pub fn service_failure(method: Method, path: impl Into<String>) -> Fault {
        Fault::error(
            method,
            path,
            StatusCode::SERVICE_UNAVAILABLE,
            ErrorBody {
                code: "ServiceUnavailable".into(),
                subcode: Some("ServiceFailure".into()),
                message: Some("The service is busy; try again later.".into()),
                ..ErrorBody::default()
            },
        )
    }

    /// 504 `Timeout` with the subcode `ServiceTimeout`: a server behind UCWA that did not answer
    /// in time.
    pub fn service_timeout(method: Method, path: impl Into<String>) -> Fault {
        Fault::error(
            method,
            path,
            StatusCode::GATEWAY_TIMEOUT,
            ErrorBody {
                code: "Timeout".into(),
                subcode: Some("ServiceTimeout".into()),
                message: Some("A remote service did not answer in time.".into()),
                ..ErrorBody::default()
            },
        )
    }

    /// Closes the connection without answering, as a server that crashed or a proxy that cut
    /// the connection does: the client sees the connection closed before an answer came.
    pub fn hang_up(method: Method, path: impl Into<String>) -> Fault {
        Fault {
            method,
            path: path.into(),
            times: 1,
            answer: Answer::HangUp,
        }
    }

    /// Applies to the next `times` matching requests (at least one).
    pub fn times(mut self, times: u32) -> Fault {
        self.times = times.max(1);
        self
    }

    /// Sends `Retry-After` with the error, in whole seconds.
    pub fn retry_after(mut self, after: Duration) -> Fault {
        if let Answer::Error { retry_after, .. } = &mut self.answer {
            *retry_after = Some(after);
        }
        self
    }

    fn matches(&self, method: &Method, path: &str) -> bool {
        self.method == *method && self.path == path
    }
}

/// Takes the first fault that matches, counting one use of it.
pub(crate) fn take(
    faults: &mut std::collections::VecDeque<Fault>,
    method: &Method,
    path: &str,
) -> Option<Answer> {
    let index = faults.iter().position(|f| f.matches(method, path))?;
    let fault = &mut faults[index];
    fault.times -= 1;
    let answer = fault.answer.clone();
    if fault.times == 0 {
        faults.remove(index);
    }
    Some(answer)
}
