//! Joins the parts of a bound volume into one PDF, streamed. Typst lays
//! out a volume in parts (the cover and contents, then runs of cases), so
//! the layout of a province's thousand cases never sits in memory at once;
//! each part is a PDF Typst wrote (one classic cross-reference table, no
//! object streams), kept on disk until the photos are ready. Here their
//! objects are renumbered into one file: the pages under one page tree,
//! the tagged structure under one Document element (parent-tree keys
//! shifted), the contents' `baosong-case:ID` links turned into page links,
//! one outline built from the volume's groups and cases, and every photo
//! stand-in replaced by its JPEG (see `pdf_images`). Only offsets and the
//! structure's small lists are kept while writing.

use std::collections::BTreeMap;
use std::io::Write;

use super::pdf_images::{self, Counting, MARK};
use crate::photo::Photo;

/// A token of PDF syntax, by byte range.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Kind {
    Int(i64),
    Real,
    Name,
    Str,
    DictOpen,
    DictClose,
    ArrOpen,
    ArrClose,
    Keyword,
}

#[derive(Debug, Clone, Copy)]
struct Tok {
    kind: Kind,
    start: usize,
    end: usize,
}

fn is_space(c: u8) -> bool {
    matches!(c, b'\0' | b'\t' | b'\n' | b'\x0c' | b'\r' | b' ')
}

fn is_delim(c: u8) -> bool {
    matches!(
        c,
        b'(' | b')' | b'<' | b'>' | b'[' | b']' | b'{' | b'}' | b'/' | b'%'
    )
}

/// The next token at or after `at`, or None at the end.
fn next_token(b: &[u8], mut at: usize) -> Result<Option<Tok>, String> {
    loop {
        match b.get(at) {
            None => return Ok(None),
            Some(c) if is_space(*c) => at += 1,
            Some(b'%') => {
                while b.get(at).is_some_and(|c| *c != b'\n' && *c != b'\r') {
                    at += 1;
                }
            }
            Some(_) => break,
        }
    }
    let start = at;
    let tok = |kind, end| Ok(Some(Tok { kind, start, end }));
    match b[at] {
        b'/' => {
            at += 1;
            while b.get(at).is_some_and(|c| !is_space(*c) && !is_delim(*c)) {
                at += 1;
            }
            tok(Kind::Name, at)
        }
        b'(' => {
            let mut depth = 0usize;
            while let Some(c) = b.get(at) {
                match c {
                    b'\\' => at += 1,
                    b'(' => depth += 1,
                    b')' => {
                        depth -= 1;
                        if depth == 0 {
                            return tok(Kind::Str, at + 1);
                        }
                    }
                    _ => {}
                }
                at += 1;
            }
            Err("字符串没有结束".into())
        }
        b'<' if b.get(at + 1) == Some(&b'<') => tok(Kind::DictOpen, at + 2),
        b'<' => {
            let end = b[at..]
                .iter()
                .position(|c| *c == b'>')
                .ok_or("十六进制字符串没有结束")?;
            tok(Kind::Str, at + end + 1)
        }
        b'>' if b.get(at + 1) == Some(&b'>') => tok(Kind::DictClose, at + 2),
        b'[' => tok(Kind::ArrOpen, at + 1),
        b']' => tok(Kind::ArrClose, at + 1),
        c if is_delim(c) => Err(format!("意外的字符 {}", c as char)),
        _ => {
            while b.get(at).is_some_and(|c| !is_space(*c) && !is_delim(*c)) {
                at += 1;
            }
            let text = std::str::from_utf8(&b[start..at]).unwrap_or("");
            let kind = match text.parse::<i64>() {
                Ok(n) => Kind::Int(n),
                Err(_) if text.parse::<f64>().is_ok() => Kind::Real,
                Err(_) => Kind::Keyword,
            };
            tok(kind, at)
        }
    }
}

fn tokens(b: &[u8]) -> Result<Vec<Tok>, String> {
    let mut out = Vec::new();
    let mut at = 0;
    while let Some(t) = next_token(b, at)? {
        at = t.end;
        out.push(t);
    }
    Ok(out)
}

/// One object of a part: its number, the part before `stream` (or all of
/// it) and the stream's data.
struct Object<'a> {
    num: u32,
    head: &'a [u8],
    data: Option<&'a [u8]>,
}

