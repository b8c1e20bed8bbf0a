//! The portal's JSON API (shapes fixed in SPEC §9): login and sessions,
//! submissions (each checked on arrival, kept with its history), the
//! office's status board, sums, compile jobs, exports and audit log.
//! Authorisation comes from the session on every handler, never from a
//! field or a path.

use std::net::SocketAddr;
use std::path::{Component, Path, PathBuf};
use std::sync::atomic::Ordering;
use std::sync::{Arc, Mutex};

use axum::extract::{ConnectInfo, Multipart, Path as UrlPath, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Extension, Json, Router};
use serde::Deserialize;
use serde_json::{json, Value};

use super::auth::{self, LoginError, Session};
use super::store::{local_time, now, Submission};
use super::{Job, Portal};
use crate::board::{type_label, Board, Sums, OWED};
use crate::check::{deadline, Context};
use crate::model::{DocType, Extra};
use crate::rules::calendar::Day;
use crate::server::workbench::{attachment, diag_json, receive, too_large};
use crate::server::{ApiError, App, Mode};
use crate::submission;

pub(crate) fn routes() -> Router<Arc<App>> {
    Router::new()
        .route("/api/session", get(session))
        .route("/api/login", post(login))
        .route("/api/logout", post(logout))
        .route(
            "/api/submissions",
            get(list)
                .post(upload)
                .layer(axum::extract::DefaultBodyLimit::disable()),
        )
        .route("/api/submissions/{id}", get(one))
        .route("/api/submissions/{id}/files/{*path}", get(file))
        .route("/api/submit", post(submit))
        .route("/api/deadlines", get(deadlines))
        .route("/api/status", get(status))
        .route("/api/status.xlsx", get(status_xlsx))
        .route("/api/stats", get(stats))
        .route("/api/stats.xlsx", get(stats_xlsx))
        .route("/api/compile", post(compile))
        .route("/api/compile/{job}", get(job))
        .route("/api/exports/{name}", get(export_file))
        .route("/api/export.zip", get(export_zip))
        .route("/api/audit", get(audit))
}

fn portal(app: &App) -> Result<&Portal, ApiError> {
    match &app.mode {
        Mode::Office(p) => Ok(p),
        Mode::Local { .. } => Err(ApiError::not_found()),
    }
}

fn unauthorized() -> ApiError {
    ApiError::new(StatusCode::UNAUTHORIZED, "请先登录")
}

fn who<'a>(app: &'a App, headers: &HeaderMap) -> Result<(&'a Portal, Session), ApiError> {
    let p = portal(app)?;
    let s = p.session(headers).ok_or_else(unauthorized)?;
    Ok((p, s))
}

fn office<'a>(app: &'a App, headers: &HeaderMap) -> Result<(&'a Portal, Session), ApiError> {
    let (p, s) = who(app, headers)?;
    if !s.is_office() {
        return Err(ApiError::forbidden());
    }
    Ok((p, s))
}

fn addr(peer: &Option<Extension<ConnectInfo<SocketAddr>>>, headers: &HeaderMap) -> String {
    auth::client_addr(peer.as_ref().map(|c| c.0 .0), headers)
}

fn blocking<T: Send + 'static>(
    f: impl FnOnce() -> Result<T, ApiError> + Send + 'static,
) -> impl std::future::Future<Output = Result<T, ApiError>> {
    async move {
        tokio::task::spawn_blocking(f)
            .await
            .map_err(|_| ApiError::internal("服务内部出错，请重试"))?
    }
}

fn internal(m: String) -> ApiError {
    ApiError::internal(m)
}

async fn session(State(app): State<Arc<App>>, headers: HeaderMap) -> Result<Json<Value>, ApiError> {
    match &app.mode {
        Mode::Local { csrf, .. } => {
            Ok(Json(json!({ "role": "local", "unit": null, "csrf": csrf })))
        }
        Mode::Office(p) => {
            let s = p.session(&headers).ok_or_else(unauthorized)?;
            Ok(Json(
                json!({ "role": s.role, "unit": s.unit, "region": s.region, "csrf": s.csrf }),
            ))
        }
    }
}

#[derive(Deserialize)]
struct LoginReq {
    code: String,
}

