//! Loader and validation tests for the rules files.

use super::*;
use crate::case::ServiceTiming;
use crate::rules::deadline::{DeadlineInput, Status, deadlines};
use jiff::civil::date;

fn bundled() -> RuleBook {
    RuleBook::bundled().expect("bundled rules load")
}

fn err_of(name: &str, text: &str) -> String {
    parse(&format!("rules/{name}"), name, text)
        .expect_err("should fail")
        .to_string()
}

const MINIMAL: &str = r#"regulation = "unknown"
name = "Plan type not known"

[governing]
text = "Not known."
citation = "Your denial notice"
tag = "UNVERIFIED"

[file_appeal]
text = "Use the date on your notice."
citation = "Your denial notice"
tag = "UNVERIFIED"
"#;

#[test]
fn every_bundled_file_loads_and_matches_its_regulation() {
    let book = bundled();
    let loaded: Vec<Regulation> = book.regulations().collect();
    assert_eq!(loaded, Regulation::ALL);
    for reg in Regulation::ALL {
        let rules = book.get(reg).unwrap();
        assert_eq!(rules.regulation, reg);
        assert!(!rules.name.is_empty());
    }
}

#[test]
fn the_bundled_rules_files_are_one_per_regulation() {
    // Every file in `rules/` is bundled (see `crate::bundled`); each must be a regulation's,
    // besides the States' files in `rules/states/`.
    let files: Vec<&str> = crate::bundled::folder("rules/")
        .iter()
        .map(|f| f.relative("rules/"))
        .filter(|f| !f.starts_with("states/"))
        .collect();
    let mut regs: Vec<String> = Regulation::IDS.iter().map(|r| format!("{r}.toml")).collect();
    regs.sort();
    assert_eq!(files, regs, "one rules file per `plan.regulation` value");
}

#[test]
fn load_dir_reads_the_same_rules_as_bundled() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("rules");
    let from_dir = RuleBook::read_dir(&dir).unwrap();
    let book = bundled();
    for reg in Regulation::ALL {
        assert_eq!(from_dir.get(reg), book.get(reg), "{reg}");
    }
    assert_eq!(from_dir.states().count(), book.states().count());
    for state in book.states() {
        assert_eq!(from_dir.state(&state.state), Some(state), "{}", state.state);
    }
}

#[test]
fn load_dir_and_overlay_replace_one_regulation() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("unknown.toml"),
        MINIMAL.replace("Not known.", "Custom."),
    )
    .unwrap();
    std::fs::write(dir.path().join("notes.txt"), "ignored").unwrap();
    let user = RuleBook::read_dir(dir.path()).unwrap();
    assert_eq!(user.regulations().collect::<Vec<_>>(), [Regulation::Unknown]);
    let book = RuleBook::load_dir(dir.path()).unwrap();
    assert_eq!(book.get(Regulation::Unknown).unwrap().governing.text, "Custom.");
    assert_eq!(book.get(Regulation::Erisa), bundled().get(Regulation::Erisa));
    assert_eq!(book.regulations().count(), Regulation::ALL.len());
    let same = RuleBook::load(Some(dir.path())).unwrap();
    assert_eq!(same.get(Regulation::Unknown), book.get(Regulation::Unknown));
}

#[test]
fn empty_or_missing_dir_is_an_error() {
    let dir = tempfile::tempdir().unwrap();
    let e = RuleBook::load_dir(dir.path()).unwrap_err();
    assert!(matches!(e, RulesError::Empty { .. }), "{e}");
    let e = RuleBook::load_dir(&dir.path().join("nope")).unwrap_err();
    assert!(matches!(e, RulesError::Io { .. }), "{e}");
}

#[test]
fn toml_syntax_error_gives_file_line_col() {
    let text = MINIMAL.replace("name = \"Plan type not known\"", "name = \"Plan type not known");
    let e = err_of("unknown.toml", &text);
    assert!(e.starts_with("rules/unknown.toml:2:"), "{e}");
}

