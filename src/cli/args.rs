//! What the user typed: clap argument structs, and what the shared options mean.

use super::*;

/// `appeal refs …`.
#[derive(Debug, Subcommand)]
pub(super) enum RefsCommand {
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
        /// Report each tag outside the vocabulary as a problem (by default, tags a reference
        /// manager adds on its own, such as MeSH headings, are ignored with one summary line).
        #[arg(long)]
        strict: bool,
    },
    /// The citation styles available to --style.
    Styles,
}

#[derive(Debug, Args, Clone, Default)]
pub(super) struct LibraryArgs {
    /// Add a BibTeX file to the bundled library (repeatable).
    #[arg(long = "library", value_name = "FILE")]
    pub(super) libraries: Vec<PathBuf>,
}

/// The case a report is about, and how to print it (shared by `explain`, `check`,
/// `deadlines` and `status`).
#[derive(Debug, Args)]
pub(super) struct CaseReport {
    /// Case file (TOML).
    #[arg(value_name = "CASE")]
    pub(super) case: PathBuf,
    /// Print the report as JSON (`"format": 1`) instead of text.
    #[arg(long)]
    pub(super) json: bool,
}

#[derive(Debug, Args)]
pub(super) struct DeadlinesArgs {
    #[command(flatten)]
    pub(super) report: CaseReport,
    /// Also write the dated deadlines as an iCalendar file, with reminders 7 and 2 days before.
    #[arg(long, value_name = "FILE")]
    pub(super) ics: Option<PathBuf>,
    /// Replace an existing calendar file.
    #[arg(long)]
    pub(super) force: bool,
    /// Folder of rules files (one REGULATION.toml each) overriding the bundled rules.
    #[arg(long, value_name = "DIR")]
    pub(super) rules: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub(super) struct BatchArgs {
    /// Case files, or folders whose `*.toml` files are cases.
    #[arg(required = true, value_name = "DIR_OR_FILE")]
    pub(super) inputs: Vec<PathBuf>,
    /// Output folder.
    #[arg(short, long, value_name = "DIR")]
    pub(super) out: PathBuf,
    /// What to write.
    #[arg(long, value_enum, default_value_t = Format::Both)]
    pub(super) format: Format,
    /// Replace existing output files.
    #[arg(long)]
    pub(super) force: bool,
    /// Worker threads (default: one per core; at most one per case and 4 per core).
    #[arg(long, value_name = "N")]
    pub(super) jobs: Option<usize>,
    #[command(flatten)]
    pub(super) pdf: PdfFlags,
    #[command(flatten)]
    pub(super) data: DataArgs,
}

/// Options shared by every command that drafts a letter.
#[derive(Debug, Args, Clone, Default)]
pub(super) struct DataArgs {
    /// Add a BibTeX file to the reference library (repeatable).
    #[arg(long = "library", value_name = "FILE")]
    pub(super) libraries: Vec<PathBuf>,
    /// Folder whose templates (letter.md, blocks/ID.md, …) override the bundled ones.
    #[arg(long, value_name = "DIR")]
    pub(super) templates: Option<PathBuf>,
    /// Folder of rules files (one REGULATION.toml each) overriding the bundled rules.
    #[arg(long, value_name = "DIR")]
    pub(super) rules: Option<PathBuf>,
    /// Citation style (any style `appeal refs styles` lists).
    #[arg(long, value_name = "NAME")]
    pub(super) style: Option<String>,
    /// Cite references marked unverified (only after you have checked them).
    #[arg(long)]
    pub(super) allow_unverified: bool,
    /// Write this kind of letter instead of the case's `letter.kind`.
    #[arg(long, value_name = "KIND", value_enum)]
    pub(super) kind: Option<LetterKind>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(super) enum Format {
    Md,
    Pdf,
    Both,
}

#[derive(Debug, Args)]
pub(super) struct RenderArgs {
    /// Case files (TOML).
    #[arg(required = true, value_name = "CASE")]
    pub(super) cases: Vec<PathBuf>,
    /// Output folder.
    #[arg(short, long, value_name = "DIR", default_value = ".")]
    pub(super) out: PathBuf,
    /// What to write.
    #[arg(long, value_enum, default_value_t = Format::Both)]
    pub(super) format: Format,
    /// Replace existing output files.
    #[arg(long)]
    pub(super) force: bool,
    /// Write every letter that suits the case (e.g. appeal + provider letter + claim-file request).
    #[arg(long)]
    pub(super) packet: bool,
    #[command(flatten)]
    pub(super) pdf: PdfFlags,
    #[command(flatten)]
    pub(super) data: DataArgs,
}

#[derive(Debug, Args, Clone)]
pub(super) struct PdfFlags {
    /// Paper size.
    #[arg(long, value_name = "SIZE", value_enum, default_value_t = Paper::Letter)]
    pub(super) paper: Paper,
    /// A TrueType font for characters the bundled font lacks.
    #[arg(long, value_name = "PATH")]
    pub(super) font: Option<PathBuf>,
}

/// The situations `appeal init` has a case file for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(super) enum Situation {
    /// A patient's appeal of an out-of-network denial for a specialist or center.
    OutOfNetworkSpecialist,
    /// A provider's appeal for a non-preferred drug or a step-therapy denial.
    DrugException,
    /// An appeal of a denied second opinion or expert pathology review.
    SecondOpinion,
    /// A radiation oncologist's appeal for a denied technique (IMRT, protons, SBRT).
    RadiationTechnique,
    /// A letter of medical necessity for a prior authorization, before any decision.
    PriorAuthorization,
}

impl Situation {
    /// The file name under `examples/init/`.
    pub(super) fn id(self) -> &'static str {
        match self {
            Situation::OutOfNetworkSpecialist => "out-of-network-specialist",
            Situation::DrugException => "drug-exception",
            Situation::SecondOpinion => "second-opinion",
            Situation::RadiationTechnique => "radiation-technique",
            Situation::PriorAuthorization => "prior-authorization",
        }
    }
}