async fn login(
    State(app): State<Arc<App>>,
    peer: Option<Extension<ConnectInfo<SocketAddr>>>,
    headers: HeaderMap,
    Json(req): Json<LoginReq>,
) -> Result<Response, ApiError> {
    let from = addr(&peer, &headers);
    let _slot = portal(&app)?
        .sessions
        .verifiers
        .acquire()
        .await
        .map_err(|e| internal(e.to_string()))?;
    let app2 = app.clone();
    let from2 = from.clone();
    let result = blocking(move || {
        let p = portal(&app2)?;
        Ok(p.sessions.login(&p.store, &req.code, &from2))
    })
    .await?;
    let p = portal(&app)?;
    match result {
        Ok((token, s)) => {
            p.store.audit(Some(&s.unit), "登录", "", &from);
            let body = Json(json!({ "role": s.role, "unit": s.unit, "csrf": s.csrf }));
            Ok(([(header::SET_COOKIE, auth::cookie(&token, &headers))], body).into_response())
        }
        Err(LoginError::Wrong) => {
            // Codes are never logged, not even wrong ones.
            p.store.audit(None, "登录失败", "", &from);
            Err(ApiError::new(
                StatusCode::UNAUTHORIZED,
                "访问码不正确，请核对后重新输入",
            ))
        }
        Err(LoginError::Locked) => Err(ApiError::new(
            StatusCode::TOO_MANY_REQUESTS,
            "访问码错误次数过多，请 15 分钟后再试",
        )),
        Err(LoginError::Internal(m)) => Err(internal(m)),
    }
}

async fn logout(State(app): State<Arc<App>>, headers: HeaderMap) -> Result<Response, ApiError> {
    let p = portal(&app)?;
    p.sessions.logout(&p.store, &headers);
    Ok((
        [(header::SET_COOKIE, auth::clear_cookie())],
        Json(json!({"ok": true})),
    )
        .into_response())
}

/// The caller's own submissions (the office: all), newest first.
async fn list(State(app): State<Arc<App>>, headers: HeaderMap) -> Result<Json<Value>, ApiError> {
    let (p, s) = who(&app, &headers)?;
    let unit = (!s.is_office()).then_some(s.unit_id);
    let rows = p.store.submissions(unit, false).map_err(internal)?;
    Ok(Json(json!(rows)))
}

/// A submission the caller may see: its own unit's, or any for the office.
fn visible(p: &Portal, s: &Session, id: &str) -> Result<(Submission, String), ApiError> {
    let (sub, diags) = p
        .store
        .submission(id)
        .map_err(internal)?
        .ok_or_else(ApiError::not_found)?;
    if !s.is_office() && sub.unit_id != s.unit_id {
        // Not yours: the same answer as for an id that does not exist.
        return Err(ApiError::not_found());
    }
    Ok((sub, diags))
}

async fn one(
    State(app): State<Arc<App>>,
    headers: HeaderMap,
    UrlPath(id): UrlPath<String>,
) -> Result<Json<Value>, ApiError> {
    let (p, s) = who(&app, &headers)?;
    let (sub, diags) = visible(p, &s, &id)?;
    let files = p.store.files(&id).map_err(internal)?;
    let mut v = json!(sub);
    v["diagnostics"] = serde_json::from_str(&diags).unwrap_or(json!([]));
    v["files"] = json!(files
        .iter()
        .map(|(path, sha, size)| json!({"path": path, "sha256": sha, "size": size}))
        .collect::<Vec<_>>());
    Ok(Json(v))
}

async fn file(
    State(app): State<Arc<App>>,
    headers: HeaderMap,
    peer: Option<Extension<ConnectInfo<SocketAddr>>>,
    UrlPath((id, path)): UrlPath<(String, String)>,
) -> Result<Response, ApiError> {
    let (p, s) = who(&app, &headers)?;
    let (sub, _) = visible(p, &s, &id)?;
    let files = p.store.files(&id).map_err(internal)?;
    let (_, sha, _) = files
        .into_iter()
        .find(|(fp, _, _)| *fp == path)
        .ok_or_else(ApiError::not_found)?;
    let bytes = tokio::fs::read(p.store.blob_path(&sha))
        .await
        .map_err(|e| internal(crate::files::io_reason(&e)))?;
    p.store.audit(
        Some(&s.unit),
        "下载",
        &format!("{} {}", sub.material, path),
        &addr(&peer, &headers),
    );
    let name = path.rsplit('/').next().unwrap_or("file").to_string();
    Ok(attachment(&name, bytes))
}

