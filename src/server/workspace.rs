//! A workspace: the folder whose materials the workbench edits — the
//! teacher's folder, or a school's own folder in the portal. Every path a
//! browser sends is resolved here and never leaves the folder.

use std::path::{Component, Path, PathBuf};

use super::ApiError;

#[derive(Debug, Clone)]
pub struct Workspace {
    pub root: PathBuf,
    /// In the portal, the unit whose workspace this is: its materials are
    /// always submitted under this unit.
    pub unit: Option<String>,
}

impl Workspace {
    /// A relative path from the browser, checked: no absolute paths, no
    /// `..`, no links out of the folder.
    pub fn resolve(&self, rel: &str) -> Result<PathBuf, ApiError> {
        let rel = rel.trim().replace('\\', "/");
        let p = Path::new(&rel);
        if rel.is_empty()
            || p.is_absolute()
            || rel.starts_with('/')
            || rel.get(1..2) == Some(":")
            || p.components().any(|c| !matches!(c, Component::Normal(_)))
        {
            return Err(ApiError::bad("路径不合法"));
        }
        let full = self.root.join(p);
        // Whatever exists along the way must stay inside the folder.
        let mut probe = full.clone();
        while !probe.exists() {
            if !probe.pop() {
                break;
            }
        }
        if let (Ok(real), Ok(root)) = (probe.canonicalize(), self.root.canonicalize()) {
            if !real.starts_with(&root) {
                return Err(ApiError::forbidden());
            }
        }
        Ok(full)
    }

    /// A material's path: a `.toml` that exists.
    pub fn material(&self, rel: &str) -> Result<PathBuf, ApiError> {
        let p = self.resolve(rel)?;
        if !p
            .extension()
            .is_some_and(|e| e.eq_ignore_ascii_case("toml"))
            || !p.is_file()
        {
            return Err(ApiError::not_found());
        }
        Ok(p)
    }

    /// The path relative to the root, with forward slashes.
    pub fn rel(&self, p: &Path) -> String {
        p.strip_prefix(&self.root)
            .unwrap_or(p)
            .to_string_lossy()
            .replace('\\', "/")
    }

    /// A free file name in `dir` for `name` (sanitised as the CLI does):
    /// the same name if that file holds the same bytes, else `name（2）`….
    pub fn free_name(dir: &Path, name: &str, same: &dyn Fn(&Path) -> bool) -> PathBuf {
        // Only the last part of whatever path was sent, never a hidden name.
        let base = name.rsplit(['/', '\\']).next().unwrap_or("");
        let mut name = crate::names::sanitize(base, 80)
            .trim_start_matches('.')
            .to_string();
        if name.is_empty() {
            name = "文件".into();
        }
        let (stem, ext) = match name.rsplit_once('.') {
            Some((s, e)) if !s.is_empty() => (s.to_string(), format!(".{e}")),
            _ => (name.clone(), String::new()),
        };
        for n in 1.. {
            let candidate = if n == 1 {
                format!("{stem}{ext}")
            } else {
                format!("{stem}（{n}）{ext}")
            };
            let p = dir.join(&candidate);
            if !p.exists() || same(&p) {
                return p;
            }
        }
        unreachable!("some name is free")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_stay_inside() {
        let d = tempfile::tempdir().unwrap();
        let ws = Workspace {
            root: d.path().to_path_buf(),
            unit: None,
        };
        assert!(ws.resolve("a/b.toml").is_ok());
        for bad in ["../x.toml", "/etc/passwd", "a/../../x", "C:/x", "", "./a"] {
            assert!(ws.resolve(bad).is_err(), "{bad}");
        }
        #[cfg(unix)]
        {
            let out = tempfile::tempdir().unwrap();
            std::os::unix::fs::symlink(out.path(), d.path().join("link")).unwrap();
            assert!(ws.resolve("link/x.toml").is_err());
        }
        let p = Workspace::free_name(d.path(), "../../x.jpg", &|_| false);
        assert_eq!(p, d.path().join("x.jpg"));
        let dots = Workspace::free_name(d.path(), "..", &|_| false);
        assert_eq!(dots.parent().unwrap(), d.path());
        assert!(!dots.file_name().unwrap().to_string_lossy().starts_with('.'));
        std::fs::write(&p, b"1").unwrap();
        let q = Workspace::free_name(d.path(), "../../x.jpg", &|_| false);
        assert!(q.to_string_lossy().ends_with("（2）.jpg"), "{q:?}");
    }
}