fn object(pdf: &[u8], at: usize) -> Result<Object<'_>, String> {
    let bad = |what: &str| format!("PDF 对象无法读取（{at}）：{what}");
    let n = next_token(pdf, at)?.ok_or_else(|| bad("编号"))?;
    let g = next_token(pdf, n.end)?.ok_or_else(|| bad("代号"))?;
    let o = next_token(pdf, g.end)?.ok_or_else(|| bad("obj"))?;
    let (Kind::Int(num), Kind::Int(_)) = (n.kind, g.kind) else {
        return Err(bad("编号"));
    };
    if &pdf[o.start..o.end] != b"obj" {
        return Err(bad("obj"));
    }
    let start = o.end;
    let mut at = start;
    loop {
        let t = next_token(pdf, at)?.ok_or_else(|| bad("endobj"))?;
        at = t.end;
        if t.kind != Kind::Keyword {
            continue;
        }
        match &pdf[t.start..t.end] {
            b"endobj" => {
                return Ok(Object {
                    num: num as u32,
                    head: &pdf[start..t.start],
                    data: None,
                })
            }
            b"stream" => {
                let head = &pdf[start..t.start];
                let mut ds = t.end;
                if pdf.get(ds) == Some(&b'\r') {
                    ds += 1;
                }
                if pdf.get(ds) == Some(&b'\n') {
                    ds += 1;
                }
                let len = match value(head, b"/Length")? {
                    Some(v) => match tokens(v)?.as_slice() {
                        [Tok {
                            kind: Kind::Int(n), ..
                        }] => *n as usize,
                        _ => return Err(bad("/Length 不是整数")),
                    },
                    None => return Err(bad("/Length")),
                };
                let data = pdf.get(ds..ds + len).ok_or_else(|| bad("流数据"))?;
                return Ok(Object {
                    num: num as u32,
                    head,
                    data: Some(data),
                });
            }
            _ => {}
        }
    }
}

/// The bytes of the value of `key` in the outermost dictionary of `head`.
fn value<'a>(head: &'a [u8], key: &[u8]) -> Result<Option<&'a [u8]>, String> {
    let toks = tokens(head)?;
    let mut depth = 0i32;
    let mut i = 0;
    while i < toks.len() {
        let t = toks[i];
        match t.kind {
            Kind::DictOpen | Kind::ArrOpen => depth += 1,
            Kind::DictClose | Kind::ArrClose => depth -= 1,
            Kind::Name if depth == 1 && &head[t.start..t.end] == key => {
                let Some(v) = toks.get(i + 1) else {
                    return Ok(None);
                };
                let end = match v.kind {
                    Kind::Int(_)
                        if matches!(toks.get(i + 2).map(|t| t.kind), Some(Kind::Int(_)))
                            && toks
                                .get(i + 3)
                                .is_some_and(|t| &head[t.start..t.end] == b"R") =>
                    {
                        toks[i + 3].end
                    }
                    Kind::DictOpen | Kind::ArrOpen => {
                        let mut d = 0i32;
                        let mut end = v.end;
                        for t in &toks[i + 1..] {
                            match t.kind {
                                Kind::DictOpen | Kind::ArrOpen => d += 1,
                                Kind::DictClose | Kind::ArrClose => d -= 1,
                                _ => {}
                            }
                            if d == 0 {
                                end = t.end;
                                break;
                            }
                        }
                        end
                    }
                    _ => v.end,
                };
                return Ok(Some(&head[v.start..end]));
            }
            _ => {}
        }
        i += 1;
    }
    Ok(None)
}

/// The object numbers of the references in `b`, in order.
fn refs(b: &[u8]) -> Result<Vec<u32>, String> {
    let toks = tokens(b)?;
    let mut out = Vec::new();
    for w in toks.windows(3) {
        if let (Kind::Int(n), Kind::Int(_)) = (w[0].kind, w[1].kind) {
            if &b[w[2].start..w[2].end] == b"R" {
                out.push(n as u32);
            }
        }
    }
    Ok(out)
}

fn ref_value(head: &[u8], key: &[u8]) -> Result<Option<u32>, String> {
    Ok(match value(head, key)? {
        Some(v) => refs(v)?.first().copied(),
        None => None,
    })
}

