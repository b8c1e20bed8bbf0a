//! The office portal: codes and sessions, isolation between schools,
//! lockout, durability under kill -9, backup, and the whole flow in a real
//! browser.

mod support;

use std::path::{Path, PathBuf};
use std::time::Duration;

use serde_json::json;
use support::http::{multipart, request, Resp, Server};
use support::*;

/// Three schools in two counties, and the office.
const ROSTER: &str = "[[units]]\nname = \"南昌市第一中等专业学校\"\nregion = \"东湖区\"\n\n[[units]]\nname = \"南昌市第二中等专业学校\"\nregion = \"西湖区\"\n\n[[units]]\nname = \"南昌工业学校\"\nregion = \"东湖区\"\n";

/// An office folder made by `office init`, with each unit's code.
fn init(root: &Path) -> (PathBuf, Vec<(String, String)>) {
    std::fs::write(root.join("roster.toml"), ROSTER).unwrap();
    std::fs::write(
        root.join("collection.toml"),
        "title = \"2020年典型案例汇编\"\nissuer = \"南昌市教育局\"\ndate = 2020-11-30\nsources = [\"**/*\"]\ngroup_by = \"region\"\n",
    )
    .unwrap();
    let dir = root.join("平台");
    let o = run(
        &[
            "office",
            "init",
            dir.to_str().unwrap(),
            "--roster",
            "roster.toml",
            "--collection",
            "collection.toml",
        ],
        root,
    );
    assert!(o.status.success(), "{}", stderr(&o));
    // Relaxed rules, so small generated photos are fine where that is not
    // what a test is about.
    std::fs::write(dir.join("baosong.toml"), RELAXED).unwrap();
    let out = String::from_utf8_lossy(&o.stdout).into_owned();
    let codes: Vec<(String, String)> = out
        .lines()
        .skip(1)
        .filter_map(|l| {
            let code = l.split_whitespace().last()?.to_string();
            let unit = l.split_whitespace().next()?.to_string();
            (code.len() == 18).then_some((unit, code))
        })
        .collect();
    assert_eq!(codes.len(), 4, "{out}");
    assert_eq!(codes[3].0, "办公室");
    // The codes are never stored in clear.
    let db = std::fs::read(dir.join("baosong-office.sqlite")).unwrap();
    for (_, c) in &codes {
        let plain = c.replace('-', "");
        assert!(!db.windows(plain.len()).any(|w| w == plain.as_bytes()));
        assert!(!db.windows(c.len()).any(|w| w == c.as_bytes()));
    }
    (dir, codes)
}

/// A logged-in client: its cookie and token.
struct Client {
    port: u16,
    origin: String,
    cookie: String,
    csrf: String,
}

fn login(s: &Server, code: &str) -> Result<Client, Resp> {
    let origin = s.origin();
    let r = request(
        s.port,
        "POST",
        "/api/login",
        &[("Origin", &origin), ("Content-Type", "application/json")],
        json!({ "code": code }).to_string().as_bytes(),
    );
    if r.status != 200 {
        return Err(r);
    }
    let set = r.header("set-cookie").unwrap().to_string();
    assert!(
        set.contains("HttpOnly") && set.contains("SameSite=Strict"),
        "{set}"
    );
    let cookie = set.split(';').next().unwrap().to_string();
    Ok(Client {
        port: s.port,
        origin,
        csrf: r.json()["csrf"].as_str().unwrap().to_string(),
        cookie,
    })
}

