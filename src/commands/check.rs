//! `baosong check`: every rule of the notice over files and folders,
//! reported like a compiler, then a table per folder. Reads only.

use std::path::{Path, PathBuf};

use rayon::prelude::*;

use super::exit;
use crate::check::{self, deadline::Day, Context};
use crate::cli::CheckArgs;
use crate::diag::{code, Diagnostic, MessageFormat, Reporter};

/// The result of checking one file.
pub struct FileReport {
    pub path: PathBuf,
    pub unit: Option<String>,
    pub diagnostics: Vec<Diagnostic>,
    /// The file could not be read as a document at all.
    pub unusable: bool,
}

impl FileReport {
    fn errors(&self) -> usize {
        self.diagnostics.iter().filter(|d| d.is_error()).count()
    }
    fn warnings(&self) -> usize {
        self.diagnostics.len() - self.errors()
    }
}

/// Input files under `paths`: files as given, folders searched recursively
/// for `.toml` (the rules file `baosong.toml` excepted), in a stable order.
pub fn collect(paths: &[PathBuf]) -> Result<(Vec<PathBuf>, Vec<Diagnostic>), Diagnostic> {
    let mut out = Vec::new();
    let mut problems = Vec::new();
    for p in paths {
        if p.is_dir() {
            walk(p, &mut out, &mut problems);
        } else if p.is_file() {
            out.push(p.clone());
        } else {
            return Err(
                Diagnostic::error(code::UNREADABLE, format!("找不到 {}", p.display()))
                    .hint("请检查文件或文件夹名称是否正确"),
            );
        }
    }
    Ok((out, problems))
}

fn walk(dir: &Path, out: &mut Vec<PathBuf>, problems: &mut Vec<Diagnostic>) {
    let rd = match std::fs::read_dir(dir) {
        Ok(rd) => rd,
        Err(e) => {
            // A folder we cannot read must not pass as "符合要求".
            problems.push(
                Diagnostic::error(
                    code::UNREADABLE,
                    format!("无法读取文件夹 {}：{}", dir.display(), crate::io_reason(&e)),
                )
                .hint("请检查文件夹权限"),
            );
            return;
        }
    };
    let mut entries: Vec<PathBuf> = rd.filter_map(|e| e.ok().map(|e| e.path())).collect();
    entries.sort();
    for e in entries {
        let name = e
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        if name.starts_with('.') {
            continue;
        }
        // Symbolic links are not followed: a folder must not reach outside itself.
        let Ok(meta) = std::fs::symlink_metadata(&e) else {
            continue;
        };
        let lower = name.to_ascii_lowercase();
        // Word files too: they are converted on the fly (`baosong import`).
        let is_toml =
            lower.ends_with(".toml") || (lower.ends_with(".docx") && !lower.starts_with("~$"));
        if meta.is_dir() {
            walk(&e, out, problems);
        } else if meta.is_file() && is_toml && !name.eq_ignore_ascii_case(crate::config::RULES_FILE)
        {
            out.push(e);
        }
    }
}

/// Loads and checks one file.
pub fn check_file(path: &Path, rules_file: Option<&Path>, ctx: &Context) -> FileReport {
    let dir = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let rules = match crate::config::load_rules(rules_file, dir) {
        Ok(r) => r,
        Err(d) => {
            return FileReport {
                path: path.to_path_buf(),
                unit: None,
                diagnostics: vec![d],
                unusable: true,
            }
        }
    };
    let loaded = crate::input::load_file(path);
    let mut diagnostics = loaded.diagnostics;
    let Some(doc) = loaded.document else {
        return FileReport {
            path: path.to_path_buf(),
            unit: None,
            diagnostics,
            unusable: true,
        };
    };
    diagnostics.extend(check::check(&doc, &rules, ctx));
    FileReport {
        path: path.to_path_buf(),
        unit: Some(doc.unit.value.trim().to_string()),
        diagnostics,
        unusable: false,
    }
}

pub fn run(args: &CheckArgs, reporter: &mut Reporter) -> u8 {
    let today = match Day::from_arg(args.date.as_deref()) {
        Ok(d) => d,
        Err(d) => {
            reporter.emit(&d);
            return exit::UNUSABLE;
        }
    };
    let (files, problems) = match collect(&args.paths) {
        Ok(f) => f,
        Err(d) => {
            reporter.emit(&d);
            return exit::UNUSABLE;
        }
    };
    reporter.emit_all(&problems);
    if files.is_empty() {
        reporter.emit(&Diagnostic::warning(
            code::UNREADABLE,
            "没有找到要检查的 .toml 材料文件",
        ));
        return exit::OK;
    }
    let ctx = Context { today: Some(today) };
    // Files are independent: check them in parallel, report in order.
    let reports: Vec<FileReport> = files
        .par_iter()
        .map(|f| check_file(f, args.rules.as_deref(), &ctx))
        .collect();
    for r in &reports {
        reporter.emit_all(&r.diagnostics);
    }
    if args.message_format == MessageFormat::Human {
        eprint!("{}", table(&reports));
    }
    let unusable = !problems.is_empty() || reports.iter().any(|r| r.unusable);
    if unusable {
        exit::UNUSABLE
    } else if reporter.errors > 0 || (args.deny_warnings && reporter.warnings > 0) {
        exit::VIOLATIONS
    } else {
        exit::OK
    }
}

/// The per-folder summary: folder, school, documents, errors, warnings.
pub fn table(reports: &[FileReport]) -> String {
    use std::collections::BTreeMap;
    let mut rows: BTreeMap<String, (Vec<String>, usize, usize, usize)> = BTreeMap::new();
    for r in reports {
        let folder = r
            .path
            .parent()
            .map(|p| p.display().to_string())
            .filter(|s| !s.is_empty())
            .unwrap_or_else(|| ".".into());
        let row = rows.entry(folder).or_default();
        if let Some(u) = &r.unit {
            if !row.0.contains(u) {
                row.0.push(u.clone());
            }
        }
        row.1 += 1;
        row.2 += r.errors();
        row.3 += r.warnings();
    }
    let width = |s: &str| unicode_width::UnicodeWidthStr::width(s);
    let pad = |s: &str, w: usize| format!("{s}{}", " ".repeat(w.saturating_sub(width(s))));
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
            "{}  {}  {:>4}  {:>4}  {:>4}\n",
            pad(&r.0, w0),
            pad(&r.1, w1),
            r.2,
            r.3,
            r.4
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
