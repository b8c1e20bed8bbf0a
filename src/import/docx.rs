//! Reading a .docx as the office receives it: paragraphs in order with
//! their text (accepted changes, field results, hyperlinks), alignment,
//! faces and sizes resolved through styles, Word numbering turned into the
//! typed markers it displays, pictures, and tables. Streaming XML, so odd
//! structure (text boxes, tracked changes, comments) is skipped, not fatal.

use std::collections::{BTreeMap, HashMap};
use std::io::{Cursor, Read};

use quick_xml::events::{BytesStart, Event};
use quick_xml::Reader;

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

/// A paragraph as the reader saw it.
#[derive(Debug, Clone, Default)]
pub struct Para {
    pub text: String,
    pub centered: bool,
    /// Largest run size in points (resolved through styles).
    pub size_pt: Option<f64>,
    /// East-Asian face of the first text run (resolved through styles).
    pub face: Option<String>,
    /// Pictures in this paragraph, as media part names.
    pub images: Vec<String>,
    /// Inside a table cell.
    pub in_table: bool,
    /// Pictures that only link to a file outside the .docx.
    pub linked_images: usize,
}

#[derive(Debug, Clone, Default)]
pub struct DocxTable {
    pub rows: Vec<Vec<String>>,
}

#[derive(Debug, Clone, Default)]
pub struct DocxContent {
    pub paras: Vec<Para>,
    pub tables: Vec<DocxTable>,
    /// Media part name → bytes.
    pub media: BTreeMap<String, Vec<u8>>,
}

#[derive(Debug, Clone, Default)]
struct RunStyle {
    size_half: Option<u32>,
    face: Option<String>,
    center: Option<bool>,
    based_on: Option<String>,
}

fn attr(e: &BytesStart, name: &[u8]) -> Option<String> {
    e.attributes()
        .flatten()
        .find(|a| a.key.as_ref() == name)
        .and_then(|a| {
            a.normalized_value(quick_xml::XmlVersion::Implicit1_0)
                .ok()
                .map(|v| v.into_owned())
        })
}

fn local(name: &[u8]) -> &[u8] {
    name.rsplit(|b| *b == b':').next().unwrap_or(name)
}

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
    let mut zip =
        zip::ZipArchive::new(Cursor::new(bytes)).map_err(|e| NotDocx::Broken(e.to_string()))?;
    let mut part = |name: &str| -> Option<Vec<u8>> {
        let mut f = zip.by_name(name).ok()?;
        // Parts are read whole; refuse absurd sizes (zip bombs).
        if f.size() > 256 * 1024 * 1024 {
            return None;
        }
        let mut v = Vec::new();
        f.read_to_end(&mut v).ok()?;
        Some(v)
    };
    let document = part("word/document.xml").ok_or(NotDocx::NoDocument)?;
    let styles = part("word/styles.xml")
        .map(|x| read_styles(&x))
        .unwrap_or_default();
    let numbering = part("word/numbering.xml")
        .map(|x| read_numbering(&x))
        .unwrap_or_default();
    let rels = part("word/_rels/document.xml.rels")
        .map(|x| read_rels(&x))
        .unwrap_or_default();
    let mut content =
        read_document(&document, &styles, &numbering, &rels).map_err(NotDocx::Broken)?;
    for p in &content.paras {
        for img in &p.images {
            if !content.media.contains_key(img) {
                if let Some(b) = part(&format!("word/{img}")) {
                    content.media.insert(img.clone(), b);
                }
            }
        }
    }
    Ok(content)
}

fn read_rels(xml: &[u8]) -> HashMap<String, String> {
    let mut out = HashMap::new();
    let mut r = Reader::from_reader(xml);
    let mut buf = Vec::new();
    while let Ok(ev) = r.read_event_into(&mut buf) {
        match ev {
            Event::Eof => break,
            Event::Empty(e) | Event::Start(e) if local(e.name().as_ref()) == b"Relationship" => {
                if let (Some(id), Some(t)) = (attr(&e, b"Id"), attr(&e, b"Target")) {
                    out.insert(
                        id,
                        t.trim_start_matches('/')
                            .trim_start_matches("word/")
                            .to_string(),
                    );
                }
            }
            _ => {}
        }
        buf.clear();
    }
    out
}

#[derive(Debug, Default)]
struct Styles {
    by_id: HashMap<String, RunStyle>,
    default: RunStyle,
}