impl Client {
    fn get(&self, path: &str) -> Resp {
        request(self.port, "GET", path, &[("Cookie", &self.cookie)], b"")
    }
    fn post_json(&self, path: &str, body: serde_json::Value) -> Resp {
        request(
            self.port,
            "POST",
            path,
            &[
                ("Cookie", &self.cookie),
                ("Origin", &self.origin),
                ("X-CSRF-Token", &self.csrf),
                ("Content-Type", "application/json"),
            ],
            body.to_string().as_bytes(),
        )
    }
    fn submit(&self, material: &str, toml: &str, files: &[(&str, &[u8])]) -> Resp {
        let mut parts: Vec<(&str, Option<&str>, &[u8])> =
            vec![("material", Some(material), toml.as_bytes())];
        for (name, data) in files {
            parts.push(("files", Some(name), data));
        }
        let (ct, body) = multipart(&parts);
        request(
            self.port,
            "POST",
            "/api/submissions",
            &[
                ("Cookie", &self.cookie),
                ("Origin", &self.origin),
                ("X-CSRF-Token", &self.csrf),
                ("Content-Type", &ct),
            ],
            &body,
        )
    }
}

fn case_toml(unit: &str, title: &str) -> String {
    format!(
        "category = \"典型活动案例\"\ntitle = \"{title}\"\nunit = \"{unit}\"\nbody = \"\"\"\n{}\"\"\"\n\n[[photos]]\npath = \"photos/01.jpg\"\ncaption = \"活动照片\"\n",
        body(5)
    )
}

#[test]
fn schools_see_only_their_own_and_only_the_office_sees_the_board() {
    let d = tempfile::tempdir().unwrap();
    let (dir, codes) = init(d.path());
    let s = Server::start(&["--office", dir.to_str().unwrap()], d.path());
    let a = login(&s, &codes[0].1).unwrap();
    let b = login(&s, &codes[1].1.to_lowercase()).unwrap();
    let office = login(&s, &codes[3].1).unwrap();
    assert_eq!(
        a.get("/api/session").json()["unit"],
        "南昌市第一中等专业学校"
    );
    assert_eq!(office.get("/api/session").json()["role"], "office");
    // A school submits with a photo; checked on arrival.
    let jpeg = baosong::testkit::jpeg(64, 48, None);
    let r = a.submit(
        "story.toml",
        &case_toml("南昌市第一中等专业学校", "一中的案例"),
        &[("photos/01.jpg", &jpeg)],
    );
    assert_eq!(r.status, 201, "{}", r.text());
    let id = r.json()["id"].as_str().unwrap().to_string();
    assert!(r.json()["diagnostics"].is_array());
    // Submitting for another unit is refused.
    let r = b.submit(
        "story.toml",
        &case_toml("南昌市第一中等专业学校", "冒名"),
        &[("photos/01.jpg", &jpeg)],
    );
    assert_eq!(r.status, 403, "{}", r.text());
    // Every school endpoint with the other school's ids: nothing leaks.
    let sha = a.get(&format!("/api/submissions/{id}")).json()["files"][0]["sha256"]
        .as_str()
        .unwrap()
        .to_string();
    for path in [
        format!("/api/submissions/{id}"),
        format!("/api/submissions/{id}/files/story.toml"),
        format!("/api/submissions/{id}/files/photos/01.jpg"),
    ] {
        let r = b.get(&path);
        assert!(matches!(r.status, 403 | 404), "{path}: {}", r.status);
        assert!(
            !r.text().contains("一中的案例") && !r.text().contains(&sha),
            "{path}"
        );
    }
    assert_eq!(
        b.get("/api/submissions").json().as_array().unwrap().len(),
        0
    );
    assert_eq!(
        a.get("/api/submissions").json().as_array().unwrap().len(),
        1
    );
    assert_eq!(
        a.get(&format!("/api/submissions/{id}/files/photos/01.jpg"))
            .body,
        jpeg
    );
    for path in [
        "/api/status",
        "/api/stats",
        "/api/audit",
        "/api/status.xlsx",
        "/api/stats.xlsx",
        "/api/export.zip",
        "/api/exports/x.pdf",
    ] {
        assert_eq!(a.get(path).status, 403, "{path}");
    }
    assert_eq!(a.post_json("/api/compile", json!({})).status, 403);
    // Not logged in: nothing.
    for path in [
        "/api/submissions",
        "/api/status",
        &format!("/api/submissions/{id}"),
    ] {
        assert_eq!(request(s.port, "GET", path, &[], b"").status, 401, "{path}");
    }
    // The office sees everything and everyone.
    assert_eq!(office.get(&format!("/api/submissions/{id}")).status, 200);
    let status = office.get("/api/status").json();
    let rows = status.as_array().unwrap();
    assert_eq!(rows.len(), 3);
    let first = rows
        .iter()
        .find(|r| r["unit"] == "南昌市第一中等专业学校")
        .unwrap();
    assert_eq!(first["sent"], 1);
    assert_eq!(first["region"], "东湖区");
    // The summaries' sums as the command line's spreadsheet.
    let sums = office.get("/api/stats.xlsx");
    assert_eq!(sums.status, 200);
    let xlsx = d.path().join("统计.xlsx");
    std::fs::write(&xlsx, &sums.body).unwrap();
    let sheet = xlsx_sheet(&xlsx);
    let cells: Vec<String> = (0..4)
        .flat_map(|r| (0..2).map(move |c| (r, c)))
        .map(|(r, c)| sheet.get(r, c))
        .collect();
    assert!(cells.iter().any(|c| c == "县区"), "{cells:?}");
    assert!(cells.iter().any(|c| c == "合计"), "{cells:?}");
    // A school's workspace is its own: B's folder has no A's drafts.
    let saved = a.post_json(
        "/api/save",
        json!({"type": "case", "values": {"title": "草稿", "unit": "x", "body": body(5)}}),
    );
    assert_eq!(saved.status, 200, "{}", saved.text());
    let path = saved.json()["path"].as_str().unwrap().to_string();
    let enc: String = path.bytes().map(|b| format!("%{b:02X}")).collect();
    assert_eq!(a.get(&format!("/api/material?path={enc}")).status, 200);
    assert_eq!(
        a.get(&format!("/api/material?path={enc}")).json()["values"]["unit"],
        "南昌市第一中等专业学校",
        "the school's own unit"
    );
    assert_eq!(b.get(&format!("/api/material?path={enc}")).status, 404);
    assert_eq!(b.get(&format!("/api/download/pdf?path={enc}")).status, 404);
    // The audit log names who did what, and no code.
    let audit = office.get("/api/audit").text();
    assert!(
        audit.contains("提交") && audit.contains("南昌市第一中等专业学校"),
        "{audit}"
    );
    for (_, c) in &codes {
        assert!(!audit.contains(c.as_str()));
    }
    // Logging out ends the session.
    assert_eq!(a.post_json("/api/logout", json!({})).status, 200);
    assert_eq!(a.get("/api/submissions").status, 401);
}

