//! The data files compiled into the binary, so `appeal` works from any folder.
//!
//! `build.rs` lists every data file under `rules/`, `references/`, `templates/` and `fonts/`
//! (extensions `.bib`, `.md`, `.toml`, `.cbor`, `.ttf`; `README.md` and `LICENSE` are left out)
//! into one static table, [`FILES`], sorted by path. Adding a bundled block, letter template,
//! rules file or reference library is adding its file: no Rust edit, no count to bump. The
//! loaders pick their files by folder and extension ([`folder`]); files with a fixed role (the
//! tag vocabulary, the CSL locale, the font faces) are named with [`file()`], which fails the
//! build if the file is missing.

/// What a bundled file holds.
#[derive(Debug, Clone, Copy)]
pub enum Contents {
    /// A text file (`.bib`, `.md`, `.toml`); the compiler checked it is UTF-8.
    Text(&'static str),
    /// A binary file (`.cbor`, `.ttf`).
    Binary(&'static [u8]),
}

/// One bundled file.
#[derive(Debug, Clone, Copy)]
pub struct File {
    /// Its path relative to the crate root, with `/` separators: `templates/blocks/imaging.md`.
    pub path: &'static str,
    /// Its contents.
    pub contents: Contents,
}

impl File {
    /// The file's text (empty for a binary file, which no loader reads as text).
    pub const fn text(&self) -> &'static str {
        match self.contents {
            Contents::Text(text) => text,
            Contents::Binary(_) => "",
        }
    }

    /// The file's bytes.
    pub const fn bytes(&self) -> &'static [u8] {
        match self.contents {
            Contents::Text(text) => text.as_bytes(),
            Contents::Binary(bytes) => bytes,
        }
    }

    /// The path after `prefix` (`blocks/imaging.md` for `templates/` and
    /// `templates/blocks/imaging.md`), or the whole path when it does not start with `prefix`.
    pub fn relative(&self, prefix: &str) -> &'static str {
        self.path.strip_prefix(prefix).unwrap_or(self.path)
    }
}

// `FILES`: one static table, so each file's bytes are in the binary once.
include!(concat!(env!("OUT_DIR"), "/bundled.rs"));

/// The example cases bundled into the binary (`examples/*.toml`), so `appeal example` and
/// `appeal serve` work without the sources: `(name, text)`, sorted by name.
pub fn examples() -> Vec<(&'static str, &'static str)> {
    folder("examples/")
        .iter()
        .filter_map(|f| Some((f.relative("examples/").strip_suffix(".toml")?, f.text())))
        .filter(|(name, _)| !name.contains('/'))
        .collect()
}

/// What an example is about: its leading comment lines, joined.
pub fn example_about(text: &str) -> String {
    text.lines()
        .take_while(|l| l.starts_with('#'))
        .map(|l| l.trim_start_matches('#').trim())
        .collect::<Vec<_>>()
        .join(" ")
}

/// The bundled files whose path starts with `prefix` (`"templates/blocks/"`), sorted by path.
/// The table is sorted, so they are one run of it.
pub const fn folder(prefix: &str) -> &'static [File] {
    let mut start = 0;
    while start < FILES.len() && !starts_with(FILES[start].path, prefix) {
        start += 1;
    }
    let mut end = start;
    while end < FILES.len() && starts_with(FILES[end].path, prefix) {
        end += 1;
    }
    FILES.split_at(end).0.split_at(start).1
}

/// The bundled file at `path`. In a constant, a missing file fails the build.
pub const fn file(path: &str) -> &'static File {
    let mut i = 0;
    while i < FILES.len() {
        if eq(FILES[i].path, path) {
            return &FILES[i];
        }
        i += 1;
    }
    panic!("no such bundled file; see src/load/bundled.rs")
}

const fn starts_with(s: &str, prefix: &str) -> bool {
    let (s, p) = (s.as_bytes(), prefix.as_bytes());
    if s.len() < p.len() {
        return false;
    }
    let mut i = 0;
    while i < p.len() {
        if s[i] != p[i] {
            return false;
        }
        i += 1;
    }
    true
}

