//! `appeal batch` as a clinic reruns it: `--packet`, `--skip-existing`, `--manifest`.

mod common;

use std::os::unix::fs::MetadataExt;
use std::time::{Duration, SystemTime};

use common::*;

const NON_PREFERRED: &str = "examples/her2-non-preferred-drug.toml";
const SARCOMA: &str = "examples/sarcoma-center-referral.toml";

#[test]
fn batch_packet_writes_every_document_render_packet_writes() {
    let env = TestEnv::new();
    let nofax = env.case(
        "nofax.toml",
        Case::example("her2-out-of-network.toml").replace_first("fax = \"(312)", "# fax = \"(312)"),
    );
    let nofax = nofax.display().to_string();
    for case in [HER2, NON_PREFERRED, nofax.as_str()] {
        env.run(["render", case, "--packet", "-o", "[ROOT]/render"])
            .success();
    }
    env.run([
        "batch",
        HER2,
        NON_PREFERRED,
        &nofax,
        "--packet",
        "-o",
        "[ROOT]/batch",
    ])
    .success()
    .stdout_has("rendered 3 of 3 cases");
    let rendered = env.files("render");
    assert_eq!(env.files("batch"), rendered);
    // The provider's packet: every letter, the next-steps sheet and the fax cover.
    for name in [
        "her2-non-preferred-drug-claim-file-request",
        "her2-non-preferred-drug-fax-cover",
        "her2-non-preferred-drug-medical-necessity",
        "her2-non-preferred-drug-next-steps",
        "her2-non-preferred-drug",
        "her2-out-of-network-fax-cover",
        "her2-out-of-network-next-steps",
        "nofax-next-steps",
    ] {
        for ext in ["md", "pdf"] {
            let file = format!("{name}.{ext}");
            assert!(rendered.contains(&file), "{file} missing: {rendered:?}");
        }
    }
    assert!(
        !rendered.contains(&"nofax-fax-cover.md".to_string()),
        "{rendered:?}"
    );
    // The same documents, word for word.
    for file in rendered.iter().filter(|f| f.ends_with(".md")) {
        assert_eq!(
            env.read(&format!("batch/{file}")),
            env.read(&format!("render/{file}")),
            "{file}"
        );
    }
    // Without --packet, one letter per case, as before.
    env.run(["batch", NON_PREFERRED, "--format", "md", "-o", "[ROOT]/single"])
        .success();
    assert_eq!(env.files("single"), ["her2-non-preferred-drug.md"]);
}

/// Every file in `dir` with its inode and modification time.
fn stamps(env: &TestEnv, dir: &str) -> Vec<(String, u64, SystemTime)> {
    env.files(dir)
        .into_iter()
        .map(|f| {
            let meta = std::fs::metadata(env.join(&format!("{dir}/{f}"))).unwrap();
            (f, meta.ino(), meta.modified().unwrap())
        })
        .collect()
}

/// Sets every file in `dir` a day back, so that any rewrite would show.
fn age(env: &TestEnv, dir: &str) {
    let then = SystemTime::now() - Duration::from_secs(86_400);
    for f in env.files(dir) {
        let file = std::fs::File::options()
            .append(true)
            .open(env.join(&format!("{dir}/{f}")))
            .unwrap();
        file.set_modified(then).unwrap();
    }
}

#[test]
fn skip_existing_leaves_written_cases_and_hand_edits_alone() {
    let env = TestEnv::new();
    env.run(["batch", HER2, SARCOMA, "--packet", "-o", "[ROOT]/out"])
        .success();
    let edited = "out/her2-out-of-network.md";
    let text = env.read(edited) + "\nP.S. Added by hand after a call with the plan.\n";
    env.write(edited, &text);
    age(&env, "out");
    let before = stamps(&env, "out");
    env.run([
        "batch",
        HER2,
        SARCOMA,
        "--packet",
        "--skip-existing",
        "-o",
        "[ROOT]/out",
    ])
    .success()
    .stdout_has("rendered 0 of 2 cases (0 files in")
    .stdout_has("left 2 cases untouched: their documents are all there already (--skip-existing)");
    assert_eq!(stamps(&env, "out"), before, "a file was rewritten");
    assert_eq!(env.read(edited), text);
    // Without --skip-existing or --force nothing is replaced either.
    env.run(["batch", HER2, "--packet", "-o", "[ROOT]/out"])
        .code(1)
        .stdout_has("already exists");
    assert_eq!(stamps(&env, "out"), before);
    // The two flags contradict each other.
    env.run(["batch", HER2, "--skip-existing", "--force", "-o", "[ROOT]/out"])
        .code(2)
        .stderr_has("cannot be used with");
}

