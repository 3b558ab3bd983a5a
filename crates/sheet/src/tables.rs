//! Plain tables as one workbook, one sheet each: a title row, a header row, then the rows, with
//! numbers written as numbers (for the statistics' Excel export).

use rust_xlsxwriter::{Format, Workbook, XlsxError};

/// A cell of a plain table.
#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    Text(String),
    Number(i64),
    /// An amount of money in fen, written as 元 with two decimals (Excel keeps every number
    /// as a double: only this last step leaves integers).
    Fen(i64),
}

/// One sheet: its name (at most 31 characters, no `[]:*?/\`), a title over the table, the
/// column headers and the rows.
#[derive(Debug, Clone)]
pub struct SheetTable {
    pub name: String,
    pub title: String,
    pub headers: Vec<String>,
    pub rows: Vec<Vec<Cell>>,
}

/// A sheet name Excel accepts: forbidden characters replaced, cut to 31 characters.
pub fn sheet_name(name: &str) -> String {
    name.chars()
        .map(|c| if "[]:*?/\\".contains(c) { '_' } else { c })
        .take(31)
        .collect()
}

pub fn write_tables(tables: &[SheetTable]) -> Result<Vec<u8>, XlsxError> {
    let mut book = Workbook::new();
    let bold = Format::new().set_bold();
    let money = Format::new().set_num_format("0.00");
    for t in tables {
        let sheet = book.add_worksheet();
        sheet.set_name(sheet_name(&t.name))?;
        sheet.write_string_with_format(0, 0, &t.title, &bold)?;
        for (c, h) in t.headers.iter().enumerate() {
            sheet.write_string_with_format(1, c as u16, h, &bold)?;
            sheet.set_column_width(c as u16, if c == 0 { 28 } else { 14 })?;
        }
        for (r, row) in t.rows.iter().enumerate() {
            for (c, cell) in row.iter().enumerate() {
                let (r, c) = (r as u32 + 2, c as u16);
                match cell {
                    Cell::Text(s) => sheet.write_string(r, c, s)?,
                    Cell::Number(n) => sheet.write_number(r, c, *n as f64)?,
                    Cell::Fen(f) => {
                        sheet.write_number_with_format(r, c, *f as f64 / 100.0, &money)?
                    }
                };
            }
        }
    }
    book.save_to_buffer()
}

#[cfg(test)]
mod tests {
    use super::*;
    use calamine::{DataType, Reader, Xlsx};

    #[test]
    fn tables_read_back() {
        let bytes = write_tables(&[SheetTable {
            name: "团员性别".into(),
            title: "某团委 团员性别".into(),
            headers: vec!["性别".into(), "人数".into()],
            rows: vec![
                vec![Cell::Text("男".into()), Cell::Number(3)],
                vec![Cell::Text("女".into()), Cell::Number(4)],
                vec![Cell::Text("团费".into()), Cell::Fen(1_999)],
            ],
        }])
        .unwrap();
        let mut book: Xlsx<_> = Xlsx::new(std::io::Cursor::new(bytes)).unwrap();
        assert_eq!(book.sheet_names(), vec!["团员性别".to_string()]);
        let range = book.worksheet_range("团员性别").unwrap();
        assert_eq!(range.get_value((3, 0)).unwrap().to_string(), "女");
        assert_eq!(range.get_value((3, 1)).unwrap().to_string(), "4");
        assert_eq!(range.get_value((4, 1)).unwrap().get_float(), Some(19.99));
    }

    #[test]
    fn names_are_made_acceptable() {
        assert_eq!(sheet_name("a/b:c"), "a_b_c");
        assert_eq!(sheet_name(&"长".repeat(40)).chars().count(), 31);
    }
}
