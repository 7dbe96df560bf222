//! `appeal render`: draft each case's documents, typeset them, write them all or nothing.

use super::*;

pub(super) fn render(args: RenderArgs) -> Result<Exit, CliError> {
    let formats = Formats::of(&args.format);
    let workspace = Workspace::load(&args.data.sources())?;
    let options = args.data.options()?;
    let pdf_base = args.pdf.options("letter.md")?;
    let flag_letterhead = if formats.typeset() {
        args.pdf.letterhead()?
    } else {
        None
    };
    let mut written = Vec::new();
    // Library problems are shown with the other warnings once every letter is written; a
    // letter that cites a broken entry fails with that entry's problem alone.
    let mut warnings: Vec<String> = workspace
        .library_warnings
        .iter()
        .map(|d| format!("warning: {d}"))
        .collect();
    // Everything is drafted and typeset in memory first; files are written only when every
    // case succeeded, so a bad case never leaves half the outputs behind.
    // (case file, document name, Markdown, index into `typesetting`), in output order.
    let mut documents: Vec<(&Path, String, String, usize)> = Vec::new();
    // Each case's paper, font and letterhead.
    let mut typesetting: Vec<PdfOptions> = Vec::new();
    let selection = crate::packet::Selection {
        kind: args.data.kind,
        packet: args.packet,
        next_steps: true,
    };
    for path in &args.cases {
        let case = read_case(path)?;
        let stem = output::stem(path);
        let pdf = PdfOptions {
            letterhead: args::case_letterhead(flag_letterhead.as_ref(), &case, path, formats)?,
            ..pdf_base.clone()
        };
        // With --packet and a fax number, a cover sheet goes first, counting the letters' pages
        // as typeset with this case's paper, fonts and letterhead.
        let fax = PdfOptions {
            source_name: "fax".to_string(),
            ..pdf.clone()
        };
        let docs = workspace.documents(&case, &stem, selection, &fax, options)?;
        for doc in docs {
            let problems = doc.problems;
            if problems > 0 {
                warnings.push(format!(
                    "warning: {}: {problems} argument{} that appl{} could not be written; run `appeal check {}`",
                    path.display(),
                    if problems == 1 { "" } else { "s" },
                    if problems == 1 { "ies" } else { "y" },
                    path.display()
                ));
            }
            documents.push((path, doc.name, doc.markdown, typesetting.len()));
        }
        typesetting.push(pdf);
    }
    // Two cases that would write one name are refused before anything is typeset or written.
    let names = |name: &str| formats.files(&args.out, name);
    // One claim per case as given (a case named twice clashes with itself).
    let mut claims: Vec<(&Path, Vec<PathBuf>)> = Vec::new();
    for (path, name, _, _) in &documents {
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
        .chain(&args.pdf.letterhead)
        .map(PathBuf::as_path)
        .collect();
    let targets: Vec<PathBuf> = documents.iter().flat_map(|(_, name, _, _)| names(name)).collect();
    output::refuse_inputs(targets.iter().map(PathBuf::as_path), &inputs)?;
    // Typeset every document at once (one per core); report the first failure in order.
    let typeset: Vec<Result<Files, CliError>> = documents
        .par_iter()
        .map(|(path, name, markdown, case)| {
            super::typeset(formats, &args.out, path, name, markdown, &typesetting[*case])
        })
        .collect();
    let mut outputs: Files = Vec::new();
    for files in typeset {
        outputs.extend(files?);
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
    Ok(Exit::Success)
}
