//! Writes a letter in the letter Markdown dialect as a Word document (`.docx`).
//!
//! [`docx`] reads the same Markdown the PDF is typeset from, with the same reader (see "The
//! letter Markdown dialect" in `docs/architecture.md`), so the two say the same thing and the
//! same constructs are refused with the same messages. The document is built with `docx-rs`
//! and uses Word's own styles, so it stays easy to edit: `Heading 1`–`3` for headings, `Quote`
//! for the insurer's words, `List Paragraph` with real Word numbering for lists, and
//! `Reference` for the numbered list under `## References`. Pages are US Letter or A4 with
//! one-inch margins; the front matter's `header` runs at the top of every page after the
//! first, and every page has a centred "Page i of n" footer (Word fields). An optional
//! letterhead image sits at the top of page 1.
//!
//! The output is deterministic: the same input gives the same bytes. Paragraph ids are
//! numbered here (docx-rs would take them from a per-thread counter), the document's dates
//! come from the front matter's `date` (as the PDF's do) and the package is zipped here with
//! every entry stamped with that date (docx-rs stamps the clock when the `zip` crate's `time`
//! feature is on anywhere in the build), compressed with deflate.

use std::io::{Cursor, Write};

use docx_rs::{
    AbstractNumbering, AlignmentType, BorderType, BreakType, Docx, Footer, Header, IndentLevel, Level,
    LevelJc, LevelOverride, LevelText, LineSpacing, LineSpacingType, NumPages, NumberFormat, Numbering,
    NumberingId, PageMargin, PageNum, Paragraph, ParagraphBorder, ParagraphBorderPosition, Pic, Run,
    RunFonts, SpecialIndentType, Start, Style, StyleType,
};

use super::letterhead::{GAP_BELOW_PT, Letterhead};
use super::pdf::markdown::{self, Block, Container, Inline, Kind};
use super::pdf::{Paper, PdfError};

/// Options for the Word document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DocxOptions {
    /// Paper size.
    pub paper: Paper,
    /// A logo for the top of page 1.
    pub letterhead: Option<Letterhead>,
    /// What error messages call the Markdown file, e.g. `letter.md`.
    pub source_name: String,
}

impl Default for DocxOptions {
    fn default() -> Self {
        DocxOptions {
            paper: Paper::default(),
            letterhead: None,
            source_name: "letter.md".to_string(),
        }
    }
}

