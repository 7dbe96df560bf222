//! Line breaking and pagination.
//!
//! Text is set ragged-right with a greedy line breaker that measures glyph advances from the
//! fonts. Pagination works on whole lines and applies these rules:
//!
//! * no lone line of a paragraph at the foot or the head of a page (widow/orphan control: a
//!   paragraph split across pages leaves at least two lines on each side);
//! * a heading stays on the page with the first two lines of what follows it;
//! * a paragraph with hard line breaks (an address block, a letterhead) is never split, unless it
//!   is taller than a page;
//! * the signature block stays together: the last top-level paragraph that starts with a
//!   closing ("Sincerely", "Respectfully", "Regards", …) and is at most 60 characters long is
//!   kept on one page with the paragraph that follows it (the signer's name lines), with room
//!   for a handwritten signature between them, and at least the last two lines of the
//!   paragraph before the closing move with it, so the closing never opens a page alone.

use super::fonts::{Fonts, Glyph};
use super::markdown::{Block, Container, Document, Inline, Kind, Style};

/// Body text size in points.
pub(super) const BODY_SIZE: f32 = 11.0;
/// Line height as a multiple of the font size.
pub(super) const LEADING: f32 = 1.25;
/// Page margin on all sides, in points (one inch).
pub(super) const MARGIN: f32 = 72.0;
const BODY_LINE: f32 = BODY_SIZE * LEADING;
const PARAGRAPH_GAP: f32 = 0.6 * BODY_LINE;
const HEADING_GAP: f32 = 1.0 * BODY_LINE;
const AFTER_HEADING_GAP: f32 = 0.25 * BODY_LINE;
const ITEM_GAP: f32 = 0.2 * BODY_LINE;
const SIGNATURE_GAP: f32 = 2.5 * BODY_LINE;
const QUOTE_INDENT: f32 = 36.0;
const LIST_INDENT: f32 = 9.0;
const MARKER_GAP: f32 = 6.0;
const MIN_TEXT_WIDTH: f32 = 72.0;
/// Where the baseline sits in a line box, as a fraction of the line height from its top.
const BASELINE: f32 = 0.78;
/// Words wider than this fraction of the line may be broken at `/`, `.` or `-` to fill a line.
const LONG_WORD: f32 = 1.0 / 3.0;

/// Closings that start the signature block (compared case-insensitively).
const CLOSINGS: &[&str] = &[
    "sincerely",
    "respectfully",
    "regards",
    "kind regards",
    "best regards",
    "warm regards",
    "with regards",
    "yours",
    "cordially",
    "with gratitude",
    "gratefully",
];

/// A glyph placed on a line, with its width at the line's size.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) struct Item {
    /// The glyph.
    pub(super) glyph: Glyph,
    /// Width in points.
    pub(super) width: f32,
}

impl Item {
    fn is_space(&self) -> bool {
        self.glyph.ch == ' '
    }
}

/// A character the fonts lack and the byte range of the Markdown it came from.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct Missing {
    /// The character.
    pub(super) ch: char,
    /// Source range of the text run it is in.
    pub(super) source: std::ops::Range<usize>,
}

/// Shapes text into items, recording characters no face has.
pub(super) struct Shaper<'f> {
    fonts: &'f mut Fonts,
    /// Missing characters, first occurrence only, in reading order.
    pub(super) missing: Vec<Missing>,
}

/// Content of a paragraph after shaping: glyphs and forced line breaks.
#[derive(Debug, Clone, PartialEq)]
enum Token {
    Glyph(Item),
    Break,
}

