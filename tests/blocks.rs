//! The argument blocks of issue 15, one small case each (unlike the examples): what the letter
//! says and does not say in every voice, and why `explain` used or skipped the block.

mod common;

use common::{Case, TestEnv, render_case, run_case};

/// A case from `tests/cases/blocks`.
fn fixture(name: &str) -> Case {
    Case::file(&format!("tests/cases/blocks/{name}"))
}

/// What a reader sees of the Markdown letter drafted from `case`.
fn letter(case: impl AsRef<str>) -> String {
    render_case(case, &[]).visible("case.md")
}

/// `appeal explain` on `case`.
fn explain(case: impl AsRef<str>) -> String {
    run_case("explain", case, &[]).success().stdout().to_string()
}

/// The explain line for block `id`.
fn explain_line<'a>(text: &'a str, id: &str) -> &'a str {
    text.lines()
        .find(|l| l.split_whitespace().nth(1) == Some(id))
        .unwrap_or_else(|| panic!("{id} is not in {text}"))
}

/// A patient letter never speaks of "my patient"; a third-person letter never says "my claim".
fn assert_voice(letter: &str, voice: &str) {
    if voice == "patient" {
        assert!(!letter.contains("my patient"), "{letter}");
    } else {
        assert!(!letter.contains("my claim"), "{letter}");
        assert!(!letter.contains("my doctor"), "{letter}");
    }
}

const VOICES: [&str; 3] = ["patient", "provider", "representative"];

#[test]
fn administrative_correction_states_the_error_and_asks_to_pay_the_corrected_claim() {
    let case = fixture("administrative-correction.toml");
    for voice in VOICES {
        let l = letter(case.voice(voice));
        assert_voice(&l, voice);
        assert!(l.contains("The administrative error is corrected"), "{l}");
        assert!(
            l.contains("What was wrong: The claim listed member ID LS-0000000 instead of LS-4471902."),
            "{l}"
        );
        assert!(
            l.contains(
                "The correct information: Member ID LS-4471902, as shown on the enclosed member card."
            ),
            "{l}"
        );
        assert!(
            l.contains("Enclosed: Corrected claim form (CMS-1500) and Copy of the member card."),
            "{l}"
        );
        assert!(
            l.contains("(code 78815; dates of service: October 14, 2026)"),
            "{l}"
        );
        assert!(
            l.contains("reprocess the claim with the corrected information and pay it"),
            "{l}"
        );
        assert!(l.contains("The denial gave no other reason"), "{l}");
        // Post-service: nothing still to come.
        assert!(!l.contains("decide the request"), "{l}");
        let who = match voice {
            "patient" => "The plan denied my claim for PET/CT",
            "provider" => "October 14, 2026) for my patient for an administrative reason",
            _ => "October 14, 2026) for Rosa Delgado for an administrative reason",
        };
        assert!(l.contains(who), "{voice}: {l}");
    }
    let e = explain(&case);
    assert!(
        explain_line(&e, "administrative-correction").contains("applies: denial reason administrative"),
        "{e}"
    );
    assert!(
        explain_line(&e, "retroactive-authorization").starts_with("skipped"),
        "{e}"
    );
}

#[test]
fn administrative_correction_before_the_care_asks_for_a_decision_not_payment() {
    let case = fixture("administrative-correction.toml")
        .replace(
            "service_timing = \"post-service\"",
            "service_timing = \"pre-service\"",
        )
        .replace(
            "reasons = [\"administrative\"]",
            "reasons = [\"administrative\", \"not-medically-necessary\"]",
        )
        .replace(
            "documents = [\"Corrected claim form (CMS-1500)\", \"Copy of the member card\"]",
            "",
        );
    let l = letter(&case);
    assert!(
        l.contains(
            "decide the request for PET/CT scan for lung cancer staging with the corrected information"
        ),
        "{l}"
    );
    assert!(!l.contains("pay it"), "{l}");
    assert!(!l.contains("Enclosed:"), "{l}");
    assert!(!l.contains("The denial gave no other reason"), "{l}");
    assert!(
        l.contains("For the other reasons the plan gave, see the rest of this letter"),
        "{l}"
    );
}

#[test]
fn administrative_denial_without_its_correction_is_reported_missing() {
    let case = fixture("administrative-correction.toml");
    let case = case.before("[correction]");
    let e = explain(&case);
    assert!(
        explain_line(&e, "administrative-correction")
            .contains("applies, but the case lacks correction.what, correction.corrected"),
        "{e}"
    );
    let out = run_case("check", &case, &[]).code(1).stdout().to_string();
    assert!(out.contains("correction.what"), "{out}");
}

