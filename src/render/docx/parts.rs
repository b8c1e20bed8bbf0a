//! The fixed parts of the package: styles, settings, font table, footers,
//! content types, relationships and document properties.

use std::collections::BTreeSet;

use super::body::{field, half_points, run, style_id, table_line_twips, Media, PPr, Spacing};
use super::xml::Xml;
use super::WordGrid;
use crate::rules::{Role, Rules};

pub const W: &str = "http://schemas.openxmlformats.org/wordprocessingml/2006/main";
pub const R: &str = "http://schemas.openxmlformats.org/officeDocument/2006/relationships";
const REL: &str = "http://schemas.openxmlformats.org/officeDocument/2006/relationships";
const PKG_REL: &str = "http://schemas.openxmlformats.org/package/2006/relationships";

fn style_name(role: Role) -> &'static str {
    match role {
        Role::Title => "公文标题",
        Role::Body => "Normal",
        other => other.label(),
    }
}

/// Paragraph properties a role's style carries.
fn style_ppr(rules: &Rules, g: &WordGrid, role: Role) -> PPr {
    let exact = Some(Spacing::Exact(g.line_pitch));
    let no_indent = Some((0, 0, 0, None));
    // No automatic space between Chinese and Latin text or digits, as in
    // the PDF (Typst's cjk-latin-spacing is off too). In every style:
    // LibreOffice does not take it from the defaults alone.
    let base = PPr {
        auto_space_off: true,
        ..PPr::default()
    };
    match role {
        Role::Title => PPr {
            off_grid: true,
            spacing: exact,
            jc: Some("center"),
            ..base
        },
        Role::Unit => PPr {
            spacing: exact,
            ind: no_indent,
            jc: Some("center"),
            ..base
        },
        Role::Body | Role::Heading1 | Role::Heading2 | Role::Heading3 | Role::Heading4 => PPr {
            spacing: exact,
            ind: Some((0, 0, g.indent, Some(rules.page.indent_chars as i64 * 100))),
            jc: Some("both"),
            outline: match role {
                Role::Heading1 => Some(0),
                Role::Heading2 => Some(1),
                Role::Heading3 => Some(2),
                Role::Heading4 => Some(3),
                _ => None,
            },
            ..base
        },
        Role::Caption => PPr {
            off_grid: true,
            spacing: exact,
            ind: no_indent,
            jc: Some("center"),
            ..base
        },
        Role::PageNumber => PPr {
            off_grid: true,
            spacing: Some(Spacing::Exact(half_points(rules.style(role).size_pt) * 10)),
            ..base
        },
        // Table text: off the grid, lines 1.4 × the size apart.
        Role::Table | Role::TableHeader => PPr {
            off_grid: true,
            spacing: Some(Spacing::Exact(table_line_twips(rules.style(role).size_pt))),
            ind: no_indent,
            jc: Some(if role == Role::TableHeader {
                "center"
            } else {
                "left"
            }),
            ..base
        },
    }
}

pub fn styles(rules: &Rules, g: &WordGrid) -> String {
    let mut x = Xml::part();
    x.open("w:styles", &[("xmlns:w", &W)]);
    x.open("w:docDefaults", &[]);
    x.open("w:rPrDefault", &[]);
    {
        // The body's faces and size, with the language Word uses to pick
        // East Asian behaviour.
        let mut r = Xml::fragment();
        super::body::rpr(&mut r, rules, Role::Body);
        let rpr = r.into_string().replace(
            "</w:rPr>",
            r#"<w:lang w:val="en-US" w:eastAsia="zh-CN" w:bidi="ar-SA"/></w:rPr>"#,
        );
        // Defaults carry no tracking: it belongs to the grid roles.
        let rpr = strip_spacing(&rpr);
        x.raw(&rpr);
    }
    x.close("w:rPrDefault");
    x.open("w:pPrDefault", &[]);
    PPr {
        auto_space_off: true,
        ..PPr::default()
    }
    .write(&mut x);
    x.close("w:pPrDefault");
    x.close("w:docDefaults");
    for role in Role::ALL {
        let st = rules.style(role);
        let id = style_id(role);
        if role == Role::Body {
            x.open(
                "w:style",
                &[
                    ("w:type", &"paragraph"),
                    ("w:default", &1),
                    ("w:styleId", &id),
                ],
            );
        } else {
            x.open("w:style", &[("w:type", &"paragraph"), ("w:styleId", &id)]);
        }
        x.empty("w:name", &[("w:val", &style_name(role))]);
        if role != Role::Body {
            x.empty("w:basedOn", &[("w:val", &"Normal")]);
            x.empty("w:next", &[("w:val", &"Normal")]);
        }
        x.empty("w:qFormat", &[]);
        style_ppr(rules, g, role).write(&mut x);
        let mut r = Xml::fragment();
        super::body::rpr(&mut r, rules, role);
        x.raw(&strip_spacing(&r.into_string()));
        let _ = st;
        x.close("w:style");
    }
    x.close("w:styles");
    x.into_string()
}

