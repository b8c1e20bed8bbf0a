//! `baosong import`: a .docx becomes a TOML input and picture files that
//! `check` and `build` take like any other submission.

use std::path::Path;
use std::sync::Arc;

use super::exit;
use crate::check::Context;
use crate::cli::ImportArgs;
use crate::diag::{code, Diagnostic, Reporter, SourceFile};

pub fn run(args: &ImportArgs, reporter: &mut Reporter) -> u8 {
    let bytes = match std::fs::read(&args.file) {
        Ok(b) => b,
        Err(e) => {
            reporter.emit(&Diagnostic::error(
                code::UNREADABLE,
                format!("无法读取 {}：{}", args.file.display(), crate::io_reason(&e)),
            ));
            return exit::UNUSABLE;
        }
    };
    let whole = Arc::new(SourceFile {
        path: args.file.clone(),
        text: "".into(),
    });
    let content = match crate::import::docx::read(&bytes) {
        Ok(c) => c,
        Err(e) => {
            reporter.emit(
                &Diagnostic::error(
                    code::NOT_DOCX,
                    format!("{}：{}", args.file.display(), e.message()),
                )
                .in_file(&whole)
                .hint(e.hint()),
            );
            return exit::UNUSABLE;
        }
    };
    let dir = args
        .file
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let rules = crate::config::load_rules(None, dir).unwrap_or_default();
    let imported = crate::import::to_toml(&content, &rules);
    for n in &imported.notes {
        reporter.emit(&n.clone().in_file(&whole));
    }
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
            &Diagnostic::error(
                code::WRITE,
                format!("{} 已经存在，没有覆盖", toml_path.display()),
            )
            .hint("如果确实要用 Word 文件的内容替换它，请加 --force"),
        );
        return exit::UNUSABLE;
    }
    let inputs = vec![args.file.clone()];
    for (rel, data) in &imported.images {
        if let Err(d) = crate::output::write_atomic(&out.join(rel), data, &inputs) {
            reporter.emit(&d);
            return exit::UNUSABLE;
        }
    }
    if let Err(d) = crate::output::write_atomic(&toml_path, imported.toml.as_bytes(), &inputs) {
        reporter.emit(&d);
        return exit::UNUSABLE;
    }
    reporter.note(&format!(
        "已生成 {}（{} 张图片）",
        toml_path.display(),
        imported.images.len()
    ));
    // The result is checked like any submission.
    let loaded = crate::input::load_file(&toml_path);
    reporter.emit_all(&loaded.diagnostics);
    let Some(doc) = loaded.document else {
        reporter.note("请打开生成的 .toml 文件补全上面指出的内容。");
        return exit::VIOLATIONS;
    };
    let findings = crate::check::check(&doc, &rules, &Context { today: None });
    reporter.emit_all(&findings);
    if findings.iter().any(|d| d.is_error()) {
        exit::VIOLATIONS
    } else {
        exit::OK
    }
}
