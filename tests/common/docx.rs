//! Reading a Word document back: its zip entries, and the text of its paragraphs, to compare
//! with the Markdown it was written from.

use std::collections::BTreeMap;
use std::io::Read;

use pulldown_cmark::{Event, Options, Parser, Tag, TagEnd};
use quick_xml::events::Event as Xml;

/// A zip entry's modification time: year, month, day, hour, minute, second.
pub(crate) type EntryTime = (u16, u8, u8, u8, u8, u8);

/// A `.docx` file, unzipped.
pub(crate) struct WordDocument {
    parts: BTreeMap<String, Vec<u8>>,
    /// Each entry's name and modification time.
    pub(crate) times: Vec<(String, EntryTime)>,
}

impl WordDocument {
    /// Unzips `bytes`, panicking when they are not a zip archive.
    pub(crate) fn read(bytes: &[u8]) -> Self {
        let mut archive =
            zip::ZipArchive::new(std::io::Cursor::new(bytes)).expect("a .docx is a zip archive");
        let mut parts = BTreeMap::new();
        let mut times = Vec::new();
        for i in 0..archive.len() {
            let mut entry = archive.by_index(i).expect("entry reads");
            let mut data = Vec::new();
            entry.read_to_end(&mut data).expect("entry inflates");
            let t = entry.last_modified().unwrap_or_default();
            times.push((
                entry.name().to_string(),
                (t.year(), t.month(), t.day(), t.hour(), t.minute(), t.second()),
            ));
            parts.insert(entry.name().to_string(), data);
        }
        Self { parts, times }
    }

    /// The names of the entries, sorted.
    pub(crate) fn names(&self) -> Vec<&str> {
        self.parts.keys().map(String::as_str).collect()
    }

    /// Entry `name` as bytes (panics when absent).
    pub(crate) fn bytes(&self, name: &str) -> &[u8] {
        self.parts
            .get(name)
            .unwrap_or_else(|| panic!("{name} is not in the document: {:?}", self.names()))
    }

    /// Entry `name` as text.
    pub(crate) fn xml(&self, name: &str) -> &str {
        std::str::from_utf8(self.bytes(name)).expect("XML parts are UTF-8")
    }

    /// The text of each paragraph (`w:p`) of XML part `name` that has any: the `w:t` runs
    /// joined, a line break (`w:br`) as a newline; field instructions are not text.
    pub(crate) fn paragraphs(&self, name: &str) -> Vec<String> {
        let mut reader = quick_xml::Reader::from_str(self.xml(name));
        let mut out = Vec::new();
        let mut current = String::new();
        let mut in_text = false;
        loop {
            match reader.read_event().expect("well-formed XML") {
                Xml::Start(e) if e.name().as_ref() == b"w:t" => in_text = true,
                Xml::End(e) if e.name().as_ref() == b"w:t" => in_text = false,
                Xml::Empty(e) if e.name().as_ref() == b"w:br" => current.push('\n'),
                Xml::Text(t) if in_text => current.push_str(&t.decode().expect("UTF-8")),
                Xml::GeneralRef(r) if in_text => {
                    if let Some(c) = r.resolve_char_ref().expect("character reference") {
                        current.push(c);
                    } else {
                        current.push_str(match r.decode().expect("UTF-8").as_ref() {
                            "amp" => "&",
                            "lt" => "<",
                            "gt" => ">",
                            "quot" => "\"",
                            "apos" => "'",
                            other => panic!("unknown entity &{other};"),
                        });
                    }
                }
                Xml::End(e) if e.name().as_ref() == b"w:p" && !current.is_empty() => {
                    out.push(std::mem::take(&mut current));
                }
                Xml::Eof => break,
                _ => {}
            }
        }
        out
    }
}

/// The text of each block of a Markdown letter that has any (paragraphs, headings, list items
/// and their paragraphs), as a reader sees it: a hard line break as a newline, a soft one as a
/// space, the front matter and list markers left out.
pub(crate) fn markdown_paragraphs(markdown: &str) -> Vec<String> {
    let opts = Options::ENABLE_PLUSES_DELIMITED_METADATA_BLOCKS;
    let mut out = Vec::new();
    let mut current = String::new();
    let mut in_meta = false;
    let mut flush = |current: &mut String| {
        if !current.is_empty() {
            out.push(std::mem::take(current));
        }
    };
    for event in Parser::new_ext(markdown, opts) {
        match event {
            Event::Start(Tag::MetadataBlock(_)) => in_meta = true,
            Event::End(TagEnd::MetadataBlock(_)) => in_meta = false,
            Event::Text(t) if !in_meta => current.push_str(&t),
            Event::SoftBreak => current.push(' '),
            Event::HardBreak => current.push('\n'),
            Event::Start(
                Tag::Paragraph | Tag::Heading { .. } | Tag::Item | Tag::List(_) | Tag::BlockQuote(_),
            )
            | Event::End(
                TagEnd::Paragraph
                | TagEnd::Heading(_)
                | TagEnd::Item
                | TagEnd::List(_)
                | TagEnd::BlockQuote(_),
            ) => flush(&mut current),
            _ => {}
        }
    }
    flush(&mut current);
    out
}
