//! Media reports, summaries and highlights tables: names, order, figures,
//! landscape tables, the spreadsheet, and what LibreOffice makes of them.

mod support;

use std::path::Path;

use support::*;

const W: &str = "http://schemas.openxmlformats.org/wordprocessingml/2006/main";

/// Text without the line breaks and spaces that layout puts in.
fn flat(s: &str) -> String {
    s.split_whitespace().collect()
}

fn examples() -> &'static Path {
    Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/examples"))
}

fn build(dir: &Path, file: &str, out: &Path) -> std::process::Output {
    run(&["build", file, "-o", out.to_str().unwrap()], dir)
}

fn cells(docx: &Path) -> Vec<Vec<String>> {
    let xml = zip_part(docx, "word/document.xml");
    let doc = roxmltree::Document::parse(&xml).unwrap();
    doc.descendants()
        .filter(|n| n.has_tag_name((W, "tr")))
        .map(|tr| {
            tr.children()
                .filter(|c| c.has_tag_name((W, "tc")))
                .map(|tc| {
                    tc.descendants()
                        .filter(|t| t.has_tag_name((W, "t")))
                        .filter_map(|t| t.text())
                        .collect()
                })
                .collect()
        })
        .collect()
}

#[test]
fn media_report_is_named_after_outlet_and_title_with_images_last() {
    let out = tempfile::tempdir().unwrap();
    let o = build(examples(), "media/report.toml", out.path());
    assert!(o.status.success(), "{}", stderr(&o));
    let docx = out.path().join("江西日报+南昌职业教育活动周精彩纷呈.docx");
    assert!(
        docx.is_file(),
        "{:?}",
        std::fs::read_dir(out.path()).unwrap().collect::<Vec<_>>()
    );
    let xml = zip_part(&docx, "word/document.xml");
    let last_text = xml.rfind("营造了全社会关心支持职业教育的良好氛围").unwrap();
    let image = xml.find("<w:drawing").expect("evidence image");
    assert!(image > last_text, "images come after the report's text");
    assert!(
        xml.find("江西日报2020年11月9日第3版").unwrap() > image,
        "caption under the image"
    );
    assert!(xml.contains("江西日报（省级）　2020年11月9日"));
    if have("pdftotext") {
        let pdf = out.path().join("江西日报+南昌职业教育活动周精彩纷呈.pdf");
        let text = flat(&tool("pdftotext", &[pdf.to_str().unwrap(), "-"]));
        assert!(text.find("良好氛围").unwrap() < text.find("第3版").unwrap());
    }
}

#[test]
fn forbidden_characters_and_colliding_names() {
    let d = tempfile::tempdir().unwrap();
    let body = "记者从市教育局获悉，".repeat(10);
    for name in ["a.toml", "b.toml"] {
        let t = format!(
            "type = \"media\"\noutlet = \"新华网/江西\"\ntitle = \"职教周：技能点亮未来?\"\nlevel = \"中央级\"\npublished = 2020-11-10\nbody = \"{body}\"\n"
        );
        std::fs::write(d.path().join(name), t).unwrap();
    }
    let o = run(&["build", "a.toml", "b.toml", "--format", "docx"], d.path());
    assert!(o.status.success(), "{}", stderr(&o));
    let first = d.path().join("新华网／江西+职教周：技能点亮未来？.docx");
    let second = d
        .path()
        .join("新华网／江西+职教周：技能点亮未来？（2）.docx");
    assert!(
        first.is_file() && second.is_file(),
        "{:?}",
        std::fs::read_dir(d.path())
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect::<Vec<_>>()
    );
}

