//! `baosong import`: a .docx becomes a TOML input and picture files that
//! `check` and `build` take like any other submission.

use std::sync::Arc;

use super::exit;
use crate::check::Context;
use crate::cli::ImportArgs;
use crate::diag::{code, Diagnostic, Reporter, SourceFile};
use crate::files::{dir_of, io_reason};

pub fn run(args: &ImportArgs, reporter: &mut Reporter) -> u8 {
    let whole = Arc::new(SourceFile::new(&args.file, ""));
    let bytes = match std::fs::read(&args.file) {
        Ok(b) => b,
        Err(e) => {
            reporter.emit(&Diagnostic::new(
                code::UNREADABLE,
                format!("无法读取 {}：{}", args.file.display(), io_reason(&e)),
            ));
            return exit::UNUSABLE;
        }
    };
    let dir = dir_of(&args.file);
    let rules = crate::config::load_rules(None, &dir).unwrap_or_default();
    let stem = args
        .file
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_else(|| "导入".into());
    let stem = crate::names::sanitize(&stem, rules.output.max_name_chars);
    let out = args.out.clone().unwrap_or_else(|| dir.join(&stem));
    let toml_path = out.join(format!("{stem}.toml"));
    if toml_path.exists() && !args.force {
        reporter.emit(
            &Diagnostic::new(
                code::WRITE,
                format!("{} 已经存在，没有覆盖", toml_path.display()),
            )
            .hint("如果确实要用 Word 文件的内容替换它，请加 --force"),
        );
        return exit::UNUSABLE;
    }
    let (toml_path, notes) = match crate::submission::import_into(
        &bytes,
        &out,
        &stem,
        &rules,
        &crate::import::Hints {
            unit: args.unit.clone(),
            file_stem: Some(stem.clone()),
            folder: std::path::absolute(&args.file)
                .ok()
                .and_then(|p| Some(p.parent()?.file_name()?.to_string_lossy().into_owned())),
        },
        &[args.file.clone()],
    ) {
        Ok(x) => x,
        Err(d) => {
            reporter.emit(&d.in_file(&whole));
            return exit::UNUSABLE;
        }
    };
    for n in &notes {
        reporter.emit(&n.clone().in_file(&whole));
    }
    reporter.note(&format!("已生成 {}", toml_path.display()));
    // The result is checked like any submission.
    let e = crate::submission::examine_with(&toml_path, Arc::new(rules), &Context::default());
    reporter.emit_all(&e.diagnostics);
    if e.document.is_none() {
        reporter.note("请打开生成的 .toml 文件补全上面指出的内容。");
        return exit::VIOLATIONS;
    }
    if e.errors() > 0 {
        exit::VIOLATIONS
    } else {
        exit::OK
    }
}
