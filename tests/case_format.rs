//! Case format 1.1: cases written the way people write them.
//!
//! Lists or single values, multi-line text, the signer's own statement, choices in any letter
//! case, a regulation inferred from the plan type, a representative's relationship, the
//! deadline printed on the notice and the appeal's own dates. Every 1.0 file still parses (the
//! examples and golden letters prove it).

mod common;

use common::appeal;

/// What a reader sees, with runs of whitespace as one space.
fn visible(markdown: &str) -> String {
    common::visible_text(markdown)
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

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

/// Renders `text` (Markdown and PDF); returns (letter, next-steps sheet).
fn render(text: &str) -> (String, String) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("case.toml");
    std::fs::write(&path, text).unwrap();
    appeal()
        .arg("render")
        .arg(&path)
        .arg("-o")
        .arg(dir.path())
        .assert()
        .success();
    assert!(dir.path().join("case.pdf").exists());
    (
        std::fs::read_to_string(dir.path().join("case.md")).unwrap(),
        std::fs::read_to_string(dir.path().join("case-next-steps.md")).unwrap(),
    )
}

fn run(args: &[&str], text: &str) -> (i32, String) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("case.toml");
    std::fs::write(&path, text).unwrap();
    let out = appeal().args(args).arg(&path).output().unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8(out.stdout).unwrap(),
    )
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
    let (letter, _) = render(&text);
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
    let (letter, _) = render(&text);
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
fn a_line_break_outside_a_prose_field_still_points_at_the_field() {
    let text = BASE.replace(
        "name = \"Rosa Díaz\"\naddress",
        "name = \"\"\"Rosa\nDíaz\"\"\"\naddress",
    );
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("case.toml");
    std::fs::write(&path, text).unwrap();
    appeal()
        .arg("check")
        .arg(&path)
        .assert()
        .code(2)
        .stderr(predicates::str::contains(
            "`sender.name` contains the character U+000A",
        ));
}

#[test]
fn the_signers_statement_is_printed_verbatim_in_their_voice() {
    let text = format!(
        "{BASE}\n[statement]\ntext = \"\"\"\nThe reviewer never saw my dentist's letter about my teeth.\n\nOn the call of November 12 I was told *no* peer review was done.\n\"\"\"\n"
    );
    let (letter, _) = render(&text);
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
    let (letter, _) = render(&provider);
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
    let (code, out) = run(&["explain"], &text);
    assert_eq!(code, 0, "{out}");
    assert!(
        out.contains("plan regulation: medicare-advantage (inferred from plan.type"),
        "{out}"
    );
    let (_, json) = run(&["explain", "--json"], &text);
    let v: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(v["format"], 1);
    assert_eq!(v["regulation"]["id"], "medicare-advantage");
    assert_eq!(v["regulation"]["inferred"], true);
    let (_, deadlines) = run(&["deadlines"], &text);
    assert!(
        deadlines.contains("Medicare Advantage (Part C) plan (medicare-advantage)"),
        "{deadlines}"
    );
    let (letter, _) = render(&text);
    assert!(letter.contains("Rights that apply"), "{letter}");
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
    let (letter, _) = render(&text);
    assert!(letter.contains("On behalf of Rosa Díaz, as her son"), "{letter}");
    let (code, out) = run(&["check"], &text);
    assert_eq!(code, 0, "{out}");
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
    let (_, sheet) = render(&text);
    let sheet = visible(&sheet);
    assert!(
        sheet.contains("File your internal appeal: March 1, 2027"),
        "{sheet}"
    );
    assert!(
        sheet.contains("Your notice gives 2027-03-01, earlier than the 2027-05-09 this rule gives"),
        "{sheet}"
    );
    let (code, out) = run(&["check"], &text);
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("warning: denial.deadline_on_notice: the notice gives 2027-03-01 to appeal, but the rule (29 CFR 2560.503-1(h)(3)(i)) gives 2027-05-09"), "{out}");
    // A later date on the notice does not move the date shown.
    let later = BASE.replace(
        "date = 2026-11-10",
        "date = 2026-11-10\ndeadline_on_notice = 2027-06-30",
    );
    let (_, sheet) = render(&later);
    assert!(
        visible(&sheet).contains("File your internal appeal: May 9, 2027"),
        "{sheet}"
    );
}

#[test]
fn the_appeals_own_dates_move_the_clocks() {
    let text = format!("{BASE}\n[appeal]\nfiled = 2026-11-12\ndecision = 2026-11-18\nlevel = 1\n");
    let (_, json) = run(&["deadlines", "--json"], &text);
    let v: serde_json::Value = serde_json::from_str(&json).unwrap();
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
    let (code, out) = run(&["check"], &late);
    assert!(!out.contains("the deadline to file this appeal"), "{out}");
    assert_eq!(code, 0, "{out}");
}

#[test]
fn salutations_read_naturally() {
    let (letter, _) = render(BASE);
    assert!(letter.contains("To the reviewer:"), "{letter}");
    let dept = BASE.replace(
        "fax = \"(512) 555-0100\"",
        "fax = \"(512) 555-0100\"\ndepartment = \"Appeals Unit\"",
    );
    let (letter, _) = render(&dept);
    assert!(letter.contains("To the Appeals Unit reviewer:"), "{letter}");
    let person = dept.replace(
        "department = \"Appeals Unit\"",
        "attention = \"Ms. Jane Roe, Appeals Coordinator\"",
    );
    let (letter, _) = render(&person);
    assert!(
        letter.contains("Dear Ms. Jane Roe, Appeals Coordinator:"),
        "{letter}"
    );
}
