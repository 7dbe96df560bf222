//! User libraries as reference managers and people write them: Zotero CSL-JSON, RIS, Better
//! BibTeX, JabRef and hand-kept BibTeX with comments; refusals with their positions; one source,
//! one reference across libraries; an advocate's finding reaching the letter.

mod common;

use common::{HER2, TestEnv};

const HAND_KEPT: &str = "tests/fixtures/library/hand-kept.bib";
const ZOTERO_JSON: &str = "tests/fixtures/library/zotero.json";
const PUBMED_RIS: &str = "tests/fixtures/library/pubmed.ris";

#[test]
fn comments_inside_hand_kept_entries_lose_no_entry() {
    let env = TestEnv::new();
    // Every entry is a paper the bundled library has, under another key: each is merged, and
    // nothing is broken.
    env.run(["refs", "check", HAND_KEPT])
        .success()
        .stdout_has("5 reference(s) checked (with the bundled library): no problems")
        .stdout_lacks("broken");
    env.run(["refs", "show", "kaasa2018commission", "--library", HAND_KEPT])
        .success()
        .stdout_has("@article{kaasa2018integration}")
        .stderr_lacks("warning");
    // Alone (not merged), each entry keeps what the comments sat between.
    let out = env.run(["refs", "list", "--library", HAND_KEPT, "--tag", "guideline"]);
    out.success();
    for key in ["kaasa2018integration", "ferrell2017integration"] {
        out.stdout_has(key);
    }
}

#[test]
fn a_zotero_csl_json_export_loads_and_merges_with_the_bundled_copies() {
    let env = TestEnv::new();
    let run = env.run(["refs", "check", ZOTERO_JSON]);
    run.code(1)
        .stdout_has("merged with another library's entry for the same paper (one source, one reference):")
        .stdout_has(
            "zotero.json:2:2: `8JD4ZKXM` is the same paper (DOI 10.1200/JCO.2014.58.6362) as `bakitas2015early` at references/palliative-more.bib:",
        )
        .stdout_has("`Q2B7RWXN` is the same paper (DOI 10.1016/S0140-6736(13)62416-2) as `zimmermann2014early`")
        // The third item has neither DOI nor PMID and no verification: listed, and the
        // check fails on it, as for a .bib entry.
        .stdout_has("zotero.json:60:2: `vanbutseleEffectEarlySystematic2018` has neither DOI nor PMID");
    env.run([
        "refs",
        "show",
        "vanbutseleEffectEarlySystematic2018",
        "--library",
        ZOTERO_JSON,
    ])
    .success()
    .stdout_has("journal      = The Lancet Oncology")
    .stdout_has("shortjournal = Lancet Oncol")
    .stdout_has("Vanbutsele G, Pardon K, Van Belle S, et al.");
    // The Zotero item key still names the merged paper.
    env.run(["refs", "show", "8JD4ZKXM", "--library", ZOTERO_JSON])
        .success()
        .stdout_has("@article{bakitas2015early}")
        .stdout_has("finding")
        .stdout_has("1-year survival was 63%");
}

#[test]
fn a_finding_from_a_csl_json_library_reaches_the_letter() {
    let env = TestEnv::new();
    let md = env
        .run([
            "render",
            HER2,
            "--library",
            ZOTERO_JSON,
            "--format",
            "md",
            "-o",
            "[ROOT]",
        ])
        .success()
        .file("her2-out-of-network.md");
    assert!(
        md.contains("Further published findings:\n\n- In the ENABLE III trial of 207 patients with advanced cancer, 1-year survival was 63% when palliative care started early and 48% when it started 3 months later [5]."),
        "{md}"
    );
    // Cited once, as the bundled entry formats it.
    assert_eq!(
        md.matches("Early versus delayed initiation of concurrent palliative oncology care")
            .count(),
        1,
        "{md}"
    );
    env.run(["explain", HER2, "--library", ZOTERO_JSON])
        .success()
        .stdout_has("prints the findings of bakitas2015early");
}

