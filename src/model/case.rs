//! The case file: the facts of one appeal, as the user wrote them (format version 1).
//!
//! [`Case::parse`] turns TOML text into a typed [`Case`], or every problem it finds
//! ([`CaseError`], in file order), each naming the file, line and column, what is wrong and how
//! to fix it. Parsing is strict: unknown keys, impossible dates, malformed NPIs and unknown
//! denial reasons are errors, never guesses. This module knows nothing about letters; it only
//! establishes the facts.

use std::fmt;

use jiff::civil::Date;
use schemars::JsonSchema;
use serde::{Deserialize, Deserializer, Serialize};

use crate::diag::{Diagnostic, Diagnostics, Location, did_you_mean};
use crate::model::vocab::vocabulary;

/// The case-file format version this build reads.
pub const SCHEMA_VERSION: i64 = 1;

/// Every field of the case format as a dotted path (`denial.service_timing`); block conditions
/// name facts by these paths (see [`crate::facts`]).
pub const FIELDS: &[&str] = &[
    "letter.kind",
    "letter.voice",
    "letter.date",
    "letter.expedited",
    "sender.name",
    "sender.credentials",
    "sender.npi",
    "sender.organization",
    "sender.address",
    "sender.phone",
    "sender.fax",
    "sender.email",
    "sender.letterhead",
    "sender.relationship",
    "recipient.organization",
    "recipient.department",
    "recipient.attention",
    "recipient.address",
    "recipient.fax",
    "patient.name",
    "patient.date_of_birth",
    "patient.sex",
    "patient.pronouns",
    "patient.member_id",
    "patient.group_number",
    "patient.height",
    "patient.weight",
    "plan.name",
    "plan.type",
    "plan.regulation",
    "plan.state",
    "plan.regulator",
    "plan.grandfathered",
    "denial.date",
    "denial.received",
    "denial.reference",
    "denial.service_timing",
    "denial.reasons",
    "denial.quote",
    "denial.criteria",
    "denial.deadline_on_notice",
    "request.service",
    "request.codes",
    "request.provider",
    "request.network",
    "request.dates",
    "request.setting",
    "request.line_of_therapy",
    "request.administered_by",
    "request.regimen",
    "diagnosis.condition",
    "diagnosis.icd10",
    "diagnosis.stage",
    "diagnosis.histology",
    "diagnosis.biomarkers",
    "diagnosis.diagnosed",
    "diagnosis.metastatic",
    "diagnosis.rare",
    "diagnosis.sarcoma_type",
    "diagnosis.performance_status",
    "treatments",
    "drug_shortages",
    "care.provider",
    "care.since",
    "care.continuity",
    "care.prior_authorizations",
    "network_attempts",
    "guidelines",
    "enclosures",
    "statement.text",
    "radiation.facility",
    "radiation.total_dose",
    "radiation.fractions",
    "radiation.goal",
    "radiation.plan_comparison",
    "correction.what",
    "correction.corrected",
    "correction.documents",
    "authorization.reason",
    "authorization.explanation",
    "authorization.requested",
    "authorization.calls",
    "authorization.referral",
    "plan_terms",
    "clinical_trial.name",
    "clinical_trial.nct",
    "clinical_trial.phase",
    "clinical_trial.approved_by",
    "clinical_trial.investigational",
    "clinical_trial.routine_care",
    "compendia",
    "radiation.technique",
    "radiation.alternative",
    "radiation.rationale",
    "radiation.oligometastatic",
    "imaging.modality",
    "imaging.purpose",
    "imaging.rationale",
    "biomarker_test.test",
    "biomarker_test.kind",
    "biomarker_test.drug",
    "biomarker_test.rationale",
    "log",
    "appeal.filed",
    "appeal.decision",
    "appeal.level",
];

/// One appeal's facts: who writes, to whom, about whom, and what was denied.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Case {
    /// The case format version: `1`.
    #[schemars(extend("const" = SCHEMA_VERSION))]
    pub schema: i64,
    /// What kind of letter, in whose voice.
    #[serde(default)]
    pub letter: LetterSettings,
    /// The person who signs the letter.
    pub sender: Sender,
    /// The plan or reviewer the letter goes to.
    pub recipient: Recipient,
    /// The patient.
    pub patient: Patient,
    /// The health plan.
    #[serde(default)]
    pub plan: HealthPlan,
    /// The insurer's adverse decision. Absent for a request made before any decision (a letter
    /// of medical necessity for a prior authorization).
    #[serde(default)]
    pub denial: Option<Denial>,
    /// The service being requested.
    pub request: Request,
    /// The condition being treated.
    pub diagnosis: Diagnosis,
    /// Treatments so far, in the order the user lists them.
    #[serde(default)]
    pub treatments: Vec<Treatment>,
    /// Shortages or unavailability of the plan's preferred products, each with its source.
    #[serde(default)]
    pub drug_shortages: Vec<DrugShortage>,
    /// The care relationship with the requested provider.
    #[serde(default)]
    pub care: Care,
    /// In-network options tried and why they could not serve.
    #[serde(default)]
    pub network_attempts: Vec<NetworkAttempt>,
    /// Clinical guidelines that recommend the requested care.
    #[serde(default)]
    pub guidelines: Vec<Guideline>,
    /// The user's override of argument selection.
    #[serde(default)]
    pub arguments: Arguments,
    /// Documents the signer encloses.
    #[serde(default)]
    pub enclosures: Vec<Enclosure>,
    /// The signer's own words answering the denial, printed verbatim.
    #[serde(default)]
    pub statement: Option<Statement>,
    /// Where the appeal stands: when it was filed and decided.
    #[serde(default)]
    pub appeal: Option<AppealHistory>,
    /// A record of contacts with the plan: calls, faxes, letters, portal messages.
    #[serde(default)]
    pub log: Vec<LogEntry>,
    /// What was wrong in an administrative denial and the corrected information.
    pub correction: Option<Correction>,
    /// Why prior authorization was not obtained before the care.
    pub authorization: Option<Authorization>,
    /// Clauses of the plan's own documents, quoted verbatim, that the letter answers.
    #[serde(default)]
    pub plan_terms: Vec<PlanTerm>,
    /// The clinical trial the patient takes part in, for routine-cost denials.
    pub clinical_trial: Option<ClinicalTrial>,
    /// Compendium listings that support an off-label use of the requested drug.
    #[serde(default)]
    pub compendia: Vec<CompendiumListing>,
    /// The radiation technique requested, when the denial concerns one.
    pub radiation: Option<Radiation>,
    /// The imaging study requested, when the denial concerns one.
    pub imaging: Option<Imaging>,
    /// The biomarker or genomic test requested, when the denial concerns one.
    pub biomarker_test: Option<BiomarkerTest>,
    /// The file this case was read from, for locating later problems.
    #[serde(skip)]
    pub source: Source,
}

/// A case file's name and text, kept so that problems found after parsing (an unknown block
/// id, say) can still point at a line and column.
#[derive(Debug, Clone, Default)]
pub struct Source {
    /// The file as the user named it.
    pub file: String,
    /// Its text.
    pub text: String,
}

/// `[letter]`: the kind of letter and its voice.
#[derive(Debug, Clone, Default, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct LetterSettings {
    /// The kind of letter (default `appeal`).
    #[serde(default, deserialize_with = "any_case")]
    #[schemars(with = "AnyCase<LetterKind>")]
    pub kind: LetterKind,
    /// Who speaks. When absent it follows from the kind: the provider for `medical-necessity`
    /// and `peer-to-peer-brief`, the patient otherwise.
    #[serde(default, deserialize_with = "any_case_opt")]
    #[schemars(with = "Option<AnyCase<Voice>>")]
    pub voice: Option<Voice>,
    /// The letter's date; default today or `SOURCE_DATE_EPOCH`.
    pub date: Option<CaseDate>,
    /// Ask for expedited (urgent) review.
    #[serde(default)]
    pub expedited: bool,
    /// Language of the letter; only `en` is available.
    #[schemars(extend("enum" = ["en"]))]
    pub language: Option<String>,
}

vocabulary! {
    /// The kinds of letter `appeal` drafts; the same words are the command line's `--kind` choices.
    #[derive(Default)]
    pub enum LetterKind ("letter kind") {
        /// An internal appeal of a denial.
        #[default]
        Appeal = "appeal",
        /// A provider's letter of medical necessity.
        MedicalNecessity = "medical-necessity",
        /// A request for the next level of review the plan's rules provide: external review, OPM
        /// review, a State fair hearing (for Medicare Advantage, the plan's automatic forwarding
        /// to the Independent Review Entity).
        ExternalReview = "external-review",
        /// A request for the claim file, criteria and reviewer credentials.
        ClaimFileRequest = "claim-file-request",
        /// Talking points for a peer-to-peer call.
        PeerToPeerBrief = "peer-to-peer-brief",
        /// A follow-up when the plan's decision on a filed appeal is due or overdue.
        FollowUp = "follow-up",
        /// A complaint to the body that oversees the plan (a regulator, or the plan's grievance process).
        Complaint = "complaint",
    }
}

/// What sets one letter kind apart, in one place: adding a kind is its line in [`LetterKind`],
/// its entry here and its template.
#[derive(Debug, Clone, Copy)]
pub struct KindSpec {
    /// "a" or "an", for the kind's id in a sentence.
    pub article: &'static str,
    /// The letter template under `templates/` that lays it out.
    pub template: &'static str,
    /// The document title, before the patient's name ("Appeal of denied coverage for").
    pub title: &'static str,
    /// The first "Re:" line, before the service ("Appeal of the denial of").
    pub re: &'static str,
    /// Whether the letter argues the case with argument blocks. A follow-up and a complaint
    /// report what happened instead, so no argument applying is not a problem for them.
    pub argues: bool,
}

