//! Diagnostics as a user meets them on the command line: the rendered
//! output of a few representative findings, `baosong explain`, severities
//! re-graded by `[diagnostics]` in baosong.toml, and which files count as
//! materials.
//!
//! Snapshots are plain files in tests/expected/diagnostics/. After an
//! intended change of wording or layout, rerun with `BAOSONG_BLESS=1` to
//! rewrite them, then read the diff before committing.

mod support;

use std::path::{Path, PathBuf};
use std::process::Output;

use support::*;

const DATE: &str = "2020-10-01";

fn expected_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/expected/diagnostics")
}

/// A line diff (longest common subsequence), `-` expected, `+` actual.
fn diff(want: &str, got: &str) -> String {
    let a: Vec<&str> = want.lines().collect();
    let b: Vec<&str> = got.lines().collect();
    let mut lcs = vec![vec![0usize; b.len() + 1]; a.len() + 1];
    for i in (0..a.len()).rev() {
        for j in (0..b.len()).rev() {
            lcs[i][j] = if a[i] == b[j] {
                lcs[i + 1][j + 1] + 1
            } else {
                lcs[i + 1][j].max(lcs[i][j + 1])
            };
        }
    }
    let (mut i, mut j, mut out) = (0, 0, String::new());
    while i < a.len() || j < b.len() {
        if i < a.len() && j < b.len() && a[i] == b[j] {
            out += &format!("  {}\n", a[i]);
            i += 1;
            j += 1;
        } else if i < a.len() && (j == b.len() || lcs[i + 1][j] >= lcs[i][j + 1]) {
            out += &format!("- {}\n", a[i]);
            i += 1;
        } else {
            out += &format!("+ {}\n", b[j]);
            j += 1;
        }
    }
    if a == b {
        out += "(only line endings or the final newline differ)\n";
    }
    out
}

/// Compares `actual` with the expected file `name`, or rewrites it when
/// blessing.
fn snapshot(name: &str, actual: &str) {
    let path = expected_dir().join(name);
    if std::env::var("BAOSONG_BLESS").as_deref() == Ok("1") {
        std::fs::create_dir_all(expected_dir()).unwrap();
        std::fs::write(&path, actual).unwrap();
        eprintln!("blessed {}", path.display());
        return;
    }
    let want = std::fs::read_to_string(&path).unwrap_or_else(|_| {
        panic!(
            "{} is missing; run with BAOSONG_BLESS=1 to create it",
            path.display()
        )
    });
    if want != actual {
        panic!(
            "output differs from {} (- expected, + actual; BAOSONG_BLESS=1 rewrites it):\n{}",
            path.display(),
            diff(&want, actual)
        );
    }
}

/// What a user sees for `baosong ARGS` in `dir`: the command, the exit
/// status and stderr, with the temporary folder's path (the one thing that
/// changes between runs) replaced.
fn transcript(args: &[&str], dir: &Path) -> (Output, String) {
    let o = run(args, dir);
    assert!(
        o.stdout.is_empty(),
        "human output goes to stderr only: {}",
        String::from_utf8_lossy(&o.stdout)
    );
    let mut err = stderr(&o);
    for p in [dir.to_path_buf(), dir.canonicalize().unwrap()] {
        err = err.replace(&p.display().to_string(), "[DIR]");
    }
    let text = format!(
        "$ baosong {}\nexit status: {}\n\n{}",
        args.join(" "),
        o.status.code().unwrap(),
        err
    );
    (o, text)
}

/// A case story with the given body and `extra` TOML after it.
fn case_toml(body: &str, extra: &str) -> String {
    format!(
        "type = \"case\"\ncategory = \"典型活动案例\"\ntitle = \"匠心筑梦 技能报国\"\nunit = \"南昌市第一中等专业学校\"\nbody = \"\"\"\n{body}\n\"\"\"\n{extra}"
    )
}

const SHORT_BODY: &str = "11月8日至14日，学校以“人人出彩，技能强国”为主题开展职业教育活动周，组织师生走进社区，为居民提供家电维修、健康护理和法律咨询等服务。\n\n各专业部精心设计体验项目，邀请家长和初中学生走进实训车间，亲手操作设备，感受职业教育的魅力。";

