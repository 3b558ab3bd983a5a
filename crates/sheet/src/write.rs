//! Writing a template: titles, a notes row, text-formatted columns and drop-downs.

use rust_xlsxwriter::{
    Color, DataValidation, DataValidationErrorStyle, Format, FormatAlign, FormatBorder, Formula,
    Workbook, XlsxError,
};

use crate::spec::{Template, column_letter};

/// The first data row, 0-based (Excel row 3): row 1 titles, row 2 notes.
pub const FIRST_DATA_ROW: u32 = 2;

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
    let mut book = Workbook::new();
    let title_fmt = Format::new()
        .set_bold()
        .set_background_color(Color::RGB(0xF2DCDB))
        .set_border(FormatBorder::Thin)
        .set_align(FormatAlign::Center)
        .set_num_format("@");
    let required_title_fmt = title_fmt.clone().set_font_color(Color::RGB(0xC8161D));
    let note_fmt = Format::new()
        .set_italic()
        .set_font_color(Color::RGB(0x656D76))
        .set_text_wrap()
        .set_align(FormatAlign::Top)
        .set_num_format("@");
    let text_fmt = Format::new().set_num_format("@");
    let last_row = FIRST_DATA_ROW + t.max_rows.max(1) as u32 - 1;

    // Lists too long for an inline drop-down go to a hidden sheet, one column each.
    let mut long_lists: Vec<(usize, String)> = Vec::new();
    let sheet = book.add_worksheet();
    sheet.set_name(&t.name)?;
    for (i, col) in t.columns.iter().enumerate() {
        let c = i as u16;
        let width = col
            .title
            .chars()
            .count()
            .max(col.max_chars.unwrap_or(12).min(30)) as f64;
        sheet.set_column_width(c, (width * 2.0 + 2.0).clamp(12.0, 60.0))?;
        if col.text {
            sheet.set_column_format(c, &text_fmt)?;
        }
        let fmt = if col.required {
            &required_title_fmt
        } else {
            &title_fmt
        };
        sheet.write_string_with_format(0, c, &col.title, fmt)?;
        sheet.write_string_with_format(1, c, col.note_line(), &note_fmt)?;
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
    for (r, row) in rows.iter().enumerate() {
        for (c, value) in row.iter().enumerate() {
            if !value.is_empty() {
                sheet.write_string(FIRST_DATA_ROW + r as u32, c as u16, value)?;
            }
        }
    }
    sheet.set_row_height(1, 36)?;
    sheet.set_freeze_panes(FIRST_DATA_ROW, 0)?;

    if !long_lists.is_empty() {
        let lists = book.add_worksheet();
        lists.set_name(CHOICES_SHEET)?;
        for (n, (col_index, _)) in long_lists.iter().enumerate() {
            for (r, choice) in t.columns[*col_index].choices.iter().enumerate() {
                lists.write_string(r as u32, n as u16, choice)?;
            }
        }
        lists.set_hidden(true);
    }
    book.save_to_buffer()
}
