//! The page, its script and style (compiled into the binary from `web/`), the one-time link,
//! and the letter as HTML.

use std::sync::Arc;

use axum::extract::{Query, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{Html, IntoResponse, Response};
use pulldown_cmark::{Event, Options, Parser, Tag, TagEnd};
use serde::Deserialize;

use super::security::{COOKIE, Exchange};
use super::{App, PageError};

/// The page template (tera, HTML autoescaped).
const PAGE: &str = include_str!("../../web/index.html");
/// The page's script.
pub const SCRIPT: &str = include_str!("../../web/app.js");
/// The page's style.
pub const STYLE: &str = include_str!("../../web/app.css");

/// The page with the form, rendered once at start-up. `descriptions` gives each field's help.
pub fn render(descriptions: &dyn Fn(&str) -> Option<String>) -> Result<String, PageError> {
    let mut tera = tera::Tera::new();
    tera.add_raw_template("index.html", PAGE)
        .map_err(|e| PageError(e.to_string()))?;
    let mut context = tera::Context::new();
    context.insert("sections", &super::form::view(descriptions));
    context.insert(
        "examples",
        &crate::bundled::examples()
            .into_iter()
            .map(|(name, text)| (name, crate::bundled::example_about(text)))
            .collect::<Vec<_>>(),
    );
    context.insert("version", env!("CARGO_PKG_VERSION"));
    let page = tera
        .render("index.html", &context)
        .map_err(|e| PageError(e.to_string()))?;
    // The template's indentation is most of the page's weight; the page has no `<pre>` and its
    // text areas start empty, so leading spaces and blank lines can go.
    Ok(page
        .lines()
        .map(str::trim_start)
        .filter(|l| !l.is_empty())
        .collect::<Vec<_>>()
        .join("\n")
        + "\n")
}

/// The query of the link `appeal serve` prints.
#[derive(Debug, Deserialize)]
pub struct Link {
    /// The one-time token.
    pub token: Option<String>,
}

/// `GET /`: the page; `GET /?token=…` (the printed link) exchanges the token for the session
/// cookie once and sends the browser on to `/`, so the token leaves the address bar.
pub async fn index(
    State(app): State<Arc<App>>,
    Query(link): Query<Link>,
    headers: axum::http::HeaderMap,
) -> Response {
    let Some(token) = link.token else {
        return Html(app.page.clone()).into_response();
    };
    match app.secrets.exchange(&token) {
        Exchange::Session(session) => {
            let mut response = (StatusCode::SEE_OTHER, [(header::LOCATION, "/")]).into_response();
            let cookie = format!("{COOKIE}={session}; HttpOnly; SameSite=Strict; Path=/");
            if let Ok(v) = HeaderValue::from_str(&cookie) {
                response.headers_mut().insert(header::SET_COOKIE, v);
            }
            response
        }
        // The browser that opened the link opens it again: it has the cookie already.
        Exchange::Used if app.secrets.admits(&headers) == Some(true) => {
            (StatusCode::SEE_OTHER, [(header::LOCATION, "/")]).into_response()
        }
        Exchange::Used => (
            StatusCode::FORBIDDEN,
            "this link was already opened; it works once. Stop `appeal serve` (Ctrl-C) and start it again for a new link\n",
        )
            .into_response(),
        Exchange::Wrong => (
            StatusCode::FORBIDDEN,
            "the token is wrong; open the link `appeal serve` printed\n",
        )
            .into_response(),
    }
}

/// `GET /assets/app.js`.
pub async fn script() -> Response {
    asset(SCRIPT, "text/javascript; charset=utf-8")
}

/// `GET /assets/app.css`.
pub async fn style() -> Response {
    asset(STYLE, "text/css; charset=utf-8")
}

fn asset(body: &'static str, content_type: &'static str) -> Response {
    let mut response = body.into_response();
    response
        .headers_mut()
        .insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    response
}

/// The letter's Markdown as HTML for the preview. The front matter is left out, and any raw
/// HTML is shown as text (the letter never contains any: case text is escaped in the
/// Markdown), so nothing in a case can become markup.
pub fn letter_html(markdown: &str) -> String {
    let options = Options::ENABLE_PLUSES_DELIMITED_METADATA_BLOCKS;
    let mut in_metadata = false;
    let events = Parser::new_ext(markdown, options).filter_map(|event| match event {
        Event::Start(Tag::MetadataBlock(_)) => {
            in_metadata = true;
            None
        }
        Event::End(TagEnd::MetadataBlock(_)) => {
            in_metadata = false;
            None
        }
        _ if in_metadata => None,
        Event::Html(text) | Event::InlineHtml(text) => Some(Event::Text(text)),
        // Links and images never occur in a letter; keep their text only.
        Event::Start(Tag::Link { .. } | Tag::Image { .. }) | Event::End(TagEnd::Link | TagEnd::Image) => None,
        other => Some(other),
    });
    let mut html = String::new();
    pulldown_cmark::html::push_html(&mut html, events);
    html
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hostile_text_in_a_letter_stays_text() {
        let html =
            letter_html("+++\ntitle = \"x\"\n+++\nHi <script>alert(1)</script> \\<b\\> [a](javascript:x)\n");
        assert!(!html.contains("<script>"), "{html}");
        assert!(html.contains("&lt;script&gt;"), "{html}");
        assert!(!html.contains("href"), "{html}");
        assert!(!html.contains("title ="), "{html}");
    }

    #[test]
    fn the_page_renders_every_section() {
        let page = render(&|_| None).unwrap();
        for section in super::super::form::SECTIONS {
            let title = section.title.replace('\'', "&#39;");
            assert!(page.contains(&format!("<legend>{title}</legend>")), "{title}");
        }
        assert!(!page.contains("<script>"), "no inline script");
    }
}
