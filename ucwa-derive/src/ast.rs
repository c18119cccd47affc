//! The input of a derive, read once into typed structures: the container with its attributes,
//! and each field or variant with what it is (its kind and wire name). The shape a derive
//! needs (a struct with named fields, an enum, no generics) is checked here; rules across
//! fields are in `check.rs`.

use syn::{Data as SynData, DeriveInput, Fields, Ident, LitStr, Path, Type};

use crate::attr::{Attrs, Key};
use crate::ctxt::Ctxt;

/// Which derive is running.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Derive {
    Resource,
    Links,
    Embedded,
    Enumeration,
    OperationError,
}

impl Derive {
    pub fn name(self) -> &'static str {
        match self {
            Derive::Resource => "Resource",
            Derive::Links => "Links",
            Derive::Embedded => "Embedded",
            Derive::Enumeration => "Enumeration",
            Derive::OperationError => "OperationError",
        }
    }

    fn container_keys(self) -> &'static [Key] {
        match self {
            Derive::Resource => &[Key::Rel, Key::Input, Key::Crate],
            _ => &[Key::Crate],
        }
    }

    fn member_keys(self) -> &'static [Key] {
        match self {
            Derive::Resource => &[
                Key::Name,
                Key::Links,
                Key::Embedded,
                Key::Unknown,
                Key::Rels,
            ],
            Derive::Links | Derive::Embedded => &[Key::Rel, Key::Unknown],
            Derive::Enumeration => &[Key::Name, Key::Other],
            Derive::OperationError => &[Key::Status, Key::Subcode, Key::Common],
        }
    }

    fn is_enum(self) -> bool {
        matches!(self, Derive::Enumeration | Derive::OperationError)
    }
}

pub struct Container<'a> {
    pub derive: Derive,
    pub ident: &'a Ident,
    /// The path of the runtime in the expansion: `#[ucwa(crate = "..")]` or `::ucwa_runtime`.
    pub krate: Path,
    /// `#[ucwa(rel = "..")]` of a resource.
    pub rel: Option<LitStr>,
    /// `#[ucwa(input)]`: the body of an operation.
    pub input: Option<Path>,
    pub data: Data<'a>,
}

pub enum Data<'a> {
    Struct(Vec<Field<'a>>),
    Enum(Vec<Variant<'a>>),
}

pub struct Field<'a> {
    pub ident: &'a Ident,
    pub ty: &'a Type,
    pub kind: FieldKind,
}

/// What a field of a struct holds.
pub enum FieldKind {
    /// A property of a resource: an `Option<T>` under its wire name.
    Property { wire: String },
    /// A rel of `_links` or `_embedded`: a `RelField` under the rel.
    Rel { rel: String },
    /// The resource's `_links` struct.
    Links,
    /// The resource's `_embedded` struct.
    Embedded,
    /// What no other field claims, kept whole.
    Unknown,
    /// Which of the rels of a shared shape the value has: an `Enumeration` of them, whose
    /// default is the shape's own rel.
    Rels,
}

impl Field<'_> {
    /// The member's name in the payload; `None` for the `unknown` field, which has many.
    pub fn wire(&self) -> Option<&str> {
        match &self.kind {
            FieldKind::Property { wire } => Some(wire),
            FieldKind::Rel { rel } => Some(rel),
            FieldKind::Links => Some("_links"),
            FieldKind::Embedded => Some("_embedded"),
            FieldKind::Unknown => None,
            FieldKind::Rels => Some("rel"),
        }
    }
}

pub struct Variant<'a> {
    pub ident: &'a Ident,
    pub fields: &'a Fields,
    pub kind: VariantKind,
}

/// What a variant of an enum is.
pub enum VariantKind {
    /// A member of an enumeration, under its wire name.
    Member { wire: String },
    /// The enumeration's catch-all, holding values it does not know.
    Other,
    /// A row of an operation's error table: its status and subcode (`None`: without one).
    Error {
        status: u16,
        subcode: Option<String>,
    },
    /// The operation error's variant for every error its table does not list.
    Common,
}

impl<'a> Container<'a> {
    /// Reads `input` for `derive`; `None` when its shape is not one the derive can expand
    /// (the errors are in `cx`).
    pub fn from_ast(cx: &Ctxt, input: &'a DeriveInput, derive: Derive) -> Option<Self> {
        let attrs = Attrs::parse(cx, &input.attrs, derive.container_keys());
        if !input.generics.params.is_empty() {
            cx.error_spanned_by(
                &input.generics,
                format!(
                    "#[derive({})] does not support generic types",
                    derive.name()
                ),
            );
        }
        let data = match (&input.data, derive.is_enum()) {
            (SynData::Struct(data), false) => match &data.fields {
                Fields::Named(named) => Data::Struct(
                    named
                        .named
                        .iter()
                        .filter_map(|field| Field::from_ast(cx, field, derive))
                        .collect(),
                ),
                other => {
                    cx.error_spanned_by(
                        other,
                        format!(
                            "#[derive({})] needs a struct with named fields",
                            derive.name()
                        ),
                    );
                    return None;
                }
            },
            (SynData::Enum(data), true) => Data::Enum(
                data.variants
                    .iter()
                    .filter_map(|variant| Variant::from_ast(cx, variant, derive))
                    .collect(),
            ),
            (_, is_enum) => {
                let what = if is_enum { "enums" } else { "structs" };
                cx.error_spanned_by(
                    &input.ident,
                    format!("#[derive({})] applies to {what} only", derive.name()),
                );
                return None;
            }
        };
        let input_flag = attrs.flag(Key::Input).cloned();
        Some(Container {
            derive,
            ident: &input.ident,
            krate: attrs
                .krate
                .unwrap_or_else(|| syn::parse_quote!(::ucwa_runtime)),
            rel: attrs.rel,
            input: input_flag,
            data,
        })
    }

