//! A linear pre-scan of a BibTeX source, run before bibtex-parser sees it, for what the parser
//! cannot bound on its own.
//!
//! bibtex-parser 0.4 recurses on nested braces and on `@string` macros that name other macros,
//! and expands `@string` concatenations eagerly: 100,000 nested braces or a 20,000-link chain of
//! macros overflowed the stack (the process aborted), and 26 levels of `@string{d = c # c}`
//! asked for 554 MB. The scan walks the text once, keeping a brace depth and, per macro, the
//! length of its expansion and the length of its chain, and stops at the first limit passed
//! with the position of the value that passes it; the source is then not parsed at all.
//!
//! It also reports control characters (NUL and the like) inside values, which a letter cannot
//! print, as a case file's loader does; those do not stop the parse.

use std::collections::HashMap;

/// Braces may nest this deep in a value (real entries use two or three levels).
pub(crate) const MAX_DEPTH: usize = 100;
/// An `@string` macro may name macros that name macros… this many links deep.
pub(crate) const MAX_CHAIN: usize = 100;
/// The most text one value (a field, a macro or a preamble) may expand to: 1 MB.
pub(crate) const MAX_VALUE: usize = 1 << 20;
/// The most text all uses of `@string` macros in one library may expand to: 64 MB.
pub(crate) const MAX_EXPANSION: usize = 64 << 20;

/// What the scan found wrong, at a byte offset of the source.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Finding {
    /// Byte offset of the problem.
    pub(crate) offset: usize,
    /// What is wrong.
    pub(crate) message: String,
    /// How to fix it.
    pub(crate) hint: String,
}

/// The result of the scan.
#[derive(Debug, Default)]
pub(crate) struct Scan {
    /// A limit passed: the source must not be parsed.
    pub(crate) limit: Option<Finding>,
    /// Control characters inside values (the first per value).
    pub(crate) control: Vec<Finding>,
    /// Blocks the scan could not follow: from their `@` to the next `@` that starts a line,
    /// where bibtex-parser's recovery resumes. In order, not overlapping.
    pub(crate) broken: Vec<std::ops::Range<usize>>,
    /// An estimate of the bytes bibtex-parser's recovery would read for these blocks: it reads
    /// an unclosed value to the end of the file, and for each `@` it passes it reads back to
    /// the start of its line, so a file of broken blocks costs it time quadratic in its size.
    pub(crate) recovery_cost: u64,
}

/// Above this [`Scan::recovery_cost`] the broken blocks are blanked out before parsing
/// instead of being left to bibtex-parser's recovery (about a quarter of a second of its time).
pub(crate) const MAX_RECOVERY_COST: u64 = 1 << 28;

/// A macro's expansion: its length and the length of its chain of macros.
#[derive(Debug, Clone, Copy, Default)]
struct Macro {
    len: usize,
    chain: usize,
}

struct Scanner<'t> {
    text: &'t [u8],
    pos: usize,
    macros: HashMap<String, Macro>,
    /// Text expanded from macro uses so far.
    expanded: usize,
    scan: Scan,
}

/// Scans `text` (see the module documentation).
pub(crate) fn scan(text: &str) -> Scan {
    let mut s = Scanner {
        text: text.as_bytes(),
        pos: 0,
        macros: HashMap::new(),
        expanded: 0,
        scan: Scan::default(),
    };
    // Each step moves forward; a block the scan cannot follow is left to the parser, which
    // reports it, and the scan goes on from where it stopped.
    while s.scan.limit.is_none() {
        let Some(at) = s.text[s.pos..].iter().position(|&b| b == b'@') else {
            break;
        };
        let start = s.pos + at;
        s.pos = start + 1;
        match s.block() {
            Ok(()) => {}
            Err(Some(finding)) => s.scan.limit = Some(finding),
            Err(None) => s.broken_block(start),
        }
    }
    s.scan
}

/// `Err(None)`: the block is not well formed (left to the parser); `Err(Some)`: a limit.
type Step<T> = Result<T, Option<Finding>>;

