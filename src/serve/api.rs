//! The API the page uses (documented in `docs/web.md`). Every endpoint takes the case file as
//! TOML text in the request body, exactly what `appeal render` reads, and runs the library:
//! [`Workspace::review`](crate::workspace::Workspace::review) for the draft and its reports,
//! [`Workspace::documents`](crate::workspace::Workspace::documents) for the packet,
//! [`crate::render::pdf`] for PDFs and [`crate::rules::to_ics`] for the calendar.

use std::io::Write as _;
use std::sync::Arc;

use axum::Json;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use clap::ValueEnum;
use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use super::App;
use super::problems::{self, Problem};
use crate::case::{Case, LetterKind};
use crate::check::Severity;
use crate::explain::Explanation;
use crate::plan::PlanOptions;
use crate::render::pdf::{Paper, PdfOptions};
use crate::workspace::DraftOptions;

/// The name problems give the case file.
pub const CASE_FILE: &str = "case.toml";

/// Options in the query string.
#[derive(Debug, Default, Deserialize)]
pub struct Options {
    /// Draft this kind instead of the case's own (`medical-necessity`).
    pub kind: Option<String>,
    /// The name downloads are given (made safe; default `letter`).
    pub name: Option<String>,
    /// `letter` (default) or `a4`.
    pub paper: Option<String>,
}

/// `POST /api/draft`'s answer.
#[derive(Debug, Serialize)]
pub struct DraftAnswer {
    /// The answer's format version.
    pub format: u32,
    /// Whether the case read and a letter was drafted.
    pub drafted: bool,
    /// Whether `check` finds it ready to send.
    pub ready: bool,
    /// The kind of letter drafted.
    pub kind: Option<&'static str>,
    /// The letter's Markdown, as `appeal render` writes it.
    pub markdown: Option<String>,
    /// The same Markdown as HTML, every case text escaped.
    pub html: Option<String>,
    /// `appeal explain --json`.
    pub explain: Option<Explanation>,
    /// `appeal check --json`.
    pub check: Option<crate::check::Report>,
    /// `appeal deadlines --json`, when rules are recorded for the plan's regulation.
    pub deadlines: Option<serde_json::Value>,
    /// Every problem, at its field: the case's parse errors, or `check`'s problems.
    pub problems: Vec<Problem>,
}

/// A request the library refused: `422` with the problems as JSON.
#[derive(Debug)]
pub struct Refused(pub Vec<Problem>);

impl IntoResponse for Refused {
    fn into_response(self) -> Response {
        (
            StatusCode::UNPROCESSABLE_ENTITY,
            Json(serde_json::json!({ "format": 1, "problems": self.0 })),
        )
            .into_response()
    }
}

impl Options {
    fn draft(&self, app: &App) -> Result<DraftOptions, Refused> {
        let kind = match &self.kind {
            None => app.defaults.kind,
            Some(k) if k.is_empty() => app.defaults.kind,
            Some(k) => Some(LetterKind::from_str(k, true).map_err(|_| {
                Refused(vec![problems::general(
                    format!("there is no letter kind `{}`", crate::diag::shorten(k)),
                    Some(kinds_hint()),
                )])
            })?),
        };
        Ok(DraftOptions {
            plan: PlanOptions {
                allow_unverified: app.defaults.allow_unverified,
                kind,
            },
            today: (app.today)(),
        })
    }

    fn stem(&self) -> String {
        let name = self.name.as_deref().unwrap_or("letter");
        crate::output::stem(std::path::Path::new(&format!("{name}.toml")))
    }

    fn pdf(&self, source_name: String) -> Result<PdfOptions, Refused> {
        let paper = match self.paper.as_deref() {
            None | Some("") => Paper::Letter,
            Some(p) => Paper::from_str(p, true).map_err(|_| {
                Refused(vec![problems::general(
                    format!("there is no paper size `{}`", crate::diag::shorten(p)),
                    Some("use letter or a4".into()),
                )])
            })?,
        };
        Ok(PdfOptions {
            paper,
            fallback_font: None,
            letterhead: None,
            source_name,
        })
    }
}

