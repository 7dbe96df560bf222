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
    if args.json {
        let _ = writeln!(
            out,
            "{}",
            serde_json::to_string_pretty(&report).unwrap_or_default()
        );
    } else {
        let _ = write!(out, "{report}");
    }
    Ok(if report.is_ready() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}
