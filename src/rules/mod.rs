//! The rules table: every number and face name the office's notice and
//! GB/T 9704 dictate lives here, with the 2020 notice as defaults. A
//! `baosong.toml` beside the inputs (or `--rules FILE`) overrides any field.

pub mod calendar;

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::diag::{Diagnostic, Group, Severity};

/// Points per millimetre.
pub const PT_PER_MM: f64 = 72.0 / 25.4;
/// Twentieths of a point per millimetre (Word's twips).
pub const TWIPS_PER_MM: f64 = 1440.0 / 25.4;
/// English Metric Units per millimetre (DrawingML sizes).
pub const EMU_PER_MM: f64 = 36000.0;

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Rules {
    pub page: Page,
    /// Face families by key (`xiaobiaosong`, `kai`, `fang`, `hei`, `song`).
    pub faces: BTreeMap<String, Face>,
    pub roles: Roles,
    pub text: TextRules,
    pub photo: PhotoRules,
    pub video: VideoRules,
    pub deadlines: Deadlines,
    pub output: OutputRules,
    /// Severity overrides: a group (`photos = "warning"`) or a single code
    /// (`B0204 = "warning"`) raised to "error" or lowered to "warning".
    pub diagnostics: BTreeMap<String, String>,
}

/// How output files are named.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct OutputRules {
    /// Media reports are named 媒体单位 + separator + 报道标题.
    pub media_separator: String,
    /// Longest file name (without extension), in characters.
    pub max_name_chars: usize,
}

impl Default for OutputRules {
    fn default() -> Self {
        OutputRules {
            media_separator: "+".into(),
            max_name_chars: 80,
        }
    }
}

/// The GB/T 9704 page grid.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Page {
    pub width_mm: f64,
    pub height_mm: f64,
    pub top_mm: f64,
    pub bottom_mm: f64,
    pub left_mm: f64,
    pub right_mm: f64,
    /// Lines per page of body text.
    pub lines: u32,
    /// Full-width characters per full body line.
    pub chars_per_line: u32,
    /// Baseline-to-baseline distance of body lines. 28.95 pt (579 twips) is
    /// Word practice for 22 lines in a 225 mm block; both renderers use it.
    pub line_pitch_pt: f64,
    /// First-line indent of body paragraphs, in characters.
    pub indent_chars: u32,
    /// Gap between the text block and the page-number line box.
    pub page_number_gap_mm: f64,
    /// Page numbers sit this many characters in from the text block's edge.
    pub page_number_inset_chars: f64,
}

impl Default for Page {
    fn default() -> Self {
        Page {
            width_mm: 210.0,
            height_mm: 297.0,
            top_mm: 37.0,
            bottom_mm: 35.0,
            left_mm: 28.0,
            right_mm: 26.0,
            lines: 22,
            chars_per_line: 28,
            line_pitch_pt: 28.95,
            indent_chars: 2,
            page_number_gap_mm: 7.0,
            page_number_inset_chars: 1.0,
        }
    }
}

impl Page {
    pub fn text_width_mm(&self) -> f64 {
        self.width_mm - self.left_mm - self.right_mm
    }
    pub fn text_height_mm(&self) -> f64 {
        self.height_mm - self.top_mm - self.bottom_mm
    }
    /// The same page turned to landscape: the text block turns with it
    /// (the binding edge, 订口, goes to the top).
    pub fn landscape(&self) -> Page {
        Page {
            width_mm: self.height_mm,
            height_mm: self.width_mm,
            top_mm: self.left_mm,
            bottom_mm: self.right_mm,
            left_mm: self.top_mm,
            right_mm: self.bottom_mm,
            ..self.clone()
        }
    }

    /// Advance of one full-width body character so that `chars_per_line`
    /// of them fill the text width exactly.
    pub fn char_pitch_pt(&self) -> f64 {
        self.text_width_mm() * PT_PER_MM / self.chars_per_line as f64
    }
}

/// A face as the notice names it, the names it installs under, and the
/// bundled look-alike used when none is installed.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Face {
    /// The mandated name, written into .docx runs.
    pub name: String,
    /// Every family name the mandated face installs under, searched in order.
    pub aliases: Vec<String>,
    /// Family name of the bundled look-alike (see `fonts/`).
    pub lookalike: String,
    /// Weight of the look-alike to use (400 regular, 500 medium, 700 bold).
    #[serde(default = "default_weight")]
    pub lookalike_weight: u16,
}

