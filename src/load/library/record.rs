//! Entries read from CSL-JSON and RIS, and how they become [`Reference`]s like BibTeX entries.
//!
//! Both formats lack BibTeX's free-form fields, so the curation fields travel in the one
//! free-text field each has: CSL-JSON `note` (Zotero's *Extra*) and RIS `N1`. Each line of it
//! written `name: value` with one of the names below is read as that field, the way Zotero
//! reads `PMID: …` from *Extra*; Better BibTeX's `tex.name: value` form works too. Other lines
//! stay in `note`.
//!
//! | line | becomes |
//! |---|---|
//! | `verification: verified` | `verification` (or `unverified`) |
//! | `verification_note: …`, `verification_source: …` | the same fields |
//! | `finding: …` | `finding`, the sentence an argument prints |
//! | `keywords: a, b` or `tags: a, b` | tags, added to the format's own (`keyword`, `KW`) |
//! | `PMID: …`, `PMCID: …`, `DOI: …` | the identifiers, when the format has no field for them |
//! | `Citation Key: …` | the key (Better BibTeX pins keys this way) |

use std::sync::Arc;

use super::{Diagnostic, DiagnosticKind, Fields, Origin, Reference, split_tags, verification_of};

/// Records read from one file, each with its line, column and byte span.
pub(super) type Records = Vec<(Record, usize, usize, std::ops::Range<usize>)>;

/// A reader of one format: file name and text to records, reporting problems.
pub(super) type Reader = fn(&str, &str, &mut Vec<Diagnostic>) -> Records;

/// One entry as read from a CSL-JSON item or a RIS record.
#[derive(Debug, Default)]
pub(super) struct Record {
    /// The key, if the record names one.
    pub(super) key: Option<String>,
    /// The BibTeX-like entry type (`article`, `book`, …).
    pub(super) kind: String,
    /// Fields by BibTeX name, in the order read; the first value of a name wins.
    pub(super) fields: Vec<(String, String)>,
    /// Authors, each `Family, Given` or `{Corporate name}`.
    pub(super) authors: Vec<String>,
    /// Editors, the same way.
    pub(super) editors: Vec<String>,
    /// Tags, in order.
    pub(super) tags: Vec<String>,
}

/// Names a note line may set (lower case, without a `tex.` prefix).
const NOTE_FIELDS: &[&str] = &[
    "verification",
    "verification_note",
    "verification_source",
    "finding",
    "keywords",
    "tags",
    "pmid",
    "pmcid",
    "doi",
    "citation key",
];

impl Record {
    /// Sets a field unless it is empty or already set.
    pub(super) fn set(&mut self, name: &str, value: &str) {
        let value = value.trim();
        if value.is_empty() || self.fields.iter().any(|(n, _)| n == name) {
            return;
        }
        let value = if name == "pages" {
            // `1438-1445` prints with an en dash, as BibTeX's `1438--1445` does.
            value.replace('-', "–")
        } else {
            value.to_owned()
        };
        self.fields.push((name.to_owned(), value));
    }

    /// Adds tags from a `keywords`-like value (`,` or `;` separated).
    pub(super) fn add_tags(&mut self, value: &str) {
        for tag in split_tags(value) {
            if !self.tags.contains(&tag) {
                self.tags.push(tag);
            }
        }
    }

    /// Reads a free-text note (CSL `note`, RIS `N1`): convention lines become fields, the rest
    /// stays as `note`.
    pub(super) fn read_note(&mut self, note: &str) {
        let mut rest = Vec::new();
        for line in note.lines() {
            let field = line.split_once(':').and_then(|(name, value)| {
                let name = name.trim().to_ascii_lowercase();
                let name = name.strip_prefix("tex.").unwrap_or(&name).to_owned();
                NOTE_FIELDS.contains(&name.as_str()).then(|| (name, value.trim()))
            });
            match field {
                Some((name, value)) if name == "keywords" || name == "tags" => self.add_tags(value),
                Some((name, value)) if name == "citation key" => {
                    if self.key.is_none() && !value.is_empty() {
                        self.key = Some(value.to_owned());
                    }
                }
                Some((name, value)) => self.set(&name, value),
                None => rest.push(line),
            }
        }
        let rest = rest.join("\n");
        self.set("note", &rest);
    }

