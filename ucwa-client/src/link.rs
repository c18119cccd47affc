//! The one place where a link a request needs and a resource lacks becomes an error.

use ucwa::Link;

/// A resource read has no link for what was asked: the server does not offer it now (the links
/// of what the user publishes come with makeMeAvailable, for instance) or at all.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
#[error("the `{resource}` resource has no `{rel}` link: the server does not offer it now")]
pub(crate) struct MissingLink {
    /// The resource read.
    pub resource: &'static str,
    /// The rel of the link it lacks.
    pub rel: &'static str,
}

/// The link `link`, or the error naming the `resource` that lacks it and its `rel`.
pub(crate) fn required<T>(
    link: Option<&Link<T>>,
    resource: &'static str,
    rel: &'static str,
) -> Result<Link<T>, MissingLink> {
    link.cloned().ok_or(MissingLink { resource, rel })
}
