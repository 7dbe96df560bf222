//! Argument selection: which blocks a case uses, which it skips, and why.
//!
//! [`plan`] is a pure function of the case, the catalogue, the reference library and the
//! template context. Every block gets a [`PlanItem`] with a plain reason, so `explain` can show
//! the whole decision and `check` can fail on any block that applies but cannot be written
//! (missing facts, unverified sources). Planning decides everything about selection: a block is
//! used only when its prose, drafted for this case, cites nothing the user may not cite; the
//! letter stage ([`crate::letter`]) numbers what the plan drafted and changes no decision.

use serde::Serialize;

use crate::case::{Case, LetterKind};
use crate::catalog::{Block, Catalog};
use crate::context::Context;
use crate::facts::Facts;
use crate::library::{Library, Verification};
use crate::templates::{MARK_CLOSE, MARK_OPEN, MARK_UNUSABLE, TemplateError, Templates};

/// Options that change selection.
#[derive(Debug, Clone, Copy, Default)]
pub struct PlanOptions {
    /// Cite references marked unverified (the user has checked them).
    pub allow_unverified: bool,
    /// Letter kind to plan for, overriding the case's `letter.kind`.
    pub kind: Option<LetterKind>,
}

/// The selection for one letter.
#[derive(Debug, Clone, Serialize)]
pub struct Plan {
    /// The letter kind planned for.
    pub kind: LetterKind,
    /// One item per catalogue block, in letter order.
    pub blocks: Vec<PlanItem>,
}

/// The decision for one block.
#[derive(Debug, Clone, Serialize)]
pub struct PlanItem {
    /// Block id.
    pub id: String,
    /// Block title.
    pub title: String,
    /// Whether the letter uses it.
    pub selected: bool,
    /// Why, in plain words.
    pub reason: String,
    /// Facts the block needs that the case lacks.
    pub missing: Vec<String>,
    /// Reference keys its prose cites for this case, in order of appearance, when selected.
    pub citations: Vec<String>,
    /// Whether the user's `[arguments]` changed the outcome.
    #[serde(rename = "override")]
    pub override_: Option<&'static str>,
    /// Whether a skip is a problem `check` must report: the block applies but cannot be written.
    pub problem: bool,
    /// Library entries whose `finding` (an advocate's one-sentence summary) this block prints
    /// as a cited bullet: entries tagged with the block's id or one of its `cite_tags`,
    /// verified (or allowed), at most [`FINDINGS_PER_BLOCK`], in key order.
    pub findings: Vec<String>,
    /// For a block skipped although the denial gives a reason it answers: the facts that would
    /// make it apply (`network_attempts`, `care.since`, `one of a, b`). `check` reports these
    /// near-misses.
    pub unlock: Vec<String>,
    /// The block's prose drafted for this case, when selected: Markdown with citation markers
    /// (numbered by [`crate::letter::assemble`]), the library findings appended.
    #[serde(skip)]
    pub prose: Option<String>,
}

/// Why a block's conditions do not hold.
struct Skip {
    /// The first condition that fails, in plain words.
    why: String,
    /// Facts that would make it apply, when the denial's reasons call for the block and only
    /// facts are missing.
    unlock: Vec<String>,
}

/// Unknown block ids in `[arguments]`, a block citing a key no library defines, or prose that
/// fails to render.
#[derive(Debug, thiserror::Error)]
pub enum PlanError {
    /// A block's prose failed to render.
    #[error(transparent)]
    Template(#[from] TemplateError),
    /// `[arguments] include/exclude` names a block that does not exist.
    #[error("{location}: [arguments] {list} names unknown block `{id}`{}", suggestion.as_ref().map(|s| format!("\n  hint: did you mean `{s}`?")).unwrap_or_else(|| "\n  hint: `appeal explain` lists every block id".into()))]
    UnknownBlock {
        /// Where in the case file.
        location: crate::diag::Location,
        /// `include` or `exclude`.
        list: &'static str,
        /// The id written.
        id: String,
        /// The closest real id.
        suggestion: Option<String>,
    },
    /// A block cites a key that is in no loaded library.
    #[error(
        "{file}: cites reference `{key}`, which is not in the reference library\n  hint: add the entry to a .bib file passed with --library, or fix the key"
    )]
    UnknownKey {
        /// The block file.
        file: String,
        /// The key.
        key: String,
    },
}

