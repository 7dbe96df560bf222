//! End-to-end tests through the `appeal` binary: what users see on the terminal and in the files.

mod common;

use common::{appeal, files_in, packet_markdown, root, visible_text};
use predicates::prelude::*;

const HER2: &str = "examples/her2-out-of-network.toml";

fn render_md(case: &str, extra: &[&str]) -> String {
    let out = tempfile::tempdir().unwrap();
    appeal()
        .args(["render", case, "--format", "md", "-o"])
        .arg(out.path())
        .args(extra)
        .assert()
        .success();
    let stem = std::path::Path::new(case)
        .file_stem()
        .unwrap()
        .to_string_lossy()
        .to_string();
    std::fs::read_to_string(out.path().join(format!("{stem}.md"))).unwrap()
}

/// Writes `text` as a case file in a temporary folder; returns (folder, path).
fn case_file(text: &str) -> (tempfile::TempDir, std::path::PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("case.toml");
    std::fs::write(&path, text).unwrap();
    (dir, path)
}

/// Renders case `text` to Markdown; returns the output folder (kept alive) and the letter.
fn render_text(text: &str) -> (tempfile::TempDir, String) {
    let (_dir, path) = case_file(text);
    let out = tempfile::tempdir().unwrap();
    appeal()
        .args(["render", "--format", "md", "-o"])
        .arg(out.path())
        .arg(&path)
        .assert()
        .success();
    let md = std::fs::read_to_string(out.path().join("case.md")).unwrap();
    (out, md)
}

fn example(name: &str) -> String {
    std::fs::read_to_string(root().join(name)).unwrap()
}

#[test]
fn render_writes_markdown_with_the_letter_parts() {
    let md = render_md(HER2, &[]);
    for part in [
        "+++\ntitle = \"Appeal of denied coverage for Maria Lopez\"",
        "**Re: Appeal of the denial of outpatient hematology/oncology consultation and follow-up**",
        "Member ID: PHX-448120-01",
        "> Specialty care from a non-participating provider is not covered",
        "## Medical history",
        "## Continuity of an established care relationship",
        "## What I am asking for",
        "Sincerely,",
        "## Enclosures",
        "## References",
    ] {
        assert!(md.contains(part), "missing {part:?} in\n{md}");
    }
    // A patient letter speaks in the first person and never calls the patient "my patient".
    assert!(!md.contains("my patient"), "{md}");
}

#[test]
fn render_never_overwrites_without_force() {
    let out = tempfile::tempdir().unwrap();
    let run = || {
        appeal()
            .args(["render", HER2, "--format", "md", "-o"])
            .arg(out.path())
            .assert()
    };
    run()
        .success()
        .stdout(predicate::str::contains("her2-out-of-network.md"));
    run()
        .code(2)
        .stderr(predicate::str::contains("already exists").and(predicate::str::contains("--force")));
    appeal()
        .args(["render", HER2, "--format", "md", "--force", "-o"])
        .arg(out.path())
        .assert()
        .success();
}

#[test]
fn render_says_the_signer_decides() {
    let out = tempfile::tempdir().unwrap();
    appeal()
        .args(["render", HER2, "--format", "md", "-o"])
        .arg(out.path())
        .assert()
        .success()
        .stderr(predicate::str::contains("appeal drafts; you decide"));
}

#[test]
fn same_input_gives_the_same_bytes() {
    assert_eq!(render_md(HER2, &[]), render_md(HER2, &[]));
}

#[test]
fn a_bad_case_among_good_ones_writes_nothing() {
    let out = tempfile::tempdir().unwrap();
    appeal()
        .args([
            "render",
            HER2,
            "tests/bad/npi-check-digit.toml",
            "--format",
            "md",
            "-o",
        ])
        .arg(out.path())
        .assert()
        .code(2)
        .stderr(predicate::str::starts_with(
            "error: tests/bad/npi-check-digit.toml:9:7:",
        ));
    assert!(files_in(out.path()).is_empty());
}