impl LetterKind {
    /// The kind's entry in the table of kinds.
    pub fn spec(self) -> KindSpec {
        let (article, template, title, re, argues) = match self {
            LetterKind::Appeal => (
                "an",
                "letter.md",
                "Appeal of denied coverage for",
                "Appeal of the denial of",
                true,
            ),
            LetterKind::MedicalNecessity => (
                "a",
                "letter.md",
                "Letter of medical necessity for",
                "Medical necessity of",
                true,
            ),
            LetterKind::ExternalReview => (
                "an",
                "letter.md",
                "Request for external review for",
                "External review of the denial of",
                true,
            ),
            LetterKind::ClaimFileRequest => (
                "a",
                "claim-file-request.md",
                "Request for the claim file of",
                "Claim file for the denial of",
                true,
            ),
            LetterKind::PeerToPeerBrief => (
                "a",
                "peer-to-peer-brief.md",
                "Peer-to-peer brief for",
                "Peer-to-peer review of the denial of",
                true,
            ),
            LetterKind::FollowUp => (
                "a",
                "follow-up.md",
                "Follow-up on the appeal for",
                "Follow-up on the appeal of the denial of",
                false,
            ),
            LetterKind::Complaint => (
                "a",
                "complaint.md",
                "Complaint about a health plan for",
                "Complaint about the denial of",
                false,
            ),
        };
        KindSpec {
            article,
            template,
            title,
            re,
            argues,
        }
    }

    /// "a" or "an", for the kind's id in a sentence.
    pub fn article(self) -> &'static str {
        self.spec().article
    }

    /// Whether the letter argues the case with argument blocks (see [`KindSpec::argues`]).
    pub fn argues(self) -> bool {
        self.spec().argues
    }
}

vocabulary! {
    /// Who speaks in the letter.
    pub enum Voice ("voice") {
        /// The patient, in the first person.
        Patient = "patient",
        /// The treating provider ("my patient").
        Provider = "provider",
        /// Someone writing on the patient's behalf.
        Representative = "representative",
    }
}

/// `[sender]`: the signer.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Sender {
    /// How a representative is related to the patient (daughter, spouse, advocate, attorney),
    /// printed under the signature.
    pub relationship: Option<String>,
    /// Full name.
    pub name: String,
    /// Degrees and titles, e.g. "MD, FACP".
    #[schemars(example = &"MD, FACP")]
    pub credentials: Option<String>,
    /// National Provider Identifier (10 digits, check digit validated). Left blank (`""`, as
    /// `appeal init` writes it) it counts as not given, and `check` asks for it.
    #[serde(default, deserialize_with = "blank_or_npi")]
    #[schemars(schema_with = "crate::schema::blank_or_npi")]
    pub npi: Option<Npi>,
    /// Practice or organisation.
    pub organization: Option<String>,
    /// Postal address, one line per entry.
    #[serde(default)]
    pub address: Vec<String>,
    /// Telephone.
    pub phone: Option<String>,
    /// Fax.
    pub fax: Option<String>,
    /// Email.
    pub email: Option<String>,
    /// A PNG or JPEG logo printed at the top of page 1 of the PDF and Word documents; a path
    /// relative to the case file's folder. `--letterhead IMAGE` overrides it.
    pub letterhead: Option<String>,
}

/// `[recipient]`: where the letter goes.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Recipient {
    /// The plan or review organisation.
    pub organization: String,
    /// Department, e.g. "Appeals and Grievances".
    #[schemars(example = &"Appeals and Grievances")]
    pub department: Option<String>,
    /// A named person.
    pub attention: Option<String>,
    /// Postal address, one line per entry.
    #[serde(default)]
    pub address: Vec<String>,
    /// Fax number for appeals.
    pub fax: Option<String>,
}

/// `[patient]`.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Patient {
    /// Full name.
    pub name: String,
    /// Date of birth.
    pub date_of_birth: Option<CaseDate>,
    /// Sex, which drives third-person wording unless `pronouns` is set.
    #[serde(default, deserialize_with = "any_case_opt")]
    #[schemars(with = "Option<AnyCase<Sex>>")]
    pub sex: Option<Sex>,
    /// Pronouns override, e.g. "they/them".
    #[schemars(example = &"they/them")]
    pub pronouns: Option<String>,
    /// Member ID on the insurance card.
    pub member_id: Option<String>,
    /// Group number.
    pub group_number: Option<String>,
    /// Height as written ("178 cm", "5 ft 10 in"); prior-authorization forms ask for it.
    #[schemars(example = &"178 cm")]
    pub height: Option<String>,
    /// Weight as written ("82 kg"); dosing and prior-authorization forms ask for it.
    #[schemars(example = &"82 kg")]
    pub weight: Option<String>,
}

vocabulary! {
    /// Sex, for third-person wording.
    pub enum Sex ("sex") {
        /// she/her.
        Female = "female",
        /// he/him.
        Male = "male",
        /// they/them.
        Other = "other",
    }
}

/// `[plan]`.
#[derive(Debug, Clone, Default, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct HealthPlan {
    /// The plan's name.
    pub name: Option<String>,
    /// Plan type.
    #[serde(rename = "type", default, deserialize_with = "any_case_opt")]
    #[schemars(with = "Option<AnyCase<PlanType>>")]
    pub plan_type: Option<PlanType>,
    /// The law that governs the plan's appeals. When absent, it is inferred from `type` where
    /// that is unambiguous (`medicare-advantage`, `medicaid`, `fehb`), otherwise `unknown`.
    #[serde(default, deserialize_with = "any_case_opt")]
    #[schemars(with = "Option<AnyCase<Regulation>>")]
    pub regulation: Option<Regulation>,
    /// Two-letter state code.
    pub state: Option<StateCode>,
    /// Which of the State's insurance regulators oversees the plan, by its id in
    /// `rules/states/<XX>.toml` (`dmhc` or `cdi` in California), when the State has several
    /// and the plan type does not tell them apart. Read from the plan's Evidence of Coverage.
    pub regulator: Option<String>,
    /// Whether the plan is grandfathered under the ACA.
    pub grandfathered: Option<bool>,
}

vocabulary! {
    /// Plan types.
    pub enum PlanType ("plan type") {
        /// Health maintenance organization.
        Hmo = "hmo",
        /// Preferred provider organization.
        Ppo = "ppo",
        /// Exclusive provider organization.
        Epo = "epo",
        /// Point of service plan.
        Pos = "pos",
        /// Indemnity (fee-for-service) plan.
        Indemnity = "indemnity",
        /// A Medicare Advantage (Part C) plan; implies `regulation = "medicare-advantage"`.
        MedicareAdvantage = "medicare-advantage",
        /// A Medicaid plan; implies `regulation = "medicaid-managed-care"`.
        Medicaid = "medicaid",
        /// A Federal Employees Health Benefits plan; implies `regulation = "fehb"`.
        Fehb = "fehb",
        /// Another type.
        Other = "other",
    }
}

vocabulary! {
    /// The regulation that governs a plan's appeals.
    pub enum Regulation ("regulation") {
        /// A plan from a private employer or a union (ERISA).
        Erisa = "erisa",
        /// An individual-market plan the member bought themselves.
        AcaIndividual = "aca-individual",
        /// A Medicare Advantage (Part C) plan.
        MedicareAdvantage = "medicare-advantage",
        /// A Medicare Part D drug plan.
        MedicarePartD = "medicare-part-d",
        /// A Medicaid managed-care plan.
        MedicaidManagedCare = "medicaid-managed-care",
        /// A Federal Employees Health Benefits plan.
        Fehb = "fehb",
        /// A plan regulated by the state, such as a government or church employer's plan.
        StateRegulated = "state-regulated",
        /// Not known yet.
        Unknown = "unknown",
    }
}

/// `[denial]`: the insurer's decision.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Denial {
    /// Date on the denial notice.
    pub date: CaseDate,
    /// Date the notice was received.
    pub received: Option<CaseDate>,
    /// Claim or authorization number.
    pub reference: Option<String>,
    /// When the service happens relative to the decision.
    #[serde(default, deserialize_with = "any_case_opt")]
    #[schemars(with = "Option<AnyCase<ServiceTiming>>")]
    pub service_timing: Option<ServiceTiming>,
    /// Why the insurer denied, as taxonomy ids.
    #[serde(deserialize_with = "any_case_list")]
    #[schemars(with = "Vec<AnyCase<DenialReason>>", length(min = 1))]
    pub reasons: Vec<DenialReason>,
    /// The insurer's words, printed verbatim.
    pub quote: Option<Prose>,
    /// The policy or criteria the insurer cited.
    pub criteria: Option<Text>,
    /// The deadline to appeal printed on the notice, if it gives one: the earlier of it and
    /// the rule's date is used, and `check` warns when they differ.
    pub deadline_on_notice: Option<CaseDate>,
}

vocabulary! {
    /// Whether care is before, after or during the decision.
    pub enum ServiceTiming ("service timing") {
        /// Care not yet received.
        PreService = "pre-service",
        /// Care already received.
        PostService = "post-service",
        /// Care still going on.
        Concurrent = "concurrent",
    }
}

vocabulary! {
    /// The denial-reason taxonomy.
    pub enum DenialReason ("denial reason") {
        /// Not medically necessary.
        NotMedicallyNecessary = "not-medically-necessary",
        /// Experimental or investigational.
        ExperimentalInvestigational = "experimental-investigational",
        /// Out of network.
        OutOfNetwork = "out-of-network",
        /// A non-preferred (non-formulary) drug.
        NonPreferredDrug = "non-preferred-drug",
        /// Step therapy required: another treatment must be tried first.
        StepTherapy = "step-therapy",
        /// No prior authorization.
        NoPriorAuthorization = "no-prior-authorization",
        /// Not a covered benefit.
        NotCoveredBenefit = "not-covered-benefit",
        /// Administrative: wrong or missing information, codes or forms.
        Administrative = "administrative",
        /// Level of care: the setting, such as inpatient rather than outpatient.
        LevelOfCare = "level-of-care",
    }
}

