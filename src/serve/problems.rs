//! Problems as the page shows them: at the field, with line, column, message and hint.
//!
//! A case that does not parse gives a [`CaseError`] with a line and column; the field is found
//! from the line ([`field_at`]), so the page can put the message beside the input that wrote it.
//! A case that parses gives `check`'s problems, which name their field already.

use serde::Serialize;

use crate::case::CaseError;
use crate::check::{Problem as CheckProblem, Severity};

/// One problem, for the page.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Problem {
    /// `error` or `warning`.
    pub severity: Severity,
    /// 1-based line in the case file, when known.
    pub line: Option<usize>,
    /// 1-based column, in characters.
    pub column: Option<usize>,
    /// The dotted field (`patient.date_of_birth`, `treatments.1.ended`), when known.
    pub field: Option<String>,
    /// What is wrong.
    pub message: String,
    /// How to fix it.
    pub hint: Option<String>,
}

/// Every problem of a case file that does not parse, in file order.
pub fn from_case_error(error: &CaseError, text: &str) -> Vec<Problem> {
    error
        .iter()
        .map(|e| {
            let line = e.location.line;
            Problem {
                severity: Severity::Error,
                line: Some(line),
                column: Some(e.location.column),
                field: missing_field(&e.message, text, line).or_else(|| field_at(text, line)),
                message: e.message.clone(),
                hint: e.hint.clone(),
            }
        })
        .collect()
}

/// `check`'s problems.
pub fn from_check(problems: &[CheckProblem]) -> Vec<Problem> {
    problems
        .iter()
        .map(|p| Problem {
            severity: p.severity,
            line: p.location.as_ref().map(|l| l.line),
            column: p.location.as_ref().map(|l| l.column),
            field: p.field.clone(),
            message: p.message.clone(),
            hint: p.hint.clone(),
        })
        .collect()
}

/// A problem that is not about one place in the file (the letter could not be drafted).
pub fn general(message: String, hint: Option<String>) -> Problem {
    Problem {
        severity: Severity::Error,
        line: None,
        column: None,
        field: None,
        message,
        hint,
    }
}

/// For "missing field `name`" at a table: that field of the table.
fn missing_field(message: &str, text: &str, line: usize) -> Option<String> {
    let rest = message.split("missing field `").nth(1)?;
    let key = rest.split('`').next()?;
    match field_at(text, line) {
        Some(table) if !table.contains('=') => Some(format!("{table}.{key}")),
        _ => Some(key.to_string()),
    }
}

/// The dotted field written on `line` (1-based) of a TOML case file: `table.key`, a row's
/// `table.N.key` (rows counted from 0, as `check` counts them), or the table itself for a
/// header line. A line inside a multi-line value belongs to the key that opened it.
pub fn field_at(text: &str, line: usize) -> Option<String> {
    let mut table = String::new();
    let mut key: Option<String> = None;
    let mut rows: std::collections::HashMap<String, usize> = std::collections::HashMap::new();
    let mut open_string = false;
    for (n, raw) in text.lines().enumerate().take(line) {
        let l = raw.trim();
        if open_string {
            if l.matches("\"\"\"").count() % 2 == 1 || l.matches("'''").count() % 2 == 1 {
                open_string = false;
            }
            continue;
        }
        if let Some(name) = l.strip_prefix("[[").and_then(|r| r.split("]]").next()) {
            // Arrays of tables sit at the top level or under a plain table (`care`,
            // `authorization`, `request`), so a row's number counts every header of its name.
            let name = name.trim().to_string();
            let index = rows.entry(name.clone()).and_modify(|i| *i += 1).or_insert(0);
            table = format!("{name}.{index}");
            key = None;
        } else if let Some(name) = l.strip_prefix('[').and_then(|r| r.split(']').next()) {
            table = name.trim().to_string();
            key = None;
        } else if let Some((k, value)) = l.split_once('=')
            && !l.starts_with('#')
        {
            let k = k.trim().trim_matches('"').to_string();
            key = Some(if table.is_empty() {
                k
            } else {
                format!("{table}.{k}")
            });
            let v = value.trim();
            if (v.starts_with("\"\"\"") && v.matches("\"\"\"").count() == 1)
                || (v.starts_with("'''") && v.matches("'''").count() == 1)
            {
                open_string = n + 1 < line;
            }
        }
    }
    key.or(if table.is_empty() { None } else { Some(table) })
}

#[cfg(test)]
mod tests {
    use super::*;

    const TEXT: &str = "schema = 1\n[patient]\nname = \"A\"\nnotes = \"\"\"\nline\n\"\"\"\n\
        [[treatments]]\nname = \"x\"\n[[treatments]]\nended = 2026-01-01\n[care]\n\
        [[care.prior_authorizations]]\nid = \"1\"\n";

    #[test]
    fn finds_the_field_a_line_writes() {
        assert_eq!(field_at(TEXT, 1).as_deref(), Some("schema"));
        assert_eq!(field_at(TEXT, 2).as_deref(), Some("patient"));
        assert_eq!(field_at(TEXT, 3).as_deref(), Some("patient.name"));
        assert_eq!(field_at(TEXT, 5).as_deref(), Some("patient.notes"));
        assert_eq!(field_at(TEXT, 8).as_deref(), Some("treatments.0.name"));
        assert_eq!(field_at(TEXT, 10).as_deref(), Some("treatments.1.ended"));
        assert_eq!(
            field_at(TEXT, 13).as_deref(),
            Some("care.prior_authorizations.0.id")
        );
    }

    #[test]
    fn a_parse_error_is_put_at_its_field() {
        let text = "schema = 1\n[sender]\nname = \"A\"\nnpi = \"123\"\n";
        let error = crate::case::Case::parse("case.toml", text).unwrap_err();
        let problems = from_case_error(&error, text);
        assert!(
            problems.iter().any(|p| p.field.as_deref() == Some("sender.npi")),
            "{problems:?}"
        );
    }
}