/// Decides, for every block, whether the letter uses it, and drafts the prose of those it uses
/// with `context` (built for the same case and kind).
pub fn plan(
    case: &Case,
    catalog: &Catalog,
    library: &Library,
    templates: &Templates,
    context: &Context,
    options: PlanOptions,
) -> Result<Plan, PlanError> {
    let kind = options.kind.unwrap_or(case.letter.kind);
    for (list, ids) in [
        ("include", &case.arguments.include),
        ("exclude", &case.arguments.exclude),
    ] {
        for (i, id) in ids.iter().enumerate() {
            if catalog.get(id).is_none() {
                return Err(PlanError::UnknownBlock {
                    location: case.locate(&["arguments", list, &i.to_string()]),
                    list,
                    id: id.clone(),
                    suggestion: crate::diag::did_you_mean(id, catalog.ids()).map(str::to_string),
                });
            }
        }
    }
    for block in &catalog.blocks {
        if let Some(key) = block.meta.cites.iter().find(|k| library.get(k).is_none()) {
            return Err(PlanError::UnknownKey {
                file: block.file.clone(),
                key: key.clone(),
            });
        }
    }
    let facts = Facts::of(case);
    // The body a complaint or next-level letter goes to, when it is not the plan.
    let addressee = context
        .escalation
        .as_ref()
        .and_then(|e| e.to.as_ref().map(|b| b.name.as_str()).or(e.look_up.as_deref()));
    let mut blocks: Vec<PlanItem> = catalog
        .blocks
        .iter()
        .map(|block| decide(case, &facts, kind, addressee, block, library, options))
        .collect();
    // Converted once; each block gets a copy with its own citation keys.
    let shared = context.tera();
    for (item, block) in blocks.iter_mut().zip(&catalog.blocks) {
        if item.selected {
            draft(item, block, library, templates, &shared, options)?;
        }
    }
    Ok(Plan { kind, blocks })
}

