//! The case form: every field of the case format, in the sections a person fills in, with the
//! kind of input each needs.
//!
//! The page is rendered from this table, and its script writes the case file from the inputs'
//! `data-path`, `data-type` and row attributes, so this table is the only place the form is
//! described. Each field's help text comes from the case format's JSON Schema (its
//! `description`s, [`crate::schema::description_in`]; see [`help`]); the short line here is used
//! where the schema has none.

use serde::Serialize;

/// How a field is entered and written to TOML.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Widget {
    /// One line of text (a TOML string).
    Text,
    /// Several lines; a blank line starts a new paragraph where the format keeps paragraphs.
    Prose,
    /// A date input (a TOML date).
    Date,
    /// Yes / No / not said (a TOML boolean, or left out).
    Bool,
    /// A whole number.
    Int,
    /// One of a list (a TOML string).
    Choice(&'static [&'static str]),
    /// Any of a list (a TOML array of strings).
    Choices(&'static [&'static str]),
    /// One entry per line (a TOML array of strings).
    Lines,
    /// One entry per line; one entry is written as a string, several as an array.
    OneOrMore,
}

impl Widget {
    /// The `data-type` the page's script reads.
    pub fn id(self) -> &'static str {
        match self {
            Widget::Text => "text",
            Widget::Prose => "prose",
            Widget::Date => "date",
            Widget::Bool => "bool",
            Widget::Int => "int",
            Widget::Choice(_) => "choice",
            Widget::Choices(_) => "choices",
            Widget::Lines => "lines",
            Widget::OneOrMore => "one-or-more",
        }
    }

    /// The values offered by a choice.
    pub fn options(self) -> &'static [&'static str] {
        match self {
            Widget::Choice(o) | Widget::Choices(o) => o,
            _ => &[],
        }
    }
}

/// One field of the case format.
#[derive(Debug, Clone, Copy)]
pub struct Field {
    /// Its key in its table (`date_of_birth`).
    pub key: &'static str,
    /// The label a person reads.
    pub label: &'static str,
    /// How it is entered.
    pub widget: Widget,
    /// Whether the case format requires it (when its table is present).
    pub required: bool,
    /// A short explanation, used where the schema gives none.
    pub help: &'static str,
}

/// A table of fields: `[patient]`, or rows of `[[treatments]]`.
#[derive(Debug, Clone, Copy)]
pub struct Group {
    /// The table's dotted path (`patient`, `care.prior_authorizations`).
    pub table: &'static str,
    /// Whether it is an array of tables (rows a person adds).
    pub rows: bool,
    /// A heading for rows (`Treatment`), or `""` for a plain table shown under its section.
    pub title: &'static str,
    /// Its fields.
    pub fields: &'static [Field],
}

/// A section of the form: a fieldset with a legend.
#[derive(Debug, Clone, Copy)]
pub struct Section {
    /// The HTML id.
    pub id: &'static str,
    /// The legend.
    pub title: &'static str,
    /// One sentence saying what the section is for.
    pub intro: &'static str,
    /// Whether most cases need it (the others start folded).
    pub common: bool,
    /// Its tables.
    pub groups: &'static [Group],
}

const fn f(key: &'static str, label: &'static str, widget: Widget, help: &'static str) -> Field {
    Field {
        key,
        label,
        widget,
        required: false,
        help,
    }
}

const fn req(key: &'static str, label: &'static str, widget: Widget, help: &'static str) -> Field {
    Field {
        key,
        label,
        widget,
        required: true,
        help,
    }
}

const fn table(table: &'static str, fields: &'static [Field]) -> Group {
    Group {
        table,
        rows: false,
        title: "",
        fields,
    }
}

const fn rows(table: &'static str, title: &'static str, fields: &'static [Field]) -> Group {
    Group {
        table,
        rows: true,
        title,
        fields,
    }
}

use Widget::*;