#[test]
fn summary_table_holds_every_figure_and_the_computed_coverage() {
    let out = tempfile::tempdir().unwrap();
    let o = build(examples(), "summary/summary.toml", out.path());
    assert!(o.status.success(), "{}", stderr(&o));
    let docx = out.path().join("summary.docx");
    let rows = cells(&docx);
    let find = |k: &str| {
        rows.iter()
            .find(|r| r[0] == k)
            .unwrap_or_else(|| panic!("{k} in {rows:?}"))[1]
            .clone()
    };
    assert_eq!(find("参加活动的职业院校数"), "3 所");
    assert_eq!(find("参加活动的企业数"), "12 家");
    assert_eq!(find("参加活动的教师数"), "150 人");
    assert_eq!(find("参加活动的学生数"), "2300 人");
    // 2300 / 2600 = 88.46…%, shown with one decimal.
    assert_eq!(find("学生参与覆盖率"), "88.5%（2300 / 2600）");
    assert_eq!(find("参与总人数"), "5200 人次");
    assert_eq!(
        find("主要活动形式"),
        "线上展示、网上开放日、技能服务进社区、产教对话"
    );
    assert_eq!(find("观摩体验活动项目数"), "35 个");
    assert_eq!(find("省级及以上媒体报道"), "2 篇");
    // The media list holds the two provincial reports, not the city paper.
    let media: Vec<_> = rows
        .iter()
        .filter(|r| r.len() == 5 && r[0] != "序号")
        .collect();
    assert_eq!(media.len(), 2);
    assert!(media.iter().all(|r| r[3] == "省级"));
    assert!(!rows.iter().flatten().any(|c| c.contains("南昌晚报")));
    // Derived title.
    let xml = zip_part(&docx, "word/document.xml");
    let doc = roxmltree::Document::parse(&xml).unwrap();
    let all: String = doc
        .descendants()
        .filter(|n| n.has_tag_name((W, "t")))
        .filter_map(|t| t.text())
        .collect();
    assert!(
        all.starts_with("东湖区教育体育局2020年职业教育活动周工作总结"),
        "{all}"
    );
    if have("pdftotext") {
        let text = flat(&tool(
            "pdftotext",
            &[out.path().join("summary.pdf").to_str().unwrap(), "-"],
        ));
        for want in ["88.5%（2300/2600）", "5200人次", "35个", "江西电视台"] {
            assert!(text.contains(want), "{want} in PDF text");
        }
    }
}

#[test]
fn highlights_table_is_landscape_with_repeated_header_and_a_spreadsheet() {
    let out = tempfile::tempdir().unwrap();
    let o = build(examples(), "highlights/highlights.toml", out.path());
    assert!(o.status.success(), "{}", stderr(&o));
    let docx = out.path().join("highlights.docx");
    let xml = zip_part(&docx, "word/document.xml");
    let doc = roxmltree::Document::parse(&xml).unwrap();
    let pg = doc
        .descendants()
        .find(|n| n.has_tag_name((W, "pgSz")))
        .unwrap();
    assert_eq!(pg.attribute((W, "w")), Some("16838"));
    assert_eq!(pg.attribute((W, "h")), Some("11906"));
    assert_eq!(pg.attribute((W, "orient")), Some("landscape"));
    let trs: Vec<_> = doc
        .descendants()
        .filter(|n| n.has_tag_name((W, "tr")))
        .collect();
    assert_eq!(trs.len(), 4);
    let has = |tr: &roxmltree::Node, tag: &str| tr.descendants().any(|n| n.has_tag_name((W, tag)));
    assert!(has(&trs[0], "tblHeader"), "header row repeats");
    assert!(!trs[1..].iter().any(|t| has(t, "tblHeader")));
    assert!(trs.iter().all(|t| has(t, "cantSplit")), "rows never split");
    let rows = cells(&docx);
    assert_eq!(
        rows[0],
        [
            "序号",
            "单位",
            "活动名称",
            "时间",
            "地点",
            "形式",
            "内容简介",
            "联系人及电话"
        ]
    );
    assert_eq!(rows[1][2], "云上活动周");
    assert_eq!(rows[3][7], "李老师 0791-83989457");

    // The spreadsheet has the same cells.
    let range = xlsx_sheet(&out.path().join("highlights.xlsx"));
    let get = |r: usize, c: usize| range.get(r, c);
    assert_eq!(get(0, 0), "特色亮点活动一览表");
    for (c, h) in rows[0].iter().enumerate() {
        assert_eq!(&get(2, c), h);
    }
    for r in 1..rows.len() {
        for c in 0..8 {
            assert_eq!(get(2 + r, c), rows[r][c], "row {r} col {c}");
        }
    }
    // Same bytes on a second build.
    let again = tempfile::tempdir().unwrap();
    build(examples(), "highlights/highlights.toml", again.path());
    for ext in ["xlsx", "docx", "pdf"] {
        let a = std::fs::read(out.path().join(format!("highlights.{ext}"))).unwrap();
        let b = std::fs::read(again.path().join(format!("highlights.{ext}"))).unwrap();
        assert!(a == b, "{ext} differs between builds");
    }
    if have("pdfinfo") {
        let info = tool(
            "pdfinfo",
            &[out.path().join("highlights.pdf").to_str().unwrap()],
        );
        assert!(info.contains("841.89 x 595.276"), "landscape A4: {info}");
    }
}

