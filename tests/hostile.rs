//! Hostile case text, end to end through the binary: template syntax, Markdown syntax, HTML,
//! control characters, right-to-left text, emoji, very long words and a very long history.
//!
//! Every free-text field of `examples/her2-out-of-network.toml` gets the hostile text (wrapped
//! around a per-field tag so each field can be found in the output), and `appeal render` writes
//! Markdown and PDF. Whatever the input, the binary must never panic (exit 0 or 2 only), never
//! leave a truncated or partial output (exit 0: every `.md` is a well-formed letter, every `.pdf`
//! is complete; exit 2: the output folder is empty), and print case text literally.

mod common;

use std::path::Path;
use std::process::Command as Process;
use std::sync::OnceLock;

use common::{Case, Outcome, TestEnv, fallback_font, visible_text};

/// Every free-text field the hostile text goes into (array entries by index). Fields the
/// example lacks (`recipient.attention`, `guidelines.0.section`) are added.
const FIELDS: &[&str] = &[
    "sender.name",
    "sender.credentials",
    "sender.organization",
    "sender.address.0",
    "sender.address.1",
    "sender.phone",
    "sender.fax",
    "sender.email",
    "recipient.organization",
    "recipient.department",
    "recipient.attention",
    "recipient.address.0",
    "recipient.address.1",
    "recipient.fax",
    "patient.name",
    "patient.member_id",
    "patient.group_number",
    "plan.name",
    "denial.reference",
    "denial.quote",
    "denial.criteria",
    "request.service",
    "request.codes.0",
    "request.codes.1",
    "request.provider",
    "request.dates",
    "request.setting",
    "diagnosis.condition",
    "diagnosis.stage",
    "diagnosis.histology",
    "diagnosis.biomarkers",
    "diagnosis.performance_status",
    "treatments.0.name",
    "treatments.0.outcome",
    "treatments.1.name",
    "treatments.1.outcome",
    "treatments.2.name",
    "care.provider",
    "care.continuity",
    "care.prior_authorizations.0.id",
    "care.prior_authorizations.0.service",
    "care.prior_authorizations.1.id",
    "care.prior_authorizations.1.service",
    "network_attempts.0.provider",
    "network_attempts.0.outcome",
    "network_attempts.1.provider",
    "network_attempts.1.outcome",
    "guidelines.0.body",
    "guidelines.0.title",
    "guidelines.0.version",
    "guidelines.0.recommendation",
    "guidelines.0.category",
    "guidelines.0.section",
    "enclosures.0.title",
    "enclosures.1.title",
    "enclosures.2.title",
];

/// Fields no template prints (so there is nothing to find in the letter). `request.setting` is
/// in the case format but no template or block uses it.
const NOT_PRINTED: &[&str] = &["request.setting"];

/// The value field `index` gets: the hostile text at its start and its end (so syntax that only
/// counts at the start or end of a line is exercised), with a tag between that finds the field.
fn value(index: usize, hostile: &str) -> String {
    format!("{hostile} {} {hostile}", tag(index))
}

fn tag(index: usize) -> String {
    format!("zq{index:02}z")
}

// ---------------------------------------------------------------------------------------------
// Building cases.

/// The example the hostile text goes into.
fn example() -> Case {
    Case::example("her2-out-of-network.toml")
}

/// The example with every field of [`FIELDS`] set to `value(index, hostile)`.
fn hostile_case(hostile: &str) -> String {
    let mut case = example();
    for (i, path) in FIELDS.iter().enumerate() {
        case = case.set(path, &value(i, hostile));
    }
    case.to_string()
}

// ---------------------------------------------------------------------------------------------
// Running the binary and checking what it leaves behind.

/// `appeal render [ROOT]/case.toml -o [ROOT]/out [extra…]` with `case_text` as `case.toml`,
/// checked with [`assert_sane`].
fn render(label: &str, case_text: &str, extra: &[&str]) -> Outcome {
    let env = TestEnv::new().with_case("case.toml", case_text);
    let mut args = vec!["render", "[ROOT]/case.toml", "-o", "[ROOT]/out"];
    args.extend_from_slice(extra);
    let run = env.run(args).labelled(label);
    let md_only = extra.windows(2).any(|w| w == ["--format", "md"]);
    assert_sane(&run, md_only);
    run
}

/// The path of output file `name`.
fn output(run: &Outcome, name: &str) -> std::path::PathBuf {
    run.path(&format!("out/{name}"))
}

/// The Markdown letter.
fn md(run: &Outcome) -> String {
    run.file("out/case.md")
}

