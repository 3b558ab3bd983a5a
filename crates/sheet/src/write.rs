//! Writing a template: titles, a notes row, text-formatted columns and drop-downs.

use rust_xlsxwriter::{
    Color, DataValidation, DataValidationErrorStyle, Format, FormatAlign, FormatBorder, Formula,
    Workbook, Worksheet, XlsxError,
};

use crate::error::CellFault;
use crate::read::REPORT_COLUMN;
use crate::spec::{Template, column_letter};

/// The first data row, 0-based (Excel row 3): row 1 titles, row 2 notes.
pub const FIRST_DATA_ROW: u32 = 2;

/// The most a cell holds in Excel, in UTF-16 code units (rust_xlsxwriter refuses more).
pub const EXCEL_CELL_MAX: usize = 32_767;

/// `text` cut to what one Excel cell holds, at a character boundary; with the number of
/// characters kept when it was cut.
pub fn fit_cell(text: &str) -> (&str, Option<usize>) {
    let mut units = 0;
    for (chars, (at, c)) in text.char_indices().enumerate() {
        units += c.len_utf16();
        if units > EXCEL_CELL_MAX {
            return (&text[..at], Some(chars));
        }
    }
    (text, None)
}

/// Hidden sheet holding drop-down lists too long for Excel's inline list (255 characters).
const CHOICES_SHEET: &str = "选项";

/// The template as an .xlsx file. Fails only on a template this crate's own rules forbid
/// (a bad sheet name), which is a programming error in the caller.
pub fn write_template(t: &Template) -> Result<Vec<u8>, XlsxError> {
    write_filled(t, &[])
}

/// The template with data rows filled in as text from row 3: for handing back rows (and for
/// tests, which fill templates as an admin would).
pub fn write_filled(t: &Template, rows: &[Vec<String>]) -> Result<Vec<u8>, XlsxError> {
    write_book(
        t,
        rows.iter()
            .enumerate()
            .map(|(i, r)| (FIRST_DATA_ROW + i as u32, r.as_slice(), &[][..])),
        false,
    )
}

/// One uploaded row for an error report: the row number it gets in the report as Excel shows
/// it, its values, its faults (none for a good row).
pub struct ReportRow<'a> {
    pub number: u32,
    pub values: &'a [String],
    pub faults: &'a [CellFault],
}

/// The error report: the rows given, each faulty cell filled red, and before the template's
/// columns one saying what is wrong with the row (first, so it is seen). The admin can correct
/// the cells in the report and upload it again: the reader skips that column.
pub fn write_report(t: &Template, rows: &[ReportRow<'_>]) -> Result<Vec<u8>, XlsxError> {
    write_book(
        &t.starting_at(1),
        rows.iter()
            .map(|r| (r.number.saturating_sub(1), r.values, r.faults)),
        true,
    )
}

fn write_book<'a>(
    t: &Template,
    rows: impl Iterator<Item = (u32, &'a [String], &'a [CellFault])>,
    report: bool,
) -> Result<Vec<u8>, XlsxError> {
    let mut book = Workbook::new();
    let f = Formats::new();
    let sheet = book.add_worksheet();
    sheet.set_name(&t.name)?;
    let long_lists = write_header(sheet, t, &f)?;
    let report_col = 0;
    if report {
        sheet.set_column_width(report_col, 60.0)?;
        sheet.write_string_with_format(0, report_col, REPORT_COLUMN, &f.title)?;
        sheet.write_string_with_format(
            1,
            report_col,
            "导入时忽略此列；红色单元格有错误，改正后可直接上传本表",
            &f.note,
        )?;
    }
    for (r, values, faults) in rows {
        let notes = write_cells(sheet, t, &f, r, values, faults)?;
        if report && !(faults.is_empty() && notes.is_empty()) {
            let text = report_message(faults, &notes);
            sheet.write_string_with_format(r, report_col, text, &f.message)?;
        }
    }
    sheet.set_row_height(1, 36)?;
    sheet.set_freeze_panes(FIRST_DATA_ROW, 0)?;
    if !long_lists.is_empty() {
        write_choices(&mut book, t, &long_lists)?;
    }
    book.save_to_buffer()
}

