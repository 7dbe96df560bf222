//! Word documents (`--format docx`) and the letterhead image (issue 16): every document of a
//! packet as `.docx` with the Markdown's text, header and footer, paper sizes, identical
//! bytes on every run, and the logo in the Word document and on the PDF's first page.

mod common;

use common::{Case, HER2, TestEnv, WordDocument, markdown_paragraphs, root};

const LOGO_PNG: &str = "tests/fixtures/images/logo.png";
const LOGO_JPG: &str = "tests/fixtures/images/logo.jpg";

/// The bytes of `name` in `env`.
fn bytes(env: &TestEnv, name: &str) -> Vec<u8> {
    std::fs::read(env.join(name)).unwrap_or_else(|e| panic!("{name}: {e}"))
}

/// Asserts the body of `stem.docx` reads paragraph for paragraph as `stem.md`.
fn assert_same_text(env: &TestEnv, stem: &str) {
    let markdown = env.read(&format!("{stem}.md"));
    let word = WordDocument::read(&bytes(env, &format!("{stem}.docx")));
    let expected = markdown_paragraphs(&markdown);
    let got = word.paragraphs("word/document.xml");
    assert!(
        expected.len() > 3,
        "{stem}: too little text to compare: {expected:?}"
    );
    for (i, (want, have)) in expected.iter().zip(&got).enumerate() {
        assert_eq!(have, want, "{stem}: paragraph {i} differs");
    }
    assert_eq!(got.len(), expected.len(), "{stem}: paragraph count");
}

#[test]
fn word_text_equals_the_markdown_in_every_voice() {
    let cases = [
        ("patient", Case::example("her2-out-of-network.toml")),
        ("provider", Case::example("her2-non-preferred-drug.toml")),
        ("representative", Case::example("ppo-second-opinion.toml")),
    ];
    for (name, case) in cases {
        let env = TestEnv::new().with_case(&format!("{name}.toml"), case);
        env.run([
            "render",
            &format!("[ROOT]/{name}.toml"),
            "--format",
            "md,docx",
            "-o",
            "[ROOT]",
        ])
        .success()
        .stdout_has(format!("{name}.docx"))
        .stdout_has(format!("{name}.md"));
        assert!(!env.exists(&format!("{name}.pdf")), "md,docx writes no PDF");
        assert_same_text(&env, name);
    }
    // Every field of the case format, its letterhead beside it in the repository.
    let env = TestEnv::new();
    env.run([
        "render",
        "tests/cases/full.toml",
        "--format",
        "md,docx",
        "-o",
        "[ROOT]",
    ])
    .success();
    assert_same_text(&env, "full");
    let word = WordDocument::read(&bytes(&env, "full.docx"));
    assert!(word.names().contains(&"word/media/rIdImage1.png"));
}

#[test]
fn every_document_of_a_packet_is_written_in_all_three_formats() {
    let env = TestEnv::new();
    env.run(["render", HER2, "--packet", "--format", "all", "-o", "[ROOT]"])
        .success();
    let files = env.files("");
    let stems: Vec<String> = files
        .iter()
        .filter_map(|f| f.strip_suffix(".md"))
        .map(str::to_string)
        .collect();
    for must in [
        "her2-out-of-network",
        "her2-out-of-network-next-steps",
        "her2-out-of-network-fax-cover",
    ] {
        assert!(stems.iter().any(|s| s == must), "{must} missing in {files:?}");
    }
    for stem in &stems {
        for ext in ["pdf", "docx"] {
            assert!(
                files.contains(&format!("{stem}.{ext}")),
                "{stem}.{ext} in {files:?}"
            );
        }
        assert_same_text(&env, stem);
    }
    // `both` keeps meaning Markdown and PDF.
    let both = TestEnv::new();
    both.run(["render", HER2, "--format", "both", "-o", "[ROOT]"])
        .success();
    assert_eq!(
        both.files(""),
        [
            "her2-out-of-network-next-steps.md",
            "her2-out-of-network-next-steps.pdf",
            "her2-out-of-network.md",
            "her2-out-of-network.pdf"
        ]
    );
}