#[test]
fn retroactive_authorization_prints_the_logged_call_in_every_voice() {
    let case = fixture("retroactive-authorization.toml");
    for voice in VOICES {
        let l = letter(case.voice(voice));
        assert_voice(&l, voice);
        assert!(
            l.contains("because authorization was not obtained in advance. It was not obtained first because the plan said that no authorization was needed."),
            "{l}"
        );
        assert!(
            l.contains("Authorization was requested on October 20, 2026."),
            "{l}"
        );
        assert!(
            l.contains("September 30, 2026, provider services (agent Kim) (call reference REF-55120): “No authorization is required for CPT 38221 in the office setting.”"),
            "{l}"
        );
        assert!(l.contains("honour what its representative said"), "{l}");
        assert!(
            l.contains("grant authorization retroactively and to pay the claim"),
            "{l}"
        );
        assert!(!l.contains("urgent"), "{l}");
        let who = match voice {
            "patient" => "The plan denied my claim for bone marrow biopsy",
            "provider" => "bone marrow biopsy for my patient (codes 38221, 88305",
            _ => "bone marrow biopsy for Tomas Berg (codes 38221, 88305",
        };
        assert!(l.contains(who), "{voice}: {l}");
    }
    let e = explain(&case);
    assert!(
        explain_line(&e, "retroactive-authorization")
            .contains("applies: denial reason no-prior-authorization"),
        "{e}"
    );
    assert!(
        explain_line(&e, "administrative-correction").starts_with("skipped"),
        "{e}"
    );
}

#[test]
fn retroactive_authorization_says_only_the_reason_the_case_gives() {
    let base = fixture("retroactive-authorization.toml");
    let base = base.before("[[authorization.calls]]");
    // Urgent care still under way: no call log, no payment, no "representative said".
    let urgent = base
        .replace("reason = \"plan-said-not-needed\"", "reason = \"urgent\"\nexplanation = \"Blast counts rose and treatment decisions could not wait.\"")
        .replace("service_timing = \"post-service\"", "service_timing = \"concurrent\"");
    let l = letter(&urgent);
    assert!(
        l.contains("the care was urgent and could not wait for the plan's authorization process: Blast counts rose and treatment decisions could not wait."),
        "{l}"
    );
    assert!(
        l.contains("to authorize it, including any care already given"),
        "{l}"
    );
    assert!(!l.contains("pay the claim"), "{l}");
    assert!(!l.contains("representative said"), "{l}");
    assert!(!l.contains("logged"), "{l}");
    // The office's error, in the patient's own words.
    let office = base
        .replace("reason = \"plan-said-not-needed\"", "reason = \"office-error\"")
        .voice("patient");
    let l = letter(&office);
    assert!(
        l.contains("because of an administrative error in my doctor's office. The error was not mine."),
        "{l}"
    );
    assert!(!l.contains("plan said"), "{l}");
    assert!(!l.contains("referred by"), "{l}");
    // An HMO's primary-care referral, as a case fact.
    let l = letter(office.replace(
        "[authorization]",
        "[authorization]\nreferral = \"Dr. Amy Cole, referral R-5521, dated September 28, 2026\"",
    ));
    assert!(
        l.contains("The care was referred by my primary-care provider: Dr. Amy Cole, referral R-5521, dated September 28, 2026."),
        "{l}"
    );
    // Without a reason the block cannot answer the denial, and check says so.
    let none = base.replace("reason = \"plan-said-not-needed\"\n", "");
    let e = explain(&none);
    assert!(
        explain_line(&e, "retroactive-authorization")
            .contains("applies, but the case lacks authorization.reason"),
        "{e}"
    );
    let out = run_case("check", &none, &[]).code(1).stdout().to_string();
    assert!(out.contains("authorization.reason"), "{out}");
}

#[test]
fn plan_terms_quotes_each_clause_and_answers_only_with_named_facts() {
    let case = fixture("plan-terms.toml");
    for voice in VOICES {
        let l = letter(case.voice(voice));
        assert_voice(&l, voice);
        assert!(l.contains("The plan's own terms"), "{l}");
        assert!(
            l.contains("Evidence of Coverage, section 4.2: “Care from a non-participating provider is not covered if it may be provided by a participating specialist.”"),
            "{l}"
        );
        assert!(
            l.contains("In-network providers were asked, and none could provide this care: Front Range Orthopedics (October 28, 2026): no orthopaedic oncologist on staff; Mile High Surgical Group: referred the patient back to the sarcoma center."),
            "{l}"
        );
        assert!(
            l.contains("NCCN, Bone Cancer , v1.2026, recommends this care: “Treatment at a center with sarcoma expertise.”"),
            "{l}"
        );
        assert!(
            l.contains("diagnosis: osteosarcoma of the distal femur (high-grade conventional osteosarcoma), a rare cancer."),
            "{l}"
        );
        // A clause with no facts named is quoted, and the plan is asked; never interpreted.
        assert!(
            l.contains(
                "The plan's document: “Services must be the most cost-efficient appropriate alternative.”"
            ),
            "{l}"
        );
        assert!(
            l.contains("I ask the plan to explain how this clause applies to limb-sparing resection of a femoral osteosarcoma"),
            "{l}"
        );
        // No treatments in the case: nothing is said about them.
        assert!(!l.contains("treatment so far"), "{l}");
    }
    let e = explain(&case);
    assert!(explain_line(&e, "plan-terms").starts_with("used"), "{e}");
    assert!(explain_line(&e, "plan-terms").contains("plan_terms"), "{e}");
}