/// No panic, exit 0 or 2, complete files on success, no files on failure.
fn assert_sane(run: &Outcome, md_only: bool) {
    assert!(
        !run.stderr().contains("panicked") && !run.stderr().contains("RUST_BACKTRACE"),
        "panic: {}",
        run.describe()
    );
    assert!(
        run.exit_code() == 0 || run.exit_code() == 2,
        "exit code must be 0 or 2: {}",
        run.describe()
    );
    let files = run.env().files("out");
    if run.exit_code() == 2 {
        assert!(
            files.is_empty(),
            "a failed render left {files:?} behind: {}",
            run.describe()
        );
        assert!(
            run.stderr().starts_with("error: "),
            "exit 2 without an error message: {}",
            run.describe()
        );
        return;
    }
    let expected: &[&str] = if md_only {
        &["case-next-steps.md", "case.md"]
    } else {
        &["case-next-steps.md", "case-next-steps.pdf", "case.md", "case.pdf"]
    };
    assert_eq!(files, expected, "{}", run.describe());
    for name in files {
        let path = output(run, &name);
        if name.ends_with(".md") {
            let md = std::fs::read_to_string(&path)
                .unwrap_or_else(|e| panic!("[{}] {name} is not UTF-8: {e}", run.label()));
            assert_markdown_whole(&md, &format!("[{}] {name}", run.label()));
        } else {
            assert_pdf_whole(&path, &format!("[{}] {name}", run.label()));
        }
    }
}

/// The Markdown is a whole letter: front matter that parses with only the dialect's keys, a
/// body that parses, and the file ends with a newline.
fn assert_markdown_whole(md: &str, label: &str) {
    let front = front_matter(md).unwrap_or_else(|| panic!("{label}: no +++ front matter:\n{md}"));
    let keys = ["title", "author", "subject", "header", "date"];
    for (k, v) in &front {
        assert!(
            keys.contains(&k.as_str()),
            "{label}: unknown front-matter key {k}"
        );
        assert!(v.is_str(), "{label}: front-matter {k} is not a string");
    }
    assert!(
        md.ends_with('\n'),
        "{label}: Markdown does not end with a newline"
    );
    let shown = visible_text(md);
    assert!(
        shown.contains("Sincerely") || label.contains("next-steps"),
        "{label}: the letter has no closing (truncated?):\n{md}"
    );
}

fn front_matter(md: &str) -> Option<toml::Table> {
    let rest = md.strip_prefix("+++\n")?;
    let end = rest.find("\n+++\n")?;
    toml::from_str(&rest[..end + 1]).ok()
}

fn which(tool: &str) -> bool {
    Process::new(tool)
        .arg("-v")
        .output()
        .map(|o| o.status.success() || !o.stderr.is_empty() || !o.stdout.is_empty())
        .unwrap_or(false)
}

fn has_qpdf() -> bool {
    static HAS: OnceLock<bool> = OnceLock::new();
    *HAS.get_or_init(|| which("qpdf"))
}

fn has_pdftotext() -> bool {
    static HAS: OnceLock<bool> = OnceLock::new();
    *HAS.get_or_init(|| which("pdftotext"))
}

