//! A minimal WebDriver client for the browser tests: std and serde_json only.
//!
//! Why not fantoccini or thirtyfour: they switch on hyper's client features,
//! which changes the features of the server's own hyper and forces rebuilds.
//! chromedriver needs no more than one HTTP/1.1 request per connection (and
//! keep-alive measured no faster).
#![allow(dead_code)]

use serde_json::{json, Value};
use std::ffi::OsStr;
use std::fs;
use std::io::{self, BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::thread::sleep;
use std::time::{Duration, Instant};

const ELEMENT_KEY: &str = "element-6066-11e4-a52e-4f735466cecf";
/// Longer than the session's page-load and script timeouts (30 s), so those
/// are reported by the driver, yet a hung driver cannot hang a test for ever.
const IO_TIMEOUT: Duration = Duration::from_secs(60);
const START_TIMEOUT: Duration = Duration::from_secs(30);
const POLL: Duration = Duration::from_millis(50);
/// Every process of a driver inherits this variable, so cleanup finds them
/// all, even chrome_crashpad_handler, which daemonizes itself.
const TAG: &str = "BAOSONG_WEBDRIVER_TAG";

/// A WebDriver error: `code` is the W3C one (e.g. "no such element"), or
/// "transport" when chromedriver could not be talked to.
#[derive(Debug)]
pub struct WdError {
    pub code: String,
    pub message: String,
}

fn transport(message: String) -> WdError {
    let code = "transport".to_string();
    WdError { code, message }
}

/// One chromedriver with one headless Chromium session, in its own temp dir.
pub struct Driver {
    child: Child,
    port: u16,
    session: String,
    dir: PathBuf,
}

/// An element of the current page; it borrows the driver that found it.
#[derive(Clone)]
pub struct Element<'a> {
    driver: &'a Driver,
    id: String,
}

impl Driver {
    /// None (after a "skipped:" line) when Chromium or chromedriver is not
    /// installed, unless `BAOSONG_REQUIRE_TOOLS=1`; panics when they are there
    /// but fail to start.
    pub fn start() -> Option<Driver> {
        Self::start_with_env(&[])
    }

    /// `start` with extra environment for chromedriver and the browser, e.g.
    /// FONTCONFIG_FILE: without a CJK font, Chinese renders as boxes.
    pub fn start_with_env(env: &[(&str, &OsStr)]) -> Option<Driver> {
        let names = ["chromium", "chromium-browser", "google-chrome"];
        match (names.iter().find_map(|n| which(n)), which("chromedriver")) {
            (Some(b), Some(d)) => Some(Self::launch(&b, &d, env).unwrap_or_else(|e| panic!("{e}"))),
            _ if std::env::var("BAOSONG_REQUIRE_TOOLS").as_deref() == Ok("1") => {
                panic!("chromium and chromedriver are required (BAOSONG_REQUIRE_TOOLS=1)")
            }
            _ => {
                eprintln!("skipped: chromium or chromedriver is not installed");
                None
            }
        }
    }