impl DenialReason {
    /// A plain description of the reason, for `explain` and the letter.
    pub fn describe(self) -> &'static str {
        match self {
            DenialReason::NotMedicallyNecessary => "not medically necessary",
            DenialReason::ExperimentalInvestigational => "experimental or investigational",
            DenialReason::OutOfNetwork => "out of network",
            DenialReason::NonPreferredDrug => "non-preferred drug",
            DenialReason::StepTherapy => "step therapy required",
            DenialReason::NoPriorAuthorization => "no prior authorization",
            DenialReason::NotCoveredBenefit => "not a covered benefit",
            DenialReason::Administrative => "administrative",
            DenialReason::LevelOfCare => "level of care",
        }
    }
}

/// `[request]`: the service being asked for.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Request {
    /// The service in plain words.
    pub service: Text,
    /// CPT/HCPCS codes: one in quotes, or a list.
    #[schemars(example = ["99205", "88321"])]
    #[serde(default, deserialize_with = "one_or_many")]
    #[schemars(with = "TextList")]
    pub codes: Vec<String>,
    /// Who provides it.
    pub provider: Option<String>,
    /// The provider's network status.
    #[serde(default, deserialize_with = "any_case_opt")]
    #[schemars(with = "Option<AnyCase<Network>>")]
    pub network: Option<Network>,
    /// When, in the user's words.
    #[schemars(example = ["2026-10-20", "weekly for six weeks"])]
    pub dates: Option<DateList>,
    /// Where (outpatient clinic, infusion center, …): the place of service.
    #[schemars(example = &"infusion center")]
    pub setting: Option<Text>,
    /// Line of treatment ("first line", "third line after two HER2-directed regimens").
    #[schemars(example = &"first line")]
    pub line_of_therapy: Option<Text>,
    /// Who gives or dispenses it, when not `provider` (an infusion center, a specialty
    /// pharmacy).
    pub administered_by: Option<Text>,
    /// The regimen: one table per drug.
    #[serde(default)]
    pub regimen: Vec<RegimenDrug>,
}

/// `[[request.regimen]]`: one drug of the requested regimen.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RegimenDrug {
    /// The drug.
    pub drug: Text,
    /// Dose as written ("840 mg IV loading, then 420 mg").
    #[schemars(example = &"840 mg IV loading, then 420 mg")]
    pub dose: Option<Text>,
    /// Cycle length or schedule ("every 21 days").
    #[schemars(example = &"every 21 days")]
    pub cycle: Option<Text>,
    /// Number of cycles requested.
    pub cycles: Option<u32>,
}

vocabulary! {
    /// Network status of the requested provider.
    pub enum Network ("network status") {
        /// In the plan's network.
        InNetwork = "in-network",
        /// Outside the plan's network.
        OutOfNetwork = "out-of-network",
        /// Not known.
        Unknown = "unknown",
    }
}

/// `[diagnosis]`.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Diagnosis {
    /// The condition in plain words.
    pub condition: Text,
    /// ICD-10 code.
    #[schemars(example = ["C50.912", "C78.01"])]
    pub icd10: Option<TextList>,
    /// Stage.
    #[schemars(example = &"IV")]
    pub stage: Option<TextList>,
    /// Histology.
    pub histology: Option<Text>,
    /// Biomarkers, e.g. "HER2 IHC 3+".
    #[schemars(example = ["HER2 IHC 3+", "ER negative"])]
    pub biomarkers: Option<TextList>,
    /// Date of diagnosis.
    pub diagnosed: Option<CaseDate>,
    /// Metastatic disease.
    pub metastatic: Option<bool>,
    /// A rare cancer (e.g. sarcoma).
    pub rare: Option<bool>,
    /// For a sarcoma: soft-tissue, bone (osteosarcoma, Ewing) or GIST. Evidence about one is
    /// never cited for another. When absent, it is read from the condition and histology only
    /// when they name one kind unambiguously.
    #[serde(default, deserialize_with = "any_case_opt")]
    #[schemars(with = "Option<AnyCase<SarcomaType>>")]
    pub sarcoma_type: Option<SarcomaType>,
    /// ECOG or Karnofsky.
    #[schemars(example = &"ECOG 1")]
    pub performance_status: Option<String>,
}

vocabulary! {
    /// The kinds of sarcoma whose evidence is kept apart.
    pub enum SarcomaType ("sarcoma type") {
        /// Soft-tissue sarcoma (liposarcoma, leiomyosarcoma, synovial sarcoma, …).
        SoftTissue = "soft-tissue",
        /// Bone sarcoma: osteosarcoma, Ewing sarcoma, chondrosarcoma.
        Bone = "bone",
        /// Gastrointestinal stromal tumour.
        Gist = "gist",
    }
}

/// `[[treatments]]`.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Treatment {
    /// Drug, regimen or procedure.
    pub name: Option<String>,
    /// Start date.
    pub started: Option<CaseDate>,
    /// End date.
    pub ended: Option<CaseDate>,
    /// Status.
    #[serde(default, deserialize_with = "any_case_opt")]
    #[schemars(with = "Option<AnyCase<TreatmentStatus>>")]
    pub status: Option<TreatmentStatus>,
    /// What happened.
    pub outcome: Option<Text>,
}

/// `[[drug_shortages]]`: one preferred product in shortage or unavailable, as a notice reported
/// it. A letter states only what the entry says: the product, who reported it, when, and their
/// words.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct DrugShortage {
    /// The plan's preferred product that is in shortage or unavailable, e.g. "Kadcyla".
    pub drug: Text,
    /// Who reported it: "FDA Drug Shortages database", "Acme Specialty Pharmacy", a
    /// distributor's notice.
    pub source: Text,
    /// The date of the listing or notice.
    pub date: Option<CaseDate>,
    /// What the notice says, in its words or the user's ("no supply expected before March").
    pub detail: Option<Text>,
}

vocabulary! {
    /// Status of a treatment.
    pub enum TreatmentStatus ("treatment status") {
        /// Still being given.
        Ongoing = "ongoing",
        /// Finished as planned.
        Completed = "completed",
        /// The disease progressed or did not respond.
        Failed = "failed",
        /// Stopped because of side effects.
        Intolerant = "intolerant",
        /// Not possible for this patient.
        Contraindicated = "contraindicated",
    }
}

/// `[care]`: the care relationship.
#[derive(Debug, Clone, Default, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Care {
    /// The treating provider or center.
    pub provider: Option<String>,
    /// Under their care since.
    pub since: Option<CaseDate>,
    /// Why continuity matters, in the user's words.
    pub continuity: Option<Prose>,
    /// Authorizations the plan already granted.
    #[serde(default)]
    pub prior_authorizations: Vec<PriorAuthorization>,
}

/// `[[care.prior_authorizations]]`.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PriorAuthorization {
    /// Authorization number.
    pub id: Option<String>,
    /// Date granted.
    pub date: Option<CaseDate>,
    /// What it covered.
    pub service: Option<String>,
}

/// `[[network_attempts]]`.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct NetworkAttempt {
    /// The in-network provider tried.
    pub provider: Option<String>,
    /// When.
    pub date: Option<CaseDate>,
    /// Why they could not serve.
    pub outcome: Option<Text>,
    /// Whether this provider could provide the requested care: `false` when it could not. Only
    /// when every attempt says `false` does a letter say the network cannot meet the need.
    pub could_provide: Option<bool>,
}

/// `[[guidelines]]`.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Guideline {
    /// NCCN, ASCO, ESMO, …
    #[schemars(example = &"NCCN")]
    pub body: Option<String>,
    /// Guideline title.
    pub title: Option<String>,
    /// Version.
    pub version: Option<String>,
    /// The recommendation, in the guideline's terms.
    pub recommendation: Option<Text>,
    /// `true` when this recommendation covers the requested care. Only then does a letter say
    /// that the guideline recommends it; otherwise the guideline is quoted and attributed.
    pub supports_request: Option<bool>,
    /// Category or level of evidence.
    pub category: Option<String>,
    /// Section or page.
    pub section: Option<String>,
}

/// `[statement]`: the signer's own words answering the denial (why the reviewer is wrong, what
/// was said on a call). Printed verbatim under its own heading, never rewritten.
#[derive(Debug, Clone, Default, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Statement {
    /// The words, in `"""` for several paragraphs.
    pub text: Prose,
}

/// `[[log]]`: one contact with the plan.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct LogEntry {
    /// When.
    pub date: CaseDate,
    /// How: call, fax, mail, portal, email or in-person.
    #[serde(default, deserialize_with = "any_case_opt")]
    #[schemars(with = "Option<AnyCase<ContactKind>>")]
    pub kind: Option<ContactKind>,
    /// Who you dealt with ("member services, Dana").
    #[schemars(example = &"member services, Dana")]
    pub with: Option<Text>,
    /// The call's reference or the confirmation number.
    pub reference: Option<String>,
    /// What was said or sent.
    pub note: Option<Text>,
}

vocabulary! {
    /// How a contact with the plan happened.
    pub enum ContactKind ("contact kind") {
        /// A telephone call.
        Call = "call",
        /// A fax.
        Fax = "fax",
        /// A letter by post.
        Mail = "mail",
        /// A message through the plan's portal.
        Portal = "portal",
        /// An email.
        Email = "email",
        /// A visit in person.
        InPerson = "in-person",
    }
}

impl ContactKind {
    /// The word for it in a sentence: "call", "fax", "letter", …
    pub fn noun(self) -> &'static str {
        match self {
            ContactKind::Call => "call",
            ContactKind::Fax => "fax",
            ContactKind::Mail => "letter",
            ContactKind::Portal => "portal message",
            ContactKind::Email => "email",
            ContactKind::InPerson => "visit",
        }
    }
}

/// `[appeal]`: the appeal so far.
#[derive(Debug, Clone, Default, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct AppealHistory {
    /// The day the internal appeal was sent; the plan's decision clocks count from it.
    pub filed: Option<CaseDate>,
    /// The date of the plan's final decision on the internal appeal; the windows for external
    /// review and the next level count from it.
    pub decision: Option<CaseDate>,
    /// Which internal level was decided (1 or 2).
    pub level: Option<u8>,
}

