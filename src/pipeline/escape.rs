//! Escaping of case-file text for Markdown.
//!
//! Text from a case file or a reference library is data: it must print literally, never act as
//! Markdown or template syntax. [`markdown`] backslash-escapes every ASCII punctuation character
//! that CommonMark could read as syntax, and neutralises characters that would change the
//! document's structure (line breaks become spaces, control characters are dropped by the caller's
//! validation, never here).

/// Escapes `text` so that CommonMark renders it literally, on one line.
///
/// Characters that are Markdown syntax anywhere (`\\`, `` ` ``, `*`, `_`, `{`, `}`, `[`, `]`, `<`,
/// `>`, `#`, `|`, `~`, `!`, `&`) are backslash-escaped, and so are those that start a block only
/// at the beginning of a line (`-`, `+`, `=` and the `.` or `)` after leading digits), so a value
/// placed at the start of a line cannot become a list item or heading. Line breaks and tabs
/// become single spaces, so a value can never start a new block. Edge whitespace is kept: this
/// escapes fragments too (a formatted reference is escaped piece by piece); whole values from a
/// case go through [`value`].
///
/// ```
/// assert_eq!(appeal::escape::markdown("*bold* {{ x }}"), r"\*bold\* \{\{ x \}\}");
/// assert_eq!(appeal::escape::markdown("- HER2-positive"), r"\- HER2-positive");
/// ```
pub fn markdown(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + text.len() / 8);
    let mut line_start = true;
    let mut leading_digits = false;
    for c in text.chars() {
        match c {
            '\r' | '\n' | '\t' => {
                if !out.ends_with(' ') {
                    out.push(' ');
                }
                continue;
            }
            '\\' | '`' | '*' | '_' | '{' | '}' | '[' | ']' | '<' | '>' | '#' | '|' | '~' | '!' | '&' => {
                out.push('\\');
                out.push(c);
            }
            '-' | '+' | '=' if line_start => {
                out.push('\\');
                out.push(c);
            }
            '.' | ')' if leading_digits => {
                out.push('\\');
                out.push(c);
            }
            c => out.push(c),
        }
        leading_digits = c.is_ascii_digit() && (line_start || leading_digits);
        line_start = line_start && c == ' ';
    }
    out
}

/// Escapes one value from a case file: [`markdown`] after trimming whitespace (no-break spaces
/// included) from both ends. A prose value's paragraphs (separated by a blank line) are escaped
/// one by one and stay paragraphs; a single line break inside a paragraph (a pasted list item's
/// own line) becomes a hard line break, each line escaped afresh so it can never start a block.
///
/// Edge whitespace carries no meaning in a letter, and in Markdown it would: four leading spaces
/// start a code block, and a space just inside `**…**` stops the emphasis from closing.
pub fn value(text: &str) -> String {
    let text = text.trim();
    if !text.contains('\n') {
        return markdown(text);
    }
    // Paragraphs of a prose field: each escaped on its own, so each starts a line afresh; the
    // lines of a paragraph joined by hard breaks.
    text.split("\n\n")
        .map(|p| {
            p.split('\n')
                .map(|line| markdown(line.trim()))
                .filter(|line| !line.is_empty())
                .collect::<Vec<_>>()
                .join("\\\n")
        })
        .filter(|p| !p.is_empty())
        .collect::<Vec<_>>()
        .join("\n\n")
}

/// Whether `c` is in the Basic Multilingual Plane's private-use area (U+E000 to U+F8FF), where
/// the citation markers of [`crate::templates`] live. Case files and reference libraries may not contain such
/// characters, so text a user writes can never open, close or block a citation.
pub fn is_private_use(c: char) -> bool {
    ('\u{E000}'..='\u{F8FF}').contains(&c)
}

#[cfg(test)]
mod tests {

    #[test]
    fn a_line_inside_a_prose_paragraph_is_a_hard_break_and_starts_afresh() {
        assert_eq!(value("a\n- b\n1. c\n\nd"), "a\\\n\\- b\\\n1\\. c\n\nd");
    }

    use super::{markdown, value};

    #[test]
    fn escapes_markdown_and_template_syntax() {
        assert_eq!(markdown("a_b"), r"a\_b");
        assert_eq!(markdown("[x](y)"), r"\[x\](y)");
        assert_eq!(markdown("<b>"), r"\<b\>");
        assert_eq!(markdown("# h"), r"\# h");
        assert_eq!(markdown("{% if %}"), r"\{% if %\}");
        assert_eq!(markdown("1. first"), r"1\. first");
        assert_eq!(markdown("= title"), r"\= title");
        assert_eq!(markdown("a - b, c. d"), "a - b, c. d");
    }

    #[test]
    fn folds_line_breaks_so_values_cannot_start_blocks() {
        assert_eq!(markdown("line one\n# two\r\n- three"), r"line one \# two - three");
    }

    #[test]
    fn trims_edges_so_values_cannot_start_code_blocks_or_break_emphasis() {
        assert_eq!(value("    Docetaxel"), "Docetaxel");
        assert_eq!(value("ASCO \u{a0}"), "ASCO");
        assert_eq!(value(" a  b "), "a  b");
        assert_eq!(markdown(" fragment "), " fragment ");
    }

    #[test]
    fn leaves_unicode_alone() {
        assert_eq!(markdown("Müller α ≥ 2"), "Müller α ≥ 2");
    }
}
