//! `baosong build`: a material → its .docx and .pdf (and .xlsx for tables).

use std::collections::HashSet;
use std::path::{Path, PathBuf};

use super::exit;
use crate::check::Context;
use crate::cli::{BuildArgs, OutputFormat};
use crate::diag::{code, Diagnostic, Reporter};
use crate::files::{dir_of, io_reason};
use crate::fonts::FontCache;
use crate::submission::{self, InputKind, MakeOptions};

/// What stays the same across the files of one run.
struct Run<'a> {
    args: &'a BuildArgs,
    template: Option<String>,
    fonts: FontCache,
    lookalike_told: bool,
    /// Output names used in this run, so two documents never overwrite
    /// each other (e.g. two reports with the same outlet and title).
    stems: HashSet<(PathBuf, String)>,
}

impl Run<'_> {
    /// `base`, or `base（2）`, `base（3）`… if this run already wrote it.
    fn claim_stem(&mut self, dir: &Path, base: &str) -> String {
        (1..)
            .map(|n| match n {
                1 => base.to_string(),
                n => format!("{base}（{n}）"),
            })
            .find(|stem| self.stems.insert((dir.to_path_buf(), stem.clone())))
            .unwrap_or_else(|| base.to_string())
    }
}

pub fn run(args: &BuildArgs, reporter: &mut Reporter) -> u8 {
    let template = match &args.template {
        None => None,
        Some(t) => match std::fs::read_to_string(t) {
            Ok(s) => Some(s),
            Err(e) => {
                reporter.emit(&Diagnostic::new(
                    code::UNREADABLE,
                    format!("无法读取模板 {}：{}", t.display(), io_reason(&e)),
                ));
                return exit::UNUSABLE;
            }
        },
    };
    let mut run = Run {
        args,
        template,
        fonts: FontCache::new(&args.fonts.font_paths),
        lookalike_told: false,
        stems: HashSet::new(),
    };
    let mut status = exit::OK;
    for file in &args.files {
        status = status.max(build_one(file, &mut run, reporter));
    }
    if status == exit::OK && args.deny_warnings && reporter.warnings > 0 {
        status = exit::VIOLATIONS;
    }
    status
}

fn build_one(file: &Path, run: &mut Run, reporter: &mut Reporter) -> u8 {
    let args = run.args;
    // The same rules as `check`, deadlines aside: a build must not depend
    // on the day it runs. Errors stop the build unless --force.
    let opts = submission::LoadOptions {
        unit: args.unit.clone(),
    };
    let examined = submission::examine_as(
        file,
        args.fonts.rules.as_deref(),
        &Context::default(),
        &opts,
    );
    reporter.emit_all(&examined.diagnostics);
    let Some(doc) = &examined.document else {
        return exit::UNUSABLE;
    };
    let rules = &examined.rules;
    let violations = examined.errors() > 0;
    if violations && !args.force {
        reporter.note(&format!(
            "{} 有不符合通知要求的错误，没有生成文件；改正后重新运行，或加 --force 照样生成",
            file.display()
        ));
        return exit::VIOLATIONS;
    }
    let dir = dir_of(file);
    let fonts = run.fonts.get(&dir, rules);
    let want_pdf = args.format != OutputFormat::Docx;
    if want_pdf && !run.lookalike_told {
        if let Some(n) = fonts.lookalike_notice(args.strict_fonts) {
            run.lookalike_told = true;
            reporter.emit(&n);
            if args.strict_fonts {
                return exit::UNUSABLE;
            }
        }
    }
    let made = submission::make(
        doc,
        &examined.diagnostics,
        rules,
        &fonts,
        &MakeOptions {
            pdf: want_pdf,
            docx: args.format != OutputFormat::Pdf,
            xlsx: args.format == OutputFormat::All,
            template: run.template.as_deref(),
            pdf_a: args.pdf_standard.is_some(),
        },
    );
    reporter.emit_all(&made.diagnostics);
    if made.outputs.is_empty() {
        return exit::UNUSABLE;
    }
    // A media report names itself (媒体单位+报道标题); others take the
    // input's name. A Word input keeps its name; the re-typeset copy says
    // what it is.
    let out_dir = args.out.clone().unwrap_or(dir);
    let base = made.file_stem.clone().unwrap_or_else(|| {
        let stem = file
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_else(|| "output".into());
        match submission::input_kind(file) {
            Some(InputKind::Docx) => format!("{stem}（规范排版）"),
            _ => stem,
        }
    });
    let stem = run.claim_stem(&out_dir, &base);
    let inputs: Vec<PathBuf> = std::iter::once(file.to_path_buf())
        .chain(doc.photos.iter().map(|p| p.resolved.clone()))
        .collect();
    let mut status = if violations {
        exit::VIOLATIONS
    } else {
        exit::OK
    };
    for (ext, bytes) in made.outputs {
        let path = out_dir.join(format!("{stem}.{ext}"));
        if !crate::output::write_reported(&path, bytes, &inputs, reporter) {
            status = exit::UNUSABLE;
        }
    }
    status
}
