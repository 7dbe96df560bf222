//! Reference-library loading: any UTF-8 BibTeX text must load (tolerantly) without panicking, and
//! every entry that loads must format in the AMA style without panicking.
//!
//! Two known bugs (see fuzz/README.md) are skipped so the fuzzer can look for others: a panic is
//! swallowed only if it happens at exactly the known location; any other panic still crashes.
//! Set `APPEAL_FUZZ_NO_SKIP=1` to disable the skipping (e.g. to check that the fixes landed).
#![no_main]

use std::cell::Cell;
use std::panic::{self, AssertUnwindSafe};
use std::sync::LazyLock;

use appeal::library::{BibSource, Library, Style, format_bibliography};
use libfuzzer_sys::fuzz_target;

static STYLE: LazyLock<Style> = LazyLock::new(|| {
    Style::by_name("american-medical-association").expect("bundled AMA style loads")
});

static SKIP_KNOWN: LazyLock<bool> = LazyLock::new(|| std::env::var_os("APPEAL_FUZZ_NO_SKIP").is_none());

/// Known-bug panic locations (file suffix, line).
/// 1. bibtex-parser 0.4.0 `SourceMap::line_column` slices mid-character (e.g. input `@۴`),
///    reached from `Parser::parse_source` in `library::syntax_diagnostics`.
/// 2. `library::latex::split_top_level` slices mid-character for any non-ASCII character at
///    brace depth 0 in a name list (e.g. `author = {Jörg}`).
const KNOWN: &[(&str, u32)] = &[
    ("bibtex-parser-0.4.0/src/source.rs", 116),
    ("src/library/latex.rs", 462),
];

thread_local! {
    /// Set while a `unless_known_bug` closure runs; set to `false` by the hook when it swallows.
    static SKIPPING: Cell<bool> = const { Cell::new(false) };
    static SWALLOWED: Cell<bool> = const { Cell::new(false) };
}

/// Wraps libFuzzer's panic hook (print + abort) once: a panic at a known-bug location inside
/// `unless_known_bug` unwinds quietly; every other panic goes to libFuzzer's hook and crashes.
static HOOK: LazyLock<()> = LazyLock::new(|| {
    let libfuzzer_hook = panic::take_hook();
    panic::set_hook(Box::new(move |info| {
        let known = info.location().is_some_and(|l| {
            KNOWN.iter().any(|(f, line)| l.file().ends_with(f) && l.line() == *line)
        });
        if known && SKIPPING.with(Cell::get) {
            SWALLOWED.with(|s| s.set(true));
            return;
        }
        libfuzzer_hook(info);
    }));
});

/// Runs `f`; `None` if it panicked at a known-bug location, otherwise its value (any other panic
/// aborts through libFuzzer's hook and is recorded as a crash).
fn unless_known_bug<T>(f: impl FnOnce() -> T) -> Option<T> {
    if !*SKIP_KNOWN {
        return Some(f());
    }
    LazyLock::force(&HOOK);
    SKIPPING.with(|s| s.set(true));
    SWALLOWED.with(|s| s.set(false));
    let result = panic::catch_unwind(AssertUnwindSafe(f));
    SKIPPING.with(|s| s.set(false));
    match result {
        Ok(v) => Some(v),
        Err(payload) if SWALLOWED.with(Cell::get) => {
            drop(payload);
            None
        }
        Err(payload) => panic::resume_unwind(payload),
    }
}

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let sources = [BibSource {
        name: "fuzz.bib".to_string(),
        text: text.to_string(),
    }];
    let Some((lib, diags)) = unless_known_bug(|| Library::load(&sources)) else {
        return;
    };
    for d in &diags {
        let _ = format!("{d}");
    }
    // Entries whose name lists hit known bug 2 are left out of the bibliography.
    let refs: Vec<_> = lib
        .entries()
        .iter()
        .filter(|r| unless_known_bug(|| (r.authors(), r.editors())).is_some())
        .collect();
    if !refs.is_empty() {
        // Errors (e.g. an entry the style cannot render) are fine; panics are not.
        let _ = format_bibliography(&refs, &STYLE);
    }
});
