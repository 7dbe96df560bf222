//! Deadline arithmetic against hand-checked dates.

use super::*;
use crate::rules::RuleBook;
use jiff::civil::date;

fn book() -> RuleBook {
    RuleBook::bundled().expect("bundled rules load")
}

fn input(reg: &str, denial: Date, today: Date) -> DeadlineInput {
    DeadlineInput {
        regulation: reg.parse().unwrap(),
        denial_date: denial,
        received: None,
        timing: Some(ServiceTiming::PreService),
        expedited: false,
        grandfathered: Some(false),
        deadline_on_notice: None,
        appeal_filed: None,
        final_decision: None,
        today,
    }
}

fn run(i: &DeadlineInput) -> Deadlines {
    let book = book();
    deadlines(book.get(i.regulation).unwrap(), i)
}

fn item<'a>(ds: &'a Deadlines, id: &str) -> &'a Deadline {
    ds.items
        .iter()
        .find(|d| d.id == id)
        .unwrap_or_else(|| panic!("no {id} in {:#?}", ds.items))
}

fn has(ds: &Deadlines, id: &str) -> bool {
    ds.items.iter().any(|d| d.id == id)
}

#[test]
fn erisa_180_days_from_receipt_in_a_leap_year() {
    // 2027-09-01 + 180 days: Sep 30 is +29, Oct 31 +60, Nov 30 +90, Dec 31 +121, Jan 31 +152,
    // Feb 28 +180 (2028 is a leap year; Feb 29 comes one day later).
    let mut i = input("erisa", date(2027, 8, 28), date(2027, 9, 10));
    i.received = Some(date(2027, 9, 1));
    let ds = run(&i);
    let d = item(&ds, "file-internal-appeal");
    assert_eq!(d.date, Some(date(2028, 2, 28)));
    assert_eq!(d.basis, "180 days after you received the notice (2027-09-01).");
    assert_eq!(d.citation, "29 CFR 2560.503-1(h)(3)(i)");
    assert!(!d.sources_differ);
    assert_eq!(d.tag, Tag::S);
    assert_eq!(d.status, Status::Upcoming { days_left: 171 });
    assert!(
        d.if_passed
            .as_deref()
            .unwrap()
            .starts_with("If you miss this date: ")
    );
}

#[test]
fn receipt_rule_without_receipt_date_counts_from_the_notice() {
    let i = input("aca-individual", date(2026, 3, 2), date(2026, 3, 10));
    let ds = run(&i);
    let d = item(&ds, "file-internal-appeal");
    // 2026-03-02 + 180: Mar 31 +29, Apr 30 +59, May 31 +90, Jun 30 +120, Jul 31 +151, Aug 29 +180.
    assert_eq!(d.date, Some(date(2026, 8, 29)));
    assert!(d.basis.contains("no receipt date was given"), "{}", d.basis);
    assert!(d.basis.contains("(2026-03-02)"), "{}", d.basis);
}

