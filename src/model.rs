//! The validated input model: what the user wrote, typed, with spans.

use std::ops::Range;
use std::path::PathBuf;
use std::sync::Arc;

use crate::diag::SourceFile;

/// A string from the input with where it came from.
#[derive(Debug, Clone)]
pub struct Text {
    pub value: String,
    /// Span of the whole TOML value (with quotes).
    pub span: Range<usize>,
    /// Source offset of the decoded string's first byte, when it maps 1:1.
    pub content_at: Option<usize>,
}

impl Text {
    pub fn new(value: String, span: Range<usize>, content_at: Option<usize>) -> Self {
        Text {
            value,
            span,
            content_at,
        }
    }

    /// Maps a byte range of `value` onto the source file; falls back to the
    /// whole value when the string had escapes.
    pub fn source_range(&self, r: Range<usize>) -> Range<usize> {
        match self.content_at {
            Some(at) => at + r.start..at + r.end,
            None => self.span.clone(),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum DocType {
    /// 案例/故事
    Case,
    /// 工作方案: like a case, without the length limit.
    Plan,
    /// 媒体报道
    Media,
    /// 活动周总结
    Summary,
    /// 特色亮点活动一览表
    Highlights,
}

impl DocType {
    pub fn from_key(s: &str) -> Option<Self> {
        match s.trim() {
            "case" => Some(DocType::Case),
            "plan" => Some(DocType::Plan),
            "media" => Some(DocType::Media),
            "summary" => Some(DocType::Summary),
            "highlights" => Some(DocType::Highlights),
            _ => None,
        }
    }
    pub fn key(self) -> &'static str {
        match self {
            DocType::Case => "case",
            DocType::Plan => "plan",
            DocType::Media => "media",
            DocType::Summary => "summary",
            DocType::Highlights => "highlights",
        }
    }
}

/// A number from the input with its span.
#[derive(Debug, Clone)]
pub struct Num {
    pub value: i64,
    pub span: Range<usize>,
}

/// Media level (媒体级别).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Level {
    Central,
    Provincial,
    City,
    County,
}

impl Level {
    pub fn from_name(s: &str) -> Option<Level> {
        match s.trim() {
            "中央级" | "中央" | "国家级" => Some(Level::Central),
            "省级" => Some(Level::Provincial),
            "市级" => Some(Level::City),
            "县级" | "区级" | "县区级" => Some(Level::County),
            _ => None,
        }
    }
    pub fn name(self) -> &'static str {
        match self {
            Level::Central => "中央级",
            Level::Provincial => "省级",
            Level::City => "市级",
            Level::County => "县级",
        }
    }
    /// Counted in the summary (省级及以上).
    pub fn provincial_or_higher(self) -> bool {
        self <= Level::Provincial
    }
}

/// A calendar date from the input.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Date {
    pub year: u16,
    pub month: u8,
    pub day: u8,
}

impl Date {
    pub fn chinese(self) -> String {
        format!("{}年{}月{}日", self.year, self.month, self.day)
    }
}

/// A media report named in a summary, or a media report document's facts.
#[derive(Debug, Clone)]
pub struct MediaItem {
    pub outlet: Text,
    pub title: Text,
    pub level: Level,
    pub level_span: Range<usize>,
    pub published: Date,
    pub url: Option<Text>,
}

/// The figures of a summary (总结).
#[derive(Debug, Clone)]
pub struct Stats {
    pub span: Range<usize>,
    pub schools: Num,
    pub enterprises: Num,
    pub teachers: Num,
    pub students: Num,
    pub students_enrolled: Num,
    pub participants: Num,
    pub activity_forms: Vec<Text>,
    pub experience_projects: Num,
    pub media: Vec<MediaItem>,
}

impl Stats {
    /// Participation coverage, computed, never typed: students / enrolled.
    pub fn coverage(&self) -> Option<f64> {
        (self.students_enrolled.value > 0)
            .then(|| self.students.value as f64 / self.students_enrolled.value as f64)
    }
}

/// One row of the highlights table.
#[derive(Debug, Clone)]
pub struct HighlightRow {
    pub span: Range<usize>,
    pub name: Text,
    pub date: Text,
    pub place: Text,
    pub form: Text,
    pub summary: Text,
    pub contact: Text,
}

/// What only some document types have.
#[derive(Debug, Clone)]
pub enum Extra {
    None,
    Media(MediaItem),
    Summary(Stats),
    Highlights(Vec<HighlightRow>),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Category {
    Activity,
    Story,
    Publicity,
}

impl Category {
    pub fn from_name(s: &str) -> Option<Self> {
        match s {
            "典型活动案例" => Some(Category::Activity),
            "典型职教故事" => Some(Category::Story),
            "典型宣传报道案例" => Some(Category::Publicity),
            _ => None,
        }
    }
    pub fn name(self) -> &'static str {
        match self {
            Category::Activity => "典型活动案例",
            Category::Story => "典型职教故事",
            Category::Publicity => "典型宣传报道案例",
        }
    }
}

/// A photo or video named by the input.
#[derive(Debug, Clone)]
pub struct MediaRef {
    pub path: Text,
    /// The file on disk, checked to lie inside the input's folder.
    pub resolved: PathBuf,
    pub caption: Option<Text>,
    /// Span of the whole `[[photos]]` entry.
    pub span: Range<usize>,
}

/// One validated input document. For a media report `unit` is the outlet
/// line and `photos` the evidence images; a derived title has an empty span.
#[derive(Debug, Clone)]
pub struct Document {
    pub file: Arc<SourceFile>,
    /// The folder paths are relative to.
    pub dir: PathBuf,
    pub doc_type: DocType,
    pub category: Option<Category>,
    pub title: Text,
    pub unit: Text,
    pub region: Option<Text>,
    pub body: Text,
    pub photos: Vec<MediaRef>,
    pub videos: Vec<MediaRef>,
    pub extra: Extra,
    /// Who sent a media report (its optional `unit`); `unit` holds the outlet.
    pub submitter: Option<Text>,
}
