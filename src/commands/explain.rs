//! `baosong explain CODE`: what a diagnostic means, an example, the fix —
//! from the one catalogue the checks use.

use super::exit;
use crate::cli::ExplainArgs;
use crate::diag::catalog::{self, Lint};
use crate::diag::{code, Diagnostic, Reporter};

/// The text `explain` prints for one code.
pub fn text(l: &Lint) -> String {
    let adjust = if l.group.adjustable() {
        format!(
            "可在 baosong.toml 中调整：[diagnostics] {} = \"{}\"（整类），或 {} = \"…\"（仅此项）",
            l.group.key(),
            if l.severity == crate::diag::Severity::Error {
                "warning"
            } else {
                "error"
            },
            l.code
        )
    } else {
        "这一类问题不能在 baosong.toml 中调整。".to_string()
    };
    format!(
        "{}：{}\n类别：{}（{}）　默认级别：{}\n\n{}\n\n{}\n",
        l.code,
        l.title,
        l.group.label(),
        l.group.key(),
        l.severity.label(),
        l.explain,
        adjust
    )
}

pub fn run(args: &ExplainArgs, reporter: &mut Reporter) -> u8 {
    if args.list {
        for l in catalog::ALL {
            println!("{}  {}  {}", l.code, l.severity.label(), l.title);
        }
        return exit::OK;
    }
    let asked = args.code.as_deref().unwrap_or_default();
    match catalog::lookup(asked) {
        Some(l) => {
            print!("{}", text(l));
            exit::OK
        }
        None => {
            reporter.emit(
                &Diagnostic::new(code::BAD_VALUE, format!("没有诊断代码“{asked}”"))
                    .hint("代码形如 B0203；运行 baosong explain --list 查看所有代码"),
            );
            exit::UNUSABLE
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every code named anywhere in the sources is in the catalogue, and
    /// every catalogue entry explains itself.
    #[test]
    fn every_code_used_is_explained() {
        let src = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        let mut stack = vec![src.join("src"), src.join("tests"), src.join("templates")];
        let mut missing = vec![];
        while let Some(d) = stack.pop() {
            for e in std::fs::read_dir(d).unwrap().flatten() {
                let p = e.path();
                if p.is_dir() {
                    stack.push(p);
                    continue;
                }
                let Ok(text) = std::fs::read_to_string(&p) else {
                    continue;
                };
                let b = text.as_bytes();
                for i in 0..b.len().saturating_sub(5) {
                    let word_start = i == 0 || !b[i - 1].is_ascii_alphanumeric();
                    let word_end = b.get(i + 5).is_none_or(|c| !c.is_ascii_alphanumeric());
                    if b[i] == b'B'
                        && word_start
                        && word_end
                        && b[i + 1..i + 5].iter().all(u8::is_ascii_digit)
                    {
                        let c = &text[i..i + 5];
                        if catalog::lookup(c).is_none() && c != "B9999" {
                            missing.push(format!("{}: {c}", p.display()));
                        }
                    }
                }
            }
        }
        assert!(
            missing.is_empty(),
            "codes not in the catalogue: {missing:?}"
        );
        for l in catalog::ALL {
            let t = text(l);
            assert!(t.starts_with(l.code) && t.contains(l.title), "{t}");
        }
    }
}
