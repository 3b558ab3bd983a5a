//! Excel templates and uploads from one column specification: `write_template` makes the file an
//! admin downloads, `read_rows` reads what they upload back, checking that it is the same
//! template and applying the column rules to every cell. Domain checks (kinds, names taken …)
//! stay with the caller, which adds its faults to each row's and reports them all together.

mod cfb_check;
pub mod error;
pub mod hostile;
pub mod read;
pub mod spec;
pub mod tables;
pub mod write;
pub mod xlsx_guard;

pub use error::{CellFault, SheetError};
pub use read::{
    Chunk, REPORT_COLUMN, Row, normalise, number_text, read_rows, read_rows_chunked,
    serial_date_text,
};
pub use spec::{Column, Template, column_letter};
pub use write::{FIRST_DATA_ROW, ReportRow, write_filled, write_report, write_template};

#[cfg(test)]
mod tests {
    use rust_xlsxwriter::{Format, Workbook};

    use super::*;

    fn template() -> Template {
        Template::new(
            "下级组织",
            vec![
                Column::new("组织简称").required().max_chars(5),
                Column::new("组织全称").required().max_chars(10),
                Column::new("组织类别")
                    .required()
                    .choices(["团委", "团支部"]),
                Column::new("联系电话").notes("例如 010-85212345"),
            ],
        )
    }

    /// A workbook as an admin would save it: the given header row, the notes row, then cells.
    fn book(header: &[&str], rows: &[Vec<Cell>]) -> Vec<u8> {
        let mut b = Workbook::new();
        let s = b.add_worksheet();
        for (c, t) in header.iter().enumerate() {
            s.write_string(0, c as u16, *t).unwrap();
        }
        for (c, col) in template().columns.iter().enumerate() {
            s.write_string(1, c as u16, col.note_line()).unwrap();
        }
        for (r, row) in rows.iter().enumerate() {
            for (c, cell) in row.iter().enumerate() {
                let (r, c) = (r as u32 + 2, c as u16);
                match cell {
                    Cell::S(v) => {
                        s.write_string(r, c, *v).unwrap();
                    }
                    Cell::N(v) => {
                        s.write_number(r, c, *v).unwrap();
                    }
                    Cell::E(result) => {
                        // A formula Excel could not compute: saved with its error as the value.
                        let f = rust_xlsxwriter::Formula::new("=1/0").set_result(*result);
                        s.write_formula(r, c, f).unwrap();
                    }
                    Cell::Blank => {}
                }
            }
        }
        b.save_to_buffer().unwrap()
    }

