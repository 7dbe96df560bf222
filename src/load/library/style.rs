//! Citation styles and bibliography formatting, via hayagriva's CSL engine.
//!
//! A [`Style`] is one of hayagriva's bundled CSL styles, loaded once (style and its locale) and
//! reused for every bibliography. [`format_bibliography`] builds hayagriva entries from cleaned
//! [`Reference`]s (never through hayagriva's own BibTeX import, which rejects whole files) and
//! renders one Markdown string per reference: every piece of text Markdown-escaped, italics as
//! `*...*`, links as plain text, no leading number.
//!
//! Work-arounds for measured hayagriva 0.10 behaviour live here:
//! * name particles: hayagriva prints a `prefix` after the initials ("Putte LBA van de"), so the
//!   particle is folded into the family name ("van de Putte LBA");
//! * the bundled NLM/Vancouver style has `cs:names` elements without a `cs:name` child, which
//!   hayagriva 0.10 renders as nothing (authors vanish; typst/hayagriva#519); a default
//!   `cs:name` is inserted so the style's inherited name options apply;
//! * a date without a day leaves a trailing space before the following punctuation
//!   ("2005 May ;"), which is removed;
//! * AMA wants the abbreviated journal: `shortjournal` / `journalabbrev` becomes the container
//!   title for AMA, and the short form for every style.
//! * `and others` in a name list becomes a final literal "et al." name.

use std::collections::HashMap;
use std::str::FromStr;
use std::sync::Mutex;

use hayagriva::archive::ArchivedStyle;
use hayagriva::citationberg::{
    self, FontStyle, FontWeight, IndependentStyle, LayoutRenderingElement, Locale, NamesChild,
};
use hayagriva::types::{
    ChunkKind, ChunkedString, Date, EntryType, FormatString, MaybeTyped, Numeric, PageRanges, Person,
    Publisher, QualifiedUrl,
};
use hayagriva::{
    BibliographyDriver, BibliographyRequest, CitationItem, CitationRequest, ElemChild, ElemChildren, Entry,
};

use super::{PersonName, Reference};

mod quiet;
use crate::escape;

/// The default style.
pub const DEFAULT_STYLE: &str = "american-medical-association";

/// Why a style could not be loaded or used.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum StyleError {
    /// No bundled style has this name.
    #[error("unknown citation style `{name}`{}\n  hint: `appeal refs styles` lists the styles available to --style", suggestion.as_ref().map(|s| format!("; did you mean `{s}`?")).unwrap_or_default())]
    Unknown {
        /// The name asked for.
        name: String,
        /// A close name, if any.
        suggestion: Option<String>,
    },
    /// The style depends on another style and cannot be used on its own.
    #[error("citation style `{name}` is a dependent style and cannot be used on its own")]
    Dependent {
        /// The name asked for.
        name: String,
    },
    /// The style defines no bibliography.
    #[error("citation style `{name}` has no bibliography layout")]
    NoBibliography {
        /// The style's name.
        name: String,
    },
    /// The engine produced no output for a reference.
    #[error("citation style `{style}` produced no bibliography item for `{key}`")]
    NotRendered {
        /// The style's name.
        style: String,
        /// The reference's key.
        key: String,
    },
}

/// A style's name and human title, for listings.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StyleInfo {
    /// The name to pass to [`Style::by_name`].
    pub name: String,
    /// The style's title.
    pub title: String,
}

/// The CSL project's US English locale, CBOR-encoded as in hayagriva's archive (CC BY-SA 3.0;
/// see references/csl/README.md).
const EN_US_LOCALE: &[u8] = crate::bundled::file("references/csl/locales-en-US.cbor").bytes();

/// Short names people use for common styles: `(alias, style name)`.
pub const ALIASES: &[(&str, &str)] = &[
    ("ama", "american-medical-association"),
    ("apa", "american-psychological-association"),
    ("chicago", "chicago-author-date"),
    ("nlm", "nlm-citation-sequence"),
    ("vancouver", "nlm-citation-sequence"),
];

/// A loaded CSL style with its locale, ready to format many bibliographies.
#[derive(Debug, Clone)]
pub struct Style {
    name: String,
    title: String,
    csl: IndependentStyle,
    locales: Vec<Locale>,
    abbreviate_journal: bool,
}