#[test]
fn case_text_prints_literally() {
    let hostile = r#"*bold* _em_ [link](http://x.example) <script>alert(1)</script> # not a heading {{ case.patient.name }} {% if true %}x{% endif %} | a | b | `code` \ 1. two"#;
    let text = example(HER2).replace(
        "quote = \"Specialty care from a non-participating provider is not covered when the service can be provided by a participating specialist.\"",
        &format!("quote = '''{hostile}'''"),
    );
    let text = text.replace(
        "name = \"Maria Lopez\"\naddress",
        "name = \"<b>Maria</b> *Lopez*\"\naddress",
    );
    let (_out, md) = render_text(&text);
    let shown = visible_text(&md);
    assert!(
        shown.contains(hostile),
        "the quote must read back literally:\n{shown}"
    );
    assert!(shown.contains("<b>Maria</b> *Lopez*"), "{shown}");
    // Nothing from the case became structure: no link, no HTML, and the same headings as the
    // letter made from the unmodified example.
    use pulldown_cmark::{Event, Options, Parser, Tag};
    let structure = |md: &str| {
        Parser::new_ext(md, Options::ENABLE_PLUSES_DELIMITED_METADATA_BLOCKS)
            .filter(|e| {
                matches!(
                    e,
                    Event::Start(Tag::Link { .. } | Tag::Image { .. } | Tag::Heading { .. } | Tag::HtmlBlock)
                        | Event::Html(_)
                        | Event::InlineHtml(_)
                        | Event::Code(_)
                )
            })
            .count()
    };
    assert_eq!(structure(&md), structure(&render_md(HER2, &[])), "{md}");
}

#[test]
fn explain_lists_every_block_with_reasons() {
    let output = appeal().args(["explain", HER2]).output().unwrap();
    assert!(output.status.success());
    let text = String::from_utf8(output.stdout).unwrap();
    let ids: Vec<&str> = text
        .lines()
        .filter(|l| l.starts_with("used") || l.starts_with("skipped") || l.starts_with("MISSING"))
        .map(|l| l.split_whitespace().nth(1).unwrap())
        .collect();
    assert_eq!(ids.len(), 13, "{text}");
    assert!(text.contains("used    continuity-of-care"), "{text}");
    assert!(text.contains("skipped sarcoma-center"), "{text}");
    assert!(text.contains("none of diagnosis.rare is given"), "{text}");
}

#[test]
fn explain_json_has_the_contract_fields() {
    let output = appeal().args(["explain", HER2, "--json"]).output().unwrap();
    assert!(output.status.success());
    let v: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    let blocks = v["blocks"].as_array().unwrap();
    assert_eq!(blocks.len(), 13);
    for b in blocks {
        assert!(b["id"].is_string() && b["selected"].is_boolean() && b["reason"].is_string());
        assert!(b["missing"].is_array() && b["citations"].is_array());
    }
    // The citation order is the order of first citation in the letter, and every cited key
    // belongs to a selected block.
    let order: Vec<&str> = v["citations"]
        .as_array()
        .unwrap()
        .iter()
        .map(|k| k.as_str().unwrap())
        .collect();
    assert!(!order.is_empty());
    for key in &order {
        assert!(
            blocks.iter().any(|b| b["selected"] == true
                && b["citations"].as_array().unwrap().iter().any(|c| c == key)),
            "{key}"
        );
    }
    let md = render_md(HER2, &[]);
    let refs = md.split("## References").nth(1).unwrap();
    assert_eq!(
        refs.lines()
            .filter(|l| l.chars().next().is_some_and(|c| c.is_ascii_digit()))
            .count(),
        order.len()
    );
}

#[test]
fn explain_shows_overrides() {
    let text = example(HER2).replacen(
        "[[enclosures]]",
        "[arguments]\nexclude = [\"continuity-of-care\"]\n\n[[enclosures]]",
        1,
    );
    let (_dir, path) = case_file(&text);
    let output = appeal().arg("explain").arg(&path).output().unwrap();
    let text = String::from_utf8(output.stdout).unwrap();
    assert!(text.contains("skipped continuity-of-care"), "{text}");
    assert!(text.contains("left out by [arguments] exclude"), "{text}");
}

