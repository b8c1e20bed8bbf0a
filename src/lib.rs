//! baosong (报送): typesets and checks the documents a Chinese education
//! office asks schools to submit.
//!
//! One pipeline: files → `input` (TOML) or `import` (Word) → `model` →
//! `check` → `ir` (one intermediate document) → `render` (Typst PDF, docx,
//! xlsx). `submission` strings the steps together for the commands and the
//! server, which are thin layers over it.
//!
//! Layers, lowest first. A module imports only from its own layer or the
//! layers below (`tests::layers_hold` checks this):
//!
//! 0. `diag`, `rules` — diagnostics and their catalogue; the rules table
//!    (they import nothing else of ours but each other).
//! 1. `text`, `files`, `names`, `output`, `config`, `model`, `testkit` —
//!    leaf helpers, the rules file, the validated model.
//! 2. `photo`, `video`, `fonts`, `input`, `import` — reading media, fonts,
//!    TOML and Word files.
//! 3. `ir` — the intermediate document.
//! 4. `check`, `coverage` — the notice's rules; glyph coverage.
//! 5. `render` — PDF, Word and spreadsheet output.
//! 6. `submission`, `board`, `compile` — the pipeline: find, load, check,
//!    make; who has sent what; the bound volume.
//! 7. `cli`, `commands`, `server` — the command line and the web server.

mod board;
mod check;
pub mod cli;
mod commands;
mod compile;
mod config;
mod coverage;
pub mod diag;
mod files;
mod fonts;
pub mod import;
pub mod input;
pub mod ir;
pub mod model;
mod names;
mod output;
pub mod photo;
mod render;
pub mod rules;
mod server;
mod submission;
pub mod testkit;
pub mod text;
pub mod video;

pub use commands::{exit, run};

/// 字数 of a document's body as the length rule counts it.
pub fn body_word_count(doc: &input::Loaded) -> Option<usize> {
    doc.document.as_ref().map(check::body_word_count)
}

#[cfg(test)]
mod tests {
    /// Each module's layer, as the crate doc lists them.
    const LAYERS: &[(&str, u8)] = &[
        ("diag", 0),
        ("rules", 0),
        ("text", 1),
        ("files", 1),
        ("names", 1),
        ("output", 1),
        ("config", 1),
        ("model", 1),
        ("testkit", 1),
        ("photo", 2),
        ("video", 2),
        ("fonts", 2),
        ("input", 2),
        ("import", 2),
        ("ir", 3),
        ("check", 4),
        ("coverage", 4),
        ("render", 5),
        ("submission", 6),
        ("board", 6),
        ("compile", 6),
        ("cli", 7),
        ("commands", 7),
        ("server", 7),
    ];

    fn layer(module: &str) -> Option<u8> {
        LAYERS.iter().find(|(m, _)| *m == module).map(|(_, l)| *l)
    }

    /// The modules a path after `crate::` names: one (`crate::ir::Ir`), or
    /// each of a group's (`crate::{ir, check::Context}`).
    fn first_segments(after: &str) -> Vec<String> {
        let ident = |s: &str| -> String {
            s.trim_start()
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                .collect()
        };
        let Some(group) = after.strip_prefix('{') else {
            return vec![ident(after)];
        };
        let (mut depth, mut items, mut start) = (0, vec![], 0);
        for (i, c) in group.char_indices() {
            match c {
                '{' => depth += 1,
                '}' if depth == 0 => {
                    items.push(ident(&group[start..i]));
                    break;
                }
                '}' => depth -= 1,
                ',' if depth == 0 => {
                    items.push(ident(&group[start..i]));
                    start = i + 1;
                }
                _ => {}
            }
        }
        items.retain(|n| !n.is_empty());
        items
    }

    #[test]
    fn grouped_imports_are_seen() {
        assert_eq!(first_segments("ir::Ir;"), ["ir"]);
        assert_eq!(
            first_segments("{ir::{self, Ir}, check::Context,\n server};"),
            ["ir", "check", "server"]
        );
    }

    /// No module imports from a module above it; `diag` and `rules` import
    /// nothing else of ours.
    #[test]
    fn layers_hold() {
        let src = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
        let mut files = vec![];
        let mut stack = vec![src.clone()];
        while let Some(d) = stack.pop() {
            for e in std::fs::read_dir(d).unwrap().flatten() {
                let p = e.path();
                if p.is_dir() {
                    stack.push(p);
                } else if p.extension().is_some_and(|x| x == "rs") {
                    files.push(p);
                }
            }
        }
        let mut bad = vec![];
        for f in files {
            let rel = f
                .strip_prefix(&src)
                .unwrap()
                .to_string_lossy()
                .replace('\\', "/");
            let own = rel.split(['/', '.']).next().unwrap().to_string();
            let Some(own_layer) = layer(&own) else {
                continue; // lib.rs, main.rs
            };
            let text = std::fs::read_to_string(&f).unwrap();
            // Test modules may reach anywhere.
            let code = text.split("#[cfg(test)]").next().unwrap();
            for (i, _) in code.match_indices("crate::") {
                for name in first_segments(&code[i + 7..]) {
                    let Some(l) = layer(&name) else { continue };
                    if name != own && (l > own_layer || (own_layer == 0 && l != 0)) {
                        bad.push(format!("{rel} imports crate::{name}"));
                    }
                }
            }
        }
        assert!(
            bad.is_empty(),
            "imports against the layer order:\n{}",
            bad.join("\n")
        );
    }
}
