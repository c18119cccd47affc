// A hand-written operation error, against the runtime renamed: `#[ucwa(crate = "..")]` names it.
extern crate ucwa_runtime as runtime;

use runtime::operation::{GenericError, OperationError, UcwaError};
use runtime::{ErrorBody, http::StatusCode};

#[derive(Debug, runtime::OperationError)]
#[ucwa(crate = "runtime")]
enum EscalateError {
    #[ucwa(status = 409, subcode = "AlreadyExists")]
    AlreadyExists(Box<ErrorBody>),
    #[ucwa(status = 400)]
    BadRequest(Box<ErrorBody>),
    #[ucwa(common)]
    Common(UcwaError),
}

#[derive(Debug, Default, runtime::Resource)]
#[ucwa(rel = "ping", crate = "::runtime")]
struct Ping {
    #[ucwa(links)]
    links: PingLinks,
}

#[derive(Debug, Default, runtime::Links)]
#[ucwa(crate = "runtime")]
struct PingLinks {
    #[ucwa(rel = "self")]
    self_: Option<runtime::Link>,
}

fn body(code: &str, subcode: Option<&str>) -> ErrorBody {
    ErrorBody {
        code: code.into(),
        subcode: subcode.map(Into::into),
        ..Default::default()
    }
}

fn main() {
    let conflict = EscalateError::classify(StatusCode::CONFLICT, body("Conflict", Some("AlreadyExists")));
    assert!(matches!(conflict, EscalateError::AlreadyExists(_)));
    assert_eq!(conflict.status(), 409);
    assert_eq!(conflict.to_string(), "409 Conflict (AlreadyExists)");
    // Without a subcode: only the row without one.
    let bad = EscalateError::classify(StatusCode::BAD_REQUEST, body("BadRequest", None));
    assert!(matches!(bad, EscalateError::BadRequest(_)));
    // A generic error and an unlisted one go to `Common`, status and body kept.
    let generic = EscalateError::classify(
        StatusCode::BAD_REQUEST,
        body("BadRequest", Some("ParameterValidationFailure")),
    );
    assert!(matches!(
        generic,
        EscalateError::Common(UcwaError::Generic { kind: GenericError::ParameterValidationFailure, .. })
    ));
    let other = EscalateError::classify(StatusCode::CONFLICT, body("Conflict", Some("Unlisted")));
    assert_eq!(other.body().subcode.as_deref(), Some("Unlisted"));
    assert!(matches!(other, EscalateError::Common(UcwaError::Other { status: 409, .. })));

    let ping: Ping = runtime::json::from_str(r#"{"rel": "ping", "_links": {"self": {"href": "/p"}}}"#).unwrap();
    assert_eq!(runtime::Resource::self_link(&ping).unwrap().href.as_str(), "/p");
}
