//! What each document type may contain: one table per type, so the loader,
//! the error messages and `baosong new` agree on the same keys.

#[derive(Debug, Clone, Copy)]
pub enum Kind {
    /// A one-line string.
    Str,
    /// Running text (body): paragraphs separated by blank lines.
    Text,
    Int,
    Date,
    Bool,
    StrList,
    /// An array of tables (`[[photos]]`), each following the given fields.
    Records(&'static [Field]),
    /// A sub-table (`[stats]`).
    Table(&'static [Field]),
}

impl Kind {
    /// How the kind is named in messages.
    pub fn describe(self) -> &'static str {
        match self {
            Kind::Str | Kind::Text => "字符串（用英文双引号括起来）",
            Kind::Int => "整数",
            Kind::Date => "日期（如 2020-11-09，不加引号）",
            Kind::Bool => "true 或 false",
            Kind::StrList => "字符串数组（如 [\"a\", \"b\"]）",
            Kind::Records(_) => "表数组（用 [[名称]] 写出每一项）",
            Kind::Table(_) => "表（用 [名称] 开头）",
        }
    }
}

#[derive(Debug, Clone, Copy)]
pub struct Field {
    pub name: &'static str,
    pub kind: Kind,
    pub required: bool,
    /// The Chinese name users know the field by.
    pub label: &'static str,
}

const fn f(name: &'static str, kind: Kind, required: bool, label: &'static str) -> Field {
    Field {
        name,
        kind,
        required,
        label,
    }
}

pub const MEDIA_FILE: &[Field] = &[
    f("path", Kind::Str, true, "文件路径"),
    f("caption", Kind::Str, false, "文字说明"),
];

/// `type = "case"` and `type = "plan"`.
pub const CASE: &[Field] = &[
    f("type", Kind::Str, false, "材料类型"),
    f("category", Kind::Str, false, "材料类别"),
    f("title", Kind::Str, true, "标题"),
    f("unit", Kind::Str, true, "报送单位"),
    f("region", Kind::Str, false, "所属县区"),
    f("body", Kind::Text, true, "正文"),
    f("photos", Kind::Records(MEDIA_FILE), false, "照片"),
    f("videos", Kind::Records(MEDIA_FILE), false, "视频"),
];

/// `type = "media"`: a media report, its text copied in, evidence images.
pub const MEDIA: &[Field] = &[
    f("type", Kind::Str, false, "材料类型"),
    f("outlet", Kind::Str, true, "媒体单位"),
    f("title", Kind::Str, true, "报道标题"),
    f("level", Kind::Str, true, "媒体级别"),
    f("published", Kind::Date, true, "发布日期"),
    f("url", Kind::Str, false, "网址"),
    f("unit", Kind::Str, false, "报送单位"),
    f("region", Kind::Str, false, "所属县区"),
    f("body", Kind::Text, true, "报道原文"),
    f("images", Kind::Records(MEDIA_FILE), false, "佐证图片"),
];

pub const STATS_MEDIA: &[Field] = &[
    f("outlet", Kind::Str, true, "媒体单位"),
    f("title", Kind::Str, true, "报道标题"),
    f("level", Kind::Str, true, "媒体级别"),
    f("published", Kind::Date, true, "发布日期"),
    f("url", Kind::Str, false, "网址"),
];

pub const STATS: &[Field] = &[
    f("schools", Kind::Int, true, "参加活动的职业院校数"),
    f("enterprises", Kind::Int, true, "企业数"),
    f("teachers", Kind::Int, true, "教师数"),
    f("students", Kind::Int, true, "学生数"),
    f("students_enrolled", Kind::Int, true, "在校生数"),
    f("participants", Kind::Int, true, "参与总人数"),
    f("activity_forms", Kind::StrList, true, "主要活动形式"),
    f("experience_projects", Kind::Int, true, "观摩体验活动项目数"),
    f("media", Kind::Records(STATS_MEDIA), false, "媒体报道情况"),
];

/// `type = "summary"`: the week's summary with its figures.
pub const SUMMARY: &[Field] = &[
    f("type", Kind::Str, false, "材料类型"),
    f("unit", Kind::Str, true, "报送单位"),
    f("title", Kind::Str, false, "标题"),
    f("region", Kind::Str, false, "所属县区"),
    f("body", Kind::Text, true, "正文"),
    f("stats", Kind::Table(STATS), true, "统计数据"),
];

pub const HIGHLIGHT_ROW: &[Field] = &[
    f("name", Kind::Str, true, "活动名称"),
    f("date", Kind::Str, true, "时间"),
    f("place", Kind::Str, true, "地点"),
    f("form", Kind::Str, true, "形式"),
    f("summary", Kind::Str, true, "内容简介"),
    f("contact", Kind::Str, true, "联系人及电话"),
];

/// `type = "highlights"`: 特色亮点活动一览表.
pub const HIGHLIGHTS: &[Field] = &[
    f("type", Kind::Str, false, "材料类型"),
    f("unit", Kind::Str, true, "报送单位"),
    f("title", Kind::Str, false, "标题"),
    f("region", Kind::Str, false, "所属县区"),
    f("rows", Kind::Records(HIGHLIGHT_ROW), true, "活动"),
];

/// Document types and their fields.
pub const TYPES: &[(&str, &str, &[Field])] = &[
    ("case", "案例/故事", CASE),
    ("plan", "工作方案", CASE),
    ("media", "媒体报道", MEDIA),
    ("summary", "活动周总结", SUMMARY),
    ("highlights", "特色亮点活动一览表", HIGHLIGHTS),
];

/// The office's `collection.toml`: what the bound volume is and where the
/// submissions are.
pub const COLLECTION: &[Field] = &[
    f("title", Kind::Str, true, "汇编标题"),
    f("issuer", Kind::Str, true, "编印单位"),
    f("date", Kind::Date, true, "日期"),
    f("sources", Kind::StrList, true, "材料位置"),
    f("group_by", Kind::Str, false, "分组方式"),
    f("duplex", Kind::Bool, false, "双面印刷"),
    f("photo_dpi", Kind::Int, false, "照片分辨率"),
    f("photo_quality", Kind::Int, false, "照片压缩质量"),
    f("order", Kind::Str, false, "排列顺序"),
    f("roster", Kind::Str, false, "单位名单"),
];

pub const ROSTER_UNIT: &[Field] = &[
    f("name", Kind::Str, true, "单位名称"),
    f("region", Kind::Str, false, "所属县区"),
];

/// `roster.toml`: the units expected to submit.
pub const ROSTER: &[Field] = &[f("units", Kind::Records(ROSTER_UNIT), true, "报送单位名单")];

pub const LEVELS: &[&str] = &["中央级", "省级", "市级", "县级"];

pub const CATEGORIES: &[&str] = &["典型活动案例", "典型职教故事", "典型宣传报道案例"];

pub fn fields_of(doc_type: &str) -> Option<&'static [Field]> {
    TYPES
        .iter()
        .find(|(t, _, _)| *t == doc_type)
        .map(|(_, _, f)| *f)
}
