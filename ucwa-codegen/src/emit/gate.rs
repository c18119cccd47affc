//! Which cargo features an item of the generated code needs, when the builder makes one
//! feature per area (`Builder::features_per_area`): a resource of the `people` area, its
//! operations and its `AnyResource` variant exist with the `people` feature; a link to a
//! resource of another area is typed when that area is on, an untyped `Link` when it is off;
//! an embedded resource of an area that is off lands in `unknown`, as JSON.

use std::collections::BTreeSet;

use proc_macro2::TokenStream;
use quote::quote;

use crate::model::Schema;

/// A condition on features: all of its clauses, each clause any of its features. No clause:
/// always compiled.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Gate(BTreeSet<BTreeSet<String>>);

impl Gate {
    /// Compiled whatever the features.
    pub fn always() -> Gate {
        Gate::default()
    }

    /// Compiled when any of `areas` is on; always when one of them is `None` (the core).
    fn any<'a>(areas: impl IntoIterator<Item = Option<&'a str>>) -> Gate {
        let mut clause = BTreeSet::new();
        for area in areas {
            match area {
                None => return Gate::always(),
                Some(area) => {
                    clause.insert(area.to_owned());
                }
            }
        }
        if clause.is_empty() {
            return Gate::always();
        }
        Gate(BTreeSet::from([clause]))
    }

    /// Compiled when both are.
    pub fn and(&self, other: &Gate) -> Gate {
        Gate(self.0.union(&other.0).cloned().collect())
    }

    /// Whether anything compiled under `self` is also compiled under `other` (every clause of
    /// `other` is one of `self`'s, or holds a feature of one of them).
    pub fn implies(&self, other: &Gate) -> bool {
        other
            .0
            .iter()
            .all(|clause| self.0.iter().any(|mine| mine.is_subset(clause)))
    }

    fn predicate(&self) -> Option<TokenStream> {
        let clauses: Vec<TokenStream> = self
            .0
            .iter()
            .map(|clause| {
                let features = clause.iter().map(|f| quote!(feature = #f));
                if clause.len() == 1 {
                    quote!(#(#features)*)
                } else {
                    quote!(any(#(#features),*))
                }
            })
            .collect();
        match clauses.len() {
            0 => None,
            1 => clauses.into_iter().next(),
            _ => Some(quote!(all(#(#clauses),*))),
        }
    }

    /// `#[cfg(..)]`, or nothing for an item always compiled.
    pub fn cfg(&self) -> TokenStream {
        match self.predicate() {
            Some(predicate) => quote!(#[cfg(#predicate)]),
            None => quote!(),
        }
    }

    /// `#[cfg(not(..))]`: the item that stands in when this gate's features are off.
    pub fn cfg_not(&self) -> TokenStream {
        match self.predicate() {
            Some(predicate) => quote!(#[cfg(not(#predicate))]),
            None => quote!(),
        }
    }
}

/// The gates of the schema's items.
pub struct Gates<'s> {
    schema: &'s Schema,
    enabled: bool,
}

impl<'s> Gates<'s> {
    pub fn new(schema: &'s Schema, enabled: bool) -> Self {
        Gates { schema, enabled }
    }

    /// The area of the resource `name` (`None` for the core, or without features per area).
    fn area(&self, name: &str) -> Option<&'s str> {
        if !self.enabled {
            return None;
        }
        self.schema
            .resources
            .iter()
            .find(|r| r.name == name)
            .and_then(|r| r.area.as_deref())
    }

    /// Where the resource `name` is on: its struct or alias, its operations, its variant.
    pub fn resource(&self, name: &str) -> Gate {
        Gate::any([self.area(name)])
    }

    /// Where any of the resources `names` is on.
    pub fn any_resource<'n>(&self, names: impl IntoIterator<Item = &'n str>) -> Gate {
        Gate::any(names.into_iter().map(|n| self.area(n)))
    }

    /// Where the Rust type named for `name` exists: a type other rels share exists when any
    /// of them is on.
    pub fn type_name(&self, name: &str) -> Gate {
        let sharers = self.schema.sharers(name);
        Gate::any(std::iter::once(self.area(name)).chain(sharers.iter().map(|s| self.area(s))))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gates_print_as_cfg_predicates() {
        assert!(Gate::always().cfg().is_empty());
        let people = Gate::any([Some("people")]);
        assert_eq!(
            people.cfg().to_string(),
            quote!(#[cfg(feature = "people")]).to_string()
        );
        let either = Gate::any([Some("people"), Some("me")]);
        assert_eq!(
            either.cfg_not().to_string(),
            quote!(#[cfg(not(any(feature = "me", feature = "people")))]).to_string()
        );
        assert_eq!(Gate::any([Some("people"), None]), Gate::always());
        let both = people.and(&Gate::any([Some("me")]));
        assert_eq!(
            both.cfg().to_string(),
            quote!(#[cfg(all(feature = "me", feature = "people"))]).to_string()
        );
        assert!(both.implies(&people));
        assert!(people.implies(&either));
        assert!(!either.implies(&people));
        assert!(people.implies(&Gate::always()));
        assert!(!Gate::always().implies(&people));
    }
}
