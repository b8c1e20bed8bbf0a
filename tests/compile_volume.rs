//! `baosong compile`: a generated corpus bound into one volume.

mod support;

use std::path::Path;

use support::*;

/// `n` case stories in `dir/submissions`, categories and counties mixed.
fn corpus(dir: &Path, n: usize, duplex: bool) {
    let cats = ["典型活动案例", "典型职教故事", "典型宣传报道案例"];
    for i in 0..n {
        let d = dir.join(format!("submissions/school{i:02}"));
        std::fs::create_dir_all(d.join("photos")).unwrap();
        std::fs::write(
            d.join("photos/01.jpg"),
            baosong::testkit::jpeg(2400 + i as u32, 1600, None),
        )
        .unwrap();
        let body: String =
            "职业教育活动周期间，学校组织师生开展技能服务，受到居民欢迎。".repeat(30 + 3 * i);
        let toml = format!(
            "type = \"case\"\ncategory = \"{}\"\ntitle = \"第{i}个案例\"\nunit = \"第{i}职业学校\"\nregion = \"{}\"\nbody = \"\"\"\n一、活动概况\n\n{body}\n\"\"\"\n\n[[photos]]\npath = \"photos/01.jpg\"\ncaption = \"第{i}校的照片\"\n",
            cats[i % 3],
            if i % 2 == 0 { "东湖区" } else { "西湖区" }
        );
        std::fs::write(d.join("story.toml"), toml).unwrap();
    }
    // The notice's photo size rules are checked elsewhere.
    std::fs::write(dir.join("baosong.toml"), "[photo]\nmin_bytes = 0\n").unwrap();
    std::fs::write(
        dir.join("collection.toml"),
        format!(
            "title = \"2020年典型案例汇编\"\nissuer = \"南昌市教育局职成处\"\ndate = 2020-11-30\nsources = [\"submissions/**/*.toml\"]\ngroup_by = \"category\"\nduplex = {duplex}\nphoto_dpi = 150\n"
        ),
    )
    .unwrap();
}

fn compile(dir: &Path, extra: &[&str]) -> std::process::Output {
    let mut args = vec!["compile", "collection.toml", "-o", "out"];
    args.extend_from_slice(extra);
    run(&args, dir)
}

#[test]
fn contents_page_numbers_bookmarks_and_odd_starts() {
    if !have("pdftotext") {
        return;
    }
    let d = tempfile::tempdir().unwrap();
    corpus(d.path(), 6, true);
    let o = compile(d.path(), &[]);
    assert!(o.status.success(), "{}", stderr(&o));
    let pdf = d.path().join("out/2020年典型案例汇编.pdf");
    assert_valid_pdf(&pdf);
    let words = words(&pdf);
    let page_text = |p: usize| -> String {
        words
            .iter()
            .filter(|w| w.page == p)
            .map(|w| w.text.as_str())
            .collect()
    };
    let pages = words.iter().map(|w| w.page).max().unwrap();
    // The contents: every case with a page number; grouped by category in the notice's order.
    let toc_page = (1..=pages).find(|p| page_text(*p).contains("目")).unwrap();
    let toc = page_text(toc_page);
    let a = toc.find("典型活动案例").unwrap();
    let b = toc.find("典型职教故事").unwrap();
    let c = toc.find("典型宣传报道案例").unwrap();
    assert!(a < b && b < c, "{toc}");
    // Each case starts on the page the contents says, an odd one, and the
    // printed number there agrees.
    let mut first_physical = None;
    for i in 0..6 {
        let title = format!("第{i}个案例");
        let entry = toc
            .split(&format!("{title}（第{i}职业学校）"))
            .nth(1)
            .unwrap();
        let num: usize = entry
            .trim_start_matches('·')
            .chars()
            .take_while(|c| c.is_ascii_digit())
            .collect::<String>()
            .parse()
            .unwrap();
        let physical = (toc_page + 1..=pages)
            .find(|p| {
                words
                    .iter()
                    .any(|w| w.page == *p && w.text == title && (w.y1 - w.y0 - 22.0).abs() < 0.1)
            })
            .unwrap_or_else(|| panic!("{title} not found"));
        assert_eq!(physical % 2, 1, "{title} starts on an odd page");
        let first = *first_physical.get_or_insert(physical - num + 1);
        assert_eq!(physical - first + 1, num, "{title}: contents says {num}");
        let printed: String = words
            .iter()
            .filter(|w| w.page == physical && w.y0 > 262.0 * MM)
            .map(|w| w.text.as_str())
            .collect();
        assert_eq!(printed, format!("—{num}—"));
    }
    // Cover and contents carry no page number.
    for p in 1..first_physical.unwrap() {
        assert!(
            !words.iter().any(|w| w.page == p
                && w.y0 > 262.0 * MM
                && w.text.chars().all(|c| c.is_ascii_digit())),
            "page {p}"
        );
    }
    // Bookmarks: one per group and per case.
    if have("qpdf") {
        let json = tool(
            "qpdf",
            &["--json", "--json-key=outlines", pdf.to_str().unwrap()],
        );
        for want in ["典型活动案例", "第0个案例", "第5个案例"] {
            assert!(json.contains(want), "bookmark {want}");
        }
    }
}