#[test]
fn medicare_advantage_sources_differ_so_the_earlier_60_days_is_shown() {
    // CMS guidance says 65 days from the notice (since 2025); the regulation copy found and
    // CMS's Part C page say 60. The earlier date is the one shown and put in the calendar.
    // 2028-01-15 + 60: Jan 31 +16, Feb 29 +45, Mar 15 +60 (65 days would be Mar 20).
    let ds = run(&input("medicare-advantage", date(2028, 1, 15), date(2028, 1, 20)));
    let d = item(&ds, "file-internal-appeal");
    assert_eq!(d.date, Some(date(2028, 3, 15)));
    assert!(d.sources_differ);
    assert_eq!(d.label, "Ask the plan for a reconsideration (your appeal)");
    assert!(
        d.basis
            .starts_with("60 days after the date on the notice (2028-01-15)."),
        "{}",
        d.basis
    );
    assert!(
        d.basis.contains("The sources differ on this limit"),
        "{}",
        d.basis
    );
    assert!(d.basis.contains("which gives 2028-03-20"), "{}", d.basis);
    assert!(d.basis.contains("which gives 2028-03-15"), "{}", d.basis);
    assert!(
        d.basis.contains("If the date on your notice is later"),
        "{}",
        d.basis
    );
    assert!(d.citation.contains("CMS-4205-F"), "{}", d.citation);
    assert!(d.citation.contains("eCFR copy before 2025"), "{}", d.citation);
    // The same in a common year: Jan 31 +16, Feb 28 +44, Mar 16 +60.
    let ds = run(&input("medicare-advantage", date(2027, 1, 15), date(2027, 1, 20)));
    assert_eq!(item(&ds, "file-internal-appeal").date, Some(date(2027, 3, 16)));
    // MA has a good-cause route once the window has passed.
    let passed = run(&input("medicare-advantage", date(2027, 1, 15), date(2027, 4, 1)));
    let d = item(&passed, "file-internal-appeal");
    assert_eq!(d.status, Status::Passed { days_ago: 16 });
    let advice = d.if_passed.as_deref().unwrap();
    assert!(
        advice.starts_with("This date has passed (16 days ago). "),
        "{advice}"
    );
    assert!(
        advice.contains("good cause") && advice.contains("42 CFR 422.582(c)"),
        "{advice}"
    );
}

#[test]
fn an_alternative_later_than_the_rule_changes_nothing_but_the_basis() {
    let mut rules = book().get(Regulation::MedicarePartD).unwrap().clone();
    rules.file_appeal.alternatives.push(crate::rules::Alternative {
        amount: 90,
        unit: crate::rules::TimeUnit::Days,
        from: None,
        text: "a later figure".into(),
        citation: "Example page".into(),
        tag: Tag::S,
        source: None,
    });
    let i = input("medicare-part-d", date(2026, 3, 1), date(2026, 3, 10));
    let d = deadlines(&rules, &i).items.remove(0);
    assert_eq!(d.date, Some(date(2026, 5, 5)));
    assert!(d.sources_differ);
    assert!(d.citation.ends_with("; Example page"), "{}", d.citation);
    // An unverified alternative is named but never dated.
    rules.file_appeal.alternatives[0].amount = 10;
    rules.file_appeal.alternatives[0].tag = Tag::Unverified;
    let d = deadlines(&rules, &i).items.remove(0);
    assert_eq!(d.date, Some(date(2026, 5, 5)));
    assert!(d.basis.contains("not verified, so not dated"), "{}", d.basis);
}

#[test]
fn part_d_and_medicaid_filing_windows() {
    // Part D: 2026-03-01 + 65: Mar 31 +30, Apr 30 +60, May 5 +65.
    let ds = run(&input("medicare-part-d", date(2026, 3, 1), date(2026, 3, 10)));
    assert_eq!(item(&ds, "file-internal-appeal").date, Some(date(2026, 5, 5)));
    // Standard redetermination: 7 days after filing today.
    assert_eq!(item(&ds, "decision-standard").date, Some(date(2026, 3, 17)));
    // IRE request: CMS says 65 days from the redetermination notice, the regulation copy
    // found says 60; the earlier is shown: Mar 31 +30, Apr 30 +60.
    let ire = item(&ds, "external-review-file");
    assert_eq!(ire.date, Some(date(2026, 4, 30)));
    assert!(ire.sources_differ);
    // Medicaid: 2028-02-01 + 60: Feb 29 +28, Mar 31 +59, Apr 1 +60.
    let ds = run(&input(
        "medicaid-managed-care",
        date(2028, 2, 1),
        date(2028, 2, 3),
    ));
    assert_eq!(item(&ds, "file-internal-appeal").date, Some(date(2028, 4, 1)));
    // State fair hearing: 120 days from the plan's appeal decision (42 CFR 438.408(f)(2)):
    // Feb 29 +28, Mar 31 +59, Apr 30 +89, May 31 +120.
    let fh = item(&ds, "next-level-file");
    assert_eq!(fh.date, Some(date(2028, 5, 31)));
    assert_eq!(fh.label, "Ask for a State fair hearing");
    assert_eq!(fh.citation, "42 CFR 438.408(f)(2)");
    assert!(
        fh.basis
            .starts_with("If this notice is the plan's decision on your appeal: 120 days"),
        "{}",
        fh.basis
    );
}

