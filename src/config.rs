//! Finding and reading the rules table overrides (`baosong.toml`).

use std::path::Path;
use std::sync::Arc;

use crate::diag::{code, Diagnostic, SourceFile};
use crate::rules::Rules;

pub const RULES_FILE: &str = "baosong.toml";
/// The office's files beside the materials: never materials themselves.
pub const COLLECTION_FILE: &str = "collection.toml";
pub const ROSTER_FILE: &str = "roster.toml";

/// The rules for an input in `dir`: `explicit` if given, else a
/// `baosong.toml` in `dir`, else the built-in table.
pub fn load_rules(explicit: Option<&Path>, dir: &Path) -> Result<Rules, Diagnostic> {
    let path = match explicit {
        Some(p) => p.to_path_buf(),
        None => {
            let p = dir.join(RULES_FILE);
            if !p.is_file() {
                return Ok(Rules::default());
            }
            p
        }
    };
    let text = std::fs::read_to_string(&path).map_err(|e| {
        Diagnostic::new(
            code::BAD_RULES,
            format!(
                "无法读取规则文件 {}：{}",
                path.display(),
                crate::files::io_reason(&e)
            ),
        )
    })?;
    let file = Arc::new(SourceFile::new(path.clone(), text.clone()));
    let rules = Rules::with_overrides(&text).map_err(|e| {
        let d = Diagnostic::new(
            code::BAD_RULES,
            format!(
                "规则文件有误：{}",
                crate::diag::toml_text::chinese(e.message())
            ),
        )
        .hint("规则文件只需写要改的项，其余沿用内置规则；字段名见 README 的“规则表”一节");
        // Errors found after merging carry no position: point at the key named.
        let span = e.span().or_else(|| {
            let msg = e.message();
            let key = msg
                .split('`')
                .nth(1)
                .or_else(|| msg.split("key ").nth(1))
                .map(|k| k.split_whitespace().next().unwrap_or(k));
            key.and_then(|k| text.find(k).map(|i| i..i + k.len()))
        });
        match span {
            Some(s) => d.at(&file, s),
            None => d.in_file(&file),
        }
    })?;
    rules.validate().map_err(|m| {
        Diagnostic::new(code::BAD_RULES, format!("规则文件有误：{m}")).in_file(&file)
    })?;
    Ok(rules)
}
