//! The deadline engine: dates of a case + [`Rules`] → dated, explained [`Deadline`]s.
//!
//! Filing windows count from the date on the notice or the day it was received. Decision clocks
//! count from the day the plan receives the request; the engine assumes the request is filed
//! `today` and says so in each basis. Hours are shown as whole days (72 hours → the date three
//! days later). Months use jiff's calendar arithmetic, which clamps a missing day to the month's
//! last day (2026-10-31 + 4 months = 2027-02-28); the basis says when that happened. A figure
//! tagged `UNVERIFIED` never yields a date.

use jiff::civil::{Date, Weekday};
use jiff::{ToSpan, Unit};
use serde::{Serialize, Serializer};

use super::{Anchor, MonthEnd, Period, Rules, Tag, TimeUnit};
use crate::case::{Regulation, ServiceTiming};

/// The dates of a case that deadlines are computed from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeadlineInput {
    /// The case's `plan.regulation` (a note flags a mismatch with the rules given).
    pub regulation: Regulation,
    /// The date printed on the denial notice.
    pub denial_date: Date,
    /// The day the notice was received, when known.
    pub received: Option<Date>,
    /// Pre-service, post-service or concurrent, when known.
    pub timing: Option<ServiceTiming>,
    /// Whether an expedited (urgent) appeal is being asked for.
    pub expedited: bool,
    /// Whether the plan is grandfathered under the ACA (`plan.grandfathered`), when known.
    pub grandfathered: Option<bool>,
    /// The filing deadline printed on the notice (`denial.deadline_on_notice`), if the case
    /// gives it: the earlier of it and the rule's date is shown.
    pub deadline_on_notice: Option<Date>,
    /// The day the internal appeal was sent (`appeal.filed`): decision clocks count from it.
    pub appeal_filed: Option<Date>,
    /// The date of the plan's final decision on the appeal (`appeal.decision`): the windows for
    /// external review and the next level count from it.
    pub final_decision: Option<Date>,
    /// Today; also the assumed filing date for decision clocks.
    pub today: Date,
}

impl DeadlineInput {
    /// The dates of `case`, with `today` as the letter date and assumed filing date; `None`
    /// for a request before any decision (see [`request_deadlines`]).
    pub fn from_case(case: &crate::case::Case, today: Date) -> Option<DeadlineInput> {
        let denial = case.denial.as_ref()?;
        Some(DeadlineInput {
            regulation: case.regulation(),
            denial_date: denial.date.0,
            received: denial.received.map(|d| d.0),
            timing: denial.service_timing,
            expedited: case.letter.expedited,
            grandfathered: case.plan.grandfathered,
            deadline_on_notice: denial.deadline_on_notice.map(|d| d.0),
            appeal_filed: case.appeal.as_ref().and_then(|a| a.filed).map(|d| d.0),
            final_decision: case.appeal.as_ref().and_then(|a| a.decision).map(|d| d.0),
            today,
        })
    }
}

/// The deadlines of `case` under `rules`: an appeal's ([`deadlines`]) or, before any
/// decision, the plan's clocks for deciding the request ([`request_deadlines`]).
pub fn deadlines_for(rules: &Rules, case: &crate::case::Case, today: Date) -> Deadlines {
    match DeadlineInput::from_case(case, today) {
        Some(input) => deadlines(rules, &input),
        None => request_deadlines(rules, case.regulation(), case.letter.expedited, today),
    }
}