#[test]
fn check_passes_for_a_case_that_is_ready() {
    appeal()
        .args(["check", "examples/her2-non-preferred-drug.toml"])
        .assert()
        .success()
        .stdout(predicate::str::contains("ready to send"));
}

#[test]
fn check_reports_a_block_that_applies_without_its_facts() {
    // Remove the guidelines, then include the block that needs them.
    let text = example(HER2);
    let start = text.find("[[guidelines]]").unwrap();
    let end = text[start..].find("[[enclosures]]").unwrap() + start;
    let text = format!("{}{}", &text[..start], &text[end..]).replacen(
        "[[enclosures]]",
        "[arguments]\ninclude = [\"guideline-concordance\"]\n\n[[enclosures]]",
        1,
    );
    let (_dir, path) = case_file(&text);
    appeal()
        .arg("check")
        .arg(&path)
        .assert()
        .code(1)
        .stdout(predicate::str::contains(
            "(guideline-concordance) applies, but the case lacks guidelines",
        ));
}

#[test]
fn provider_letter_never_speaks_as_the_patient() {
    let md = render_md("examples/her2-non-preferred-drug.toml", &[]);
    assert!(md.contains("my patient"), "{md}");
    for first_person in ["I have cancer", "my cancer", "My cancer", "I was diagnosed"] {
        assert!(
            !md.contains(first_person),
            "{first_person:?} in a provider letter:\n{md}"
        );
    }
    assert!(md.contains("NPI 1234567893"), "{md}");
}

#[test]
fn unknown_citation_key_in_a_block_names_the_file_and_key() {
    let templates = tempfile::tempdir().unwrap();
    std::fs::create_dir(templates.path().join("blocks")).unwrap();
    let block = std::fs::read_to_string(root().join("templates/blocks/continuity-of-care.md")).unwrap();
    let block = block.replace("cites = [", "cites = [\"no-such-key-2026\", ");
    std::fs::write(templates.path().join("blocks/continuity-of-care.md"), block).unwrap();
    appeal()
        .args(["explain", HER2, "--templates"])
        .arg(templates.path())
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "continuity-of-care.md: cites reference `no-such-key-2026`",
        ));
}

#[test]
fn template_syntax_error_is_located() {
    let templates = tempfile::tempdir().unwrap();
    std::fs::write(
        templates.path().join("letter.md"),
        "Dear {{ case.patient.name }\n",
    )
    .unwrap();
    appeal()
        .args([
            "render",
            HER2,
            "--format",
            "md",
            "-o",
            "/nonexistent-never-written",
            "--templates",
        ])
        .arg(templates.path())
        .assert()
        .code(2)
        .stderr(predicate::str::contains("letter.md:1:").and(predicate::str::contains("hint:")));
}

#[test]
fn broken_user_library_is_reported_with_its_location() {
    let dir = tempfile::tempdir().unwrap();
    let bib = dir.path().join("mine.bib");
    std::fs::write(&bib, "@article{good2020,\n  title = {Fine},\n  year = {2020}\n}\n\n@article{broken,\n  title = {Unclosed\n").unwrap();
    appeal()
        .args(["render", HER2, "--format", "md", "-o"])
        .arg(dir.path().join("out"))
        .arg("--library")
        .arg(&bib)
        .assert()
        .code(2)
        .stderr(predicate::str::contains("mine.bib:7:11: broken entry skipped"));
    assert!(!dir.path().join("out").exists());
}

#[cfg(unix)]
#[test]
fn unwritable_output_folder_is_an_error_and_leaves_nothing() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let locked = dir.path().join("locked");
    std::fs::create_dir(&locked).unwrap();
    std::fs::set_permissions(&locked, std::fs::Permissions::from_mode(0o500)).unwrap();
    // Root ignores permissions; only assert when the folder really is read-only for us.
    if std::fs::write(locked.join("probe"), b"x").is_ok() {
        return;
    }
    appeal()
        .args(["render", HER2, "--format", "md", "-o"])
        .arg(&locked)
        .assert()
        .code(2)
        .stderr(predicate::str::contains("cannot write"));
    assert!(files_in(&locked).is_empty());
}

