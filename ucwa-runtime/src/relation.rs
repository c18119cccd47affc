//! What a resource holds under one rel of `_links` or `_embedded`.
//!
//! UCWA documents each rel as single or many, and says a "many" rel is always an array; the
//! reference samples do not keep that promise, and in XML a one-element array cannot be told
//! from a single element. So every field accepts both shapes and writes back the shape its
//! type declares.

use std::fmt;
use std::marker::PhantomData;

use serde::de::value::MapAccessDeserializer;
use serde::de::{DeserializeOwned, MapAccess, SeqAccess, Visitor};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// Either one item (a JSON object) or an array of items, as found in a payload.
#[derive(Debug)]
pub enum OneOrMany<T> {
    /// A single object.
    One(T),
    /// An array (possibly empty, or `null`).
    Many(Vec<T>),
}

impl<'de, T: Deserialize<'de>> Deserialize<'de> for OneOrMany<T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct OneOrManyVisitor<T>(PhantomData<T>);

        impl<'de, T: Deserialize<'de>> Visitor<'de> for OneOrManyVisitor<T> {
            type Value = OneOrMany<T>;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("an object or an array of objects")
            }

            fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Self::Value, A::Error> {
                T::deserialize(MapAccessDeserializer::new(map)).map(OneOrMany::One)
            }

            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
                let mut items = Vec::with_capacity(seq.size_hint().unwrap_or(0).min(64));
                while let Some(item) = seq.next_element()? {
                    items.push(item);
                }
                Ok(OneOrMany::Many(items))
            }

            fn visit_unit<E>(self) -> Result<Self::Value, E> {
                Ok(OneOrMany::Many(Vec::new()))
            }
        }

        deserializer.deserialize_any(OneOrManyVisitor(PhantomData))
    }
}

/// A field of a links or embedded struct: `Option<T>` for a rel that holds at most one item
/// (`Option<Box<T>>` included, as `Box<T>` is itself an item), `Vec<T>` for a rel that holds
/// many.
///
/// `T` is [`Link`](crate::Link), [`DataUri`](crate::DataUri) or a resource type.
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot hold what a rel of `_links` or `_embedded` holds",
    label = "use `Option<T>` for a rel with at most one item, `Vec<T>` for a rel with many",
    note = "`T` is `Link`, `DataUri` or a resource type"
)]
pub trait RelField: Default {
    /// The type of one item.
    type Item: RelItem;

    /// Whether the field holds nothing; an empty field is left out of the payload.
    fn is_empty(&self) -> bool;

    /// Builds the field from what a payload held, or says why it does not fit.
    fn from_items(items: OneOrMany<Wire<Self::Item>>) -> Result<Self, String>;

    /// Writes the field in the shape its type declares.
    fn serialize_items<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error>;

    /// Adds one item read from XML, where items of a rel arrive one element at a time.
    fn push_item(&mut self, item: Self::Item) -> Result<(), String>;

    /// The items, in order.
    fn items(&self) -> &[Self::Item];
}

/// One item under a rel: a [`Link`](crate::Link) to some resource, a
/// [`DataUri`](crate::DataUri), or a resource (implemented by `#[derive(Resource)]`).
pub trait RelItem: Serialize + Sized {
    /// What is decoded from a payload: the item itself, or, for a typed link, the untyped
    /// link, so that the decoding of links is compiled once for all their targets rather than
    /// once for each.
    type Wire: DeserializeOwned;

    /// The item from what was decoded.
    fn from_wire(wire: Self::Wire) -> Self;
}

/// What an item of a rel is decoded as.
pub type Wire<T> = <T as RelItem>::Wire;

impl<T: ?Sized> RelItem for crate::Link<T> {
    type Wire = crate::Link;

    fn from_wire(wire: crate::Link) -> Self {
        wire.cast()
    }
}

impl RelItem for crate::DataUri {
    type Wire = crate::DataUri;

    fn from_wire(wire: crate::DataUri) -> Self {
        wire
    }
}

impl<R: crate::Resource> RelItem for Box<R> {
    type Wire = Box<R>;

    fn from_wire(wire: Box<R>) -> Self {
        wire
    }
}

fn at_most_one<T>(items: OneOrMany<T>) -> Result<Option<T>, String> {
    match items {
        OneOrMany::One(item) => Ok(Some(item)),
        OneOrMany::Many(mut items) => match items.len() {
            0 => Ok(None),
            1 => Ok(items.pop()),
            n => Err(format!(
                "expected at most one item, found an array of {n}; declare the rel as `many` in the schema"
            )),
        },
    }
}

impl<T: RelItem> RelField for Option<T> {
    type Item = T;

    fn is_empty(&self) -> bool {
        self.is_none()
    }

    fn from_items(items: OneOrMany<Wire<T>>) -> Result<Self, String> {
        at_most_one(items).map(|item| item.map(T::from_wire))
    }

    fn serialize_items<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            Some(item) => item.serialize(serializer),
            None => serializer.serialize_none(),
        }
    }

    fn push_item(&mut self, item: T) -> Result<(), String> {
        if self.is_some() {
            return Err(
                "expected at most one item, found several; declare the rel as `many` in the schema"
                    .to_owned(),
            );
        }
        *self = Some(item);
        Ok(())
    }

    fn items(&self) -> &[T] {
        self.as_slice()
    }
}

impl<T: RelItem> RelField for Vec<T> {
    type Item = T;

    fn is_empty(&self) -> bool {
        Vec::is_empty(self)
    }

    fn from_items(items: OneOrMany<Wire<T>>) -> Result<Self, String> {
        Ok(match items {
            OneOrMany::One(item) => vec![T::from_wire(item)],
            OneOrMany::Many(items) => items.into_iter().map(T::from_wire).collect(),
        })
    }

    fn serialize_items<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_seq(self)
    }

    fn push_item(&mut self, item: T) -> Result<(), String> {
        self.push(item);
        Ok(())
    }

    fn items(&self) -> &[T] {
        self
    }
}
