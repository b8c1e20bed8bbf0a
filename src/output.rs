//! Writing outputs: whole or not at all. Each file goes to a temporary
//! file in the destination folder and is renamed over the target, so a
//! killed run leaves the old file or the new one, never half of one.

use std::io::{Seek, Write};
use std::path::{Path, PathBuf};

/// Where outputs are written: a file, which zip packages also seek in.
pub trait WriteSeek: Write + Seek {}
impl<T: Write + Seek> WriteSeek for T {}

use crate::diag::{code, Diagnostic};

pub fn write_atomic(path: &Path, bytes: &[u8], inputs: &[PathBuf]) -> Result<(), Diagnostic> {
    write_atomic_with(path, inputs, &mut |w| {
        w.write_all(bytes)
            .map_err(|e| Diagnostic::new(code::WRITE, crate::files::io_reason(&e)))
    })
}

/// As `write_atomic`, with the content written by `fill` (streamed: a
/// volume's PDF is never held whole in memory).
pub fn write_atomic_with(
    path: &Path,
    inputs: &[PathBuf],
    fill: &mut dyn FnMut(&mut dyn WriteSeek) -> Result<(), Diagnostic>,
) -> Result<(), Diagnostic> {
    let err = |what: String| {
        Diagnostic::new(code::WRITE, format!("无法写入 {}：{what}", path.display()))
            .hint("请检查输出文件夹是否存在、是否有写入权限，以及文件是否正被 Word 或 WPS 打开")
    };
    // Never overwrite an input, however the output name was made.
    if let Ok(target) = path.canonicalize() {
        if inputs
            .iter()
            .any(|i| i.canonicalize().is_ok_and(|i| i == target))
        {
            return Err(err("输出文件与输入文件相同，已拒绝覆盖".into()));
        }
    }
    let dir = crate::files::dir_of(path);
    std::fs::create_dir_all(&dir).map_err(|e| err(crate::files::io_reason(&e)))?;
    let mut builder = tempfile::Builder::new();
    builder.prefix(".baosong-").suffix(".tmp");
    // tempfile creates 0600 files; outputs are ordinary documents.
    #[cfg(unix)]
    builder.permissions(std::os::unix::fs::PermissionsExt::from_mode(0o644));
    let mut tmp = builder
        .tempfile_in(&dir)
        .map_err(|e| err(crate::files::io_reason(&e)))?;
    {
        let mut w = std::io::BufWriter::with_capacity(1 << 20, tmp.as_file_mut());
        fill(&mut w).map_err(|d| err(d.message))?;
        w.flush().map_err(|e| err(crate::files::io_reason(&e)))?;
    }
    tmp.as_file()
        .sync_all()
        .map_err(|e| err(crate::files::io_reason(&e)))?;
    test_hook_before_rename().map_err(err)?;
    tmp.persist(path)
        .map_err(|e| err(crate::files::io_reason(&e.error)))?;
    Ok(())
}

/// Lets the atomicity test stop a run between writing the temporary file
/// and renaming it: `BAOSONG_TEST_HOOK=fail-before-rename` fails there (as a
/// full disk would), `pause-before-rename:MS` waits there so the test can
/// kill the process while an output is being written.
fn test_hook_before_rename() -> Result<(), String> {
    let Ok(hook) = std::env::var("BAOSONG_TEST_HOOK") else {
        return Ok(());
    };
    if hook == "fail-before-rename" {
        return Err("测试钩子：重命名前失败".into());
    }
    if let Some(ms) = hook
        .strip_prefix("pause-before-rename:")
        .and_then(|m| m.parse().ok())
    {
        std::thread::sleep(std::time::Duration::from_millis(ms));
    }
    Ok(())
}

/// Writes a rendered output, or reports why it could not be made or
/// written. Returns whether the file is there.
pub fn write_reported(
    path: &Path,
    made: Result<Vec<u8>, Diagnostic>,
    inputs: &[PathBuf],
    reporter: &mut crate::diag::Reporter,
) -> bool {
    let result = made.and_then(|bytes| write_atomic(path, &bytes, inputs));
    match result {
        Ok(()) => {
            reporter.note(&format!("已生成 {}", path.display()));
            true
        }
        Err(d) => {
            reporter.emit(&d);
            false
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn writes_whole_and_refuses_inputs() {
        let d = tempfile::tempdir().unwrap();
        let out = d.path().join("a.pdf");
        write_atomic(&out, b"one", &[]).unwrap();
        write_atomic(&out, b"two", &[]).unwrap();
        assert_eq!(std::fs::read(&out).unwrap(), b"two");
        let input = d.path().join("in.toml");
        std::fs::write(&input, "x").unwrap();
        assert!(write_atomic(&input, b"y", &[input.clone()]).is_err());
        assert_eq!(std::fs::read(&input).unwrap(), b"x");
        // No temporary files are left behind.
        let names: Vec<_> = std::fs::read_dir(d.path())
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(names.len(), 2, "{names:?}");
    }
}