/// Short texts pass, and photos are judged by width only: each snapshot
/// shows one finding.
const SHORT_OK: &str = "[text]\nmin_chars = 10\n[photo]\nmin_bytes = 0\n";

// ---------------------------------------------------------------------
// Snapshots of the human-readable output.

#[test]
fn toml_syntax_error_points_at_the_missing_quote() {
    // The wording is in the snapshot; the caret's place is measured too,
    // by display width.
    let d = tempfile::tempdir().unwrap();
    // The title's closing quote is missing.
    let text = case_toml(SHORT_BODY, "").replace("技能报国\"", "技能报国");
    std::fs::write(d.path().join("case.toml"), text).unwrap();
    let (o, t) = transcript(&["check", "case.toml", "--date", DATE], d.path());
    assert_eq!(o.status.code(), Some(2), "an unreadable file is unusable");
    let lines: Vec<&str> = t.lines().collect();
    let at = |prefix: &str| {
        lines
            .iter()
            .position(|l| l.trim_start().starts_with(prefix))
            .unwrap_or_else(|| panic!("no line starting {prefix:?}: {t}"))
    };
    assert!(
        lines[at("error[B0001]")].starts_with("error[B0001]: TOML 格式错误："),
        "{t}"
    );
    // Line 3, just after the last character of the unfinished title.
    assert!(lines[at("┌─")].ends_with("┌─ case.toml:3:19"), "{t}");
    let src = at("3 │");
    assert_eq!(lines[src], "3 │ title = \"匠心筑梦 技能报国");
    let caret = lines[src + 1];
    let width = |s: &str| unicode_width::UnicodeWidthStr::width(s);
    assert_eq!(
        width(&caret[..caret.find('^').expect("a caret")]),
        width(lines[src]),
        "the caret is where the closing quote belongs: {t}"
    );
    assert!(lines[at("= 提示：")].contains("检查引号是否成对"), "{t}");
    assert!(t.contains("共检查 1 份材料：1 份有错误"), "{t}");
    assert!(!t.contains("invalid"), "no parser English: {t}");
    snapshot("b0001_toml_syntax.txt", &t);
}

#[test]
fn snapshot_unknown_field_with_suggestion() {
    let d = tempfile::tempdir().unwrap();
    std::fs::write(d.path().join("baosong.toml"), SHORT_OK).unwrap();
    let text = case_toml(SHORT_BODY, "").replace("body = ", "regoin = \"东湖区\"\nbody = ");
    std::fs::write(d.path().join("case.toml"), text).unwrap();
    let (o, t) = transcript(&["check", "case.toml", "--date", DATE], d.path());
    assert_eq!(
        o.status.code(),
        Some(2),
        "an unknown field makes the file unusable"
    );
    assert!(
        t.contains("`region`"),
        "the suggestion names the field: {t}"
    );
    snapshot("b0002_unknown_field.txt", &t);
}

#[test]
fn snapshot_text_too_short() {
    let d = tempfile::tempdir().unwrap();
    std::fs::write(d.path().join("case.toml"), case_toml(SHORT_BODY, "")).unwrap();
    let (o, t) = transcript(&["check", "case.toml", "--date", DATE], d.path());
    assert_eq!(o.status.code(), Some(1));
    snapshot("b0101_text_too_short.txt", &t);
}

#[test]
fn snapshot_photo_too_narrow() {
    let d = tempfile::tempdir().unwrap();
    std::fs::write(d.path().join("baosong.toml"), SHORT_OK).unwrap();
    std::fs::create_dir_all(d.path().join("photos")).unwrap();
    std::fs::write(
        d.path().join("photos/01.jpg"),
        baosong::testkit::jpeg(1600, 1200, None),
    )
    .unwrap();
    let extra =
        "\n[[photos]]\npath = \"photos/01.jpg\"\ncaption = \"学生在实训车间操作数控机床\"\n";
    std::fs::write(d.path().join("case.toml"), case_toml(SHORT_BODY, extra)).unwrap();
    let (o, t) = transcript(&["check", "case.toml", "--date", DATE], d.path());
    assert_eq!(o.status.code(), Some(1));
    snapshot("b0203_photo_too_narrow.txt", &t);
}

