//! Operations: for each, a struct implementing the runtime's `operation::Operation` (whose
//! default `response` reads the answer) with an inherent `request(..)`, a query struct when it
//! takes query parameters, and an error enum from its table of synchronous errors, carrying
//! `#[derive(OperationError)]`.

use std::collections::BTreeMap;

use heck::ToUpperCamelCase;
use proc_macro2::TokenStream;
use quote::quote;

use super::docs::{described, doc, sentence};
use super::gate::{Gate, Gates};
use crate::model::*;
use crate::naming;

/// The Rust name of an operation, e.g. `EscalateAudioVideoPost`.
fn base_name(resource: &Resource, op: &Operation) -> String {
    format!(
        "{}{}",
        naming::type_name(&resource.name),
        op.method.to_lowercase().to_upper_camel_case()
    )
}

/// Which operations share one error enum: the reference gives many operations the very same
/// table, and one enum per distinct table keeps the generated code (and its build) from
/// repeating it. The first operation with a table (in emission order) owns the enum; the
/// others name it through a type alias.
pub struct ErrorTables {
    /// For each operation's base name: the operations sharing its table, owner first.
    sharing: BTreeMap<String, Vec<String>>,
    /// The resource of each operation, by base name.
    resource_of: BTreeMap<String, String>,
}

impl ErrorTables {
    pub fn new(resources: &[Resource]) -> Self {
        let mut by_table: Vec<(&[SyncError], Vec<String>)> = Vec::new();
        let mut resource_of = BTreeMap::new();
        for resource in resources {
            for op in &resource.operations {
                let base = base_name(resource, op);
                resource_of.insert(base.clone(), resource.name.clone());
                match by_table
                    .iter_mut()
                    .find(|(table, _)| *table == op.errors.as_slice())
                {
                    Some((_, ops)) => ops.push(base),
                    None => by_table.push((&op.errors, vec![base])),
                }
            }
        }
        let sharing = by_table
            .into_iter()
            .flat_map(|(_, ops)| ops.clone().into_iter().map(move |op| (op, ops.clone())))
            .collect();
        ErrorTables {
            sharing,
            resource_of,
        }
    }

    /// Where the error enum owned by the first of `sharers` exists: wherever one of them is.
    fn gate(&self, sharers: &[String], gates: &Gates) -> Gate {
        gates.any_resource(
            sharers
                .iter()
                .filter_map(|op| self.resource_of.get(op))
                .map(String::as_str),
        )
    }

    fn sharers(&self, base: &str) -> &[String] {
        self.sharing.get(base).map_or(&[], Vec::as_slice)
    }
}