/// `b` with every reference renumbered by `map` and the integer after
/// `/StructParents` and `/StructParent` moved by `shift`; all else as it is.
fn rewrite(b: &[u8], map: &dyn Fn(u32) -> u32, shift: i64) -> Result<Vec<u8>, String> {
    let toks = tokens(b)?;
    let mut out = Vec::with_capacity(b.len() + 16);
    let mut copied = 0;
    let mut i = 0;
    while i < toks.len() {
        let t = toks[i];
        let is_ref = |j: usize| {
            matches!(toks.get(j).map(|t| t.kind), Some(Kind::Int(_)))
                && matches!(toks.get(j + 1).map(|t| t.kind), Some(Kind::Int(_)))
                && toks.get(j + 2).is_some_and(|t| &b[t.start..t.end] == b"R")
        };
        if is_ref(i) {
            let (Kind::Int(n), Kind::Int(g)) = (t.kind, toks[i + 1].kind) else {
                unreachable!("checked by is_ref")
            };
            out.extend_from_slice(&b[copied..t.start]);
            write!(out, "{} {g} R", map(n as u32)).map_err(|e| e.to_string())?;
            copied = toks[i + 2].end;
            i += 3;
            continue;
        }
        if t.kind == Kind::Name
            && matches!(&b[t.start..t.end], b"/StructParents" | b"/StructParent")
            && !is_ref(i + 1)
        {
            if let Some(Tok {
                kind: Kind::Int(n),
                start,
                end,
            }) = toks.get(i + 1).copied()
            {
                out.extend_from_slice(&b[copied..start]);
                write!(out, "{}", n + shift).map_err(|e| e.to_string())?;
                copied = end;
                i += 2;
                continue;
            }
        }
        i += 1;
    }
    out.extend_from_slice(&b[copied..]);
    Ok(out)
}

/// What `scan` learns of a part before anything is written.
#[derive(Debug, Clone)]
pub struct PartInfo {
    /// Its cross-reference table's size (highest object number + 1).
    pub size: u32,
    /// Its page objects, in order.
    pub pages: Vec<u32>,
}

fn catalog_of(
    pdf: &[u8],
    offsets: &[Option<usize>],
    trailer: &str,
) -> Result<(u32, Vec<u8>), String> {
    let root = ref_value(trailer.as_bytes(), b"/Root")?.ok_or("PDF 没有 /Root")?;
    Ok((root, object_at(pdf, offsets, root)?.head.to_vec()))
}

fn object_at<'a>(pdf: &'a [u8], offsets: &[Option<usize>], n: u32) -> Result<Object<'a>, String> {
    let at = offsets
        .get(n as usize)
        .copied()
        .flatten()
        .ok_or_else(|| format!("PDF 中找不到对象 {n}"))?;
    object(pdf, at)
}

/// The size and pages of a part Typst wrote.
pub fn scan(pdf: &[u8]) -> Result<PartInfo, String> {
    let (offsets, _, trailer) = pdf_images::xref(pdf)?;
    let (_, catalog) = catalog_of(pdf, &offsets, &trailer)?;
    let root = ref_value(&catalog, b"/Pages")?.ok_or("PDF 没有页面树")?;
    let tree = object_at(pdf, &offsets, root)?;
    let kids = value(tree.head, b"/Kids")?.ok_or("页面树没有 /Kids")?;
    let pages = refs(kids)?;
    for p in &pages {
        let o = object_at(pdf, &offsets, *p)?;
        if !value(o.head, b"/Type")?.is_some_and(|v| v == b"/Page") {
            return Err("页面树有多层，无法合并".into());
        }
    }
    Ok(PartInfo {
        size: offsets.len() as u32,
        pages,
    })
}

/// A place in the joined volume: a page of a part and a point on it (PDF
/// units, from the bottom left).
#[derive(Debug, Clone, Copy)]
pub struct Target {
    pub part: usize,
    pub page: usize,
    pub x: f64,
    pub y: f64,
}

/// An outline entry: a group with its cases, or a case.
#[derive(Debug, Clone)]
pub struct Bookmark {
    pub title: String,
    pub at: Target,
    pub children: Vec<Bookmark>,
}

// Objects of the joined file made here, numbered first.
const PAGES: u32 = 1;
const CATALOG: u32 = 2;
const STRUCT_ROOT: u32 = 3;
const DOCUMENT: u32 = 4;
const OUTLINES: u32 = 5;
const RESERVED: u32 = 5;

/// What the parts say about the whole, gathered while they are copied.
#[derive(Default)]
struct Whole {
    pages: Vec<u32>,
    struct_kids: Vec<u8>,
    parent_nums: Vec<u8>,
    next_key: i64,
    tagged: bool,
    role_map: BTreeMap<Vec<u8>, Vec<u8>>,
    info: Option<u32>,
    metadata: Option<u32>,
    id: Option<String>,
}