const KINDS: &[&str] = &[
    "appeal",
    "medical-necessity",
    "external-review",
    "claim-file-request",
    "peer-to-peer-brief",
    "follow-up",
];
const VOICES: &[&str] = &["patient", "provider", "representative"];
const SEXES: &[&str] = &["female", "male", "other"];
const PLAN_TYPES: &[&str] = &[
    "hmo",
    "ppo",
    "epo",
    "pos",
    "indemnity",
    "medicare-advantage",
    "medicaid",
    "fehb",
    "other",
];
const REGULATIONS: &[&str] = &[
    "erisa",
    "aca-individual",
    "medicare-advantage",
    "medicare-part-d",
    "medicaid-managed-care",
    "fehb",
    "state-regulated",
    "unknown",
];
const TIMINGS: &[&str] = &["pre-service", "post-service", "concurrent"];
const REASONS: &[&str] = &[
    "not-medically-necessary",
    "experimental-investigational",
    "out-of-network",
    "non-preferred-drug",
    "step-therapy",
    "no-prior-authorization",
    "not-covered-benefit",
    "administrative",
    "level-of-care",
];
const NETWORKS: &[&str] = &["in-network", "out-of-network", "unknown"];
const SARCOMAS: &[&str] = &["soft-tissue", "bone", "gist"];
const STATUSES: &[&str] = &["ongoing", "completed", "failed", "intolerant", "contraindicated"];
const CONTACTS: &[&str] = &["call", "fax", "mail", "portal", "email", "in-person"];
const MISSED: &[&str] = &["urgent", "plan-said-not-needed", "plan-error", "office-error"];
const ANSWERS: &[&str] = &[
    "network-attempts",
    "guidelines",
    "treatments",
    "diagnosis",
    "care",
];
const TECHNIQUES: &[&str] = &["imrt", "sbrt", "proton", "other"];
const MODALITIES: &[&str] = &["pet-ct", "mri", "ct", "other"];
const PURPOSES: &[&str] = &["staging", "response", "diagnosis", "surveillance"];
const TEST_KINDS: &[&str] = &["genomic-profiling", "companion-diagnostic", "other"];

