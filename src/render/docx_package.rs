//! The one place where the .docx package docx-rs writes is completed with
//! what docx-rs 0.4 cannot express: `firstLineChars`, `w:lang`, the mandated
//! faces in the font table, JPEG photos stored as JPEG, and unique drawing
//! ids, and schema order of property elements (`docx_order`). It edits the XML with a real XML reader/writer, element by element,
//! and rewrites the zip with fixed timestamps so the bytes are reproducible.

use std::collections::{BTreeMap, BTreeSet};
use std::io::{Cursor, Read, Write};

use quick_xml::events::{BytesStart, Event};
use quick_xml::{Reader, Writer};

use super::docx::style_id;
use super::docx_order;
use crate::rules::{Role, Rules};

const W_NS: &str = "w:";

/// What to add to the package.
#[derive(Debug, Clone)]
pub struct PackagePatch {
    /// Style id → first-line indent in hundredths of a character.
    pub first_line_chars: BTreeMap<String, i32>,
    /// East-Asian language of the document defaults.
    pub east_asia_lang: String,
    /// Font-table entries: (name, alternative English name, CJK?).
    pub fonts: Vec<(String, Option<String>, bool)>,
    /// Set for a bound volume.
    pub volume: Option<VolumePatch>,
}

/// What a bound volume needs besides a document: sections that start on a
/// new (odd) page, mirrored margins, odd/even footers in every section, and
/// Word asked to refresh the contents on opening.
#[derive(Debug, Clone)]
pub struct VolumePatch {
    pub duplex: bool,
}

impl PackagePatch {
    pub fn for_document(rules: &Rules) -> PackagePatch {
        let mut first_line_chars = BTreeMap::new();
        for role in [
            Role::Body,
            Role::Heading1,
            Role::Heading2,
            Role::Heading3,
            Role::Heading4,
        ] {
            first_line_chars.insert(
                style_id(role).to_string(),
                rules.page.indent_chars as i32 * 100,
            );
        }
        let mut fonts: Vec<(String, Option<String>, bool)> = Vec::new();
        let mut seen = BTreeSet::new();
        for role in Role::ALL {
            let face = rules.face(role);
            if seen.insert(face.name.clone()) {
                // The first ASCII alias is the name English systems list it under.
                let alt = face.aliases.iter().find(|a| a.is_ascii()).cloned();
                fonts.push((face.name.clone(), alt, true));
            }
            if let Some(l) = &rules.style(role).latin {
                if seen.insert(l.clone()) {
                    fonts.push((l.clone(), None, false));
                }
            }
        }
        PackagePatch {
            first_line_chars,
            east_asia_lang: "zh-CN".into(),
            fonts,
            volume: None,
        }
    }
}

type XmlResult<T> = Result<T, String>;

/// Applies the patch to a packed .docx and returns the new package.
pub fn apply(docx: &[u8], patch: &PackagePatch) -> XmlResult<Vec<u8>> {
    let mut zip = zip::ZipArchive::new(Cursor::new(docx)).map_err(|e| e.to_string())?;
    let mut parts: Vec<(String, Vec<u8>)> = Vec::new();
    for i in 0..zip.len() {
        let mut f = zip.by_index(i).map_err(|e| e.to_string())?;
        if f.is_dir() {
            continue;
        }
        let mut buf = Vec::new();
        f.read_to_end(&mut buf).map_err(|e| e.to_string())?;
        parts.push((f.name().to_string(), buf));
    }

    // Photos stored under .png by docx-rs but really JPEG: name them so.
    let mut renamed: BTreeMap<String, String> = BTreeMap::new();
    for (name, data) in parts.iter_mut() {
        if let Some(stem) = name
            .strip_prefix("word/media/")
            .and_then(|n| n.strip_suffix(".png"))
        {
            if data.starts_with(&[0xFF, 0xD8, 0xFF]) {
                let new = format!("word/media/{stem}.jpeg");
                renamed.insert(format!("media/{stem}.png"), format!("media/{stem}.jpeg"));
                *name = new;
            }
        }
    }

    let mut out_parts = Vec::with_capacity(parts.len());
    for (name, data) in parts {
        let data = match name.as_str() {
            "word/styles.xml" => docx_order::normalize(&patch_styles(&data, patch)?)?,
            "word/fontTable.xml" => patch_font_table(&data, patch)?,
            "word/document.xml" => {
                let mut xml = repeat_header_rows(&renumber_doc_pr(&data)?)?;
                if let Some(v) = &patch.volume {
                    xml = section_starts(&xml, v)?;
                }
                docx_order::normalize(&xml)?
            }
            "word/settings.xml" if patch.volume.is_some() => {
                let duplex = patch.volume.as_ref().is_some_and(|v| v.duplex);
                docx_order::normalize(&volume_settings(&data, duplex)?)?
            }
            n if n.starts_with("word/footer") && n.ends_with(".xml") => {
                docx_order::normalize(&data)?
            }
            "word/_rels/document.xml.rels" if !renamed.is_empty() => retarget(&data, &renamed)?,
            "[Content_Types].xml" if !renamed.is_empty() => {
                add_default_type(&data, "jpeg", "image/jpeg")?
            }
            _ => data,
        };
        out_parts.push((name, data));
    }

    let mut out = Cursor::new(Vec::new());
    {
        let mut w = zip::ZipWriter::new(&mut out);
        let opts = zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Deflated)
            .last_modified_time(zip::DateTime::default());
        for (name, data) in &out_parts {
            // JPEG does not deflate; storing it saves time.
            let o = if name.ends_with(".jpeg") {
                opts.compression_method(zip::CompressionMethod::Stored)
            } else {
                opts
            };
            w.start_file(name.as_str(), o).map_err(|e| e.to_string())?;
            w.write_all(data).map_err(|e| e.to_string())?;
        }
        w.finish().map_err(|e| e.to_string())?;
    }
    Ok(out.into_inner())
}

