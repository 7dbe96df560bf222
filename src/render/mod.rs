//! Output formats: the letter as Markdown, Markdown typeset as PDF, and Markdown written as a
//! Word document; the letterhead image both of the latter may carry.

pub mod docx;
pub mod letterhead;
pub mod markdown;
pub mod pdf;