/// The form, section by section, in the order a person fills it in.
pub const SECTIONS: &[Section] = &[
    Section {
        id: "who",
        title: "Who writes",
        intro: "The letter and the person who signs it.",
        common: true,
        groups: &[
            table(
                "letter",
                &[
                    f(
                        "kind",
                        "Kind of letter",
                        Choice(KINDS),
                        "What to write. An appeal answers a denial.",
                    ),
                    f(
                        "voice",
                        "Who signs",
                        Choice(VOICES),
                        "A patient writes \"I\", a provider \"my patient\", a representative names the patient.",
                    ),
                    f("date", "Letter date", Date, "Leave empty for today."),
                    f(
                        "expedited",
                        "Ask for expedited (urgent) review",
                        Bool,
                        "Only when waiting could seriously harm the patient's health; not for care already given.",
                    ),
                    f("language", "Language", Text, "en (the only language so far)."),
                ],
            ),
            table(
                "sender",
                &[
                    req("name", "Your full name", Text, "The person who signs."),
                    f(
                        "credentials",
                        "Credentials",
                        Text,
                        "For a provider, e.g. MD, FACP.",
                    ),
                    f(
                        "relationship",
                        "Relationship to the patient",
                        Text,
                        "For a representative: daughter, spouse, advocate, attorney.",
                    ),
                    f(
                        "npi",
                        "NPI",
                        Text,
                        "A provider's 10-digit National Provider Identifier.",
                    ),
                    f("organization", "Organization", Text, "Practice or organization."),
                    f(
                        "address",
                        "Address",
                        Lines,
                        "Each line of the address on its own line.",
                    ),
                    f("phone", "Phone", Text, ""),
                    f("fax", "Fax", Text, ""),
                    f("email", "Email", Text, ""),
                ],
            ),
        ],
    },
    Section {
        id: "recipient",
        title: "Where the letter goes",
        intro: "The plan's appeals address, as printed on the denial notice.",
        common: true,
        groups: &[table(
            "recipient",
            &[
                req(
                    "organization",
                    "Plan or review organization",
                    Text,
                    "The name on the denial notice.",
                ),
                f("department", "Department", Text, "e.g. Appeals and Grievances."),
                f("attention", "Attention", Text, "e.g. Medical Director."),
                f(
                    "address",
                    "Address",
                    Lines,
                    "Each line of the address on its own line.",
                ),
                f(
                    "fax",
                    "Fax",
                    Text,
                    "The appeals fax number, if the notice gives one.",
                ),
            ],
        )],
    },
    Section {
        id: "patient",
        title: "The patient",
        intro: "As on the insurance card.",
        common: true,
        groups: &[table(
            "patient",
            &[
                req("name", "Patient's name", Text, ""),
                f("date_of_birth", "Date of birth", Date, ""),
                f(
                    "sex",
                    "Sex",
                    Choice(SEXES),
                    "Sets the wording a provider or representative uses.",
                ),
                f(
                    "pronouns",
                    "Pronouns",
                    Text,
                    "she/her, he/him or they/them; overrides sex.",
                ),
                f("member_id", "Member ID", Text, "From the insurance card."),
                f("group_number", "Group number", Text, "From the insurance card."),
                f(
                    "height",
                    "Height",
                    Text,
                    "As written, when the request depends on it.",
                ),
                f(
                    "weight",
                    "Weight",
                    Text,
                    "As written, when the request depends on it.",
                ),
            ],
        )],
    },
    Section {
        id: "plan",
        title: "The plan",
        intro: "The insurance plan; its law sets the deadlines.",
        common: true,
        groups: &[table(
            "plan",
            &[
                f("name", "Plan name", Text, ""),
                f("type", "Plan type", Choice(PLAN_TYPES), ""),
                f(
                    "regulation",
                    "Law that governs the plan",
                    Choice(REGULATIONS),
                    "A plan from a private employer or a union is erisa. Sets the appeal rules and deadlines.",
                ),
                f("state", "State", Text, "Two capital letters, e.g. CA."),
                f(
                    "grandfathered",
                    "Grandfathered under the ACA",
                    Bool,
                    "Leave unsaid if you do not know; the plan's benefit materials must say if it is.",
                ),
            ],
        )],
    },
    Section {
        id: "denial",
        title: "The denial",
        intro: "The insurer's decision, from the notice. Leave it empty for a request before any decision.",
        common: true,
        groups: &[table(
            "denial",
            &[
                req("date", "Date on the notice", Date, ""),
                f(
                    "received",
                    "Date you received it",
                    Date,
                    "Some deadlines count from receipt.",
                ),
                f("reference", "Claim or authorization number", Text, ""),
                f(
                    "service_timing",
                    "When the care is",
                    Choice(TIMINGS),
                    "Before the care (pre-service), after it (post-service), or during it (concurrent).",
                ),
                req(
                    "reasons",
                    "Reasons given",
                    Choices(REASONS),
                    "One or more reasons the notice gives.",
                ),
                f(
                    "quote",
                    "The insurer's words",
                    Prose,
                    "Copied word for word from the notice; printed as a quote.",
                ),
                f("criteria", "Policy or criteria cited", Text, ""),
                f(
                    "deadline_on_notice",
                    "Appeal deadline printed on the notice",
                    Date,
                    "The earlier of this and the rule's date is shown.",
                ),
            ],
        )],
    },
    Section {
        id: "request",
        title: "The request",
        intro: "What you are asking the plan to cover.",
        common: true,
        groups: &[
            table(
                "request",
                &[
                    req("service", "The care requested", Text, "In plain words."),
                    f("codes", "CPT/HCPCS codes", OneOrMore, "One per line."),
                    f("provider", "Who provides it", Text, ""),
                    f("network", "Network status", Choice(NETWORKS), ""),
                    f(
                        "dates",
                        "When",
                        OneOrMore,
                        "Dates or words, one per line (e.g. every 12 weeks).",
                    ),
                    f(
                        "setting",
                        "Setting",
                        Text,
                        "e.g. outpatient clinic, infusion center.",
                    ),
                    f("line_of_therapy", "Line of therapy", Text, "e.g. first line."),
                    f(
                        "administered_by",
                        "Given or dispensed by",
                        Text,
                        "When not the provider above, e.g. a specialty pharmacy.",
                    ),
                ],
            ),
            rows(
                "request.regimen",
                "Drug in the regimen",
                &[
                    req("drug", "Drug", Text, ""),
                    f("dose", "Dose", Text, "As written."),
                    f("cycle", "Cycle", Text, "e.g. every 21 days."),
                    f("cycles", "Number of cycles", Int, ""),
                ],
            ),
        ],
    },
    Section {
        id: "diagnosis",
        title: "The diagnosis",
        intro: "The condition being treated.",
        common: true,
        groups: &[table(
            "diagnosis",
            &[
                req("condition", "Condition", Text, "In plain words."),
                f("icd10", "ICD-10 code", OneOrMore, "One per line."),
                f("stage", "Stage", OneOrMore, ""),
                f("histology", "Histology", Text, ""),
                f(
                    "biomarkers",
                    "Biomarkers",
                    OneOrMore,
                    "e.g. HER2 IHC 3+; one per line.",
                ),
                f(
                    "performance_status",
                    "Performance status",
                    Text,
                    "ECOG or Karnofsky.",
                ),
                f("diagnosed", "Date of diagnosis", Date, ""),
                f("metastatic", "Metastatic", Bool, ""),
                f("rare", "A rare cancer", Bool, "e.g. a sarcoma."),
                f(
                    "sarcoma_type",
                    "Kind of sarcoma",
                    Choice(SARCOMAS),
                    "Evidence about one kind is never cited for another.",
                ),
            ],
        )],
    },
    Section {
        id: "treatments",
        title: "Treatments so far",
        intro: "One row per drug, regimen or procedure.",
        common: true,
        groups: &[rows(
            "treatments",
            "Treatment",
            &[
                f("name", "Name", Text, "Drug, regimen or procedure."),
                f("started", "Started", Date, ""),
                f("ended", "Ended", Date, ""),
                f("status", "Status", Choice(STATUSES), ""),
                f("outcome", "Outcome", Text, ""),
            ],
        )],
    },
    Section {
        id: "care",
        title: "The care relationship",
        intro: "Who treats the patient and since when.",
        common: true,
        groups: &[
            table(
                "care",
                &[
                    f("provider", "Treating provider or center", Text, ""),
                    f("since", "Under their care since", Date, ""),
                    f("continuity", "Why continuity matters", Prose, "In your words."),
                ],
            ),
            rows(
                "care.prior_authorizations",
                "Authorization the plan already granted",
                &[
                    f("id", "Authorization number", Text, ""),
                    f("date", "Date", Date, ""),
                    f("service", "For", Text, ""),
                ],
            ),
        ],
    },
    Section {
        id: "network",
        title: "In-network options tried",
        intro: "Each in-network provider you tried and what they said.",
        common: true,
        groups: &[rows(
            "network_attempts",
            "Attempt",
            &[
                f("provider", "Provider", Text, ""),
                f("date", "Date", Date, ""),
                f("outcome", "What they said", Text, ""),
                f(
                    "could_provide",
                    "Could they provide the care?",
                    Bool,
                    "No when they could not.",
                ),
            ],
        )],
    },
    Section {
        id: "guidelines",
        title: "Guidelines",
        intro: "Published guidelines (NCCN, ASCO, ESMO) that bear on the request.",
        common: true,
        groups: &[rows(
            "guidelines",
            "Guideline",
            &[
                f("body", "Body", Text, "NCCN, ASCO, ESMO, …"),
                f("title", "Title", Text, ""),
                f("version", "Version", Text, ""),
                f("section", "Section", Text, ""),
                f("recommendation", "Recommendation", Text, "Word for word."),
                f("category", "Category", Text, "e.g. 2A, strong."),
                f(
                    "supports_request",
                    "Does it recommend the requested care?",
                    Bool,
                    "Only then is it said to recommend it.",
                ),
            ],
        )],
    },
    Section {
        id: "enclosures",
        title: "Enclosures",
        intro: "What you send with the letter; listed, numbered, at its end.",
        common: true,
        groups: &[rows(
            "enclosures",
            "Enclosure",
            &[req("title", "Document", Text, ""), f("date", "Date", Date, "")],
        )],
    },
    Section {
        id: "statement",
        title: "In your own words",
        intro: "Printed as you write it, under its own heading.",
        common: true,
        groups: &[table(
            "statement",
            &[req(
                "text",
                "Your statement",
                Prose,
                "Why the denial is wrong, what was said on a call. A blank line starts a new paragraph.",
            )],
        )],
    },
    Section {
        id: "history",
        title: "The appeal so far",
        intro: "For a follow-up or an external review: when the appeal was sent and decided, and contacts with the plan.",
        common: false,
        groups: &[
            table(
                "appeal",
                &[
                    f("filed", "Appeal sent on", Date, ""),
                    f("decision", "Final decision dated", Date, ""),
                    f("level", "Level decided", Int, ""),
                ],
            ),
            rows(
                "log",
                "Contact with the plan",
                &[
                    req("date", "Date", Date, ""),
                    f("kind", "How", Choice(CONTACTS), ""),
                    f("with", "With whom", Text, ""),
                    f("reference", "Reference number", Text, ""),
                    f("note", "What was said or sent", Text, ""),
                ],
            ),
        ],
    },
    Section {
        id: "correction",
        title: "An administrative error",
        intro: "For a denial with the reason administrative: what was wrong and the correction.",
        common: false,
        groups: &[table(
            "correction",
            &[
                f("what", "What was wrong", Text, ""),
                f("corrected", "The corrected information", Text, ""),
                f(
                    "documents",
                    "Corrected documents sent",
                    Lines,
                    "One per line; list them under Enclosures too.",
                ),
            ],
        )],
    },
    Section {
        id: "authorization",
        title: "Prior authorization",
        intro: "For a denial with the reason no-prior-authorization: why it was not obtained first.",
        common: false,
        groups: &[
            table(
                "authorization",
                &[
                    f("reason", "Why", Choice(MISSED), ""),
                    f("explanation", "The circumstances", Text, "In your words."),
                    f("requested", "Requested after the fact on", Date, ""),
                    f("referral", "HMO referral", Text, "As written on it."),
                ],
            ),
            rows(
                "authorization.calls",
                "Call to the plan",
                &[
                    f("date", "Date", Date, ""),
                    f("reference", "Call reference number", Text, ""),
                    f("spoke_with", "Spoke with", Text, ""),
                    f("said", "What the plan said", Text, "As logged."),
                ],
            ),
        ],
    },
    Section {
        id: "plan-terms",
        title: "The plan's own words",
        intro: "Clauses of the plan's documents, word for word, that the letter answers.",
        common: false,
        groups: &[rows(
            "plan_terms",
            "Clause",
            &[
                f(
                    "source",
                    "Where it is",
                    Text,
                    "e.g. Certificate of Coverage §4.2.",
                ),
                req("text", "The clause", Prose, "Word for word."),
                f(
                    "answered_by",
                    "Answered by",
                    Choices(ANSWERS),
                    "The case facts that answer it.",
                ),
            ],
        )],
    },
    Section {
        id: "trial",
        title: "Clinical trial",
        intro: "For routine costs of care in an approved clinical trial.",
        common: false,
        groups: &[table(
            "clinical_trial",
            &[
                f("name", "Trial title", Text, ""),
                f("nct", "NCT number", Text, "e.g. NCT01234567."),
                f("phase", "Phase", Text, "I, II, III or IV."),
                f("approved_by", "Approved or funded by", Text, ""),
                f(
                    "investigational",
                    "Investigational item",
                    Text,
                    "Which the request does not include.",
                ),
                f(
                    "routine_care",
                    "Routine care the plan would cover outside a trial",
                    Bool,
                    "",
                ),
            ],
        )],
    },
    Section {
        id: "compendia",
        title: "Compendium listings",
        intro: "For an off-label drug use (Medicare Advantage and Part D).",
        common: false,
        groups: &[rows(
            "compendia",
            "Listing",
            &[
                f("name", "Compendium", Text, ""),
                f("drug", "Drug", Text, ""),
                f("indication", "Use it supports", Text, "In its words."),
                f("rating", "Rating", Text, ""),
                f("version", "Version", Text, ""),
                f(
                    "anticancer_regimen",
                    "In an anti-cancer chemotherapeutic regimen",
                    Bool,
                    "",
                ),
            ],
        )],
    },
    Section {
        id: "clinical",
        title: "Radiation, imaging, biomarker testing",
        intro: "The service, for the clinical arguments.",
        common: false,
        groups: &[
            table(
                "radiation",
                &[
                    f("technique", "Radiation technique", Choice(TECHNIQUES), ""),
                    f("alternative", "What the plan proposed instead", Text, ""),
                    f("rationale", "Why this technique", Text, "Quoted."),
                    f(
                        "oligometastatic",
                        "Oligometastatic",
                        Bool,
                        "Controlled primary and no more than five metastases.",
                    ),
                    f("facility", "Facility", Text, ""),
                    f("total_dose", "Total dose", Text, "e.g. 70 Gy."),
                    f("fractions", "Fractions", Int, ""),
                    f("goal", "Goal", Text, "curative or palliative."),
                    f("plan_comparison", "Plan comparison enclosed", Bool, ""),
                ],
            ),
            table(
                "imaging",
                &[
                    f("modality", "Imaging study", Choice(MODALITIES), ""),
                    f("purpose", "Purpose", Choice(PURPOSES), ""),
                    f("rationale", "Why it is needed now", Text, "Quoted."),
                ],
            ),
            table(
                "biomarker_test",
                &[
                    f("test", "Biomarker test", Text, ""),
                    f("kind", "Kind of test", Choice(TEST_KINDS), ""),
                    f("drug", "Drug it selects for", Text, ""),
                    f("rationale", "Why it is needed", Text, "Quoted."),
                ],
            ),
        ],
    },
    Section {
        id: "arguments",
        title: "Choose arguments yourself",
        intro: "Rarely needed: argument ids to add or leave out (the preview's argument list shows them).",
        common: false,
        groups: &[table(
            "arguments",
            &[
                f("include", "Include", Lines, "One argument id per line."),
                f("exclude", "Leave out", Lines, "One argument id per line."),
            ],
        )],
    },
];

