//! Authentication: the 401 challenges ([`challenge`]).

pub mod challenge;