/// Why a letter could not be written as a Word document.
#[derive(Debug, thiserror::Error)]
pub enum DocxError {
    /// The Markdown is outside the letter dialect, or its front matter is wrong (the same
    /// errors the PDF typesetter reports).
    #[error(transparent)]
    Markdown(#[from] PdfError),
    /// The package could not be assembled.
    #[error("the Word document could not be written: {message}")]
    Write {
        /// What went wrong.
        message: String,
    },
}

/// The body font: Times New Roman, whose metrics Liberation Serif (the PDF's font) shares, and
/// which Word and LibreOffice both have or substitute.
const FONT: &str = "Times New Roman";
/// Body text size in half-points (11 pt, as in the PDF).
const BODY_HALF_POINTS: usize = 22;
/// Line spacing in 240ths of a line (1.25, as in the PDF).
const LINE: i32 = 300;
/// Space after a paragraph, in twentieths of a point (0.6 lines, as in the PDF).
const PARAGRAPH_AFTER: u32 = 165;
/// Space between the closing and the signer's name, for a handwritten signature (2.5 lines,
/// as in the PDF).
const SIGNATURE_AFTER: u32 = 688;
/// Space after a list item.
const ITEM_AFTER: u32 = 55;
/// Indent of a block quote on each side, in twentieths of a point (half an inch).
const QUOTE_INDENT: i32 = 720;
/// Indent per list level, and the hanging indent of its marker.
const LIST_STEP: i32 = 360;
/// One inch in twentieths of a point.
const INCH: i32 = 1440;
/// English Metric Units per point.
const EMU_PER_PT: f32 = 12_700.0;

/// Writes `markdown` (the letter dialect) as a Word document and returns its bytes.
///
/// ```
/// use appeal::render::docx::{docx, DocxOptions};
/// let bytes = docx("Dear Sir or Madam,\n\nI appeal.\n", &DocxOptions::default()).unwrap();
/// assert!(bytes.starts_with(b"PK"));
/// ```
pub fn docx(markdown: &str, options: &DocxOptions) -> Result<Vec<u8>, DocxError> {
    let name = options.source_name.as_str();
    let doc = markdown::parse(markdown, name)?;
    let created = super::pdf::creation_date(&doc, markdown, name)?;
    let date = Date {
        year: created.year(),
        month: u8::from(created.month()),
        day: created.day(),
    };
    let (page_width, page_height) = match options.paper {
        Paper::Letter => (12_240, 15_840),
        Paper::A4 => (11_906, 16_838),
    };

    let mut ids = ParagraphIds::default();
    let mut word = Docx::new()
        .page_size(page_width, page_height)
        .page_margin(
            PageMargin::new()
                .top(INCH)
                .bottom(INCH)
                .left(INCH)
                .right(INCH)
                // The PDF's header and footer baselines sit 0.6 and 0.5 inch from the edges.
                .header(648)
                .footer(576)
                .gutter(0),
        )
        .default_fonts(RunFonts::new().ascii(FONT).hi_ansi(FONT).cs(FONT).east_asia(FONT))
        .default_size(BODY_HALF_POINTS)
        .default_line_spacing(
            LineSpacing::new()
                .line(LINE)
                .line_rule(LineSpacingType::Auto)
                .after(PARAGRAPH_AFTER),
        )
        .created_at(&date.w3c())
        .updated_at(&date.w3c());
    for style in styles() {
        word = word.add_style(style);
    }
    for numbering in numberings(&doc) {
        word = match numbering {
            NumberingPart::Abstract(a) => word.add_abstract_numbering(a),
            NumberingPart::Instance(n) => word.add_numbering(n),
        };
    }

    // Header on pages 2..n (an empty one on page 1), footer on every page.
    let header = doc
        .front
        .header
        .as_deref()
        .map(str::trim)
        .filter(|h| !h.is_empty());
    if let Some(text) = header {
        word = word
            .header(
                Header::new().add_paragraph(ids.next().style("Header").add_run(Run::new().add_text(text))),
            )
            .first_header(Header::new().add_paragraph(ids.next().style("Header")));
    }
    let footer = |ids: &mut ParagraphIds| {
        Footer::new().add_paragraph(
            ids.next()
                .style("Footer")
                .align(AlignmentType::Center)
                .add_run(Run::new().add_text("Page "))
                .add_page_num(PageNum::new())
                .add_run(Run::new().add_text(" of "))
                .add_num_pages(NumPages::new()),
        )
    };
    word = word.footer(footer(&mut ids));
    if header.is_some() {
        word = word.first_footer(footer(&mut ids));
    }

    if let Some(logo) = &options.letterhead {
        let text_width = (page_width as f32 - 2.0 * INCH as f32) / 20.0;
        let (w, h) = logo.size_pt(text_width);
        let (px_w, px_h) = logo.pixel_size();
        let pic = Pic::new_with_dimensions(logo.png().to_vec(), px_w, px_h)
            .size((w * EMU_PER_PT) as u32, (h * EMU_PER_PT) as u32)
            .id("rIdImage1");
        word = word.add_paragraph(
            ids.next()
                .line_spacing(
                    LineSpacing::new()
                        .line(240)
                        .line_rule(LineSpacingType::Auto)
                        .after((GAP_BELOW_PT * 20.0) as u32),
                )
                .add_run(Run::new().add_image(pic)),
        );
    }

    let mut in_references = false;
    let signature = super::pdf::signature_start(&doc);
    for (index, block) in doc.blocks.iter().enumerate() {
        if let Kind::Heading(_) = block.kind {
            in_references = plain_text(block).trim().eq_ignore_ascii_case("references");
        }
        let mut p = paragraph(block, &mut ids, in_references);
        if signature == Some(index) {
            // The closing stays on the page with the signer's name, with room to sign between
            // them, as in the PDF.
            p = p.keep_next(true).line_spacing(
                LineSpacing::new()
                    .line(LINE)
                    .line_rule(LineSpacingType::Auto)
                    .after(SIGNATURE_AFTER),
            );
        }
        word = word.add_paragraph(p);
    }

    let mut xml = word.build();
    xml.doc_props.core = core_properties(&doc.front, &date).into_bytes();
    package(xml, &date).map_err(|e| DocxError::Write {
        message: e.to_string(),
    })
}

/// A calendar date for the document's properties and its zip entries.
struct Date {
    year: i32,
    month: u8,
    day: u8,
}

impl Date {
    /// W3C date-time at midnight UTC, as `docProps/core.xml` wants it.
    fn w3c(&self) -> String {
        format!("{:04}-{:02}-{:02}T00:00:00Z", self.year, self.month, self.day)
    }

