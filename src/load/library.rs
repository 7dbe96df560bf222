//! The curated reference library: loading BibTeX sources into cleaned, indexed references.
//!
//! `references/*.bib` (bundled into the binary by [`Library::bundled`]) or any user-supplied
//! BibTeX files are parsed with bibtex-parser in tolerant mode: good entries are kept, every
//! broken entry is reported with `file:line:col`, and a key defined twice is reported naming both
//! places (the first definition wins; later sources never silently override earlier ones).
//!
//! Values are cleaned in this layer, fixing what bibtex-parser leaves undone: LaTeX accents and
//! specials become Unicode without stray braces, `--` becomes an en dash, field names are
//! lower-cased, `crossref` parents fill missing fields, author lists are split into structured
//! names (particles such as "van de" and braced corporate names kept intact). `@string` macros,
//! `#` concatenation, month macros and parenthesised entries are handled by the parser and
//! checked here (an undefined macro is a diagnostic, never a silent `{undefined}`).
//!
//! User libraries may also be CSL-JSON ([`csl`], Zotero's native export) or RIS ([`ris`]),
//! chosen by the file's extension ([`LibraryFormat`]); their items map to the same fields
//! ([`record`] holds the note-line conventions for curation fields). `%` comments inside
//! BibTeX entries are blanked out before parsing ([`comments`]). When a later source has an
//! entry for a paper an earlier source has (same DOI or PMID), the two are one reference
//! ([`Merge`]).
//!
//! Verification status is data: each entry's `verification` field (`verified` or `unverified`,
//! with `verification_note`) becomes [`Verification`]. Formatting lives in [`style`]
//! ([`Style`], [`format_bibliography`]); the tag vocabulary in [`TagVocabulary`].

mod comments;
mod csl;
mod guard;
mod latex;
mod record;
mod ris;
pub mod style;

use std::borrow::Cow;
use std::collections::hash_map::Entry;
use std::collections::{BTreeMap, HashMap};
use std::fmt;
use std::ops::Range;
use std::sync::Arc;

use bibtex_parser::{Block, DiagnosticSeverity, DiagnosticTarget, Parser, Value};
use rayon::prelude::*;

pub use latex::{NameList, PersonName};
pub use style::{DEFAULT_STYLE, Style, StyleError, StyleInfo, format_bibliography};

/// One BibTeX text to load.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BibSource {
    /// The path shown in messages, e.g. `references/sarcoma.bib`.
    pub name: String,
    /// The BibTeX text.
    pub text: String,
}

/// Whether `source` is a bundled reference file exactly as compiled in.
fn is_bundled(source: &BibSource) -> bool {
    crate::bundled::folder("references/")
        .iter()
        .any(|f| f.path == source.name && f.text() == source.text)
}

impl BibSource {
    /// A source from a display name and its text.
    pub fn new(name: impl Into<String>, text: impl Into<String>) -> BibSource {
        BibSource {
            name: name.into(),
            text: text.into(),
        }
    }
}

/// The file formats a library may be written in, told apart by the file's extension.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LibraryFormat {
    /// BibTeX or biblatex (`.bib`, `.bibtex`).
    BibTeX,
    /// CSL-JSON, Zotero's native export (`.json`).
    CslJson,
    /// RIS (`.ris`), as Zotero, EndNote and PubMed-derived exports write it.
    Ris,
}

impl LibraryFormat {
    /// The format a file name's extension names, if it is one of these.
    pub fn from_name(name: &str) -> Option<LibraryFormat> {
        let ext = name.rsplit_once('.')?.1.to_ascii_lowercase();
        match ext.as_str() {
            "bib" | "bibtex" => Some(LibraryFormat::BibTeX),
            "json" => Some(LibraryFormat::CslJson),
            "ris" => Some(LibraryFormat::Ris),
            _ => None,
        }
    }
}

/// Where an entry was defined.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Origin {
    /// The source's display name (shared by every entry of the source).
    pub file: Arc<str>,
    /// 1-based line of the entry's `@`.
    pub line: usize,
    /// 1-based column (in characters) of the entry's `@`.
    pub column: usize,
    /// Byte range of the whole entry in its source text.
    pub span: Range<usize>,
}

impl fmt::Display for Origin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}:{}", self.file, self.line, self.column)
    }
}

/// Whether an entry's bibliographic data were confirmed in a stored source.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verification {
    /// Every field was seen in a stored source (`verification = {verified}`).
    Verified,
    /// Something could not be confirmed (`verification = {unverified}`, or no field at all).
    Unverified {
        /// What could not be confirmed (`verification_note`).
        note: String,
    },
}

impl Verification {
    /// Whether the entry is verified.
    pub fn is_verified(&self) -> bool {
        matches!(self, Verification::Verified)
    }
}

/// An entry's fields by lower-case name, iterated in name order (like a sorted map).
///
/// All names and values of one entry share one buffer, so a loaded entry costs two allocations
/// for its fields instead of two per field; large libraries load and drop much faster. Fields
/// are stored in source order: a lookup checks a one-word summary of the names and then scans
/// a dozen or so lengths, and only iterating (rare: `refs show`, `crossref`) sorts.
#[derive(Clone, Default)]
pub struct Fields {
    /// Every name and value back to back, in the order the fields were added.
    text: String,
    /// Where each value is in `text`; each name runs from the end of the previous value.
    slots: Vec<FieldSlot>,
    /// One bit per name present ([`name_bit`]): most absent names are ruled out without a scan.
    names: u64,
}

/// One field in [`Fields::text`]: the value is `text[value..end]`, and the name comes just
/// before it.
#[derive(Debug, Clone, Copy)]
struct FieldSlot {
    value: usize,
    end: usize,
}

/// A bit chosen by a name's first eight bytes and length, for [`Fields::names`].
fn name_bit(name: &str) -> u64 {
    let b = name.as_bytes();
    let first = match b.first_chunk::<8>() {
        Some(first) => u64::from_le_bytes(*first),
        None => b
            .iter()
            .enumerate()
            .fold(0, |acc, (i, &c)| acc | u64::from(c) << (8 * i)),
    };
    let mixed = (first ^ b.len() as u64).wrapping_mul(0x9e37_79b9_7f4a_7c15);
    1 << (mixed >> 58)
}

impl Fields {
    /// Room for `fields` fields of about `bytes` bytes of names and values in total.
    fn with_capacity(fields: usize, bytes: usize) -> Fields {
        Fields {
            text: String::with_capacity(bytes),
            slots: Vec::with_capacity(fields),
            names: 0,
        }
    }

