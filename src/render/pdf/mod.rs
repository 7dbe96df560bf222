//! Typesets a letter written in the letter Markdown dialect as a PDF.
//!
//! [`pdf`] reads the Markdown (see "The letter Markdown dialect" in `docs/architecture.md`),
//! breaks it into lines and pages with the bundled Liberation Serif faces and returns the PDF
//! bytes; it never writes files. Pages are US Letter (or A4) with one-inch margins, 11 pt text
//! set ragged-right at 1.25 line height. Every page after the first carries the front matter's
//! `header`; every page a "Page i of n" footer. A letterhead image, when given, sits at the top
//! of page 1's text area and the text starts below it. The line-breaking and page-breaking rules
//! are documented in the `layout` submodule.
//!
//! The output is deterministic: the same input gives the same bytes. The creation date comes
//! from the front matter's `date` (midnight UTC) or is 1970-01-01, never the clock, and the
//! document ID is a hash of the input.
//!
//! Anything outside the dialect is an error naming its line and column, and a character the
//! fonts lack is an error naming the character and where it first occurs, unless a fallback
//! font is given that has it.

mod fonts;
mod layout;
pub(in crate::render) mod markdown;

use printpdf::{
    Color, DictItem, FontId, Greyscale, Line, LinePoint, Op, PdfDocument, PdfFont, PdfFontHandle, PdfPage,
    PdfSaveOptions, Point, Pt, RawImage, RawImageData, RawImageFormat, Rect, TextItem, TextMatrix, XObject,
    XObjectId, XObjectTransform,
};

use crate::diag::Location;
use crate::render::letterhead::{GAP_BELOW_PT, Letterhead};
pub(in crate::render) use layout::signature_start;
use layout::{Geometry, Item, MARGIN, PlacedLine, Shaper};

/// Size of the running header and the page footer, in points.
const MARGINALIA_SIZE: f32 = 9.0;
/// Baseline of the running header, points below the page's top edge.
const HEADER_BASELINE: f32 = 0.6 * 72.0;
/// Baseline of the footer, points above the page's bottom edge.
const FOOTER_BASELINE: f32 = 0.5 * 72.0;

/// Options for typesetting.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PdfOptions {
    /// Paper size.
    pub paper: Paper,
    /// A TrueType/OpenType font (file bytes) for characters Liberation Serif lacks, such as CJK.
    /// Without one, such characters are an error.
    pub fallback_font: Option<Vec<u8>>,
    /// What error messages call the Markdown file, e.g. `letter.md`.
    pub source_name: String,
    /// A logo for the top of page 1 (see [`crate::render::letterhead`]).
    pub letterhead: Option<Letterhead>,
}

impl Default for PdfOptions {
    fn default() -> Self {
        PdfOptions {
            paper: Paper::default(),
            fallback_font: None,
            source_name: "letter.md".to_string(),
            letterhead: None,
        }
    }
}

crate::model::vocab::vocabulary! {
    /// Paper size (`--paper letter|a4`).
    #[derive(Default)]
    pub enum Paper ("paper size") {
        /// US Letter, 8.5 × 11 in.
        #[default]
        Letter = "letter",
        /// ISO A4, 210 × 297 mm.
        A4 = "a4",
    }
}

impl Paper {
    /// Width and height in points.
    pub fn size_pt(self) -> (f32, f32) {
        match self {
            Paper::Letter => (612.0, 792.0),
            // 210 × 297 mm at 72/25.4 points per millimetre.
            Paper::A4 => (595.2756, 841.8898),
        }
    }
}

/// A character no font has, and where it first occurs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MissingChar {
    /// The character.
    pub ch: char,
    /// Its first occurrence in the Markdown.
    pub location: Location,
}

/// Why a letter could not be typeset.
#[derive(Debug, thiserror::Error)]
pub enum PdfError {
    /// A Markdown construct outside the letter dialect.
    #[error(
        "{location}: {construct} {} not supported by the PDF typesetter; {hint}",
        if construct.ends_with('s') { "are" } else { "is" }
    )]
    Unsupported {
        /// Where the construct starts.
        location: Location,
        /// What it is, e.g. "tables".
        construct: &'static str,
        /// How to fix it.
        hint: &'static str,
    },
    /// The TOML front matter is malformed or has an unknown key.
    #[error(
        "{location}: invalid front matter: {message}; the keys are title, author, subject, header and date"
    )]
    FrontMatter {
        /// Where the problem is.
        location: Location,
        /// The TOML parser's message.
        message: String,
    },
    /// The source opens front matter with a `+++` line and never closes it.
    #[error(
        "{location}: the front matter opened here with `+++` is never closed\n  hint: add a line `+++` after its last key, or remove this line if the letter has no front matter"
    )]
    UnclosedFrontMatter {
        /// The opening line.
        location: Location,
    },
    /// The front matter's `date` is not a real `YYYY-MM-DD` date.
    #[error("{location}: `date` must be a calendar date written YYYY-MM-DD, found `{value}`")]
    Date {
        /// Where the value is.
        location: Location,
        /// The value as written.
        value: String,
    },
    /// Characters that neither the bundled fonts nor the fallback font have.
    #[error("{}", missing_message(.missing))]
    MissingGlyphs {
        /// Each missing character with its first occurrence, in reading order.
        missing: Vec<MissingChar>,
    },
    /// The fallback font could not be parsed.
    #[error("the fallback font could not be read as a TrueType/OpenType font: {message}")]
    FallbackFont {
        /// The font parser's warnings.
        message: String,
    },
    /// A bundled font could not be parsed (a build problem, not a user error).
    #[error("the bundled font {name} could not be read")]
    BundledFont {
        /// The font file.
        name: &'static str,
    },
    /// The PDF writer produced output this module did not expect.
    #[error("the PDF could not be written: {message}")]
    Write {
        /// What went wrong.
        message: String,
    },
}

fn missing_message(missing: &[MissingChar]) -> String {
    let Some(first) = missing.first() else {
        return "the font lacks some characters".to_string();
    };
    let list: Vec<String> = missing
        .iter()
        .map(|m| {
            format!(
                "U+{:04X} {} (first at {}:{})",
                u32::from(m.ch),
                printable(m.ch),
                m.location.line,
                m.location.column
            )
        })
        .collect();
    format!(
        "{}: the font has no glyph for {}; give a fallback font that has {}, or replace {} in the letter",
        first.location,
        list.join(", "),
        if missing.len() == 1 { "it" } else { "them" },
        if missing.len() == 1 { "it" } else { "them" },
    )
}

/// The character quoted, or its escape if it is invisible.
fn printable(ch: char) -> String {
    if ch.is_control() || ch.is_whitespace() {
        format!("{:?}", ch.escape_unicode().to_string())
    } else {
        format!("'{ch}'")
    }
}

/// Typesets `markdown` (the letter dialect) as a PDF and returns its bytes.
///
/// ```
/// use appeal::render::pdf::{pdf, PdfOptions};
/// let bytes = pdf("Dear Sir or Madam,\n\nI appeal.\n", &PdfOptions::default()).unwrap();
/// assert!(bytes.starts_with(b"%PDF-"));
/// ```
pub fn pdf(markdown: &str, options: &PdfOptions) -> Result<Vec<u8>, PdfError> {
    pdf_and_pages(markdown, options).map(|(bytes, _)| bytes)
}