#[test]
fn unknown_key_gives_file_line_col() {
    let text = MINIMAL.replace(
        "tag = \"UNVERIFIED\"\n\n[file_appeal]",
        "tag = \"UNVERIFIED\"\ncitaton = \"x\"\n\n[file_appeal]",
    );
    let e = err_of("unknown.toml", &text);
    assert!(e.starts_with("rules/unknown.toml:8:1: "), "{e}");
    assert!(e.contains("citaton"), "{e}");
}

#[test]
fn bad_tag_gives_file_line_col() {
    let text = MINIMAL.replacen("tag = \"UNVERIFIED\"", "tag = \"verified\"", 1);
    let e = err_of("unknown.toml", &text);
    assert!(e.starts_with("rules/unknown.toml:7:7: "), "{e}");
}

#[test]
fn amounts_past_what_date_arithmetic_supports_are_refused_where_they_are() {
    // 7,304,485 days panicked inside jiff; every amount of every unit is checked at load.
    for (unit, amount, limit) in [
        ("days", 7_304_485, "1 to 3653 days"),
        ("hours", 4_000_000_000u32, "1 to 87672 hours"),
        ("months", 121, "1 to 120 months"),
    ] {
        let text = MINIMAL.replace(
            "[file_appeal]\n",
            &format!("[file_appeal]\namount = {amount}\nunit = \"{unit}\"\nfrom = \"notice\"\n"),
        );
        let e = err_of("unknown.toml", &text);
        assert_eq!(
            e,
            format!(
                "rules/unknown.toml:10:10: amount {amount} is out of range: a rule's period is {limit} (ten years), which keeps every date computable"
            )
        );
    }
    let text = MINIMAL.replace(
        "[file_appeal]\n",
        "[file_appeal]\namount = 60\nmax_amount = 7304485\nunit = \"days\"\nfrom = \"notice\"\n",
    );
    let e = err_of("unknown.toml", &text);
    assert!(
        e.starts_with("rules/unknown.toml:11:14: max_amount 7304485 is out of range"),
        "{e}"
    );
}

#[test]
fn semantic_errors_point_at_the_value() {
    // amount without unit: points at the amount on line 12.
    let text = MINIMAL.replace(
        "[file_appeal]\n",
        "[file_appeal]\namount = 30\nfrom = \"notice\"\n",
    );
    let e = err_of("unknown.toml", &text);
    assert_eq!(
        e,
        "rules/unknown.toml:10:10: amount needs a unit (\"days\", \"hours\" or \"months\")"
    );
    // a filing window without `from`.
    let text = MINIMAL.replace("[file_appeal]\n", "[file_appeal]\namount = 30\nunit = \"days\"\n");
    let e = err_of("unknown.toml", &text);
    assert!(
        e.starts_with("rules/unknown.toml:10:10: a filing window needs"),
        "{e}"
    );
    // the regulation must equal the file stem.
    let e = err_of("erisa.toml", MINIMAL);
    assert_eq!(
        e,
        "rules/erisa.toml:1:14: regulation \"unknown\" must equal the file name \"erisa\""
    );
    // an empty citation.
    let text = MINIMAL.replacen("citation = \"Your denial notice\"", "citation = \" \"", 1);
    let e = err_of("unknown.toml", &text);
    assert!(
        e.starts_with("rules/unknown.toml:6:12: citation must not be empty"),
        "{e}"
    );
    // a clock with `from`, inside a nested table.
    let text = format!(
        "{MINIMAL}\n[decision.expedited]\namount = 72\nunit = \"hours\"\nfrom = \"notice\"\ntext = \"x\"\ncitation = \"y\"\ntag = \"S\"\n"
    );
    let e = err_of("unknown.toml", &text);
    assert!(e.starts_with("rules/unknown.toml:17:8: a decision clock"), "{e}");
}

#[test]
fn note_array_errors_point_into_the_array() {
    let text = format!(
        "{MINIMAL}\n[[notes]]\ntext = \"a\"\ncitation = \"b\"\ntag = \"S\"\n\n[[notes]]\ntext = \"\"\ncitation = \"b\"\ntag = \"S\"\n"
    );
    let e = err_of("unknown.toml", &text);
    assert!(
        e.starts_with("rules/unknown.toml:20:8: text must not be empty"),
        "{e}"
    );
}

