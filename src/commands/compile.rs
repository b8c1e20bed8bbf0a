//! `baosong compile`: the office's bound collection of case stories.

use std::path::{Path, PathBuf};

use rayon::prelude::*;

use super::exit;
use crate::check::Context;
use crate::cli::{CompileArgs, OutputFormat};
use crate::diag::{code, Diagnostic, Reporter};
use crate::input::collection::{self, Collection, GroupBy};
use crate::ir::{self, Ir};
use crate::model::{DocType, Document};
use crate::render::volume::{Group, Volume};
use crate::rules::Rules;

/// One submission found by `sources`.
struct Examined {
    path: PathBuf,
    doc: Option<Document>,
    diagnostics: Vec<Diagnostic>,
}

impl Examined {
    fn errors(&self) -> usize {
        self.diagnostics.iter().filter(|d| d.is_error()).count()
    }
}

/// The `.toml` files under the collection's folder matched by `sources`
/// (globs like `submissions/**/*.toml`), in a stable order.
fn matched_files(c: &Collection) -> Result<Vec<PathBuf>, Diagnostic> {
    let mut builder = globset::GlobSetBuilder::new();
    for s in &c.sources {
        let glob = globset::GlobBuilder::new(s.value.trim().trim_start_matches("./"))
            .literal_separator(true)
            .build()
            .map_err(|e| {
                Diagnostic::error(code::BAD_VALUE, format!("材料位置 \"{}\" 写法有误：{e}", s.value))
                    .at(&c.file, s.span.clone())
                    .hint("例如 \"submissions/**/*.toml\" 表示 submissions 文件夹及其子文件夹中的所有 .toml")
            })?;
        builder.add(glob);
    }
    let set = builder
        .build()
        .map_err(|e| Diagnostic::error(code::BAD_VALUE, e.to_string()).in_file(&c.file))?;
    let mut found = Vec::new();
    let mut stack = vec![c.dir.clone()];
    while let Some(dir) = stack.pop() {
        let Ok(rd) = std::fs::read_dir(&dir) else {
            continue;
        };
        for e in rd.flatten() {
            let p = e.path();
            // Links are not followed: sources stay inside the folder.
            let Ok(meta) = std::fs::symlink_metadata(&p) else {
                continue;
            };
            if meta.is_dir() {
                stack.push(p);
            } else if meta.is_file() {
                let rel = p.strip_prefix(&c.dir).unwrap_or(&p);
                let name = p
                    .file_name()
                    .map(|n| n.to_string_lossy().to_string())
                    .unwrap_or_default();
                let lower = name.to_ascii_lowercase();
                let input = lower.ends_with(".toml")
                    || (lower.ends_with(".docx") && !lower.starts_with("~$"));
                if input
                    && set.is_match(rel)
                    && name != crate::config::RULES_FILE
                    && p != c.file.path
                {
                    found.push(p);
                }
            }
        }
    }
    found.sort();
    Ok(found)
}

fn examine(path: &Path, rules: &Rules) -> Examined {
    let loaded = crate::input::load_file(path);
    let mut diagnostics = loaded.diagnostics;
    if let Some(doc) = &loaded.document {
        diagnostics.extend(crate::check::check(doc, rules, &Context { today: None }));
    }
    Examined {
        path: path.to_path_buf(),
        doc: loaded.document,
        diagnostics,
    }
}

