//! Reading a .docx as the office receives it, from Word or WPS: the body in
//! reading order (paragraphs, tables with merged cells, text boxes at their
//! anchors), footnotes and endnotes, tracked changes accepted, Word
//! numbering turned into the markers Word shows, and per-run faces, sizes
//! and bold resolved through styles and the theme.
//!
//! One streaming pass over each XML part; odd structure is skipped, never
//! fatal, and every zip part is size-checked before it is inflated.

use std::borrow::Cow;
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::io::{Cursor, Read};
use std::ops::Range;

use quick_xml::events::{BytesEnd, BytesStart, Event};
use quick_xml::name::ResolveResult;
use quick_xml::reader::NsReader;

// ---------------------------------------------------------------------------
// Output model
// ---------------------------------------------------------------------------

/// Why a file could not be read as a .docx.
#[derive(Debug)]
pub enum NotDocx {
    OldDoc,
    Pdf,
    NotZip,
    NoDocument,
    Broken(String),
}

impl NotDocx {
    pub fn message(&self) -> String {
        match self {
            NotDocx::OldDoc => "这是旧版 Word 文件（.doc），不是 .docx".into(),
            NotDocx::Pdf => "这是 PDF 文件，不是 Word 文件".into(),
            NotDocx::NotZip => "这不是 Word 文件（.docx）".into(),
            NotDocx::NoDocument => "这是一个压缩包，但里面没有 Word 文档".into(),
            NotDocx::Broken(why) => format!("Word 文件已损坏，无法读取（{why}）"),
        }
    }
    pub fn hint(&self) -> &'static str {
        match self {
            NotDocx::OldDoc => "请在 Word 或 WPS 中打开它，“另存为” Word 文档（*.docx）后再试",
            NotDocx::Pdf => "请提供原始的 Word 文件（.docx）",
            _ => "请确认文件是用 Word 或 WPS 保存的 .docx 文档",
        }
    }
}

#[derive(Debug, Clone, Default)]
pub struct DocxContent {
    /// The body in reading order; text boxes follow the paragraph that
    /// anchors them.
    pub blocks: Vec<Block>,
    /// Footnotes, then endnotes (separators left out), in file order.
    pub notes: Vec<Para>,
    /// Media part name (e.g. `word/media/image1.jpeg`) → bytes, for the
    /// pictures the paragraphs reference.
    pub media: BTreeMap<String, Vec<u8>>,
    pub properties: Properties,
    /// What was found outside the plain body flow.
    pub moved: Moved,
    /// Parts that are referenced but were refused (too large, absurdly
    /// compressed) or could not be inflated.
    pub refused: Vec<String>,
}

#[derive(Debug, Clone)]
pub enum Block {
    Para(Para),
    Table(DocxTable),
}

#[derive(Debug, Clone, Default)]
pub struct Para {
    /// Text as Word shows it: accepted changes, field results, hyperlink
    /// text, the numbering marker in front; `w:tab` as a space, `w:br` as
    /// a newline.
    pub text: String,
    /// The runs that show characters, in order.
    pub runs: Vec<RunInfo>,
    pub align: Align,
    /// Display name of the paragraph style ("heading 1", "Title", "标题 1").
    pub style_name: Option<String>,
    /// 0 = level 1; body text is `None`.
    pub outline_level: Option<u8>,
    /// Set when the marker in front of `text` came from Word numbering.
    pub numbering: Option<NumberingInfo>,
    /// Pictures in this paragraph, as media part names.
    pub images: Vec<String>,
    /// Pictures that only link to a file outside the .docx.
    pub linked_images: usize,
    pub source: ParaSource,
    /// 1-based position among the paragraphs a reader sees (those with
    /// text or pictures), in reading order, notes last; 0 for empty ones.
    pub index: usize,
}

#[derive(Debug, Clone, PartialEq)]
pub struct RunInfo {
    /// Byte range of the run's text in `Para::text`.
    pub range: Range<usize>,
    /// Non-space characters.
    pub chars: usize,
    /// East-Asian face, resolved through styles, defaults and the theme.
    pub face: Option<String>,
    /// Latin (ASCII) face, resolved the same way.
    pub latin_face: Option<String>,
    pub size_pt: f64,
    /// `w:b` resolved (toggle semantics for styles).
    pub bold: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Align {
    #[default]
    Left,
    Center,
    Right,
    Both,
    Distribute,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NumberingInfo {
    pub num_id: String,
    /// 0-based list level.
    pub level: u8,
    /// `w:numFmt` value ("japaneseCounting", "decimal", "bullet", …).
    pub format: String,
    /// The marker Word shows ("一、", "1.1", or the bullet character, which
    /// is not put into `Para::text`).
    pub marker: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ParaSource {
    #[default]
    Body,
    TableCell,
    TextBox,
    Note,
}

/// A table on the grid: every row has the grid's column count; cells
/// covered by a merge (gridSpan, vMerge continuation) are empty.
#[derive(Debug, Clone, Default)]
pub struct DocxTable {
    pub rows: Vec<Vec<Cell>>,
}

#[derive(Debug, Clone, Default)]
pub struct Cell {
    /// Nested tables are flattened into these paragraphs.
    pub paras: Vec<Para>,
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct Properties {
    pub title: Option<String>,
    pub creator: Option<String>,
    pub company: Option<String>,
    pub application: Option<String>,
    pub app_version: Option<String>,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Moved {
    pub text_box_paragraphs: usize,
    pub footnotes: usize,
    pub endnotes: usize,
    pub shapes_with_text: usize,
}

impl DocxContent {
    /// Every body paragraph in reading order (table cells row by row, text
    /// boxes at their anchors); notes are in `notes`.
    pub fn paragraphs(&self) -> Vec<&Para> {
        let mut out = Vec::new();
        for b in &self.blocks {
            match b {
                Block::Para(p) => out.push(p),
                Block::Table(t) => out.extend(t.rows.iter().flatten().flat_map(|c| &c.paras)),
            }
        }
        out
    }

    pub fn tables(&self) -> impl Iterator<Item = &DocxTable> {
        self.blocks.iter().filter_map(|b| match b {
            Block::Table(t) => Some(t),
            Block::Para(_) => None,
        })
    }
}

impl DocxTable {
    pub fn columns(&self) -> usize {
        self.rows.first().map_or(0, Vec::len)
    }
    /// Cell texts, row by row.
    pub fn texts(&self) -> Vec<Vec<String>> {
        self.rows
            .iter()
            .map(|r| r.iter().map(Cell::text).collect())
            .collect()
    }
}

impl Cell {
    /// The cell's paragraphs, trimmed, one per line.
    pub fn text(&self) -> String {
        let lines: Vec<&str> = self
            .paras
            .iter()
            .map(|p| p.text.trim())
            .filter(|t| !t.is_empty())
            .collect();
        lines.join("\n")
    }
}

impl Para {
    pub fn centered(&self) -> bool {
        self.align == Align::Center
    }
    /// Has text or pictures a reader would see.
    pub fn is_visible(&self) -> bool {
        !self.images.is_empty()
            || self.linked_images > 0
            || self.text.chars().any(|c| !c.is_whitespace())
    }
    /// The face most of the paragraph's characters have, with its share.
    pub fn dominant_face(&self) -> Option<(String, f64)> {
        dominant([self]).face
    }
    /// The size most of the paragraph's characters have, with its share.
    pub fn dominant_size(&self) -> Option<(f64, f64)> {
        dominant([self]).size
    }
}

/// Face and size most characters of a set of paragraphs have.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Dominant {
    /// Face and its share of all characters.
    pub face: Option<(String, f64)>,
    /// Size in points and its share of all characters.
    pub size: Option<(f64, f64)>,
    /// Share of the characters that are bold.
    pub bold_share: f64,
    /// Non-space characters counted.
    pub chars: usize,
}

/// Dominant face and size over `paras`, weighted by characters (the
/// project reports, per role, what most of the role's characters use).
pub fn dominant<'a>(paras: impl IntoIterator<Item = &'a Para>) -> Dominant {
    // Vectors keep first-seen order, so ties go to what came first.
    let mut faces: Vec<(&str, usize)> = Vec::new();
    let mut sizes: Vec<(u32, usize)> = Vec::new();
    let (mut total, mut bold) = (0usize, 0usize);
    for r in paras.into_iter().flat_map(|p| &p.runs) {
        total += r.chars;
        if r.bold {
            bold += r.chars;
        }
        if let Some(f) = r.face.as_deref() {
            match faces.iter_mut().find(|(g, _)| *g == f) {
                Some(e) => e.1 += r.chars,
                None => faces.push((f, r.chars)),
            }
        }
        let half = (r.size_pt * 2.0).round() as u32;
        match sizes.iter_mut().find(|(s, _)| *s == half) {
            Some(e) => e.1 += r.chars,
            None => sizes.push((half, r.chars)),
        }
    }
    if total == 0 {
        return Dominant::default();
    }
    let share = |n: usize| n as f64 / total as f64;
    Dominant {
        face: best(&faces).map(|i| (faces[i].0.to_string(), share(faces[i].1))),
        size: best(&sizes).map(|i| (sizes[i].0 as f64 / 2.0, share(sizes[i].1))),
        bold_share: share(bold),
        chars: total,
    }
}

/// Index of the entry with the highest count; the first one on ties.
fn best<K>(v: &[(K, usize)]) -> Option<usize> {
    let mut at: Option<usize> = None;
    for (i, e) in v.iter().enumerate() {
        if at.is_none_or(|j| e.1 > v[j].1) {
            at = Some(i);
        }
    }
    at
}

// ---------------------------------------------------------------------------
// Entry point
// ---------------------------------------------------------------------------

pub fn read(bytes: &[u8]) -> Result<DocxContent, NotDocx> {
    if bytes.starts_with(&[0xD0, 0xCF, 0x11, 0xE0]) {
        return Err(NotDocx::OldDoc);
    }
    if bytes.starts_with(b"%PDF") {
        return Err(NotDocx::Pdf);
    }
    if !bytes.starts_with(b"PK") {
        return Err(NotDocx::NotZip);
    }
    let mut pkg = Package::open(bytes)?;
    let root_rels = pkg.rels_of("");
    let doc_name = root_rels
        .target_of("/officeDocument")
        .filter(|n| pkg.has(n))
        .unwrap_or_else(|| "word/document.xml".into());
    let document = match pkg.part(&doc_name) {
        Part::Got(b) => b,
        Part::Missing => return Err(NotDocx::NoDocument),
        Part::Refused(why) => return Err(NotDocx::Broken(why)),
    };
    let rels = pkg.rels_of(&doc_name);
    // Parts are found through the relationships, or under Word's usual
    // names when a hand-made package has none.
    let dir = doc_name.rsplit_once('/').map_or("", |d| d.0).to_string();
    let locate = |suffix: &str, usual: &str| {
        rels.target_of(suffix)
            .unwrap_or_else(|| resolve_target(&dir, usual))
    };
    let mut aux = |suffix: &str, usual: &str| pkg.part_ok(&locate(suffix, usual));
    let theme = aux("/theme", "theme/theme1.xml")
        .map(|x| Theme::parse(&x))
        .unwrap_or_default();
    let script = aux("/settings", "settings.xml")
        .and_then(|x| theme_font_lang(&x))
        .map_or("Hans", |l| script_of(&l));
    let styles = aux("/styles", "styles.xml")
        .map(|x| Styles::parse(&x))
        .unwrap_or_default();
    let numbering = aux("/numbering", "numbering.xml")
        .map(|x| Numbering::parse(&x))
        .unwrap_or_default();
    let ctx = Ctx {
        styles: &styles,
        numbering: &numbering,
        theme: &theme,
        script,
    };

    let mut story = Story::new(&ctx, &rels, ParaSource::Body);
    story.run(&document).map_err(NotDocx::Broken)?;
    let mut content = DocxContent {
        moved: story.moved,
        blocks: story.into_blocks(),
        ..Default::default()
    };
    for (suffix, usual) in [
        ("/footnotes", "footnotes.xml"),
        ("/endnotes", "endnotes.xml"),
    ] {
        read_notes(&mut pkg, &ctx, &locate(suffix, usual), &mut content);
    }
    content.properties = read_properties(&mut pkg, &root_rels);
    read_media(&mut pkg, &mut content);
    assign_indexes(&mut content);
    content.refused = pkg.refused;
    Ok(content)
}

/// Footnotes or endnotes (separators left out) into `content.notes`.
fn read_notes(pkg: &mut Package, ctx: &Ctx, name: &str, content: &mut DocxContent) {
    let Some(xml) = pkg.part_ok(name) else { return };
    let rels = pkg.rels_of(name);
    let mut story = Story::new(ctx, &rels, ParaSource::Note);
    // A broken notes part keeps what was read before the fault.
    let _ = story.run(&xml);
    content.moved.footnotes += story.moved.footnotes;
    content.moved.endnotes += story.moved.endnotes;
    content.notes.extend(flatten(story.into_blocks()));
}

/// The pictures the paragraphs reference, each part read once.
fn read_media(pkg: &mut Package, content: &mut DocxContent) {
    let wanted: BTreeSet<String> = content
        .paragraphs()
        .into_iter()
        .chain(&content.notes)
        .flat_map(|p| p.images.iter().cloned())
        .collect();
    for name in wanted {
        if let Some(b) = pkg.part_ok(&name) {
            content.media.insert(name, b);
        }
    }
}

fn assign_indexes(content: &mut DocxContent) {
    let mut n = 0;
    let mut visit = |p: &mut Para| {
        p.index = if p.is_visible() {
            n += 1;
            n
        } else {
            0
        };
    };
    for b in &mut content.blocks {
        match b {
            Block::Para(p) => visit(p),
            Block::Table(t) => t
                .rows
                .iter_mut()
                .flatten()
                .flat_map(|c| &mut c.paras)
                .for_each(&mut visit),
        }
    }
    content.notes.iter_mut().for_each(visit);
}

// ---------------------------------------------------------------------------
// The zip package
// ---------------------------------------------------------------------------

/// Largest part inflated.
const MAX_PART: u64 = 64 << 20;
/// Parts over `RATIO_FROM` may not inflate more than `MAX_RATIO` times.
const MAX_RATIO: u64 = 200;
const RATIO_FROM: u64 = 1 << 20;

enum Part {
    Got(Vec<u8>),
    Missing,
    Refused(String),
}

struct Package<'a> {
    zip: zip::ZipArchive<Cursor<&'a [u8]>>,
    /// Lower-cased name → index: part names are case-insensitive.
    lower: HashMap<String, usize>,
    /// Bytes still allowed to be inflated over all parts.
    budget: u64,
    refused: Vec<String>,
}

impl<'a> Package<'a> {
    fn open(bytes: &'a [u8]) -> Result<Self, NotDocx> {
        let zip =
            zip::ZipArchive::new(Cursor::new(bytes)).map_err(|e| NotDocx::Broken(e.to_string()))?;
        let lower = zip
            .file_names()
            .filter_map(|n| Some((n.to_lowercase(), zip.index_for_name(n)?)))
            .collect();
        Ok(Package {
            zip,
            lower,
            budget: MAX_PART.saturating_add((bytes.len() as u64).saturating_mul(MAX_RATIO)),
            refused: Vec::new(),
        })
    }

    fn index(&self, name: &str) -> Option<usize> {
        let name = name.trim_start_matches('/');
        self.zip
            .index_for_name(name)
            .or_else(|| self.lower.get(&name.to_lowercase()).copied())
    }

    fn has(&self, name: &str) -> bool {
        self.index(name).is_some()
    }

    /// A part's bytes, inflated at most once per call and never past the
    /// size, ratio and overall limits (declared sizes can lie, so the
    /// limits apply to the bytes actually produced).
    fn part(&mut self, name: &str) -> Part {
        let Some(i) = self.index(name) else {
            return Part::Missing;
        };
        let Ok(f) = self.zip.by_index(i) else {
            return Part::Refused(format!("{name}：无法解压"));
        };
        if f.is_dir() {
            return Part::Missing;
        }
        let packed = f.compressed_size().max(1);
        let limit = MAX_PART
            .min(RATIO_FROM.max(packed.saturating_mul(MAX_RATIO)))
            .min(self.budget);
        if f.size() > limit {
            return Part::Refused(format!("{name}：解压后过大（{} 字节）", f.size()));
        }
        let mut out = Vec::new();
        if f.take(limit + 1).read_to_end(&mut out).is_err() {
            return Part::Refused(format!("{name}：无法解压"));
        }
        if out.len() as u64 > limit {
            return Part::Refused(format!("{name}：解压后过大"));
        }
        self.budget -= out.len() as u64;
        Part::Got(out)
    }

    /// A part, or `None` when missing; refusals are recorded.
    fn part_ok(&mut self, name: &str) -> Option<Vec<u8>> {
        match self.part(name) {
            Part::Got(b) => Some(b),
            Part::Missing => None,
            Part::Refused(why) => {
                self.refused.push(why);
                None
            }
        }
    }

    /// Relationships of a part ("" for the package itself).
    fn rels_of(&mut self, part: &str) -> Rels {
        let (dir, file) = part.rsplit_once('/').unwrap_or(("", part));
        let name = if dir.is_empty() {
            format!("_rels/{file}.rels")
        } else {
            format!("{dir}/_rels/{file}.rels")
        };
        self.part_ok(&name)
            .map(|x| Rels::parse(&x, dir))
            .unwrap_or_default()
    }
}

#[derive(Debug, Default)]
struct Rels {
    by_id: HashMap<String, Rel>,
    /// Ids in file order, so "the first styles part" is well defined.
    order: Vec<String>,
}

#[derive(Debug)]
struct Rel {
    kind: String,
    /// Resolved part name (no leading slash), or the raw target if external.
    target: String,
    external: bool,
}

impl Rels {
    fn parse(xml: &[u8], dir: &str) -> Rels {
        let mut out = Rels::default();
        let mut x = Xml::new(xml);
        while let Ok(item) = x.next() {
            match item {
                Item::Open(_, e) | Item::Leaf(_, e)
                    if e.local_name().as_ref() == b"Relationship" =>
                {
                    let (Some(id), Some(target)) = (attr(&e, b"Id"), attr(&e, b"Target")) else {
                        continue;
                    };
                    let external = attr(&e, b"TargetMode").is_some_and(|m| m == "External");
                    let target = if external {
                        target
                    } else {
                        resolve_target(dir, &target)
                    };
                    let kind = attr(&e, b"Type").unwrap_or_default();
                    out.order.push(id.clone());
                    out.by_id.insert(
                        id,
                        Rel {
                            kind,
                            target,
                            external,
                        },
                    );
                }
                Item::Eof => break,
                _ => {}
            }
        }
        out
    }

    fn target_of(&self, type_suffix: &str) -> Option<String> {
        self.order
            .iter()
            .filter_map(|id| self.by_id.get(id))
            .find(|r| !r.external && r.kind.ends_with(type_suffix))
            .map(|r| r.target.clone())
    }
}

/// A relationship target as a part name: relative to the source part's
/// folder unless absolute, `.`/`..` resolved, %XX decoded.
fn resolve_target(dir: &str, target: &str) -> String {
    let target = percent_decode(target);
    let mut parts: Vec<&str> = if target.starts_with('/') {
        Vec::new()
    } else {
        dir.split('/').filter(|s| !s.is_empty()).collect()
    };
    for seg in target.split('/') {
        match seg {
            "" | "." => {}
            ".." => {
                parts.pop();
            }
            s => parts.push(s),
        }
    }
    parts.join("/")
}

fn percent_decode(s: &str) -> String {
    if !s.contains('%') {
        return s.to_string();
    }
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        let hex = b
            .get(i + 1..i + 3)
            .and_then(|h| std::str::from_utf8(h).ok())
            .and_then(|h| u8::from_str_radix(h, 16).ok());
        match (b[i], hex) {
            (b'%', Some(v)) => {
                out.push(v);
                i += 3;
            }
            (c, _) => {
                out.push(c);
                i += 1;
            }
        }
    }
    String::from_utf8(out).unwrap_or_else(|_| s.to_string())
}

fn read_properties(pkg: &mut Package, root_rels: &Rels) -> Properties {
    let mut fields = |suffix: &str, default: &str| {
        let name = root_rels
            .target_of(suffix)
            .unwrap_or_else(|| default.to_string());
        pkg.part_ok(&name)
            .map(|x| leaf_texts(&x))
            .unwrap_or_default()
    };
    let core = fields("/core-properties", "docProps/core.xml");
    let app = fields("/extended-properties", "docProps/app.xml");
    let get = |m: &HashMap<String, String>, k: &str| m.get(k).cloned();
    Properties {
        title: get(&core, "title"),
        creator: get(&core, "creator"),
        company: get(&app, "Company"),
        application: get(&app, "Application"),
        app_version: get(&app, "AppVersion"),
    }
}

/// Local name → text of the elements that hold text, trimmed, non-empty.
fn leaf_texts(xml: &[u8]) -> HashMap<String, String> {
    let mut out: HashMap<String, String> = HashMap::new();
    let mut x = Xml::new(xml);
    let mut at: Option<String> = None;
    while let Ok(item) = x.next() {
        match item {
            Item::Open(_, e) => {
                at = Some(String::from_utf8_lossy(e.local_name().as_ref()).into_owned())
            }
            Item::Text(t) => {
                if let Some(k) = &at {
                    out.entry(k.clone()).or_default().push_str(&t);
                }
            }
            Item::Close(..) => at = None,
            Item::Eof => break,
            Item::Leaf(..) => {}
        }
    }
    out.into_iter()
        .map(|(k, v)| (k, v.trim().to_string()))
        .filter(|(_, v)| !v.is_empty())
        .collect()
}

// ---------------------------------------------------------------------------
// XML access: namespaces resolved, mc:AlternateContent reduced to one branch
// ---------------------------------------------------------------------------

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Ns {
    /// WordprocessingML (transitional or strict).
    W,
    Mc,
    Vml,
    /// DrawingML main.
    A,
    Rel,
    Math,
    Office,
    Other,
}

impl Ns {
    fn of_uri(uri: &[u8]) -> Ns {
        match uri {
            b"http://schemas.openxmlformats.org/wordprocessingml/2006/main"
            | b"http://purl.oclc.org/ooxml/wordprocessingml/main" => Ns::W,
            b"http://schemas.openxmlformats.org/markup-compatibility/2006" => Ns::Mc,
            b"urn:schemas-microsoft-com:vml" => Ns::Vml,
            b"http://schemas.openxmlformats.org/drawingml/2006/main"
            | b"http://purl.oclc.org/ooxml/drawingml/main" => Ns::A,
            b"http://schemas.openxmlformats.org/officeDocument/2006/relationships"
            | b"http://purl.oclc.org/ooxml/officeDocument/relationships" => Ns::Rel,
            b"http://schemas.openxmlformats.org/officeDocument/2006/math"
            | b"http://purl.oclc.org/ooxml/officeDocument/math" => Ns::Math,
            b"urn:schemas-microsoft-com:office:office" => Ns::Office,
            _ => Ns::Other,
        }
    }

