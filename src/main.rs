use std::process::ExitCode;

use clap::Parser;

use baosong::cli::{Cli, Command};
use baosong::commands;
use baosong::diag::{MessageFormat, Reporter};

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(c) => c,
        Err(e) => {
            let _ = e.print();
            return ExitCode::from(if e.use_stderr() {
                commands::exit::UNUSABLE
            } else {
                0
            });
        }
    };
    let status = match &cli.command {
        Command::Build(args) => commands::build::run(args, &mut Reporter::new(args.message_format)),
        Command::Fonts(args) => {
            commands::fonts::run(args, &mut Reporter::new(MessageFormat::Human))
        }
        Command::New(args) => commands::new::run(args, &mut Reporter::new(MessageFormat::Human)),
    };
    ExitCode::from(status)
}