#[derive(Debug, Args)]
pub(super) struct InitArgs {
    /// The situation.
    #[arg(long, value_enum, default_value_t = Situation::OutOfNetworkSpecialist)]
    pub(super) situation: Situation,
    /// Who will sign: patient, provider or representative (default: the situation's usual one).
    #[arg(long, value_enum)]
    pub(super) voice: Option<crate::case::Voice>,
    /// Write the case file here instead of printing it.
    #[arg(short, long, value_name = "FILE")]
    pub(super) out: Option<PathBuf>,
    /// Overwrite FILE if it exists.
    #[arg(long)]
    pub(super) force: bool,
}

#[derive(Debug, Args)]
pub(super) struct ServeArgs {
    /// Port on this computer's loopback address (0: any free port).
    #[arg(long, value_name = "N", default_value_t = 0)]
    pub(super) port: u16,
    /// Folder for saved cases (default: `appeal/cases` in your data folder); created owner-only.
    #[arg(long, value_name = "DIR")]
    pub(super) dir: Option<PathBuf>,
    /// Do not open a browser; only print the link.
    #[arg(long)]
    pub(super) no_open: bool,
    #[command(flatten)]
    pub(super) data: DataArgs,
}

#[derive(Debug, Args)]
pub(super) struct StatusArgs {
    #[command(flatten)]
    pub(super) report: CaseReport,
    /// A folder of rules files that override the bundled ones.
    #[arg(long, value_name = "DIR")]
    pub(super) rules: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub(super) struct ExplainArgs {
    #[command(flatten)]
    pub(super) report: CaseReport,
    #[command(flatten)]
    pub(super) data: DataArgs,
}

#[derive(Debug, Args)]
pub(super) struct CheckArgs {
    #[command(flatten)]
    pub(super) report: CaseReport,
    #[command(flatten)]
    pub(super) data: DataArgs,
}

#[derive(Debug, Args)]
pub(super) struct PdfArgs {
    /// The letter in Markdown.
    #[arg(value_name = "LETTER.md")]
    pub(super) markdown: PathBuf,
    /// Output file (default: the Markdown file with .pdf).
    #[arg(short, long, value_name = "FILE")]
    pub(super) out: Option<PathBuf>,
    /// Replace an existing output file.
    #[arg(long)]
    pub(super) force: bool,
    #[command(flatten)]
    pub(super) pdf: PdfFlags,
}

impl DataArgs {
    pub(super) fn sources(&self) -> Sources {
        Sources {
            templates: self.templates.clone(),
            libraries: self.libraries.clone(),
            rules: self.rules.clone(),
            style: self.style.clone(),
        }
    }

    pub(super) fn options(&self) -> Result<DraftOptions, CliError> {
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
    pub(super) fn options(&self, source_name: &str) -> Result<PdfOptions, CliError> {
        let fallback_font = match &self.font {
            Some(p) => Some(
                std::fs::read(p)
                    .map_err(|e| CliError::Usage(format!("{}: cannot read the font ({e})", p.display())))?,
            ),
            None => None,
        };
        Ok(PdfOptions {
            paper: self.paper,
            fallback_font,
            source_name: source_name.to_string(),
        })
    }
}