/// Help text for a field: the schema's description of `path`, else `fallback`. A description
/// of three words or fewer ("Start date.") only repeats the label, so the form's own line is
/// shown instead (none when it has none). Markdown code marks are dropped: the page shows the
/// text as it is.
pub fn help(descriptions: &dyn Fn(&str) -> Option<String>, path: &str, fallback: &str) -> String {
    match descriptions(path) {
        Some(d) if d.split_whitespace().count() > 3 => d.replace('`', ""),
        _ => fallback.to_string(),
    }
}

/// A choice's label: the value in words (`not-medically-necessary` → `Not medically necessary`),
/// with abbreviations in capitals.
pub fn choice_label(value: &str) -> String {
    const CAPITALS: &[&str] = &[
        "hmo", "ppo", "epo", "pos", "fehb", "erisa", "aca", "imrt", "sbrt", "mri", "ct", "pet", "gist",
    ];
    let words: Vec<String> = value
        .split('-')
        .enumerate()
        .map(|(i, w)| {
            if CAPITALS.contains(&w) {
                w.to_uppercase()
            } else if i == 0 {
                let mut c = w.chars();
                c.next()
                    .map(|first| first.to_uppercase().chain(c).collect())
                    .unwrap_or_default()
            } else {
                w.to_string()
            }
        })
        .collect();
    words.join(" ").replace("PET CT", "PET-CT")
}