/// The joined volume, into `out`: `part(i)` gives each part's bytes in
/// turn (part 0 is the cover and contents), `infos` what `scan` found in
/// them; `photos[n]` replaces stand-in `n`; `case(id)` is where a case
/// starts and its printed page number, for the contents' links.
pub fn join(
    part: &mut dyn FnMut(usize) -> Result<Vec<u8>, String>,
    infos: &[PartInfo],
    photos: &[&Photo],
    case: &dyn Fn(u64) -> Option<(Target, usize)>,
    bookmarks: &[Bookmark],
    out: &mut dyn Write,
) -> Result<(), String> {
    let mut j = Joiner::new(infos, out);
    for i in 0..infos.len() {
        let pdf = part(i)?;
        j.copy_part(i, &pdf, photos, case)?;
    }
    j.finish(bookmarks)
}

/// The joined file being written: where each object went, and the
/// numbers of the parts' objects in it.
struct Joiner<'a> {
    w: Counting<'a>,
    offsets: Vec<Option<u64>>,
    infos: &'a [PartInfo],
    /// The number before each part's first object.
    bases: Vec<u32>,
    /// The next number for objects made here (forms turning photos, the
    /// outline): after every part's.
    extra: u32,
    whole: Whole,
}

/// How a part's objects are renumbered: its own catalog, page tree,
/// structure root and Document element become the joined file's.
struct Numbering {
    base: u32,
    catalog: u32,
    pages: u32,
    struct_root: Option<u32>,
    document: Option<u32>,
}

impl Numbering {
    fn map(&self, n: u32) -> u32 {
        if n == self.pages {
            PAGES
        } else if n == self.catalog {
            CATALOG
        } else if Some(n) == self.struct_root {
            STRUCT_ROOT
        } else if Some(n) == self.document {
            DOCUMENT
        } else {
            self.base + n
        }
    }
}

impl<'a> Joiner<'a> {
    fn new(infos: &'a [PartInfo], out: &'a mut dyn Write) -> Self {
        let mut bases = Vec::with_capacity(infos.len());
        let mut next = RESERVED;
        for info in infos {
            bases.push(next);
            next += info.size;
        }
        Joiner {
            w: Counting { w: out, n: 0 },
            offsets: vec![None; next as usize],
            infos,
            bases,
            extra: next,
            whole: Whole::default(),
        }
    }

    /// A link destination: the target's page, at its point.
    fn dest(&self, t: &Target) -> Option<String> {
        let page = self.bases.get(t.part)? + self.infos.get(t.part)?.pages.get(t.page)?;
        Some(format!("[{page} 0 R/XYZ {:.2} {:.2} 0]", t.x, t.y))
    }

    /// Marks object `num` as starting here.
    fn begin(&mut self, num: u32) {
        if self.offsets.len() <= num as usize {
            self.offsets.resize(num as usize + 1, None);
        }
        self.offsets[num as usize] = Some(self.w.n);
    }

    /// Writes a whole object made here.
    fn put(&mut self, num: u32, body: &[u8]) -> Result<(), String> {
        self.begin(num);
        write!(self.w, "{num} 0 obj\n").map_err(io)?;
        self.w.write_all(body).map_err(io)?;
        self.w.write_all(b"\nendobj\n").map_err(io)
    }

    /// Copies part `i`: every object renumbered, except those the joined
    /// file makes anew; photos for stand-ins.
    fn copy_part(
        &mut self,
        i: usize,
        pdf: &[u8],
        photos: &[&Photo],
        case: &dyn Fn(u64) -> Option<(Target, usize)>,
    ) -> Result<(), String> {
        let base = self.bases[i];
        let (offsets, _, trailer) = pdf_images::xref(pdf)?;
        if offsets.len() as u32 != self.infos[i].size {
            return Err("PDF 部分在扫描后被改动".into());
        }
        if i == 0 {
            // The header, and the identity of the whole, are the front's.
            let first = offsets.iter().flatten().min().copied().unwrap_or(0);
            self.w.write_all(&pdf[..first]).map_err(io)?;
            self.whole.id =
                value(trailer.as_bytes(), b"/ID")?.map(|v| String::from_utf8_lossy(v).into_owned());
        }
        let (catalog, catalog_head) = catalog_of(pdf, &offsets, &trailer)?;
        let mut numbering = Numbering {
            base,
            catalog,
            pages: ref_value(&catalog_head, b"/Pages")?.ok_or("PDF 没有页面树")?,
            struct_root: ref_value(&catalog_head, b"/StructTreeRoot")?,
            document: None,
        };
        let info = ref_value(trailer.as_bytes(), b"/Info")?;
        let metadata = ref_value(&catalog_head, b"/Metadata")?;
        // Not copied: the objects made anew, and the info and metadata of
        // all parts but the front, whose stand for the whole.
        let mut skip = vec![catalog, numbering.pages];
        let mut shift = 0;
        if let Some(sr) = numbering.struct_root {
            let (document, tree) = self.take_structure(pdf, &offsets, sr, &mut numbering)?;
            shift = tree.0;
            skip.extend([sr, document]);
            skip.extend(tree.1);
        }
        if i == 0 {
            self.whole.info = info.map(|n| base + n);
            self.whole.metadata = metadata.map(|n| base + n);
        } else {
            skip.extend(info);
            skip.extend(metadata);
        }
        let mut order: Vec<(usize, u32)> = offsets
            .iter()
            .enumerate()
            .filter_map(|(n, o)| o.map(|o| (o, n as u32)))
            .collect();
        order.sort();
        for (at, n) in order {
            if skip.contains(&n) {
                continue;
            }
            let o = object(pdf, at)?;
            if o.num != n {
                return Err(format!("对象 {n} 的位置不对"));
            }
            if self.copy_photo(&o, &numbering, photos)? {
                continue;
            }
            let mut head = rewrite(o.head, &|n| numbering.map(n), shift)?;
            if i == 0 {
                head = link_cases(head, case, &|t| self.dest(t))?;
            }
            let num = numbering.map(n);
            self.begin(num);
            write!(self.w, "{num} 0 obj\n").map_err(io)?;
            self.w.write_all(trim_end(&head)).map_err(io)?;
            match o.data {
                Some(data) => {
                    self.w.write_all(b"\nstream\n").map_err(io)?;
                    self.w.write_all(data).map_err(io)?;
                    self.w.write_all(b"\nendstream\nendobj\n").map_err(io)?;
                }
                None => self.w.write_all(b"\nendobj\n").map_err(io)?,
            }
        }
        let pages = &self.infos[i].pages;
        self.whole.pages.extend(pages.iter().map(|p| base + p));
        Ok(())
    }

