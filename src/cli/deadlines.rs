//! `appeal deadlines` and `appeal status`: the dates that apply to a case, with their rules;
//! `--ics FILE` or `-o DIR`.

use super::*;

pub(super) fn deadlines(args: DeadlinesArgs) -> Result<Exit, CliError> {
    let case = read_case(&args.report.case)?;
    let book = match &args.rules {
        Some(dir) => crate::rules::RuleBook::load_dir(dir),
        None => crate::rules::RuleBook::bundled(),
    }
    .map_err(crate::workspace::LoadError::from)?;
    let today = today()?;
    let regulation = case.regulation();
    let Some(rules) = book.get(regulation) else {
        return Err(CliError::Usage(format!(
            "no rules are recorded for plan regulation `{regulation}`"
        )));
    };
    let result = crate::rules::deadlines_for(rules, &case, today);
    let file = args.report.case.display().to_string();
    let report = result.report(&file, rules, today);
    print_report(&report, args.report.json);
    let calendar = match (&args.ics, &args.out) {
        (Some(path), _) => Some(path.clone()),
        (None, Some(dir)) => Some(dir.join(format!("{}.ics", output::stem(&args.report.case)))),
        (None, None) => None,
    };
    if let Some(path) = &calendar {
        if result.items.iter().all(|d| d.date.is_none()) {
            eprintln!(
                "note: no verified dates for this plan type, so no calendar was written; use the dates on your denial notice"
            );
        } else {
            let ics = crate::rules::to_ics(&result, &format!("Appeal ({})", case.patient.name), today);
            output::refuse_inputs([path.as_path()], &[args.report.case.as_path()])?;
            output::write_all(&[(path.clone(), ics.into_bytes())], args.force)?;
            // With --json, stdout carries only the JSON document.
            if args.report.json {
                eprintln!("wrote {}", path.display());
            } else {
                let _ = writeln!(std::io::stdout().lock(), "wrote {}", path.display());
            }
        }
    }
    Ok(Exit::Success)
}

/// `appeal status`: the case's timeline and what is due ([`crate::status`]).
pub(super) fn status(args: StatusArgs) -> Result<Exit, CliError> {
    let case = read_case(&args.report.case)?;
    let book =
        crate::rules::RuleBook::load(args.rules.as_deref()).map_err(crate::workspace::LoadError::from)?;
    let today = today()?;
    let regulation = case.regulation();
    let Some(rules) = book.get(regulation) else {
        return Err(CliError::Usage(format!(
            "no rules are recorded for plan regulation `{regulation}`"
        )));
    };
    let deadlines = crate::rules::deadlines_for(rules, &case, today);
    print_report(&crate::status::status(&case, &deadlines), args.report.json);
    Ok(Exit::Success)
}
