//! Members of a payload that the schema does not describe.

use std::ops::{Deref, DerefMut};

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

/// Members the schema does not know, by name, kept so they are written back.
///
/// UCWA adds properties over time and requires a PUT to carry every property of the resource
/// it replaces, including those the client does not understand; a type that dropped them would
/// make the server reject the PUT or erase data.
#[derive(Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Unknown(Map<String, Value>);

impl std::fmt::Debug for Unknown {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        std::fmt::Debug::fmt(&self.0, f)
    }
}

impl Unknown {
    /// No unknown members.
    pub fn new() -> Self {
        Unknown(Map::new())
    }

    /// The members as a JSON map.
    pub fn into_map(self) -> Map<String, Value> {
        self.0
    }
}

impl Deref for Unknown {
    type Target = Map<String, Value>;

    fn deref(&self) -> &Self::Target {
        &self.0
    }
}

impl DerefMut for Unknown {
    fn deref_mut(&mut self) -> &mut Self::Target {
        &mut self.0
    }
}

impl From<Map<String, Value>> for Unknown {
    fn from(map: Map<String, Value>) -> Self {
        Unknown(map)
    }
}
