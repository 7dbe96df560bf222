//! The template context: what every template (block prose, letter, cover sheets) sees.
//!
//! [`Context::new`] builds it once per letter from the case, the letter kind and date, and the
//! rules as they apply to the plan. It is a typed struct, serialised once for tera; the case and
//! the deadlines appear as views (the values as written, dates long-form: "March 2, 2026").
//! Nothing here decides which arguments a letter makes ([`crate::plan`] does) or how they are
//! numbered ([`crate::letter`] does).

use jiff::civil::Date;
use serde::Serialize;
use serde_json::{Value, json};

use crate::case::{Case, CaseDate, DenialReason, LetterKind, ServiceTiming, Sex, TreatmentStatus, Voice};
use crate::escalation::Escalation;
use crate::exception::DrugException;
use crate::rules::{Deadlines, Item, Rights, RightsFor, RuleBook, Rules, Status, TimeUnit};

/// Everything a template may name. Field names are the names templates use (see
/// `templates/blocks/README.md`).
#[derive(Debug, Clone, Serialize)]
pub struct Context {
    /// The case as written, every string Markdown-escaped by the template engine, dates long-form.
    /// For a request before any decision, `denial` holds the questions a reviewer will ask as
    /// `reasons` and no date.
    pub case: Value,
    /// The signer's letterhead lines.
    pub sender_lines: Vec<String>,
    /// The addressee's lines.
    pub recipient_lines: Vec<String>,
    /// The "Re:" block.
    pub re_lines: Vec<String>,
    /// The lines under the signature.
    pub signature_lines: Vec<String>,
    /// The letter kind's id.
    pub kind: &'static str,
    /// The voice's id: `patient`, `provider` or `representative`.
    pub voice: &'static str,
    /// How the letter names the patient.
    pub p: Pronouns,
    /// Treatments grouped by status id (`failed`, `current`, …), each as in `case.treatments`.
    pub by_status: serde_json::Map<String, Value>,
    /// The denial's reasons (or, before a decision, the questions a reviewer will ask).
    pub reasons: Vec<Reason>,
    /// The letter's date, long-form.
    pub letter_date: String,
    /// The plan's regulation id.
    pub regulation: &'static str,
    /// The rules as they apply to this plan (grandfathered status resolved), when known.
    pub rules: Option<Rules>,
    /// The rights the letter may claim.
    pub rights: Option<Rights>,
    /// The deadlines, dates long-form (`items`, `notes`).
    pub deadlines: Value,
    /// Every network attempt says the network could not provide the care.
    pub network_inadequate: bool,
    /// Ongoing care, continuation window open, and a verified continuation rule.
    pub ask_continuation: bool,
    /// Guidelines the case says recommend the requested care.
    pub guidelines_supporting: Vec<Value>,
    /// The other guidelines (quoted only).
    pub guidelines_other: Vec<Value>,
    /// The sarcoma type's id, given or inferred.
    pub sarcoma_type: Option<&'static str>,
    /// The care was already given.
    pub post_service: bool,
    /// For a follow-up: the plan's decision clock on the filed appeal.
    pub decision_due: Option<DecisionDue>,
    /// What the rules say happens when a plan misses its deadline (verified only).
    pub misses: Option<Item>,
    /// The denial's quoted text, one string per paragraph.
    pub quote_paragraphs: Vec<String>,
    /// For a complaint or a next-level request: the level and the body it goes to, from the rules
    /// data (its addressee replaces `recipient_lines`, its subject the first of `re_lines`).
    pub escalation: Option<Escalation>,
    /// The preferred-drug exception's shortage (d) and state-law (g) grounds, and why each is
    /// stated or left out.
    pub exception: DrugException,
}

/// How a letter names the patient: `ref` is "my patient" (provider) or the patient's name.
#[derive(Debug, Clone, Serialize)]
pub struct Pronouns {
    /// The patient's name.
    pub name: String,
    /// "my patient" or the patient's name.
    #[serde(rename = "ref")]
    pub reference: String,
    /// `ref`, capitalised.
    #[serde(rename = "Ref")]
    pub reference_capitalised: String,
    /// she, he or they.
    pub they: &'static str,
    /// her, him or them.
    pub them: &'static str,
    /// her, his or their.
    pub their: &'static str,
    /// She, He or They.
    #[serde(rename = "They")]
    pub they_capitalised: &'static str,
    /// Her, His or Their.
    #[serde(rename = "Their")]
    pub their_capitalised: &'static str,
    /// "she is" or "they are".
    pub they_are: &'static str,
    /// "she has" or "they have".
    pub they_have: &'static str,
}

