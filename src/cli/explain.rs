//! `appeal explain`: every argument block, used or skipped, and why.

use super::*;

pub(super) fn explain(args: ExplainArgs) -> Result<ExitCode, CliError> {
    let workspace = Workspace::load(&args.data.sources())?;
    let case = read_case(&args.case)?;
    let kind = args.data.kind.unwrap_or(case.letter.kind);
    case.can_write(kind)?;
    let draft = workspace.draft(&case, args.data.options()?)?;
    let order: Vec<&str> = draft.letter.references.iter().map(|r| r.key.as_str()).collect();
    let mut out = std::io::stdout().lock();
    if args.json {
        let value = serde_json::json!({
            "format": 1,
            "kind": draft.plan.kind.id(),
            "regulation": {
                "id": case.regulation().id(),
                "inferred": case.inferred_regulation().is_some(),
            },
            "voice": case.voice_for(kind).id(),
            "blocks": draft.plan.blocks,
            "citations": order,
        });
        let _ = writeln!(
            out,
            "{}",
            serde_json::to_string_pretty(&value).unwrap_or_default()
        );
        return Ok(ExitCode::SUCCESS);
    }
    let _ = writeln!(
        out,
        "{}: {} letter in the {}'s voice",
        args.case.display(),
        draft.plan.kind,
        case.voice_for(kind).id()
    );
    let _ = writeln!(
        out,
        "{}: {}",
        if case.is_request() {
            "a request before any decision; the letter answers"
        } else {
            "denial reasons"
        },
        case.reasons()
            .iter()
            .map(|r| r.id())
            .collect::<Vec<_>>()
            .join(", ")
    );
    if let Some(r) = case.inferred_regulation() {
        let _ = writeln!(
            out,
            "plan regulation: {} (inferred from plan.type; set plan.regulation to change it)",
            r.id()
        );
    }
    let _ = writeln!(out);
    for item in &draft.plan.blocks {
        let mark = if item.selected {
            "used   "
        } else if item.problem {
            "MISSING"
        } else {
            "skipped"
        };
        let _ = writeln!(out, "{mark} {:<30} {}", item.id, item.reason);
        if let Some(o) = item.override_ {
            let _ = writeln!(out, "        {:<30} (your [arguments] {o} changed this)", "");
        }
        if item.selected && !item.citations.is_empty() {
            let _ = writeln!(out, "        {:<30} cites {}", "", item.citations.join(", "));
        }
        if !item.unlock.is_empty() {
            let _ = writeln!(
                out,
                "        {:<30} would apply with {}",
                "",
                item.unlock.join(" and ")
            );
        }
    }
    let _ = writeln!(out);
    if order.is_empty() {
        let _ = writeln!(out, "citations: none");
    } else {
        let _ = writeln!(out, "citations, in order: {}", order.join(", "));
    }
    Ok(ExitCode::SUCCESS)
}
