//! Letter assembly: the plan's blocks rendered in the signer's voice, citations numbered.
//!
//! [`assemble`] takes the prose the plan drafted for each selected block, numbers citations in
//! order of first appearance across the letter, and formats the reference list through the CSL
//! engine. The result, a [`Letter`], is everything the letter template needs; turning it into
//! Markdown is [`crate::render::markdown`]'s job. Assembly reads the plan and changes nothing in
//! it: what the letter argues was decided by [`crate::plan`].

use jiff::civil::Date;
use serde::Serialize;

use crate::case::{Case, LetterKind, Voice};
use crate::catalog::Catalog;
use crate::context::Context;
use crate::library::style::BibliographyCache;
use crate::library::{Library, Style, format_bibliography};
use crate::plan::Plan;
use crate::rules::Deadlines;
use crate::templates::{MARK_CLOSE, MARK_OPEN};

/// Inputs to assembly that do not come from the case.
#[derive(Clone, Copy)]
pub struct LetterOptions<'a> {
    /// The letter's date (the case's `letter.date`, else today).
    pub date: Date,
    /// Citation style for the reference list.
    pub style: &'a Style,
    /// Reference lists already formatted with this library and style, if the caller keeps them.
    pub bibliographies: Option<&'a BibliographyCache>,
}

/// The PDF/Markdown front matter: document metadata.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct FrontMatter {
    /// Document title.
    pub title: String,
    /// The signer.
    pub author: String,
    /// One-line subject.
    pub subject: String,
    /// Running header for pages after the first.
    pub header: String,
    /// Letter date, `YYYY-MM-DD`.
    pub date: String,
}

/// One argument as it appears in the letter.
#[derive(Debug, Clone, Serialize)]
pub struct Section {
    /// Block id.
    pub id: String,
    /// Heading.
    pub title: String,
    /// Markdown prose with citation numbers.
    pub body: String,
    /// What the block asks the signer to enclose.
    pub enclose: Vec<String>,
}

/// A numbered entry of the reference list.
#[derive(Debug, Clone, Serialize)]
pub struct CitedReference {
    /// Citation number, from 1.
    pub number: usize,
    /// Library key.
    pub key: String,
    /// Formatted Markdown (no number).
    pub text: String,
}

/// An assembled letter.
#[derive(Debug, Clone, Serialize)]
pub struct Letter {
    /// Metadata for the front matter.
    pub meta: FrontMatter,
    /// Letter kind.
    pub kind: LetterKind,
    /// Voice.
    pub voice: Voice,
    /// Arguments in order.
    pub sections: Vec<Section>,
    /// Reference list in citation order.
    pub references: Vec<CitedReference>,
    /// Deadlines computed from the rules (empty when the regulation is not known).
    pub deadlines: Option<Deadlines>,
    /// Context shared by every template: case view, wording helpers, rules.
    #[serde(skip)]
    pub context: Context,
}

/// Why a letter could not be assembled.
#[derive(Debug, thiserror::Error)]
pub enum LetterError {
    /// The citation style failed.
    #[error("could not format the reference list: {0}")]
    Style(String),
}

/// Assembles the letter the plan drafted: its sections in order, citations numbered, the
/// reference list formatted. `context` and `deadlines` are those the plan was drafted with
/// ([`Context::new`]).
pub fn assemble(
    case: &Case,
    plan: &Plan,
    catalog: &Catalog,
    library: &Library,
    context: Context,
    deadlines: Option<Deadlines>,
    options: LetterOptions<'_>,
) -> Result<Letter, LetterError> {
    let kind = plan.kind;
    let mut order: Vec<String> = Vec::new();
    let sections = plan
        .selected()
        .filter_map(|item| Some((catalog.get(&item.id)?, item.prose.as_deref()?)))
        .map(|(block, prose)| Section {
            id: block.meta.id.clone(),
            title: block.meta.title.clone(),
            body: number_citations(prose.trim(), &mut order),
            enclose: block.meta.enclose.clone(),
        })
        .collect();
    let refs: Vec<_> = order.iter().filter_map(|k| library.get(k)).collect();
    let texts = match options.bibliographies {
        Some(cache) => cache.format(&refs, options.style),
        None => format_bibliography(&refs, options.style),
    }
    .map_err(|e| LetterError::Style(e.to_string()))?;
    let references = order
        .iter()
        .zip(texts)
        .enumerate()
        .map(|(i, (key, text))| CitedReference {
            number: i + 1,
            key: key.clone(),
            text,
        })
        .collect();

    let mut meta = front_matter(case, kind, options.date);
    // A complaint or next-level request is titled for its level.
    if let Some(e) = &context.escalation {
        meta.title.clone_from(&e.title);
    }
    Ok(Letter {
        meta,
        kind,
        voice: case.voice_for(kind),
        sections,
        references,
        deadlines,
        context,
    })
}