fn read_styles(xml: &[u8]) -> Styles {
    let mut s = Styles::default();
    let mut r = Reader::from_reader(xml);
    let mut buf = Vec::new();
    let mut cur: Option<(String, RunStyle)> = None;
    let mut in_defaults = false;
    while let Ok(ev) = r.read_event_into(&mut buf) {
        match ev {
            Event::Eof => break,
            Event::Start(e) | Event::Empty(e) => {
                let name = local(e.name().as_ref()).to_vec();
                let target = match (&mut cur, in_defaults) {
                    (Some((_, st)), _) => Some(st),
                    (None, true) => Some(&mut s.default),
                    _ => None,
                };
                match name.as_slice() {
                    b"docDefaults" => in_defaults = true,
                    b"style" => cur = attr(&e, b"w:styleId").map(|id| (id, RunStyle::default())),
                    b"basedOn" => {
                        if let Some(st) = target {
                            st.based_on = attr(&e, b"w:val");
                        }
                    }
                    b"sz" => {
                        if let Some(st) = target {
                            st.size_half = attr(&e, b"w:val").and_then(|v| v.parse().ok());
                        }
                    }
                    b"rFonts" => {
                        if let Some(st) = target {
                            st.face = attr(&e, b"w:eastAsia").or(st.face.take());
                        }
                    }
                    b"jc" => {
                        if let Some(st) = target {
                            st.center = attr(&e, b"w:val").map(|v| v == "center");
                        }
                    }
                    _ => {}
                }
            }
            Event::End(e) => match local(e.name().as_ref()) {
                b"style" => {
                    if let Some((id, st)) = cur.take() {
                        s.by_id.insert(id, st);
                    }
                }
                b"docDefaults" => in_defaults = false,
                _ => {}
            },
            _ => {}
        }
        buf.clear();
    }
    s
}

impl Styles {
    /// A style's properties with its basedOn chain and the defaults filled in.
    fn resolve(&self, id: Option<&str>) -> RunStyle {
        let mut out = RunStyle::default();
        let mut next = id.map(String::from).or_else(|| Some("Normal".into()));
        let mut guard = 0;
        while let Some(i) = next.take() {
            guard += 1;
            if guard > 20 {
                break;
            }
            let Some(st) = self.by_id.get(&i) else { break };
            out.size_half = out.size_half.or(st.size_half);
            out.face = out.face.or_else(|| st.face.clone());
            out.center = out.center.or(st.center);
            next = st.based_on.clone();
        }
        out.size_half = out.size_half.or(self.default.size_half);
        out.face = out.face.or_else(|| self.default.face.clone());
        out
    }
}

/// Word numbering: (numId → abstract levels), levels as (format, text).
#[derive(Debug, Default)]
struct Numbering {
    abstract_levels: HashMap<String, BTreeMap<u32, (String, String)>>,
    num_to_abstract: HashMap<String, String>,
}

fn read_numbering(xml: &[u8]) -> Numbering {
    let mut n = Numbering::default();
    let mut r = Reader::from_reader(xml);
    let mut buf = Vec::new();
    let mut abs: Option<String> = None;
    let mut lvl: Option<u32> = None;
    let mut num: Option<String> = None;
    while let Ok(ev) = r.read_event_into(&mut buf) {
        match ev {
            Event::Eof => break,
            Event::Start(e) | Event::Empty(e) => match local(e.name().as_ref()) {
                b"abstractNum" => abs = attr(&e, b"w:abstractNumId"),
                b"lvl" => lvl = attr(&e, b"w:ilvl").and_then(|v| v.parse().ok()),
                // Format and text of one level of an abstract numbering.
                tag @ (b"numFmt" | b"lvlText") => {
                    if let (Some(a), Some(l)) = (&abs, lvl) {
                        let level = n
                            .abstract_levels
                            .entry(a.clone())
                            .or_default()
                            .entry(l)
                            .or_default();
                        let v = attr(&e, b"w:val").unwrap_or_default();
                        if tag == b"numFmt" {
                            level.0 = v;
                        } else {
                            level.1 = v;
                        }
                    }
                }
                b"num" => num = attr(&e, b"w:numId"),
                b"abstractNumId" => {
                    if let (Some(id), Some(a)) = (&num, attr(&e, b"w:val")) {
                        n.num_to_abstract.insert(id.clone(), a);
                    }
                }
                _ => {}
            },
            Event::End(e) => match local(e.name().as_ref()) {
                b"abstractNum" => abs = None,
                b"num" => num = None,
                _ => {}
            },
            _ => {}
        }
        buf.clear();
    }
    n
}

