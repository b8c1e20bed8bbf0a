//! The renderers of the intermediate document.

pub mod docx;
pub mod pdf;
pub mod preview;
pub mod volume;
pub mod world;
pub mod xlsx;
