use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    let cli = match baosong::cli::Cli::try_parse() {
        Ok(c) => c,
        Err(e) => {
            if !e.use_stderr() {
                // --help and --version.
                let _ = e.print();
                return ExitCode::SUCCESS;
            }
            eprintln!("{}", baosong::cli::chinese_usage_error(&e));
            return ExitCode::from(baosong::exit::UNUSABLE);
        }
    };
    ExitCode::from(baosong::run(&cli))
}
