//! Rules that span a whole file or several files: names that must become distinct Rust
//! identifiers, and references that must resolve. Run once after loading, before emitting.

use std::collections::BTreeMap;
use std::path::Path;

use crate::diagnostic::{Diagnostic, Location};
use crate::model::*;
use crate::naming::{self, VALID_NAME};
use crate::reader::child;

/// Whether references to other files are checked.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum References {
    Check,
    /// Some file did not load, and a reference may name what it defines.
    Skip,
}

pub fn validate(schema: &Schema, references: References, diagnostics: &mut Vec<Diagnostic>) {
    let mut v = Validator {
        schema,
        references,
        diagnostics,
    };
    v.type_names();
    v.error_tables();
    for resource in &schema.resources {
        v.resource(resource);
    }
    for enumeration in &schema.enumerations {
        v.enumeration(enumeration);
    }
}

struct Validator<'a> {
    schema: &'a Schema,
    references: References,
    diagnostics: &'a mut Vec<Diagnostic>,
}

/// Names seen so far in one namespace, with where they were seen.
struct Namespace<'n> {
    what: &'static str,
    seen: BTreeMap<String, (&'n Path, String)>,
    /// Names the generator itself uses in this namespace, with what uses them.
    reserved: BTreeMap<String, String>,
}

impl<'n> Namespace<'n> {
    fn new(what: &'static str) -> Self {
        Namespace {
            what,
            seen: BTreeMap::new(),
            reserved: BTreeMap::new(),
        }
    }

    fn reserve<'s>(mut self, names: impl IntoIterator<Item = &'s str>, by: &str) -> Self {
        for name in names {
            self.reserved
                .insert(name.to_owned(), format!("{by} `{name}`"));
        }
        self
    }

    /// Records `key` (the wire name or the Rust name) for the item at `at` in `file`; a second
    /// use is reported against the later one, naming the first. Returns whether it was free.
    fn claim(
        &mut self,
        v: &mut Validator<'_>,
        key: String,
        shown: &str,
        file: &'n Path,
        at: &str,
    ) -> bool {
        if let Some(by) = self.reserved.get(&key) {
            v.error(
                file,
                at,
                format!("{shown} collides with {by}; choose another name"),
            );
            return false;
        }
        if let Some((first_file, first_at)) = self.seen.get(&key) {
            let place = if *first_file == file {
                format!("at {first_at}")
            } else {
                format!("in {} at {first_at}", first_file.display())
            };
            v.error(
                file,
                at,
                format!(
                    "duplicate {}: {shown} is already defined {place}",
                    self.what
                ),
            );
            return false;
        }
        self.seen.insert(key, (file, at.to_owned()));
        true
    }
}

