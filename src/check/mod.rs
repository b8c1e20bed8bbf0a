//! The notice's rules applied to one validated document. Every number comes
//! from the rules table; every finding is a diagnostic with a stable code,
//! the span it is about and a hint. Nothing here writes a file.

pub mod charset;
pub mod deadline;
pub mod summary;

use crate::diag::{code, Diagnostic};
use crate::ir::{body, photo_error};
use crate::model::{DocType, Document, Extra};
use crate::photo;
use crate::rules::Rules;
use crate::video::{self, VideoError};

/// What the checks need besides the document and the rules.
#[derive(Debug, Clone, Copy, Default)]
pub struct Context {
    /// The day to judge deadlines against; `None` skips deadline checks.
    pub today: Option<crate::rules::calendar::Day>,
}

/// All rule findings for one document.
pub fn check(doc: &Document, rules: &Rules, ctx: &Context) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    text_length(doc, rules, &mut out);
    title_length(doc, rules, &mut out);
    out.extend(charset::check(doc));
    photos(doc, rules, &mut out);
    videos(doc, rules, &mut out);
    match &doc.extra {
        Extra::Summary(stats) => summary::check(doc, stats, &mut out),
        Extra::Media(_) => media_text(doc, rules, &mut out),
        Extra::Highlights(rows) => summary::highlights(doc, rows, rules, &mut out),
        Extra::None => {}
    }
    if let Some(today) = ctx.today {
        if let Some(d) = deadline::check(doc.doc_type, &rules.deadlines, today) {
            out.push(d.at(&doc.file, doc.title.span.clone()));
        }
    }
    out
}

/// 字数 of the body as Word counts it (the title and unit are not counted).
pub fn body_word_count(doc: &Document) -> usize {
    body::paragraphs(&doc.body.value)
        .iter()
        .map(|p| crate::text::word_count(&p.text))
        .sum()
}

fn text_length(doc: &Document, rules: &Rules, out: &mut Vec<Diagnostic>) {
    // Work plans have no length limit.
    if doc.doc_type != DocType::Case {
        return;
    }
    let n = body_word_count(doc);
    let t = &rules.text;
    // Point at the opening quotes of the body.
    let at = doc.body.span.start..(doc.body.span.start + 3).min(doc.body.span.end);
    if n < t.min_chars as usize {
        out.push(
            Diagnostic::new(
                code::TOO_SHORT,
                format!("正文字数 {n}，少于要求的 {} 字", t.min_chars),
            )
            .at(&doc.file, at)
            .label(format!("正文共 {n} 字"))
            .hint(format!(
                "通知要求 {}—{} 字左右；还差约 {} 字",
                t.min_chars,
                t.max_chars,
                t.min_chars as usize - n
            )),
        );
    } else if n > t.max_chars as usize {
        out.push(
            Diagnostic::new(
                code::TOO_LONG,
                format!("正文字数 {n}，超过要求的 {} 字", t.max_chars),
            )
            .at(&doc.file, at)
            .label(format!("正文共 {n} 字"))
            .hint(format!(
                "通知要求 {}—{} 字左右；请删减约 {} 字",
                t.min_chars,
                t.max_chars,
                n - t.max_chars as usize
            )),
        );
    }
}

fn title_length(doc: &Document, rules: &Rules, out: &mut Vec<Diagnostic>) {
    if doc.title.value.trim().is_empty() {
        return;
    }
    let page = if doc.doc_type == DocType::Highlights {
        rules.page.landscape()
    } else {
        rules.page.clone()
    };
    let lines = crate::ir::title::break_lines_with(
        &doc.title.value,
        crate::ir::title_max_em(rules, &page),
        &[doc.unit.value.trim()],
    )
    .len();
    if lines > rules.text.title_max_lines as usize {
        out.push(
            Diagnostic::new(
                code::TITLE_TOO_LONG,
                format!(
                    "标题有 {} 字，要排成 {lines} 行",
                    doc.title.value.chars().count()
                ),
            )
            .at(&doc.file, doc.title.span.clone())
            .label("标题")
            .hint("公文标题宜简短，一般不超过两三行；可把副题或说明移到正文中"),
        );
    }
}

fn media_text(doc: &Document, rules: &Rules, out: &mut Vec<Diagnostic>) {
    let n = body_word_count(doc);
    if n < rules.text.media_min_chars as usize {
        let at = doc.body.span.start..(doc.body.span.start + 3).min(doc.body.span.end);
        out.push(
            Diagnostic::new(
                code::MEDIA_NO_TEXT,
                format!("报道原文只有 {n} 字，不能只交截图"),
            )
            .at(&doc.file, at)
            .label("报道原文")
            .hint("通知要求把报道文字复制到 body 中，截图只能作为佐证图片放在 [[images]] 里"),
        );
    }
}

fn mb(bytes: u64) -> String {
    format!("{:.2} MB", bytes as f64 / (1024.0 * 1024.0))
}

fn photos(doc: &Document, rules: &Rules, out: &mut Vec<Diagnostic>) {
    // A media report's images are evidence (scans, screenshots of the page),
    // not the notice's photos: any readable JPG or PNG of any size will do.
    let evidence = doc.doc_type == DocType::Media;
    for (i, m) in doc.photos.iter().enumerate() {
        if m.caption.is_none() {
            out.push(
                Diagnostic::new(
                    code::PHOTO_NO_CAPTION,
                    format!("第 {} 张照片 {} 没有文字说明", i + 1, m.path.value),
                )
                .at(&doc.file, m.span.start..m.span.start + 10.min(m.span.len()))
                .label("这张照片")
                .hint("通知要求每张照片都配文字说明：在这张照片下面加一行 caption = \"……\""),
            );
        }
        out.extend(
            photo_file(&m.resolved, &m.path.value, evidence, rules)
                .into_iter()
                .map(|d| d.at(&doc.file, m.path.span.clone())),
        );
    }
}

