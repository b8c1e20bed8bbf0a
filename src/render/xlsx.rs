//! Spreadsheets of the document's tables (offices merge highlights tables
//! in Excel/WPS). Same table data as the .docx and PDF, from the IR.

use rust_xlsxwriter::{DocProperties, ExcelDateTime, Format, FormatAlign, FormatBorder, Workbook};

use crate::diag::{code, Diagnostic};
use crate::ir::{Block, Ir};
use crate::rules::{Role, Rules};

/// Renders every table of the document, one worksheet each; `None` when
/// the document has no table.
pub fn render(ir: &Ir, rules: &Rules) -> Result<Option<Vec<u8>>, Diagnostic> {
    let tables: Vec<&crate::ir::Table> = ir
        .blocks
        .iter()
        .filter_map(|b| match b {
            Block::Table(t) => Some(t),
            _ => None,
        })
        .collect();
    if tables.is_empty() {
        return Ok(None);
    }
    let err = |e: rust_xlsxwriter::XlsxError| {
        Diagnostic::new(code::INTERNAL, format!("生成 Excel 文件失败：{e}"))
    };
    let mut wb = Workbook::new();
    // A fixed date: the same input gives the same bytes.
    let fixed = ExcelDateTime::from_ymd(2000, 1, 1).map_err(err)?;
    wb.set_properties(
        &DocProperties::new()
            .set_title(&ir.title)
            .set_author(&ir.unit)
            .set_creation_datetime(&fixed),
    );
    let face = |role: Role| rules.face(role).name.clone();
    let title_fmt = Format::new()
        .set_font_name(face(Role::Title))
        .set_font_size(18)
        .set_align(FormatAlign::Center);
    let unit_fmt = Format::new()
        .set_font_name(face(Role::Unit))
        .set_font_size(12);
    let head_fmt = Format::new()
        .set_font_name(face(Role::TableHeader))
        .set_font_size(rules.roles.table_header.size_pt.min(12.0))
        .set_bold()
        .set_text_wrap()
        .set_align(FormatAlign::Center)
        .set_align(FormatAlign::VerticalCenter)
        .set_border(FormatBorder::Thin);
    let cell_fmt = Format::new()
        .set_font_name(face(Role::Table))
        .set_font_size(rules.roles.table.size_pt.min(12.0))
        .set_text_wrap()
        .set_align(FormatAlign::VerticalCenter)
        .set_border(FormatBorder::Thin);
    let center_fmt = cell_fmt.clone().set_align(FormatAlign::Center);
    for (i, t) in tables.iter().enumerate() {
        let ws = wb.add_worksheet();
        let name = t.title.clone().unwrap_or_else(|| ir.title.clone());
        // Sheet names: at most 31 characters, unique.
        let sheet: String = name
            .chars()
            .filter(|c| !"[]:*?/\\".contains(*c))
            .take(28)
            .collect();
        ws.set_name(if i == 0 {
            sheet
        } else {
            format!("{sheet}{}", i + 1)
        })
        .map_err(err)?;
        let last = (t.columns.len() - 1) as u16;
        let heading = t
            .title
            .as_ref()
            .map(|s| format!("{}：{s}", ir.title))
            .unwrap_or_else(|| ir.title.clone());
        ws.merge_range(0, 0, 0, last, &heading, &title_fmt)
            .map_err(err)?;
        ws.merge_range(
            1,
            0,
            1,
            last,
            ir.unit_lines.first().map(String::as_str).unwrap_or(""),
            &unit_fmt,
        )
        .map_err(err)?;
        let sum: f64 = t.columns.iter().map(|c| c.width).sum();
        for (c, col) in t.columns.iter().enumerate() {
            ws.set_column_width(c as u16, (col.width / sum * 120.0).max(6.0))
                .map_err(err)?;
            ws.write_string_with_format(2, c as u16, &col.header, &head_fmt)
                .map_err(err)?;
        }
        for (r, row) in t.rows.iter().enumerate() {
            for (c, text) in row.iter().enumerate() {
                let f = if t.columns[c].center {
                    &center_fmt
                } else {
                    &cell_fmt
                };
                // The serial number stays a number; everything else is text
                // (a phone number or "11.10" must not turn into a figure).
                match text.parse::<u32>() {
                    Ok(n) if t.columns[c].header == "序号" => ws
                        .write_number_with_format(3 + r as u32, c as u16, n, f)
                        .map_err(err)?,
                    _ => ws
                        .write_string_with_format(3 + r as u32, c as u16, text, f)
                        .map_err(err)?,
                };
            }
        }
        ws.set_repeat_rows(2, 2).map_err(err)?;
        ws.set_freeze_panes(3, 0).map_err(err)?;
        ws.set_paper_size(9); // A4
        if ir.landscape {
            ws.set_landscape();
        }
    }
    wb.save_to_buffer().map(Some).map_err(err)
}