    /// The name of field `i`.
    fn name_of(&self, i: usize) -> &str {
        let start = match i {
            0 => 0,
            _ => self.slots[i - 1].end,
        };
        &self.text[start..self.slots[i].value]
    }

    /// The value of field `i`.
    fn value_of(&self, i: usize) -> &str {
        let slot = &self.slots[i];
        &self.text[slot.value..slot.end]
    }

    /// The index of field `name`.
    fn position(&self, name: &str) -> Option<usize> {
        if self.names & name_bit(name) == 0 {
            return None;
        }
        let mut start = 0;
        for (i, slot) in self.slots.iter().enumerate() {
            if slot.value - start == name.len() && &self.text[start..slot.value] == name {
                return Some(i);
            }
            start = slot.end;
        }
        None
    }

    /// Appends `name` (not present yet) and a value that `write` appends to the buffer.
    fn push(&mut self, name: &str, write: impl FnOnce(&mut String)) {
        self.text.push_str(name);
        let value = self.text.len();
        write(&mut self.text);
        self.names |= name_bit(name);
        self.slots.push(FieldSlot {
            value,
            end: self.text.len(),
        });
    }

    /// A field's value by lower-case name.
    pub fn get(&self, name: &str) -> Option<&str> {
        let i = self.position(name)?;
        Some(self.value_of(i))
    }

    /// Whether the field is present.
    pub fn contains_key(&self, name: &str) -> bool {
        self.position(name).is_some()
    }

    /// The number of fields.
    pub fn len(&self) -> usize {
        self.slots.len()
    }

    /// Whether there are no fields.
    pub fn is_empty(&self) -> bool {
        self.slots.is_empty()
    }

    /// Every `(name, value)`, sorted by name.
    pub fn iter(&self) -> FieldsIter<'_> {
        let mut order: Vec<usize> = (0..self.slots.len()).collect();
        // Names are unique, so the order is total.
        order.sort_unstable_by(|&a, &b| self.name_of(a).cmp(self.name_of(b)));
        FieldsIter {
            fields: self,
            order: order.into_iter(),
        }
    }

    /// Every name, sorted.
    pub fn keys(&self) -> impl DoubleEndedIterator<Item = &str> + ExactSizeIterator {
        self.iter().map(|(name, _)| name)
    }

    /// Every value, in name order.
    pub fn values(&self) -> impl DoubleEndedIterator<Item = &str> + ExactSizeIterator {
        self.iter().map(|(_, value)| value)
    }

    /// Adds a field unless one with this name exists.
    fn insert_if_absent(&mut self, name: &str, value: &str) {
        if self.position(name).is_none() {
            self.push(name, |text| text.push_str(value));
        }
    }
}

impl PartialEq for Fields {
    fn eq(&self, other: &Fields) -> bool {
        self.iter().eq(other.iter())
    }
}

impl Eq for Fields {}

impl fmt::Debug for Fields {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_map().entries(self.iter()).finish()
    }
}

impl<'a> IntoIterator for &'a Fields {
    type Item = (&'a str, &'a str);
    type IntoIter = FieldsIter<'a>;

    fn into_iter(self) -> FieldsIter<'a> {
        self.iter()
    }
}

/// An iterator over [`Fields`] as `(name, value)`, sorted by name.
#[derive(Debug, Clone)]
pub struct FieldsIter<'a> {
    fields: &'a Fields,
    /// Field indices in name order.
    order: std::vec::IntoIter<usize>,
}

impl<'a> FieldsIter<'a> {
    fn pair(&self, i: usize) -> (&'a str, &'a str) {
        (self.fields.name_of(i), self.fields.value_of(i))
    }
}

impl<'a> Iterator for FieldsIter<'a> {
    type Item = (&'a str, &'a str);

    fn next(&mut self) -> Option<(&'a str, &'a str)> {
        let i = self.order.next()?;
        Some(self.pair(i))
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        self.order.size_hint()
    }
}

impl DoubleEndedIterator for FieldsIter<'_> {
    fn next_back(&mut self) -> Option<Self::Item> {
        let i = self.order.next_back()?;
        Some(self.pair(i))
    }
}

impl ExactSizeIterator for FieldsIter<'_> {}

/// One cleaned library entry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reference {
    /// The citation key, exactly as written.
    pub key: String,
    /// The entry type, lower-case (`article`, `misc`, `techreport`, ...).
    pub kind: String,
    /// Every field by lower-case name; values are Unicode without LaTeX markup or stray braces.
    /// `author`/`editor` hold the name list as written (converted); use [`Reference::authors`]
    /// for structured names.
    pub fields: Fields,
    /// The `keywords` tags, in order.
    pub tags: Vec<String>,
    /// Verification status from the `verification` / `verification_note` fields.
    pub verification: Verification,
    /// Where the entry was defined.
    pub origin: Origin,
    /// The raw (LaTeX) author list, parsed on demand: name splitting is only needed to format
    /// a handful of cited entries, so loading stays fast.
    raw_author: Option<String>,
    /// The raw (LaTeX) editor list.
    raw_editor: Option<String>,
}

impl Reference {
    /// A field by lower-case name.
    pub fn field(&self, name: &str) -> Option<&str> {
        self.fields.get(name)
    }

    /// The title, or an empty string.
    pub fn title(&self) -> &str {
        self.field("title").unwrap_or("")
    }

    /// The authors, structured (particles such as "van de" and braced corporate names kept).
    pub fn authors(&self) -> NameList {
        self.raw_author
            .as_deref()
            .and_then(|raw| latex::parse_names(raw).ok())
            .unwrap_or_default()
    }

    /// The editors, structured.
    pub fn editors(&self) -> NameList {
        self.raw_editor
            .as_deref()
            .and_then(|raw| latex::parse_names(raw).ok())
            .unwrap_or_default()
    }

    /// The year: the `year` field, or the year of a biblatex `date` field.
    pub fn year(&self) -> Option<&str> {
        self.field("year")
            .or_else(|| self.field("date").and_then(|d| d.get(..4)))
    }

    /// The container (journal) title: `journal`, biblatex `journaltitle`, or `booktitle`.
    pub fn journal(&self) -> Option<&str> {
        self.field("journal")
            .or_else(|| self.field("journaltitle"))
            .or_else(|| self.field("booktitle"))
    }
}

