//! One collector for every error of a derive's run, so the user sees all of them in one build
//! (serde_derive's `Ctxt`). Parsing and checking record into it; expansion starts only once it
//! is empty.

use std::cell::RefCell;
use std::fmt::Display;

use quote::ToTokens;

#[derive(Default)]
pub struct Ctxt {
    // Behind a `RefCell` so that the parse and check passes can share it by `&`.
    errors: RefCell<Option<syn::Error>>,
}

impl Ctxt {
    /// An error spanned on `tokens`.
    pub fn error_spanned_by(&self, tokens: impl ToTokens, message: impl Display) {
        self.syn_error(syn::Error::new_spanned(tokens, message));
    }

    pub fn syn_error(&self, error: syn::Error) {
        let mut errors = self.errors.borrow_mut();
        match errors.as_mut() {
            Some(all) => all.combine(error),
            None => *errors = Some(error),
        }
    }

    /// Every error recorded, as one `syn::Error`, or `Ok` when there is none.
    pub fn check(self) -> syn::Result<()> {
        self.errors.into_inner().map_or(Ok(()), Err)
    }
}
