//! `appeal serve`: every endpoint and every refusal, in process (`tower::ServiceExt::oneshot`),
//! and the binary listening on loopback with its one-time link.

mod common;

use std::io::{Read, Write};
use std::sync::{Arc, OnceLock};

use appeal::serve::security::Secrets;
use appeal::serve::{App, Settings, router};
use appeal::workspace::{Sources, Workspace};
use axum::body::Body;
use axum::http::{Request, Response, StatusCode, header};
use http_body_util::BodyExt;
use tower::ServiceExt;

const TOKEN: &str = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";
const SESSION: &str = "fedcba9876543210fedcba9876543210fedcba9876543210fedcba9876543210";
const PORT: u16 = 4567;
const HOST: &str = "127.0.0.1:4567";

/// A server with its cases folder.
struct Server {
    app: Arc<App>,
    dir: tempfile::TempDir,
}

fn today() -> jiff::civil::Date {
    jiff::civil::date(2026, 11, 19)
}

fn server() -> Server {
    let dir = tempfile::tempdir().unwrap();
    let workspace = Workspace::load(&Sources::default()).unwrap();
    let app = App::new(
        workspace,
        Settings {
            port: PORT,
            dir: dir.path().join("cases"),
            secrets: Secrets::new(TOKEN.into(), SESSION.into()),
            today: Arc::new(today),
            descriptions: appeal::serve::schema_descriptions(),
            defaults: Default::default(),
        },
    )
    .unwrap();
    Server {
        app: Arc::new(app),
        dir,
    }
}

fn example(name: &str) -> String {
    common::repo_file(&format!("examples/{name}.toml"))
}

/// A request from the page: the right host, origin and cookie.
fn page(method: &str, uri: &str, body: impl Into<Body>) -> Request<Body> {
    Request::builder()
        .method(method)
        .uri(uri)
        .header(header::HOST, HOST)
        .header(header::ORIGIN, format!("http://{HOST}"))
        .header(header::COOKIE, format!("appeal_session={SESSION}"))
        .body(body.into())
        .unwrap()
}

fn runtime() -> &'static tokio::runtime::Runtime {
    static RUNTIME: OnceLock<tokio::runtime::Runtime> = OnceLock::new();
    RUNTIME.get_or_init(|| {
        tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap()
    })
}

fn send(server: &Server, request: Request<Body>) -> (Response<Body>, Vec<u8>) {
    runtime().block_on(async {
        let response = router(server.app.clone()).oneshot(request).await.unwrap();
        let (parts, body) = response.into_parts();
        let bytes = body.collect().await.unwrap().to_bytes().to_vec();
        (Response::from_parts(parts, Body::empty()), bytes)
    })
}

fn json(bytes: &[u8]) -> serde_json::Value {
    serde_json::from_slice(bytes).unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(bytes)))
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8(bytes.to_vec()).unwrap()
}

/// Every answer carries the security headers, refusals included.
fn assert_secure_headers(response: &Response<Body>) {
    let h = response.headers();
    let csp = h[header::CONTENT_SECURITY_POLICY].to_str().unwrap();
    assert!(
        csp.contains("default-src 'none'") && csp.contains("script-src 'self'"),
        "{csp}"
    );
    assert!(!csp.contains("unsafe-inline"), "{csp}");
    assert_eq!(h[header::X_CONTENT_TYPE_OPTIONS], "nosniff");
    assert_eq!(h[header::REFERRER_POLICY], "no-referrer");
    assert_eq!(h[header::CACHE_CONTROL], "no-store");
}

