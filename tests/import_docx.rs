//! `baosong import`: Word files back into TOML, from our own builds, from
//! LibreOffice, and from hand-made odd structure.

mod support;

use std::io::Write;
use std::path::Path;

use support::*;

fn examples() -> &'static Path {
    Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/examples"))
}

fn docx(document_xml: &str, numbering: Option<&str>) -> Vec<u8> {
    docx_of(document_xml, numbering)
}

const NS: &str = r#"xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships""#;

#[test]
fn round_trip_of_our_own_case_story() {
    let d = tempfile::tempdir().unwrap();
    let o = run(
        &["build", "case/story.toml", "-o", d.path().to_str().unwrap()],
        examples(),
    );
    assert!(o.status.success(), "{}", stderr(&o));
    let o = run(&["import", "story.docx"], d.path());
    assert!(o.status.success(), "{}", stderr(&o));
    let imported = d.path().join("story/story.toml");
    let a = baosong::input::load_file(&examples().join("case/story.toml"))
        .document
        .unwrap();
    let b = baosong::input::load_file(&imported).document.unwrap();
    assert_eq!(a.title.value, b.title.value);
    assert_eq!(a.unit.value, b.unit.value);
    let paras = |t: &str| {
        baosong::ir::body::paragraphs(t)
            .into_iter()
            .map(|p| p.text)
            .collect::<Vec<_>>()
    };
    assert_eq!(paras(&a.body.value), paras(&b.body.value));
    assert_eq!(a.photos.len(), b.photos.len());
    for (x, y) in a.photos.iter().zip(&b.photos) {
        assert_eq!(
            x.caption.as_ref().map(|c| &c.value),
            y.caption.as_ref().map(|c| &c.value)
        );
        assert!(
            std::fs::read(&x.resolved).unwrap() == std::fs::read(&y.resolved).unwrap(),
            "photo bytes kept"
        );
    }
    // Rebuilding the imported file gives the same document.
    let again = d.path().join("again");
    let o = run(
        &[
            "build",
            imported.to_str().unwrap(),
            "-o",
            again.to_str().unwrap(),
            "--format",
            "docx",
        ],
        d.path(),
    );
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(
        zip_part(&d.path().join("story.docx"), "word/document.xml"),
        zip_part(&again.join("story.docx"), "word/document.xml")
    );
    // A second import does not overwrite the first.
    let o = run(&["import", "story.docx"], d.path());
    assert_eq!(o.status.code(), Some(2));
}

#[test]
fn highlights_table_is_recognised() {
    let d = tempfile::tempdir().unwrap();
    run(
        &[
            "build",
            "highlights/highlights.toml",
            "-o",
            d.path().to_str().unwrap(),
            "--format",
            "docx",
        ],
        examples(),
    );
    let o = run(&["import", "highlights.docx"], d.path());
    assert!(o.status.success(), "{}", stderr(&o));
    let t = std::fs::read_to_string(d.path().join("highlights/highlights.toml")).unwrap();
    assert!(t.contains("type = \"highlights\""));
    assert_eq!(t.matches("[[rows]]").count(), 3);
    assert!(
        t.contains("name = \"网上开放日\"") && t.contains("contact = \"李老师 0791-83989457\"")
    );
}

#[test]
fn files_that_are_not_docx_are_named() {
    let d = tempfile::tempdir().unwrap();
    for (name, bytes, want) in [
        ("a.docx", b"%PDF-1.7 ...".to_vec(), "这是 PDF 文件"),
        (
            "b.docx",
            vec![0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1],
            "旧版 Word 文件（.doc）",
        ),
        ("c.docx", b"hello".to_vec(), "不是 Word 文件"),
    ] {
        std::fs::write(d.path().join(name), bytes).unwrap();
        let o = run(&["import", name], d.path());
        assert_eq!(o.status.code(), Some(2));
        assert!(
            stderr(&o).contains("error[B1001]") && stderr(&o).contains(want),
            "{}",
            stderr(&o)
        );
    }
    // A zip of something else.
    let mut z = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    z.start_file("x.txt", zip::write::SimpleFileOptions::default())
        .unwrap();
    let bytes = z.finish().unwrap().into_inner();
    std::fs::write(d.path().join("z.docx"), bytes).unwrap();
    assert!(stderr(&run(&["import", "z.docx"], d.path())).contains("没有 Word 文档"));
}