#[test]
fn wrong_codes_lock_out_and_foreign_cookies_are_refused() {
    let d = tempfile::tempdir().unwrap();
    let (dir, codes) = init(d.path());
    let s = Server::start(&["--office", dir.to_str().unwrap()], d.path());
    for i in 0..10 {
        let r = login(&s, "23A-AAAA-AAAA-AAAA").err().unwrap();
        assert_eq!(r.status, 401, "attempt {i}");
        assert!(r.json()["error"].as_str().unwrap().contains("访问码不正确"));
    }
    let r = login(&s, "23A-AAAA-AAAA-AAAA").err().unwrap();
    assert_eq!(r.status, 429);
    assert!(
        r.json()["error"].as_str().unwrap().contains("15 分钟"),
        "{}",
        r.text()
    );
    // From this address even the right code waits.
    assert_eq!(login(&s, &codes[0].1).err().unwrap().status, 429);
    // A session of another portal (another folder) means nothing here.
    let d2 = tempfile::tempdir().unwrap();
    let (dir2, codes2) = init(d2.path());
    let s2 = Server::start(&["--office", dir2.to_str().unwrap()], d2.path());
    let elsewhere = login(&s2, &codes2[0].1).unwrap();
    let r = request(
        s.port,
        "GET",
        "/api/submissions",
        &[("Cookie", &elsewhere.cookie)],
        b"",
    );
    assert_eq!(r.status, 401);
    // A code from the other portal opens nothing either (and the address is
    // locked anyway).
    assert!(login(&s, &codes2[3].1).is_err());
}

