//! The logic behind `appeal refs ...`: list, show, search, tags, check and styles.
//!
//! Each function takes typed inputs (a loaded [`Library`], the [`TagVocabulary`], the blocks'
//! citations as [`BlockCites`]) and returns a report value whose `Display` is the plain text for
//! the terminal. The CLI owns argv, stdout and exit codes; [`CheckReport::has_problems`] tells it
//! whether `refs check` should exit 1.

use std::collections::BTreeMap;
use std::fmt;

use crate::library::{
    BibSource, Diagnostic, DiagnosticKind, Library, Reference, Style, StyleError, StyleInfo, TagVocabulary,
    Verification, format_bibliography,
};

/// What one block cites: keys and tags (from the block catalogue, which the caller owns).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BlockCites {
    /// The block id.
    pub block: String,
    /// The block file's display path.
    pub file: String,
    /// Reference keys cited (`cites`).
    pub keys: Vec<String>,
    /// Tags cited (`cite_tags`).
    pub tags: Vec<String>,
}

/// Errors of the `refs` commands that are about the user's input.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RefsError {
    /// `refs show KEY` with a key no library defines.
    #[error("no reference has the key `{key}`{}", suggestion.as_ref().map(|s| format!("; did you mean `{s}`?")).unwrap_or_default())]
    UnknownKey {
        /// The key asked for.
        key: String,
        /// A key differing only in case, or sharing a prefix, if any.
        suggestion: Option<String>,
    },
    /// `refs list --tag T` with a tag not in the vocabulary.
    #[error("unknown tag `{tag}`; `appeal refs tags` lists the vocabulary")]
    UnknownTag {
        /// The tag asked for.
        tag: String,
    },
    /// The style could not format an entry.
    #[error(transparent)]
    Style(#[from] StyleError),
}

/// One line of a listing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ListRow {
    /// The key.
    pub key: String,
    /// Whether the entry is verified.
    pub verified: bool,
    /// The year, or empty.
    pub year: String,
    /// First author's family name (with "et al." when there are more), or empty.
    pub first_author: String,
    /// The title.
    pub title: String,
    /// The tags.
    pub tags: Vec<String>,
}

impl ListRow {
    fn from_reference(r: &Reference) -> ListRow {
        let authors = r.authors();
        let first_author = match authors.names.first() {
            Some(n) if authors.names.len() > 1 || authors.others => {
                format!("{} et al.", n.full_family())
            }
            Some(n) => n.full_family(),
            None => String::new(),
        };
        ListRow {
            key: r.key.clone(),
            verified: r.verification.is_verified(),
            year: r.year().unwrap_or("").to_owned(),
            first_author,
            title: r.title().to_owned(),
            tags: r.tags.clone(),
        }
    }
}

/// The result of `refs list` or `refs search`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ListReport {
    /// What was listed ("all references", "tag palliative-care", "search \"x\"").
    pub heading: String,
    /// The rows, in library order.
    pub rows: Vec<ListRow>,
}

impl fmt::Display for ListReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let width = self.rows.iter().map(|r| r.key.chars().count()).max().unwrap_or(0);
        for r in &self.rows {
            writeln!(
                f,
                "{:<width$}  {}  {:<4}  {} — {}  [{}]",
                r.key,
                if r.verified { "verified  " } else { "UNVERIFIED" },
                r.year,
                if r.first_author.is_empty() {
                    "(no author)"
                } else {
                    &r.first_author
                },
                r.title,
                r.tags.join(", "),
            )?;
        }
        write!(f, "{}: {} reference(s)", self.heading, self.rows.len())
    }
}

/// `refs list [--tag T]`: every entry, or those carrying `tag` (which must be in `vocabulary`).
pub fn list(lib: &Library, vocabulary: &TagVocabulary, tag: Option<&str>) -> Result<ListReport, RefsError> {
    match tag {
        None => Ok(ListReport {
            heading: "all references".to_owned(),
            rows: lib.entries().iter().map(ListRow::from_reference).collect(),
        }),
        Some(tag) => {
            if !vocabulary.contains(tag) && lib.with_tag(tag).next().is_none() {
                return Err(RefsError::UnknownTag { tag: tag.to_owned() });
            }
            Ok(ListReport {
                heading: format!("tag {tag}"),
                rows: lib.with_tag(tag).map(ListRow::from_reference).collect(),
            })
        }
    }
}

