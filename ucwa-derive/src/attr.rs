//! `#[ucwa(...)]` attributes, parsed once into typed values. Each place (a derive's container,
//! its fields, its variants) accepts its own keys; any other key is an error that lists them.

use syn::{Attribute, LitInt, LitStr, Path};

use crate::ctxt::Ctxt;

/// A key of `#[ucwa(...)]`.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Key {
    /// `crate = "path"`: where the runtime is, for a crate that renamed or re-exports it.
    Crate,
    /// `rel = ".."`: the rel of a resource, or of a field of `_links` / `_embedded`.
    Rel,
    /// `input`: the resource is the body of an operation (`<input>` in XML, no `rel`).
    Input,
    /// `name = ".."`: the wire name of a property or an enumeration member.
    Name,
    /// `links`, `embedded`, `unknown`: what a field of a resource holds.
    Links,
    Embedded,
    Unknown,
    /// `other`: the enumeration's catch-all variant.
    Other,
    /// `status = 409`, `subcode = ".."`: the row of an operation's error table a variant is.
    Status,
    Subcode,
    /// `common`: the variant holding every error the table does not list.
    Common,
    /// `rels`: the field of a shared shape's type that holds which rel a value has.
    Rels,
}

impl Key {
    const ALL: [Key; 12] = [
        Key::Crate,
        Key::Rel,
        Key::Input,
        Key::Name,
        Key::Links,
        Key::Embedded,
        Key::Unknown,
        Key::Other,
        Key::Status,
        Key::Subcode,
        Key::Common,
        Key::Rels,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Key::Crate => "crate",
            Key::Rel => "rel",
            Key::Input => "input",
            Key::Name => "name",
            Key::Links => "links",
            Key::Embedded => "embedded",
            Key::Unknown => "unknown",
            Key::Other => "other",
            Key::Status => "status",
            Key::Subcode => "subcode",
            Key::Common => "common",
            Key::Rels => "rels",
        }
    }

    fn of(path: &Path) -> Option<Key> {
        Key::ALL.into_iter().find(|key| path.is_ident(key.as_str()))
    }
}

/// What the `#[ucwa(...)]` attributes of one item said; each value keeps its tokens for spans.
#[derive(Default)]
pub struct Attrs {
    pub krate: Option<Path>,
    pub rel: Option<LitStr>,
    pub name: Option<LitStr>,
    pub status: Option<LitInt>,
    pub subcode: Option<LitStr>,
    /// The flags given (`input`, `links`, `embedded`, `unknown`, `other`, `common`), each with
    /// its path.
    pub flags: Vec<(Key, Path)>,
}

impl Attrs {
    pub fn flag(&self, key: Key) -> Option<&Path> {
        self.flags.iter().find(|(k, _)| *k == key).map(|(_, p)| p)
    }

    /// Parses every `#[ucwa(...)]` in `attrs`, accepting only `allowed` keys. Errors go to
    /// `cx`; what parsed is returned.
    pub fn parse(cx: &Ctxt, attrs: &[Attribute], allowed: &[Key]) -> Attrs {
        let mut parsed = Attrs::default();
        for attr in attrs.iter().filter(|a| a.path().is_ident("ucwa")) {
            let result = attr.parse_nested_meta(|meta| {
                let key = Key::of(&meta.path).filter(|key| allowed.contains(key));
                let Some(key) = key else {
                    unknown_key(cx, &meta.path, allowed);
                    // Skip the value, if any, so that the remaining keys are still checked.
                    if meta.input.peek(syn::Token![=]) {
                        meta.value()?.parse::<syn::Expr>()?;
                    }
                    return Ok(());
                };
                let twice = |given: bool| {
                    if given {
                        cx.error_spanned_by(
                            &meta.path,
                            format!("`{}` is given twice", key.as_str()),
                        );
                    }
                };
                match key {
                    Key::Crate => {
                        let lit: LitStr = meta.value()?.parse()?;
                        twice(parsed.krate.is_some());
                        match lit.parse::<Path>() {
                            Ok(path) => parsed.krate = Some(path),
                            Err(_) => cx.error_spanned_by(
                                &lit,
                                "`crate` takes the path of the runtime, such as \"::ucwa\"",
                            ),
                        }
                    }
                    Key::Rel | Key::Name | Key::Subcode => {
                        let lit: LitStr = meta.value()?.parse()?;
                        if lit.value().is_empty() {
                            cx.error_spanned_by(
                                &lit,
                                format!("`{}` must not be empty", key.as_str()),
                            );
                        }
                        let slot = match key {
                            Key::Rel => &mut parsed.rel,
                            Key::Name => &mut parsed.name,
                            _ => &mut parsed.subcode,
                        };
                        twice(slot.is_some());
                        *slot = Some(lit);
                    }
                    Key::Status => {
                        let lit: LitInt = meta.value()?.parse()?;
                        match lit.base10_parse::<u16>() {
                            Ok(400..=599) => {}
                            _ => cx.error_spanned_by(
                                &lit,
                                "`status` is the HTTP status of an error: 400 to 599",
                            ),
                        }
                        twice(parsed.status.is_some());
                        parsed.status = Some(lit);
                    }
                    Key::Input
                    | Key::Links
                    | Key::Embedded
                    | Key::Unknown
                    | Key::Other
                    | Key::Common
                    | Key::Rels => {
                        twice(parsed.flag(key).is_some());
                        parsed.flags.push((key, meta.path.clone()));
                    }
                }
                Ok(())
            });
            if let Err(error) = result {
                cx.syn_error(error);
            }
        }
        parsed
    }
}

fn unknown_key(cx: &Ctxt, path: &Path, allowed: &[Key]) {
    let key = path
        .get_ident()
        .map(ToString::to_string)
        .unwrap_or_default();
    let message = if allowed.is_empty() {
        format!("`{key}` is not accepted here: this item takes no `#[ucwa(...)]` keys")
    } else {
        let expected = allowed
            .iter()
            .map(|k| format!("`{}`", k.as_str()))
            .collect::<Vec<_>>()
            .join(", ");
        format!("unknown key `{key}` in `#[ucwa(...)]`; expected one of {expected}")
    };
    cx.error_spanned_by(path, message);
}
