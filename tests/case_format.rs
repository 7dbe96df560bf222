//! Case format 1.1: cases written the way people write them.
//!
//! Lists or single values, multi-line text, the signer's own statement, choices in any letter
//! case, a regulation inferred from the plan type, a representative's relationship, the
//! deadline printed on the notice and the appeal's own dates. Every 1.0 file still parses (the
//! examples and golden letters prove it).

mod common;

use common::{Outcome, TestEnv, run_case, visible};

const BASE: &str = r#"schema = 1

[letter]
date = 2026-11-19

[sender]
name = "Rosa Díaz"
address = ["1 Main St", "Austin, TX 78701"]

[recipient]
organization = "Lone Star Health"
fax = "(512) 555-0100"

[patient]
name = "Rosa Díaz"
sex = "female"

[plan]
type = "ppo"
regulation = "erisa"
grandfathered = false

[denial]
date = 2026-11-10
service_timing = "pre-service"
reasons = ["not-medically-necessary"]

[request]
service = "intensity-modulated radiation therapy (IMRT) to the oropharynx"

[diagnosis]
condition = "squamous cell carcinoma of the oropharynx"
"#;

/// Renders `case` as a user would, Markdown and PDF, and checks both were written.
fn render(case: impl AsRef<str>) -> Outcome {
    let run = TestEnv::new()
        .with_case("case.toml", case)
        .run(["render", "[ROOT]/case.toml", "-o", "[ROOT]"]);
    run.success().has_file("case.pdf");
    run
}

#[test]
fn lists_or_single_values_are_joined_naturally() {
    let text = BASE
        .replace(
            "condition = \"squamous cell carcinoma of the oropharynx\"",
            "condition = \"squamous cell carcinoma of the oropharynx\"\nicd10 = [\"C10.9\", \"C77.0\"]\nstage = \"T2N1M0\"\nbiomarkers = [\"p16 positive\", \"PD-L1 CPS 20\"]",
        )
        .replace(
            "service = \"intensity-modulated radiation therapy (IMRT) to the oropharynx\"",
            "service = \"intensity-modulated radiation therapy (IMRT) to the oropharynx\"\ncodes = \"77385\"\ndates = [2026-12-01, \"daily for 7 weeks\"]",
        );
    let letter = render(&text).file("case.md");
    let letter = visible(&letter);
    assert!(letter.contains("(ICD-10 C10.9, C77.0)"), "{letter}");
    assert!(
        letter.contains("Biomarkers: p16 positive, PD-L1 CPS 20"),
        "{letter}"
    );
    assert!(letter.contains("Codes: 77385"), "{letter}");
}

#[test]
fn multi_line_text_keeps_paragraphs_only_where_they_belong() {
    let text = BASE.replace(
        "reasons = [\"not-medically-necessary\"]",
        "reasons = [\"not-medically-necessary\"]\nquote = \"\"\"\nThe requested IMRT is not medically necessary.\n3D conformal radiation is an appropriate alternative.\n\nCriteria: *MCG* [RT-12] {{ x }}\n\tSee the attached policy.\n\"\"\"",
    ).replace(
        "service = \"intensity-modulated radiation therapy (IMRT) to the oropharynx\"",
        "service = \"\"\"intensity-modulated radiation\ntherapy (IMRT) to the oropharynx\"\"\"",
    );
    let letter = render(&text).file("case.md");
    // One block quote, two paragraphs; single line breaks and tabs are spaces; text literal.
    assert!(
        letter.contains("> The requested IMRT is not medically necessary. 3D conformal radiation is an appropriate alternative.\n>\n> Criteria: \\*MCG\\* \\[RT-12\\] \\{\\{ x \\}\\} See the attached policy.\n"),
        "{letter}"
    );
    assert!(
        letter.contains("deny coverage for intensity-modulated radiation therapy (IMRT) to the oropharynx."),
        "{letter}"
    );
}

