//! Command-line arguments, kept apart from the work. All help is Chinese.

use std::path::PathBuf;

use clap::{ArgAction, Args, Parser, Subcommand, ValueEnum};

use crate::diag::MessageFormat;

const HELP_TEMPLATE: &str =
    "{before-help}{name} {version}\n{about}\n\n用法：{usage}\n\n{all-args}{after-help}";
const SUB_TEMPLATE: &str = "{about}\n\n用法：{usage}\n\n{all-args}{after-help}";

#[derive(Debug, Parser)]
#[command(
    name = "baosong",
    version,
    about = "报送：按通知要求排版、检查学校报送材料，生成 Word 与 PDF",
    help_template = HELP_TEMPLATE,
    disable_help_flag = true,
    disable_version_flag = true,
    disable_help_subcommand = true,
    subcommand_help_heading = "命令",
    subcommand_value_name = "命令",
    next_help_heading = "选项",
    after_help = "示例：\n  baosong new case 我的案例      新建一份案例模板\n  baosong build 我的案例/case.toml  生成 Word 和 PDF\n  baosong fonts                  查看各部分所用字体"
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
    /// 显示帮助
    #[arg(short = 'h', long = "help", action = ArgAction::Help, global = true)]
    help: Option<bool>,
    /// 显示版本
    #[arg(short = 'V', long = "version", action = ArgAction::Version)]
    version: Option<bool>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// 把 TOML 材料排版成 Word（.docx）和 PDF
    #[command(help_template = SUB_TEMPLATE, next_help_heading = "选项", override_usage = "baosong build [选项] <文件>...")]
    Build(BuildArgs),
    /// 按通知要求检查材料，列出所有问题（不生成、不改动任何文件）
    #[command(help_template = SUB_TEMPLATE, next_help_heading = "选项", override_usage = "baosong check [选项] <文件或文件夹>...")]
    Check(CheckArgs),
    /// 把各校报送的案例汇编成一本（封面、目录、页码），生成 PDF 和 Word
    #[command(help_template = SUB_TEMPLATE, next_help_heading = "选项", override_usage = "baosong compile [选项] <collection.toml>")]
    Compile(CompileArgs),
    /// 汇总各县区、各校总结中的统计数据，生成统计表（Excel、Word、PDF）
    #[command(help_template = SUB_TEMPLATE, next_help_heading = "选项", override_usage = "baosong stats [选项] <文件或文件夹>...")]
    Stats(StatsArgs),
    /// 各单位报送情况：交了哪些材料、缺哪些、是否逾期、有多少错误
    #[command(help_template = SUB_TEMPLATE, next_help_heading = "选项", override_usage = "baosong status [选项] <文件或文件夹>...")]
    Status(StatusArgs),
    /// 把学校交来的 Word 文件（.docx）转换成 TOML 材料和图片文件
    #[command(help_template = SUB_TEMPLATE, next_help_heading = "选项", override_usage = "baosong import [选项] <文件.docx>")]
    Import(ImportArgs),
    /// 查看每个部分（标题、正文……）找到的字体
    #[command(help_template = SUB_TEMPLATE, next_help_heading = "选项", override_usage = "baosong fonts [选项]")]
    Fonts(FontArgs),
    /// 新建一份带说明的材料模板
    #[command(help_template = SUB_TEMPLATE, next_help_heading = "选项", override_usage = "baosong new <类型> [文件夹]\n  类型：case（案例/故事）、plan（工作方案）、media（媒体报道）、summary（总结）、highlights（一览表）")]
    New(NewArgs),
    /// 在浏览器中填写材料：表单、实时版面预览和检查结果（加 --office 为报送平台）
    #[command(help_template = SUB_TEMPLATE, next_help_heading = "选项", override_usage = "baosong serve [文件夹] [选项]\n  baosong serve --office 平台文件夹 [选项]")]
    Serve(ServeArgs),
    /// 报送平台的管理：建立平台、重发访问码、备份
    #[command(help_template = SUB_TEMPLATE, next_help_heading = "选项", subcommand_help_heading = "命令", subcommand_value_name = "命令", override_usage = "baosong office init <平台文件夹> --roster roster.toml [--collection collection.toml]\n  baosong office codes <平台文件夹> --reset <单位名>\n  baosong office backup <平台文件夹> <备份.zip>")]
    Office(OfficeArgs),
    /// 解释一个诊断代码（如 B0203）：含义、例子和改正方法
    #[command(help_template = SUB_TEMPLATE, next_help_heading = "选项", override_usage = "baosong explain <代码>\n  baosong explain --list   列出所有代码")]
    Explain(ExplainArgs),
}

