//! Case facts addressed by dotted paths (`diagnosis.metastatic`, `care.since`, `treatments`).
//!
//! Block conditions and needs name facts by path; this module resolves a path against a case and
//! decides whether the fact is there. A fact is *present* when the value exists and is not
//! `false`, an empty string or an empty array.

use serde_json::Value;

use crate::case::Case;

/// Every fact path a block may name: every field of the case format.
pub use crate::case::FIELDS as KNOWN;

/// Whether `path` is a fact blocks may name.
pub fn is_known(path: &str) -> bool {
    KNOWN.contains(&path)
}

/// A case viewed as data, for fact lookups.
#[derive(Debug, Clone)]
pub struct Facts(Value);

impl Facts {
    /// Views `case` as facts.
    pub fn of(case: &Case) -> Facts {
        let mut value = serde_json::to_value(case).unwrap_or(Value::Null);
        // A regulation inferred from the plan type is a fact like one written down.
        if let (Some(r), Some(plan)) = (case.inferred_regulation(), value.get_mut("plan")) {
            plan["regulation"] = Value::String(r.id().to_string());
        }
        Facts(value)
    }

    /// The value at `path`, if any.
    pub fn get(&self, path: &str) -> Option<&Value> {
        path.split('.').try_fold(&self.0, |v, key| v.get(key))
    }

    /// Whether the fact at `path` is present (see the module docs). `a|b` means either.
    pub fn present(&self, path: &str) -> bool {
        path.split('|').any(|p| match self.get(p) {
            None | Some(Value::Null) | Some(Value::Bool(false)) => false,
            Some(Value::String(s)) => !s.trim().is_empty(),
            Some(Value::Array(a)) => !a.is_empty(),
            Some(_) => true,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn facts(extra: &str) -> Facts {
        let text = format!(
            "schema = 1\n[sender]\nname = \"A\"\n[recipient]\norganization = \"P\"\n[patient]\nname = \"A\"\n\
             [denial]\ndate = 2026-03-02\nreasons = [\"out-of-network\"]\n[request]\nservice = \"S\"\n\
             [diagnosis]\ncondition = \"C\"\n{extra}"
        );
        Facts::of(&Case::parse("t.toml", &text).unwrap())
    }

    #[test]
    fn presence_rules() {
        let f = facts("metastatic = true\nrare = false\nstage = \"\"\n");
        assert!(f.present("diagnosis.metastatic"));
        assert!(!f.present("diagnosis.rare"));
        assert!(!f.present("diagnosis.stage"));
        assert!(!f.present("diagnosis.histology"));
        assert!(!f.present("treatments"));
        assert!(f.present("diagnosis.rare|diagnosis.metastatic"));
        assert!(f.present("denial.date"));
    }

    #[test]
    fn every_known_path_resolves_in_a_full_case() {
        let full =
            std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/cases/full.toml")).unwrap();
        let f = Facts::of(&Case::parse("full.toml", &full).unwrap());
        for path in KNOWN {
            assert!(f.present(path), "{path} is not present in tests/cases/full.toml");
        }
    }
}