#[test]
fn plan_terms_never_says_the_network_failed_when_a_provider_could_help() {
    let case = fixture("plan-terms.toml")
        .replace_first("could_provide = false", "could_provide = true")
        .replace("supports_request = true", "supports_request = false");
    let l = letter(&case);
    assert!(!l.contains("none could provide"), "{l}");
    assert!(
        l.contains("In-network providers were asked: Front Range Orthopedics"),
        "{l}"
    );
    assert!(
        l.contains("name the participating provider it believes can give this care"),
        "{l}"
    );
    // The guideline no longer supports the request, so it is not said to recommend it.
    assert!(!l.contains("recommends this care"), "{l}");
    // Without [[plan_terms]] the block is skipped, and explain says why.
    let none = fixture("plan-terms.toml");
    let none = none.before("[[plan_terms]]");
    let e = explain(&none);
    let line = explain_line(&e, "plan-terms");
    assert!(line.starts_with("skipped"), "{e}");
    assert!(line.contains("plan_terms"), "{e}");
}

#[test]
fn medicare_coverage_criteria_prints_the_verified_rules_and_asks_for_the_ncd_or_lcd() {
    let case = fixture("medicare-coverage-criteria.toml");
    for voice in VOICES {
        let l = letter(case.voice(voice));
        assert_voice(&l, voice);
        let opening = match voice {
            "patient" => "My plan, Harbor Senior Choice (HMO), is a Medicare Advantage plan.",
            "provider" => "My patient's plan, Harbor Senior Choice (HMO), is a Medicare Advantage plan.",
            _ => "Edith Norris's plan, Harbor Senior Choice (HMO), is a Medicare Advantage plan.",
        };
        assert!(l.contains(opening), "{voice}: {l}");
        assert!(l.contains("(42 CFR 422.101(a)–(b)(3))"), "{l}");
        assert!(l.contains("(42 CFR 422.101(b)(6))"), "{l}");
        assert!(
            l.contains("I ask the plan to name the national or local coverage determination it applied to PET/CT after two cycles of R-CHOP"),
            "{l}"
        );
        assert!(
            l.contains("The denial names these criteria: “Vendor imaging guideline IMG-12: restaging PET/CT only after six cycles”."),
            "{l}"
        );
        assert!(
            l.contains("If Original Medicare would cover this care, I ask the plan to cover it."),
            "{l}"
        );
        assert!(!l.contains("pay the claim"), "{l}");
    }
    let e = explain(&case);
    assert!(
        explain_line(&e, "medicare-coverage-criteria")
            .contains("applies: denial reason not-medically-necessary"),
        "{e}"
    );
    // Any other regulation: skipped, and explain says why.
    let erisa = case.replace("regulation = \"medicare-advantage\"", "regulation = \"erisa\"");
    let e = explain(&erisa);
    let line = explain_line(&e, "medicare-coverage-criteria");
    assert!(
        line.starts_with("skipped") && line.contains("medicare-advantage"),
        "{e}"
    );
    assert!(!letter(&erisa).contains("422.101"));
}

#[test]
fn clinical_trial_routine_costs_states_phsa_2709_only_for_a_plan_that_is_not_grandfathered() {
    let case = fixture("clinical-trial-routine-costs.toml");
    for voice in VOICES {
        let l = letter(case.voice(voice));
        assert_voice(&l, voice);
        let who = match voice {
            "patient" => "I am taking part in a phase II clinical trial",
            "provider" => "My patient is taking part in a phase II clinical trial",
            _ => "Lena Hale is taking part in a phase II clinical trial",
        };
        assert!(l.contains(who), "{voice}: {l}");
        assert!(
            l.contains("(NCT07654321), approved or funded by an FDA investigational new drug application."),
            "{l}"
        );
        assert!(
            l.contains(
                "It is not the investigational treatment the trial studies (the KRAS inhibitor under study)"
            ),
            "{l}"
        );
        assert!(
            l.contains("plan is not grandfathered under the Affordable Care Act"),
            "{l}"
        );
        assert!(
            l.contains("(Public Health Service Act §2709(a), 42 U.S.C. 300gg-8(a))"),
            "{l}"
        );
        assert!(
            l.contains("I ask the plan to cover CT scans of the chest, abdomen and pelvis every nine weeks as a routine patient cost"),
            "{l}"
        );
        assert!(!l.contains("pay the claim"), "{l}");
    }
    let e = explain(&case);
    assert!(
        explain_line(&e, "clinical-trial-routine-costs")
            .contains("the plan is not grandfathered; clinical_trial.routine_care is given"),
        "{e}"
    );
    // Grandfathered, or not said: the block is skipped and the law is never stated.
    for (g, why) in [
        ("grandfathered = true", "the plan is grandfathered"),
        ("", "the case does not say whether the plan is grandfathered"),
    ] {
        let text = case.replace("grandfathered = false", g);
        let e = explain(&text);
        let line = explain_line(&e, "clinical-trial-routine-costs");
        assert!(line.starts_with("skipped") && line.contains(why), "{e}");
        assert!(!letter(&text).contains("300gg-8"));
    }
    // The case does not say the care is routine: nothing about routine costs.
    let text = case.replace("routine_care = true", "");
    let e = explain(&text);
    assert!(
        explain_line(&e, "clinical-trial-routine-costs").starts_with("skipped"),
        "{e}"
    );
    assert!(!letter(&text).contains("routine patient cost"));
    // Medicare Advantage has no [clinical_trials] rule here: skipped.
    let text = case.replace(
        "regulation = \"aca-individual\"",
        "regulation = \"medicare-advantage\"",
    );
    assert!(explain_line(&explain(&text), "clinical-trial-routine-costs").starts_with("skipped"));
}