fn docx(document_xml: &str) -> Vec<u8> {
    docx_of(document_xml, None)
}

#[test]
fn snapshot_short_word_file() {
    let d = tempfile::tempdir().unwrap();
    let p = |centered: bool, text: &str| {
        format!(
            "<w:p>{}<w:r><w:t>{text}</w:t></w:r></w:p>",
            if centered {
                "<w:pPr><w:jc w:val=\"center\"/></w:pPr>"
            } else {
                ""
            }
        )
    };
    let xml = format!(
        "<w:document xmlns:w=\"http://schemas.openxmlformats.org/wordprocessingml/2006/main\"><w:body>{}{}{}{}</w:body></w:document>",
        p(true, "匠心筑梦 技能报国"),
        p(true, "南昌市第一中等专业学校"),
        p(false, "11月8日至14日，学校开展职业教育活动周。"),
        p(false, "师生走进社区，为居民提供家电维修服务。"),
    );
    std::fs::write(d.path().join("短案例.docx"), docx(&xml)).unwrap();
    let (o, t) = transcript(&["check", "短案例.docx", "--date", DATE], d.path());
    assert_eq!(o.status.code(), Some(1));
    snapshot("b0101_word_file.txt", &t);
}

// ---------------------------------------------------------------------
// `baosong explain`

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

#[test]
fn explain_prints_code_title_and_fix() {
    let d = tempfile::tempdir().unwrap();
    let o = run(&["explain", "B0203"], d.path());
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let text = stdout(&o);
    assert!(text.starts_with("B0203：照片宽度不足\n"), "{text}");
    assert!(text.contains("默认级别：错误"), "{text}");
    assert!(text.contains("2000 像素"), "the explanation itself: {text}");
    assert!(text.contains("改正："), "{text}");
    // It says how to re-grade it, with the group's real key.
    assert!(
        text.contains("[diagnostics] photos = \"warning\"") && text.contains("B0203 = \"…\""),
        "{text}"
    );
    // Codes are accepted in lower case too, with the same answer.
    let lower = run(&["explain", "b0203"], d.path());
    assert_eq!(lower.status.code(), Some(0), "{}", stderr(&lower));
    assert_eq!(stdout(&lower), text);
    // Input problems cannot be re-graded, and explain says so.
    let input = stdout(&run(&["explain", "B0001"], d.path()));
    assert!(input.contains("不能在 baosong.toml 中调整"), "{input}");
}

#[test]
fn explain_unknown_code_fails_with_a_hint() {
    let d = tempfile::tempdir().unwrap();
    let o = run(&["explain", "B9999"], d.path());
    assert_eq!(o.status.code(), Some(2));
    assert!(o.stdout.is_empty(), "{}", stdout(&o));
    let err = stderr(&o);
    assert!(err.contains("没有诊断代码“B9999”"), "{err}");
    assert!(
        err.contains("= 提示：") && err.contains("baosong explain --list"),
        "{err}"
    );
}

#[test]
fn explain_list_has_every_code_and_each_explains() {
    let d = tempfile::tempdir().unwrap();
    let o = run(&["explain", "--list"], d.path());
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let listed: Vec<String> = stdout(&o)
        .lines()
        .map(|l| l.split_whitespace().next().unwrap_or_default().to_string())
        .collect();
    let catalogue: Vec<&str> = baosong::diag::catalog::ALL.iter().map(|l| l.code).collect();
    assert_eq!(listed, catalogue, "--list is the catalogue, in order");
    assert!(listed.len() > 40, "{listed:?}");
    for code in &listed {
        let o = run(&["explain", code], d.path());
        assert_eq!(o.status.code(), Some(0), "explain {code}: {}", stderr(&o));
        let text = stdout(&o);
        assert!(
            text.starts_with(&format!("{code}：")) && text.contains("改正"),
            "explain {code}: {text}"
        );
    }
}

// ---------------------------------------------------------------------
// `[diagnostics]` in baosong.toml

