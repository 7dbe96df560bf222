//! Reads the letter Markdown dialect into a flat list of typesetting blocks.
//!
//! The dialect is described in `docs/architecture.md` ("The letter Markdown dialect"). Every
//! construct outside it is reported as [`PdfError::Unsupported`] with the line and column where
//! it starts, so nothing the writer typed is ever dropped silently. The output keeps, for each
//! block, the containers it sits in (block quotes, list items) so the layout can indent it, and
//! for each text run the byte range it came from so missing glyphs can be located.

use std::ops::Range;

use pulldown_cmark::{Event, HeadingLevel, MetadataBlockKind, Options, Parser, Tag, TagEnd};
use serde::Deserialize;

use super::PdfError;
use crate::diag::Location;

/// Bold and italic flags of a text run.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub(in crate::render) struct Style {
    /// Typeset in a bold face.
    pub(in crate::render) bold: bool,
    /// Typeset in an italic face.
    pub(in crate::render) italic: bool,
}

/// A piece of inline content.
#[derive(Debug, Clone, PartialEq)]
pub(in crate::render) enum Inline {
    /// Text in one style; `source` is the byte range of the Markdown it came from.
    Text {
        /// The text as it prints (escapes resolved, soft breaks turned into spaces).
        text: String,
        /// Bold/italic.
        style: Style,
        /// Where in the Markdown source the text came from.
        source: Range<usize>,
    },
    /// A hard line break (a line ending in a backslash).
    Break,
}

/// What kind of block a [`Block`] is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(in crate::render) enum Kind {
    /// A paragraph (also the text of a tight list item).
    Paragraph,
    /// A heading of level 1 to 3.
    Heading(u8),
    /// A thematic break, typeset as a horizontal rule.
    Rule,
}

/// A container a block sits in, outermost first.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(in crate::render) enum Container {
    /// A block quote.
    Quote,
    /// An item of the list with this index into [`Document::lists`].
    Item(usize),
}

/// A block to typeset.
#[derive(Debug, Clone, PartialEq)]
pub(in crate::render) struct Block {
    /// Paragraph, heading or rule.
    pub(in crate::render) kind: Kind,
    /// The inline content (empty for rules).
    pub(in crate::render) inlines: Vec<Inline>,
    /// Quotes and list items around the block, outermost first.
    pub(in crate::render) containers: Vec<Container>,
    /// The list marker to hang before the first line, for the first block of a list item:
    /// the list index and the marker text.
    pub(in crate::render) marker: Option<(usize, String)>,
}

/// A list: whether it is numbered, and how deeply it is nested among lists.
#[derive(Debug, Clone, PartialEq)]
pub(in crate::render) struct List {
    /// The marker texts of its items, in order ("1.", "2.", … or "•").
    pub(in crate::render) markers: Vec<String>,
}

/// Front-matter keys (all optional).
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub(in crate::render) struct FrontMatter {
    /// Document title (PDF metadata).
    pub(in crate::render) title: Option<String>,
    /// The signer (PDF metadata author).
    pub(in crate::render) author: Option<String>,
    /// PDF metadata subject.
    pub(in crate::render) subject: Option<String>,
    /// Running header for pages 2..n.
    pub(in crate::render) header: Option<String>,
    /// `YYYY-MM-DD`, the PDF creation date.
    pub(in crate::render) date: Option<toml::Spanned<DateValue>>,
}

/// The `date` key: a string, or a bare TOML date (accepted for convenience).
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(untagged)]
pub(in crate::render) enum DateValue {
    /// `date = "2026-05-01"`
    Text(String),
    /// `date = 2026-05-01`
    Toml(toml::value::Datetime),
}

impl DateValue {
    /// The date as written.
    pub(in crate::render) fn as_text(&self) -> String {
        match self {
            DateValue::Text(s) => s.clone(),
            DateValue::Toml(d) => d.to_string(),
        }
    }
}

/// A parsed letter.
#[derive(Debug, Clone, Default, PartialEq)]
pub(in crate::render) struct Document {
    /// Front matter, default if absent.
    pub(in crate::render) front: FrontMatter,
    /// Byte offset of the front matter's TOML text in the source (for error locations).
    pub(in crate::render) front_offset: usize,
    /// The blocks in reading order.
    pub(in crate::render) blocks: Vec<Block>,
    /// Every list, indexed by [`Container::Item`].
    pub(in crate::render) lists: Vec<List>,
}

