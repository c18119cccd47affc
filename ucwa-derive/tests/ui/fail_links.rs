// Links: duplicate rels, two unknown fields, container attributes, a field that cannot hold a rel.
#[derive(Default, ucwa::Links)]
#[ucwa(rel = "x")]
struct Links {
    #[ucwa(rel = "self")]
    self_: Option<ucwa::Link>,
    #[ucwa(rel = "self")]
    me: Option<ucwa::Link>,
    #[ucwa(unknown)]
    unknown: ucwa::Unknown,
    #[ucwa(unknown)]
    more: ucwa::Unknown,
}

#[derive(Default, ucwa::Links)]
struct NotARelField {
    admit: String,
}

fn main() {}
