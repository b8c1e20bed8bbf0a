//! The one submission pipeline every command and the server use: which
//! files are materials, loading one (TOML, or a Word file converted on the
//! fly), checking it with the rules of its folder.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::check::{self, Context};
use crate::diag::{code, Diagnostic, Origin, SourceFile};
use crate::files::{dir_of, io_reason};
use crate::input::Loaded;
use crate::model::Document;
use crate::rules::Rules;

/// What kind of material a file is, by its name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InputKind {
    Toml,
    Docx,
}

/// Whether a file is a material: a `.toml` other than the rules file and
/// the office's collection and roster, or a `.docx` other than Word's lock
/// files (`~$…`). Hidden files never are.
pub fn input_kind(path: &Path) -> Option<InputKind> {
    use crate::config::{COLLECTION_FILE, ROSTER_FILE, RULES_FILE};
    let name = path.file_name()?.to_string_lossy();
    if name.starts_with('.')
        || [RULES_FILE, COLLECTION_FILE, ROSTER_FILE]
            .iter()
            .any(|f| name.eq_ignore_ascii_case(f))
    {
        return None;
    }
    let lower = name.to_ascii_lowercase();
    if lower.ends_with(".toml") {
        Some(InputKind::Toml)
    } else if lower.ends_with(".docx") && !lower.starts_with("~$") {
        Some(InputKind::Docx)
    } else {
        None
    }
}

/// Materials under `root`, recursively, in a stable order. Hidden folders
/// are skipped and links are not followed (a folder must not reach outside
/// itself); `accept` sees each path relative to `root`. A folder that
/// cannot be read is a problem, not silence.
pub fn walk(
    root: &Path,
    accept: &dyn Fn(&Path) -> bool,
    problems: &mut Vec<Diagnostic>,
) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![root.to_path_buf()];
    while let Some(dir) = stack.pop() {
        let rd = match std::fs::read_dir(&dir) {
            Ok(rd) => rd,
            Err(e) => {
                problems.push(
                    Diagnostic::new(
                        code::UNREADABLE,
                        format!("无法读取文件夹 {}：{}", dir.display(), io_reason(&e)),
                    )
                    .hint("请检查文件夹权限"),
                );
                continue;
            }
        };
        for e in rd.flatten() {
            let p = e.path();
            let hidden = e.file_name().to_string_lossy().starts_with('.');
            let Ok(meta) = std::fs::symlink_metadata(&p) else {
                continue;
            };
            if meta.is_dir() && !hidden {
                stack.push(p);
            } else if meta.is_file()
                && input_kind(&p).is_some()
                && accept(p.strip_prefix(root).unwrap_or(&p))
            {
                out.push(p);
            }
        }
    }
    out.sort();
    drop_generated(out)
}

/// Files as given and folders searched for materials: what `check`,
/// `stats` and `status` take on their command line.
pub fn find(paths: &[PathBuf]) -> Result<(Vec<PathBuf>, Vec<Diagnostic>), Diagnostic> {
    let mut out = Vec::new();
    let mut problems = Vec::new();
    for p in paths {
        if p.is_dir() {
            out.extend(walk(p, &|_| true, &mut problems));
        } else if p.is_file() {
            out.push(p.clone());
        } else {
            return Err(
                Diagnostic::new(code::UNREADABLE, format!("找不到 {}", p.display()))
                    .hint("请检查文件或文件夹名称是否正确"),
            );
        }
    }
    Ok((out, problems))
}

/// How to load a material besides its own content.
#[derive(Debug, Clone, Default)]
pub struct LoadOptions {
    /// The submitting unit when the file does not say (`--unit`, or the
    /// school logged in to the portal).
    pub unit: Option<String>,
}

