//! `appeal batch`: many cases in parallel; a bad case does not stop the rest.

use super::*;
use crate::batch::{Assessment, CaseStatus, Manifest, ManifestFormat, ManifestRow, PartlyPresent, Presence};

/// The case files named by `inputs`: files as given, folders expanded to their `*.toml` entries
/// that are not folders (sorted, not recursive).
pub(super) fn collect_cases(inputs: &[PathBuf]) -> Result<Vec<PathBuf>, CliError> {
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

pub(super) fn batch(args: BatchArgs) -> Result<Exit, CliError> {
    let workspace = load_workspace(&args.data.sources())?;
    let options = args.data.options()?;
    let cases = collect_cases(&args.inputs)?;
    let formats = Formats::of(&args.format);
    let pdf_options = PdfOptions {
        // `--letterhead`, read once for every case; without it, each case's own.
        letterhead: if formats.typeset() {
            args.pdf.letterhead()?
        } else {
            None
        },
        ..args.pdf.options("letter.md")?
    };
    let selection = crate::packet::Selection {
        kind: args.data.kind,
        packet: args.packet,
        next_steps: args.packet,
    };
    let jobs = worker_threads(args.jobs, cases.len());
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(jobs)
        .build()
        .map_err(|e| CliError::Usage(format!("cannot start {jobs} worker threads ({e})")))?;
    // The files a document name stands for, in the format asked for.
    let files_of = |names: &[String]| -> Vec<PathBuf> {
        names
            .iter()
            .flat_map(|name| formats.files(&args.out, name))
            .collect()
    };
    // Two cases that could write the same output: the later ones fail, before anything is
    // written. With --packet every name a case might use is claimed, whatever the case says.
    let claims: Vec<Vec<PathBuf>> = cases
        .iter()
        .map(|p| files_of(&crate::packet::possible_names(&output::stem(p), selection)))
        .collect();
    let manifest = match &args.manifest {
        Some(path) => Some(manifest_target(path, &cases, &claims, args.force)?),
        None => None,
    };
    let clashes = output::find_clashes(cases.iter().map(PathBuf::as_path).zip(claims));
    let stems: Vec<Result<String, String>> = cases
        .iter()
        .zip(clashes)
        .map(|(p, clash)| match clash {
            Some(clash) => Err(OutputError::from(clash).to_string()),
            None => Ok(output::stem(p)),
        })
        .collect();
    let bar = indicatif::ProgressBar::new(cases.len() as u64);
    bar.set_style(
        indicatif::ProgressStyle::with_template("{bar:40} {pos}/{len} letters {elapsed}")
            .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
    );
    let writer = output::Writer::new(args.force);
    // Set when there is no room to write: no further case is drafted or written.
    let full = AtomicBool::new(false);
    // Workers draft and typeset; writer threads take finished cases from a short queue and
    // write them. A writer mostly waits for the disk to confirm a flush, and the filesystem
    // commits flushes that arrive together at once, so many writers keep both the cores and
    // the disk busy (one flush at a time took about 5 ms here; eight at a time, under 1 ms each).
    let outcomes: Vec<OnceLock<Outcome>> = cases.iter().map(|_| OnceLock::new()).collect();
    let (queue, waiting) = std::sync::mpsc::sync_channel::<Drafted>(WRITE_QUEUE);
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
                    let Ok(Drafted {
                        index,
                        files,
                        assessment,
                    }) = next
                    else {
                        break;
                    };
                    let outcome = if full.load(Ordering::Relaxed) {
                        Outcome::NoRoom
                    } else {
                        match writer.write_all_serially(&files) {
                            Ok(()) => Outcome::Written {
                                files: files.into_iter().map(|(path, _)| path).collect(),
                                assessment,
                            },
                            Err(e) => {
                                if e.is_out_of_room() {
                                    full.store(true, Ordering::Relaxed);
                                }
                                Outcome::Failed {
                                    error: format!("{}: {e}", cases[index].display()),
                                    assessment,
                                }
                            }
                        }
                    };
                    let _ = outcomes[index].set(outcome);
                    bar.inc(1);
                }
            });
        }
        pool.install(|| {
            cases.par_iter().zip(stems.par_iter()).enumerate().for_each_with(
                queue,
                |queue, (index, (path, stem))| {
                    let done = |outcome| {
                        let _ = outcomes[index].set(outcome);
                        bar.inc(1);
                    };
                    if full.load(Ordering::Relaxed) {
                        return done(Outcome::NoRoom);
                    }
                    let job = Job {
                        workspace: &workspace,
                        path,
                        args: &args,
                        selection,
                        options,
                        pdf_options: &pdf_options,
                        assess: manifest.is_some(),
                    };
                    match stem.clone().and_then(|stem| job.run(&stem, &files_of)) {
                        Ok(Prepared::Write(files, assessment)) => {
                            if let Err(unsent) = queue.send(Drafted {
                                index,
                                files,
                                assessment,
                            }) {
                                done(Outcome::Failed {
                                    error: format!(
                                        "{}: was drafted but not written (the writer threads stopped); run the batch again",
                                        path.display()
                                    ),
                                    assessment: unsent.0.assessment,
                                });
                            }
                        }
                        Ok(Prepared::Skip(files, assessment)) => done(Outcome::Skipped { files, assessment }),
                        Err(error) => done(Outcome::Failed {
                            error,
                            assessment: None,
                        }),
                    }
                },
            );
        });
        // Every sender is dropped here, so the writers drain the queue and stop.
    });
    bar.finish_and_clear();
    let results: Vec<Outcome> = outcomes
        .into_iter()
        .zip(&cases)
        .map(|(o, path)| {
            o.into_inner().unwrap_or_else(|| Outcome::Failed {
                error: format!("{}: was not rendered; run the batch again", path.display()),
                assessment: None,
            })
        })
        .collect();
    let failed: Vec<&String> = results
        .iter()
        .filter_map(|r| match r {
            Outcome::Failed { error, .. } => Some(error),
            _ => None,
        })
        .collect();
    let no_room = results.iter().filter(|r| matches!(r, Outcome::NoRoom)).count();
    let left_alone = results
        .iter()
        .filter(|r| matches!(r, Outcome::Skipped { .. }))
        .count();
    let files: usize = results
        .iter()
        .map(|r| match r {
            Outcome::Written { files, .. } => files.len(),
            _ => 0,
        })
        .sum();
    let mut out = std::io::stdout().lock();
    let _ = writeln!(
        out,
        "rendered {} of {} cases ({files} files in {})",
        cases.len() - failed.len() - no_room - left_alone,
        cases.len(),
        args.out.display()
    );
    if left_alone > 0 {
        let _ = writeln!(
            out,
            "left {left_alone} case{} untouched: {} documents are all there already (--skip-existing)",
            if left_alone == 1 { "" } else { "s" },
            if left_alone == 1 { "its" } else { "their" },
        );
    }
    if !failed.is_empty() {
        let _ = writeln!(out, "failed {}:", failed.len());
        for f in &failed {
            for (i, line) in f.lines().enumerate() {
                let _ = writeln!(out, "{}{line}", if i == 0 { "  - " } else { "    " });
            }
        }
    }
    if no_room > 0 {
        let _ = writeln!(
            out,
            "stopped: no room to write (the disk is full, or a quota or file size limit was reached), so {no_room} more case{} {} not rendered\n  hint: free some space, then run the batch again on the cases not written",
            if no_room == 1 { "" } else { "s" },
            if no_room == 1 { "was" } else { "were" }
        );
    }
    let mut manifest_failed = false;
    if let Some((path, replace)) = &manifest {
        let rows = results
            .iter()
            .zip(&cases)
            .map(|(outcome, case)| outcome.row(case))
            .collect();
        let bytes = Manifest::new(rows).to_bytes(ManifestFormat::of(path));
        match output::write_all(&[(path.clone(), bytes)], *replace) {
            Ok(()) => {
                let _ = writeln!(out, "wrote the manifest {}", path.display());
            }
            Err(e) => {
                manifest_failed = true;
                let _ = writeln!(out, "the manifest was not written: {e}");
            }
        }
    }
    eprintln!("{DRAFT_NOTE}");
    Ok(if failed.is_empty() && no_room == 0 && !manifest_failed {
        Exit::Success
    } else {
        Exit::Problems
    })
}

