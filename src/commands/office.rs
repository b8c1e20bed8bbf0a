//! `baosong office`: setting up the portal's data folder, new access codes,
//! and backups.

use std::path::Path;

use super::exit;
use crate::cli::{OfficeArgs, OfficeBackupArgs, OfficeCodesArgs, OfficeCommand, OfficeInitArgs};
use crate::diag::{code, Diagnostic, Reporter};
use crate::files::io_reason;
use crate::server::portal::auth::{hash_code, new_code};
use crate::server::portal::store::{Store, DB_FILE};

/// The office's own row in the code table.
const OFFICE: &str = "办公室";

pub fn run(args: &OfficeArgs, reporter: &mut Reporter) -> u8 {
    let r = match &args.command {
        OfficeCommand::Init(a) => init(a, reporter),
        OfficeCommand::Codes(a) => codes(a, reporter),
        OfficeCommand::Backup(a) => backup(a, reporter),
    };
    match r {
        Ok(()) => exit::OK,
        Err(d) => {
            reporter.emit(&d);
            exit::UNUSABLE
        }
    }
}

fn fail(msg: impl Into<String>) -> Diagnostic {
    Diagnostic::new(code::WRITE, msg)
}

const DEFAULT_COLLECTION: &str = r#"# 汇编说明：报送平台“汇编”时使用。可按当年通知修改后重启平台。
title    = "职业教育活动周典型案例汇编"
issuer   = "在这里写编印单位"
date     = 2020-11-30
sources  = ["**/*"]
group_by = "category"     # category（按类别）| region（按县区）| none
duplex   = true
photo_dpi = 200
"#;

fn init(a: &OfficeInitArgs, reporter: &mut Reporter) -> Result<(), Diagnostic> {
    if a.dir.exists()
        && std::fs::read_dir(&a.dir)
            .map(|mut d| d.next().is_some())
            .unwrap_or(true)
    {
        return Err(fail(format!(
            "{} 已存在且不是空文件夹，没有改动它",
            a.dir.display()
        ))
        .hint("请给出一个新的文件夹；重新生成某个单位的访问码请用 baosong office codes"));
    }
    let (roster, diags) = crate::input::collection::load_roster(&a.roster);
    reporter.emit_all(&diags);
    let roster = roster.ok_or_else(|| fail("名单文件有误，没有建立平台"))?;
    if roster.is_empty() {
        return Err(fail("名单中没有单位").hint("在 roster.toml 中为每个单位写一段 [[units]]"));
    }
    let collection = match &a.collection {
        Some(c) => {
            let (coll, diags) = crate::input::collection::load(c);
            reporter.emit_all(&diags);
            coll.ok_or_else(|| fail("汇编说明文件有误，没有建立平台"))?;
            std::fs::read_to_string(c).map_err(|e| fail(io_reason(&e)))?
        }
        None => DEFAULT_COLLECTION.to_string(),
    };
    std::fs::create_dir_all(&a.dir).map_err(|e| fail(io_reason(&e)))?;
    let store = Store::open(&a.dir, true).map_err(fail)?;
    let roster_text = std::fs::read_to_string(&a.roster).map_err(|e| fail(io_reason(&e)))?;
    crate::output::write_atomic(
        &a.dir.join(crate::config::ROSTER_FILE),
        roster_text.as_bytes(),
        &[],
    )?;
    crate::output::write_atomic(
        &a.dir.join(crate::config::COLLECTION_FILE),
        collection.as_bytes(),
        &[],
    )?;
    let mut rows: Vec<(String, String, String)> = Vec::new();
    {
        let mut conn = store.conn();
        let tx = conn.transaction().map_err(|e| fail(e.to_string()))?;
        let add = |id: i64,
                   name: &str,
                   region: Option<&str>,
                   role: &str|
         -> Result<String, Diagnostic> {
            let code = new_code(id);
            tx.execute(
                "INSERT INTO units(id, name, region, role, code_hash, position) VALUES (?1, ?2, ?3, ?4, ?5, ?1)",
                rusqlite::params![id, name, region, role, hash_code(&code).map_err(fail)?],
            )
            .map_err(|e| fail(format!("单位“{name}”无法登记（名单中是否重复？）：{e}")))?;
            Ok(code)
        };
        for (i, u) in roster.iter().enumerate() {
            let code = add(i as i64 + 1, &u.name, u.region.as_deref(), "school")?;
            rows.push((u.name.clone(), u.region.clone().unwrap_or_default(), code));
        }
        let code = add(roster.len() as i64 + 1, OFFICE, None, "office")?;
        rows.push((OFFICE.into(), String::new(), code));
        tx.commit().map_err(|e| fail(e.to_string()))?;
    }
    store.audit(None, "建立平台", &format!("{} 个单位", roster.len()), "-");
    let xlsx = a.dir.join("访问码.xlsx");
    write_codes(&xlsx, &rows)?;
    print_codes(&rows);
    reporter.note(&format!(
        "已建立报送平台 {}，共 {} 个单位。访问码只显示这一次，已写入 {}（用于邮件合并，分发后请删除或妥善保管）。\n启动平台：baosong serve --office {}",
        a.dir.display(),
        roster.len(),
        xlsx.display(),
        a.dir.display()
    ));
    Ok(())
}

