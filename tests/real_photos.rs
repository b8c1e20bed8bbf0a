//! Real camera and phone files (../shared/corpus/photos): `check` gives
//! exactly the verdict its SOURCES.md lists for each; a HEIC photo under
//! `build --force` becomes a framed placeholder in both outputs.

mod support;

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use support::*;

fn corpus() -> Option<PathBuf> {
    let d = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus/photos");
    if d.join("SOURCES.md").is_file() {
        Some(d)
    } else {
        eprintln!("skipped: {} is not here", d.display());
        None
    }
}

/// (file, expected codes) from the table in SOURCES.md.
fn expected(dir: &Path) -> Vec<(String, BTreeSet<String>)> {
    let text = std::fs::read_to_string(dir.join("SOURCES.md")).unwrap();
    text.lines()
        .filter(|l| l.starts_with("| ") && !l.starts_with("| file") && !l.starts_with("| ---"))
        .map(|l| {
            let cells: Vec<&str> = l.split('|').map(str::trim).collect();
            let file = cells[1].to_string();
            let verdict = cells[cells.len() - 2];
            let codes = verdict
                .split(',')
                .map(str::trim)
                .filter(|c| c.starts_with('B'))
                .map(String::from)
                .collect();
            (file, codes)
        })
        .collect()
}

/// A case with one photo copied from the corpus (tests never commit them).
fn case_with(dir: &Path, photo: &Path) -> PathBuf {
    std::fs::create_dir_all(dir.join("photos")).unwrap();
    let name = photo.file_name().unwrap().to_string_lossy().into_owned();
    std::fs::copy(photo, dir.join("photos").join(&name)).unwrap();
    let toml = format!(
        "title = \"真实照片\"\nunit = \"某校\"\nbody = \"\"\"\n{}\"\"\"\n\n[[photos]]\npath = \"photos/{name}\"\ncaption = \"说明\"\n",
        body(12)
    );
    let p = dir.join("case.toml");
    std::fs::write(&p, toml).unwrap();
    p
}

#[test]
fn every_corpus_photo_gets_its_expected_verdict() {
    let Some(dir) = corpus() else { return };
    let table = expected(&dir);
    assert_eq!(table.len(), 30, "30 photos in SOURCES.md");
    let mut wrong = vec![];
    for (file, want) in &table {
        let d = tempfile::tempdir().unwrap();
        case_with(d.path(), &dir.join(file));
        let o = run(
            &[
                "check",
                "case.toml",
                "--message-format",
                "json",
                "--date",
                "2020-10-01",
            ],
            d.path(),
        );
        let got: BTreeSet<String> = String::from_utf8_lossy(&o.stdout)
            .lines()
            .filter_map(|l| serde_json::from_str::<serde_json::Value>(l).ok())
            .filter_map(|v| v["code"].as_str().map(String::from))
            .filter(|c| c.starts_with("B02"))
            .collect();
        if &got != want {
            wrong.push(format!("{file}: expected {want:?}, got {got:?}"));
        }
    }
    assert!(wrong.is_empty(), "verdicts differ:\n{}", wrong.join("\n"));
}

#[test]
fn heic_names_its_format_and_force_draws_a_placeholder() {
    let Some(dir) = corpus() else { return };
    let d = tempfile::tempdir().unwrap();
    case_with(d.path(), &dir.join("28-apple-iphone13promax.HEIC"));
    std::fs::write(d.path().join("baosong.toml"), RELAXED).unwrap();
    let o = run(&["check", "case.toml"], d.path());
    let err = stderr(&o);
    assert!(
        err.contains("error[B0202]") && err.contains("HEIC"),
        "{err}"
    );
    assert!(err.contains("兼容性最佳"), "the iPhone hint: {err}");
    // Without --force nothing is written.
    let o = run(&["build", "case.toml"], d.path());
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert!(!d.path().join("case.pdf").exists());
    // With --force both files are written, with a placeholder, and exit 1.
    let o = run(&["build", "case.toml", "--force"], d.path());
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let docx = d.path().join("case.docx");
    let pdf = d.path().join("case.pdf");
    assert!(docx.is_file() && pdf.is_file());
    let xml = zip_part(&docx, "word/document.xml");
    assert!(
        xml.contains("照片无法显示：photos/28-apple-iphone13promax.HEIC"),
        "placeholder in Word"
    );
    assert!(
        !zip_names(&docx)
            .iter()
            .any(|n| n.starts_with("word/media/")),
        "no picture embedded"
    );
    if have("pdftotext") {
        let text = tool("pdftotext", &[pdf.to_str().unwrap(), "-"]);
        let flat: String = text.split_whitespace().collect();
        assert!(
            flat.contains("照片无法显示"),
            "placeholder in the PDF: {text}"
        );
        assert!(flat.contains("28-apple-iphone13promax.HEIC"), "{text}");
    }
}

#[test]
fn complete_images_with_data_after_them_are_not_broken() {
    let Some(dir) = corpus() else { return };
    // The Fujifilm file is padded after its image, the Leia file carries
    // extra views: complete images, judged on width and size only.
    for (file, must_not) in [
        ("22-fujifilm-4900zoom-padded-after-eoi.jpg", "B0206"),
        ("27-leia-lumepad2-multi-image.jpg", "B0206"),
    ] {
        let d = tempfile::tempdir().unwrap();
        case_with(d.path(), &dir.join(file));
        let o = run(&["check", "case.toml", "--date", "2020-10-01"], d.path());
        assert!(!stderr(&o).contains(must_not), "{file}: {}", stderr(&o));
    }
}
