//! Members of a payload that the schema does not describe.

use std::ops::{Deref, DerefMut};
use std::sync::OnceLock;

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use serde_json::{Map, Value};

/// Members the schema does not know, by name, kept so they are written back.
///
/// UCWA adds properties over time and requires a PUT to carry every property of the resource
/// it replaces, including those the client does not understand; a type that dropped them would
/// make the server reject the PUT or erase data.
///
/// It reads as a JSON map (`Deref<Target = Map>`); it holds one only once a member is added:
/// every resource and every link has one, almost always empty, and an empty one costs nothing
/// to make, move or drop (a decoded resource holds dozens of links).
#[derive(Clone, Default)]
pub struct Unknown(Option<Box<Map<String, Value>>>);

impl std::fmt::Debug for Unknown {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        std::fmt::Debug::fmt(&**self, f)
    }
}

impl Unknown {
    /// No unknown members.
    pub fn new() -> Self {
        Unknown(None)
    }

    /// Whether there is no unknown member (without looking through a map that is not there).
    pub fn is_empty(&self) -> bool {
        self.0.as_ref().is_none_or(|map| map.is_empty())
    }

    /// The members as a JSON map.
    pub fn into_map(self) -> Map<String, Value> {
        self.0.map(|map| *map).unwrap_or_default()
    }
}

/// The map an `Unknown` without members reads as.
fn empty_map() -> &'static Map<String, Value> {
    static EMPTY: OnceLock<Map<String, Value>> = OnceLock::new();
    EMPTY.get_or_init(Map::new)
}

impl Deref for Unknown {
    type Target = Map<String, Value>;

    fn deref(&self) -> &Self::Target {
        match &self.0 {
            Some(map) => map,
            None => empty_map(),
        }
    }
}

impl DerefMut for Unknown {
    fn deref_mut(&mut self) -> &mut Self::Target {
        self.0.get_or_insert_with(Box::default)
    }
}

impl PartialEq for Unknown {
    fn eq(&self, other: &Self) -> bool {
        **self == **other
    }
}

impl From<Map<String, Value>> for Unknown {
    fn from(map: Map<String, Value>) -> Self {
        Unknown((!map.is_empty()).then(|| Box::new(map)))
    }
}

impl Serialize for Unknown {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        (**self).serialize(serializer)
    }
}

impl<'de> Deserialize<'de> for Unknown {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        Map::deserialize(deserializer).map(Unknown::from)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_empty_map_and_no_map_are_the_same_members() {
        let mut touched = Unknown::new();
        touched.retain(|_, _| true); // through `DerefMut`: now holds an empty map
        assert!(touched.is_empty());
        assert_eq!(touched, Unknown::new());
        assert_eq!(touched, Unknown::from(Map::new()));
        assert_eq!(serde_json::to_string(&touched).unwrap(), "{}");
    }

    #[test]
    fn members_read_and_round_trip_as_a_map() {
        let mut unknown = Unknown::new();
        unknown.insert("x-new".to_owned(), Value::from(3));
        assert!(!unknown.is_empty());
        assert_eq!(unknown.get("x-new"), Some(&Value::from(3)));
        let json = serde_json::to_string(&unknown).unwrap();
        assert_eq!(json, r#"{"x-new":3}"#);
        let back: Unknown = serde_json::from_str(&json).unwrap();
        assert_eq!(back, unknown);
        assert_eq!(back.into_map().len(), 1);
        assert_ne!(Unknown::new(), unknown);
    }
}