/// A construct outside the dialect: its plural name and how to fix it.
fn unsupported(tag: &Tag<'_>) -> (&'static str, &'static str) {
    match tag {
        Tag::Table(_) | Tag::TableHead | Tag::TableRow | Tag::TableCell => (
            "tables",
            "rewrite the table as a list or as sentences, or escape the `|` as `\\|`",
        ),
        Tag::Image { .. } => (
            "images",
            "describe the image in words and send it as an enclosure",
        ),
        Tag::Link { .. } => (
            "links",
            "write the web address as plain text, e.g. https://example.org",
        ),
        Tag::CodeBlock(_) => (
            "code blocks",
            "remove the four-space indentation or the ``` fence and write the text as a paragraph",
        ),
        Tag::HtmlBlock => ("raw HTML blocks", "remove the HTML, or escape the `<` as `\\<`"),
        Tag::FootnoteDefinition(_) => (
            "footnotes",
            "cite a numbered entry in the list under `## References` instead",
        ),
        Tag::Heading { .. } => ("level-4 to level-6 headings", "use `#`, `##` or `###`"),
        _ => (
            "these Markdown constructs",
            "use only paragraphs, headings, lists, block quotes, `**bold**` and `*italic*`",
        ),
    }
}

fn unsupported_event(event: &Event<'_>) -> (&'static str, &'static str) {
    match event {
        Event::Code(_) => (
            "code spans",
            "remove the backticks, or escape a literal one as \\`",
        ),
        Event::Html(_) | Event::InlineHtml(_) => ("raw HTML", "remove the tag, or escape the `<` as `\\<`"),
        Event::FootnoteReference(_) => (
            "footnotes",
            "cite a numbered entry in the list under `## References` instead",
        ),
        _ => (
            "these Markdown constructs",
            "use only paragraphs, headings, lists, block quotes, `**bold**` and `*italic*`",
        ),
    }
}

/// Reads `source` (the whole Markdown file, named `name` in errors).
pub(in crate::render) fn parse(source: &str, name: &str) -> Result<Document, PdfError> {
    // A `+++` first line with no closing `+++` line would otherwise be read as body text.
    let mut lines = source.lines();
    if lines.next().is_some_and(|l| l.trim_end() == "+++") && !lines.any(|l| l.trim_end() == "+++") {
        return Err(PdfError::UnclosedFrontMatter {
            location: crate::diag::Location::at(name, source, 0),
        });
    }
    let options =
        Options::ENABLE_PLUSES_DELIMITED_METADATA_BLOCKS | Options::ENABLE_TABLES | Options::ENABLE_FOOTNOTES;
    let mut doc = Document::default();
    let mut reader = Reader {
        name,
        source,
        containers: Vec::new(),
        pending_marker: None,
        current: None,
        strong: 0,
        emphasis: 0,
        in_metadata: false,
        item_counters: Vec::new(),
        finished: Vec::new(),
    };
    for (event, range) in Parser::new_ext(source, options).into_offset_iter() {
        reader.event(event, range, &mut doc)?;
    }
    reader.flush(&mut doc);
    Ok(doc)
}

/// How many lists and quotes may enclose a block: five quote indents (360 points) still leave
/// the narrowest text measure on a letter page.
const MAX_NESTING: usize = 5;

struct Reader<'s> {
    name: &'s str,
    source: &'s str,
    containers: Vec<Container>,
    pending_marker: Option<(usize, String)>,
    current: Option<Block>,
    strong: usize,
    emphasis: usize,
    in_metadata: bool,
    /// For each open list: its index and the next item number (None for bullets).
    item_counters: Vec<(usize, Option<u64>)>,
    /// Blocks finished so far.
    finished: Vec<Block>,
}

