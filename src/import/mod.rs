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
    /// The file's name without extension: a late place to find the unit.
    pub file_stem: Option<String>,
    /// The name of the folder the file is in: the last place (offices
    /// keep submissions as 县区/单位/…).
    pub folder: Option<String>,
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
    Signature,
    Properties,
    FileName,
    FolderName,
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

pub fn to_toml(content: &DocxContent, rules: &Rules) -> Imported {
    to_toml_with(content, rules, &Hints::default())
}

/// The conversion, step by step: a highlights list has its own; otherwise
/// the head (title, unit), the body with its pictures, the notes on what was
/// found, and the TOML.
pub fn to_toml_with(content: &DocxContent, rules: &Rules, hints: &Hints) -> Imported {
    if let Some(t) = highlights_table(content) {
        return highlights(content, t, hints);
    }
    let items = items(content);
    let body_size = docx::dominant(content.paragraphs())
        .size
        .map(|s| s.0)
        .unwrap_or(10.5);

    // The head: title, then the unit under it; the 落款 at the foot.
    let (title, mut next) = find_title(&items, body_size);
    let under_title = title.and_then(|_| unit_under_title(&items, next));
    if let Some(u) = &under_title {
        next = u.at + 1;
    }
    let signature = signature(&items, next);
    let unit = choose_unit(
        content,
        hints,
        under_title.as_ref().map(|u| u.unit.as_str()),
        signature.as_ref().map(|(_, t)| t.as_str()),
    );
    // A 落款 below the text goes even when the unit came from elsewhere.
    let mut skip = vec![false; items.len()];
    for i in signature.iter().flat_map(|(at, _)| at) {
        skip[*i] = true;
    }

    let mut body = collect_body(content, &items, next, &skip);
    let footnotes = append_notes(content, &mut body.text);

    let mut notes = Vec::new();
    notes.extend(unit.as_ref().and_then(|(u, from)| unit_note(u, from)));
    notes.extend(moved_notes(content, footnotes));
    notes.extend(face_notes(
        rules,
        title,
        under_title.as_ref().map(|u| u.para),
        &body.paras,
    ));
    notes.extend(linked_image_notes(content));

    let out = write_toml(
        title,
        unit.as_ref().map(|(u, _)| u.as_str()),
        under_title.as_ref().map(|u| u.para.index).unwrap_or(0),
        &body,
    );
    Imported {
        toml: out.toml,
        lines: out.lines,
        hints: out.hints,
        images: body.images,
        notes,
    }
}

/// A highlights list: a table whose header names the notice's columns.
fn highlights_table(content: &DocxContent) -> Option<&DocxTable> {
    content.tables().find(|t| {
        t.texts().first().is_some_and(|h| {
            h.iter().any(|c| c.contains("活动名称")) && h.iter().any(|c| c.contains("联系"))
        })
    })
}

/// The first item from `from` on that is a text paragraph or a table.
fn next_text(items: &[Item], from: usize) -> Option<usize> {
    (from..items.len()).find(|i| match &items[*i] {
        Item::Para(p) => is_text(p),
        Item::Table(_) => true,
    })
}

/// The title: the first text paragraph, if it looks like a title. Also
/// where what follows it starts.
fn find_title<'a>(items: &[Item<'a>], body_size: f64) -> (Option<&'a Para>, usize) {
    let first = next_text(items, 0);
    let mut next = first.unwrap_or(items.len());
    let title = match first.map(|i| &items[i]) {
        Some(Item::Para(p)) if looks_like_title(p, body_size) => {
            next += 1;
            Some(*p)
        }
        _ => None,
    };
    (title, next)
}

/// A line under the title that names the unit.
struct UnitLine<'a> {
    at: usize,
    para: &'a Para,
    unit: String,
}

/// The next text paragraph, if it reads as the unit: a school's or
/// office's name, a short centred or right-aligned line, or a labelled
/// one ("报送单位：…").
fn unit_under_title<'a>(items: &[Item<'a>], from: usize) -> Option<UnitLine<'a>> {
    let i = next_text(items, from)?;
    let Item::Para(p) = items[i] else { return None };
    let raw = clean(&p.text);
    let t = strip_label(&raw);
    let aligned = p.centered() || p.align == docx::Align::Right;
    let short_line = aligned && chars(&t) <= 12 && !t.contains(['。', '，', '：', ':']);
    (org_like(&t) || short_line || (t != raw && chars(&t) <= 40)).then_some(UnitLine {
        at: i,
        para: p,
        unit: t,
    })
}