    pub fn fields(&self) -> &[Field<'a>] {
        match &self.data {
            Data::Struct(fields) => fields,
            Data::Enum(_) => &[],
        }
    }

    pub fn variants(&self) -> &[Variant<'a>] {
        match &self.data {
            Data::Enum(variants) => variants,
            Data::Struct(_) => &[],
        }
    }

    pub fn field(&self, kind: fn(&FieldKind) -> bool) -> Option<&Field<'a>> {
        self.fields().iter().find(|f| kind(&f.kind))
    }
}

impl<'a> Field<'a> {
    fn from_ast(cx: &Ctxt, field: &'a syn::Field, derive: Derive) -> Option<Self> {
        let attrs = Attrs::parse(cx, &field.attrs, derive.member_keys());
        let ident = field.ident.as_ref()?;
        let markers: Vec<Key> = [Key::Links, Key::Embedded, Key::Unknown, Key::Rels]
            .into_iter()
            .filter(|key| attrs.flag(*key).is_some())
            .collect();
        let kind = match (derive, markers.as_slice()) {
            (Derive::Resource, []) => FieldKind::Property {
                wire: wire_name(attrs.name.as_ref(), ident),
            },
            (Derive::Resource, [marker]) if attrs.name.is_none() => match marker {
                Key::Links => FieldKind::Links,
                Key::Embedded => FieldKind::Embedded,
                Key::Rels => FieldKind::Rels,
                _ => FieldKind::Unknown,
            },
            (Derive::Resource, _) => {
                cx.error_spanned_by(
                    ident,
                    "a field is one of: a property (optionally `name = \"..\"`), `links`, `embedded`, `unknown` or `rels`",
                );
                return None;
            }
            (_, []) => FieldKind::Rel {
                rel: wire_name(attrs.rel.as_ref(), ident),
            },
            (_, _) => {
                if attrs.rel.is_some() {
                    cx.error_spanned_by(ident, "an `unknown` field takes no `rel`");
                }
                FieldKind::Unknown
            }
        };
        Some(Field {
            ident,
            ty: &field.ty,
            kind,
        })
    }
}

impl<'a> Variant<'a> {
    fn from_ast(cx: &Ctxt, variant: &'a syn::Variant, derive: Derive) -> Option<Self> {
        let attrs = Attrs::parse(cx, &variant.attrs, derive.member_keys());
        let ident = &variant.ident;
        let kind = if derive == Derive::Enumeration {
            if attrs.flag(Key::Other).is_some() {
                if attrs.name.is_some() {
                    cx.error_spanned_by(ident, "the `other` variant takes no `name`");
                }
                VariantKind::Other
            } else {
                VariantKind::Member {
                    wire: attrs
                        .name
                        .as_ref()
                        .map_or_else(|| ident.to_string(), LitStr::value),
                }
            }
        } else if attrs.flag(Key::Common).is_some() {
            if attrs.status.is_some() || attrs.subcode.is_some() {
                cx.error_spanned_by(
                    ident,
                    "the `common` variant takes no `status` or `subcode`: it holds every error the table does not list",
                );
            }
            VariantKind::Common
        } else if let Some(status) = &attrs.status {
            VariantKind::Error {
                status: status.base10_parse().unwrap_or_default(),
                subcode: attrs.subcode.as_ref().map(LitStr::value),
            }
        } else {
            cx.error_spanned_by(
                ident,
                "a variant is a row of the error table, `#[ucwa(status = 409, subcode = \"..\")]` (subcode optional), or the `#[ucwa(common)]` variant",
            );
            return None;
        };
        Some(Variant {
            ident,
            fields: &variant.fields,
            kind,
        })
    }
}

/// The wire name given by `name`/`rel`, else the field's name in lowerCamelCase, without the
/// `r#` of a raw identifier or the `_` that keyword-safe names end with (`self_` is `self`).
fn wire_name(given: Option<&LitStr>, ident: &Ident) -> String {
    use heck::ToLowerCamelCase;
    if let Some(given) = given {
        return given.value();
    }
    let name = ident.to_string();
    let name = name.strip_prefix("r#").unwrap_or(&name);
    name.trim_end_matches('_').to_lower_camel_case()
}

/// `T` for `Option<T>` (as written, by its last path segment).
pub fn option_inner(ty: &Type) -> Option<&Type> {
    let Type::Path(path) = ty else { return None };
    if path.qself.is_some() {
        return None;
    }
    let segment = path.path.segments.last()?;
    if segment.ident != "Option" {
        return None;
    }
    let syn::PathArguments::AngleBracketed(args) = &segment.arguments else {
        return None;
    };
    match args.args.first()? {
        syn::GenericArgument::Type(inner) if args.args.len() == 1 => Some(inner),
        _ => None,
    }
}