fn print_codes(rows: &[(String, String, String)]) {
    let width = |s: &str| unicode_width::UnicodeWidthStr::width(s);
    let w0 = rows.iter().map(|r| width(&r.0)).max().unwrap_or(0).max(4);
    let w1 = rows.iter().map(|r| width(&r.1)).max().unwrap_or(0).max(4);
    let pad = |s: &str, w: usize| format!("{s}{}", " ".repeat(w.saturating_sub(width(s))));
    println!("{}  {}  访问码", pad("单位", w0), pad("县区", w1));
    for (u, r, c) in rows {
        println!("{}  {}  {c}", pad(u, w0), pad(r, w1));
    }
}

/// 单位, 县区, 访问码 — one row per unit, the office last.
fn write_codes(path: &Path, rows: &[(String, String, String)]) -> Result<(), Diagnostic> {
    use rust_xlsxwriter::{Format, Workbook};
    let err = |e: rust_xlsxwriter::XlsxError| fail(format!("无法生成 访问码.xlsx：{e}"));
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet();
    let bold = Format::new().set_bold();
    for (c, h) in ["单位", "县区", "访问码"].iter().enumerate() {
        ws.write_string_with_format(0, c as u16, *h, &bold)
            .map_err(err)?;
    }
    for (i, (u, r, code)) in rows.iter().enumerate() {
        let row = i as u32 + 1;
        ws.write_string(row, 0, u).map_err(err)?;
        ws.write_string(row, 1, r).map_err(err)?;
        ws.write_string(row, 2, code).map_err(err)?;
    }
    ws.set_column_width(0, 36).map_err(err)?;
    ws.set_column_width(1, 14).map_err(err)?;
    ws.set_column_width(2, 24).map_err(err)?;
    let bytes = wb.save_to_buffer().map_err(err)?;
    crate::output::write_atomic(path, &bytes, &[])
}

fn codes(a: &OfficeCodesArgs, reporter: &mut Reporter) -> Result<(), Diagnostic> {
    let store = Store::open(&a.dir, false).map_err(|m| Diagnostic::new(code::UNREADABLE, m))?;
    let units = store.units().map_err(fail)?;
    let u = units
        .iter()
        .find(|u| u.name == a.reset.trim())
        .ok_or_else(|| {
            Diagnostic::new(code::BAD_VALUE, format!("平台中没有单位“{}”", a.reset))
                .hint("单位名要与名单中的写法完全一致；办公室的访问码写“办公室”")
        })?;
    let code = new_code(u.id);
    store
        .conn()
        .execute(
            "UPDATE units SET code_hash = ?1 WHERE id = ?2",
            rusqlite::params![hash_code(&code).map_err(fail)?, u.id],
        )
        .map_err(|e| fail(e.to_string()))?;
    // The old code's sessions end with it.
    store
        .conn()
        .execute("DELETE FROM sessions WHERE unit_id = ?1", [u.id])
        .map_err(|e| fail(e.to_string()))?;
    store.audit(None, "重设访问码", &u.name, "-");
    println!(
        "{}  {}  {code}",
        u.name,
        u.region.clone().unwrap_or_default()
    );
    reporter.note(
        "新访问码只显示这一次；原访问码已失效。若平台正在运行，请重启平台使已登录的会话失效。",
    );
    Ok(())
}