/// `[arguments]`: the user's override of the selection.
#[derive(Debug, Clone, Default, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Arguments {
    /// Block ids to include even when their conditions do not hold.
    #[serde(default)]
    pub include: Vec<String>,
    /// Block ids to leave out.
    #[serde(default)]
    pub exclude: Vec<String>,
}

/// `[[enclosures]]`.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Enclosure {
    /// What the document is.
    pub title: String,
    /// Its date.
    pub date: Option<CaseDate>,
}

/// Free text that reads as one paragraph wherever it is printed (a service, a condition, a
/// treatment's outcome). Written in `"""` it may span lines: line breaks and tabs become single
/// spaces, and blank lines too.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Text(pub String);

/// Free text that keeps its paragraphs (a denial quote, the signer's statement): written in
/// `"""`, a blank line starts a new paragraph; single line breaks and tabs become spaces.
/// Paragraphs are kept separated by one blank line (`"\n\n"`), the only line breaks a case
/// value may carry.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Prose(pub String);

/// One text or a list of them (`icd10 = "C50.912"` or `icd10 = ["C50.912", "C78.01"]`),
/// printed joined with commas.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TextList(pub Vec<String>);

/// Dates of service: text, a date, or a list of either (`dates = [2026-10-20, "weekly"]`),
/// printed with dates written out and joined naturally ("October 20 and November 3, 2026" is
/// not attempted: each date is written in full).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DateList(pub Vec<String>);

/// Paragraphs of `raw`: lines trimmed, tabs as spaces, runs of blank lines as one break.
fn paragraphs(raw: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let mut current = String::new();
    for line in raw.lines() {
        let line = line.trim();
        if line.is_empty() {
            if !current.is_empty() {
                out.push(std::mem::take(&mut current));
            }
        } else {
            if !current.is_empty() {
                // A pasted list keeps one item per line; any other line break is a space.
                current.push(if starts_item(line) { '\n' } else { ' ' });
            }
            current.push_str(line);
        }
    }
    if !current.is_empty() {
        out.push(current);
    }
    out.into_iter().map(|p| p.replace('\t', " ")).collect()
}

/// Whether a line of pasted text starts a list item: a bullet (`•`, `-`, `*`, `–`, …), `1.`,
/// `2)` or `a)`, followed by a space.
fn starts_item(line: &str) -> bool {
    let mut chars = line.chars();
    let Some(first) = chars.next() else {
        return false;
    };
    let rest = chars.as_str();
    if matches!(
        first,
        '•' | '·' | '▪' | '◦' | '‣' | '–' | '—' | '-' | '*' | '+' | '○' | '■' | '□'
    ) {
        return rest.starts_with([' ', '\t', '\u{a0}']);
    }
    let label: String = line.chars().take_while(|c| c.is_ascii_alphanumeric()).collect();
    let after = &line[label.len()..];
    let numbered = !label.is_empty() && label.len() <= 3 && label.chars().all(|c| c.is_ascii_digit());
    let lettered = label.len() == 1 && label.chars().all(|c| c.is_ascii_lowercase());
    (numbered && (after.starts_with(". ") || after.starts_with(") ")))
        || (lettered && after.starts_with(") "))
}

impl Text {
    /// Normalises `raw`: one paragraph, line breaks and tabs as spaces.
    pub fn new(raw: &str) -> Text {
        Text(paragraphs(raw).join(" ").replace('\n', " "))
    }
}

impl Prose {
    /// Normalises `raw`: paragraphs separated by one blank line, line breaks and tabs inside a
    /// paragraph as spaces, except that a line starting a pasted list item (`• `, `- `, `1. `,
    /// `a) `) keeps its own line (a `\n` inside the paragraph).
    pub fn new(raw: &str) -> Prose {
        Prose(paragraphs(raw).join("\n\n"))
    }

    /// The paragraphs.
    pub fn paragraphs(&self) -> impl Iterator<Item = &str> {
        self.0.split("\n\n")
    }
}

macro_rules! text_like {
    ($($t:ident),*) => {$(
        impl std::ops::Deref for $t {
            type Target = str;
            fn deref(&self) -> &str {
                &self.0
            }
        }
        impl fmt::Display for $t {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }
        impl Serialize for $t {
            fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_str(&self.0)
            }
        }
        impl<'de> Deserialize<'de> for $t {
            fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                let raw = String::deserialize(d)?;
                Ok($t::new(&raw))
            }
        }
    )*};
}
text_like!(Text, Prose);

impl Serialize for TextList {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.0.join(", "))
    }
}

impl Serialize for DateList {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&join_naturally(&self.0))
    }
}

/// "a", "a and b", "a, b and c".
fn join_naturally(items: &[String]) -> String {
    match items {
        [] => String::new(),
        [one] => one.clone(),
        [init @ .., last] => format!("{} and {last}", init.join(", ")),
    }
}

/// One entry of a list: text, or (when `dates`) a date written out.
fn list_entry<E: serde::de::Error>(v: toml::Value, dates: bool) -> Result<String, E> {
    match v {
        toml::Value::String(s) => Ok(Text::new(&s).0),
        toml::Value::Datetime(dt) if dates => CaseDate::from_toml(&dt).map(CaseDate::long).map_err(E::custom),
        other => Err(E::custom(format!(
            "expected text in double quotes{}, found {}",
            if dates { " or a date" } else { "" },
            other.type_str()
        ))),
    }
}

fn list<'de, D: Deserializer<'de>>(d: D, dates: bool) -> Result<Vec<String>, D::Error> {
    match toml::Value::deserialize(d)? {
        toml::Value::Array(items) => items.into_iter().map(|v| list_entry(v, dates)).collect(),
        one => Ok(vec![list_entry(one, dates)?]),
    }
}

impl<'de> Deserialize<'de> for TextList {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        list(d, false).map(TextList)
    }
}

impl<'de> Deserialize<'de> for DateList {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        list(d, true).map(DateList)
    }
}

/// A choice from a fixed list, in any letter case and with spaces or underscores for hyphens
/// (`"PPO"`, `"Pre service"`, `"out_of_network"`).
fn any_case<'de, D: Deserializer<'de>, T: serde::de::DeserializeOwned>(d: D) -> Result<T, D::Error> {
    use serde::de::Error;
    fn fold(v: toml::Value) -> toml::Value {
        match v {
            toml::Value::String(s) => toml::Value::String(
                s.trim()
                    .to_lowercase()
                    .split([' ', '_', '-'])
                    .filter(|w| !w.is_empty())
                    .collect::<Vec<_>>()
                    .join("-"),
            ),
            toml::Value::Array(items) => toml::Value::Array(items.into_iter().map(fold).collect()),
            other => other,
        }
    }
    T::deserialize(fold(toml::Value::deserialize(d)?)).map_err(|e| D::Error::custom(e.message()))
}

/// One entry of a list read with [`any_case`], so an error points at the entry. Its JSON Schema
/// (in [`crate::schema`]) accepts the same spellings.
pub(crate) struct AnyCase<T>(T);

impl<'de, T: serde::de::DeserializeOwned> Deserialize<'de> for AnyCase<T> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        any_case(d).map(AnyCase)
    }
}

/// [`any_case`] for each entry of a list.
fn any_case_list<'de, D: Deserializer<'de>, T: serde::de::DeserializeOwned>(
    d: D,
) -> Result<Vec<T>, D::Error> {
    Vec::<AnyCase<T>>::deserialize(d).map(|v| v.into_iter().map(|a| a.0).collect())
}

/// [`any_case`] for an optional field.
fn any_case_opt<'de, D: Deserializer<'de>, T: serde::de::DeserializeOwned>(
    d: D,
) -> Result<Option<T>, D::Error> {
    any_case(d).map(Some)
}

/// An NPI, or `None` for a blank one.
fn blank_or_npi<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Npi>, D::Error> {
    use serde::de::Error;
    match toml::Value::deserialize(d)? {
        toml::Value::String(s) if s.trim().is_empty() => Ok(None),
        toml::Value::String(s) => Npi::validate(&s).map(Some).map_err(D::Error::custom),
        toml::Value::Integer(i) => Err(D::Error::custom(format!(
            "write the NPI as a quoted string: npi = \"{i}\""
        ))),
        other => Err(D::Error::custom(format!(
            "expected the NPI as a 10-digit string, found {}",
            other.type_str()
        ))),
    }
}

/// A list of text that may be written as one text (`codes = "99205"`).
fn one_or_many<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<String>, D::Error> {
    list(d, false)
}

/// `[correction]`: the error behind an administrative denial and its correction.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Correction {
    /// What was wrong (a member ID, a code, a missing record), in the user's words.
    pub what: Option<String>,
    /// The corrected information.
    pub corrected: Option<String>,
    /// The corrected documents sent with the letter, one title each.
    #[serde(default)]
    pub documents: Vec<String>,
}

/// `[authorization]`: why prior authorization was not obtained before the care.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Authorization {
    /// Why it was not obtained first.
    #[serde(default, deserialize_with = "any_case_opt")]
    #[schemars(with = "Option<AnyCase<MissedAuthorization>>")]
    pub reason: Option<MissedAuthorization>,
    /// The circumstances, in the user's words.
    pub explanation: Option<String>,
    /// When authorization was asked for after the fact, if it was.
    pub requested: Option<CaseDate>,
    /// Calls to the plan about authorization, as logged.
    #[serde(default)]
    pub calls: Vec<AuthorizationCall>,
    /// The primary-care referral for this care (HMOs), as written on it: who referred, when,
    /// its number.
    pub referral: Option<String>,
}

vocabulary! {
    /// Why prior authorization was not obtained first.
    pub enum MissedAuthorization ("missed-authorization reason") {
        /// The care could not wait for the plan's authorization process.
        Urgent = "urgent",
        /// The plan told the caller that no authorization was needed.
        PlanSaidNotNeeded = "plan-said-not-needed",
        /// The plan made an error (lost or misdirected the request, wrong information).
        PlanError = "plan-error",
        /// The provider's office made an administrative error.
        OfficeError = "office-error",
    }
}