/// A complete PDF: header, `%%EOF` trailer, loads, and `qpdf --check` passes when qpdf exists.
/// Returns the page count.
fn assert_pdf_whole(path: &Path, label: &str) -> usize {
    let bytes = std::fs::read(path).unwrap();
    assert!(bytes.starts_with(b"%PDF-"), "{label}: does not start with %PDF-");
    let mut end = bytes.as_slice();
    while let Some((last, rest)) = end.split_last() {
        if last.is_ascii_whitespace() {
            end = rest;
        } else {
            break;
        }
    }
    assert!(end.ends_with(b"%%EOF"), "{label}: does not end with %%EOF");
    let doc =
        lopdf::Document::load_mem(&bytes).unwrap_or_else(|e| panic!("{label}: lopdf cannot read it: {e}"));
    let pages = doc.get_pages().len();
    assert!(pages >= 1, "{label}: no pages");
    if has_qpdf() {
        let out = Process::new("qpdf").arg("--check").arg(path).output().unwrap();
        assert!(
            out.status.success(),
            "{label}: qpdf --check failed:\n{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
    }
    pages
}

/// The text of each page as `pdftotext -raw` reads it (content-stream order, no
/// dehyphenation), or `None` when pdftotext is not installed.
fn pdftotext_pages(path: &Path) -> Option<Vec<String>> {
    if !has_pdftotext() {
        return None;
    }
    let out = Process::new("pdftotext")
        .args(["-raw", "-enc", "UTF-8"])
        .arg(path)
        .arg("-")
        .output()
        .unwrap();
    assert!(out.status.success(), "pdftotext failed on {}", path.display());
    let text = String::from_utf8(out.stdout).unwrap();
    let mut pages: Vec<String> = text.split('\u{c}').map(str::to_string).collect();
    if pages.last().is_some_and(|p| p.trim().is_empty()) {
        pages.pop();
    }
    Some(pages)
}

/// The text of each page as the PDF's own ToUnicode maps give it (logical order), via lopdf.
fn lopdf_pages(path: &Path) -> Vec<String> {
    let doc = lopdf::Document::load(path).unwrap();
    let numbers: Vec<u32> = doc.get_pages().keys().copied().collect();
    numbers
        .iter()
        .map(|n| {
            doc.extract_text(&[*n])
                .unwrap_or_else(|e| panic!("{}: page {n}: no text: {e}", path.display()))
        })
        .collect()
}

fn is_footer(line: &str) -> bool {
    let words: Vec<&str> = line.split_whitespace().collect();
    matches!(words.as_slice(), ["Page", i, "of", n]
        if i.parse::<u32>().is_ok() && n.parse::<u32>().is_ok())
}

/// The body text of the PDF as pdftotext reads it, without running headers and footers,
/// whitespace removed (so line and page breaks do not matter).
fn pdftotext_body_squashed(path: &Path) -> Option<String> {
    let pages = pdftotext_pages(path)?;
    let mut out = String::new();
    for (i, page) in pages.iter().enumerate() {
        let mut lines: Vec<&str> = page.lines().filter(|l| !l.trim().is_empty()).collect();
        lines.retain(|l| !is_footer(l));
        if i > 0 && !lines.is_empty() {
            lines.remove(0); // the running header
        }
        for l in lines {
            out.push_str(&squash(l));
        }
    }
    Some(out)
}

/// The body text of the PDF as its ToUnicode maps give it, whitespace removed. Checks on the
/// way that every page ends with its "Page i of n" footer and every page after the first starts
/// with the running `header`.
fn lopdf_body_squashed(path: &Path, header: &str) -> String {
    let pages = lopdf_pages(path);
    let n = pages.len();
    let header = squash(header);
    let mut out = String::new();
    for (i, page) in pages.iter().enumerate() {
        let text = squash(page);
        let footer = squash(&format!("Page {} of {n}", i + 1));
        let text = text.strip_suffix(&footer).unwrap_or_else(|| {
            panic!(
                "{}: page {} does not end with its footer {footer:?}:\n{page}",
                path.display(),
                i + 1
            )
        });
        let text = if i > 0 && !header.is_empty() {
            text.strip_prefix(&header).unwrap_or_else(|| {
                panic!(
                    "{}: page {} does not start with the header {header:?}:\n{page}",
                    path.display(),
                    i + 1
                )
            })
        } else {
            text
        };
        out.push_str(text);
    }
    out
}

/// The letter PDF's body text, whitespace removed: as lopdf reads it (always) and as pdftotext
/// reads it (when installed).
fn letter_pdf_bodies(run: &Outcome) -> (String, Option<String>) {
    let front = front_matter(&md(run)).unwrap();
    let header = front.get("header").and_then(|v| v.as_str()).unwrap_or_default();
    let path = output(run, "case.pdf");
    (
        lopdf_body_squashed(&path, header.trim()),
        pdftotext_body_squashed(&path),
    )
}

fn squash(s: &str) -> String {
    s.chars().filter(|c| !c.is_whitespace()).collect()
}

/// The Markdown's block/inline structure: every start and end tag, no text.
fn structure(md: &str) -> Vec<String> {
    use pulldown_cmark::{Event, Options, Parser};
    Parser::new_ext(md, Options::ENABLE_PLUSES_DELIMITED_METADATA_BLOCKS)
        .filter_map(|e| match e {
            Event::Start(t) => Some(format!("start {t:?}")),
            Event::End(t) => Some(format!("end {t:?}")),
            Event::Html(h) | Event::InlineHtml(h) => Some(format!("html {h:?}")),
            Event::Code(c) => Some(format!("code {c:?}")),
            Event::Rule => Some("rule".into()),
            Event::FootnoteReference(f) => Some(format!("footnote {f:?}")),
            Event::TaskListMarker(_) => Some("task".into()),
            _ => None,
        })
        // Metadata text differs in length only; the tag itself is what matters.
        .collect()
}

/// The structure of the letter made from the example with harmless text in every field.
fn baseline_structure() -> &'static [String] {
    static BASE: OnceLock<Vec<String>> = OnceLock::new();
    BASE.get_or_init(|| {
        let run = render("baseline", &hostile_case("plain"), &["--format", "md"]);
        assert_eq!(run.exit_code(), 0, "{}", run.describe());
        structure(&md(&run))
    })
}

