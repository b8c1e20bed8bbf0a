//! The office's `collection.toml`, checked like any input.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use super::{read_table, schema, texts, Table, Value};
use crate::diag::{code, Diagnostic, SourceFile};
use crate::model::{Date, Text};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GroupBy {
    Category,
    Region,
    None,
}

/// The order of units (and counties) in the volume.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Order {
    /// As the roster lists them.
    Roster(Vec<RosterUnit>),
    Pinyin,
    Strokes,
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
    /// JPEG quality of the photos resampled for print.
    pub photo_quality: u8,
    pub order: Order,
}

/// Reads and checks a `collection.toml`.
pub fn load(path: &Path) -> (Option<Collection>, Vec<Diagnostic>) {
    let (read, mut diags) = read_table(path, schema::COLLECTION);
    let Some((file, t)) = read else {
        return (None, diags);
    };
    let collection = build(path, file, &t, &mut diags);
    (collection, diags)
}

/// The collection from its checked table; the first bad setting stops it.
fn build(
    path: &Path,
    file: Arc<SourceFile>,
    t: &Table,
    diags: &mut Vec<Diagnostic>,
) -> Option<Collection> {
    let text_of = |k: &str| {
        t.text(k)
            .map(|x| x.value.trim().to_string())
            .unwrap_or_default()
    };
    let group_by = group_by(&file, t, diags)?;
    let date = match t.entries.get("date").map(|n| &n.value) {
        Some(Value::Date(d)) => Date {
            year: d.year,
            month: d.month,
            day: d.day,
        },
        _ => return None,
    };
    let sources = texts(t, "sources");
    let photo_dpi = photo_dpi(&file, t, diags)?;
    let photo_quality = photo_quality(&file, t, diags)?;
    let roster = roster(path, &file, t, diags)?;
    let order = order(&file, t, roster, diags)?;
    let duplex = matches!(
        t.entries.get("duplex").map(|n| &n.value),
        Some(Value::Bool(true))
    );
    let dir = crate::files::dir_of(path);
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
        photo_quality,
        order,
    })
}

fn group_by(file: &Arc<SourceFile>, t: &Table, diags: &mut Vec<Diagnostic>) -> Option<GroupBy> {
    match t.text("group_by").map(|g| (g.value.trim(), g.span.clone())) {
        None | Some(("category", _)) => Some(GroupBy::Category),
        Some(("region", _)) => Some(GroupBy::Region),
        Some(("none", _)) => Some(GroupBy::None),
        Some((other, span)) => {
            diags.push(
                Diagnostic::new(code::BAD_VALUE, format!("分组方式 \"{other}\" 无法识别"))
                    .at(file, span)
                    .hint("group_by 可以是：category（按类别）、region（按县区）、none（不分组）"),
            );
            None
        }
    }
}

/// An optional whole number in `range`, `default` when absent.
fn bounded(
    file: &Arc<SourceFile>,
    t: &Table,
    diags: &mut Vec<Diagnostic>,
    (key, default, range): (&str, i64, std::ops::RangeInclusive<i64>),
    (message, hint): (&str, &str),
) -> Option<i64> {
    let Some(n) = t.entries.get(key) else {
        return Some(default);
    };
    match n.value {
        Value::Int(v) if range.contains(&v) => Some(v),
        _ => {
            diags.push(
                Diagnostic::new(code::BAD_VALUE, message)
                    .at(file, n.span.clone())
                    .hint(hint),
            );
            None
        }
    }
}

/// Resolution of the photos resampled for print.
fn photo_dpi(file: &Arc<SourceFile>, t: &Table, diags: &mut Vec<Diagnostic>) -> Option<u32> {
    let v = bounded(
        file,
        t,
        diags,
        ("photo_dpi", 200, 72..=600),
        (
            "照片分辨率 photo_dpi 应在 72 到 600 之间",
            "印刷常用 200 或 300",
        ),
    )?;
    Some(v as u32)
}

/// JPEG quality of the resampled photos.
fn photo_quality(file: &Arc<SourceFile>, t: &Table, diags: &mut Vec<Diagnostic>) -> Option<u8> {
    let v = bounded(
        file,
        t,
        diags,
        ("photo_quality", 80, 50..=100),
        (
            "照片压缩质量 photo_quality 应在 50 到 100 之间",
            "数字越大画质越好、文件越大；汇编默认 80",
        ),
    )?;
    Some(v as u8)
}

/// The roster named in the file, or one beside it: `Some(None)` when
/// there is none, `None` when it cannot be used.
fn roster(
    path: &Path,
    file: &Arc<SourceFile>,
    t: &Table,
    diags: &mut Vec<Diagnostic>,
) -> Option<Option<Vec<RosterUnit>>> {
    let dir_here = crate::files::dir_of(path);
    let roster_path = match t.text("roster") {
        Some(r) if !r.value.trim().is_empty() => match super::resolve_inside(&dir_here, &r.value) {
            Ok(p) => Some(p),
            Err(e) => {
                diags.push(e.diagnostic().at(file, r.span.clone()));
                return None;
            }
        },
        _ => Some(dir_here.join(crate::config::ROSTER_FILE)).filter(|p| p.is_file()),
    };
    let Some(p) = &roster_path else {
        return Some(None);
    };
    let (r, more) = load_roster(p);
    diags.extend(more);
    r.map(Some)
}

/// The order of units: as given, else the roster's if there is one, else
/// by pinyin. Ordering by roster needs one.
fn order(
    file: &Arc<SourceFile>,
    t: &Table,
    roster: Option<Vec<RosterUnit>>,
    diags: &mut Vec<Diagnostic>,
) -> Option<Order> {
    let order = match (
        t.text("order")
            .map(|o| (o.value.trim().to_string(), o.span.clone())),
        roster,
    ) {
        (None, Some(r)) => Order::Roster(r),
        (None, None) => Order::Pinyin,
        (Some((o, _)), Some(r)) if o == "roster" => Order::Roster(r),
        (Some((o, span)), None) if o == "roster" => {
            diags.push(
                Diagnostic::new(
                    code::BAD_VALUE,
                    "按名单排列（order = \"roster\"）需要单位名单",
                )
                .at(file, span)
                .hint("写 roster = \"roster.toml\"，或把 roster.toml 放在汇编说明文件旁边"),
            );
            return None;
        }
        (Some((o, _)), _) if o == "pinyin" => Order::Pinyin,
        (Some((o, _)), _) if o == "strokes" => Order::Strokes,
        (Some((o, span)), _) => {
            diags.push(
                Diagnostic::new(code::BAD_VALUE, format!("排列顺序 \"{o}\" 无法识别"))
                    .at(file, span)
                    .hint("order 可以是：roster（按名单）、pinyin（按拼音）、strokes（按笔画）"),
            );
            return None;
        }
    };
    Some(order)
}

/// One unit expected to submit.
#[derive(Debug, Clone, PartialEq, Eq)]
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
