//! `baosong status`: who has sent what, what is missing or late, and how
//! many errors each unit's documents have. Reads only, except the .xlsx.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use rayon::prelude::*;

use super::exit;
use crate::check::deadline::{self, Day};
use crate::check::Context;
use crate::cli::StatusArgs;
use crate::diag::Reporter;
use crate::ir::{Block, Column, Ir, Table};
use crate::model::DocType;
use crate::rules::Rules;

/// What one unit has submitted.
#[derive(Debug, Default, Clone)]
pub struct UnitStatus {
    pub region: Option<String>,
    pub plan: usize,
    pub highlights: usize,
    pub cases: usize,
    pub media: usize,
    pub summary: usize,
    pub errors: usize,
    pub warnings: usize,
    /// In the roster; units found but not listed are shown too.
    pub listed: bool,
}

/// "已交", "未交" or "逾期未交" for a document with a deadline.
fn state(count: usize, doc: DocType, rules: &Rules, today: Day) -> String {
    if count > 0 {
        return if count > 1 {
            format!("已交 {count} 份")
        } else {
            "已交".into()
        };
    }
    match deadline::due(doc, &rules.deadlines) {
        Some((d, _)) if today > d => "逾期未交".into(),
        Some((d, _)) => format!("未交（{}截止）", d.chinese()),
        None => "未交".into(),
    }
}

