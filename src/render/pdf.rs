//! PDF through Typst as a library: the intermediate document goes in as
//! JSON data, JPEG photos as tiny stand-ins swapped for the originals after
//! layout (`pdf_images`), fonts from our `FontSet`.

use serde_json::{json, Value};
use typst::foundations::{Bytes, Smart};
use typst_layout::PagedDocument;

use super::world::MemoryWorld;
use crate::diag::{code, Diagnostic};
use crate::fonts::FontSet;
use crate::ir::Ir;
use crate::rules::{Role, Rules};

/// The built-in template; `--template` replaces it.
pub const TEMPLATE: &str = include_str!("../../templates/document.typ");
/// Shared by the document and volume templates, served as `/lib.typ`.
pub const LIB: &str = include_str!("../../templates/lib.typ");

/// Faces, sizes and tracking of every role, as the templates read them.
pub fn roles_data(rules: &Rules, fonts: &FontSet) -> Value {
    let mut roles = serde_json::Map::new();
    for role in Role::ALL {
        let st = rules.style(role);
        let chosen = fonts.for_role(rules, role);
        let mut font = Vec::new();
        // Latin letters and digits in the Latin face, as Word does.
        if let (Some(_), Some((latin, _))) = (&st.latin, &fonts.latin) {
            font.push(json!({"name": latin, "covers": "latin-in-cjk"}));
        }
        font.push(json!(chosen.family));
        font.push(json!(crate::fonts::FALLBACK_FAMILY));
        for f in &fonts.extra {
            font.push(json!(f));
        }
        let has_bold = chosen.weight >= 600;
        roles.insert(
            role.key().into(),
            json!({
                "font": font,
                "size": st.size_pt,
                "weight": chosen.weight,
                "fake_bold": st.bold && !has_bold,
                "tracking_pt": rules.tracking_pt(role),
            }),
        );
    }
    Value::Object(roles)
}

/// The page grid, as the templates read it.
pub fn page_data(p: &crate::rules::Page, rules: &Rules) -> Value {
    json!({
        "width_mm": p.width_mm,
        "height_mm": p.height_mm,
        "top_mm": p.top_mm,
        "bottom_mm": p.bottom_mm,
        "left_mm": p.left_mm,
        "right_mm": p.right_mm,
        "pitch_pt": p.line_pitch_pt,
        "indent_pt": rules.indent_pt(),
        "page_number_gap_mm": p.page_number_gap_mm,
        "page_number_inset_chars": p.page_number_inset_chars,
    })
}

/// One document's content; its photos are served as `/media/{prefix}{i}.ext`.
pub fn content_data(ir: &Ir, prefix: &str) -> Value {
    let figures: Vec<Value> = ir
        .figures
        .iter()
        .enumerate()
        .map(|(i, f)| {
            let (src, missing) = match &f.photo {
                Ok(p) => (
                    Some(media_path(&format!("{prefix}{i}"), p.format.ext())),
                    None,
                ),
                Err(why) => (None, Some(why.clone())),
            };
            json!({
                "src": src,
                "missing": missing,
                "width_mm": f.width_mm,
                "height_mm": f.height_mm,
                "caption": f.caption,
            })
        })
        .collect();
    json!({
        "landscape": ir.landscape,
        "title": ir.title,
        "unit": ir.unit,
        "title_lines": ir.title_lines,
        "unit_lines": ir.unit_lines,
        "blocks": ir.blocks,
        "figures": figures,
    })
}

/// Whether a photo is laid out as a stand-in: JPEGs, whose data the PDF
/// keeps as it is. Others (PNG) Typst must re-encode, so it gets them whole.
fn stands_in(p: &crate::photo::Photo) -> bool {
    p.format == crate::photo::Format::Jpeg
}

/// The photos of a document laid out as stand-ins, in the order
/// `media_files` numbers them.
pub fn photos_of(ir: &Ir) -> impl Iterator<Item = &crate::photo::Photo> {
    ir.figures
        .iter()
        .filter_map(|f| f.photo.as_ref().ok())
        .filter(|p| stands_in(p))
}

/// The photo files of a document, for the World: stand-ins for JPEGs
/// unless `real` (the photos go in after layout, see `pdf_images`;
/// numbered from `*next`, in the order of `photos_of`), else the photos
/// themselves.
pub fn media_files(ir: &Ir, prefix: &str, real: bool, next: &mut usize) -> Vec<(String, Bytes)> {
    ir.figures
        .iter()
        .enumerate()
        .filter_map(|(i, f)| {
            let p = f.photo.as_ref().ok()?;
            let bytes = if real || !stands_in(p) {
                Bytes::new(p.bytes().ok()?)
            } else {
                *next += 1;
                Bytes::new(super::pdf_images::placeholder(*next - 1))
            };
            Some((media_path(&format!("{prefix}{i}"), p.format.ext()), bytes))
        })
        .collect()
}

/// A Typst PDF with its stand-ins replaced by the photos, into `out`.
pub fn with_photos(
    pdf: &[u8],
    photos: &[&crate::photo::Photo],
    out: &mut dyn std::io::Write,
) -> Result<(), Diagnostic> {
    if photos.is_empty() {
        return out
            .write_all(pdf)
            .map_err(|e| Diagnostic::new(code::WRITE, crate::files::io_reason(&e)));
    }
    super::pdf_images::substitute(pdf, photos, out)
        .map_err(|m| Diagnostic::new(code::INTERNAL, format!("照片放入 PDF 时出错：{m}")))
}

