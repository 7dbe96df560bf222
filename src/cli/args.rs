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
    /// Check library files (default: the bundled library); exit 1 if anything is wrong.
    ///
    /// Files are checked after the bundled library, as `--library` loads them: duplicate keys
    /// and papers merged with a bundled entry (same DOI or PMID) are reported.
    Check {
        /// Library files to check: BibTeX (.bib), CSL-JSON (.json) or RIS (.ris).
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
    /// Add a library file (.bib, CSL-JSON .json or .ris) to the bundled library (repeatable).
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
    /// Write the calendar into this folder, named after the case file (`CASE.ics`), beside the
    /// letters `render -o DIR` writes.
    #[arg(short, long, value_name = "DIR", conflicts_with = "ics")]
    pub(super) out: Option<PathBuf>,
    /// Replace an existing calendar file.
    #[arg(long)]
    pub(super) force: bool,
    /// Folder of rules files (REGULATION.toml, states/XX.toml) overriding the bundled rules.
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
    /// What to write: md, pdf, docx, both (md and pdf) or all; a comma-separated list such as
    /// `md,docx` writes each format named.
    #[arg(
        long,
        value_enum,
        value_delimiter = ',',
        default_value = "both",
        value_name = "FORMAT"
    )]
    pub(super) format: Vec<Format>,
    /// Replace existing output files.
    #[arg(long)]
    pub(super) force: bool,
    /// Leave alone every case whose documents are all there (hand-edited letters survive a
    /// rerun); a case with only some of them there is refused and named.
    #[arg(long, conflicts_with = "force")]
    pub(super) skip_existing: bool,
    /// Write every document `render --packet` writes: each letter that suits the case, the
    /// next-steps sheet, and a fax cover sheet when the recipient has a fax number.
    #[arg(long)]
    pub(super) packet: bool,
    /// Also write a manifest, one row per case (status, documents, filing deadline, problems):
    /// JSON when FILE ends in .json, else CSV. A manifest from an earlier run is replaced.
    #[arg(long, value_name = "FILE")]
    pub(super) manifest: Option<PathBuf>,
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
    /// Add a library file (.bib, CSL-JSON .json or .ris) to the reference library (repeatable).
    #[arg(long = "library", value_name = "FILE")]
    pub(super) libraries: Vec<PathBuf>,
    /// Folder whose templates (letter.md, blocks/ID.md, …) override the bundled ones.
    #[arg(long, value_name = "DIR")]
    pub(super) templates: Option<PathBuf>,
    /// Folder of rules files (REGULATION.toml, states/XX.toml) overriding the bundled rules.
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

crate::model::vocab::vocabulary! {
    /// What `render` and `batch` write, as `--format` names it.
    pub(super) enum Format ("output format") {
        /// The letter Markdown (to read, edit and typeset again with `appeal pdf`).
        Md = "md",
        /// PDF, typeset and ready to send.
        Pdf = "pdf",
        /// A Word document, to edit in Word or LibreOffice.
        Docx = "docx",
        /// Markdown and PDF.
        Both = "both",
        /// Markdown, PDF and Word.
        All = "all",
    }
}

/// The formats a `--format` list asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub(super) struct Formats {
    /// `.md`
    pub(super) md: bool,
    /// `.pdf`
    pub(super) pdf: bool,
    /// `.docx`
    pub(super) docx: bool,
}

impl Formats {
    /// The union of the formats listed (`md,docx`, `all`, …).
    pub(super) fn of(list: &[Format]) -> Formats {
        let mut formats = Formats::default();
        for format in list {
            match format {
                Format::Md => formats.md = true,
                Format::Pdf => formats.pdf = true,
                Format::Docx => formats.docx = true,
                Format::Both => {
                    formats.md = true;
                    formats.pdf = true;
                }
                Format::All => {
                    formats.md = true;
                    formats.pdf = true;
                    formats.docx = true;
                }
            }
        }
        formats
    }

    /// Whether a typeset format (PDF or Word) is asked for, so a letterhead is needed.
    pub(super) fn typeset(self) -> bool {
        self.pdf || self.docx
    }

    /// The files document `name` is written as in `out`: PDF, Word, then Markdown.
    pub(super) fn files(self, out: &Path, name: &str) -> Vec<PathBuf> {
        let mut files = Vec::new();
        if self.pdf {
            files.push(out.join(format!("{name}.pdf")));
        }
        if self.docx {
            files.push(out.join(format!("{name}.docx")));
        }
        if self.md {
            files.push(out.join(format!("{name}.md")));
        }
        files
    }
}

#[derive(Debug, Args)]
pub(super) struct RenderArgs {
    /// Case files (TOML).
    #[arg(required = true, value_name = "CASE")]
    pub(super) cases: Vec<PathBuf>,
    /// Output folder.
    #[arg(short, long, value_name = "DIR", default_value = ".")]
    pub(super) out: PathBuf,
    /// What to write: md, pdf, docx, both (md and pdf) or all; a comma-separated list such as
    /// `md,docx` writes each format named.
    #[arg(
        long,
        value_enum,
        value_delimiter = ',',
        default_value = "both",
        value_name = "FORMAT"
    )]
    pub(super) format: Vec<Format>,
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
    /// A PNG or JPEG logo for the top of page 1 (overrides a case's `[sender] letterhead`).
    #[arg(long, value_name = "IMAGE")]
    pub(super) letterhead: Option<PathBuf>,
}

crate::model::vocab::vocabulary! {
    /// The situations `appeal init` has a case file for (`examples/init/<id>.toml`).
    pub(super) enum Situation ("situation") {
        /// A patient's appeal of an out-of-network denial for a specialist or center.
        OutOfNetworkSpecialist = "out-of-network-specialist",
        /// A provider's appeal for a non-preferred drug or a step-therapy denial.
        DrugException = "drug-exception",
        /// An appeal of a denied second opinion or expert pathology review.
        SecondOpinion = "second-opinion",
        /// A radiation oncologist's appeal for a denied technique (IMRT, protons, SBRT).
        RadiationTechnique = "radiation-technique",
        /// A letter of medical necessity for a prior authorization, before any decision.
        PriorAuthorization = "prior-authorization",
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
            letterhead: None,
        })
    }

    /// The `--letterhead` image, read and decoded (`None` without the flag).
    pub(super) fn letterhead(&self) -> Result<Option<Letterhead>, CliError> {
        self.letterhead
            .as_deref()
            .map(|path| letterhead::load(path, letterhead::Origin::Flag))
            .transpose()
            .map_err(CliError::from)
    }
}

/// The letterhead for a case's documents: `--letterhead` when given (`flag`), else the case's
/// `[sender] letterhead`, a path relative to the case file's folder. Only read when a PDF or
/// Word document is written.
pub(super) fn case_letterhead(
    flag: Option<&Letterhead>,
    case: &crate::case::Case,
    case_path: &Path,
    formats: Formats,
) -> Result<Option<Letterhead>, CliError> {
    if !formats.typeset() {
        return Ok(None);
    }
    if let Some(image) = flag {
        return Ok(Some(image.clone()));
    }
    let Some(written) = case.sender.letterhead.as_deref() else {
        return Ok(None);
    };
    let folder = case_path.parent().unwrap_or(Path::new(""));
    let origin = letterhead::Origin::Case {
        case: case_path.display().to_string(),
        written: written.to_string(),
    };
    Ok(Some(letterhead::load(&folder.join(written), origin)?))
}
