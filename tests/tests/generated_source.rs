//! The generated source is exactly what the `ucwa` crate compiles under
//! `#![deny(warnings, missing_docs)]` (and what CI lints with clippy). The whole of it (about
//! 45,000 lines for 237 resources) is more than a reviewer reads, so the snapshot holds the
//! items of the original three resources and what they use: every change to how the generator
//! writes a struct, its links, its embedded resources, an operation or an error enum shows
//! there, taken from the very source that is compiled.

use std::path::Path;

fn schema_dir() -> &'static Path {
    Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/../schema"))
}

/// The types whose items the snapshot holds: the three resources of the original flow, the
/// operations on them, and the enumerations they use.
const REVIEWED: &[&str] = &[
    "Participant",
    "AudioVideoInvitation",
    "EscalateAudioVideo",
    "Role",
    "SourceNetwork",
    "InvitationState",
    "Direction",
    "Importance",
];

/// The items of the generated source that define one of `REVIEWED`'s types or their
/// `…Links`, `…Embedded`, `…Get`, `…Post`, `…Error`, `…Query` companions, and the types their
/// aliases name (an operation whose error table is shared names the table's enum, which is
/// reviewed with it), in source order, each with the module it is in.
///
/// The source is parsed, not cut at blank lines, so that no change of layout can drop an item
/// from the snapshot without failing: a reviewed type that is not found fails the test.
fn reviewed_items(source: &str) -> String {
    let file = syn::parse_file(source).expect("the generated source parses");
    let items = items(&file);
    let mut selected: Vec<String> = items
        .iter()
        .filter(|item| REVIEWED.iter().any(|t| is_companion(&item.name, t)))
        .map(|item| item.name.clone())
        .collect();
    for reviewed in REVIEWED {
        assert!(
            selected.iter().any(|name| name == reviewed),
            "`{reviewed}` is not in the generated source"
        );
    }
    let aliased: Vec<String> = items
        .iter()
        .filter(|item| selected.contains(&item.name))
        .filter_map(|item| item.alias_of.clone())
        .filter(|target| items.iter().any(|item| &item.name == target))
        .collect();
    selected.extend(aliased);
    let mut out = String::new();
    for item in items.iter().filter(|item| selected.contains(&item.name)) {
        let (module, source) = item.source;
        out.push_str(&format!(
            "// in `{}`\n{}\n\n",
            item.module,
            print_in(module, source)
        ));
    }
    out
}

/// One item of a module of the generated source.
struct Item<'a> {
    /// The module it is in.
    module: String,
    /// The name it defines (for an `impl`, the type it is for).
    name: String,
    /// For a type alias, the type it names.
    alias_of: Option<String>,
    /// The module and the item, to print it.
    source: (&'a syn::ItemMod, &'a syn::Item),
}

/// The items of the modules of the source, in order.
fn items(file: &syn::File) -> Vec<Item<'_>> {
    let mut out = Vec::new();
    for item in &file.items {
        let syn::Item::Mod(module) = item else {
            continue;
        };
        let Some((_, content)) = &module.content else {
            continue;
        };
        for item in content {
            let (name, alias_of) = match item {
                syn::Item::Struct(s) => (s.ident.to_string(), None),
                syn::Item::Enum(e) => (e.ident.to_string(), None),
                syn::Item::Type(t) => (t.ident.to_string(), last_ident(&t.ty)),
                syn::Item::Impl(i) => match last_ident(&i.self_ty) {
                    Some(name) => (name, None),
                    None => continue,
                },
                _ => continue,
            };
            out.push(Item {
                module: module.ident.to_string(),
                name,
                alias_of,
                source: (module, item),
            });
        }
    }
    out
}

/// The last identifier of a path type (`X` of `::a::X<T>`).
fn last_ident(ty: &syn::Type) -> Option<String> {
    match ty {
        syn::Type::Path(path) => path.path.segments.last().map(|s| s.ident.to_string()),
        _ => None,
    }
}

/// `item` printed as the generator prints it: by prettyplease, inside its module (whose
/// indentation changes where lines wrap), without the module's own lines.
fn print_in(module: &syn::ItemMod, item: &syn::Item) -> String {
    let mut alone: syn::ItemMod =
        syn::parse_str(&format!("pub mod {} {{}}", module.ident)).expect("a module parses");
    if let Some((_, content)) = &mut alone.content {
        content.push(item.clone());
    }
    let mut file = syn::parse_file("").expect("an empty file parses");
    file.items.push(syn::Item::Mod(alone));
    let printed = prettyplease::unparse(&file);
    let lines: Vec<&str> = printed.lines().collect();
    // `pub mod name {`, the item, `}`.
    lines[1..lines.len() - 1].join("\n")
}

/// `name` is `ty` or one of the items generated with it.
fn is_companion(name: &str, ty: &str) -> bool {
    let Some(rest) = name.strip_prefix(ty) else {
        return false;
    };
    let rest = ["Get", "Post", "Put", "Delete", "Options"]
        .iter()
        .find_map(|method| rest.strip_prefix(method))
        .unwrap_or(rest);
    ["", "Links", "Embedded", "Rel", "Error", "Query", "Body"].contains(&rest)
}

#[test]
fn generated_source_snapshot() {
    let generated = ucwa_codegen::Builder::new()
        .schema_dir(schema_dir())
        .features_per_area(true)
        .render()
        .unwrap();
    insta::assert_snapshot!("generated_source", reviewed_items(&generated.source));
}

#[test]
fn the_snapshotted_source_is_the_one_compiled_into_ucwa() {
    let generated = ucwa_codegen::Builder::new()
        .schema_dir(schema_dir())
        .features_per_area(true)
        .render()
        .unwrap();
    assert_eq!(generated.source, ucwa::__GENERATED_SOURCE);
    assert!(generated.source.starts_with("// @generated"));
}

#[test]
fn generation_is_deterministic() {
    let builder = ucwa_codegen::Builder::new().schema_dir(schema_dir());
    let first = builder.render().unwrap().source;
    for _ in 0..3 {
        assert_eq!(builder.render().unwrap().source, first);
    }
}