#[test]
fn decision_clocks_count_from_filing_today() {
    let mut i = input("erisa", date(2026, 3, 1), date(2026, 3, 10));
    i.expedited = true;
    let ds = run(&i);
    let exp = item(&ds, "decision-expedited");
    assert_eq!(exp.date, Some(date(2026, 3, 13)));
    assert!(
        exp.basis.starts_with(
            "If you file today (2026-03-10), the plan must decide by 2026-03-13: within 72 hours after the plan receives your request (shown as the date 3 days later), so allow"
        ),
        "{}",
        exp.basis
    );
    assert_eq!(exp.status, Status::Upcoming { days_left: 3 });
    let std = item(&ds, "decision-standard");
    assert_eq!(std.date, Some(date(2026, 4, 9)));
    assert!(
        std.basis.contains("each level must be decided within 15 days"),
        "{}",
        std.basis
    );
    assert!(std.if_passed.as_deref().unwrap().starts_with(
        "If the plan has not decided by this date, this applies: if a plan that is not grandfathered"
    ));
    // Post-service: 60 days.
    i.timing = Some(ServiceTiming::PostService);
    i.expedited = false;
    let ds = run(&i);
    assert_eq!(item(&ds, "decision-standard").date, Some(date(2026, 5, 9)));
}

#[test]
fn expedited_post_service_gets_no_expedited_clock() {
    for reg in Regulation::IDS {
        let mut i = input(reg, date(2026, 3, 1), date(2026, 3, 10));
        i.timing = Some(ServiceTiming::PostService);
        i.expedited = true;
        let ds = run(&i);
        assert!(!has(&ds, "decision-expedited"), "{reg}");
        assert!(!has(&ds, "external-review-decision-expedited"), "{reg}");
        assert!(
            ds.notes
                .iter()
                .any(|n| n.contains("not available for care you have already received"))
        );
    }
}

#[test]
fn deadline_that_falls_today_is_today_not_passed() {
    // Part D: 2026-01-01 + 65: Jan 31 +30, Feb 28 +58, Mar 7 +65.
    let ds = run(&input("medicare-part-d", date(2026, 1, 1), date(2026, 3, 7)));
    let d = item(&ds, "file-internal-appeal");
    assert_eq!(d.date, Some(date(2026, 3, 7)));
    assert_eq!(d.status, Status::Today);
    assert!(
        d.if_passed
            .as_deref()
            .unwrap()
            .starts_with("If you miss this date")
    );
    let ds = run(&input("medicare-part-d", date(2026, 1, 1), date(2026, 3, 6)));
    assert_eq!(
        item(&ds, "file-internal-appeal").status,
        Status::Upcoming { days_left: 1 }
    );
    let ds = run(&input("medicare-part-d", date(2026, 1, 1), date(2026, 3, 8)));
    assert_eq!(
        item(&ds, "file-internal-appeal").status,
        Status::Passed { days_ago: 1 }
    );
}

#[test]
fn passed_deadline_without_good_cause_rule_says_what_can_be_done() {
    let mut i = input("erisa", date(2025, 1, 2), date(2026, 3, 10));
    i.received = Some(date(2025, 1, 6));
    let ds = run(&i);
    let d = item(&ds, "file-internal-appeal");
    // 2025-01-06 + 180: Jan 31 +25, Feb 28 +53, Mar 31 +84, Apr 30 +114, May 31 +145, Jun 30 +175, Jul 5 +180.
    assert_eq!(d.date, Some(date(2025, 7, 5)));
    assert_eq!(d.status, Status::Passed { days_ago: 248 });
    let advice = d.if_passed.as_deref().unwrap();
    assert!(
        advice.starts_with("This date has passed (248 days ago). Check the deadline printed"),
        "{advice}"
    );
    assert!(advice.contains("new request"), "{advice}");
}

