//! The `complaint` and `external-review` letters: who each goes to under each plan regulation
//! (from the rules data), what it cites, the voice it speaks in, the window it counts from the
//! final internal decision, and what `check` and `explain` say when a fact the addressee
//! depends on is missing.

mod common;

use common::{Case, Outcome, TestEnv};

/// The HER2 example with its plan (regulation, type, state) and letter kind replaced.
fn her2(kind: &str, regulation: &str, plan_type: &str, state: &str) -> Case {
    Case::example("her2-out-of-network.toml")
        .replace("kind = \"appeal\"", &format!("kind = \"{kind}\""))
        .replace(
            "regulation = \"erisa\"",
            &format!("regulation = \"{regulation}\""),
        )
        .replace("type = \"hmo\"", &format!("type = \"{plan_type}\""))
        .replace("state = \"IL\"", &format!("state = \"{state}\""))
}

/// Renders `case` as Markdown; returns the letter and the next-steps sheet.
fn render(case: &Case) -> (String, String) {
    let env = TestEnv::new().with_case("case.toml", case);
    env.render_md("[ROOT]/case.toml", &[]);
    (env.read("case.md"), env.read("case-next-steps.md"))
}

/// The letter's recipient block: the lines between the date and the "Re:" line.
fn recipient(letter: &str) -> String {
    let after_date = letter
        .split_once("November 19, 2026\n\n")
        .map(|(_, rest)| rest)
        .expect("the letter is dated");
    after_date
        .split_once("**Re:")
        .map(|(block, _)| block.trim().to_string())
        .expect("the letter has a Re: line")
}

fn check(case: &Case, extra: &[&str]) -> Outcome {
    common::run_case("check", case, extra)
}

#[test]
fn a_complaint_goes_to_the_body_that_oversees_the_plan() {
    // (regulation, plan type, state, the recipient block, what must not be in it)
    let cases = [
        (
            "erisa",
            "hmo",
            "IL",
            "Employee Benefits Security Administration, U.S. Department of Labor",
            "Department of Insurance",
        ),
        (
            "aca-individual",
            "ppo",
            "OH",
            "Consumer Services Division\\\nOhio Department of Insurance\\\n50 West Town Street, Third Floor, Suite 300\\\nColumbus, OH 43215",
            "Labor",
        ),
        (
            "state-regulated",
            "hmo",
            "CA",
            "Help Center\\\nDepartment of Managed Health Care\\\n980 9th Street, Suite 500\\\nSacramento, CA 95814-2725\\\nFax 916-255-5241",
            "Department of Insurance",
        ),
        (
            "state-regulated",
            "ppo",
            "NY",
            "Consumer Assistance Unit\\\nNew York State Department of Financial Services\\\nOne Commerce Plaza\\\nAlbany, NY 12257\\\nFax (212) 480-6282",
            "Labor",
        ),
        (
            "aca-individual",
            "epo",
            "FL",
            "Division of Consumer Services\\\nFlorida Department of Financial Services",
            "Labor",
        ),
        (
            "fehb",
            "fehb",
            "IL",
            "Healthcare and Insurance\\\nUnited States Office of Personnel Management\\\n1900 E Street NW\\\nWashington, DC 20415-3610",
            "Department of Insurance",
        ),
        (
            "medicaid-managed-care",
            "medicaid",
            "OH",
            "Ohio Department of Medicaid",
            "Department of Insurance",
        ),
        // Medicare plans: a grievance to the plan itself.
        (
            "medicare-advantage",
            "medicare-advantage",
            "IL",
            "Attn: Dr. Alan Reyes, Medical Director\\\nAppeals and Grievances\\\nPrairie Health HMO",
            "Department of Insurance",
        ),
        (
            "medicare-part-d",
            "other",
            "IL",
            "Attn: Dr. Alan Reyes, Medical Director\\\nAppeals and Grievances\\\nPrairie Health HMO",
            "Department of Insurance",
        ),
    ];
    for (regulation, plan_type, state, to, never) in cases {
        let case = her2("complaint", regulation, plan_type, state);
        let case = if regulation.starts_with("medicare") {
            case.replace(
                "department = \"Appeals and Grievances\"",
                "department = \"Appeals and Grievances\"\nattention = \"Dr. Alan Reyes, Medical Director\"",
            )
        } else {
            case
        };
        let (letter, sheet) = render(&case);
        let block = recipient(&letter);
        assert!(block.starts_with(to), "{regulation} {state}: {block}\n---\n{to}");
        assert!(!block.contains(never), "{regulation} {state}: {block}");
        assert!(
            letter.contains("title = \"Complaint about a health plan for Maria Lopez\"")
                || regulation.starts_with("medicare")
        );
        assert!(
            letter.contains("Prairie Health HMO Silver"),
            "{regulation}: the plan is named\n{letter}"
        );
        if regulation.starts_with("medicare") {
            assert!(letter.contains("**Re: Grievance about the denial of"), "{letter}");
            assert!(letter.contains("I am writing to file a grievance about how Prairie Health HMO Silver"));
            assert!(
                sheet.contains("You can also tell Medicare: medicare.gov (the Medicare Complaint Form), or call 1-800-MEDICARE (1-800-633-4227)."),
                "{sheet}"
            );
        } else {
            assert!(letter.contains("**Re: Complaint about the denial of"), "{letter}");
            assert!(sheet.contains("- To: "), "{sheet}");
        }
    }
}

