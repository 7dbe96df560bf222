//! Why each argument was used or skipped: the report `appeal explain` prints.
//!
//! [`Explanation::of`] is a pure function of a case and its draft; it is [`Serialize`] (the
//! `--json` shape, `"format": 1`) and [`Display`](std::fmt::Display) (the text a person reads),
//! so a command line and a web front end show the same thing.

use std::fmt;

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
            request: case.is_request(),
            reasons: case.reasons().iter().map(|r| r.id()).collect(),
            blocks: draft.plan.blocks.clone(),
            drug_exception: draft.letter.exception.clone(),
            citations: draft.letter.references.iter().map(|r| r.key.clone()).collect(),
        }
    }
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
