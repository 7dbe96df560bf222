//! The catalogues a letter is made from, bundled into the binary ([`bundled`]) or read from
//! folders the user names: argument blocks ([`catalog`]), references ([`library`]), appeal rules
//! ([`rules`]) and letter templates ([`templates`]), each with positioned diagnostics ([`diag`]).

pub mod bundled;
pub mod catalog;
pub mod diag;
pub mod library;
pub mod rules;
pub mod templates;
