//! Appeal rules as data, and the deadline engine.
//!
//! Each plan regulation (`plan.regulation` in a case file) has one rules file,
//! `rules/<regulation>.toml`, bundled into the binary and overridable from a folder. A file holds
//! the time to file an appeal, the plan's decision clocks, what counts as urgent, the rights to
//! the claim file and to a qualified reviewer, network rules, external review and the next level.
//! Every figure and rule carries a `citation` and a verification `tag` (see [`Tag`]); the schema
//! is documented in `rules/README.md`.
//!
//! [`deadlines`] turns a [`Rules`] and the dates of a case into dated [`Deadline`]s, and
//! [`to_ics`] writes them as an iCalendar file. A figure tagged `UNVERIFIED` never yields a date:
//! the reader is told to use the date on the denial notice instead.

mod bodies;
mod deadline;
mod ics;
pub mod states;

pub use bodies::{Body, Complaint, ComplaintTo, RequestTo};

pub use deadline::{
    Deadline, DeadlineInput, DeadlineReport, Deadlines, Status, deadlines, deadlines_for, request_deadlines,
};
pub use ics::to_ics;
pub use states::{Ground, StateLaw, StateRules};

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::case::{Regulation, ServiceTiming};
use crate::diag::{Diagnostic, Diagnostics, Location};

crate::model::vocab::vocabulary! {
    /// How far a figure or rule has been verified (RULES.md verification tags).
    pub enum Tag ("verification tag") {
        /// Seen in primary text: the regulation or statute, or an official agency page.
        P = "P",
        /// Seen only in secondary material quoting or closely paraphrasing the rule.
        S = "S",
        /// Not confirmed in any stored source. Never asserted, never turned into a date.
        Unverified = "UNVERIFIED",
    }
}

impl Tag {
    /// Whether the figure may be asserted (tag `P` or `S`).
    pub fn is_verified(self) -> bool {
        !matches!(self, Tag::Unverified)
    }
}

/// The unit of a time limit.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum TimeUnit {
    /// Calendar days.
    Days,
    /// Hours; shown as whole days (72 hours is shown three days later).
    Hours,
    /// Calendar months (jiff month arithmetic; a missing day clamps to the month's last day).
    Months,
}

impl TimeUnit {
    /// The largest amount a rule may give in this unit: ten years. Date arithmetic stays
    /// within the calendar for any real case date (jiff refuses spans past 7,304,484 days).
    pub fn max_amount(self) -> u32 {
        match self {
            TimeUnit::Days => 3_653,
            TimeUnit::Hours => 3_653 * 24,
            TimeUnit::Months => 120,
        }
    }

    fn word(self, amount: u32) -> &'static str {
        match (self, amount) {
            (TimeUnit::Days, 1) => "day",
            (TimeUnit::Days, _) => "days",
            (TimeUnit::Hours, 1) => "hour",
            (TimeUnit::Hours, _) => "hours",
            (TimeUnit::Months, 1) => "month",
            (TimeUnit::Months, _) => "months",
        }
    }
}

/// What a filing window counts from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Anchor {
    /// The date printed on the notice.
    Notice,
    /// The day the person received the notice.
    Receipt,
}

/// What a month count does when the target month has no such day (Oct 31 + 4 months).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum MonthEnd {
    /// The last day of the target month (jiff's behaviour). The date shown.
    #[default]
    Clamp,
    /// The rule says the first day of the following month; the engine still shows the earlier,
    /// clamped date and names the rule's date in the basis.
    NextMonthFirst,
}

/// A rule in words, with its citation and tag.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Item {
    /// The rule in plain words.
    pub text: String,
    /// An optional further remark from the same source.
    #[serde(default)]
    pub note: Option<String>,
    /// How a letter states this right to the plan, as one clause (the `plan-rights` block
    /// prints it with the citation). Absent: the letter does not claim it.
    #[serde(default)]
    pub claim: Option<String>,
    /// Where the rule is written, e.g. `29 CFR 2560.503-1(h)(2)(iii)`.
    pub citation: String,
    /// Verification tag.
    pub tag: Tag,
    /// Where the figure or rule was seen when it was checked (page, document, date); never
    /// printed.
    #[serde(default)]
    pub source: Option<String>,
    /// The rule applies only to plans that are not grandfathered (29 CFR 2590.715-2719,
    /// 45 CFR 147.136). See [`Rules::for_plan`].
    #[serde(default)]
    pub non_grandfathered_only: bool,
    /// `tag != UNVERIFIED`; computed on load, for templates.
    #[serde(skip_deserializing)]
    pub verified: bool,
    /// Set by [`Rules::for_plan`] when the rule applies only if the plan is not grandfathered
    /// and the case does not say whether it is: letters state it conditionally.
    #[serde(skip_deserializing)]
    pub conditional: bool,
}

/// Another source's figure for the same time limit, where sources disagree (the regulation
/// text found says 60 days, a guidance page 65). The engine dates every verified figure and
/// prints the earliest, naming both sources.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Alternative {
    /// How many units.
    pub amount: u32,
    /// The unit of `amount`.
    pub unit: TimeUnit,
    /// For filing windows: what the window counts from (defaults to the main figure's).
    #[serde(default)]
    pub from: Option<Anchor>,
    /// What this source says, in plain words.
    pub text: String,
    /// Where it is written.
    pub citation: String,
    /// Verification tag; an `UNVERIFIED` alternative is named but never dated.
    pub tag: Tag,
    /// Where the figure or rule was seen when it was checked (page, document, date); never
    /// printed.
    #[serde(default)]
    pub source: Option<String>,
}

