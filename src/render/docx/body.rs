//! The content of document.xml: paragraphs, runs, tables, pictures and
//! section properties, each written in schema order.

use super::xml::Xml;
use super::WordGrid;
use crate::diag::Diagnostic;
use crate::ir::{Block, Figure, Ir, Table};
use crate::rules::{Role, Rules, EMU_PER_MM};

pub(super) fn half_points(pt: f64) -> i64 {
    (pt * 2.0).round() as i64
}

/// Style ids (ASCII, stable); Word shows its built-in Normal as “正文”.
pub(super) fn style_id(role: Role) -> &'static str {
    match role {
        Role::Title => "BsTitle",
        Role::Unit => "BsUnit",
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

/// A picture stored in the package.
pub(super) struct Media {
    /// Part name under `word/`, e.g. `media/image1.jpeg`.
    pub target: String,
    pub rid: String,
    /// Streamed into the package when it is written.
    pub data: crate::photo::Data,
}

/// Line spacing of a paragraph, in twips.
#[derive(Clone, Copy)]
pub(super) enum Spacing {
    Exact(i64),
    /// Single spacing (240 = one line), for picture lines.
    Auto(i64),
}

/// Paragraph properties, written in the order ECMA-376 requires.
#[derive(Default, Clone)]
pub(super) struct PPr {
    pub style: Option<Role>,
    pub keep_next: bool,
    pub page_break_before: bool,
    /// (position in twips) of a right tab with a dot leader.
    pub right_tab: Option<i64>,
    /// Turn off the document grid for this paragraph.
    pub off_grid: bool,
    pub auto_space_off: bool,
    pub spacing: Option<Spacing>,
    /// (left, right, first line) in twips, and first-line characters.
    pub ind: Option<(i64, i64, i64, Option<i64>)>,
    pub jc: Option<&'static str>,
    pub outline: Option<u8>,
    /// Size of the paragraph mark, in points.
    pub mark_size: Option<f64>,
    /// Section properties ending a section at this paragraph.
    pub sect: Option<String>,
}

impl PPr {
    pub fn style(role: Role) -> PPr {
        PPr {
            style: Some(role),
            ..PPr::default()
        }
    }

    pub fn write(&self, x: &mut Xml) {
        x.open("w:pPr", &[]);
        if let Some(r) = self.style {
            x.empty("w:pStyle", &[("w:val", &style_id(r))]);
        }
        if self.keep_next {
            x.empty("w:keepNext", &[]);
        }
        if self.page_break_before {
            x.empty("w:pageBreakBefore", &[]);
        }
        if let Some(pos) = self.right_tab {
            x.open("w:tabs", &[]);
            x.empty(
                "w:tab",
                &[("w:val", &"right"), ("w:leader", &"dot"), ("w:pos", &pos)],
            );
            x.close("w:tabs");
        }
        if self.auto_space_off {
            x.empty("w:autoSpaceDE", &[("w:val", &"0")]);
            x.empty("w:autoSpaceDN", &[("w:val", &"0")]);
        }
        if self.off_grid {
            x.empty("w:snapToGrid", &[("w:val", &"false")]);
        }
        match self.spacing {
            Some(Spacing::Exact(l)) => x.empty(
                "w:spacing",
                &[
                    ("w:before", &0),
                    ("w:after", &0),
                    ("w:line", &l),
                    ("w:lineRule", &"exact"),
                ],
            ),
            Some(Spacing::Auto(l)) => x.empty(
                "w:spacing",
                &[
                    ("w:before", &0),
                    ("w:after", &0),
                    ("w:line", &l),
                    ("w:lineRule", &"auto"),
                ],
            ),
            None => x,
        };
        if let Some((left, right, first, chars)) = self.ind {
            match chars {
                Some(c) => x.empty(
                    "w:ind",
                    &[
                        ("w:left", &left),
                        ("w:right", &right),
                        ("w:firstLine", &first),
                        ("w:firstLineChars", &c),
                    ],
                ),
                None => x.empty(
                    "w:ind",
                    &[
                        ("w:left", &left),
                        ("w:right", &right),
                        ("w:firstLine", &first),
                    ],
                ),
            };
        }
        if let Some(jc) = self.jc {
            x.empty("w:jc", &[("w:val", &jc)]);
        }
        if let Some(l) = self.outline {
            x.empty("w:outlineLvl", &[("w:val", &l)]);
        }
        if let Some(pt) = self.mark_size {
            let hp = half_points(pt);
            x.open("w:rPr", &[])
                .empty("w:sz", &[("w:val", &hp)])
                .empty("w:szCs", &[("w:val", &hp)])
                .close("w:rPr");
        }
        if let Some(s) = &self.sect {
            x.raw(s);
        }
        x.close("w:pPr");
    }
}

/// The four font slots of a role: the mandated face for Chinese, the Latin
/// face (Times New Roman) for letters and digits; never theme fonts.
pub(super) fn fonts(x: &mut Xml, rules: &Rules, role: Role) {
    let east = &rules.face(role).name;
    let latin = rules.style(role).latin.as_ref().unwrap_or(east);
    x.empty(
        "w:rFonts",
        &[
            ("w:ascii", latin),
            ("w:hAnsi", latin),
            ("w:eastAsia", east),
            ("w:cs", latin),
            ("w:hint", &"eastAsia"),
        ],
    );
}

/// Run properties of a role: faces, bold, grid tracking, size.
pub(super) fn rpr(x: &mut Xml, rules: &Rules, role: Role) {
    let st = rules.style(role);
    x.open("w:rPr", &[]);
    fonts(x, rules, role);
    if st.bold {
        x.empty("w:b", &[]).empty("w:bCs", &[]);
    }
    // The same tracking as the PDF, so 28 characters fill a line in Word,
    // WPS and LibreOffice alike (LibreOffice does not shrink characters to
    // the document grid's pitch).
    let tracking = (rules.tracking_pt(role) * 20.0).round() as i64;
    if tracking != 0 {
        x.empty("w:spacing", &[("w:val", &tracking)]);
    }
    let hp = half_points(st.size_pt);
    x.empty("w:sz", &[("w:val", &hp)])
        .empty("w:szCs", &[("w:val", &hp)]);
    x.close("w:rPr");
}

/// A run of text in a role; line breaks inside become `w:br`.
pub(super) fn run(x: &mut Xml, rules: &Rules, role: Role, text: &str) {
    x.open("w:r", &[]);
    rpr(x, rules, role);
    for (i, line) in text.split('\n').enumerate() {
        if i > 0 {
            x.empty("w:br", &[]);
        }
        for (j, part) in line.split('\t').enumerate() {
            if j > 0 {
                x.empty("w:tab", &[]);
            }
            if !part.is_empty() {
                x.leaf("w:t", &[("xml:space", &"preserve")], part);
            }
        }
    }
    x.close("w:r");
}

/// A complex field: begin, instruction, separate, cached result, end.
pub(super) fn field(x: &mut Xml, rules: &Rules, role: Role, instr: &str, result: Option<&str>) {
    let fld = |x: &mut Xml, t: &str| {
        x.open("w:r", &[]);
        rpr(x, rules, role);
        x.empty("w:fldChar", &[("w:fldCharType", &t)]).close("w:r");
    };
    fld(x, "begin");
    x.open("w:r", &[]);
    rpr(x, rules, role);
    x.leaf(
        "w:instrText",
        &[("xml:space", &"preserve")],
        &format!(" {instr} "),
    );
    x.close("w:r");
    if let Some(r) = result {
        fld(x, "separate");
        run(x, rules, role, r);
    }
    fld(x, "end");
}

/// Field instruction text: quotes and backslashes would end or escape it.
pub(super) fn field_text(s: &str) -> String {
    s.chars()
        .map(|c| match c {
            '"' => '＂',
            '\\' => '＼',
            c => c,
        })
        .collect()
}

/// One paragraph: its properties and already written runs.
pub(super) fn paragraph(x: &mut Xml, ppr: &PPr, runs: &str) {
    x.open("w:p", &[]);
    ppr.write(x);
    x.raw(runs);
    x.close("w:p");
}

/// Runs of one role, lines joined by line breaks.
pub(super) fn lines(rules: &Rules, role: Role, lines: &[String]) -> String {
    let mut x = Xml::fragment();
    run(&mut x, rules, role, &lines.join("\n"));
    x.into_string()
}

/// Writes the body of one document; pictures are added to `media`.
pub(super) struct BodyWriter<'a> {
    pub rules: &'a Rules,
    pub grid: &'a WordGrid,
    pub x: Xml,
    pub media: Vec<Media>,
    /// The paragraph being held back, so a section break can end it.
    pending: Option<(PPr, String)>,
}

