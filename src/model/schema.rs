//! The JSON Schema (draft 2020-12) of the case format, generated from the types in
//! [`crate::case`] with `schemars`.
//!
//! Descriptions come from the fields' doc comments, choices from the serde names. The types the
//! case parser reads by hand ([`Text`], [`Prose`], [`TextList`], [`DateList`], [`CaseDate`],
//! [`StateCode`], an NPI, and choices in any letter case) describe here what the parser accepts,
//! as an editor checking TOML against the schema sees it: TOML dates arrive as text
//! (`"2026-03-02"`), which is why a date's type is a string. A few rules stay the parser's alone
//! (an NPI's check digit, impossible dates, checks across fields); `appeal check` reports them.
//!
//! `appeal schema` prints [`text`]; the repository ships it as [`FILE`].

use std::borrow::Cow;

use schemars::generate::SchemaSettings;
use schemars::{JsonSchema, Schema, SchemaGenerator, json_schema};
use serde_json::Value;

use crate::case::{AnyCase, Case, CaseDate, DateList, Prose, StateCode, Text, TextList};

/// Where the repository keeps the generated schema (`appeal schema > schema/case-1.schema.json`).
pub const FILE: &str = "schema/case-1.schema.json";

/// The schema of a case file, as a JSON value.
pub fn case() -> Value {
    let mut schema = SchemaSettings::draft2020_12()
        .into_generator()
        .into_root_schema_for::<Case>();
    schema.insert("title".into(), "appeal case file (format 1)".into());
    schema.insert(
        "description".into(),
        concat!(
            "The facts of one health-insurance appeal or request, as `appeal` reads them from a ",
            "TOML case file. Choices are case-insensitive and may use spaces or underscores for ",
            "hyphens (`\"PPO\"`, `\"Pre service\"`); dates are TOML dates without quotes."
        )
        .into(),
    );
    let mut value = schema.to_value();
    tidy(&mut value);
    value
}

/// The schema as `appeal schema` prints it and [`FILE`] holds it: pretty JSON and a newline.
pub fn text() -> String {
    let mut text = serde_json::to_string_pretty(&case()).unwrap_or_default();
    text.push('\n');
    text
}

/// The description of the field at a dotted path (`"denial.service_timing"`,
/// `"treatments.status"`), for help text beside a form field. Arrays of tables are passed
/// through (`treatments.status` is the `status` of each treatment).
pub fn description(path: &str) -> Option<String> {
    description_in(&case(), path)
}

/// [`description`] over an already generated schema (generate once, look up many).
pub fn description_in(schema: &Value, path: &str) -> Option<String> {
    let mut node = schema;
    for key in path.split('.') {
        node = resolve(schema, node);
        if let Some(items) = node.get("items") {
            node = resolve(schema, items);
        }
        node = node.get("properties")?.get(key)?;
    }
    let own = node.get("description").and_then(Value::as_str);
    let referenced = resolve(schema, node).get("description").and_then(Value::as_str);
    own.or(referenced).map(str::to_string)
}

/// Follows a local `$ref` (`#/$defs/Name`), if `node` is one.
fn resolve<'a>(root: &'a Value, node: &'a Value) -> &'a Value {
    match node.get("$ref").and_then(Value::as_str) {
        Some(reference) => reference
            .strip_prefix('#')
            .and_then(|pointer| root.pointer(pointer))
            .unwrap_or(node),
        None => node,
    }
}

/// Fits the generated schema to TOML and to readers: TOML has no null (an absent key is how a
/// case leaves an optional field out), so `null` leaves every `type` and `anyOf`, and defaults
/// that are null or whole tables go; descriptions lose the doc comments' line wrapping.
fn tidy(value: &mut Value) {
    match value {
        Value::Object(map) => {
            if map.get("default").is_some_and(|d| d.is_null() || d.is_object()) {
                map.remove("default");
            }
            if let Some(Value::String(description)) = map.get_mut("description") {
                *description = unwrap_lines(description);
            }
            if let Some(Value::Array(types)) = map.get_mut("type") {
                types.retain(|t| t != "null");
                if let [only] = types.as_slice() {
                    let only = only.clone();
                    map.insert("type".into(), only);
                }
            }
            if let Some(Value::Array(alternatives)) = map.get_mut("anyOf") {
                alternatives.retain(|a| a.get("type").and_then(Value::as_str) != Some("null"));
                if let [only] = alternatives.as_slice() {
                    let only = only.clone();
                    map.remove("anyOf");
                    if let Value::Object(only) = only {
                        for (k, v) in only {
                            map.entry(k).or_insert(v);
                        }
                    }
                }
            }
            map.values_mut().for_each(tidy);
        }
        Value::Array(items) => items.iter_mut().for_each(tidy),
        _ => {}
    }
}

/// Single line breaks as spaces; a blank line (a new paragraph) stays.
fn unwrap_lines(text: &str) -> String {
    text.split("\n\n")
        .map(|paragraph| paragraph.split('\n').map(str::trim).collect::<Vec<_>>().join(" "))
        .collect::<Vec<_>>()
        .join("\n\n")
}

