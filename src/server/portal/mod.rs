//! The office's submission portal (`baosong serve --office DIR`): schools
//! log in with their code and submit through the workbench, each
//! submission checked on arrival and kept with its history; the office
//! watches the status board, adds up the summaries, compiles the volume and
//! exports everything in the layout the command line takes.

pub(crate) mod api;
pub(crate) mod auth;
pub(crate) mod store;

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::atomic::AtomicU64;
use std::sync::{Arc, Mutex};

use axum::http::HeaderMap;
use axum::Router;

use super::workspace::Workspace;
use super::{ApiError, App};
use crate::diag::{code, Diagnostic};
use crate::input::collection::RosterUnit;
use crate::rules::Rules;

pub(crate) use auth::Session;
pub(crate) use store::Store;

/// A compile started from the board.
#[derive(Debug, Clone, Default, serde::Serialize)]
pub struct Job {
    pub state: String,
    pub stage: String,
    pub done: usize,
    pub total: usize,
    pub message: String,
    pub files: Vec<String>,
}

pub(crate) struct Portal {
    pub dir: PathBuf,
    pub store: Store,
    pub sessions: auth::Sessions,
    pub jobs: Mutex<HashMap<String, Arc<Mutex<Job>>>>,
    /// Bumped on every submission, so the board knows when to refresh.
    pub version: AtomicU64,
}

impl Portal {
    pub fn open(dir: &Path) -> Result<Portal, Diagnostic> {
        let store = Store::open(dir, false).map_err(|m| {
            Diagnostic::new(code::UNREADABLE, m)
                .hint("请先运行 baosong office init 文件夹 --roster roster.toml 建立报送平台")
        })?;
        // Files of submissions a crash cut short were never visible: remove them.
        store
            .collect_garbage()
            .map_err(|m| Diagnostic::new(code::INTERNAL, m))?;
        let sessions =
            auth::Sessions::load(&store).map_err(|m| Diagnostic::new(code::INTERNAL, m))?;
        Ok(Portal {
            dir: dir.to_path_buf(),
            store,
            sessions,
            jobs: Mutex::new(HashMap::new()),
            version: AtomicU64::new(1),
        })
    }

    pub fn session(&self, headers: &HeaderMap) -> Option<Session> {
        self.sessions.get(headers)
    }

    /// A school's own folder for drafts; the office has none.
    pub fn workspace(&self, headers: &HeaderMap) -> Result<Workspace, ApiError> {
        let s = self
            .session(headers)
            .ok_or_else(|| ApiError::new(axum::http::StatusCode::UNAUTHORIZED, "请先登录"))?;
        if s.is_office() {
            return Err(ApiError::forbidden());
        }
        let root = self.dir.join("workspaces").join(s.unit_id.to_string());
        std::fs::create_dir_all(&root)
            .map_err(|e| ApiError::internal(crate::files::io_reason(&e)))?;
        let root = root.canonicalize().unwrap_or(root);
        Ok(Workspace {
            root,
            unit: Some(s.unit),
        })
    }

    /// The office's rules: a `baosong.toml` in its folder, else built in.
    pub fn rules(&self) -> Rules {
        crate::config::load_rules(None, &self.dir).unwrap_or_default()
    }

    /// The schools expected to submit, in roster order.
    pub fn roster(&self) -> Vec<RosterUnit> {
        self.store
            .units()
            .unwrap_or_default()
            .into_iter()
            .filter(|u| u.role == "school")
            .map(|u| RosterUnit {
                name: u.name,
                region: u.region,
            })
            .collect()
    }
}

pub(crate) fn routes() -> Router<Arc<App>> {
    api::routes()
}
