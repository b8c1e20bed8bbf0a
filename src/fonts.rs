//! Fonts: for each face the notice mandates, find it under any name it
//! installs with (fontdb reads localised names), in `--font-path` folders,
//! a `fonts/` folder beside the input, and the system; otherwise use the
//! bundled look-alike. The PDF renderer gets exactly the faces chosen here.

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};

use typst::foundations::Bytes;
use typst::text::{Font, FontBook};

use crate::diag::{code, Diagnostic, Severity};
use crate::rules::{Role, Rules};

/// The look-alikes shipped in `fonts/` and embedded in the binary, so a
/// machine without any CJK font still gets a correct PDF.
pub const BUNDLED: &[(&str, &[u8])] = &[
    (
        "FandolFang-Regular.otf",
        include_bytes!("../fonts/FandolFang-Regular.otf"),
    ),
    (
        "FandolKai-Regular.otf",
        include_bytes!("../fonts/FandolKai-Regular.otf"),
    ),
    (
        "NotoSerifCJKsc-Bold.otf",
        include_bytes!("../fonts/NotoSerifCJKsc-Bold.otf"),
    ),
    (
        "NotoSerifCJKsc-Regular.otf",
        include_bytes!("../fonts/NotoSerifCJKsc-Regular.otf"),
    ),
    (
        "NotoSansCJKsc-Medium.otf",
        include_bytes!("../fonts/NotoSansCJKsc-Medium.otf"),
    ),
];

/// Shown in the PDF for a character no face can draw, so nothing goes
/// missing silently (the .docx keeps the character itself).
pub const MISSING_GLYPH: char = '□';

/// The wide-coverage face every role falls back to for rare characters.
pub const FALLBACK_FAMILY: &str = "Noto Serif CJK SC";