/// A field as the page template shows it.
#[derive(Debug, Clone, Serialize)]
pub struct FieldView {
    /// Dotted path (`patient.name`); for a row field, the key alone.
    pub path: String,
    /// The HTML id (`patient-name`; a row's `treatments-__N__-name`, numbered by the script).
    pub id: String,
    /// The key in its table.
    pub key: &'static str,
    /// The label.
    pub label: &'static str,
    /// `data-type`.
    pub widget: &'static str,
    /// Whether it is required.
    pub required: bool,
    /// Help text.
    pub help: String,
    /// `(value, label)` pairs for choices.
    pub options: Vec<(String, String)>,
}

/// A group as the page template shows it.
#[derive(Debug, Clone, Serialize)]
pub struct GroupView {
    /// The table's dotted path.
    pub table: &'static str,
    /// Whether it holds rows.
    pub rows: bool,
    /// The heading of a row.
    pub title: &'static str,
    /// Its fields.
    pub fields: Vec<FieldView>,
}

/// A section as the page template shows it.
#[derive(Debug, Clone, Serialize)]
pub struct SectionView {
    /// HTML id.
    pub id: &'static str,
    /// Legend.
    pub title: &'static str,
    /// Intro sentence.
    pub intro: &'static str,
    /// Whether it starts unfolded.
    pub common: bool,
    /// Its groups.
    pub groups: Vec<GroupView>,
}