/// `[[authorization.calls]]`: one logged call to the plan.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct AuthorizationCall {
    /// When.
    pub date: Option<CaseDate>,
    /// The call reference number the plan gave.
    pub reference: Option<String>,
    /// Who at the plan answered (name or role).
    pub spoke_with: Option<String>,
    /// What the plan said, as logged.
    pub said: Option<String>,
}

/// `[[plan_terms]]`: one clause of the plan's documents, quoted verbatim.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PlanTerm {
    /// Where it is, e.g. "Certificate of Coverage §4.2".
    #[schemars(example = &"Certificate of Coverage §4.2")]
    pub source: Option<String>,
    /// The clause, word for word.
    pub text: String,
    /// The case facts that answer it. The letter answers a clause only with these facts, and
    /// only when the case holds them; otherwise it quotes the clause and asks the plan to
    /// explain how it applies.
    #[serde(default)]
    pub answered_by: Vec<TermAnswer>,
}

vocabulary! {
    /// Case facts a plan clause can be answered with.
    pub enum TermAnswer ("plan-term answer") {
        /// `[[network_attempts]]`: the in-network providers tried.
        NetworkAttempts = "network-attempts",
        /// `[[guidelines]]` that support the request.
        Guidelines = "guidelines",
        /// `[[treatments]]`: the treatment history.
        Treatments = "treatments",
        /// `[diagnosis]`: the condition, its histology and whether it is rare.
        Diagnosis = "diagnosis",
        /// `[care]`: the care relationship and prior authorizations.
        Care = "care",
    }
}

/// `[clinical_trial]`: the approved clinical trial the patient takes part in.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ClinicalTrial {
    /// The trial's title.
    pub name: Option<String>,
    /// Its ClinicalTrials.gov number, e.g. `NCT01234567`.
    #[schemars(example = &"NCT01234567")]
    pub nct: Option<String>,
    /// Phase (I, II, III or IV).
    pub phase: Option<String>,
    /// Who approved or funds it (NCI, an NIH cooperative group, an FDA IND), in the user's words.
    pub approved_by: Option<String>,
    /// The investigational item the trial studies, which the request does not include.
    pub investigational: Option<String>,
    /// `true` when the requested service is routine care the plan would cover for a member who
    /// is not in a trial: not the investigational item itself and not done only to collect
    /// data. Only then does a letter call it a routine patient cost.
    pub routine_care: Option<bool>,
}

/// `[[compendia]]`: one compendium listing for the requested drug's use.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CompendiumListing {
    /// The compendium, e.g. "NCCN Drugs & Biologics Compendium".
    #[schemars(example = &"NCCN Drugs & Biologics Compendium")]
    pub name: Option<String>,
    /// The drug as listed.
    pub drug: Option<String>,
    /// The indication the listing supports, in its words.
    pub indication: Option<String>,
    /// The listing's rating: category, strength of recommendation or level of evidence.
    pub rating: Option<String>,
    /// Version, edition or date consulted.
    pub version: Option<String>,
    /// `true` when the drug is used in an anti-cancer chemotherapeutic regimen, the use
    /// Medicare's compendia rule covers; only then does a letter state that rule.
    pub anticancer_regimen: Option<bool>,
}

/// `[radiation]`: the radiotherapy technique requested.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Radiation {
    /// The technique.
    #[serde(default, deserialize_with = "any_case_opt")]
    #[schemars(with = "Option<AnyCase<RadiationTechnique>>")]
    pub technique: Option<RadiationTechnique>,
    /// What the plan approved or proposed instead, e.g. "3D conformal radiotherapy".
    #[schemars(example = &"3D conformal radiotherapy")]
    pub alternative: Option<String>,
    /// Why the treating team chose this technique (organs to spare, dose constraints), in
    /// their words.
    pub rationale: Option<String>,
    /// `true` when the treating team documents a controlled primary tumour and no more than
    /// five metastases (the population of the SABR-COMET trial).
    pub oligometastatic: Option<bool>,
    /// Where it is given.
    pub facility: Option<Text>,
    /// Total dose ("70 Gy").
    #[schemars(example = &"70 Gy")]
    pub total_dose: Option<Text>,
    /// Number of fractions.
    pub fractions: Option<u32>,
    /// `curative` or `palliative` (as written).
    #[schemars(example = &"palliative")]
    pub goal: Option<Text>,
    /// Whether a 3D-conformal versus IMRT (or proton) plan comparison is enclosed.
    pub plan_comparison: Option<bool>,
}

vocabulary! {
    /// A radiotherapy technique.
    pub enum RadiationTechnique ("radiation technique") {
        /// Intensity-modulated radiotherapy.
        Imrt = "imrt",
        /// Stereotactic body (ablative) radiotherapy, SBRT or SABR.
        Sbrt = "sbrt",
        /// Proton beam therapy.
        Proton = "proton",
        /// Another technique.
        Other = "other",
    }
}

/// `[imaging]`: the imaging study requested.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Imaging {
    /// The kind of study.
    #[serde(default, deserialize_with = "any_case_opt")]
    #[schemars(with = "Option<AnyCase<ImagingModality>>")]
    pub modality: Option<ImagingModality>,
    /// What it is for.
    #[serde(default, deserialize_with = "any_case_opt")]
    #[schemars(with = "Option<AnyCase<ImagingPurpose>>")]
    pub purpose: Option<ImagingPurpose>,
    /// Why it is needed now, in the treating team's words.
    pub rationale: Option<String>,
}

vocabulary! {
    /// An imaging modality.
    pub enum ImagingModality ("imaging modality") {
        /// FDG PET/CT.
        PetCt = "pet-ct",
        /// Magnetic resonance imaging.
        Mri = "mri",
        /// Computed tomography.
        Ct = "ct",
        /// Another modality.
        Other = "other",
    }
}

vocabulary! {
    /// What an imaging study is for.
    pub enum ImagingPurpose ("imaging purpose") {
        /// Staging before treatment.
        Staging = "staging",
        /// Assessing response during or after treatment.
        Response = "response",
        /// Evaluating a mass or lesion before a diagnosis is made.
        Diagnosis = "diagnosis",
        /// Routine follow-up with no new symptoms.
        Surveillance = "surveillance",
    }
}

/// `[biomarker_test]`: the biomarker or genomic test requested.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct BiomarkerTest {
    /// The test's name, e.g. "FoundationOne CDx".
    #[schemars(example = &"FoundationOne CDx")]
    pub test: Option<String>,
    /// The kind of test.
    #[serde(default, deserialize_with = "any_case_opt")]
    #[schemars(with = "Option<AnyCase<BiomarkerKind>>")]
    pub kind: Option<BiomarkerKind>,
    /// The drug the test selects patients for, when it is a companion diagnostic.
    pub drug: Option<String>,
    /// Why it is needed, in the treating team's words.
    pub rationale: Option<String>,
}

vocabulary! {
    /// A kind of biomarker test.
    pub enum BiomarkerKind ("biomarker test kind") {
        /// Comprehensive genomic profiling (a next-generation sequencing panel).
        GenomicProfiling = "genomic-profiling",
        /// A companion diagnostic required to select patients for a drug.
        CompanionDiagnostic = "companion-diagnostic",
        /// Another test.
        Other = "other",
    }
}

/// A calendar date from a TOML date value, validated (no February 30).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct CaseDate(pub Date);

/// The last year a case date may fall in (see [`CaseDate`]'s deserializer).
pub const LAST_YEAR: u16 = 2999;

impl CaseDate {
    /// "March 2, 2026".
    pub fn long(self) -> String {
        self.0.strftime("%B %-d, %Y").to_string()
    }
}

impl fmt::Display for CaseDate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0)
    }
}

impl CaseDate {
    /// A calendar date from a TOML date value: no time of day, no impossible date.
    fn from_toml(datetime: &toml::value::Datetime) -> Result<CaseDate, String> {
        let (Some(date), None) = (datetime.date, datetime.time) else {
            return Err(format!(
                "expected a calendar date such as 2026-03-02, found `{datetime}`; remove the time of day"
            ));
        };
        if date.year > LAST_YEAR {
            // Deadlines are counted forward from case dates; past this year they could leave
            // the calendar (9999-12-31 + 180 days has no date).
            return Err(format!(
                "{:04}-{:02}-{:02} is past {LAST_YEAR}-12-31, the last date appeal counts deadlines from; check the year",
                date.year, date.month, date.day
            ));
        }
        Date::new(date.year as i16, date.month as i8, date.day as i8)
            .map(CaseDate)
            .map_err(|_| {
                format!(
                    "{:04}-{:02}-{:02} is not a date on the calendar; check the day and month",
                    date.year, date.month, date.day
                )
            })
    }
}

impl Serialize for CaseDate {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(&self.0)
    }
}

impl<'de> Deserialize<'de> for CaseDate {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        use serde::de::Error;
        let value = toml::Value::deserialize(d)?;
        let datetime = match value {
            toml::Value::Datetime(dt) => dt,
            toml::Value::String(s) => {
                let parts: Vec<&str> = s.trim().split(['/', '-', '.']).collect();
                let us = match parts.as_slice() {
                    [m, d, y]
                        if y.len() == 4
                            && [m, d, y]
                                .iter()
                                .all(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit())) =>
                    {
                        Some(format!("{y}-{m:0>2}-{d:0>2}"))
                    }
                    _ => None,
                };
                return Err(D::Error::custom(match us {
                    Some(iso) => format!(
                        "expected a TOML date, found the string \"{s}\"; write it as year-month-day without quotes: {iso} (if that is the date you mean)"
                    ),
                    None => format!(
                        "expected a TOML date, found the string \"{s}\"; write the date without quotes, e.g. 2026-03-02"
                    ),
                }));
            }
            other => {
                return Err(D::Error::custom(format!(
                    "expected a TOML date such as 2026-03-02, found {}",
                    other.type_str()
                )));
            }
        };
        CaseDate::from_toml(&datetime).map_err(D::Error::custom)
    }
}

/// A National Provider Identifier whose Luhn check digit is valid.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(transparent)]
pub struct Npi(pub String);