fn default_weight() -> u16 {
    400
}

/// How each role of the document is set.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Roles {
    pub title: RoleStyle,
    pub unit: RoleStyle,
    pub body: RoleStyle,
    pub heading1: RoleStyle,
    pub heading2: RoleStyle,
    pub heading3: RoleStyle,
    pub heading4: RoleStyle,
    pub caption: RoleStyle,
    pub page_number: RoleStyle,
    pub table: RoleStyle,
    pub table_header: RoleStyle,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RoleStyle {
    /// Key into `faces`.
    pub face: String,
    pub size_pt: f64,
    #[serde(default)]
    pub bold: bool,
    /// Face for Latin letters and digits in Word's ascii/hAnsi slots;
    /// `None` uses the role's own face there.
    #[serde(default)]
    pub latin: Option<String>,
}

fn role(face: &str, size_pt: f64, bold: bool, latin: Option<&str>) -> RoleStyle {
    RoleStyle {
        face: face.into(),
        size_pt,
        bold,
        latin: latin.map(String::from),
    }
}

impl Default for Roles {
    fn default() -> Self {
        let tnr = Some("Times New Roman");
        Roles {
            title: role("xiaobiaosong", size::ER, false, tnr),
            unit: role("kai", size::SAN, false, tnr),
            body: role("fang", size::SAN, false, tnr),
            heading1: role("hei", size::SAN, false, tnr),
            heading2: role("kai", size::SAN, false, tnr),
            heading3: role("fang", size::SAN, true, tnr),
            heading4: role("fang", size::SAN, false, tnr),
            caption: role("fang", size::SI, false, tnr),
            page_number: role("song", size::SI, false, None),
            // 小四: eight columns of a highlights table fit a landscape page.
            table: role("fang", size::XIAO_SI, false, tnr),
            table_header: role("hei", size::XIAO_SI, false, tnr),
        }
    }
}

/// Chinese font sizes (字号) in points, as Word and WPS define them.
pub mod size {
    pub const CHU: f64 = 42.0;
    pub const XIAO_CHU: f64 = 36.0;
    pub const YI: f64 = 26.0;
    pub const XIAO_YI: f64 = 24.0;
    pub const ER: f64 = 22.0;
    pub const XIAO_ER: f64 = 18.0;
    pub const SAN: f64 = 16.0;
    pub const XIAO_SAN: f64 = 15.0;
    pub const SI: f64 = 14.0;
    pub const XIAO_SI: f64 = 12.0;
    pub const WU: f64 = 10.5;
    pub const XIAO_WU: f64 = 9.0;

    /// The Chinese name of a size, for messages ("三号").
    pub fn name(pt: f64) -> String {
        const NAMES: [(f64, &str); 12] = [
            (CHU, "初号"),
            (XIAO_CHU, "小初"),
            (YI, "一号"),
            (XIAO_YI, "小一"),
            (ER, "二号"),
            (XIAO_ER, "小二"),
            (SAN, "三号"),
            (XIAO_SAN, "小三"),
            (SI, "四号"),
            (XIAO_SI, "小四"),
            (WU, "五号"),
            (XIAO_WU, "小五"),
        ];
        NAMES
            .iter()
            .find(|(v, _)| (v - pt).abs() < 0.01)
            .map(|(_, n)| n.to_string())
            .unwrap_or_else(|| format!("{pt} 磅"))
    }
}

/// Limits on text materials.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct TextRules {
    pub min_chars: u32,
    pub max_chars: u32,
    /// Longest title line in characters before the title is broken (derived
    /// from the text width when 0).
    pub title_max_line_chars: u32,
    /// Most lines a title may take before it is reported as too long.
    pub title_max_lines: u32,
    /// Least text a media report must carry: the notice forbids sending a
    /// screenshot as the report itself.
    pub media_min_chars: u32,
    /// Longest table cell kept on one page; longer ones may break.
    pub cell_max_chars: u32,
}

impl Default for TextRules {
    fn default() -> Self {
        TextRules {
            min_chars: 800,
            max_chars: 1500,
            title_max_line_chars: 0,
            title_max_lines: 3,
            media_min_chars: 50,
            cell_max_chars: 300,
        }
    }
}