/// A consistent copy while the portal serves: SQLite's online backup of
/// the database, then every stored file it refers to (stored files never
/// change), the roster, collection and rules files, and the drafts.
fn backup(a: &OfficeBackupArgs, reporter: &mut Reporter) -> Result<(), Diagnostic> {
    let store = Store::open(&a.dir, false).map_err(|m| Diagnostic::new(code::UNREADABLE, m))?;
    let stage = tempfile::tempdir().map_err(|e| fail(io_reason(&e)))?;
    let copy = stage.path().join(DB_FILE);
    store
        .conn()
        .backup(
            rusqlite::MAIN_DB,
            &copy,
            None::<fn(rusqlite::backup::Progress)>,
        )
        .map_err(|e| fail(format!("数据库备份失败：{e}")))?;
    let snapshot = rusqlite::Connection::open(&copy).map_err(|e| fail(e.to_string()))?;
    let check: String = snapshot
        .query_row("PRAGMA integrity_check", [], |r| r.get(0))
        .map_err(|e| fail(e.to_string()))?;
    if check != "ok" {
        return Err(fail(format!("数据库完整性检查未通过：{check}")));
    }
    // The copy must not be in WAL mode: a zip holds one file.
    let _ = snapshot.pragma_update(None, "journal_mode", "DELETE");
    let shas: Vec<String> = {
        let mut st = snapshot
            .prepare("SELECT DISTINCT sha256 FROM files")
            .map_err(|e| fail(e.to_string()))?;
        let rows = st
            .query_map([], |r| r.get::<_, String>(0))
            .map_err(|e| fail(e.to_string()))?;
        rows.flatten().collect()
    };
    drop(snapshot);
    for sha in &shas {
        let from = store.blob_path(sha);
        let to = stage.path().join("store").join(&sha[..2]).join(sha);
        std::fs::create_dir_all(crate::files::dir_of(&to)).map_err(|e| fail(io_reason(&e)))?;
        if std::fs::hard_link(&from, &to).is_err() {
            std::fs::copy(&from, &to)
                .map_err(|e| fail(format!("{}：{}", from.display(), io_reason(&e))))?;
        }
    }
    for f in [
        crate::config::ROSTER_FILE,
        crate::config::COLLECTION_FILE,
        crate::config::RULES_FILE,
    ] {
        let from = a.dir.join(f);
        if from.is_file() {
            std::fs::copy(&from, stage.path().join(f)).map_err(|e| fail(io_reason(&e)))?;
        }
    }
    // Schools' unsubmitted drafts (forms and their photos): a draft being
    // saved at this moment may be copied as it was a moment before.
    let drafts = a.dir.join("workspaces");
    let mut draft_files = 0;
    for from in crate::server::portal::api::walk_files(&drafts) {
        let Ok(rel) = from.strip_prefix(&a.dir) else {
            continue;
        };
        let to = stage.path().join(rel);
        std::fs::create_dir_all(crate::files::dir_of(&to)).map_err(|e| fail(io_reason(&e)))?;
        if std::fs::hard_link(&from, &to).is_err() {
            std::fs::copy(&from, &to)
                .map_err(|e| fail(format!("{}：{}", from.display(), io_reason(&e))))?;
        }
        draft_files += 1;
    }
    crate::server::portal::api::zip_dir(stage.path(), &a.out).map_err(fail)?;
    reporter.note(&format!(
        "已备份到 {}（数据库、{} 个材料文件和 {} 个草稿文件）。恢复：解压到一个新文件夹，再运行 baosong serve --office 该文件夹。",
        a.out.display(),
        shas.len(),
        draft_files
    ));
    Ok(())
}