/// `refs search TEXT`: case-insensitive over key, title, authors, journal, DOI, PMID and tags.
pub fn search(lib: &Library, text: &str) -> ListReport {
    ListReport {
        heading: format!("search \"{}\"", text.trim()),
        rows: lib
            .search(text)
            .into_iter()
            .map(ListRow::from_reference)
            .collect(),
    }
}

/// The result of `refs show KEY`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ShowReport {
    /// The key.
    pub key: String,
    /// The entry type.
    pub kind: String,
    /// Where it is defined.
    pub origin: String,
    /// Verification status.
    pub verification: Verification,
    /// The tags.
    pub tags: Vec<String>,
    /// Every field, by name.
    pub fields: BTreeMap<String, String>,
    /// The style used for `formatted`.
    pub style: String,
    /// The entry formatted as a bibliography item (Markdown).
    pub formatted: String,
}

impl fmt::Display for ShowReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "@{}{{{}}}  ({})", self.kind, self.key, self.origin)?;
        match &self.verification {
            Verification::Verified => writeln!(f, "status: verified")?,
            Verification::Unverified { note } => writeln!(f, "status: UNVERIFIED: {note}")?,
        }
        writeln!(f, "tags: {}", self.tags.join(", "))?;
        let width = self.fields.keys().map(|k| k.len()).max().unwrap_or(0);
        for (name, value) in &self.fields {
            if matches!(name.as_str(), "verification" | "verification_note" | "keywords") {
                continue;
            }
            writeln!(f, "  {name:<width$} = {value}")?;
        }
        write!(f, "{}:\n  {}", self.style, self.formatted)
    }
}

/// `refs show KEY`: every field, the status, and the entry formatted in `style`.
pub fn show(lib: &Library, key: &str, style: &Style) -> Result<ShowReport, RefsError> {
    let Some(r) = lib.get(key) else {
        let lower = key.to_lowercase();
        let suggestion = lib
            .entries()
            .iter()
            .map(|r| r.key.as_str())
            .find(|k| k.to_lowercase() == lower)
            .or_else(|| {
                let prefix: String = lower.chars().take(5).collect();
                lib.entries()
                    .iter()
                    .map(|r| r.key.as_str())
                    .find(|k| !prefix.is_empty() && k.to_lowercase().starts_with(&prefix))
            })
            .map(str::to_owned);
        return Err(RefsError::UnknownKey {
            key: key.to_owned(),
            suggestion,
        });
    };
    let formatted = format_bibliography(&[r], style)?
        .into_iter()
        .next()
        .unwrap_or_default();
    Ok(ShowReport {
        key: r.key.clone(),
        kind: r.kind.clone(),
        origin: r.origin.to_string(),
        verification: r.verification.clone(),
        tags: r.tags.clone(),
        fields: r
            .fields
            .iter()
            .map(|(name, value)| (name.to_owned(), value.to_owned()))
            .collect(),
        style: style.name().to_owned(),
        formatted,
    })
}

/// One tag in `refs tags`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TagRow {
    /// The tag.
    pub tag: String,
    /// Its description, or `None` when the library uses a tag the vocabulary lacks.
    pub description: Option<String>,
    /// Entries carrying it.
    pub entries: usize,
    /// Verified entries carrying it (what `cite_tags` can pull in).
    pub verified: usize,
    /// Blocks citing it through `cite_tags`.
    pub blocks: Vec<String>,
}

/// The result of `refs tags`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TagsReport {
    /// One row per tag: the vocabulary first (sorted), then tags used but not declared.
    pub rows: Vec<TagRow>,
}

impl fmt::Display for TagsReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let width = self.rows.iter().map(|r| r.tag.len()).max().unwrap_or(0);
        for (i, r) in self.rows.iter().enumerate() {
            if i > 0 {
                writeln!(f)?;
            }
            write!(
                f,
                "{:<width$}  {:>2} entries ({} verified)  {}",
                r.tag,
                r.entries,
                r.verified,
                r.description.as_deref().unwrap_or("NOT IN THE VOCABULARY"),
            )?;
            if !r.blocks.is_empty() {
                write!(f, "\n{:<width$}  cited by: {}", "", r.blocks.join(", "))?;
            }
        }
        Ok(())
    }
}

