//! A school's Word file turned into our TOML input, with its pictures as
//! files, notes on what the conversion found (faces and sizes against the
//! mandate, text moved out of text boxes and notes, where the unit came
//! from), and a map from TOML lines back to the Word paragraphs.

pub mod docx;

use crate::diag::{code, Diagnostic};
use crate::rules::{size, Role, Rules};
use crate::text::join_lines as clean;
use docx::{Block, DocxContent, DocxTable, Para, ParaSource};

/// What an import produces.
pub struct Imported {
    pub toml: String,
    /// TOML line (1-based) → the .docx paragraph it came from and its
    /// opening words, so findings can be shown where the school wrote them.
    pub lines: Vec<(usize, usize, String)>,
    /// Advice for findings on a TOML line (a missing title: the first
    /// sentence could serve).
    pub hints: Vec<(usize, String)>,
    /// (relative path, bytes) of the pictures.
    pub images: Vec<(String, Vec<u8>)>,
    /// What the conversion noticed.
    pub notes: Vec<Diagnostic>,
}

/// What the caller knows that the file may not say.
#[derive(Debug, Clone, Default)]
pub struct Hints {
    /// The submitting unit (`--unit`, or the school logged in).
    pub unit: Option<String>,
    /// The file's name without extension: a last place to find the unit.
    pub file_stem: Option<String>,
}

/// Reads a .docx and converts it; nothing is written. The pictures come
/// back as bytes for the caller to store.
pub fn convert(bytes: &[u8], rules: &Rules, hints: &Hints) -> Result<Imported, Diagnostic> {
    let content = docx::read(bytes)
        .map_err(|e| Diagnostic::new(code::NOT_DOCX, e.message()).hint(e.hint()))?;
    Ok(to_toml_with(&content, rules, hints))
}

/// TOML basic multi-line string content: backslashes and quote runs escaped.
fn toml_text(s: &str) -> String {
    s.replace('\\', "\\\\").replace("\"\"\"", "\"\"\\\"")
}

fn toml_str(s: &str) -> String {
    toml::Value::String(s.to_string()).to_string()
}

fn ext_of(bytes: &[u8]) -> &'static str {
    match crate::photo::sniff(bytes) {
        Ok(crate::photo::Format::Jpeg) => "jpg",
        Ok(crate::photo::Format::Png) => "png",
        Err(_) => "bin",
    }
}

/// A piece of the document in reading order.
enum Item<'a> {
    Para(&'a Para),
    Table(&'a DocxTable),
}

/// Tables that hold pictures, or a single cell, are layout (photos with
/// their captions side by side, a framed paragraph): their paragraphs flow
/// like the body's. Others stay tables.
fn is_layout(t: &DocxTable) -> bool {
    let cells = t
        .rows
        .iter()
        .flatten()
        .filter(|c| !c.text().trim().is_empty())
        .count();
    t.rows
        .iter()
        .flatten()
        .flat_map(|c| &c.paras)
        .any(|p| !p.images.is_empty())
        || t.columns() <= 1
        || cells <= 1
}

fn items(content: &DocxContent) -> Vec<Item<'_>> {
    let mut out = Vec::new();
    for b in &content.blocks {
        match b {
            Block::Para(p) => out.push(Item::Para(p)),
            Block::Table(t) if is_layout(t) => out.extend(
                t.rows
                    .iter()
                    .flatten()
                    .flat_map(|c| &c.paras)
                    .map(Item::Para),
            ),
            Block::Table(t) => out.push(Item::Table(t)),
        }
    }
    out
}

fn chars(s: &str) -> usize {
    s.chars().filter(|c| !c.is_whitespace()).count()
}

fn is_text(p: &Para) -> bool {
    p.images.is_empty() && !clean(&p.text).is_empty()
}

/// Most runs bold, by characters.
fn mostly_bold(p: &Para) -> bool {
    let (b, all) = p.runs.iter().fold((0, 0), |(b, a), r| {
        (b + if r.bold { r.chars } else { 0 }, a + r.chars)
    });
    all > 0 && b * 2 > all
}