/// One reason the denial gives.
#[derive(Debug, Clone, Serialize)]
pub struct Reason {
    /// The reason's id.
    pub id: &'static str,
    /// In plain words.
    pub text: &'static str,
}

/// The plan's decision clock on a filed appeal, for a follow-up letter.
#[derive(Debug, Clone, Serialize)]
pub struct DecisionDue {
    /// The due date, long-form, when dated.
    pub date: Option<String>,
    /// Where it stands (`upcoming`, `today`, `passed`, …).
    pub state: &'static str,
    /// Where the rule is written.
    pub citation: String,
    /// The figure.
    pub amount: u32,
    /// Its unit.
    pub unit: TimeUnit,
}

impl Context {
    /// The context for a letter of `kind` dated `date`, with the rules for the case's regulation
    /// from `book` (as they apply to this plan) and the deadlines they give.
    pub fn new(case: &Case, kind: LetterKind, date: Date, book: &RuleBook) -> (Context, Option<Deadlines>) {
        let written = book.get(case.regulation());
        let deadlines = written.map(|r| crate::rules::deadlines_for(r, case, date));
        // The rules as they apply to this plan (grandfathered status resolved once, here).
        let rules = written.map(|r| r.for_plan(case.plan.grandfathered));
        let escalation = rules
            .as_ref()
            .and_then(|r| crate::escalation::escalation(case, kind, r, book));
        let mut context = build(case, kind, date, rules, deadlines.as_ref());
        context.exception = DrugException::of(case, book);
        if let Some(e) = escalation {
            if let Some(lines) = e.recipient_lines() {
                context.recipient_lines = lines;
            }
            if let Some(first) = context.re_lines.first_mut() {
                first.clone_from(&e.re);
            }
            context.escalation = Some(e);
        }
        (context, deadlines)
    }
}

impl Context {
    /// The context as tera takes it. A struct always serialises to a map, so this does not fail
    /// (an empty context would make every template fail loudly, never print a blank).
    pub fn tera(&self) -> tera::Context {
        tera::Context::from_serialize(self).unwrap_or_default()
    }
}

fn build(
    case: &Case,
    kind: LetterKind,
    date: Date,
    rules: Option<Rules>,
    deadlines: Option<&Deadlines>,
) -> Context {
    let voice = case.voice_for(kind);
    let continuation_open = deadlines.is_none_or(|d| {
        !d.items
            .iter()
            .any(|i| i.id == "continue-benefits" && matches!(i.status, Status::Passed { .. }))
    });
    let mut view = serde_json::to_value(case).unwrap_or(Value::Null);
    if case.is_request() {
        // Before any decision: the questions a reviewer will ask stand in for the reasons, and
        // there is no date (templates test `case.denial.date` before speaking of a denial).
        let reasons: Vec<&str> = case.reasons().iter().map(|r| r.id()).collect();
        view["denial"] = json!({"reasons": reasons, "service_timing": "pre-service"});
    }
    long_dates(&mut view, None);
    let mut deadline_view = serde_json::to_value(deadlines).unwrap_or(Value::Null);
    long_dates(&mut deadline_view, None);
    let decision_due = deadlines.and_then(|d| decision_due(case, rules.as_ref()?, d));
    let misses = rules
        .as_ref()
        .and_then(|r| r.plan_misses_deadline.as_ref())
        .filter(|m| m.tag.is_verified())
        .cloned();
    let mut by_status = serde_json::Map::new();
    for status in TreatmentStatus::ALL {
        let list: Vec<Value> = case
            .treatments
            .iter()
            .enumerate()
            .filter(|(_, t)| t.status == Some(status))
            .map(|(i, _)| view["treatments"][i].clone())
            .collect();
        by_status.insert(status.id().to_string(), Value::Array(list));
    }
    let ask_continuation = case.service_timing() == Some(ServiceTiming::Concurrent)
        && continuation_open
        && rules
            .as_ref()
            .is_some_and(|r| r.continuation.as_ref().is_some_and(|c| c.tag.is_verified()));
    let rights = rules.as_ref().map(|r| {
        r.rights(RightsFor {
            out_of_network: case.reasons().contains(&DenialReason::OutOfNetwork),
            concurrent: case.service_timing() == Some(ServiceTiming::Concurrent),
            continuation_open,
            external_review_letter: kind == LetterKind::ExternalReview,
        })
    });
    // The letter says the network cannot meet the need only when every attempt says so.
    let network_inadequate = !case.network_attempts.is_empty()
        && case
            .network_attempts
            .iter()
            .all(|a| a.could_provide == Some(false));
    // Guidelines the case says recommend the requested care, and the rest (quoted only).
    let (mut supporting, mut other) = (Vec::new(), Vec::new());
    for (i, g) in case.guidelines.iter().enumerate() {
        let entry = view["guidelines"][i].clone();
        if g.supports_request == Some(true) {
            supporting.push(entry);
        } else {
            other.push(entry);
        }
    }
    Context {
        sender_lines: sender_lines(case, voice),
        recipient_lines: recipient_lines(case),
        re_lines: re_lines(case, kind),
        signature_lines: signature_lines(case, voice),
        kind: kind.id(),
        voice: voice.id(),
        p: pronouns(case, voice),
        by_status,
        reasons: case
            .reasons()
            .iter()
            .map(|r| Reason {
                id: r.id(),
                text: r.describe(),
            })
            .collect(),
        letter_date: CaseDate(date).long(),
        regulation: case.regulation().id(),
        rules,
        rights,
        deadlines: deadline_view,
        network_inadequate,
        ask_continuation,
        guidelines_supporting: supporting,
        guidelines_other: other,
        sarcoma_type: case.sarcoma_type().map(|t| t.id()),
        post_service: case.service_timing() == Some(ServiceTiming::PostService),
        decision_due,
        misses,
        quote_paragraphs: case
            .denial
            .as_ref()
            .and_then(|d| d.quote.as_ref())
            .map(|q| q.paragraphs().map(str::to_string).collect())
            .unwrap_or_default(),
        escalation: None,
        exception: DrugException::default(),
        case: view,
    }
}

