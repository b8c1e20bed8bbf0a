//! `baosong check`: each rule of the notice on generated inputs, asserting
//! the code, the line and the numbers in the message.

mod support;

use std::path::Path;

use support::*;

/// A case whose text and photos pass, with `extra` TOML appended.
fn case(dir: &Path, body_chars: usize, extra: &str) {
    let unit = "甲乙丙丁戊己庚辛壬癸";
    let body: String = unit.chars().cycle().take(body_chars).collect();
    let text = format!(
        "type = \"case\"\ncategory = \"典型职教故事\"\ntitle = \"匠心筑梦\"\nunit = \"某职业学校\"\nbody = \"\"\"\n{body}\n\"\"\"\n{extra}"
    );
    std::fs::write(dir.join("case.toml"), text).unwrap();
}

fn rules(dir: &Path, toml: &str) {
    std::fs::write(dir.join("baosong.toml"), toml).unwrap();
}

fn check(dir: &Path, extra: &[&str]) -> (i32, Vec<serde_json::Value>) {
    let mut args = vec![
        "check",
        ".",
        "--date",
        "2020-10-01",
        "--message-format",
        "json",
    ];
    args.extend_from_slice(extra);
    let o = run(&args, dir);
    let diags = String::from_utf8_lossy(&o.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{e}: {l}")))
        .collect();
    (o.status.code().unwrap(), diags)
}

fn only<'a>(diags: &'a [serde_json::Value], code: &str) -> &'a serde_json::Value {
    let found: Vec<_> = diags.iter().filter(|d| d["code"] == code).collect();
    assert_eq!(found.len(), 1, "{code} in {diags:#?}");
    found[0]
}

fn photo(dir: &Path, name: &str, bytes: &[u8]) -> String {
    std::fs::create_dir_all(dir.join("photos")).unwrap();
    std::fs::write(dir.join("photos").join(name), bytes).unwrap();
    format!("\n[[photos]]\npath = \"photos/{name}\"\ncaption = \"说明\"\n")
}

#[test]
fn clean_case_passes() {
    let d = tempfile::tempdir().unwrap();
    case(d.path(), 1000, "");
    let (code, diags) = check(d.path(), &[]);
    assert_eq!((code, diags.len()), (0, 0), "{diags:#?}");
}

#[test]
fn text_length_limits() {
    let d = tempfile::tempdir().unwrap();
    case(d.path(), 612, "");
    let (code, diags) = check(d.path(), &[]);
    assert_eq!(code, 1);
    let e = only(&diags, "B0101");
    assert_eq!(e["message"], "正文字数 612，少于要求的 800 字");
    assert_eq!(
        (e["line"].as_u64(), e["column"].as_u64()),
        (Some(5), Some(8))
    );
    case(d.path(), 1501, "");
    let e = only(&check(d.path(), &[]).1, "B0103").clone();
    assert_eq!(e["message"], "正文字数 1501，超过要求的 1500 字");
    // Limits come from the rules table.
    rules(d.path(), "[text]\nmax_chars = 2000\n");
    assert_eq!(check(d.path(), &[]).0, 0);
    // Work plans have no limit.
    let plan = std::fs::read_to_string(d.path().join("case.toml"))
        .unwrap()
        .replace("type = \"case\"", "type = \"plan\"");
    std::fs::write(
        d.path().join("case.toml"),
        plan.replace("category = \"典型职教故事\"\n", ""),
    )
    .unwrap();
    rules(d.path(), "[text]\nmax_chars = 900\n");
    assert_eq!(check(d.path(), &[]).0, 0);
}

