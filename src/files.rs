//! Small facts about paths and I/O shared by every layer.

use std::path::{Path, PathBuf};

/// The folder a file is in: its parent, or `.` for a bare file name.
pub fn dir_of(path: &Path) -> PathBuf {
    match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    }
}

/// A plain Chinese reason for an I/O error.
pub fn io_reason(e: &std::io::Error) -> String {
    use std::io::ErrorKind::*;
    match e.kind() {
        NotFound => "文件或文件夹不存在".into(),
        PermissionDenied => "没有权限".into(),
        AlreadyExists => "文件已存在".into(),
        StorageFull => "磁盘空间不足".into(),
        _ => e.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dir_of_bare_name_is_dot() {
        assert_eq!(dir_of(Path::new("a.toml")), PathBuf::from("."));
        assert_eq!(dir_of(Path::new("x/a.toml")), PathBuf::from("x"));
        assert_eq!(dir_of(Path::new("/a.toml")), PathBuf::from("/"));
    }
}
