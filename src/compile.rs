//! The bound volume (汇编), as a pipeline: the collection's materials are
//! found and checked, the valid cases laid out with their photos resampled
//! for print, grouped and ordered, and rendered to PDF and Word. Used by
//! `baosong compile` and by the office portal; progress goes to a callback.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use rayon::prelude::*;

use crate::check::Context;
use crate::diag::{code, Diagnostic, SourceFile};
use crate::input::collection::{Collection, GroupBy, Order};
use crate::ir::{self, Ir};
use crate::model::{DocType, Document};
use crate::render::volume::{Group, Volume};
use crate::rules::Rules;
use crate::submission::{self, Examined};
use crate::text::{collate, Collation};
use std::cmp::Ordering;

/// How far a compile has come, for a progress bar.
#[derive(Debug, Clone)]
pub struct Progress {
    /// What is being done, in Chinese.
    pub stage: &'static str,
    pub done: usize,
    pub total: usize,
}

pub struct CompileOptions {
    pub out_dir: PathBuf,
    pub pdf: bool,
    pub docx: bool,
    /// Take cases with errors too.
    pub include_invalid: bool,
    pub font_paths: Vec<PathBuf>,
    pub strict_fonts: bool,
}

/// What a compile did.
pub struct Compiled {
    /// Every finding, per material, in order.
    pub diagnostics: Vec<Diagnostic>,
    /// Outputs written.
    pub written: Vec<PathBuf>,
    pub cases: usize,
    pub other_types: usize,
    /// Materials left out and why.
    pub left_out: Vec<(PathBuf, String)>,
    /// The run cannot go on (nothing to bind, an output not written).
    pub failed: bool,
}

/// The materials under the collection's folder matched by `sources`
/// (globs like `submissions/**/*.toml`), in a stable order; the same walk
/// and the same idea of a material as `check`.
pub fn matched_files(c: &Collection) -> Result<(Vec<PathBuf>, Vec<Diagnostic>), Diagnostic> {
    let mut builder = globset::GlobSetBuilder::new();
    for s in &c.sources {
        let glob = globset::GlobBuilder::new(s.value.trim().trim_start_matches("./"))
            .literal_separator(true)
            .build()
            .map_err(|e| {
                Diagnostic::new(code::BAD_VALUE, format!("材料位置 \"{}\" 写法有误：{e}", s.value))
                    .at(&c.file, s.span.clone())
                    .hint("例如 \"submissions/**/*.toml\" 表示 submissions 文件夹及其子文件夹中的所有 .toml")
            })?;
        builder.add(glob);
    }
    let set = builder
        .build()
        .map_err(|e| Diagnostic::new(code::BAD_VALUE, e.to_string()).in_file(&c.file))?;
    let mut problems = Vec::new();
    let found = submission::walk(&c.dir, &|rel| set.is_match(rel), &mut problems)
        .into_iter()
        .filter(|p| *p != c.file.path)
        .collect();
    Ok((found, problems))
}

/// Compares two unit (or county) names in the collection's order: the
/// roster's, else pinyin or strokes; names the roster lacks come after.
fn name_order(
    order: &Order,
    a: &str,
    b: &str,
    roster_of: &dyn Fn(&str) -> Option<usize>,
) -> Ordering {
    match order {
        Order::Roster(_) => match (roster_of(a), roster_of(b)) {
            (Some(x), Some(y)) => x.cmp(&y),
            (Some(_), None) => Ordering::Less,
            (None, Some(_)) => Ordering::Greater,
            (None, None) => collate(Collation::Pinyin, a, b),
        },
        Order::Pinyin => collate(Collation::Pinyin, a, b),
        Order::Strokes => collate(Collation::Strokes, a, b),
    }
}

