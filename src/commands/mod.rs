//! One module per command; each returns the process exit status.

mod build;
mod check;
mod compile;
mod explain;
mod fonts;
mod import;
mod new;
mod office;
mod serve;
mod stats;
mod status;

use crate::cli::{Cli, Command};
use crate::diag::{MessageFormat, Reporter};

/// Runs one command line; returns the exit status.
pub fn run(cli: &Cli) -> u8 {
    let human = || Reporter::new(MessageFormat::Human);
    match &cli.command {
        Command::Build(a) => build::run(a, &mut Reporter::new(a.message_format)),
        Command::Check(a) => check::run(a, &mut Reporter::new(a.message_format)),
        Command::Compile(a) => compile::run(a, &mut Reporter::new(a.message_format)),
        Command::Stats(a) => stats::run(a, &mut Reporter::new(a.message_format)),
        Command::Status(a) => status::run(a, &mut human()),
        Command::Import(a) => import::run(a, &mut human()),
        Command::Fonts(a) => fonts::run(a, &mut human()),
        Command::New(a) => new::run(a, &mut human()),
        Command::Explain(a) => explain::run(a, &mut human()),
        Command::Serve(a) => serve::run(a, &mut human()),
        Command::Office(a) => office::run(a, &mut human()),
    }
}

/// Exit statuses (SPEC §7).
pub mod exit {
    pub const OK: u8 = 0;
    pub const VIOLATIONS: u8 = 1;
    pub const UNUSABLE: u8 = 2;
}