/// Names under which the Latin face for digits and letters may be installed.
const LATIN_ALIASES: &[&str] = &[
    "Liberation Serif",
    "TeX Gyre Termes",
    "Nimbus Roman",
    "Nimbus Roman No9 L",
];

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Source {
    /// The mandated face itself, found installed.
    Installed { path: PathBuf, alias: String },
    /// The bundled look-alike.
    Bundled { file: &'static str },
}

/// The face chosen for one face key.
#[derive(Debug, Clone)]
pub struct Chosen {
    /// The mandated name (what Word is told).
    pub mandated: String,
    /// Family name as Typst knows it.
    pub family: String,
    pub weight: u16,
    pub source: Source,
    /// Index into `FontSet::fonts`.
    pub font: usize,
}

/// All fonts for one run: chosen faces, fallback, Latin face.
#[derive(Clone)]
pub struct FontSet {
    pub fonts: Vec<Font>,
    pub book: FontBook,
    pub faces: BTreeMap<String, Chosen>,
    /// The Latin face found for Word's Latin slot, if any is installed.
    pub latin: Option<(String, usize)>,
    /// Installed faces taken in for characters no other face has (rare
    /// name characters), by family; every role falls back to them.
    pub extra: Vec<String>,
    /// The installed fonts looked through, for `with_characters`.
    db: std::sync::Arc<fontdb::Database>,
}

/// Where to look for installed faces.
#[derive(Debug, Clone, Default)]
pub struct FontSearch {
    pub dirs: Vec<PathBuf>,
    /// Include system fonts (tests switch this off for reproducibility).
    pub system: bool,
}

impl FontSet {
    pub fn load(rules: &Rules, search: &FontSearch) -> FontSet {
        let mut db = fontdb::Database::new();
        for d in &search.dirs {
            if d.is_dir() {
                db.load_fonts_dir(d);
            }
        }
        if search.system {
            db.load_system_fonts();
        }
        let mut fonts: Vec<Font> = Vec::new();
        let mut loaded: BTreeMap<(PathBuf, u32), usize> = BTreeMap::new();
        let mut bundled: BTreeMap<&'static str, Vec<usize>> = BTreeMap::new();
        for (file, data) in BUNDLED {
            for font in Font::iter(Bytes::new(*data)) {
                bundled.entry(file).or_default().push(fonts.len());
                fonts.push(font);
            }
        }
        let find_bundled =
            |fonts: &[Font], family: &str, weight: u16| -> Option<(usize, &'static str)> {
                BUNDLED.iter().find_map(|(file, _)| {
                    bundled
                        .get(file)?
                        .iter()
                        .copied()
                        .find(|&i| {
                            let info = fonts[i].info();
                            info.family.eq_ignore_ascii_case(family)
                                && info.variant.weight.to_number() == weight
                        })
                        .map(|i| (i, *file))
                })
            };

        let mut load_installed =
            |fonts: &mut Vec<Font>, aliases: &[String]| -> Option<(usize, PathBuf, String)> {
                for alias in aliases {
                    let want = alias.trim();
                    let mut matches: Vec<&fontdb::FaceInfo> = db
                        .faces()
                        .filter(|f| {
                            f.families
                                .iter()
                                .any(|(name, _)| name.trim().eq_ignore_ascii_case(want))
                        })
                        .collect();
                    // Prefer the upright regular face; ties broken by path for stability.
                    matches.sort_by_key(|f| {
                        (
                            f.style != fontdb::Style::Normal,
                            (f.weight.0 as i32 - 400).abs(),
                            source_path(&f.source),
                            f.index,
                        )
                    });
                    let Some(face) = matches.first() else {
                        continue;
                    };
                    let path = source_path(&face.source);
                    let key = (path.clone(), face.index);
                    if let Some(&i) = loaded.get(&key) {
                        return Some((i, path, alias.clone()));
                    }
                    let font = db
                        .with_face_data(face.id, |data, index| {
                            Font::new(Bytes::new(data.to_vec()), index)
                        })
                        .flatten()?;
                    fonts.push(font);
                    loaded.insert(key, fonts.len() - 1);
                    return Some((fonts.len() - 1, path, alias.clone()));
                }
                None
            };

        let mut faces = BTreeMap::new();
        for (key, face) in &rules.faces {
            let chosen = match load_installed(&mut fonts, &face.aliases) {
                Some((i, path, alias)) => Chosen {
                    mandated: face.name.clone(),
                    family: fonts[i].info().family.clone(),
                    weight: fonts[i].info().variant.weight.to_number(),
                    source: Source::Installed { path, alias },
                    font: i,
                },
                None => {
                    let (i, file) = find_bundled(&fonts, &face.lookalike, face.lookalike_weight)
                        .or_else(|| find_bundled(&fonts, FALLBACK_FAMILY, 400))
                        .expect("bundled fallback font is present");
                    Chosen {
                        mandated: face.name.clone(),
                        family: fonts[i].info().family.clone(),
                        weight: fonts[i].info().variant.weight.to_number(),
                        source: Source::Bundled { file },
                        font: i,
                    }
                }
            };
            faces.insert(key.clone(), chosen);
        }

        let latin_names: Vec<String> =
            std::iter::once(rules.roles.body.latin.clone().unwrap_or_default())
                .filter(|s| !s.is_empty())
                .chain(LATIN_ALIASES.iter().map(|s| s.to_string()))
                .collect();
        let latin = load_installed(&mut fonts, &latin_names)
            .map(|(i, _, _)| (fonts[i].info().family.clone(), i));

        let book = FontBook::from_fonts(fonts.iter());
        FontSet {
            fonts,
            book,
            faces,
            latin,
            extra: vec![],
            db: std::sync::Arc::new(db),
        }
    }

    /// Whether any face of the set can draw `c` (Typst falls back through
    /// all of them).
    pub fn covers_any(&self, c: char) -> bool {
        self.fonts
            .iter()
            .any(|f| f.info().coverage.contains(c as u32))
    }

    /// The set with installed faces added for characters no face of it
    /// has: a rare character in a person's or place's name is drawn from
    /// whatever installed font has it (SimSun-ExtB on Windows, for one).
    /// `None` when no installed font helps.
    pub fn with_characters(&self, chars: &std::collections::BTreeSet<char>) -> Option<FontSet> {
        let mut missing: Vec<char> = chars
            .iter()
            .copied()
            .filter(|c| !self.covers_any(*c))
            .collect();
        if missing.is_empty() {
            return None;
        }
        let mut out = self.clone();
        // In a stable order, so the same machine gives the same bytes.
        let mut faces: Vec<&fontdb::FaceInfo> = self.db.faces().collect();
        faces.sort_by_key(|f| (source_path(&f.source), f.index));
        for face in faces {
            if missing.is_empty() {
                break;
            }
            let Some(font) = self
                .db
                .with_face_data(face.id, |data, index| {
                    Font::new(Bytes::new(data.to_vec()), index)
                })
                .flatten()
            else {
                continue;
            };
            let before = missing.len();
            missing.retain(|c| !font.info().coverage.contains(*c as u32));
            if missing.len() < before {
                let family = font.info().family.clone();
                if !out.extra.contains(&family) {
                    out.extra.push(family);
                }
                out.fonts.push(font);
            }
        }
        if out.extra.len() == self.extra.len() {
            return None;
        }
        out.book = FontBook::from_fonts(out.fonts.iter());
        Some(out)
    }

    pub fn for_role(&self, rules: &Rules, role: Role) -> &Chosen {
        &self.faces[&rules.style(role).face]
    }

    /// Faces that are standing in for a mandated one.
    pub fn lookalikes(&self) -> Vec<&Chosen> {
        self.faces
            .values()
            .filter(|c| matches!(c.source, Source::Bundled { .. }))
            .collect()
    }

    /// One plain-words notice when look-alikes stand in (an error with
    /// `strict`).
    pub fn lookalike_notice(&self, strict: bool) -> Option<Diagnostic> {
        let subs = self.lookalikes();
        if subs.is_empty() {
            return None;
        }
        let pairs: Vec<String> = subs
            .iter()
            .map(|c| format!("“{}”→{}", c.mandated, c.family))
            .collect();
        let msg = format!(
            "本机未安装规定字体，PDF 中改用内置的近似字体：{}",
            pairs.join("，")
        );
        let hint = "Word 文件中仍写明规定字体，在装有这些字体的电脑上打开即为规定效果；\
                    如需 PDF 也用规定字体，请安装后重试，或用 --font-path 指定字体所在文件夹（`baosong fonts` 可查看查找结果）";
        let d = Diagnostic::new(code::FONT_LOOKALIKE, msg).hint(hint);
        Some(if strict {
            d.severity(Severity::Error)
        } else {
            d
        })
    }

    pub fn covers(&self, font: usize, c: char) -> bool {
        self.fonts[font].info().coverage.contains(c as u32)
    }
}

fn source_path(s: &fontdb::Source) -> PathBuf {
    match s {
        fontdb::Source::File(p) => p.clone(),
        fontdb::Source::SharedFile(p, _) => p.clone(),
        fontdb::Source::Binary(_) => PathBuf::from("<memory>"),
    }
}

/// Where to look for an input in `input_dir`: `--font-path` folders, a
/// `fonts/` folder beside the input, and the system's fonts unless
/// `BAOSONG_NO_SYSTEM_FONTS` is set (tests pin the fonts so results do not
/// depend on the machine).
pub fn search_for(input_dir: &Path, font_paths: &[PathBuf]) -> FontSearch {
    let mut dirs = font_paths.to_vec();
    dirs.push(input_dir.join("fonts"));
    FontSearch {
        dirs,
        system: std::env::var_os("BAOSONG_NO_SYSTEM_FONTS").is_none(),
    }
}

/// Font sets by folder and faces, loaded once per run and shared between
/// threads: loading scans every installed font.
#[derive(Default)]
pub struct FontCache {
    font_paths: Vec<PathBuf>,
    sets: std::sync::Mutex<HashMap<(PathBuf, String), std::sync::Arc<FontSet>>>,
    /// `sets` widened for rare characters, by the characters too.
    wider: std::sync::Mutex<HashMap<(PathBuf, String, String), std::sync::Arc<FontSet>>>,
}

impl FontCache {
    pub fn new(font_paths: &[PathBuf]) -> FontCache {
        FontCache {
            font_paths: font_paths.to_vec(),
            sets: Default::default(),
            wider: Default::default(),
        }
    }

    /// The fonts for an input in `dir` under `rules`.
    pub fn get(&self, dir: &Path, rules: &Rules) -> std::sync::Arc<FontSet> {
        let key = (dir.to_path_buf(), faces_key(rules));
        let mut sets = self.sets.lock().unwrap_or_else(|e| e.into_inner());
        sets.entry(key)
            .or_insert_with(|| {
                std::sync::Arc::new(FontSet::load(rules, &search_for(dir, &self.font_paths)))
            })
            .clone()
    }

    /// `get`'s fonts with installed faces for `chars` that none of them
    /// has (`FontSet::with_characters`). Kept: a preview asks on every
    /// keystroke, and loading and hashing those faces each time would cost
    /// more than the layout.
    pub fn covering(
        &self,
        dir: &Path,
        rules: &Rules,
        chars: &std::collections::BTreeSet<char>,
    ) -> std::sync::Arc<FontSet> {
        let base = self.get(dir, rules);
        if chars.is_empty() {
            return base;
        }
        let key = (dir.to_path_buf(), faces_key(rules), chars.iter().collect());
        let mut wider = self.wider.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(set) = wider.get(&key) {
            return set.clone();
        }
        // Each entry holds font data: a bound, as texts change.
        if wider.len() >= 32 {
            wider.clear();
        }
        let set = base
            .with_characters(chars)
            .map(std::sync::Arc::new)
            .unwrap_or(base);
        wider.insert(key, set.clone());
        set
    }
}

fn faces_key(rules: &Rules) -> String {
    serde_json::to_string(&rules.faces).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bundled_faces_stand_in_with_typst_family_names() {
        let rules = Rules::default();
        let set = FontSet::load(&rules, &FontSearch::default());
        let fam = |k: &str| (set.faces[k].family.as_str(), set.faces[k].weight);
        assert_eq!(fam("fang"), ("FandolFang", 400));
        assert_eq!(fam("kai"), ("FandolKai", 400));
        assert_eq!(fam("xiaobiaosong"), ("Noto Serif CJK SC", 700));
        assert_eq!(fam("hei").0, "Noto Sans CJK SC");
        assert_eq!(fam("song"), ("Noto Serif CJK SC", 400));
        assert_eq!(set.lookalikes().len(), 5);
        let n = set.lookalike_notice(false).unwrap();
        assert!(
            n.message.contains("“仿宋_GB2312”→FandolFang"),
            "{}",
            n.message
        );
        assert!(set.lookalike_notice(true).unwrap().is_error());
    }

    #[test]
    fn fallback_covers_rare_name_characters() {
        let set = FontSet::load(&Rules::default(), &FontSearch::default());
        let fang = set.faces["fang"].font;
        // 喆 is outside GB 2312; the wide fallback has it.
        assert!(set.covers_any('喆'));
        assert!(set.covers(fang, '中'));
    }
}
