// A resource needs its rel, named fields and no generics.
#[derive(ucwa::Resource)]
struct NoRel {}

#[derive(ucwa::Resource)]
#[ucwa(rel = "tuple")]
struct Tuple(Option<String>);

#[derive(ucwa::Resource)]
#[ucwa(rel = "generic")]
struct Generic<T> {
    value: Option<T>,
}

#[derive(ucwa::Resource)]
#[ucwa(rel = "choice")]
enum Choice {
    A,
}

fn main() {}
