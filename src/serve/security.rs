//! Who may talk to the server, and the headers every answer carries.
//!
//! The server holds medical data and listens on the loopback interface, where any local web
//! page could reach it. So every request must:
//!
//! * name a loopback host and the server's port in `Host` (a DNS-rebinding page's requests
//!   name its own host): otherwise `421 Misdirected Request`;
//! * carry the secret: the session cookie (HttpOnly, SameSite=Strict) that the one-time link's
//!   token is exchanged for, or `Authorization: Bearer TOKEN`: missing → `401`, wrong → `403`;
//! * when it changes anything (any method but GET/HEAD), come from the page itself: a
//!   cross-origin `Origin` (or `Sec-Fetch-Site: cross-site`) → `403`.
//!
//! Every answer says: no caching, no sniffing, no referrer, no framing, and a
//! Content-Security-Policy that allows only the server's own script and style.

use std::sync::Mutex;

use axum::extract::{Request, State};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use super::App;

/// The name of the session cookie.
pub const COOKIE: &str = "appeal_session";

/// The Content-Security-Policy of every answer: nothing but the server's own files.
pub const CSP: &str = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; \
     connect-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'";

/// The secrets of one server run.
#[derive(Debug)]
pub struct Secrets {
    /// The token printed in the link (and accepted as `Authorization: Bearer`).
    token: String,
    /// The session cookie's value, given once in exchange for the link's token.
    session: String,
    /// Whether the link has been used.
    used: Mutex<bool>,
}

/// What [`Secrets::exchange`] decided about a link's token.
#[derive(Debug, PartialEq, Eq)]
pub enum Exchange {
    /// The token is right and unused: here is the session cookie's value.
    Session(String),
    /// The token is right but the link was opened before.
    Used,
    /// The token is wrong.
    Wrong,
}

impl Secrets {
    /// Fresh random secrets (256 bits each, from the operating system).
    pub fn random() -> Result<Secrets, getrandom::Error> {
        Ok(Secrets::new(random_hex()?, random_hex()?))
    }

    /// Secrets with given values (tests).
    pub fn new(token: String, session: String) -> Secrets {
        Secrets {
            token,
            session,
            used: Mutex::new(false),
        }
    }

    /// The link's token.
    pub fn token(&self) -> &str {
        &self.token
    }

    /// Exchanges the link's token for the session cookie, once.
    pub fn exchange(&self, token: &str) -> Exchange {
        if !same(token, &self.token) {
            return Exchange::Wrong;
        }
        let mut used = self.used.lock().unwrap_or_else(|p| p.into_inner());
        if *used {
            Exchange::Used
        } else {
            *used = true;
            Exchange::Session(self.session.clone())
        }
    }

    /// Whether the request carries a secret: `Some(true)` right, `Some(false)` wrong, `None`
    /// none at all.
    pub fn admits(&self, headers: &HeaderMap) -> Option<bool> {
        let mut found = None;
        if let Some(bearer) = headers
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer "))
        {
            let ok = same(bearer.trim(), &self.token) || same(bearer.trim(), &self.session);
            found = Some(ok);
            if ok {
                return found;
            }
        }
        for value in headers.get_all(header::COOKIE) {
            let Ok(value) = value.to_str() else { continue };
            for pair in value.split(';') {
                if let Some((name, v)) = pair.trim().split_once('=')
                    && name == COOKIE
                {
                    if same(v, &self.session) {
                        return Some(true);
                    }
                    found = Some(false);
                }
            }
        }
        found
    }
}

/// 32 random bytes as hex.
fn random_hex() -> Result<String, getrandom::Error> {
    let mut bytes = [0u8; 32];
    getrandom::fill(&mut bytes)?;
    Ok(bytes.iter().map(|b| format!("{b:02x}")).collect())
}