/// Streams `xml` through `f`, which sees each event with the stack of
/// enclosing element names and returns the events to write instead.
fn rewrite(
    xml: &[u8],
    mut f: impl FnMut(&[String], Event<'static>) -> XmlResult<Vec<Event<'static>>>,
) -> XmlResult<Vec<u8>> {
    let mut reader = Reader::from_reader(xml);
    let mut writer = Writer::new(Vec::with_capacity(xml.len() + 1024));
    let mut stack: Vec<String> = Vec::new();
    let mut buf = Vec::new();
    loop {
        let ev = reader
            .read_event_into(&mut buf)
            .map_err(|e| e.to_string())?
            .into_owned();
        if let Event::Eof = ev {
            break;
        }
        let end = matches!(ev, Event::End(_));
        if end {
            stack.pop();
        }
        let start_name = match &ev {
            Event::Start(e) => Some(String::from_utf8_lossy(e.name().as_ref()).into_owned()),
            _ => None,
        };
        for out in f(&stack, ev)? {
            writer.write_event(out).map_err(|e| e.to_string())?;
        }
        if let Some(n) = start_name {
            stack.push(n);
        }
        buf.clear();
    }
    Ok(writer.into_inner())
}

fn attr(e: &BytesStart, name: &str) -> Option<String> {
    e.try_get_attribute(name).ok().flatten().and_then(|a| {
        a.normalized_value(quick_xml::XmlVersion::Implicit1_0)
            .ok()
            .map(|v| v.into_owned())
    })
}

/// A copy of `e` with attribute `name` set to `value`.
fn with_attr(e: &BytesStart, name: &str, value: &str) -> BytesStart<'static> {
    let mut n = BytesStart::new(String::from_utf8_lossy(e.name().as_ref()).into_owned());
    for a in e.attributes().flatten() {
        if a.key.as_ref() != name.as_bytes() {
            let v = a
                .normalized_value(quick_xml::XmlVersion::Implicit1_0)
                .map(|v| v.into_owned())
                .unwrap_or_default();
            n.push_attribute((String::from_utf8_lossy(a.key.as_ref()).as_ref(), v.as_str()));
        }
    }
    n.push_attribute((name, value));
    n
}

fn is(e: &BytesStart, local: &str) -> bool {
    e.name().as_ref() == format!("{W_NS}{local}").as_bytes()
}