/// [`pdf`], with the number of pages typeset.
pub fn pdf_and_pages(markdown: &str, options: &PdfOptions) -> Result<(Vec<u8>, usize), PdfError> {
    let name = options.source_name.as_str();
    let doc = markdown::parse(markdown, name)?;
    let created = creation_date(&doc, markdown, name)?;
    let (page_width, page_height) = options.paper.size_pt();
    let logo = options
        .letterhead
        .as_ref()
        .map(|l| (l, l.size_pt(page_width - 2.0 * MARGIN)));
    let geometry = Geometry {
        width: page_width,
        height: page_height,
        first_page_top: logo.map_or(0.0, |(_, (_, h))| h + GAP_BELOW_PT),
    };

    let mut fonts = fonts::Fonts::load(options.fallback_font.as_deref())?;
    let mut shaper = Shaper::new(&mut fonts);
    let pages = layout::layout(&doc, &mut shaper, geometry);
    let front_range = doc.front_offset..doc.front_offset;
    let header = doc
        .front
        .header
        .as_deref()
        .filter(|h| !h.trim().is_empty())
        .map(|h| layout::shape_line(&mut shaper, h.trim(), MARGINALIA_SIZE, &front_range));
    let count = pages.len();
    let footers: Vec<Vec<Item>> = (1..=count)
        .map(|i| {
            layout::shape_line(
                &mut shaper,
                &format!("Page {i} of {count}"),
                MARGINALIA_SIZE,
                &(0..0),
            )
        })
        .collect();
    if !shaper.missing.is_empty() {
        let missing = shaper
            .missing
            .iter()
            .map(|m| MissingChar {
                ch: m.ch,
                location: locate_char(markdown, name, m, &doc),
            })
            .collect();
        return Err(PdfError::MissingGlyphs { missing });
    }

    let hash = input_hash(markdown, options);
    let mut document = PdfDocument::new(doc.front.title.as_deref().unwrap_or(""));
    let info = &mut document.metadata.info;
    info.author = doc.front.author.clone().unwrap_or_default();
    info.subject = doc.front.subject.clone().unwrap_or_default();
    info.creator = CREATOR.to_string();
    info.producer = PRODUCER.to_string();
    info.creation_date = created;
    info.modification_date = created;
    info.metadata_date = created;
    info.identifier = format!("{:016X}{:016X}", hash[0], hash[1]);

    let faces = fonts.into_faces();
    let font_ids: Vec<FontId> = (0..faces.len()).map(|k| FontId(subset_tag(hash[0], k))).collect();
    for (face, id) in faces.into_iter().zip(&font_ids) {
        if let Some(face) = face {
            document
                .resources
                .fonts
                .map
                .insert(id.clone(), PdfFont::new(face));
        }
    }

    let logo_id = XObjectId("Letterhead".to_string());
    if let Some((image, _)) = logo {
        document
            .resources
            .xobjects
            .map
            .insert(logo_id.clone(), XObject::Image(raw_image(image)));
    }

    let mut pdf_pages = Vec::with_capacity(count);
    let mut outline = Vec::new();
    for (index, page) in pages.iter().enumerate() {
        // The running header and the footer are pagination artifacts: marked so, text
        // extraction and screen readers can leave them out of the letter's text.
        let mut ops = Vec::new();
        if index > 0
            && let Some(items) = &header
        {
            let line = marginal_line(items, page_width, page_height - HEADER_BASELINE, false);
            artifact(&mut ops, Some("Header"), text_ops(&[line], &font_ids));
        }
        ops.extend(text_ops(&page.lines, &font_ids));
        if let Some(items) = footers.get(index) {
            let line = marginal_line(items, page_width, FOOTER_BASELINE, true);
            artifact(&mut ops, Some("Footer"), text_ops(&[line], &font_ids));
        }
        if index == 0
            && let Some((_, (w, h))) = logo
        {
            // The logo at the top of the first page's text area, its left edge on the margin.
            ops.push(Op::UseXobject {
                id: logo_id.clone(),
                transform: XObjectTransform {
                    translate_x: Some(Pt(MARGIN)),
                    translate_y: Some(Pt(page_height - MARGIN - h)),
                    scale_x: Some(w),
                    scale_y: Some(h),
                    no_auto_scale: true,
                    ..XObjectTransform::default()
                },
            });
        }
        outline.extend(page.headings.iter().map(|h| OutlineEntry {
            page: index,
            level: h.level,
            title: h.title.clone(),
            top: h.top,
        }));
        if !page.rules.is_empty() {
            let mut rule_ops = Vec::new();
            rule_ops.push(Op::SetOutlineColor {
                col: Color::Greyscale(Greyscale {
                    percent: 0.0,
                    icc_profile: None,
                }),
            });
            rule_ops.push(Op::SetOutlineThickness { pt: Pt(0.6) });
            for rule in &page.rules {
                rule_ops.push(Op::DrawLine {
                    line: Line {
                        points: vec![
                            LinePoint {
                                p: Point {
                                    x: Pt(rule.x1),
                                    y: Pt(rule.y),
                                },
                                bezier: false,
                            },
                            LinePoint {
                                p: Point {
                                    x: Pt(rule.x2),
                                    y: Pt(rule.y),
                                },
                                bezier: false,
                            },
                        ],
                        is_closed: false,
                    },
                });
            }
            // A rule only separates parts of the letter: layout, not content.
            artifact(&mut ops, None, rule_ops);
        }
        let media = Rect::from_wh(Pt(page_width), Pt(page_height));
        pdf_pages.push(PdfPage {
            media_box: media.clone(),
            trim_box: media.clone(),
            crop_box: media,
            ops,
        });
    }
    document.pages = pdf_pages;

    let extras = Extras {
        xmp: xmp(&doc.front, created, hash),
        outline,
    };
    finish(&document, &info_id(hash), &extras).map(|bytes| (bytes, count))
}

/// The letterhead's pixels as printpdf's image (embedded as raw samples, deflated; an alpha
/// channel becomes a soft mask).
fn raw_image(image: &Letterhead) -> RawImage {
    let (width, height) = image.pixel_size();
    RawImage {
        pixels: RawImageData::U8(image.pixels().to_vec()),
        width: width as usize,
        height: height as usize,
        data_format: match image.channels() {
            1 => RawImageFormat::R8,
            2 => RawImageFormat::RG8,
            4 => RawImageFormat::RGBA8,
            _ => RawImageFormat::RGB8,
        },
        tag: Vec::new(),
    }
}

/// The language of every letter, for the catalog's `/Lang` and the XMP `dc:language`: the
/// letters are written in American English.
const LANGUAGE: &str = "en-US";

/// A heading in the document outline (bookmarks).
#[derive(Debug, Clone, PartialEq)]
struct OutlineEntry {
    /// Page index, from 0.
    page: usize,
    /// 1 to 3.
    level: u8,
    /// The heading's text.
    title: String,
    /// The top of its first line, points from the page's bottom edge.
    top: f32,
}

/// What [`finish`] adds to printpdf's document.
struct Extras {
    /// The XMP metadata packet.
    xmp: String,
    /// The headings, in order.
    outline: Vec<OutlineEntry>,
}

