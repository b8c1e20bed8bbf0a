//! Input: reads a TOML document, checks it against its type's schema with
//! exact spans, and builds the typed model. Every problem becomes a Chinese
//! diagnostic pointing at file:line:column.

pub mod collection;
pub mod edit;
mod paths;
pub mod schema;

use std::collections::BTreeMap;
use std::ops::Range;
use std::path::Path;
use std::sync::Arc;

use toml::de::{DeTable, DeValue};
use toml::Spanned;

use crate::diag::{code, Diagnostic, SourceFile};
use crate::model::{Category, DocType, Document, Extra, HighlightRow, MediaRef, Stats, Text};
use schema::{Field, Kind};

pub use paths::{resolve_inside, PathError};

/// A checked value with its span in the source.
#[derive(Debug, Clone)]
pub struct Node {
    pub span: Range<usize>,
    pub value: Value,
}

#[derive(Debug, Clone)]
pub enum Value {
    Str(Text),
    Int(i64),
    Date(toml::value::Date),
    Bool(bool),
    List(Vec<Node>),
    Table(Table),
}

#[derive(Debug, Clone, Default)]
pub struct Table {
    pub span: Range<usize>,
    pub entries: BTreeMap<String, Node>,
}

impl Table {
    pub fn text(&self, key: &str) -> Option<&Text> {
        match &self.entries.get(key)?.value {
            Value::Str(t) => Some(t),
            _ => None,
        }
    }
    pub fn records(&self, key: &str) -> Vec<&Table> {
        match self.entries.get(key).map(|n| &n.value) {
            Some(Value::List(items)) => items
                .iter()
                .filter_map(|n| match &n.value {
                    Value::Table(t) => Some(t),
                    _ => None,
                })
                .collect(),
            _ => vec![],
        }
    }
}

/// Result of loading: the model if it could be built, and every diagnostic.
pub struct Loaded {
    pub document: Option<Document>,
    pub diagnostics: Vec<Diagnostic>,
}

/// Reads and loads one TOML input file (Word files are converted one
/// level up, in `submission`).
pub fn load_file(path: &Path) -> Loaded {
    let bytes = match std::fs::read(path) {
        Ok(b) => b,
        Err(e) => {
            return Loaded {
                document: None,
                diagnostics: vec![Diagnostic::new(
                    code::UNREADABLE,
                    format!(
                        "无法读取文件 {}：{}",
                        path.display(),
                        crate::files::io_reason(&e)
                    ),
                )
                .hint("请检查文件名和路径是否正确")],
            }
        }
    };
    let text = match String::from_utf8(bytes) {
        Ok(t) => t,
        Err(e) => {
            let at = e.utf8_error().valid_up_to();
            let lossy = String::from_utf8_lossy(e.as_bytes()).into_owned();
            let file = Arc::new(SourceFile::new(path, lossy));
            return Loaded {
                document: None,
                diagnostics: vec![Diagnostic::new(code::UNREADABLE, "文件不是 UTF-8 编码")
                    .at(&file, at..at + 1)
                    .hint("请用记事本“另存为”并选择 UTF-8 编码后再试")],
            };
        }
    };
    load_source(Arc::new(SourceFile::new(path, text)))
}

/// Loads a document from source text already in memory.
pub fn load_source(file: Arc<SourceFile>) -> Loaded {
    let mut diags = Vec::new();
    let src: &str = &file.text;
    // A BOM written by Notepad is harmless: skip it.
    let table = match DeTable::parse(src) {
        Ok(t) => t,
        Err(e) => {
            diags.push(syntax_error(&file, &e));
            return Loaded {
                document: None,
                diagnostics: diags,
            };
        }
    };

    let doc_type = match table.get_ref().get("type").map(|v| (v.get_ref(), v.span())) {
        None => DocType::Case,
        Some((DeValue::String(s), span)) => match DocType::from_key(s) {
            Some(t) => t,
            None => {
                let known: Vec<String> = schema::TYPES
                    .iter()
                    .map(|(k, l, _)| format!("\"{k}\"（{l}）"))
                    .collect();
                diags.push(
                    Diagnostic::new(code::BAD_VALUE, format!("不支持的材料类型 \"{s}\""))
                        .at(&file, span)
                        .label("这里")
                        .hint(format!("type 可以是：{}", known.join("、"))),
                );
                return Loaded {
                    document: None,
                    diagnostics: diags,
                };
            }
        },
        Some((_, span)) => {
            diags.push(
                Diagnostic::new(code::WRONG_TYPE, "type 应当是字符串")
                    .at(&file, span)
                    .hint("例如 type = \"case\""),
            );
            return Loaded {
                document: None,
                diagnostics: diags,
            };
        }
    };
    let fields = schema::fields_of(doc_type.key()).expect("every DocType has a schema");
    let root_span = 0..src.len();
    let checked = check_table(&file, table.get_ref(), root_span, fields, "", &mut diags);
    if diags.iter().any(|d| d.is_error()) {
        return Loaded {
            document: None,
            diagnostics: diags,
        };
    }
    let document = build_document(&file, doc_type, &checked, &mut diags);
    Loaded {
        document,
        diagnostics: diags,
    }
}

