//! Snapshots of every example's letters (each kind the packet writes) and cover sheet.
//!
//! A change to a template, block or reference shows up here as a reviewable diff. Update with
//! `cargo insta review` (or `INSTA_UPDATE=always cargo test --test golden`) after reading it.

mod common;

use common::{TestEnv, files_in, root};

#[test]
fn example_letters_match_their_snapshots() {
    let examples: Vec<String> = files_in(&root().join("examples"))
        .into_iter()
        .filter(|f| f.ends_with(".toml"))
        .collect();
    assert!(examples.len() >= 4);
    for example in examples {
        let env = TestEnv::new();
        env.packet_md(&format!("examples/{example}"));
        for file in env.files("") {
            insta::assert_snapshot!(file.trim_end_matches(".md").to_string(), env.read(&file));
        }
    }
}

/// One letter per argument block added in the evidence work (`tests/cases/blocks/`), so a
/// change to any of them shows up as a reviewable diff too.
#[test]
fn each_new_blocks_letter_matches_its_snapshot() {
    let cases: Vec<String> = files_in(&root().join("tests/cases/blocks"))
        .into_iter()
        .filter(|f| f.ends_with(".toml"))
        .collect();
    assert!(cases.len() >= 9);
    for case in cases {
        let env = TestEnv::new();
        let stem = case.trim_end_matches(".toml");
        env.render_md(&format!("tests/cases/blocks/{case}"), &[])
            .success();
        insta::assert_snapshot!(format!("block-{stem}"), env.read(&format!("{stem}.md")));
    }
}

/// The complaint and next-level letters (`tests/cases/kinds/`), with their next-steps sheets:
/// who they go to, under four regulations and three voices.
#[test]
fn each_kinds_letter_matches_its_snapshot() {
    let cases: Vec<String> = files_in(&root().join("tests/cases/kinds"))
        .into_iter()
        .filter(|f| f.ends_with(".toml"))
        .collect();
    assert!(cases.len() >= 4);
    for case in cases {
        let env = TestEnv::new();
        let stem = case.trim_end_matches(".toml");
        env.render_md(&format!("tests/cases/kinds/{case}"), &[]).success();
        insta::assert_snapshot!(format!("kind-{stem}"), env.read(&format!("{stem}.md")));
        insta::assert_snapshot!(
            format!("kind-{stem}-next-steps"),
            env.read(&format!("{stem}-next-steps.md"))
        );
    }
}