/// Wraps `ops` in an `/Artifact` marked-content sequence (PDF 32000-1, 14.8.2.2), of the
/// pagination subtype `subtype` (`Header`, `Footer`) or, without one, a layout artifact.
fn artifact(ops: &mut Vec<Op>, subtype: Option<&str>, inner: Vec<Op>) {
    let mut map = std::collections::BTreeMap::new();
    let kind = if subtype.is_some() { "Pagination" } else { "Layout" };
    map.insert("Type".to_string(), DictItem::Name(kind.as_bytes().to_vec()));
    if let Some(subtype) = subtype {
        map.insert("Subtype".to_string(), DictItem::Name(subtype.as_bytes().to_vec()));
    }
    ops.push(Op::BeginMarkedContentWithProperties {
        tag: "Artifact".to_string(),
        properties: DictItem::Dict { map },
    });
    ops.extend(inner);
    ops.push(Op::EndMarkedContent);
}

/// `text` with the five XML special characters escaped.
fn xml_escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            // Control characters are not allowed in XML 1.0.
            c if c.is_control() && !matches!(c, '\t' | '\n' | '\r') => out.push(' '),
            c => out.push(c),
        }
    }
    out
}

/// The XMP metadata packet (ISO 16684-1): the front matter's title, author and subject and
/// the creation date, as in the Info dictionary; identifiers from the input hash, so the same
/// input gives the same packet.
fn xmp(front: &markdown::FrontMatter, created: printpdf::OffsetDateTime, hash: [u64; 2]) -> String {
    let date = format!(
        "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}Z",
        created.year(),
        u8::from(created.month()),
        created.day(),
        created.hour(),
        created.minute(),
        created.second()
    );
    let uuid = format!(
        "{:08x}-{:04x}-{:04x}-{:04x}-{:012x}",
        hash[0] >> 32,
        (hash[0] >> 16) & 0xffff,
        hash[0] & 0xffff,
        hash[1] >> 48,
        hash[1] & 0xffff_ffff_ffff
    );
    let text = |v: &Option<String>| xml_escape(v.as_deref().unwrap_or(""));
    let mut x = String::with_capacity(2048);
    x.push_str("<?xpacket begin=\"\u{FEFF}\" id=\"W5M0MpCehiHzreSzNTczkc9d\"?>\n");
    x.push_str("<x:xmpmeta xmlns:x=\"adobe:ns:meta/\">\n");
    x.push_str(" <rdf:RDF xmlns:rdf=\"http://www.w3.org/1999/02/22-rdf-syntax-ns#\">\n");
    x.push_str("  <rdf:Description rdf:about=\"\"\n");
    x.push_str("    xmlns:dc=\"http://purl.org/dc/elements/1.1/\"\n");
    x.push_str("    xmlns:xmp=\"http://ns.adobe.com/xap/1.0/\"\n");
    x.push_str("    xmlns:xmpMM=\"http://ns.adobe.com/xap/1.0/mm/\"\n");
    x.push_str("    xmlns:pdf=\"http://ns.adobe.com/pdf/1.3/\">\n");
    x.push_str("   <dc:format>application/pdf</dc:format>\n");
    x.push_str(&format!(
        "   <dc:title><rdf:Alt><rdf:li xml:lang=\"x-default\">{}</rdf:li></rdf:Alt></dc:title>\n",
        text(&front.title)
    ));
    if front.author.as_deref().is_some_and(|a| !a.is_empty()) {
        x.push_str(&format!(
            "   <dc:creator><rdf:Seq><rdf:li>{}</rdf:li></rdf:Seq></dc:creator>\n",
            text(&front.author)
        ));
    }
    if front.subject.as_deref().is_some_and(|s| !s.is_empty()) {
        x.push_str(&format!(
            "   <dc:description><rdf:Alt><rdf:li xml:lang=\"x-default\">{}</rdf:li></rdf:Alt></dc:description>\n",
            text(&front.subject)
        ));
    }
    x.push_str(&format!(
        "   <dc:language><rdf:Bag><rdf:li>{LANGUAGE}</rdf:li></rdf:Bag></dc:language>\n"
    ));
    x.push_str(&format!("   <xmp:CreateDate>{date}</xmp:CreateDate>\n"));
    x.push_str(&format!("   <xmp:ModifyDate>{date}</xmp:ModifyDate>\n"));
    x.push_str(&format!("   <xmp:MetadataDate>{date}</xmp:MetadataDate>\n"));
    x.push_str(&format!("   <xmp:CreatorTool>{CREATOR}</xmp:CreatorTool>\n"));
    x.push_str(&format!("   <pdf:Producer>{PRODUCER}</pdf:Producer>\n"));
    x.push_str(&format!("   <xmpMM:DocumentID>uuid:{uuid}</xmpMM:DocumentID>\n"));
    x.push_str(&format!("   <xmpMM:InstanceID>uuid:{uuid}</xmpMM:InstanceID>\n"));
    x.push_str("  </rdf:Description>\n </rdf:RDF>\n</x:xmpmeta>\n<?xpacket end=\"r\"?>");
    x
}

/// The Info dictionary's and XMP's creator.
const CREATOR: &str = "appeal";
/// The Info dictionary's and XMP's producer.
const PRODUCER: &str = "appeal (printpdf 0.12)";

/// Zlib-compresses `input` with `compressor`, which is reset first.
fn deflate(compressor: &mut flate2::Compress, input: &[u8]) -> Result<Vec<u8>, PdfError> {
    compressor.reset();
    let mut out = Vec::with_capacity(input.len() / 2 + 64);
    loop {
        let consumed = usize::try_from(compressor.total_in())
            .unwrap_or(input.len())
            .min(input.len());
        let status = compressor
            .compress_vec(&input[consumed..], &mut out, flate2::FlushCompress::Finish)
            .map_err(|e| PdfError::Write {
                message: e.to_string(),
            })?;
        if status == flate2::Status::StreamEnd {
            return Ok(out);
        }
        out.reserve(out.capacity().max(64));
    }
}

/// Serialises `document` with the document ID `id`, compressing every stream.
///
/// printpdf's own `save` writes a random trailer `/ID`, compresses at the slowest level and
/// labels the Info dictionary with an empty PDF/X version; this goes through its lopdf
/// document instead so the output is deterministic, faster to write and plainly labelled.
///
/// It also adds what printpdf does not: the catalog's `/Lang`, an XMP metadata stream (left
/// uncompressed, as readers that look for metadata expect), the document outline built from
/// the headings (printpdf's own bookmarks are flat and sorted by name), and the viewer
/// preference to show the title rather than the file name.
fn finish(document: &PdfDocument, id: &[u8; 32], extras: &Extras) -> Result<Vec<u8>, PdfError> {
    use lopdf044::{Dictionary, Object, Stream, StringFormat};

    let options = PdfSaveOptions {
        optimize: false,
        ..PdfSaveOptions::default()
    };
    let mut warnings = Vec::new();
    let mut doc = document.to_lopdf_document(&options, &mut warnings);
    // One compressor, reset per stream: setting up a deflate state costs more than compressing
    // a typical page's content stream.
    let mut compressor = flate2::Compress::new(flate2::Compression::new(1), true);
    for object in doc.objects.values_mut() {
        match object {
            Object::Stream(stream) if stream.dict.get(b"Filter").is_err() => {
                let compressed = deflate(&mut compressor, &stream.content)?;
                if compressed.len() < stream.content.len() {
                    stream.dict.set("Filter", "FlateDecode");
                    stream.set_content(compressed);
                }
            }
            Object::Dictionary(dict) if dict.has(b"GTS_PDFXVersion") => {
                // Not a PDF/X file: an empty version string makes viewers claim it is.
                dict.remove(b"GTS_PDFXVersion");
                dict.remove(b"Trapped");
            }
            _ => {}
        }
    }
    // Marked content, /Lang and XMP metadata need PDF 1.4; nothing here needs more.
    doc.version = "1.4".to_string();
    let page_ids: Vec<lopdf044::ObjectId> = doc.get_pages().into_values().collect();
    let mut metadata = Stream::new(
        Dictionary::from_iter([
            ("Type", Object::Name(b"Metadata".to_vec())),
            ("Subtype", Object::Name(b"XML".to_vec())),
        ]),
        extras.xmp.as_bytes().to_vec(),
    );
    metadata.allows_compression = false;
    let metadata = doc.add_object(metadata);
    let outlines = add_outline(&mut doc, &extras.outline, &page_ids);
    let catalog = doc.catalog_mut().map_err(|e| PdfError::Write {
        message: format!("no document catalog ({e})"),
    })?;
    catalog.set("Lang", Object::string_literal(LANGUAGE));
    catalog.set("Metadata", Object::Reference(metadata));
    catalog.set(
        "ViewerPreferences",
        Dictionary::from_iter([("DisplayDocTitle", Object::Boolean(true))]),
    );
    match outlines {
        Some(outlines) => {
            catalog.set("Outlines", Object::Reference(outlines));
            catalog.set("PageMode", Object::Name(b"UseOutlines".to_vec()));
        }
        None => catalog.set("PageMode", Object::Name(b"UseNone".to_vec())),
    }
    let id = Object::String(id.to_vec(), StringFormat::Literal);
    doc.trailer.set("ID", Object::Array(vec![id.clone(), id]));
    let mut bytes = Vec::new();
    doc.save_to(&mut bytes).map_err(|e| PdfError::Write {
        message: e.to_string(),
    })?;
    Ok(bytes)
}

