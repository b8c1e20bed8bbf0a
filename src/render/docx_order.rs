//! Schema order for WordprocessingML property elements. docx-rs writes the
//! children of `w:rPr`, `w:pPr`, `w:sectPr` and `w:style` in its own order
//! (e.g. `w:sz` before `w:rFonts`, `w:rPr` first in `w:pPr`); strict readers
//! and Word's validator expect the sequence of ECMA-376. This reorders them.

use quick_xml::events::{BytesStart, Event};
use quick_xml::{Reader, Writer};

const RPR: &[&str] = &[
    "ins",
    "del",
    "moveFrom",
    "moveTo",
    "rStyle",
    "rFonts",
    "b",
    "bCs",
    "i",
    "iCs",
    "caps",
    "smallCaps",
    "strike",
    "dstrike",
    "outline",
    "shadow",
    "emboss",
    "imprint",
    "noProof",
    "snapToGrid",
    "vanish",
    "webHidden",
    "color",
    "spacing",
    "w",
    "kern",
    "position",
    "sz",
    "szCs",
    "highlight",
    "u",
    "effect",
    "bdr",
    "shd",
    "fitText",
    "vertAlign",
    "rtl",
    "cs",
    "em",
    "lang",
    "eastAsianLayout",
    "specVanish",
    "oMath",
    "rPrChange",
];
const PPR: &[&str] = &[
    "pStyle",
    "keepNext",
    "keepLines",
    "pageBreakBefore",
    "framePr",
    "widowControl",
    "numPr",
    "suppressLineNumbers",
    "pBdr",
    "shd",
    "tabs",
    "suppressAutoHyphens",
    "kinsoku",
    "wordWrap",
    "overflowPunct",
    "topLinePunct",
    "autoSpaceDE",
    "autoSpaceDN",
    "bidi",
    "adjustRightInd",
    "snapToGrid",
    "spacing",
    "ind",
    "contextualSpacing",
    "mirrorIndents",
    "suppressOverlap",
    "jc",
    "textDirection",
    "textAlignment",
    "textboxTightWrap",
    "outlineLvl",
    "divId",
    "cnfStyle",
    "rPr",
    "sectPr",
    "pPrChange",
];
const SECTPR: &[&str] = &[
    "headerReference",
    "footerReference",
    "footnotePr",
    "endnotePr",
    "type",
    "pgSz",
    "pgMar",
    "paperSrc",
    "pgBorders",
    "lnNumType",
    "pgNumType",
    "cols",
    "formProt",
    "vAlign",
    "noEndnote",
    "titlePg",
    "textDirection",
    "bidi",
    "rtlGutter",
    "docGrid",
    "printerSettings",
    "sectPrChange",
];
const STYLE: &[&str] = &[
    "name",
    "aliases",
    "basedOn",
    "next",
    "link",
    "autoRedefine",
    "hidden",
    "uiPriority",
    "semiHidden",
    "unhideWhenUsed",
    "qFormat",
    "locked",
    "personal",
    "personalCompose",
    "personalReply",
    "rsid",
    "pPr",
    "rPr",
    "tblPr",
    "trPr",
    "tcPr",
    "tblStylePr",
];

const TRPR: &[&str] = &[
    "cnfStyle",
    "divId",
    "gridBefore",
    "gridAfter",
    "wBefore",
    "wAfter",
    "cantSplit",
    "trHeight",
    "tblHeader",
    "tblCellSpacing",
    "jc",
    "hidden",
    "ins",
    "del",
    "trPrChange",
];

const SETTINGS: &[&str] = &[
    "writeProtection",
    "view",
    "zoom",
    "removePersonalInformation",
    "removeDateAndTime",
    "doNotDisplayPageBoundaries",
    "displayBackgroundShape",
    "printPostScriptOverText",
    "printFractionalCharacterWidth",
    "printFormsData",
    "embedTrueTypeFonts",
    "embedSystemFonts",
    "saveSubsetFonts",
    "saveFormsData",
    "mirrorMargins",
    "alignBordersAndEdges",
    "bordersDoNotSurroundHeader",
    "bordersDoNotSurroundFooter",
    "gutterAtTop",
    "hideSpellingErrors",
    "hideGrammaticalErrors",
    "activeWritingStyle",
    "proofState",
    "formsDesign",
    "attachedTemplate",
    "linkStyles",
    "stylePaneFormatFilter",
    "stylePaneSortMethod",
    "documentType",
    "mailMerge",
    "revisionView",
    "trackRevisions",
    "doNotTrackMoves",
    "doNotTrackFormatting",
    "documentProtection",
    "autoFormatOverride",
    "styleLockTheme",
    "styleLockQFSet",
    "defaultTabStop",
    "autoHyphenation",
    "consecutiveHyphenLimit",
    "hyphenationZone",
    "doNotHyphenateCaps",
    "showEnvelope",
    "summaryLength",
    "clickAndTypeStyle",
    "defaultTableStyle",
    "evenAndOddHeaders",
    "bookFoldRevPrinting",
    "bookFoldPrinting",
    "bookFoldPrintingSheets",
    "drawingGridHorizontalSpacing",
    "drawingGridVerticalSpacing",
    "displayHorizontalDrawingGridEvery",
    "displayVerticalDrawingGridEvery",
    "doNotUseMarginsForDrawingGridOrigin",
    "drawingGridHorizontalOrigin",
    "drawingGridVerticalOrigin",
    "doNotShadeFormData",
    "noPunctuationKerning",
    "characterSpacingControl",
    "printTwoOnOne",
    "strictFirstAndLastChars",
    "noLineBreaksAfter",
    "noLineBreaksBefore",
    "savePreviewPicture",
    "doNotValidateAgainstSchema",
    "saveInvalidXml",
    "ignoreMixedContent",
    "alwaysShowPlaceholderText",
    "doNotDemarcateInvalidXml",
    "saveXmlDataOnly",
    "useXSLTWhenSaving",
    "saveThroughXslt",
    "showXMLTags",
    "alwaysMergeEmptyNamespace",
    "updateFields",
    "hdrShapeDefaults",
    "footnotePr",
    "endnotePr",
    "compat",
    "docVars",
    "rsids",
    "mathPr",
    "attachedSchema",
    "themeFontLang",
    "clrSchemeMapping",
    "doNotIncludeSubdocsInStats",
    "doNotAutoCompressPictures",
    "forceUpgrade",
    "captions",
    "readModeInkLockDown",
    "smartTagType",
    "schemaLibrary",
    "shapeDefaults",
    "doNotEmbedSmartTags",
    "decimalSymbol",
    "listSeparator",
];