/// Renders the case with `hostile` in every field and checks that it succeeds, that the
/// Markdown has the same structure as the harmless letter, and that every printed field reads
/// back literally from the Markdown (and from the PDF when pdftotext is installed).
fn assert_literal(label: &str, hostile: &str, extra: &[&str]) -> Outcome {
    let run = render(label, &hostile_case(hostile), extra);
    assert_eq!(
        run.exit_code(),
        0,
        "hostile text {hostile:?} must render: {}",
        run.describe()
    );
    let md = md(&run);
    let base = baseline_structure();
    let got = structure(&md);
    if got != base {
        let first = got
            .iter()
            .zip(base)
            .position(|(a, b)| a != b)
            .unwrap_or(got.len().min(base.len()));
        panic!(
            "[{label}] hostile text {hostile:?} changed the letter's structure; first difference at \
             event {first}: got {:?}, expected {:?}\n{md}",
            got.get(first),
            base.get(first)
        );
    }
    let shown = visible_text(&md);
    let front = front_matter(&md).unwrap();
    let get = |k: &str| {
        front
            .get(k)
            .and_then(|v| v.as_str())
            .unwrap_or_default()
            .to_string()
    };
    let pdf_path = output(&run, "case.pdf");
    let pdf = lopdf_body_squashed(&pdf_path, get("header").trim());
    // pdftotext shows right-to-left runs in visual order and adds bidi marks, so it can only
    // be compared for left-to-right text; lopdf reads the logical order the PDF stores.
    let right_to_left = hostile.chars().any(|c| {
        matches!(c, '\u{0590}'..='\u{08FF}' | '\u{FB1D}'..='\u{FDFF}' | '\u{FE70}'..='\u{FEFF}'
            | '\u{200E}' | '\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
    });
    let reader = if right_to_left {
        None
    } else {
        pdftotext_body_squashed(&pdf_path)
    };
    let mut problems = Vec::new();
    for (i, field) in FIELDS.iter().enumerate() {
        if NOT_PRINTED.contains(field) {
            continue;
        }
        let want = value(i, hostile);
        if !shown.contains(&want) {
            problems.push(format!("  Markdown: `{field}` does not read back as {want:?}"));
        }
        if !pdf.contains(&squash(&want)) {
            problems.push(format!("  PDF text: `{field}` does not read back as {want:?}"));
        }
        if let Some(reader) = &reader
            && !reader.contains(&squash(&want))
        {
            problems.push(format!("  pdftotext: `{field}` does not read back as {want:?}"));
        }
    }
    // The front matter carries case text too, as TOML strings that must round-trip exactly.
    let field = |name: &str| value(FIELDS.iter().position(|f| *f == name).unwrap(), hostile);
    if get("author") != field("sender.name") {
        problems.push(format!("  front matter author is {:?}", get("author")));
    }
    if !get("title").ends_with(&field("patient.name")) {
        problems.push(format!("  front matter title is {:?}", get("title")));
    }
    if !get("subject").starts_with(&field("request.service")) {
        problems.push(format!("  front matter subject is {:?}", get("subject")));
    }
    for f in ["patient.name", "patient.member_id", "denial.reference"] {
        if !get("header").contains(&field(f)) {
            problems.push(format!("  front matter header lacks {f}: {:?}", get("header")));
        }
    }
    assert!(
        problems.is_empty(),
        "[{label}] hostile text {hostile:?} was not printed literally:\n{}\n--- visible Markdown text\n{shown}",
        problems.join("\n")
    );
    run
}

// ---------------------------------------------------------------------------------------------
// 1. Template syntax.

#[test]
fn template_expression_prints_literally() {
    assert_literal("tera expression", "{{ x }}", &[]);
    assert_literal("tera expression on case data", "{{ case.patient.name }}", &[]);
}

#[test]
fn template_statement_prints_literally() {
    assert_literal("tera statement", "{% if true %}yes{% endif %}", &[]);
    assert_literal("tera raw", "{% raw %}x{% endraw %}", &[]);
}

#[test]
fn template_comment_prints_literally() {
    assert_literal("tera comment", "{# note #}", &[]);
}

// ---------------------------------------------------------------------------------------------
// 2. Markdown syntax: each input its own render, with a clear label.

macro_rules! markdown_literal {
    ($($name:ident: $text:expr,)*) => {$(
        #[test]
        fn $name() {
            assert_literal(stringify!($name), $text, &[]);
        }
    )*};
}

markdown_literal! {
    markdown_emphasis_stars: "*star* **strong**",
    markdown_emphasis_underscores: "_under_ __score__ snake_case_name",
    markdown_heading_at_start: "# Heading",
    markdown_bullet_at_start: "- item",
    markdown_plus_and_star_bullets_at_start: "+ plus * star",
    markdown_ordered_item_at_start: "1. first",
    markdown_ordered_paren_at_start: "1) first",
    markdown_block_quote: "> quoted",
    markdown_link: "[a](b)",
    markdown_reference_link: "[a][b] [b]: http://x.example",
    markdown_image: "![i](x)",
    markdown_autolink: "<http://x.example>",
    markdown_backticks: "`code` ``two``",
    markdown_fence: "``` rust",
    markdown_tilde_fence: "~~~ strike ~~",
    markdown_table: "|a|b|",
    markdown_thematic_break: "---",
    markdown_setext_underline: "===",
    markdown_trailing_backslash: "ends with \\",
    markdown_escaped_star: "\\*not emphasis\\*",
    markdown_footnote: "[^1]",
    markdown_front_matter_delimiter: "+++",
    markdown_quotes_for_toml_front_matter: "\"double\" 'single' ''' \"\"\"",
}

// ---------------------------------------------------------------------------------------------
// 3. HTML.

markdown_literal! {
    html_script: "<script>alert(1)</script>",
    html_bold: "<b>bold</b>",
    html_comment: "<!-- hidden -->",
    html_entity_amp: "&amp;",
    html_entity_copy: "&copy;",
    html_numeric_entity: "&#42; &#x2A;",
}

// ---------------------------------------------------------------------------------------------
// Whitespace at the edges of a value. Four spaces at the start of a line or after a list
// marker or `> ` make an indented code block (which the PDF typesetter rejects, and which any
// other Markdown reader shows as code); whitespace just inside `**…**` or `*…*` stops the
// delimiters from counting, so the asterisks print.

#[test]
fn leading_spaces_do_not_make_code_blocks() {
    let hostile = "    indented";
    // The Markdown alone is written; it must have the letter's structure (no code block).
    let run = render("leading spaces, md", &hostile_case(hostile), &["--format", "md"]);
    assert_eq!(run.exit_code(), 0, "{}", run.describe());
    let md = md(&run);
    let got = structure(&md);
    assert!(
        !got.iter().any(|e| e.contains("CodeBlock")),
        "a value starting with spaces became a code block:\n{md}"
    );
    assert_eq!(got, baseline_structure(), "structure changed:\n{md}");
    // Leading spaces of a Markdown line are not text, so compare with whitespace folded.
    let fold = |s: &str| s.split_whitespace().collect::<Vec<_>>().join(" ");
    let shown = fold(&visible_text(&md));
    for (i, field) in FIELDS.iter().enumerate() {
        if !NOT_PRINTED.contains(field) {
            let want = fold(&value(i, hostile));
            assert!(shown.contains(&want), "`{field}` lost: {want:?}\n{shown}");
        }
    }
    // And the PDF renders.
    let run = render("leading spaces", &hostile_case(hostile), &[]);
    assert_eq!(
        run.exit_code(),
        0,
        "a value starting with spaces must render: {}",
        run.describe()
    );
}

#[test]
fn edge_spaces_do_not_print_asterisks() {
    let mut case = example();
    case = case.set("request.service", "outpatient consultation ");
    case = case.set("guidelines.0.body", "ASCO ");
    case = case.set("guidelines.0.title", " Palliative Care");
    let run = render("edge spaces", case.text(), &[]);
    assert_eq!(run.exit_code(), 0, "{}", run.describe());
    let md = md(&run);
    let shown = visible_text(&md);
    assert!(
        !shown.contains('*'),
        "literal asterisks in the letter text:\n{md}"
    );
    let (pdf, _) = letter_pdf_bodies(&run);
    assert!(!pdf.contains('*'), "literal asterisks in the PDF:\n{pdf}");
}

#[test]
fn no_break_spaces_at_the_edges_are_trimmed_and_keep_the_structure() {
    // Edge whitespace, no-break spaces included, is dropped from every value (it has no meaning
    // in a letter and would break the Markdown around it); the rest prints as written.
    let run = render("no-break space", &hostile_case("\u{A0}"), &["--format", "md"]);
    assert_eq!(run.exit_code(), 0, "{}", run.describe());
    let md = md(&run);
    assert_eq!(structure(&md), baseline_structure(), "structure changed:\n{md}");
    let shown = visible_text(&md);
    assert!(!shown.contains('*'), "literal asterisks:\n{md}");
    for (i, field) in FIELDS.iter().enumerate() {
        if !NOT_PRINTED.contains(field) {
            let tag = format!("zq{i:02}z");
            assert!(shown.contains(&tag), "`{field}` lost:\n{shown}");
        }
    }
}

#[test]
fn unicode_separators_stay_inline_and_combining_marks_print_literally() {
    // U+2028/U+2029 are line and paragraph separators, not control characters: they must not
    // start a new Markdown block. Liberation Serif has no glyph for them, so the PDF is a clear
    // error naming the character (exit 2, nothing written) unless a font has them.
    for (label, hostile, code) in [
        ("line separator", "a\u{2028}b", "U+2028"),
        ("paragraph separator", "a\u{2029}b", "U+2029"),
    ] {
        let run = render(label, &hostile_case(hostile), &["--format", "md"]);
        assert_eq!(run.exit_code(), 0, "{}", run.describe());
        assert_eq!(
            structure(&md(&run)),
            baseline_structure(),
            "[{label}] structure changed"
        );
        assert!(
            visible_text(&md(&run)).contains(&value(0, hostile)),
            "[{label}] text lost"
        );
        let run = render(label, &hostile_case(hostile), &[]);
        assert_eq!(run.exit_code(), 2, "{}", run.describe());
        assert!(
            run.stderr().contains(code),
            "[{label}] must name {code}: {}",
            run.describe()
        );
    }
    // A combining mark at the start of a value has no base character.
    assert_literal("leading combining mark", "\u{301}abc", &[]);
}

// ---------------------------------------------------------------------------------------------
// 4. Control characters: exit 2, with an error located at the value and naming the field,
// for every field; nothing written.

/// The 1-based line of `case_text` that holds `needle`.
fn line_of(case_text: &str, needle: &str) -> usize {
    case_text
        .lines()
        .position(|l| l.contains(needle))
        .unwrap_or_else(|| panic!("{needle} not in\n{case_text}"))
        + 1
}

fn assert_control_rejected(ch: char, path: &str, index: usize) {
    let mut case = example();
    let marker = tag(index);
    // Written as a TOML escape (`"\u0000"`), as a user would have to, on the value's line.
    case = case.set(path, &format!("before@CTRL@after {marker}"));
    let escape = format!("\\u{:04X}", u32::from(ch));
    let text = case.to_string().replace("@CTRL@", &escape);
    let label = format!("U+{:04X} in {path}", u32::from(ch));
    let run = render(&label, &text, &[]);
    assert_eq!(run.exit_code(), 2, "{}", run.describe());
    let line = line_of(&text, &marker);
    let at = format!("error: {}:{line}:", run.path("case.toml").display());
    assert!(
        run.stderr().starts_with(&at),
        "[{label}] the error must be located at line {line}, expected a message starting {at:?}: {}\n{text}",
        run.describe()
    );
    let what = format!("`{path}` contains the character U+{:04X}", u32::from(ch));
    assert!(
        run.stderr().contains(&what),
        "[{label}] expected {what:?}: {}",
        run.describe()
    );
}

#[test]
fn nul_in_any_field_is_a_located_error() {
    for (i, path) in FIELDS.iter().enumerate() {
        assert_control_rejected('\0', path, i);
    }
}

/// One field of each shape: a top-level table's text, an array entry, an array-of-tables
/// entry, a nested array-of-tables entry, a field the example lacks.
const CONTROL_SAMPLE: &[&str] = &[
    "denial.quote",
    "sender.address.1",
    "request.codes.0",
    "treatments.1.outcome",
    "care.prior_authorizations.1.service",
    "guidelines.0.section",
    "enclosures.2.title",
    "recipient.attention",
];

fn index_of(field: &str) -> usize {
    FIELDS.iter().position(|f| *f == field).unwrap()
}

#[test]
fn bell_is_a_located_error() {
    for path in CONTROL_SAMPLE {
        assert_control_rejected('\u{7}', path, index_of(path));
    }
}

#[test]
fn other_control_characters_are_located_errors() {
    // Escape, delete, C1 next-line, backspace, form feed, and the line breaks and tab the hint
    // mentions: each in a different field.
    let chars = ['\u{1b}', '\u{7f}', '\u{85}', '\u{8}', '\t', '\r', '\n', '\u{c}'];
    for (ch, path) in chars.into_iter().zip(CONTROL_SAMPLE.iter().cycle().skip(1)) {
        assert_control_rejected(ch, path, index_of(path));
    }
}

// ---------------------------------------------------------------------------------------------
// 5. Right-to-left text.

/// The fallback font fixture (a DejaVu Sans subset), as a `--font` argument.
fn fallback() -> String {
    fallback_font().display().to_string()
}

#[test]
fn hebrew_prints_literally_with_the_bundled_font() {
    // Liberation Serif has Hebrew. The letter stores text in logical order.
    assert_literal("hebrew", "שלום עולם", &[]);
}

#[test]
#[ignore = "known limitation: the PDF places right-to-left glyphs in logical order (no bidi reordering or Arabic joining); text extracts correctly but reads backwards on the page"]
fn hebrew_reads_right_to_left_on_the_page() {
    // pdftotext reads text in visual order and applies the bidi algorithm; it only gets the
    // logical word back if the glyphs were drawn right to left.
    let mut case = example();
    case = case.set("diagnosis.condition", "שלום");
    let run = render("hebrew, visual order", case.text(), &[]);
    assert_eq!(run.exit_code(), 0, "{}", run.describe());
    let Some(pages) = pdftotext_pages(&output(&run, "case.pdf")) else {
        eprintln!("skipped: pdftotext is not installed");
        return;
    };
    let text: String = pages.concat();
    assert!(
        text.contains("שלום"),
        "the word reads backwards on the page: pdftotext sees {:?}",
        text.lines().find(|l| l.contains("Diagnosis")).unwrap_or_default()
    );
}

#[test]
fn right_to_left_override_prints_literally() {
    // U+202E is a format character, not a control character: it is text and must survive.
    assert_literal("RLO", "abc\u{202E}def\u{202C}ghi", &[]);
}

#[test]
fn arabic_without_a_font_that_has_it_is_a_clear_error() {
    // Liberation Serif has no Arabic letters.
    let run = render("arabic, bundled font", &hostile_case("مرحبا"), &[]);
    assert_eq!(run.exit_code(), 2, "{}", run.describe());
    assert!(
        run.stderr().contains("U+0645") && run.stderr().contains("'م'"),
        "the error must name the character: {}",
        run.describe()
    );
    assert!(run.stderr().contains("fallback font"), "{}", run.describe());
}

#[test]
fn arabic_with_a_fallback_font_prints_literally() {
    assert_literal(
        "arabic, DejaVu Sans subset",
        "مرحبا بالعالم",
        &["--font", &fallback()],
    );
}

// ---------------------------------------------------------------------------------------------
// 6. Emoji.

#[test]
fn emoji_without_a_font_is_a_located_error_and_writes_nothing() {
    let hostile = "😀";
    let case_text = hostile_case(hostile);
    let run = render("emoji, bundled font", &case_text, &[]);
    assert_eq!(run.exit_code(), 2, "{}", run.describe());
    assert!(
        run.stderr().contains("U+1F600") && run.stderr().contains("'😀'"),
        "the error must name the character: {}",
        run.describe()
    );
    // It names where: the Markdown file, line and column of the first occurrence.
    let rest = run
        .stderr()
        .split_once("could not be typeset: case.md:")
        .map(|(_, rest)| rest)
        .unwrap_or_else(|| panic!("expected a case.md location: {}", run.describe()));
    let mut nums = rest.split(':').take(2).map(|n| n.parse::<usize>());
    let (Some(Ok(line)), Some(Ok(col))) = (nums.next(), nums.next()) else {
        panic!("expected case.md:LINE:COL: {}", run.describe());
    };
    // That place in the Markdown really holds the emoji.
    let md_run = render("emoji, Markdown only", &case_text, &["--format", "md"]);
    assert_eq!(md_run.exit_code(), 0, "{}", md_run.describe());
    let md = md(&md_run);
    let at_line = md.lines().nth(line - 1).unwrap_or_default();
    let from_col: String = at_line.chars().skip(col - 1).collect();
    assert!(
        from_col.starts_with(hostile),
        "case.md:{line}:{col} should point at the emoji, but the line is {at_line:?}"
    );
    // The Markdown itself prints the emoji literally.
    assert!(visible_text(&md).contains(&value(0, hostile)));
}

#[test]
fn emoji_with_a_font_that_has_it_prints_literally() {
    // DejaVu Sans has U+1F600 (fc-query: 1f600-1f623).
    assert_literal("emoji, DejaVu Sans subset", "😀 smile", &["--font", &fallback()]);
}

// ---------------------------------------------------------------------------------------------
// 7. A 200-character unbroken word.

#[test]
fn a_200_character_word_prints_whole() {
    let word: String = "Pneumonoultramicroscopicsilicovolcanoconiosis"
        .chars()
        .cycle()
        .take(200)
        .collect();
    let mut case = example();
    case = case.set("diagnosis.condition", &word);
    case = case.set("denial.quote", &word);
    let run = render("200-character word", case.text(), &[]);
    assert_eq!(run.exit_code(), 0, "{}", run.describe());
    let shown = visible_text(&md(&run));
    assert!(shown.contains(&word), "the word must read back whole:\n{shown}");
    let (pdf, reader) = letter_pdf_bodies(&run);
    let in_md = shown.matches(&word).count();
    for (who, text) in [("PDF text", Some(pdf)), ("pdftotext", reader)] {
        if let Some(text) = text {
            // The condition appears several times; the quote once more.
            let count = text.matches(&word).count();
            assert_eq!(
                count, in_md,
                "{who}: the PDF shows the word {count} times, the Markdown {in_md} times"
            );
        }
    }
    // A long word with break points (`/`, `.`, `-`) may be broken there, but nothing is added.
    let punct: String = "a/b.c-d".repeat(29);
    let mut case = example();
    case = case.set("diagnosis.condition", &punct);
    case = case.set("denial.quote", &punct);
    let run = render("200-character word with break points", case.text(), &[]);
    assert_eq!(run.exit_code(), 0, "{}", run.describe());
    let (pdf, reader) = letter_pdf_bodies(&run);
    for (who, text) in [("PDF text", Some(pdf)), ("pdftotext", reader)] {
        if let Some(text) = text {
            assert_eq!(
                text.matches(&punct).count(),
                shown_count(&run, &punct),
                "{who}: a long word broken at / . - must read back without added characters"
            );
        }
    }
}

fn shown_count(run: &Outcome, needle: &str) -> usize {
    visible_text(&md(run)).matches(needle).count()
}

// ---------------------------------------------------------------------------------------------
// 8. A 30-page clinical history.

#[test]
fn thirty_page_history_renders_with_page_numbers_on_every_page() {
    let sentence = "Cycle given at full dose with premedication; restaging CT of chest, abdomen and \
                    pelvis showed no new lesions; left ventricular ejection fraction stable on \
                    echocardiogram; grade 1 fatigue and grade 1 diarrhoea managed supportively. ";
    let treatments: Vec<toml::Value> = (1..=120)
        .map(|i| {
            let mut t = toml::Table::new();
            t.insert(
                "name".into(),
                toml::Value::String(format!(
                    "Line {i}: pertuzumab, trastuzumab and hyaluronidase with supportive care, course {i}"
                )),
            );
            t.insert("status".into(), toml::Value::String("completed".into()));
            t.insert(
                "outcome".into(),
                toml::Value::String(format!("{}end of course {i}", sentence.repeat(6))),
            );
            toml::Value::Table(t)
        })
        .collect();
    let case = example().set_value("treatments", toml::Value::Array(treatments));
    let run = render("30-page history", case.text(), &[]);
    assert_eq!(run.exit_code(), 0, "{}", run.describe());
    let shown = visible_text(&md(&run));
    for i in [1, 60, 120] {
        assert!(
            shown.contains(&format!("end of course {i}")),
            "course {i} missing"
        );
    }
    let pdf = output(&run, "case.pdf");
    let pages = assert_pdf_whole(&pdf, "30-page history");
    assert!(pages >= 30, "expected at least 30 pages, got {pages}");
    // lopdf: every page ends with "Page i of n" (checked inside) and the history is all there.
    let (body, reader) = letter_pdf_bodies(&run);
    for i in 1..=120 {
        assert!(
            body.contains(&squash(&format!("end of course {i}"))),
            "course {i} missing from the PDF"
        );
    }
    if let Some(texts) = pdftotext_pages(&pdf) {
        assert_eq!(
            texts.len(),
            pages,
            "pdftotext and lopdf disagree on the page count"
        );
        for (i, text) in texts.iter().enumerate() {
            let footer = format!("Page {} of {pages}", i + 1);
            assert!(
                text.lines().any(|l| l.trim() == footer),
                "pdftotext: page {} lacks {footer:?}:\n{text}",
                i + 1
            );
        }
        let reader = reader.unwrap();
        for i in 1..=120 {
            assert!(
                reader.contains(&squash(&format!("end of course {i}"))),
                "pdftotext: course {i} missing from the PDF"
            );
        }
    }
}
