//! Access codes and sessions. A code names its unit in its first three
//! characters and carries 59 random bits after them; only an argon2id hash
//! of it is stored. Sessions are random 128-bit tokens in an HttpOnly,
//! SameSite=Strict cookie; the database keeps only their SHA-256. Ten
//! failed logins from one address, or with one code, pause logins from it
//! for 15 minutes.

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::Mutex;

use argon2::password_hash::{PasswordHasher, PasswordVerifier};
use argon2::Argon2;
use axum::http::{header, HeaderMap};

use super::store::{now, sha256_hex, Store};

/// Unambiguous characters: no 0/O, 1/I/L.
const ALPHABET: &[u8] = b"23456789ABCDEFGHJKMNPQRSTUVWXYZ";
const UNIT_CHARS: usize = 3;
const SECRET_CHARS: usize = 12;
pub const COOKIE: &str = "baosong_session";
/// Sessions last a working day.
const SESSION_SECS: i64 = 12 * 3600;
const MAX_FAILURES: usize = 10;
const LOCK_SECS: i64 = 15 * 60;

/// A new code for unit number `n`, grouped for reading aloud.
pub fn new_code(n: i64) -> String {
    let mut unit = String::new();
    let mut v = n as usize;
    for _ in 0..UNIT_CHARS {
        unit.insert(0, ALPHABET[v % ALPHABET.len()] as char);
        v /= ALPHABET.len();
    }
    let mut raw = [0u8; SECRET_CHARS];
    getrandom::fill(&mut raw).expect("the operating system provides random bytes");
    // Rejection keeps every character equally likely.
    let mut secret = String::new();
    let mut i = 0;
    while secret.len() < SECRET_CHARS {
        if i == raw.len() {
            getrandom::fill(&mut raw).expect("the operating system provides random bytes");
            i = 0;
        }
        let b = raw[i] as usize;
        i += 1;
        if b < 248 {
            secret.push(ALPHABET[b % ALPHABET.len()] as char);
        }
    }
    format!("{unit}-{}-{}-{}", &secret[..4], &secret[4..8], &secret[8..])
}

/// The code as typed, made canonical: capitals, no separators.
pub fn normalize(code: &str) -> String {
    code.chars()
        .filter(|c| c.is_ascii_alphanumeric())
        .map(|c| c.to_ascii_uppercase())
        .collect()
}

/// The unit number a code names, if it is well formed.
pub fn unit_number(code: &str) -> Option<i64> {
    let c = normalize(code);
    if c.len() != UNIT_CHARS + SECRET_CHARS || !c.bytes().all(|b| ALPHABET.contains(&b)) {
        return None;
    }
    let mut n = 0i64;
    for b in c[..UNIT_CHARS].bytes() {
        n = n * ALPHABET.len() as i64 + ALPHABET.iter().position(|x| *x == b)? as i64;
    }
    Some(n)
}

pub fn hash_code(code: &str) -> Result<String, String> {
    Argon2::default()
        .hash_password(normalize(code).as_bytes())
        .map(|h| h.to_string())
        .map_err(|e| format!("无法生成访问码：{e}"))
}

pub fn verify_code(code: &str, hash: &str) -> bool {
    // On a few threads of their own: each verification allocates ~19 MiB,
    // and every thread that ever ran one would keep that much in its
    // allocator arena (100 logins at once held ~700 MiB on the server's
    // request threads).
    static VERIFIERS: std::sync::LazyLock<Option<rayon::ThreadPool>> =
        std::sync::LazyLock::new(|| {
            let cores = std::thread::available_parallelism().map_or(2, |n| n.get());
            rayon::ThreadPoolBuilder::new()
                .num_threads(cores)
                .thread_name(|i| format!("baosong-verify-{i}"))
                .build()
                .ok()
        });
    let verify = || {
        Argon2::default()
            .verify_password(normalize(code).as_bytes(), hash)
            .is_ok()
    };
    match &*VERIFIERS {
        Some(pool) => pool.install(verify),
        None => verify(),
    }
}

/// A logged-in unit.
#[derive(Debug, Clone)]
pub struct Session {
    pub unit_id: i64,
    pub unit: String,
    pub region: Option<String>,
    pub role: String,
    pub csrf: String,
    pub expires: i64,
}

impl Session {
    pub fn is_office(&self) -> bool {
        self.role == "office"
    }
}