#[test]
fn external_review_four_months_from_october_31() {
    // 2026-10-31 + 4 months: there is no 2027-02-31, jiff clamps to 2027-02-28 (a Sunday).
    // 45 CFR 147.136 would allow until 2027-03-01; the earlier date is shown.
    // The rule alone (the HealthCare.gov figure set aside; see the next test).
    let mut rules = book().get(Regulation::AcaIndividual).unwrap().clone();
    if let Some(x) = rules.external_review.as_mut().and_then(|x| x.file.as_mut()) {
        x.alternatives.clear();
    }
    let mut i = input("aca-individual", date(2026, 10, 28), date(2026, 11, 5));
    i.received = Some(date(2026, 10, 31));
    let ds = deadlines(&rules, &i);
    let d = item(&ds, "external-review-file");
    assert_eq!(d.date, Some(date(2027, 2, 28)));
    assert!(d.basis.contains("There is no 2027-02-31"), "{}", d.basis);
    assert!(
        d.basis.contains("first day of the next month (2027-03-01)"),
        "{}",
        d.basis
    );
    assert!(d.basis.contains("2027-02-28 is a Sunday"), "{}", d.basis);
    assert!(
        d.basis.starts_with("If this notice is the plan's final decision"),
        "{}",
        d.basis
    );
    // ERISA: same arithmetic, clamped, no rule for the missing day.
    i.regulation = Regulation::Erisa;
    let ds = run(&i);
    let d = item(&ds, "external-review-file");
    assert_eq!(d.date, Some(date(2027, 2, 28)));
    assert!(
        d.basis.starts_with("If this notice is the plan's final decision"),
        "{}",
        d.basis
    );
    assert!(
        d.basis.contains("so the last day of that month is used"),
        "{}",
        d.basis
    );
    // Into a leap February.
    i.received = Some(date(2027, 10, 31));
    assert_eq!(
        item(&run(&i), "external-review-file").date,
        Some(date(2028, 2, 29))
    );
}

#[test]
fn aca_external_review_uses_the_earlier_healthcare_gov_figure() {
    // Four months from receipt (2027-02-28) against 60 days from the notice's date:
    // 2026-10-28 + 60: Oct 31 +3, Nov 30 +33, Dec 27 +60.
    let mut i = input("aca-individual", date(2026, 10, 28), date(2026, 11, 5));
    i.received = Some(date(2026, 10, 31));
    let d = item(&run(&i), "external-review-file").clone();
    assert_eq!(d.date, Some(date(2026, 12, 27)));
    assert!(d.sources_differ);
    assert!(d.basis.contains("which gives 2027-02-28"), "{}", d.basis);
    assert!(d.citation.contains("HealthCare.gov"), "{}", d.citation);
}

#[test]
fn grandfathered_status_decides_external_review() {
    for reg in ["erisa", "aca-individual"] {
        let mut i = input(reg, date(2026, 3, 2), date(2026, 3, 10));
        // Not grandfathered: dated, stated plainly.
        let ds = run(&i);
        let d = item(&ds, "external-review-file");
        assert!(d.date.is_some() && !d.conditional, "{reg}");
        assert!(!d.basis.contains("grandfathered"), "{reg}: {}", d.basis);
        // Grandfathered: never dated, and the sheet says why.
        i.grandfathered = Some(true);
        let ds = run(&i);
        assert!(!has(&ds, "external-review-file"), "{reg}");
        assert!(
            ds.notes
                .iter()
                .any(|n| n.starts_with("Your plan is grandfathered")),
            "{reg}: {:?}",
            ds.notes
        );
        // Unknown: dated (a missed deadline cannot be undone) but conditional, with how to
        // find out.
        i.grandfathered = None;
        let ds = run(&i);
        let d = item(&ds, "external-review-file");
        assert!(d.conditional, "{reg}");
        assert!(
            d.basis.starts_with("Only if your plan is not grandfathered"),
            "{reg}: {}",
            d.basis
        );
        assert!(
            ds.notes
                .iter()
                .any(|n| n.contains("apply only if your plan is not grandfathered")
                    && n.contains("147.140(a)(2)")),
            "{reg}: {:?}",
            ds.notes
        );
    }
    // Other regulations do not depend on it.
    let mut i = input("medicare-advantage", date(2026, 3, 2), date(2026, 3, 10));
    i.grandfathered = None;
    assert!(!run(&i).notes.iter().any(|n| n.contains("grandfathered")));
}

