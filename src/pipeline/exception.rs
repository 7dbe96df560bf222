//! The preferred-drug exception's grounds that rest on more than the treatment history: (d) a
//! shortage of the preferred products, and (g) a state law that limits step therapy.
//!
//! [`DrugException::of`] decides, from the case and the rules data, whether the
//! `preferred-drug-exception` block states each of them and why. The block's prose prints what
//! this value holds (template context `exception`), `explain` shows the reasons and `check`
//! warns when a state law the letter could cite lacks the case facts it needs. A state law is
//! cited only when it is verified, binds the plan's regulation (state-regulated and ACA
//! individual plans, never a self-funded employer plan, Medicare or FEHB) and the case holds a
//! fact it rests on.

use serde::Serialize;

use crate::case::{Case, TreatmentStatus};
use crate::rules::states::NOT_STATE_REGULATED;
use crate::rules::{Ground, RuleBook, StateLaw};

/// Whether one ground is stated, and why.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Part {
    /// Whether the letter states it.
    pub used: bool,
    /// Why, in plain words.
    pub why: String,
    /// Case facts that would let the letter state it (empty when none would: no data for the
    /// state, a plan state law does not bind, an unverified law).
    pub needs: Vec<String>,
}

/// A state law the letter cites.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CitedLaw {
    /// The state's two-letter code.
    pub state: String,
    /// The state's name.
    pub name: String,
    /// `metastatic-cancer` or `step-therapy`.
    pub kind: &'static str,
    /// The sentence the letter prints (no final full stop).
    pub claim: String,
    /// The statute.
    pub citation: String,
    /// The decision clock in hours, when the law gives one.
    pub decision_hours: Option<u32>,
    /// The urgent (exigent) clock in hours.
    pub urgent_decision_hours: Option<u32>,
    /// The law's grounds that the case's facts show (`step-therapy` laws), by id.
    pub shown: Vec<&'static str>,
}

/// The (d) and (g) grounds of a preferred-drug exception for one case.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct DrugException {
    /// (d) a shortage or unavailability of the preferred products (`[[drug_shortages]]`).
    pub shortage: Part,
    /// (g) a state law that limits step therapy.
    pub state_law: Part,
    /// The state laws the letter cites, cancer law first.
    pub laws: Vec<CitedLaw>,
}

impl DrugException {
    /// The grounds for `case` under the state laws in `rules`.
    pub fn of(case: &Case, rules: &RuleBook) -> DrugException {
        let shortage = if case.drug_shortages.is_empty() {
            Part {
                used: false,
                why: "the case lists no [[drug_shortages]]".into(),
                needs: vec!["drug_shortages".into()],
            }
        } else {
            let names: Vec<&str> = case.drug_shortages.iter().map(|s| s.drug.0.as_str()).collect();
            Part {
                used: true,
                why: format!("the case lists a shortage of {}", names.join(", ")),
                needs: Vec::new(),
            }
        };
        let (state_law, laws) = state_law(case, rules);
        DrugException {
            shortage,
            state_law,
            laws,
        }
    }
}

fn skip(why: String) -> (Part, Vec<CitedLaw>) {
    (
        Part {
            used: false,
            why,
            needs: Vec::new(),
        },
        Vec::new(),
    )
}

/// (g): which of the plan state's laws the letter cites.
fn state_law(case: &Case, rules: &RuleBook) -> (Part, Vec<CitedLaw>) {
    let regulation = case.regulation().id();
    let Some(code) = case.plan.state.as_ref().map(|s| s.0.as_str()) else {
        return if regulation == "unknown" {
            skip("neither plan.regulation nor plan.state is given, so no state's law is cited".into())
        } else if NOT_STATE_REGULATED.contains(&regulation) {
            skip(format!(
                "plan regulation is {regulation}, which a state's step-therapy law does not bind"
            ))
        } else {
            (
                Part {
                    used: false,
                    why: "the case does not give plan.state, so no state's law can be looked up".into(),
                    needs: vec!["plan.state".into()],
                },
                Vec::new(),
            )
        };
    };
    let Some(state) = rules.state(code) else {
        return skip(format!("the rules data holds no step-therapy law for {code}"));
    };
    if NOT_STATE_REGULATED.contains(&regulation) {
        let why = match regulation {
            "erisa" => format!(
                "plan regulation is erisa: {} insurance law does not bind a self-funded employer plan, and the case does not say the plan is state-regulated",
                state.name
            ),
            "unknown" => format!(
                "plan regulation is unknown; the {} law is cited only for a state-regulated or ACA individual plan (set plan.regulation)",
                state.name
            ),
            other => format!(
                "plan regulation is {other}: federal rules, not {} insurance law, govern its drug exceptions",
                state.name
            ),
        };
        return skip(why);
    }
    let mut cited = Vec::new();
    let mut reasons = Vec::new();
    let mut needs = Vec::new();
    for (table, law) in state.laws() {
        let what = format!("the {} law ({})", state.name, law.citation);
        if !law.tag.is_verified() {
            reasons.push(format!("{what} is not verified, so it is not printed"));
            continue;
        }
        if !law.regulations.iter().any(|r| r == regulation) {
            reasons.push(format!(
                "{what} binds {}, not {regulation} plans",
                law.regulations.join(" and ")
            ));
            continue;
        }
        if table == "metastatic_cancer" {
            if case.diagnosis.metastatic == Some(true) {
                reasons.push(format!("{what} applies: the cancer is metastatic"));
                cited.push(cite(state, law, "metastatic-cancer", Vec::new()));
            } else {
                reasons.push(format!(
                    "{what} applies to stage-four (metastatic) cancer, and the case does not set diagnosis.metastatic = true"
                ));
                needs.push("diagnosis.metastatic".to_string());
            }
        } else {
            let shown: Vec<&'static str> = law
                .grounds
                .iter()
                .filter(|g| shows(case, **g))
                .map(|g| g.id())
                .collect();
            if shown.is_empty() {
                let facts: Vec<&str> = law.grounds.iter().filter_map(|g| g.shown_by()).collect();
                reasons.push(format!(
                    "{what} applies, but the case shows none of its grounds ({})",
                    law.grounds.iter().map(|g| g.id()).collect::<Vec<_>>().join(", ")
                ));
                if !facts.is_empty() {
                    needs.push(format!("treatments ({})", facts.join(" or ")));
                }
            } else {
                reasons.push(format!("{what} applies: the case shows {}", shown.join(", ")));
                cited.push(cite(state, law, "step-therapy", shown));
            }
        }
    }
    let part = Part {
        used: !cited.is_empty(),
        why: reasons.join("; "),
        needs: if cited.is_empty() { needs } else { Vec::new() },
    };
    (part, cited)
}

