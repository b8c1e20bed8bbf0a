//! Counting 字数 the way Word does: each Chinese character and each
//! Chinese/full-width punctuation mark counts 1; each run of other
//! non-space characters (a Latin word, a number like 5.6, an e-mail
//! address) counts 1.

/// Whether a character counts on its own, as an East Asian character.
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
        | 0x2010..=0x2027    // dashes, quotes, ellipsis: full width in Chinese text
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

#[cfg(test)]
mod tests {
    use super::word_count;

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
            ("20:00—21:00", 3), // the dash is full width in Chinese text
            ("（一）线上展示", 7),
            ("A B  C", 3),
            ("第1．精心组织", 7),
            ("张喆", 2),
            ("𠀀字", 2), // extension B
            ("1280×720", 3),
            ("职\u{200B}业\u{200B}教\u{200B}育\u{FEFF}。", 5), // pasted from the web
            ("LE\u{200B}D", 1),
        ];
        for (text, want) in table {
            assert_eq!(word_count(text), *want, "{text}");
        }
    }
}
