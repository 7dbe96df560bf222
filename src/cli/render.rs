//! `appeal render`: draft each case's documents, typeset them, write them all or nothing.

use super::*;

pub(super) fn render(args: RenderArgs) -> Result<Exit, CliError> {
    let workspace = Workspace::load(&args.data.sources())?;
    let options = args.data.options()?;
    let mut written = Vec::new();
    let mut warnings = Vec::new();
    // Everything is drafted and typeset in memory first; files are written only when every
    // case succeeded, so a bad case never leaves half the outputs behind.
    // (case file, document name, Markdown), in output order.
    let mut documents: Vec<(&Path, String, String)> = Vec::new();
    let selection = crate::packet::Selection {
        kind: args.data.kind,
        packet: args.packet,
        next_steps: true,
    };
    for path in &args.cases {
        let case = read_case(path)?;
        let stem = output::stem(path);
        // With --packet and a fax number, a cover sheet goes first, counting the letters' pages.
        let pdf = if args.packet && case.recipient.fax.is_some() {
            args.pdf.options("fax")?
        } else {
            Default::default()
        };
        let docs = workspace.documents(&case, &stem, selection, &pdf, options)?;
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
            documents.push((path, doc.name, doc.markdown));
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
    Ok(Exit::Success)
}
