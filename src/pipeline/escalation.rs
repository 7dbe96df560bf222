//! Where a complaint or a request for the next level of review goes, and what the letter asks.
//!
//! [`next_step`] picks the level a letter can ask for under a plan's rules: the external review
//! (an IRO, OPM, the Independent Review Entity), else the next level when a letter can ask for
//! it (a State fair hearing). [`escalation`] resolves the addressee from the rules data
//! (`[complaint]`, `request_to`, the State's file) into an [`Escalation`] the templates print:
//! a body whose contact details are verified is addressed in full; one that is not (or not on
//! file) is named, and the signer is told to look up where to send it.

use serde::Serialize;

use crate::case::{Case, KindError, LetterKind};
use crate::rules::{Body, ComplaintTo, ExternalReview, NextLevel, RequestTo, RuleBook, Rules};

/// The level of review a letter asks for.
#[derive(Debug, Clone, Copy)]
pub enum Step<'r> {
    /// The external review (or what stands in for it: OPM review, the IRE).
    External(&'r ExternalReview),
    /// The next level after the plan (a State fair hearing).
    Next(&'r NextLevel),
}

/// The level an `external-review` letter asks for under `rules` (as they apply to the plan,
/// after [`Rules::for_plan`]): the external review when a letter can ask for it, else the next
/// level when one can. `None` when neither can be asked for in a letter.
pub fn next_step(rules: &Rules) -> Option<Step<'_>> {
    if let Some(x) = rules
        .external_review
        .as_ref()
        .filter(|x| !x.optional && x.request_to.is_some() && x.tag.is_verified())
    {
        return Some(Step::External(x));
    }
    rules
        .next_level
        .as_ref()
        .filter(|n| n.request_to.is_some() && n.tag.is_verified())
        .map(Step::Next)
}

/// What a complaint or next-level letter needs to know about where it goes.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Escalation {
    /// The body the letter is addressed to; `None` when it goes to the plan (`[recipient]`).
    pub to: Option<Body>,
    /// The body's name, when where to send the letter is not verified or not on file: the
    /// letter is addressed by name only and the signer must look the address up.
    pub look_up: Option<String>,
    /// For an `external-review` letter: the level asked for.
    pub request: Option<Request>,
    /// For a `complaint`: who oversees the plan, with its citation.
    pub complaint: Option<ComplaintView>,
    /// Where else the signer can complain (Medicare, for a grievance sent to the plan).
    pub also: Option<Body>,
    /// The letter's title (front matter).
    pub title: String,
    /// The first line of the "Re:" block.
    pub re: String,
    /// The greeting: the body by name when it is verified.
    pub salutation: Option<String>,
}

/// The level an `external-review` letter asks for.
#[derive(Debug, Clone, Serialize)]
pub struct Request {
    /// What the letter asks for, as a noun phrase ("an external review by an independent
    /// review organization").
    pub request: String,
    /// The right as a letter states it (the rule's `claim`, lower-cased first letter, no final
    /// full stop), when the rules give one.
    pub claim: Option<String>,
    /// Where it is written.
    pub citation: String,
    /// The plan forwards the case itself (Medicare Advantage): the letter explains, it does
    /// not ask the reviewer.
    pub automatic: bool,
    /// Applies only if the plan is not grandfathered, which the case does not say.
    pub conditional: bool,
    /// The request goes to the plan (the rules say so, or the State's file names no external
    /// review office): the letter asks the plan to forward it if another office receives it.
    pub via_plan: bool,
    /// The id of the deadline that dates it (`external-review-file`, `next-level-file`).
    pub deadline: &'static str,
}

/// Who oversees the plan, for a complaint.
#[derive(Debug, Clone, Serialize)]
pub struct ComplaintView {
    /// Who oversees these plans, in plain words.
    pub text: String,
    /// Where it is written.
    pub citation: String,
    /// The complaint goes to the plan as a grievance (Medicare plans).
    pub grievance: bool,
}

impl Escalation {
    /// The recipient block for the letter, when it does not go to the plan.
    pub fn recipient_lines(&self) -> Option<Vec<String>> {
        let body = self.to.as_ref()?;
        let mut lines = Vec::new();
        lines.extend(body.office.clone());
        lines.push(body.name.clone());
        if body.verified {
            lines.extend(body.address.iter().cloned());
            if let Some(f) = &body.fax {
                lines.push(format!("Fax {f}"));
            }
        }
        Some(lines)
    }
}

