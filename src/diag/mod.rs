//! Diagnostics: what the user reads when something is wrong, modelled on
//! rustc — severity, a stable code, a Chinese message, file:line:column with
//! the offending text underlined, and a hint. Codes and their default
//! severities live in `catalog`.

use std::io::Write;
use std::ops::Range;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use codespan_reporting::diagnostic::{Diagnostic as CsDiagnostic, Label};
use codespan_reporting::files::SimpleFiles;
use codespan_reporting::term::{self, termcolor};

pub mod catalog;
pub mod toml_text;

pub use catalog::{code, Code, Group, Lint, Severity};

/// A source file diagnostics can point into.
#[derive(Debug, Clone)]
pub struct SourceFile {
    pub path: PathBuf,
    pub text: Arc<str>,
    /// Set when the text was made from another file (a .docx converted to
    /// TOML): findings are then shown at that file and its paragraphs.
    pub origin: Option<Origin>,
}

impl SourceFile {
    pub fn new(path: impl Into<PathBuf>, text: impl Into<Arc<str>>) -> SourceFile {
        SourceFile {
            path: path.into(),
            text: text.into(),
            origin: None,
        }
    }
}

/// Where converted text came from.
#[derive(Clone)]
pub struct Origin {
    /// The file the user gave (e.g. the school's .docx).
    pub path: PathBuf,
    /// Converted line (1-based) → paragraph number in the original and its
    /// opening words, sorted by line.
    pub lines: Vec<(usize, usize, String)>,
    /// Advice from the conversion for findings on a line (what could be
    /// the missing title).
    pub hints: Vec<(usize, String)>,
    /// Keeps files the conversion wrote (pictures) alive as long as the text.
    pub keep: Option<Arc<dyn std::any::Any + Send + Sync>>,
}

impl std::fmt::Debug for Origin {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Origin")
            .field("path", &self.path)
            .field("lines", &self.lines.len())
            .finish()
    }
}

impl Origin {
    /// "第 5 段“11月8日至14日……”" for a converted line.
    fn place(&self, line: usize) -> Option<String> {
        self.lines
            .iter()
            .rev()
            .find(|(l, _, _)| *l <= line)
            .map(|(_, n, open)| format!("第 {n} 段“{open}”"))
    }
}

#[derive(Debug, Clone)]
pub struct Diagnostic {
    pub severity: Severity,
    pub code: Code,
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
    /// A finding with its code's default severity.
    pub fn new(code: Code, message: impl Into<String>) -> Self {
        Diagnostic {
            severity: code.lint().severity,
            code,
            message: message.into(),
            file: None,
            span: None,
            label: None,
            hint: None,
            place: None,
        }
    }

    /// Overrides the severity, for a command-line switch that asks for it
    /// (`--strict-fonts`) or a rules file that raises or lowers a group.
    pub fn severity(mut self, s: Severity) -> Self {
        self.severity = s;
        self
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

    /// The diagnostic as the user should see it: a finding in converted
    /// text is moved to the original file and its paragraph.
    pub fn shown(&self) -> std::borrow::Cow<'_, Diagnostic> {
        let Some(origin) = self.file.as_ref().and_then(|f| f.origin.as_ref()) else {
            return std::borrow::Cow::Borrowed(self);
        };
        let mut out = self.clone();
        let line = self.line_col().map(|(l, _)| l);
        out.place = line.and_then(|l| origin.place(l)).or(out.place);
        if let Some((_, h)) = line.and_then(|l| origin.hints.iter().find(|(hl, _)| *hl == l)) {
            out.hint = Some(h.clone());
        }
        out.file = Some(Arc::new(SourceFile::new(origin.path.clone(), "")));
        out.span = None;
        std::borrow::Cow::Owned(out)
    }

    /// One JSON object, as `--message-format json` prints it.
    pub fn to_json(&self) -> serde_json::Value {
        let d = self.shown();
        let (line, column) = d
            .line_col()
            .map(|(l, c)| (Some(l), Some(c)))
            .unwrap_or((None, None));
        serde_json::json!({
            "severity": d.severity,
            "code": d.code,
            "message": d.message,
            "file": d.file.as_ref().map(|f| f.path.display().to_string()),
            "line": line,
            "column": column,
            "span": d.span.as_ref().map(|s| [s.start, s.end]),
            "label": d.label,
            "hint": d.hint,
            "place": d.place,
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
                let _ = render_human(&d.shown(), &mut w);
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
    .with_code(d.code.as_str())
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
    let _ = render_human(&d.shown(), &mut buf);
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
        let f = Arc::new(SourceFile::new("case.toml", "titel = \"x\"\n"));
        let d = Diagnostic::new(code::UNKNOWN_KEY, "未知字段 `titel`")
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
        let f = Arc::new(SourceFile::new("a.toml", "x\ny = 2\n"));
        let d = Diagnostic::new(code::BAD_VALUE, "m")
            .severity(Severity::Warning)
            .at(&f, 2..3);
        let v = d.to_json();
        assert_eq!(v["line"], 2);
        assert_eq!(v["column"], 1);
        assert_eq!(v["severity"], "warning");
    }
}