#[test]
fn a_pubmed_ris_export_loads_with_its_identifiers() {
    let env = TestEnv::new();
    env.run(["refs", "check", "--strict", PUBMED_RIS])
        .code(1)
        .stdout_has("tag `Humans` is not in the vocabulary");
    env.run(["refs", "check", PUBMED_RIS])
        .success()
        .stdout_has("pubmed.ris:1:1: `hoerger2018defining` is the same paper (DOI 10.1200/JCO.2017.75.6676) as `hoerger2018defining`")
        .stdout_has("pubmed.ris:30:1: `bakitas2009effects` is the same paper")
        .stdout_has("2 tags outside the vocabulary were ignored: Humans");
    // Alone, with a copy of the RIS file under another name, the made keys and fields show.
    env.copy(PUBMED_RIS, "mine.ris");
    let show = env.run([
        "refs",
        "show",
        "bakitas2009effects",
        "--library",
        "[ROOT]/mine.ris",
    ]);
    show.success().stdout_has("@article{bakitas2009effects}");
}

#[test]
fn two_user_libraries_with_the_same_paper_cite_it_once() {
    let env = TestEnv::new();
    env.write(
        "first.ris",
        "TY  - JOUR\nID  - first2014\nTI  - Early palliative care for patients with advanced cancer: a cluster-randomised controlled trial\nAU  - Zimmermann, Camilla\nT2  - The Lancet\nPY  - 2014\nDO  - https://doi.org/10.9999/zimmermann.copy\nKW  - palliative-care\nN1  - verification: verified\nER  - \n",
    );
    env.write(
        "second.json",
        r#"[{"id": "second2014", "type": "article-journal", "title": "Early palliative care for patients with advanced cancer", "DOI": "10.9999/ZIMMERMANN.COPY", "keyword": "continuity-of-care", "finding": "A sentence the advocate wrote."}]"#,
    );
    env.run(["refs", "check", "[ROOT]/first.ris", "[ROOT]/second.json"])
        .stdout_has("second.json:1:2: `second2014` is the same paper (DOI 10.9999/ZIMMERMANN.COPY) as `first2014` at ")
        .stdout_has("first.ris:1:1");
    env.run([
        "refs",
        "show",
        "second2014",
        "--library",
        "[ROOT]/first.ris",
        "--library",
        "[ROOT]/second.json",
    ])
    .success()
    .stdout_has("@article{first2014}")
    .stdout_has("tags: palliative-care, continuity-of-care")
    .stdout_has("finding      = A sentence the advocate wrote.");
}

#[test]
fn the_other_exports_check_against_the_bundled_library() {
    let env = TestEnv::new();
    for file in ["zotero-better-bibtex.bib", "jabref.bib", "pubmed.bib"] {
        let run = env.run(["refs", "check", &format!("tests/fixtures/bib/{file}")]);
        run.stdout_has("(with the bundled library)")
            .stdout_lacks("broken entry");
    }
    // A Better BibTeX copy of a bundled paper under the bundled key is merged, not a duplicate.
    env.run(["refs", "check", "tests/fixtures/bib/zotero-better-bibtex.bib"])
        .stdout_has("`clark2005delay` is the same paper (DOI 10.1016/j.ejso.2004.11.016) as `clark2005delay`")
        .stdout_lacks("duplicate key `clark2005delay`");
}

