//! Reading inputs with limits ([`input`]) and writing outputs without losing or clobbering a
//! file ([`output`]).

pub mod input;
pub mod output;