/// Groups in a stable, documented order: categories in the notice's order;
/// counties and, within a group, units in the collection's order (roster,
/// pinyin or strokes); then titles by pinyin, then file paths.
fn grouped(
    docs: Vec<(Document, Ir)>,
    by: GroupBy,
    order: &Order,
) -> (Vec<Group>, Vec<Vec<Arc<SourceFile>>>) {
    let (units, regions): (Vec<String>, Vec<String>) = match order {
        Order::Roster(r) => {
            let mut regions: Vec<String> = Vec::new();
            for u in r {
                if let Some(reg) = &u.region {
                    if !regions.contains(reg) {
                        regions.push(reg.clone());
                    }
                }
            }
            (r.iter().map(|u| u.name.clone()).collect(), regions)
        }
        _ => (vec![], vec![]),
    };
    let unit_at = |n: &str| units.iter().position(|u| u == n);
    let region_at = |n: &str| regions.iter().position(|u| u == n);
    // (rank, name): the rank keeps fixed groups (categories, "none given")
    // where they belong; names compare in the collection's order.
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
        let (ka, kb) = (key_of(a), key_of(b));
        ka.0.cmp(&kb.0)
            .then_with(|| name_order(order, &ka.1, &kb.1, &region_at))
            .then_with(|| name_order(order, &ai.unit, &bi.unit, &unit_at))
            .then_with(|| collate(Collation::Pinyin, &ai.title, &bi.title))
            .then_with(|| a.file.path.cmp(&b.file.path))
    });
    let mut groups: Vec<(Option<String>, Vec<Ir>, Vec<Arc<SourceFile>>)> = Vec::new();
    for (d, ir) in docs {
        let name = (by != GroupBy::None).then(|| key_of(&d).1);
        match groups.last_mut() {
            Some((n, v, f)) if *n == name => {
                v.push(ir);
                f.push(d.file);
            }
            _ => groups.push((name, vec![ir], vec![d.file])),
        }
    }
    groups
        .into_iter()
        .map(|(name, cases, files)| (Group { name, cases }, files))
        .unzip()
}

/// Checks every matched material; splits them into the cases to bind and
/// those left out.
fn choose(
    files: &[PathBuf],
    rules: &Arc<Rules>,
    opts: &CompileOptions,
    out: &mut Compiled,
    progress: &(dyn Fn(Progress) + Sync),
) -> Vec<(Document, Vec<Diagnostic>)> {
    let total = files.len();
    let done = std::sync::atomic::AtomicUsize::new(0);
    let examined: Vec<Examined> = files
        .par_iter()
        .map(|f| {
            let e = submission::examine_with(f, rules.clone(), &Context::default());
            let n = done.fetch_add(1, std::sync::atomic::Ordering::Relaxed) + 1;
            progress(Progress {
                stage: "检查材料",
                done: n,
                total,
            });
            e
        })
        .collect();
    let mut chosen = Vec::new();
    for e in examined {
        out.diagnostics.extend(e.diagnostics.iter().cloned());
        let errors = e.errors();
        match e.document {
            None => out.left_out.push((e.path, "无法读取".to_string())),
            Some(ref d) if d.doc_type != DocType::Case => out.other_types += 1,
            Some(_) if errors > 0 && !opts.include_invalid => {
                out.left_out.push((e.path, format!("{errors} 个错误")))
            }
            Some(d) => chosen.push((d, e.diagnostics)),
        }
    }
    chosen
}

/// Intermediate documents of the chosen cases, in parallel, as `build`
/// makes them (with what it finds: a character drawn from another face or
/// from none); their photos are still the originals (see `resample_all`).
fn prepare(
    chosen: Vec<(Document, Vec<Diagnostic>)>,
    rules: &Rules,
    fonts: &crate::fonts::FontSet,
    out: &mut Compiled,
) -> Vec<(Document, Ir)> {
    let built: Vec<Result<(Document, Ir, Vec<Diagnostic>), Vec<Diagnostic>>> = chosen
        .into_par_iter()
        .map(|(doc, findings)| {
            let (ir, diags) = submission::layout(&doc, &findings, rules, Some(fonts));
            match ir {
                Some(ir) if !diags.iter().any(|d| d.is_error()) => Ok((doc, ir, diags)),
                _ => Err(diags),
            }
        })
        .collect();
    let mut docs = Vec::new();
    for b in built {
        match b {
            Ok((doc, ir, diags)) => {
                out.diagnostics.extend(diags);
                docs.push((doc, ir));
            }
            Err(ds) => {
                if let Some(f) = ds.iter().find_map(|d| d.file.clone()) {
                    out.left_out.push((f.path.clone(), "无法排版".into()));
                }
                out.diagnostics.extend(ds);
            }
        }
    }
    docs
}

/// Where a photo is in the volume: group, case, figure.
type At = (usize, usize, usize);

