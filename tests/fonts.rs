//! The fallback font, end to end through `appeal pdf --font`, with the bundled fixture
//! (`tests/fixtures/fonts`): these run everywhere, never skipped for want of a system font.

mod common;

use common::{TestEnv, fallback_font};

/// The text of every page of a PDF, without whitespace.
fn pdf_text(path: &std::path::Path) -> String {
    let doc = lopdf::Document::load(path).unwrap();
    let pages: Vec<u32> = doc.get_pages().keys().copied().collect();
    doc.extract_text(&pages).unwrap().split_whitespace().collect()
}

#[test]
fn the_fixture_is_a_small_font_with_its_license_beside_it() {
    let font = std::fs::read(fallback_font()).unwrap();
    assert!(
        font.len() < 32 * 1024,
        "keep the fixture small: {} bytes",
        font.len()
    );
    let license = common::repo_file("tests/fixtures/fonts/LICENSE-DejaVu.txt");
    assert!(license.contains("Bitstream"), "{license}");
}

#[test]
fn a_fallback_font_supplies_the_check_mark_the_bundled_font_lacks() {
    let env = TestEnv::new();
    env.write("done.md", "Done ✓\n");
    env.run(["pdf", "[ROOT]/done.md", "-o", "[ROOT]/bare.pdf"])
        .code(2)
        .stderr_has("U+2713")
        .stderr_has("fallback font");
    assert!(!env.exists("bare.pdf"));
    let font = fallback_font().display().to_string();
    env.run(["pdf", "[ROOT]/done.md", "-o", "[ROOT]/done.pdf", "--font", &font])
        .success();
    let text = pdf_text(&env.join("done.pdf"));
    assert!(text.contains("Done✓"), "{text}");
}

#[test]
fn the_library_takes_the_fixture_as_its_fallback_font() {
    use appeal::render::pdf::{PdfOptions, pdf};
    assert!(pdf("Done ✓\n", &PdfOptions::default()).is_err());
    let options = PdfOptions {
        fallback_font: Some(std::fs::read(fallback_font()).unwrap()),
        ..PdfOptions::default()
    };
    let env = TestEnv::new();
    env.write(
        "done.pdf",
        pdf("Done ✓\n", &options).expect("typesets with the fallback"),
    );
    let text = pdf_text(&env.join("done.pdf"));
    assert!(text.contains("Done✓"), "{text}");
}
