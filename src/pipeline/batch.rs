//! A batch as a clinic runs it, again and again: which of a case's documents are already on
//! disk (`--skip-existing`), what each case needs next ([`Workspace::assess`]), and the
//! manifest, one row per case for a tracking sheet ([`Manifest`]).
//!
//! Rerunning a batch must never undo a person's work: a case whose documents are all present is
//! left alone, and a case with some present and some missing is refused rather than half
//! rewritten (see [`Presence`]). Only `--force` replaces files.

use std::path::{Path, PathBuf};

use serde::Serialize;

use crate::case::Case;
use crate::check::{Report, Severity};
use crate::rules::{Deadline, Status};
use crate::workspace::{DraftError, DraftOptions, Workspace};

/// Which of a case's output files are already there.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Presence {
    /// None: the case is written.
    Missing,
    /// All of them: with `--skip-existing` the case is left untouched.
    All,
    /// Some: the case is refused, so a hand-edited letter is never mixed with fresh documents
    /// it may contradict.
    Some {
        /// The files present, in output order.
        present: Vec<PathBuf>,
        /// The files missing, in output order.
        missing: Vec<PathBuf>,
    },
}

impl Presence {
    /// Looks at `files` (anything at a name counts, a dangling link or a folder included, as the
    /// no-clobber writer counts it).
    pub fn of(files: &[PathBuf]) -> Presence {
        let (present, missing): (Vec<PathBuf>, Vec<PathBuf>) = files
            .iter()
            .cloned()
            .partition(|f| std::fs::symlink_metadata(f).is_ok());
        if present.is_empty() {
            Presence::Missing
        } else if missing.is_empty() {
            Presence::All
        } else {
            Presence::Some { present, missing }
        }
    }
}

/// A case with some of its documents present and some missing, refused by `--skip-existing`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "{case}: some of its documents exist ({}) and some do not ({}); nothing was written for this case\n  hint: to keep the existing files, move them out of the folder and run the batch again (then copy your edits over), or pass --force instead of --skip-existing to replace them all",
    list(.present),
    list(.missing)
)]
pub struct PartlyPresent {
    /// The case file.
    pub case: String,
    /// The files present.
    pub present: Vec<PathBuf>,
    /// The files missing.
    pub missing: Vec<PathBuf>,
}

fn list(files: &[PathBuf]) -> String {
    files
        .iter()
        .map(|f| f.display().to_string())
        .collect::<Vec<_>>()
        .join(", ")
}

/// What a case needs next, for the manifest: `check`'s report on its own letter and its filing
/// deadline.
#[derive(Debug, Clone)]
pub struct Assessment {
    /// `appeal check` on the case's letter.
    pub report: Report,
    /// The deadline to file the case's letter, when the rules give one.
    pub filing: Option<Deadline>,
}

impl Workspace {
    /// Drafts the case's own letter (or `options.plan.kind`) and checks it, as `appeal check`
    /// does, and finds its filing deadline.
    pub fn assess(&self, case: &Case, options: DraftOptions) -> Result<Assessment, DraftError> {
        let draft = self.draft(case, options)?;
        let report = crate::check::check(
            case,
            &draft.plan,
            &draft.letter,
            &self.catalog,
            &self.library,
            options.today,
        );
        let filing = draft
            .letter
            .deadlines
            .and_then(|d| d.items.into_iter().find(|d| is_filing(&d.id)));
        Ok(Assessment { report, filing })
    }
}

/// Whether a deadline id is a deadline to file something (`file-internal-appeal`,
/// `external-review-file`, `next-level-file`), not a date the plan owes.
fn is_filing(id: &str) -> bool {
    id.starts_with("file-") || id.ends_with("-file")
}

/// What happened to one case of a batch.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum CaseStatus {
    /// Its documents were written.
    Written,
    /// Its documents were all present and left untouched (`--skip-existing`).
    Skipped,
    /// Nothing was written; `error` says why.
    Failed,
}

impl CaseStatus {
    /// The word in the manifest.
    pub fn as_str(self) -> &'static str {
        match self {
            CaseStatus::Written => "written",
            CaseStatus::Skipped => "skipped",
            CaseStatus::Failed => "failed",
        }
    }
}

/// The filing deadline as the manifest shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FilingDeadline {
    /// What to file, e.g. `File your internal appeal`.
    pub label: String,
    /// `YYYY-MM-DD`, or `None` when no verified figure gives one.
    pub date: Option<String>,
    /// `upcoming`, `today`, `passed`, `met` or `unknown`.
    pub status: &'static str,
    /// Where the rule is written.
    pub citation: String,
}

