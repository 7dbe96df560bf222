//! State laws that limit step therapy, one file per state: `rules/states/<XX>.toml`.
//!
//! A state file holds the state's step-therapy exception law (`[step_therapy]`: the grounds on
//! which a plan must grant an exception, and its decision clock) and its law on step therapy
//! for advanced (stage-four, metastatic) cancer (`[metastatic_cancer]`), each with its statute
//! citation, a verification tag and the `source` where it was read. Adding a state is adding
//! its file. A letter cites a law only when it is verified and binds the plan's regulation
//! (state-regulated and ACA individual plans; never self-funded employer plans, Medicare or
//! FEHB, which state insurance law does not reach). The schema is in `rules/README.md`.

use serde::{Deserialize, Serialize};

use super::{KeyPath, RulesError, Tag, key, with};
use crate::diag::{Diagnostic, Diagnostics, Location};

/// A ground on which a state's law requires a plan to grant a step-therapy exception.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Ground {
    /// The required drug is contraindicated, or likely to cause an adverse reaction or harm.
    Contraindicated,
    /// The required drug is expected to be ineffective for this patient.
    ExpectedIneffective,
    /// The patient tried the required drug (or one of its class) before and stopped it for
    /// lack of effect or an adverse event.
    TriedBefore,
    /// The required drug is not in the patient's best interest.
    NotInBestInterest,
    /// The patient is stable on the prescribed drug.
    Stable,
    /// The prescriber attests that the prescribed drug is needed to save the patient's life.
    LifeSaving,
}

impl Ground {
    /// The id used in state files.
    pub fn id(self) -> &'static str {
        match self {
            Ground::Contraindicated => "contraindicated",
            Ground::ExpectedIneffective => "expected-ineffective",
            Ground::TriedBefore => "tried-before",
            Ground::NotInBestInterest => "not-in-best-interest",
            Ground::Stable => "stable",
            Ground::LifeSaving => "life-saving",
        }
    }

    /// The case facts that show this ground, in words, or `None` when only the prescriber's
    /// judgment can (expected to be ineffective, not in the patient's best interest, needed to
    /// save a life).
    pub fn shown_by(self) -> Option<&'static str> {
        match self {
            Ground::Contraindicated => Some("a treatment with status \"contraindicated\""),
            Ground::TriedBefore => Some("a treatment with status \"failed\" or \"intolerant\""),
            Ground::Stable => Some("the requested drug as an \"ongoing\" treatment"),
            Ground::ExpectedIneffective | Ground::NotInBestInterest | Ground::LifeSaving => None,
        }
    }
}

/// Regulations a state's insurance law cannot bind: a self-funded employer plan (ERISA
/// preemption), Medicare and FEHB (federal law), and a plan whose regulation is not known.
pub const NOT_STATE_REGULATED: [&str; 5] = [
    "erisa",
    "medicare-advantage",
    "medicare-part-d",
    "fehb",
    "unknown",
];

fn default_regulations() -> Vec<String> {
    vec!["state-regulated".into(), "aca-individual".into()]
}

/// One state law on step therapy.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StateLaw {
    /// What the law provides, in plain words (for `explain` and the maintainers).
    pub text: String,
    /// The sentence a letter prints, naming the state ("Texas law requires …"), without the
    /// citation and without a final full stop.
    pub claim: String,
    /// Where it is written, e.g. `Tex. Ins. Code § 1369.0546(c)`.
    pub citation: String,
    /// Verification tag. Only `P` and `S` laws are ever printed.
    pub tag: Tag,
    /// Where the law was read (page address and date); never printed. Required for a
    /// verified law.
    #[serde(default)]
    pub source: Option<String>,
    /// An optional remark (what the source did not show, another section for other markets).
    #[serde(default)]
    pub note: Option<String>,
    /// The plan regulations it binds, as verified: `state-regulated`, `aca-individual`,
    /// `medicaid-managed-care`. Default: the first two.
    #[serde(default = "default_regulations")]
    pub regulations: Vec<String>,
    /// `[step_therapy]` only: the grounds on which the plan must grant an exception.
    #[serde(default)]
    pub grounds: Vec<Ground>,
    /// The plan's decision clock for an exception request, in hours, when the law gives one.
    #[serde(default)]
    pub decision_hours: Option<u32>,
    /// The clock when the request is urgent (exigent), in hours.
    #[serde(default)]
    pub urgent_decision_hours: Option<u32>,
    /// `tag != UNVERIFIED`; computed on load, for templates.
    #[serde(skip_deserializing)]
    pub verified: bool,
}