/// The form for the page template, with help text from `descriptions` (dotted path → the
/// schema's description).
pub fn view(descriptions: &dyn Fn(&str) -> Option<String>) -> Vec<SectionView> {
    SECTIONS
        .iter()
        .map(|s| SectionView {
            id: s.id,
            title: s.title,
            intro: s.intro,
            common: s.common,
            groups: s
                .groups
                .iter()
                .map(|g| GroupView {
                    table: g.table,
                    rows: g.rows,
                    title: g.title,
                    fields: g
                        .fields
                        .iter()
                        .map(|fld| {
                            let path = format!("{}.{}", g.table, fld.key);
                            let id = if g.rows {
                                format!("{}-__N__-{}", g.table.replace('.', "-"), fld.key)
                            } else {
                                path.replace('.', "-")
                            };
                            FieldView {
                                id,
                                help: help(descriptions, &path, fld.help),
                                path: if g.rows { fld.key.to_string() } else { path },
                                key: fld.key,
                                label: fld.label,
                                widget: fld.widget.id(),
                                required: fld.required,
                                options: fld
                                    .widget
                                    .options()
                                    .iter()
                                    .map(|o| (o.to_string(), choice_label(o)))
                                    .collect(),
                            }
                        })
                        .collect(),
                })
                .collect(),
        })
        .collect()
}