#[test]
fn a_complaint_speaks_in_the_signers_voice() {
    let base = her2("complaint", "aca-individual", "ppo", "OH");
    let (patient, _) = render(&base);
    assert!(patient.contains(
        "I am writing to complain about how Prairie Health HMO Silver, my health plan, has handled its denial of coverage for outpatient hematology/oncology consultation and follow-up"
    ));
    let provider = base.voice("provider").replace(
        "name = \"Maria Lopez\"\naddress",
        "name = \"Helen Park\"\ncredentials = \"MD\"\nnpi = \"1234567893\"\naddress",
    );
    let (letter, _) = render(&provider);
    assert!(letter.contains(
        "I am writing on behalf of my patient, Maria Lopez, to complain about how Prairie Health HMO Silver, her health plan, has handled"
    ), "{letter}");
    assert!(!letter.contains("my health plan"));
    let representative = base.voice("representative").replace(
        "name = \"Maria Lopez\"\naddress",
        "name = \"Ana Lopez\"\nrelationship = \"sister\"\naddress",
    );
    let (letter, _) = render(&representative);
    assert!(letter.contains(
        "I am writing on behalf of Maria Lopez to complain about how Prairie Health HMO Silver, her health plan, has handled"
    ), "{letter}");
    assert!(letter.contains("On behalf of Maria Lopez, as her sister"));
}

#[test]
fn a_complaint_about_an_overdue_appeal_cites_the_clock_and_the_log() {
    let case = her2("complaint", "erisa", "hmo", "IL").insert_before(
        "[[enclosures]]",
        "[appeal]\nfiled = 2026-10-01\n\n[[log]]\ndate = 2026-11-10\nkind = \"call\"\nwith = \"Member services\"\nreference = \"C-1\"\nnote = \"Told the appeal was still in review\"\n\n",
    );
    let (letter, _) = render(&case);
    assert!(
        letter.contains("The appeal was sent to the plan on October 1, 2026. The plan has not decided it."),
        "{letter}"
    );
    assert!(letter.contains("within 30 days of receiving it (29 CFR 2560.503-1(i)(2)(ii)). Counted from the day the appeal was sent, that was October 31, 2026. That date has passed."), "{letter}");
    // The plan is not grandfathered, so deemed exhaustion is stated with its citation.
    assert!(letter.contains("(29 CFR 2590.715-2719(b)(2)(ii) (parallel 45 CFR 147.136(b)(2)(ii)(F)))"));
    assert!(letter.contains(
        "- November 10, 2026, call with Member services (reference C-1): Told the appeal was still in review"
    ));
    assert!(letter.contains("and the appeal it has not yet decided"));
}

