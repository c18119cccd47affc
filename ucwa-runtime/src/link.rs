//! Links: `{"href": .., "title": ..}` in JSON, `<link rel href title/>` in XML.

use std::fmt;

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

/// A link to another resource or operation.
///
/// The rel of a link is the name of the field that holds it (or its key in `unknown`).
#[derive(Clone, PartialEq, Default)]
pub struct Link {
    /// Where the link points.
    pub href: Href,
    /// Human-readable name of the target, when the server gives one.
    pub title: Option<String>,
    /// Attributes of the link other than `href` and `title`, kept so that nothing is lost.
    pub unknown: Unknown,
}

impl Link {
    /// A link to `href` without a title.
    pub fn new(href: impl Into<Href>) -> Self {
        Link {
            href: href.into(),
            title: None,
            unknown: Unknown::default(),
        }
    }
}

/// Leaves out an absent title and empty unknown attributes, which most links have.
impl fmt::Debug for Link {
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

impl Serialize for Link {
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

impl<'de> Deserialize<'de> for Link {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
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
                Ok(Link {
                    href: Href(href),
                    title,
                    unknown,
                })
            }
        }

        deserializer.deserialize_map(LinkVisitor)
    }
}