    enum Cell {
        S(&'static str),
        N(f64),
        /// A formula cell holding an Excel error value.
        E(&'static str),
        Blank,
    }
    use Cell::*;

    const HEADER: [&str; 4] = ["组织简称", "组织全称", "组织类别", "联系电话"];

    #[test]
    fn template_reads_back_with_no_rows() {
        let t = template();
        let bytes = write_template(&t).unwrap();
        assert!(bytes.starts_with(b"PK"));
        assert_eq!(read_rows(&t, &bytes, "模板.xlsx"), Err(SheetError::NoRows));
    }

    #[test]
    fn filled_template_reads_back() {
        let t = template();
        let rows = vec![
            vec![
                "团一中委".to_string(),
                "一中团委".into(),
                "团委".into(),
                String::new(),
            ],
            vec![
                "团二中委".to_string(),
                "二中团委".into(),
                "团委".into(),
                "010-1".into(),
            ],
        ];
        let bytes = write_filled(&t, &rows).unwrap();
        let back = read_rows(&t, &bytes, "a.xlsx").unwrap();
        assert_eq!(
            back.iter().map(|r| r.values.clone()).collect::<Vec<_>>(),
            rows
        );
        assert_eq!(back[1].number, 4);
    }

    #[test]
    fn long_choice_lists_go_to_a_hidden_sheet() {
        let many: Vec<String> = (0..80).map(|i| format!("选项{i:03}")).collect();
        let t = Template::new("长列表", vec![Column::new("民族").choices(many)]);
        let bytes = write_template(&t).unwrap();
        let book: calamine::Xlsx<_> =
            calamine::open_workbook_from_rs(std::io::Cursor::new(bytes.clone())).unwrap();
        use calamine::Reader;
        assert_eq!(book.sheet_names(), vec!["长列表", "选项"]);
        assert_eq!(read_rows(&t, &bytes, "x.xlsx"), Err(SheetError::NoRows));
    }

    #[test]
    fn round_trip_normalises_values() {
        let t = template();
        let bytes = book(
            &HEADER,
            &[
                vec![S("  团一中委 "), S("一中团委"), S("团委"), N(13800138000.0)],
                vec![
                    S("团２班"),
                    S("二班团支部"),
                    S("团支部"),
                    S("０１０-８５２１２３４５"),
                ],
                vec![Blank, Blank, Blank, Blank],
                vec![S("团3班"), S("三班团支部"), S("01TZB"), N(1.5)],
            ],
        );
        let rows = read_rows(&t, &bytes, "a.xlsx").unwrap();
        assert_eq!(rows.len(), 3, "the blank row is skipped");
        assert_eq!(rows[0].number, 3);
        assert_eq!(
            rows[0].values,
            ["团一中委", "一中团委", "团委", "13800138000"]
        );
        assert_eq!(rows[1].values[0], "团2班");
        assert_eq!(rows[1].values[3], "010-85212345");
        assert_eq!(rows[2].number, 6, "numbers as Excel shows them");
        assert_eq!(rows[2].value(3), "1.5");
        assert!(rows.iter().all(|r| r.faults.is_empty()));
    }

    #[test]
    fn every_fault_is_reported_by_row_and_column() {
        let t = template();
        let bytes = book(
            &HEADER,
            &[
                vec![S("团一中委"), Blank, S("团委")],
                vec![
                    S("太长的组织简称"),
                    S("全称"),
                    Blank,
                    N(110105194912310020.0),
                ],
            ],
        );
        let rows = read_rows(&t, &bytes, "a.xlsx").unwrap();
        let all: Vec<(u32, &str, &str, &str)> = rows
            .iter()
            .flat_map(|r| &r.faults)
            .map(|f| (f.row, f.column.as_str(), f.cell.as_str(), f.code.as_str()))
            .collect();
        assert_eq!(
            all,
            [
                (3, "组织全称", "B3", "required_missing"),
                (4, "组织简称", "A4", "too_long"),
                (4, "组织类别", "C4", "required_missing"),
                (4, "联系电话", "D4", "stored_as_number"),
            ]
        );
        let msg = &rows[1].faults[0].message;
        assert!(
            msg.starts_with("第4行“组织简称”（A4单元格）") && msg.contains("最多5个字"),
            "{msg}"
        );
        assert!(!rows[1].is_clean(&t, 0) && rows[1].is_clean(&t, 1));
    }

    #[test]
    fn an_excel_error_value_is_a_fault() {
        let t = template();
        let bytes = book(
            &HEADER,
            &[vec![S("团一中委"), S("一中团委"), S("团委"), E("#DIV/0!")]],
        );
        let rows = read_rows(&t, &bytes, "a.xlsx").unwrap();
        let f = &rows[0].faults;
        assert_eq!(f.len(), 1, "{f:?}");
        assert_eq!(
            (f[0].cell.as_str(), f[0].code.as_str()),
            ("D3", "cell_error")
        );
        assert!(f[0].message.contains("#DIV/0!"), "{}", f[0].message);
    }

    #[test]
    fn another_template_is_refused() {
        let t = template();
        let other = book(&["姓名", "身份证号码"], &[vec![S("张三"), S("1")]]);
        let e = read_rows(&t, &other, "a.xlsx").unwrap_err();
        assert_eq!(e.code(), "template_mismatch");
        assert!(e.to_string().contains("姓名、身份证号码"), "{e}");
        let extra = book(
            &["组织简称", "组织全称", "组织类别", "联系电话", "备注"],
            &[],
        );
        assert_eq!(
            read_rows(&t, &extra, "a.xlsx").unwrap_err().code(),
            "template_mismatch"
        );
        // A required-marker star after a title is tolerated.
        let starred = book(
            &["组织简称*", "组织全称＊", "组织类别", "联系电话"],
            &[vec![S("a"), S("b"), S("团委")]],
        );
        assert_eq!(read_rows(&t, &starred, "a.xlsx").unwrap().len(), 1);
    }

    #[test]
    fn file_level_limits() {
        let t = template();
        assert_eq!(read_rows(&t, b"", "a.xlsx"), Err(SheetError::EmptyFile));
        assert_eq!(
            read_rows(&t, b"name,full\na,b\n", "a.csv")
                .unwrap_err()
                .code(),
            "sheet_unreadable"
        );
        assert_eq!(
            read_rows(&t, b"PK\x03\x04garbage", "a.xlsx")
                .unwrap_err()
                .code(),
            "sheet_unreadable"
        );
        let mut small = template();
        small.max_bytes = 100;
        let bytes = write_template(&t).unwrap();
        assert_eq!(
            read_rows(&small, &bytes, "a.xlsx").unwrap_err().code(),
            "too_large"
        );
        let mut few = template();
        few.max_rows = 2;
        let three = book(
            &HEADER,
            &[
                vec![S("a"), S("b"), S("团委")],
                vec![S("c"), S("d"), S("团委")],
                vec![S("e"), S("f"), S("团委")],
            ],
        );
        assert_eq!(
            read_rows(&few, &three, "a.xlsx"),
            Err(SheetError::TooManyRows { found: 3, max: 2 })
        );
    }

    #[test]
    fn a_small_zip_that_unpacks_to_much_is_refused() {
        use std::io::Write;
        let mut buf = std::io::Cursor::new(Vec::new());
        let mut z = zip::ZipWriter::new(&mut buf);
        let opts = zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Deflated);
        z.start_file("xl/worksheets/sheet1.xml", opts).unwrap();
        let zeros = vec![0u8; 1024 * 1024];
        for _ in 0..70 {
            z.write_all(&zeros).unwrap();
        }
        z.finish().unwrap();
        let bytes = buf.into_inner();
        assert!(bytes.len() < 1024 * 1024, "{}", bytes.len());
        let e = read_rows(&template(), &bytes, "bomb.xlsx").unwrap_err();
        assert_eq!(e.code(), "too_large");
    }

