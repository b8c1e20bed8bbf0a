//! `baosong compile`: the office's bound collection of case stories.

use super::exit;
use crate::cli::{CompileArgs, OutputFormat};
use crate::compile::{compile, CompileOptions, Progress};
use crate::diag::Reporter;
use crate::input::collection;

pub fn run(args: &CompileArgs, reporter: &mut Reporter) -> u8 {
    let (coll, diags) = collection::load(&args.collection);
    reporter.emit_all(&diags);
    let Some(coll) = coll else {
        return exit::UNUSABLE;
    };
    let rules = match crate::config::load_rules(args.fonts.rules.as_deref(), &coll.dir) {
        Ok(r) => r,
        Err(d) => {
            reporter.emit(&d);
            return exit::UNUSABLE;
        }
    };
    let opts = CompileOptions {
        out_dir: args.out.clone().unwrap_or_else(|| coll.dir.join("汇编")),
        pdf: args.format != OutputFormat::Docx,
        docx: args.format != OutputFormat::Pdf,
        include_invalid: args.include_invalid,
        font_paths: args.fonts.font_paths.clone(),
        strict_fonts: args.strict_fonts,
    };
    let bar = indicatif::ProgressBar::new(0);
    bar.set_style(
        indicatif::ProgressStyle::with_template("{msg} [{bar:30}] {pos}/{len}")
            .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
    );
    let show = |p: Progress| {
        bar.set_message(p.stage);
        bar.set_length(p.total as u64);
        bar.set_position(p.done as u64);
    };
    let done = compile(&coll, rules, &opts, &show);
    bar.finish_and_clear();
    reporter.emit_all(&done.diagnostics);
    for p in &done.written {
        reporter.note(&format!("已生成 {}", p.display()));
    }
    if done.failed && done.cases == 0 {
        return exit::UNUSABLE;
    }
    reporter.note(&format!(
        "汇编收入 {} 篇案例{}。",
        done.cases,
        if done.other_types > 0 {
            format!("（另有 {} 份非案例材料未收入）", done.other_types)
        } else {
            String::new()
        }
    ));
    let mut status = if done.failed {
        exit::UNUSABLE
    } else {
        exit::OK
    };
    if !done.left_out.is_empty() {
        let mut msg = format!("{} 份材料未收入汇编：", done.left_out.len());
        for (p, why) in &done.left_out {
            msg.push_str(&format!("\n  {}（{}）", p.display(), why));
        }
        reporter.note(&msg);
        reporter.note("改正后重新运行，或加 --include-invalid 照样收入有错误的材料。");
        status = status.max(exit::VIOLATIONS);
    }
    status
}