/// `refs tags`: each tag with its entry count and the blocks citing it.
pub fn tags(lib: &Library, vocabulary: &TagVocabulary, blocks: &[BlockCites]) -> TagsReport {
    let mut names: Vec<String> = vocabulary.iter().map(|(t, _)| t.to_owned()).collect();
    for r in lib.entries() {
        for t in &r.tags {
            if !names.contains(t) {
                names.push(t.clone());
            }
        }
    }
    for b in blocks {
        for t in &b.tags {
            if !names.contains(t) {
                names.push(t.clone());
            }
        }
    }
    let rows = names
        .into_iter()
        .map(|tag| {
            let entries: Vec<&Reference> = lib.with_tag(&tag).collect();
            TagRow {
                description: vocabulary.description(&tag).map(str::to_owned),
                entries: entries.len(),
                verified: entries.iter().filter(|r| r.verification.is_verified()).count(),
                blocks: blocks
                    .iter()
                    .filter(|b| b.tags.contains(&tag))
                    .map(|b| b.block.clone())
                    .collect(),
                tag,
            }
        })
        .collect();
    TagsReport { rows }
}

/// The result of `refs check`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CheckReport {
    /// Entries loaded.
    pub entries: usize,
    /// Every problem found, in file order.
    pub problems: Vec<Diagnostic>,
    /// Curation findings the entry itself explains in `verification_note` (an unverified entry,
    /// or one without DOI or PMID, saying why): shown for a person to weigh, not problems.
    pub notes: Vec<Diagnostic>,
    /// Entries merged into another library's entry for the same paper (same DOI or PMID).
    pub merges: Vec<Diagnostic>,
    /// How many bundled library files the user's files were checked against, if any.
    pub bundled: Option<usize>,
}

impl CheckReport {
    /// Whether anything was found (the CLI exits 1).
    pub fn has_problems(&self) -> bool {
        !self.problems.is_empty()
    }

    /// Whether a structural error was found (anything but unverified entries and missing
    /// DOI/PMID, which are curation findings).
    pub fn has_errors(&self) -> bool {
        self.problems.iter().any(|d| d.kind.is_error())
    }

    /// How many problems and notes of `kind`.
    pub fn count(&self, kind: DiagnosticKind) -> usize {
        self.problems
            .iter()
            .chain(&self.notes)
            .filter(|d| d.kind == kind)
            .count()
    }
}

impl fmt::Display for CheckReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for d in &self.problems {
            writeln!(f, "{d}")?;
        }
        if !self.notes.is_empty() {
            writeln!(
                f,
                "{}to check by a person before citing (each entry says why in its verification_note):",
                if self.problems.is_empty() { "" } else { "\n" }
            )?;
            for d in &self.notes {
                writeln!(f, "{d}")?;
            }
        }
        if !self.merges.is_empty() {
            writeln!(
                f,
                "{}merged with another library's entry for the same paper (one source, one reference):",
                if self.problems.is_empty() && self.notes.is_empty() {
                    ""
                } else {
                    "\n"
                }
            )?;
            for d in &self.merges {
                writeln!(f, "{d}")?;
            }
        }
        let against = match self.bundled {
            Some(_) => " (with the bundled library)",
            None => "",
        };
        if self.problems.is_empty() {
            write!(
                f,
                "{} reference(s) checked{against}: no problems{}",
                self.entries,
                if self.notes.is_empty() {
                    String::new()
                } else {
                    format!(
                        "; {} explained finding(s) ({} unverified, {} without DOI or PMID)",
                        self.notes.len(),
                        self.count(DiagnosticKind::Unverified),
                        self.count(DiagnosticKind::MissingIdentifier)
                    )
                }
            )
        } else {
            let errors = self.problems.iter().filter(|d| d.kind.is_error()).count();
            write!(
                f,
                "{} reference(s) checked{against}: {} problem(s) ({} error(s), {} unverified, {} without DOI or PMID)",
                self.entries,
                self.problems.len(),
                errors,
                self.count(DiagnosticKind::Unverified),
                self.count(DiagnosticKind::MissingIdentifier),
            )
        }
    }
}