impl<'a> BodyWriter<'a> {
    pub fn new(rules: &'a Rules, grid: &'a WordGrid) -> BodyWriter<'a> {
        BodyWriter {
            rules,
            grid,
            x: Xml::fragment(),
            media: Vec::new(),
            pending: None,
        }
    }

    fn flush(&mut self) {
        if let Some((ppr, runs)) = self.pending.take() {
            paragraph(&mut self.x, &ppr, &runs);
        }
    }

    pub fn para(&mut self, ppr: PPr, runs: String) {
        self.flush();
        self.pending = Some((ppr, runs));
    }

    pub fn blank(&mut self) {
        let ppr = PPr {
            mark_size: Some(self.rules.roles.body.size_pt),
            ..PPr::style(Role::Body)
        };
        self.para(ppr, String::new());
    }

    /// Ends a section: its properties go into the last paragraph (an empty
    /// one when the section ends with a table).
    pub fn end_section(&mut self, sect: String) {
        let (mut ppr, runs) = self
            .pending
            .take()
            .unwrap_or_else(|| (PPr::style(Role::Body), String::new()));
        ppr.sect = Some(sect);
        paragraph(&mut self.x, &ppr, &runs);
    }

    /// The rest of the body, after the last section break.
    pub fn finish(mut self) -> (String, Vec<Media>) {
        self.flush();
        (self.x.into_string(), self.media)
    }

    /// One document: title (with contents entries `tc`), unit, blocks, figures.
    pub fn document(&mut self, ir: &Ir, tc: &[(u8, String)]) -> Result<(), Diagnostic> {
        let rules = self.rules;
        let mut title = lines(rules, Role::Title, &ir.title_lines);
        for (level, text) in tc {
            let mut x = Xml::fragment();
            field(
                &mut x,
                rules,
                Role::Title,
                &format!("TC \"{}\" \\l {level}", field_text(text)),
                None,
            );
            title.push_str(&x.into_string());
        }
        self.para(
            PPr {
                off_grid: true,
                ..PPr::style(Role::Title)
            },
            title,
        );
        self.blank();
        self.para(
            PPr::style(Role::Unit),
            lines(rules, Role::Unit, &ir.unit_lines),
        );
        self.blank();
        for b in &ir.blocks {
            self.block(b);
        }
        for f in &ir.figures {
            self.figure(f)?;
        }
        Ok(())
    }

    fn block(&mut self, b: &Block) {
        let rules = self.rules;
        match b {
            Block::Table(t) => {
                if let Some(title) = &t.title {
                    self.para(
                        PPr::style(Role::Heading1),
                        lines(rules, Role::Heading1, std::slice::from_ref(title)),
                    );
                }
                self.flush();
                table(&mut self.x, rules, self.grid, t);
            }
            _ => {
                let mut x = Xml::fragment();
                for (role, text) in b.runs() {
                    run(&mut x, rules, role, text);
                }
                let mut ppr = PPr::style(b.role());
                if let Block::Heading { level, .. } = b {
                    ppr.outline = Some(level - 1);
                }
                self.para(ppr, x.into_string());
            }
        }
    }

    fn figure(&mut self, f: &Figure) -> Result<(), Diagnostic> {
        match &f.photo {
            // Turned by the drawing, not by decoding: Word, WPS and
            // LibreOffice rotate and flip pictures themselves.
            Ok(photo) => self.picture(f, photo),
            Err(why) => self.placeholder(f, why),
        }
        if let Some(c) = &f.caption {
            self.para(
                PPr {
                    off_grid: true,
                    ..PPr::style(Role::Caption)
                },
                lines(self.rules, Role::Caption, std::slice::from_ref(c)),
            );
        }
        Ok(())
    }

    /// A photo that cannot be embedded: a one-cell framed table of the
    /// photo's size saying which file and why, as the PDF draws it.
    fn placeholder(&mut self, f: &Figure, why: &str) {
        let w = (f.width_mm * crate::rules::TWIPS_PER_MM).round() as i64;
        let h = (f.height_mm * crate::rules::TWIPS_PER_MM).round() as i64;
        self.flush();
        let x = &mut self.x;
        x.open("w:tbl", &[]).open("w:tblPr", &[]);
        x.empty("w:tblW", &[("w:w", &w), ("w:type", &"dxa")]);
        x.empty("w:jc", &[("w:val", &"center")]);
        x.open("w:tblBorders", &[]);
        for side in ["w:top", "w:left", "w:bottom", "w:right"] {
            x.empty(
                side,
                &[
                    ("w:val", &"single"),
                    ("w:sz", &6),
                    ("w:space", &0),
                    ("w:color", &"000000"),
                ],
            );
        }
        x.close("w:tblBorders");
        x.empty("w:tblLayout", &[("w:type", &"fixed")]);
        x.close("w:tblPr");
        x.open("w:tblGrid", &[])
            .empty("w:gridCol", &[("w:w", &w)])
            .close("w:tblGrid");
        x.open("w:tr", &[]).open("w:trPr", &[]);
        x.empty("w:cantSplit", &[]);
        x.empty("w:trHeight", &[("w:val", &h), ("w:hRule", &"exact")]);
        x.close("w:trPr");
        x.open("w:tc", &[]).open("w:tcPr", &[]);
        x.empty("w:tcW", &[("w:w", &w), ("w:type", &"dxa")]);
        x.empty("w:vAlign", &[("w:val", &"center")]);
        x.close("w:tcPr");
        let ppr = PPr {
            off_grid: true,
            ..PPr::style(Role::Caption)
        };
        let text = format!("照片无法显示：{why}");
        paragraph(x, &ppr, &lines(self.rules, Role::Caption, &[text]));
        x.close("w:tc").close("w:tr").close("w:tbl");
    }

    fn picture(&mut self, f: &Figure, photo: &crate::photo::Photo) {
        let n = self.media.len() + 1;
        let rid = format!("rIdImage{n}");
        let target = format!("media/image{n}.{}", photo.format.ext());
        let (cx, cy) = (
            (f.width_mm * EMU_PER_MM).round() as i64,
            (f.height_mm * EMU_PER_MM).round() as i64,
        );
        // The picture as stored, turned and flipped into the box shown: a
        // quarter turn swaps the sides, and the layout box stays the one
        // shown (effectExtent makes up the difference).
        let (rot, flip_h, flip_v) = match photo.orientation {
            2 => (0, true, false),
            3 => (10_800_000, false, false),
            4 => (0, false, true),
            5 => (16_200_000, true, false),
            6 => (5_400_000, false, false),
            7 => (5_400_000, true, false),
            8 => (16_200_000, false, false),
            _ => (0, false, false),
        };
        let quarter = rot == 5_400_000 || rot == 16_200_000;
        let (sx, sy) = if quarter { (cy, cx) } else { (cx, cy) };
        let (el, et) = ((cx - sx) / 2, (cy - sy) / 2);
        let mut x = Xml::fragment();
        x.open("w:r", &[]).open("w:drawing", &[]);
        x.open(
            "wp:inline",
            &[("distT", &0), ("distB", &0), ("distL", &0), ("distR", &0)],
        );
        x.empty("wp:extent", &[("cx", &sx), ("cy", &sy)]);
        x.empty(
            "wp:effectExtent",
            &[("l", &el), ("t", &et), ("r", &el), ("b", &et)],
        );
        let name = format!("图片 {n}");
        x.empty("wp:docPr", &[("id", &n), ("name", &name)]);
        x.open("wp:cNvGraphicFramePr", &[])
            .empty("a:graphicFrameLocks", &[("noChangeAspect", &1)])
            .close("wp:cNvGraphicFramePr");
        x.open("a:graphic", &[]).open(
            "a:graphicData",
            &[(
                "uri",
                &"http://schemas.openxmlformats.org/drawingml/2006/picture",
            )],
        );
        x.open("pic:pic", &[]).open("pic:nvPicPr", &[]);
        x.empty("pic:cNvPr", &[("id", &n), ("name", &name)])
            .empty("pic:cNvPicPr", &[])
            .close("pic:nvPicPr");
        x.open("pic:blipFill", &[])
            .empty("a:blip", &[("r:embed", &rid)])
            .open("a:stretch", &[])
            .empty("a:fillRect", &[])
            .close("a:stretch")
            .close("pic:blipFill");
        x.open("pic:spPr", &[]);
        match (rot, flip_h, flip_v) {
            (0, false, false) => x.open("a:xfrm", &[]),
            (r, true, _) => x.open("a:xfrm", &[("rot", &r), ("flipH", &1)]),
            (r, _, true) => x.open("a:xfrm", &[("rot", &r), ("flipV", &1)]),
            (r, false, false) => x.open("a:xfrm", &[("rot", &r)]),
        };
        x.empty("a:off", &[("x", &0), ("y", &0)])
            .empty("a:ext", &[("cx", &sx), ("cy", &sy)])
            .close("a:xfrm");
        x.open("a:prstGeom", &[("prst", &"rect")])
            .empty("a:avLst", &[])
            .close("a:prstGeom")
            .close("pic:spPr");
        x.close("pic:pic")
            .close("a:graphicData")
            .close("a:graphic")
            .close("wp:inline")
            .close("w:drawing")
            .close("w:r");
        // A picture needs a line as tall as itself: single spacing, off the grid.
        self.para(
            PPr {
                keep_next: true,
                off_grid: true,
                spacing: Some(Spacing::Auto(240)),
                ..PPr::style(Role::Caption)
            },
            x.into_string(),
        );
        self.media.push(Media {
            target,
            rid,
            data: photo.data.clone(),
        });
    }
}