const fn eq(a: &str, b: &str) -> bool {
    a.len() == b.len() && starts_with(a, b)
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use super::*;

    /// Walks `dir`, returning every file's `/`-separated path relative to the crate root.
    fn walk(root: &Path, dir: &Path, out: &mut Vec<String>) {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                walk(root, &path, out);
            } else {
                let rel = path.strip_prefix(root).unwrap();
                out.push(rel.to_str().unwrap().replace('\\', "/"));
            }
        }
    }

    /// The guard: every file in the bundled folders is either in the table or documentation,
    /// the table is sorted, and every entry is read by a loader and loads.
    #[test]
    fn every_data_file_is_bundled_and_loads() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR"));
        let mut on_disk = Vec::new();
        for folder in ["examples", "fonts", "references", "rules", "templates"] {
            walk(root, &root.join(folder), &mut on_disk);
        }
        on_disk.retain(|p| !p.rsplit('/').next().unwrap().starts_with('.'));
        on_disk.sort();
        let table: Vec<&str> = FILES.iter().map(|f| f.path).collect();
        assert!(table.is_sorted(), "the table is sorted by path");
        let is_doc = |p: &str| p.ends_with("/README.md") || p.ends_with("/LICENSE");
        let strays: Vec<&String> = on_disk
            .iter()
            .filter(|p| !table.contains(&p.as_str()) && !is_doc(p))
            .collect();
        assert!(
            strays.is_empty(),
            "files neither bundled nor documentation (add their extension to build.rs?): {strays:?}"
        );
        let docs = on_disk.iter().filter(|p| is_doc(p)).count();
        assert_eq!(on_disk.len(), table.len() + docs, "documentation is not bundled");

        // Every entry has a loader: each kind is loaded below, so a file in a folder no
        // loader reads fails here instead of being shipped unused.
        let kind = |p: &str| -> &str {
            let (dir, name) = p.rsplit_once('/').unwrap();
            match (dir, name.rsplit_once('.').map(|x| x.1)) {
                ("templates/blocks", Some("md")) => "block",
                ("templates" | "templates/parts", Some("md")) => "template",
                ("rules", Some("toml")) => "rules",
                ("rules/states", Some("toml")) => "state",
                ("references", Some("bib")) => "library",
                ("references", _) if name == "tags.toml" => "tags",
                ("references/csl", _) if name == "locales-en-US.cbor" => "locale",
                ("fonts", Some("ttf")) => "font",
                ("examples" | "examples/init", Some("toml")) => "example",
                _ => panic!("{p}: no loader reads this file"),
            }
        };
        let count = |k: &str| FILES.iter().filter(|f| kind(f.path) == k).count();
        for f in FILES {
            kind(f.path);
        }

        for f in folder("examples/") {
            crate::case::Case::parse(f.path, f.text()).unwrap_or_else(|e| panic!("{}: {e}", f.path));
        }
        assert_eq!(folder("examples/").len(), count("example"));
        let catalog = crate::catalog::Catalog::load(None).expect("bundled blocks load");
        assert_eq!(catalog.blocks.len(), count("block"));
        assert_eq!(folder("templates/blocks/").len(), count("block"));
        let templates = crate::templates::Templates::load(&catalog, None).expect("templates parse");
        templates.parse_every_bundled_block();
        assert_eq!(crate::templates::bundled_templates().count(), count("template"));
        let rules = crate::rules::RuleBook::bundled().expect("bundled rules load");
        assert_eq!(rules.regulations().count(), count("rules"));
        assert_eq!(rules.states().count(), count("state"));
        let sources = crate::library::Library::bundled();
        assert_eq!(sources.len(), count("library"));
        let (_, problems) = crate::library::Library::load(&sources);
        assert!(problems.is_empty(), "{problems:?}");
        crate::library::TagVocabulary::bundled().expect("tags.toml parses");
        // The CSL locale and the font faces are named by their modules with `file`, so a
        // missing one fails the build; `library::style` and `render::pdf::fonts` test that
        // they decode.
    }

    #[test]
    fn lookups() {
        assert_eq!(file("references/tags.toml").path, "references/tags.toml");
        assert!(
            folder("templates/parts/")
                .iter()
                .all(|f| f.path.starts_with("templates/parts/"))
        );
        assert!(folder("no-such-folder/").is_empty());
        assert_eq!(folder("").len(), FILES.len());
    }
}