    /// The zip entries' timestamp: this date, or 1980-01-01 (the earliest a zip can say) for
    /// a letter without a date.
    fn zip(&self) -> zip::DateTime {
        u16::try_from(self.year)
            .ok()
            .filter(|y| (1980..=2107).contains(y))
            .and_then(|y| zip::DateTime::from_date_and_time(y, self.month, self.day, 0, 0, 0).ok())
            .unwrap_or_default()
    }
}

/// Paragraph ids (`w14:paraId`), numbered per document.
#[derive(Default)]
struct ParagraphIds(u32);

impl ParagraphIds {
    fn next(&mut self) -> Paragraph {
        self.0 += 1;
        Paragraph::new().id(format!("{:08X}", self.0))
    }
}

/// The document's paragraph and character styles, named as Word's built-in ones so that
/// Word's style gallery and navigation pane know them.
fn styles() -> Vec<Style> {
    let heading = |level: usize, half_points: usize| {
        let mut style = Style::new(format!("Heading{level}"), StyleType::Paragraph)
            .name(format!("heading {level}"))
            .based_on("Normal")
            .next("Normal")
            .q_format(true)
            .bold()
            .size(half_points)
            .outline_lvl(level - 1);
        style.paragraph_property = style
            .paragraph_property
            .keep_next(true)
            .keep_lines(true)
            .line_spacing(
                LineSpacing::new()
                    .line(LINE)
                    .line_rule(LineSpacingType::Auto)
                    .before(275)
                    .after(70),
            );
        style
    };
    let mut quote = Style::new("Quote", StyleType::Paragraph)
        .name("Quote")
        .based_on("Normal")
        .q_format(true);
    quote.paragraph_property =
        quote
            .paragraph_property
            .indent(Some(QUOTE_INDENT), None, Some(QUOTE_INDENT), None);
    let mut list = Style::new("ListParagraph", StyleType::Paragraph)
        .name("List Paragraph")
        .based_on("Normal")
        .q_format(true);
    list.paragraph_property = list.paragraph_property.line_spacing(
        LineSpacing::new()
            .line(LINE)
            .line_rule(LineSpacingType::Auto)
            .after(ITEM_AFTER),
    );
    let mut reference = Style::new("Reference", StyleType::Paragraph)
        .name("Reference")
        .based_on("ListParagraph")
        .q_format(true);
    reference.paragraph_property = reference.paragraph_property.line_spacing(
        LineSpacing::new()
            .line(LINE)
            .line_rule(LineSpacingType::Auto)
            .after(ITEM_AFTER),
    );
    let marginal = |id: &str, name: &str| {
        let mut style = Style::new(id, StyleType::Paragraph)
            .name(name)
            .based_on("Normal")
            .size(18);
        style.paragraph_property = style
            .paragraph_property
            .line_spacing(LineSpacing::new().line(240).after(0));
        style
    };
    vec![
        heading(1, 28),
        heading(2, 24),
        heading(3, BODY_HALF_POINTS),
        quote,
        list,
        reference,
        marginal("Header", "header"),
        marginal("Footer", "footer"),
    ]
}

/// A part of `word/numbering.xml`.
enum NumberingPart {
    Abstract(AbstractNumbering),
    Instance(Numbering),
}

const BULLETS: usize = 1;
const DECIMAL: usize = 2;

/// Word numbering for the letter's lists: one definition for bullets (• then –, as in the
/// PDF), one for numbers, and an instance per list so each list starts at its own first
/// number.
fn numberings(doc: &markdown::Document) -> Vec<NumberingPart> {
    let levels = |abstract_id: usize| {
        let mut numbering = AbstractNumbering::new(abstract_id);
        for level in 0..6 {
            let (format, text) = if abstract_id == BULLETS {
                (
                    "bullet",
                    if level == 0 { "\u{2022}" } else { "\u{2013}" }.to_string(),
                )
            } else {
                ("decimal", format!("%{}.", level + 1))
            };
            numbering = numbering.add_level(
                Level::new(
                    level,
                    Start::new(1),
                    NumberFormat::new(format),
                    LevelText::new(text),
                    LevelJc::new("left"),
                )
                .indent(
                    Some(LIST_STEP * (level as i32 + 1)),
                    Some(SpecialIndentType::Hanging(LIST_STEP)),
                    None,
                    None,
                ),
            );
        }
        NumberingPart::Abstract(numbering)
    };
    let mut out = vec![levels(BULLETS), levels(DECIMAL)];
    // The level each list's items sit at: the depth of its first item.
    let mut depth: Vec<Option<usize>> = vec![None; doc.lists.len()];
    for block in &doc.blocks {
        if let Some((list, _)) = &block.marker
            && let Some(slot) = depth.get_mut(*list)
            && slot.is_none()
        {
            *slot = Some(item_depth(block).saturating_sub(1));
        }
    }
    for (index, list) in doc.lists.iter().enumerate() {
        let first = list.markers.first().and_then(|m| m.strip_suffix('.'));
        let numbering = match first.and_then(|n| n.parse::<usize>().ok()) {
            Some(start) => Numbering::new(index + 1, DECIMAL).add_override(
                LevelOverride::new(depth.get(index).copied().flatten().unwrap_or(0)).start(start),
            ),
            None => Numbering::new(index + 1, BULLETS),
        };
        out.push(NumberingPart::Instance(numbering));
    }
    out
}

/// How many list items enclose `block`.
fn item_depth(block: &Block) -> usize {
    block
        .containers
        .iter()
        .filter(|c| matches!(c, Container::Item(_)))
        .count()
}

/// The text of a block, without styles or breaks.
fn plain_text(block: &Block) -> String {
    block
        .inlines
        .iter()
        .map(|i| match i {
            Inline::Text { text, .. } => text.as_str(),
            Inline::Break => " ",
        })
        .collect()
}

/// One block as a Word paragraph.
fn paragraph(block: &Block, ids: &mut ParagraphIds, in_references: bool) -> Paragraph {
    let quotes = block
        .containers
        .iter()
        .filter(|c| matches!(c, Container::Quote))
        .count() as i32;
    let depth = item_depth(block);
    let mut p = ids.next();
    p = match block.kind {
        Kind::Heading(level) => p.style(&format!("Heading{level}")),
        Kind::Rule => {
            p.property = p.property.set_border(
                ParagraphBorder::new(ParagraphBorderPosition::Bottom)
                    .val(BorderType::Single)
                    .size(6)
                    .space(1)
                    .color("auto"),
            );
            p
        }
        Kind::Paragraph if depth > 0 && in_references => p.style("Reference"),
        Kind::Paragraph if depth > 0 => p.style("ListParagraph"),
        Kind::Paragraph if quotes > 0 => p.style("Quote"),
        Kind::Paragraph => p,
    };
    // Indents from the containers, as the PDF sets them: half an inch each side per quote, one
    // step per list level; the first paragraph of an item hangs its marker.
    let left = quotes * QUOTE_INDENT + depth as i32 * LIST_STEP;
    let right = (quotes > 0).then_some(quotes * QUOTE_INDENT);
    if let Some((list, _)) = &block.marker {
        p = p
            .numbering(
                NumberingId::new(list + 1),
                IndentLevel::new(depth.saturating_sub(1)),
            )
            .indent(
                Some(left),
                Some(SpecialIndentType::Hanging(LIST_STEP)),
                right,
                None,
            );
    } else if left > 0 {
        p = p.indent(Some(left), None, right, None);
    }
    if block.inlines.iter().any(|i| matches!(i, Inline::Break)) {
        // An address block or signature: never split across pages.
        p = p.keep_lines(true);
    }
    for inline in &block.inlines {
        let run = match inline {
            Inline::Text { text, style, .. } => {
                let mut run = Run::new().add_text(text.as_str());
                if style.bold {
                    run = run.bold();
                }
                if style.italic {
                    run = run.italic();
                }
                run
            }
            Inline::Break => Run::new().add_break(BreakType::TextWrapping),
        };
        p = p.add_run(run);
    }
    p
}

/// `docProps/core.xml` with the front matter's title, author and subject, which docx-rs
/// offers no way to set.
fn core_properties(front: &markdown::FrontMatter, date: &Date) -> String {
    let element = |name: &str, value: &Option<String>| match value.as_deref() {
        Some(v) if !v.trim().is_empty() => format!("<{name}>{}</{name}>", xml_escape(v)),
        _ => String::new(),
    };
    format!(
        concat!(
            r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>"#,
            r#"<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" "#,
            r#"xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/" "#,
            r#"xmlns:dcmitype="http://purl.org/dc/dcmitype/" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">"#,
            "{title}{subject}{creator}",
            r#"<dcterms:created xsi:type="dcterms:W3CDTF">{date}</dcterms:created>"#,
            r#"<dcterms:modified xsi:type="dcterms:W3CDTF">{date}</dcterms:modified>"#,
            "<cp:revision>1</cp:revision></cp:coreProperties>"
        ),
        title = element("dc:title", &front.title),
        subject = element("dc:subject", &front.subject),
        creator = element("dc:creator", &front.author),
        date = date.w3c(),
    )
}

/// `text` with the XML special characters escaped, and characters XML 1.0 cannot hold dropped
/// (front matter is TOML and may hold control characters).
fn xml_escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\t' | '\n' | '\r' => out.push(c),
            c if c < ' ' || c == '\u{FFFE}' || c == '\u{FFFF}' => {}
            c => out.push(c),
        }
    }
    out
}

