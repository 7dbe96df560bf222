//! RIS, as Zotero, EndNote and PubMed-derived exports write it: records of `TG  - value`
//! lines from `TY  - JOUR` to `ER  - `.
//!
//! Tags read: `TY` (type), `ID` (the key), `AU`/`A1` (authors), `A2`/`ED` (editors),
//! `TI`/`T1` (title), `T2`/`JF` (journal), `J2`/`JO`/`JA` (abbreviated journal; the journal
//! when no full title is given), `PY`/`Y1`/`DA` (year), `VL`, `IS` (issue → `number`),
//! `SP`/`EP` (pages), `DO` (DOI), `AN` (PMID, when it is digits: the PubMed accession number),
//! `C2` (PMCID), `UR`, `SN`, `PB`, `CY` (place), `KW` (one tag a line), `N1` (note, read for
//! the curation lines of [`super::record`]). Other tags (`AB`, `Y2`, `DP`, …) are skipped. A
//! record without `ID` gets a key made from its first author, year and title
//! (`bakitas2015early`). A line that does not follow `TG  - ` continues the value before it, as
//! exporters wrap long abstracts.
//!
//! A tag line outside a record, a record that never ends (`ER`), or one that starts inside
//! another is reported at its line, and the rest load.

use super::Diagnostic;
use super::record::{Record, Records, problem};

const HINT: &str = "each RIS record runs from `TY  - JOUR` to `ER  - `, one `TG  - value` a line; export it again from your reference manager";

/// A record being read: its tag lines so far, the line of its `TY` and its byte offset.
type OpenRecord = (Vec<(String, String)>, usize, usize);

/// A RIS tag line: its tag and value.
fn tag_line(line: &str) -> Option<(&str, &str)> {
    let line = line.trim_end_matches('\r');
    let tag = line.get(..2)?;
    if !tag.bytes().all(|b| b.is_ascii_uppercase() || b.is_ascii_digit())
        || !tag.as_bytes()[0].is_ascii_uppercase()
    {
        return None;
    }
    let rest = line[2..].trim_start_matches(' ');
    let value = rest.strip_prefix('-')?;
    Some((tag, value.strip_prefix(' ').unwrap_or(value).trim_end()))
}

/// Reads a RIS text into records with their locations (line, column, byte span).
pub(super) fn read(file: &str, text: &str, diags: &mut Vec<Diagnostic>) -> Records {
    // A UTF-8 byte order mark (EndNote writes one) is not part of the first tag.
    let bom = if text.starts_with('\u{feff}') { 3 } else { 0 };
    let mut records = Vec::new();
    // The open record: its fields so far, its `TY` line and byte offset.
    let mut open: Option<OpenRecord> = None;
    let mut offset = bom;
    let mut stray_reported = false;
    for (n, raw) in text[bom..].split_inclusive('\n').enumerate() {
        let line_no = n + 1;
        let start = offset;
        offset += raw.len();
        let line = raw.trim_end_matches(['\n', '\r']);
        match (tag_line(line), open.as_mut()) {
            (Some(("TY", value)), current) => {
                if let Some((_, at_line, _)) = current {
                    diags.push(problem(
                        file,
                        *at_line,
                        1,
                        "RIS record has no `ER  - ` before the next `TY`; it was skipped".to_owned(),
                        HINT,
                    ));
                }
                open = Some((vec![("TY".to_owned(), value.to_owned())], line_no, start));
            }
            (Some(("ER", _)), Some(_)) => {
                if let Some((fields, at_line, at)) = open.take() {
                    records.push((record(&fields), at_line, 1, at..offset));
                }
            }
            (Some((tag, value)), Some((fields, _, _))) => fields.push((tag.to_owned(), value.to_owned())),
            (None, Some((fields, _, _))) if !line.trim().is_empty() => {
                if let Some((_, value)) = fields.last_mut() {
                    value.push(' ');
                    value.push_str(line.trim());
                }
            }
            (Some(_), None) | (None, None) if !line.trim().is_empty() && !stray_reported => {
                stray_reported = true;
                diags.push(problem(
                    file,
                    line_no,
                    1,
                    "text outside a RIS record (before its `TY  - ` line); it was skipped".to_owned(),
                    HINT,
                ));
            }
            _ => {}
        }
    }
    if let Some((_, at_line, _)) = open {
        diags.push(problem(
            file,
            at_line,
            1,
            "RIS record has no `ER  - ` line before the end of the file; it was skipped".to_owned(),
            HINT,
        ));
    }
    records
}

