//! What every request passes before a handler sees it: the `Host` must be
//! one this server answers to (a page on another site cannot reach a local
//! server by rebinding its own name), and a request that changes anything
//! must come from our own pages: a same-origin `Origin` and the session's
//! `X-CSRF-Token`.

use std::net::SocketAddr;
use std::sync::Arc;

use axum::extract::{Request, State};
use axum::http::{header, HeaderMap, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use super::{App, Mode};

/// Which `Host` values are ours.
pub(crate) struct HostPolicy {
    port: u16,
    names: Vec<String>,
    /// Bound to every address: any IP literal may reach us (a LAN).
    any_ip: bool,
}

impl HostPolicy {
    pub fn new(addr: SocketAddr, extra: &[String]) -> HostPolicy {
        let mut names = vec!["localhost".to_string(), "127.0.0.1".into(), "[::1]".into()];
        names.push(match addr.ip() {
            std::net::IpAddr::V6(v6) => format!("[{v6}]"),
            v4 => v4.to_string(),
        });
        names.extend(extra.iter().map(|h| h.trim().to_ascii_lowercase()));
        HostPolicy {
            port: addr.port(),
            names,
            any_ip: addr.ip().is_unspecified(),
        }
    }

    /// Only our addresses and the names given with `--host` are answered:
    /// a site cannot reach a local server by pointing its own name at it.
    /// Behind a reverse proxy (a `--host` name) the port is the proxy's.
    pub fn allows(&self, host: &str) -> bool {
        let host = host.trim().to_ascii_lowercase();
        let (name, port) = if host.starts_with('[') {
            match host.find(']') {
                Some(i) => (&host[..=i], host[i + 1..].strip_prefix(':')),
                None => return false,
            }
        } else {
            match host.split_once(':') {
                Some((n, p)) => (n, Some(p)),
                None => (host.as_str(), None),
            }
        };
        let port: Option<u16> = match port.map(str::parse) {
            None => None,
            Some(Ok(p)) => Some(p),
            Some(Err(_)) => return false,
        };
        let proxied = self.names[4..].iter().any(|n| n == name);
        let ours = self.names[..4].iter().any(|n| n == name);
        let ip_literal = name.parse::<std::net::IpAddr>().is_ok()
            || name
                .strip_prefix('[')
                .and_then(|n| n.strip_suffix(']'))
                .is_some_and(|n| n.parse::<std::net::Ipv6Addr>().is_ok());
        proxied || ((ours || (self.any_ip && ip_literal)) && port.is_none_or(|p| p == self.port))
    }
}

/// An error a handler returns: an HTTP status and a Chinese message, as
/// JSON `{"error": "…"}`.
#[derive(Debug)]
pub struct ApiError {
    pub status: StatusCode,
    pub message: String,
}

impl ApiError {
    pub fn new(status: StatusCode, message: impl Into<String>) -> ApiError {
        ApiError {
            status,
            message: message.into(),
        }
    }
    pub fn bad(message: impl Into<String>) -> ApiError {
        ApiError::new(StatusCode::BAD_REQUEST, message)
    }
    pub fn not_found() -> ApiError {
        ApiError::new(StatusCode::NOT_FOUND, "找不到这份材料或文件")
    }
    pub fn forbidden() -> ApiError {
        ApiError::new(StatusCode::FORBIDDEN, "没有权限访问")
    }
    pub fn internal(message: impl Into<String>) -> ApiError {
        ApiError::new(StatusCode::INTERNAL_SERVER_ERROR, message)
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        (
            self.status,
            axum::Json(serde_json::json!({ "error": self.message })),
        )
            .into_response()
    }
}

/// 128 random bits as hex.
pub fn random_token() -> String {
    let mut b = [0u8; 16];
    // Without randomness there is no safe session; the OS always has it.
    getrandom::fill(&mut b).expect("the operating system provides random bytes");
    b.iter().map(|x| format!("{x:02x}")).collect()
}

/// Requests that change nothing and need no token.
fn is_safe(m: &Method) -> bool {
    matches!(*m, Method::GET | Method::HEAD | Method::OPTIONS)
}

/// The token a request must carry: the process's in local mode, the
/// session's in the portal (none before logging in).
fn expected_csrf(app: &App, headers: &HeaderMap) -> Option<String> {
    match &app.mode {
        Mode::Local { csrf, .. } => Some(csrf.clone()),
        Mode::Office(p) => p.session(headers).map(|s| s.csrf.clone()),
    }
}

pub(crate) async fn check(State(app): State<Arc<App>>, req: Request, next: Next) -> Response {
    let headers = req.headers();
    let host = headers
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .unwrap_or("");
    if !app.hosts.allows(host) {
        return ApiError::new(
            StatusCode::MISDIRECTED_REQUEST,
            format!("此服务不接受发往“{host}”的请求"),
        )
        .into_response();
    }
    if !is_safe(req.method()) {
        let origin = headers
            .get(header::ORIGIN)
            .and_then(|h| h.to_str().ok())
            .unwrap_or("");
        let same = origin
            .strip_prefix("http://")
            .or_else(|| origin.strip_prefix("https://"))
            .is_some_and(|o| o.eq_ignore_ascii_case(host));
        if !same {
            return ApiError::forbidden().into_response();
        }
        let path = req.uri().path();
        let exempt = path == "/api/login";
        if !exempt {
            let sent = headers
                .get("x-csrf-token")
                .and_then(|h| h.to_str().ok())
                .unwrap_or("");
            let ok = expected_csrf(&app, headers)
                .is_some_and(|want| constant_time_eq(want.as_bytes(), sent.as_bytes()));
            if !ok {
                return ApiError::new(
                    StatusCode::FORBIDDEN,
                    "请求缺少有效的安全令牌，请刷新页面后重试",
                )
                .into_response();
            }
        }
    }
    next.run(req).await
}

pub fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn host_policy() {
        let local = HostPolicy::new("127.0.0.1:7878".parse().unwrap(), &[]);
        assert!(local.allows("127.0.0.1:7878"));
        assert!(local.allows("localhost:7878"));
        assert!(!local.allows("evil.example"));
        assert!(!local.allows("evil.example:7878"));
        assert!(!local.allows("127.0.0.1:9999"));
        assert!(!local.allows("192.168.1.10:7878"));
        let lan = HostPolicy::new("0.0.0.0:7878".parse().unwrap(), &[]);
        assert!(lan.allows("192.168.1.10:7878"));
        assert!(!lan.allows("evil.example:7878"));
        let proxied = HostPolicy::new(
            "127.0.0.1:7878".parse().unwrap(),
            &["portal.example.edu.cn".into()],
        );
        assert!(proxied.allows("portal.example.edu.cn"));
        assert!(proxied.allows("portal.example.edu.cn:443"));
    }
}