    #[test]
    fn far_away_cells_do_not_allocate_their_bounding_box() {
        let t = template();
        let mut b = Workbook::new();
        let s = b.add_worksheet();
        for (c, h) in HEADER.iter().enumerate() {
            s.write_string(0, c as u16, *h).unwrap();
        }
        s.write_string(2, 0, "a").unwrap();
        s.write_string(2, 1, "b").unwrap();
        s.write_string(2, 2, "团委").unwrap();
        s.write_string(1_048_575, 16_383, "far").unwrap();
        let bytes = b.save_to_buffer().unwrap();
        let rows = read_rows(&t, &bytes, "a.xlsx").unwrap();
        assert_eq!(rows.len(), 1);
    }

    #[test]
    fn reads_old_xls_files() {
        // Written by xlwt (Excel 97-2003 format); see testdata/.
        let bytes = include_bytes!("../testdata/children.xls");
        let t = Template::new(
            "下级组织",
            vec![
                Column::new("组织简称").required().max_chars(30),
                Column::new("组织全称").required().max_chars(100),
                Column::new("组织类别").required(),
            ],
        );
        let rows = read_rows(&t, bytes, "children.xls").unwrap();
        assert_eq!(rows.len(), 2);
        assert_eq!(rows[0].number, 3);
        assert_eq!(
            rows[0].values,
            ["团一中委", "共青团测试县第一中学委员会", "团委"]
        );
        assert_eq!(
            rows[1].values,
            ["2024", "共青团测试县第2中学总支部委员会", "02TZZ"]
        );
    }

    #[test]
    fn dates_and_text_format() {
        let t = Template::new("日期", vec![Column::new("入团年月").general()]);
        let mut b = Workbook::new();
        let s = b.add_worksheet();
        s.write_string(0, 0, "入团年月").unwrap();
        let date = rust_xlsxwriter::ExcelDateTime::from_ymd(2017, 5, 4).unwrap();
        s.write_datetime_with_format(2, 0, &date, &Format::new().set_num_format("yyyy-mm-dd"))
            .unwrap();
        let bytes = b.save_to_buffer().unwrap();
        let rows = read_rows(&t, &bytes, "a.xlsx").unwrap();
        assert_eq!(rows[0].values, ["2017-05-04"]);
        assert_eq!(number_text(13800138000.0), "13800138000");
        assert_eq!(number_text(-2.0), "-2");
        assert_eq!(normalise("\u{3000}１２３ "), "123");
    }

