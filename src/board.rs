//! Who has sent what: the table of `baosong status` and of the office's
//! status board in the portal — one row per unit, its materials by type,
//! what is missing or late against the rules table's deadlines, and its
//! errors and warnings.

use std::collections::BTreeMap;

use crate::check::deadline;
use crate::input::collection::RosterUnit;
use crate::ir::{Block, Column, Ir, Table};
use crate::model::{DocType, Document, Extra, Stats};
use crate::rules::calendar::Day;
use crate::rules::Rules;

/// What one unit has submitted.
#[derive(Debug, Default, Clone)]
pub struct UnitStatus {
    pub region: Option<String>,
    pub plan: usize,
    pub highlights: usize,
    pub cases: usize,
    pub media: usize,
    pub summary: usize,
    pub errors: usize,
    pub warnings: usize,
    /// Types handed in after their deadline.
    pub late: Vec<DocType>,
    /// In the roster; units found but not listed are shown too.
    pub listed: bool,
}

impl UnitStatus {
    pub fn count(&self, t: DocType) -> usize {
        match t {
            DocType::Plan => self.plan,
            DocType::Highlights => self.highlights,
            DocType::Case => self.cases,
            DocType::Media => self.media,
            DocType::Summary => self.summary,
        }
    }

    pub fn sent(&self) -> usize {
        self.plan + self.highlights + self.cases + self.media + self.summary
    }
}

/// The documents every unit owes by a deadline.
pub const OWED: [DocType; 3] = [DocType::Plan, DocType::Highlights, DocType::Summary];

pub fn type_label(t: DocType) -> &'static str {
    match t {
        DocType::Case => "案例",
        DocType::Plan => "工作方案",
        DocType::Media => "媒体报道",
        DocType::Summary => "总结",
        DocType::Highlights => "一览表",
    }
}

#[derive(Debug, Default)]
pub struct Board {
    /// Roster order, then units found in submissions.
    pub order: Vec<String>,
    pub units: BTreeMap<String, UnitStatus>,
}

impl Board {
    pub fn new(roster: &[RosterUnit]) -> Board {
        let mut b = Board::default();
        for u in roster {
            b.order.push(u.name.clone());
            b.units.insert(
                u.name.clone(),
                UnitStatus {
                    region: u.region.clone(),
                    listed: true,
                    ..Default::default()
                },
            );
        }
        b
    }

    /// The unit a document counts for: media reports name their outlet as
    /// `unit` and the sender as `submitter`.
    pub fn unit_of(d: &Document) -> Option<String> {
        match &d.extra {
            Extra::Media(_) => d.submitter.as_ref().map(|s| s.value.trim().to_string()),
            _ => Some(d.unit.value.trim().to_string()),
        }
    }

    /// Counts one document for `unit`.
    pub fn add(&mut self, unit: &str, d: &Document, errors: usize, warnings: usize, late: bool) {
        let region = d
            .region
            .as_ref()
            .map(|r| r.value.trim().to_string())
            .filter(|r| !r.is_empty());
        self.add_counts(unit, d.doc_type, region, errors, warnings, late);
    }

    /// Counts one material of type `t` for `unit`.
    pub fn add_counts(
        &mut self,
        unit: &str,
        t: DocType,
        region: Option<String>,
        errors: usize,
        warnings: usize,
        late: bool,
    ) {
        if !self.units.contains_key(unit) {
            self.order.push(unit.to_string());
        }
        let u = self.units.entry(unit.to_string()).or_default();
        if u.region.is_none() {
            u.region = region;
        }
        match t {
            DocType::Plan => u.plan += 1,
            DocType::Highlights => u.highlights += 1,
            DocType::Case => u.cases += 1,
            DocType::Media => u.media += 1,
            DocType::Summary => u.summary += 1,
        }
        if late && !u.late.contains(&t) {
            u.late.push(t);
        }
        u.errors += errors;
        u.warnings += warnings;
    }

