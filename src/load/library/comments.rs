//! `%` comments inside BibTeX entries, as hand-kept libraries write them.
//!
//! BibTeX itself has no comment character, but biber (btparse) and the `biblatex` crate read a
//! `%` outside a value as a comment to the end of the line, and people who keep their `.bib` by
//! hand write them between fields or after a value:
//!
//! ```bibtex
//! @article{temel2010early,
//!   % checked against the NEJM abstract
//!   title = {Early palliative care ...}, % the NEJM title
//! ```
//!
//! bibtex-parser rejects such an entry whole. [`blank_comments`] replaces each such comment by
//! spaces before parsing, so byte offsets, lines and columns of everything else stay as written.
//! A `%` inside a value (`{50% of patients}`, `"10%"`) is text and stays; so does a `%` outside
//! entries, which every BibTeX reader already skips.

/// The text with every `%` comment inside an entry (outside its values) blanked out, or `None`
/// when there is nothing to blank (the common case costs one search for `%`).
pub(crate) fn blank_comments(text: &str) -> Option<String> {
    if !text.contains('%') {
        return None;
    }
    let bytes = text.as_bytes();
    let mut out: Option<Vec<u8>> = None;
    // Where the scan is: outside entries, or in an entry closed by `close` with values nested
    // `depth` braces deep (0: between fields) and perhaps inside a "quoted" value.
    let mut close: Option<u8> = None;
    let mut depth = 0usize;
    let mut quoted = false;
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        let Some(end) = close else {
            if b == b'@' {
                // `@type` then `{` or `(`; `@comment` blocks are left alone.
                let mut j = i + 1;
                while j < bytes.len() && (bytes[j].is_ascii_alphanumeric() || bytes[j] == b'_') {
                    j += 1;
                }
                let kind = &text[i + 1..j];
                while j < bytes.len() && bytes[j].is_ascii_whitespace() {
                    j += 1;
                }
                match bytes.get(j) {
                    Some(b'{') if !kind.eq_ignore_ascii_case("comment") => {
                        close = Some(b'}');
                        (depth, quoted) = (0, false);
                    }
                    Some(b'(') if !kind.eq_ignore_ascii_case("comment") => {
                        close = Some(b')');
                        (depth, quoted) = (0, false);
                    }
                    _ => {}
                }
                i = j + 1;
                continue;
            }
            i += 1;
            continue;
        };
        match b {
            // A new entry at the start of a line: an earlier one was left unclosed, and the
            // parser resumes here too.
            b'\n' if depth > 0 || quoted => {
                let rest = &bytes[i + 1..];
                if rest.iter().find(|&&c| c != b' ' && c != b'\t') == Some(&b'@') {
                    close = None;
                }
            }
            b'{' => depth += 1,
            b'}' if depth > 0 => depth -= 1,
            b'"' if depth == 0 => quoted = !quoted,
            b'%' if depth == 0 && !quoted => {
                let stop = bytes[i..]
                    .iter()
                    .position(|&c| c == b'\n')
                    .map_or(bytes.len(), |p| i + p);
                let buf = out.get_or_insert_with(|| bytes.to_vec());
                for c in &mut buf[i..stop] {
                    if *c != b'\r' {
                        *c = b' ';
                    }
                }
                i = stop;
                continue;
            }
            c if c == end && depth == 0 && !quoted => close = None,
            _ => {}
        }
        i += 1;
    }
    // Whole comments were replaced, from an ASCII `%` to a line end: still UTF-8.
    out.map(|bytes| {
        String::from_utf8(bytes).unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned())
    })
}

#[cfg(test)]
mod tests {
    use super::blank_comments;

    #[test]
    fn the_bundled_files_have_no_comment_inside_an_entry_so_their_scan_is_skipped() {
        for file in crate::bundled::folder("references/")
            .iter()
            .filter(|f| f.path.ends_with(".bib"))
        {
            assert_eq!(blank_comments(file.text()), None, "{}", file.path);
        }
    }

    #[test]
    fn comments_between_fields_and_after_values_are_blanked_in_place() {
        let text = "% top\n@article{k,\n  % a note, with {braces\n  title = {50% of {all}}, % the title\n  note = \"10%\"\n}\n";
        let out = blank_comments(text).expect("comments found");
        assert_eq!(out.len(), text.len());
        assert_eq!(
            out,
            "% top\n@article{k,\n                        \n  title = {50% of {all}},            \n  note = \"10%\"\n}\n"
        );
        assert_eq!(blank_comments("@article{k, title = {50%}}"), None);
        assert_eq!(blank_comments("@article{k, title = {x}}"), None);
    }

    #[test]
    fn parenthesised_entries_comment_blocks_and_unclosed_values() {
        let text = "@comment{ % kept }\n@article(k, % gone\n title = {x})\n@article{u, title = {open\n@article{v, % gone too\n}";
        let out = blank_comments(text).expect("comments found");
        assert!(
            out.starts_with("@comment{ % kept }\n@article(k,       \n"),
            "{out}"
        );
        let last = format!("@article{{v, {}\n}}", " ".repeat("% gone too".len()));
        assert!(out.ends_with(&last), "{out}");
    }
}
