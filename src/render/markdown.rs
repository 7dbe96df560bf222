//! Letter → Markdown: the front matter, then the letter template for the kind.

use crate::case::LetterKind;
use crate::letter::Letter;
use crate::templates::{TemplateError, Templates};

/// The template file that lays out a letter of `kind`.
pub fn template_for(kind: LetterKind) -> &'static str {
    match kind {
        LetterKind::ClaimFileRequest => "claim-file-request.md",
        LetterKind::PeerToPeerBrief => "peer-to-peer-brief.md",
        LetterKind::FollowUp => "follow-up.md",
        LetterKind::Complaint => "complaint.md",
        LetterKind::Appeal | LetterKind::MedicalNecessity | LetterKind::ExternalReview => "letter.md",
    }
}

/// Renders `letter` as Markdown with `+++` TOML front matter (see docs/architecture.md).
pub fn markdown(letter: &Letter, templates: &Templates) -> Result<String, TemplateError> {
    render_with(letter, templates, template_for(letter.kind), &letter.meta)
}

/// Renders the patient's cover sheet (`next-steps.md`), which is not sent to the insurer.
pub fn next_steps(letter: &Letter, templates: &Templates) -> Result<String, TemplateError> {
    let mut meta = letter.meta.clone();
    meta.title = format!(
        "Next steps for {}",
        letter.context["case"]["patient"]["name"]
            .as_str()
            .unwrap_or_default()
    );
    meta.subject = "What to send, where, and by when. Keep this page; do not send it to the insurer.".into();
    render_with(letter, templates, "next-steps.md", &meta)
}

/// Renders the fax cover sheet (`fax-cover.md`) for `letter`, for a fax of `pages` pages in all.
pub fn fax_cover(letter: &Letter, templates: &Templates, pages: usize) -> Result<String, TemplateError> {
    let mut meta = letter.meta.clone();
    meta.title = format!("Fax cover sheet: {}", letter.meta.title);
    let mut with_pages = letter.clone();
    with_pages.context["pages"] = serde_json::json!(pages);
    render_with(&with_pages, templates, "fax-cover.md", &meta)
}

fn render_with(
    letter: &Letter,
    templates: &Templates,
    template: &str,
    meta: &crate::letter::FrontMatter,
) -> Result<String, TemplateError> {
    let mut ctx = tera::Context::from_serialize(&letter.context).unwrap_or_default();
    ctx.insert("sections", &letter.sections);
    ctx.insert("references", &letter.references);
    let enclose: Vec<&String> = letter.sections.iter().flat_map(|s| &s.enclose).collect();
    ctx.insert("block_enclosures", &enclose);
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
