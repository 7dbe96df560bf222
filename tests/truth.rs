//! Letters claim only what is true for this patient, and `check` means "ready to send".
//!
//! Each test drafts a case unlike the examples (another plan type, cancer or voice) and reads
//! what a user would see: the letter, the next-steps sheet, `check` and `explain`.

mod common;

use common::{appeal, root};

/// What a reader sees, with runs of whitespace as one space.
fn visible_text(markdown: &str) -> String {
    common::visible_text(markdown)
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}
use predicates::prelude::*;

/// Renders `case` (from the repository root) with `--packet` as Markdown; returns the folder.
fn packet(case: &str) -> tempfile::TempDir {
    common::packet_markdown(case)
}

fn read(dir: &tempfile::TempDir, name: &str) -> String {
    std::fs::read_to_string(dir.path().join(name)).unwrap_or_else(|e| panic!("{name}: {e}"))
}

/// Writes `text` as `case.toml` in a new folder.
fn case_file(text: &str) -> (tempfile::TempDir, std::path::PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("case.toml");
    std::fs::write(&path, text).unwrap();
    (dir, path)
}

fn fixture(name: &str) -> String {
    std::fs::read_to_string(root().join("tests/cases").join(name)).unwrap()
}

/// `appeal check` on `text`: (exit code, stdout).
fn check(text: &str) -> (i32, String) {
    let (_dir, path) = case_file(text);
    let out = appeal().arg("check").arg(&path).output().unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8(out.stdout).unwrap(),
    )
}

/// Renders `text` as one Markdown letter; returns (letter, next-steps sheet).
fn render(text: &str, extra: &[&str]) -> (String, String) {
    let (dir, path) = case_file(text);
    appeal()
        .arg("render")
        .arg(&path)
        .args(["--format", "md", "-o"])
        .arg(dir.path())
        .args(extra)
        .assert()
        .success();
    let sheet = std::fs::read_to_string(dir.path().join("case-next-steps.md")).unwrap_or_default();
    (
        std::fs::read_to_string(dir.path().join("case.md")).unwrap(),
        sheet,
    )
}

const SOFT_TISSUE_STUDIES: [&str; 4] = ["Gutierrez", "Abarca", "Voss", "Soft Tissue Sarcoma, Version"];

#[test]
fn medicaid_letter_names_the_state_fair_hearing_and_the_optional_review() {
    let out = packet("tests/cases/medicaid-concurrent.toml");
    let letter = visible_text(&read(&out, "medicaid-concurrent.md"));
    assert!(
        letter.contains("A State fair hearing if the plan upholds its denial (42 CFR 438.408(f))"),
        "{letter}"
    );
    assert!(
        letter.contains("An external medical review, if the State offers one"),
        "{letter}"
    );
    assert!(!letter.contains("independent review organization"), "{letter}");
    // The window to keep benefits is open (letter of 2026-11-19, notice of 2026-11-12).
    assert!(letter.contains("Continued coverage of ongoing care while the appeal is pending"));
    assert!(letter.contains("Continue coverage of continued pembrolizumab"));
    let sheet = visible_text(&read(&out, "medicaid-concurrent-next-steps.md"));
    assert!(
        sheet.contains("Ask for a State fair hearing: March 12, 2027"),
        "{sheet}"
    );
    assert!(sheet.contains("120 days after the date on the notice"), "{sheet}");
    assert!(sheet.contains("Ask the State whether it offers one"), "{sheet}");
}

#[test]
fn medicaid_continuation_is_not_claimed_once_its_window_has_passed() {
    let text = fixture("medicaid-concurrent.toml").replace("date = 2026-11-19", "date = 2026-11-29");
    let (letter, sheet) = render(&text, &[]);
    let letter = visible_text(&letter);
    assert!(!letter.contains("Continued coverage of ongoing care"), "{letter}");
    assert!(!letter.contains("Continue coverage of"), "{letter}");
    let sheet = visible_text(&sheet);
    assert!(
        sheet
            .contains("Ask for your benefits to continue during the appeal: November 22, 2026, which passed"),
        "{sheet}"
    );
    assert!(sheet.contains("your benefits may not continue"), "{sheet}");
}

