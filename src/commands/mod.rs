//! One module per command; each returns the process exit status.

pub mod build;
pub mod check;
pub mod compile;
pub mod fonts;
pub mod import;
pub mod new;
pub mod stats;
pub mod status;

/// Exit statuses (SPEC §7).
pub mod exit {
    pub const OK: u8 = 0;
    pub const VIOLATIONS: u8 = 1;
    pub const UNUSABLE: u8 = 2;
}