#[test]
fn parallel_guesses_cannot_pass_the_limit() {
    let d = tempfile::tempdir().unwrap();
    let (dir, _codes) = init(d.path());
    let s = Server::start(&["--office", dir.to_str().unwrap()], d.path());
    // 40 wrong codes at once from one address: the limit of 10 holds even
    // when they all arrive before the first is verified.
    let statuses: Vec<u16> = std::thread::scope(|scope| {
        let hs: Vec<_> = (0..40)
            .map(|_| scope.spawn(|| login(&s, "23A-AAAA-BBBB-CCCC").err().unwrap().status))
            .collect();
        hs.into_iter().map(|h| h.join().unwrap()).collect()
    });
    let wrong = statuses.iter().filter(|c| **c == 401).count();
    let locked = statuses.iter().filter(|c| **c == 429).count();
    assert_eq!((wrong, locked), (10, 30), "{statuses:?}");
}

#[test]
fn acknowledged_submissions_survive_kill_9() {
    let d = tempfile::tempdir().unwrap();
    let (dir, codes) = init(d.path());
    let photos: Vec<Vec<u8>> = (0..5)
        .map(|i| baosong::testkit::photo(800, 600, i, 90))
        .collect();
    let mut acknowledged: Vec<(String, String)> = vec![]; // (id, sha of the photo)
    let mut cut_short = 0;
    for round in 0..10 {
        let s = Server::start(&["--office", dir.to_str().unwrap()], d.path());
        let clients: Vec<Client> = (0..3).map(|i| login(&s, &codes[i].1).unwrap()).collect();
        let port = s.port;
        let handles: Vec<_> = (0..50)
            .map(|i| {
                let c = &clients[i % 3];
                let (cookie, csrf, origin) = (c.cookie.clone(), c.csrf.clone(), c.origin.clone());
                let unit = codes[i % 3].0.clone();
                let photo = photos[i % 5].clone();
                std::thread::spawn(move || {
                    let c = Client {
                        port,
                        origin,
                        cookie,
                        csrf,
                    };
                    let toml = case_toml(&unit, &format!("第{round}轮第{i}篇"));
                    let r = support::http::try_request(port, "GET", "/", &[], b"").ok()?;
                    let _ = r;
                    let (ct, body) = multipart(&[
                        ("material", Some(&format!("story{i}.toml")), toml.as_bytes()),
                        ("files", Some("photos/01.jpg"), &photo),
                    ]);
                    let r = support::http::try_request(
                        c.port,
                        "POST",
                        "/api/submissions",
                        &[
                            ("Cookie", &c.cookie),
                            ("Origin", &c.origin),
                            ("X-CSRF-Token", &c.csrf),
                            ("Content-Type", &ct),
                        ],
                        &body,
                    )
                    .ok()?;
                    (r.status == 201).then(|| {
                        let id = r.json()["id"].as_str().unwrap().to_string();
                        let sha = {
                            use sha2::{Digest, Sha256};
                            Sha256::digest(&photo)
                                .iter()
                                .map(|b| format!("{b:02x}"))
                                .collect::<String>()
                        };
                        (id, sha)
                    })
                })
            })
            .collect();
        // Kill at a moment that differs from round to round.
        std::thread::sleep(Duration::from_millis(
            [5, 15, 25, 40, 55, 70, 85, 100, 120, 140][round],
        ));
        let mut s = s;
        unsafe_kill9(&mut s);
        let before = acknowledged.len();
        for h in handles {
            if let Ok(Some(ack)) = h.join() {
                acknowledged.push(ack);
            }
        }
        let this_round = acknowledged.len() - before;
        eprintln!("round {round}: {this_round} of 50 acknowledged before the kill");
        cut_short += usize::from(this_round < 50);
        // After a restart every acknowledged submission is there, whole.
        let s = Server::start(&["--office", dir.to_str().unwrap()], d.path());
        let office = login(&s, &codes[3].1).unwrap();
        let all = office.get("/api/submissions").json();
        let ids: Vec<&str> = all
            .as_array()
            .unwrap()
            .iter()
            .map(|x| x["id"].as_str().unwrap())
            .collect();
        for (id, sha) in &acknowledged {
            assert!(ids.contains(&id.as_str()), "round {round}: {id} lost");
            let one = office.get(&format!("/api/submissions/{id}")).json();
            let files = one["files"].as_array().unwrap();
            assert_eq!(files.len(), 2, "round {round}: a half submission: {one}");
            let photo = files.iter().find(|f| f["path"] == "photos/01.jpg").unwrap();
            assert_eq!(photo["sha256"], *sha.as_str());
            let bytes = office
                .get(&format!("/api/submissions/{id}/files/photos/01.jpg"))
                .body;
            use sha2::{Digest, Sha256};
            let got: String = Sha256::digest(&bytes)
                .iter()
                .map(|b| format!("{b:02x}"))
                .collect();
            assert_eq!(&got, sha, "round {round}: stored bytes intact");
        }
        // Every visible submission is whole (none half there).
        for id in &ids {
            let one = office.get(&format!("/api/submissions/{id}")).json();
            assert_eq!(one["files"].as_array().unwrap().len(), 2);
        }
        drop(s);
        let conn = rusqlite::Connection::open(dir.join("baosong-office.sqlite")).unwrap();
        let ok: String = conn
            .query_row("PRAGMA integrity_check", [], |r| r.get(0))
            .unwrap();
        assert_eq!(ok, "ok");
    }
    assert!(!acknowledged.is_empty(), "some uploads were acknowledged");
    assert!(
        cut_short >= 5,
        "the kills fell during the uploads in most rounds"
    );
    // A backup while serving holds them all, and the schools' drafts.
    let draft = dir.join("workspaces/1/未提交的案例.toml");
    std::fs::create_dir_all(draft.parent().unwrap()).unwrap();
    std::fs::write(&draft, "title = \"还没写完\"\n").unwrap();
    let s = Server::start(&["--office", dir.to_str().unwrap()], d.path());
    let out = d.path().join("备份.zip");
    let o = run(
        &[
            "office",
            "backup",
            dir.to_str().unwrap(),
            out.to_str().unwrap(),
        ],
        d.path(),
    );
    assert!(o.status.success(), "{}", stderr(&o));
    drop(s);
    let restored = d.path().join("恢复");
    let mut z = zip::ZipArchive::new(std::fs::File::open(&out).unwrap()).unwrap();
    z.extract(&restored).unwrap();
    assert_eq!(
        std::fs::read_to_string(restored.join("workspaces/1/未提交的案例.toml")).unwrap(),
        "title = \"还没写完\"\n"
    );
    let s = Server::start(&["--office", restored.to_str().unwrap()], d.path());
    let office = login(&s, &codes[3].1).unwrap();
    let all = office.get("/api/submissions").json();
    for (id, _) in &acknowledged {
        assert!(all
            .as_array()
            .unwrap()
            .iter()
            .any(|x| x["id"] == id.as_str()));
    }
}

