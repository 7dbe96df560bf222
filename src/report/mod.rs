//! The reports beside the letter, each `Serialize` (the `--json` shape) and `Display` (the text a
//! person reads): [`check`] (ready to send?), [`explain`] (why each argument was used or
//! skipped), [`status`] (the timeline) and [`refs`] (the reference library).

pub mod check;
pub mod explain;
pub mod refs;
pub mod status;
