// Operation errors: rows with a status (and maybe a subcode) holding the body, one `common`.
use ucwa_runtime::ErrorBody;
use ucwa_runtime::operation::UcwaError;

#[derive(Debug, ucwa_runtime::OperationError)]
enum EscalateError {
    #[ucwa(status = 409, subcode = "AlreadyExists")]
    AlreadyExists(Box<ErrorBody>),
    #[ucwa(status = 409, subcode = "AlreadyExists")]
    Again(Box<ErrorBody>),
    #[ucwa(status = 200)]
    NotAnError(Box<ErrorBody>),
    #[ucwa(status = 400)]
    Unit,
    #[ucwa(subcode = "Missing")]
    NoStatus(Box<ErrorBody>),
    #[ucwa(common, status = 500)]
    Common(UcwaError),
}

#[derive(Debug, ucwa_runtime::OperationError)]
enum NoCommon {
    #[ucwa(status = 404)]
    NotFound(Box<ErrorBody>),
}

fn main() {}
