//! The argument-block catalogue: `templates/blocks/<id>.md` files, bundled or from a user's folder.
//!
//! A block file is TOML front matter between `+++` lines (when the block applies, the facts it
//! needs, the references it cites, what to enclose) followed by its tera prose. This module
//! parses and checks the front matter and collects every problem in every file before failing;
//! it does not decide which blocks a case uses (that is [`crate::plan`]).

use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::case::{DenialReason, LetterKind, Regulation, ServiceTiming};
use crate::diag::{Diagnostic, Diagnostics, Location, did_you_mean};
use crate::facts;

/// The block files compiled into the binary (`templates/blocks/*.md`), sorted by path.
pub const BUNDLED_BLOCKS: &[crate::bundled::File] = crate::bundled::folder("templates/blocks/");

/// An argument block: metadata and prose.
#[derive(Debug, Clone, Serialize)]
pub struct Block {
    /// Front matter.
    #[serde(flatten)]
    pub meta: BlockMeta,
    /// The tera prose after the front matter.
    #[serde(skip)]
    pub prose: String,
    /// Where it was loaded from, for messages (`templates/blocks/<id>.md` or a user path).
    pub file: String,
    /// 1-based line of the prose's first line in `file`, for template error locations.
    #[serde(skip)]
    pub prose_line: usize,
}

/// A block's front matter.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct BlockMeta {
    /// Block id; equals the file stem.
    pub id: String,
    /// Heading in the letter.
    pub title: String,
    /// Position in the letter, ascending.
    #[serde(default = "default_order")]
    pub order: i32,
    /// Letter kinds it may appear in.
    pub kinds: Vec<LetterKind>,
    /// When it applies.
    #[serde(default)]
    pub when: When,
    /// Case facts the prose needs (`a|b` = either).
    #[serde(default)]
    pub needs: Vec<String>,
    /// Reference keys the prose cites.
    #[serde(default)]
    pub cites: Vec<String>,
    /// Keyword tags whose verified entries the prose may cite.
    #[serde(default)]
    pub cite_tags: Vec<String>,
    /// Evidence the signer should enclose for this argument.
    #[serde(default)]
    pub enclose: Vec<String>,
    /// Denial reasons this block is *the* answer to (a subset of `when.reasons`): when the
    /// denial gives one and the block cannot be used for want of a fact, `check` fails and
    /// names the fact.
    #[serde(default)]
    pub answers: Vec<DenialReason>,
    /// Case facts that appear in the letter only through this block (`care.continuity`). When
    /// the block cannot be used for want of a fact, `check` names the text that would be lost.
    #[serde(default)]
    pub prints: Vec<String>,
}

fn default_order() -> i32 {
    100
}

/// The conditions under which a block applies. Empty lists mean "any".
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct When {
    /// Any one of these denial reasons.
    #[serde(default)]
    pub reasons: Vec<DenialReason>,
    /// Any one of these plan regulations.
    #[serde(default)]
    pub regulations: Vec<Regulation>,
    /// Any one of these service timings.
    #[serde(default)]
    pub timing: Vec<ServiceTiming>,
    /// Each fact present and truthy.
    #[serde(default)]
    pub facts: Vec<String>,
    /// At least one fact present and truthy.
    #[serde(default)]
    pub any_facts: Vec<String>,
    /// `letter.expedited` must equal this when set.
    pub expedited: Option<bool>,
    /// `plan.grandfathered` must equal this when set. When the case does not say, the block is
    /// skipped and `plan.grandfathered` is named as the fact that would let it apply.
    pub grandfathered: Option<bool>,
    /// `true`: the block speaks to the plan itself (asks it for its file, names the rights it
    /// must honor), so it is left out of a letter addressed to another body (OPM, a State
    /// hearing office, an external review office, a regulator).
    pub to_plan: Option<bool>,
}

/// All the blocks, sorted by order then id.
#[derive(Debug, Clone, Default)]
pub struct Catalog {
    /// Blocks in letter order.
    pub blocks: Vec<Block>,
}

/// Problems found in block files: every problem in every file, each file's in file order.
pub type CatalogError = Diagnostics;

