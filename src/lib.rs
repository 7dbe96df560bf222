//! # appeal
//!
//! Drafts health-insurance appeal letters and letters of medical necessity from a case file.
//!
//! # Steps
//! 1. [`case`]: TOML → [`case::Case`], strictly validated.
//! 2. The data, bundled into the binary ([`bundled`]) or overridden from folders:
//!    [`catalog`] (argument blocks), [`library`] (BibTeX references), [`rules`] (appeal rules
//!    per plan regulation) and [`templates`] (the tera environment).
//! 3. [`plan::plan`]: (case, catalogue, library) → [`plan::Plan`], every block selected or
//!    skipped, and why.
//! 4. [`letter::assemble`]: → [`letter::Letter`], block prose rendered and citations numbered.
//! 5. [`render::markdown`]: letter → Markdown; [`render::pdf::pdf`]: Markdown → PDF bytes.
//!
//! [`workspace::Workspace`] loads the data once and runs steps 3 to 5 for each case, and
//! [`packet`] decides which documents a case produces. [`check`], [`explain`], [`status`],
//! [`refs`] and [`rules::deadlines`] are the reports beside the letter. The binary (`main.rs`,
//! [`cli`]) owns argv, files and exit codes. See `docs/architecture.md`.

pub mod bundled;
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
