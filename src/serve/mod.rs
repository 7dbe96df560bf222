//! `appeal serve`: the letter in a browser, for people who will never write TOML.
//!
//! A small web server on the loopback interface, on top of the same library: the page is a
//! form for the whole case format ([`form`]); its script writes the case file from the form and
//! asks the API ([`api`]) for the draft, which runs [`Workspace::review`] — the same letter
//! `appeal render` writes, with `check`, `explain` and the deadlines beside it. Nothing leaves the
//! machine: every asset is compiled into the binary ([`pages`]), and the server makes no
//! outbound connection. Saved cases live in one folder ([`cases`]).
//!
//! Security ([`security`]): a one-time link token exchanged for an HttpOnly, SameSite=Strict
//! cookie (or `Authorization: Bearer`), a loopback `Host` check against DNS rebinding, a
//! same-origin check on every state-changing request, a strict Content-Security-Policy, a body
//! size limit (the case-file cap) and a request timeout. See `docs/web.md`.

use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::http::StatusCode;
use axum::middleware;
use axum::routing::{get, post};
use jiff::civil::Date;

use crate::workspace::Workspace;

pub mod api;
pub mod cases;
pub mod form;
pub mod pages;
pub mod problems;
pub mod security;

/// How long one request may take before the server answers `408` (a packet of several letters
/// typesets in well under a second).
pub const REQUEST_TIMEOUT: Duration = Duration::from_secs(60);

/// The largest request body: the case-file cap.
pub const BODY_LIMIT: usize = crate::input::CASE_LIMIT as usize;

/// Today's date, asked for on each request (a server may run past midnight).
pub type Clock = Arc<dyn Fn() -> Date + Send + Sync>;

/// Describes a case field by its dotted path (`patient.name`): the case format's schema
/// descriptions, used as help text in the form.
pub type Descriptions = Arc<dyn Fn(&str) -> Option<String> + Send + Sync>;

/// The form's help text: the case format's JSON Schema descriptions ([`crate::schema`]),
/// generated once.
pub fn schema_descriptions() -> Descriptions {
    let schema = crate::schema::case();
    Arc::new(move |path: &str| crate::schema::description_in(&schema, path))
}

/// What one server run serves.
pub struct App {
    /// The loaded data, drafting every request's case.
    pub workspace: Workspace,
    /// The link token and session secret.
    pub secrets: security::Secrets,
    /// The `Host` values answered.
    pub hosts: Vec<String>,
    /// The folder of saved cases.
    pub dir: PathBuf,
    /// Today.
    pub today: Clock,
    /// The page, rendered once.
    pub page: String,
    /// See [`Settings::defaults`].
    pub defaults: crate::plan::PlanOptions,
}

/// What [`App::new`] needs.
pub struct Settings {
    /// The port the server listens on (the `Host` header must name it).
    pub port: u16,
    /// The folder of saved cases.
    pub dir: PathBuf,
    /// The secrets.
    pub secrets: security::Secrets,
    /// Today.
    pub today: Clock,
    /// Help text for the form's fields.
    pub descriptions: Descriptions,
    /// The letter kind (when a request names none) and whether unverified references may be
    /// cited: `appeal serve --kind`, `--allow-unverified`.
    pub defaults: crate::plan::PlanOptions,
}

/// The page could not be built (a bug in the bundled template).
#[derive(Debug, thiserror::Error)]
#[error("the web page template failed: {0}")]
pub struct PageError(String);

impl App {
    /// Builds the app: renders the page once.
    pub fn new(workspace: Workspace, settings: Settings) -> Result<App, PageError> {
        let page = pages::render(&*settings.descriptions)?;
        Ok(App {
            workspace,
            secrets: settings.secrets,
            hosts: security::allowed_hosts(settings.port),
            dir: settings.dir,
            today: settings.today,
            page,
            defaults: settings.defaults,
        })
    }
}

/// The routes, behind the guard and with the headers every answer carries.
pub fn router(app: Arc<App>) -> Router {
    Router::new()
        .route("/", get(pages::index))
        .route("/assets/app.js", get(pages::script))
        .route("/assets/app.css", get(pages::style))
        .route("/api/draft", post(api::draft))
        .route("/api/open", post(api::open))
        .route("/api/pdf", post(api::pdf))
        .route("/api/docx", post(api::docx))
        .route("/api/packet", post(api::packet))
        .route("/api/ics", post(api::ics))
        .route("/api/examples", get(api::examples))
        .route("/api/examples/{name}", get(api::example))
        .route("/api/cases", get(cases::list))
        .route("/api/cases/{name}", get(cases::get).put(cases::put))
        .fallback(|| async { (StatusCode::NOT_FOUND, "not found\n") })
        .layer(DefaultBodyLimit::max(BODY_LIMIT))
        .layer(middleware::from_fn_with_state(app.clone(), security::guard))
        .layer(tower_http::timeout::TimeoutLayer::with_status_code(
            StatusCode::REQUEST_TIMEOUT,
            REQUEST_TIMEOUT,
        ))
        .layer(middleware::from_fn(security::headers))
        .with_state(app)
}

/// A listening socket on the loopback interface: `127.0.0.1`, or `::1` when IPv4 has no
/// loopback. Port 0 picks a free port.
pub fn listen(port: u16) -> std::io::Result<std::net::TcpListener> {
    let listener = std::net::TcpListener::bind((std::net::Ipv4Addr::LOCALHOST, port))
        .or_else(|_| std::net::TcpListener::bind((std::net::Ipv6Addr::LOCALHOST, port)))?;
    listener.set_nonblocking(true)?;
    Ok(listener)
}

/// The link a person opens: the server's address with the one-time token.
pub fn link(listener: &std::net::TcpListener, token: &str) -> std::io::Result<String> {
    let address = listener.local_addr()?;
    Ok(match address {
        std::net::SocketAddr::V4(a) => format!("http://{}:{}/?token={token}", a.ip(), a.port()),
        std::net::SocketAddr::V6(a) => format!("http://[{}]:{}/?token={token}", a.ip(), a.port()),
    })
}

/// Serves `app` on `listener` until the process ends, on one thread (typesetting runs on the
/// blocking pool so a PDF does not hold up the preview).
pub fn serve(listener: std::net::TcpListener, app: App) -> std::io::Result<()> {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_io()
        .enable_time()
        .build()?;
    runtime.block_on(async move {
        let listener = tokio::net::TcpListener::from_std(listener)?;
        axum::serve(listener, router(Arc::new(app))).await
    })
}