/// A TOML syntax error, in Chinese, at its position.
pub(crate) fn syntax_error(file: &Arc<SourceFile>, e: &toml::de::Error) -> Diagnostic {
    Diagnostic::new(
        code::TOML_SYNTAX,
        format!(
            "TOML 格式错误：{}",
            crate::diag::toml_text::chinese(e.message())
        ),
    )
    .at(file, e.span().unwrap_or(0..0))
    .hint("检查引号是否成对、等号两边是否写全；多段正文请用三个双引号 \"\"\" 括起来")
}

/// The first steps every non-document input shares: read the file, parse
/// the TOML, check it against `fields`.
pub(crate) fn read_table(
    path: &Path,
    fields: &[Field],
) -> (Option<(Arc<SourceFile>, Table)>, Vec<Diagnostic>) {
    let text = match std::fs::read_to_string(path) {
        Ok(t) => t,
        Err(e) => {
            let d = Diagnostic::new(
                code::UNREADABLE,
                format!(
                    "无法读取 {}：{}",
                    path.display(),
                    crate::files::io_reason(&e)
                ),
            );
            return (None, vec![d]);
        }
    };
    let file = Arc::new(SourceFile::new(path, text));
    let mut diags = Vec::new();
    let table = match DeTable::parse(&file.text) {
        Ok(t) => t,
        Err(e) => return (None, vec![syntax_error(&file, &e)]),
    };
    let t = check_table(
        &file,
        table.get_ref(),
        0..file.text.len(),
        fields,
        "",
        &mut diags,
    );
    if diags.iter().any(|d| d.is_error()) {
        return (None, diags);
    }
    (Some((file, t)), diags)
}

fn check_table(
    file: &Arc<SourceFile>,
    table: &DeTable,
    span: Range<usize>,
    fields: &[Field],
    prefix: &str,
    diags: &mut Vec<Diagnostic>,
) -> Table {
    let mut out = Table {
        span: span.clone(),
        entries: BTreeMap::new(),
    };
    for (key, value) in table.iter() {
        let name: &str = key.get_ref();
        let Some(field) = fields.iter().find(|f| f.name == name) else {
            let mut d = Diagnostic::new(code::UNKNOWN_KEY, format!("未知字段 `{prefix}{name}`"))
                .at(file, key.span())
                .label("不认识的字段");
            d = match suggest(name, fields) {
                Some(s) => d.hint(format!("是否想写 `{s}`？")),
                None => d.hint(format!(
                    "这里可以写的字段有：{}",
                    fields
                        .iter()
                        .map(|f| format!("{}（{}）", f.name, f.label))
                        .collect::<Vec<_>>()
                        .join("、")
                )),
            };
            diags.push(d);
            continue;
        };
        if let Some(node) = check_value(file, value, field, prefix, diags) {
            out.entries.insert(name.to_string(), node);
        }
    }
    for f in fields.iter().filter(|f| f.required) {
        if !out.entries.contains_key(f.name) && !table.iter().any(|(k, _)| k.get_ref() == f.name) {
            let at = if prefix.is_empty() {
                0..0
            } else {
                span.start..span.start
            };
            diags.push(
                Diagnostic::new(
                    code::MISSING_KEY,
                    format!("缺少必填字段 `{prefix}{}`（{}）", f.name, f.label),
                )
                .at(file, at)
                .hint(format!("请补上一行：{} = …", f.name)),
            );
        }
    }
    out
}