#[test]
fn osteosarcoma_cites_no_soft_tissue_study_and_grandfathered_plan_gets_no_external_review() {
    let out = packet("tests/cases/osteosarcoma-grandfathered.toml");
    let letter = read(&out, "osteosarcoma-grandfathered.md");
    for study in SOFT_TISSUE_STUDIES {
        assert!(
            !letter.contains(study),
            "{study} cited for osteosarcoma:\n{letter}"
        );
    }
    let text = visible_text(&letter);
    assert!(
        !text.contains("patients with soft tissue sarcoma whose"),
        "{text}"
    );
    assert!(
        text.contains("41 patients with bone sarcoma, only 4 (10%)"),
        "{text}"
    );
    assert!(
        text.contains("2,568 patients with primary bone sarcoma"),
        "{text}"
    );
    // Grandfathered: none of the 2719 rights, no external-review date.
    assert!(!text.contains("External review"), "{text}");
    assert!(!text.contains("new evidence"), "{text}");
    assert!(
        !text.contains("grandfathered under the Affordable Care Act"),
        "{text}"
    );
    let sheet = visible_text(&read(&out, "osteosarcoma-grandfathered-next-steps.md"));
    assert!(!sheet.contains("Ask for external review:"), "{sheet}");
    assert!(sheet.contains("Your plan is grandfathered"), "{sheet}");
}

#[test]
fn grandfathered_status_unknown_states_the_rights_conditionally() {
    let text = fixture("osteosarcoma-grandfathered.toml").replace("grandfathered = true\n", "");
    let (letter, sheet) = render(&text, &[]);
    let letter = visible_text(&letter);
    assert!(
        letter.contains("If his plan is not grandfathered under the Affordable Care Act, I ask the plan to honour these rights")
            || letter.contains("If his plan is not grandfathered under the Affordable Care Act, these rights also apply"),
        "{letter}"
    );
    assert!(letter.contains("External review by an independent review organization"));
    let sheet = visible_text(&sheet);
    assert!(
        sheet.contains("Ask for external review: March 10, 2027")
            && sheet.contains("Only if your plan is not grandfathered"),
        "{sheet}"
    );
    assert!(sheet.contains("summary plan description"), "{sheet}");
    let (code, out) = check(&text);
    assert_eq!(code, 0, "{out}");
    assert!(
        out.contains("warning: plan: the case does not say whether the plan is grandfathered"),
        "{out}"
    );
    // Not grandfathered: stated plainly.
    let text =
        fixture("osteosarcoma-grandfathered.toml").replace("grandfathered = true", "grandfathered = false");
    let (letter, _) = render(&text, &[]);
    let letter = visible_text(&letter);
    assert!(!letter.contains("not grandfathered"), "{letter}");
    assert!(
        letter.contains("- External review by an independent review organization")
            || letter.contains(
                "External review by an independent review organization if the plan upholds its denial (29 CFR"
            ),
        "{letter}"
    );
}

#[test]
fn fehb_next_level_is_opm_and_post_service_asks_for_payment() {
    let out = packet("tests/cases/fehb-post-service.toml");
    let letter = visible_text(&read(&out, "fehb-post-service.md"));
    assert!(
        letter.contains("Review of the claim by the Office of Personnel Management (OPM) if the carrier upholds its denial"),
        "{letter}"
    );
    assert!(!letter.contains("independent review organization"), "{letter}");
    assert!(
        letter.contains("pay the claim for expert review of the outside pathology slides provided by Capital Sarcoma Pathology on October 20, 2026, reprocessing it at the in-network level of cost sharing"),
        "{letter}"
    );
    assert!(
        letter.contains("provided on October 20, 2026. I ask you to reverse this decision and pay the claim")
    );
    for future in [
        "before further treatment decisions",
        "can see me without delay",
        "approve the request",
    ] {
        assert!(
            !letter.contains(future),
            "post-service letter says {future:?}:\n{letter}"
        );
    }
    assert!(letter.contains("I ask the plan to pay for it"), "{letter}");
}

