//! The letterhead: a PNG or JPEG logo printed at the top of a letter's first page, in the PDF
//! and in the Word document.
//!
//! The image comes from `--letterhead IMAGE` or from the case's `[sender] letterhead` (a path
//! relative to the case file). It is read with the size cap of [`crate::input`] and decoded
//! once, here, so a damaged or unsupported file is refused before anything is typeset or
//! written. Only PNG and JPEG are decoded (`png` and `zune-jpeg`, not a general image library):
//! the PDF gets the pixels, the Word document a PNG (the file itself, or the JPEG's pixels
//! encoded as PNG).
//!
//! On the page the logo keeps its proportions inside a box as wide as the text and
//! [`MAX_HEIGHT_PT`] tall, and is never drawn larger than 96 pixels to the inch.

use std::fmt;
use std::io::Cursor;
use std::path::Path;
use std::sync::Arc;

use crate::input::{self, InputProblem};

/// The largest letterhead image file read (8 MB; a logo is a few hundred kilobytes).
pub const LETTERHEAD_LIMIT: u64 = 8 << 20;
/// The largest width or height in pixels.
pub const MAX_SIDE: u32 = 5000;
/// The most pixels (width × height).
pub const MAX_PIXELS: u64 = 12_000_000;
/// The tallest the logo is drawn, in points (three quarters of an inch).
pub const MAX_HEIGHT_PT: f32 = 54.0;
/// Space between the logo and the text below it, in points.
pub const GAP_BELOW_PT: f32 = 12.0;
/// Points per pixel at the largest scale the logo is drawn (96 pixels to the inch).
const PT_PER_PX: f32 = 0.75;

/// Which format the file was.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ImageFormat {
    /// PNG.
    Png,
    /// JPEG.
    Jpeg,
}

impl fmt::Display for ImageFormat {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            ImageFormat::Png => "PNG",
            ImageFormat::Jpeg => "JPEG",
        })
    }
}

/// A decoded letterhead image. Cloning is cheap (the pixels are shared).
#[derive(Clone)]
pub struct Letterhead {
    inner: Arc<Decoded>,
}

struct Decoded {
    format: ImageFormat,
    width: u32,
    height: u32,
    /// 1 (grey), 2 (grey + alpha), 3 (RGB) or 4 (RGBA) bytes per pixel.
    channels: u8,
    /// 8-bit samples, row by row.
    pixels: Vec<u8>,
    /// The image as a PNG file, for the Word document.
    png: Vec<u8>,
}

impl fmt::Debug for Letterhead {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "Letterhead({} {}×{})",
            self.inner.format, self.inner.width, self.inner.height
        )
    }
}

impl PartialEq for Letterhead {
    fn eq(&self, other: &Self) -> bool {
        Arc::ptr_eq(&self.inner, &other.inner) || self.inner.png == other.inner.png
    }
}

impl Eq for Letterhead {}

/// Where a letterhead path came from, for messages.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Origin {
    /// `--letterhead IMAGE`.
    Flag,
    /// `[sender] letterhead` in this case file, as written there.
    Case {
        /// The case file.
        case: String,
        /// The value as written.
        written: String,
    },
}

/// What is wrong with a letterhead image.
#[derive(Debug, thiserror::Error)]
pub enum LetterheadProblem {
    /// The file could not be read (missing, a folder, too large…).
    #[error("{0}")]
    Input(InputProblem),
    /// Neither PNG nor JPEG.
    #[error("is not a PNG or JPEG image{}", starts_with(.0))]
    Unsupported(Vec<u8>),
    /// A PNG or JPEG that does not decode.
    #[error("is a damaged {format} image ({message})")]
    Damaged {
        /// The format its first bytes claim.
        format: ImageFormat,
        /// The decoder's message.
        message: String,
    },
    /// Too many pixels.
    #[error(
        "is {width} × {height} pixels; a letterhead may be at most {MAX_SIDE} pixels on a side and {} megapixels",
        MAX_PIXELS / 1_000_000
    )]
    TooLarge {
        /// Width in pixels.
        width: u64,
        /// Height in pixels.
        height: u64,
    },
}

