//! baosong (报送): typesets and checks the documents a Chinese education
//! office asks schools to submit.
//!
//! TOML → `input` (validated `model`) → `ir` (one intermediate document)
//! → `render::pdf` (Typst) and `render::docx` (docx-rs). Every number and
//! face name comes from `rules`.

pub mod check;
pub mod cli;
pub mod commands;
pub mod config;
pub mod coverage;
pub mod diag;
pub mod fonts;
pub mod import;
pub mod input;
pub mod ir;
pub mod model;
pub mod names;
pub mod output;
pub mod photo;
pub mod render;
pub mod rules;
pub mod testkit;
pub mod video;

/// A plain Chinese reason for an I/O error.
pub fn io_reason(e: &std::io::Error) -> String {
    use std::io::ErrorKind::*;
    match e.kind() {
        NotFound => "文件或文件夹不存在".into(),
        PermissionDenied => "没有权限".into(),
        AlreadyExists => "文件已存在".into(),
        _ => e.to_string(),
    }
}
