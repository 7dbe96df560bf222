//! `appeal serve`'s draft endpoint in process: `POST /api/draft` with the five-page example
//! (`her2-out-of-network`: the letter is five pages), through the whole router (guard, headers,
//! body limit), as the page's preview asks for it on every edit.

use std::sync::Arc;

use appeal::serve::security::Secrets;
use appeal::serve::{App, Settings, router};
use appeal::workspace::{Sources, Workspace};
use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use criterion::{Criterion, criterion_group, criterion_main};
use http_body_util::BodyExt;
use tower::ServiceExt;

/// The allocator the `appeal` binary uses.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

const CASE: &str = include_str!("../examples/her2-out-of-network.toml");
const SESSION: &str = "fedcba9876543210fedcba9876543210fedcba9876543210fedcba9876543210";

fn draft(c: &mut Criterion) {
    let dir = tempfile::tempdir().unwrap();
    let app = App::new(
        Workspace::load(&Sources::default()).unwrap(),
        Settings {
            port: 4567,
            dir: dir.path().to_path_buf(),
            secrets: Secrets::new("0".repeat(64), SESSION.into()),
            today: Arc::new(|| jiff::civil::date(2026, 11, 19)),
            descriptions: appeal::serve::schema_descriptions(),
            defaults: Default::default(),
        },
    )
    .unwrap();
    let app = Arc::new(app);
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let request = || {
        Request::builder()
            .method("POST")
            .uri("/api/draft")
            .header(header::HOST, "127.0.0.1:4567")
            .header(header::COOKIE, format!("appeal_session={SESSION}"))
            .body(Body::from(CASE))
            .unwrap()
    };
    c.bench_function("api_draft_five_page_letter", |b| {
        b.iter(|| {
            runtime.block_on(async {
                let response = router(app.clone()).oneshot(request()).await.unwrap();
                assert_eq!(response.status(), StatusCode::OK);
                response.into_body().collect().await.unwrap().to_bytes()
            })
        })
    });
}

criterion_group! {
    name = benches;
    config = Criterion::default().sample_size(50);
    targets = draft
}
criterion_main!(benches);