fn kinds_hint() -> String {
    let names: Vec<String> = LetterKind::value_variants()
        .iter()
        .filter_map(|k| k.to_possible_value().map(|v| v.get_name().to_string()))
        .collect();
    format!("the kinds are: {}", names.join(", "))
}

/// Reads the case, or the problems that stop it reading.
fn read(text: &str) -> Result<Case, Refused> {
    Case::parse(CASE_FILE, text).map_err(|e| Refused(problems::from_case_error(&e, text)))
}

fn refused_by<E: std::fmt::Display>(error: E) -> Refused {
    let text = error.to_string();
    let (message, hint) = match text.split_once("\n  hint: ") {
        Some((m, h)) => (m.to_string(), Some(h.to_string())),
        None => (text, None),
    };
    Refused(vec![problems::general(message, hint)])
}

/// `POST /api/draft`: the case file → the letter (Markdown and HTML), `explain`, `check`, the
/// deadlines and every problem at its field. A case that does not read is still a `200`: its
/// problems are the answer.
pub async fn draft(
    State(app): State<Arc<App>>,
    Query(options): Query<Options>,
    text: String,
) -> Result<Json<DraftAnswer>, Refused> {
    let draft_options = options.draft(&app)?;
    let mut answer = DraftAnswer {
        format: 1,
        drafted: false,
        ready: false,
        kind: None,
        markdown: None,
        html: None,
        explain: None,
        check: None,
        deadlines: None,
        problems: Vec::new(),
    };
    let case = match read(&text) {
        Ok(case) => case,
        Err(Refused(problems)) => {
            answer.problems = problems;
            return Ok(Json(answer));
        }
    };
    let review = match app.workspace.review(&case, draft_options) {
        Ok(review) => review,
        Err(e) => {
            answer.problems = refused_by(e).0;
            return Ok(Json(answer));
        }
    };
    answer.drafted = true;
    answer.ready = review.check.is_ready();
    answer.kind = Some(review.kind.id());
    answer.problems = problems::from_check(&review.check.problems);
    answer.deadlines = review
        .deadline_report(CASE_FILE)
        .and_then(|r| serde_json::to_value(r).ok());
    answer.html = Some(super::pages::letter_html(&review.draft.markdown));
    answer.markdown = Some(review.draft.markdown);
    answer.explain = Some(review.explanation);
    answer.check = Some(review.check);
    Ok(Json(answer))
}

/// `POST /api/open`'s answer: an opened case file's values for the form.
#[derive(Debug, Serialize)]
pub struct Opened {
    /// The answer's format version.
    pub format: u32,
    /// The file's tables and values (dates as `YYYY-MM-DD` text), or `null` when it is not TOML.
    pub values: Option<serde_json::Value>,
    /// Fields in the file that the form does not show (they are not saved from the form).
    pub left_out: Vec<String>,
    /// Problems reading it as a case.
    pub problems: Vec<Problem>,
}

/// `POST /api/open`: a case file → its values, to fill in the form.
pub async fn open(text: String) -> Json<Opened> {
    let problems = match Case::parse(CASE_FILE, &text) {
        Ok(_) => Vec::new(),
        Err(e) => problems::from_case_error(&e, &text),
    };
    let table = text.parse::<toml::Table>().ok();
    let mut left_out = Vec::new();
    if let Some(table) = &table {
        let known = super::form::paths();
        unknown_fields(table, "", &known, &mut left_out);
    }
    Json(Opened {
        format: 1,
        values: table.map(|t| json(&toml::Value::Table(t))),
        left_out,
        problems,
    })
}

/// A TOML value as JSON, dates as text.
fn json(value: &toml::Value) -> serde_json::Value {
    use serde_json::Value as J;
    match value {
        toml::Value::String(s) => J::String(s.clone()),
        toml::Value::Integer(i) => J::from(*i),
        toml::Value::Float(f) => J::from(*f),
        toml::Value::Boolean(b) => J::Bool(*b),
        toml::Value::Datetime(d) => J::String(d.to_string()),
        toml::Value::Array(a) => J::Array(a.iter().map(json).collect()),
        toml::Value::Table(t) => J::Object(t.iter().map(|(k, v)| (k.clone(), json(v))).collect()),
    }
}