fn unsafe_kill9(s: &mut Server) {
    // SIGKILL: no chance to clean up, as a power cut.
    let _ = std::process::Command::new("kill")
        .args(["-9", &s.child.id().to_string()])
        .status();
    let _ = s.child.wait();
}

fn fill(wd: &support::webdriver::Driver, css: &str, text: &str) {
    let el = wd.wait_for(css, Duration::from_secs(10));
    wd.exec(
        "arguments[0].value = arguments[1]; arguments[0].dispatchEvent(new Event('input', {bubbles: true}));",
        vec![el.json(), json!(text)],
    );
}

/// An element's text read in one step (the board redraws its rows, so a
/// found element may be gone a moment later).
fn text_of(wd: &support::webdriver::Driver, css: &str) -> String {
    wd.exec(
        "const e = document.querySelector(arguments[0]); return e ? e.textContent : '';",
        vec![json!(css)],
    )
    .as_str()
    .unwrap_or("")
    .to_string()
}

fn browser_login(wd: &support::webdriver::Driver, s: &Server, code: &str, lands: &str) {
    wd.goto(&format!("{}login", s.url));
    wd.wait_for("input[name=code]", Duration::from_secs(10))
        .send_keys(code);
    wd.find("#enter").unwrap().click();
    wd.wait_until(lands, Duration::from_secs(10), |wd| {
        wd.url().ends_with(lands)
    });
}

