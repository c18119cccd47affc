//! `#[derive(Enumeration)]`: a fieldless enum written as a string, with an optional
//! `#[ucwa(other)]` variant holding values the enum does not know.

use proc_macro2::TokenStream;
use quote::quote;

use crate::ast::{Container, VariantKind};

pub fn expand(cont: &Container) -> TokenStream {
    let ident = cont.ident;
    let krate = &cont.krate;
    let members: Vec<_> = cont
        .variants()
        .iter()
        .filter_map(|v| match &v.kind {
            VariantKind::Member { wire } => Some((v.ident, wire)),
            _ => None,
        })
        .collect();
    let other = cont
        .variants()
        .iter()
        .find(|v| matches!(v.kind, VariantKind::Other))
        .map(|v| v.ident);
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
    let xml = super::xml::enumeration(cont);

    quote! {
        #xml

        impl #krate::Enumeration for #ident {
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
                f.write_str(#krate::Enumeration::as_str(self))
            }
        }

        impl #krate::__private::serde::Serialize for #ident {
            fn serialize<__S>(&self, __serializer: __S) -> ::core::result::Result<__S::Ok, __S::Error>
            where
                __S: #krate::__private::serde::Serializer,
            {
                __serializer.serialize_str(#krate::Enumeration::as_str(self))
            }
        }

        impl<'de> #krate::__private::serde::Deserialize<'de> for #ident {
            fn deserialize<__D>(__deserializer: __D) -> ::core::result::Result<Self, __D::Error>
            where
                __D: #krate::__private::serde::Deserializer<'de>,
            {
                let __value = <#krate::__private::Key<'de> as #krate::__private::serde::Deserialize>::deserialize(__deserializer)?;
                <Self as #krate::Enumeration>::from_wire(__value.as_str()).ok_or_else(|| {
                    <__D::Error as #krate::__private::serde::de::Error>::invalid_value(
                        #krate::__private::serde::de::Unexpected::Str(__value.as_str()),
                        &#expecting,
                    )
                })
            }
        }
    }
}
