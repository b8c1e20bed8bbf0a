//! `baosong import`: a school's .docx turned back into our TOML input,
//! with its pictures as files, and a report of the faces and sizes it used
//! where the notice mandates others.

pub mod docx;

use crate::diag::{code, Diagnostic};
use crate::rules::{size, Role, Rules};
use docx::{DocxContent, Para};

/// What an import produces.
pub struct Imported {
    pub toml: String,
    /// TOML line (1-based) → the .docx paragraph it came from and its
    /// opening words, so findings can be shown where the school wrote them.
    pub lines: Vec<(usize, usize, String)>,
    /// (relative path, bytes) of the pictures.
    pub images: Vec<(String, Vec<u8>)>,
    /// What the original used where the notice mandates other faces/sizes.
    pub notes: Vec<Diagnostic>,
}

use crate::text::join_lines as clean;

fn is_caption(p: &Para) -> bool {
    let t = clean(&p.text);
    p.images.is_empty()
        && !t.is_empty()
        && t.chars().count() <= 60
        && (p.centered || !t.ends_with('。'))
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
        Ok(f) => match f {
            crate::photo::Format::Jpeg => "jpg",
            crate::photo::Format::Png => "png",
        },
        Err(_) => "bin",
    }
}

/// Reports a face or size that differs from the mandated one.
fn face_note(role: Role, p: &Para, rules: &Rules, at: usize) -> Option<Diagnostic> {
    let face = rules.face(role);
    let want = rules.style(role).size_pt;
    let face_ok = p
        .face
        .as_ref()
        .is_none_or(|f| f == &face.name || face.aliases.iter().any(|a| a == f));
    let size_ok = p.size_pt.is_none_or(|s| (s - want).abs() < 0.1);
    if face_ok && size_ok {
        return None;
    }
    let used = format!(
        "{} {}",
        p.face.clone().unwrap_or_else(|| "默认字体".into()),
        p.size_pt
            .map(size::name)
            .unwrap_or_else(|| "默认字号".into())
    );
    Some(
        Diagnostic::new(
            code::IMPORT_FACE,
            format!(
                "{}（第 {at} 段）使用了 {used}，要求{} {}",
                role.label(),
                face.name,
                size::name(want)
            ),
        )
        .hint("baosong 会按规定格式重新排版；此提示说明原文件为什么与要求不同"),
    )
}