impl Style {
    /// Loads a bundled style by name (`american-medical-association`, `vancouver`, ...). This
    /// parses the style and its English locale (about 1 ms); reuse the value.
    pub fn by_name(name: &str) -> Result<Style, StyleError> {
        let name = ALIASES
            .iter()
            .find(|(alias, _)| alias.eq_ignore_ascii_case(name))
            .map_or(name, |(_, canonical)| *canonical);
        let Some(archived) = ArchivedStyle::by_name(name) else {
            let suggestion = closest_style(name);
            return Err(StyleError::Unknown {
                name: name.to_owned(),
                suggestion,
            });
        };
        let citationberg::Style::Independent(mut csl) = archived.get() else {
            return Err(StyleError::Dependent {
                name: name.to_owned(),
            });
        };
        if csl.bibliography.is_none() {
            return Err(StyleError::NoBibliography {
                name: name.to_owned(),
            });
        }
        add_missing_name_elements(&mut csl);
        let wanted = csl
            .default_locale
            .as_ref()
            .map(|l| l.0.clone())
            .unwrap_or_else(|| "en-US".to_owned());
        // Decoding one bundled locale is cheap; hayagriva's archive decodes
        // every locale it ships (tens of milliseconds), so use it only for other languages.
        let en_us: Option<Locale> = quiet::from_slice(EN_US_LOCALE).ok();
        let locales: Vec<Locale> = match en_us {
            Some(en) if wanted == "en-US" => vec![en],
            _ => hayagriva::archive::locales()
                .into_iter()
                .filter(|l| l.lang.as_ref().is_some_and(|c| c.0 == "en-US" || c.0 == wanted))
                .collect(),
        };
        let canonical = archived.names().first().copied().unwrap_or(name);
        Ok(Style {
            name: canonical.to_owned(),
            title: archived.display_name().to_owned(),
            abbreviate_journal: canonical == DEFAULT_STYLE,
            csl,
            locales,
        })
    }

    /// Every bundled style, by name.
    pub fn available() -> Vec<StyleInfo> {
        let mut out: Vec<StyleInfo> = ArchivedStyle::all()
            .iter()
            .map(|s| StyleInfo {
                name: s.names().first().copied().unwrap_or_default().to_owned(),
                title: s.display_name().to_owned(),
            })
            .collect();
        out.sort_by(|a, b| a.name.cmp(&b.name));
        out
    }

    /// The style's canonical name.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The style's title.
    pub fn title(&self) -> &str {
        &self.title
    }
}

/// The bundled style name closest to `name` (shared prefix or containment), if any.
fn closest_style(name: &str) -> Option<String> {
    let lower = name.to_ascii_lowercase();
    ArchivedStyle::all()
        .iter()
        .flat_map(|s| s.names().iter().copied())
        .filter(|n| !lower.is_empty() && (n.contains(&lower) || lower.contains(n)))
        .min_by_key(|n| n.len().abs_diff(lower.len()))
        .map(str::to_owned)
}

/// Inserts a default `cs:name` into every `cs:names` that has none (see the module docs).
fn add_missing_name_elements(style: &mut IndependentStyle) {
    fn walk(elements: &mut [LayoutRenderingElement]) {
        for el in elements {
            match el {
                LayoutRenderingElement::Names(names) => {
                    if !names.children.is_empty()
                        && !names.children.iter().any(|c| matches!(c, NamesChild::Name(_)))
                    {
                        names.children.insert(0, NamesChild::Name(Default::default()));
                    }
                    for child in &mut names.children {
                        if let NamesChild::Substitute(s) = child {
                            walk(&mut s.children);
                        }
                    }
                }
                LayoutRenderingElement::Group(g) => walk(&mut g.children),
                LayoutRenderingElement::Choose(c) => {
                    walk(&mut c.if_.children);
                    for branch in &mut c.else_if {
                        walk(&mut branch.children);
                    }
                    if let Some(otherwise) = &mut c.otherwise {
                        walk(&mut otherwise.children);
                    }
                }
                _ => {}
            }
        }
    }
    for m in &mut style.macros {
        walk(&mut m.children);
    }
    walk(&mut style.citation.layout.elements);
    if let Some(b) = &mut style.bibliography {
        walk(&mut b.layout.elements);
    }
}

/// Bibliographies already formatted, by the keys they list, for one library and one style.
///
/// Formatting is a pure function of the references and the style, and the letters of a batch
/// mostly cite the same sets of references, so a [`crate::workspace::Workspace`], whose library
/// and style never change once loaded, keeps one of these and formats each distinct set once
/// (formatting was about an eighth of the work of a letter, Markdown and PDF).
#[derive(Debug, Default)]
pub struct BibliographyCache {
    formatted: Mutex<HashMap<Vec<String>, Vec<String>>>,
}