/// Adds the dotted paths in `table` that are not among `known` (`treatments.name` stands for
/// every row's `name`).
fn unknown_fields(table: &toml::Table, prefix: &str, known: &[String], out: &mut Vec<String>) {
    for (key, value) in table {
        let path = if prefix.is_empty() {
            key.clone()
        } else {
            format!("{prefix}.{key}")
        };
        if path == "schema" {
            continue;
        }
        let is_row_table = |v: &toml::Value| matches!(v, toml::Value::Array(a) if a.iter().all(|x| x.is_table()) && !a.is_empty());
        match value {
            toml::Value::Table(t) => unknown_fields(t, &path, known, out),
            v if is_row_table(v) => {
                for row in v.as_array().into_iter().flatten().filter_map(|r| r.as_table()) {
                    unknown_fields(row, &path, known, out);
                }
            }
            _ => {
                if !known.contains(&path) && !out.contains(&path) {
                    out.push(path);
                }
            }
        }
    }
}

/// An attachment download.
fn download(bytes: Vec<u8>, content_type: &'static str, file_name: &str) -> Response {
    let mut response = bytes.into_response();
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    // The name is made of letters, digits, `-`, `_` and `.` (`output::stem`).
    if let Ok(v) = HeaderValue::from_str(&format!("attachment; filename=\"{file_name}\"")) {
        headers.insert(header::CONTENT_DISPOSITION, v);
    }
    response
}

/// Runs typesetting off the server's thread.
async fn blocking<T: Send + 'static>(
    job: impl FnOnce() -> Result<T, Refused> + Send + 'static,
) -> Result<T, Refused> {
    tokio::task::spawn_blocking(job)
        .await
        .unwrap_or_else(|e| Err(refused_by(format!("the server stopped typesetting ({e})"))))
}

/// `POST /api/pdf`: the case file → the letter as PDF, as `appeal render` typesets it.
pub async fn pdf(
    State(app): State<Arc<App>>,
    Query(options): Query<Options>,
    text: String,
) -> Result<Response, Refused> {
    let stem = options.stem();
    let bytes = typeset_letter(app, &options, text, |markdown, pdf| {
        crate::render::pdf::pdf(markdown, &pdf).map_err(refused_by)
    })
    .await?;
    Ok(download(bytes, "application/pdf", &format!("{stem}.pdf")))
}

/// `POST /api/docx`: the case file → the letter as a Word document, the same text as the PDF.
pub async fn docx(
    State(app): State<Arc<App>>,
    Query(options): Query<Options>,
    text: String,
) -> Result<Response, Refused> {
    let stem = options.stem();
    let bytes = typeset_letter(app, &options, text, |markdown, pdf| {
        let options = crate::render::docx::DocxOptions {
            paper: pdf.paper,
            letterhead: None,
            source_name: pdf.source_name,
        };
        crate::render::docx::docx(markdown, &options).map_err(refused_by)
    })
    .await?;
    Ok(download(
        bytes,
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        &format!("{stem}.docx"),
    ))
}

/// Drafts the case's letter off the server's thread and typesets its Markdown with `typeset`.
async fn typeset_letter(
    app: Arc<App>,
    options: &Options,
    text: String,
    typeset: impl FnOnce(&str, PdfOptions) -> Result<Vec<u8>, Refused> + Send + 'static,
) -> Result<Vec<u8>, Refused> {
    let draft_options = options.draft(&app)?;
    let pdf_options = options.pdf(format!("{}.md", options.stem()))?;
    let case = read(&text)?;
    blocking(move || {
        let kind = draft_options.plan.kind.unwrap_or(case.letter.kind);
        crate::escalation::can_write(&case, kind, &app.workspace.rules).map_err(refused_by)?;
        let draft = app.workspace.draft(&case, draft_options).map_err(refused_by)?;
        typeset(&draft.markdown, pdf_options)
    })
    .await
}

