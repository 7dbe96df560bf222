//! [`Case`]: a case file's text, started from a repository file and edited in small steps.

use std::fmt;

/// The text of a case file with the edits tests make most often. Each edit panics when its
/// anchor is missing, so a test never silently edits nothing.
#[derive(Clone, Debug)]
pub(crate) struct Case(String);

impl Case {
    /// A case from its text.
    pub(crate) fn new(text: impl Into<String>) -> Self {
        Self(text.into())
    }

    /// A bundled example, by file name (`examples/NAME`).
    pub(crate) fn example(name: &str) -> Self {
        Self(super::repo_file(&format!("examples/{name}")))
    }

    /// A repository file, by path from the root (`tests/cases/…`).
    pub(crate) fn file(path: &str) -> Self {
        Self(super::repo_file(path))
    }

    /// Every `from` replaced by `to`; `from` must occur.
    pub(crate) fn replace(&self, from: &str, to: &str) -> Self {
        assert!(self.0.contains(from), "{from:?} is not in the case:\n{}", self.0);
        Self(self.0.replace(from, to))
    }

    /// The first `from` replaced by `to`; `from` must occur.
    pub(crate) fn replace_first(&self, from: &str, to: &str) -> Self {
        assert!(self.0.contains(from), "{from:?} is not in the case:\n{}", self.0);
        Self(self.0.replacen(from, to, 1))
    }

    /// `text` inserted before the first `anchor` (a table header such as `[[enclosures]]`).
    pub(crate) fn insert_before(&self, anchor: &str, text: &str) -> Self {
        let to = format!("{text}{anchor}");
        self.replace_first(anchor, &to)
    }

    /// The text from the first `start` up to (not including) the next `end` removed.
    pub(crate) fn remove_between(&self, start: &str, end: &str) -> Self {
        let from = self
            .0
            .find(start)
            .unwrap_or_else(|| panic!("{start:?} not in the case"));
        let to = self.0[from..]
            .find(end)
            .unwrap_or_else(|| panic!("{end:?} not after {start:?}"))
            + from;
        Self(format!("{}{}", &self.0[..from], &self.0[to..]))
    }

    /// `[letter] voice` set to `voice` (the case must name a voice).
    pub(crate) fn voice(&self, voice: &str) -> Self {
        let line = self
            .0
            .lines()
            .find(|l| l.starts_with("voice = "))
            .expect("the case names a voice")
            .to_string();
        self.replace_first(&line, &format!("voice = \"{voice}\""))
    }

    /// `text` appended at the end.
    pub(crate) fn append(&self, text: &str) -> Self {
        Self(format!("{}{text}", self.0))
    }

    /// The text before the first `anchor`; `anchor` must occur.
    pub(crate) fn before(&self, anchor: &str) -> Self {
        let end = self
            .0
            .find(anchor)
            .unwrap_or_else(|| panic!("{anchor:?} not in the case"));
        Self(self.0[..end].to_string())
    }

    /// The case with the string at dotted `path` set to `text`: table keys by name, array
    /// entries by index (`treatments.1.outcome`); missing table keys are added. The case is
    /// parsed and written back as TOML, so its layout changes.
    pub(crate) fn set(&self, path: &str, text: &str) -> Self {
        self.set_value(path, toml::Value::String(text.to_string()))
    }

    /// [`Case::set`] for any TOML value (a table, an array of tables).
    pub(crate) fn set_value(&self, path: &str, value: toml::Value) -> Self {
        let mut table = toml::Value::Table(toml::from_str(&self.0).expect("the case is TOML"));
        let parts: Vec<&str> = path.split('.').collect();
        set_path(&mut table, &parts, value);
        Self(toml::to_string(&table).expect("the case serialises"))
    }

    /// The text.
    pub(crate) fn text(&self) -> &str {
        &self.0
    }
}

impl AsRef<str> for Case {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Case {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// Sets the value at a dotted path (array indices as numbers), creating missing table keys.
fn set_path(node: &mut toml::Value, path: &[&str], value: toml::Value) {
    let (first, rest) = path.split_first().expect("non-empty path");
    let slot = match node {
        toml::Value::Table(t) => t.entry(first.to_string()).or_insert_with(|| {
            if rest.is_empty() {
                toml::Value::String(String::new())
            } else {
                toml::Value::Table(toml::Table::new())
            }
        }),
        toml::Value::Array(a) => {
            let i: usize = first.parse().expect("array index");
            assert!(i < a.len(), "index {i} out of range in the case");
            &mut a[i]
        }
        other => panic!("cannot descend into {other:?} at {first}"),
    };
    if rest.is_empty() {
        *slot = value;
    } else {
        set_path(slot, rest, value);
    }
}
