//! Rules across the fields or variants of a container, run once on the whole of it after
//! parsing and before anything is expanded; every violation is recorded, none stops the pass.

use std::collections::BTreeMap;

use syn::Fields;

use crate::ast::{Container, Derive, FieldKind, Variant, VariantKind, option_inner};
use crate::ctxt::Ctxt;

pub fn check(cx: &Ctxt, cont: &Container) {
    match cont.derive {
        Derive::Resource => {
            check_rel(cx, cont);
            check_properties(cx, cont);
            check_input(cx, cont);
            check_fields_unique(cx, cont);
        }
        Derive::Links | Derive::Embedded => check_fields_unique(cx, cont),
        Derive::Enumeration => check_enumeration(cx, cont),
        Derive::OperationError => check_operation_error(cx, cont),
    }
}

fn check_rel(cx: &Ctxt, cont: &Container) {
    if cont.rel.is_none() {
        cx.error_spanned_by(
            cont.ident,
            "#[derive(Resource)] needs the resource's rel: add #[ucwa(rel = \"...\")]",
        );
    }
}

/// A property is an `Option` (UCWA may leave any out) under a name the layout does not reserve.
fn check_properties(cx: &Ctxt, cont: &Container) {
    for field in cont.fields() {
        let FieldKind::Property { wire } = &field.kind else {
            continue;
        };
        if option_inner(field.ty).is_none() {
            cx.error_spanned_by(
                field.ty,
                "a property field must be an `Option<T>`: UCWA may leave any property out",
            );
        }
        if wire == "rel" || wire.starts_with('_') {
            cx.error_spanned_by(
                field.ident,
                format!(
                    "`{wire}` is reserved by UCWA's JSON representation and cannot be a property"
                ),
            );
        }
    }
}

/// The body of an operation is properties, and links for content sent as `data:` URIs (an
/// invitation's first message); it embeds nothing and has no rel.
fn check_input(cx: &Ctxt, cont: &Container) {
    if cont.input.is_none() {
        return;
    }
    for field in cont.fields() {
        if matches!(field.kind, FieldKind::Rels) {
            cx.error_spanned_by(field.ident, "the body of an operation (`input`) has no rel");
        }
        if matches!(field.kind, FieldKind::Embedded) {
            cx.error_spanned_by(
                field.ident,
                "the body of an operation (`input`) has no embedded resources",
            );
        }
    }
}

/// No two fields claim one member, and at most one keeps the unknown ones.
fn check_fields_unique(cx: &Ctxt, cont: &Container) {
    let mut seen = BTreeMap::new();
    let mut unknown = None;
    for field in cont.fields() {
        let Some(wire) = field.wire() else {
            if unknown.replace(field.ident).is_some() {
                cx.error_spanned_by(field.ident, "more than one field is marked `unknown`");
            }
            continue;
        };
        let Some(previous) = seen.insert(wire, field.ident) else {
            continue;
        };
        let message = match &field.kind {
            FieldKind::Rels => "more than one field is marked `rels`".to_owned(),
            FieldKind::Links => "more than one field is marked `links`".to_owned(),
            FieldKind::Embedded => "more than one field is marked `embedded`".to_owned(),
            FieldKind::Rel { rel } => format!("rel `{rel}` is already held by field `{previous}`"),
            _ => format!("`{wire}` is already the wire name of field `{previous}`"),
        };
        cx.error_spanned_by(field.ident, message);
    }
}

fn check_enumeration(cx: &Ctxt, cont: &Container) {
    let mut seen = BTreeMap::new();
    let mut other = None;
    for variant in cont.variants() {
        match &variant.kind {
            VariantKind::Member { wire } => {
                if !matches!(variant.fields, Fields::Unit) {
                    cx.error_spanned_by(
                        variant.fields,
                        "an enumeration member has no fields; mark the catch-all variant `#[ucwa(other)]`",
                    );
                }
                if let Some(previous) = seen.insert(wire, variant.ident) {
                    cx.error_spanned_by(
                        variant.ident,
                        format!("`{wire}` is already the wire name of `{previous}`"),
                    );
                }
            }
            _ => the_one_holder(
                cx,
                variant,
                &mut other,
                "other",
                "the unknown value: write it as `Other(String)`",
            ),
        }
    }
}

/// One variant per row of the table, each holding the error body, and one `common` variant.
fn check_operation_error(cx: &Ctxt, cont: &Container) {
    let mut rows = BTreeMap::new();
    let mut common = None;
    for variant in cont.variants() {
        match &variant.kind {
            VariantKind::Error { status, subcode } => {
                if !holds_one(variant.fields) {
                    cx.error_spanned_by(
                        variant.ident,
                        "a row of the error table holds the error body: write it as `Name(Box<ErrorBody>)`",
                    );
                }
                if let Some(previous) = rows.insert((status, subcode), variant.ident) {
                    let subcode = subcode.as_deref().unwrap_or("(none)");
                    cx.error_spanned_by(
                        variant.ident,
                        format!(
                            "status {status} with subcode {subcode} is already the row of `{previous}`"
                        ),
                    );
                }
            }
            _ => the_one_holder(
                cx,
                variant,
                &mut common,
                "common",
                "the common error: write it as `Common(UcwaError)`",
            ),
        }
    }
    if common.is_none() {
        cx.error_spanned_by(
            cont.ident,
            "#[derive(OperationError)] needs a `#[ucwa(common)] Common(UcwaError)` variant for the errors the table does not list",
        );
    }
}

/// The catch-all variant of an enum (`other`, `common`): there is one, and it holds one value.
fn the_one_holder<'a>(
    cx: &Ctxt,
    variant: &Variant<'a>,
    seen: &mut Option<&'a syn::Ident>,
    key: &str,
    holds: &str,
) {
    if !holds_one(variant.fields) {
        cx.error_spanned_by(variant.ident, format!("the `{key}` variant holds {holds}"));
    }
    if seen.replace(variant.ident).is_some() {
        cx.error_spanned_by(variant.ident, format!("only one variant can be `{key}`"));
    }
}

/// Whether a variant is a tuple of one.
fn holds_one(fields: &Fields) -> bool {
    matches!(fields, Fields::Unnamed(f) if f.unnamed.len() == 1)
}
