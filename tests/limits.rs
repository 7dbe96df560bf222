//! Every input size is bounded (issue 11): BibTeX nesting, macro chains and expansion, control
//! characters in BibTeX values, and the typesetter's long words. Pathological sizes that only
//! cost time are in `cargo bench`; these check the messages and that nothing crashes.

mod common;

use common::{Case, HER2, TestEnv};

/// Writes `text` at `name` in `env`; returns its path as text (as messages print it).
fn write(env: &TestEnv, name: &str, text: &str) -> String {
    env.write(name, text).display().to_string()
}

#[test]
fn deep_braces_in_a_bib_field_are_a_positioned_error_not_a_crash() {
    let env = TestEnv::new();
    let text = format!(
        "@article{{k, title = {{{}x{}}}, year = {{2020}}}}\n",
        "{".repeat(100_000),
        "}".repeat(100_000)
    );
    let bib = write(&env, "deep.bib", &text);
    env.run(["refs", "check", &bib]).code(1).stdout_has(format!(
        "{bib}:1:121: braces nest more than 100 levels deep here, the limit for a BibTeX value; the file was not loaded"
    ));
    env.run([
        "render",
        HER2,
        "--format",
        "md",
        "--library",
        &bib,
        "-o",
        "[ROOT]/out",
    ])
    .code(2)
    .stderr_has("braces nest more than 100 levels");
}

#[test]
fn a_long_chain_of_string_macros_is_a_positioned_error_not_a_crash() {
    let env = TestEnv::new();
    let mut text = String::from("@string{s0 = \"x\"}\n");
    for i in 1..20_000 {
        text.push_str(&format!("@string{{s{i} = s{}}}\n", i - 1));
    }
    text.push_str("@article{k, title = s19999, year = {2020}}\n");
    let bib = write(&env, "chain.bib", &text);
    env.run(["refs", "check", &bib]).code(1).stdout_has(format!(
        "{bib}:102:16: this value uses an @string macro defined through more than 100 other macros"
    ));
}

#[test]
fn doubling_string_macros_stop_at_the_value_limit() {
    let env = TestEnv::new();
    let mut text = String::from("@string{d0 = \"xxxxxxxx\"}\n");
    for i in 1..40 {
        text.push_str(&format!("@string{{d{i} = d{} # d{}}}\n", i - 1, i - 1));
    }
    text.push_str("@article{k, title = d39, year = {2020}}\n");
    let bib = write(&env, "double.bib", &text);
    env.run(["refs", "check", &bib]).code(1).stdout_has(format!(
        "{bib}:19:15: this value expands to more than 1 MB, the limit for one BibTeX value"
    ));
}

#[test]
fn a_control_character_in_a_bib_field_is_rejected_with_its_position() {
    let env = TestEnv::new();
    let bib = write(
        &env,
        "nul.bib",
        "@article{k,\n  title = {a\u{0}b},\n  year = {2020}\n}\n",
    );
    env.run(["refs", "check", &bib]).code(1).stdout_has(format!(
        "{bib}:2:13: a value contains the control character U+0000"
    ));
}

#[test]
fn a_200_000_character_word_is_typeset_whole() {
    let env = TestEnv::new();
    env.write("w.md", format!("Dear plan,\n\n{}\n", "a".repeat(200_000)));
    env.run(["pdf", "[ROOT]/w.md", "-o", "[ROOT]/w.pdf"]).success();
    let doc = lopdf::Document::load(env.join("w.pdf")).unwrap();
    assert!(doc.get_pages().len() > 40, "every line of the word is set");
}

#[test]
fn a_huge_unknown_key_is_echoed_cut_to_a_readable_length() {
    let env = TestEnv::new();
    let key = "k".repeat(1_000_000);
    let case = Case::example("her2-out-of-network.toml")
        .replace_first("[letter]\n", &format!("[letter]\n{key} = 1\n"));
    env.case("key.toml", &case);
    let run = env.run(["render", "[ROOT]/key.toml", "--format", "md", "-o", "[ROOT]/out"]);
    run.code(2);
    let stderr = run.stderr();
    assert!(stderr.len() < 1_000, "{} bytes", stderr.len());
    run.stderr_has(format!("unknown key `{}… (1000000 characters)`", "k".repeat(80)));
}

#[test]
fn many_broken_bib_entries_are_each_reported() {
    let env = TestEnv::new();
    let text: String = (0..20_000)
        .map(|i| format!("@article{{k{i}, title = {{x, year = 2020\n"))
        .collect();
    let bib = write(&env, "broken.bib", &text);
    env.run(["refs", "check", &bib])
        .code(1)
        .stdout_has(format!("{bib}:20000:1: broken entry skipped"))
        .stdout_has("20000 problem(s) (20000 error(s)");
    let ats = write(&env, "at.bib", &"@".repeat(200_000));
    env.run(["refs", "check", &ats])
        .code(1)
        .stdout_has(format!("{ats}:1:1: broken entry skipped"));
}
