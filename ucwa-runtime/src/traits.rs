//! The traits that `#[derive(Resource, Links, Embedded, Enumeration)]` implement.

use serde::Serialize;
use serde::de::DeserializeOwned;

use crate::Link;
use crate::xml::{XmlEmbedded, XmlLinks, XmlResource};

/// A UCWA resource: a typed view of one `rel`'s payload.
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not a UCWA resource",
    note = "a link the schema gives no target is a `Link<Untyped>`; if you know where it leads, type it with `link.to_cast::<TheResource>()`"
)]
///
/// Derived with `#[derive(ucwa_runtime::Resource)]`, which implements its codecs too: `Serialize` and
/// `Deserialize` for JSON, [`XmlResource`] for XML.
pub trait Resource: Serialize + DeserializeOwned + XmlResource {
    /// The resource's rel, e.g. `participant`.
    const REL: &'static str;

    /// The rel of this value: [`Resource::REL`], unless the type is a shape several rels share
    /// (a participant-shaped `from`), which keeps the one it came with.
    fn rel(&self) -> &str {
        Self::REL
    }

    /// The rels whose payloads decode into the type: [`Resource::REL`], then those of the
    /// resources sharing its shape.
    const RELS: &'static [&'static str] = &[Self::REL];

    /// Whether a payload with this rel decodes into the type.
    fn accepts_rel(rel: &str) -> bool {
        Self::RELS.contains(&rel)
    }

    /// The link to this resource itself (`_links.self`), which identifies it.
    fn self_link(&self) -> Option<&Link>;

    /// A copy of the self link, typed as leading to this resource: what the resource's own
    /// operations (a GET to refresh it, a PUT, a DELETE) take.
    fn typed_self_link(&self) -> Option<Link<Self>> {
        self.self_link().map(Link::to_cast)
    }
}

/// The `_links` of a resource. Derived with `#[derive(ucwa_runtime::Links)]`.
pub trait Links: Serialize + DeserializeOwned + XmlLinks + Default {
    /// The `self` link, if the struct has a field for it and the payload had one.
    fn self_link(&self) -> Option<&Link>;

    /// Whether there is no link at all (the `_links` member is then left out).
    fn is_empty(&self) -> bool;
}

/// The `_embedded` resources of a resource. Derived with `#[derive(ucwa_runtime::Embedded)]`.
pub trait Embedded: Serialize + DeserializeOwned + XmlEmbedded + Default {
    /// Whether nothing is embedded (the `_embedded` member is then left out).
    fn is_empty(&self) -> bool;
}

/// A UCWA enumeration. Derived with `#[derive(ucwa_runtime::Enumeration)]`.
///
/// UCWA adds members over time, so a derived enumeration with an `#[ucwa(other)]` variant keeps
/// values it does not know and writes them back unchanged.
pub trait Enumeration: Sized + crate::xml::XmlScalar {
    /// The members known to this version of the schema, as written on the wire.
    const MEMBERS: &'static [&'static str];

    /// The value as written on the wire.
    fn as_str(&self) -> &str;

    /// The member with this wire name, the catch-all variant for a name the enumeration does
    /// not know, or `None` when it has no catch-all.
    fn from_wire(value: &str) -> Option<Self>;
}