fn check_value(
    file: &Arc<SourceFile>,
    value: &Spanned<DeValue>,
    field: &Field,
    prefix: &str,
    diags: &mut Vec<Diagnostic>,
) -> Option<Node> {
    let span = value.span();
    let wrong = |diags: &mut Vec<Diagnostic>| {
        diags.push(
            Diagnostic::new(
                code::WRONG_TYPE,
                format!(
                    "字段 `{prefix}{}`（{}）应当是{}",
                    field.name,
                    field.label,
                    field.kind.describe()
                ),
            )
            .at(file, span.clone())
            .label(format!("这里是{}", describe_de(value.get_ref()))),
        );
        None
    };
    let v = match (field.kind, value.get_ref()) {
        (Kind::Str | Kind::Text, DeValue::String(s)) => {
            let t = Text::new(
                s.to_string(),
                span.clone(),
                content_offset(&file.text, &span, s),
            );
            refuse_invisible(file, &t, diags);
            Value::Str(t)
        }
        (Kind::Int, DeValue::Integer(i)) => {
            let raw = i.as_str().replace('_', "");
            // Only the radix prefix goes: `0x0b1` is 177, not 1.
            let digits = match i.radix() {
                16 => raw.strip_prefix("0x"),
                8 => raw.strip_prefix("0o"),
                2 => raw.strip_prefix("0b"),
                _ => None,
            }
            .unwrap_or(&raw);
            match i64::from_str_radix(digits.trim_start_matches('+'), i.radix()) {
                Ok(n) => Value::Int(n),
                Err(_) => {
                    diags.push(
                        Diagnostic::new(code::BAD_VALUE, format!("数字 {} 超出范围", i.as_str()))
                            .at(file, span.clone())
                            .hint("请填写实际的人数或个数"),
                    );
                    return None;
                }
            }
        }
        (Kind::Date, DeValue::Datetime(dt)) => match (dt.date, dt.time) {
            (Some(d), None) => Value::Date(d),
            _ => return wrong(diags),
        },
        (Kind::Bool, DeValue::Boolean(b)) => Value::Bool(*b),
        (Kind::StrList, DeValue::Array(items)) => {
            let mut out = Vec::new();
            for it in items.iter() {
                match it.get_ref() {
                    DeValue::String(s) => {
                        let t = Text::new(
                            s.to_string(),
                            it.span(),
                            content_offset(&file.text, &it.span(), s),
                        );
                        refuse_invisible(file, &t, diags);
                        out.push(Node {
                            span: it.span(),
                            value: Value::Str(t),
                        })
                    }
                    _ => return wrong(diags),
                }
            }
            Value::List(out)
        }
        (Kind::Records(sub), DeValue::Array(items)) => {
            let mut out = Vec::new();
            for (i, it) in items.iter().enumerate() {
                match it.get_ref() {
                    DeValue::Table(t) => {
                        let p = format!("{prefix}{}[{}].", field.name, i + 1);
                        let checked = check_table(file, t, it.span(), sub, &p, diags);
                        out.push(Node {
                            span: it.span(),
                            value: Value::Table(checked),
                        });
                    }
                    _ => return wrong(diags),
                }
            }
            Value::List(out)
        }
        (Kind::Table(sub), DeValue::Table(t)) => {
            let p = format!("{prefix}{}.", field.name);
            Value::Table(check_table(file, t, span.clone(), sub, &p, diags))
        }
        _ => return wrong(diags),
    };
    Some(Node { span, value: v })
}

/// Characters XML 1.0 forbids (control characters, U+FFFE/U+FFFF) would
/// make a .docx that Word refuses to open: refuse them here, where the
/// user can be shown where they are.
fn refuse_invisible(file: &Arc<SourceFile>, t: &Text, diags: &mut Vec<Diagnostic>) {
    if let Some((i, c)) = t.value.char_indices().find(|(_, c)| {
        (c.is_control() && !matches!(c, '\n' | '\t' | '\r')) || matches!(c, '\u{FFFE}' | '\u{FFFF}')
    }) {
        diags.push(
            Diagnostic::new(
                code::CONTROL_CHAR,
                format!("文字中有看不见的控制字符 U+{:04X}", c as u32),
            )
            .at(file, t.source_range(i..i + c.len_utf8()))
            .label("这里")
            .hint(
                "这类字符常来自从网页或其他软件复制的文字；请删除它（可以把这段文字重新输入一遍）",
            ),
        );
    }
}

