//! Readiness: whether a drafted letter can be signed and sent, and what to fix first.
//!
//! [`check`] is a pure function of the case, its plan and its letter. It returns a [`Report`]:
//! every problem with the case field to fix, its place in the case file, what is wrong and how
//! to fix it. Errors mean "not ready" (`appeal check` exits 1); warnings are worth reading but
//! do not stop the letter. Problems are listed in file order, so a person fixing a case works
//! down the file once.

use std::fmt;

use jiff::civil::Date;
use serde::Serialize;

use crate::case::{Case, DenialReason, LetterKind, Regulation, ServiceTiming, Voice};
use crate::catalog::Catalog;
use crate::diag::Location;
use crate::letter::Letter;
use crate::library::{Library, Verification};
use crate::plan::Plan;
use crate::rules::Status;

/// How much a problem matters.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Severity {
    /// The letter is not ready to send.
    Error,
    /// Worth reading before sending; the letter can go.
    Warning,
}

/// One thing to fix or to know.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Problem {
    /// Error or warning.
    pub severity: Severity,
    /// The case field to fix, dotted (`denial.date`, `treatments.1.ended`), when there is one.
    pub field: Option<String>,
    /// Where in the case file: the field, or the nearest part of the file that exists.
    #[serde(serialize_with = "ser_location")]
    pub location: Option<Location>,
    /// What is wrong.
    pub message: String,
    /// How to fix it.
    pub hint: Option<String>,
}

fn ser_location<S: serde::Serializer>(loc: &Option<Location>, s: S) -> Result<S::Ok, S::Error> {
    match loc {
        Some(l) => s.serialize_str(&l.to_string()),
        None => s.serialize_none(),
    }
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(l) = &self.location {
            write!(f, "{l}: ")?;
        }
        if self.severity == Severity::Warning {
            f.write_str("warning: ")?;
        }
        if let Some(field) = &self.field {
            write!(f, "{field}: ")?;
        }
        f.write_str(&self.message)?;
        if let Some(h) = &self.hint {
            write!(f, "\n      hint: {h}")?;
        }
        Ok(())
    }
}

/// Everything `check` found, errors and warnings, in file order, with what to enclose.
///
/// [`Serialize`] gives the `--json` shape (`format`, `ready`, `problems`, `enclose`);
/// [`Display`](fmt::Display) the text a person reads.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Report {
    /// The report's format version.
    pub format: u32,
    /// Whether the letter is ready to send (no errors).
    pub ready: bool,
    /// The problems.
    pub problems: Vec<Problem>,
    /// Documents the arguments ask the signer to enclose.
    pub enclose: Vec<ToEnclose>,
    /// The case file, as named.
    #[serde(skip)]
    pub file: String,
    /// How many arguments the letter makes.
    #[serde(skip)]
    pub arguments: usize,
    /// How many references it cites.
    #[serde(skip)]
    pub citations: usize,
}

/// A document an argument asks the signer to enclose.
#[derive(Debug, Clone, Serialize)]
pub struct ToEnclose {
    /// The argument block that asks for it.
    pub block: String,
    /// The document.
    pub document: String,
}

impl fmt::Display for Report {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let errors: Vec<_> = self.errors().collect();
        let warnings: Vec<_> = self.warnings().collect();
        if errors.is_empty() {
            writeln!(
                f,
                "{}: ready to send ({} arguments, {} citations){}",
                self.file,
                self.arguments,
                self.citations,
                if warnings.is_empty() {
                    ""
                } else {
                    "; read the warnings below first"
                }
            )?;
        } else {
            writeln!(
                f,
                "{}: {} problem{} to fix before sending:",
                self.file,
                errors.len(),
                if errors.len() == 1 { "" } else { "s" }
            )?;
            for p in &errors {
                writeln!(f, "  - {p}")?;
            }
        }
        if !warnings.is_empty() {
            writeln!(f, "warnings:")?;
            for p in &warnings {
                writeln!(f, "  - {p}")?;
            }
        }
        if !self.enclose.is_empty() {
            writeln!(f, "enclose with the letter:")?;
            for e in &self.enclose {
                writeln!(f, "  - {} (for {})", e.document, e.block)?;
            }
        }
        Ok(())
    }
}

