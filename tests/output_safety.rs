//! Output is never lost or mixed: clashing names, racing processes, links, signals, stale
//! temporary files, folder modes, and inputs that are not regular files (issue 11).

mod common;

use std::os::unix::fs::PermissionsExt;
use std::process::{Command as Process, Stdio};

use common::{HER2, TestEnv};

/// Copies the HER2 example to `name` in `env`, creating folders; returns its path as text.
fn case_at(env: &TestEnv, name: &str) -> String {
    env.copy(HER2, name).display().to_string()
}

/// The temporary files left in `sub` of `env`.
fn temp_files(env: &TestEnv, sub: &str) -> Vec<String> {
    env.files(sub)
        .into_iter()
        .filter(|f| f.ends_with(".tmp"))
        .collect()
}

#[test]
fn render_refuses_cases_that_write_one_name_and_names_both() {
    let env = TestEnv::new();
    let pairs = [
        ("a/x.toml", "b/x.toml", "x.md"),
        ("a b.toml", "a_b.toml", "a_b.md"),
        ("x.toml", "x-next-steps.toml", "x-next-steps.md"),
    ];
    for (i, (first, second, clash)) in pairs.into_iter().enumerate() {
        let out = format!("[ROOT]/out{i}");
        let a = case_at(&env, &format!("src/{first}"));
        let b = case_at(&env, &format!("src/{second}"));
        env.run(["render", "--format", "md", "-o", &out, &a, &b])
            .code(2)
            .stderr_has(&b)
            .stderr_has(&a)
            .stderr_has(clash);
        assert!(
            env.files(&format!("out{i}")).is_empty(),
            "{first} + {second}: nothing is written"
        );
    }
}

#[test]
fn render_refuses_a_case_named_twice() {
    let env = TestEnv::new();
    env.run(["render", HER2, HER2, "--format", "md", "-o", "[ROOT]"])
        .code(2)
        .stderr_has(format!("{HER2}: writes the same output"));
    assert!(env.files("").is_empty());
}

#[test]
fn batch_reports_the_same_clashes_and_writes_the_rest() {
    let env = TestEnv::new();
    let a = case_at(&env, "src/a/x.toml");
    let b = case_at(&env, "src/b/x.toml");
    env.run(["batch", "--format", "md", "-o", "[ROOT]/out", &a, &b])
        .code(1)
        .stdout_has(format!("{b}: writes the same output"));
    assert_eq!(env.files("out"), ["x.md"]);
}

#[test]
fn two_processes_writing_one_name_never_both_succeed() {
    for _ in 0..6 {
        let env = TestEnv::new();
        let spawn = || {
            env.process(["render", HER2, "--format", "md", "-o", "[ROOT]"])
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .spawn()
                .unwrap()
        };
        let (mut one, mut two) = (spawn(), spawn());
        let codes = [one.wait().unwrap().code(), two.wait().unwrap().code()];
        let wins = codes.iter().filter(|c| **c == Some(0)).count();
        assert_eq!(wins, 1, "exactly one process writes the letter: {codes:?}");
        assert!(temp_files(&env, "").is_empty());
    }
}

#[test]
fn a_dangling_link_at_an_output_name_is_refused_and_never_followed() {
    let env = TestEnv::new();
    let aim = env.join("elsewhere.md");
    std::os::unix::fs::symlink(&aim, env.join("her2-out-of-network.md")).unwrap();
    env.run(["render", HER2, "--format", "md", "-o", "[ROOT]"])
        .code(2)
        .stderr_has("her2-out-of-network.md: already exists");
    assert!(!aim.exists());
    assert_eq!(env.files(""), ["her2-out-of-network.md"]);
}

#[test]
fn force_onto_a_folder_refuses_and_keeps_the_other_files() {
    let env = TestEnv::new();
    env.write("her2-out-of-network.md", "mine");
    std::fs::create_dir(env.join("her2-out-of-network-next-steps.md")).unwrap();
    env.run(["render", HER2, "--format", "md", "--force", "-o", "[ROOT]"])
        .code(2)
        .stderr_has("is a folder");
    assert_eq!(env.read("her2-out-of-network.md"), "mine");
}

#[test]
fn pdf_refuses_to_write_over_its_own_input() {
    let env = TestEnv::new();
    let letter = env.write("x.md", "Dear plan,\n\nPlease pay.\n");
    std::fs::create_dir(env.join("sub")).unwrap();
    for out in ["x.md", "./x.md", "sub/../x.md"] {
        env.run_inside(["pdf", "x.md", "--force", "-o", out])
            .code(2)
            .stderr_has("is the input file");
    }
    std::os::unix::fs::symlink(&letter, env.join("link.pdf")).unwrap();
    env.run_inside(["pdf", "x.md", "--force", "-o", "link.pdf"])
        .code(2);
    assert_eq!(env.read("x.md"), "Dear plan,\n\nPlease pay.\n");
}

#[test]
fn created_output_folders_are_owner_only() {
    let env = TestEnv::new();
    env.run(["render", HER2, "--format", "md", "-o", "[ROOT]/new/letters"])
        .success();
    for d in [env.join("new"), env.join("new/letters")] {
        let mode = std::fs::metadata(&d).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o700, "{}", d.display());
    }
}

