//! Derive macros for the `ucwa` runtime traits.
//!
//! `ucwa-codegen` emits plain structs and enums carrying these derives (the split between
//! `prost-build` and `prost-derive`); they work on hand-written types too. The expansions name
//! the runtime as `::ucwa`, re-exported from there, so a user depends on `ucwa` only.
//!
//! - `#[derive(Resource)]` on a struct with `#[ucwa(rel = "..")]`: JSON codec (`serde`
//!   `Serialize` and `Deserialize`) and `ucwa::Resource`. Fields are properties (`Option<T>`,
//!   wire name from `#[ucwa(name = "..")]` or the field name in lowerCamelCase), or marked
//!   `#[ucwa(links)]`, `#[ucwa(embedded)]` or `#[ucwa(unknown)]`.
//! - `#[derive(Links)]` / `#[derive(Embedded)]` on the structs behind `_links` / `_embedded`:
//!   one field per rel (`#[ucwa(rel = "..")]` or the field name), of a type implementing
//!   `ucwa::RelField`, plus an optional `#[ucwa(unknown)]` field.
//! - `#[derive(Enumeration)]` on a fieldless enum, with an optional `#[ucwa(other)] Other(String)`
//!   variant that keeps values the enum does not know.
//!
//! Misuse is reported as compile errors spanned on the offending attribute or field, all of
//! them at once.

mod attrs;
mod enumeration;
mod errors;
mod map_codec;
mod relations;
mod resource;
mod xml_codec;

use proc_macro::TokenStream;
use syn::{DeriveInput, parse_macro_input};

/// Implements `ucwa::Resource` and its JSON codec. See the crate documentation.
#[proc_macro_derive(Resource, attributes(ucwa))]
pub fn derive_resource(input: TokenStream) -> TokenStream {
    let input = parse_macro_input!(input as DeriveInput);
    resource::expand(&input)
        .unwrap_or_else(syn::Error::into_compile_error)
        .into()
}

/// Implements `ucwa::Links` and the codec of `_links`. See the crate documentation.
#[proc_macro_derive(Links, attributes(ucwa))]
pub fn derive_links(input: TokenStream) -> TokenStream {
    let input = parse_macro_input!(input as DeriveInput);
    relations::expand(&input, relations::Kind::Links)
        .unwrap_or_else(syn::Error::into_compile_error)
        .into()
}

/// Implements `ucwa::Embedded` and the codec of `_embedded`. See the crate documentation.
#[proc_macro_derive(Embedded, attributes(ucwa))]
pub fn derive_embedded(input: TokenStream) -> TokenStream {
    let input = parse_macro_input!(input as DeriveInput);
    relations::expand(&input, relations::Kind::Embedded)
        .unwrap_or_else(syn::Error::into_compile_error)
        .into()
}

/// Implements `ucwa::Enumeration` and its codec as a string. See the crate documentation.
#[proc_macro_derive(Enumeration, attributes(ucwa))]
pub fn derive_enumeration(input: TokenStream) -> TokenStream {
    let input = parse_macro_input!(input as DeriveInput);
    enumeration::expand(&input)
        .unwrap_or_else(syn::Error::into_compile_error)
        .into()
}