/// Loads one material: a TOML file as it is, a Word file converted on the
/// fly (its pictures in a temporary folder that lives as long as the
/// document; findings are shown at the Word file's paragraphs).
pub fn load(path: &Path, rules: &Rules, opts: &LoadOptions) -> Loaded {
    match input_kind(path) {
        Some(InputKind::Docx) => load_docx(path, rules, opts),
        _ => crate::input::load_file(path),
    }
}

fn load_docx(path: &Path, rules: &Rules, opts: &LoadOptions) -> Loaded {
    let whole = Arc::new(SourceFile::new(path, ""));
    let made_by_us = generated_from(path).is_some();
    let fail = |d: Diagnostic| Loaded {
        document: None,
        diagnostics: vec![d.in_file(&whole)],
    };
    let bytes = match std::fs::read(path) {
        Ok(b) => b,
        Err(e) => {
            return fail(Diagnostic::new(
                code::UNREADABLE,
                format!("无法读取：{}", io_reason(&e)),
            ))
        }
    };
    let hints = crate::import::Hints {
        unit: opts.unit.clone(),
        file_stem: path.file_stem().map(|s| s.to_string_lossy().into_owned()),
        folder: std::path::absolute(path)
            .ok()
            .and_then(|p| Some(p.parent()?.file_name()?.to_string_lossy().into_owned())),
    };
    let imported = match crate::import::convert(&bytes, rules, &hints) {
        Ok(i) => i,
        Err(d) => return fail(d),
    };
    let Ok(tmp) = tempfile::Builder::new().prefix("baosong-import-").tempdir() else {
        return fail(Diagnostic::new(code::WRITE, "无法创建临时文件夹"));
    };
    for (rel, data) in &imported.images {
        let p = tmp.path().join(rel);
        let written = p
            .parent()
            .map_or(Ok(()), std::fs::create_dir_all)
            .and_then(|_| std::fs::write(&p, data));
        if written.is_err() {
            return fail(Diagnostic::new(code::WRITE, "无法写入临时文件"));
        }
    }
    let file = Arc::new(SourceFile {
        path: tmp.path().join("converted.toml"),
        text: imported.toml.into(),
        origin: Some(Origin {
            path: path.to_path_buf(),
            lines: imported.lines,
            hints: imported.hints,
            keep: Some(Arc::new(tmp)),
        }),
    });
    let mut loaded = crate::input::load_source(file);
    let mut notes: Vec<Diagnostic> = imported
        .notes
        .into_iter()
        .map(|n| n.in_file(&whole))
        .collect();
    if made_by_us {
        notes.insert(
            0,
            Diagnostic::new(
                code::GENERATED_OUTPUT,
                "这个 Word 文件是 baosong 排版生成的，不是学校交来的原件",
            )
            .in_file(&whole)
            .hint("它的原始材料（.toml）不在这里；若原始材料也要报送，请只交其中一份"),
        );
    }
    notes.append(&mut loaded.diagnostics);
    loaded.diagnostics = notes;
    loaded
}

/// One material examined: loaded, checked, its findings adjusted by the
/// rules table's `[diagnostics]`.
pub struct Examined {
    pub path: PathBuf,
    pub rules: Arc<Rules>,
    pub document: Option<Document>,
    pub diagnostics: Vec<Diagnostic>,
}

impl Examined {
    pub fn errors(&self) -> usize {
        self.diagnostics.iter().filter(|d| d.is_error()).count()
    }
    pub fn warnings(&self) -> usize {
        self.diagnostics.len() - self.errors()
    }
    /// The file could not be read as a document at all.
    pub fn unusable(&self) -> bool {
        self.document.is_none()
    }
}

/// The rules for a material: `explicit` if given, else the `baosong.toml`
/// of its folder, else the built-in table.
pub fn rules_for(path: &Path, explicit: Option<&Path>) -> Result<Rules, Diagnostic> {
    crate::config::load_rules(explicit, &dir_of(path))
}

/// Loads and checks one material with the rules of its folder.
pub fn examine(path: &Path, rules_file: Option<&Path>, ctx: &Context) -> Examined {
    examine_as(path, rules_file, ctx, &LoadOptions::default())
}