#[test]
fn tracked_changes_fields_text_boxes_and_word_numbering() {
    let xml = format!(
        r#"<w:document {NS}><w:body>
<w:p><w:pPr><w:jc w:val="center"/></w:pPr><w:r><w:rPr><w:rFonts w:eastAsia="宋体"/><w:sz w:val="36"/></w:rPr><w:t>标题</w:t></w:r></w:p>
<w:p><w:pPr><w:jc w:val="center"/></w:pPr><w:r><w:t>某职业学校</w:t></w:r></w:p>
<w:p><w:r><w:t xml:space="preserve">　　正文</w:t></w:r><w:ins><w:r><w:t>新增</w:t></w:r></w:ins><w:del><w:r><w:delText>删除</w:delText></w:r></w:del><w:r><w:fldChar w:fldCharType="begin"/></w:r><w:r><w:instrText>PAGE</w:instrText></w:r><w:r><w:fldChar w:fldCharType="separate"/></w:r><w:r><w:t>7</w:t></w:r><w:r><w:fldChar w:fldCharType="end"/></w:r><w:hyperlink r:id="x"><w:r><w:t>链接&amp;文字</w:t></w:r></w:hyperlink><w:r><w:pict><w:txbxContent><w:p><w:r><w:t>文本框</w:t></w:r></w:p></w:txbxContent></w:pict></w:r><w:commentRangeStart w:id="1"/><w:r><w:t>第二行</w:t><w:br/><w:t>续</w:t></w:r></w:p>
<w:p><w:pPr><w:numPr><w:ilvl w:val="0"/><w:numId w:val="5"/></w:numPr></w:pPr><w:r><w:t>活动概况</w:t></w:r></w:p>
<w:p><w:pPr><w:numPr><w:ilvl w:val="0"/><w:numId w:val="5"/></w:numPr></w:pPr><w:r><w:t>主要做法</w:t></w:r></w:p>
<w:p/>
</w:body></w:document>"#
    );
    let numbering = r#"<w:numbering xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:abstractNum w:abstractNumId="1"><w:lvl w:ilvl="0"><w:numFmt w:val="chineseCounting"/><w:lvlText w:val="%1、"/></w:lvl></w:abstractNum><w:num w:numId="5"><w:abstractNumId w:val="1"/></w:num></w:numbering>"#;
    let c = baosong::import::docx::read(&docx(&xml, Some(numbering))).unwrap();
    let paras = c.paragraphs();
    let texts: Vec<&str> = paras.iter().map(|p| p.text.as_str()).collect();
    assert_eq!(texts[0], "标题");
    assert!(paras[0].centered());
    assert_eq!(paras[0].dominant_size().map(|s| s.0), Some(18.0));
    assert_eq!(
        paras[0].dominant_face().map(|f| f.0).as_deref(),
        Some("宋体")
    );
    assert_eq!(texts[2], "　　正文新增7链接&文字第二行\n续");
    // A text box's text follows the paragraph that anchors it.
    assert_eq!(texts[3], "文本框");
    assert_eq!(texts[4], "一、活动概况");
    assert_eq!(texts[5], "二、主要做法");
    let imported = baosong::import::to_toml(&c, &baosong::rules::Rules::default());
    assert!(
        imported.toml.contains("title = \"标题\"")
            && imported.toml.contains("unit = \"某职业学校\""),
        "{}",
        imported.toml
    );
    assert!(
        imported
            .toml
            .contains("正文新增7链接&文字第二行续\n\n文本框\n\n一、活动概况"),
        "{}",
        imported.toml
    );
    assert!(imported.notes.iter().any(|n| n
        .message
        .contains("标题（第 1 段）使用了 宋体 小二，要求方正小标宋简体 二号")));
}