/// A time limit: a filing window (counted from the notice) or a decision clock (counted from
/// the day the request is filed). `amount`/`unit` are absent when no figure is known.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Period {
    /// Short label for a deadline built from this period (overrides the default label).
    #[serde(default)]
    pub label: Option<String>,
    /// How many units; absent when no figure is known.
    #[serde(default)]
    pub amount: Option<u32>,
    /// The largest value when the rule gives a range that someone else picks (a State's
    /// 90–120 days); `amount` is the smallest and is what the engine dates.
    #[serde(default)]
    pub max_amount: Option<u32>,
    /// The unit of `amount`.
    #[serde(default)]
    pub unit: Option<TimeUnit>,
    /// For filing windows: what the window counts from.
    #[serde(default)]
    pub from: Option<Anchor>,
    /// For month counts: what the rule does when the day does not exist in the target month.
    #[serde(default)]
    pub month_end: MonthEnd,
    /// The rule moves a deadline that falls on a weekend or federal holiday to the next
    /// business day (the engine shows the earlier date and says so).
    #[serde(default)]
    pub weekend_rolls: bool,
    /// The rule in plain words.
    pub text: String,
    /// An optional further remark from the same source.
    #[serde(default)]
    pub note: Option<String>,
    /// Where the rule is written.
    pub citation: String,
    /// Verification tag. `UNVERIFIED` periods never yield a date.
    pub tag: Tag,
    /// Where the figure or rule was seen when it was checked (page, document, date); never
    /// printed.
    #[serde(default)]
    pub source: Option<String>,
    /// Other sources' figures for the same limit; the earliest verified date is the one shown.
    #[serde(default)]
    pub alternatives: Vec<Alternative>,
    /// The limit applies only to plans that are not grandfathered. See [`Rules::for_plan`].
    #[serde(default)]
    pub non_grandfathered_only: bool,
    /// `tag != UNVERIFIED`; computed on load, for templates.
    #[serde(skip_deserializing)]
    pub verified: bool,
    /// Set by [`Rules::for_plan`]: applies only if the plan is not grandfathered, which the
    /// case does not say.
    #[serde(skip_deserializing)]
    pub conditional: bool,
}

impl Period {
    /// The figure, when there is one and it is verified: (amount, unit).
    pub fn figure(&self) -> Option<(u32, TimeUnit)> {
        if !self.tag.is_verified() {
            return None;
        }
        Some((self.amount?, self.unit?))
    }

    /// The figure in words, e.g. `72 hours`, when there is one (verified or not).
    pub fn describe(&self) -> Option<String> {
        let (amount, unit) = (self.amount?, self.unit?);
        Some(match self.max_amount {
            Some(max) => format!("{amount} to {max} {}", unit.word(max)),
            None => format!("{amount} {}", unit.word(amount)),
        })
    }
}

/// The plan's appeal decision clocks, counted from the day the plan receives the appeal.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Decisions {
    /// Urgent / expedited appeals.
    #[serde(default)]
    pub expedited: Option<Period>,
    /// Care not yet received.
    #[serde(default)]
    pub pre_service: Option<Period>,
    /// Care already received (payment requests).
    #[serde(default)]
    pub post_service: Option<Period>,
    /// Ongoing (concurrent) care, when the rules give it its own clock.
    #[serde(default)]
    pub concurrent: Option<Period>,
    /// An extension the plan may take on the standard clock.
    #[serde(default)]
    pub extension: Option<Period>,
}

/// The plan's clocks for deciding a request for care not yet received (a prior
/// authorization), counted from the day the plan receives it.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RequestDecision {
    /// The standard clock.
    #[serde(default)]
    pub standard: Option<Period>,
    /// The expedited (urgent) clock.
    #[serde(default)]
    pub expedited: Option<Period>,
}

/// Whether a doctor's statement of urgency binds the plan.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Physician {
    /// `true` when the plan must treat the appeal as urgent on a doctor's say-so.
    pub binds: bool,
    /// The rule in plain words.
    pub text: String,
    /// Where the rule is written.
    pub citation: String,
    /// Verification tag.
    pub tag: Tag,
    /// Where the figure or rule was seen when it was checked (page, document, date); never
    /// printed.
    #[serde(default)]
    pub source: Option<String>,
    /// `tag != UNVERIFIED`; computed on load, for templates.
    #[serde(skip_deserializing)]
    pub verified: bool,
}

/// What qualifies an appeal as urgent (expedited).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Urgent {
    /// The trigger in plain words.
    pub text: String,
    /// An optional further remark from the same source.
    #[serde(default)]
    pub note: Option<String>,
    /// Where the rule is written.
    pub citation: String,
    /// Verification tag.
    pub tag: Tag,
    /// Where the figure or rule was seen when it was checked (page, document, date); never
    /// printed.
    #[serde(default)]
    pub source: Option<String>,
    /// `tag != UNVERIFIED`; computed on load, for templates.
    #[serde(skip_deserializing)]
    pub verified: bool,
    /// Whether a doctor's certification binds the plan.
    #[serde(default)]
    pub physician: Option<Physician>,
}

/// The right to the claim file and what comes with it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ClaimFile {
    /// The right in plain words.
    pub text: String,
    /// An optional further remark from the same source.
    #[serde(default)]
    pub note: Option<String>,
    /// Where the right is written.
    pub citation: String,
    /// Verification tag.
    pub tag: Tag,
    /// Where the figure or rule was seen when it was checked (page, document, date); never
    /// printed.
    #[serde(default)]
    pub source: Option<String>,
    /// `tag != UNVERIFIED`; computed on load, for templates.
    #[serde(skip_deserializing)]
    pub verified: bool,
    /// What counts as a relevant document.
    #[serde(default)]
    pub relevant: Option<Item>,
    /// The right to the criteria, guideline or clinical rationale relied on.
    #[serde(default)]
    pub criteria: Option<Item>,
    /// The right to know the medical experts consulted.
    #[serde(default)]
    pub reviewers: Option<Item>,
    /// New evidence or rationale given free and in advance.
    #[serde(default)]
    pub new_evidence: Option<Item>,
}

/// Network adequacy and out-of-network care at in-network cost.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Network {
    /// `true` when the rule gives out-of-network care at in-network cost sharing.
    pub in_network_cost_sharing: bool,
    /// The rule in plain words.
    pub text: String,
    /// An optional further remark from the same source.
    #[serde(default)]
    pub note: Option<String>,
    /// Where the rule is written.
    pub citation: String,
    /// Verification tag.
    pub tag: Tag,
    /// Where the figure or rule was seen when it was checked (page, document, date); never
    /// printed.
    #[serde(default)]
    pub source: Option<String>,
    /// `tag != UNVERIFIED`; computed on load, for templates.
    #[serde(skip_deserializing)]
    pub verified: bool,
}

/// Whether external review can run at the same time as an expedited internal appeal.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Alongside {
    /// `true` when it can.
    pub allowed: bool,
    /// The rule in plain words.
    pub text: String,
    /// Where the rule is written.
    pub citation: String,
    /// Verification tag.
    pub tag: Tag,
    /// Where the figure or rule was seen when it was checked (page, document, date); never
    /// printed.
    #[serde(default)]
    pub source: Option<String>,
    /// `tag != UNVERIFIED`; computed on load, for templates.
    #[serde(skip_deserializing)]
    pub verified: bool,
}