fn describe_de(v: &DeValue) -> &'static str {
    match v {
        DeValue::String(_) => "字符串",
        DeValue::Integer(_) => "整数",
        DeValue::Float(_) => "小数",
        DeValue::Boolean(_) => "布尔值",
        DeValue::Datetime(_) => "日期时间",
        DeValue::Array(_) => "数组",
        DeValue::Table(_) => "表",
    }
}

/// The closest known key, by spelling or by its Chinese name.
fn suggest(name: &str, fields: &[Field]) -> Option<&'static str> {
    if let Some(f) = fields.iter().find(|f| {
        f.label == name
            || f.label.contains(name) && !name.is_empty() && name.chars().all(|c| !c.is_ascii())
    }) {
        return Some(f.name);
    }
    let lower = name.to_ascii_lowercase();
    fields
        .iter()
        .map(|f| (strsim::damerau_levenshtein(&lower, f.name), f.name))
        .filter(|(d, n)| *d <= 2.max(n.len() / 3) && *d < n.len())
        .min_by_key(|(d, _)| *d)
        .map(|(_, n)| n)
}

/// Where the decoded string starts in the source, when the raw text maps one
/// to one onto it (no escapes): then spans inside the string are exact.
fn content_offset(src: &str, span: &Range<usize>, decoded: &str) -> Option<usize> {
    let raw = src.get(span.clone())?;
    let (open, close) = ["\"\"\"", "'''", "\"", "'"]
        .iter()
        .find(|q| raw.starts_with(**q) && raw.ends_with(**q) && raw.len() >= 2 * q.len())
        .map(|q| (q.len(), q.len()))?;
    let mut start = span.start + open;
    let mut inner = &raw[open..raw.len() - close];
    if open == 3 {
        if let Some(rest) = inner.strip_prefix("\r\n") {
            inner = rest;
            start += 2;
        } else if let Some(rest) = inner.strip_prefix('\n') {
            inner = rest;
            start += 1;
        }
    }
    (inner == decoded).then_some(start)
}

fn num(t: &Table, key: &str) -> Option<crate::model::Num> {
    let n = t.entries.get(key)?;
    match n.value {
        Value::Int(v) => Some(crate::model::Num {
            value: v,
            span: n.span.clone(),
        }),
        _ => None,
    }
}

fn date(t: &Table, key: &str) -> Option<crate::model::Date> {
    match &t.entries.get(key)?.value {
        Value::Date(d) => Some(crate::model::Date {
            year: d.year,
            month: d.month,
            day: d.day,
        }),
        _ => None,
    }
}

pub(crate) fn texts(t: &Table, key: &str) -> Vec<Text> {
    match t.entries.get(key).map(|n| &n.value) {
        Some(Value::List(items)) => items
            .iter()
            .filter_map(|n| match &n.value {
                Value::Str(s) => Some(s.clone()),
                _ => None,
            })
            .collect(),
        _ => vec![],
    }
}

fn media_item(
    file: &Arc<SourceFile>,
    t: &Table,
    diags: &mut Vec<Diagnostic>,
) -> Option<crate::model::MediaItem> {
    let level_text = t.text("level")?;
    let level = match crate::model::Level::from_name(&level_text.value) {
        Some(l) => l,
        None => {
            diags.push(
                Diagnostic::new(
                    code::BAD_VALUE,
                    format!("媒体级别 \"{}\" 无法识别", level_text.value),
                )
                .at(file, level_text.span.clone())
                .hint(format!("level 可以是：{}", schema::LEVELS.join("、"))),
            );
            return None;
        }
    };
    Some(crate::model::MediaItem {
        outlet: t.text("outlet")?.clone(),
        title: t.text("title")?.clone(),
        level,
        level_span: level_text.span.clone(),
        published: date(t, "published")?,
        url: t
            .text("url")
            .cloned()
            .filter(|u| !u.value.trim().is_empty()),
    })
}

/// A checked document table, with the schema that names its fields.
struct Fields<'a> {
    file: &'a Arc<SourceFile>,
    t: &'a Table,
    schema: &'static [Field],
}