/// What kind of problem a [`Diagnostic`] reports.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum DiagnosticKind {
    /// An entry that could not be parsed (it was skipped).
    Syntax,
    /// A key defined more than once (the first definition is used).
    DuplicateKey,
    /// A field given twice in one entry (the first is used).
    DuplicateField,
    /// A value that uses an `@string` macro that is not defined.
    UndefinedMacro,
    /// A value with unbalanced braces.
    UnbalancedBraces,
    /// A `crossref` naming no entry.
    Crossref,
    /// A `verification` value other than `verified` / `unverified`.
    InvalidVerification,
    /// An entry with neither DOI nor PMID.
    MissingIdentifier,
    /// An entry without `keywords` tags.
    MissingTags,
    /// A tag not in the vocabulary.
    UnknownTag,
    /// An unverified entry.
    Unverified,
    /// A key a block cites that no library defines.
    UnknownCitedKey,
    /// A DOI that does not look like `10.NNNN/suffix`.
    MalformedDoi,
    /// A PMID that is not 1–8 digits.
    MalformedPmid,
    /// The tag vocabulary file is malformed.
    Vocabulary,
    /// A value passes a size or depth limit (the file was not loaded).
    Limit,
    /// A value contains a control character.
    ControlCharacter,
    /// An entry merged into another library's entry for the same paper (a note, not a
    /// problem).
    Merged,
    /// The file could not be read at all (not valid JSON, not a list of items): nothing of it
    /// was loaded.
    Unreadable,
}

impl DiagnosticKind {
    /// Whether this is a structural error (as opposed to a curation finding such as an
    /// unverified entry or a missing identifier).
    pub fn is_error(self) -> bool {
        !matches!(
            self,
            DiagnosticKind::Unverified | DiagnosticKind::MissingIdentifier | DiagnosticKind::Merged
        )
    }
}

/// A problem in a user's file, with its location.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    /// The file's display name.
    pub file: String,
    /// 1-based line.
    pub line: usize,
    /// 1-based column, in characters.
    pub column: usize,
    /// What kind of problem.
    pub kind: DiagnosticKind,
    /// The message (one line).
    pub message: String,
    /// How to fix it, if there is something useful to say.
    pub hint: Option<String>,
    /// The key of the entry it is about, when known (a broken entry's key is read from its
    /// text): `render` fails only when a cited entry has a problem.
    pub key: Option<String>,
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // A message may quote the user's text (a key, a value): a very long one is cut.
        let message = match self.message.char_indices().nth(4 * crate::diag::ECHO_LIMIT) {
            Some((cut, _)) => Cow::Owned(format!("{}…", &self.message[..cut])),
            None => Cow::Borrowed(self.message.as_str()),
        };
        write!(f, "{}:{}:{}: {message}", self.file, self.line, self.column)?;
        if let Some(hint) = &self.hint {
            write!(f, "\n  hint: {hint}")?;
        }
        Ok(())
    }
}

/// Whether a field holds identifiers or URLs: braces dropped, no LaTeX conversion.
fn is_verbatim_field(name: &str) -> bool {
    matches!(
        name,
        "doi" | "url" | "pmid" | "pmcid" | "eprint" | "isbn" | "issn" | "file" | "keywords" | "verification"
    )
}

/// Fields never inherited through `crossref` (each entry's curation is its own).
const NOT_INHERITED: &[&str] = &[
    "keywords",
    "verification",
    "verification_note",
    "verification_source",
    "crossref",
    "ids",
];

/// When loading uses threads. Threads cost more than they save on small libraries (the bundled
/// one is a few hundred entries in files of a few kilobytes each).
#[derive(Debug, Clone, Copy)]
struct Parallelism {
    /// Sources with at least this many entries are cleaned on all cores.
    entries: usize,
    /// Sources of at least this many bytes are parsed while their copy is made on another core.
    bytes: usize,
}

impl Parallelism {
    const AUTO: Parallelism = Parallelism {
        entries: 1024,
        bytes: 256 * 1024,
    };
}

/// The bundled tag vocabulary.
const BUNDLED_TAGS: &crate::bundled::File = crate::bundled::file("references/tags.toml");

/// Loaded references in load order, indexed by key.
#[derive(Debug, Clone, Default)]
pub struct Library {
    entries: Vec<Reference>,
    /// Lower-cased key → index (BibTeX keys are case-insensitive for duplicate detection).
    index: HashMap<String, usize>,
    /// The source texts, kept to locate fields for later diagnostics.
    texts: HashMap<Arc<str>, String>,
    /// Entries of later libraries merged into an earlier entry for the same DOI or PMID.
    merges: Vec<Merge>,
    /// The key of each merged entry → the key of the entry it was merged into.
    aliases: HashMap<String, String>,
}

/// A later library's entry for a paper an earlier library already has (same DOI or PMID):
/// one source, one reference. The earlier entry is kept with its key, fields and
/// verification; the later one adds its tags and, when the earlier has none, its `finding`,
/// and its key still names the paper.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Merge {
    /// The entry kept.
    pub kept: String,
    /// Where the kept entry is defined.
    pub kept_at: Origin,
    /// The entry merged into it.
    pub merged: String,
    /// Where the merged entry is defined.
    pub merged_at: Origin,
    /// What they share, e.g. `DOI 10.1200/JCO.2014.58.6362`.
    pub by: String,
    /// The merged entry as it was loaded (`refs check` still checks its tags and identifiers).
    pub entry: Reference,
}

impl Library {
    /// Loads `sources` in order. Tolerant: good entries are kept; every broken entry, duplicate
    /// key, duplicate field, undefined macro, unbalanced value and dangling `crossref` is
    /// reported. The first definition of a key wins.
    pub fn load(sources: &[BibSource]) -> (Library, Vec<Diagnostic>) {
        Library::load_with(sources, Parallelism::AUTO)
    }

    /// [`Library::load`] with explicit thresholds for using threads (tests compare both paths).
    fn load_with(sources: &[BibSource], parallelism: Parallelism) -> (Library, Vec<Diagnostic>) {
        let mut lib = Library::default();
        let mut diags = Vec::new();
        let approx: usize = sources.iter().map(|s| s.text.len() / 400).sum();
        lib.index.reserve(approx);
        for source in sources {
            let copy = match LibraryFormat::from_name(&source.name) {
                Some(LibraryFormat::CslJson) => lib.load_records(source, csl::read, &mut diags),
                Some(LibraryFormat::Ris) => lib.load_records(source, ris::read, &mut diags),
                // BibTeX, and any name without a known extension (callers that read files
                // refuse those first).
                _ => lib.load_one(source, parallelism, &mut diags),
            };
            lib.texts.insert(Arc::from(source.name.as_str()), copy);
        }
        lib.resolve_crossrefs(&mut diags);
        if sources.len() > 1 {
            lib.merge_same_papers();
        }
        (lib, diags)
    }

