//! CSL-JSON, Zotero's native export (*File → Export Library… → CSL JSON*): a list of items.
//!
//! Each item becomes a [`Reference`](super::Reference) with BibTeX field names: `title`,
//! `container-title` → `journal`, `container-title-short` (or `journalAbbreviation`) →
//! `shortjournal`, `issued` → `year` and `month`, `volume`, `issue` → `number`, `page` →
//! `pages`, `DOI`, `PMID`, `PMCID`, `URL`, `ISSN`, `publisher`, `publisher-place` → `address`;
//! `author` and `editor` name lists; `keyword` → tags. The key is `citation-key`, else a
//! `Citation Key:` line in `note`, else the item's `id` (its last `/` segment when the id is a
//! Zotero URI). Curation fields come from `note` lines ([`super::record`]) or, in a file
//! written by hand, from top-level `verification`, `verification_note`, `verification_source`
//! and `finding` properties.
//!
//! A file that is not JSON is refused with the line and column serde_json gives; an item that
//! is not an object, or a value of the wrong shape, is reported at its item and the rest load.

use serde_json::Value;

use super::record::{Record, Records, problem};
use super::{Diagnostic, LineIndex};

/// Byte ranges of the top-level array's items, for their lines and columns. The text is
/// valid JSON (serde_json read it first), so strings and nesting are all this follows.
fn item_spans(text: &str) -> Vec<std::ops::Range<usize>> {
    let bytes = text.as_bytes();
    let mut spans = Vec::new();
    let mut depth = 0usize;
    let mut in_string = false;
    let mut escaped = false;
    let mut start = None;
    for (i, &b) in bytes.iter().enumerate() {
        if in_string {
            match b {
                _ if escaped => escaped = false,
                b'\\' => escaped = true,
                b'"' => in_string = false,
                _ => {}
            }
            continue;
        }
        match b {
            b'"' => {
                in_string = true;
                if depth == 1 && start.is_none() {
                    start = Some(i);
                }
            }
            b'[' | b'{' => {
                if depth == 1 && start.is_none() {
                    start = Some(i);
                }
                depth += 1;
            }
            b']' | b'}' => {
                depth = depth.saturating_sub(1);
                if depth == 1
                    && let Some(s) = start.take()
                {
                    spans.push(s..i + 1);
                }
                if depth == 0
                    && let Some(s) = start.take()
                {
                    spans.push(s..i);
                }
            }
            b',' if depth == 1 => {
                if let Some(s) = start.take() {
                    spans.push(s..i);
                }
            }
            b if depth == 1 && !b.is_ascii_whitespace() && start.is_none() => start = Some(i),
            _ => {}
        }
    }
    spans
}

const HINT: &str = "a CSL-JSON library is a list of items, `[{\"id\": …, \"type\": …, \"title\": …}, …]`; export it again from Zotero (File → Export Library… → CSL JSON)";

/// Reads a CSL-JSON text into records with their locations (line, column, byte span).
pub(super) fn read(file: &str, text: &str, diags: &mut Vec<Diagnostic>) -> Records {
    let root: Value = match serde_json::from_str(text) {
        Ok(v) => v,
        Err(e) => {
            // serde_json's message ends with the position, which the diagnostic gives first.
            let shown = e.to_string();
            let what = shown
                .rsplit_once(" at line ")
                .map_or(shown.as_str(), |(what, _)| what);
            // Column 0 is the line feed ending the line before (an unclosed string).
            let (line, column) = match (e.line(), e.column()) {
                (line, 0) if line > 1 => {
                    let previous = text.lines().nth(line - 2).unwrap_or("");
                    (line - 1, previous.chars().count() + 1)
                }
                (line, column) => (line.max(1), column.max(1)),
            };
            let mut d = problem(
                file,
                line,
                column,
                format!("not valid CSL-JSON: {what}; no entry of this file was loaded"),
                HINT,
            );
            d.kind = super::DiagnosticKind::Unreadable;
            diags.push(d);
            return Vec::new();
        }
    };
    let lines = LineIndex::new(text);
    let Value::Array(items) = root else {
        let offset = text.len() - text.trim_start().len();
        let (line, column) = lines.line_col(text, offset);
        let mut d = problem(
            file,
            line,
            column,
            "a CSL-JSON library must be a list of items `[…]`; no entry of this file was loaded".to_owned(),
            HINT,
        );
        d.kind = super::DiagnosticKind::Unreadable;
        diags.push(d);
        return Vec::new();
    };
    let spans = item_spans(text);
    let mut records = Vec::with_capacity(items.len());
    for (i, item) in items.into_iter().enumerate() {
        let span = spans.get(i).cloned().unwrap_or(0..0);
        let (line, column) = lines.line_col(text, span.start);
        let Value::Object(item) = item else {
            diags.push(problem(
                file,
                line,
                column,
                format!("item {} is not an object `{{…}}`; it was skipped", i + 1),
                HINT,
            ));
            continue;
        };
        let mut record = Record::default();
        let mut wrong = Vec::new();
        let text_of = |v: &Value| -> Option<String> {
            match v {
                Value::String(s) => Some(s.clone()),
                Value::Number(n) => Some(n.to_string()),
                _ => None,
            }
        };
        for (name, value) in &item {
            let target = match name.as_str() {
                "title" => "title",
                "container-title" => "journal",
                "container-title-short" | "journalAbbreviation" => "shortjournal",
                "volume" => "volume",
                "issue" => "number",
                "page" => "pages",
                "DOI" => "doi",
                "PMID" => "pmid",
                "PMCID" => "pmcid",
                "URL" => "url",
                "ISSN" => "issn",
                "ISBN" => "isbn",
                "publisher" => "publisher",
                "publisher-place" => "address",
                "edition" => "edition",
                "verification" | "verification_note" | "verification_source" | "finding" => name.as_str(),
                "author" | "editor" => {
                    match names(value) {
                        Some(list) if name == "author" => record.authors = list,
                        Some(list) => record.editors = list,
                        None => wrong.push(name.clone()),
                    }
                    continue;
                }
                "keyword" => {
                    match text_of(value) {
                        Some(k) => record.add_tags(&k),
                        None => wrong.push(name.clone()),
                    }
                    continue;
                }
                "issued" => {
                    match date(value) {
                        Some((year, month)) => {
                            record.set("year", &year);
                            if let Some(m) = month {
                                record.set("month", &m);
                            }
                        }
                        None => wrong.push(name.clone()),
                    }
                    continue;
                }
                "type" => {
                    record.kind = text_of(value).map_or("misc", |t| kind(&t)).to_owned();
                    continue;
                }
                _ => continue,
            };
            match text_of(value) {
                Some(v) => record.set(target, &v),
                None => wrong.push(name.clone()),
            }
        }
        if let Some(Value::String(note)) = item.get("note") {
            record.read_note(note);
        }
        let citation_key = item.get("citation-key").and_then(text_of);
        if let Some(k) = citation_key.filter(|k| !k.trim().is_empty()) {
            record.key = Some(k.trim().to_owned());
        }
        if record.key.is_none() {
            record.key = item
                .get("id")
                .and_then(text_of)
                .map(|id| {
                    id.trim_end_matches('/')
                        .rsplit('/')
                        .next()
                        .unwrap_or("")
                        .trim()
                        .to_owned()
                })
                .filter(|k| !k.is_empty());
        }
        if record.kind.is_empty() {
            record.kind = "misc".to_owned();
        }
        for name in wrong {
            diags.push(problem(
                file,
                line,
                column,
                format!("item {}: `{name}` does not have the shape CSL-JSON gives it; the value was ignored", i + 1),
                "names are lists of `{\"family\": …, \"given\": …}`, `issued` is `{\"date-parts\": [[2015, 5]]}`, other values are text or numbers",
            ));
        }
        records.push((record, line, column, span));
    }
    records
}

