//! Word output, written directly as WordprocessingML. The subset a Chinese
//! official document needs — named paragraph styles with the mandated faces
//! and sizes, runs that name every face slot, the 22-line grid, page-number
//! footers, tables, inline pictures, sections — is small enough that writing
//! it in schema order is shorter and clearer than building it with a
//! document library and repairing the result (firstLineChars, w:lang,
//! autoSpaceDE/DN, tblHeader, section types, the font table, JPEG kept as
//! JPEG, unique drawing ids were all missing). Output is reproducible:
//! no dates, fixed zip times.

mod body;
mod parts;
mod xml;

use std::io::{Cursor, Write};

use body::{lines, run, BodyWriter, Media, PPr};
use xml::Xml;

use crate::diag::{code, Diagnostic};
use crate::ir::Ir;
use crate::render::volume::Volume;
use crate::rules::{Role, Rules, PT_PER_MM, TWIPS_PER_MM};

fn twips(mm: f64) -> i64 {
    (mm * TWIPS_PER_MM).round() as i64
}

/// Geometry of the Word page, all in twips.
pub struct WordGrid {
    pub page_w: i64,
    pub page_h: i64,
    pub top: i64,
    pub bottom: i64,
    pub left: i64,
    pub right: i64,
    pub footer: i64,
    pub line_pitch: i64,
    pub indent: i64,
    pub landscape: bool,
}

impl WordGrid {
    pub fn new(rules: &Rules, p: &crate::rules::Page, landscape: bool) -> WordGrid {
        let pn = rules.roles.page_number.size_pt;
        // The page-number line box starts `page_number_gap_mm` below the
        // text block; Word measures the footer from the page's bottom edge.
        let footer_mm = p.bottom_mm - p.page_number_gap_mm - pn / PT_PER_MM;
        WordGrid {
            page_w: twips(p.width_mm),
            page_h: twips(p.height_mm),
            top: twips(p.top_mm),
            bottom: twips(p.bottom_mm),
            left: twips(p.left_mm),
            right: twips(p.right_mm),
            footer: twips(footer_mm.max(0.0)),
            line_pitch: (p.line_pitch_pt * 20.0).round() as i64,
            // The PDF's indent: 2 × (16 − 0.25) pt → 630 twips.
            indent: (rules.indent_pt() * 20.0).round() as i64,
            landscape,
        }
    }

    /// Section properties: footers (when given), the section's start, page
    /// size and margins, numbering restart, and the line grid. A line grid
    /// only: a `linesAndChars` grid with a negative charSpace makes
    /// LibreOffice put each 16 pt character into two cells; the −0.25 pt
    /// run tracking gives 28 characters a line everywhere.
    fn sect(&self, footers: bool, start: Option<&str>, restart: bool) -> String {
        let mut x = Xml::fragment();
        x.open("w:sectPr", &[]);
        if footers {
            x.empty(
                "w:footerReference",
                &[("w:type", &"default"), ("r:id", &"rIdFooterOdd")],
            );
            x.empty(
                "w:footerReference",
                &[("w:type", &"even"), ("r:id", &"rIdFooterEven")],
            );
        }
        if let Some(t) = start {
            x.empty("w:type", &[("w:val", &t)]);
        }
        if self.landscape {
            x.empty(
                "w:pgSz",
                &[
                    ("w:w", &self.page_w),
                    ("w:h", &self.page_h),
                    ("w:orient", &"landscape"),
                ],
            );
        } else {
            x.empty("w:pgSz", &[("w:w", &self.page_w), ("w:h", &self.page_h)]);
        }
        x.empty(
            "w:pgMar",
            &[
                ("w:top", &self.top),
                ("w:right", &self.right),
                ("w:bottom", &self.bottom),
                ("w:left", &self.left),
                ("w:header", &851),
                ("w:footer", &self.footer),
                ("w:gutter", &0),
            ],
        );
        if restart {
            x.empty("w:pgNumType", &[("w:start", &1)]);
        }
        x.empty(
            "w:docGrid",
            &[("w:type", &"lines"), ("w:linePitch", &self.line_pitch)],
        );
        x.close("w:sectPr");
        x.into_string()
    }
}

/// What a document was made from, written into its properties so a
/// folder's own outputs are never taken for submissions.
#[derive(Debug, Clone)]
pub struct Provenance {
    /// The source's file name.
    pub source: String,
    /// SHA-256 of the source file's bytes.
    pub sha256: String,
}

/// The custom property that names the source's hash.
pub const SOURCE_HASH_PROPERTY: &str = "BaosongSourceSha256";
/// The custom property that names the source's file name.
pub const SOURCE_NAME_PROPERTY: &str = "BaosongSource";