#[test]
fn clinical_trial_routine_costs_after_the_care_asks_to_pay_the_claim() {
    let case = fixture("clinical-trial-routine-costs.toml")
        .replace(
            "service_timing = \"pre-service\"",
            "service_timing = \"post-service\"",
        )
        .replace(
            "codes = [\"74177\", \"71260\"]",
            "codes = [\"74177\", \"71260\"]\ndates = \"September 8, 2026\"",
        );
    let l = letter(&case);
    assert!(
        l.contains("I was taking part in a phase II clinical trial")
            || l.contains("Lena Hale was taking part"),
        "{l}"
    );
    assert!(
        l.contains("I ask the plan to pay the claim for CT scans of the chest, abdomen and pelvis every nine weeks as a routine patient cost for the dates of service September 8, 2026."),
        "{l}"
    );
    assert!(!l.contains("I ask the plan to cover CT scans"), "{l}");
}

#[test]
fn off_label_compendia_lists_the_compendium_and_the_medicare_rule() {
    let case = fixture("off-label-compendia.toml");
    for voice in VOICES {
        let l = letter(case.voice(voice));
        assert_voice(&l, voice);
        let who = match voice {
            "patient" => {
                "The plan denied bevacizumab, used in an anti-cancer regimen for my recurrent glioblastoma."
            }
            "provider" => {
                "The plan denied bevacizumab, used in an anti-cancer regimen for my patient's recurrent glioblastoma."
            }
            _ => {
                "The plan denied bevacizumab, used in an anti-cancer regimen for Harold Finch's recurrent glioblastoma."
            }
        };
        assert!(l.contains(who), "{voice}: {l}");
        assert!(
            l.contains("NCCN Drugs & Biologics Compendium (2026): bevacizumab, for recurrent glioblastoma, as a single agent (category 2A)"),
            "{l}"
        );
        assert!(
            l.contains(
                "(42 U.S.C. 1395x(t)(2)(B); Medicare Benefit Policy Manual ch. 15 §50.4.5; 42 CFR 422.101(b))"
            ),
            "{l}"
        );
        assert!(
            l.contains("I ask the plan to pay the claim for bevacizumab for this use."),
            "{l}"
        );
    }
    let e = explain(&case);
    assert!(
        explain_line(&e, "off-label-compendia")
            .contains("plan regulation medicare-advantage; compendia is given"),
        "{e}"
    );
    // Not said to be an anti-cancer regimen: the listing is quoted, the rule is not claimed.
    let text = case.replace("anticancer_regimen = true", "");
    let l = letter(&text);
    assert!(l.contains("NCCN Drugs & Biologics Compendium"), "{l}");
    assert!(!l.contains("1395x"), "{l}");
    assert!(!l.contains("anti-cancer regimen for"), "{l}");
    // Part D: its own statute.
    let text = case.replace(
        "regulation = \"medicare-advantage\"",
        "regulation = \"medicare-part-d\"",
    );
    let l = letter(&text);
    assert!(l.contains("is a Medicare Part D plan"), "{l}");
    assert!(l.contains("(42 U.S.C. 1395w-102(e)(4)(A)(i))"), "{l}");
    // A commercial plan: no verified off-label law, so the block is skipped.
    let text = case.replace("regulation = \"medicare-advantage\"", "regulation = \"erisa\"");
    let e = explain(&text);
    assert!(
        explain_line(&e, "off-label-compendia").starts_with("skipped"),
        "{e}"
    );
    assert!(!letter(&text).contains("1395x"));
}

/// The numbered reference list of a rendered letter (what a reader sees after "References").
fn references(letter: &str) -> &str {
    letter.split("References").nth(1).unwrap_or("")
}

