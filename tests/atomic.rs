//! A killed run leaves the old output or the new one, never half a file.

mod support;

use std::path::Path;
use std::time::Duration;

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

#[test]
fn killing_compile_never_leaves_half_a_file() {
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
    let o = run(&["compile", "collection.toml", "-o", "out"], d.path());
    assert!(o.status.success(), "{}", stderr(&o));
    let pdf = d.path().join("out/汇编.pdf");
    let docx = d.path().join("out/汇编.docx");
    let (old_pdf, old_docx) = (std::fs::read(&pdf).unwrap(), std::fs::read(&docx).unwrap());
    // Change the input so a finished run would write different bytes, then
    // kill runs at different moments.
    let first = sub.join("s0/story.toml");
    let t = std::fs::read_to_string(&first)
        .unwrap()
        .replace("第0篇", "改过的第0篇");
    std::fs::write(&first, t).unwrap();
    std::fs::remove_dir_all(d.path().join("out/.baosong-cache")).unwrap();
    for ms in [20u64, 60, 120, 250, 500, 900] {
        let mut child = bin()
            .args(["compile", "collection.toml", "-o", "out"])
            .current_dir(d.path())
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap();
        std::thread::sleep(Duration::from_millis(ms));
        let _ = child.kill();
        let _ = child.wait();
        let now_pdf = std::fs::read(&pdf).unwrap();
        assert!(
            now_pdf == old_pdf || complete_pdf(&pdf),
            "after {ms} ms the PDF is neither old nor complete"
        );
        let now_docx = std::fs::read(&docx).unwrap();
        assert!(
            now_docx == old_docx || complete_docx(&docx),
            "after {ms} ms the .docx is neither old nor complete"
        );
    }
    // The inputs were never touched.
    assert!(std::fs::read_to_string(&first)
        .unwrap()
        .contains("改过的第0篇"));
}