/// A folder with a case whose one photo is 1600 pixels wide (below the
/// notice's 2000) and far below 2 MB, under `rules`.
fn narrow_photo_case(rules: &str) -> tempfile::TempDir {
    let d = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(d.path().join("photos")).unwrap();
    std::fs::write(
        d.path().join("photos/01.jpg"),
        baosong::testkit::jpeg(1600, 1200, None),
    )
    .unwrap();
    let extra = "\n[[photos]]\npath = \"photos/01.jpg\"\ncaption = \"实训车间\"\n";
    std::fs::write(d.path().join("case.toml"), case_toml(SHORT_BODY, extra)).unwrap();
    std::fs::write(
        d.path().join("baosong.toml"),
        format!("[text]\nmin_chars = 10\n{rules}"),
    )
    .unwrap();
    d
}

fn check_json(dir: &Path) -> (i32, Vec<serde_json::Value>) {
    let o = run(
        &[
            "check",
            "case.toml",
            "--date",
            DATE,
            "--message-format",
            "json",
        ],
        dir,
    );
    let diags = stdout(&o)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{e}: {l}")))
        .collect();
    (o.status.code().unwrap(), diags)
}

fn severity_of(diags: &[serde_json::Value], code: &str) -> String {
    let found: Vec<_> = diags.iter().filter(|d| d["code"] == code).collect();
    assert_eq!(found.len(), 1, "{code} in {diags:#?}");
    found[0]["severity"].as_str().unwrap().to_string()
}

#[test]
fn photos_are_errors_by_default() {
    let d = narrow_photo_case("[photo]\nmin_bytes = 0\n");
    let o = run(&["check", "case.toml", "--date", DATE], d.path());
    assert_eq!(o.status.code(), Some(1));
    let err = stderr(&o);
    assert!(
        err.contains("error[B0203]: 照片宽度 1600 像素，要求不低于 2000 像素"),
        "{err}"
    );
    assert!(err.contains("1 份有错误"), "{err}");
}

#[test]
fn a_group_lowered_to_warning_passes() {
    let d = narrow_photo_case("[photo]\nmin_bytes = 0\n[diagnostics]\nphotos = \"warning\"\n");
    let o = run(&["check", "case.toml", "--date", DATE], d.path());
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let err = stderr(&o);
    assert!(err.contains("warning[B0203]: 照片宽度 1600 像素"), "{err}");
    assert!(!err.contains("error["), "{err}");
    assert!(err.contains("1 份只有警告"), "{err}");
    let (code, diags) = check_json(d.path());
    assert_eq!(code, 0);
    assert_eq!(severity_of(&diags, "B0203"), "warning");
    // Warnings still fail when asked to.
    let o = run(
        &["check", "case.toml", "--date", DATE, "--deny-warnings"],
        d.path(),
    );
    assert_eq!(o.status.code(), Some(1));
}

#[test]
fn a_code_setting_beats_its_groups() {
    // Rules::adjust looks at the code first, then the group: B0203 stays an
    // error while the rest of the photos group (B0204, too few bytes) is
    // lowered.
    let d = narrow_photo_case("[diagnostics]\nphotos = \"warning\"\nB0203 = \"error\"\n");
    let (code, diags) = check_json(d.path());
    assert_eq!(code, 1, "{diags:#?}");
    assert_eq!(severity_of(&diags, "B0203"), "error");
    assert_eq!(severity_of(&diags, "B0204"), "warning");
    // And the other way round: a warning by default raised to an error.
    let d = narrow_photo_case(
        "[photo]\nmin_bytes = 0\nmin_width_px = 10\n[diagnostics]\nB0104 = \"error\"\n",
    );
    let p = d.path().join("case.toml");
    let text = std::fs::read_to_string(&p)
        .unwrap()
        .replace("匠心筑梦", "张喆的故事");
    std::fs::write(&p, text).unwrap();
    let (code, diags) = check_json(d.path());
    assert_eq!(code, 1, "{diags:#?}");
    assert_eq!(severity_of(&diags, "B0104"), "error");
}