/// Before any decision: when the plan must decide a request for care not yet received,
/// assuming it is sent `today` (`[request_decision]` in the rules file). No appeal deadline
/// exists yet.
pub fn request_deadlines(rules: &Rules, regulation: Regulation, expedited: bool, today: Date) -> Deadlines {
    let input = DeadlineInput {
        regulation,
        denial_date: today,
        received: None,
        timing: Some(ServiceTiming::PreService),
        expedited,
        grandfathered: None,
        deadline_on_notice: None,
        appeal_filed: None,
        final_decision: None,
        today,
    };
    let mut notes = vec![
        "This is a request before any decision, so there is no appeal deadline yet. If the plan \
         denies it, the denial notice starts the time to appeal: keep it, and note the day it \
         arrived."
            .to_string(),
    ];
    let mut items = Vec::new();
    let miss = "Ask the plan in writing for its decision and keep a record of every contact; a \
                plan that does not decide in time may have to treat the request as denied, so \
                you can appeal.";
    let r = &rules.request_decision;
    if expedited {
        match &r.expedited {
            Some(p) => items.push(decision(
                "request-decision-expedited",
                label_or(p, "Plan's decision on your expedited request"),
                p,
                &input,
                None,
                miss,
            )),
            None => notes.push(
                "No time limit for an expedited request is recorded for this plan type: ask the \
                 plan, and use the one in its plan document."
                    .to_string(),
            ),
        }
    }
    match &r.standard {
        Some(p) => items.push(decision(
            "request-decision-standard",
            label_or(p, "Plan's decision on your request"),
            p,
            &input,
            None,
            miss,
        )),
        None => notes.push(
            "No time limit for deciding a request is recorded for this plan type: ask the plan, \
             and use the one in its plan document."
                .to_string(),
        ),
    }
    Deadlines { items, notes }
}

/// Where a deadline stands relative to `today`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(tag = "state", rename_all = "kebab-case")]
pub enum Status {
    /// Still ahead.
    Upcoming {
        /// Whole days from today to the deadline (1 = tomorrow).
        days_left: i64,
    },
    /// The deadline is today: still open.
    Today,
    /// Gone by.
    Passed {
        /// Whole days since the deadline (1 = yesterday).
        days_ago: i64,
    },
    /// No date: the figure is unverified or unknown.
    Unknown,
    /// Met: the appeal was sent (`appeal.filed`), or the plan decided (`appeal.decision`), by
    /// this date.
    Done,
}

/// One deadline, explained.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Deadline {
    /// Stable id: `file-internal-appeal`, `decision-standard`, `decision-expedited`,
    /// `external-review-file`, `external-review-decision-expedited`, `next-level-file`,
    /// `continue-benefits`.
    pub id: String,
    /// Short label, e.g. `File your internal appeal`.
    pub label: String,
    /// The date, or `None` when the figure is unverified or unknown (serialised `YYYY-MM-DD`).
    #[serde(serialize_with = "ser_date")]
    pub date: Option<Date>,
    /// How the date was worked out, in plain words.
    pub basis: String,
    /// Where the rule is written (every source's citation, when sources differ).
    pub citation: String,
    /// Verification tag of the rule.
    pub tag: Tag,
    /// Whether sources disagree on this limit; the date is then the earliest of their dates.
    pub sources_differ: bool,
    /// Whether the limit applies only if the plan is not grandfathered, which the case does not
    /// say.
    pub conditional: bool,
    /// The date the rule alone gives, when the date printed on the notice differs from it (the
    /// earlier of the two is `date`).
    #[serde(serialize_with = "ser_date")]
    pub rule_date: Option<Date>,
    /// Where it stands relative to today.
    pub status: Status,
    /// What can still be done once the date has gone by (for a plan's decision: if the plan has
    /// not decided by then). Present for every dated deadline; it starts "This date has passed"
    /// when it has.
    pub if_passed: Option<String>,
}

/// All deadlines of a case, with general notes.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Deadlines {
    /// The deadlines, filing deadline first.
    pub items: Vec<Deadline>,
    /// Notes for the reader (each rule note ends with its citation and tag).
    pub notes: Vec<String>,
}

/// The deadlines of one case as `appeal deadlines` shows them: [`Serialize`] for `--json`
/// (`format`, `items`, `notes`), [`Display`](std::fmt::Display) for people.
#[derive(Debug, Clone, Serialize)]
pub struct DeadlineReport<'a> {
    /// The report's format version.
    pub format: u32,
    /// The deadlines.
    pub items: &'a [Deadline],
    /// Notes for the reader.
    pub notes: &'a [String],
    /// The case file, as named.
    #[serde(skip)]
    pub file: &'a str,
    /// The rules' display name and regulation id.
    #[serde(skip)]
    pub rules: (&'a str, Regulation),
    /// Today.
    #[serde(skip)]
    pub today: Date,
}

