//! The .docx importer, on any bytes (zips, XML, garbage).
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(content) = baosong::import::docx::read(data) {
        let imported = baosong::import::to_toml(&content, &baosong::rules::Rules::default());
        // Whatever it wrote must be TOML our own loader can read.
        let file = std::sync::Arc::new(baosong::diag::SourceFile::new("x.toml", imported.toml));
        let loaded = baosong::input::load_source(file);
        assert!(!loaded.diagnostics.iter().any(|d| d.code.as_str() == "B0001"), "import wrote invalid TOML");
    }
});
