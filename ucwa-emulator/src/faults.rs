//! Faults injected in front of the handlers ([`Fault`]): the answers of a server under load or
//! behind a failing proxy (503, 504, a connection closed without an answer, an answer that
//! comes late), for any method and path, a given number of times. The layer that answers them is `routes::inject_faults`.

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
    /// Served as usual after this long (real time: clients in other processes wait too).
    Delay(Duration),
}

/// The longest a [`Fault::slow`] answer is held back.
pub(crate) const MAX_FAULT_DELAY: Duration = Duration::from_secs(30);

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

    /// Serves matching requests as usual, but only after `delay` (real time, at most
    /// 30 seconds): a slow server, for clients' time limits. The path may end in `*`
    /// to match every path it starts (`/ucwa/oauth/v1/applications/*`).
    pub fn slow(method: Method, path: impl Into<String>, delay: Duration) -> Fault {
        Fault {
            method,
            path: path.into(),
            times: 1,
            answer: Answer::Delay(delay.min(MAX_FAULT_DELAY)),
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

    /// The method, and the path: the same, or (a fault's path ending in `*`) starting so.
    fn matches(&self, method: &Method, path: &str) -> bool {
        self.method == *method
            && match self.path.strip_suffix('*') {
                Some(prefix) => path.starts_with(prefix),
                None => self.path == path,
            }
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

/// Where a resource's root start tag (`<resource …>`) ends in an XML answer, whether it closes
/// itself (`/>`), and its `rel`; `None` when the answer has no such root.
fn xml_root(body: &str) -> Option<(usize, bool, String)> {
    let start = body.find("<resource")?;
    let mut quote = None;
    let mut end = None;
    for (i, c) in body[start..].char_indices() {
        match (quote, c) {
            (Some(q), c) if c == q => quote = None,
            (Some(_), _) => {}
            (None, '"' | '\'') => quote = Some(c),
            (None, '>') => {
                end = Some(start + i);
                break;
            }
            _ => {}
        }
    }
    let end = end?;
    let tag = &body[start..end];
    let closed = tag.ends_with('/');
    let rel = tag
        .split_once(" rel=")
        .and_then(|(_, rest)| {
            let q = rest.chars().next()?;
            rest[1..].split(q).next().map(str::to_owned)
        })
        .unwrap_or_default();
    Some((end, closed, rel))
}

/// The rel of the resource an answer holds (its `rel` member in JSON, its root's `rel`
/// attribute in XML).
pub(crate) fn answer_rel(body: &[u8], json: bool) -> Option<String> {
    if json {
        let value: serde_json::Value = serde_json::from_slice(body).ok()?;
        return value.get("rel")?.as_str().map(str::to_owned);
    }
    xml_root(std::str::from_utf8(body).ok()?).map(|(_, _, rel)| rel)
}

/// Text escaped for XML content and attribute values.
fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// The answer with `members` (name, string value) added as properties of its resource: JSON
/// members beside its own, XML `<property>` elements first in its root. `None` when the body
/// is not a resource.
pub(crate) fn add_members(
    body: &[u8],
    json: bool,
    members: &[(String, String)],
) -> Option<Vec<u8>> {
    if json {
        let mut value: serde_json::Map<String, serde_json::Value> =
            serde_json::from_slice(body).ok()?;
        for (name, text) in members {
            value.insert(name.clone(), serde_json::Value::String(text.clone()));
        }
        return serde_json::to_vec(&value).ok();
    }
    let text = std::str::from_utf8(body).ok()?;
    let (end, closed, _) = xml_root(text)?;
    let properties: String = members
        .iter()
        .map(|(name, value)| {
            format!(
                "<property name=\"{}\">{}</property>",
                escape(name),
                escape(value)
            )
        })
        .collect();
    let out = if closed {
        format!(
            "{}>{properties}</resource>{}",
            &text[..end - 1],
            &text[end + 1..]
        )
    } else {
        format!("{}{properties}{}", &text[..=end], &text[end + 1..])
    };
    Some(out.into_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_slow_answer_is_bounded_and_a_path_may_end_in_a_star() {
        let fault = Fault::slow(Method::GET, "/a/*", Duration::from_secs(3600)).times(2);
        assert_eq!(fault.answer, Answer::Delay(MAX_FAULT_DELAY));
        assert!(fault.matches(&Method::GET, "/a/b/c"));
        assert!(!fault.matches(&Method::GET, "/a"));
        assert!(!fault.matches(&Method::POST, "/a/b"));
        let exact = Fault::hang_up(Method::GET, "/a/b");
        assert!(exact.matches(&Method::GET, "/a/b"));
        assert!(!exact.matches(&Method::GET, "/a/b/c"));
        let mut queued = std::collections::VecDeque::from([fault]);
        for _ in 0..2 {
            assert_eq!(
                take(&mut queued, &Method::GET, "/a/x"),
                Some(Answer::Delay(MAX_FAULT_DELAY))
            );
        }
        assert!(queued.is_empty());
    }

    #[test]
    fn members_are_added_in_both_formats() {
        let json = br#"{"rel":"note","message":"hi"}"#;
        assert_eq!(answer_rel(json, true).as_deref(), Some("note"));
        let added = add_members(json, true, &[("mood".into(), "a<b".into())]).unwrap();
        let value: serde_json::Value = serde_json::from_slice(&added).unwrap();
        assert_eq!(value["mood"], "a<b");
        assert_eq!(value["message"], "hi");

        let xml = br#"<?xml version="1.0"?><resource rel="note" href="/n" xmlns="x"><property name="message">hi</property></resource>"#;
        assert_eq!(answer_rel(xml, false).as_deref(), Some("note"));
        let added = add_members(xml, false, &[("mood".into(), "a<b".into())]).unwrap();
        assert_eq!(
            String::from_utf8(added).unwrap(),
            r#"<?xml version="1.0"?><resource rel="note" href="/n" xmlns="x"><property name="mood">a&lt;b</property><property name="message">hi</property></resource>"#
        );
        let empty = br#"<resource rel='me' href="/a>b"/>"#;
        assert_eq!(answer_rel(empty, false).as_deref(), Some("me"));
        let added = add_members(empty, false, &[("x".into(), "1".into())]).unwrap();
        assert_eq!(
            String::from_utf8(added).unwrap(),
            r#"<resource rel='me' href="/a>b"><property name="x">1</property></resource>"#
        );
        assert!(add_members(b"not a resource", true, &[]).is_none());
        assert!(add_members(b"<html/>", false, &[]).is_none());
    }
}
