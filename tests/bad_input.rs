//! The bad-input suite: every `tests/bad/<name>.toml` must fail `appeal render` with exit code 2,
//! print exactly `tests/bad/<name>.stderr`, and leave no output file behind.
//!
//! To add a case, write the `.toml` and run the test with `APPEAL_BLESS=1` to create its
//! `.stderr`; read that file before committing it.

mod common;

use common::{appeal, files_in, root};

#[test]
fn every_bad_case_fails_with_its_exact_message_and_writes_nothing() {
    let dir = root().join("tests/bad");
    let mut cases: Vec<String> = files_in(&dir)
        .into_iter()
        .filter(|f| f.ends_with(".toml"))
        .collect();
    cases.sort();
    assert!(
        cases.len() >= 40,
        "the suite has {} cases; keep at least 40",
        cases.len()
    );
    let bless = std::env::var_os("APPEAL_BLESS").is_some();
    let mut failures = Vec::new();
    for name in &cases {
        let out = tempfile::tempdir().unwrap();
        let output = appeal()
            .args(["render", &format!("tests/bad/{name}"), "-o"])
            .arg(out.path())
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&output.stderr).to_string();
        let expected_path = dir.join(name.replace(".toml", ".stderr"));
        if bless {
            std::fs::write(&expected_path, &stderr).unwrap();
        }
        let expected = std::fs::read_to_string(&expected_path).unwrap_or_default();
        if output.status.code() != Some(2) {
            failures.push(format!(
                "{name}: exit code {:?}, expected 2",
                output.status.code()
            ));
        }
        if stderr != expected {
            failures.push(format!(
                "{name}:\n  expected: {expected:?}\n  actual:   {stderr:?}"
            ));
        }
        if !stderr.starts_with(&format!("error: tests/bad/{name}:")) {
            failures.push(format!(
                "{name}: message does not start with the file:line:col: {stderr:?}"
            ));
        }
        if !output.stdout.is_empty() {
            failures.push(format!("{name}: printed to stdout"));
        }
        let left = files_in(out.path());
        if !left.is_empty() {
            failures.push(format!("{name}: left output behind: {left:?}"));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
