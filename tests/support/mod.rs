//! Shared helpers for the integration tests.
#![allow(dead_code)]

pub mod http;
pub mod webdriver;

use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

pub fn bin() -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_baosong"));
    // Results must not depend on the fonts of the machine running the tests.
    c.env("BAOSONG_NO_SYSTEM_FONTS", "1").env("NO_COLOR", "1");
    c
}

pub fn run(args: &[&str], dir: &Path) -> Output {
    bin()
        .args(args)
        .current_dir(dir)
        .output()
        .expect("baosong runs")
}

/// Writes `collection.toml` in `dir` and binds it into `out/` as Word
/// only (the quickest volume to read back).
pub fn compile_docx(dir: &Path, collection_toml: &str) -> Output {
    std::fs::write(dir.join("collection.toml"), collection_toml).unwrap();
    run(
        &[
            "compile",
            "collection.toml",
            "-o",
            "out",
            "--format",
            "docx",
        ],
        dir,
    )
}

/// A .docx holding just `document_xml` (and numbering, if given): the
/// least Word file the importer reads.
pub fn docx_of(document_xml: &str, numbering: Option<&str>) -> Vec<u8> {
    use std::io::Write;
    let mut out = std::io::Cursor::new(Vec::new());
    {
        let mut z = zip::ZipWriter::new(&mut out);
        let o = zip::write::SimpleFileOptions::default();
        z.start_file("[Content_Types].xml", o).unwrap();
        z.write_all(b"<?xml version=\"1.0\"?><Types xmlns=\"http://schemas.openxmlformats.org/package/2006/content-types\"/>").unwrap();
        z.start_file("word/document.xml", o).unwrap();
        z.write_all(document_xml.as_bytes()).unwrap();
        if let Some(n) = numbering {
            z.start_file("word/numbering.xml", o).unwrap();
            z.write_all(n.as_bytes()).unwrap();
        }
        z.finish().unwrap();
    }
    out.into_inner()
}

pub fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// Whether an external tool is there; in CI (`BAOSONG_REQUIRE_TOOLS=1`)
/// a missing tool fails the test instead of skipping it.
pub fn have(tool: &str) -> bool {
    let ok = Command::new("sh")
        .arg("-c")
        .arg(format!("command -v {tool}"))
        .output()
        .is_ok_and(|o| o.status.success());
    if !ok {
        if std::env::var("BAOSONG_REQUIRE_TOOLS").as_deref() == Ok("1") {
            panic!("{tool} is required (BAOSONG_REQUIRE_TOOLS=1) but not installed");
        }
        eprintln!("skipped: {tool} is not installed");
    }
    ok
}

pub fn tool(cmd: &str, args: &[&str]) -> String {
    let o = Command::new(cmd)
        .args(args)
        .output()
        .unwrap_or_else(|e| panic!("{cmd}: {e}"));
    assert!(
        o.status.success(),
        "{cmd} {args:?}: {}",
        String::from_utf8_lossy(&o.stderr)
    );
    String::from_utf8_lossy(&o.stdout).into_owned()
}

/// A body of `n` paragraphs of realistic text with headings.
pub fn body(paragraphs: usize) -> String {
    let mut s = String::from("一、活动概况\n\n");
    let sentences = [
        "11月8日至14日，学校以“人人出彩，技能强国”为主题开展职业教育活动周，组织师生走进社区，为居民提供家电维修、健康护理和法律咨询等服务。",
        "活动期间，学校开设“云上活动周”专题网页，通过直播和短视频展示数控加工、3D打印、电子商务等专业的学习成果，累计观看超过5万人次。",
        "各专业部精心设计体验项目，邀请家长和初中学生走进实训车间，亲手操作设备，感受职业教育的魅力。",
    ];
    for i in 0..paragraphs {
        if i == 1 {
            s.push_str("（一）线上展示，云端看职教。");
        }
        if i == 2 {
            s.push_str("1．精心组织。");
        }
        if i == 3 {
            s.push_str("（1）志愿服务。");
        }
        for k in 0..3 {
            s.push_str(sentences[(i + k) % 3]);
        }
        s.push_str("\n\n");
    }
    s
}

