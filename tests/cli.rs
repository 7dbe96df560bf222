//! End-to-end tests through the `appeal` binary: what users see on the terminal and in the files.

mod common;

use common::{Case, HER2, TestEnv, render_case, repo_file, run_case, visible};

/// Renders `case` (a path from the repository root) as Markdown; returns the letter.
fn render_md(case: &str, extra: &[&str]) -> String {
    let stem = std::path::Path::new(case)
        .file_stem()
        .unwrap()
        .to_string_lossy()
        .to_string();
    TestEnv::new().render_md(case, extra).file(&format!("{stem}.md"))
}

fn her2() -> Case {
    Case::example("her2-out-of-network.toml")
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
    let env = TestEnv::new();
    let args = ["render", HER2, "--format", "md", "-o", "[ROOT]"];
    env.run(args).success().stdout_has("her2-out-of-network.md");
    env.run(args)
        .code(2)
        .stderr_has("already exists")
        .stderr_has("--force");
    env.run(["render", HER2, "--format", "md", "--force", "-o", "[ROOT]"])
        .success();
}

#[test]
fn render_says_the_signer_decides() {
    TestEnv::new()
        .render_md(HER2, &[])
        .stderr_has("appeal drafts; you decide");
}

#[test]
fn same_input_gives_the_same_bytes() {
    assert_eq!(render_md(HER2, &[]), render_md(HER2, &[]));
}

#[test]
fn a_bad_case_among_good_ones_writes_nothing() {
    let env = TestEnv::new();
    env.run([
        "render",
        HER2,
        "tests/bad/npi-check-digit.toml",
        "--format",
        "md",
        "-o",
        "[ROOT]",
    ])
    .code(2)
    .stderr_starts_with("error: tests/bad/npi-check-digit.toml:9:7:");
    assert!(env.files("").is_empty());
}

#[test]
fn case_text_prints_literally() {
    let hostile = r#"*bold* _em_ [link](http://x.example) <script>alert(1)</script> # not a heading {{ case.patient.name }} {% if true %}x{% endif %} | a | b | `code` \ 1. two"#;
    let case = her2()
        .replace(
            "quote = \"Specialty care from a non-participating provider is not covered when the service can be provided by a participating specialist.\"",
            &format!("quote = '''{hostile}'''"),
        )
        .replace(
            "name = \"Maria Lopez\"\naddress",
            "name = \"<b>Maria</b> *Lopez*\"\naddress",
        );
    let md = render_case(&case, &[]).file("case.md");
    let shown = visible(&md);
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
    let run = TestEnv::new().run(["explain", HER2]);
    let text = run.success().stdout();
    let ids: Vec<&str> = text
        .lines()
        .filter(|l| l.starts_with("used") || l.starts_with("skipped") || l.starts_with("MISSING"))
        .map(|l| l.split_whitespace().nth(1).unwrap())
        .collect();
    assert_eq!(ids.len(), appeal::catalog::BUNDLED_BLOCKS.len(), "{text}");
    run.stdout_has("used    continuity-of-care")
        .stdout_has("skipped sarcoma-center")
        .stdout_has("none of diagnosis.rare is given")
        // A missing table is "not given"; a yes/no fact set to false is "false".
        .stdout_has("the case does not give imaging.modality");
}

#[test]
fn explain_json_has_the_contract_fields() {
    let v = TestEnv::new().run(["explain", HER2, "--json"]).success().json();
    let blocks = v["blocks"].as_array().unwrap();
    assert_eq!(blocks.len(), appeal::catalog::BUNDLED_BLOCKS.len());
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
    let case = her2().insert_before(
        "[[enclosures]]",
        "[arguments]\nexclude = [\"continuity-of-care\"]\n\n",
    );
    run_case("explain", &case, &[])
        .stdout_has("skipped continuity-of-care")
        .stdout_has("left out by [arguments] exclude");
}

#[test]
fn check_passes_for_a_case_that_is_ready() {
    TestEnv::new()
        .run(["check", "examples/her2-non-preferred-drug.toml"])
        .success()
        .stdout_has("ready to send");
}

