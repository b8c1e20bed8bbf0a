//! `baosong new`: a commented template a teacher fills in.

use std::path::PathBuf;

use super::exit;
use crate::cli::{NewArgs, NewKind};
use crate::diag::{code, Diagnostic, Reporter};

const CASE: &str = include_str!("../../templates/new-case.toml");
const PLAN: &str = include_str!("../../templates/new-plan.toml");
const MEDIA: &str = include_str!("../../templates/new-media.toml");
const SUMMARY: &str = include_str!("../../templates/new-summary.toml");
const HIGHLIGHTS: &str = include_str!("../../templates/new-highlights.toml");

pub fn run(args: &NewArgs, reporter: &mut Reporter) -> u8 {
    let dir = args.dir.clone().unwrap_or_else(|| PathBuf::from("."));
    let (name, text) = match args.kind {
        NewKind::Case => ("case.toml", CASE),
        NewKind::Plan => ("plan.toml", PLAN),
        NewKind::Media => ("media.toml", MEDIA),
        NewKind::Summary => ("summary.toml", SUMMARY),
        NewKind::Highlights => ("highlights.toml", HIGHLIGHTS),
    };
    let path = dir.join(name);
    if path.exists() {
        reporter.emit(
            &Diagnostic::error(
                code::WRITE,
                format!("{} 已经存在，没有覆盖", path.display()),
            )
            .hint("换一个文件夹，或先把原文件改名"),
        );
        return exit::UNUSABLE;
    }
    let made = std::fs::create_dir_all(&dir).and_then(|_| match args.kind {
        NewKind::Case => std::fs::create_dir_all(dir.join("photos")),
        NewKind::Media => std::fs::create_dir_all(dir.join("evidence")),
        _ => Ok(()),
    });
    if let Err(e) = made {
        reporter.emit(&Diagnostic::error(
            code::WRITE,
            format!("无法创建文件夹 {}：{}", dir.display(), crate::io_reason(&e)),
        ));
        return exit::UNUSABLE;
    }
    if let Err(d) = crate::output::write_atomic(&path, text.as_bytes(), &[]) {
        reporter.emit(&d);
        return exit::UNUSABLE;
    }
    reporter.note(&format!(
        "已新建 {}。用记事本或其他文本编辑器打开填写，然后运行：baosong build {}",
        path.display(),
        path.display()
    ));
    exit::OK
}
