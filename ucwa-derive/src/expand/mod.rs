//! Expansion of a parsed and checked container: the trait impls of each derive, with the JSON
//! codec (`json.rs`) and the XML codec (`xml.rs`) that the struct derives share.

mod enumeration;
mod json;
mod operation_error;
mod xml;

use proc_macro2::{Span, TokenStream};
use quote::{ToTokens, quote, quote_spanned};
use syn::spanned::Spanned;

use crate::ast::{Container, Derive, FieldKind};
use json::MapCodec;

pub fn expand(cont: &Container) -> TokenStream {
    match cont.derive {
        Derive::Resource => resource(cont),
        Derive::Links | Derive::Embedded => relations(cont),
        Derive::Enumeration => enumeration::expand(cont),
        Derive::OperationError => operation_error::expand(cont),
    }
}

/// `#[derive(Resource)]`: both codecs and `Resource`.
fn resource(cont: &Container) -> TokenStream {
    let ident = cont.ident;
    let krate = &cont.krate;
    // Checked: a resource has its rel.
    let rel = cont
        .rel
        .as_ref()
        .map(syn::LitStr::value)
        .unwrap_or_default();
    let is_input = cont.input.is_some();
    let self_link = match cont.field(|k| matches!(k, FieldKind::Links)) {
        Some(links) => {
            let links = links.ident;
            quote!(#krate::Links::self_link(&self.#links))
        }
        None => quote!(::core::option::Option::None),
    };
    let json = MapCodec {
        cont,
        // The body of an operation: no `rel` in JSON, `<input>` in XML.
        description: if is_input {
            format!("the body of a `{rel}` operation")
        } else {
            format!("a `{rel}` resource")
        },
        rel: (!is_input).then(|| rel.clone()),
    }
    .expand();
    let xml = xml::resource(cont, &rel);
    let shared = cont.field(|k| matches!(k, FieldKind::Rels)).map(|field| {
        let name = field.ident;
        let ty = field.ty;
        quote! {
            const RELS: &'static [&'static str] = <#ty as #krate::Enumeration>::MEMBERS;

            fn rel(&self) -> &str {
                #krate::Enumeration::as_str(&self.#name)
            }
        }
    });
    quote! {
        #json
        #xml

        impl #krate::Resource for #ident {
            const REL: &'static str = #rel;

            fn self_link(&self) -> ::core::option::Option<&#krate::Link> {
                #self_link
            }

            #shared
        }

        impl #krate::RelItem for #ident {
            type Wire = Self;

            fn from_wire(wire: Self) -> Self {
                wire
            }
        }
    }
}

/// `#[derive(Links)]` and `#[derive(Embedded)]`: one field per rel.
fn relations(cont: &Container) -> TokenStream {
    let ident = cont.ident;
    let krate = &cont.krate;
    let empties = cont.fields().iter().map(|field| {
        let name = field.ident;
        let ty = field.ty;
        match field.kind {
            FieldKind::Unknown => quote!(self.#name.is_empty()),
            _ => {
                let krate = respan(krate, ty.span());
                quote_spanned!(ty.span()=> <#ty as #krate::RelField>::is_empty(&self.#name))
            }
        }
    });
    let is_empty = quote!(true #(&& #empties)*);
    let (description, xml) = match cont.derive {
        Derive::Links => (format!("the `_links` of `{ident}`"), xml::links(cont)),
        _ => (
            format!("the `_embedded` resources of `{ident}`"),
            xml::embedded(cont),
        ),
    };
    let json = MapCodec {
        cont,
        description,
        rel: None,
    }
    .expand();
    let trait_impl = match cont.derive {
        Derive::Links => {
            // The `self` field must be an `Option<Link>`; the type checker says so if not.
            let self_field = cont.field(|k| matches!(k, FieldKind::Rel { rel } if rel == "self"));
            let self_link = match self_field {
                Some(field) => {
                    let name = field.ident;
                    quote!(self.#name.as_ref())
                }
                None => quote!(::core::option::Option::None),
            };
            quote! {
                impl #krate::Links for #ident {
                    fn self_link(&self) -> ::core::option::Option<&#krate::Link> {
                        #self_link
                    }

                    fn is_empty(&self) -> bool {
                        #is_empty
                    }
                }
            }
        }
        _ => quote! {
            impl #krate::Embedded for #ident {
                fn is_empty(&self) -> bool {
                    #is_empty
                }
            }
        },
    };
    quote!(#json #xml #trait_impl)
}

/// The runtime's path with every token at `span`. Code spanned on a field's type names the
/// runtime through it, so that an error in that code points at the type (once), not at the
/// derive.
fn respan(krate: &syn::Path, span: Span) -> TokenStream {
    krate
        .to_token_stream()
        .into_iter()
        .map(|mut token| {
            token.set_span(span);
            token
        })
        .collect()
}
