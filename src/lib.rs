//! # appeal
//!
//! Drafts health-insurance appeal letters and letters of medical necessity from a case file.
//!
//! # Steps
//! 1. [`case`]: TOML → [`case::Case`], strictly validated.
//! 2. The data, bundled into the binary ([`bundled`]) or overridden from folders:
//!    [`catalog`] (argument blocks), [`library`] (BibTeX references), [`rules`] (appeal rules
//!    per plan regulation) and [`templates`] (the tera environment).
//! 3. [`context::Context::new`]: (case, kind, date, rules) → the typed template context and the
//!    deadlines.
//! 4. [`plan::plan`]: (case, catalogue, library, templates, context) → [`plan::Plan`], every block
//!    selected or skipped, and why; the selected blocks' prose drafted.
//! 5. [`letter::assemble`]: (plan, …) → [`letter::Letter`], citations numbered, references
//!    formatted; the plan is read, never changed.
//! 6. [`render::markdown`]: letter → Markdown; [`render::pdf::pdf`]: Markdown → PDF bytes;
//!    [`render::docx::docx`]: Markdown → Word document bytes.
//!
//! [`workspace::Workspace`] loads the data once and runs steps 3 to 5 for each case, and
//! [`packet`] decides which documents a case produces. [`check`], [`explain`], [`status`],
//! [`refs`] and [`rules::deadlines`] are the reports beside the letter. The binary (`main.rs`,
//! [`cli`]) owns argv, files and exit codes. See `docs/architecture.md`.
//!
//! The source folders follow the stages: [`model`], [`load`], [`pipeline`], [`render`],
//! [`report`], [`files`] and [`cli`].

// The folders show the pipeline's stages; the modules are re-exported here so that every path
// (`appeal::case::Case`, `appeal::plan::plan`) names the thing, not the folder it sits in.
pub mod cli;
pub mod files;
pub mod load;
pub mod model;
pub mod pipeline;
pub mod render;
pub mod report;
pub mod serve;

pub use files::{input, output};
pub use load::{bundled, catalog, diag, library, rules, templates};
pub use model::{case, facts, schema};
pub use pipeline::{batch, context, escalation, escape, exception, letter, packet, plan, review, workspace};
pub use report::{check, explain, refs, status};
