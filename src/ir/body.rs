//! Body text → paragraphs and headings. Headings are recognised from the
//! numbering offices always type: `一、` `（一）` `1.`/`1．` `（1）`.

use std::ops::Range;

use crate::text::{is_blank, join_line};

/// A paragraph of the body with where it stands in the original string.
#[derive(Debug, Clone, PartialEq)]
pub struct RawParagraph {
    pub text: String,
    /// Byte range in the original body string (first to last non-blank line).
    pub src: Range<usize>,
}

/// Splits on blank lines and joins soft breaks. Chinese text is joined
/// without a space; a space is kept only between two Latin letters/digits.
pub fn paragraphs(body: &str) -> Vec<RawParagraph> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut cur_src: Option<Range<usize>> = None;
    let mut offset = 0;
    for line in body.split_inclusive('\n') {
        let start = offset;
        offset += line.len();
        let trimmed = line.trim_matches(is_blank);
        if trimmed.is_empty() {
            if let Some(src) = cur_src.take() {
                out.push(RawParagraph {
                    text: std::mem::take(&mut cur),
                    src,
                });
            }
            continue;
        }
        let lead = line.len() - line.trim_start_matches(is_blank).len();
        let line_src = start + lead..start + lead + trimmed.len();
        // A heading on a line of its own ends its paragraph even without a
        // blank line after it ("一、活动概况" then the text on the next line).
        if cur_src.is_none() && is_heading_line(trimmed) {
            out.push(RawParagraph {
                text: trimmed.to_string(),
                src: line_src,
            });
            continue;
        }
        match &mut cur_src {
            None => cur_src = Some(line_src),
            Some(r) => r.end = line_src.end,
        }
        join_line(&mut cur, trimmed);
    }
    if let Some(src) = cur_src {
        out.push(RawParagraph { text: cur, src });
    }
    out
}

/// A short line that is only a heading: a marker and no full stop.
fn is_heading_line(line: &str) -> bool {
    heading_marker(line).is_some() && !line.contains('。') && line.chars().count() <= 40
}

const CN_NUM: &str = "一二三四五六七八九十百零〇";

/// Recognises a heading marker at the start of a paragraph: its level and
/// the byte length of the marker.
pub fn heading_marker(text: &str) -> Option<(u8, usize)> {
    let cn = |c: char| CN_NUM.contains(c);
    // Full-width digits too: "１．" is typed by many input methods.
    let digit = |c: char| c.is_ascii_digit() || ('０'..='９').contains(&c);
    let chars: Vec<(usize, char)> = text.char_indices().collect();
    let run = |from: usize, pred: &dyn Fn(char) -> bool| -> usize {
        chars[from..].iter().take_while(|(_, c)| pred(*c)).count()
    };
    let end_at = |i: usize| chars.get(i).map(|(b, c)| b + c.len_utf8());
    let first = chars.first()?.1;
    if cn(first) {
        // 一、
        let n = run(0, &cn);
        // "三、四年级学生……" enumerates numbers; it is not a heading.
        if chars.get(n).map(|x| x.1) == Some('、') && !chars.get(n + 1).is_some_and(|x| cn(x.1)) {
            return Some((1, end_at(n)?));
        }
    } else if first == '（' || first == '(' {
        let close = |c: char| c == '）' || c == ')';
        let n = run(1, &cn);
        if n > 0 && chars.get(1 + n).is_some_and(|x| close(x.1)) {
            return Some((2, end_at(1 + n)?));
        }
        let n = run(1, &digit);
        if n > 0 && n <= 3 && chars.get(1 + n).is_some_and(|x| close(x.1)) {
            return Some((4, end_at(1 + n)?));
        }
    } else if digit(first) {
        // 1. 1． 1、 — but not 1.5万 or a year.
        let n = run(0, &digit);
        if n <= 2 {
            let sep = chars.get(n).map(|x| x.1);
            let after = chars.get(n + 1).map(|x| x.1);
            if matches!(sep, Some('.' | '．' | '、'))
                && !after.is_some_and(|c| c.is_ascii_digit())
                && after.is_some()
            {
                return Some((3, end_at(n)?));
            }
        }
    }
    None
}