    /// The record as a [`Reference`]. `key` is the record's key or one made for it.
    pub(super) fn into_reference(
        self,
        key: String,
        origin: Origin,
        diags: &mut Vec<Diagnostic>,
    ) -> Reference {
        let mut fields = Fields::with_capacity(self.fields.len() + 3, 256);
        let join = |names: &[String], braces: bool| {
            names
                .iter()
                .map(|n| {
                    if braces {
                        n.clone()
                    } else {
                        n.replace(['{', '}'], "")
                    }
                })
                .collect::<Vec<_>>()
                .join(" and ")
        };
        let raw_author = (!self.authors.is_empty()).then(|| join(&self.authors, true));
        let raw_editor = (!self.editors.is_empty()).then(|| join(&self.editors, true));
        if !self.authors.is_empty() {
            let shown = join(&self.authors, false);
            fields.push("author", |t| t.push_str(&shown));
        }
        if !self.editors.is_empty() {
            let shown = join(&self.editors, false);
            fields.push("editor", |t| t.push_str(&shown));
        }
        if !self.tags.is_empty() {
            let shown = self.tags.join(", ");
            fields.push("keywords", |t| t.push_str(&shown));
        }
        for (name, value) in &self.fields {
            let value = if name == "doi" {
                super::bare_doi(value)
            } else {
                value.as_str()
            };
            fields.insert_if_absent(name, value);
        }
        let file = Arc::clone(&origin.file);
        let (line, column) = (origin.line, origin.column);
        let verification = verification_of(&fields, &key, diags, || (file.to_string(), line, column));
        Reference {
            key,
            kind: self.kind,
            fields,
            tags: self.tags,
            verification,
            origin,
            raw_author,
            raw_editor,
        }
    }

    /// A key for a record without one: first author's family name, year and first word of
    /// the title that is not an article or preposition (`bakitas2015early`), as the bundled
    /// library and Better BibTeX make them.
    pub(super) fn made_key(&self) -> String {
        let lower_alnum = |s: &str| -> String {
            s.chars()
                .filter(|c| c.is_alphanumeric())
                .flat_map(char::to_lowercase)
                .collect()
        };
        let family = self
            .authors
            .first()
            .map(|a| a.split(',').next().unwrap_or(a).to_owned())
            .unwrap_or_else(|| "anon".to_owned());
        let year = self
            .fields
            .iter()
            .find(|(n, _)| n == "year")
            .map(|(_, y)| y.as_str())
            .unwrap_or("");
        const SMALL: &[&str] = &[
            "a", "an", "the", "of", "on", "in", "for", "and", "to", "with", "at", "by",
        ];
        let word = self
            .fields
            .iter()
            .find(|(n, _)| n == "title")
            .and_then(|(_, t)| {
                t.split(|c: char| c.is_whitespace() || c == '-')
                    .map(lower_alnum)
                    .find(|w| !w.is_empty() && !SMALL.contains(&w.as_str()))
            })
            .unwrap_or_default();
        format!("{}{}{word}", lower_alnum(&family), lower_alnum(year))
    }
}

/// Keys for records in one file: the record's own, or a made one (`b`, `c`, … added when two
/// records would make the same).
pub(super) fn keys_for(records: &[(Record, Origin)]) -> Vec<String> {
    let mut taken: std::collections::HashSet<String> = records
        .iter()
        .filter_map(|(r, _)| r.key.as_ref().map(|k| k.to_ascii_lowercase()))
        .collect();
    records
        .iter()
        .map(|(r, _)| match &r.key {
            Some(k) => k.clone(),
            None => {
                let base = r.made_key();
                let mut key = base.clone();
                let mut suffix = b'b';
                while taken.contains(&key.to_ascii_lowercase()) && suffix <= b'z' {
                    key = format!("{base}{}", suffix as char);
                    suffix += 1;
                }
                taken.insert(key.to_ascii_lowercase());
                key
            }
        })
        .collect()
}

/// A problem at a line and column of a CSL-JSON or RIS file.
pub(super) fn problem(file: &str, line: usize, column: usize, message: String, hint: &str) -> Diagnostic {
    Diagnostic {
        file: file.to_owned(),
        line,
        column,
        kind: DiagnosticKind::Syntax,
        message,
        hint: Some(hint.to_owned()),
        key: None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn note_lines_set_curation_fields_and_the_rest_stays_a_note() {
        let mut r = Record::default();
        r.read_note(
            "PMID: 25800768\ntex.finding: One sentence.\nVerification: verified\nCitation Key: bakitas2015early\ntags: palliative-care; guideline\nRead on the train.",
        );
        assert_eq!(r.key.as_deref(), Some("bakitas2015early"));
        assert_eq!(r.tags, ["palliative-care", "guideline"]);
        let get = |name: &str| r.fields.iter().find(|(n, _)| n == name).map(|(_, v)| v.as_str());
        assert_eq!(get("pmid"), Some("25800768"));
        assert_eq!(get("finding"), Some("One sentence."));
        assert_eq!(get("verification"), Some("verified"));
        assert_eq!(get("note"), Some("Read on the train."));
    }

    #[test]
    fn made_keys_follow_the_bundled_pattern_and_stay_unique() {
        let record = |author: &str, title: &str| {
            let mut r = Record::default();
            r.authors.push(author.to_owned());
            r.set("year", "2015");
            r.set("title", title);
            r
        };
        let origin = || Origin {
            file: Arc::from("x.ris"),
            line: 1,
            column: 1,
            span: 0..0,
        };
        let records = vec![
            (
                record("Bakitas, Marie A.", "Early versus delayed initiation"),
                origin(),
            ),
            (record("Bakitas, Marie A.", "The early trial"), origin()),
        ];
        assert_eq!(keys_for(&records), ["bakitas2015early", "bakitas2015earlyb"]);
    }
}