impl Npi {
    /// Checks the ten digits and the check digit (Luhn over the prefix 80840 and the first nine).
    pub fn validate(s: &str) -> Result<Npi, String> {
        if s.len() != 10 || !s.bytes().all(|b| b.is_ascii_digit()) {
            return Err(format!(
                "an NPI is exactly 10 digits, found \"{s}\"; copy it from the NPPES registry record"
            ));
        }
        let digits: Vec<u32> = format!("80840{}", &s[..9])
            .bytes()
            .map(|b| u32::from(b - b'0'))
            .collect();
        let sum: u32 = digits
            .iter()
            .rev()
            .enumerate()
            .map(|(i, &d)| {
                if i % 2 == 0 {
                    let x = d * 2;
                    if x > 9 { x - 9 } else { x }
                } else {
                    d
                }
            })
            .sum();
        let check = (10 - sum % 10) % 10;
        let last = u32::from(s.as_bytes()[9] - b'0');
        if check == last {
            Ok(Npi(s.to_string()))
        } else {
            Err(format!(
                "NPI \"{s}\" fails its check digit (a valid NPI with these first nine digits ends in {check}); check it for a typo"
            ))
        }
    }
}

impl<'de> Deserialize<'de> for Npi {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        use serde::de::Error;
        match toml::Value::deserialize(d)? {
            toml::Value::String(s) => Npi::validate(&s).map_err(D::Error::custom),
            toml::Value::Integer(i) => Err(D::Error::custom(format!(
                "write the NPI as a quoted string: npi = \"{i}\""
            ))),
            other => Err(D::Error::custom(format!(
                "expected the NPI as a 10-digit string, found {}",
                other.type_str()
            ))),
        }
    }
}

/// A two-letter US state or territory code, upper case.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(transparent)]
pub struct StateCode(pub String);

impl<'de> Deserialize<'de> for StateCode {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        use serde::de::Error;
        let s = String::deserialize(d)?;
        if s.len() == 2 && s.bytes().all(|b| b.is_ascii_uppercase()) {
            Ok(StateCode(s))
        } else {
            Err(D::Error::custom(format!(
                "expected a two-letter state code in capitals such as \"CA\", found \"{s}\""
            )))
        }
    }
}

/// A letter kind this case cannot be written as.
#[derive(Debug, Clone, thiserror::Error)]
pub enum KindError {
    /// A provider's letter from a case whose sender is not the provider.
    #[error(
        "{file}: a {kind} letter is written and signed by the treating provider, but this case's sender writes as the {}\n  hint: set `[letter] voice = \"provider\"` and put the provider in `[sender]`, or choose another --kind",
        voice.id()
    )]
    NeedsProvider {
        /// The case file.
        file: String,
        /// The kind asked for.
        kind: LetterKind,
        /// The case's voice.
        voice: Voice,
    },
    /// A follow-up on an appeal the case does not say was filed.
    #[error(
        "{file}: a follow-up letter asks about an appeal already sent, but the case does not say when it was sent\n  hint: add `[appeal] filed = YYYY-MM-DD`, the day the appeal went to the plan"
    )]
    NeedsFiledAppeal {
        /// The case file.
        file: String,
    },
    /// A complaint or next-level request whose addressee depends on facts the case lacks.
    #[error("{file}: {} {kind} letter goes to {what}, but the case does not say {missing}\n  hint: {hint}", kind.article())]
    NeedsFact {
        /// Where in the case file (`file:line:col` of the field, or of its table).
        file: String,
        /// The kind asked for.
        kind: LetterKind,
        /// Who the letter would go to.
        what: &'static str,
        /// The fact that is missing, in words.
        missing: &'static str,
        /// The case field to add, and how.
        hint: String,
    },
    /// The plan's rules give no further level a letter can ask for.
    #[error("{file}: {reason}\n  hint: {hint}")]
    NoNextLevel {
        /// The case file.
        file: String,
        /// Why there is none, from the rules.
        reason: String,
        /// What the signer can do instead.
        hint: String,
    },
    /// A letter that answers a decision, from a case with no `[denial]`.
    #[error(
        "{file}: {} {kind} letter answers a decision, but the case has no [denial] table\n  hint: add [denial] with the notice's `date` and `reasons`, or choose --kind medical-necessity",
        kind.article()
    )]
    NeedsDenial {
        /// The case file.
        file: String,
        /// The kind asked for.
        kind: LetterKind,
    },
}

/// Every problem found in a case file, in file order, so a person fixing the file sees them all
/// at once.
pub type CaseError = Diagnostics;

/// How many problems one parse reports at most.
const MAX_PROBLEMS: usize = 20;

/// Makes a diagnostic at a key path (`["denial", "received"]`) of the file being checked.
type Locator<'a> = dyn Fn(&[&str], String, Option<String>) -> Diagnostic + 'a;

/// Why one reading of a case file failed.
enum Reading {
    /// TOML or serde stopped at this problem.
    Syntax(Diagnostic),
    /// The file was read; these checks across fields failed.
    Checks(Vec<Diagnostic>),
}

impl Case {
    /// Parses and validates a case file. `file` is the name errors use.
    ///
    /// When the file has several problems, the error lists them all in file order: after each
    /// one on a `key = value` line, that line is set aside and the file read again, until it
    /// reads or a problem cannot be set aside (a syntax error, a missing table, a value over
    /// several lines).
    pub fn parse(file: &str, text: &str) -> Result<Case, CaseError> {
        let mut found = match Case::parse_once(file, text) {
            Ok(case) => return Ok(case),
            // The file was read: the checks across fields found every problem there is.
            Err(Reading::Checks(problems)) => return Err(Diagnostics::in_file_order(problems)),
            Err(Reading::Syntax(first)) => vec![first],
        };
        let mut lines: Vec<String> = text.split('\n').map(str::to_string).collect();
        while found.len() < MAX_PROBLEMS {
            let last = &found[found.len() - 1];
            let Some(line) = lines.get_mut(last.location.line.wrapping_sub(1)) else {
                break;
            };
            let t = line.trim_start();
            let single_line = !t.contains("\"\"\"")
                && !t.contains("'''")
                && t.matches('[').count() == t.matches(']').count();
            if t.starts_with('[') || t.starts_with('#') || !t.contains('=') || !single_line {
                break;
            }
            *line = format!("# {line}");
            let new = match Case::parse_once(file, &lines.join("\n")) {
                Ok(_) => break,
                Err(Reading::Syntax(e)) => vec![e],
                Err(Reading::Checks(problems)) => problems,
            };
            let mut added = false;
            for e in new {
                // A required key now missing is most likely the one set aside, misspelt
                // (`reason` for `reasons`): not reported; nor is a problem already found.
                let made = e.message.starts_with("missing required field");
                // The same problem again, at the same place or moved to its table's header now
                // that the line is set aside, is not a new one.
                let at_header = lines
                    .get(e.location.line.wrapping_sub(1))
                    .is_some_and(|l| l.trim_start().starts_with('['));
                let seen = found
                    .iter()
                    .any(|f| f.message == e.message && (f.location == e.location || at_header));
                if !made && !seen {
                    found.push(e);
                    added = true;
                }
            }
            if !added {
                break;
            }
        }
        Err(Diagnostics::in_file_order(found))
    }

    /// One reading of the file: the case, or the first syntax problem, or every problem the
    /// checks across fields found.
    fn parse_once(file: &str, text: &str) -> Result<Case, Reading> {
        let mut case: Case = toml::from_str(text).map_err(|e| Reading::Syntax(toml_error(file, text, &e)))?;
        let problems = case.validate(file, text);
        if !problems.is_empty() {
            return Err(Reading::Checks(problems));
        }
        case.source = Source {
            file: file.to_string(),
            text: text.to_string(),
        };
        Ok(case)
    }

    /// The location of the value at `path` (e.g. `["arguments", "include", "0"]`) in the file
    /// this case was read from.
    pub fn locate(&self, path: &[&str]) -> Location {
        crate::diag::locate(&self.source.file, &self.source.text, path)
    }

    /// The voice, defaulting from the letter kind: provider for medical-necessity and
    /// peer-to-peer letters, patient otherwise.
    pub fn voice(&self) -> Voice {
        self.letter.voice.unwrap_or(match self.letter.kind {
            LetterKind::MedicalNecessity | LetterKind::PeerToPeerBrief => Voice::Provider,
            _ => Voice::Patient,
        })
    }

    /// The voice of a letter of `kind`: always the provider for medical-necessity and
    /// peer-to-peer letters, otherwise the case's voice ([`Case::voice`], which defaults from
    /// the case's own kind). Every document of a packet resolves its voice here, so a
    /// medical-necessity case's claim-file request is the provider's too.
    pub fn voice_for(&self, kind: LetterKind) -> Voice {
        match kind {
            LetterKind::MedicalNecessity | LetterKind::PeerToPeerBrief => Voice::Provider,
            _ => self.voice(),
        }
    }

    /// Whether this is a request before any decision: the case has no `[denial]`.
    pub fn is_request(&self) -> bool {
        self.denial.is_none()
    }

    /// The reasons the letter answers: the denial's, or, for a request before any decision,
    /// the questions a reviewer asks of one (medical necessity, and the network when the
    /// provider is out of network).
    pub fn reasons(&self) -> Vec<DenialReason> {
        match &self.denial {
            Some(d) => d.reasons.clone(),
            None => {
                let mut r = vec![DenialReason::NotMedicallyNecessary];
                if self.request.network == Some(Network::OutOfNetwork) {
                    r.push(DenialReason::OutOfNetwork);
                }
                r
            }
        }
    }

    /// When the care happens: the denial's `service_timing`, or pre-service for a request.
    pub fn service_timing(&self) -> Option<ServiceTiming> {
        match &self.denial {
            Some(d) => d.service_timing,
            None => Some(ServiceTiming::PreService),
        }
    }