#[test]
fn check_reports_a_block_that_applies_without_its_facts() {
    // Remove the guidelines, then include the block that needs them.
    let case = her2()
        .remove_between("[[guidelines]]", "[[enclosures]]")
        .insert_before(
            "[[enclosures]]",
            "[arguments]\ninclude = [\"guideline-concordance\"]\n\n",
        );
    run_case("check", &case, &[])
        .code(1)
        .stdout_has("(guideline-concordance) applies, but the case lacks guidelines");
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
    let env = TestEnv::new();
    let block = repo_file("templates/blocks/continuity-of-care.md")
        .replace("cites = [", "cites = [\"no-such-key-2026\", ");
    env.write("templates/blocks/continuity-of-care.md", block);
    env.run(["explain", HER2, "--templates", "[ROOT]/templates"])
        .code(2)
        .stderr_has("continuity-of-care.md: cites reference `no-such-key-2026`");
}

#[test]
fn template_syntax_error_is_located() {
    let env = TestEnv::new();
    env.write("letter.md", "Dear {{ case.patient.name }\n");
    env.run([
        "render",
        HER2,
        "--format",
        "md",
        "-o",
        "/nonexistent-never-written",
        "--templates",
        "[ROOT]",
    ])
    .code(2)
    .stderr_has("letter.md:1:")
    .stderr_has("hint:");
}

#[test]
fn broken_user_library_entry_is_a_located_warning() {
    let env = TestEnv::new();
    env.write(
        "mine.bib",
        "@article{good2020,\n  title = {Fine},\n  year = {2020}\n}\n\n@article{broken,\n  title = {Unclosed\n",
    );
    env.run([
        "render",
        HER2,
        "--format",
        "md",
        "-o",
        "[ROOT]/out",
        "--library",
        "[ROOT]/mine.bib",
    ])
    .success()
    .stderr_has("warning: ")
    .stderr_has("/mine.bib:7:11: broken entry skipped");
    // Nothing cites the broken entry: the letter is written (tests/libraries.rs has the
    // letter that cites one, which fails).
    assert!(env.exists("out/her2-out-of-network.md"));
}

#[cfg(unix)]
#[test]
fn unwritable_output_folder_is_an_error_and_leaves_nothing() {
    use std::os::unix::fs::PermissionsExt;
    let env = TestEnv::new();
    let locked = env.join("locked");
    std::fs::create_dir(&locked).unwrap();
    std::fs::set_permissions(&locked, std::fs::Permissions::from_mode(0o500)).unwrap();
    // Root ignores permissions; only assert when the folder really is read-only for us.
    if std::fs::write(locked.join("probe"), b"x").is_ok() {
        return;
    }
    env.run(["render", HER2, "--format", "md", "-o", "[ROOT]/locked"])
        .code(2)
        .stderr_has("cannot write");
    assert!(env.files("locked").is_empty());
}

