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
/// repeating it. A table of one operation is its `…Error` enum; a shared table is an enum named
/// for the table itself ([`shared_table_name`]), emitted with the first operation that has it
/// (in emission order), and every operation sharing it names it through its own `…Error` alias.
pub struct ErrorTables {
    /// For each operation's base name: the operations sharing its table, in emission order.
    sharing: BTreeMap<String, Vec<String>>,
    /// For each operation whose table is shared: the name of the table's enum.
    shared_names: BTreeMap<String, String>,
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
        // Distinct tables whose names would collide (a hash collision) are told apart by a salt,
        // given in emission order.
        let mut taken = std::collections::BTreeSet::new();
        let mut shared_names = BTreeMap::new();
        for (table, ops) in by_table.iter().filter(|(_, ops)| ops.len() > 1) {
            let name = (0..)
                .map(|salt| shared_table_name(table, salt))
                .find(|name| taken.insert(name.clone()))
                .expect("some salt gives a free name");
            for op in ops {
                shared_names.insert(op.clone(), name.clone());
            }
        }
        let sharing = by_table
            .into_iter()
            .flat_map(|(_, ops)| ops.clone().into_iter().map(move |op| (op, ops.clone())))
            .collect();
        ErrorTables {
            sharing,
            shared_names,
            resource_of,
        }
    }

    /// Where the error enum of a table shared by `sharers` exists: wherever one of them is.
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

    /// The enum of `base`'s table, when other operations have the same table.
    fn shared_name(&self, base: &str) -> Option<&str> {
        self.shared_names.get(base).map(String::as_str)
    }
}

/// The name of the enum of a table several operations share: `ErrorTable` and eight hex
/// digits of a hash of its rows (status, error, subcode, description), so that it names the
/// table, not whichever operation happens to come first, and stays the same when operations
/// are added or removed. `salt` (0 but for a collision) gives another name for the same rows.
fn shared_table_name(rows: &[SyncError], salt: u32) -> String {
    // FNV-1a, 64 bits: stable across Rust releases and platforms, unlike std's hasher.
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    let mut write = |bytes: &[u8]| {
        for byte in bytes {
            hash ^= u64::from(*byte);
            hash = hash.wrapping_mul(0x0000_0100_0000_01b3);
        }
    };
    if salt > 0 {
        write(&salt.to_le_bytes());
    }
    for row in rows {
        write(&row.code.to_le_bytes());
        // Each text preceded by its length, so that no two tables give the same bytes.
        for text in [
            row.error.as_str(),
            row.subcode.as_deref().unwrap_or(""),
            row.description.as_str(),
        ] {
            write(&(text.len() as u64).to_le_bytes());
            write(text.as_bytes());
        }
        write(&[u8::from(row.subcode.is_some())]);
    }
    format!("ErrorTable{:08X}", (hash ^ (hash >> 32)) as u32)
}

/// What is generated for one operation, named once for all the steps.
struct Names<'a> {
    /// The operation's Rust name, e.g. `EscalateAudioVideoPost`.
    base: String,
    /// The rel of the resource it is invoked on.
    rel: &'a str,
    /// Where everything generated for it exists.
    gate: Gate,
    /// `gate` as an attribute.
    cfg: TokenStream,
}

