//! `baosong stats`: every summary's figures added up, per county and in
//! total. The table goes through the same IR and renderers as documents.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use super::exit;
use crate::check::Context;
use crate::cli::StatsArgs;
use crate::diag::{code, Diagnostic, Reporter};
use crate::ir::{Block, Column, Ir, Table};
use crate::model::{Extra, Stats};

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

    fn row(&self, name: &str) -> Vec<String> {
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

fn col(header: &str, width: f64, center: bool) -> Column {
    Column {
        header: header.into(),
        width,
        center,
    }
}

pub fn run(args: &StatsArgs, reporter: &mut Reporter) -> u8 {
    let (files, problems) = match super::check::collect(&args.paths) {
        Ok(x) => x,
        Err(d) => {
            reporter.emit(&d);
            return exit::UNUSABLE;
        }
    };
    reporter.emit_all(&problems);
    let mut by_county: BTreeMap<String, Sums> = BTreeMap::new();
    let mut total = Sums::default();
    let mut status = exit::OK;
    let mut first_dir: Option<PathBuf> = None;
    for f in &files {
        let dir = f
            .parent()
            .filter(|p| !p.as_os_str().is_empty())
            .unwrap_or(Path::new("."))
            .to_path_buf();
        let Ok(rules) = crate::config::load_rules(args.fonts.rules.as_deref(), &dir) else {
            continue;
        };
        let loaded = crate::input::load_file(f);
        let Some(doc) = loaded.document else { continue };
        let Extra::Summary(stats) = &doc.extra else {
            continue;
        };
        let findings = crate::check::check(&doc, &rules, &Context { today: None });
        let flagged = findings.iter().any(|d| d.is_error());
        // Only the figures' problems matter here.
        reporter.emit_all(findings.iter().filter(|d| d.code.starts_with("B06")));
        if flagged {
            status = exit::VIOLATIONS;
        }
        let county = doc
            .region
            .as_ref()
            .map(|r| r.value.trim().to_string())
            .filter(|r| !r.is_empty())
            .unwrap_or_else(|| doc.unit.value.trim().to_string());
        by_county.entry(county).or_default().add(stats, flagged);
        total.add(stats, flagged);
        first_dir.get_or_insert(dir);
    }
    if total.summaries == 0 {
        reporter.emit(
            &Diagnostic::error(code::UNREADABLE, "没有找到活动周总结（type = \"summary\"）")
                .hint("请指定各县区、各校总结所在的文件夹"),
        );
        return exit::UNUSABLE;
    }
    let dir = first_dir.unwrap_or_else(|| PathBuf::from("."));
    let rules = crate::config::load_rules(args.fonts.rules.as_deref(), &dir).unwrap_or_default();
    let mut rows: Vec<Vec<String>> = by_county.iter().map(|(k, s)| s.row(k)).collect();
    rows.push(total.row("合计"));
    let table = Table {
        title: None,
        breakable_rows: false,
        columns: vec![
            col("县区", 1.3, false),
            col("总结份数", 0.7, true),
            col("职业院校数", 0.8, true),
            col("企业数", 0.7, true),
            col("教师数", 0.8, true),
            col("学生数", 0.9, true),
            col("在校生数", 0.9, true),
            col("学生参与覆盖率", 1.0, true),
            col("参与总人数", 0.9, true),
            col("观摩体验项目数", 0.9, true),
            col("省级及以上媒体报道", 0.9, true),
            col("主要活动形式", 2.2, false),
            col("备注", 0.9, false),
        ],
        rows,
    };
    let page = rules.page.landscape();
    let title = "职业教育活动周统计汇总表".to_string();
    let unit = format!("共汇总 {} 份总结", total.summaries);
    let ir = Ir {
        title_lines: vec![title.clone()],
        unit_lines: vec![unit.clone()],
        title,
        unit,
        page,
        landscape: true,
        file_stem: None,
        blocks: vec![Block::Table(table)],
        figures: vec![],
    };
    let out_dir = args.out.clone().unwrap_or_else(|| PathBuf::from("."));
    let inputs = files.clone();
    let stem = "活动周统计汇总";
    let mut write =
        |ext: &str, made: Result<Vec<u8>, Diagnostic>, reporter: &mut Reporter| match made {
            Ok(bytes) => {
                let path = out_dir.join(format!("{stem}.{ext}"));
                match crate::output::write_atomic(&path, &bytes, &inputs) {
                    Ok(()) => reporter.note(&format!("已生成 {}", path.display())),
                    Err(d) => {
                        reporter.emit(&d);
                        status = exit::UNUSABLE;
                    }
                }
            }
            Err(d) => {
                reporter.emit(&d);
                status = exit::UNUSABLE;
            }
        };
    match crate::render::xlsx::render(&ir, &rules) {
        Ok(Some(b)) => write("xlsx", Ok(b), reporter),
        Ok(None) => {}
        Err(d) => write("xlsx", Err(d), reporter),
    }
    write("docx", crate::render::docx::render(&ir, &rules), reporter);
    let fonts = crate::fonts::FontSet::load(
        &rules,
        &crate::fonts::search_for(
            &dir,
            &args.fonts.font_paths,
            std::env::var_os("BAOSONG_NO_SYSTEM_FONTS").is_none(),
        ),
    );
    write(
        "pdf",
        crate::render::pdf::render(&ir, &rules, &fonts, crate::render::pdf::TEMPLATE),
        reporter,
    );
    reporter.note(&format!(
        "合计：{} 份总结，职业院校 {} 所，学生 {} 人（覆盖率 {}），参与 {} 人次。",
        total.summaries,
        total.schools,
        total.students,
        total.coverage(),
        total.participants
    ));
    status
}