impl Fields<'_> {
    fn label(&self, key: &str) -> &'static str {
        self.schema
            .iter()
            .find(|f| f.name == key)
            .map(|f| f.label)
            .unwrap_or("")
    }

    /// A field that must hold text: present (the schema saw to that) and
    /// not blank. A blank one is an error, yet the document is still
    /// built, so every other problem is found too and `--force` can still
    /// write it.
    fn required(&self, key: &str, diags: &mut Vec<Diagnostic>) -> Option<Text> {
        let v = self.t.text(key)?.clone();
        if v.value.trim().is_empty() {
            let label = self.label(key);
            diags.push(
                Diagnostic::new(code::EMPTY_TEXT, format!("{label}（{key}）不能为空"))
                    .at(self.file, v.span.clone())
                    .hint(match key {
                        // The layout puts a placeholder there (ir::*_PLACEHOLDER).
                        "title" => {
                            format!("请填写{label}；用 --force 照样生成时，此处排为“〔标题〕”")
                        }
                        "unit" => {
                            format!("请填写{label}；用 --force 照样生成时，此处排为“〔报送单位〕”")
                        }
                        _ => format!("请填写{label}"),
                    }),
            );
        }
        Some(v)
    }

    fn optional(&self, key: &str) -> Option<Text> {
        self.t
            .text(key)
            .cloned()
            .filter(|v| !v.value.trim().is_empty())
    }
}

/// Text with no place in the source: a derived title, a list's body.
fn unwritten() -> Text {
    Text::new(String::new(), 0..0, None)
}

/// The model from a checked table: the type's parts, the category, the
/// pictures and videos. Every problem goes to `diags`; `None` only when a
/// part could not be built at all.
fn build_document(
    file: &Arc<SourceFile>,
    doc_type: DocType,
    t: &Table,
    diags: &mut Vec<Diagnostic>,
) -> Option<Document> {
    let dir = crate::files::dir_of(&file.path);
    let fields = Fields {
        file,
        t,
        schema: schema::fields_of(doc_type.key()).unwrap_or(schema::CASE),
    };
    let (title, unit, body, extra) = main_parts(&fields, doc_type, diags);
    let category = category(file, t, diags);
    // Media reports call their evidence pictures `images`.
    let photos = media_refs(
        file,
        &dir,
        t,
        if doc_type == DocType::Media {
            "images"
        } else {
            "photos"
        },
        diags,
    );
    let videos = media_refs(file, &dir, t, "videos", diags);
    Some(Document {
        file: file.clone(),
        dir,
        doc_type,
        category,
        title: title?,
        unit: unit?,
        region: fields.optional("region"),
        body: body?,
        photos,
        videos,
        extra: extra?,
        submitter: if doc_type == DocType::Media {
            fields.optional("unit")
        } else {
            None
        },
    })
}

/// Title, unit, body and the type's own part, each as the type has it: a
/// media report's outlet stands as its unit, a summary or a list may go
/// without a title, a list has no body.
fn main_parts(
    fields: &Fields,
    doc_type: DocType,
    diags: &mut Vec<Diagnostic>,
) -> (Option<Text>, Option<Text>, Option<Text>, Option<Extra>) {
    let (file, t) = (fields.file, fields.t);
    match doc_type {
        DocType::Case | DocType::Plan => (
            fields.required("title", diags),
            fields.required("unit", diags),
            fields.required("body", diags),
            Some(Extra::None),
        ),
        DocType::Media => {
            let title = fields.required("title", diags);
            let outlet = fields.required("outlet", diags);
            let body = fields.required("body", diags);
            let item = media_item(file, t, diags);
            (title, outlet, body, item.map(Extra::Media))
        }
        DocType::Summary => {
            let unit = fields.required("unit", diags);
            let body = fields.required("body", diags);
            let stats = summary_stats(file, t, diags);
            (
                Some(fields.optional("title").unwrap_or_else(unwritten)),
                unit,
                body,
                stats.map(Extra::Summary),
            )
        }
        DocType::Highlights => {
            let unit = fields.required("unit", diags);
            let rows = highlight_rows(file, t, diags);
            (
                Some(fields.optional("title").unwrap_or_else(unwritten)),
                unit,
                Some(unwritten()),
                Some(Extra::Highlights(rows)),
            )
        }
    }
}