    /// Loads a CSL-JSON or RIS source read by `read`; returns its text.
    fn load_records(
        &mut self,
        source: &BibSource,
        read: record::Reader,
        diags: &mut Vec<Diagnostic>,
    ) -> String {
        let file: Arc<str> = Arc::from(source.name.as_str());
        let records: Vec<_> = read(&source.name, &source.text, diags)
            .into_iter()
            .map(|(record, line, column, span)| {
                let origin = Origin {
                    file: Arc::clone(&file),
                    line,
                    column,
                    span,
                };
                (record, origin)
            })
            .collect();
        let keys = record::keys_for(&records);
        let mut batch = Vec::with_capacity(records.len());
        let mut extras = Vec::with_capacity(records.len());
        for ((record, origin), key) in records.into_iter().zip(keys) {
            let mut local = Vec::new();
            let reference = record.into_reference(key, origin, &mut local);
            extras.push((reference.key.to_ascii_lowercase(), local));
            batch.push(reference);
        }
        self.index_batch(batch, extras, diags);
        source.text.clone()
    }

    /// Merges each entry whose DOI or PMID an entry of an earlier file has into that entry
    /// (see [`Merge`]).
    fn merge_same_papers(&mut self) {
        let mut seen: HashMap<String, usize> = HashMap::with_capacity(self.entries.len() * 2);
        let mut merged_into: Vec<Option<(usize, String)>> = vec![None; self.entries.len()];
        for (i, r) in self.entries.iter().enumerate() {
            let ids = [
                r.field("doi")
                    .map(|d| format!("DOI {}", d.trim().to_ascii_lowercase())),
                r.field("pmid").map(|p| format!("PMID {}", p.trim())),
            ];
            let mut found = None;
            for id in ids.into_iter().flatten() {
                if id.ends_with(' ') {
                    continue;
                }
                match seen.get(&id) {
                    Some(&first) if found.is_none() && self.entries[first].origin.file != r.origin.file => {
                        found = Some((first, id));
                    }
                    Some(_) => {}
                    None => {
                        seen.insert(id, i);
                    }
                }
            }
            merged_into[i] = found;
        }
        if merged_into.iter().all(Option::is_none) {
            return;
        }
        for (i, target) in merged_into.iter().enumerate() {
            let Some((first, id)) = target else { continue };
            let later = self.entries[i].clone();
            let by = match id.split_once(' ') {
                Some(("DOI", _)) => format!("DOI {}", later.field("doi").unwrap_or("").trim()),
                _ => id.clone(),
            };
            self.merge_into(*first, later, by);
        }
        let mut flags = merged_into.into_iter();
        self.entries.retain(|_| flags.next().flatten().is_none());
        self.index.clear();
        for (i, r) in self.entries.iter().enumerate() {
            self.index.insert(r.key.to_ascii_lowercase(), i);
        }
    }

    /// Adds what `later` brings to entry `first` (its tags; its `finding` when the entry has
    /// none) and records the merge.
    fn merge_into(&mut self, first: usize, later: Reference, by: String) {
        let kept = &mut self.entries[first];
        for tag in &later.tags {
            if !kept.tags.contains(tag) {
                kept.tags.push(tag.clone());
            }
        }
        if let Some(finding) = later.field("finding") {
            kept.fields.insert_if_absent("finding", finding);
        }
        if later.key != kept.key {
            self.aliases.insert(later.key.clone(), kept.key.clone());
        }
        self.merges.push(Merge {
            kept: kept.key.clone(),
            kept_at: kept.origin.clone(),
            merged: later.key.clone(),
            merged_at: later.origin.clone(),
            by,
            entry: later,
        });
    }

    /// Entries of later libraries merged into an earlier entry for the same paper, in load
    /// order.
    pub fn merges(&self) -> &[Merge] {
        &self.merges
    }

    /// The bundled `references/*.bib` files, in name order (see [`crate::bundled`]).
    pub fn bundled() -> Vec<BibSource> {
        crate::bundled::folder("references/")
            .iter()
            .filter(|file| file.path.ends_with(".bib"))
            .map(|file| BibSource::new(file.path, file.text()))
            .collect()
    }

    /// The entry with exactly this key.
    ///
    /// The key of an entry merged into another (see [`Merge`]) names the entry it was merged
    /// into.
    pub fn get(&self, key: &str) -> Option<&Reference> {
        let found = if key.bytes().any(|b| b.is_ascii_uppercase()) {
            self.index.get(&key.to_ascii_lowercase())
        } else {
            self.index.get(key)
        };
        match found.and_then(|&i| self.entries.get(i)).filter(|r| r.key == key) {
            Some(r) => Some(r),
            None if !self.aliases.is_empty() => self.get(self.aliases.get(key)?),
            None => None,
        }
    }

    /// All entries in load order.
    pub fn entries(&self) -> &[Reference] {
        &self.entries
    }

    /// Entries carrying `tag` in their keywords, in load order.
    pub fn with_tag<'a>(&'a self, tag: &'a str) -> impl Iterator<Item = &'a Reference> {
        self.entries
            .iter()
            .filter(move |r| r.tags.iter().any(|t| t == tag))
    }

    /// Entries whose key, title, authors, journal, DOI, PMID or tags contain `text`
    /// (case-insensitive), in load order.
    pub fn search(&self, text: &str) -> Vec<&Reference> {
        let needle = text.trim().to_lowercase();
        if needle.is_empty() {
            return Vec::new();
        }
        let hit = |s: &str| s.to_lowercase().contains(&needle);
        self.entries
            .iter()
            .filter(|r| {
                hit(&r.key)
                    || [
                        "title",
                        "author",
                        "journal",
                        "journaltitle",
                        "shortjournal",
                        "journalabbrev",
                        "booktitle",
                        "doi",
                        "pmid",
                        "pmcid",
                    ]
                    .iter()
                    .any(|f| r.field(f).is_some_and(hit))
                    || r.tags.iter().any(|t| hit(t))
            })
            .collect()
    }

    /// The location of `field` inside `reference`'s entry (the entry's own location if the
    /// field is not written there, e.g. inherited through `crossref`).
    pub fn field_location(&self, reference: &Reference, field: &str) -> (usize, usize) {
        let origin = &reference.origin;
        let Some(text) = self.texts.get(&origin.file) else {
            return (origin.line, origin.column);
        };
        match find_field(text, origin.span.clone(), field) {
            Some(offset) => line_col(text, offset),
            None => (origin.line, origin.column),
        }
    }

