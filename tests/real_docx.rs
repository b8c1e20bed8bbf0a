//! Real Word and WPS files (../shared/corpus/real-docx): every problem in
//! one run, `build --force` writes both files, the text survives (body,
//! table cells, text boxes, notes), numbering as Word shows it, tables as
//! tables.

mod support;

use std::path::{Path, PathBuf};

use support::*;

fn corpus() -> Option<PathBuf> {
    let d = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus/real-docx");
    if d.join("SOURCES.md").is_file() {
        Some(d)
    } else {
        eprintln!("skipped: {} is not here", d.display());
        None
    }
}

fn files(dir: &Path) -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|e| e == "docx"))
        .collect();
    v.sort();
    v
}

/// Text without spaces, line breaks and TOML escapes: what "kept" compares.
fn squash(s: &str) -> String {
    s.replace("\\\\", "\\")
        .replace("\\\"", "\"")
        .replace("\\|", "|")
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '|')
        .collect()
}

#[test]
fn every_real_file_is_checked_built_and_kept() {
    let Some(dir) = corpus() else { return };
    let mut report = vec![];
    for f in files(&dir) {
        let name = f.file_name().unwrap().to_string_lossy().into_owned();
        let d = tempfile::tempdir().unwrap();
        let local = d.path().join(&name);
        std::fs::copy(&f, &local).unwrap();
        // Every problem in one run: exit 0 or 1, never "unusable".
        let o = run(
            &[
                "check",
                &name,
                "--message-format",
                "json",
                "--date",
                "2020-10-01",
            ],
            d.path(),
        );
        let code = o.status.code();
        assert!(
            matches!(code, Some(0 | 1)),
            "{name}: check exited {code:?}: {}",
            stderr(&o)
        );
        let diags: Vec<serde_json::Value> = String::from_utf8_lossy(&o.stdout)
            .lines()
            .filter_map(|l| serde_json::from_str(l).ok())
            .collect();
        let errors = diags.iter().filter(|v| v["severity"] == "error").count();
        // --force writes both files whatever the errors.
        let o = run(&["build", &name, "--force", "-o", "out"], d.path());
        assert!(
            matches!(o.status.code(), Some(0 | 1)),
            "{name}: {}",
            stderr(&o)
        );
        let stem = name.trim_end_matches(".docx");
        let out_docx = d.path().join(format!("out/{stem}（规范排版）.docx"));
        let out_pdf = d.path().join(format!("out/{stem}（规范排版）.pdf"));
        assert!(
            out_docx.is_file() && out_pdf.is_file(),
            "{name}: {}",
            stderr(&o)
        );
        // The text survives: ≥ 95 % of the paragraphs a reader sees.
        let content = baosong::import::docx::read(&std::fs::read(&f).unwrap()).unwrap();
        let imported = baosong::import::to_toml(&content, &baosong::rules::Rules::default());
        let toml = squash(&imported.toml);
        let mut paras: Vec<String> = content
            .paragraphs()
            .into_iter()
            .chain(content.notes.iter())
            .map(|p| squash(&p.text))
            .filter(|t| !t.is_empty())
            .collect();
        paras.dedup();
        let kept = paras.iter().filter(|p| toml.contains(p.as_str())).count();
        let share = if paras.is_empty() {
            1.0
        } else {
            kept as f64 / paras.len() as f64
        };
        assert!(
            share >= 0.95,
            "{name}: kept {kept} of {} paragraphs:\n{}",
            paras.len(),
            imported.toml
        );
        let unit_from = diags
            .iter()
            .find(|v| v["code"] == "B1005")
            .map(|v| v["message"].as_str().unwrap_or("").to_string())
            .unwrap_or_else(|| {
                if diags.iter().any(|v| {
                    v["code"] == "B0102" && v["message"].as_str().unwrap_or("").contains("报送单位")
                }) {
                    "未找到".into()
                } else {
                    "标题下的单位行".into()
                }
            });
        report.push(format!(
            "| {name} | {} | {errors} | {kept}/{} | {unit_from} |",
            code.unwrap_or(-1),
            paras.len()
        ));
    }
    eprintln!(
        "| file | check exit | errors | paragraphs kept | unit |\n|---|---|---|---|---|\n{}",
        report.join("\n")
    );
}

/// The import of one corpus file, and its re-typeset Word document.
fn built(dir: &Path, name: &str) -> (tempfile::TempDir, String, String) {
    let d = tempfile::tempdir().unwrap();
    std::fs::copy(dir.join(name), d.path().join(name)).unwrap();
    let o = run(&["import", name], d.path());
    assert!(matches!(o.status.code(), Some(0 | 1)), "{}", stderr(&o));
    let stem = name.trim_end_matches(".docx");
    let toml = std::fs::read_to_string(d.path().join(stem).join(format!("{stem}.toml"))).unwrap();
    let o = run(
        &["build", name, "--force", "-o", "out", "--format", "docx"],
        d.path(),
    );
    assert!(matches!(o.status.code(), Some(0 | 1)), "{}", stderr(&o));
    let xml = zip_part(
        &d.path().join(format!("out/{stem}（规范排版）.docx")),
        "word/document.xml",
    );
    (d, toml, xml)
}

const W: &str = "http://schemas.openxmlformats.org/wordprocessingml/2006/main";

