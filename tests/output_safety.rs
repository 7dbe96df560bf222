//! Output is never lost or mixed: clashing names, racing processes, links, signals, stale
//! temporary files, folder modes, and inputs that are not regular files (issue 11).

mod common;

use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::{Command as Process, Stdio};

use common::{appeal, files_in, root};
use predicates::prelude::*;

const HER2: &str = "examples/her2-out-of-network.toml";

/// Copies the HER2 example to `dir/name`, creating folders.
fn case_at(dir: &Path, name: &str) -> PathBuf {
    let path = dir.join(name);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::copy(root().join(HER2), &path).unwrap();
    path
}

fn temp_files(dir: &Path) -> Vec<String> {
    files_in(dir)
        .into_iter()
        .filter(|f| f.ends_with(".tmp"))
        .collect()
}

#[test]
fn render_refuses_cases_that_write_one_name_and_names_both() {
    let src = tempfile::tempdir().unwrap();
    let pairs = [
        ("a/x.toml", "b/x.toml", "x.md"),
        ("a b.toml", "a_b.toml", "a_b.md"),
        ("x.toml", "x-next-steps.toml", "x-next-steps.md"),
    ];
    for (first, second, clash) in pairs {
        let out = tempfile::tempdir().unwrap();
        let a = case_at(src.path(), first);
        let b = case_at(src.path(), second);
        appeal()
            .args(["render", "--format", "md", "-o"])
            .arg(out.path())
            .arg(&a)
            .arg(&b)
            .assert()
            .code(2)
            .stderr(
                predicate::str::contains(b.display().to_string())
                    .and(predicate::str::contains(a.display().to_string()))
                    .and(predicate::str::contains(clash)),
            );
        assert!(
            files_in(out.path()).is_empty(),
            "{first} + {second}: nothing is written"
        );
    }
}

#[test]
fn render_refuses_a_case_named_twice() {
    let out = tempfile::tempdir().unwrap();
    appeal()
        .args(["render", HER2, HER2, "--format", "md", "-o"])
        .arg(out.path())
        .assert()
        .code(2)
        .stderr(predicate::str::contains(format!(
            "{HER2}: writes the same output"
        )));
    assert!(files_in(out.path()).is_empty());
}

#[test]
fn batch_reports_the_same_clashes_and_writes_the_rest() {
    let src = tempfile::tempdir().unwrap();
    let a = case_at(src.path(), "a/x.toml");
    let b = case_at(src.path(), "b/x.toml");
    let out = tempfile::tempdir().unwrap();
    appeal()
        .args(["batch", "--format", "md", "-o"])
        .arg(out.path())
        .arg(&a)
        .arg(&b)
        .assert()
        .code(1)
        .stdout(predicate::str::contains(format!(
            "{}: writes the same output",
            b.display()
        )));
    assert_eq!(files_in(out.path()), ["x.md"]);
}

#[test]
fn two_processes_writing_one_name_never_both_succeed() {
    for _ in 0..6 {
        let out = tempfile::tempdir().unwrap();
        let bin = assert_cmd::cargo::cargo_bin("appeal");
        let spawn = || {
            Process::new(&bin)
                .current_dir(root())
                .env("SOURCE_DATE_EPOCH", common::EPOCH)
                .args(["render", HER2, "--format", "md", "-o"])
                .arg(out.path())
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .spawn()
                .unwrap()
        };
        let (mut one, mut two) = (spawn(), spawn());
        let codes = [one.wait().unwrap().code(), two.wait().unwrap().code()];
        let wins = codes.iter().filter(|c| **c == Some(0)).count();
        assert_eq!(wins, 1, "exactly one process writes the letter: {codes:?}");
        assert!(temp_files(out.path()).is_empty());
    }
}

#[test]
fn a_dangling_link_at_an_output_name_is_refused_and_never_followed() {
    let out = tempfile::tempdir().unwrap();
    let aim = out.path().join("elsewhere.md");
    std::os::unix::fs::symlink(&aim, out.path().join("her2-out-of-network.md")).unwrap();
    appeal()
        .args(["render", HER2, "--format", "md", "-o"])
        .arg(out.path())
        .assert()
        .code(2)
        .stderr(predicate::str::contains("her2-out-of-network.md: already exists"));
    assert!(!aim.exists());
    assert_eq!(files_in(out.path()), ["her2-out-of-network.md"]);
}