    /// Gathers a part's tagged structure into the whole: its Document
    /// element's kids, its parent tree (keys moved past the parts before)
    /// and role map. Returns the Document element, and the key shift with
    /// the objects holding the parent tree.
    #[allow(clippy::type_complexity)]
    fn take_structure(
        &mut self,
        pdf: &[u8],
        offsets: &[Option<usize>],
        struct_root: u32,
        numbering: &mut Numbering,
    ) -> Result<(u32, (i64, Vec<u32>)), String> {
        self.whole.tagged = true;
        let st = object_at(pdf, offsets, struct_root)?;
        let kids = refs(value(st.head, b"/K")?.ok_or("结构树没有 /K")?)?;
        let [document] = kids[..] else {
            return Err("结构树的根不是一个 Document 元素".into());
        };
        numbering.document = Some(document);
        if let Some(rm) = value(st.head, b"/RoleMap")? {
            let toks = tokens(rm)?;
            let names: Vec<&Tok> = toks.iter().filter(|t| t.kind == Kind::Name).collect();
            for pair in names.chunks(2) {
                if let [k, v] = pair {
                    self.whole
                        .role_map
                        .insert(rm[k.start..k.end].to_vec(), rm[v.start..v.end].to_vec());
                }
            }
        }
        let shift = self.whole.next_key;
        let (nums, tree_objs, max_key) = parent_tree(pdf, offsets, st.head)?;
        let next_key = value(st.head, b"/ParentTreeNextKey")?
            .and_then(|v| std::str::from_utf8(v).ok()?.trim().parse::<i64>().ok())
            .unwrap_or(max_key + 1);
        let map = |n: u32| numbering.map(n);
        for (k, v) in nums {
            write!(self.whole.parent_nums, "{} ", k + shift).map_err(|e| e.to_string())?;
            self.whole.parent_nums.extend(rewrite(&v, &map, 0)?);
            self.whole.parent_nums.push(b' ');
        }
        self.whole.next_key = shift + next_key;
        let d = object_at(pdf, offsets, document)?;
        if let Some(k) = value(d.head, b"/K")? {
            let inner = k
                .strip_prefix(b"[")
                .and_then(|k| k.strip_suffix(b"]"))
                .unwrap_or(k);
            self.whole.struct_kids.extend(rewrite(inner, &map, 0)?);
            self.whole.struct_kids.push(b' ');
        }
        Ok((document, (shift, tree_objs)))
    }