    fn launch(browser: &Path, driver: &Path, env: &[(&str, &OsStr)]) -> Result<Driver, String> {
        static COUNT: AtomicUsize = AtomicUsize::new(0);
        let n = COUNT.fetch_add(1, Ordering::Relaxed);
        let dir = std::env::temp_dir().join(format!("baosong-wd-{}-{n}", std::process::id()));
        let _ = fs::remove_dir_all(&dir);
        sweep_stale();
        fs::create_dir_all(dir.join("home")).map_err(|e| format!("{dir:?}: {e}"))?;
        let out_path = dir.join("chromedriver.out");
        let spawn = || -> io::Result<Child> {
            let out = fs::File::create(&out_path)?;
            Command::new(driver)
                .arg("--port=0")
                // Chromium keeps crash reports, caches and an NSS database
                // under $HOME: a private one keeps parallel browsers apart.
                .env("HOME", dir.join("home"))
                .envs(env.iter().copied())
                .env(TAG, &dir)
                .stdin(Stdio::null())
                .stdout(out.try_clone()?)
                .stderr(out)
                .spawn()
        };
        let child = spawn().map_err(|e| format!("{driver:?}: {e}"))?;
        // From here on, Drop cleans up whatever fails.
        let session = String::new();
        let mut d = Driver {
            child,
            port: 0,
            session,
            dir: dir.clone(),
        };
        let (t0, mut tries) = (Instant::now(), 1);
        while d.port == 0 {
            let out = fs::read_to_string(&out_path).unwrap_or_default();
            let port = out
                .split("started successfully on port ")
                .nth(1)
                .and_then(|s| s.split('.').next());
            d.port = port.and_then(|p| p.parse().ok()).unwrap_or(0);
            let exited = d.child.try_wait().ok().flatten().is_some();
            // Given port 0, chromedriver takes a free IPv6 port, then the same
            // number on IPv4, which another socket may hold: just try again.
            if d.port == 0 && exited && out.contains("port not available") && tries < 5 {
                d.child = spawn().map_err(|e| format!("{driver:?}: {e}"))?;
                tries += 1;
            } else if d.port == 0 && (exited || t0.elapsed() > START_TIMEOUT) {
                return Err(format!("chromedriver did not start: {out}"));
            }
            sleep(Duration::from_millis(10));
        }
        let ready = |d: &Driver| {
            raw(d.port, "GET", "/status", None, POLL).is_ok_and(|v| v["ready"] == true)
        };
        while !ready(&d) {
            if t0.elapsed() > START_TIMEOUT {
                return Err(format!(
                    "chromedriver on port {} never became ready",
                    d.port
                ));
            }
            sleep(Duration::from_millis(10));
        }
        let args = [
            "--headless=new",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-dev-shm-usage",
            // The network here is closed: background fetches are refused.
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--window-size=1400,1000",
            "--force-device-scale-factor=1",
            &format!("--user-data-dir={}", d.dir.join("profile").display()),
        ];
        let prefs = json!({"download.default_directory": d.downloads_dir(),
                           "download.prompt_for_download": false});
        let caps = json!({"capabilities": {"alwaysMatch": {
            "browserName": "chrome",
            "timeouts": {"pageLoad": 30_000, "script": 30_000, "implicit": 0},
            "goog:chromeOptions": {"binary": browser, "args": args, "prefs": prefs},
        }}});
        let v = raw(d.port, "POST", "/session", Some(&caps), IO_TIMEOUT);
        let v = v.map_err(|e| format!("new session: {}", e.message))?;
        d.session = v["sessionId"].as_str().unwrap_or_default().to_string();
        // Headless Chromium still counts ~140 px of browser UI in the window
        // size: grow the window so that the viewport, and so every
        // screenshot, is exactly 1400x1000.
        let ui = d.exec(
            "return [outerWidth - innerWidth, outerHeight - innerHeight]",
            vec![],
        );
        let (w, h) = (ui[0].as_i64().unwrap_or(0), ui[1].as_i64().unwrap_or(0));
        d.cmd(
            "POST",
            "/window/rect",
            Some(json!({"width": 1400 + w, "height": 1000 + h})),
        );
        Ok(d)
    }

    fn call(&self, method: &str, path: &str, body: Option<Value>) -> Result<Value, WdError> {
        let path = format!("/session/{}{path}", self.session);
        raw(self.port, method, &path, body.as_ref(), IO_TIMEOUT)
    }

    fn cmd(&self, method: &str, path: &str, body: Option<Value>) -> Value {
        let r = self.call(method, path, body);
        r.unwrap_or_else(|e| panic!("webdriver {method} {path}: {}", e.message))
    }

    pub fn goto(&self, url: &str) {
        self.cmd("POST", "/url", Some(json!({ "url": url })));
    }

    pub fn url(&self) -> String {
        text_of(self.cmd("GET", "/url", None))
    }

    pub fn title(&self) -> String {
        text_of(self.cmd("GET", "/title", None))
    }

    pub fn source(&self) -> String {
        text_of(self.cmd("GET", "/source", None))
    }