    /// Owed documents not handed in; with whether the deadline has passed.
    pub fn missing(u: &UnitStatus, rules: &Rules, today: Day) -> Vec<(DocType, bool)> {
        OWED.iter()
            .filter(|t| u.count(**t) == 0)
            .map(|t| {
                let past = deadline::due(*t, &rules.deadlines).is_some_and(|(d, _)| today > d);
                (*t, past)
            })
            .collect()
    }

    /// "已交", "未交（…截止）" or "逾期未交" for an owed document.
    fn state(u: &UnitStatus, t: DocType, rules: &Rules, today: Day) -> String {
        let count = u.count(t);
        if count > 0 {
            let late = if u.late.contains(&t) {
                "（逾期）"
            } else {
                ""
            };
            return if count > 1 {
                format!("已交 {count} 份{late}")
            } else {
                format!("已交{late}")
            };
        }
        match deadline::due(t, &rules.deadlines) {
            Some((d, _)) if today > d => "逾期未交".into(),
            Some((d, _)) => format!("未交（{}截止）", d.chinese()),
            None => "未交".into(),
        }
    }

    /// The rows as `baosong status` prints them.
    pub fn rows(&self, rules: &Rules, today: Day) -> Vec<Vec<String>> {
        self.order
            .iter()
            .map(|name| {
                let u = &self.units[name];
                vec![
                    name.clone(),
                    u.region.clone().unwrap_or_default(),
                    Self::state(u, DocType::Plan, rules, today),
                    Self::state(u, DocType::Highlights, rules, today),
                    u.cases.to_string(),
                    u.media.to_string(),
                    Self::state(u, DocType::Summary, rules, today),
                    u.errors.to_string(),
                    u.warnings.to_string(),
                    if u.listed {
                        String::new()
                    } else {
                        "不在名单中".into()
                    },
                ]
            })
            .collect()
    }

    /// Whether a listed unit owes something or a document has errors.
    pub fn incomplete(&self) -> bool {
        self.units
            .values()
            .any(|u| (u.listed && OWED.iter().any(|t| u.count(*t) == 0)) || u.errors > 0)
    }

    /// The table as an intermediate document, for the spreadsheet.
    pub fn ir(&self, rules: &Rules, today: Day) -> Ir {
        let unit = format!("截至 {}", today.chinese());
        Ir {
            page: rules.page.landscape(),
            landscape: true,
            file_stem: None,
            title: "材料报送情况".into(),
            unit: unit.clone(),
            title_lines: vec!["材料报送情况".into()],
            unit_lines: vec![unit],
            blocks: vec![Block::Table(Table {
                title: None,
                breakable_rows: false,
                columns: HEADERS
                    .iter()
                    .map(|(h, w)| Column {
                        header: h.to_string(),
                        width: *w,
                        center: *w < 1.0,
                    })
                    .collect(),
                rows: self.rows(rules, today),
            })],
            figures: vec![],
        }
    }
}

pub const HEADERS: [(&str, f64); 10] = [
    ("单位", 2.2),
    ("县区", 1.0),
    ("工作方案", 1.4),
    ("一览表", 1.4),
    ("案例", 0.6),
    ("媒体报道", 0.7),
    ("总结", 1.4),
    ("错误", 0.6),
    ("警告", 0.6),
    ("备注", 1.0),
];

/// The rows as aligned text (display width, so Chinese lines up).
pub fn text_table(rows: &[Vec<String>]) -> String {
    let width = |s: &str| unicode_width::UnicodeWidthStr::width(s);
    let header: Vec<String> = HEADERS.iter().map(|(h, _)| h.to_string()).collect();
    let all: Vec<&Vec<String>> = std::iter::once(&header).chain(rows.iter()).collect();
    let widths: Vec<usize> = (0..HEADERS.len())
        .map(|c| all.iter().map(|r| width(&r[c])).max().unwrap_or(0))
        .collect();
    let mut out = String::new();
    for r in all {
        let cells: Vec<String> = r
            .iter()
            .zip(&widths)
            .map(|(s, w)| format!("{s}{}", " ".repeat(w - width(s))))
            .collect();
        out.push_str(cells.join("  ").trim_end());
        out.push('\n');
    }
    out
}