/// The 落款: among the last text paragraphs of the body, a date and the
/// unit above it, or the unit alone set right or centred. Gives the items
/// it takes and the unit.
fn signature(items: &[Item], from: usize) -> Option<(Vec<usize>, String)> {
    let text_items: Vec<usize> = (from..items.len())
        .filter(
            |i| matches!(&items[*i], Item::Para(p) if is_text(p) && p.source == ParaSource::Body),
        )
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
}

/// The unit, from the first place that has it: given; a short centred line
/// under the title; the 落款; the document's properties; the file name;
/// the folder's name.
fn choose_unit(
    content: &DocxContent,
    hints: &Hints,
    under_title: Option<&str>,
    signature: Option<&str>,
) -> Option<(String, UnitFrom)> {
    if let Some(u) = hints.unit.clone().filter(|u| !u.trim().is_empty()) {
        Some((u, UnitFrom::Given))
    } else if let Some(t) = under_title {
        Some((t.to_string(), UnitFrom::UnderTitle))
    } else if let Some(t) = signature {
        Some((t.to_string(), UnitFrom::Signature))
    } else if let Some(c) = content
        .properties
        .company
        .as_deref()
        .filter(|c| org_like(c))
    {
        Some((c.trim().to_string(), UnitFrom::Properties))
    } else {
        hints
            .file_stem
            .as_deref()
            .and_then(unit_from_name)
            .map(|u| (u, UnitFrom::FileName))
            .or_else(|| {
                hints
                    .folder
                    .as_deref()
                    .and_then(unit_from_name)
                    .map(|u| (u, UnitFrom::FolderName))
            })
    }
}

/// A unit guessed from the 落款, the properties or the file name is said,
/// so the school checks it.
fn unit_note(unit: &str, from: &UnitFrom) -> Option<Diagnostic> {
    match from {
        UnitFrom::Signature => Some(
            Diagnostic::new(code::UNIT_GUESSED, format!("报送单位取自文末落款“{unit}”"))
                .hint("请核对；不对时可用 --unit 指定，或在导入生成的 .toml 中修改 unit"),
        ),
        UnitFrom::Properties => Some(
            Diagnostic::new(
                code::UNIT_GUESSED,
                format!("报送单位取自 Word 文件属性中的单位“{unit}”"),
            )
            .hint("文件属性常是电脑的默认设置，请务必核对；不对时可用 --unit 指定"),
        ),
        UnitFrom::FileName => Some(
            Diagnostic::new(code::UNIT_GUESSED, format!("报送单位取自文件名“{unit}”"))
                .hint("请核对；不对时可用 --unit 指定，或在导入生成的 .toml 中修改 unit"),
        ),
        UnitFrom::FolderName => Some(
            Diagnostic::new(
                code::UNIT_GUESSED,
                format!("报送单位取自所在文件夹名“{unit}”"),
            )
            .hint("请核对；不对时可用 --unit 指定，或在导入生成的 .toml 中修改 unit"),
        ),
        UnitFrom::Given | UnitFrom::UnderTitle => None,
    }
}

/// The text, pictures and captions, in reading order.
#[derive(Default)]
struct Body<'a> {
    /// (paragraph, text) of each paragraph or table.
    text: Vec<(usize, String)>,
    /// The paragraphs of the text, for the faces they used.
    paras: Vec<&'a Para>,
    /// (path, bytes) of each picture, with its paragraph and caption.
    images: Vec<(String, Vec<u8>)>,
    photo_at: Vec<usize>,
    captions: Vec<Option<String>>,
}

/// Everything from `from` on that `skip` does not take out, as body text,
/// pictures and their captions.
fn collect_body<'a>(
    content: &DocxContent,
    items: &[Item<'a>],
    from: usize,
    skip: &[bool],
) -> Body<'a> {
    let mut body = Body::default();
    let mut k = from;
    while k < items.len() {
        if !skip[k] {
            match &items[k] {
                Item::Table(t) => body.table(t),
                Item::Para(p) if !p.images.is_empty() => {
                    body.pictures(content, p);
                    if body.caption_below(items, skip, k) {
                        k += 1;
                    } else {
                        body.caption_above(items, k);
                    }
                }
                Item::Para(p) => body.paragraph(p),
            }
        }
        k += 1;
    }
    body
}