/// A relative path from an upload, made safe: plain components only.
fn safe_rel(p: &str) -> Option<String> {
    let p = p.trim().replace('\\', "/");
    let path = Path::new(&p);
    if p.is_empty() || path.is_absolute() || p.starts_with('/') || p.get(1..2) == Some(":") {
        return None;
    }
    let parts: Vec<String> = path
        .components()
        .map(|c| match c {
            Component::Normal(s) => {
                let s = crate::names::sanitize(&s.to_string_lossy(), 120);
                let s = s.trim_start_matches('.').to_string();
                (!s.is_empty()).then_some(s)
            }
            Component::CurDir => Some(String::new()),
            _ => None,
        })
        .collect::<Option<Vec<_>>>()?
        .into_iter()
        .filter(|s| !s.is_empty())
        .collect();
    (!parts.is_empty()).then(|| parts.join("/"))
}

/// Checks a staged material and stores it with its files: visible only
/// once the files are on disk and one transaction has committed.
fn accept(
    p: &Portal,
    s: &Session,
    material: &str,
    stage: &Path,
    addr: &str,
) -> Result<(String, Vec<Value>), ApiError> {
    let mat_path = stage.join(material);
    let rules = std::sync::Arc::new(p.rules());
    let ctx = Context {
        today: Some(Day::today()),
    };
    let opts = submission::LoadOptions {
        unit: Some(s.unit.clone()),
    };
    let e = submission::examine_opts(&mat_path, rules, &ctx, &opts);
    if let Some(d) = &e.document {
        let unit = Board::unit_of(d);
        if unit
            .as_deref()
            .is_some_and(|u| !u.is_empty() && u != s.unit)
        {
            return Err(ApiError::new(
                StatusCode::FORBIDDEN,
                format!(
                    "材料中的报送单位“{}”与登录的单位“{}”不一致：每个单位只能报送自己的材料",
                    unit.unwrap_or_default(),
                    s.unit
                ),
            ));
        }
    }
    let diags: Vec<Value> = e.diagnostics.iter().map(|d| diag_json(d, None)).collect();
    // Store every staged file: the material and what it refers to.
    let mut files = Vec::new();
    for f in walk_files(stage) {
        let rel = f
            .strip_prefix(stage)
            .unwrap_or(&f)
            .to_string_lossy()
            .replace('\\', "/");
        let (sha, size) = p.store.put_file(&f).map_err(internal)?;
        files.push((rel, sha, size));
    }
    let sha = files
        .iter()
        .find(|(rel, _, _)| rel == material)
        .map(|(_, sha, _)| sha.clone())
        .unwrap_or_default();
    let id = crate::server::guard::random_token();
    let doc = e.document.as_ref();
    let region = s.region.clone().or_else(|| {
        doc.and_then(|d| d.region.as_ref())
            .map(|r| r.value.trim().to_string())
    });
    let sub = Submission {
        id: id.clone(),
        unit_id: s.unit_id,
        unit: s.unit.clone(),
        material: material.to_string(),
        file: material.to_string(),
        doc_type: doc.map(|d| d.doc_type.key().to_string()),
        title: doc.map(|d| crate::text::one_line(&d.title.value)),
        region,
        submitted_at: local_time(now()),
        submitted_secs: now(),
        errors: e.errors() as i64,
        warnings: e.warnings() as i64,
        sha256: sha,
    };
    let diags_text = serde_json::to_string(&diags).unwrap_or_else(|_| "[]".into());
    p.store
        .insert_submission(&sub, &diags_text, &files, ("提交", material, addr))
        .map_err(internal)?;
    p.version.fetch_add(1, Ordering::SeqCst);
    Ok((id, diags))
}

pub(crate) fn walk_files(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).into_iter().flatten().flatten() {
            let p = e.path();
            match std::fs::symlink_metadata(&p) {
                Ok(m) if m.is_dir() => stack.push(p),
                Ok(m) if m.is_file() => out.push(p),
                _ => {}
            }
        }
    }
    out.sort();
    out
}