/// External (independent) review.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ExternalReview {
    /// Which plans it applies to, when not all (e.g. `plans that are not grandfathered`).
    #[serde(default)]
    pub applies_to: Option<String>,
    /// `true` when the plan forwards the case itself (Medicare Advantage IRE).
    #[serde(default)]
    pub automatic: bool,
    /// `true` when it is a State's option, not a right (Medicaid external medical review): it
    /// is named after the next level, as something to ask about.
    #[serde(default)]
    pub optional: bool,
    /// Eligibility / what it is, in plain words.
    pub text: String,
    /// An optional further remark from the same source.
    #[serde(default)]
    pub note: Option<String>,
    /// How a letter states this right to the plan, as one clause.
    #[serde(default)]
    pub claim: Option<String>,
    /// Where the rule is written.
    pub citation: String,
    /// Verification tag.
    pub tag: Tag,
    /// Where the figure or rule was seen when it was checked (page, document, date); never
    /// printed.
    #[serde(default)]
    pub source: Option<String>,
    /// Applies only to plans that are not grandfathered (with its periods).
    #[serde(default)]
    pub non_grandfathered_only: bool,
    /// `tag != UNVERIFIED`; computed on load, for templates.
    #[serde(skip_deserializing)]
    pub verified: bool,
    /// Set by [`Rules::for_plan`]: applies only if the plan is not grandfathered, which the
    /// case does not say.
    #[serde(skip_deserializing)]
    pub conditional: bool,
    /// Time to ask for it, counted from the final internal denial.
    #[serde(default)]
    pub file: Option<Period>,
    /// Standard decision clock.
    #[serde(default)]
    pub standard: Option<Period>,
    /// Expedited decision clock.
    #[serde(default)]
    pub expedited: Option<Period>,
    /// Whether it can run alongside an expedited internal appeal.
    #[serde(default)]
    pub alongside_expedited_internal: Option<Alongside>,
    /// Who receives the request (an `external-review` letter is addressed there); absent when
    /// no letter asks for it.
    #[serde(default)]
    pub request_to: Option<RequestTo>,
    /// What the letter asks for, as a noun phrase ("an external review by an independent
    /// review organization").
    #[serde(default)]
    pub request: Option<String>,
    /// The body that receives the request, for `request_to = "body"`.
    #[serde(default)]
    pub body: Option<Body>,
}

/// The next level after the plan's appeal (fair hearing, IRE, OPM, court).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NextLevel {
    /// Who the next level is, in plain words.
    pub text: String,
    /// An optional further remark from the same source.
    #[serde(default)]
    pub note: Option<String>,
    /// How a letter states this right to the plan, as one clause.
    #[serde(default)]
    pub claim: Option<String>,
    /// Where the rule is written.
    pub citation: String,
    /// Verification tag.
    pub tag: Tag,
    /// Where the figure or rule was seen when it was checked (page, document, date); never
    /// printed.
    #[serde(default)]
    pub source: Option<String>,
    /// `tag != UNVERIFIED`; computed on load, for templates.
    #[serde(skip_deserializing)]
    pub verified: bool,
    /// Time to ask for it, counted from the plan's appeal decision, when one is known.
    #[serde(default)]
    pub file: Option<Period>,
    /// Who receives the request, when a letter can ask for this level (a State fair hearing).
    #[serde(default)]
    pub request_to: Option<RequestTo>,
    /// What the letter asks for, as a noun phrase ("a State fair hearing").
    #[serde(default)]
    pub request: Option<String>,
    /// The body that receives the request, for `request_to = "body"`.
    #[serde(default)]
    pub body: Option<Body>,
}

/// A further rule worth telling the reader, optionally only for some service timings.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Note {
    /// Only for these timings; empty means always.
    #[serde(default)]
    pub timing: Vec<ServiceTiming>,
    /// The rule in plain words.
    pub text: String,
    /// Where the rule is written.
    pub citation: String,
    /// Verification tag.
    pub tag: Tag,
    /// Where the figure or rule was seen when it was checked (page, document, date); never
    /// printed.
    #[serde(default)]
    pub source: Option<String>,
    /// `tag != UNVERIFIED`; computed on load, for templates.
    #[serde(skip_deserializing)]
    pub verified: bool,
}

/// The appeal rules of one plan regulation (one `rules/<regulation>.toml`).
///
/// Serialised (for templates) with the field names below; optional sections serialise as `null`,
/// so a template can test `{% if rules.claim_file %}`, and every section carries `text`,
/// `citation`, `tag` and `verified`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Rules {
    /// The `plan.regulation` value; equals the file stem.
    pub regulation: Regulation,
    /// Display name, e.g. `Employer group health plan (ERISA)`.
    pub name: String,
    /// The governing law and its scope.
    pub governing: Item,
    /// Time to file the internal appeal.
    pub file_appeal: Period,
    /// What can be done after the filing window (good-cause extension).
    #[serde(default)]
    pub late_filing: Option<Item>,
    /// Who may file (e.g. a treating physician without appointment).
    #[serde(default)]
    pub who_may_file: Option<Item>,
    /// How many internal levels there are.
    #[serde(default)]
    pub levels: Option<Item>,
    /// The plan's appeal decision clocks.
    #[serde(default)]
    pub decision: Decisions,
    /// The plan's clocks for deciding a request before any denial (prior authorization).
    #[serde(default)]
    pub request_decision: RequestDecision,
    /// What happens when the plan misses its deadline or the rules.
    #[serde(default)]
    pub plan_misses_deadline: Option<Item>,
    /// What counts as urgent.
    #[serde(default)]
    pub urgent: Option<Urgent>,
    /// The right to the claim file, criteria and reviewers.
    #[serde(default)]
    pub claim_file: Option<ClaimFile>,
    /// Who must decide the appeal.
    #[serde(default)]
    pub reviewer: Option<Item>,
    /// Limits on the plan's coverage criteria.
    #[serde(default)]
    pub coverage_criteria: Vec<Item>,
    /// Network adequacy / out-of-network at in-network cost.
    #[serde(default)]
    pub network: Option<Network>,
    /// Continued coverage during the appeal.
    #[serde(default)]
    pub continuation: Option<Period>,
    /// Drug formulary / step-therapy exceptions.
    #[serde(default)]
    pub drug_exception: Option<Item>,
    /// Coverage of routine patient costs in an approved clinical trial (PHSA §2709 for plans
    /// that are not grandfathered). Printed by the `clinical-trial-routine-costs` block.
    #[serde(default)]
    pub clinical_trials: Option<Item>,
    /// Coverage of a drug used off-label in an anticancer regimen when a recognised compendium
    /// supports the use. Printed by the `off-label-compendia` block.
    #[serde(default)]
    pub off_label: Option<Item>,
    /// External review.
    #[serde(default)]
    pub external_review: Option<ExternalReview>,
    /// The next level after the plan.
    #[serde(default)]
    pub next_level: Option<NextLevel>,
    /// Who oversees these plans and hears complaints about them.
    #[serde(default)]
    pub complaint: Option<Complaint>,
    /// How a person finds out whether the plan is grandfathered (for the next-steps sheet when
    /// the case does not say and some rules depend on it).
    #[serde(default)]
    pub grandfathered: Option<Item>,
    /// Further rules.
    #[serde(default)]
    pub notes: Vec<Note>,
}