fn cite(
    state: &crate::rules::StateRules,
    law: &StateLaw,
    kind: &'static str,
    shown: Vec<&'static str>,
) -> CitedLaw {
    CitedLaw {
        state: state.state.clone(),
        name: state.name.clone(),
        kind,
        claim: law.claim.trim().to_string(),
        citation: law.citation.clone(),
        decision_hours: law.decision_hours,
        urgent_decision_hours: law.urgent_decision_hours,
        shown,
    }
}

/// Whether the case's facts show `ground`.
fn shows(case: &Case, ground: Ground) -> bool {
    let any = |status: TreatmentStatus| case.treatments.iter().any(|t| t.status == Some(status));
    match ground {
        Ground::Contraindicated => any(TreatmentStatus::Contraindicated),
        Ground::TriedBefore => any(TreatmentStatus::Failed) || any(TreatmentStatus::Intolerant),
        Ground::Stable => requested_drug_is_ongoing(case),
        Ground::ExpectedIneffective | Ground::NotInBestInterest | Ground::LifeSaving => false,
    }
}

/// Whether an ongoing treatment is the requested drug: both names start with the same word
/// of three letters or more ("Phesgo"), the rule the block's prose uses.
fn requested_drug_is_ongoing(case: &Case) -> bool {
    let first = |s: &str| {
        s.trim()
            .to_lowercase()
            .split(' ')
            .next()
            .unwrap_or("")
            .to_string()
    };
    let service = first(&case.request.service.0);
    service.chars().count() > 2
        && case.treatments.iter().any(|t| {
            t.status == Some(TreatmentStatus::Ongoing)
                && t.name.as_deref().is_some_and(|n| first(n) == service)
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn case(plan: &str, treatments: &str) -> Case {
        let text = format!(
            "schema = 1\n[sender]\nname = \"A\"\n[recipient]\norganization = \"P\"\n[patient]\nname = \"A\"\n\
             [plan]\n{plan}\n[denial]\ndate = 2026-03-02\nreasons = [\"step-therapy\"]\n\
             [request]\nservice = \"Phesgo every 3 weeks\"\n[diagnosis]\ncondition = \"C\"\n{treatments}"
        );
        Case::parse("t.toml", &text).unwrap()
    }

    fn rules() -> RuleBook {
        RuleBook::bundled().unwrap()
    }

    #[test]
    fn the_requested_drug_ongoing_shows_the_stable_ground() {
        let ongoing = "[[treatments]]\nname = \"Phesgo maintenance\"\nstatus = \"ongoing\"\n";
        let x = DrugException::of(
            &case("regulation = \"aca-individual\"\nstate = \"GA\"", ongoing),
            &rules(),
        );
        assert!(x.state_law.used, "{}", x.state_law.why);
        assert_eq!(x.laws[0].shown, ["stable"]);
        assert_eq!(x.laws[0].decision_hours, Some(72));
        // Another drug ongoing is not the requested one.
        let other = ongoing.replace("Phesgo maintenance", "Tamoxifen");
        let x = DrugException::of(
            &case("regulation = \"aca-individual\"\nstate = \"GA\"", &other),
            &rules(),
        );
        assert!(!x.state_law.used);
        assert_eq!(x.state_law.needs.len(), 1, "{:?}", x.state_law.needs);
    }

    #[test]
    fn no_state_law_without_a_state_regulated_plan_or_a_state() {
        let failed = "[[treatments]]\nname = \"X\"\nstatus = \"failed\"\n";
        for plan in [
            "regulation = \"erisa\"\nstate = \"TX\"",
            "regulation = \"medicare-part-d\"\nstate = \"TX\"",
            "regulation = \"unknown\"\nstate = \"TX\"",
            "regulation = \"unknown\"",
            "regulation = \"state-regulated\"\nstate = \"WY\"",
        ] {
            let x = DrugException::of(&case(plan, failed), &rules());
            assert!(!x.state_law.used && x.laws.is_empty(), "{plan}");
            assert!(x.state_law.needs.is_empty(), "{plan}: {:?}", x.state_law.needs);
        }
        let x = DrugException::of(&case("regulation = \"state-regulated\"", failed), &rules());
        assert_eq!(x.state_law.needs, ["plan.state"]);
        let x = DrugException::of(
            &case("regulation = \"state-regulated\"\nstate = \"TX\"", failed),
            &rules(),
        );
        assert!(x.state_law.used);
        assert_eq!(x.laws[0].citation, "Tex. Ins. Code § 1369.0546(c)");
        assert!(!x.shortage.used);
    }
}