    #[test]
    fn month_columns_read_excel_dates_and_refuse_ambiguous_numbers() {
        assert_eq!(serial_date_text(43_586), "2019-05-01");
        assert_eq!(serial_date_text(25_569), "1970-01-01");
        assert_eq!(serial_date_text(8_037), "1922-01-01");
        let t = Template::new("月份", vec![Column::new("入团年月").month()]);
        let mut b = Workbook::new();
        let s = b.add_worksheet();
        s.write_string(0, 0, "入团年月").unwrap();
        for (r, v) in [43_586.0, 201_905.0, 2019.05, 2019.1].iter().enumerate() {
            s.write_number(r as u32 + 2, 0, *v).unwrap();
        }
        s.write_string(6, 0, "２０１９年５月").unwrap();
        let bytes = b.save_to_buffer().unwrap();
        let rows = read_rows(&t, &bytes, "a.xlsx").unwrap();
        let values: Vec<&str> = rows.iter().map(|r| r.value(0)).collect();
        assert_eq!(
            values,
            ["2019-05-01", "201905", "2019.05", "2019.1", "2019年5月"]
        );
        assert!(rows[..3].iter().all(|r| r.faults.is_empty()));
        assert_eq!(rows[3].faults[0].code, "join_date_invalid");
        assert!(
            rows[3].faults[0].message.contains("文本"),
            "{}",
            rows[3].faults[0].message
        );
    }

    #[test]
    fn an_error_report_reads_back_as_the_upload() {
        let t = template();
        let values = [
            vec![
                "团一中委".to_string(),
                "一中团委".into(),
                "团委".into(),
                String::new(),
            ],
            vec![
                "团二中委".to_string(),
                String::new(),
                "团委".into(),
                String::new(),
            ],
        ];
        let fault = CellFault::at(
            &t,
            6,
            1,
            tuanjian_domain::ErrorCode::RequiredMissing,
            "必须填写",
        );
        let report = write_report(
            &t,
            &[
                ReportRow {
                    number: 3,
                    values: &values[0],
                    faults: &[],
                },
                ReportRow {
                    number: 6,
                    values: &values[1],
                    faults: std::slice::from_ref(&fault),
                },
            ],
        )
        .unwrap();
        let rows = read_rows(&t, &report, "report.xlsx").unwrap();
        assert_eq!(rows.len(), 2);
        assert_eq!(
            (rows[0].number, rows[1].number),
            (3, 6),
            "rows stay where they were"
        );
        assert_eq!(rows[0].values, values[0]);
        assert_eq!(rows[1].faults[0].code, "required_missing");
        // The report's first column says what is wrong; cell references count it.
        assert_eq!(rows[1].faults[0].cell, "C6", "{:?}", rows[1].faults);
        use calamine::Reader;
        let mut book: calamine::Xlsx<_> =
            calamine::open_workbook_from_rs(std::io::Cursor::new(report)).unwrap();
        let range = book.worksheet_range_at(0).unwrap().unwrap();
        assert_eq!(range.get_value((0, 0)).unwrap().to_string(), REPORT_COLUMN);
        assert_eq!(
            range.get_value((0, 1)).unwrap().to_string(),
            t.columns[0].title
        );
        assert!(
            range
                .get_value((5, 0))
                .unwrap()
                .to_string()
                .contains("必须填写")
        );
    }

    #[test]
    fn an_over_long_cell_is_a_cell_fault_not_read() {
        let t = template();
        let titles: Vec<String> = t.columns.iter().map(|c| c.title.clone()).collect();
        for attack in [
            hostile::Attack::InlineCell { chars: 5_000_000 },
            hostile::Attack::SharedCell { chars: 5_000_000 },
        ] {
            let bytes = hostile::xlsx(&titles, attack).unwrap();
            assert!(bytes.len() < 200_000, "{}", bytes.len());
            let rows = read_rows(&t, &bytes, "a.xlsx").unwrap();
            assert_eq!(rows.len(), 1, "{attack:?}");
            assert_eq!(rows[0].values[0], "", "not read");
            let f = &rows[0].faults[0];
            assert_eq!((f.code.as_str(), f.cell.as_str()), ("too_long", "A3"));
            assert_eq!(
                f.message,
                "第3行“组织简称”（A3单元格）：超过1000个字，未读取：请检查该单元格，只填写该列应填的内容"
            );
        }
        // A cell of exactly the cap is read, and its column rule speaks.
        let bytes = hostile::xlsx(&titles, hostile::Attack::InlineCell { chars: 1_000 }).unwrap();
        let rows = read_rows(&t, &bytes, "a.xlsx").unwrap();
        assert_eq!(rows[0].values[0].chars().count(), 1_000);
        assert!(rows[0].faults[0].message.contains("最多5个字"));
    }

