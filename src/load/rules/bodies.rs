//! Who a complaint or a request for the next level of review goes to: the bodies that oversee
//! plans and hear their disputes, as data.
//!
//! A regulation's rules file says where a complaint goes (`[complaint] to`) and where a request
//! for the next level goes (`[external_review] request_to`, `[next_level] request_to`); federal
//! bodies (EBSA, OPM, Medicare) are written there. State bodies (insurance regulators, the
//! Medicaid agency, the fair hearing office, a State's external review program) are in one file
//! per State, `rules/states/<XX>.toml` ([`super::StateRules`]): adding a State is adding its file.
//! Every body carries a citation, a verification tag and a `source`; contact details of a body
//! tagged `UNVERIFIED` are never printed (the letter names the body and the signer is told to
//! look up where to send it).

use serde::{Deserialize, Serialize};

use super::Tag;
use crate::case::PlanType;

/// A body a letter may be addressed to: a regulator, a review office, a hearing office.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Body {
    /// Short id, unique within its State's file (`dmhc`, `cdi`): what `plan.regulator` names
    /// when a State has more than one insurance regulator.
    #[serde(default)]
    pub id: Option<String>,
    /// Its name, as it is addressed ("Department of Managed Health Care").
    pub name: String,
    /// The office within it that receives the letter ("Help Center"), printed above the name.
    #[serde(default)]
    pub office: Option<String>,
    /// Which plans it oversees, in plain words (shown when a State has several).
    #[serde(default)]
    pub covers: Option<String>,
    /// Plan types (`plan.type`) it is the regulator for, when a State has more than one
    /// insurance regulator; empty means it may be either, and the case must say
    /// (`plan.regulator`).
    #[serde(default)]
    pub plan_types: Vec<PlanType>,
    /// Postal address, one line per entry.
    #[serde(default)]
    pub address: Vec<String>,
    /// Telephone.
    #[serde(default)]
    pub phone: Option<String>,
    /// Fax.
    #[serde(default)]
    pub fax: Option<String>,
    /// Where to file on the web (a form or portal), without `https://`.
    #[serde(default)]
    pub web: Option<String>,
    /// What the letter asks of this body beyond reviewing the complaint, as one sentence in
    /// the signer's voice ("I ask the Help Center to …").
    #[serde(default)]
    pub asks: Option<String>,
    /// An insurance regulator that also takes external review applications itself (California's
    /// Independent Medical Review, New York's external appeal): a State's external review
    /// request goes to it when the State's file has no `[external_review]`.
    #[serde(default)]
    pub reviews: bool,
    /// A remark for the signer (the next-steps sheet), e.g. what to add to the address.
    #[serde(default)]
    pub note: Option<String>,
    /// Where its role is written (statute, regulation or the agency's own page).
    pub citation: String,
    /// Verification tag of the name, role and every contact detail given here.
    pub tag: Tag,
    /// Where it was seen when it was checked (page, date); never printed.
    #[serde(default)]
    pub source: Option<String>,
    /// `tag != UNVERIFIED`; computed on load, for templates.
    #[serde(skip_deserializing)]
    pub verified: bool,
}

impl Body {
    /// Whether the body gives somewhere to send a letter (an address, a fax or a web form).
    pub fn reachable(&self) -> bool {
        self.verified && (!self.address.is_empty() || self.fax.is_some() || self.web.is_some())
    }
}

/// Where a complaint about a plan goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum ComplaintTo {
    /// The body written in the rules file (`[complaint.body]`: EBSA, OPM).
    Body,
    /// The State's insurance regulator (`rules/states/<XX>.toml` `[[insurance]]`).
    StateInsurance,
    /// The State's Medicaid agency (`rules/states/<XX>.toml` `[medicaid]`).
    StateMedicaid,
    /// The plan itself, as a grievance; `[complaint.body]` names where else to complain
    /// (Medicare).
    Plan,
}

/// `[complaint]`: who oversees plans under this regulation and hears complaints about them.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Complaint {
    /// Where the complaint goes.
    pub to: ComplaintTo,
    /// Who oversees these plans, in plain words.
    pub text: String,
    /// Where that is written.
    pub citation: String,
    /// Verification tag.
    pub tag: Tag,
    /// Where it was seen when it was checked; never printed.
    #[serde(default)]
    pub source: Option<String>,
    /// The federal body (for `to = "body"`), or where else to complain (for `to = "plan"`).
    #[serde(default)]
    pub body: Option<Body>,
    /// `tag != UNVERIFIED`; computed on load, for templates.
    #[serde(skip_deserializing)]
    pub verified: bool,
}

/// Who receives a request for the next level of review.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum RequestTo {
    /// The plan (which forwards it or assigns the reviewer).
    Plan,
    /// The body written with the level (`body`: OPM, the Part D IRE).
    Body,
    /// The State's external review program (`rules/states/<XX>.toml` `[external_review]`);
    /// the plan when the State's file gives none.
    StateExternalReview,
    /// The State's fair hearing office (`rules/states/<XX>.toml` `[fair_hearing]`).
    StateFairHearing,
}

impl super::StateRules {
    /// Every body in the file, with its key for error messages.
    pub(super) fn bodies_mut(&mut self) -> impl Iterator<Item = &mut Body> {
        self.insurance
            .iter_mut()
            .chain(self.medicaid.as_mut())
            .chain(self.fair_hearing.as_mut())
            .chain(self.external_review.as_mut())
    }

    /// The insurance regulator for a plan of `plan_type`, or the one `regulator` names:
    /// `Ok(None)` when the State lists none, `Err` with every candidate when it lists several
    /// and neither the plan type nor `regulator` picks one.
    pub fn insurance_for(
        &self,
        plan_type: Option<PlanType>,
        regulator: Option<&str>,
    ) -> Result<Option<&Body>, Vec<&Body>> {
        if let Some(id) = regulator {
            return match self.insurance.iter().find(|b| b.id.as_deref() == Some(id)) {
                Some(b) => Ok(Some(b)),
                None => Err(self.insurance.iter().collect()),
            };
        }
        match self.insurance.as_slice() {
            [] => Ok(None),
            [one] => Ok(Some(one)),
            several => {
                let typed: Vec<&Body> = several
                    .iter()
                    .filter(|b| plan_type.is_some_and(|t| b.plan_types.contains(&t)))
                    .collect();
                match typed.as_slice() {
                    [one] => Ok(Some(one)),
                    _ => Err(several.iter().collect()),
                }
            }
        }
    }
}
