//! `appeal serve`: the web app on the loopback interface ([`crate::serve`]).

use super::*;

/// `appeal serve`: loads the data, listens on loopback, prints the one-time link and opens it.
pub(super) fn serve(args: ServeArgs) -> Result<Exit, CliError> {
    let dir = match &args.dir {
        Some(dir) => dir.clone(),
        None => default_dir().ok_or_else(|| {
            CliError::Usage(
                "cannot find your data folder to keep saved cases in\n  hint: name a folder with --dir"
                    .into(),
            )
        })?,
    };
    make_private_dir(&dir)
        .map_err(|e| CliError::Usage(format!("{}: cannot create the cases folder ({e})", dir.display())))?;
    // Check SOURCE_DATE_EPOCH once, so a bad value is reported before the server starts.
    today()?;
    let workspace = Workspace::load(&args.data.sources())?;
    let secrets = crate::serve::security::Secrets::random()
        .map_err(|e| CliError::Usage(format!("cannot make a random token ({e})")))?;
    let token = secrets.token().to_string();
    let listener = crate::serve::listen(args.port).map_err(|e| {
        CliError::Usage(format!(
            "cannot listen on port {} of this computer's loopback address ({e})\n  hint: choose another --port, or --port 0 for any free one",
            args.port
        ))
    })?;
    let port = listener
        .local_addr()
        .map_err(|e| CliError::Usage(format!("cannot read the server's address ({e})")))?
        .port();
    let settings = crate::serve::Settings {
        port,
        dir: dir.clone(),
        secrets,
        today: std::sync::Arc::new(|| today().unwrap_or_else(|_| jiff::civil::date(1970, 1, 1))),
        descriptions: crate::serve::schema_descriptions(),
        defaults: args.data.options()?.plan,
    };
    let app = crate::serve::App::new(workspace, settings).map_err(|e| CliError::Usage(e.to_string()))?;
    let link = crate::serve::link(&listener, &token)
        .map_err(|e| CliError::Usage(format!("cannot read the server's address ({e})")))?;
    {
        let mut out = std::io::stdout().lock();
        let _ = writeln!(out, "appeal is running at {link}");
        let _ = writeln!(
            out,
            "The link works once and only on this computer. Saved cases: {}",
            dir.display()
        );
        let _ = writeln!(out, "Press Ctrl-C to stop.");
        let _ = out.flush();
    }
    if !args.no_open
        && let Err(e) = opener::open_browser(&link)
    {
        eprintln!("note: could not open a browser ({e}); open the link above yourself");
    }
    eprintln!("{DRAFT_NOTE}");
    crate::serve::serve(listener, app).map_err(|e| CliError::Usage(format!("the server stopped: {e}")))?;
    Ok(Exit::Success)
}

/// `appeal/cases` in the user's data folder (`~/.local/share` on Linux).
fn default_dir() -> Option<PathBuf> {
    Some(dirs::data_dir()?.join("appeal").join("cases"))
}

/// Creates `dir` and its missing parents, owner-only (0700), and makes `dir` itself owner-only.
fn make_private_dir(dir: &Path) -> std::io::Result<()> {
    use std::os::unix::fs::{DirBuilderExt, PermissionsExt};
    std::fs::DirBuilder::new()
        .recursive(true)
        .mode(0o700)
        .create(dir)?;
    std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o700))
}
