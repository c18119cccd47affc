//! The `_links` and `_embedded` of resources that have nothing else there: most UCWA
//! resources embed nothing, and the operation resources link only to themselves. One type for
//! each, here, instead of one generated (and derived, and compiled) per resource.

use crate::{Link, Unknown};

/// The `_links` of a resource whose only link the schema knows is `self`; any other link is
/// kept in `unknown` and written back.
#[derive(Clone, Debug, Default, PartialEq, crate::Links)]
pub struct SelfLinkOnly {
    /// The link to the resource itself, which identifies it.
    #[ucwa(rel = "self")]
    pub self_: Option<Link>,
    /// Links the schema does not describe, kept so they are written back.
    #[ucwa(unknown)]
    pub unknown: Unknown,
}

/// The `_embedded` of a resource the schema gives no embedded resources; whatever arrives is
/// kept in `unknown` and written back.
#[derive(Clone, Debug, Default, PartialEq, crate::Embedded)]
pub struct NoEmbedded {
    /// Embedded resources the schema does not describe, kept so they are written back.
    #[ucwa(unknown)]
    pub unknown: Unknown,
}
