//! Every input size is bounded (issue 11): BibTeX nesting, macro chains and expansion, control
//! characters in BibTeX values, and the typesetter's long words. Pathological sizes that only
//! cost time are in `cargo bench`; these check the messages and that nothing crashes.

mod common;

use std::path::Path;

use common::appeal;
use predicates::prelude::*;

fn write(dir: &Path, name: &str, text: &str) -> String {
    let path = dir.join(name);
    std::fs::write(&path, text).unwrap();
    path.display().to_string()
}

#[test]
fn deep_braces_in_a_bib_field_are_a_positioned_error_not_a_crash() {
    let dir = tempfile::tempdir().unwrap();
    let text = format!(
        "@article{{k, title = {{{}x{}}}, year = {{2020}}}}\n",
        "{".repeat(100_000),
        "}".repeat(100_000)
    );
    let bib = write(dir.path(), "deep.bib", &text);
    appeal()
        .args(["refs", "check", &bib])
        .assert()
        .code(1)
        .stdout(predicate::str::contains(format!(
            "{bib}:1:121: braces nest more than 100 levels deep here, the limit for a BibTeX value; the file was not loaded"
        )));
    appeal()
        .args([
            "render",
            "examples/her2-out-of-network.toml",
            "--format",
            "md",
            "--library",
            &bib,
            "-o",
        ])
        .arg(dir.path().join("out"))
        .assert()
        .code(2)
        .stderr(predicate::str::contains("braces nest more than 100 levels"));
}

#[test]
fn a_long_chain_of_string_macros_is_a_positioned_error_not_a_crash() {
    let dir = tempfile::tempdir().unwrap();
    let mut text = String::from("@string{s0 = \"x\"}\n");
    for i in 1..20_000 {
        text.push_str(&format!("@string{{s{i} = s{}}}\n", i - 1));
    }
    text.push_str("@article{k, title = s19999, year = {2020}}\n");
    let bib = write(dir.path(), "chain.bib", &text);
    appeal()
        .args(["refs", "check", &bib])
        .assert()
        .code(1)
        .stdout(predicate::str::contains(format!(
            "{bib}:102:16: this value uses an @string macro defined through more than 100 other macros"
        )));
}

#[test]
fn doubling_string_macros_stop_at_the_value_limit() {
    let dir = tempfile::tempdir().unwrap();
    let mut text = String::from("@string{d0 = \"xxxxxxxx\"}\n");
    for i in 1..40 {
        text.push_str(&format!("@string{{d{i} = d{} # d{}}}\n", i - 1, i - 1));
    }
    text.push_str("@article{k, title = d39, year = {2020}}\n");
    let bib = write(dir.path(), "double.bib", &text);
    appeal()
        .args(["refs", "check", &bib])
        .assert()
        .code(1)
        .stdout(predicate::str::contains(format!(
            "{bib}:19:15: this value expands to more than 1 MB, the limit for one BibTeX value"
        )));
}

#[test]
fn a_control_character_in_a_bib_field_is_rejected_with_its_position() {
    let dir = tempfile::tempdir().unwrap();
    let bib = write(
        dir.path(),
        "nul.bib",
        "@article{k,\n  title = {a\u{0}b},\n  year = {2020}\n}\n",
    );
    appeal()
        .args(["refs", "check", &bib])
        .assert()
        .code(1)
        .stdout(predicate::str::contains(format!(
            "{bib}:2:13: a value contains the control character U+0000"
        )));
}

#[test]
fn a_200_000_character_word_is_typeset_whole() {
    let dir = tempfile::tempdir().unwrap();
    let md = write(
        dir.path(),
        "w.md",
        &format!("Dear plan,\n\n{}\n", "a".repeat(200_000)),
    );
    let pdf = dir.path().join("w.pdf");
    appeal().args(["pdf", &md, "-o"]).arg(&pdf).assert().success();
    let doc = lopdf::Document::load(&pdf).unwrap();
    assert!(doc.get_pages().len() > 40, "every line of the word is set");
}

#[test]
fn a_huge_unknown_key_is_echoed_cut_to_a_readable_length() {
    let dir = tempfile::tempdir().unwrap();
    let example = std::fs::read_to_string(common::root().join("examples/her2-out-of-network.toml")).unwrap();
    let key = "k".repeat(1_000_000);
    let case = write(
        dir.path(),
        "key.toml",
        &example.replacen("[letter]\n", &format!("[letter]\n{key} = 1\n"), 1),
    );
    let out = appeal()
        .args(["render", &case, "--format", "md", "-o"])
        .arg(dir.path().join("out"))
        .assert()
        .code(2)
        .get_output()
        .stderr
        .clone();
    let stderr = String::from_utf8(out).unwrap();
    assert!(stderr.len() < 1_000, "{} bytes", stderr.len());
    assert!(
        stderr.contains(&format!("unknown key `{}… (1000000 characters)`", "k".repeat(80))),
        "{stderr}"
    );
}

#[test]
fn many_broken_bib_entries_are_each_reported() {
    let dir = tempfile::tempdir().unwrap();
    let text: String = (0..20_000)
        .map(|i| format!("@article{{k{i}, title = {{x, year = 2020\n"))
        .collect();
    let bib = write(dir.path(), "broken.bib", &text);
    appeal().args(["refs", "check", &bib]).assert().code(1).stdout(
        predicate::str::contains(format!("{bib}:20000:1: broken entry skipped"))
            .and(predicate::str::contains("20000 problem(s) (20000 error(s)")),
    );
    let ats = write(dir.path(), "at.bib", &"@".repeat(200_000));
    appeal()
        .args(["refs", "check", &ats])
        .assert()
        .code(1)
        .stdout(predicate::str::contains(format!(
            "{ats}:1:1: broken entry skipped"
        )));
}
