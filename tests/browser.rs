//! `appeal serve` in a real browser: Chromium driven over WebDriver (chromedriver).
//!
//! Opens the page from the printed link, loads an example, edits a field and sees the preview
//! change, saves the case file and renders it with `appeal render`, downloads the PDF and reads
//! it with `pdftotext`, enters a bad value and sees the message at the field, uses the form with
//! the keyboard, and runs axe-core (0 serious or critical violations). A screenshot of each step
//! is saved in `target/browser/`.
//!
//! Needs `chromium`, `chromedriver`, `pdftotext` and `tests/browser/node_modules/axe-core`
//! (`npm ci` there). When one is missing the test says so loudly and passes, unless
//! `APPEAL_BROWSER_TEST=required` (set by `.ci/run`), which makes it fail instead.

mod common;

use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use fantoccini::actions::{InputSource, KeyAction, KeyActions};
use fantoccini::key::Key;
use fantoccini::{Client, ClientBuilder, Locator};
use serde_json::json;

/// A child process killed when dropped.
struct Running(Child);

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// The first of `names` found on `PATH` or as a path, or the value of `var`.
fn program(var: &str, names: &[&str]) -> Option<PathBuf> {
    if let Ok(p) = std::env::var(var) {
        return Some(PathBuf::from(p));
    }
    let path = std::env::var_os("PATH").unwrap_or_default();
    for name in names {
        for dir in std::env::split_paths(&path) {
            let candidate = dir.join(name);
            if candidate.is_file() {
                return Some(candidate);
            }
        }
    }
    None
}

fn axe_path() -> PathBuf {
    common::root().join("tests/browser/node_modules/axe-core/axe.min.js")
}

/// What is missing to run the test, if anything.
fn missing() -> Vec<&'static str> {
    let mut missing = Vec::new();
    if program(
        "APPEAL_CHROMIUM",
        &["chromium", "chromium-browser", "google-chrome"],
    )
    .is_none()
    {
        missing.push("chromium");
    }
    if program("APPEAL_CHROMEDRIVER", &["chromedriver"]).is_none() {
        missing.push("chromedriver");
    }
    if program("APPEAL_PDFTOTEXT", &["pdftotext"]).is_none() {
        missing.push("pdftotext (poppler-utils)");
    }
    if !axe_path().is_file() {
        missing.push("axe-core (run `npm ci` in tests/browser)");
    }
    missing
}

/// Where screenshots and the axe report go: `target/browser/`.
fn artifacts() -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR"))
        .parent()
        .expect("the target folder")
        .join("browser");
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn free_port() -> u16 {
    std::net::TcpListener::bind(("127.0.0.1", 0))
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// Starts `appeal serve` and returns it with the link it printed.
fn start_server(dir: &Path) -> (Running, String) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_appeal"))
        .args(["serve", "--no-open", "--port", "0", "--dir"])
        .arg(dir)
        .env("SOURCE_DATE_EPOCH", common::EPOCH)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut stdout = child.stdout.take().unwrap();
    let running = Running(child);
    let mut line = Vec::new();
    let mut byte = [0u8; 1];
    while stdout.read(&mut byte).unwrap() == 1 && byte[0] != b'\n' {
        line.push(byte[0]);
    }
    let line = String::from_utf8(line).unwrap();
    let link = line
        .strip_prefix("appeal is running at ")
        .unwrap_or_else(|| panic!("unexpected first line: {line}"))
        .to_string();
    (running, link)
}

fn start_driver(port: u16) -> Running {
    let driver = program("APPEAL_CHROMEDRIVER", &["chromedriver"]).unwrap();
    let child = Command::new(driver)
        .arg(format!("--port={port}"))
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let running = Running(child);
    let start = Instant::now();
    while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(
            start.elapsed() < Duration::from_secs(30),
            "chromedriver did not start"
        );
        std::thread::sleep(Duration::from_millis(100));
    }
    running
}

