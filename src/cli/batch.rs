//! `appeal batch`: many cases in parallel; a bad case does not stop the rest.

use super::*;

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
        Exit::Success
    } else {
        Exit::Problems
    })
}

/// Why a case of a batch was not written.
pub(super) enum Failure {
    /// The case failed; the message names it.
    Error(String),
    /// The case was not tried because there was no room left to write.
    NoRoom,
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

/// Drafts and typesets one case of a batch; returns the files to write.
pub(super) fn draft_one(
    workspace: &Workspace,
    path: &Path,
    stem: &str,
    args: &BatchArgs,
    options: DraftOptions,
    pdf_options: &PdfOptions,
) -> Result<Vec<(PathBuf, Vec<u8>)>, CliError> {
    let case = read_case(path)?;
    let selection = crate::packet::Selection {
        kind: args.data.kind,
        packet: false,
        next_steps: false,
    };
    let mut files = Vec::new();
    for doc in workspace.packet(&case, stem, selection, options)? {
        let name = &doc.name;
        if args.format != Format::Pdf {
            files.push((
                args.out.join(format!("{name}.md")),
                doc.markdown.clone().into_bytes(),
            ));
        }
        if args.format != Format::Md {
            let mut opts = pdf_options.clone();
            opts.source_name = format!("{name}.md");
            files.push((
                args.out.join(format!("{name}.pdf")),
                crate::render::pdf::pdf(&doc.markdown, &opts).map_err(|source| CliError::Typeset {
                    case: path.display().to_string(),
                    source,
                })?,
            ));
        }
    }
    Ok(files)
}