#[test]
fn force_onto_a_folder_refuses_and_keeps_the_other_files() {
    let out = tempfile::tempdir().unwrap();
    std::fs::write(out.path().join("her2-out-of-network.md"), "mine").unwrap();
    std::fs::create_dir(out.path().join("her2-out-of-network-next-steps.md")).unwrap();
    appeal()
        .args(["render", HER2, "--format", "md", "--force", "-o"])
        .arg(out.path())
        .assert()
        .code(2)
        .stderr(predicate::str::contains("is a folder"));
    assert_eq!(
        std::fs::read_to_string(out.path().join("her2-out-of-network.md")).unwrap(),
        "mine"
    );
}

#[test]
fn pdf_refuses_to_write_over_its_own_input() {
    let dir = tempfile::tempdir().unwrap();
    let letter = dir.path().join("x.md");
    std::fs::write(&letter, "Dear plan,\n\nPlease pay.\n").unwrap();
    std::fs::create_dir(dir.path().join("sub")).unwrap();
    for out in ["x.md", "./x.md", "sub/../x.md"] {
        appeal()
            .current_dir(dir.path())
            .args(["pdf", "x.md", "--force", "-o", out])
            .assert()
            .code(2)
            .stderr(predicate::str::contains("is the input file"));
    }
    std::os::unix::fs::symlink(&letter, dir.path().join("link.pdf")).unwrap();
    appeal()
        .current_dir(dir.path())
        .args(["pdf", "x.md", "--force", "-o", "link.pdf"])
        .assert()
        .code(2);
    assert_eq!(
        std::fs::read_to_string(&letter).unwrap(),
        "Dear plan,\n\nPlease pay.\n"
    );
}

#[test]
fn created_output_folders_are_owner_only() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("new").join("letters");
    appeal()
        .args(["render", HER2, "--format", "md", "-o"])
        .arg(&out)
        .assert()
        .success();
    for d in [dir.path().join("new"), out] {
        let mode = std::fs::metadata(&d).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o700, "{}", d.display());
    }
}

#[test]
fn stale_temporary_files_of_dead_processes_are_removed() {
    let out = tempfile::tempdir().unwrap();
    // A pid above the kernel's maximum is never alive.
    let stale = out.path().join(".appeal-4194999-Ab12Cd.tmp");
    std::fs::write(&stale, "half a letter").unwrap();
    let kept = out.path().join("notes.tmp");
    std::fs::write(&kept, "mine").unwrap();
    appeal()
        .args(["render", HER2, "--format", "md", "-o"])
        .arg(out.path())
        .assert()
        .success();
    assert!(!stale.exists());
    assert!(kept.exists());
}

#[test]
fn an_interrupted_batch_leaves_no_temporary_files() {
    let src = tempfile::tempdir().unwrap();
    for i in 0..150 {
        case_at(src.path(), &format!("c{i:03}.toml"));
    }
    let bin = assert_cmd::cargo::cargo_bin("appeal");
    for signal in [rustix::process::Signal::TERM, rustix::process::Signal::INT] {
        let out = tempfile::tempdir().unwrap();
        let mut child = Process::new(&bin)
            .current_dir(root())
            .env("SOURCE_DATE_EPOCH", common::EPOCH)
            .args(["batch", "--format", "pdf", "-o"])
            .arg(out.path())
            .arg(src.path())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        // Wait until it is writing, then interrupt it.
        while files_in(out.path()).is_empty() && child.try_wait().unwrap().is_none() {
            std::thread::yield_now();
        }
        let pid = rustix::process::Pid::from_raw(child.id() as i32).unwrap();
        let _ = rustix::process::kill_process(pid, signal);
        let status = child.wait().unwrap();
        assert!(temp_files(out.path()).is_empty(), "{signal:?}: {status:?}");
        // What was written is whole: every PDF ends with its trailer.
        for f in files_in(out.path()) {
            let bytes = std::fs::read(out.path().join(&f)).unwrap();
            assert!(
                bytes.ends_with(b"%%EOF\n") || bytes.ends_with(b"%%EOF"),
                "{f} is whole"
            );
        }
    }
}

#[test]
fn inputs_that_are_not_regular_files_are_refused_by_name() {
    appeal()
        .args(["render", "/dev/zero", "--format", "md", "-o", "/nonexistent"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "/dev/zero:1:1: the case file is a character device, not a regular file",
        ));
    appeal()
        .args(["refs", "check", "/dev/zero"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("/dev/zero: is a character device"));
    appeal()
        .args(["pdf", "/dev/zero", "-o", "/nonexistent/x.pdf"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("/dev/zero: is a character device"));
}

#[test]
fn a_case_file_over_the_size_limit_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let big = dir.path().join("big.toml");
    let file = std::fs::File::create(&big).unwrap();
    file.set_len(appeal::input::CASE_LIMIT + 1).unwrap();
    appeal()
        .args(["render", "--format", "md", "-o"])
        .arg(dir.path().join("out"))
        .arg(&big)
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "is larger than 16 MB, the limit for a case file",
        ));
}

