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
    type Item: Serialize + DeserializeOwned;

    /// Whether the field holds nothing; an empty field is left out of the payload.
    fn is_empty(&self) -> bool;

    /// Builds the field from what a payload held, or says why it does not fit.
    fn from_items(items: OneOrMany<Self::Item>) -> Result<Self, String>;

    /// Writes the field in the shape its type declares.
    fn serialize_items<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error>;

    /// Adds one item read from XML, where items of a rel arrive one element at a time.
    fn push_item(&mut self, item: Self::Item) -> Result<(), String>;

    /// The items, in order.
    fn items(&self) -> &[Self::Item];
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

impl<T: Serialize + DeserializeOwned> RelField for Option<T> {
    type Item = T;

    fn is_empty(&self) -> bool {
        self.is_none()
    }

    fn from_items(items: OneOrMany<T>) -> Result<Self, String> {
        at_most_one(items)
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

impl<T: Serialize + DeserializeOwned> RelField for Vec<T> {
    type Item = T;

    fn is_empty(&self) -> bool {
        Vec::is_empty(self)
    }

    fn from_items(items: OneOrMany<T>) -> Result<Self, String> {
        Ok(match items {
            OneOrMany::One(item) => vec![item],
            OneOrMany::Many(items) => items,
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
