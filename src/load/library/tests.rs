//! Tests for loading, cleaning, indexing and formatting.

use super::*;

fn fixture(name: &str) -> BibSource {
    let path = format!("{}/tests/fixtures/bib/{name}", env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    BibSource::new(format!("tests/fixtures/bib/{name}"), text)
}

fn load_ok(sources: &[BibSource]) -> Library {
    let (lib, diags) = Library::load(sources);
    assert!(diags.is_empty(), "unexpected diagnostics: {diags:#?}");
    lib
}

fn ama() -> Style {
    Style::by_name("american-medical-association").expect("AMA is bundled")
}

#[test]
fn bundled_library_is_clean_and_fully_curated() {
    let sources = Library::bundled();
    let lib = load_ok(&sources);
    let vocab = TagVocabulary::bundled().expect("tags.toml parses");
    // Every entry loads: one per line opening with `@` (the bundled files use no `@string`,
    // `@comment` or `@preamble`).
    let written = sources
        .iter()
        .flat_map(|s| s.text.lines())
        .filter(|l| l.trim_start().starts_with('@'))
        .count();
    assert_eq!(lib.entries().len(), written);
    for r in lib.entries() {
        assert!(!r.tags.is_empty(), "{} has no tags", r.key);
        for t in &r.tags {
            assert!(vocab.contains(t), "{}: unknown tag {t}", r.key);
        }
        assert!(
            r.fields.contains_key("verification"),
            "{} lacks verification",
            r.key
        );
        if let Verification::Unverified { note } = &r.verification {
            assert!(note.len() > 10, "{}: empty note", r.key);
        }
        for v in r.fields.values() {
            assert!(
                !v.contains(['{', '}']) || r.fields.get("doi") == Some(v),
                "{}: brace in {v}",
                r.key
            );
        }
    }
    // Seed 001 settles the initials, so these became verified.
    let clark = lib.get("clark2005delay").expect("clark");
    assert_eq!(clark.verification, Verification::Verified);
    assert_eq!(clark.field("author"), Some("Clark, M. A. and Thomas, J. M."));
    assert!(
        clark
            .field("verification_note")
            .unwrap_or("")
            .contains("seed 001")
    );
    assert!(lib.get("hussein2005soft").unwrap().verification.is_verified());
    assert!(
        !lib.get("lehnhardt2009importance")
            .unwrap()
            .verification
            .is_verified()
    );
    assert_eq!(lib.with_tag("palliative-care").count(), 10);
}

#[test]
fn cleans_accents_particles_and_corporate_authors() {
    let lib = load_ok(&[fixture("zotero-better-bibtex.bib")]);
    let r = lib.get("fixture2026particles").expect("fixture entry");
    assert_eq!(
        r.field("title"),
        Some("Synthetic fixture entry, not a real publication: LaTeX accents & name particles")
    );
    assert_eq!(r.field("pages"), Some("1–9"));
    let names: Vec<String> = r.authors().names.iter().map(PersonName::display).collect();
    assert_eq!(
        names,
        [
            "Šimić, Ana",
            "García, María",
            "Müller, Jörg",
            "van de Putte, L. B. A.",
            "National Comprehensive Cancer Network"
        ]
    );
    assert!(r.authors().names[4].literal);
    let lurkin = lib.get("lurkin2010epidemiological").unwrap();
    assert!(lurkin.field("author").unwrap().contains("Ducimetière, Françoise"));
    assert!(
        lurkin
            .field("title")
            .unwrap()
            .ends_with("in the Rhone-Alpes region")
    );
    // Better BibTeX writes a braced particle: `{von Mehren}` is one family name.
    let vm = lib.get("vonmehren2022soft").unwrap();
    assert_eq!(vm.authors().names[0].full_family(), "von Mehren");
    assert_eq!(vm.year(), Some("2022"));
    assert_eq!(
        vm.journal(),
        Some("Journal of the National Comprehensive Cancer Network")
    );
}

#[test]
fn ama_and_vancouver_from_better_bibtex() {
    let lib = load_ok(&[fixture("zotero-better-bibtex.bib")]);
    let refs: Vec<&Reference> = ["clark2005delay", "fixture2026particles"]
        .iter()
        .map(|k| lib.get(k).expect("key"))
        .collect();
    let out = format_bibliography(&refs, &ama()).expect("formats");
    assert_eq!(
        out[0],
        r"Clark MA, Thomas JM. Delay in referral to a specialist soft-tissue sarcoma unit. *Eur J Surg Oncol*. 2005;31(4):443-448. doi:10.1016/j.ejso.2004.11.016"
    );
    assert!(
        out[1].starts_with(
            r"Šimić A, García M, Müller J, van de Putte LBA, National Comprehensive Cancer Network. Synthetic"
        ),
        "{}",
        out[1]
    );
    assert!(out[1].contains(r"*Fixture J Pars*. 2026;1(1):1-9."), "{}", out[1]);
    let van = Style::by_name("vancouver").expect("vancouver");
    let out = format_bibliography(&refs[..1], &van).expect("formats");
    assert_eq!(
        out[0],
        r"Clark MA, Thomas JM. Delay in referral to a specialist soft-tissue sarcoma unit. Eur J Surg Oncol. 2005 May;31(4):443–8. doi:10.1016/j.ejso.2004.11.016 PubMed PMID: 15837054."
    );
}

#[test]
fn jabref_macros_case_insensitive_fields_crossref_and_parentheses() {
    let lib = load_ok(&[fixture("jabref.bib")]);
    let g = lib.get("Gutierrez2007").expect("entry");
    assert_eq!(g.field("journal"), Some("Annals of Surgery"));
    assert_eq!(g.field("month"), Some("June").or(g.field("month")));
    let f = lib.get("Ferrell2017").expect("entry");
    assert_eq!(f.field("doi"), Some("10.1200/JCO.2016.70.1474"));
    assert_eq!(
        f.field("note"),
        Some("Guideline of the American Society of Clinical Oncology")
    );
    assert_eq!(f.tags, ["palliative-care", "guideline"]);
    let nice = lib.get("NICE2006").expect("entry");
    assert_eq!(nice.authors().names.len(), 1);
    assert_eq!(
        nice.authors().names[0].family,
        "National Institute for Health and Clinical Excellence"
    );
    let talk = lib.get("FixtureTalk2026").expect("entry");
    assert_eq!(
        talk.field("booktitle"),
        Some("Synthetic Fixture Proceedings (not a real meeting)")
    );
    assert_eq!(talk.field("year"), Some("2026"));
    assert_eq!(talk.tags, ["guideline"]);
    let hillen = lib.get("Hillen2017").expect("parenthesised entry");
    assert!(hillen.authors().others);
    assert_eq!(hillen.field("volume"), Some("22"));
    let out = format_bibliography(&[hillen, g], &ama()).expect("formats");
    assert_eq!(
        out[0],
        r"Hillen MA, Medendorp NM, Daams JG, et al. Patient-driven second opinions in oncology: a systematic review. *The Oncologist*. 2017;22(10):1197-1211. doi:10.1634/theoncologist.2016-0429"
    );
    assert!(out[1].starts_with(r"Gutierrez JC, Perez EA, Moffat FL, Livingstone AS, Franceschi D, Koniaris LG. Should soft tissue sarcomas be treated at high-volume centers? An analysis"));
    let nccn = lib.get("NCCNsts").unwrap();
    let out = format_bibliography(&[nccn], &ama()).unwrap();
    assert!(
        out[0].starts_with(r"National Comprehensive Cancer Network. NCCN Clinical Practice"),
        "{}",
        out[0]
    );
}

#[test]
fn pubmed_export_with_capitalised_fields() {
    let lib = load_ok(&[fixture("pubmed.bib")]);
    let c = lib.get("pmid15837054").expect("entry");
    assert_eq!(
        c.field("title"),
        Some("Delay in referral to a specialist soft-tissue sarcoma unit")
    );
    assert_eq!(c.field("author"), Some("Clark, M. A. and Thomas, J. M."));
    assert_eq!(c.field("pmid"), Some("15837054"));
    let k = lib.get("pmid10590387").unwrap();
    assert_eq!(
        k.field("doi"),
        Some("10.1002/(SICI)1097-0142(19991201)86:11<2426::AID-CNCR34>3.0.CO;2-3")
    );
    let p = lib.get("pmid29959146").unwrap();
    assert_eq!(p.authors().names[0].family, "Pereira Gray");
    let van = Style::by_name("vancouver").unwrap();
    let out = format_bibliography(&[p], &van).unwrap();
    assert_eq!(
        out[0],
        "Pereira Gray DJ, Sidaway-Lee K, White E, Thorne A, Evans PH. Continuity of care with doctors-a matter of life and death? A systematic review of continuity of care and mortality. BMJ Open. 2018 Jun;8(6):e021161. doi:10.1136/bmjopen-2017-021161 PubMed PMID: 29959146; PubMed Central PMCID: PMC6042583."
    );
    assert_eq!(lib.search("BMJ open").len(), 1);
    assert_eq!(lib.search("second-opinion").len(), 1);
    assert_eq!(lib.search("15837054").len(), 1);
    assert_eq!(lib.search("kronz").len(), 1);
}

#[test]
fn tolerant_load_reports_broken_entries_and_keeps_good_ones() {
    let text = "@article{good1, title = {One}, keywords = {guideline}}\n\
                @article{broken, title = {Missing close\n\
                @article{good2, title = {Two}}\n\
                @article{a+b/c, title = {Bad key}}\n\
                @article{macro, journal = nosuchmacro}\n\
                @article{twice, title = {A}, title = {B}}\n\
                @article{orphan, crossref = {nowhere}}\n";
    let (lib, diags) = Library::load(&[BibSource::new("x.bib", text)]);
    let keys: Vec<&str> = lib.entries().iter().map(|r| r.key.as_str()).collect();
    assert_eq!(keys, ["good1", "good2", "macro", "twice", "orphan"]);
    let shown: Vec<String> = diags
        .iter()
        .map(|d| format!("{}:{}:{:?}", d.line, d.column, d.kind))
        .collect();
    assert!(shown.contains(&"2:26:Syntax".to_owned()), "{shown:?}");
    assert!(
        shown.iter().any(|s| s.starts_with("4:") && s.ends_with("Syntax")),
        "{shown:?}"
    );
    assert!(shown.contains(&"5:17:UndefinedMacro".to_owned()), "{shown:?}");
    assert!(shown.contains(&"6:30:DuplicateField".to_owned()), "{shown:?}");
    assert!(shown.contains(&"7:18:Crossref".to_owned()), "{shown:?}");
    let key_diag = diags.iter().find(|d| d.line == 4).expect("bad key diag");
    assert!(key_diag.to_string().starts_with("x.bib:4:"));
    assert!(key_diag.hint.as_deref().unwrap_or("").contains("a+b/c"));
    assert_eq!(lib.get("twice").unwrap().title(), "A");
}

#[test]
fn duplicate_keys_across_sources_name_both_places() {
    let a = BibSource::new("a.bib", "@misc{k1, title = {First}}\n");
    let b = BibSource::new("b.bib", "\n\n@misc{K1, title = {Second}}\n");
    let (lib, diags) = Library::load(&[a, b]);
    assert_eq!(lib.entries().len(), 1);
    assert_eq!(lib.get("k1").unwrap().title(), "First");
    assert!(lib.get("K1").is_none());
    assert_eq!(diags.len(), 1);
    assert_eq!(diags[0].kind, DiagnosticKind::DuplicateKey);
    let msg = diags[0].to_string();
    assert!(msg.starts_with("b.bib:3:1: duplicate key `K1`"), "{msg}");
    assert!(msg.contains("a.bib:1:1"), "{msg}");
}

#[test]
fn quoted_value_truncated_by_brace_quote_is_reported() {
    let text = "@article{k7, title = \"a {\"} b\", year = 1}\n";
    let (_, diags) = Library::load(&[BibSource::new("q.bib", text)]);
    assert!(
        diags.iter().any(|d| d.kind == DiagnosticKind::UnbalancedBraces),
        "{diags:#?}"
    );
}

#[test]
fn unknown_style_suggests_a_name() {
    let err = Style::by_name("vancuver").map(|_| ()).unwrap_err();
    assert!(matches!(err, StyleError::Unknown { .. }));
    let err = Style::by_name("american-medical").map(|_| ()).unwrap_err();
    assert!(err.to_string().contains("american-medical-association"), "{err}");
    assert!(
        Style::available()
            .iter()
            .any(|s| s.name == "vancouver" || s.name == "nlm-citation-sequence")
    );
    assert!(
        Style::available()
            .iter()
            .any(|s| s.name == "american-medical-association")
    );
}

#[test]
fn tag_vocabulary_reports_locations() {
    let err = TagVocabulary::from_toml("t.toml", "[tags]\nGood = \"x\"\n").unwrap_err();
    assert!(err.to_string().starts_with("t.toml:2:1:"), "{err}");
    let err = TagVocabulary::from_toml("t.toml", "[tags]\nx = 3\n").unwrap_err();
    assert!(err.to_string().starts_with("t.toml:2:"), "{err}");
    let v = TagVocabulary::bundled().unwrap();
    assert!(v.description("palliative-care").is_some());
}

#[test]
fn broken_entry_with_non_ascii_text_is_reported_not_a_panic() {
    // Regression (found by fuzzing): bibtex-parser's detailed pass sliced inside `۴`.
    let (lib, diags) = Library::load(&[BibSource::new("x.bib", "@\u{6f4}")]);
    assert!(lib.entries().is_empty());
    assert_eq!((diags[0].line, diags[0].column), (1, 2), "{diags:?}");
    // Locations are in characters on the real text.
    let text = "@article{ok,\n  title = {Jörg},\n  year = {2020}\n}\n@article{bad,\n  title = {Müller\n";
    let (lib, diags) = Library::load(&[BibSource::new("y.bib", text)]);
    assert_eq!(lib.entries().len(), 1);
    assert!(diags.iter().any(|d| d.line >= 5), "{diags:?}");
}

/// A deterministic xorshift stream for generated libraries.
fn rng(seed: u64) -> impl FnMut(usize) -> usize {
    let mut state = seed;
    move |n| {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        (state % n as u64) as usize
    }
}

/// A library text with `n` entries mixing everything the loader reports or cleans: accents,
/// ties, ligatures, case braces, macros, duplicate keys (in any case) and fields, crossrefs,
/// verification values, broken entries and parenthesised entries.
fn messy_library(n: usize, seed: u64) -> String {
    const VALUES: &[&str] = &[
        "Plain title",
        "1999",
        r#"M{\"u}ller, J{\"o}rg and van de Putte, L. B. A. and {National Comprehensive Cancer Network}"#,
        r"Garc{\'\i}a, Mar{\'\i}a and \v{S}imi\'c, Ana and others",
        r"{NCCN} soft-tissue sarcoma \& outcomes --- a review",
        "100--110",
        "a~b  c\n\td",
        r"TNF-$\alpha$ \emph{in vivo} ``quoted''",
        r"unbalanced {brace",
        r"10.1002/(SICI)1097-0142(19991201)86:11<2426::AID-CNCR34>3.0.CO;2-3",
        r"https://example.org/a\_b",
        " leading and trailing ",
        "Jörg Müller — café",
        "",
    ];
    const NAMES: &[&str] = &[
        "author",
        "title",
        "journal",
        "year",
        "pages",
        "doi",
        "url",
        "note",
        "editor",
        "Title",
        "AUTHOR",
        "booktitle",
        "verification_note",
        "verificationx",
        "abstract",
    ];
    let mut pick = rng(seed);
    let mut s = String::from("@string{jso = {Journal of Surgical Oncology}}\n\n");
    for i in 0..n {
        let key = match pick(40) {
            0 if i > 0 => format!("K{}", pick(i)),
            1 if i > 0 => format!("k{}", pick(i)),
            _ => format!("k{i}"),
        };
        let kind = ["article", "ARTICLE", "misc", "inproceedings", "InCollection"][pick(5)];
        let mut fields = Vec::new();
        for _ in 0..pick(10) {
            let name = NAMES[pick(NAMES.len())];
            fields.push(format!("  {name} = {{{}}}", VALUES[pick(VALUES.len())]));
        }
        match pick(8) {
            0 => fields.push("  journal = jso".to_owned()),
            1 => fields.push(format!("  crossref = {{k{}}}", pick(n + 5))),
            2 => fields.push(format!("  month = {}", ["jan", "jun", "dec"][pick(3)])),
            3 => fields.push("  title = \"a {\"} b\"".to_owned()),
            _ => {}
        }
        let status = ["verified", "unverified", " Verified ", "maybe"][pick(4)];
        fields.push(format!("  verification = {{{status}}}"));
        fields.push(format!(
            "  keywords = {{{}}}",
            ["a, b", "x;y ; ,z", "", " tag "][pick(4)]
        ));
        let body = fields.join(",\n");
        match pick(50) {
            0 => s.push_str(&format!("@{kind}{{{key},\n{body}\n\n")),
            1 | 2 => s.push_str(&format!("@{kind}({key},\n{body}\n)\n\n")),
            _ => s.push_str(&format!("@{kind}{{{key},\n{body}\n}}\n\n")),
        }
    }
    s
}

/// Everything a load produces, as text: entries, diagnostics, names and field locations.
fn describe(lib: &Library, diags: &[Diagnostic]) -> String {
    let mut out = format!("{:#?}\n{diags:#?}\n", lib.entries());
    for r in lib.entries() {
        out.push_str(&format!("{:?} {:?}", r.authors(), r.editors()));
        for f in ["title", "author", "crossref", "verification", "none"] {
            out.push_str(&format!(" {:?}", lib.field_location(r, f)));
        }
        let found = lib.get(&r.key).map(|x| x.origin.to_string());
        out.push_str(&format!(" {found:?}\n"));
    }
    out
}

#[test]
fn parallel_and_serial_loads_agree() {
    let sources = [
        BibSource::new("one.bib", messy_library(600, 0x9e37_79b9_7f4a_7c15)),
        BibSource::new("two.bib", messy_library(200, 0x2545_f491_4f6c_dd1d)),
    ];
    let serial = Parallelism {
        entries: usize::MAX,
        bytes: usize::MAX,
    };
    let parallel = Parallelism { entries: 0, bytes: 0 };
    let (lib_s, diags_s) = Library::load_with(&sources, serial);
    let (lib_p, diags_p) = Library::load_with(&sources, parallel);
    assert!(lib_s.entries().len() > 300, "{}", lib_s.entries().len());
    for kind in [
        DiagnosticKind::Syntax,
        DiagnosticKind::DuplicateKey,
        DiagnosticKind::DuplicateField,
        DiagnosticKind::UnbalancedBraces,
        DiagnosticKind::Crossref,
        DiagnosticKind::InvalidVerification,
    ] {
        assert!(diags_s.iter().any(|d| d.kind == kind), "no {kind:?} diagnostic");
    }
    assert_eq!(describe(&lib_s, &diags_s), describe(&lib_p, &diags_p));
    // The default thresholds pick one of the two.
    let (lib, diags) = Library::load(&sources);
    assert_eq!(describe(&lib, &diags), describe(&lib_s, &diags_s));
}

#[test]
fn fields_behave_like_a_sorted_map() {
    let names = [
        "verification_note",
        "zeta",
        "ab",
        "abcdefgh",
        "verification",
        "a",
        "abcdefghi",
        "abcdefgi",
        "verificationx",
        "title",
        "abcdefgh2",
        "b",
    ];
    let body: Vec<String> = names
        .iter()
        .enumerate()
        .map(|(i, n)| format!("{n} = {{v{i}}}"))
        .collect();
    let text = format!("@misc{{key, {}}}\n", body.join(", "));
    let reversed: Vec<String> = body.iter().rev().cloned().collect();
    let text_rev = format!("@misc{{key, {}}}\n", reversed.join(", "));
    // (`verification = {v4}` is reported; the fields are kept all the same.)
    let (lib, _) = Library::load(&[BibSource::new("f.bib", text)]);
    let (lib_rev, _) = Library::load(&[BibSource::new("r.bib", text_rev)]);
    let fields = &lib.get("key").unwrap().fields;
    let expected: BTreeMap<String, String> = names
        .iter()
        .enumerate()
        .map(|(i, n)| ((*n).to_owned(), format!("v{i}")))
        .collect();
    let pairs: Vec<(&str, &str)> = fields.iter().collect();
    let expected_pairs: Vec<(&str, &str)> = expected.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    assert_eq!(pairs, expected_pairs);
    assert_eq!(fields.len(), names.len());
    assert!(!fields.is_empty());
    assert!(fields.keys().eq(expected.keys().map(String::as_str)));
    assert!(fields.values().eq(expected.values().map(String::as_str)));
    assert!(fields.iter().rev().eq(expected_pairs.iter().rev().copied()));
    assert_eq!(format!("{fields:?}"), format!("{expected:?}"));
    for (name, value) in &expected {
        assert_eq!(fields.get(name), Some(value.as_str()));
        assert!(fields.contains_key(name));
    }
    for absent in [
        "",
        "abc",
        "abcdefg",
        "abcdefghij",
        "verification_notes",
        "Title",
        "zeta ",
    ] {
        assert_eq!(fields.get(absent), None, "{absent:?}");
        assert!(!fields.contains_key(absent));
    }
    // Equality does not depend on the order the fields were written in.
    assert_eq!(fields, &lib_rev.get("key").unwrap().fields);
}

#[test]
fn tags_split_on_commas_and_semicolons() {
    for keywords in [
        "",
        "a",
        "a, b",
        "x;y ; ,z",
        " tag ",
        ",,;",
        "ü ,\u{a0}b\u{a0}",
        "a;;b,,c",
    ] {
        let old: Vec<String> = keywords
            .split([',', ';'])
            .map(str::trim)
            .filter(|t| !t.is_empty())
            .map(str::to_owned)
            .collect();
        assert_eq!(split_tags(keywords), old, "{keywords:?}");
    }
}

#[test]
fn many_broken_entries_among_good_ones_keep_the_good_ones() {
    // Enough broken entries that they are blanked out before parsing (issue 11): the good
    // entries between them still load, and each broken one is reported where it starts.
    let mut text = String::from("@string{jco = {J Clin Oncol}}\n");
    for i in 0..3_000 {
        text.push_str(&format!(
            "@article{{good{i}, author = {{M{{\\\"u}}ller, J.}}, title = {{T}}, journal = jco # {{ x}}, month = jan, year = 2020}}\n"
        ));
        text.push_str(&format!("@article{{bad{i}, title = {{x, year = 2020\n"));
    }
    let (lib, diags) = Library::load(&[BibSource::new("mixed.bib", text)]);
    assert_eq!(lib.entries().len(), 3_000);
    assert_eq!(lib.get("good7").unwrap().journal(), Some("J Clin Oncol x"));
    let syntax: Vec<_> = diags
        .iter()
        .filter(|d| d.kind == DiagnosticKind::Syntax)
        .collect();
    assert_eq!(syntax.len(), 3_000);
    assert_eq!((syntax[0].line, syntax[0].column), (3, 1));
}

#[test]
fn a_missing_comma_blames_the_field_after_it_not_a_key() {
    let text = "@article{k,\n  title = {x}\n  year = {2020}\n}\n";
    let (_, diags) = Library::load(&[BibSource::new("comma.bib", text)]);
    let d = diags
        .iter()
        .find(|d| d.kind == DiagnosticKind::Syntax)
        .expect("reported");
    assert_eq!((d.line, d.column), (3, 3), "{d}");
    let hint = d.hint.as_deref().unwrap_or("");
    assert!(hint.contains("a comma is missing between fields"), "{hint}");
}

#[test]
fn doi_links_and_prefixes_load_as_bare_dois() {
    let text = "@article{a, doi = {https://doi.org/10.1000/xyz}}\n\
                @article{b, doi = {doi:10.1000/abc}}\n\
                @article{c, doi = { http://dx.doi.org/10.1000/def }}\n\
                @article{d, doi = {10.1000/ghi}}\n";
    let lib = load_ok(&[BibSource::new("z.bib", text)]);
    for (key, doi) in [
        ("a", "10.1000/xyz"),
        ("b", "10.1000/abc"),
        ("c", "10.1000/def"),
        ("d", "10.1000/ghi"),
    ] {
        assert_eq!(lib.get(key).unwrap().field("doi"), Some(doi), "{key}");
    }
}

#[test]
fn style_aliases_name_the_common_styles() {
    for (alias, canonical) in [
        ("ama", "american-medical-association"),
        ("APA", "american-psychological-association"),
        ("nlm", "nlm-citation-sequence"),
        ("chicago", "chicago-author-date"),
    ] {
        assert_eq!(Style::by_name(alias).expect(alias).name(), canonical);
    }
}

fn library_fixture(name: &str) -> BibSource {
    let path = format!("{}/tests/fixtures/library/{name}", env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    BibSource::new(format!("tests/fixtures/library/{name}"), text)
}

#[test]
fn hand_kept_comments_inside_entries_are_skipped_and_every_entry_loads() {
    let lib = load_ok(&[library_fixture("hand-kept.bib")]);
    let keys: Vec<&str> = lib.entries().iter().map(|r| r.key.as_str()).collect();
    assert_eq!(
        keys,
        [
            "bakitas2009enable",
            "hoerger2018elements",
            "kaasa2018commission",
            "temel2010nsclc",
            "ferrell2017asco"
        ]
    );
    let bakitas = lib.get("bakitas2009enable").unwrap();
    assert_eq!(bakitas.field("volume"), Some("302"));
    assert_eq!(bakitas.field("number"), Some("7"));
    let kaasa = lib.get("kaasa2018commission").unwrap();
    assert_eq!(kaasa.journal(), Some("The Lancet Oncology"));
    assert!(kaasa.field("note").unwrap().contains("(50% of the summary"));
    assert_eq!(
        lib.get("temel2010nsclc").unwrap().journal(),
        Some("New England Journal of Medicine")
    );
    assert!(lib.get("ferrell2017asco").unwrap().verification.is_verified());
}

#[test]
fn zotero_csl_json_maps_to_the_bibtex_fields() {
    let lib = load_ok(&[library_fixture("zotero.json")]);
    let keys: Vec<&str> = lib.entries().iter().map(|r| r.key.as_str()).collect();
    assert_eq!(
        keys,
        ["8JD4ZKXM", "Q2B7RWXN", "vanbutseleEffectEarlySystematic2018"]
    );
    let r = lib.get("8JD4ZKXM").unwrap();
    assert_eq!((r.origin.line, r.origin.column), (2, 2));
    assert_eq!(r.kind, "article");
    assert_eq!(r.field("pmid"), Some("25800768"));
    assert_eq!(r.field("pmcid"), Some("PMC4404422"));
    assert_eq!(r.field("pages"), Some("1438–1445"));
    assert_eq!(r.year(), Some("2015"));
    assert_eq!(r.field("month"), Some("5"));
    assert_eq!(r.field("shortjournal"), Some("J Clin Oncol"));
    assert_eq!(r.tags, ["palliative-care"]);
    assert!(r.verification.is_verified());
    assert!(r.field("finding").unwrap().starts_with("In the ENABLE III trial"));
    assert_eq!(r.field("note"), None);
    let authors = r.authors();
    assert_eq!(authors.names.len(), 12);
    assert_eq!(authors.names[0].full_family(), "Bakitas");
    let formatted = format_bibliography(&[r], &ama()).unwrap();
    assert!(
        formatted[0].starts_with("Bakitas MA, Tosteson TD, Li Z, et al. Early versus delayed"),
        "{formatted:?}"
    );
    let v = lib.get("vanbutseleEffectEarlySystematic2018").unwrap();
    assert!(!v.verification.is_verified());
    assert_eq!(v.authors().names[2].full_family(), "Van Belle");
}

#[test]
fn pubmed_ris_maps_to_the_bibtex_fields_with_made_keys() {
    let lib = load_ok(&[library_fixture("pubmed.ris")]);
    let keys: Vec<&str> = lib.entries().iter().map(|r| r.key.as_str()).collect();
    assert_eq!(keys, ["hoerger2018defining", "bakitas2009effects"]);
    let r = lib.get("bakitas2009effects").unwrap();
    assert_eq!(r.journal(), Some("JAMA"));
    assert_eq!(r.field("shortjournal"), None);
    assert_eq!(r.field("pmid"), Some("19690306"));
    assert_eq!(r.field("pmcid"), Some("PMC3657724"));
    assert_eq!(r.field("pages"), Some("741–749"));
    assert_eq!(r.tags, ["palliative-care", "Humans"]);
    assert!(!r.verification.is_verified());
    let h = lib.get("hoerger2018defining").unwrap();
    assert!(h.verification.is_verified());
    assert_eq!(h.field("shortjournal"), Some("J Clin Oncol"));
    assert_eq!(h.field("doi"), Some("10.1200/JCO.2017.75.6676"));
}

#[test]
fn the_same_paper_in_a_later_library_is_merged_into_the_earlier_entry() {
    let bundled = Library::bundled();
    let (alone, _) = Library::load(&bundled);
    assert_eq!(alone.merges(), [], "the bundled files share no paper");
    let mut sources = bundled.clone();
    sources.push(library_fixture("zotero.json"));
    let lib = load_ok(&sources);
    assert_eq!(lib.entries().len(), alone.entries().len() + 1);
    let merged: Vec<(&str, &str, &str)> = lib
        .merges()
        .iter()
        .map(|m| (m.merged.as_str(), m.kept.as_str(), m.by.as_str()))
        .collect();
    assert_eq!(
        merged,
        [
            ("8JD4ZKXM", "bakitas2015early", "DOI 10.1200/JCO.2014.58.6362"),
            (
                "Q2B7RWXN",
                "zimmermann2014early",
                "DOI 10.1016/S0140-6736(13)62416-2"
            ),
        ]
    );
    // The user's key names the kept entry, which keeps its fields and gains the finding.
    let r = lib.get("8JD4ZKXM").unwrap();
    assert_eq!(r.key, "bakitas2015early");
    assert!(r.origin.file.starts_with("references/"));
    assert!(r.field("finding").unwrap().contains("63%"));
    assert_eq!(r.field("journal"), Some("Journal of Clinical Oncology"));
    // A copy under the bundled key is merged too, not reported as a duplicate.
    let mut sources = bundled;
    sources.push(fixture("zotero-better-bibtex.bib"));
    let (lib, diags) = Library::load(&sources);
    assert!(
        !diags.iter().any(|d| d.kind == DiagnosticKind::DuplicateKey),
        "{diags:#?}"
    );
    assert!(
        lib.merges()
            .iter()
            .any(|m| m.merged == "clark2005delay" && m.kept == "clark2005delay")
    );
}