/// Whether `doi` matches `10.\d{4,9}/\S+`.
pub fn is_valid_doi(doi: &str) -> bool {
    let Some(rest) = doi.strip_prefix("10.") else {
        return false;
    };
    let Some((registrant, suffix)) = rest.split_once('/') else {
        return false;
    };
    (4..=9).contains(&registrant.len())
        && registrant.bytes().all(|b| b.is_ascii_digit())
        && !suffix.is_empty()
        && !suffix.chars().any(char::is_whitespace)
}

/// Whether `pmid` is 1–8 digits.
pub fn is_valid_pmid(pmid: &str) -> bool {
    (1..=8).contains(&pmid.len()) && pmid.bytes().all(|b| b.is_ascii_digit())
}

/// `refs check [FILE…]`: loads `sources` and reports every problem: broken entries (keeping
/// good ones), duplicate keys, entries with neither DOI nor PMID, missing or unknown tags,
/// unverified entries, keys and tags cited by blocks that no library defines, malformed DOIs
/// and PMIDs.
///
/// Tags outside the vocabulary on an entry are problems only when `strict`; otherwise they are
/// counted in one note (reference managers add their own, such as MeSH headings), and the
/// entry is used with the tags the vocabulary knows.
pub fn check(
    sources: &[BibSource],
    vocabulary: &TagVocabulary,
    blocks: &[BlockCites],
    strict: bool,
) -> CheckReport {
    check_sources(sources, None, vocabulary, blocks, strict)
}

/// `refs check FILE…`: the user's `files` checked as `render --library` loads them, after the
/// `bundled` library: a key the bundled library already uses is a duplicate, and an entry for
/// a paper the bundled library has (same DOI or PMID) is merged into it, which the report
/// lists. Problems and counts are those of the user's files.
pub fn check_against(
    bundled: &[BibSource],
    files: &[BibSource],
    vocabulary: &TagVocabulary,
    blocks: &[BlockCites],
    strict: bool,
) -> CheckReport {
    let mut sources = bundled.to_vec();
    sources.extend_from_slice(files);
    let names: Vec<&str> = files.iter().map(|f| f.name.as_str()).collect();
    let mut report = check_sources(&sources, Some(&names), vocabulary, blocks, strict);
    report.bundled = Some(bundled.len());
    report
}

