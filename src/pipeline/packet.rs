//! Which documents a case produces, and their names: the packet.
//!
//! A case's own letter is named after the case file (`x.md`); with `--packet`, every other
//! letter that fits the case is named `x-<kind>`; the next-steps sheet (`x-next-steps`) goes
//! with the case's own letter, except a peer-to-peer brief, which is talking points, not a
//! letter. This is a domain rule shared by `render`, `batch` and any front end; it lives here,
//! not in the command line.

use crate::case::{Case, KindError, LetterKind};
use crate::render::markdown::next_steps;
use crate::workspace::{DraftError, DraftOptions, Workspace};

/// What to draft for one case.
#[derive(Debug, Clone, Copy, Default)]
pub struct Selection {
    /// Write this kind instead of the case's own `letter.kind`.
    pub kind: Option<LetterKind>,
    /// Every letter that fits the case ([`Workspace::packet_kinds`]).
    pub packet: bool,
    /// Add the next-steps sheet to the case's own letter.
    pub next_steps: bool,
}

/// One document of a packet, drafted as Markdown.
#[derive(Debug, Clone)]
pub struct Document {
    /// The file name without extension: `x`, `x-claim-file-request`, `x-next-steps`.
    pub name: String,
    /// The letter kind, or `None` for the next-steps sheet.
    pub kind: Option<LetterKind>,
    /// The Markdown.
    pub markdown: String,
    /// Arguments that apply but could not be written (`appeal check` lists them).
    pub problems: usize,
}