#[test]
fn radiation_technique_cites_each_trial_only_for_the_disease_it_studied() {
    let case = fixture("radiation-technique.toml");
    for voice in VOICES {
        let l = letter(case.voice(voice));
        assert_voice(&l, voice);
        assert!(
            l.contains("using intensity-modulated radiotherapy (IMRT). The plan proposed 3D conformal radiotherapy instead."),
            "{l}"
        );
        assert!(
            l.contains("The team gives this reason for the technique: “Sparing the parotid glands and the spinal cord while covering both sides of the neck.”"),
            "{l}"
        );
        assert!(
            l.contains(
                "In PARSPORT, a randomized trial of 94 patients with pharyngeal squamous-cell carcinoma"
            ),
            "{l}"
        );
        assert!(
            references(&l).contains("Parotid-sparing intensity modulated"),
            "{l}"
        );
        // Not the nasopharyngeal, breast, pelvic or SABR trials.
        for other in [
            "nasopharyngeal",
            "whole-breast",
            "hysterectomy",
            "SABR-COMET",
            "CHISEL",
        ] {
            assert!(!l.contains(other), "{other}: {l}");
        }
        assert!(
            l.contains("I ask the plan to approve definitive chemoradiotherapy"),
            "{l}"
        );
    }
    let e = explain(&case);
    assert!(
        explain_line(&e, "radiation-technique").contains("radiation.technique is given"),
        "{e}"
    );
    // Nasopharyngeal carcinoma: Kam, not PARSPORT.
    let npc = case.replace(
        "HPV-positive oropharyngeal squamous cell carcinoma",
        "nasopharyngeal carcinoma",
    );
    let l = letter(&npc);
    assert!(l.contains("(39.3% versus 82.1%)"), "{l}");
    assert!(!l.contains("PARSPORT"), "{l}");
    // Protons for lung cancer: the trials are mixed, so no study is cited at all.
    let proton = case
        .replace("technique = \"imrt\"", "technique = \"proton\"")
        .replace(
            "HPV-positive oropharyngeal squamous cell carcinoma",
            "stage III non-small cell lung cancer",
        );
    let l = letter(&proton);
    assert!(l.contains("using proton therapy"), "{l}");
    assert!(!l.contains("Randomised trials in this disease"), "{l}");
    assert!(!l.contains("References"), "{l}");
    // SABR for oligometastatic disease only when the case says so.
    let sabr = case
        .replace("technique = \"imrt\"", "technique = \"sbrt\"")
        .replace(
            "HPV-positive oropharyngeal squamous cell carcinoma",
            "metastatic colorectal cancer",
        );
    assert!(!letter(&sabr).contains("SABR-COMET"));
    let l = letter(sabr.replace(
        "technique = \"sbrt\"",
        "technique = \"sbrt\"\noligometastatic = true",
    ));
    assert!(
        l.contains("improved five-year overall survival (42.3% versus 17.7%)"),
        "{l}"
    );
    // Without [radiation] the block is skipped, and explain says why.
    let none = case.before("[radiation]");
    let line = explain(&none);
    assert!(
        explain_line(&line, "radiation-technique").starts_with("skipped"),
        "{line}"
    );
}

#[test]
fn imaging_cites_lymphoma_sources_for_lymphoma_and_never_argues_surveillance() {
    let case = fixture("imaging.toml");
    for voice in VOICES {
        let l = letter(case.voice(voice));
        assert_voice(&l, voice);
        let who = match voice {
            "patient" => {
                "My doctors have ordered interim FDG PET/CT for assessing response to treatment of my classical Hodgkin lymphoma."
            }
            "provider" => {
                "The treating team has ordered interim FDG PET/CT for assessing response to treatment of my patient's classical Hodgkin lymphoma."
            }
            _ => {
                "The treating team has ordered interim FDG PET/CT for assessing response to treatment of Owen Park's classical Hodgkin lymphoma."
            }
        };
        assert!(l.contains(who), "{voice}: {l}");
        assert!(l.contains("The Lugano classification"), "{l}");
        assert!(
            l.contains("In the RATHL randomized trial in advanced Hodgkin lymphoma"),
            "{l}"
        );
        assert!(!l.contains("thoracotom"), "{l}");
        assert!(!l.contains("Tesla"), "{l}");
    }
    let e = explain(&case);
    assert!(
        explain_line(&e, "imaging").contains("imaging.modality is given"),
        "{e}"
    );
    // Early-stage disease: Lugano yes, RATHL (advanced disease) no.
    let early = case.replace("stage = \"IV\"", "stage = \"IA\"");
    let l = letter(&early);
    assert!(l.contains("Lugano") && !l.contains("RATHL"), "{l}");
    // Surveillance: no source is cited for routine follow-up scans.
    let follow = case.replace("purpose = \"response\"", "purpose = \"surveillance\"");
    let l = letter(&follow);
    assert!(!l.contains("Lugano") && !l.contains("References"), "{l}");
    // Lung cancer staging before surgery: the PET staging trials.
    let lung = case
        .replace("classical Hodgkin lymphoma", "non-small cell lung cancer")
        .replace("stage = \"IV\"", "stage = \"IIA\"")
        .replace("purpose = \"response\"", "purpose = \"staging\"")
        .replace(
            "The result decides whether to continue ABVD or change treatment after two cycles.",
            "Staging before planned lobectomy.",
        );
    let l = letter(&lung);
    assert!(l.contains("cut futile thoracotomies from 41% to 21%"), "{l}");
    assert!(!l.contains("Lugano"), "{l}");
}