#[test]
fn fehb_six_months_clamps_into_leap_february() {
    // 2027-08-31 + 6 months: no 2028-02-31, clamped to 2028-02-29.
    let ds = run(&input("fehb", date(2027, 8, 31), date(2027, 9, 1)));
    let d = item(&ds, "file-internal-appeal");
    assert_eq!(d.date, Some(date(2028, 2, 29)));
    assert!(d.basis.contains("There is no 2028-02-31"), "{}", d.basis);
    assert_eq!(d.label, "Ask the carrier to reconsider");
    // A day that exists needs no remark: 2026-03-15 + 6 months = 2026-09-15.
    let ds = run(&input("fehb", date(2026, 3, 15), date(2026, 3, 16)));
    let d = item(&ds, "file-internal-appeal");
    assert_eq!(d.date, Some(date(2026, 9, 15)));
    assert_eq!(d.basis, "6 months after the date on the notice (2026-03-15).");
    // FEHB's expedited clock is UNVERIFIED: no date.
    let mut i = input("fehb", date(2026, 3, 15), date(2026, 3, 16));
    i.expedited = true;
    let ds = run(&i);
    let e = item(&ds, "decision-expedited");
    assert_eq!(
        (e.date, e.status, e.tag),
        (None, Status::Unknown, Tag::Unverified)
    );
    assert!(
        e.basis.contains("use the time limit on your denial notice"),
        "{}",
        e.basis
    );
    // OPM review: 90 days from the carrier's letter. 2026-03-15 + 90: Mar 31 +16, Apr 30 +46, May 31 +77, Jun 13 +90.
    assert_eq!(item(&ds, "external-review-file").date, Some(date(2026, 6, 13)));
}

#[test]
fn urgent_aca_appeal_can_run_external_review_alongside() {
    let mut i = input("aca-individual", date(2026, 3, 1), date(2026, 3, 10));
    i.expedited = true;
    let ds = run(&i);
    let x = item(&ds, "external-review-decision-expedited");
    assert_eq!(x.date, Some(date(2026, 3, 13)));
    assert!(x.basis.starts_with("If you ask for external review today (2026-03-10), the external reviewer must decide by 2026-03-13"), "{}", x.basis);
    assert!(
        ds.notes
            .iter()
            .any(|n| n.contains("at the same time as your internal appeal")
                && n.ends_with("internal appeal (45 CFR 147.136(d)(3) [P])."))
    );
    // ERISA's concurrency is UNVERIFIED: a note, no dated item.
    i.regulation = Regulation::Erisa;
    let ds = run(&i);
    assert!(!has(&ds, "external-review-decision-expedited"));
    assert!(ds.notes.iter().any(|n| n.contains("was not confirmed")));
}

#[test]
fn medicaid_concurrent_care_gets_continuation_and_its_own_clock() {
    let mut i = input("medicaid-managed-care", date(2026, 3, 1), date(2026, 3, 5));
    i.timing = Some(ServiceTiming::Concurrent);
    let ds = run(&i);
    let c = item(&ds, "continue-benefits");
    assert_eq!(c.date, Some(date(2026, 3, 11)));
    assert_eq!(c.citation, "42 CFR 438.420(a)–(b)");
    assert_eq!(item(&ds, "decision-standard").date, Some(date(2026, 4, 4)));
    assert!(ds.notes.iter().any(|n| n.contains("14 more calendar days")));
    // Not for pre-service.
    i.timing = Some(ServiceTiming::PreService);
    assert!(!has(&run(&i), "continue-benefits"));
}

