//! Benchmarks typesetting a realistic three-page appeal letter with 15 references.

use std::hint::black_box;

use appeal::render::pdf::{PdfOptions, pdf};
use criterion::{Criterion, criterion_group, criterion_main};

/// The allocator the `appeal` binary uses.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

const LETTER: &str = include_str!("fixtures/three-page-letter.md");

fn typeset(c: &mut Criterion) {
    let options = PdfOptions::default();
    c.bench_function("typeset three-page letter", |b| {
        b.iter(|| pdf(black_box(LETTER), black_box(&options)))
    });
}

criterion_group!(benches, typeset);
criterion_main!(benches);
