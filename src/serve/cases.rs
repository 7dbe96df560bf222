//! Saved cases: `NAME.toml` files in the server's folder (`--dir`), read and written whole.
//!
//! A name is a plain file name: letters, digits, spaces, `-`, `_` and `.`, starting with a
//! letter or digit, at most 64 characters, never `..`. Anything else (a `/`, a `\`, a NUL, a
//! leading dot) is refused before a path is built, so no name reaches outside the folder. Files
//! are written with the project's safe writer: all or nothing, owner-only (0600), in a folder
//! created owner-only (0700).

use std::sync::Arc;

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::Serialize;

use super::App;

/// The longest case name.
pub const NAME_LIMIT: usize = 64;

/// Whether `name` is a safe case name (see the module documentation).
pub fn valid_name(name: &str) -> bool {
    let mut chars = name.chars();
    let first_ok = chars.next().is_some_and(|c| c.is_ascii_alphanumeric());
    first_ok
        && name.chars().count() <= NAME_LIMIT
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, ' ' | '-' | '_' | '.'))
        && !name.contains("..")
        && !name.ends_with([' ', '.'])
}

/// The file of a safe name.
fn file(app: &App, name: &str) -> std::path::PathBuf {
    app.dir.join(format!("{name}.toml"))
}

fn bad_name() -> Response {
    (
        StatusCode::BAD_REQUEST,
        "a case name is letters, digits, spaces, `-`, `_` and `.`, starting with a letter or digit, at most 64 characters\n",
    )
        .into_response()
}

/// One saved case, as `GET /api/cases` lists it.
#[derive(Debug, Serialize)]
pub struct Saved {
    /// Its name.
    pub name: String,
    /// When it was last saved, in seconds since 1970.
    pub modified: u64,
}

/// `GET /api/cases`: the saved cases, most recently saved first.
pub async fn list(State(app): State<Arc<App>>) -> Response {
    let entries = match std::fs::read_dir(&app.dir) {
        Ok(entries) => entries,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            return Json(Vec::<Saved>::new()).into_response();
        }
        Err(e) => {
            return (
                StatusCode::INTERNAL_SERVER_ERROR,
                format!("cannot list the saved cases ({e})\n"),
            )
                .into_response();
        }
    };
    let mut saved: Vec<Saved> = entries
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_ok_and(|t| t.is_file()))
        .filter_map(|e| {
            let name = e.file_name().to_str()?.strip_suffix(".toml")?.to_string();
            let modified = e
                .metadata()
                .ok()?
                .modified()
                .ok()?
                .duration_since(std::time::UNIX_EPOCH)
                .ok()?
                .as_secs();
            valid_name(&name).then_some(Saved { name, modified })
        })
        .collect();
    saved.sort_by(|a, b| b.modified.cmp(&a.modified).then(a.name.cmp(&b.name)));
    Json(saved).into_response()
}

/// `GET /api/cases/{name}`: a saved case file.
pub async fn get(State(app): State<Arc<App>>, Path(name): Path<String>) -> Response {
    if !valid_name(&name) {
        return bad_name();
    }
    let path = file(&app, &name);
    match crate::input::read_text(&path, crate::input::CASE_LIMIT, "case file") {
        Ok(text) => super::api::toml_text(text),
        Err(e) => match &e.problem {
            crate::input::InputProblem::Io(io) if io.kind() == std::io::ErrorKind::NotFound => {
                (StatusCode::NOT_FOUND, "no case is saved under that name\n").into_response()
            }
            problem => (
                StatusCode::INTERNAL_SERVER_ERROR,
                format!("the saved case {problem}\n"),
            )
                .into_response(),
        },
    }
}

/// `PUT /api/cases/{name}`: saves the body as the case (the page autosaves every few seconds;
/// a case being filled in need not be complete).
pub async fn put(State(app): State<Arc<App>>, Path(name): Path<String>, text: String) -> Response {
    if !valid_name(&name) {
        return bad_name();
    }
    let path = file(&app, &name);
    let result =
        tokio::task::spawn_blocking(move || crate::output::write_all(&[(path, text.into_bytes())], true))
            .await;
    match result {
        Ok(Ok(())) => StatusCode::NO_CONTENT.into_response(),
        Ok(Err(e)) => (
            StatusCode::INTERNAL_SERVER_ERROR,
            format!("could not save: {e}\n"),
        )
            .into_response(),
        Err(e) => (
            StatusCode::INTERNAL_SERVER_ERROR,
            format!("could not save ({e})\n"),
        )
            .into_response(),
    }
}

#[cfg(test)]
mod tests {
    use super::valid_name;

    #[test]
    fn names_stay_inside_the_folder() {
        for ok in ["my-case", "Jane Doe 2026", "case_1.v2", "a"] {
            assert!(valid_name(ok), "{ok}");
        }
        for bad in [
            "",
            "../x",
            "..",
            ".hidden",
            "a/b",
            "a\\b",
            "a\0b",
            "x..y",
            "name.",
            "trailing ",
            &"a".repeat(65),
            "é",
        ] {
            assert!(!valid_name(bad), "{bad:?}");
        }
    }
}