/// `POST /api/submissions`: a material (.toml or .docx) and its files,
/// streamed to disk, checked, stored. Schools only, for themselves.
async fn upload(
    State(app): State<Arc<App>>,
    headers: HeaderMap,
    peer: Option<Extension<ConnectInfo<SocketAddr>>>,
    mut mp: Multipart,
) -> Result<Response, ApiError> {
    let (p, s) = who(&app, &headers)?;
    if s.is_office() {
        return Err(ApiError::new(
            StatusCode::FORBIDDEN,
            "办公室账号不能报送材料",
        ));
    }
    let stage = tempfile::Builder::new()
        .prefix("stage-")
        .tempdir_in(p.dir.join("tmp"))
        .map_err(|e| internal(crate::files::io_reason(&e)))?;
    let mut material: Option<String> = None;
    let mut total: u64 = 0;
    while let Some(mut field) = mp
        .next_field()
        .await
        .map_err(|e| ApiError::bad(format!("上传内容有误：{e}")))?
    {
        let part = field.name().unwrap_or("").to_string();
        let name = field.file_name().unwrap_or("").to_string();
        let (rel, limit, what) = match part.as_str() {
            "material" => {
                let lower = name.to_ascii_lowercase();
                let limit = if lower.ends_with(".docx") {
                    app.limits.docx
                } else if lower.ends_with(".toml") {
                    app.limits.photo
                } else {
                    return Err(ApiError::bad("材料应为 .toml 或 .docx 文件"));
                };
                let base = safe_rel(name.rsplit(['/', '\\']).next().unwrap_or(""))
                    .ok_or_else(|| ApiError::bad("材料文件名不合法"))?;
                material = Some(base.clone());
                (base, limit, "材料文件")
            }
            "files" => {
                let rel = safe_rel(&name)
                    .ok_or_else(|| ApiError::bad(format!("文件路径“{name}”不合法")))?;
                let lower = rel.to_ascii_lowercase();
                let (limit, what) = if lower.ends_with(".mp4") || lower.ends_with(".mov") {
                    (app.limits.video, "视频")
                } else {
                    (app.limits.photo, "照片")
                };
                (rel, limit, what)
            }
            _ => continue,
        };
        let target = stage.path().join(&rel);
        let dir = target.parent().unwrap_or(stage.path()).to_path_buf();
        let (tmp, n) = receive(&mut field, &dir, limit, what).await?;
        total += n;
        if total > app.limits.docx + app.limits.video * 2 {
            return Err(too_large(
                "这次上传的文件",
                app.limits.docx + app.limits.video * 2,
            ));
        }
        tmp.persist(&target)
            .map_err(|e| internal(crate::files::io_reason(&e.error)))?;
    }
    let material =
        material.ok_or_else(|| ApiError::bad("没有收到材料文件（表单字段 material）"))?;
    let from = addr(&peer, &headers);
    let app2 = app.clone();
    let (id, diags) = blocking(move || {
        let p = portal(&app2)?;
        let r = accept(p, &s, &material, stage.path(), &from);
        drop(stage);
        r
    })
    .await?;
    Ok((
        StatusCode::CREATED,
        Json(json!({ "id": id, "diagnostics": diags })),
    )
        .into_response())
}

#[derive(Deserialize)]
struct SubmitReq {
    path: String,
}

/// `POST /api/submit`: the workbench's 提交 — the saved material in the
/// school's folder and every file it names, stored as a new version.
async fn submit(
    State(app): State<Arc<App>>,
    headers: HeaderMap,
    peer: Option<Extension<ConnectInfo<SocketAddr>>>,
    Json(req): Json<SubmitReq>,
) -> Result<Response, ApiError> {
    let (p, s) = who(&app, &headers)?;
    let ws = p.workspace(&headers)?;
    let path = ws.material(&req.path)?;
    let from = addr(&peer, &headers);
    let app2 = app.clone();
    let (id, diags) = blocking(move || {
        let p = portal(&app2)?;
        let stage = tempfile::Builder::new()
            .prefix("stage-")
            .tempdir_in(p.dir.join("tmp"))
            .map_err(|e| internal(crate::files::io_reason(&e)))?;
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| "材料.toml".into());
        let copy = |from: &Path, rel: &str| -> Result<(), ApiError> {
            let to = stage.path().join(rel);
            if let Some(d) = to.parent() {
                std::fs::create_dir_all(d).map_err(|e| internal(crate::files::io_reason(&e)))?;
            }
            std::fs::copy(from, &to).map_err(|e| internal(crate::files::io_reason(&e)))?;
            Ok(())
        };
        copy(&path, &name)?;
        // The files the material names, as it names them.
        let loaded = crate::input::load_file(&path);
        if let Some(d) = &loaded.document {
            for m in d.photos.iter().chain(&d.videos) {
                if let Some(rel) = safe_rel(&m.path.value) {
                    if m.resolved.is_file() {
                        copy(&m.resolved, &rel)?;
                    }
                }
            }
        }
        accept(p, &s, &name, stage.path(), &from)
    })
    .await?;
    Ok((
        StatusCode::CREATED,
        Json(json!({ "id": id, "diagnostics": diags })),
    )
        .into_response())
}