#[test]
fn a_school_submits_and_the_office_watches_and_compiles_in_a_real_browser() {
    use support::webdriver::Driver;
    let d = tempfile::tempdir().unwrap();
    let fc = fontconfig(d.path());
    let Some(office) = Driver::start_with_env(&[("FONTCONFIG_FILE", fc.as_os_str())]) else {
        return;
    };
    let Some(school) = Driver::start_with_env(&[("FONTCONFIG_FILE", fc.as_os_str())]) else {
        return;
    };
    let (dir, codes) = init(d.path());
    let s = Server::start(&["--office", dir.to_str().unwrap()], d.path());
    // The office watches the board.
    browser_login(&office, &s, &codes[3].1, "/office");
    let row = "table#status tr[data-unit='南昌市第一中等专业学校']";
    office.wait_for(row, Duration::from_secs(10));
    assert!(text_of(&office, row).contains("0 份"));
    // A school logs in, writes a case with a photo, submits.
    browser_login(&school, &s, &codes[0].1, "/portal");
    school.goto(&format!("{}new/case", s.url));
    let unit = school.wait_for("[name=unit]", Duration::from_secs(10));
    school.wait_until("its own unit", Duration::from_secs(5), |_| {
        unit.prop("value") == json!("南昌市第一中等专业学校")
    });
    school
        .find("[name=title]")
        .unwrap()
        .send_keys("云端展风采 技能暖社区");
    fill(&school, "[name=body]", &body(5));
    let photo = d.path().join("活动.jpg");
    std::fs::write(&photo, baosong::testkit::photo(1200, 800, 9, 90)).unwrap();
    school
        .find("input[type=file][name=photos]")
        .unwrap()
        .upload_file(&[&photo]);
    school
        .wait_for(
            ".photo[data-photo='0'] input[name=caption]",
            Duration::from_secs(10),
        )
        .send_keys("学生展示技能");
    school.wait_until("the preview", Duration::from_secs(15), |wd| {
        wd.find("#preview .page").is_some()
    });
    school.find("button#submit").unwrap().click();
    school.wait_until("submitted", Duration::from_secs(20), |wd| {
        text_of(wd, "#message").contains("已提交")
    });
    // Its problems are shown beside the text.
    school.wait_for("#diagnostics [data-code]", Duration::from_secs(10));
    // The office's row changes without a reload.
    let board_url = office.url();
    office.wait_until("the row changes", Duration::from_secs(10), |wd| {
        text_of(wd, row).contains("1 份")
    });
    assert_eq!(office.url(), board_url);
    // A second school sends its plan by the API, as a script would.
    let b = login(&s, &codes[1].1).unwrap();
    let plan = format!("type = \"plan\"\ntitle = \"活动周工作方案\"\nunit = \"南昌市第二中等专业学校\"\nbody = \"\"\"\n{}\"\"\"\n", body(3));
    assert_eq!(b.submit("plan.toml", &plan, &[]).status, 201);
    let row2 = "table#status tr[data-unit='南昌市第二中等专业学校']";
    office.wait_until("the second row", Duration::from_secs(10), |wd| {
        text_of(wd, row2).contains("工作方案 1")
    });
    std::thread::sleep(Duration::from_millis(300));
    let shots = Path::new(env!("CARGO_MANIFEST_DIR")).join("target/screenshots");
    std::fs::create_dir_all(&shots).unwrap();
    std::fs::write(shots.join("office-board.png"), office.screenshot_png()).unwrap();
    // The office compiles and downloads the volume.
    office.find("#compile").unwrap().click();
    let link = office.wait_for("#download-volume-pdf", Duration::from_secs(60));
    link.click();
    let pdf = office.wait_for_download("2020年典型案例汇编.pdf", Duration::from_secs(30));
    let bytes = std::fs::read(pdf).unwrap();
    assert!(bytes.starts_with(b"%PDF"));
    if have("pdftotext") {
        let f = d.path().join("v.pdf");
        std::fs::write(&f, &bytes).unwrap();
        let text = tool("pdftotext", &[f.to_str().unwrap(), "-"]);
        assert!(text.contains("云端展风采"), "{text}");
    }
}