#[test]
fn libreoffice_made_docx_imports() {
    if !have("soffice") {
        return;
    }
    let d = tempfile::tempdir().unwrap();
    std::fs::write(
        d.path().join("photo.jpg"),
        baosong::testkit::jpeg(300, 200, None),
    )
    .unwrap();
    let html = r#"<html><head><meta charset="utf-8"></head><body>
<p align="center"><font size="6">匠心筑梦 技能报国</font></p>
<p align="center">南昌市第三中等专业学校</p>
<p>　　11月8日至14日，我校开展职业教育活动周，组织师生走进社区开展技能服务。</p>
<ol><li>线上展示</li><li>技能服务</li></ol>
<p align="center"><img src="photo.jpg" width="300" height="200"></p>
<p align="center">学生为居民维修家电</p>
</body></html>"#;
    std::fs::write(d.path().join("story.html"), html).unwrap();
    let conf = fontconfig(d.path());
    let o = std::process::Command::new("soffice")
        .env("FONTCONFIG_FILE", &conf)
        .arg(format!(
            "-env:UserInstallation=file://{}",
            d.path().join("profile").display()
        ))
        .args([
            "--headless",
            "--convert-to",
            "docx:MS Word 2007 XML",
            "--outdir",
        ])
        .arg(d.path())
        .arg(d.path().join("story.html"))
        .output()
        .unwrap();
    assert!(
        d.path().join("story.docx").is_file(),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let o = run(&["import", "story.docx"], d.path());
    assert_ne!(o.status.code(), Some(2), "{}", stderr(&o));
    let t = std::fs::read_to_string(d.path().join("story/story.toml")).unwrap();
    assert!(t.contains("title = \"匠心筑梦 技能报国\""), "{t}");
    assert!(t.contains("unit = \"南昌市第三中等专业学校\""), "{t}");
    assert!(t.contains("11月8日至14日，我校开展职业教育活动周"), "{t}");
    // Word numbering becomes the typed marker it displays.
    assert!(t.contains("1.线上展示") && t.contains("2.技能服务"), "{t}");
    // LibreOffice keeps an HTML picture as a link to the file, not inside
    // the .docx: the import says so instead of losing it silently.
    assert_eq!(t.matches("[[photos]]").count(), 0, "{t}");
    assert!(stderr(&o).contains("warning[B1003]"), "{}", stderr(&o));
}

#[test]
fn docx_inputs_are_checked_at_their_paragraphs_and_compiled_with_toml() {
    let d = tempfile::tempdir().unwrap();
    // A short Word submission with a rare character in its third paragraph.
    let xml = format!(
        r#"<w:document {NS}><w:body><w:p><w:pPr><w:jc w:val="center"/></w:pPr><w:r><w:t>短案例</w:t></w:r></w:p><w:p><w:pPr><w:jc w:val="center"/></w:pPr><w:r><w:t>某职业学校</w:t></w:r></w:p><w:p><w:r><w:t>第一段正文。</w:t></w:r></w:p><w:p><w:r><w:t>张喆同学获奖。</w:t></w:r></w:p></w:body></w:document>"#
    );
    std::fs::write(d.path().join("短案例.docx"), docx(&xml, None)).unwrap();
    let o = run(
        &[
            "check",
            "短案例.docx",
            "--date",
            "2020-10-01",
            "--message-format",
            "json",
        ],
        d.path(),
    );
    assert_eq!(o.status.code(), Some(1));
    let diags: Vec<serde_json::Value> = String::from_utf8_lossy(&o.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let short = diags.iter().find(|x| x["code"] == "B0101").unwrap();
    assert_eq!(short["file"], "短案例.docx");
    assert_eq!(short["place"], "第 3 段“正文开头”");
    let rare = diags.iter().find(|x| x["code"] == "B0104").unwrap();
    assert_eq!(rare["place"], "第 4 段“张喆同学获奖。”");
    assert!(
        d.path().join("短案例.docx").is_file() && std::fs::read_dir(d.path()).unwrap().count() == 1,
        "check writes nothing"
    );

    // A volume from a folder mixing TOML and Word submissions.
    let sub = d.path().join("submissions");
    std::fs::create_dir_all(&sub).unwrap();
    let o = run(
        &[
            "build",
            "case/story.toml",
            "-o",
            sub.join("word").to_str().unwrap(),
            "--format",
            "docx",
        ],
        examples(),
    );
    assert!(o.status.success(), "{}", stderr(&o));
    let toml_dir = sub.join("toml");
    std::fs::create_dir_all(toml_dir.join("photos")).unwrap();
    let story = std::fs::read_to_string(examples().join("case/story.toml"))
        .unwrap()
        .replace("云端展风采 技能暖社区", "匠心筑梦 技能报国");
    std::fs::write(toml_dir.join("story.toml"), story).unwrap();
    for i in 1..=3 {
        std::fs::copy(
            examples().join(format!("case/photos/0{i}.jpg")),
            toml_dir.join(format!("photos/0{i}.jpg")),
        )
        .unwrap();
    }
    let o = compile_docx(
        d.path(),
        "title = \"混合汇编\"\nissuer = \"某处\"\ndate = 2020-11-30\nsources = [\"submissions/**/*\"]\n",
    );
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(stderr(&o).contains("汇编收入 2 篇案例"), "{}", stderr(&o));
    let xml = zip_part(&d.path().join("out/混合汇编.docx"), "word/document.xml");
    assert!(xml.contains("云端展风采") && xml.contains("匠心筑梦"));
}

#[test]
fn pictures_in_tables_and_captions_above_them() {
    let jpeg = baosong::testkit::jpeg(64, 48, None);
    let mut out = std::io::Cursor::new(Vec::new());
    {
        let mut z = zip::ZipWriter::new(&mut out);
        let o = zip::write::SimpleFileOptions::default();
        let pic = |id: &str| {
            format!(
                r#"<w:r><w:drawing><wp:inline xmlns:wp="http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing"><a:graphic xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main"><a:graphicData><pic:pic xmlns:pic="http://schemas.openxmlformats.org/drawingml/2006/picture"><pic:blipFill><a:blip r:embed="{id}"/></pic:blipFill></pic:pic></a:graphicData></a:graphic></wp:inline></w:drawing></w:r>"#
            )
        };
        let doc = format!(
            r#"<w:document {NS}><w:body><w:p><w:r><w:t>标题</w:t></w:r></w:p><w:p><w:pPr><w:jc w:val="center"/></w:pPr><w:r><w:t>某校</w:t></w:r></w:p><w:p><w:r><w:t>正文第一段，写得足够长，不会被当成图片说明，因为它以句号结尾。</w:t></w:r></w:p><w:p><w:pPr><w:jc w:val="center"/></w:pPr><w:r><w:t>图一 上方的说明</w:t></w:r></w:p><w:p><w:pPr><w:jc w:val="center"/></w:pPr>{}</w:p><w:tbl><w:tr><w:tc><w:p>{}</w:p><w:p><w:r><w:t>表格中的图片说明</w:t></w:r></w:p></w:tc></w:tr></w:tbl></w:body></w:document>"#,
            pic("rId7"),
            pic("rId8")
        );
        z.start_file("word/document.xml", o).unwrap();
        z.write_all(doc.as_bytes()).unwrap();
        z.start_file("word/_rels/document.xml.rels", o).unwrap();
        z.write_all(br#"<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId7" Target="media/a.jpeg" Type="image"/><Relationship Id="rId8" Target="media/b.jpeg" Type="image"/></Relationships>"#).unwrap();
        for n in ["word/media/a.jpeg", "word/media/b.jpeg"] {
            z.start_file(n, o).unwrap();
            z.write_all(&jpeg).unwrap();
        }
        z.finish().unwrap();
    }
    let c = baosong::import::docx::read(&out.into_inner()).unwrap();
    let imported = baosong::import::to_toml(&c, &baosong::rules::Rules::default());
    let t = &imported.toml;
    assert_eq!(imported.images.len(), 2, "{t}");
    assert!(
        t.contains("caption = \"图一 上方的说明\""),
        "caption above the picture: {t}"
    );
    assert!(
        t.contains("caption = \"表格中的图片说明\""),
        "picture in a table: {t}"
    );
    assert!(
        !t.contains("图一 上方的说明\n\n"),
        "the caption left the body: {t}"
    );
    assert!(t.contains("body = \"\"\"\n正文第一段"), "{t}");
}

// Where a school's unit is found when the file has no line for it under
// the title: the 落款, the file name, the folder's name, or --unit; each
// said in a note (B1005), and never a stop.
#[test]
fn the_unit_is_found_where_real_documents_put_it() {
    let para = |text: &str, right: bool| {
        format!(
            "<w:p>{}<w:r><w:t>{text}</w:t></w:r></w:p>",
            if right {
                r#"<w:pPr><w:jc w:val="right"/></w:pPr>"#
            } else {
                ""
            }
        )
    };
    let doc = |signed: bool| {
        let mut body = format!(
            r#"<w:p><w:pPr><w:jc w:val="center"/></w:pPr><w:r><w:rPr><w:b/><w:sz w:val="44"/></w:rPr><w:t>技能展示进社区</w:t></w:r></w:p>"#
        );
        for _ in 0..4 {
            body += &para(
                "学校组织师生走进社区开展家电维修和健康咨询服务，受到居民欢迎。",
                false,
            );
        }
        if signed {
            body += &para("南昌市第三职业学校", true);
            body += &para("2020年11月12日", true);
        }
        docx(
            &format!("<w:document {NS}><w:body>{body}</w:body></w:document>"),
            None,
        )
    };
    let unit_of = |dir: &Path, name: &str, extra: &[&str]| -> (String, String) {
        let mut args = vec!["check", name, "--message-format", "json"];
        args.extend_from_slice(extra);
        let o = run(&args, dir);
        assert!(matches!(o.status.code(), Some(0 | 1)), "{}", stderr(&o));
        let diags: Vec<serde_json::Value> = String::from_utf8_lossy(&o.stdout)
            .lines()
            .filter_map(|l| serde_json::from_str(l).ok())
            .collect();
        let note = diags
            .iter()
            .find(|v| v["code"] == "B1005")
            .map(|v| v["message"].as_str().unwrap().to_string())
            .unwrap_or_default();
        let missing = diags
            .iter()
            .any(|v| v["code"] == "B0102" && v["message"].as_str().unwrap().contains("报送单位"));
        (
            note,
            if missing {
                "missing".into()
            } else {
                "found".into()
            },
        )
    };
    let d = tempfile::tempdir().unwrap();
    // The 落款: right-aligned unit over a date.
    std::fs::write(d.path().join("案例.docx"), doc(true)).unwrap();
    let (note, found) = unit_of(d.path(), "案例.docx", &[]);
    assert_eq!(found, "found");
    assert!(note.contains("文末落款“南昌市第三职业学校”"), "{note}");
    // The file's name.
    std::fs::write(d.path().join("南昌市第四职业学校-案例.docx"), doc(false)).unwrap();
    let (note, _) = unit_of(d.path(), "南昌市第四职业学校-案例.docx", &[]);
    assert!(note.contains("文件名“南昌市第四职业学校”"), "{note}");
    // The folder's name, as offices keep submissions (县区/单位/…).
    let folder = d.path().join("东湖区/南昌市第五职业学校");
    std::fs::create_dir_all(&folder).unwrap();
    std::fs::write(folder.join("案例.docx"), doc(false)).unwrap();
    let (note, _) = unit_of(&folder, "案例.docx", &[]);
    assert!(note.contains("所在文件夹名“南昌市第五职业学校”"), "{note}");
    // Given: wins over everything, and needs no note.
    let (note, found) = unit_of(d.path(), "案例.docx", &["--unit", "南昌市第六职业学校"]);
    assert_eq!((note.as_str(), found.as_str()), ("", "found"));
    // Nowhere: one error among the others, not a stop.
    let plain = d.path().join("plain");
    std::fs::create_dir_all(&plain).unwrap();
    std::fs::write(plain.join("案例.docx"), doc(false)).unwrap();
    let (_, found) = unit_of(&plain, "案例.docx", &[]);
    assert_eq!(found, "missing");
}
