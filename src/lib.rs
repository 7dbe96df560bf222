//! # appeal
//!
//! Drafts health-insurance appeal letters and letters of medical necessity from a case file.
//!
//! # Steps
//! 1. [`case`]: TOML → [`case::Case`], strictly validated.

pub mod bundled;
pub mod case;
pub mod catalog;
pub mod check;
pub mod cli;
pub mod diag;
pub mod escape;
pub mod facts;
pub mod input;
pub mod letter;
pub mod library;
pub mod output;
pub mod plan;
pub mod refs;
pub mod render;
pub mod rules;
pub mod templates;
pub mod workspace;
