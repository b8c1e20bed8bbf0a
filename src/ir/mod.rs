//! The intermediate document: the one thing both renderers consume.
//! Title lines, unit, headings, paragraphs and figures, with every
//! typesetting decision that must agree between PDF and Word made here.

pub mod body;
mod tables;
pub use tables::percent as tables_percent;
pub mod title;

use std::ops::Range;

use serde::Serialize;

use crate::diag::{code, Diagnostic};
use crate::model::{DocType, Document, Extra};
use crate::photo::{Photo, PhotoError};
use crate::rules::{Role, Rules, PT_PER_MM};
use crate::text::one_line;

#[derive(Debug, Clone, Serialize)]
pub struct Ir {
    /// The page this document is set on (landscape for the highlights table).
    #[serde(skip)]
    pub page: crate::rules::Page,
    pub landscape: bool,
    /// Output file name without extension, when the document names itself
    /// (媒体单位+报道标题); otherwise the input's name is used.
    #[serde(skip)]
    pub file_stem: Option<String>,
    pub title: String,
    pub unit: String,
    pub title_lines: Vec<String>,
    pub unit_lines: Vec<String>,
    pub blocks: Vec<Block>,
    pub figures: Vec<Figure>,
}

#[derive(Debug, Clone, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Block {
    /// A heading; `tail` is the run-in text set in the body face.
    Heading {
        level: u8,
        head: String,
        tail: String,
        #[serde(skip)]
        src: Range<usize>,
    },
    Paragraph {
        text: String,
        #[serde(skip)]
        src: Range<usize>,
    },
    /// A table; the header row repeats on every page.
    Table(Table),
}

#[derive(Debug, Clone, Serialize)]
pub struct Table {
    /// A line above the table (e.g. 媒体报道情况), set like a level-1 heading.
    pub title: Option<String>,
    /// Rows may break across pages: only when a cell is too long to keep a
    /// row on one page (otherwise the PDF would cut it off).
    pub breakable_rows: bool,
    pub columns: Vec<Column>,
    pub rows: Vec<Vec<String>>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Column {
    pub header: String,
    /// Relative width.
    pub width: f64,
    /// Centre the column's cells (numbers, dates); otherwise left.
    pub center: bool,
}

impl Block {
    /// Text spans with the role each is set in.
    pub fn runs(&self) -> Vec<(Role, &str)> {
        match self {
            Block::Heading {
                level, head, tail, ..
            } => {
                let mut v = vec![(Role::heading(*level), head.as_str())];
                if !tail.is_empty() {
                    v.push((Role::Body, tail.as_str()));
                }
                v
            }
            Block::Paragraph { text, .. } => vec![(Role::Body, text.as_str())],
            Block::Table(_) => vec![],
        }
    }

    /// Byte range of the paragraph in the original body string.
    pub fn src(&self) -> Range<usize> {
        match self {
            Block::Heading { src, .. } | Block::Paragraph { src, .. } => src.clone(),
            Block::Table(_) => 0..0,
        }
    }