/// [`check`] over `sources`, reporting on the entries of the files named in `only` (all when
/// `None`).
fn check_sources(
    sources: &[BibSource],
    only: Option<&[&str]>,
    vocabulary: &TagVocabulary,
    blocks: &[BlockCites],
    strict: bool,
) -> CheckReport {
    let (lib, mut problems) = Library::load(sources);
    let mine = |file: &str| only.is_none_or(|names| names.contains(&file));
    problems.retain(|d| mine(&d.file));
    let mut notes: Vec<Diagnostic> = Vec::new();
    let mut merges: Vec<Diagnostic> = Vec::new();
    let mut entries = 0;
    for m in lib.merges() {
        if !mine(&m.merged_at.file) {
            continue;
        }
        entries += 1;
        merges.push(Diagnostic {
            file: m.merged_at.file.to_string(),
            line: m.merged_at.line,
            column: m.merged_at.column,
            kind: DiagnosticKind::Merged,
            message: format!(
                "`{}` is the same paper ({}) as `{}` at {}: it is cited once, as `{}`, with that entry's fields and verification; this entry's tags and finding are added to it",
                m.merged, m.by, m.kept, m.kept_at, m.kept
            ),
            hint: None,
            key: Some(m.merged.clone()),
        });
    }
    let mut ignored_tags: Vec<(String, String)> = Vec::new();
    let at = |r: &Reference, field: &str, kind: DiagnosticKind, message: String, hint: Option<String>| {
        let (line, column) = lib.field_location(r, field);
        Diagnostic {
            file: r.origin.file.to_string(),
            line,
            column,
            kind,
            message,
            hint,
            key: Some(r.key.clone()),
        }
    };
    // A merged entry is cited as the entry it was merged into, so only what it adds (tags) and
    // what identifies it are checked.
    let own = lib
        .entries()
        .iter()
        .filter(|r| mine(&r.origin.file))
        .map(|r| (r, false));
    let merged = lib
        .merges()
        .iter()
        .filter(|m| mine(&m.merged_at.file))
        .map(|m| (&m.entry, true));
    for (r, merged) in own.chain(merged) {
        entries += usize::from(!merged);
        let doi = r.field("doi").filter(|d| !d.is_empty());
        let pmid = r.field("pmid").filter(|p| !p.is_empty());
        // Findings the entry explains itself are notes, not problems.
        let explained = r.field("verification_note").is_some_and(|n| !n.trim().is_empty());
        if doi.is_none() && pmid.is_none() && !merged {
            let d = at(
                r,
                "",
                DiagnosticKind::MissingIdentifier,
                format!("`{}` has neither DOI nor PMID", r.key),
                Some("add its `doi` or `pmid` once you have checked them against the publisher's or PubMed's record; for a document that has neither (a guideline, a policy, a statute), say so in `verification_note`".to_owned()),
            );
            if explained {
                notes.push(d)
            } else {
                problems.push(d)
            }
        }
        if let Some(d) = doi.filter(|d| !is_valid_doi(d)) {
            problems.push(at(
                r,
                "doi",
                DiagnosticKind::MalformedDoi,
                format!("`{}`: DOI `{d}` does not match 10.NNNN/suffix", r.key),
                Some("write the bare DOI, without `https://doi.org/` or `doi:`".to_owned()),
            ));
        }
        if let Some(p) = pmid.filter(|p| !is_valid_pmid(p)) {
            problems.push(at(
                r,
                "pmid",
                DiagnosticKind::MalformedPmid,
                format!("`{}`: PMID `{p}` must be 1 to 8 digits", r.key),
                None,
            ));
        }
        if r.tags.is_empty() && !merged {
            problems.push(at(
                r,
                "keywords",
                DiagnosticKind::MissingTags,
                format!("`{}` has no `keywords` tags", r.key),
                Some(format!("add at least one tag from {}", vocabulary.file)),
            ));
        }
        for t in r.tags.iter().filter(|t| !vocabulary.contains(t)) {
            if !strict {
                ignored_tags.push((r.origin.file.to_string(), t.clone()));
                continue;
            }
            problems.push(at(
                r,
                "keywords",
                DiagnosticKind::UnknownTag,
                format!("`{}`: tag `{t}` is not in the vocabulary", r.key),
                Some(format!(
                    "use a tag listed in {}, or add it there with a description",
                    vocabulary.file
                )),
            ));
        }
        if let Verification::Unverified { note } = &r.verification
            && !merged
        {
            let d = at(
                r,
                "verification",
                DiagnosticKind::Unverified,
                format!("`{}` is unverified: {note}", r.key),
                None,
            );
            if explained {
                notes.push(d)
            } else {
                problems.push(d)
            }
        }
    }
    for b in blocks {
        for key in b.keys.iter().filter(|k| lib.get(k).is_none()) {
            problems.push(Diagnostic {
                file: b.file.clone(),
                line: 1,
                column: 1,
                kind: DiagnosticKind::UnknownCitedKey,
                message: format!("block `{}` cites `{key}`, which no library defines", b.block),
                hint: None,
                key: Some(key.clone()),
            });
        }
        for tag in b.tags.iter().filter(|t| !vocabulary.contains(t)) {
            problems.push(Diagnostic {
                file: b.file.clone(),
                line: 1,
                column: 1,
                kind: DiagnosticKind::UnknownTag,
                message: format!(
                    "block `{}` cites tag `{tag}`, which is not in the vocabulary",
                    b.block
                ),
                hint: None,
                key: None,
            });
        }
    }
    let order: Vec<&str> = sources.iter().map(|s| s.name.as_str()).collect();
    problems.sort_by_key(|d| {
        (
            order.iter().position(|n| *n == d.file).unwrap_or(usize::MAX),
            d.file.clone(),
            d.line,
            d.column,
            d.kind,
        )
    });
    if let Some((file, _)) = ignored_tags.first() {
        let mut names: Vec<&str> = ignored_tags.iter().map(|(_, t)| t.as_str()).collect();
        names.sort_unstable();
        names.dedup();
        let shown: Vec<&str> = names.iter().take(8).copied().collect();
        notes.push(Diagnostic {
            file: file.clone(),
            line: 1,
            column: 1,
            kind: DiagnosticKind::UnknownTag,
            message: format!(
                "{} tag{} outside the vocabulary {} ignored: {}{}",
                ignored_tags.len(),
                if ignored_tags.len() == 1 { "" } else { "s" },
                if ignored_tags.len() == 1 { "was" } else { "were" },
                shown.join(", "),
                if names.len() > shown.len() { ", …" } else { "" }
            ),
            hint: Some(format!(
                "an argument uses an entry only through tags listed in {} (`appeal refs tags`); pass --strict to see each",
                vocabulary.file
            )),
            key: None,
        });
    }
    notes.sort_by_key(|d| {
        (
            order.iter().position(|n| *n == d.file).unwrap_or(usize::MAX),
            d.file.clone(),
            d.line,
            d.column,
        )
    });
    CheckReport {
        entries,
        bundled: None,
        problems,
        notes,
        merges,
    }
}