/// What a school still owes and by when.
async fn deadlines(
    State(app): State<Arc<App>>,
    headers: HeaderMap,
) -> Result<Json<Value>, ApiError> {
    let (p, s) = who(&app, &headers)?;
    let rules = p.rules();
    let today = Day::today();
    let subs = p
        .store
        .submissions(Some(s.unit_id), true)
        .map_err(internal)?;
    let mut items = Vec::new();
    for t in OWED.iter().chain([DocType::Case].iter()) {
        let sent = subs.iter().any(|x| x.doc_type.as_deref() == Some(t.key()));
        let Some((due, what)) = deadline::due(*t, &rules.deadlines) else {
            continue;
        };
        let (state, text) = if sent {
            (
                "sent",
                format!("{what}：已提交（截止日期 {}）", due.chinese()),
            )
        } else if today > due {
            (
                "missing-late",
                format!("{what}：未提交，已过截止日期 {}", due.chinese()),
            )
        } else {
            (
                "missing",
                format!("{what}：未提交，截止日期 {}", due.chinese()),
            )
        };
        items.push(json!({"type": t.key(), "state": state, "text": text}));
    }
    Ok(Json(json!({ "items": items })))
}

/// The board from the latest version of every material.
fn board(p: &Portal, rules: &crate::rules::Rules) -> Result<Board, ApiError> {
    let mut b = Board::new(&p.roster());
    for sub in p.store.submissions(None, true).map_err(internal)? {
        let Some(t) = sub.doc_type.as_deref().and_then(DocType::from_key) else {
            continue;
        };
        let late = deadline::due(t, &rules.deadlines)
            .is_some_and(|(due, _)| Day((sub.submitted_secs + 8 * 3600).div_euclid(86_400)) > due);
        b.add_counts(
            &sub.unit,
            t,
            sub.region.clone(),
            sub.errors as usize,
            sub.warnings as usize,
            late,
        );
    }
    Ok(b)
}

/// `GET /api/status`: one row per unit (office only).
async fn status(State(app): State<Arc<App>>, headers: HeaderMap) -> Result<Json<Value>, ApiError> {
    let (p, _) = office(&app, &headers)?;
    let rules = p.rules();
    let today = Day::today();
    let b = board(p, &rules)?;
    let rows: Vec<Value> = b
        .order
        .iter()
        .map(|name| {
            let u = &b.units[name];
            let missing = Board::missing(u, &rules, today);
            let mut late: Vec<String> = u
                .late
                .iter()
                .map(|t| format!("{}（逾期提交）", type_label(*t)))
                .collect();
            late.extend(
                missing
                    .iter()
                    .filter(|(_, past)| *past)
                    .map(|(t, _)| format!("{}（逾期未交）", type_label(*t))),
            );
            json!({
                "unit": name,
                "region": u.region,
                "sent": u.sent(),
                "types": {
                    "plan": u.plan, "highlights": u.highlights, "case": u.cases,
                    "media": u.media, "summary": u.summary,
                },
                "missing": missing.iter().map(|(t, _)| type_label(*t)).collect::<Vec<_>>(),
                "late": late,
                "errors": u.errors,
                "warnings": u.warnings,
                "listed": u.listed,
            })
        })
        .collect();
    Ok(Json(json!(rows)))
}

