//! What a Markdown letter shows a reader.

use pulldown_cmark::{Event, Options, Parser, Tag, TagEnd};

/// The text a Markdown document shows a reader: every text event outside the front matter,
/// block ends and line breaks as a space. Whitespace inside the text is kept as written.
pub(crate) fn visible_text(markdown: &str) -> String {
    let opts = Options::ENABLE_PLUSES_DELIMITED_METADATA_BLOCKS;
    let mut in_meta = false;
    let mut out = String::new();
    for event in Parser::new_ext(markdown, opts) {
        match event {
            Event::Start(Tag::MetadataBlock(_)) => in_meta = true,
            Event::End(TagEnd::MetadataBlock(_)) => in_meta = false,
            Event::Text(t) if !in_meta => out.push_str(&t),
            Event::SoftBreak | Event::HardBreak => out.push(' '),
            Event::End(_) => out.push(' '),
            _ => {}
        }
    }
    out
}

/// [`visible_text`] with every run of whitespace as one space.
pub(crate) fn visible(markdown: &str) -> String {
    visible_text(markdown)
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}