/// The first paragraph is the title only if it looks like one: short, and
/// centred, large, bold, or in a title style.
fn looks_like_title(p: &Para, body_size: f64) -> bool {
    let t = clean(&p.text);
    let n = chars(&t);
    if n == 0 || n > 60 || (t.ends_with('。') && n > 30) {
        return false;
    }
    let styled = p.style_name.as_deref().is_some_and(|s| {
        let s = s.trim().to_lowercase();
        s == "title" || s == "标题" || s == "subtitle"
    });
    let large = p.dominant_size().is_some_and(|(s, _)| s >= body_size + 2.0);
    // A short line without a sentence's end reads as a title unformatted too.
    let bare = n <= 30 && !t.contains(['。', '，', '；', '：', ',', ';', ':', '！', '？']);
    p.centered() || large || mostly_bold(p) || styled || p.outline_level == Some(0) || bare
}

/// Words that end the names of schools and offices.
const ORG_WORDS: &[&str] = &[
    "校",
    "院",
    "大学",
    "中学",
    "小学",
    "中专",
    "职专",
    "幼儿园",
    "教育局",
    "教体局",
    "教育体育局",
    "局",
    "委员会",
    "中心",
    "办公室",
    "处",
    "厅",
    "公司",
    "集团",
    "协会",
    "研究院",
    "研究所",
];

/// A name that ends like a school's or an office's ("南昌市第一中等专业学校",
/// "东湖区教育体育局"), not a sentence that mentions one.
fn org_like(s: &str) -> bool {
    let s = s.trim().trim_end_matches(['）', ')']);
    let n = s.chars().count();
    (2..=40).contains(&n)
        && ORG_WORDS.iter().any(|w| s.ends_with(w))
        && !s.contains(['。', '，', '；', '：', ',', ';'])
}

/// "报送单位：某校" → "某校".
fn strip_label(s: &str) -> String {
    for label in ["报送单位", "填报单位", "单位名称", "单位"] {
        if let Some(rest) = s.strip_prefix(label) {
            let rest = rest.trim_start_matches([':', '：', ' ', '\u{3000}']);
            if !rest.is_empty() {
                return rest.to_string();
            }
        }
    }
    s.to_string()
}

/// A date line of a 落款: 2020年11月14日, 二〇二〇年十一月十四日, 2020.11.14.
fn is_date_line(s: &str) -> bool {
    let s = s.trim();
    let n = s.chars().count();
    if n == 0 || n > 20 {
        return false;
    }
    let numeral = |c: char| c.is_ascii_digit() || "〇零一二三四五六七八九十○".contains(c);
    let plain = s.chars().all(|c| numeral(c) || "年月日.-/ ".contains(c));
    plain && s.chars().filter(|c| numeral(*c)).count() >= 4
}

/// Where the unit was found, for the note.
enum UnitFrom {
    Given,
    UnderTitle,
    Signature(String),
    Properties,
    FileName,
}

fn unit_from_name(stem: &str) -> Option<String> {
    stem.split([
        '-', '_', '—', '（', '）', '(', ')', ' ', '、', '，', ',', '.', '+',
    ])
    .map(str::trim)
    .find(|p| org_like(p))
    .map(String::from)
}

/// Reports a face or size that differs from the mandated one, for the
/// characters most of the role's text has.
fn face_note(role: Role, paras: &[&Para], rules: &Rules, what: &str) -> Option<Diagnostic> {
    let d = docx::dominant(paras.iter().copied());
    if d.chars == 0 {
        return None;
    }
    let face = rules.face(role);
    let want = rules.style(role).size_pt;
    let face_ok = d
        .face
        .as_ref()
        .is_none_or(|(f, _)| f == &face.name || face.aliases.iter().any(|a| a == f));
    let size_ok = d.size.is_none_or(|(s, _)| (s - want).abs() < 0.1);
    if face_ok && size_ok {
        return None;
    }
    let used = format!(
        "{} {}",
        d.face.map(|f| f.0).unwrap_or_else(|| "默认字体".into()),
        d.size
            .map(|s| size::name(s.0))
            .unwrap_or_else(|| "默认字号".into())
    );
    Some(
        Diagnostic::new(
            code::IMPORT_FACE,
            format!(
                "{}（{what}）使用了 {used}，要求{} {}",
                role.label(),
                face.name,
                size::name(want)
            ),
        )
        .hint("baosong 会按规定格式重新排版；此提示说明原文件为什么与要求不同"),
    )
}