    /// Writes the photo for a stand-in image object (turned by a form when
    /// its EXIF says so); false when `o` is no stand-in.
    fn copy_photo(
        &mut self,
        o: &Object,
        numbering: &Numbering,
        photos: &[&Photo],
    ) -> Result<bool, String> {
        let Some(data) = o.data else {
            return Ok(false);
        };
        let image = value(o.head, b"/Subtype")?.is_some_and(|v| v == b"/Image");
        let (Some(mark), true) = (pdf_images::find(data, MARK, 0), image) else {
            return Ok(false);
        };
        let (idx, _) =
            pdf_images::number_at(data, mark + MARK.len()).ok_or("占位图编号无法读取")?;
        let photo = *photos.get(idx as usize).ok_or("占位图编号超出范围")?;
        let space = value(o.head, b"/ColorSpace")?.ok_or("占位图没有颜色空间")?;
        let space =
            String::from_utf8_lossy(&rewrite(space, &|n| numbering.map(n), 0)?).into_owned();
        let num = numbering.map(o.num);
        self.begin(num);
        if photo.orientation <= 1 {
            pdf_images::write_image(&mut self.w, num as usize, photo, &space)?;
            return Ok(true);
        }
        let m = pdf_images::matrix(photo.orientation);
        let body = b"/I Do";
        let image = self.extra;
        self.extra += 1;
        write!(
            self.w,
            "{num} 0 obj\n<</Type/XObject/Subtype/Form/BBox[0 0 1 1]/Matrix[{} {} {} {} {} {}]/Resources<</XObject<</I {image} 0 R>>>>/Length {}>>\nstream\n",
            m[0], m[1], m[2], m[3], m[4], m[5], body.len()
        )
        .map_err(io)?;
        self.w.write_all(body).map_err(io)?;
        self.w.write_all(b"\nendstream\nendobj\n").map_err(io)?;
        self.begin(image);
        pdf_images::write_image(&mut self.w, image as usize, photo, &space)?;
        Ok(true)
    }

    /// The page tree, catalog, structure and outline made anew, then the
    /// cross-reference table and trailer.
    fn finish(mut self, bookmarks: &[Bookmark]) -> Result<(), String> {
        let mut kids = Vec::with_capacity(self.whole.pages.len() * 9);
        for p in &self.whole.pages {
            write!(kids, "{p} 0 R ").map_err(|e| e.to_string())?;
        }
        let body = format!(
            "<</Type/Pages/Count {}/Kids[{}]>>",
            self.whole.pages.len(),
            String::from_utf8_lossy(trim_end(&kids))
        );
        self.put(PAGES, body.as_bytes())?;
        let mut catalog = String::from("<</Type/Catalog/Pages 1 0 R");
        if let Some(m) = self.whole.metadata {
            catalog += &format!("/Metadata {m} 0 R");
        }
        catalog += "/Lang(zh-CN)";
        if self.whole.tagged {
            catalog += &format!(
                "/StructTreeRoot {STRUCT_ROOT} 0 R/MarkInfo<</Marked true/Suspects false>>"
            );
        }
        catalog += "/ViewerPreferences<</Direction/L2R>>";
        if !bookmarks.is_empty() {
            catalog += &format!("/Outlines {OUTLINES} 0 R");
        }
        catalog += ">>";
        self.put(CATALOG, catalog.as_bytes())?;
        if self.whole.tagged {
            let mut body = b"<</Type/StructTreeRoot/RoleMap<<".to_vec();
            for (k, v) in &self.whole.role_map {
                body.extend_from_slice(k);
                body.extend_from_slice(v);
            }
            write!(body, ">>/K[{DOCUMENT} 0 R]/ParentTree<</Nums[").map_err(|e| e.to_string())?;
            body.extend_from_slice(trim_end(&self.whole.parent_nums));
            write!(body, "]>>/ParentTreeNextKey {}>>", self.whole.next_key)
                .map_err(|e| e.to_string())?;
            self.put(STRUCT_ROOT, &body)?;
            let mut body =
                format!("<</Type/StructElem/S/Document/P {STRUCT_ROOT} 0 R/K[").into_bytes();
            body.extend_from_slice(trim_end(&self.whole.struct_kids));
            body.extend_from_slice(b"]>>");
            self.put(DOCUMENT, &body)?;
        }
        if !bookmarks.is_empty() {
            let mut items: Vec<(u32, String)> = Vec::new();
            let mut next = self.extra;
            let (first, last) = outline(
                bookmarks,
                OUTLINES,
                &mut next,
                &|t| self.dest(t),
                &mut items,
            )?;
            self.extra = next;
            for (num, body) in items {
                self.put(num, body.as_bytes())?;
            }
            let body = format!(
                "<</Type/Outlines/First {first} 0 R/Last {last} 0 R/Count {}>>",
                bookmarks.len()
            );
            self.put(OUTLINES, body.as_bytes())?;
        }
        let table_at = self.w.n;
        let w = &mut self.w;
        write!(w, "xref\n0 {}\n0000000000 65535 f\r\n", self.offsets.len()).map_err(io)?;
        for o in &self.offsets[1..] {
            match o {
                Some(o) => write!(w, "{o:010} 00000 n\r\n").map_err(io)?,
                None => w.write_all(b"0000000000 65535 f\r\n").map_err(io)?,
            }
        }
        let mut trailer = format!("<</Size {}/Root {CATALOG} 0 R", self.offsets.len());
        if let Some(info) = self.whole.info {
            trailer += &format!("/Info {info} 0 R");
        }
        if let Some(id) = &self.whole.id {
            trailer += &format!("/ID{id}");
        }
        trailer += ">>";
        write!(w, "trailer\n{trailer}\nstartxref\n{table_at}\n%%EOF").map_err(io)?;
        w.flush().map_err(io)
    }
}