#[test]
fn california_asks_which_regulator_when_the_plan_type_does_not_say() {
    let case = her2("complaint", "state-regulated", "ppo", "CA");
    let env = TestEnv::new().with_case("case.toml", &case);
    for command in ["check", "explain", "render"] {
        let mut args = vec![command, "[ROOT]/case.toml"];
        if command == "render" {
            args.extend(["--format", "md", "-o", "[ROOT]"]);
        }
        env.run(args)
            .code(2)
            .stderr_has("a complaint letter goes to the State agency that regulates the plan, but the case does not say which of the State's regulators that is")
            .stderr_has("set `[plan] regulator` to \"dmhc\" (Department of Managed Health Care")
            .stderr_has("or \"cdi\" (California Department of Insurance");
    }
    assert!(!env.exists("case.md"), "nothing is written");
    // The State's review program depends on the regulator too.
    common::run_case(
        "check",
        her2("external-review", "state-regulated", "ppo", "CA"),
        &[],
    )
    .code(2)
    .stderr_has("an external-review letter goes to the State agency that regulates the plan");
    let (letter, sheet) = render(&case.replace("state = \"CA\"", "state = \"CA\"\nregulator = \"cdi\""));
    assert_eq!(
        recipient(&letter),
        "Consumer Services Division\\\nCalifornia Department of Insurance"
    );
    assert!(sheet.contains("- Online: insurance.ca.gov (Request for Assistance)"));
    assert!(sheet.contains("- Phone: 1-800-927-4357"));
    // An HMO is the DMHC's without asking; the letter asks for Independent Medical Review.
    let (letter, sheet) = render(&her2("complaint", "state-regulated", "hmo", "CA"));
    assert!(
        letter.contains(
            "I ask the Help Center to decide whether this qualifies for Independent Medical Review"
        )
    );
    assert!(sheet.contains("apply within 6 months of the plan's written decision"));
}

#[test]
fn missing_facts_for_a_complaint_are_named_by_check_and_explain() {
    let no_state = her2("complaint", "aca-individual", "ppo", "OH").replace("state = \"OH\"\n", "");
    for command in ["check", "explain"] {
        common::run_case(command, &no_state, &[])
            .code(2)
            .stderr_has("a complaint letter goes to the State agency that oversees the plan, but the case does not say which State the plan is in")
            .stderr_has("hint: set `[plan] state`");
    }
    let unknown = her2("complaint", "unknown", "ppo", "OH");
    check(&unknown, &[])
        .code(2)
        .stderr_has("the case does not say which law governs the plan")
        .stderr_has("hint: set `[plan] regulation`");
    // The same case as an appeal is fine: the facts matter only for the complaint.
    check(&no_state, &["--kind", "appeal"]).stderr_lacks("which State");
}

#[test]
fn a_state_without_a_file_is_named_and_check_warns() {
    let case = her2("complaint", "aca-individual", "ppo", "VT");
    let (letter, sheet) = render(&case);
    assert_eq!(recipient(&letter), "Insurance regulator of VT");
    assert!(letter.contains("To whom it may concern:"));
    assert!(sheet.contains("No verified address for Insurance regulator of VT is on file"));
    check(&case, &[])
        .stdout_has("warning: no verified address for Insurance regulator of VT is on file, so the letter is addressed by name only");
}

/// A rules folder with one State file, to show that adding a State is adding data, and that a
/// body tagged UNVERIFIED is named but its contact details are never printed.
fn rules_with_state(env: &TestEnv, tag: &str) {
    env.write(
        "rules/states/NV.toml",
        format!(
            r#"state = "NV"
name = "Nevada"

[[insurance]]
name = "Nevada Division of Insurance"
address = ["1818 Example Street", "Carson City, NV 89706"]
phone = "(775) 555-0100"
citation = "test data"
tag = "{tag}"
"#
        ),
    );
}

#[test]
fn adding_a_state_is_adding_its_file_and_unverified_contacts_are_never_printed() {
    let case = her2("complaint", "aca-individual", "ppo", "NV");
    let env = TestEnv::new().with_case("case.toml", &case);
    rules_with_state(&env, "S");
    env.render_md("[ROOT]/case.toml", &["--rules", "[ROOT]/rules"]);
    let letter = env.read("case.md");
    assert_eq!(
        recipient(&letter),
        "Nevada Division of Insurance\\\n1818 Example Street\\\nCarson City, NV 89706"
    );

    let env = TestEnv::new().with_case("case.toml", &case);
    rules_with_state(&env, "UNVERIFIED");
    env.render_md("[ROOT]/case.toml", &["--rules", "[ROOT]/rules"]);
    let (letter, sheet) = (env.read("case.md"), env.read("case-next-steps.md"));
    assert_eq!(recipient(&letter), "Nevada Division of Insurance");
    for text in [&letter, &sheet] {
        assert!(!text.contains("1818 Example Street"), "{text}");
        assert!(!text.contains("555-0100"), "{text}");
    }
    assert!(sheet.contains("No verified address for Nevada Division of Insurance is on file"));
    env.run(["check", "[ROOT]/case.toml", "--rules", "[ROOT]/rules"])
        .stdout_has("warning: no verified address for Nevada Division of Insurance is on file");
}

