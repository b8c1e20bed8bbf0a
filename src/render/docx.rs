//! Word through docx-rs. Named paragraph styles carry the mandated faces
//! and sizes, every run names its faces explicitly too, and the page grid
//! matches the PDF. What docx-rs cannot write is added in one place,
//! `docx_package`.

use docx_rs::{
    AlignmentType, BreakType, DocGrid, DocGridType, Docx, FieldCharType, Footer, InstrPAGE,
    InstrTC, InstrText, LineSpacing, LineSpacingType, PageMargin, PageNumType, PageOrientationType,
    PageSize, Paragraph, Pic, Run, RunFonts, Section, SpecialIndentType, Style, StyleType, Tab,
    TabLeaderType, TabValueType, Table, TableAlignmentType, TableBorder, TableBorderPosition,
    TableCell, TableLayoutType, TableRow, VAlignType, WidthType,
};

use super::docx_package::{self, PackagePatch};
use crate::diag::{code, Diagnostic};
use crate::ir::{Block, Ir};
use crate::rules::{Role, Rules, EMU_PER_MM, PT_PER_MM, TWIPS_PER_MM};

fn twips(mm: f64) -> i32 {
    (mm * TWIPS_PER_MM).round() as i32
}

fn half_points(pt: f64) -> usize {
    (pt * 2.0).round() as usize
}

/// Style ids (ASCII, stable) and the Chinese names Word shows.
pub fn style_id(role: Role) -> &'static str {
    match role {
        Role::Title => "BsTitle",
        Role::Unit => "BsUnit",
        // Word shows its built-in Normal style as “正文”.
        Role::Body => "Normal",
        Role::Heading1 => "BsHeading1",
        Role::Heading2 => "BsHeading2",
        Role::Heading3 => "BsHeading3",
        Role::Heading4 => "BsHeading4",
        Role::Caption => "BsCaption",
        Role::PageNumber => "BsPageNumber",
        Role::Table => "BsTable",
        Role::TableHeader => "BsTableHeader",
    }
}

fn style_name(role: Role) -> &'static str {
    match role {
        Role::Title => "公文标题",
        Role::Body => "Normal",
        other => other.label(),
    }
}

/// Geometry of the Word page, all in twips.
pub struct WordGrid {
    pub page_w: i32,
    pub page_h: i32,
    pub top: i32,
    pub bottom: i32,
    pub left: i32,
    pub right: i32,
    pub footer: i32,
    pub line_pitch: i32,
    pub indent: i32,
}

impl WordGrid {
    pub fn new(rules: &Rules, p: &crate::rules::Page) -> WordGrid {
        let (page_w, page_h) = (twips(p.width_mm), twips(p.height_mm));
        let (left, right) = (twips(p.left_mm), twips(p.right_mm));
        let pn = rules.roles.page_number.size_pt;
        // The page-number line box starts `page_number_gap_mm` below the
        // text block; Word measures the footer from the page's bottom edge.
        let footer_mm = p.bottom_mm - p.page_number_gap_mm - pn / PT_PER_MM;
        WordGrid {
            page_w,
            page_h,
            top: twips(p.top_mm),
            bottom: twips(p.bottom_mm),
            left,
            right,
            footer: twips(footer_mm.max(0.0)),
            line_pitch: (p.line_pitch_pt * 20.0).round() as i32,
            // The PDF's indent: 2 × (16 − 0.25) pt → 630 twips.
            indent: (crate::render::pdf::indent_pt(rules) * 20.0).round() as i32,
        }
    }
}

fn fonts_for(rules: &Rules, role: Role) -> RunFonts {
    let st = rules.style(role);
    let east = rules.face(role).name.clone();
    let latin = st.latin.clone().unwrap_or_else(|| east.clone());
    RunFonts::new()
        .ascii(&latin)
        .hi_ansi(&latin)
        .east_asia(&east)
        .cs(&latin)
        .hint("eastAsia")
}

fn run(rules: &Rules, role: Role, text: &str) -> Run {
    let st = rules.style(role);
    let mut r = Run::new()
        .add_text(text)
        .fonts(fonts_for(rules, role))
        .size(half_points(st.size_pt));
    // The same tracking as the PDF, so 28 characters fill a line in Word,
    // WPS and LibreOffice alike (LibreOffice does not shrink characters to
    // the document grid's pitch).
    let tracking = crate::render::pdf::role_tracking_pt(rules, role);
    if tracking != 0.0 {
        r = r.character_spacing((tracking * 20.0).round() as i32);
    }
    if st.bold {
        r = r.bold();
    }
    r
}