/// Compares secrets in time that does not depend on where they differ.
fn same(a: &str, b: &str) -> bool {
    a.len() == b.len() && a.bytes().zip(b.bytes()).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// The `Host` values the server answers to: loopback names with its port.
pub fn allowed_hosts(port: u16) -> Vec<String> {
    ["127.0.0.1", "localhost", "[::1]"]
        .iter()
        .map(|h| format!("{h}:{port}"))
        .collect()
}

/// A refusal: status and a sentence saying why and what to do.
fn refuse(status: StatusCode, why: &str) -> Response {
    let mut response = (status, format!("{why}\n")).into_response();
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/plain; charset=utf-8"),
    );
    response
}

/// Checks `Host`, the secret and `Origin`, in that order, before any handler runs. The link
/// itself (`/?token=…`) is let through to [`super::pages`], which exchanges its token.
pub async fn guard(State(app): State<std::sync::Arc<App>>, request: Request, next: Next) -> Response {
    let headers = request.headers();
    let host = headers
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .unwrap_or("");
    if !app.hosts.iter().any(|h| h.eq_ignore_ascii_case(host)) {
        return refuse(
            StatusCode::MISDIRECTED_REQUEST,
            "this server answers only to its own loopback address; open the link `appeal serve` printed",
        );
    }
    let changes = !matches!(*request.method(), Method::GET | Method::HEAD);
    if changes && !same_origin(headers, &app.hosts) {
        return refuse(StatusCode::FORBIDDEN, "requests from other web sites are refused");
    }
    let is_link = request.uri().path() == "/"
        && request
            .uri()
            .query()
            .is_some_and(|q| q.split('&').any(|p| p.starts_with("token=")));
    if !is_link {
        match app.secrets.admits(headers) {
            Some(true) => {}
            Some(false) => {
                return refuse(
                    StatusCode::FORBIDDEN,
                    "the token is wrong; open the link `appeal serve` printed",
                );
            }
            None => {
                return refuse(
                    StatusCode::UNAUTHORIZED,
                    "this page needs the link `appeal serve` printed (it carries a one-time token)",
                );
            }
        }
    }
    next.run(request).await
}

/// Whether a state-changing request comes from the page itself: its `Origin`, when sent, is
/// the server's own, and the browser does not call it cross-site.
fn same_origin(headers: &HeaderMap, hosts: &[String]) -> bool {
    if headers
        .get("sec-fetch-site")
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v == "cross-site" || v == "same-site")
    {
        return false;
    }
    match headers.get(header::ORIGIN).map(|v| v.to_str()) {
        None => true,
        Some(Ok(origin)) => hosts
            .iter()
            .any(|h| origin.eq_ignore_ascii_case(&format!("http://{h}"))),
        Some(Err(_)) => false,
    }
}

/// Adds the headers every answer carries.
pub async fn headers(request: Request, next: Next) -> Response {
    let mut response = next.run(request).await;
    let h = response.headers_mut();
    h.insert(header::CONTENT_SECURITY_POLICY, HeaderValue::from_static(CSP));
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    h.insert(header::REFERRER_POLICY, HeaderValue::from_static("no-referrer"));
    h.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    h.insert(
        "cross-origin-opener-policy",
        HeaderValue::from_static("same-origin"),
    );
    h.insert(
        "cross-origin-resource-policy",
        HeaderValue::from_static("same-origin"),
    );
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_link_works_once() {
        let s = Secrets::new("t".repeat(64), "s".repeat(64));
        assert_eq!(s.exchange("x"), Exchange::Wrong);
        assert_eq!(s.exchange(&"t".repeat(64)), Exchange::Session("s".repeat(64)));
        assert_eq!(s.exchange(&"t".repeat(64)), Exchange::Used);
    }

    #[test]
    fn secrets_are_random_and_long() {
        let a = Secrets::random().unwrap();
        let b = Secrets::random().unwrap();
        assert_eq!(a.token().len(), 64);
        assert_ne!(a.token(), b.token());
        assert_ne!(a.token, a.session);
    }
}