/// Writes a case story with `photos` generated JPEGs into `dir`.
pub fn write_case(
    dir: &Path,
    name: &str,
    paragraphs: usize,
    photos: &[(u32, u32, Option<u16>)],
) -> PathBuf {
    std::fs::create_dir_all(dir.join("photos")).unwrap();
    let mut toml = format!(
        "type = \"case\"\ncategory = \"典型活动案例\"\ntitle = \"匠心筑梦 技能报国\"\nunit = \"南昌市第一中等专业学校\"\nbody = \"\"\"\n{}\"\"\"\n",
        body(paragraphs)
    );
    for (i, (w, h, o)) in photos.iter().enumerate() {
        let p = format!("photos/{i:02}.jpg");
        std::fs::write(dir.join(&p), baosong::testkit::jpeg(*w, *h, *o)).unwrap();
        toml.push_str(&format!(
            "\n[[photos]]\npath = \"{p}\"\ncaption = \"第{}张照片的说明\"\n",
            i + 1
        ));
    }
    let path = dir.join(name);
    std::fs::write(&path, toml).unwrap();
    // Small generated photos and short bodies: relax the notice's limits so
    // these tests are about typesetting (the rules have their own tests).
    std::fs::write(dir.join("baosong.toml"), RELAXED).unwrap();
    path
}

pub const RELAXED: &str =
    "[text]\nmin_chars = 10\nmax_chars = 100000\n[photo]\nmin_width_px = 10\nmin_bytes = 0\n";

/// Reads one part of a zip package as text.
pub fn zip_part(path: &Path, name: &str) -> String {
    let f = std::fs::File::open(path).unwrap();
    let mut z = zip::ZipArchive::new(f).unwrap();
    let mut s = String::new();
    z.by_name(name)
        .unwrap_or_else(|_| panic!("{name} in package"))
        .read_to_string(&mut s)
        .unwrap();
    s
}

pub fn zip_names(path: &Path) -> Vec<String> {
    let f = std::fs::File::open(path).unwrap();
    let z = zip::ZipArchive::new(f).unwrap();
    z.file_names().map(String::from).collect()
}

pub fn zip_bytes(path: &Path, name: &str) -> Vec<u8> {
    let f = std::fs::File::open(path).unwrap();
    let mut z = zip::ZipArchive::new(f).unwrap();
    let mut v = Vec::new();
    z.by_name(name).unwrap().read_to_end(&mut v).unwrap();
    v
}

/// Writes a fontconfig file mapping the mandated names to the bundled
/// look-alikes, for LibreOffice.
pub fn fontconfig(dir: &Path) -> PathBuf {
    let fonts = Path::new(env!("CARGO_MANIFEST_DIR")).join("fonts");
    let conf = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/support/fonts.conf.in"),
    )
    .unwrap()
    .replace("@FONTS@", &fonts.display().to_string())
    .replace("@CACHE@", &dir.join("fc-cache").display().to_string());
    let p = dir.join("fonts.conf");
    std::fs::write(&p, conf).unwrap();
    p
}

/// Converts a .docx with LibreOffice into `out_dir`, returning the PDF.
pub fn libreoffice_pdf(docx: &Path, out_dir: &Path) -> PathBuf {
    let conf = fontconfig(out_dir);
    let profile = out_dir.join("lo-profile");
    let o = Command::new("soffice")
        .env("FONTCONFIG_FILE", &conf)
        .arg(format!(
            "-env:UserInstallation=file://{}",
            profile.display()
        ))
        .args(["--headless", "--convert-to", "pdf", "--outdir"])
        .arg(out_dir)
        .arg(docx)
        .output()
        .expect("soffice runs");
    let pdf = out_dir.join(docx.with_extension("pdf").file_name().unwrap());
    assert!(
        pdf.is_file(),
        "LibreOffice made no PDF: {}",
        String::from_utf8_lossy(&o.stderr)
    );
    pdf
}

/// The PDF passes `qpdf --check` (skipped, or required in CI, like other tools).
pub fn assert_valid_pdf(pdf: &Path) {
    if have("qpdf") {
        let o = Command::new("qpdf")
            .arg("--check")
            .arg(pdf)
            .output()
            .expect("qpdf runs");
        assert!(
            o.status.success(),
            "qpdf --check {}: {}",
            pdf.display(),
            String::from_utf8_lossy(&o.stdout)
        );
    }
}