#[test]
fn biomarker_testing_cites_esmo_only_for_the_cancers_it_names() {
    let case = fixture("biomarker-testing.toml");
    for voice in VOICES {
        let l = letter(case.voice(voice));
        assert_voice(&l, voice);
        assert!(
            l.contains("comprehensive genomic profiling of the tumour (FoundationOne CDx)"),
            "{l}"
        );
        assert!(
            l.contains("ESMO recommends routine next-generation sequencing of tumor samples in advanced non-squamous non-small-cell lung cancer"),
            "{l}"
        );
        assert!(
            l.contains("about half were lost to precision oncology before a biomarker result"),
            "{l}"
        );
        assert!(!l.contains("companion diagnostic"), "{l}");
    }
    let e = explain(&case);
    assert!(
        explain_line(&e, "biomarker-testing").contains("biomarker_test.kind is given"),
        "{e}"
    );
    // A cancer ESMO does not name: the request stands on the case facts alone.
    let other = case.replace(
        "metastatic lung adenocarcinoma (non-small cell lung cancer)",
        "metastatic pancreatic adenocarcinoma",
    );
    let l = letter(&other);
    assert!(!l.contains("ESMO") && !l.contains("precision oncology"), "{l}");
    // A companion diagnostic for a named drug: the FDA definition.
    let cdx = case.replace(
        "kind = \"genomic-profiling\"",
        "kind = \"companion-diagnostic\"\ndrug = \"osimertinib\"",
    );
    let l = letter(&cdx);
    assert!(
        l.contains("It is the companion diagnostic for osimertinib: the result decides whether she can receive that drug."),
        "{l}"
    );
    assert!(l.contains("The FDA defines a companion diagnostic"), "{l}");
    assert!(!l.contains("ESMO recommends"), "{l}");
}

/// The exception block's section of a letter, from its heading to the next.
fn exception_section(letter: &str) -> &str {
    let start = letter
        .find("The request meets the exception criteria")
        .unwrap_or_else(|| panic!("no exception section in {letter}"));
    let rest = &letter[start..];
    let end = rest.find("What delay costs").unwrap_or(rest.len());
    &rest[..end]
}

/// The explain line about ground `label` ("(d) shortage", "(g) state").
fn ground_line<'a>(explain: &'a str, label: &str) -> &'a str {
    explain
        .lines()
        .find(|l| l.contains(label))
        .unwrap_or_else(|| panic!("no {label} line in {explain}"))
}

const TEXAS_LAW: &str = "Tex. Ins. Code § 1369.0546(c)";

#[test]
fn preferred_drug_shortage_is_stated_as_the_notice_reports_it_in_every_voice() {
    let case = fixture("preferred-drug-exception.toml");
    for voice in VOICES {
        let l = letter(case.voice(voice));
        assert_voice(&l, voice);
        let s = exception_section(&l);
        assert!(s.contains("Shortage of the preferred products."), "{s}");
        let who = match voice {
            "patient" => {
                "The preferred product the plan would have me use first is reported in shortage or unavailable:"
            }
            "provider" => {
                "The preferred product the plan would have my patient use first is reported in shortage or unavailable:"
            }
            _ => {
                "The preferred product the plan would have Ana Ruiz use first is reported in shortage or unavailable:"
            }
        };
        assert!(s.contains(who), "{voice}: {s}");
        assert!(
            s.contains(
                "Ribociclib (Kisqali): reported by Bayside Specialty Pharmacy on October 28, 2026 (no stock expected before February 2027)"
            ),
            "{s}"
        );
        // A single failed drug is not the (a) ground of two failures: it is listed as history.
        assert!(!s.contains("Inadequate response"), "{s}");
        assert!(
            s.contains("Tamoxifen (February 3, 2025 to August 20, 2026), failed"),
            "{s}"
        );
    }
    let e = explain(&case);
    assert!(
        ground_line(&e, "(d) shortage").contains(
            "states (d) shortage of the preferred products: the case lists a shortage of Ribociclib (Kisqali)"
        ),
        "{e}"
    );
    // A shortage is a ground on its own: no treatment history is needed.
    let only = case.remove_between("[[treatments]]", "[[drug_shortages]]");
    let s = letter(&only);
    assert!(
        exception_section(&s).contains("Ribociclib (Kisqali): reported by"),
        "{s}"
    );
    assert!(!s.contains("treatment so far"), "{s}");
    // Without the fact, the block says nothing of a shortage and explain says why.
    let without = case.remove_between("[[drug_shortages]]", "detail = ");
    let without = without.replace("detail = \"no stock expected before February 2027.\"\n", "");
    let s = letter(&without);
    assert!(!s.contains("shortage"), "{s}");
    let e = explain(&without);
    assert!(
        ground_line(&e, "(d) shortage").contains(
            "leaves out (d) shortage of the preferred products: the case lists no [[drug_shortages]]"
        ),
        "{e}"
    );
}