/// A record from its tag lines.
fn record(fields: &[(String, String)]) -> Record {
    let mut r = Record::default();
    let first = |tags: &[&str]| {
        fields
            .iter()
            .find(|(t, v)| tags.contains(&t.as_str()) && !v.is_empty())
            .map(|(_, v)| v.clone())
    };
    for (tag, value) in fields {
        match tag.as_str() {
            "TY" => r.kind = kind(value).to_owned(),
            "ID" if r.key.is_none() && !value.is_empty() => r.key = Some(value.clone()),
            "AU" | "A1" => r.authors.push(value.replace(['{', '}', '\\'], "")),
            "A2" | "ED" => r.editors.push(value.replace(['{', '}', '\\'], "")),
            "TI" | "T1" => r.set("title", value),
            "VL" => r.set("volume", value),
            "IS" => r.set("number", value),
            "DO" => r.set("doi", value),
            "AN" if !value.is_empty() && value.bytes().all(|b| b.is_ascii_digit()) => r.set("pmid", value),
            "C2" if value.starts_with("PMC") => r.set("pmcid", value),
            "UR" => r.set("url", value),
            "SN" => r.set("issn", value),
            "PB" => r.set("publisher", value),
            "CY" => r.set("address", value),
            "KW" => r.add_tags(value),
            "N1" => r.read_note(value),
            _ => {}
        }
    }
    let full = first(&["T2", "JF"]);
    let short = first(&["J2", "JO", "JA"]);
    match (full, short) {
        (Some(full), short) => {
            r.set("journal", &full);
            if let Some(short) = short.filter(|s| *s != full) {
                r.set("shortjournal", &short);
            }
        }
        (None, Some(short)) => r.set("journal", &short),
        (None, None) => {}
    }
    if let Some(date) = first(&["PY", "Y1", "DA"]) {
        let year: String = date.chars().take_while(char::is_ascii_digit).collect();
        r.set("year", &year);
    }
    match (first(&["SP"]), first(&["EP"])) {
        (Some(sp), Some(ep)) => r.set("pages", &format!("{sp}-{ep}")),
        (Some(sp), None) => r.set("pages", &sp),
        _ => {}
    }
    r
}

/// BibTeX entry type for a RIS type.
fn kind(ris: &str) -> &'static str {
    match ris.trim() {
        "JOUR" | "JFULL" | "EJOUR" | "MGZN" | "NEWS" => "article",
        "BOOK" | "EBOOK" => "book",
        "CHAP" | "ECHAP" => "incollection",
        "CONF" | "CPAPER" => "inproceedings",
        "RPRT" | "GOVDOC" => "techreport",
        "THES" => "phdthesis",
        "ELEC" | "WEB" | "BLOG" => "online",
        "UNPB" => "unpublished",
        _ => "misc",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn records_wrapped_values_and_broken_records() {
        let text = "TY  - JOUR\nID  - a1\nTI  - A long\n  title\nAU  - Doe, Jane\nPY  - 2015/05/01/\nSP  - 1438\nEP  - 1445\nER  - \n\nTY  - JOUR\nTI  - unfinished\n";
        let mut diags = Vec::new();
        let records = read("x.ris", text, &mut diags);
        assert_eq!(records.len(), 1);
        let (r, line, _, _) = &records[0];
        assert_eq!(*line, 1);
        assert_eq!(r.key.as_deref(), Some("a1"));
        assert!(
            r.fields
                .contains(&("title".to_owned(), "A long title".to_owned()))
        );
        assert!(r.fields.contains(&("pages".to_owned(), "1438–1445".to_owned())));
        assert_eq!(diags.len(), 1);
        assert_eq!(diags[0].line, 11);
    }
}
