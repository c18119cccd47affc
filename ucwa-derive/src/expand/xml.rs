//! The XML codec of the three struct derives and of enumerations: `<resource rel href>` with
//! `<link>`, `<property>`/`<propertyList>` and nested `<resource>` children, read through the
//! runtime's `xml::XmlReader` item by item.

use proc_macro2::TokenStream;
use quote::{format_ident, quote, quote_spanned};
use syn::Ident;
use syn::spanned::Spanned;

use crate::ast::{Container, Field, FieldKind, option_inner};

/// The parts of a resource's decoder a field (or its absence) adds: a local declared before
/// the loop over items, an arm of that loop, what runs before it, and the struct field built
/// from the local.
#[derive(Default)]
struct ReadParts {
    local: TokenStream,
    arm: TokenStream,
    before: TokenStream,
    init: TokenStream,
}

/// The fields of a resource, by kind, shared by the steps of its codec.
struct ResourceFields<'c, 'a> {
    /// Properties, each with the local it is read into and its wire name.
    properties: Vec<(Ident, &'c Field<'a>, &'c String)>,
    links: Option<&'c Field<'a>>,
    embedded: Option<&'c Field<'a>>,
    unknown: Option<&'c Field<'a>>,
}

impl<'c, 'a> ResourceFields<'c, 'a> {
    fn of(cont: &'c Container<'a>) -> Self {
        ResourceFields {
            properties: cont
                .fields()
                .iter()
                .enumerate()
                .filter_map(|(i, f)| match &f.kind {
                    FieldKind::Property { wire } => Some((format_ident!("__field{}", i), f, wire)),
                    _ => None,
                })
                .collect(),
            links: cont.field(|k| matches!(k, FieldKind::Links)),
            embedded: cont.field(|k| matches!(k, FieldKind::Embedded)),
            unknown: cont.field(|k| matches!(k, FieldKind::Unknown)),
        }
    }
}

/// `XmlResource` for a `#[derive(Resource)]` struct: its decoder ([`read_resource`]) and its
/// encoder ([`write_resource`]).
pub fn resource(cont: &Container, rel: &str) -> TokenStream {
    let ident = cont.ident;
    let krate = &cont.krate;
    let fields = ResourceFields::of(cont);
    // An input has no rel attribute to write.
    let root = cont.input.is_some().then(|| {
        quote!(
            const ROOT: &'static str = "input";
        )
    });
    let read = read_resource(cont, rel, &fields);
    let write = write_resource(cont, &fields);
    quote! {
        impl #krate::xml::XmlResource for #ident {
            #root

            #read

            #write
        }
    }
}