    /// The kind of sarcoma: `diagnosis.sarcoma_type` when given, otherwise read from the
    /// condition and histology only when they name one kind unambiguously ("soft tissue
    /// sarcoma", "osteosarcoma", "Ewing", "gastrointestinal stromal tumor"). `None` when the
    /// diagnosis is not a sarcoma or its kind is unclear: then no kind's evidence is cited.
    pub fn sarcoma_type(&self) -> Option<SarcomaType> {
        if let Some(t) = self.diagnosis.sarcoma_type {
            return Some(t);
        }
        // Whole words only ("gist" is in "oncologist", "ewing" in "reviewing").
        let words: String = format!(
            " {} {} ",
            self.diagnosis.condition,
            self.diagnosis.histology.as_deref().unwrap_or_default()
        )
        .to_lowercase()
        .chars()
        .map(|c| if c.is_alphanumeric() { c } else { ' ' })
        .collect();
        let text = words.split_whitespace().collect::<Vec<_>>().join(" ");
        let text = format!(" {text} ");
        let has = |phrases: &[&str]| phrases.iter().any(|w| text.contains(&format!(" {w} ")));
        let found: Vec<SarcomaType> = [
            (
                SarcomaType::SoftTissue,
                has(&["soft tissue sarcoma", "soft tissue sarcomas"]),
            ),
            (
                SarcomaType::Bone,
                has(&[
                    "osteosarcoma",
                    "ewing",
                    "ewing s",
                    "chondrosarcoma",
                    "bone sarcoma",
                ]),
            ),
            (SarcomaType::Gist, has(&["gastrointestinal stromal", "gist"])),
        ]
        .into_iter()
        .filter_map(|(t, hit)| hit.then_some(t))
        .collect();
        match found.as_slice() {
            [one] => Some(*one),
            _ => None,
        }
    }

    /// Whether a letter of `kind` can be written from this case: a provider's letter needs a
    /// provider as sender; every letter but a medical-necessity letter or peer-to-peer brief
    /// answers a decision, so it needs `[denial]`; a follow-up needs `[appeal] filed`; a
    /// complaint needs to know the plan's regulation and, where a State oversees the plan, its
    /// State (as does a Medicaid State fair hearing request). What depends on the rules data as
    /// well (a grandfathered plan's missing external review, a State with several regulators) is
    /// checked by [`crate::escalation::can_write`], which calls this first.
    pub fn can_write(&self, kind: LetterKind) -> Result<(), KindError> {
        if self.voice_for(kind) == Voice::Provider && self.voice() != Voice::Provider {
            return Err(KindError::NeedsProvider {
                file: self.source.file.clone(),
                kind,
                voice: self.voice(),
            });
        }
        if self.is_request() && !matches!(kind, LetterKind::MedicalNecessity | LetterKind::PeerToPeerBrief) {
            return Err(KindError::NeedsDenial {
                file: self.source.file.clone(),
                kind,
            });
        }
        if kind == LetterKind::FollowUp && self.appeal.as_ref().and_then(|a| a.filed).is_none() {
            return Err(KindError::NeedsFiledAppeal {
                file: self.source.file.clone(),
            });
        }
        if kind == LetterKind::Complaint {
            let regulation = self.regulation();
            if regulation == Regulation::Unknown {
                return Err(KindError::NeedsFact {
                    file: self.locate(&["plan", "regulation"]).to_string(),
                    kind,
                    what: "the body that oversees the plan",
                    missing: "which law governs the plan",
                    hint: "set `[plan] regulation` (an employer plan is \"erisa\"; see docs/case-format.md)"
                        .into(),
                });
            }
            let by_state = matches!(
                regulation,
                Regulation::AcaIndividual | Regulation::StateRegulated | Regulation::MedicaidManagedCare
            );
            if by_state && self.plan.state.is_none() {
                return Err(KindError::NeedsFact {
                    file: self.locate(&["plan", "state"]).to_string(),
                    kind,
                    what: "the State agency that oversees the plan",
                    missing: "which State the plan is in",
                    hint: "set `[plan] state`, two capital letters such as \"OH\"".into(),
                });
            }
        }
        if kind == LetterKind::ExternalReview
            && matches!(self.regulation(), Regulation::MedicaidManagedCare)
            && self.plan.state.is_none()
        {
            return Err(KindError::NeedsFact {
                file: self.locate(&["plan", "state"]).to_string(),
                kind,
                what: "the State fair hearing office",
                missing: "which State the plan is in",
                hint: "set `[plan] state`, two capital letters such as \"OH\"".into(),
            });
        }
        Ok(())
    }

    /// The plan regulation: `plan.regulation`, else what `plan.type` implies where it is
    /// unambiguous (a Medicare Advantage, Medicaid or FEHB plan), else `unknown`.
    pub fn regulation(&self) -> Regulation {
        self.plan
            .regulation
            .or_else(|| self.inferred_regulation())
            .unwrap_or(Regulation::Unknown)
    }

    /// The regulation `plan.type` implies when `plan.regulation` is not given, if any.
    pub fn inferred_regulation(&self) -> Option<Regulation> {
        if self.plan.regulation.is_some() {
            return None;
        }
        match self.plan.plan_type? {
            PlanType::MedicareAdvantage => Some(Regulation::MedicareAdvantage),
            PlanType::Medicaid => Some(Regulation::MedicaidManagedCare),
            PlanType::Fehb => Some(Regulation::Fehb),
            _ => None,
        }
    }

    /// Checks that hold across fields: every problem, each with the location of the offending
    /// value.
    fn validate(&self, file: &str, text: &str) -> Vec<Diagnostic> {
        let at = |path: &[&str], message: String, hint: Option<String>| {
            Diagnostic::error(crate::diag::locate(file, text, path), message).with_hint(hint)
        };
        let mut problems = Vec::new();
        if self.schema != SCHEMA_VERSION {
            problems.push(at(
                &["schema"],
                format!(
                    "this is case format version {}, but appeal reads version {SCHEMA_VERSION}",
                    self.schema
                ),
                Some(format!(
                    "set `schema = {SCHEMA_VERSION}` and check the file against the README's case format"
                )),
            ));
        }
        if let Some(lang) = &self.letter.language
            && lang != "en"
        {
            problems.push(at(
                &["letter", "language"],
                format!("letters in language \"{lang}\" are not available yet"),
                Some("remove `language` or set it to \"en\"".into()),
            ));
        }
        if let Some(denial) = &self.denial {
            problems.extend(self.validate_decision(denial, &at));
        } else if !matches!(
            self.letter.kind,
            LetterKind::MedicalNecessity | LetterKind::PeerToPeerBrief
        ) {
            problems.push(at(
                    &["letter", "kind"],
                    format!(
                        "{} {} letter answers a decision, but the case has no [denial] table",
                        self.letter.kind.article(),
                        self.letter.kind
                    ),
                    Some("add [denial] with the notice's `date` and `reasons`; for a request before any decision, set `kind = \"medical-necessity\"`".into()),
                ));
        }
        problems.extend(self.validate_text(file, text));
        problems
    }

    /// The checks of a case that answers a decision.
    fn validate_decision(&self, denial: &Denial, at: &Locator<'_>) -> Vec<Diagnostic> {
        let mut problems = Vec::new();
        if self.letter.expedited && denial.service_timing == Some(ServiceTiming::PostService) {
            problems.push(at(
                &["letter", "expedited"],
                "expedited review is for care not yet received (pre-service) or still going on (concurrent); this denial is post-service".into(),
                Some("set `expedited = false`, or correct `denial.service_timing` if the care has not happened yet".into()),
            ));
        }
        if denial.reasons.is_empty() {
            problems.push(at(
                &["denial", "reasons"],
                "`denial.reasons` is empty; name at least one reason the insurer gave".into(),
                Some(format!("use one or more of: {}", DenialReason::IDS.join(", "))),
            ));
        }
        if self.voice() == Voice::Patient
            && matches!(
                self.letter.kind,
                LetterKind::MedicalNecessity | LetterKind::PeerToPeerBrief
            )
        {
            problems.push(at(
                &["letter", "voice"],
                format!(
                    "a {} letter is written by the treating provider, not the patient",
                    self.letter.kind
                ),
                Some(
                    "set `voice = \"provider\"`, or choose `kind = \"appeal\"` for a patient's letter".into(),
                ),
            ));
        }
        if let (Some(received), date) = (denial.received, denial.date)
            && received < date
        {
            problems.push(at(
                &["denial", "received"],
                format!("the notice was received ({received}) before it was dated ({date})"),
                Some("check `denial.date` and `denial.received`".into()),
            ));
        }
        problems
    }

    /// Free text is data; control characters would corrupt the letter and the PDF.
    fn validate_text(&self, file: &str, text: &str) -> Option<Diagnostic> {
        let at = |path: &[&str], message: String, hint: Option<String>| {
            Diagnostic::error(crate::diag::locate(file, text, path), message).with_hint(hint)
        };
        let value = serde_json::to_value(self).unwrap_or_default();
        let mut problem = None;
        find_control_chars(&value, &mut Vec::new(), &mut problem);
        let (path, c) = problem?;
        let keys: Vec<&str> = path.iter().map(String::as_str).collect();
        Some(at(
            &keys,
            format!(
                "`{}` contains the character U+{:04X}, which cannot appear in a letter",
                path.join("."),
                c as u32
            ),
            Some(if crate::escape::is_private_use(c) {
                "remove it: characters U+E000 to U+F8FF are private-use codes with no agreed meaning, and appeal uses them internally".into()
            } else {
                "remove it; use separate array entries or fields instead of line breaks and tabs".into()
            }),
        ))
    }
}

/// Fields that keep paragraphs ([`Prose`]).
const PROSE_FIELDS: &[&str] = &["denial.quote", "care.continuity", "statement.text"];