/// The cell formats of a workbook.
struct Formats {
    title: Format,
    required_title: Format,
    note: Format,
    text: Format,
    fault: Format,
    message: Format,
}

impl Formats {
    fn new() -> Self {
        let title = Format::new()
            .set_bold()
            .set_background_color(Color::RGB(0xF2DCDB))
            .set_border(FormatBorder::Thin)
            .set_align(FormatAlign::Center)
            .set_num_format("@");
        let text = Format::new().set_num_format("@");
        Self {
            required_title: title.clone().set_font_color(Color::RGB(0xC8161D)),
            title,
            note: Format::new()
                .set_italic()
                .set_font_color(Color::RGB(0x656D76))
                .set_text_wrap()
                .set_align(FormatAlign::Top)
                .set_num_format("@"),
            fault: text
                .clone()
                .set_background_color(Color::RGB(0xFFC7CE))
                .set_font_color(Color::RGB(0x9C0006)),
            text,
            message: Format::new()
                .set_font_color(Color::RGB(0x9C0006))
                .set_num_format("@"),
        }
    }
}

/// The title and notes rows, column widths and formats, and the drop-downs. Answers the
/// columns whose lists are too long for an inline drop-down, each with the letter of its
/// column on the hidden sheet of choices.
fn write_header(
    sheet: &mut Worksheet,
    t: &Template,
    f: &Formats,
) -> Result<Vec<(usize, String)>, XlsxError> {
    let last_row = FIRST_DATA_ROW + t.max_rows.max(1) as u32 - 1;
    // Lists too long for an inline drop-down go to a hidden sheet, one column each.
    let mut long_lists: Vec<(usize, String)> = Vec::new();
    for (i, col) in t.columns.iter().enumerate() {
        let c = (i + t.first_column) as u16;
        let width = col
            .title
            .chars()
            .count()
            .max(col.max_chars.unwrap_or(12).min(30)) as f64;
        sheet.set_column_width(c, (width * 2.0 + 2.0).clamp(12.0, 60.0))?;
        if col.text {
            sheet.set_column_format(c, &f.text)?;
        }
        let fmt = if col.required {
            &f.required_title
        } else {
            &f.title
        };
        sheet.write_string_with_format(0, c, &col.title, fmt)?;
        sheet.write_string_with_format(1, c, col.note_line(), &f.note)?;
        if !col.choices.is_empty() {
            let joined: usize = col.choices.iter().map(|s| s.chars().count() + 1).sum();
            let dv = if joined <= 250 {
                DataValidation::new().allow_list_strings(&col.choices)?
            } else {
                let letter = column_letter(long_lists.len());
                long_lists.push((i, letter.clone()));
                let n = col.choices.len();
                DataValidation::new().allow_list_formula(Formula::new(format!(
                    "='{CHOICES_SHEET}'!${letter}$1:${letter}${n}"
                )))
            };
            let dv = dv
                .set_error_style(DataValidationErrorStyle::Stop)
                .set_error_title("请从下拉列表中选择")?
                .set_error_message(format!("“{}”只能填写下拉列表中的值", col.title))?;
            sheet.add_data_validation(FIRST_DATA_ROW, c, last_row, c, &dv)?;
        }
    }
    Ok(long_lists)
}

/// One row's cells, faulty ones red. A cell longer than Excel allows is cut, and the row's
/// message says so (the answer): the report is always produced.
fn write_cells(
    sheet: &mut Worksheet,
    t: &Template,
    f: &Formats,
    r: u32,
    values: &[String],
    faults: &[CellFault],
) -> Result<Vec<String>, XlsxError> {
    let mut notes: Vec<String> = Vec::new();
    for (i, value) in values.iter().enumerate().take(t.columns.len()) {
        let title = &t.columns[i].title;
        let c = i + t.first_column;
        let (value, cut) = fit_cell(value);
        if let Some(kept) = cut {
            notes.push(format!("“{title}”此单元格过长，已截断显示前 {kept} 个字"));
        }
        let faulty = cut.is_some() || faults.iter().any(|f| &f.column == title);
        if faulty {
            sheet.write_string_with_format(r, c as u16, value, &f.fault)?;
        } else if !value.is_empty() {
            sheet.write_string(r, c as u16, value)?;
        }
    }
    Ok(notes)
}