    /// Loads one source; returns a copy of its text, kept to locate fields for diagnostics.
    fn load_one(
        &mut self,
        source: &BibSource,
        parallelism: Parallelism,
        diags: &mut Vec<Diagnostic>,
    ) -> String {
        let file = source.name.as_str();
        let shared_file: Arc<str> = Arc::from(file);
        // `%` comments inside entries (hand-kept libraries) are blanked out in place, so every
        // position below is still the user's. A bundled file, unchanged, has none (a test
        // checks), so its scan is skipped: it was a third of loading the bundled library.
        let uncommented = if is_bundled(source) {
            None
        } else {
            comments::blank_comments(&source.text)
        };
        let text = uncommented.as_deref().unwrap_or(source.text.as_str());
        // Limits the parser cannot keep itself (deep braces and macro chains overflowed its
        // stack; doubling macros took gigabytes): a source past one is not parsed at all.
        let scan = guard::scan(text);
        if !scan.control.is_empty() || scan.limit.is_some() {
            let lines = LineIndex::new(text);
            let control = scan
                .control
                .into_iter()
                .map(|f| (DiagnosticKind::ControlCharacter, f));
            let limit = scan.limit.map(|f| (DiagnosticKind::Limit, f));
            let stop = limit.is_some();
            for (kind, finding) in control.chain(limit) {
                let (line, column) = lines.line_col(text, finding.offset);
                diags.push(Diagnostic {
                    file: file.to_owned(),
                    line,
                    column,
                    kind,
                    message: if kind == DiagnosticKind::Limit {
                        format!("{}; the file was not loaded", finding.message)
                    } else {
                        finding.message
                    },
                    hint: Some(finding.hint),
                    key: None,
                });
            }
            if stop {
                return text.to_owned();
            }
        }
        // Many broken blocks would take bibtex-parser's recovery time quadratic in the file's
        // size (200 KB of `@` took 20 s): past a bound, the scan's broken blocks are blanked
        // out (offsets and lines kept) and reported here.
        let blanked;
        let source_text = if scan.recovery_cost > guard::MAX_RECOVERY_COST {
            let lines = LineIndex::new(text);
            let mut bytes = text.as_bytes().to_vec();
            for range in &scan.broken {
                let (line, column) = lines.line_col(text, range.start);
                diags.push(Diagnostic {
                    file: file.to_owned(),
                    line,
                    column,
                    kind: DiagnosticKind::Syntax,
                    message: "broken entry skipped: it could not be parsed".to_owned(),
                    hint: Some(syntax_hint(&text[range.clone()])),
                    key: block_key(&text[range.clone()]),
                });
                for b in &mut bytes[range.clone()] {
                    if *b != b'\n' {
                        *b = b' ';
                    }
                }
            }
            // Every non-ASCII byte replaced was inside a blanked range, whole characters at a
            // time (ranges start at `@` and end before `@`), so the text is still UTF-8.
            blanked = String::from_utf8(bytes).unwrap_or_default();
            blanked.as_str()
        } else {
            text
        };
        let text_for_parse = source_text;
        let parse = || Parser::new().tolerant().capture_source().parse(text_for_parse);
        // Parsing is serial; for a large source the copy is made on the other core meanwhile.
        let (parsed, copy) = if text.len() >= parallelism.bytes {
            rayon::join(parse, || text.to_owned())
        } else {
            (parse(), text.to_owned())
        };
        let parsed = match parsed {
            Ok(p) => p,
            Err(e) => {
                diags.push(Diagnostic {
                    file: file.to_owned(),
                    line: 1,
                    column: 1,
                    message: format!("cannot parse BibTeX: {e}"),
                    kind: DiagnosticKind::Unreadable,
                    hint: None,
                    key: None,
                });
                return copy;
            }
        };
        if !parsed.failed_blocks().is_empty() {
            syntax_diagnostics(file, source_text, &parsed, diags);
        }
        // Cleaning entries (LaTeX to Unicode, names, tags) is independent per entry and is most
        // of the load time for large libraries, so it runs in parallel; results keep file order.
        let blocks = parsed.blocks();
        let entries: Vec<_> = blocks
            .iter()
            .filter_map(|block| match block {
                Block::Entry(entry, span) => Some((entry, span)),
                _ => None,
            })
            .collect();
        // Text without a single `@` is no BibTeX at all (a RIS or CSL-JSON file named `.bib`):
        // say so rather than report an empty library.
        if entries.is_empty()
            && !text.contains('@')
            && let Some((n, _)) = text.lines().enumerate().find(|(_, l)| {
                let l = l.trim();
                !l.is_empty() && !l.starts_with('%')
            })
        {
            diags.push(Diagnostic {
                file: file.to_owned(),
                line: n + 1,
                column: 1,
                kind: DiagnosticKind::Unreadable,
                message: "no BibTeX entry in this file: it has text but no `@type{key, …}` entry".to_owned(),
                hint: Some(
                    "a RIS export needs the .ris extension and a CSL-JSON export the .json extension"
                        .to_owned(),
                ),
                key: None,
            });
        }
        let clean = |&(entry, span): &(&&bibtex_parser::Entry<'_>, &Option<bibtex_parser::SourceSpan>)| {
            let (line, column, range) = match span {
                Some(s) => (s.line, s.column, s.byte_start..s.byte_end),
                None => (1, 1, 0..0),
            };
            let origin = Origin {
                file: Arc::clone(&shared_file),
                line,
                column,
                span: range,
            };
            let mut local = Vec::new();
            let reference = clean_entry(entry, origin, text, &mut local);
            // The index key, made here rather than in the serial loop below.
            let lower = reference.key.to_ascii_lowercase();
            (reference, (lower, local))
        };
        // The references go straight to their own vector (no moving them one by one later);
        // the index keys and diagnostics to another.
        let mut cleaned: Vec<Reference> = Vec::with_capacity(entries.len());
        let mut extras: Vec<(String, Vec<Diagnostic>)> = Vec::with_capacity(entries.len());
        let parallel = entries.len() >= parallelism.entries;
        if parallel {
            entries
                .par_iter()
                .map(clean)
                .unzip_into_vecs(&mut cleaned, &mut extras);
        } else {
            (cleaned, extras) = entries.iter().map(clean).unzip();
        }
        drop(entries);
        drop(blocks);
        // Dropping the parse tree takes a while for a large source: do it on the other core
        // while this one indexes.
        if parallel {
            rayon::join(move || drop(parsed), || self.index_batch(cleaned, extras, diags));
        } else {
            drop(parsed);
            self.index_batch(cleaned, extras, diags);
        }
        copy
    }

