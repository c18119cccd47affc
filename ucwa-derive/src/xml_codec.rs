//! The XML codec of the three struct derives and of enumerations: `<resource rel href>` with
//! `<link>`, `<property>`/`<propertyList>` and nested `<resource>` children, read through
//! `ucwa::xml::XmlReader` item by item.

use proc_macro2::TokenStream;
use quote::{format_ident, quote, quote_spanned};
use syn::spanned::Spanned;
use syn::{Ident, Type};

use crate::map_codec::{Field, Role};

/// `XmlResource` for a `#[derive(Resource)]` struct.
pub fn resource(ident: &Ident, fields: &[Field<'_>], rel: &str, is_input: bool) -> TokenStream {
    let description = format!("a `{rel}` resource");
    let properties: Vec<_> = fields
        .iter()
        .enumerate()
        .filter(|(_, f)| matches!(f.role, Role::Value))
        .map(|(i, f)| (format_ident!("__field{}", i), f))
        .collect();
    let links = fields.iter().find(|f| f.wire == "_links");
    let embedded = fields.iter().find(|f| f.wire == "_embedded");
    let unknown = fields.iter().find(|f| matches!(f.role, Role::Unknown));

    let locals = properties.iter().map(|(local, field)| {
        let inner = option_inner(field.ty).unwrap_or(field.ty);
        quote!(let mut #local: ::core::option::Option<#inner> = ::core::option::Option::None;)
    });
    let property_arms = properties.iter().map(|(local, field)| {
        let wire = &field.wire;
        let inner = option_inner(field.ty).unwrap_or(field.ty);
        let read = quote_spanned!(inner.span()=> <#inner as ::ucwa::xml::XmlProperty>::from_xml(__value));
        quote! {
            #wire => {
                if #local.is_some() {
                    return ::core::result::Result::Err(::ucwa::__private::xml_error(
                        __offset,
                        ::std::format!("duplicate property `{}`", #wire),
                    ));
                }
                #local = ::core::option::Option::Some(#read.map_err(|__m| {
                    ::ucwa::__private::xml_error(__offset, ::std::format!("property `{}`: {}", #wire, __m))
                })?);
            }
        }
    });
    let unknown_name = unknown.map(|f| f.ident);
    let unknown_property = match unknown_name {
        Some(_) => quote! {
            __unknown.insert(__name.into_owned(), ::ucwa::xml::__generic::value_from_xml(__value));
        },
        None => quote! {
            return ::core::result::Result::Err(::ucwa::__private::xml_error(
                __offset,
                ::std::format!("unknown property `{}` in {} (add an `#[ucwa(unknown)]` field to keep it)", __name, #description),
            ));
        },
    };
    // Links, and the self link from the `href` attribute.
    let (links_local, link_arm, self_link, links_init) = match links {
        Some(field) => {
            let ty = field.ty;
            let name = field.ident;
            (
                quote!(let mut __links = <#ty as ::core::default::Default>::default();),
                quote! {
                    ::ucwa::xml::Item::Link { rel: __link_rel, link: __link } => {
                        ::ucwa::xml::XmlLinks::push_xml_link(&mut __links, __link_rel, __link)
                            .map_err(|__m| __reader.error(__m))?;
                    }
                },
                quote! {
                    if let ::core::option::Option::Some(__self) = ::ucwa::__private::self_link(&__start) {
                        ::ucwa::xml::XmlLinks::push_xml_link(&mut __links, "self".into(), __self)
                            .map_err(|__m| ::ucwa::__private::xml_error(__start.offset, __m))?;
                    }
                },
                quote!(#name: __links,),
            )
        }
        None => nested_fallback(unknown.is_some(), "_links", &description),
    };
    let (embedded_local, embedded_arm, embedded_init) = match embedded {
        Some(field) => {
            let ty = field.ty;
            let name = field.ident;
            (
                quote!(let mut __embedded = <#ty as ::core::default::Default>::default();),
                quote! {
                    ::ucwa::xml::Item::Resource(__nested) => {
                        ::ucwa::xml::XmlEmbedded::read_xml_embedded(&mut __embedded, __reader, __nested)?;
                    }
                },
                quote!(#name: __embedded,),
            )
        }
        None => {
            let (_, arm, _, _) = nested_fallback(unknown.is_some(), "_embedded", &description);
            (quote!(), arm, quote!())
        }
    };
    let unknown_local = unknown.map(|f| {
        let ty = f.ty;
        quote!(let mut __unknown = <#ty as ::core::default::Default>::default();)
    });
    let unknown_init = unknown_name.map(|name| quote!(#name: __unknown,));
    let inits = properties.iter().map(|(local, field)| {
        let name = field.ident;
        quote!(#name: #local,)
    });

    let write_links = links.map(|f| {
        let name = f.ident;
        quote!(::ucwa::xml::XmlLinks::write_xml_links(&self.#name, __writer);)
    });
    let write_properties = properties.iter().map(|(_, field)| {
        let name = field.ident;
        let wire = &field.wire;
        quote! {
            if let ::core::option::Option::Some(__value) = &self.#name {
                ::ucwa::xml::XmlProperty::write_xml(__value, #wire, __writer);
            }
        }
    });
    let write_unknown = unknown_name.map(|name| {
        quote! {
            ::ucwa::__private::write_unknown_members(__writer, &self.#name);
        }
    });
    let write_embedded = embedded.map(|f| {
        let name = f.ident;
        quote!(::ucwa::xml::XmlEmbedded::write_xml_embedded(&self.#name, __writer);)
    });

    // An input has no rel attribute to write.
    let rel_param = if is_input { quote!(_) } else { quote!(__rel) };
    let (root, start, rel_property, end) = if is_input {
        (
            quote!(
                const ROOT: &'static str = "input";
            ),
            quote!(__writer.start_element("input");),
            quote!(),
            quote!(__writer.end_element("input");),
        )
    } else {
        (
            quote!(),
            quote!(__writer.start_resource(__rel, <Self as ::ucwa::Resource>::self_link(self));),
            quote!(__writer.property("rel", #rel);),
            quote!(__writer.end_resource();),
        )
    };
    quote! {
        impl ::ucwa::xml::XmlResource for #ident {
            #root

            fn read_xml(
                __reader: &mut ::ucwa::xml::XmlReader<'_>,
                __start: ::ucwa::xml::ResourceStart,
            ) -> ::core::result::Result<Self, ::ucwa::DecodeError> {
                #(#locals)*
                #unknown_local
                #links_local
                #embedded_local
                #self_link
                while let ::core::option::Option::Some(__item) = __reader.next_item()? {
                    match __item {
                        ::ucwa::xml::Item::Property { name: __name, value: __value, offset: __offset } => {
                            match &*__name {
                                "rel" => {
                                    if __value != ::ucwa::xml::XmlValue::Text(#rel.into()) {
                                        return ::core::result::Result::Err(::ucwa::__private::xml_error(
                                            __offset,
                                            ::std::format!("expected a `{}` resource, found rel {:?}", #rel, __value),
                                        ));
                                    }
                                }
                                #(#property_arms)*
                                _ => { #unknown_property }
                            }
                        }
                        #link_arm
                        #embedded_arm
                    }
                }
                ::core::result::Result::Ok(#ident {
                    #(#inits)*
                    #links_init
                    #embedded_init
                    #unknown_init
                })
            }

            fn write_xml(&self, __writer: &mut ::ucwa::xml::XmlWriter, #rel_param: &str) {
                #start
                #write_links
                #rel_property
                #(#write_properties)*
                #write_unknown
                #write_embedded
                #end
            }
        }
    }
}

/// For a resource without a links (or embedded) field: what arrives there is kept in the
/// `unknown` field under `_links` (`_embedded`), like in JSON, or refused.
fn nested_fallback(
    has_unknown: bool,
    key: &str,
    description: &str,
) -> (TokenStream, TokenStream, TokenStream, TokenStream) {
    let refuse = |what: &str| {
        quote! {
            return ::core::result::Result::Err(__reader.error(::std::format!(
                "unexpected {} in {} (it has no field for `{}`)", #what, #description, #key
            )));
        }
    };
    let (link_body, resource_body, self_link) = if has_unknown {
        (
            quote! {
                ::ucwa::__private::push_nested_unknown(&mut __unknown, #key, __link_rel.into_owned(), ::ucwa::xml::__generic::link_value(__link));
            },
            quote! {
                let __rel = __nested.rel.clone();
                let __value = ::ucwa::xml::__generic::read_resource(__reader, __nested)?;
                ::ucwa::__private::push_nested_unknown(&mut __unknown, #key, __rel, __value);
            },
            quote! {
                if let ::core::option::Option::Some(__self) = ::ucwa::__private::self_link(&__start) {
                    ::ucwa::__private::set_unknown_self(&mut __unknown, __self);
                }
            },
        )
    } else {
        (refuse("<link>"), refuse("<resource>"), quote!())
    };
    if key == "_links" {
        (
            quote!(),
            quote!(::ucwa::xml::Item::Link { rel: __link_rel, link: __link } => { #link_body }),
            self_link,
            quote!(),
        )
    } else {
        (
            quote!(),
            quote!(::ucwa::xml::Item::Resource(__nested) => { #resource_body }),
            quote!(),
            quote!(),
        )
    }
}

/// The rel fields of a links or embedded struct, and its `unknown` field if any.
fn rels_and_unknown<'f, 'a>(fields: &'f [Field<'a>]) -> (Vec<&'f Field<'a>>, Option<&'a Ident>) {
    let rels = fields
        .iter()
        .filter(|f| matches!(f.role, Role::Rel))
        .collect();
    let unknown = fields
        .iter()
        .find(|f| matches!(f.role, Role::Unknown))
        .map(|f| f.ident);
    (rels, unknown)
}

/// `XmlLinks` for a `#[derive(Links)]` struct.
pub fn links(ident: &Ident, fields: &[Field<'_>]) -> TokenStream {
    let description = format!("the `_links` of `{ident}`");
    let (rels, unknown) = rels_and_unknown(fields);
    let arms = rels.iter().map(|field| {
        let name = field.ident;
        let wire = &field.wire;
        let ty = field.ty;
        let convert = quote_spanned! {ty.span()=>
            <<#ty as ::ucwa::RelField>::Item as ::ucwa::xml::XmlLinkItem>::from_link(link)
        };
        let push = quote_spanned! {ty.span()=>
            <#ty as ::ucwa::RelField>::push_item(&mut self.#name, __item)
        };
        quote! {
            #wire => {
                let __item = #convert.map_err(|__m| ::std::format!("link `{}`: {}", #wire, __m))?;
                #push.map_err(|__m| ::std::format!("link `{}`: {}", #wire, __m))
            }
        }
    });
    let fallback = match unknown {
        Some(name) => quote! {
            ::ucwa::xml::__generic::push(&mut self.#name, rel.into_owned(), ::ucwa::xml::__generic::link_value(link));
            ::core::result::Result::Ok(())
        },
        None => quote! {
            ::core::result::Result::Err(::std::format!(
                "unknown link `{}` in {} (add an `#[ucwa(unknown)]` field to keep it)", rel, #description
            ))
        },
    };
    let writes = rels.iter().filter(|f| f.wire != "self").map(|field| {
        let name = field.ident;
        let wire = &field.wire;
        let ty = field.ty;
        quote_spanned! {ty.span()=>
            for __item in <#ty as ::ucwa::RelField>::items(&self.#name) {
                ::ucwa::xml::XmlLinkItem::write_link(__item, #wire, __writer);
            }
        }
    });
    let write_unknown = unknown
        .map(|name| quote!(::ucwa::xml::__generic::write_unknown_links(__writer, &self.#name);));
    quote! {
        impl ::ucwa::xml::XmlLinks for #ident {
            fn push_xml_link(&mut self, rel: ::std::borrow::Cow<'_, str>, link: ::ucwa::Link) -> ::core::result::Result<(), ::std::string::String> {
                match &*rel {
                    #(#arms)*
                    _ => { #fallback }
                }
            }

            fn write_xml_links(&self, __writer: &mut ::ucwa::xml::XmlWriter) {
                #(#writes)*
                #write_unknown
            }
        }
    }
}

/// `XmlEmbedded` for a `#[derive(Embedded)]` struct.
pub fn embedded(ident: &Ident, fields: &[Field<'_>]) -> TokenStream {
    let description = format!("the `_embedded` resources of `{ident}`");
    let (rels, unknown) = rels_and_unknown(fields);
    let arms = rels.iter().map(|field| {
        let name = field.ident;
        let wire = &field.wire;
        let ty = field.ty;
        let read = quote_spanned! {ty.span()=>
            <<#ty as ::ucwa::RelField>::Item as ::ucwa::xml::XmlResource>::read_xml(__reader, __start)
        };
        let push = quote_spanned! {ty.span()=>
            <#ty as ::ucwa::RelField>::push_item(&mut self.#name, __item)
        };
        quote! {
            #wire => {
                let __item = #read?;
                #push.map_err(|__m| {
                    ::ucwa::__private::xml_error(__offset, ::std::format!("embedded `{}`: {}", #wire, __m))
                })
            }
        }
    });
    let fallback = match unknown {
        Some(name) => quote! {
            let __value = ::ucwa::xml::__generic::read_resource(__reader, __start)?;
            ::ucwa::xml::__generic::push(&mut self.#name, __rel, __value);
            ::core::result::Result::Ok(())
        },
        None => quote! {
            ::core::result::Result::Err(::ucwa::__private::xml_error(__offset, ::std::format!(
                "unknown embedded resource `{}` in {} (add an `#[ucwa(unknown)]` field to keep it)", __rel, #description
            )))
        },
    };
    let writes = rels.iter().map(|field| {
        let name = field.ident;
        let wire = &field.wire;
        let ty = field.ty;
        quote_spanned! {ty.span()=>
            for __item in <#ty as ::ucwa::RelField>::items(&self.#name) {
                ::ucwa::xml::XmlResource::write_xml(__item, __writer, #wire);
            }
        }
    });
    let write_unknown =
        unknown.map(|name| quote!(::ucwa::xml::__generic::write_embedded(__writer, &self.#name);));
    quote! {
        impl ::ucwa::xml::XmlEmbedded for #ident {
            fn read_xml_embedded(
                &mut self,
                __reader: &mut ::ucwa::xml::XmlReader<'_>,
                __start: ::ucwa::xml::ResourceStart,
            ) -> ::core::result::Result<(), ::ucwa::DecodeError> {
                let __offset = __start.offset;
                let __rel = __start.rel.clone();
                match __rel.as_str() {
                    #(#arms)*
                    _ => { #fallback }
                }
            }

            fn write_xml_embedded(&self, __writer: &mut ::ucwa::xml::XmlWriter) {
                #(#writes)*
                #write_unknown
            }
        }
    }
}

/// `XmlScalar` and `XmlProperty` for a `#[derive(Enumeration)]` enum.
pub fn enumeration(ident: &Ident) -> TokenStream {
    let expecting = format!("a `{ident}` value");
    quote! {
        impl ::ucwa::xml::XmlScalar for #ident {
            fn from_xml_text(__text: &str) -> ::core::result::Result<Self, ::std::string::String> {
                <Self as ::ucwa::Enumeration>::from_wire(__text).ok_or_else(|| {
                    ::std::format!(
                        "expected {}: one of {:?}, found `{}`",
                        #expecting,
                        <Self as ::ucwa::Enumeration>::MEMBERS,
                        __text
                    )
                })
            }

            fn to_xml_text(&self) -> ::std::borrow::Cow<'_, str> {
                ::std::borrow::Cow::Borrowed(::ucwa::Enumeration::as_str(self))
            }
        }

        impl ::ucwa::xml::XmlProperty for #ident {
            fn from_xml(__value: ::ucwa::xml::XmlValue<'_>) -> ::core::result::Result<Self, ::std::string::String> {
                ::ucwa::xml::scalar_from_xml(__value)
            }

            fn write_xml(&self, __name: &str, __writer: &mut ::ucwa::xml::XmlWriter) {
                ::ucwa::xml::scalar_write_xml(self, __name, __writer)
            }
        }
    }
}

/// `T` for `Option<T>` (as written, by its last path segment).
pub fn option_inner(ty: &Type) -> Option<&Type> {
    let Type::Path(path) = ty else { return None };
    if path.qself.is_some() {
        return None;
    }
    let segment = path.path.segments.last()?;
    if segment.ident != "Option" {
        return None;
    }
    let syn::PathArguments::AngleBracketed(args) = &segment.arguments else {
        return None;
    };
    match args.args.first()? {
        syn::GenericArgument::Type(inner) if args.args.len() == 1 => Some(inner),
        _ => None,
    }
}