#[test]
fn a_broken_state_file_is_an_error_with_its_place() {
    let env = TestEnv::new().with_case("case.toml", her2("complaint", "aca-individual", "ppo", "NV"));
    env.write("rules/states/NV.toml", "state = \"NM\"\nname = \"Nevada\"\n");
    env.run(["check", "[ROOT]/case.toml", "--rules", "[ROOT]/rules"])
        .code(2)
        .stderr_has("NV.toml:1:9: state \"NM\" must equal the file name \"NV\"");
}

#[test]
fn external_review_is_the_next_level_the_regulation_provides() {
    let decided = |c: Case| {
        c.insert_before(
            "[[enclosures]]",
            "[appeal]\nfiled = 2026-11-10\ndecision = 2026-11-17\n\n",
        )
    };
    // (regulation, plan type, state, recipient block starts with, the request, the citation)
    let cases = [
        (
            "erisa",
            "hmo",
            "IL",
            "Appeals and Grievances\\\nPrairie Health HMO",
            "I request an external review by an independent review organization of Prairie Health HMO Silver's final decision on my appeal, dated November 17, 2026, which keeps its denial of outpatient hematology/oncology consultation and follow-up",
            "(29 CFR 2590.715-2719(c)–(d))",
        ),
        (
            "aca-individual",
            "hmo",
            "CA",
            "Help Center\\\nDepartment of Managed Health Care",
            "I request an external review by an independent review organization of Prairie Health HMO Silver's final decision on my appeal, dated November 17, 2026",
            "(45 CFR 147.136(c)–(d))",
        ),
        (
            "aca-individual",
            "ppo",
            "IL",
            "Illinois Department of Insurance\\\n320 W. Washington Street",
            "I request an external review by an independent review organization",
            "(45 CFR 147.136(c)–(d))",
        ),
        (
            "state-regulated",
            "ppo",
            "MI",
            "Office of Consumer Services\\\nMichigan Department of Insurance and Financial Services\\\nP.O. Box 30220\\\nLansing, MI 48909-7720",
            "I request an external review by an independent review organization",
            // The State-regulated rules state no right to claim; the letter names the decision.
            "final decision on my appeal, dated November 17, 2026",
        ),
        (
            "fehb",
            "fehb",
            "IL",
            "Healthcare and Insurance\\\nUnited States Office of Personnel Management\\\n1900 E Street NW",
            "I request review by the Office of Personnel Management (OPM) of Prairie Health HMO Silver's final decision on my appeal",
            "(5 CFR 890.105(a)(1); 48 CFR 1652.204-72(a)(1))",
        ),
        (
            "medicaid-managed-care",
            "medicaid",
            "OH",
            "Bureau of State Hearings\\\nOhio Department of Job and Family Services\\\nP.O. Box 182825\\\nColumbus, OH 43218-2825",
            "I request a State fair hearing of Prairie Health HMO Silver's final decision on my appeal, dated November 17, 2026",
            "(42 CFR 438.408(f))",
        ),
        (
            "medicare-advantage",
            "medicare-advantage",
            "IL",
            "Appeals and Grievances\\\nPrairie Health HMO",
            "I am writing about the plan's decision dated November 17, 2026 on my appeal, which keeps its denial of coverage for outpatient hematology/oncology consultation and follow-up. The rules provide automatic forwarding of the case by the plan to the Independent Review Entity",
            "(42 CFR 422.590; 422.592(a))",
        ),
        (
            "medicare-part-d",
            "other",
            "IL",
            "Part D Independent Review Entity",
            "I request reconsideration by the Independent Review Entity of Prairie Health HMO Silver's final decision on my appeal",
            "(42 CFR 423.600)",
        ),
    ];
    for (regulation, plan_type, state, to, request, citation) in cases {
        let case = decided(her2("external-review", regulation, plan_type, state));
        let (letter, _) = render(&case);
        assert!(
            recipient(&letter).starts_with(to),
            "{regulation}: {}",
            recipient(&letter)
        );
        assert!(letter.contains(request), "{regulation}:\n{letter}");
        assert!(letter.contains(citation), "{regulation}: {citation}\n{letter}");
    }
}