/// Adds the document outline for `entries` (nested by heading level) and returns the outline
/// dictionary, or `None` when there are no headings. Every entry is open and jumps to the top of
/// its heading.
fn add_outline(
    doc: &mut lopdf044::Document,
    entries: &[OutlineEntry],
    pages: &[lopdf044::ObjectId],
) -> Option<lopdf044::ObjectId> {
    use lopdf044::{Dictionary, Object};

    if entries.is_empty() {
        return None;
    }
    let root = doc.new_object_id();
    let ids: Vec<lopdf044::ObjectId> = entries.iter().map(|_| doc.new_object_id()).collect();
    // Each entry's parent: the nearest earlier entry of a lower level, else the root.
    let mut parents: Vec<Option<usize>> = Vec::with_capacity(entries.len());
    let mut stack: Vec<usize> = Vec::new();
    for (i, entry) in entries.iter().enumerate() {
        while stack.last().is_some_and(|&j| entries[j].level >= entry.level) {
            stack.pop();
        }
        parents.push(stack.last().copied());
        stack.push(i);
    }
    let children = |parent: Option<usize>| -> Vec<usize> {
        (0..entries.len()).filter(|&i| parents[i] == parent).collect()
    };
    // Open entries count every descendant.
    let is_ancestor = |a: usize, mut k: usize| {
        while let Some(p) = parents[k] {
            if p == a {
                return true;
            }
            k = p;
        }
        false
    };
    let descendants = |i: usize| (i + 1..entries.len()).filter(|&k| is_ancestor(i, k)).count() as i64;
    for (i, entry) in entries.iter().enumerate() {
        let siblings = children(parents[i]);
        let at = siblings.iter().position(|&k| k == i).unwrap_or(0);
        let mut dict = Dictionary::new();
        dict.set("Title", text_string(&entry.title));
        dict.set("Parent", Object::Reference(parents[i].map_or(root, |p| ids[p])));
        if at > 0 {
            dict.set("Prev", Object::Reference(ids[siblings[at - 1]]));
        }
        if let Some(&next) = siblings.get(at + 1) {
            dict.set("Next", Object::Reference(ids[next]));
        }
        let own = children(Some(i));
        if let (Some(&first), Some(&last)) = (own.first(), own.last()) {
            dict.set("First", Object::Reference(ids[first]));
            dict.set("Last", Object::Reference(ids[last]));
            dict.set("Count", Object::Integer(descendants(i)));
        }
        if let Some(page) = pages.get(entry.page) {
            dict.set(
                "Dest",
                Object::Array(vec![
                    Object::Reference(*page),
                    Object::Name(b"XYZ".to_vec()),
                    Object::Null,
                    Object::Real(entry.top + OUTLINE_ABOVE),
                    Object::Null,
                ]),
            );
        }
        doc.objects.insert(ids[i], Object::Dictionary(dict));
    }
    let top = children(None);
    let mut outlines = Dictionary::new();
    outlines.set("Type", Object::Name(b"Outlines".to_vec()));
    if let (Some(&first), Some(&last)) = (top.first(), top.last()) {
        outlines.set("First", Object::Reference(ids[first]));
        outlines.set("Last", Object::Reference(ids[last]));
    }
    outlines.set("Count", Object::Integer(entries.len() as i64));
    doc.objects.insert(root, Object::Dictionary(outlines));
    Some(root)
}

/// Points above a heading's first line that a bookmark shows, so the heading is not cut off.
const OUTLINE_ABOVE: f32 = 6.0;

/// A PDF text string: PDFDocEncoding where the text is ASCII, else UTF-16BE with a byte-order
/// mark.
fn text_string(text: &str) -> lopdf044::Object {
    use lopdf044::{Object, StringFormat};
    if text.is_ascii() {
        return Object::String(text.as_bytes().to_vec(), StringFormat::Literal);
    }
    let mut bytes = vec![0xFE, 0xFF];
    for unit in text.encode_utf16() {
        bytes.extend_from_slice(&unit.to_be_bytes());
    }
    Object::String(bytes, StringFormat::Hexadecimal)
}

/// A header (left-aligned, shrunk to fit) or footer (centred) line.
fn marginal_line(items: &[Item], page_width: f32, baseline: f32, centred: bool) -> PlacedLine {
    let available = page_width - 2.0 * MARGIN;
    let width = layout::line_width(items);
    let scale = if width > available { available / width } else { 1.0 };
    let items: Vec<Item> = items
        .iter()
        .map(|i| Item {
            glyph: i.glyph,
            width: i.width * scale,
        })
        .collect();
    let x = if centred {
        (page_width - width * scale) / 2.0
    } else {
        MARGIN
    };
    PlacedLine {
        x,
        y: baseline,
        size: MARGINALIA_SIZE * scale,
        items,
    }
}

/// printpdf operations that draw `lines`, one text run per face change.
fn text_ops(lines: &[PlacedLine], font_ids: &[FontId]) -> Vec<Op> {
    let mut ops = vec![Op::StartTextSection];
    let mut current: Option<(u8, f32)> = None;
    for line in lines {
        let mut x = line.x;
        for run in line.items.chunk_by(|a, b| a.glyph.face == b.glyph.face) {
            let face = run[0].glyph.face;
            let Some(id) = font_ids.get(usize::from(face)) else {
                continue;
            };
            if current != Some((face, line.size)) {
                ops.push(Op::SetFont {
                    font: PdfFontHandle::External(id.clone()),
                    size: Pt(line.size),
                });
                current = Some((face, line.size));
            }
            ops.push(Op::SetTextMatrix {
                matrix: TextMatrix::Translate(Pt(x), Pt(line.y)),
            });
            ops.push(Op::ShowText {
                // Text, not glyph ids: printpdf then writes one string per run and maps each
                // glyph back to its character in the ToUnicode CMap. Each run holds only
                // characters its face has, so the face's own lookup finds the same glyph.
                items: vec![TextItem::Text(
                    run.iter()
                        // A no-break space is drawn (and extracted) as a space; sharing the
                        // space's glyph, it would otherwise take over the space's ToUnicode entry.
                        .map(|i| if i.glyph.ch == '\u{A0}' { ' ' } else { i.glyph.ch })
                        .collect(),
                )],
            });
            x += run.iter().map(|i| i.width).sum::<f32>();
        }
    }
    ops.push(Op::EndTextSection);
    ops
}

