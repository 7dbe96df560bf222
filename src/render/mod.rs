//! Output formats: the letter as Markdown, and Markdown typeset as PDF.

pub mod markdown;
pub mod pdf;