#[test]
fn photo_width_after_rotation_and_size() {
    let d = tempfile::tempdir().unwrap();
    rules(d.path(), "[photo]\nmin_bytes = 0\n");
    let mut extra = photo(
        d.path(),
        "wide.jpg",
        &baosong::testkit::jpeg(2400, 100, None),
    );
    extra += &photo(
        d.path(),
        "narrow.jpg",
        &baosong::testkit::jpeg(1600, 100, None),
    );
    // Stored 2400 wide, but EXIF says turn it: displayed 100 wide.
    extra += &photo(
        d.path(),
        "turned.jpg",
        &baosong::testkit::jpeg(2400, 100, Some(6)),
    );
    case(d.path(), 1000, &extra);
    let (code, diags) = check(d.path(), &[]);
    assert_eq!(code, 1);
    let narrow: Vec<_> = diags.iter().filter(|x| x["code"] == "B0203").collect();
    assert_eq!(narrow.len(), 2, "{diags:#?}");
    assert_eq!(
        narrow[0]["message"],
        "照片宽度 1600 像素，要求不低于 2000 像素"
    );
    assert_eq!(narrow[0]["line"], 14);
    assert_eq!(
        narrow[1]["message"],
        "照片宽度 100 像素，要求不低于 2000 像素"
    );
    assert_eq!(narrow[1]["label"], "100×2400 像素");

    // Size: the generated photos are far below 2 MB.
    rules(d.path(), "[photo]\nmin_width_px = 10\n");
    let (_, diags) = check(d.path(), &[]);
    let small: Vec<_> = diags.iter().filter(|x| x["code"] == "B0204").collect();
    assert_eq!(small.len(), 3);
    assert!(
        small[0]["message"]
            .as_str()
            .unwrap()
            .ends_with("要求单张不低于 2.00 MB"),
        "{}",
        small[0]["message"]
    );
}

#[test]
fn photo_format_caption_truncation_and_absurd_headers() {
    let d = tempfile::tempdir().unwrap();
    rules(d.path(), "[photo]\nmin_bytes = 0\nmin_width_px = 10\n");
    let jpeg = baosong::testkit::jpeg(64, 48, None);
    // PNG bytes with a .jpg name.
    let mut png = Vec::new();
    image::RgbImage::new(64, 48)
        .write_to(&mut std::io::Cursor::new(&mut png), image::ImageFormat::Png)
        .unwrap();
    let mut extra = photo(d.path(), "png.jpg", &png);
    extra += &photo(d.path(), "cut.jpg", &jpeg[..jpeg.len() / 2]);
    // A header claiming 60000×60000 pixels.
    let mut huge = jpeg.clone();
    let sof = huge.windows(2).position(|w| w == [0xFF, 0xC0]).unwrap();
    huge[sof + 5..sof + 9].copy_from_slice(&[0xEA, 0x60, 0xEA, 0x60]);
    extra += &photo(d.path(), "huge.jpg", &huge);
    // Progressive (SOF2) headers are read like baseline ones.
    let mut progressive = jpeg.clone();
    progressive[sof + 1] = 0xC2;
    extra += &photo(d.path(), "progressive.jpg", &progressive);
    std::fs::write(d.path().join("photos/nocap.jpg"), &jpeg).unwrap();
    extra += "\n[[photos]]\npath = \"photos/nocap.jpg\"\n";
    case(d.path(), 1000, &extra);
    let (code, diags) = check(d.path(), &[]);
    assert_eq!(code, 1);
    assert!(only(&diags, "B0202")["message"]
        .as_str()
        .unwrap()
        .contains("PNG"));
    assert!(only(&diags, "B0206")["message"]
        .as_str()
        .unwrap()
        .contains("cut.jpg"));
    assert!(only(&diags, "B0207")["message"]
        .as_str()
        .unwrap()
        .contains("60000×60000"));
    let nocap = only(&diags, "B0205");
    assert!(nocap["message"].as_str().unwrap().contains("第 5 张照片"));
    assert_eq!(diags.len(), 4, "progressive photo passes: {diags:#?}");
}