/// Photos: what the notice demands and how they are placed.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct PhotoRules {
    pub min_width_px: u32,
    /// Minimum file size in bytes; "2M" in the notice is read as Windows
    /// shows it, 2 × 1024 × 1024.
    pub min_bytes: u64,
    /// Tallest a photo may be printed, so a portrait photo leaves room for
    /// its caption on the page.
    pub max_height_mm: f64,
    /// Header claims above this many pixels are refused without decoding.
    pub max_pixels: u64,
}

impl Default for PhotoRules {
    fn default() -> Self {
        PhotoRules {
            min_width_px: 2000,
            min_bytes: 2 * 1024 * 1024,
            max_height_mm: 150.0,
            max_pixels: 100_000_000,
        }
    }
}

/// Videos (动漫、视频短片).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct VideoRules {
    pub max_bytes: u64,
    /// Below this the video is refused (标清, 720×480).
    pub min_width_px: u32,
    pub min_height_px: u32,
    /// Below this a warning (the notice suggests 1280×720).
    pub suggested_width_px: u32,
    pub suggested_height_px: u32,
}

impl Default for VideoRules {
    fn default() -> Self {
        VideoRules {
            max_bytes: 200 * 1024 * 1024,
            min_width_px: 720,
            min_height_px: 480,
            suggested_width_px: 1280,
            suggested_height_px: 720,
        }
    }
}

/// Deadlines of the notice, as `YYYY-MM-DD` (2020 defaults).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Deadlines {
    pub week_start: String,
    pub week_end: String,
    /// 工作方案
    pub plan: String,
    /// 特色亮点活动一览表
    pub highlights: String,
    /// 总结
    pub summary: String,
    /// Daily information (cases, media reports) is due by this time each
    /// day of the week; the last is due the morning after the week ends.
    pub daily_time: String,
}

impl Default for Deadlines {
    fn default() -> Self {
        Deadlines {
            week_start: "2020-11-08".into(),
            week_end: "2020-11-14".into(),
            plan: "2020-11-06".into(),
            highlights: "2020-11-04".into(),
            summary: "2020-11-18".into(),
            daily_time: "10:00".into(),
        }
    }
}

fn face(name: &str, aliases: &[&str], lookalike: &str, weight: u16) -> Face {
    Face {
        name: name.into(),
        aliases: aliases.iter().map(|s| s.to_string()).collect(),
        lookalike: lookalike.into(),
        lookalike_weight: weight,
    }
}

impl Default for Rules {
    fn default() -> Self {
        let mut faces = BTreeMap::new();
        faces.insert(
            "xiaobiaosong".into(),
            face(
                "方正小标宋简体",
                &[
                    "方正小标宋简体",
                    "FZXiaoBiaoSong-B05S",
                    "方正小标宋_GBK",
                    "FZXiaoBiaoSong-B05",
                ],
                "Noto Serif CJK SC",
                700,
            ),
        );
        faces.insert(
            "kai".into(),
            face(
                "楷体_GB2312",
                &[
                    "楷体_GB2312",
                    "KaiTi_GB2312",
                    "楷体",
                    "KaiTi",
                    "STKaiti",
                    "华文楷体",
                    "FZKai-Z03S",
                ],
                "FandolKai",
                400,
            ),
        );
        faces.insert(
            "fang".into(),
            face(
                "仿宋_GB2312",
                &[
                    "仿宋_GB2312",
                    "FangSong_GB2312",
                    "仿宋",
                    "FangSong",
                    "STFangsong",
                    "华文仿宋",
                    "FZFangSong-Z02S",
                    "FZFangSong-Z02",
                ],
                "FandolFang",
                400,
            ),
        );
        faces.insert(
            "hei".into(),
            face(
                "黑体",
                &["黑体", "SimHei", "STHeiti", "华文黑体", "FZHei-B01S"],
                "Noto Sans CJK SC",
                500,
            ),
        );
        faces.insert(
            "song".into(),
            face(
                "宋体",
                &["宋体", "SimSun", "NSimSun", "新宋体", "STSong", "华文宋体"],
                "Noto Serif CJK SC",
                400,
            ),
        );
        Rules {
            page: Page::default(),
            faces,
            roles: Roles::default(),
            text: TextRules::default(),
            photo: PhotoRules::default(),
            video: VideoRules::default(),
            deadlines: Deadlines::default(),
            output: OutputRules::default(),
            diagnostics: BTreeMap::new(),
        }
    }
}

