//! The office's `collection.toml`, checked like any input.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use super::{read_table, schema, texts, Value};
use crate::diag::{code, Diagnostic, SourceFile};
use crate::model::{Date, Text};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GroupBy {
    Category,
    Region,
    None,
}

#[derive(Debug, Clone)]
pub struct Collection {
    pub file: Arc<SourceFile>,
    pub dir: PathBuf,
    pub title: String,
    pub issuer: String,
    pub date: Date,
    pub sources: Vec<Text>,
    pub group_by: GroupBy,
    pub duplex: bool,
    pub photo_dpi: u32,
}

pub fn load(path: &Path) -> (Option<Collection>, Vec<Diagnostic>) {
    let (read, mut diags) = read_table(path, schema::COLLECTION);
    let Some((file, t)) = read else {
        return (None, diags);
    };
    let text_of = |k: &str| {
        t.text(k)
            .map(|x| x.value.trim().to_string())
            .unwrap_or_default()
    };
    let group_by = match t.text("group_by").map(|g| (g.value.trim(), g.span.clone())) {
        None | Some(("category", _)) => GroupBy::Category,
        Some(("region", _)) => GroupBy::Region,
        Some(("none", _)) => GroupBy::None,
        Some((other, span)) => {
            diags.push(
                Diagnostic::new(code::BAD_VALUE, format!("分组方式 \"{other}\" 无法识别"))
                    .at(&file, span)
                    .hint("group_by 可以是：category（按类别）、region（按县区）、none（不分组）"),
            );
            return (None, diags);
        }
    };
    let date = match t.entries.get("date").map(|n| &n.value) {
        Some(Value::Date(d)) => Date {
            year: d.year,
            month: d.month,
            day: d.day,
        },
        _ => return (None, diags),
    };
    let sources = texts(&t, "sources");
    let photo_dpi = match t.entries.get("photo_dpi") {
        Some(n) => match n.value {
            Value::Int(v) if (72..=600).contains(&v) => v as u32,
            _ => {
                diags.push(
                    Diagnostic::new(code::BAD_VALUE, "照片分辨率 photo_dpi 应在 72 到 600 之间")
                        .at(&file, n.span.clone())
                        .hint("印刷常用 200 或 300"),
                );
                return (None, diags);
            }
        },
        None => 200,
    };
    let duplex = matches!(
        t.entries.get("duplex").map(|n| &n.value),
        Some(Value::Bool(true))
    );
    let dir = crate::files::dir_of(path);
    (
        Some(Collection {
            file,
            dir,
            title: text_of("title"),
            issuer: text_of("issuer"),
            date,
            sources,
            group_by,
            duplex,
            photo_dpi,
        }),
        diags,
    )
}

/// One unit expected to submit.
#[derive(Debug, Clone)]
pub struct RosterUnit {
    pub name: String,
    pub region: Option<String>,
}

/// Reads a `roster.toml` (`[[units]] name = "…" region = "…"`).
pub fn load_roster(path: &Path) -> (Option<Vec<RosterUnit>>, Vec<Diagnostic>) {
    let (read, diags) = read_table(path, schema::ROSTER);
    let Some((_, t)) = read else {
        return (None, diags);
    };
    let units = t
        .records("units")
        .into_iter()
        .filter_map(|u| {
            Some(RosterUnit {
                name: u.text("name")?.value.trim().to_string(),
                region: u
                    .text("region")
                    .map(|r| r.value.trim().to_string())
                    .filter(|r| !r.is_empty()),
            })
        })
        .collect();
    (Some(units), diags)
}
