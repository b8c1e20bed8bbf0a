//! Page images for the browser's live preview: the same template, data and
//! layout as the PDF, from one long-lived Typst world per open document, so
//! typst's caches make a re-layout after an edit cheap. Only pages whose
//! layout changed are rendered again.

use std::collections::HashMap;
use std::sync::Arc;

use typst::foundations::Bytes;
use typst_layout::PagedDocument;

use super::pdf;
use super::world::MemoryWorld;
use crate::diag::Diagnostic;
use crate::fonts::FontSet;
use crate::ir::Ir;
use crate::rules::Rules;

/// One rendered page.
#[derive(Clone)]
pub struct PageImage {
    /// Changes when and only when the page's layout changes.
    pub hash: String,
    pub png: Arc<Vec<u8>>,
}

/// The preview of one open document.
pub struct Preview {
    world: MemoryWorld,
    /// Page images by layout hash, from the last render.
    pages: HashMap<u128, Arc<Vec<u8>>>,
    /// Pixels per point of the images.
    scale: f32,
}

impl Preview {
    pub fn new(fonts: &FontSet, scale: f32) -> Preview {
        let files = vec![("/lib.typ".to_string(), Bytes::new(pdf::LIB.as_bytes()))];
        Preview {
            world: MemoryWorld::new(
                pdf::TEMPLATE,
                files,
                fonts.fonts.clone(),
                fonts.book.clone(),
            ),
            pages: HashMap::new(),
            scale,
        }
    }

    /// Lays the document out again and returns its pages. `photo` gives
    /// the bytes to show for figure `i` (a small copy: the layout depends
    /// only on the figure's size in millimetres, which the IR fixes).
    pub fn update(
        &mut self,
        ir: &Ir,
        rules: &Rules,
        fonts: &FontSet,
        photo: &dyn Fn(usize) -> Bytes,
    ) -> Result<Vec<PageImage>, Diagnostic> {
        let data = pdf::document_data(ir, rules, fonts);
        self.world.set_fonts(&fonts.fonts, &fonts.book);
        self.world
            .set_file("/document.json", Bytes::new(data.to_string().into_bytes()));
        let mut keep = vec!["/lib.typ".to_string(), "/document.json".to_string()];
        for (i, f) in ir.figures.iter().enumerate() {
            if let Ok(p) = &f.photo {
                let path = pdf::media_path(&i.to_string(), p.format.ext());
                self.world.set_file(&path, photo(i));
                keep.push(path);
            }
        }
        self.world.retain_files(&|p| keep.iter().any(|k| k == p));
        let warned = typst::compile::<PagedDocument>(&self.world);
        // Keep typst's caches bounded in a long session.
        comemo::evict(10);
        let doc = warned
            .output
            .map_err(|errs| pdf::template_error(&errs[..]))?;
        let mut next = HashMap::new();
        let mut out = Vec::new();
        for page in doc.pages() {
            let h = typst::utils::hash128(&page.frame);
            let png = match self.pages.get(&h) {
                Some(p) => p.clone(),
                None => {
                    let opts = typst_render::RenderOptions {
                        pixel_per_pt: typst::utils::Scalar::new(self.scale as f64),
                        render_bleed: false,
                    };
                    let pixmap = typst_render::render(page, &opts);
                    Arc::new(pixmap.encode_png().map_err(|e| {
                        Diagnostic::new(crate::diag::code::INTERNAL, format!("预览图生成失败：{e}"))
                    })?)
                }
            };
            next.insert(h, png.clone());
            out.push(PageImage {
                hash: format!("{h:032x}"),
                png,
            });
        }
        self.pages = next;
        Ok(out)
    }
}