/// What a file starts with, when that says what it is.
fn starts_with(head: &[u8]) -> String {
    if head.is_empty() {
        return "; the file is empty".to_string();
    }
    let known: &[(&[u8], &str)] = &[
        (b"GIF8", "a GIF image"),
        (b"BM", "a BMP image"),
        (b"RIFF", "a WebP image"),
        (b"II*\0", "a TIFF image"),
        (b"MM\0*", "a TIFF image"),
        (b"%PDF", "a PDF file"),
        (b"<svg", "an SVG drawing"),
        (b"<?xml", "an XML file (an SVG drawing?)"),
    ];
    known
        .iter()
        .find(|(magic, _)| head.starts_with(magic))
        .map(|(_, what)| format!("; it is {what}"))
        .unwrap_or_default()
}

/// A letterhead that could not be used.
#[derive(Debug, thiserror::Error)]
#[error("{}{path}: {problem}\n  hint: {}", origin_prefix(.origin), self.hint())]
pub struct LetterheadError {
    /// The file as resolved.
    pub path: String,
    /// Where the path came from.
    pub origin: Origin,
    /// What is wrong.
    pub problem: LetterheadProblem,
}

fn origin_prefix(origin: &Origin) -> String {
    match origin {
        Origin::Flag => "--letterhead ".to_string(),
        Origin::Case { case, written } => {
            format!("{case}: [sender] letterhead = {written:?}: ")
        }
    }
}

impl LetterheadError {
    /// How to fix it.
    pub fn hint(&self) -> String {
        let remedy = match &self.origin {
            Origin::Flag => "or leave out --letterhead".to_string(),
            Origin::Case { .. } => {
                "or remove `letterhead` from [sender] (a path there is relative to the case file's folder)"
                    .to_string()
            }
        };
        match &self.problem {
            LetterheadProblem::Input(InputProblem::Io(_)) => {
                format!("check the path and that you may read the file, {remedy}")
            }
            LetterheadProblem::Input(p @ InputProblem::TooLarge { .. }) => {
                format!("{}; save the logo smaller, {remedy}", p.hint("letterhead image"))
            }
            LetterheadProblem::Input(p) => format!("{}, {remedy}", p.hint("letterhead image")),
            LetterheadProblem::Unsupported(_) => {
                format!("save the logo as PNG or JPEG (an image editor's \"Export\" does it), {remedy}")
            }
            LetterheadProblem::Damaged { .. } => {
                format!("open the logo in an image editor and save it again as PNG or JPEG, {remedy}")
            }
            LetterheadProblem::TooLarge { .. } => {
                format!("scale the logo down (1500 pixels wide prints sharp across a whole page), {remedy}")
            }
        }
    }
}

/// Reads and decodes the letterhead image at `path`.
pub fn load(path: &Path, origin: Origin) -> Result<Letterhead, LetterheadError> {
    let error = |problem| LetterheadError {
        path: path.display().to_string(),
        origin: origin.clone(),
        problem,
    };
    let bytes = input::read_bytes(path, LETTERHEAD_LIMIT, "letterhead image")
        .map_err(|e| error(LetterheadProblem::Input(e.problem)))?;
    Letterhead::decode(bytes).map_err(error)
}

impl Letterhead {
    /// Decodes a PNG or JPEG file's bytes.
    pub fn decode(bytes: Vec<u8>) -> Result<Letterhead, LetterheadProblem> {
        let decoded = if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
            decode_png(bytes)?
        } else if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
            decode_jpeg(&bytes)?
        } else {
            return Err(LetterheadProblem::Unsupported(
                bytes.iter().take(8).copied().collect(),
            ));
        };
        Ok(Letterhead {
            inner: Arc::new(decoded),
        })
    }

    /// The file's format.
    pub fn format(&self) -> ImageFormat {
        self.inner.format
    }

    /// Width and height in pixels.
    pub fn pixel_size(&self) -> (u32, u32) {
        (self.inner.width, self.inner.height)
    }

    /// Bytes per pixel of [`Letterhead::pixels`]: 1 grey, 2 grey + alpha, 3 RGB, 4 RGBA.
    pub fn channels(&self) -> u8 {
        self.inner.channels
    }

    /// The pixels, 8 bits a sample, row by row.
    pub fn pixels(&self) -> &[u8] {
        &self.inner.pixels
    }

    /// The image as a PNG file.
    pub fn png(&self) -> &[u8] {
        &self.inner.png
    }

    /// Width and height in points, drawn inside a box `max_width` wide and
    /// [`MAX_HEIGHT_PT`] tall, proportions kept, at most 96 pixels to the inch.
    pub fn size_pt(&self, max_width: f32) -> (f32, f32) {
        let (w, h) = (self.inner.width as f32, self.inner.height as f32);
        let scale = PT_PER_PX.min(max_width / w).min(MAX_HEIGHT_PT / h);
        (w * scale, h * scale)
    }
}

