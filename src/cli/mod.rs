//! The command line: arguments as typed, what they mean, and one module per command.
//!
//! `args` holds what the user typed (clap); each command module turns its arguments into calls
//! on the library (`Workspace`, `packet`, `check`, `rules`, `refs`) and prints the result. This
//! is the only part of the crate (with `main.rs`) that reads the environment, writes files and
//! prints. Every command returns an [`Exit`]: 0 success, 1 `check` (or `refs check`,
//! `batch`) found problems, 2 usage or input error.

use crate::case::LetterKind;
use crate::output::{self, OutputError};
use crate::plan::PlanOptions;
use crate::render::docx::DocxOptions;
use crate::render::letterhead::{self, Letterhead};
use crate::render::pdf::{Paper, PdfOptions};
use crate::workspace::{DraftOptions, Sources, Workspace, read_case};
use clap::{Args, Parser, Subcommand};
use jiff::civil::Date;
use rayon::prelude::*;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Mutex, OnceLock};

mod args;
mod batch;
mod check;
mod deadlines;
mod explain;
mod pdf;
mod refs;
mod render;
mod serve;

use args::*;

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
    /// What has happened in a case and what is due, each date with its rule.
    Status(StatusArgs),
    /// Fill in a case in your browser and see the letter as you type (a local web app).
    ///
    /// Listens only on this computer, prints a link with a one-time token and opens it.
    Serve(ServeArgs),
    /// Write a case file to fill in for a situation, every field explained in a comment.
    Init(InitArgs),
    /// Print a bundled example case file (to start your own from); without NAME, list them.
    Example {
        /// The example's name, e.g. `her2-out-of-network`.
        name: Option<String>,
    },
    /// Print a shell completion script (bash, zsh, fish, elvish, powershell).
    ///
    /// For bash: `appeal completions bash > ~/.local/share/bash-completion/completions/appeal`.
    Completions {
        /// The shell.
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
    /// Print the JSON Schema of the case format, for editors and validators.
    ///
    /// `appeal schema > case-1.schema.json`, then start a case file with
    /// `#:schema ./case-1.schema.json` for completion and checking in editors that use taplo.
    Schema,
    /// Print the manual page (roff).
    ///
    /// `appeal man > ~/.local/share/man/man1/appeal.1`, then `man appeal`.
    Man,
}

/// How a command ends: the process's exit status.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Exit {
    /// 0: done.
    Success,
    /// 1: `check`, `refs check` or `batch` found problems.
    Problems,
    /// 2: a usage or input error (printed once by `main`).
    Usage,
}