impl From<&Deadline> for FilingDeadline {
    fn from(d: &Deadline) -> FilingDeadline {
        FilingDeadline {
            label: d.label.clone(),
            date: d.date.map(|d| d.to_string()),
            status: match d.status {
                Status::Upcoming { .. } => "upcoming",
                Status::Today => "today",
                Status::Passed { .. } => "passed",
                Status::Done => "met",
                Status::Unknown => "unknown",
            },
            citation: d.citation.clone(),
        }
    }
}

/// One row of the manifest: one case.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ManifestRow {
    /// The case file, as named.
    pub case: String,
    /// Written, skipped or failed.
    pub status: CaseStatus,
    /// The case's documents: the files written, or for a skipped case the files already there.
    pub documents: Vec<String>,
    /// The filing deadline, when the case could be read and the rules give one.
    pub deadline: Option<FilingDeadline>,
    /// Whether `appeal check` finds the letter ready to send (no errors); `None` when the case
    /// could not be drafted.
    pub ready: Option<bool>,
    /// `appeal check`'s errors; `None` when the case could not be drafted.
    pub errors: Option<usize>,
    /// `appeal check`'s warnings; `None` when the case could not be drafted.
    pub warnings: Option<usize>,
    /// The first problem `appeal check` reports, on one line.
    pub first_problem: Option<String>,
    /// Why the case failed, on one line.
    pub error: Option<String>,
}

impl ManifestRow {
    /// A row for `case` with `status` and `documents`, filled in from `assessment` when there
    /// is one.
    pub fn new(
        case: &Path,
        status: CaseStatus,
        documents: &[PathBuf],
        assessment: Option<&Assessment>,
        error: Option<&str>,
    ) -> ManifestRow {
        let report = assessment.map(|a| &a.report);
        let count = |severity| report.map(|r| r.problems.iter().filter(|p| p.severity == severity).count());
        ManifestRow {
            case: case.display().to_string(),
            status,
            documents: documents.iter().map(|d| d.display().to_string()).collect(),
            deadline: assessment
                .and_then(|a| a.filing.as_ref())
                .map(FilingDeadline::from),
            ready: report.map(Report::is_ready),
            errors: count(Severity::Error),
            warnings: count(Severity::Warning),
            first_problem: report
                .and_then(|r| r.errors().next().or_else(|| r.warnings().next()))
                .map(|p| one_line(&p.to_string())),
            error: error.map(one_line),
        }
    }
}

/// `text` on one line: its lines joined with " / ", hints included.
fn one_line(text: &str) -> String {
    text.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .collect::<Vec<_>>()
        .join(" / ")
}

/// The manifest of a batch: one row per case, in the order the cases were given.
///
/// [`Manifest::to_csv`] writes a spreadsheet (a header row, then one row per case; a list of
/// documents is joined with `; `); [`Manifest::to_json`] the same as JSON
/// (`{"format": 1, "kind": "appeal-batch-manifest", "cases": [...]}`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Manifest {
    /// The format version.
    pub format: u32,
    /// Always `appeal-batch-manifest`: how a rerun knows it may replace the file.
    pub kind: &'static str,
    /// The cases.
    pub cases: Vec<ManifestRow>,
}

/// The CSV header row.
pub const CSV_HEADER: [&str; 12] = [
    "case",
    "status",
    "documents",
    "deadline",
    "deadline_date",
    "deadline_status",
    "deadline_citation",
    "ready",
    "errors",
    "warnings",
    "first_problem",
    "error",
];

/// The manifest's `kind`.
pub const MANIFEST_KIND: &str = "appeal-batch-manifest";

/// A manifest file's format, chosen by its extension.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ManifestFormat {
    /// `.json`.
    Json,
    /// Anything else (`.csv`).
    Csv,
}

impl ManifestFormat {
    /// `.json` (any case) is JSON; anything else CSV.
    pub fn of(path: &Path) -> ManifestFormat {
        match path.extension() {
            Some(x) if x.eq_ignore_ascii_case("json") => ManifestFormat::Json,
            _ => ManifestFormat::Csv,
        }
    }
}

impl Manifest {
    /// An empty manifest.
    pub fn new(cases: Vec<ManifestRow>) -> Manifest {
        Manifest {
            format: 1,
            kind: MANIFEST_KIND,
            cases,
        }
    }

