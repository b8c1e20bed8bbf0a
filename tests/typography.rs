//! What a careful 文秘 would check: titles broken at word boundaries, no
//! character lost, a folder's own outputs not read back as submissions,
//! the volume's order, an aligned `baosong fonts`.

mod support;

use std::path::Path;

use support::*;

const W: &str = "http://schemas.openxmlformats.org/wordprocessingml/2006/main";

fn case(dir: &Path, name: &str, title: &str, unit: &str, body_text: &str) {
    std::fs::create_dir_all(dir).unwrap();
    let t = toml::Value::String(title.into()).to_string();
    let u = toml::Value::String(unit.into()).to_string();
    std::fs::write(
        dir.join(name),
        format!("category = \"典型活动案例\"\ntitle = {t}\nunit = {u}\nbody = \"\"\"\n{body_text}\n\"\"\"\n"),
    )
    .unwrap();
    std::fs::write(dir.join("baosong.toml"), RELAXED).unwrap();
}

/// The title lines a built .docx carries (runs split by line breaks).
fn docx_title_lines(docx: &Path) -> Vec<String> {
    let xml = zip_part(docx, "word/document.xml");
    let doc = roxmltree::Document::parse(&xml).unwrap();
    let p = doc
        .descendants()
        .find(|n| n.has_tag_name((W, "p")))
        .unwrap();
    let mut lines = vec![String::new()];
    for n in p.descendants() {
        if n.has_tag_name((W, "t")) {
            lines.last_mut().unwrap().push_str(n.text().unwrap_or(""));
        } else if n.has_tag_name((W, "br")) {
            lines.push(String::new());
        }
    }
    lines
}

#[test]
fn long_titles_break_between_words_the_same_in_both_outputs() {
    let titles = [
        (
            "教育部 中央宣传部 人力资源社会保障部关于做好2016年职业教育活动周相关工作的通知",
            vec![
                "教育部 中央宣传部 人力资源社会保障部",
                "关于做好2016年职业教育活动周",
                "相关工作的通知",
            ],
        ),
        (
            "“云上活动周”让职业教育走进千家万户——南昌市第一中等专业学校2020年职业教育活动周纪实",
            vec![
                "“云上活动周”让职业教育走进千家万户",
                "——南昌市第一中等专业学校",
                "2020年职业教育活动周纪实",
            ],
        ),
        (
            "教育部办公厅关于进一步做好高校毕业生就业创业工作的通知",
            vec!["教育部办公厅关于进一步做好", "高校毕业生就业创业工作的通知"],
        ),
    ];
    for (i, (title, want)) in titles.iter().enumerate() {
        let d = tempfile::tempdir().unwrap();
        case(
            d.path(),
            "t.toml",
            title,
            "南昌市第一中等专业学校",
            &body(2),
        );
        let o = run(&["build", "t.toml"], d.path());
        assert!(o.status.success(), "{}", stderr(&o));
        assert_eq!(
            &docx_title_lines(&d.path().join("t.docx")),
            want,
            "title {i} in Word"
        );
        if have("pdftotext") {
            let text = tool(
                "pdftotext",
                &["-l", "1", d.path().join("t.pdf").to_str().unwrap(), "-"],
            );
            let lines: Vec<String> = text
                .lines()
                .take(want.len())
                .map(|l| l.split_whitespace().collect())
                .collect();
            let flat: Vec<String> = want
                .iter()
                .map(|l| l.split_whitespace().collect())
                .collect();
            assert_eq!(lines, flat, "title {i} in the PDF");
        }
    }
}