/// Checks `--manifest FILE` before any case is drafted: not a case, not one of the documents,
/// and not a file other than an earlier manifest (which a rerun replaces). Returns the path and
/// whether an existing file may be replaced.
fn manifest_target(
    path: &Path,
    cases: &[PathBuf],
    documents: &[Vec<PathBuf>],
    force: bool,
) -> Result<(PathBuf, bool), CliError> {
    let inputs: Vec<&Path> = cases.iter().map(PathBuf::as_path).collect();
    output::refuse_inputs([path], &inputs)?;
    let absolute = |p: &Path| std::path::absolute(p).unwrap_or_else(|_| p.to_path_buf());
    let wanted = absolute(path);
    if let Some((case, _)) = cases
        .iter()
        .zip(documents)
        .find(|(_, files)| files.iter().any(|f| absolute(f) == wanted))
    {
        return Err(CliError::Usage(format!(
            "{}: --manifest names a file that {} may write\n  hint: choose another name for the manifest, e.g. manifest.csv",
            path.display(),
            case.display()
        )));
    }
    let Ok(meta) = std::fs::symlink_metadata(path) else {
        return Ok((path.to_path_buf(), force));
    };
    let ours = meta.is_file()
        && std::fs::File::open(path).is_ok_and(|file| {
            let mut head = Vec::new();
            std::io::Read::read_to_end(&mut std::io::Read::take(file, 64 * 1024), &mut head).is_ok()
                && Manifest::is_manifest(&head)
        });
    if ours || force {
        Ok((path.to_path_buf(), true))
    } else {
        Err(CliError::Usage(format!(
            "{}: already exists and is not a manifest `appeal batch` wrote\n  hint: choose another file for --manifest, or move this one away",
            path.display()
        )))
    }
}