fn patch_styles(xml: &[u8], patch: &PackagePatch) -> XmlResult<Vec<u8>> {
    let mut current_style: Option<String> = None;
    // docx-rs always writes an empty placeholder `Normal` first; ours, with
    // the body's faces and grid, follows. Word reads the first, so drop it.
    let normals = count_styles(xml, "Normal")?;
    let mut skip_normal = normals > 1;
    let mut skipping: Option<usize> = None;
    rewrite(xml, |stack, ev| {
        if let Some(depth) = skipping {
            if matches!(ev, Event::End(_)) && stack.len() == depth {
                skipping = None;
            }
            return Ok(vec![]);
        }
        Ok(match ev {
            Event::Start(e)
                if is(&e, "style")
                    && skip_normal
                    && attr(&e, "w:styleId").as_deref() == Some("Normal") =>
            {
                skip_normal = false;
                skipping = Some(stack.len());
                vec![]
            }
            Event::Start(e) if is(&e, "style") => {
                current_style = attr(&e, "w:styleId");
                vec![Event::Start(e)]
            }
            Event::Empty(e) | Event::Start(e) if is(&e, "ind") => {
                let chars = current_style
                    .as_ref()
                    .and_then(|s| patch.first_line_chars.get(s));
                let e = match chars {
                    Some(c) if stack.iter().any(|s| s == "w:style") => {
                        with_attr(&e, "w:firstLineChars", &c.to_string())
                    }
                    _ => e,
                };
                vec![Event::Empty(e)]
            }
            Event::End(e)
                if e.name().as_ref() == b"w:rPr" && stack.iter().any(|s| s == "w:rPrDefault") =>
            {
                let mut lang = BytesStart::new("w:lang");
                lang.push_attribute(("w:val", "en-US"));
                lang.push_attribute(("w:eastAsia", patch.east_asia_lang.as_str()));
                lang.push_attribute(("w:bidi", "ar-SA"));
                vec![Event::Empty(lang), Event::End(e)]
            }
            Event::Start(e)
                if e.name().as_ref() == b"w:pPr"
                    && stack
                        .last()
                        .is_some_and(|s| s == "w:pPrDefault" || s == "w:style") =>
            {
                // No automatic space between Chinese and Latin text or digits,
                // as in the PDF (Typst's cjk-latin-spacing is off too). In the
                // defaults and in every style: LibreOffice does not take it
                // from the defaults alone.
                let mut evs = vec![Event::Start(e)];
                for tag in ["w:autoSpaceDE", "w:autoSpaceDN"] {
                    let mut t = BytesStart::new(tag);
                    t.push_attribute(("w:val", "0"));
                    evs.push(Event::Empty(t));
                }
                evs
            }
            Event::End(e) if e.name().as_ref() == b"w:style" => {
                current_style = None;
                vec![Event::End(e)]
            }
            other => vec![other],
        })
    })
}

fn count_styles(xml: &[u8], id: &str) -> XmlResult<usize> {
    let mut n = 0;
    rewrite(xml, |_, ev| {
        if let Event::Start(e) | Event::Empty(e) = &ev {
            if is(e, "style") && attr(e, "w:styleId").as_deref() == Some(id) {
                n += 1;
            }
        }
        Ok(vec![])
    })?;
    Ok(n)
}

fn patch_font_table(xml: &[u8], patch: &PackagePatch) -> XmlResult<Vec<u8>> {
    let mut present = BTreeSet::new();
    rewrite(xml, |_, ev| {
        Ok(match ev {
            Event::Start(e) if is(&e, "font") => {
                if let Some(n) = attr(&e, "w:name") {
                    present.insert(n);
                }
                vec![Event::Start(e)]
            }
            Event::End(e) if e.name().as_ref() == b"w:fonts" => {
                let mut evs = Vec::new();
                for (name, alt, cjk) in &patch.fonts {
                    if present.contains(name) {
                        continue;
                    }
                    let mut font = BytesStart::new("w:font");
                    font.push_attribute(("w:name", name.as_str()));
                    evs.push(Event::Start(font));
                    if let Some(alt) = alt {
                        let mut a = BytesStart::new("w:altName");
                        a.push_attribute(("w:val", alt.as_str()));
                        evs.push(Event::Empty(a));
                    }
                    // 86 = GB2312 character set; WPS uses it to find the face.
                    for (tag, val) in [
                        ("w:charset", if *cjk { "86" } else { "00" }),
                        ("w:family", if *cjk { "modern" } else { "roman" }),
                        ("w:pitch", if *cjk { "fixed" } else { "variable" }),
                    ] {
                        let mut t = BytesStart::new(tag);
                        t.push_attribute(("w:val", val));
                        evs.push(Event::Empty(t));
                    }
                    evs.push(Event::End(quick_xml::events::BytesEnd::new("w:font")));
                }
                evs.push(Event::End(e));
                evs
            }
            other => vec![other],
        })
    })
}