impl<'f> Shaper<'f> {
    /// A shaper over `fonts`.
    pub(super) fn new(fonts: &'f mut Fonts) -> Shaper<'f> {
        Shaper {
            fonts,
            missing: Vec::new(),
        }
    }

    /// Shapes `text` in `style` at `size` points, appending to `out`.
    pub(super) fn shape(
        &mut self,
        text: &str,
        style: Style,
        size: f32,
        source: &std::ops::Range<usize>,
        out: &mut Vec<Item>,
    ) {
        for ch in text.chars() {
            let ch = match ch {
                '\t' | '\n' | '\r' => ' ',
                // Soft hyphens and zero-width spaces are invisible formatting, not text.
                '\u{AD}' | '\u{200B}' | '\u{FEFF}' => continue,
                c => c,
            };
            match self.fonts.glyph(style, ch) {
                Some(glyph) => out.push(Item {
                    glyph,
                    width: glyph.advance * size,
                }),
                None => {
                    if !self.missing.iter().any(|m| m.ch == ch) {
                        self.missing.push(Missing {
                            ch,
                            source: source.clone(),
                        });
                    }
                }
            }
        }
    }

    fn shape_block(&mut self, block: &Block, size: f32, force_bold: bool) -> Vec<Token> {
        let mut tokens = Vec::new();
        let mut items = Vec::new();
        for inline in &block.inlines {
            match inline {
                Inline::Text { text, style, source } => {
                    let style = Style {
                        bold: style.bold || force_bold,
                        italic: style.italic,
                    };
                    items.clear();
                    self.shape(text, style, size, source, &mut items);
                    tokens.extend(items.iter().copied().map(Token::Glyph));
                }
                Inline::Break => tokens.push(Token::Break),
            }
        }
        tokens
    }
}

/// A line of text placed on a page.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct PlacedLine {
    /// Left edge, points from the page's left edge.
    pub(super) x: f32,
    /// Baseline, points from the page's bottom edge.
    pub(super) y: f32,
    /// Font size in points.
    pub(super) size: f32,
    /// The glyphs, set one after the other.
    pub(super) items: Vec<Item>,
}

/// A horizontal rule placed on a page.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) struct PlacedRule {
    /// Left end.
    pub(super) x1: f32,
    /// Right end.
    pub(super) x2: f32,
    /// Height above the bottom edge.
    pub(super) y: f32,
}

/// Where a heading starts on a page, for the document outline (bookmarks).
#[derive(Debug, Clone, PartialEq)]
pub(super) struct PlacedHeading {
    /// 1 to 3.
    pub(super) level: u8,
    /// The heading's text as it prints.
    pub(super) title: String,
    /// The top of its first line, points from the page's bottom edge.
    pub(super) top: f32,
}

/// The body content of one page.
#[derive(Debug, Clone, Default, PartialEq)]
pub(super) struct Page {
    /// Text lines in reading order.
    pub(super) lines: Vec<PlacedLine>,
    /// Horizontal rules.
    pub(super) rules: Vec<PlacedRule>,
    /// The headings that start on this page, in order.
    pub(super) headings: Vec<PlacedHeading>,
}

/// A block broken into lines, before pagination.
struct LaidBlock {
    /// Left edge of the text lines.
    x: f32,
    /// Lines of glyphs.
    lines: Vec<Vec<Item>>,
    size: f32,
    line_height: f32,
    /// The list marker, right-aligned so that it ends at `marker_right`.
    marker: Option<(Vec<Item>, f32)>,
    gap_before: f32,
    keep_together: bool,
    keep_with_next: bool,
    /// Move the last two lines to the next page if what follows must move there (the
    /// paragraph before the signature block, so the closing never starts a page alone).
    keep_tail_with_next: bool,
    /// A horizontal rule from `x` to `rule_end` (the block has one empty line).
    rule_end: Option<f32>,
    /// For a heading: its level and text.
    heading: Option<(u8, String)>,
}

impl LaidBlock {
    fn height(&self) -> f32 {
        self.lines.len() as f32 * self.line_height
    }
}

/// Page geometry in points.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) struct Geometry {
    /// Page width.
    pub(super) width: f32,
    /// Page height.
    pub(super) height: f32,
    /// Space kept free at the top of the first page's text area (for the letterhead).
    pub(super) first_page_top: f32,
}

