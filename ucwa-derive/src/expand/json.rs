//! The JSON codec of the three struct derives: a struct is a JSON object whose members are its
//! fields, in declaration order, plus whatever the `unknown` field kept (serde `Serialize`, and
//! a `Deserialize` visitor that borrows keys, refuses duplicates, and routes unknown members to
//! the `unknown` field or to an error).

use proc_macro2::TokenStream;
use quote::{format_ident, quote, quote_spanned};
use syn::spanned::Spanned;

use crate::ast::{Container, FieldKind};

pub struct MapCodec<'c, 'a> {
    pub cont: &'c Container<'a>,
    /// Used in "expected ..." and "unknown member in ..." messages.
    pub description: String,
    /// For resources: the rel that a `rel` member must name.
    pub rel: Option<String>,
}

impl MapCodec<'_, '_> {
    pub fn expand(&self) -> TokenStream {
        let ser = self.serialize();
        let de = self.deserialize();
        quote!(#ser #de)
    }

    fn serialize(&self) -> TokenStream {
        let ident = self.cont.ident;
        let krate = &self.cont.krate;
        let rels = self.cont.field(|k| matches!(k, FieldKind::Rels));
        let rel_entry = self.rel.as_ref().map(|rel| match rels {
            // A shared shape writes the rel the value came with.
            Some(field) => {
                let name = field.ident;
                quote!(__map.serialize_entry("rel", #krate::Enumeration::as_str(&self.#name))?;)
            }
            None => quote!(__map.serialize_entry("rel", #rel)?;),
        });
        let entries = self.cont.fields().iter().map(|field| {
            let name = field.ident;
            let wire = field.wire().unwrap_or_default();
            match &field.kind {
                FieldKind::Property { .. } => quote! {
                    #krate::__private::json_property(&mut __map, #wire, &self.#name)?;
                },
                FieldKind::Rel { .. } => {
                    let ty = field.ty;
                    // Spanned on the field type, so a type that is not a `RelField` is reported there.
                    let krate = super::respan(krate, ty.span());
                    quote_spanned! {ty.span()=>
                        #krate::__private::json_rel::<_, #ty>(&mut __map, #wire, &self.#name)?;
                    }
                }
                FieldKind::Links | FieldKind::Embedded => {
                    let is_empty = match field.kind {
                        FieldKind::Links => quote!(#krate::Links::is_empty),
                        _ => quote!(#krate::Embedded::is_empty),
                    };
                    quote! {
                    if !#is_empty(&self.#name) {
                        __map.serialize_entry(#wire, &self.#name)?;
                    }
                    }
                }
                FieldKind::Unknown => quote! {
                    for (__key, __value) in self.#name.iter() {
                        __map.serialize_entry(__key, __value)?;
                    }
                },
                // Written as `rel`, first.
                FieldKind::Rels => quote!(),
            }
        });
        quote! {
            impl #krate::__private::serde::Serialize for #ident {
                fn serialize<__S>(&self, __serializer: __S) -> ::core::result::Result<__S::Ok, __S::Error>
                where
                    __S: #krate::__private::serde::Serializer,
                {
                    use #krate::__private::serde::ser::SerializeMap as _;
                    let mut __map = __serializer.serialize_map(::core::option::Option::None)?;
                    #rel_entry
                    #(#entries)*
                    __map.end()
                }
            }
        }
    }

    fn deserialize(&self) -> TokenStream {
        let ident = self.cont.ident;
        let krate = &self.cont.krate;
        let expecting = format!("{} (a JSON object)", self.description);
        let description = &self.description;
        let known: Vec<_> = self
            .cont
            .fields()
            .iter()
            .enumerate()
            .filter(|(_, f)| !matches!(f.kind, FieldKind::Unknown | FieldKind::Rels))
            .map(|(i, f)| (format_ident!("__field{}", i), f))
            .collect();
        let unknown = self
            .cont
            .fields()
            .iter()
            .find(|f| matches!(f.kind, FieldKind::Unknown));

        let locals = known.iter().map(|(local, field)| {
            let ty = field.ty;
            quote!(let mut #local: ::core::option::Option<#ty> = ::core::option::Option::None;)
        });
        let arms = known.iter().map(|(local, field)| {
            let wire = field.wire().unwrap_or_default();
            let ty = field.ty;
            // Spanned on the field type, so a type that does not fit is reported there.
            let krate = super::respan(krate, ty.span());
            let step = match field.kind {
                FieldKind::Rel { .. } => quote!(json_read_rel),
                // `null` is none, as for any member.
                FieldKind::Links | FieldKind::Embedded => quote!(json_read_nullable),
                _ => quote!(json_read),
            };
            quote_spanned! {ty.span()=>
                #wire => #krate::__private::#step::<__A, #ty>(&mut __map, &mut #local, #wire)?,
            }
        });
        let rels = self.cont.field(|k| matches!(k, FieldKind::Rels));
        let rel_arm = self.rel.as_ref().map(|rel| match rels {
            Some(field) => {
                let ty = field.ty;
                quote! {
                    "rel" => {
                        // `null` is no rel, as for any member.
                        if let ::core::option::Option::Some(__rel) =
                            __map.next_value::<::core::option::Option<#krate::__private::Key<'de>>>()?
                        {
                            __rels = ::core::option::Option::Some(
                                <#ty as #krate::Enumeration>::from_wire(__rel.as_str()).ok_or_else(|| {
                                    #krate::__private::wrong_rels(
                                        <#ty as #krate::Enumeration>::MEMBERS,
                                        __rel.as_str(),
                                    )
                                })?,
                            );
                        }
                    }
                }
            }
            None => quote! {
                "rel" => {
                    // `null` is no rel, as for any member.
                    if let ::core::option::Option::Some(__rel) =
                        __map.next_value::<::core::option::Option<#krate::__private::Key<'de>>>()?
                    {
                        if __rel.as_str() != #rel {
                            return ::core::result::Result::Err(
                                #krate::__private::wrong_rel(#rel, __rel.as_str()),
                            );
                        }
                    }
                }
            },
        });
        let (rels_local, rels_init) = match rels {
            Some(field) => {
                let ty = field.ty;
                let name = field.ident;
                (
                    quote!(let mut __rels: ::core::option::Option<#ty> = ::core::option::Option::None;),
                    // No `rel` member: the shape's own rel.
                    quote!(#name: __rels.unwrap_or_default(),),
                )
            }
            None => (quote!(), quote!()),
        };
        let (unknown_local, unknown_arm, unknown_init) = match unknown {
            Some(field) => {
                let name = field.ident;
                let ty = field.ty;
                (
                    quote!(let mut __unknown = <#ty as ::core::default::Default>::default();),
                    quote!(#krate::__private::keep_unknown(&mut __unknown, #description, __key.into_string(), __map.next_value()?);),
                    quote!(#name: __unknown,),
                )
            }
            None => (
                quote!(),
                quote! {
                    return ::core::result::Result::Err(
                        #krate::__private::unknown_member(#description, __key.as_str()),
                    );
                },
                quote!(),
            ),
        };
        let inits = known.iter().map(|(local, field)| {
            let name = field.ident;
            quote!(#name: #local.unwrap_or_default(),)
        });

        quote! {
            impl<'de> #krate::__private::serde::Deserialize<'de> for #ident {
                fn deserialize<__D>(__deserializer: __D) -> ::core::result::Result<Self, __D::Error>
                where
                    __D: #krate::__private::serde::Deserializer<'de>,
                {
                    struct __Visitor;

                    impl<'de> #krate::__private::serde::de::Visitor<'de> for __Visitor {
                        type Value = #ident;

                        fn expecting(&self, __f: &mut ::core::fmt::Formatter<'_>) -> ::core::fmt::Result {
                            __f.write_str(#expecting)
                        }

                        fn visit_map<__A>(self, mut __map: __A) -> ::core::result::Result<#ident, __A::Error>
                        where
                            __A: #krate::__private::serde::de::MapAccess<'de>,
                        {
                            #(#locals)*
                            #unknown_local
                            #rels_local
                            while let ::core::option::Option::Some(__key) =
                                __map.next_key::<#krate::__private::Key<'de>>()?
                            {
                                match __key.as_str() {
                                    #rel_arm
                                    #(#arms)*
                                    _ => { #unknown_arm }
                                }
                            }
                            ::core::result::Result::Ok(#ident {
                                #(#inits)*
                                #unknown_init
                                #rels_init
                            })
                        }
                    }

                    __deserializer.deserialize_map(__Visitor)
                }
            }
        }
    }
}