/// A claim as a clause inside a sentence: first letter lower-cased (unless it starts an
/// acronym), no final full stop.
fn clause(claim: &str) -> String {
    let claim = claim.trim().trim_end_matches('.');
    let mut chars = claim.chars();
    match (chars.next(), chars.next()) {
        (Some(first), Some(second)) if !second.is_uppercase() => first
            .to_lowercase()
            .chain(claim[first.len_utf8()..].chars())
            .collect(),
        _ => claim.to_string(),
    }
}

/// A body known only by name (not on file): the letter is addressed to it by name.
fn named(name: String) -> Body {
    Body {
        id: None,
        name,
        office: None,
        covers: None,
        plan_types: Vec::new(),
        address: Vec::new(),
        phone: None,
        fax: None,
        web: None,
        asks: None,
        reviews: false,
        note: None,
        citation: String::new(),
        tag: crate::rules::Tag::Unverified,
        source: None,
        verified: false,
    }
}

/// The State's name from its file, or its code.
fn state_name(case: &Case, book: &RuleBook) -> String {
    let code = case.plan.state.as_ref().map(|s| s.0.as_str()).unwrap_or_default();
    book.state(code)
        .map_or_else(|| code.to_string(), |s| s.name.clone())
}

/// Sets the addressee: the body when it is known, else its name to look up.
fn address(e: &mut Escalation, body: Option<&Body>, fallback: impl FnOnce() -> String) {
    match body {
        Some(b) => {
            if !b.reachable() {
                e.look_up = Some(b.name.clone());
            }
            e.to = Some(b.clone());
        }
        None => {
            let name = fallback();
            e.look_up = Some(name.clone());
            e.to = Some(named(name));
        }
    }
}

/// Where a letter of `kind` goes and what it asks, for a complaint or an `external-review`
/// letter; `None` for other kinds or when the rules give nothing. `rules` are the case's rules
/// as they apply to the plan ([`Rules::for_plan`]).
pub fn escalation(case: &Case, kind: LetterKind, rules: &Rules, book: &RuleBook) -> Option<Escalation> {
    let state = case.plan.state.as_ref().and_then(|s| book.state(&s.0));
    let mut e = Escalation::default();
    match kind {
        LetterKind::Complaint => {
            let c = rules.complaint.as_ref()?;
            e.complaint = Some(ComplaintView {
                text: c.text.clone(),
                citation: c.citation.clone(),
                grievance: c.to == ComplaintTo::Plan,
            });
            match c.to {
                ComplaintTo::Body => address(&mut e, c.body.as_ref(), || {
                    "the agency that oversees the plan".into()
                }),
                ComplaintTo::Plan => e.also = c.body.clone(),
                ComplaintTo::StateInsurance => {
                    let body = state.and_then(|s| {
                        s.insurance_for(case.plan.plan_type, case.plan.regulator.as_deref())
                            .ok()
                            .flatten()
                    });
                    address(&mut e, body, || {
                        format!("Insurance regulator of {}", state_name(case, book))
                    });
                }
                ComplaintTo::StateMedicaid => {
                    address(&mut e, state.and_then(|s| s.medicaid.as_ref()), || {
                        format!("Medicaid agency of {}", state_name(case, book))
                    });
                }
            }
        }
        LetterKind::ExternalReview => {
            let (to, body, request) = match next_step(rules)? {
                Step::External(x) => (
                    x.request_to?,
                    x.body.as_ref(),
                    Request {
                        request: x.request.clone().unwrap_or_default(),
                        claim: x.claim.as_deref().map(clause),
                        citation: x.citation.clone(),
                        automatic: x.automatic,
                        conditional: x.conditional,
                        via_plan: false,
                        deadline: "external-review-file",
                    },
                ),
                Step::Next(n) => (
                    n.request_to?,
                    n.body.as_ref(),
                    Request {
                        request: n.request.clone().unwrap_or_default(),
                        claim: n.claim.as_deref().map(clause),
                        citation: n.citation.clone(),
                        automatic: false,
                        conditional: false,
                        via_plan: false,
                        deadline: "next-level-file",
                    },
                ),
            };
            e.request = Some(request);
            match to {
                // The plan receives it (or forwards it, when the final denial names another
                // office); Medicare Advantage forwards the case itself.
                RequestTo::Plan => {
                    if let Some(r) = &mut e.request {
                        r.via_plan = !r.automatic;
                    }
                }
                RequestTo::Body => address(&mut e, body, || "the reviewing office".into()),
                RequestTo::StateExternalReview => match state.and_then(|s| {
                    s.external_review.as_ref().or_else(|| {
                        s.insurance_for(case.plan.plan_type, case.plan.regulator.as_deref())
                            .ok()
                            .flatten()
                            .filter(|b| b.reviews)
                    })
                }) {
                    Some(b) => address(&mut e, Some(b), String::new),
                    None => {
                        if let Some(r) = &mut e.request {
                            r.via_plan = true;
                        }
                    }
                },
                RequestTo::StateFairHearing => {
                    address(&mut e, state.and_then(|s| s.fair_hearing.as_ref()), || {
                        format!("State fair hearing office of {}", state_name(case, book))
                    });
                }
            }
        }
        _ => return None,
    }
    let service = &case.request.service;
    let name = &case.patient.name;
    (e.title, e.re) = match (&e.request, &e.complaint) {
        (Some(r), _) if r.automatic => (
            format!("Forwarding to the independent reviewer for {name}"),
            format!("Review by the independent reviewer of the denial of {service}"),
        ),
        (Some(r), _) => (
            format!("Request for {} for {name}", r.request),
            format!("Request for {} of the denial of {service}", r.request),
        ),
        (None, Some(c)) if c.grievance => (
            format!("Grievance for {name}"),
            format!("Grievance about the denial of {service}"),
        ),
        _ => (
            format!("Complaint about a health plan for {name}"),
            format!("Complaint about the denial of {service}"),
        ),
    };
    e.salutation = e.to.as_ref().map(|b| {
        if b.verified {
            format!("To the {}:", b.name)
        } else {
            "To whom it may concern:".to_string()
        }
    });
    Some(e)
}