/// As `examine`, with loading options (`--unit`).
pub fn examine_as(
    path: &Path,
    rules_file: Option<&Path>,
    ctx: &Context,
    opts: &LoadOptions,
) -> Examined {
    let rules = match rules_for(path, rules_file) {
        Ok(r) => Arc::new(r),
        Err(d) => {
            return Examined {
                path: path.to_path_buf(),
                rules: Arc::new(Rules::default()),
                document: None,
                diagnostics: vec![d],
            }
        }
    };
    examine_opts(path, rules, ctx, opts)
}

/// As `examine`, with the rules already known.
pub fn examine_with(path: &Path, rules: Arc<Rules>, ctx: &Context) -> Examined {
    examine_opts(path, rules, ctx, &LoadOptions::default())
}

/// As `examine_with`, with loading options (the unit for a Word file).
pub fn examine_opts(path: &Path, rules: Arc<Rules>, ctx: &Context, opts: &LoadOptions) -> Examined {
    let loaded = load(path, &rules, opts);
    finish(path, loaded, rules, ctx)
}

/// As `examine`, for TOML text not (yet) saved at `path`: what the
/// browser's form holds.
pub fn examine_text(path: &Path, text: String, rules: Arc<Rules>, ctx: &Context) -> Examined {
    let loaded = crate::input::load_source(Arc::new(SourceFile::new(path, text)));
    finish(path, loaded, rules, ctx)
}

fn finish(path: &Path, loaded: Loaded, rules: Arc<Rules>, ctx: &Context) -> Examined {
    let mut diagnostics = loaded.diagnostics;
    if let Some(doc) = &loaded.document {
        diagnostics.extend(check::check(doc, &rules, ctx));
    }
    let diagnostics = diagnostics.into_iter().map(|d| rules.adjust(d)).collect();
    Examined {
        path: path.to_path_buf(),
        rules,
        document: loaded.document,
        diagnostics,
    }
}

/// The intermediate document of a checked document, and what building it
/// found that `check` had not (a photo that cannot be embedded; with
/// `fonts`, a character no face has).
pub fn layout(
    doc: &Document,
    findings: &[Diagnostic],
    rules: &Rules,
    fonts: Option<&crate::fonts::FontSet>,
) -> (Option<crate::ir::Ir>, Vec<Diagnostic>) {
    // What check said already is not said again; that a character may be
    // missing from the mandated face (B0104) covers its being drawn from
    // another face (B0302), never its being lost (B0303).
    let already = |d: &Diagnostic| {
        findings.iter().any(|f| {
            f.span == d.span
                && (f.code == d.code
                    || (f.code == code::OUTSIDE_GB2312 && d.code == code::GLYPH_FALLBACK))
        })
    };
    let mut found = Vec::new();
    let ir = crate::ir::build(doc, rules, &mut found);
    if let (Some(ir), Some(fonts)) = (&ir, fonts) {
        found.extend(crate::coverage::check(doc, ir, rules, fonts));
    }
    let diagnostics = found
        .into_iter()
        .filter(|d| !already(d))
        .map(|d| rules.adjust(d))
        .collect();
    (ir, diagnostics)
}

/// Converts a Word file into a material in `out` (`stem.toml` and its
/// pictures), as `baosong import` does. Returns the TOML's path and what
/// the conversion noticed (faces and sizes, linked pictures, moved text).
pub fn import_into(
    bytes: &[u8],
    out: &Path,
    stem: &str,
    rules: &Rules,
    hints: &crate::import::Hints,
    inputs: &[PathBuf],
) -> Result<(PathBuf, Vec<Diagnostic>), Diagnostic> {
    let imported = crate::import::convert(bytes, rules, hints)?;
    let toml_path = out.join(format!("{stem}.toml"));
    for (rel, data) in &imported.images {
        crate::output::write_atomic(&out.join(rel), data, inputs)?;
    }
    crate::output::write_atomic(&toml_path, imported.toml.as_bytes(), inputs)?;
    Ok((toml_path, imported.notes))
}