pub fn emit(
    resource: &Resource,
    op: &Operation,
    tables: &ErrorTables,
    gates: &Gates,
) -> TokenStream {
    let base = base_name(resource, op);
    let name = naming::ident(&base);
    let error_name = naming::ident(&format!("{base}Error"));
    let query_name = naming::ident(&format!("{base}Query"));
    let rel = &resource.name;
    let method = naming::ident(&op.method);
    // On with its resource, and with the resources its answer and body are typed by.
    let mut gate = gates.resource(rel);
    for typed in [&op.response.resource, &body_resource(op)]
        .into_iter()
        .flatten()
    {
        gate = gate.and(&gates.type_name(typed));
    }
    let cfg = gate.cfg();

    // The answer.
    let media = &op.response.media_types;
    let (output, output_doc) = match &op.response.resource {
        // Raw content (a photo): its media type and bytes.
        None if !media.is_empty() => (
            quote!(::ucwa_runtime::operation::MediaBody),
            format!(
                "A success ({}) is raw content in {}, not a resource: a [`MediaBody`](::ucwa_runtime::operation::MediaBody) with its media type and bytes; a success in any other media type is [`NotUcwa`](::ucwa_runtime::operation::NotUcwa).",
                op.response.status,
                media
                    .iter()
                    .map(|m| format!("`{m}`"))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        ),
        // Created, and where: its state comes on the event channel.
        Some(target) if op.response.location => {
            let ty = naming::ident(&naming::type_name(target));
            (
                quote!(::ucwa_runtime::Link<super::resources::#ty>),
                format!(
                    "A success ({}) has no body: it gives the link to the `{target}` it created (its `Location`), whose progress arrives on the event channel.",
                    op.response.status
                ),
            )
        }
        Some(target) => {
            let ty = naming::ident(&naming::type_name(target));
            (
                quote!(super::resources::#ty),
                format!(
                    "A success ({}) gives the `{target}` resource.",
                    op.response.status
                ),
            )
        }
        None => (
            quote!(()),
            format!("A success ({}) has no body.", op.response.status),
        ),
    };

    // Query parameters.
    let query_struct = (!op.query.is_empty()).then(|| query_struct(&query_name, op, &cfg));
    let query_param = (!op.query.is_empty()).then(|| quote!(query: &#query_name,));
    let checks = op.query.iter().map(|q| {
        let field = naming::ident(&naming::field_name(&q.name));
        let wire = &q.name;
        let required = q.required;
        let max = match q.max_length {
            Some(n) => {
                let n = proc_macro2::Literal::u64_unsuffixed(n);
                quote!(Some(#n))
            }
            None => quote!(None),
        };
        let numeric = (!q.range.is_empty()).then(|| {
            let (min, max) = (bound(q.range.minimum), bound(q.range.maximum));
            quote!(::ucwa_runtime::operation::check_numeric_parameter(#wire, value, #min, #max)?;)
        });
        if q.required {
            quote! {
                let value = &query.#field;
                ::ucwa_runtime::operation::check_parameter(#wire, value, #required, #max)?;
                #numeric
                pairs.push((#wire, value.as_str()));
            }
        } else {
            quote! {
                if let Some(value) = &query.#field {
                    ::ucwa_runtime::operation::check_parameter(#wire, value, #required, #max)?;
                    #numeric
                    pairs.push((#wire, value.as_str()));
                }
            }
        }
    });
    // The limits of body fields, checked before anything is encoded.
    let field_checks: Vec<TokenStream> = match &op.request {
        Some(RequestBody::Fields { fields, .. }) => fields
            .iter()
            .filter_map(|f| {
                let field = naming::ident(&naming::field_name(&f.name));
                let wire = &f.name;
                if let Some(n) = f.max_length {
                    let n = proc_macro2::Literal::u64_unsuffixed(n);
                    return Some(quote! {
                        if let Some(value) = &body.#field {
                            ::ucwa_runtime::operation::check_field_length(#wire, value.as_ref(), #n)?;
                        }
                    });
                }
                (!f.range.is_empty() && f.ty == ValueType::Integer).then(|| {
                    let (min, max) = (bound(f.range.minimum), bound(f.range.maximum));
                    quote! {
                        if let Some(value) = body.#field {
                            ::ucwa_runtime::operation::check_range(#wire, value, #min, #max)?;
                        }
                    }
                })
            })
            .collect(),
        // A body in one of several media types: the one given must be among them.
        Some(RequestBody::Bytes { media_types, .. }) if media_types.len() > 1 => vec![quote! {
            ::ucwa_runtime::operation::check_body_media_type(&body, &[#(#media_types),*])?;
        }],
        _ => Vec::new(),
    };
    let pairs_decl = if op.query.is_empty() {
        quote!(let pairs: Vec<(&str, &str)> = Vec::new();)
    } else {
        quote!(let mut pairs: Vec<(&str, &str)> = Vec::new();)
    };

    // The body.
    let (body_param, body_expr, body_doc, body_struct) = match &op.request {
        None => (quote!(), quote!(None), String::new(), quote!()),
        Some(RequestBody::Bytes {
            media_types,
            description,
        }) if media_types.len() > 1 => {
            // Several media types (plain text or HTML): the caller says which, and the request
            // checks it is one of them.
            let listed = media_types
                .iter()
                .map(|t| format!("`{t}`"))
                .collect::<Vec<_>>()
                .join(", ");
            (
                quote!(body: ::ucwa_runtime::operation::Body,),
                quote!(Some(body)),
                format!(
                    "`body` carries its media type, one of {listed}.{}",
                    match sentence(description) {
                        d if d.is_empty() => d,
                        d => format!(" {d}"),
                    }
                ),
                quote!(),
            )
        }
        Some(RequestBody::Bytes {
            media_types,
            description,
        }) => {
            let media_type = &media_types[0];
            let more = if media_types.len() > 1 {
                format!(" The server also accepts {}.", media_types[1..].join(", "))
            } else {
                String::new()
            };
            (
                quote!(body: Vec<u8>,),
                quote! {
                    Some(::ucwa_runtime::operation::Body {
                        media_type: #media_type.to_owned(),
                        bytes: body,
                    })
                },
                format!(
                    "`body` is sent as `{media_type}`.{}{more}",
                    match sentence(description) {
                        d if d.is_empty() => d,
                        d => format!(" {d}"),
                    }
                ),
                quote!(),
            )
        }
        Some(RequestBody::Resource { resource }) => {
            let ty = naming::ident(&naming::type_name(resource));
            (
                quote!(body: &super::resources::#ty,),
                quote! {
                    Some(::ucwa_runtime::operation::Body {
                        media_type: format.media_type().to_owned(),
                        bytes: ::ucwa_runtime::codec::encode(format, body)?,
                    })
                },
                format!("`body`, the `{resource}` resource, is sent in `format`."),
                quote!(),
            )
        }
        Some(RequestBody::Fields { fields, links }) => {
            let body_name = naming::ident(&format!("{base}Body"));
            let links_name = naming::ident(&format!("{base}BodyLinks"));
            let props = fields.iter().map(|f| {
                let field = naming::ident(&naming::field_name(&f.name));
                let wire = &f.name;
                let ty = super::resource::value_type(&f.ty);
                let required = if f.required { "Required." } else { "" };
                let limit = f
                    .max_length
                    .map(|n| format!(" At most {n} characters."))
                    .unwrap_or_default();
                let range = range_doc(&f.range);
                let docs = doc([
                    described(&f.description, || format!("The `{wire}` field.")),
                    format!("{required}{limit} {range}")
                        .trim()
                        .replace("  ", " "),
                ]);
                quote! {
                    #docs
                    #[ucwa(name = #wire)]
                    pub #field: Option<#ty>,
                }
            });
            let docs = doc([format!("The body of [`{base}`].")]);
            let unknown_docs = doc(["Other members to send."]);
            // Content the body carries in `data:` URIs goes under `_links` (`<link>` in XML).
            let (links_field, links_struct) = if links.is_empty() {
                (quote!(), quote!())
            } else {
                let fields = links.iter().map(|l| super::resource::link(l, &gate, gates));
                let field_docs = doc(["Content sent as `data:` URIs (`_links`)."]);
                let struct_docs = doc([format!("The links of [`{base}Body`].")]);
                let unknown_links_docs = doc(["Other links to send."]);
                (
                    quote! {
                        #field_docs
                        #[ucwa(links)]
                        pub links: #links_name,
                    },
                    quote! {
                        #struct_docs
                        #cfg
                        #[derive(Clone, Debug, Default, PartialEq, ::ucwa_runtime::Links)]
                        pub struct #links_name {
                            #(#fields)*
                            #unknown_links_docs
                            #[ucwa(unknown)]
                            pub unknown: ::ucwa_runtime::Unknown,
                        }
                    },
                )
            };
            (
                quote!(body: &#body_name,),
                quote! {
                    Some(::ucwa_runtime::operation::Body {
                        media_type: format.media_type().to_owned(),
                        bytes: ::ucwa_runtime::codec::encode(format, body)?,
                    })
                },
                "`body` is sent in `format`.".to_owned(),
                quote! {
                    #docs
                    #cfg
                    #[derive(Clone, Debug, Default, PartialEq, ::ucwa_runtime::Resource)]
                    #[ucwa(rel = #rel, input)]
                    pub struct #body_name {
                        #(#props)*
                        #links_field
                        #unknown_docs
                        #[ucwa(unknown)]
                        pub unknown: ::ucwa_runtime::Unknown,
                    }

                    #links_struct
                },
            )
        }
    };

    let op_docs = doc([
        format!("`{}` on {} `{rel}` link.", op.method, super::article(rel)),
        sentence(&op.description),
        format!(
            "{output_doc} Build the request with [`{base}::request`]; read the answer with [`Operation::response`](::ucwa_runtime::operation::Operation::response), which gives an error status as [`{base}Error`] and an answer not from UCWA as [`NotUcwa`](::ucwa_runtime::operation::NotUcwa)."
        ),
    ]);
    // An answer of raw content asks for its media types whatever the representation; `format`
    // is then taken only for a body sent in it.
    let body_in_format = matches!(
        op.request,
        Some(RequestBody::Fields { .. } | RequestBody::Resource { .. })
    );
    let takes_format = media.is_empty() || body_in_format;
    let request_docs = doc([
        if media.is_empty() {
            format!(
                "Builds the request on `target` (the `{rel}` link), resolved against `origin`; `format` is the representation asked for (`Accept`)."
            )
        } else {
            format!(
                "Builds the request on `target` (the `{rel}` link), resolved against `origin`; its `Accept` is `{}`{}.",
                media.join(", "),
                if body_in_format {
                    " and `format` the representation of the body"
                } else {
                    ""
                }
            )
        },
        if op.query.is_empty() {
            String::new()
        } else {
            "The query parameters are checked (required, length) before anything is built."
                .to_owned()
        },
        body_doc,
        if op.if_match {
            "`if_match` is the entity tag of the resource as last read (its `ETag`, or its `etag` property): the server refuses the request without it, and with a stale one (`PreconditionFailed`: read the resource again)."
                .to_owned()
        } else {
            String::new()
        },
    ]);
    let errors = match tables.sharers(&base) {
        [owner, ..] if *owner != base => {
            let owner_error = naming::ident(&format!("{owner}Error"));
            let docs = doc([format!(
                "The errors of [`{base}`]: its table is that of [`{owner}`], so its type is [`{owner}Error`]."
            )]);
            let cfg = gates.resource(rel).cfg();
            quote! {
                #docs
                #cfg
                pub type #error_name = #owner_error;
            }
        }
        sharers => error_enum(&error_name, sharers, op, &tables.gate(sharers, gates)),
    };

    let resource_type = naming::ident(&naming::type_name(rel));
    let accept = if media.is_empty() {
        quote!(format)
    } else {
        quote!(::ucwa_runtime::operation::Accept::MediaTypes(
            <Self as ::ucwa_runtime::operation::Operation>::MEDIA_TYPES
        ))
    };
    let format_param = takes_format.then(|| quote!(format: ::ucwa_runtime::Format,));
    let media_types = (!media.is_empty())
        .then(|| quote!(const MEDIA_TYPES: &'static [&'static str] = &[#(#media),*];));
    let build = quote! {
        ::ucwa_runtime::operation::build_request(::ucwa_runtime::http::Method::#method, url, &pairs, #accept, #body_expr)
    };
    // The request is typed by the operation, which reads its answer wherever it is sent.
    let (if_match_param, build) = if op.if_match {
        (
            quote!(if_match: &::ucwa_runtime::operation::ETag,),
            quote! {
                let mut request = #build?;
                if_match.set_if_match(&mut request);
                Ok(::ucwa_runtime::operation::Request::from_http(request))
            },
        )
    } else {
        (
            quote!(),
            quote!(#build.map(::ucwa_runtime::operation::Request::from_http)),
        )
    };
    quote! {
        #op_docs
        #cfg
        #[derive(Clone, Copy, Debug)]
        pub struct #name;

        #cfg
        impl #name {
            #request_docs
            pub fn request(
                origin: &::ucwa_runtime::Origin,
                target: &::ucwa_runtime::Link<super::resources::#resource_type>,
                #query_param
                #body_param
                #if_match_param
                #format_param
            ) -> Result<::ucwa_runtime::operation::Request<Self>, ::ucwa_runtime::RequestError> {
                #pairs_decl
                #(#checks)*
                #(#field_checks)*
                let url = origin.resolve(&target.href)?;
                #build
            }
        }

        #cfg
        impl ::ucwa_runtime::operation::Operation for #name {
            const METHOD: ::ucwa_runtime::http::Method = ::ucwa_runtime::http::Method::#method;
            const REL: &'static str = #rel;
            type Output = #output;
            type Error = #error_name;
            #media_types
        }

        #query_struct
        #body_struct
        #errors
    }
}

fn query_struct(name: &proc_macro2::Ident, op: &Operation, cfg: &TokenStream) -> TokenStream {
    let fields = op.query.iter().map(|q| {
        let field = naming::ident(&naming::field_name(&q.name));
        let ty = if q.required {
            quote!(String)
        } else {
            quote!(Option<String>)
        };
        let limit = q
            .max_length
            .map(|n| format!("At most {n} characters."))
            .unwrap_or_default();
        let range = if q.range.is_empty() {
            String::new()
        } else {
            format!("A whole number. {}", range_doc(&q.range))
        };
        let required = if q.required { "Required." } else { "Optional." };
        let docs = doc([
            described(&q.description, || format!("The `{}` parameter.", q.name)),
            [required, limit.as_str(), range.as_str()]
                .iter()
                .filter(|s| !s.is_empty())
                .copied()
                .collect::<Vec<_>>()
                .join(" "),
        ]);
        quote! {
            #docs
            pub #field: #ty,
        }
    });
    let docs = doc(["The query parameters of the operation."]);
    quote! {
        #docs
        #cfg
        #[derive(Clone, Debug, Default, PartialEq, Eq)]
        pub struct #name {
            #(#fields)*
        }
    }
}

/// The enum of one table, for the operations in `sharers` (the owner first).
fn error_enum(
    name: &proc_macro2::Ident,
    sharers: &[String],
    op: &Operation,
    gate: &Gate,
) -> TokenStream {
    let cfg = gate.cfg();
    // A variant per row, named by its subcode, or by its error for the row without one; a
    // name used twice (or taken by `Common`) is qualified by the error.
    let simple = |e: &SyncError| e.subcode.clone().unwrap_or_else(|| e.error.clone());
    let variants = op.errors.iter().map(|e| {
        let name = simple(e);
        let taken = op.errors.iter().filter(|o| simple(o) == name).count() > 1 || name == "Common";
        let name = if taken {
            format!(
                "{}{}",
                e.error,
                e.subcode.as_deref().unwrap_or("WithoutSubcode")
            )
        } else {
            name
        };
        let variant = naming::ident(&naming::variant_name(&name));
        let docs = doc([
            format!(
                "{} `{}`{}.",
                e.code,
                e.error,
                e.subcode
                    .as_ref()
                    .map(|s| format!(" with subcode `{s}`"))
                    .unwrap_or_else(|| " without a subcode".to_owned()),
            ),
            sentence(&e.description),
        ]);
        let code = proc_macro2::Literal::u16_unsuffixed(e.code);
        let row = match &e.subcode {
            Some(subcode) => quote!(#[ucwa(status = #code, subcode = #subcode)]),
            None => quote!(#[ucwa(status = #code)]),
        };
        quote! {
            #docs
            #row
            #variant(Box<::ucwa_runtime::ErrorBody>),
        }
    });
    let links: Vec<String> = sharers.iter().map(|op| format!("[`{op}`]")).collect();
    let operations = match links.split_last() {
        Some((last, rest)) if !rest.is_empty() => format!("{} and {last}", rest.join(", ")),
        _ => links.concat(),
    };
    let docs = doc([format!(
        "The errors of {operations}: those {} lists, and in `Common` those of every operation and any other, kept whole.",
        if sharers.len() > 1 {
            "their table"
        } else {
            "its table"
        }
    )]);
    quote! {
        #docs
        #cfg
        #[derive(Clone, Debug, PartialEq, ::ucwa_runtime::OperationError)]
        #[non_exhaustive]
        pub enum #name {
            #(#variants)*
            /// One of the errors every operation can answer with, or one the table does not list.
            #[ucwa(common)]
            Common(::ucwa_runtime::operation::UcwaError),
        }
    }
}

/// The resource a request body is, when it is a whole resource.
fn body_resource(op: &Operation) -> Option<String> {
    match &op.request {
        Some(RequestBody::Resource { resource }) => Some(resource.clone()),
        _ => None,
    }
}

/// `Some(n)` or `None`, as tokens.
fn bound(limit: Option<u64>) -> TokenStream {
    match limit {
        Some(n) => {
            let n = proc_macro2::Literal::u64_unsuffixed(n);
            quote!(Some(#n))
        }
        None => quote!(None),
    }
}

/// "From 10 to 30.", "At least 5.", or nothing.
fn range_doc(range: &Range) -> String {
    match (range.minimum, range.maximum) {
        (Some(min), Some(max)) => format!("From {min} to {max}."),
        (Some(min), None) => format!("At least {min}."),
        (None, Some(max)) => format!("At most {max}."),
        (None, None) => String::new(),
    }
}
