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

/// Document types and their fields.
pub const TYPES: &[(&str, &str, &[Field])] =
    &[("case", "案例/故事", CASE), ("plan", "工作方案", CASE)];

pub const CATEGORIES: &[&str] = &["典型活动案例", "典型职教故事", "典型宣传报道案例"];

pub fn fields_of(doc_type: &str) -> Option<&'static [Field]> {
    TYPES
        .iter()
        .find(|(t, _, _)| *t == doc_type)
        .map(|(_, _, f)| *f)
}