/// For a follow-up: the plan's decision clock on the filed appeal (its figure and citation from
/// the rules, its date from the deadlines).
fn decision_due(case: &Case, rules: &Rules, deadlines: &Deadlines) -> Option<DecisionDue> {
    let items = &deadlines.items;
    let item = items
        .iter()
        .find(|d| d.id == "decision-expedited")
        .or_else(|| items.iter().find(|d| d.id == "decision-standard"))?;
    let d = &rules.decision;
    let period = if item.id == "decision-expedited" {
        d.expedited.as_ref()
    } else {
        match case.service_timing() {
            Some(ServiceTiming::PostService) => d.post_service.as_ref(),
            Some(ServiceTiming::Concurrent) => d.concurrent.as_ref(),
            _ => d.pre_service.as_ref(),
        }
    }?;
    let (amount, unit) = period.figure()?;
    Some(DecisionDue {
        date: item.date.map(|d| CaseDate(d).long()),
        state: match item.status {
            Status::Upcoming { .. } => "upcoming",
            Status::Today => "today",
            Status::Passed { .. } => "passed",
            Status::Unknown => "unknown",
            Status::Done => "done",
        },
        citation: item.citation.clone(),
        amount,
        unit,
    })
}

fn sender_lines(case: &Case, voice: Voice) -> Vec<String> {
    let s = &case.sender;
    let mut lines = Vec::new();
    if voice == Voice::Provider
        && let Some(org) = &s.organization
    {
        lines.push(org.clone());
    }
    lines.push(match &s.credentials {
        Some(c) => format!("{}, {c}", s.name),
        None => s.name.clone(),
    });
    if voice != Voice::Provider
        && let Some(org) = &s.organization
    {
        lines.push(org.clone());
    }
    lines.extend(s.address.iter().cloned());
    let contact: Vec<String> = [("Phone", &s.phone), ("Fax", &s.fax)]
        .into_iter()
        .filter_map(|(label, v)| v.as_ref().map(|v| format!("{label} {v}")))
        .collect();
    if !contact.is_empty() {
        lines.push(contact.join(" · "));
    }
    if let Some(e) = &s.email {
        lines.push(e.clone());
    }
    if let Some(npi) = &s.npi {
        lines.push(format!("NPI {}", npi.0));
    }
    lines
}