impl Deadlines {
    /// This case's report.
    pub fn report<'a>(&'a self, file: &'a str, rules: &'a Rules, today: Date) -> DeadlineReport<'a> {
        DeadlineReport {
            format: 1,
            items: &self.items,
            notes: &self.notes,
            file,
            rules: (&rules.name, rules.regulation),
            today,
        }
    }
}

impl std::fmt::Display for DeadlineReport<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let (name, regulation) = self.rules;
        writeln!(f, "{}: {name} ({regulation}); today is {}", self.file, self.today)?;
        for d in self.items {
            let plural = |n: i64| if n == 1 { "" } else { "s" };
            let when = match (&d.date, &d.status) {
                (Some(date), Status::Today) => format!("{date}  TODAY"),
                (Some(date), Status::Done) => format!("{date}  met"),
                (Some(date), Status::Passed { days_ago }) => {
                    format!("{date}  passed {days_ago} day{} ago", plural(*days_ago))
                }
                (Some(date), Status::Upcoming { days_left }) => {
                    format!("{date}  in {days_left} day{}", plural(*days_left))
                }
                _ => "no verified date: use the date on your denial notice".to_string(),
            };
            writeln!(f, "\n{}: {when}", d.label)?;
            writeln!(f, "  {}", d.basis)?;
            writeln!(f, "  rule: {} [{}]", d.citation, d.tag)?;
            if let (Some(text), Status::Passed { .. }) = (&d.if_passed, &d.status) {
                writeln!(f, "  {text}")?;
            }
        }
        if !self.notes.is_empty() {
            writeln!(f, "\nnotes:")?;
            for n in self.notes {
                writeln!(f, "  - {n}")?;
            }
        }
        Ok(())
    }
}

fn ser_date<S: Serializer>(date: &Option<Date>, s: S) -> Result<S::Ok, S::Error> {
    match date {
        Some(d) => s.serialize_str(&d.to_string()),
        None => s.serialize_none(),
    }
}