#[test]
fn skip_existing_refuses_a_case_with_only_some_documents_and_writes_the_others() {
    let env = TestEnv::new();
    env.run(["batch", HER2, "-o", "[ROOT]/out"]).success();
    std::fs::remove_file(env.join("out/her2-out-of-network.pdf")).unwrap();
    let kept = env.read("out/her2-out-of-network.md");
    let outcome = env.run(["batch", HER2, SARCOMA, "--skip-existing", "-o", "[ROOT]/out"]);
    outcome
        .code(1)
        .stdout_has("rendered 1 of 2 cases (2 files in")
        .stdout_has("failed 1:")
        .stdout_has("examples/her2-out-of-network.toml: some of its documents exist (")
        .stdout_has("out/her2-out-of-network.md) and some do not (")
        .stdout_has("out/her2-out-of-network.pdf); nothing was written for this case")
        .stdout_has("hint: to keep the existing files, move them out of the folder");
    assert_eq!(env.read("out/her2-out-of-network.md"), kept);
    assert!(!env.exists("out/her2-out-of-network.pdf"));
    assert_eq!(
        env.files("out"),
        [
            "her2-out-of-network.md",
            "sarcoma-center-referral.md",
            "sarcoma-center-referral.pdf"
        ]
    );
}

/// The `appeal check --json` counts of errors and warnings for a case.
fn check_counts(case: &str) -> (usize, usize) {
    let report = TestEnv::new().run(["check", case, "--json"]).json();
    let problems = report["problems"].as_array().expect("problems").clone();
    let count = |s: &str| problems.iter().filter(|p| p["severity"] == s).count();
    (count("error"), count("warning"))
}

#[test]
fn manifest_csv_has_a_row_per_case_with_deadline_and_problems() {
    let env = TestEnv::new();
    let bad = "tests/bad/unknown-voice.toml";
    env.run([
        "batch",
        HER2,
        bad,
        SARCOMA,
        "--format",
        "md",
        "-o",
        "[ROOT]/out",
        "--manifest",
        "[ROOT]/manifest.csv",
    ])
    .code(1)
    .stdout_has("wrote the manifest");
    let csv_text = env.read("manifest.csv");
    let mut reader = csv::Reader::from_reader(csv_text.as_bytes());
    let header: Vec<String> = reader.headers().unwrap().iter().map(String::from).collect();
    assert_eq!(
        header,
        [
            "case",
            "status",
            "documents",
            "deadline",
            "deadline_date",
            "deadline_status",
            "deadline_citation",
            "ready",
            "errors",
            "warnings",
            "first_problem",
            "error"
        ]
    );
    let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    assert_eq!(rows.len(), 3, "{csv_text}");
    let her2 = &rows[0];
    assert_eq!(&her2[0], HER2);
    assert_eq!(&her2[1], "written");
    assert!(her2[2].ends_with("out/her2-out-of-network.md"), "{csv_text}");
    assert_eq!(&her2[3], "File your internal appeal");
    assert!(!her2[4].is_empty() && !her2[6].is_empty(), "{csv_text}");
    // The deadline and its rule as `appeal deadlines` gives them.
    let deadlines = env.run(["deadlines", HER2, "--json"]).json();
    let filing = &deadlines["items"][0];
    assert_eq!(filing["id"], "file-internal-appeal");
    assert_eq!(&her2[4], filing["date"].as_str().unwrap());
    assert_eq!(&her2[6], filing["citation"].as_str().unwrap());
    // Problems as `appeal check` counts them.
    let (errors, warnings) = check_counts(HER2);
    assert_eq!(&her2[7], if errors == 0 { "yes" } else { "no" });
    assert_eq!(her2[8].parse::<usize>().unwrap(), errors);
    assert_eq!(her2[9].parse::<usize>().unwrap(), warnings);
    assert_eq!(her2[10].is_empty(), errors + warnings == 0);
    let failed = &rows[1];
    assert_eq!(&failed[0], bad);
    assert_eq!(&failed[1], "failed");
    assert_eq!(&failed[2], "");
    // Not drafted: no deadline and no counts, rather than a misleading zero.
    assert!(failed.iter().skip(3).take(8).all(str::is_empty), "{csv_text}");
    assert!(failed[11].contains("unknown value `lawyer`"), "{csv_text}");
    assert!(!failed[11].contains('\n'));
    assert_eq!(&rows[2][1], "written");
    let (errors, _) = check_counts(SARCOMA);
    assert_eq!(rows[2][8].parse::<usize>().unwrap(), errors);
}

