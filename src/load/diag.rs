//! Diagnostics: what is wrong in a user's file, where, and how to fix it.
//!
//! Every problem the case, catalogue, template and rules loaders find is a [`Diagnostic`]: a
//! [`Location`] (file, line and column, 1-based, columns counted in characters, so editors can
//! jump to it), a message, a hint and a [`Severity`]. A loader collects every problem it can
//! find into [`Diagnostics`], in file order, so a person fixes them all in one pass.

use std::fmt;

/// A place in a user's file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Location {
    /// The file as the user named it.
    pub file: String,
    /// 1-based line.
    pub line: usize,
    /// 1-based column, in characters.
    pub column: usize,
}

impl Location {
    /// The location of byte `offset` in `text`, clamped to the end of the text.
    pub fn at(file: &str, text: &str, offset: usize) -> Location {
        let mut offset = offset.min(text.len());
        while !text.is_char_boundary(offset) {
            offset -= 1;
        }
        let before = &text[..offset];
        let line = before.matches('\n').count() + 1;
        let line_start = before.rfind('\n').map_or(0, |i| i + 1);
        let column = text[line_start..offset].chars().count() + 1;
        Location {
            file: file.to_string(),
            line,
            column,
        }
    }
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}:{}", self.file, self.line, self.column)
    }
}

crate::model::vocab::vocabulary! {
    /// How serious a diagnostic is.
    pub enum Severity ("severity") {
        /// The file cannot be used until it is fixed.
        Error = "error",
        /// The file can be used, but something is likely wrong.
        Warning = "warning",
    }
}

/// One problem in a user's file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    /// Where, as precisely as known.
    pub location: Location,
    /// What is wrong.
    pub message: String,
    /// How to fix it.
    pub hint: Option<String>,
    /// How serious it is.
    pub severity: Severity,
}

impl Diagnostic {
    /// An error at `location`.
    pub fn error(location: Location, message: impl Into<String>) -> Diagnostic {
        Diagnostic {
            location,
            message: message.into(),
            hint: None,
            severity: Severity::Error,
        }
    }

    /// The same diagnostic with a hint (or none).
    #[must_use]
    pub fn with_hint(mut self, hint: Option<impl Into<String>>) -> Diagnostic {
        self.hint = hint.map(Into::into);
        self
    }
}

impl fmt::Display for Diagnostic {
    /// `file:line:col: message`, then `  hint: …` on its own line.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.location, self.message)?;
        if let Some(h) = &self.hint {
            write!(f, "\n  hint: {h}")?;
        }
        Ok(())
    }
}

impl std::error::Error for Diagnostic {}

/// Every problem a loader found, in file order.
///
/// Shown one after another; each after the first starts with its severity (`error: …`), as the
/// command line prints the first after `error: `.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Diagnostics(pub Vec<Diagnostic>);

impl Diagnostics {
    /// One problem.
    pub fn one(diagnostic: Diagnostic) -> Diagnostics {
        Diagnostics(vec![diagnostic])
    }

    /// Problems found in one file, sorted by line and column (a stable sort: problems at the
    /// same place keep the order they were found in).
    pub fn in_file_order(mut problems: Vec<Diagnostic>) -> Diagnostics {
        problems.sort_by_key(|d| (d.location.line, d.location.column));
        Diagnostics(problems)
    }

    /// Whether no problem was found.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The problems.
    pub fn iter(&self) -> std::slice::Iter<'_, Diagnostic> {
        self.0.iter()
    }
}

impl fmt::Display for Diagnostics {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, d) in self.0.iter().enumerate() {
            if i > 0 {
                write!(f, "\n{}: ", d.severity)?;
            }
            write!(f, "{d}")?;
        }
        Ok(())
    }
}

impl std::error::Error for Diagnostics {}

/// The byte span, in a TOML document, of the deepest value on `path` (keys, with array indices
/// as numbers) that the document has: the value itself, or its key when it is a table (a
/// table's own span covers all of it). `None` when the text is not TOML or the first key is
/// missing.
pub fn span_of(text: &str, path: &[impl AsRef<str>]) -> Option<std::ops::Range<usize>> {
    use toml::de::{DeTable, DeValue};
    let doc = DeTable::parse(text).ok()?;
    let mut span = None;
    let mut table = Some(doc.get_ref());
    let mut array: Option<&toml::de::DeArray<'_>> = None;
    for part in path {
        let part = part.as_ref();
        let value = if let Some(t) = table {
            t.iter()
                .find(|(k, _)| k.get_ref().as_ref() == part)
                .map(|(k, v)| {
                    span = Some(if matches!(v.get_ref(), DeValue::Table(_)) {
                        k.span()
                    } else {
                        v.span()
                    });
                    v
                })
        } else if let Some(a) = array {
            part.parse::<usize>().ok().and_then(|i| a.get(i)).inspect(|v| {
                span = Some(v.span());
            })
        } else {
            None
        };
        let Some(value) = value else { break };
        table = None;
        array = None;
        match value.get_ref() {
            DeValue::Table(t) => table = Some(t),
            DeValue::Array(a) => array = Some(a),
            _ => {}
        }
    }
    span
}

/// The [`Location`] of the value at `path` in a TOML document (see [`span_of`]), falling back
/// to the nearest enclosing table, then to the start of the file.
pub fn locate(file: &str, text: &str, path: &[impl AsRef<str>]) -> Location {
    Location::at(file, text, span_of(text, path).map_or(0, |s| s.start))
}

/// The most characters of the user's own text a message repeats.
pub const ECHO_LIMIT: usize = 80;