#[test]
fn word_volume_has_contents_field_sections_and_page_numbers() {
    let d = tempfile::tempdir().unwrap();
    corpus(d.path(), 4, true);
    let o = compile(d.path(), &[]);
    assert!(o.status.success(), "{}", stderr(&o));
    let docx = d.path().join("out/2020年典型案例汇编.docx");
    let xml = zip_part(&docx, "word/document.xml");
    assert!(
        xml.contains("TOC \\f \\h \\z \\l 1-2"),
        "a TOC field over TC entries"
    );
    assert_eq!(
        xml.matches("TC &quot;").count() + xml.matches("TC \"").count(),
        4 + 3,
        "one entry per case and group"
    );
    assert_eq!(
        xml.matches("<w:sectPr>").count(),
        5,
        "front matter + one section per case"
    );
    assert_eq!(xml.matches(r#"<w:type w:val="oddPage"/>"#).count(), 4);
    assert!(xml.contains(r#"<w:pgNumType w:start="1""#) || xml.contains(r#"w:start="1""#));
    let settings = zip_part(&docx, "word/settings.xml");
    for want in [
        "<w:updateFields w:val=\"true\"/>",
        "<w:mirrorMargins/>",
        "<w:evenAndOddHeaders",
    ] {
        assert!(settings.contains(want), "{want} in settings: {settings}");
    }
    // The contents' cached page numbers are those of the PDF layout.
    if have("soffice") && have("pdftotext") {
        let lo = d.path().join("lo");
        std::fs::create_dir_all(&lo).unwrap();
        let pdf = libreoffice_pdf(&docx, &lo);
        let text: String = tool("pdftotext", &[pdf.to_str().unwrap(), "-"])
            .split_whitespace()
            .collect();
        for i in 0..4 {
            assert!(
                text.contains(&format!("第{i}个案例")),
                "LibreOffice shows case {i}"
            );
        }
        let ours: String = tool(
            "pdftotext",
            &[
                d.path()
                    .join("out/2020年典型案例汇编.pdf")
                    .to_str()
                    .unwrap(),
                "-",
            ],
        )
        .split_whitespace()
        .collect();
        assert_eq!(
            text.matches("个案例（").count(),
            ours.matches("个案例（").count()
        );
    }
}

#[test]
fn invalid_submissions_are_left_out_and_listed() {
    let d = tempfile::tempdir().unwrap();
    corpus(d.path(), 3, false);
    std::fs::write(
        d.path().join("submissions/school01/story.toml"),
        "title = \"坏的\"\n",
    )
    .unwrap();
    let short = d.path().join("submissions/school02/story.toml");
    let t = std::fs::read_to_string(&short).unwrap();
    let head = t.split("body = ").next().unwrap().to_string();
    std::fs::write(&short, format!("{head}body = \"太短。\"\n")).unwrap();
    let o = compile(d.path(), &[]);
    assert_eq!(o.status.code(), Some(1));
    let err = stderr(&o);
    assert!(
        err.contains("2 份材料未收入汇编") && err.contains("school02") && err.contains("1 个错误"),
        "{err}"
    );
    assert!(err.contains("汇编收入 1 篇案例"), "{err}");
    let o = compile(d.path(), &["--include-invalid"]);
    assert!(stderr(&o).contains("汇编收入 2 篇案例"), "{}", stderr(&o));
}

#[test]
fn photos_are_resampled_cached_and_originals_untouched() {
    let d = tempfile::tempdir().unwrap();
    corpus(d.path(), 2, false);
    let original = std::fs::read(d.path().join("submissions/school00/photos/01.jpg")).unwrap();
    let o = compile(d.path(), &["--format", "docx"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let docx = d.path().join("out/2020年典型案例汇编.docx");
    let media: Vec<_> = zip_names(&docx)
        .into_iter()
        .filter(|n| n.starts_with("word/media/"))
        .collect();
    assert_eq!(media.len(), 2);
    let p =
        baosong::photo::Photo::from_bytes(zip_bytes(&docx, &media[0]).into(), u64::MAX).unwrap();
    // 156 mm at 150 dpi.
    assert_eq!(p.stored_px.0, 921);
    assert_eq!(
        std::fs::read(d.path().join("submissions/school00/photos/01.jpg")).unwrap(),
        original
    );
    let cached = std::fs::read_dir(d.path().join("out/.baosong-cache"))
        .unwrap()
        .count();
    assert_eq!(cached, 2);
    // Same bytes again (from the cache).
    let first = std::fs::read(&docx).unwrap();
    compile(d.path(), &["--format", "docx"]);
    assert!(std::fs::read(&docx).unwrap() == first);
}