/// Why a case's packet could not be drafted.
#[derive(Debug, thiserror::Error)]
pub enum PacketError {
    /// The case cannot be written as the kind asked for.
    #[error(transparent)]
    Kind(#[from] KindError),
    /// Drafting failed.
    #[error(transparent)]
    Draft(#[from] DraftError),
    /// A letter could not be typeset to count its pages for the fax cover sheet.
    #[error("{case}: the letters could not be typeset to count their pages: {source}")]
    Typeset {
        /// The case file.
        case: String,
        /// The typesetter's error.
        source: crate::render::pdf::PdfError,
    },
}

impl Workspace {
    /// The letter kinds that suit a case for `render --packet`: the case's own kind, plus the
    /// provider's letter of medical necessity when the sender is a provider or the case has an
    /// NPI, plus the claim-file request for appeals.
    pub fn packet_kinds(case: &Case) -> Vec<LetterKind> {
        let mut kinds = vec![case.letter.kind];
        let provider = case.sender.npi.is_some() || case.voice() == crate::case::Voice::Provider;
        if provider && !kinds.contains(&LetterKind::MedicalNecessity) {
            kinds.push(LetterKind::MedicalNecessity);
        }
        // A claim file exists only once the plan has decided.
        if !case.is_request()
            && matches!(
                case.letter.kind,
                LetterKind::Appeal | LetterKind::MedicalNecessity
            )
        {
            kinds.push(LetterKind::ClaimFileRequest);
        }
        kinds
    }

    /// The fax cover sheet for `letters` (the Markdown of the documents faxed after it, in
    /// order): to and from, the date, the subject, and the number of pages in all, counted by
    /// typesetting them with `pdf` (paper size and fonts change it), the cover included.
    pub fn fax_cover(
        &self,
        case: &Case,
        stem: &str,
        letters: &[&str],
        pdf: &crate::render::pdf::PdfOptions,
        options: DraftOptions,
    ) -> Result<Document, PacketError> {
        let typeset_error = |source| PacketError::Typeset {
            case: case.source.file.clone(),
            source,
        };
        let mut pages = 0;
        for markdown in letters {
            let (_, n) = crate::render::pdf::pdf_and_pages(markdown, pdf).map_err(typeset_error)?;
            pages += n;
        }
        let draft = self.draft(case, options)?;
        // The cover is one page unless its own text runs over; count it too.
        let mut cover_pages = 1;
        loop {
            let markdown =
                crate::render::markdown::fax_cover(&draft.letter, &self.templates, pages + cover_pages)
                    .map_err(DraftError::from)?;
            let (_, n) = crate::render::pdf::pdf_and_pages(&markdown, pdf).map_err(typeset_error)?;
            if n == cover_pages || cover_pages > 3 {
                return Ok(Document {
                    name: fax_cover_name(stem),
                    kind: None,
                    markdown,
                    problems: 0,
                });
            }
            cover_pages = n;
        }
    }

    /// Drafts the documents `selection` asks for, in output order: each letter, with the
    /// next-steps sheet after the case's own letter. `stem` names the files.
    pub fn packet(
        &self,
        case: &Case,
        stem: &str,
        selection: Selection,
        options: DraftOptions,
    ) -> Result<Vec<Document>, PacketError> {
        let mut documents = Vec::new();
        for kind in selected_kinds(case, selection) {
            crate::escalation::can_write(case, kind, &self.rules)?;
            let mut opts = options;
            opts.plan.kind = Some(kind);
            let draft = self.draft(case, opts)?;
            let name = letter_name(case, stem, selection, kind);
            let sheet = has_next_steps(case, selection, kind)
                .then(|| next_steps(&draft.letter, &self.templates))
                .transpose()
                .map_err(DraftError::from)?;
            documents.push(Document {
                name,
                kind: Some(kind),
                markdown: draft.markdown,
                problems: draft.plan.problems().count(),
            });
            if let Some(sheet) = sheet {
                documents.push(Document {
                    name: next_steps_name(stem),
                    kind: None,
                    markdown: sheet,
                    problems: 0,
                });
            }
        }
        Ok(documents)
    }
}

impl Workspace {
    /// Every document of a case as `render --packet` writes it, in output order: with
    /// `selection.packet` and a recipient fax number, the fax cover sheet first (its page count
    /// typeset with `pdf`), then [`Workspace::packet`].
    pub fn documents(
        &self,
        case: &Case,
        stem: &str,
        selection: Selection,
        pdf: &crate::render::pdf::PdfOptions,
        options: DraftOptions,
    ) -> Result<Vec<Document>, PacketError> {
        let mut documents = self.packet(case, stem, selection, options)?;
        if has_fax_cover(case, selection) {
            let letters: Vec<&str> = documents
                .iter()
                .filter(|d| d.kind.is_some())
                .map(|d| d.markdown.as_str())
                .collect();
            let cover = self.fax_cover(case, stem, &letters, pdf, options)?;
            documents.insert(0, cover);
        }
        Ok(documents)
    }
}

/// The names (without extension) of the documents [`Workspace::documents`] drafts for `case`,
/// in the same order, found without drafting anything: what a rerun looks for on disk.
///
/// Within one case the names never collide: the case's own letter takes the stem, every other
/// kind `stem-<kind>`, and the sheets `stem-next-steps` and `stem-fax-cover`, which no kind is
/// called.
pub fn document_names(case: &Case, stem: &str, selection: Selection) -> Vec<String> {
    let mut names = Vec::new();
    if has_fax_cover(case, selection) {
        names.push(fax_cover_name(stem));
    }
    for kind in selected_kinds(case, selection) {
        names.push(letter_name(case, stem, selection, kind));
        if has_next_steps(case, selection, kind) {
            names.push(next_steps_name(stem));
        }
    }
    names
}

/// Every name a case named `stem` could write under `selection`, whatever the case says: for
/// finding two case files whose documents would collide before any case is read.
pub fn possible_names(stem: &str, selection: Selection) -> Vec<String> {
    let mut names = vec![stem.to_string()];
    if selection.packet {
        names.extend(LetterKind::ALL.iter().map(|kind| format!("{stem}-{kind}")));
        names.push(fax_cover_name(stem));
    }
    if selection.next_steps || selection.packet {
        names.push(next_steps_name(stem));
    }
    names
}

/// The letter kinds `selection` drafts for `case`, in output order.
fn selected_kinds(case: &Case, selection: Selection) -> Vec<LetterKind> {
    if selection.packet {
        Workspace::packet_kinds(case)
    } else {
        vec![selection.kind.unwrap_or(case.letter.kind)]
    }
}

/// The file name of the letter of `kind`.
fn letter_name(case: &Case, stem: &str, selection: Selection, kind: LetterKind) -> String {
    if selection.packet && kind != case.letter.kind {
        format!("{stem}-{kind}")
    } else {
        stem.to_string()
    }
}

/// Whether the next-steps sheet follows the letter of `kind`.
fn has_next_steps(case: &Case, selection: Selection, kind: LetterKind) -> bool {
    selection.next_steps && kind == case.letter.kind && kind != LetterKind::PeerToPeerBrief
}

/// Whether a fax cover sheet goes first: a whole packet, to a recipient with a fax number.
fn has_fax_cover(case: &Case, selection: Selection) -> bool {
    selection.packet && case.recipient.fax.is_some()
}

fn next_steps_name(stem: &str) -> String {
    format!("{stem}-next-steps")
}

fn fax_cover_name(stem: &str) -> String {
    format!("{stem}-fax-cover")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn no_kind_is_named_like_a_sheet() {
        for kind in LetterKind::ALL {
            assert!(!["next-steps", "fax-cover"].contains(&kind.id()), "{kind}");
        }
    }

    #[test]
    fn names_match_the_documents_drafted() {
        let workspace = Workspace::load(&crate::workspace::Sources::default()).expect("bundled data loads");
        let today = jiff::civil::date(2026, 11, 19);
        let options = DraftOptions {
            plan: crate::plan::PlanOptions::default(),
            today,
        };
        let pdf = crate::render::pdf::PdfOptions::default();
        let mut checked = 0;
        for file in crate::bundled::folder("examples/") {
            let name = file.relative("examples/");
            if name.contains('/') {
                continue;
            }
            let case = Case::parse(name, file.text()).expect("example parses");
            for (packet, next_steps) in [(true, true), (false, true), (false, false)] {
                let selection = Selection {
                    kind: None,
                    packet,
                    next_steps,
                };
                let Ok(docs) = workspace.documents(&case, "x", selection, &pdf, options) else {
                    continue;
                };
                let drafted: Vec<String> = docs.into_iter().map(|d| d.name).collect();
                assert_eq!(document_names(&case, "x", selection), drafted, "{name}");
                let possible = possible_names("x", selection);
                assert!(
                    drafted.iter().all(|d| possible.contains(d)),
                    "{name}: {drafted:?}"
                );
                let mut unique = drafted.clone();
                unique.sort();
                unique.dedup();
                assert_eq!(unique.len(), drafted.len(), "{name}: {drafted:?}");
                checked += 1;
            }
        }
        assert!(checked > 5, "only {checked} packets drafted");
    }
}