#[test]
fn manifest_json_marks_skipped_cases_and_a_rerun_replaces_it() {
    let env = TestEnv::new();
    fn args<'a>(extra: &[&'a str]) -> Vec<&'a str> {
        let mut v = vec!["batch", HER2, "-o", "[ROOT]/out", "--manifest", "[ROOT]/m.json"];
        v.extend_from_slice(extra);
        v
    }
    env.run(args(&[])).success();
    let first: serde_json::Value = serde_json::from_str(&env.read("m.json")).unwrap();
    assert_eq!(first["format"], 1);
    assert_eq!(first["kind"], "appeal-batch-manifest");
    assert_eq!(first["cases"][0]["status"], "written");
    // A rerun replaces its own manifest without --force and leaves the letters alone.
    env.run(args(&["--skip-existing"])).success();
    let second: serde_json::Value = serde_json::from_str(&env.read("m.json")).unwrap();
    let row = &second["cases"][0];
    assert_eq!(row["case"], HER2);
    assert_eq!(row["status"], "skipped");
    let documents: Vec<&str> = row["documents"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d.as_str().unwrap())
        .collect();
    assert_eq!(documents.len(), 2);
    // In the order the files are written: the PDF, then the Markdown.
    assert!(
        documents[0].ends_with("out/her2-out-of-network.pdf"),
        "{documents:?}"
    );
    assert!(
        documents[1].ends_with("out/her2-out-of-network.md"),
        "{documents:?}"
    );
    assert_eq!(row["deadline"]["label"], "File your internal appeal");
    assert!(
        row["deadline"]["citation"].as_str().unwrap().contains("CFR"),
        "{row}"
    );
    let (errors, warnings) = check_counts(HER2);
    assert_eq!(row["errors"], errors);
    assert_eq!(row["warnings"], warnings);
    assert_eq!(row["error"], serde_json::Value::Null);
}

#[test]
fn manifest_never_replaces_another_file() {
    let env = TestEnv::new();
    env.write("notes.csv", "patient,called\nJane,yes\n");
    env.run([
        "batch",
        HER2,
        "-o",
        "[ROOT]/out",
        "--manifest",
        "[ROOT]/notes.csv",
    ])
    .code(2)
    .stderr_has("notes.csv: already exists and is not a manifest `appeal batch` wrote");
    assert_eq!(env.read("notes.csv"), "patient,called\nJane,yes\n");
    assert!(env.files("out").is_empty(), "nothing is written");
    env.run([
        "batch",
        HER2,
        "--format",
        "md",
        "-o",
        "[ROOT]",
        "--manifest",
        "[ROOT]/her2-out-of-network.md",
    ])
    .code(2)
    .stderr_has("--manifest names a file that examples/her2-out-of-network.toml may write");
}

#[test]
fn deadlines_out_writes_the_calendar_into_a_folder() {
    let env = TestEnv::new();
    env.run(["deadlines", HER2, "-o", "[ROOT]/cal"])
        .success()
        .stdout_has("wrote ")
        .stdout_has("cal/her2-out-of-network.ics");
    let ics = env.read("cal/her2-out-of-network.ics");
    assert!(ics.starts_with("BEGIN:VCALENDAR"), "{ics}");
    assert!(ics.contains("BEGIN:VEVENT"), "{ics}");
    env.run(["deadlines", HER2, "-o", "[ROOT]/cal", "--ics", "[ROOT]/x.ics"])
        .code(2)
        .stderr_has("cannot be used with");
}
