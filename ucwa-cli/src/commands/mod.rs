//! One module per area of subcommands; each takes what it needs and prints through
//! [`crate::output::Output`].

pub mod account;
pub mod audit;
pub mod calls;
pub mod emulator;
pub mod forwarding;
pub mod get;
pub mod im;
pub mod me;
pub mod meetings;
pub mod people;
pub mod watch;

/// A SIP URI from an address given as `user@domain` or `sip:user@domain`.
pub fn sip(address: &str) -> String {
    if address.starts_with("sip:") {
        address.to_owned()
    } else {
        format!("sip:{address}")
    }
}

/// Text for an optional value in a table.
pub fn or_dash(value: Option<&str>) -> String {
    value.filter(|v| !v.is_empty()).unwrap_or("-").to_owned()
}
