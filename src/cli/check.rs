//! `appeal check`: whether the letter is ready to send ([`crate::check`]).

use super::*;

pub(super) fn check(args: CheckArgs) -> Result<ExitCode, CliError> {
    let workspace = Workspace::load(&args.data.sources())?;
    let case = read_case(&args.case)?;
    let kind = args.data.kind.unwrap_or(case.letter.kind);
    case.can_write(kind)?;
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
