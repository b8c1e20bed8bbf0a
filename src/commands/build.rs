//! `baosong build`: TOML → model → intermediate document → .docx and .pdf.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use super::exit;
use crate::cli::{BuildArgs, OutputFormat};
use crate::diag::{code, Diagnostic, Reporter};
use crate::fonts::{self, FontSet};
use crate::render;
use crate::rules::Rules;

/// Everything that stays the same across the files of one run.
pub struct Session {
    pub args_template: Option<String>,
    fonts: HashMap<(PathBuf, String), Arc<FontSet>>,
    lookalike_told: bool,
    /// Output names used in this run, so two documents never overwrite
    /// each other (e.g. two reports with the same outlet and title).
    stems: std::collections::HashSet<(PathBuf, String)>,
    /// Test seam: skip system fonts so results do not depend on the machine.
    pub system_fonts: bool,
}

impl Session {
    pub fn new() -> Self {
        Session {
            args_template: None,
            fonts: HashMap::new(),
            lookalike_told: false,
            stems: Default::default(),
            system_fonts: std::env::var_os("BAOSONG_NO_SYSTEM_FONTS").is_none(),
        }
    }

    /// `base`, or `base（2）`, `base（3）`… if this run already wrote it.
    pub fn claim_stem(&mut self, dir: &Path, base: &str) -> String {
        let mut n = 1;
        loop {
            let stem = if n == 1 {
                base.to_string()
            } else {
                format!("{base}（{n}）")
            };
            if self.stems.insert((dir.to_path_buf(), stem.clone())) {
                return stem;
            }
            n += 1;
        }
    }

    fn fonts_for(&mut self, dir: &Path, rules: &Rules, font_paths: &[PathBuf]) -> Arc<FontSet> {
        let key = (
            dir.to_path_buf(),
            serde_json::to_string(&rules.faces).unwrap_or_default(),
        );
        let system = self.system_fonts;
        self.fonts
            .entry(key)
            .or_insert_with(|| {
                Arc::new(FontSet::load(
                    rules,
                    &fonts::search_for(dir, font_paths, system),
                ))
            })
            .clone()
    }
}

impl Default for Session {
    fn default() -> Self {
        Self::new()
    }
}

pub fn run(args: &BuildArgs, reporter: &mut Reporter) -> u8 {
    let mut session = Session::new();
    if let Some(t) = &args.template {
        match std::fs::read_to_string(t) {
            Ok(s) => session.args_template = Some(s),
            Err(e) => {
                reporter.emit(&Diagnostic::error(
                    code::UNREADABLE,
                    format!("无法读取模板 {}：{}", t.display(), crate::io_reason(&e)),
                ));
                return exit::UNUSABLE;
            }
        }
    }
    let mut status = exit::OK;
    for file in &args.files {
        let s = build_one(file, args, &mut session, reporter);
        status = status.max(s);
    }
    if status == exit::OK && args.deny_warnings && reporter.warnings > 0 {
        status = exit::VIOLATIONS;
    }
    status
}

fn build_one(file: &Path, args: &BuildArgs, session: &mut Session, reporter: &mut Reporter) -> u8 {
    let dir = file
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."))
        .to_path_buf();
    let rules = match crate::config::load_rules(args.fonts.rules.as_deref(), &dir) {
        Ok(r) => r,
        Err(d) => {
            reporter.emit(&d);
            return exit::UNUSABLE;
        }
    };
    let loaded = crate::input::load_file(file);
    reporter.emit_all(&loaded.diagnostics);
    let Some(doc) = loaded.document else {
        return exit::UNUSABLE;
    };
    // The same rules as `check` (deadlines aside: a build must not depend on
    // the day it runs). Errors stop the build unless --force.
    let findings = crate::check::check(&doc, &rules, &crate::check::Context { today: None });
    reporter.emit_all(&findings);
    let violations = findings.iter().any(|d| d.is_error());
    if violations && !args.force {
        reporter.note(&format!(
            "{} 有不符合通知要求的错误，没有生成文件；改正后重新运行，或加 --force 照样生成",
            file.display()
        ));
        return exit::VIOLATIONS;
    }
    let mut diags = Vec::new();
    let ir = crate::ir::build(&doc, &rules, &mut diags);
    // A photo `check` already reported is not reported twice.
    diags.retain(|d| {
        !findings
            .iter()
            .any(|f| f.code == d.code && f.span == d.span)
    });
    reporter.emit_all(&diags);
    let Some(ir) = ir else {
        return exit::UNUSABLE;
    };

    let want_pdf = args.format != OutputFormat::Docx;
    let want_docx = args.format != OutputFormat::Pdf;
    let out_dir = args.out.clone().unwrap_or_else(|| dir.clone());
    // A media report names itself (媒体单位+报道标题); others take the input's name.
    // A Word input keeps its name; the re-typeset copy says what it is.
    let from_word = file
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("docx"));
    let base = ir.file_stem.clone().unwrap_or_else(|| {
        let stem = file
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_else(|| "output".into());
        if from_word {
            format!("{stem}（规范排版）")
        } else {
            stem
        }
    });
    let stem = session.claim_stem(&out_dir, &base);
    let inputs: Vec<PathBuf> = std::iter::once(file.to_path_buf())
        .chain(doc.photos.iter().map(|p| p.resolved.clone()))
        .collect();
    let mut status = if violations {
        exit::VIOLATIONS
    } else {
        exit::OK
    };
    let mut emit_output =
        |ext: &str, made: Result<Vec<u8>, Diagnostic>, reporter: &mut Reporter| {
            let made = made.map_err(|d| d.in_file(&doc.file));
            if !crate::output::write_reported(
                &out_dir.join(format!("{stem}.{ext}")),
                made,
                &inputs,
                reporter,
            ) {
                status = exit::UNUSABLE;
            }
        };

    if want_pdf {
        let fonts = session.fonts_for(&dir, &rules, &args.fonts.font_paths);
        if !session.lookalike_told {
            if let Some(n) = fonts.lookalike_notice(args.strict_fonts) {
                session.lookalike_told = true;
                reporter.emit(&n);
                if args.strict_fonts {
                    return exit::UNUSABLE;
                }
            }
        }
        // Characters outside GB 2312 were reported by the charset rule already.
        let coverage = crate::coverage::check(&doc, &ir, &rules, &fonts);
        reporter.emit_all(coverage.iter().filter(|d| {
            !findings
                .iter()
                .any(|f| f.code == crate::diag::code::OUTSIDE_GB2312 && f.span == d.span)
        }));
        let template = session
            .args_template
            .as_deref()
            .unwrap_or(render::pdf::TEMPLATE);
        emit_output(
            "pdf",
            render::pdf::render_with(&ir, &rules, &fonts, template, args.pdf_standard.is_some()),
            reporter,
        );
    }
    if want_docx {
        emit_output("docx", render::docx::render(&ir, &rules), reporter);
    }
    // Tables also go to a spreadsheet, for offices that merge them.
    if args.format == OutputFormat::All {
        match render::xlsx::render(&ir, &rules) {
            Ok(Some(bytes)) => emit_output("xlsx", Ok(bytes), reporter),
            Ok(None) => {}
            Err(d) => emit_output("xlsx", Err(d), reporter),
        }
    }
    status
}