#[test]
fn no_character_is_ever_silently_lost() {
    let d = tempfile::tempdir().unwrap();
    case(
        d.path(),
        "c.toml",
        "𠮷野家的故事",
        "某校",
        "一、概况\n\n张𠮷同学在㵘水边发现了𡒄字碑😀。这是一段正文。",
    );
    let o = run(&["build", "c.toml", "--message-format", "json"], d.path());
    assert!(o.status.success(), "{}", stderr(&o));
    let diags: Vec<serde_json::Value> = String::from_utf8_lossy(&o.stdout)
        .lines()
        .filter_map(|l| serde_json::from_str(l).ok())
        .collect();
    let lost: Vec<(String, u64, u64)> = diags
        .iter()
        .filter(|v| v["code"] == "B0303")
        .map(|v| {
            let m = v["message"].as_str().unwrap();
            let c = m
                .split('“')
                .nth(1)
                .unwrap()
                .split('”')
                .next()
                .unwrap()
                .to_string();
            (
                c,
                v["line"].as_u64().unwrap(),
                v["column"].as_u64().unwrap(),
            )
        })
        .collect();
    // With only the bundled faces none of these can be drawn: each is
    // named at its first place, the title's and the body's.
    for (c, line, col) in [
        ("𠮷", 2, 10),
        ("𠮷", 7, 2),
        ("㵘", 7, 6),
        ("𡒄", 7, 12),
        ("😀", 7, 15),
    ] {
        assert!(
            lost.contains(&(c.to_string(), line, col)),
            "{c} at {line}:{col} in {lost:?}"
        );
    }
    // The Word file keeps every character; the PDF shows a box for each.
    let xml = zip_part(&d.path().join("c.docx"), "word/document.xml");
    assert!(xml.contains("𠮷野家") && xml.contains("𡒄字碑😀"));
    if have("pdftotext") {
        let text = tool(
            "pdftotext",
            &[d.path().join("c.pdf").to_str().unwrap(), "-"],
        );
        let flat: String = text.split_whitespace().collect();
        assert!(flat.contains("□野家的故事"), "{text}");
        assert!(flat.contains("张□同学在□水边发现了□字碑□"), "{text}");
    }
}

#[test]
fn an_installed_face_draws_what_ours_lack() {
    // Any installed font with ☃ (DejaVu Sans where fontconfig is): given
    // with --font-path, it draws the character.
    if !have("fc-list") {
        return;
    }
    let list = tool("fc-list", &[":charset=2603", "file"]);
    let Some(font) = list
        .lines()
        .map(|l| l.trim().trim_end_matches(':'))
        .find(|l| !l.is_empty())
    else {
        eprintln!("skipped: no installed font has U+2603");
        return;
    };
    let d = tempfile::tempdir().unwrap();
    let fonts = d.path().join("more-fonts");
    std::fs::create_dir(&fonts).unwrap();
    std::fs::copy(font, fonts.join(Path::new(font).file_name().unwrap())).unwrap();
    case(d.path(), "s.toml", "雪人", "某校", "正文里有一个雪人☃。");
    std::fs::write(
        d.path().join("collection.toml"),
        "title = \"汇编\"\nissuer = \"某处\"\ndate = 2020-11-30\nsources = [\"s.toml\"]\n",
    )
    .unwrap();
    // The document and the volume alike: lost and said without the face,
    // drawn with it.
    let build = ["build", "s.toml"];
    let compile = ["compile", "collection.toml", "-o", "out", "--format", "pdf"];
    for (args, pdf) in [(&build[..], "s.pdf"), (&compile[..], "out/汇编.pdf")] {
        let o = run(args, d.path());
        assert!(
            stderr(&o).contains("B0303"),
            "{args:?} without it: lost and said: {}",
            stderr(&o)
        );
        let mut with = args.to_vec();
        with.extend(["--font-path", fonts.to_str().unwrap()]);
        let o = run(&with, d.path());
        assert!(o.status.success(), "{}", stderr(&o));
        assert!(!stderr(&o).contains("B0303"), "{}", stderr(&o));
        if have("pdftotext") {
            let text = tool("pdftotext", &[d.path().join(pdf).to_str().unwrap(), "-"]);
            assert!(text.contains('☃'), "{args:?}: {text}");
        }
    }
}

