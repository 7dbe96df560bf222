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
}

impl Workspace {
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
