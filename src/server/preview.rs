//! Live previews: one long-lived Typst world per open draft (see
//! `render::preview`), and small screen copies of the photos so a page
//! renders in milliseconds. Both are bounded: old drafts are dropped.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::{Instant, SystemTime};

use typst::foundations::Bytes;

use crate::render::preview::{PageImage, Preview};

/// Open drafts kept at once; the oldest goes first.
const MAX_DRAFTS: usize = 16;
/// Screen copies of photos kept at once.
const MAX_PHOTOS: usize = 256;
/// Width of a photo's screen copy in pixels.
pub const SCREEN_WIDTH: u32 = 900;

pub(crate) struct Draft {
    pub preview: Preview,
    pub pages: Vec<PageImage>,
    last_used: Instant,
}

/// A photo file as it was when copied.
type PhotoKey = (PathBuf, u64, Option<SystemTime>, u32);

#[derive(Default)]
pub(crate) struct Previews {
    drafts: Mutex<HashMap<(PathBuf, String), Arc<Mutex<Draft>>>>,
    photos: Mutex<HashMap<PhotoKey, (Bytes, Instant)>>,
}

impl Previews {
    /// The draft `id` of the workspace at `root`, created on first use.
    /// Drafts are keyed by workspace too: an id from another school's page
    /// reaches nothing.
    pub fn draft(
        &self,
        root: &Path,
        id: &str,
        make: impl FnOnce() -> Preview,
    ) -> Arc<Mutex<Draft>> {
        let mut drafts = self.drafts.lock().unwrap_or_else(|e| e.into_inner());
        if drafts.len() >= MAX_DRAFTS {
            let oldest = drafts
                .iter()
                .min_by_key(|(_, d)| {
                    d.lock()
                        .map(|d| d.last_used)
                        .unwrap_or_else(|_| Instant::now())
                })
                .map(|(k, _)| k.clone());
            if let Some(k) = oldest {
                drafts.remove(&k);
            }
        }
        let d = drafts
            .entry((root.to_path_buf(), id.to_string()))
            .or_insert_with(|| {
                Arc::new(Mutex::new(Draft {
                    preview: make(),
                    pages: vec![],
                    last_used: Instant::now(),
                }))
            })
            .clone();
        if let Ok(mut g) = d.lock() {
            g.last_used = Instant::now();
        }
        d
    }

    /// The page image with `hash` of a draft, if it is still shown.
    pub fn page(&self, root: &Path, id: &str, hash: &str) -> Option<Arc<Vec<u8>>> {
        let drafts = self.drafts.lock().unwrap_or_else(|e| e.into_inner());
        let d = drafts.get(&(root.to_path_buf(), id.to_string()))?.clone();
        drop(drafts);
        let d = d.lock().ok()?;
        d.pages
            .iter()
            .find(|p| p.hash == hash)
            .map(|p| p.png.clone())
    }

    /// A small upright copy of a photo file, made once per file version.
    pub fn screen_copy(&self, path: &Path, orientation: u16, width: u32) -> Option<Bytes> {
        let meta = std::fs::metadata(path).ok()?;
        let key = (path.to_path_buf(), meta.len(), meta.modified().ok(), width);
        if let Some((b, _)) = self
            .photos
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .get_mut(&key)
            .map(|e| {
                e.1 = Instant::now();
                e.clone()
            })
        {
            return Some(b);
        }
        let bytes = std::fs::read(path).ok()?;
        let small = crate::photo::screen_copy(&bytes, orientation, width).ok()?;
        let b = Bytes::new(small);
        let mut photos = self.photos.lock().unwrap_or_else(|e| e.into_inner());
        if photos.len() >= MAX_PHOTOS {
            if let Some(k) = photos
                .iter()
                .min_by_key(|(_, v)| v.1)
                .map(|(k, _)| k.clone())
            {
                photos.remove(&k);
            }
        }
        photos.insert(key, (b.clone(), Instant::now()));
        Some(b)
    }
}