/// One state's file (`rules/states/<XX>.toml`): its step-therapy laws and the bodies that
/// oversee its plans (complaints, fair hearings, external review).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StateRules {
    /// The two-letter code; equals the file stem.
    pub state: String,
    /// The state's name, e.g. `Texas`.
    pub name: String,
    /// The step-therapy exception law: grounds on which an exception must be granted.
    #[serde(default)]
    pub step_therapy: Option<StateLaw>,
    /// The law limiting step therapy for stage-four (metastatic) cancer.
    #[serde(default)]
    pub metastatic_cancer: Option<StateLaw>,
    /// Insurance regulators for state-regulated and individual coverage (one, or several with
    /// `plan_types` or `covers` telling them apart): where a complaint goes.
    #[serde(default)]
    pub insurance: Vec<super::Body>,
    /// The State Medicaid agency, for complaints about a Medicaid managed care plan.
    #[serde(default)]
    pub medicaid: Option<super::Body>,
    /// The office that hears State fair hearing requests from Medicaid members.
    #[serde(default)]
    pub fair_hearing: Option<super::Body>,
    /// The State's external review program, when requests go to it rather than to the plan.
    #[serde(default)]
    pub external_review: Option<super::Body>,
}

impl StateRules {
    /// The laws in the file, with their table names.
    pub fn laws(&self) -> impl Iterator<Item = (&'static str, &StateLaw)> {
        [
            ("metastatic_cancer", self.metastatic_cancer.as_ref()),
            ("step_therapy", self.step_therapy.as_ref()),
        ]
        .into_iter()
        .filter_map(|(name, law)| law.map(|l| (name, l)))
    }
}

/// Parses and validates one state file. `file` names it in errors; `name` is its file name.
pub(super) fn parse_state(file: &str, name: &str, text: &str) -> Result<StateRules, RulesError> {
    let mut rules: StateRules = toml::from_str(text).map_err(|e| {
        let (message, hint) = crate::diag::explain_unknown_variant(e.message().trim());
        let at = Location::at(file, text, e.span().map_or(0, |s| s.start));
        RulesError::Invalid(Diagnostics::one(Diagnostic::error(at, message).with_hint(hint)))
    })?;
    let stem = name.strip_suffix(".toml").unwrap_or(name);
    if let Err((path, message)) = validate(&rules, stem) {
        let at = crate::diag::locate(file, text, &path);
        return Err(RulesError::Invalid(Diagnostics::one(Diagnostic::error(
            at, message,
        ))));
    }
    for law in [&mut rules.step_therapy, &mut rules.metastatic_cancer]
        .into_iter()
        .flatten()
    {
        law.verified = law.tag.is_verified();
    }
    for b in rules.bodies_mut() {
        b.verified = b.tag.is_verified();
    }
    Ok(rules)
}