pub struct Sessions {
    /// By SHA-256 of the token.
    map: Mutex<HashMap<String, Session>>,
    failures: Mutex<HashMap<String, Vec<i64>>>,
    /// Each verification holds ~19 MiB (argon2id's memory cost): at most
    /// one per core at a time, so a burst of logins queues instead of
    /// taking the server's memory.
    pub verifiers: tokio::sync::Semaphore,
}

impl Default for Sessions {
    fn default() -> Self {
        let cores = std::thread::available_parallelism().map_or(2, |n| n.get());
        Sessions {
            map: Mutex::default(),
            failures: Mutex::default(),
            verifiers: tokio::sync::Semaphore::new(cores),
        }
    }
}

/// Why a login failed.
pub enum LoginError {
    Wrong,
    Locked,
    Internal(String),
}

impl Sessions {
    /// Sessions that outlived a restart.
    pub fn load(store: &Store) -> Result<Sessions, String> {
        let s = Sessions::default();
        let conn = store.conn();
        let mut st = conn
            .prepare(
                "SELECT s.token_hash, s.unit_id, u.name, u.region, u.role, s.csrf, s.expires
                 FROM sessions s JOIN units u ON u.id = s.unit_id WHERE s.expires > ?1",
            )
            .map_err(|e| e.to_string())?;
        let rows = st
            .query_map([now()], |r| {
                Ok((
                    r.get::<_, String>(0)?,
                    Session {
                        unit_id: r.get(1)?,
                        unit: r.get(2)?,
                        region: r.get(3)?,
                        role: r.get(4)?,
                        csrf: r.get(5)?,
                        expires: r.get(6)?,
                    },
                ))
            })
            .map_err(|e| e.to_string())?;
        let mut map = s.map.lock().unwrap_or_else(|e| e.into_inner());
        for row in rows.flatten() {
            map.insert(row.0, row.1);
        }
        drop(map);
        Ok(s)
    }

    /// Counts an attempt before its code is verified, so that parallel
    /// guesses cannot all slip in under the limit; `None` when locked.
    fn reserve(&self, keys: &[String]) -> Option<i64> {
        let t = now();
        let cutoff = t - LOCK_SECS;
        let mut f = self.failures.lock().unwrap_or_else(|e| e.into_inner());
        for k in keys {
            let v = f.entry(k.clone()).or_default();
            v.retain(|x| *x > cutoff);
            if v.len() >= MAX_FAILURES {
                return None;
            }
        }
        for k in keys {
            f.entry(k.clone()).or_default().push(t);
        }
        Some(t)
    }

    /// A right code: its attempt was not a failure.
    fn release(&self, keys: &[String], t: i64) {
        let mut f = self.failures.lock().unwrap_or_else(|e| e.into_inner());
        for k in keys {
            if let Some(v) = f.get_mut(k) {
                if let Some(i) = v.iter().rposition(|x| *x == t) {
                    v.remove(i);
                }
            }
        }
    }

    /// Checks a code; on success opens a session and returns its token.
    pub fn login(
        &self,
        store: &Store,
        code: &str,
        addr: &str,
    ) -> Result<(String, Session), LoginError> {
        let keys = vec![
            format!("addr:{addr}"),
            format!("code:{}", sha256_hex(normalize(code).as_bytes())),
        ];
        let Some(attempt) = self.reserve(&keys) else {
            return Err(LoginError::Locked);
        };
        let unit = unit_number(code)
            .map(|n| store.unit(n))
            .transpose()
            .map_err(LoginError::Internal)?
            .flatten();
        let hash = match &unit {
            Some(u) => store.code_hash(u.id).map_err(LoginError::Internal)?,
            None => None,
        };
        // A wrong unit number costs the same time as a wrong secret.
        let ok = match &hash {
            Some(h) => verify_code(code, h),
            None => {
                let _ = verify_code(code, &DUMMY_HASH);
                false
            }
        };
        let (Some(unit), true) = (unit, ok) else {
            return Err(LoginError::Wrong);
        };
        self.release(&keys, attempt);
        let token = crate::server::guard::random_token();
        let session = Session {
            unit_id: unit.id,
            unit: unit.name,
            region: unit.region,
            role: unit.role,
            csrf: crate::server::guard::random_token(),
            expires: now() + SESSION_SECS,
        };
        let th = sha256_hex(token.as_bytes());
        store
            .conn()
            .execute(
                "INSERT INTO sessions(token_hash, unit_id, csrf, expires) VALUES (?1, ?2, ?3, ?4)",
                rusqlite::params![th, session.unit_id, session.csrf, session.expires],
            )
            .map_err(|e| LoginError::Internal(e.to_string()))?;
        self.map
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .insert(th, session.clone());
        Ok((token, session))
    }