/// Whether a letter of `kind` can be written for `case` under the rules in `book`: what
/// [`Case::can_write`] checks, and, for the kinds whose addressee comes from the rules, that
/// the rules give a level to ask for (`external-review`) and that the case picks one
/// regulator where its State has several (`complaint`).
pub fn can_write(case: &Case, kind: LetterKind, book: &RuleBook) -> Result<(), KindError> {
    case.can_write(kind)?;
    let file = || case.source.file.clone();
    let regulation = case.regulation();
    let Some(written) = book.get(regulation) else {
        return Ok(());
    };
    let rules = written.for_plan(case.plan.grandfathered);
    match kind {
        LetterKind::ExternalReview if next_step(&rules).is_none() => {
            let reason = match (&written.external_review, case.plan.grandfathered) {
                (Some(x), Some(true)) if x.non_grandfathered_only => format!(
                    "the plan is grandfathered, so the external review rules ({}) do not apply to it, and {} gives no other review a letter can ask for",
                    x.citation, written.name
                ),
                _ => format!(
                    "the rules for this plan ({}) give no further review a letter can ask for",
                    written.name
                ),
            };
            let then = rules
                .next_level
                .as_ref()
                .filter(|n| n.tag.is_verified())
                .map(|n| format!("{} ({}); ", n.text.trim_end_matches('.'), n.citation))
                .unwrap_or_default();
            Err(KindError::NoNextLevel {
                file: file(),
                reason,
                hint: format!(
                    "{then}the plan's final denial must say what review is available; choose another --kind (a complaint, or an appeal to the plan)"
                ),
            })
        }
        LetterKind::Complaint | LetterKind::ExternalReview => {
            let to_state = match kind {
                LetterKind::Complaint => rules
                    .complaint
                    .as_ref()
                    .is_some_and(|c| c.to == ComplaintTo::StateInsurance),
                _ => matches!(
                    next_step(&rules),
                    Some(Step::External(ExternalReview {
                        request_to: Some(RequestTo::StateExternalReview),
                        ..
                    }))
                ),
            };
            let Some(state) = case.plan.state.as_ref().and_then(|s| book.state(&s.0)) else {
                return Ok(());
            };
            if !to_state || (kind == LetterKind::ExternalReview && state.external_review.is_some()) {
                return Ok(());
            }
            match state.insurance_for(case.plan.plan_type, case.plan.regulator.as_deref()) {
                Ok(_) => Ok(()),
                Err(candidates) => {
                    let list: Vec<String> = candidates
                        .iter()
                        .map(|b| {
                            format!(
                                "\"{}\" ({}{})",
                                b.id.as_deref().unwrap_or_default(),
                                b.name,
                                b.covers.as_deref().map(|c| format!(": {c}")).unwrap_or_default()
                            )
                        })
                        .collect();
                    Err(KindError::NeedsFact {
                        file: case.locate(&["plan", "type"]).to_string(),
                        kind,
                        what: "the State agency that regulates the plan",
                        missing: "which of the State's regulators that is",
                        hint: format!(
                            "set `[plan] regulator` to {}; the plan's Evidence of Coverage or member card says which",
                            list.join(" or ")
                        ),
                    })
                }
            }
        }
        _ => Ok(()),
    }
}