    /// Undeclared prefixes (sloppy generators) read by convention.
    fn of_prefix(qname: &[u8]) -> Ns {
        match qname.iter().position(|b| *b == b':').map(|i| &qname[..i]) {
            Some(b"w") | None => Ns::W,
            Some(b"mc") => Ns::Mc,
            Some(b"v") => Ns::Vml,
            Some(b"a") => Ns::A,
            Some(b"r") => Ns::Rel,
            Some(b"m") => Ns::Math,
            Some(b"o") => Ns::Office,
            Some(_) => Ns::Other,
        }
    }

    fn resolve(res: &ResolveResult, qname: &[u8]) -> Ns {
        match res {
            ResolveResult::Bound(ns) => Ns::of_uri(ns.as_ref()),
            _ => Ns::of_prefix(qname),
        }
    }
}

enum Item<'a> {
    Open(Ns, BytesStart<'a>),
    Leaf(Ns, BytesStart<'a>),
    Close(Ns, BytesEnd<'a>),
    Text(Cow<'a, str>),
    Eof,
}

/// Namespace prefixes whose markup this reader understands, for
/// `mc:Choice Requires`; a Choice needing anything else loses to the
/// Fallback.
const UNDERSTOOD: &[&str] = &[
    "w", "w10", "w14", "w15", "w16", "w16se", "w16cid", "w16cex", "w16du", "w16sdtdh", "wp",
    "wp14", "wps", "wpg", "wpc", "wpi", "wne", "v", "o", "a", "a14", "pic", "r", "m", "mc",
];

struct Xml<'a> {
    r: NsReader<&'a [u8]>,
    /// One entry per open mc:AlternateContent: has a branch been taken?
    alternates: Vec<bool>,
}

impl<'a> Xml<'a> {
    fn new(xml: &'a [u8]) -> Self {
        Xml {
            r: NsReader::from_reader(xml),
            alternates: Vec::new(),
        }
    }

    /// The next item; of each mc:AlternateContent only the first
    /// understood mc:Choice (or else the mc:Fallback) is passed on, so a
    /// text box and its VML copy are never both seen.
    fn next(&mut self) -> Result<Item<'a>, String> {
        loop {
            let (res, ev) = self.r.read_resolved_event().map_err(|e| e.to_string())?;
            let ns = match &ev {
                Event::Start(e) | Event::Empty(e) => Ns::resolve(&res, e.name().as_ref()),
                Event::End(e) => Ns::resolve(&res, e.name().as_ref()),
                _ => Ns::Other,
            };
            match ev {
                Event::Start(e) if ns == Ns::Mc => match e.local_name().as_ref() {
                    b"AlternateContent" => self.alternates.push(false),
                    b"Choice" | b"Fallback" => {
                        let taken = self.alternates.last().copied().unwrap_or(false);
                        let wanted = e.local_name().as_ref() == b"Fallback"
                            || attr(&e, b"Requires").is_some_and(|r| {
                                r.split_whitespace().all(|p| UNDERSTOOD.contains(&p))
                            });
                        if taken || !wanted {
                            self.r.read_to_end(e.name()).map_err(|e| e.to_string())?;
                        } else if let Some(t) = self.alternates.last_mut() {
                            *t = true;
                        }
                    }
                    _ => {}
                },
                Event::End(e) if ns == Ns::Mc && e.local_name().as_ref() == b"AlternateContent" => {
                    self.alternates.pop();
                }
                Event::End(_) if ns == Ns::Mc => {}
                Event::Empty(_) if ns == Ns::Mc => {}
                Event::Start(e) => return Ok(Item::Open(ns, e)),
                Event::Empty(e) => return Ok(Item::Leaf(ns, e)),
                Event::End(e) => return Ok(Item::Close(ns, e)),
                Event::Text(t) => {
                    return Ok(Item::Text(t.xml10_content().map_err(|e| e.to_string())?));
                }
                Event::CData(t) => {
                    return Ok(Item::Text(t.decode().map_err(|e| e.to_string())?));
                }
                Event::GeneralRef(g) => {
                    let s = if g.is_char_ref() {
                        g.resolve_char_ref().ok().flatten().map(String::from)
                    } else {
                        let name = g.decode().map_err(|e| e.to_string())?;
                        quick_xml::escape::resolve_predefined_entity(&name).map(String::from)
                    };
                    if let Some(s) = s {
                        return Ok(Item::Text(Cow::Owned(s)));
                    }
                }
                Event::Eof => return Ok(Item::Eof),
                _ => {}
            }
        }
    }

    /// Skips the rest of the element just opened.
    fn skip(&mut self, e: &BytesStart) -> Result<(), String> {
        self.r
            .read_to_end(e.name())
            .map(|_| ())
            .map_err(|e| e.to_string())
    }

    /// A relationship-namespace attribute (`r:id`, `r:embed`, …).
    fn rel_attr(&self, e: &BytesStart, local: &[u8]) -> Option<String> {
        e.attributes().flatten().find_map(|a| {
            let (res, name) = self.r.resolver().resolve_attribute(a.key);
            let is_rel = match res {
                ResolveResult::Bound(ns) => Ns::of_uri(ns.as_ref()) == Ns::Rel,
                _ => a.key.as_ref().starts_with(b"r:"),
            };
            (is_rel && name.as_ref() == local).then(|| value(&a))?
        })
    }
}

/// An attribute by local name (the prefix is ignored: WordprocessingML
/// attributes of one element never clash on it).
fn attr(e: &BytesStart, local: &[u8]) -> Option<String> {
    e.attributes()
        .flatten()
        .find(|a| a.key.local_name().as_ref() == local && a.key.as_ref() != b"xmlns")
        .and_then(|a| value(&a))
}

fn value(a: &quick_xml::events::attributes::Attribute) -> Option<String> {
    a.normalized_value(quick_xml::XmlVersion::Implicit1_0)
        .ok()
        .map(|v| v.into_owned())
}

/// An on/off property: `<w:b/>` is on, `w:val="0"`/`"false"`/`"off"` off.
fn on(e: &BytesStart) -> bool {
    !attr(e, b"val").is_some_and(|v| matches!(v.as_str(), "0" | "false" | "off" | "none"))
}

fn num_attr<T: std::str::FromStr>(e: &BytesStart, local: &[u8]) -> Option<T> {
    attr(e, local).and_then(|v| v.trim().parse().ok())
}

// ---------------------------------------------------------------------------
// Styles, theme, settings
// ---------------------------------------------------------------------------

#[derive(Debug, Clone, PartialEq)]
enum Font {
    Name(String),
    /// A theme font slot such as "minorEastAsia".
    Theme(String),
}

/// Run properties as written at one level (direct, a style, defaults).
#[derive(Debug, Clone, Default)]
struct RunProps {
    east_asia: Option<Font>,
    latin: Option<Font>,
    size_half: Option<u32>,
    bold: Option<bool>,
    vanish: Option<bool>,
}

impl RunProps {
    /// Applies one child of a `w:rPr`.
    fn apply(&mut self, local: &[u8], e: &BytesStart) {
        match local {
            b"rFonts" => {
                // The theme attribute wins over the plain one on the same element.
                let font = |theme: &[u8], name: &[u8]| {
                    attr(e, theme)
                        .map(Font::Theme)
                        .or_else(|| attr(e, name).map(Font::Name))
                };
                if let Some(f) = font(b"eastAsiaTheme", b"eastAsia") {
                    self.east_asia = Some(f);
                }
                if let Some(f) = font(b"asciiTheme", b"ascii") {
                    self.latin = Some(f);
                }
            }
            b"sz" => {
                self.size_half = attr(e, b"val")
                    .and_then(|v| v.trim().parse::<f64>().ok())
                    .filter(|v| v.is_finite())
                    .map(|v| v.round().clamp(1.0, 3276.0) as u32);
            }
            // w:bCs only applies to complex-script (Arabic, Hebrew…) text;
            // Chinese is bolded by w:b.
            b"b" => self.bold = Some(on(e)),
            b"vanish" => self.vanish = Some(on(e)),
            _ => {}
        }
    }
}

/// Paragraph properties as written at one level.
#[derive(Debug, Clone, Default)]
struct ParaProps {
    align: Option<Align>,
    /// 9 means "body text" and overrides a style's level.
    outline: Option<u8>,
    num_id: Option<String>,
    ilvl: Option<u8>,
}

impl ParaProps {
    /// Applies one child of a `w:pPr` (or of its `w:numPr`).
    fn apply(&mut self, local: &[u8], e: &BytesStart) {
        match local {
            b"jc" => self.align = attr(e, b"val").map(|v| align_of(&v)),
            b"outlineLvl" => self.outline = num_attr::<u32>(e, b"val").map(|v| v.min(9) as u8),
            b"numId" => self.num_id = attr(e, b"val").map(|v| v.trim().to_string()),
            b"ilvl" => self.ilvl = num_attr::<u32>(e, b"val").map(|v| v.min(8) as u8),
            _ => {}
        }
    }
}

fn align_of(v: &str) -> Align {
    match v {
        "center" => Align::Center,
        "right" | "end" => Align::Right,
        "both" | "justify" | "lowKashida" | "mediumKashida" | "highKashida" => Align::Both,
        "distribute" | "thaiDistribute" => Align::Distribute,
        _ => Align::Left,
    }
}

#[derive(Debug, Default)]
struct Style {
    name: Option<String>,
    based_on: Option<String>,
    ppr: ParaProps,
    rpr: RunProps,
}

#[derive(Debug, Default)]
struct Styles {
    by_id: HashMap<String, Style>,
    doc_rpr: RunProps,
    doc_ppr: ParaProps,
    /// The paragraph style used when a paragraph names none (its id is
    /// "Normal" in English Word, "a" in Chinese Word, "1" in WPS).
    default_para: Option<String>,
}

impl Styles {
    fn parse(xml: &[u8]) -> Styles {
        #[derive(PartialEq)]
        enum In {
            Nothing,
            Run,
            Para,
        }
        let mut s = Styles::default();
        let mut x = Xml::new(xml);
        let mut cur: Option<(String, Style)> = None;
        let mut defaults = false;
        let mut within = In::Nothing;
        while let Ok(item) = x.next() {
            let (e, open) = match item {
                Item::Open(Ns::W, e) => (e, true),
                Item::Leaf(Ns::W, e) => (e, false),
                Item::Close(Ns::W, e) => {
                    match e.local_name().as_ref() {
                        b"rPr" | b"pPr" => within = In::Nothing,
                        b"style" => {
                            if let Some((id, st)) = cur.take() {
                                s.by_id.entry(id).or_insert(st);
                            }
                        }
                        b"docDefaults" => defaults = false,
                        _ => {}
                    }
                    continue;
                }
                Item::Eof => break,
                _ => continue,
            };
            let local = e.local_name();
            let local = local.as_ref();
            // Conditional table formatting and revision history would
            // otherwise leak into the style.
            if open
                && (local.ends_with(b"Change") || matches!(local, b"tblStylePr" | b"latentStyles"))
            {
                let _ = x.skip(&e);
                continue;
            }
            match local {
                b"docDefaults" => defaults = open,
                b"style" => {
                    let id = attr(&e, b"styleId").unwrap_or_default();
                    let is_para = attr(&e, b"type").is_none_or(|t| t == "paragraph");
                    if is_para && attr(&e, b"default").is_some_and(|d| d == "1" || d == "true") {
                        s.default_para.get_or_insert(id.clone());
                    }
                    cur = open.then(|| (id, Style::default()));
                }
                b"rPr" if open => within = In::Run,
                b"pPr" if open => within = In::Para,
                b"name" if within == In::Nothing => {
                    if let Some((_, st)) = &mut cur {
                        st.name = attr(&e, b"val");
                    }
                }
                b"basedOn" if within == In::Nothing => {
                    if let Some((_, st)) = &mut cur {
                        st.based_on = attr(&e, b"val");
                    }
                }
                _ => match (&mut cur, defaults, &within) {
                    (Some((_, st)), _, In::Run) => st.rpr.apply(local, &e),
                    (Some((_, st)), _, In::Para) => st.ppr.apply(local, &e),
                    (None, true, In::Run) => s.doc_rpr.apply(local, &e),
                    (None, true, In::Para) => s.doc_ppr.apply(local, &e),
                    _ => {}
                },
            }
        }
        if s.default_para.is_none() && s.by_id.contains_key("Normal") {
            s.default_para = Some("Normal".into());
        }
        s
    }

    /// The style and its basedOn ancestors, nearest first (cycles and
    /// absurd depth cut off).
    fn chain(&self, id: Option<&str>) -> Vec<&Style> {
        let mut out: Vec<&Style> = Vec::new();
        let mut next = id;
        while let Some(i) = next {
            let Some(st) = self.by_id.get(i) else { break };
            if out.len() >= 32 || out.iter().any(|s| std::ptr::eq(*s, st)) {
                break;
            }
            out.push(st);
            next = st.based_on.as_deref();
        }
        out
    }
}

#[derive(Debug, Default)]
struct ThemeFonts {
    latin: String,
    east_asia: String,
    /// Script ("Hans", "Hant", "Jpan", …) → typeface.
    scripts: HashMap<String, String>,
}

#[derive(Debug, Default)]
struct Theme {
    major: ThemeFonts,
    minor: ThemeFonts,
}

impl Theme {
    fn parse(xml: &[u8]) -> Theme {
        let mut t = Theme::default();
        let mut x = Xml::new(xml);
        let mut which: Option<bool> = None; // Some(true) = major
        while let Ok(item) = x.next() {
            match item {
                Item::Open(Ns::A, e) | Item::Leaf(Ns::A, e) => {
                    let local = e.local_name();
                    let fonts = match which {
                        Some(true) => &mut t.major,
                        Some(false) => &mut t.minor,
                        None => {
                            match local.as_ref() {
                                b"majorFont" => which = Some(true),
                                b"minorFont" => which = Some(false),
                                _ => {}
                            }
                            continue;
                        }
                    };
                    let face = attr(&e, b"typeface").unwrap_or_default();
                    match local.as_ref() {
                        b"latin" => fonts.latin = face,
                        b"ea" => fonts.east_asia = face,
                        b"font" => {
                            if let Some(script) = attr(&e, b"script") {
                                fonts.scripts.insert(script, face);
                            }
                        }
                        _ => {}
                    }
                }
                Item::Close(Ns::A, e)
                    if matches!(e.local_name().as_ref(), b"majorFont" | b"minorFont") =>
                {
                    which = None
                }
                Item::Eof => break,
                _ => {}
            }
        }
        t
    }

    /// A theme slot ("minorEastAsia", "majorHAnsi", …) as a face name;
    /// East-Asian slots fall back to the script's font when `ea` is empty,
    /// as Word does.
    fn font(&self, slot: &str, script: &str) -> Option<String> {
        let fonts = if slot.starts_with("major") {
            &self.major
        } else {
            &self.minor
        };
        let face = if slot.ends_with("EastAsia") {
            Some(&fonts.east_asia)
                .filter(|f| !f.is_empty())
                .or_else(|| fonts.scripts.get(script))
        } else {
            Some(&fonts.latin)
        };
        face.filter(|f| !f.is_empty()).cloned()
    }
}

/// `w:themeFontLang w:eastAsia` from settings.xml: which script's theme
/// font an East-Asian theme slot means.
fn theme_font_lang(xml: &[u8]) -> Option<String> {
    let mut x = Xml::new(xml);
    while let Ok(item) = x.next() {
        match item {
            Item::Open(Ns::W, e) | Item::Leaf(Ns::W, e)
                if e.local_name().as_ref() == b"themeFontLang" =>
            {
                return attr(&e, b"eastAsia");
            }
            Item::Eof => break,
            _ => {}
        }
    }
    None
}

fn script_of(lang: &str) -> &'static str {
    let l = lang.to_ascii_lowercase();
    if ["zh-tw", "zh-hk", "zh-mo", "zh-hant"]
        .iter()
        .any(|p| l.starts_with(p))
    {
        "Hant"
    } else if l.starts_with("ja") {
        "Jpan"
    } else if l.starts_with("ko") {
        "Hang"
    } else {
        "Hans"
    }
}

/// Everything paragraphs are resolved against.
struct Ctx<'c> {
    styles: &'c Styles,
    numbering: &'c Numbering,
    theme: &'c Theme,
    script: &'static str,
}

