//! The tables some documents carry: a summary's figures, its media list,
//! the highlights table. Built here once for both renderers (and .xlsx).

use super::{Block, Column, Table};
use crate::model::{Document, Extra, Stats};

fn col(header: &str, width: f64, center: bool) -> Column {
    Column {
        header: header.into(),
        width,
        center,
    }
}

pub fn for_document(doc: &Document, rules: &crate::rules::Rules) -> Vec<Block> {
    match &doc.extra {
        Extra::Summary(s) => summary(s),
        Extra::Highlights(rows) => vec![Block::Table(Table {
            title: None,
            breakable_rows: rows
                .iter()
                .any(|r| r.summary.value.chars().count() > rules.text.cell_max_chars as usize),
            columns: highlight_columns(),
            rows: rows
                .iter()
                .enumerate()
                .map(|(i, r)| {
                    vec![
                        (i + 1).to_string(),
                        doc.unit.value.trim().to_string(),
                        r.name.value.trim().into(),
                        r.date.value.trim().into(),
                        r.place.value.trim().into(),
                        r.form.value.trim().into(),
                        r.summary.value.trim().into(),
                        r.contact.value.trim().into(),
                    ]
                })
                .collect(),
        })],
        _ => vec![],
    }
}

/// A table written in the body (`| a | b |` lines): the first row is the
/// header. Short columns (sex, age) get the room their longest cell needs,
/// so they never wrap; the rest is shared by how much text each holds.
pub fn from_rows(rows: Vec<Vec<String>>, rules: &crate::rules::Rules) -> Table {
    let n = rows.iter().map(Vec::len).max().unwrap_or(1).max(1);
    let mut rows: Vec<Vec<String>> = rows
        .into_iter()
        .map(|mut r| {
            r.resize(n, String::new());
            r
        })
        .collect();
    let header = if rows.is_empty() {
        vec![String::new(); n]
    } else {
        rows.remove(0)
    };
    // Widths in em of the table text: Latin and digits are about half.
    let em = |s: &str| -> f64 {
        s.chars()
            .map(|c| if c.is_ascii() { 0.55 } else { 1.0 })
            .sum()
    };
    let natural: Vec<f64> = (0..n)
        .map(|c| {
            std::iter::once(&header)
                .chain(rows.iter())
                .map(|r| em(&r[c]))
                .fold(1.0, f64::max)
        })
        .collect();
    let size = rules.roles.table.size_pt;
    // Cell padding takes about half an em a column.
    let avail = rules.page.text_width_mm() * crate::rules::PT_PER_MM / size - 0.6 * n as f64;
    // Latin words and long numbers (an ID number) cannot wrap: their
    // column is at least as wide as the longest of them.
    let unbreakable = |s: &str| -> f64 {
        s.split(|c: char| !c.is_ascii() || c.is_whitespace())
            .map(|run| run.len() as f64 * 0.55)
            .fold(0.0, f64::max)
    };
    let floor: Vec<f64> = (0..n)
        .map(|c| {
            let run = std::iter::once(&header)
                .chain(rows.iter())
                .map(|r| unbreakable(&r[c]))
                .fold(0.0, f64::max);
            natural[c].min(4.0).max(run)
        })
        .collect();
    let floor_sum: f64 = floor.iter().sum();
    let rest: f64 = natural.iter().zip(&floor).map(|(w, f)| w - f).sum();
    let widths: Vec<f64> = if floor_sum >= avail || rest <= 0.0 {
        floor.clone()
    } else {
        let extra = avail - floor_sum;
        natural
            .iter()
            .zip(&floor)
            .map(|(w, f)| f + extra.min(rest) * (w - f) / rest)
            .collect()
    };
    let columns = (0..n)
        .map(|c| Column {
            header: header[c].clone(),
            // The cell padding is part of the column.
            width: ((widths[c] + 0.6) * 100.0).round() / 100.0,
            center: natural[c] <= 4.0,
        })
        .collect();
    let limit = rules.text.cell_max_chars as usize;
    Table {
        title: None,
        breakable_rows: rows.iter().flatten().any(|c| c.chars().count() > limit),
        columns,
        rows,
    }
}

/// The columns the office's highlights table has (附件).
pub fn highlight_columns() -> Vec<Column> {
    vec![
        col("序号", 0.5, true),
        col("单位", 1.5, false),
        col("活动名称", 1.5, false),
        col("时间", 1.4, true),
        col("地点", 1.4, false),
        col("形式", 1.1, false),
        col("内容简介", 3.6, false),
        col("联系人及电话", 1.8, false),
    ]
}

/// Percentage with one decimal, as the office reports it.
pub fn percent(ratio: f64) -> String {
    format!("{:.1}%", ratio * 100.0)
}

fn summary(s: &Stats) -> Vec<Block> {
    let coverage = match s.coverage() {
        Some(c) => format!(
            "{}（{} / {}）",
            percent(c),
            s.students.value,
            s.students_enrolled.value
        ),
        None => "—".into(),
    };
    let high: Vec<_> = s
        .media
        .iter()
        .filter(|m| m.level.provincial_or_higher())
        .collect();
    let forms: Vec<String> = s
        .activity_forms
        .iter()
        .map(|f| f.value.trim().to_string())
        .collect();
    let rows = vec![
        ("参加活动的职业院校数", format!("{} 所", s.schools.value)),
        ("参加活动的企业数", format!("{} 家", s.enterprises.value)),
        ("参加活动的教师数", format!("{} 人", s.teachers.value)),
        ("参加活动的学生数", format!("{} 人", s.students.value)),
        ("学生参与覆盖率", coverage),
        ("参与总人数", format!("{} 人次", s.participants.value)),
        ("主要活动形式", forms.join("、")),
        (
            "观摩体验活动项目数",
            format!("{} 个", s.experience_projects.value),
        ),
        ("省级及以上媒体报道", format!("{} 篇", high.len())),
    ];
    let mut out = vec![Block::Table(Table {
        title: Some("活动周统计数据".into()),
        breakable_rows: false,
        columns: vec![col("项目", 1.0, false), col("数据", 1.4, false)],
        rows: rows
            .into_iter()
            .map(|(k, v)| vec![k.to_string(), v])
            .collect(),
    })];
    if !high.is_empty() {
        out.push(Block::Table(Table {
            title: Some("省级及以上媒体报道情况".into()),
            breakable_rows: false,
            columns: vec![
                col("序号", 0.5, true),
                col("媒体", 1.3, false),
                col("报道标题", 3.0, false),
                col("级别", 0.7, true),
                col("日期", 1.3, true),
            ],
            rows: high
                .iter()
                .enumerate()
                .map(|(i, m)| {
                    vec![
                        (i + 1).to_string(),
                        m.outlet.value.trim().to_string(),
                        m.title.value.trim().to_string(),
                        m.level.name().to_string(),
                        m.published.chinese(),
                    ]
                })
                .collect(),
        }));
    }
    out
}