/// The board as the command line's spreadsheet.
async fn status_xlsx(
    State(app): State<Arc<App>>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    let (p, _) = office(&app, &headers)?;
    let rules = p.rules();
    let b = board(p, &rules)?;
    let ir = b.ir(&rules, Day::today());
    let bytes = crate::render::xlsx::render(&ir, &rules)
        .map_err(|d| internal(d.message))?
        .ok_or_else(ApiError::not_found)?;
    Ok(attachment("报送情况.xlsx", bytes))
}

/// Writes the latest version of every material into `dest` as the command
/// line expects it: `县区/单位/材料/…`. Returns the material files.
pub(crate) fn snapshot(p: &Portal, dest: &Path) -> Result<Vec<PathBuf>, ApiError> {
    let mut out = Vec::new();
    for sub in p.store.submissions(None, true).map_err(internal)? {
        let region = crate::names::sanitize(sub.region.as_deref().unwrap_or("未注明县区"), 40);
        let unit = crate::names::sanitize(&sub.unit, 60);
        let stem = Path::new(&sub.material)
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_else(|| sub.id.clone());
        let dir = dest
            .join(region)
            .join(unit)
            .join(crate::names::sanitize(&stem, 60));
        for (rel, sha, _) in p.store.files(&sub.id).map_err(internal)? {
            let Some(rel) = safe_rel(&rel) else { continue };
            let to = dir.join(&rel);
            if let Some(d) = to.parent() {
                std::fs::create_dir_all(d).map_err(|e| internal(crate::files::io_reason(&e)))?;
            }
            // Blobs never change: a hard link costs nothing; a copy otherwise.
            let blob = p.store.blob_path(&sha);
            if std::fs::hard_link(&blob, &to).is_err() {
                std::fs::copy(&blob, &to).map_err(|e| internal(crate::files::io_reason(&e)))?;
            }
            if rel == sub.material {
                out.push(to);
            }
        }
    }
    Ok(out)
}

/// `GET /api/stats`: every summary's figures added up, per county.
/// Every latest summary's figures, per county and in total, as `baosong
/// stats` adds them up.
fn tally(p: &Portal) -> Result<(std::collections::BTreeMap<String, Sums>, Sums), ApiError> {
    let tmp = tempfile::Builder::new()
        .prefix("stats-")
        .tempdir_in(p.dir.join("tmp"))
        .map_err(|e| internal(crate::files::io_reason(&e)))?;
    let files = snapshot(p, tmp.path())?;
    let rules = std::sync::Arc::new(p.rules());
    let mut by: std::collections::BTreeMap<String, Sums> = Default::default();
    let mut total = Sums::default();
    for f in files {
        let e = submission::examine_with(&f, rules.clone(), &Context::default());
        let Some(d) = &e.document else { continue };
        let Extra::Summary(st) = &d.extra else {
            continue;
        };
        by.entry(crate::board::county_of(d))
            .or_default()
            .add(st, e.errors() > 0);
        total.add(st, e.errors() > 0);
    }
    Ok((by, total))
}

/// The sums as the command line's spreadsheet (活动周统计汇总.xlsx).
async fn stats_xlsx(
    State(app): State<Arc<App>>,
    headers: HeaderMap,
    peer: Option<Extension<ConnectInfo<SocketAddr>>>,
) -> Result<Response, ApiError> {
    let (_, session) = office(&app, &headers)?;
    let from = addr(&peer, &headers);
    blocking(move || {
        let p = portal(&app)?;
        let (by, total) = tally(p)?;
        let rules = p.rules();
        let ir = crate::board::sums_table(&by, &total, &rules);
        let bytes = crate::render::xlsx::render(&ir, &rules)
            .map_err(|d| internal(d.message))?
            .ok_or_else(ApiError::not_found)?;
        p.store
            .audit(Some(&session.unit), "下载", "活动周统计汇总.xlsx", &from);
        Ok(attachment("活动周统计汇总.xlsx", bytes))
    })
    .await
}

async fn stats(State(app): State<Arc<App>>, headers: HeaderMap) -> Result<Json<Value>, ApiError> {
    office(&app, &headers)?;
    blocking(move || {
        let p = portal(&app)?;
        let (by, total) = tally(p)?;
        let row = |name: &str, s: &Sums| {
            json!({
                "name": name, "summaries": s.summaries, "schools": s.schools, "enterprises": s.enterprises,
                "teachers": s.teachers, "students": s.students, "enrolled": s.enrolled,
                "coverage": s.coverage(), "participants": s.participants,
                "experience_projects": s.experience_projects, "media": s.media, "forms": s.forms,
                "flagged": s.flagged,
            })
        };
        let rows: Vec<Value> = by.iter().map(|(k, s)| row(k, s)).collect();
        Ok(Json(json!({ "counties": rows, "total": row("合计", &total) })))
    })
    .await
}