/// `text` as a message repeats it: whole when short, else its first [`ECHO_LIMIT`] characters,
/// an ellipsis and the full length (a 10 MB key must not fill the terminal).
pub fn shorten(text: &str) -> std::borrow::Cow<'_, str> {
    match text.char_indices().nth(ECHO_LIMIT) {
        None => std::borrow::Cow::Borrowed(text),
        Some((cut, _)) => {
            std::borrow::Cow::Owned(format!("{}… ({} characters)", &text[..cut], text.chars().count()))
        }
    }
}

/// The candidate closest to `word`, if one is close enough to be a likely typo.
pub fn did_you_mean<'a>(word: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    let candidates: Vec<&'a str> = candidates.into_iter().collect();
    let folded = word.trim().to_lowercase().replace([' ', '_'], "-");
    if let Some(c) = SYNONYMS
        .iter()
        .filter(|(said, _)| *said == folded)
        .find_map(|(_, meant)| candidates.iter().copied().find(|c| c == meant))
    {
        return Some(c);
    }
    candidates
        .into_iter()
        .map(|c| (strsim::jaro_winkler(word, c), c))
        .filter(|(score, _)| *score > 0.8)
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, c)| c)
}

/// Words people write for a key or value of the case format, and the one it has: offered as a
/// hint ("did you mean `ongoing`?"), never applied silently. Written folded: lower case, hyphens
/// for spaces and underscores.
const SYNONYMS: &[(&str, &str)] = &[
    ("current", "ongoing"),
    ("active", "ongoing"),
    ("in-progress", "ongoing"),
    ("continuing", "ongoing"),
    ("finished", "completed"),
    ("complete", "completed"),
    ("done", "completed"),
    ("progressed", "failed"),
    ("progression", "failed"),
    ("not-tolerated", "intolerant"),
    ("dob", "date_of_birth"),
    ("birthdate", "date_of_birth"),
    ("birth-date", "date_of_birth"),
    ("birthday", "date_of_birth"),
    ("member-number", "member_id"),
    ("insurance-id", "member_id"),
    ("id-number", "member_id"),
    ("group", "group_number"),
    ("icd", "icd10"),
    ("icd-10", "icd10"),
    ("cpt", "codes"),
    ("hcpcs", "codes"),
];

/// serde's "unknown variant `x`, expected one of `a`, `b`" as a message that names the valid
/// words and a "did you mean" hint when one is close; any other message unchanged, without a
/// hint.
pub fn explain_unknown_variant(raw: &str) -> (String, Option<String>) {
    let Some((word, tail)) = raw
        .strip_prefix("unknown variant `")
        .and_then(|rest| rest.split_once('`'))
    else {
        return (raw.to_string(), None);
    };
    let expected: Vec<&str> = tail.split('`').skip(1).step_by(2).collect();
    let message = format!(
        "unknown value `{}`; expected one of: {}",
        shorten(word),
        expected.join(", ")
    );
    let hint = did_you_mean(word, expected.iter().copied()).map(|best| format!("did you mean `{best}`?"));
    (message, hint)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_the_word_the_format_has_for_a_common_synonym() {
        let statuses = ["ongoing", "completed", "failed", "intolerant", "contraindicated"];
        assert_eq!(did_you_mean("current", statuses), Some("ongoing"));
        assert_eq!(did_you_mean("Progressed", statuses), Some("failed"));
        assert_eq!(
            did_you_mean("dob", ["name", "date_of_birth", "sex"]),
            Some("date_of_birth")
        );
        // A synonym whose word is not among the candidates is no hint.
        assert_eq!(did_you_mean("dob", ["name", "sex"]), None);
    }

    #[test]
    fn locates_lines_and_character_columns() {
        let text = "a = 1\nnäme = 2\n";
        let loc = Location::at("case.toml", text, text.find('=').unwrap());
        assert_eq!(loc.to_string(), "case.toml:1:3");
        let loc = Location::at("case.toml", text, text.rfind('=').unwrap());
        assert_eq!((loc.line, loc.column), (2, 6));
    }

    #[test]
    fn locates_key_paths_in_toml() {
        let text = "a = 1\n[t]\nlist = [\"x\", \"y\"]\n";
        assert_eq!(
            locate("f.toml", text, &["t", "list", "1"]).to_string(),
            "f.toml:3:14"
        );
        // A table is found at its key; a missing key falls back to its table.
        assert_eq!(locate("f.toml", text, &["t"]).to_string(), "f.toml:2:2");
        assert_eq!(locate("f.toml", text, &["t", "nope"]).to_string(), "f.toml:2:2");
        assert_eq!(locate("f.toml", text, &["nope"]).to_string(), "f.toml:1:1");
        assert_eq!(span_of("not = toml = here", &["not"]), None);
    }

    #[test]
    fn diagnostics_show_each_problem_after_the_first_with_its_severity() {
        let at = |line| Location {
            file: "f".into(),
            line,
            column: 1,
        };
        let found = Diagnostics::in_file_order(vec![
            Diagnostic::error(at(3), "later").with_hint(Some("fix it")),
            Diagnostic::error(at(1), "first"),
        ]);
        assert_eq!(
            found.to_string(),
            "f:1:1: first\nerror: f:3:1: later\n  hint: fix it"
        );
    }

    #[test]
    fn unknown_variants_name_the_choices() {
        let (message, hint) =
            explain_unknown_variant("unknown variant `erisaa`, expected one of `erisa`, `fehb`");
        assert_eq!(message, "unknown value `erisaa`; expected one of: erisa, fehb");
        assert_eq!(hint.as_deref(), Some("did you mean `erisa`?"));
        assert_eq!(explain_unknown_variant("duplicate key").0, "duplicate key");
    }

    #[test]
    fn suggests_near_misses_only() {
        assert_eq!(did_you_mean("nmae", ["name", "npi", "phone"]), Some("name"));
        assert_eq!(did_you_mean("zzz", ["name", "npi"]), None);
    }
}