/// The creation date: the front matter's `date` at midnight UTC, else 1970-01-01.
pub(in crate::render) fn creation_date(
    doc: &markdown::Document,
    source: &str,
    name: &str,
) -> Result<printpdf::OffsetDateTime, PdfError> {
    let epoch = printpdf::OffsetDateTime::from_unix_timestamp(0);
    let Some(date) = &doc.front.date else {
        return epoch.map_err(|e| PdfError::Write {
            message: e.to_string(),
        });
    };
    let text = date.get_ref().as_text();
    let location = Location::at(name, source, doc.front_offset + date.span().start);
    let bad = || PdfError::Date {
        location: location.clone(),
        value: text.clone(),
    };
    let bytes = text.as_bytes();
    let shape_ok = bytes.len() == 10
        && bytes[4] == b'-'
        && bytes[7] == b'-'
        && bytes
            .iter()
            .enumerate()
            .all(|(i, b)| i == 4 || i == 7 || b.is_ascii_digit());
    if !shape_ok {
        return Err(bad());
    }
    let number = |r: std::ops::Range<usize>| text.get(r).and_then(|s| s.parse::<i16>().ok());
    let (Some(year), Some(month), Some(day)) = (number(0..4), number(5..7), number(8..10)) else {
        return Err(bad());
    };
    let month = i8::try_from(month).map_err(|_| bad())?;
    let day = i8::try_from(day).map_err(|_| bad())?;
    let civil = jiff::civil::Date::new(year, month, day).map_err(|_| bad())?;
    let seconds = civil
        .to_zoned_datetime(jiff::tz::TimeZone::UTC)
        .map_err(|_| bad())?
        .timestamp()
        .as_second();
    printpdf::OffsetDateTime::from_unix_timestamp(seconds).map_err(|_| bad())
}

/// Where a missing character first occurs: inside its text run's source if found there.
fn locate_char(source: &str, name: &str, missing: &layout::Missing, doc: &markdown::Document) -> Location {
    let range = if missing.source.is_empty() {
        // The running header: search the front matter.
        doc.front_offset..source.len()
    } else {
        missing.source.clone()
    };
    let text = source.get(range.clone()).unwrap_or("");
    let offset = text
        .find(missing.ch)
        .or_else(|| find_reference(text, missing.ch))
        .map_or(range.start, |i| range.start + i);
    Location::at(name, source, offset)
}

/// Where in `text` a character reference (`&#0;`, `&#x2665;`, `&hearts;`) that stands for `ch`
/// starts: the numeric one that decodes to it (NUL and invalid numbers stand for U+FFFD), else
/// the first named one.
fn find_reference(text: &str, ch: char) -> Option<usize> {
    let mut named = None;
    for (at, _) in text.match_indices('&') {
        let rest = &text[at + 1..];
        let Some(end) = rest.find(';').filter(|&e| e <= 32) else {
            continue;
        };
        let body = &rest[..end];
        let number = match body.strip_prefix('#') {
            Some(n) => match n.strip_prefix(['x', 'X']) {
                Some(hex) => u32::from_str_radix(hex, 16).ok(),
                None => n.parse::<u32>().ok(),
            },
            None => {
                if named.is_none() && !body.is_empty() && body.chars().all(|c| c.is_ascii_alphanumeric()) {
                    named = Some(at);
                }
                continue;
            }
        };
        let decoded = number
            .filter(|&n| n != 0)
            .and_then(char::from_u32)
            .unwrap_or('\u{FFFD}');
        if decoded == ch {
            return Some(at);
        }
    }
    named
}

/// FNV-1a, 64 bit.
fn fnv1a(seed: u64, bytes: &[u8]) -> u64 {
    let mut hash = seed;
    for b in bytes {
        hash ^= u64::from(*b);
        hash = hash.wrapping_mul(0x0000_0100_0000_01b3);
    }
    hash
}

/// Two 64-bit hashes of everything that determines the output.
fn input_hash(markdown: &str, options: &PdfOptions) -> [u64; 2] {
    let mut first = fnv1a(0xcbf2_9ce4_8422_2325, markdown.as_bytes());
    first = fnv1a(first, options.paper.to_string().as_bytes());
    if let Some(font) = &options.fallback_font {
        first = fnv1a(first, font);
    }
    if let Some(logo) = &options.letterhead {
        first = fnv1a(first, logo.png());
    }
    let second = fnv1a(first ^ 0x9e37_79b9_7f4a_7c15, markdown.as_bytes());
    [first, second]
}

/// The 32-character document ID written into the trailer.
fn info_id(hash: [u64; 2]) -> [u8; 32] {
    let text = format!("{:016X}{:016X}", hash[0], hash[1]);
    let mut id = [b'0'; 32];
    id.copy_from_slice(&text.as_bytes()[..32]);
    id
}

