//! Every diagnostic code, declared once: its group, default severity, a
//! one-line title and a longer Chinese explanation with an example and the
//! fix (what `baosong explain CODE` prints). Call sites choose a code, never
//! a severity; `baosong.toml` may raise or lower a whole group.

use serde::Serialize;

/// How serious a finding is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Warning,
    Error,
}

impl Severity {
    pub fn label(self) -> &'static str {
        match self {
            Severity::Error => "错误",
            Severity::Warning => "警告",
        }
    }
}

/// Families of codes, by their first two digits.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Group {
    /// B00: the input file itself (TOML, paths, rules file).
    Input,
    /// B01: length and characters of the text.
    Text,
    /// B020x: photos.
    Photos,
    /// B021x: videos.
    Videos,
    /// B03: fonts and glyphs.
    Fonts,
    /// B05: deadlines.
    Deadlines,
    /// B06: a summary's figures.
    Summary,
    /// B07: media reports.
    Media,
    /// B08: the highlights table.
    Highlights,
    /// B09: writing outputs and internal faults.
    Output,
    /// B10: Word files.
    Import,
}

impl Group {
    pub const ALL: [Group; 11] = [
        Group::Input,
        Group::Text,
        Group::Photos,
        Group::Videos,
        Group::Fonts,
        Group::Deadlines,
        Group::Summary,
        Group::Media,
        Group::Highlights,
        Group::Output,
        Group::Import,
    ];

    /// The key used in `[diagnostics]` of `baosong.toml`.
    pub fn key(self) -> &'static str {
        match self {
            Group::Input => "input",
            Group::Text => "text",
            Group::Photos => "photos",
            Group::Videos => "videos",
            Group::Fonts => "fonts",
            Group::Deadlines => "deadlines",
            Group::Summary => "summary",
            Group::Media => "media",
            Group::Highlights => "highlights",
            Group::Output => "output",
            Group::Import => "import",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Group::Input => "输入文件",
            Group::Text => "文字",
            Group::Photos => "照片",
            Group::Videos => "视频",
            Group::Fonts => "字体",
            Group::Deadlines => "报送时限",
            Group::Summary => "总结数据",
            Group::Media => "媒体报道",
            Group::Highlights => "一览表",
            Group::Output => "输出",
            Group::Import => "Word 文件",
        }
    }

    /// Whether a rules file may change the group's severity. Findings that
    /// make a document unusable (unreadable input, failed writes) cannot be
    /// lowered: there would be nothing to build.
    pub fn adjustable(self) -> bool {
        !matches!(self, Group::Input | Group::Output)
    }

    pub fn from_key(key: &str) -> Option<Group> {
        Group::ALL.into_iter().find(|g| g.key() == key)
    }
}

/// One entry of the catalogue.
#[derive(Debug)]
pub struct Lint {
    pub code: &'static str,
    pub group: Group,
    pub severity: Severity,
    pub title: &'static str,
    /// What it means, an example, and how to fix it.
    pub explain: &'static str,
}

/// A diagnostic code: a reference into the catalogue.
#[derive(Clone, Copy)]
pub struct Code(&'static Lint);

impl Code {
    pub fn as_str(self) -> &'static str {
        self.0.code
    }
    pub fn lint(self) -> &'static Lint {
        self.0
    }
    pub fn group(self) -> Group {
        self.0.group
    }
}

impl PartialEq for Code {
    fn eq(&self, other: &Code) -> bool {
        self.0.code == other.0.code
    }
}
impl Eq for Code {}

impl std::fmt::Debug for Code {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.0.code)
    }
}

impl std::fmt::Display for Code {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.0.code)
    }
}

impl Serialize for Code {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.0.code)
    }
}

/// The entry for a code as a user types it (`b0203` works too).
pub fn lookup(code: &str) -> Option<&'static Lint> {
    let code = code.trim().to_ascii_uppercase();
    ALL.iter().copied().find(|l| l.code == code)
}

macro_rules! catalogue {
    ($($name:ident = $code:literal, $group:ident, $sev:ident, $title:literal, $explain:literal;)*) => {
        /// The codes, by the name call sites use.
        pub mod code {
            use super::*;
            $(
                pub const $name: Code = Code(&Lint {
                    code: $code,
                    group: Group::$group,
                    severity: Severity::$sev,
                    title: $title,
                    explain: $explain,
                });
            )*
        }
        /// Every entry, in code order.
        pub static ALL: &[&Lint] = &[$(code::$name.0),*];
    };
}