#[test]
fn a_pasted_notice_keeps_its_list_items_on_their_own_lines() {
    // As copied from an insurer's portal: a non-breaking hyphen (U+2011), bullets, a numbered
    // line, and a line that only wraps.
    let text = BASE.replace(
        "reasons = [\"not-medically-necessary\"]",
        "reasons = [\"not-medically-necessary\"]\nquote = \"\"\"\nThe requested drug is non\u{2011}formulary.\n• Formulary alternatives: erlotinib, gefitinib\n- Try one alternative first\n1. Resubmit with records\nthat show the outcome.\n\"\"\"",
    );
    let run = render(&text);
    let letter = run.file("case.md");
    assert!(
        letter.contains("> The requested drug is non\u{2011}formulary.\\\n• Formulary alternatives: erlotinib, gefitinib\\\n\\- Try one alternative first\\\n1\\. Resubmit with records that show the outcome.\n"),
        "{letter}"
    );
    // The PDF prints the non-breaking hyphen, which the font lacks, as a hyphen.
    let pdf = lopdf::Document::load(run.path("case.pdf")).unwrap();
    let pages: Vec<u32> = pdf.get_pages().keys().copied().collect();
    let pdf_text = pdf.extract_text(&pages).unwrap();
    assert!(pdf_text.contains("non-formulary."), "{pdf_text}");
    assert!(pdf_text.contains("• Formulary alternatives"), "{pdf_text}");
}

#[test]
fn a_line_break_outside_a_prose_field_still_points_at_the_field() {
    let text = BASE.replace(
        "name = \"Rosa Díaz\"\naddress",
        "name = \"\"\"Rosa\nDíaz\"\"\"\naddress",
    );
    run_case("check", &text, &[])
        .code(2)
        .stderr_has("`sender.name` contains the character U+000A");
}

#[test]
fn the_signers_statement_is_printed_verbatim_in_their_voice() {
    let text = format!(
        "{BASE}\n[statement]\ntext = \"\"\"\nThe reviewer never saw my dentist's letter about my teeth.\n\nOn the call of November 12 I was told *no* peer review was done.\n\"\"\"\n"
    );
    let letter = render(&text).file("case.md");
    assert!(letter.contains("## In my own words\n\nThe reviewer never saw my dentist's letter about my teeth.\n\nOn the call of November 12 I was told \\*no\\* peer review was done."), "{letter}");
    // A provider's statement is headed as the provider's.
    let provider = text
        .replace(
            "date = 2026-11-19",
            "date = 2026-11-19\nkind = \"medical-necessity\"",
        )
        .replace(
            "name = \"Rosa Díaz\"\naddress",
            "name = \"Dr. Amy Lee\"\ncredentials = \"MD\"\nnpi = \"1234567893\"\naddress",
        );
    let letter = render(&provider).file("case.md");
    assert!(letter.contains("## My assessment"), "{letter}");
}

#[test]
fn choices_are_read_in_any_letter_case_and_the_regulation_can_be_inferred() {
    let text = BASE
        .replace(
            "type = \"ppo\"\nregulation = \"erisa\"\ngrandfathered = false",
            "type = \"Medicare Advantage\"",
        )
        .replace(
            "service_timing = \"pre-service\"",
            "service_timing = \"Pre Service\"",
        )
        .replace(
            "reasons = [\"not-medically-necessary\"]",
            "reasons = [\"NOT_MEDICALLY_NECESSARY\"]",
        )
        .replace("sex = \"female\"", "sex = \"Female\"");
    let out = run_case("explain", &text, &[]).code(0).stdout().to_string();
    assert!(
        out.contains("plan regulation: medicare-advantage (inferred from plan.type"),
        "{out}"
    );
    let v = run_case("explain", &text, &["--json"]).json();
    assert_eq!(v["format"], 1);
    assert_eq!(v["regulation"]["id"], "medicare-advantage");
    assert_eq!(v["regulation"]["inferred"], true);
    let deadlines = run_case("deadlines", &text, &[]).stdout().to_string();
    assert!(
        deadlines.contains("Medicare Advantage (Part C) plan (medicare-advantage)"),
        "{deadlines}"
    );
    let letter = render(&text).file("case.md");
    assert!(letter.contains("Rights that apply"), "{letter}");
    // check asks the signer to confirm what was inferred.
    run_case("check", &text, &[]).stdout_has(
        "warning: plan.type: the appeal rules are those of `medicare-advantage`, inferred from the plan type",
    );
}

