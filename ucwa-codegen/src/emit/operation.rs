//! Operations: for each, a struct implementing `ucwa::operation::Operation` with an inherent
//! `request(..)`, a query struct when it takes query parameters, and an error enum from its
//! table of synchronous errors.

use heck::ToUpperCamelCase;
use proc_macro2::TokenStream;
use quote::quote;

use super::docs::{doc, sentence};
use crate::model::*;
use crate::naming;

pub fn emit(resource: &Resource, op: &Operation) -> TokenStream {
    let base = format!(
        "{}{}",
        naming::type_name(&resource.name),
        op.method.to_lowercase().to_upper_camel_case()
    );
    let name = naming::ident(&base);
    let error_name = naming::ident(&format!("{base}Error"));
    let query_name = naming::ident(&format!("{base}Query"));
    let rel = &resource.name;
    let method = naming::ident(&op.method);

    // The answer.
    let (output, success, output_doc) = match &op.response.resource {
        Some(target) => {
            let ty = naming::ident(&naming::type_name(target));
            (
                quote!(super::resources::#ty),
                quote!(::ucwa::operation::resource),
                format!(
                    "A success ({}) gives the `{target}` resource.",
                    op.response.status
                ),
            )
        }
        None => (
            quote!(()),
            quote!(::ucwa::operation::no_content),
            format!("A success ({}) has no body.", op.response.status),
        ),
    };

    // Query parameters.
    let query_struct = (!op.query.is_empty()).then(|| query_struct(&query_name, op));
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
        if q.required {
            quote! {
                ::ucwa::operation::check_parameter(#wire, &query.#field, #required, #max)?;
                pairs.push((#wire, query.#field.as_str()));
            }
        } else {
            quote! {
                if let Some(value) = &query.#field {
                    ::ucwa::operation::check_parameter(#wire, value, #required, #max)?;
                    pairs.push((#wire, value.as_str()));
                }
            }
        }
    });
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
                    Some(::ucwa::operation::Body {
                        media_type: #media_type.to_owned(),
                        bytes: body,
                    })
                },
                format!(
                    "`body` is sent as `{media_type}`: {}{more}",
                    sentence(description).trim_end_matches('.').to_owned() + "."
                ),
                quote!(),
            )
        }
        Some(RequestBody::Resource { resource }) => {
            let ty = naming::ident(&naming::type_name(resource));
            (
                quote!(body: &super::resources::#ty,),
                quote! {
                    Some(::ucwa::operation::Body {
                        media_type: format.media_type().to_owned(),
                        bytes: ::ucwa::codec::encode(format, body),
                    })
                },
                format!("`body`, the `{resource}` resource, is sent in `format`."),
                quote!(),
            )
        }
        Some(RequestBody::Fields { fields }) => {
            let body_name = naming::ident(&format!("{base}Body"));
            let props = fields.iter().map(|f| {
                let field = naming::ident(&naming::field_name(&f.name));
                let wire = &f.name;
                let ty = super::resource::value_type(&f.ty);
                let required = if f.required { "Required." } else { "" };
                let limit = f
                    .max_length
                    .map(|n| format!(" At most {n} characters."))
                    .unwrap_or_default();
                let docs = doc([
                    sentence(&f.description),
                    format!("{required}{limit}").trim().to_owned(),
                ]);
                quote! {
                    #docs
                    #[ucwa(name = #wire)]
                    pub #field: Option<#ty>,
                }
            });
            let docs = doc([format!("The body of [`{base}`].")]);
            let unknown_docs = doc(["Other members to send."]);
            (
                quote!(body: &#body_name,),
                quote! {
                    Some(::ucwa::operation::Body {
                        media_type: format.media_type().to_owned(),
                        bytes: ::ucwa::codec::encode(format, body),
                    })
                },
                "`body` is sent in `format`.".to_owned(),
                quote! {
                    #docs
                    #[derive(Clone, Debug, Default, PartialEq, ::ucwa::Resource)]
                    #[ucwa(rel = #rel, input)]
                    pub struct #body_name {
                        #(#props)*
                        #unknown_docs
                        #[ucwa(unknown)]
                        pub unknown: ::ucwa::Unknown,
                    }
                },
            )
        }
    };

    let op_docs = doc([
        format!("`{}` on {} `{rel}` link.", op.method, super::article(rel)),
        sentence(&op.description),
        output_doc.clone(),
    ]);
    let request_docs = doc([
        format!(
            "Builds the request on `target` (the `{rel}` link), resolved against `origin`; `format` is the representation asked for (`Accept`)."
        ),
        if op.query.is_empty() {
            String::new()
        } else {
            "The query parameters are checked (required, length) before anything is built."
                .to_owned()
        },
        body_doc,
    ]);
    let response_docs = doc([format!(
        "Reads the answer. {} An error status becomes [`{base}Error`]; an answer not from UCWA, [`ucwa::operation::NotUcwa`].",
        output_doc
    )]);
    let errors = error_enum(&error_name, &base, op);

    quote! {
        #op_docs
        #[derive(Clone, Copy, Debug)]
        pub struct #name;

        impl #name {
            #request_docs
            pub fn request(
                origin: &::ucwa::Origin,
                target: &::ucwa::Link,
                #query_param
                #body_param
                format: ::ucwa::Format,
            ) -> Result<::ucwa::http::Request<Vec<u8>>, ::ucwa::RequestError> {
                #pairs_decl
                #(#checks)*
                let url = origin.resolve(&target.href)?;
                ::ucwa::operation::build_request(::ucwa::http::Method::#method, url, &pairs, format, #body_expr)
            }

            #response_docs
            pub fn response<B: AsRef<[u8]>>(
                response: &::ucwa::http::Response<B>,
            ) -> Result<#output, ::ucwa::ResponseError<#error_name>> {
                ::ucwa::operation::parse_response(response, #success)
            }
        }

        impl ::ucwa::operation::Operation for #name {
            const METHOD: ::ucwa::http::Method = ::ucwa::http::Method::#method;
            const REL: &'static str = #rel;
            type Output = #output;
            type Error = #error_name;

            fn parse_response<B: AsRef<[u8]>>(
                response: &::ucwa::http::Response<B>,
            ) -> Result<Self::Output, ::ucwa::ResponseError<Self::Error>> {
                Self::response(response)
            }
        }

        #query_struct
        #body_struct
        #errors
    }
}