/// Splits a heading paragraph into the part set in the heading face (marker
/// and first sentence) and the run-in rest. The rest is empty for a heading
/// on its own line.
pub fn split_run_in(text: &str) -> (usize, bool) {
    // The first sentence ends at the first full stop (or ！/？).
    match text.find(['。', '！', '？']) {
        Some(i) => {
            let end = i + text[i..].chars().next().map_or(1, char::len_utf8);
            // A closing quote after the full stop belongs to the sentence.
            let end = text[end..]
                .char_indices()
                .take_while(|(_, c)| matches!(c, '”' | '’' | '」' | '』' | '）'))
                .last()
                .map(|(j, c)| end + j + c.len_utf8())
                .unwrap_or(end);
            (end, end < text.len())
        }
        None => (text.len(), false),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_and_joins() {
        let body = "\n第一段第一行\n第一段第二行。\n\n  　第二段 has\nLatin text.\n\n\n";
        let p = paragraphs(body);
        assert_eq!(p.len(), 2);
        assert_eq!(p[0].text, "第一段第一行第一段第二行。");
        assert_eq!(&body[p[0].src.clone()], "第一段第一行\n第一段第二行。");
        assert_eq!(p[1].text, "第二段 has Latin text.");
    }

    #[test]
    fn heading_line_ends_its_paragraph() {
        let p = paragraphs("一、活动概况\n11月8日至14日，我校开展活动。\n继续。\n");
        assert_eq!(
            p.iter().map(|p| p.text.as_str()).collect::<Vec<_>>(),
            ["一、活动概况", "11月8日至14日，我校开展活动。继续。"]
        );
        // A run-in heading is one paragraph with its text.
        let p = paragraphs("（一）线上展示。学校\n开设网页。\n");
        assert_eq!(p.len(), 1);
    }

    #[test]
    fn crlf_is_blank_line() {
        let p = paragraphs("甲。\r\n\r\n乙。\r\n");
        assert_eq!(
            p.iter().map(|p| p.text.as_str()).collect::<Vec<_>>(),
            ["甲。", "乙。"]
        );
    }

    #[test]
    fn heading_markers() {
        let cases: &[(&str, Option<(u8, &str)>)] = &[
            ("一、活动概况", Some((1, "一、"))),
            ("十二、其他", Some((1, "十二、"))),
            ("（一）线上展示。学校……", Some((2, "（一）"))),
            ("(三)开放日", Some((2, "(三)"))),
            ("1．精心组织。", Some((3, "1．"))),
            ("2.技能服务", Some((3, "2."))),
            ("3、志愿服务", Some((3, "3、"))),
            ("（1）家电维修", Some((4, "（1）"))),
            ("1.5万人次参与", None),
            ("2020年11月", None),
            ("一些学生", None),
            ("（注）说明", None),
            ("1.", None),
            ("１．精心组织", Some((3, "１．"))),
            ("（２）志愿服务", Some((4, "（２）"))),
            ("三、四年级学生参加了活动。", None),
        ];
        for (text, want) in cases {
            let got = heading_marker(text).map(|(l, n)| (l, &text[..n]));
            assert_eq!(got, *want, "{text}");
        }
    }

    #[test]
    fn run_in_split() {
        let t = "（一）线上展示。学校开设“云上活动周”。";
        let (end, run_in) = split_run_in(t);
        assert_eq!(&t[..end], "（一）线上展示。");
        assert!(run_in);
        let t = "（二）他说“好。”然后";
        let (end, _) = split_run_in(t);
        assert_eq!(&t[..end], "（二）他说“好。”");
        assert_eq!(split_run_in("一、活动概况"), ("一、活动概况".len(), false));
        let t = "（三）点亮职教！全市同庆";
        assert_eq!(&t[..split_run_in(t).0], "（三）点亮职教！");
    }
}
