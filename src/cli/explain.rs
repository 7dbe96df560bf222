//! `appeal explain`: every argument block, used or skipped, and why ([`crate::explain`]).

use super::*;

pub(super) fn explain(args: ExplainArgs) -> Result<Exit, CliError> {
    let workspace = load_workspace(&args.data.sources())?;
    let case = read_case(&args.report.case)?;
    let kind = args.data.kind.unwrap_or(case.letter.kind);
    crate::escalation::can_write(&case, kind, &workspace.rules)?;
    let draft = workspace.draft(&case, args.data.options()?)?;
    let report = crate::explain::Explanation::of(&case, &draft);
    print_report(&report, args.report.json);
    Ok(Exit::Success)
}
