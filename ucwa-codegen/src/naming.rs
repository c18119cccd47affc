//! Rust names for schema names. Validation and emission both call these, so a name that
//! validates is exactly the name that is emitted.

use heck::{ToSnakeCase, ToUpperCamelCase};
use proc_macro2::{Ident, Span};

/// The variant that keeps enumeration values the schema does not know.
pub const OTHER_VARIANT: &str = "Other";

/// Fields every generated resource struct has besides its properties.
pub const RESOURCE_FIELDS: &[&str] = &["links", "embedded", "unknown"];

/// The field every generated links or embedded struct has besides its rels.
pub const RELATION_FIELDS: &[&str] = &["unknown"];

/// Types the generator adds to the `resources` module.
pub const RESOURCES_MODULE_TYPES: &[&str] = &["AnyResource", "EventBatch"];

/// Prelude types the generated code names; a generated type of the same name would shadow them.
pub const PRELUDE_TYPES: &[&str] = &["Option", "Vec", "String", "Box", "Result"];

/// Keywords that `r#` can escape.
const RAW_KEYWORDS: &[&str] = &[
    "abstract", "as", "async", "await", "become", "box", "break", "const", "continue", "do", "dyn",
    "else", "enum", "extern", "false", "final", "fn", "for", "gen", "if", "impl", "in", "let",
    "loop", "macro", "match", "mod", "move", "mut", "override", "priv", "pub", "ref", "return",
    "static", "struct", "trait", "true", "try", "type", "typeof", "unsafe", "unsized", "use",
    "virtual", "where", "while", "yield",
];

/// Keywords that cannot be raw identifiers; they get a trailing `_`.
const NON_RAW_KEYWORDS: &[&str] = &["crate", "self", "Self", "super", "_"];

/// Whether a schema name can become Rust identifiers: an ASCII letter, then ASCII letters,
/// digits or `_`. UCWA's names are all of this form.
pub fn is_valid_name(name: &str) -> bool {
    let mut chars = name.chars();
    chars.next().is_some_and(|c| c.is_ascii_alphabetic())
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
}

/// What a valid name looks like, for error messages.
pub const VALID_NAME: &str = "an ASCII letter followed by ASCII letters, digits or `_`";

fn keyword_safe(name: String) -> String {
    if NON_RAW_KEYWORDS.contains(&name.as_str()) {
        format!("{name}_")
    } else if RAW_KEYWORDS.contains(&name.as_str()) {
        format!("r#{name}")
    } else {
        name
    }
}

/// The struct or enum for a resource or enumeration: `audioVideoInvitation` → `AudioVideoInvitation`.
pub fn type_name(name: &str) -> String {
    keyword_safe(name.to_upper_camel_case())
}

/// The struct holding a resource's `_links`.
pub fn links_type_name(resource: &str) -> String {
    format!("{}Links", name_core(&type_name(resource)))
}

/// The struct holding a resource's `_embedded` resources.
pub fn embedded_type_name(resource: &str) -> String {
    format!("{}Embedded", name_core(&type_name(resource)))
}

/// The enum of the rels that share a resource's type (`ParticipantRel`).
pub fn rels_type_name(resource: &str) -> String {
    format!("{}Rel", name_core(&type_name(resource)))
}

/// The Rust name of an operation: its resource's type and its method, e.g.
/// `EscalateAudioVideoPost`.
pub fn operation_name(resource: &str, method: &str) -> String {
    format!(
        "{}{}",
        type_name(resource),
        method.to_lowercase().to_upper_camel_case()
    )
}

/// What the generator appends to an operation's name for the types it makes for it: the
/// operation itself, its query and body structs, its body's links and its error enum (or
/// alias).
pub const OPERATION_TYPE_SUFFIXES: &[&str] = &["", "Query", "Body", "BodyLinks", "Error"];

/// The enum of an error table the schema names (`errorTable`): `invitationActionError` →
/// `InvitationActionError`.
pub fn error_table_name(name: &str) -> String {
    type_name(name)
}

/// A field for a property or rel: `inLobby` → `in_lobby`, `self` → `self_`, `type` → `r#type`.
pub fn field_name(name: &str) -> String {
    keyword_safe(name.to_snake_case())
}

/// An enumeration member's variant: `SameEnterprise` → `SameEnterprise`.
pub fn variant_name(name: &str) -> String {
    keyword_safe(name.to_upper_camel_case())
}

/// A name without the `r#` prefix or `_` suffix that `keyword_safe` adds.
fn name_core(name: &str) -> &str {
    let name = name.strip_prefix("r#").unwrap_or(name);
    if NON_RAW_KEYWORDS.contains(&name.trim_end_matches('_')) {
        name.trim_end_matches('_')
    } else {
        name
    }
}

/// An identifier token for a name made by the functions above.
pub fn ident(name: &str) -> Ident {
    match name.strip_prefix("r#") {
        Some(raw) => Ident::new_raw(raw, Span::call_site()),
        None => Ident::new(name, Span::call_site()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_follow_rust_conventions_and_avoid_keywords() {
        assert_eq!(type_name("audioVideoInvitation"), "AudioVideoInvitation");
        assert_eq!(links_type_name("participant"), "ParticipantLinks");
        assert_eq!(field_name("inLobby"), "in_lobby");
        assert_eq!(field_name("self"), "self_");
        assert_eq!(field_name("type"), "r#type");
        assert_eq!(type_name("self"), "Self_");
        assert_eq!(links_type_name("self"), "SelfLinks");
        assert_eq!(variant_name("SameEnterprise"), "SameEnterprise");
        assert_eq!(variant_name("IPv6NotSupported"), "IPv6NotSupported");
        assert_eq!(ident("r#type").to_string(), "r#type");
        assert_eq!(
            operation_name("escalateAudioVideo", "POST"),
            "EscalateAudioVideoPost"
        );
        assert_eq!(
            error_table_name("invitationActionError"),
            "InvitationActionError"
        );
    }

    #[test]
    fn only_identifier_like_names_are_valid() {
        assert!(is_valid_name("acceptWithAnswer"));
        assert!(is_valid_name("IPv6NotSupported"));
        assert!(!is_valid_name(""));
        assert!(!is_valid_name("2fa"));
        assert!(!is_valid_name("accept-with-answer"));
        assert!(!is_valid_name("_links"));
        assert!(!is_valid_name("naïve"));
    }
}
