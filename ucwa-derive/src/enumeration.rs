//! `#[derive(Enumeration)]`: a fieldless enum written as a string, with an optional
//! `#[ucwa(other)]` variant holding values the enum does not know.

use std::collections::BTreeMap;

use proc_macro2::TokenStream;
use quote::quote;
use syn::{Data, DeriveInput, Fields};

use crate::attrs;
use crate::errors::Errors;
use crate::resource::check_no_generics;

pub fn expand(input: &DeriveInput) -> syn::Result<TokenStream> {
    let mut errors = Errors::default();
    attrs::parse(&input.attrs, &[], &mut errors);
    check_no_generics(input, "Enumeration", &mut errors);
    let Data::Enum(data) = &input.data else {
        errors.spanned(&input.ident, "#[derive(Enumeration)] applies to enums only");
        errors.finish()?;
        return Ok(TokenStream::new());
    };

    let mut members = Vec::new();
    let mut other = None;
    let mut seen: BTreeMap<String, &syn::Ident> = BTreeMap::new();
    for variant in &data.variants {
        let parsed = attrs::parse(&variant.attrs, &["name", "other"], &mut errors);
        let ident = &variant.ident;
        if parsed.has("other") {
            let holds_string =
                matches!(&variant.fields, Fields::Unnamed(f) if f.unnamed.len() == 1);
            if !holds_string {
                errors.spanned(
                    ident,
                    "the `other` variant holds the unknown value: write it as `Other(String)`",
                );
            }
            if parsed.name.is_some() {
                errors.spanned(ident, "the `other` variant takes no `name`");
            }
            if other.replace(ident).is_some() {
                errors.spanned(ident, "only one variant can be `other`");
            }
            continue;
        }
        if !matches!(variant.fields, Fields::Unit) {
            errors.spanned(
                &variant.fields,
                "an enumeration member has no fields; mark the catch-all variant `#[ucwa(other)]`",
            );
        }
        let wire = parsed
            .name
            .as_ref()
            .map_or_else(|| ident.to_string(), |n| n.value());
        if let Some(previous) = seen.insert(wire.clone(), ident) {
            errors.spanned(
                ident,
                format!("`{wire}` is already the wire name of `{previous}`"),
            );
        }
        members.push((ident, wire));
    }
    errors.finish()?;

    let ident = &input.ident;
    let wires: Vec<_> = members.iter().map(|(_, wire)| wire).collect();
    let idents: Vec<_> = members.iter().map(|(ident, _)| ident).collect();
    let (other_as_str, other_from_wire) = match other {
        Some(other) => (
            quote!(#ident::#other(value) => value,),
            quote!(::core::option::Option::Some(#ident::#other(::std::borrow::ToOwned::to_owned(value)))),
        ),
        None => (quote!(), quote!(::core::option::Option::None)),
    };
    let expecting = format!("a `{ident}` value (a string)");
    let xml = crate::xml_codec::enumeration(ident);

    Ok(quote! {
        #xml

        impl ::ucwa::Enumeration for #ident {
            const MEMBERS: &'static [&'static str] = &[#(#wires),*];

            fn as_str(&self) -> &str {
                match self {
                    #(#ident::#idents => #wires,)*
                    #other_as_str
                }
            }

            fn from_wire(value: &str) -> ::core::option::Option<Self> {
                match value {
                    #(#wires => ::core::option::Option::Some(#ident::#idents),)*
                    _ => #other_from_wire,
                }
            }
        }

        impl ::core::fmt::Display for #ident {
            fn fmt(&self, f: &mut ::core::fmt::Formatter<'_>) -> ::core::fmt::Result {
                f.write_str(::ucwa::Enumeration::as_str(self))
            }
        }

        impl ::ucwa::__private::serde::Serialize for #ident {
            fn serialize<__S>(&self, __serializer: __S) -> ::core::result::Result<__S::Ok, __S::Error>
            where
                __S: ::ucwa::__private::serde::Serializer,
            {
                __serializer.serialize_str(::ucwa::Enumeration::as_str(self))
            }
        }

        impl<'de> ::ucwa::__private::serde::Deserialize<'de> for #ident {
            fn deserialize<__D>(__deserializer: __D) -> ::core::result::Result<Self, __D::Error>
            where
                __D: ::ucwa::__private::serde::Deserializer<'de>,
            {
                let __value = <::ucwa::__private::Key<'de> as ::ucwa::__private::serde::Deserialize>::deserialize(__deserializer)?;
                <Self as ::ucwa::Enumeration>::from_wire(__value.as_str()).ok_or_else(|| {
                    <__D::Error as ::ucwa::__private::serde::de::Error>::invalid_value(
                        ::ucwa::__private::serde::de::Unexpected::Str(__value.as_str()),
                        &#expecting,
                    )
                })
            }
        }
    })
}