fn query_struct(name: &proc_macro2::Ident, op: &Operation) -> TokenStream {
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
        let required = if q.required { "Required." } else { "Optional." };
        let docs = doc([
            format!("`{}`: {}", q.name, sentence(&q.description)),
            format!("{required} {limit}").trim().to_owned(),
        ]);
        quote! {
            #docs
            pub #field: #ty,
        }
    });
    let docs = doc(["The query parameters of the operation."]);
    quote! {
        #docs
        #[derive(Clone, Debug, Default, PartialEq, Eq)]
        pub struct #name {
            #(#fields)*
        }
    }
}

fn error_enum(name: &proc_macro2::Ident, base: &str, op: &Operation) -> TokenStream {
    // A variant per row, named by its subcode, or by its error for the row without one; a
    // name used twice (or taken by `Generic`/`Other`) is qualified by the error.
    let simple = |e: &SyncError| e.subcode.clone().unwrap_or_else(|| e.error.clone());
    let variant_names: Vec<String> = op
        .errors
        .iter()
        .map(|e| {
            let name = simple(e);
            let taken = op.errors.iter().filter(|o| simple(o) == name).count() > 1
                || matches!(name.as_str(), "Generic" | "Other");
            let name = if taken {
                format!(
                    "{}{}",
                    e.error,
                    e.subcode.as_deref().unwrap_or("WithoutSubcode")
                )
            } else {
                name
            };
            naming::variant_name(&name)
        })
        .collect();
    let variants = op.errors.iter().zip(&variant_names).map(|(e, v)| {
        let variant = naming::ident(v);
        let docs = doc([format!(
            "{} `{}`{}: {}",
            e.code,
            e.error,
            e.subcode
                .as_ref()
                .map(|s| format!(" with subcode `{s}`"))
                .unwrap_or_else(|| " without a subcode".to_owned()),
            sentence(&e.description)
        )]);
        quote! {
            #docs
            #variant(Box<::ucwa::ErrorBody>),
        }
    });
    let arms = op.errors.iter().zip(&variant_names).map(|(e, v)| {
        let variant = naming::ident(v);
        let code = proc_macro2::Literal::u16_unsuffixed(e.code);
        let subcode = match &e.subcode {
            Some(s) => quote!(Some(#s)),
            None => quote!(None),
        };
        quote!((#code, #subcode) => Self::#variant(Box::new(body)),)
    });
    let status_arms = op.errors.iter().zip(&variant_names).map(|(e, v)| {
        let variant = naming::ident(v);
        let code = proc_macro2::Literal::u16_unsuffixed(e.code);
        quote!(Self::#variant(_) => #code,)
    });
    let body_arms = variant_names.iter().map(|v| {
        let variant = naming::ident(v);
        quote!(Self::#variant(body) => body.as_ref(),)
    });
    let docs = doc([format!(
        "The errors of [`{base}`]: those listed for it, those of every operation, and any other, kept whole."
    )]);
    quote! {
        #docs
        #[derive(Clone, Debug, PartialEq)]
        #[non_exhaustive]
        pub enum #name {
            #(#variants)*
            /// One of the errors every operation can answer with.
            Generic {
                /// The HTTP status.
                status: u16,
                /// Which one.
                kind: ::ucwa::operation::GenericError,
                /// The error body.
                body: Box<::ucwa::ErrorBody>,
            },
            /// An error the schema does not list (an unknown code or subcode), kept whole.
            Other {
                /// The HTTP status.
                status: u16,
                /// The error body.
                body: Box<::ucwa::ErrorBody>,
            },
        }

        impl #name {
            /// The HTTP status of the answer.
            pub fn status(&self) -> u16 {
                match self {
                    #(#status_arms)*
                    Self::Generic { status, .. } | Self::Other { status, .. } => *status,
                }
            }

            /// The error body: code, subcode, message, parameters, debug information.
            pub fn body(&self) -> &::ucwa::ErrorBody {
                match self {
                    #(#body_arms)*
                    Self::Generic { body, .. } | Self::Other { body, .. } => body.as_ref(),
                }
            }
        }

        impl ::ucwa::operation::OperationError for #name {
            fn classify(status: ::ucwa::http::StatusCode, body: ::ucwa::ErrorBody) -> Self {
                let status = status.as_u16();
                match (status, body.subcode.as_deref()) {
                    #(#arms)*
                    _ => match ::ucwa::operation::GenericError::classify(&body) {
                        Some(kind) => Self::Generic { status, kind, body: Box::new(body) },
                        None => Self::Other { status, body: Box::new(body) },
                    },
                }
            }
        }

        impl ::core::fmt::Display for #name {
            fn fmt(&self, f: &mut ::core::fmt::Formatter<'_>) -> ::core::fmt::Result {
                ::ucwa::operation::describe(f, self.status(), self.body())
            }
        }

        impl ::std::error::Error for #name {}
    }
}
