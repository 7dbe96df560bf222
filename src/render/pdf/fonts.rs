//! The bundled Liberation Serif faces, the optional fallback face, and glyph lookup.
//!
//! Each character is looked up in the face for its style, then in the regular face, then in the
//! fallback face. A character none of them has is reported by the caller; it is never replaced.

use std::collections::HashMap;
use std::sync::OnceLock;

use printpdf::ParsedFont;

use super::PdfError;
use super::markdown::Style;

const REGULAR: &[u8] = include_bytes!("../../../fonts/LiberationSerif-Regular.ttf");
const BOLD: &[u8] = include_bytes!("../../../fonts/LiberationSerif-Bold.ttf");
const ITALIC: &[u8] = include_bytes!("../../../fonts/LiberationSerif-Italic.ttf");
const BOLD_ITALIC: &[u8] = include_bytes!("../../../fonts/LiberationSerif-BoldItalic.ttf");

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

/// The four bundled faces, parsed once per process (parsing takes about 2 ms) and never
/// changed afterwards.
static BUNDLED: OnceLock<Result<Vec<ParsedFont>, &'static str>> = OnceLock::new();

fn bundled() -> Result<&'static [ParsedFont], PdfError> {
    let parsed = BUNDLED.get_or_init(|| {
        [
            (REGULAR, "LiberationSerif-Regular.ttf"),
            (BOLD, "LiberationSerif-Bold.ttf"),
            (ITALIC, "LiberationSerif-Italic.ttf"),
            (BOLD_ITALIC, "LiberationSerif-BoldItalic.ttf"),
        ]
        .into_iter()
        .map(|(bytes, name)| ParsedFont::from_bytes(bytes, 0, &mut Vec::new()).ok_or(name))
        .collect()
    });
    match parsed {
        Ok(faces) => Ok(faces),
        Err(name) => Err(PdfError::BundledFont { name }),
    }
}

/// The faces used for one document.
pub(super) struct Fonts {
    /// Regular, bold, italic, bold-italic and, if given, the fallback.
    pub(super) faces: Vec<ParsedFont>,
    units_per_em: Vec<f32>,
    cache: HashMap<(u8, char), Option<Glyph>>,
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
    /// Parses the bundled faces and the fallback face, if any.
    pub(super) fn load(fallback: Option<&[u8]>) -> Result<Fonts, PdfError> {
        let mut faces = bundled()?.to_vec();
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
            faces.push(face);
        }
        let units_per_em = faces
            .iter()
            .map(|f| f32::from(f.pdf_font_metrics.units_per_em.max(1)))
            .collect();
        Ok(Fonts {
            faces,
            units_per_em,
            cache: HashMap::new(),
        })
    }

    /// The glyph for `ch` in `style`, or `None` if no face has it.
    pub(super) fn glyph(&mut self, style: Style, ch: char) -> Option<Glyph> {
        let preferred = face_for(style);
        if let Some(hit) = self.cache.get(&(preferred, ch)) {
            return *hit;
        }
        let mut order = vec![preferred];
        if preferred != 0 {
            order.push(0);
        }
        if self.faces.len() > usize::from(FALLBACK) {
            order.push(FALLBACK);
        }
        let found = order.into_iter().find_map(|face| {
            let parsed = &self.faces[usize::from(face)];
            let gid = parsed.lookup_glyph_index(u32::from(ch))?;
            // Glyph 0 is .notdef, the "missing" box.
            (gid != 0).then(|| Glyph {
                face,
                gid,
                // Truncated to 1/1000 em exactly as printpdf writes the /W widths, so the
                // measured line is the line a viewer draws.
                advance: (f32::from(parsed.get_horizontal_advance(gid)) * 1000.0
                    / self.units_per_em[usize::from(face)])
                .trunc()
                    / 1000.0,
                ch,
            })
        });
        self.cache.insert((preferred, ch), found);
        found
    }
}