/// A case drafted and typeset, waiting for a writer.
struct Drafted {
    index: usize,
    files: Vec<(PathBuf, Vec<u8>)>,
    assessment: Option<Assessment>,
}

/// What became of one case.
pub(super) enum Outcome {
    /// Its documents were written.
    Written {
        files: Vec<PathBuf>,
        assessment: Option<Assessment>,
    },
    /// Its documents were all there; nothing was written (`--skip-existing`).
    Skipped {
        files: Vec<PathBuf>,
        assessment: Option<Assessment>,
    },
    /// The case failed; the message names it.
    Failed {
        error: String,
        assessment: Option<Assessment>,
    },
    /// The case was not tried because there was no room left to write.
    NoRoom,
}

impl Outcome {
    /// The case's manifest row.
    fn row(&self, case: &Path) -> ManifestRow {
        match self {
            Outcome::Written { files, assessment } => {
                ManifestRow::new(case, CaseStatus::Written, files, assessment.as_ref(), None)
            }
            Outcome::Skipped { files, assessment } => {
                ManifestRow::new(case, CaseStatus::Skipped, files, assessment.as_ref(), None)
            }
            Outcome::Failed { error, assessment } => {
                ManifestRow::new(case, CaseStatus::Failed, &[], assessment.as_ref(), Some(error))
            }
            Outcome::NoRoom => ManifestRow::new(
                case,
                CaseStatus::Failed,
                &[],
                None,
                Some("not tried: there was no room left to write"),
            ),
        }
    }
}

/// What a worker decided for a case.
enum Prepared {
    /// Write these files.
    Write(Vec<(PathBuf, Vec<u8>)>, Option<Assessment>),
    /// Leave these files alone.
    Skip(Vec<PathBuf>, Option<Assessment>),
}

/// One case of a batch, as a worker sees it.
struct Job<'a> {
    workspace: &'a Workspace,
    path: &'a Path,
    args: &'a BatchArgs,
    selection: crate::packet::Selection,
    options: DraftOptions,
    pdf_options: &'a PdfOptions,
    /// Whether the manifest wants `check` and the filing deadline.
    assess: bool,
}

impl Job<'_> {
    /// Reads the case; leaves it alone when `--skip-existing` finds its documents, else drafts
    /// and typesets them.
    fn run(&self, stem: &str, files_of: &dyn Fn(&[String]) -> Vec<PathBuf>) -> Result<Prepared, String> {
        let case = read_case(self.path).map_err(|e| e.to_string())?;
        let assess = || {
            self.assess
                .then(|| self.workspace.assess(&case, self.options).ok())
                .flatten()
        };
        if self.args.skip_existing {
            let files = files_of(&crate::packet::document_names(&case, stem, self.selection));
            match Presence::of(&files) {
                Presence::All => return Ok(Prepared::Skip(files, assess())),
                Presence::Some { present, missing } => {
                    return Err(PartlyPresent {
                        case: self.path.display().to_string(),
                        present,
                        missing,
                    }
                    .to_string());
                }
                Presence::Missing => {}
            }
        }
        let files = self.draft(&case, stem).map_err(|e| e.to_string())?;
        Ok(Prepared::Write(files, assess()))
    }

    /// Drafts and typesets the case's documents; returns the files to write.
    fn draft(&self, case: &crate::case::Case, stem: &str) -> Result<Vec<(PathBuf, Vec<u8>)>, CliError> {
        let args = self.args;
        let formats = Formats::of(&args.format);
        let pdf = PdfOptions {
            letterhead: args::case_letterhead(
                self.pdf_options.letterhead.as_ref(),
                case,
                self.path,
                formats,
            )?,
            ..self.pdf_options.clone()
        };
        let mut cover = pdf.clone();
        cover.source_name = "fax".to_string();
        let mut files = Vec::new();
        for doc in self
            .workspace
            .documents(case, stem, self.selection, &cover, self.options)?
        {
            files.extend(super::typeset(
                formats,
                &args.out,
                self.path,
                &doc.name,
                &doc.markdown,
                &pdf,
            )?);
        }
        Ok(files)
    }
}

/// Cases drafted and waiting for a writer in `appeal batch`; bounds the memory they hold.
pub(super) const WRITE_QUEUE: usize = 16;

/// Writer threads in `appeal batch`.
pub(super) const WRITERS: usize = 8;

/// `appeal batch --jobs` is capped at this many worker threads per core: more only costs
/// memory (each thread holds a letter being typeset; 1,000 threads took 1.08 GB).
pub(super) const JOBS_PER_CORE: usize = 4;

/// The worker threads for a batch of `cases` cases: `--jobs` (default one per core), at most
/// the number of cases and [`JOBS_PER_CORE`] per core, at least one.
pub(super) fn worker_threads(jobs: Option<usize>, cases: usize) -> usize {
    let cores = std::thread::available_parallelism().map_or(1, usize::from);
    jobs.unwrap_or(cores).min(cores * JOBS_PER_CORE).min(cases).max(1)
}