/// Renders one document to .docx bytes.
pub fn render(ir: &Ir, rules: &Rules, from: Option<&Provenance>) -> Result<Vec<u8>, Diagnostic> {
    let mut out = Cursor::new(Vec::new());
    render_into(ir, rules, from, &mut out)?;
    Ok(out.into_inner())
}

fn render_into(
    ir: &Ir,
    rules: &Rules,
    from: Option<&Provenance>,
    out: &mut dyn crate::output::WriteSeek,
) -> Result<(), Diagnostic> {
    let g = WordGrid::new(rules, &ir.page, ir.landscape);
    let mut w = BodyWriter::new(rules, &g);
    w.document(ir, &[])?;
    let (body, media) = w.finish();
    let sect = g.sect(true, None, false);
    package(
        out,
        rules,
        &g,
        &[&body, &sect],
        media,
        &ir.title,
        &parts::SettingsOptions {
            mirror: false,
            update_fields: false,
        },
        from,
    )
}

/// The bound volume: a front section (cover, contents) without page
/// numbers, then one section per case, numbered from 1 at the first case.
/// The contents is a real TOC field over TC entries in the case titles; its
/// cached result already holds the page numbers of our own PDF layout
/// (`pages`), so it is right before Word or LibreOffice updates it.
/// Written into `out` as it is made: the photos stream from disk.
pub fn render_volume(
    vol: &Volume,
    rules: &Rules,
    pages: &[usize],
    out: &mut dyn crate::output::WriteSeek,
) -> Result<(), Diagnostic> {
    let g = WordGrid::new(rules, &rules.page, false);
    let mut w = BodyWriter::new(rules, &g);
    front_matter(&mut w, vol, pages);
    w.end_section(g.sect(false, None, false));
    let start = if vol.duplex { "oddPage" } else { "nextPage" };
    let total: usize = vol.groups.iter().map(|g| g.cases.len()).sum();
    let mut k = 0;
    for grp in &vol.groups {
        for (ci, ir) in grp.cases.iter().enumerate() {
            let mut tc = Vec::new();
            if let (0, Some(name)) = (ci, &grp.name) {
                tc.push((1, name.clone()));
            }
            tc.push((
                if grp.name.is_some() { 2 } else { 1 },
                format!("{}（{}）", ir.title, ir.unit),
            ));
            w.document(ir, &tc)?;
            // The first case carries the footers and restarts numbering;
            // later sections inherit both.
            if k + 1 < total {
                w.end_section(g.sect(k == 0, Some(start), k == 0));
            }
            k += 1;
        }
    }
    let (body, media) = w.finish();
    let last = g.sect(total == 1, Some(start), total == 1);
    package(
        out,
        rules,
        &g,
        &[&body, &last],
        media,
        &vol.title,
        &parts::SettingsOptions {
            mirror: vol.duplex,
            update_fields: true,
        },
        None,
    )
}

