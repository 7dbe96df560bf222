//! Letter assembly: the plan's blocks rendered in the signer's voice, citations numbered.
//!
//! [`assemble`] renders each selected block's prose with the case facts, numbers citations in
//! order of first appearance across the letter, and formats the reference list through the CSL
//! engine. The result, a [`Letter`], is everything the letter template needs; turning it into
//! Markdown is [`crate::render::markdown`]'s job.

use std::collections::BTreeMap;

use jiff::civil::Date;
use serde::Serialize;
use serde_json::{Value, json};

use crate::case::{Case, CaseDate, DenialReason, LetterKind, ServiceTiming, Sex, TreatmentStatus, Voice};
use crate::catalog::Catalog;
use crate::library::style::BibliographyCache;
use crate::library::{Library, Style, Verification, format_bibliography};
use crate::plan::Plan;
use crate::rules::{Deadlines, RightsFor, RuleBook, Rules};
use crate::templates::{MARK_CLOSE, MARK_OPEN, MARK_UNUSABLE, TemplateError, Templates};

/// Inputs to assembly that do not come from the case.
#[derive(Clone, Copy)]
pub struct LetterOptions<'a> {
    /// Today's date (from the clock or `SOURCE_DATE_EPOCH`), used when the case gives none.
    pub today: Date,
    /// Citation style for the reference list.
    pub style: &'a Style,
    /// Cite references marked unverified.
    pub allow_unverified: bool,
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
    pub context: Value,
}