#[test]
fn bad_file_in_override_dir_names_the_path() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("fehb.toml");
    std::fs::write(&path, "regulation = \"fehb\"\nname = 3\n").unwrap();
    let e = RuleBook::load_dir(dir.path()).unwrap_err().to_string();
    assert!(e.starts_with(&format!("{}:2:8: ", path.display())), "{e}");
}

#[test]
fn unknown_regulation_is_rejected() {
    let text = MINIMAL.replace("regulation = \"unknown\"", "regulation = \"tricare\"");
    let e = err_of("tricare.toml", &text);
    assert!(
        e.starts_with(
            "rules/tricare.toml:1:14: unknown value `tricare`; expected one of: erisa, aca-individual,"
        ),
        "{e}"
    );
}

#[test]
fn verified_flags_follow_tags() {
    let book = bundled();
    let ma = book.get(Regulation::MedicareAdvantage).unwrap();
    assert!(ma.network.as_ref().unwrap().verified);
    assert!(!ma.claim_file.as_ref().unwrap().verified);
    let json = serde_json::to_value(ma).unwrap();
    assert_eq!(json["claim_file"]["verified"], false);
    assert_eq!(json["network"]["verified"], true);
    assert_eq!(json["decision"]["expedited"]["verified"], true);
}

#[test]
fn templates_can_read_the_documented_fields() {
    let book = bundled();
    let erisa = serde_json::to_value(book.get(Regulation::Erisa).unwrap()).unwrap();
    assert_eq!(erisa["claim_file"]["citation"], "29 CFR 2560.503-1(h)(2)(iii)");
    assert_eq!(erisa["claim_file"]["tag"], "S");
    assert_eq!(erisa["urgent"]["physician"]["binds"], true);
    assert_eq!(erisa["file_appeal"]["amount"], 180);
    assert_eq!(erisa["file_appeal"]["unit"], "days");
    assert_eq!(erisa["file_appeal"]["from"], "receipt");
    assert_eq!(erisa["decision"]["expedited"]["amount"], 72);
    assert_eq!(erisa["decision"]["expedited"]["unit"], "hours");
    assert!(erisa["network"].is_null(), "absent sections are null");
    let ma = serde_json::to_value(book.get(Regulation::MedicareAdvantage).unwrap()).unwrap();
    assert_eq!(ma["network"]["citation"], "42 CFR 422.112(a)(1)(iii), (a)(3)");
    assert_eq!(ma["network"]["in_network_cost_sharing"], true);
    assert_eq!(ma["reviewer"]["citation"], "42 CFR 422.590(g)(2)");
    assert_eq!(ma["external_review"]["automatic"], true);
    let unknown = serde_json::to_value(book.get(Regulation::Unknown).unwrap()).unwrap();
    assert!(unknown["urgent"].is_null());
    assert_eq!(unknown["file_appeal"]["tag"], "UNVERIFIED");
}

