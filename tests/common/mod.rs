//! The one test harness for the `appeal` binary, after fd's `TestEnv` and mdBook's `BookTest`.
//!
//! A [`TestEnv`] is a temporary folder. Tests write case files into it (plain text or a
//! [`Case`] built from an example with a few edits), run the binary with
//! [`TestEnv::run`], and assert on the [`Outcome`]: exit code, stdout, stderr, and the files
//! the run left in the folder.
//!
//! The binary always runs from the repository root with a fixed `SOURCE_DATE_EPOCH`, so
//! `examples/…` and `tests/…` paths work as arguments and every letter has the same date. In
//! arguments, `[ROOT]` stands for the environment's folder; in [`Outcome::normalized_stderr`]
//! and [`Outcome::normalized_stdout`] that folder is written back as `[ROOT]`, so snapshots do
//! not depend on where the temporary folder was made.
//!
//! ```ignore
//! let env = TestEnv::new();
//! env.case("case.toml", Case::example("her2-out-of-network.toml").voice("provider"));
//! env.run(["render", "[ROOT]/case.toml", "--format", "md", "-o", "[ROOT]"])
//!     .success()
//!     .stdout_has("case.md");
//! ```
#![allow(dead_code)]

mod case;
mod docx;
mod markdown;

use std::ffi::{OsStr, OsString};
use std::path::{Path, PathBuf};
use std::sync::Arc;

#[allow(unused_imports)]
pub(crate) use case::Case;
#[allow(unused_imports)]
pub(crate) use docx::{WordDocument, markdown_paragraphs};
#[allow(unused_imports)]
pub(crate) use markdown::{visible, visible_text};

/// 2026-11-19 00:00:00 UTC: every test letter is dated from this, never the clock.
pub(crate) const EPOCH: &str = "1795046400";

/// The placeholder for the environment's folder, in arguments and normalised output.
pub(crate) const ROOT: &str = "[ROOT]";

/// A bundled example most tests start from.
pub(crate) const HER2: &str = "examples/her2-out-of-network.toml";

/// The repository root.
pub(crate) fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// A file from the repository, as text.
pub(crate) fn repo_file(path: &str) -> String {
    std::fs::read_to_string(root().join(path)).unwrap_or_else(|e| panic!("{path}: {e}"))
}

/// The fallback font fixture: a subset of DejaVu Sans with the check mark, the Arabic letters
/// and the emoji the tests print (see `tests/fixtures/fonts/README.md`).
pub(crate) fn fallback_font() -> PathBuf {
    let path = root().join("tests/fixtures/fonts/DejaVuSans-subset.ttf");
    assert!(path.exists(), "{} is missing", path.display());
    path
}

/// Every file in `dir`, sorted (an empty list when `dir` does not exist).
pub(crate) fn files_in(dir: &Path) -> Vec<String> {
    let mut v: Vec<String> = std::fs::read_dir(dir)
        .map(|rd| {
            rd.filter_map(Result::ok)
                .map(|e| e.file_name().to_string_lossy().to_string())
                .collect()
        })
        .unwrap_or_default();
    v.sort();
    v
}

/// `appeal` with the repository as working directory and a fixed `SOURCE_DATE_EPOCH`.
fn appeal() -> assert_cmd::Command {
    let mut cmd = assert_cmd::Command::cargo_bin("appeal").expect("binary builds");
    cmd.current_dir(root()).env("SOURCE_DATE_EPOCH", EPOCH);
    cmd
}

/// A temporary folder to write inputs into and render into.
#[derive(Clone)]
pub(crate) struct TestEnv {
    dir: Arc<tempfile::TempDir>,
}

impl TestEnv {
    /// A new, empty folder.
    pub(crate) fn new() -> Self {
        Self {
            dir: Arc::new(tempfile::tempdir().expect("temporary folder")),
        }
    }

    /// The folder.
    pub(crate) fn path(&self) -> &Path {
        self.dir.path()
    }

    /// `name` inside the folder.
    pub(crate) fn join(&self, name: &str) -> PathBuf {
        self.path().join(name)
    }