/// Every photo of the volume resampled for print (in parallel, a bounded
/// number decoded at a time: one per worker), by position; the originals
/// are only read, never kept.
fn resample_all(
    volume: &Volume,
    coll: &Collection,
    cache: &Path,
    progress: &(dyn Fn(Progress) + Sync),
) -> Vec<(At, Result<crate::photo::Photo, crate::photo::PhotoError>)> {
    let mut jobs = Vec::new();
    for (g, group) in volume.groups.iter().enumerate() {
        for (c, ir) in group.cases.iter().enumerate() {
            for (f, fig) in ir.figures.iter().enumerate() {
                if let Ok(photo) = &fig.photo {
                    jobs.push(((g, c, f), photo, fig.width_mm));
                }
            }
        }
    }
    let total = jobs.len();
    let done = std::sync::atomic::AtomicUsize::new(0);
    jobs.into_par_iter()
        .map(|(at, photo, width_mm)| {
            let r = crate::photo::resample(
                photo,
                width_mm,
                coll.photo_dpi,
                coll.photo_quality,
                Some(cache),
            );
            let n = done.fetch_add(1, std::sync::atomic::Ordering::Relaxed) + 1;
            progress(Progress {
                stage: "处理照片",
                done: n,
                total,
            });
            (at, r)
        })
        .collect()
}

fn nothing_to_bind(mut out: Compiled, coll: &Collection) -> Compiled {
    out.diagnostics.push(
        Diagnostic::new(code::UNREADABLE, "没有可以收入汇编的案例")
            .in_file(&coll.file)
            .hint("请检查 sources 是否指向各校报送的材料，以及这些材料是否有错误（可先运行 baosong check）"),
    );
    out.failed = true;
    out
}

/// Removes the cases at `at` (group, case), and groups left empty.
fn drop_cases(volume: &mut Volume, files: &mut Vec<Vec<Arc<SourceFile>>>, at: &[(usize, usize)]) {
    for (g, (group, fs)) in volume.groups.iter_mut().zip(files.iter_mut()).enumerate() {
        let mut c = 0;
        group.cases.retain(|_| {
            c += 1;
            !at.contains(&(g, c - 1))
        });
        let mut c = 0;
        fs.retain(|_| {
            c += 1;
            !at.contains(&(g, c - 1))
        });
    }
    volume.groups.retain(|g| !g.cases.is_empty());
    files.retain(|f| !f.is_empty());
}

/// Resamples the photos for print while the volume is laid out. The
/// layout needs only the photos' sizes (it draws stand-ins), so it runs
/// beside the resampling instead of after it.
fn resample_beside_layout(
    volume: &Volume,
    coll: &Collection,
    rules: &Rules,
    fonts: &crate::fonts::FontSet,
    cache: &Path,
    progress: &(dyn Fn(Progress) + Sync),
) -> (
    Vec<(At, Result<crate::photo::Photo, crate::photo::PhotoError>)>,
    Result<crate::render::volume::LaidOut, Diagnostic>,
) {
    std::thread::scope(|s| {
        let photos = s.spawn(|| {
            // A pool of its own: on the global one, Typst's parallel layout
            // queued behind thousands of photo jobs and ran only after
            // them; and its threads' decode buffers end with it.
            let cores = std::thread::available_parallelism().map_or(2, |n| n.get());
            match rayon::ThreadPoolBuilder::new()
                .num_threads(cores)
                .thread_name(|i| format!("baosong-photo-{i}"))
                .build()
            {
                Ok(pool) => pool.install(|| resample_all(volume, coll, cache, progress)),
                Err(_) => resample_all(volume, coll, cache, progress),
            }
        });
        let laid = crate::render::volume::render_pdf(volume, rules, fonts, cache);
        let resampled = photos
            .join()
            .unwrap_or_else(|p| std::panic::resume_unwind(p));
        (resampled, laid)
    })
}

