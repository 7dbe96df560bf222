//! The tera 2 environment: letter templates and block prose, with Markdown autoescaping.
//!
//! Every `{{ value }}` in a `.md` template is escaped with [`crate::escape::value`], so text
//! from a case file prints literally. Block prose and formatted references, which are Markdown
//! the project wrote, are inserted with `| safe`. Citation markers come from the `cite` and
//! `cite_tag` functions (see [`crate::letter`] for how they are numbered).

use std::path::Path;
use std::sync::OnceLock;

use tera::{Kwargs, State, Tera};

use crate::catalog::Catalog;
use crate::diag::Location;

/// Letter templates and their parts compiled into the binary (every `templates/*.md` and
/// `templates/parts/*.md`): `(name relative to templates/, text)`, sorted by name.
pub fn bundled_templates() -> impl Iterator<Item = (&'static str, &'static str)> {
    crate::bundled::folder("templates/")
        .iter()
        .filter(|file| !file.path.starts_with("templates/blocks/"))
        .map(|file| (file.relative("templates/"), file.text()))
}

/// Opening and closing characters of a citation marker in rendered prose, replaced by numbers
/// once every block is rendered. They are Unicode private-use characters
/// ([`crate::escape::is_private_use`]),
/// which the case parser rejects in every field, so case text can never forge or hide one.
pub const MARK_OPEN: char = '\u{E000}';
/// See [`MARK_OPEN`].
pub const MARK_CLOSE: char = '\u{E001}';
/// Opens a marker for a declared key that may not be cited (unverified without opt-in); a
/// block whose prose produces one is dropped from the letter and reported.
pub const MARK_UNUSABLE: char = '\u{E002}';

/// A template that failed to parse or render: where in the template file, what tera reported,
/// how to fix it.
pub type TemplateError = crate::diag::Diagnostic;

/// The loaded templates.
///
/// Letter templates, their parts and the user's own blocks are parsed when loaded, so every
/// syntax error in them is reported at once. A bundled block is parsed the first time a letter
/// uses it (a test parses every one): a letter uses about half of them, and parsing is most of
/// the cost of starting up.
pub struct Templates {
    tera: Tera,
    /// Bundled blocks not parsed yet: template name → its own environment, made on first use.
    lazy: Vec<(String, OnceLock<Result<Tera, TemplateError>>)>,
    /// Sources for parsing and messages: (template name, file shown to users, line offset,
    /// text).
    files: Vec<(String, String, usize, String)>,
}

impl std::fmt::Debug for Templates {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Templates")
            .field("files", &self.files.len())
            .finish()
    }
}

fn escape_markdown(input: &str, out: &mut dyn std::io::Write) -> std::io::Result<()> {
    out.write_all(crate::escape::value(input).as_bytes())
}

/// `cite(key="…")`: a marker for one declared key of the block being rendered.
struct Cite;
impl tera::Function<tera::TeraResult<String>> for Cite {
    fn call(&self, kwargs: Kwargs, state: &State) -> tera::TeraResult<String> {
        let key: String = kwargs.must_get("key")?;
        let declared: Vec<String> = state.get("__cites")?.unwrap_or_default();
        if !declared.contains(&key) {
            return Err(tera::Error::message(format!(
                "cite(key=\"{key}\") is not listed in this block's `cites`; add it to the front matter"
            )));
        }
        let usable: Vec<String> = state.get("__usable")?.unwrap_or_default();
        if usable.contains(&key) {
            Ok(format!("{MARK_OPEN}{key}{MARK_CLOSE}"))
        } else {
            Ok(format!("{MARK_UNUSABLE}{key}{MARK_CLOSE}"))
        }
    }
    fn is_safe(&self) -> bool {
        true
    }
}

/// `cite_tag(tag="…")`: markers for every usable entry with this keyword tag.
struct CiteTag;
impl tera::Function<tera::TeraResult<String>> for CiteTag {
    fn call(&self, kwargs: Kwargs, state: &State) -> tera::TeraResult<String> {
        let tag: String = kwargs.must_get("tag")?;
        let tags: Vec<String> = state.get("__cite_tags")?.unwrap_or_default();
        if !tags.contains(&tag) {
            return Err(tera::Error::message(format!(
                "cite_tag(tag=\"{tag}\") is not listed in this block's `cite_tags`; add it to the front matter"
            )));
        }
        let keys: Vec<String> = state
            .get(&format!("__tag_{}", tag.replace('-', "_")))?
            .unwrap_or_default();
        Ok(keys
            .iter()
            .map(|k| format!("{MARK_OPEN}{k}{MARK_CLOSE}"))
            .collect())
    }
    fn is_safe(&self) -> bool {
        true
    }
}

