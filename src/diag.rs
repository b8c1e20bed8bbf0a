//! Diagnostics: what the user reads when something is wrong, modelled on
//! rustc — severity, a stable code, a Chinese message, file:line:column with
//! the offending text underlined, and a hint.

use std::io::Write;
use std::ops::Range;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use codespan_reporting::diagnostic::{Diagnostic as CsDiagnostic, Label};
use codespan_reporting::files::SimpleFiles;
use codespan_reporting::term::{self, termcolor};
use serde::Serialize;

/// Stable diagnostic codes. The first two digits group them:
/// B00 input, B01 text, B02 photos and videos, B03 fonts, B05 deadlines,
/// B06 summary figures, B07 media reports, B08 highlights, B09 output and
/// internals, B10 Word import.
pub mod code {
    pub const TOML_SYNTAX: &str = "B0001";
    pub const UNKNOWN_KEY: &str = "B0002";
    pub const WRONG_TYPE: &str = "B0003";
    pub const MISSING_KEY: &str = "B0004";
    pub const BAD_VALUE: &str = "B0005";
    pub const UNREADABLE: &str = "B0006";
    pub const PATH_ESCAPES: &str = "B0007";
    pub const BAD_RULES: &str = "B0008";
    pub const CONTROL_CHAR: &str = "B0009";
    pub const TOO_SHORT: &str = "B0101";
    pub const EMPTY_TEXT: &str = "B0102";
    pub const TOO_LONG: &str = "B0103";
    pub const OUTSIDE_GB2312: &str = "B0104";
    pub const TITLE_TOO_LONG: &str = "B0105";
    pub const CELL_TOO_LONG: &str = "B0802";
    pub const PHOTO_MISSING: &str = "B0201";
    pub const PHOTO_NOT_JPEG: &str = "B0202";
    pub const PHOTO_TOO_NARROW: &str = "B0203";
    pub const PHOTO_TOO_SMALL: &str = "B0204";
    pub const PHOTO_NO_CAPTION: &str = "B0205";
    pub const PHOTO_CORRUPT: &str = "B0206";
    pub const PHOTO_TOO_LARGE: &str = "B0207";
    pub const VIDEO_NOT_MP4: &str = "B0211";
    pub const VIDEO_TOO_BIG: &str = "B0212";
    pub const VIDEO_LOW_RES: &str = "B0213";
    pub const VIDEO_BELOW_SUGGESTED: &str = "B0214";
    pub const VIDEO_CORRUPT: &str = "B0215";
    pub const VIDEO_MISSING: &str = "B0216";
    pub const FONT_LOOKALIKE: &str = "B0301";
    pub const GLYPH_FALLBACK: &str = "B0302";
    pub const GLYPH_MISSING: &str = "B0303";
    pub const NEGATIVE: &str = "B0601";
    pub const STUDENTS_OVER_ENROLLED: &str = "B0602";
    pub const PARTICIPANTS_TOO_FEW: &str = "B0603";
    pub const NO_ACTIVITY_FORMS: &str = "B0604";
    pub const MEDIA_NO_TEXT: &str = "B0701";
    pub const NO_PHONE: &str = "B0801";
    pub const LATE: &str = "B0501";
    pub const DUE_SOON: &str = "B0502";
    pub const NOT_DOCX: &str = "B1001";
    pub const IMPORT_FACE: &str = "B1002";
    pub const LINKED_IMAGE: &str = "B1003";
    pub const TEMPLATE: &str = "B0901";
    pub const WRITE: &str = "B0902";
    pub const INTERNAL: &str = "B0903";
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Warning,
    Error,
}

/// A source file diagnostics can point into.
#[derive(Debug, Clone)]
pub struct SourceFile {
    pub path: PathBuf,
    pub text: Arc<str>,
}

