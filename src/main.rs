use std::process::ExitCode;

use clap::Parser;

use baosong::cli::{Cli, Command};
use baosong::commands;
use baosong::diag::{MessageFormat, Reporter};

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(c) => c,
        Err(e) => {
            if !e.use_stderr() {
                // --help and --version.
                let _ = e.print();
                return ExitCode::SUCCESS;
            }
            eprintln!("{}", chinese_usage_error(&e));
            return ExitCode::from(commands::exit::UNUSABLE);
        }
    };
    let status = match &cli.command {
        Command::Build(args) => commands::build::run(args, &mut Reporter::new(args.message_format)),
        Command::Compile(args) => {
            commands::compile::run(args, &mut Reporter::new(args.message_format))
        }
        Command::Stats(args) => commands::stats::run(args, &mut Reporter::new(args.message_format)),
        Command::Status(args) => {
            commands::status::run(args, &mut Reporter::new(MessageFormat::Human))
        }
        Command::Import(args) => {
            commands::import::run(args, &mut Reporter::new(MessageFormat::Human))
        }
        Command::Check(args) => commands::check::run(args, &mut Reporter::new(args.message_format)),
        Command::Fonts(args) => {
            commands::fonts::run(args, &mut Reporter::new(MessageFormat::Human))
        }
        Command::New(args) => commands::new::run(args, &mut Reporter::new(MessageFormat::Human)),
    };
    ExitCode::from(status)
}

/// clap speaks English; our users read Chinese.
fn chinese_usage_error(e: &clap::Error) -> String {
    use clap::error::{ContextKind, ContextValue, ErrorKind};
    let ctx = |k: ContextKind| match e.get(k) {
        Some(ContextValue::String(s)) => s.clone(),
        Some(ContextValue::Strings(v)) => v.join("、"),
        Some(other) => other.to_string(),
        None => String::new(),
    };
    let what = match e.kind() {
        ErrorKind::MissingRequiredArgument => {
            format!("缺少必需的参数：{}", ctx(ContextKind::InvalidArg))
        }
        ErrorKind::InvalidSubcommand => {
            format!("没有这个命令：{}", ctx(ContextKind::InvalidSubcommand))
        }
        ErrorKind::UnknownArgument => format!("不认识的选项：{}", ctx(ContextKind::InvalidArg)),
        ErrorKind::InvalidValue => format!(
            "选项 {} 的取值“{}”不对，可以是：{}",
            ctx(ContextKind::InvalidArg),
            ctx(ContextKind::InvalidValue),
            ctx(ContextKind::ValidValue)
        ),
        ErrorKind::MissingSubcommand | ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand => {
            "请给出一个命令".into()
        }
        ErrorKind::ArgumentConflict => {
            format!("选项 {} 不能同时使用", ctx(ContextKind::InvalidArg))
        }
        _ => format!("命令行参数有误（{}）", e.kind()),
    };
    format!("错误：{what}\n提示：运行 baosong --help 查看用法")
}
