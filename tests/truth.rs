//! Letters claim only what is true for this patient, and `check` means "ready to send".
//!
//! Each test drafts a case unlike the examples (another plan type, cancer or voice) and reads
//! what a user would see: the letter, the next-steps sheet, `check` and `explain`.

mod common;

use common::{Case, TestEnv, render_case, run_case, visible};

/// A case from `tests/cases`.
fn fixture(name: &str) -> Case {
    Case::file(&format!("tests/cases/{name}"))
}

const SOFT_TISSUE_STUDIES: [&str; 4] = ["Gutierrez", "Abarca", "Voss", "Soft Tissue Sarcoma, Version"];

#[test]
fn medicaid_letter_names_the_state_fair_hearing_and_the_optional_review() {
    let out = TestEnv::new().packet_md("tests/cases/medicaid-concurrent.toml");
    let letter = out.visible("medicaid-concurrent.md");
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
    let sheet = out.visible("medicaid-concurrent-next-steps.md");
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
    let run = render_case(&text, &[]);
    let (letter, sheet) = (run.file("case.md"), run.file("case-next-steps.md"));
    let letter = visible(&letter);
    assert!(!letter.contains("Continued coverage of ongoing care"), "{letter}");
    assert!(!letter.contains("Continue coverage of"), "{letter}");
    let sheet = visible(&sheet);
    assert!(
        sheet
            .contains("Ask for your benefits to continue during the appeal: November 22, 2026, which passed"),
        "{sheet}"
    );
    assert!(sheet.contains("your benefits may not continue"), "{sheet}");
}

#[test]
fn osteosarcoma_cites_no_soft_tissue_study_and_grandfathered_plan_gets_no_external_review() {
    let out = TestEnv::new().packet_md("tests/cases/osteosarcoma-grandfathered.toml");
    let letter = out.file("osteosarcoma-grandfathered.md");
    for study in SOFT_TISSUE_STUDIES {
        assert!(
            !letter.contains(study),
            "{study} cited for osteosarcoma:\n{letter}"
        );
    }
    let text = visible(&letter);
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
    let sheet = out.visible("osteosarcoma-grandfathered-next-steps.md");
    assert!(!sheet.contains("Ask for external review:"), "{sheet}");
    assert!(sheet.contains("Your plan is grandfathered"), "{sheet}");
}

#[test]
fn grandfathered_status_unknown_states_the_rights_conditionally() {
    let text = fixture("osteosarcoma-grandfathered.toml").replace("grandfathered = true\n", "");
    let run = render_case(&text, &[]);
    let (letter, sheet) = (run.file("case.md"), run.file("case-next-steps.md"));
    let letter = visible(&letter);
    assert!(
        letter.contains("If his plan is not grandfathered under the Affordable Care Act, I ask the plan to honour these rights")
            || letter.contains("If his plan is not grandfathered under the Affordable Care Act, these rights also apply"),
        "{letter}"
    );
    assert!(letter.contains("External review by an independent review organization"));
    let sheet = visible(&sheet);
    assert!(
        sheet.contains("Ask for external review: March 10, 2027")
            && sheet.contains("Only if your plan is not grandfathered"),
        "{sheet}"
    );
    assert!(sheet.contains("summary plan description"), "{sheet}");
    let out = run_case("check", &text, &[]).code(0).stdout().to_string();
    assert!(
        out.contains("warning: plan: the case does not say whether the plan is grandfathered"),
        "{out}"
    );
    // Not grandfathered: stated plainly.
    let text =
        fixture("osteosarcoma-grandfathered.toml").replace("grandfathered = true", "grandfathered = false");
    let run = render_case(&text, &[]);
    let letter = run.file("case.md");
    let letter = visible(&letter);
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
    let out = TestEnv::new().packet_md("tests/cases/fehb-post-service.toml");
    let letter = out.visible("fehb-post-service.md");
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
    let out = TestEnv::new().packet_md("examples/her2-out-of-network.toml");
    let letter = out.visible("her2-out-of-network.md");
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
    let run = render_case(&text, &[]);
    let sheet = run.file("case-next-steps.md");
    let sheet = visible(&sheet);
    // 2026-11-02 + 60 days = 2027-01-01; + 65 days would be 2027-01-06.
    assert!(
        sheet.contains("Ask the plan for a reconsideration (your appeal): January 1, 2027"),
        "{sheet}"
    );
    assert!(sheet.contains("The sources differ on this limit"), "{sheet}");
    assert!(sheet.contains("which gives 2027-01-06"), "{sheet}");
    assert!(sheet.contains("If the date on your notice is later"), "{sheet}");
    let env = TestEnv::new().with_case("case.toml", &text);
    env.run(["deadlines", "[ROOT]/case.toml", "--ics", "[ROOT]/a.ics"])
        .success();
    let cal = env.read("a.ics");
    assert!(cal.contains("DTSTART;VALUE=DATE:20270101"), "{cal}");
    assert!(!cal.contains("DTSTART;VALUE=DATE:20270106"), "{cal}");
}