/// The file a document was loaded from (the Word file for a converted
/// one), by name and hash.
fn provenance(doc: &Document) -> Option<crate::render::docx::Provenance> {
    let path = doc.file.origin.as_ref().map_or(&doc.file.path, |o| &o.path);
    let bytes = std::fs::read(path).ok()?;
    Some(crate::render::docx::Provenance {
        source: path.file_name()?.to_string_lossy().into_owned(),
        sha256: sha256_hex(&bytes),
    })
}

fn sha256_hex(bytes: &[u8]) -> String {
    use sha2::{Digest, Sha256};
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// What a .docx made by baosong says of its source (`None`: a person
/// made it). Volumes and statistics name no source.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Generated {
    pub source: Option<String>,
    pub sha256: Option<String>,
}

pub fn generated_from(path: &Path) -> Option<Generated> {
    use std::io::Read;
    let f = std::fs::File::open(path).ok()?;
    let mut z = zip::ZipArchive::new(f).ok()?;
    let part = z.by_name("docProps/custom.xml").ok()?;
    let mut xml = String::new();
    // A property part is small; never read more than that.
    part.take(64 * 1024).read_to_string(&mut xml).ok()?;
    let prop = |name: &str| -> Option<String> {
        let rest = &xml[xml.find(&format!("name=\"{name}\""))?..];
        let start = rest.find("<vt:lpwstr>")? + "<vt:lpwstr>".len();
        let end = rest[start..].find('<')?;
        Some(rest[start..start + end].trim().to_string())
    };
    let source = prop(crate::render::docx::SOURCE_NAME_PROPERTY);
    let sha256 = prop(crate::render::docx::SOURCE_HASH_PROPERTY);
    let ours = prop("Generator").is_some_and(|g| g.starts_with("baosong"));
    (ours || sha256.is_some()).then_some(Generated { source, sha256 })
}

/// A folder's own outputs are not submissions: a .docx baosong made from a
/// material that is among `files` too (by name beside it, even if the
/// material was edited since, or by content) is left out, as are volumes
/// and statistics; each would count twice. One whose source is not there
/// stays, and says what it is (B0011).
fn drop_generated(files: Vec<PathBuf>) -> Vec<PathBuf> {
    let made: Vec<(PathBuf, Generated)> = files
        .iter()
        .filter(|p| input_kind(p) == Some(InputKind::Docx))
        .filter_map(|p| generated_from(p).map(|g| (p.clone(), g)))
        .collect();
    if made.is_empty() {
        return files;
    }
    let others: Vec<&PathBuf> = files
        .iter()
        .filter(|p| !made.iter().any(|(m, _)| m == *p))
        .collect();
    let hashes: std::collections::HashSet<String> = others
        .iter()
        .filter_map(|p| std::fs::read(p).ok())
        .map(|b| sha256_hex(&b))
        .collect();
    let output = |p: &PathBuf, g: &Generated| match &g.source {
        None => true,
        Some(name) => {
            let beside = crate::files::dir_of(p).join(name);
            others.iter().any(|o| **o == beside)
                || g.sha256.as_ref().is_some_and(|h| hashes.contains(h))
        }
    };
    let drop: Vec<PathBuf> = made
        .iter()
        .filter(|(p, g)| output(p, g))
        .map(|(p, _)| p.clone())
        .collect();
    files.into_iter().filter(|p| !drop.contains(p)).collect()
}

/// Which outputs to make, and how.
#[derive(Debug, Clone, Copy, Default)]
pub struct MakeOptions<'a> {
    pub pdf: bool,
    pub docx: bool,
    /// Tables also go to a spreadsheet, for offices that merge them.
    pub xlsx: bool,
    /// A Typst template replacing the built-in one.
    pub template: Option<&'a str>,
    pub pdf_a: bool,
}