/// A rule that may apply only to plans that are not grandfathered.
trait Grandfathering {
    /// Whether the rule applies only to plans that are not grandfathered.
    fn only_non_grandfathered(&self) -> bool;
    /// Marks it as applying only if the plan is not grandfathered.
    fn set_conditional(&mut self);
    /// Whether it was marked.
    fn is_conditional(&self) -> bool;
}

macro_rules! grandfathering {
    ($($t:ty),*) => {$(
        impl Grandfathering for $t {
            fn only_non_grandfathered(&self) -> bool {
                self.non_grandfathered_only
            }
            fn set_conditional(&mut self) {
                self.conditional = true;
            }
            fn is_conditional(&self) -> bool {
                self.conditional
            }
        }
    )*};
}
grandfathering!(Item, Period, ExternalReview);

/// Drops (`Some(true)`) or marks conditional (`None`) a rule for non-grandfathered plans only.
fn resolve<T: Grandfathering>(slot: &mut Option<T>, grandfathered: Option<bool>) {
    if let Some(rule) = slot
        && rule.only_non_grandfathered()
    {
        match grandfathered {
            Some(true) => *slot = None,
            None => rule.set_conditional(),
            Some(false) => {}
        }
    }
}

impl Rules {
    /// The rules as they apply to a plan whose grandfathered status (`plan.grandfathered`) is
    /// `grandfathered`. Rules marked `non_grandfathered_only` (29 CFR 2590.715-2719 and
    /// 45 CFR 147.136: new evidence in advance, external review, deemed exhaustion, continued
    /// coverage) are dropped for a grandfathered plan, kept for a plan that is not, and kept
    /// but marked `conditional` when the case does not say, so letters state them as "if the
    /// plan is not grandfathered" and never as fact. Every caller resolves rules here.
    pub fn for_plan(&self, grandfathered: Option<bool>) -> Rules {
        let mut r = self.clone();
        let g = grandfathered;
        for slot in [
            &mut r.late_filing,
            &mut r.who_may_file,
            &mut r.levels,
            &mut r.plan_misses_deadline,
            &mut r.reviewer,
            &mut r.drug_exception,
            &mut r.clinical_trials,
            &mut r.off_label,
        ] {
            resolve(slot, g);
        }
        let d = &mut r.decision;
        for slot in [
            &mut d.expedited,
            &mut d.pre_service,
            &mut d.post_service,
            &mut d.concurrent,
            &mut d.extension,
            &mut r.continuation,
        ] {
            resolve(slot, g);
        }
        if let Some(c) = &mut r.claim_file {
            for slot in [
                &mut c.relevant,
                &mut c.criteria,
                &mut c.reviewers,
                &mut c.new_evidence,
            ] {
                resolve(slot, g);
            }
        }
        r.coverage_criteria
            .retain(|i| !(i.non_grandfathered_only && g == Some(true)));
        for i in &mut r.coverage_criteria {
            if i.non_grandfathered_only && g.is_none() {
                i.conditional = true;
            }
        }
        resolve(&mut r.external_review, g);
        if let Some(x) = &mut r.external_review {
            let whole = x.conditional;
            for slot in [&mut x.file, &mut x.standard, &mut x.expedited] {
                resolve(slot, g);
                if whole && let Some(p) = slot {
                    p.conditional = true;
                }
            }
        }
        if let Some(n) = &mut r.next_level {
            resolve(&mut n.file, g);
        }
        r
    }

    /// Whether any rule here applies only if the plan is not grandfathered, which the case
    /// does not say (after [`Rules::for_plan`] with `None`).
    pub fn has_conditional(&self) -> bool {
        let items = [
            &self.late_filing,
            &self.who_may_file,
            &self.levels,
            &self.plan_misses_deadline,
            &self.reviewer,
            &self.drug_exception,
            &self.clinical_trials,
            &self.off_label,
        ];
        let periods = [
            &self.decision.expedited,
            &self.decision.pre_service,
            &self.decision.post_service,
            &self.decision.concurrent,
            &self.decision.extension,
            &self.continuation,
        ];
        items
            .iter()
            .any(|i| i.as_ref().is_some_and(Grandfathering::is_conditional))
            || periods
                .iter()
                .any(|p| p.as_ref().is_some_and(Grandfathering::is_conditional))
            || self.claim_file.as_ref().is_some_and(|c| {
                [&c.relevant, &c.criteria, &c.reviewers, &c.new_evidence]
                    .iter()
                    .any(|i| i.as_ref().is_some_and(Grandfathering::is_conditional))
            })
            || self.coverage_criteria.iter().any(|i| i.conditional)
            || self.external_review.as_ref().is_some_and(|x| x.conditional)
    }
}

/// A right a letter claims, with its citation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Right {
    /// The right, as a clause (no final full stop).
    pub text: String,
    /// Where it is written.
    pub citation: String,
}

/// The rights a letter claims for one plan: those that hold, and those that hold only if the
/// plan is not grandfathered (the case does not say).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Rights {
    /// Rights that apply to this plan.
    pub plain: Vec<Right>,
    /// Rights that apply only if the plan is not grandfathered.
    pub if_not_grandfathered: Vec<Right>,
}

/// What about a case decides which rights its letter may claim.
#[derive(Debug, Clone, Copy, Default)]
pub struct RightsFor {
    /// The denial gives the out-of-network reason.
    pub out_of_network: bool,
    /// The care is ongoing (concurrent), so continued coverage may be claimed.
    pub concurrent: bool,
    /// The window to ask for continued coverage has not passed (true when there is none).
    pub continuation_open: bool,
    /// The letter is itself a request for external review.
    pub external_review_letter: bool,
}