/// `POST /api/compile`: binds the latest cases into the volume, in the
/// background; the board polls its progress.
async fn compile(
    State(app): State<Arc<App>>,
    headers: HeaderMap,
    peer: Option<Extension<ConnectInfo<SocketAddr>>>,
) -> Result<Json<Value>, ApiError> {
    let (p, s) = office(&app, &headers)?;
    let id = crate::server::guard::random_token();
    let job = Arc::new(Mutex::new(Job {
        state: "running".into(),
        stage: "准备材料".into(),
        ..Job::default()
    }));
    p.jobs
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .insert(id.clone(), job.clone());
    p.store
        .audit(Some(&s.unit), "汇编", "", &addr(&peer, &headers));
    let app2 = app.clone();
    tokio::task::spawn_blocking(move || {
        let set = |f: &dyn Fn(&mut Job)| {
            if let Ok(mut j) = job.lock() {
                f(&mut j);
            }
        };
        let result = run_compile(&app2, &|pr| {
            set(&|j| {
                j.stage = pr.stage.to_string();
                j.done = pr.done;
                j.total = pr.total;
            })
        });
        match result {
            Ok((files, msg)) => set(&|j| {
                j.state = "done".into();
                j.files = files.clone();
                j.message = msg.clone();
            }),
            Err(m) => set(&|j| {
                j.state = "failed".into();
                j.message = m.clone();
            }),
        }
    });
    Ok(Json(json!({ "job": id })))
}

fn run_compile(
    app: &App,
    progress: &(dyn Fn(crate::compile::Progress) + Sync),
) -> Result<(Vec<String>, String), String> {
    let p = portal(app).map_err(|e| e.message)?;
    let exports = p.dir.join("exports");
    let snap = exports.join("材料");
    if snap.exists() {
        std::fs::remove_dir_all(&snap).map_err(|e| crate::files::io_reason(&e))?;
    }
    snapshot(p, &snap).map_err(|e| e.message)?;
    let coll_path = p.dir.join("collection.toml");
    let (coll, diags) = crate::input::collection::load(&coll_path);
    let Some(mut coll) = coll else {
        return Err(diags
            .first()
            .map(|d| d.message.clone())
            .unwrap_or_else(|| "没有汇编说明文件 collection.toml".into()));
    };
    // The office's own collection file names the volume; the materials are
    // the latest submissions.
    coll.dir = exports.clone();
    coll.sources = vec![crate::model::Text::new("材料/**/*".into(), 0..0, None)];
    let opts = crate::compile::CompileOptions {
        out_dir: exports.clone(),
        pdf: true,
        docx: true,
        include_invalid: false,
        font_paths: vec![],
        strict_fonts: false,
    };
    let done = crate::compile::compile(&coll, p.rules(), &opts, progress);
    if done.failed {
        let first = done
            .diagnostics
            .iter()
            .find(|d| d.is_error())
            .map(|d| d.message.clone())
            .unwrap_or_else(|| "汇编失败".into());
        return Err(first);
    }
    let files = done
        .written
        .iter()
        .filter_map(|w| w.file_name().map(|n| n.to_string_lossy().into_owned()))
        .collect();
    let mut msg = format!("汇编收入 {} 篇案例", done.cases);
    if !done.left_out.is_empty() {
        msg.push_str(&format!("，{} 份材料有错误未收入", done.left_out.len()));
    }
    Ok((files, msg))
}

async fn job(
    State(app): State<Arc<App>>,
    headers: HeaderMap,
    UrlPath(id): UrlPath<String>,
) -> Result<Json<Value>, ApiError> {
    let (p, _) = office(&app, &headers)?;
    let job = p
        .jobs
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .get(&id)
        .cloned()
        .ok_or_else(ApiError::not_found)?;
    let j = job
        .lock()
        .map_err(|_| internal("汇编任务出错".into()))?
        .clone();
    Ok(Json(json!(j)))
}