#[test]
fn videos_by_container_and_resolution() {
    let d = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(d.path().join("v")).unwrap();
    let mut extra = String::new();
    for (name, bytes) in [
        ("hd.mp4", baosong::testkit::mp4(1280, 720, 1000)),
        ("sd.mp4", baosong::testkit::mp4(1024, 576, 1000)),
        ("low.mp4", baosong::testkit::mp4(640, 360, 1000)),
        ("big.mp4", baosong::testkit::mp4(1920, 1080, 300_000)),
        ("clip.avi", b"RIFF\0\0\0\0AVI LIST".to_vec()),
    ] {
        std::fs::write(d.path().join("v").join(name), bytes).unwrap();
        extra += &format!("\n[[videos]]\npath = \"v/{name}\"\n");
    }
    rules(d.path(), "[video]\nmax_bytes = 200000\n");
    case(d.path(), 1000, &extra);
    let (code, diags) = check(d.path(), &[]);
    assert_eq!(code, 1);
    assert_eq!(
        only(&diags, "B0214")["message"],
        "视频分辨率 1024×576，低于建议的 1280×720"
    );
    assert_eq!(only(&diags, "B0214")["severity"], "warning");
    assert_eq!(
        only(&diags, "B0213")["message"],
        "视频分辨率 640×360，低于标清 720×480"
    );
    assert!(only(&diags, "B0212")["message"]
        .as_str()
        .unwrap()
        .contains("超过 0.19 MB 的限制"));
    assert!(only(&diags, "B0211")["message"]
        .as_str()
        .unwrap()
        .contains("AVI"));
    assert_eq!(diags.len(), 4, "{diags:#?}");
}

#[test]
fn characters_outside_gb2312_with_positions() {
    let d = tempfile::tempdir().unwrap();
    case(d.path(), 1000, "");
    let p = d.path().join("case.toml");
    let text = std::fs::read_to_string(&p)
        .unwrap()
        .replace("title = \"匠心筑梦\"", "title = \"张喆的故事😀\"");
    std::fs::write(&p, text).unwrap();
    let (code, diags) = check(d.path(), &[]);
    assert_eq!(code, 0, "warnings only");
    let w: Vec<_> = diags.iter().filter(|x| x["code"] == "B0104").collect();
    assert_eq!(w.len(), 2);
    assert_eq!(
        (w[0]["line"].as_u64(), w[0]["column"].as_u64()),
        (Some(3), Some(11))
    );
    assert!(w[0]["message"]
        .as_str()
        .unwrap()
        .contains("“喆”不在 GB 2312"));
    assert!(w[1]["message"].as_str().unwrap().contains("超出 GBK"));
    assert_eq!(check(d.path(), &["--deny-warnings"]).0, 1);
}

#[test]
fn deadlines_from_the_rules_table() {
    let d = tempfile::tempdir().unwrap();
    case(d.path(), 1000, "");
    let p = d.path().join("case.toml");
    let text = std::fs::read_to_string(&p).unwrap().replace(
        "type = \"case\"\ncategory = \"典型职教故事\"",
        "type = \"plan\"",
    );
    std::fs::write(&p, text).unwrap();
    let o = run(
        &[
            "check",
            ".",
            "--date",
            "2020-11-09",
            "--message-format",
            "json",
        ],
        d.path(),
    );
    let v: serde_json::Value =
        serde_json::from_str(String::from_utf8_lossy(&o.stdout).lines().next().unwrap()).unwrap();
    assert_eq!(v["code"], "B0501");
    assert_eq!(
        v["message"],
        "工作方案的截止日期是 2020年11月6日，已超过 3 天"
    );
    rules(d.path(), "[deadlines]\nplan = \"2021-11-05\"\n");
    let o = run(
        &[
            "check",
            ".",
            "--date",
            "2021-11-03",
            "--message-format",
            "json",
        ],
        d.path(),
    );
    assert!(String::from_utf8_lossy(&o.stdout).contains("还剩 2 天"));
    let o = run(&["check", ".", "--date", "明天"], d.path());
    assert_eq!(o.status.code(), Some(2));
}