    /// Writes `bytes` at `name` (creating folders) and returns its path.
    pub(crate) fn write(&self, name: &str, bytes: impl AsRef<[u8]>) -> PathBuf {
        let path = self.join(name);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).unwrap();
        }
        std::fs::write(&path, bytes).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        path
    }

    /// Writes a case file at `name` and returns its path.
    pub(crate) fn case(&self, name: &str, text: impl AsRef<str>) -> PathBuf {
        self.write(name, text.as_ref())
    }

    /// The same environment with a case file at `name`, for chaining.
    pub(crate) fn with_case(self, name: &str, text: impl AsRef<str>) -> Self {
        self.case(name, text);
        self
    }

    /// Copies a repository file (`examples/…`, `tests/…`) to `name` and returns its path.
    pub(crate) fn copy(&self, from: &str, name: &str) -> PathBuf {
        self.write(name, std::fs::read(root().join(from)).unwrap())
    }

    /// The text of `name` in the folder.
    pub(crate) fn read(&self, name: &str) -> String {
        read(&self.join(name))
    }

    /// Whether `name` exists in the folder.
    pub(crate) fn exists(&self, name: &str) -> bool {
        self.join(name).exists()
    }

    /// The files directly in the folder (or in `sub`, when given), sorted.
    pub(crate) fn files(&self, sub: &str) -> Vec<String> {
        files_in(&self.join(sub))
    }

    /// `appeal` with `[ROOT]` in `args` replaced by the folder.
    pub(crate) fn command<I, S>(&self, args: I) -> assert_cmd::Command
    where
        I: IntoIterator<Item = S>,
        S: AsRef<OsStr>,
    {
        let mut cmd = appeal();
        for arg in args {
            cmd.arg(self.expand(arg.as_ref()));
        }
        cmd
    }

    /// A plain `std::process::Command` for `appeal ARGS…` (same directory, date and `[ROOT]`),
    /// for tests that spawn, signal or limit the process themselves.
    pub(crate) fn process<I, S>(&self, args: I) -> std::process::Command
    where
        I: IntoIterator<Item = S>,
        S: AsRef<OsStr>,
    {
        let mut cmd = std::process::Command::new(assert_cmd::cargo::cargo_bin("appeal"));
        cmd.current_dir(root()).env("SOURCE_DATE_EPOCH", EPOCH);
        for arg in args {
            cmd.arg(self.expand(arg.as_ref()));
        }
        cmd
    }

    /// Runs `appeal ARGS…` with the environment's folder as working directory.
    pub(crate) fn run_inside<I, S>(&self, args: I) -> Outcome
    where
        I: IntoIterator<Item = S>,
        S: AsRef<OsStr>,
    {
        let mut cmd = self.command(args);
        cmd.current_dir(self.path());
        self.outcome(cmd)
    }

    /// Runs `appeal ARGS…` and returns what happened.
    pub(crate) fn run<I, S>(&self, args: I) -> Outcome
    where
        I: IntoIterator<Item = S>,
        S: AsRef<OsStr>,
    {
        self.outcome(self.command(args))
    }

    /// Runs a prepared command (from [`TestEnv::command`]) and returns what happened.
    pub(crate) fn outcome(&self, mut cmd: assert_cmd::Command) -> Outcome {
        let label = format!("{cmd:?}");
        let output = cmd.output().expect("the binary runs");
        Outcome {
            label,
            code: output.status.code(),
            stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
            stdout_bytes: output.stdout,
            env: self.clone(),
        }
    }

    /// `appeal render CASE --format md -o [ROOT] EXTRA…`, asserting success.
    pub(crate) fn render_md(&self, case: &str, extra: &[&str]) -> Outcome {
        let mut args = vec!["render", case, "--format", "md", "-o", ROOT];
        args.extend_from_slice(extra);
        self.run(args).success().clone()
    }

    /// `appeal render CASE --packet --format md -o [ROOT]`, asserting success.
    pub(crate) fn packet_md(&self, case: &str) -> Outcome {
        self.run(["render", case, "--packet", "--format", "md", "-o", ROOT])
            .success()
            .clone()
    }

    fn expand(&self, arg: &OsStr) -> OsString {
        match arg.to_str() {
            Some(s) if s.contains(ROOT) => s.replace(ROOT, &self.path().display().to_string()).into(),
            _ => arg.to_owned(),
        }
    }
}

/// Renders case `text` (written as `case.toml`) as Markdown into a new environment.
pub(crate) fn render_case(text: impl AsRef<str>, extra: &[&str]) -> Outcome {
    TestEnv::new()
        .with_case("case.toml", text)
        .render_md("[ROOT]/case.toml", extra)
}

/// Runs `appeal COMMAND [ROOT]/case.toml EXTRA…` on case `text` in a new environment.
pub(crate) fn run_case(command: &str, text: impl AsRef<str>, extra: &[&str]) -> Outcome {
    let env = TestEnv::new().with_case("case.toml", text);
    let mut args = vec![command, "[ROOT]/case.toml"];
    args.extend_from_slice(extra);
    env.run(args)
}

fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

impl std::fmt::Display for Outcome {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.describe())
    }
}

/// What one run of the binary did. Assertions return `&Self` so they chain; each failure
/// message shows the command, exit code, stdout and stderr.
#[derive(Clone)]
pub(crate) struct Outcome {
    label: String,
    code: Option<i32>,
    stdout: String,
    stderr: String,
    stdout_bytes: Vec<u8>,
    env: TestEnv,
}

impl Outcome {
    /// The same outcome, named `label` in failure messages.
    pub(crate) fn labelled(mut self, label: &str) -> Self {
        self.label = format!("[{label}] {}", self.label);
        self
    }

