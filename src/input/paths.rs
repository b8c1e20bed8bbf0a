//! Paths in inputs are relative to the input's folder and may not leave it,
//! neither by `..`, nor by an absolute path, nor through a symbolic link.

use std::path::{Component, Path, PathBuf};

use crate::diag::{code, Diagnostic};

#[derive(Debug)]
pub enum PathError {
    Absolute,
    Escapes,
    Missing,
    LinkEscapes,
}

impl PathError {
    pub fn diagnostic(&self) -> Diagnostic {
        match self {
            PathError::Absolute => Diagnostic::new(code::PATH_ESCAPES, "不能使用绝对路径")
                .label("绝对路径")
                .hint("请把文件放到本文件所在的文件夹（或其子文件夹）里，再写相对路径，如 photos/01.jpg"),
            PathError::Escapes => Diagnostic::new(code::PATH_ESCAPES, "路径跑到了本文件所在文件夹之外")
                .label("不能用 .. 离开所在文件夹")
                .hint("请把文件复制到本文件所在的文件夹里，再写相对路径，如 photos/01.jpg"),
            PathError::LinkEscapes => Diagnostic::new(code::PATH_ESCAPES, "这个文件是指向文件夹外部的快捷方式（符号链接）")
                .hint("请把真正的文件复制到本文件所在的文件夹里"),
            PathError::Missing => Diagnostic::new(code::PHOTO_MISSING, "找不到这个文件")
                .label("文件不存在")
                .hint("请检查文件名（包括扩展名 .jpg）和所在子文件夹是否写对"),
        }
    }
}

/// Resolves `rel` against `dir`, refusing anything outside `dir`.
pub fn resolve_inside(dir: &Path, rel: &str) -> Result<PathBuf, PathError> {
    // Windows users write backslashes.
    let rel = rel.trim().replace('\\', "/");
    let p = Path::new(&rel);
    if p.is_absolute() || rel.starts_with('/') || rel.get(1..2) == Some(":") {
        return Err(PathError::Absolute);
    }
    let mut depth = 0i32;
    for c in p.components() {
        match c {
            Component::ParentDir => depth -= 1,
            Component::Normal(_) => depth += 1,
            Component::CurDir => {}
            _ => return Err(PathError::Absolute),
        }
        if depth < 0 {
            return Err(PathError::Escapes);
        }
    }
    let joined = dir.join(p);
    let (Ok(real), Ok(base)) = (joined.canonicalize(), dir.canonicalize()) else {
        return Err(PathError::Missing);
    };
    if !real.starts_with(&base) {
        return Err(PathError::LinkEscapes);
    }
    Ok(joined)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refuses_escapes() {
        let d = tempfile::tempdir().unwrap();
        std::fs::create_dir(d.path().join("sub")).unwrap();
        std::fs::write(d.path().join("sub/a.jpg"), b"x").unwrap();
        assert!(resolve_inside(d.path(), "sub/a.jpg").is_ok());
        assert!(resolve_inside(d.path(), "sub\\a.jpg").is_ok());
        assert!(resolve_inside(d.path(), "sub/../sub/a.jpg").is_ok());
        assert!(matches!(
            resolve_inside(d.path(), "../a.jpg"),
            Err(PathError::Escapes)
        ));
        assert!(matches!(
            resolve_inside(d.path(), "sub/../../a.jpg"),
            Err(PathError::Escapes)
        ));
        assert!(matches!(
            resolve_inside(d.path(), "/etc/passwd"),
            Err(PathError::Absolute)
        ));
        assert!(matches!(
            resolve_inside(d.path(), "C:/x.jpg"),
            Err(PathError::Absolute)
        ));
        assert!(matches!(
            resolve_inside(d.path(), "nope.jpg"),
            Err(PathError::Missing)
        ));
    }

    #[cfg(unix)]
    #[test]
    fn refuses_symlink_out() {
        let outside = tempfile::tempdir().unwrap();
        std::fs::write(outside.path().join("s.jpg"), b"x").unwrap();
        let d = tempfile::tempdir().unwrap();
        std::os::unix::fs::symlink(outside.path().join("s.jpg"), d.path().join("l.jpg")).unwrap();
        assert!(matches!(
            resolve_inside(d.path(), "l.jpg"),
            Err(PathError::LinkEscapes)
        ));
    }
}