/// Groups in a stable, documented order: categories in the notice's order,
/// counties by name; within a group by unit, then title, then file path.
fn grouped(docs: Vec<(Document, Ir)>, by: GroupBy) -> Vec<Group> {
    let key_of = |d: &Document| -> (usize, String) {
        match by {
            GroupBy::Category => match d.category {
                Some(c) => (c as usize, c.name().to_string()),
                None => (9, "其他".into()),
            },
            GroupBy::Region => match &d.region {
                Some(r) if !r.value.trim().is_empty() => (0, r.value.trim().to_string()),
                _ => (1, "未注明县区".into()),
            },
            GroupBy::None => (0, String::new()),
        }
    };
    let mut docs = docs;
    docs.sort_by(|(a, ai), (b, bi)| {
        key_of(a)
            .cmp(&key_of(b))
            .then_with(|| ai.unit.cmp(&bi.unit))
            .then_with(|| ai.title.cmp(&bi.title))
            .then_with(|| a.file.path.cmp(&b.file.path))
    });
    let mut groups: Vec<(Option<String>, Vec<Ir>)> = Vec::new();
    for (d, ir) in docs {
        let name = (by != GroupBy::None).then(|| key_of(&d).1);
        match groups.last_mut() {
            Some((n, v)) if *n == name => v.push(ir),
            _ => groups.push((name, vec![ir])),
        }
    }
    groups
        .into_iter()
        .map(|(name, cases)| Group { name, cases })
        .collect()
}

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
    let files = match matched_files(&coll) {
        Ok(f) => f,
        Err(d) => {
            reporter.emit(&d);
            return exit::UNUSABLE;
        }
    };
    let progress = indicatif::ProgressBar::new(files.len() as u64 * 2);
    progress.set_style(
        indicatif::ProgressStyle::with_template("{msg} [{bar:30}] {pos}/{len}")
            .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
    );
    progress.set_message("检查材料");
    let examined: Vec<Examined> = files
        .par_iter()
        .map(|f| {
            let e = examine(f, &rules);
            progress.inc(1);
            e
        })
        .collect();
    progress.suspend(|| {
        for e in &examined {
            reporter.emit_all(&e.diagnostics);
        }
    });

    let mut left_out = Vec::new();
    let mut chosen = Vec::new();
    let mut other_types = 0;
    for e in examined {
        match e.doc {
            None => left_out.push((e.path, "无法读取".to_string())),
            Some(ref d) if d.doc_type != DocType::Case => other_types += 1,
            Some(_) if e.errors() > 0 && !args.include_invalid => {
                let n = e.errors();
                left_out.push((e.path, format!("{n} 个错误")));
            }
            Some(d) => chosen.push(d),
        }
    }

    // Intermediate documents with photos resampled for print, in parallel;
    // originals are dropped as soon as their print copy exists.
    let out_dir = args.out.clone().unwrap_or_else(|| coll.dir.join("汇编"));
    let cache = out_dir.join(".baosong-cache");
    progress.set_message("处理照片");
    let built: Vec<Result<(Document, Ir), Vec<Diagnostic>>> = chosen
        .into_par_iter()
        .map(|doc| {
            let mut diags = Vec::new();
            let r = match ir::build(&doc, &rules, &mut diags) {
                Some(mut ir) => {
                    for f in &mut ir.figures {
                        match crate::photo::resample(
                            &f.photo,
                            f.width_mm,
                            coll.photo_dpi,
                            Some(&cache),
                        ) {
                            Ok(p) => f.photo = p,
                            Err(e) => diags.push(ir::photo_error(&e, "").in_file(&doc.file)),
                        }
                    }
                    if diags.iter().any(|d| d.is_error()) {
                        Err(diags)
                    } else {
                        Ok((doc, ir))
                    }
                }
                None => Err(diags),
            };
            progress.inc(1);
            r
        })
        .collect();
    progress.finish_and_clear();
    let mut docs = Vec::new();
    for b in built {
        match b {
            Ok(x) => docs.push(x),
            Err(ds) => {
                if let Some(f) = ds.iter().find_map(|d| d.file.clone()) {
                    left_out.push((f.path.clone(), "照片无法处理".into()));
                }
                reporter.emit_all(&ds);
            }
        }
    }
    let count = docs.len();
    if count == 0 {
        reporter.emit(
            &Diagnostic::error(code::UNREADABLE, "没有可以收入汇编的案例")
                .in_file(&coll.file)
                .hint("请检查 sources 是否指向各校报送的 .toml 文件，以及这些材料是否有错误（可先运行 baosong check）"),
        );
        return exit::UNUSABLE;
    }
    let title_max = ir::title_max_em(&rules, &rules.page);
    let volume = Volume {
        title_lines: ir::title::break_lines(&coll.title, title_max),
        title: coll.title.clone(),
        issuer: coll.issuer.clone(),
        date: coll.date.chinese(),
        duplex: coll.duplex,
        groups: grouped(docs, coll.group_by),
    };

    let stem = crate::names::sanitize(&coll.title, rules.output.max_name_chars);
    let inputs: Vec<PathBuf> = vec![coll.file.path.clone()];
    let mut status = exit::OK;
    let fonts = crate::fonts::FontSet::load(
        &rules,
        &crate::fonts::search_for(
            &coll.dir,
            &args.fonts.font_paths,
            std::env::var_os("BAOSONG_NO_SYSTEM_FONTS").is_none(),
        ),
    );
    if let Some(n) = fonts.lookalike_notice(args.strict_fonts) {
        reporter.emit(&n);
        if args.strict_fonts {
            return exit::UNUSABLE;
        }
    }
    // The PDF is laid out first: its page numbers fill the Word contents.
    let (pdf, pages) = match crate::render::volume::render_pdf(&volume, &rules, &fonts) {
        Ok(x) => x,
        Err(d) => {
            reporter.emit(&d);
            return exit::UNUSABLE;
        }
    };
    let mut write = |ext: &str, made: Result<Vec<u8>, Diagnostic>, reporter: &mut Reporter| {
        if !crate::output::write_reported(
            &out_dir.join(format!("{stem}.{ext}")),
            made,
            &inputs,
            reporter,
        ) {
            status = exit::UNUSABLE;
        }
    };
    if args.format != OutputFormat::Docx {
        write("pdf", Ok(pdf), reporter);
    }
    if args.format != OutputFormat::Pdf {
        write(
            "docx",
            crate::render::docx::render_volume(&volume, &rules, &pages),
            reporter,
        );
    }
    reporter.note(&format!(
        "汇编收入 {count} 篇案例{}。",
        if other_types > 0 {
            format!("（另有 {other_types} 份非案例材料未收入）")
        } else {
            String::new()
        }
    ));
    if !left_out.is_empty() {
        let mut msg = format!("{} 份材料未收入汇编：", left_out.len());
        for (p, why) in &left_out {
            msg.push_str(&format!("\n  {}（{}）", p.display(), why));
        }
        reporter.note(&msg);
        reporter.note("改正后重新运行，或加 --include-invalid 照样收入有错误的材料。");
        status = status.max(exit::VIOLATIONS);
    }
    status
}