impl<'a> Body<'a> {
    /// A table stays a table, at its first numbered paragraph.
    fn table(&mut self, t: &DocxTable) {
        let first = t
            .rows
            .iter()
            .flatten()
            .flat_map(|c| &c.paras)
            .map(|p| p.index)
            .find(|i| *i > 0)
            .unwrap_or(0);
        self.text.push((first, pipe_table(t)));
    }

    fn paragraph(&mut self, p: &'a Para) {
        let t = clean(&p.text);
        if !t.is_empty() {
            self.text.push((p.index, t));
            self.paras.push(p);
        }
    }

    /// The paragraph's pictures that the file holds, numbered in order.
    fn pictures(&mut self, content: &DocxContent, p: &Para) {
        for img in &p.images {
            if let Some(bytes) = content.media.get(img) {
                let name = format!("images/{:02}.{}", self.images.len() + 1, ext_of(bytes));
                self.images.push((name, bytes.clone()));
                self.captions.push(None);
                self.photo_at.push(p.index);
            }
        }
    }

    /// A caption just below the picture at `k` belongs to its last
    /// picture; true if there was one (it is then taken).
    fn caption_below(&mut self, items: &[Item], skip: &[bool], k: usize) -> bool {
        let next_para = match items.get(k + 1) {
            Some(Item::Para(q)) if is_caption(q) && !skip[k + 1] => Some(*q),
            _ => None,
        };
        let Some(q) = next_para else { return false };
        if let Some(c) = self.captions.last_mut() {
            *c = Some(clean(&q.text));
        }
        true
    }

    /// Or the short centred line just above the picture, moved out of the
    /// text.
    fn caption_above(&mut self, items: &[Item], k: usize) {
        let above = k.checked_sub(1).and_then(|j| match &items[j] {
            Item::Para(q) if q.centered() && is_caption(q) => Some(clean(&q.text)),
            _ => None,
        });
        if let (Some(a), Some(c)) = (above, self.captions.last_mut()) {
            if self.text.last().is_some_and(|(_, t)| *t == a) {
                *c = Some(a);
                self.text.pop();
                self.paras.pop();
            }
        }
    }
}

/// Footnotes and endnotes close the text ("注1：…"). Gives how many.
fn append_notes(content: &DocxContent, text: &mut Vec<(usize, String)>) -> usize {
    let note_texts: Vec<(usize, String)> = content
        .notes
        .iter()
        .map(|p| (p.index, clean(&p.text)))
        .filter(|(_, t)| !t.is_empty())
        .collect();
    for (i, (n, t)) in note_texts.iter().enumerate() {
        text.push((*n, format!("注{}：{t}", i + 1)));
    }
    note_texts.len()
}

/// Text moved out of text boxes and notes is said, so it is checked where
/// it landed.
fn moved_notes(content: &DocxContent, footnotes: usize) -> Vec<Diagnostic> {
    let mut notes = Vec::new();
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
    if footnotes > 0 {
        notes.push(
            Diagnostic::new(
                code::MOVED_TEXT,
                format!("{footnotes} 条脚注或尾注已放在正文末尾（“注1：”……）"),
            )
            .hint("公文一般不用脚注；请核对这些注释是否需要保留"),
        );
    }
    notes
}

/// What the original used, per role, against the mandate.
fn face_notes(
    rules: &Rules,
    title: Option<&Para>,
    unit_line: Option<&Para>,
    body: &[&Para],
) -> Vec<Diagnostic> {
    let mut notes = Vec::new();
    if let Some(p) = title {
        notes.extend(face_note(
            Role::Title,
            &[p],
            rules,
            &format!("第 {} 段", p.index),
        ));
    }
    if let Some(p) = unit_line {
        notes.extend(face_note(
            Role::Unit,
            &[p],
            rules,
            &format!("第 {} 段", p.index),
        ));
    }
    if let Some(first) = body.first() {
        notes.extend(face_note(
            Role::Body,
            body,
            rules,
            &format!("第 {} 段起", first.index),
        ));
    }
    notes
}

