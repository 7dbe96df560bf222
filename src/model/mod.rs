//! The typed values the pipeline starts from: the case file ([`case`]), the facts a block may
//! need from it ([`facts`]) and the case format's JSON Schema ([`schema`]).

pub mod case;
pub mod facts;
pub mod schema;