#[test]
fn batch_keeps_going_and_summarises() {
    let out = tempfile::tempdir().unwrap();
    appeal()
        .args([
            "batch",
            "examples",
            "tests/bad/unknown-voice.toml",
            "--format",
            "md",
            "-o",
        ])
        .arg(out.path())
        .assert()
        .code(1)
        .stdout(
            predicate::str::contains("rendered 4 of 5 cases").and(predicate::str::contains(
                "tests/bad/unknown-voice.toml:5:9: unknown value `lawyer`",
            )),
        );
    assert_eq!(files_in(out.path()).len(), 4);
}

const EXAMPLES: [&str; 4] = [
    "examples/her2-out-of-network.toml",
    "examples/sarcoma-center-referral.toml",
    "examples/her2-non-preferred-drug.toml",
    "examples/ppo-second-opinion.toml",
];

#[test]
fn every_kind_renders_for_every_example_in_the_right_voice() {
    for example in EXAMPLES {
        let provider = example.contains("non-preferred");
        for kind in [
            "appeal",
            "medical-necessity",
            "external-review",
            "claim-file-request",
            "peer-to-peer-brief",
        ] {
            let provider_kind = matches!(kind, "medical-necessity" | "peer-to-peer-brief");
            if provider_kind && !provider {
                // A patient or representative cannot sign a provider's letter: clear error.
                appeal()
                    .args([
                        "render",
                        example,
                        "--format",
                        "md",
                        "-o",
                        "/nonexistent-never-written",
                        "--kind",
                        kind,
                    ])
                    .assert()
                    .code(2)
                    .stderr(predicate::str::contains(
                        "written and signed by the treating provider",
                    ));
                continue;
            }
            let md = render_md(example, &["--kind", kind]);
            assert!(md.starts_with("+++\ntitle = "), "{example} {kind}");
            if provider || provider_kind {
                for first_person in ["my cancer", "I have cancer", "I was diagnosed", "my diagnosis"] {
                    assert!(
                        !md.contains(first_person),
                        "{example} {kind}: {first_person:?}\n{md}"
                    );
                }
            } else {
                assert!(!md.contains("my patient"), "{example} {kind}:\n{md}");
            }
        }
    }
}

#[test]
fn packet_writes_the_letters_that_fit_the_case() {
    let out = packet_markdown("examples/her2-non-preferred-drug.toml");
    assert_eq!(
        files_in(out.path()),
        [
            "her2-non-preferred-drug-claim-file-request.md",
            "her2-non-preferred-drug-medical-necessity.md",
            "her2-non-preferred-drug-next-steps.md",
            "her2-non-preferred-drug.md",
        ]
    );
}

#[test]
fn unverified_rules_never_become_dates_or_facts() {
    // Medicare Advantage's claim-file right is tagged UNVERIFIED in rules/medicare-advantage.toml:
    // the letter must not assert it. State-regulated plans have no verified figures at all.
    let ma = example(HER2).replace("regulation = \"erisa\"", "regulation = \"medicare-advantage\"");
    let (_out, md) = render_text(&ma);
    let rules = std::fs::read_to_string(root().join("rules/medicare-advantage.toml")).unwrap();
    let table: toml::Table = rules.parse().unwrap();
    let claim_file = &table["claim_file"];
    assert_eq!(claim_file["tag"].as_str(), Some("UNVERIFIED"));
    let citation = claim_file["citation"].as_str().unwrap();
    assert!(
        !md.contains(citation),
        "an UNVERIFIED citation was printed:\n{md}"
    );

    let state = example(HER2).replace("regulation = \"erisa\"", "regulation = \"state-regulated\"");
    let (_dir2, path2) = case_file(&state);
    let output = appeal().arg("deadlines").arg(&path2).output().unwrap();
    assert!(output.status.success());
    let text = String::from_utf8(output.stdout).unwrap();
    assert!(
        text.contains("no verified date: use the date on your denial notice"),
        "{text}"
    );
    assert!(
        !text.contains("  in "),
        "no countdown without a verified figure:\n{text}"
    );
    let (out2, _) = render_text(&state);
    let sheet = std::fs::read_to_string(out2.path().join("case-next-steps.md")).unwrap();
    assert!(sheet.contains("use the date on your denial notice"), "{sheet}");
}