#[test]
fn a_representative_signs_with_their_relationship() {
    let text = BASE
        .replace(
            "date = 2026-11-19",
            "date = 2026-11-19\nvoice = \"representative\"",
        )
        .replace(
            "name = \"Rosa Díaz\"\naddress",
            "name = \"Luis Díaz\"\nrelationship = \"son\"\naddress",
        );
    let letter = render(&text).file("case.md");
    assert!(letter.contains("On behalf of Rosa Díaz, as her son"), "{letter}");
    let out = run_case("check", &text, &[]).code(0).stdout().to_string();
    assert!(
        out.contains(
            "warning: enclosures: a representative's letter should enclose Rosa Díaz's written authorization"
        ),
        "{out}"
    );
}

#[test]
fn the_deadline_printed_on_the_notice_wins_when_it_is_earlier() {
    // ERISA: 180 days from 2026-11-10 = 2027-05-09; the notice says 2027-03-01.
    let text = BASE.replace(
        "date = 2026-11-10",
        "date = 2026-11-10\ndeadline_on_notice = 2027-03-01",
    );
    let sheet = render(&text).file("case-next-steps.md");
    let sheet = visible(&sheet);
    assert!(
        sheet.contains("File your internal appeal: March 1, 2027"),
        "{sheet}"
    );
    assert!(
        sheet.contains("Your notice gives 2027-03-01, earlier than the 2027-05-09 this rule gives"),
        "{sheet}"
    );
    let out = run_case("check", &text, &[]).code(0).stdout().to_string();
    assert!(out.contains("warning: denial.deadline_on_notice: the notice gives 2027-03-01 to appeal, but the rule (29 CFR 2560.503-1(h)(3)(i)) gives 2027-05-09"), "{out}");
    // A later date on the notice does not move the date shown.
    let later = BASE.replace(
        "date = 2026-11-10",
        "date = 2026-11-10\ndeadline_on_notice = 2027-06-30",
    );
    let sheet = render(&later).file("case-next-steps.md");
    assert!(
        visible(&sheet).contains("File your internal appeal: May 9, 2027"),
        "{sheet}"
    );
}

#[test]
fn the_appeals_own_dates_move_the_clocks() {
    let text = format!("{BASE}\n[appeal]\nfiled = 2026-11-12\ndecision = 2026-11-18\nlevel = 1\n");
    let v = run_case("deadlines", &text, &["--json"]).json();
    assert_eq!(v["format"], 1);
    let item = |id: &str| {
        v["items"]
            .as_array()
            .unwrap()
            .iter()
            .find(|d| d["id"] == id)
            .unwrap_or_else(|| panic!("no {id}: {v}"))
            .clone()
    };
    // The plan's 30 days count from the day the appeal was sent.
    let decision = item("decision-standard");
    assert_eq!(decision["date"], "2026-12-12");
    assert!(
        decision["basis"]
            .as_str()
            .unwrap()
            .starts_with("You filed on 2026-11-12")
    );
    // External review: 4 months from the final decision.
    let external = item("external-review-file");
    assert_eq!(external["date"], "2027-03-18");
    assert!(
        external["basis"]
            .as_str()
            .unwrap()
            .starts_with("4 months after the plan's final decision on your appeal (2026-11-18)"),
        "{external}"
    );
    // A filed appeal is not late, whatever the filing window says.
    let late = text.replace("date = 2026-11-10", "date = 2026-01-10");
    run_case("check", &late, &[])
        .stdout_lacks("the deadline to file this appeal")
        .code(0);
}

#[test]
fn salutations_read_naturally() {
    let letter = render(BASE).file("case.md");
    assert!(letter.contains("To the reviewer:"), "{letter}");
    let dept = BASE.replace(
        "fax = \"(512) 555-0100\"",
        "fax = \"(512) 555-0100\"\ndepartment = \"Appeals Unit\"",
    );
    let letter = render(&dept).file("case.md");
    assert!(letter.contains("To the Appeals Unit reviewer:"), "{letter}");
    let person = dept.replace(
        "department = \"Appeals Unit\"",
        "attention = \"Ms. Jane Roe, Appeals Coordinator\"",
    );
    let letter = render(&person).file("case.md");
    assert!(
        letter.contains("Dear Ms. Jane Roe, Appeals Coordinator:"),
        "{letter}"
    );
}

const REQUEST: &str = r#"schema = 1

[letter]
kind = "medical-necessity"
date = 2026-11-19

[sender]
name = "Amy Lee"
credentials = "MD"
organization = "Capital Radiation Oncology"
npi = "1234567893"
address = ["5 Park Ave", "Albany, NY 12207"]

