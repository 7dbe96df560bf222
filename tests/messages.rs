//! What the terminal shows, snapshot-tested with insta: `--help` for the program and every
//! subcommand, and a handful of representative error messages and reports.
//!
//! A change to a flag, a help line or an error's wording shows up here as a reviewable diff.
//! Update with `cargo insta review` (or `INSTA_UPDATE=always cargo test --test messages`) after
//! reading it. Temporary folders print as `[ROOT]`.

mod common;

use common::{Case, HER2, TestEnv};

/// The subcommands a `--help` lists under `Commands:` (without `help`).
fn commands(help: &str) -> Vec<String> {
    help.lines()
        .skip_while(|l| !l.starts_with("Commands:"))
        .skip(1)
        .take_while(|l| l.starts_with("  "))
        .filter_map(|l| l.split_whitespace().next())
        .filter(|c| *c != "help")
        .map(String::from)
        .collect()
}

#[test]
fn help_of_the_program_and_every_subcommand() {
    let env = TestEnv::new();
    let top = env.run(["--help"]).success().stdout().to_string();
    insta::assert_snapshot!("help", top);
    let listed = commands(&top);
    assert_eq!(
        listed,
        [
            "render",
            "explain",
            "check",
            "pdf",
            "batch",
            "deadlines",
            "refs",
            "status",
            "serve",
            "init",
            "example",
            "completions",
            "schema",
            "man"
        ],
        "a new subcommand needs its help snapshot here"
    );
    for command in &listed {
        let help = env.run([command, "--help"]).success().stdout().to_string();
        insta::assert_snapshot!(format!("help-{command}"), help);
    }
    let refs = env.run(["refs", "--help"]).success().stdout().to_string();
    let sub = commands(&refs);
    assert_eq!(sub, ["list", "show", "search", "tags", "check", "styles"]);
    for command in &sub {
        let help = env
            .run(["refs", command, "--help"])
            .success()
            .stdout()
            .to_string();
        insta::assert_snapshot!(format!("help-refs-{command}"), help);
    }
}

#[test]
fn error_a_misspelt_key_names_its_place_and_the_keys_that_fit() {
    let env = TestEnv::new();
    env.case(
        "case.toml",
        Case::example("her2-out-of-network.toml").replace("member_id = ", "memberid = "),
    );
    let run = env.run(["render", "[ROOT]/case.toml", "-o", "[ROOT]/out"]);
    run.code(2).stdout_empty();
    insta::assert_snapshot!("error-misspelt-key", run.normalized_stderr());
}

#[test]
fn error_a_missing_case_file() {
    let env = TestEnv::new();
    let run = env.run(["render", "[ROOT]/no-such-case.toml", "-o", "[ROOT]/out"]);
    run.code(2);
    insta::assert_snapshot!("error-missing-case-file", run.normalized_stderr());
}

#[test]
fn error_an_appeal_without_a_denial() {
    let env = TestEnv::new();
    env.case(
        "case.toml",
        Case::example("her2-out-of-network.toml").remove_between("[denial]", "[request]"),
    );
    let run = env.run(["check", "[ROOT]/case.toml"]);
    run.code(2);
    insta::assert_snapshot!("error-appeal-without-denial", run.normalized_stderr());
}

#[test]
fn error_an_output_that_exists_without_force() {
    let env = TestEnv::new();
    env.render_md(HER2, &[]);
    let run = env.run(["render", HER2, "--format", "md", "-o", "[ROOT]"]);
    run.code(2);
    insta::assert_snapshot!("error-output-exists", run.normalized_stderr());
}

#[test]
fn error_an_unknown_letter_kind() {
    let run = TestEnv::new().run(["render", HER2, "--kind", "lawsuit", "-o", "[ROOT]"]);
    run.code(2);
    insta::assert_snapshot!("error-unknown-kind", run.normalized_stderr());
}

#[test]
fn error_an_unknown_subcommand() {
    let run = TestEnv::new().run(["rendr", HER2]);
    run.code(2);
    insta::assert_snapshot!("error-unknown-subcommand", run.normalized_stderr());
}

#[test]
fn error_a_template_syntax_error() {
    let env = TestEnv::new();
    env.write("templates/letter.md", "Dear {{ case.patient.name }\n");
    let run = env.run([
        "render",
        HER2,
        "--format",
        "md",
        "-o",
        "[ROOT]/out",
        "--templates",
        "[ROOT]/templates",
    ]);
    run.code(2);
    insta::assert_snapshot!("error-template-syntax", run.normalized_stderr());
}

#[test]
fn report_check_lists_every_problem() {
    let env = TestEnv::new();
    env.case(
        "case.toml",
        Case::example("her2-out-of-network.toml")
            .replace("name = \"Maria Lopez\"\naddress", "name = \" \"\naddress")
            .remove_between("[[guidelines]]", "[[enclosures]]")
            .insert_before(
                "[[enclosures]]",
                "[arguments]\ninclude = [\"guideline-concordance\"]\n\n",
            ),
    );
    let run = env.run(["check", "[ROOT]/case.toml"]);
    run.code(1);
    insta::assert_snapshot!("report-check-problems", run.normalized_stdout());
}

#[test]
fn error_a_complaint_whose_regulator_the_case_does_not_name() {
    let env = TestEnv::new();
    env.case(
        "case.toml",
        Case::example("her2-out-of-network.toml")
            .replace("kind = \"appeal\"", "kind = \"complaint\"")
            .replace("regulation = \"erisa\"", "regulation = \"state-regulated\"")
            .replace("type = \"hmo\"", "type = \"ppo\"")
            .replace("state = \"IL\"", "state = \"CA\""),
    );
    let run = env.run(["check", "[ROOT]/case.toml"]);
    run.code(2);
    insta::assert_snapshot!("error-complaint-regulator", run.normalized_stderr());
}