/// Distinct reference lists a [`BibliographyCache`] keeps; later ones are formatted each time.
const CACHED_LISTS: usize = 1024;

impl BibliographyCache {
    /// [`format_bibliography`]`(refs, style)`, taken from the cache when the same keys were
    /// formatted before. Every call on one cache must pass references from the same library
    /// and the same style.
    pub fn format(&self, refs: &[&Reference], style: &Style) -> Result<Vec<String>, StyleError> {
        let keys: Vec<String> = refs.iter().map(|r| r.key.clone()).collect();
        // A poisoned lock only means another thread panicked; the cache is then bypassed.
        if let Some(hit) = self.formatted.lock().ok().and_then(|m| m.get(&keys).cloned()) {
            return Ok(hit);
        }
        let texts = format_bibliography(refs, style)?;
        if let Ok(mut cache) = self.formatted.lock()
            && cache.len() < CACHED_LISTS
        {
            cache.insert(keys, texts.clone());
        }
        Ok(texts)
    }
}

/// Formats `refs` in `style`: one Markdown string per reference, in the given order, without a
/// leading number (the caller numbers them).
pub fn format_bibliography(refs: &[&Reference], style: &Style) -> Result<Vec<String>, StyleError> {
    let mut seen = HashMap::new();
    let mut entries = Vec::new();
    for r in refs {
        if !seen.contains_key(r.key.as_str()) {
            seen.insert(r.key.as_str(), entries.len());
            entries.push(to_entry(r, style.abbreviate_journal));
        }
    }
    let mut driver = BibliographyDriver::new();
    for entry in &entries {
        driver.citation(CitationRequest::from_items(
            vec![CitationItem::with_entry(entry)],
            &style.csl,
            &style.locales,
        ));
    }
    let rendered = driver.finish(BibliographyRequest {
        style: &style.csl,
        locale: None,
        locale_files: &style.locales,
    });
    let Some(bibliography) = rendered.bibliography else {
        return Err(StyleError::NoBibliography {
            name: style.name.clone(),
        });
    };
    let by_key: HashMap<&str, String> = bibliography
        .items
        .iter()
        .map(|item| (item.key.as_str(), to_markdown(&item.content)))
        .collect();
    refs.iter()
        .map(|r| {
            by_key
                .get(r.key.as_str())
                .cloned()
                .ok_or_else(|| StyleError::NotRendered {
                    style: style.name.clone(),
                    key: r.key.clone(),
                })
        })
        .collect()
}

fn verbatim(s: &str) -> FormatString {
    let mut value = ChunkedString::new();
    value.push_str(s, ChunkKind::Verbatim);
    FormatString { value, short: None }
}

fn person(name: &PersonName) -> Person {
    if name.literal {
        return Person {
            name: name.family.clone(),
            given_name: None,
            prefix: None,
            suffix: None,
            comma_suffix: false,
            alias: None,
        };
    }
    Person {
        // The particle is folded into the family name (hayagriva misplaces `prefix`).
        name: name.full_family(),
        given_name: name.given.clone(),
        prefix: None,
        suffix: name.suffix.clone(),
        comma_suffix: false,
        alias: None,
    }
}

fn persons(list: &super::NameList) -> Vec<Person> {
    let mut out: Vec<Person> = list.names.iter().map(person).collect();
    if list.others {
        out.push(Person {
            name: "et al.".to_owned(),
            given_name: None,
            prefix: None,
            suffix: None,
            comma_suffix: false,
            alias: None,
        });
    }
    out
}

/// Month number (1-12) from a BibTeX month value (`May`, `may`, `5`, `05`).
fn month(value: &str) -> Option<u8> {
    let v = value.trim().to_ascii_lowercase();
    if let Ok(n) = v.parse::<u8>() {
        return (1..=12).contains(&n).then_some(n);
    }
    const NAMES: [&str; 12] = [
        "jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec",
    ];
    NAMES
        .iter()
        .position(|m| v.starts_with(m))
        .and_then(|i| u8::try_from(i + 1).ok())
}

fn numeric(s: &str) -> MaybeTyped<Numeric> {
    MaybeTyped::from_str(s).unwrap_or_else(|never| match never {})
}