impl Validator<'_> {
    fn error(&mut self, file: &Path, at: &str, message: impl Into<String>) {
        self.diagnostics.push(Diagnostic::new(
            file,
            Location::Path(at.to_owned()),
            message,
        ));
    }

    /// `name` must become an identifier; reports and returns false if not.
    fn name(&mut self, file: &Path, at: &str, what: &str, name: &str) -> bool {
        if naming::is_valid_name(name) {
            return true;
        }
        self.error(
            file,
            at,
            format!("the {what} {name:?} cannot become a Rust identifier; expected {VALID_NAME}"),
        );
        false
    }

    /// Resource and enumeration names, and the Rust types made from them, are unique.
    fn type_names(&mut self) {
        let schema = self.schema;
        let mut names = Namespace::new("resource");
        let mut types = Namespace::new("Rust type in `resources`").reserve(
            naming::RESOURCES_MODULE_TYPES.iter().copied(),
            "the generated type",
        );
        for r in &schema.resources {
            if !self.name(&r.file, "$.name", "resource name", &r.name) {
                continue;
            }
            names.claim(
                self,
                r.name.clone(),
                &format!("`{}`", r.name),
                &r.file,
                "$.name",
            );
            let mut own = vec![
                naming::type_name(&r.name),
                naming::links_type_name(&r.name),
                naming::embedded_type_name(&r.name),
            ];
            // A shared type's enum of rels, or a bare resource's marker of its rel.
            if !schema.sharers(&r.name).is_empty() || schema.is_bare(r) {
                own.push(naming::rels_type_name(&r.name));
            }
            for ty in own {
                self.prelude(&r.file, &ty);
                types.claim(self, ty.clone(), &format!("`{ty}`"), &r.file, "$.name");
            }
        }
        let mut names = Namespace::new("enumeration");
        let mut types = Namespace::new("Rust type in `enumerations`");
        for e in &schema.enumerations {
            if !self.name(&e.file, "$.name", "enumeration name", &e.name) {
                continue;
            }
            names.claim(
                self,
                e.name.clone(),
                &format!("`{}`", e.name),
                &e.file,
                "$.name",
            );
            let ty = naming::type_name(&e.name);
            self.prelude(&e.file, &ty);
            types.claim(self, ty.clone(), &format!("`{ty}`"), &e.file, "$.name");
        }
    }

    /// Named error tables (`errorTable`): every operation naming one has the same rows, and the
    /// name gives a Rust type no other generated type has.
    fn error_tables(&mut self) {
        let schema = self.schema;
        // The types of the `operations` module, and, so that a name means one thing wherever
        // it is read, those of the resources and enumerations.
        let mut types = Namespace::new("error table");
        for r in &schema.resources {
            for op in &r.operations {
                let base = naming::operation_name(&r.name, &op.method);
                for suffix in naming::OPERATION_TYPE_SUFFIXES {
                    let ty = format!("{base}{suffix}");
                    types
                        .reserved
                        .insert(ty.clone(), format!("the generated type `{ty}`"));
                }
            }
            let mut own = vec![
                naming::type_name(&r.name),
                naming::links_type_name(&r.name),
                naming::embedded_type_name(&r.name),
            ];
            if !schema.sharers(&r.name).is_empty() || schema.is_bare(r) {
                own.push(naming::rels_type_name(&r.name));
            }
            for ty in own {
                types.reserved.insert(
                    ty.clone(),
                    format!("the type `{ty}` of the resource `{}`", r.name),
                );
            }
        }
        for e in &schema.enumerations {
            let ty = naming::type_name(&e.name);
            types.reserved.insert(
                ty.clone(),
                format!("the type `{ty}` of the enumeration `{}`", e.name),
            );
        }
        // The first operation naming each table: its file, the path of its rows, and its rows.
        let mut first: BTreeMap<&str, (&Path, String, &[SyncError])> = BTreeMap::new();
        for r in &schema.resources {
            let file = r.file.as_path();
            for op in &r.operations {
                let Some(name) = &op.error_table else {
                    continue;
                };
                let at = child(&op.at, "errorTable");
                let rows_at = child(&op.at, "errors");
                if let Some((first_file, first_at, rows)) = first.get(name.as_str()) {
                    let place = if *first_file == file {
                        format!("at {first_at}")
                    } else {
                        format!("in {} at {first_at}", first_file.display())
                    };
                    if let Some(difference) = rows_difference(rows, &op.errors, &place) {
                        self.error(
                            file,
                            &rows_at,
                            format!(
                                "the operations naming the error table `{name}` must list the same errors: {difference}; give them the same rows, or this one another table name"
                            ),
                        );
                    }
                    continue;
                }
                first.insert(name, (file, rows_at, &op.errors));
                if !self.name(file, &at, "error table name", name) {
                    continue;
                }
                let ty = naming::error_table_name(name);
                self.prelude_at(file, &at, &ty);
                let shown = if ty == *name {
                    format!("`{ty}`")
                } else {
                    format!("`{ty}` (from `{name}`)")
                };
                types.claim(self, ty, &shown, file, &at);
            }
        }
    }

    fn prelude(&mut self, file: &Path, ty: &str) {
        self.prelude_at(file, "$.name", ty);
    }

    fn prelude_at(&mut self, file: &Path, at: &str, ty: &str) {
        if naming::PRELUDE_TYPES.contains(&ty) {
            self.error(
                file,
                at,
                format!("the Rust type `{ty}` would shadow the standard `{ty}` in generated code; choose another name"),
            );
        }
    }

    fn resource(&mut self, r: &Resource) {
        let file = r.file.as_path();
        if let Some(shape) = &r.shape {
            self.resource_ref(file, "$.shape", shape);
            if self
                .schema
                .resource(shape)
                .is_some_and(|owner| owner.shape.is_some())
            {
                self.error(
                    file,
                    "$.shape",
                    format!("`{shape}` itself shares another resource's type; name that one"),
                );
            }
            if !(r.properties.is_empty() && r.links.is_empty() && r.embedded.is_empty()) {
                self.error(
                    file,
                    "$",
                    format!(
                        "a resource with a `shape` has the properties, links and embedded resources of `{shape}`; remove its own"
                    ),
                );
            }
        }

        let mut wire = Namespace::new("property");
        let mut rust = Namespace::new("field name").reserve(
            naming::RESOURCE_FIELDS.iter().copied(),
            "the generated field",
        );
        for p in &r.properties {
            self.property(file, p, &mut wire, &mut rust);
        }

        let mut wire = Namespace::new("link rel");
        let mut rust = Namespace::new("field name").reserve(
            naming::RELATION_FIELDS.iter().copied(),
            "the generated field",
        );
        for link in &r.links {
            let at = child(&link.at, "rel");
            self.claim_name(
                file,
                &at,
                "link rel",
                &link.rel,
                naming::field_name,
                &mut wire,
                &mut rust,
            );
            if let Some(target) = &link.target {
                self.resource_ref(file, &child(&link.at, "target"), target);
            }
        }

        let mut wire = Namespace::new("embedded rel");
        let mut rust = Namespace::new("field name").reserve(
            naming::RELATION_FIELDS.iter().copied(),
            "the generated field",
        );
        for e in &r.embedded {
            let at = child(&e.at, "rel");
            self.claim_name(
                file,
                &at,
                "embedded rel",
                &e.rel,
                naming::field_name,
                &mut wire,
                &mut rust,
            );
            self.resource_ref(file, &child(&e.at, "target"), &e.target);
        }

        let mut methods = Namespace::new("operation");
        for op in &r.operations {
            self.operation(file, op, &mut methods);
        }

        for e in &r.events {
            if let Some(resource) = &e.resource {
                self.resource_ref(file, &child(&e.at, "resource"), resource);
            }
        }
    }

    fn property<'n>(
        &mut self,
        file: &'n Path,
        p: &Property,
        wire: &mut Namespace<'n>,
        rust: &mut Namespace<'n>,
    ) {
        let at = child(&p.at, "name");
        if p.name == "rel" {
            self.error(
                file,
                &at,
                "`rel` is reserved: every resource carries its rel, so it cannot be a property",
            );
        }
        self.claim_name(
            file,
            &at,
            "property name",
            &p.name,
            naming::field_name,
            wire,
            rust,
        );
        self.value_type(file, &child(&p.at, "type"), &p.ty);
    }

    fn value_type(&mut self, file: &Path, at: &str, ty: &ValueType) {
        match ty {
            ValueType::Enumeration(name)
                if self.references == References::Check
                    && self.schema.enumeration(name).is_none() =>
            {
                let known = known(self.schema.enumerations.iter().map(|e| &e.name));
                self.error(
                    file,
                    at,
                    format!("unknown enumeration `{name}`: no file in `enumerations/` defines it; known: {known}"),
                );
            }
            ValueType::Array(item) => self.value_type(file, at, item),
            _ => {}
        }
    }

    fn resource_ref(&mut self, file: &Path, at: &str, name: &str) {
        if self.references == References::Check && self.schema.resource(name).is_none() {
            let known = known(self.schema.resources.iter().map(|r| &r.name));
            self.error(
                file,
                at,
                format!(
                    "unknown resource `{name}`: no file in `resources/` defines it; known: {known}"
                ),
            );
        }
    }

    fn operation<'n>(&mut self, file: &'n Path, op: &Operation, methods: &mut Namespace<'n>) {
        let at = child(&op.at, "method");
        methods.claim(
            self,
            op.method.clone(),
            &format!("`{}`", op.method),
            file,
            &at,
        );
        let mut query = Namespace::new("query parameter");
        for q in &op.query {
            let at = child(&q.at, "name");
            if self.name(file, &at, "query parameter name", &q.name) {
                query.claim(self, q.name.clone(), &format!("`{}`", q.name), file, &at);
            }
        }
        match &op.request {
            Some(RequestBody::Resource { resource }) => {
                self.resource_ref(file, &format!("{}.request.resource", op.at), resource);
            }
            Some(RequestBody::Fields { fields, links }) => {
                let mut wire = Namespace::new("request field");
                let mut rust = Namespace::new("field name")
                    .reserve(["links", "unknown"], "the generated field");
                for field in fields {
                    self.property(file, field, &mut wire, &mut rust);
                }
                let mut wire = Namespace::new("link rel");
                let mut rust = Namespace::new("field name").reserve(
                    naming::RELATION_FIELDS.iter().copied(),
                    "the generated field",
                );
                for link in links {
                    self.claim_name(
                        file,
                        &child(&link.at, "rel"),
                        "link rel",
                        &link.rel,
                        naming::field_name,
                        &mut wire,
                        &mut rust,
                    );
                }
            }
            Some(RequestBody::Bytes { .. }) | None => {}
        }
        if let Some(resource) = &op.response.resource {
            self.resource_ref(file, &format!("{}.response.resource", op.at), resource);
        }
        let mut rows = Namespace::new("error row");
        for (i, e) in op.errors.iter().enumerate() {
            // Both name the variant of the row in the operation's error enum.
            let at = format!("{}.errors[{i}]", op.at);
            self.name(file, &format!("{at}.error"), "error name", &e.error);
            if let Some(subcode) = &e.subcode {
                self.name(file, &format!("{at}.subcode"), "subcode", subcode);
            }
            let key = format!("{} {} {:?}", e.error, e.code, e.subcode);
            let shown = format!(
                "{} {} with subcode {}",
                e.error,
                e.code,
                e.subcode.as_deref().unwrap_or("(none)")
            );
            rows.claim(self, key, &shown, file, &format!("{}.errors[{i}]", op.at));
        }
    }

    fn enumeration(&mut self, e: &Enumeration) {
        let file = e.file.as_path();
        if e.members.is_empty() {
            self.error(
                file,
                "$.members",
                "an enumeration needs at least one member",
            );
        }
        let mut wire = Namespace::new("member");
        let mut rust = Namespace::new("variant name")
            .reserve([naming::OTHER_VARIANT], "the generated catch-all variant");
        for m in &e.members {
            let at = child(&m.at, "name");
            self.claim_name(
                file,
                &at,
                "member name",
                &m.name,
                naming::variant_name,
                &mut wire,
                &mut rust,
            );
        }
    }

    /// Checks that `name` can become an identifier, and that neither it nor its Rust form is
    /// already taken in its namespaces.
    #[allow(clippy::too_many_arguments)]
    fn claim_name<'n>(
        &mut self,
        file: &'n Path,
        at: &str,
        what: &str,
        name: &str,
        rust_name: fn(&str) -> String,
        wire: &mut Namespace<'n>,
        rust: &mut Namespace<'n>,
    ) {
        if !self.name(file, at, what, name) {
            return;
        }
        if !wire.claim(self, name.to_owned(), &format!("`{name}`"), file, at) {
            return;
        }
        let in_rust = rust_name(name);
        let shown = if in_rust == name {
            format!("`{name}`")
        } else {
            format!("`{in_rust}` (from `{name}`)")
        };
        rust.claim(self, in_rust, &shown, file, at);
    }
}

