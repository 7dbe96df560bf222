//! The bundled Liberation Serif faces, the optional fallback face, and glyph lookup.
//!
//! Each character is looked up in the face for its style, then in the regular face, then in the
//! fallback face. A character none of them has is reported by the caller; it is never replaced.

use std::collections::HashMap;
use std::sync::OnceLock;

use printpdf::ParsedFont;

use super::PdfError;
use super::markdown::Style;

const REGULAR: &[u8] = crate::bundled::file("fonts/LiberationSerif-Regular.ttf").bytes();
const BOLD: &[u8] = crate::bundled::file("fonts/LiberationSerif-Bold.ttf").bytes();
const ITALIC: &[u8] = crate::bundled::file("fonts/LiberationSerif-Italic.ttf").bytes();
const BOLD_ITALIC: &[u8] = crate::bundled::file("fonts/LiberationSerif-BoldItalic.ttf").bytes();

/// Index of the fallback face in [`Fonts::faces`].
pub(super) const FALLBACK: u8 = 4;

/// One glyph of one face.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) struct Glyph {
    /// Index into [`Fonts::faces`].
    pub(super) face: u8,
    /// Glyph id in that face.
    pub(super) gid: u16,
    /// Advance width in ems.
    pub(super) advance: f32,
    /// The character it shows (for the ToUnicode map).
    pub(super) ch: char,
}

/// The bundled faces in face-index order, with their file names for messages.
const BUNDLED_FILES: [(&[u8], &str); STYLE_FACES] = [
    (REGULAR, "LiberationSerif-Regular.ttf"),
    (BOLD, "LiberationSerif-Bold.ttf"),
    (ITALIC, "LiberationSerif-Italic.ttf"),
    (BOLD_ITALIC, "LiberationSerif-BoldItalic.ttf"),
];

/// Each bundled face, parsed the first time a document uses it (about 1 ms each) and never
/// changed afterwards; a letter with no bold italic never parses that face.
static BUNDLED: [OnceLock<Option<ParsedFont>>; STYLE_FACES] = [const { OnceLock::new() }; STYLE_FACES];

fn bundled(face: usize) -> Result<&'static ParsedFont, PdfError> {
    let (bytes, name) = BUNDLED_FILES[face];
    BUNDLED[face]
        .get_or_init(|| parse_shared(bytes))
        .as_ref()
        .ok_or(PdfError::BundledFont { name })
}

/// Parses a face keeping one shared copy of its bytes. `ParsedFont::from_bytes` copies the
/// file and, separately, its outline tables, which the typesetter never reads (it needs the
/// character map and advance widths; subsetting reads the shared bytes): about 0.7 MB of
/// copying per face, most of the page faults of a render.
fn parse_shared(bytes: &[u8]) -> Option<ParsedFont> {
    let shared = std::sync::Arc::new(rust_fontconfig::FontBytes::Owned(std::sync::Arc::from(bytes)));
    let face = azul_layout::font::parsed::ParsedFont::from_bytes_shared(shared, 0, &mut Vec::new())?;
    Some(ParsedFont::from_azul(face))
}

/// The faces used for one document.
pub(super) struct Fonts {
    /// Regular, bold, italic, bold-italic (each `None` until a character asks for it) and, if
    /// given, the fallback.
    faces: Vec<Option<ParsedFont>>,
    /// Units per em of each loaded face.
    units_per_em: Vec<f32>,
    /// Lookups already made for characters below [`DIRECT`], indexed by
    /// `style face * DIRECT + char`: most letters are Latin, so most lookups are an index.
    direct: Vec<Option<Option<Glyph>>>,
    /// Lookups already made for other characters.
    cache: HashMap<(u8, char), Option<Glyph>>,
}

/// Characters below this (Basic Latin to Latin Extended-A) are cached by index.
const DIRECT: usize = 0x180;

/// The number of style faces (regular, bold, italic, bold-italic).
const STYLE_FACES: usize = 4;

fn units_per_em(face: &ParsedFont) -> f32 {
    f32::from(face.pdf_font_metrics.units_per_em.max(1))
}

/// The face index for a style.
pub(super) fn face_for(style: Style) -> u8 {
    match (style.bold, style.italic) {
        (false, false) => 0,
        (true, false) => 1,
        (false, true) => 2,
        (true, true) => 3,
    }
}