fn merge(base: &mut toml::Table, user: toml::Table) {
    for (k, v) in user {
        match (base.get_mut(&k), v) {
            (Some(toml::Value::Table(b)), toml::Value::Table(u)) => merge(b, u),
            (_, v) => {
                base.insert(k, v);
            }
        }
    }
}

/// A role of text in the document, each set by one `RoleStyle`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    Title,
    Unit,
    Body,
    Heading1,
    Heading2,
    Heading3,
    Heading4,
    Caption,
    PageNumber,
    Table,
    TableHeader,
}

impl Role {
    pub const ALL: [Role; 11] = [
        Role::Title,
        Role::Unit,
        Role::Body,
        Role::Heading1,
        Role::Heading2,
        Role::Heading3,
        Role::Heading4,
        Role::Caption,
        Role::PageNumber,
        Role::Table,
        Role::TableHeader,
    ];

    pub fn heading(level: u8) -> Role {
        match level {
            1 => Role::Heading1,
            2 => Role::Heading2,
            3 => Role::Heading3,
            _ => Role::Heading4,
        }
    }

    /// The name a user reads in messages.
    pub fn label(self) -> &'static str {
        match self {
            Role::Title => "标题",
            Role::Unit => "报送单位",
            Role::Body => "正文",
            Role::Heading1 => "一级标题",
            Role::Heading2 => "二级标题",
            Role::Heading3 => "三级标题",
            Role::Heading4 => "四级标题",
            Role::Caption => "图片说明",
            Role::PageNumber => "页码",
            Role::Table => "表格",
            Role::TableHeader => "表头",
        }
    }

    pub fn key(self) -> &'static str {
        match self {
            Role::Title => "title",
            Role::Unit => "unit",
            Role::Body => "body",
            Role::Heading1 => "heading1",
            Role::Heading2 => "heading2",
            Role::Heading3 => "heading3",
            Role::Heading4 => "heading4",
            Role::Caption => "caption",
            Role::PageNumber => "page_number",
            Role::Table => "table",
            Role::TableHeader => "table_header",
        }
    }
}

impl Rules {
    /// The built-in table with a user's overrides merged in, key by key:
    /// `[roles.body] size_pt = 15` changes only that size, and one
    /// `[faces.fang]` entry leaves the other faces in place.
    pub fn with_overrides(text: &str) -> Result<Rules, toml::de::Error> {
        let user: toml::Table = toml::from_str(text)?;
        let mut base =
            toml::Table::try_from(Rules::default()).expect("the built-in rules serialize");
        merge(&mut base, user);
        let mut rules: Rules = toml::Value::Table(base).try_into()?;
        // `b0203`, ` B0203 ` and `Photos` mean what they say; `adjust`
        // looks keys up exactly.
        rules.diagnostics = std::mem::take(&mut rules.diagnostics)
            .into_iter()
            .map(|(k, v)| {
                let k = k.trim();
                let k = match crate::diag::catalog::lookup(k) {
                    Some(l) => l.code.to_string(),
                    None if Group::from_key(&k.to_ascii_lowercase()).is_some() => {
                        k.to_ascii_lowercase()
                    }
                    // Unknown: kept as written, for the message.
                    None => k.to_string(),
                };
                (k, v.trim().to_ascii_lowercase())
            })
            .collect();
        Ok(rules)
    }

    pub fn style(&self, role: Role) -> &RoleStyle {
        let r = &self.roles;
        match role {
            Role::Title => &r.title,
            Role::Unit => &r.unit,
            Role::Body => &r.body,
            Role::Heading1 => &r.heading1,
            Role::Heading2 => &r.heading2,
            Role::Heading3 => &r.heading3,
            Role::Heading4 => &r.heading4,
            Role::Caption => &r.caption,
            Role::PageNumber => &r.page_number,
            Role::Table => &r.table,
            Role::TableHeader => &r.table_header,
        }
    }

    /// The face family of a role. `validate` guarantees it exists.
    pub fn face(&self, role: Role) -> &Face {
        &self.faces[&self.style(role).face]
    }