/// Sums for one county (or the total).
#[derive(Debug, Default, Clone)]
pub struct Sums {
    pub summaries: usize,
    pub schools: i64,
    pub enterprises: i64,
    pub teachers: i64,
    pub students: i64,
    pub enrolled: i64,
    pub participants: i64,
    pub experience_projects: i64,
    pub media: usize,
    pub forms: Vec<String>,
    /// Summaries whose figures break a rule.
    pub flagged: usize,
}

impl Sums {
    pub fn add(&mut self, s: &Stats, flagged: bool) {
        self.summaries += 1;
        self.schools += s.schools.value;
        self.enterprises += s.enterprises.value;
        self.teachers += s.teachers.value;
        self.students += s.students.value;
        self.enrolled += s.students_enrolled.value;
        self.participants += s.participants.value;
        self.experience_projects += s.experience_projects.value;
        self.media += s
            .media
            .iter()
            .filter(|m| m.level.provincial_or_higher())
            .count();
        for f in &s.activity_forms {
            let f = f.value.trim().to_string();
            if !f.is_empty() && !self.forms.contains(&f) {
                self.forms.push(f);
            }
        }
        self.flagged += flagged as usize;
    }

    /// Coverage from the sums, never an average of percentages.
    pub fn coverage(&self) -> String {
        if self.enrolled > 0 {
            crate::ir::tables_percent(self.students as f64 / self.enrolled as f64)
        } else {
            "—".into()
        }
    }

    pub fn row(&self, name: &str) -> Vec<String> {
        vec![
            name.to_string(),
            self.summaries.to_string(),
            self.schools.to_string(),
            self.enterprises.to_string(),
            self.teachers.to_string(),
            self.students.to_string(),
            self.enrolled.to_string(),
            self.coverage(),
            self.participants.to_string(),
            self.experience_projects.to_string(),
            self.media.to_string(),
            self.forms.join("、"),
            if self.flagged > 0 {
                format!("{} 份数据有误", self.flagged)
            } else {
                String::new()
            },
        ]
    }
}

/// Where a summary's figures are added up: its county, or its unit when
/// it names none.
pub fn county_of(doc: &Document) -> String {
    doc.region
        .as_ref()
        .map(|r| r.value.trim().to_string())
        .filter(|r| !r.is_empty())
        .unwrap_or_else(|| doc.unit.value.trim().to_string())
}

/// The table, one row per county and the total, on a landscape page.
pub fn sums_table(by_county: &BTreeMap<String, Sums>, total: &Sums, rules: &Rules) -> Ir {
    let mut rows: Vec<Vec<String>> = by_county.iter().map(|(k, s)| s.row(k)).collect();
    rows.push(total.row("合计"));
    let table = Table {
        title: None,
        breakable_rows: false,
        columns: vec![
            stats_col("县区", 1.3, false),
            stats_col("总结份数", 0.7, true),
            stats_col("职业院校数", 0.8, true),
            stats_col("企业数", 0.7, true),
            stats_col("教师数", 0.8, true),
            stats_col("学生数", 0.9, true),
            stats_col("在校生数", 0.9, true),
            stats_col("学生参与覆盖率", 1.0, true),
            stats_col("参与总人数", 0.9, true),
            stats_col("观摩体验项目数", 0.9, true),
            stats_col("省级及以上媒体报道", 0.9, true),
            stats_col("主要活动形式", 2.2, false),
            stats_col("备注", 0.9, false),
        ],
        rows,
    };
    let page = rules.page.landscape();
    let title = "职业教育活动周统计汇总表".to_string();
    let unit = format!("共汇总 {} 份总结", total.summaries);
    Ir {
        title_lines: vec![title.clone()],
        unit_lines: vec![unit.clone()],
        title,
        unit,
        page,
        landscape: true,
        file_stem: None,
        blocks: vec![Block::Table(table)],
        figures: vec![],
    }
}

fn stats_col(header: &str, width: f64, center: bool) -> Column {
    Column {
        header: header.into(),
        width,
        center,
    }
}