#[test]
fn a_state_regulated_plan_in_texas_cites_the_texas_statute() {
    let case = fixture("preferred-drug-exception.toml");
    for voice in VOICES {
        let l = letter(case.voice(voice));
        let s = exception_section(&l);
        assert!(s.contains("Texas law on step-therapy exceptions."), "{s}");
        assert!(
            s.contains("Texas law requires a health benefit plan issuer to grant a step-therapy exception when the prescribing provider states"),
            "{s}"
        );
        assert!(
            s.contains(&format!("({TEXAS_LAW}). I ask the plan to apply it.")),
            "{s}"
        );
    }
    let e = explain(&case);
    assert!(
        ground_line(&e, "(g) state").contains(&format!(
            "states (g) state step-therapy law: the Texas law ({TEXAS_LAW}) applies: the case shows tried-before"
        )),
        "{e}"
    );
    // A patient's letter cites it too, and check asks for the prescriber's statement.
    run_case("check", case.voice("patient"), &[]).stdout_has(
        "warning: the letter cites the Texas law on step-therapy exceptions (Tex. Ins. Code § 1369.0546(c)), which rests on the prescriber's statement",
    );
    run_case("check", &case, &[]).stdout_lacks("rests on the prescriber's statement");
    // The same decision in explain --json.
    let json = run_case("explain", &case, &["--json"])
        .success()
        .stdout()
        .to_string();
    let v: serde_json::Value = serde_json::from_str(&json).unwrap();
    let x = &v["drug_exception"];
    assert_eq!(x["state_law"]["used"], true, "{x}");
    assert_eq!(x["shortage"]["used"], true, "{x}");
    assert_eq!(x["laws"][0]["citation"], TEXAS_LAW, "{x}");
    assert_eq!(x["laws"][0]["shown"][0], "tried-before", "{x}");
    // An ACA individual plan in the same state is bound by it too.
    let aca = case.replace(
        "regulation = \"state-regulated\"",
        "regulation = \"aca-individual\"",
    );
    assert!(letter(&aca).contains(TEXAS_LAW));
}

#[test]
fn a_self_funded_employer_plan_gets_no_state_law() {
    let case = fixture("preferred-drug-exception.toml")
        .replace("regulation = \"state-regulated\"", "regulation = \"erisa\"");
    for voice in VOICES {
        let l = letter(case.voice(voice));
        assert!(!l.contains("Texas"), "{l}");
        assert!(!l.contains("1369.0546"), "{l}");
        // The shortage still stands: it is a fact of the case, not of state law.
        assert!(
            exception_section(&l).contains("Ribociclib (Kisqali): reported by"),
            "{l}"
        );
    }
    let e = explain(&case);
    assert!(
        ground_line(&e, "(g) state").contains(
            "leaves out (g) state step-therapy law: plan regulation is erisa: Texas insurance law does not bind a self-funded employer plan"
        ),
        "{e}"
    );
    // Nothing to add would change that, so check does not ask for a fact.
    run_case("check", &case, &[]).stdout_lacks("state step-therapy law");
    // Medicare and FEHB: federal rules govern the drug exception.
    for (regulation, kind) in [("medicare-advantage", "medicare-advantage"), ("fehb", "fehb")] {
        let other = fixture("preferred-drug-exception.toml").replace(
            "regulation = \"state-regulated\"",
            &format!("regulation = \"{regulation}\""),
        );
        assert!(!letter(&other).contains("Texas"));
        let e = explain(&other);
        assert!(
            ground_line(&e, "(g) state").contains(&format!("plan regulation is {kind}: federal rules")),
            "{e}"
        );
    }
}

#[test]
fn a_state_without_data_prints_no_law() {
    let case = fixture("preferred-drug-exception.toml").replace("state = \"TX\"", "state = \"WY\"");
    let l = letter(&case);
    assert!(!l.contains(" law on step"), "{l}");
    assert!(!l.contains("Ins. Code"), "{l}");
    let e = explain(&case);
    assert!(
        ground_line(&e, "(g) state").contains(
            "leaves out (g) state step-therapy law: the rules data holds no step-therapy law for WY"
        ),
        "{e}"
    );
    run_case("check", &case, &[]).stdout_lacks("state step-therapy law");
    // An unverified law (Delaware's, whose Code title was not confirmed) is never printed.
    let de = fixture("preferred-drug-exception.toml").replace("state = \"TX\"", "state = \"DE\"");
    let l = letter(&de);
    assert!(!l.contains("Delaware"), "{l}");
    assert!(
        ground_line(&explain(&de), "(g) state").contains("is not verified, so it is not printed"),
        "{l}"
    );
}