/// Computes the deadlines of a case under `rules` (as written; the rules that depend on
/// grandfathered status are resolved here with [`Rules::for_plan`]).
pub fn deadlines(rules: &Rules, input: &DeadlineInput) -> Deadlines {
    let written = rules;
    let resolved = rules.for_plan(input.grandfathered);
    let rules = &resolved;
    let mut items = Vec::new();
    let mut notes = vec![
        "Your denial notice and plan document control the actual deadlines. The federal limits \
         shown are the least time you must be given to file (your plan or state may allow more) \
         and the most time the plan may take to decide. Do not wait for the last day."
            .to_string(),
    ];
    if input.regulation != rules.regulation {
        notes.push(format!(
            "These are the rules for \"{}\", but the case names \"{}\".",
            rules.regulation, input.regulation
        ));
    }

    // 1. Filing the internal appeal.
    let label = label_or(&rules.file_appeal, "File your internal appeal");
    let mut appeal = filing(
        "file-internal-appeal",
        label,
        &rules.file_appeal,
        input,
        None,
        None,
    );
    if let Some(notice) = input.deadline_on_notice {
        match appeal.date {
            Some(rule) if notice < rule => {
                appeal.basis = format!(
                    "{} Your notice gives {notice}, earlier than the {rule} this rule gives; the \
                     earlier date is shown.",
                    appeal.basis
                );
                appeal.date = Some(notice);
                appeal.rule_date = Some(rule);
                appeal.status = status(notice, input.today);
            }
            Some(rule) if notice > rule => {
                appeal.rule_date = Some(rule);
                appeal.basis = format!(
                    "{} Your notice gives {notice}, later than this rule's {rule}; the earlier \
                     date is shown, and filing by it is safe.",
                    appeal.basis
                );
            }
            Some(_) => {}
            None => {
                appeal.basis = format!("The date printed on your notice. {}", appeal.basis);
                appeal.date = Some(notice);
                appeal.status = status(notice, input.today);
            }
        }
    }
    if let Some(filed) = input.appeal_filed {
        appeal.basis = format!("{} You filed your appeal on {filed}.", appeal.basis);
        if appeal.date.is_some_and(|d| filed <= d) {
            appeal.status = Status::Done;
        }
    }
    if appeal.date.is_some() {
        let advice = match &rules.late_filing {
            Some(late) if late.tag.is_verified() => format!(
                "{} Check the deadline printed on your denial notice, which controls.",
                cited(&late.text, &late.citation)
            ),
            _ => "Check the deadline printed on your denial notice and plan document, which \
                  control, and ask the plan in writing whether it will still accept your appeal. \
                  You may also be able to ask for the care again as a new request."
                .to_string(),
        };
        appeal.if_passed = Some(passed_prefix(appeal.status, &advice));
    }
    items.push(appeal);

    // 2. The plan's decision clocks, assuming the appeal is filed today.
    let post_service = input.timing == Some(ServiceTiming::PostService);
    let miss_advice = match &rules.plan_misses_deadline {
        Some(m) if m.tag.is_verified() => cited(&m.text, &m.citation),
        _ => "Ask the plan in writing for its decision and keep a record of every contact; your \
              denial notice or plan document says what you can do next."
            .to_string(),
    };
    if input.expedited && post_service {
        notes.push(
            "Expedited review is not available for care you have already received, so only the \
             standard decision time is shown."
                .to_string(),
        );
    } else if input.expedited {
        match &rules.decision.expedited {
            Some(p) => items.push(decision(
                "decision-expedited",
                label_or(p, "Plan's decision on your expedited appeal"),
                p,
                input,
                input.appeal_filed,
                &miss_advice,
            )),
            None => notes.push(
                "No time limit for expedited appeals is recorded for this plan type: use the one \
                 on your denial notice or plan document."
                    .to_string(),
            ),
        }
    }
    let d = &rules.decision;
    let standard = match input.timing {
        Some(ServiceTiming::PreService) => d.pre_service.as_ref(),
        Some(ServiceTiming::PostService) => d.post_service.as_ref(),
        Some(ServiceTiming::Concurrent) => {
            if d.concurrent.is_none() {
                notes.push(
                    "No separate time limit for appeals about ongoing (concurrent) treatment is \
                     recorded for this plan type: use the time limit on your denial notice or \
                     plan document."
                        .to_string(),
                );
            }
            d.concurrent.as_ref()
        }
        None => match (&d.pre_service, &d.post_service) {
            (Some(pre), Some(post)) if pre.figure().is_some() && pre.figure() == post.figure() => Some(pre),
            (pre, post) => {
                let say = |p: &Option<Period>| {
                    p.as_ref()
                        .filter(|p| p.tag.is_verified())
                        .and_then(Period::describe)
                };
                if let (Some(a), Some(b)) = (say(pre), say(post)) {
                    notes.push(format!(
                        "The plan's decision time depends on whether you have already received \
                         the care: {a} if not, {b} if you have."
                    ));
                }
                None
            }
        },
    };
    if let Some(p) = standard {
        items.push(decision(
            "decision-standard",
            label_or(p, "Plan's decision on your appeal"),
            p,
            input,
            input.appeal_filed,
            &miss_advice,
        ));
        if let Some(ext) = d.extension.as_ref().filter(|e| e.tag.is_verified()) {
            notes.push(rule_note(&ext.text, &ext.citation, ext.tag));
        }
    }

    // The plan has decided: its decision clocks are met (or were missed, which the date shows).
    if let Some(decided) = input.final_decision {
        for item in items.iter_mut().filter(|i| i.id.starts_with("decision-")) {
            item.basis = format!("{} The plan decided on {decided}.", item.basis);
            if item.date.is_some_and(|d| decided <= d) {
                item.status = Status::Done;
            }
        }
    }

    // 3. External review.
    if input.grandfathered == Some(true)
        && let Some(x) = written
            .external_review
            .as_ref()
            .filter(|x| x.non_grandfathered_only)
    {
        notes.push(format!(
            "Your plan is grandfathered, so the federal external review rules ({}) do not apply \
             to it. Your State or your plan may still offer an external review: your plan's \
             final denial must say what review is available.",
            x.citation
        ));
    }
    if let Some(x) = &rules.external_review {
        if x.automatic && x.tag.is_verified() {
            notes.push(rule_note(&x.text, &x.citation, x.tag));
        }
        if let Some(p) = &x.file {
            let mut context = if input.final_decision.is_some() {
                String::new()
            } else {
                "If this notice is the plan's final decision on your internal appeal: ".to_string()
            };
            if x.conditional || p.conditional {
                context =
                    format!("Only if your plan is not grandfathered (see below how to find out). {context}");
            } else if let Some(a) = &x.applies_to {
                context = format!("Only for {a}. {context}");
            }
            let label = label_or(p, "Ask for external review");
            let mut item = filing(
                "external-review-file",
                label,
                p,
                input,
                Some(&context),
                input.final_decision,
            );
            if item.date.is_some() {
                item.if_passed = Some(passed_prefix(
                    item.status,
                    "Check the deadline printed on the plan's final denial, which controls, and \
                     ask the external reviewer whether a late request can still be accepted.",
                ));
            }
            items.push(item);
        }
        if input.expedited
            && !post_service
            && let Some(a) = &x.alongside_expedited_internal
        {
            if a.tag.is_verified() && a.allowed {
                notes.push(rule_note(&a.text, &a.citation, a.tag));
                if let Some(p) = &x.expedited {
                    let mut item = decision(
                        "external-review-decision-expedited",
                        label_or(p, "External reviewer's expedited decision"),
                        p,
                        input,
                        None,
                        "Contact the external reviewer in writing and keep a record.",
                    );
                    item.basis = item
                        .basis
                        .replace("If you file today", "If you ask for external review today")
                        .replace("the plan must decide", "the external reviewer must decide")
                        .replace("the plan receives", "the reviewer receives");
                    items.push(item);
                }
            } else if !a.tag.is_verified() {
                notes.push(
                    "Whether you can ask for external review at the same time as an urgent \
                         internal appeal was not confirmed for this plan type: ask the plan."
                        .to_string(),
                );
            }
        }
    }

    // 4. The next level (a State fair hearing).
    if let Some(p) = rules.next_level.as_ref().and_then(|n| n.file.as_ref()) {
        let label = label_or(p, "Ask for the next level of review");
        let mut item = filing(
            "next-level-file",
            label,
            p,
            input,
            (input.final_decision.is_none())
                .then_some("If this notice is the plan's decision on your appeal: "),
            input.final_decision,
        );
        if item.date.is_some() {
            item.if_passed = Some(passed_prefix(
                item.status,
                "Check the deadline printed on the plan's notice of its appeal decision, which \
                 controls, and ask the agency in writing whether a late request can be accepted.",
            ));
        }
        items.push(item);
    }

    // 5. Continued benefits while an appeal about ongoing care is pending.
    if input.timing == Some(ServiceTiming::Concurrent)
        && let Some(p) = rules.continuation.as_ref().filter(|p| p.amount.is_some())
    {
        let label = label_or(p, "Ask for your benefits to continue during the appeal");
        let mut item = filing("continue-benefits", label, p, input, None, None);
        if item.date.is_some() {
            item.if_passed = Some(passed_prefix(
                item.status,
                "You can still appeal by the appeal deadline, but your benefits may not \
                     continue while the appeal is pending.",
            ));
        }
        items.push(item);
    }

    // 6. Whether the plan is grandfathered, when rules above depend on it and the case is silent.
    if input.grandfathered.is_none()
        && rules.has_conditional()
        && let Some(g) = rules.grandfathered.as_ref().filter(|g| g.tag.is_verified())
    {
        notes.push(rule_note(
            &format!(
                "Some rights shown here apply only if your plan is not grandfathered. {}. \
                 Then set `grandfathered` under [plan] in the case file",
                g.text.trim_end().trim_end_matches('.')
            ),
            &g.citation,
            g.tag,
        ));
    }

    // 7. Further rules from the file.
    for note in &rules.notes {
        let applies = note.timing.is_empty() || input.timing.is_some_and(|t| note.timing.contains(&t));
        if applies && note.tag.is_verified() {
            notes.push(rule_note(&note.text, &note.citation, note.tag));
        }
    }

    Deadlines { items, notes }
}

