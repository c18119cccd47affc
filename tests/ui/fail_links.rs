// Links: duplicate rels, two unknown fields, container attributes, a field that cannot hold a rel.
#[derive(Default, ucwa_runtime::Links)]
#[ucwa(rel = "x")]
struct Links {
    #[ucwa(rel = "self")]
    self_: Option<ucwa_runtime::Link>,
    #[ucwa(rel = "self")]
    me: Option<ucwa_runtime::Link>,
    #[ucwa(unknown)]
    unknown: ucwa_runtime::Unknown,
    #[ucwa(unknown)]
    more: ucwa_runtime::Unknown,
}

#[derive(Default, ucwa_runtime::Links)]
struct NotARelField {
    admit: String,
}

fn main() {}