#[test]
fn refusals_name_their_position() {
    let env = TestEnv::new();
    env.write("bad.json", "[\n  {\"id\": \"a\", \"title\": \"x\",}\n]\n");
    env.run(["refs", "check", "[ROOT]/bad.json"])
        .code(1)
        .stdout_has("bad.json:2:28: not valid CSL-JSON: trailing comma")
        .stdout_has("hint: a CSL-JSON library is a list of items");
    env.run(["render", HER2, "--library", "[ROOT]/bad.json", "-o", "[ROOT]/out"])
        .code(2)
        .stderr_has("bad.json:2:28: not valid CSL-JSON");
    assert!(!env.exists("out"));
    env.write("object.json", "{\"items\": []}");
    env.run(["refs", "check", "[ROOT]/object.json"])
        .code(1)
        .stdout_has("object.json:1:1: a CSL-JSON library must be a list of items");
    env.write(
        "shape.json",
        "[\n  {\"id\": \"a\", \"author\": \"Doe, Jane\"},\n  42\n]",
    );
    env.run(["refs", "check", "[ROOT]/shape.json"])
        .code(1)
        .stdout_has("shape.json:2:3: item 1: `author` does not have the shape CSL-JSON gives it")
        .stdout_has("shape.json:3:3: item 2 is not an object");
    env.write(
        "broken.ris",
        "AU  - Stray, Line\nTY  - JOUR\nID  - ok2020\nTI  - Fine\nER  - \nTY  - JOUR\nID  - open2021\nTI  - Never ends\n",
    );
    env.run(["refs", "check", "[ROOT]/broken.ris"])
        .code(1)
        .stdout_has("broken.ris:1:1: text outside a RIS record")
        .stdout_has("broken.ris:6:1: RIS record has no `ER  - ` line before the end of the file");
    env.write(
        "latin1.bib",
        b"@article{k,\n  author = {M\xfcller, J\xf6rg},\n}\n",
    );
    env.run(["refs", "check", "[ROOT]/latin1.bib"])
        .code(2)
        .stderr_has("latin1.bib:2:14: is not UTF-8 text: byte 0xFC")
        .stderr_has("`ü` in Latin-1");
    env.copy(PUBMED_RIS, "ris-named.bib");
    env.run(["refs", "check", "[ROOT]/ris-named.bib"])
        .code(1)
        .stdout_has("ris-named.bib:1:1: no BibTeX entry in this file")
        .stdout_has("needs the .ris extension");
    env.write("lib.txt", "@article{k, title = {x}}");
    env.run(["refs", "list", "--library", "[ROOT]/lib.txt"])
        .code(2)
        .stderr_has("lib.txt: not a reference library appeal reads: the name must end in .bib (BibTeX), .json (CSL-JSON) or .ris (RIS)");
    env.run(["render", HER2, "--library", "[ROOT]/lib.txt", "-o", "[ROOT]/out"])
        .code(2)
        .stderr_has("not a reference library appeal reads");
}

#[test]
fn reading_commands_warn_about_broken_entries_and_go_on() {
    let env = TestEnv::new();
    env.write(
        "mine.bib",
        "@article{good2020,\n  title = {Fine},\n  year = {2020},\n  keywords = {guideline}\n}\n\n@article{broken,\n  title = {Unclosed\n",
    );
    for args in [
        vec!["refs", "list", "--library", "[ROOT]/mine.bib"],
        vec!["refs", "search", "Fine", "--library", "[ROOT]/mine.bib"],
        vec!["refs", "show", "good2020", "--library", "[ROOT]/mine.bib"],
        vec!["refs", "tags", "--library", "[ROOT]/mine.bib"],
    ] {
        env.run(&args)
            .success()
            .stderr_has("/mine.bib:8:11: broken entry skipped");
    }
    env.run(["refs", "search", "Fine", "--library", "[ROOT]/mine.bib"])
        .stdout_has("good2020");
}

#[test]
fn render_fails_only_when_the_letter_cites_a_broken_entry() {
    let env = TestEnv::new();
    env.write(
        "mine.bib",
        "@article{good2020,\n  title = {Fine},\n  year = {2020}\n}\n\n@article{broken2021,\n  title = {Unclosed,\n  year = {2021}\n}\n",
    );
    env.run([
        "render",
        HER2,
        "--format",
        "md",
        "-o",
        "[ROOT]/out",
        "--library",
        "[ROOT]/mine.bib",
    ])
    .success()
    .stderr_has("/mine.bib:6:1: broken entry skipped");
    let block = common::repo_file("templates/blocks/continuity-of-care.md")
        .replace("cites = [", "cites = [\"broken2021\", ");
    env.write("templates/blocks/continuity-of-care.md", block);
    env.run([
        "render",
        HER2,
        "--format",
        "md",
        "-o",
        "[ROOT]/out2",
        "--library",
        "[ROOT]/mine.bib",
        "--templates",
        "[ROOT]/templates",
    ])
    .code(2)
    .stderr_has("mine.bib:6:1: broken entry skipped")
    .stderr_has("hint: the letter cites `broken2021`");
    assert!(!env.exists("out2"));
}