impl Report {
    /// The problems that stop the letter.
    pub fn errors(&self) -> impl Iterator<Item = &Problem> {
        self.problems.iter().filter(|p| p.severity == Severity::Error)
    }

    /// The problems worth reading.
    pub fn warnings(&self) -> impl Iterator<Item = &Problem> {
        self.problems.iter().filter(|p| p.severity == Severity::Warning)
    }

    /// Whether the letter is ready to send: no errors.
    pub fn is_ready(&self) -> bool {
        self.errors().next().is_none()
    }
}

/// The date `appeal init` writes where the user must fill one in.
pub const PLACEHOLDER_DATE: &str = "1900-01-01";

/// How close a deadline may come before `check` warns.
pub const SOON_DAYS: i64 = 7;

/// Checks a drafted letter. `today` is the day the check runs (the clock or
/// `SOURCE_DATE_EPOCH`); the letter's date is in `letter.meta.date`.
pub fn check(
    case: &Case,
    plan: &Plan,
    letter: &Letter,
    catalog: &Catalog,
    library: &Library,
    today: Date,
) -> Report {
    let mut c = Checker {
        case,
        problems: Vec::new(),
    };
    let letter_date: Date = letter.meta.date.parse().unwrap_or(today);
    c.names();
    let placeholders = c.placeholders();
    c.dates(letter_date, today);
    if !placeholders {
        c.deadlines(letter);
    }
    if plan.kind.argues() {
        c.arguments(plan, catalog);
    }
    c.state_law(plan, letter);
    c.sending(plan.kind);
    c.escalation(plan.kind, letter);
    c.citations(plan, library);
    c.facts_to_confirm(plan);
    if case.is_request() {
        c.prior_authorization();
    }
    let mut problems = c.problems;
    // File order; problems without a place last, in the order found.
    problems.sort_by_key(|p| {
        p.location
            .as_ref()
            .map_or((usize::MAX, usize::MAX), |l| (l.line, l.column))
    });
    let ready = !problems.iter().any(|p| p.severity == Severity::Error);
    Report {
        format: 1,
        ready,
        problems,
        enclose: letter
            .sections
            .iter()
            .flat_map(|s| {
                s.enclose.iter().map(|e| ToEnclose {
                    block: s.id.clone(),
                    document: e.clone(),
                })
            })
            .collect(),
        file: case.source.file.clone(),
        arguments: letter.sections.len(),
        citations: letter.references.len(),
    }
}

struct Checker<'a> {
    case: &'a Case,
    problems: Vec<Problem>,
}