#[test]
fn a_folders_own_outputs_are_not_submissions() {
    let d = tempfile::tempdir().unwrap();
    let sub = d.path().join("submissions/school");
    case(&sub, "story.toml", "匠心筑梦", "某校", &body(2));
    let o = run(&["build", "submissions/school/story.toml"], d.path());
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(sub.join("story.docx").is_file());
    // check: one material, not two.
    let o = run(&["check", "submissions", "--date", "2020-10-01"], d.path());
    assert!(stderr(&o).contains("共检查 1 份材料"), "{}", stderr(&o));
    // compile over **/*: the case once.
    std::fs::write(d.path().join("baosong.toml"), RELAXED).unwrap();
    std::fs::write(
        d.path().join("collection.toml"),
        "title = \"汇编\"\nissuer = \"某处\"\ndate = 2020-11-30\nsources = [\"**/*\"]\n",
    )
    .unwrap();
    let o = run(&["compile", "collection.toml", "-o", "out"], d.path());
    assert!(stderr(&o).contains("汇编收入 1 篇案例"), "{}", stderr(&o));
    // Edited after the build, the material still counts once, and the
    // volume just written is not a material either.
    case(&sub, "story.toml", "匠心筑梦", "某校", &body(3));
    let o = run(&["check", ".", "--date", "2020-10-01"], d.path());
    assert!(stderr(&o).contains("共检查 1 份材料"), "{}", stderr(&o));
    let o = run(&["compile", "collection.toml", "-o", "out"], d.path());
    assert!(stderr(&o).contains("汇编收入 1 篇案例"), "{}", stderr(&o));
    // Alone, the output is a material, and says what it is.
    let alone = d.path().join("alone");
    std::fs::create_dir(&alone).unwrap();
    std::fs::copy(sub.join("story.docx"), alone.join("story.docx")).unwrap();
    let o = run(&["check", "alone", "--date", "2020-10-01"], d.path());
    let err = stderr(&o);
    assert!(
        err.contains("共检查 1 份材料") && err.contains("warning[B0011]"),
        "{err}"
    );
}

#[test]
fn the_volume_follows_the_roster_pinyin_or_strokes() {
    let d = tempfile::tempdir().unwrap();
    // 李 (li, 7 strokes), 王 (wang, 4), 丁 (ding, 2).
    let units = ["李家职业学校", "王家职业学校", "丁家职业学校"];
    for (i, u) in units.iter().enumerate() {
        case(
            &d.path().join(format!("s{i}")),
            "c.toml",
            &format!("{u}的案例"),
            u,
            &body(2),
        );
    }
    std::fs::write(d.path().join("baosong.toml"), RELAXED).unwrap();
    let roster: String = ["王家职业学校", "李家职业学校", "丁家职业学校"]
        .iter()
        .map(|u| format!("[[units]]\nname = \"{u}\"\n\n"))
        .collect();
    std::fs::write(d.path().join("名单.toml.txt"), &roster).unwrap();
    let order_of = |extra: &str| -> Vec<String> {
        let o = compile_docx(
            d.path(),
            &format!("title = \"汇编\"\nissuer = \"某处\"\ndate = 2020-11-30\nsources = [\"s*/*.toml\"]\ngroup_by = \"none\"\n{extra}"),
        );
        assert!(o.status.success(), "{}", stderr(&o));
        let xml = zip_part(&d.path().join("out/汇编.docx"), "word/document.xml");
        let mut seen = vec![];
        for (i, _) in xml
            .match_indices("TC &quot;")
            .chain(xml.match_indices("TC \""))
        {
            let rest = &xml[i..];
            if let Some(u) = units
                .iter()
                .find(|u| rest[..rest.find("\\l").unwrap_or(rest.len())].contains(**u))
            {
                seen.push((i, u.to_string()));
            }
        }
        seen.sort();
        seen.into_iter().map(|(_, u)| u).collect()
    };
    assert_eq!(
        order_of(""),
        ["丁家职业学校", "李家职业学校", "王家职业学校"],
        "pinyin by default"
    );
    assert_eq!(
        order_of("order = \"strokes\"\n"),
        ["丁家职业学校", "王家职业学校", "李家职业学校"]
    );
    std::fs::rename(d.path().join("名单.toml.txt"), d.path().join("roster.toml")).unwrap();
    assert_eq!(
        order_of(""),
        ["王家职业学校", "李家职业学校", "丁家职业学校"],
        "roster by default when there is one"
    );
    assert_eq!(
        order_of("order = \"pinyin\"\n"),
        ["丁家职业学校", "李家职业学校", "王家职业学校"]
    );
}

#[test]
fn fonts_table_lines_up() {
    let o = run(&["fonts"], Path::new("."));
    let out = String::from_utf8_lossy(&o.stdout);
    let width = |s: &str| unicode_width::UnicodeWidthStr::width(s);
    let lines: Vec<&str> = out.lines().take(4).collect();
    let col = |l: &str, what: &str| width(&l[..l.find(what).unwrap()]);
    assert_eq!(col(lines[0], "字号"), col(lines[1], "二号"), "{out}");
    assert_eq!(
        col(lines[0], "规定字体"),
        col(lines[1], "方正小标宋简体"),
        "{out}"
    );
}