#[test]
fn keys_and_values_are_read_as_people_write_them() {
    // Lower case, stray spaces, capitals: the same setting.
    for rules in [
        "[photo]\nmin_bytes = 0\n[diagnostics]\nb0203 = \"warning\"\n",
        "[photo]\nmin_bytes = 0\n[diagnostics]\n\" B0203 \" = \"Warning\"\n",
        "[photo]\nmin_bytes = 0\n[diagnostics]\nPhotos = \"WARNING\"\n",
    ] {
        let d = narrow_photo_case(rules);
        let (code, diags) = check_json(d.path());
        assert_eq!(code, 0, "{rules}: {diags:#?}");
        assert_eq!(severity_of(&diags, "B0203"), "warning", "{rules}");
    }
}

/// `check` with a bad `[diagnostics]` entry: unusable rules, B0008 naming
/// the key.
fn refused(rules: &str, key: &str) {
    let d = narrow_photo_case(rules);
    let o = run(&["check", "case.toml", "--date", DATE], d.path());
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(2), "{err}");
    assert!(err.contains("error[B0008]: 规则文件有误："), "{err}");
    assert!(err.contains(&format!("diagnostics.{key}")), "{err}");
    assert!(err.contains("baosong.toml"), "names the file: {err}");
    // Nothing else is judged under rules that cannot be read.
    assert!(!err.contains("B0203"), "{err}");
}

#[test]
fn bad_diagnostics_entries_are_refused_by_name() {
    // A misspelt group: the message lists the real ones.
    refused("[diagnostics]\nphoto = \"warning\"\n", "photo");
    let d = narrow_photo_case("[diagnostics]\nphoto = \"warning\"\n");
    let err = stderr(&run(&["check", "case.toml", "--date", DATE], d.path()));
    assert!(
        err.contains("不是诊断类别或代码") && err.contains("photos"),
        "{err}"
    );
    // A code that does not exist.
    refused("[diagnostics]\nB9999 = \"warning\"\n", "B9999");
    // Input problems make a file unusable; they cannot be lowered, as a
    // group or one by one.
    refused("[diagnostics]\ninput = \"warning\"\n", "input");
    refused("[diagnostics]\nB0001 = \"warning\"\n", "B0001");
    let d = narrow_photo_case("[diagnostics]\ninput = \"warning\"\n");
    let err = stderr(&run(&["check", "case.toml", "--date", DATE], d.path()));
    assert!(err.contains("不能调整"), "{err}");
    // A value other than error or warning.
    refused("[diagnostics]\nphotos = \"ignore\"\n", "photos");
}

// ---------------------------------------------------------------------
// Which files are materials: check and compile agree.

#[test]
fn hidden_folders_are_skipped_by_check_and_compile_alike() {
    let d = tempfile::tempdir().unwrap();
    let body: String = "甲乙丙丁戊己庚辛壬癸".chars().cycle().take(1000).collect();
    for (folder, title) in [("a", "看得见的案例"), (".hidden", "藏起来的案例")] {
        std::fs::create_dir_all(d.path().join(folder)).unwrap();
        let text = case_toml(&body, "").replace("匠心筑梦 技能报国", title);
        std::fs::write(d.path().join(folder).join("case.toml"), text).unwrap();
    }
    // The hidden case is a valid material in itself: named directly, it
    // is checked and passes.
    let o = run(&["check", ".hidden", "--date", DATE], d.path());
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(stderr(&o).contains("共检查 1 份材料"), "{}", stderr(&o));

    let o = run(&["check", ".", "--date", DATE], d.path());
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(0), "{err}");
    assert!(
        err.contains("共检查 1 份材料：0 份有错误，0 份只有警告，1 份符合要求。"),
        "{err}"
    );
    assert!(!err.contains(".hidden"), "{err}");

    let o = compile_docx(
        d.path(),
        "title = \"案例汇编\"\nissuer = \"某教育局\"\ndate = 2020-11-30\nsources = [\"**/*.toml\"]\n",
    );
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(0), "{err}");
    assert!(err.contains("汇编收入 1 篇案例。"), "{err}");
    let xml = zip_part(&d.path().join("out/案例汇编.docx"), "word/document.xml");
    assert!(xml.contains("看得见的案例"), "the visible case is bound");
    assert!(!xml.contains("藏起来的案例"), "the hidden one is not");
}
