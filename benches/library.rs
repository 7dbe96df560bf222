//! Benchmark: `Library::load` (parse + clean + index) on a generated 10,000-entry library, and
//! on a pathological one of 10,000 broken entries (issue 11: locating each broken entry from
//! the top of the file made 20,000 of them take 4.6 s).
//!
//! The library is generated in memory (nothing large is committed). Entries mix what the cleaning
//! layer has to handle: accents, a particle, a corporate author, `@string` macros, month macros,
//! `--` page ranges and case-protecting braces.

use std::fmt::Write as _;
use std::hint::black_box;

use appeal::library::{BibSource, Library};
use criterion::{Criterion, criterion_group, criterion_main};

/// The allocator the `appeal` binary uses.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// A BibTeX text with `n` article entries.
fn generate(n: usize) -> String {
    let mut s = String::with_capacity(n * 520);
    s.push_str("@string{jso = {Journal of Surgical Oncology}}\n@string{nejm = {New England Journal of Medicine}}\n\n");
    let months = [
        "jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec",
    ];
    for i in 0..n {
        let journal = if i % 2 == 0 { "jso" } else { "nejm" };
        let _ = write!(
            s,
            "@article{{gen{i:05},\n  author   = {{M{{\\\"u}}ller, J{{\\\"o}}rg and van de Putte, L. B. A. and Smith, John {i} and {{National Comprehensive Cancer Network}}}},\n  title    = {{Generated entry {i} on {{NCCN}} soft-tissue sarcoma referral \\& outcomes}},\n  journal  = {journal},\n  year     = {{{}}},\n  month    = {},\n  volume   = {{{}}},\n  number   = {{{}}},\n  pages    = {{{}--{}}},\n  doi      = {{10.5555/gen.{i}}},\n  pmid     = {{{}}},\n  keywords = {{sarcoma-center, referral-delay}},\n  verification = {{verified}}\n}}\n\n",
            1990 + i % 35,
            months[i % 12],
            1 + i % 60,
            1 + i % 12,
            100 + i % 900,
            110 + i % 900,
            10_000_000 + i,
        );
    }
    s
}

fn bench_load(c: &mut Criterion) {
    let sources = vec![BibSource::new("generated.bib", generate(10_000))];
    let (lib, diags) = Library::load(&sources);
    assert_eq!(lib.entries().len(), 10_000);
    assert!(diags.is_empty(), "{diags:?}");
    let mut group = c.benchmark_group("library");
    group.sample_size(30);
    let text = sources[0].text.as_str();
    group.bench_function("bibtex_parser_only_10000_entries", |b| {
        b.iter_with_large_drop(|| {
            bibtex_parser::Parser::new()
                .tolerant()
                .capture_source()
                .parse(black_box(text))
        })
    });
    group.bench_function("load_10000_entries", |b| {
        b.iter_with_large_drop(|| Library::load(black_box(&sources)))
    });
    group.finish();
}

fn bench_broken(c: &mut Criterion) {
    let text: String = (0..10_000)
        .map(|i| format!("@article{{k{i}, title = {{x}}, year = 2020 stray words\n"))
        .collect();
    let sources = vec![BibSource::new("broken.bib", text)];
    let (_, diags) = Library::load(&sources);
    assert_eq!(diags.len(), 10_000);
    let mut group = c.benchmark_group("pathological");
    group.sample_size(10);
    group.bench_function("load_10000_broken_entries", |b| {
        b.iter_with_large_drop(|| Library::load(black_box(&sources)))
    });
    group.finish();
}

criterion_group!(benches, bench_load, bench_broken);
criterion_main!(benches);
