//! Temporary stand-in for the PDF typesetter (replaced by the real module).
#![allow(missing_docs)]
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Paper {
    #[default]
    Letter,
    A4,
}
impl std::str::FromStr for Paper {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        match s {
            "letter" => Ok(Paper::Letter),
            "a4" => Ok(Paper::A4),
            _ => Err(format!("unknown paper {s}")),
        }
    }
}
#[derive(Debug, Clone, Default)]
pub struct PdfOptions {
    pub paper: Paper,
    pub fallback_font: Option<Vec<u8>>,
    pub source_name: String,
}
#[derive(Debug, thiserror::Error)]
#[error("PDF output is not available yet")]
pub struct PdfError;
pub fn pdf(_markdown: &str, _options: &PdfOptions) -> Result<Vec<u8>, PdfError> {
    Err(PdfError)
}