    /// The first element matching `css`, or None when there is none.
    pub fn find(&self, css: &str) -> Option<Element<'_>> {
        found(self, self.call("POST", "/element", Some(by_css(css))), css)
    }

    pub fn find_all(&self, css: &str) -> Vec<Element<'_>> {
        elements(self, self.cmd("POST", "/elements", Some(by_css(css))))
    }

    /// Polls until an element matching `css` is in the page (shown or not).
    pub fn wait_for(&self, css: &str, timeout: Duration) -> Element<'_> {
        let t0 = Instant::now();
        loop {
            if let Some(e) = self.find(css) {
                return e;
            }
            if t0.elapsed() > timeout {
                self.fail(&format!("an element matching {css:?}"), timeout);
            }
            sleep(POLL);
        }
    }

    pub fn wait_until(&self, what: &str, timeout: Duration, f: impl Fn(&Driver) -> bool) {
        let t0 = Instant::now();
        while !f(self) {
            if t0.elapsed() > timeout {
                self.fail(what, timeout);
            }
            sleep(POLL);
        }
    }

    /// Panics with where the browser is and what it shows, so that a timeout
    /// in CI explains itself; a screenshot goes to the target's tmp dir.
    fn fail(&self, what: &str, timeout: Duration) -> ! {
        let get = |path| {
            self.call("GET", path, None)
                .map_or_else(|e| e.message, text_of)
        };
        let (url, source) = (get("/url"), get("/source"));
        let source: String = source.chars().take(2000).collect();
        let shot = self.call("GET", "/screenshot", None).ok().and_then(|png| {
            let path = Path::new(option_env!("CARGO_TARGET_TMPDIR")?);
            // Named after the test (libtest names its threads so).
            let test = std::thread::current()
                .name()
                .unwrap_or("main")
                .replace(':', "_");
            let path = path.join(format!("webdriver-timeout-{test}.png"));
            fs::write(&path, base64_decode(png.as_str()?))
                .ok()
                .map(|_| path)
        });
        panic!(
            "webdriver: timed out after {timeout:?} waiting for {what}\n  url: {url}\n  \
             screenshot: {}\n  page source (first 2000 chars):\n{source}",
            shot.unwrap_or_default().display()
        );
    }

    /// Runs `js` as a function body (`return …` gives the result; a returned
    /// promise is awaited); pass elements in `args` as `Element::json()`.
    pub fn exec(&self, js: &str, args: Vec<Value>) -> Value {
        let body = json!({ "script": js, "args": args });
        self.cmd("POST", "/execute/sync", Some(body))
    }

    /// The viewport as PNG bytes.
    pub fn screenshot_png(&self) -> Vec<u8> {
        base64_decode(&text_of(self.cmd("GET", "/screenshot", None)))
    }

    pub fn cookies(&self) -> Vec<Value> {
        let v = self.cmd("GET", "/cookie", None);
        v.as_array().cloned().unwrap_or_default()
    }

    /// A cookie for the current page's domain (so `goto` the site first).
    pub fn add_cookie(&self, name: &str, value: &str) {
        let cookie = json!({"cookie": {"name": name, "value": value, "path": "/"}});
        self.cmd("POST", "/cookie", Some(cookie));
    }

    /// Where downloads land (set at session start, without a prompt).
    pub fn downloads_dir(&self) -> PathBuf {
        self.dir.join("downloads")
    }

    /// Waits until `name` is completely downloaded and returns its path.
    pub fn wait_for_download(&self, name: &str, timeout: Duration) -> PathBuf {
        let path = self.downloads_dir().join(name);
        let partial = self.downloads_dir().join(format!("{name}.crdownload"));
        let what = format!("the download of {name}");
        self.wait_until(&what, timeout, |_| path.exists() && !partial.exists());
        path
    }

    /// Any Chrome DevTools Protocol command, e.g. "Page.setDownloadBehavior".
    pub fn cdp(&self, cmd: &str, params: Value) -> Value {
        let body = json!({ "cmd": cmd, "params": params });
        self.cmd("POST", "/goog/cdp/execute", Some(body))
    }
}

impl Drop for Driver {
    fn drop(&mut self) {
        if !self.session.is_empty() {
            // Chromium quits cleanly when its session is deleted.
            let path = format!("/session/{}", self.session);
            let _ = raw(self.port, "DELETE", &path, None, Duration::from_secs(10));
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
        // Whatever is left: a browser of a hung driver, crash handlers.
        for _ in 0..100 {
            if kill_tagged(&self.dir) == 0 {
                break;
            }
            sleep(Duration::from_millis(20));
        }
        let _ = fs::remove_dir_all(&self.dir);
    }
}

impl<'a> Element<'a> {
    fn cmd(&self, method: &str, what: &str, body: Option<Value>) -> Value {
        let path = format!("/element/{}{what}", self.id);
        self.driver.cmd(method, &path, body)
    }

    /// The reference to pass to `Driver::exec` as an argument.
    pub fn json(&self) -> Value {
        json!({ ELEMENT_KEY: self.id })
    }

    /// The rendered text (empty when hidden).
    pub fn text(&self) -> String {
        text_of(self.cmd("GET", "/text", None))
    }

    /// The attribute in the markup; what was typed is `prop("value")`.
    pub fn attr(&self, name: &str) -> Option<String> {
        let v = self.cmd("GET", &format!("/attribute/{name}"), None);
        v.as_str().map(String::from)
    }

