//! `#[derive(OperationError)]`: the typed error of one operation. Each variant is a row of its
//! error table (status and subcode) holding the error body; the `common` variant holds the
//! runtime's common error for everything else. Classification, `status`, `body`, `Display`
//! and `Error` are written here once, not in every generated enum.

use proc_macro2::{Literal, TokenStream};
use quote::quote;

use crate::ast::{Container, VariantKind};

pub fn expand(cont: &Container) -> TokenStream {
    let ident = cont.ident;
    let krate = &cont.krate;
    let mut classify = Vec::new();
    let mut status = Vec::new();
    let mut body = Vec::new();
    let mut common = None;
    for variant in cont.variants() {
        let name = variant.ident;
        match &variant.kind {
            VariantKind::Error {
                status: code,
                subcode,
            } => {
                let code = Literal::u16_unsuffixed(*code);
                let subcode = match subcode {
                    Some(s) => quote!(::core::option::Option::Some(#s)),
                    None => quote!(::core::option::Option::None),
                };
                classify.push(
                    quote!((#code, #subcode) => Self::#name(::std::boxed::Box::new(__body)),),
                );
                status.push(quote!(Self::#name(_) => #code,));
                body.push(quote!(Self::#name(__body) => __body,));
            }
            _ => common = Some(name),
        }
    }
    // Checked: there is exactly one `common` variant.
    let common = common.expect("checked: a `common` variant");
    quote! {
        impl #ident {
            /// The HTTP status of the answer.
            pub fn status(&self) -> u16 {
                match self {
                    #(#status)*
                    Self::#common(__common) => __common.status(),
                }
            }

            /// The error body: code, subcode, message, parameters, debug information.
            pub fn body(&self) -> &#krate::ErrorBody {
                match self {
                    #(#body)*
                    Self::#common(__common) => __common.body(),
                }
            }
        }

        impl #krate::operation::OperationError for #ident {
            fn classify(__status: #krate::http::StatusCode, __body: #krate::ErrorBody) -> Self {
                match (__status.as_u16(), __body.subcode.as_deref()) {
                    #(#classify)*
                    _ => Self::#common(
                        <#krate::operation::UcwaError as #krate::operation::OperationError>::classify(__status, __body),
                    ),
                }
            }

            fn status(&self) -> u16 {
                #ident::status(self)
            }

            fn body(&self) -> &#krate::ErrorBody {
                #ident::body(self)
            }
        }

        impl ::core::fmt::Display for #ident {
            fn fmt(&self, __f: &mut ::core::fmt::Formatter<'_>) -> ::core::fmt::Result {
                #krate::operation::describe(__f, self.status(), self.body())
            }
        }

        impl ::std::error::Error for #ident {}
    }
}