/// A six-letter subset tag (also the font's resource name) for face `k`.
fn subset_tag(hash: u64, k: usize) -> String {
    let mut h = fnv1a(hash, &[k as u8]);
    (0..6)
        .map(|_| {
            let c = char::from(b'A' + (h % 26) as u8);
            h /= 26;
            c
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    const LETTER: &str = include_str!("../../../benches/fixtures/three-page-letter.md");
    const REGULAR_TTF_LEN: usize = crate::bundled::file("fonts/LiberationSerif-Regular.ttf")
        .bytes()
        .len();

    fn render(markdown: &str) -> Vec<u8> {
        match pdf(markdown, &PdfOptions::default()) {
            Ok(bytes) => bytes,
            Err(e) => panic!("typesetting failed: {e}"),
        }
    }

    fn load(bytes: &[u8]) -> lopdf::Document {
        lopdf::Document::load_mem(bytes).expect("output parses as PDF")
    }

    fn page_text(doc: &lopdf::Document, page: u32) -> String {
        doc.extract_text(&[page]).expect("text extracts")
    }

    /// The text without whitespace: lopdf joins the lines of a page without separators, so
    /// comparisons ignore spacing.
    fn flat(text: &str) -> String {
        text.chars().filter(|c| !c.is_whitespace()).collect()
    }

    fn info_string(doc: &lopdf::Document, key: &[u8]) -> String {
        let info = doc
            .trailer
            .get(b"Info")
            .and_then(|o| o.as_reference())
            .and_then(|r| doc.get_dictionary(r))
            .expect("Info dictionary");
        let bytes = info.get(key).and_then(|o| o.as_str()).expect("string value");
        lopdf::decode_text_string(&lopdf::Object::string_literal(bytes.to_vec())).expect("text string")
    }

    #[test]
    fn letter_has_pages_metadata_headers_and_footers() {
        let doc = load(&render(LETTER));
        let pages = doc.get_pages();
        assert_eq!(pages.len(), 3);
        assert_eq!(
            info_string(&doc, b"Title"),
            "Appeal: out-of-network sarcoma center consultation"
        );
        assert_eq!(info_string(&doc, b"Author"), "Jane Q. Sample");
        assert!(info_string(&doc, b"Subject").starts_with("Request for internal appeal"));
        assert_eq!(info_string(&doc, b"CreationDate"), "D:20260302000000+00'00'");
        let header = "Re: Jane Q. Sample · Member ID XZ0000000";
        for page in 1..=3u32 {
            let text = page_text(&doc, page);
            assert!(
                flat(&text).contains(&flat(&format!("Page {page} of 3"))),
                "footer on page {page}: {text}"
            );
            assert_eq!(
                flat(&text).contains(&flat(header)),
                page > 1,
                "header on page {page}"
            );
        }
        // Reading order on page 1: letterhead, salutation, first section.
        let first = flat(&page_text(&doc, 1));
        let order = [
            "Jane Q. Sample 100 Example Street",
            "Dear Appeals Reviewer,",
            "I appeal your decision",
            "The denial",
            "Your letter states:",
        ];
        let positions: Vec<usize> = order
            .iter()
            .map(|s| {
                first
                    .find(&flat(s))
                    .unwrap_or_else(|| panic!("{s:?} missing in {first}"))
            })
            .collect();
        assert!(positions.windows(2).all(|w| w[0] < w[1]), "{positions:?}");
        // The last reference, with its italic journal and accented author, is on page 3.
        let last = flat(&page_text(&doc, 3));
        assert!(last.contains(&flat("15. Pereira Gray DJ")), "{last}");
        assert!(last.contains(&flat("Lurkin A, Ducimetière F")), "{last}");
    }

    /// The document catalog.
    fn catalog(doc: &lopdf::Document) -> &lopdf::Dictionary {
        doc.catalog().expect("catalog")
    }

    /// The text of `element` (by qualified name) in an XML document, the first occurrence.
    fn xml_text(xml: &str, element: &[u8]) -> Option<String> {
        use quick_xml::events::Event;
        let mut reader = quick_xml::Reader::from_str(xml);
        let mut inside = false;
        let mut text = String::new();
        loop {
            match reader.read_event().expect("well-formed XML") {
                Event::Start(e) if e.name().as_ref() == element => inside = true,
                Event::Text(t) if inside => {
                    text.push_str(&t.decode().expect("text"));
                }
                Event::GeneralRef(r) if inside => {
                    let name = r.decode().expect("reference");
                    text.push_str(&quick_xml::escape::unescape(&format!("&{name};")).expect("entity"));
                }
                Event::End(e) if e.name().as_ref() == element => return Some(text.trim().to_string()),
                Event::Eof => return None,
                _ => {}
            }
        }
    }

    /// Every outline entry, depth first, with its depth from 1.
    fn outline(doc: &lopdf::Document) -> Vec<(usize, String)> {
        fn walk(
            doc: &lopdf::Document,
            first: Option<lopdf::ObjectId>,
            depth: usize,
            out: &mut Vec<(usize, String)>,
        ) {
            let mut next = first;
            while let Some(id) = next {
                let item = doc.get_dictionary(id).expect("outline item");
                let title = item.get(b"Title").expect("title");
                out.push((depth, lopdf::decode_text_string(title).expect("text string")));
                let child = item.get(b"First").and_then(|o| o.as_reference()).ok();
                walk(doc, child, depth + 1, out);
                next = item.get(b"Next").and_then(|o| o.as_reference()).ok();
            }
        }
        let root = catalog(doc)
            .get(b"Outlines")
            .and_then(|o| o.as_reference())
            .expect("an outline");
        let first = doc
            .get_dictionary(root)
            .expect("outlines")
            .get(b"First")
            .and_then(|o| o.as_reference())
            .ok();
        let mut out = Vec::new();
        walk(doc, first, 1, &mut out);
        out
    }

    #[test]
    fn catalog_has_language_metadata_and_an_outline_of_the_headings() {
        let doc = load(&render(LETTER));
        let catalog = catalog(&doc);
        assert_eq!(
            catalog.get(b"Lang").and_then(|l| l.as_str()).expect("/Lang"),
            b"en-US"
        );
        let metadata = catalog
            .get(b"Metadata")
            .and_then(|m| m.as_reference())
            .and_then(|r| doc.get_object(r))
            .and_then(|o| o.as_stream())
            .expect("metadata stream");
        assert_eq!(
            metadata.dict.get(b"Subtype").and_then(|s| s.as_name()).ok(),
            Some(&b"XML"[..])
        );
        let xmp = String::from_utf8(metadata.content.clone()).expect("UTF-8");
        assert_eq!(
            xml_text(&xmp, b"dc:title").as_deref(),
            Some("Appeal: out-of-network sarcoma center consultation")
        );
        assert_eq!(xml_text(&xmp, b"dc:creator").as_deref(), Some("Jane Q. Sample"));
        assert!(
            xml_text(&xmp, b"dc:description").is_some_and(|s| s.starts_with("Request for internal appeal")),
            "{xmp}"
        );
        assert_eq!(
            xml_text(&xmp, b"xmp:CreateDate").as_deref(),
            Some("2026-03-02T00:00:00Z")
        );
        assert_eq!(xml_text(&xmp, b"dc:language").as_deref(), Some("en-US"));
        // The outline lists the letter's headings, nested by level, in order.
        let headings: Vec<(usize, String)> = LETTER
            .lines()
            .filter_map(|l| {
                let level = l.chars().take_while(|&c| c == '#').count();
                (level > 0 && l[level..].starts_with(' ')).then(|| (level, l[level..].trim().to_string()))
            })
            .collect();
        assert!(headings.len() >= 5, "{headings:?}");
        let top = headings.iter().map(|h| h.0).min().unwrap_or(1);
        let expected: Vec<(usize, String)> = headings.into_iter().map(|(l, t)| (l - top + 1, t)).collect();
        assert_eq!(outline(&doc), expected);
        assert_eq!(
            catalog.get(b"PageMode").and_then(|m| m.as_name()).ok(),
            Some(&b"UseOutlines"[..])
        );
    }

    #[test]
    fn outline_nests_levels_and_escapes_nothing_into_xmp() {
        let markdown = "+++\ntitle = \"Müller & <Söhne>\"\n+++\n\n# Appeal\n\nText.\n\n## Denial\n\nText.\n\n### Détail\n\nText.\n\n## Ask\n\nText.\n\n# Enclosures\n\nText.\n";
        let doc = load(&render(markdown));
        assert_eq!(
            outline(&doc),
            vec![
                (1, "Appeal".to_string()),
                (2, "Denial".to_string()),
                (3, "Détail".to_string()),
                (2, "Ask".to_string()),
                (1, "Enclosures".to_string()),
            ]
        );
        let metadata = catalog(&doc)
            .get(b"Metadata")
            .and_then(|m| m.as_reference())
            .and_then(|r| doc.get_object(r))
            .and_then(|o| o.as_stream())
            .expect("metadata stream");
        let xmp = String::from_utf8(metadata.content.clone()).expect("UTF-8");
        assert_eq!(xml_text(&xmp, b"dc:title").as_deref(), Some("Müller & <Söhne>"));
        // No headings: no outline.
        let plain = load(&render("Dear plan,\n\nText.\n"));
        assert!(catalog(&plain).get(b"Outlines").is_err());
    }

    /// The page's text drawn inside `/Artifact` marked content and outside it, as lopdf extracts
    /// each (through the fonts' ToUnicode maps), with the artifacts' subtypes.
    fn split_artifacts(bytes: &[u8], page: u32) -> (String, String, Vec<String>) {
        use lopdf::content::{Content, Operation};
        let doc = load(bytes);
        let id = *doc.get_pages().get(&page).expect("page");
        let content = Content::decode(&doc.get_page_content(id)).expect("decodes");
        let mut inside: Vec<Operation> = Vec::new();
        let mut outside: Vec<Operation> = Vec::new();
        let mut subtypes = Vec::new();
        let mut depth = 0usize;
        let mut artifact_depth: Option<usize> = None;
        for op in content.operations {
            match op.operator.as_str() {
                "BDC" | "BMC" => {
                    depth += 1;
                    if artifact_depth.is_none()
                        && op.operands.first().and_then(|o| o.as_name().ok()) == Some(b"Artifact")
                    {
                        artifact_depth = Some(depth);
                        if let Some(sub) = op
                            .operands
                            .get(1)
                            .and_then(|d| d.as_dict().ok())
                            .and_then(|d| d.get(b"Subtype").ok())
                            .and_then(|s| s.as_name().ok())
                        {
                            subtypes.push(String::from_utf8_lossy(sub).into_owned());
                        }
                    }
                    continue;
                }
                "EMC" => {
                    if artifact_depth == Some(depth) {
                        artifact_depth = None;
                    }
                    depth = depth.saturating_sub(1);
                    continue;
                }
                _ => {}
            }
            let is_text = matches!(op.operator.as_str(), "Tj" | "TJ" | "'" | "\"");
            if artifact_depth.is_some() {
                inside.push(op);
            } else {
                if is_text {
                    outside.push(op);
                    continue;
                }
                // State (fonts, positions, text objects) goes to both.
                inside.push(op.clone());
                outside.push(op);
            }
        }
        assert_eq!(depth, 0, "unbalanced marked content");
        let text_of = |ops: Vec<Operation>| {
            let mut doc = load(bytes);
            let encoded = Content { operations: ops }.encode().expect("encodes");
            doc.change_page_content(id, encoded).expect("replaces");
            doc.extract_text(&[page]).expect("text")
        };
        (text_of(inside), text_of(outside), subtypes)
    }

    #[test]
    fn running_header_and_footer_are_artifacts() {
        let bytes = render(LETTER);
        let (inside, outside, subtypes) = split_artifacts(&bytes, 1);
        assert_eq!(subtypes, ["Footer"]);
        assert_eq!(flat(&inside), flat("Page 1 of 3"));
        assert!(!flat(&outside).contains(&flat("Page 1 of 3")), "{outside}");
        assert!(
            flat(&outside).contains(&flat("Dear Appeals Reviewer,")),
            "{outside}"
        );
        let (inside, outside, subtypes) = split_artifacts(&bytes, 2);
        assert_eq!(subtypes, ["Header", "Footer"]);
        let header = "Re: Jane Q. Sample · Member ID XZ0000000 · Ref. PA-00000 · Claim CLM-0000-0000";
        assert_eq!(flat(&inside), flat(header) + &flat("Page 2 of 3"));
        assert!(!flat(&outside).contains(&flat("Page 2 of 3")), "{outside}");
        assert!(!flat(&outside).contains(&flat(header)), "{outside}");
    }

    #[test]
    fn fonts_are_embedded_and_subset() {
        let doc = load(&render(LETTER));
        let mut embedded = 0;
        for object in doc.objects.values() {
            let Ok(dict) = object.as_dict() else { continue };
            if dict.get(b"Type").and_then(|t| t.as_name()).ok() != Some(b"FontDescriptor") {
                continue;
            }
            let name = dict.get(b"FontName").and_then(|n| n.as_name()).expect("name");
            let name = String::from_utf8_lossy(name);
            assert!(
                name.len() > 7 && name.as_bytes()[6] == b'+',
                "subset tag in {name}"
            );
            let file = dict
                .get(b"FontFile2")
                .and_then(|r| r.as_reference())
                .and_then(|r| doc.get_object(r))
                .and_then(|o| o.as_stream())
                .expect("embedded font program");
            let size = file.decompressed_content().expect("inflates").len();
            assert!(size * 4 < REGULAR_TTF_LEN, "{name}: {size} bytes is not a subset");
            embedded += 1;
        }
        // Regular, bold and italic are used by the letter; bold-italic is not.
        assert_eq!(embedded, 3);
    }

    #[test]
    fn output_is_deterministic_and_id_follows_input() {
        let a = render(LETTER);
        let b = render(LETTER);
        assert!(a == b, "two runs differ");
        let c = render(&LETTER.replace("Dear Appeals Reviewer", "Dear Reviewer"));
        let id = |bytes: &[u8]| {
            let doc = load(bytes);
            doc.trailer.get(b"ID").expect("trailer ID").clone()
        };
        assert_ne!(id(&a), id(&c));
        // Without a date the creation date is the fixed epoch.
        let doc = load(&render("No front matter.\n"));
        assert_eq!(info_string(&doc, b"CreationDate"), "D:19700101000000+00'00'");
    }

    #[test]
    fn special_characters_extract_as_themselves() {
        let text = "Müller, Ærø, façade: α and β, “quoted” ‘single’ – en — em, \
                    Herceptin® 2 × 3, ≥ 5, ≤ 4, ± 1, *Año* **Ñandú** ***Œuvre***.\n";
        let doc = load(&render(text));
        let got = flat(&page_text(&doc, 1));
        for word in [
            "Müller,",
            "Ærø,",
            "façade:",
            "α",
            "β,",
            "“quoted”",
            "‘single’",
            "–",
            "—",
            "Herceptin®",
            "×",
            "≥",
            "≤",
            "±",
            "Año",
            "Ñandú",
            "Œuvre.",
        ] {
            assert!(got.contains(&flat(word)), "{word:?} not in {got:?}");
        }
    }

    #[test]
    fn paper_sizes_set_the_media_box() {
        let media = |paper: Paper| {
            let options = PdfOptions {
                paper,
                ..PdfOptions::default()
            };
            let doc = load(&pdf("Text.\n", &options).expect("typesets"));
            let page = *doc.get_pages().get(&1).expect("page 1");
            let dict = doc.get_dictionary(page).expect("page dict");
            let media = dict.get(b"MediaBox").and_then(|m| m.as_array()).expect("box");
            media
                .iter()
                .map(|v| v.as_float().expect("number"))
                .collect::<Vec<f32>>()
        };
        assert_eq!(media(Paper::Letter), vec![0.0, 0.0, 612.0, 792.0]);
        let a4 = media(Paper::A4);
        assert!(
            (a4[2] - 595.28).abs() < 0.01 && (a4[3] - 841.89).abs() < 0.01,
            "{a4:?}"
        );
        assert_eq!("a4".parse::<Paper>(), Ok(Paper::A4));
        assert_eq!("letter".parse::<Paper>(), Ok(Paper::Letter));
        assert!("legal".parse::<Paper>().is_err());
        assert_eq!(Paper::A4.to_string(), "a4");
    }

    #[test]
    fn a_200_character_word_is_broken_across_lines() {
        let word: String = "abcdefghij".repeat(20);
        let doc = load(&render(&format!("Before {word} after.\n")));
        let text = flat(&page_text(&doc, 1));
        assert!(text.contains(&flat(&format!("Before {word} after."))), "{text}");
    }

    fn error(markdown: &str) -> String {
        match pdf(markdown, &PdfOptions::default()) {
            Ok(_) => panic!("expected an error for {markdown:?}"),
            Err(e) => e.to_string(),
        }
    }

    #[test]
    fn unsupported_constructs_name_line_and_column() {
        let table = error("Intro.\n\n| a | b |\n|---|---|\n| 1 | 2 |\n");
        assert!(
            table.starts_with("letter.md:3:1: tables are not supported by the PDF typesetter; "),
            "{table}"
        );
        let cases = [
            ("Text with `code`.\n", "letter.md:1:11: code spans are not"),
            ("A [link](https://x.org).\n", "letter.md:1:3: links are not"),
            ("![chart](c.png)\n", "letter.md:1:1: images are not"),
            ("Hi\n\n    indented code\n", "letter.md:3:5: code blocks are not"),
            ("Hi <b>there</b>\n", "letter.md:1:4: raw HTML is not"),
            ("Note[^1].\n\n[^1]: x\n", "letter.md:1:5: footnotes are not"),
            (
                "#### Deep\n",
                "letter.md:1:1: level-4 to level-6 headings are not",
            ),
        ];
        for (markdown, expected) in cases {
            let message = error(markdown);
            assert!(message.starts_with(expected), "{message}");
        }
        // Autolinks print as plain text; escapes print literally.
        let doc = load(&render("See <https://example.org/a> and \\*x\\* \\[y\\].\n"));
        let text = flat(&page_text(&doc, 1));
        assert!(
            text.contains(&flat("See https://example.org/a and *x* [y].")),
            "{text}"
        );
    }

    #[test]
    fn a_character_reference_is_blamed_at_its_own_column() {
        let e = error("Dear plan,\n\nA &#0; here.\n");
        assert!(
            e.starts_with("letter.md:3:3: the font has no glyph for U+FFFD"),
            "{e}"
        );
    }

    #[test]
    fn lists_nested_past_the_page_are_an_error() {
        let deep: String = (0..6)
            .map(|i| format!("{}- item {i}\n", "  ".repeat(i)))
            .collect();
        let e = error(&format!("Dear plan,\n\n{deep}"));
        assert_eq!(
            e,
            "letter.md:8:11: lists and quotes nested more than 5 levels are not supported by the PDF typesetter; the text would not fit between the margins; flatten the list or quote"
        );
        let fine: String = (0..5)
            .map(|i| format!("{}- item {i}\n", "  ".repeat(i)))
            .collect();
        load(&render(&format!("Dear plan,\n\n{fine}")));
        let quotes = format!("Dear plan,\n\n{} deep\n", ">".repeat(6));
        assert!(error(&quotes).contains("nested more than 5 levels"));
    }

    #[test]
    fn unclosed_front_matter_is_an_error_not_body_text() {
        let e = error("+++\ntitle = \"T\"\n\nDear plan,\n");
        assert!(
            e.starts_with("letter.md:1:1: the front matter opened here with `+++` is never closed"),
            "{e}"
        );
        // Closed, or `+++` later in the letter: fine.
        load(&render("+++\ntitle = \"T\"\n+++\n\nDear plan,\n"));
        load(&render("Dear plan,\n\n+++\n"));
    }

    #[test]
    fn front_matter_errors_name_the_place() {
        let unknown = error("+++\ntitle = \"T\"\nauthr = \"A\"\n+++\n\nText.\n");
        assert!(
            unknown.starts_with("letter.md:3:1: invalid front matter: unknown field `authr`"),
            "{unknown}"
        );
        let date = error("+++\ndate = \"2026-02-30\"\n+++\n\nText.\n");
        assert!(
            date.starts_with("letter.md:2:8: `date` must be a calendar date"),
            "{date}"
        );
        let toml_date = render("+++\ndate = 2026-02-03\n+++\n\nText.\n");
        assert_eq!(
            info_string(&load(&toml_date), b"CreationDate"),
            "D:20260203000000+00'00'"
        );
    }

    #[test]
    fn missing_glyphs_are_named_with_their_first_place() {
        let markdown = "+++\nheader = \"Re: ok\"\n+++\n\nName: 山田 太郎\n\nAgain 山.\n";
        let Err(PdfError::MissingGlyphs { missing }) = pdf(markdown, &PdfOptions::default()) else {
            panic!("expected a missing-glyph error");
        };
        let found: Vec<(char, usize, usize)> = missing
            .iter()
            .map(|m| (m.ch, m.location.line, m.location.column))
            .collect();
        assert_eq!(
            found,
            vec![('山', 5, 7), ('田', 5, 8), ('太', 5, 10), ('郎', 5, 11)]
        );
        let message = error(markdown);
        assert!(
            message.starts_with("letter.md:5:7: the font has no glyph for U+5C71 '山' (first at 5:7)"),
            "{message}"
        );
    }

    #[test]
    fn a_fallback_font_supplies_missing_glyphs() {
        // DejaVu Sans has the check mark, Liberation Serif does not. The test fixture is a
        // subset of it, shipped with its licence, so this never depends on the machine.
        let fallback = std::fs::read(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/tests/fixtures/fonts/DejaVuSans-subset.ttf"
        ))
        .expect("the font fixture is in the repository");
        assert!(pdf("Done ✓\n", &PdfOptions::default()).is_err());
        let options = PdfOptions {
            fallback_font: Some(fallback),
            ..PdfOptions::default()
        };
        let doc = load(&pdf("Done ✓\n", &options).expect("typesets with fallback"));
        assert!(flat(&page_text(&doc, 1)).contains("Done✓"));
    }

    #[test]
    fn a_letterhead_is_drawn_on_page_one_above_the_text() {
        let png = crate::render::letterhead::tests::png(240, 60, true);
        let options = PdfOptions {
            letterhead: Some(Letterhead::decode(png).expect("decodes")),
            ..PdfOptions::default()
        };
        let with = load(&pdf(LETTER, &options).expect("typesets"));
        let without = load(&render(LETTER));
        // The first line of text: its baseline (`Td`/`Tm` y) is lower by the logo and its gap.
        let first_y = |doc: &lopdf::Document| {
            let page = *doc.get_pages().get(&1).expect("page 1");
            let content = doc.get_and_decode_page_content(page).expect("content");
            content
                .operations
                .iter()
                .find(|op| op.operator == "Tm" || op.operator == "Td")
                .and_then(|op| op.operands.last()?.as_float().ok())
                .expect("a text position")
        };
        let drop = first_y(&without) - first_y(&with);
        assert!((drop - (45.0 + GAP_BELOW_PT)).abs() < 0.5, "moved down by {drop}");
        // Drawn once, on page 1, at 180 × 45 pt from the top-left margin.
        let draws = |page: u32| {
            let id = *with.get_pages().get(&page).expect("page");
            let content = with.get_and_decode_page_content(id).expect("content");
            content.operations.iter().filter(|op| op.operator == "Do").count()
        };
        assert_eq!(draws(1), 1);
        assert_eq!(draws(2), 0);
        let text = page_text(&with, 1);
        assert!(flat(&text).contains(&flat("Dear Appeals Reviewer,")), "{text}");
    }

    #[test]
    fn bad_fallback_font_is_an_error() {
        let options = PdfOptions {
            fallback_font: Some(b"not a font".to_vec()),
            ..PdfOptions::default()
        };
        assert!(matches!(
            pdf("Text.\n", &options),
            Err(PdfError::FallbackFont { .. })
        ));
    }
}
