//! File names built from user text, safe on every platform.

use crate::rules::OutputRules;

/// 媒体单位 + separator + 报道标题, sanitised and capped.
pub fn media_stem(outlet: &str, title: &str, rules: &OutputRules) -> String {
    let name = format!("{}{}{}", outlet.trim(), rules.media_separator, title.trim());
    sanitize(&name, rules.max_name_chars)
}

/// Replaces what Windows forbids by the full-width forms users expect,
/// drops control characters, trims trailing dots and spaces, avoids
/// reserved device names and caps the length in characters.
pub fn sanitize(name: &str, max_chars: usize) -> String {
    let mut s: String = name
        .chars()
        .filter(|c| !c.is_control())
        .map(|c| match c {
            '\\' => '＼',
            '/' => '／',
            ':' => '：',
            '*' => '＊',
            '?' => '？',
            '"' => '＂',
            '<' => '＜',
            '>' => '＞',
            '|' => '｜',
            c if c.is_whitespace() => ' ',
            c => c,
        })
        .collect();
    s = s
        .split(' ')
        .filter(|p| !p.is_empty())
        .collect::<Vec<_>>()
        .join(" ");
    let mut s: String = s.chars().take(max_chars.max(1)).collect();
    while s.ends_with('.') || s.ends_with(' ') {
        s.pop();
    }
    if s.is_empty() {
        s = "未命名".into();
    }
    let upper = s.split('.').next().unwrap_or("").to_ascii_uppercase();
    let reserved = ["CON", "PRN", "AUX", "NUL"].contains(&upper.as_str())
        || (upper.len() == 4
            && (upper.starts_with("COM") || upper.starts_with("LPT"))
            && upper.as_bytes()[3].is_ascii_digit());
    if reserved {
        s.insert(0, '_');
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn forbidden_characters_become_full_width() {
        let r = OutputRules::default();
        assert_eq!(
            media_stem("江西日报", "职教周：“技能”点亮/未来?", &r),
            "江西日报+职教周：“技能”点亮／未来？"
        );
        assert_eq!(sanitize("a<b>c|d*e\"f\\g", 80), "a＜b＞c｜d＊e＂f＼g");
        assert_eq!(sanitize("标题. . ", 80), "标题");
        assert_eq!(sanitize("CON", 80), "_CON");
        assert_eq!(sanitize("com1.txt", 80), "_com1.txt");
        assert_eq!(sanitize("\u{7}\n", 80), "未命名");
        assert_eq!(sanitize(&"长".repeat(200), 80).chars().count(), 80);
    }
}