/// Figures RULES.md gives, checked against the bundled data so an edit cannot drift silently.
#[test]
fn bundled_figures_match_rules_md() {
    let book = bundled();
    let fig = |reg: &str, f: fn(&Rules) -> Option<&Period>| {
        let p = f(book.get(reg.parse().unwrap()).unwrap()).unwrap();
        (p.amount, p.unit, p.tag)
    };
    use TimeUnit::*;
    fn file(r: &Rules) -> Option<&Period> {
        Some(&r.file_appeal)
    }
    assert_eq!(fig("erisa", file), (Some(180), Some(Days), Tag::S));
    assert_eq!(fig("aca-individual", file), (Some(180), Some(Days), Tag::P));
    assert_eq!(fig("medicare-advantage", file), (Some(65), Some(Days), Tag::P));
    assert_eq!(fig("medicare-part-d", file), (Some(65), Some(Days), Tag::P));
    assert_eq!(fig("medicaid-managed-care", file), (Some(60), Some(Days), Tag::S));
    assert_eq!(fig("fehb", file), (Some(6), Some(Months), Tag::P));
    fn exp(r: &Rules) -> Option<&Period> {
        r.decision.expedited.as_ref()
    }
    assert_eq!(fig("erisa", exp), (Some(72), Some(Hours), Tag::S));
    assert_eq!(fig("medicare-advantage", exp), (Some(72), Some(Hours), Tag::P));
    assert_eq!(fig("fehb", exp), (None, None, Tag::Unverified));
    fn pre(r: &Rules) -> Option<&Period> {
        r.decision.pre_service.as_ref()
    }
    fn post(r: &Rules) -> Option<&Period> {
        r.decision.post_service.as_ref()
    }
    assert_eq!(fig("erisa", pre), (Some(30), Some(Days), Tag::S));
    assert_eq!(fig("erisa", post), (Some(60), Some(Days), Tag::S));
    assert_eq!(fig("medicare-advantage", pre), (Some(30), Some(Days), Tag::P));
    assert_eq!(fig("medicare-advantage", post), (Some(60), Some(Days), Tag::P));
    assert_eq!(fig("medicare-part-d", pre), (Some(7), Some(Days), Tag::P));
    assert_eq!(fig("medicare-part-d", post), (Some(14), Some(Days), Tag::P));
    assert_eq!(fig("medicaid-managed-care", pre), (Some(30), Some(Days), Tag::S));
    assert_eq!(fig("fehb", pre), (Some(30), Some(Days), Tag::P));
    fn ext(r: &Rules) -> Option<&Period> {
        r.external_review.as_ref().and_then(|x| x.file.as_ref())
    }
    assert_eq!(fig("aca-individual", ext), (Some(4), Some(Months), Tag::S));
    assert_eq!(fig("fehb", ext), (Some(90), Some(Days), Tag::S));
}

#[test]
fn state_regulated_and_unknown_hold_no_verified_figure() {
    let book = bundled();
    for reg in ["state-regulated", "unknown"] {
        let r = book.get(reg.parse().unwrap()).unwrap();
        let d = &r.decision;
        let periods = [
            Some(&r.file_appeal),
            d.expedited.as_ref(),
            d.pre_service.as_ref(),
            d.post_service.as_ref(),
            d.concurrent.as_ref(),
            d.extension.as_ref(),
            r.continuation.as_ref(),
            r.external_review.as_ref().and_then(|x| x.file.as_ref()),
            r.external_review.as_ref().and_then(|x| x.standard.as_ref()),
            r.external_review.as_ref().and_then(|x| x.expedited.as_ref()),
            r.next_level.as_ref().and_then(|x| x.file.as_ref()),
        ];
        for p in periods.into_iter().flatten() {
            assert!(p.figure().is_none(), "{reg}: {}", p.text);
        }
    }
}