/// Tracking is set on each run (Word, WPS and LibreOffice agree on that),
/// not in styles.
fn strip_spacing(rpr: &str) -> String {
    match (rpr.find("<w:spacing "), rpr.find("<w:sz ")) {
        (Some(a), Some(b)) if a < b => format!("{}{}", &rpr[..a], &rpr[b..]),
        _ => rpr.to_string(),
    }
}

pub struct SettingsOptions {
    /// Mirrored margins for printing on both sides.
    pub mirror: bool,
    /// Word asks once on opening to refresh fields (the volume's contents).
    pub update_fields: bool,
}

pub fn settings(o: &SettingsOptions) -> String {
    let mut x = Xml::part();
    x.open("w:settings", &[("xmlns:w", &W)]);
    x.empty("w:zoom", &[("w:percent", &100)]);
    if o.mirror {
        x.empty("w:mirrorMargins", &[]);
    }
    x.empty("w:defaultTabStop", &[("w:val", &840)]);
    x.empty("w:evenAndOddHeaders", &[]);
    if o.update_fields {
        x.empty("w:updateFields", &[("w:val", &"true")]);
    }
    x.open("w:compat", &[]);
    for tag in [
        "w:spaceForUL",
        "w:balanceSingleByteDoubleByteWidth",
        "w:doNotLeaveBackslashAlone",
        "w:ulTrailSpace",
        "w:doNotExpandShiftReturn",
        "w:useFELayout",
    ] {
        x.empty(tag, &[]);
    }
    for (name, val) in [
        ("compatibilityMode", "15"),
        ("overrideTableStyleFontSizeAndJustification", "1"),
        ("enableOpenTypeFeatures", "1"),
        ("doNotFlipMirrorIndents", "1"),
    ] {
        x.empty(
            "w:compatSetting",
            &[
                ("w:name", &name),
                ("w:uri", &"http://schemas.microsoft.com/office/word"),
                ("w:val", &val),
            ],
        );
    }
    x.close("w:compat");
    x.close("w:settings");
    x.into_string()
}

/// Every face the document names, with the English name systems list it
/// under; charset 86 (GB 2312) is how WPS finds a Chinese face.
pub fn font_table(rules: &Rules) -> String {
    let mut x = Xml::part();
    x.open("w:fonts", &[("xmlns:w", &W)]);
    let mut seen = BTreeSet::new();
    let mut font = |x: &mut Xml, name: &str, alt: Option<&str>, cjk: bool| {
        if !seen.insert(name.to_string()) {
            return;
        }
        x.open("w:font", &[("w:name", &name)]);
        if let Some(alt) = alt {
            x.empty("w:altName", &[("w:val", &alt)]);
        }
        x.empty("w:charset", &[("w:val", &if cjk { "86" } else { "00" })]);
        x.empty(
            "w:family",
            &[("w:val", &if cjk { "modern" } else { "roman" })],
        );
        x.empty(
            "w:pitch",
            &[("w:val", &if cjk { "fixed" } else { "variable" })],
        );
        x.close("w:font");
    };
    for role in Role::ALL {
        let face = rules.face(role);
        let alt = face
            .aliases
            .iter()
            .find(|a| a.is_ascii())
            .map(String::as_str);
        font(&mut x, &face.name, alt, true);
        if let Some(l) = &rules.style(role).latin {
            font(&mut x, l, None, false);
        }
    }
    x.close("w:fonts");
    x.into_string()
}

/// The page-number footer: `— 7 —`, odd pages right, even pages left, one
/// character in from the edge.
pub fn footer(rules: &Rules, odd: bool) -> String {
    let role = Role::PageNumber;
    let size = rules.style(role).size_pt;
    let inset = (rules.page.page_number_inset_chars * size * 20.0).round() as i64;
    let mut runs = Xml::fragment();
    run(&mut runs, rules, role, "— ");
    field(&mut runs, rules, role, "PAGE", Some("1"));
    run(&mut runs, rules, role, " —");
    let ppr = PPr {
        off_grid: true,
        ind: Some(if odd {
            (0, inset, 0, None)
        } else {
            (inset, 0, 0, None)
        }),
        jc: Some(if odd { "right" } else { "left" }),
        ..PPr::style(role)
    };
    let mut x = Xml::part();
    x.open("w:ftr", &[("xmlns:w", &W), ("xmlns:r", &R)]);
    super::body::paragraph(&mut x, &ppr, &runs.into_string());
    x.close("w:ftr");
    x.into_string()
}