impl From<Exit> for ExitCode {
    fn from(exit: Exit) -> ExitCode {
        ExitCode::from(match exit {
            Exit::Success => 0,
            Exit::Problems => 1,
            Exit::Usage => 2,
        })
    }
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
    /// A letter drafted from a case could not be written as a Word document.
    #[error(
        "{case}: the drafted letter could not be written as a Word document: {source}\n  hint: `--format md` writes the Markdown that the line and column refer to"
    )]
    Word {
        /// The case file.
        case: String,
        /// The Word writer's error.
        source: crate::render::docx::DocxError,
    },
    /// The letterhead image could not be used.
    #[error(transparent)]
    Letterhead(#[from] crate::render::letterhead::LetterheadError),
    /// Output problem.
    #[error(transparent)]
    Output(#[from] OutputError),
    /// The case cannot be written as the kind asked for.
    #[error(transparent)]
    Kind(#[from] crate::case::KindError),
    /// A case's documents could not be drafted.
    #[error(transparent)]
    Packet(#[from] crate::packet::PacketError),
    /// A usage problem found after parsing.
    #[error("{0}")]
    Usage(String),
}

impl Cli {
    /// Runs the command, printing results; returns the exit code.
    pub fn run(self) -> Result<Exit, CliError> {
        match self.command {
            Command::Render(args) => render::render(args),
            Command::Explain(args) => explain::explain(args),
            Command::Check(args) => check::check(args),
            Command::Pdf(args) => pdf::pdf_command(args),
            Command::Batch(args) => batch::batch(args),
            Command::Deadlines(args) => deadlines::deadlines(args),
            Command::Refs(cmd) => refs::refs(cmd),
            Command::Example { name } => example(name.as_deref()),
            Command::Init(args) => init(args),
            Command::Status(args) => deadlines::status(args),
            Command::Serve(args) => serve::serve(args),
            Command::Completions { shell } => {
                use clap::CommandFactory;
                let mut cmd = Cli::command();
                clap_complete::generate(shell, &mut cmd, "appeal", &mut std::io::stdout());
                Ok(Exit::Success)
            }
            Command::Schema => {
                let _ = std::io::stdout()
                    .lock()
                    .write_all(crate::schema::text().as_bytes());
                Ok(Exit::Success)
            }
            Command::Man => {
                use clap::CommandFactory;
                let man = clap_mangen::Man::new(Cli::command());
                let mut out = Vec::new();
                man.render(&mut out)
                    .map_err(|e| CliError::Usage(format!("could not write the manual page: {e}")))?;
                let _ = std::io::stdout().lock().write_all(&out);
                Ok(Exit::Success)
            }
        }
    }
}

/// Files to write: each path with its bytes.
type Files = Vec<(PathBuf, Vec<u8>)>;

/// Typesets one document (`name`, drafted from the case at `case`) in the formats asked for
/// and returns the files to write into `out`, in the order of [`Formats::files`]. `pdf` holds
/// the paper, fallback font and letterhead; its `source_name` is set here.
fn typeset(
    formats: Formats,
    out: &Path,
    case: &Path,
    name: &str,
    markdown: &str,
    pdf: &PdfOptions,
) -> Result<Files, CliError> {
    let source_name = format!("{name}.md");
    let mut files = Vec::new();
    if formats.pdf {
        let options = PdfOptions {
            source_name: source_name.clone(),
            ..pdf.clone()
        };
        let bytes = crate::render::pdf::pdf(markdown, &options).map_err(|source| CliError::Typeset {
            case: case.display().to_string(),
            source,
        })?;
        files.push((out.join(format!("{name}.pdf")), bytes));
    }
    if formats.docx {
        let options = DocxOptions {
            paper: pdf.paper,
            letterhead: pdf.letterhead.clone(),
            source_name,
        };
        let bytes = crate::render::docx::docx(markdown, &options).map_err(|source| CliError::Word {
            case: case.display().to_string(),
            source,
        })?;
        files.push((out.join(format!("{name}.docx")), bytes));
    }
    if formats.md {
        files.push((out.join(format!("{name}.md")), markdown.as_bytes().to_vec()));
    }
    Ok(files)
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

/// Prints a report: its JSON with `--json`, else its text.
fn print_report<R: serde::Serialize + std::fmt::Display>(report: &R, json: bool) {
    let mut out = std::io::stdout().lock();
    let _ = if json {
        writeln!(
            out,
            "{}",
            serde_json::to_string_pretty(report).unwrap_or_default()
        )
    } else {
        write!(out, "{report}")
    };
}

use crate::bundled::examples;

/// `appeal example [NAME]`: prints a bundled example, or lists them.
fn example(name: Option<&str>) -> Result<Exit, CliError> {
    let mut out = std::io::stdout().lock();
    match name {
        None => {
            for (name, text) in examples() {
                let about = crate::bundled::example_about(text);
                let _ = writeln!(out, "{name:<26} {about}");
            }
            let _ = writeln!(
                out,
                "\n`appeal example NAME > my-case.toml` writes one to edit; its comments and `appeal check` say what to change."
            );
            Ok(Exit::Success)
        }
        Some(wanted) => match examples().into_iter().find(|(n, _)| *n == wanted) {
            Some((_, text)) => {
                let _ = out.write_all(text.as_bytes());
                Ok(Exit::Success)
            }
            None => {
                let names: Vec<&str> = examples().iter().map(|(n, _)| *n).collect();
                let hint = crate::diag::did_you_mean(wanted, names.iter().copied())
                    .map(|b| format!("did you mean `{b}`?"))
                    .unwrap_or_else(|| format!("the examples are: {}", names.join(", ")));
                Err(CliError::Usage(format!(
                    "there is no example named `{wanted}`\n  hint: {hint}"
                )))
            }
        },
    }
}

/// `appeal init`: a commented case file for a situation (`examples/init/<situation>.toml`), in
/// the voice asked for, printed or written to `-o FILE` (never over a file without `--force`).
fn init(args: InitArgs) -> Result<Exit, CliError> {
    let name = format!("examples/init/{}.toml", args.situation.id());
    let template = crate::bundled::FILES
        .iter()
        .find(|f| f.path == name)
        .map(|f| f.text())
        .ok_or_else(|| CliError::Usage(format!("{name} is not bundled")))?;
    let mut text = template.to_string();
    if let Some(voice) = args.voice {
        let provider_only = args.situation == Situation::PriorAuthorization;
        if provider_only && voice != crate::case::Voice::Provider {
            return Err(CliError::Usage(format!(
                "a prior-authorization letter is written by the treating provider, not the {}\n  hint: leave out --voice, or choose another --situation",
                voice.id()
            )));
        }
        let line = format!("voice = \"{}\"", voice.id());
        text = match text.lines().position(|l| l.starts_with("voice = ")) {
            Some(i) => {
                text.lines()
                    .enumerate()
                    .map(|(n, l)| if n == i { line.clone() } else { l.to_string() })
                    .collect::<Vec<_>>()
                    .join("\n")
                    + "\n"
            }
            None => text.replacen("[letter]\n", &format!("[letter]\n{line}\n"), 1),
        };
    }
    match &args.out {
        Some(path) => {
            output::write_all(&[(path.clone(), text.into_bytes())], args.force)?;
            let _ = writeln!(
                std::io::stdout().lock(),
                "wrote {}; fill it in, then run `appeal check {}`",
                path.display(),
                path.display()
            );
        }
        None => {
            let _ = std::io::stdout().lock().write_all(text.as_bytes());
        }
    }
    Ok(Exit::Success)
}

/// Loads the workspace, printing the problems of the user's libraries that did not stop it
/// (broken entries are skipped; a letter that cites one fails when it is drafted).
fn load_workspace(sources: &Sources) -> Result<Workspace, CliError> {
    let workspace = Workspace::load(sources)?;
    warn_library(&workspace.library_warnings);
    Ok(workspace)
}

/// Prints library problems as warnings, on standard error.
fn warn_library(problems: &[crate::library::Diagnostic]) {
    for d in problems {
        eprintln!("warning: {d}");
    }
}