/// `read_xml`: the attributes of `<resource>`, then each item (a property, a link, an embedded
/// resource) into its field, then the struct.
fn read_resource(cont: &Container, rel: &str, fields: &ResourceFields<'_, '_>) -> TokenStream {
    let ident = cont.ident;
    let krate = &cont.krate;
    let description = format!("a `{rel}` resource");
    let properties = &fields.properties;
    let unknown = fields.unknown;
    let locals = properties.iter().map(|(local, field, _)| {
        let inner = option_inner(field.ty).unwrap_or(field.ty);
        quote!(let mut #local: ::core::option::Option<#inner> = ::core::option::Option::None;)
    });
    let property_arms = property_arms(krate, properties);
    let unknown_property = unknown_property(krate, unknown.is_some(), &description);
    let links = read_links(krate, fields, &description);
    let embedded = read_embedded(krate, fields, &description);
    let (self_link, links_local, link_arm, links_init) =
        (&links.before, &links.local, &links.arm, &links.init);
    let (embedded_local, embedded_arm, embedded_init) =
        (&embedded.local, &embedded.arm, &embedded.init);
    let unknown_local = unknown.map(|f| {
        let ty = f.ty;
        quote!(let mut __unknown = <#ty as ::core::default::Default>::default();)
    });
    let attributes = read_attributes(krate, unknown.is_some(), &description);
    let unknown_init = unknown.map(|f| {
        let name = f.ident;
        quote!(#name: __unknown,)
    });
    let rels = read_rels(cont, rel);
    let (rels_local, rels_init, rel_check) = (&rels.local, &rels.init, &rels.arm);
    let inits = properties.iter().map(|(local, field, _)| {
        let name = field.ident;
        quote!(#name: #local,)
    });
    quote! {
        fn read_xml(
            __reader: &mut #krate::xml::XmlReader<'_>,
            mut __start: #krate::xml::ResourceStart,
        ) -> ::core::result::Result<Self, #krate::DecodeError> {
            #(#locals)*
            #unknown_local
            #rels_local
            #links_local
            #embedded_local
            #attributes
            #self_link
            while let ::core::option::Option::Some(__item) = __reader.next_item()? {
                match __item {
                    #krate::xml::Item::Property { name: __name, value: __value, offset: __offset } => {
                        match &*__name {
                            "rel" => {
                                #rel_check
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
                #rels_init
            })
        }
    }
}

/// One arm per property, reading its value into its local.
fn property_arms(
    krate: &syn::Path,
    properties: &[(Ident, &Field<'_>, &String)],
) -> Vec<TokenStream> {
    properties
        .iter()
        .map(|(local, field, wire)| {
            let inner = option_inner(field.ty).unwrap_or(field.ty);
            let krate = super::respan(krate, inner.span());
            // Spanned at the field's type: a type that is no `XmlProperty` is reported there.
            let read = quote_spanned! {inner.span()=>
                #krate::__private::xml_property::<#inner>(&mut #local, #wire, __value, __offset)
            };
            quote!(#wire => #read?,)
        })
        .collect()
}

/// A property the struct has no field for: kept in `unknown`, or refused.
fn unknown_property(krate: &syn::Path, has_unknown: bool, description: &str) -> TokenStream {
    if has_unknown {
        quote! {
            #krate::__private::keep_unknown(&mut __unknown, #description, __name.into_owned(), #krate::xml::__generic::value_from_xml(__value));
        }
    } else {
        quote! {
            return ::core::result::Result::Err(#krate::__private::xml_error(
                __offset,
                ::std::format!("unknown property `{}` in {} (add an `#[ucwa(unknown)]` field to keep it)", __name, #description),
            ));
        }
    }
}

/// Links, and the self link from the `href` attribute (before the items).
fn read_links(krate: &syn::Path, fields: &ResourceFields<'_, '_>, description: &str) -> ReadParts {
    match fields.links {
        Some(field) => {
            let ty = field.ty;
            let name = field.ident;
            ReadParts {
                local: quote!(let mut __links = <#ty as ::core::default::Default>::default();),
                arm: quote! {
                    #krate::xml::Item::Link { rel: __link_rel, link: __link } => {
                        #krate::xml::XmlLinks::push_xml_link(&mut __links, __link_rel, __link)
                            .map_err(|__m| __reader.error(__m))?;
                    }
                },
                before: quote! {
                    if let ::core::option::Option::Some(__self) = #krate::__private::self_link(&mut __start) {
                        #krate::xml::XmlLinks::push_xml_link(&mut __links, "self".into(), __self)
                            .map_err(|__m| #krate::__private::xml_error(__start.offset, __m))?;
                    }
                },
                init: quote!(#name: __links,),
            }
        }
        None => nested_fallback(krate, fields.unknown.is_some(), "_links", description),
    }
}

/// Embedded resources, each read by the embedded struct.
fn read_embedded(
    krate: &syn::Path,
    fields: &ResourceFields<'_, '_>,
    description: &str,
) -> ReadParts {
    match fields.embedded {
        Some(field) => {
            let ty = field.ty;
            let name = field.ident;
            ReadParts {
                local: quote!(let mut __embedded = <#ty as ::core::default::Default>::default();),
                arm: quote! {
                    #krate::xml::Item::Resource(__nested) => {
                        #krate::xml::XmlEmbedded::read_xml_embedded(&mut __embedded, __reader, __nested)?;
                    }
                },
                before: quote!(),
                init: quote!(#name: __embedded,),
            }
        }
        None => {
            let ReadParts { arm, .. } =
                nested_fallback(krate, fields.unknown.is_some(), "_embedded", description);
            ReadParts {
                arm,
                ..ReadParts::default()
            }
        }
    }
}

/// Attributes of `<resource>` the schema does not describe: kept as `@name`, or refused.
fn read_attributes(krate: &syn::Path, has_unknown: bool, description: &str) -> TokenStream {
    if has_unknown {
        quote!(#krate::__private::xml_keep_attributes(&mut __unknown, #description, &__start);)
    } else {
        quote!(#krate::__private::xml_refuse_attributes(&__start, #description)?;)
    }
}

/// The `rel` property. A shared shape: which of its rels the element has (its `rel` attribute,
/// else the shape's own), and a `rel` property must be one of them (`arm` is the check, `local`
/// and `init` the field); otherwise it must be the resource's own rel.
fn read_rels(cont: &Container, rel: &str) -> ReadParts {
    let krate = &cont.krate;
    match cont.field(|k| matches!(k, FieldKind::Rels)) {
        Some(field) => {
            let ty = field.ty;
            let name = field.ident;
            ReadParts {
                local: quote! {
                    let mut __rels: #ty = <#ty as #krate::Enumeration>::from_wire(&__start.rel)
                        .unwrap_or_default();
                },
                init: quote!(#name: __rels,),
                arm: quote! {
                    let __found = match &__value {
                        #krate::xml::XmlValue::Text(__text) => <#ty as #krate::Enumeration>::from_wire(__text),
                        _ => ::core::option::Option::None,
                    };
                    match __found {
                        ::core::option::Option::Some(__found) => __rels = __found,
                        ::core::option::Option::None => {
                            return ::core::result::Result::Err(#krate::__private::xml_error(
                                __offset,
                                ::std::format!(
                                    "expected {}, found rel {}",
                                    #krate::__private::expected_rels(<#ty as #krate::Enumeration>::MEMBERS),
                                    __value
                                ),
                            ));
                        }
                    }
                },
                before: quote!(),
            }
        }
        None => ReadParts {
            arm: quote! {
                if __value != #krate::xml::XmlValue::Text(#rel.into()) {
                    return ::core::result::Result::Err(#krate::__private::xml_error(
                        __offset,
                        ::std::format!("expected a `{}` resource, found rel {}", #rel, __value),
                    ));
                }
            },
            ..ReadParts::default()
        },
    }
}

/// `write_xml`: `<resource rel href>` (or `<input>`), its links, the `rel` property, the
/// properties, the unknown members, the embedded resources.
fn write_resource(cont: &Container, fields: &ResourceFields<'_, '_>) -> TokenStream {
    let krate = &cont.krate;
    let is_input = cont.input.is_some();
    let unknown_name = fields.unknown.map(|f| f.ident);
    let write_links = fields.links.map(|f| {
        let name = f.ident;
        quote!(#krate::xml::XmlLinks::write_xml_links(&self.#name, __writer);)
    });
    let write_properties = fields.properties.iter().map(|(_, field, wire)| {
        let name = field.ident;
        quote! {
            if let ::core::option::Option::Some(__value) = &self.#name {
                #krate::xml::XmlProperty::write_xml(__value, #wire, __writer);
            }
        }
    });
    let write_unknown = unknown_name.map(|name| {
        quote! {
            #krate::__private::write_unknown_members(__writer, &self.#name);
        }
    });
    let write_embedded = fields.embedded.map(|f| {
        let name = f.ident;
        quote!(#krate::xml::XmlEmbedded::write_xml_embedded(&self.#name, __writer);)
    });
    // An input has no rel attribute to write.
    let rel_param = if is_input { quote!(_) } else { quote!(__rel) };
    let (start, rel_property, end) = if is_input {
        (
            quote!(__writer.start_element("input");),
            quote!(),
            quote!(__writer.end_element("input");),
        )
    } else {
        (
            match unknown_name {
                Some(name) => {
                    quote!(#krate::__private::xml_start_resource(__writer, __rel, <Self as #krate::Resource>::self_link(self), &self.#name);)
                }
                None => {
                    quote!(__writer.start_resource(__rel, <Self as #krate::Resource>::self_link(self));)
                }
            },
            quote!(__writer.property("rel", <Self as #krate::Resource>::rel(self));),
            quote!(__writer.end_resource();),
        )
    };
    quote! {
        fn write_xml(&self, __writer: &mut #krate::xml::XmlWriter, #rel_param: &str) {
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

/// For a resource without a links (or embedded) field: what arrives there is kept in the
/// `unknown` field under `_links` (`_embedded`), like in JSON, or refused.
fn nested_fallback(
    krate: &syn::Path,
    has_unknown: bool,
    key: &str,
    description: &str,
) -> ReadParts {
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
                #krate::__private::push_nested_unknown(&mut __unknown, #krate::xml::__generic::Under::Links, __link_rel.into_owned(), #krate::xml::__generic::link_value(__link));
            },
            quote! {
                let __rel = __nested.rel.clone();
                let __value = #krate::xml::__generic::read_resource(__reader, __nested)?;
                #krate::__private::push_nested_unknown(&mut __unknown, #krate::xml::__generic::Under::Embedded, __rel, __value);
            },
            quote! {
                if let ::core::option::Option::Some(__self) = #krate::__private::self_link(&mut __start) {
                    #krate::__private::set_unknown_self(&mut __unknown, __self);
                }
            },
        )
    } else {
        (refuse("<link>"), refuse("<resource>"), quote!())
    };
    if key == "_links" {
        ReadParts {
            arm: quote!(#krate::xml::Item::Link { rel: __link_rel, link: __link } => { #link_body }),
            before: self_link,
            ..ReadParts::default()
        }
    } else {
        ReadParts {
            arm: quote!(#krate::xml::Item::Resource(__nested) => { #resource_body }),
            ..ReadParts::default()
        }
    }
}

/// The rel fields of a links or embedded struct, each with its rel, and its `unknown` field if
/// any.
fn rels_and_unknown<'c, 'a>(
    cont: &'c Container<'a>,
) -> (Vec<(&'c Field<'a>, &'c str)>, Option<&'a Ident>) {
    let rels = cont
        .fields()
        .iter()
        .filter_map(|f| match &f.kind {
            FieldKind::Rel { rel } => Some((f, rel.as_str())),
            _ => None,
        })
        .collect();
    let unknown = cont
        .field(|k| matches!(k, FieldKind::Unknown))
        .map(|f| f.ident);
    (rels, unknown)
}

/// `XmlLinks` for a `#[derive(Links)]` struct.
pub fn links(cont: &Container) -> TokenStream {
    let ident = cont.ident;
    let krate = &cont.krate;
    let description = format!("the `_links` of `{ident}`");
    let (rels, unknown) = rels_and_unknown(cont);
    let arms = rels.iter().map(|(field, wire)| {
        let name = field.ident;
        let ty = field.ty;
        let krate = super::respan(krate, ty.span());
        quote_spanned! {ty.span()=>
            #wire => #krate::__private::xml_link::<#ty>(&mut self.#name, #wire, link),
        }
    });
    let fallback = match unknown {
        Some(name) => quote! {
            #krate::__private::keep_unknown_rel(&mut self.#name, #description, #krate::xml::__generic::Under::Links, rel.into_owned(), #krate::xml::__generic::link_value(link));
            ::core::result::Result::Ok(())
        },
        None => quote! {
            ::core::result::Result::Err(::std::format!(
                "unknown link `{}` in {} (add an `#[ucwa(unknown)]` field to keep it)", rel, #description
            ))
        },
    };
    let writes = rels
        .iter()
        .filter(|(_, wire)| *wire != "self")
        .map(|(field, wire)| {
            let name = field.ident;
            let ty = field.ty;
            let krate = super::respan(krate, ty.span());
            quote_spanned! {ty.span()=>
                #krate::__private::xml_write_links::<#ty>(&self.#name, #wire, __writer);
            }
        });
    let write_unknown = unknown
        .map(|name| quote!(#krate::xml::__generic::write_unknown_links(__writer, &self.#name);));
    quote! {
        impl #krate::xml::XmlLinks for #ident {
            fn push_xml_link(&mut self, rel: ::std::borrow::Cow<'_, str>, link: #krate::Link) -> ::core::result::Result<(), ::std::string::String> {
                match &*rel {
                    #(#arms)*
                    _ => { #fallback }
                }
            }

            fn write_xml_links(&self, __writer: &mut #krate::xml::XmlWriter) {
                #(#writes)*
                #write_unknown
            }
        }
    }
}

/// `XmlEmbedded` for a `#[derive(Embedded)]` struct.
pub fn embedded(cont: &Container) -> TokenStream {
    let ident = cont.ident;
    let krate = &cont.krate;
    let description = format!("the `_embedded` resources of `{ident}`");
    let (rels, unknown) = rels_and_unknown(cont);
    let arms = rels.iter().map(|(field, wire)| {
        let name = field.ident;
        let ty = field.ty;
        let krate = super::respan(krate, ty.span());
        quote_spanned! {ty.span()=>
            #wire => #krate::__private::xml_embedded::<#ty>(&mut self.#name, #wire, __reader, __start),
        }
    });
    let fallback = match unknown {
        Some(name) => quote! {
            let __value = #krate::xml::__generic::read_resource(__reader, __start)?;
            #krate::__private::keep_unknown_rel(&mut self.#name, #description, #krate::xml::__generic::Under::Embedded, __rel, __value);
            ::core::result::Result::Ok(())
        },
        None => quote! {
            ::core::result::Result::Err(#krate::__private::xml_error(__offset, ::std::format!(
                "unknown embedded resource `{}` in {} (add an `#[ucwa(unknown)]` field to keep it)", __rel, #description
            )))
        },
    };
    let writes = rels.iter().map(|(field, wire)| {
        let name = field.ident;
        let ty = field.ty;
        let krate = super::respan(krate, ty.span());
        quote_spanned! {ty.span()=>
            #krate::__private::xml_write_embedded::<#ty>(&self.#name, #wire, __writer);
        }
    });
    let write_unknown =
        unknown.map(|name| quote!(#krate::xml::__generic::write_embedded(__writer, &self.#name);));
    quote! {
        impl #krate::xml::XmlEmbedded for #ident {
            fn read_xml_embedded(
                &mut self,
                __reader: &mut #krate::xml::XmlReader<'_>,
                __start: #krate::xml::ResourceStart,
            ) -> ::core::result::Result<(), #krate::DecodeError> {
                let __offset = __start.offset;
                let __rel = __start.rel.clone();
                match __rel.as_str() {
                    #(#arms)*
                    _ => { #fallback }
                }
            }

            fn write_xml_embedded(&self, __writer: &mut #krate::xml::XmlWriter) {
                #(#writes)*
                #write_unknown
            }
        }
    }
}

/// `XmlScalar` and `XmlProperty` for a `#[derive(Enumeration)]` enum.
pub fn enumeration(cont: &Container) -> TokenStream {
    let ident = cont.ident;
    let krate = &cont.krate;
    let expecting = format!("a `{ident}` value");
    quote! {
        impl #krate::xml::XmlScalar for #ident {
            fn from_xml_text(__text: &str) -> ::core::result::Result<Self, ::std::string::String> {
                <Self as #krate::Enumeration>::from_wire(__text).ok_or_else(|| {
                    #krate::__private::not_a_member(#expecting, <Self as #krate::Enumeration>::MEMBERS, __text)
                })
            }

            fn to_xml_text(&self) -> ::std::borrow::Cow<'_, str> {
                ::std::borrow::Cow::Borrowed(#krate::Enumeration::as_str(self))
            }
        }

        impl #krate::xml::XmlProperty for #ident {
            fn from_xml(__value: #krate::xml::XmlValue<'_>) -> ::core::result::Result<Self, ::std::string::String> {
                #krate::xml::scalar_from_xml(__value)
            }

            fn write_xml(&self, __name: &str, __writer: &mut #krate::xml::XmlWriter) {
                #krate::xml::scalar_write_xml(self, __name, __writer)
            }
        }
    }
}
