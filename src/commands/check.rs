//! `baosong check`: every rule of the notice over files and folders,
//! reported like a compiler, then a table per folder. Reads only.

use rayon::prelude::*;

use super::exit;
use crate::check::Context;
use crate::cli::CheckArgs;
use crate::diag::{code, Diagnostic, MessageFormat, Reporter};
use crate::files::dir_of;
use crate::rules::calendar::Day;
use crate::submission::{self, Examined};

pub fn run(args: &CheckArgs, reporter: &mut Reporter) -> u8 {
    let today = match Day::from_arg(args.date.as_deref()) {
        Ok(d) => d,
        Err(d) => {
            reporter.emit(&d);
            return exit::UNUSABLE;
        }
    };
    let (files, problems) = match submission::find(&args.paths) {
        Ok(f) => f,
        Err(d) => {
            reporter.emit(&d);
            return exit::UNUSABLE;
        }
    };
    reporter.emit_all(&problems);
    if files.is_empty() {
        reporter.emit(&Diagnostic::new(
            code::NOTHING_FOUND,
            "没有找到要检查的材料文件（.toml 或 .docx）",
        ));
        return exit::OK;
    }
    let ctx = Context { today: Some(today) };
    let opts = submission::LoadOptions {
        unit: args.unit.clone(),
    };
    // Files are independent: check them in parallel, report in order.
    let reports: Vec<Examined> = files
        .par_iter()
        .map(|f| submission::examine_as(f, args.rules.as_deref(), &ctx, &opts))
        .collect();
    for r in &reports {
        reporter.emit_all(&r.diagnostics);
    }
    if args.message_format == MessageFormat::Human {
        eprint!("{}", table(&reports));
    }
    let unusable = !problems.is_empty() || reports.iter().any(|r| r.unusable());
    if unusable {
        exit::UNUSABLE
    } else if reporter.errors > 0 || (args.deny_warnings && reporter.warnings > 0) {
        exit::VIOLATIONS
    } else {
        exit::OK
    }
}

/// The per-folder summary: folder, school, documents, errors, warnings.
pub fn table(reports: &[Examined]) -> String {
    use std::collections::BTreeMap;
    let mut rows: BTreeMap<String, (Vec<String>, usize, usize, usize)> = BTreeMap::new();
    for r in reports {
        let folder = dir_of(&r.path).display().to_string();
        let row = rows.entry(folder).or_default();
        if let Some(d) = &r.document {
            let u = d.unit.value.trim().to_string();
            if !row.0.contains(&u) {
                row.0.push(u);
            }
        }
        row.1 += 1;
        row.2 += r.errors();
        row.3 += r.warnings();
    }
    let width = |s: &str| unicode_width::UnicodeWidthStr::width(s);
    let pad = |s: &str, w: usize| format!("{s}{}", " ".repeat(w.saturating_sub(width(s))));
    // Right-aligned by display width: the headers are two columns a character.
    let rpad = |s: &str, w: usize| format!("{}{s}", " ".repeat(w.saturating_sub(width(s))));
    let lines: Vec<(String, String, String, String, String)> = rows
        .into_iter()
        .map(|(folder, (units, n, e, w))| {
            (
                folder,
                units.join("、"),
                n.to_string(),
                e.to_string(),
                w.to_string(),
            )
        })
        .collect();
    let header = (
        "文件夹".to_string(),
        "报送单位".to_string(),
        "材料".to_string(),
        "错误".to_string(),
        "警告".to_string(),
    );
    let all: Vec<&(String, String, String, String, String)> =
        std::iter::once(&header).chain(lines.iter()).collect();
    let w0 = all.iter().map(|r| width(&r.0)).max().unwrap_or(0);
    let w1 = all.iter().map(|r| width(&r.1)).max().unwrap_or(0);
    let mut out = String::from("\n");
    for r in all {
        out.push_str(&format!(
            "{}  {}  {}  {}  {}\n",
            pad(&r.0, w0),
            pad(&r.1, w1),
            rpad(&r.2, 4),
            rpad(&r.3, 4),
            rpad(&r.4, 4)
        ));
    }
    let with_errors = reports.iter().filter(|r| r.errors() > 0).count();
    let with_warnings = reports
        .iter()
        .filter(|r| r.errors() == 0 && r.warnings() > 0)
        .count();
    out.push_str(&format!(
        "\n共检查 {} 份材料：{} 份有错误，{} 份只有警告，{} 份符合要求。\n",
        reports.len(),
        with_errors,
        with_warnings,
        reports.len() - with_errors - with_warnings
    ));
    out
}
