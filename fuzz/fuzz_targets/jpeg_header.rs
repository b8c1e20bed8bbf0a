//! The photo header reader (format, size, EXIF orientation), in memory and
//! through the file-based probe `check` uses.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = baosong::photo::Photo::from_bytes(data.to_vec().into(), 100_000_000);
    let dir = std::env::temp_dir().join(format!("baosong-fuzz-{}", std::process::id()));
    let _ = std::fs::create_dir_all(&dir);
    let p = dir.join("p.jpg");
    if std::fs::write(&p, data).is_ok() {
        let _ = baosong::photo::probe(&p, 100_000_000);
    }
});