#[test]
fn erisa_reviewer_right_says_the_fiduciary_consults_a_professional() {
    let out = packet("examples/her2-out-of-network.toml");
    let letter = visible_text(&read(&out, "her2-out-of-network.md"));
    assert!(letter.contains("plan fiduciary who did not make the first denial, who must consult a health care professional with appropriate training and experience"), "{letter}");
    assert!(!letter.contains("(h)(4)"), "{letter}");
}

#[test]
fn medicare_advantage_sheet_uses_the_earlier_date_and_says_sources_differ() {
    let text = fixture("fehb-post-service.toml")
        .replace("regulation = \"fehb\"", "regulation = \"medicare-advantage\"")
        .replace(
            "service_timing = \"post-service\"",
            "service_timing = \"pre-service\"",
        );
    let (_, sheet) = render(&text, &[]);
    let sheet = visible_text(&sheet);
    // 2026-11-02 + 60 days = 2027-01-01; + 65 days would be 2027-01-06.
    assert!(
        sheet.contains("Ask the plan for a reconsideration (your appeal): January 1, 2027"),
        "{sheet}"
    );
    assert!(sheet.contains("The sources differ on this limit"), "{sheet}");
    assert!(sheet.contains("which gives 2027-01-06"), "{sheet}");
    assert!(sheet.contains("If the date on your notice is later"), "{sheet}");
    let (dir, path) = case_file(&text);
    let ics = dir.path().join("a.ics");
    appeal()
        .arg("deadlines")
        .arg(&path)
        .arg("--ics")
        .arg(&ics)
        .assert()
        .success();
    let cal = std::fs::read_to_string(&ics).unwrap();
    assert!(cal.contains("DTSTART;VALUE=DATE:20270101"), "{cal}");
    assert!(!cal.contains("DTSTART;VALUE=DATE:20270106"), "{cal}");
}

#[test]
fn guideline_is_quoted_not_generalised_unless_the_case_says_it_supports_the_request() {
    let base = fixture("osteosarcoma-grandfathered.toml").replace(
        "[[network_attempts]]",
        "[[guidelines]]\nbody = \"NCCN\"\ntitle = \"Bone Cancer\"\nversion = \"v1.2026\"\nrecommendation = \"Treatment at a center with expertise in bone sarcoma\"\ncategory = \"2A\"\n\n[[network_attempts]]",
    );
    let (letter, _) = render(&base, &[]);
    let text = visible_text(&letter);
    assert!(!text.contains("recommend this care"), "{text}");
    assert!(!text.contains("recommends this care"), "{text}");
    assert!(
        !text.contains("follows a published clinical practice guideline"),
        "{text}"
    );
    assert!(
        text.contains("NCCN , Bone Cancer , v1.2026: “Treatment at a center with expertise in bone sarcoma” (category 2A)")
            || text.contains("“Treatment at a center with expertise in bone sarcoma” (category 2A)"),
        "{text}"
    );
    let supported = base.replace("category = \"2A\"", "category = \"2A\"\nsupports_request = true");
    let (letter, _) = render(&supported, &[]);
    let text = visible_text(&letter);
    assert!(
        text.contains("A published clinical guideline from NCCN recommends this care"),
        "{text}"
    );
    assert!(
        text.contains("follows a published clinical practice guideline"),
        "{text}"
    );
}

#[test]
fn network_inadequacy_is_claimed_only_when_every_attempt_says_so() {
    let text = fixture("osteosarcoma-grandfathered.toml");
    let (letter, _) = render(&text, &[]);
    assert!(visible_text(&letter).contains("This option could not provide the care"));
    let text = text.replace("could_provide = false", "could_provide = true");
    let (letter, _) = render(&text, &[]);
    let letter = visible_text(&letter);
    assert!(!letter.contains("could not provide"), "{letter}");
    assert!(!letter.contains("network cannot"), "{letter}");
}

// ---- check ----------------------------------------------------------------------------------

#[test]
fn check_fails_when_the_filing_deadline_has_passed_and_says_what_can_be_done() {
    // ERISA, 180 days from 2026-03-02 (no receipt date): 2026-08-29; the letter is 2026-11-19.
    let text = fixture("osteosarcoma-grandfathered.toml").replace("date = 2026-11-10", "date = 2026-03-02");
    let (code, out) = check(&text);
    assert_eq!(code, 1, "{out}");
    assert!(
        out.contains(":30:8: denial.date: the deadline to file this appeal (2026-08-29, 29 CFR 2560.503-1(h)(3)(i)) passed 82 days ago"),
        "{out}"
    );
    assert!(out.contains("hint: This date has passed"), "{out}");
}

