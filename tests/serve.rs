//! `baosong serve`: the workbench over HTTP and in a real browser.

mod support;

use std::path::Path;
use std::time::{Duration, Instant};

use serde_json::json;
use support::http::{multipart, request, Server};
use support::webdriver::Driver;
use support::*;

/// The session's CSRF token, and the headers a page's request carries.
fn token(s: &Server) -> String {
    s.get("/api/session", &[]).json()["csrf"]
        .as_str()
        .unwrap()
        .to_string()
}

fn post_json(s: &Server, path: &str, csrf: &str, body: &serde_json::Value) -> support::http::Resp {
    let origin = s.origin();
    request(
        s.port,
        "POST",
        path,
        &[
            ("Origin", &origin),
            ("X-CSRF-Token", csrf),
            ("Content-Type", "application/json"),
        ],
        body.to_string().as_bytes(),
    )
}

fn upload(s: &Server, csrf: &str, parts: &[(&str, Option<&str>, &[u8])]) -> support::http::Resp {
    let (ct, body) = multipart(parts);
    let origin = s.origin();
    request(
        s.port,
        "POST",
        "/api/photos",
        &[
            ("Origin", &origin),
            ("X-CSRF-Token", csrf),
            ("Content-Type", &ct),
        ],
        &body,
    )
}

