//! `appeal check`: whether the letter is ready to send ([`crate::check`]).

use super::*;

pub(super) fn check(args: CheckArgs) -> Result<Exit, CliError> {
    let workspace = load_workspace(&args.data.sources())?;
    let case = read_case(&args.report.case)?;
    let kind = args.data.kind.unwrap_or(case.letter.kind);
    crate::escalation::can_write(&case, kind, &workspace.rules)?;
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
    print_report(&report, args.report.json);
    Ok(if report.is_ready() {
        Exit::Success
    } else {
        Exit::Problems
    })
}