/// `POST /api/packet`: the case file → a ZIP of every document `appeal render --packet` writes
/// (PDF and Markdown; a fax cover sheet first when the plan has a fax number).
pub async fn packet(
    State(app): State<Arc<App>>,
    Query(options): Query<Options>,
    text: String,
) -> Result<Response, Refused> {
    let draft_options = options.draft(&app)?;
    let stem = options.stem();
    let pdf_options = options.pdf(format!("{stem}.md"))?;
    let case = read(&text)?;
    let name = stem.clone();
    let bytes = blocking(move || {
        let selection = crate::packet::Selection {
            kind: None,
            packet: true,
            next_steps: true,
        };
        let documents = app
            .workspace
            .documents(&case, &name, selection, &pdf_options, draft_options)
            .map_err(refused_by)?;
        let pdfs: Vec<Result<Vec<u8>, Refused>> = documents
            .par_iter()
            .map(|doc| {
                let mut o = pdf_options.clone();
                o.source_name = format!("{}.md", doc.name);
                crate::render::pdf::pdf(&doc.markdown, &o).map_err(refused_by)
            })
            .collect();
        let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
        let stored =
            zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Stored);
        for (doc, pdf) in documents.iter().zip(pdfs) {
            let pdf = pdf?;
            for (file, bytes) in [
                (format!("{}.pdf", doc.name), pdf.as_slice()),
                (format!("{}.md", doc.name), doc.markdown.as_bytes()),
            ] {
                zip.start_file(file, stored).map_err(refused_by)?;
                zip.write_all(bytes).map_err(refused_by)?;
            }
        }
        Ok(zip.finish().map_err(refused_by)?.into_inner())
    })
    .await?;
    Ok(download(bytes, "application/zip", &format!("{stem}-packet.zip")))
}

/// `POST /api/ics`: the case file → its dated deadlines as iCalendar, with reminders.
pub async fn ics(
    State(app): State<Arc<App>>,
    Query(options): Query<Options>,
    text: String,
) -> Result<Response, Refused> {
    let today = (app.today)();
    let stem = options.stem();
    let case = read(&text)?;
    let regulation = case.regulation();
    let Some(rules) = app.workspace.rules.get(regulation) else {
        return Err(refused_by(format!(
            "no rules are recorded for plan regulation `{regulation}`"
        )));
    };
    let deadlines = crate::rules::deadlines_for(rules, &case, today);
    if deadlines.items.iter().all(|d| d.date.is_none()) {
        return Err(Refused(vec![Problem {
            severity: Severity::Error,
            line: None,
            column: None,
            field: Some("plan.regulation".into()),
            message: "no verified dates for this plan type, so there is no calendar".into(),
            hint: Some("use the dates on your denial notice".into()),
        }]));
    }
    let calendar = crate::rules::to_ics(&deadlines, &format!("Appeal ({})", case.patient.name), today);
    Ok(download(
        calendar.into_bytes(),
        "text/calendar; charset=utf-8",
        &format!("{stem}-deadlines.ics"),
    ))
}

/// One bundled example, as `GET /api/examples` lists it.
#[derive(Debug, Serialize)]
pub struct Example {
    /// Its name (`her2-out-of-network`).
    pub name: &'static str,
    /// What it is about.
    pub about: String,
}

/// `GET /api/examples`: the bundled example cases.
pub async fn examples() -> Json<Vec<Example>> {
    Json(
        crate::bundled::examples()
            .into_iter()
            .map(|(name, text)| Example {
                name,
                about: crate::bundled::example_about(text),
            })
            .collect(),
    )
}

/// `GET /api/examples/{name}`: one example case file.
pub async fn example(Path(name): Path<String>) -> Response {
    match crate::bundled::examples().into_iter().find(|(n, _)| *n == name) {
        Some((_, text)) => toml_text(text.to_string()),
        None => (StatusCode::NOT_FOUND, "there is no example with that name\n").into_response(),
    }
}

/// A case file as an answer.
pub fn toml_text(text: String) -> Response {
    let mut response = text.into_response();
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/toml; charset=utf-8"),
    );
    response
}
