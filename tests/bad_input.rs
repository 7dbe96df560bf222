//! The bad-input suite. Every `tests/bad/<name>.toml` must fail `appeal render` with exit code 2;
//! every `tests/bad/<name>.cmd` holds the arguments of another failing command (a broken library,
//! a broken template, an unwritable output folder, …). Each must print exactly
//! `tests/bad/<name>.stderr`, nothing on stdout, and leave no output file behind.
//!
//! To add a case, write the `.toml` or `.cmd` and run the test with `APPEAL_BLESS=1` to create its
//! `.stderr`; read that file before committing it.

mod common;

use common::{TestEnv, files_in, root};

#[test]
fn every_bad_input_fails_with_its_exact_message_and_writes_nothing() {
    let dir = root().join("tests/bad");
    let cases: Vec<String> = files_in(&dir)
        .into_iter()
        .filter(|f| f.ends_with(".toml") || f.ends_with(".cmd"))
        .collect();
    assert!(
        cases.len() >= 40,
        "the suite has {} cases; keep at least 40",
        cases.len()
    );
    let bless = std::env::var_os("APPEAL_BLESS").is_some();
    let mut failures = Vec::new();
    for name in &cases {
        let env = TestEnv::new();
        let (args, located_prefix) = if let Some(stem) = name.strip_suffix(".cmd") {
            let line = std::fs::read_to_string(dir.join(name)).unwrap();
            let mut args: Vec<String> = line.split_whitespace().map(String::from).collect();
            if !args.iter().any(|a| a == "-o") {
                args.extend(["-o".to_string(), "[ROOT]".to_string()]);
            }
            (args, format!("{stem}.cmd"))
        } else {
            let case = format!("tests/bad/{name}");
            let args = ["render", &case, "-o", "[ROOT]"].map(String::from).to_vec();
            (args, format!("error: tests/bad/{name}:"))
        };
        let outcome = env.run(&args);
        let stderr = outcome.normalized_stderr();
        let expected_path = dir.join(format!("{}.stderr", name.rsplit_once('.').unwrap().0));
        if bless {
            std::fs::write(&expected_path, &stderr).unwrap();
        }
        let expected = std::fs::read_to_string(&expected_path).unwrap_or_default();
        if outcome.exit_code() != 2 {
            failures.push(format!("{name}: exit code {}, expected 2", outcome.exit_code()));
        }
        if stderr != expected {
            failures.push(format!(
                "{name}:\n  expected: {expected:?}\n  actual:   {stderr:?}"
            ));
        }
        // Case files must be located to the line and column; other inputs name their file.
        if name.ends_with(".toml") && !stderr.starts_with(&located_prefix) {
            failures.push(format!(
                "{name}: message does not start with the file:line:col: {stderr:?}"
            ));
        }
        if !stderr.starts_with("error: ") || stderr.contains("panicked") {
            failures.push(format!("{name}: not a clean error: {stderr:?}"));
        }
        if !outcome.stdout().is_empty() {
            failures.push(format!("{name}: printed to stdout"));
        }
        let left = env.files("");
        if !left.is_empty() {
            failures.push(format!("{name}: left output behind: {left:?}"));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