impl Scanner<'_> {
    /// Records the broken block whose `@` is at `start`, unless it lies inside the previous
    /// one (recovery never starts there). Each byte is looked at once over all blocks.
    fn broken_block(&mut self, start: usize) {
        if self.scan.broken.last().is_some_and(|r| start < r.end) {
            return;
        }
        let text = self.text;
        let mut end = text.len();
        let mut line_start = text[..start]
            .iter()
            .rposition(|&b| b == b'\n')
            .map_or(0, |i| i + 1);
        let mut at_line_start = false;
        let mut cost = (text.len() - start) as u64;
        for (i, &b) in text.iter().enumerate().skip(start + 1) {
            match b {
                b'\n' => {
                    line_start = i + 1;
                    at_line_start = true;
                }
                b' ' | b'\t' => {}
                b'@' if at_line_start => {
                    end = i;
                    break;
                }
                b'@' => {
                    cost += (i - line_start) as u64;
                    at_line_start = false;
                }
                _ => at_line_start = false,
            }
        }
        self.scan.recovery_cost = self.scan.recovery_cost.saturating_add(cost);
        self.scan.broken.push(start..end);
    }

    fn peek(&self) -> Option<u8> {
        self.text.get(self.pos).copied()
    }

    fn skip_space(&mut self) {
        while self.peek().is_some_and(|b| b.is_ascii_whitespace()) {
            self.pos += 1;
        }
    }

    fn ident(&mut self) -> &str {
        let start = self.pos;
        while self.peek().is_some_and(|b| {
            b.is_ascii_alphanumeric() || matches!(b, b'_' | b'-' | b':' | b'.' | b'+' | b'/' | b'\'')
        }) {
            self.pos += 1;
        }
        std::str::from_utf8(&self.text[start..self.pos]).unwrap_or("")
    }

    fn expect(&mut self, byte: u8) -> Step<()> {
        self.skip_space();
        if self.peek() == Some(byte) {
            self.pos += 1;
            Ok(())
        } else {
            Err(None)
        }
    }

    /// One block after its `@`.
    fn block(&mut self) -> Step<()> {
        let kind = self.ident().to_ascii_lowercase();
        if kind.is_empty() {
            return Err(None);
        }
        self.skip_space();
        let close = match self.peek() {
            Some(b'{') => b'}',
            Some(b'(') => b')',
            _ => return Err(None),
        };
        self.pos += 1;
        match kind.as_str() {
            "comment" => {
                if close == b'}' {
                    self.pos -= 1;
                    self.braced(0)?;
                }
                Ok(())
            }
            "string" => {
                self.skip_space();
                let name = self.ident().to_ascii_lowercase();
                if name.is_empty() {
                    return Err(None);
                }
                self.expect(b'=')?;
                let value = self.value()?;
                self.macros.insert(name, value);
                self.expect(close)
            }
            "preamble" => {
                self.value()?;
                self.expect(close)
            }
            _ => {
                // The key, up to the first comma.
                while let Some(b) = self.peek() {
                    if b == b',' || b == close {
                        break;
                    }
                    if matches!(b, b'{' | b'}' | b'"' | b'@') {
                        return Err(None);
                    }
                    self.pos += 1;
                }
                loop {
                    self.skip_space();
                    match self.peek() {
                        Some(b',') => self.pos += 1,
                        Some(b) if b == close => {
                            self.pos += 1;
                            return Ok(());
                        }
                        _ => return Err(None),
                    }
                    self.skip_space();
                    if self.peek() == Some(close) {
                        self.pos += 1;
                        return Ok(());
                    }
                    if self.ident().is_empty() {
                        return Err(None);
                    }
                    self.expect(b'=')?;
                    self.value()?;
                }
            }
        }
    }

    /// A value: parts joined by `#`. Returns its expansion.
    fn value(&mut self) -> Step<Macro> {
        let mut total = Macro::default();
        self.skip_space();
        let start = self.pos;
        loop {
            self.skip_space();
            let part = match self.peek() {
                Some(b'{') => Macro {
                    len: self.braced(0)?,
                    chain: 0,
                },
                Some(b'"') => Macro {
                    len: self.quoted()?,
                    chain: 0,
                },
                Some(b) if b.is_ascii_digit() => {
                    let from = self.pos;
                    while self.peek().is_some_and(|b| b.is_ascii_digit()) {
                        self.pos += 1;
                    }
                    Macro {
                        len: self.pos - from,
                        chain: 0,
                    }
                }
                Some(_) => {
                    let at = self.pos;
                    let name = self.ident().to_ascii_lowercase();
                    if name.is_empty() {
                        return Err(None);
                    }
                    let used = self
                        .macros
                        .get(&name)
                        .copied()
                        .unwrap_or(Macro { len: 9, chain: 0 });
                    self.expanded = self.expanded.saturating_add(used.len);
                    if self.expanded > MAX_EXPANSION {
                        return Err(Some(Finding {
                            offset: at,
                            message: format!(
                                "@string macros in this file expand to more than {} MB in all, the limit for one library",
                                MAX_EXPANSION >> 20
                            ),
                            hint: "a macro that joins a macro to itself (`@string{b = a # a}`) doubles in size each time; write the values out".into(),
                        }));
                    }
                    Macro {
                        len: used.len,
                        chain: used.chain + 1,
                    }
                }
                None => return Err(None),
            };
            total.len = total.len.saturating_add(part.len);
            total.chain = total.chain.max(part.chain);
            if total.len > MAX_VALUE {
                return Err(Some(Finding {
                    offset: start,
                    message: format!(
                        "this value expands to more than {} MB, the limit for one BibTeX value",
                        MAX_VALUE >> 20
                    ),
                    hint: "a macro that joins a macro to itself (`@string{b = a # a}`) doubles in size each time; write the value out".into(),
                }));
            }
            if total.chain > MAX_CHAIN {
                return Err(Some(Finding {
                    offset: start,
                    message: format!(
                        "this value uses an @string macro defined through more than {MAX_CHAIN} other macros, the limit for a chain of macros"
                    ),
                    hint: "define the macro with its text instead of through other macros".into(),
                }));
            }
            self.skip_space();
            if self.peek() == Some(b'#') {
                self.pos += 1;
            } else {
                return Ok(total);
            }
        }
    }

    /// A `{…}` group starting at `pos`, nested `depth` deep; returns its content length.
    fn braced(&mut self, depth: usize) -> Step<usize> {
        let open = self.pos;
        self.pos += 1;
        let mut depth = depth + 1;
        let mut reported = false;
        while let Some(b) = self.peek() {
            match b {
                b'{' => {
                    depth += 1;
                    if depth > MAX_DEPTH {
                        return Err(Some(self.too_deep()));
                    }
                }
                b'}' => {
                    depth -= 1;
                    if depth == 0 {
                        self.pos += 1;
                        return Ok(self.pos - open - 2);
                    }
                }
                b'\n' if self.at_block_start() => return Err(None),
                b if is_control(b) && !reported => {
                    reported = true;
                    self.control(b);
                }
                _ => {}
            }
            self.pos += 1;
        }
        Err(None)
    }

    /// A `"…"` value (braces inside nest; a `"` inside braces does not end it).
    fn quoted(&mut self) -> Step<usize> {
        let open = self.pos;
        self.pos += 1;
        let mut depth = 0usize;
        let mut reported = false;
        while let Some(b) = self.peek() {
            match b {
                b'"' if depth == 0 => {
                    self.pos += 1;
                    return Ok(self.pos - open - 2);
                }
                b'{' => {
                    depth += 1;
                    if depth > MAX_DEPTH {
                        return Err(Some(self.too_deep()));
                    }
                }
                b'}' => depth = depth.saturating_sub(1),
                b'\n' if self.at_block_start() => return Err(None),
                b if is_control(b) && !reported => {
                    reported = true;
                    self.control(b);
                }
                _ => {}
            }
            self.pos += 1;
        }
        Err(None)
    }

    /// Whether the text after the line feed at `pos` starts a new block (`@` after spaces):
    /// where bibtex-parser resumes after a broken block, and so does the scan, so that one
    /// unclosed brace does not count against every block after it.
    fn at_block_start(&self) -> bool {
        let rest = &self.text[self.pos + 1..];
        rest.iter().find(|&&b| b != b' ' && b != b'\t') == Some(&b'@')
    }

    fn too_deep(&self) -> Finding {
        Finding {
            offset: self.pos,
            message: format!(
                "braces nest more than {MAX_DEPTH} levels deep here, the limit for a BibTeX value"
            ),
            hint: "check that every `{` has a matching `}`".into(),
        }
    }

    fn control(&mut self, b: u8) {
        self.scan.control.push(Finding {
            offset: self.pos,
            message: format!(
                "a value contains the control character U+{b:04X}, which cannot appear in a letter"
            ),
            hint: "remove it; BibTeX values are plain text".into(),
        });
    }
}

