//! The body-text parser: paragraphs, headings, run-in splits, title breaks.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        for p in baosong::ir::body::paragraphs(text) {
            assert!(text.get(p.src.clone()).is_some(), "paragraph range inside the text");
            if let Some((_, n)) = baosong::ir::body::heading_marker(&p.text) {
                assert!(p.text.is_char_boundary(n));
            }
            let (end, _) = baosong::ir::body::split_run_in(&p.text);
            assert!(p.text.is_char_boundary(end));
        }
        let lines = baosong::ir::title::break_lines(text, 19.5);
        let joined: String = lines.concat();
        assert!(joined.chars().filter(|c| !c.is_whitespace()).count() <= text.chars().filter(|c| !c.is_whitespace()).count());
        let _ = baosong::text::word_count(text);
    }
});