#[test]
fn the_window_counts_from_the_final_internal_decision() {
    let case = common::Case::file("tests/cases/kinds/medicaid-fair-hearing.toml");
    let (letter, _) = render(&case);
    // 120 days after the plan's decision of October 30, 2026.
    assert!(letter.contains("This request is made within the time allowed, which runs to February 27, 2027 (42 CFR 438.408(f)(2))."), "{letter}");
    // The provider's voice.
    assert!(letter.contains("On behalf of my patient, Tanya Brooks, I request a State fair hearing"));
    check(&case, &[]).success().stdout_lacks("appeal.decision");

    // Without the decision date: counted from the notice, and check says so.
    let undecided = case.replace("decision = 2026-10-30\n", "");
    let (letter, _) = render(&undecided);
    assert!(
        letter.contains("decision dated October 1, 2026 to deny coverage"),
        "{letter}"
    );
    assert!(letter.contains("which runs to January 29, 2027"), "{letter}");
    check(&undecided, &[]).stdout_has(
        "warning: appeal.decision: the case does not give the date of the plan's final decision on the internal appeal",
    );
}

#[test]
fn where_sources_differ_the_earliest_date_is_printed() {
    // ACA external review: four months in the regulation, 60 days on HealthCare.gov.
    let case = her2("external-review", "aca-individual", "ppo", "OH").insert_before(
        "[[enclosures]]",
        "[appeal]\nfiled = 2026-11-10\ndecision = 2026-11-17\n\n",
    );
    let (letter, sheet) = render(&case);
    assert!(letter.contains("which runs to January 16, 2027 (45 CFR 147.136(d)(2)(i); (c)(2)(vi); HealthCare.gov \"External review\" page)"), "{letter}");
    // Ohio's file names no external review office: the request goes to the plan, which is
    // asked to forward it, and the sheet says the final denial names where to send it.
    assert!(letter.contains("I ask it to forward the request at once to the office that is"));
    assert!(sheet.contains("Your plan's final denial must say where to send a request for external review"));
}

#[test]
fn a_grandfathered_plan_has_no_external_review_to_ask_for() {
    let case = her2("external-review", "erisa", "hmo", "IL")
        .replace("grandfathered = false", "grandfathered = true");
    for command in ["check", "explain"] {
        common::run_case(command, &case, &[])
            .code(2)
            .stderr_has("the plan is grandfathered, so the external review rules (29 CFR 2590.715-2719(c)–(d)) do not apply to it")
            .stderr_has("hint: After the appeal is denied you may bring a civil action under ERISA §502(a)");
    }
    common::run_case("check", her2("external-review", "unknown", "hmo", "IL"), &[])
        .code(2)
        .stderr_has("give no further review a letter can ask for");
}

#[test]
fn external_review_speaks_in_every_voice_and_says_when_grandfathering_matters() {
    let base = her2("external-review", "erisa", "hmo", "IL")
        .replace("grandfathered = false\n", "")
        .insert_before(
            "[[enclosures]]",
            "[appeal]\nfiled = 2026-11-10\ndecision = 2026-11-17\n\n",
        );
    let (letter, _) = render(&base);
    assert!(letter.contains("If the plan is not grandfathered, the rules provide external review by an independent review organization"));
    check(&base, &[]).stdout_has(
        "warning: plan.grandfathered: this review applies only to plans that are not grandfathered",
    );
    let representative = base
        .voice("representative")
        .replace("name = \"Maria Lopez\"\naddress", "name = \"Ana Lopez\"\naddress");
    let (letter, _) = render(&representative);
    assert!(letter.contains("On behalf of Maria Lopez, I request an external review by an independent review organization of Prairie Health HMO Silver's final decision on her appeal"), "{letter}");
}