#[test]
fn deadlines_json_and_calendar() {
    let out = tempfile::tempdir().unwrap();
    let ics = out.path().join("deadlines.ics");
    let output = appeal()
        .args(["deadlines", HER2, "--json", "--ics"])
        .arg(&ics)
        .output()
        .unwrap();
    assert!(output.status.success());
    let json: serde_json::Value = serde_json::from_slice(
        output
            .stdout
            .split(|&b| b == b'\n')
            .take_while(|l| !l.starts_with(b"wrote"))
            .collect::<Vec<_>>()
            .join(&b'\n')
            .as_slice(),
    )
    .unwrap();
    let first = &json["items"][0];
    assert_eq!(first["id"], "file-internal-appeal");
    // ERISA: 180 days after receipt (2026-11-06) is 2027-05-05.
    assert_eq!(first["date"], "2027-05-05");
    assert!(
        first["citation"]
            .as_str()
            .unwrap()
            .starts_with("29 CFR 2560.503-1(h)(3)(i)")
    );
    let calendar = std::fs::read_to_string(&ics).unwrap();
    assert!(calendar.contains("DTSTART;VALUE=DATE:20270505\r\n"), "{calendar}");
    assert!(calendar.contains("TRIGGER:-P7D\r\n") && calendar.contains("TRIGGER:-P2D\r\n"));
}

#[test]
fn refs_check_reports_and_exits_one() {
    let dir = tempfile::tempdir().unwrap();
    let bib = dir.path().join("mine.bib");
    std::fs::write(
        &bib,
        "@article{a1,\n  title = {One},\n  journal = {J},\n  year = {2020},\n  doi = {not-a-doi},\n  keywords = {no-such-tag}\n}\n@article{a1,\n  title = {Two},\n  year = {2021}\n}\n",
    )
    .unwrap();
    let output = appeal().args(["refs", "check"]).arg(&bib).output().unwrap();
    assert_eq!(output.status.code(), Some(1));
    let text = String::from_utf8(output.stdout).unwrap();
    for needle in [
        "mine.bib:8:",
        "duplicate",
        "not-a-doi",
        "no-such-tag",
        "unverified",
    ] {
        assert!(text.contains(needle), "{needle:?} missing:\n{text}");
    }
}

#[test]
fn refs_list_show_search_tags_styles() {
    let list = appeal()
        .args(["refs", "list", "--tag", "palliative-care"])
        .output()
        .unwrap();
    let text = String::from_utf8(list.stdout).unwrap();
    assert!(
        text.contains("temel2010early") && text.contains("sanders2024palliative"),
        "{text}"
    );
    let show = appeal()
        .args(["refs", "show", "temel2010early"])
        .output()
        .unwrap();
    let text = String::from_utf8(show.stdout).unwrap();
    assert!(
        text.contains("Temel JS, Greer JA, Muzikansky A, et al."),
        "{text}"
    );
    let search = appeal().args(["refs", "search", "CLEOPATRA"]).output().unwrap();
    assert!(
        String::from_utf8(search.stdout)
            .unwrap()
            .contains("swain2013overall")
    );
    let tags = appeal().args(["refs", "tags"]).output().unwrap();
    assert!(
        String::from_utf8(tags.stdout)
            .unwrap()
            .contains("palliative-care")
    );
    let styles = appeal().args(["refs", "styles"]).output().unwrap();
    let text = String::from_utf8(styles.stdout).unwrap();
    assert!(
        text.contains("american-medical-association") && text.contains("vancouver"),
        "{text}"
    );
}

#[test]
fn vancouver_style_changes_the_reference_list() {
    let ama = render_md(HER2, &[]);
    let vancouver = render_md(HER2, &["--style", "vancouver"]);
    let refs = |md: &str| md.split("## References").nth(1).unwrap().to_string();
    assert_ne!(refs(&ama), refs(&vancouver));
    assert!(
        refs(&vancouver).contains("Temel JS, Greer JA, Muzikansky A"),
        "{vancouver}"
    );
}