    #[test]
    fn many_medium_cells_are_refused_past_the_text_kept() {
        let mut t = template();
        t.max_rows = 100_000;
        let titles: Vec<String> = t.columns.iter().map(|c| c.title.clone()).collect();
        let attack = hostile::Attack::ManyCells {
            rows: 6_000,
            chars: 1_000,
        };
        let bytes = hostile::xlsx(&titles, attack).unwrap();
        let e = read_rows(&t, &bytes, "a.xlsx").unwrap_err();
        assert_eq!(e.code(), "too_large");
        assert!(e.to_string().contains("文字太多"), "{e}");
        // Fewer rows are read, every cell a fault of its column.
        let attack = hostile::Attack::ManyCells {
            rows: 100,
            chars: 1_000,
        };
        let bytes = hostile::xlsx(&titles, attack).unwrap();
        let rows = read_rows(&t, &bytes, "a.xlsx").unwrap();
        assert_eq!(rows.len(), 100);
    }

    /// Reads `bytes` two rows at a time, keeping each chunk's size.
    fn chunked(t: &Template, bytes: &[u8]) -> (Result<usize, SheetError>, Vec<usize>, Vec<Row>) {
        let (mut sizes, mut rows) = (Vec::new(), Vec::new());
        let read = read_rows_chunked(t, bytes, "a.xlsx", &|_| 2, &mut |chunk| {
            sizes.push(chunk.rows.len());
            rows.extend(chunk.rows);
            true
        });
        (read, sizes, rows)
    }

    #[test]
    fn rows_are_handed_on_in_chunks_as_the_sheet_is_read() {
        let t = template();
        let data: Vec<Vec<Cell>> = (0..7)
            .map(|i| {
                vec![
                    S(["a", "b", "c", "d", "e", "f", "g"][i]),
                    S("全称"),
                    S("团委"),
                ]
            })
            .collect();
        let bytes = book(&HEADER, &data);
        let (read, sizes, rows) = chunked(&t, &bytes);
        assert_eq!(read, Ok(7));
        let mut declared = 0;
        read_rows_chunked(&t, &bytes, "a.xlsx", &|_| 2, &mut |c| {
            declared = c.declared_rows;
            true
        })
        .unwrap();
        assert_eq!(declared, 7);
        // Handed on while reading (not one chunk at the end), in order, as `read_rows` reads them.
        assert!(sizes.len() >= 3, "{sizes:?}");
        assert_eq!(rows, read_rows(&t, &bytes, "a.xlsx").unwrap());
        assert_eq!(rows[6].number, 9);
        // A fault only the end shows is an error after rows were handed on.
        let mut few = template();
        few.max_rows = 5;
        let (read, sizes, _) = chunked(&few, &bytes);
        assert_eq!(read, Err(SheetError::TooManyRows { found: 7, max: 5 }));
        assert!(!sizes.is_empty());
        // The caller may stop the reading.
        let mut calls = 0;
        let read = read_rows_chunked(&t, &bytes, "a.xlsx", &|_| 2, &mut |_| {
            calls += 1;
            false
        });
        assert_eq!((read.is_ok(), calls), (true, 1));
        // A wrong header is told before any row is handed on.
        let other = book(&["名称", "全称", "类别", "电话"], &data);
        let (read, sizes, _) = chunked(&t, &other);
        assert_eq!(read.unwrap_err().code(), "template_mismatch");
        assert!(sizes.is_empty());
    }

    #[test]
    fn rows_out_of_order_are_read_whole_but_refused_when_read_in_chunks() {
        let t = template();
        let titles: Vec<String> = t.columns.iter().map(|c| c.title.clone()).collect();
        let bytes = hostile::xlsx(&titles, hostile::Attack::RowsOutOfOrder { rows: 8 }).unwrap();
        // Read whole, the rows are put in order.
        let rows = read_rows(&t, &bytes, "a.xlsx").unwrap();
        let numbers: Vec<u32> = rows.iter().map(|r| r.number).collect();
        assert_eq!(numbers, (3..11).collect::<Vec<_>>());
        assert_eq!(rows[0].values[0], "3");
        // In chunks, a row above those handed on cannot be put back: the file is refused.
        let (read, _, _) = chunked(&t, &bytes);
        let e = read.unwrap_err();
        assert_eq!(e.code(), "sheet_unreadable");
        assert!(e.to_string().contains("另存为 .xlsx"), "{e}");
    }
}
