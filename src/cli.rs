//! The command line: arguments as typed, and the commands that act on them.
//!
//! This is the only module (with `main.rs`) that reads the environment, writes files and prints.
//! Every command returns an exit code: 0 success, 1 `check` (or `refs check`) found problems,
//! 2 usage or input error.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Mutex, OnceLock};

use clap::{Args, Parser, Subcommand, ValueEnum};
use jiff::civil::Date;
use rayon::prelude::*;

use crate::case::{Case, LetterKind, Voice};
use crate::output::{self, OutputError};
use crate::plan::PlanOptions;
use crate::render::pdf::{Paper, PdfOptions};
use crate::workspace::{DraftOptions, Sources, Workspace, read_case};

const DRAFT_NOTE: &str =
    "note: appeal drafts; you decide. Read every sentence, fact and citation before you sign and send.";

/// Drafts health-insurance appeal letters and letters of medical necessity, offline.
///
/// Each sentence rests on a fact from your case file or a cited source; every deadline carries
/// its rule's citation. The letters are drafts: the signer checks and decides.
#[derive(Debug, Parser)]
#[command(name = "appeal", version, about, long_about = None, max_term_width = 100)]
pub struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Render letters from case files to Markdown and PDF.
    Render(RenderArgs),
    /// Show every argument block: used or skipped, why, missing facts, citations.
    Explain(ExplainArgs),
    /// Exit 0 when the letter is ready to send; otherwise list every problem and exit 1.
    Check(CheckArgs),
    /// Typeset a (hand-edited) letter Markdown file as PDF.
    Pdf(PdfArgs),
    /// Render many cases in parallel, keep going past bad ones, and summarise.
    Batch(BatchArgs),
    /// The deadlines that apply to a case, each with the rule it comes from.
    Deadlines(DeadlinesArgs),
    /// Work with the reference library: list, show, search, tags, check, styles.
    #[command(subcommand)]
    Refs(RefsCommand),
}

/// `appeal refs …`.
#[derive(Debug, Subcommand)]
enum RefsCommand {
    /// List references, optionally only those with a tag.
    List {
        /// Only entries with this `keywords` tag.
        #[arg(long)]
        tag: Option<String>,
        #[command(flatten)]
        libs: LibraryArgs,
    },
    /// Show one entry: its fields, status, tags and formatted citation.
    Show {
        /// The citation key.
        key: String,
        /// Citation style.
        #[arg(long, value_name = "NAME")]
        style: Option<String>,
        #[command(flatten)]
        libs: LibraryArgs,
    },
    /// Search titles, authors, journals, DOIs, PMIDs and tags.
    Search {
        /// Text to look for (case-insensitive).
        text: String,
        #[command(flatten)]
        libs: LibraryArgs,
    },
    /// Each tag with its count and the blocks that cite it.
    Tags {
        #[command(flatten)]
        libs: LibraryArgs,
    },
    /// Check .bib files (default: the bundled library); exit 1 if anything is wrong.
    Check {
        /// BibTeX files to check.
        #[arg(value_name = "FILE")]
        files: Vec<PathBuf>,
    },
    /// The citation styles available to --style.
    Styles,
}

#[derive(Debug, Args, Clone, Default)]
struct LibraryArgs {
    /// Add a BibTeX file to the bundled library (repeatable).
    #[arg(long = "library", value_name = "FILE")]
    libraries: Vec<PathBuf>,
}

#[derive(Debug, Args)]
struct DeadlinesArgs {
    /// Case file (TOML).
    #[arg(value_name = "CASE")]
    case: PathBuf,
    /// Print JSON.
    #[arg(long)]
    json: bool,
    /// Also write the dated deadlines as an iCalendar file, with reminders 7 and 2 days before.
    #[arg(long, value_name = "FILE")]
    ics: Option<PathBuf>,
    /// Replace an existing calendar file.
    #[arg(long)]
    force: bool,
    /// Folder of rules files (one REGULATION.toml each) overriding the bundled rules.
    #[arg(long, value_name = "DIR")]
    rules: Option<PathBuf>,
}

#[derive(Debug, Args)]
struct BatchArgs {
    /// Case files, or folders whose `*.toml` files are cases.
    #[arg(required = true, value_name = "DIR_OR_FILE")]
    inputs: Vec<PathBuf>,
    /// Output folder.
    #[arg(short, long, value_name = "DIR")]
    out: PathBuf,
    /// What to write.
    #[arg(long, value_enum, default_value_t = Format::Both)]
    format: Format,
    /// Replace existing output files.
    #[arg(long)]
    force: bool,
    /// Worker threads (default: one per core; at most one per case and 4 per core).
    #[arg(long, value_name = "N")]
    jobs: Option<usize>,
    #[command(flatten)]
    pdf: PdfFlags,
    #[command(flatten)]
    data: DataArgs,
}

