//! Characters a chosen face cannot draw. They are drawn from the wide
//! fallback face (never as a box) and reported with their position.

use std::collections::BTreeSet;

use crate::diag::{code, Diagnostic};
use crate::fonts::FontSet;
use crate::ir::Ir;
use crate::model::{Document, Text};
use crate::rules::{Role, Rules};

pub fn check(doc: &Document, ir: &Ir, rules: &Rules, fonts: &FontSet) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    let mut reported = BTreeSet::new();
    let mut scan =
        |role: Role, text: &str, src: &Text, offset: usize, out: &mut Vec<Diagnostic>| {
            let chosen = fonts.for_role(rules, role);
            for (i, c) in text.char_indices() {
                if c.is_whitespace()
                    || c.is_control()
                    || crate::text::is_invisible(c)
                    || fonts.covers(chosen.font, c)
                {
                    continue;
                }
                // Latin letters and digits are drawn by the Latin face when there is one.
                if c.is_ascii()
                    && fonts
                        .latin
                        .as_ref()
                        .is_some_and(|(_, f)| fonts.covers(*f, c))
                {
                    continue;
                }
                if !reported.insert((chosen.key.clone(), c)) {
                    continue;
                }
                let at = src.source_range(offset + i..offset + i + c.len_utf8());
                let d = if fonts.covers(fonts.fallback, c) {
                    Diagnostic::new(
                        code::GLYPH_FALLBACK,
                        format!(
                            "字符“{c}”（U+{:04X}）在{}所用字体 {} 中没有字形，PDF 中改用 {} 显示",
                            c as u32,
                            role.label(),
                            chosen.family,
                            crate::fonts::FALLBACK_FAMILY
                        ),
                    )
                    .label("这个字")
                    .hint("生僻字在规定字体中常常缺字；请确认打印效果，必要时请报送单位核对用字")
                } else {
                    Diagnostic::new(
                        code::GLYPH_MISSING,
                        format!(
                            "字符“{c}”（U+{:04X}）在所有可用字体中都没有字形，PDF 中可能显示为方框",
                            c as u32
                        ),
                    )
                    .label("无法显示")
                    .hint("请改用常用字符；表情符号等不能出现在公文中")
                };
                out.push(d.at(&doc.file, at));
            }
        };
    scan(Role::Title, &doc.title.value, &doc.title, 0, &mut out);
    scan(Role::Unit, &doc.unit.value, &doc.unit, 0, &mut out);
    for b in &ir.blocks {
        let src = b.src();
        let raw = &doc.body.value[src.clone()];
        // Scan the raw paragraph so positions are exact. The heading part is the first characters of the joined text; find
        // where they end in the raw paragraph, which may hold line breaks
        // and indentation the joined text does not.
        let head_chars = match b {
            crate::ir::Block::Heading { head, .. } => {
                head.chars().filter(|c| !c.is_whitespace()).count()
            }
            _ => 0,
        };
        let mut seen = 0;
        let split = raw
            .char_indices()
            .find(|(_, c)| {
                if seen == head_chars {
                    return true;
                }
                if !c.is_whitespace() {
                    seen += 1;
                }
                false
            })
            .map(|(i, _)| i)
            .unwrap_or(raw.len());
        if head_chars > 0 {
            scan(b.role(), &raw[..split], &doc.body, src.start, &mut out);
        }
        scan(
            Role::Body,
            &raw[split..],
            &doc.body,
            src.start + split,
            &mut out,
        );
    }
    for p in &doc.photos {
        if let Some(c) = &p.caption {
            scan(Role::Caption, &c.value, c, 0, &mut out);
        }
    }
    out
}