#[test]
fn the_running_header_is_on_later_pages_and_page_numbers_on_every_page() {
    let env = TestEnv::new();
    env.run(["render", HER2, "--format", "md,docx", "-o", "[ROOT]"])
        .success();
    let markdown = env.read("her2-out-of-network.md");
    let header = markdown
        .lines()
        .find_map(|l| l.strip_prefix("header = \""))
        .and_then(|l| l.strip_suffix('"'))
        .expect("the letter has a running header");
    let word = WordDocument::read(&bytes(&env, "her2-out-of-network.docx"));
    let document = word.xml("word/document.xml");
    // A different first page: its header is empty, the others carry the running header.
    assert!(document.contains("<w:titlePg"), "title page set");
    let first = document
        .split("<w:headerReference w:type=\"first\" r:id=\"")
        .nth(1)
        .and_then(|s| s.split('"').next())
        .expect("a first-page header");
    let default = document
        .split("<w:headerReference w:type=\"default\" r:id=\"")
        .nth(1)
        .and_then(|s| s.split('"').next())
        .expect("a default header");
    let part = |rid: &str| {
        let rels = word.xml("word/_rels/document.xml.rels");
        let target = rels
            .split(&format!("Id=\"{rid}\""))
            .nth(1)
            .and_then(|s| s.split("Target=\"").nth(1))
            .and_then(|s| s.split('"').next())
            .unwrap_or_else(|| panic!("{rid} in {rels}"));
        format!("word/{target}")
    };
    assert_eq!(word.paragraphs(&part(default)), [header]);
    assert!(word.paragraphs(&part(first)).is_empty());
    // Every footer: "Page N of M" as Word fields.
    let footers: Vec<&str> = word
        .names()
        .into_iter()
        .filter(|n| n.starts_with("word/footer"))
        .collect();
    assert_eq!(footers.len(), 2, "{footers:?}");
    for footer in footers {
        let xml = word.xml(footer);
        assert!(xml.contains("<w:instrText>PAGE</w:instrText>"), "{xml}");
        assert!(xml.contains("<w:instrText>NUMPAGES</w:instrText>"), "{xml}");
        assert_eq!(word.paragraphs(footer), ["Page 1 of 1"]);
    }
    // Styles a user edits with: headings, the quote, lists and the references.
    let styles = word.xml("word/styles.xml");
    for style in ["Heading1", "Heading2", "Quote", "ListParagraph", "Reference"] {
        assert!(styles.contains(&format!("w:styleId=\"{style}\"")), "{style}");
    }
    assert!(document.contains("<w:pStyle w:val=\"Reference\" />"));
    assert!(document.contains("<w:pStyle w:val=\"Quote\" />"));
    assert!(document.contains("<w:numPr>"), "lists use Word numbering");
    // The front matter's title and author are the document's properties.
    let core = word.xml("docProps/core.xml");
    assert!(core.contains("<dc:creator>Maria Lopez</dc:creator>"), "{core}");
    assert!(core.contains("2026-11-19T00:00:00Z"), "{core}");
}