// Portal mode guards its writes as the workbench does: the session's
// token and our own origin; file names stay inside; a file over the
// limit gets a Chinese 413 and the server goes on; the cookie is Secure
// behind an HTTPS proxy.
#[test]
fn portal_writes_need_token_and_origin_and_names_stay_inside() {
    let d = tempfile::tempdir().unwrap();
    let (dir, codes) = init(d.path());
    let s = Server::start(
        &["--office", dir.to_str().unwrap(), "--max-photo-mb", "1"],
        d.path(),
    );
    let a = login(&s, &codes[0].1).unwrap();
    let small = baosong::testkit::jpeg(64, 48, None);
    let toml = case_toml("南昌市第一中等专业学校", "守门");
    let (ct, body) = multipart(&[
        ("material", Some("case.toml"), toml.as_bytes()),
        ("files", Some("photos/01.jpg"), &small),
    ]);
    let post = |headers: &[(&str, &str)]| {
        let mut h = vec![("Cookie", a.cookie.as_str()), ("Content-Type", ct.as_str())];
        h.extend_from_slice(headers);
        request(s.port, "POST", "/api/submissions", &h, &body)
    };
    // Without the token, or from another origin: refused, nothing stored.
    assert_eq!(post(&[("Origin", &a.origin)]).status, 403);
    assert_eq!(
        post(&[("Origin", "http://evil.example"), ("X-CSRF-Token", &a.csrf)]).status,
        403
    );
    assert_eq!(
        a.get("/api/submissions").json().as_array().unwrap().len(),
        0
    );
    // A file name reaching out of the submission does not land outside.
    let r = a.submit(
        "case.toml",
        &toml,
        &[("../../evil.jpg", &small), ("photos/01.jpg", &small)],
    );
    if r.status == 201 {
        let one = a
            .get(&format!(
                "/api/submissions/{}",
                r.json()["id"].as_str().unwrap()
            ))
            .json();
        for f in one["files"].as_array().unwrap() {
            assert!(!f["path"].as_str().unwrap().contains(".."), "{one}");
        }
    } else {
        assert!(matches!(r.status, 400 | 422), "{}", r.text());
    }
    let mut stack = vec![d.path().to_path_buf()];
    while let Some(p) = stack.pop() {
        for e in std::fs::read_dir(&p).unwrap().flatten() {
            assert_ne!(e.file_name(), "evil.jpg", "{}", e.path().display());
            if e.path().is_dir() {
                stack.push(e.path());
            }
        }
    }
    // Over the limit: a Chinese 413, and the server still answers.
    let big = baosong::testkit::photo(2400, 1600, 3, 95);
    let r = a.submit("case.toml", &toml, &[("photos/01.jpg", &big)]);
    assert_eq!(r.status, 413, "{}", r.text());
    assert!(r.text().contains("MB"), "{}", r.text());
    assert_eq!(a.get("/api/session").status, 200);
    // Behind an HTTPS proxy on this machine the cookie is Secure.
    let origin = s.origin();
    let r = request(
        s.port,
        "POST",
        "/api/login",
        &[
            ("Origin", &origin),
            ("Content-Type", "application/json"),
            ("X-Forwarded-Proto", "https"),
        ],
        json!({ "code": codes[1].1 }).to_string().as_bytes(),
    );
    assert_eq!(r.status, 200, "{}", r.text());
    assert!(r.header("set-cookie").unwrap().contains("; Secure"));
}