fn exact(twips: i32) -> LineSpacing {
    LineSpacing::new()
        .line_rule(LineSpacingType::Exact)
        .line(twips)
        .before(0)
        .after(0)
}

fn styles(rules: &Rules, g: &WordGrid) -> Vec<Style> {
    let mut out = Vec::new();
    for role in Role::ALL {
        let st = rules.style(role);
        let mut s = Style::new(style_id(role), StyleType::Paragraph)
            .name(style_name(role))
            .fonts(fonts_for(rules, role))
            .size(half_points(st.size_pt))
            .q_format(true);
        if role != Role::Body {
            s = s.based_on("Normal").next("Normal");
        }
        if st.bold {
            s = s.bold();
        }
        s = match role {
            Role::Title => s
                .align(AlignmentType::Center)
                .snap_to_grid(false)
                .line_spacing(exact(g.line_pitch)),
            Role::Unit => s
                .align(AlignmentType::Center)
                .line_spacing(exact(g.line_pitch))
                .indent(Some(0), Some(SpecialIndentType::FirstLine(0)), None, None),
            Role::Body | Role::Heading1 | Role::Heading2 | Role::Heading3 | Role::Heading4 => s
                .align(AlignmentType::Both)
                .line_spacing(exact(g.line_pitch))
                .indent(
                    Some(0),
                    Some(SpecialIndentType::FirstLine(g.indent)),
                    None,
                    None,
                ),
            Role::Caption => s
                .align(AlignmentType::Center)
                .snap_to_grid(false)
                .line_spacing(exact(g.line_pitch))
                .indent(Some(0), Some(SpecialIndentType::FirstLine(0)), None, None),
            Role::PageNumber => s
                .snap_to_grid(false)
                .line_spacing(exact(half_points(st.size_pt) as i32 * 10)),
            // Table text: off the grid, lines 1.4 × the size apart.
            Role::Table | Role::TableHeader => s
                .snap_to_grid(false)
                .line_spacing(exact(table_line_twips(st.size_pt)))
                .indent(Some(0), Some(SpecialIndentType::FirstLine(0)), None, None)
                .align(if role == Role::TableHeader {
                    AlignmentType::Center
                } else {
                    AlignmentType::Left
                }),
        };
        if let Role::Heading1 | Role::Heading2 | Role::Heading3 | Role::Heading4 = role {
            let level = match role {
                Role::Heading1 => 0,
                Role::Heading2 => 1,
                Role::Heading3 => 2,
                _ => 3,
            };
            s = s.outline_lvl(level);
        }
        out.push(s);
    }
    out
}

/// Line pitch of table text, shared with the PDF template (1.4 em).
pub fn table_line_twips(size_pt: f64) -> i32 {
    (size_pt * 1.4 * 20.0).round() as i32
}

fn table(rules: &Rules, g: &WordGrid, t: &crate::ir::Table) -> Table {
    let total = (g.page_w - g.left - g.right) as f64;
    let sum: f64 = t.columns.iter().map(|c| c.width).sum();
    let widths: Vec<usize> = t
        .columns
        .iter()
        .map(|c| (total * c.width / sum).floor() as usize)
        .collect();
    let cell = |role: Role, text: &str, w: usize, center: bool| {
        let mut p = Paragraph::new().style(style_id(role)).snap_to_grid(false);
        if center {
            p = p.align(AlignmentType::Center);
        }
        TableCell::new()
            .width(w, WidthType::Dxa)
            .vertical_align(VAlignType::Center)
            .add_paragraph(p.add_run(run(rules, role, text)))
    };
    let header = TableRow::new(
        t.columns
            .iter()
            .zip(&widths)
            .map(|(c, w)| cell(Role::TableHeader, &c.header, *w, true))
            .collect(),
    )
    .cant_split();
    let mut rows = vec![header];
    for r in &t.rows {
        rows.push({
            let row = TableRow::new(
                r.iter()
                    .zip(t.columns.iter().zip(&widths))
                    .map(|(text, (c, w))| cell(Role::Table, text, *w, c.center))
                    .collect(),
            );
            // Kept on one page, unless a cell is too long for that.
            if t.breakable_rows {
                row
            } else {
                row.cant_split()
            }
        });
    }
    let mut table = Table::new(rows);
    // 0.5 pt rules, as in the PDF (docx-rs defaults to 0.25 pt).
    for pos in [
        TableBorderPosition::Top,
        TableBorderPosition::Bottom,
        TableBorderPosition::Left,
        TableBorderPosition::Right,
        TableBorderPosition::InsideH,
        TableBorderPosition::InsideV,
    ] {
        table = table.set_border(TableBorder::new(pos).size(4));
    }
    table
        .set_grid(widths.clone())
        .layout(TableLayoutType::Fixed)
        .width(widths.iter().sum(), WidthType::Dxa)
        .align(TableAlignmentType::Center)
}

