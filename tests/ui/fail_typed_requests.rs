// A request carries the operation that built it, and a batch (or a client's `send`) reads its
// answer with that operation. Naming another operation does not compile: the request would
// pass that operation's checks (a photo is not batchable; an application's GET is) and its
// answer would be read with the wrong output and error table.
use ucwa::operation::Batch;
use ucwa::operations::{ApplicationGet, PhotoGet, PhotoGetQuery};
use ucwa::resources::Photo;
use ucwa::{Link, Origin};

fn main() {
    let origin = Origin::parse("https://fe1.contoso.com").unwrap();
    let photo: Link<Photo> = Link::to("/ucwa/oauth/v1/applications/1/photos/sip:a@contoso.com");
    let mut batch = Batch::new(origin.clone());
    let request = PhotoGet::request(&origin, &photo, &PhotoGetQuery::default()).unwrap();
    let _ = batch.add::<ApplicationGet>(request);

    // Inferred from the request: compiles (and is refused when it runs: not batchable).
    let request = PhotoGet::request(&origin, &photo, &PhotoGetQuery::default()).unwrap();
    let _ = batch.add(request);
}