#[test]
fn the_page_is_served_with_its_assets_and_strict_headers() {
    let s = server();
    let (response, body) = send(&s, page("GET", "/", Body::empty()));
    assert_eq!(response.status(), StatusCode::OK);
    assert_secure_headers(&response);
    let html = text(&body);
    assert!(html.contains("<legend>The patient</legend>"));
    assert!(html.contains("The tool drafts; the signer decides."));
    // Help under the fields comes from the case format's schema.
    let help = appeal::schema::description("denial.deadline_on_notice").unwrap();
    let escaped = help
        .replace('`', "")
        .replace('&', "&amp;")
        .replace('"', "&quot;")
        .replace('\'', "&#39;");
    assert!(
        html.contains(&escaped.replace('<', "&lt;").replace('>', "&gt;")),
        "{help}"
    );
    assert!(html.contains(r#"<script src="/assets/app.js" defer></script>"#));
    // No inline script, no outside resource.
    assert_eq!(html.matches("<script").count(), 1, "one external script only");
    assert!(
        !html.contains("http://") && !html.contains("https://"),
        "no outside address"
    );
    // Every input has a label.
    let inputs = html.matches("<input ").count()
        + html.matches("<select ").count()
        + html.matches("<textarea ").count();
    let labelled =
        html.matches("<label for=").count() + html.matches("<label class=\"choice\"><input").count();
    assert!(labelled >= inputs - 1, "{labelled} labels for {inputs} inputs");
    for asset in ["/assets/app.js", "/assets/app.css"] {
        let (response, body) = send(&s, page("GET", asset, Body::empty()));
        assert_eq!(response.status(), StatusCode::OK, "{asset}");
        assert!(!body.is_empty());
        let kind = response.headers()[header::CONTENT_TYPE]
            .to_str()
            .unwrap()
            .to_string();
        assert!(kind.starts_with(if asset.ends_with(".js") {
            "text/javascript"
        } else {
            "text/css"
        }));
    }
    // Page weight: the page, its script and its style.
    let weight: usize = ["/", "/assets/app.js", "/assets/app.css"]
        .iter()
        .map(|p| send(&s, page("GET", p, Body::empty())).1.len())
        .sum();
    assert!(weight <= 150 * 1024, "the page weighs {weight} bytes");
}

#[test]
fn the_link_is_exchanged_once_for_a_strict_cookie() {
    let s = server();
    let link = |token: &str| {
        Request::builder()
            .uri(format!("/?token={token}"))
            .header(header::HOST, HOST)
            .body(Body::empty())
            .unwrap()
    };
    let (response, _) = send(&s, link("wrong"));
    assert_eq!(response.status(), StatusCode::FORBIDDEN);
    let (response, _) = send(&s, link(TOKEN));
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    assert_eq!(response.headers()[header::LOCATION], "/");
    let cookie = response.headers()[header::SET_COOKIE].to_str().unwrap();
    assert_eq!(
        cookie,
        format!("appeal_session={SESSION}; HttpOnly; SameSite=Strict; Path=/")
    );
    assert_secure_headers(&response);
    let (response, body) = send(&s, link(TOKEN));
    assert_eq!(response.status(), StatusCode::FORBIDDEN);
    assert!(text(&body).contains("already opened"));
    // The browser that has the cookie may open the link again.
    let mut again = link(TOKEN);
    again.headers_mut().insert(
        header::COOKIE,
        format!("appeal_session={SESSION}").parse().unwrap(),
    );
    let (response, _) = send(&s, again);
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
}

#[test]
fn no_token_is_401_and_a_wrong_one_403() {
    let s = server();
    for (uri, method) in [
        ("/", "GET"),
        ("/api/draft", "POST"),
        ("/assets/app.js", "GET"),
        ("/api/cases", "GET"),
    ] {
        let bare = Request::builder()
            .method(method)
            .uri(uri)
            .header(header::HOST, HOST)
            .body(Body::from(example("her2-out-of-network")))
            .unwrap();
        let (response, body) = send(&s, bare);
        assert_eq!(response.status(), StatusCode::UNAUTHORIZED, "{uri}");
        assert_secure_headers(&response);
        assert!(text(&body).contains("the link `appeal serve` printed"));
    }
    let wrong_cookie = Request::builder()
        .uri("/")
        .header(header::HOST, HOST)
        .header(header::COOKIE, "appeal_session=nope")
        .body(Body::empty())
        .unwrap();
    assert_eq!(send(&s, wrong_cookie).0.status(), StatusCode::FORBIDDEN);
    let wrong_bearer = Request::builder()
        .method("POST")
        .uri("/api/draft")
        .header(header::HOST, HOST)
        .header(header::AUTHORIZATION, "Bearer nope")
        .body(Body::from("schema = 1"))
        .unwrap();
    assert_eq!(send(&s, wrong_bearer).0.status(), StatusCode::FORBIDDEN);
    // The printed token works as a bearer token, for scripts.
    let bearer = Request::builder()
        .method("POST")
        .uri("/api/draft")
        .header(header::HOST, HOST)
        .header(header::AUTHORIZATION, format!("Bearer {TOKEN}"))
        .body(Body::from(example("her2-out-of-network")))
        .unwrap();
    assert_eq!(send(&s, bearer).0.status(), StatusCode::OK);
}

#[test]
fn a_host_other_than_loopback_and_this_port_is_misdirected() {
    let s = server();
    for host in [
        "evil.example:4567",
        "evil.example",
        "127.0.0.1:80",
        "127.0.0.1",
        "localhost.evil.example:4567",
        "",
    ] {
        let mut request = page("GET", "/", Body::empty());
        request.headers_mut().insert(header::HOST, host.parse().unwrap());
        let (response, _) = send(&s, request);
        assert_eq!(response.status(), StatusCode::MISDIRECTED_REQUEST, "{host:?}");
        assert_secure_headers(&response);
    }
    for host in ["localhost:4567", "[::1]:4567", "LOCALHOST:4567"] {
        let mut request = page("GET", "/", Body::empty());
        request.headers_mut().insert(header::HOST, host.parse().unwrap());
        assert_eq!(send(&s, request).0.status(), StatusCode::OK, "{host}");
    }
}

#[test]
fn a_cross_origin_request_that_changes_anything_is_refused() {
    let s = server();
    for origin in [
        "http://evil.example",
        "null",
        "http://127.0.0.1:4568",
        "https://127.0.0.1:4567",
    ] {
        for (method, uri) in [
            ("POST", "/api/draft"),
            ("PUT", "/api/cases/x"),
            ("POST", "/api/pdf"),
            ("POST", "/api/docx"),
        ] {
            let mut request = page(method, uri, example("her2-out-of-network"));
            request
                .headers_mut()
                .insert(header::ORIGIN, origin.parse().unwrap());
            let (response, _) = send(&s, request);
            assert_eq!(
                response.status(),
                StatusCode::FORBIDDEN,
                "{method} {uri} from {origin}"
            );
        }
    }
    let mut request = page("PUT", "/api/cases/x", "schema = 1");
    request.headers_mut().remove(header::ORIGIN);
    request
        .headers_mut()
        .insert("sec-fetch-site", "cross-site".parse().unwrap());
    assert_eq!(send(&s, request).0.status(), StatusCode::FORBIDDEN);
    assert!(!s.dir.path().join("cases/x.toml").exists(), "nothing was saved");
}

#[test]
fn a_body_over_the_case_file_cap_is_refused() {
    let s = server();
    let big = "#".repeat(appeal::input::CASE_LIMIT as usize + 1);
    for (method, uri) in [("POST", "/api/draft"), ("PUT", "/api/cases/big")] {
        let (response, _) = send(&s, page(method, uri, big.clone()));
        assert_eq!(response.status(), StatusCode::PAYLOAD_TOO_LARGE, "{uri}");
    }
    assert!(!s.dir.path().join("cases/big.toml").exists());
}

#[test]
fn case_names_cannot_leave_the_folder() {
    let s = server();
    for name in [
        "..",
        "..%2F..%2Fetc%2Fpasswd",
        ".hidden",
        "a%2Fb",
        "a%5Cb",
        "x%00y",
        "%2E%2E",
    ] {
        for method in ["GET", "PUT"] {
            let (response, _) = send(&s, page(method, &format!("/api/cases/{name}"), "schema = 1"));
            assert!(
                matches!(response.status(), StatusCode::BAD_REQUEST | StatusCode::NOT_FOUND),
                "{method} {name}: {}",
                response.status()
            );
        }
    }
    let outside: Vec<_> = std::fs::read_dir(s.dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert!(outside.iter().all(|n| n == "cases"), "{outside:?}");
}

#[test]
fn a_case_saves_owner_only_and_reads_back() {
    use std::os::unix::fs::PermissionsExt;
    let s = server();
    let case = example("ppo-second-opinion");
    let (response, _) = send(&s, page("PUT", "/api/cases/Jane%20Doe", case.clone()));
    assert_eq!(response.status(), StatusCode::NO_CONTENT);
    let file = s.dir.path().join("cases/Jane Doe.toml");
    assert_eq!(std::fs::read_to_string(&file).unwrap(), case);
    assert_eq!(
        std::fs::metadata(&file).unwrap().permissions().mode() & 0o777,
        0o600
    );
    assert_eq!(
        std::fs::metadata(s.dir.path().join("cases"))
            .unwrap()
            .permissions()
            .mode()
            & 0o777,
        0o700
    );
    let (response, body) = send(&s, page("GET", "/api/cases/Jane%20Doe", Body::empty()));
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(text(&body), case);
    assert_eq!(response.headers()[header::CACHE_CONTROL], "no-store");
    let (_, body) = send(&s, page("GET", "/api/cases", Body::empty()));
    assert_eq!(json(&body)[0]["name"], "Jane Doe");
    let (response, _) = send(&s, page("GET", "/api/cases/nobody", Body::empty()));
    assert_eq!(response.status(), StatusCode::NOT_FOUND);
}

#[test]
fn draft_gives_the_letter_render_writes_with_every_report() {
    let s = server();
    let case = example("her2-out-of-network");
    let (response, body) = send(&s, page("POST", "/api/draft", case.clone()));
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(response.headers()[header::CACHE_CONTROL], "no-store");
    let answer = json(&body);
    assert_eq!(answer["format"], 1);
    assert_eq!(answer["drafted"], true);
    assert_eq!(answer["kind"], "appeal");
    // The same Markdown `appeal render` writes for this case.
    let env = common::TestEnv::new();
    env.run([
        "render",
        "examples/her2-out-of-network.toml",
        "--format",
        "md",
        "-o",
        "[ROOT]",
    ])
    .success();
    let rendered = std::fs::read_to_string(env.path().join("her2-out-of-network.md")).unwrap();
    assert_eq!(answer["markdown"].as_str().unwrap(), rendered);
    let html = answer["html"].as_str().unwrap();
    assert!(html.contains("<h2>") || html.contains("<p>"), "{html}");
    assert!(!html.contains("+++"), "front matter left out");
    assert!(
        answer["explain"]["blocks"]
            .as_array()
            .unwrap()
            .iter()
            .any(|b| b["selected"] == true)
    );
    assert_eq!(answer["check"]["format"], 1);
    let deadlines = answer["deadlines"]["items"].as_array().unwrap();
    assert!(
        deadlines
            .iter()
            .all(|d| !d["citation"].as_str().unwrap().is_empty())
    );
    for p in answer["problems"].as_array().unwrap() {
        for key in ["line", "column", "field", "message", "hint", "severity"] {
            assert!(p.get(key).is_some(), "{key} in {p}");
        }
    }
}

#[test]
fn draft_puts_a_bad_value_at_its_field() {
    let s = server();
    let case = example("her2-out-of-network").replacen(
        "date_of_birth = 1990-04-17",
        "date_of_birth = \"11/02/1980\"",
        1,
    );
    let (response, body) = send(&s, page("POST", "/api/draft", case.clone()));
    assert_eq!(response.status(), StatusCode::OK);
    let answer = json(&body);
    assert_eq!(answer["drafted"], false);
    let problem = &answer["problems"][0];
    assert_eq!(problem["field"], "patient.date_of_birth", "{answer}");
    let line = case.lines().position(|l| l.starts_with("date_of_birth")).unwrap() + 1;
    assert_eq!(problem["line"], line);
    assert!(problem["column"].as_u64().unwrap() >= 1);
    assert!(
        problem["message"].as_str().unwrap().contains("1980-11-02"),
        "{problem}"
    );
}

#[test]
fn hostile_case_text_renders_literally() {
    let s = server();
    let case = example("her2-out-of-network");
    assert!(!case.contains("[statement]"));
    let hostile = "<script>alert(1)</script> <img src=x onerror=alert(2)> **bold** [link](javascript:alert(3)) {{ case }}";
    let case = format!("{case}\n[statement]\ntext = {}\n", toml_string(hostile));
    let (_, body) = send(&s, page("POST", "/api/draft", case));
    let answer = json(&body);
    assert_eq!(answer["drafted"], true, "{answer}");
    let html = answer["html"].as_str().unwrap();
    assert!(
        !html.contains("<script") && !html.contains("<img") && !html.contains("href"),
        "{html}"
    );
    assert!(!html.contains("<strong>bold</strong>"), "{html}");
    assert!(html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"), "{html}");
    assert!(html.contains("{{ case }}"), "{html}");
}

fn toml_string(s: &str) -> String {
    toml::Value::String(s.to_string()).to_string()
}

#[test]
fn pdf_packet_and_calendar_download() {
    let s = server();
    let case = example("her2-out-of-network");
    let (response, body) = send(&s, page("POST", "/api/pdf?name=jane", case.clone()));
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(response.headers()[header::CONTENT_TYPE], "application/pdf");
    assert_eq!(
        response.headers()[header::CONTENT_DISPOSITION],
        "attachment; filename=\"jane.pdf\""
    );
    assert!(body.starts_with(b"%PDF-"));
    let pdf = lopdf::Document::load_mem(&body).unwrap();
    assert!(pdf.get_pages().len() >= 2);

    // The Word document: the same letter, as `appeal render --format docx` writes it.
    let (response, body) = send(&s, page("POST", "/api/docx?name=jane", case.clone()));
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(
        response.headers()[header::CONTENT_DISPOSITION],
        "attachment; filename=\"jane.docx\""
    );
    let mut docx = zip::ZipArchive::new(std::io::Cursor::new(body)).unwrap();
    let mut document = String::new();
    docx.by_name("word/document.xml")
        .unwrap()
        .read_to_string(&mut document)
        .unwrap();
    assert!(
        document.contains("Maria Lopez"),
        "the patient's name is in the Word letter"
    );

    let (response, body) = send(&s, page("POST", "/api/packet?name=jane", case.clone()));
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(response.headers()[header::CONTENT_TYPE], "application/zip");
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(body)).unwrap();
    let names: Vec<String> = zip.file_names().map(|n| n.to_string()).collect();
    for expected in [
        "jane.pdf",
        "jane.md",
        "jane-next-steps.pdf",
        "jane-claim-file-request.pdf",
    ] {
        assert!(names.contains(&expected.to_string()), "{expected} in {names:?}");
    }
    let mut md = String::new();
    zip.by_name("jane.md").unwrap().read_to_string(&mut md).unwrap();
    assert!(md.starts_with("+++"));

    let (response, body) = send(&s, page("POST", "/api/ics?name=jane", case.clone()));
    assert_eq!(response.status(), StatusCode::OK);
    assert!(
        response.headers()[header::CONTENT_TYPE]
            .to_str()
            .unwrap()
            .starts_with("text/calendar")
    );
    let ics = text(&body);
    assert!(
        ics.starts_with("BEGIN:VCALENDAR") && ics.contains("BEGIN:VEVENT"),
        "{ics}"
    );

    // A case that does not read: 422 with the problems, no file.
    let (response, body) = send(&s, page("POST", "/api/pdf", "schema = 1\n[sender]\n"));
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(!json(&body)["problems"].as_array().unwrap().is_empty());
}

#[test]
fn opening_a_file_gives_its_values_for_the_form() {
    let s = server();
    let case = format!("{}\n[extra]\nthing = 1\n", example("her2-out-of-network"));
    let (response, body) = send(&s, page("POST", "/api/open", case));
    assert_eq!(response.status(), StatusCode::OK);
    let opened = json(&body);
    assert_eq!(opened["values"]["denial"]["date"], "2026-11-02", "{opened}");
    assert!(
        opened["left_out"]
            .as_array()
            .unwrap()
            .contains(&"extra.thing".into()),
        "{opened}"
    );
    let (_, body) = send(&s, page("POST", "/api/open", "this is not = = toml"));
    let opened = json(&body);
    assert!(opened["values"].is_null());
    assert!(!opened["problems"].as_array().unwrap().is_empty());
}

#[test]
fn examples_are_listed_and_served() {
    let s = server();
    let (_, body) = send(&s, page("GET", "/api/examples", Body::empty()));
    let list = json(&body);
    assert!(
        list.as_array()
            .unwrap()
            .iter()
            .any(|e| e["name"] == "her2-out-of-network")
    );
    let (response, body) = send(
        &s,
        page("GET", "/api/examples/her2-out-of-network", Body::empty()),
    );
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(text(&body), example("her2-out-of-network"));
    let (response, _) = send(&s, page("GET", "/api/examples/nope", Body::empty()));
    assert_eq!(response.status(), StatusCode::NOT_FOUND);
}

/// The binary listens on loopback, prints the link, and answers it once.
#[test]
fn the_binary_prints_a_one_time_loopback_link() {
    let dir = tempfile::tempdir().unwrap();
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_appeal"))
        .args(["serve", "--no-open", "--port", "0", "--dir"])
        .arg(dir.path().join("cases"))
        .env("SOURCE_DATE_EPOCH", common::EPOCH)
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let mut stdout = child.stdout.take().unwrap();
    let mut first = Vec::new();
    let mut byte = [0u8; 1];
    while stdout.read(&mut byte).unwrap() == 1 && byte[0] != b'\n' {
        first.push(byte[0]);
    }
    let line = String::from_utf8(first).unwrap();
    let result = std::panic::catch_unwind(|| {
        let link = line
            .strip_prefix("appeal is running at ")
            .unwrap_or_else(|| panic!("{line}"));
        let rest = link
            .strip_prefix("http://127.0.0.1:")
            .unwrap_or_else(|| panic!("{link}"));
        let (port, query) = rest.split_once('/').unwrap();
        let token = query.strip_prefix("?token=").unwrap();
        assert_eq!(token.len(), 64);
        let get = |path: &str| {
            let mut stream =
                std::net::TcpStream::connect(("127.0.0.1", port.parse::<u16>().unwrap())).unwrap();
            write!(
                stream,
                "GET {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nConnection: close\r\n\r\n"
            )
            .unwrap();
            let mut answer = String::new();
            stream.read_to_string(&mut answer).unwrap();
            answer
        };
        let first = get(&format!("/?token={token}"));
        assert!(first.starts_with("HTTP/1.1 303"), "{first}");
        assert!(first.contains("HttpOnly; SameSite=Strict"), "{first}");
        let again = get(&format!("/?token={token}"));
        assert!(again.starts_with("HTTP/1.1 403"), "{again}");
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(dir.path().join("cases"))
            .unwrap()
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o700);
    });
    let _ = child.kill();
    let _ = child.wait();
    if let Err(panic) = result {
        std::panic::resume_unwind(panic);
    }
}