/// Breaks the document's blocks into lines and pages.
pub(super) fn layout(doc: &Document, shaper: &mut Shaper<'_>, page: Geometry) -> Vec<Page> {
    let text_width = page.width - 2.0 * MARGIN;
    let marker_widths = marker_widths(doc, shaper);
    let signature = signature_start(doc);

    let mut laid: Vec<LaidBlock> = Vec::with_capacity(doc.blocks.len());
    for (index, block) in doc.blocks.iter().enumerate() {
        let (size, line_height) = match block.kind {
            Kind::Heading(1) => (14.0, 14.0 * LEADING),
            Kind::Heading(2) => (12.0, 12.0 * LEADING),
            _ => (BODY_SIZE, BODY_LINE),
        };
        // Indentation from the containers.
        let mut left = 0.0f32;
        let mut right = 0.0f32;
        let mut marker_right = None;
        for container in &block.containers {
            match container {
                Container::Quote => {
                    left += QUOTE_INDENT;
                    right += QUOTE_INDENT;
                }
                Container::Item(list) => {
                    let w = marker_widths.get(*list).copied().unwrap_or(0.0);
                    marker_right = Some(left + LIST_INDENT + w);
                    left += LIST_INDENT + w + MARKER_GAP;
                }
            }
        }
        let width = (text_width - left - right).max(MIN_TEXT_WIDTH);
        let x = MARGIN + left.min(text_width - MIN_TEXT_WIDTH);

        let previous = index.checked_sub(1).and_then(|i| doc.blocks.get(i));
        let gap_before = match (previous, block) {
            (None, _) => 0.0,
            (_, b) if matches!(b.kind, Kind::Heading(_)) => HEADING_GAP,
            (Some(p), _) if matches!(p.kind, Kind::Heading(_)) => AFTER_HEADING_GAP,
            (_, _) if signature == Some(index.wrapping_sub(1)) => SIGNATURE_GAP,
            (Some(p), b) if same_list_item_sequence(p, b) => ITEM_GAP,
            _ => PARAGRAPH_GAP,
        };

        let marker = match (&block.marker, marker_right) {
            (Some((_, text)), Some(right_edge)) => {
                let mut items = Vec::new();
                shaper.shape(text, Style::default(), BODY_SIZE, &(0..0), &mut items);
                Some((items, MARGIN + right_edge))
            }
            _ => None,
        };

        let is_heading = matches!(block.kind, Kind::Heading(_));
        let (lines, rule_end) = if block.kind == Kind::Rule {
            (vec![Vec::new()], Some(MARGIN + left + width))
        } else {
            let tokens = shaper.shape_block(block, size, is_heading);
            (break_lines(&tokens, width), None)
        };
        let has_breaks = block.inlines.iter().any(|i| matches!(i, Inline::Break));
        let in_signature = signature.is_some_and(|s| index == s || index == s + 1);
        laid.push(LaidBlock {
            x,
            lines,
            size,
            line_height,
            marker,
            gap_before,
            keep_together: has_breaks || in_signature || rule_end.is_some(),
            keep_with_next: is_heading || signature == Some(index),
            keep_tail_with_next: signature == Some(index + 1) && block.kind == Kind::Paragraph && !has_breaks,
            rule_end,
            heading: match block.kind {
                Kind::Heading(level) => Some((level, plain_text(block))),
                _ => None,
            },
        });
    }
    paginate(&laid, page)
}