fn find_control_chars(
    value: &serde_json::Value,
    path: &mut Vec<String>,
    found: &mut Option<(Vec<String>, char)>,
) {
    if found.is_some() {
        return;
    }
    match value {
        serde_json::Value::String(s) => {
            // Prose fields keep paragraphs, separated by "\n\n"; no other line break survives.
            let prose = PROSE_FIELDS
                .iter()
                .any(|f| f.split('.').eq(path.iter().map(String::as_str)));
            if let Some(c) = s
                .chars()
                .find(|&c| (c.is_control() && !(prose && c == '\n')) || crate::escape::is_private_use(c))
            {
                *found = Some((path.clone(), c));
            }
        }
        serde_json::Value::Array(items) => {
            for (i, item) in items.iter().enumerate() {
                path.push(i.to_string());
                find_control_chars(item, path, found);
                path.pop();
            }
        }
        serde_json::Value::Object(map) => {
            for (k, v) in map {
                path.push(k.clone());
                find_control_chars(v, path, found);
                path.pop();
            }
        }
        _ => {}
    }
}

/// Turns a TOML/serde error into a located message with a fix.
fn toml_error(file: &str, text: &str, err: &toml::de::Error) -> Diagnostic {
    let offset = err.span().map_or(0, |s| s.start);
    let location = Location::at(file, text, offset);
    let raw = err.message().trim().to_string();
    let (message, hint) = explain_serde_message(&raw);
    // Whatever the message quotes from the file, it stays readable.
    let message = match message.char_indices().nth(4 * crate::diag::ECHO_LIMIT) {
        Some((cut, _)) => format!("{}…", &message[..cut]),
        None => message,
    };
    Diagnostic::error(location, message).with_hint(hint)
}

/// Adds "did you mean" hints to serde's unknown-field and unknown-variant messages.
fn explain_serde_message(raw: &str) -> (String, Option<String>) {
    for (prefix, what) in [("unknown field `", "key"), ("unknown variant `", "value")] {
        if let Some(rest) = raw.strip_prefix(prefix)
            && let Some((word, tail)) = rest.split_once('`')
        {
            let expected: Vec<&str> = tail.split('`').skip(1).step_by(2).collect();
            let message = format!("unknown {what} `{}`", crate::diag::shorten(word));
            let elsewhere: Vec<&str> = FIELDS
                .iter()
                .filter_map(|f| f.rsplit_once('.'))
                .filter(|(_, leaf)| *leaf == word)
                .map(|(table, _)| table)
                .collect();
            let close = did_you_mean(word, expected.iter().copied());
            if what == "key" && !elsewhere.is_empty() && !expected.contains(&word) {
                let tables: Vec<String> = elsewhere.iter().map(|t| format!("[{t}]")).collect();
                let tables = tables.join(" or ");
                // A key that is only a letter or two from one of this table's keys is more
                // likely a typo (`state` for `started`); say both.
                let hint = match close {
                    Some(best) if strsim::levenshtein(word, best) <= 2 => {
                        format!("did you mean `{best}`? (`{word}` is a key of the {tables} table)")
                    }
                    _ => format!("`{word}` belongs in the {tables} table; move it there"),
                };
                return (message, Some(hint));
            }
            if what == "value"
                && expected.contains(&Regulation::Erisa.id())
                && [
                    "employer",
                    "job",
                    "work",
                    "group",
                    "company",
                    "union",
                    "employer-plan",
                ]
                .contains(&word)
            {
                return (
                    message,
                    Some("a plan from a private employer or a union is `erisa` (a government or church employer's plan is not: use `state-regulated` or `unknown`); a plan you bought yourself is `aca-individual`".into()),
                );
            }
            let hint = match close {
                Some(best) => format!("did you mean `{best}`?"),
                None if expected.is_empty() => "remove it".to_string(),
                None => format!("expected one of: {}", expected.join(", ")),
            };
            return (message, Some(hint));
        }
    }
    if let Some(field) = raw
        .strip_prefix("missing field `")
        .and_then(|r| r.split('`').next())
    {
        const TABLES: &[&str] = &["sender", "recipient", "patient", "denial", "request", "diagnosis"];
        let hint = if TABLES.contains(&field) {
            format!("add a `[{field}]` table (`appeal example her2-out-of-network` prints a complete case)")
        } else {
            format!(
                "add `{field} = …` to this table (`appeal example her2-out-of-network` prints a complete case)"
            )
        };
        return (format!("missing required field `{field}`"), Some(hint));
    }
    if let Some(rest) = raw.strip_prefix("invalid type: ")
        && let Some((found, expected)) = rest.split_once(", expected ")
    {
        let want = match expected {
            "i64" | "u64" | "i32" => "a whole number, e.g. 1",
            "a sequence" => "an array, e.g. [\"first\", \"second\"]",
            "a boolean" => "true or false, without quotes",
            "a string" => "text in double quotes",
            other => other,
        };
        return (format!("expected {want}, found {found}"), None);
    }
    if raw.starts_with("invalid date") {
        return (
            raw.to_string(),
            Some("check the day and month; impossible dates are never rolled over".into()),
        );
    }
    if raw == "duplicate key" {
        return (
            "this key is defined twice".into(),
            Some("keep one definition; for a list of tables use [[double brackets]]".into()),
        );
    }
    (raw.to_string(), None)
}

#[cfg(test)]
mod tests {

    #[test]
    fn pasted_list_items_keep_their_lines_and_wrapped_lines_join() {
        let prose = Prose::new("Denied.\n• one\n- two\n  wrapped\n2) three\na) four\n\nNext 3.5 mg\nline");
        assert_eq!(
            prose.0,
            "Denied.\n• one\n- two wrapped\n2) three\na) four\n\nNext 3.5 mg line"
        );
        // A hyphen without a space after it, or a long number, is not a list item.
        assert_eq!(Prose::new("PD-L1\n-5 C\n2026. ok").0, "PD-L1 -5 C 2026. ok");
        // Single-line fields never keep a line.
        assert_eq!(Text::new("a\n• b").0, "a • b");
    }

    use super::*;

    pub(crate) const MINIMAL: &str = r#"
schema = 1
[sender]
name = "Ana Ruiz"
[recipient]
organization = "Acme Health"
[patient]
name = "Ana Ruiz"
[denial]
date = 2026-03-02
reasons = ["out-of-network"]
[request]
service = "Consultation"
[diagnosis]
condition = "Breast cancer"
"#;

    fn err(text: &str) -> String {
        Case::parse("case.toml", text).unwrap_err().to_string()
    }

    #[test]
    fn minimal_case_parses_with_defaults() {
        let case = Case::parse("case.toml", MINIMAL).unwrap();
        assert_eq!(case.letter.kind, LetterKind::Appeal);
        assert_eq!(case.voice(), Voice::Patient);
        assert_eq!(case.regulation(), Regulation::Unknown);
        assert_eq!(case.denial.as_ref().unwrap().date.long(), "March 2, 2026");
    }

    #[test]
    fn unknown_key_names_place_and_suggests() {
        let text = MINIMAL.replace("[patient]\nname", "[patient]\nnmae");
        let e = err(&text);
        assert!(e.starts_with("case.toml:8:1: unknown key `nmae`"), "{e}");
        assert!(e.contains("did you mean `name`?"), "{e}");
    }

    #[test]
    fn unknown_reason_suggests_the_taxonomy_id() {
        let e = err(&MINIMAL.replace("\"out-of-network\"", "\"out-of-netwrk\""));
        assert!(e.starts_with("case.toml:11:"), "{e}");
        assert!(e.contains("unknown value `out-of-netwrk`"), "{e}");
        assert!(e.contains("did you mean `out-of-network`?"), "{e}");
    }

    #[test]
    fn impossible_date_is_rejected_not_rolled_over() {
        let e = err(&MINIMAL.replace("2026-03-02", "2026-02-30"));
        // TOML itself or our check rejects it; either way with a location.
        assert!(e.starts_with("case.toml:10:"), "{e}");
    }

    #[test]
    fn quoted_date_gets_a_fix() {
        let e = err(&MINIMAL.replace("2026-03-02", "\"2026-03-02\""));
        assert!(e.contains("write the date without quotes"), "{e}");
    }

    #[test]
    fn npi_check_digit() {
        // 1234567893 is the CMS documentation example of a valid NPI.
        assert!(Npi::validate("1234567893").is_ok());
        let e = Npi::validate("1234567890").unwrap_err();
        assert!(e.contains("ends in 3"), "{e}");
        assert!(Npi::validate("12345").is_err());
    }

    #[test]
    fn expedited_post_service_is_explained() {
        let text = MINIMAL
            .replace("schema = 1", "schema = 1\n[letter]\nexpedited = true")
            .replace("reasons =", "service_timing = \"post-service\"\nreasons =");
        let e = err(&text);
        assert!(
            e.starts_with("case.toml:4:13: expedited review is for care not yet received"),
            "{e}"
        );
    }

    #[test]
    fn every_check_across_fields_is_reported_in_file_order() {
        let text = MINIMAL
            .replace(
                "schema = 1",
                "schema = 1\n[letter]\nexpedited = true\nlanguage = \"fr\"",
            )
            .replace(
                "reasons =",
                "received = 2026-03-01\nservice_timing = \"post-service\"\nreasons =",
            );
        let e = Case::parse("case.toml", &text).unwrap_err();
        let found: Vec<(usize, &str)> = e
            .iter()
            .map(|d| (d.location.line, d.message.split(' ').next().unwrap_or_default()))
            .collect();
        assert_eq!(found, [(4, "expedited"), (5, "letters"), (14, "the")], "{e}");
    }

    #[test]
    fn control_characters_are_rejected_with_their_place() {
        let text = MINIMAL.replace("service = \"Consultation\"", "service = \"Consult\\u0000ation\"");
        let e = err(&text);
        assert!(e.starts_with("case.toml:13:11: `request.service` contains the character U+0000, which cannot appear in a letter"), "{e}");
    }

    #[test]
    fn missing_required_field() {
        let e = err(&MINIMAL.replace("condition = \"Breast cancer\"", "stage = \"IV\""));
        assert!(e.contains("missing required field `condition`"), "{e}");
    }

    #[test]
    fn patient_voice_cannot_write_medical_necessity() {
        let text = MINIMAL.replace(
            "schema = 1",
            "schema = 1\n[letter]\nkind = \"medical-necessity\"\nvoice = \"patient\"",
        );
        assert!(err(&text).contains("written by the treating provider"));
    }
}
