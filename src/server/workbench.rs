//! The workbench's API: list materials, describe the forms, load, preview,
//! save, upload photos and Word files, download the outputs. Every handler
//! works inside the caller's workspace; every document step is the
//! command line's (`submission`).

use std::path::{Path, PathBuf};
use std::sync::Arc;

use axum::body::Body;
use axum::extract::{Multipart, Path as UrlPath, Query, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::Deserialize;
use serde_json::{json, Map, Value};

use super::workspace::Workspace;
use super::{ApiError, App, Mode};
use crate::check::Context;
use crate::diag::{Diagnostic, Severity};
use crate::input::edit;
use crate::input::schema::{self, Field, Kind};
use crate::rules::calendar::Day;
use crate::submission::{self, MakeOptions};

pub(crate) fn routes() -> Router<Arc<App>> {
    Router::new()
        .route("/api/schema", get(schema_of_forms))
        .route("/api/materials", get(materials))
        .route("/api/material", get(material))
        .route("/api/preview", post(preview))
        .route("/api/preview/{draft}/{hash}", get(preview_page))
        .route("/api/save", post(save))
        .route(
            "/api/photos",
            post(upload).layer(axum::extract::DefaultBodyLimit::disable()),
        )
        .route("/api/thumb", get(thumb))
        .route(
            "/api/import",
            post(import).layer(axum::extract::DefaultBodyLimit::disable()),
        )
        .route("/api/download/{kind}", get(download))
}

/// The workspace of the request: the folder in local mode, the school's
/// own folder in the portal (no session, no workspace).
pub(crate) fn workspace(app: &App, headers: &HeaderMap) -> Result<Workspace, ApiError> {
    match &app.mode {
        Mode::Local { root, .. } => Ok(Workspace {
            root: root.clone(),
            unit: None,
        }),
        Mode::Office(p) => p.workspace(headers),
    }
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

/// A diagnostic for the page: what `--message-format json` prints, plus
/// the form field it concerns and where in that field.
pub(crate) fn diag_json(d: &Diagnostic, text: Option<&str>) -> Value {
    let mut v = d.to_json();
    let at = match (text, &d.span) {
        (Some(t), Some(span)) => edit::field_at(t, span.start),
        _ => None,
    };
    if let Some(at) = at {
        // Offsets in the page are UTF-16 code units (JavaScript strings).
        let offset = at.offset.and_then(|o| {
            let (span, _) = (d.span.as_ref()?, ());
            let field_start = span.start.checked_sub(o)?;
            let t = text?;
            let content = t.get(field_start..span.start)?;
            Some(content.encode_utf16().count())
        });
        let photo = at
            .path
            .strip_prefix("photos.")
            .or_else(|| at.path.strip_prefix("images."))
            .and_then(|r| r.split('.').next())
            .and_then(|n| n.parse::<usize>().ok());
        v["field"] = json!(at.path);
        v["offset"] = json!(offset);
        v["photo"] = json!(photo);
    }
    v
}

fn field_json(doc_type: &str, f: &Field) -> Value {
    let kind = match f.kind {
        Kind::Str => "str",
        Kind::Text => "text",
        Kind::Int => "int",
        Kind::Date => "date",
        Kind::Bool => "bool",
        Kind::StrList => "list",
        Kind::Records(_) => "records",
        Kind::Table(_) => "table",
    };
    let sub: Vec<Value> = match f.kind {
        Kind::Records(s) | Kind::Table(s) => s.iter().map(|x| field_json(doc_type, x)).collect(),
        _ => vec![],
    };
    let options: Option<&[&str]> = match f.name {
        "category" => Some(schema::CATEGORIES),
        "level" => Some(schema::LEVELS),
        _ => None,
    };
    json!({
        "name": f.name,
        "label": f.label,
        "kind": kind,
        "required": f.required,
        "hint": edit::template_hint(doc_type, f.name),
        "options": options,
        "fields": sub,
    })
}

/// The forms: one per document type, the TOML contract's keys with their
/// Chinese labels and the templates' hints.
async fn schema_of_forms(State(app): State<Arc<App>>) -> Json<Value> {
    let types: Vec<Value> = schema::TYPES
        .iter()
        .map(|(key, label, fields)| {
            json!({
                "type": key,
                "label": label,
                "fields": fields.iter().filter(|f| f.name != "type").map(|f| field_json(key, f)).collect::<Vec<_>>(),
            })
        })
        .collect();
    // The page refuses a file over the limit before sending it.
    let mb = |b: u64| b / (1024 * 1024);
    Json(json!({
        "types": types,
        "limits": { "photos": mb(app.limits.photo), "videos": mb(app.limits.video), "docx": mb(app.limits.docx) },
    }))
}

/// Every material in the workspace with its status.
async fn materials(
    State(app): State<Arc<App>>,
    headers: HeaderMap,
) -> Result<Json<Value>, ApiError> {
    let ws = workspace(&app, &headers)?;
    blocking(move || {
        use rayon::prelude::*;
        let mut problems = vec![];
        let files = submission::walk(&ws.root, &|_| true, &mut problems);
        let ctx = Context {
            today: Some(Day::today()),
        };
        let rows: Vec<Value> = files
            .par_iter()
            .map(|f| {
                let e = submission::examine(f, None, &ctx);
                let d = e.document.as_ref();
                json!({
                    "path": ws.rel(f),
                    "kind": match submission::input_kind(f) { Some(submission::InputKind::Docx) => "docx", _ => "toml" },
                    "type": d.map(|d| d.doc_type.key()),
                    "title": d.map(|d| crate::text::one_line(&d.title.value)),
                    "unit": d.map(|d| crate::text::one_line(&d.unit.value)),
                    "errors": e.errors(),
                    "warnings": e.warnings(),
                    "readable": d.is_some(),
                })
            })
            .collect();
        Ok(Json(json!({ "materials": rows })))
    })
    .await
}

#[derive(Deserialize)]
struct PathQuery {
    path: String,
}

/// TOML values as the form holds them (dates as `YYYY-MM-DD` text).
fn to_json(v: &toml::Value) -> Value {
    match v {
        toml::Value::String(s) => json!(s),
        toml::Value::Integer(i) => json!(i),
        toml::Value::Float(f) => json!(f),
        toml::Value::Boolean(b) => json!(b),
        toml::Value::Datetime(d) => json!(d.to_string()),
        toml::Value::Array(a) => Value::Array(a.iter().map(to_json).collect()),
        toml::Value::Table(t) => {
            Value::Object(t.iter().map(|(k, v)| (k.clone(), to_json(v))).collect())
        }
    }
}

/// One material, for the form.
async fn material(
    State(app): State<Arc<App>>,
    headers: HeaderMap,
    Query(q): Query<PathQuery>,
) -> Result<Json<Value>, ApiError> {
    let ws = workspace(&app, &headers)?;
    let path = ws.material(&q.path)?;
    let text = std::fs::read_to_string(&path).map_err(|_| ApiError::not_found())?;
    let table: toml::Table = toml::from_str(&text).map_err(|e| {
        ApiError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            format!(
                "这份材料的 TOML 格式有误，无法在表单中打开：{}（请用 baosong check 查看位置）",
                crate::diag::toml_text::chinese(e.message())
            ),
        )
    })?;
    let doc_type = table
        .get("type")
        .and_then(|t| t.as_str())
        .unwrap_or("case")
        .to_string();
    let values = to_json(&toml::Value::Table(table));
    Ok(Json(
        json!({ "path": ws.rel(&path), "type": doc_type, "values": values }),
    ))
}

#[derive(Deserialize)]
struct Edited {
    /// The material's path when it was saved before.
    path: Option<String>,
    #[serde(rename = "type")]
    doc_type: String,
    values: Map<String, Value>,
    /// The page's draft: its preview world lives on between edits.
    #[serde(default)]
    draft: String,
}

impl Edited {
    /// Where the material is (or will be) and the text it has now.
    fn written(&self, ws: &Workspace) -> Result<(PathBuf, String), ApiError> {
        if schema::fields_of(&self.doc_type).is_none() {
            return Err(ApiError::bad("不支持的材料类型"));
        }
        let (path, base) = match &self.path {
            Some(p) => {
                let path = ws.material(p)?;
                let base = std::fs::read_to_string(&path).map_err(|_| ApiError::not_found())?;
                (path, base)
            }
            None => (
                ws.root.join("新材料.toml"),
                edit::template(&self.doc_type).to_string(),
            ),
        };
        let mut values = self.values.clone();
        // In the portal a school always writes as itself.
        if let Some(unit) = &ws.unit {
            values.insert("unit".into(), json!(unit));
        }
        Ok((path, edit::write(&base, &self.doc_type, &values)))
    }
}

/// Checks and lays out what the form holds, without saving it: the page's
/// diagnostics, 字数 and page images.
async fn preview(
    State(app): State<Arc<App>>,
    headers: HeaderMap,
    Json(req): Json<Edited>,
) -> Result<Json<Value>, ApiError> {
    let ws = workspace(&app, &headers)?;
    blocking(move || preview_now(&app, &ws, &req).map(Json)).await
}

fn preview_now(app: &App, ws: &Workspace, req: &Edited) -> Result<Value, ApiError> {
    let (path, text) = req.written(ws)?;
    let rules = Arc::new(submission::rules_for(&path, None).unwrap_or_default());
    let ctx = Context {
        today: Some(Day::today()),
    };
    let e = submission::examine_text(&path, text.clone(), rules.clone(), &ctx);
    let mut diags = e.diagnostics.clone();
    let mut pages = Vec::new();
    let mut layout_error = None;
    let chars = e.document.as_ref().map(crate::check::body_word_count);
    if let Some(doc) = &e.document {
        let dir = crate::files::dir_of(&path);
        // As `build` does: installed faces join in for rare characters, so
        // the preview draws what the PDF will.
        let rare = crate::coverage::missing(doc, &app.fonts.get(&dir, &rules));
        let fonts = app.fonts.covering(&dir, &rules, &rare);
        let fonts: &crate::fonts::FontSet = &fonts;
        let (ir, found) = submission::layout(doc, &diags, &rules, Some(fonts));
        diags.extend(found);
        if let Some(ir) = ir {
            let draft_id = if req.draft.is_empty() {
                "default"
            } else {
                &req.draft
            };
            let draft = app.previews.draft(&ws.root, draft_id, || {
                crate::render::preview::Preview::new(fonts, 1.25)
            });
            let mut d = draft
                .lock()
                .map_err(|_| ApiError::internal("预览出错，请刷新页面"))?;
            let photo = |i: usize| {
                let full = ir.figures[i].photo.as_ref().ok();
                doc.photos
                    .get(i)
                    .zip(full)
                    .and_then(|(m, p)| {
                        app.previews.screen_copy(
                            &m.resolved,
                            p.orientation,
                            super::preview::SCREEN_WIDTH,
                        )
                    })
                    .or_else(|| {
                        full.and_then(|p| p.bytes().ok())
                            .map(typst::foundations::Bytes::new)
                    })
                    .unwrap_or_else(|| typst::foundations::Bytes::new(Vec::new()))
            };
            match d.preview.update(&ir, &rules, fonts, &photo) {
                Ok(p) => {
                    d.pages = p.clone();
                    pages = p
                        .iter()
                        .map(|pg| json!({ "hash": pg.hash, "url": format!("/api/preview/{draft_id}/{}", pg.hash) }))
                        .collect();
                }
                Err(d) => layout_error = Some(d.message),
            }
        }
    }
    let diagnostics: Vec<Value> = diags.iter().map(|d| diag_json(d, Some(&text))).collect();
    let errors = diags
        .iter()
        .filter(|d| d.severity == Severity::Error)
        .count();
    Ok(json!({
        "chars": chars,
        "diagnostics": diagnostics,
        "errors": errors,
        "warnings": diags.len() - errors,
        "pages": pages,
        "layout_error": layout_error,
        "readable": e.document.is_some(),
    }))
}

async fn preview_page(
    State(app): State<Arc<App>>,
    headers: HeaderMap,
    UrlPath((draft, hash)): UrlPath<(String, String)>,
) -> Result<Response, ApiError> {
    let ws = workspace(&app, &headers)?;
    let png = app
        .previews
        .page(&ws.root, &draft, &hash)
        .ok_or_else(ApiError::not_found)?;
    Ok((
        [
            (header::CONTENT_TYPE, "image/png"),
            // A page image never changes under its hash.
            (header::CACHE_CONTROL, "private, max-age=86400, immutable"),
        ],
        png.as_ref().clone(),
    )
        .into_response())
}

/// Saves the form as the material's TOML (a new one is named after its
/// title), written whole or not at all.
async fn save(
    State(app): State<Arc<App>>,
    headers: HeaderMap,
    Json(req): Json<Edited>,
) -> Result<Json<Value>, ApiError> {
    let ws = workspace(&app, &headers)?;
    blocking(move || {
        let (mut path, text) = req.written(&ws)?;
        if req.path.is_none() {
            let title = req
                .values
                .get("title")
                .and_then(Value::as_str)
                .map(crate::text::one_line)
                .filter(|t| !t.is_empty() && t != "在这里写标题")
                .unwrap_or_else(|| "新材料".into());
            path = Workspace::free_name(&ws.root, &format!("{title}.toml"), &|_| false);
        }
        crate::output::write_atomic(&path, text.as_bytes(), &[])
            .map_err(|d| ApiError::internal(d.message))?;
        Ok(Json(json!({ "path": ws.rel(&path) })))
    })
    .await
}

/// Streams one uploaded file to a temporary file in `dir`, refusing more
/// than `limit` bytes; returns it and its size.
pub(crate) async fn receive(
    field: &mut axum::extract::multipart::Field<'_>,
    dir: &Path,
    limit: u64,
    what: &str,
) -> Result<(tempfile::NamedTempFile, u64), ApiError> {
    use std::io::Write;
    std::fs::create_dir_all(dir).map_err(|e| ApiError::internal(crate::files::io_reason(&e)))?;
    let mut tmp = tempfile::Builder::new()
        .prefix(".baosong-upload-")
        .tempfile_in(dir)
        .map_err(|e| ApiError::internal(crate::files::io_reason(&e)))?;
    let mut n: u64 = 0;
    loop {
        let chunk = field
            .chunk()
            .await
            .map_err(|e| ApiError::bad(format!("上传中断：{e}")))?;
        let Some(chunk) = chunk else { break };
        n += chunk.len() as u64;
        if n > limit {
            return Err(too_large(what, limit));
        }
        tmp.write_all(&chunk)
            .map_err(|e| ApiError::internal(crate::files::io_reason(&e)))?;
    }
    tmp.as_file()
        .sync_all()
        .map_err(|e| ApiError::internal(crate::files::io_reason(&e)))?;
    Ok((tmp, n))
}

pub(crate) fn too_large(what: &str, limit: u64) -> ApiError {
    ApiError::new(
        StatusCode::PAYLOAD_TOO_LARGE,
        format!(
            "{what}超过 {} MB 的上传限制，没有保存",
            limit / (1024 * 1024)
        ),
    )
}

fn same_bytes(a: &Path, b: &Path) -> bool {
    let (Ok(ma), Ok(mb)) = (std::fs::metadata(a), std::fs::metadata(b)) else {
        return false;
    };
    ma.len() == mb.len() && std::fs::read(a).ok() == std::fs::read(b).ok()
}

/// Photos (and videos) dropped on the form: copied into the material's
/// `photos` (`videos`) folder unchanged, and checked at once.
async fn upload(
    State(app): State<Arc<App>>,
    headers: HeaderMap,
    mut mp: Multipart,
) -> Result<Json<Value>, ApiError> {
    let ws = workspace(&app, &headers)?;
    let mut dir = ws.root.clone();
    let mut saved = Vec::new();
    while let Some(mut field) = mp
        .next_field()
        .await
        .map_err(|e| ApiError::bad(format!("上传内容有误：{e}")))?
    {
        let name = field.name().unwrap_or("").to_string();
        if name == "dir" {
            let rel = field
                .text()
                .await
                .map_err(|e| ApiError::bad(e.to_string()))?;
            dir = if rel.trim().is_empty() {
                ws.root.clone()
            } else {
                ws.resolve(&rel)?
            };
            continue;
        }
        let (sub, limit, what) = match name.as_str() {
            "photos" => ("photos", app.limits.photo, "照片"),
            "videos" => ("videos", app.limits.video, "视频"),
            _ => continue,
        };
        let file_name = field.file_name().unwrap_or("照片.jpg").to_string();
        let target_dir = dir.join(sub);
        let (tmp, _) = receive(&mut field, &target_dir, limit, what).await?;
        let target = Workspace::free_name(&target_dir, &file_name, &|p| same_bytes(p, tmp.path()));
        if target.exists() {
            // The same photo again: keep the one already there.
            drop(tmp);
        } else {
            tmp.persist(&target)
                .map_err(|e| ApiError::internal(crate::files::io_reason(&e.error)))?;
        }
        let rel = target
            .strip_prefix(&dir)
            .unwrap_or(&target)
            .to_string_lossy()
            .replace('\\', "/");
        saved.push((sub, target, rel));
    }
    let rules = crate::config::load_rules(None, &dir).unwrap_or_default();
    let out: Vec<Value> = saved
        .into_iter()
        .map(|(sub, target, rel)| {
            let diags = if sub == "photos" {
                crate::check::photo_file(&target, &rel, false, &rules)
            } else {
                vec![]
            };
            json!({
                "kind": sub,
                "path": rel,
                "file": ws.rel(&target),
                "diagnostics": diags.iter().map(|d| diag_json(d, None)).collect::<Vec<_>>(),
            })
        })
        .collect();
    Ok(Json(json!({ "files": out })))
}

/// A small upright copy of a photo in the workspace, for its thumbnail.
async fn thumb(
    State(app): State<Arc<App>>,
    headers: HeaderMap,
    Query(q): Query<PathQuery>,
) -> Result<Response, ApiError> {
    let ws = workspace(&app, &headers)?;
    let path = ws.resolve(&q.path)?;
    let bytes = blocking(move || {
        let probe = crate::photo::probe(&path, u64::MAX).map_err(|_| ApiError::not_found())?;
        app.previews
            .screen_copy(&path, probe.orientation, 320)
            .ok_or_else(ApiError::not_found)
    })
    .await?;
    Ok((
        [(header::CONTENT_TYPE, "image/jpeg")],
        bytes.as_slice().to_vec(),
    )
        .into_response())
}

/// A school's Word file, dropped on the page: converted into a material
/// (the same code as `baosong import`) beside the others, then opened.
async fn import(
    State(app): State<Arc<App>>,
    headers: HeaderMap,
    mut mp: Multipart,
) -> Result<Json<Value>, ApiError> {
    let ws = workspace(&app, &headers)?;
    while let Some(mut field) = mp
        .next_field()
        .await
        .map_err(|e| ApiError::bad(format!("上传内容有误：{e}")))?
    {
        let (name, source) = match field.name() {
            // A Word file already in the folder (listed on the start page).
            Some("path") => {
                let rel = field
                    .text()
                    .await
                    .map_err(|e| ApiError::bad(e.to_string()))?;
                let p = ws.resolve(&rel)?;
                if submission::input_kind(&p) != Some(submission::InputKind::Docx) || !p.is_file() {
                    return Err(ApiError::not_found());
                }
                let name = p
                    .file_name()
                    .map(|n| n.to_string_lossy().into_owned())
                    .unwrap_or_default();
                (name, Err(p))
            }
            Some("file") => {
                let name = field.file_name().unwrap_or("导入.docx").to_string();
                let scratch = tempfile::tempdir()
                    .map_err(|e| ApiError::internal(crate::files::io_reason(&e)))?;
                let (tmp, _) =
                    receive(&mut field, scratch.path(), app.limits.docx, "Word 文件").await?;
                (name, Ok((scratch, tmp)))
            }
            _ => continue,
        };
        let ws2 = ws.clone();
        return blocking(move || {
            let read = match &source {
                Ok((_, tmp)) => std::fs::read(tmp.path()),
                Err(p) => std::fs::read(p),
            };
            let bytes = read.map_err(|e| ApiError::internal(crate::files::io_reason(&e)))?;
            let stem = Path::new(&name)
                .file_stem()
                .map(|s| s.to_string_lossy().into_owned())
                .unwrap_or_else(|| "导入".into());
            let stem = crate::names::sanitize(&stem, 60);
            let stem = stem.trim_start_matches('.');
            let stem = if stem.is_empty() { "导入" } else { stem };
            let out = Workspace::free_name(&ws2.root, stem, &|_| false);
            let rules = crate::config::load_rules(None, &ws2.root).unwrap_or_default();
            let stem_name = out
                .file_name()
                .map(|s| s.to_string_lossy().into_owned())
                .unwrap_or_default();
            let hints = crate::import::Hints {
                unit: ws2.unit.clone(),
                file_stem: Some(stem_name.clone()),
                // An upload's folder here is ours, not the school's.
                folder: None,
            };
            let (toml, mut notes) =
                submission::import_into(&bytes, &out, &stem_name, &rules, &hints, &[]).map_err(
                    |d| {
                        ApiError::new(
                            StatusCode::UNPROCESSABLE_ENTITY,
                            format!("{}。{}", d.message, d.hint.unwrap_or_default()),
                        )
                    },
                )?;
            if let Err(original) = &source {
                notes.insert(
                    0,
                    crate::diag::Diagnostic::new(
                        crate::diag::code::ORIGINAL_KEPT,
                        format!(
                            "已把“{}”转换为这份表格，原 Word 文件保持不变",
                            ws2.rel(original)
                        ),
                    )
                    .hint("两份都在文件夹中时会被算作两份材料；定稿后请只保留或只报送其中一份"),
                );
            }
            Ok(Json(json!({
                "path": ws2.rel(&toml),
                "notes": notes.iter().map(|d| diag_json(d, None)).collect::<Vec<_>>(),
            })))
        })
        .await;
    }
    Err(ApiError::bad("没有收到 Word 文件"))
}

/// The saved material's .docx or .pdf: exactly what `baosong build` writes
/// for it, through the same code.
async fn download(
    State(app): State<Arc<App>>,
    headers: HeaderMap,
    UrlPath(kind): UrlPath<String>,
    Query(q): Query<PathQuery>,
) -> Result<Response, ApiError> {
    let ws = workspace(&app, &headers)?;
    let path = ws.material(&q.path)?;
    let (name, bytes) = blocking(move || build_one(&app, &path, &kind)).await?;
    Ok(attachment(&name, bytes))
}

/// Builds one output of a material as the command line does.
pub(crate) fn build_one(app: &App, path: &Path, kind: &str) -> Result<(String, Vec<u8>), ApiError> {
    let (pdf, docx) = match kind {
        "pdf" => (true, false),
        "docx" => (false, true),
        _ => return Err(ApiError::not_found()),
    };
    let e = submission::examine(path, None, &Context::default());
    let Some(doc) = &e.document else {
        return Err(ApiError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "材料有无法读取的错误，请先改正再下载",
        ));
    };
    let fonts = app.fonts.get(&crate::files::dir_of(path), &e.rules);
    let made = submission::make(
        doc,
        &e.diagnostics,
        &e.rules,
        &fonts,
        &MakeOptions {
            pdf,
            docx,
            ..MakeOptions::default()
        },
    );
    let stem = made.file_stem.clone().unwrap_or_else(|| {
        path.file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_else(|| "材料".into())
    });
    let (ext, bytes) = made.outputs.into_iter().next().ok_or_else(|| {
        ApiError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "照片无法处理，未能生成文件",
        )
    })?;
    let bytes = bytes.map_err(|d| ApiError::internal(d.message))?;
    Ok((format!("{stem}.{ext}"), bytes))
}

/// A download with its Chinese file name (RFC 6266 / 5987).
pub(crate) fn attachment(name: &str, bytes: Vec<u8>) -> Response {
    let mime = match name.rsplit('.').next() {
        Some("pdf") => "application/pdf",
        Some("docx") => "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        Some("xlsx") => "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        Some("zip") => "application/zip",
        _ => "application/octet-stream",
    };
    let encoded: String = name
        .bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'.' | b'-' | b'_' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect();
    let disposition = format!(
        "attachment; filename=\"download.{}\"; filename*=UTF-8''{encoded}",
        name.rsplit('.').next().unwrap_or("bin")
    );
    Response::builder()
        .header(header::CONTENT_TYPE, mime)
        .header(header::CONTENT_DISPOSITION, disposition)
        .body(Body::from(bytes))
        .unwrap_or_else(|_| StatusCode::INTERNAL_SERVER_ERROR.into_response())
}