impl Rules {
    /// The rights a letter may claim under these rules (call on [`Rules::for_plan`]'s result).
    /// Only verified rules with wording for a letter are claimed: the claim file and the
    /// criteria, new evidence in advance, the reviewer's qualifications (the rule's own `claim`
    /// wording), out-of-network care at in-network cost sharing when the denial is about the
    /// network, continued coverage of ongoing care while its window is open, the external
    /// review or its stand-in (the rule's `claim`: OPM, the IRE, a State's optional review),
    /// and the next level (a State fair hearing).
    pub fn rights(&self, case: RightsFor) -> Rights {
        let mut rights = Rights::default();
        let mut add = |text: &str, citation: &str, conditional: bool| {
            let right = Right {
                text: text.trim_end().trim_end_matches('.').to_string(),
                citation: citation.to_string(),
            };
            if conditional {
                rights.if_not_grandfathered.push(right);
            } else {
                rights.plain.push(right);
            }
        };
        if let Some(c) = self.claim_file.as_ref().filter(|c| c.tag.is_verified()) {
            add(
                "Access, free of charge, to the claim file and the documents relevant to the claim",
                &c.citation,
                false,
            );
        }
        let claim_file = self.claim_file.as_ref();
        if let Some(i) = claim_file
            .and_then(|c| c.criteria.as_ref())
            .filter(|i| i.tag.is_verified())
        {
            add(
                "The rule, guideline or standard the plan used to deny the claim",
                &i.citation,
                i.conditional,
            );
        }
        if let Some(i) = claim_file
            .and_then(|c| c.new_evidence.as_ref())
            .filter(|i| i.tag.is_verified())
        {
            add(
                "Any new evidence or rationale, free of charge and in time to respond before the decision",
                &i.citation,
                i.conditional,
            );
        }
        match self.reviewer.as_ref().filter(|r| r.tag.is_verified()) {
            Some(Item {
                claim: Some(claim),
                citation,
                conditional,
                ..
            }) => add(claim, citation, *conditional),
            _ => {
                if let Some(i) = claim_file
                    .and_then(|c| c.reviewers.as_ref())
                    .filter(|i| i.tag.is_verified())
                {
                    add(
                        "The identity of the medical experts whose advice was obtained",
                        &i.citation,
                        i.conditional,
                    );
                }
            }
        }
        if case.out_of_network
            && let Some(n) = self
                .network
                .as_ref()
                .filter(|n| n.tag.is_verified() && n.in_network_cost_sharing)
        {
            add(
                "Coverage of medically necessary care outside the network at in-network cost sharing when the network cannot meet the need",
                &n.citation,
                false,
            );
        }
        if case.concurrent
            && case.continuation_open
            && let Some(c) = self.continuation.as_ref().filter(|c| c.tag.is_verified())
        {
            add(
                "Continued coverage of ongoing care while the appeal is pending",
                &c.citation,
                c.conditional,
            );
        }
        let external = self
            .external_review
            .as_ref()
            .filter(|x| x.tag.is_verified() && !case.external_review_letter)
            .and_then(|x| x.claim.as_ref().map(|c| (x, c)));
        let next = self
            .next_level
            .as_ref()
            .filter(|n| n.tag.is_verified())
            .and_then(|n| n.claim.as_ref().map(|c| (n, c)));
        // A State's optional review comes after the right that exists (the fair hearing).
        if let Some((x, claim)) = external.filter(|(x, _)| !x.optional) {
            add(claim, &x.citation, x.conditional);
        }
        if let Some((n, claim)) = next {
            add(claim, &n.citation, false);
        }
        if let Some((x, claim)) = external.filter(|(x, _)| x.optional) {
            add(claim, &x.citation, x.conditional);
        }
        rights
    }
}

/// Errors loading rules files.
#[derive(Debug, thiserror::Error)]
pub enum RulesError {
    /// A file or folder could not be read.
    #[error("{}: {source}", path.display())]
    Io {
        /// The path.
        path: PathBuf,
        /// The underlying error.
        #[source]
        source: std::io::Error,
    },
    /// Files are not valid TOML, do not fit the schema (unknown key, wrong type), or break a
    /// rule of the schema (see `rules/README.md`): every problem in every file.
    #[error(transparent)]
    Invalid(Diagnostics),
    /// The folder holds no `*.toml` rules files (and no `states/` files).
    #[error("{}: no rules files (*.toml) found", dir.display())]
    Empty {
        /// The folder.
        dir: PathBuf,
    },
}

/// All loaded rules, by regulation, and the state laws on step therapy, by state.
#[derive(Debug, Clone, Default)]
pub struct RuleBook {
    rules: BTreeMap<Regulation, Rules>,
    states: BTreeMap<String, StateRules>,
}

/// The folder, under `rules/` or an override folder, that holds one file per state.
pub const STATES_DIR: &str = "states";

impl RuleBook {
    /// The rules bundled into the binary (every `rules/*.toml` at build time; see
    /// [`crate::bundled`]).
    pub fn bundled() -> Result<RuleBook, RulesError> {
        let mut book = RuleBook::default();
        let mut problems = Vec::new();
        for file in crate::bundled::folder("rules/") {
            let relative = file.relative("rules/");
            match relative.strip_prefix("states/") {
                Some(name) => {
                    book.add_state(states::parse_state(file.path, name, file.text()), &mut problems)?
                }
                None => book.add(parse(file.path, relative, file.text()), &mut problems)?,
            }
        }
        book.or_problems(problems)
    }

    /// The bundled rules overridden by a user's folder: every `*.toml` file in `dir` replaces
    /// the bundled file of the same regulation; regulations without a file there keep the
    /// bundled rules. Errors name `file:line:col`; a folder with no `*.toml` file is an error.
    pub fn load_dir(dir: &Path) -> Result<RuleBook, RulesError> {
        Ok(RuleBook::bundled()?.overlay(RuleBook::read_dir(dir)?))
    }

    /// Only the rules files in `dir` (read in name order), without the bundled ones, and the
    /// state files in `dir/states/` when that folder exists.
    pub fn read_dir(dir: &Path) -> Result<RuleBook, RulesError> {
        let mut book = RuleBook::default();
        let mut problems = Vec::new();
        for path in toml_files(dir)? {
            let (text, name) = read_toml(&path)?;
            book.add(parse(&path.display().to_string(), &name, &text), &mut problems)?;
        }
        let states_dir = dir.join(STATES_DIR);
        if states_dir.is_dir() {
            for path in toml_files(&states_dir)? {
                let (text, name) = read_toml(&path)?;
                book.add_state(
                    states::parse_state(&path.display().to_string(), &name, &text),
                    &mut problems,
                )?;
            }
        }
        if book.rules.is_empty() && book.states.is_empty() && problems.is_empty() {
            return Err(RulesError::Empty {
                dir: dir.to_path_buf(),
            });
        }
        book.or_problems(problems)
    }

