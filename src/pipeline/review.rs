//! Everything a front end shows beside a draft: the letter, what `check` finds, what `explain`
//! says and the deadlines, from one run of the pipeline.
//!
//! `appeal check`, `appeal explain` and `appeal deadlines` each print one of these reports; a
//! front end that shows them side by side (`appeal serve`) asks for all of them at once with
//! [`Workspace::review`].

use jiff::civil::Date;

use crate::case::{Case, KindError, LetterKind};
use crate::check::Report;
use crate::explain::Explanation;
use crate::rules::{DeadlineReport, Deadlines, Rules};
use crate::workspace::{Draft, DraftError, DraftOptions, Workspace};

/// One case drafted and reviewed.
#[derive(Debug)]
pub struct Review<'w> {
    /// The letter kind drafted.
    pub kind: LetterKind,
    /// The draft: plan, letter, Markdown.
    pub draft: Draft,
    /// What `appeal check` reports.
    pub check: Report,
    /// What `appeal explain` reports.
    pub explanation: Explanation,
    /// The rules for the case's regulation, when any are recorded.
    pub rules: Option<&'w Rules>,
    /// The case's deadlines under those rules.
    pub deadlines: Option<Deadlines>,
    /// Today, as the deadlines count it.
    pub today: Date,
}

/// Why a case could not be reviewed.
#[derive(Debug, thiserror::Error)]
pub enum ReviewError {
    /// The case cannot be written as the kind asked for.
    #[error(transparent)]
    Kind(#[from] KindError),
    /// Drafting failed.
    #[error(transparent)]
    Draft(#[from] DraftError),
}

impl Review<'_> {
    /// The deadlines as `appeal deadlines` reports them (`file` names the case).
    pub fn deadline_report<'a>(&'a self, file: &'a str) -> Option<DeadlineReport<'a>> {
        Some(self.deadlines.as_ref()?.report(file, self.rules?, self.today))
    }
}

impl Workspace {
    /// Drafts `case` as `options.plan.kind` (or its own kind) and runs `check`, `explain` and
    /// the deadlines on the draft.
    pub fn review(&self, case: &Case, options: DraftOptions) -> Result<Review<'_>, ReviewError> {
        let kind = options.plan.kind.unwrap_or(case.letter.kind);
        crate::escalation::can_write(case, kind, &self.rules)?;
        let draft = self.draft(case, options)?;
        let check = crate::check::check(
            case,
            &draft.plan,
            &draft.letter,
            &self.catalog,
            &self.library,
            options.today,
        );
        let explanation = Explanation::of(case, &draft);
        let rules = self.rules.get(case.regulation());
        let deadlines = rules.map(|r| crate::rules::deadlines_for(r, case, options.today));
        Ok(Review {
            kind,
            draft,
            check,
            explanation,
            rules,
            deadlines,
            today: options.today,
        })
    }
}
