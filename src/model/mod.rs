//! The typed values the pipeline starts from: the case file ([`case`]) and the facts a block may
//! need from it ([`facts`]).

pub mod case;
pub mod facts;