#[test]
fn libreoffice_opens_every_generated_document_and_spreadsheet() {
    if !have("soffice") || !have("pdftotext") {
        return;
    }
    let out = tempfile::tempdir().unwrap();
    for f in [
        "media/report.toml",
        "summary/summary.toml",
        "highlights/highlights.toml",
    ] {
        let o = build(examples(), f, out.path());
        assert!(o.status.success(), "{}", stderr(&o));
    }
    let lo = out.path().join("lo");
    std::fs::create_dir_all(&lo).unwrap();
    for (file, want) in [
        (
            "江西日报+南昌职业教育活动周精彩纷呈.docx",
            "南昌职业教育活动周精彩纷呈",
        ),
        ("summary.docx", "学生参与覆盖率"),
        ("highlights.docx", "技能服务进社区"),
        ("highlights.xlsx", "技能服务进社区"),
        ("summary.xlsx", "88.5%"),
    ] {
        let pdf = libreoffice_pdf(&out.path().join(file), &lo);
        let text = flat(&tool("pdftotext", &[pdf.to_str().unwrap(), "-"]));
        assert!(
            text.contains(want),
            "{file}: {want} not in LibreOffice's rendering: {text}"
        );
    }
}

#[test]
fn summary_and_media_rules() {
    let d = tempfile::tempdir().unwrap();
    let base = std::fs::read_to_string(examples().join("summary/summary.toml")).unwrap();
    let bad = base
        .replace("students            = 2300", "students            = 2700")
        .replace("participants        = 5200", "participants        = 2000")
        .replace("enterprises         = 12", "enterprises         = -1");
    std::fs::write(d.path().join("s.toml"), &bad).unwrap();
    let o = run(&["check", "s.toml", "--date", "2020-11-01"], d.path());
    assert_eq!(o.status.code(), Some(1));
    let err = stderr(&o);
    assert!(
        err.contains("error[B0602]: 参加活动的学生数 2700 多于在校生数 2600"),
        "{err}"
    );
    assert!(
        err.contains("error[B0603]: 参与总人数 2000 少于教师数与学生数之和 2850（150 + 2700）"),
        "{err}"
    );
    assert!(
        err.contains("error[B0601]: 企业数不能是负数（现为 -1）"),
        "{err}"
    );
    // Coverage is computed, not typed.
    std::fs::write(
        d.path().join("s.toml"),
        base.replace("[stats]\n", "[stats]\ncoverage = 0.9\n"),
    )
    .unwrap();
    let err = stderr(&run(&["check", "s.toml"], d.path()));
    assert!(err.contains("未知字段 `stats.coverage`"), "{err}");

    let media = "type = \"media\"\noutlet = \"某报\"\ntitle = \"某标题\"\nlevel = \"省级\"\npublished = 2020-11-10\nbody = \"见截图\"\n";
    std::fs::write(d.path().join("m.toml"), media).unwrap();
    let err = stderr(&run(&["check", "m.toml", "--date", "2020-11-01"], d.path()));
    assert!(
        err.contains("error[B0701]: 报道原文只有 3 字，不能只交截图"),
        "{err}"
    );
    std::fs::write(d.path().join("m.toml"), media.replace("省级", "国际级")).unwrap();
    let err = stderr(&run(&["check", "m.toml"], d.path()));
    assert!(
        err.contains("媒体级别 \"国际级\" 无法识别") && err.contains("m.toml:4:9"),
        "{err}"
    );

    let hl = std::fs::read_to_string(examples().join("highlights/highlights.toml"))
        .unwrap()
        .replace("余老师 13800000000", "余老师");
    std::fs::write(d.path().join("h.toml"), hl).unwrap();
    let err = stderr(&run(&["check", "h.toml", "--date", "2020-11-01"], d.path()));
    assert!(
        err.contains("warning[B0801]: 第 1 项活动的联系人没有电话号码"),
        "{err}"
    );
}

#[test]
fn new_templates_for_every_type_build() {
    let d = tempfile::tempdir().unwrap();
    for kind in ["media", "summary", "highlights"] {
        let o = run(&["new", kind, kind], d.path());
        assert!(o.status.success(), "{}", stderr(&o));
        let o = run(
            &[
                "build",
                &format!("{kind}/{kind}.toml"),
                "--force",
                "--format",
                "docx",
            ],
            d.path(),
        );
        assert!(o.status.code() != Some(2), "{kind}: {}", stderr(&o));
    }
}