#[test]
fn a_metastatic_cancer_law_states_the_fact_it_rests_on_and_its_clock() {
    let colorado = fixture("preferred-drug-exception.toml")
        .replace("state = \"TX\"", "state = \"CO\"")
        .replace("stage = \"II\"", "stage = \"IV\"\nmetastatic = true");
    for voice in VOICES {
        let s = letter(colorado.voice(voice));
        let s = exception_section(&s);
        let fact = match voice {
            "patient" => "My cancer is metastatic, stage IV.",
            _ => "Her cancer is metastatic, stage IV.",
        };
        assert!(s.contains(&format!("Colorado law on step therapy for metastatic cancer. {fact} Colorado law does not allow a carrier")), "{s}");
        assert!(s.contains("(Colo. Rev. Stat. § 10-16-145.5(1))"), "{s}");
    }
    // Without diagnosis.metastatic the law is left out, and check names the fact.
    let not_said = colorado.replace("metastatic = true\n", "");
    assert!(!letter(&not_said).contains("Colorado"));
    run_case("check", &not_said, &[])
        .stdout_has("diagnosis.metastatic: the preferred-drug exception cites no state step-therapy law: the Colorado law (Colo. Rev. Stat. § 10-16-145.5(1)) applies to stage-four (metastatic) cancer")
        .stdout_has("hint: if the cancer is stage four (metastatic), set diagnosis.metastatic = true");
    // A law verified only for individual policies is not cited for another plan.
    let connecticut = colorado.replace("state = \"CO\"", "state = \"CT\"");
    assert!(!letter(&connecticut).contains("Connecticut"));
    assert!(
        ground_line(&explain(&connecticut), "(g) state")
            .contains("binds aca-individual, not state-regulated plans")
    );
    let individual = connecticut.replace(
        "regulation = \"state-regulated\"",
        "regulation = \"aca-individual\"",
    );
    assert!(letter(&individual).contains("(Conn. Gen. Stat. § 38a-510(a)(2)(B))"));
    // A law with a decision clock states it.
    let arizona = fixture("preferred-drug-exception.toml").replace("state = \"TX\"", "state = \"AZ\"");
    let s = letter(&arizona);
    assert!(
        s.contains("(Ariz. Rev. Stat. § 20-3654(B)). The same law requires a decision within 72 hours, or 24 hours in exigent circumstances."),
        "{s}"
    );
}

#[test]
fn check_warns_when_a_verified_state_law_lacks_its_facts() {
    let case =
        fixture("preferred-drug-exception.toml").replace("status = \"failed\"", "status = \"completed\"");
    assert!(!letter(&case).contains("Texas"));
    run_case("check", &case, &[])
        .stdout_has("warning: treatments: the preferred-drug exception cites no state step-therapy law: the Texas law (Tex. Ins. Code § 1369.0546(c)) applies, but the case shows none of its grounds")
        .stdout_has("hint: if the records show it, add a treatment with status \"contraindicated\" or a treatment with status \"failed\" or \"intolerant\" to [[treatments]]");
    let no_state = fixture("preferred-drug-exception.toml").replace("state = \"TX\"\n", "");
    run_case("check", &no_state, &[])
        .stdout_has("warning: plan.state: the preferred-drug exception cites no state step-therapy law: the case does not give plan.state");
}

#[test]
fn adding_a_state_is_adding_its_file() {
    let case = fixture("preferred-drug-exception.toml").replace("state = \"TX\"", "state = \"WY\"");
    let env = TestEnv::new().with_case("case.toml", case.text());
    env.write(
        "rules/states/WY.toml",
        r#"state = "WY"
name = "Wyoming"

[step_therapy]
text = "A test law."
claim = "Wyoming law requires a test exception"
citation = "Test Stat. § 1"
tag = "S"
source = "a test page"
grounds = ["tried-before"]
decision_hours = 48
"#,
    );
    let run = env.render_md("[ROOT]/case.toml", &["--rules", "[ROOT]/rules"]);
    let l = run.visible("case.md");
    assert!(
        l.contains("Wyoming law requires a test exception (Test Stat. § 1). The same law requires a decision within 48 hours. I ask the plan to apply it."),
        "{l}"
    );
}

/// A first-line drug: no treatment history yet, but a guideline that prefers the requested drug.
/// The exception is argued on the guideline alone, and the letter never speaks of a treatment
/// history the case does not give.
#[test]
fn a_first_line_drug_exception_rests_on_the_guideline_alone() {
    let case = r#"schema = 1
[letter]
voice = "provider"
date = 2026-11-19
[sender]
name = "Priya Natarajan"
credentials = "MD"
npi = "1234567893"
organization = "Gulf Coast Thoracic Oncology"
address = ["4400 Main St", "Houston, TX 77002"]
[recipient]
organization = "Lone Star Health Exchange Plan"
fax = "1-888-555-0111"
[patient]
name = "Daniel Reyes"
sex = "male"
[plan]
type = "epo"
regulation = "aca-individual"
state = "TX"
grandfathered = false
[denial]
date = 2026-11-12
service_timing = "pre-service"
reasons = ["step-therapy", "non-preferred-drug"]
[request]
service = "osimertinib (Tagrisso) 80 mg daily"
[diagnosis]
condition = "non-small cell lung cancer, adenocarcinoma"
stage = "IVA"
biomarkers = ["EGFR exon 19 deletion"]
metastatic = true
[[guidelines]]
body = "NCCN"
title = "Non-Small Cell Lung Cancer"
version = "v.3.2026"
category = "1, preferred"
supports_request = true
"#;
    let run = render_case(case, &[]);
    let letter = run.success().file("case.md");
    let section = letter
        .split("## The request meets the exception criteria")
        .nth(1)
        .expect("the exception section")
        .split("\n## ")
        .next()
        .unwrap();
    assert!(section.contains("These exception grounds apply:"), "{section}");
    assert!(section.contains("**Guideline support.**"), "{section}");
    assert!(!section.contains("treatment history"), "{section}");
    run_case("check", case, &[]).success();
}