#[derive(Debug, Args)]
pub struct ServeArgs {
    /// 材料所在的文件夹（默认当前文件夹）
    #[arg(value_name = "文件夹", conflicts_with = "office")]
    pub folder: Option<PathBuf>,
    /// 以报送平台方式运行：各单位用访问码登录报送（平台文件夹由 baosong office init 建立）
    #[arg(long = "office", value_name = "平台文件夹")]
    pub office: Option<PathBuf>,
    /// 端口（默认 7878，被占用时依次尝试后面的端口；0 表示任选一个空闲端口）
    #[arg(long = "port", value_name = "端口")]
    pub port: Option<u16>,
    /// 监听地址（默认 127.0.0.1，只有本机能访问；局域网内访问用 0.0.0.0）
    #[arg(
        long = "bind",
        value_name = "地址",
        default_value = "127.0.0.1",
        hide_default_value = true
    )]
    pub bind: std::net::IpAddr,
    /// 启动后用默认浏览器打开
    #[arg(long = "open")]
    pub open: bool,
    /// 通过其他名称访问本服务时（如 HTTPS 反向代理的域名），允许的主机名（可多次使用）
    #[arg(long = "host", value_name = "主机名")]
    pub hosts: Vec<String>,
    /// 单张照片的上传上限（MB，默认 50）
    #[arg(
        long = "max-photo-mb",
        value_name = "MB",
        default_value_t = 50,
        hide_default_value = true
    )]
    pub max_photo_mb: u64,
    /// Word 文件的上传上限（MB，默认 100）
    #[arg(
        long = "max-docx-mb",
        value_name = "MB",
        default_value_t = 100,
        hide_default_value = true
    )]
    pub max_docx_mb: u64,
    /// 视频的上传上限（MB，默认 250）
    #[arg(
        long = "max-video-mb",
        value_name = "MB",
        default_value_t = 250,
        hide_default_value = true
    )]
    pub max_video_mb: u64,
    /// 额外的字体文件夹（可多次使用）
    #[arg(long = "font-path", value_name = "文件夹")]
    pub font_paths: Vec<PathBuf>,
}

#[derive(Debug, Args)]
pub struct OfficeArgs {
    #[command(subcommand)]
    pub command: OfficeCommand,
}

#[derive(Debug, Subcommand)]
pub enum OfficeCommand {
    /// 建立报送平台的数据文件夹，为每个单位生成访问码
    #[command(help_template = SUB_TEMPLATE, next_help_heading = "选项")]
    Init(OfficeInitArgs),
    /// 为一个单位重新生成访问码（原访问码立即失效）
    #[command(help_template = SUB_TEMPLATE, next_help_heading = "选项")]
    Codes(OfficeCodesArgs),
    /// 备份平台的数据库和全部材料（平台运行时也可以备份）
    #[command(help_template = SUB_TEMPLATE, next_help_heading = "选项")]
    Backup(OfficeBackupArgs),
}