    /// Adds cleaned references in order, with their diagnostics; a key defined before (in any
    /// case) is reported and the later entry dropped.
    fn index_batch(
        &mut self,
        mut batch: Vec<Reference>,
        extras: Vec<(String, Vec<Diagnostic>)>,
        diags: &mut Vec<Diagnostic>,
    ) {
        let base = self.entries.len();
        // Batch positions of the references kept, in order.
        let mut kept: Vec<usize> = Vec::with_capacity(batch.len());
        for (i, (lower, mut local)) in extras.into_iter().enumerate() {
            diags.append(&mut local);
            let first = match self.index.entry(lower) {
                Entry::Vacant(slot) => {
                    slot.insert(base + kept.len());
                    kept.push(i);
                    continue;
                }
                Entry::Occupied(first) => *first.get(),
            };
            let prev = match first.checked_sub(base) {
                Some(in_batch) => &batch[kept[in_batch]],
                None => &self.entries[first],
            };
            let reference = &batch[i];
            // An earlier library's entry under the same key for the same paper: a copy, merged
            // (see [`Merge`]) rather than reported.
            if first < base
                && let Some(by) = same_paper(prev, reference)
            {
                let later = batch[i].clone();
                self.merge_into(first, later, by);
                continue;
            }
            diags.push(Diagnostic {
                file: reference.origin.file.to_string(),
                line: reference.origin.line,
                column: reference.origin.column,
                kind: DiagnosticKind::DuplicateKey,
                message: format!(
                    "duplicate key `{}`: already defined at {} (as `{}`); this definition is ignored",
                    reference.key, prev.origin, prev.key
                ),
                hint: Some("rename one of the entries or delete the copy".to_owned()),
                key: Some(reference.key.clone()),
            });
        }
        if kept.len() < batch.len() {
            let mut keep = vec![false; batch.len()];
            for &i in &kept {
                keep[i] = true;
            }
            let mut flags = keep.into_iter();
            batch.retain(|_| flags.next().unwrap_or(false));
        }
        if self.entries.is_empty() {
            self.entries = batch;
        } else {
            self.entries.append(&mut batch);
        }
    }

    fn resolve_crossrefs(&mut self, diags: &mut Vec<Diagnostic>) {
        for i in 0..self.entries.len() {
            let Some(parent_key) = self.entries[i].fields.get("crossref").map(str::to_owned) else {
                continue;
            };
            let parent = self
                .index
                .get(&parent_key.to_ascii_lowercase())
                .copied()
                .filter(|&p| p != i);
            let Some(p) = parent else {
                let child = &self.entries[i];
                let (line, column) = self.field_location(child, "crossref");
                diags.push(Diagnostic {
                    file: child.origin.file.to_string(),
                    line,
                    column,
                    kind: DiagnosticKind::Crossref,
                    message: format!("`{}`: crossref `{parent_key}` names no entry", child.key),
                    hint: Some("define the parent entry, or copy its fields into this one".to_owned()),
                    key: Some(child.key.clone()),
                });
                continue;
            };
            let parent = self.entries[p].clone();
            let child = &mut self.entries[i];
            for (name, value) in &parent.fields {
                if NOT_INHERITED.contains(&name) {
                    continue;
                }
                child.fields.insert_if_absent(name, value);
            }
            if matches!(child.kind.as_str(), "inproceedings" | "incollection" | "inbook")
                && !child.fields.contains_key("booktitle")
                && let Some(title) = parent.fields.get("title")
            {
                child.fields.insert_if_absent("booktitle", title);
            }
            if child.raw_author.is_none() {
                child.raw_author = parent.raw_author.clone();
            }
            if child.raw_editor.is_none() {
                child.raw_editor = parent.raw_editor.clone();
            }
        }
    }
}

/// What two entries of different files share that makes them one paper: `DOI …` or `PMID …`.
fn same_paper(a: &Reference, b: &Reference) -> Option<String> {
    if a.origin.file == b.origin.file {
        return None;
    }
    let same = |name: &str| {
        let x = a.field(name).map(str::trim).filter(|v| !v.is_empty())?;
        let y = b.field(name).map(str::trim)?;
        x.eq_ignore_ascii_case(y).then(|| x.to_owned())
    };
    same("doi")
        .map(|d| format!("DOI {d}"))
        .or_else(|| same("pmid").map(|p| format!("PMID {p}")))
}

/// Maps bibtex-parser's source-preserving diagnostics for broken blocks to ours.
fn syntax_diagnostics(
    file: &str,
    text: &str,
    parsed: &bibtex_parser::Library<'_>,
    diags: &mut Vec<Diagnostic>,
) {
    // bibtex-parser 0.4's detailed pass can slice inside a multi-byte character and panic
    // (found by fuzzing, e.g. `@۴`). It runs on an ASCII copy of the text instead: every
    // non-ASCII byte becomes `?`, so byte offsets and lines are unchanged, and the locations are
    // recomputed from byte offsets on the real text (columns in characters).
    let ascii: String = text
        .bytes()
        .map(|b| if b.is_ascii() { b as char } else { '?' })
        .collect();
    let detailed = Parser::new()
        .tolerant()
        .capture_source()
        .parse_source(file, &ascii)
        .ok();
    let mut covered = Vec::new();
    // Locations come from one index of line starts: finding each from the top of the text took
    // 29 s for 20,000 broken entries.
    let lines = LineIndex::new(text);
    if let Some(doc) = &detailed {
        for d in doc.diagnostics() {
            if d.severity != DiagnosticSeverity::Error {
                continue;
            }
            let Some(span) = d.source else { continue };
            let raw = match d.target {
                DiagnosticTarget::FailedBlock(i) => doc.failed_blocks().get(i).map(|b| b.raw.as_ref()),
                _ => d.snippet.as_deref(),
            };
            covered.push(span.line);
            let (line, column) = lines.line_col(text, span.byte_start);
            // A missing comma is found at the field after it: say so, rather than reading that
            // field as a key.
            let hint = if d.message.contains("expected comma") {
                "a comma is missing between fields: add one after the value just before this field".to_owned()
            } else {
                syntax_hint(raw.unwrap_or(""))
            };
            diags.push(Diagnostic {
                file: file.to_owned(),
                line,
                column,
                kind: DiagnosticKind::Syntax,
                message: format!("broken entry skipped: {}", d.message),
                hint: Some(hint),
                key: block_key(raw.unwrap_or("")),
            });
        }
    }
    covered.sort_unstable();
    for failed in parsed.failed_blocks() {
        let Some(span) = failed.source else { continue };
        let first = covered.partition_point(|&l| l < span.line);
        if covered
            .get(first)
            .is_some_and(|&l| l < span.end_line.max(span.line + 1))
        {
            continue;
        }
        diags.push(Diagnostic {
            file: file.to_owned(),
            line: span.line,
            column: span.column,
            kind: DiagnosticKind::Syntax,
            message: "broken entry skipped: it could not be parsed".to_owned(),
            hint: Some(syntax_hint(&failed.raw)),
            key: block_key(&failed.raw),
        });
    }
}