/// Pictures only linked to a file on the school's computer cannot be
/// taken out: each is said.
fn linked_image_notes(content: &DocxContent) -> Vec<Diagnostic> {
    content
        .paragraphs()
        .iter()
        .filter(|p| p.linked_images > 0)
        .map(|p| {
            Diagnostic::new(code::LINKED_IMAGE, format!("第 {} 段的图片只是链接到电脑上的文件，没有放进 Word 文件，无法取出", p.index))
                .hint("请在 Word 中用“插入→图片”重新插入这张图片（不要选“链接到文件”），或把原图片单独报送")
        })
        .collect()
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

    /// The title, or an empty one with advice: the first sentence of the
    /// body may serve.
    fn title(&mut self, title: Option<&Para>, body: &[(usize, String)]) {
        match title {
            Some(p) => {
                self.mark(p.index, &clean(&p.text));
                self.toml
                    .push_str(&format!("title = {}\n", toml_str(&clean(&p.text))));
            }
            None => {
                self.toml.push_str("# 没有识别出标题，请填写：\n");
                let first_sentence = body.first().map(|(_, t)| {
                    let end = t.find(['。', '！', '？']).map(|i| i + 3).unwrap_or(t.len());
                    crate::text::opening(&t[..end.min(t.len())], 40)
                });
                let hint = match first_sentence {
                    Some(s) => format!("Word 文件第一段不像标题（标题应当简短，一般居中、字号较大）；请另拟标题。正文第一句是：“{s}”"),
                    None => "Word 文件中没有找到标题；请填写标题".into(),
                };
                let l = self.line();
                self.hints.push((l, hint));
                if let Some((n, t)) = body.first() {
                    self.lines.push((l, *n, crate::text::opening(t, 12)));
                }
                self.toml.push_str("title = \"\"\n");
            }
        }
    }

    /// The unit, marked at the line under the title if there was one
    /// (`para` 0: none), or an empty one with advice.
    fn unit(&mut self, unit: Option<&str>, para: usize) {
        match unit {
            Some(u) => {
                if para > 0 {
                    self.mark(para, u);
                }
                self.toml.push_str(&format!("unit = {}\n", toml_str(u)));
            }
            None => {
                self.toml.push_str("# 没有识别出报送单位，请填写：\n");
                let l = self.line();
                self.hints.push((l, "Word 文件中没有找到报送单位（标题下的单位行、文末落款、文件属性和文件名中都没有）；可用 --unit 指定，或在这里填写".into()));
                self.toml.push_str("unit = \"\"\n");
            }
        }
    }

    /// The body as one multi-line string, each paragraph marked.
    fn body(&mut self, body: &[(usize, String)]) {
        if let Some((n, _)) = body.first() {
            let l = self.line();
            self.lines.push((l, *n, "正文开头".to_string()));
        }
        self.toml.push_str("body = \"\"\"\n");
        for (i, (n, t)) in body.iter().enumerate() {
            self.mark(*n, t);
            self.toml.push_str(&toml_text(t));
            self.toml
                .push_str(if i + 1 < body.len() { "\n\n" } else { "\n" });
        }
        self.toml.push_str("\"\"\"\n");
    }

    /// One `[[photos]]` per picture; a missing caption is asked for.
    fn photos(&mut self, body: &Body) {
        for (k, (((path, _), cap), n)) in body
            .images
            .iter()
            .zip(&body.captions)
            .zip(&body.photo_at)
            .enumerate()
        {
            self.toml.push_str("\n[[photos]]\n");
            let l = self.line();
            self.lines.push((l, *n, format!("第 {} 张图片", k + 1)));
            self.toml.push_str(&format!("path = {}\n", toml_str(path)));
            match cap {
                Some(c) => self.toml.push_str(&format!("caption = {}\n", toml_str(c))),
                None => self
                    .toml
                    .push_str("# 没有找到这张图片的文字说明，请补上：\ncaption = \"\"\n"),
            }
        }
    }
}

/// The TOML: title, unit, body, then the photos. `unit_para` is the
/// paragraph of the line under the title (0: none).
fn write_toml(title: Option<&Para>, unit: Option<&str>, unit_para: usize, body: &Body) -> Out {
    let mut out = Out {
        toml: String::from(
            "# 由 baosong import 从 Word 文件转换而来，请核对后再排版。\ntype = \"case\"\n",
        ),
        lines: vec![],
        hints: vec![],
    };
    out.title(title, &body.text);
    out.unit(unit, unit_para);
    out.body(&body.text);
    out.photos(body);
    out
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
