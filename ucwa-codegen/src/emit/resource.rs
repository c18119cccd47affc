//! A resource: its struct, its `…Links` struct and its `…Embedded` struct.

use proc_macro2::TokenStream;
use quote::quote;

use super::article;
use super::docs::{described, doc, reference, sentence};
use super::gate::{Gate, Gates};
use crate::model::*;
use crate::naming;

pub fn emit(r: &Resource, schema: &Schema, gates: &Gates) -> TokenStream {
    let name = naming::ident(&naming::type_name(&r.name));
    let links_name = naming::ident(&naming::links_type_name(&r.name));
    let embedded_name = naming::ident(&naming::embedded_type_name(&r.name));
    let rel = &r.name;
    if let Some(owner) = &r.shape {
        return shared(r, owner, &gates.resource(&r.name));
    }
    let gate = gates.type_name(&r.name);
    if schema.is_bare(r) {
        return bare(r, &gate);
    }
    let cfg = gate.cfg();
    let (rels_field, rels_enum) = rels(r, &schema.sharers(&r.name), &gates.type_name(&r.name));

    let docs = doc([
        sentence(&r.description),
        format!("Its rel is `{rel}`. {}", reference(rel)),
        operations_doc(r),
        events_doc(r),
        scopes_doc(r),
    ]
    .iter());
    let properties = r.properties.iter().map(property);
    let links = r.links.iter().map(|l| link(l, &gate, gates));
    let embedded = r.embedded.iter().map(|e| embedded(e, &gate, gates));
    let a = article(rel);
    let links_docs = doc([format!("The links of {a} `{rel}` resource (`_links`).")]);
    let embedded_docs = doc([format!(
        "The resources embedded in {a} `{rel}` resource (`_embedded`)."
    )]);
    let self_docs = doc(["The link to the resource itself, which identifies it."]);
    let unknown_links_docs =
        doc(["Links this schema does not describe, kept so they are written back."]);
    let unknown_embedded_docs =
        doc(["Embedded resources this schema does not describe, kept so they are written back."]);
    let unknown_docs = doc([
        "Properties this schema does not describe, kept so they are written back (a PUT must carry them).",
    ]);
    let links_field_docs = doc(["Links to related resources and operations."]);
    let embedded_field_docs = doc(["Resources embedded in this one."]);
    // Nothing of their own: the runtime's types, rather than a derived struct per resource.
    let (links_type, links_struct) = if r.links.is_empty() {
        (quote!(::ucwa_runtime::SelfLinkOnly), quote!())
    } else {
        (
            quote!(#links_name),
            quote! {
                #links_docs
                #cfg
                #[derive(Clone, Debug, Default, PartialEq, ::ucwa_runtime::Links)]
                pub struct #links_name {
                    #self_docs
                    #[ucwa(rel = "self")]
                    pub self_: Option<::ucwa_runtime::Link>,
                    #(#links)*
                    #unknown_links_docs
                    #[ucwa(unknown)]
                    pub unknown: ::ucwa_runtime::Unknown,
                }
            },
        )
    };
    let (embedded_type, embedded_struct) = if r.embedded.is_empty() {
        (quote!(::ucwa_runtime::NoEmbedded), quote!())
    } else {
        (
            quote!(#embedded_name),
            quote! {
                #embedded_docs
                #cfg
                #[derive(Clone, Debug, Default, PartialEq, ::ucwa_runtime::Embedded)]
                pub struct #embedded_name {
                    #(#embedded)*
                    #unknown_embedded_docs
                    #[ucwa(unknown)]
                    pub unknown: ::ucwa_runtime::Unknown,
                }
            },
        )
    };

    quote! {
        #docs
        #cfg
        #[derive(Clone, Debug, Default, PartialEq, ::ucwa_runtime::Resource)]
        #[ucwa(rel = #rel)]
        pub struct #name {
            #rels_field
            #(#properties)*
            #links_field_docs
            #[ucwa(links)]
            pub links: #links_type,
            #embedded_field_docs
            #[ucwa(embedded)]
            pub embedded: #embedded_type,
            #unknown_docs
            #[ucwa(unknown)]
            pub unknown: ::ucwa_runtime::Unknown,
        }

        #links_struct

        #embedded_struct

        #rels_enum
    }
}