#[test]
fn batch_keeps_going_and_summarises() {
    let env = TestEnv::new();
    env.run([
        "batch",
        "examples",
        "tests/bad/unknown-voice.toml",
        "--format",
        "md",
        "-o",
        "[ROOT]",
    ])
    .code(1)
    .stdout_has("rendered 4 of 5 cases")
    .stdout_has("tests/bad/unknown-voice.toml:5:9: unknown value `lawyer`");
    assert_eq!(env.files("").len(), 4);
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
            "complaint",
        ] {
            let provider_kind = matches!(kind, "medical-necessity" | "peer-to-peer-brief");
            if provider_kind && !provider {
                // A patient or representative cannot sign a provider's letter: clear error.
                TestEnv::new()
                    .run([
                        "render",
                        example,
                        "--format",
                        "md",
                        "-o",
                        "/nonexistent-never-written",
                        "--kind",
                        kind,
                    ])
                    .code(2)
                    .stderr_has("written and signed by the treating provider");
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
    let env = TestEnv::new();
    env.packet_md("examples/her2-non-preferred-drug.toml");
    assert_eq!(
        env.files(""),
        [
            "her2-non-preferred-drug-claim-file-request.md",
            "her2-non-preferred-drug-fax-cover.md",
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
    let ma = her2().replace("regulation = \"erisa\"", "regulation = \"medicare-advantage\"");
    let md = render_case(&ma, &[]).file("case.md");
    let table: toml::Table = repo_file("rules/medicare-advantage.toml").parse().unwrap();
    let claim_file = &table["claim_file"];
    assert_eq!(claim_file["tag"].as_str(), Some("UNVERIFIED"));
    let citation = claim_file["citation"].as_str().unwrap();
    assert!(
        !md.contains(citation),
        "an UNVERIFIED citation was printed:\n{md}"
    );

    let state = her2().replace("regulation = \"erisa\"", "regulation = \"state-regulated\"");
    run_case("deadlines", &state, &[])
        .success()
        .stdout_has("no verified date: use the date on your denial notice")
        // No countdown without a verified figure.
        .stdout_lacks("  in ");
    let sheet = render_case(&state, &[]).file("case-next-steps.md");
    assert!(sheet.contains("use the date on your denial notice"), "{sheet}");
}

#[test]
fn deadlines_json_and_calendar() {
    let env = TestEnv::new();
    let run = env.run(["deadlines", HER2, "--json", "--ics", "[ROOT]/deadlines.ics"]);
    run.success();
    let json: serde_json::Value = serde_json::from_slice(
        run.stdout_bytes()
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
    let calendar = env.read("deadlines.ics");
    assert!(calendar.contains("DTSTART;VALUE=DATE:20270505\r\n"), "{calendar}");
    assert!(calendar.contains("TRIGGER:-P7D\r\n") && calendar.contains("TRIGGER:-P2D\r\n"));
}

#[test]
fn refs_check_reports_and_exits_one() {
    let env = TestEnv::new();
    env.write(
        "mine.bib",
        "@article{a1,\n  title = {One},\n  journal = {J},\n  year = {2020},\n  doi = {not-a-doi},\n  keywords = {no-such-tag}\n}\n@article{a1,\n  title = {Two},\n  year = {2021}\n}\n",
    );
    let run = env.run(["refs", "check", "[ROOT]/mine.bib"]);
    run.code(1);
    for needle in [
        "mine.bib:8:",
        "duplicate",
        "not-a-doi",
        "no-such-tag",
        "unverified",
    ] {
        run.stdout_has(needle);
    }
}

#[test]
fn refs_list_show_search_tags_styles() {
    let env = TestEnv::new();
    env.run(["refs", "list", "--tag", "palliative-care"])
        .stdout_has("temel2010early")
        .stdout_has("sanders2024palliative");
    env.run(["refs", "show", "temel2010early"])
        .stdout_has("Temel JS, Greer JA, Muzikansky A, et al.");
    env.run(["refs", "search", "CLEOPATRA"])
        .stdout_has("swain2013overall");
    env.run(["refs", "tags"]).stdout_has("palliative-care");
    env.run(["refs", "styles"])
        .stdout_has("american-medical-association")
        .stdout_has("vancouver");
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

#[test]
fn example_prints_a_bundled_case_that_renders_and_lists_them_all() {
    let env = TestEnv::new();
    env.run(["example"])
        .success()
        .stdout_has("her2-out-of-network")
        .stdout_has("sarcoma-center-referral");
    let printed = env
        .run(["example", "ppo-second-opinion"])
        .success()
        .stdout()
        .to_string();
    assert_eq!(printed, common::repo_file("examples/ppo-second-opinion.toml"));
    // What it prints is a case file as it stands.
    let path = env.case("mine.toml", &printed);
    env.run(["check".as_ref(), path.as_os_str()]).success();
    env.run(["example", "ppo-second-opnion"])
        .code(2)
        .stderr_has("there is no example named `ppo-second-opnion`")
        .stderr_has("did you mean `ppo-second-opinion`?");
}

#[test]
fn completions_and_the_manual_page_are_generated() {
    let env = TestEnv::new();
    for shell in ["bash", "zsh", "fish", "elvish", "powershell"] {
        env.run(["completions", shell])
            .success()
            .stdout_has("render")
            .stdout_has("deadlines");
    }
    env.run(["man"])
        .success()
        .stdout_has(".TH appeal 1")
        .stdout_has("render");
}

#[test]
fn an_advocates_finding_reaches_the_block_it_is_tagged_for() {
    // tests/fixtures/advocate-findings.bib: one verified entry with a `finding`, tagged
    // palliative-care, and one unverified entry with hostile text.
    let env = TestEnv::new();
    let out = env
        .run([
            "render",
            HER2,
            "--library",
            "tests/fixtures/advocate-findings.bib",
            "--format",
            "md",
            "-o",
            "[ROOT]",
        ])
        .success()
        .file("her2-out-of-network.md");
    assert!(
        out.contains("Further published findings:\n\n- In a cluster-randomised trial of 461 patients with advanced cancer, early palliative care improved quality of life at four months [5]."),
        "{out}"
    );
    assert!(out.contains("5. Zimmermann C, Swami N."), "{out}");
    assert!(
        !out.contains("hopeful"),
        "an unverified finding is not printed: {out}"
    );
    env.run([
        "explain",
        HER2,
        "--library",
        "tests/fixtures/advocate-findings.bib",
    ])
    .stdout_has("prints the findings of advocate2014early");
    // With --allow-unverified the other finding is printed, literally.
    let out = env
        .run([
            "render",
            HER2,
            "--library",
            "tests/fixtures/advocate-findings.bib",
            "--allow-unverified",
            "--format",
            "md",
            "-o",
            "[ROOT]",
            "--force",
        ])
        .success()
        .file("her2-out-of-network.md");
    assert!(out.contains("- Something \\*unconfirmed\\* \\[1\\]"), "{out}");
}

#[test]
fn the_fax_cover_counts_the_pages_that_follow_it() {
    let env = TestEnv::new();
    env.run(["render", HER2, "--packet", "-o", "[ROOT]"]).success();
    let pages = |name: &str| {
        lopdf::Document::load(env.join(name))
            .unwrap_or_else(|e| panic!("{name}: {e}"))
            .get_pages()
            .len()
    };
    // What is faxed: the cover, then every letter of the packet (not the patient's sheet).
    let total = pages("her2-out-of-network-fax-cover.pdf")
        + pages("her2-out-of-network.pdf")
        + pages("her2-out-of-network-claim-file-request.pdf");
    let cover = env.read("her2-out-of-network-fax-cover.md");
    assert!(
        cover.contains(&format!("**Pages:** {total}, including this cover sheet")),
        "{total} pages: {cover}"
    );
    assert!(cover.contains("**Fax:** (312) 555-0199"), "{cover}");
    assert!(cover.contains("confidential health information"), "{cover}");
    // On A4 the count is made again.
    env.run(["render", HER2, "--packet", "--paper", "a4", "-o", "[ROOT]/a4"])
        .success();
    assert!(
        env.read("a4/her2-out-of-network-fax-cover.md")
            .contains("**Pages:**")
    );
    // Without a fax number there is no cover sheet.
    let no_fax = Case::example("her2-out-of-network.toml").replace("fax = \"(312) 555-0199\"\n", "");
    let path = env.case("nofax.toml", no_fax.text());
    env.run([
        "render".as_ref(),
        path.as_os_str(),
        "--packet".as_ref(),
        "--format".as_ref(),
        "md".as_ref(),
        "-o".as_ref(),
        env.join("nofax").as_os_str(),
    ])
    .success();
    assert!(!env.exists("nofax/nofax-fax-cover.md"));
}

#[test]
fn init_writes_a_case_for_every_situation_that_parses_and_check_says_what_to_fill_in() {
    let env = TestEnv::new();
    for situation in [
        "out-of-network-specialist",
        "drug-exception",
        "second-opinion",
        "radiation-technique",
        "prior-authorization",
    ] {
        let file = format!("[ROOT]/{situation}.toml");
        env.run(["init", "--situation", situation, "-o", &file])
            .success()
            .stdout_has("fill it in, then run `appeal check");
        // It parses (exit 1, not 2): check lists what is still to fill in, with places.
        env.run(["check", &file])
            .code(1)
            .stdout_has("is blank")
            .stdout_has(format!("{situation}.toml:"));
    }
    env.run(["check", "[ROOT]/out-of-network-specialist.toml"])
        .stdout_has("denial.date: 1900-01-01 is the placeholder `appeal init` writes");
    env.run([
        "init",
        "--situation",
        "second-opinion",
        "--voice",
        "representative",
    ])
    .success()
    .stdout_has("voice = \"representative\"");
    env.run(["init", "-o", "[ROOT]/second-opinion.toml"])
        .code(2)
        .stderr_has("already exists");
    env.run(["init", "--situation", "prior-authorization", "--voice", "patient"])
        .code(2)
        .stderr_has("written by the treating provider");
}

#[test]
fn tags_a_reference_manager_adds_are_ignored_unless_strict() {
    let env = TestEnv::new();
    env.write(
        "zotero.bib",
        "@article{smith2020x,\n  title = {X},\n  doi = {https://doi.org/10.1000/x1},\n  keywords = {palliative-care, Humans, Middle Aged},\n  verification = {verified}\n}\n",
    );
    env.run(["refs", "check", "[ROOT]/zotero.bib"])
        .success()
        .stdout_has("2 tags outside the vocabulary were ignored: Humans, Middle Aged")
        .stdout_has("no problems");
    env.run(["refs", "check", "--strict", "[ROOT]/zotero.bib"])
        .code(1)
        .stdout_has("tag `Humans` is not in the vocabulary")
        .stdout_has("tag `Middle Aged` is not in the vocabulary");
}