/// Why a letter could not be assembled.
#[derive(Debug, thiserror::Error)]
pub enum LetterError {
    /// A block's prose failed to render.
    #[error(transparent)]
    Template(#[from] TemplateError),
    /// The citation style failed.
    #[error("could not format the reference list: {0}")]
    Style(String),
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

/// Assembles the letter for `plan`. A selected block whose prose, for this case, cites a
/// reference that may not be cited (unverified, without `allow_unverified`) is dropped and its
/// plan item marked as a problem; every other item's citations become the keys its prose cites.
pub fn assemble(
    case: &Case,
    plan: &mut Plan,
    catalog: &Catalog,
    library: &Library,
    rules: &RuleBook,
    templates: &Templates,
    options: LetterOptions<'_>,
) -> Result<Letter, LetterError> {
    let kind = plan.kind;
    let voice = case.voice_for(kind);
    let date = case.letter.date.map_or(options.today, |d| d.0);
    let written_rules = rules.get(case.regulation());
    let deadlines = written_rules.map(|r| crate::rules::deadlines_for(r, case, date));
    // The rules as they apply to this plan (grandfathered status resolved once, here).
    let regulation_rules = written_rules.map(|r| r.for_plan(case.plan.grandfathered));
    let mut context = shared_context(
        case,
        kind,
        voice,
        date,
        regulation_rules.as_ref(),
        deadlines.as_ref(),
    );
    let selected: Vec<&str> = plan.selected().map(|i| i.id.as_str()).collect();
    context["selected"] = json!(selected);
    context["records_title"] = json!(
        catalog
            .get("records-and-criteria-request")
            .map(|b| b.meta.title.clone())
    );

    // Converted once; each block gets a copy with its own citation keys.
    let block_context =
        tera::Context::from_serialize(&context).map_err(|e| LetterError::Style(e.to_string()))?;
    let mut bodies = Vec::new();
    for item in plan.blocks.iter_mut().filter(|i| i.selected) {
        let Some(block) = catalog.get(&item.id) else {
            continue;
        };
        let mut ctx = block_context.clone();
        let usable: Vec<&String> = block
            .meta
            .cites
            .iter()
            .filter(|k| {
                options.allow_unverified
                    || library
                        .get(k)
                        .is_some_and(|r| matches!(r.verification, Verification::Verified))
            })
            .collect();
        ctx.insert("__usable", &usable);
        ctx.insert("__cites", &block.meta.cites);
        ctx.insert("__cite_tags", &block.meta.cite_tags);
        for tag in &block.meta.cite_tags {
            let keys: Vec<&String> = item
                .citations
                .iter()
                .filter(|k| library.get(k).is_some_and(|r| r.tags.contains(tag)))
                .collect();
            ctx.insert(format!("__tag_{}", tag.replace('-', "_")), &keys);
        }
        let mut body = templates.render(&format!("blocks/{}.md", block.meta.id), &ctx)?;
        let blocked = marked_keys(&body, MARK_UNUSABLE);
        if !blocked.is_empty() {
            item.selected = false;
            item.problem = true;
            item.citations.clear();
            item.reason = format!(
                "applies, but for this case it cites unverified reference{} {}; check {} and pass --allow-unverified",
                if blocked.len() == 1 { "" } else { "s" },
                blocked.join(", "),
                if blocked.len() == 1 { "it" } else { "them" },
            );
            continue;
        }
        // Findings from the library: each printed literally (it is the library's text) with
        // its citation.
        let found: Vec<String> = item
            .findings
            .iter()
            .filter_map(|k| {
                let finding = library.get(k)?.field("finding")?;
                let text = crate::escape::value(finding);
                let text = text.trim_end_matches('.');
                Some(format!("- {text}{MARK_OPEN}{k}{MARK_CLOSE}."))
            })
            .collect();
        if !found.is_empty() {
            body = format!(
                "{}\n\nFurther published findings:\n\n{}",
                body.trim_end(),
                found.join("\n")
            );
        }
        item.citations = marked_keys(&body, MARK_OPEN);
        bodies.push((block, body));
    }

    let mut order: Vec<String> = Vec::new();
    let sections = bodies
        .into_iter()
        .map(|(block, body)| Section {
            id: block.meta.id.clone(),
            title: block.meta.title.clone(),
            body: number_citations(body.trim(), &mut order),
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

    Ok(Letter {
        meta: front_matter(case, kind, date),
        kind,
        voice,
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

/// The distinct keys of markers opened by `open`, in order of appearance.
fn marked_keys(text: &str, open: char) -> Vec<String> {
    let mut keys: Vec<String> = Vec::new();
    for (i, _) in text.match_indices(open) {
        let rest = &text[i + open.len_utf8()..];
        if let Some(end) = rest.find(MARK_CLOSE) {
            let key = &rest[..end];
            if !keys.iter().any(|k| k == key) {
                keys.push(key.to_string());
            }
        }
    }
    keys
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
    let title = match kind {
        LetterKind::Appeal => format!("Appeal of denied coverage for {}", case.patient.name),
        LetterKind::MedicalNecessity => format!("Letter of medical necessity for {}", case.patient.name),
        LetterKind::ExternalReview => format!("Request for external review for {}", case.patient.name),
        LetterKind::ClaimFileRequest => format!("Request for the claim file of {}", case.patient.name),
        LetterKind::PeerToPeerBrief => format!("Peer-to-peer brief for {}", case.patient.name),
        LetterKind::FollowUp => format!("Follow-up on the appeal for {}", case.patient.name),
    };
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

/// The context every template sees.
fn shared_context(
    case: &Case,
    kind: LetterKind,
    voice: Voice,
    date: Date,
    rules: Option<&Rules>,
    deadlines: Option<&Deadlines>,
) -> Value {
    let continuation_open = deadlines.is_none_or(|d| {
        !d.items
            .iter()
            .any(|i| i.id == "continue-benefits" && matches!(i.status, crate::rules::Status::Passed { .. }))
    });
    let mut view = serde_json::to_value(case).unwrap_or(Value::Null);
    if case.is_request() {
        // Before any decision: the questions a reviewer will ask stand in for the reasons, and
        // there is no date (templates test `case.denial.date` before speaking of a denial).
        view["denial"] = json!({"reasons": case.reasons(), "service_timing": case.service_timing()});
    }
    long_dates(&mut view, None);
    let mut deadlines = serde_json::to_value(deadlines).unwrap_or(Value::Null);
    long_dates(&mut deadlines, None);
    // For a follow-up: the plan's decision clock on the filed appeal (its figure and citation
    // from the rules, its date from the deadlines), and what the rules say happens when a plan
    // misses it (as they apply to this plan).
    let decision_due = deadlines["items"].as_array().and_then(|items| {
        let item = items
            .iter()
            .find(|d| d["id"] == "decision-expedited")
            .or_else(|| items.iter().find(|d| d["id"] == "decision-standard"))?;
        let d = &rules?.decision;
        let period = if item["id"] == "decision-expedited" {
            d.expedited.as_ref()
        } else {
            match case.service_timing() {
                Some(ServiceTiming::PostService) => d.post_service.as_ref(),
                Some(ServiceTiming::Concurrent) => d.concurrent.as_ref(),
                _ => d.pre_service.as_ref(),
            }
        }?;
        let (amount, unit) = period.figure()?;
        Some(json!({
            "date": item["date"],
            "state": item["status"]["state"],
            "citation": item["citation"],
            "amount": amount,
            "unit": serde_json::to_value(unit).unwrap_or(Value::Null),
        }))
    });
    let misses = rules
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
        && rules.is_some_and(|r| r.continuation.as_ref().is_some_and(|c| c.tag.is_verified()));
    let rights = rules.map(|r| {
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
    let reasons: Vec<Value> = case
        .reasons()
        .iter()
        .map(|r| json!({"id": r.id(), "text": r.describe()}))
        .collect();
    json!({
        "case": view,
        "sender_lines": sender_lines(case, voice),
        "recipient_lines": recipient_lines(case),
        "re_lines": re_lines(case, kind),
        "signature_lines": signature_lines(case, voice),
        "kind": kind.id(),
        "voice": voice.id(),
        "p": pronouns(case, voice),
        "by_status": by_status,
        "reasons": reasons,
        "letter_date": CaseDate(date).long(),
        "regulation": case.regulation().id(),
        "rules": rules,
        "rights": rights,
        "deadlines": deadlines,
        "network_inadequate": network_inadequate,
        "ask_continuation": ask_continuation,
        "guidelines_supporting": supporting,
        "guidelines_other": other,
        "sarcoma_type": case.sarcoma_type().map(|t| t.id()),
        "post_service": case.service_timing() == Some(ServiceTiming::PostService),
        "decision_due": decision_due,
        "misses": misses,
        "quote_paragraphs": case
            .denial
            .as_ref()
            .and_then(|d| d.quote.as_ref())
            .map(|q| q.paragraphs().collect::<Vec<_>>())
            .unwrap_or_default(),
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
        LetterKind::MedicalNecessity => "Medical necessity of",
        LetterKind::ExternalReview => "External review of the denial of",
        LetterKind::ClaimFileRequest => "Claim file for the denial of",
        LetterKind::FollowUp => "Follow-up on the appeal of the denial of",
        LetterKind::PeerToPeerBrief => "Peer-to-peer review of the denial of",
        LetterKind::Appeal => {
            if case.letter.expedited {
                "Expedited appeal of the denial of"
            } else {
                "Appeal of the denial of"
            }
        }
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
                let their = pronouns(case, voice)["their"]
                    .as_str()
                    .unwrap_or("their")
                    .to_string();
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
fn pronouns(case: &Case, voice: Voice) -> Value {
    let set = case
        .patient
        .pronouns
        .as_deref()
        .and_then(|p| p.split('/').next())
        .map(|p| p.trim().to_ascii_lowercase());
    let (they, them, their, be, have) = match (set.as_deref(), case.patient.sex) {
        (Some("she"), _) | (None, Some(Sex::Female)) => ("she", "her", "her", "is", "has"),
        (Some("he"), _) | (None, Some(Sex::Male)) => ("he", "him", "his", "is", "has"),
        _ => ("they", "them", "their", "are", "have"),
    };
    let reference = match voice {
        Voice::Provider => "my patient".to_string(),
        _ => case.patient.name.clone(),
    };
    let mut m = BTreeMap::new();
    m.insert("name", case.patient.name.clone());
    m.insert("Ref", capitalise(&reference));
    m.insert("ref", reference);
    m.insert("they", they.into());
    m.insert("them", them.into());
    m.insert("their", their.into());
    m.insert("They", capitalise(they));
    m.insert("Their", capitalise(their));
    m.insert("they_are", format!("{they} {be}"));
    m.insert("they_have", format!("{they} {have}"));
    serde_json::to_value(m).unwrap_or(Value::Null)
}

fn capitalise(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_uppercase().chain(c).collect(),
        None => String::new(),
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