#[test]
fn check_warns_when_the_filing_deadline_is_within_a_week() {
    // Medicaid: 60 days from the notice. 2026-09-22 + 60 = 2026-11-21, two days after the letter.
    let text = fixture("medicaid-concurrent.toml")
        .replace("date = 2026-11-12", "date = 2026-09-22")
        .replace(
            "service_timing = \"concurrent\"",
            "service_timing = \"pre-service\"",
        );
    let (code, out) = check(&text);
    assert_eq!(code, 0, "{out}");
    assert!(
        out.contains("warning: denial.date: the deadline to file this appeal is 2026-11-21, in 2 days"),
        "{out}"
    );
}

#[test]
fn check_fails_on_dates_that_cannot_be_true_together() {
    let base = fixture("osteosarcoma-grandfathered.toml");
    for (edit, expected) in [
        (
            base.replace("date = 2026-11-10", "date = 2026-11-25"),
            "denial.date: the denial (2026-11-25) is dated after the letter (2026-11-19)",
        ),
        (
            base.replace("date = 2026-11-10", "date = 2026-11-25")
                .replace("date = 2026-11-19\n", "date = 2026-12-01\n"),
            "denial.date: the denial is dated 2026-11-25, which is in the future (today is 2026-11-19)",
        ),
        (
            base.replace(
                "[[network_attempts]]",
                "[[treatments]]\nname = \"MAP chemotherapy\"\nstarted = 2026-09-01\nended = 2026-08-01\n\n[[network_attempts]]",
            ),
            "treatments.0.ended: MAP chemotherapy ends (2026-08-01) before it starts (2026-09-01)",
        ),
        (
            base.replace("sex = \"male\"", "sex = \"male\"\ndate_of_birth = 2001-05-05")
                .replace("rare = true", "rare = true\ndiagnosed = 1999-01-01"),
            "patient.date_of_birth: the patient is born (2001-05-05) after the diagnosis (1999-01-01)",
        ),
        (
            base.replace("[[network_attempts]]", "[care]\nsince = 2026-12-01\n\n[[network_attempts]]"),
            "care.since: care is said to begin on 2026-12-01, after the letter's date (2026-11-19)",
        ),
    ] {
        let (code, out) = check(&edit);
        assert_eq!(code, 1, "{expected}\n{out}");
        assert!(out.contains(expected), "expected {expected:?} in:\n{out}");
    }
}

#[test]
fn check_fails_on_blank_names_with_their_place() {
    let base = fixture("osteosarcoma-grandfathered.toml");
    for (edit, expected) in [
        (
            base.replace("name = \"Jordan Ellis\"", "name = \"   \""),
            ":21:8: patient.name: the patient's name is blank",
        ),
        (
            base.replace("name = \"Priya Raman\"", "name = \"\""),
            ":10:8: sender.name: the signer's name is blank",
        ),
        (
            base.replace(
                "organization = \"Great Lakes Employers Health Plan\"",
                "organization = \" \"",
            ),
            ":17:16: recipient.organization: the plan's name is blank",
        ),
    ] {
        let (code, out) = check(&edit);
        assert_eq!(code, 1, "{out}");
        assert!(out.contains(expected), "expected {expected:?} in:\n{out}");
    }
}

#[test]
fn check_names_the_fact_that_would_unlock_an_argument_the_reason_calls_for() {
    let text = fixture("osteosarcoma-grandfathered.toml");
    let start = text.find("[[network_attempts]]").unwrap();
    let (code, out) = check(&text[..start]);
    assert_eq!(code, 1, "{out}");
    assert!(
        out.contains("network_attempts: the argument \"No in-network provider can meet this need\" (network-adequacy) would answer the out-of-network reason, but the case lacks [[network_attempts]]"),
        "{out}"
    );
    assert!(
        out.contains("add \\\"network-adequacy\\\" to [arguments] exclude")
            || out.contains("add \"network-adequacy\" to [arguments] exclude"),
        "{out}"
    );
    // Excluding it is a decision the signer makes; then check passes.
    let decided = format!(
        "{}[arguments]\nexclude = [\"network-adequacy\"]\n",
        &text[..start]
    );
    let (code, out) = check(&decided);
    assert_eq!(code, 0, "{out}");
}

