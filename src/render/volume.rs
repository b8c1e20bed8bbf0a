//! The bound collection (汇编): the same intermediate documents, set one
//! after another behind a cover and contents, in PDF (Typst) and Word.

use serde_json::json;
use typst::foundations::{Bytes, Label};
use typst::utils::PicoStr;

use super::pdf;
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

/// The PDF and, for every case in order, the page number it starts on
/// (counting from the first case, as printed).
pub fn render_pdf(
    vol: &Volume,
    rules: &Rules,
    fonts: &FontSet,
) -> Result<(Vec<u8>, Vec<usize>), Diagnostic> {
    let mut id = 0;
    let mut files = vec![("/lib.typ".to_string(), Bytes::new(pdf::LIB.as_bytes()))];
    let mut groups = Vec::new();
    for g in &vol.groups {
        let mut cases = Vec::new();
        for ir in &g.cases {
            let prefix = format!("c{id}-");
            let mut data = pdf::content_data(ir, &prefix);
            pdf::mark_missing(&mut data, fonts);
            data["id"] = json!(id);
            files.extend(pdf::media_files(ir, &prefix));
            cases.push(data);
            id += 1;
        }
        groups.push(json!({"name": g.name, "cases": cases}));
    }
    let data = json!({
        "title": vol.title,
        "title_lines": vol.title_lines,
        "issuer": vol.issuer,
        "date": vol.date,
        "duplex": vol.duplex,
        "groups": groups,
        "roles": pdf::roles_data(rules, fonts),
        "page": pdf::page_data(&rules.page, rules),
    });
    files.push((
        "/volume.json".to_string(),
        Bytes::new(data.to_string().into_bytes()),
    ));
    let (bytes, document) = pdf::compile(
        TEMPLATE,
        files,
        fonts,
        &format!("baosong-volume:{}", vol.title),
    )?;

    // Where each case landed, from the layout itself.
    let intro = document.introspector();
    let page_of = |name: &str| -> Option<usize> {
        let label = Label::new(PicoStr::intern(name))?;
        let content = intro.elements().query_label(label).ok()?;
        Some(intro.position(content.location()?)?.page.get())
    };
    let first = page_of("bs-first-case");
    let mut pages = Vec::with_capacity(id);
    for i in 0..id {
        match (first, page_of(&format!("bs-case-{i}"))) {
            (Some(f), Some(p)) => pages.push(p + 1 - f),
            _ => {
                return Err(
                    Diagnostic::new(code::INTERNAL, "汇编排版后找不到案例的页码")
                        .hint("这是 baosong 的缺陷，请把 collection.toml 发给维护者"),
                )
            }
        }
    }
    Ok((bytes, pages))
}
