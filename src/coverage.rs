//! Characters the chosen faces cannot draw, found as Typst would meet
//! them: a character the role's face lacks is drawn from another face
//! (B0302); one that no face has is drawn as □ in the PDF and reported
//! (B0303) — never a silent blank. Each is reported once per role, at its
//! first place in the source.

use std::collections::BTreeSet;
use std::ops::Range;

use crate::diag::{code, Diagnostic};
use crate::fonts::FontSet;
use crate::ir::{Block, Ir};
use crate::model::{Document, Text};
use crate::rules::{Role, Rules};

/// Every character the document sets that no face of `fonts` has.
pub fn missing(doc: &Document, fonts: &FontSet) -> BTreeSet<char> {
    let mut out = BTreeSet::new();
    let mut add = |s: &str| {
        out.extend(
            s.chars()
                .filter(|c| !c.is_whitespace() && !c.is_control() && !fonts.covers_any(*c)),
        )
    };
    add(&doc.title.value);
    add(&doc.unit.value);
    add(&doc.body.value);
    for p in &doc.photos {
        if let Some(c) = &p.caption {
            add(&c.value);
        }
    }
    out
}

pub fn check(doc: &Document, ir: &Ir, rules: &Rules, fonts: &FontSet) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    let mut reported = BTreeSet::new();
    let mut scan = |role: Role,
                    text: &str,
                    src: &Text,
                    offset: usize,
                    out: &mut Vec<Diagnostic>| {
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
            if !reported.insert((role, c)) {
                continue;
            }
            let at = src.source_range(offset + i..offset + i + c.len_utf8());
            let d = if fonts.covers_any(c) {
                Diagnostic::new(
                    code::GLYPH_FALLBACK,
                    format!(
                        "字符“{c}”（U+{:04X}）在{}所用字体 {} 中没有字形，PDF 中改用其他字体显示",
                        c as u32,
                        role.label(),
                        chosen.family,
                    ),
                )
                .label("这个字")
                .hint("生僻字在规定字体中常常缺字；请确认打印效果，必要时请报送单位核对用字")
            } else {
                Diagnostic::new(
                    code::GLYPH_MISSING,
                    format!(
                        "字符“{c}”（U+{:04X}）在所有可用字体中都没有字形，PDF 中以“{}”代替",
                        c as u32,
                        crate::fonts::MISSING_GLYPH
                    ),
                )
                .label("无法显示")
                .hint("请安装包含这个字的字体（如 Windows 自带的“SimSun-ExtB”），或用 --font-path 指定字体所在文件夹后重新生成；人名、地名用字请勿随意替换。Word 文件中保留了这个字")
            };
            out.push(d.at(&doc.file, at));
        }
    };
    scan(Role::Title, &doc.title.value, &doc.title, 0, &mut out);
    scan(Role::Unit, &doc.unit.value, &doc.unit, 0, &mut out);
    // The body: heading parts in their heading's role, everything else
    // (paragraphs, run-in text, tables) in the body's.
    let body = &doc.body.value;
    let mut parts: Vec<(Range<usize>, Role)> = Vec::new();
    for b in &ir.blocks {
        if let Block::Heading { head, .. } = b {
            let src = b.src();
            let raw = &body[src.clone()];
            // The heading part is the first characters of the joined text;
            // find where they end in the raw paragraph (line breaks and
            // indentation may sit inside it).
            let want = head.chars().filter(|c| !c.is_whitespace()).count();
            let mut seen = 0;
            let split = raw
                .char_indices()
                .find(|(_, c)| {
                    if seen == want {
                        return true;
                    }
                    if !c.is_whitespace() {
                        seen += 1;
                    }
                    false
                })
                .map(|(i, _)| i)
                .unwrap_or(raw.len());
            parts.push((src.start..src.start + split, b.role()));
        }
    }
    let mut at = 0;
    for (range, role) in &parts {
        scan(Role::Body, &body[at..range.start], &doc.body, at, &mut out);
        scan(
            *role,
            &body[range.clone()],
            &doc.body,
            range.start,
            &mut out,
        );
        at = range.end;
    }
    scan(Role::Body, &body[at..], &doc.body, at, &mut out);
    for p in &doc.photos {
        if let Some(c) = &p.caption {
            scan(Role::Caption, &c.value, c, 0, &mut out);
        }
    }
    out
}