impl Templates {
    /// Loads the bundled letter templates (overridden by same-named files in `override_dir`) and
    /// every block's prose. Every syntax error in every file is reported.
    pub fn load(catalog: &Catalog, override_dir: Option<&Path>) -> Result<Templates, Vec<TemplateError>> {
        let mut tera = environment();
        let mut files = Vec::new();
        for (name, text) in bundled_templates() {
            let user = override_dir.map(|d| d.join(name)).filter(|p| p.is_file());
            match user {
                Some(path) => match std::fs::read_to_string(&path) {
                    Ok(t) => files.push((name.to_string(), path.display().to_string(), 1, t)),
                    Err(e) => {
                        return Err(vec![TemplateError::error(
                            Location::at(&path.display().to_string(), "", 0),
                            format!("cannot read the template ({e})"),
                        )]);
                    }
                },
                None => files.push((name.to_string(), format!("templates/{name}"), 1, text.to_string())),
            }
        }
        for block in &catalog.blocks {
            files.push((
                format!("blocks/{}.md", block.meta.id),
                block.file.clone(),
                block.prose_line,
                block.prose.clone(),
            ));
        }
        // Templates that others include must be added first: parts (letter templates include
        // them), then blocks, then letters.
        files.sort_by_key(|(name, ..)| (!name.starts_with("parts/"), !name.starts_with("blocks/")));
        let mut errors = Vec::new();
        let mut lazy = Vec::new();
        for (name, file, line, text) in &files {
            // Only bundled blocks, and only when no override folder is in play, wait.
            if override_dir.is_none() && name.starts_with("blocks/") && *file == format!("templates/{name}") {
                lazy.push((name.clone(), OnceLock::new()));
            } else if let Err(e) = tera.add_raw_template(name, text) {
                errors.push(template_error(file, *line, text, &e));
            }
        }
        if errors.is_empty() {
            Ok(Templates { tera, lazy, files })
        } else {
            Err(errors)
        }
    }

    /// Renders template `name` with `context`.
    pub fn render(&self, name: &str, context: &tera::Context) -> Result<String, TemplateError> {
        let source = self
            .files
            .iter()
            .find(|(n, ..)| n == name)
            .map_or((name, 1, ""), |(_, f, l, t)| (f.as_str(), *l, t.as_str()));
        let tera = match self.lazy.iter().find(|(n, _)| n == name) {
            Some((_, cell)) => cell
                .get_or_init(|| {
                    let (file, line, text) = source;
                    let mut tera = environment();
                    tera.add_raw_template(name, text)
                        .map_err(|e| template_error(file, line, text, &e))?;
                    Ok(tera)
                })
                .as_ref()
                .map_err(Clone::clone)?,
            None => &self.tera,
        };
        tera.render(name, context).map_err(|e| {
            let (file, line, text) = source;
            template_error(file, line, text, &e)
        })
    }
}

#[cfg(test)]
impl Templates {
    /// Parses every bundled block that waits for first use, panicking on the first error.
    pub(crate) fn parse_every_bundled_block(&self) {
        let lazy = |name: &String| self.lazy.iter().any(|(n, _)| n == name);
        for (name, _, line, text) in self.files.iter().filter(|f| lazy(&f.0)) {
            let mut tera = environment();
            let parsed = tera.add_raw_template(name, text);
            assert!(parsed.is_ok(), "{name} (from line {line}): {parsed:?}");
        }
    }
}

/// A tera environment with Markdown autoescaping and the citation functions.
fn environment() -> Tera {
    let mut tera = Tera::new();
    tera.set_escape_fn(escape_markdown);
    tera.autoescape_on([".md"]);
    tera.register_function("cite", Cite);
    tera.register_function("cite_tag", CiteTag);
    tera
}

/// Maps a tera error to the template file's own line numbers.
fn template_error(file: &str, first_line: usize, text: &str, err: &tera::Error) -> TemplateError {
    use std::error::Error as _;
    let mut message = err.to_string();
    let mut offset = 0;
    let mut cause = err.source();
    if let tera::ErrorKind::SyntaxError(report) | tera::ErrorKind::RenderingError(report) = err.kind() {
        message = report.message().to_string();
        offset = report.span().range.start;
    }
    while let Some(c) = cause {
        message = format!("{message}: {c}");
        cause = c.source();
    }
    let mut location = Location::at(file, text, offset);
    location.line += first_line - 1;
    TemplateError::error(location, message.lines().next().unwrap_or_default().trim()).with_hint(Some(
        "fix the template syntax (tera 2, Jinja-like); see templates/blocks/README.md",
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn bundled() -> Templates {
        Templates::load(&Catalog::load(None).unwrap(), None).unwrap()
    }

    #[test]
    fn every_bundled_block_parses_on_first_use() {
        let templates = bundled();
        assert_eq!(
            templates.lazy.len(),
            crate::catalog::BUNDLED_BLOCKS.len(),
            "bundled blocks wait until used"
        );
        templates.parse_every_bundled_block();
    }

    #[test]
    fn a_block_renders_the_same_on_first_and_later_use() {
        let templates = bundled();
        let mut ctx = tera::Context::new();
        ctx.insert("__cites", &Vec::<String>::new());
        // Missing variables are a rendering error, reported against the block's own file.
        let first = templates.render("blocks/standard-of-care.md", &ctx).unwrap_err();
        let again = templates.render("blocks/standard-of-care.md", &ctx).unwrap_err();
        assert_eq!(first.to_string(), again.to_string());
        assert!(
            first
                .location
                .file
                .ends_with("templates/blocks/standard-of-care.md"),
            "{first}"
        );
    }
}
