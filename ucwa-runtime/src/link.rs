//! Links: `{"href": .., "title": ..}` in JSON, `<link rel href title/>` in XML.

use std::fmt;
use std::marker::PhantomData;

use serde::de::{self, MapAccess, Visitor};
use serde::ser::SerializeMap;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::Unknown;

/// The target of a link, as the server wrote it (usually a path relative to the server's origin).
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
pub struct Href(String);

impl fmt::Debug for Href {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&self.0, f)
    }
}

impl Href {
    /// Wraps an href.
    pub fn new(href: impl Into<String>) -> Self {
        Href(href.into())
    }

    /// The href as written by the server.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Whether the href is a `data:` URI rather than the address of a resource.
    pub fn is_data(&self) -> bool {
        self.0
            .get(..5)
            .is_some_and(|scheme| scheme.eq_ignore_ascii_case("data:"))
    }
}

impl fmt::Display for Href {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl From<&str> for Href {
    fn from(s: &str) -> Self {
        Href(s.to_owned())
    }
}

impl From<String> for Href {
    fn from(s: String) -> Self {
        Href(s)
    }
}

impl AsRef<str> for Href {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

/// The target of a [`Link`] whose resource type is not known: a link the schema does not
/// describe, the `self` link, an event's link, or a link to a resource of an area whose cargo
/// feature is off.
#[derive(Debug)]
pub enum Untyped {}

/// A link to another resource or operation, typed by its target where the schema knows it:
/// `Link<Participant>` leads to a participant, and the generated request functions of the
/// `participant` resource take only such a link. `Link` alone is [`Link<Untyped>`](Untyped).
///
/// The rel of a link is the name of the field that holds it (or its key in `unknown`). A link
/// of one type becomes another with [`Link::cast`], for a link that arrived untyped (an event's
/// link) and is known to lead to a given resource.
pub struct Link<T: ?Sized = Untyped> {
    /// Where the link points.
    pub href: Href,
    /// Human-readable name of the target, when the server gives one.
    pub title: Option<String>,
    /// Attributes of the link other than `href` and `title`, kept so that nothing is lost.
    pub unknown: Unknown,
    target: PhantomData<fn() -> T>,
}

impl Link {
    /// An untyped link to `href` without a title ([`Link::to`] makes a typed one).
    pub fn new(href: impl Into<Href>) -> Self {
        Link::to(href)
    }
}

impl<T: ?Sized> Link<T> {
    /// A link to `href` without a title, typed by where it is used (`Link::<Participant>::to`).
    pub fn to(href: impl Into<Href>) -> Self {
        Link {
            href: href.into(),
            title: None,
            unknown: Unknown::default(),
            target: PhantomData,
        }
    }

    /// The same link, typed as leading to a `U` (or untyped, with `cast::<Untyped>()`).
    pub fn cast<U: ?Sized>(self) -> Link<U> {
        Link {
            href: self.href,
            title: self.title,
            unknown: self.unknown,
            target: PhantomData,
        }
    }

    /// A copy of the link, typed as leading to a `U`.
    pub fn to_cast<U: ?Sized>(&self) -> Link<U> {
        self.clone().cast()
    }
}

// Written by hand rather than derived: a derive would require `T` itself to be `Clone`,
// `PartialEq`, … although a link holds no `T`.

impl<T: ?Sized> Clone for Link<T> {
    fn clone(&self) -> Self {
        Link {
            href: self.href.clone(),
            title: self.title.clone(),
            unknown: self.unknown.clone(),
            target: PhantomData,
        }
    }
}

impl<T: ?Sized> PartialEq for Link<T> {
    fn eq(&self, other: &Self) -> bool {
        self.href == other.href && self.title == other.title && self.unknown == other.unknown
    }
}

impl<T: ?Sized> Default for Link<T> {
    fn default() -> Self {
        Link::to(Href::default())
    }
}

/// Leaves out an absent title and empty unknown attributes, which most links have.
impl<T: ?Sized> fmt::Debug for Link<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut s = f.debug_struct("Link");
        s.field("href", &self.href);
        if let Some(title) = &self.title {
            s.field("title", title);
        }
        if !self.unknown.is_empty() {
            s.field("unknown", &self.unknown);
        }
        s.finish()
    }
}

impl<T: ?Sized> Serialize for Link<T> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let len = 1 + usize::from(self.title.is_some()) + self.unknown.len();
        let mut map = serializer.serialize_map(Some(len))?;
        map.serialize_entry("href", self.href.as_str())?;
        if let Some(title) = &self.title {
            map.serialize_entry("title", title)?;
        }
        for (key, value) in self.unknown.iter() {
            map.serialize_entry(key, value)?;
        }
        map.end()
    }
}

impl<'de, T: ?Sized> Deserialize<'de> for Link<T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        // One visitor for every target type.
        deserializer.deserialize_map(LinkVisitor).map(Link::cast)
    }
}

struct LinkVisitor;

impl<'de> Visitor<'de> for LinkVisitor {
    type Value = Link;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a link object with an `href`")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Link, A::Error> {
        let mut href: Option<String> = None;
        let mut title = None;
        let mut unknown = Unknown::default();
        while let Some(key) = map.next_key::<crate::__private::Key<'de>>()? {
            match key.as_str() {
                "href" => {
                    if href.is_some() {
                        return Err(de::Error::duplicate_field("href"));
                    }
                    href = Some(map.next_value()?);
                }
                "title" => title = map.next_value()?,
                _ => {
                    unknown.insert(key.into_string(), map.next_value()?);
                }
            }
        }
        let href = href.ok_or_else(|| de::Error::missing_field("href"))?;
        let mut link = Link::new(Href(href));
        link.title = title;
        link.unknown = unknown;
        Ok(link)
    }
}
