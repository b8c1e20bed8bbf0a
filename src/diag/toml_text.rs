//! The TOML parser's and serde's English messages, said in Chinese: a
//! teacher who forgot a quote must read what is wrong, not
//! "invalid basic string, expected `\"`". One table, matched by prefix; an
//! unknown message gets a plain Chinese sentence (the position and the
//! hint still say where).

/// Parser descriptions (`toml_parser`), longest prefixes first where one
/// begins another.
const PARSER: &[(&str, &str)] = &[
    (
        "invalid multi-line basic string",
        "多行文字没有结束：缺少结尾的三个双引号 \"\"\"",
    ),
    (
        "invalid multi-line literal string",
        "多行文字没有结束：缺少结尾的三个单引号 '''",
    ),
    (
        "invalid basic string",
        "文字没有结束：缺少右边的双引号，或其中有不允许的字符",
    ),
    ("invalid literal string", "文字没有结束：缺少右边的单引号"),
    ("invalid string", "文字的写法不对"),
    ("string values must be quoted", "文字要用双引号括起来"),
    ("missing opening quote", "缺少左边的引号"),
    ("missing value for key", "等号后面缺少值"),
    ("key with no value", "字段名后面缺少等号和值"),
    ("missing value", "缺少值"),
    (
        "missing assignment between key-value pairs",
        "一行只能写一个字段：两个字段之间缺少换行",
    ),
    (
        "extra assignment between key-value pairs",
        "一行只能写一个字段：两个字段之间缺少换行",
    ),
    ("duplicate key", "同一个字段写了两次"),
    ("unclosed array table", "[[…]] 的方括号没有闭合"),
    ("unclosed table", "[…] 的方括号没有闭合"),
    ("unclosed array", "数组的方括号 ] 没有闭合"),
    ("unclosed inline table", "花括号 } 没有闭合"),
    (
        "missing comma between array elements",
        "数组的各项之间缺少逗号",
    ),
    (
        "missing comma between key-value pairs",
        "花括号中的各字段之间缺少逗号",
    ),
    ("extra comma in array", "数组中多了一个逗号"),
    ("extra comma in inline table", "花括号中多了一个逗号"),
    ("extra `=`", "多了一个等号"),
    ("unexpected `=` in array", "数组中不能有等号"),
    ("unquoted keys cannot be empty", "等号前面缺少字段名"),
    ("keys cannot be multi-line", "字段名不能是多行文字"),
    (
        "invalid unquoted key",
        "字段名只能由字母、数字、- 和 _ 组成（含其他字符时请用双引号括起来）",
    ),
    ("invalid key-value pair", "这一行不是“字段 = 值”的写法"),
    ("invalid key", "字段名的写法不对"),
    ("invalid inline table element", "花括号中的写法不对"),
    ("missing key for inline table element", "花括号中缺少字段名"),
    ("invalid table", "表头 […] 的写法不对"),
    ("missing table open", "缺少左方括号 ["),
    ("missing array opening", "缺少左方括号 ["),
    ("missing inline table opening", "缺少左花括号 {"),
    (
        "invalid date-time",
        "日期的写法不对，应写成 2020-11-06 这样的形式",
    ),
    ("invalid boolean", "应为 true 或 false"),
    ("invalid integer number", "整数的写法不对"),
    ("invalid hexadecimal number", "数字的写法不对"),
    ("invalid octal number", "数字的写法不对"),
    ("invalid binary number", "数字的写法不对"),
    ("invalid float", "数字的写法不对"),
    ("invalid fraction", "数字的写法不对"),
    ("invalid exponent", "数字的写法不对"),
    ("invalid mantissa", "数字的写法不对"),
    ("unexpected leading zero", "数字不能以 0 开头"),
    ("unexpected sign", "数字的正负号位置不对"),
    ("redundant", "数字的写法不对"),
    ("radix must be lowercase", "数字的写法不对"),
    ("integers with a radix cannot be signed", "数字的写法不对"),
    (
        "`_` may only go between digits",
        "数字中的 _ 只能写在两个数字之间",
    ),
    (
        "missing escaped value",
        "反斜杠 \\ 后面的写法不对（要写反斜杠本身，请写两个：\\\\）",
    ),
    (
        "too few unicode value digits",
        "\\u 后面应有 4 位（\\U 后 8 位）十六进制数字",
    ),
    ("invalid comment character", "注释中有不允许的控制字符"),
    (
        "missing comment start",
        "这一行多出了内容（注释要以 # 开头）",
    ),
    (
        "unexpected content between comment and newline",
        "注释后面有不允许的字符",
    ),
    (
        "carriage return must be followed by newline",
        "换行符不完整",
    ),
    ("cannot recurse further", "嵌套的层数太多"),
    ("invalid value", "值的写法不对"),
    (
        "unexpected key or value",
        "这里多出了内容：一行只能写一个“字段 = 值”",
    ),
    ("unexpected content", "这里多出了内容"),
    ("trailing", "这里多出了内容"),
];

