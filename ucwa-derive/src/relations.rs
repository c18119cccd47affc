//! `#[derive(Links)]` and `#[derive(Embedded)]`: one field per rel.

use std::collections::BTreeMap;

use proc_macro2::TokenStream;
use quote::{quote, quote_spanned};
use syn::DeriveInput;
use syn::spanned::Spanned;

use crate::attrs::{self, default_wire_name};
use crate::errors::Errors;
use crate::map_codec::{Field, MapCodec, Role};
use crate::resource::{check_no_generics, named_fields};

#[derive(Clone, Copy, PartialEq)]
pub enum Kind {
    Links,
    Embedded,
}

pub fn expand(input: &DeriveInput, kind: Kind) -> syn::Result<TokenStream> {
    let derive = match kind {
        Kind::Links => "Links",
        Kind::Embedded => "Embedded",
    };
    let mut errors = Errors::default();
    attrs::parse(&input.attrs, &[], &mut errors);
    check_no_generics(input, derive, &mut errors);

    let mut codec_fields = Vec::new();
    let mut self_field = None;
    let mut seen: BTreeMap<String, &syn::Ident> = BTreeMap::new();
    for field in named_fields(input, derive, &mut errors) {
        let parsed = attrs::parse(&field.attrs, &["rel", "unknown"], &mut errors);
        let Some(ident) = field.ident.as_ref() else {
            continue;
        };
        let (wire, role) = if parsed.has("unknown") {
            if parsed.rel.is_some() {
                errors.spanned(ident, "an `unknown` field takes no `rel`");
            }
            ("#unknown".to_owned(), Role::Unknown)
        } else {
            let wire = parsed
                .rel
                .as_ref()
                .map_or_else(|| default_wire_name(ident), |r| r.value());
            (wire, Role::Rel)
        };
        if let Some(previous) = seen.insert(wire.clone(), ident) {
            let message = if wire == "#unknown" {
                "more than one field is marked `unknown`".to_owned()
            } else {
                format!("rel `{wire}` is already held by field `{previous}`")
            };
            errors.spanned(ident, message);
        }
        if kind == Kind::Links && wire == "self" {
            self_field = Some(ident);
        }
        codec_fields.push(Field {
            ident,
            ty: &field.ty,
            wire,
            role,
        });
    }
    errors.finish()?;

    let ident = &input.ident;
    let empties = codec_fields.iter().map(|field| {
        let name = field.ident;
        let ty = field.ty;
        match field.role {
            Role::Unknown => quote!(self.#name.is_empty()),
            _ => quote_spanned!(ty.span()=> <#ty as ::ucwa::RelField>::is_empty(&self.#name)),
        }
    });
    let is_empty = quote!(true #(&& #empties)*);
    let description = match kind {
        Kind::Links => format!("the `_links` of `{ident}`"),
        Kind::Embedded => format!("the `_embedded` resources of `{ident}`"),
    };
    let codec = MapCodec {
        ident,
        description,
        fields: &codec_fields,
        rel: None,
    }
    .expand();
    let xml = match kind {
        Kind::Links => crate::xml_codec::links(ident, &codec_fields),
        Kind::Embedded => crate::xml_codec::embedded(ident, &codec_fields),
    };
    let trait_impl = match kind {
        Kind::Links => {
            // The `self` field must be an `Option<Link>`; the type checker says so if not.
            let self_link = match self_field {
                Some(name) => quote!(self.#name.as_ref()),
                None => quote!(::core::option::Option::None),
            };
            quote! {
                impl ::ucwa::Links for #ident {
                    fn self_link(&self) -> ::core::option::Option<&::ucwa::Link> {
                        #self_link
                    }

                    fn is_empty(&self) -> bool {
                        #is_empty
                    }
                }
            }
        }
        Kind::Embedded => quote! {
            impl ::ucwa::Embedded for #ident {
                fn is_empty(&self) -> bool {
                    #is_empty
                }
            }
        },
    };
    Ok(quote!(#codec #xml #trait_impl))
}