/// A resource that shares `owner`'s type: an alias, documented with its own facts.
fn shared(r: &Resource, owner: &str, gate: &Gate) -> TokenStream {
    let name = naming::ident(&naming::type_name(&r.name));
    let owner_type = naming::type_name(owner);
    let owner_ident = naming::ident(&owner_type);
    let variant = naming::variant_name(&r.name);
    let rels_type = naming::rels_type_name(owner);
    let docs = doc([
        sentence(&r.description),
        format!(
            "Its rel is `{}`. {} It has the shape of {} `{owner}`, so it is the type [`{owner_type}`], whose `rel` is [`{rels_type}::{variant}`] for it.",
            r.name,
            reference(&r.name),
            article(owner)
        ),
        operations_doc(r),
        events_doc(r),
        scopes_doc(r),
    ]);
    let cfg = gate.cfg();
    quote! {
        #docs
        #cfg
        pub type #name = #owner_ident;
    }
}

/// A resource with nothing of its own: the runtime's `Bare` under a marker type for its rel.
fn bare(r: &Resource, gate: &Gate) -> TokenStream {
    let name = naming::ident(&naming::type_name(&r.name));
    let rel = &r.name;
    let marker_name = naming::rels_type_name(rel);
    let marker = naming::ident(&marker_name);
    let docs = doc([
        sentence(&r.description),
        format!(
            "Its rel is `{rel}`. {} It has no properties, links or embedded resources of its own, so it is the runtime's [`Bare`](::ucwa_runtime::Bare) resource for the rel [`{marker_name}`].",
            reference(rel)
        ),
        operations_doc(r),
        events_doc(r),
        scopes_doc(r),
    ]
    .iter());
    let marker_docs = doc([format!(
        "The rel `{rel}`, as a type: see [`{}`].",
        naming::type_name(rel)
    )]);
    let cfg = gate.cfg();
    quote! {
        #docs
        #cfg
        pub type #name = ::ucwa_runtime::Bare<#marker>;

        #marker_docs
        #cfg
        #[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
        pub struct #marker;

        #cfg
        impl ::ucwa_runtime::BareRel for #marker {
            const REL: &'static str = #rel;
        }
    }
}

