//! [`Request<O>`]: a request carrying the operation that built it, so that whatever sends it
//! ([`Batch::add`](super::Batch::add), an HTTP client's `send`) reads the answer with that
//! operation's output and error table without being told the operation again.

use std::fmt;
use std::marker::PhantomData;

/// A request built by operation `O` (its generated `request(..)`): the `http::Request` to send,
/// typed by the operation that will read its answer.
///
/// Its parts read as an `http::Request`'s do ([`method`](Request::method),
/// [`uri`](Request::uri), [`headers`](Request::headers), [`body`](Request::body)), and the
/// HTTP request itself stays reachable for any client that carries it without knowing the
/// operation ([`as_http`](Request::as_http), [`as_http_mut`](Request::as_http_mut),
/// [`into_http`](Request::into_http), `From`).
pub struct Request<O> {
    http: http::Request<Vec<u8>>,
    // `fn() -> O`: the operation is only a marker, so `Request<O>` is `Send` and `Sync` whatever
    // `O` is.
    operation: PhantomData<fn() -> O>,
}

impl<O> Request<O> {
    /// Types `request` as operation `O`'s. The generated `request(..)` functions call it; a
    /// request built by hand that names the wrong operation is still refused by
    /// [`Batch::add`](super::Batch::add) when its method is not `O`'s.
    pub fn from_http(request: http::Request<Vec<u8>>) -> Self {
        Request {
            http: request,
            operation: PhantomData,
        }
    }

    /// The method (the operation's).
    #[inline]
    pub fn method(&self) -> &http::Method {
        self.http.method()
    }

    /// The target: the link resolved against the origin, with the query.
    #[inline]
    pub fn uri(&self) -> &http::Uri {
        self.http.uri()
    }

    /// The headers: `Accept`, and `Content-Type`, `If-Match` where the operation sends them.
    #[inline]
    pub fn headers(&self) -> &http::HeaderMap {
        self.http.headers()
    }

    /// The body (empty when the operation sends none).
    #[inline]
    pub fn body(&self) -> &Vec<u8> {
        self.http.body()
    }

    /// The HTTP request.
    #[inline]
    pub fn as_http(&self) -> &http::Request<Vec<u8>> {
        &self.http
    }

    /// The HTTP request, to change its headers before it is sent.
    #[inline]
    pub fn as_http_mut(&mut self) -> &mut http::Request<Vec<u8>> {
        &mut self.http
    }

    /// The HTTP request, for a client that sends it and reads the answer with
    /// [`Operation::response`](super::Operation::response).
    #[inline]
    pub fn into_http(self) -> http::Request<Vec<u8>> {
        self.http
    }
}

impl<O> From<Request<O>> for http::Request<Vec<u8>> {
    fn from(request: Request<O>) -> Self {
        request.http
    }
}

impl<O> fmt::Debug for Request<O> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Request")
            .field("operation", &std::any::type_name::<O>())
            .field("http", &self.http)
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    struct Thing;

    #[test]
    fn the_http_request_is_reachable_whole() {
        let http = http::Request::post("https://fe1.contoso.com/thing")
            .body(b"{}".to_vec())
            .unwrap();
        let mut request = Request::<Thing>::from_http(http);
        assert_eq!(request.method(), http::Method::POST);
        assert_eq!(request.as_http().method(), http::Method::POST);
        assert_eq!(request.body(), b"{}");
        request
            .as_http_mut()
            .headers_mut()
            .insert("x-test", http::HeaderValue::from_static("1"));
        let debug = format!("{request:?}");
        assert!(debug.contains("Thing"), "{debug}");
        let http: http::Request<Vec<u8>> = request.into();
        assert_eq!(http.uri(), "https://fe1.contoso.com/thing");
        assert_eq!(http.headers()["x-test"], "1");
        assert_eq!(http.body(), b"{}");
    }
}
