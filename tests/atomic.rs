//! A run that dies while writing leaves the old output or the new one,
//! never half a file: outputs are written to a temporary file and renamed.

mod support;

use std::path::Path;
use std::time::{Duration, Instant};

use support::*;

fn complete_pdf(p: &Path) -> bool {
    let b = std::fs::read(p).unwrap();
    b.starts_with(b"%PDF") && b.windows(5).rev().take(64).any(|w| w == b"%%EOF")
}

fn complete_docx(p: &Path) -> bool {
    std::fs::File::open(p)
        .ok()
        .and_then(|f| zip::ZipArchive::new(f).ok())
        .is_some_and(|mut z| z.by_name("word/document.xml").is_ok())
}

fn temporaries(dir: &Path) -> Vec<String> {
    std::fs::read_dir(dir)
        .unwrap()
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with(".baosong-") && n.ends_with(".tmp"))
        .collect()
}

/// Four cases and a collection; returns the folder.
fn corpus() -> tempfile::TempDir {
    let d = tempfile::tempdir().unwrap();
    let sub = d.path().join("submissions");
    for i in 0..4 {
        let s = sub.join(format!("s{i}"));
        write_case(&s, "story.toml", 30, &[(2400, 1600, None)]);
        let t = std::fs::read_to_string(s.join("story.toml"))
            .unwrap()
            .replace("匠心筑梦 技能报国", &format!("第{i}篇"));
        std::fs::write(s.join("story.toml"), t).unwrap();
    }
    std::fs::write(d.path().join("baosong.toml"), RELAXED).unwrap();
    std::fs::write(d.path().join("collection.toml"), "title = \"汇编\"\nissuer = \"某处\"\ndate = 2020-11-30\nsources = [\"submissions/**/*.toml\"]\n").unwrap();
    d
}

/// Changes the first case so a finished run would write different bytes.
fn edit(d: &Path, to: &str) {
    let first = d.join("submissions/s0/story.toml");
    let t = std::fs::read_to_string(&first).unwrap();
    let t = t.replacen(
        t.lines().find(|l| l.starts_with("title")).unwrap(),
        &format!("title = \"{to}\""),
        1,
    );
    std::fs::write(&first, t).unwrap();
}

#[test]
fn a_failure_before_the_rename_keeps_the_old_file() {
    let d = corpus();
    let o = run(&["compile", "collection.toml", "-o", "out"], d.path());
    assert!(o.status.success(), "{}", stderr(&o));
    let out = d.path().join("out");
    let (pdf, docx) = (out.join("汇编.pdf"), out.join("汇编.docx"));
    let (old_pdf, old_docx) = (std::fs::read(&pdf).unwrap(), std::fs::read(&docx).unwrap());
    edit(d.path(), "改过的第0篇");
    let o = bin()
        .args(["compile", "collection.toml", "-o", "out"])
        .env("BAOSONG_TEST_HOOK", "fail-before-rename")
        .current_dir(d.path())
        .output()
        .unwrap();
    // Every output was written in full to a temporary file, then the
    // rename failed: the run says so and the old outputs stand.
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(stderr(&o).contains("error[B0902]"), "{}", stderr(&o));
    assert_eq!(std::fs::read(&pdf).unwrap(), old_pdf);
    assert_eq!(std::fs::read(&docx).unwrap(), old_docx);
    assert!(temporaries(&out).is_empty(), "{:?}", temporaries(&out));
}

#[test]
fn killing_a_run_while_it_writes_never_leaves_half_a_file() {
    let d = corpus();
    let o = run(&["compile", "collection.toml", "-o", "out"], d.path());
    assert!(o.status.success(), "{}", stderr(&o));
    let out = d.path().join("out");
    let (pdf, docx) = (out.join("汇编.pdf"), out.join("汇编.docx"));
    let (old_pdf, old_docx) = (std::fs::read(&pdf).unwrap(), std::fs::read(&docx).unwrap());
    // Kill each run at a moment an output is being written: its temporary
    // file exists and holds every byte, the rename has not happened.
    for (round, title) in ["甲", "乙", "丙"].iter().enumerate() {
        edit(d.path(), title);
        let mut child = bin()
            .args(["compile", "collection.toml", "-o", "out"])
            .env("BAOSONG_TEST_HOOK", "pause-before-rename:3000")
            .current_dir(d.path())
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap();
        let start = Instant::now();
        // Round 0 kills while the PDF is written, later rounds after it was
        // renamed and while the .docx is written.
        let want_writes = if round == 0 { 1 } else { 2 };
        // Each write has its own temporary name: count the names seen.
        let mut names = std::collections::HashSet::new();
        while start.elapsed() < Duration::from_secs(60) && names.len() < want_writes {
            names.extend(temporaries(&out));
            std::thread::sleep(Duration::from_millis(10));
        }
        let seen = names.len();
        assert_eq!(
            seen, want_writes,
            "round {round}: the run never reached its write"
        );
        child.kill().unwrap();
        child.wait().unwrap();
        // Whatever is visible under the output names is whole.
        let now_pdf = std::fs::read(&pdf).unwrap();
        assert!(
            now_pdf == old_pdf || complete_pdf(&pdf),
            "round {round}: PDF"
        );
        let now_docx = std::fs::read(&docx).unwrap();
        assert!(
            now_docx == old_docx || complete_docx(&docx),
            "round {round}: docx"
        );
        if round == 0 {
            assert_eq!(
                now_pdf, old_pdf,
                "killed before its rename: still the old PDF"
            );
        } else {
            assert_ne!(now_pdf, old_pdf, "renamed before the kill: the new PDF");
            assert_eq!(
                now_docx, old_docx,
                "killed before its rename: still the old .docx"
            );
        }
        // Temporaries left by the killed run are hidden and never taken
        // for an output or a material.
        for t in temporaries(&out) {
            std::fs::remove_file(out.join(t)).unwrap();
        }
    }
    // The inputs were never touched.
    let first = std::fs::read_to_string(d.path().join("submissions/s0/story.toml")).unwrap();
    assert!(first.contains("title = \"丙\""));
}