/// A run's properties after styles, defaults and the theme.
#[derive(Debug, Clone)]
struct ResolvedRun {
    face: Option<String>,
    latin: Option<String>,
    size_half: u32,
    bold: bool,
    hidden: bool,
}

/// Which styles a run sees: run style, paragraph style, table style.
struct RunContext<'x> {
    para_style: Option<&'x str>,
    table_style: Option<&'x str>,
    run_style: Option<&'x str>,
}

impl Ctx<'_> {
    /// Resolves a run: direct formatting, then the character style, the
    /// paragraph style, the table style (Word lets it beat the default
    /// paragraph style), docDefaults. Bold and hidden are toggles: styles
    /// that set them cancel each other out (XOR), direct formatting rules.
    fn resolve_run(&self, at: &RunContext, direct: &RunProps) -> ResolvedRun {
        let st = self.styles;
        let para_style = at.para_style.or(st.default_para.as_deref());
        let is_default = para_style == st.default_para.as_deref();
        let rchain = st.chain(at.run_style);
        let pchain = st.chain(para_style);
        let tchain = st.chain(at.table_style);
        let (first, second) = if is_default {
            (&tchain, &pchain)
        } else {
            (&pchain, &tchain)
        };
        let mut layers: Vec<&RunProps> = vec![direct];
        layers.extend(
            rchain
                .iter()
                .chain(first.iter())
                .chain(second.iter())
                .map(|s| &s.rpr),
        );
        layers.push(&st.doc_rpr);
        let font = |f: &Font| match f {
            Font::Name(n) => Some(n.trim().to_string()).filter(|n| !n.is_empty()),
            Font::Theme(slot) => self.theme.font(slot, self.script),
        };
        let toggle = |get: fn(&RunProps) -> Option<bool>| {
            if let Some(v) = get(direct) {
                return v;
            }
            let set: Vec<bool> = [&rchain, &pchain, &tchain]
                .iter()
                .filter_map(|c| c.iter().find_map(|s| get(&s.rpr)))
                .collect();
            if set.is_empty() {
                get(&st.doc_rpr).unwrap_or(false)
            } else {
                set.into_iter().fold(false, |a, b| a ^ b)
            }
        };
        ResolvedRun {
            face: layers
                .iter()
                .find_map(|l| l.east_asia.as_ref())
                .and_then(font),
            latin: layers.iter().find_map(|l| l.latin.as_ref()).and_then(font),
            // Word's own default is 10 pt.
            size_half: layers.iter().find_map(|l| l.size_half).unwrap_or(20),
            bold: toggle(|r| r.bold),
            hidden: toggle(|r| r.vanish),
        }
    }
}

// ---------------------------------------------------------------------------
// Numbering
// ---------------------------------------------------------------------------

#[derive(Debug, Clone, Default)]
struct Level {
    /// `w:start`. The standard reads a missing one as 0, but Word and WPS
    /// always write it; hand-made files that leave it out mean 1, which is
    /// what LibreOffice (and the project's old reader) show.
    start: u32,
    format: String,
    /// `w:numFmt w:format` for `custom` ("001, 002, 003, ...").
    custom: Option<String>,
    text: String,
    /// `w:lvlRestart`: 0 = never restart; n = restart after level n (1-based).
    restart: Option<u32>,
    legal: bool,
    style: Option<String>,
    /// `w:suff`: "tab" (default), "space" or "nothing".
    suffix: Option<String>,
}

#[derive(Debug, Default)]
struct AbstractNum {
    levels: BTreeMap<u8, Level>,
    /// `w:numStyleLink`: the definition lives in a numbering style.
    style_link: Option<String>,
}

#[derive(Debug, Default)]
struct Num {
    abstract_id: String,
    start_overrides: HashMap<u8, u32>,
    level_overrides: HashMap<u8, Level>,
}

#[derive(Debug, Default)]
struct Numbering {
    abstracts: HashMap<String, AbstractNum>,
    nums: HashMap<String, Num>,
}

fn parse_start(v: &str) -> u32 {
    v.trim()
        .parse::<i64>()
        .map_or(0, |n| n.clamp(0, u32::MAX as i64) as u32)
}

impl Numbering {
    fn parse(xml: &[u8]) -> Numbering {
        let mut n = Numbering::default();
        let mut x = Xml::new(xml);
        let mut abs: Option<String> = None;
        let mut num: Option<String> = None;
        let mut over: Option<u8> = None; // open lvlOverride's level
        let mut lvl: Option<(u8, Level)> = None;
        while let Ok(item) = x.next() {
            let (e, open) = match item {
                Item::Open(Ns::W, e) => (e, true),
                Item::Leaf(Ns::W, e) => (e, false),
                Item::Close(Ns::W, e) => {
                    match e.local_name().as_ref() {
                        b"abstractNum" => abs = None,
                        b"num" => num = None,
                        b"lvlOverride" => over = None,
                        b"lvl" => n.store_level(lvl.take(), &abs, &num),
                        _ => {}
                    }
                    continue;
                }
                Item::Eof => break,
                _ => continue,
            };
            let local = e.local_name();
            let local = local.as_ref();
            if open && (local.ends_with(b"Change") || local == b"pPr" || local == b"rPr") {
                let _ = x.skip(&e);
                continue;
            }
            let val = || attr(&e, b"val");
            match (local, lvl.as_mut()) {
                (b"abstractNum", _) => abs = attr(&e, b"abstractNumId"),
                (b"num", _) => num = attr(&e, b"numId"),
                (b"lvl", _) => {
                    let level = num_attr::<u32>(&e, b"ilvl").unwrap_or(0).min(8) as u8;
                    let new = (
                        level,
                        Level {
                            start: 1,
                            format: "decimal".into(),
                            ..Default::default()
                        },
                    );
                    if open {
                        lvl = Some(new);
                    } else {
                        n.store_level(Some(new), &abs, &num);
                    }
                }
                (b"start", Some((_, l))) => l.start = val().map_or(0, |v| parse_start(&v)),
                (b"numFmt", Some((_, l))) => {
                    l.format = val().unwrap_or_else(|| "decimal".into());
                    l.custom = attr(&e, b"format");
                }
                (b"lvlText", Some((_, l))) => l.text = val().unwrap_or_default(),
                (b"lvlRestart", Some((_, l))) => l.restart = val().map(|v| parse_start(&v)),
                (b"isLgl", Some((_, l))) => l.legal = on(&e),
                (b"pStyle", Some((_, l))) => l.style = val(),
                (b"suff", Some((_, l))) => l.suffix = val(),
                (b"numStyleLink", None) => {
                    if let Some(a) = abs
                        .as_ref()
                        .map(|a| n.abstracts.entry(a.clone()).or_default())
                    {
                        a.style_link = val();
                    }
                }
                (b"abstractNumId", None) => {
                    if let (Some(id), Some(a)) = (&num, val()) {
                        n.nums.entry(id.clone()).or_default().abstract_id = a;
                    }
                }
                (b"lvlOverride", None) => {
                    over = num_attr::<u32>(&e, b"ilvl").map(|v| v.min(8) as u8);
                }
                (b"startOverride", None) => {
                    if let (Some(id), Some(l), Some(v)) = (&num, over, val()) {
                        let entry = n.nums.entry(id.clone()).or_default();
                        entry.start_overrides.insert(l, parse_start(&v));
                    }
                }
                _ => {}
            }
        }
        n
    }

    fn store_level(
        &mut self,
        lvl: Option<(u8, Level)>,
        abs: &Option<String>,
        num: &Option<String>,
    ) {
        let Some((i, l)) = lvl else { return };
        match (abs, num) {
            (Some(a), _) => {
                self.abstracts
                    .entry(a.clone())
                    .or_default()
                    .levels
                    .insert(i, l);
            }
            // A w:lvl inside w:num/w:lvlOverride replaces the level wholesale.
            (None, Some(id)) => {
                self.nums
                    .entry(id.clone())
                    .or_default()
                    .level_overrides
                    .insert(i, l);
            }
            _ => {}
        }
    }

    /// The abstract definition behind a w:num, following numStyleLink
    /// through the numbering style once.
    fn abstract_of(&self, num_id: &str, styles: &Styles) -> Option<(&String, &AbstractNum)> {
        let mut id = &self.nums.get(num_id)?.abstract_id;
        for _ in 0..3 {
            let a = self.abstracts.get(id)?;
            let Some(link) = &a.style_link else {
                return Some((id, a));
            };
            let via = styles.by_id.get(link)?.ppr.num_id.as_ref()?;
            id = &self.nums.get(via)?.abstract_id;
        }
        None
    }
}

/// Counters of one list: the current value per level (None = not started
/// since the last restart).
type ListState = [Option<u32>; 9];

/// The marker Word shows for `n` in format `fmt`.
fn format_number(fmt: &str, custom: Option<&str>, n: u32) -> String {
    const CN_DIGITS: [char; 10] = ['〇', '一', '二', '三', '四', '五', '六', '七', '八', '九'];
    match fmt {
        "none" | "bullet" => String::new(),
        "decimalZero" => format!("{n:02}"),
        "decimalFullWidth" | "decimalFullWidth2" => n
            .to_string()
            .chars()
            .map(|c| char::from_u32(c as u32 - '0' as u32 + '０' as u32).unwrap_or(c))
            .collect(),
        "decimalEnclosedCircle" | "decimalEnclosedCircleChinese" => enclosed(n, '①', 20),
        "decimalEnclosedFullstop" => enclosed(n, '⒈', 20),
        "decimalEnclosedParen" => enclosed(n, '⑴', 20),
        // Word draws these as parenthesised ideographs (MS-OI29500 2.1.540).
        "ideographEnclosedCircle" => enclosed(n, '㈠', 10),
        "upperLetter" => letters(n, b'A'),
        "lowerLetter" => letters(n, b'a'),
        "upperRoman" => roman(n),
        "lowerRoman" => roman(n).to_lowercase(),
        "ordinal" => ordinal(n),
        "hex" => format!("{n:X}"),
        "chicago" => chicago(n),
        // Counting to 99, then digit by digit with ○ (MS-DOCX 2.4 gives
        // Word's sample for 100 as "一○○").
        "chineseCounting" | "taiwaneseCounting" if n >= 100 => digits(
            n,
            ['○', '一', '二', '三', '四', '五', '六', '七', '八', '九'],
        ),
        "chineseCounting" | "taiwaneseCounting" | "chineseCountingThousand" => {
            counting(n, &CHINESE)
        }
        "taiwaneseCountingThousand" => counting(n, &TAIWANESE),
        "chineseLegalSimplified" => counting(n, &LEGAL_SIMPLIFIED),
        "ideographLegalTraditional" => counting(n, &LEGAL_TRADITIONAL),
        "japaneseCounting" => counting(n, &JAPANESE),
        "japaneseLegal" => counting(n, &JAPANESE_LEGAL),
        "ideographDigital" | "taiwaneseDigital" => digits(n, CN_DIGITS),
        "japaneseDigitalTenThousand" if n >= 10_000 => format!(
            "{}万{}",
            digits(n / 10_000, CN_DIGITS),
            format!("{:04}", n % 10_000)
                .chars()
                .map(|c| CN_DIGITS[c.to_digit(10).unwrap_or(0) as usize])
                .collect::<String>()
        ),
        "japaneseDigitalTenThousand" => digits(n, CN_DIGITS),
        "ideographTraditional" => cycle(
            n,
            &["甲", "乙", "丙", "丁", "戊", "己", "庚", "辛", "壬", "癸"],
        ),
        "ideographZodiac" => cycle(
            n,
            &[
                "子", "丑", "寅", "卯", "辰", "巳", "午", "未", "申", "酉", "戌", "亥",
            ],
        ),
        "ideographZodiacTraditional" => sexagenary(n),
        "custom" => custom_format(custom, n),
        // decimal, decimalHalfWidth, cardinalText, ordinalText and the
        // scripts Chinese documents do not use.
        _ => n.to_string(),
    }
}