    /// The manifest in `format`.
    pub fn to_bytes(&self, format: ManifestFormat) -> Vec<u8> {
        match format {
            ManifestFormat::Json => self.to_json().into_bytes(),
            ManifestFormat::Csv => self.to_csv(),
        }
    }

    /// The manifest as JSON, pretty-printed.
    pub fn to_json(&self) -> String {
        let mut json = serde_json::to_string_pretty(self).unwrap_or_default();
        json.push('\n');
        json
    }

    /// The manifest as CSV (RFC 4180 quoting by the `csv` crate).
    pub fn to_csv(&self) -> Vec<u8> {
        let mut writer = csv::Writer::from_writer(Vec::new());
        // Writing to memory cannot fail; a failed row would only be missing.
        let _ = writer.write_record(CSV_HEADER);
        for row in &self.cases {
            let deadline = row.deadline.as_ref();
            let _ = writer.write_record([
                row.case.as_str(),
                row.status.as_str(),
                &row.documents.join("; "),
                deadline.map_or("", |d| d.label.as_str()),
                deadline.and_then(|d| d.date.as_deref()).unwrap_or(""),
                deadline.map_or("", |d| d.status),
                deadline.map_or("", |d| d.citation.as_str()),
                match row.ready {
                    Some(true) => "yes",
                    Some(false) => "no",
                    None => "",
                },
                &row.errors.map_or(String::new(), |n| n.to_string()),
                &row.warnings.map_or(String::new(), |n| n.to_string()),
                row.first_problem.as_deref().unwrap_or(""),
                row.error.as_deref().unwrap_or(""),
            ]);
        }
        writer.into_inner().unwrap_or_default()
    }

    /// Whether `bytes` (the start of an existing file) is a manifest `appeal batch` wrote, which
    /// a rerun may replace without `--force`.
    pub fn is_manifest(bytes: &[u8]) -> bool {
        let text = String::from_utf8_lossy(bytes);
        let csv_header = CSV_HEADER.join(",");
        text.lines().next() == Some(csv_header.as_str())
            || (text.trim_start().starts_with('{')
                && text.contains(&format!("\"kind\": \"{MANIFEST_KIND}\"")))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(status: CaseStatus) -> ManifestRow {
        ManifestRow {
            case: "cases/a, \"b\".toml".into(),
            status,
            documents: vec!["out/a.md".into(), "out/a.pdf".into()],
            deadline: Some(FilingDeadline {
                label: "File your internal appeal".into(),
                date: Some("2027-05-01".into()),
                status: "upcoming",
                citation: "29 CFR 2560.503-1(h)(3)(i)".into(),
            }),
            ready: Some(false),
            errors: Some(1),
            warnings: Some(2),
            first_problem: Some("denial.date: missing".into()),
            error: None,
        }
    }

    #[test]
    fn csv_quotes_commas_and_quotes_and_reads_back() {
        let manifest = Manifest::new(vec![row(CaseStatus::Written)]);
        let bytes = manifest.to_csv();
        assert!(Manifest::is_manifest(&bytes));
        let mut reader = csv::Reader::from_reader(bytes.as_slice());
        let header: Vec<String> = reader
            .headers()
            .expect("header")
            .iter()
            .map(String::from)
            .collect();
        assert_eq!(header, CSV_HEADER);
        let rows: Vec<csv::StringRecord> = reader.records().map(|r| r.expect("row")).collect();
        assert_eq!(rows.len(), 1);
        assert_eq!(&rows[0][0], "cases/a, \"b\".toml");
        assert_eq!(&rows[0][2], "out/a.md; out/a.pdf");
        assert_eq!(&rows[0][6], "29 CFR 2560.503-1(h)(3)(i)");
        assert_eq!(&rows[0][7], "no");
    }

    #[test]
    fn json_is_recognised_as_a_manifest() {
        let json = Manifest::new(vec![row(CaseStatus::Skipped)]).to_json();
        assert!(Manifest::is_manifest(json.as_bytes()));
        assert!(!Manifest::is_manifest(b"{\"format\": 1}"));
        assert!(!Manifest::is_manifest(b"+++\ntitle = \"Appeal\"\n+++\n"));
        assert_eq!(ManifestFormat::of(Path::new("x.JSON")), ManifestFormat::Json);
        assert_eq!(ManifestFormat::of(Path::new("x.csv")), ManifestFormat::Csv);
    }

    #[test]
    fn one_line_joins_message_and_hint() {
        assert_eq!(one_line("a: bad\n  hint: fix it\n"), "a: bad / hint: fix it");
    }
}
