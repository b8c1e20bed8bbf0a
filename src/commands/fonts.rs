//! `baosong fonts`: which face each role gets, and from where.

use std::path::Path;

use super::exit;
use crate::cli::FontArgs;
use crate::diag::Reporter;
use crate::fonts::{self, FontSet, Source};
use crate::rules::{size, Role};

pub fn run(args: &FontArgs, reporter: &mut Reporter) -> u8 {
    let dir = Path::new(".");
    let rules = match crate::config::load_rules(args.rules.as_deref(), dir) {
        Ok(r) => r,
        Err(d) => {
            reporter.emit(&d);
            return exit::UNUSABLE;
        }
    };
    let set = FontSet::load(&rules, &fonts::search_for(dir, &args.font_paths));
    let mut rows = vec![[
        "部分".to_string(),
        "规定字体".to_string(),
        "字号".to_string(),
        "使用的字体".to_string(),
    ]];
    for role in Role::ALL {
        let st = rules.style(role);
        let c = set.for_role(&rules, role);
        let used = match &c.source {
            Source::Installed { path, alias } => format!(
                "{}（已安装，名称“{}”，{}）",
                c.family,
                alias,
                path.display()
            ),
            Source::Bundled { file } => {
                format!("{} {}（内置近似字体 fonts/{}）", c.family, c.weight, file)
            }
        };
        rows.push([
            role.label().to_string(),
            c.mandated.clone(),
            size::name(st.size_pt),
            used,
        ]);
    }
    // Columns line up by display width: a Chinese character takes two.
    let width = |s: &str| unicode_width::UnicodeWidthStr::width(s);
    let widths: Vec<usize> = (0..3)
        .map(|c| rows.iter().map(|r| width(&r[c])).max().unwrap_or(0))
        .collect();
    for r in &rows {
        let mut line = String::new();
        for (c, w) in widths.iter().enumerate() {
            line.push_str(&r[c]);
            line.push_str(&" ".repeat(w - width(&r[c]) + 2));
        }
        line.push_str(&r[3]);
        println!("{line}");
    }
    match &set.latin {
        Some((fam, _)) => println!("\n西文和数字：{fam}"),
        None => println!(
            "\n西文和数字：未找到 Times New Roman 或同类字体，PDF 中使用中文字体自带的西文字形"
        ),
    }
    if !set.lookalikes().is_empty() {
        println!("\n提示：标有“内置近似字体”的部分在 PDF 中用近似字体代替；Word 文件中始终写明规定字体。");
    }
    exit::OK
}