/// ①…⑳-style sets; past the set Word writes plain numbers.
fn enclosed(n: u32, first: char, count: u32) -> String {
    match n {
        1.. if n <= count => {
            char::from_u32(first as u32 + n - 1).map_or(n.to_string(), String::from)
        }
        _ => n.to_string(),
    }
}

/// A, B, …, Z, AA, BB, … (Word repeats the letter); absurd values decimal.
fn letters(n: u32, base: u8) -> String {
    if n == 0 || n > 26 * 32 {
        return n.to_string();
    }
    let c = (base + ((n - 1) % 26) as u8) as char;
    std::iter::repeat_n(c, ((n - 1) / 26 + 1) as usize).collect()
}

fn roman(n: u32) -> String {
    if n == 0 || n >= 40_000 {
        return n.to_string();
    }
    const R: [(u32, &str); 13] = [
        (1000, "M"),
        (900, "CM"),
        (500, "D"),
        (400, "CD"),
        (100, "C"),
        (90, "XC"),
        (50, "L"),
        (40, "XL"),
        (10, "X"),
        (9, "IX"),
        (5, "V"),
        (4, "IV"),
        (1, "I"),
    ];
    let (mut out, mut rest) = (String::new(), n);
    for (v, s) in R {
        while rest >= v {
            out.push_str(s);
            rest -= v;
        }
    }
    out
}

fn ordinal(n: u32) -> String {
    let suffix = match (n % 10, n % 100) {
        (_, 11..=13) => "th",
        (1, _) => "st",
        (2, _) => "nd",
        (3, _) => "rd",
        _ => "th",
    };
    format!("{n}{suffix}")
}

fn chicago(n: u32) -> String {
    const S: [char; 4] = ['*', '†', '‡', '§'];
    if n == 0 || n > 4 * 16 {
        return n.to_string();
    }
    std::iter::repeat_n(S[((n - 1) % 4) as usize], ((n - 1) / 4 + 1) as usize).collect()
}

fn cycle(n: u32, set: &[&str]) -> String {
    match n {
        1.. if n as usize <= set.len() => set[n as usize - 1].to_string(),
        _ => n.to_string(),
    }
}

/// 甲子, 乙丑, … (the 60-year cycle).
fn sexagenary(n: u32) -> String {
    const STEMS: [&str; 10] = ["甲", "乙", "丙", "丁", "戊", "己", "庚", "辛", "壬", "癸"];
    const BRANCHES: [&str; 12] = [
        "子", "丑", "寅", "卯", "辰", "巳", "午", "未", "申", "酉", "戌", "亥",
    ];
    match n {
        1..=60 => format!(
            "{}{}",
            STEMS[(n as usize - 1) % 10],
            BRANCHES[(n as usize - 1) % 12]
        ),
        _ => n.to_string(),
    }
}

fn digits(n: u32, set: [char; 10]) -> String {
    n.to_string()
        .chars()
        .map(|c| set[c.to_digit(10).unwrap_or(0) as usize])
        .collect()
}

/// "001, 002, 003, ..." pads with zeros; other custom formats are decimal.
fn custom_format(custom: Option<&str>, n: u32) -> String {
    let first = custom
        .and_then(|c| c.split(',').next())
        .unwrap_or("")
        .trim();
    if first.len() > 1 && first.len() <= 9 && first.bytes().all(|b| b.is_ascii_digit()) {
        format!("{n:0width$}", width = first.len())
    } else {
        n.to_string()
    }
}

/// A CJK counting system: digits, the 十/百/千 units, the 万 group marker,
/// the zero written for gaps, and when the leading 一 is dropped.
struct Counting {
    digits: [&'static str; 10],
    units: [&'static str; 3],
    myriad: &'static str,
    zero: Option<&'static str>,
    drop_one: DropOne,
}

#[derive(PartialEq)]
enum DropOne {
    Never,
    /// Only 十 for 10–19 (Chinese).
    Teens,
    /// Before every unit: 十, 百, 千 (Japanese).
    Units,
}

const CN: [&str; 10] = ["〇", "一", "二", "三", "四", "五", "六", "七", "八", "九"];
const CHINESE: Counting = Counting {
    digits: CN,
    units: ["十", "百", "千"],
    myriad: "万",
    zero: Some("零"),
    drop_one: DropOne::Teens,
};
const TAIWANESE: Counting = Counting {
    myriad: "萬",
    ..CHINESE
};
const LEGAL_SIMPLIFIED: Counting = Counting {
    digits: ["零", "壹", "贰", "叁", "肆", "伍", "陆", "柒", "捌", "玖"],
    units: ["拾", "佰", "仟"],
    myriad: "万",
    zero: Some("零"),
    drop_one: DropOne::Never,
};
const LEGAL_TRADITIONAL: Counting = Counting {
    digits: ["零", "壹", "貳", "參", "肆", "伍", "陸", "柒", "捌", "玖"],
    myriad: "萬",
    ..LEGAL_SIMPLIFIED
};
const JAPANESE: Counting = Counting {
    digits: CN,
    units: ["十", "百", "千"],
    myriad: "万",
    zero: None,
    drop_one: DropOne::Units,
};
const JAPANESE_LEGAL: Counting = Counting {
    digits: ["〇", "壱", "弐", "参", "四", "伍", "六", "七", "八", "九"],
    units: ["拾", "百", "阡"],
    myriad: "萬",
    zero: None,
    drop_one: DropOne::Never,
};

fn counting(n: u32, sys: &Counting) -> String {
    if n == 0 || n >= 100_000_000 {
        return if n == 0 {
            sys.digits[0].to_string()
        } else {
            n.to_string()
        };
    }
    let (high, low) = (n / 10_000, n % 10_000);
    let mut out = String::new();
    if high > 0 {
        out += &counting_group(high, sys, n);
        out += sys.myriad;
        if low > 0 && low < 1000 {
            out += sys.zero.unwrap_or("");
        }
    }
    if low > 0 {
        out += &counting_group(low, sys, n);
    }
    out
}

/// One group below 10 000, e.g. 一千零一十.
fn counting_group(g: u32, sys: &Counting, whole: u32) -> String {
    let mut out = String::new();
    let mut gap = false;
    for place in (0..4).rev() {
        let d = (g / 10u32.pow(place)) % 10;
        if d == 0 {
            gap |= !out.is_empty();
            continue;
        }
        if std::mem::take(&mut gap) {
            out += sys.zero.unwrap_or("");
        }
        let drop = d == 1
            && place > 0
            && match sys.drop_one {
                DropOne::Never => false,
                DropOne::Teens => (10..20).contains(&whole),
                DropOne::Units => true,
            };
        if !drop {
            out += sys.digits[d as usize];
        }
        if place > 0 {
            out += sys.units[place as usize - 1];
        }
    }
    out
}

// ---------------------------------------------------------------------------
// The story reader: one streaming pass over document.xml (or notes)
// ---------------------------------------------------------------------------

/// Elements whose nesting matters while streaming.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Tag {
    P,
    PPr,
    NumPr,
    RPr,
    R,
    T,
    Tbl,
    TblPr,
    TblGrid,
    Tr,
    TrPr,
    Tc,
    TcPr,
    TextBox,
    Del,
    MoveFrom,
    Other,
}

const TAGS: usize = Tag::Other as usize + 1;

impl Tag {
    fn of(ns: Ns, local: &[u8]) -> Tag {
        match (ns, local) {
            (Ns::W, b"p") => Tag::P,
            (Ns::W, b"pPr") => Tag::PPr,
            (Ns::W, b"numPr") => Tag::NumPr,
            (Ns::W, b"rPr") => Tag::RPr,
            (Ns::W | Ns::Math, b"r") => Tag::R,
            (Ns::W | Ns::Math, b"t") => Tag::T,
            (Ns::W, b"tbl") => Tag::Tbl,
            (Ns::W, b"tblPr") => Tag::TblPr,
            (Ns::W, b"tblGrid") => Tag::TblGrid,
            (Ns::W, b"tr") => Tag::Tr,
            (Ns::W, b"trPr") => Tag::TrPr,
            (Ns::W, b"tc") => Tag::Tc,
            (Ns::W, b"tcPr") => Tag::TcPr,
            (Ns::W, b"txbxContent") => Tag::TextBox,
            (Ns::W, b"del") => Tag::Del,
            (Ns::W, b"moveFrom") => Tag::MoveFrom,
            _ => Tag::Other,
        }
    }
}

/// A paragraph being read.
#[derive(Debug, Default)]
struct ParaBuilder {
    source: ParaSource,
    table_style: Option<String>,
    /// `w:pStyle`.
    style: Option<String>,
    ppr: ParaProps,
    /// The paragraph mark is a tracked deletion: accepting joins this
    /// paragraph to the next.
    mark_deleted: bool,
    text: String,
    runs: Vec<RunInfo>,
    images: Vec<String>,
    linked_images: usize,
    /// Text-box content anchored here, emitted after the paragraph.
    anchored: Vec<Block>,
    run: Option<RunBuilder>,
}

impl ParaBuilder {
    /// Records the open run if it showed characters.
    fn end_run(&mut self) {
        let Some(run) = self.run.take() else { return };
        let Some(r) = run.resolved.filter(|_| run.chars > 0) else {
            return;
        };
        self.runs.push(RunInfo {
            range: run.start..self.text.len(),
            chars: run.chars,
            face: r.face,
            latin_face: r.latin,
            size_pt: r.size_half as f64 / 2.0,
            bold: r.bold,
        });
    }
}

#[derive(Debug, Default)]
struct RunBuilder {
    style: Option<String>,
    rpr: RunProps,
    start: usize,
    chars: usize,
    resolved: Option<ResolvedRun>,
}

#[derive(Debug, PartialEq)]
enum FlowKind {
    Root,
    TextBox,
    Cell,
}

/// Somewhere paragraphs flow: the body (or notes), a text box, a cell.
#[derive(Debug)]
struct Flow {
    kind: FlowKind,
    blocks: Vec<Block>,
    /// A paragraph whose mark was deleted, waiting to join the next one.
    carry: Option<ParaBuilder>,
    cell: CellProps,
}

impl Flow {
    fn new(kind: FlowKind) -> Flow {
        Flow {
            kind,
            blocks: Vec::new(),
            carry: None,
            cell: CellProps {
                span: 1,
                ..Default::default()
            },
        }
    }
}

#[derive(Debug, Default, Clone, Copy, PartialEq)]
enum Merge {
    #[default]
    No,
    Restart,
    Continue,
}

#[derive(Debug, Default, Clone, Copy)]
struct CellProps {
    span: usize,
    vmerge: Merge,
    hmerge_continue: bool,
}

#[derive(Debug, Default)]
struct TableBuilder {
    style: Option<String>,
    grid_cols: usize,
    rows: Vec<Vec<Cell>>,
    row: Option<RowBuilder>,
    /// Per grid column: the row holding the cell a vMerge continues.
    merge_origin: Vec<Option<usize>>,
}

#[derive(Debug, Default)]
struct RowBuilder {
    cells: Vec<(Vec<Para>, CellProps)>,
    deleted: bool,
    grid_before: usize,
    grid_after: usize,
}

/// Word allows 63 columns; spans past that are nonsense.
const MAX_SPAN: usize = 63;
const MAX_PADDED_WIDTH: usize = 1024;

impl TableBuilder {
    fn end_row(&mut self) {
        let Some(row) = self.row.take() else { return };
        if row.deleted {
            return;
        }
        let r = self.rows.len();
        let mut out: Vec<Cell> = (0..row.grid_before).map(|_| Cell::default()).collect();
        for (paras, props) in row.cells {
            let col = out.len();
            let span = props.span.clamp(1, MAX_SPAN);
            if self.merge_origin.len() < col + span {
                self.merge_origin.resize(col + span, None);
            }
            let origin = self.merge_origin[col];
            let mut cell = Cell { paras };
            match (props.vmerge, origin) {
                // Continuation cells stay empty; stray text moves up.
                (Merge::Continue, Some(o)) => {
                    let moved = std::mem::take(&mut cell.paras);
                    if let Some(target) = self.rows.get_mut(o).and_then(|row| row.get_mut(col)) {
                        target
                            .paras
                            .extend(moved.into_iter().filter(Para::is_visible));
                    }
                }
                (Merge::Restart, _) => self.merge_origin[col..col + span].fill(Some(r)),
                _ => self.merge_origin[col..col + span].fill(None),
            }
            if props.hmerge_continue {
                let moved = std::mem::take(&mut cell.paras);
                if let Some(prev) = out.last_mut() {
                    prev.paras
                        .extend(moved.into_iter().filter(Para::is_visible));
                }
            }
            out.push(cell);
            out.extend((1..span).map(|_| Cell::default()));
        }
        out.extend((0..row.grid_after).map(|_| Cell::default()));
        self.rows.push(out);
    }

    fn finish(mut self) -> Option<DocxTable> {
        self.end_row();
        let width = self
            .rows
            .iter()
            .map(Vec::len)
            .max()?
            .max(self.grid_cols.min(MAX_SPAN));
        // Padding is capped so one absurd row cannot multiply memory.
        let pad_to = width.min(MAX_PADDED_WIDTH);
        for row in &mut self.rows {
            if row.len() < pad_to {
                row.resize_with(pad_to, Cell::default);
            }
        }
        Some(DocxTable { rows: self.rows })
    }
}

#[derive(Debug)]
enum Frame {
    Flow(Box<Flow>),
    Table(TableBuilder),
}

/// Flattens blocks into paragraphs (tables row by row).
fn flatten(blocks: Vec<Block>) -> Vec<Para> {
    let mut out = Vec::new();
    for b in blocks {
        match b {
            Block::Para(p) => out.push(p),
            Block::Table(t) => out.extend(t.rows.into_iter().flatten().flat_map(|c| c.paras)),
        }
    }
    out
}

enum Step {
    Enter,
    Skip,
}

struct Story<'c> {
    ctx: &'c Ctx<'c>,
    rels: &'c Rels,
    /// Body or Note, for paragraphs outside tables and text boxes.
    root_source: ParaSource,
    stack: Vec<Tag>,
    /// How many of each tag are open, so "inside a deletion" is O(1)
    /// however deep the nesting.
    open: [usize; TAGS],
    /// The body (or notes) flow; tables, cells and text boxes stack on it.
    root: Flow,
    frames: Vec<Frame>,
    /// Open paragraphs; a text box inside a run opens one on top.
    paras: Vec<ParaBuilder>,
    /// Open complex fields: true while in the instruction part.
    fields: Vec<bool>,
    fields_in_instr: usize,
    lists: HashMap<(String, Option<String>), ListState>,
    deleted_rows: usize,
    text_boxes: usize,
    moved: Moved,
}

impl<'c> Story<'c> {
    fn new(ctx: &'c Ctx<'c>, rels: &'c Rels, root_source: ParaSource) -> Self {
        Story {
            ctx,
            rels,
            root_source,
            stack: Vec::new(),
            open: [0; TAGS],
            root: Flow::new(FlowKind::Root),
            frames: Vec::new(),
            paras: Vec::new(),
            fields: Vec::new(),
            fields_in_instr: 0,
            lists: HashMap::new(),
            deleted_rows: 0,
            text_boxes: 0,
            moved: Moved::default(),
        }
    }