    pub fn logout(&self, store: &Store, headers: &HeaderMap) {
        if let Some(t) = token(headers) {
            let th = sha256_hex(t.as_bytes());
            self.map
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .remove(&th);
            let _ = store
                .conn()
                .execute("DELETE FROM sessions WHERE token_hash = ?1", [th]);
        }
    }

    /// The session of a request's cookie, if it is one of ours and alive.
    pub fn get(&self, headers: &HeaderMap) -> Option<Session> {
        let th = sha256_hex(token(headers)?.as_bytes());
        let map = self.map.lock().unwrap_or_else(|e| e.into_inner());
        map.get(&th).filter(|s| s.expires > now()).cloned()
    }
}

/// A real argon2id hash of a random code: verifying against it takes as
/// long as against a unit's.
static DUMMY_HASH: std::sync::LazyLock<String> =
    std::sync::LazyLock::new(|| hash_code(&new_code(0)).unwrap_or_default());

fn token(headers: &HeaderMap) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|kv| kv.trim().split_once('='))
        .find(|(k, _)| *k == COOKIE)
        .map(|(_, v)| v.to_string())
        .filter(|v| v.len() == 32 && v.bytes().all(|b| b.is_ascii_hexdigit()))
}

/// The cookie that opens a session: HttpOnly, SameSite=Strict, Secure
/// when the office's HTTPS proxy says the request came over HTTPS.
pub fn cookie(token: &str, headers: &HeaderMap) -> String {
    let secure = headers
        .get("x-forwarded-proto")
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.eq_ignore_ascii_case("https"));
    format!(
        "{COOKIE}={token}; Path=/; HttpOnly; SameSite=Strict; Max-Age={SESSION_SECS}{}",
        if secure { "; Secure" } else { "" }
    )
}

pub fn clear_cookie() -> String {
    format!("{COOKIE}=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0")
}

/// The client's address: the peer, or, when the peer is a proxy on this
/// machine, the address that proxy added last to X-Forwarded-For (the
/// entries before it are whatever the client sent, so a client could
/// otherwise pick a new address for each guess).
pub fn client_addr(peer: Option<SocketAddr>, headers: &HeaderMap) -> String {
    let peer_ip = peer.map(|p| p.ip());
    if peer_ip.is_some_and(|ip| ip.is_loopback()) {
        if let Some(f) = headers
            .get_all("x-forwarded-for")
            .iter()
            .filter_map(|v| v.to_str().ok())
            .next_back()
            .and_then(|v| v.rsplit(',').next())
            .map(str::trim)
            .filter(|f| !f.is_empty())
        {
            return f.to_string();
        }
    }
    peer_ip
        .map(|ip| ip.to_string())
        .unwrap_or_else(|| "-".into())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_client_cannot_choose_its_forwarded_address() {
        let local: SocketAddr = "127.0.0.1:5000".parse().unwrap();
        let far: SocketAddr = "203.0.113.9:5000".parse().unwrap();
        let mut h = HeaderMap::new();
        // The client wrote the first entry; the proxy appended the last.
        h.insert("x-forwarded-for", "1.2.3.4, 198.51.100.7".parse().unwrap());
        assert_eq!(client_addr(Some(local), &h), "198.51.100.7");
        // Not through a proxy on this machine: the header is ignored.
        assert_eq!(client_addr(Some(far), &h), "203.0.113.9");
        h.insert("x-forwarded-for", " ".parse().unwrap());
        assert_eq!(client_addr(Some(local), &h), "127.0.0.1");
    }

    #[test]
    fn codes_name_their_unit_and_verify() {
        let c = new_code(7);
        assert_eq!(unit_number(&c), Some(7));
        assert_eq!(unit_number(&c.to_lowercase().replace('-', " ")), Some(7));
        assert_eq!(normalize(&c).len(), 15);
        assert!(!c.contains(['0', '1', 'I', 'L', 'O']));
        let h = hash_code(&c).unwrap();
        assert!(h.starts_with("$argon2id$"));
        assert!(verify_code(&c.to_lowercase(), &h));
        assert!(!verify_code(&new_code(7), &h));
        assert!(unit_number("short").is_none());
        assert_ne!(new_code(7), new_code(7));
        // The dummy hash is a real one.
        assert!(!verify_code(&c, &DUMMY_HASH));
    }
}