    /// A DOM property, e.g. "value" or "checked".
    pub fn prop(&self, name: &str) -> Value {
        self.cmd("GET", &format!("/property/{name}"), None)
    }

    pub fn click(&self) {
        self.cmd("POST", "/click", Some(json!({})));
    }

    /// Types `text` (any Unicode, Chinese and emoji too; "\n" is Enter).
    pub fn send_keys(&self, text: &str) {
        self.cmd("POST", "/value", Some(json!({ "text": text })));
    }

    pub fn clear(&self) {
        self.cmd("POST", "/clear", Some(json!({})));
    }

    pub fn is_displayed(&self) -> bool {
        self.cmd("GET", "/displayed", None) == true
    }

    pub fn find(&self, css: &str) -> Option<Element<'a>> {
        let path = format!("/element/{}/element", self.id);
        found(
            self.driver,
            self.driver.call("POST", &path, Some(by_css(css))),
            css,
        )
    }

    pub fn find_all(&self, css: &str) -> Vec<Element<'a>> {
        elements(
            self.driver,
            self.cmd("POST", "/elements", Some(by_css(css))),
        )
    }

    /// Makes an `<input type=file>` (a hidden one too) hold exactly these
    /// files, with one change event. chromedriver wants absolute paths,
    /// several joined by "\n" and only on a `multiple` input, and it appends
    /// to the files already there, hence the reset first.
    pub fn upload_file(&self, paths: &[&Path]) {
        self.driver
            .exec("arguments[0].value = ''", vec![self.json()]);
        let abs = |p: &&Path| p.canonicalize().unwrap_or_else(|e| panic!("{p:?}: {e}"));
        let abs: Vec<String> = paths.iter().map(|p| abs(p).display().to_string()).collect();
        self.send_keys(&abs.join("\n"));
    }
}

fn by_css(css: &str) -> Value {
    json!({ "using": "css selector", "value": css })
}

fn element<'a>(driver: &'a Driver, v: &Value) -> Element<'a> {
    let id = v[ELEMENT_KEY]
        .as_str()
        .unwrap_or_else(|| panic!("not an element: {v}"));
    let id = id.to_string();
    Element { driver, id }
}

fn found<'a>(d: &'a Driver, r: Result<Value, WdError>, css: &str) -> Option<Element<'a>> {
    match r {
        Ok(v) => Some(element(d, &v)),
        Err(e) if e.code == "no such element" => None,
        Err(e) => panic!("webdriver find {css:?}: {}", e.message),
    }
}

fn elements(d: &Driver, v: Value) -> Vec<Element<'_>> {
    let list = v.as_array().map(Vec::as_slice).unwrap_or_default();
    list.iter().map(|v| element(d, v)).collect()
}

fn text_of(v: Value) -> String {
    v.as_str().map_or_else(|| v.to_string(), String::from)
}

fn which(name: &str) -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .map(|d| d.join(name))
        .find(|p| p.is_file())
}

/// Ends the browsers of test processes that were killed before Drop ran.
fn sweep_stale() {
    for e in fs::read_dir(std::env::temp_dir())
        .into_iter()
        .flatten()
        .flatten()
    {
        let name = e.file_name().to_string_lossy().into_owned();
        let pid = name
            .strip_prefix("baosong-wd-")
            .and_then(|s| s.split('-').next());
        if pid.is_some_and(|pid| !Path::new("/proc").join(pid).exists()) {
            kill_tagged(&e.path());
            let _ = fs::remove_dir_all(e.path());
        }
    }
}

/// SIGKILLs every process that carries this driver's tag; returns how many.
fn kill_tagged(dir: &Path) -> usize {
    let tag = format!("{TAG}={}", dir.display()).into_bytes();
    let tagged = |pid: &String| {
        let env = fs::read(format!("/proc/{pid}/environ")).unwrap_or_default();
        env.split(|&b| b == 0).any(|kv| kv == tag)
    };
    let entries = fs::read_dir("/proc").into_iter().flatten().flatten();
    let names = entries.map(|e| e.file_name().to_string_lossy().into_owned());
    let pids: Vec<String> = names
        .filter(|pid| pid.parse::<u32>().is_ok() && tagged(pid))
        .collect();
    if !pids.is_empty() {
        let _ = Command::new("kill")
            .arg("-KILL")
            .args(&pids)
            .stderr(Stdio::null())
            .status();
    }
    pids.len()
}