[recipient]
organization = "Empire Health Plan"
fax = "(518) 555-0190"

[patient]
name = "Tom Hart"
sex = "male"

[plan]
type = "medicare-advantage"

[request]
service = "intensity-modulated radiation therapy (IMRT) to the oropharynx"
codes = ["77385", "77301"]
provider = "Capital Radiation Oncology"

[diagnosis]
condition = "squamous cell carcinoma of the oropharynx"
stage = ["cT2", "cN1", "M0"]

[radiation]
technique = "IMRT"
total_dose = "70 Gy"
fractions = 35
goal = "curative"
"#;

#[test]
fn a_request_before_any_decision_is_a_letter_of_medical_necessity_without_appeal_deadlines() {
    let env = TestEnv::new().with_case("pa.toml", REQUEST);
    env.run([
        "render",
        "--packet",
        "--format",
        "md",
        "-o",
        "[ROOT]",
        "[ROOT]/pa.toml",
    ])
    .success();
    let written: Vec<String> = env.files("").into_iter().filter(|n| n.ends_with(".md")).collect();
    // No claim file exists before a decision; the recipient has a fax number, so a cover sheet.
    assert_eq!(written, ["pa-fax-cover.md", "pa-next-steps.md", "pa.md"]);
    let letter = visible(&env.read("pa.md"));
    assert!(!letter.contains("The decision"), "{letter}");
    assert!(!letter.contains("denial"), "{letter}");
    assert!(!letter.contains("Rights that apply"), "{letter}");
    assert!(
        letter.contains("1. Approve intensity-modulated radiation therapy")
            || letter.contains(
                "Approve intensity-modulated radiation therapy (IMRT) to the oropharynx (77385, 77301)"
            ),
        "{letter}"
    );
    assert!(letter.contains("Radiation technique: IMRT"), "{letter}");
    assert!(letter.contains("Dose: 70 Gy in 35 fractions"), "{letter}");
    let sheet = visible(&env.read("pa-next-steps.md"));
    assert!(
        sheet.contains("Plan's decision on your request (organization determination): November 26, 2026"),
        "{sheet}"
    );
    assert!(sheet.contains("42 CFR 422.568(b)"), "{sheet}");
    assert!(sheet.contains("there is no appeal deadline yet"), "{sheet}");
    assert!(!sheet.contains("File your"), "{sheet}");
    // check names what a prior-authorization checklist asks for.
    let out = run_case("check", REQUEST, &[]).code(0).stdout().to_string();
    for item in [
        "the patient's height and weight",
        "the histology",
        "the performance status",
        "the place of service",
        "the treating facility",
        "a 3D-conformal versus IMRT (or proton) plan comparison",
    ] {
        assert!(
            out.contains(&format!("prior-authorization requests usually give {item}")),
            "{item}: {out}"
        );
    }
    assert!(!out.contains("the stage, or T, N and M"), "{out}");
}

#[test]
fn an_appeal_needs_a_denial() {
    let appeal_case = REQUEST.replace(
        "kind = \"medical-necessity\"",
        "kind = \"appeal\"\nvoice = \"provider\"",
    );
    let env = TestEnv::new()
        .with_case("a.toml", appeal_case)
        .with_case("pa.toml", REQUEST);
    env.run(["check", "[ROOT]/a.toml"])
        .code(2)
        .stderr_has("a.toml:4:8: an appeal letter answers a decision, but the case has no [denial] table");
    env.run([
        "render",
        "--kind",
        "claim-file-request",
        "-o",
        "[ROOT]",
        "[ROOT]/pa.toml",
    ])
    .code(2)
    .stderr_has("has no [denial] table");
}

#[test]
fn words_people_write_for_the_formats_own_get_a_hint_naming_it() {
    let text = BASE
        .replace("sex = \"female\"", "sex = \"female\"\ndob = 1970-01-02")
        .replace(
            "condition = \"squamous cell carcinoma of the oropharynx\"",
            "condition = \"squamous cell carcinoma of the oropharynx\"\n\n[[treatments]]\nname = \"cisplatin\"\nstatus = \"current\"",
        );
    run_case("check", &text, &[])
        .code(2)
        .stderr_has("unknown key `dob`\n  hint: did you mean `date_of_birth`?")
        .stderr_has("unknown value `current`\n  hint: did you mean `ongoing`?");
}
