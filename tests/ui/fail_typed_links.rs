// A link leads to one resource: the generated requests and the client's `get` take only a link
// to their own resource, so a link of another rel, or one whose target is unknown, does not
// compile where it would send the wrong request.
use ucwa::operations::AcceptPost;
use ucwa::resources::{Cancel, Participant};
use ucwa::{Format, Link, Origin};

fn get<R: ucwa::Resource>(_: &Link<R>) {}

fn main() {
    let origin = Origin::parse("https://fe1.contoso.com").unwrap();
    let cancel: Link<Cancel> = Link::to("/ucwa/conversations/1/cancel");
    let _ = AcceptPost::request(&origin, &cancel, Format::Json);

    let untyped = Link::new("/ucwa/people/1");
    get(&untyped);
    // Typed on purpose: compiles.
    get::<Participant>(&untyped.to_cast());
}
