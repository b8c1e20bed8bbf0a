//! The TOML loader and model validation, on any text.
#![no_main]
use std::sync::Arc;

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        let file = Arc::new(baosong::diag::SourceFile::new("fuzz.toml", text));
        let loaded = baosong::input::load_source(file);
        for d in &loaded.diagnostics {
            // Rendering must cope with any span the loader produced.
            let _ = baosong::diag::render_plain(d);
        }
        let _ = baosong::body_word_count(&loaded);
    }
});
