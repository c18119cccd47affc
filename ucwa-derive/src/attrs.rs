//! Parsing of `#[ucwa(...)]` attributes. Each derive states which keys it accepts; anything
//! else is an error that lists them.

use syn::{Attribute, LitStr};

use crate::errors::Errors;

/// What the `#[ucwa(...)]` attributes on one item said.
#[derive(Default)]
pub struct Parsed {
    /// `name = ".."` or `rel = ".."`, with the literal for error spans.
    pub name: Option<LitStr>,
    pub rel: Option<LitStr>,
    /// Flags such as `links`, `embedded`, `unknown`, `other`, with the path for error spans.
    pub flags: Vec<syn::Path>,
}

impl Parsed {
    pub fn has(&self, flag: &str) -> bool {
        self.flags.iter().any(|p| p.is_ident(flag))
    }
}

/// Parses every `#[ucwa(...)]` in `attrs`, accepting only `allowed` keys (`name`, `rel` take a
/// string; the others are flags). Errors go to `errors`; what parsed is returned.
pub fn parse(attrs: &[Attribute], allowed: &[&str], errors: &mut Errors) -> Parsed {
    let mut parsed = Parsed::default();
    for attr in attrs.iter().filter(|a| a.path().is_ident("ucwa")) {
        let result = attr.parse_nested_meta(|meta| {
            let key = meta
                .path
                .get_ident()
                .map(ToString::to_string)
                .unwrap_or_default();
            if !allowed.contains(&key.as_str()) {
                let expected = allowed
                    .iter()
                    .map(|k| format!("`{k}`"))
                    .collect::<Vec<_>>()
                    .join(", ");
                let message = if allowed.is_empty() {
                    format!("`{key}` is not accepted here: this item takes no `#[ucwa(...)]` keys")
                } else {
                    format!("unknown key `{key}` in `#[ucwa(...)]`; expected one of {expected}")
                };
                errors.spanned(&meta.path, message);
                // Skip the value, if any, so the remaining keys are still checked.
                if meta.input.peek(syn::Token![=]) {
                    meta.value()?.parse::<syn::Expr>()?;
                }
                return Ok(());
            }
            match key.as_str() {
                "name" | "rel" => {
                    let lit: LitStr = meta.value()?.parse()?;
                    if lit.value().is_empty() {
                        errors.spanned(&lit, format!("`{key}` must not be empty"));
                    }
                    let slot = if key == "name" {
                        &mut parsed.name
                    } else {
                        &mut parsed.rel
                    };
                    if slot.is_some() {
                        errors.spanned(&meta.path, format!("`{key}` is given twice"));
                    }
                    *slot = Some(lit);
                }
                _ => {
                    if parsed.has(&key) {
                        errors.spanned(&meta.path, format!("`{key}` is given twice"));
                    }
                    parsed.flags.push(meta.path.clone());
                }
            }
            Ok(())
        });
        if let Err(error) = result {
            errors.push(error);
        }
    }
    parsed
}

/// The wire name of a field that does not state one: its name in lowerCamelCase, without the
/// `r#` of a raw identifier or the `_` that keyword-safe names end with (`self_` is `self`).
pub fn default_wire_name(ident: &syn::Ident) -> String {
    use heck::ToLowerCamelCase;
    let name = ident.to_string();
    let name = name.strip_prefix("r#").unwrap_or(&name);
    name.trim_end_matches('_').to_lower_camel_case()
}