/// Control characters other than tab, line feed and carriage return.
fn is_control(b: u8) -> bool {
    (b < 0x20 && !matches!(b, b'\t' | b'\n' | b'\r')) || b == 0x7f
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ordinary_libraries_pass() {
        for source in super::super::Library::bundled() {
            let scan = scan(&source.text);
            assert!(
                scan.limit.is_none() && scan.control.is_empty() && scan.broken.is_empty(),
                "{scan:?}"
            );
        }
        let text = "@string{j = \"J Clin Oncol\"}\n@article(k, journal = j # { (suppl)}, month = jan, year = 2020)\n";
        assert!(scan(text).limit.is_none());
    }

    #[test]
    fn deep_braces_long_chains_and_doubling_stop_at_their_value() {
        let deep = format!(
            "@article{{k, title = {{{}x{}}}}}",
            "{".repeat(100_000),
            "}".repeat(100_000)
        );
        let f = scan(&deep).limit.unwrap();
        assert!(f.message.contains("more than 100 levels"), "{}", f.message);
        assert_eq!(f.offset, 20 + 100);

        let mut chain = String::from("@string{s0 = \"x\"}\n");
        for i in 1..20_000 {
            chain.push_str(&format!("@string{{s{i} = s{}}}\n", i - 1));
        }
        let f = scan(&chain).limit.unwrap();
        assert!(f.message.contains("more than 100 other macros"), "{}", f.message);

        let mut double = String::from("@string{d0 = \"xxxxxxxx\"}\n");
        for i in 1..40 {
            double.push_str(&format!("@string{{d{i} = d{} # d{}}}\n", i - 1, i - 1));
        }
        let f = scan(&double).limit.unwrap();
        assert!(f.message.contains("more than 1 MB"), "{}", f.message);
        assert_eq!(&double[f.offset..f.offset + 3], "d17");
    }

    #[test]
    fn an_unclosed_brace_counts_only_in_its_own_block() {
        let text: String = (0..500)
            .map(|i| format!("@article{{k{i}, title = {{x,\n"))
            .collect();
        assert!(scan(&text).limit.is_none());
        let text = format!("{text}@article{{z, title = {{\u{0}}}}}\n");
        assert_eq!(scan(&text).control.len(), 1);
    }

    #[test]
    fn broken_blocks_run_to_the_next_line_starting_with_an_at_sign() {
        let text = "@article{a, title = {x}}\n@article{b title = {x}}\n  @article{c, title = {x}}\n";
        let scan = scan(text);
        assert_eq!(scan.broken.len(), 1);
        assert_eq!(scan.broken[0], 25..51);
        // A file of broken blocks is expensive for the parser's recovery; a few are not.
        assert!(scan.recovery_cost < MAX_RECOVERY_COST);
        assert!(super::scan(&"@".repeat(200_000)).recovery_cost > MAX_RECOVERY_COST);
        let unclosed: String = (0..20_000)
            .map(|i| format!("@article{{k{i}, title = {{x,\n"))
            .collect();
        assert!(super::scan(&unclosed).recovery_cost > MAX_RECOVERY_COST);
    }

    #[test]
    fn control_characters_are_found_where_they_are() {
        let text = "@article{k, title = {a\u{0}b}, note = \"c\u{1}\"}";
        let found = scan(text).control;
        assert_eq!(found.len(), 2);
        assert_eq!(found[0].offset, 22);
        assert_eq!(found[1].offset, 36);
    }
}