/// Cover and contents.
fn front_matter(w: &mut BodyWriter, vol: &Volume, pages: &[usize]) {
    let rules = w.rules;
    for _ in 0..3 {
        w.blank();
    }
    w.para(
        PPr {
            off_grid: true,
            ..PPr::style(Role::Title)
        },
        lines(rules, Role::Title, &vol.title_lines),
    );
    for _ in 0..8 {
        w.blank();
    }
    w.para(
        PPr::style(Role::Unit),
        lines(rules, Role::Unit, std::slice::from_ref(&vol.issuer)),
    );
    w.para(
        PPr::style(Role::Unit),
        lines(rules, Role::Unit, std::slice::from_ref(&vol.date)),
    );
    w.para(
        PPr {
            off_grid: true,
            page_break_before: true,
            ..PPr::style(Role::Title)
        },
        lines(rules, Role::Title, &["目　录".to_string()]),
    );
    w.blank();
    let text_width = w.grid.page_w - w.grid.left - w.grid.right;
    let entry = |text: &str, page: Option<usize>, role: Role| {
        let mut x = Xml::fragment();
        run(&mut x, rules, role, text);
        if let Some(n) = page {
            x.open("w:r", &[]).empty("w:tab", &[]).close("w:r");
            run(&mut x, rules, role, &n.to_string());
        }
        (
            PPr {
                right_tab: Some(text_width),
                ..PPr::style(role)
            },
            x.into_string(),
        )
    };
    let fld = |t: &str| format!(r#"<w:r><w:fldChar w:fldCharType="{t}"/></w:r>"#);
    let mut instr = Xml::fragment();
    instr
        .open("w:r", &[])
        .leaf(
            "w:instrText",
            &[("xml:space", &"preserve")],
            " TOC \\f \\h \\z \\l 1-2 ",
        )
        .close("w:r");
    w.para(
        PPr::style(Role::Body),
        format!("{}{}{}", fld("begin"), instr.into_string(), fld("separate")),
    );
    let mut k = 0;
    for grp in &vol.groups {
        if let Some(name) = &grp.name {
            let (ppr, runs) = entry(name, None, Role::Heading1);
            w.para(ppr, runs);
        }
        for ir in &grp.cases {
            let n = pages.get(k).copied().unwrap_or(0);
            let (ppr, runs) = entry(&format!("{}（{}）", ir.title, ir.unit), Some(n), Role::Body);
            w.para(ppr, runs);
            k += 1;
        }
    }
    w.para(PPr::style(Role::Body), fld("end"));
}

/// Writes the package: parts first, then the pictures (stored, since JPEG
/// does not deflate), all with fixed zip times.
#[allow(clippy::too_many_arguments)]
fn package(
    out: &mut dyn crate::output::WriteSeek,
    rules: &Rules,
    g: &WordGrid,
    body: &[&str],
    media: Vec<Media>,
    title: &str,
    settings: &parts::SettingsOptions,
    from: Option<&Provenance>,
) -> Result<(), Diagnostic> {
    let mut props = vec![(
        "Generator",
        format!("baosong {}", env!("CARGO_PKG_VERSION")),
    )];
    if let Some(p) = from {
        props.push((SOURCE_NAME_PROPERTY, p.source.clone()));
        props.push((SOURCE_HASH_PROPERTY, p.sha256.clone()));
    }
    let mut doc = Xml::part();
    doc.open(
        "w:document",
        &[
            ("xmlns:w", &parts::W),
            ("xmlns:r", &parts::R),
            (
                "xmlns:wp",
                &"http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing",
            ),
            (
                "xmlns:a",
                &"http://schemas.openxmlformats.org/drawingml/2006/main",
            ),
            (
                "xmlns:pic",
                &"http://schemas.openxmlformats.org/drawingml/2006/picture",
            ),
        ],
    );
    doc.open("w:body", &[]);
    // The body goes between these two, piece by piece, never copied into
    // one string (a province's volume has tens of MB of it).
    let doc_head = doc.into_string();
    let doc_tail = "</w:body></w:document>";
    let xml_parts: Vec<(&str, String)> = vec![
        ("[Content_Types].xml", parts::content_types(&media)),
        ("_rels/.rels", parts::package_rels()),
        ("docProps/core.xml", parts::core(title)),
        ("docProps/app.xml", parts::app()),
        ("docProps/custom.xml", parts::custom(&props)),
        ("word/document.xml", String::new()),
        ("word/_rels/document.xml.rels", parts::document_rels(&media)),
        ("word/styles.xml", parts::styles(rules, g)),
        ("word/settings.xml", parts::settings(settings)),
        ("word/fontTable.xml", parts::font_table(rules)),
        ("word/footer1.xml", parts::footer(rules, true)),
        ("word/footer2.xml", parts::footer(rules, false)),
    ];
    let fail = |e: &dyn std::fmt::Display| {
        Diagnostic::new(code::INTERNAL, format!("生成 Word 文件失败：{e}"))
    };
    {
        let mut z = zip::ZipWriter::new(out);
        let deflate = zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Deflated)
            .last_modified_time(zip::DateTime::default());
        let stored = deflate.compression_method(zip::CompressionMethod::Stored);
        for (name, data) in &xml_parts {
            z.start_file(*name, deflate).map_err(|e| fail(&e))?;
            if *name == "word/document.xml" {
                z.write_all(doc_head.as_bytes()).map_err(|e| fail(&e))?;
                for piece in body {
                    z.write_all(piece.as_bytes()).map_err(|e| fail(&e))?;
                }
                z.write_all(doc_tail.as_bytes()).map_err(|e| fail(&e))?;
            } else {
                z.write_all(data.as_bytes()).map_err(|e| fail(&e))?;
            }
        }
        for m in &media {
            z.start_file(format!("word/{}", m.target), stored)
                .map_err(|e| fail(&e))?;
            match &m.data {
                crate::photo::Data::Memory(b) => z.write_all(b).map_err(|e| fail(&e))?,
                crate::photo::Data::File(p) => {
                    let mut f =
                        std::fs::File::open(p).map_err(|e| fail(&crate::files::io_reason(&e)))?;
                    std::io::copy(&mut f, &mut z).map_err(|e| fail(&e))?;
                }
            }
        }
        z.finish().map_err(|e| fail(&e))?;
    }
    Ok(())
}