    fn run(&mut self, xml: &[u8]) -> Result<(), String> {
        let mut x = Xml::new(xml);
        let result = loop {
            match x.next() {
                Err(e) => break Err(e),
                Ok(Item::Open(ns, e)) => {
                    let local = e.local_name();
                    match self.open_element(&x, ns, local.as_ref(), &e) {
                        Step::Enter => self.push(Tag::of(ns, local.as_ref())),
                        Step::Skip => {
                            if let Err(err) = x.skip(&e) {
                                break Err(err);
                            }
                        }
                    }
                }
                Ok(Item::Leaf(ns, e)) => {
                    let local = e.local_name();
                    if let Step::Enter = self.open_element(&x, ns, local.as_ref(), &e) {
                        self.push(Tag::of(ns, local.as_ref()));
                        self.pop();
                    }
                }
                Ok(Item::Close(..)) => self.pop(),
                Ok(Item::Text(t)) => {
                    if self.stack.last() == Some(&Tag::T) {
                        self.push_text(&t);
                    }
                }
                Ok(Item::Eof) => break Ok(()),
            }
        };
        // Whatever is still open (a truncated part) is closed in order.
        while !self.stack.is_empty() {
            self.pop();
        }
        result
    }

    fn into_blocks(mut self) -> Vec<Block> {
        while !self.frames.is_empty() {
            self.close_frame();
        }
        flush_carry(&mut self.root, self.ctx, &mut self.lists);
        self.root.blocks
    }

    fn push(&mut self, tag: Tag) {
        self.open[tag as usize] += 1;
        self.stack.push(tag);
    }

    fn pop(&mut self) {
        let Some(tag) = self.stack.pop() else { return };
        self.open[tag as usize] -= 1;
        match tag {
            Tag::P => self.end_para(),
            Tag::R => self.end_run(),
            Tag::Tr => self.end_row(),
            Tag::Tc => self.end_cell(),
            Tag::Tbl => self.end_table(),
            Tag::TextBox => self.end_text_box(),
            _ => {}
        }
    }

    fn parent(&self, up: usize) -> Option<Tag> {
        self.stack.iter().rev().nth(up).copied()
    }

    /// Text that accepting all changes would remove, or a field's code.
    fn suppressed(&self) -> bool {
        self.open[Tag::Del as usize] > 0
            || self.open[Tag::MoveFrom as usize] > 0
            || self.fields_in_instr > 0
    }

    fn open_element(&mut self, x: &Xml, ns: Ns, local: &[u8], e: &BytesStart) -> Step {
        match ns {
            Ns::W => self.open_w(local, e),
            Ns::A if local == b"blip" => {
                self.picture(x.rel_attr(e, b"embed"), x.rel_attr(e, b"link"));
                Step::Enter
            }
            Ns::Vml if local == b"imagedata" => {
                let id = x.rel_attr(e, b"id").or_else(|| attr(e, b"relid"));
                self.picture(id, attr(e, b"href"));
                Step::Enter
            }
            _ => Step::Enter,
        }
    }

    fn open_w(&mut self, local: &[u8], e: &BytesStart) -> Step {
        // Revision history, section and content-control properties, field
        // codes and deleted text never show.
        if local.ends_with(b"Change")
            || matches!(
                local,
                b"sectPr" | b"sdtPr" | b"sdtEndPr" | b"instrText" | b"delText" | b"delInstrText"
            )
        {
            return Step::Skip;
        }
        let parent = self.parent(0);
        match local {
            b"p" => self.start_para(),
            b"r" => self.start_run(),
            b"tbl" => self.start_table(),
            b"tr" => self.frame_table(|t| t.row = Some(RowBuilder::default())),
            b"tc" => self.start_flow(FlowKind::Cell),
            b"txbxContent" => return self.start_text_box(),
            b"footnote" | b"endnote" => return self.start_note(local, e),
            b"fldChar" => self.field_char(e),
            b"tab" | b"ptab" if parent == Some(Tag::R) => self.push_text(" "),
            b"br" | b"cr" if parent == Some(Tag::R) => self.push_text("\n"),
            b"noBreakHyphen" if parent == Some(Tag::R) => self.push_text("-"),
            b"sym" if parent == Some(Tag::R) => self.symbol(e),
            _ => self.property(local, e, parent),
        }
        Step::Enter
    }

    /// Children of the property containers.
    fn property(&mut self, local: &[u8], e: &BytesStart, parent: Option<Tag>) {
        let grand = self.parent(1);
        match parent {
            Some(Tag::RPr) if grand == Some(Tag::R) => {
                if let Some(run) = self.paras.last_mut().and_then(|p| p.run.as_mut()) {
                    if local == b"rStyle" {
                        run.style = attr(e, b"val");
                    } else {
                        run.rpr.apply(local, e);
                    }
                }
            }
            Some(Tag::RPr) if grand == Some(Tag::PPr) && matches!(local, b"del" | b"moveFrom") => {
                if let Some(p) = self.paras.last_mut() {
                    p.mark_deleted = true;
                }
            }
            Some(Tag::PPr | Tag::NumPr) => {
                if let Some(p) = self.paras.last_mut() {
                    if local == b"pStyle" {
                        p.style = attr(e, b"val");
                    } else {
                        p.ppr.apply(local, e);
                    }
                }
            }
            Some(Tag::TrPr) => {
                let mut newly_deleted = false;
                self.frame_table(|t| {
                    let Some(row) = t.row.as_mut() else { return };
                    let n = || num_attr::<usize>(e, b"val").unwrap_or(0).min(MAX_SPAN);
                    match local {
                        b"del" => newly_deleted = !std::mem::replace(&mut row.deleted, true),
                        b"gridBefore" => row.grid_before = n(),
                        b"gridAfter" => row.grid_after = n(),
                        _ => {}
                    }
                });
                // Known from trPr, before any of the row's cells.
                if newly_deleted {
                    self.deleted_rows += 1;
                }
            }
            Some(Tag::TcPr) => {
                if let Some(Frame::Flow(f)) = self.frames.last_mut() {
                    let merge = || match attr(e, b"val").as_deref() {
                        Some("restart") => Merge::Restart,
                        _ => Merge::Continue,
                    };
                    match local {
                        b"gridSpan" => f.cell.span = num_attr(e, b"val").unwrap_or(1),
                        b"vMerge" => f.cell.vmerge = merge(),
                        b"hMerge" => f.cell.hmerge_continue = merge() == Merge::Continue,
                        _ => {}
                    }
                }
            }
            Some(Tag::TblPr) if local == b"tblStyle" => {
                self.frame_table(|t| t.style = attr(e, b"val"));
            }
            Some(Tag::TblGrid) if local == b"gridCol" => self.frame_table(|t| t.grid_cols += 1),
            _ => {}
        }
    }

    fn frame_table(&mut self, f: impl FnOnce(&mut TableBuilder)) {
        if let Some(Frame::Table(t)) = self.frames.last_mut() {
            f(t);
        }
    }

    /// The innermost flow (the body at least).
    fn flow(&mut self) -> &mut Flow {
        let inner = self.frames.iter_mut().rev().find_map(|f| match f {
            Frame::Flow(f) => Some(&mut **f),
            Frame::Table(_) => None,
        });
        inner.unwrap_or(&mut self.root)
    }

    fn start_flow(&mut self, kind: FlowKind) {
        self.frames.push(Frame::Flow(Box::new(Flow::new(kind))));
    }

    fn start_para(&mut self) {
        // Source and table style come from the innermost flow and the
        // table around it.
        let mut source = self.root_source;
        let mut table_style = None;
        for (i, f) in self.frames.iter().enumerate().rev() {
            if let Frame::Flow(flow) = f {
                match flow.kind {
                    FlowKind::TextBox => source = ParaSource::TextBox,
                    FlowKind::Cell => {
                        source = ParaSource::TableCell;
                        if let Some(Frame::Table(t)) = i.checked_sub(1).map(|j| &self.frames[j]) {
                            table_style = t.style.clone();
                        }
                    }
                    FlowKind::Root => {}
                }
                break;
            }
        }
        let mut pb = ParaBuilder {
            source,
            table_style,
            ..Default::default()
        };
        if let Some(carry) = self.flow().carry.take() {
            pb.text = carry.text;
            pb.runs = carry.runs;
            pb.images = carry.images;
            pb.linked_images = carry.linked_images;
            pb.anchored = carry.anchored;
        }
        self.paras.push(pb);
    }

    fn end_para(&mut self) {
        let Some(mut pb) = self.paras.pop() else {
            return;
        };
        // Rows deleted as a whole go, paragraphs and all.
        if self.deleted_rows > 0 {
            return;
        }
        pb.end_run();
        if pb.mark_deleted {
            self.flow().carry = Some(pb);
            return;
        }
        if self.text_boxes > 0 {
            self.moved.text_box_paragraphs += 1;
        }
        self.emit(pb);
    }

    /// Resolves a paragraph into the innermost flow, anchored text boxes
    /// after it.
    fn emit(&mut self, pb: ParaBuilder) {
        let (para, anchored) = finish_para(pb, self.ctx, &mut self.lists);
        let flow = self.flow();
        flow.blocks.push(Block::Para(para));
        flow.blocks.extend(anchored);
    }

    fn start_run(&mut self) {
        if let Some(p) = self.paras.last_mut() {
            p.run = Some(RunBuilder {
                start: p.text.len(),
                ..Default::default()
            });
        }
    }

    fn end_run(&mut self) {
        if let Some(p) = self.paras.last_mut() {
            p.end_run();
        }
    }

    fn push_text(&mut self, s: &str) {
        if self.suppressed() {
            return;
        }
        let ctx = self.ctx;
        let Some(p) = self.paras.last_mut() else {
            return;
        };
        if let Some(run) = p.run.as_mut() {
            // rPr comes before the run's content, so it is complete here.
            let at = RunContext {
                para_style: p.style.as_deref(),
                table_style: p.table_style.as_deref(),
                run_style: run.style.as_deref(),
            };
            let rpr = &run.rpr;
            let resolved = run
                .resolved
                .get_or_insert_with(|| ctx.resolve_run(&at, rpr));
            if resolved.hidden {
                return;
            }
            run.chars += s.chars().filter(|c| !c.is_whitespace()).count();
        }
        p.text.push_str(s);
    }

    /// `w:sym`: a character from a symbol font; private-use codes only
    /// mean something in that font, so they are left out.
    fn symbol(&mut self, e: &BytesStart) {
        let c = attr(e, b"char")
            .and_then(|h| u32::from_str_radix(h.trim(), 16).ok())
            .filter(|c| !(0xE000..=0xF8FF).contains(c))
            .and_then(char::from_u32);
        if let Some(c) = c {
            self.push_text(c.encode_utf8(&mut [0; 4]));
        }
    }

    fn field_char(&mut self, e: &BytesStart) {
        if self.open[Tag::Del as usize] > 0 || self.open[Tag::MoveFrom as usize] > 0 {
            return;
        }
        match attr(e, b"fldCharType").as_deref() {
            Some("begin") => {
                self.fields.push(true);
                self.fields_in_instr += 1;
            }
            Some("separate") => {
                if let Some(f) = self.fields.last_mut().filter(|f| **f) {
                    *f = false;
                    self.fields_in_instr -= 1;
                }
            }
            Some("end") => self.fields_in_instr -= usize::from(self.fields.pop() == Some(true)),
            _ => {}
        }
    }

    fn picture(&mut self, embed: Option<String>, link: Option<String>) {
        if self.suppressed() {
            return;
        }
        let rel = embed.and_then(|id| self.rels.by_id.get(&id));
        let Some(p) = self.paras.last_mut() else {
            return;
        };
        match rel {
            Some(r) if !r.external => p.images.push(r.target.clone()),
            Some(_) => p.linked_images += 1,
            None if link.is_some() => p.linked_images += 1,
            None => {}
        }
    }

    fn start_table(&mut self) {
        // A paragraph waiting for its deleted mark to join cannot join
        // across a table.
        if let Some(pb) = self.flow().carry.take() {
            self.emit(pb);
        }
        self.frames.push(Frame::Table(TableBuilder::default()));
    }

    fn end_row(&mut self) {
        let mut deleted = false;
        self.frame_table(|t| {
            deleted = t.row.as_ref().is_some_and(|r| r.deleted);
            t.end_row();
        });
        if deleted {
            self.deleted_rows = self.deleted_rows.saturating_sub(1);
        }
    }

    fn end_cell(&mut self) {
        if !matches!(self.frames.last(), Some(Frame::Flow(f)) if f.kind == FlowKind::Cell) {
            return;
        }
        let Some(Frame::Flow(mut f)) = self.frames.pop() else {
            return;
        };
        flush_carry(&mut f, self.ctx, &mut self.lists);
        let paras = flatten(f.blocks);
        match self.frames.last_mut() {
            Some(Frame::Table(t)) => {
                if let Some(row) = t.row.as_mut() {
                    row.cells.push((paras, f.cell));
                }
            }
            // A cell outside any table keeps its text.
            _ => self
                .flow()
                .blocks
                .extend(paras.into_iter().map(Block::Para)),
        }
    }

    fn end_table(&mut self) {
        if !matches!(self.frames.last(), Some(Frame::Table(_))) {
            return;
        }
        if let Some(Frame::Table(t)) = self.frames.pop() {
            self.push_table(t);
        }
    }

    fn push_table(&mut self, t: TableBuilder) {
        if let Some(table) = t.finish() {
            self.flow().blocks.push(Block::Table(table));
        }
    }

    /// Pops the innermost frame whatever it is (end of a truncated part).
    fn close_frame(&mut self) {
        match self.frames.last() {
            Some(Frame::Table(_)) => self.end_table(),
            Some(Frame::Flow(f)) if f.kind == FlowKind::Cell => self.end_cell(),
            Some(Frame::Flow(f)) if f.kind == FlowKind::TextBox => self.end_text_box(),
            Some(Frame::Flow(_)) => {
                self.frames.pop();
            }
            None => {}
        }
    }

    fn start_text_box(&mut self) -> Step {
        if self.suppressed() || self.deleted_rows > 0 {
            return Step::Skip;
        }
        self.moved.shapes_with_text += 1;
        self.text_boxes += 1;
        self.start_flow(FlowKind::TextBox);
        Step::Enter
    }

    fn end_text_box(&mut self) {
        if !matches!(self.frames.last(), Some(Frame::Flow(f)) if f.kind == FlowKind::TextBox) {
            return;
        }
        let Some(Frame::Flow(mut f)) = self.frames.pop() else {
            return;
        };
        flush_carry(&mut f, self.ctx, &mut self.lists);
        self.text_boxes = self.text_boxes.saturating_sub(1);
        match self.paras.last_mut() {
            Some(anchor) => anchor.anchored.extend(f.blocks),
            None => self.flow().blocks.extend(f.blocks),
        }
    }

    fn start_note(&mut self, local: &[u8], e: &BytesStart) -> Step {
        let kind = attr(e, b"type").unwrap_or_default();
        if matches!(
            kind.as_str(),
            "separator" | "continuationSeparator" | "continuationNotice"
        ) {
            return Step::Skip;
        }
        if local == b"footnote" {
            self.moved.footnotes += 1;
        } else {
            self.moved.endnotes += 1;
        }
        Step::Enter
    }
}

/// A paragraph left waiting by a deleted mark, emitted when its flow ends.
fn flush_carry(f: &mut Flow, ctx: &Ctx, lists: &mut HashMap<(String, Option<String>), ListState>) {
    if let Some(pb) = f.carry.take() {
        let (para, anchored) = finish_para(pb, ctx, lists);
        f.blocks.push(Block::Para(para));
        f.blocks.extend(anchored);
    }
}

/// Resolves a finished paragraph: alignment, outline level and style name
/// through the style chain, and the numbering marker.
fn finish_para(
    pb: ParaBuilder,
    ctx: &Ctx,
    lists: &mut HashMap<(String, Option<String>), ListState>,
) -> (Para, Vec<Block>) {
    let st = ctx.styles;
    let style_id = pb.style.clone().or_else(|| st.default_para.clone());
    let pchain = st.chain(style_id.as_deref());
    let tchain = st.chain(pb.table_style.as_deref());
    let is_default = style_id == st.default_para;
    let mut layers: Vec<&ParaProps> = vec![&pb.ppr];
    let (first, second) = if is_default {
        (&tchain, &pchain)
    } else {
        (&pchain, &tchain)
    };
    layers.extend(first.iter().chain(second.iter()).map(|s| &s.ppr));
    layers.push(&st.doc_ppr);
    let align = layers.iter().find_map(|l| l.align).unwrap_or_default();
    let outline = std::iter::once(&pb.ppr)
        .chain(pchain.iter().map(|s| &s.ppr))
        .find_map(|l| l.outline)
        .filter(|l| *l < 9);
    let numbering = number(&pb, &pchain, style_id.as_deref(), ctx, lists);

    let mut text = pb.text;
    let mut runs = pb.runs;
    let info = numbering.map(|m| {
        // Word separates marker and text with a tab (or space); between
        // "1." and Latin text that reads as a space, before Chinese as
        // nothing, the way people type it.
        let sep = m.separated
            && m.shown.chars().last().is_some_and(|c| c.is_ascii())
            && text
                .chars()
                .next()
                .is_some_and(|c| c.is_ascii_alphanumeric());
        let prefix = if sep {
            format!("{} ", m.shown)
        } else {
            m.shown
        };
        text.insert_str(0, &prefix);
        for r in &mut runs {
            r.range = r.range.start + prefix.len()..r.range.end + prefix.len();
        }
        m.info
    });
    let para = Para {
        text,
        runs,
        align,
        style_name: style_id
            .as_deref()
            .and_then(|id| st.by_id.get(id))
            .and_then(|s| s.name.clone()),
        outline_level: outline,
        numbering: info,
        images: pb.images,
        linked_images: pb.linked_images,
        source: pb.source,
        index: 0,
    };
    (para, pb.anchored)
}

