//! The schema once loaded and validated: what the emitters read.

use std::path::PathBuf;

/// Every resource and enumeration of a schema directory, sorted by file name.
#[derive(Clone, Debug)]
pub struct Schema {
    /// The resources, from `resources/*.json`.
    pub resources: Vec<Resource>,
    /// The enumerations, from `enumerations/*.json`.
    pub enumerations: Vec<Enumeration>,
    /// Every file that was read, for `cargo:rerun-if-changed`.
    pub files: Vec<PathBuf>,
}

impl Schema {
    /// The resource named `name`.
    pub fn resource(&self, name: &str) -> Option<&Resource> {
        self.resources.iter().find(|r| r.name == name)
    }

    /// The rels that share `owner`'s type (resources whose `shape` is `owner`), in file order.
    pub fn sharers(&self, owner: &str) -> Vec<&str> {
        self.resources
            .iter()
            .filter(|r| r.shape.as_deref() == Some(owner))
            .map(|r| r.name.as_str())
            .collect()
    }

    /// Whether `r` has nothing of its own but its rel and self link (most operation resources),
    /// and so is the runtime's generic `Bare` under a marker type for its rel rather than a
    /// struct of its own. A type other rels share is never bare: it carries which rel it has.
    pub fn is_bare(&self, r: &Resource) -> bool {
        r.shape.is_none()
            && r.properties.is_empty()
            && r.links.is_empty()
            && r.embedded.is_empty()
            && self.sharers(&r.name).is_empty()
    }

    /// The enumeration named `name`.
    pub fn enumeration(&self, name: &str) -> Option<&Enumeration> {
        self.enumerations.iter().find(|e| e.name == name)
    }
}

/// A UCWA resource: its properties, links, embedded resources, operations and events.
#[derive(Clone, Debug)]
pub struct Resource {
    /// The rel, e.g. `audioVideoInvitation`.
    pub name: String,
    pub description: String,
    /// Its area (`communication`, `people`, …), a cargo feature of the generated crate when
    /// the builder makes one per area; `None` for the core.
    pub area: Option<String>,
    /// The resource whose type this one shares (`from` is participant-shaped): it has no
    /// properties, links or embedded resources of its own.
    pub shape: Option<String>,
    pub properties: Vec<Property>,
    pub links: Vec<Link>,
    pub embedded: Vec<Embedded>,
    pub operations: Vec<Operation>,
    pub events: Vec<Event>,
    pub scopes: Vec<Scope>,
    pub file: PathBuf,
}

/// A property, or a field of a request body.
#[derive(Clone, Debug)]
pub struct Property {
    /// Where it is in its file, as a JSON path.
    pub at: String,
    pub name: String,
    pub description: String,
    pub ty: ValueType,
    pub max_length: Option<u64>,
    /// The least and greatest values of a number.
    pub range: Range,
    /// For request body fields: whether the server requires it.
    pub required: bool,
}

/// The type of a property value.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ValueType {
    String,
    Boolean,
    Integer,
    /// A number that may have a fraction.
    Number,
    /// `/Date(ms)/` in JSON, ISO 8601 in XML.
    Date,
    /// A duration.
    TimeSpan,
    /// A URI value such as `sip:..` or `tel:..` (not a link).
    Uri,
    /// A member of the named enumeration.
    Enumeration(String),
    Array(Box<ValueType>),
}

/// What a link points to.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum LinkKind {
    /// Another resource, fetched with GET.
    Resource,
    /// An operation, invoked with its method (usually POST).
    Operation,
    /// Content carried in the link itself as a `data:` URI.
    Data { media_type: Option<String> },
}

#[derive(Clone, Debug)]
pub struct Link {
    /// Where it is in its file, as a JSON path.
    pub at: String,
    pub rel: String,
    pub description: String,
    pub kind: LinkKind,
    /// The resource the link points to, when the schema describes it.
    pub target: Option<String>,
    pub many: bool,
}

#[derive(Clone, Debug)]
pub struct Embedded {
    /// Where it is in its file, as a JSON path.
    pub at: String,
    pub rel: String,
    pub description: String,
    /// The resource embedded under this rel.
    pub target: String,
    pub many: bool,
}

#[derive(Clone, Debug)]
pub struct Operation {
    /// Where it is in its file, as a JSON path.
    pub at: String,
    /// `GET`, `POST`, `PUT`, `DELETE`, …
    pub method: String,
    pub description: String,
    pub query: Vec<QueryParameter>,
    pub request: Option<RequestBody>,
    /// Whether the request carries `If-Match` with the resource's entity tag.
    pub if_match: bool,
    pub response: Response,
    pub errors: Vec<SyncError>,
    /// The name of the error table, when the schema names it (`errorTable`): every operation
    /// naming it has the same rows and shares one enum of that name.
    pub error_table: Option<String>,
}

/// The least and greatest values a number may take (non-negative in UCWA's tables).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Range {
    pub minimum: Option<u64>,
    pub maximum: Option<u64>,
}

impl Range {
    pub fn is_empty(&self) -> bool {
        self.minimum.is_none() && self.maximum.is_none()
    }
}

#[derive(Clone, Debug)]
pub struct QueryParameter {
    /// Where it is in its file, as a JSON path.
    pub at: String,
    pub name: String,
    pub description: String,
    pub required: bool,
    pub max_length: Option<u64>,
    /// The least and greatest values of a number.
    pub range: Range,
}

#[derive(Clone, Debug)]
pub enum RequestBody {
    /// Raw content, such as an SDP offer.
    Bytes {
        media_types: Vec<String>,
        description: String,
    },
    /// A JSON or XML body with these fields, and these links: `data:` URIs carrying content
    /// (an invitation's first message, an SDP offer).
    Fields {
        fields: Vec<Property>,
        links: Vec<Link>,
    },
    /// A whole resource (for PUT).
    Resource { resource: String },
}

#[derive(Clone, Debug)]
pub struct Response {
    /// The success status, e.g. 201.
    pub status: u16,
    /// The resource in the body, if any; with `location`, the resource created, whose link is
    /// the `Location` header of a bodiless answer.
    pub resource: Option<String>,
    pub location: bool,
    /// The media types of a body that is raw content (a photo: `image/*`), not a resource;
    /// empty otherwise.
    pub media_types: Vec<String>,
    pub description: String,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SyncError {
    /// e.g. `Conflict`.
    pub error: String,
    /// The HTTP status, e.g. 409.
    pub code: u16,
    /// e.g. `AlreadyExists`; `None` for the row without a subcode.
    pub subcode: Option<String>,
    pub description: String,
}

#[derive(Clone, Debug)]
pub struct Event {
    /// Where it is in its file, as a JSON path.
    pub at: String,
    /// `added`, `updated`, `deleted`, `started`, `completed`, …
    pub event_type: String,
    /// The resource the event is about, when not the one whose file lists it (a page may list
    /// events about other resources).
    pub resource: Option<String>,
    /// The rel of the resource that sends the event, e.g. `communication`.
    pub sender: String,
    pub priority: Priority,
    pub description: String,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Priority {
    High,
    Medium,
    Low,
}

/// An Azure AD scope that allows operations on the resource (Skype for Business Online).
#[derive(Clone, Debug)]
pub struct Scope {
    pub name: String,
    pub permission: String,
    pub description: String,
}

#[derive(Clone, Debug)]
pub struct Enumeration {
    pub name: String,
    pub description: String,
    pub members: Vec<Member>,
    pub file: PathBuf,
}

#[derive(Clone, Debug)]
pub struct Member {
    /// Where it is in its file, as a JSON path.
    pub at: String,
    pub name: String,
    pub description: String,
}