#[derive(Debug, Args)]
pub struct OfficeInitArgs {
    /// 平台文件夹（不存在会新建，必须为空）
    #[arg(value_name = "平台文件夹")]
    pub dir: PathBuf,
    /// 应报送单位名单
    #[arg(long = "roster", value_name = "roster.toml")]
    pub roster: PathBuf,
    /// 汇编说明文件（标题、编印单位、日期）
    #[arg(long = "collection", value_name = "collection.toml")]
    pub collection: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub struct OfficeCodesArgs {
    /// 平台文件夹
    #[arg(value_name = "平台文件夹")]
    pub dir: PathBuf,
    /// 要重新生成访问码的单位（办公室的访问码写“办公室”）
    #[arg(long = "reset", value_name = "单位名")]
    pub reset: String,
}

#[derive(Debug, Args)]
pub struct OfficeBackupArgs {
    /// 平台文件夹
    #[arg(value_name = "平台文件夹")]
    pub dir: PathBuf,
    /// 备份文件（.zip）
    #[arg(value_name = "备份.zip")]
    pub out: PathBuf,
}

#[derive(Debug, Args)]
pub struct ExplainArgs {
    /// 诊断代码，如 B0203
    #[arg(value_name = "代码", required_unless_present = "list")]
    pub code: Option<String>,
    /// 列出所有代码和标题
    #[arg(long = "list")]
    pub list: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum OutputFormat {
    /// Word 和 PDF 都生成
    All,
    /// 只生成 Word
    Docx,
    /// 只生成 PDF
    Pdf,
}

#[derive(Debug, Args, Clone, Default)]
pub struct FontArgs {
    /// 额外的字体文件夹（可多次使用），在系统字体之前查找
    #[arg(long = "font-path", value_name = "文件夹")]
    pub font_paths: Vec<PathBuf>,
    /// 规则文件（默认使用输入文件旁的 baosong.toml，没有则用内置规则）
    #[arg(long = "rules", value_name = "文件")]
    pub rules: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub struct BuildArgs {
    /// 要排版的材料文件（.toml），可以一次给多个
    #[arg(value_name = "文件", required = true)]
    pub files: Vec<PathBuf>,
    /// 输出文件夹（默认与输入文件放在一起）
    #[arg(short = 'o', long = "out", value_name = "文件夹")]
    pub out: Option<PathBuf>,
    /// 生成哪种文件：all（两种都生成，默认）、docx（只要 Word）、pdf（只要 PDF）
    #[arg(long = "format", value_enum, default_value_t = OutputFormat::All, value_name = "格式", hide_possible_values = true, hide_default_value = true)]
    pub format: OutputFormat,
    /// 用自己的 Typst 模板代替内置模板
    #[arg(long = "template", value_name = "文件")]
    pub template: Option<PathBuf>,
    /// 缺少规定字体时报错，而不是改用内置近似字体
    #[arg(long = "strict-fonts")]
    pub strict_fonts: bool,
    /// 有不符合通知要求的错误时也照样生成文件（退出码仍为 1）
    #[arg(long = "force")]
    pub force: bool,
    /// 生成归档用的 PDF/A（a-2b）
    #[arg(long = "pdf-standard", value_enum, value_name = "标准")]
    pub pdf_standard: Option<PdfStandard>,
    /// 有警告也视为失败（退出码 1）
    #[arg(long = "deny-warnings")]
    pub deny_warnings: bool,
    /// 诊断信息的输出格式：human（给人看，默认）或 json（每条一行，供脚本使用）
    #[arg(long = "message-format", value_enum, default_value_t = MessageFormat::Human, value_name = "格式", hide_possible_values = true, hide_default_value = true)]
    pub message_format: MessageFormat,
    /// Word 文件（.docx）中没有写明报送单位时使用的单位名称
    #[arg(long = "unit", value_name = "单位")]
    pub unit: Option<String>,
    #[command(flatten)]
    pub fonts: FontArgs,
}

#[derive(Debug, Args)]
pub struct CompileArgs {
    /// 汇编说明文件（标题、编印单位、日期、材料位置等）
    #[arg(value_name = "collection.toml")]
    pub collection: PathBuf,
    /// 输出文件夹（默认为说明文件旁的“汇编”文件夹）
    #[arg(short = 'o', long = "out", value_name = "文件夹")]
    pub out: Option<PathBuf>,
    /// 生成哪种文件：all（两种都生成，默认）、docx（只要 Word）、pdf（只要 PDF）
    #[arg(long = "format", value_enum, default_value_t = OutputFormat::All, value_name = "格式", hide_possible_values = true, hide_default_value = true)]
    pub format: OutputFormat,
    /// 有错误的材料也收入汇编（默认不收入，并列出来）
    #[arg(long = "include-invalid")]
    pub include_invalid: bool,
    /// 缺少规定字体时报错，而不是改用内置近似字体
    #[arg(long = "strict-fonts")]
    pub strict_fonts: bool,
    /// 诊断信息的输出格式：human（给人看，默认）或 json（每条一行，供脚本使用）
    #[arg(long = "message-format", value_enum, default_value_t = MessageFormat::Human, value_name = "格式", hide_possible_values = true, hide_default_value = true)]
    pub message_format: MessageFormat,
    #[command(flatten)]
    pub fonts: FontArgs,
}

#[derive(Debug, Args)]
pub struct StatsArgs {
    /// 总结文件（.toml）或文件夹（会查找其中所有 type = "summary" 的材料）
    #[arg(value_name = "文件或文件夹", required = true)]
    pub paths: Vec<PathBuf>,
    /// 输出文件夹（默认当前文件夹）
    #[arg(short = 'o', long = "out", value_name = "文件夹")]
    pub out: Option<PathBuf>,
    /// 诊断信息的输出格式：human（给人看，默认）或 json（每条一行，供脚本使用）
    #[arg(long = "message-format", value_enum, default_value_t = MessageFormat::Human, value_name = "格式", hide_possible_values = true, hide_default_value = true)]
    pub message_format: MessageFormat,
    #[command(flatten)]
    pub fonts: FontArgs,
}

#[derive(Debug, Args)]
pub struct StatusArgs {
    /// 各单位报送的材料所在的文件或文件夹
    #[arg(value_name = "文件或文件夹", required = true)]
    pub paths: Vec<PathBuf>,
    /// 应报送单位名单（roster.toml）；不给时列出找到的单位
    #[arg(long = "roster", value_name = "文件")]
    pub roster: Option<PathBuf>,
    /// 按哪一天判断是否逾期（如 2020-11-10；默认今天）
    #[arg(long = "date", value_name = "日期")]
    pub date: Option<String>,
    /// 输出文件夹，写入“报送情况.xlsx”（默认当前文件夹）
    #[arg(short = 'o', long = "out", value_name = "文件夹")]
    pub out: Option<PathBuf>,
    /// 规则文件（默认使用材料旁的 baosong.toml，没有则用内置规则）
    #[arg(long = "rules", value_name = "文件")]
    pub rules: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub struct ImportArgs {
    /// 要转换的 Word 文件
    #[arg(value_name = "文件.docx")]
    pub file: PathBuf,
    /// 输出文件夹（默认为 Word 文件旁、与它同名的文件夹）
    #[arg(short = 'o', long = "out", value_name = "文件夹")]
    pub out: Option<PathBuf>,
    /// 已有同名的 .toml 时覆盖它（默认不覆盖，以免丢失已做的修改）
    #[arg(long = "force")]
    pub force: bool,
    /// Word 文件（.docx）中没有写明报送单位时使用的单位名称
    #[arg(long = "unit", value_name = "单位")]
    pub unit: Option<String>,
}

#[derive(Debug, Args)]
pub struct CheckArgs {
    /// 要检查的材料文件（.toml）或文件夹（会检查其中所有 .toml，包括子文件夹）
    #[arg(value_name = "文件或文件夹", required = true)]
    pub paths: Vec<PathBuf>,
    /// 按哪一天判断是否逾期（如 2020-11-10；默认今天）
    #[arg(long = "date", value_name = "日期")]
    pub date: Option<String>,
    /// 规则文件（默认使用输入文件旁的 baosong.toml，没有则用内置规则）
    #[arg(long = "rules", value_name = "文件")]
    pub rules: Option<PathBuf>,
    /// 有警告也视为失败（退出码 1）
    #[arg(long = "deny-warnings")]
    pub deny_warnings: bool,
    /// 诊断信息的输出格式：human（给人看，默认）或 json（每条一行，供脚本使用）
    #[arg(long = "message-format", value_enum, default_value_t = MessageFormat::Human, value_name = "格式", hide_possible_values = true, hide_default_value = true)]
    pub message_format: MessageFormat,
    /// Word 文件（.docx）中没有写明报送单位时使用的单位名称
    #[arg(long = "unit", value_name = "单位")]
    pub unit: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum PdfStandard {
    /// PDF/A-2b，档案保存
    #[value(name = "a-2b")]
    A2b,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum NewKind {
    /// 典型案例或职教故事
    Case,
    /// 工作方案
    Plan,
    /// 媒体报道
    Media,
    /// 活动周总结（含统计数据）
    Summary,
    /// 特色亮点活动一览表
    Highlights,
}

#[derive(Debug, Args)]
pub struct NewArgs {
    /// 材料类型：case（案例/故事）、plan（工作方案）、media（媒体报道）、summary（总结）、highlights（一览表）
    #[arg(value_enum, value_name = "类型", hide_possible_values = true)]
    pub kind: NewKind,
    /// 放在哪个文件夹（默认当前文件夹；不存在会新建）
    #[arg(value_name = "文件夹")]
    pub dir: Option<PathBuf>,
}

/// clap speaks English; our users read Chinese.
pub fn chinese_usage_error(e: &clap::Error) -> String {
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