fn label_or(p: &Period, default: &str) -> String {
    p.label.clone().unwrap_or_else(|| default.to_string())
}

/// `text` with its citation and tag before the final full stop.
fn rule_note(text: &str, citation: &str, tag: Tag) -> String {
    cited(text, &format!("{citation} [{tag}]"))
}

/// `text` with `(citation)` before the final full stop.
fn cited(text: &str, citation: &str) -> String {
    let text = text.trim_end();
    let body = text.strip_suffix('.').unwrap_or(text);
    format!("{body} ({citation}).")
}

/// Lower-cases the first letter after a colon, unless the word is an acronym (`OPM`).
fn lower_first(text: &str) -> String {
    let mut chars = text.chars();
    match (chars.next(), chars.next()) {
        (Some(a), Some(b)) if a.is_uppercase() && !b.is_uppercase() => {
            let mut out: String = a.to_lowercase().collect();
            out.push(b);
            out.push_str(chars.as_str());
            out
        }
        _ => text.to_string(),
    }
}

fn passed_prefix(status: Status, advice: &str) -> String {
    match status {
        Status::Passed { days_ago } => format!(
            "This date has passed ({days_ago} {} ago). {advice}",
            if days_ago == 1 { "day" } else { "days" }
        ),
        _ => format!("If you miss this date: {}", lower_first(advice)),
    }
}