/// Polls a script returning a boolean until it is true.
async fn wait_for(client: &Client, what: &str, script: &str, args: Vec<serde_json::Value>) {
    let start = Instant::now();
    loop {
        let value = client.execute(script, args.clone()).await.unwrap();
        if value == json!(true) {
            return;
        }
        if start.elapsed() > Duration::from_secs(60) {
            let status = client
                .execute(
                    "return document.getElementById('preview-status').textContent",
                    vec![],
                )
                .await
                .unwrap();
            panic!("timed out waiting for {what} (status: {status})");
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// Waits for a file ending in `suffix` to finish downloading into `dir`.
async fn downloaded(dir: &Path, suffix: &str) -> PathBuf {
    let start = Instant::now();
    loop {
        if let Some(found) = std::fs::read_dir(dir)
            .unwrap()
            .filter_map(Result::ok)
            .map(|e| e.path())
            .find(|p| p.to_string_lossy().ends_with(suffix))
        {
            return found;
        }
        assert!(
            start.elapsed() < Duration::from_secs(60),
            "no {suffix} was downloaded"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

async fn screenshot(client: &Client, name: &str) {
    let png = client.screenshot().await.unwrap();
    std::fs::write(artifacts().join(format!("{name}.png")), png).unwrap();
}

async fn set_field(client: &Client, id: &str, value: &str) {
    let input = client.find(Locator::Id(id)).await.unwrap();
    input.clear().await.unwrap();
    input.send_keys(value).await.unwrap();
}

/// Runs axe-core on the page; returns the serious and critical violations.
async fn axe(client: &Client, step: &str) -> Vec<serde_json::Value> {
    let source = std::fs::read_to_string(axe_path()).unwrap();
    client.execute(&source, vec![]).await.unwrap();
    let result = client
        .execute_async(
            "const done = arguments[arguments.length - 1];\
             axe.run(document, { resultTypes: ['violations'] }).then(r => done(r.violations), e => done(String(e)));",
            vec![],
        )
        .await
        .unwrap();
    std::fs::write(
        artifacts().join(format!("axe-{step}.json")),
        serde_json::to_string_pretty(&result).unwrap(),
    )
    .unwrap();
    let violations = result
        .as_array()
        .unwrap_or_else(|| panic!("axe failed: {result}"));
    violations
        .iter()
        .filter(|v| matches!(v["impact"].as_str(), Some("serious" | "critical")))
        .cloned()
        .collect()
}

#[test]
fn the_web_app_works_in_a_real_browser() {
    let missing = missing();
    if !missing.is_empty() {
        let message = format!(
            "the browser test needs {}; install them (`apt-get install chromium chromium-driver poppler-utils`, `npm ci` in tests/browser)",
            missing.join(", ")
        );
        if std::env::var("APPEAL_BROWSER_TEST").as_deref() == Ok("required") {
            panic!("{message}");
        }
        eprintln!(
            "\n==================== SKIPPED ====================\n{message}\n=================================================\n"
        );
        return;
    }
    let work = tempfile::tempdir().unwrap();
    let downloads = work.path().join("downloads");
    std::fs::create_dir_all(&downloads).unwrap();
    let (_server, link) = start_server(&work.path().join("cases"));
    let port = free_port();
    let _driver = start_driver(port);
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    runtime.block_on(drive(port, &link, &downloads));
}

async fn drive(port: u16, link: &str, downloads: &Path) {
    let chromium = program(
        "APPEAL_CHROMIUM",
        &["chromium", "chromium-browser", "google-chrome"],
    )
    .unwrap();
    let mut caps = serde_json::Map::new();
    caps.insert(
        "goog:chromeOptions".into(),
        json!({
            "binary": chromium,
            "args": [
                "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--window-size=1400,1100", "--no-first-run", "--disable-background-networking",
                "--disable-component-update", "--disable-sync", "--lang=en-US"
            ],
            "prefs": {
                "download.default_directory": downloads,
                "download.prompt_for_download": false,
                "download.directory_upgrade": true,
                "safebrowsing.enabled": false
            }
        }),
    );
    let client = ClientBuilder::new(hyper_util::client::legacy::connect::HttpConnector::new())
        .capabilities(caps)
        .connect(&format!("http://127.0.0.1:{port}"))
        .await
        .expect("chromedriver session");
    let result = steps(&client, link, downloads).await;
    let _ = client.close().await;
    result
}

async fn steps(client: &Client, link: &str, downloads: &Path) {
    // 1. The link: exchanged for the cookie, then the page without the token.
    client.goto(link).await.unwrap();
    let url = client.current_url().await.unwrap();
    assert!(
        !url.as_str().contains("token"),
        "the token left the address bar: {url}"
    );
    wait_for(
        client,
        "the page's first preview",
        "return document.getElementById('problems').children.length > 0",
        vec![],
    )
    .await;
    let note = client
        .find(Locator::Id("signer-note"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(note.contains("The tool drafts; the signer decides."), "{note}");
    screenshot(client, "01-page").await;

    // 2. Load an example: the letter appears.
    let select = client.find(Locator::Id("example")).await.unwrap();
    select.select_by_value("her2-out-of-network").await.unwrap();
    client
        .find(Locator::Id("load-example"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    wait_for(
        client,
        "the example's letter",
        "return document.getElementById('letter').textContent.length > 500",
        vec![],
    )
    .await;
    screenshot(client, "02-example").await;
    let violations = axe(client, "example").await;
    assert!(
        violations.is_empty(),
        "axe: {}",
        serde_json::to_string_pretty(&violations).unwrap()
    );

    // 3. Edit a field: the preview follows.
    set_field(client, "patient-name", "Zelda Quist").await;
    wait_for(
        client,
        "the new name in the letter",
        "return document.getElementById('letter').textContent.includes('Zelda Quist')",
        vec![],
    )
    .await;
    screenshot(client, "03-edited").await;

    // 4. Save the case file: `appeal render` reads it unchanged.
    client
        .find(Locator::Id("save-file"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    let toml = downloaded(downloads, ".toml").await;
    let out = tempfile::tempdir().unwrap();
    let render = Command::new(env!("CARGO_BIN_EXE_appeal"))
        .arg("render")
        .arg(&toml)
        .args(["--format", "md", "-o"])
        .arg(out.path())
        .env("SOURCE_DATE_EPOCH", common::EPOCH)
        .output()
        .unwrap();
    assert!(
        render.status.success(),
        "{}",
        String::from_utf8_lossy(&render.stderr)
    );
    let stem = toml.file_stem().unwrap().to_string_lossy().to_string();
    let markdown = std::fs::read_to_string(out.path().join(format!("{stem}.md"))).unwrap();
    assert!(markdown.contains("Zelda Quist"));

    // 5. Download the PDF: it says what the preview says.
    client
        .find(Locator::Css("[data-download='pdf']"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    let pdf = downloaded(downloads, ".pdf").await;
    tokio::time::sleep(Duration::from_millis(300)).await;
    let text = Command::new(program("APPEAL_PDFTOTEXT", &["pdftotext"]).unwrap())
        .arg(&pdf)
        .arg("-")
        .output()
        .unwrap();
    assert!(text.status.success());
    let text = String::from_utf8_lossy(&text.stdout);
    assert!(text.contains("Zelda Quist"), "{text}");
    screenshot(client, "04-pdf").await;

    // 6. A bad value: the message appears at the field.
    client
        .execute("document.getElementById('section-who').open = true", vec![])
        .await
        .unwrap();
    set_field(client, "sender-npi", "123").await;
    wait_for(
        client,
        "the message at the NPI field",
        "const p = document.getElementById('sender-npi-problem'); return !p.hidden && p.textContent.length > 0",
        vec![],
    )
    .await;
    let input = client.find(Locator::Id("sender-npi")).await.unwrap();
    assert_eq!(input.attr("aria-invalid").await.unwrap().as_deref(), Some("true"));
    let message = client
        .find(Locator::Id("sender-npi-problem"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        message.to_lowercase().contains("npi") || message.contains("digit"),
        "{message}"
    );
    screenshot(client, "05-bad-value").await;
    let violations = axe(client, "bad-value").await;
    assert!(
        violations.is_empty(),
        "axe: {}",
        serde_json::to_string_pretty(&violations).unwrap()
    );
    set_field(client, "sender-npi", "").await;

    // 7. The keyboard: Tab reaches the skip link first; Enter on "Add a treatment" adds a row
    // and moves the focus into it.
    client
        .execute("document.activeElement.blur(); window.scrollTo(0, 0)", vec![])
        .await
        .unwrap();
    client
        .goto(client.current_url().await.unwrap().as_ref())
        .await
        .unwrap();
    let tab = KeyActions::new("keyboard".into())
        .then(KeyAction::Down {
            value: Key::Tab.into(),
        })
        .then(KeyAction::Up {
            value: Key::Tab.into(),
        });
    client.perform_actions(tab).await.unwrap();
    let focused = client.active_element().await.unwrap();
    assert_eq!(focused.attr("class").await.unwrap().as_deref(), Some("skip"));
    wait_for(
        client,
        "the reopened case",
        "return document.querySelectorAll('[data-rows=\"treatments\"] [data-row]').length > 0",
        vec![],
    )
    .await;
    let rows_before: u64 = client
        .execute(
            "return document.querySelectorAll('[data-rows=\"treatments\"] [data-row]').length",
            vec![],
        )
        .await
        .unwrap()
        .as_u64()
        .unwrap();
    let add = client
        .find(Locator::Css("[data-add='treatments']"))
        .await
        .unwrap();
    add.send_keys(&char::from(Key::Enter).to_string()).await.unwrap();
    let active = client
        .active_element()
        .await
        .unwrap()
        .attr("id")
        .await
        .unwrap()
        .unwrap_or_default();
    assert_eq!(
        active,
        format!("treatments-{rows_before}-name"),
        "focus moves into the new row"
    );
    screenshot(client, "06-keyboard").await;
}