fn io(e: std::io::Error) -> String {
    crate::files::io_reason(&e)
}

fn trim_end(b: &[u8]) -> &[u8] {
    let n = b.iter().rposition(|c| !is_space(*c)).map_or(0, |i| i + 1);
    let s = b.iter().position(|c| !is_space(*c)).unwrap_or(n);
    &b[s.min(n)..n]
}

/// A structure root's parent tree: its (key, value) pairs, the objects
/// that hold it (when not inline), and the highest key.
#[allow(clippy::type_complexity)]
fn parent_tree(
    pdf: &[u8],
    offsets: &[Option<usize>],
    st: &[u8],
) -> Result<(Vec<(i64, Vec<u8>)>, Vec<u32>, i64), String> {
    let mut pairs = Vec::new();
    let mut objs = Vec::new();
    let mut max = -1;
    let Some(v) = value(st, b"/ParentTree")? else {
        return Ok((pairs, objs, max));
    };
    // A node: inline, or a reference to one; leaves hold /Nums, others /Kids.
    let mut stack: Vec<Vec<u8>> = vec![v.to_vec()];
    while let Some(node) = stack.pop() {
        let node = if node.starts_with(b"<<") {
            node
        } else {
            let n = *refs(&node)?.first().ok_or("结构父树无法读取")?;
            objs.push(n);
            object_at(pdf, offsets, n)?.head.to_vec()
        };
        if let Some(nums) = value(&node, b"/Nums")? {
            let inner = &nums[1..nums.len() - 1];
            let toks = tokens(inner)?;
            let mut i = 0;
            while i < toks.len() {
                let Kind::Int(k) = toks[i].kind else {
                    return Err("结构父树的键不是整数".into());
                };
                let v = toks.get(i + 1).ok_or("结构父树缺少值")?;
                let (end, step) = match v.kind {
                    Kind::Int(_) => (toks.get(i + 3).ok_or("结构父树的引用不完整")?.end, 4),
                    Kind::ArrOpen => {
                        let close = toks[i + 1..]
                            .iter()
                            .position(|t| t.kind == Kind::ArrClose)
                            .ok_or("数组没有结束")?;
                        (toks[i + 1 + close].end, close + 2)
                    }
                    _ => (v.end, 2),
                };
                pairs.push((k, inner[v.start..end].to_vec()));
                max = max.max(k);
                i += step;
            }
        }
        if let Some(kids) = value(&node, b"/Kids")? {
            for k in refs(kids)?.into_iter().rev() {
                stack.push(format!("{k} 0 R").into_bytes());
            }
        }
    }
    pairs.sort_by_key(|p| p.0);
    Ok((pairs, objs, max))
}

/// A link annotation of the contents whose action names a case
/// (`URI(baosong-case:ID)`): the action replaced by a link to its page.
fn link_cases(
    head: Vec<u8>,
    case: &dyn Fn(u64) -> Option<(Target, usize)>,
    dest: &dyn Fn(&Target) -> Option<String>,
) -> Result<Vec<u8>, String> {
    const SCHEME: &[u8] = b"baosong-case:";
    if pdf_images::find(&head, SCHEME, 0).is_none() {
        return Ok(head);
    }
    let Some(action) = value(&head, b"/A")? else {
        return Ok(head);
    };
    let at = pdf_images::find(action, SCHEME, 0).ok_or("链接无法读取")? + SCHEME.len();
    let (id, _) = pdf_images::number_at(action, at).ok_or("链接的案例编号无法读取")?;
    let (target, number) = case(id).ok_or_else(|| format!("目录链接指向不存在的案例 {id}"))?;
    let d = dest(&target).ok_or("目录链接的页面不存在")?;
    // The action's bytes, with its key just before: "/A<<…>>".
    let start = action.as_ptr() as usize - head.as_ptr() as usize;
    let key = head[..start]
        .iter()
        .rposition(|c| *c == b'/')
        .ok_or("链接无法读取")?;
    let mut out = head[..key].to_vec();
    out.extend_from_slice(format!("/Dest{d}").as_bytes());
    out.extend_from_slice(&head[start + action.len()..]);
    // Its description says where it goes, as Typst says of page links.
    if let Some(c) = value(&out, b"/Contents")? {
        let at = c.as_ptr() as usize - out.as_ptr() as usize;
        let mut label = String::from("<FEFF");
        for u in format!("页 {number}").encode_utf16() {
            label += &format!("{u:04X}");
        }
        label.push('>');
        out.splice(at..at + c.len(), label.into_bytes());
    }
    Ok(out)
}