/// Checks what the TOML schema cannot express. Returns the path of the offending value.
fn validate(rules: &StateRules, stem: &str) -> Result<(), (KeyPath, String)> {
    let code = &rules.state;
    if code.len() != 2 || !code.bytes().all(|b| b.is_ascii_uppercase()) {
        return Err((
            key(&["state"]),
            format!("state \"{code}\" must be a two-letter code in capitals, such as \"TX\""),
        ));
    }
    if code != stem {
        return Err((
            key(&["state"]),
            format!("state \"{code}\" must equal the file name \"{stem}\""),
        ));
    }
    if rules.name.trim().is_empty() {
        return Err((key(&["name"]), "name must not be empty".into()));
    }
    if rules.step_therapy.is_none()
        && rules.metastatic_cancer.is_none()
        && rules.insurance.is_empty()
        && rules.medicaid.is_none()
        && rules.fair_hearing.is_none()
        && rules.external_review.is_none()
    {
        return Err((
            key(&["state"]),
            "a state file needs at least one of [step_therapy], [metastatic_cancer], [[insurance]], [medicaid], [fair_hearing] or [external_review]".into(),
        ));
    }
    super::validate_bodies(rules)?;
    for (table, law) in rules.laws() {
        let at = |last: &str| with(&[table], last);
        for (field, value) in [
            ("text", &law.text),
            ("claim", &law.claim),
            ("citation", &law.citation),
        ] {
            if value.trim().is_empty() {
                return Err((at(field), format!("{field} must not be empty")));
            }
        }
        if law.claim.trim_end().ends_with('.') {
            return Err((
                at("claim"),
                "claim must not end with a full stop: the letter adds the citation after it".into(),
            ));
        }
        if law.tag.is_verified() && law.source.as_deref().is_none_or(|s| s.trim().is_empty()) {
            return Err((
                at("tag"),
                "a verified law needs `source`: where its text was read (address and date)".into(),
            ));
        }
        if law.regulations.is_empty() {
            return Err((
                at("regulations"),
                "regulations must list at least one plan regulation the law binds".into(),
            ));
        }
        for (i, reg) in law.regulations.iter().enumerate() {
            let mut path = at("regulations");
            path.push(i.to_string());
            if NOT_STATE_REGULATED.contains(&reg.as_str()) {
                return Err((
                    path,
                    format!(
                        "a state's insurance law does not bind {reg} plans; list only state-regulated, aca-individual or medicaid-managed-care"
                    ),
                ));
            }
            if !crate::case::Regulation::IDS.contains(&reg.as_str()) {
                return Err((
                    path,
                    format!(
                        "unknown regulation \"{reg}\" (expected state-regulated, aca-individual or medicaid-managed-care)"
                    ),
                ));
            }
        }
        match table {
            "step_therapy" if law.grounds.is_empty() => {
                return Err((
                    at("tag"),
                    "[step_therapy] needs `grounds`: the grounds on which the law requires an exception"
                        .into(),
                ));
            }
            "metastatic_cancer" if !law.grounds.is_empty() => {
                return Err((
                    at("grounds"),
                    "grounds belong to [step_therapy]; [metastatic_cancer] applies to metastatic cancer itself"
                        .into(),
                ));
            }
            _ => {}
        }
        for (i, g) in law.grounds.iter().enumerate() {
            if law.grounds[..i].contains(g) {
                let mut path = at("grounds");
                path.push(i.to_string());
                return Err((path, format!("ground \"{}\" is listed twice", g.id())));
            }
        }
        for (field, value) in [
            ("decision_hours", law.decision_hours),
            ("urgent_decision_hours", law.urgent_decision_hours),
        ] {
            if let Some(h) = value
                && !(1..=720).contains(&h)
            {
                return Err((at(field), format!("{field} {h} is out of range: 1 to 720 hours")));
            }
        }
        if let (Some(standard), Some(urgent)) = (law.decision_hours, law.urgent_decision_hours)
            && urgent > standard
        {
            return Err((
                at("urgent_decision_hours"),
                "urgent_decision_hours must not be longer than decision_hours".into(),
            ));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::RuleBook;

    const TX: &str = r#"state = "TX"
name = "Texas"

[step_therapy]
text = "What it provides."
claim = "Texas law requires it"
citation = "Tex. Ins. Code § 1369.0546(c)"
tag = "P"
source = "a statute page, read 2026-11-30"
grounds = ["contraindicated", "tried-before"]
"#;

    fn err_of(name: &str, text: &str) -> String {
        parse_state(&format!("rules/states/{name}"), name, text)
            .expect_err("should fail")
            .to_string()
    }

    #[test]
    fn a_state_file_loads_with_default_regulations_and_verified_flag() {
        let s = parse_state("rules/states/TX.toml", "TX.toml", TX).unwrap();
        let law = s.step_therapy.unwrap();
        assert_eq!(law.regulations, ["state-regulated", "aca-individual"]);
        assert_eq!(law.grounds, [Ground::Contraindicated, Ground::TriedBefore]);
        assert!(law.verified);
        assert!(s.metastatic_cancer.is_none());
    }

    #[test]
    fn every_bundled_state_loads_and_every_verified_law_has_a_source() {
        let book = RuleBook::bundled().unwrap();
        let states: Vec<&StateRules> = book.states().collect();
        assert!(states.len() >= 10, "{} states", states.len());
        let verified = states
            .iter()
            .flat_map(|s| s.laws())
            .filter(|(_, l)| l.verified)
            .count();
        assert!(verified >= 10, "{verified} verified laws");
        for s in states {
            for (_, law) in s.laws() {
                assert!(law.claim.starts_with(&s.name), "{}: {}", s.state, law.claim);
                assert!(
                    !law.verified || law.source.as_deref().is_some_and(|x| !x.is_empty()),
                    "{}",
                    s.state
                );
                for reg in &law.regulations {
                    assert!(!NOT_STATE_REGULATED.contains(&reg.as_str()), "{}", s.state);
                }
            }
        }
        // Delaware's title could not be confirmed: kept, never printed.
        assert!(!book.state("DE").unwrap().step_therapy.as_ref().unwrap().verified);
    }

    #[test]
    fn the_state_must_match_the_file_name() {
        let e = err_of("TX.toml", &TX.replace("state = \"TX\"", "state = \"OK\""));
        assert_eq!(
            e,
            "rules/states/TX.toml:1:9: state \"OK\" must equal the file name \"TX\""
        );
        let e = err_of("tx.toml", &TX.replace("state = \"TX\"", "state = \"tx\""));
        assert!(
            e.starts_with("rules/states/tx.toml:1:9: state \"tx\" must be a two-letter code"),
            "{e}"
        );
    }

    #[test]
    fn a_federal_regulation_is_refused_where_it_is_listed() {
        let text = TX.replace(
            "grounds = [",
            "regulations = [\"state-regulated\", \"erisa\"]\ngrounds = [",
        );
        let e = err_of("TX.toml", &text);
        assert!(
            e.starts_with("rules/states/TX.toml:10:35: a state's insurance law does not bind erisa plans"),
            "{e}"
        );
    }

    #[test]
    fn schema_errors_point_at_the_value() {
        for (from, to, at, says) in [
            (
                "tag = \"P\"",
                "tag = \"X\"",
                "8:7",
                "unknown value `X`; expected one of: P, S, UNVERIFIED",
            ),
            (
                "\"tried-before\"]",
                "\"tried-twice\"]",
                "10:",
                "unknown value `tried-twice`",
            ),
            (
                "\"tried-before\"]",
                "\"contraindicated\"]",
                "10:31",
                "listed twice",
            ),
            (
                "claim = \"Texas law requires it\"",
                "claim = \"Texas law requires it.\"",
                "6:9",
                "full stop",
            ),
            (
                "source = \"a statute page, read 2026-11-30\"\n",
                "",
                "8:7",
                "needs `source`",
            ),
            (
                "citation = \"Tex. Ins. Code § 1369.0546(c)\"",
                "citation = \" \"",
                "7:12",
                "citation must not be empty",
            ),
            (
                "grounds = [\"contraindicated\", \"tried-before\"]",
                "grounds = []\ndecision_hours = 72",
                "8:7",
                "needs `grounds`",
            ),
            (
                "grounds = [",
                "decision_hours = 0\ngrounds = [",
                "10:18",
                "out of range",
            ),
            (
                "grounds = [",
                "decision_hours = 24\nurgent_decision_hours = 72\ngrounds = [",
                "11:25",
                "must not be longer",
            ),
            (
                "[step_therapy]",
                "[step_therapy]\ncitaton = \"x\"",
                "5:1",
                "unknown field `citaton`",
            ),
        ] {
            assert!(TX.contains(from), "{from}");
            let e = err_of("TX.toml", &TX.replace(from, to));
            assert!(
                e.starts_with(&format!("rules/states/TX.toml:{at}")),
                "{from} -> {e}"
            );
            assert!(e.contains(says), "{from} -> {e}");
        }
    }

    #[test]
    fn grounds_belong_to_step_therapy_and_a_file_needs_a_law() {
        let cancer = TX.replace("[step_therapy]", "[metastatic_cancer]");
        let e = err_of("TX.toml", &cancer);
        assert!(e.starts_with("rules/states/TX.toml:10:11"), "{e}");
        assert!(e.contains("grounds belong to [step_therapy]"), "{e}");
        let e = err_of("TX.toml", "state = \"TX\"\nname = \"Texas\"\n");
        assert!(
            e.contains("needs at least one of [step_therapy], [metastatic_cancer]"),
            "{e}"
        );
    }

    #[test]
    fn an_override_folder_adds_or_replaces_a_state() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir(dir.path().join("states")).unwrap();
        std::fs::write(dir.path().join("states/TX.toml"), TX).unwrap();
        let book = RuleBook::load_dir(dir.path()).unwrap();
        assert_eq!(
            book.state("TX").unwrap().step_therapy.as_ref().unwrap().claim,
            "Texas law requires it"
        );
        assert!(book.state("CO").is_some(), "bundled states are kept");
        std::fs::write(dir.path().join("states/TX.toml"), "state = \"TX\"\nname = 3\n").unwrap();
        let e = RuleBook::load_dir(dir.path()).unwrap_err().to_string();
        let path = dir.path().join("states/TX.toml");
        assert!(e.starts_with(&format!("{}:2:8: ", path.display())), "{e}");
    }
}