#[test]
fn stats_add_up_every_summary_and_recompute_coverage() {
    let d = tempfile::tempdir().unwrap();
    let base = std::fs::read_to_string(examples().join("summary/summary.toml")).unwrap();
    // Three summaries from two counties, one with inconsistent figures.
    let figures = [
        ("东湖区", 2300, 2600, 5200),
        ("西湖区", 1000, 1500, 5300),
        ("西湖区", 2300, 2600, 100),
    ];
    for (i, (county, students, enrolled, participants)) in figures.iter().enumerate() {
        let t = base
            .replace("东湖区", county)
            .replace(
                "students            = 2300",
                &format!("students            = {students}"),
            )
            .replace(
                "students_enrolled   = 2600",
                &format!("students_enrolled   = {enrolled}"),
            )
            .replace(
                "participants        = 5200",
                &format!("participants        = {participants}"),
            );
        let sub = d.path().join(format!("s{i}"));
        std::fs::create_dir_all(&sub).unwrap();
        std::fs::write(sub.join("summary.toml"), t).unwrap();
    }
    // A case story in the same folder is not a summary and is ignored.
    std::fs::copy(
        examples().join("plan/plan.toml"),
        d.path().join("plan.toml"),
    )
    .unwrap();
    let o = run(&["stats", ".", "-o", "out"], d.path());
    assert_eq!(
        o.status.code(),
        Some(1),
        "inconsistent figures are flagged: {}",
        stderr(&o)
    );
    assert!(stderr(&o).contains("error[B0603]"));
    let range = xlsx_sheet(&d.path().join("out/活动周统计汇总.xlsx"));
    let row = |name: &str| -> Vec<String> {
        (0..range.height())
            .map(|r| (0..13).map(|c| range.get(r, c)).collect::<Vec<_>>())
            .find(|r| r[0] == name)
            .unwrap_or_else(|| panic!("row {name}"))
    };
    let total = row("合计");
    assert_eq!(total[1], "3");
    assert_eq!(total[2], (3 * 3).to_string(), "schools");
    assert_eq!(total[5], (2300 + 1000 + 2300).to_string(), "students");
    assert_eq!(total[6], (2600 + 1500 + 2600).to_string(), "enrolled");
    // 5600 / 6700 = 83.58 %, not the average of 88.5, 66.7 and 88.5.
    assert_eq!(total[7], "83.6%");
    assert_eq!(total[8], (5200 + 5300 + 100).to_string(), "participants");
    assert_eq!(total[10], (3 * 2).to_string(), "provincial-or-higher media");
    let west = row("西湖区");
    assert_eq!((west[1].as_str(), west[7].as_str()), ("2", "80.5%"));
    assert_eq!(west[12], "1 份数据有误");
    let docx = d.path().join("out/活动周统计汇总.docx");
    assert!(cells(&docx)
        .iter()
        .any(|r| r[0] == "合计" && r[7] == "83.6%"));
}

#[test]
fn status_lists_what_each_unit_sent_and_what_is_missing_or_late() {
    let d = tempfile::tempdir().unwrap();
    fn copy_dir(from: &Path, to: &Path) {
        std::fs::create_dir_all(to).unwrap();
        for e in std::fs::read_dir(from).unwrap() {
            let e = e.unwrap().path();
            let dest = to.join(e.file_name().unwrap());
            if e.is_dir() {
                copy_dir(&e, &dest);
            } else if !e
                .extension()
                .is_some_and(|x| x == "pdf" || x == "docx" || x == "xlsx")
            {
                std::fs::copy(&e, &dest).unwrap();
            }
        }
    }
    for sub in ["case", "media", "summary", "highlights", "plan"] {
        copy_dir(&examples().join(sub), &d.path().join(sub));
    }
    std::fs::write(
        d.path().join("roster.toml"),
        "[[units]]\nname = \"南昌市第一中等专业学校\"\nregion = \"东湖区\"\n\n[[units]]\nname = \"南昌市第二中等专业学校\"\n",
    )
    .unwrap();
    let o = run(
        &[
            "status",
            ".",
            "--roster",
            "roster.toml",
            "--date",
            "2020-11-10",
            "-o",
            ".",
        ],
        d.path(),
    );
    assert_eq!(o.status.code(), Some(1), "units are missing documents");
    let table = String::from_utf8_lossy(&o.stdout).to_string();
    let line = |name: &str| {
        table
            .lines()
            .find(|l| l.starts_with(name))
            .unwrap_or_else(|| panic!("{name}: {table}"))
            .split_whitespace()
            .map(String::from)
            .collect::<Vec<_>>()
    };
    let first = line("南昌市第一中等专业学校");
    // 单位 县区 工作方案 一览表 案例 媒体报道 总结…
    assert_eq!(&first[1..6], ["东湖区", "逾期未交", "已交", "1", "1"]);
    assert!(first[6].starts_with("未交（2020年11月18日截止）"));
    let second = line("南昌市第二中等专业学校");
    assert_eq!(&second[1..3], ["逾期未交", "逾期未交"]);
    assert!(table.contains("东湖区教育体育局") && table.contains("不在名单中"));
    let range = xlsx_sheet(&d.path().join("报送情况.xlsx"));
    assert_eq!(range.get(3, 0), "南昌市第一中等专业学校");
}