#[test]
fn requests_from_elsewhere_are_refused_and_uploads_stay_inside() {
    let d = tempfile::tempdir().unwrap();
    let folder = d.path().join("材料");
    std::fs::create_dir(&folder).unwrap();
    let s = Server::start(&[folder.to_str().unwrap()], d.path());
    // DNS rebinding: another name for our address is not answered.
    assert_eq!(s.get("/", &[("Host", "evil.example")]).status, 421);
    assert_eq!(
        s.get("/api/materials", &[("Host", "evil.example:80")])
            .status,
        421
    );
    assert_eq!(s.get("/", &[]).status, 200);
    let csrf = token(&s);
    let values = json!({"type": "case", "values": {"title": "x"}});
    // Changing requests need our Origin and the token.
    let no_origin = request(
        s.port,
        "POST",
        "/api/save",
        &[
            ("X-CSRF-Token", &csrf),
            ("Content-Type", "application/json"),
        ],
        values.to_string().as_bytes(),
    );
    assert_eq!(no_origin.status, 403);
    let evil = request(
        s.port,
        "POST",
        "/api/save",
        &[
            ("Origin", "http://evil.example"),
            ("X-CSRF-Token", &csrf),
            ("Content-Type", "application/json"),
        ],
        values.to_string().as_bytes(),
    );
    assert_eq!(evil.status, 403);
    let no_token = post_json(&s, "/api/save", "wrong", &values);
    assert_eq!(no_token.status, 403);
    assert!(no_token.json()["error"]
        .as_str()
        .unwrap()
        .contains("安全令牌"));
    // A photo named with a path lands inside the folder, under photos/.
    let jpeg = baosong::testkit::jpeg(64, 48, None);
    let r = upload(
        &s,
        &csrf,
        &[("dir", None, b""), ("photos", Some("../../x.jpg"), &jpeg)],
    );
    assert_eq!(r.status, 200, "{}", r.text());
    assert_eq!(r.json()["files"][0]["path"], "photos/x.jpg");
    assert!(folder.join("photos/x.jpg").is_file());
    assert!(!d.path().join("x.jpg").exists());
    let r = upload(
        &s,
        &csrf,
        &[("dir", None, b"../.."), ("photos", Some("y.jpg"), &jpeg)],
    );
    assert_eq!(r.status, 400, "a folder outside is refused");
    // The photo checks come back at once: too narrow, too small.
    let codes: Vec<String> = upload(&s, &csrf, &[("photos", Some("small.jpg"), &jpeg)]).json()
        ["files"][0]["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["code"].as_str().unwrap().to_string())
        .collect();
    assert!(
        codes.contains(&"B0203".into()) && codes.contains(&"B0204".into()),
        "{codes:?}"
    );
    // 60 MB to the photo endpoint: a clear Chinese error, nothing kept,
    // and the server goes on serving.
    let big = vec![0xFFu8; 60 * 1024 * 1024];
    let r = upload(&s, &csrf, &[("photos", Some("big.jpg"), &big)]);
    assert_eq!(r.status, 413, "{}", r.text());
    assert!(
        r.json()["error"].as_str().unwrap().contains("50 MB"),
        "{}",
        r.text()
    );
    assert!(!folder.join("photos/big.jpg").exists());
    assert_eq!(s.get("/api/session", &[]).status, 200);
    // Paths that leave the folder read nothing.
    for p in ["../secret.toml", "/etc/passwd", "photos/../../x.toml"] {
        let r = s.get(&format!("/api/material?path={p}"), &[]);
        assert!(matches!(r.status, 400 | 403 | 404), "{p}: {}", r.status);
    }
}

#[test]
fn preview_checks_saves_and_downloads_the_cli_bytes() {
    let d = tempfile::tempdir().unwrap();
    let s = Server::start(&["."], d.path());
    let csrf = token(&s);
    let photo = baosong::testkit::photo(2400, 1600, 7, 95);
    assert!(photo.len() >= 2 * 1024 * 1024, "{}", photo.len());
    let r = upload(&s, &csrf, &[("photos", Some("活动.jpg"), &photo)]);
    assert_eq!(r.status, 200);
    let values = json!({
        "title": "匠心筑梦 技能报国",
        "unit": "南昌市第一中等专业学校",
        "category": "典型活动案例",
        "region": "东湖区",
        "body": body(6),
        "photos": [{"path": "photos/活动.jpg", "caption": "学生展示技能"}],
    });
    let p = post_json(
        &s,
        "/api/preview",
        &csrf,
        &json!({"draft": "t1", "type": "case", "values": values}),
    );
    assert_eq!(p.status, 200, "{}", p.text());
    let p = p.json();
    assert!(p["chars"].as_u64().unwrap() > 800, "{p}");
    let pages = p["pages"].as_array().unwrap();
    assert!(pages.len() >= 2, "{p}");
    let png = s.get(pages[0]["url"].as_str().unwrap(), &[]);
    assert_eq!(png.status, 200);
    assert!(png.body.starts_with(b"\x89PNG"));
    // A short body: B0101 on the body field, at its first character.
    let mut short = values.clone();
    short["body"] = json!("一、概况\n\n太短了。");
    let p = post_json(
        &s,
        "/api/preview",
        &csrf,
        &json!({"draft": "t1", "type": "case", "values": short}),
    )
    .json();
    let d101 = p["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["code"] == "B0101")
        .expect("B0101");
    assert_eq!(d101["field"], "body");
    // Saved, then built by the command line: the same bytes as the downloads.
    let saved = post_json(
        &s,
        "/api/save",
        &csrf,
        &json!({"type": "case", "values": values}),
    )
    .json();
    let path = saved["path"].as_str().unwrap().to_string();
    assert_eq!(path, "匠心筑梦 技能报国.toml");
    let text = std::fs::read_to_string(d.path().join(&path)).unwrap();
    assert!(
        text.contains("# 标题（排版为方正小标宋简体二号"),
        "template comments kept: {text}"
    );
    let enc: String = path.bytes().map(|b| format!("%{b:02X}")).collect();
    let docx = s.get(&format!("/api/download/docx?path={enc}"), &[]);
    let pdf = s.get(&format!("/api/download/pdf?path={enc}"), &[]);
    assert_eq!((docx.status, pdf.status), (200, 200));
    assert!(docx
        .header("content-disposition")
        .unwrap()
        .contains("filename*=UTF-8''"));
    let out = d.path().join("cli");
    let o = run(&["build", &path, "-o", out.to_str().unwrap()], d.path());
    assert!(o.status.success(), "{}", stderr(&o));
    let stem = path.trim_end_matches(".toml");
    assert!(
        std::fs::read(out.join(format!("{stem}.docx"))).unwrap() == docx.body,
        "docx differs"
    );
    assert!(
        std::fs::read(out.join(format!("{stem}.pdf"))).unwrap() == pdf.body,
        "pdf differs"
    );
    // Text goes gzipped to a browser that asks; a PDF goes as it is.
    let gz = [("Accept-Encoding", "gzip")];
    let script = s.get("/static/edit.js", &gz);
    assert_eq!(script.status, 200);
    assert_eq!(script.header("content-encoding"), Some("gzip"));
    let pdf_gz = s.get(&format!("/api/download/pdf?path={enc}"), &gz);
    assert_eq!(pdf_gz.header("content-encoding"), None);
    assert!(pdf_gz.body == pdf.body);
    // Opening the saved material gives the values back.
    let m = s.get(&format!("/api/material?path={enc}"), &[]).json();
    assert_eq!(m["values"]["unit"], "南昌市第一中等专业学校");
    assert_eq!(m["values"]["photos"][0]["caption"], "学生展示技能");
    let list = s.get("/api/materials", &[]).json();
    assert!(
        list["materials"]
            .as_array()
            .unwrap()
            .iter()
            .any(|m| m["path"] == path && m["errors"] == 0),
        "{list}"
    );
}

/// Sets a field's value as typing would, with one input event: typing 900
/// characters key by key would take the browser half a minute.
fn fill(wd: &Driver, css: &str, text: &str) {
    let el = wd.wait_for(css, Duration::from_secs(10));
    wd.exec(
        "arguments[0].value = arguments[1]; arguments[0].dispatchEvent(new Event('input', {bubbles: true}));",
        vec![el.json(), json!(text)],
    );
}

fn has(wd: &Driver, css: &str) -> bool {
    wd.find(css).is_some()
}

/// The page's first preview image has loaded.
fn page_shown(wd: &Driver) -> bool {
    wd.exec(
        "const i = document.querySelector('#preview .page'); return !!(i && i.complete && i.naturalWidth > 0);",
        vec![],
    ) == json!(true)
}

#[test]
fn workbench_in_a_real_browser() {
    let d = tempfile::tempdir().unwrap();
    let fc = fontconfig(d.path());
    let Some(wd) = Driver::start_with_env(&[("FONTCONFIG_FILE", fc.as_os_str())]) else {
        return;
    };
    let folder = d.path().join("materials");
    std::fs::create_dir(&folder).unwrap();
    let s = Server::start(&[folder.to_str().unwrap()], d.path());

    // 1. A new case: title, unit, a 900-字 body → pages and 字数 within 1 s.
    wd.goto(&format!("{}new/case", s.url));
    wd.wait_for("#preview .page, #preview .empty", Duration::from_secs(20));
    wd.wait_for("[name=title]", Duration::from_secs(10)).clear();
    wd.find("[name=title]")
        .unwrap()
        .send_keys("匠心筑梦 技能报国");
    wd.find("[name=unit]").unwrap().clear();
    wd.find("[name=unit]")
        .unwrap()
        .send_keys("南昌市第一中等专业学校");
    let long = body(5);
    let n = baosong::text::word_count(&long);
    assert!((850..1500).contains(&n), "{n}");
    let start = Instant::now();
    fill(&wd, "[name=body]", &long);
    wd.wait_until("the count", Duration::from_secs(5), |wd| {
        wd.find("#chars")
            .is_some_and(|c| c.text().contains(&n.to_string()))
    });
    wd.wait_until("a page in the preview", Duration::from_secs(5), page_shown);
    let first = start.elapsed();
    assert!(first < Duration::from_secs(1), "first page after {first:?}");
    assert!(!has(&wd, "#diagnostics [data-code=B0101]"));
    // 300 字: B0101 shows; longer again: it goes.
    let short: String = long.chars().take(300).collect();
    fill(&wd, "[name=body]", &short);
    wd.wait_until("B0101", Duration::from_secs(5), |wd| {
        has(wd, "#diagnostics [data-code=B0101][data-severity=error]")
    });
    fill(&wd, "[name=body]", &long);
    wd.wait_until("B0101 gone", Duration::from_secs(5), |wd| {
        !has(wd, "#diagnostics [data-code=B0101]")
    });

    // 2. A good photo with a caption: a page with the photo; a 1200 px
    //    photo: B0203 on that photo.
    let good = d.path().join("good.jpg");
    std::fs::write(&good, baosong::testkit::photo(2400, 1600, 3, 95)).unwrap();
    let narrow = d.path().join("narrow.jpg");
    std::fs::write(&narrow, baosong::testkit::photo(1200, 800, 4, 95)).unwrap();
    let pages_before = wd.find_all("#preview .page").len();
    wd.find("input[type=file][name=photos]")
        .unwrap()
        .upload_file(&[&good]);
    wd.wait_for(
        ".photo[data-photo='0'] input[name=caption]",
        Duration::from_secs(10),
    )
    .send_keys("学生在实训车间展示数控加工技能");
    wd.wait_until("a page with the photo", Duration::from_secs(10), |wd| {
        wd.find_all("#preview .page").len() > pages_before && page_shown(wd)
    });
    assert!(!has(&wd, ".photo[data-photo='0'] [data-code=B0203]"));
    wd.find("input[type=file][name=photos]")
        .unwrap()
        .upload_file(&[&narrow]);
    wd.wait_until("B0203 on the narrow photo", Duration::from_secs(10), |wd| {
        has(wd, ".photo[data-photo='1'] [data-code=B0203]")
    });
    // Removing the narrow photo removes its problem.
    wd.find(".photo[data-photo='1'] button").unwrap().click();
    wd.wait_until("B0203 gone", Duration::from_secs(10), |wd| {
        !has(wd, "#diagnostics [data-code=B0203]")
    });
    wd.exec("window.scrollTo(0, 0)", vec![]);
    std::thread::sleep(Duration::from_millis(400));
    let shot = wd.screenshot_png();
    let shots = Path::new(env!("CARGO_MANIFEST_DIR")).join("target/screenshots");
    std::fs::create_dir_all(&shots).unwrap();
    std::fs::write(shots.join("workbench.png"), &shot).unwrap();

    // 3. Saved; the page's downloads are what `baosong build` writes.
    wd.find("button#save").unwrap().click();
    wd.wait_until("saved", Duration::from_secs(10), |wd| {
        wd.url().contains("/edit?path=")
    });
    let href = wd
        .find("a#download-docx")
        .unwrap()
        .attr("href")
        .unwrap_or_default();
    assert!(href.contains("/api/download/docx"), "{href}");
    let saved = folder.join("匠心筑梦 技能报国.toml");
    assert!(saved.is_file());
    let docx = s.get(&href.replace(&s.origin(), ""), &[]);
    let pdf_href = wd.find("a#download-pdf").unwrap().attr("href").unwrap();
    let pdf = s.get(&pdf_href.replace(&s.origin(), ""), &[]);
    let out = d.path().join("cli");
    let o = run(
        &[
            "build",
            saved.to_str().unwrap(),
            "-o",
            out.to_str().unwrap(),
        ],
        d.path(),
    );
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(
        std::fs::read(out.join("匠心筑梦 技能报国.docx")).unwrap() == docx.body,
        "docx differs"
    );
    assert!(
        std::fs::read(out.join("匠心筑梦 技能报国.pdf")).unwrap() == pdf.body,
        "pdf differs"
    );

    // 4. A Word file dropped on the start page opens filled in, with a preview.
    let example = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/case");
    let built = d.path().join("example");
    let o = run(
        &[
            "build",
            example.join("story.toml").to_str().unwrap(),
            "-o",
            built.to_str().unwrap(),
            "--format",
            "docx",
        ],
        d.path(),
    );
    assert!(o.status.success(), "{}", stderr(&o));
    let word = built.join("story.docx");
    let school = d.path().join("学校来稿.docx");
    std::fs::copy(&word, &school).unwrap();
    wd.goto(&s.url);
    wd.wait_for("#docx-file", Duration::from_secs(10))
        .upload_file(&[&school]);
    wd.wait_until("the imported form", Duration::from_secs(20), |wd| {
        wd.url().contains("/edit?path=")
    });
    let title = wd
        .wait_for("[name=title]", Duration::from_secs(10))
        .prop("value");
    assert_eq!(title, json!("云端展风采 技能暖社区"));
    wd.wait_until("its preview", Duration::from_secs(20), page_shown);
    assert!(
        wd.find_all(".photo").len() >= 3,
        "the example's photos came along"
    );
}

// A Word file already in the folder, opened from the start page: converted
// into a form beside it, the original untouched and the page told that
// both are there; a path outside the folder is refused.
#[test]
fn a_listed_word_file_opens_as_a_form_and_keeps_its_original() {
    let d = tempfile::tempdir().unwrap();
    let examples = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/case/story.toml");
    let o = run(
        &[
            "build",
            examples.to_str().unwrap(),
            "--format",
            "docx",
            "-o",
            d.path().to_str().unwrap(),
        ],
        d.path(),
    );
    assert!(o.status.success(), "{}", stderr(&o));
    let folder = d.path().join("材料");
    std::fs::create_dir(&folder).unwrap();
    let original = folder.join("学校交来的.docx");
    std::fs::rename(d.path().join("story.docx"), &original).unwrap();
    let before = std::fs::read(&original).unwrap();
    let s = Server::start(&[folder.to_str().unwrap()], d.path());
    let csrf = token(&s);
    let import = |rel: &str| {
        let (ct, body) = multipart(&[("path", None, rel.as_bytes())]);
        let origin = s.origin();
        request(
            s.port,
            "POST",
            "/api/import",
            &[
                ("Origin", &origin),
                ("X-CSRF-Token", &csrf),
                ("Content-Type", &ct),
            ],
            &body,
        )
    };
    let r = import("学校交来的.docx");
    assert_eq!(r.status, 200, "{}", r.text());
    let v = r.json();
    let toml = v["path"].as_str().unwrap();
    assert!(
        toml.ends_with(".toml") && folder.join(toml).is_file(),
        "{v}"
    );
    assert!(
        v["notes"]
            .as_array()
            .unwrap()
            .iter()
            .any(|n| n["code"] == "B1006"),
        "{v}"
    );
    assert_eq!(
        std::fs::read(&original).unwrap(),
        before,
        "original untouched"
    );
    let m = s
        .get(
            &format!(
                "/api/material?path={}",
                toml.bytes()
                    .map(|b| format!("%{b:02X}"))
                    .collect::<String>()
            ),
            &[],
        )
        .json();
    assert_eq!(m["values"]["unit"], "南昌市第一中等专业学校");
    // Outside the folder: refused, nothing written there.
    std::fs::copy(&original, d.path().join("外面.docx")).unwrap();
    let r = import("../外面.docx");
    assert!(matches!(r.status, 400 | 403 | 404), "{}", r.status);
    assert!(!d.path().join("外面.toml").exists());
}
