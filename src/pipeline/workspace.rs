//! Everything a letter is made from besides the case: blocks, templates, references, rules.
//!
//! A [`Workspace`] is loaded once (bundled data, plus the user's `--templates` folder and
//! `--library` files) and then drafts any number of cases; batches share one. [`Workspace::draft`]
//! runs the pipeline for one case: plan → letter → Markdown.

use std::path::{Path, PathBuf};

use jiff::civil::Date;

use crate::case::Case;
use crate::catalog::{Catalog, CatalogError};
use crate::context::Context;
use crate::letter::{self, Letter, LetterError, LetterOptions};
use crate::library::style::BibliographyCache;
use crate::library::{BibSource, Diagnostic, DiagnosticKind, Library, LibraryFormat, Style};
use crate::plan::{self, Plan, PlanError, PlanOptions};
use crate::render;
use crate::rules::RuleBook;
use crate::templates::{TemplateError, Templates};

/// Where the data comes from, as the user chose it.
#[derive(Debug, Clone, Default)]
pub struct Sources {
    /// `--templates DIR`: overrides for letter templates and blocks.
    pub templates: Option<PathBuf>,
    /// `--library FILE`: the user's own libraries (BibTeX, CSL-JSON or RIS), added to the
    /// bundled library.
    pub libraries: Vec<PathBuf>,
    /// `--rules DIR`: overrides for the appeal rules.
    pub rules: Option<PathBuf>,
    /// `--style NAME`: citation style.
    pub style: Option<String>,
}

/// The loaded data.
pub struct Workspace {
    /// Argument blocks.
    pub catalog: Catalog,
    /// Letter templates and block prose.
    pub templates: Templates,
    /// Reference library (bundled + user).
    pub library: Library,
    /// Problems in the user's libraries that did not stop loading (broken entries are
    /// skipped): shown as warnings, and an error only for a letter that cites such an entry.
    pub library_warnings: Vec<Diagnostic>,
    /// Appeal rules by regulation.
    pub rules: RuleBook,
    /// Citation style.
    pub style: Style,
    /// Reference lists formatted so far (the library and style above never change).
    bibliographies: BibliographyCache,
}

