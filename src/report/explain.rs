//! Why each argument was used or skipped: the report `appeal explain` prints.
//!
//! [`Explanation::of`] is a pure function of a case and its draft; it is [`Serialize`] (the
//! `--json` shape, `"format": 1`) and [`Display`](std::fmt::Display) (the text a person reads),
//! so a command line and a web front end show the same thing.

use std::fmt;

use crate::escalation::Escalation;

use serde::Serialize;

use crate::case::Case;
use crate::exception::DrugException;
use crate::plan::PlanItem;
use crate::workspace::Draft;

/// The regulation the letter's rights and deadlines come from.
#[derive(Debug, Clone, Serialize)]
pub struct RegulationUsed {
    /// Its id (`erisa`, `medicare-advantage`, …).
    pub id: &'static str,
    /// Whether it was inferred from `plan.type`.
    pub inferred: bool,
}

/// Who a complaint or next-level letter is addressed to, and the rule that says so.
#[derive(Debug, Clone, Serialize)]
pub struct AddressedTo {
    /// The body, or the plan (`[recipient] organization`).
    pub name: String,
    /// Why it goes there: who oversees the plan, or the level asked for.
    pub why: String,
    /// Where that is written.
    pub citation: String,
    /// Whether where to send it is verified; when not, the letter names the body only.
    pub verified: bool,
}

/// Every argument block of one letter, used or skipped, and why.
#[derive(Debug, Clone, Serialize)]
pub struct Explanation {
    /// The report's format version.
    pub format: u32,
    /// The case file, as named.
    #[serde(skip)]
    pub file: String,
    /// The letter kind explained.
    pub kind: &'static str,
    /// The regulation.
    pub regulation: RegulationUsed,
    /// Who speaks.
    pub voice: &'static str,
    /// For a complaint or next-level letter: who it goes to, from the rules data.
    pub addressed_to: Option<AddressedTo>,
    /// A request before any decision (no `[denial]`).
    #[serde(skip)]
    pub request: bool,
    /// The reasons the letter answers.
    #[serde(skip)]
    pub reasons: Vec<&'static str>,
    /// One item per block, in letter order.
    pub blocks: Vec<PlanItem>,
    /// The preferred-drug exception's shortage (d) and state-law (g) grounds: whether the
    /// `preferred-drug-exception` block states each, and why.
    pub drug_exception: DrugException,
    /// Reference keys in citation order.
    pub citations: Vec<String>,
}

impl Explanation {
    /// The explanation of `draft`, drafted from `case`.
    pub fn of(case: &Case, draft: &Draft) -> Explanation {
        let kind = draft.plan.kind;
        Explanation {
            format: 1,
            file: case.source.file.clone(),
            kind: kind.id(),
            regulation: RegulationUsed {
                id: case.regulation().id(),
                inferred: case.inferred_regulation().is_some(),
            },
            voice: case.voice_for(kind).id(),
            addressed_to: addressed_to(case, draft.letter.context.escalation.as_ref()),
            request: case.is_request(),
            reasons: case.reasons().iter().map(|r| r.id()).collect(),
            blocks: draft.plan.blocks.clone(),
            drug_exception: draft.letter.context.exception.clone(),
            citations: draft.letter.references.iter().map(|r| r.key.clone()).collect(),
        }
    }
}

/// Reads the addressee from the letter's `escalation` context (see [`crate::escalation`]).
fn addressed_to(case: &Case, e: Option<&Escalation>) -> Option<AddressedTo> {
    let e = e?;
    let name = match &e.to {
        Some(body) => body.name.clone(),
        None => case.recipient.organization.clone(),
    };
    let (why, citation) = match (&e.request, &e.complaint) {
        (Some(r), _) => (
            r.claim.clone().unwrap_or_else(|| r.request.clone()),
            r.citation.clone(),
        ),
        // The body's own citation says more than the regulation's general one.
        (None, Some(c)) => {
            let citation =
                e.to.as_ref()
                    .map(|b| b.citation.clone())
                    .filter(|c| !c.is_empty())
                    .unwrap_or_else(|| c.citation.clone());
            (c.text.clone(), citation)
        }
        (None, None) => (String::new(), String::new()),
    };
    Some(AddressedTo {
        name,
        why,
        citation,
        verified: e.look_up.is_none(),
    })
}

/// The block whose (d) and (g) grounds `explain` details.
const PREFERRED_DRUG_EXCEPTION: &str = "preferred-drug-exception";

impl fmt::Display for Explanation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(
            f,
            "{}: {} letter in the {}'s voice",
            self.file, self.kind, self.voice
        )?;
        writeln!(
            f,
            "{}: {}",
            if self.request {
                "a request before any decision; the letter answers"
            } else {
                "denial reasons"
            },
            self.reasons.join(", ")
        )?;
        if self.regulation.inferred {
            writeln!(
                f,
                "plan regulation: {} (inferred from plan.type; set plan.regulation to change it)",
                self.regulation.id
            )?;
        }
        if let Some(a) = &self.addressed_to {
            writeln!(f, "addressed to: {} ({})", a.name, a.citation)?;
            writeln!(f, "  because: {}", a.why)?;
            if !a.verified {
                writeln!(
                    f,
                    "  no verified address is on file: the letter names it only; look up where to send it"
                )?;
            }
        }
        writeln!(f)?;
        for item in &self.blocks {
            let mark = if item.selected {
                "used   "
            } else if item.problem {
                "MISSING"
            } else {
                "skipped"
            };
            writeln!(f, "{mark} {:<30} {}", item.id, item.reason)?;
            if let Some(o) = item.override_ {
                writeln!(f, "        {:<30} (your [arguments] {o} changed this)", "")?;
            }
            if item.selected && !item.citations.is_empty() {
                writeln!(f, "        {:<30} cites {}", "", item.citations.join(", "))?;
            }
            if !item.findings.is_empty() {
                writeln!(
                    f,
                    "        {:<30} prints the findings of {}",
                    "",
                    item.findings.join(", ")
                )?;
            }
            if item.id == PREFERRED_DRUG_EXCEPTION && (item.selected || item.problem) {
                let x = &self.drug_exception;
                for (label, part) in [
                    ("(d) shortage of the preferred products", &x.shortage),
                    ("(g) state step-therapy law", &x.state_law),
                ] {
                    let mark = if part.used { "states" } else { "leaves out" };
                    writeln!(f, "        {:<30} {mark} {label}: {}", "", part.why)?;
                }
            }
            if !item.unlock.is_empty() {
                writeln!(
                    f,
                    "        {:<30} would apply with {}",
                    "",
                    item.unlock.join(" and ")
                )?;
            }
        }
        writeln!(f)?;
        if self.citations.is_empty() {
            writeln!(f, "citations: none")
        } else {
            writeln!(f, "citations, in order: {}", self.citations.join(", "))
        }
    }
}