fn page_number_footer(rules: &Rules, odd: bool) -> Footer {
    let inset = (rules.page.page_number_inset_chars * rules.roles.page_number.size_pt * 20.0)
        .round() as i32;
    let role = Role::PageNumber;
    let field = Run::new()
        .fonts(fonts_for(rules, role))
        .size(half_points(rules.roles.page_number.size_pt))
        .add_field_char(FieldCharType::Begin, false)
        .add_instr_text(InstrText::PAGE(InstrPAGE::new()))
        .add_field_char(FieldCharType::Separate, false)
        .add_text("1")
        .add_field_char(FieldCharType::End, false);
    let mut p = Paragraph::new()
        .style(style_id(role))
        .snap_to_grid(false)
        .add_run(run(rules, role, "— "))
        .add_run(field)
        .add_run(run(rules, role, " —"));
    p = if odd {
        p.align(AlignmentType::Right)
            .indent(Some(0), None, Some(inset), None)
    } else {
        p.align(AlignmentType::Left)
            .indent(Some(inset), None, Some(0), None)
    };
    Footer::new().add_paragraph(p)
}

fn blank(rules: &Rules) -> Paragraph {
    Paragraph::new()
        .style(style_id(Role::Body))
        .size(half_points(rules.roles.body.size_pt))
}

/// Renders the document to .docx bytes.
/// A block-level piece of a document body.
enum Child {
    P(Paragraph),
    T(Table),
}

/// Page geometry of a section.
fn margins(g: &WordGrid) -> PageMargin {
    PageMargin::new()
        .top(g.top)
        .bottom(g.bottom)
        .left(g.left)
        .right(g.right)
        .header(851)
        .footer(g.footer)
        .gutter(0)
}

fn line_grid(g: &WordGrid) -> DocGrid {
    // A line grid only. A `linesAndChars` grid with a negative charSpace
    // makes LibreOffice put each 16 pt character into two 15.79 pt cells;
    // the explicit −0.25 pt character spacing on grid runs gives 28
    // characters a line in Word, WPS and LibreOffice alike.
    DocGrid::new()
        .grid_type(DocGridType::Lines)
        .line_pitch(g.line_pitch as usize)
}

/// A document with the page, defaults and styles set, and no content.
fn base(rules: &Rules, g: &WordGrid, landscape: bool) -> Docx {
    let mut docx = Docx::new()
        .page_size(g.page_w as u32, g.page_h as u32)
        .page_margin(margins(g))
        .default_fonts(fonts_for(rules, Role::Body))
        .default_size(half_points(rules.roles.body.size_pt));
    if landscape {
        docx = docx.page_orient(PageOrientationType::Landscape);
    }
    docx.document = docx.document.doc_grid(line_grid(g));
    for s in styles(rules, g) {
        docx = docx.add_style(s);
    }
    docx
}

fn lines_paragraph(rules: &Rules, role: Role, lines: &[String]) -> Paragraph {
    let mut p = Paragraph::new().style(style_id(role));
    if role == Role::Title {
        p = p.snap_to_grid(false);
    }
    for (i, line) in lines.iter().enumerate() {
        let mut r = run(rules, role, line);
        if i + 1 < lines.len() {
            r = r.add_break(BreakType::TextWrapping);
        }
        p = p.add_run(r);
    }
    p
}

/// Field instruction text is written raw by docx-rs: keep it plain.
fn field_text(s: &str) -> String {
    s.chars()
        .map(|c| match c {
            '"' => '＂',
            '&' => '＆',
            '<' => '＜',
            '>' => '＞',
            '\\' => '＼',
            c => c,
        })
        .collect()
}