impl Fonts {
    /// Prepares the bundled faces (the regular face is parsed now, so a broken build fails
    /// early; the others when first used) and parses the fallback face, if any.
    pub(super) fn load(fallback: Option<&[u8]>) -> Result<Fonts, PdfError> {
        let regular = bundled(0)?.clone();
        let mut units = vec![units_per_em(&regular); STYLE_FACES];
        let mut faces = vec![Some(regular), None, None, None];
        if let Some(bytes) = fallback {
            let mut warnings = Vec::new();
            let face =
                ParsedFont::from_bytes(bytes, 0, &mut warnings).ok_or_else(|| PdfError::FallbackFont {
                    message: warnings
                        .iter()
                        .map(|w| w.message.clone())
                        .collect::<Vec<_>>()
                        .join("; "),
                })?;
            units.push(units_per_em(&face));
            faces.push(Some(face));
        }
        Ok(Fonts {
            faces,
            units_per_em: units,
            direct: vec![None; STYLE_FACES * DIRECT],
            cache: HashMap::new(),
        })
    }

    /// The faces, in face-index order; `None` for a bundled face no character used.
    pub(super) fn into_faces(self) -> Vec<Option<ParsedFont>> {
        self.faces
    }

    /// Face `index`, parsing a bundled face on first use. A bundled face that fails to parse
    /// (a broken build; a unit test parses all four) is treated as absent, so its characters
    /// fall back to the regular face.
    fn face(&mut self, index: u8) -> Option<&ParsedFont> {
        let i = usize::from(index);
        if self.faces.get(i)?.is_none() && i < STYLE_FACES {
            let parsed = bundled(i).ok()?.clone();
            self.units_per_em[i] = units_per_em(&parsed);
            self.faces[i] = Some(parsed);
        }
        self.faces[i].as_ref()
    }

    /// The glyph for `ch` in `style`, or `None` if no face has it.
    pub(super) fn glyph(&mut self, style: Style, ch: char) -> Option<Glyph> {
        let preferred = face_for(style);
        let slot = usize::from(preferred) * DIRECT + ch as usize;
        let direct = (ch as usize) < DIRECT;
        if direct {
            if let Some(hit) = self.direct[slot] {
                return hit;
            }
        } else if let Some(hit) = self.cache.get(&(preferred, ch)) {
            return *hit;
        }
        let found = self
            .lookup(preferred, ch)
            .or_else(|| self.lookup(preferred, equivalent(ch)?));
        if direct {
            self.direct[slot] = Some(found);
        } else {
            self.cache.insert((preferred, ch), found);
        }
        found
    }

    /// The glyph for `ch` in the preferred face, else the regular face, else the fallback.
    fn lookup(&mut self, preferred: u8, ch: char) -> Option<Glyph> {
        let mut order = vec![preferred];
        if preferred != 0 {
            order.push(0);
        }
        if self.faces.len() > usize::from(FALLBACK) {
            order.push(FALLBACK);
        }
        order.into_iter().find_map(|face| {
            let parsed = self.face(face)?;
            let gid = parsed.lookup_glyph_index(u32::from(ch))?;
            let advance = parsed.get_horizontal_advance(gid);
            // Glyph 0 is .notdef, the "missing" box.
            (gid != 0).then(|| Glyph {
                face,
                gid,
                // Truncated to 1/1000 em exactly as printpdf writes the /W widths, so the
                // measured line is the line a viewer draws.
                advance: (f32::from(advance) * 1000.0 / self.units_per_em[usize::from(face)]).trunc()
                    / 1000.0,
                ch,
            })
        })
    }
}

/// The character that looks the same as `ch`, for typographic variants common in text pasted
/// from word processors and insurers' notices that a face may lack: the non-breaking and other
/// hyphens print as a hyphen-minus, the figure dash as an en dash, narrow and fixed-width spaces
/// as a space. Only look-alikes: a character with another meaning is never swapped.
fn equivalent(ch: char) -> Option<char> {
    match ch {
        '\u{2010}' | '\u{2011}' => Some('-'),
        '\u{2012}' => Some('\u{2013}'),
        '\u{2002}'..='\u{200A}' | '\u{202F}' | '\u{205F}' => Some(' '),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_bundled_face_parses() {
        for (face, (_, name)) in BUNDLED_FILES.iter().enumerate() {
            assert!(bundled(face).is_ok(), "{name}");
        }
    }

    #[test]
    fn faces_load_on_first_use_and_fall_back_to_regular() {
        let mut fonts = Fonts::load(None).unwrap();
        let bold = Style {
            bold: true,
            ..Style::default()
        };
        let g = fonts.glyph(bold, 'A').unwrap();
        assert_eq!(g.face, 1);
        // Cached lookups give the same glyph.
        assert_eq!(fonts.glyph(bold, 'A'), Some(g));
        // A character far above the direct cache goes through the map.
        assert_eq!(fonts.glyph(bold, '\u{1F600}'), None);
        assert_eq!(fonts.glyph(bold, '\u{1F600}'), None);
        let faces = fonts.into_faces();
        assert!(faces[0].is_some() && faces[1].is_some());
        assert!(
            faces[2].is_none() && faces[3].is_none(),
            "unused faces stay unparsed"
        );
    }
}