/// Every dotted path the form writes (`patient.name`, `treatments.name`), for telling a person
/// which parts of an opened file the form cannot show.
pub fn paths() -> Vec<String> {
    SECTIONS
        .iter()
        .flat_map(|s| s.groups)
        .flat_map(|g| g.fields.iter().map(move |fld| format!("{}.{}", g.table, fld.key)))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A minimal case with one extra `key = value` line in `table`.
    fn case_with(table: &str, line: &str) -> String {
        let mut text = String::from(
            "schema = 1\n[sender]\nname = \"A\"\n[recipient]\norganization = \"P\"\n[patient]\nname = \"B\"\n\
             [denial]\ndate = 2026-11-02\nreasons = [\"out-of-network\"]\n[request]\nservice = \"S\"\n\
             [diagnosis]\ncondition = \"C\"\n",
        );
        if let Some(at) = text.find(&format!("[{table}]\n")) {
            let end = at + table.len() + 3;
            text.insert_str(end, &format!("{line}\n"));
        } else {
            text.push_str(&format!("[{table}]\n{line}\n"));
        }
        text
    }

    #[test]
    fn every_choice_the_form_offers_is_read_by_the_case_parser() {
        for section in SECTIONS {
            for group in section.groups.iter().filter(|g| !g.rows) {
                for field in group.fields {
                    for value in field.widget.options() {
                        let line = match field.widget {
                            Choices(_) => format!("{} = [\"{value}\"]", field.key),
                            _ => format!("{} = \"{value}\"", field.key),
                        };
                        let text = case_with(group.table, &line);
                        let parsed = crate::case::Case::parse("form.toml", &text);
                        // A choice may be refused by a cross-field check, never as unknown.
                        if let Err(e) = parsed {
                            assert!(
                                !e.to_string().contains("unknown") && !e.to_string().contains("expected"),
                                "{}.{} = {value}: {e}",
                                group.table,
                                field.key
                            );
                        }
                    }
                }
            }
        }
    }

    /// A value of the right type for a field.
    fn sample(field: &Field) -> String {
        match field.widget {
            Text | Prose | OneOrMore => "\"x\"".into(),
            Date => "2026-01-01".into(),
            Bool => "true".into(),
            Int => "1".into(),
            Choice(o) => format!("\"{}\"", o[0]),
            Choices(o) => format!("[\"{}\"]", o[0]),
            Lines => "[\"x\"]".into(),
        }
    }

    #[test]
    fn every_field_of_the_form_is_a_field_of_the_case_format() {
        for section in SECTIONS {
            for group in section.groups {
                for field in group.fields {
                    let line = format!("{} = {}", field.key, sample(field));
                    let text = if group.rows {
                        let mut row = vec![line.clone()];
                        row.extend(
                            group
                                .fields
                                .iter()
                                .filter(|f| f.required && f.key != field.key)
                                .map(|f| format!("{} = {}", f.key, sample(f))),
                        );
                        format!(
                            "{}[[{}]]\n{}\n",
                            case_with("diagnosis", ""),
                            group.table,
                            row.join("\n")
                        )
                    } else {
                        case_with(group.table, &line)
                    };
                    if let Err(e) = crate::case::Case::parse("form.toml", &text) {
                        let e = e.to_string();
                        assert!(
                            !e.contains("unknown") && !e.contains("belongs in"),
                            "{}.{}: {e}\n{text}",
                            group.table,
                            field.key
                        );
                    }
                }
            }
        }
    }

    #[test]
    fn help_comes_from_the_schema_descriptions() {
        let schema = crate::schema::case();
        let page = view(&|path| crate::schema::description_in(&schema, path));
        let field = |section: &str, key: &str| {
            let s = page.iter().find(|s| s.id == section).unwrap();
            s.groups
                .iter()
                .flat_map(|g| &g.fields)
                .find(|f| f.key == key)
                .unwrap()
                .clone()
        };
        let expected = crate::schema::description_in(&schema, "denial.deadline_on_notice").unwrap();
        assert!(expected.split_whitespace().count() > 3);
        assert_eq!(
            field("denial", "deadline_on_notice").help,
            expected.replace('`', "")
        );
        let expected = crate::schema::description_in(&schema, "network_attempts.could_provide").unwrap();
        assert_eq!(field("network", "could_provide").help, expected.replace('`', ""));
        // A description that only repeats the label gives way to the form's own line.
        let short = crate::schema::description_in(&schema, "sender.name").unwrap();
        assert!(short.split_whitespace().count() <= 3, "{short}");
        assert_eq!(field("who", "name").help, "The person who signs.");
    }

    #[test]
    fn choices_read_as_words() {
        assert_eq!(choice_label("not-medically-necessary"), "Not medically necessary");
        assert_eq!(choice_label("hmo"), "HMO");
        assert_eq!(choice_label("pet-ct"), "PET-CT");
    }
}
