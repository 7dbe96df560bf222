//! Reference-library loading: any UTF-8 BibTeX text must load (tolerantly) without panicking, and
//! every entry that loads must format in the AMA style without panicking.
#![no_main]

use std::sync::LazyLock;

use appeal::library::{BibSource, Library, Style, format_bibliography};
use libfuzzer_sys::fuzz_target;

static STYLE: LazyLock<Style> = LazyLock::new(|| {
    Style::by_name("american-medical-association").expect("bundled AMA style loads")
});

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let sources = [BibSource {
        name: "fuzz.bib".to_string(),
        text: text.to_string(),
    }];
    let (lib, diags) = Library::load(&sources);
    for d in &diags {
        let _ = format!("{d}");
    }
    for r in lib.entries() {
        let _ = (r.authors(), r.editors());
    }
    let refs: Vec<_> = lib.entries().iter().collect();
    if !refs.is_empty() {
        // Errors (e.g. an entry the style cannot render) are fine; panics are not.
        let _ = format_bibliography(&refs, &STYLE);
    }
});
