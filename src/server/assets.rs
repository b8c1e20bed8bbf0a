//! The pages: static HTML, CSS and JavaScript embedded in the binary (no
//! build step, no CDN: an office network may have no internet).

use std::sync::Arc;

use axum::extract::State;
use axum::http::{header, HeaderMap, HeaderValue};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;
use axum::Router;

use super::{App, Mode};

const INDEX: &str = include_str!("web/index.html");
const EDIT: &str = include_str!("web/edit.html");
const LOGIN: &str = include_str!("web/login.html");
const OFFICE: &str = include_str!("web/office.html");
const CSS: &str = include_str!("web/app.css");
const COMMON_JS: &str = include_str!("web/common.js");
const INDEX_JS: &str = include_str!("web/index.js");
const EDIT_JS: &str = include_str!("web/edit.js");
const OFFICE_JS: &str = include_str!("web/office.js");

fn page(html: &'static str) -> Response {
    (
        [
            (header::CONTENT_TYPE, HeaderValue::from_static("text/html; charset=utf-8")),
            (header::CACHE_CONTROL, HeaderValue::from_static("no-cache")),
            // Our pages load only our own scripts and images.
            (
                header::CONTENT_SECURITY_POLICY,
                HeaderValue::from_static(
                    "default-src 'self'; img-src 'self' blob: data:; style-src 'self'; script-src 'self'; frame-ancestors 'none'",
                ),
            ),
            (header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff")),
        ],
        html,
    )
        .into_response()
}

fn asset(kind: &'static str, body: &'static str) -> Response {
    (
        [
            (header::CONTENT_TYPE, HeaderValue::from_static(kind)),
            (header::CACHE_CONTROL, HeaderValue::from_static("no-cache")),
            (
                header::X_CONTENT_TYPE_OPTIONS,
                HeaderValue::from_static("nosniff"),
            ),
        ],
        body,
    )
        .into_response()
}

pub(crate) fn routes() -> Router<Arc<App>> {
    Router::new()
        .route("/", get(home))
        .route("/portal", get(|| async { page(INDEX) }))
        .route("/new/{kind}", get(|| async { page(EDIT) }))
        .route("/edit", get(|| async { page(EDIT) }))
        .route("/login", get(|| async { page(LOGIN) }))
        .route("/office", get(office))
        .route(
            "/static/app.css",
            get(|| async { asset("text/css; charset=utf-8", CSS) }),
        )
        .route(
            "/static/common.js",
            get(|| async { asset("text/javascript; charset=utf-8", COMMON_JS) }),
        )
        .route(
            "/static/index.js",
            get(|| async { asset("text/javascript; charset=utf-8", INDEX_JS) }),
        )
        .route(
            "/static/edit.js",
            get(|| async { asset("text/javascript; charset=utf-8", EDIT_JS) }),
        )
        .route(
            "/static/office.js",
            get(|| async { asset("text/javascript; charset=utf-8", OFFICE_JS) }),
        )
}

/// The start page: the materials folder, or in the portal the school's or
/// the office's home (or the login page).
async fn home(State(app): State<Arc<App>>, headers: HeaderMap) -> Response {
    match &app.mode {
        Mode::Local { .. } => page(INDEX),
        Mode::Office(p) => match p.session(&headers) {
            None => Redirect::to("/login").into_response(),
            Some(s) if s.is_office() => Redirect::to("/office").into_response(),
            Some(_) => Redirect::to("/portal").into_response(),
        },
    }
}

/// Only the office reaches its board; others are sent to log in.
async fn office(State(app): State<Arc<App>>, headers: HeaderMap) -> Response {
    match &app.mode {
        Mode::Office(p) if p.session(&headers).is_some_and(|s| s.is_office()) => page(OFFICE),
        Mode::Office(_) => Redirect::to("/login").into_response(),
        Mode::Local { .. } => Redirect::to("/").into_response(),
    }
}