/// For a resource whose type others share: the field saying which rel a value has, and the
/// enum of those rels (its own first, the default).
fn rels(r: &Resource, sharers: &[&str], gate: &Gate) -> (TokenStream, TokenStream) {
    if sharers.is_empty() {
        return (quote!(), quote!());
    }
    let type_name = naming::type_name(&r.name);
    let rels_name = naming::ident(&naming::rels_type_name(&r.name));
    let field_docs = doc([format!(
        "Which of the rels sharing this type the value has: `{}` unless it came as another.",
        r.name
    )]);
    let enum_docs = doc([format!(
        "The rels whose resources have the shape of [`{type_name}`], and so are that type."
    )]);
    let cfg = gate.cfg();
    let variants = std::iter::once(r.name.as_str())
        .chain(sharers.iter().copied())
        .enumerate()
        .map(|(i, rel)| {
            let variant = naming::ident(&naming::variant_name(rel));
            let docs = doc([format!("`{rel}`.")]);
            let default = (i == 0).then(|| quote!(#[default]));
            quote! {
                #docs
                #default
                #[ucwa(name = #rel)]
                #variant,
            }
        });
    (
        quote! {
            #field_docs
            #[ucwa(rels)]
            pub rel: #rels_name,
        },
        quote! {
            #enum_docs
            #cfg
            #[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, ::ucwa_runtime::Enumeration)]
            pub enum #rels_name {
                #(#variants)*
            }
        },
    )
}

fn property(p: &Property) -> TokenStream {
    let field = naming::ident(&naming::field_name(&p.name));
    let wire = &p.name;
    let ty = value_type(&p.ty);
    let limit = p
        .max_length
        .map(|n| format!("At most {n} characters."))
        .unwrap_or_default();
    let docs = doc([
        described(&p.description, || format!("The `{wire}` property.")),
        limit,
    ]);
    quote! {
        #docs
        #[ucwa(name = #wire)]
        pub #field: Option<#ty>,
    }
}

pub(super) fn value_type(ty: &ValueType) -> TokenStream {
    match ty {
        ValueType::String => quote!(String),
        ValueType::Boolean => quote!(bool),
        ValueType::Integer => quote!(i64),
        ValueType::Number => quote!(f64),
        ValueType::Date => quote!(::ucwa_runtime::Timestamp),
        ValueType::TimeSpan => quote!(::ucwa_runtime::TimeSpan),
        ValueType::Uri => quote!(::ucwa_runtime::Uri),
        ValueType::Enumeration(name) => {
            let name = naming::ident(&naming::type_name(name));
            quote!(super::enumerations::#name)
        }
        ValueType::Array(item) => {
            let item = value_type(item);
            quote!(Vec<#item>)
        }
    }
}

/// A field of a `_links` struct (a resource's, or a request body's) compiled under `container`.
pub(super) fn link(l: &Link, container: &Gate, gates: &Gates) -> TokenStream {
    let field = naming::ident(&naming::field_name(&l.rel));
    let rel = &l.rel;
    // Typed by its target, which the schema's validation has checked is one of its resources.
    let typed = || match &l.target {
        Some(target) => {
            let target = naming::ident(&naming::type_name(target));
            quote!(::ucwa_runtime::Link<#target>)
        }
        None => quote!(::ucwa_runtime::Link),
    };
    // A target of an area that may be off: typed when it is on, untyped otherwise.
    let target_gate = l
        .target
        .as_ref()
        .filter(|_| !matches!(l.kind, LinkKind::Data { .. }))
        .map(|t| gates.type_name(t))
        .filter(|g| !container.implies(g));
    let (item, what) = match &l.kind {
        LinkKind::Resource => (
            typed(),
            l.target
                .as_ref()
                .map(|t| {
                    format!(
                        "The `{rel}` link, to {} [`{}`] resource.",
                        article(t),
                        naming::type_name(t)
                    )
                })
                .unwrap_or_else(|| format!("The `{rel}` link.")),
        ),
        LinkKind::Operation => (
            typed(),
            l.target
                .as_ref()
                .map(|t| format!("The `{rel}` link, to invoke the `{t}` operation."))
                .unwrap_or_else(|| format!("The `{rel}` link, to invoke an operation.")),
        ),
        LinkKind::Data { media_type } => (
            quote!(::ucwa_runtime::DataUri),
            match media_type {
                Some(media_type) => format!(
                    "The `{rel}` link: a `data:` URI carrying `{media_type}` content; `decode()` returns it."
                ),
                None => format!("The `{rel}` link: a `data:` URI; `decode()` returns its content."),
            },
        ),
    };
    let holder = |item: TokenStream| {
        if l.many {
            quote!(Vec<#item>)
        } else {
            quote!(Option<#item>)
        }
    };
    let ty = holder(item);
    let docs = doc([sentence(&l.description), what]);
    match target_gate {
        None => quote! {
            #docs
            #[ucwa(rel = #rel)]
            pub #field: #ty,
        },
        Some(gate) => {
            let (on, off) = (gate.cfg(), gate.cfg_not());
            let untyped = holder(quote!(::ucwa_runtime::Link));
            let off_docs = doc([
                sentence(&l.description),
                format!("The `{rel}` link, untyped: the feature of its target's area is off."),
            ]);
            quote! {
                #docs
                #on
                #[ucwa(rel = #rel)]
                pub #field: #ty,
                #off_docs
                #off
                #[ucwa(rel = #rel)]
                pub #field: #untyped,
            }
        }
    }
}

/// A field of an `_embedded` struct compiled under `container`; a target of an area that may be
/// off has its field only when it is on (else what arrives is kept in `unknown`).
fn embedded(e: &Embedded, container: &Gate, gates: &Gates) -> TokenStream {
    let target_gate = gates.type_name(&e.target);
    let cfg = if container.implies(&target_gate) {
        quote!()
    } else {
        target_gate.cfg()
    };
    let field = naming::ident(&naming::field_name(&e.rel));
    let rel = &e.rel;
    let target = naming::ident(&naming::type_name(&e.target));
    // Boxed: a resource may embed its own type, and the struct stays small when absent.
    let ty = if e.many {
        quote!(Vec<#target>)
    } else {
        quote!(Option<Box<#target>>)
    };
    let docs = doc([described(&e.description, || {
        format!(
            "The `{rel}` resource embedded, a [`{}`].",
            naming::type_name(&e.target)
        )
    })]);
    quote! {
        #docs
        #cfg
        #[ucwa(rel = #rel)]
        pub #field: #ty,
    }
}

fn operations_doc(r: &Resource) -> String {
    if r.operations.is_empty() {
        return String::new();
    }
    let mut text = String::from("# Operations\n");
    for op in &r.operations {
        let answer = match &op.response.resource {
            Some(resource) => format!(
                "{} with {} `{resource}`",
                op.response.status,
                article(resource)
            ),
            None => op.response.status.to_string(),
        };
        text.push_str(&format!("\n- `{}` (answers {answer})", op.method));
        if !op.description.trim().is_empty() {
            text.push_str(&format!(": {}", sentence(&op.description)));
        }
    }
    text
}

fn events_doc(r: &Resource) -> String {
    if r.events.is_empty() {
        return String::new();
    }
    let mut text = String::from("# Events\n");
    for e in &r.events {
        let priority = match e.priority {
            Priority::High => "high",
            Priority::Medium => "medium",
            Priority::Low => "low",
        };
        let about = match &e.resource {
            Some(resource) => format!(" about {} `{resource}`", article(resource)),
            None => String::new(),
        };
        text.push_str(&format!(
            "\n- `{}`{about}, sent by `{}` with {priority} priority",
            e.event_type, e.sender
        ));
        if !e.description.trim().is_empty() {
            text.push_str(&format!(": {}", sentence(&e.description)));
        }
    }
    text
}

fn scopes_doc(r: &Resource) -> String {
    if r.scopes.is_empty() {
        return String::new();
    }
    let scopes: Vec<_> = r.scopes.iter().map(|s| format!("`{}`", s.name)).collect();
    let which = if scopes.len() == 1 {
        "the scope"
    } else {
        "one of the scopes"
    };
    format!(
        "Online (Azure AD), operations on it need {which} {}.",
        scopes.join(", ")
    )
}

/// `AnyResource`, every resource of the schema by rel, for payloads whose type is known only at
/// run time (what an event embeds), and the `EventBatch` of the event channel over it.
pub fn any_resource(resources: &[Resource], gates: &Gates) -> TokenStream {
    let cfgs: Vec<TokenStream> = resources
        .iter()
        .map(|r| gates.resource(&r.name).cfg())
        .collect();
    let variants = resources.iter().zip(&cfgs).map(|(r, cfg)| {
        let ty = naming::ident(&naming::type_name(&r.name));
        let docs = doc([format!(
            "{} `{}` resource.",
            capitalized(article(&r.name)),
            r.name
        )]);
        quote! {
            #docs
            #cfg
            #ty(Box<#ty>),
        }
    });
    let json_arms = resources.iter().zip(&cfgs).map(|(r, cfg)| {
        let ty = naming::ident(&naming::type_name(&r.name));
        let rel = &r.name;
        quote! {
            #cfg
            #rel => ::core::result::Result::Ok(Self::#ty(Box::new(::ucwa_runtime::__private::json_resource(json)?))),
        }
    });
    let xml_arms = resources.iter().zip(&cfgs).map(|(r, cfg)| {
        let ty = naming::ident(&naming::type_name(&r.name));
        let rel = &r.name;
        quote! {
            #cfg
            #rel => <#ty as ::ucwa_runtime::xml::XmlResource>::read_xml(reader, start)
                .map(|r| Self::#ty(Box::new(r))),
        }
    });
    let rel_arms = resources.iter().zip(&cfgs).map(|(r, cfg)| {
        let ty = naming::ident(&naming::type_name(&r.name));
        let rel = &r.name;
        quote!(#cfg Self::#ty(_) => #rel,)
    });
    let json_writes = resources.iter().zip(&cfgs).map(|(r, cfg)| {
        let ty = naming::ident(&naming::type_name(&r.name));
        quote!(#cfg Self::#ty(r) => ::ucwa_runtime::serde_json::to_value(r).unwrap_or_default(),)
    });
    let xml_writes = resources.iter().zip(&cfgs).map(|(r, cfg)| {
        let ty = naming::ident(&naming::type_name(&r.name));
        quote!(#cfg Self::#ty(r) => ::ucwa_runtime::xml::XmlResource::write_xml(r.as_ref(), writer, AnyResource::rel(self)),)
    });
    quote! {
        /// Any resource of the schema, by rel: what the event channel embeds.
        #[derive(Clone, Debug, PartialEq)]
        #[non_exhaustive]
        pub enum AnyResource {
            #(#variants)*
            /// A resource this schema does not describe, as its JSON value.
            Other {
                /// Its rel.
                rel: String,
                /// Its content.
                value: ::ucwa_runtime::serde_json::Value,
            },
        }

        impl AnyResource {
            /// The rel of the resource.
            pub fn rel(&self) -> &str {
                match self {
                    #(#rel_arms)*
                    Self::Other { rel, .. } => rel,
                }
            }
        }

        impl ::ucwa_runtime::events::ResourceSet for AnyResource {
            fn from_json(rel: &str, json: &[u8]) -> ::core::result::Result<Self, String> {
                match rel {
                    #(#json_arms)*
                    _ => ::core::result::Result::Ok(Self::Other { rel: rel.to_owned(), value: ::ucwa_runtime::__private::json_resource(json)? }),
                }
            }

            fn read_xml(
                reader: &mut ::ucwa_runtime::xml::XmlReader<'_>,
                start: ::ucwa_runtime::xml::ResourceStart,
            ) -> ::core::result::Result<Self, ::ucwa_runtime::DecodeError> {
                match start.rel.as_str() {
                    #(#xml_arms)*
                    _ => {
                        let rel = start.rel.clone();
                        ::ucwa_runtime::xml::__generic::read_resource(reader, start)
                            .map(|value| Self::Other { rel, value })
                    }
                }
            }

            fn rel(&self) -> &str {
                AnyResource::rel(self)
            }

            fn to_json(&self) -> ::ucwa_runtime::serde_json::Value {
                match self {
                    #(#json_writes)*
                    Self::Other { value, .. } => value.clone(),
                }
            }

            fn write_xml(&self, writer: &mut ::ucwa_runtime::xml::XmlWriter) {
                match self {
                    #(#xml_writes)*
                    Self::Other { rel, value } => ::ucwa_runtime::xml::__generic::write_resource(writer, rel, value),
                }
            }
        }

        /// One answer of the event channel, its embedded resources typed by [`AnyResource`].
        pub type EventBatch = ::ucwa_runtime::events::EventBatch<AnyResource>;
    }
}

fn capitalized(word: &str) -> String {
    let mut chars = word.chars();
    chars
        .next()
        .map(|c| c.to_ascii_uppercase().to_string() + chars.as_str())
        .unwrap_or_default()
}