#[derive(Debug, Clone)]
pub struct Diagnostic {
    pub severity: Severity,
    pub code: &'static str,
    pub message: String,
    pub file: Option<Arc<SourceFile>>,
    /// Byte range into `file.text`.
    pub span: Option<Range<usize>>,
    /// Text written under the underline.
    pub label: Option<String>,
    pub hint: Option<String>,
    /// Where, in words, when there are no lines to show (a paragraph of a
    /// .docx: "第 5 段“11月8日至14日……”").
    pub place: Option<String>,
}

impl Diagnostic {
    pub fn error(code: &'static str, message: impl Into<String>) -> Self {
        Diagnostic {
            severity: Severity::Error,
            code,
            message: message.into(),
            file: None,
            span: None,
            label: None,
            hint: None,
            place: None,
        }
    }

    pub fn warning(code: &'static str, message: impl Into<String>) -> Self {
        Diagnostic {
            severity: Severity::Warning,
            ..Self::error(code, message)
        }
    }

    pub fn at(mut self, file: &Arc<SourceFile>, span: Range<usize>) -> Self {
        self.file = Some(file.clone());
        self.span = Some(span);
        self
    }

    /// Points at a file as a whole (no line to show).
    pub fn in_file(mut self, file: &Arc<SourceFile>) -> Self {
        self.file = Some(file.clone());
        self
    }

    pub fn label(mut self, label: impl Into<String>) -> Self {
        self.label = Some(label.into());
        self
    }

    pub fn hint(mut self, hint: impl Into<String>) -> Self {
        self.hint = Some(hint.into());
        self
    }

    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }

    /// 1-based line and column (in characters) of the span start.
    pub fn line_col(&self) -> Option<(usize, usize)> {
        let file = self.file.as_ref()?;
        let span = self.span.as_ref()?;
        Some(line_col(&file.text, span.start))
    }

    fn to_json(&self) -> serde_json::Value {
        let (line, column) = self
            .line_col()
            .map(|(l, c)| (Some(l), Some(c)))
            .unwrap_or((None, None));
        serde_json::json!({
            "severity": self.severity,
            "code": self.code,
            "message": self.message,
            "file": self.file.as_ref().map(|f| f.path.display().to_string()),
            "line": line,
            "column": column,
            "span": self.span.as_ref().map(|s| [s.start, s.end]),
            "label": self.label,
            "hint": self.hint,
            "place": self.place,
        })
    }
}

/// 1-based line and character column of a byte offset.
pub fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let offset = floor_char_boundary(text, offset.min(text.len()));
    let before = &text[..offset];
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map(|i| i + 1).unwrap_or(0);
    (line, text[line_start..offset].chars().count() + 1)
}

fn floor_char_boundary(text: &str, mut i: usize) -> usize {
    while !text.is_char_boundary(i) {
        i -= 1;
    }
    i
}

/// How diagnostics are printed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum MessageFormat {
    /// 给人看的格式（默认）
    Human,
    /// 每条诊断一行 JSON，供脚本使用
    Json,
}

/// Prints diagnostics to stderr in the chosen format.
pub struct Reporter {
    format: MessageFormat,
    color: termcolor::ColorChoice,
    pub errors: usize,
    pub warnings: usize,
}

impl Reporter {
    pub fn new(format: MessageFormat) -> Self {
        let color = if std::io::IsTerminal::is_terminal(&std::io::stderr())
            && std::env::var_os("NO_COLOR").is_none()
        {
            termcolor::ColorChoice::Auto
        } else {
            termcolor::ColorChoice::Never
        };
        Reporter {
            format,
            color,
            errors: 0,
            warnings: 0,
        }
    }

    pub fn emit(&mut self, d: &Diagnostic) {
        // A finding in a converted .docx is shown at its paragraph.
        let relocated = crate::import::relocate(d);
        let d = relocated.as_ref().unwrap_or(d);
        match d.severity {
            Severity::Error => self.errors += 1,
            Severity::Warning => self.warnings += 1,
        }
        match self.format {
            MessageFormat::Json => {
                let mut out = std::io::stdout().lock();
                let _ = writeln!(out, "{}", d.to_json());
            }
            MessageFormat::Human => {
                let mut w = termcolor::StandardStream::stderr(self.color);
                let _ = render_human(d, &mut w);
            }
        }
    }