/// The items of one operation: the operation itself ([`operation_struct`]), its request builder
/// ([`request_fn`]), its `Operation` impl ([`operation_impl`]), its query struct
/// ([`query_struct`]), its body struct ([`request_body`]) and its errors ([`errors`]).
pub fn emit(
    resource: &Resource,
    op: &Operation,
    tables: &ErrorTables,
    gates: &Gates,
) -> TokenStream {
    let rel = resource.name.as_str();
    // On with its resource, and with the resources its answer and body are typed by.
    let mut gate = gates.resource(rel);
    for typed in [&op.response.resource, &body_resource(op)]
        .into_iter()
        .flatten()
    {
        gate = gate.and(&gates.type_name(typed));
    }
    let names = Names {
        base: base_name(resource, op),
        rel,
        cfg: gate.cfg(),
        gate,
    };
    let (output, output_doc) = output(op);
    let body = request_body(op, &names, gates);
    let operation = operation_struct(op, &names, &output_doc);
    let request = request_fn(op, &names, &body);
    let operation_impl = operation_impl(op, &names, &output);
    let query_struct = (!op.query.is_empty()).then(|| {
        let query_name = naming::ident(&format!("{}Query", names.base));
        query_struct(&query_name, op, &names.cfg)
    });
    let body_struct = body.item;
    let errors = errors(op, &names, tables, gates);
    quote! {
        #operation
        #request
        #operation_impl

        #query_struct
        #body_struct
        #errors
    }
}

/// The type of a success, and the sentence of the operation's docs that says what it is.
fn output(op: &Operation) -> (TokenStream, String) {
    let media = &op.response.media_types;
    match &op.response.resource {
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
    }
}

/// The unit struct naming the operation, with its docs.
fn operation_struct(op: &Operation, names: &Names<'_>, output_doc: &str) -> TokenStream {
    let (base, rel, cfg) = (&names.base, names.rel, &names.cfg);
    let name = naming::ident(base);
    let op_docs = doc([
        format!("`{}` on {} `{rel}` link.", op.method, super::article(rel)),
        sentence(&op.description),
        format!(
            "{output_doc} Build the request with [`{base}::request`]; read the answer with [`Operation::response`](::ucwa_runtime::operation::Operation::response), which gives an error status as [`{base}Error`] and an answer not from UCWA as [`NotUcwa`](::ucwa_runtime::operation::NotUcwa)."
        ),
    ]);
    quote! {
        #op_docs
        #cfg
        #[derive(Clone, Copy, Debug)]
        pub struct #name;
    }
}

/// The checks of the query parameters, each pushing its pair when it is given.
fn query_checks(op: &Operation) -> Vec<TokenStream> {
    op.query
        .iter()
        .map(|q| {
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
        })
        .collect()
}

/// The limits of body fields, checked before anything is encoded.
fn body_checks(op: &Operation) -> Vec<TokenStream> {
    match &op.request {
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
    }
}

/// What a request body adds to the operation: the parameter of `request`, the expression
/// giving the runtime's `Body`, the sentence of `request`'s docs about it, and the item it
/// needs (the struct of a body made of fields).
struct BodyParts {
    param: TokenStream,
    expr: TokenStream,
    doc: String,
    item: TokenStream,
}

/// The body of the request, by kind: none, bytes in one media type or one of several, a whole
/// resource, or fields.
fn request_body(op: &Operation, names: &Names<'_>, gates: &Gates) -> BodyParts {
    match &op.request {
        None => BodyParts {
            param: quote!(),
            expr: quote!(None),
            doc: String::new(),
            item: quote!(),
        },
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
            BodyParts {
                param: quote!(body: ::ucwa_runtime::operation::Body,),
                expr: quote!(Some(body)),
                doc: format!(
                    "`body` carries its media type, one of {listed}.{}",
                    match sentence(description) {
                        d if d.is_empty() => d,
                        d => format!(" {d}"),
                    }
                ),
                item: quote!(),
            }
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
            BodyParts {
                param: quote!(body: Vec<u8>,),
                expr: quote! {
                    Some(::ucwa_runtime::operation::Body {
                        media_type: #media_type.to_owned(),
                        bytes: body,
                    })
                },
                doc: format!(
                    "`body` is sent as `{media_type}`.{}{more}",
                    match sentence(description) {
                        d if d.is_empty() => d,
                        d => format!(" {d}"),
                    }
                ),
                item: quote!(),
            }
        }
        Some(RequestBody::Resource { resource }) => {
            let ty = naming::ident(&naming::type_name(resource));
            BodyParts {
                param: quote!(body: &super::resources::#ty,),
                expr: encoded_body(),
                doc: format!("`body`, the `{resource}` resource, is sent in `format`."),
                item: quote!(),
            }
        }
        Some(RequestBody::Fields { fields, links }) => {
            let body_name = naming::ident(&format!("{}Body", names.base));
            BodyParts {
                param: quote!(body: &#body_name,),
                expr: encoded_body(),
                doc: "`body` is sent in `format`.".to_owned(),
                item: fields_body_struct(fields, links, names, gates),
            }
        }
    }
}

/// A body encoded in `format`.
fn encoded_body() -> TokenStream {
    quote! {
        Some(::ucwa_runtime::operation::Body {
            media_type: format.media_type().to_owned(),
            bytes: ::ucwa_runtime::codec::encode(format, body)?,
        })
    }
}

/// The `…Body` struct of a body made of fields, and its `…BodyLinks` when it carries content
/// in `data:` URIs.
fn fields_body_struct(
    fields: &[Property],
    links: &[Link],
    names: &Names<'_>,
    gates: &Gates,
) -> TokenStream {
    let (base, rel, cfg) = (&names.base, names.rel, &names.cfg);
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
        let fields = links
            .iter()
            .map(|l| super::resource::link(l, &names.gate, gates));
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
    }
}

