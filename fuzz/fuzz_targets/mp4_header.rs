//! The MP4 reader `check` uses for videos.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let dir = std::env::temp_dir().join(format!("baosong-fuzz-{}", std::process::id()));
    let _ = std::fs::create_dir_all(&dir);
    let p = dir.join("v.mp4");
    if std::fs::write(&p, data).is_ok() {
        let _ = baosong::video::probe(&p, 200 * 1024 * 1024);
    }
});