fn is_caption(p: &Para) -> bool {
    let t = clean(&p.text);
    p.images.is_empty() && !t.is_empty() && chars(&t) <= 60 && (p.centered() || !t.ends_with('。'))
}

/// A table as body text: `| a | b |` lines (see `ir::body`).
fn pipe_table(t: &DocxTable) -> String {
    t.rows
        .iter()
        .map(|row| {
            let cells: Vec<String> = row
                .iter()
                .map(|c| {
                    let text = c
                        .paras
                        .iter()
                        .map(|p| clean(&p.text))
                        .filter(|s| !s.is_empty())
                        .collect::<Vec<_>>()
                        .join(" ");
                    text.replace('|', "\\|")
                })
                .collect();
            format!("| {} |", cells.join(" | "))
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// The body of the TOML being written, with its line map.
struct Out {
    toml: String,
    lines: Vec<(usize, usize, String)>,
    hints: Vec<(usize, String)>,
}

impl Out {
    fn line(&self) -> usize {
        self.toml.matches('\n').count() + 1
    }
    fn mark(&mut self, para: usize, opening: &str) {
        let l = self.line();
        self.lines
            .push((l, para, crate::text::opening(opening, 12)));
    }
}

pub fn to_toml(content: &DocxContent, rules: &Rules) -> Imported {
    to_toml_with(content, rules, &Hints::default())
}

pub fn to_toml_with(content: &DocxContent, rules: &Rules, hints: &Hints) -> Imported {
    // Highlights: a table whose header names the notice's columns.
    if let Some(t) = content.tables().find(|t| {
        t.texts().first().is_some_and(|h| {
            h.iter().any(|c| c.contains("活动名称")) && h.iter().any(|c| c.contains("联系"))
        })
    }) {
        return highlights(content, t, hints);
    }
    let mut notes = Vec::new();
    let items = items(content);
    let body_size = docx::dominant(content.paragraphs())
        .size
        .map(|s| s.0)
        .unwrap_or(10.5);

    // Title: the first text paragraph, if it looks like a title.
    let first = items.iter().position(|it| match it {
        Item::Para(p) => is_text(p),
        Item::Table(_) => true,
    });
    let mut next = first.unwrap_or(items.len());
    let title = match first.map(|i| &items[i]) {
        Some(Item::Para(p)) if looks_like_title(p, body_size) => {
            next += 1;
            Some(*p)
        }
        _ => None,
    };

    // The unit: given; a short centred line under the title; the 落款; the
    // document's properties; the file name.
    let mut skip = vec![false; items.len()];
    let under_title = title.and_then(|_| {
        let i = (next..items.len()).find(|i| match &items[*i] {
            Item::Para(p) => is_text(p),
            Item::Table(_) => true,
        })?;
        let Item::Para(p) = items[i] else { return None };
        let raw = clean(&p.text);
        let t = strip_label(&raw);
        let aligned = p.centered() || p.align == docx::Align::Right;
        let short_line = aligned && chars(&t) <= 12 && !t.contains(['。', '，', '：', ':']);
        (org_like(&t) || short_line || (t != raw && chars(&t) <= 40)).then(|| {
            next = i + 1;
            (p, t)
        })
    });
    let signature = || -> Option<(Vec<usize>, String)> {
        // The last few text paragraphs: a date, and the unit above it.
        let text_items: Vec<usize> = (next..items.len())
            .filter(|i| matches!(&items[*i], Item::Para(p) if is_text(p) && p.source == ParaSource::Body))
            .collect();
        let last = *text_items.last()?;
        let Item::Para(lp) = items[last] else {
            return None;
        };
        let lt = clean(&lp.text);
        let (date, unit_at) = if is_date_line(&lt) {
            (
                Some(last),
                text_items.len().checked_sub(2).map(|k| text_items[k])?,
            )
        } else {
            (None, last)
        };
        let Item::Para(up) = items[unit_at] else {
            return None;
        };
        let ut = strip_label(&clean(&up.text));
        let placed = up.align == docx::Align::Right || up.centered() || date.is_some();
        (org_like(&ut) && placed).then(|| (std::iter::once(unit_at).chain(date).collect(), ut))
    };
    let given = hints.unit.clone().filter(|u| !u.trim().is_empty());
    let (unit, from): (Option<String>, Option<UnitFrom>) = if let Some(u) = given {
        (Some(u), Some(UnitFrom::Given))
    } else if let Some((_, t)) = &under_title {
        (Some(t.clone()), Some(UnitFrom::UnderTitle))
    } else if let Some((at, t)) = signature() {
        for i in &at {
            skip[*i] = true;
        }
        let shown = t.clone();
        (Some(t), Some(UnitFrom::Signature(shown)))
    } else if let Some(c) = content
        .properties
        .company
        .as_deref()
        .filter(|c| org_like(c))
    {
        (Some(c.trim().to_string()), Some(UnitFrom::Properties))
    } else if let Some(u) = hints.file_stem.as_deref().and_then(unit_from_name) {
        (Some(u), Some(UnitFrom::FileName))
    } else {
        (None, None)
    };
    // A 落款 below the text goes even when the unit came from elsewhere.
    if !matches!(from, Some(UnitFrom::Signature(_))) {
        if let Some((at, _)) = signature() {
            for i in at {
                skip[i] = true;
            }
        }
    }
    match &from {
        Some(UnitFrom::Signature(t)) => notes.push(
            Diagnostic::new(code::UNIT_GUESSED, format!("报送单位取自文末落款“{t}”"))
                .hint("请核对；不对时可用 --unit 指定，或在导入生成的 .toml 中修改 unit"),
        ),
        Some(UnitFrom::Properties) => notes.push(
            Diagnostic::new(
                code::UNIT_GUESSED,
                format!(
                    "报送单位取自 Word 文件属性中的单位“{}”",
                    unit.clone().unwrap_or_default()
                ),
            )
            .hint("文件属性常是电脑的默认设置，请务必核对；不对时可用 --unit 指定"),
        ),
        Some(UnitFrom::FileName) => notes.push(
            Diagnostic::new(
                code::UNIT_GUESSED,
                format!("报送单位取自文件名“{}”", unit.clone().unwrap_or_default()),
            )
            .hint("请核对；不对时可用 --unit 指定，或在导入生成的 .toml 中修改 unit"),
        ),
        _ => {}
    }

    // Body, pictures and captions, in reading order.
    let mut body: Vec<(usize, String)> = Vec::new();
    let mut body_paras: Vec<&Para> = Vec::new();
    let mut images: Vec<(String, Vec<u8>)> = Vec::new();
    let mut photo_at: Vec<usize> = Vec::new();
    let mut captions: Vec<Option<String>> = Vec::new();
    let mut k = next;
    while k < items.len() {
        if skip[k] {
            k += 1;
            continue;
        }
        match &items[k] {
            Item::Table(t) => {
                let first = t
                    .rows
                    .iter()
                    .flatten()
                    .flat_map(|c| &c.paras)
                    .map(|p| p.index)
                    .find(|i| *i > 0)
                    .unwrap_or(0);
                body.push((first, pipe_table(t)));
            }
            Item::Para(p) if !p.images.is_empty() => {
                for img in &p.images {
                    if let Some(bytes) = content.media.get(img) {
                        let name = format!("images/{:02}.{}", images.len() + 1, ext_of(bytes));
                        images.push((name, bytes.clone()));
                        captions.push(None);
                        photo_at.push(p.index);
                    }
                }
                let next_para = match items.get(k + 1) {
                    Some(Item::Para(q)) if is_caption(q) && !skip[k + 1] => Some(*q),
                    _ => None,
                };
                if let Some(q) = next_para {
                    if let Some(c) = captions.last_mut() {
                        *c = Some(clean(&q.text));
                    }
                    k += 2;
                    continue;
                }
                // Or the short centred line just above the picture.
                let above = k.checked_sub(1).and_then(|j| match &items[j] {
                    Item::Para(q) if q.centered() && is_caption(q) => Some(clean(&q.text)),
                    _ => None,
                });
                if let (Some(a), Some(c)) = (above, captions.last_mut()) {
                    if body.last().is_some_and(|(_, t)| *t == a) {
                        *c = Some(a);
                        body.pop();
                        body_paras.pop();
                    }
                }
            }
            Item::Para(p) => {
                let t = clean(&p.text);
                if !t.is_empty() {
                    body.push((p.index, t));
                    body_paras.push(p);
                }
            }
        }
        k += 1;
    }
    // Footnotes and endnotes close the text.
    let note_texts: Vec<(usize, String)> = content
        .notes
        .iter()
        .map(|p| (p.index, clean(&p.text)))
        .filter(|(_, t)| !t.is_empty())
        .collect();
    for (i, (n, t)) in note_texts.iter().enumerate() {
        body.push((*n, format!("注{}：{t}", i + 1)));
    }
    let m = content.moved;
    if m.text_box_paragraphs > 0 {
        notes.push(
            Diagnostic::new(
                code::MOVED_TEXT,
                format!(
                    "{} 段文字在文本框或图形中，已按阅读顺序放在正文中它们所在的位置",
                    m.text_box_paragraphs
                ),
            )
            .hint("请核对这些文字的位置；流程图、组织结构图等图形中的文字排成段落后可能需要调整"),
        );
    }
    if !note_texts.is_empty() {
        notes.push(
            Diagnostic::new(
                code::MOVED_TEXT,
                format!(
                    "{} 条脚注或尾注已放在正文末尾（“注1：”……）",
                    note_texts.len()
                ),
            )
            .hint("公文一般不用脚注；请核对这些注释是否需要保留"),
        );
    }

    // What the original used, per role, against the mandate.
    if let Some(p) = title {
        notes.extend(face_note(
            Role::Title,
            &[p],
            rules,
            &format!("第 {} 段", p.index),
        ));
    }
    if let Some((p, _)) = under_title {
        notes.extend(face_note(
            Role::Unit,
            &[p],
            rules,
            &format!("第 {} 段", p.index),
        ));
    }
    if let Some(first) = body_paras.first() {
        notes.extend(face_note(
            Role::Body,
            &body_paras,
            rules,
            &format!("第 {} 段起", first.index),
        ));
    }
    for p in content.paragraphs() {
        if p.linked_images > 0 {
            notes.push(
                Diagnostic::new(code::LINKED_IMAGE, format!("第 {} 段的图片只是链接到电脑上的文件，没有放进 Word 文件，无法取出", p.index))
                    .hint("请在 Word 中用“插入→图片”重新插入这张图片（不要选“链接到文件”），或把原图片单独报送"),
            );
        }
    }

    // The TOML.
    let mut out = Out {
        toml: String::from(
            "# 由 baosong import 从 Word 文件转换而来，请核对后再排版。\ntype = \"case\"\n",
        ),
        lines: vec![],
        hints: vec![],
    };
    match title {
        Some(p) => {
            out.mark(p.index, &clean(&p.text));
            out.toml
                .push_str(&format!("title = {}\n", toml_str(&clean(&p.text))));
        }
        None => {
            out.toml.push_str("# 没有识别出标题，请填写：\n");
            let first_sentence = body.first().map(|(_, t)| {
                let end = t.find(['。', '！', '？']).map(|i| i + 3).unwrap_or(t.len());
                crate::text::opening(&t[..end.min(t.len())], 40)
            });
            let hint = match first_sentence {
                Some(s) => format!("Word 文件第一段不像标题（标题应当简短，一般居中、字号较大）；请另拟标题。正文第一句是：“{s}”"),
                None => "Word 文件中没有找到标题；请填写标题".into(),
            };
            let l = out.line();
            out.hints.push((l, hint));
            if let Some((n, t)) = body.first() {
                out.lines.push((l, *n, crate::text::opening(t, 12)));
            }
            out.toml.push_str("title = \"\"\n");
        }
    }
    match &unit {
        Some(u) => {
            let para = under_title.map(|(p, _)| p.index).unwrap_or(0);
            if para > 0 {
                out.mark(para, u);
            }
            out.toml.push_str(&format!("unit = {}\n", toml_str(u)));
        }
        None => {
            out.toml.push_str("# 没有识别出报送单位，请填写：\n");
            let l = out.line();
            out.hints.push((l, "Word 文件中没有找到报送单位（标题下的单位行、文末落款、文件属性和文件名中都没有）；可用 --unit 指定，或在这里填写".into()));
            out.toml.push_str("unit = \"\"\n");
        }
    }
    if let Some((n, _)) = body.first() {
        let l = out.line();
        out.lines.push((l, *n, "正文开头".to_string()));
    }
    out.toml.push_str("body = \"\"\"\n");
    for (i, (n, t)) in body.iter().enumerate() {
        out.mark(*n, t);
        out.toml.push_str(&toml_text(t));
        out.toml
            .push_str(if i + 1 < body.len() { "\n\n" } else { "\n" });
    }
    out.toml.push_str("\"\"\"\n");
    for (k, (((path, _), cap), n)) in images.iter().zip(&captions).zip(&photo_at).enumerate() {
        out.toml.push_str("\n[[photos]]\n");
        let l = out.line();
        out.lines.push((l, *n, format!("第 {} 张图片", k + 1)));
        out.toml.push_str(&format!("path = {}\n", toml_str(path)));
        match cap {
            Some(c) => out.toml.push_str(&format!("caption = {}\n", toml_str(c))),
            None => out
                .toml
                .push_str("# 没有找到这张图片的文字说明，请补上：\ncaption = \"\"\n"),
        }
    }
    Imported {
        toml: out.toml,
        lines: out.lines,
        hints: out.hints,
        images,
        notes,
    }
}

fn highlights(content: &DocxContent, t: &DocxTable, hints: &Hints) -> Imported {
    let rows = t.texts();
    let header = &rows[0];
    let col = |names: &[&str]| {
        header
            .iter()
            .position(|h| names.iter().any(|n| h.contains(n)))
    };
    let cols = [
        ("name", col(&["活动名称"])),
        ("date", col(&["时间", "日期"])),
        ("place", col(&["地点"])),
        ("form", col(&["形式"])),
        ("summary", col(&["内容", "简介"])),
        ("contact", col(&["联系"])),
    ];
    let unit_col = col(&["单位"]);
    let unit = hints
        .unit
        .clone()
        .or_else(|| {
            rows.get(1)
                .and_then(|r| unit_col.and_then(|c| r.get(c)))
                .cloned()
        })
        .or_else(|| {
            content
                .paragraphs()
                .iter()
                .map(|p| clean(&p.text))
                .find(|s| s.contains("单位"))
                .map(|s| s.split(['：', ':']).nth(1).unwrap_or(&s).trim().to_string())
        });
    let mut toml = String::from(
        "# 由 baosong import 从 Word 文件转换而来，请核对后再排版。\ntype = \"highlights\"\n",
    );
    toml.push_str(&format!("unit = {}\n", toml_str(&unit.unwrap_or_default())));
    for r in rows
        .iter()
        .skip(1)
        .filter(|r| r.iter().any(|c| !c.trim().is_empty()))
    {
        toml.push_str("\n[[rows]]\n");
        for (key, c) in cols {
            let v = c
                .and_then(|c| r.get(c))
                .map(|s| clean(s))
                .unwrap_or_default();
            toml.push_str(&format!("{key} = {}\n", toml_str(&v)));
        }
    }
    Imported {
        toml,
        lines: vec![],
        hints: vec![],
        images: vec![],
        notes: vec![],
    }
}