catalogue! {
    TOML_SYNTAX = "B0001", Input, Error, "TOML 格式错误",
"材料文件不符合 TOML 的写法，程序读不懂它。

常见原因：引号没有成对、等号两边没有写全、多段正文没有用三个双引号括起来。

例如：
    title = \"匠心筑梦        ← 少了右引号

改正：
    title = \"匠心筑梦\"
    body = \"\"\"
    第一段……

    第二段……
    \"\"\"";

    UNKNOWN_KEY = "B0002", Input, Error, "未知字段",
"材料里写了一个这种材料没有的字段，通常是拼写错误。提示中会给出最接近的正确字段名。

例如：titel = \"……\"（应为 title）；写成中文“报送单位 = ……”（应为 unit）。

改正：按提示改成正确的字段名；可用 baosong new case 生成带说明的模板对照。";

    WRONG_TYPE = "B0003", Input, Error, "字段的类型不对",
"字段的值不是要求的类型，例如文字没加引号、数字加了引号、日期写成了文字。

例如：unit = 3、schools = \"3\"、published = \"2020年11月9日\"。

改正：文字用英文双引号括起来；人数、个数直接写数字；日期写成 2020-11-09（不加引号）。";

    MISSING_KEY = "B0004", Input, Error, "缺少必填字段",
"这种材料必须填写的字段没有写。

例如：案例缺少 unit（报送单位）；一览表中一项活动也没有。

改正：按提示补上一行，如 unit = \"南昌市第一中等专业学校\"。";

    BAD_VALUE = "B0005", Input, Error, "取值不在允许的范围内",
"字段的值不是通知或程序认可的取值，提示中会列出可以写的值。

例如：category = \"优秀案例\"（应为 典型活动案例、典型职教故事 或 典型宣传报道案例）；level = \"国家\"（应为 中央级、省级、市级 或 县级）。

改正：从提示列出的取值中选一个。";

    UNREADABLE = "B0006", Input, Error, "文件无法读取",
"文件或文件夹不存在、没有读取权限，或者不是 UTF-8 编码的文字文件。

改正：检查文件名和路径；用记事本“另存为”并选择 UTF-8 编码。";

    PATH_ESCAPES = "B0007", Input, Error, "路径离开了材料所在的文件夹",
"照片、视频等文件必须放在材料文件所在的文件夹（或其子文件夹）里，并写相对路径。绝对路径、用 .. 跳到上级文件夹、指向外部的快捷方式都不允许：材料交出去以后，这些文件就找不到了。

例如：path = \"C:/Users/李老师/桌面/1.jpg\"、path = \"../照片/1.jpg\"。

改正：把文件复制到材料旁的 photos 文件夹，写 path = \"photos/1.jpg\"。";

    BAD_RULES = "B0008", Input, Error, "规则文件有误",
"baosong.toml（或 --rules 指定的规则文件）写法或取值有误。规则文件只需写要改的项，其余沿用内置规则。

例如：
    [text]
    min_chars = \"八百\"      ← 应为数字 800

改正：按提示改正；字段名见 README 的“规则表”一节。";

    CONTROL_CHAR = "B0009", Input, Error, "文字中有看不见的控制字符",
"文字中夹着看不见的控制字符，Word 会因此打不开生成的文件。这类字符常来自从网页或其他软件复制的文字。

改正：删除提示位置的字符；看不出来时，把这段文字重新输入一遍。";

    NOTHING_FOUND = "B0010", Input, Warning, "没有找到材料文件",
"给出的文件夹里没有可以检查的材料（.toml 或 .docx）。

改正：确认文件夹是否正确；材料文件的扩展名应为 .toml 或 .docx。";

    GENERATED_OUTPUT = "B0011", Input, Warning, "这是 baosong 生成的文件",
"这个 Word 文件是 baosong 由一份 TOML 材料生成的排版结果，不是单独的一份材料。与它的原始材料放在一起时，检查和汇编只看原始材料，不会重复计算；单独出现时，会提示这一点。

改正：报送时交原始材料（.toml 与照片）或这个排版结果之一即可，不要两样都算作材料。";

    TOO_SHORT = "B0101", Text, Error, "正文字数不足",
"正文字数少于通知的要求（默认 800—1500 字）。字数按 Word 的“字数统计”计算：每个汉字和中文标点算 1 个字，一串连续的字母、数字（如 2020、3D、电子邮箱）算 1 个字；标题和报送单位不计入。

例如：error[B0101]: 正文字数 612，少于要求的 800 字

改正：充实正文内容；如主管部门另有要求，可在 baosong.toml 的 [text] 中修改 min_chars。";

    EMPTY_TEXT = "B0102", Text, Error, "必填内容为空",
"标题、报送单位或正文等必填内容是空的。从 Word 文件导入时，找不到标题或报送单位也报这个错误，并给出建议。

改正：填写对应内容；Word 文件可用 --unit 指定报送单位。";

    TOO_LONG = "B0103", Text, Error, "正文字数超出",
"正文字数多于通知的要求（默认 1500 字）。字数算法同 B0101。

改正：删减正文；如主管部门另有要求，可在 baosong.toml 的 [text] 中修改 max_chars。";

    OUTSIDE_GB2312 = "B0104", Text, Warning, "字符不在 GB 2312 字符集内",
"规定字体（仿宋_GB2312、楷体_GB2312 等）只包含 GB 2312 的 6763 个汉字。人名、地名中的生僻字（如 喆、镕）不在其中，在对方电脑上可能显示为空白或方框。

改正：在打印稿上核对这些字；PDF 中这些字会改用覆盖更全的字体显示。表情符号等请删除。";

    TITLE_TOO_LONG = "B0105", Text, Warning, "标题过长",
"标题排成了三行以上。公文标题宜简短，一般不超过两三行。

改正：精简标题，把副题或说明移到正文中。";

    PHOTO_MISSING = "B0201", Photos, Error, "照片找不到或无法读取",
"材料中写的照片文件不存在，或者没有读取权限。

例如：path = \"photos/01.jpg\"，但文件其实叫 01.JPG 或放在别的文件夹。

改正：检查文件名（包括扩展名）和所在子文件夹。";

    PHOTO_NOT_JPEG = "B0202", Photos, Error, "照片不是 JPG 格式",
"通知要求照片为 JPG 格式。程序按文件内容判断格式，改扩展名没有用。苹果手机默认拍摄 HEIC 格式的照片。

改正：用看图软件把照片“另存为” JPG；苹果手机可在“设置 → 相机 → 格式”中选择“兼容性最佳”后重新拍摄，或在“照片”中共享/导出为 JPG。用 --force 生成时，这张照片的位置会放一个注明原因的方框。";

    PHOTO_TOO_NARROW = "B0203", Photos, Error, "照片宽度不足",
"通知要求照片宽度不低于 2000 像素。宽度按照片正常显示的方向计算（竖拍的照片按转正后的宽度）。

例如：error[B0203]: 照片宽度 1600 像素，要求不低于 2000 像素

改正：使用相机或手机拍摄的原图，不要用微信等压缩过的图片。";

    PHOTO_TOO_SMALL = "B0204", Photos, Error, "照片文件太小",
"通知要求照片单张不低于 2 MB（按 Windows 显示的大小，即 2×1024×1024 字节）。文件太小通常说明照片被压缩过，印刷画质达不到要求。

改正：提供原图。";

    PHOTO_NO_CAPTION = "B0205", Photos, Error, "照片没有文字说明",
"通知要求每张照片都配文字说明。

改正：在这张照片下面加一行 caption = \"……\"。";

    PHOTO_CORRUPT = "B0206", Photos, Error, "照片文件已损坏或不完整",
"照片本身的数据读不到结尾，通常是没有下载或复制完整。相机在照片后面附加的数据（填充、多画面、厂商信息）不算损坏。文件不完整时，其大小没有意义，因此不再判断 B0204。

改正：重新从相机或手机导出这张照片。用 --force 生成时，这张照片的位置会放一个注明原因的方框。";

    PHOTO_TOO_LARGE = "B0207", Photos, Error, "照片像素过多",
"照片声称的像素数超出可处理的范围（默认一亿像素），为防止耗尽内存，程序不解码它。

改正：把照片缩小到一亿像素以内再报送。";

    VIDEO_NOT_MP4 = "B0211", Videos, Error, "视频不是 mp4 格式",
"通知要求视频为 mp4 格式。程序按文件内容判断格式。

改正：用视频软件导出为 mp4（H.264）格式。";

    VIDEO_TOO_BIG = "B0212", Videos, Error, "视频文件过大",
"通知要求视频不超过 200 MB。

改正：缩短视频或降低码率后重新导出。";

    VIDEO_LOW_RES = "B0213", Videos, Error, "视频分辨率低于标清",
"通知要求视频分辨率在标清（720×480）以上。

改正：导出更高分辨率的版本，建议 1280×720。";

    VIDEO_BELOW_SUGGESTED = "B0214", Videos, Warning, "视频分辨率低于建议值",
"通知建议视频分辨率为 1280×720 或以上；低于这个值仍可报送，但画面可能不够清晰。

改正：如有更清晰的版本，建议报送更清晰的。";

    VIDEO_CORRUPT = "B0215", Videos, Error, "视频无法解析",
"视频文件无法解析或没有画面轨道，可能已损坏或没有复制完整。

改正：重新导出视频。";

    VIDEO_MISSING = "B0216", Videos, Error, "视频找不到或无法读取",
"材料中写的视频文件不存在，或者没有读取权限。

改正：检查文件名和所在子文件夹。";

    FONT_LOOKALIKE = "B0301", Fonts, Warning, "未安装规定字体，改用近似字体",
"本机没有安装通知规定的字体（如 方正小标宋简体、仿宋_GB2312），PDF 中改用 baosong 内置的近似字体。Word 文件中仍写明规定字体，在装有这些字体的电脑上打开即为规定效果。加 --strict-fonts 时这是错误。

改正：安装规定字体，或用 --font-path 指定字体所在文件夹；运行 baosong fonts 查看查找结果。";

    GLYPH_FALLBACK = "B0302", Fonts, Warning, "字符由备用字体显示",
"某个字符在它所在部分的字体中没有字形，PDF 中改用另一种覆盖更全的字体显示，字形可能与周围略有不同。

改正：确认打印效果；必要时请报送单位核对用字。";

    GLYPH_MISSING = "B0303", Fonts, Warning, "字符在所有字体中都没有字形",
"某个字符在所有可用的字体中都没有字形，PDF 中在它的位置画了一个方框（□）。常见于极生僻的人名、地名用字和表情符号。

改正：安装包含这个字的字体（如系统自带的扩展字库），再重新生成；人名、地名用字请勿随意替换，可在打印稿上手写补正。表情符号请删除。";

    LATE = "B0501", Deadlines, Warning, "已超过报送截止日期",
"按规则表中的时限，这类材料的截止日期已过。

改正：与主管部门联系后再报送。截止日期可在 baosong.toml 的 [deadlines] 中按当年通知修改。";

    DUE_SOON = "B0502", Deadlines, Warning, "临近报送截止日期",
"这类材料离截止日期只剩三天以内。

改正：请尽快报送。";

    NEGATIVE = "B0601", Summary, Error, "统计数字为负数",
"总结中的人数、个数不能是负数。

改正：填写实际数字。";

    STUDENTS_OVER_ENROLLED = "B0602", Summary, Error, "参加学生数超过在校生数",
"参加活动的学生数（students）大于在校生数（students_enrolled），覆盖率会超过 100%。

改正：核对两个数字；覆盖率由程序按 students ÷ students_enrolled 计算，不必手填。";

    PARTICIPANTS_TOO_FEW = "B0603", Summary, Error, "参与总人数少于师生人数",
"参与总人数（participants）应不少于参加的教师数与学生数之和。

改正：核对参与总人数。";

    NO_ACTIVITY_FORMS = "B0604", Summary, Error, "没有填写主要活动形式",
"总结要列出主要活动形式。

改正：写 activity_forms = [\"线上展示\", \"开放日\", \"技能服务\"]。";

    MEDIA_NO_TEXT = "B0701", Media, Error, "媒体报道没有原文",
"通知要求媒体报道不能只交截图：报道的文字要复制到材料中，图片放在文后作为佐证。

改正：把报道文字复制到 body 中，截图放在 [[images]] 里。";

    NO_PHONE = "B0801", Highlights, Warning, "联系人没有电话号码",
"一览表的“联系人及电话”一栏没有电话号码，主管部门无法联系。

改正：写成 contact = \"余老师 13800000000\"。";

    CELL_TOO_LONG = "B0802", Highlights, Warning, "表格单元格内容过长",
"一览表某一栏的文字太长，表格的一行放不下一页。

改正：精简内容简介，控制在三百字以内。";

    TEMPLATE = "B0901", Output, Error, "排版模板出错",
"Typst 排版模板出错。用了 --template 时请检查自己的模板；否则这是 baosong 的缺陷。

改正：请把输入文件发给维护者。";

    WRITE = "B0902", Output, Error, "无法写入输出文件",
"输出文件写不进去：文件夹不存在或没有写入权限、文件正被 Word 或 WPS 打开，或输出会覆盖输入文件。已有的文件保持原样，不会只写一半。

改正：关闭正在打开这个文件的程序，检查输出文件夹后重试。";

    INTERNAL = "B0903", Output, Error, "内部错误",
"baosong 自身出了问题。

改正：请把输入文件和这条消息发给维护者。";

    NOT_DOCX = "B1001", Import, Error, "不是 Word 文件（.docx）",
"这个文件不是 .docx：可能是旧版 .doc、PDF，或已经损坏。

改正：在 Word 或 WPS 中打开它，“另存为” Word 文档（*.docx）后再试。";

    IMPORT_FACE = "B1002", Import, Warning, "Word 文件的字体字号与要求不同",
"Word 文件中某一部分（标题、报送单位、正文）大多数文字所用的字体、字号与通知要求不同。baosong 会按规定格式重新排版，这条提示说明原文件为什么与要求不同。

例如：warning[B1002]: 正文（第 3 段起）使用了 宋体 五号，要求仿宋_GB2312 三号

改正：无需处理；若直接报送原 Word 文件，请按要求修改字体字号。";

    LINKED_IMAGE = "B1003", Import, Warning, "图片只是链接，没有放进 Word 文件",
"Word 文件中的图片只是链接到电脑上的某个文件，没有保存在 Word 文件里，无法取出。

改正：在 Word 中用“插入 → 图片”重新插入（不要选“链接到文件”），或把原图片单独报送。";

    MOVED_TEXT = "B1004", Import, Warning, "文本框、脚注中的文字已移入正文",
"Word 文件中有文字放在文本框、图形或脚注/尾注里。导入时文本框的文字按阅读顺序放在它所在的位置，脚注和尾注放在正文末尾。

改正：核对这些文字的位置是否合适。";

    UNIT_GUESSED = "B1005", Import, Warning, "报送单位是推断出来的",
"Word 文件中没有单独一行写报送单位，baosong 从落款、文档属性、文件名或所在文件夹名推断出报送单位，并说明来源。

改正：核对报送单位；不对时用 --unit 指定，或在导入生成的 .toml 中修改 unit。";

    ORIGINAL_KEPT = "B1006", Import, Warning, "Word 原件与转换出的表格并存",
"在工作台中打开文件夹里的 Word 文件时，它被转换成一份可在表格中修改的材料（.toml），原 Word 文件保持不变。两份都在文件夹中时，检查和汇编会把它们当作两份材料。

改正：定稿后只保留其中一份（通常删除或移走原 Word 文件），或报送时只交其中一份。";
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_unique_well_formed_and_grouped() {
        let mut seen = std::collections::BTreeSet::new();
        for l in ALL {
            assert!(seen.insert(l.code), "{} twice", l.code);
            assert!(
                l.code.len() == 5
                    && l.code.starts_with('B')
                    && l.code[1..].bytes().all(|b| b.is_ascii_digit()),
                "{}",
                l.code
            );
            let want = match &l.code[1..3] {
                "00" => Group::Input,
                "01" => Group::Text,
                "02" if l.code.as_bytes()[3] == b'0' => Group::Photos,
                "02" => Group::Videos,
                "03" => Group::Fonts,
                "05" => Group::Deadlines,
                "06" => Group::Summary,
                "07" => Group::Media,
                "08" => Group::Highlights,
                "09" => Group::Output,
                "10" => Group::Import,
                other => panic!("unknown group {other}"),
            };
            assert_eq!(l.group, want, "{}", l.code);
            assert!(
                !l.title.is_empty() && l.explain.contains("改正"),
                "{}",
                l.code
            );
        }
        assert!(lookup("b0203").is_some_and(|l| l.code == "B0203"));
        assert!(lookup("B9999").is_none());
    }
}
