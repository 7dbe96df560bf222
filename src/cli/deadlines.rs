//! `appeal deadlines`: the dates that apply to a case, with their rules; `--ics`.

use super::*;

pub(super) fn deadlines(args: DeadlinesArgs) -> Result<ExitCode, CliError> {
    let case = read_case(&args.case)?;
    let book = match &args.rules {
        Some(dir) => crate::rules::RuleBook::load_dir(dir),
        None => crate::rules::RuleBook::bundled(),
    }
    .map_err(crate::workspace::LoadError::from)?;
    let today = today()?;
    let regulation = case.regulation().id();
    let Some(rules) = book.get(regulation) else {
        return Err(CliError::Usage(format!(
            "no rules are recorded for plan regulation `{regulation}`"
        )));
    };
    let result = crate::rules::deadlines_for(rules, &case, today);
    let mut out = std::io::stdout().lock();
    if args.json {
        let value = serde_json::json!({
            "format": 1,
            "items": result.items,
            "notes": result.notes,
        });
        let _ = writeln!(
            out,
            "{}",
            serde_json::to_string_pretty(&value).unwrap_or_default()
        );
    } else {
        let _ = writeln!(
            out,
            "{}: {} ({regulation}); today is {today}",
            args.case.display(),
            rules.name
        );
        for d in &result.items {
            let when = match (&d.date, &d.status) {
                (Some(date), crate::rules::Status::Today) => format!("{date}  TODAY"),
                (Some(date), crate::rules::Status::Passed { days_ago }) => {
                    format!(
                        "{date}  passed {days_ago} day{} ago",
                        if *days_ago == 1 { "" } else { "s" }
                    )
                }
                (Some(date), crate::rules::Status::Upcoming { days_left }) => {
                    format!(
                        "{date}  in {days_left} day{}",
                        if *days_left == 1 { "" } else { "s" }
                    )
                }
                _ => "no verified date: use the date on your denial notice".to_string(),
            };
            let _ = writeln!(out, "\n{}: {when}", d.label);
            let _ = writeln!(out, "  {}", d.basis);
            let _ = writeln!(out, "  rule: {} [{}]", d.citation, d.tag.as_str());
            if let (Some(text), crate::rules::Status::Passed { .. }) = (&d.if_passed, &d.status) {
                let _ = writeln!(out, "  {text}");
            }
        }
        if !result.notes.is_empty() {
            let _ = writeln!(out, "\nnotes:");
            for n in &result.notes {
                let _ = writeln!(out, "  - {n}");
            }
        }
    }
    if let Some(path) = &args.ics {
        if result.items.iter().all(|d| d.date.is_none()) {
            eprintln!(
                "note: no verified dates for this plan type, so no calendar was written; use the dates on your denial notice"
            );
        } else {
            let ics = crate::rules::to_ics(&result, &format!("Appeal ({})", case.patient.name), today);
            output::refuse_inputs([path.as_path()], &[args.case.as_path()])?;
            output::write_all(&[(path.clone(), ics.into_bytes())], args.force)?;
            // With --json, stdout carries only the JSON document.
            if args.json {
                eprintln!("wrote {}", path.display());
            } else {
                let _ = writeln!(out, "wrote {}", path.display());
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}
