//! `baosong stats`: every summary's figures added up, per county and in
//! total. The table goes through the same IR and renderers as documents.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use super::exit;
use crate::board::Sums;
use crate::check::Context;
use crate::cli::StatsArgs;
use crate::diag::{code, Diagnostic, Group, Reporter};
use crate::ir::Ir;
use crate::model::Extra;
use crate::rules::Rules;

pub fn run(args: &StatsArgs, reporter: &mut Reporter) -> u8 {
    let (files, problems) = match crate::submission::find(&args.paths) {
        Ok(x) => x,
        Err(d) => {
            reporter.emit(&d);
            return exit::UNUSABLE;
        }
    };
    reporter.emit_all(&problems);
    let tally = tally(&files, args, reporter);
    if tally.total.summaries == 0 {
        reporter.emit(
            &Diagnostic::new(code::UNREADABLE, "没有找到活动周总结（type = \"summary\"）")
                .hint("请指定各县区、各校总结所在的文件夹"),
        );
        return exit::UNUSABLE;
    }
    let mut status = if tally.flagged {
        exit::VIOLATIONS
    } else {
        exit::OK
    };
    let dir = tally
        .first_dir
        .clone()
        .unwrap_or_else(|| PathBuf::from("."));
    let rules = crate::config::load_rules(args.fonts.rules.as_deref(), &dir).unwrap_or_default();
    let ir = crate::board::sums_table(&tally.by_county, &tally.total, &rules);
    if !write_outputs(&ir, &rules, &dir, args, &files, reporter) {
        status = exit::UNUSABLE;
    }
    let total = &tally.total;
    reporter.note(&format!(
        "合计：{} 份总结，职业院校 {} 所，学生 {} 人（覆盖率 {}），参与 {} 人次。",
        total.summaries,
        total.schools,
        total.students,
        total.coverage(),
        total.participants
    ));
    status
}

/// The summaries' figures added up, per county and in total.
struct Tally {
    by_county: BTreeMap<String, Sums>,
    total: Sums,
    /// Some summary's figures break a rule.
    flagged: bool,
    /// The first summary's folder: where rules and fonts are looked for.
    first_dir: Option<PathBuf>,
}

/// Adds up every summary among `files`, reporting only its figures'
/// problems; other documents are passed over.
fn tally(files: &[PathBuf], args: &StatsArgs, reporter: &mut Reporter) -> Tally {
    let mut tally = Tally {
        by_county: BTreeMap::new(),
        total: Sums::default(),
        flagged: false,
        first_dir: None,
    };
    for f in files {
        let dir = crate::files::dir_of(f);
        let e = crate::submission::examine(f, args.fonts.rules.as_deref(), &Context::default());
        let Some(doc) = &e.document else { continue };
        let Extra::Summary(stats) = &doc.extra else {
            continue;
        };
        let flagged = e.errors() > 0;
        // Only the figures' problems matter here.
        reporter.emit_all(
            e.diagnostics
                .iter()
                .filter(|d| d.code.group() == Group::Summary),
        );
        tally.flagged |= flagged;
        let county = crate::board::county_of(doc);
        tally
            .by_county
            .entry(county)
            .or_default()
            .add(stats, flagged);
        tally.total.add(stats, flagged);
        tally.first_dir.get_or_insert(dir);
    }
    tally
}

/// Writes the spreadsheet (when the table makes one), the Word file and
/// the PDF; false if any could not be written.
fn write_outputs(
    ir: &Ir,
    rules: &Rules,
    dir: &Path,
    args: &StatsArgs,
    inputs: &[PathBuf],
    reporter: &mut Reporter,
) -> bool {
    let out_dir = args.out.clone().unwrap_or_else(|| PathBuf::from("."));
    let stem = "活动周统计汇总";
    let mut ok = true;
    let mut write = |ext: &str, made: Result<Vec<u8>, Diagnostic>, reporter: &mut Reporter| {
        let path = out_dir.join(format!("{stem}.{ext}"));
        if !crate::output::write_reported(&path, made, inputs, reporter) {
            ok = false;
        }
    };
    match crate::render::xlsx::render(ir, rules) {
        Ok(Some(b)) => write("xlsx", Ok(b), reporter),
        Ok(None) => {}
        Err(d) => write("xlsx", Err(d), reporter),
    }
    write(
        "docx",
        crate::render::docx::render(ir, rules, None),
        reporter,
    );
    let fonts = crate::fonts::FontSet::load(
        rules,
        &crate::fonts::search_for(dir, &args.fonts.font_paths),
    );
    write(
        "pdf",
        crate::render::pdf::render(ir, rules, &fonts, crate::render::pdf::TEMPLATE),
        reporter,
    );
    ok
}
