// Several mistakes in one struct: all of them are reported, each on its attribute or field.
#[derive(ucwa_runtime::Resource)]
#[ucwa(rel = "participant", version = 2)]
struct Participant {
    #[ucwa(nmae = "name")]
    name: Option<String>,
    in_lobby: bool,
    #[ucwa(name = "name")]
    display_name: Option<String>,
    #[ucwa(links, unknown)]
    links: ucwa_runtime::Unknown,
    #[ucwa(name = "rel")]
    rel: Option<String>,
}

fn main() {}