/// The result of `refs styles`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StylesReport {
    /// Every bundled style.
    pub styles: Vec<StyleInfo>,
}

impl fmt::Display for StylesReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let width = self.styles.iter().map(|s| s.name.len()).max().unwrap_or(0);
        for (i, s) in self.styles.iter().enumerate() {
            if i > 0 {
                writeln!(f)?;
            }
            let default = if s.name == crate::library::style::DEFAULT_STYLE {
                "  (default)"
            } else {
                ""
            };
            let aliases: Vec<&str> = crate::library::style::ALIASES
                .iter()
                .filter(|(_, canonical)| *canonical == s.name)
                .map(|(alias, _)| *alias)
                .collect();
            let aliases = if aliases.is_empty() {
                String::new()
            } else {
                format!("  (also: {})", aliases.join(", "))
            };
            write!(f, "{:<width$}  {}{default}{aliases}", s.name, s.title)?;
        }
        Ok(())
    }
}

/// `refs styles`: the bundled citation styles.
pub fn styles() -> StylesReport {
    StylesReport {
        styles: Style::available(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn vocab() -> TagVocabulary {
        TagVocabulary::bundled().expect("bundled vocabulary")
    }

    #[test]
    fn validates_identifiers() {
        assert!(is_valid_doi("10.1016/j.ejso.2004.11.016"));
        assert!(is_valid_doi(
            "10.1002/(SICI)1097-0142(19991201)86:11<2426::AID-CNCR34>3.0.CO;2-3"
        ));
        assert!(!is_valid_doi("https://doi.org/10.1016/x"));
        assert!(!is_valid_doi("10.12/x"));
        assert!(!is_valid_doi("10.1016/"));
        assert!(!is_valid_doi("10.1016/a b"));
        assert!(is_valid_pmid("15837054"));
        assert!(!is_valid_pmid("123456789"));
        assert!(!is_valid_pmid("PMC1963892"));
        assert!(!is_valid_pmid(""));
    }

    #[test]
    fn check_reports_every_problem_with_locations() {
        let text = "@article{ok, doi = {10.1000/abc}, keywords = {guideline}, verification = {verified}}\n\
                    @article{broken, title = {x\n\
                    @article{nodoi,\n  keywords = {guideline, made-up},\n  verification = {verified}\n}\n\
                    @article{baddoi,\n  doi = {doi:10.1/x},\n  pmid = {PMC123},\n  verification = {unverified},\n  verification_note = {PMID unchecked}\n}\n\
                    @article{ok, title = {dup}}\n";
        let blocks = [BlockCites {
            block: "palliative-care".to_owned(),
            file: "templates/blocks/palliative-care.md".to_owned(),
            keys: vec!["ok".to_owned(), "ghost2020".to_owned()],
            tags: vec!["palliative-care".to_owned(), "nope".to_owned()],
        }];
        let report = check(&[BibSource::new("c.bib", text)], &vocab(), &blocks, true);
        let lines: Vec<String> = report
            .problems
            .iter()
            .chain(&report.notes)
            .map(|d| format!("{}:{}:{}:{:?}", d.file, d.line, d.column, d.kind))
            .collect();
        let expect = [
            "c.bib:2:26:Syntax",
            "c.bib:3:1:MissingIdentifier",
            "c.bib:4:3:UnknownTag",
            "c.bib:7:1:MissingTags",
            "c.bib:8:3:MalformedDoi",
            "c.bib:9:3:MalformedPmid",
            "c.bib:10:3:Unverified",
            "c.bib:13:1:DuplicateKey",
            "templates/blocks/palliative-care.md:1:1:UnknownCitedKey",
            "templates/blocks/palliative-care.md:1:1:UnknownTag",
        ];
        for e in expect {
            assert!(lines.contains(&e.to_owned()), "missing {e} in {lines:#?}");
        }
        assert!(report.has_problems());
        assert!(report.has_errors());
        assert_eq!(report.entries, 3);
        let shown = report.to_string();
        assert!(
            shown.contains("c.bib:10:3: `baddoi` is unverified: PMID unchecked"),
            "{shown}"
        );
        assert!(
            shown.contains("block `palliative-care` cites `ghost2020`"),
            "{shown}"
        );
    }

    #[test]
    fn bundled_library_check_has_only_curation_findings() {
        let report = check(&Library::bundled(), &vocab(), &[], true);
        assert!(!report.has_errors(), "{report}");
        // Counted from the library itself, so a curation batch needs no edit here.
        let (lib, _) = Library::load(&Library::bundled());
        assert_eq!(report.entries, lib.entries().len());
        let unverified = lib
            .entries()
            .iter()
            .filter(|r| !r.verification.is_verified())
            .count();
        assert_eq!(report.count(DiagnosticKind::Unverified), unverified);
        // Each unverified entry and each without DOI or PMID says why: the check passes and
        // lists them for a person to weigh.
        assert!(report.count(DiagnosticKind::MissingIdentifier) > 0);
        assert!(!report.has_problems(), "{report}");
        assert_eq!(report.problems, []);
    }

    #[test]
    fn list_search_show_tags_and_styles() {
        let (lib, _) = Library::load(&Library::bundled());
        let v = vocab();
        let all = list(&lib, &v, None).unwrap();
        assert_eq!(all.rows.len(), lib.entries().len());
        let pal = list(&lib, &v, Some("palliative-care")).unwrap();
        let keys: Vec<&str> = pal.rows.iter().map(|r| r.key.as_str()).collect();
        assert_eq!(
            keys,
            [
                "bakitas2015early",
                "bakitas2009effects",
                "zimmermann2014early",
                "vanbutsele2018effect",
                "haun2017early",
                "kaasa2018integration",
                "hoerger2018defining",
                "sanders2024palliative",
                "ferrell2017integration",
                "temel2010early"
            ]
        );
        assert!(pal.to_string().ends_with("tag palliative-care: 10 reference(s)"));
        assert!(matches!(
            list(&lib, &v, Some("nope")),
            Err(RefsError::UnknownTag { .. })
        ));
        let found = search(&lib, "CLEOPATRA");
        assert_eq!(found.rows.len(), 2);
        let style = Style::by_name("american-medical-association").unwrap();
        let shown = show(&lib, "temel2010early", &style).unwrap();
        assert!(
            shown
                .formatted
                .starts_with(r"Temel JS, Greer JA, Muzikansky A, et al.")
        );
        let text = shown.to_string();
        assert!(text.contains("status: verified"), "{text}");
        let err = show(&lib, "Temel2010early", &style).unwrap_err();
        assert!(err.to_string().contains("did you mean `temel2010early`"), "{err}");
        let blocks = [BlockCites {
            block: "palliative-care".to_owned(),
            file: "templates/blocks/palliative-care.md".to_owned(),
            keys: vec![],
            tags: vec!["palliative-care".to_owned()],
        }];
        let t = tags(&lib, &v, &blocks);
        let row = t.rows.iter().find(|r| r.tag == "palliative-care").unwrap();
        assert_eq!((row.entries, row.blocks.len()), (10, 1));
        assert!(t.to_string().contains("cited by: palliative-care"));
        let s = styles().to_string();
        assert!(s.contains("american-medical-association") && s.contains("(default)"));
    }
}