/// Where each line of a text starts, to turn byte offsets into lines and columns quickly.
struct LineIndex {
    /// Byte offset of the start of each line after the first.
    starts: Vec<usize>,
}

impl LineIndex {
    fn new(text: &str) -> LineIndex {
        LineIndex {
            starts: text.match_indices('\n').map(|(i, _)| i + 1).collect(),
        }
    }

    /// 1-based line and character column of byte `offset` (clamped to a character boundary).
    fn line_col(&self, text: &str, offset: usize) -> (usize, usize) {
        let mut offset = offset.min(text.len());
        while !text.is_char_boundary(offset) {
            offset -= 1;
        }
        let line = self.starts.partition_point(|&s| s <= offset);
        let start = if line == 0 { 0 } else { self.starts[line - 1] };
        (line + 1, text[start..offset].chars().count() + 1)
    }
}

/// The key of a broken block, read from its `@type{key,` head, if it has one.
fn block_key(raw: &str) -> Option<String> {
    let head = raw.trim_start().strip_prefix('@')?;
    let open = head.find(['{', '('])?;
    let key = head[open + 1..].split([',', '\n', '}', ')']).next()?.trim();
    (!key.is_empty() && !key.contains(['{', '"', '=', ' '])).then(|| key.to_owned())
}

/// A hint for a broken block, from its raw text.
fn syntax_hint(raw: &str) -> String {
    let head = raw.split([',', '\n']).next().unwrap_or("");
    // Only a block's own text starts with its `@type{key`; a snippet from inside it has no key.
    if head.trim_start().starts_with('@')
        && let Some(open) = head.find(['{', '('])
    {
        let key = head[open + 1..].trim();
        if key.chars().any(|c| !(c.is_alphanumeric() || "_-:.".contains(c))) {
            return format!(
                "the key `{key}` contains characters the parser rejects; use letters, digits and `_ - : .` only"
            );
        }
    }
    let opens = raw.matches('{').count();
    let closes = raw.matches('}').count();
    if opens != closes {
        return "check that every `{` has a matching `}` and that fields are separated by commas".to_owned();
    }
    "check the entry against `@type{key, field = {value}, ...}`; the other entries were loaded".to_owned()
}

/// Byte offset of `field = ` inside `text[span]`, matched case-insensitively at a line start
/// or after `,`/`{`/`(`.
fn find_field(text: &str, span: Range<usize>, field: &str) -> Option<usize> {
    find_field_nth(text, span, field, 0)
}

/// Like [`find_field`], for the `nth` (0-based) occurrence of the field.
fn find_field_nth(text: &str, span: Range<usize>, field: &str, nth: usize) -> Option<usize> {
    let mut nth = nth;
    if field.is_empty() {
        return None;
    }
    let body = text.get(span.clone())?;
    let lower = body.to_ascii_lowercase();
    let mut from = 0;
    while let Some(pos) = lower[from..].find(field) {
        let at = from + pos;
        let before_ok = lower[..at]
            .chars()
            .rev()
            .find(|c| !c.is_whitespace())
            .is_none_or(|c| matches!(c, ',' | '{' | '('));
        let after = lower[at + field.len()..].trim_start();
        if before_ok && after.starts_with('=') {
            if nth == 0 {
                return Some(span.start + at);
            }
            nth -= 1;
        }
        from = at + field.len();
    }
    None
}

/// 1-based line and character column of byte `offset` in `text`.
fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let mut offset = offset.min(text.len());
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    let before = &text[..offset];
    let line = before.matches('\n').count() + 1;
    let start = before.rfind('\n').map_or(0, |i| i + 1);
    (line, text[start..offset].chars().count() + 1)
}

/// The raw (unconverted) text of a value, or the name of the first undefined macro.
fn raw_value<'v>(value: &'v Value<'_>) -> Result<Cow<'v, str>, String> {
    match value {
        Value::Literal(s) => Ok(Cow::Borrowed(s.as_ref())),
        Value::Number(n) => Ok(Cow::Owned(n.to_string())),
        Value::Variable(name) => Err(name.to_string()),
        Value::Concat(parts) => {
            let mut out = String::new();
            for p in parts.iter() {
                out.push_str(&raw_value(p)?);
            }
            Ok(Cow::Owned(out))
        }
    }
}

/// The tags of a `keywords` value: separated by `,` or `;`, trimmed, empty ones dropped.
fn split_tags(keywords: &str) -> Vec<String> {
    let separator = |b: &u8| matches!(b, b',' | b';');
    let mut tags = Vec::with_capacity(keywords.bytes().filter(separator).count() + 1);
    let mut start = 0;
    // The separators are ASCII, so every piece is a `str` slice.
    for (i, b) in keywords.bytes().enumerate().chain([(keywords.len(), b',')]) {
        if separator(&b) {
            let tag = keywords[start..i].trim();
            if !tag.is_empty() {
                tags.push(tag.to_owned());
            }
            start = i + 1;
        }
    }
    tags
}

/// A DOI without the link or prefix reference managers write (`https://doi.org/10.…`,
/// `doi:10.…`): the bare DOI is what is checked and printed.
fn bare_doi(raw: &str) -> &str {
    let trimmed = raw.trim();
    [
        "https://doi.org/",
        "http://doi.org/",
        "https://dx.doi.org/",
        "http://dx.doi.org/",
        "doi:",
        "DOI:",
    ]
    .iter()
    .find_map(|p| trimmed.strip_prefix(p))
    .map_or(raw, str::trim)
}

/// The verification status from an entry's `verification` and `verification_note` fields;
/// another value is reported where `at` says (file, line, column).
fn verification_of(
    fields: &Fields,
    key: &str,
    diags: &mut Vec<Diagnostic>,
    at: impl FnOnce() -> (String, usize, usize),
) -> Verification {
    match fields.get("verification").map(|v| v.trim()) {
        Some(v) if v.eq_ignore_ascii_case("verified") => Verification::Verified,
        Some(v) if v.eq_ignore_ascii_case("unverified") => Verification::Unverified {
            note: fields
                .get("verification_note")
                .unwrap_or("no verification_note given")
                .to_owned(),
        },
        Some(other) => {
            let (file, line, column) = at();
            diags.push(Diagnostic {
                file,
                line,
                column,
                kind: DiagnosticKind::InvalidVerification,
                message: format!("`{key}`: verification must be `verified` or `unverified`, not `{other}`"),
                hint: None,
                key: Some(key.to_owned()),
            });
            Verification::Unverified {
                note: format!("verification field has the unknown value `{other}`"),
            }
        }
        None => Verification::Unverified {
            note: "no verification field".to_owned(),
        },
    }
}

