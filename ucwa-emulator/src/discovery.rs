//! Autodiscovery: the root resource (unauthenticated, at `/` of the discovery host and at its
//! canonical path), the user resource behind it (authenticated), and the redirects a real
//! deployment sends: a root that only points elsewhere, and a user resource on one pool that
//! points to the user's own pool.

use axum::extract::State as Extract;
use axum::response::Response;
use ucwa::Link;
use ucwa::http::{HeaderMap, StatusCode};
use ucwa::resources::{Root, User};

use crate::auth::{Site, own_origin};
use crate::paths::{APPLICATIONS_PATH, ROOT_PATH, USER_PATH, XFRAME_PATH};
use crate::protocol::{Negotiated, Refusal, not_found, payload};

/// `GET /`: the root, or only a `redirect` link when one is set; 404 for
/// `lyncdiscoverinternal.*` when the internal entry point is configured away.
pub(crate) async fn entry_point(
    Extract(site): Extract<Site>,
    Negotiated(format): Negotiated,
    headers: HeaderMap,
) -> Result<Response, Refusal> {
    site.state.observed.entry_point_hit();
    let host = own_origin(&site.state, &headers);
    let internal = host
        .split_once("://")
        .is_some_and(|(_, name)| name.starts_with("lyncdiscoverinternal."));
    if !site.state.config.internal_discovery && internal {
        return Err(not_found());
    }
    if let Some(href) = site.state.injections.root_redirect() {
        let mut root = Root::default();
        root.links.redirect = Some(Link::to(href));
        return Ok(payload(format, StatusCode::OK, &root));
    }
    Ok(payload(format, StatusCode::OK, &root(&host)))
}

/// `GET /Autodiscover/AutodiscoverService.svc/root`: the root, never redirected.
pub(crate) async fn root_resource(
    Extract(site): Extract<Site>,
    Negotiated(format): Negotiated,
    headers: HeaderMap,
) -> Response {
    let host = own_origin(&site.state, &headers);
    payload(format, StatusCode::OK, &root(&host))
}

fn root(host: &str) -> Root {
    let mut root = Root::default();
    root.links.self_ = Some(Link::to(format!("{host}{ROOT_PATH}")));
    root.links.user = Some(Link::to(format!("{host}{USER_PATH}")));
    root.links.xframe = Some(Link::to(format!("{host}{XFRAME_PATH}")));
    root
}

/// `GET .../root/oauth/user` (behind the token check): the `applications` link, on the
/// applications' own origin when they have one; or, once after a user redirect was set, only
/// a `redirect` link to the user's pool.
pub(crate) async fn user(
    Extract(site): Extract<Site>,
    Negotiated(format): Negotiated,
    headers: HeaderMap,
) -> Response {
    let host = own_origin(&site.state, &headers);
    let mut user = User::default();
    if let Some(href) = site.state.injections.take_user_redirect() {
        user.links.redirect = Some(Link::to(href));
        return payload(format, StatusCode::OK, &user);
    }
    let state = &site.state;
    let applications = if state.config.applications_on_second_origin {
        let port = state.sites.get(1).map(|a| a.port()).unwrap_or_default();
        format!(
            "{}://{}:{port}{APPLICATIONS_PATH}",
            state.scheme(),
            state.config.applications_host
        )
    } else {
        format!("{host}{APPLICATIONS_PATH}")
    };
    user.links.self_ = Some(Link::to(format!("{host}{USER_PATH}")));
    user.links.applications = Some(Link::to(applications));
    user.links.xframe = Some(Link::to(format!("{host}{XFRAME_PATH}")));
    payload(format, StatusCode::OK, &user)
}