/// Drafts a selected block's prose for this case. Prose that cites a reference the user may not
/// cite (unverified, without `allow_unverified`) unselects the block, a problem `check` reports;
/// otherwise the item's citations become the keys the prose cites.
fn draft(
    item: &mut PlanItem,
    block: &Block,
    library: &Library,
    templates: &Templates,
    shared: &tera::Context,
    options: PlanOptions,
) -> Result<(), TemplateError> {
    let meta = &block.meta;
    let mut ctx = shared.clone();
    let usable: Vec<&String> = meta
        .cites
        .iter()
        .filter(|k| options.allow_unverified || library.get(k).is_some_and(|r| r.verification.is_verified()))
        .collect();
    ctx.insert("__usable", &usable);
    ctx.insert("__cites", &meta.cites);
    ctx.insert("__cite_tags", &meta.cite_tags);
    for tag in &meta.cite_tags {
        let keys: Vec<&String> = item
            .citations
            .iter()
            .filter(|k| library.get(k).is_some_and(|r| r.tags.contains(tag)))
            .collect();
        ctx.insert(format!("__tag_{}", tag.replace('-', "_")), &keys);
    }
    let mut body = templates.render(&format!("blocks/{}.md", meta.id), &ctx)?;
    let blocked = marked_keys(&body, MARK_UNUSABLE);
    if !blocked.is_empty() {
        item.selected = false;
        item.problem = true;
        item.citations.clear();
        item.findings.clear();
        item.reason = format!(
            "applies, but for this case it cites unverified reference{} {}; check {} and pass --allow-unverified",
            if blocked.len() == 1 { "" } else { "s" },
            blocked.join(", "),
            if blocked.len() == 1 { "it" } else { "them" },
        );
        return Ok(());
    }
    // Findings from the library: each printed literally (it is the library's text) with its
    // citation.
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
    item.prose = Some(body);
    Ok(())
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

fn decide(
    case: &Case,
    facts: &Facts,
    kind: LetterKind,
    addressee: Option<&str>,
    block: &Block,
    library: &Library,
    options: PlanOptions,
) -> PlanItem {
    let meta = &block.meta;
    let mut item = PlanItem {
        id: meta.id.clone(),
        title: meta.title.clone(),
        selected: false,
        reason: String::new(),
        missing: Vec::new(),
        citations: Vec::new(),
        override_: None,
        problem: false,
        findings: Vec::new(),
        unlock: Vec::new(),
        prose: None,
    };
    let included = case.arguments.include.contains(&meta.id);
    if case.arguments.exclude.contains(&meta.id) {
        item.reason = "left out by [arguments] exclude".into();
        item.override_ = Some("exclude");
        return item;
    }
    let applies = if !meta.kinds.contains(&kind) {
        Err(Skip {
            why: format!("not used in {kind} letters"),
            unlock: Vec::new(),
        })
    } else if let (Some(true), Some(body)) = (meta.when.to_plan, addressee) {
        Err(Skip {
            why: format!("it speaks to the plan, and this letter goes to {body}"),
            unlock: Vec::new(),
        })
    } else {
        conditions(case, facts, kind, block)
    };
    let because = match applies {
        Ok(because) => because,
        Err(skip) if included => {
            item.override_ = Some("include");
            format!(
                "included by [arguments] include (on its own it would not apply: {})",
                skip.why
            )
        }
        Err(skip) => {
            item.reason = format!("does not apply: {}", skip.why);
            item.unlock = skip.unlock;
            return item;
        }
    };
    item.missing = meta.needs.iter().filter(|p| !facts.present(p)).cloned().collect();
    if !item.missing.is_empty() {
        item.reason = format!("applies, but the case lacks {}", item.missing.join(", "));
        item.problem = true;
        return item;
    }
    // Declared keys and usable tagged keys; drafting narrows this to the keys the prose cites
    // for this case, and unselects the block if that prose needs an unverified reference the
    // user has not allowed.
    item.citations = meta.cites.clone();
    for tag in &meta.cite_tags {
        for r in library.with_tag(tag) {
            let usable = options.allow_unverified || matches!(r.verification, Verification::Verified);
            if usable && !item.citations.contains(&r.key) {
                item.citations.push(r.key.clone());
            }
        }
    }
    item.findings = findings(block, library, options);
    item.selected = true;
    item.reason = because;
    item
}

/// How many library findings one block prints at most, to keep letters short.
pub const FINDINGS_PER_BLOCK: usize = 3;

/// The keys of entries with a `finding` that `block` prints (see [`PlanItem::findings`]).
fn findings(block: &Block, library: &Library, options: PlanOptions) -> Vec<String> {
    let meta = &block.meta;
    let mut keys: Vec<&str> = library
        .entries()
        .iter()
        .filter(|r| r.field("finding").is_some_and(|f| !f.trim().is_empty()))
        .filter(|r| options.allow_unverified || r.verification.is_verified())
        .filter(|r| r.tags.iter().any(|t| *t == meta.id || meta.cite_tags.contains(t)))
        .filter(|r| !meta.cites.contains(&r.key))
        .map(|r| r.key.as_str())
        .collect();
    keys.sort_unstable();
    keys.dedup();
    keys.truncate(FINDINGS_PER_BLOCK);
    keys.into_iter().map(str::to_string).collect()
}

/// `Ok(why it applies)` or `Err` with the first condition that fails and, when the denial's
/// reasons call for the block and only missing facts stand in the way, those facts.
fn conditions(case: &Case, facts: &Facts, kind: LetterKind, block: &Block) -> Result<String, Skip> {
    let when = &block.meta.when;
    let mut why = Vec::new();
    let fail = |why: String| Skip {
        why,
        unlock: Vec::new(),
    };
    if !when.reasons.is_empty() {
        let reasons = case.reasons();
        let hit: Vec<&str> = reasons
            .iter()
            .filter(|r| when.reasons.contains(r))
            .map(|r| r.id())
            .collect();
        if hit.is_empty() {
            let wanted: Vec<&str> = when.reasons.iter().map(|r| r.id()).collect();
            return Err(fail(format!(
                "the denial gives none of the reasons {}",
                wanted.join(", ")
            )));
        }
        why.push(format!("denial reason {}", hit.join(", ")));
    }
    let called_for = !when.reasons.is_empty();
    if !when.regulations.is_empty() {
        let reg = case.regulation();
        if !when.regulations.contains(&reg) {
            return Err(fail(format!(
                "plan regulation is {reg}, not {}",
                joined(&when.regulations, " or ")
            )));
        }
        why.push(format!("plan regulation {reg}"));
    }
    if let Some(expedited) = when.expedited {
        if case.letter.expedited != expedited {
            return Err(fail(if expedited {
                "the letter does not ask for expedited review".into()
            } else {
                "the letter asks for expedited review".into()
            }));
        }
        if expedited {
            why.push("expedited review requested".into());
        }
    }
    // Missing facts: every one is collected, so `check` can name all that would unlock it.
    let mut first_missing: Option<String> = None;
    let mut unlock = Vec::new();
    if !when.timing.is_empty() {
        match case.service_timing() {
            Some(t) if when.timing.contains(&t) => why.push(format!("{t} care")),
            Some(t) => {
                return Err(fail(format!(
                    "the care is {t}, not {}",
                    joined(&when.timing, " or ")
                )));
            }
            None => {
                first_missing.get_or_insert(format!(
                    "denial.service_timing is not given (needs {})",
                    joined(&when.timing, " or ")
                ));
                unlock.push("denial.service_timing".to_string());
            }
        }
    }
    if let Some(wanted) = when.grandfathered {
        match case.plan.grandfathered {
            Some(g) if g == wanted => why.push(if g {
                "the plan is grandfathered".into()
            } else {
                "the plan is not grandfathered".into()
            }),
            Some(g) => {
                return Err(fail(if g {
                    "the plan is grandfathered".into()
                } else {
                    "the plan is not grandfathered".into()
                }));
            }
            None => {
                first_missing.get_or_insert(format!(
                    "the case does not say whether the plan is grandfathered (needs plan.grandfathered = {wanted})"
                ));
                unlock.push("plan.grandfathered".to_string());
            }
        }
    }
    for f in &when.facts {
        if facts.present(f) {
            why.push(format!("{f} is given"));
        } else {
            first_missing.get_or_insert(match facts.get(f) {
                Some(serde_json::Value::Bool(false)) => format!("{f} is false in the case"),
                _ => format!("the case does not give {f}"),
            });
            unlock.push(f.clone());
        }
    }
    if !when.any_facts.is_empty() {
        match when.any_facts.iter().find(|f| facts.present(f)) {
            Some(f) => why.push(format!("{f} is given")),
            None => {
                first_missing.get_or_insert(format!("none of {} is given", when.any_facts.join(", ")));
                unlock.push(format!("one of {}", when.any_facts.join(", ")));
            }
        }
    }
    if let Some(why) = first_missing {
        return Err(Skip {
            why,
            unlock: if called_for { unlock } else { Vec::new() },
        });
    }
    if why.is_empty() {
        why.push(format!("used in every {kind} letter"));
    }
    Ok(format!("applies: {}", why.join("; ")))
}

impl Plan {
    /// The selected blocks' items, in letter order.
    pub fn selected(&self) -> impl Iterator<Item = &PlanItem> {
        self.blocks.iter().filter(|b| b.selected)
    }

    /// Items that `check` reports: blocks that apply but could not be written.
    pub fn problems(&self) -> impl Iterator<Item = &PlanItem> {
        self.blocks.iter().filter(|b| b.problem)
    }
}

/// The ids of `items`, joined by `separator`.
fn joined<T: std::fmt::Display>(items: &[T], separator: &str) -> String {
    items
        .iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join(separator)
}