impl Catalog {
    /// The bundled blocks, with any `blocks/*.md` in `override_dir` replacing bundled blocks of
    /// the same file name or adding new ones.
    pub fn load(override_dir: Option<&Path>) -> Result<Catalog, CatalogError> {
        let mut files: Vec<(String, String)> = BUNDLED_BLOCKS
            .iter()
            .map(|file| (file.path.to_string(), file.text().to_string()))
            .collect();
        let mut problems = Vec::new();
        if let Some(dir) = override_dir {
            let blocks = dir.join("blocks");
            if blocks.is_dir() {
                let mut user: Vec<_> = match std::fs::read_dir(&blocks) {
                    Ok(rd) => rd.filter_map(Result::ok).map(|e| e.path()).collect(),
                    Err(e) => {
                        problems.push(Diagnostic::error(
                            Location::at(&blocks.display().to_string(), "", 0),
                            format!("cannot read the folder ({e})"),
                        ));
                        Vec::new()
                    }
                };
                user.sort();
                for path in user
                    .into_iter()
                    .filter(|p| p.extension().is_some_and(|e| e == "md") && !p.ends_with("README.md"))
                {
                    let name = path.display().to_string();
                    match std::fs::read_to_string(&path) {
                        Ok(text) => {
                            let stem = path.file_name().map(|f| f.to_string_lossy().to_string());
                            files.retain(|(f, _)| {
                                Path::new(f).file_name().map(|x| x.to_string_lossy().to_string()) != stem
                            });
                            files.push((name, text));
                        }
                        Err(e) => problems.push(Diagnostic::error(
                            Location::at(&name, "", 0),
                            format!("cannot read the block file ({e})"),
                        )),
                    }
                }
            }
        }
        Catalog::from_files(files.iter().map(|(f, t)| (f.as_str(), t.as_str())), problems)
    }

    /// Parses block files given as `(name, text)` pairs.
    pub fn from_files<'a>(
        files: impl IntoIterator<Item = (&'a str, &'a str)>,
        mut problems: Vec<Diagnostic>,
    ) -> Result<Catalog, CatalogError> {
        let mut blocks: Vec<Block> = Vec::new();
        for (file, text) in files {
            match parse_block(file, text) {
                Ok(block) => {
                    if let Some(other) = blocks.iter().find(|b| b.meta.id == block.meta.id) {
                        problems.push(
                            Diagnostic::error(
                                Location::at(file, text, 0),
                                format!(
                                    "block id `{}` is already defined in {}",
                                    block.meta.id, other.file
                                ),
                            )
                            .with_hint(Some("give each block a unique id")),
                        );
                    } else {
                        blocks.push(block);
                    }
                }
                Err(p) => problems.extend(Diagnostics::in_file_order(p).0),
            }
        }
        if !problems.is_empty() {
            return Err(Diagnostics(problems));
        }
        blocks.sort_by(|a, b| (a.meta.order, &a.meta.id).cmp(&(b.meta.order, &b.meta.id)));
        Ok(Catalog { blocks })
    }

    /// The block with this id.
    pub fn get(&self, id: &str) -> Option<&Block> {
        self.blocks.iter().find(|b| b.meta.id == id)
    }

    /// Every block id.
    pub fn ids(&self) -> impl Iterator<Item = &str> {
        self.blocks.iter().map(|b| b.meta.id.as_str())
    }
}

/// Splits `+++` front matter from prose and validates the metadata.
fn parse_block(file: &str, text: &str) -> Result<Block, Vec<Diagnostic>> {
    let problem = |offset: usize, message: String, hint: Option<&str>| {
        Diagnostic::error(Location::at(file, text, offset), message).with_hint(hint)
    };
    let Some(rest) = text
        .strip_prefix("+++\n")
        .or_else(|| text.strip_prefix("+++\r\n"))
    else {
        return Err(vec![problem(
            0,
            "a block file must start with a `+++` line opening its front matter".into(),
            Some("see templates/blocks/README.md for the format"),
        )]);
    };
    let header_start = text.len() - rest.len();
    let Some(end) = rest.find("\n+++") else {
        return Err(vec![problem(
            0,
            "the front matter is not closed by a `+++` line".into(),
            None,
        )]);
    };
    let front = &rest[..end + 1];
    let after = &rest[end + 4..];
    let prose = after
        .strip_prefix("\r\n")
        .or_else(|| after.strip_prefix('\n'))
        .unwrap_or(after);
    let prose_offset = text.len() - prose.len();
    let prose_line = text[..prose_offset].matches('\n').count() + 1;

    let meta: BlockMeta = toml::from_str(front).map_err(|e| {
        let offset = header_start + e.span().map_or(0, |s| s.start);
        let (message, hint) = crate::diag::explain_unknown_variant(e.message().trim());
        vec![problem(offset, message, hint.as_deref())]
    })?;
    let mut problems = Vec::new();
    let find = |needle: &str| header_start + front.find(needle).unwrap_or(0);
    let stem = Path::new(file)
        .file_stem()
        .map(|s| s.to_string_lossy().to_string())
        .unwrap_or_default();
    if meta.id != stem {
        problems.push(problem(
            find("id"),
            format!("block id `{}` does not match its file name `{stem}.md`", meta.id),
            Some("rename the file or the id so they agree"),
        ));
    }
    for r in meta.answers.iter().filter(|r| !meta.when.reasons.contains(r)) {
        problems.push(problem(
            find(r.id()),
            format!("`answers` names `{}`, which is not in `when.reasons`", r.id()),
            Some("a block can only be the answer to a reason it applies to; add it to `when.reasons` or remove it here"),
        ));
    }
    let fact_lists = [&meta.when.facts, &meta.when.any_facts, &meta.needs, &meta.prints];
    for path in fact_lists.into_iter().flatten().flat_map(|p| p.split('|')) {
        if !facts::is_known(path) {
            problems.push(problem(
                find(path),
                format!("unknown case fact `{path}`"),
                Some(&hint_for(path, facts::KNOWN)),
            ));
        }
    }
    if !problems.is_empty() {
        return Err(problems);
    }
    Ok(Block {
        meta,
        prose: prose.to_string(),
        file: file.to_string(),
        prose_line,
    })
}