/// A summary's `[stats]`; its media reports are checked even when a
/// figure is missing.
fn summary_stats(file: &Arc<SourceFile>, t: &Table, diags: &mut Vec<Diagnostic>) -> Option<Stats> {
    let Some(Value::Table(st)) = t.entries.get("stats").map(|n| &n.value) else {
        return None;
    };
    let media = st
        .records("media")
        .into_iter()
        .filter_map(|m| media_item(file, m, diags))
        .collect();
    Some(Stats {
        span: st.span.clone(),
        schools: num(st, "schools")?,
        enterprises: num(st, "enterprises")?,
        teachers: num(st, "teachers")?,
        students: num(st, "students")?,
        students_enrolled: num(st, "students_enrolled")?,
        participants: num(st, "participants")?,
        activity_forms: texts(st, "activity_forms"),
        experience_projects: num(st, "experience_projects")?,
        media,
    })
}

/// A list's `[[rows]]`; an empty list is an error.
fn highlight_rows(
    file: &Arc<SourceFile>,
    t: &Table,
    diags: &mut Vec<Diagnostic>,
) -> Vec<HighlightRow> {
    let rows: Vec<HighlightRow> = t
        .records("rows")
        .into_iter()
        .filter_map(|r| {
            Some(HighlightRow {
                span: r.span.clone(),
                name: r.text("name")?.clone(),
                date: r.text("date")?.clone(),
                place: r.text("place")?.clone(),
                form: r.text("form")?.clone(),
                summary: r.text("summary")?.clone(),
                contact: r.text("contact")?.clone(),
            })
        })
        .collect();
    if rows.is_empty() {
        diags.push(
            Diagnostic::new(code::MISSING_KEY, "一览表中至少要有一项活动")
                .at(file, 0..0)
                .hint("每项活动写一段 [[rows]]，包括 name、date、place、form、summary、contact"),
        );
    }
    rows
}

/// The category, if given, from the notice's list; another is an error.
fn category(file: &Arc<SourceFile>, t: &Table, diags: &mut Vec<Diagnostic>) -> Option<Category> {
    let c = t.text("category").filter(|c| !c.value.trim().is_empty())?;
    let cat = Category::from_name(c.value.trim());
    if cat.is_none() {
        diags.push(
            Diagnostic::new(
                code::BAD_VALUE,
                format!("材料类别 \"{}\" 不在通知规定的范围内", c.value),
            )
            .at(file, c.span.clone())
            .hint(format!(
                "category 可以是：{}",
                schema::CATEGORIES.join("、")
            )),
        );
    }
    cat
}