/// Options shared by every command that drafts a letter.
#[derive(Debug, Args, Clone, Default)]
struct DataArgs {
    /// Add a BibTeX file to the reference library (repeatable).
    #[arg(long = "library", value_name = "FILE")]
    libraries: Vec<PathBuf>,
    /// Folder whose templates (letter.md, blocks/ID.md, …) override the bundled ones.
    #[arg(long, value_name = "DIR")]
    templates: Option<PathBuf>,
    /// Folder of rules files (one REGULATION.toml each) overriding the bundled rules.
    #[arg(long, value_name = "DIR")]
    rules: Option<PathBuf>,
    /// Citation style (any style `appeal refs styles` lists).
    #[arg(long, value_name = "NAME")]
    style: Option<String>,
    /// Cite references marked unverified (only after you have checked them).
    #[arg(long)]
    allow_unverified: bool,
    /// Write this kind of letter instead of the case's `letter.kind`.
    #[arg(long, value_name = "KIND")]
    kind: Option<LetterKind>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum Format {
    Md,
    Pdf,
    Both,
}

#[derive(Debug, Args)]
struct RenderArgs {
    /// Case files (TOML).
    #[arg(required = true, value_name = "CASE")]
    cases: Vec<PathBuf>,
    /// Output folder.
    #[arg(short, long, value_name = "DIR", default_value = ".")]
    out: PathBuf,
    /// What to write.
    #[arg(long, value_enum, default_value_t = Format::Both)]
    format: Format,
    /// Replace existing output files.
    #[arg(long)]
    force: bool,
    /// Write every letter that suits the case (e.g. appeal + provider letter + claim-file request).
    #[arg(long)]
    packet: bool,
    #[command(flatten)]
    pdf: PdfFlags,
    #[command(flatten)]
    data: DataArgs,
}

#[derive(Debug, Args, Clone)]
struct PdfFlags {
    /// Paper size.
    #[arg(long, value_name = "SIZE", default_value = "letter", value_parser = ["letter", "a4"])]
    paper: String,
    /// A TrueType font for characters the bundled font lacks.
    #[arg(long, value_name = "PATH")]
    font: Option<PathBuf>,
}

#[derive(Debug, Args)]
struct ExplainArgs {
    /// Case file (TOML).
    #[arg(value_name = "CASE")]
    case: PathBuf,
    /// Print JSON.
    #[arg(long)]
    json: bool,
    #[command(flatten)]
    data: DataArgs,
}

#[derive(Debug, Args)]
struct CheckArgs {
    /// Case file (TOML).
    #[arg(value_name = "CASE")]
    case: PathBuf,
    /// Print the report as JSON: every problem with its severity, field, file:line:col,
    /// message and hint.
    #[arg(long)]
    json: bool,
    #[command(flatten)]
    data: DataArgs,
}

#[derive(Debug, Args)]
struct PdfArgs {
    /// The letter in Markdown.
    #[arg(value_name = "LETTER.md")]
    markdown: PathBuf,
    /// Output file (default: the Markdown file with .pdf).
    #[arg(short, long, value_name = "FILE")]
    out: Option<PathBuf>,
    /// Replace an existing output file.
    #[arg(long)]
    force: bool,
    #[command(flatten)]
    pdf: PdfFlags,
}

/// A failure a command reports before exiting with code 2.
#[derive(Debug, thiserror::Error)]
pub enum CliError {
    /// Case file problem.
    #[error(transparent)]
    Case(#[from] crate::case::CaseError),
    /// Data problem.
    #[error(transparent)]
    Load(#[from] crate::workspace::LoadError),
    /// Drafting problem.
    #[error(transparent)]
    Draft(#[from] crate::workspace::DraftError),
    /// Typesetting problem.
    #[error(transparent)]
    Pdf(#[from] crate::render::pdf::PdfError),
    /// Typesetting problem in a letter drafted from a case (the Markdown was not written).
    #[error(
        "{case}: the drafted letter could not be typeset: {source}\n  hint: `--format md` writes the Markdown that the line and column refer to"
    )]
    Typeset {
        /// The case file.
        case: String,
        /// The typesetter's error.
        source: crate::render::pdf::PdfError,
    },
    /// Output problem.
    #[error(transparent)]
    Output(#[from] OutputError),
    /// A usage problem found after parsing.
    #[error("{0}")]
    Usage(String),
}

impl Cli {
    /// Runs the command, printing results; returns the exit code.
    pub fn run(self) -> Result<ExitCode, CliError> {
        match self.command {
            Command::Render(args) => render(args),
            Command::Explain(args) => explain(args),
            Command::Check(args) => check(args),
            Command::Pdf(args) => pdf_command(args),
            Command::Batch(args) => batch(args),
            Command::Deadlines(args) => deadlines(args),
            Command::Refs(cmd) => refs(cmd),
        }
    }
}

/// Today's date: `SOURCE_DATE_EPOCH` when set (reproducible builds), else the local clock.
pub fn today() -> Result<Date, CliError> {
    match std::env::var("SOURCE_DATE_EPOCH") {
        Ok(v) => {
            let secs: i64 = v.trim().parse().map_err(|_| {
                CliError::Usage(format!(
                    "SOURCE_DATE_EPOCH must be whole seconds since 1970, found \"{v}\""
                ))
            })?;
            let ts = jiff::Timestamp::from_second(secs)
                .map_err(|e| CliError::Usage(format!("SOURCE_DATE_EPOCH is out of range ({e})")))?;
            Ok(ts.to_zoned_datetime(jiff::tz::TimeZone::UTC).date())
        }
        Err(_) => Ok(jiff::Timestamp::now()
            .to_zoned_datetime(jiff::tz::TimeZone::system())
            .date()),
    }
}

impl DataArgs {
    fn sources(&self) -> Sources {
        Sources {
            templates: self.templates.clone(),
            libraries: self.libraries.clone(),
            rules: self.rules.clone(),
            style: self.style.clone(),
        }
    }

    fn options(&self) -> Result<DraftOptions, CliError> {
        Ok(DraftOptions {
            plan: PlanOptions {
                allow_unverified: self.allow_unverified,
                kind: self.kind,
            },
            today: today()?,
        })
    }
}

impl PdfFlags {
    fn options(&self, source_name: &str) -> Result<PdfOptions, CliError> {
        let fallback_font = match &self.font {
            Some(p) => Some(
                std::fs::read(p)
                    .map_err(|e| CliError::Usage(format!("{}: cannot read the font ({e})", p.display())))?,
            ),
            None => None,
        };
        Ok(PdfOptions {
            paper: if self.paper == "a4" {
                Paper::A4
            } else {
                Paper::Letter
            },
            fallback_font,
            source_name: source_name.to_string(),
        })
    }
}

/// Checks that the case can be written as `kind` (provider letters need a provider).
fn check_kind(case: &Case, path: &Path, kind: LetterKind) -> Result<(), CliError> {
    if case.voice_for(kind) == Voice::Provider && case.voice() != Voice::Provider {
        return Err(CliError::Usage(format!(
            "{}: a {kind} letter is written and signed by the treating provider, but this case's sender writes as the {}\n  hint: set `[letter] voice = \"provider\"` and put the provider in `[sender]`, or choose another --kind",
            path.display(),
            case.voice().id()
        )));
    }
    if case.is_request() && !matches!(kind, LetterKind::MedicalNecessity | LetterKind::PeerToPeerBrief) {
        return Err(CliError::Usage(format!(
            "{}: {} {kind} letter answers a decision, but the case has no [denial] table\n  hint: add [denial] with the notice's `date` and `reasons`, or choose --kind medical-necessity",
            path.display(),
            kind.article()
        )));
    }
    Ok(())
}

fn render(args: RenderArgs) -> Result<ExitCode, CliError> {
    let workspace = Workspace::load(&args.data.sources())?;
    let options = args.data.options()?;
    let mut written = Vec::new();
    let mut warnings = Vec::new();
    // Everything is drafted and typeset in memory first; files are written only when every
    // case succeeded, so a bad case never leaves half the outputs behind.
    // (case file, document name, Markdown), in output order.
    let mut documents: Vec<(&Path, String, String)> = Vec::new();
    for path in &args.cases {
        let case = read_case(path)?;
        let kinds = if args.packet {
            Workspace::packet_kinds(&case)
        } else {
            vec![args.data.kind.unwrap_or(case.letter.kind)]
        };
        let stem = output::stem(path);
        for kind in kinds {
            check_kind(&case, path, kind)?;
            let mut opts = options;
            opts.plan.kind = Some(kind);
            let draft = workspace.draft(&case, opts)?;
            let name = if args.packet && kind != case.letter.kind {
                format!("{stem}-{kind}")
            } else {
                stem.clone()
            };
            let problems = draft.plan.problems().count();
            if problems > 0 {
                warnings.push(format!(
                    "warning: {}: {problems} argument{} that appl{} could not be written; run `appeal check {}`",
                    path.display(),
                    if problems == 1 { "" } else { "s" },
                    if problems == 1 { "ies" } else { "y" },
                    path.display()
                ));
            }
            // The cover sheet goes with the case's own letter, once per case.
            let sheet = if kind == case.letter.kind && kind != LetterKind::PeerToPeerBrief {
                Some(
                    crate::render::markdown::next_steps(&draft.letter, &workspace.templates)
                        .map_err(crate::workspace::DraftError::from)?,
                )
            } else {
                None
            };
            documents.push((path, name, draft.markdown));
            if let Some(sheet) = sheet {
                documents.push((path, format!("{stem}-next-steps"), sheet));
            }
        }
    }
    // Two cases that would write one name are refused before anything is typeset or written.
    let names = |name: &str| -> Vec<PathBuf> {
        let mut v = Vec::new();
        if args.format != Format::Md {
            v.push(args.out.join(format!("{name}.pdf")));
        }
        if args.format != Format::Pdf {
            v.push(args.out.join(format!("{name}.md")));
        }
        v
    };
    // One claim per case as given (a case named twice clashes with itself).
    let mut claims: Vec<(&Path, Vec<PathBuf>)> = Vec::new();
    for (path, name, _) in &documents {
        match claims.last_mut() {
            Some((last, outputs)) if std::ptr::eq(*last, *path) => outputs.extend(names(name)),
            _ => claims.push((path, names(name))),
        }
    }
    if let Some(clash) = output::find_clashes(claims).into_iter().flatten().next() {
        return Err(OutputError::from(clash).into());
    }
    let inputs: Vec<&Path> = args
        .cases
        .iter()
        .chain(&args.data.libraries)
        .map(PathBuf::as_path)
        .collect();
    let targets: Vec<PathBuf> = documents.iter().flat_map(|(_, name, _)| names(name)).collect();
    output::refuse_inputs(targets.iter().map(PathBuf::as_path), &inputs)?;
    // Typeset every document at once (one per core); report the first failure in order.
    let pdfs: Vec<Option<Result<Vec<u8>, CliError>>> = documents
        .par_iter()
        .map(|(path, name, markdown)| {
            (args.format != Format::Md).then(|| {
                let options = args.pdf.options(&format!("{name}.md"))?;
                crate::render::pdf::pdf(markdown, &options).map_err(|source| CliError::Typeset {
                    case: path.display().to_string(),
                    source,
                })
            })
        })
        .collect();
    let mut outputs: Vec<(PathBuf, Vec<u8>)> = Vec::new();
    for ((_, name, markdown), pdf) in documents.into_iter().zip(pdfs) {
        if let Some(pdf) = pdf {
            outputs.push((args.out.join(format!("{name}.pdf")), pdf?));
        }
        if args.format != Format::Pdf {
            outputs.push((args.out.join(format!("{name}.md")), markdown.into_bytes()));
        }
    }
    output::write_all(&outputs, args.force)?;
    for (path, _) in &outputs {
        written.push(path.display().to_string());
    }
    let mut stdout = std::io::stdout().lock();
    for w in &written {
        let _ = writeln!(stdout, "wrote {w}");
    }
    for w in &warnings {
        eprintln!("{w}");
    }
    eprintln!("{DRAFT_NOTE}");
    Ok(ExitCode::SUCCESS)
}

fn explain(args: ExplainArgs) -> Result<ExitCode, CliError> {
    let workspace = Workspace::load(&args.data.sources())?;
    let case = read_case(&args.case)?;
    let kind = args.data.kind.unwrap_or(case.letter.kind);
    check_kind(&case, &args.case, kind)?;
    let draft = workspace.draft(&case, args.data.options()?)?;
    let order: Vec<&str> = draft.letter.references.iter().map(|r| r.key.as_str()).collect();
    let mut out = std::io::stdout().lock();
    if args.json {
        let value = serde_json::json!({
            "format": 1,
            "kind": draft.plan.kind.id(),
            "regulation": {
                "id": case.regulation().id(),
                "inferred": case.inferred_regulation().is_some(),
            },
            "voice": case.voice_for(kind).id(),
            "blocks": draft.plan.blocks,
            "citations": order,
        });
        let _ = writeln!(
            out,
            "{}",
            serde_json::to_string_pretty(&value).unwrap_or_default()
        );
        return Ok(ExitCode::SUCCESS);
    }
    let _ = writeln!(
        out,
        "{}: {} letter in the {}'s voice",
        args.case.display(),
        draft.plan.kind,
        case.voice_for(kind).id()
    );
    let _ = writeln!(
        out,
        "{}: {}",
        if case.is_request() {
            "a request before any decision; the letter answers"
        } else {
            "denial reasons"
        },
        case.reasons()
            .iter()
            .map(|r| r.id())
            .collect::<Vec<_>>()
            .join(", ")
    );
    if let Some(r) = case.inferred_regulation() {
        let _ = writeln!(
            out,
            "plan regulation: {} (inferred from plan.type; set plan.regulation to change it)",
            r.id()
        );
    }
    let _ = writeln!(out);
    for item in &draft.plan.blocks {
        let mark = if item.selected {
            "used   "
        } else if item.problem {
            "MISSING"
        } else {
            "skipped"
        };
        let _ = writeln!(out, "{mark} {:<30} {}", item.id, item.reason);
        if let Some(o) = item.override_ {
            let _ = writeln!(out, "        {:<30} (your [arguments] {o} changed this)", "");
        }
        if item.selected && !item.citations.is_empty() {
            let _ = writeln!(out, "        {:<30} cites {}", "", item.citations.join(", "));
        }
        if !item.unlock.is_empty() {
            let _ = writeln!(
                out,
                "        {:<30} would apply with {}",
                "",
                item.unlock.join(" and ")
            );
        }
    }
    let _ = writeln!(out);
    if order.is_empty() {
        let _ = writeln!(out, "citations: none");
    } else {
        let _ = writeln!(out, "citations, in order: {}", order.join(", "));
    }
    Ok(ExitCode::SUCCESS)
}

fn check(args: CheckArgs) -> Result<ExitCode, CliError> {
    let workspace = Workspace::load(&args.data.sources())?;
    let case = read_case(&args.case)?;
    let kind = args.data.kind.unwrap_or(case.letter.kind);
    check_kind(&case, &args.case, kind)?;
    let options = args.data.options()?;
    let draft = workspace.draft(&case, options)?;
    let report = crate::check::check(
        &case,
        &draft.plan,
        &draft.letter,
        &workspace.catalog,
        &workspace.library,
        options.today,
    );
    let mut out = std::io::stdout().lock();
    let code = if report.is_ready() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    };
    if args.json {
        let value = serde_json::json!({
            "format": 1,
            "ready": report.is_ready(),
            "problems": report.problems,
        });
        let _ = writeln!(
            out,
            "{}",
            serde_json::to_string_pretty(&value).unwrap_or_default()
        );
        return Ok(code);
    }
    let errors: Vec<_> = report.errors().collect();
    let warnings: Vec<_> = report.warnings().collect();
    if errors.is_empty() {
        let _ = writeln!(
            out,
            "{}: ready to send ({} arguments, {} citations){}",
            args.case.display(),
            draft.letter.sections.len(),
            draft.letter.references.len(),
            if warnings.is_empty() {
                ""
            } else {
                "; read the warnings below first"
            }
        );
    } else {
        let _ = writeln!(
            out,
            "{}: {} problem{} to fix before sending:",
            args.case.display(),
            errors.len(),
            if errors.len() == 1 { "" } else { "s" }
        );
        for p in &errors {
            let _ = writeln!(out, "  - {p}");
        }
    }
    if !warnings.is_empty() {
        let _ = writeln!(out, "warnings:");
        for p in &warnings {
            let _ = writeln!(out, "  - {p}");
        }
    }
    let enclose: Vec<(&str, &String)> = draft
        .letter
        .sections
        .iter()
        .flat_map(|s| s.enclose.iter().map(move |e| (s.id.as_str(), e)))
        .collect();
    if !enclose.is_empty() {
        let _ = writeln!(out, "enclose with the letter:");
        for (block, what) in enclose {
            let _ = writeln!(out, "  - {what} (for {block})");
        }
    }
    Ok(code)
}

fn pdf_command(args: PdfArgs) -> Result<ExitCode, CliError> {
    let name = args.markdown.display().to_string();
    let text = crate::input::read_text(&args.markdown, crate::input::LETTER_LIMIT, "letter")
        .map_err(crate::workspace::LoadError::from)?;
    let file_name = args
        .markdown
        .file_name()
        .map(|f| f.to_string_lossy().to_string())
        .unwrap_or(name.clone());
    let out = args.out.unwrap_or_else(|| args.markdown.with_extension("pdf"));
    output::refuse_inputs([out.as_path()], &[args.markdown.as_path()])?;
    let pdf = crate::render::pdf::pdf(&text, &args.pdf.options(&file_name)?)?;
    output::write_all(&[(out.clone(), pdf)], args.force)?;
    println!("wrote {}", out.display());
    eprintln!("{DRAFT_NOTE}");
    Ok(ExitCode::SUCCESS)
}

/// The case files named by `inputs`: files as given, folders expanded to their `*.toml` entries
/// that are not folders (sorted, not recursive).
fn collect_cases(inputs: &[PathBuf]) -> Result<Vec<PathBuf>, CliError> {
    let mut cases = Vec::new();
    for input in inputs {
        if input.is_dir() {
            let rd = std::fs::read_dir(input)
                .map_err(|e| CliError::Usage(format!("{}: cannot read the folder ({e})", input.display())))?;
            // Every `*.toml` name that is not a folder is a case: a dangling link, a FIFO or an
            // unreadable file is reported as a failed case rather than skipped.
            let mut found = Vec::new();
            for entry in rd {
                let path = entry
                    .map_err(|e| {
                        CliError::Usage(format!("{}: cannot read the folder ({e})", input.display()))
                    })?
                    .path();
                if path.extension().is_some_and(|x| x == "toml") && !path.is_dir() {
                    found.push(path);
                }
            }
            found.sort();
            cases.extend(found);
        } else {
            cases.push(input.clone());
        }
    }
    if cases.is_empty() {
        return Err(CliError::Usage(
            "no case files found; name .toml files or folders that hold them".into(),
        ));
    }
    Ok(cases)
}

fn batch(args: BatchArgs) -> Result<ExitCode, CliError> {
    let workspace = Workspace::load(&args.data.sources())?;
    let options = args.data.options()?;
    let cases = collect_cases(&args.inputs)?;
    let pdf_options = args.pdf.options("letter.md")?;
    let jobs = worker_threads(args.jobs, cases.len());
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(jobs)
        .build()
        .map_err(|e| CliError::Usage(format!("cannot start {jobs} worker threads ({e})")))?;
    let bar = indicatif::ProgressBar::new(cases.len() as u64);
    bar.set_style(
        indicatif::ProgressStyle::with_template("{bar:40} {pos}/{len} letters {elapsed}")
            .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
    );
    // Two cases that would write the same output: the later ones fail, before anything is
    // written.
    let outputs_of = |stem: &str| -> Vec<PathBuf> {
        let mut v = Vec::new();
        if args.format != Format::Pdf {
            v.push(args.out.join(format!("{stem}.md")));
        }
        if args.format != Format::Md {
            v.push(args.out.join(format!("{stem}.pdf")));
        }
        v
    };
    let clashes = output::find_clashes(cases.iter().map(|p| (p.as_path(), outputs_of(&output::stem(p)))));
    let stems: Vec<Result<String, String>> = cases
        .iter()
        .zip(clashes)
        .map(|(p, clash)| match clash {
            Some(clash) => Err(OutputError::from(clash).to_string()),
            None => Ok(output::stem(p)),
        })
        .collect();
    let writer = output::Writer::new(args.force);
    // Set when there is no room to write: no further case is drafted or written.
    let full = AtomicBool::new(false);
    // Workers draft and typeset; writer threads take finished cases from a short queue and
    // write them. A writer mostly waits for the disk to confirm a flush, and the filesystem
    // commits flushes that arrive together at once, so many writers keep both the cores and
    // the disk busy (one flush at a time took about 5 ms here; eight at a time, under 1 ms each).
    let outcomes: Vec<OnceLock<Result<usize, Failure>>> = cases.iter().map(|_| OnceLock::new()).collect();
    let (queue, waiting) = std::sync::mpsc::sync_channel::<(usize, Vec<(PathBuf, Vec<u8>)>)>(WRITE_QUEUE);
    let waiting = Mutex::new(waiting);
    std::thread::scope(|scope| {
        for _ in 0..WRITERS {
            scope.spawn(|| {
                loop {
                    // The lock only hands out the next case; writing happens outside it.
                    let next = waiting
                        .lock()
                        .map_err(|_| ())
                        .and_then(|rx| rx.recv().map_err(|_| ()));
                    let Ok((index, files)) = next else { break };
                    let written = if full.load(Ordering::Relaxed) {
                        Err(Failure::NoRoom)
                    } else {
                        writer
                            .write_all_serially(&files)
                            .map(|()| files.len())
                            .map_err(|e| {
                                if e.is_out_of_room() {
                                    full.store(true, Ordering::Relaxed);
                                }
                                Failure::Error(format!("{}: {e}", cases[index].display()))
                            })
                    };
                    let _ = outcomes[index].set(written);
                    bar.inc(1);
                }
            });
        }
        pool.install(|| {
            cases.par_iter().zip(stems.par_iter()).enumerate().for_each_with(
                queue,
                |queue, (index, (path, stem))| {
                    if full.load(Ordering::Relaxed) {
                        let _ = outcomes[index].set(Err(Failure::NoRoom));
                        bar.inc(1);
                        return;
                    }
                    let drafted = stem.clone().and_then(|stem| {
                        draft_one(&workspace, path, &stem, &args, options, &pdf_options)
                            .map_err(|e| e.to_string())
                    });
                    match drafted {
                        Ok(files) => {
                            if let Err(unsent) = queue.send((index, files)) {
                                let _ = outcomes[unsent.0.0].set(Err(Failure::Error(format!(
                                    "{}: was drafted but not written (the writer threads stopped); run the batch again",
                                    path.display()
                                ))));
                                bar.inc(1);
                            }
                        }
                        Err(e) => {
                            let _ = outcomes[index].set(Err(Failure::Error(e)));
                            bar.inc(1);
                        }
                    }
                },
            );
        });
        // Every sender is dropped here, so the writers drain the queue and stop.
    });
    bar.finish_and_clear();
    let results: Vec<Result<usize, Failure>> = outcomes
        .into_iter()
        .zip(&cases)
        .map(|(o, path)| {
            o.into_inner().unwrap_or_else(|| {
                Err(Failure::Error(format!(
                    "{}: was not rendered; run the batch again",
                    path.display()
                )))
            })
        })
        .collect();
    let failed: Vec<&String> = results
        .iter()
        .filter_map(|r| match r {
            Err(Failure::Error(e)) => Some(e),
            _ => None,
        })
        .collect();
    let skipped = results
        .iter()
        .filter(|r| matches!(r, Err(Failure::NoRoom)))
        .count();
    let files: usize = results.iter().filter_map(|r| r.as_ref().ok()).sum();
    let mut out = std::io::stdout().lock();
    let _ = writeln!(
        out,
        "rendered {} of {} cases ({files} files in {})",
        cases.len() - failed.len() - skipped,
        cases.len(),
        args.out.display()
    );
    if !failed.is_empty() {
        let _ = writeln!(out, "failed {}:", failed.len());
        for f in &failed {
            for (i, line) in f.lines().enumerate() {
                let _ = writeln!(out, "{}{line}", if i == 0 { "  - " } else { "    " });
            }
        }
    }
    if skipped > 0 {
        let _ = writeln!(
            out,
            "stopped: no room to write (the disk is full, or a quota or file size limit was reached), so {skipped} more case{} {} not rendered\n  hint: free some space, then run the batch again on the cases not written",
            if skipped == 1 { "" } else { "s" },
            if skipped == 1 { "was" } else { "were" }
        );
    }
    eprintln!("{DRAFT_NOTE}");
    Ok(if failed.is_empty() && skipped == 0 {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}

/// Why a case of a batch was not written.
enum Failure {
    /// The case failed; the message names it.
    Error(String),
    /// The case was not tried because there was no room left to write.
    NoRoom,
}

/// Cases drafted and waiting for a writer in `appeal batch`; bounds the memory they hold.
const WRITE_QUEUE: usize = 16;

/// Writer threads in `appeal batch`.
const WRITERS: usize = 8;

/// `appeal batch --jobs` is capped at this many worker threads per core: more only costs
/// memory (each thread holds a letter being typeset; 1,000 threads took 1.08 GB).
const JOBS_PER_CORE: usize = 4;

/// The worker threads for a batch of `cases` cases: `--jobs` (default one per core), at most
/// the number of cases and [`JOBS_PER_CORE`] per core, at least one.
fn worker_threads(jobs: Option<usize>, cases: usize) -> usize {
    let cores = std::thread::available_parallelism().map_or(1, usize::from);
    jobs.unwrap_or(cores).min(cores * JOBS_PER_CORE).min(cases).max(1)
}

/// Drafts and typesets one case of a batch; returns the files to write.
fn draft_one(
    workspace: &Workspace,
    path: &Path,
    stem: &str,
    args: &BatchArgs,
    options: DraftOptions,
    pdf_options: &PdfOptions,
) -> Result<Vec<(PathBuf, Vec<u8>)>, CliError> {
    let case = read_case(path)?;
    let kind = args.data.kind.unwrap_or(case.letter.kind);
    check_kind(&case, path, kind)?;
    let draft = workspace.draft(&case, options)?;
    let mut files = Vec::new();
    if args.format != Format::Pdf {
        files.push((
            args.out.join(format!("{stem}.md")),
            draft.markdown.clone().into_bytes(),
        ));
    }
    if args.format != Format::Md {
        let mut opts = pdf_options.clone();
        opts.source_name = format!("{stem}.md");
        files.push((
            args.out.join(format!("{stem}.pdf")),
            crate::render::pdf::pdf(&draft.markdown, &opts).map_err(|source| CliError::Typeset {
                case: path.display().to_string(),
                source,
            })?,
        ));
    }
    Ok(files)
}

fn deadlines(args: DeadlinesArgs) -> Result<ExitCode, CliError> {
    let case = read_case(&args.case)?;
    let book = match &args.rules {
        Some(dir) => crate::rules::RuleBook::load_dir(dir),
        None => crate::rules::RuleBook::bundled(),
    }
    .map_err(crate::workspace::LoadError::from)?;
    let today = today()?;
    let regulation = case.regulation().id();
    let Some(rules) = book.get(regulation) else {
        return Err(CliError::Usage(format!(
            "no rules are recorded for plan regulation `{regulation}`"
        )));
    };
    let result = crate::rules::deadlines_for(rules, &case, today);
    let mut out = std::io::stdout().lock();
    if args.json {
        let value = serde_json::json!({
            "format": 1,
            "items": result.items,
            "notes": result.notes,
        });
        let _ = writeln!(
            out,
            "{}",
            serde_json::to_string_pretty(&value).unwrap_or_default()
        );
    } else {
        let _ = writeln!(
            out,
            "{}: {} ({regulation}); today is {today}",
            args.case.display(),
            rules.name
        );
        for d in &result.items {
            let when = match (&d.date, &d.status) {
                (Some(date), crate::rules::Status::Today) => format!("{date}  TODAY"),
                (Some(date), crate::rules::Status::Passed { days_ago }) => {
                    format!(
                        "{date}  passed {days_ago} day{} ago",
                        if *days_ago == 1 { "" } else { "s" }
                    )
                }
                (Some(date), crate::rules::Status::Upcoming { days_left }) => {
                    format!(
                        "{date}  in {days_left} day{}",
                        if *days_left == 1 { "" } else { "s" }
                    )
                }
                _ => "no verified date: use the date on your denial notice".to_string(),
            };
            let _ = writeln!(out, "\n{}: {when}", d.label);
            let _ = writeln!(out, "  {}", d.basis);
            let _ = writeln!(out, "  rule: {} [{}]", d.citation, d.tag.as_str());
            if let (Some(text), crate::rules::Status::Passed { .. }) = (&d.if_passed, &d.status) {
                let _ = writeln!(out, "  {text}");
            }
        }
        if !result.notes.is_empty() {
            let _ = writeln!(out, "\nnotes:");
            for n in &result.notes {
                let _ = writeln!(out, "  - {n}");
            }
        }
    }
    if let Some(path) = &args.ics {
        if result.items.iter().all(|d| d.date.is_none()) {
            eprintln!(
                "note: no verified dates for this plan type, so no calendar was written; use the dates on your denial notice"
            );
        } else {
            let ics = crate::rules::to_ics(&result, &format!("Appeal ({})", case.patient.name), today);
            output::refuse_inputs([path.as_path()], &[args.case.as_path()])?;
            output::write_all(&[(path.clone(), ics.into_bytes())], args.force)?;
            // With --json, stdout carries only the JSON document.
            if args.json {
                eprintln!("wrote {}", path.display());
            } else {
                let _ = writeln!(out, "wrote {}", path.display());
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// The bundled library plus the user's files, failing on broken entries in the user's files.
fn load_library(libs: &LibraryArgs) -> Result<crate::library::Library, CliError> {
    let mut sources = crate::library::Library::bundled();
    for path in &libs.libraries {
        sources.push(read_bib(path)?);
    }
    let (library, diagnostics) = crate::library::Library::load(&sources);
    let errors: Vec<_> = diagnostics.into_iter().filter(|d| d.kind.is_error()).collect();
    if !errors.is_empty() {
        return Err(crate::workspace::LoadError::Library(errors).into());
    }
    Ok(library)
}

fn read_bib(path: &Path) -> Result<crate::library::BibSource, CliError> {
    let text = crate::input::read_text(path, crate::input::LIBRARY_LIMIT, "reference library")
        .map_err(crate::workspace::LoadError::from)?;
    Ok(crate::library::BibSource {
        name: path.display().to_string(),
        text,
    })
}

/// What each bundled block cites, for `refs tags` and `refs check`.
fn block_cites() -> Result<Vec<crate::refs::BlockCites>, CliError> {
    let catalog = crate::catalog::Catalog::load(None).map_err(crate::workspace::LoadError::from)?;
    Ok(catalog
        .blocks
        .iter()
        .map(|b| crate::refs::BlockCites {
            block: b.meta.id.clone(),
            file: b.file.clone(),
            keys: b.meta.cites.clone(),
            tags: b.meta.cite_tags.clone(),
        })
        .collect())
}

fn refs(cmd: RefsCommand) -> Result<ExitCode, CliError> {
    use crate::library::{Style, TagVocabulary};
    let vocabulary = || {
        TagVocabulary::bundled()
            .map_err(|e| CliError::Usage(format!("the bundled tag vocabulary is invalid: {e}")))
    };
    let refs_error = |e: crate::refs::RefsError| CliError::Usage(e.to_string());
    let mut out = std::io::stdout().lock();
    let mut code = ExitCode::SUCCESS;
    match cmd {
        RefsCommand::List { tag, libs } => {
            let library = load_library(&libs)?;
            let report = crate::refs::list(&library, &vocabulary()?, tag.as_deref()).map_err(refs_error)?;
            let _ = writeln!(out, "{report}");
        }
        RefsCommand::Show { key, style, libs } => {
            let library = load_library(&libs)?;
            let style = Style::by_name(style.as_deref().unwrap_or(crate::library::DEFAULT_STYLE))
                .map_err(crate::workspace::LoadError::from)?;
            let report = crate::refs::show(&library, &key, &style).map_err(refs_error)?;
            let _ = writeln!(out, "{report}");
        }
        RefsCommand::Search { text, libs } => {
            let library = load_library(&libs)?;
            let _ = writeln!(out, "{}", crate::refs::search(&library, &text));
        }
        RefsCommand::Tags { libs } => {
            let library = load_library(&libs)?;
            let _ = writeln!(
                out,
                "{}",
                crate::refs::tags(&library, &vocabulary()?, &block_cites()?)
            );
        }
        RefsCommand::Check { files } => {
            let (sources, blocks) = if files.is_empty() {
                (crate::library::Library::bundled(), block_cites()?)
            } else {
                (
                    files.iter().map(|f| read_bib(f)).collect::<Result<Vec<_>, _>>()?,
                    Vec::new(),
                )
            };
            let report = crate::refs::check(&sources, &vocabulary()?, &blocks);
            let _ = writeln!(out, "{report}");
            if report.has_problems() {
                code = ExitCode::from(1);
            }
        }
        RefsCommand::Styles => {
            let _ = writeln!(out, "{}", crate::refs::styles());
        }
    }
    Ok(code)
}