    pub fn role(&self) -> Role {
        match self {
            Block::Heading { level, .. } => Role::heading(*level),
            Block::Paragraph { .. } | Block::Table(_) => Role::Body,
        }
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct Figure {
    pub width_mm: f64,
    pub height_mm: f64,
    pub caption: Option<String>,
    /// The photo, or why it cannot be shown: then both outputs draw a framed
    /// placeholder with the file name and the reason (`build --force`).
    #[serde(skip)]
    pub photo: Result<Photo, String>,
}

/// Shown where a required text is empty, so `--force` still writes files.
pub const TITLE_PLACEHOLDER: &str = "〔标题〕";
pub const UNIT_PLACEHOLDER: &str = "〔报送单位〕";

/// Builds the intermediate document; photo problems become diagnostics.
pub fn build(doc: &Document, rules: &Rules, diags: &mut Vec<Diagnostic>) -> Option<Ir> {
    let landscape = doc.doc_type == DocType::Highlights;
    let page = if landscape {
        rules.page.landscape()
    } else {
        rules.page.clone()
    };
    let text_w_pt = page.text_width_mm() * PT_PER_MM;
    let title_max = title_max_em(rules, &page);
    let unit_max = (text_w_pt / rules.roles.unit.size_pt).floor();

    let mut blocks: Vec<Block> = body::paragraphs(&doc.body.value)
        .into_iter()
        .map(|p| {
            if let Some(rows) = p.table {
                return Block::Table(tables::from_rows(rows, rules));
            }
            match body::heading(&p.text) {
                Some((level, end)) => Block::Heading {
                    level,
                    head: p.text[..end].to_string(),
                    tail: p.text[end..].to_string(),
                    src: p.src,
                },
                None => Block::Paragraph {
                    text: p.text,
                    src: p.src,
                },
            }
        })
        .collect();
    blocks.extend(tables::for_document(doc, rules));

    let mut figures = Vec::new();
    for m in &doc.photos {
        let caption = m.caption.as_ref().map(|c| one_line(&c.value));
        // The check has read each photo whole; its headers are enough here.
        match Photo::open_headers(&m.resolved, rules.photo.max_pixels) {
            Ok(photo) => {
                let (w, h) = figure_size(&photo, page.text_width_mm(), rules.photo.max_height_mm);
                figures.push(Figure {
                    width_mm: w,
                    height_mm: h,
                    caption,
                    photo: Ok(photo),
                });
            }
            Err(e) => {
                let d = photo_error(&e, &m.path.value).at(&doc.file, m.path.span.clone());
                // A 3:2 frame where the photo would be.
                let w = page.text_width_mm();
                figures.push(Figure {
                    width_mm: w,
                    height_mm: (w * 2.0 / 3.0 * 100.0).round() / 100.0,
                    caption,
                    photo: Err(format!("{}\n{}", m.path.value.trim(), d.message)),
                });
                diags.push(d);
            }
        }
    }
    // Lines the user broke herself are kept; spaces inside them collapse.
    let typed_lines = doc
        .title
        .value
        .lines()
        .map(one_line)
        .filter(|l| !l.is_empty())
        .collect::<Vec<_>>()
        .join("\n");
    let title = match doc.doc_type {
        _ if !doc.title.value.trim().is_empty() => one_line(&doc.title.value),
        DocType::Case | DocType::Plan | DocType::Media => TITLE_PLACEHOLDER.to_string(),
        DocType::Summary => {
            let year = crate::rules::calendar::Day::parse(&rules.deadlines.week_start)
                .map(|d| d.ymd().0)
                .unwrap_or(2020);
            format!(
                "{}{year}年职业教育活动周工作总结",
                one_line(&doc.unit.value)
            )
        }
        _ => "特色亮点活动一览表".to_string(),
    };
    let (unit_line, file_stem) = match &doc.extra {
        Extra::Media(m) => (
            format!(
                "{}（{}）　{}",
                one_line(&m.outlet.value),
                m.level.name(),
                m.published.chinese()
            ),
            Some(crate::names::media_stem(
                &m.outlet.value,
                &m.title.value,
                &rules.output,
            )),
        ),
        Extra::Highlights(_) => (format!("填报单位：{}", one_line(&doc.unit.value)), None),
        _ => (unit_or_placeholder(&doc.unit.value), None),
    };
    let mut unit_lines = title::break_lines(&unit_line, unit_max);
    if let Extra::Media(m) = &doc.extra {
        if let Some(url) = &m.url {
            unit_lines.push(url.value.trim().to_string());
        }
    }
    Some(Ir {
        page,
        landscape,
        file_stem,
        title_lines: title::break_lines_with(
            if typed_lines.is_empty() {
                &title
            } else {
                &typed_lines
            },
            title_max,
            &[doc.unit.value.trim()],
        ),
        title,
        unit: unit_or_placeholder(&doc.unit.value),
        unit_lines,
        blocks,
        figures,
    })
}

fn unit_or_placeholder(unit: &str) -> String {
    match one_line(unit) {
        u if u.is_empty() => UNIT_PLACEHOLDER.to_string(),
        u => u,
    }
}

/// Widest a title line may be, in em of the title size: half a character
/// short of the full width, since title faces differ between machines and a
/// title line must never wrap on its own.
pub fn title_max_em(rules: &Rules, page: &crate::rules::Page) -> f64 {
    match rules.text.title_max_line_chars {
        0 => (page.text_width_mm() * PT_PER_MM / rules.roles.title.size_pt).floor() - 0.5,
        n => n as f64,
    }
}

/// Printed size: the text width, unless that makes the photo taller than
/// allowed; then the allowed height.
pub fn figure_size(photo: &Photo, text_width_mm: f64, max_height_mm: f64) -> (f64, f64) {
    let (w, h) = photo.display_px();
    let ratio = h as f64 / w as f64;
    let (mut wm, mut hm) = (text_width_mm, text_width_mm * ratio);
    if hm > max_height_mm {
        hm = max_height_mm;
        wm = max_height_mm / ratio;
    }
    // Round to 0.01 mm so both renderers get the same numbers.
    ((wm * 100.0).round() / 100.0, (hm * 100.0).round() / 100.0)
}

/// The Chinese message for a photo that cannot be used.
pub fn photo_error(e: &PhotoError, path: &str) -> Diagnostic {
    match e {
        PhotoError::Io(err) => Diagnostic::new(
            code::PHOTO_MISSING,
            format!("无法读取照片 {path}：{}", crate::files::io_reason(err)),
        )
        .hint("请检查文件名和所在文件夹"),
        PhotoError::NotAnImage(what) => Diagnostic::new(
            code::PHOTO_NOT_JPEG,
            format!("照片 {path} 实际上是{what}，不是 JPG 照片"),
        )
        .label("不是 JPG")
        .hint(if what.starts_with("HEIC") {
            "苹果手机默认拍摄 HEIC 格式：请在“照片”中选中它，点“共享”→“存储到文件”时选“最兼容”，或在电脑上用看图软件另存为 JPG；以后拍摄前可在“设置 → 相机 → 格式”中选择“兼容性最佳”"
        } else {
            "请用看图软件把它“另存为” JPG 格式；仅改扩展名没有用"
        }),
        PhotoError::Corrupt(why) => Diagnostic::new(
            code::PHOTO_CORRUPT,
            format!("照片 {path} 已损坏或不完整（{why}）"),
        )
        .label("无法读取")
        .hint("请重新从相机或手机导出这张照片"),
        PhotoError::TooLarge(w, h) => Diagnostic::new(
            code::PHOTO_TOO_LARGE,
            format!("照片 {path} 声称有 {w}×{h} 像素，超出可处理范围"),
        )
        .hint("请把照片缩小到一亿像素以内再报送"),
    }
}