impl Checker<'_> {
    fn push(&mut self, severity: Severity, field: &str, message: String, hint: Option<String>) {
        let location = (!field.is_empty()).then(|| {
            let path: Vec<&str> = field.split('.').collect();
            self.case.locate(&path)
        });
        self.problems.push(Problem {
            severity,
            field: (!field.is_empty()).then(|| field.to_string()),
            location,
            message,
            hint,
        });
    }

    fn error(&mut self, field: &str, message: String, hint: &str) {
        self.push(Severity::Error, field, message, Some(hint.to_string()));
    }

    fn warn(&mut self, field: &str, message: String, hint: &str) {
        self.push(Severity::Warning, field, message, Some(hint.to_string()));
    }

    /// Dates left as `appeal init` wrote them ([`PLACEHOLDER_DATE`]); whether there were any.
    fn placeholders(&mut self) -> bool {
        fn walk(v: &serde_json::Value, path: &mut Vec<String>, found: &mut Vec<String>) {
            match v {
                serde_json::Value::String(s) if s == PLACEHOLDER_DATE => found.push(path.join(".")),
                serde_json::Value::Array(items) => {
                    for (i, item) in items.iter().enumerate() {
                        path.push(i.to_string());
                        walk(item, path, found);
                        path.pop();
                    }
                }
                serde_json::Value::Object(map) => {
                    for (k, item) in map {
                        path.push(k.clone());
                        walk(item, path, found);
                        path.pop();
                    }
                }
                _ => {}
            }
        }
        let mut found = Vec::new();
        walk(
            &serde_json::to_value(self.case).unwrap_or_default(),
            &mut Vec::new(),
            &mut found,
        );
        for field in &found {
            self.error(
                field,
                format!("{PLACEHOLDER_DATE} is the placeholder `appeal init` writes"),
                "replace it with the real date, or delete the line if there is none",
            );
        }
        !found.is_empty()
    }

    /// Names the letter cannot go without.
    fn names(&mut self) {
        let case = self.case;
        for (field, value, who) in [
            ("patient.name", &case.patient.name, "the patient's name"),
            ("sender.name", &case.sender.name, "the signer's name"),
            (
                "recipient.organization",
                &case.recipient.organization,
                "the plan's name",
            ),
        ] {
            if value.trim().is_empty() {
                self.error(
                    field,
                    format!("{who} is blank"),
                    "write it as it appears on the plan's notice",
                );
            }
        }
    }

    /// Dates that cannot be true together.
    fn dates(&mut self, letter_date: Date, today: Date) {
        let case = self.case;
        if let Some(d) = &case.denial {
            self.denial_dates(d, letter_date, today);
        }
        self.other_dates(letter_date, today);
    }

    fn denial_dates(&mut self, d: &crate::case::Denial, letter_date: Date, today: Date) {
        let denial = d.date.0;
        if denial > letter_date {
            self.error(
                "denial.date",
                format!("the denial ({denial}) is dated after the letter ({letter_date})"),
                "check `denial.date` against the notice, and `letter.date` if you set it",
            );
        } else if denial > today {
            self.error(
                "denial.date",
                format!("the denial is dated {denial}, which is in the future (today is {today})"),
                "copy the date printed on the notice",
            );
        }
        if let Some(received) = d.received
            && received.0 > today
        {
            self.error(
                "denial.received",
                format!("the notice is said to be received on {received}, which is in the future (today is {today})"),
                "give the day the notice arrived, or leave `received` out",
            );
        }
    }

    fn other_dates(&mut self, letter_date: Date, today: Date) {
        let case = self.case;
        for (i, t) in case.treatments.iter().enumerate() {
            if let (Some(start), Some(end)) = (t.started, t.ended)
                && end < start
            {
                self.error(
                    &format!("treatments.{i}.ended"),
                    format!(
                        "{} ends ({end}) before it starts ({start})",
                        t.name.as_deref().unwrap_or("this treatment")
                    ),
                    "check `started` and `ended`",
                );
            }
        }
        if let Some(born) = case.patient.date_of_birth {
            if born.0 > today {
                self.error(
                    "patient.date_of_birth",
                    format!("the birth date {born} is in the future"),
                    "check the year",
                );
            } else if let Some(dx) = case.diagnosis.diagnosed
                && dx < born
            {
                self.error(
                    "patient.date_of_birth",
                    format!("the patient is born ({born}) after the diagnosis ({dx})"),
                    "check `patient.date_of_birth` and `diagnosis.diagnosed`",
                );
            }
        }
        if let Some(since) = case.care.since
            && since.0 > letter_date
        {
            self.error(
                "care.since",
                format!("care is said to begin on {since}, after the letter's date ({letter_date})"),
                "give the day care with this provider began",
            );
        }
    }

    /// Filing deadlines that have passed or are close.
    fn deadlines(&mut self, letter: &Letter) {
        let Some(deadlines) = &letter.deadlines else {
            return;
        };
        let Some(denial) = &self.case.denial else {
            return;
        };
        let field = if denial.received.is_some() {
            "denial.received"
        } else {
            "denial.date"
        };
        let filed = self.case.appeal.as_ref().and_then(|a| a.filed);
        if let Some(d) = deadlines.items.iter().find(|d| d.id == "file-internal-appeal")
            && let (Some(notice), Some(rule)) = (denial.deadline_on_notice, d.rule_date)
        {
            self.warn(
                "denial.deadline_on_notice",
                format!(
                    "the notice gives {notice} to appeal, but the rule ({}) gives {rule}; the earlier date is the one shown",
                    d.citation
                ),
                "check the date on the notice; filing by the earlier date is safe",
            );
        }
        for d in &deadlines.items {
            let filing = d.id == "file-internal-appeal" && filed.is_none();
            let continuation = d.id == "continue-benefits";
            if !(filing || continuation) {
                continue;
            }
            let Some(date) = d.date else { continue };
            match d.status {
                Status::Passed { days_ago } if filing => self.error(
                    field,
                    format!(
                        "the deadline to file this appeal ({date}, {}) passed {days_ago} day{} ago",
                        d.citation,
                        if days_ago == 1 { "" } else { "s" }
                    ),
                    d.if_passed.as_deref().unwrap_or(
                        "check the deadline on your denial notice and ask the plan in writing whether it will accept a late appeal",
                    ),
                ),
                Status::Passed { .. } => self.warn(
                    field,
                    format!(
                        "the window to ask for benefits to continue during the appeal closed on {date} ({})",
                        d.citation
                    ),
                    "the letter does not claim continued benefits; if the change takes effect later than that, ask the plan at once",
                ),
                Status::Today | Status::Upcoming { .. } if continuation && soon(d.status) => self.warn(
                    field,
                    format!(
                        "to keep your benefits during the appeal, ask the plan by {date} ({})",
                        d.citation
                    ),
                    "say in the letter, or in a call the plan records, that you ask for your benefits to continue, and send the appeal now",
                ),
                Status::Today if filing => self.warn(
                    field,
                    format!("the deadline to file this appeal is today ({date}, {})", d.citation),
                    "send the letter today by a method that shows when it arrived (fax confirmation, tracked mail)",
                ),
                Status::Upcoming { days_left } if filing && days_left <= SOON_DAYS => self.warn(
                    field,
                    format!(
                        "the deadline to file this appeal is {date}, in {days_left} day{} ({})",
                        if days_left == 1 { "" } else { "s" },
                        d.citation
                    ),
                    "send the letter now by a method that shows when it arrived (fax confirmation, tracked mail)",
                ),
                _ => {}
            }
        }
    }

    /// Arguments that apply but cannot be written, near-misses, and reasons left unanswered.
    /// A state step-therapy law the preferred-drug exception could cite, if the case held the
    /// facts it needs (the plan's state, a metastatic cancer, a treatment showing its grounds).
    fn state_law(&mut self, plan: &Plan, letter: &Letter) {
        if !plan.selected().any(|i| i.id == "preferred-drug-exception") {
            return;
        }
        let part = &letter.context.exception.state_law;
        if letter.voice != Voice::Provider
            && let Some(law) = letter
                .context
                .exception
                .laws
                .iter()
                .find(|l| l.kind == "step-therapy")
        {
            self.warn(
                "",
                format!(
                    "the letter cites the {} law on step-therapy exceptions ({}), which rests on the prescriber's statement and supporting documentation",
                    law.name, law.citation
                ),
                "enclose a signed statement from the prescribing doctor saying which of the law's grounds applies, with the records that show it",
            );
        }
        let Some(need) = part.needs.first().filter(|_| !part.used) else {
            return;
        };
        let field = need.split(' ').next().unwrap_or_default();
        let hint = match field {
            "plan.state" => "set plan.state to the plan's state (two capital letters, e.g. \"TX\") so its step-therapy law can be cited".to_string(),
            "diagnosis.metastatic" => "if the cancer is stage four (metastatic), set diagnosis.metastatic = true".to_string(),
            _ => format!(
                "if the records show it, add {} to [[treatments]]",
                need.trim_start_matches("treatments (").trim_end_matches(')')
            ),
        };
        self.warn(
            field,
            format!(
                "the preferred-drug exception cites no state step-therapy law: {}",
                part.why
            ),
            &hint,
        );
    }

    fn arguments(&mut self, plan: &Plan, catalog: &Catalog) {
        let case = self.case;
        for item in plan.blocks.iter().filter(|i| i.problem) {
            let field = item.missing.first().map(|m| first_path(m)).unwrap_or_default();
            self.error(
                &field,
                format!("the argument \"{}\" ({}) {}", item.title, item.id, item.reason),
                "add the missing facts, or add its id to [arguments] exclude if it does not apply",
            );
        }
        for item in plan.blocks.iter().filter(|i| !i.unlock.is_empty()) {
            let Some(block) = catalog.get(&item.id) else {
                continue;
            };
            let answers: Vec<&str> = case
                .reasons()
                .iter()
                .filter(|r| block.meta.answers.contains(r))
                .map(|r| r.id())
                .collect();
            let field = first_path(&item.unlock[0]);
            if !answers.is_empty() {
                self.error(
                    &field,
                    format!(
                        "the argument \"{}\" ({}) would answer the {} reason, but the case lacks {}",
                        item.title,
                        item.id,
                        answers.join(" and "),
                        item.unlock
                            .iter()
                            .map(|u| how_to_add(u))
                            .collect::<Vec<_>>()
                            .join(" and ")
                    ),
                    &format!(
                        "add {}, or, if it does not apply to this case, add \"{}\" to [arguments] exclude",
                        item.unlock
                            .iter()
                            .map(|u| how_to_add(u))
                            .collect::<Vec<_>>()
                            .join(" and "),
                        item.id
                    ),
                );
            }
            // Text the case gives that only this argument would print.
            let facts = crate::facts::Facts::of(case);
            for printed in block.meta.prints.iter().filter(|p| facts.present(p)) {
                self.error(
                    printed,
                    format!(
                        "this text will not appear in the letter: only the argument \"{}\" prints it, and that needs {}",
                        item.title,
                        item.unlock.join(" and ")
                    ),
                    &format!("add {}", item.unlock.iter().map(|u| how_to_add(u)).collect::<Vec<_>>().join(" and ")),
                );
            }
        }
        if plan.selected().next().is_none() {
            self.error(
                "denial.reasons",
                "no argument applies to this case".into(),
                "check denial.reasons and the facts; `appeal explain` shows why each argument was skipped",
            );
            return;
        }
        for reason in &case.reasons() {
            let answered = plan.selected().any(|item| {
                catalog
                    .get(&item.id)
                    .is_some_and(|b| b.meta.when.reasons.contains(reason))
            });
            if !answered {
                self.error(
                    "denial.reasons",
                    format!(
                        "no argument in the letter answers the reason `{}` ({})",
                        reason.id(),
                        reason.describe()
                    ),
                    &reason_hint(*reason),
                );
            }
        }
        if case.service_timing() == Some(ServiceTiming::PostService)
            && case
                .request
                .dates
                .as_ref()
                .is_none_or(|d| d.0.iter().all(|x| x.trim().is_empty()))
        {
            self.error(
                "request.dates",
                "the care was already received, but the case does not say when".into(),
                "give the date of service in `request.dates`, so the letter can ask the plan to pay the claim for that date",
            );
        }
    }

    /// Whether the letter can be signed and delivered.
    fn sending(&mut self, kind: LetterKind) {
        let case = self.case;
        if case.voice_for(kind) == Voice::Representative {
            let enclosed = case.enclosures.iter().any(|e| {
                let t = e.title.to_lowercase();
                [
                    "authoriz",
                    "authoris",
                    "representative",
                    "power of attorney",
                    "appointment",
                ]
                .iter()
                .any(|w| t.contains(w))
            });
            if !enclosed {
                self.warn(
                    "enclosures",
                    format!(
                        "a representative's letter should enclose {}'s written authorization for you to act for them",
                        case.patient.name
                    ),
                    "add [[enclosures]] with title = \"Authorization to act as representative\" (plans often have their own form)",
                );
            }
        }
        if case.voice_for(kind) == Voice::Provider && case.sender.npi.is_none() {
            self.error(
                "sender.npi",
                "a provider's letter should carry the provider's NPI".into(),
                "add `npi` under [sender], as on the NPPES registry",
            );
        }
        if case.recipient.fax.is_none() && case.recipient.address.is_empty() {
            self.error(
                "recipient",
                "there is no fax number or postal address to send the letter to".into(),
                "add `fax` or `address` under [recipient], from the denial notice",
            );
        }
    }

    /// Complaints and next-level requests: an addressee without a verified address, and the
    /// facts the next level counts from.
    fn escalation(&mut self, kind: LetterKind, letter: &Letter) {
        let Some(e) = &letter.context.escalation else {
            return;
        };
        if let Some(name) = &e.look_up {
            self.warn(
                "",
                format!("no verified address for {name} is on file, so the letter is addressed by name only"),
                "look up where to send it on the agency's own website or on the notice you received, add it to the letter, and check it",
            );
        }
        let Some(request) = e.request.as_ref().filter(|_| kind == LetterKind::ExternalReview) else {
            return;
        };
        let decided = self.case.appeal.as_ref().and_then(|a| a.decision).is_some();
        if !request.automatic && !decided {
            self.warn(
                "appeal.decision",
                "the case does not give the date of the plan's final decision on the internal appeal, so the letter and the deadline to ask count from the denial notice".into(),
                "add `[appeal] decision = YYYY-MM-DD`, the date on the plan's final decision; if the plan has not decided, this next level may not be open yet",
            );
        }
        if request.conditional {
            self.warn(
                "plan.grandfathered",
                format!(
                    "this review applies only to plans that are not grandfathered ({}), and the case does not say whether the plan is",
                    request.citation
                ),
                "check the plan's benefit materials and set `grandfathered` under [plan]",
            );
        }
    }

    /// Citations that need the user's check.
    fn citations(&mut self, plan: &Plan, library: &Library) {
        for item in &plan.blocks {
            for key in &item.citations {
                if let Some(r) = library.get(key)
                    && let Verification::Unverified { note } = &r.verification
                {
                    self.error(
                        "",
                        format!(
                            "the argument {} cites unverified reference {key} ({note})",
                            item.id
                        ),
                        "check the reference against its source, or leave out --allow-unverified",
                    );
                }
            }
        }
    }

    /// Facts the letter could state more strongly if the case said so.
    fn facts_to_confirm(&mut self, plan: &Plan) {
        let case = self.case;
        if case.plan.grandfathered.is_none()
            && matches!(
                case.plan.regulation,
                Some(Regulation::Erisa | Regulation::AcaIndividual)
            )
        {
            self.warn(
                "plan",
                "the case does not say whether the plan is grandfathered, so the letter states the rights that depend on it (external review, new evidence in advance) only conditionally".into(),
                "set `grandfathered = false` (or `true`) under [plan]; the next-steps sheet says how to find out",
            );
        }
        if let Some(r) = case.inferred_regulation() {
            self.warn(
                "plan.type",
                format!(
                    "the appeal rules are those of `{}`, inferred from the plan type; the letter's rights and deadlines depend on it",
                    r.id()
                ),
                "confirm it from the denial notice or plan document and set `regulation` under [plan] (a Medicaid plan you are not enrolled in through a managed care company is not `medicaid-managed-care`)",
            );
        }
        let selected = |id: &str| plan.selected().any(|i| i.id == id);
        if selected("network-adequacy") {
            for (i, a) in case.network_attempts.iter().enumerate() {
                if a.could_provide.is_none() {
                    self.warn(
                        &format!("network_attempts.{i}"),
                        format!(
                            "the case does not say whether {} could provide the care, so the letter does not say the network cannot meet the need",
                            a.provider.as_deref().unwrap_or("this provider")
                        ),
                        "add `could_provide = false` if it could not (or `true` if it could)",
                    );
                }
            }
        }
        if selected("guideline-concordance") {
            for (i, g) in case.guidelines.iter().enumerate() {
                if g.supports_request.is_none() {
                    self.warn(
                        &format!("guidelines.{i}"),
                        format!(
                            "the case does not say whether this {} guideline recommends the requested care, so the letter quotes it without saying so",
                            g.body.as_deref().unwrap_or("published")
                        ),
                        "add `supports_request = true` if its recommendation covers the requested care",
                    );
                }
            }
        }
        let dx = format!(
            "{} {}",
            case.diagnosis.condition,
            case.diagnosis.histology.as_deref().unwrap_or_default()
        )
        .to_lowercase();
        if dx.contains("sarcoma") && case.sarcoma_type().is_none() && !dx.contains("carcinosarcoma") {
            self.warn(
                "diagnosis",
                "the case does not say which kind of sarcoma this is, so the letter cites no sarcoma studies: evidence for soft-tissue sarcoma, bone sarcoma and GIST is kept apart".into(),
                "set `sarcoma_type` under [diagnosis] to \"soft-tissue\", \"bone\" or \"gist\"",
            );
        }
    }
}