    /// [`RuleBook::load_dir`] when an override folder is given, else [`RuleBook::bundled`].
    pub fn load(overrides: Option<&Path>) -> Result<RuleBook, RulesError> {
        match overrides {
            Some(dir) => RuleBook::load_dir(dir),
            None => RuleBook::bundled(),
        }
    }

    /// Adds one file's rules, or keeps its problems with the others' so every file's are
    /// reported; an I/O error ends the loading.
    fn add(
        &mut self,
        parsed: Result<Rules, RulesError>,
        problems: &mut Vec<Diagnostic>,
    ) -> Result<(), RulesError> {
        match parsed {
            Ok(rules) => {
                self.rules.insert(rules.regulation, rules);
                Ok(())
            }
            Err(RulesError::Invalid(found)) => {
                problems.extend(found.0);
                Ok(())
            }
            Err(other) => Err(other),
        }
    }

    /// Adds one State's file, or keeps its problems with the others'.
    fn add_state(
        &mut self,
        parsed: Result<StateRules, RulesError>,
        problems: &mut Vec<Diagnostic>,
    ) -> Result<(), RulesError> {
        match parsed {
            Ok(state) => {
                self.states.insert(state.state.clone(), state);
                Ok(())
            }
            Err(RulesError::Invalid(found)) => {
                problems.extend(found.0);
                Ok(())
            }
            Err(other) => Err(other),
        }
    }

    /// The book, or every problem found loading it.
    fn or_problems(self, problems: Vec<Diagnostic>) -> Result<RuleBook, RulesError> {
        if problems.is_empty() {
            Ok(self)
        } else {
            Err(RulesError::Invalid(Diagnostics(problems)))
        }
    }

    /// `self` with every regulation and state found in `other` replaced by `other`'s version.
    pub fn overlay(mut self, other: RuleBook) -> RuleBook {
        self.rules.extend(other.rules);
        self.states.extend(other.states);
        self
    }

    /// The step-therapy laws of a state (two-letter code), when the rules data has them.
    pub fn state(&self, code: &str) -> Option<&StateRules> {
        self.states.get(code)
    }

    /// The states with step-therapy data, in code order.
    pub fn states(&self) -> impl Iterator<Item = &StateRules> {
        self.states.values()
    }

    /// The rules for a `plan.regulation` value.
    pub fn get(&self, regulation: Regulation) -> Option<&Rules> {
        self.rules.get(&regulation)
    }

    /// The regulations loaded, in the order [`Regulation::ALL`] lists them.
    pub fn regulations(&self) -> impl Iterator<Item = Regulation> + '_ {
        self.rules.keys().copied()
    }
}

/// The `*.toml` files directly in `dir`, in name order.
fn toml_files(dir: &Path) -> Result<Vec<PathBuf>, RulesError> {
    let io = |source| RulesError::Io {
        path: dir.to_path_buf(),
        source,
    };
    let mut paths = Vec::new();
    for entry in std::fs::read_dir(dir).map_err(io)? {
        let path = entry.map_err(io)?.path();
        if path.extension().is_some_and(|e| e == "toml") && path.is_file() {
            paths.push(path);
        }
    }
    paths.sort();
    Ok(paths)
}

/// A file's text and its file name.
fn read_toml(path: &Path) -> Result<(String, String), RulesError> {
    let text = std::fs::read_to_string(path).map_err(|source| RulesError::Io {
        path: path.to_path_buf(),
        source,
    })?;
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    Ok((text, name))
}

/// Parses and validates one rules file. `file` names it in errors; `name` is its file name.
fn parse(file: &str, name: &str, text: &str) -> Result<Rules, RulesError> {
    let mut rules: Rules = toml::from_str(text).map_err(|e| {
        let (message, hint) = crate::diag::explain_unknown_variant(e.message().trim());
        let at = Location::at(file, text, e.span().map_or(0, |s| s.start));
        RulesError::Invalid(Diagnostics::one(Diagnostic::error(at, message).with_hint(hint)))
    })?;
    let stem = name.strip_suffix(".toml").unwrap_or(name);
    let problems = validate(&rules, stem);
    if !problems.is_empty() {
        let problems = problems
            .into_iter()
            .map(|(path, message)| Diagnostic::error(crate::diag::locate(file, text, &path), message))
            .collect();
        return Err(RulesError::Invalid(Diagnostics::in_file_order(problems)));
    }
    mark_verified(&mut rules);
    Ok(rules)
}

/// Checks the bodies of a State's file (`[[insurance]]`, `[medicaid]`, `[fair_hearing]`,
/// `[external_review]`); [`states`] checks the rest. Returns the path of the offending value.
fn validate_bodies(state: &StateRules) -> Result<(), (KeyPath, String)> {
    let mut ids: Vec<&str> = Vec::new();
    for (i, b) in state.insurance.iter().enumerate() {
        let index = i.to_string();
        check_body(&["insurance", &index], b)?;
        if state.insurance.len() > 1 {
            match b.id.as_deref() {
                None => {
                    return Err((
                        key(&["insurance", &index, "name"]),
                        "a State with several insurance regulators needs an `id` for each (what `plan.regulator` names)".into(),
                    ));
                }
                Some(id) if ids.contains(&id) => {
                    return Err((
                        key(&["insurance", &index, "id"]),
                        format!("id \"{id}\" is used twice"),
                    ));
                }
                Some(id) => ids.push(id),
            }
        }
    }
    for (name, body) in [
        ("medicaid", &state.medicaid),
        ("fair_hearing", &state.fair_hearing),
        ("external_review", &state.external_review),
    ] {
        if let Some(b) = body {
            check_body(&[name], b)?;
        }
    }
    Ok(())
}

fn check_body(path: &[&str], b: &Body) -> Result<(), (KeyPath, String)> {
    if b.name.trim().is_empty() {
        return Err((with(path, "name"), "name must not be empty".into()));
    }
    check_item(path, &b.name, &b.citation)
}

/// A path to a value in the document, for locating errors: keys, and array indices as numbers.
type KeyPath = Vec<String>;