/// A compiled file from the exports folder (office only).
async fn export_file(
    State(app): State<Arc<App>>,
    headers: HeaderMap,
    peer: Option<Extension<ConnectInfo<SocketAddr>>>,
    UrlPath(name): UrlPath<String>,
) -> Result<Response, ApiError> {
    let (p, s) = office(&app, &headers)?;
    let safe = safe_rel(&name)
        .filter(|n| !n.contains('/'))
        .ok_or_else(ApiError::not_found)?;
    let path = p.dir.join("exports").join(&safe);
    let bytes = tokio::fs::read(&path)
        .await
        .map_err(|_| ApiError::not_found())?;
    p.store
        .audit(Some(&s.unit), "下载", &safe, &addr(&peer, &headers));
    Ok(attachment(&safe, bytes))
}

/// Every latest submission in one zip, laid out as the command line takes
/// it (`县区/单位/材料/…`), so `baosong` can take over at any time.
async fn export_zip(
    State(app): State<Arc<App>>,
    headers: HeaderMap,
    peer: Option<Extension<ConnectInfo<SocketAddr>>>,
) -> Result<Response, ApiError> {
    let (p, s) = office(&app, &headers)?;
    p.store
        .audit(Some(&s.unit), "导出", "全部材料", &addr(&peer, &headers));
    let app2 = app.clone();
    let path = blocking(move || {
        let p = portal(&app2)?;
        let tmp = tempfile::Builder::new()
            .prefix("export-")
            .tempdir_in(p.dir.join("tmp"))
            .map_err(|e| internal(crate::files::io_reason(&e)))?;
        snapshot(p, tmp.path())?;
        let zip_path = p.dir.join("exports").join("全部材料.zip");
        crate::server::portal::api::zip_dir(tmp.path(), &zip_path).map_err(internal)?;
        Ok(zip_path)
    })
    .await?;
    let bytes = tokio::fs::read(&path)
        .await
        .map_err(|e| internal(crate::files::io_reason(&e)))?;
    Ok(attachment("全部材料.zip", bytes))
}

/// Zips a folder (stored entries: photos do not deflate), written whole or
/// not at all.
pub(crate) fn zip_dir(dir: &Path, out: &Path) -> Result<(), String> {
    use std::io::Write;
    let io = |e: std::io::Error| crate::files::io_reason(&e);
    let parent = crate::files::dir_of(out);
    let mut tmp = tempfile::Builder::new()
        .prefix(".baosong-")
        .tempfile_in(&parent)
        .map_err(io)?;
    {
        let mut z = zip::ZipWriter::new(tmp.as_file_mut());
        let opts = zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Stored)
            .last_modified_time(zip::DateTime::default())
            .large_file(true);
        for f in walk_files(dir) {
            let rel = f
                .strip_prefix(dir)
                .unwrap_or(&f)
                .to_string_lossy()
                .replace('\\', "/");
            z.start_file(rel, opts).map_err(|e| e.to_string())?;
            let mut src = std::fs::File::open(&f).map_err(io)?;
            std::io::copy(&mut src, &mut z).map_err(io)?;
        }
        z.finish().map_err(|e| e.to_string())?;
    }
    tmp.as_file_mut().flush().map_err(io)?;
    tmp.as_file().sync_all().map_err(io)?;
    tmp.persist(out).map_err(|e| io(e.error))?;
    Ok(())
}

async fn audit(State(app): State<Arc<App>>, headers: HeaderMap) -> Result<Json<Value>, ApiError> {
    let (p, _) = office(&app, &headers)?;
    let conn = p.store.conn();
    let mut st = conn
        .prepare("SELECT at, unit, action, detail, addr FROM audit ORDER BY id DESC LIMIT 500")
        .map_err(|e| internal(e.to_string()))?;
    let rows: Vec<Value> = st
        .query_map([], |r| {
            Ok(json!({
                "at": local_time(r.get::<_, i64>(0)?),
                "unit": r.get::<_, Option<String>>(1)?,
                "action": r.get::<_, String>(2)?,
                "detail": r.get::<_, String>(3)?,
                "addr": r.get::<_, String>(4)?,
            }))
        })
        .map_err(|e| internal(e.to_string()))?
        .flatten()
        .collect();
    Ok(Json(json!(rows)))
}
