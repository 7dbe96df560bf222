//! Markdown → PDF typesetting: any UTF-8 text must give `Ok(pdf)` or `Err(PdfError)`, never a
//! panic, hang or runaway allocation.
#![no_main]

use std::sync::LazyLock;

use appeal::render::pdf::{PdfOptions, pdf};
use libfuzzer_sys::fuzz_target;

static OPTIONS: LazyLock<PdfOptions> = LazyLock::new(PdfOptions::default);

fuzz_target!(|data: &[u8]| {
    let Ok(md) = std::str::from_utf8(data) else {
        return;
    };
    match pdf(md, &OPTIONS) {
        Ok(bytes) => assert!(bytes.starts_with(b"%PDF-"), "output is not a PDF"),
        Err(e) => {
            let _ = e.to_string();
        }
    }
});