fn order_of(name: &[u8]) -> Option<&'static [&'static str]> {
    match name {
        b"w:settings" => Some(SETTINGS),
        b"w:trPr" => Some(TRPR),
        b"w:rPr" => Some(RPR),
        b"w:pPr" => Some(PPR),
        b"w:sectPr" => Some(SECTPR),
        b"w:style" => Some(STYLE),
        _ => None,
    }
}

enum Node {
    Element {
        start: BytesStart<'static>,
        children: Vec<Node>,
        empty: bool,
    },
    Other(Event<'static>),
}

impl Node {
    fn local(&self) -> Option<String> {
        match self {
            Node::Element { start, .. } => {
                let n = String::from_utf8_lossy(start.name().as_ref()).into_owned();
                Some(n.strip_prefix("w:").unwrap_or(&n).to_string())
            }
            Node::Other(_) => None,
        }
    }
}

/// Reorders property children into schema order; everything else is
/// written back unchanged.
pub fn normalize(xml: &[u8]) -> Result<Vec<u8>, String> {
    let mut reader = Reader::from_reader(xml);
    let mut buf = Vec::new();
    let mut stack: Vec<(BytesStart<'static>, Vec<Node>)> = Vec::new();
    let mut top: Vec<Node> = Vec::new();
    loop {
        let ev = reader
            .read_event_into(&mut buf)
            .map_err(|e| e.to_string())?
            .into_owned();
        buf.clear();
        let node = match ev {
            Event::Eof => break,
            Event::Start(s) => {
                stack.push((s, Vec::new()));
                continue;
            }
            Event::End(_) => {
                let (start, mut children) = stack.pop().ok_or("unbalanced XML")?;
                if let Some(order) = order_of(start.name().as_ref()) {
                    sort_children(&mut children, order);
                }
                Node::Element {
                    start,
                    children,
                    empty: false,
                }
            }
            Event::Empty(s) => Node::Element {
                start: s,
                children: Vec::new(),
                empty: true,
            },
            other => Node::Other(other),
        };
        match stack.last_mut() {
            Some((_, children)) => children.push(node),
            None => top.push(node),
        }
    }
    if !stack.is_empty() {
        return Err("unbalanced XML".into());
    }
    let mut w = Writer::new(Vec::with_capacity(xml.len()));
    for n in top {
        write(&mut w, n)?;
    }
    Ok(w.into_inner())
}

fn sort_children(children: &mut [Node], order: &[&str]) {
    // Stable: unknown elements and text keep their relative place at the end.
    children.sort_by_key(|c| {
        c.local()
            .and_then(|l| order.iter().position(|o| *o == l))
            .unwrap_or(order.len())
    });
}

fn write(w: &mut Writer<Vec<u8>>, n: Node) -> Result<(), String> {
    match n {
        Node::Other(ev) => w.write_event(ev).map_err(|e| e.to_string()),
        Node::Element {
            start,
            children,
            empty,
        } => {
            if empty && children.is_empty() {
                return w
                    .write_event(Event::Empty(start))
                    .map_err(|e| e.to_string());
            }
            let end = start.to_end().into_owned();
            w.write_event(Event::Start(start))
                .map_err(|e| e.to_string())?;
            for c in children {
                write(w, c)?;
            }
            w.write_event(Event::End(end)).map_err(|e| e.to_string())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn orders_run_and_paragraph_properties() {
        let xml = br#"<w:p><w:pPr><w:rPr/><w:jc w:val="both"/><w:pStyle w:val="Normal"/><w:spacing w:line="579"/></w:pPr><w:r><w:rPr><w:sz w:val="32"/><w:rFonts w:eastAsia="x"/><w:lang w:val="zh-CN"/><w:b/></w:rPr><w:t>z</w:t></w:r></w:p>"#;
        let out = String::from_utf8(normalize(xml).unwrap()).unwrap();
        assert_eq!(
            out,
            r#"<w:p><w:pPr><w:pStyle w:val="Normal"/><w:spacing w:line="579"/><w:jc w:val="both"/><w:rPr/></w:pPr><w:r><w:rPr><w:rFonts w:eastAsia="x"/><w:b/><w:sz w:val="32"/><w:lang w:val="zh-CN"/></w:rPr><w:t>z</w:t></w:r></w:p>"#
        );
    }

    #[test]
    fn footer_references_come_first_in_sections() {
        let xml = br#"<w:sectPr><w:pgSz/><w:docGrid/><w:footerReference w:type="default"/><w:footerReference w:type="even"/></w:sectPr>"#;
        let out = String::from_utf8(normalize(xml).unwrap()).unwrap();
        assert!(out.starts_with(r#"<w:sectPr><w:footerReference w:type="default"/><w:footerReference w:type="even"/><w:pgSz/>"#), "{out}");
    }
}