/// BibTeX entry type for a CSL type.
fn kind(csl: &str) -> &'static str {
    match csl {
        "article-journal" | "article" | "article-magazine" | "article-newspaper" | "review" => "article",
        "book" => "book",
        "chapter" | "entry-encyclopedia" | "entry-dictionary" => "incollection",
        "paper-conference" => "inproceedings",
        "report" => "techreport",
        "thesis" => "phdthesis",
        "webpage" | "post" | "post-weblog" => "online",
        "manuscript" => "unpublished",
        _ => "misc",
    }
}

/// `Family, Given` (or `{Literal}`) for each name of a CSL name list.
fn names(value: &Value) -> Option<Vec<String>> {
    let Value::Array(list) = value else {
        return None;
    };
    let clean = |v: Option<&Value>| -> String {
        v.and_then(Value::as_str)
            .unwrap_or("")
            .replace(['{', '}', '\\'], "")
            .trim()
            .to_owned()
    };
    let mut out = Vec::with_capacity(list.len());
    for name in list {
        let Value::Object(name) = name else {
            return None;
        };
        let literal = clean(name.get("literal"));
        if !literal.is_empty() {
            out.push(format!("{{{literal}}}"));
            continue;
        }
        let particle = clean(name.get("non-dropping-particle"));
        let family = clean(name.get("family"));
        let family = if particle.is_empty() {
            family
        } else {
            format!("{particle} {family}")
        };
        let given = [clean(name.get("given")), clean(name.get("dropping-particle"))]
            .into_iter()
            .filter(|s| !s.is_empty())
            .collect::<Vec<_>>()
            .join(" ");
        let suffix = clean(name.get("suffix"));
        out.push(match (given.is_empty(), suffix.is_empty()) {
            (true, _) => family,
            (false, true) => format!("{family}, {given}"),
            (false, false) => format!("{family}, {suffix}, {given}"),
        });
    }
    Some(out)
}

/// The year and month of a CSL date (`date-parts`, or `raw`/`literal` text starting with a year).
fn date(value: &Value) -> Option<(String, Option<String>)> {
    let parts = value
        .get("date-parts")
        .and_then(|p| p.get(0))
        .and_then(Value::as_array);
    if let Some(parts) = parts {
        let part = |i: usize| {
            parts.get(i).and_then(|v| match v {
                Value::Number(n) => Some(n.to_string()),
                Value::String(s) => Some(s.trim().to_owned()),
                _ => None,
            })
        };
        return part(0).map(|y| (y, part(1)));
    }
    let raw = value
        .get("raw")
        .or_else(|| value.get("literal"))
        .and_then(Value::as_str)?;
    let year: String = raw.trim().chars().take_while(char::is_ascii_digit).collect();
    (year.len() == 4).then_some((year, None))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn items_are_located_even_with_brackets_in_strings() {
        let text = "[\n  {\"id\": \"a]\", \"title\": \"x{\"},\n  {\"id\": \"b\"}\n]";
        let spans = item_spans(text);
        assert_eq!(spans.len(), 2);
        assert_eq!(&text[spans[1].clone()], "{\"id\": \"b\"}");
    }

    #[test]
    fn broken_json_is_refused_with_its_position() {
        let mut diags = Vec::new();
        let records = read("z.json", "[\n  {\"id\": \"a\",}\n]", &mut diags);
        assert!(records.is_empty());
        assert_eq!((diags[0].line, diags[0].column), (2, 14), "{diags:?}");
        assert_eq!(
            diags[0].message,
            "not valid CSL-JSON: trailing comma; no entry of this file was loaded"
        );
    }
}
