//! `appeal refs`: the reference library.

use super::*;

/// The bundled library plus the user's files. Problems in the user's files are printed as
/// warnings and the rest is used: reading commands go on past a broken entry.
pub(super) fn load_library(libs: &LibraryArgs) -> Result<crate::library::Library, CliError> {
    let mut sources = crate::library::Library::bundled();
    for path in &libs.libraries {
        sources.push(crate::workspace::read_library(path)?);
    }
    let (library, diagnostics) = crate::library::Library::load(&sources);
    warn_library(&diagnostics);
    Ok(library)
}

/// What each bundled block cites, for `refs tags` and `refs check`.
pub(super) fn block_cites() -> Result<Vec<crate::refs::BlockCites>, CliError> {
    let catalog = crate::catalog::Catalog::load(None).map_err(crate::workspace::LoadError::from)?;
    Ok(catalog
        .blocks
        .iter()
        .map(|b| crate::refs::BlockCites {
            block: b.meta.id.clone(),
            file: b.file.clone(),
            keys: b.meta.cites.clone(),
            tags: b.meta.cite_tags.clone(),
        })
        .collect())
}

pub(super) fn refs(cmd: RefsCommand) -> Result<Exit, CliError> {
    use crate::library::{Style, TagVocabulary};
    let vocabulary = || {
        TagVocabulary::bundled()
            .map_err(|e| CliError::Usage(format!("the bundled tag vocabulary is invalid: {e}")))
    };
    let refs_error = |e: crate::refs::RefsError| CliError::Usage(e.to_string());
    let mut out = std::io::stdout().lock();
    let mut code = Exit::Success;
    match cmd {
        RefsCommand::List { tag, libs } => {
            let library = load_library(&libs)?;
            let report = crate::refs::list(&library, &vocabulary()?, tag.as_deref()).map_err(refs_error)?;
            let _ = writeln!(out, "{report}");
        }
        RefsCommand::Show { key, style, libs } => {
            let library = load_library(&libs)?;
            let style = Style::by_name(style.as_deref().unwrap_or(crate::library::DEFAULT_STYLE))
                .map_err(crate::workspace::LoadError::from)?;
            let report = crate::refs::show(&library, &key, &style).map_err(refs_error)?;
            let _ = writeln!(out, "{report}");
        }
        RefsCommand::Search { text, libs } => {
            let library = load_library(&libs)?;
            let _ = writeln!(out, "{}", crate::refs::search(&library, &text));
        }
        RefsCommand::Tags { libs } => {
            let library = load_library(&libs)?;
            let _ = writeln!(
                out,
                "{}",
                crate::refs::tags(&library, &vocabulary()?, &block_cites()?)
            );
        }
        RefsCommand::Check { files, strict } => {
            let bundled = crate::library::Library::bundled();
            let report = if files.is_empty() {
                crate::refs::check(&bundled, &vocabulary()?, &block_cites()?, strict)
            } else {
                // The user's files are checked as `render --library` would load them: after
                // the bundled library (duplicate keys, merged papers).
                let files = files
                    .iter()
                    .map(|f| crate::workspace::read_library(f))
                    .collect::<Result<Vec<_>, _>>()?;
                crate::refs::check_against(&bundled, &files, &vocabulary()?, &block_cites()?, strict)
            };
            let _ = writeln!(out, "{report}");
            if report.has_problems() {
                code = Exit::Problems;
            }
        }
        RefsCommand::Styles => {
            let _ = writeln!(out, "{}", crate::refs::styles());
        }
    }
    Ok(code)
}