/// One request on its own connection, the `value` of the answer unwrapped.
fn raw(
    port: u16,
    method: &str,
    path: &str,
    body: Option<&Value>,
    timeout: Duration,
) -> Result<Value, WdError> {
    let what = format!("{method} {path}");
    let (status, bytes) =
        http(port, &what, body, timeout).map_err(|e| transport(format!("{what}: {e}")))?;
    let v: Result<Value, _> = serde_json::from_slice(&bytes);
    let Ok(mut v) = v else {
        let text: String = String::from_utf8_lossy(&bytes).chars().take(500).collect();
        return Err(transport(format!(
            "{what}: HTTP {status}, not JSON: {text}"
        )));
    };
    let value = v["value"].take();
    if status < 400 {
        return Ok(value);
    }
    let code = value["error"]
        .as_str()
        .unwrap_or("unknown error")
        .to_string();
    // chromedriver appends a native stack trace: the first line is enough.
    let message = value["message"]
        .as_str()
        .unwrap_or_default()
        .lines()
        .next()
        .unwrap_or_default();
    // Its messages mostly start with the code already.
    let message = match message.starts_with(&code) {
        true => message.to_string(),
        false => format!("{code}: {message}"),
    };
    Err(WdError { code, message })
}

/// HTTP/1.1 by hand; `request` is "METHOD /path". Public for its own test.
pub fn http(
    port: u16,
    request: &str,
    body: Option<&Value>,
    timeout: Duration,
) -> io::Result<(u16, Vec<u8>)> {
    let mut s = TcpStream::connect_timeout(&SocketAddr::from(([127, 0, 0, 1], port)), timeout)?;
    s.set_read_timeout(Some(timeout))?;
    s.set_write_timeout(Some(timeout))?;
    let body = body.map(Value::to_string).unwrap_or_default();
    let head = format!(
        "{request} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nConnection: close\r\n\
         Content-Type: application/json; charset=utf-8\r\nContent-Length: {}\r\n\r\n",
        body.len()
    );
    // One write: a separate small one for the body would meet delayed ACKs.
    s.write_all(&[head.as_bytes(), body.as_bytes()].concat())?;
    let mut r = BufReader::new(s);
    let bad =
        |line: &str| io::Error::new(io::ErrorKind::InvalidData, format!("bad HTTP: {line:?}"));
    let mut line = String::new();
    r.read_line(&mut line)?;
    let status = line
        .split(' ')
        .nth(1)
        .and_then(|s| s.parse().ok())
        .ok_or_else(|| bad(&line))?;
    let (mut length, mut chunked) = (None, false);
    loop {
        line.clear();
        if r.read_line(&mut line)? == 0 || line.trim().is_empty() {
            break;
        }
        let (name, value) = line.split_once(':').unwrap_or((&line, ""));
        let (name, value) = (
            name.trim().to_ascii_lowercase(),
            value.trim().to_ascii_lowercase(),
        );
        if name == "content-length" {
            length = Some(value.parse().map_err(|_| bad(&line))?);
        } else if name == "transfer-encoding" {
            chunked = value.contains("chunked");
        }
    }
    let mut out = Vec::new();
    if chunked {
        loop {
            line.clear();
            r.read_line(&mut line)?;
            let size = line.trim().split(';').next().unwrap_or_default();
            let size = usize::from_str_radix(size, 16).map_err(|_| bad(&line))?;
            if size == 0 {
                break; // Trailers, if any, go unread: the connection closes.
            }
            let start = out.len();
            out.resize(start + size, 0);
            r.read_exact(&mut out[start..])?;
            r.read_line(&mut line)?; // The CRLF that ends a chunk.
        }
    } else if let Some(n) = length {
        out.resize(n, 0);
        r.read_exact(&mut out)?;
    } else {
        r.read_to_end(&mut out)?;
    }
    Ok((status, out))
}

/// Standard base64, padded or not, line breaks ignored; panics on other bytes.
pub fn base64_decode(s: &str) -> Vec<u8> {
    let mut out = Vec::with_capacity(s.len() / 4 * 3);
    let (mut acc, mut bits) = (0u32, 0);
    for c in s.bytes() {
        let v = match c {
            b'A'..=b'Z' => c - b'A',
            b'a'..=b'z' => c - b'a' + 26,
            b'0'..=b'9' => c - b'0' + 52,
            b'+' => 62,
            b'/' => 63,
            b'=' => break,
            b'\r' | b'\n' => continue,
            _ => panic!("base64: unexpected byte {c:#x}"),
        };
        acc = (acc << 6) | u32::from(v);
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((acc >> bits) as u8);
            acc &= (1 << bits) - 1;
        }
    }
    out
}
