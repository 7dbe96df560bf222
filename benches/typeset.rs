//! Benchmarks typesetting a realistic three-page appeal letter with 15 references, and a
//! pathological one: a single word of 1,000,000 characters (issue 11: line breaking must stay
//! linear; the quadratic breaker took 8.4 s for it).

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

fn long_word(c: &mut Criterion) {
    let options = PdfOptions::default();
    let letter = format!("Dear plan,\n\n{}\n", "a".repeat(1_000_000));
    let mut group = c.benchmark_group("pathological");
    group.sample_size(10);
    group.bench_function("typeset a 1,000,000-character word", |b| {
        b.iter(|| pdf(black_box(&letter), black_box(&options)))
    });
    group.finish();
}

criterion_group!(benches, typeset, long_word);
criterion_main!(benches);
