//! Pipeline benchmarks: one letter to Markdown, one letter to PDF, and a batch of 1,000 generated
//! cases (Markdown + PDF) rendered in parallel as `appeal batch` does.
//!
//! The cases are generated in memory from the bundled examples by varying names, dates, member
//! IDs and treatment histories; nothing large is committed.

use std::hint::black_box;

use appeal::case::Case;
use appeal::plan::PlanOptions;
use appeal::render::pdf::{PdfOptions, pdf};
use appeal::workspace::{DraftOptions, Sources, Workspace};
use criterion::{Criterion, criterion_group, criterion_main};
use rayon::prelude::*;

/// The allocator the `appeal` binary uses.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

const EXAMPLES: [&str; 4] = [
    include_str!("../examples/her2-out-of-network.toml"),
    include_str!("../examples/sarcoma-center-referral.toml"),
    include_str!("../examples/her2-non-preferred-drug.toml"),
    include_str!("../examples/ppo-second-opinion.toml"),
];

fn options() -> DraftOptions {
    DraftOptions {
        plan: PlanOptions::default(),
        today: jiff::civil::date(2026, 11, 19),
    }
}

/// Given and family names with varied letters (and some accents), so that generated letters
/// do not all use the same characters, as real ones do not.
const GIVEN: [&str; 12] = [
    "Ana",
    "Bartholomew",
    "Chiamaka",
    "Dmitri",
    "Éloïse",
    "Fatima",
    "Giovanni",
    "Hiroshi",
    "Ingrid",
    "José",
    "Kwame",
    "Zuzanna",
];
const FAMILY: [&str; 11] = [
    "Quigley",
    "Nakamura",
    "Oyelaran",
    "Van der Berg",
    "Øvergaard",
    "Jablonski",
    "Xu",
    "McAllister",
    "Fitzgerald-Yoon",
    "Papadopoulos",
    "Dvořák",
];

/// `n` synthetic cases: the examples with varied patient names, dates and therefore letter
/// dates, deadlines and characters.
fn generate(n: usize) -> Vec<Case> {
    (0..n)
        .map(|i| {
            let base = EXAMPLES[i % EXAMPLES.len()];
            let name = format!("{} {}", GIVEN[i % GIVEN.len()], FAMILY[(i / 4) % FAMILY.len()]);
            let text = base
                .replace("Maria Lopez", &name)
                .replace("Daniel Okafor", &name)
                .replace("Susan Kim", &name)
                .replace("Robert Chen", &name)
                .replace("2026-11-02", &format!("2026-{:02}-{:02}", 1 + i % 10, 1 + i % 28));
            Case::parse(&format!("case-{i}.toml"), &text).expect("generated case parses")
        })
        .collect()
}

fn bench(c: &mut Criterion) {
    let workspace = Workspace::load(&Sources::default()).expect("bundled data loads");
    let case = Case::parse("her2.toml", EXAMPLES[0]).unwrap();
    let pdf_options = PdfOptions {
        source_name: "her2.md".into(),
        ..PdfOptions::default()
    };

    c.bench_function("one letter to markdown", |b| {
        b.iter(|| black_box(workspace.draft(black_box(&case), options()).unwrap().markdown))
    });

    let markdown = workspace.draft(&case, options()).unwrap().markdown;
    c.bench_function("one letter markdown to pdf", |b| {
        b.iter(|| black_box(pdf(black_box(&markdown), &pdf_options).unwrap()))
    });

    let cases = generate(1000);
    let mut group = c.benchmark_group("batch");
    group.sample_size(10);
    group.bench_function("1000 cases to markdown and pdf", |b| {
        b.iter(|| {
            let bytes: usize = cases
                .par_iter()
                .map(|case| {
                    let draft = workspace.draft(case, options()).unwrap();
                    let pdf = pdf(&draft.markdown, &pdf_options).unwrap();
                    draft.markdown.len() + pdf.len()
                })
                .sum();
            black_box(bytes)
        })
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
