//! An enumeration: a fieldless enum with a catch-all `Other(String)` variant.

use proc_macro2::TokenStream;
use quote::quote;

use super::docs::{described, doc, reference, sentence};
use crate::model::Enumeration;
use crate::naming;

pub fn emit(e: &Enumeration) -> TokenStream {
    let name = naming::ident(&naming::type_name(&e.name));
    let docs = doc([
        sentence(&e.description),
        format!("The `{}` enumeration. {}", e.name, reference(&e.name)),
    ]);
    let variants = e.members.iter().map(|m| {
        let variant = naming::ident(&naming::variant_name(&m.name));
        let wire = &m.name;
        let docs = doc([described(&m.description, || format!("`{wire}`."))]);
        quote! {
            #docs
            #[ucwa(name = #wire)]
            #variant,
        }
    });
    let other = naming::ident(naming::OTHER_VARIANT);
    let other_docs = doc([
        "A value this version of the schema does not know, kept as received so it is written back unchanged.",
    ]);
    quote! {
        #docs
        #[derive(Clone, Debug, PartialEq, Eq, Hash, ::ucwa_runtime::Enumeration)]
        #[non_exhaustive]
        pub enum #name {
            #(#variants)*
            #other_docs
            #[ucwa(other)]
            #other(String),
        }
    }
}
