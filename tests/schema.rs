//! `appeal schema`: the JSON Schema of the case format, checked with an independent validator
//! (the `jsonschema` crate) against every example and test case, and against bad cases.
//!
//! A TOML file reaches the validator as an editor with taplo sends it: TOML dates become text
//! (`2026-03-02` → `"2026-03-02"`).

mod common;

use std::path::Path;

use common::{TestEnv, files_in, repo_file, root};
use serde_json::Value;

/// The validator, with `format` checked (draft 2020-12 only annotates it by default).
fn validator() -> jsonschema::Validator {
    jsonschema::draft202012::options()
        .should_validate_formats(true)
        .build(&appeal::schema::case())
        .expect("the schema compiles")
}

/// TOML as the JSON a schema validator sees: dates as text.
fn to_json(value: toml::Value) -> Value {
    match value {
        toml::Value::String(s) => Value::String(s),
        toml::Value::Integer(i) => Value::from(i),
        toml::Value::Float(f) => Value::from(f),
        toml::Value::Boolean(b) => Value::Bool(b),
        toml::Value::Datetime(d) => Value::String(d.to_string()),
        toml::Value::Array(items) => Value::Array(items.into_iter().map(to_json).collect()),
        toml::Value::Table(table) => Value::Object(table.into_iter().map(|(k, v)| (k, to_json(v))).collect()),
    }
}

/// The schema's complaints about a TOML text, one line each (empty when it is valid).
fn schema_errors(validator: &jsonschema::Validator, text: &str) -> Vec<String> {
    let value: toml::Value = toml::from_str(text).expect("the file is TOML");
    let json = to_json(value);
    validator
        .iter_errors(&json)
        .map(|e| format!("{}: {e}", e.instance_path()))
        .collect()
}

/// Every `*.toml` file in a repository folder, as (path, text).
fn cases_in(dir: &str) -> Vec<(String, String)> {
    files_in(&root().join(dir))
        .into_iter()
        .filter(|f| f.ends_with(".toml"))
        .map(|f| {
            let path = format!("{dir}/{f}");
            let text = repo_file(&path);
            (path, text)
        })
        .collect()
}

#[test]
fn the_shipped_schema_is_the_generated_one() {
    let shipped = repo_file(appeal::schema::FILE);
    assert!(
        shipped == appeal::schema::text(),
        "{} differs from the schema the case types generate; regenerate it with\n  cargo run -- schema > {}",
        appeal::schema::FILE,
        appeal::schema::FILE
    );
}

#[test]
fn appeal_schema_prints_it() {
    let out = TestEnv::new().run(["schema"]).success().stdout().to_string();
    assert_eq!(out, repo_file(appeal::schema::FILE));
    let schema: Value = serde_json::from_str(&out).expect("JSON");
    assert_eq!(schema["$schema"], "https://json-schema.org/draft/2020-12/schema");
    jsonschema::draft202012::meta::validate(&schema).expect("a valid draft 2020-12 schema");
}

#[test]
fn every_example_and_test_case_is_valid() {
    let validator = validator();
    let mut checked = 0;
    for dir in ["examples", "examples/init", "tests/cases", "tests/cases/blocks"] {
        for (path, text) in cases_in(dir) {
            appeal::case::Case::parse(&path, &text)
                .unwrap_or_else(|e| panic!("{path} does not parse as a case: {e}"));
            let errors = schema_errors(&validator, &text);
            assert!(errors.is_empty(), "{path}:\n{}", errors.join("\n"));
            checked += 1;
        }
    }
    assert!(checked >= 20, "only {checked} cases found");
}

/// Bad cases (`tests/bad/*.toml`) whose mistake only `appeal` can see: a check digit, control
/// characters, checks across fields, block ids from the catalogue, a quoted date (the schema
/// sees every date as text).
const PARSER_ONLY: &[&str] = &[
    "control-character-nul.toml",
    "date-as-string.toml",
    "expedited-post-service.toml",
    "npi-check-digit.toml",
    "patient-writes-medical-necessity.toml",
    "private-use-marker.toml",
    "received-before-date.toml",
    "unknown-block-exclude.toml",
    "unknown-block-include.toml",
];

#[test]
fn bad_cases_are_rejected_by_the_schema_too() {
    let validator = validator();
    let mut rejected = Vec::new();
    let mut accepted = Vec::new();
    for (path, text) in cases_in("tests/bad") {
        if toml::from_str::<toml::Value>(&text).is_err() {
            continue; // not TOML at all: an editor's TOML parser reports it
        }
        let name = Path::new(&path)
            .file_name()
            .unwrap()
            .to_string_lossy()
            .to_string();
        if schema_errors(&validator, &text).is_empty() {
            accepted.push(name);
        } else {
            rejected.push(name);
        }
    }
    assert_eq!(
        accepted, PARSER_ONLY,
        "bad cases the schema accepts; a new one belongs in PARSER_ONLY only if the schema cannot express its rule"
    );
    assert!(rejected.len() >= 30, "only {} rejected", rejected.len());
}

#[test]
fn the_schema_names_what_is_wrong() {
    let validator = validator();
    let base = repo_file("examples/her2-out-of-network.toml");
    let errors = schema_errors(
        &validator,
        &base.replace("[patient]\n", "[patient]\nnmae = \"x\"\n"),
    );
    assert!(
        errors
            .iter()
            .any(|e| e.starts_with("/patient:") && e.contains("nmae")),
        "{errors:?}"
    );
    // Past the last year deadlines are counted in.
    let errors = schema_errors(&validator, &base.replace("date = 2026-", "date = 3026-"));
    assert!(errors.iter().any(|e| e.contains("/denial/date")), "{errors:?}");
}

#[test]
fn choices_in_any_letter_case_are_valid_as_the_parser_reads_them() {
    let validator = validator();
    let base = repo_file("examples/ppo-second-opinion.toml");
    for (from, to, valid) in [
        ("type = \"ppo\"", "type = \"PPO\"", true),
        ("type = \"ppo\"", "type = \" Ppo \"", true),
        ("type = \"ppo\"", "type = \"ppp\"", false),
        (
            "service_timing = \"pre-service\"",
            "service_timing = \"Pre service\"",
            true,
        ),
        (
            "service_timing = \"pre-service\"",
            "service_timing = \"PRE_SERVICE\"",
            true,
        ),
        (
            "service_timing = \"pre-service\"",
            "service_timing = \"preservice\"",
            false,
        ),
    ] {
        assert!(base.contains(from), "the example has {from}");
        let text = base.replace(from, to);
        let parses = appeal::case::Case::parse("case.toml", &text).is_ok();
        let errors = schema_errors(&validator, &text);
        assert_eq!(parses, valid, "{to}: the parser");
        assert_eq!(errors.is_empty(), valid, "{to}: the schema: {errors:?}");
    }
}

#[test]
fn field_descriptions_for_help_text() {
    assert_eq!(
        appeal::schema::description("request.line_of_therapy").as_deref(),
        Some("Line of treatment (\"first line\", \"third line after two HER2-directed regimens\").")
    );
    let timing = appeal::schema::description("denial.service_timing").unwrap();
    assert_eq!(timing, "When the service happens relative to the decision.");
    // Doc comments wrapped over lines read as one line.
    let npi = appeal::schema::description("sender.npi").unwrap();
    assert!(!npi.contains('\n') && npi.contains("check digit"), "{npi}");
}