/// Builds a hayagriva entry from a cleaned reference.
fn to_entry(r: &Reference, abbreviate_journal: bool) -> Entry {
    let f = |name: &str| r.field(name).filter(|v| !v.is_empty());
    let (kind, parent_kind) = match r.kind.as_str() {
        "article" => (EntryType::Article, Some(EntryType::Periodical)),
        "book" => (EntryType::Book, None),
        "inbook" => (EntryType::Chapter, Some(EntryType::Book)),
        "incollection" => (EntryType::Anthos, Some(EntryType::Anthology)),
        "inproceedings" | "conference" => (EntryType::Article, Some(EntryType::Proceedings)),
        "proceedings" => (EntryType::Proceedings, None),
        "techreport" | "report" => (EntryType::Report, None),
        "phdthesis" | "mastersthesis" | "thesis" => (EntryType::Thesis, None),
        "online" | "electronic" | "www" | "webpage" => (EntryType::Web, None),
        "manual" => (EntryType::Reference, None),
        "unpublished" => (EntryType::Manuscript, None),
        _ => (EntryType::Misc, None),
    };
    let mut item = Entry::new(&r.key, kind);
    if let Some(title) = f("title") {
        item.set_title(verbatim(title));
    }
    let authors = persons(&r.authors());
    if !authors.is_empty() {
        item.set_authors(authors);
    }
    let editors = persons(&r.editors());
    if !editors.is_empty() {
        item.set_editors(editors);
    }
    // `year`/`month`, or a biblatex `date` (YYYY, YYYY-MM or YYYY-MM-DD).
    let date = f("date").unwrap_or("");
    let mut date_parts = date.split('-');
    let date_year = date_parts.next().and_then(|y| y.trim().parse::<i32>().ok());
    let date_month = date_parts.next().and_then(month);
    let year = f("year").and_then(|y| y.trim().parse::<i32>().ok()).or(date_year);
    if let Some(year) = year {
        let month = f("month").and_then(month).or(date_month).map(|m| m - 1);
        item.set_date(Date {
            year,
            month,
            day: None,
            approximate: false,
            season: None,
        });
    }
    if let Some(pages) = f("pages") {
        let pages = pages.replace(['–', '—'], "-");
        item.set_page_range(
            MaybeTyped::<PageRanges>::from_str(&pages).unwrap_or_else(|never| match never {}),
        );
    }
    if let Some(doi) = f("doi") {
        item.set_doi(doi.to_owned());
    }
    if let Some(pmid) = f("pmid") {
        item.set_pmid(pmid.to_owned());
    }
    if let Some(pmcid) = f("pmcid") {
        item.set_pmcid(pmcid.to_owned());
    }
    let url = f("url")
        .or_else(|| f("howpublished").filter(|h| h.starts_with("http://") || h.starts_with("https://")));
    if let Some(url) = url.and_then(|u| QualifiedUrl::from_str(u).ok()) {
        item.set_url(url);
    }
    if let Some(how) = f("howpublished").filter(|h| !h.starts_with("http://") && !h.starts_with("https://")) {
        item.set_note(verbatim(how));
    }
    if let Some(org) = f("institution")
        .or_else(|| f("organization"))
        .or_else(|| f("school"))
    {
        item.set_organization(verbatim(org));
    }
    let publisher = f("publisher").map(verbatim);
    let location = f("address").or_else(|| f("location")).map(verbatim);
    let publisher = (publisher.is_some() || location.is_some()).then(|| Publisher::new(publisher, location));
    let volume = f("volume").map(numeric);
    let issue = f("number").or_else(|| f("issue")).map(numeric);
    match parent_kind {
        Some(pk) => {
            let mut parent = Entry::new(&r.key, pk);
            let container = if r.kind == "article" {
                f("journal").or_else(|| f("journaltitle"))
            } else {
                f("booktitle")
            };
            let short = f("shortjournal").or_else(|| f("journalabbrev"));
            let shown = if abbreviate_journal {
                short.or(container)
            } else {
                container
            };
            if let Some(title) = shown {
                let mut fs = verbatim(title);
                if let Some(short) = short {
                    let mut s = ChunkedString::new();
                    s.push_str(short, ChunkKind::Verbatim);
                    fs.short = Some(Box::new(s));
                }
                parent.set_title(fs);
            }
            if let Some(v) = volume {
                parent.set_volume(v);
            }
            if let Some(i) = issue {
                parent.set_issue(i);
            }
            if let Some(p) = publisher {
                parent.set_publisher(p);
            }
            item.set_parents(vec![parent]);
        }
        None => {
            if let Some(v) = volume {
                item.set_volume(v);
            }
            if let Some(i) = issue {
                match kind {
                    EntryType::Report => item.set_keyed_serial_number("serial", i.to_string()),
                    _ => item.set_issue(i),
                }
            }
            if let Some(p) = publisher {
                item.set_publisher(p);
            }
        }
    }
    item
}