    pub fn emit_all<'a>(&mut self, ds: impl IntoIterator<Item = &'a Diagnostic>) {
        for d in ds {
            self.emit(d);
        }
    }

    /// A plain progress or result line for people (never in JSON mode on stdout).
    pub fn note(&self, text: &str) {
        if self.format == MessageFormat::Human {
            eprintln!("{text}");
        }
    }
}

/// Renders one diagnostic like rustc into any terminal writer.
pub fn render_human(d: &Diagnostic, w: &mut dyn termcolor::WriteColor) -> std::io::Result<()> {
    let mut files = SimpleFiles::new();
    let mut cs = match d.severity {
        Severity::Error => CsDiagnostic::error(),
        Severity::Warning => CsDiagnostic::warning(),
    }
    .with_code(d.code)
    .with_message(&d.message);
    let mut notes = Vec::new();
    match (&d.file, &d.span) {
        (Some(f), Some(span)) => {
            let id = files.add(display_path(&f.path), f.text.clone());
            let start = floor_char_boundary(&f.text, span.start.min(f.text.len()));
            let end = floor_char_boundary(&f.text, span.end.min(f.text.len())).max(start);
            cs = cs
                .with_labels(vec![Label::primary(id, start..end)
                    .with_message(d.label.clone().unwrap_or_default())]);
        }
        (Some(f), None) => {
            let mut note = format!("文件：{}", display_path(&f.path));
            if let Some(p) = &d.place {
                note.push_str(&format!("，{p}"));
            }
            notes.push(note);
        }
        _ => {}
    }
    if let Some(h) = &d.hint {
        notes.push(format!("提示：{h}"));
    }
    cs = cs.with_notes(notes);
    let config = term::Config::default();
    term::emit(w, &config, &files, &cs).map_err(std::io::Error::other)
}

/// Renders to a plain string (tests, logs).
pub fn render_plain(d: &Diagnostic) -> String {
    let mut buf = termcolor::NoColor::new(Vec::new());
    let _ = render_human(d, &mut buf);
    String::from_utf8_lossy(&buf.into_inner()).into_owned()
}

fn display_path(p: &Path) -> String {
    p.display().to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_col_counts_characters() {
        let t = "a = 1\n标题 = \"中文\"\n";
        let off = t.find("\"中").unwrap();
        assert_eq!(line_col(t, off), (2, 6));
        assert_eq!(line_col(t, 0), (1, 1));
    }

    #[test]
    fn human_render_shows_code_location_and_hint() {
        let f = Arc::new(SourceFile {
            path: "case.toml".into(),
            text: "titel = \"x\"\n".into(),
        });
        let d = Diagnostic::error(code::UNKNOWN_KEY, "未知字段 `titel`")
            .at(&f, 0..5)
            .hint("是否想写 `title`？");
        let s = render_plain(&d);
        assert!(s.contains("error[B0002]: 未知字段 `titel`"), "{s}");
        assert!(s.contains("case.toml:1:1"), "{s}");
        assert!(s.contains("^^^^^"), "{s}");
        assert!(s.contains("提示：是否想写 `title`？"), "{s}");
    }

    #[test]
    fn json_has_line_and_column() {
        let f = Arc::new(SourceFile {
            path: "a.toml".into(),
            text: "x\ny = 2\n".into(),
        });
        let d = Diagnostic::warning(code::BAD_VALUE, "m").at(&f, 2..3);
        let v = d.to_json();
        assert_eq!(v["line"], 2);
        assert_eq!(v["column"], 1);
        assert_eq!(v["severity"], "warning");
    }
}