pub fn run(args: &StatusArgs, reporter: &mut Reporter) -> u8 {
    let today = match Day::from_arg(args.date.as_deref()) {
        Ok(d) => d,
        Err(d) => {
            reporter.emit(&d);
            return exit::UNUSABLE;
        }
    };
    let (files, problems) = match super::check::collect(&args.paths) {
        // The roster itself is not a submission.
        Ok((f, p)) => {
            let roster = args.roster.as_ref().and_then(|r| r.canonicalize().ok());
            (
                f.into_iter()
                    .filter(|x| x.canonicalize().ok() != roster)
                    .collect::<Vec<_>>(),
                p,
            )
        }
        Err(d) => {
            reporter.emit(&d);
            return exit::UNUSABLE;
        }
    };
    reporter.emit_all(&problems);
    let mut units: BTreeMap<String, UnitStatus> = BTreeMap::new();
    let mut order: Vec<String> = Vec::new();
    if let Some(r) = &args.roster {
        let (roster, diags) = crate::input::collection::load_roster(r);
        reporter.emit_all(&diags);
        let Some(roster) = roster else {
            return exit::UNUSABLE;
        };
        for u in roster {
            order.push(u.name.clone());
            units.insert(
                u.name,
                UnitStatus {
                    region: u.region,
                    listed: true,
                    ..Default::default()
                },
            );
        }
    }
    let rules_for =
        |dir: &Path| crate::config::load_rules(args.rules.as_deref(), dir).unwrap_or_default();
    let found: Vec<_> = files
        .par_iter()
        .map(|f| {
            let dir = f
                .parent()
                .filter(|p| !p.as_os_str().is_empty())
                .unwrap_or(Path::new("."))
                .to_path_buf();
            let rules = rules_for(&dir);
            let loaded = crate::input::load_file(f);
            let doc = loaded.document.map(|d| {
                let findings = crate::check::check(&d, &rules, &Context { today: None });
                let errors = findings.iter().filter(|x| x.is_error()).count();
                (d, errors, findings.len() - errors)
            });
            (f.clone(), doc)
        })
        .collect();
    let mut unreadable = Vec::new();
    for (path, doc) in found {
        let Some((d, errors, warnings)) = doc else {
            unreadable.push(path);
            continue;
        };
        // Media reports name their outlet as `unit`; the sender is `submitter`.
        let name = match &d.extra {
            crate::model::Extra::Media(_) => {
                d.submitter.as_ref().map(|s| s.value.trim().to_string())
            }
            _ => Some(d.unit.value.trim().to_string()),
        };
        let Some(name) = name else { continue };
        if !units.contains_key(&name) {
            order.push(name.clone());
        }
        let u = units.entry(name).or_default();
        if u.region.is_none() {
            u.region = d
                .region
                .as_ref()
                .map(|r| r.value.trim().to_string())
                .filter(|r| !r.is_empty());
        }
        match d.doc_type {
            DocType::Plan => u.plan += 1,
            DocType::Highlights => u.highlights += 1,
            DocType::Case => u.cases += 1,
            DocType::Media => u.media += 1,
            DocType::Summary => u.summary += 1,
        }
        u.errors += errors;
        u.warnings += warnings;
    }
    let rules = rules_for(Path::new("."));
    let rows: Vec<Vec<String>> = order
        .iter()
        .map(|name| {
            let u = &units[name];
            vec![
                name.clone(),
                u.region.clone().unwrap_or_default(),
                state(u.plan, DocType::Plan, &rules, today),
                state(u.highlights, DocType::Highlights, &rules, today),
                u.cases.to_string(),
                u.media.to_string(),
                state(u.summary, DocType::Summary, &rules, today),
                u.errors.to_string(),
                u.warnings.to_string(),
                if u.listed {
                    String::new()
                } else {
                    "不在名单中".into()
                },
            ]
        })
        .collect();
    print!("{}", text_table(&rows));
    if !unreadable.is_empty() {
        reporter.note(&format!(
            "{} 个文件无法读取，未计入（可用 baosong check 查看原因）",
            unreadable.len()
        ));
    }
    let ir = Ir {
        page: rules.page.landscape(),
        landscape: true,
        file_stem: None,
        title: "材料报送情况".into(),
        unit: format!("截至 {}", today.chinese()),
        title_lines: vec!["材料报送情况".into()],
        unit_lines: vec![format!("截至 {}", today.chinese())],
        blocks: vec![Block::Table(Table {
            title: None,
            breakable_rows: false,
            columns: HEADERS
                .iter()
                .map(|(h, w)| Column {
                    header: h.to_string(),
                    width: *w,
                    center: *w < 1.0,
                })
                .collect(),
            rows,
        })],
        figures: vec![],
    };
    let out = args
        .out
        .clone()
        .unwrap_or_else(|| PathBuf::from("."))
        .join("报送情况.xlsx");
    match crate::render::xlsx::render(&ir, &rules) {
        Ok(Some(bytes)) => match crate::output::write_atomic(&out, &bytes, &files) {
            Ok(()) => reporter.note(&format!("已生成 {}", out.display())),
            Err(d) => {
                reporter.emit(&d);
                return exit::UNUSABLE;
            }
        },
        Ok(None) => {}
        Err(d) => {
            reporter.emit(&d);
            return exit::UNUSABLE;
        }
    }
    let missing = units
        .values()
        .any(|u| u.listed && (u.plan == 0 || u.highlights == 0 || u.summary == 0));
    if missing || units.values().any(|u| u.errors > 0) {
        exit::VIOLATIONS
    } else {
        exit::OK
    }
}

const HEADERS: [(&str, f64); 10] = [
    ("单位", 2.2),
    ("县区", 1.0),
    ("工作方案", 1.4),
    ("一览表", 1.4),
    ("案例", 0.6),
    ("媒体报道", 0.7),
    ("总结", 1.4),
    ("错误", 0.6),
    ("警告", 0.6),
    ("备注", 1.0),
];

fn text_table(rows: &[Vec<String>]) -> String {
    let width = |s: &str| unicode_width::UnicodeWidthStr::width(s);
    let header: Vec<String> = HEADERS.iter().map(|(h, _)| h.to_string()).collect();
    let all: Vec<&Vec<String>> = std::iter::once(&header).chain(rows.iter()).collect();
    let widths: Vec<usize> = (0..HEADERS.len())
        .map(|c| all.iter().map(|r| width(&r[c])).max().unwrap_or(0))
        .collect();
    let mut out = String::new();
    for r in all {
        let cells: Vec<String> = r
            .iter()
            .zip(&widths)
            .map(|(s, w)| format!("{s}{}", " ".repeat(w - width(s))))
            .collect();
        out.push_str(cells.join("  ").trim_end());
        out.push('\n');
    }
    out
}