/// Where a deadline stands relative to `today`.
fn status(date: Date, today: Date) -> Status {
    match today.until((Unit::Day, date)) {
        Ok(span) => {
            let days = i64::from(span.get_days());
            match days {
                0 => Status::Today,
                d if d > 0 => Status::Upcoming { days_left: d },
                d => Status::Passed { days_ago: -d },
            }
        }
        Err(_) => Status::Unknown,
    }
}

/// `start` + the period, with remarks on what was done (hours shown as days, month-end clamping,
/// weekends). `None` when the date would leave jiff's range.
fn add(start: Date, amount: u32, unit: TimeUnit, p: &Period) -> Option<(Date, Vec<String>)> {
    let mut remarks = Vec::new();
    let date = match unit {
        TimeUnit::Days => start.checked_add(i64::from(amount).days()).ok()?,
        TimeUnit::Hours => start.checked_add(i64::from(amount.div_ceil(24)).days()).ok()?,
        TimeUnit::Months => {
            let date = start.checked_add(i64::from(amount).months()).ok()?;
            if date.day() < start.day() {
                let missing = format!("{:04}-{:02}-{:02}", date.year(), date.month(), start.day());
                match p.month_end {
                    MonthEnd::Clamp => remarks.push(format!(
                        "there is no {missing}, so the last day of that month is used"
                    )),
                    MonthEnd::NextMonthFirst => {
                        let first = date.first_of_month().checked_add(1.month()).ok();
                        let first = first.map_or_else(String::new, |f| format!(" ({f})"));
                        remarks.push(format!(
                            "there is no {missing}; the rule then allows until the first day of \
                             the next month{first}, but the earlier date is shown to be safe"
                        ));
                    }
                }
            }
            date
        }
    };
    if p.weekend_rolls && matches!(date.weekday(), Weekday::Saturday | Weekday::Sunday) {
        remarks.push(format!(
            "{date} is a {:?}; the rule moves a deadline on a weekend or federal holiday to the \
             next business day, but the earlier date is shown to be safe",
            date.weekday()
        ));
    }
    Some((date, remarks))
}