/// What `make` produced: each output by extension, and what it found on
/// the way (a photo that cannot be embedded, a character no face has).
pub struct Made {
    /// The document names itself (媒体单位+报道标题) rather than taking the
    /// input's name.
    pub file_stem: Option<String>,
    pub outputs: Vec<(&'static str, Result<Vec<u8>, Diagnostic>)>,
    pub diagnostics: Vec<Diagnostic>,
}

/// Lays out one checked document and renders the outputs asked for: the
/// same bytes for `baosong build`, the workbench's downloads and the portal.
/// `findings` are what `check` already reported, so nothing is told twice.
pub fn make(
    doc: &Document,
    findings: &[Diagnostic],
    rules: &Rules,
    fonts: &crate::fonts::FontSet,
    opts: &MakeOptions,
) -> Made {
    use crate::render;
    // Installed faces join in for characters none of ours has.
    let wider = opts
        .pdf
        .then(|| fonts.with_characters(&crate::coverage::missing(doc, fonts)))
        .flatten();
    let fonts = wider.as_ref().unwrap_or(fonts);
    let (ir, diagnostics) = layout(doc, findings, rules, opts.pdf.then_some(fonts));
    let Some(ir) = ir else {
        return Made {
            file_stem: None,
            outputs: vec![],
            diagnostics,
        };
    };
    let mut outputs = Vec::new();
    if opts.pdf {
        let template = opts.template.unwrap_or(render::pdf::TEMPLATE);
        outputs.push((
            "pdf",
            render::pdf::render_with(&ir, rules, fonts, template, opts.pdf_a),
        ));
    }
    if opts.docx {
        let from = provenance(doc);
        outputs.push(("docx", render::docx::render(&ir, rules, from.as_ref())));
    }
    if opts.xlsx {
        match render::xlsx::render(&ir, rules) {
            Ok(Some(bytes)) => outputs.push(("xlsx", Ok(bytes))),
            Ok(None) => {}
            Err(d) => outputs.push(("xlsx", Err(d))),
        }
    }
    let outputs = outputs
        .into_iter()
        .map(|(ext, made)| (ext, made.map_err(|d| d.in_file(&doc.file))))
        .collect();
    Made {
        file_stem: ir.file_stem.clone(),
        outputs,
        diagnostics,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn input_kinds() {
        assert_eq!(input_kind(Path::new("a/案例.toml")), Some(InputKind::Toml));
        assert_eq!(input_kind(Path::new("A.DOCX")), Some(InputKind::Docx));
        assert_eq!(input_kind(Path::new("baosong.toml")), None);
        assert_eq!(input_kind(Path::new("collection.toml")), None);
        assert_eq!(input_kind(Path::new("roster.toml")), None);
        assert_eq!(input_kind(Path::new("~$案例.docx")), None);
        assert_eq!(input_kind(Path::new(".hidden.toml")), None);
        assert_eq!(input_kind(Path::new("photo.jpg")), None);
    }

    #[test]
    fn walk_skips_hidden_folders_and_sorts() {
        let d = tempfile::tempdir().unwrap();
        for p in [
            "b/x.toml",
            "a/y.docx",
            ".git/z.toml",
            "a/.cache/w.toml",
            "c/p.jpg",
        ] {
            let f = d.path().join(p);
            std::fs::create_dir_all(f.parent().unwrap()).unwrap();
            std::fs::write(f, "").unwrap();
        }
        let mut problems = vec![];
        let found = walk(d.path(), &|_| true, &mut problems);
        let rel: Vec<_> = found
            .iter()
            .map(|p| {
                p.strip_prefix(d.path())
                    .unwrap()
                    .to_string_lossy()
                    .into_owned()
            })
            .collect();
        assert_eq!(rel, ["a/y.docx", "b/x.toml"]);
        assert!(problems.is_empty());
    }
}