/// Zips the parts docx-rs built, in its order, deflated, every entry stamped with `date`.
fn package(xml: docx_rs::XMLDocx, date: &Date) -> zip::result::ZipResult<Vec<u8>> {
    let options = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated)
        .compression_level(Some(6))
        .last_modified_time(date.zip())
        .unix_permissions(0o644);
    let mut zip = zip::ZipWriter::new(Cursor::new(Vec::new()));
    let part = |zip: &mut zip::ZipWriter<Cursor<Vec<u8>>>, name: &str, bytes: &[u8]| {
        zip.start_file(name, options)?;
        zip.write_all(bytes)?;
        Ok::<(), zip::result::ZipError>(())
    };
    part(&mut zip, "[Content_Types].xml", &xml.content_type)?;
    part(&mut zip, "_rels/.rels", &xml.rels)?;
    part(&mut zip, "docProps/app.xml", &xml.doc_props.app)?;
    part(&mut zip, "docProps/core.xml", &xml.doc_props.core)?;
    part(&mut zip, "docProps/custom.xml", &xml.doc_props.custom)?;
    part(&mut zip, "word/_rels/document.xml.rels", &xml.document_rels)?;
    part(&mut zip, "word/document.xml", &xml.document)?;
    part(&mut zip, "word/styles.xml", &xml.styles)?;
    part(&mut zip, "word/settings.xml", &xml.settings)?;
    part(&mut zip, "word/fontTable.xml", &xml.font_table)?;
    part(&mut zip, "word/comments.xml", &xml.comments)?;
    part(&mut zip, "word/numbering.xml", &xml.numberings)?;
    part(&mut zip, "word/commentsExtended.xml", &xml.comments_extended)?;
    part(&mut zip, "word/footnotes.xml", &xml.footnotes)?;
    for (i, header) in xml.headers.iter().enumerate() {
        part(&mut zip, &format!("word/header{}.xml", i + 1), header)?;
        if let Some(rels) = xml.header_rels.get(i) {
            part(&mut zip, &format!("word/_rels/header{}.xml.rels", i + 1), rels)?;
        }
    }
    for (i, footer) in xml.footers.iter().enumerate() {
        part(&mut zip, &format!("word/footer{}.xml", i + 1), footer)?;
        if let Some(rels) = xml.footer_rels.get(i) {
            part(&mut zip, &format!("word/_rels/footer{}.xml.rels", i + 1), rels)?;
        }
    }
    for (id, bytes) in &xml.media {
        // docx-rs names every image part `.png` in the relationships it writes; the letterhead
        // module hands it PNG bytes, already compressed, so they are stored as they are.
        zip.start_file(
            format!("word/media/{id}.png"),
            options
                .compression_method(zip::CompressionMethod::Stored)
                .compression_level(None),
        )?;
        zip.write_all(bytes)?;
    }
    Ok(zip.finish()?.into_inner())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Read;

    const LETTER: &str = include_str!("../../benches/fixtures/three-page-letter.md");

    /// The entries of a .docx: name → (bytes, modification date).
    fn unzip(bytes: &[u8]) -> Vec<(String, String, (u16, u8, u8))> {
        let mut archive = zip::ZipArchive::new(Cursor::new(bytes)).expect("a zip archive");
        (0..archive.len())
            .map(|i| {
                let mut entry = archive.by_index(i).expect("entry");
                let mut data = Vec::new();
                entry.read_to_end(&mut data).expect("inflates");
                let t = entry.last_modified().unwrap_or_default();
                (
                    entry.name().to_string(),
                    String::from_utf8_lossy(&data).into_owned(),
                    (t.year(), t.month(), t.day()),
                )
            })
            .collect()
    }

    fn part(bytes: &[u8], name: &str) -> String {
        unzip(bytes)
            .into_iter()
            .find(|(n, _, _)| n == name)
            .map(|(_, text, _)| text)
            .unwrap_or_else(|| panic!("{name} missing"))
    }

    fn write(markdown: &str) -> Vec<u8> {
        docx(markdown, &DocxOptions::default()).expect("writes")
    }

    #[test]
    fn the_same_letter_gives_the_same_bytes_whatever_was_written_before() {
        let first = write(LETTER);
        // docx-rs numbers paragraphs per thread unless told; other documents in between must
        // not shift the ids.
        write("Another letter.\n\nWith two paragraphs.\n");
        assert!(write(LETTER) == first, "two runs differ");
        let other_thread = std::thread::spawn(|| write(LETTER)).join().expect("thread");
        assert!(other_thread == first, "a fresh thread differs");
    }

    #[test]
    fn entries_are_dated_with_the_letter_or_1980() {
        for (_, _, date) in unzip(&write(LETTER)) {
            assert_eq!(date, (2026, 3, 2));
        }
        for (_, _, date) in unzip(&write("No front matter.\n")) {
            assert_eq!(date, (1980, 1, 1));
        }
        let core = part(&write("No front matter.\n"), "docProps/core.xml");
        assert!(core.contains(">1970-01-01T00:00:00Z</dcterms:created>"), "{core}");
    }

    #[test]
    fn front_matter_becomes_escaped_document_properties() {
        let bytes = write(
            "+++\ntitle = \"Appeal & <review>\"\nauthor = \"Jo \\\"JJ\\\" O'Neil\"\nsubject = \"S\"\n+++\n\nText.\n",
        );
        let core = part(&bytes, "docProps/core.xml");
        assert!(
            core.contains("<dc:title>Appeal &amp; &lt;review&gt;</dc:title>"),
            "{core}"
        );
        assert!(
            core.contains("<dc:creator>Jo &quot;JJ&quot; O&apos;Neil</dc:creator>"),
            "{core}"
        );
        assert!(core.contains("<dc:subject>S</dc:subject>"), "{core}");
    }

    #[test]
    fn lists_quotes_rules_and_references_use_word_structure() {
        let markdown = "Dear plan,\n\n> Your words.\n\n- one\n  - nested\n- two\n\n---\n\n## References\n\n3. Third.\n4. Fourth.\n";
        let bytes = write(markdown);
        let document = part(&bytes, "word/document.xml");
        let numbering = part(&bytes, "word/numbering.xml");
        // The bullet list, its nested list one level in, and the references from 3.
        assert!(document.contains(r#"<w:pStyle w:val="Quote" />"#), "{document}");
        assert!(document.contains(r#"<w:ilvl w:val="1" />"#), "{document}");
        assert!(
            document.contains(r#"<w:pStyle w:val="Reference" />"#),
            "{document}"
        );
        assert!(document.contains(r#"<w:bottom w:val="single""#), "{document}");
        assert!(
            numbering.contains(r#"<w:startOverride w:val="3" />"#),
            "{numbering}"
        );
        assert!(numbering.contains(r#"<w:lvlText w:val="•" />"#), "{numbering}");
        assert!(numbering.contains(r#"<w:lvlText w:val="%1." />"#), "{numbering}");
        // The closing keeps with the signer's name, with room to sign.
        let signed = write("Dear plan,\n\nPlease approve.\n\nSincerely,\n\nJo Doe\\\nPatient\n");
        let document_signed = part(&signed, "word/document.xml");
        let closing = document_signed
            .split("<w:p ")
            .find(|p| p.contains(">Sincerely,<"))
            .expect("the closing");
        assert!(closing.contains("<w:keepNext />"), "{closing}");
        assert!(closing.contains(r#"w:after="688""#), "{closing}");
        // No header part without a front-matter header; one footer with the page numbers.
        let names: Vec<String> = unzip(&bytes).into_iter().map(|(n, _, _)| n).collect();
        assert!(!names.iter().any(|n| n.starts_with("word/header")), "{names:?}");
        assert!(names.contains(&"word/footer1.xml".to_string()), "{names:?}");
    }

    #[test]
    fn markdown_outside_the_dialect_is_the_pdf_typesetters_error() {
        let e = docx(
            "Intro.\n\n| a | b |\n|---|---|\n| 1 | 2 |\n",
            &DocxOptions::default(),
        )
        .expect_err("tables are refused");
        assert!(matches!(e, DocxError::Markdown(PdfError::Unsupported { .. })));
        assert!(
            e.to_string()
                .starts_with("letter.md:3:1: tables are not supported"),
            "{e}"
        );
    }

    #[test]
    fn a_letterhead_is_an_inline_picture_in_the_first_paragraph() {
        let png = crate::render::letterhead::tests::png(120, 30, true);
        let options = DocxOptions {
            letterhead: Some(Letterhead::decode(png.clone()).expect("decodes")),
            ..DocxOptions::default()
        };
        let bytes = docx("Dear plan,\n", &options).expect("writes");
        let entries = unzip(&bytes);
        let media = entries
            .iter()
            .find(|(n, _, _)| n.starts_with("word/media/"))
            .expect("the image part");
        assert_eq!(media.0, "word/media/rIdImage1.png");
        let mut archive = zip::ZipArchive::new(Cursor::new(&bytes)).expect("zip");
        let mut stored = Vec::new();
        archive
            .by_name("word/media/rIdImage1.png")
            .expect("entry")
            .read_to_end(&mut stored)
            .expect("reads");
        assert_eq!(stored, png);
        let document = part(&bytes, "word/document.xml");
        // 120 × 30 px at 96 to the inch: 90 × 22.5 pt.
        assert!(
            document.contains(r#"<wp:extent cx="1143000" cy="285750" />"#),
            "{document}"
        );
        let rels = part(&bytes, "word/_rels/document.xml.rels");
        assert!(rels.contains(r#"Target="media/rIdImage1.png""#), "{rels}");
    }
}
