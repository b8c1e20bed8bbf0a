//! Text rules shared by the loader, the importer, the checks and the
//! renderers: which characters are East Asian, blank or invisible, how
//! lines are joined into a paragraph, and 字数 as Word counts it.

/// Whether a character counts on its own in 字数, as an East Asian
/// character or Chinese/full-width punctuation mark.
pub fn is_east_asian(c: char) -> bool {
    matches!(c as u32,
        0x2E80..=0x2FDF      // radicals
        | 0x3000..=0x303F    // CJK symbols and punctuation
        | 0x3040..=0x30FF    // kana
        | 0x3100..=0x312F    // bopomofo
        | 0x3190..=0x31FF
        | 0x3200..=0x33FF    // enclosed, compatibility
        | 0x3400..=0x4DBF    // extension A
        | 0x4E00..=0x9FFF    // unified ideographs
        | 0xF900..=0xFAFF    // compatibility ideographs
        | 0xFE30..=0xFE4F    // compatibility forms
        | 0xFF00..=0xFFEF    // full-width forms
        | 0x20000..=0x3FFFF  // extensions B–H
        // Dashes, quotes and the ellipsis are full width in Chinese text;
        // hyphens and the en dash (U+2010–2013) join Latin runs ("14:30–15:10").
        | 0x2014..=0x2027
        | 0x2030..=0x205E
        | 0x00B7             // middle dot
        | 0x00D7             // ×
    )
}

/// Invisible format characters (zero-width space, BOM, soft hyphen …),
/// common in text pasted from web pages: Word does not count them.
pub fn is_invisible(c: char) -> bool {
    matches!(c, '\u{00AD}' | '\u{200B}'..='\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2060}'..='\u{2064}' | '\u{FEFF}')
}

/// Space of any kind (the ideographic space too) or an invisible character.
pub fn is_blank(c: char) -> bool {
    c.is_whitespace() || c == '\u{3000}' || is_invisible(c)
}

/// 字数 as Word counts it: each East Asian character and Chinese/full-width
/// punctuation mark counts 1; each maximal run of other non-space
/// characters (a Latin word, "5.6", an e-mail address, "14:30-15:10",
/// "300dpi") counts 1.
pub fn word_count(text: &str) -> usize {
    let mut n = 0;
    let mut in_run = false;
    for c in text.chars() {
        if is_invisible(c) {
            continue;
        }
        if c.is_whitespace() {
            in_run = false;
        } else if is_east_asian(c) {
            n += 1;
            in_run = false;
        } else if !in_run {
            n += 1;
            in_run = true;
        }
    }
    n
}

/// Whether joining two lines needs a space between them: only between two
/// Latin letters or digits (Chinese text is joined without one).
fn needs_space(before: Option<char>, after: Option<char>) -> bool {
    matches!((before, after), (Some(a), Some(b)) if a.is_ascii_alphanumeric() && b.is_ascii_alphanumeric())
}

/// Appends `line` (already trimmed) to a paragraph, as a soft line break
/// is joined.
pub fn join_line(paragraph: &mut String, line: &str) {
    if needs_space(paragraph.chars().last(), line.chars().next()) {
        paragraph.push(' ');
    }
    paragraph.push_str(line);
}

/// Soft breaks joined, blank lines and indentation removed.
pub fn join_lines(text: &str) -> String {
    let mut out = String::new();
    for line in text.split('\n') {
        let l = line.trim_matches(is_blank);
        if !l.is_empty() {
            join_line(&mut out, l);
        }
    }
    out
}

/// Runs of white space collapsed to one space, ends trimmed: a one-line
/// field (title, unit, caption) as it is set.
pub fn one_line(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The first `n` characters, with "……" when there was more.
pub fn opening(t: &str, n: usize) -> String {
    let s: String = t.chars().take(n).collect();
    if t.chars().count() > n {
        format!("{s}……")
    } else {
        s
    }
}

/// How Chinese names are put in order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Collation {
    /// 汉语拼音 order (CLDR `zh`).
    Pinyin,
    /// 笔画 order (CLDR `zh-u-co-stroke`: by stroke count, then by the first
    /// stroke; GB 13418's 笔画序 breaks ties by the order of stroke types,
    /// which CLDR follows, but for characters with the same strokes it falls
    /// back to code point order where GB uses further rules).
    Strokes,
}