/// A regular expression (ECMA 262, as JSON Schema uses) matching what the case parser reads as
/// one of `ids`: any letter case, with spaces, underscores or hyphens between the words.
fn any_case_pattern(ids: &[String]) -> String {
    let alternatives: Vec<String> = ids
        .iter()
        .map(|id| {
            id.split('-')
                .map(|word| {
                    word.chars()
                        .map(|c| {
                            if c.is_ascii_alphabetic() {
                                format!("[{}{}]", c.to_ascii_lowercase(), c.to_ascii_uppercase())
                            } else {
                                c.to_string()
                            }
                        })
                        .collect::<String>()
                })
                .collect::<Vec<_>>()
                .join("[-_ ]+")
        })
        .collect();
    format!(r"^\s*[-_ ]*(?:{})[-_ ]*\s*$", alternatives.join("|"))
}

/// The serde names an enum's schema lists (`enum`, or `const` in each `oneOf` branch).
fn choice_ids(schema: &Schema) -> Vec<String> {
    let strings = |v: &Value| v.as_str().map(str::to_string);
    if let Some(Value::Array(values)) = schema.get("enum") {
        return values.iter().filter_map(strings).collect();
    }
    match schema.get("oneOf") {
        Some(Value::Array(branches)) => branches
            .iter()
            .filter_map(|b| b.get("const").and_then(strings))
            .collect(),
        _ => Vec::new(),
    }
}

impl<T: JsonSchema> JsonSchema for AnyCase<T> {
    fn inline_schema() -> bool {
        true
    }

    fn schema_name() -> Cow<'static, str> {
        format!("AnyCase_{}", T::schema_name()).into()
    }

    fn json_schema(generator: &mut SchemaGenerator) -> Schema {
        let named = generator.subschema_for::<T>();
        let ids = choice_ids(&T::json_schema(generator));
        json_schema!({
            "anyOf": [
                named,
                {
                    "type": "string",
                    "description": "The same words in any letter case, with spaces or underscores for hyphens.",
                    "pattern": any_case_pattern(&ids),
                }
            ]
        })
    }
}

impl JsonSchema for Text {
    fn inline_schema() -> bool {
        true
    }

    fn schema_name() -> Cow<'static, str> {
        "Text".into()
    }

    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({ "type": "string" })
    }
}

impl JsonSchema for Prose {
    fn schema_name() -> Cow<'static, str> {
        "Prose".into()
    }

    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({
            "type": "string",
            "description": "Free text that keeps its paragraphs. Written in \"\"\" it may span lines: a blank line starts a new paragraph; single line breaks and tabs become spaces.",
        })
    }
}

impl JsonSchema for TextList {
    fn schema_name() -> Cow<'static, str> {
        "TextList".into()
    }

    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({
            "type": ["string", "array"],
            "items": { "type": "string" },
            "description": "One text in quotes, or a list of them: `icd10 = \"C50.912\"` or `icd10 = [\"C50.912\", \"C78.01\"]`.",
        })
    }
}

impl JsonSchema for DateList {
    fn schema_name() -> Cow<'static, str> {
        "DateList".into()
    }

    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({
            "type": ["string", "array"],
            "items": { "type": "string" },
            "description": "Text in quotes, a TOML date without quotes, or a list of either: `dates = [2026-10-20, \"weekly for six weeks\"]`. Dates are written out in full in the letter.",
        })
    }
}

impl JsonSchema for CaseDate {
    fn schema_name() -> Cow<'static, str> {
        "CaseDate".into()
    }

    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        const _: () = assert!(crate::case::LAST_YEAR == 2999, "update the year in the pattern");
        json_schema!({
            "type": "string",
            "format": "date",
            // Years 0000 to 2999 (`LAST_YEAR`), month and day in two digits each.
            "pattern": "^[0-2][0-9]{3}-[0-9]{2}-[0-9]{2}$",
            "description": format!(
                "A calendar date, written as a TOML date without quotes: `date = 2026-03-02`. Quoted dates, times of day, impossible dates (February 30) and years after {} are errors. Editors checking TOML against this schema see a TOML date as the text \"2026-03-02\", hence the string type.",
                crate::case::LAST_YEAR
            ),
            "examples": ["2026-03-02"],
        })
    }
}

impl JsonSchema for StateCode {
    fn schema_name() -> Cow<'static, str> {
        "StateCode".into()
    }

    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({
            "type": "string",
            "pattern": "^[A-Z]{2}$",
            "description": "A two-letter US state or territory code in capitals.",
            "examples": ["CA"],
        })
    }
}

/// The schema of `sender.npi`: ten digits in quotes, or blank for "not given yet".
pub(crate) fn blank_or_npi(_: &mut SchemaGenerator) -> Schema {
    json_schema!({
        "type": "string",
        "pattern": r"^(\s*|[0-9]{10})$",
        "examples": ["1234567893"],
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn any_case_pattern_reads_like_the_parser() {
        let pattern = any_case_pattern(&["pre-service".into(), "ppo".into()]);
        assert_eq!(
            pattern,
            r"^\s*[-_ ]*(?:[pP][rR][eE][-_ ]+[sS][eE][rR][vV][iI][cC][eE]|[pP][pP][oO])[-_ ]*\s*$"
        );
    }

    #[test]
    fn descriptions_come_from_the_doc_comments() {
        let schema = case();
        assert_eq!(
            description_in(&schema, "patient.height").as_deref(),
            Some("Height as written (\"178 cm\", \"5 ft 10 in\"); prior-authorization forms ask for it.")
        );
        assert!(
            description_in(&schema, "treatments.status").is_some(),
            "arrays of tables are passed through"
        );
        assert_eq!(description_in(&schema, "patient.nonsense"), None);
    }
}