fn recipient_lines(case: &Case) -> Vec<String> {
    let r = &case.recipient;
    let mut lines = Vec::new();
    if let Some(a) = &r.attention {
        lines.push(format!("Attn: {a}"));
    }
    if let Some(d) = &r.department {
        lines.push(d.clone());
    }
    lines.push(r.organization.clone());
    lines.extend(r.address.iter().cloned());
    if let Some(f) = &r.fax {
        lines.push(format!("Fax {f}"));
    }
    lines
}

fn re_lines(case: &Case, kind: LetterKind) -> Vec<String> {
    let what = match kind {
        LetterKind::Appeal if case.letter.expedited => "Expedited appeal of the denial of",
        _ => kind.spec().re,
    };
    let mut lines = vec![format!("{what} {}", case.request.service)];
    let p = &case.patient;
    lines.push(format!("Patient: {}", p.name));
    if let Some(d) = p.date_of_birth {
        lines.push(format!("Date of birth: {}", d.long()));
    }
    if let Some(m) = &p.member_id {
        lines.push(format!("Member ID: {m}"));
    }
    if let Some(g) = &p.group_number {
        lines.push(format!("Group number: {g}"));
    }
    if let Some(r) = case.denial.as_ref().and_then(|d| d.reference.as_ref()) {
        lines.push(format!("Reference: {r}"));
    }
    if !case.request.codes.is_empty() {
        lines.push(format!("Codes: {}", case.request.codes.join(", ")));
    }
    if let Some(d) = &case.denial {
        lines.push(format!("Date of denial: {}", d.date.long()));
    }
    lines
}

fn signature_lines(case: &Case, voice: Voice) -> Vec<String> {
    let s = &case.sender;
    let mut lines = vec![match &s.credentials {
        Some(c) => format!("{}, {c}", s.name),
        None => s.name.clone(),
    }];
    if voice == Voice::Representative {
        lines.push(match s.relationship.as_deref().map(str::trim) {
            Some(rel) if !rel.is_empty() => {
                let their = pronouns(case, voice).their;
                format!("On behalf of {}, as {their} {rel}", case.patient.name)
            }
            _ => format!("On behalf of {}", case.patient.name),
        });
    }
    if voice == Voice::Provider {
        if let Some(org) = &s.organization {
            lines.push(org.clone());
        }
        if let Some(npi) = &s.npi {
            lines.push(format!("NPI {}", npi.0));
        }
    }
    lines
}

/// Rewrites ISO dates under date-named keys as "March 2, 2026".
fn long_dates(value: &mut Value, key: Option<&str>) {
    match value {
        Value::Object(map) => {
            for (k, v) in map.iter_mut() {
                long_dates(v, Some(k));
            }
        }
        Value::Array(items) => items.iter_mut().for_each(|v| long_dates(v, key)),
        Value::String(s) if key.is_some_and(|k| DATE_KEYS.contains(&k)) => {
            if let Ok(d) = s.parse::<Date>() {
                *s = CaseDate(d).long();
            }
        }
        _ => {}
    }
}

/// Third-person wording for the patient.
fn pronouns(case: &Case, voice: Voice) -> Pronouns {
    let set = case
        .patient
        .pronouns
        .as_deref()
        .and_then(|p| p.split('/').next())
        .map(|p| p.trim().to_ascii_lowercase());
    let (they, them, their, they_are, they_have, they_cap, their_cap) =
        match (set.as_deref(), case.patient.sex) {
            (Some("she"), _) | (None, Some(Sex::Female)) => {
                ("she", "her", "her", "she is", "she has", "She", "Her")
            }
            (Some("he"), _) | (None, Some(Sex::Male)) => ("he", "him", "his", "he is", "he has", "He", "His"),
            _ => ("they", "them", "their", "they are", "they have", "They", "Their"),
        };
    let reference = match voice {
        Voice::Provider => "my patient".to_string(),
        _ => case.patient.name.clone(),
    };
    Pronouns {
        name: case.patient.name.clone(),
        reference_capitalised: capitalise(&reference),
        reference,
        they,
        them,
        their,
        they_capitalised: they_cap,
        their_capitalised: their_cap,
        they_are,
        they_have,
    }
}

fn capitalise(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_uppercase().chain(c).collect(),
        None => String::new(),
    }
}

/// Field names whose values are dates, shown long-form ("March 2, 2026") in templates.
const DATE_KEYS: &[&str] = &[
    "filed",
    "decision",
    "date",
    "received",
    "date_of_birth",
    "diagnosed",
    "started",
    "ended",
    "since",
    "requested",
];
