//! # appeal
//!
//! Drafts health-insurance appeal letters and letters of medical necessity from a case file.
//!
//! # Steps
//! 1. [`case`]: TOML → [`case::Case`], strictly validated.

/// `bundled!["a.md", "b/c.md"]`: a table of `(path, text)` for files under `templates/`,
/// compiled into the binary so `appeal` works from any folder.
#[macro_export]
#[doc(hidden)]
macro_rules! bundled {
    ($($path:literal),* $(,)?) => {
        &[$(($path, include_str!(concat!(env!("CARGO_MANIFEST_DIR"), "/templates/", $path)))),*]
    };
}

pub mod case;
pub mod catalog;
pub mod check;
pub mod cli;
pub mod diag;
pub mod escape;
pub mod explain;
pub mod facts;
pub mod input;
pub mod letter;
pub mod library;
pub mod output;
pub mod packet;
pub mod plan;
pub mod refs;
pub mod render;
pub mod rules;
pub mod status;
pub mod templates;
pub mod workspace;