/// Words with their boxes, from `pdftotext -bbox`.
#[derive(Debug, Clone)]
pub struct Word {
    pub page: usize,
    pub x0: f64,
    pub y0: f64,
    pub x1: f64,
    pub y1: f64,
    pub text: String,
}

pub fn words(pdf: &Path) -> Vec<Word> {
    let html = tool("pdftotext", &["-bbox", pdf.to_str().unwrap(), "-"]);
    let mut out = Vec::new();
    let mut page = 0;
    for line in html.lines() {
        let line = line.trim();
        if line.starts_with("<page ") {
            page += 1;
        }
        if let Some(rest) = line.strip_prefix("<word ") {
            let num = |k: &str| -> f64 {
                let i = rest.find(&format!("{k}=\"")).unwrap() + k.len() + 2;
                rest[i..].split('"').next().unwrap().parse().unwrap()
            };
            let text = rest
                .split('>')
                .nth(1)
                .unwrap()
                .split('<')
                .next()
                .unwrap()
                .to_string();
            out.push(Word {
                page,
                x0: num("xMin"),
                y0: num("yMin"),
                x1: num("xMax"),
                y1: num("yMax"),
                text,
            });
        }
    }
    out
}

pub const MM: f64 = 72.0 / 25.4;

/// The first worksheet of an .xlsx, as text (shared strings resolved).
pub struct Sheet(Vec<Vec<String>>);

impl Sheet {
    pub fn get(&self, r: usize, c: usize) -> String {
        self.0
            .get(r)
            .and_then(|row| row.get(c))
            .cloned()
            .unwrap_or_default()
    }
    pub fn height(&self) -> usize {
        self.0.len()
    }
}

pub fn xlsx_sheet(path: &Path) -> Sheet {
    const S: &str = "http://schemas.openxmlformats.org/spreadsheetml/2006/main";
    let shared_xml = zip_part_opt(path, "xl/sharedStrings.xml");
    let shared: Vec<String> = match &shared_xml {
        Some(x) => {
            let doc = roxmltree::Document::parse(x).unwrap();
            doc.descendants()
                .filter(|n| n.has_tag_name((S, "si")))
                .map(|si| {
                    si.descendants()
                        .filter(|n| n.has_tag_name((S, "t")))
                        .filter_map(|t| t.text())
                        .collect()
                })
                .collect()
        }
        None => vec![],
    };
    let xml = zip_part(path, "xl/worksheets/sheet1.xml");
    let doc = roxmltree::Document::parse(&xml).unwrap();
    let mut rows: Vec<Vec<String>> = vec![];
    for c in doc.descendants().filter(|n| n.has_tag_name((S, "c"))) {
        let r = c.attribute("r").unwrap();
        let col: usize = r
            .chars()
            .take_while(|ch| ch.is_ascii_uppercase())
            .fold(0, |a, ch| a * 26 + (ch as usize - 'A' as usize + 1))
            - 1;
        let row: usize = r
            .trim_start_matches(|ch: char| ch.is_ascii_uppercase())
            .parse::<usize>()
            .unwrap()
            - 1;
        let v = c
            .descendants()
            .find(|n| n.has_tag_name((S, "v")))
            .and_then(|n| n.text())
            .unwrap_or("");
        let text = match c.attribute("t") {
            Some("s") => shared[v.parse::<usize>().unwrap()].clone(),
            Some("inlineStr") => c
                .descendants()
                .filter(|n| n.has_tag_name((S, "t")))
                .filter_map(|t| t.text())
                .collect(),
            _ => v.to_string(),
        };
        if rows.len() <= row {
            rows.resize(row + 1, vec![]);
        }
        if rows[row].len() <= col {
            rows[row].resize(col + 1, String::new());
        }
        rows[row][col] = text;
    }
    Sheet(rows)
}

fn zip_part_opt(path: &Path, name: &str) -> Option<String> {
    let f = std::fs::File::open(path).ok()?;
    let mut z = zip::ZipArchive::new(f).ok()?;
    let mut s = String::new();
    z.by_name(name).ok()?.read_to_string(&mut s).ok()?;
    Some(s)
}
