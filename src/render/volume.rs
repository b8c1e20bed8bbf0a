//! The bound collection (汇编): the same intermediate documents, set one
//! after another behind a cover and contents, in PDF (Typst) and Word.

use serde_json::json;
use typst::foundations::{Bytes, Label};
use typst::utils::PicoStr;
use typst_layout::PagedDocument;

use super::{pdf, pdf_merge};
use crate::diag::{code, Diagnostic};
use crate::fonts::FontSet;
use crate::ir::Ir;
use crate::rules::Rules;

pub const TEMPLATE: &str = include_str!("../../templates/volume.typ");

/// A group of cases (a category, a county, or all).
pub struct Group {
    pub name: Option<String>,
    pub cases: Vec<Ir>,
}

pub struct Volume {
    pub title: String,
    pub title_lines: Vec<String>,
    pub issuer: String,
    pub date: String,
    pub duplex: bool,
    pub groups: Vec<Group>,
}

/// Cases laid out together: enough for Typst to stay fast, few enough
/// that a part's layout is small (about 1.5 MB a case) and the fonts it
/// embeds again are a small share of the volume (a part's subsets are
/// ~0.3 MB). The volume's memory is then flat in its number of cases.
const CASES_PER_PART: usize = 25;

/// The volume laid out, in parts kept on disk until the photos are ready
/// (see `pdf_merge`), and for every case in order the page it starts on,
/// counting from the first case as printed.
pub struct LaidOut {
    pub pages: Vec<usize>,
    /// Part files (the front first) and what they hold.
    parts: Vec<(std::path::PathBuf, pdf_merge::PartInfo)>,
    starts: Vec<pdf_merge::Target>,
    bookmarks: Vec<pdf_merge::Bookmark>,
    _work: tempfile::TempDir,
}

impl LaidOut {
    /// Writes the PDF with the photos of `vol` (the volume laid out, its
    /// photos possibly resampled since), streamed one at a time from disk.
    pub fn write(&self, vol: &Volume, out: &mut dyn std::io::Write) -> Result<(), Diagnostic> {
        let mut photos = Vec::new();
        for g in &vol.groups {
            for ir in &g.cases {
                photos.extend(pdf::photos_of(ir));
            }
        }
        let infos: Vec<_> = self.parts.iter().map(|p| p.1.clone()).collect();
        let mut read =
            |i: usize| std::fs::read(&self.parts[i].0).map_err(|e| crate::files::io_reason(&e));
        let case = |id: u64| {
            let i = id as usize;
            Some((*self.starts.get(i)?, *self.pages.get(i)?))
        };
        pdf_merge::join(&mut read, &infos, &photos, &case, &self.bookmarks, out)
            .map_err(|m| Diagnostic::new(code::INTERNAL, format!("汇编 PDF 合并出错：{m}")))
    }
}

/// One case as the template reads it.
struct Case<'a> {
    id: usize,
    group: usize,
    ir: &'a Ir,
}