#[test]
fn paper_size_sets_the_page() {
    let env = TestEnv::new();
    env.run(["render", HER2, "--format", "docx", "-o", "[ROOT]/letter"])
        .success();
    env.run([
        "render",
        HER2,
        "--format",
        "docx",
        "--paper",
        "a4",
        "-o",
        "[ROOT]/a4",
    ])
    .success();
    let page = |dir: &str| {
        let word = WordDocument::read(&bytes(&env, &format!("{dir}/her2-out-of-network.docx")));
        let xml = word.xml("word/document.xml");
        let size = xml.split("<w:pgSz ").nth(1).expect("page size");
        size[..size.find("/>").expect("element end")].trim().to_string()
    };
    assert_eq!(page("letter"), r#"w:w="12240" w:h="15840""#);
    assert_eq!(page("a4"), r#"w:w="11906" w:h="16838""#);
}

#[test]
fn the_same_input_gives_the_same_bytes() {
    let env = TestEnv::new();
    for dir in ["one", "two"] {
        env.run([
            "render",
            HER2,
            "--packet",
            "--format",
            "docx",
            "--letterhead",
            LOGO_PNG,
            "-o",
            &format!("[ROOT]/{dir}"),
        ])
        .success();
    }
    let names = env.files("one");
    assert_eq!(names, env.files("two"));
    assert!(names.len() >= 3, "{names:?}");
    for name in &names {
        assert!(
            bytes(&env, &format!("one/{name}")) == bytes(&env, &format!("two/{name}")),
            "{name} differs between runs"
        );
        // Every entry is dated with the letter, not the clock.
        let word = WordDocument::read(&bytes(&env, &format!("one/{name}")));
        for (entry, time) in &word.times {
            assert_eq!(*time, (2026, 11, 19, 0, 0, 0), "{name}: {entry}");
        }
    }
}

/// The images (width, height in pixels) each page of a PDF draws with `Do`.
fn pdf_images_per_page(pdf: &[u8]) -> Vec<Vec<(i64, i64)>> {
    let doc = lopdf::Document::load_mem(pdf).expect("a PDF");
    doc.get_pages()
        .values()
        .map(|&page| {
            let (inline, referenced) = doc.get_page_resources(page).expect("resources");
            let xobjects: Vec<&lopdf::Dictionary> = inline
                .into_iter()
                .chain(referenced.iter().filter_map(|id| doc.get_dictionary(*id).ok()))
                .filter_map(|r| r.get(b"XObject").ok())
                .filter_map(|x| match x {
                    lopdf::Object::Reference(id) => doc.get_dictionary(*id).ok(),
                    other => other.as_dict().ok(),
                })
                .collect();
            let content = doc.get_and_decode_page_content(page).expect("page content");
            content
                .operations
                .iter()
                .filter(|op| op.operator == "Do")
                .filter_map(|op| op.operands.first()?.as_name().ok())
                .filter_map(|name| {
                    let id = xobjects
                        .iter()
                        .find_map(|d| d.get(name).ok()?.as_reference().ok())?;
                    let stream = doc.get_object(id).ok()?.as_stream().ok()?;
                    let subtype = stream.dict.get(b"Subtype").and_then(|t| t.as_name()).ok();
                    (subtype == Some(b"Image".as_slice())).then(|| {
                        let n = |k: &[u8]| stream.dict.get(k).and_then(|v| v.as_i64()).unwrap_or(0);
                        (n(b"Width"), n(b"Height"))
                    })
                })
                .collect()
        })
        .collect()
}

#[test]
fn the_letterhead_is_on_page_one_of_the_pdf_and_in_the_word_document() {
    for logo in [LOGO_PNG, LOGO_JPG] {
        let env = TestEnv::new();
        env.run([
            "render",
            HER2,
            "--format",
            "all",
            "--letterhead",
            logo,
            "-o",
            "[ROOT]",
        ])
        .success();
        let pages = pdf_images_per_page(&bytes(&env, "her2-out-of-network.pdf"));
        assert!(pages.len() > 1, "{logo}: the letter runs over pages");
        assert_eq!(pages[0], [(240, 60)], "{logo}: the logo on page 1");
        assert!(pages[1..].iter().all(Vec::is_empty), "{logo}: only on page 1");
        let word = WordDocument::read(&bytes(&env, "her2-out-of-network.docx"));
        let media: Vec<&str> = word
            .names()
            .into_iter()
            .filter(|n| n.starts_with("word/media/"))
            .collect();
        assert_eq!(media.len(), 1, "{logo}: {media:?}");
        let image = word.bytes(media[0]);
        assert!(image.starts_with(b"\x89PNG\r\n\x1a\n"), "{logo}: stored as PNG");
        if logo == LOGO_PNG {
            assert_eq!(image, std::fs::read(root().join(logo)).unwrap().as_slice());
        }
        // Inline in the first paragraph, drawn at 96 pixels to the inch (240 px = 180 pt).
        let document = word.xml("word/document.xml");
        let body = document.split("<w:body>").nth(1).expect("a body");
        let first = &body[..body.find("</w:p>").expect("a paragraph")];
        assert!(
            first.contains(r#"<wp:extent cx="2286000" cy="571500" />"#),
            "{logo}: {first}"
        );
        // The text is the same with the logo as without it.
        assert_same_text(&env, "her2-out-of-network");
    }
}

#[test]
fn the_case_names_its_letterhead_relative_to_its_own_folder() {
    let env = TestEnv::new();
    env.copy(LOGO_JPG, "cases/art/logo.jpg");
    env.case(
        "cases/case.toml",
        Case::example("her2-out-of-network.toml")
            .replace_first("[sender]\n", "[sender]\nletterhead = \"art/logo.jpg\"\n"),
    );
    // Run from the repository root: the path is found beside the case, not the working folder.
    env.run([
        "render",
        "[ROOT]/cases/case.toml",
        "--format",
        "pdf,docx",
        "-o",
        "[ROOT]/out",
    ])
    .success();
    assert_eq!(pdf_images_per_page(&bytes(&env, "out/case.pdf"))[0], [(240, 60)]);
    let word = WordDocument::read(&bytes(&env, "out/case.docx"));
    assert!(word.names().iter().any(|n| n.starts_with("word/media/")));
    // --letterhead wins over the case's.
    env.run([
        "render",
        "[ROOT]/cases/case.toml",
        "--format",
        "pdf",
        "--letterhead",
        LOGO_PNG,
        "-o",
        "[ROOT]/flag",
    ])
    .success();
    assert_eq!(pdf_images_per_page(&bytes(&env, "flag/case.pdf"))[0], [(240, 60)]);
    // Markdown alone never reads the image, so a missing one does not stop it.
    let missing = env.case(
        "gone.toml",
        Case::example("her2-out-of-network.toml")
            .replace_first("[sender]\n", "[sender]\nletterhead = \"nowhere.png\"\n"),
    );
    env.run([
        "render",
        &missing.display().to_string(),
        "--format",
        "md",
        "-o",
        "[ROOT]/md",
    ])
    .success();
}

#[test]
fn a_bad_letterhead_is_refused_and_nothing_is_written() {
    let env = TestEnv::new();
    env.write("logo.gif", b"GIF89a\x01\x00\x01\x00\x00\x00\x00;");
    let png = std::fs::read(root().join(LOGO_PNG)).unwrap();
    env.write("cut.png", &png[..60]);
    env.write("empty.png", b"");
    let cases = [
        (
            "[ROOT]/logo.gif",
            "error: --letterhead [ROOT]/logo.gif: is not a PNG or JPEG image; it is a GIF image\n  hint: save the logo as PNG or JPEG",
        ),
        (
            "[ROOT]/cut.png",
            "error: --letterhead [ROOT]/cut.png: is a damaged PNG image (",
        ),
        (
            "[ROOT]/empty.png",
            "error: --letterhead [ROOT]/empty.png: is not a PNG or JPEG image; the file is empty",
        ),
        (
            "[ROOT]/missing.png",
            "error: --letterhead [ROOT]/missing.png: cannot be read (",
        ),
        (
            "[ROOT]",
            "error: --letterhead [ROOT]: is a folder, not a regular file",
        ),
    ];
    for (image, expected) in cases {
        let outcome = env.run([
            "render",
            HER2,
            "--format",
            "all",
            "--letterhead",
            image,
            "-o",
            "[ROOT]/out",
        ]);
        outcome.code(2);
        assert!(
            outcome.normalized_stderr().starts_with(expected),
            "{}",
            outcome.describe()
        );
        assert!(env.files("out").is_empty(), "{image}: files written");
    }
    // From the case: the message names the case, the line as written and where it looked.
    let case = env.case(
        "case.toml",
        Case::example("her2-out-of-network.toml")
            .replace_first("[sender]\n", "[sender]\nletterhead = \"logo.gif\"\n"),
    );
    let outcome = env.run([
        "render",
        &case.display().to_string(),
        "--format",
        "docx",
        "-o",
        "[ROOT]/out",
    ]);
    outcome.code(2);
    assert_eq!(
        outcome.normalized_stderr(),
        "error: [ROOT]/case.toml: [sender] letterhead = \"logo.gif\": [ROOT]/logo.gif: is not a PNG or JPEG image; it is a GIF image\n  hint: save the logo as PNG or JPEG (an image editor's \"Export\" does it), or remove `letterhead` from [sender] (a path there is relative to the case file's folder)\n"
    );
    assert!(env.files("out").is_empty());
}

#[test]
fn batch_writes_word_documents() {
    let env = TestEnv::new();
    env.copy(HER2, "in/a.toml");
    env.copy("examples/ppo-second-opinion.toml", "in/b.toml");
    env.run(["batch", "[ROOT]/in", "--format", "md,docx", "-o", "[ROOT]/out"])
        .success()
        .stdout_has("rendered 2 of 2 cases (4 files");
    assert_eq!(env.files("out"), ["a.docx", "a.md", "b.docx", "b.md"]);
    for stem in ["a", "b"] {
        let markdown = env.read(&format!("out/{stem}.md"));
        let word = WordDocument::read(&bytes(&env, &format!("out/{stem}.docx")));
        assert_eq!(
            word.paragraphs("word/document.xml"),
            markdown_paragraphs(&markdown),
            "{stem}"
        );
    }
}

#[test]
fn appeal_pdf_takes_a_letterhead_for_a_hand_edited_letter() {
    let env = TestEnv::new();
    env.run(["render", HER2, "--format", "md", "-o", "[ROOT]"])
        .success();
    env.run([
        "pdf",
        "[ROOT]/her2-out-of-network.md",
        "--letterhead",
        LOGO_JPG,
        "-o",
        "[ROOT]/signed.pdf",
    ])
    .success();
    assert_eq!(pdf_images_per_page(&bytes(&env, "signed.pdf"))[0], [(240, 60)]);
}