    /// Tracking that lets `chars_per_line` full-width characters fill the
    /// text width. Word's character spacing is in twentieths of a point, so
    /// it is rounded down to that step (−0.25 pt for the 2020 grid) and both
    /// outputs use the same value; justification absorbs the remainder.
    pub fn grid_tracking_pt(&self) -> f64 {
        let t = self.page.char_pitch_pt() - self.roles.body.size_pt;
        (t * 20.0).floor() / 20.0
    }

    /// First-line indent: whole characters as set (size plus tracking), so
    /// the indented first line and the full lines below share columns.
    pub fn indent_pt(&self) -> f64 {
        self.page.indent_chars as f64 * (self.roles.body.size_pt + self.grid_tracking_pt())
    }

    /// On-grid roles (body, unit, headings) take the grid tracking; others
    /// keep their natural width.
    pub fn tracking_pt(&self, role: Role) -> f64 {
        let on_grid = matches!(
            role,
            Role::Body
                | Role::Unit
                | Role::Heading1
                | Role::Heading2
                | Role::Heading3
                | Role::Heading4
        );
        if on_grid {
            self.grid_tracking_pt()
        } else {
            0.0
        }
    }

    /// The severity a finding has under this table's `[diagnostics]`.
    pub fn adjust(&self, mut d: Diagnostic) -> Diagnostic {
        let by_code = self.diagnostics.get(d.code.as_str());
        let by_group = self.diagnostics.get(d.code.group().key());
        if !d.code.group().adjustable() {
            return d;
        }
        match by_code.or(by_group).map(String::as_str) {
            Some("error") => d = d.severity(Severity::Error),
            Some("warning") => d = d.severity(Severity::Warning),
            _ => {}
        }
        d
    }