#[test]
fn guideline_is_quoted_not_generalised_unless_the_case_says_it_supports_the_request() {
    let base = fixture("osteosarcoma-grandfathered.toml").replace(
        "[[network_attempts]]",
        "[[guidelines]]\nbody = \"NCCN\"\ntitle = \"Bone Cancer\"\nversion = \"v1.2026\"\nrecommendation = \"Treatment at a center with expertise in bone sarcoma\"\ncategory = \"2A\"\n\n[[network_attempts]]",
    );
    let run = render_case(&base, &[]);
    let letter = run.file("case.md");
    let text = visible(&letter);
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
    let run = render_case(&supported, &[]);
    let letter = run.file("case.md");
    let text = visible(&letter);
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
    let run = render_case(&text, &[]);
    let letter = run.file("case.md");
    assert!(visible(&letter).contains("This option could not provide the care"));
    let text = text.replace("could_provide = false", "could_provide = true");
    let run = render_case(&text, &[]);
    let letter = run.file("case.md");
    let letter = visible(&letter);
    assert!(!letter.contains("could not provide"), "{letter}");
    assert!(!letter.contains("network cannot"), "{letter}");
}

// ---- check ----------------------------------------------------------------------------------

#[test]
fn check_fails_when_the_filing_deadline_has_passed_and_says_what_can_be_done() {
    // ERISA, 180 days from 2026-03-02 (no receipt date): 2026-08-29; the letter is 2026-11-19.
    let text = fixture("osteosarcoma-grandfathered.toml").replace("date = 2026-11-10", "date = 2026-03-02");
    let out = run_case("check", &text, &[]).code(1).stdout().to_string();
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
    let out = run_case("check", &text, &[]).code(0).stdout().to_string();
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
        let out = run_case("check", &edit, &[]).code(1).stdout().to_string();
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
        let out = run_case("check", &edit, &[]).code(1).stdout().to_string();
        assert!(out.contains(expected), "expected {expected:?} in:\n{out}");
    }
}

#[test]
fn check_names_the_fact_that_would_unlock_an_argument_the_reason_calls_for() {
    let text = fixture("osteosarcoma-grandfathered.toml");
    let before = text.before("[[network_attempts]]");
    let out = run_case("check", &before, &[]).code(1).stdout().to_string();
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
    let decided = before.append("[arguments]\nexclude = [\"network-adequacy\"]\n");
    run_case("check", &decided, &[]).code(0);
}

#[test]
fn check_reports_text_the_letter_would_drop_for_want_of_a_companion_fact() {
    let text = fixture("osteosarcoma-grandfathered.toml").replace(
        "[[network_attempts]]",
        "[care]\nprovider = \"Lakeview Orthopaedic Oncology\"\ncontinuity = \"Dr Raman has led his care since the biopsy.\"\n\n[[network_attempts]]",
    );
    let out = run_case("check", &text, &[]).code(1).stdout().to_string();
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
    let out = run_case("check", &text, &[]).code(1).stdout().to_string();
    assert!(
        out.contains("denial.reasons: no argument in the letter answers the reason `administrative`"),
        "{out}"
    );
}

#[test]
fn check_fails_for_care_received_without_a_date_of_service() {
    let text = fixture("fehb-post-service.toml").replace("dates = \"October 20, 2026\"\n", "");
    let out = run_case("check", &text, &[]).code(1).stdout().to_string();
    assert!(
        out.contains("request.dates: the care was already received, but the case does not say when"),
        "{out}"
    );
}

#[test]
fn check_json_lists_problems_with_their_positions() {
    let text = fixture("osteosarcoma-grandfathered.toml").replace("name = \"Jordan Ellis\"", "name = \"\"");
    let v = run_case("check", &text, &["--json"]).code(1).json();
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
    let out = TestEnv::new().packet_md("tests/cases/osteosarcoma-grandfathered.toml");
    let request = out.visible("osteosarcoma-grandfathered-claim-file-request.md");
    assert!(request.contains("my patient"), "{request}");
    assert!(!request.contains("my claim file"), "{request}");
    assert!(!request.contains("I am writing about the decision"), "{request}");
}

