//! `baosong status`: who has sent what, what is missing or late, and how
//! many errors each unit's documents have. Reads only, except the .xlsx.

use std::path::{Path, PathBuf};

use rayon::prelude::*;

use super::exit;
use crate::board::{text_table, Board};
use crate::check::Context;
use crate::cli::StatusArgs;
use crate::diag::Reporter;
use crate::rules::calendar::Day;

pub fn run(args: &StatusArgs, reporter: &mut Reporter) -> u8 {
    let today = match Day::from_arg(args.date.as_deref()) {
        Ok(d) => d,
        Err(d) => {
            reporter.emit(&d);
            return exit::UNUSABLE;
        }
    };
    let (files, problems) = match crate::submission::find(&args.paths) {
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
    let mut board = Board::default();
    if let Some(r) = &args.roster {
        let (roster, diags) = crate::input::collection::load_roster(r);
        reporter.emit_all(&diags);
        let Some(roster) = roster else {
            return exit::UNUSABLE;
        };
        board = Board::new(&roster);
    }
    let found: Vec<_> = files
        .par_iter()
        .map(|f| crate::submission::examine(f, args.rules.as_deref(), &Context::default()))
        .collect();
    let mut unreadable = Vec::new();
    for e in found {
        let (errors, warnings) = (e.errors(), e.warnings());
        let Some(d) = e.document else {
            unreadable.push(e.path);
            continue;
        };
        if let Some(unit) = Board::unit_of(&d) {
            board.add(&unit, &d, errors, warnings, false);
        }
    }
    let rules =
        crate::config::load_rules(args.rules.as_deref(), Path::new(".")).unwrap_or_default();
    print!("{}", text_table(&board.rows(&rules, today)));
    if !unreadable.is_empty() {
        reporter.note(&format!(
            "{} 个文件无法读取，未计入（可用 baosong check 查看原因）",
            unreadable.len()
        ));
    }
    let ir = board.ir(&rules, today);
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
    if board.incomplete() {
        exit::VIOLATIONS
    } else {
        exit::OK
    }
}