/// How the rows `here` differ from the rows `there` (of another operation naming the same
/// table, found at `place`), as a clause, or `None` when they are the same.
fn rows_difference(there: &[SyncError], here: &[SyncError], place: &str) -> Option<String> {
    let shown = |e: &SyncError| {
        format!(
            "{} {} with subcode {}",
            e.code,
            e.error,
            e.subcode.as_deref().unwrap_or("(none)")
        )
    };
    for (i, (a, b)) in there.iter().zip(here).enumerate() {
        if a == b {
            continue;
        }
        return Some(
            if (&a.error, a.code, &a.subcode) == (&b.error, b.code, &b.subcode) {
                format!(
                    "its errors[{i}] differs only in its description from that of the rows {place}"
                )
            } else {
                format!(
                    "its errors[{i}] is `{}` where the rows {place} have `{}`",
                    shown(b),
                    shown(a)
                )
            },
        );
    }
    (there.len() != here.len()).then(|| {
        format!(
            "it lists {} error{} where the rows {place} list {}",
            here.len(),
            if here.len() == 1 { "" } else { "s" },
            there.len()
        )
    })
}

fn known<'a>(names: impl Iterator<Item = &'a String>) -> String {
    let names: Vec<_> = names.map(|n| format!("`{n}`")).collect();
    if names.is_empty() {
        "none".to_owned()
    } else {
        names.join(", ")
    }
}