impl Reader<'_> {
    fn error(&self, construct: &'static str, hint: &'static str, offset: usize) -> PdfError {
        PdfError::Unsupported {
            location: Location::at(self.name, self.source, offset),
            construct,
            hint,
        }
    }

    /// Refuses a list item or quote inside [`MAX_NESTING`] others: past that the indents leave
    /// too little room between the margins for text.
    fn check_nesting(&self, offset: usize) -> Result<(), PdfError> {
        if self.containers.len() >= MAX_NESTING {
            return Err(self.error(
                "lists and quotes nested more than 5 levels",
                "the text would not fit between the margins; flatten the list or quote",
                offset,
            ));
        }
        Ok(())
    }

    fn style(&self) -> Style {
        Style {
            bold: self.strong > 0,
            italic: self.emphasis > 0,
        }
    }

    fn start_block(&mut self, kind: Kind) {
        // A paragraph inside a tight item may already be open; a new block ends it.
        self.close_current();
        self.current = Some(Block {
            kind,
            inlines: Vec::new(),
            containers: self.containers.clone(),
            marker: self.pending_marker.take(),
        });
    }

    fn flush(&mut self, doc: &mut Document) {
        self.close_current();
        doc.blocks.append(&mut self.finished);
    }

    fn push_inline(&mut self, inline: Inline) {
        if self.current.is_none() {
            // Text directly inside a tight list item: an implicit paragraph.
            self.start_block(Kind::Paragraph);
        }
        if let Some(block) = self.current.as_mut() {
            // Merge adjacent runs of the same style so words are not split at run edges.
            if let (
                Inline::Text { text, style, source },
                Some(Inline::Text {
                    text: prev,
                    style: prev_style,
                    source: prev_source,
                }),
            ) = (&inline, block.inlines.last_mut())
                && style == prev_style
                && prev_source.end <= source.start
            {
                prev.push_str(text);
                prev_source.end = source.end;
                return;
            }
            block.inlines.push(inline);
        }
    }

    fn event(&mut self, event: Event<'_>, range: Range<usize>, doc: &mut Document) -> Result<(), PdfError> {
        match event {
            Event::Start(tag) => self.start(tag, range, doc),
            Event::End(tag) => {
                self.end(tag, doc);
                Ok(())
            }
            Event::Text(text) => {
                if self.in_metadata {
                    doc.front_offset = range.start;
                    doc.front = parse_front_matter(&text, range.start, self.source, self.name)?;
                    return Ok(());
                }
                let style = self.style();
                self.push_inline(Inline::Text {
                    text: text.into_string(),
                    style,
                    source: range,
                });
                Ok(())
            }
            Event::SoftBreak => {
                let style = self.style();
                self.push_inline(Inline::Text {
                    text: " ".to_string(),
                    style,
                    source: range,
                });
                Ok(())
            }
            Event::HardBreak => {
                self.push_inline(Inline::Break);
                Ok(())
            }
            Event::Rule => {
                self.start_block(Kind::Rule);
                Ok(())
            }
            other => {
                let (construct, hint) = unsupported_event(&other);
                Err(self.error(construct, hint, range.start))
            }
        }
    }

    fn start(&mut self, tag: Tag<'_>, range: Range<usize>, doc: &mut Document) -> Result<(), PdfError> {
        match tag {
            Tag::Paragraph => self.start_block(Kind::Paragraph),
            Tag::Heading { level, .. } => {
                let level = match level {
                    HeadingLevel::H1 => 1,
                    HeadingLevel::H2 => 2,
                    HeadingLevel::H3 => 3,
                    _ => {
                        let (construct, hint) = unsupported(&tag);
                        return Err(self.error(construct, hint, range.start));
                    }
                };
                self.start_block(Kind::Heading(level));
            }
            Tag::BlockQuote(None) => {
                self.close_current();
                self.check_nesting(range.start)?;
                self.containers.push(Container::Quote);
            }
            Tag::List(start) => {
                self.close_current();
                doc.lists.push(List { markers: Vec::new() });
                self.item_counters.push((doc.lists.len() - 1, start));
            }
            Tag::Item => {
                self.close_current();
                let depth = self.item_counters.len();
                let Some((list, counter)) = self.item_counters.last_mut() else {
                    let (construct, hint) = unsupported(&tag);
                    return Err(self.error(construct, hint, range.start));
                };
                let marker = match counter {
                    Some(n) => {
                        let text = format!("{n}.");
                        *n += 1;
                        text
                    }
                    None if depth > 1 => "\u{2013}".to_string(),
                    None => "\u{2022}".to_string(),
                };
                if let Some(l) = doc.lists.get_mut(*list) {
                    l.markers.push(marker.clone());
                }
                let list = *list;
                self.pending_marker = Some((list, marker));
                self.check_nesting(range.start)?;
                self.containers.push(Container::Item(list));
            }
            Tag::Emphasis => self.emphasis += 1,
            Tag::Strong => self.strong += 1,
            Tag::MetadataBlock(MetadataBlockKind::PlusesStyle) => self.in_metadata = true,
            Tag::Link {
                link_type: pulldown_cmark::LinkType::Autolink,
                ..
            } => {
                // `<https://…>`: the address itself is the link text, printed as plain text.
            }
            other => {
                let (construct, hint) = unsupported(&other);
                return Err(self.error(construct, hint, range.start));
            }
        }
        Ok(())
    }

    fn close_current(&mut self) {
        if let Some(block) = self.current.take() {
            self.finished.push(block);
        }
    }

    fn end(&mut self, tag: TagEnd, _doc: &mut Document) {
        match tag {
            TagEnd::Paragraph | TagEnd::Heading(_) => self.close_current(),
            TagEnd::BlockQuote(_) => {
                self.close_current();
                self.containers.pop();
            }
            TagEnd::List(_) => {
                self.close_current();
                self.item_counters.pop();
            }
            TagEnd::Item => {
                self.close_current();
                if let Some(marker) = self.pending_marker.take() {
                    // An empty item still shows its marker.
                    self.finished.push(Block {
                        kind: Kind::Paragraph,
                        inlines: Vec::new(),
                        containers: self.containers.clone(),
                        marker: Some(marker),
                    });
                }
                self.containers.pop();
            }
            TagEnd::Emphasis => self.emphasis = self.emphasis.saturating_sub(1),
            TagEnd::Strong => self.strong = self.strong.saturating_sub(1),
            TagEnd::MetadataBlock(_) => self.in_metadata = false,
            _ => {}
        }
    }
}

/// Parses the TOML front matter `text`, which starts at byte `base` of `source`.
fn parse_front_matter(text: &str, base: usize, source: &str, name: &str) -> Result<FrontMatter, PdfError> {
    toml::from_str::<FrontMatter>(text).map_err(|e| {
        let offset = base + e.span().map_or(0, |s| s.start);
        PdfError::FrontMatter {
            location: Location::at(name, source, offset),
            message: e.message().trim().to_string(),
        }
    })
}