/// The body of one document. `image_base` keeps picture ids unique across
/// a volume; `tc` adds contents entries (level, text) to the title.
fn children(
    ir: &Ir,
    rules: &Rules,
    g: &WordGrid,
    image_base: usize,
    tc: &[(usize, String)],
) -> Result<Vec<Child>, Diagnostic> {
    let mut out = Vec::new();
    let mut title = lines_paragraph(rules, Role::Title, &ir.title_lines);
    for (level, text) in tc {
        title = title.add_run(Run::new().add_tc(InstrTC::new(field_text(text)).level(*level)));
    }
    out.push(Child::P(title));
    out.push(Child::P(blank(rules)));
    out.push(Child::P(lines_paragraph(rules, Role::Unit, &ir.unit_lines)));
    out.push(Child::P(blank(rules)));

    for b in &ir.blocks {
        if let Block::Table(t) = b {
            if let Some(title) = &t.title {
                out.push(Child::P(
                    Paragraph::new()
                        .style(style_id(Role::Heading1))
                        .add_run(run(rules, Role::Heading1, title)),
                ));
            }
            out.push(Child::T(table(rules, g, t)));
            continue;
        }
        let mut p = Paragraph::new().style(style_id(b.role()));
        for (role, text) in b.runs() {
            p = p.add_run(run(rules, role, text));
        }
        if let Block::Heading { level, .. } = b {
            p = p.outline_lvl(*level as usize - 1);
        }
        out.push(Child::P(p));
    }

    for (i, f) in ir.figures.iter().enumerate() {
        let (bytes, _) = f
            .photo
            .upright_bytes()
            .map_err(|e| Diagnostic::error(code::PHOTO_CORRUPT, format!("照片无法转正：{e:?}")))?;
        let (wpx, hpx) = f.photo.display_px();
        let rid = format!("rIdImage{}", image_base + i + 1);
        let pic = Pic::new_with_dimensions(bytes.to_vec(), wpx, hpx)
            .id(&rid)
            .size(
                (f.width_mm * EMU_PER_MM).round() as u32,
                (f.height_mm * EMU_PER_MM).round() as u32,
            );
        // A picture needs a line as tall as itself: single spacing, off the grid.
        let p = Paragraph::new()
            .style(style_id(Role::Caption))
            .snap_to_grid(false)
            .line_spacing(
                LineSpacing::new()
                    .line_rule(LineSpacingType::Auto)
                    .line(240)
                    .before(0)
                    .after(0),
            )
            .keep_next(true)
            .add_run(Run::new().add_image(pic));
        out.push(Child::P(p));
        if let Some(c) = &f.caption {
            out.push(Child::P(
                Paragraph::new()
                    .style(style_id(Role::Caption))
                    .snap_to_grid(false)
                    .add_run(run(rules, Role::Caption, c)),
            ));
        }
    }
    Ok(out)
}

fn pack(docx: Docx, patch: &PackagePatch) -> Result<Vec<u8>, Diagnostic> {
    let mut raw = Vec::new();
    docx.build()
        .pack(std::io::Cursor::new(&mut raw))
        .map_err(|e| Diagnostic::error(code::INTERNAL, format!("生成 Word 文件失败：{e}")))?;
    docx_package::apply(&raw, patch)
        .map_err(|e| Diagnostic::error(code::INTERNAL, format!("整理 Word 文件失败：{e}")))
}

/// Renders the document to .docx bytes.
pub fn render(ir: &Ir, rules: &Rules) -> Result<Vec<u8>, Diagnostic> {
    let g = WordGrid::new(rules, &ir.page);
    let mut docx = base(rules, &g, ir.landscape)
        .footer(page_number_footer(rules, true))
        .even_footer(page_number_footer(rules, false));
    for c in children(ir, rules, &g, 0, &[])? {
        docx = match c {
            Child::P(p) => docx.add_paragraph(p),
            Child::T(t) => docx.add_table(t),
        };
    }
    pack(docx, &PackagePatch::for_document(rules))
}