#[test]
fn word_numbering_becomes_first_level_headings() {
    let Some(dir) = corpus() else { return };
    let (_d, toml, xml) = built(&dir, "05-work-summary-autonumber.docx");
    for marker in ["一、", "二、", "三、", "四、"] {
        assert!(toml.contains(&format!("\n{marker}")), "{marker} in\n{toml}");
    }
    let doc = roxmltree::Document::parse(&xml).unwrap();
    let heads: Vec<String> = doc
        .descendants()
        .filter(|n| n.has_tag_name((W, "p")))
        .filter(|p| {
            p.descendants().any(|n| {
                n.has_tag_name((W, "pStyle")) && n.attribute((W, "val")) == Some("BsHeading1")
            })
        })
        .map(|p| {
            p.descendants()
                .filter(|n| n.has_tag_name((W, "t")))
                .filter_map(|n| n.text())
                .collect()
        })
        .collect();
    let starts: Vec<String> = heads.iter().map(|h| h.chars().take(2).collect()).collect();
    assert_eq!(starts, ["一、", "二、", "三、", "四、"], "{heads:?}");
}

#[test]
fn a_table_stays_a_table() {
    let Some(dir) = corpus() else { return };
    let (d, toml, xml) = built(&dir, "01-accident-report-tables.docx");
    assert!(
        toml.lines()
            .any(|l| l.starts_with("| ") && l.contains("姓名")),
        "{toml}"
    );
    let doc = roxmltree::Document::parse(&xml).unwrap();
    let tbl = doc
        .descendants()
        .find(|n| n.has_tag_name((W, "tbl")) && n.descendants().any(|t| t.text() == Some("姓名")))
        .expect("the table is a w:tbl");
    let rows: Vec<_> = tbl
        .children()
        .filter(|n| n.has_tag_name((W, "tr")))
        .collect();
    assert_eq!(rows.len(), 4);
    let cols = rows[0]
        .children()
        .filter(|n| n.has_tag_name((W, "tc")))
        .count();
    assert_eq!(cols, 7);
    if have("pdftotext") {
        let o = run(
            &[
                "build",
                "01-accident-report-tables.docx",
                "--force",
                "-o",
                "out",
                "--format",
                "pdf",
            ],
            d.path(),
        );
        assert!(matches!(o.status.code(), Some(0 | 1)));
        let pdf = d
            .path()
            .join("out/01-accident-report-tables（规范排版）.pdf");
        let text = tool("pdftotext", &["-layout", pdf.to_str().unwrap(), "-"]);
        // The header cells stand side by side on one line: a grid.
        assert!(
            text.lines()
                .any(|l| l.contains("姓名") && l.contains("性别")),
            "{text}"
        );
    }
}

#[test]
fn text_in_text_boxes_is_kept_and_said() {
    let Some(dir) = corpus() else { return };
    let d = tempfile::tempdir().unwrap();
    let name = "07-process-textboxes.docx";
    std::fs::copy(dir.join(name), d.path().join(name)).unwrap();
    let o = run(&["check", name], d.path());
    let err = stderr(&o);
    assert!(
        err.contains("warning[B1004]") && err.contains("文本框"),
        "{err}"
    );
    let content = baosong::import::docx::read(&std::fs::read(dir.join(name)).unwrap()).unwrap();
    let imported = baosong::import::to_toml(&content, &baosong::rules::Rules::default());
    assert!(content.moved.text_box_paragraphs >= 70);
    let boxed: Vec<String> = content
        .paragraphs()
        .iter()
        .map(|p| squash(&p.text))
        .filter(|t| !t.is_empty())
        .collect();
    let toml = squash(&imported.toml);
    assert!(
        boxed.iter().all(|t| toml.contains(t.as_str())),
        "{}",
        imported.toml
    );
}

#[test]
fn a_long_lead_is_not_a_title_and_a_numbered_item_not_a_heading() {
    let Some(dir) = corpus() else { return };
    // 04: no title paragraph; the lead stays body text and B0102 offers its
    // first sentence.
    let d = tempfile::tempdir().unwrap();
    let name = "04-league-day-news-14photos.docx";
    std::fs::copy(dir.join(name), d.path().join(name)).unwrap();
    let o = run(&["check", name, "--message-format", "json"], d.path());
    let title_error = String::from_utf8_lossy(&o.stdout)
        .lines()
        .filter_map(|l| serde_json::from_str::<serde_json::Value>(l).ok())
        .find(|v| v["code"] == "B0102" && v["message"].as_str().unwrap().contains("标题"))
        .expect("B0102 for the title");
    assert!(
        title_error["hint"].as_str().unwrap().contains("正文第一句"),
        "{title_error}"
    );
    // 02 (WPS): "1．页面：…" runs on without a sentence end: a list item,
    // not a bold heading.
    let (_d, toml, xml) = built(&dir, "02-gongwen-format-spec-wps.docx");
    assert!(toml.contains("1．页面"), "{toml}");
    let doc = roxmltree::Document::parse(&xml).unwrap();
    let p = doc
        .descendants()
        .filter(|n| n.has_tag_name((W, "p")))
        .find(|p| {
            p.descendants()
                .any(|t| t.text().is_some_and(|t| t.starts_with("1．页面")))
        })
        .unwrap();
    let style = p
        .descendants()
        .find(|n| n.has_tag_name((W, "pStyle")))
        .and_then(|n| n.attribute((W, "val")));
    assert_eq!(style, Some("Normal"), "a list item is body text");
}