/// A failure to load the workspace.
#[derive(Debug, thiserror::Error)]
pub enum LoadError {
    /// Block files have problems.
    #[error(transparent)]
    Catalog(#[from] CatalogError),
    /// Templates do not parse.
    #[error(transparent)]
    Templates(crate::diag::Diagnostics),
    /// A `.bib` file could not be read.
    #[error("{path}: cannot read the reference library ({source})")]
    ReadLibrary {
        /// The file.
        path: String,
        /// The I/O error.
        source: std::io::Error,
    },
    /// A `.bib` file is not a regular file, too large, or not text.
    #[error(transparent)]
    Input(#[from] crate::input::InputError),
    /// A library file could not be read at all (not valid JSON, past a size limit).
    #[error("{}\n  hint: run `appeal refs check` on the file to see every problem", .0.iter().map(ToString::to_string).collect::<Vec<_>>().join("\n"))]
    Library(Vec<Diagnostic>),
    /// A `--library` file whose name names no format the loader reads.
    #[error(
        "{path}: not a reference library appeal reads: the name must end in .bib (BibTeX), .json (CSL-JSON) or .ris (RIS)\n  hint: export the library from your reference manager in one of these formats (Zotero: File → Export Library…; JabRef: File → Export)"
    )]
    LibraryFormat {
        /// The file as given.
        path: String,
    },
    /// The rules data is invalid.
    #[error(transparent)]
    Rules(#[from] crate::rules::RulesError),
    /// Unknown citation style.
    #[error(transparent)]
    Style(#[from] crate::library::StyleError),
}

/// A failure to draft one case.
#[derive(Debug, thiserror::Error)]
pub enum DraftError {
    /// Selection failed.
    #[error(transparent)]
    Plan(#[from] PlanError),
    /// Assembly failed.
    #[error(transparent)]
    Letter(#[from] LetterError),
    /// The letter template failed.
    #[error(transparent)]
    Template(#[from] TemplateError),
    /// The letter cites a library entry that has a problem (or was skipped as broken).
    #[error("{}\n  hint: the letter cites `{key}`; fix its entry (`appeal refs check` lists every problem)", problems.iter().map(ToString::to_string).collect::<Vec<_>>().join("\n"))]
    BrokenEntry {
        /// The key cited.
        key: String,
        /// Its problems.
        problems: Vec<Diagnostic>,
    },
}

/// Options for one draft.
#[derive(Debug, Clone, Copy)]
pub struct DraftOptions {
    /// Selection options.
    pub plan: PlanOptions,
    /// Today, for the letter date when the case gives none.
    pub today: Date,
}

/// One drafted letter.
#[derive(Debug, Clone)]
pub struct Draft {
    /// The selection, with reasons.
    pub plan: Plan,
    /// The assembled letter.
    pub letter: Letter,
    /// The letter as Markdown.
    pub markdown: String,
}

impl Workspace {
    /// Loads bundled data and the user's overrides, reporting every problem found.
    ///
    /// The four parts load side by side (rayon); when several fail, the error reported is the
    /// first in the order blocks and templates, references, rules, style.
    pub fn load(sources: &Sources) -> Result<Workspace, LoadError> {
        let ((blocks, library), (rules, style)) = rayon::join(
            || rayon::join(|| load_blocks(sources), || load_library(sources)),
            || {
                rayon::join(
                    || match &sources.rules {
                        Some(dir) => RuleBook::load_dir(dir),
                        None => RuleBook::bundled(),
                    },
                    || Style::by_name(sources.style.as_deref().unwrap_or(crate::library::DEFAULT_STYLE)),
                )
            },
        );
        let (catalog, templates) = blocks?;
        let (library, library_warnings) = library?;
        Ok(Workspace {
            catalog,
            templates,
            library,
            library_warnings,
            rules: rules?,
            style: style?,
            bibliographies: BibliographyCache::default(),
        })
    }

    /// The problems of the library entry `key` (a broken entry's key is read from its text).
    fn problems_of(&self, key: &str) -> Vec<Diagnostic> {
        self.library_warnings
            .iter()
            .filter(|d| d.kind.is_error() && d.key.as_deref().is_some_and(|k| k.eq_ignore_ascii_case(key)))
            .cloned()
            .collect()
    }

    /// Runs the pipeline for one case.
    pub fn draft(&self, case: &Case, options: DraftOptions) -> Result<Draft, DraftError> {
        let kind = options.plan.kind.unwrap_or(case.letter.kind);
        let date = case.letter.date.map_or(options.today, |d| d.0);
        let (context, deadlines) = Context::new(case, kind, date, &self.rules);
        let plan_options = PlanOptions {
            kind: Some(kind),
            ..options.plan
        };
        let plan = match plan::plan(
            case,
            &self.catalog,
            &self.library,
            &self.templates,
            &context,
            plan_options,
        ) {
            Err(PlanError::UnknownKey { key, .. }) if !self.problems_of(&key).is_empty() => {
                let problems = self.problems_of(&key);
                return Err(DraftError::BrokenEntry { key, problems });
            }
            plan => plan?,
        };
        // A letter that cites a broken entry of a user's library fails with that entry's
        // problems; broken entries it does not cite are warnings.
        let cited = plan
            .selected()
            .flat_map(|item| item.citations.iter().chain(&item.findings));
        for key in cited {
            let problems = self.problems_of(key);
            if !problems.is_empty() {
                return Err(DraftError::BrokenEntry {
                    key: key.clone(),
                    problems,
                });
            }
        }
        let letter = letter::assemble(
            case,
            &plan,
            &self.catalog,
            &self.library,
            context,
            deadlines,
            LetterOptions {
                date,
                style: &self.style,
                bibliographies: Some(&self.bibliographies),
            },
        )?;
        let markdown = render::markdown::markdown(&letter, &self.templates)?;
        Ok(Draft {
            plan,
            letter,
            markdown,
        })
    }
}

/// The argument blocks and the templates that render them.
fn load_blocks(sources: &Sources) -> Result<(Catalog, Templates), LoadError> {
    let catalog = Catalog::load(sources.templates.as_deref())?;
    let templates = Templates::load(&catalog, sources.templates.as_deref())
        .map_err(|found| LoadError::Templates(crate::diag::Diagnostics(found)))?;
    Ok((catalog, templates))
}

/// The bundled references plus the user's `--library` files. A file that could not be read
/// at all is an error; other problems are returned as warnings (see
/// [`Workspace::library_warnings`]).
fn load_library(sources: &Sources) -> Result<(Library, Vec<Diagnostic>), LoadError> {
    let mut bib = Library::bundled();
    for path in &sources.libraries {
        bib.push(read_library(path)?);
    }
    let (library, diagnostics) = Library::load(&bib);
    let unreadable: Vec<Diagnostic> = diagnostics
        .iter()
        .filter(|d| matches!(d.kind, DiagnosticKind::Limit | DiagnosticKind::Unreadable))
        .cloned()
        .collect();
    if unreadable.is_empty() {
        Ok((library, diagnostics))
    } else {
        Err(LoadError::Library(unreadable))
    }
}

/// Reads a `--library` file, refusing a name whose extension names no format the loader
/// reads (`.bib`, `.json`, `.ris`) rather than loading nothing from it.
pub fn read_library(path: &Path) -> Result<BibSource, LoadError> {
    let name = path.display().to_string();
    // A path that is no regular file (a device, a folder, nothing) is refused for that first.
    let known = LibraryFormat::from_name(&name).is_some();
    if !known && std::fs::metadata(path).is_ok_and(|m| m.is_file()) {
        return Err(LoadError::LibraryFormat { path: name });
    }
    let text = crate::input::read_text(path, crate::input::LIBRARY_LIMIT, "reference library")?;
    if !known {
        return Err(LoadError::LibraryFormat { path: name });
    }
    Ok(BibSource { name, text })
}

/// Reads a case file, with its path in any error.
pub fn read_case(path: &Path) -> Result<Case, crate::case::CaseError> {
    let name = path.display().to_string();
    let text = crate::input::read_text(path, crate::input::CASE_LIMIT, "case file").map_err(|e| {
        let (line, column) = match e.problem {
            crate::input::InputProblem::NotText { line, column, .. } => (line, column),
            _ => (1, 1),
        };
        crate::diag::Diagnostics::one(crate::diag::Diagnostic {
            location: crate::diag::Location {
                file: name.clone(),
                line,
                column,
            },
            severity: crate::diag::Severity::Error,
            message: match &e.problem {
                crate::input::InputProblem::Io(io) => format!("cannot read the case file ({io})"),
                problem => format!("the case file {problem}"),
            },
            hint: Some(match &e.problem {
                crate::input::InputProblem::Io(_) => {
                    "check the path; `appeal example` lists bundled example cases to start from".into()
                }
                problem => problem.hint("case file"),
            }),
        })
    })?;
    Case::parse(&name, &text)
}
