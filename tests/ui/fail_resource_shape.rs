// A resource needs its rel, named fields and no generics.
#[derive(ucwa_runtime::Resource)]
struct NoRel {}

#[derive(ucwa_runtime::Resource)]
#[ucwa(rel = "tuple")]
struct Tuple(Option<String>);

#[derive(ucwa_runtime::Resource)]
#[ucwa(rel = "generic")]
struct Generic<T> {
    value: Option<T>,
}

#[derive(ucwa_runtime::Resource)]
#[ucwa(rel = "choice")]
enum Choice {
    A,
}

fn main() {}