fn collator(c: Collation) -> &'static icu_collator::CollatorBorrowed<'static> {
    use std::sync::LazyLock;
    fn make(tag: &str) -> icu_collator::CollatorBorrowed<'static> {
        let locale: icu_locale_core::Locale = tag.parse().expect("a valid locale tag");
        icu_collator::Collator::try_new((&locale).into(), Default::default())
            .expect("compiled collation data for zh")
    }
    static PINYIN: LazyLock<icu_collator::CollatorBorrowed<'static>> = LazyLock::new(|| make("zh"));
    static STROKES: LazyLock<icu_collator::CollatorBorrowed<'static>> =
        LazyLock::new(|| make("zh-u-co-stroke"));
    match c {
        Collation::Pinyin => &PINYIN,
        Collation::Strokes => &STROKES,
    }
}

/// Compares two names in the given Chinese order.
pub fn collate(c: Collation, a: &str, b: &str) -> std::cmp::Ordering {
    collator(c).compare(a, b)
}

#[cfg(test)]
mod tests {
    #[test]
    fn pinyin_and_stroke_orders() {
        use super::{collate, Collation};
        let mut v = vec!["王", "李", "丁"];
        v.sort_by(|a, b| collate(Collation::Pinyin, a, b));
        assert_eq!(v, ["丁", "李", "王"], "ding, li, wang");
        v.sort_by(|a, b| collate(Collation::Strokes, a, b));
        assert_eq!(v, ["丁", "王", "李"], "2, 4, 7 strokes");
        let mut schools = vec![
            "南昌市第一中等专业学校",
            "东湖区职业学校",
            "安义县职业技术学校",
        ];
        schools.sort_by(|a, b| collate(Collation::Pinyin, a, b));
        assert_eq!(schools[0], "安义县职业技术学校");
    }

    use super::*;

    #[test]
    fn counts_like_word() {
        let table: &[(&str, usize)] = &[
            ("", 0),
            ("职业教育", 4),
            ("职业教育，活动周。", 9),
            ("“人人出彩”", 6),
            ("2020年11月8日", 6), // 2020 年 11 月 8 日
            ("3D打印", 3),        // "3D" is one word
            ("LED照明", 3),
            ("5.6万人次", 4), // "5.6" is one word, then 万人次
            ("Hello world", 2),
            ("email 282043217@qq.com。", 3),
            ("20:00—21:00", 3), // the em dash is full width in Chinese text
            ("（一）线上展示", 7),
            ("A B  C", 3),
            ("第1．精心组织", 7),
            ("张喆", 2),
            ("𠀀字", 2), // extension B
            ("1280×720", 3),
            ("职\u{200B}业\u{200B}教\u{200B}育\u{FEFF}。", 5), // pasted from the web
            ("LE\u{200B}D", 1),
            // Runs of Latin, digits and their punctuation are one word each.
            ("联系邮箱xlh2003@vip.163.com。", 6),
            ("时间14:30-15:10，", 4),
            ("时间14:30–15:10，", 4), // en dash joins the run
            ("A4纸", 2),
            ("分辨率300dpi以上", 6),
            ("网址https://www.moe.gov.cn/jyb_xwfb/，", 4),
            ("——南昌市", 5),
        ];
        for (text, want) in table {
            assert_eq!(word_count(text), *want, "{text}");
        }
    }

    #[test]
    fn joins_lines_like_word() {
        assert_eq!(
            join_lines("第一行\n  第二行\n\nthird\nline"),
            "第一行第二行third line"
        );
        assert_eq!(join_lines("\u{3000}\u{3000}缩进\u{200B}\n"), "缩进");
        assert_eq!(one_line(" 匠心  筑梦\n技能 "), "匠心 筑梦 技能");
        assert_eq!(opening("十二个字以上的一段文字内容", 4), "十二个字……");
    }
}
