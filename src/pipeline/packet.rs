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
                    name: format!("{stem}-fax-cover"),
                    kind: None,
                    markdown,
                    problems: 0,
                });
            }
            cover_pages = n;
        }
    }

    /// The documents `appeal render` writes for `selection`: [`Workspace::packet`], and for a
    /// packet to a plan with a fax number, the fax cover sheet first, counting the letters'
    /// pages as typeset with `pdf`.
    pub fn documents(
        &self,
        case: &Case,
        stem: &str,
        selection: Selection,
        pdf: &crate::render::pdf::PdfOptions,
        options: DraftOptions,
    ) -> Result<Vec<Document>, PacketError> {
        let mut docs = self.packet(case, stem, selection, options)?;
        if selection.packet && case.recipient.fax.is_some() {
            let letters: Vec<&str> = docs
                .iter()
                .filter(|d| d.kind.is_some())
                .map(|d| d.markdown.as_str())
                .collect();
            let cover = self.fax_cover(case, stem, &letters, pdf, options)?;
            docs.insert(0, cover);
        }
        Ok(docs)
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
        let kinds = if selection.packet {
            Workspace::packet_kinds(case)
        } else {
            vec![selection.kind.unwrap_or(case.letter.kind)]
        };
        let mut documents = Vec::new();
        for kind in kinds {
            case.can_write(kind)?;
            let mut opts = options;
            opts.plan.kind = Some(kind);
            let draft = self.draft(case, opts)?;
            let name = if selection.packet && kind != case.letter.kind {
                format!("{stem}-{kind}")
            } else {
                stem.to_string()
            };
            let sheet =
                (selection.next_steps && kind == case.letter.kind && kind != LetterKind::PeerToPeerBrief)
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
                    name: format!("{stem}-next-steps"),
                    kind: None,
                    markdown: sheet,
                    problems: 0,
                });
            }
        }
        Ok(documents)
    }
}
