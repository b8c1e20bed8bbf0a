//! The two renderers of the intermediate document.

pub mod docx;
mod docx_order;
mod docx_package;
pub mod pdf;
pub mod volume;
pub mod world;
pub mod xlsx;
