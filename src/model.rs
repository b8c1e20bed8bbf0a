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
}

impl DocType {
    pub fn from_key(s: &str) -> Option<Self> {
        match s.trim() {
            "case" => Some(DocType::Case),
            "plan" => Some(DocType::Plan),
            _ => None,
        }
    }
    pub fn key(self) -> &'static str {
        match self {
            DocType::Case => "case",
            DocType::Plan => "plan",
        }
    }
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

/// One validated input document (`case` or `plan`).
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
}