fn key(path: &[&str]) -> KeyPath {
    path.iter().map(|s| (*s).to_string()).collect()
}

/// Checks the rules a TOML schema cannot express: every problem, each with the path of the
/// offending value.
fn validate(rules: &Rules, stem: &str) -> Vec<(KeyPath, String)> {
    let mut found = Vec::new();
    if rules.regulation.id() != stem {
        found.push((
            key(&["regulation"]),
            format!(
                "regulation \"{}\" must equal the file name \"{stem}\"",
                rules.regulation
            ),
        ));
    }
    if rules.name.trim().is_empty() {
        found.push((key(&["name"]), "name must not be empty".into()));
    }
    found.extend(check_item(&["governing"], &rules.governing.text, &rules.governing.citation).err());
    found.extend(check_period(&["file_appeal"], &rules.file_appeal, true).err());
    if rules.file_appeal.non_grandfathered_only {
        found.push((
            key(&["file_appeal", "non_grandfathered_only"]),
            "every plan has a time to file its internal appeal; file_appeal cannot be non_grandfathered_only"
                .into(),
        ));
    }
    if let Some(g) = &rules.grandfathered {
        found.extend(check_item(&["grandfathered"], &g.text, &g.citation).err());
    }
    for (name, item) in [
        ("late_filing", &rules.late_filing),
        ("who_may_file", &rules.who_may_file),
        ("levels", &rules.levels),
        ("plan_misses_deadline", &rules.plan_misses_deadline),
        ("reviewer", &rules.reviewer),
        ("drug_exception", &rules.drug_exception),
        ("clinical_trials", &rules.clinical_trials),
        ("off_label", &rules.off_label),
    ] {
        if let Some(i) = item {
            found.extend(check_item(&[name], &i.text, &i.citation).err());
        }
    }
    let d = &rules.decision;
    for (name, p) in [
        ("expedited", &d.expedited),
        ("pre_service", &d.pre_service),
        ("post_service", &d.post_service),
        ("concurrent", &d.concurrent),
        ("extension", &d.extension),
    ] {
        if let Some(p) = p {
            found.extend(check_period(&["decision", name], p, false).err());
        }
    }
    for (name, p) in [
        ("standard", &rules.request_decision.standard),
        ("expedited", &rules.request_decision.expedited),
    ] {
        if let Some(p) = p {
            found.extend(check_period(&["request_decision", name], p, false).err());
        }
    }
    if let Some(u) = &rules.urgent {
        found.extend(check_item(&["urgent"], &u.text, &u.citation).err());
        if let Some(p) = &u.physician {
            found.extend(check_item(&["urgent", "physician"], &p.text, &p.citation).err());
        }
    }
    if let Some(c) = &rules.claim_file {
        found.extend(check_item(&["claim_file"], &c.text, &c.citation).err());
        for (name, item) in [
            ("relevant", &c.relevant),
            ("criteria", &c.criteria),
            ("reviewers", &c.reviewers),
            ("new_evidence", &c.new_evidence),
        ] {
            if let Some(i) = item {
                found.extend(check_item(&["claim_file", name], &i.text, &i.citation).err());
            }
        }
    }
    for (i, item) in rules.coverage_criteria.iter().enumerate() {
        found.extend(check_item(&["coverage_criteria", &i.to_string()], &item.text, &item.citation).err());
    }
    if let Some(n) = &rules.network {
        found.extend(check_item(&["network"], &n.text, &n.citation).err());
    }
    if let Some(p) = &rules.continuation {
        found.extend(check_period(&["continuation"], p, true).err());
    }
    if let Some(x) = &rules.external_review {
        found.extend(check_item(&["external_review"], &x.text, &x.citation).err());
        if let Some(p) = &x.file {
            found.extend(check_period(&["external_review", "file"], p, true).err());
        }
        if let Some(p) = &x.standard {
            found.extend(check_period(&["external_review", "standard"], p, false).err());
        }
        if let Some(p) = &x.expedited {
            found.extend(check_period(&["external_review", "expedited"], p, false).err());
        }
        if let Some(a) = &x.alongside_expedited_internal {
            found.extend(
                check_item(
                    &["external_review", "alongside_expedited_internal"],
                    &a.text,
                    &a.citation,
                )
                .err(),
            );
        }
        if x.automatic && x.file.is_some() {
            found.push((
                key(&["external_review", "file"]),
                "an automatic external review has no filing window".into(),
            ));
        }
    }
    if let Some(n) = &rules.next_level {
        found.extend(check_item(&["next_level"], &n.text, &n.citation).err());
        if let Some(p) = &n.file {
            found.extend(check_period(&["next_level", "file"], p, true).err());
        }
    }
    for (i, note) in rules.notes.iter().enumerate() {
        found.extend(check_item(&["notes", &i.to_string()], &note.text, &note.citation).err());
    }
    found.extend(check_escalation(rules).err());
    found
}

fn check_item(path: &[&str], text: &str, citation: &str) -> Result<(), (KeyPath, String)> {
    if text.trim().is_empty() {
        return Err((with(path, "text"), "text must not be empty".into()));
    }
    if citation.trim().is_empty() {
        return Err((
            with(path, "citation"),
            "citation must not be empty: every rule needs a citation".into(),
        ));
    }
    Ok(())
}

/// The complaint and next-level tables: a body where a letter is sent to one, and what a
/// letter asks for.
fn check_escalation(rules: &Rules) -> Result<(), (KeyPath, String)> {
    if let Some(c) = &rules.complaint {
        check_item(&["complaint"], &c.text, &c.citation)?;
        if let Some(b) = &c.body {
            check_body(&["complaint", "body"], b)?;
        }
        if matches!(c.to, ComplaintTo::Body) && c.body.is_none() {
            return Err((
                key(&["complaint", "to"]),
                "a complaint sent to a body needs [complaint.body]".into(),
            ));
        }
    }
    for (name, to, request, body) in [
        (
            "external_review",
            rules.external_review.as_ref().and_then(|x| x.request_to),
            rules.external_review.as_ref().and_then(|x| x.request.as_ref()),
            rules.external_review.as_ref().and_then(|x| x.body.as_ref()),
        ),
        (
            "next_level",
            rules.next_level.as_ref().and_then(|x| x.request_to),
            rules.next_level.as_ref().and_then(|x| x.request.as_ref()),
            rules.next_level.as_ref().and_then(|x| x.body.as_ref()),
        ),
    ] {
        if let Some(b) = body {
            check_body(&[name, "body"], b)?;
        }
        if to.is_some() && request.is_none_or(|r| r.trim().is_empty()) {
            return Err((
                key(&[name, "request_to"]),
                "a level a letter can ask for needs `request`: what the letter asks for, e.g. \"a State fair hearing\"".into(),
            ));
        }
        if to == Some(RequestTo::Body) && body.is_none() {
            return Err((
                key(&[name, "request_to"]),
                format!("a request sent to a body needs [{name}.body]"),
            ));
        }
    }
    Ok(())
}