#[test]
fn concurrent_without_its_own_clock_says_so() {
    let mut i = input("erisa", date(2026, 3, 1), date(2026, 3, 5));
    i.timing = Some(ServiceTiming::Concurrent);
    let ds = run(&i);
    assert!(!has(&ds, "decision-standard"));
    assert!(
        ds.notes
            .iter()
            .any(|n| n.contains("ongoing (concurrent) treatment"))
    );
    // ERISA's 24-hour extension rule is shown for concurrent care.
    assert!(
        ds.notes
            .iter()
            .any(|n| n.contains("(29 CFR 2560.503-1(f)(2)(ii) [S])"))
    );
}

#[test]
fn unknown_timing_with_equal_clocks_still_dates_the_decision() {
    let mut i = input("medicaid-managed-care", date(2026, 3, 1), date(2026, 3, 5));
    i.timing = None;
    assert_eq!(item(&run(&i), "decision-standard").date, Some(date(2026, 4, 4)));
    i.regulation = Regulation::Erisa;
    let ds = run(&i);
    assert!(!has(&ds, "decision-standard"));
    assert!(
        ds.notes
            .iter()
            .any(|n| n.contains("30 days if not, 60 days if you have")),
        "{:?}",
        ds.notes
    );
}

#[test]
fn state_regulated_and_unknown_point_to_the_notice() {
    for reg in ["state-regulated", "unknown"] {
        let mut i = input(reg, date(2026, 3, 1), date(2026, 3, 5));
        i.expedited = true;
        let ds = run(&i);
        let d = item(&ds, "file-internal-appeal");
        assert_eq!(d.date, None);
        assert_eq!(d.status, Status::Unknown);
        assert!(
            d.basis.starts_with(
                "No verified figure is recorded for this plan type: use the date on your denial notice."
            ),
            "{}",
            d.basis
        );
        assert!(ds.items.iter().all(|d| d.date.is_none()), "{reg}");
    }
}

#[test]
fn dates_out_of_range_do_not_panic() {
    let ds = run(&input("erisa", date(9999, 12, 1), date(9999, 12, 2)));
    let d = item(&ds, "file-internal-appeal");
    assert_eq!(d.date, None);
    assert_eq!(d.status, Status::Unknown);
}

#[test]
fn regulation_mismatch_is_noted() {
    let book = book();
    let i = input("erisa", date(2026, 3, 1), date(2026, 3, 5));
    let ds = deadlines(book.get(Regulation::Fehb).unwrap(), &i);
    assert!(ds.notes.iter().any(|n| n.contains("rules for \"fehb\"")));
}

#[test]
fn deadlines_serialise_for_templates() {
    let ds = run(&input("medicare-part-d", date(2026, 1, 1), date(2026, 3, 7)));
    let json = serde_json::to_value(&ds).unwrap();
    let first = &json["items"][0];
    assert_eq!(first["id"], "file-internal-appeal");
    assert_eq!(first["date"], "2026-03-07");
    assert_eq!(first["tag"], "P");
    assert_eq!(first["status"]["state"], "today");
    let ds = run(&input("unknown", date(2026, 1, 1), date(2026, 3, 7)));
    let json = serde_json::to_value(&ds).unwrap();
    assert!(json["items"][0]["date"].is_null());
    assert_eq!(json["items"][0]["status"]["state"], "unknown");
    let ds = run(&input("medicare-part-d", date(2026, 1, 1), date(2026, 3, 1)));
    let json = serde_json::to_value(&ds).unwrap();
    assert_eq!(
        json["items"][0]["status"],
        serde_json::json!({"state": "upcoming", "days_left": 6})
    );
}