/// Writes the volume's PDF and Word file, as asked. The PDF was laid out
/// first: its page numbers fill the Word file's contents.
fn write_volume(
    volume: &Volume,
    laid: &crate::render::volume::LaidOut,
    coll: &Collection,
    rules: &Rules,
    opts: &CompileOptions,
    progress: &(dyn Fn(Progress) + Sync),
    out: &mut Compiled,
) {
    let stem = crate::names::sanitize(&coll.title, rules.output.max_name_chars);
    let inputs = vec![coll.file.path.clone()];
    let emit =
        |ext: &str,
         stage: &'static str,
         fill: &mut dyn FnMut(&mut dyn crate::output::WriteSeek) -> Result<(), Diagnostic>,
         out: &mut Compiled| {
            progress(Progress {
                stage,
                done: 0,
                total: 1,
            });
            let path = opts.out_dir.join(format!("{stem}.{ext}"));
            match crate::output::write_atomic_with(&path, &inputs, fill) {
                Ok(()) => out.written.push(path),
                Err(d) => {
                    out.diagnostics.push(d);
                    out.failed = true;
                }
            }
        };
    if opts.pdf {
        emit("pdf", "生成 PDF", &mut |w| laid.write(volume, w), out);
    }
    if opts.docx {
        emit(
            "docx",
            "生成 Word",
            &mut |w| crate::render::docx::render_volume(volume, rules, &laid.pages, w),
            out,
        );
    }
}

/// Binds the collection's cases into one volume and writes it.
pub fn compile(
    coll: &Collection,
    rules: Rules,
    opts: &CompileOptions,
    progress: &(dyn Fn(Progress) + Sync),
) -> Compiled {
    let mut out = Compiled {
        diagnostics: vec![],
        written: vec![],
        cases: 0,
        other_types: 0,
        left_out: vec![],
        failed: false,
    };
    let files = match matched_files(coll) {
        Ok((f, problems)) => {
            out.diagnostics.extend(problems);
            f
        }
        Err(d) => {
            out.diagnostics.push(d);
            out.failed = true;
            return out;
        }
    };
    let rules = Arc::new(rules);
    let chosen = choose(&files, &rules, opts, &mut out, progress);
    let cache = opts.out_dir.join(".baosong-cache");
    let fonts = crate::fonts::FontSet::load(
        &rules,
        &crate::fonts::search_for(&coll.dir, &opts.font_paths),
    );
    if let Some(n) = fonts.lookalike_notice(opts.strict_fonts) {
        let fatal = n.is_error();
        out.diagnostics.push(n);
        if fatal {
            out.failed = true;
            return out;
        }
    }
    // As `build` does: installed faces join in for the rare characters
    // none of ours has, so no character is lost in the volume either.
    let mut rare = std::collections::BTreeSet::new();
    for (doc, _) in &chosen {
        rare.extend(crate::coverage::missing(doc, &fonts));
    }
    let fonts = fonts.with_characters(&rare).unwrap_or(fonts);
    let docs = prepare(chosen, &rules, &fonts, &mut out);
    if docs.is_empty() {
        return nothing_to_bind(out, coll);
    }
    let title_max = ir::title_max_em(&rules, &rules.page);
    let (groups, mut files) = grouped(docs, coll.group_by, &coll.order);
    let mut volume = Volume {
        title_lines: ir::title::break_lines(&coll.title, title_max),
        title: coll.title.clone(),
        issuer: coll.issuer.clone(),
        date: coll.date.chinese(),
        duplex: coll.duplex,
        groups,
    };
    let (resampled, mut laid) =
        resample_beside_layout(&volume, coll, &rules, &fonts, &cache, progress);
    let mut broken: Vec<(usize, usize)> = Vec::new();
    for ((g, c, f), r) in resampled {
        match r {
            Ok(p) => volume.groups[g].cases[c].figures[f].photo = Ok(p),
            Err(e) => {
                let file = &files[g][c];
                out.diagnostics.push(ir::photo_error(&e, "").in_file(file));
                if !broken.contains(&(g, c)) {
                    out.left_out
                        .push((file.path.clone(), "照片无法处理".into()));
                    broken.push((g, c));
                }
            }
        }
    }
    if !broken.is_empty() {
        // Rare (a photo that passed the check but does not decode): leave
        // those cases out and lay the volume out again without them.
        drop_cases(&mut volume, &mut files, &broken);
        if volume.groups.is_empty() {
            return nothing_to_bind(out, coll);
        }
        laid = crate::render::volume::render_pdf(&volume, &rules, &fonts, &cache);
    }
    out.cases = volume.groups.iter().map(|g| g.cases.len()).sum();
    let laid = match laid {
        Ok(x) => x,
        Err(d) => {
            out.diagnostics.push(d);
            out.failed = true;
            return out;
        }
    };
    write_volume(&volume, &laid, coll, &rules, opts, progress, &mut out);
    out
}