fn with(path: &[&str], last: &str) -> KeyPath {
    let mut k = key(path);
    k.push(last.to_string());
    k
}

/// `window` is true for filing windows (which need `from`), false for decision clocks.
fn check_period(path: &[&str], p: &Period, window: bool) -> Result<(), (KeyPath, String)> {
    check_item(path, &p.text, &p.citation)?;
    match (p.amount, p.unit) {
        (Some(0), _) => return Err((with(path, "amount"), "amount must be at least 1".into())),
        (Some(_), None) => {
            return Err((
                with(path, "amount"),
                "amount needs a unit (\"days\", \"hours\" or \"months\")".into(),
            ));
        }
        (None, Some(_)) => return Err((with(path, "unit"), "unit needs an amount".into())),
        _ => {}
    }
    if let Some(unit) = p.unit {
        let limit = unit.max_amount();
        for (name, value) in [("amount", p.amount), ("max_amount", p.max_amount)] {
            if let Some(v) = value
                && v > limit
            {
                return Err((
                    with(path, name),
                    format!(
                        "{name} {v} is out of range: a rule's period is 1 to {limit} {} (ten years), which keeps every date computable",
                        unit.word(limit)
                    ),
                ));
            }
        }
    }
    if let Some(max) = p.max_amount {
        match p.amount {
            Some(min) if max >= min => {}
            _ => {
                return Err((
                    with(path, "max_amount"),
                    "max_amount needs an amount no larger than it".into(),
                ));
            }
        }
    }
    if window && p.amount.is_some() && p.from.is_none() {
        return Err((
            with(path, "amount"),
            "a filing window needs `from` (\"notice\" or \"receipt\")".into(),
        ));
    }
    if !window && p.from.is_some() {
        return Err((
            with(path, "from"),
            "a decision clock counts from the day the request is filed; remove `from`".into(),
        ));
    }
    for (i, a) in p.alternatives.iter().enumerate() {
        let at = |last: &str| {
            let mut k = with(path, "alternatives");
            k.push(i.to_string());
            k.push(last.to_string());
            k
        };
        if a.text.trim().is_empty() {
            return Err((at("text"), "text must not be empty".into()));
        }
        if a.citation.trim().is_empty() {
            return Err((
                at("citation"),
                "citation must not be empty: every figure needs its source".into(),
            ));
        }
        if a.amount == 0 {
            return Err((at("amount"), "amount must be at least 1".into()));
        }
        if !window && a.from.is_some() {
            return Err((
                at("from"),
                "a decision clock counts from the day the request is filed; remove `from`".into(),
            ));
        }
        if window && a.from.is_none() && p.from.is_none() {
            return Err((
                at("amount"),
                "a filing window needs `from` (\"notice\" or \"receipt\")".into(),
            ));
        }
    }
    if p.month_end != MonthEnd::Clamp && p.unit != Some(TimeUnit::Months) {
        return Err((
            with(path, "month_end"),
            "month_end applies only to a unit of \"months\"".into(),
        ));
    }
    Ok(())
}

/// Sets every `verified` flag from its tag.
fn mark_verified(rules: &mut Rules) {
    fn item(i: &mut Item) {
        i.verified = i.tag.is_verified();
    }
    fn period(p: &mut Period) {
        p.verified = p.tag.is_verified();
    }
    item(&mut rules.governing);
    if let Some(g) = &mut rules.grandfathered {
        item(g);
    }
    period(&mut rules.file_appeal);
    for i in [
        &mut rules.late_filing,
        &mut rules.who_may_file,
        &mut rules.levels,
        &mut rules.plan_misses_deadline,
        &mut rules.reviewer,
        &mut rules.drug_exception,
        &mut rules.clinical_trials,
        &mut rules.off_label,
    ]
    .into_iter()
    .flatten()
    {
        item(i);
    }
    let d = &mut rules.decision;
    for p in [
        &mut d.expedited,
        &mut d.pre_service,
        &mut d.post_service,
        &mut d.concurrent,
        &mut d.extension,
        &mut rules.continuation,
        &mut rules.request_decision.standard,
        &mut rules.request_decision.expedited,
    ]
    .into_iter()
    .flatten()
    {
        period(p);
    }
    if let Some(u) = &mut rules.urgent {
        u.verified = u.tag.is_verified();
        if let Some(p) = &mut u.physician {
            p.verified = p.tag.is_verified();
        }
    }
    if let Some(c) = &mut rules.claim_file {
        c.verified = c.tag.is_verified();
        for i in [
            &mut c.relevant,
            &mut c.criteria,
            &mut c.reviewers,
            &mut c.new_evidence,
        ]
        .into_iter()
        .flatten()
        {
            item(i);
        }
    }
    rules.coverage_criteria.iter_mut().for_each(item);
    if let Some(n) = &mut rules.network {
        n.verified = n.tag.is_verified();
    }
    if let Some(x) = &mut rules.external_review {
        x.verified = x.tag.is_verified();
        for p in [&mut x.file, &mut x.standard, &mut x.expedited]
            .into_iter()
            .flatten()
        {
            period(p);
        }
        if let Some(a) = &mut x.alongside_expedited_internal {
            a.verified = a.tag.is_verified();
        }
    }
    if let Some(n) = &mut rules.next_level {
        n.verified = n.tag.is_verified();
        if let Some(p) = &mut n.file {
            period(p);
        }
    }
    for n in &mut rules.notes {
        n.verified = n.tag.is_verified();
    }
    if let Some(c) = &mut rules.complaint {
        c.verified = c.tag.is_verified();
    }
    for b in [
        rules.complaint.as_mut().and_then(|c| c.body.as_mut()),
        rules.external_review.as_mut().and_then(|x| x.body.as_mut()),
        rules.next_level.as_mut().and_then(|x| x.body.as_mut()),
    ]
    .into_iter()
    .flatten()
    {
        b.verified = b.tag.is_verified();
    }
}

#[cfg(test)]
mod tests;