/// Lays the volume out part by part, writing each part's PDF into a
/// temporary folder under `work`.
pub fn render_pdf(
    vol: &Volume,
    rules: &Rules,
    fonts: &FontSet,
    work: &std::path::Path,
) -> Result<LaidOut, Diagnostic> {
    let internal = |m: String| {
        Diagnostic::new(code::INTERNAL, m)
            .hint("这是 baosong 的缺陷，请把 collection.toml 发给维护者")
    };
    let io = |e: std::io::Error| {
        Diagnostic::new(
            code::WRITE,
            format!("无法写入临时文件：{}", crate::files::io_reason(&e)),
        )
        .hint("请检查输出文件夹的剩余空间和写入权限")
    };
    std::fs::create_dir_all(work).map_err(io)?;
    remove_stale_parts(work);
    let tmp = tempfile::Builder::new()
        .prefix(".baosong-parts-")
        .tempdir_in(work)
        .map_err(io)?;
    let roles = pdf::roles_data(rules, fonts);
    let page = pdf::page_data(&rules.page, rules);
    let base = |part: &str| {
        json!({
            "part": part,
            "title": vol.title,
            "title_lines": vol.title_lines,
            "issuer": vol.issuer,
            "date": vol.date,
            "duplex": vol.duplex,
            "roles": roles,
            "page": page,
        })
    };
    let cases: Vec<Case> = vol
        .groups
        .iter()
        .enumerate()
        .flat_map(|(gi, g)| g.cases.iter().map(move |ir| (gi, ir)))
        .enumerate()
        .map(|(id, (group, ir))| Case { id, group, ir })
        .collect();

    // The front, once the cases' page numbers are known. Nothing in the
    // cases depends on its length: page numbers count from the first case,
    // and sides follow the number (duplex parts all start on a right-hand
    // page).
    let front = |numbers: &[usize]| -> Result<PagedDocument, Diagnostic> {
        let mut data = base("front");
        data["groups"] = json!(vol
            .groups
            .iter()
            .enumerate()
            .map(|(gi, g)| json!({
                "name": g.name,
                "cases": cases.iter().filter(|c| c.group == gi).map(|c| json!({
                    "id": c.id,
                    "title": c.ir.title,
                    "unit": c.ir.unit,
                    "page": numbers.get(c.id).copied().unwrap_or(0),
                })).collect::<Vec<_>>(),
            }))
            .collect::<Vec<_>>());
        let files = vec![
            ("/lib.typ".to_string(), Bytes::new(pdf::LIB.as_bytes())),
            (
                "/volume.json".to_string(),
                Bytes::new(data.to_string().into_bytes()),
            ),
        ];
        trimmed(pdf::lay_out(TEMPLATE, files, fonts)?)
    };
    let mut parts = vec![(tmp.path().join("front.pdf"), None)];
    let mut numbers = Vec::with_capacity(cases.len());
    let mut starts = Vec::with_capacity(cases.len());
    let mut done_pages = 0;
    let mut stand_ins = 0;
    for (k, chunk) in cases.chunks(CASES_PER_PART).enumerate() {
        let mut data = base("cases");
        data["first_number"] = json!(done_pages + 1);
        let mut files = vec![("/lib.typ".to_string(), Bytes::new(pdf::LIB.as_bytes()))];
        let mut list = Vec::with_capacity(chunk.len());
        for c in chunk {
            let prefix = format!("c{}-", c.id);
            let mut d = pdf::content_data(c.ir, &prefix);
            pdf::mark_missing(&mut d, fonts);
            d["id"] = json!(c.id);
            files.extend(pdf::media_files(c.ir, &prefix, false, &mut stand_ins));
            list.push(d);
        }
        data["cases"] = json!(list);
        files.push((
            "/volume.json".to_string(),
            Bytes::new(data.to_string().into_bytes()),
        ));
        let doc = trimmed(pdf::lay_out(TEMPLATE, files, fonts)?)?;
        // Where each case landed, from the layout itself.
        let intro = doc.introspector();
        for c in chunk {
            let pos = Label::new(PicoStr::intern(&format!("bs-case-{}", c.id)))
                .and_then(|l| intro.elements().query_label(l).ok().cloned())
                .and_then(|content| intro.position(content.location()?))
                .ok_or_else(|| internal("汇编排版后找不到案例的页码".into()))?;
            let page = pos.page.get() - 1;
            let height = doc.pages()[page].frame.height().to_pt();
            numbers.push(done_pages + page + 1);
            starts.push(pdf_merge::Target {
                part: k + 1,
                page,
                x: pos.point.x.to_pt(),
                y: height - pos.point.y.to_pt(),
            });
        }
        done_pages += doc.pages().len();
        let bytes = pdf::export(&doc, &format!("baosong-volume:{}:{k}", vol.title), false)?;
        drop(doc);
        let path = tmp.path().join(format!("part-{k:05}.pdf"));
        let info = pdf_merge::scan(&bytes).map_err(internal)?;
        std::fs::write(&path, &bytes).map_err(io)?;
        parts.push((path, Some(info)));
        // Keep Typst's caches to what the next part can reuse.
        comemo::evict(1);
    }

    let doc = front(&numbers)?;
    let bytes = pdf::export(&doc, &format!("baosong-volume:{}", vol.title), false)?;
    parts[0].1 = Some(pdf_merge::scan(&bytes).map_err(internal)?);
    std::fs::write(&parts[0].0, &bytes).map_err(io)?;

    // Bookmarks: each group (when grouped) with its cases.
    let mut bookmarks: Vec<pdf_merge::Bookmark> = Vec::new();
    for (gi, g) in vol.groups.iter().enumerate() {
        let items: Vec<pdf_merge::Bookmark> = cases
            .iter()
            .filter(|c| c.group == gi)
            .map(|c| pdf_merge::Bookmark {
                title: c.ir.title.clone(),
                at: starts[c.id],
                children: vec![],
            })
            .collect();
        match &g.name {
            Some(name) if !items.is_empty() => bookmarks.push(pdf_merge::Bookmark {
                title: name.clone(),
                at: items[0].at,
                children: items,
            }),
            _ => bookmarks.extend(items),
        }
    }
    Ok(LaidOut {
        pages: numbers,
        parts: parts
            .into_iter()
            .map(|(p, i)| (p, i.expect("every part scanned")))
            .collect(),
        starts,
        bookmarks,
        _work: tmp,
    })
}

/// A part without the page after its end: duplex parts end with a break
/// to a right-hand page and a <bs-end> marker on it (see volume.typ), so
/// they keep an even number of pages.
fn trimmed(doc: PagedDocument) -> Result<PagedDocument, Diagnostic> {
    let intro = doc.introspector();
    let end = Label::new(PicoStr::intern("bs-end"))
        .and_then(|l| intro.elements().query_label(l).ok().cloned())
        .and_then(|content| intro.position(content.location()?));
    let Some(end) = end else {
        return Ok(doc);
    };
    let keep = end.page.get() - 1;
    use typst::model::Document;
    let info = doc.info().clone();
    Ok(PagedDocument::new(
        doc.pages()[..keep].iter().cloned().collect(),
        info,
    ))
}

/// Part folders a killed run left behind (a day old: a run beside this
/// one may still be using its own).
fn remove_stale_parts(work: &std::path::Path) {
    let Ok(entries) = std::fs::read_dir(work) else {
        return;
    };
    for e in entries.flatten() {
        let old = e
            .metadata()
            .and_then(|m| m.modified())
            .ok()
            .and_then(|t| t.elapsed().ok())
            .is_some_and(|age| age.as_secs() > 24 * 3600);
        if old
            && e.file_name()
                .to_string_lossy()
                .starts_with(".baosong-parts-")
        {
            let _ = std::fs::remove_dir_all(e.path());
        }
    }
}