/// Line pitch of table text, shared with the PDF template (1.4 em).
pub(super) fn table_line_twips(size_pt: f64) -> i64 {
    (size_pt * 1.4 * 20.0).round() as i64
}

/// A table at the text width: fixed layout, 0.5 pt rules, the header row
/// repeated on every page, rows kept whole unless a cell is too long.
fn table(x: &mut Xml, rules: &Rules, g: &WordGrid, t: &Table) {
    let total = (g.page_w - g.left - g.right) as f64;
    let sum: f64 = t.columns.iter().map(|c| c.width).sum();
    let widths: Vec<i64> = t
        .columns
        .iter()
        .map(|c| (total * c.width / sum).floor() as i64)
        .collect();
    let width: i64 = widths.iter().sum();
    x.open("w:tbl", &[]).open("w:tblPr", &[]);
    x.empty("w:tblW", &[("w:w", &width), ("w:type", &"dxa")]);
    x.empty("w:jc", &[("w:val", &"center")]);
    x.open("w:tblBorders", &[]);
    for side in [
        "w:top",
        "w:left",
        "w:bottom",
        "w:right",
        "w:insideH",
        "w:insideV",
    ] {
        x.empty(
            side,
            &[
                ("w:val", &"single"),
                ("w:sz", &4),
                ("w:space", &0),
                ("w:color", &"000000"),
            ],
        );
    }
    x.close("w:tblBorders");
    x.empty("w:tblLayout", &[("w:type", &"fixed")]);
    x.close("w:tblPr");
    x.open("w:tblGrid", &[]);
    for w in &widths {
        x.empty("w:gridCol", &[("w:w", w)]);
    }
    x.close("w:tblGrid");
    let row = |x: &mut Xml, cells: &[(&str, bool)], role: Role, header: bool| {
        x.open("w:tr", &[]).open("w:trPr", &[]);
        if header || !t.breakable_rows {
            x.empty("w:cantSplit", &[]);
        }
        if header {
            x.empty("w:tblHeader", &[]);
        }
        x.close("w:trPr");
        for ((text, center), w) in cells.iter().zip(&widths) {
            x.open("w:tc", &[]).open("w:tcPr", &[]);
            x.empty("w:tcW", &[("w:w", w), ("w:type", &"dxa")]);
            x.empty("w:vAlign", &[("w:val", &"center")]);
            x.close("w:tcPr");
            let ppr = PPr {
                off_grid: true,
                jc: center.then_some("center"),
                ..PPr::style(role)
            };
            paragraph(x, &ppr, &lines(rules, role, &[text.to_string()]));
            x.close("w:tc");
        }
        x.close("w:tr");
    };
    let header: Vec<(&str, bool)> = t
        .columns
        .iter()
        .map(|c| (c.header.as_str(), true))
        .collect();
    row(x, &header, Role::TableHeader, true);
    for r in &t.rows {
        let cells: Vec<(&str, bool)> = r
            .iter()
            .zip(&t.columns)
            .map(|(text, c)| (text.as_str(), c.center))
            .collect();
        row(x, &cells, Role::Table, false);
    }
    x.close("w:tbl");
}