fn chinese_number(n: u32) -> String {
    const D: [&str; 10] = ["〇", "一", "二", "三", "四", "五", "六", "七", "八", "九"];
    match n {
        0..=9 => D[n as usize].to_string(),
        10 => "十".into(),
        11..=19 => format!("十{}", D[(n - 10) as usize]),
        20..=99 => format!(
            "{}十{}",
            D[(n / 10) as usize],
            if n % 10 == 0 {
                ""
            } else {
                D[(n % 10) as usize]
            }
        ),
        _ => n.to_string(),
    }
}

fn format_number(fmt: &str, n: u32) -> String {
    match fmt {
        "chineseCounting"
        | "chineseCountingThousand"
        | "ideographTraditional"
        | "chineseLegalSimplified" => chinese_number(n),
        "decimalFullWidth" | "decimalFullWidth2" => n
            .to_string()
            .chars()
            .map(|c| char::from_u32(c as u32 - '0' as u32 + '０' as u32).unwrap_or(c))
            .collect(),
        "upperLetter" => char::from_u32('A' as u32 + (n - 1) % 26)
            .map(String::from)
            .unwrap_or_default(),
        "lowerLetter" => char::from_u32('a' as u32 + (n - 1) % 26)
            .map(String::from)
            .unwrap_or_default(),
        "bullet" | "none" => String::new(),
        _ => n.to_string(),
    }
}

