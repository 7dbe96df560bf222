//! `appeal pdf`: typeset a hand-edited letter.

use super::*;

pub(super) fn pdf_command(args: PdfArgs) -> Result<Exit, CliError> {
    let name = args.markdown.display().to_string();
    let text = crate::input::read_text(&args.markdown, crate::input::LETTER_LIMIT, "letter")
        .map_err(crate::workspace::LoadError::from)?;
    let file_name = args
        .markdown
        .file_name()
        .map(|f| f.to_string_lossy().to_string())
        .unwrap_or(name.clone());
    let out = args.out.unwrap_or_else(|| args.markdown.with_extension("pdf"));
    output::refuse_inputs([out.as_path()], &[args.markdown.as_path()])?;
    let options = PdfOptions {
        letterhead: args.pdf.letterhead()?,
        ..args.pdf.options(&file_name)?
    };
    let pdf = crate::render::pdf::pdf(&text, &options)?;
    output::write_all(&[(out.clone(), pdf)], args.force)?;
    println!("wrote {}", out.display());
    eprintln!("{DRAFT_NOTE}");
    Ok(Exit::Success)
}
