//! End-to-end: `baosong build` on generated inputs, outputs read back.

mod support;

use std::path::Path;

use support::*;

fn build_ok(dir: &Path, file: &str, extra: &[&str]) {
    let mut args = vec!["build", file];
    args.extend_from_slice(extra);
    let o = run(&args, dir);
    assert!(o.status.success(), "build failed: {}", stderr(&o));
}

fn style<'a>(doc: &'a roxmltree::Document, id: &str) -> roxmltree::Node<'a, 'a> {
    doc.descendants()
        .find(|n| {
            n.has_tag_name("style")
                && n.attribute((
                    "http://schemas.openxmlformats.org/wordprocessingml/2006/main",
                    "styleId",
                )) == Some(id)
        })
        .unwrap_or_else(|| panic!("style {id}"))
}

const W: &str = "http://schemas.openxmlformats.org/wordprocessingml/2006/main";

fn child<'a>(n: roxmltree::Node<'a, 'a>, path: &[&str]) -> Option<roxmltree::Node<'a, 'a>> {
    let mut cur = n;
    for p in path {
        cur = cur.descendants().find(|c| c.has_tag_name((W, *p)))?;
    }
    Some(cur)
}

fn wattr<'a>(n: roxmltree::Node<'a, 'a>, name: &str) -> Option<&'a str> {
    n.attribute((W, name))
}

