//! `baosong new`: a commented template a teacher fills in.

use std::path::PathBuf;

use super::exit;
use crate::cli::{NewArgs, NewKind};
use crate::diag::{code, Diagnostic, Reporter};
use crate::input::edit::template;

pub fn run(args: &NewArgs, reporter: &mut Reporter) -> u8 {
    let dir = args.dir.clone().unwrap_or_else(|| PathBuf::from("."));
    let (name, text) = match args.kind {
        NewKind::Case => ("case.toml", template("case")),
        NewKind::Plan => ("plan.toml", template("plan")),
        NewKind::Media => ("media.toml", template("media")),
        NewKind::Summary => ("summary.toml", template("summary")),
        NewKind::Highlights => ("highlights.toml", template("highlights")),
    };
    let path = dir.join(name);
    if path.exists() {
        reporter.emit(
            &Diagnostic::new(
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
        reporter.emit(&Diagnostic::new(
            code::WRITE,
            format!(
                "无法创建文件夹 {}：{}",
                dir.display(),
                crate::files::io_reason(&e)
            ),
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