/// docx-rs gives every picture the same `wp:docPr` id; Word wants them unique.
fn renumber_doc_pr(xml: &[u8]) -> XmlResult<Vec<u8>> {
    let mut next = 1;
    rewrite(xml, |_, ev| {
        Ok(match ev {
            Event::Empty(e) if e.name().as_ref() == b"wp:docPr" => {
                let e = with_attr(&e, "id", &next.to_string());
                next += 1;
                vec![Event::Empty(e)]
            }
            Event::Start(e) if e.name().as_ref() == b"wp:docPr" => {
                let e = with_attr(&e, "id", &next.to_string());
                next += 1;
                vec![Event::Start(e)]
            }
            other => vec![other],
        })
    })
}

/// The first row of every table repeats on each page (`w:tblHeader`), which
/// docx-rs cannot write; rows must not split across pages either.
fn repeat_header_rows(xml: &[u8]) -> XmlResult<Vec<u8>> {
    // Depth of tables whose first row is still to come.
    let mut pending: Vec<bool> = Vec::new();
    let mut in_first_row = false;
    rewrite(xml, |_, ev| {
        Ok(match ev {
            Event::Start(e) if e.name().as_ref() == b"w:tbl" => {
                pending.push(true);
                vec![Event::Start(e)]
            }
            Event::End(e) if e.name().as_ref() == b"w:tbl" => {
                pending.pop();
                vec![Event::End(e)]
            }
            Event::Start(e) if e.name().as_ref() == b"w:tr" && pending.last() == Some(&true) => {
                if let Some(p) = pending.last_mut() {
                    *p = false;
                }
                in_first_row = true;
                vec![Event::Start(e)]
            }
            Event::Start(e) if e.name().as_ref() == b"w:trPr" && in_first_row => {
                in_first_row = false;
                vec![
                    Event::Start(e),
                    Event::Empty(BytesStart::new("w:tblHeader")),
                ]
            }
            Event::Empty(e) if e.name().as_ref() == b"w:trPr" && in_first_row => {
                in_first_row = false;
                let end = quick_xml::events::BytesEnd::new("w:trPr");
                vec![
                    Event::Start(e),
                    Event::Empty(BytesStart::new("w:tblHeader")),
                    Event::End(end),
                ]
            }
            Event::Start(e) if e.name().as_ref() == b"w:tc" && in_first_row => {
                // The row had no properties: give it some.
                in_first_row = false;
                vec![
                    Event::Start(BytesStart::new("w:trPr")),
                    Event::Empty(BytesStart::new("w:tblHeader")),
                    Event::End(quick_xml::events::BytesEnd::new("w:trPr")),
                    Event::Start(e),
                ]
            }
            other => vec![other],
        })
    })
}

/// Every section after the first (the cover and contents) starts a case
/// on a new page — an odd one when printed on both sides.
fn section_starts(xml: &[u8], v: &VolumePatch) -> XmlResult<Vec<u8>> {
    let mut seen = 0;
    rewrite(xml, |_, ev| {
        Ok(match ev {
            Event::Start(e) if e.name().as_ref() == b"w:sectPr" => {
                seen += 1;
                let mut out = vec![Event::Start(e)];
                if seen > 1 {
                    let mut t = BytesStart::new("w:type");
                    t.push_attribute(("w:val", if v.duplex { "oddPage" } else { "nextPage" }));
                    out.push(Event::Empty(t));
                }
                out
            }
            other => vec![other],
        })
    })
}

fn volume_settings(xml: &[u8], duplex: bool) -> XmlResult<Vec<u8>> {
    let mut present = BTreeSet::new();
    rewrite(xml, |stack, ev| {
        Ok(match ev {
            Event::Empty(e) if stack.len() == 1 => {
                present.insert(String::from_utf8_lossy(e.name().as_ref()).into_owned());
                vec![Event::Empty(e)]
            }
            Event::Start(e) if stack.len() == 1 => {
                present.insert(String::from_utf8_lossy(e.name().as_ref()).into_owned());
                vec![Event::Start(e)]
            }
            Event::End(e) if e.name().as_ref() == b"w:settings" => {
                let mut evs = Vec::new();
                let mut add = |tag: &str, val: Option<&str>| {
                    if !present.contains(tag) {
                        let mut t = BytesStart::new(tag.to_string());
                        if let Some(v) = val {
                            t.push_attribute(("w:val", v));
                        }
                        evs.push(Event::Empty(t));
                    }
                };
                add("w:evenAndOddHeaders", None);
                if duplex {
                    add("w:mirrorMargins", None);
                }
                // Word asks once on opening to refresh the contents field.
                add("w:updateFields", Some("true"));
                evs.push(Event::End(e));
                evs
            }
            other => vec![other],
        })
    })
}

