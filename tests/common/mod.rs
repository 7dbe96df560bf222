//! Shared helpers for the CLI tests: run the binary from the repository root with a fixed date.
#![allow(dead_code)]

use std::path::{Path, PathBuf};

use assert_cmd::Command;

/// 2026-11-19 00:00:00 UTC: every test letter is dated from this, never the clock.
pub(crate) const EPOCH: &str = "1795046400";

/// The repository root.
pub(crate) fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// `appeal` with the repository as working directory and a fixed `SOURCE_DATE_EPOCH`.
pub(crate) fn appeal() -> Command {
    let mut cmd = Command::cargo_bin("appeal").expect("binary builds");
    cmd.current_dir(root()).env("SOURCE_DATE_EPOCH", EPOCH);
    cmd
}

/// Renders `case` (a path from the repository root) with `--packet` as Markdown into a new
/// temporary folder, asserting success.
pub(crate) fn packet_markdown(case: &str) -> tempfile::TempDir {
    let out = tempfile::tempdir().unwrap();
    appeal()
        .args(["render", case, "--packet", "--format", "md", "-o"])
        .arg(out.path())
        .assert()
        .success();
    out
}

/// Every file in `dir`, sorted.
pub(crate) fn files_in(dir: &Path) -> Vec<String> {
    let mut v: Vec<String> = std::fs::read_dir(dir)
        .map(|rd| {
            rd.filter_map(Result::ok)
                .map(|e| e.file_name().to_string_lossy().to_string())
                .collect()
        })
        .unwrap_or_default();
    v.sort();
    v
}

/// The text a Markdown document shows a reader: every text event, joined by spaces.
pub(crate) fn visible_text(markdown: &str) -> String {
    use pulldown_cmark::{Event, Options, Parser};
    let opts = Options::ENABLE_PLUSES_DELIMITED_METADATA_BLOCKS;
    let mut in_meta = false;
    let mut out = String::new();
    for event in Parser::new_ext(markdown, opts) {
        match event {
            Event::Start(pulldown_cmark::Tag::MetadataBlock(_)) => in_meta = true,
            Event::End(pulldown_cmark::TagEnd::MetadataBlock(_)) => in_meta = false,
            Event::Text(t) if !in_meta => out.push_str(&t),
            Event::SoftBreak | Event::HardBreak => out.push(' '),
            Event::End(_) => out.push(' '),
            _ => {}
        }
    }
    out
}
