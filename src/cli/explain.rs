//! `appeal explain`: every argument block, used or skipped, and why ([`crate::explain`]).

use super::*;

pub(super) fn explain(args: ExplainArgs) -> Result<ExitCode, CliError> {
    let workspace = Workspace::load(&args.data.sources())?;
    let case = read_case(&args.case)?;
    let kind = args.data.kind.unwrap_or(case.letter.kind);
    case.can_write(kind)?;
    let draft = workspace.draft(&case, args.data.options()?)?;
    let report = crate::explain::Explanation::of(&case, &draft);
    let mut out = std::io::stdout().lock();
    if args.json {
        let _ = writeln!(
            out,
            "{}",
            serde_json::to_string_pretty(&report).unwrap_or_default()
        );
    } else {
        let _ = write!(out, "{report}");
    }
    Ok(ExitCode::SUCCESS)
}