/// The notice's rules for one photo file on its own: readable, JPG by
/// content, wide enough after EXIF rotation, large enough. `evidence`
/// (a media report's images) only needs to be readable.
pub fn photo_file(
    path: &std::path::Path,
    name: &str,
    evidence: bool,
    rules: &Rules,
) -> Vec<Diagnostic> {
    let r = &rules.photo;
    let mut out = Vec::new();
    let p = match photo::probe(path, r.max_pixels) {
        Ok(p) => p,
        Err(e) => return vec![photo_error(&e, name)],
    };
    if evidence {
        return out;
    }
    if p.format != photo::Format::Jpeg {
        out.push(
            Diagnostic::new(
                code::PHOTO_NOT_JPEG,
                format!("照片 {name} 是 PNG 图片，通知要求 JPG 格式"),
            )
            .label("不是 JPG")
            .hint("请用看图软件把它“另存为” JPG 格式；仅改扩展名没有用"),
        );
    }
    let (w, h) = p.display_px();
    if w < r.min_width_px {
        out.push(
            Diagnostic::new(
                code::PHOTO_TOO_NARROW,
                format!("照片宽度 {w} 像素，要求不低于 {} 像素", r.min_width_px),
            )
            .label(format!("{w}×{h} 像素"))
            .hint("请使用相机或手机拍摄的原图，不要用微信等压缩过的图片"),
        );
    }
    if !p.complete {
        out.push(
            Diagnostic::new(
                code::PHOTO_CORRUPT,
                format!("照片 {name} 不完整：图像数据没有结尾，可能没有下载或复制完"),
            )
            .label("文件不完整")
            .hint("请重新从相机或手机导出这张照片"),
        );
    }
    // The size of a copy cut short says nothing about the photo.
    if p.complete && p.len < r.min_bytes {
        out.push(
            Diagnostic::new(
                code::PHOTO_TOO_SMALL,
                format!(
                    "照片文件大小 {}，要求单张不低于 {}",
                    mb(p.len),
                    mb(r.min_bytes)
                ),
            )
            .label(mb(p.len))
            .hint("请提供原图；经过压缩的照片画质达不到要求"),
        );
    }
    out
}

fn videos(doc: &Document, rules: &Rules, out: &mut Vec<Diagnostic>) {
    let r = &rules.video;
    for m in &doc.videos {
        let at = m.path.span.clone();
        let name = &m.path.value;
        match video::probe(&m.resolved, r.max_bytes) {
            Err(VideoError::Io(e)) => out.push(
                Diagnostic::new(
                    code::VIDEO_MISSING,
                    format!("无法读取视频 {name}：{}", crate::files::io_reason(&e)),
                )
                .at(&doc.file, at),
            ),
            Err(VideoError::NotMp4(what)) => out.push(
                Diagnostic::new(
                    code::VIDEO_NOT_MP4,
                    format!("视频 {name} 是{what}，通知要求 mp4 格式"),
                )
                .at(&doc.file, at)
                .label("不是 mp4")
                .hint("请用视频软件导出为 mp4（H.264）格式"),
            ),
            Err(VideoError::TooLarge(bytes)) => out.push(
                Diagnostic::new(
                    code::VIDEO_TOO_BIG,
                    format!("视频大小 {}，超过 {} 的限制", mb(bytes), mb(r.max_bytes)),
                )
                .at(&doc.file, at)
                .label(mb(bytes))
                .hint("请缩短视频或降低码率后重新导出"),
            ),
            Err(VideoError::Corrupt(why)) => out.push(
                Diagnostic::new(
                    code::VIDEO_CORRUPT,
                    format!("视频 {name} 无法解析（{why}）"),
                )
                .at(&doc.file, at)
                .hint("文件可能已损坏或没有复制完整，请重新导出"),
            ),
            Ok(v) => match v.size_px {
                None => out.push(
                    Diagnostic::new(code::VIDEO_CORRUPT, format!("视频 {name} 中没有画面轨道"))
                        .at(&doc.file, at)
                        .hint("请重新导出视频"),
                ),
                Some((w, h)) if w < r.min_width_px || h < r.min_height_px => out.push(
                    Diagnostic::new(
                        code::VIDEO_LOW_RES,
                        format!(
                            "视频分辨率 {w}×{h}，低于标清 {}×{}",
                            r.min_width_px, r.min_height_px
                        ),
                    )
                    .at(&doc.file, at)
                    .label(format!("{w}×{h}"))
                    .hint(format!(
                        "通知要求标清以上，建议 {}×{}",
                        r.suggested_width_px, r.suggested_height_px
                    )),
                ),
                Some((w, h)) if w < r.suggested_width_px || h < r.suggested_height_px => out.push(
                    Diagnostic::new(
                        code::VIDEO_BELOW_SUGGESTED,
                        format!(
                            "视频分辨率 {w}×{h}，低于建议的 {}×{}",
                            r.suggested_width_px, r.suggested_height_px
                        ),
                    )
                    .at(&doc.file, at)
                    .label(format!("{w}×{h}"))
                    .hint("如有更清晰的版本，建议报送更清晰的"),
                ),
                Some(_) => {}
            },
        }
    }
}