/// Replaces runs of citation markers with bracketed numbers, assigning new numbers in order of
/// first appearance: `…care ⟦a⟧⟦b⟧.` → `…care [1, 2].`
pub fn number_citations(text: &str, order: &mut Vec<String>) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(start) = rest.find(MARK_OPEN) {
        out.push_str(&rest[..start]);
        let mut numbers = Vec::new();
        rest = &rest[start..];
        while let Some(inner) = rest.strip_prefix(MARK_OPEN) {
            let Some(end) = inner.find(MARK_CLOSE) else { break };
            let key = &inner[..end];
            let n = match order.iter().position(|k| k == key) {
                Some(i) => i + 1,
                None => {
                    order.push(key.to_string());
                    order.len()
                }
            };
            if !numbers.contains(&n) {
                numbers.push(n);
            }
            rest = &inner[end + MARK_CLOSE.len_utf8()..];
        }
        if !numbers.is_empty() {
            // "…guideline [2, 3]." reads better in plain text than "…guideline[2, 3].".
            if out.chars().last().is_some_and(|c| !c.is_whitespace()) {
                out.push(' ');
            }
            out.push_str(&format!("[{}]", compress(&mut numbers)));
        }
    }
    out.push_str(rest);
    out
}

/// `[3, 1, 2, 5]` → `"1-3, 5"`.
fn compress(numbers: &mut [usize]) -> String {
    numbers.sort_unstable();
    let mut parts: Vec<String> = Vec::new();
    let mut i = 0;
    while i < numbers.len() {
        let mut j = i;
        while j + 1 < numbers.len() && numbers[j + 1] == numbers[j] + 1 {
            j += 1;
        }
        parts.push(match j - i {
            0 => numbers[i].to_string(),
            1 => format!("{}, {}", numbers[i], numbers[j]),
            _ => format!("{}-{}", numbers[i], numbers[j]),
        });
        i = j + 1;
    }
    parts.join(", ")
}

fn front_matter(case: &Case, kind: LetterKind, date: Date) -> FrontMatter {
    let title = format!("{} {}", kind.spec().title, case.patient.name);
    let mut header = vec![case.patient.name.clone()];
    if let Some(id) = &case.patient.member_id {
        header.push(format!("Member ID {id}"));
    }
    if let Some(r) = case.denial.as_ref().and_then(|d| d.reference.as_ref()) {
        header.push(format!("Ref. {r}"));
    }
    FrontMatter {
        title,
        author: case.sender.name.clone(),
        subject: match &case.denial {
            Some(d) => format!("{}; denial dated {}", case.request.service, d.date.long()),
            None => format!("{}; request before a coverage decision", case.request.service),
        },
        header: header.join(" · "),
        date: date.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn mark(k: &str) -> String {
        format!("{MARK_OPEN}{k}{MARK_CLOSE}")
    }

    #[test]
    fn numbers_in_order_of_first_citation_and_merges_runs() {
        let mut order = Vec::new();
        let a = number_citations(
            &format!("One {}. Two {}{}{}.", mark("b"), mark("a"), mark("b"), mark("c")),
            &mut order,
        );
        assert_eq!(a, "One [1]. Two [1-3].");
        assert_eq!(
            number_citations(&format!("tight{}.", mark("a")), &mut order),
            "tight [2]."
        );
        let b = number_citations(&format!("Again {}{}.", mark("c"), mark("a")), &mut order);
        assert_eq!(b, "Again [2, 3].");
        assert_eq!(order, ["b", "a", "c"]);
    }

    #[test]
    fn compresses_ranges() {
        assert_eq!(compress(&mut [5, 1, 2, 3, 7, 8]), "1-3, 5, 7, 8");
    }
}