    /// Checks what serde cannot: every role names a known face, and the
    /// page leaves room for text. Returns a Chinese message on failure.
    pub fn validate(&self) -> Result<(), String> {
        for role in Role::ALL {
            let st = self.style(role);
            if !self.faces.contains_key(&st.face) {
                let known: Vec<_> = self.faces.keys().cloned().collect();
                return Err(format!(
                    "roles.{} 使用的字体 `{}` 未在 [faces] 中定义（已定义：{}）",
                    role.key(),
                    st.face,
                    known.join("、")
                ));
            }
            if !(st.size_pt >= 5.0 && st.size_pt <= 100.0) {
                return Err(format!(
                    "roles.{} 的字号 {} 磅不合理",
                    role.key(),
                    st.size_pt
                ));
            }
        }
        let d = &self.deadlines;
        for (key, v) in [
            ("week_start", &d.week_start),
            ("week_end", &d.week_end),
            ("plan", &d.plan),
            ("highlights", &d.highlights),
            ("summary", &d.summary),
        ] {
            if calendar::Day::parse(v).is_none() {
                return Err(format!(
                    "deadlines.{key} 的日期 \"{v}\" 无法识别，请写成 2020-11-06 这样的形式"
                ));
            }
        }
        for (key, value) in &self.diagnostics {
            let group =
                Group::from_key(key).or_else(|| crate::diag::catalog::lookup(key).map(|l| l.group));
            let Some(group) = group else {
                let groups: Vec<&str> = Group::ALL
                    .iter()
                    .filter(|g| g.adjustable())
                    .map(|g| g.key())
                    .collect();
                return Err(format!(
                    "diagnostics.{key} 不是诊断类别或代码（类别有：{}；也可以写单个代码，如 B0204）",
                    groups.join("、")
                ));
            };
            if !group.adjustable() {
                return Err(format!(
                    "diagnostics.{key}：{}类的问题会使材料无法使用，不能调整",
                    group.label()
                ));
            }
            if value != "error" && value != "warning" {
                return Err(format!(
                    "diagnostics.{key} 的值 \"{value}\" 无法识别，应为 \"error\"（错误）或 \"warning\"（警告）"
                ));
            }
        }
        if self.text.min_chars > self.text.max_chars {
            return Err("text.min_chars 不能大于 text.max_chars".into());
        }
        let p = &self.page;
        let lengths = [
            ("page.width_mm", p.width_mm),
            ("page.height_mm", p.height_mm),
            ("page.top_mm", p.top_mm),
            ("page.bottom_mm", p.bottom_mm),
            ("page.left_mm", p.left_mm),
            ("page.right_mm", p.right_mm),
            ("page.line_pitch_pt", p.line_pitch_pt),
            ("page.page_number_gap_mm", p.page_number_gap_mm),
            ("page.page_number_inset_chars", p.page_number_inset_chars),
            ("photo.max_height_mm", self.photo.max_height_mm),
        ];
        for (key, v) in lengths {
            if !v.is_finite() || v < 0.0 || v > 2000.0 {
                return Err(format!("{key} 的值 {v} 不合理，应为 0 到 2000 之间的数"));
            }
        }
        if self.photo.max_height_mm < 10.0 {
            return Err("photo.max_height_mm 至少为 10 毫米".into());
        }
        if p.page_number_gap_mm > p.bottom_mm {
            return Err("page.page_number_gap_mm 不能大于下边距 page.bottom_mm".into());
        }
        if p.text_width_mm() <= 10.0 || p.text_height_mm() <= 10.0 {
            return Err("页边距过大，版心已小于 10 毫米".into());
        }
        if p.lines == 0 || p.chars_per_line == 0 || p.line_pitch_pt <= 0.0 {
            return Err("page.lines、page.chars_per_line 与 page.line_pitch_pt 必须大于 0".into());
        }
        if p.line_pitch_pt * (p.lines as f64 - 1.0) + self.roles.body.size_pt
            > p.text_height_mm() * PT_PER_MM + 0.01
        {
            return Err(format!(
                "每页 {} 行、行距 {} 磅放不进 {:.1} 毫米高的版心",
                p.lines,
                p.line_pitch_pt,
                p.text_height_mm()
            ));
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_grid_matches_gbt9704() {
        let r = Rules::default();
        r.validate().unwrap();
        assert!((r.page.text_width_mm() - 156.0).abs() < 1e-9);
        assert!((r.page.text_height_mm() - 225.0).abs() < 1e-9);
        // 28 characters fill 156 mm.
        assert!((r.page.char_pitch_pt() * 28.0 - 156.0 * PT_PER_MM).abs() < 1e-9);
        // 22 lines at 28.95 pt fit 225 mm, 23 do not.
        let h = r.page.text_height_mm() * PT_PER_MM;
        assert!(21.0 * 28.95 + 16.0 <= h && 22.0 * 28.95 + 16.0 > h);
    }

    #[test]
    fn size_names() {
        assert_eq!(size::name(22.0), "二号");
        assert_eq!(size::name(16.0), "三号");
        assert_eq!(size::name(13.0), "13 磅");
    }

    #[test]
    fn override_keeps_other_defaults() {
        let r: Rules = toml::from_str(
            "[text]\nmin_chars = 600\n[roles.body]\nface = \"song\"\nsize_pt = 15\n",
        )
        .unwrap();
        assert_eq!(r.text.min_chars, 600);
        assert_eq!(r.text.max_chars, 1500);
        assert_eq!(r.roles.body.face, "song");
        assert_eq!(r.roles.title.size_pt, 22.0);
        r.validate().unwrap();
    }

    #[test]
    fn partial_overrides_merge() {
        let r = Rules::with_overrides("[roles.body]\nsize_pt = 15\n[faces.fang]\nname = \"仿宋\"\naliases = [\"FangSong\"]\nlookalike = \"FandolFang\"\n").unwrap();
        assert_eq!(r.roles.body.size_pt, 15.0);
        assert_eq!(r.roles.body.face, "fang");
        assert_eq!(r.faces["fang"].name, "仿宋");
        assert_eq!(r.faces["xiaobiaosong"].name, "方正小标宋简体");
        r.validate().unwrap();
        let e = Rules::with_overrides("[text]\nmin_chars = \"多\"\n").unwrap_err();
        assert!(e.to_string().contains("min_chars"), "{e}");
    }

    #[test]
    fn absurd_numbers_are_refused() {
        for t in [
            "[page]\nwidth_mm = inf\n",
            "[page]\ntop_mm = -500.0\n",
            "[page]\nline_pitch_pt = nan\n",
            "[photo]\nmax_height_mm = 0\n",
        ] {
            let r: Rules = toml::from_str(t).unwrap();
            assert!(r.validate().is_err(), "{t}");
        }
    }

    #[test]
    fn unknown_face_key_is_refused() {
        let mut r = Rules::default();
        r.roles.body.face = "nope".into();
        assert!(r.validate().unwrap_err().contains("nope"));
    }
}