/// A parser or serde message in Chinese.
pub fn chinese(msg: &str) -> String {
    let msg = msg.lines().next().unwrap_or(msg).trim();
    if let Some(rest) = msg.strip_prefix("invalid type: ") {
        return match rest.split_once(", expected ") {
            Some((found, want)) => {
                format!("类型不对：应为{}，这里写的是{}", kind(want), value(found))
            }
            None => format!("类型不对：这里写的是{}", value(rest)),
        };
    }
    if let Some(rest) = msg.strip_prefix("invalid value: ") {
        return match rest.split_once(", expected ") {
            Some((found, want)) => {
                format!("取值不对：应为{}，这里写的是{}", kind(want), value(found))
            }
            None => format!("取值不对：{}", value(rest)),
        };
    }
    if let Some(rest) = msg.strip_prefix("missing field ") {
        return format!("缺少字段 {rest}");
    }
    if let Some(rest) = msg.strip_prefix("unknown field ") {
        let name = rest.split(", expected").next().unwrap_or(rest);
        return format!("不认识的字段 {name}");
    }
    if let Some(rest) = msg.strip_prefix("unknown variant ") {
        return match rest.split_once(", expected one of ") {
            Some((v, list)) => format!("取值 {v} 无法识别，可写：{}", list.replace("`, `", "`、`")),
            None => format!("取值 {} 无法识别", rest.split(',').next().unwrap_or(rest)),
        };
    }
    if let Some(rest) = msg.strip_prefix("duplicate key: ") {
        return format!("字段 {rest} 写了两次");
    }
    let lower = msg.to_ascii_lowercase();
    PARSER
        .iter()
        .find(|(en, _)| lower.starts_with(en))
        .map_or_else(
            || "这里的写法不符合 TOML 格式".to_string(),
            |(_, zh)| zh.to_string(),
        )
}

/// What serde expected, in words a user knows.
fn kind(want: &str) -> String {
    let w = want.trim();
    let name = match w {
        "u8" | "u16" | "u32" | "u64" | "usize" | "i8" | "i16" | "i32" | "i64" | "isize"
        | "an integer" => "整数（不加引号）",
        "f32" | "f64" | "a float" => "数字（不加引号）",
        "a string" | "string" | "a borrowed string" | "char" => "文字（加双引号）",
        "a boolean" | "bool" => "true 或 false",
        "a sequence" | "an array" => "数组 [ … ]",
        "a map" | "a table" => "一组字段",
        _ => return format!(" {w}"),
    };
    name.to_string()
}

/// What was written, as serde names it (`string "八百"`, `integer `3``).
fn value(found: &str) -> String {
    let f = found.trim();
    for (en, zh) in [
        ("string ", "文字 "),
        ("integer ", "整数 "),
        ("floating point ", "数字 "),
        ("float ", "数字 "),
        ("boolean ", ""),
        ("character ", "文字 "),
    ] {
        if let Some(v) = f.strip_prefix(en) {
            return format!("{zh}{v}");
        }
    }
    match f {
        "sequence" => "数组".into(),
        "map" => "一组字段".into(),
        "unit value" => "空值".into(),
        other => other.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::chinese;

    #[test]
    fn parser_and_serde_messages_become_chinese() {
        assert_eq!(
            chinese("invalid basic string, expected `\"`"),
            "文字没有结束：缺少右边的双引号，或其中有不允许的字符"
        );
        assert!(chinese("invalid multi-line basic string, expected `\"\"\"`").contains("\"\"\""));
        assert_eq!(
            chinese("invalid type: string \"八百\", expected u32"),
            "类型不对：应为整数（不加引号），这里写的是文字 \"八百\""
        );
        assert_eq!(chinese("missing field `title`"), "缺少字段 `title`");
        assert_eq!(
            chinese("unknown variant `x`, expected one of `a`, `b`"),
            "取值 `x` 无法识别，可写：`a`、`b`"
        );
        assert_eq!(chinese("duplicate key: `title`"), "字段 `title` 写了两次");
        assert_eq!(
            chinese("something new\nsecond line"),
            "这里的写法不符合 TOML 格式"
        );
    }

    #[test]
    fn every_message_the_parser_can_give_is_chinese() {
        // Each description toml_parser 1.x writes (from its source).
        for en in [
            "invalid basic string",
            "invalid multi-line basic string",
            "invalid literal string",
            "invalid multi-line literal string",
            "invalid string",
            "string values must be quoted",
            "missing value for key",
            "key with no value",
            "missing value",
            "duplicate key",
            "unclosed table",
            "unclosed array table",
            "unclosed array",
            "unclosed inline table",
            "missing comma between array elements",
            "extra comma in array",
            "extra `=`",
            "invalid unquoted key",
            "invalid key-value pair",
            "invalid date-time",
            "invalid boolean",
            "invalid integer number",
            "invalid float",
            "missing escaped value",
            "too few unicode value digits",
            "unexpected content",
            "unexpected key or value",
            "carriage return must be followed by newline",
            "invalid comment character",
            "missing assignment between key-value pairs",
            "unquoted keys cannot be empty",
        ] {
            let zh = chinese(en);
            assert!(
                zh.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c)),
                "{en}: {zh}"
            );
            assert_ne!(
                zh, "这里的写法不符合 TOML 格式",
                "{en} has its own sentence"
            );
        }
    }
}