fn read_document(
    xml: &[u8],
    styles: &Styles,
    numbering: &Numbering,
    rels: &HashMap<String, String>,
) -> Result<DocxContent, String> {
    let mut r = Reader::from_reader(xml);
    let mut buf = Vec::new();
    let mut out = DocxContent::default();
    let mut stack: Vec<Vec<u8>> = Vec::new();
    let mut para: Option<Para> = None;
    let mut p_style: Option<String> = None;
    let mut p_center: Option<bool> = None;
    let mut num: Option<(String, u32)> = None;
    let mut run_size: Option<u32> = None;
    let mut run_face: Option<String> = None;
    let mut counters: HashMap<(String, u32), u32> = HashMap::new();
    let mut table_depth = 0usize;
    let mut row: Vec<String> = Vec::new();
    let mut cell = String::new();
    let mut tables: Vec<DocxTable> = Vec::new();
    // Inside a field's instruction (between begin and separate): not text.
    let mut in_instr = false;
    loop {
        let ev = r.read_event_into(&mut buf).map_err(|e| e.to_string())?;
        let in_txbx = stack.iter().any(|n| n == b"txbxContent");
        let in_deleted = stack.iter().any(|n| n == b"del" || n == b"moveFrom");
        let is_empty = matches!(ev, Event::Empty(_));
        match ev {
            Event::Eof => break,
            Event::Start(e) | Event::Empty(e) => {
                let name = local(e.name().as_ref()).to_vec();
                match name.as_slice() {
                    b"p" if !in_txbx => {
                        para = Some(Para {
                            in_table: table_depth > 0,
                            ..Default::default()
                        });
                        p_style = None;
                        p_center = None;
                        num = None;
                    }
                    b"pStyle" => p_style = attr(&e, b"w:val"),
                    b"jc" if stack.iter().any(|n| n == b"pPr") => {
                        p_center = attr(&e, b"w:val").map(|v| v == "center")
                    }
                    b"numId" => {
                        if let Some(id) = attr(&e, b"w:val").filter(|v| v != "0") {
                            num = Some((id, num.as_ref().map_or(0, |n| n.1)));
                        }
                    }
                    b"ilvl" => {
                        let l = attr(&e, b"w:val").and_then(|v| v.parse().ok()).unwrap_or(0);
                        num = Some((num.map(|n| n.0).unwrap_or_default(), l));
                    }
                    b"r" => {
                        run_size = None;
                        run_face = None;
                    }
                    b"sz"
                        if stack.iter().any(|n| n == b"rPr")
                            && !stack.iter().any(|n| n == b"pPr") =>
                    {
                        run_size = attr(&e, b"w:val").and_then(|v| v.parse().ok());
                    }
                    b"rFonts"
                        if stack.iter().any(|n| n == b"rPr")
                            && !stack.iter().any(|n| n == b"pPr") =>
                    {
                        run_face = attr(&e, b"w:eastAsia");
                    }
                    b"fldChar" => match attr(&e, b"w:fldCharType").as_deref() {
                        Some("begin") => in_instr = true,
                        Some("separate") | Some("end") => in_instr = false,
                        _ => {}
                    },
                    b"tab" if stack.last().is_some_and(|n| n == b"r") => {
                        if let Some(p) = &mut para {
                            p.text.push(' ');
                        }
                    }
                    b"br" | b"cr" => {
                        if let Some(p) = &mut para {
                            p.text.push('\n');
                        }
                    }
                    b"blip" => {
                        if let (Some(p), Some(id)) = (&mut para, attr(&e, b"r:embed")) {
                            if let Some(t) = rels.get(&id) {
                                p.images.push(t.clone());
                            }
                        } else if let (Some(p), Some(_)) = (&mut para, attr(&e, b"r:link")) {
                            p.linked_images += 1;
                        }
                    }
                    b"imagedata" => {
                        if let (Some(p), Some(id)) = (&mut para, attr(&e, b"r:id")) {
                            if let Some(t) = rels.get(&id) {
                                p.images.push(t.clone());
                            }
                        }
                    }
                    b"tbl" => {
                        table_depth += 1;
                        tables.push(DocxTable::default());
                    }
                    b"tr" => row.clear(),
                    b"tc" => cell.clear(),
                    _ => {}
                }
                if !is_empty {
                    stack.push(name);
                }
            }
            Event::Text(t) => {
                if stack.last().is_some_and(|n| n == b"t") && !in_txbx && !in_deleted && !in_instr {
                    // Entities arrive as separate GeneralRef events.
                    let s = t.decode().map_err(|e| e.to_string())?.into_owned();
                    if let Some(p) = &mut para {
                        if !s.trim().is_empty() {
                            let st = styles.resolve(p_style.as_deref());
                            let size = run_size.or(st.size_half).map(|h| h as f64 / 2.0);
                            p.size_pt = match (p.size_pt, size) {
                                (Some(a), Some(b)) => Some(a.max(b)),
                                (a, b) => a.or(b),
                            };
                            if p.face.is_none() {
                                p.face = run_face.clone().or(st.face);
                            }
                        }
                        p.text.push_str(&s);
                    }
                }
            }
            Event::GeneralRef(g) => {
                if stack.last().is_some_and(|n| n == b"t") && !in_txbx && !in_deleted && !in_instr {
                    let c = if g.is_char_ref() {
                        g.resolve_char_ref()
                            .ok()
                            .flatten()
                            .map(String::from)
                            .unwrap_or_default()
                    } else {
                        match g
                            .decode()
                            .map(|n| n.into_owned())
                            .unwrap_or_default()
                            .as_str()
                        {
                            "amp" => "&",
                            "lt" => "<",
                            "gt" => ">",
                            "quot" => "\"",
                            "apos" => "'",
                            _ => "",
                        }
                        .to_string()
                    };
                    if let Some(p) = &mut para {
                        p.text.push_str(&c);
                    }
                }
            }
            Event::End(e) => {
                let name = local(e.name().as_ref()).to_vec();
                stack.pop();
                match name.as_slice() {
                    b"p" if !in_txbx => {
                        if let Some(mut p) = para.take() {
                            let st = styles.resolve(p_style.as_deref());
                            p.centered = p_center.or(st.center).unwrap_or(false);
                            if let Some((id, lvl)) = num.take() {
                                let abs = numbering.num_to_abstract.get(&id);
                                if let Some((fmt, text)) = abs
                                    .and_then(|a| numbering.abstract_levels.get(a))
                                    .and_then(|l| l.get(&lvl))
                                {
                                    let c = counters.entry((id.clone(), lvl)).or_insert(0);
                                    *c += 1;
                                    let n = *c;
                                    // Deeper levels restart when a shallower one advances.
                                    counters.retain(|(i, l), _| i != &id || *l <= lvl);
                                    let marker = text
                                        .replace(&format!("%{}", lvl + 1), &format_number(fmt, n));
                                    p.text.insert_str(0, &marker);
                                }
                            }
                            if table_depth > 0 {
                                if !cell.is_empty() {
                                    cell.push('\n');
                                }
                                cell.push_str(p.text.trim());
                            }
                            out.paras.push(p);
                        }
                    }
                    b"tc" => row.push(std::mem::take(&mut cell)),
                    b"tr" => {
                        if let Some(t) = tables.last_mut() {
                            t.rows.push(std::mem::take(&mut row));
                        }
                    }
                    b"tbl" => {
                        table_depth = table_depth.saturating_sub(1);
                        if let Some(t) = tables.pop() {
                            out.tables.push(t);
                        }
                    }
                    _ => {}
                }
            }
            _ => {}
        }
        buf.clear();
    }
    Ok(out)
}