/// Every combination of inputs, every regulation: an UNVERIFIED rule never yields a date, and
/// state-regulated / unknown yield no dates at all.
#[test]
fn no_unverified_figure_yields_a_date() {
    let book = bundled();
    let timings = [
        None,
        Some(ServiceTiming::PreService),
        Some(ServiceTiming::PostService),
        Some(ServiceTiming::Concurrent),
    ];
    for reg in Regulation::ALL {
        let rules = book.get(reg).unwrap();
        for timing in timings {
            for expedited in [false, true] {
                for (received, grandfathered) in [
                    (None, None),
                    (Some(date(2026, 3, 4)), Some(false)),
                    (Some(date(2026, 3, 4)), Some(true)),
                ] {
                    let input = DeadlineInput {
                        regulation: reg,
                        denial_date: date(2026, 3, 1),
                        received,
                        timing,
                        expedited,
                        grandfathered,
                        deadline_on_notice: None,
                        appeal_filed: None,
                        final_decision: None,
                        today: date(2026, 3, 10),
                    };
                    let ds = deadlines(rules, &input);
                    assert_eq!(ds.items[0].id, "file-internal-appeal");
                    for d in &ds.items {
                        if d.tag == Tag::Unverified
                            || matches!(reg, Regulation::StateRegulated | Regulation::Unknown)
                        {
                            assert_eq!(d.date, None, "{reg} {}", d.id);
                            assert_eq!(d.status, Status::Unknown, "{reg} {}", d.id);
                            assert!(d.basis.contains("use the"), "{reg}: {}", d.basis);
                        } else {
                            assert!(d.date.is_some(), "{reg} {}", d.id);
                            assert!(d.if_passed.is_some(), "{reg} {}", d.id);
                        }
                        assert!(!d.citation.is_empty());
                        if timing == Some(ServiceTiming::PostService) {
                            assert_ne!(d.id, "decision-expedited", "{reg}");
                            assert_ne!(d.id, "external-review-decision-expedited", "{reg}");
                        }
                        // Grandfathered status: known → never conditional; unknown → every
                        // limit that depends on it says so.
                        if grandfathered.is_some() {
                            assert!(!d.conditional, "{reg} {}", d.id);
                        }
                        if d.conditional {
                            assert!(
                                d.basis.starts_with("Only if your plan is not grandfathered"),
                                "{reg}: {}",
                                d.basis
                            );
                        }
                    }
                    let dated_external = ds.items.iter().any(|d| d.id == "external-review-file");
                    let depends = matches!(reg, Regulation::Erisa | Regulation::AcaIndividual);
                    match grandfathered {
                        Some(true) if depends => assert!(!dated_external, "{reg}"),
                        None if depends => assert!(
                            ds.items
                                .iter()
                                .any(|d| d.id == "external-review-file" && d.conditional),
                            "{reg}"
                        ),
                        _ => {}
                    }
                    // The rights a letter claims follow the same resolution.
                    let resolved = rules.for_plan(grandfathered);
                    let rights = resolved.rights(crate::rules::RightsFor {
                        out_of_network: true,
                        concurrent: timing == Some(ServiceTiming::Concurrent),
                        continuation_open: true,
                        external_review_letter: false,
                    });
                    if depends {
                        assert_eq!(
                            rights.if_not_grandfathered.is_empty(),
                            grandfathered.is_some(),
                            "{reg} {grandfathered:?}"
                        );
                        let claims_external = rights
                            .plain
                            .iter()
                            .chain(&rights.if_not_grandfathered)
                            .any(|r| r.text.starts_with("External review"));
                        assert_eq!(
                            claims_external,
                            grandfathered != Some(true),
                            "{reg} {grandfathered:?}"
                        );
                    } else {
                        assert!(rights.if_not_grandfathered.is_empty(), "{reg}");
                    }
                }
            }
        }
    }
}

#[test]
fn every_state_file_loads_and_every_body_has_its_citation_and_source() {
    let book = bundled();
    let states: Vec<&str> = book.states().map(|s| s.state.as_str()).collect();
    for code in [
        "CA", "FL", "GA", "IL", "MA", "MI", "NJ", "NY", "OH", "PA", "TX", "WA",
    ] {
        assert!(states.contains(&code), "{code} has a file");
    }
    // A State with a file for its regulators has at least its insurance regulator; a file may
    // also hold only the State's step-therapy laws.
    for state in book.states() {
        assert!(
            !state.insurance.is_empty() || state.step_therapy.is_some() || state.metastatic_cancer.is_some(),
            "{}: an insurance regulator or a law",
            state.state
        );
        let bodies = state
            .insurance
            .iter()
            .chain(&state.medicaid)
            .chain(&state.fair_hearing)
            .chain(&state.external_review);
        for b in bodies {
            assert!(!b.citation.trim().is_empty(), "{}: {}", state.state, b.name);
            assert!(
                b.source.as_deref().is_some_and(|s| s.contains("checked")),
                "{}: {} says where and when it was checked",
                state.state,
                b.name
            );
            assert_eq!(b.verified, b.tag.is_verified());
        }
    }
    // Every regulation but `unknown` says where a complaint goes.
    for reg in crate::case::Regulation::ALL
        .into_iter()
        .filter(|r| *r != crate::case::Regulation::Unknown)
    {
        let c = book.get(reg).unwrap().complaint.as_ref();
        assert!(c.is_some_and(|c| c.verified), "{reg}: [complaint]");
    }
}