/// For hours, which day they are shown as: ` (shown as the date 3 days later)`.
fn shown_as(amount: u32, unit: TimeUnit) -> String {
    if unit != TimeUnit::Hours {
        return String::new();
    }
    let days = amount.div_ceil(24);
    format!(
        " (shown as the date {days} {} later)",
        if days == 1 { "day" } else { "days" }
    )
}

fn sentence(parts: &[String]) -> String {
    let mut out = String::new();
    for part in parts.iter().filter(|p| !p.is_empty()) {
        if !out.is_empty() {
            out.push(' ');
        }
        let mut chars = part.chars();
        if let Some(first) = chars.next() {
            out.extend(first.to_uppercase());
            out.push_str(chars.as_str());
        }
        if !part.ends_with('.') {
            out.push('.');
        }
    }
    out
}

fn unknown(id: &str, label: String, p: &Period, what: &str) -> Deadline {
    Deadline {
        id: id.to_string(),
        label,
        date: None,
        basis: sentence(&[
            format!("No verified figure is recorded for this plan type: use the {what}"),
            p.text.clone(),
        ]),
        citation: p.citation.clone(),
        tag: p.tag,
        sources_differ: false,
        conditional: p.conditional,
        rule_date: None,
        status: Status::Unknown,
        if_passed: None,
    }
}

/// One source's figure for a filing window.
struct Figure<'a> {
    amount: u32,
    max_amount: Option<u32>,
    unit: TimeUnit,
    from: Option<Anchor>,
    citation: &'a str,
}

/// A filing window counted from the notice (or its receipt). Where sources differ
/// (`alternatives`), every verified figure is dated and the earliest date is shown.
fn filing(
    id: &str,
    label: String,
    p: &Period,
    input: &DeadlineInput,
    context: Option<&str>,
    from_decision: Option<Date>,
) -> Deadline {
    let mut figures: Vec<Figure<'_>> = Vec::new();
    if let Some((amount, unit)) = p.figure() {
        figures.push(Figure {
            amount,
            max_amount: p.max_amount,
            unit,
            from: p.from,

            citation: &p.citation,
        });
    }
    for a in p.alternatives.iter().filter(|a| a.tag.is_verified()) {
        figures.push(Figure {
            amount: a.amount,
            max_amount: None,
            unit: a.unit,
            from: a.from.or(p.from),

            citation: &a.citation,
        });
    }
    if figures.is_empty() {
        return unknown(id, label, p, "date on your denial notice");
    }
    let mut dated = Vec::new();
    for f in &figures {
        let (start, anchor) = match from_decision {
            Some(d) => (d, format!("after the plan's final decision on your appeal ({d})")),
            None => anchor(f.from, input),
        };
        let Some((date, remarks)) = add(start, f.amount, f.unit, p) else {
            return unknown(
                id,
                label,
                p,
                "date on your denial notice (the date is out of range)",
            );
        };
        dated.push((date, remarks, anchor, f));
    }
    // The earliest date; the first figure (the rule's own) wins a tie.
    let best = (0..dated.len()).min_by_key(|&i| (dated[i].0, i)).unwrap_or(0);
    let (date, remarks, anchor, f) = &dated[best];
    let amount_words = match f.max_amount {
        Some(max) => format!(
            "at least {} {} (the figure is set between {} and {max}; the earliest \
             possible date is shown)",
            f.amount,
            f.unit.word(f.amount),
            f.amount
        ),
        None => format!("{} {}", f.amount, f.unit.word(f.amount)),
    };
    let mut parts = vec![format!(
        "{}{amount_words} {anchor}{}",
        context.unwrap_or_default(),
        shown_as(f.amount, f.unit)
    )];
    parts.extend(remarks.iter().cloned());
    let sources_differ = dated.len() > 1 || !p.alternatives.is_empty();
    let citation = if sources_differ {
        let mut all = vec![p.citation.clone()];
        all.extend(p.alternatives.iter().map(|a| a.citation.clone()));
        all.join("; ")
    } else {
        p.citation.clone()
    };
    if sources_differ {
        let mut said: Vec<String> = dated
            .iter()
            .map(|(d, _, anchor, f)| {
                let short = anchor.split(';').next().unwrap_or(anchor);
                format!(
                    "{} {} {short} ({}), which gives {d}",
                    f.amount,
                    f.unit.word(f.amount),
                    f.citation
                )
            })
            .collect();
        said.extend(p.alternatives.iter().filter(|a| !a.tag.is_verified()).map(|a| {
            format!(
                "{} {} ({}; not verified, so not dated)",
                a.amount,
                a.unit.word(a.amount),
                a.citation
            )
        }));
        parts.push(format!(
            "the sources differ on this limit: {}. The earlier date is shown. If the date on \
             your notice is later, you may follow the notice, but filing by the earlier date is \
             safe",
            said.join("; ")
        ));
    }
    parts.extend(p.note.clone());
    Deadline {
        id: id.to_string(),
        label,
        date: Some(*date),
        basis: sentence(&parts),
        citation,
        tag: p.tag,
        sources_differ,
        conditional: p.conditional,
        rule_date: None,
        status: status(*date, input.today),
        if_passed: None,
    }
}