/// What is wrong with a row, in one cell: the faults' messages, then the notes of cut cells.
fn report_message(faults: &[CellFault], notes: &[String]) -> String {
    let mut text: Vec<&str> = faults.iter().map(|f| f.message.as_str()).collect();
    text.extend(notes.iter().map(|n| n.as_str()));
    let text = text.join("；");
    let (shown, cut) = fit_cell(&text);
    match cut {
        // Room for the note: the notes come last, so cut the messages before them.
        Some(_) => {
            let tail = format!("……（错误说明过长，已截断）；{}", notes.join("；"));
            let (tail, _) = fit_cell(&tail);
            let room = EXCEL_CELL_MAX.saturating_sub(tail.encode_utf16().count());
            let head: String = shown
                .chars()
                .scan(0, |n, c| {
                    *n += c.len_utf16();
                    (*n <= room).then_some(c)
                })
                .collect();
            format!("{head}{tail}")
        }
        None => shown.to_string(),
    }
}

/// The hidden sheet holding the long lists of choices, one column each.
fn write_choices(
    book: &mut Workbook,
    t: &Template,
    long_lists: &[(usize, String)],
) -> Result<(), XlsxError> {
    let lists = book.add_worksheet();
    lists.set_name(CHOICES_SHEET)?;
    for (n, (col_index, _)) in long_lists.iter().enumerate() {
        for (r, choice) in t.columns[*col_index].choices.iter().enumerate() {
            lists.write_string(r as u32, n as u16, choice)?;
        }
    }
    lists.set_hidden(true);
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::spec::Column;
    use calamine::Reader;
    use tuanjian_domain::ErrorCode;

    #[test]
    fn fit_cell_counts_utf16_units_at_character_boundaries() {
        let short = "团".repeat(EXCEL_CELL_MAX);
        assert_eq!(fit_cell(&short), (short.as_str(), None));
        let long = "团".repeat(EXCEL_CELL_MAX + 1);
        let (kept, cut) = fit_cell(&long);
        assert_eq!(
            (kept.chars().count(), cut),
            (EXCEL_CELL_MAX, Some(EXCEL_CELL_MAX))
        );
        // A character outside the BMP takes two units: never half of one.
        let wide = "𠀀".repeat(EXCEL_CELL_MAX);
        let (kept, cut) = fit_cell(&wide);
        assert_eq!(cut, Some(EXCEL_CELL_MAX / 2));
        assert_eq!(kept.encode_utf16().count(), EXCEL_CELL_MAX - 1);
    }

    #[test]
    fn a_report_with_cells_longer_than_excel_allows_is_written_and_says_so() {
        let t = Template::new(
            "下级组织",
            vec![Column::new("组织简称"), Column::new("组织全称")],
        );
        let values = vec!["甲".repeat(40_000), "团委".to_string()];
        let fault = CellFault {
            row: 3,
            column: "组织简称".into(),
            cell: "A3".into(),
            code: ErrorCode::TooLong,
            message: "长".repeat(40_000),
        };
        let report = write_report(
            &t,
            &[ReportRow {
                number: 3,
                values: &values,
                faults: std::slice::from_ref(&fault),
            }],
        )
        .unwrap();
        let mut book: calamine::Xlsx<_> =
            calamine::open_workbook_from_rs(std::io::Cursor::new(report)).unwrap();
        let range = book.worksheet_range_at(0).unwrap().unwrap();
        // The message first, then the template's columns.
        let cell = range.get_value((2, 1)).unwrap().to_string();
        assert_eq!(cell.chars().count(), EXCEL_CELL_MAX);
        assert_eq!(range.get_value((2, 2)).unwrap().to_string(), "团委");
        let message = range.get_value((2, 0)).unwrap().to_string();
        assert!(message.encode_utf16().count() <= EXCEL_CELL_MAX);
        assert!(
            message.ends_with(&format!(
                "“组织简称”此单元格过长，已截断显示前 {EXCEL_CELL_MAX} 个字"
            )),
            "{}",
            &message[message.len() - 200..]
        );
    }
}