fn retarget(xml: &[u8], renamed: &BTreeMap<String, String>) -> XmlResult<Vec<u8>> {
    rewrite(xml, |_, ev| {
        Ok(match ev {
            Event::Empty(e) if e.name().as_ref() == b"Relationship" => {
                match attr(&e, "Target").and_then(|t| renamed.get(&t)) {
                    Some(new) => vec![Event::Empty(with_attr(&e, "Target", new))],
                    None => vec![Event::Empty(e)],
                }
            }
            other => vec![other],
        })
    })
}

fn add_default_type(xml: &[u8], ext: &str, mime: &str) -> XmlResult<Vec<u8>> {
    let mut present = false;
    rewrite(xml, |_, ev| {
        Ok(match ev {
            Event::Empty(e) if e.name().as_ref() == b"Default" => {
                if attr(&e, "Extension").as_deref() == Some(ext) {
                    present = true;
                }
                vec![Event::Empty(e)]
            }
            Event::End(e) if e.name().as_ref() == b"Types" && !present => {
                let mut d = BytesStart::new("Default");
                d.push_attribute(("Extension", ext));
                d.push_attribute(("ContentType", mime));
                vec![Event::Empty(d), Event::End(e)]
            }
            other => vec![other],
        })
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn adds_first_line_chars_only_in_listed_styles() {
        let xml = br#"<w:styles><w:style w:styleId="Normal"><w:pPr><w:ind w:left="0" w:firstLine="632"/></w:pPr></w:style><w:style w:styleId="X"><w:pPr><w:ind w:firstLine="1"/></w:pPr></w:style></w:styles>"#;
        let mut p = PackagePatch {
            first_line_chars: BTreeMap::new(),
            east_asia_lang: "zh-CN".into(),
            fonts: vec![],
            volume: None,
        };
        p.first_line_chars.insert("Normal".into(), 200);
        let out = String::from_utf8(patch_styles(xml, &p).unwrap()).unwrap();
        assert!(
            out.contains(r#"<w:ind w:left="0" w:firstLine="632" w:firstLineChars="200"/>"#),
            "{out}"
        );
        assert!(out.contains(r#"<w:ind w:firstLine="1"/>"#), "{out}");
    }

    #[test]
    fn drops_placeholder_normal_style() {
        let xml = br#"<w:styles><w:style w:styleId="Normal"><w:name w:val="Normal"/><w:rPr/></w:style><w:style w:styleId="Normal"><w:name w:val="Normal"/><w:rPr><w:sz w:val="32"/></w:rPr></w:style></w:styles>"#;
        let p = PackagePatch {
            first_line_chars: BTreeMap::new(),
            east_asia_lang: "zh-CN".into(),
            fonts: vec![],
            volume: None,
        };
        let out = String::from_utf8(patch_styles(xml, &p).unwrap()).unwrap();
        assert_eq!(out.matches(r#"w:styleId="Normal""#).count(), 1, "{out}");
        assert!(out.contains(r#"<w:sz w:val="32"/>"#), "{out}");
    }

    #[test]
    fn adds_lang_to_defaults() {
        let xml = br#"<w:styles><w:docDefaults><w:rPrDefault><w:rPr><w:sz w:val="32"/></w:rPr></w:rPrDefault></w:docDefaults></w:styles>"#;
        let p = PackagePatch {
            first_line_chars: BTreeMap::new(),
            east_asia_lang: "zh-CN".into(),
            fonts: vec![],
            volume: None,
        };
        let out = String::from_utf8(patch_styles(xml, &p).unwrap()).unwrap();
        assert!(out.contains(r#"<w:sz w:val="32"/><w:lang w:val="en-US" w:eastAsia="zh-CN" w:bidi="ar-SA"/></w:rPr>"#), "{out}");
    }

    #[test]
    fn font_table_gets_mandated_faces_once() {
        let xml = br#"<w:fonts><w:font w:name="Times New Roman"></w:font></w:fonts>"#;
        let p = PackagePatch {
            first_line_chars: BTreeMap::new(),
            east_asia_lang: "zh-CN".into(),
            fonts: vec![
                ("仿宋_GB2312".into(), Some("FangSong_GB2312".into()), true),
                ("Times New Roman".into(), None, false),
            ],
            volume: None,
        };
        let out = String::from_utf8(patch_font_table(xml, &p).unwrap()).unwrap();
        assert_eq!(out.matches("Times New Roman").count(), 1);
        assert!(out.contains(r#"<w:font w:name="仿宋_GB2312"><w:altName w:val="FangSong_GB2312"/><w:charset w:val="86"/>"#), "{out}");
    }
}
