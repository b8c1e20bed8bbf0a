//! `baosong serve`: the workbench (and with `--office`, the portal).

use std::path::PathBuf;

use crate::cli::ServeArgs;
use crate::diag::Reporter;
use crate::server::{Limits, ServeOptions};

pub fn run(args: &ServeArgs, reporter: &mut Reporter) -> u8 {
    let mb = |n: u64| n.saturating_mul(1024 * 1024);
    crate::server::run(
        ServeOptions {
            folder: args.folder.clone().unwrap_or_else(|| PathBuf::from(".")),
            office: args.office.clone(),
            bind: args.bind,
            port: args.port,
            open: args.open,
            hosts: args.hosts.clone(),
            font_paths: args.font_paths.clone(),
            limits: Limits {
                photo: mb(args.max_photo_mb),
                docx: mb(args.max_docx_mb),
                video: mb(args.max_video_mb),
            },
        },
        reporter,
    )
}