/// The pictures or videos under `key`, each resolved inside the
/// document's folder; one that would leave it is an error and dropped.
fn media_refs(
    file: &Arc<SourceFile>,
    dir: &Path,
    t: &Table,
    key: &str,
    diags: &mut Vec<Diagnostic>,
) -> Vec<MediaRef> {
    t.records(key)
        .into_iter()
        .filter_map(|rec| {
            let path = rec.text("path")?.clone();
            let resolved = match resolve_inside(dir, &path.value) {
                Ok(p) => p,
                // A missing file is the photo checks' to report.
                Err(PathError::Missing) => dir.join(path.value.trim().replace('\\', "/")),
                Err(e) => {
                    diags.push(e.diagnostic().at(file, path.span.clone()));
                    return None;
                }
            };
            Some(MediaRef {
                path,
                resolved,
                caption: rec
                    .text("caption")
                    .cloned()
                    .filter(|c| !c.value.trim().is_empty()),
                span: rec.span.clone(),
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn load(text: &str) -> Loaded {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("case.toml");
        std::fs::write(&path, text).unwrap();
        let l = load_file(&path);
        drop(dir);
        l
    }

    fn only_error(l: &Loaded) -> &Diagnostic {
        let errs: Vec<_> = l.diagnostics.iter().filter(|d| d.is_error()).collect();
        assert_eq!(errs.len(), 1, "{:#?}", l.diagnostics);
        errs[0]
    }

    const OK: &str =
        "title = \"匠心筑梦\"\nunit = \"某校\"\nbody = \"\"\"\n第一段。\n\n第二段。\n\"\"\"\n";

    #[test]
    fn loads_minimal_case() {
        let l = load(OK);
        let d = l.document.expect("document");
        assert_eq!(d.title.value, "匠心筑梦");
        assert_eq!(d.doc_type, DocType::Case);
        // Body content maps exactly onto the source.
        let src = &d.file.text;
        let r = d.body.source_range(0..3);
        assert_eq!(&src[r], "第");
    }

    #[test]
    fn unknown_key_suggests_nearest() {
        let l = load(&OK.replace("title", "titel"));
        let errs: Vec<_> = l
            .diagnostics
            .iter()
            .filter(|d| d.code == code::UNKNOWN_KEY)
            .collect();
        assert_eq!(errs.len(), 1);
        assert_eq!(errs[0].line_col(), Some((1, 1)));
        assert_eq!(errs[0].hint.as_deref(), Some("是否想写 `title`？"));
        assert!(l.diagnostics.iter().any(|d| d.code == code::MISSING_KEY));
    }

    #[test]
    fn chinese_key_suggests_field() {
        let l = load(&OK.replace("unit", "\"报送单位\""));
        let d = l
            .diagnostics
            .iter()
            .find(|d| d.code == code::UNKNOWN_KEY)
            .unwrap();
        assert_eq!(d.hint.as_deref(), Some("是否想写 `unit`？"));
    }

    #[test]
    fn syntax_error_has_position() {
        let l = load("title = \"未闭合\nunit = \"x\"\n");
        let d = only_error(&l);
        assert_eq!(d.code, code::TOML_SYNTAX);
        assert_eq!(d.line_col().unwrap().0, 1);
    }

    #[test]
    fn wrong_type_is_named() {
        let l = load(&OK.replace("unit = \"某校\"", "unit = 3"));
        let d = only_error(&l);
        assert_eq!(d.code, code::WRONG_TYPE);
        assert_eq!(d.line_col(), Some((2, 8)));
        assert!(d.message.contains("字符串"));
    }

    #[test]
    fn empty_title_is_an_error() {
        let l = load(&OK.replace("匠心筑梦", "  "));
        assert_eq!(only_error(&l).code, code::EMPTY_TEXT);
    }

    #[test]
    fn bad_category_lists_allowed() {
        let l = load(&format!("category = \"优秀案例\"\n{OK}"));
        let d = only_error(&l);
        assert_eq!(d.code, code::BAD_VALUE);
        assert!(d.hint.as_ref().unwrap().contains("典型职教故事"));
    }

    #[test]
    fn photo_path_may_not_leave_folder() {
        let l = load(&format!(
            "{OK}[[photos]]\npath = \"../secret.jpg\"\ncaption = \"x\"\n"
        ));
        let d = only_error(&l);
        assert_eq!(d.code, code::PATH_ESCAPES);
        assert_eq!(d.line_col().unwrap().0, 9);
    }

    #[test]
    fn unknown_key_in_photo_is_prefixed() {
        let l = load(&format!(
            "{OK}[[photos]]\npath = \"a.jpg\"\ncaptoin = \"x\"\n"
        ));
        let d = l
            .diagnostics
            .iter()
            .find(|d| d.code == code::UNKNOWN_KEY)
            .unwrap();
        assert!(d.message.contains("photos[1].captoin"), "{}", d.message);
        assert_eq!(d.hint.as_deref(), Some("是否想写 `caption`？"));
    }

    #[test]
    fn control_characters_are_refused_where_they_are() {
        let l = load(&OK.replace("匠心筑梦", "匠心\\u0001筑梦"));
        let d = only_error(&l);
        assert_eq!(d.code, code::CONTROL_CHAR);
        assert!(d.message.contains("U+0001"));
        // Raw control characters are already a TOML error, with the position.
        let l = load(&OK.replace("第一段。", "第一\u{b}段。"));
        let d = only_error(&l);
        assert_eq!(d.code, code::TOML_SYNTAX);
        assert_eq!(d.line_col().unwrap().0, 4);
    }

    #[test]
    fn hex_integers_keep_their_digits() {
        let src = "schools = 0x0b1";
        let t = DeTable::parse(src).unwrap();
        let f = Field {
            name: "schools",
            kind: Kind::Int,
            required: true,
            label: "x",
        };
        let file = Arc::new(SourceFile::new("a", src));
        let mut d = vec![];
        let n = check_value(&file, t.get_ref().get("schools").unwrap(), &f, "", &mut d).unwrap();
        assert!(matches!(n.value, Value::Int(177)));
    }

    #[test]
    fn content_offset_only_without_escapes() {
        let src = "a = \"x\\ty\"";
        assert_eq!(content_offset(src, &(4..10), "x\ty"), None);
        let src = "a = 'xy'";
        assert_eq!(content_offset(src, &(4..8), "xy"), Some(5));
    }
}