impl Checker<'_> {
    /// What payers' prior-authorization checklists ask for, named item by item when a request
    /// before any decision lacks it (warnings: the plan may ask for it and the clock waits).
    fn prior_authorization(&mut self) {
        let case = self.case;
        let blank = |v: Option<&str>| v.is_none_or(|s| s.trim().is_empty());
        let mut missing: Vec<(String, &str)> = Vec::new();
        if blank(case.patient.height.as_deref()) || blank(case.patient.weight.as_deref()) {
            missing.push((
                "patient".into(),
                "the patient's height and weight (`height`, `weight`)",
            ));
        }
        if case.diagnosis.stage.as_ref().is_none_or(|s| s.0.is_empty()) {
            missing.push(("diagnosis".into(), "the stage, or T, N and M (`stage`)"));
        }
        if blank(case.diagnosis.histology.as_deref()) {
            missing.push(("diagnosis".into(), "the histology (`histology`)"));
        }
        if blank(case.diagnosis.performance_status.as_deref()) {
            missing.push((
                "diagnosis".into(),
                "the performance status, ECOG or Karnofsky (`performance_status`)",
            ));
        }
        if blank(case.request.setting.as_deref()) {
            missing.push(("request".into(), "the place of service (`setting`)"));
        }
        if !case.request.regimen.is_empty() && blank(case.request.line_of_therapy.as_deref()) {
            missing.push(("request".into(), "the line of treatment (`line_of_therapy`)"));
        }
        for (i, d) in case.request.regimen.iter().enumerate() {
            if d.dose.is_none() || d.cycle.is_none() || d.cycles.is_none() {
                missing.push((
                    format!("request.regimen.{i}"),
                    "each drug's dose, cycle length and number of cycles (`dose`, `cycle`, `cycles`)",
                ));
            }
        }
        if let Some(r) = &case.radiation {
            for (present, what) in [
                (r.technique.is_some(), "the radiation technique (`technique`)"),
                (r.facility.is_some(), "the treating facility (`facility`)"),
                (r.total_dose.is_some(), "the total dose (`total_dose`)"),
                (r.fractions.is_some(), "the number of fractions (`fractions`)"),
                (
                    r.goal.is_some(),
                    "the goal of treatment, curative or palliative (`goal`)",
                ),
            ] {
                if !present {
                    missing.push(("radiation".into(), what));
                }
            }
            let advanced = matches!(
                r.technique,
                Some(crate::case::RadiationTechnique::Imrt | crate::case::RadiationTechnique::Proton)
            );
            if advanced && r.plan_comparison != Some(true) {
                missing.push((
                    "radiation".into(),
                    "a 3D-conformal versus IMRT (or proton) plan comparison, enclosed (`plan_comparison = true`)",
                ));
            }
        }
        for (field, what) in missing {
            self.warn(
                &field,
                format!("prior-authorization requests usually give {what}"),
                "add it if you have it; a plan that must ask for it may stop its clock until it arrives",
            );
        }
    }
}