#[test]
fn california_picks_its_regulator_by_plan_type_or_by_name() {
    use crate::case::PlanType;
    let book = bundled();
    let ca = book.state("CA").unwrap();
    let id = |r: Result<Option<&Body>, Vec<&Body>>| r.ok().flatten().and_then(|b| b.id.clone());
    assert_eq!(
        id(ca.insurance_for(Some(PlanType::Hmo), None)).as_deref(),
        Some("dmhc")
    );
    assert_eq!(
        id(ca.insurance_for(Some(PlanType::Ppo), Some("cdi"))).as_deref(),
        Some("cdi")
    );
    assert_eq!(ca.insurance_for(Some(PlanType::Ppo), None).unwrap_err().len(), 2);
    assert_eq!(ca.insurance_for(None, Some("nope")).unwrap_err().len(), 2);
    // A State with one regulator needs no choice.
    let oh = book.state("OH").unwrap();
    assert!(oh.insurance_for(Some(PlanType::Ppo), None).unwrap().is_some());
}

#[test]
fn state_files_are_validated_with_their_place() {
    let err = |text: &str| {
        states::parse_state("rules/states/NV.toml", "NV.toml", text)
            .expect_err("should fail")
            .to_string()
    };
    assert_eq!(
        err("state = \"NM\"\nname = \"Nevada\"\n"),
        "rules/states/NV.toml:1:9: state \"NM\" must equal the file name \"NV\""
    );
    let two = "state = \"NV\"\nname = \"Nevada\"\n\n[[insurance]]\nname = \"A\"\ncitation = \"c\"\ntag = \"P\"\n\n[[insurance]]\nid = \"b\"\nname = \"B\"\ncitation = \"c\"\ntag = \"P\"\n";
    assert!(
        err(two)
            .starts_with("rules/states/NV.toml:5:8: a State with several insurance regulators needs an `id`"),
        "{}",
        err(two)
    );
    let no_citation =
        "state = \"NV\"\nname = \"Nevada\"\n\n[medicaid]\nname = \"M\"\ncitation = \" \"\ntag = \"P\"\n";
    assert!(
        err(no_citation).contains("citation must not be empty"),
        "{}",
        err(no_citation)
    );
    let unknown_key = "state = \"NV\"\nname = \"Nevada\"\n\n[medicaid]\nname = \"M\"\nemail = \"x\"\ncitation = \"c\"\ntag = \"P\"\n";
    assert!(
        err(unknown_key).contains("unknown field `email`"),
        "{}",
        err(unknown_key)
    );
}

#[test]
fn a_level_a_letter_asks_for_needs_its_wording_and_body() {
    let text = format!(
        "{MINIMAL}\n[next_level]\ntext = \"A hearing.\"\ncitation = \"c\"\ntag = \"P\"\nrequest_to = \"body\"\nrequest = \"a hearing\"\n"
    );
    assert!(
        err_of("unknown.toml", &text).contains("a request sent to a body needs [next_level.body]"),
        "{}",
        err_of("unknown.toml", &text)
    );
    let text =
        format!("{MINIMAL}\n[complaint]\nto = \"body\"\ntext = \"t\"\ncitation = \"c\"\ntag = \"P\"\n");
    assert!(err_of("unknown.toml", &text).contains("a complaint sent to a body needs [complaint.body]"));
}

#[test]
fn every_problem_in_a_rules_file_is_reported_in_file_order() {
    let text = MINIMAL
        .replace("name = \"Plan type not known\"", "name = \"\"")
        .replace(
            "citation = \"Your denial notice\"\ntag = \"UNVERIFIED\"\n\n[file_appeal]",
            "citation = \"\"\ntag = \"UNVERIFIED\"\n\n[file_appeal]",
        );
    let e = err_of("unknown.toml", &text);
    let lines: Vec<&str> = e.lines().collect();
    assert_eq!(lines.len(), 2, "{e}");
    assert!(
        lines[0].starts_with("rules/unknown.toml:2:8: name must not be empty"),
        "{e}"
    );
    assert!(
        lines[1].starts_with("error: rules/unknown.toml:6:12: citation must not be empty"),
        "{e}"
    );
}