#[test]
fn the_fax_cover_of_a_complaint_is_addressed_to_the_regulator() {
    let case = Case::file("tests/cases/kinds/ca-hmo-complaint.toml").replace(
        "department = \"Appeals and Grievances\"",
        "department = \"Appeals and Grievances\"\nfax = \"(510) 555-0100\"",
    );
    let env = TestEnv::new().with_case("case.toml", &case);
    env.packet_md("[ROOT]/case.toml");
    let cover = env.read("case-fax-cover.md");
    assert!(
        cover.contains("**To:** Department of Managed Health Care, Help Center\\\n**Fax:** 916-255-5241"),
        "{cover}"
    );
    assert!(!cover.contains("555-0100"), "{cover}");
    // Florida's regulator has no verified fax number: the cover says so instead of guessing.
    let florida = case.replace("state = \"CA\"", "state = \"FL\"").replace(
        "regulation = \"state-regulated\"",
        "regulation = \"aca-individual\"",
    );
    let env = TestEnv::new().with_case("case.toml", &florida);
    env.packet_md("[ROOT]/case.toml");
    assert!(env.read("case-fax-cover.md").contains(
        "**Fax:** no verified fax number for Florida Department of Financial Services is on file: write it in before sending"
    ));
}

#[test]
fn explain_says_who_the_letter_goes_to_and_why() {
    let case = Case::file("tests/cases/kinds/ca-hmo-complaint.toml");
    common::run_case("explain", &case, &[])
        .success()
        .stdout_has("addressed to: Department of Managed Health Care (DMHC, \"File a Complaint\"")
        .stdout_has("  because: The State's insurance regulator licenses the insurers and HMOs");
    let json = common::run_case("explain", &case, &["--json"]);
    let v: serde_json::Value = serde_json::from_str(json.stdout()).unwrap();
    assert_eq!(v["addressed_to"]["name"], "Department of Managed Health Care");
    assert_eq!(v["addressed_to"]["verified"], true);
    let fair_hearing = Case::file("tests/cases/kinds/medicaid-fair-hearing.toml");
    common::run_case("explain", &fair_hearing, &[])
        .success()
        .stdout_has("addressed to: Ohio Department of Job and Family Services (42 CFR 438.408(f))")
        .stdout_has("  because: a State fair hearing if the plan upholds its denial");
    let vermont = her2("complaint", "aca-individual", "ppo", "VT");
    common::run_case("explain", &vermont, &[])
        .stdout_has("addressed to: Insurance regulator of VT")
        .stdout_has("no verified address is on file");
    // Other kinds have no addressee from the rules.
    let appeal = common::run_case("explain", Case::example("her2-out-of-network.toml"), &["--json"]);
    let v: serde_json::Value = serde_json::from_str(appeal.stdout()).unwrap();
    assert!(v["addressed_to"].is_null());
}

#[test]
fn opm_review_tells_the_signer_to_add_the_health_insurance_group() {
    let case = her2("external-review", "fehb", "fehb", "IL").insert_before(
        "[[enclosures]]",
        "[appeal]\nfiled = 2026-11-10\ndecision = 2026-11-17\n\n",
    );
    let (letter, sheet) = render(&case);
    assert!(letter.contains("To the United States Office of Personnel Management:"));
    assert!(
        sheet.contains("- Mail: 1900 E Street NW, Washington, DC 20415-3610"),
        "{sheet}"
    );
    assert!(
        sheet.contains("Section 8 of your plan's brochure gives it"),
        "{sheet}"
    );
    // 90 days from the carrier's letter confirming its denial.
    assert!(
        letter.contains("which runs to February 15, 2027 (5 CFR 890.105; OPM and plan-brochure guidance)"),
        "{letter}"
    );
}

/// A letter to a State hearing office does not ask that office for the plan's file or ask "the
/// plan" to honor rights: those arguments speak to the plan, and `explain` says why they are out.
#[test]
fn a_letter_to_another_body_leaves_out_what_speaks_to_the_plan() {
    let case = Case::file("tests/cases/kinds/medicaid-fair-hearing.toml");
    let letter = common::render_case(&case, &[]).success().file("case.md");
    assert!(
        letter.contains("Ohio Department of Job and Family Services"),
        "{letter}"
    );
    assert!(!letter.contains("## Documents I am requesting"), "{letter}");
    assert!(
        !letter.contains("I ask the plan to honor these rights"),
        "{letter}"
    );
    common::run_case("explain", &case, &[])
        .success()
        .stdout_has("skipped records-and-criteria-request   does not apply: it speaks to the plan, and this letter goes to Ohio Department of Job and Family Services");
}