fn hint_for(word: &str, candidates: &[&str]) -> String {
    match did_you_mean(word, candidates.iter().copied()) {
        Some(best) => format!("did you mean `{best}`?"),
        None => format!("expected one of: {}", candidates.join(", ")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const GOOD: &str = "+++\nid = \"x\"\ntitle = \"X\"\nkinds = [\"appeal\"]\n[when]\nreasons = [\"out-of-network\"]\n+++\nProse {{ p.ref }}.\n";

    #[test]
    fn bundled_catalog_loads() {
        let catalog = Catalog::load(None).unwrap();
        assert_eq!(catalog.blocks.len(), BUNDLED_BLOCKS.len());
    }

    #[test]
    fn parses_front_matter_and_prose_line() {
        let c = Catalog::from_files([("blocks/x.md", GOOD)], vec![]).unwrap();
        let b = &c.blocks[0];
        assert_eq!(b.meta.id, "x");
        assert_eq!(b.prose, "Prose {{ p.ref }}.\n");
        assert_eq!(b.prose_line, 8);
    }

    #[test]
    fn reports_every_problem_with_locations() {
        let bad = GOOD
            .replace("id = \"x\"", "id = \"y\"")
            .replace("[when]", "needs = [\"diagnosis.stgae\"]\n[when]");
        let e = Catalog::from_files([("blocks/x.md", bad.as_str())], vec![])
            .unwrap_err()
            .to_string();
        assert!(
            e.contains("blocks/x.md:2:1: block id `y` does not match its file name `x.md`"),
            "{e}"
        );
        assert!(
            e.contains("blocks/x.md:5:11: unknown case fact `diagnosis.stgae`"),
            "{e}"
        );
        assert!(e.contains("did you mean `diagnosis.stage`?"), "{e}");
    }

    #[test]
    fn a_files_problems_come_in_file_order() {
        // The `answers` check runs before the facts check, but its line comes after `needs`.
        let bad = GOOD
            .replace("kinds =", "needs = [\"diagnosis.stgae\"]\nkinds =")
            .replace("[when]", "answers = [\"step-therapy\"]\n[when]");
        let e = Catalog::from_files([("blocks/x.md", bad.as_str())], vec![]).unwrap_err();
        let lines: Vec<usize> = e.iter().map(|d| d.location.line).collect();
        assert_eq!(lines.len(), 2, "{e}");
        assert!(lines.windows(2).all(|w| w[0] <= w[1]), "{e}");
        assert!(e.to_string().contains("\nerror: blocks/x.md:"), "{e}");
    }

    #[test]
    fn unknown_front_matter_key_is_located() {
        let bad = GOOD.replace("title", "titel");
        let e = Catalog::from_files([("blocks/x.md", bad.as_str())], vec![])
            .unwrap_err()
            .to_string();
        assert!(e.starts_with("blocks/x.md:3:1: unknown field `titel`"), "{e}");
    }

    #[test]
    fn conditions_are_checked_against_the_vocabularies() {
        let bad = GOOD.replace("[when]\n", "[when]\nregulations = [\"erisa\", \"erisaa\"]\n");
        let e = Catalog::from_files([("blocks/x.md", bad.as_str())], vec![])
            .unwrap_err()
            .to_string();
        assert!(
            e.starts_with(
                "blocks/x.md:6:25: unknown value `erisaa`; expected one of: erisa, aca-individual,"
            ),
            "{e}"
        );
        assert!(e.contains("hint: did you mean `erisa`?"), "{e}");
        let bad = GOOD.replace("[when]\n", "[when]\ntiming = [\"pre\"]\n");
        let e = Catalog::from_files([("blocks/x.md", bad.as_str())], vec![])
            .unwrap_err()
            .to_string();
        assert!(
            e.contains("expected one of: pre-service, post-service, concurrent"),
            "{e}"
        );
    }

    #[test]
    fn duplicate_ids_are_rejected() {
        let e = Catalog::from_files([("a/x.md", GOOD), ("b/x.md", GOOD)], vec![])
            .unwrap_err()
            .to_string();
        assert!(e.contains("block id `x` is already defined in a/x.md"), "{e}");
    }
}