/// Whether a deadline is today or within [`SOON_DAYS`].
fn soon(status: Status) -> bool {
    match status {
        Status::Today => true,
        Status::Upcoming { days_left } => days_left <= SOON_DAYS,
        _ => false,
    }
}

/// The first dotted path in an `unlock` or `needs` entry (`one of a, b` → `a`; `a|b` → `a`).
fn first_path(fact: &str) -> String {
    let fact = fact.strip_prefix("one of ").unwrap_or(fact);
    fact.split([',', '|']).next().unwrap_or(fact).trim().to_string()
}

/// How to add a fact, in the case file's own words.
fn how_to_add(fact: &str) -> String {
    if let Some(list) = fact.strip_prefix("one of ") {
        return if list.contains(',') {
            format!("one of {list}")
        } else {
            format!("`{list}`")
        };
    }
    match fact {
        "network_attempts" => "[[network_attempts]] (the in-network providers tried)".into(),
        "guidelines" => "[[guidelines]] (the guideline and its recommendation)".into(),
        "treatments" => "[[treatments]]".into(),
        "enclosures" => "[[enclosures]]".into(),
        other => format!("`{other}`"),
    }
}

/// What kind of argument answers a denial reason, for the hint when none does.
fn reason_hint(reason: DenialReason) -> String {
    let what = match reason {
        DenialReason::OutOfNetwork => {
            "add [[network_attempts]] or `care.since`, so the network and continuity arguments can answer it"
        }
        DenialReason::NotMedicallyNecessary => {
            "add [[guidelines]], [[treatments]] or the diagnosis details the medical-necessity arguments need"
        }
        DenialReason::ExperimentalInvestigational => "add [[guidelines]] that recommend the care",
        DenialReason::NonPreferredDrug | DenialReason::StepTherapy => {
            "add [[treatments]] with their status (failed, intolerant, contraindicated, ongoing)"
        }
        _ => {
            "answer it in your own words before sending, or include an argument with [arguments] include; `appeal explain` lists them"
        }
    };
    what.to_string()
}