/// Writes the items of one outline level under `parent`; returns the
/// first and last item's numbers.
fn outline(
    items: &[Bookmark],
    parent: u32,
    next: &mut u32,
    dest: &dyn Fn(&Target) -> Option<String>,
    out: &mut Vec<(u32, String)>,
) -> Result<(u32, u32), String> {
    let nums: Vec<u32> = items
        .iter()
        .map(|_| {
            *next += 1;
            *next - 1
        })
        .collect();
    for (k, b) in items.iter().enumerate() {
        let mut body = format!("<</Parent {parent} 0 R");
        if k > 0 {
            body += &format!("/Prev {} 0 R", nums[k - 1]);
        }
        if k + 1 < items.len() {
            body += &format!("/Next {} 0 R", nums[k + 1]);
        }
        if !b.children.is_empty() {
            let (f, l) = outline(&b.children, nums[k], next, dest, out)?;
            // Closed, as Typst writes them: a group shows its cases on a click.
            body += &format!("/First {f} 0 R/Last {l} 0 R/Count -{}", b.children.len());
        }
        body += "/Title<FEFF";
        for u in b.title.encode_utf16() {
            body += &format!("{u:04X}");
        }
        body += ">";
        body += &format!("/Dest{}>>", dest(&b.at).ok_or("书签的页面不存在")?);
        out.push((nums[k], body));
    }
    Ok((nums[0], nums[nums.len() - 1]))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn references_are_renumbered_and_strings_left_alone() {
        let b = b"<</Type/Page/Parent 1 0 R/Title(3 0 R \\) 4 0 R)/K[5 0 R<</Obj 6 0 R>>]/StructParents 7/A<3 0 R>>>";
        let out = rewrite(b, &|n| n + 100, 10).unwrap();
        assert_eq!(
            String::from_utf8(out).unwrap(),
            "<</Type/Page/Parent 101 0 R/Title(3 0 R \\) 4 0 R)/K[105 0 R<</Obj 106 0 R>>]/StructParents 17/A<3 0 R>>>"
        );
    }

    #[test]
    fn values_are_found_at_the_top_level_only() {
        let b = b"<</A<</Pages 9 0 R>>/Pages 2 0 R/Kids[3 0 R 4 0 R]/N 5>>";
        assert_eq!(ref_value(b, b"/Pages").unwrap(), Some(2));
        assert_eq!(
            refs(value(b, b"/Kids").unwrap().unwrap()).unwrap(),
            vec![3, 4]
        );
        assert_eq!(value(b, b"/N").unwrap(), Some(&b"5"[..]));
        assert_eq!(value(b, b"/Missing").unwrap(), None);
    }

    #[test]
    fn case_links_become_page_links() {
        let head = b"<</Type/Annot/Subtype/Link/Rect[1 2 3 4]/A<</Type/Action/S/URI/URI(baosong-case:12)>>/F 4>>".to_vec();
        let t = Target {
            part: 1,
            page: 0,
            x: 10.0,
            y: 20.0,
        };
        let out = link_cases(head, &|id| (id == 12).then_some((t, 3)), &|t| {
            Some(format!("[77 0 R/XYZ {} {} 0]", t.x, t.y))
        })
        .unwrap();
        assert_eq!(
            String::from_utf8(out).unwrap(),
            "<</Type/Annot/Subtype/Link/Rect[1 2 3 4]/Dest[77 0 R/XYZ 10 20 0]/F 4>>"
        );
        let head =
            b"<</Subtype/Link/A<</S/URI/URI(baosong-case:1)>>/Contents(baosong-case:1)>>".to_vec();
        let out = link_cases(head, &|_| Some((t, 12)), &|_| Some("[7 0 R/Fit]".into())).unwrap();
        assert_eq!(
            String::from_utf8(out).unwrap(),
            "<</Subtype/Link/Dest[7 0 R/Fit]/Contents<FEFF9875002000310032>>>"
        );
    }
}