fn check_size(width: u64, height: u64) -> Result<(), LetterheadProblem> {
    if width > u64::from(MAX_SIDE) || height > u64::from(MAX_SIDE) || width * height > MAX_PIXELS {
        return Err(LetterheadProblem::TooLarge { width, height });
    }
    if width == 0 || height == 0 {
        return Err(LetterheadProblem::Damaged {
            format: ImageFormat::Png,
            message: "it has no pixels".to_string(),
        });
    }
    Ok(())
}

fn decode_png(bytes: Vec<u8>) -> Result<Decoded, LetterheadProblem> {
    let damaged = |e: png::DecodingError| LetterheadProblem::Damaged {
        format: ImageFormat::Png,
        message: e.to_string(),
    };
    let mut decoder = png::Decoder::new(Cursor::new(bytes.as_slice()));
    decoder.set_transformations(png::Transformations::EXPAND | png::Transformations::STRIP_16);
    // The size check below bounds what is decoded; this bounds what the header may ask for.
    decoder.set_limits(png::Limits {
        bytes: (MAX_PIXELS as usize) * 8,
    });
    let mut reader = decoder.read_info().map_err(damaged)?;
    let (width, height) = {
        let info = reader.info();
        (info.width, info.height)
    };
    check_size(u64::from(width), u64::from(height))?;
    let size = reader
        .output_buffer_size()
        .ok_or_else(|| LetterheadProblem::TooLarge {
            width: u64::from(width),
            height: u64::from(height),
        })?;
    let mut pixels = vec![0; size];
    let frame = reader.next_frame(&mut pixels).map_err(damaged)?;
    pixels.truncate(frame.buffer_size());
    let channels = match frame.color_type {
        png::ColorType::Grayscale => 1,
        png::ColorType::GrayscaleAlpha => 2,
        png::ColorType::Rgb => 3,
        png::ColorType::Rgba => 4,
        png::ColorType::Indexed => {
            return Err(LetterheadProblem::Damaged {
                format: ImageFormat::Png,
                message: "its palette could not be expanded".to_string(),
            });
        }
    };
    Ok(Decoded {
        format: ImageFormat::Png,
        width,
        height,
        channels,
        pixels,
        png: bytes,
    })
}

fn decode_jpeg(bytes: &[u8]) -> Result<Decoded, LetterheadProblem> {
    use zune_jpeg::zune_core::{bytestream::ZCursor, colorspace::ColorSpace, options::DecoderOptions};

    let damaged = |message: String| LetterheadProblem::Damaged {
        format: ImageFormat::Jpeg,
        message,
    };
    let options = DecoderOptions::default()
        .set_max_width(MAX_SIDE as usize)
        .set_max_height(MAX_SIDE as usize)
        .jpeg_set_out_colorspace(ColorSpace::RGB);
    let mut decoder = zune_jpeg::JpegDecoder::new_with_options(ZCursor::new(bytes), options);
    decoder.decode_headers().map_err(|e| match decoder.dimensions() {
        Some((w, h)) if w > MAX_SIDE as usize || h > MAX_SIDE as usize => LetterheadProblem::TooLarge {
            width: w as u64,
            height: h as u64,
        },
        _ => damaged(e.to_string()),
    })?;
    let (width, height) = decoder
        .dimensions()
        .ok_or_else(|| damaged("it has no image size".to_string()))?;
    check_size(width as u64, height as u64)?;
    let pixels = decoder.decode().map_err(|e| damaged(e.to_string()))?;
    let (width, height) = (width as u32, height as u32);
    if pixels.len() != width as usize * height as usize * 3 {
        return Err(damaged("it decoded to fewer pixels than its size".to_string()));
    }
    let png = encode_png(&pixels, width, height).map_err(|e| damaged(e.to_string()))?;
    Ok(Decoded {
        format: ImageFormat::Jpeg,
        width,
        height,
        channels: 3,
        pixels,
        png,
    })
}

