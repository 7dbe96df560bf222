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
