//! Letter → Markdown: the front matter, then the letter template for the kind.

use serde::Serialize;

use crate::case::LetterKind;
use crate::context::Context;
use crate::letter::{CitedReference, FrontMatter, Letter, Section};
use crate::templates::{TemplateError, Templates};

/// The template file that lays out a letter of `kind`.
pub fn template_for(kind: LetterKind) -> &'static str {
    kind.spec().template
}

/// What a letter template sees: the shared [`Context`] and the assembled letter.
#[derive(Serialize)]
struct Page<'a> {
    #[serde(flatten)]
    context: &'a Context,
    /// The arguments, in order.
    sections: &'a [Section],
    /// The reference list.
    references: &'a [CitedReference],
    /// What the arguments ask the signer to enclose, in order.
    block_enclosures: Vec<&'a String>,
    /// The ids of the arguments the letter makes.
    selected: Vec<&'a str>,
    /// The heading of the records request, when the letter makes it.
    records_title: Option<&'a str>,
    /// The number of pages a fax cover sheet counts.
    pages: Option<usize>,
}

/// Renders `letter` as Markdown with `+++` TOML front matter (see docs/architecture.md).
pub fn markdown(letter: &Letter, templates: &Templates) -> Result<String, TemplateError> {
    render_with(letter, templates, template_for(letter.kind), &letter.meta, None)
}

/// Renders the patient's cover sheet (`next-steps.md`), which is not sent to the insurer.
pub fn next_steps(letter: &Letter, templates: &Templates) -> Result<String, TemplateError> {
    let mut meta = letter.meta.clone();
    meta.title = format!("Next steps for {}", letter.context.p.name);
    meta.subject = "What to send, where, and by when. Keep this page; do not send it to the insurer.".into();
    render_with(letter, templates, "next-steps.md", &meta, None)
}

/// Renders the fax cover sheet (`fax-cover.md`) for `letter`, for a fax of `pages` pages in all.
pub fn fax_cover(letter: &Letter, templates: &Templates, pages: usize) -> Result<String, TemplateError> {
    let mut meta = letter.meta.clone();
    meta.title = format!("Fax cover sheet: {}", letter.meta.title);
    render_with(letter, templates, "fax-cover.md", &meta, Some(pages))
}

fn render_with(
    letter: &Letter,
    templates: &Templates,
    template: &str,
    meta: &FrontMatter,
    pages: Option<usize>,
) -> Result<String, TemplateError> {
    let page = Page {
        context: &letter.context,
        sections: &letter.sections,
        references: &letter.references,
        block_enclosures: letter.sections.iter().flat_map(|s| &s.enclose).collect(),
        selected: letter.sections.iter().map(|s| s.id.as_str()).collect(),
        records_title: letter
            .sections
            .iter()
            .find(|s| s.id == "records-and-criteria-request")
            .map(|s| s.title.as_str()),
        pages,
    };
    let ctx = tera::Context::from_serialize(&page).unwrap_or_default();
    let body = templates.render(template, &ctx)?;
    let front = toml::to_string(meta).unwrap_or_default();
    Ok(format!("+++\n{front}+++\n\n{}\n", tidy(&body)))
}

/// Collapses runs of blank lines and trailing spaces that template control flow leaves behind.
fn tidy(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut blank = 0;
    for line in text.trim().lines() {
        let line = line.trim_end_matches([' ', '\t']);
        if line.is_empty() {
            blank += 1;
            if blank > 1 {
                continue;
            }
        } else {
            blank = 0;
        }
        out.push_str(line);
        out.push('\n');
    }
    out.trim_end().to_string()
}

#[cfg(test)]
mod tests {
    use super::tidy;

    #[test]
    fn tidy_collapses_blank_runs_and_trailing_space() {
        assert_eq!(tidy("\n\na  \n\n\n\nb\\\nc\n\n"), "a\n\nb\\\nc");
    }
}