/// Replaces, in every text of the data, the characters no face of `fonts`
/// has by `crate::fonts::MISSING_GLYPH`.
pub fn mark_missing(v: &mut Value, fonts: &FontSet) {
    match v {
        Value::String(s) => {
            if s.chars()
                .any(|c| !c.is_whitespace() && !c.is_control() && !fonts.covers_any(c))
            {
                *s = s
                    .chars()
                    .map(|c| {
                        if c.is_whitespace() || c.is_control() || fonts.covers_any(c) {
                            c
                        } else {
                            crate::fonts::MISSING_GLYPH
                        }
                    })
                    .collect();
            }
        }
        Value::Array(a) => a.iter_mut().for_each(|x| mark_missing(x, fonts)),
        Value::Object(o) => o.values_mut().for_each(|x| mark_missing(x, fonts)),
        _ => {}
    }
}

/// The data the document template reads as `/document.json`.
pub fn document_data(ir: &Ir, rules: &Rules, fonts: &FontSet) -> Value {
    let mut v = content_data(ir, "");
    mark_missing(&mut v, fonts);
    v["roles"] = roles_data(rules, fonts);
    v["page"] = page_data(&ir.page, rules);
    v
}

pub fn media_path(i: &str, ext: &str) -> String {
    format!("/media/{i}.{ext}")
}

/// Renders the document to PDF bytes.
pub fn render(
    ir: &Ir,
    rules: &Rules,
    fonts: &FontSet,
    template: &str,
) -> Result<Vec<u8>, Diagnostic> {
    render_with(ir, rules, fonts, template, false)
}

/// As `render`, optionally as PDF/A-2b for archiving.
pub fn render_with(
    ir: &Ir,
    rules: &Rules,
    fonts: &FontSet,
    template: &str,
    pdf_a: bool,
) -> Result<Vec<u8>, Diagnostic> {
    let mut data = document_data(ir, rules, fonts);
    data["pdf_a"] = json!(pdf_a);
    let mut files = vec![
        (
            "/document.json".to_string(),
            Bytes::new(data.to_string().into_bytes()),
        ),
        ("/lib.typ".to_string(), Bytes::new(LIB.as_bytes())),
    ];
    // PDF/A wants colour spaces only Typst writes right: photos go in whole.
    files.extend(media_files(ir, "", pdf_a, &mut 0));
    let photos: Vec<_> = if pdf_a {
        vec![]
    } else {
        photos_of(ir).collect()
    };
    let (pdf, _) = compile_with(
        template,
        files,
        fonts,
        &format!("baosong:{}", ir.title),
        pdf_a,
    )?;
    let size: u64 = photos.iter().map(|p| p.len).sum();
    let mut out = Vec::with_capacity(pdf.len() + size as usize);
    with_photos(&pdf, &photos, &mut out)?;
    Ok(out)
}

/// Compiles a template with its files and exports the PDF; also returns
/// the laid-out document so callers can ask where things landed.
pub fn compile_with(
    template: &str,
    files: Vec<(String, Bytes)>,
    fonts: &FontSet,
    ident: &str,
    pdf_a: bool,
) -> Result<(Vec<u8>, PagedDocument), Diagnostic> {
    let document = lay_out(template, files, fonts)?;
    let pdf = export(&document, ident, pdf_a)?;
    Ok((pdf, document))
}

/// Lays a template out with its files.
pub fn lay_out(
    template: &str,
    files: Vec<(String, Bytes)>,
    fonts: &FontSet,
) -> Result<PagedDocument, Diagnostic> {
    let world = MemoryWorld::new(template, files, fonts.fonts.clone(), fonts.book.clone());
    let warned = typst::compile::<PagedDocument>(&world);
    warned.output.map_err(|errs| template_error(&errs[..]))
}

/// A laid-out document as PDF.
pub fn export(document: &PagedDocument, ident: &str, pdf_a: bool) -> Result<Vec<u8>, Diagnostic> {
    let options = typst_pdf::PdfOptions {
        // A stable identifier and no timestamp: same input, same bytes.
        ident: Smart::Custom(ident.to_string()),
        // PDF/A needs a date: SOURCE_DATE_EPOCH when set, else a fixed one,
        // so the bytes stay reproducible. Plain PDFs carry none.
        timestamp: if pdf_a {
            Some(typst_pdf::Timestamp::new_utc(archive_date()))
        } else {
            None
        },
        standards: if pdf_a {
            typst_pdf::PdfStandards::new(&[typst_pdf::PdfStandard::A_2b])
                .map_err(|e| Diagnostic::new(code::INTERNAL, format!("PDF/A 设置有误：{e:?}")))?
        } else {
            Default::default()
        },
        ..Default::default()
    };
    typst_pdf::pdf(document, &options).map_err(|errs| template_error(&errs))
}

/// The date written into archival PDFs.
fn archive_date() -> typst::foundations::Datetime {
    let secs = std::env::var("SOURCE_DATE_EPOCH")
        .ok()
        .and_then(|s| s.trim().parse::<i64>().ok())
        .unwrap_or(946_684_800);
    let day = crate::rules::calendar::Day(secs.div_euclid(86_400));
    let (y, m, d) = day.ymd();
    let rem = secs.rem_euclid(86_400);
    typst::foundations::Datetime::from_ymd_hms(
        y as i32,
        m as u8,
        d as u8,
        (rem / 3600) as u8,
        (rem / 60 % 60) as u8,
        (rem % 60) as u8,
    )
    .unwrap_or_else(|| typst::foundations::Datetime::from_ymd(2000, 1, 1).expect("valid date"))
}

pub(crate) fn template_error(errs: &[typst::diag::SourceDiagnostic]) -> Diagnostic {
    let msgs: Vec<String> = errs.iter().take(3).map(|e| e.message.to_string()).collect();
    Diagnostic::new(code::TEMPLATE, format!("排版模板出错：{}", msgs.join("；")))
        .hint("如果用了 --template，请检查模板；否则这是 baosong 的缺陷，请把输入文件发给维护者")
}
