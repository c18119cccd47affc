//! Derive macros for the traits of `ucwa-runtime`, which re-exports them.
//!
//! `ucwa-codegen` emits plain structs and enums carrying these derives (the split between
//! `prost-build` and `prost-derive`); they work on hand-written types too. The expansions name
//! the runtime `::ucwa_runtime`; `#[ucwa(crate = "path")]` on the type names it otherwise (as
//! serde's `#[serde(crate = "..")]`), for a crate that depends on it under another name.
//!
//! - `#[derive(Resource)]` on a struct with `#[ucwa(rel = "..")]`: JSON codec (`serde`
//!   `Serialize` and `Deserialize`), XML codec and `Resource`. Fields are properties
//!   (`Option<T>`, wire name from `#[ucwa(name = "..")]` or the field name in lowerCamelCase),
//!   or marked `#[ucwa(links)]`, `#[ucwa(embedded)]` or `#[ucwa(unknown)]`. With
//!   `#[ucwa(input)]` the struct is the body of an operation (`<input>` in XML, no `rel`).
//! - `#[derive(Links)]` / `#[derive(Embedded)]` on the structs behind `_links` / `_embedded`:
//!   one field per rel (`#[ucwa(rel = "..")]` or the field name), of a type implementing
//!   `RelField`, plus an optional `#[ucwa(unknown)]` field.
//! - `#[derive(Enumeration)]` on a fieldless enum, with an optional `#[ucwa(other)]
//!   Other(String)` variant that keeps values the enum does not know.
//! - `#[derive(OperationError)]` on the error enum of an operation: one variant per row of its
//!   error table, `#[ucwa(status = 409, subcode = "AlreadyExists")] AlreadyExists(Box<ErrorBody>)`
//!   (no `subcode` for a row without one), and `#[ucwa(common)] Common(UcwaError)` for the rest.
//!
//! Each derive runs in three passes, as serde_derive does: `ast.rs` reads the input and its
//! attributes (`attr.rs`) into typed structures, `check.rs` applies the rules across fields,
//! and `expand/` writes the code, which starts only when no error was recorded. Every error is
//! recorded in one `Ctxt` and reported at once, spanned on the offending attribute or field.

mod ast;
mod attr;
mod check;
mod ctxt;
mod expand;

use proc_macro::TokenStream;
use syn::{DeriveInput, parse_macro_input};

use ast::{Container, Derive};
use ctxt::Ctxt;

fn derive(input: TokenStream, derive: Derive) -> TokenStream {
    let input = parse_macro_input!(input as DeriveInput);
    let cx = Ctxt::default();
    let cont = Container::from_ast(&cx, &input, derive);
    if let Some(cont) = &cont {
        check::check(&cx, cont);
    }
    let result = cx.check().map(|()| match &cont {
        Some(cont) => expand::expand(cont),
        // `from_ast` gives no container only after recording why.
        None => proc_macro2::TokenStream::new(),
    });
    result.unwrap_or_else(syn::Error::into_compile_error).into()
}

/// Implements `Resource` and its JSON and XML codecs. See the crate documentation.
#[proc_macro_derive(Resource, attributes(ucwa))]
pub fn derive_resource(input: TokenStream) -> TokenStream {
    derive(input, Derive::Resource)
}

/// Implements `Links` and the codecs of `_links`. See the crate documentation.
#[proc_macro_derive(Links, attributes(ucwa))]
pub fn derive_links(input: TokenStream) -> TokenStream {
    derive(input, Derive::Links)
}

/// Implements `Embedded` and the codecs of `_embedded`. See the crate documentation.
#[proc_macro_derive(Embedded, attributes(ucwa))]
pub fn derive_embedded(input: TokenStream) -> TokenStream {
    derive(input, Derive::Embedded)
}

/// Implements `Enumeration` and its codecs as a string. See the crate documentation.
#[proc_macro_derive(Enumeration, attributes(ucwa))]
pub fn derive_enumeration(input: TokenStream) -> TokenStream {
    derive(input, Derive::Enumeration)
}

/// Implements `operation::OperationError`, `status`, `body`, `Display` and `Error` for the
/// error enum of an operation. See the crate documentation.
#[proc_macro_derive(OperationError, attributes(ucwa))]
pub fn derive_operation_error(input: TokenStream) -> TokenStream {
    derive(input, Derive::OperationError)
}