/// A paragraph's numbering as shown.
struct Marker {
    info: NumberingInfo,
    /// Put in front of the text (empty for bullets and `none`).
    shown: String,
    /// Word puts a tab or space after the marker (`w:suff`).
    separated: bool,
}

/// The numbering of a paragraph, advancing its list.
fn number(
    pb: &ParaBuilder,
    pchain: &[&Style],
    style_id: Option<&str>,
    ctx: &Ctx,
    lists: &mut HashMap<(String, Option<String>), ListState>,
) -> Option<Marker> {
    // Direct numPr first; a style's numPr otherwise (numId 0 switches off).
    let from_style = pb.ppr.num_id.is_none();
    let num_id = pb
        .ppr
        .num_id
        .clone()
        .or_else(|| pchain.iter().find_map(|s| s.ppr.num_id.clone()))
        .filter(|id| id != "0" && !id.is_empty())?;
    let numbering = ctx.numbering;
    let (abs_id, abs) = numbering.abstract_of(&num_id, ctx.styles)?;
    let num = numbering.nums.get(&num_id)?;
    let level = pb
        .ppr
        .ilvl
        .or_else(|| {
            from_style
                .then(|| pchain.iter().find_map(|s| s.ppr.ilvl))
                .flatten()
        })
        .or_else(|| {
            abs.levels
                .iter()
                .find(|(_, l)| l.style.is_some() && l.style.as_deref() == style_id)
                .map(|(i, _)| *i)
        })
        .unwrap_or(0)
        .min(8);
    let def =
        |k: u8| -> Option<&Level> { num.level_overrides.get(&k).or_else(|| abs.levels.get(&k)) };
    let start = |k: u8| {
        num.start_overrides
            .get(&k)
            .copied()
            .or_else(|| def(k).map(|l| l.start))
            .unwrap_or(1)
    };
    let lvl = def(level)?;

    // A w:num with start overrides is a list of its own; others share the
    // abstract definition's counters, as Word continues them.
    let key = (
        abs_id.clone(),
        (!num.start_overrides.is_empty()).then(|| num_id.clone()),
    );
    let vals = lists.entry(key).or_insert([None; 9]);
    // Shallower levels not yet used show their start value (Word numbers
    // a first second-level item "1.1").
    for k in 0..level {
        vals[k as usize].get_or_insert(start(k));
    }
    let l = level as usize;
    vals[l] = Some(vals[l].map_or(start(level), |v| v.saturating_add(1)));
    for k in level + 1..9 {
        let restarts = match def(k).and_then(|d| d.restart) {
            Some(0) => false,
            Some(r) => (level as u32) < r,
            None => true,
        };
        if restarts {
            vals[k as usize] = None;
        }
    }

    let marker = if lvl.format == "bullet" {
        lvl.text.clone()
    } else {
        let mut out = String::new();
        let mut chars = lvl.text.chars().peekable();
        while let Some(c) = chars.next() {
            let place = chars
                .peek()
                .and_then(|d| d.to_digit(10))
                .filter(|d| (1..=9).contains(d));
            match (c, place) {
                ('%', Some(m)) => {
                    chars.next();
                    let k = (m - 1) as u8;
                    let v = vals[k as usize].unwrap_or_else(|| start(k));
                    let (fmt, custom) = match def(k) {
                        _ if lvl.legal && k != level => ("decimal", None),
                        Some(d) => (d.format.as_str(), d.custom.as_deref()),
                        None => ("decimal", None),
                    };
                    out += &format_number(fmt, custom, v);
                }
                _ => out.push(c),
            }
        }
        out
    };
    Some(Marker {
        shown: if lvl.format == "bullet" {
            String::new()
        } else {
            marker.clone()
        },
        separated: lvl.suffix.as_deref() != Some("nothing"),
        info: NumberingInfo {
            num_id,
            level,
            format: lvl.format.clone(),
            marker,
        },
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    const NS: &str = concat!(
        r#"xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" "#,
        r#"xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships" "#,
        r#"xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006" "#,
        r#"xmlns:wps="http://schemas.microsoft.com/office/word/2010/wordprocessingShape" "#,
        r#"xmlns:wp="http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing" "#,
        r#"xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main" "#,
        r#"xmlns:pic="http://schemas.openxmlformats.org/drawingml/2006/picture" "#,
        r#"xmlns:v="urn:schemas-microsoft-com:vml" "#,
        r#"xmlns:o="urn:schemas-microsoft-com:office:office""#
    );

    /// A package holding `parts`; document.xml wraps `body`.
    fn pack(body: &str, parts: &[(&str, &str)]) -> Vec<u8> {
        let mut out = Cursor::new(Vec::new());
        {
            let mut z = zip::ZipWriter::new(&mut out);
            let o = zip::write::SimpleFileOptions::default();
            let document = format!("<w:document {NS}><w:body>{body}</w:body></w:document>");
            for (name, xml) in [("word/document.xml", document.as_str())]
                .into_iter()
                .chain(parts.iter().copied())
            {
                z.start_file(name, o).unwrap();
                z.write_all(xml.as_bytes()).unwrap();
            }
            z.finish().unwrap();
        }
        out.into_inner()
    }

    fn read_body(body: &str, parts: &[(&str, &str)]) -> DocxContent {
        read(&pack(body, parts)).unwrap()
    }

    /// Visible paragraph texts in reading order, notes last.
    fn texts(c: &DocxContent) -> Vec<String> {
        c.paragraphs()
            .into_iter()
            .chain(&c.notes)
            .filter(|p| p.is_visible())
            .map(|p| p.text.clone())
            .collect()
    }

    fn p(text: &str) -> String {
        format!("<w:p><w:r><w:t xml:space=\"preserve\">{text}</w:t></w:r></w:p>")
    }

    fn numbered(num: u32, level: u32, text: &str) -> String {
        format!(
            r#"<w:p><w:pPr><w:numPr><w:ilvl w:val="{level}"/><w:numId w:val="{num}"/></w:numPr></w:pPr><w:r><w:t>{text}</w:t></w:r></w:p>"#
        )
    }

    fn numbering(inner: &str) -> String {
        format!("<w:numbering {NS}>{inner}</w:numbering>")
    }

    fn lvl(i: u32, start: u32, fmt: &str, text: &str) -> String {
        format!(
            r#"<w:lvl w:ilvl="{i}"><w:start w:val="{start}"/><w:numFmt w:val="{fmt}"/><w:lvlText w:val="{text}"/></w:lvl>"#
        )
    }

    /// (format, value, what Word shows).
    const FORMATS: &[(&str, u32, &str)] = &[
        ("decimal", 7, "7"),
        ("decimalZero", 7, "07"),
        ("decimalZero", 12, "12"),
        ("decimalFullWidth", 12, "１２"),
        ("decimalFullWidth2", 3, "３"),
        ("decimalHalfWidth", 3, "3"),
        ("decimalEnclosedCircle", 1, "①"),
        ("decimalEnclosedCircle", 20, "⑳"),
        ("decimalEnclosedCircle", 21, "21"),
        ("decimalEnclosedCircleChinese", 3, "③"),
        ("decimalEnclosedFullstop", 1, "⒈"),
        ("decimalEnclosedFullstop", 20, "⒛"),
        ("decimalEnclosedParen", 1, "⑴"),
        ("decimalEnclosedParen", 20, "⒇"),
        ("ideographEnclosedCircle", 1, "㈠"),
        ("ideographEnclosedCircle", 10, "㈩"),
        ("ideographEnclosedCircle", 11, "11"),
        ("chineseCounting", 1, "一"),
        ("chineseCounting", 10, "十"),
        ("chineseCounting", 11, "十一"),
        ("chineseCounting", 20, "二十"),
        ("chineseCounting", 21, "二十一"),
        ("chineseCounting", 99, "九十九"),
        ("chineseCounting", 100, "一○○"),
        ("chineseCounting", 101, "一○一"),
        ("chineseCountingThousand", 10, "十"),
        ("chineseCountingThousand", 15, "十五"),
        ("chineseCountingThousand", 100, "一百"),
        ("chineseCountingThousand", 101, "一百零一"),
        ("chineseCountingThousand", 110, "一百一十"),
        ("chineseCountingThousand", 1000, "一千"),
        ("chineseCountingThousand", 1001, "一千零一"),
        ("chineseCountingThousand", 1010, "一千零一十"),
        ("chineseCountingThousand", 10000, "一万"),
        ("chineseCountingThousand", 10010, "一万零一十"),
        ("chineseLegalSimplified", 1, "壹"),
        ("chineseLegalSimplified", 10, "壹拾"),
        ("chineseLegalSimplified", 21, "贰拾壹"),
        ("chineseLegalSimplified", 101, "壹佰零壹"),
        ("chineseLegalSimplified", 1000, "壹仟"),
        ("ideographLegalTraditional", 10, "壹拾"),
        ("ideographLegalTraditional", 23, "貳拾參"),
        ("ideographLegalTraditional", 10000, "壹萬"),
        ("japaneseCounting", 1, "一"),
        ("japaneseCounting", 4, "四"),
        ("japaneseCounting", 10, "十"),
        ("japaneseCounting", 11, "十一"),
        ("japaneseCounting", 20, "二十"),
        ("japaneseCounting", 100, "百"),
        ("japaneseCounting", 101, "百一"),
        ("japaneseCounting", 1000, "千"),
        ("japaneseCounting", 10000, "一万"),
        ("japaneseLegal", 1, "壱"),
        ("japaneseLegal", 10, "壱拾"),
        ("japaneseLegal", 22, "弐拾弐"),
        ("japaneseLegal", 1000, "壱阡"),
        ("japaneseDigitalTenThousand", 10, "一〇"),
        ("japaneseDigitalTenThousand", 10001, "一万〇〇〇一"),
        ("ideographDigital", 10, "一〇"),
        ("ideographDigital", 105, "一〇五"),
        ("ideographTraditional", 1, "甲"),
        ("ideographTraditional", 10, "癸"),
        ("ideographTraditional", 11, "11"),
        ("ideographZodiac", 1, "子"),
        ("ideographZodiac", 12, "亥"),
        ("ideographZodiacTraditional", 1, "甲子"),
        ("ideographZodiacTraditional", 11, "甲戌"),
        ("taiwaneseCounting", 11, "十一"),
        ("taiwaneseCountingThousand", 10000, "一萬"),
        ("taiwaneseCountingThousand", 101, "一百零一"),
        ("taiwaneseDigital", 105, "一〇五"),
        ("upperLetter", 1, "A"),
        ("upperLetter", 26, "Z"),
        ("upperLetter", 27, "AA"),
        ("upperLetter", 28, "BB"),
        ("lowerLetter", 3, "c"),
        ("upperRoman", 4, "IV"),
        ("upperRoman", 1994, "MCMXCIV"),
        ("lowerRoman", 9, "ix"),
        ("ordinal", 1, "1st"),
        ("ordinal", 2, "2nd"),
        ("ordinal", 11, "11th"),
        ("ordinal", 23, "23rd"),
        ("cardinalText", 3, "3"),
        ("ordinalText", 3, "3"),
        ("hex", 255, "FF"),
        ("chicago", 5, "**"),
        ("bullet", 1, ""),
        ("none", 1, ""),
        ("somethingNew", 4, "4"),
    ];

    #[test]
    fn number_formats() {
        for (fmt, n, want) in FORMATS {
            assert_eq!(format_number(fmt, None, *n), *want, "{fmt} {n}");
        }
        assert_eq!(
            format_number("custom", Some("001, 002, 003, ..."), 7),
            "007"
        );
        assert_eq!(format_number("custom", Some("一, 二"), 7), "7");
        // Absurd values stay bounded.
        assert_eq!(
            format_number("upperLetter", None, u32::MAX),
            u32::MAX.to_string()
        );
        assert_eq!(
            format_number("upperRoman", None, u32::MAX),
            u32::MAX.to_string()
        );
    }

    /// Every format through numbering.xml: one list per case, started at
    /// the value (w:start), so the first item shows it.
    #[test]
    fn every_format_through_numbering_xml() {
        let mut defs = String::new();
        let mut body = String::new();
        for (i, (fmt, n, _)) in FORMATS.iter().enumerate() {
            defs += &format!(
                r#"<w:abstractNum w:abstractNumId="{i}">{}</w:abstractNum><w:num w:numId="{}"><w:abstractNumId w:val="{i}"/></w:num>"#,
                lvl(0, *n, fmt, "%1|"),
                i + 1
            );
            body += &numbered(i as u32 + 1, 0, "正文");
        }
        let c = read_body(&body, &[("word/numbering.xml", &numbering(&defs))]);
        let got = texts(&c);
        for ((fmt, n, want), text) in FORMATS.iter().zip(&got) {
            let expected = if *fmt == "bullet" {
                "正文".to_string()
            } else {
                format!("{want}|正文")
            };
            assert_eq!(text, &expected, "{fmt} {n}");
        }
        assert_eq!(got.len(), FORMATS.len());
    }

    /// The document of the project's old importer test: same texts, and
    /// the text box it used to drop now follows its anchor.
    #[test]
    fn the_old_importer_test_document() {
        let body = r#"
<w:p><w:pPr><w:jc w:val="center"/></w:pPr><w:r><w:rPr><w:rFonts w:eastAsia="宋体"/><w:sz w:val="36"/></w:rPr><w:t>标题</w:t></w:r></w:p>
<w:p><w:pPr><w:jc w:val="center"/></w:pPr><w:r><w:t>某职业学校</w:t></w:r></w:p>
<w:p><w:r><w:t xml:space="preserve">　　正文</w:t></w:r><w:ins><w:r><w:t>新增</w:t></w:r></w:ins><w:del><w:r><w:delText>删除</w:delText></w:r></w:del><w:r><w:fldChar w:fldCharType="begin"/></w:r><w:r><w:instrText>PAGE</w:instrText></w:r><w:r><w:fldChar w:fldCharType="separate"/></w:r><w:r><w:t>7</w:t></w:r><w:r><w:fldChar w:fldCharType="end"/></w:r><w:hyperlink r:id="x"><w:r><w:t>链接&amp;文字</w:t></w:r></w:hyperlink><w:r><w:pict><w:txbxContent><w:p><w:r><w:t>文本框</w:t></w:r></w:p></w:txbxContent></w:pict></w:r><w:commentRangeStart w:id="1"/><w:r><w:t>第二行</w:t><w:br/><w:t>续</w:t></w:r></w:p>
<w:p><w:pPr><w:numPr><w:ilvl w:val="0"/><w:numId w:val="5"/></w:numPr></w:pPr><w:r><w:t>活动概况</w:t></w:r></w:p>
<w:p><w:pPr><w:numPr><w:ilvl w:val="0"/><w:numId w:val="5"/></w:numPr></w:pPr><w:r><w:t>主要做法</w:t></w:r></w:p>
<w:p/>"#;
        let n = r#"<w:numbering xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:abstractNum w:abstractNumId="1"><w:lvl w:ilvl="0"><w:numFmt w:val="chineseCounting"/><w:lvlText w:val="%1、"/></w:lvl></w:abstractNum><w:num w:numId="5"><w:abstractNumId w:val="1"/></w:num></w:numbering>"#;
        let c = read_body(body, &[("word/numbering.xml", n)]);
        assert_eq!(
            texts(&c),
            [
                "标题",
                "某职业学校",
                "　　正文新增7链接&文字第二行\n续",
                "文本框",
                "一、活动概况",
                "二、主要做法"
            ]
        );
        let title = c.paragraphs()[0];
        assert!(title.centered());
        assert_eq!(title.dominant_size(), Some((18.0, 1.0)));
        assert_eq!(title.dominant_face(), Some(("宋体".into(), 1.0)));
    }

    #[test]
    fn a_level_without_start_counts_from_one() {
        let n = numbering(
            r#"<w:abstractNum w:abstractNumId="1"><w:lvl w:ilvl="0"><w:numFmt w:val="chineseCounting"/><w:lvlText w:val="%1、"/></w:lvl></w:abstractNum><w:num w:numId="5"><w:abstractNumId w:val="1"/></w:num>"#,
        );
        let body = numbered(5, 0, "活动概况") + &numbered(5, 0, "主要做法");
        let c = read_body(&body, &[("word/numbering.xml", &n)]);
        assert_eq!(texts(&c), ["一、活动概况", "二、主要做法"]);
    }

    #[test]
    fn numbering_in_a_document_counts_past_ten() {
        let body: String = (1..=12)
            .map(|i| numbered(1, 0, &format!("第{i}项")))
            .collect();
        let n = numbering(&format!(
            r#"<w:abstractNum w:abstractNumId="0">{}</w:abstractNum><w:num w:numId="1"><w:abstractNumId w:val="0"/></w:num>"#,
            lvl(0, 1, "chineseCounting", "%1、")
        ));
        let c = read_body(&body, &[("word/numbering.xml", &n)]);
        let t = texts(&c);
        assert_eq!(t[0], "一、第1项");
        assert_eq!(t[9], "十、第10项");
        assert_eq!(t[10], "十一、第11项");
        assert_eq!(t[11], "十二、第12项");
        let info = c.paragraphs()[0].numbering.clone().unwrap();
        assert_eq!(
            (info.format.as_str(), info.level, info.marker.as_str()),
            ("chineseCounting", 0, "一、")
        );
    }

    #[test]
    fn multi_level_text_and_restart() {
        let n = numbering(&format!(
            r#"<w:abstractNum w:abstractNumId="0">{}{}{}</w:abstractNum><w:num w:numId="1"><w:abstractNumId w:val="0"/></w:num>"#,
            lvl(0, 1, "decimal", "%1."),
            lvl(1, 1, "decimal", "%1.%2."),
            lvl(2, 1, "lowerLetter", "%1.%2.%3)"),
        ));
        let body = [
            numbered(1, 1, "甲"), // a second level first: Word shows 1.1.
            numbered(1, 0, "乙"),
            numbered(1, 1, "丙"),
            numbered(1, 2, "丁"),
            numbered(1, 1, "戊"),
            numbered(1, 2, "己"),
            numbered(1, 0, "庚"),
            numbered(1, 1, "Latin"), // a space between "3.1." and Latin text
        ]
        .concat();
        let c = read_body(&body, &[("word/numbering.xml", &n)]);
        assert_eq!(
            texts(&c),
            [
                "1.1.甲",
                "2.乙",
                "2.1.丙",
                "2.1.a)丁",
                "2.2.戊",
                "2.2.a)己",
                "3.庚",
                "3.1. Latin"
            ]
        );
    }

    #[test]
    fn start_values_overrides_and_restart_rules() {
        let n = numbering(&format!(
            r#"<w:abstractNum w:abstractNumId="0">{}<w:lvl w:ilvl="1"><w:start w:val="1"/><w:numFmt w:val="decimal"/><w:lvlRestart w:val="0"/><w:lvlText w:val="(%2)"/></w:lvl></w:abstractNum>
               <w:abstractNum w:abstractNumId="1"><w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="chineseCounting"/><w:lvlText w:val="%1、"/></w:lvl><w:lvl w:ilvl="1"><w:start w:val="1"/><w:numFmt w:val="decimal"/><w:isLgl/><w:lvlText w:val="%1.%2"/></w:lvl></w:abstractNum>
               <w:num w:numId="1"><w:abstractNumId w:val="0"/></w:num>
               <w:num w:numId="2"><w:abstractNumId w:val="0"/></w:num>
               <w:num w:numId="3"><w:abstractNumId w:val="0"/><w:lvlOverride w:ilvl="0"><w:startOverride w:val="5"/></w:lvlOverride></w:num>
               <w:num w:numId="4"><w:abstractNumId w:val="1"/></w:num>
               <w:num w:numId="5"><w:abstractNumId w:val="0"/><w:lvlOverride w:ilvl="0"><w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="upperRoman"/><w:lvlText w:val="%1:"/></w:lvl></w:lvlOverride></w:num>"#,
            lvl(0, 3, "decimal", "%1."),
        ));
        let body = [
            numbered(1, 0, "甲"),
            numbered(1, 1, "乙"),
            numbered(2, 0, "丙"), // same abstract: continues the list
            numbered(1, 1, "丁"), // lvlRestart 0: never restarts
            numbered(3, 0, "戊"), // startOverride: a list of its own
            numbered(3, 0, "己"),
            numbered(4, 0, "庚"),
            numbered(4, 1, "辛"), // isLgl: the first level as a plain number
            numbered(5, 0, "壬"), // a whole level replaced in the w:num
        ]
        .concat();
        let c = read_body(&body, &[("word/numbering.xml", &n)]);
        assert_eq!(
            texts(&c),
            [
                "3.甲",
                "(1)乙",
                "4.丙",
                "(2)丁",
                "5.戊",
                "6.己",
                "一、庚",
                "1.1辛",
                "V:壬"
            ]
        );
    }

    #[test]
    fn numbering_from_the_paragraph_style() {
        let styles = format!(
            r#"<w:styles {NS}>
              <w:style w:type="paragraph" w:default="1" w:styleId="a"><w:name w:val="Normal"/></w:style>
              <w:style w:type="paragraph" w:styleId="1"><w:name w:val="heading 1"/><w:basedOn w:val="a"/><w:pPr><w:numPr><w:numId w:val="1"/></w:numPr><w:outlineLvl w:val="0"/></w:pPr></w:style>
              <w:style w:type="paragraph" w:styleId="2"><w:name w:val="heading 2"/><w:basedOn w:val="1"/><w:pPr><w:outlineLvl w:val="1"/></w:pPr></w:style>
              <w:style w:type="numbering" w:styleId="L"><w:name w:val="List"/><w:pPr><w:numPr><w:numId w:val="2"/></w:numPr></w:pPr></w:style>
            </w:styles>"#
        );
        let n = numbering(
            r#"<w:abstractNum w:abstractNumId="0">
                 <w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="japaneseCounting"/><w:pStyle w:val="1"/><w:lvlText w:val="%1、"/></w:lvl>
                 <w:lvl w:ilvl="1"><w:start w:val="1"/><w:numFmt w:val="chineseCounting"/><w:pStyle w:val="2"/><w:lvlText w:val="（%2）"/></w:lvl>
               </w:abstractNum>
               <w:abstractNum w:abstractNumId="1"><w:numStyleLink w:val="L"/></w:abstractNum>
               <w:abstractNum w:abstractNumId="2"><w:styleLink w:val="L"/><w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="decimalEnclosedCircle"/><w:lvlText w:val="%1"/></w:lvl></w:abstractNum>
               <w:num w:numId="1"><w:abstractNumId w:val="0"/></w:num>
               <w:num w:numId="2"><w:abstractNumId w:val="2"/></w:num>
               <w:num w:numId="3"><w:abstractNumId w:val="1"/></w:num>"#,
        );
        let h = |style: &str, text: &str| {
            format!(
                r#"<w:p><w:pPr><w:pStyle w:val="{style}"/></w:pPr><w:r><w:t>{text}</w:t></w:r></w:p>"#
            )
        };
        let body = [
            h("1", "总体情况"),
            h("2", "第一点"),
            h("2", "第二点"),
            h("1", "下一步"),
            // numId 0 switches the style's numbering off.
            r#"<w:p><w:pPr><w:pStyle w:val="1"/><w:numPr><w:numId w:val="0"/></w:numPr></w:pPr><w:r><w:t>无编号</w:t></w:r></w:p>"#.into(),
            numbered(3, 0, "经由编号样式"),
        ]
        .concat();
        let c = read_body(
            &body,
            &[("word/styles.xml", &styles), ("word/numbering.xml", &n)],
        );
        assert_eq!(
            texts(&c),
            [
                "一、总体情况",
                "（一）第一点",
                "（二）第二点",
                "二、下一步",
                "无编号",
                "①经由编号样式"
            ]
        );
        let ps = c.paragraphs();
        assert_eq!(ps[0].style_name.as_deref(), Some("heading 1"));
        assert_eq!(ps[0].outline_level, Some(0));
        assert_eq!(ps[1].outline_level, Some(1));
        assert_eq!(ps[1].numbering.as_ref().map(|n| n.level), Some(1));
    }

    #[test]
    fn bullets_keep_their_marker_out_of_the_text() {
        let n = numbering(&format!(
            r#"<w:abstractNum w:abstractNumId="0">{}</w:abstractNum><w:num w:numId="1"><w:abstractNumId w:val="0"/></w:num>"#,
            lvl(0, 1, "bullet", "\u{F06C}")
        ));
        let c = read_body(&numbered(1, 0, "要点"), &[("word/numbering.xml", &n)]);
        let para = &c.paragraphs()[0];
        assert_eq!(para.text, "要点");
        let info = para.numbering.as_ref().unwrap();
        assert_eq!(
            (info.format.as_str(), info.marker.as_str()),
            ("bullet", "\u{F06C}")
        );
    }

    #[test]
    fn alternate_content_gives_one_copy() {
        let textbox = |text: &str| {
            format!(r#"<w:txbxContent><w:p><w:r><w:t>{text}</w:t></w:r></w:p></w:txbxContent>"#)
        };
        let body = format!(
            r#"<w:p><w:r><w:t>锚</w:t></w:r><w:r><mc:AlternateContent>
                 <mc:Choice Requires="wps"><w:drawing><wp:anchor><a:graphic><a:graphicData><wps:wsp><wps:txbx>{}</wps:txbx></wps:wsp></a:graphicData></a:graphic></wp:anchor></w:drawing></mc:Choice>
                 <mc:Fallback><w:pict><v:shape><v:textbox>{}</v:textbox></v:shape></w:pict></mc:Fallback>
               </mc:AlternateContent></w:r><w:r><w:t>点</w:t></w:r></w:p>
               <w:p><w:r><mc:AlternateContent>
                 <mc:Choice Requires="foo"><w:t>未知</w:t></mc:Choice>
                 <mc:Fallback><w:t>后备</w:t></mc:Fallback>
               </mc:AlternateContent></w:r></w:p>{}"#,
            textbox("框内文字"),
            textbox("框内文字"),
            p("其后"),
        );
        let c = read_body(&body, &[]);
        assert_eq!(texts(&c), ["锚点", "框内文字", "后备", "其后"]);
        let ps = c.paragraphs();
        assert_eq!(ps[1].source, ParaSource::TextBox);
        assert_eq!(
            (c.moved.shapes_with_text, c.moved.text_box_paragraphs),
            (1, 1)
        );
    }

    #[test]
    fn merged_cells_sit_on_the_grid() {
        let tc =
            |props: &str, text: &str| format!("<w:tc><w:tcPr>{props}</w:tcPr>{}</w:tc>", p(text));
        let body = format!(
            r#"<w:tbl><w:tblGrid><w:gridCol/><w:gridCol/><w:gridCol/><w:gridCol/></w:tblGrid>
               <w:tr>{}{}{}</w:tr>
               <w:tr>{}{}{}{}</w:tr>
               <w:tr><w:trPr><w:gridBefore w:val="1"/></w:trPr>{}{}{}</w:tr>
             </w:tbl>"#,
            tc(r#"<w:gridSpan w:val="2"/>"#, "甲乙"),
            tc(r#"<w:vMerge w:val="restart"/>"#, "丙"),
            tc("", "丁"),
            tc("", "1"),
            tc("", "2"),
            tc("<w:vMerge/>", "续"),
            tc("", "4"),
            tc(r#"<w:gridSpan w:val="999999999999"/>"#, "宽"),
            tc("", "x"),
            tc("", "y"),
        );
        let c = read_body(&body, &[]);
        let t = c.tables().next().unwrap();
        assert_eq!(t.columns(), 4 + MAX_SPAN - 1);
        let texts = t.texts();
        assert_eq!(&texts[0][..4], ["甲乙", "", "丙\n续", "丁"]);
        assert_eq!(&texts[1][..4], ["1", "2", "", "4"]);
        assert_eq!(texts[2][0], "");
        assert_eq!(texts[2][1], "宽");
        assert!(t.rows.iter().all(|r| r.len() == t.columns()));
    }

    #[test]
    fn nested_tables_flatten_into_the_cell() {
        let inner = format!(
            "<w:tbl><w:tr><w:tc>{}</w:tc><w:tc>{}</w:tc></w:tr></w:tbl>",
            p("内1"),
            p("内2")
        );
        let body = format!(
            "<w:tbl><w:tr><w:tc>{}{inner}{}</w:tc><w:tc>{}</w:tc></w:tr></w:tbl>",
            p("前"),
            p("后"),
            p("右")
        );
        let c = read_body(&body, &[]);
        let t = c.tables().next().unwrap();
        assert_eq!(t.texts(), [["前\n内1\n内2\n后", "右"]]);
        assert!(t.rows[0][0]
            .paras
            .iter()
            .all(|p| p.source == ParaSource::TableCell));
        // Deep nesting is no problem for a streaming reader.
        let deep =
            "<w:tbl><w:tr><w:tc>".repeat(3000) + &p("底") + &"</w:tc></w:tr></w:tbl>".repeat(3000);
        let c = read_body(&deep, &[]);
        assert_eq!(texts(&c), ["底"]);
    }

    #[test]
    fn tracked_changes_are_accepted() {
        let body = format!(
            r#"<w:p><w:r><w:t>编号：</w:t></w:r><w:ins><w:r><w:t>{{{{a}}}}</w:t></w:r></w:ins><w:del><w:r><w:delText>旧</w:delText></w:r></w:del></w:p>
               <w:p><w:moveFrom><w:r><w:t>搬走</w:t></w:r></w:moveFrom><w:r><w:t>留下</w:t></w:r><w:moveTo><w:r><w:t>搬来</w:t></w:r></w:moveTo></w:p>
               <w:tbl><w:tr><w:trPr><w:del/></w:trPr><w:tc>{}</w:tc></w:tr><w:tr><w:tc>{}</w:tc></w:tr></w:tbl>
               <w:tbl><w:tr><w:trPr><w:del/></w:trPr><w:tc>{}</w:tc></w:tr></w:tbl>
               <w:p><w:pPr><w:rPr><w:del/></w:rPr></w:pPr><w:r><w:t>前半</w:t></w:r></w:p>
               <w:p><w:pPr><w:jc w:val="center"/></w:pPr><w:r><w:t>后半</w:t></w:r></w:p>
               <w:p><w:pPr><w:rPr><w:del/></w:rPr></w:pPr><w:del><w:r><w:delText>全删</w:delText></w:r></w:del></w:p>
               <w:p/>"#,
            p("删除的行"),
            p("保留的行"),
            p("整表删除"),
        );
        let c = read_body(&body, &[]);
        assert_eq!(
            texts(&c),
            ["编号：{{a}}", "留下搬来", "保留的行", "前半后半"]
        );
        assert_eq!(c.tables().count(), 1);
        let joined = c
            .paragraphs()
            .into_iter()
            .find(|p| p.text == "前半后半")
            .unwrap();
        assert!(joined.centered(), "the surviving mark's properties apply");
        assert_eq!(joined.runs.len(), 2);
        assert_eq!(&joined.text[joined.runs[1].range.clone()], "后半");
    }

    #[test]
    fn fields_hyperlinks_tabs_breaks_and_hidden_text() {
        let body = r#"<w:p>
            <w:r><w:t>见</w:t></w:r>
            <w:r><w:fldChar w:fldCharType="begin"/></w:r><w:r><w:instrText> HYPERLINK "x" </w:instrText></w:r>
            <w:r><w:fldChar w:fldCharType="begin"/></w:r><w:r><w:instrText>PAGE</w:instrText></w:r><w:r><w:fldChar w:fldCharType="separate"/></w:r><w:r><w:t>7</w:t></w:r><w:r><w:fldChar w:fldCharType="end"/></w:r>
            <w:r><w:fldChar w:fldCharType="separate"/></w:r><w:r><w:t>网站</w:t></w:r><w:r><w:fldChar w:fldCharType="end"/></w:r>
            <w:fldSimple w:instr="NUMPAGES"><w:r><w:t>9</w:t></w:r></w:fldSimple>
            <w:hyperlink r:id="rId9"><w:r><w:t>链接</w:t></w:r></w:hyperlink>
            <w:r><w:tab/><w:t>甲</w:t><w:br/><w:t>乙</w:t></w:r>
            <w:r><w:rPr><w:vanish/></w:rPr><w:t>隐藏</w:t></w:r>
            <w:r><w:rPr><w:vanish w:val="0"/></w:rPr><w:t>显示</w:t></w:r>
            <w:r><w:t>&amp;&#x4E2D;</w:t></w:r>
          </w:p>"#;
        let c = read_body(body, &[]);
        assert_eq!(texts(&c), ["见网站9链接 甲\n乙显示&中"]);
    }

    #[test]
    fn faces_sizes_and_bold_resolve_through_styles_and_theme() {
        let styles = format!(
            r#"<w:styles {NS}>
              <w:docDefaults><w:rPrDefault><w:rPr><w:rFonts w:asciiTheme="minorHAnsi" w:eastAsiaTheme="minorEastAsia"/><w:sz w:val="21"/></w:rPr></w:rPrDefault><w:pPrDefault><w:pPr><w:jc w:val="both"/></w:pPr></w:pPrDefault></w:docDefaults>
              <w:style w:type="paragraph" w:default="1" w:styleId="a"><w:name w:val="Normal"/></w:style>
              <w:style w:type="paragraph" w:styleId="T"><w:name w:val="Title"/><w:basedOn w:val="a"/><w:pPr><w:jc w:val="center"/></w:pPr><w:rPr><w:rFonts w:eastAsia="方正小标宋简体"/><w:b/><w:sz w:val="44"/></w:rPr></w:style>
              <w:style w:type="character" w:styleId="S"><w:name w:val="Strong"/><w:rPr><w:b/></w:rPr></w:style>
              <w:style w:type="character" w:styleId="H"><w:name w:val="Hei"/><w:rPr><w:rFonts w:eastAsiaTheme="majorEastAsia"/></w:rPr></w:style>
              <w:style w:type="table" w:styleId="G"><w:name w:val="Grid"/><w:pPr><w:jc w:val="right"/></w:pPr><w:rPr><w:sz w:val="18"/><w:rPrChange><w:rPr><w:sz w:val="99"/></w:rPr></w:rPrChange></w:rPr><w:tblStylePr w:type="firstRow"><w:rPr><w:b/></w:rPr></w:tblStylePr></w:style>
            </w:styles>"#
        );
        let theme = r#"<a:theme xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main"><a:themeElements><a:fontScheme>
              <a:majorFont><a:latin typeface="Calibri Light"/><a:ea typeface=""/><a:font script="Hans" typeface="黑体"/><a:font script="Hant" typeface="新細明體"/></a:majorFont>
              <a:minorFont><a:latin typeface="Calibri"/><a:ea typeface=""/><a:font script="Hans" typeface="等线"/><a:font script="Hant" typeface="細明體"/></a:minorFont>
            </a:fontScheme></a:themeElements></a:theme>"#;
        let body = r#"
          <w:p><w:pPr><w:pStyle w:val="T"/></w:pPr>
            <w:r><w:t>标题</w:t></w:r>
            <w:r><w:rPr><w:rStyle w:val="S"/></w:rPr><w:t>非粗</w:t></w:r>
            <w:r><w:rPr><w:b w:val="0"/></w:rPr><w:t>直接非粗</w:t></w:r>
            <w:r><w:rPr><w:b w:val="false"/><w:bCs/></w:rPr><w:t>也非粗</w:t></w:r>
          </w:p>
          <w:p>
            <w:r><w:t>正文正文正文</w:t></w:r>
            <w:r><w:rPr><w:rStyle w:val="S"/><w:sz w:val="44"/><w:rPrChange><w:rPr><w:sz w:val="10"/></w:rPr></w:rPrChange></w:rPr><w:t>大字</w:t></w:r>
            <w:r><w:rPr><w:rStyle w:val="H"/></w:rPr><w:t>黑</w:t></w:r>
            <w:r><w:rPr><w:rFonts w:eastAsia="楷体" w:eastAsiaTheme="minorEastAsia"/></w:rPr><w:t>主题优先</w:t></w:r>
          </w:p>
          <w:tbl><w:tblPr><w:tblStyle w:val="G"/></w:tblPr><w:tr><w:tc><w:p><w:r><w:t>表内</w:t></w:r></w:p></w:tc></w:tr></w:tbl>"#;
        let settings = format!(
            r#"<w:settings {NS}><w:themeFontLang w:val="en-US" w:eastAsia="zh-CN"/></w:settings>"#
        );
        let parts = [
            ("word/styles.xml", styles.as_str()),
            ("word/theme/theme1.xml", theme),
            ("word/settings.xml", settings.as_str()),
        ];
        let c = read_body(body, &parts);
        let ps = c.paragraphs();
        let runs = |i: usize| -> Vec<(Option<&str>, f64, bool)> {
            ps[i]
                .runs
                .iter()
                .map(|r| (r.face.as_deref(), r.size_pt, r.bold))
                .collect()
        };
        let song = Some("方正小标宋简体");
        assert_eq!(
            runs(0),
            [
                (song, 22.0, true),
                (song, 22.0, false),
                (song, 22.0, false),
                (song, 22.0, false)
            ]
        );
        assert_eq!(ps[0].align, Align::Center);
        assert_eq!(ps[0].style_name.as_deref(), Some("Title"));
        assert_eq!(
            runs(1),
            [
                (Some("等线"), 10.5, false),
                (Some("等线"), 22.0, true),
                (Some("黑体"), 10.5, false),
                (Some("等线"), 10.5, false)
            ]
        );
        assert_eq!(ps[1].align, Align::Both);
        assert_eq!(ps[1].runs[0].latin_face.as_deref(), Some("Calibri"));
        // The table style beats the default paragraph style.
        assert_eq!(runs(2), [(Some("等线"), 9.0, false)]);
        assert_eq!(ps[2].align, Align::Right);
        // Dominant values are weighted by characters.
        assert_eq!(ps[1].dominant_size(), Some((10.5, 11.0 / 13.0)));
        assert_eq!(ps[1].dominant_face(), Some(("等线".into(), 12.0 / 13.0)));
        let d = dominant(ps.iter().copied());
        assert_eq!(d.chars, 11 + 13 + 2);
        assert_eq!(d.face.as_ref().map(|f| f.0.as_str()), Some("等线"));

        // Traditional Chinese documents take the theme's Hant font.
        let settings =
            format!(r#"<w:settings {NS}><w:themeFontLang w:eastAsia="zh-TW"/></w:settings>"#);
        let parts = [
            ("word/styles.xml", styles.as_str()),
            ("word/theme/theme1.xml", theme),
            ("word/settings.xml", settings.as_str()),
        ];
        let c = read_body(&p("字"), &parts);
        assert_eq!(c.paragraphs()[0].runs[0].face.as_deref(), Some("細明體"));
    }

    #[test]
    fn pictures_embedded_and_linked() {
        let rels = r#"<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">
            <Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/image" Target="media/image1.png"/>
            <Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/image" Target="file:///C:/a.jpg" TargetMode="External"/>
            <Relationship Id="rId3" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/image" Target="/word/media/%E5%9B%BE.jpeg"/>
          </Relationships>"#;
        let body = r#"<w:p><w:r><w:drawing><a:graphic><a:graphicData><pic:pic><pic:blipFill><a:blip r:embed="rId1"/></pic:blipFill></pic:pic></a:graphicData></a:graphic></w:drawing></w:r>
            <w:r><w:drawing><a:blip r:link="rId2"/></w:drawing></w:r>
            <w:r><w:pict><v:shape><v:imagedata r:id="rId3" o:title=""/></v:shape></w:pict></w:r>
            <w:del><w:r><w:drawing><a:blip r:embed="rId1"/></w:drawing></w:r></w:del></w:p>"#;
        let parts = [
            ("word/_rels/document.xml.rels", rels),
            ("word/media/image1.png", "PNG"),
            ("word/media/图.jpeg", "JPG"),
        ];
        let c = read_body(body, &parts);
        let para = &c.paragraphs()[0];
        assert_eq!(para.images, ["word/media/image1.png", "word/media/图.jpeg"]);
        assert_eq!(para.linked_images, 1);
        assert_eq!(para.index, 1);
        assert_eq!(c.media.len(), 2);
        assert_eq!(c.media["word/media/图.jpeg"], b"JPG");
    }

    #[test]
    fn footnotes_and_endnotes_become_notes() {
        let notes = |kind: &str, text: &str| {
            format!(
                r#"<w:{kind}s {NS}><w:{kind} w:type="separator" w:id="-1"><w:p><w:r><w:separator/></w:r></w:p></w:{kind}>
                   <w:{kind} w:type="continuationSeparator" w:id="0"><w:p><w:r><w:t>续</w:t></w:r></w:p></w:{kind}>
                   <w:{kind} w:id="1"><w:p><w:r><w:footnoteRef/></w:r><w:r><w:t xml:space="preserve"> {text}</w:t></w:r></w:p></w:{kind}></w:{kind}s>"#
            )
        };
        let foot = notes("footnote", "脚注一");
        let end = notes("endnote", "尾注一");
        let body =
            r#"<w:p><w:r><w:t>正文</w:t></w:r><w:r><w:footnoteReference w:id="1"/></w:r></w:p>"#;
        let c = read_body(
            body,
            &[("word/footnotes.xml", &foot), ("word/endnotes.xml", &end)],
        );
        assert_eq!(texts(&c), ["正文", " 脚注一", " 尾注一"]);
        assert!(c.notes.iter().all(|p| p.source == ParaSource::Note));
        assert_eq!((c.moved.footnotes, c.moved.endnotes), (1, 1));
        assert_eq!(c.notes[1].index, 3);
    }

    #[test]
    fn indexes_count_what_a_reader_sees() {
        let body = format!(
            "{}<w:p/>{}<w:tbl><w:tr><w:tc>{}</w:tc><w:tc><w:p/></w:tc></w:tr></w:tbl>{}",
            p("一"),
            p("  "),
            p("格"),
            p("二")
        );
        let c = read_body(&body, &[]);
        let idx: Vec<(String, usize)> = c
            .paragraphs()
            .iter()
            .map(|p| (p.text.clone(), p.index))
            .collect();
        assert_eq!(
            idx,
            [
                ("一".into(), 1),
                ("".into(), 0),
                ("  ".into(), 0),
                ("格".into(), 2),
                ("".into(), 0),
                ("二".into(), 3)
            ]
        );
    }

    #[test]
    fn properties_are_read() {
        let core = r#"<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" xmlns:dc="http://purl.org/dc/elements/1.1/"><dc:title>关于 &amp; 通知</dc:title><dc:creator>张三</dc:creator></cp:coreProperties>"#;
        let app = r#"<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties"><Application>WPS Office_12.1</Application><Company>某校</Company></Properties>"#;
        let c = read_body(
            &p("x"),
            &[("docProps/core.xml", core), ("docProps/app.xml", app)],
        );
        assert_eq!(c.properties.title.as_deref(), Some("关于 & 通知"));
        assert_eq!(c.properties.creator.as_deref(), Some("张三"));
        assert_eq!(c.properties.company.as_deref(), Some("某校"));
        assert_eq!(c.properties.application.as_deref(), Some("WPS Office_12.1"));
    }

    #[test]
    fn odd_input_never_panics() {
        assert!(matches!(
            read(b"PK\x03\x04garbage"),
            Err(NotDocx::Broken(_))
        ));
        assert!(matches!(read(b"hello"), Err(NotDocx::NotZip)));
        // A zip without a document.
        let mut out = Cursor::new(Vec::new());
        {
            let mut z = zip::ZipWriter::new(&mut out);
            z.start_file("a.txt", zip::write::SimpleFileOptions::default())
                .unwrap();
            z.finish().unwrap();
        }
        assert!(matches!(read(&out.into_inner()), Err(NotDocx::NoDocument)));
        // Broken or strange XML in the auxiliary parts is ignored.
        let broken = [
            ("word/styles.xml", "<w:styles><w:style"),
            ("word/numbering.xml", "<<<"),
            ("word/theme/theme1.xml", ""),
            (
                "word/_rels/document.xml.rels",
                "<Relationships><Relationship Id=\"r\"/>",
            ),
        ];
        let body = format!(
            r#"{}<w:p><w:pPr><w:numPr><w:numId w:val="5"/><w:ilvl w:val="99999999999"/></w:numPr></w:pPr><w:r><w:sym w:char="F0B7"/><w:sym w:char="2605"/><w:t>星</w:t></w:r></w:p>
               <w:unknown><w:p><w:r><w:t>未知元素里</w:t></w:r></w:p></w:unknown>
               <w:tc>{}</w:tc><w:p><w:r><w:fldChar w:fldCharType="end"/><w:t>x</w:t></w:r></w:p>"#,
            p(&"长".repeat(100_000)),
            p("孤立的格")
        );
        let c = read_body(&body, &broken);
        let t = texts(&c);
        assert_eq!(t[0].chars().count(), 100_000);
        assert_eq!(&t[1..], ["★星", "未知元素里", "孤立的格", "x"]);
        // Malformed document XML is an error, not a panic.
        let mut bad = pack("", &[]);
        bad = {
            let mut out = Cursor::new(Vec::new());
            {
                let mut z = zip::ZipWriter::new(&mut out);
                z.start_file(
                    "word/document.xml",
                    zip::write::SimpleFileOptions::default(),
                )
                .unwrap();
                z.write_all(b"<w:document><w:body><w:p></w:r></w:body>")
                    .unwrap();
                z.finish().unwrap();
            }
            drop(bad);
            out.into_inner()
        };
        assert!(matches!(read(&bad), Err(NotDocx::Broken(_))));
        // A huge attribute value (pseudo-random, so it is not a "bomb").
        let mut seed = 1u32;
        let junk: String = (0..(4 << 20))
            .map(|_| {
                seed = seed.wrapping_mul(1_103_515_245).wrapping_add(12_345);
                (b'a' + (seed >> 16) as u8 % 26) as char
            })
            .collect();
        let wide =
            format!(r#"<w:p><w:pPr><w:jc w:val="{junk}"/></w:pPr><w:r><w:t>宽</w:t></w:r></w:p>"#);
        assert_eq!(texts(&read_body(&wide, &[])), ["宽"]);
    }

    #[test]
    fn zip_bombs_are_refused() {
        // 2 MiB of zeros deflate to a few KB: far beyond 200:1.
        let zeros = "\0".repeat(2 << 20);
        let rels = r#"<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/image" Target="media/bomb.png"/></Relationships>"#;
        let body = r#"<w:p><w:r><w:drawing><a:blip r:embed="rId1"/></w:drawing></w:r><w:r><w:t>有图</w:t></w:r></w:p>"#;
        let c = read_body(
            body,
            &[
                ("word/_rels/document.xml.rels", rels),
                ("word/media/bomb.png", &zeros),
            ],
        );
        assert!(c.media.is_empty());
        assert_eq!(c.refused.len(), 1, "{:?}", c.refused);
        assert_eq!(texts(&c), ["有图"]);
        // The document itself that large and compressible is refused.
        let mut out = Cursor::new(Vec::new());
        {
            let mut z = zip::ZipWriter::new(&mut out);
            z.start_file(
                "word/document.xml",
                zip::write::SimpleFileOptions::default(),
            )
            .unwrap();
            z.write_all(zeros.as_bytes()).unwrap();
            z.finish().unwrap();
        }
        assert!(matches!(read(&out.into_inner()), Err(NotDocx::Broken(_))));
        // Over 64 MiB is refused even stored without compression.
        let mut out = Cursor::new(Vec::new());
        {
            let mut z = zip::ZipWriter::new(&mut out);
            let stored = zip::write::SimpleFileOptions::default()
                .compression_method(zip::CompressionMethod::Stored)
                .large_file(true);
            z.start_file("word/document.xml", stored).unwrap();
            z.write_all(&vec![b' '; (MAX_PART + 1) as usize]).unwrap();
            z.finish().unwrap();
        }
        assert!(matches!(read(&out.into_inner()), Err(NotDocx::Broken(_))));
    }

    #[test]
    fn targets_resolve_like_part_names() {
        assert_eq!(resolve_target("word", "media/a.png"), "word/media/a.png");
        assert_eq!(
            resolve_target("word", "/word/media/a.png"),
            "word/media/a.png"
        );
        assert_eq!(resolve_target("word", "../media/a.png"), "media/a.png");
        assert_eq!(resolve_target("", "word/document.xml"), "word/document.xml");
        assert_eq!(
            resolve_target("word", "media/%E5%9B%BE.png"),
            "word/media/图.png"
        );
        assert_eq!(resolve_target("word", "a%zz"), "word/a%zz");
    }
}
