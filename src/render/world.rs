//! Our Typst `World`: one struct owning the template, the document data,
//! the photos and the fonts. The compiler never touches the disk.

use std::collections::HashMap;

use typst::diag::{FileError, FileResult};
use typst::foundations::{Bytes, Datetime, Duration};
use typst::syntax::{FileId, RootedPath, Source, VirtualPath, VirtualRoot};
use typst::text::{Font, FontBook};
use typst::utils::LazyHash;
use typst::{Library, LibraryExt, World};

pub struct MemoryWorld {
    library: LazyHash<Library>,
    book: LazyHash<FontBook>,
    fonts: Vec<Font>,
    main: Source,
    files: HashMap<FileId, Bytes>,
    today: Datetime,
}

pub fn file_id(path: &str) -> FileId {
    let vpath = VirtualPath::new(path).expect("static virtual path is valid");
    RootedPath::new(VirtualRoot::Project, vpath).intern()
}

impl MemoryWorld {
    /// Uses these faces from the next compile on (a document that needs
    /// an installed face for a rare character); unchanged faces keep
    /// Typst's caches.
    pub fn set_fonts(&mut self, fonts: &[Font], book: &FontBook) {
        if self.fonts != fonts {
            self.fonts = fonts.to_vec();
            self.book = LazyHash::new(book.clone());
        }
    }

    /// Replaces or adds a file; the next compile sees it. Unchanged files
    /// keep their `Bytes`, so typst's caches recognise them without
    /// hashing them again.
    pub fn set_file(&mut self, path: &str, bytes: Bytes) {
        self.files.insert(file_id(path), bytes);
    }

    /// Drops files not in `keep` (photos no longer in the document).
    pub fn retain_files(&mut self, keep: &dyn Fn(&str) -> bool) {
        self.files
            .retain(|id, _| keep(&format!("/{}", id.vpath().get_without_slash())));
    }

    /// `template` is the main Typst source; `files` maps virtual paths
    /// (`/document.json`, `/media/0.jpeg`) to their bytes.
    pub fn new(
        template: &str,
        files: Vec<(String, Bytes)>,
        fonts: Vec<Font>,
        book: FontBook,
    ) -> Self {
        let main_id = file_id("/main.typ");
        MemoryWorld {
            library: LazyHash::new(Library::default()),
            book: LazyHash::new(book),
            fonts,
            main: Source::new(main_id, template.to_string()),
            files: files.into_iter().map(|(p, b)| (file_id(&p), b)).collect(),
            // A fixed date: output must not depend on the clock.
            today: Datetime::from_ymd(2000, 1, 1).expect("valid date"),
        }
    }
}

impl World for MemoryWorld {
    fn library(&self) -> &LazyHash<Library> {
        &self.library
    }
    fn book(&self) -> &LazyHash<FontBook> {
        &self.book
    }
    fn main(&self) -> FileId {
        self.main.id()
    }
    fn source(&self, id: FileId) -> FileResult<Source> {
        if id == self.main.id() {
            return Ok(self.main.clone());
        }
        // Other Typst files (the shared /lib.typ) are served from `files`.
        let bytes = self
            .files
            .get(&id)
            .ok_or_else(|| FileError::NotFound(id.vpath().get_without_slash().into()))?;
        let text = std::str::from_utf8(bytes.as_slice()).map_err(|_| FileError::InvalidUtf8)?;
        Ok(Source::new(id, text.to_string()))
    }
    fn file(&self, id: FileId) -> FileResult<Bytes> {
        if id == self.main.id() {
            return Ok(Bytes::from_string(self.main.clone()));
        }
        self.files
            .get(&id)
            .cloned()
            .ok_or_else(|| FileError::NotFound(id.vpath().get_without_slash().into()))
    }
    fn font(&self, index: usize) -> Option<Font> {
        self.fonts.get(index).cloned()
    }
    fn today(&self, _offset: Option<Duration>) -> Option<Datetime> {
        Some(self.today)
    }
}