/// The docs of `request`: what it is sent on, what it asks for, its query, body and `If-Match`.
fn request_docs(op: &Operation, rel: &str, body_doc: &str) -> TokenStream {
    let media = &op.response.media_types;
    doc([
        if media.is_empty() {
            format!(
                "Builds the request on `target` (the `{rel}` link), resolved against `origin`; `format` is the representation asked for (`Accept`)."
            )
        } else {
            format!(
                "Builds the request on `target` (the `{rel}` link), resolved against `origin`; its `Accept` is `{}`{}.",
                media.join(", "),
                if body_in_format(op) {
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
        body_doc.to_owned(),
        if op.if_match {
            "`if_match` is the entity tag of the resource as last read (its `ETag`, or its `etag` property): the server refuses the request without it, and with a stale one (`PreconditionFailed`: read the resource again)."
                .to_owned()
        } else {
            String::new()
        },
    ])
}

/// Whether the body is sent in the representation asked for (`format`).
fn body_in_format(op: &Operation) -> bool {
    matches!(
        op.request,
        Some(RequestBody::Fields { .. } | RequestBody::Resource { .. })
    )
}

/// `impl Xxx { pub fn request(..) }`: the checks, the target resolved against the origin, and
/// the request built and typed by the operation.
fn request_fn(op: &Operation, names: &Names<'_>, body: &BodyParts) -> TokenStream {
    let (base, rel, cfg) = (&names.base, names.rel, &names.cfg);
    let name = naming::ident(base);
    let method = naming::ident(&op.method);
    let media = &op.response.media_types;
    let request_docs = request_docs(op, rel, &body.doc);
    let query_name = naming::ident(&format!("{base}Query"));
    let query_param = (!op.query.is_empty()).then(|| quote!(query: &#query_name,));
    let checks = query_checks(op);
    let field_checks = body_checks(op);
    let pairs_decl = if op.query.is_empty() {
        quote!(let pairs: Vec<(&str, &str)> = Vec::new();)
    } else {
        quote!(let mut pairs: Vec<(&str, &str)> = Vec::new();)
    };
    let (body_param, body_expr) = (&body.param, &body.expr);
    // An answer of raw content asks for its media types whatever the representation; `format`
    // is then taken only for a body sent in it.
    let takes_format = media.is_empty() || body_in_format(op);
    let resource_type = naming::ident(&naming::type_name(rel));
    let accept = if media.is_empty() {
        quote!(format)
    } else {
        quote!(::ucwa_runtime::operation::Accept::MediaTypes(
            <Self as ::ucwa_runtime::operation::Operation>::MEDIA_TYPES
        ))
    };
    let format_param = takes_format.then(|| quote!(format: ::ucwa_runtime::Format,));
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
    }
}

/// `impl Operation for Xxx`: method, rel, output, errors, and the media types of raw content.
fn operation_impl(op: &Operation, names: &Names<'_>, output: &TokenStream) -> TokenStream {
    let (base, rel, cfg) = (&names.base, names.rel, &names.cfg);
    let name = naming::ident(base);
    let error_name = naming::ident(&format!("{base}Error"));
    let method = naming::ident(&op.method);
    let media = &op.response.media_types;
    let media_types = (!media.is_empty())
        .then(|| quote!(const MEDIA_TYPES: &'static [&'static str] = &[#(#media),*];));
    quote! {
        #cfg
        impl ::ucwa_runtime::operation::Operation for #name {
            const METHOD: ::ucwa_runtime::http::Method = ::ucwa_runtime::http::Method::#method;
            const REL: &'static str = #rel;
            type Output = #output;
            type Error = #error_name;
            #media_types
        }
    }
}

/// The operation's `…Error`: the enum of its table, or, for a table other operations share,
/// an alias of the table's enum (emitted with the first of them).
fn errors(op: &Operation, names: &Names<'_>, tables: &ErrorTables, gates: &Gates) -> TokenStream {
    let (base, rel) = (&names.base, names.rel);
    let error_name = naming::ident(&format!("{base}Error"));
    match tables.shared_name(base) {
        Some(shared) => {
            let sharers = tables.sharers(base);
            let shared_name = naming::ident(shared);
            let others = sharers.len() - 1;
            let docs = doc([format!(
                "The errors of [`{base}`]: [`{shared}`], the table it shares with {others} other operation{}.",
                if others == 1 { "" } else { "s" }
            )]);
            let cfg = gates.resource(rel).cfg();
            // The enum itself comes with the first operation that has the table.
            let shared_enum = (sharers.first() == Some(base))
                .then(|| error_enum(&shared_name, sharers, op, &tables.gate(sharers, gates)));
            quote! {
                #shared_enum
                #docs
                #cfg
                pub type #error_name = #shared_name;
            }
        }
        None => error_enum(
            &error_name,
            std::slice::from_ref(base),
            op,
            &gates.resource(rel),
        ),
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

#[cfg(test)]
mod tests {
    use super::*;

    fn row(code: u16, error: &str, subcode: Option<&str>) -> SyncError {
        SyncError {
            error: error.to_owned(),
            code,
            subcode: subcode.map(str::to_owned),
            description: String::new(),
        }
    }

    #[test]
    fn a_shared_table_is_named_by_its_rows() {
        let table = [
            row(409, "Conflict", Some("AlreadyExists")),
            row(410, "Gone", Some("CannotRedirect")),
        ];
        let name = shared_table_name(&table, 0);
        // The same rows, the same name, whatever builds them; a name that is a Rust type's.
        assert_eq!(name, shared_table_name(&table.clone(), 0));
        assert_eq!(name.len(), "ErrorTable".len() + 8);
        assert!(name.starts_with("ErrorTable"));
        assert!(
            name[10..]
                .chars()
                .all(|c| c.is_ascii_hexdigit() && !c.is_ascii_lowercase())
        );
        // Another row, another order, another status, a subcode moved: another name.
        let others = [
            vec![row(409, "Conflict", Some("AlreadyExists"))],
            vec![table[1].clone(), table[0].clone()],
            vec![
                row(403, "Conflict", Some("AlreadyExists")),
                table[1].clone(),
            ],
            vec![row(409, "ConflictAlreadyExists", None), table[1].clone()],
        ];
        for other in others {
            assert_ne!(shared_table_name(&other, 0), name, "{other:?}");
        }
        // A salt, for the rare collision, gives another name.
        assert_ne!(shared_table_name(&table, 1), name);
    }
}
