//! Hostile input renders literally in both outputs and produces valid files.

mod support;

use support::*;

#[test]
fn markup_xml_and_rare_characters_render_literally() {
    let d = tempfile::tempdir().unwrap();
    let hostile = "#set text(fill: red) $x^2$ *粗* _斜_ `code` [链接] @ref <label> \\\\反斜杠 & < > \" ' ]]> \u{200f}右到左 😀 𠀀";
    let mut body = String::from(hostile);
    for i in 0..2000 {
        body.push_str(&format!("\n\n第{i}段。职业教育活动周内容。"));
    }
    let toml = format!(
        "title = \"#set 标题 $ & < > ]]>\"\nunit = \"某校\"\nbody = \"\"\"\n{body}\n\"\"\"\n"
    );
    std::fs::write(d.path().join("h.toml"), toml).unwrap();
    std::fs::write(
        d.path().join("baosong.toml"),
        "[text]\nmax_chars = 10000000\n",
    )
    .unwrap();
    let o = run(&["build", "h.toml"], d.path());
    assert!(o.status.success(), "{}", stderr(&o));
    // The .docx is well-formed XML holding the text as written.
    let xml = zip_part(&d.path().join("h.docx"), "word/document.xml");
    let doc = roxmltree::Document::parse(&xml).expect("well-formed document.xml");
    let text: String = doc
        .descendants()
        .filter(|n| n.tag_name().name() == "t")
        .filter_map(|n| n.text())
        .collect();
    assert!(text.contains("#set 标题 $ & < > ]]>"));
    assert!(text.contains(
        "#set text(fill: red) $x^2$ *粗* _斜_ `code` [链接] @ref <label> \\反斜杠 & < > \" ' ]]>"
    ));
    assert!(text.contains("第1999段。"));
    if have("pdftotext") {
        let pdf = d.path().join("h.pdf");
        let t: String = tool("pdftotext", &[pdf.to_str().unwrap(), "-"])
            .split_whitespace()
            .collect();
        assert!(t.contains("#set标题$&<>]]>"), "title literal");
        assert!(
            t.contains("#settext(fill:red)$x^2$*粗*_斜_`code`[链接]@ref<label>\\反斜杠&<>\"']]>"),
            "body literal"
        );
        assert!(t.contains("第1999段。"));
    }
    assert_valid_pdf(&d.path().join("h.pdf"));
}

#[test]
fn pdf_a_for_archiving() {
    let d = tempfile::tempdir().unwrap();
    write_case(d.path(), "case.toml", 3, &[(900, 600, None)]);
    let o = run(
        &[
            "build",
            "case.toml",
            "--format",
            "pdf",
            "--pdf-standard",
            "a-2b",
        ],
        d.path(),
    );
    assert!(o.status.success(), "{}", stderr(&o));
    let pdf = std::fs::read(d.path().join("case.pdf")).unwrap();
    let s = String::from_utf8_lossy(&pdf);
    assert!(
        s.contains("pdfaid:part") && s.contains("pdfaid:conformance"),
        "PDF/A identification in XMP"
    );
}
