//! The office's data folder: an SQLite database (WAL, synchronous=FULL)
//! and a content-addressed file store. A submission becomes visible only
//! once its files are on disk (written, fsynced, renamed to their SHA-256)
//! and its rows are committed in one transaction; a crash before that
//! leaves only unreferenced files, which the next start removes.

use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use rusqlite::{params, Connection, OptionalExtension};
use sha2::{Digest, Sha256};

pub const DB_FILE: &str = "baosong-office.sqlite";

const SCHEMA: &str = "
CREATE TABLE IF NOT EXISTS meta(key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS units(
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL UNIQUE,
    region TEXT,
    role TEXT NOT NULL,            -- school | office
    code_hash TEXT NOT NULL,       -- argon2id, salted
    position INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS sessions(
    token_hash TEXT PRIMARY KEY,   -- SHA-256 of the cookie: a copied database opens no session
    unit_id INTEGER NOT NULL REFERENCES units(id),
    csrf TEXT NOT NULL,
    expires INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS submissions(
    id TEXT PRIMARY KEY,
    unit_id INTEGER NOT NULL REFERENCES units(id),
    material TEXT NOT NULL,        -- the material's name: later versions replace earlier ones
    file TEXT NOT NULL,            -- the material file's relative path
    type TEXT,
    title TEXT,
    region TEXT,
    submitted_at INTEGER NOT NULL,
    errors INTEGER NOT NULL,
    warnings INTEGER NOT NULL,
    sha256 TEXT NOT NULL,
    diagnostics TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS submissions_unit ON submissions(unit_id, material, submitted_at);
CREATE TABLE IF NOT EXISTS files(
    submission_id TEXT NOT NULL REFERENCES submissions(id),
    path TEXT NOT NULL,
    sha256 TEXT NOT NULL,
    size INTEGER NOT NULL,
    PRIMARY KEY(submission_id, path));
CREATE TABLE IF NOT EXISTS audit(
    id INTEGER PRIMARY KEY,
    at INTEGER NOT NULL,
    unit TEXT,
    action TEXT NOT NULL,
    detail TEXT NOT NULL,
    addr TEXT NOT NULL);
";

pub struct Store {
    pub dir: PathBuf,
    pub db: Mutex<Connection>,
}

/// A unit (school or the office) as stored.
#[derive(Debug, Clone)]
pub struct Unit {
    pub id: i64,
    pub name: String,
    pub region: Option<String>,
    pub role: String,
}

/// One stored submission.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Submission {
    pub id: String,
    #[serde(skip)]
    pub unit_id: i64,
    pub unit: String,
    pub material: String,
    pub file: String,
    #[serde(rename = "type")]
    pub doc_type: Option<String>,
    pub title: Option<String>,
    pub region: Option<String>,
    pub submitted_at: String,
    #[serde(skip)]
    pub submitted_secs: i64,
    pub errors: i64,
    pub warnings: i64,
    pub sha256: String,
}

pub fn now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or(0)
}

/// "2020-11-09 08:30" in UTC+8, where the offices are.
pub fn local_time(secs: i64) -> String {
    let s = secs + 8 * 3600;
    let day = crate::rules::calendar::Day(s.div_euclid(86_400));
    let (y, m, d) = day.ymd();
    let r = s.rem_euclid(86_400);
    format!("{y:04}-{m:02}-{d:02} {:02}:{:02}", r / 3600, r / 60 % 60)
}

pub fn sha256_hex(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

fn sql<T>(r: rusqlite::Result<T>) -> Result<T, String> {
    r.map_err(|e| format!("数据库出错：{e}"))
}

impl Store {
    /// Opens (or creates) the database in `dir`.
    pub fn open(dir: &Path, create: bool) -> Result<Store, String> {
        let path = dir.join(DB_FILE);
        if !create && !path.is_file() {
            return Err(format!(
                "{} 不是报送平台的数据文件夹（没有 {DB_FILE}）",
                dir.display()
            ));
        }
        let conn = sql(Connection::open(&path))?;
        sql(conn.busy_timeout(std::time::Duration::from_secs(10)))?;
        sql(conn.pragma_update(None, "journal_mode", "WAL"))?;
        // Every acknowledged submission survives a power cut.
        sql(conn.pragma_update(None, "synchronous", "FULL"))?;
        sql(conn.pragma_update(None, "foreign_keys", "ON"))?;
        sql(conn.execute_batch(SCHEMA))?;
        for d in ["store", "tmp", "workspaces", "exports"] {
            std::fs::create_dir_all(dir.join(d)).map_err(|e| crate::files::io_reason(&e))?;
        }
        Ok(Store {
            dir: dir.to_path_buf(),
            db: Mutex::new(conn),
        })
    }

    pub fn conn(&self) -> std::sync::MutexGuard<'_, Connection> {
        self.db.lock().unwrap_or_else(|e| e.into_inner())
    }

    pub fn blob_path(&self, sha: &str) -> PathBuf {
        self.dir
            .join("store")
            .join(&sha[..2.min(sha.len())])
            .join(sha)
    }

    /// Copies a file into the store under its SHA-256, fsynced; returns
    /// the hash and size. The same content is stored once.
    pub fn put_file(&self, src: &Path) -> Result<(String, u64), String> {
        let io = |e: std::io::Error| crate::files::io_reason(&e);
        let mut f = std::fs::File::open(src).map_err(io)?;
        let mut tmp = tempfile::Builder::new()
            .prefix("blob-")
            .tempfile_in(self.dir.join("tmp"))
            .map_err(io)?;
        let mut hasher = Sha256::new();
        let mut buf = vec![0u8; 256 * 1024];
        let mut size = 0u64;
        loop {
            let n = f.read(&mut buf).map_err(io)?;
            if n == 0 {
                break;
            }
            hasher.update(&buf[..n]);
            tmp.write_all(&buf[..n]).map_err(io)?;
            size += n as u64;
        }
        let sha: String = hasher
            .finalize()
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect();
        let target = self.blob_path(&sha);
        if target.is_file() {
            return Ok((sha, size));
        }
        tmp.as_file().sync_all().map_err(io)?;
        let parent = target.parent().unwrap_or(&self.dir).to_path_buf();
        std::fs::create_dir_all(&parent).map_err(io)?;
        tmp.persist(&target).map_err(|e| io(e.error))?;
        sync_dir(&parent);
        Ok((sha, size))
    }

    /// Records a submission and its files in one transaction.
    pub fn insert_submission(
        &self,
        s: &Submission,
        diagnostics: &str,
        files: &[(String, String, u64)],
        audit: (&str, &str, &str),
    ) -> Result<(), String> {
        let mut conn = self.conn();
        let tx = sql(conn.transaction())?;
        sql(tx.execute(
            "INSERT INTO submissions(id, unit_id, material, file, type, title, region, submitted_at, errors, warnings, sha256, diagnostics)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)",
            params![
                s.id, s.unit_id, s.material, s.file, s.doc_type, s.title, s.region,
                s.submitted_secs, s.errors, s.warnings, s.sha256, diagnostics
            ],
        ))?;
        for (path, sha, size) in files {
            sql(tx.execute(
                "INSERT INTO files(submission_id, path, sha256, size) VALUES (?1, ?2, ?3, ?4)",
                params![s.id, path, sha, *size as i64],
            ))?;
        }
        let (action, detail, addr) = audit;
        sql(tx.execute(
            "INSERT INTO audit(at, unit, action, detail, addr) VALUES (?1, ?2, ?3, ?4, ?5)",
            params![s.submitted_secs, s.unit, action, detail, addr],
        ))?;
        sql(tx.commit())
    }

    pub fn audit(&self, unit: Option<&str>, action: &str, detail: &str, addr: &str) {
        let _ = self.conn().execute(
            "INSERT INTO audit(at, unit, action, detail, addr) VALUES (?1, ?2, ?3, ?4, ?5)",
            params![now(), unit, action, detail, addr],
        );
    }

    pub fn units(&self) -> Result<Vec<Unit>, String> {
        let conn = self.conn();
        let mut st =
            sql(conn.prepare("SELECT id, name, region, role FROM units ORDER BY position"))?;
        let rows = sql(st.query_map([], |r| {
            Ok(Unit {
                id: r.get(0)?,
                name: r.get(1)?,
                region: r.get(2)?,
                role: r.get(3)?,
            })
        }))?;
        sql(rows.collect())
    }

    pub fn unit(&self, id: i64) -> Result<Option<Unit>, String> {
        sql(self
            .conn()
            .query_row(
                "SELECT id, name, region, role FROM units WHERE id = ?1",
                [id],
                |r| {
                    Ok(Unit {
                        id: r.get(0)?,
                        name: r.get(1)?,
                        region: r.get(2)?,
                        role: r.get(3)?,
                    })
                },
            )
            .optional())
    }

    pub fn code_hash(&self, unit_id: i64) -> Result<Option<String>, String> {
        sql(self
            .conn()
            .query_row(
                "SELECT code_hash FROM units WHERE id = ?1",
                [unit_id],
                |r| r.get(0),
            )
            .optional())
    }

    fn submission_row(r: &rusqlite::Row) -> rusqlite::Result<Submission> {
        let secs: i64 = r.get(8)?;
        Ok(Submission {
            id: r.get(0)?,
            unit_id: r.get(1)?,
            unit: r.get(12)?,
            material: r.get(2)?,
            file: r.get(3)?,
            doc_type: r.get(4)?,
            title: r.get(5)?,
            region: r.get(6)?,
            submitted_at: local_time(secs),
            submitted_secs: secs,
            errors: r.get(9)?,
            warnings: r.get(10)?,
            sha256: r.get(11)?,
        })
    }

    const SELECT: &'static str = "SELECT s.id, s.unit_id, s.material, s.file, s.type, s.title, s.region, s.id, s.submitted_at, s.errors, s.warnings, s.sha256, u.name FROM submissions s JOIN units u ON u.id = s.unit_id";

    /// Submissions, newest first; only `unit`'s when given; only the latest
    /// version of each material when `latest`.
    pub fn submissions(&self, unit: Option<i64>, latest: bool) -> Result<Vec<Submission>, String> {
        let mut q = String::from(Self::SELECT);
        let mut conds = vec![];
        if unit.is_some() {
            conds.push("s.unit_id = ?1");
        }
        if latest {
            // Rows only ever get added: the highest rowid is the latest version.
            conds.push("s.rowid = (SELECT MAX(t.rowid) FROM submissions t WHERE t.unit_id = s.unit_id AND t.material = s.material)");
        }
        if !conds.is_empty() {
            q.push_str(" WHERE ");
            q.push_str(&conds.join(" AND "));
        }
        q.push_str(" ORDER BY s.submitted_at DESC, s.rowid DESC");
        let conn = self.conn();
        let mut st = sql(conn.prepare(&q))?;
        let rows = match unit {
            Some(u) => sql(st.query_map([u], Self::submission_row))?.collect::<Result<Vec<_>, _>>(),
            None => sql(st.query_map([], Self::submission_row))?.collect::<Result<Vec<_>, _>>(),
        };
        sql(rows)
    }

    pub fn submission(&self, id: &str) -> Result<Option<(Submission, String)>, String> {
        let q = format!("{} WHERE s.id = ?1", Self::SELECT);
        let conn = self.conn();
        let s = sql(conn.query_row(&q, [id], Self::submission_row).optional())?;
        let Some(s) = s else { return Ok(None) };
        let diags: String = sql(conn.query_row(
            "SELECT diagnostics FROM submissions WHERE id = ?1",
            [id],
            |r| r.get(0),
        ))?;
        Ok(Some((s, diags)))
    }

    pub fn files(&self, submission: &str) -> Result<Vec<(String, String, i64)>, String> {
        let conn = self.conn();
        let mut st = sql(conn.prepare(
            "SELECT path, sha256, size FROM files WHERE submission_id = ?1 ORDER BY path",
        ))?;
        let rows = sql(st.query_map([submission], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?))))?;
        sql(rows.collect())
    }

    /// Removes stored files no submission refers to (left by a crash
    /// between writing files and committing), and old temporaries.
    pub fn collect_garbage(&self) -> Result<usize, String> {
        let referenced: std::collections::HashSet<String> = {
            let conn = self.conn();
            let mut st = sql(conn.prepare("SELECT DISTINCT sha256 FROM files"))?;
            let rows = sql(st.query_map([], |r| r.get::<_, String>(0)))?;
            sql(rows.collect())?
        };
        let mut removed = 0;
        let store = self.dir.join("store");
        for fan in std::fs::read_dir(&store).into_iter().flatten().flatten() {
            for blob in std::fs::read_dir(fan.path())
                .into_iter()
                .flatten()
                .flatten()
            {
                let name = blob.file_name().to_string_lossy().into_owned();
                if !referenced.contains(&name) && std::fs::remove_file(blob.path()).is_ok() {
                    removed += 1;
                }
            }
        }
        for t in std::fs::read_dir(self.dir.join("tmp"))
            .into_iter()
            .flatten()
            .flatten()
        {
            let _ = std::fs::remove_file(t.path());
        }
        Ok(removed)
    }
}

/// Makes a rename durable: the folder's entry is on disk too.
pub fn sync_dir(dir: &Path) {
    #[cfg(unix)]
    if let Ok(f) = std::fs::File::open(dir) {
        let _ = f.sync_all();
    }
    #[cfg(not(unix))]
    let _ = dir;
}