/// Builds a cleaned [`Reference`] from a parsed entry, reporting value problems.
fn clean_entry(
    entry: &bibtex_parser::Entry<'_>,
    origin: Origin,
    text: &str,
    diags: &mut Vec<Diagnostic>,
) -> Reference {
    // Names and values of the entry go to one buffer; converted text is rarely longer than raw
    // (and the buffer grows if it is).
    let bytes: usize = entry
        .fields
        .iter()
        .map(|f| {
            f.name.len()
                + match &f.value {
                    Value::Literal(s) => s.len(),
                    _ => 16,
                }
        })
        .sum();
    let mut fields = Fields::with_capacity(entry.fields.len(), bytes + bytes / 32 + 8);
    let mut raw_author = None;
    let mut raw_editor = None;
    let key = entry.key().to_owned();
    for field in &entry.fields {
        let name: Cow<'_, str> = if field.name.bytes().any(|b| b.is_ascii_uppercase()) {
            Cow::Owned(field.name.to_ascii_lowercase())
        } else {
            Cow::Borrowed(field.name.as_ref())
        };
        let duplicate = fields.position(&name).is_some();
        let mut report = |kind: DiagnosticKind, message: String, hint: Option<String>| {
            let (line, column) = find_field_nth(text, origin.span.clone(), &name, usize::from(duplicate))
                .map_or((origin.line, origin.column), |o| line_col(text, o));
            diags.push(Diagnostic {
                file: origin.file.to_string(),
                line,
                column,
                kind,
                message,
                hint,
                key: Some(key.clone()),
            });
        };
        if duplicate {
            report(
                DiagnosticKind::DuplicateField,
                format!("`{key}`: field `{name}` is given more than once; the first value is used"),
                None,
            );
            continue;
        }
        let raw = match raw_value(&field.value) {
            Ok(raw) => raw,
            Err(mac) => {
                report(
                    DiagnosticKind::UndefinedMacro,
                    format!("`{key}`: field `{name}` uses the undefined @string macro `{mac}`"),
                    Some(format!(
                        "define it with `@string{{{mac} = {{...}}}}` before this entry, or write the value in braces"
                    )),
                );
                continue;
            }
        };
        // Reference managers write DOIs as links (`https://doi.org/10.…`) or with a `doi:`
        // prefix; the bare DOI is what is checked and printed.
        let raw = if name == "doi" {
            match bare_doi(&raw) {
                bare if bare.len() == raw.len() => raw,
                bare => Cow::Owned(bare.to_owned()),
            }
        } else {
            raw
        };
        let verbatim = is_verbatim_field(&name);
        let mut failure = None;
        fields.push(&name, |out| {
            if verbatim {
                latex::verbatim_into(&raw, out);
            } else if let Err(e) = latex::to_unicode_into(&raw, out) {
                // Shown as written, minus braces; reported below.
                latex::verbatim_into(&raw, out);
                failure = Some(e);
            }
        });
        let names = name == "author" || name == "editor";
        if let Some(e) = failure {
            let hint = (!names).then(|| {
                "a `{\"}` inside a \"quoted\" value ends the value early; write the value in braces instead"
                    .to_owned()
            });
            report(
                DiagnosticKind::UnbalancedBraces,
                format!("`{key}`: field `{name}`: {e}"),
                hint,
            );
        } else if name == "author" {
            raw_author = Some(raw.into_owned());
        } else if name == "editor" {
            raw_editor = Some(raw.into_owned());
        }
    }
    let tags = fields.get("keywords").map(split_tags).unwrap_or_default();
    let verification = verification_of(&fields, &key, diags, || {
        let (line, column) = find_field(text, origin.span.clone(), "verification")
            .map_or((origin.line, origin.column), |o| line_col(text, o));
        (origin.file.to_string(), line, column)
    });
    Reference {
        key,
        kind: {
            let mut kind = entry.ty.to_string();
            kind.make_ascii_lowercase();
            kind
        },
        fields,
        tags,
        verification,
        origin,
        raw_author,
        raw_editor,
    }
}

/// Why the tag vocabulary could not be loaded.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TagsError {
    /// The TOML is malformed or not shaped `[tags] name = "description"`.
    #[error("{file}:{line}:{column}: {message}")]
    Parse {
        /// The file's display name.
        file: String,
        /// 1-based line.
        line: usize,
        /// 1-based column.
        column: usize,
        /// What is wrong.
        message: String,
    },
}

/// The tag vocabulary (`references/tags.toml`): each tag with a one-line description.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TagVocabulary {
    /// The file it came from.
    pub file: String,
    tags: BTreeMap<String, String>,
}

#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct TagsFile {
    tags: BTreeMap<String, String>,
}

impl TagVocabulary {
    /// Parses a tags file: a `[tags]` table of `name = "one-line description"`.
    pub fn from_toml(file: &str, text: &str) -> Result<TagVocabulary, TagsError> {
        let parsed: TagsFile = toml::from_str(text).map_err(|e| {
            let (line, column) = e.span().map_or((1, 1), |s| line_col(text, s.start));
            TagsError::Parse {
                file: file.to_owned(),
                line,
                column,
                message: e.message().to_owned(),
            }
        })?;
        for (name, description) in &parsed.tags {
            let bad_name = name.is_empty()
                || !name
                    .chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-');
            if bad_name || description.trim().is_empty() || description.contains('\n') {
                let offset = text.find(name.as_str()).unwrap_or(0);
                let (line, column) = line_col(text, offset);
                return Err(TagsError::Parse {
                    file: file.to_owned(),
                    line,
                    column,
                    message: format!(
                        "tag `{name}` needs a lower-case-and-dashes name and a one-line description"
                    ),
                });
            }
        }
        Ok(TagVocabulary {
            file: file.to_owned(),
            tags: parsed.tags,
        })
    }

    /// The bundled `references/tags.toml`.
    pub fn bundled() -> Result<TagVocabulary, TagsError> {
        TagVocabulary::from_toml(BUNDLED_TAGS.path, BUNDLED_TAGS.text())
    }

    /// Whether `tag` is in the vocabulary.
    pub fn contains(&self, tag: &str) -> bool {
        self.tags.contains_key(tag)
    }

    /// A tag's description.
    pub fn description(&self, tag: &str) -> Option<&str> {
        self.tags.get(tag).map(String::as_str)
    }

    /// Every tag with its description, sorted by name.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &str)> {
        self.tags.iter().map(|(k, v)| (k.as_str(), v.as_str()))
    }
}

#[cfg(test)]
mod tests;