/// RGB pixels as a PNG file (deterministic: no timestamps or text chunks).
fn encode_png(rgb: &[u8], width: u32, height: u32) -> Result<Vec<u8>, png::EncodingError> {
    let mut out = Vec::new();
    {
        let mut encoder = png::Encoder::new(&mut out, width, height);
        encoder.set_color(png::ColorType::Rgb);
        encoder.set_depth(png::BitDepth::Eight);
        let mut writer = encoder.write_header()?;
        writer.write_image_data(rgb)?;
        writer.finish()?;
    }
    Ok(out)
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// A `width` × `height` PNG of one colour, with an alpha channel when `alpha`.
    pub(crate) fn png(width: u32, height: u32, alpha: bool) -> Vec<u8> {
        let mut out = Vec::new();
        {
            let mut encoder = png::Encoder::new(&mut out, width, height);
            encoder.set_color(if alpha {
                png::ColorType::Rgba
            } else {
                png::ColorType::Rgb
            });
            encoder.set_depth(png::BitDepth::Eight);
            let mut writer = encoder.write_header().unwrap();
            let channels = if alpha { 4 } else { 3 };
            let data: Vec<u8> = (0..width * height * channels).map(|i| (i % 251) as u8).collect();
            writer.write_image_data(&data).unwrap();
        }
        out
    }

    #[test]
    fn png_decodes_with_its_size_and_keeps_its_bytes() {
        let bytes = png(40, 10, true);
        let head = Letterhead::decode(bytes.clone()).unwrap();
        assert_eq!(head.format(), ImageFormat::Png);
        assert_eq!(head.pixel_size(), (40, 10));
        assert_eq!(head.channels(), 4);
        assert_eq!(head.pixels().len(), 40 * 10 * 4);
        assert_eq!(head.png(), bytes.as_slice());
    }

    #[test]
    fn size_keeps_proportions_inside_the_box() {
        let size = |w, h| {
            let (w, h) = Letterhead::decode(png(w, h, false)).unwrap().size_pt(468.0);
            ((w * 100.0).round() / 100.0, (h * 100.0).round() / 100.0)
        };
        // Small: drawn at 96 pixels to the inch.
        assert_eq!(size(40, 10), (30.0, 7.5));
        // Tall: held to the height.
        assert_eq!(size(200, 400), (27.0, 54.0));
        // Wide: held to the width.
        assert_eq!(size(2000, 100), (468.0, 23.4));
    }

    #[test]
    fn other_formats_and_damaged_files_are_refused() {
        let gif = Letterhead::decode(b"GIF89a\x01\x00\x01\x00".to_vec()).unwrap_err();
        assert_eq!(gif.to_string(), "is not a PNG or JPEG image; it is a GIF image");
        let text = Letterhead::decode(b"hello".to_vec()).unwrap_err();
        assert_eq!(text.to_string(), "is not a PNG or JPEG image");
        let mut cut = png(40, 10, false);
        cut.truncate(40);
        let e = Letterhead::decode(cut).unwrap_err();
        assert!(e.to_string().starts_with("is a damaged PNG image ("), "{e}");
        let jpeg = Letterhead::decode(vec![0xFF, 0xD8, 0xFF, 0xE0, 0, 16]).unwrap_err();
        assert!(
            jpeg.to_string().starts_with("is a damaged JPEG image ("),
            "{jpeg}"
        );
    }

    #[test]
    fn jpeg_decodes_to_rgb_and_becomes_a_png_for_word() {
        let bytes = std::fs::read(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/tests/fixtures/images/logo.jpg"
        ))
        .expect("the fixture is in the repository");
        let head = Letterhead::decode(bytes).unwrap();
        assert_eq!(head.format(), ImageFormat::Jpeg);
        assert_eq!(head.pixel_size(), (240, 60));
        assert_eq!(head.channels(), 3);
        let again = Letterhead::decode(head.png().to_vec()).unwrap();
        assert_eq!(again.format(), ImageFormat::Png);
        assert_eq!(again.pixel_size(), (240, 60));
        assert_eq!(again.pixels(), head.pixels());
    }

    #[test]
    fn huge_images_are_refused_before_decoding() {
        let e = Letterhead::decode(png(5001, 1, false)).unwrap_err();
        assert_eq!(
            e.to_string(),
            "is 5001 × 1 pixels; a letterhead may be at most 5000 pixels on a side and 12 megapixels"
        );
    }
}