pub fn to_toml(content: &DocxContent, rules: &Rules) -> Imported {
    let mut notes = Vec::new();
    // Highlights: a table whose header names the notice's columns.
    if let Some(t) = content.tables.iter().find(|t| {
        t.rows.first().is_some_and(|h| {
            h.iter().any(|c| c.contains("活动名称")) && h.iter().any(|c| c.contains("联系"))
        })
    }) {
        return highlights(content, t);
    }
    let paras: Vec<(usize, &Para)> = content
        .paras
        .iter()
        .enumerate()
        // Table cells too: schools lay photos and captions out in tables.
        .map(|(i, p)| (i + 1, p))
        .collect();
    let mut i = 0;
    let next_text = |i: &mut usize| -> Option<(usize, &Para)> {
        while *i < paras.len() {
            let (n, p) = paras[*i];
            *i += 1;
            if !clean(&p.text).is_empty() && p.images.is_empty() {
                return Some((n, p));
            }
        }
        None
    };
    let title = next_text(&mut i);
    if let Some((n, p)) = title {
        notes.extend(face_note(Role::Title, p, rules, n));
    }
    // The unit: a short line after the title, usually centred.
    let save = i;
    let unit = match next_text(&mut i) {
        Some((n, p))
            if clean(&p.text).chars().count() <= 40
                && (p.centered || !clean(&p.text).contains('。')) =>
        {
            notes.extend(face_note(Role::Unit, p, rules, n));
            Some(clean(&p.text))
        }
        _ => {
            i = save;
            None
        }
    };
    let mut body: Vec<(usize, String)> = Vec::new();
    let mut image_paras: Vec<usize> = Vec::new();
    let mut images = Vec::new();
    let mut captions: Vec<Option<String>> = Vec::new();
    let mut body_sample: Option<(usize, &Para)> = None;
    let mut k = i;
    while k < paras.len() {
        let (n, p) = paras[k];
        if !p.images.is_empty() {
            for img in &p.images {
                if let Some(bytes) = content.media.get(img) {
                    let name = format!("images/{:02}.{}", images.len() + 1, ext_of(bytes));
                    images.push((name, bytes.clone()));
                    captions.push(None);
                    image_paras.push(n);
                }
            }
            // Caption below the picture, or above it.
            if let Some((_, next)) = paras.get(k + 1).copied().filter(|(_, q)| is_caption(q)) {
                if let Some(c) = captions.last_mut() {
                    *c = Some(clean(&next.text));
                }
                k += 2;
                continue;
            }
            if let (Some((_, prev)), Some(c)) = (body.last(), captions.last_mut()) {
                let prev: &String = prev;
                if prev.chars().count() <= 60
                    && paras
                        .get(k.wrapping_sub(1))
                        .is_some_and(|(_, q)| q.centered)
                {
                    *c = Some(prev.clone());
                    body.pop();
                }
            }
            k += 1;
            continue;
        }
        let t = clean(&p.text);
        if !t.is_empty() {
            if body_sample.is_none() && t.chars().count() > 40 {
                body_sample = Some((n, p));
            }
            body.push((n, t));
        }
        k += 1;
    }
    if let Some((n, p)) = body_sample {
        notes.extend(face_note(Role::Body, p, rules, n));
    }
    for (n, p) in &paras {
        if p.linked_images > 0 {
            notes.push(
                Diagnostic::new(code::LINKED_IMAGE, format!("第 {n} 段的图片只是链接到电脑上的文件，没有放进 Word 文件，无法取出"))
                    .hint("请在 Word 中用“插入→图片”重新插入这张图片（不要选“链接到文件”），或把原图片单独报送"),
            );
        }
    }
    let mut toml = String::from(
        "# 由 baosong import 从 Word 文件转换而来，请核对后再排版。\ntype = \"case\"\n",
    );
    let mut lines = Vec::new();
    let line_no = |t: &str| t.matches('\n').count() + 1;
    let opening = |t: &str| crate::text::opening(t, 12);
    if let Some((n, p)) = title {
        lines.push((line_no(&toml), n, opening(&clean(&p.text))));
    }
    toml.push_str(&format!(
        "title = {}\n",
        toml_str(&title.map(|(_, p)| clean(&p.text)).unwrap_or_default())
    ));
    match &unit {
        Some(u) => {
            lines.push((line_no(&toml), title.map_or(0, |(n, _)| n + 1), opening(u)));
            toml.push_str(&format!("unit = {}\n", toml_str(u)));
        }
        None => toml.push_str("# 没有识别出报送单位，请填写：\nunit = \"\"\n"),
    }
    if let Some((n, _)) = body.first() {
        lines.push((line_no(&toml), *n, "正文开头".to_string()));
    }
    toml.push_str("body = \"\"\"\n");
    for (i, (n, t)) in body.iter().enumerate() {
        lines.push((line_no(&toml), *n, opening(t)));
        toml.push_str(&toml_text(t));
        toml.push_str(if i + 1 < body.len() { "\n\n" } else { "\n" });
    }
    toml.push_str("\"\"\"\n");
    for (k, (((path, _), cap), n)) in images.iter().zip(&captions).zip(&image_paras).enumerate() {
        toml.push_str("\n[[photos]]\n");
        lines.push((line_no(&toml), *n, format!("第 {} 张图片", k + 1)));
        toml.push_str(&format!("path = {}\n", toml_str(path)));
        match cap {
            Some(c) => toml.push_str(&format!("caption = {}\n", toml_str(c))),
            None => toml.push_str("# 没有找到这张图片的文字说明，请补上：\ncaption = \"\"\n"),
        }
    }
    Imported {
        toml,
        lines,
        images,
        notes,
    }
}

fn highlights(content: &DocxContent, t: &docx::DocxTable) -> Imported {
    let header = &t.rows[0];
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
    let unit = t
        .rows
        .get(1)
        .and_then(|r| unit_col.and_then(|c| r.get(c)))
        .cloned()
        .or_else(|| {
            content
                .paras
                .iter()
                .map(|p| clean(&p.text))
                .find(|s| s.contains("单位"))
                .map(|s| s.split(['：', ':']).nth(1).unwrap_or(&s).trim().to_string())
        });
    let mut toml = String::from(
        "# 由 baosong import 从 Word 文件转换而来，请核对后再排版。\ntype = \"highlights\"\n",
    );
    toml.push_str(&format!("unit = {}\n", toml_str(&unit.unwrap_or_default())));
    for r in t
        .rows
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
        images: vec![],
        notes: vec![],
    }
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
pub fn convert(bytes: &[u8], rules: &Rules, _hints: &Hints) -> Result<Imported, Diagnostic> {
    let content = docx::read(bytes)
        .map_err(|e| Diagnostic::new(code::NOT_DOCX, e.message()).hint(e.hint()))?;
    Ok(to_toml(&content, rules))
}