/// A block's text as it prints, a line break read as a space.
fn plain_text(block: &Block) -> String {
    let text: String = block
        .inlines
        .iter()
        .map(|i| match i {
            Inline::Text { text, .. } => text.as_str(),
            Inline::Break => " ",
        })
        .collect();
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Whether `block` is a list item that follows another block of the same list or of the item
/// its list is nested in, so it gets the small item gap instead of a paragraph gap.
fn same_list_item_sequence(previous: &Block, block: &Block) -> bool {
    block.marker.is_some()
        && previous
            .containers
            .iter()
            .any(|c| matches!(c, Container::Item(_)) && block.containers.contains(c))
}

/// The widest marker of each list, in body text.
fn marker_widths(doc: &Document, shaper: &mut Shaper<'_>) -> Vec<f32> {
    let mut items = Vec::new();
    doc.lists
        .iter()
        .map(|list| {
            list.markers
                .iter()
                .map(|m| {
                    items.clear();
                    shaper.shape(m, Style::default(), BODY_SIZE, &(0..0), &mut items);
                    items.iter().map(|i| i.width).sum::<f32>()
                })
                .fold(0.0f32, f32::max)
        })
        .collect()
}

/// The index of the closing paragraph ("Sincerely,") if it is followed by a name block.
pub(in crate::render) fn signature_start(doc: &Document) -> Option<usize> {
    let index = doc.blocks.iter().rposition(|b| {
        if b.kind != Kind::Paragraph || !b.containers.is_empty() {
            return false;
        }
        let text: String = b
            .inlines
            .iter()
            .map(|i| match i {
                Inline::Text { text, .. } => text.as_str(),
                Inline::Break => "\n",
            })
            .collect();
        let text = text.trim().to_lowercase();
        text.chars().count() <= 60 && CLOSINGS.iter().any(|c| text.starts_with(c))
    })?;
    let next = doc.blocks.get(index + 1)?;
    (next.kind == Kind::Paragraph && next.containers.is_empty()).then_some(index)
}

/// Whether a line may break between `a` and `b` inside a word (`b` starts the next line):
/// after a slash, before a period that is followed by more of the word, and after a hyphen
/// between letters, except in addresses and DOIs (`urlish`), where a hyphen at the end of a
/// line would read as a hyphenation.
fn may_break_between(a: &Item, b: &Item, after_b: Option<&Item>, urlish: bool) -> bool {
    match (a.glyph.ch, b.glyph.ch) {
        ('/', b) => b != '/',
        (_, '.') => after_b.is_some_and(|c| c.glyph.ch.is_alphanumeric()),
        ('-', b) => !urlish && b.is_alphanumeric(),
        _ => false,
    }
}

fn width_of(items: &[Item]) -> f32 {
    items.iter().map(|i| i.width).sum()
}

/// Whether `items` are wider than `width`, looking no further than the first item past it
/// (so testing the rest of a long word line after line stays linear in its length).
fn wider_than(items: &[Item], width: f32) -> bool {
    let mut sum = 0.0;
    for item in items {
        sum += item.width;
        if sum > width {
            return true;
        }
    }
    false
}

/// The position of the last character that makes the rest of a word read as an address or a
/// DOI (see [`may_break_between`]): the part of `word` from `k` on is such when `k` is at most it.
fn last_urlish(word: &[Item]) -> Option<usize> {
    word.iter().rposition(|i| matches!(i.glyph.ch, '/' | ':' | '@'))
}

/// The longest prefix of `word` ending at a permitted break that fits in `room`. Looks no
/// further than `room`, so breaking a long word into lines costs time in proportion to its length.
fn break_at_punctuation(word: &[Item], room: f32, urlish: bool) -> Option<usize> {
    let mut width = 0.0;
    let mut best = None;
    for k in 1..word.len() {
        width += word[k - 1].width;
        if width > room {
            break;
        }
        if may_break_between(&word[k - 1], &word[k], word.get(k + 1), urlish) {
            best = Some(k);
        }
    }
    best
}

/// The longest prefix of `word` that fits in `room` (at least one character), not splitting a
/// combining mark from its base.
fn break_anywhere(word: &[Item], room: f32) -> usize {
    let mut width = 0.0;
    let mut k = 0;
    while k < word.len() && width + word[k].width <= room {
        width += word[k].width;
        k += 1;
    }
    while k > 1 && k < word.len() && is_combining(word[k].glyph.ch) {
        k -= 1;
    }
    k.max(1)
}

fn is_combining(c: char) -> bool {
    matches!(c, '\u{300}'..='\u{36F}' | '\u{1AB0}'..='\u{1AFF}' | '\u{20D0}'..='\u{20FF}')
}

/// Greedy ragged-right line breaking of shaped tokens into lines at most `width` wide.
fn break_lines(tokens: &[Token], width: f32) -> Vec<Vec<Item>> {
    let mut lines: Vec<Vec<Item>> = Vec::new();
    let mut line: Vec<Item> = Vec::new();
    let mut x = 0.0f32;
    let mut space: Option<Item> = None;
    let mut word: Vec<Item> = Vec::new();

    let place_word = |word: &[Item],
                      line: &mut Vec<Item>,
                      x: &mut f32,
                      space: &mut Option<Item>,
                      lines: &mut Vec<Vec<Item>>| {
        if word.is_empty() {
            return;
        }
        let space_width = if line.is_empty() {
            0.0
        } else {
            space.map_or(0.0, |s| s.width)
        };
        let word_width = width_of(word);
        let mut rest = word;
        if *x + space_width + word_width <= width {
            if !line.is_empty()
                && let Some(s) = space.take()
            {
                line.push(s);
            }
            line.extend_from_slice(rest);
            *x += space_width + word_width;
            *space = None;
            return;
        }
        // Scanned once: a word of a million characters must not be scanned once per line.
        let last_urlish = last_urlish(word);
        let urlish = |rest: &[Item]| last_urlish.is_some_and(|u| word.len() - rest.len() <= u);
        if !line.is_empty() {
            if word_width > width * LONG_WORD
                && let Some(k) = break_at_punctuation(rest, width - *x - space_width, urlish(rest))
            {
                if let Some(s) = space.take() {
                    line.push(s);
                }
                line.extend_from_slice(&rest[..k]);
                rest = &rest[k..];
            }
            lines.push(std::mem::take(line));
        }
        *space = None;
        while wider_than(rest, width) {
            let k = break_at_punctuation(rest, width, urlish(rest))
                .unwrap_or_else(|| break_anywhere(rest, width))
                .min(rest.len());
            lines.push(rest[..k].to_vec());
            rest = &rest[k..];
        }
        line.extend_from_slice(rest);
        // Less than a line: summed exactly, as for a word that fits.
        *x = width_of(rest);
    };

    for token in tokens {
        match token {
            Token::Glyph(item) if item.is_space() => {
                place_word(&word, &mut line, &mut x, &mut space, &mut lines);
                word.clear();
                if !line.is_empty() && space.is_none() {
                    space = Some(*item);
                }
            }
            Token::Glyph(item) => word.push(*item),
            Token::Break => {
                place_word(&word, &mut line, &mut x, &mut space, &mut lines);
                word.clear();
                lines.push(std::mem::take(&mut line));
                x = 0.0;
                space = None;
            }
        }
    }
    place_word(&word, &mut line, &mut x, &mut space, &mut lines);
    if !line.is_empty() || lines.is_empty() {
        lines.push(line);
    }
    lines
}

/// Places laid-out blocks on pages.
fn paginate(blocks: &[LaidBlock], page: Geometry) -> Vec<Page> {
    let body = page.height - 2.0 * MARGIN;
    let top = page.height - MARGIN;
    let mut pages = vec![Page::default()];
    // Used height on the current page, from the top margin.
    let mut y = page.first_page_top.clamp(0.0, body / 2.0);

    // The height block `i` needs on the current page before it may start there.
    let required = |i: usize| -> f32 {
        let mut need = 0.0;
        let mut j = i;
        while let Some(b) = blocks.get(j) {
            if j > i {
                need += b.gap_before;
            }
            let whole = b.keep_together || b.keep_with_next;
            // The smallest first part: a paragraph of three lines or fewer cannot be split
            // without leaving a lone line, so all of it; otherwise two lines.
            let lines = b.lines.len();
            need += if whole || lines <= 3 {
                b.height()
            } else {
                2.0 * b.line_height
            };
            if !b.keep_with_next {
                break;
            }
            j += 1;
        }
        need
    };

    for (i, block) in blocks.iter().enumerate() {
        let at_top = y == 0.0 || (i == 0 && pages.len() == 1);
        let gap = if at_top { 0.0 } else { block.gap_before };
        if !at_top && y + gap + required(i) > body + 0.01 {
            pages.push(Page::default());
            y = 0.0;
        } else {
            y += gap;
        }

        let mut next_line = 0;
        let total = block.lines.len();
        while next_line < total {
            let remaining = total - next_line;
            let fit = ((body - y + 0.01) / block.line_height).floor().max(0.0) as usize;
            let take = if remaining <= fit {
                remaining
            } else if block.keep_together && y > 0.0 && block.height() <= body {
                0
            } else {
                // Widow/orphan control: at least two lines on each side of the break.
                let mut take = fit;
                if remaining - take < 2 {
                    take = remaining.saturating_sub(2);
                }
                if take < 2 && y > 0.0 { 0 } else { take.max(1) }
            };
            let take = if take == remaining && block.keep_tail_with_next && y > 0.0 {
                let end = y + take as f32 * block.line_height;
                let follow = blocks.get(i + 1).map_or(0.0, |b| b.gap_before) + required(i + 1);
                if end + follow > body + 0.01 {
                    // Break before the last two lines (or move the whole block).
                    let here = remaining.saturating_sub(2);
                    if here >= 2 { here } else { 0 }
                } else {
                    take
                }
            } else {
                take
            };
            if take == 0 {
                pages.push(Page::default());
                y = 0.0;
                continue;
            }
            let current = pages.len() - 1;
            for (k, items) in block.lines[next_line..next_line + take].iter().enumerate() {
                let line_top = y + k as f32 * block.line_height;
                let baseline = top - line_top - block.line_height * BASELINE;
                if let Some(end) = block.rule_end {
                    let mid = top - line_top - block.line_height / 2.0;
                    pages[current].rules.push(PlacedRule {
                        x1: block.x,
                        x2: end,
                        y: mid,
                    });
                }
                if next_line + k == 0
                    && let Some((level, title)) = &block.heading
                {
                    pages[current].headings.push(PlacedHeading {
                        level: *level,
                        title: title.clone(),
                        top: top - line_top,
                    });
                }
                if next_line + k == 0
                    && let Some((marker, right)) = &block.marker
                {
                    pages[current].lines.push(PlacedLine {
                        x: right - width_of(marker),
                        y: baseline,
                        size: BODY_SIZE,
                        items: marker.clone(),
                    });
                }
                if !items.is_empty() {
                    pages[current].lines.push(PlacedLine {
                        x: block.x,
                        y: baseline,
                        size: block.size,
                        items: items.clone(),
                    });
                }
            }
            y += take as f32 * block.line_height;
            next_line += take;
            if next_line < total {
                pages.push(Page::default());
                y = 0.0;
            }
        }
    }
    pages
}

/// Shapes one line of `text` in the regular face at `size`, for headers and footers.
pub(super) fn shape_line(
    shaper: &mut Shaper<'_>,
    text: &str,
    size: f32,
    source: &std::ops::Range<usize>,
) -> Vec<Item> {
    let mut items = Vec::new();
    shaper.shape(text, Style::default(), size, source, &mut items);
    items
}

/// Total width of `items` in points.
pub(super) fn line_width(items: &[Item]) -> f32 {
    width_of(items)
}

#[cfg(test)]
mod tests {
    use super::super::fonts::Fonts;
    use super::super::markdown;
    use super::*;

    const LETTER: Geometry = Geometry {
        width: 612.0,
        height: 792.0,
        first_page_top: 0.0,
    };

    fn pages(source: &str) -> Vec<Page> {
        let doc = markdown::parse(source, "t.md").expect("parses");
        let mut fonts = Fonts::load(None).expect("fonts load");
        let mut shaper = Shaper::new(&mut fonts);
        let pages = layout(&doc, &mut shaper, LETTER);
        assert!(shaper.missing.is_empty());
        pages
    }

    fn text(line: &PlacedLine) -> String {
        line.items.iter().map(|i| i.glyph.ch).collect()
    }

    #[test]
    fn lines_never_exceed_the_measure_even_for_a_200_character_word() {
        let word = "z".repeat(200);
        let url = format!("https://example.org/{}/{}", "a".repeat(60), "b".repeat(60));
        let source = format!("Start {word} middle {url} end.\n\n- item {word}\n");
        let right = LETTER.width - MARGIN;
        let mut letters = 0;
        for page in pages(&source) {
            for line in &page.lines {
                let end = line.x + width_of(&line.items);
                assert!(end <= right + 0.01, "{} ends at {end}", text(line));
                letters += text(line).matches('z').count();
            }
        }
        assert_eq!(letters, 400, "every character is set");
        // The URL breaks after a slash.
        let all: Vec<String> = pages(&source)[0].lines.iter().map(text).collect();
        assert!(all.iter().any(|l| l.ends_with('/')), "{all:?}");
    }

    #[test]
    fn a_long_word_with_breaks_is_set_whole_within_the_measure() {
        // Slashes, hyphens and periods throughout, and an address only in its first half:
        // every character is set, in order, and no line passes the right margin.
        let half = "abc-def.ghi".repeat(1_000);
        let word = format!("{}{half}", "x/yz:".repeat(1_000));
        let source = format!("Start {word} end.\n");
        let right = LETTER.width - MARGIN;
        let mut set = String::new();
        for page in pages(&source) {
            for line in &page.lines {
                assert!(line.x + width_of(&line.items) <= right + 0.01);
                set.push_str(&text(line));
                set.push(' ');
            }
        }
        assert_eq!(set.replace(' ', ""), format!("Start{word}end."));
    }

    #[test]
    fn no_lone_line_at_the_foot_or_head_of_a_page() {
        // Paragraphs of 3, 4 and 5 lines, repeated, cross several page breaks.
        let mut source = String::new();
        for n in 0..30 {
            let words = [30, 42, 54][n % 3];
            let tag = format!("p{n:02}wxyz");
            source.push_str(&vec![tag.as_str(); words].join(" "));
            source.push_str("\n\n");
        }
        let pages = pages(&source);
        assert!(pages.len() >= 3);
        for n in 0..30 {
            let tag = format!("p{n:02}wxyz");
            let counts: Vec<usize> = pages
                .iter()
                .map(|p| p.lines.iter().filter(|l| text(l).starts_with(&tag)).count())
                .filter(|c| *c > 0)
                .collect();
            assert!(counts.iter().all(|c| *c >= 2), "{tag}: {counts:?}");
        }
    }

    #[test]
    fn headings_stay_with_what_follows_and_the_signature_stays_together() {
        let filler = vec!["word"; 60].join(" ");
        for extra in 0..12 {
            let mut source = String::new();
            for _ in 0..(9 + extra % 3) {
                source.push_str(&filler);
                source.push_str("\n\n");
            }
            source.push_str(&"short ".repeat(extra * 3));
            source.push_str("\n\n## Heading\n\nAfter the heading ");
            source.push_str(&filler);
            source.push_str("\n\nLast paragraph ");
            source.push_str(&filler);
            source.push_str("\n\nSincerely,\n\nJane Doe\\\nMember ID 1\n");
            let pages = pages(&source);
            for page in &pages {
                if let Some(last) = page.lines.last() {
                    assert_ne!(text(last), "Heading", "heading alone at a page foot");
                }
                let lines: Vec<String> = page.lines.iter().map(text).collect();
                let has = |s: &str| lines.iter().any(|l| l == s);
                assert_eq!(has("Sincerely,"), has("Jane Doe"), "{lines:?}");
                assert_eq!(has("Jane Doe"), has("Member ID 1"));
                if has("Sincerely,") {
                    assert!(
                        lines.first().is_some_and(|l| l != "Sincerely,"),
                        "closing alone at the head of a page"
                    );
                }
            }
        }
    }

    #[test]
    fn list_numbers_are_right_aligned_and_text_hangs() {
        let source: String = (1..=10).map(|n| format!("{n}. Item {n}\n")).collect();
        let pages = pages(&source);
        let lines = &pages[0].lines;
        let markers: Vec<&PlacedLine> = lines.iter().filter(|l| text(l).ends_with('.')).collect();
        assert_eq!(markers.len(), 10);
        let right = |l: &PlacedLine| l.x + width_of(&l.items);
        assert!(
            markers
                .iter()
                .all(|m| (right(m) - right(markers[0])).abs() < 0.01)
        );
        let bodies: Vec<&PlacedLine> = lines.iter().filter(|l| text(l).starts_with("Item")).collect();
        assert!(bodies.iter().all(|b| (b.x - bodies[0].x).abs() < 0.01));
        assert!(bodies[0].x > right(markers[0]));
    }
}