#[test]
fn batch_reports_dangling_links_and_fifos_instead_of_skipping_them() {
    let src = tempfile::tempdir().unwrap();
    case_at(src.path(), "good.toml");
    std::os::unix::fs::symlink(src.path().join("gone.toml"), src.path().join("dangling.toml")).unwrap();
    let fifo = src.path().join("pipe.toml");
    assert!(Process::new("mkfifo").arg(&fifo).status().unwrap().success());
    let out = tempfile::tempdir().unwrap();
    appeal()
        .args(["batch", "--format", "md", "-o"])
        .arg(out.path())
        .arg(src.path())
        .assert()
        .code(1)
        .stdout(
            predicate::str::contains("rendered 1 of 3 cases")
                .and(predicate::str::contains(
                    "dangling.toml:1:1: cannot read the case file",
                ))
                .and(predicate::str::contains("pipe.toml:1:1: the case file is a FIFO")),
        );
}

#[test]
fn batch_jobs_are_capped_and_help_says_so() {
    let out = tempfile::tempdir().unwrap();
    appeal()
        .args(["batch", HER2, "--jobs", "100000", "--format", "md", "-o"])
        .arg(out.path())
        .assert()
        .success();
    appeal()
        .args(["batch", "--help"])
        .assert()
        .success()
        .stdout(predicate::str::contains("at most one per case and 4 per"));
}

#[test]
fn a_batch_with_no_room_to_write_names_the_case_and_stops() {
    use std::os::unix::process::CommandExt;
    let src = tempfile::tempdir().unwrap();
    for i in 0..40 {
        case_at(src.path(), &format!("c{i:02}.toml"));
    }
    let out = tempfile::tempdir().unwrap();
    let mut cmd = Process::new(assert_cmd::cargo::cargo_bin("appeal"));
    cmd.current_dir(root())
        .env("SOURCE_DATE_EPOCH", common::EPOCH)
        .args(["batch", "--format", "pdf", "-o"])
        .arg(out.path())
        .arg(src.path());
    // A file size limit below one letter stands in for a full disk: every write fails.
    // SAFETY: between fork and exec only async-signal-safe calls (setrlimit, signal) are made.
    unsafe {
        cmd.pre_exec(|| {
            let limit = rustix::process::Rlimit {
                current: Some(4096),
                maximum: Some(4096),
            };
            rustix::process::setrlimit(rustix::process::Resource::Fsize, limit)?;
            libc::signal(libc::SIGXFSZ, libc::SIG_IGN);
            Ok(())
        });
    }
    let output = cmd.output().unwrap();
    let stdout = String::from_utf8(output.stdout).unwrap();
    assert_eq!(output.status.code(), Some(1), "{stdout}");
    let failures: Vec<&str> = stdout.lines().filter(|l| l.starts_with("  - ")).collect();
    assert!(!failures.is_empty() && failures.len() <= 8, "{stdout}");
    for line in &failures {
        // The case and the file it could not write, not a temporary file.
        assert!(line.contains("c") && line.contains(".toml: "), "{line}");
        assert!(line.contains(".pdf: cannot write"), "{line}");
        assert!(!line.contains(".appeal-"), "{line}");
    }
    assert!(stdout.contains("stopped: no room to write"), "{stdout}");
    assert!(temp_files(out.path()).is_empty());
    assert!(files_in(out.path()).is_empty(), "nothing half-written");
}

#[test]
fn deadlines_refuses_to_write_the_calendar_over_the_case() {
    let dir = tempfile::tempdir().unwrap();
    let case = case_at(dir.path(), "x.toml");
    let before = std::fs::read(&case).unwrap();
    appeal()
        .args(["deadlines", "--force", "--ics"])
        .arg(&case)
        .arg(&case)
        .assert()
        .code(2)
        .stderr(predicate::str::contains("is the input file"));
    assert_eq!(std::fs::read(&case).unwrap(), before);
}

#[test]
fn a_cover_sheet_name_too_long_leaves_no_letter_behind() {
    let src = tempfile::tempdir().unwrap();
    // The letter's name fits in 255 bytes; the cover sheet's (`-next-steps.md`) does not.
    let case = case_at(src.path(), &format!("{}.toml", "x".repeat(245)));
    let out = tempfile::tempdir().unwrap();
    appeal()
        .args(["render", "--format", "md", "-o"])
        .arg(out.path())
        .arg(&case)
        .assert()
        .code(2)
        .stderr(predicate::str::contains("-next-steps.md: cannot write"));
    assert!(files_in(out.path()).is_empty());
}