/// The bound volume: a front section (cover, contents) without page
/// numbers, then one section per case, numbered from 1 at the first case.
/// The contents is a real TOC field over TC entries in the case titles;
/// its cached result already holds the page numbers of our own PDF layout
/// (`pages`), so it is right before Word or LibreOffice updates it.
pub fn render_volume(
    vol: &crate::render::volume::Volume,
    rules: &Rules,
    pages: &[usize],
) -> Result<Vec<u8>, Diagnostic> {
    let g = WordGrid::new(rules, &rules.page);
    let mut docx = base(rules, &g, false);
    let page_size = PageSize::new().size(g.page_w as u32, g.page_h as u32);
    let section = || {
        Section::new()
            .page_size(page_size.clone())
            .page_margin(margins(&g))
            .doc_grid(line_grid(&g))
    };

    // Cover.
    let mut front = section();
    for _ in 0..3 {
        front = front.add_paragraph(blank(rules));
    }
    front = front.add_paragraph(lines_paragraph(rules, Role::Title, &vol.title_lines));
    for _ in 0..8 {
        front = front.add_paragraph(blank(rules));
    }
    front = front
        .add_paragraph(lines_paragraph(
            rules,
            Role::Unit,
            std::slice::from_ref(&vol.issuer),
        ))
        .add_paragraph(lines_paragraph(
            rules,
            Role::Unit,
            std::slice::from_ref(&vol.date),
        ));

    // Contents.
    front = front.add_paragraph(
        lines_paragraph(rules, Role::Title, &["目　录".to_string()]).page_break_before(true),
    );
    front = front.add_paragraph(blank(rules));
    let text_width = (g.page_w - g.left - g.right) as usize;
    let entry = |text: &str, page: Option<usize>, role: Role| {
        let mut p = Paragraph::new()
            .style(style_id(role))
            .add_tab(
                Tab::new()
                    .val(TabValueType::Right)
                    .leader(TabLeaderType::Dot)
                    .pos(text_width),
            )
            .add_run(run(rules, role, text));
        if let Some(n) = page {
            p = p
                .add_run(Run::new().add_tab())
                .add_run(run(rules, role, &n.to_string()));
        }
        p
    };
    front = front.add_paragraph(
        Paragraph::new().style(style_id(Role::Body)).add_run(
            Run::new()
                .add_field_char(FieldCharType::Begin, false)
                .add_instr_text(InstrText::Unsupported("TOC \\f \\h \\z \\l 1-2".into()))
                .add_field_char(FieldCharType::Separate, false),
        ),
    );
    let mut k = 0;
    for grp in &vol.groups {
        if let Some(name) = &grp.name {
            front = front.add_paragraph(entry(name, None, Role::Heading1));
        }
        for ir in &grp.cases {
            let n = pages.get(k).copied().unwrap_or(0);
            front = front.add_paragraph(entry(
                &format!("{}（{}）", ir.title, ir.unit),
                Some(n),
                Role::Body,
            ));
            k += 1;
        }
    }
    front = front.add_paragraph(
        Paragraph::new()
            .style(style_id(Role::Body))
            .add_run(Run::new().add_field_char(FieldCharType::End, false)),
    );
    docx = docx.add_section(front);

    // Cases: each its own section; the first carries the footers and
    // restarts numbering at 1, later sections inherit both.
    let total: usize = vol.groups.iter().map(|g| g.cases.len()).sum();
    let mut k = 0;
    let mut image_base = 0;
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
            let kids = children(ir, rules, &g, image_base, &tc)?;
            image_base += ir.figures.len();
            let last = k + 1 == total;
            if last {
                for c in kids {
                    docx = match c {
                        Child::P(p) => docx.add_paragraph(p),
                        Child::T(t) => docx.add_table(t),
                    };
                }
                if k == 0 {
                    docx = docx
                        .footer(page_number_footer(rules, true))
                        .even_footer(page_number_footer(rules, false))
                        .page_num_type(PageNumType::new().start(1));
                }
            } else {
                let mut sect = section();
                for c in kids {
                    sect = match c {
                        Child::P(p) => sect.add_paragraph(p),
                        Child::T(t) => sect.add_table(t),
                    };
                }
                if k == 0 {
                    sect = sect
                        .footer(page_number_footer(rules, true))
                        .even_footer(page_number_footer(rules, false))
                        .page_num_type(PageNumType::new().start(1));
                }
                docx = docx.add_section(sect);
            }
            k += 1;
        }
    }
    let mut patch = PackagePatch::for_document(rules);
    patch.volume = Some(docx_package::VolumePatch { duplex: vol.duplex });
    pack(docx, &patch)
}
