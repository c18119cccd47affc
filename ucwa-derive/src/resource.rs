//! `#[derive(Resource)]`.

use std::collections::BTreeMap;

use proc_macro2::TokenStream;
use quote::quote;
use syn::{Data, DeriveInput, Fields};

use crate::attrs::{self, default_wire_name};
use crate::errors::Errors;
use crate::map_codec::{Field, MapCodec, Role};

pub fn expand(input: &DeriveInput) -> syn::Result<TokenStream> {
    let mut errors = Errors::default();
    let container = attrs::parse(&input.attrs, &["rel", "input"], &mut errors);
    // The body of an operation: no `rel` in JSON, `<input>` in XML, no links.
    let is_input = container.has("input");
    let rel = match &container.rel {
        Some(rel) => rel.value(),
        None => {
            errors.spanned(
                &input.ident,
                "#[derive(Resource)] needs the resource's rel: add #[ucwa(rel = \"...\")]",
            );
            String::new()
        }
    };
    check_no_generics(input, "Resource", &mut errors);
    let fields = named_fields(input, "Resource", &mut errors);

    let mut codec_fields = Vec::new();
    let mut links_field = None;
    let mut seen: BTreeMap<String, &syn::Ident> = BTreeMap::new();
    for field in fields {
        let parsed = attrs::parse(
            &field.attrs,
            &["name", "links", "embedded", "unknown"],
            &mut errors,
        );
        let Some(ident) = field.ident.as_ref() else {
            continue;
        };
        let markers: Vec<_> = ["links", "embedded", "unknown"]
            .into_iter()
            .filter(|m| parsed.has(m))
            .collect();
        if markers.len() > 1 || (!markers.is_empty() && parsed.name.is_some()) {
            errors.spanned(
                ident,
                "a field is one of: a property (optionally `name = \"..\"`), `links`, `embedded` or `unknown`",
            );
            continue;
        }
        let (wire, role) = match markers.first().copied() {
            Some("links") => {
                links_field = Some(ident);
                (
                    "_links".to_owned(),
                    Role::Nested {
                        is_empty: quote!(::ucwa::Links::is_empty),
                    },
                )
            }
            Some("embedded") => (
                "_embedded".to_owned(),
                Role::Nested {
                    is_empty: quote!(::ucwa::Embedded::is_empty),
                },
            ),
            Some(_) => (String::new(), Role::Unknown),
            None => {
                if crate::xml_codec::option_inner(&field.ty).is_none() {
                    errors.spanned(
                        &field.ty,
                        "a property field must be an `Option<T>`: UCWA may leave any property out",
                    );
                }
                let wire = parsed
                    .name
                    .as_ref()
                    .map_or_else(|| default_wire_name(ident), |n| n.value());
                if wire == "rel" || wire.starts_with('_') {
                    errors.spanned(
                        ident,
                        format!("`{wire}` is reserved by UCWA's JSON representation and cannot be a property"),
                    );
                }
                (wire, Role::Value)
            }
        };
        let key = match role {
            Role::Unknown => "#unknown".to_owned(),
            _ => wire.clone(),
        };
        if let Some(previous) = seen.insert(key.clone(), ident) {
            let what = if key == "#unknown" {
                "more than one field is marked `links`, `embedded` or `unknown`".to_owned()
            } else {
                format!("`{wire}` is already the wire name of field `{previous}`")
            };
            errors.spanned(ident, what);
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
    let mut errors = Errors::default();
    let self_link = match links_field {
        Some(links) => quote!(::ucwa::Links::self_link(&self.#links)),
        None => quote!(::core::option::Option::None),
    };
    if is_input {
        for field in &codec_fields {
            if matches!(field.role, Role::Nested { .. }) {
                errors.spanned(
                    field.ident,
                    "the body of an operation (`input`) has no links or embedded resources",
                );
            }
        }
        errors.finish()?;
    }
    let codec = MapCodec {
        ident,
        description: if is_input {
            format!("the body of a `{rel}` operation")
        } else {
            format!("a `{rel}` resource")
        },
        fields: &codec_fields,
        rel: (!is_input).then(|| rel.clone()),
    }
    .expand();
    let xml = crate::xml_codec::resource(ident, &codec_fields, &rel, is_input);
    Ok(quote! {
        #codec
        #xml

        impl ::ucwa::Resource for #ident {
            const REL: &'static str = #rel;

            fn self_link(&self) -> ::core::option::Option<&::ucwa::Link> {
                #self_link
            }
        }
    })
}

pub fn check_no_generics(input: &DeriveInput, derive: &str, errors: &mut Errors) {
    if !input.generics.params.is_empty() {
        errors.spanned(
            &input.generics,
            format!("#[derive({derive})] does not support generic types"),
        );
    }
}

/// The named fields of a struct; anything else is an error.
pub fn named_fields<'a>(
    input: &'a DeriveInput,
    derive: &str,
    errors: &mut Errors,
) -> Vec<&'a syn::Field> {
    match &input.data {
        Data::Struct(data) => match &data.fields {
            Fields::Named(named) => named.named.iter().collect(),
            other => {
                errors.spanned(
                    other,
                    format!("#[derive({derive})] needs a struct with named fields"),
                );
                Vec::new()
            }
        },
        _ => {
            errors.spanned(
                &input.ident,
                format!("#[derive({derive})] applies to structs only"),
            );
            Vec::new()
        }
    }
}
