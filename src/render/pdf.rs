//! PDF through Typst as a library: the intermediate document goes in as
//! JSON data, photos as virtual files, fonts from our `FontSet`.

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

/// The data the template reads as `/document.json`.
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

/// The photo files of a document, for the World.
pub fn media_files(ir: &Ir, prefix: &str) -> Vec<(String, Bytes)> {
    ir.figures
        .iter()
        .enumerate()
        .filter_map(|(i, f)| {
            let p = f.photo.as_ref().ok()?;
            Some((
                media_path(&format!("{prefix}{i}"), p.format.ext()),
                Bytes::new(p.bytes.clone()),
            ))
        })
        .collect()
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
    files.extend(media_files(ir, ""));
    let (pdf, _) = compile_with(
        template,
        files,
        fonts,
        &format!("baosong:{}", ir.title),
        pdf_a,
    )?;
    Ok(pdf)
}

/// Compiles a template with its files and exports the PDF; also returns
/// the laid-out document so callers can ask where things landed.
pub fn compile(
    template: &str,
    files: Vec<(String, Bytes)>,
    fonts: &FontSet,
    ident: &str,
) -> Result<(Vec<u8>, PagedDocument), Diagnostic> {
    compile_with(template, files, fonts, ident, false)
}

pub fn compile_with(
    template: &str,
    files: Vec<(String, Bytes)>,
    fonts: &FontSet,
    ident: &str,
    pdf_a: bool,
) -> Result<(Vec<u8>, PagedDocument), Diagnostic> {
    let world = MemoryWorld::new(template, files, fonts.fonts.clone(), fonts.book.clone());
    let warned = typst::compile::<PagedDocument>(&world);
    let document = warned.output.map_err(|errs| template_error(&errs[..]))?;
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
    let pdf = typst_pdf::pdf(&document, &options).map_err(|errs| template_error(&errs))?;
    Ok((pdf, document))
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
