//! Body text → paragraphs, headings and tables. Headings are recognised
//! from the numbering offices always type: `一、` `（一）` `1.`/`1．` `（1）`.
//! A block of lines that all start with `|` is a table, one row a line:
//!
//! ```text
//! | 姓名 | 性别 | 年龄 |
//! | 张三 | 男   | 45   |
//! ```

use std::ops::Range;

use crate::text::{is_blank, join_line};

/// A paragraph of the body with where it stands in the original string.
#[derive(Debug, Clone, PartialEq)]
pub struct RawParagraph {
    /// The joined text; for a table, its cells separated by spaces (what
    /// 字数 counts).
    pub text: String,
    /// Byte range in the original body string (first to last non-blank line).
    pub src: Range<usize>,
    /// The rows of a table, the first being the header.
    pub table: Option<Vec<Vec<String>>>,
}

/// A table row: `| a | b |` → ["a", "b"]; `\|` stands for a bar inside a
/// cell. A separator row (`|---|---|`) gives `None`.
fn table_row(line: &str) -> Option<Vec<String>> {
    let inner = line.trim().strip_prefix('|')?;
    let inner = inner.strip_suffix('|').unwrap_or(inner);
    let mut cells = vec![String::new()];
    let mut chars = inner.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\\' if chars.peek() == Some(&'|') => {
                chars.next();
                cells.last_mut().map(|s| s.push('|'));
            }
            '|' => cells.push(String::new()),
            c => {
                if let Some(s) = cells.last_mut() {
                    s.push(c)
                }
            }
        }
    }
    let cells: Vec<String> = cells.iter().map(|c| c.trim().to_string()).collect();
    let separator = cells
        .iter()
        .all(|c| !c.is_empty() && c.chars().all(|x| matches!(x, '-' | ':' | ' ')));
    (!separator).then_some(cells)
}

/// Splits on blank lines and joins soft breaks. Chinese text is joined
/// without a space; a space is kept only between two Latin letters/digits.
pub fn paragraphs(body: &str) -> Vec<RawParagraph> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut cur_src: Option<Range<usize>> = None;
    let mut rows: Vec<Vec<String>> = Vec::new();
    let mut table_src: Option<Range<usize>> = None;
    let mut offset = 0;
    let end_table = |rows: &mut Vec<Vec<String>>,
                     src: &mut Option<Range<usize>>,
                     out: &mut Vec<RawParagraph>| {
        if let Some(src) = src.take() {
            let text = rows
                .iter()
                .flatten()
                .filter(|c| !c.is_empty())
                .cloned()
                .collect::<Vec<_>>()
                .join(" ");
            out.push(RawParagraph {
                text,
                src,
                table: Some(std::mem::take(rows)),
            });
        }
    };
    for line in body.split_inclusive('\n') {
        let start = offset;
        offset += line.len();
        let trimmed = line.trim_matches(is_blank);
        let lead = line.len() - line.trim_start_matches(is_blank).len();
        let line_src = start + lead..start + lead + trimmed.len();
        // A run of lines starting with `|` is a table of its own.
        if trimmed.starts_with('|') {
            if let Some(src) = cur_src.take() {
                out.push(RawParagraph {
                    text: std::mem::take(&mut cur),
                    src,
                    table: None,
                });
            }
            if let Some(row) = table_row(trimmed) {
                rows.push(row);
            }
            match &mut table_src {
                Some(r) => r.end = line_src.end,
                None => table_src = Some(line_src),
            }
            continue;
        }
        end_table(&mut rows, &mut table_src, &mut out);
        if trimmed.is_empty() {
            if let Some(src) = cur_src.take() {
                out.push(RawParagraph {
                    text: std::mem::take(&mut cur),
                    src,
                    table: None,
                });
            }
            continue;
        }
        // A heading on a line of its own ends its paragraph even without a
        // blank line after it ("一、活动概况" then the text on the next line).
        if cur_src.is_none() && is_heading_line(trimmed) {
            out.push(RawParagraph {
                text: trimmed.to_string(),
                src: line_src,
                table: None,
            });
            continue;
        }
        match &mut cur_src {
            None => cur_src = Some(line_src),
            Some(r) => r.end = line_src.end,
        }
        join_line(&mut cur, trimmed);
    }
    end_table(&mut rows, &mut table_src, &mut out);
    if let Some(src) = cur_src {
        out.push(RawParagraph {
            text: cur,
            src,
            table: None,
        });
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

/// Longest heading part (marker and first sentence), in characters: a
/// paragraph that only starts with a number and runs on longer without a
/// sentence end is a list item, not a heading.
pub const HEADING_MAX_CHARS: usize = 40;

/// The heading a paragraph opens with, if it is one: its level and the byte
/// length of the part set in the heading face (marker and first sentence;
/// the rest runs in). The same rule for TOML and Word input.
pub fn heading(text: &str) -> Option<(u8, usize)> {
    let (level, _) = heading_marker(text)?;
    let (end, _) = split_run_in(text);
    (text[..end].chars().count() <= HEADING_MAX_CHARS).then_some((level, end))
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
    fn pipe_tables_are_blocks_of_their_own() {
        let body = "前文。\n| 姓名 | 性别 |\n|---|---|\n| 张三 | 男 |\n| a\\|b | |\n后文。\n";
        let p = paragraphs(body);
        assert_eq!(p.len(), 3, "{p:?}");
        assert_eq!(
            p[1].table.as_ref().unwrap(),
            &vec![
                vec!["姓名".to_string(), "性别".into()],
                vec!["张三".into(), "男".into()],
                vec!["a|b".into(), "".into()],
            ]
        );
        assert_eq!(p[1].text, "姓名 性别 张三 男 a|b");
        assert!(
            body[p[1].src.clone()].starts_with("| 姓名") && body[p[1].src.clone()].ends_with("| |")
        );
        assert_eq!(p[2].text, "后文。");
    }

    #[test]
    fn long_numbered_lines_are_list_items() {
        assert_eq!(
            heading("1．精心组织。学校成立领导小组。").map(|h| h.0),
            Some(3)
        );
        assert_eq!(heading("一、活动概况").map(|h| h.0), Some(1));
        let item = "1．页面：A4纸，上边距37mm，下边距35mm，左边距28mm，右边距26mm，版心156mm×225mm，每页22行，每行28字";
        assert_eq!(
            heading(item),
            None,
            "no sentence end within the heading length"
        );
        assert!(heading_marker(item).is_some());
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