#[test]
fn explain_reasons_about_the_kind_asked_for() {
    let text = fixture("medicaid-concurrent.toml");
    run_case("explain", &text, &["--kind", "claim-file-request"])
        .success()
        .stdout_has("claim-file-request letter in the patient's voice")
        .stdout_matches(r"skipped standard-of-care +does not apply: not used in claim-file-request letters")
        .stdout_lacks("used in every appeal letter");
}

#[test]
fn deadlines_json_with_ics_keeps_stdout_pure_json() {
    let env = TestEnv::new().with_case("case.toml", fixture("medicaid-concurrent.toml"));
    let run = env.run(["deadlines", "--json", "--ics", "[ROOT]/d.ics", "[ROOT]/case.toml"]);
    // stdout is JSON alone.
    let v = run.success().stderr_has("wrote ").json();
    assert!(v["items"].is_array());
    assert!(env.exists("d.ics"));
}

// ---- follow-up and status ----------------------------------------------------------------------

const FOLLOW_UP: &str = r#"schema = 1
[letter]
kind = "follow-up"
date = 2026-12-20
[sender]
name = "Ann Lee"
address = ["1 A St", "Austin, TX 78701"]
[recipient]
organization = "Lone Star Health"
fax = "(512) 555-0100"
[patient]
name = "Ann Lee"
[plan]
regulation = "erisa"
grandfathered = false
[denial]
date = 2026-10-01
service_timing = "pre-service"
reasons = ["not-medically-necessary"]
[request]
service = "PET/CT for staging"
[diagnosis]
condition = "Hodgkin lymphoma"
[appeal]
filed = 2026-10-15
[[log]]
date = 2026-11-20
kind = "Call"
with = "member services, Dana"
reference = "C-5521"
note = "Told a decision would come within a week."
"#;

#[test]
fn a_follow_up_cites_the_decision_clock_the_log_and_what_a_missed_deadline_allows() {
    let out = common::render_case(FOLLOW_UP, &[]);
    let letter = out.visible("case.md");
    assert!(
        letter.contains("On October 15, 2026 I appealed the decision dated October 1, 2026"),
        "{letter}"
    );
    assert!(
        letter.contains("within 30 days of receiving it (29 CFR 2560.503-1(i)(2)(ii)). Counted from the day the appeal was sent, that was November 14, 2026. That date has passed."),
        "{letter}"
    );
    assert!(
        letter.contains("November 20, 2026, call with member services, Dana (reference C-5521): Told a decision would come within a week"),
        "{letter}"
    );
    assert!(
        letter.contains("treated as having exhausted its internal appeals"),
        "{letter}"
    );
    // Grandfathered status unknown: the deemed-exhaustion rule is stated conditionally.
    let unknown = common::render_case(FOLLOW_UP.replace("grandfathered = false\n", ""), &[]);
    assert!(
        unknown
            .visible("case.md")
            .contains("If the plan is not grandfathered, this rule applies")
    );
    // Before the clock runs out, no missed-deadline rule is claimed.
    let early = common::render_case(FOLLOW_UP.replace("date = 2026-12-20", "date = 2026-11-01"), &[]);
    let early = early.visible("case.md");
    assert!(!early.contains("exhausted"), "{early}");
    assert!(!early.contains("That date has passed"), "{early}");
    // A follow-up needs the date the appeal was sent.
    common::run_case(
        "check",
        FOLLOW_UP.replace("[appeal]\nfiled = 2026-10-15\n", ""),
        &[],
    )
    .code(2)
    .stderr_has("a follow-up letter asks about an appeal already sent");
}

#[test]
fn status_lists_what_happened_and_what_is_due() {
    let out = common::run_case("status", FOLLOW_UP, &[])
        .success()
        .stdout()
        .to_string();
    let events: Vec<&str> = out
        .lines()
        .skip_while(|l| *l != "what happened:")
        .skip(1)
        .take_while(|l| !l.is_empty())
        .collect();
    assert_eq!(
        events,
        [
            "  2026-10-01  The plan denied PET/CT for staging.",
            "  2026-10-15  The appeal was sent to the plan.",
            "  2026-11-20  Call with member services, Dana (reference C-5521): Told a decision would come within a week.",
        ]
    );
    assert!(out.contains("File your internal appeal: met"), "{out}");
    assert!(
        out.contains(
            "2026-11-14  Plan's decision on your appeal: PASSED 5 days ago (29 CFR 2560.503-1(i)(2)(ii))"
        ),
        "{out}"
    );
    let json = common::run_case("status", FOLLOW_UP, &["--json"])
        .success()
        .json();
    assert_eq!(json["format"], 1);
    assert_eq!(json["events"].as_array().unwrap().len(), 3);
    assert_eq!(json["due"][0]["status"]["state"], "done");
}