/// One run of text with its emphasis.
struct Run {
    text: String,
    italic: bool,
    bold: bool,
}

fn flatten(children: &ElemChildren, runs: &mut Vec<Run>) {
    for child in &children.0 {
        let formatted = match child {
            ElemChild::Text(t) => Some(t),
            ElemChild::Link { text, .. } => Some(text),
            ElemChild::Elem(e) => {
                flatten(&e.children, runs);
                None
            }
            ElemChild::Markup(m) => {
                runs.push(Run {
                    text: m.clone(),
                    italic: false,
                    bold: false,
                });
                None
            }
            ElemChild::Transparent { .. } => None,
        };
        if let Some(t) = formatted {
            let italic = matches!(t.formatting.font_style, FontStyle::Italic);
            let bold = matches!(t.formatting.font_weight, FontWeight::Bold);
            match runs.last_mut() {
                Some(last) if last.italic == italic && last.bold == bold => last.text.push_str(&t.text),
                _ => runs.push(Run {
                    text: t.text.clone(),
                    italic,
                    bold,
                }),
            }
        }
    }
}

/// Renders an item's elements as one line of Markdown.
fn to_markdown(children: &ElemChildren) -> String {
    let mut runs = Vec::new();
    flatten(children, &mut runs);
    // "2005 May ;" -> "2005 May;": drop whitespace before punctuation that starts the next run.
    for i in 1..runs.len() {
        if runs[i].text.starts_with([';', ':', ',', '.']) {
            let trimmed = runs[i - 1].text.trim_end().len();
            runs[i - 1].text.truncate(trimmed);
        }
        // "sufficient?." -> "sufficient?" across a change of emphasis.
        if runs[i].text.starts_with('.') && runs[i - 1].text.ends_with(['?', '!', '.']) {
            runs[i].text.remove(0);
        }
    }
    let mut out = String::new();
    for run in &runs {
        let text: String = collapse(&run.text);
        let marker = match (run.italic, run.bold) {
            (true, true) => "***",
            (true, false) => "*",
            (false, true) => "**",
            (false, false) => "",
        };
        if marker.is_empty() || text.trim().is_empty() {
            out.push_str(&escape::markdown(&text));
            continue;
        }
        let lead = &text[..text.len() - text.trim_start().len()];
        let trail = &text[text.trim_end().len()..];
        out.push_str(lead);
        out.push_str(marker);
        out.push_str(&escape::markdown(text.trim()));
        out.push_str(marker);
        out.push_str(trail);
    }
    collapse(&out).trim().to_owned()
}

/// Collapses runs of spaces, removes a space before `;` (left by day-less dates) and a period
/// after `?` or `!`.
fn collapse(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        if c == ' ' && out.ends_with(' ') {
            continue;
        }
        if c == ';' && out.ends_with(' ') {
            out.pop();
        }
        // A title ending in `?` or `!` takes no extra period.
        if c == '.' && out.ends_with(['?', '!']) {
            continue;
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::library::Library;

    #[test]
    fn cached_bibliographies_equal_fresh_ones_for_each_list() {
        let (library, problems) = Library::load(&Library::bundled());
        assert!(problems.is_empty());
        let style = Style::by_name(DEFAULT_STYLE).unwrap();
        let keys: Vec<&str> = library.entries().iter().map(|r| r.key.as_str()).take(6).collect();
        let refs = |ks: &[&str]| -> Vec<&Reference> { ks.iter().filter_map(|k| library.get(k)).collect() };
        let cache = BibliographyCache::default();
        let (a, b) = (refs(&keys[..3]), refs(&keys[2..6]));
        for _ in 0..2 {
            assert_eq!(
                cache.format(&a, &style).unwrap(),
                format_bibliography(&a, &style).unwrap()
            );
            assert_eq!(
                cache.format(&b, &style).unwrap(),
                format_bibliography(&b, &style).unwrap()
            );
        }
        // The same keys in another order are another list.
        let reversed: Vec<&Reference> = a.iter().rev().copied().collect();
        let mut texts = cache.format(&reversed, &style).unwrap();
        texts.reverse();
        assert_eq!(texts, cache.format(&a, &style).unwrap());
        assert_eq!(cache.formatted.lock().unwrap().len(), 3);
    }
}