    /// The label failure messages start with: the command, or the name given to it.
    pub(crate) fn label(&self) -> &str {
        &self.label
    }

    /// The command, exit code and output, for failure messages.
    pub(crate) fn describe(&self) -> String {
        format!(
            "{}\nexit {:?}\n--- stdout\n{}\n--- stderr\n{}",
            self.label, self.code, self.stdout, self.stderr
        )
    }

    /// Asserts exit code 0.
    pub(crate) fn success(&self) -> &Self {
        self.code(0)
    }

    /// Asserts exit code `code`.
    pub(crate) fn code(&self, code: i32) -> &Self {
        assert_eq!(self.code, Some(code), "{}", self.describe());
        self
    }

    /// The exit code (-1 when killed by a signal).
    pub(crate) fn exit_code(&self) -> i32 {
        self.code.unwrap_or(-1)
    }

    /// Asserts stdout contains `needle`.
    pub(crate) fn stdout_has(&self, needle: impl AsRef<str>) -> &Self {
        let needle = needle.as_ref();
        assert!(
            self.stdout.contains(needle),
            "stdout lacks {needle:?}\n{}",
            self.describe()
        );
        self
    }

    /// Asserts stdout does not contain `needle`.
    pub(crate) fn stdout_lacks(&self, needle: impl AsRef<str>) -> &Self {
        let needle = needle.as_ref();
        assert!(
            !self.stdout.contains(needle),
            "stdout has {needle:?}\n{}",
            self.describe()
        );
        self
    }

    /// Asserts stdout matches the regular expression `pattern`.
    pub(crate) fn stdout_matches(&self, pattern: &str) -> &Self {
        use predicates::Predicate;
        let re = predicates::str::is_match(pattern).expect("a valid regular expression");
        assert!(
            re.eval(self.stdout.as_str()),
            "stdout does not match {pattern:?}\n{}",
            self.describe()
        );
        self
    }

    /// Asserts stderr contains `needle`.
    pub(crate) fn stderr_has(&self, needle: impl AsRef<str>) -> &Self {
        let needle = needle.as_ref();
        assert!(
            self.stderr.contains(needle),
            "stderr lacks {needle:?}\n{}",
            self.describe()
        );
        self
    }

    /// Asserts stderr does not contain `needle`.
    pub(crate) fn stderr_lacks(&self, needle: impl AsRef<str>) -> &Self {
        let needle = needle.as_ref();
        assert!(
            !self.stderr.contains(needle),
            "stderr has {needle:?}\n{}",
            self.describe()
        );
        self
    }

    /// Asserts stderr starts with `prefix`.
    pub(crate) fn stderr_starts_with(&self, prefix: impl AsRef<str>) -> &Self {
        let prefix = prefix.as_ref();
        assert!(
            self.stderr.starts_with(prefix),
            "stderr does not start with {prefix:?}\n{}",
            self.describe()
        );
        self
    }

    /// Asserts nothing was printed on stdout.
    pub(crate) fn stdout_empty(&self) -> &Self {
        assert!(self.stdout.is_empty(), "stdout is not empty\n{}", self.describe());
        self
    }

    /// stdout.
    pub(crate) fn stdout(&self) -> &str {
        &self.stdout
    }

    /// stdout as bytes.
    pub(crate) fn stdout_bytes(&self) -> &[u8] {
        &self.stdout_bytes
    }

    /// stderr.
    pub(crate) fn stderr(&self) -> &str {
        &self.stderr
    }

    /// stdout with the environment's folder written as `[ROOT]`.
    pub(crate) fn normalized_stdout(&self) -> String {
        self.normalize(&self.stdout)
    }

    /// stderr with the environment's folder written as `[ROOT]`.
    pub(crate) fn normalized_stderr(&self) -> String {
        self.normalize(&self.stderr)
    }

    fn normalize(&self, text: &str) -> String {
        text.replace(&self.env.path().display().to_string(), ROOT)
    }

    /// stdout parsed as JSON.
    pub(crate) fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.stdout)
            .unwrap_or_else(|e| panic!("stdout is not JSON ({e})\n{}", self.describe()))
    }

    /// The environment the run wrote into.
    pub(crate) fn env(&self) -> &TestEnv {
        &self.env
    }

    /// The text of `name` in the environment's folder.
    pub(crate) fn file(&self, name: &str) -> String {
        self.env.read(name)
    }

    /// What a reader sees of Markdown file `name`, whitespace collapsed.
    pub(crate) fn visible(&self, name: &str) -> String {
        visible(&self.file(name))
    }

    /// Asserts `name` exists in the environment's folder.
    pub(crate) fn has_file(&self, name: &str) -> &Self {
        assert!(
            self.env.exists(name),
            "{name} was not written\n{}",
            self.describe()
        );
        self
    }

    /// The path of `name` in the environment's folder.
    pub(crate) fn path(&self, name: &str) -> PathBuf {
        self.env.join(name)
    }
}