#[test]
fn stale_temporary_files_of_dead_processes_are_removed() {
    let env = TestEnv::new();
    // A pid above the kernel's maximum is never alive.
    let stale = env.write(".appeal-4194999-Ab12Cd.tmp", "half a letter");
    let kept = env.write("notes.tmp", "mine");
    env.render_md(HER2, &[]);
    assert!(!stale.exists());
    assert!(kept.exists());
}

#[test]
fn an_interrupted_batch_leaves_no_temporary_files() {
    let src = TestEnv::new();
    for i in 0..150 {
        case_at(&src, &format!("c{i:03}.toml"));
    }
    for signal in [rustix::process::Signal::TERM, rustix::process::Signal::INT] {
        let out = TestEnv::new();
        let mut child = out
            .process(["batch", "--format", "pdf", "-o", "[ROOT]"])
            .arg(src.path())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        // Wait until it is writing, then interrupt it.
        while out.files("").is_empty() && child.try_wait().unwrap().is_none() {
            std::thread::yield_now();
        }
        let pid = rustix::process::Pid::from_raw(child.id() as i32).unwrap();
        let _ = rustix::process::kill_process(pid, signal);
        let status = child.wait().unwrap();
        assert!(temp_files(&out, "").is_empty(), "{signal:?}: {status:?}");
        // What was written is whole: every PDF ends with its trailer.
        for f in out.files("") {
            let bytes = std::fs::read(out.join(&f)).unwrap();
            assert!(
                bytes.ends_with(b"%%EOF\n") || bytes.ends_with(b"%%EOF"),
                "{f} is whole"
            );
        }
    }
}

#[test]
fn inputs_that_are_not_regular_files_are_refused_by_name() {
    let env = TestEnv::new();
    env.run(["render", "/dev/zero", "--format", "md", "-o", "/nonexistent"])
        .code(2)
        .stderr_has("/dev/zero:1:1: the case file is a character device, not a regular file");
    env.run(["refs", "check", "/dev/zero"])
        .code(2)
        .stderr_has("/dev/zero: is a character device");
    env.run(["pdf", "/dev/zero", "-o", "/nonexistent/x.pdf"])
        .code(2)
        .stderr_has("/dev/zero: is a character device");
}

#[test]
fn a_case_file_over_the_size_limit_is_refused() {
    let env = TestEnv::new();
    let file = std::fs::File::create(env.join("big.toml")).unwrap();
    file.set_len(appeal::input::CASE_LIMIT + 1).unwrap();
    env.run(["render", "--format", "md", "-o", "[ROOT]/out", "[ROOT]/big.toml"])
        .code(2)
        .stderr_has("is larger than 16 MB, the limit for a case file");
}

#[test]
fn batch_reports_dangling_links_and_fifos_instead_of_skipping_them() {
    let env = TestEnv::new();
    case_at(&env, "src/good.toml");
    std::os::unix::fs::symlink(env.join("src/gone.toml"), env.join("src/dangling.toml")).unwrap();
    let fifo = env.join("src/pipe.toml");
    assert!(Process::new("mkfifo").arg(&fifo).status().unwrap().success());
    env.run(["batch", "--format", "md", "-o", "[ROOT]/out", "[ROOT]/src"])
        .code(1)
        .stdout_has("rendered 1 of 3 cases")
        .stdout_has("dangling.toml:1:1: cannot read the case file")
        .stdout_has("pipe.toml:1:1: the case file is a FIFO");
}

#[test]
fn batch_jobs_are_capped_and_help_says_so() {
    let env = TestEnv::new();
    env.run([
        "batch", HER2, "--jobs", "100000", "--format", "md", "-o", "[ROOT]",
    ])
    .success();
    env.run(["batch", "--help"])
        .success()
        .stdout_has("at most one per case and 4 per");
}

#[test]
fn a_batch_with_no_room_to_write_names_the_case_and_stops() {
    use std::os::unix::process::CommandExt;
    let env = TestEnv::new();
    for i in 0..40 {
        case_at(&env, &format!("src/c{i:02}.toml"));
    }
    let mut cmd = env.process(["batch", "--format", "pdf", "-o", "[ROOT]/out", "[ROOT]/src"]);
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
    assert!(temp_files(&env, "out").is_empty());
    assert!(env.files("out").is_empty(), "nothing half-written");
}

#[test]
fn deadlines_refuses_to_write_the_calendar_over_the_case() {
    let env = TestEnv::new();
    let case = case_at(&env, "x.toml");
    let before = env.read("x.toml");
    env.run(["deadlines", "--force", "--ics", &case, &case])
        .code(2)
        .stderr_has("is the input file");
    assert_eq!(env.read("x.toml"), before);
}

#[test]
fn a_cover_sheet_name_too_long_leaves_no_letter_behind() {
    let env = TestEnv::new();
    // The letter's name fits in 255 bytes; the cover sheet's (`-next-steps.md`) does not.
    let case = case_at(&env, &format!("src/{}.toml", "x".repeat(245)));
    env.run(["render", "--format", "md", "-o", "[ROOT]/out", &case])
        .code(2)
        .stderr_has("-next-steps.md: cannot write");
    assert!(env.files("out").is_empty());
}
