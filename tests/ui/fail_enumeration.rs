// Enumerations: fieldless members, one `other` variant holding the value, unique wire names.
#[derive(ucwa_runtime::Enumeration)]
enum Role {
    Attendee,
    #[ucwa(name = "Attendee")]
    Participant,
    Leader { since: u32 },
    #[ucwa(other)]
    Other,
    #[ucwa(other)]
    Else(String),
}

#[derive(ucwa_runtime::Enumeration)]
struct NotAnEnum;

fn main() {}