#[test]
fn check_reports_text_the_letter_would_drop_for_want_of_a_companion_fact() {
    let text = fixture("osteosarcoma-grandfathered.toml").replace(
        "[[network_attempts]]",
        "[care]\nprovider = \"Lakeview Orthopaedic Oncology\"\ncontinuity = \"Dr Raman has led his care since the biopsy.\"\n\n[[network_attempts]]",
    );
    let (code, out) = check(&text);
    assert_eq!(code, 1, "{out}");
    assert!(
        out.contains("care.continuity: this text will not appear in the letter: only the argument \"Continuity of an established care relationship\" prints it, and that needs care.since"),
        "{out}"
    );
}

#[test]
fn check_fails_when_no_argument_answers_a_reason() {
    let text = fixture("osteosarcoma-grandfathered.toml").replace(
        "reasons = [\"out-of-network\", \"not-medically-necessary\"]",
        "reasons = [\"out-of-network\", \"administrative\"]",
    );
    let (code, out) = check(&text);
    assert_eq!(code, 1, "{out}");
    assert!(
        out.contains("denial.reasons: no argument in the letter answers the reason `administrative`"),
        "{out}"
    );
}

#[test]
fn check_fails_for_care_received_without_a_date_of_service() {
    let text = fixture("fehb-post-service.toml").replace("dates = \"October 20, 2026\"\n", "");
    let (code, out) = check(&text);
    assert_eq!(code, 1, "{out}");
    assert!(
        out.contains("request.dates: the care was already received, but the case does not say when"),
        "{out}"
    );
}

#[test]
fn check_json_lists_problems_with_their_positions() {
    let text = fixture("osteosarcoma-grandfathered.toml").replace("name = \"Jordan Ellis\"", "name = \"\"");
    let (_dir, path) = case_file(&text);
    let out = appeal().args(["check", "--json"]).arg(&path).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["ready"], false);
    let p = v["problems"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["field"] == "patient.name")
        .unwrap();
    assert_eq!(p["severity"], "error");
    assert!(p["location"].as_str().unwrap().ends_with("case.toml:21:8"), "{p}");
    assert!(p["hint"].is_string());
}

// ---- voice, explain, deadlines -----------------------------------------------------------------

#[test]
fn a_provider_case_speaks_as_the_provider_in_every_document_of_the_packet() {
    let out = packet("tests/cases/osteosarcoma-grandfathered.toml");
    let request = visible_text(&read(&out, "osteosarcoma-grandfathered-claim-file-request.md"));
    assert!(request.contains("my patient"), "{request}");
    assert!(!request.contains("my claim file"), "{request}");
    assert!(!request.contains("I am writing about the decision"), "{request}");
}

#[test]
fn explain_reasons_about_the_kind_asked_for() {
    let text = fixture("medicaid-concurrent.toml");
    let (_dir, path) = case_file(&text);
    appeal()
        .args(["explain", "--kind", "claim-file-request"])
        .arg(&path)
        .assert()
        .success()
        .stdout(predicate::str::contains(
            "claim-file-request letter in the patient's voice",
        ))
        .stdout(
            predicate::str::is_match(
                r"skipped standard-of-care +does not apply: not used in claim-file-request letters",
            )
            .unwrap(),
        )
        .stdout(predicate::str::contains("used in every appeal letter").not());
}

#[test]
fn deadlines_json_with_ics_keeps_stdout_pure_json() {
    let (dir, path) = case_file(&fixture("medicaid-concurrent.toml"));
    let ics = dir.path().join("d.ics");
    let out = appeal()
        .args(["deadlines", "--json", "--ics"])
        .arg(&ics)
        .arg(&path)
        .output()
        .unwrap();
    assert!(out.status.success());
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("stdout is JSON alone");
    assert!(v["items"].is_array());
    assert!(String::from_utf8_lossy(&out.stderr).contains("wrote "));
    assert!(ics.exists());
}