#[test]
fn folders_are_checked_recursively_with_a_table_and_nothing_is_written() {
    let d = tempfile::tempdir().unwrap();
    for (school, chars) in [("a校", 1000), ("b校", 500)] {
        let sub = d.path().join("县区").join(school);
        std::fs::create_dir_all(&sub).unwrap();
        case(&sub, chars, "");
    }
    std::fs::write(d.path().join("县区/broken.toml"), "title = \n").unwrap();
    let snapshot = |p: &Path| {
        let mut v: Vec<(String, Vec<u8>)> = Vec::new();
        fn walk(p: &Path, v: &mut Vec<(String, Vec<u8>)>) {
            for e in std::fs::read_dir(p).unwrap() {
                let e = e.unwrap().path();
                if e.is_dir() {
                    walk(&e, v)
                } else {
                    v.push((e.display().to_string(), std::fs::read(&e).unwrap()));
                }
            }
        }
        walk(p, &mut v);
        v.sort();
        v
    };
    let before = snapshot(d.path());
    let o = run(&["check", "县区", "--date", "2020-10-01"], d.path());
    assert_eq!(o.status.code(), Some(2), "a broken file is unusable input");
    let err = stderr(&o);
    assert!(
        err.contains("error[B0001]") && err.contains("broken.toml:1:"),
        "{err}"
    );
    assert!(err.contains("error[B0101]: 正文字数 500"), "{err}");
    let table: Vec<&str> = err.lines().filter(|l| l.starts_with("县区")).collect();
    assert_eq!(table.len(), 3, "{err}");
    assert!(
        table.iter().any(|l| l.contains("县区/b校")
            && l.contains("某职业学校")
            && l.contains("   1     1     0")),
        "{table:?}"
    );
    assert!(err.contains("共检查 3 份材料"), "{err}");
    assert_eq!(snapshot(d.path()), before, "check writes nothing");
}

#[test]
fn the_offices_own_files_are_not_materials() {
    let d = tempfile::tempdir().unwrap();
    let sub = d.path().join("一中");
    std::fs::create_dir_all(&sub).unwrap();
    case(&sub, 1000, "");
    std::fs::write(
        d.path().join("collection.toml"),
        "title = \"汇编\"\nissuer = \"局\"\ndate = 2020-11-30\nsources = [\"*/*.toml\"]\n",
    )
    .unwrap();
    std::fs::write(
        d.path().join("roster.toml"),
        "[[units]]\nname = \"某职业学校\"\n",
    )
    .unwrap();
    let (code, diags) = check(d.path(), &[]);
    assert_eq!((code, diags.len()), (0, 0), "{diags:#?}");
}

#[test]
fn build_refuses_violations_unless_forced() {
    let d = tempfile::tempdir().unwrap();
    case(d.path(), 500, "");
    let o = run(&["build", "case.toml"], d.path());
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("error[B0101]"));
    assert!(!d.path().join("case.pdf").exists() && !d.path().join("case.docx").exists());
    let o = run(&["build", "case.toml", "--force"], d.path());
    assert_eq!(o.status.code(), Some(1));
    assert!(d.path().join("case.pdf").exists() && d.path().join("case.docx").exists());
}

#[test]
fn fuzz_regression_mp4_claiming_4gb_is_refused_without_allocating_it() {
    // Found by fuzz/run.sh: a box inside moov claimed 4 GiB, and mp4parse
    // allocated what it claimed. Only small, size-checked boxes reach it now.
    let p = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/fuzz/mp4-claims-4gb.mp4");
    let r = baosong::video::probe(&p, 200 * 1024 * 1024);
    assert!(
        matches!(r, Ok(_) | Err(baosong::video::VideoError::Corrupt(_))),
        "{r:?}"
    );
}