pub fn content_types(media: &[Media]) -> String {
    let mut x = Xml::part();
    x.open(
        "Types",
        &[(
            "xmlns",
            &"http://schemas.openxmlformats.org/package/2006/content-types",
        )],
    );
    x.empty(
        "Default",
        &[
            ("Extension", &"rels"),
            (
                "ContentType",
                &"application/vnd.openxmlformats-package.relationships+xml",
            ),
        ],
    );
    x.empty(
        "Default",
        &[("Extension", &"xml"), ("ContentType", &"application/xml")],
    );
    let mut exts = BTreeSet::new();
    for m in media {
        if let Some(ext) = m.target.rsplit('.').next() {
            exts.insert(ext.to_string());
        }
    }
    for ext in exts {
        let mime = format!("image/{ext}");
        x.empty("Default", &[("Extension", &ext), ("ContentType", &mime)]);
    }
    let wml = "application/vnd.openxmlformats-officedocument.wordprocessingml";
    for (part, kind) in [
        ("/word/document.xml", format!("{wml}.document.main+xml")),
        ("/word/styles.xml", format!("{wml}.styles+xml")),
        ("/word/settings.xml", format!("{wml}.settings+xml")),
        ("/word/fontTable.xml", format!("{wml}.fontTable+xml")),
        ("/word/footer1.xml", format!("{wml}.footer+xml")),
        ("/word/footer2.xml", format!("{wml}.footer+xml")),
        (
            "/docProps/core.xml",
            "application/vnd.openxmlformats-package.core-properties+xml".into(),
        ),
        (
            "/docProps/app.xml",
            "application/vnd.openxmlformats-officedocument.extended-properties+xml".into(),
        ),
        (
            "/docProps/custom.xml",
            "application/vnd.openxmlformats-officedocument.custom-properties+xml".into(),
        ),
    ] {
        x.empty("Override", &[("PartName", &part), ("ContentType", &kind)]);
    }
    x.close("Types");
    x.into_string()
}

fn rels(list: &[(&str, String, &str)]) -> String {
    let mut x = Xml::part();
    x.open("Relationships", &[("xmlns", &PKG_REL)]);
    for (id, kind, target) in list {
        x.empty(
            "Relationship",
            &[("Id", id), ("Type", kind), ("Target", target)],
        );
    }
    x.close("Relationships");
    x.into_string()
}

pub fn package_rels() -> String {
    rels(&[
        ("rId1", format!("{REL}/officeDocument"), "word/document.xml"),
        (
            "rId2",
            "http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties"
                .into(),
            "docProps/core.xml",
        ),
        (
            "rId3",
            format!("{REL}/extended-properties"),
            "docProps/app.xml",
        ),
        (
            "rId4",
            format!("{REL}/custom-properties"),
            "docProps/custom.xml",
        ),
    ])
}

pub fn document_rels(media: &[Media]) -> String {
    let mut list = vec![
        ("rIdStyles", format!("{REL}/styles"), "styles.xml"),
        ("rIdSettings", format!("{REL}/settings"), "settings.xml"),
        ("rIdFontTable", format!("{REL}/fontTable"), "fontTable.xml"),
        ("rIdFooterOdd", format!("{REL}/footer"), "footer1.xml"),
        ("rIdFooterEven", format!("{REL}/footer"), "footer2.xml"),
    ];
    for m in media {
        list.push((m.rid.as_str(), format!("{REL}/image"), m.target.as_str()));
    }
    rels(&list)
}

/// Core properties: the title; no dates, so the bytes are reproducible.
pub fn core(title: &str) -> String {
    let mut x = Xml::part();
    x.open(
        "cp:coreProperties",
        &[
            (
                "xmlns:cp",
                &"http://schemas.openxmlformats.org/package/2006/metadata/core-properties",
            ),
            ("xmlns:dc", &"http://purl.org/dc/elements/1.1/"),
        ],
    );
    x.leaf("dc:title", &[], title);
    x.leaf("dc:creator", &[], "baosong");
    x.close("cp:coreProperties");
    x.into_string()
}

pub fn app() -> String {
    let mut x = Xml::part();
    x.open(
        "Properties",
        &[(
            "xmlns",
            &"http://schemas.openxmlformats.org/officeDocument/2006/extended-properties",
        )],
    );
    x.leaf("Application", &[], "baosong");
    x.close("Properties");
    x.into_string()
}

/// Custom properties: what made the file and from which source, so a
/// folder's own outputs are never taken for submissions.
pub fn custom(props: &[(&str, String)]) -> String {
    let mut x = Xml::part();
    x.open(
        "Properties",
        &[
            (
                "xmlns",
                &"http://schemas.openxmlformats.org/officeDocument/2006/custom-properties",
            ),
            (
                "xmlns:vt",
                &"http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes",
            ),
        ],
    );
    for (i, (name, value)) in props.iter().enumerate() {
        x.open(
            "property",
            &[
                ("fmtid", &"{D5CDD505-2E9C-101B-9397-08002B2CF9AE}"),
                ("pid", &(i + 2)),
                ("name", name),
            ],
        );
        x.leaf("vt:lpwstr", &[], value);
        x.close("property");
    }
    x.close("Properties");
    x.into_string()
}
