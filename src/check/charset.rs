//! Characters the mandated faces may lack: the _GB2312 faces cover GB 2312
//! only. Each such character is reported once, at its first position.

use std::collections::BTreeSet;

use crate::diag::{code, Diagnostic};
use crate::model::{Document, Text};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Set {
    Gb2312,
    /// In GBK but not GB 2312 (e.g. 喆, 镕).
    Gbk,
    /// Outside GBK (emoji, rare extension characters).
    Beyond,
}

pub fn classify(c: char) -> Set {
    if c.is_ascii() {
        return Set::Gb2312;
    }
    let mut buf = [0u8; 4];
    let (bytes, _, unmappable) = encoding_rs::GBK.encode(c.encode_utf8(&mut buf));
    if unmappable {
        return Set::Beyond;
    }
    match bytes.as_ref() {
        [a, b] if (0xA1..=0xF7).contains(a) && (0xA1..=0xFE).contains(b) => Set::Gb2312,
        _ => Set::Gbk,
    }
}

pub fn check(doc: &Document) -> Vec<Diagnostic> {
    let mut seen = BTreeSet::new();
    let mut out = Vec::new();
    let mut scan = |t: &Text, out: &mut Vec<Diagnostic>| {
        for (i, c) in t.value.char_indices() {
            if c.is_whitespace()
                || c.is_control()
                || crate::text::is_invisible(c)
                || !seen.insert(c)
            {
                continue;
            }
            let at = t.source_range(i..i + c.len_utf8());
            match classify(c) {
                Set::Gb2312 => {}
                Set::Gbk => out.push(
                    Diagnostic::new(
                        code::OUTSIDE_GB2312,
                        format!("字符“{c}”不在 GB 2312 字符集内，仿宋_GB2312 等规定字体可能缺字"),
                    )
                    .at(&doc.file, at)
                    .label("这个字")
                    .hint("人名、地名中的生僻字请在打印稿上核对；PDF 中会改用覆盖更全的字体显示"),
                ),
                Set::Beyond => out.push(
                    Diagnostic::new(
                        code::OUTSIDE_GB2312,
                        format!(
                            "字符“{c}”（U+{:04X}）超出 GBK 字符集，规定字体无法显示",
                            c as u32
                        ),
                    )
                    .at(&doc.file, at)
                    .label("这个字符")
                    .hint("表情符号等特殊字符不宜出现在报送材料中，请删除或改用文字"),
                ),
            }
        }
    };
    scan(&doc.title, &mut out);
    scan(&doc.unit, &mut out);
    scan(&doc.body, &mut out);
    for p in &doc.photos {
        if let Some(c) = &p.caption {
            scan(c, &mut out);
        }
    }
    use crate::model::Extra;
    match &doc.extra {
        Extra::Media(m) => {
            scan(&m.outlet, &mut out);
            scan(&m.title, &mut out);
        }
        Extra::Summary(s) => {
            for f in &s.activity_forms {
                scan(f, &mut out);
            }
            for m in &s.media {
                scan(&m.outlet, &mut out);
                scan(&m.title, &mut out);
            }
        }
        Extra::Highlights(rows) => {
            for r in rows {
                for t in [&r.name, &r.date, &r.place, &r.form, &r.summary, &r.contact] {
                    scan(t, &mut out);
                }
            }
        }
        Extra::None => {}
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn classifies() {
        assert_eq!(classify('中'), Set::Gb2312);
        assert_eq!(classify('，'), Set::Gb2312);
        assert_eq!(classify('A'), Set::Gb2312);
        assert_eq!(classify('喆'), Set::Gbk);
        assert_eq!(classify('镕'), Set::Gbk);
        assert_eq!(classify('😀'), Set::Beyond);
    }
}