#[test]
fn docx_styles_name_the_mandated_faces_and_grid() {
    let dir = tempfile::tempdir().unwrap();
    write_case(dir.path(), "case.toml", 5, &[(1200, 800, None)]);
    build_ok(dir.path(), "case.toml", &["--format", "docx"]);
    let docx = dir.path().join("case.docx");
    assert!(
        !dir.path().join("case.pdf").exists(),
        "--format docx writes no PDF"
    );

    let styles_xml = zip_part(&docx, "word/styles.xml");
    let styles = roxmltree::Document::parse(&styles_xml).unwrap();
    let normals = styles
        .descendants()
        .filter(|n| n.has_tag_name((W, "style")) && wattr(*n, "styleId") == Some("Normal"))
        .count();
    assert_eq!(normals, 1, "exactly one Normal style");
    let expect = [
        ("BsTitle", "方正小标宋简体", "44"),
        ("BsUnit", "楷体_GB2312", "32"),
        ("Normal", "仿宋_GB2312", "32"),
        ("BsHeading1", "黑体", "32"),
        ("BsHeading2", "楷体_GB2312", "32"),
        ("BsHeading3", "仿宋_GB2312", "32"),
        ("BsCaption", "仿宋_GB2312", "28"),
        ("BsPageNumber", "宋体", "28"),
    ];
    for (id, face, sz) in expect {
        let s = style(&styles, id);
        let fonts = child(s, &["rFonts"]).unwrap();
        assert_eq!(wattr(fonts, "eastAsia"), Some(face), "{id}");
        assert_eq!(wattr(fonts, "hint"), Some("eastAsia"), "{id}");
        assert!(
            wattr(fonts, "asciiTheme").is_none() && wattr(fonts, "eastAsiaTheme").is_none(),
            "{id}"
        );
        assert_eq!(wattr(child(s, &["sz"]).unwrap(), "val"), Some(sz), "{id}");
    }
    assert_eq!(
        wattr(
            child(style(&styles, "Normal"), &["rFonts"]).unwrap(),
            "ascii"
        ),
        Some("Times New Roman")
    );
    assert!(
        child(style(&styles, "BsHeading3"), &["b"]).is_some(),
        "level-3 headings bold by custom"
    );
    let body = style(&styles, "Normal");
    let ind = child(body, &["ind"]).unwrap();
    assert_eq!(wattr(ind, "firstLine"), Some("630"), "2 × 15.75 pt");
    assert_eq!(wattr(ind, "firstLineChars"), Some("200"));
    let sp = child(body, &["spacing"]).unwrap();
    assert_eq!(
        (wattr(sp, "line"), wattr(sp, "lineRule")),
        (Some("579"), Some("exact"))
    );
    assert_eq!(wattr(child(body, &["jc"]).unwrap(), "val"), Some("both"));
    assert_eq!(
        wattr(
            child(style(&styles, "BsTitle"), &["snapToGrid"]).unwrap(),
            "val"
        ),
        Some("false")
    );
    let lang = styles
        .descendants()
        .find(|n| n.has_tag_name((W, "lang")))
        .expect("w:lang in defaults");
    assert_eq!(wattr(lang, "eastAsia"), Some("zh-CN"));

    let doc_xml = zip_part(&docx, "word/document.xml");
    let doc = roxmltree::Document::parse(&doc_xml).unwrap();
    let sect = doc
        .descendants()
        .find(|n| n.has_tag_name((W, "sectPr")))
        .unwrap();
    let pg = child(sect, &["pgSz"]).unwrap();
    assert_eq!(
        (wattr(pg, "w"), wattr(pg, "h")),
        (Some("11906"), Some("16838"))
    );
    let mar = child(sect, &["pgMar"]).unwrap();
    let m = |k| wattr(mar, k).unwrap().parse::<i32>().unwrap();
    // 37/35/28/26 mm in twips, text block 156 × 225 mm.
    assert_eq!(
        (m("top"), m("bottom"), m("left"), m("right")),
        (2098, 1984, 1587, 1474)
    );
    assert_eq!(11906 - m("left") - m("right"), 8845);
    let grid = child(sect, &["docGrid"]).unwrap();
    assert_eq!(wattr(grid, "linePitch"), Some("579"));
    // Every text run names its east-Asian face and the grid tracking.
    let runs: Vec<_> = doc
        .descendants()
        .filter(|n| n.has_tag_name((W, "r")) && child(*n, &["t"]).is_some())
        .collect();
    assert!(runs.len() > 5);
    for r in &runs {
        let f = child(*r, &["rFonts"]).expect("run fonts");
        assert!(wattr(f, "eastAsia").is_some());
    }
    let body_run = runs
        .iter()
        .find(|r| {
            child(**r, &["t"])
                .unwrap()
                .text()
                .unwrap_or("")
                .contains("社区")
        })
        .unwrap();
    assert_eq!(
        wattr(child(*body_run, &["spacing"]).unwrap(), "val"),
        Some("-5"),
        "−0.25 pt tracking"
    );
    // Title first, then blank, unit, blank, a level-1 heading.
    let paras: Vec<_> = doc
        .descendants()
        .filter(|n| n.has_tag_name((W, "p")))
        .collect();
    fn pstyle(p: &roxmltree::Node) -> String {
        child(*p, &["pStyle"])
            .and_then(|s| wattr(s, "val"))
            .unwrap_or("")
            .to_string()
    }
    assert_eq!(pstyle(&paras[0]), "BsTitle");
    assert_eq!(pstyle(&paras[2]), "BsUnit");
    assert_eq!(pstyle(&paras[4]), "BsHeading1");
    // Run-in level-2 heading: heading face on the marker and first sentence only.
    let h2 = paras.iter().find(|p| pstyle(p) == "BsHeading2").unwrap();
    let h2runs: Vec<_> = h2
        .descendants()
        .filter(|n| n.has_tag_name((W, "r")))
        .collect();
    assert_eq!(
        child(h2runs[0], &["t"]).unwrap().text(),
        Some("（一）线上展示，云端看职教。")
    );
    assert_eq!(
        wattr(child(h2runs[0], &["rFonts"]).unwrap(), "eastAsia"),
        Some("楷体_GB2312")
    );
    assert_eq!(
        wattr(child(h2runs[1], &["rFonts"]).unwrap(), "eastAsia"),
        Some("仿宋_GB2312")
    );

    // Photo: kept as JPEG, sized to the text width.
    let ext = doc
        .descendants()
        .find(|n| n.tag_name().name() == "extent")
        .unwrap();
    assert_eq!(ext.attribute("cx"), Some("5616000"), "156 mm");
    assert_eq!(ext.attribute("cy"), Some("3744000"), "104 mm for 3:2");
    let media: Vec<_> = zip_names(&docx)
        .into_iter()
        .filter(|n| n.starts_with("word/media/"))
        .collect();
    assert_eq!(media.len(), 1);
    assert!(media[0].ends_with(".jpeg"), "{media:?}");
    assert!(zip_bytes(&docx, &media[0]).starts_with(&[0xFF, 0xD8, 0xFF]));
    let types = zip_part(&docx, "[Content_Types].xml");
    let types = roxmltree::Document::parse(&types).unwrap();
    assert!(types
        .descendants()
        .any(|n| n.attribute("Extension") == Some("jpeg")
            && n.attribute("ContentType") == Some("image/jpeg")));

    // Footers: odd right, even left, PAGE field between dashes.
    let settings = zip_part(&docx, "word/settings.xml");
    assert!(settings.contains("evenAndOddHeaders"));
    let footers: Vec<String> = zip_names(&docx)
        .into_iter()
        .filter(|n| n.starts_with("word/footer"))
        .map(|n| zip_part(&docx, &n))
        .collect();
    assert_eq!(footers.len(), 2);
    for f in &footers {
        assert!(f.contains("PAGE"), "{f}");
        assert!(f.contains("— ") && f.contains(" —"), "{f}");
    }
    assert!(footers.iter().any(|f| f.contains(r#"w:jc w:val="right""#)));
    assert!(footers.iter().any(|f| f.contains(r#"w:jc w:val="left""#)));
    let fonts = zip_part(&docx, "word/fontTable.xml");
    for face in [
        "方正小标宋简体",
        "楷体_GB2312",
        "仿宋_GB2312",
        "黑体",
        "宋体",
    ] {
        assert!(
            fonts.contains(&format!(r#"w:name="{face}""#)),
            "{face} in fontTable"
        );
    }
}

#[test]
fn same_input_gives_same_bytes() {
    let dir = tempfile::tempdir().unwrap();
    write_case(
        dir.path(),
        "case.toml",
        4,
        &[(900, 600, None), (600, 900, Some(6))],
    );
    build_ok(dir.path(), "case.toml", &[]);
    let a = (
        std::fs::read(dir.path().join("case.pdf")).unwrap(),
        std::fs::read(dir.path().join("case.docx")).unwrap(),
    );
    let out = dir.path().join("again");
    build_ok(dir.path(), "case.toml", &["-o", out.to_str().unwrap()]);
    let b = (
        std::fs::read(out.join("case.pdf")).unwrap(),
        std::fs::read(out.join("case.docx")).unwrap(),
    );
    assert!(a.0 == b.0, "PDF differs between runs");
    assert!(a.1 == b.1, "docx differs between runs");
}

#[test]
fn rotated_photo_is_upright_in_word() {
    let dir = tempfile::tempdir().unwrap();
    // Stored 900×600 with EXIF orientation 6: displayed portrait.
    write_case(dir.path(), "case.toml", 2, &[(900, 600, Some(6))]);
    let original = std::fs::read(dir.path().join("photos/00.jpg")).unwrap();
    build_ok(dir.path(), "case.toml", &["--format", "docx"]);
    let docx = dir.path().join("case.docx");
    let doc_xml = zip_part(&docx, "word/document.xml");
    let doc = roxmltree::Document::parse(&doc_xml).unwrap();
    let find = |name: &str| {
        doc.descendants()
            .find(|n| n.tag_name().name() == name)
            .unwrap_or_else(|| panic!("no {name}"))
    };
    let num = |n: roxmltree::Node, a: &str| -> i64 { n.attribute(a).unwrap().parse().unwrap() };
    // Word's own way (as when a phone photo is inserted by hand): the
    // picture as stored, turned a quarter by the drawing; the extent is the
    // unturned size and effectExtent makes the box on the page portrait.
    let (ext, eff, xfrm) = (find("extent"), find("effectExtent"), find("xfrm"));
    assert_eq!(xfrm.attribute("rot"), Some("5400000"));
    let (cx, cy) = (num(ext, "cx"), num(ext, "cy"));
    assert_eq!(cy * 3, cx * 2, "stored 3:2 landscape: {cx}×{cy}");
    let shown_w = cx + num(eff, "l") + num(eff, "r");
    let shown_h = cy + num(eff, "t") + num(eff, "b");
    assert_eq!(shown_h, 150 * 36000, "portrait photos capped at 150 mm");
    assert_eq!(shown_w, 100 * 36000);
    // Never decoded: the original bytes, whose EXIF tag Word, WPS and
    // LibreOffice ignore inside a document.
    let media = zip_names(&docx)
        .into_iter()
        .find(|n| n.starts_with("word/media/"))
        .unwrap();
    assert!(
        zip_bytes(&docx, &media) == original,
        "the photo is embedded as it is"
    );
}

#[test]
fn bad_input_is_reported_with_position_and_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let text = "titel = \"x\"\nunit = \"某校\"\nbody = \"\"\"\n正文。\n\"\"\"\n";
    std::fs::write(dir.path().join("case.toml"), text).unwrap();
    let o = run(&["build", "case.toml"], dir.path());
    assert_eq!(o.status.code(), Some(2));
    let err = stderr(&o);
    assert!(err.contains("error[B0002]: 未知字段 `titel`"), "{err}");
    assert!(err.contains("case.toml:1:1"), "{err}");
    assert!(err.contains("是否想写 `title`？"), "{err}");
    assert!(err.contains("error[B0004]"), "{err}");
    assert!(!dir.path().join("case.pdf").exists() && !dir.path().join("case.docx").exists());
    assert_eq!(
        std::fs::read_to_string(dir.path().join("case.toml")).unwrap(),
        text,
        "input untouched"
    );

    let o = run(
        &["build", "case.toml", "--message-format", "json"],
        dir.path(),
    );
    let first: serde_json::Value =
        serde_json::from_str(String::from_utf8_lossy(&o.stdout).lines().next().unwrap()).unwrap();
    assert_eq!(first["code"], "B0002");
    assert_eq!(first["line"], 1);
    assert_eq!(first["column"], 1);
}

/// Centre of the pixels of a colour on every page of a PDF (rendered at 30
/// dpi), in page pixels; None when there are none.
fn centre_of(
    pages: &[image::RgbImage],
    want: fn(&image::Rgb<u8>) -> bool,
) -> Option<(usize, f64, f64)> {
    for (n, img) in pages.iter().enumerate() {
        let (mut sx, mut sy, mut k) = (0.0, 0.0, 0.0);
        for (x, y, p) in img.enumerate_pixels() {
            if want(p) {
                sx += x as f64;
                sy += y as f64;
                k += 1.0;
            }
        }
        if k > 20.0 {
            return Some((n, sx / k, sy / k));
        }
    }
    None
}

#[test]
fn photos_in_the_pdf_are_the_originals_drawn_upright() {
    if !have("pdfimages") || !have("pdftoppm") {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    write_case(
        dir.path(),
        "case.toml",
        1,
        &[(60, 40, None), (60, 40, None)],
    );
    // Stored 600×400, left half red and right half blue, EXIF 6 (turn
    // clockwise): shown portrait with red on top.
    let img = image::RgbImage::from_fn(600, 400, |x, _| {
        if x < 300 {
            image::Rgb([220, 0, 0])
        } else {
            image::Rgb([0, 0, 220])
        }
    });
    let mut plain = Vec::new();
    img.write_with_encoder(image::codecs::jpeg::JpegEncoder::new_with_quality(
        &mut plain, 90,
    ))
    .unwrap();
    let turned = baosong::testkit::with_orientation(&plain, 6);
    std::fs::write(dir.path().join("photos/00.jpg"), &turned).unwrap();
    // A PNG goes in too (Typst re-encodes it; no stand-in).
    let mut png = Vec::new();
    image::RgbImage::from_pixel(300, 200, image::Rgb([0, 200, 0]))
        .write_to(&mut std::io::Cursor::new(&mut png), image::ImageFormat::Png)
        .unwrap();
    std::fs::write(dir.path().join("photos/01.jpg"), &png).unwrap();
    let o = run(
        &["build", "case.toml", "--format", "pdf", "--force"],
        dir.path(),
    );
    assert!(
        stderr(&o).contains("B0202"),
        "the PNG is named: {}",
        stderr(&o)
    );
    let pdf = dir.path().join("case.pdf");
    assert_valid_pdf(&pdf);
    // The JPEG's stream is the original file, byte for byte.
    let out = dir.path().join("img");
    tool(
        "pdfimages",
        &["-j", pdf.to_str().unwrap(), out.to_str().unwrap()],
    );
    let jpgs: Vec<Vec<u8>> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| {
            p.file_name().unwrap().to_string_lossy().starts_with("img")
                && p.extension().is_some_and(|e| e == "jpg")
        })
        .map(|p| std::fs::read(p).unwrap())
        .collect();
    assert_eq!(jpgs.len(), 1, "one JPEG image (the PNG is not one)");
    assert!(jpgs[0] == turned, "embedded as it is, never decoded");
    // Drawn upright: red above blue, side by side horizontally.
    let prefix = dir.path().join("page");
    tool(
        "pdftoppm",
        &[
            "-r",
            "30",
            "-png",
            pdf.to_str().unwrap(),
            prefix.to_str().unwrap(),
        ],
    );
    let mut pages: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.file_name().unwrap().to_string_lossy().starts_with("page"))
        .collect();
    pages.sort();
    let pages: Vec<image::RgbImage> = pages
        .iter()
        .map(|p| image::open(p).unwrap().to_rgb8())
        .collect();
    let red = centre_of(&pages, |p| p[0] > 150 && p[1] < 80 && p[2] < 80).expect("red drawn");
    let blue = centre_of(&pages, |p| p[2] > 150 && p[0] < 80 && p[1] < 80).expect("blue drawn");
    assert_eq!(red.0, blue.0, "one photo, one page");
    assert!(red.2 + 5.0 < blue.2, "red above blue: {red:?} {blue:?}");
    assert!(
        (red.1 - blue.1).abs() < 3.0,
        "not side by side: {red:?} {blue:?}"
    );
    assert!(
        centre_of(&pages, |p| p[1] > 150 && p[0] < 80 && p[2] < 80).is_some(),
        "the PNG drawn"
    );
}

#[test]
fn photo_that_is_not_a_jpeg_is_named() {
    let dir = tempfile::tempdir().unwrap();
    write_case(dir.path(), "case.toml", 1, &[(64, 64, None)]);
    std::fs::write(dir.path().join("photos/00.jpg"), b"GIF89a fake").unwrap();
    let o = run(&["build", "case.toml"], dir.path());
    assert_eq!(o.status.code(), Some(1), "a rule violation");
    // Forced, the files are written with a placeholder where the photo would
    // be; the error is reported once and the exit status says so.
    let o = run(&["build", "case.toml", "--force"], dir.path());
    assert_eq!(o.status.code(), Some(1));
    assert!(dir.path().join("case.pdf").is_file() && dir.path().join("case.docx").is_file());
    assert_eq!(
        stderr(&o).matches("error[B0202]").count(),
        1,
        "{}",
        stderr(&o)
    );
    let err = stderr(&o);
    assert!(err.contains("error[B0202]") && err.contains("GIF"), "{err}");
}

#[test]
fn strict_fonts_refuses_lookalikes() {
    let dir = tempfile::tempdir().unwrap();
    write_case(dir.path(), "case.toml", 1, &[]);
    let o = run(&["build", "case.toml", "--strict-fonts"], dir.path());
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("error[B0301]"), "{}", stderr(&o));
    assert!(!dir.path().join("case.pdf").exists());
    // Without it: one plain warning, once, and a PDF.
    let o = run(&["build", "case.toml"], dir.path());
    assert!(o.status.success());
    assert_eq!(stderr(&o).matches("warning[B0301]").count(), 1);
}

#[test]
fn new_template_builds() {
    let dir = tempfile::tempdir().unwrap();
    for kind in ["case", "plan"] {
        let sub = dir.path().join(kind);
        let o = run(&["new", kind, sub.to_str().unwrap()], dir.path());
        assert!(o.status.success(), "{}", stderr(&o));
        // The unfilled case template is too short for the notice: it builds
        // with --force and says so; the plan has no length limit.
        let o = run(
            &["build", &format!("{kind}/{kind}.toml"), "--force"],
            dir.path(),
        );
        let want = if kind == "case" { 1 } else { 0 };
        assert_eq!(o.status.code(), Some(want), "{}", stderr(&o));
        assert!(
            sub.join(format!("{kind}.pdf")).is_file() && sub.join(format!("{kind}.docx")).is_file()
        );
        // A second `new` does not overwrite.
        let o = run(&["new", kind, sub.to_str().unwrap()], dir.path());
        assert_eq!(o.status.code(), Some(2));
    }
}

#[test]
fn help_is_chinese() {
    let o = bin().arg("--help").output().unwrap();
    let s = String::from_utf8_lossy(&o.stdout);
    assert!(
        s.contains("用法") && s.contains("排版成 Word") && s.contains("命令"),
        "{s}"
    );
}

#[test]
fn rare_character_is_reported_and_drawn() {
    let dir = tempfile::tempdir().unwrap();
    let p = write_case(dir.path(), "case.toml", 1, &[]);
    let text = std::fs::read_to_string(&p)
        .unwrap()
        .replace("11月8日", "张喆在11月8日");
    std::fs::write(&p, text).unwrap();
    let o = run(&["build", "case.toml", "--format", "pdf"], dir.path());
    assert!(o.status.success());
    let err = stderr(&o);
    assert!(
        err.contains("warning[B0104]") && err.contains("“喆”"),
        "{err}"
    );
    assert!(err.contains("case.toml:8:2"), "{err}");
    // Reported once, not again as a font fallback.
    assert!(!err.contains("B0302"), "{err}");
    if have("pdffonts") {
        let fonts = tool("pdffonts", &[dir.path().join("case.pdf").to_str().unwrap()]);
        assert!(
            fonts.contains("NotoSerifCJKsc-Regular"),
            "fallback face embedded: {fonts}"
        );
    }
}

#[test]
fn pdf_page_fonts_grid_and_page_numbers() {
    if !have("pdftotext") {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    write_case(dir.path(), "case.toml", 12, &[(1200, 800, None)]);
    build_ok(dir.path(), "case.toml", &["--format", "pdf"]);
    let pdf = dir.path().join("case.pdf");
    assert_valid_pdf(&pdf);
    let info = tool("pdfinfo", &[pdf.to_str().unwrap()]);
    assert!(
        info.contains("Page size:       595.276 x 841.89 pts (A4)"),
        "{info}"
    );
    let pages: usize = info.lines().find(|l| l.starts_with("Pages:")).unwrap()[6..]
        .trim()
        .parse()
        .unwrap();
    assert!(pages >= 2, "{info}");
    let fonts = tool("pdffonts", &[pdf.to_str().unwrap()]);
    for f in [
        "FandolFang",
        "FandolKai",
        "NotoSerifCJKsc-Bold",
        "NotoSansCJKsc-Medium",
    ] {
        let line = fonts
            .lines()
            .find(|l| l.contains(f))
            .unwrap_or_else(|| panic!("{f} embedded: {fonts}"));
        assert!(line.contains(" yes yes "), "{line}");
    }
    let text = tool("pdftotext", &[pdf.to_str().unwrap(), "-"]);
    for want in [
        "匠心筑梦",
        "南昌市第一中等专业学校",
        "一、活动概况",
        "第1张照片的说明",
    ] {
        assert!(text.contains(want), "{want} in text");
    }
    let words = words(&pdf);
    let left = 28.0 * MM;
    let right = 210.0 * MM - 26.0 * MM;
    let body: Vec<&Word> = words
        .iter()
        .filter(|w| w.page == 1 && (w.y1 - w.y0 - 16.0).abs() < 0.1 && w.y0 > 37.0 * MM + 80.0)
        .collect();
    assert!(body.len() > 10);
    // Baselines on the 28.95 pt grid.
    for pair in body.windows(2) {
        let d = pair[1].y0 - pair[0].y0;
        let steps = (d / 28.95).round();
        assert!(
            steps >= 1.0 && (d - steps * 28.95).abs() < 0.05,
            "pitch {d}"
        );
    }
    // Lines start at the left margin or two characters in (first lines).
    for w in &body {
        let indent = w.x0 - left;
        assert!(
            indent.abs() < 0.01 || (indent - 31.5).abs() < 0.01,
            "line starts at {indent} pt: {}",
            w.text
        );
    }
    // Full lines of pure Chinese text hold exactly 28 characters.
    let full: Vec<&&Word> = body
        .iter()
        .filter(|w| {
            (w.x0 - left).abs() < 0.01
                && w.x1 > right - 1.0
                && w.text.is_char_boundary(0)
                && !w.text.chars().any(|c| c.is_ascii())
        })
        .collect();
    assert!(full.len() >= 5, "{}", full.len());
    let n28 = full.iter().filter(|w| w.text.chars().count() == 28).count();
    assert!(
        n28 * 10 >= full.len() * 8,
        "most full lines hold 28: {:?}",
        full.iter()
            .map(|w| w.text.chars().count())
            .collect::<Vec<_>>()
    );
    // The title is set larger, centred.
    let title = words.iter().find(|w| w.text.contains("匠心筑梦")).unwrap();
    assert!((title.y1 - title.y0 - 22.0).abs() < 0.1);
    let line: Vec<&Word> = words
        .iter()
        .filter(|w| w.page == 1 && (w.y0 - title.y0).abs() < 0.1)
        .collect();
    let (x0, x1) = (line[0].x0, line.last().unwrap().x1);
    assert!(
        ((x0 + x1) / 2.0 - (left + right) / 2.0).abs() < 1.0,
        "centred: {x0}..{x1}"
    );
    // Page numbers 7 mm below the text block; odd right, even left, one character in.
    for page in 1..=2 {
        let nums: Vec<&Word> = words
            .iter()
            .filter(|w| w.page == page && w.y0 > 262.0 * MM)
            .collect();
        let text: String = nums
            .iter()
            .map(|w| w.text.as_str())
            .collect::<Vec<_>>()
            .join(" ");
        assert_eq!(text, format!("— {page} —"));
        assert!(
            (nums[0].y0 - 269.0 * MM).abs() < 0.5,
            "7 mm below: {}",
            nums[0].y0
        );
        if page == 1 {
            assert!(
                (nums.last().unwrap().x1 - (right - 14.0)).abs() < 3.0,
                "odd right: {}",
                nums.last().unwrap().x1
            );
        } else {
            assert!(
                (nums[0].x0 - (left + 14.0)).abs() < 3.0,
                "even left: {}",
                nums[0].x0
            );
        }
    }
}

#[test]
fn libreoffice_renders_the_docx_like_our_pdf() {
    if !have("soffice") || !have("pdfinfo") {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    write_case(dir.path(), "case.toml", 12, &[(1200, 800, None)]);
    build_ok(dir.path(), "case.toml", &[]);
    let lo_dir = dir.path().join("lo");
    std::fs::create_dir_all(&lo_dir).unwrap();
    let lo = libreoffice_pdf(&dir.path().join("case.docx"), &lo_dir);
    let pages = |p: &Path| -> i64 {
        let info = tool("pdfinfo", &[p.to_str().unwrap()]);
        assert!(
            info.contains("595.") && info.contains("x 841.") || info.contains("595 x 842"),
            "A4: {info}"
        );
        info.lines().find(|l| l.starts_with("Pages:")).unwrap()[6..]
            .trim()
            .parse()
            .unwrap()
    };
    let (ours, theirs) = (pages(&dir.path().join("case.pdf")), pages(&lo));
    assert!(
        (ours - theirs).abs() <= 1,
        "ours {ours} pages, LibreOffice {theirs}"
    );
    let fonts = tool("pdffonts", &[lo.to_str().unwrap()]);
    assert!(
        fonts.contains("FandolFang") && fonts.contains("FandolKai"),
        "mandated names resolved: {fonts}"
    );
    let text = tool("pdftotext", &[lo.to_str().unwrap(), "-"]);
    assert!(text.contains("匠心筑梦") && text.contains("一、活动概况"));
    // LibreOffice also fits 28 characters on a full line.
    let words = words(&lo);
    let n28 = words
        .iter()
        .filter(|w| w.text.chars().count() == 28 && !w.text.chars().any(|c| c.is_ascii()))
        .count();
    assert!(n28 >= 3, "LibreOffice lines of 28: {n28}");
}

#[test]
fn the_readme_example_builds() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let out = tempfile::tempdir().unwrap();
    for file in ["examples/case/story.toml", "examples/plan/plan.toml"] {
        let before = std::fs::read(root.join(file)).unwrap();
        let o = run(&["build", file, "-o", out.path().to_str().unwrap()], root);
        assert!(o.status.success(), "{file}: {}", stderr(&o));
        assert_eq!(
            std::fs::read(root.join(file)).unwrap(),
            before,
            "input unchanged"
        );
    }
    let docx = out.path().join("story.docx");
    let media: Vec<_> = zip_names(&docx)
        .into_iter()
        .filter(|n| n.starts_with("word/media/"))
        .collect();
    assert_eq!(media.len(), 3, "three photos");
    // The original JPEG bytes are kept, not re-encoded.
    let original = std::fs::read(root.join("examples/case/photos/01.jpg")).unwrap();
    assert!(media.iter().any(|m| zip_bytes(&docx, m) == original));
    let doc = zip_part(&docx, "word/document.xml");
    assert!(doc.contains("云端展风采") && doc.contains("南昌市第一中等专业学校"));
    if have("pdftotext") {
        let text = tool(
            "pdftotext",
            &[out.path().join("story.pdf").to_str().unwrap(), "-"],
        );
        assert!(text.contains("一、活动概况") && text.contains("护理专业学生为社区老人测量血压"));
    }
}
