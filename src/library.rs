//! Temporary stand-in for the reference library (replaced by the real module).
#![allow(missing_docs, dead_code)]
use std::collections::{BTreeMap, HashMap};

pub struct BibSource {
    pub name: String,
    pub text: String,
}
#[derive(Debug, Clone)]
pub enum Verification {
    Verified,
    Unverified { note: String },
}
#[derive(Debug, Clone)]
pub struct Origin {
    pub file: String,
    pub line: usize,
}
#[derive(Debug, Clone)]
pub struct Reference {
    pub key: String,
    pub kind: String,
    pub fields: BTreeMap<String, String>,
    pub tags: Vec<String>,
    pub verification: Verification,
    pub origin: Origin,
}
#[derive(Debug, Clone)]
pub struct Diagnostic {
    pub file: String,
    pub line: usize,
    pub column: usize,
    pub message: String,
    pub hint: Option<String>,
}
impl std::fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}:{}:{}: {}", self.file, self.line, self.column, self.message)
    }
}
#[derive(Default)]
pub struct Library {
    entries: Vec<Reference>,
    index: HashMap<String, usize>,
}
impl Library {
    pub fn load(_sources: &[BibSource]) -> (Library, Vec<Diagnostic>) {
        (Library::default(), vec![])
    }
    pub fn bundled() -> Vec<BibSource> {
        vec![]
    }
    pub fn get(&self, key: &str) -> Option<&Reference> {
        self.index.get(key).map(|&i| &self.entries[i])
    }
    pub fn entries(&self) -> &[Reference] {
        &self.entries
    }
    pub fn with_tag<'a>(&'a self, tag: &'a str) -> impl Iterator<Item = &'a Reference> {
        self.entries
            .iter()
            .filter(move |r| r.tags.iter().any(|t| t == tag))
    }
}
pub struct Style;
#[derive(Debug, thiserror::Error)]
#[error("style error")]
pub struct StyleError;
impl Style {
    pub fn by_name(_n: &str) -> Result<Style, StyleError> {
        Ok(Style)
    }
}
pub fn format_bibliography(refs: &[&Reference], _style: &Style) -> Result<Vec<String>, StyleError> {
    Ok(refs.iter().map(|r| r.key.clone()).collect())
}
pub const DEFAULT_STYLE: &str = "american-medical-association";
