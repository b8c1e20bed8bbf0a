//! `baosong serve`: the teacher's workbench in the browser, and with
//! `--office` the office's submission portal, on one server. The server adds
//! pages, not rules: every check, layout and output comes from the same
//! pipeline as the command line.

mod assets;
mod guard;
pub(crate) mod portal;
mod preview;
mod workbench;
mod workspace;

use std::net::{IpAddr, SocketAddr};
use std::path::PathBuf;
use std::sync::Arc;

use axum::Router;

use crate::diag::{code, Diagnostic, Reporter};
use crate::fonts::FontCache;

pub(crate) use guard::ApiError;

/// How the server was asked to run.
pub struct ServeOptions {
    /// The workbench's materials folder (local mode).
    pub folder: PathBuf,
    /// The office's data folder: portal mode.
    pub office: Option<PathBuf>,
    pub bind: IpAddr,
    /// `None`: 7878, or the next free port.
    pub port: Option<u16>,
    pub open: bool,
    /// Host names the server is reached under besides its address
    /// (behind a reverse proxy, or a LAN name).
    pub hosts: Vec<String>,
    pub font_paths: Vec<PathBuf>,
    pub limits: Limits,
}

/// Upload limits in bytes.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    pub photo: u64,
    pub docx: u64,
    pub video: u64,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            photo: 50 << 20,
            docx: 100 << 20,
            video: 250 << 20,
        }
    }
}

/// What every handler shares.
pub(crate) struct App {
    pub fonts: FontCache,
    pub limits: Limits,
    pub hosts: guard::HostPolicy,
    pub previews: preview::Previews,
    pub mode: Mode,
}

pub(crate) enum Mode {
    /// One teacher, one folder, no login.
    Local { root: PathBuf, csrf: String },
    /// Schools and the office log in with codes.
    Office(portal::Portal),
}

/// The routes of both modes; the portal's only answer in portal mode.
pub(crate) fn router(app: Arc<App>) -> Router {
    let r = Router::new()
        .merge(assets::routes())
        .merge(workbench::routes())
        .merge(portal::routes());
    r.layer(axum::middleware::from_fn_with_state(
        app.clone(),
        guard::check,
    ))
    .layer(compression())
    .with_state(app)
}

/// Pages, scripts and JSON go gzipped to browsers that ask: a board
/// polled every 2 s by an office on a school network. PDFs, Word files,
/// zips and page images are compressed already and go as they are.
fn compression(
) -> tower_http::compression::CompressionLayer<impl tower_http::compression::Predicate> {
    use axum::http::{header, Extensions, HeaderMap, StatusCode, Version};
    use tower_http::compression::Predicate;
    let textual = |_: StatusCode, _: Version, h: &HeaderMap, _: &Extensions| {
        h.get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|t| {
                t.starts_with("text/")
                    || t.starts_with("application/json")
                    || t.starts_with("application/javascript")
            })
    };
    tower_http::compression::CompressionLayer::new()
        .compress_when(tower_http::compression::predicate::SizeAbove::new(1024).and(textual))
}

/// Runs the server until Ctrl-C. Returns the exit status.
pub fn run(opts: ServeOptions, reporter: &mut Reporter) -> u8 {
    let mode = match &opts.office {
        Some(dir) => match portal::Portal::open(dir) {
            Ok(p) => Mode::Office(p),
            Err(d) => {
                reporter.emit(&d);
                return crate::commands::exit::UNUSABLE;
            }
        },
        None => {
            if !opts.folder.is_dir() {
                reporter.emit(
                    &Diagnostic::new(
                        code::UNREADABLE,
                        format!("找不到文件夹 {}", opts.folder.display()),
                    )
                    .hint("请给出材料所在的文件夹，或先新建它"),
                );
                return crate::commands::exit::UNUSABLE;
            }
            let root = opts.folder.canonicalize().unwrap_or(opts.folder.clone());
            Mode::Local {
                root,
                csrf: guard::random_token(),
            }
        }
    };
    // The title breaker's dictionary, loaded while the server starts rather
    // than on the first preview.
    std::thread::spawn(crate::ir::title::preload);
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(r) => r,
        Err(e) => {
            reporter.emit(&Diagnostic::new(
                code::INTERNAL,
                format!("无法启动服务：{e}"),
            ));
            return crate::commands::exit::UNUSABLE;
        }
    };
    runtime.block_on(async move {
        let listener = match bind(opts.bind, opts.port).await {
            Ok(l) => l,
            Err(msg) => {
                reporter.emit(&Diagnostic::new(code::WRITE, msg).hint(
                    "可用 --port 指定其他端口，--port 0 表示任选一个空闲端口",
                ));
                return crate::commands::exit::UNUSABLE;
            }
        };
        let addr = listener.local_addr().unwrap_or(SocketAddr::new(opts.bind, 0));
        let app = Arc::new(App {
            fonts: FontCache::new(&opts.font_paths),
            limits: opts.limits,
            hosts: guard::HostPolicy::new(addr, &opts.hosts),
            previews: preview::Previews::default(),
            mode,
        });
        let shown = if addr.ip().is_unspecified() {
            SocketAddr::new(IpAddr::from([127, 0, 0, 1]), addr.port())
        } else {
            addr
        };
        let url = format!("http://{shown}/");
        // Scripts read the address from this one line.
        println!("正在运行：{url}");
        use std::io::Write;
        let _ = std::io::stdout().flush();
        if matches!(app.mode, Mode::Office(_)) {
            reporter.note("报送平台已启动：学校在 /login 用访问码登录，办公室登录后进入 /office。按 Ctrl-C 停止。");
        } else {
            reporter.note("在浏览器中打开上面的地址即可填写材料。按 Ctrl-C 停止。");
        }
        if opts.open {
            open_browser(&url);
        }
        let service = router(app).into_make_service_with_connect_info::<SocketAddr>();
        let served = axum::serve(listener, service)
            .with_graceful_shutdown(shutdown())
            .await;
        match served {
            Ok(()) => {
                reporter.note("已停止。");
                crate::commands::exit::OK
            }
            Err(e) => {
                reporter.emit(&Diagnostic::new(code::INTERNAL, format!("服务出错：{e}")));
                crate::commands::exit::UNUSABLE
            }
        }
    })
}

/// Binds the asked port, or 7878 and the next free ones by default.
async fn bind(ip: IpAddr, port: Option<u16>) -> Result<tokio::net::TcpListener, String> {
    let tries: Vec<u16> = match port {
        Some(p) => vec![p],
        None => (7878..7898).collect(),
    };
    let mut last = String::new();
    for p in tries {
        match tokio::net::TcpListener::bind(SocketAddr::new(ip, p)).await {
            Ok(l) => return Ok(l),
            Err(e) => last = format!("端口 {p}：{}", crate::files::io_reason(&e)),
        }
    }
    Err(format!("无法在 {ip} 上监听（{last}）"))
}

async fn shutdown() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        if let Ok(mut s) = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())
        {
            s.recv().await;
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => {},
        _ = term => {},
    }
}

fn open_browser(url: &str) {
    #[cfg(target_os = "windows")]
    let cmd = std::process::Command::new("cmd")
        .args(["/C", "start", "", url])
        .spawn();
    #[cfg(target_os = "macos")]
    let cmd = std::process::Command::new("open").arg(url).spawn();
    #[cfg(not(any(target_os = "windows", target_os = "macos")))]
    let cmd = std::process::Command::new("xdg-open").arg(url).spawn();
    if cmd.is_err() {
        eprintln!("无法自动打开浏览器，请手动打开 {url}");
    }
}
