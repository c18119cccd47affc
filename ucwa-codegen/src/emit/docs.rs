//! Rustdoc attributes from schema text.

use proc_macro2::TokenStream;
use quote::quote;

/// The schema's own sentence when it has one, else `fact`: every generated item is documented,
/// and the schema's words (the team's, never the reference's) say more than the fact.
pub fn described(description: &str, fact: impl FnOnce() -> String) -> String {
    let description = sentence(description);
    if description.is_empty() {
        fact()
    } else {
        description
    }
}

/// The reference page of a resource or an enumeration, e.g. `participant_ref`, as a link.
pub fn reference(page: &str) -> String {
    format!(
        "[Reference page](https://learn.microsoft.com/en-us/skype-sdk/ucwa/{}_ref).",
        page.to_ascii_lowercase()
    )
}

/// `#[doc = ".."]` attributes for `paragraphs`, separated by blank doc lines; empty paragraphs
/// are left out.
pub fn doc<S: AsRef<str>>(paragraphs: impl IntoIterator<Item = S>) -> TokenStream {
    let mut lines: Vec<String> = Vec::new();
    for paragraph in paragraphs {
        let paragraph = paragraph.as_ref().trim();
        if paragraph.is_empty() {
            continue;
        }
        if !lines.is_empty() {
            lines.push(String::new());
        }
        lines.extend(paragraph.lines().map(|line| {
            let line = line.trim_end();
            if line.is_empty() {
                String::new()
            } else {
                format!(" {line}")
            }
        }));
    }
    quote!(#(#[doc = #lines])*)
}

/// Ends a sentence with a period if it has no closing punctuation; empty stays empty.
pub fn sentence(text: &str) -> String {
    let text = text.trim();
    if text.is_empty() || text.ends_with(['.', '!', '?', ':']) {
        text.to_owned()
    } else {
        format!("{text}.")
    }
}
