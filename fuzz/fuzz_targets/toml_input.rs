//! The TOML loader and model validation, on any text.
#![no_main]
use std::sync::Arc;

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        let file = Arc::new(baosong::diag::SourceFile { path: "fuzz.toml".into(), text: text.into() });
        let loaded = baosong::input::load_source(file);
        for d in &loaded.diagnostics {
            // Rendering must cope with any span the loader produced.
            let _ = baosong::diag::render_plain(d);
        }
        if let Some(doc) = loaded.document {
            let _ = baosong::check::body_word_count(&doc);
        }
    }
});