/// Where a window counts from, and how to say so.
fn anchor(from: Option<Anchor>, input: &DeadlineInput) -> (Date, String) {
    match (from, input.received) {
        (Some(Anchor::Receipt), Some(received)) => {
            (received, format!("after you received the notice ({received})"))
        }
        (Some(Anchor::Receipt), None) => (
            input.denial_date,
            format!(
                "after you received the notice; no receipt date was given, so this counts from \
                 the date on the notice ({}), the earliest you could have received it",
                input.denial_date
            ),
        ),
        _ => (
            input.denial_date,
            format!("after the date on the notice ({})", input.denial_date),
        ),
    }
}

/// A decision clock, counted from the day the request was sent (`filed`) or, when it has not
/// been, from an assumed filing date of `today`.
fn decision(
    id: &str,
    label: String,
    p: &Period,
    input: &DeadlineInput,
    filed: Option<Date>,
    miss: &str,
) -> Deadline {
    let Some((amount, unit)) = p.figure() else {
        return unknown(id, label, p, "time limit on your denial notice or plan document");
    };
    let today = input.today;
    let start = filed.unwrap_or(today);
    let Some((date, remarks)) = add(start, amount, unit, p) else {
        return unknown(id, label, p, "time limit on your denial notice (out of range)");
    };
    let mut parts = Vec::new();
    if p.conditional {
        parts.push("only if your plan is not grandfathered".to_string());
    }
    let lead = match filed {
        Some(f) => format!("you filed on {f}, so the plan must decide by {date}"),
        None => format!("if you file today ({today}), the plan must decide by {date}"),
    };
    parts.push(format!(
        "{lead}: within {amount} {} after \
         the plan receives your request{}, so allow for delivery time",
        unit.word(amount),
        shown_as(amount, unit)
    ));
    parts.extend(remarks);
    parts.extend(p.note.clone());
    let status = status(date, today);
    Deadline {
        id: id.to_string(),
        label,
        date: Some(date),
        basis: sentence(&parts),
        citation: p.citation.clone(),
        tag: p.tag,
        sources_differ: false,
        conditional: p.conditional,
        rule_date: None,
        status,
        if_passed: Some(match status {
            Status::Passed { .. } => passed_prefix(status, miss),
            _ => format!(
                "If the plan has not decided by this date, this applies: {}",
                lower_first(miss)
            ),
        }),
    }
}

#[cfg(test)]
mod tests;
