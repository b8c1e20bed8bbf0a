//! The renderers of the intermediate document.

pub mod docx;
pub mod pdf;
mod pdf_images;
mod pdf_merge;
pub mod preview;
pub mod volume;
pub mod world;
pub mod xlsx;
